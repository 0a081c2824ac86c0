//! The system view: how many organisations of each ICB and region could be compromised at once,
//! through which suppliers (docs/methodology.md section 17).
//!
//! ```text
//! cargo run --release --example system                         # the bundled sample (300 organisations)
//! cargo run --release --example system -- portfolio.json       # your own document (with `groups`)
//! cargo run --release --example system -- --trials 100000 --seed 7 --k 3
//! cargo run --release --example system -- --organisations 50000   # the national sample
//! cargo run --release --example system -- portfolio.json --json    # the report document
//! ```

use std::process::ExitCode;
use std::time::Instant;

use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::system::SystemOptions;
use risk_core::{Methodology, Portfolio};

fn main() -> ExitCode {
    let mut path = None;
    let mut json = false;
    let mut organisations = None;
    let mut options = SystemOptions::default();
    let mut it = std::env::args().skip(1);
    let number = |it: &mut dyn Iterator<Item = String>, what: &str| -> u64 {
        it.next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{what} needs a number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--trials" => options.trials = number(&mut it, "--trials"),
            "--seed" => options.seed = number(&mut it, "--seed"),
            "--k" => options.attribution_k = number(&mut it, "--k") as u32,
            "--organisations" => organisations = Some(number(&mut it, "--organisations") as usize),
            "--losses" => options.losses = Some(Default::default()),
            "--no-attribution" => options.suppliers = Some(Vec::new()),
            _ if path.is_none() && !arg.starts_with("--") => path = Some(arg),
            _ => {
                eprintln!(
                    "usage: system [PORTFOLIO.json] [--trials N] [--seed S] [--k K] [--losses] [--no-attribution] [--organisations N] [--json]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let portfolio: Portfolio = match &path {
        Some(p) => {
            let text = match std::fs::read(p) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{p}: {e}");
                    return ExitCode::from(2);
                }
            };
            match risk_core::parse_portfolio_bytes(&text) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            }
        }
        None => sample_portfolio(&SampleConfig {
            organisations: organisations.unwrap_or(SampleConfig::default().organisations),
            ..SampleConfig::default()
        }),
    };
    let methodology = Methodology::default();
    let prepared = match risk_core::validate(&portfolio, &methodology) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rated = Instant::now();
    // The system view starts from this rating (computed once, shared).
    let _ = prepared.rating();
    let rate_time = rated.elapsed();
    let start = Instant::now();
    let report = match prepared.system(&options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e} ({})", e.path(), e.code());
            return ExitCode::from(2);
        }
    };
    let elapsed = start.elapsed();
    if json {
        println!("{}", report.to_json());
        return ExitCode::SUCCESS;
    }
    print_summary(&report, options.attribution_k, rate_time, elapsed);
    ExitCode::SUCCESS
}

/// The human-readable summary: the groups most at risk of `k` or more members compromised in a
/// year and the suppliers behind them, the whole portfolio, the largest gaps between the
/// simulated and the rated probabilities.
fn print_summary(
    report: &risk_core::system::SystemReport,
    k: u32,
    rate_time: std::time::Duration,
    elapsed: std::time::Duration,
) {
    println!(
        "{} organisations, {} groups, {} trials (seed {}): rated in {:.2} s, simulated in {:.2} s",
        report.organisations.len(),
        report.groups.len(),
        report.trials,
        report.seed,
        rate_time.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    let tail = |g: &risk_core::system::GroupRisk| {
        g.tail
            .iter()
            .find(|t| t.k == k)
            .map(|t| (t.p, t.p_independent, t.multiplier))
            .unwrap_or((0.0, 0.0, 1.0))
    };
    let mut groups: Vec<&risk_core::system::GroupRisk> = report.groups.iter().collect();
    groups.sort_by(|a, b| tail(b).0.total_cmp(&tail(a).0).then(a.group.cmp(&b.group)));
    println!("\nGroups by P(at least {k} members compromised in a year):");
    println!(
        "{:<34} {:>7} {:>9} {:>10} {:>10} {:>6}  suppliers behind it (compromised / caused share of those years)",
        "group", "members", "E[N]", "P(>=k)", "indep.", "x"
    );
    for g in groups.iter().take(15) {
        let (p, ind, mult) = tail(g);
        let behind: Vec<String> = g
            .suppliers
            .iter()
            .filter(|s| s.compromised_share > 0.0)
            .take(3)
            .map(|s| {
                format!(
                    "{} {:.0}%/{:.0}%",
                    s.id,
                    100.0 * s.compromised_share,
                    100.0 * s.caused_share
                )
            })
            .collect();
        println!(
            "{:<34} {:>7} {:>9.2} {:>10.4} {:>10.4} {:>6.2}  {}",
            g.group,
            g.members,
            g.expected,
            p,
            ind,
            mult,
            behind.join(", ")
        );
    }
    let (p, ind, mult) = tail(&report.portfolio);
    println!(
        "\nWhole portfolio: E[N] = {:.1} (Σ rated P = {:.1}); P(N ≥ {k}) = {p:.4}, independent {ind:.4}, multiplier {mult:.2}",
        report.portfolio.expected, report.portfolio.expected_rated
    );
    let mut orgs: Vec<_> = report.organisations.iter().collect();
    orgs.sort_by(|a, b| a.difference.total_cmp(&b.difference));
    println!(
        "\nLargest gaps between the simulated marginal and the rated P (the rating treats shared routes as independent):"
    );
    for o in orgs.iter().take(5) {
        println!(
            "  {:<12} simulated {:.4} ± {:.4}, rated {:.4}, difference {:+.4}",
            o.id, o.simulated, o.se, o.rated, o.difference
        );
    }
}
