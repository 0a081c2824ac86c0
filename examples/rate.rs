//! Rate a portfolio and print a readable summary — the project's main job.
//!
//! ```text
//! cargo run --release --example rate                       # the bundled sample (300 organisations)
//! cargo run --release --example rate -- portfolio.json     # your own document
//! cargo run --release --example rate -- portfolio.json --json   # the output document (section 6.1)
//! cargo run --release --example rate -- --all              # every organisation, not the 25 lowest
//! cargo run --release --example rate -- --methodology m.json    # a custom methodology
//! cargo run --release --example rate -- --organisations 50000 --seed 7   # a larger sample
//! cargo run --release --example rate -- big.json --max-items 5000000 --max-bytes 4294967296
//! ```
//!
//! Resource limits (`risk_core::limits::LIMITS`, defaults in `Limits::default`): each is set
//! with `--max-…` and its name with dashes (`--max-document-bytes`, `--max-organisations`,
//! `--max-items-per-list`, `--max-dependency-edges`, `--max-string-bytes`); `--max-bytes` and
//! `--max-items` are short for the first and the third.
//!
//! A document with problems prints every problem with its JSON path and exits with status 2.

use std::process::ExitCode;
use std::time::Instant;

use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Limits, Methodology, Portfolio, PortfolioRating, Rating};

struct Args {
    path: Option<String>,
    json: bool,
    all: bool,
    methodology: Option<String>,
    organisations: Option<usize>,
    seed: u64,
    /// `(limit name, value as given)`, checked by the core (`Limits::from_pairs`).
    limits: Vec<(String, String)>,
}

fn usage() -> String {
    let limits: Vec<String> = risk_core::limits::LIMITS
        .iter()
        .map(|(name, what)| format!("  --{:<22} N  {what}", name.replace('_', "-")))
        .collect();
    format!(
        "usage: rate [PORTFOLIO.json] [--json] [--all] [--methodology FILE] [--organisations N] [--seed S] [--max-… N]\n\
         resource limits (defaults: {}):\n{}\n  --max-bytes N, --max-items N: short for --max-document-bytes, --max-items-per-list",
        serde_json::to_string(&Limits::default()).unwrap_or_default(),
        limits.join("\n")
    )
}

/// The limit a `--max-…` option sets: its name with underscores (`--max-items-per-list` is
/// `max_items_per_list`), or one of the two short forms.
fn limit_name(option: &str) -> String {
    match option {
        "--max-bytes" => "max_document_bytes".to_owned(),
        "--max-items" => "max_items_per_list".to_owned(),
        o => o.trim_start_matches("--").replace('-', "_"),
    }
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        path: None,
        json: false,
        all: false,
        methodology: None,
        organisations: None,
        seed: SampleConfig::default().seed,
        limits: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => a.json = true,
            "--all" => a.all = true,
            "--methodology" => a.methodology = Some(it.next().ok_or("--methodology needs a file")?),
            "--organisations" => {
                let v = it.next().ok_or("--organisations needs a number")?;
                a.organisations = Some(
                    v.parse()
                        .map_err(|_| format!("--organisations: `{v}` is not a number"))?,
                );
            }
            "--seed" => {
                let v = it.next().ok_or("--seed needs a number")?;
                a.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not a number"))?;
            }
            s if s.starts_with("--max-") => {
                let v = it.next().ok_or_else(|| format!("{s} needs a number"))?;
                a.limits.push((limit_name(s), v));
            }
            "-h" | "--help" => return Err(usage()),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`\n{}", usage())),
            s => {
                if a.path.replace(s.to_owned()).is_some() {
                    return Err(format!("only one portfolio file, please\n{}", usage()));
                }
            }
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let limits = match Limits::from_pairs(
        args.limits
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    ) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: bad limits:");
            for p in e.problems() {
                eprintln!("  {p}");
            }
            return ExitCode::from(2);
        }
    };
    let methodology = match &args.methodology {
        None => Methodology::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                Methodology::from_json(&t).map_err(|e| {
                    e.problems()
                        .iter()
                        .map(|p| format!("  {}: {}", p.path, p.message))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: cannot use methodology {path}:\n{e}");
                return ExitCode::from(2);
            }
        },
    };

    let started = Instant::now();
    let (portfolio, source): (Portfolio, String) = match &args.path {
        Some(path) => {
            // Refuse an oversized file before reading it into memory.
            if let Ok(meta) = std::fs::metadata(path) {
                let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
                if let Err(e) = limits.check_bytes(len) {
                    return report(path, &e.into());
                }
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: cannot read {path}: {e}");
                    return ExitCode::from(2);
                }
            };
            match risk_core::parse_portfolio_bytes_with_limits(&bytes, &limits) {
                Ok(p) => (p, path.clone()),
                Err(e) => return report(path, &e.into()),
            }
        }
        None => {
            let mut cfg = SampleConfig {
                seed: args.seed,
                ..SampleConfig::default()
            };
            if let Some(n) = args.organisations {
                cfg.organisations = n;
            }
            let n = cfg.organisations;
            (
                sample_portfolio(&cfg),
                format!("the bundled sample ({n} organisations, seed {})", cfg.seed),
            )
        }
    };
    let parsed = started.elapsed();
    let rated = risk_core::rate_with_limits(&portfolio, &methodology, &limits);
    let elapsed = started.elapsed();
    let rating = match rated {
        Ok(r) => r,
        Err(e) => return report(&source, &e),
    };
    if args.json {
        println!("{}", rating.to_json());
        return ExitCode::SUCCESS;
    }
    print_summary(&rating, &portfolio, &source, args.all, &methodology);
    eprintln!(
        "\n(read in {:.1} ms, rated in {:.1} ms)",
        parsed.as_secs_f64() * 1e3,
        (elapsed - parsed).as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}

fn report(source: &str, e: &risk_core::Error) -> ExitCode {
    eprintln!("error: {source} was rejected:");
    match e {
        risk_core::Error::Input(ie) => {
            for p in ie.problems() {
                eprintln!("  {p}");
            }
            if ie.omitted() > 0 {
                eprintln!("  … and {} more problems", ie.omitted());
            }
        }
        other => eprintln!("  {other}"),
    }
    ExitCode::from(2)
}

fn name_of<'a>(portfolio: &'a Portfolio, id: &str) -> &'a str {
    portfolio
        .organisations
        .iter()
        .find(|o| o.id == id)
        .and_then(|o| o.name.as_deref())
        .unwrap_or("")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn top_driver(r: &Rating) -> String {
    match r.drivers.first() {
        Some(d) => format!("{:+.1} {} {}", d.impact, d.kind.as_str(), d.reference),
        None => "—".into(),
    }
}

fn print_summary(
    rating: &PortfolioRating,
    portfolio: &Portfolio,
    source: &str,
    all: bool,
    methodology: &Methodology,
) {
    println!(
        "riskrating — {} organisations from {source}, as of {}, methodology {} {}",
        rating.ratings.len(),
        rating.as_of,
        rating.methodology,
        rating.methodology_version
    );
    // calibration-v1 section 3.6: every person-facing output says where the numbers come from.
    println!("Probabilities: {}", methodology.provenance_label());
    println!(
        "Score 250–900: P = 0.10 scores 600 and every 50 points halves the odds of a material incident in 12 months.\n"
    );

    let mut order: Vec<&Rating> = rating.ratings.iter().collect();
    order.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)));
    let shown = if all {
        order.len()
    } else {
        order.len().min(25)
    };
    println!(
        "{} ({} of {}):",
        if all {
            "Organisations, lowest score first"
        } else {
            "The lowest-rated organisations"
        },
        shown,
        order.len()
    );
    println!(
        "{:<10} {:<34} {:<13} {:>5} {:>4} {:>11} {:>6} {:>6} {:>5}  top driver",
        "id", "name", "peer group", "score", "band", "90% int.", "P", "cover", "pct"
    );
    for r in order.iter().take(shown) {
        println!(
            "{:<10} {:<34} {:<13} {:>5.0} {:>4} {:>5.0}–{:<5.0} {:>5.1}% {:>5.0}% {:>5.0}  {}",
            clip(&r.id, 10),
            clip(name_of(portfolio, &r.id), 34),
            clip(&r.peer_group, 13),
            r.score,
            r.band,
            r.interval[0],
            r.interval[1],
            100.0 * r.probability,
            100.0 * r.coverage,
            r.peer_percentile,
            clip(&top_driver(r), 44),
        );
    }
    if !all && order.len() > shown {
        println!(
            "… {} more (--all lists every organisation; --json prints the full output document)",
            order.len() - shown
        );
    }

    println!("\nPeer groups (score percentiles):");
    println!(
        "{:<14} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "peer group", "n", "min", "p25", "median", "p75", "max"
    );
    for g in &rating.peer_groups {
        println!(
            "{:<14} {:>6} {:>6.0} {:>6.0} {:>6.0} {:>6.0} {:>6.0}",
            clip(&g.peer_group, 14),
            g.n,
            g.min,
            g.p25,
            g.median,
            g.p75,
            g.max
        );
    }

    println!("\nMost systemic suppliers (expected dependants hit if compromised, first order):");
    println!(
        "{:<10} {:<34} {:>10} {:>9} {:>6}",
        "id", "name", "dependents", "exposure", "score"
    );
    for s in rating.suppliers.iter().take(10) {
        let score = rating.get(&s.id).map_or(f64::NAN, |r| r.score);
        println!(
            "{:<10} {:<34} {:>10} {:>9.2} {:>6.0}",
            clip(&s.id, 10),
            clip(name_of(portfolio, &s.id), 34),
            s.dependents,
            s.systemic_exposure,
            score
        );
    }
    let mut bands: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in &rating.ratings {
        *bands.entry(r.band.as_str()).or_default() += 1;
    }
    let bands: Vec<String> = bands.iter().map(|(b, n)| format!("{b}: {n}")).collect();
    println!("\nBands: {}", bands.join(", "));
}
