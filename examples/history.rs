//! A trust's rating over the last 8 quarters, and what changed between the first and the last.
//!
//! ```text
//! cargo run --release --example history             # the worst-rated acute trust in the sample
//! cargo run --release --example history -- RX1A     # a given organisation
//! ```

use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Date, Methodology, validate};

/// The last day of each of the `n` quarters up to and including `as_of`'s, oldest first.
fn quarter_ends(as_of: Date, n: usize) -> Vec<Date> {
    let (mut y, m, _) = as_of.ymd();
    let mut q = (m - 1) / 3; // 0..=3
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (em, ed) = [(3, 31), (6, 30), (9, 30), (12, 31)][q as usize];
        let end = Date::from_ymd(y, em, ed).expect("a valid quarter end");
        out.push(if end > as_of { as_of } else { end });
        if q == 0 {
            q = 3;
            y -= 1;
        } else {
            q -= 1;
        }
    }
    out.reverse();
    out
}

fn main() {
    let chosen = std::env::args().nth(1);
    let portfolio = sample_portfolio(&SampleConfig::default());
    let prepared = validate(&portfolio, &Methodology::default()).expect("the sample is valid");
    let target = match chosen {
        Some(id) => id,
        None => {
            let rating = prepared.rate();
            rating
                .ratings
                .iter()
                .filter(|r| r.peer_group == "acute")
                .min_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)))
                .expect("the sample has acute trusts")
                .id
                .clone()
        }
    };
    let Some(index) = prepared.index_of(&target) else {
        eprintln!("no organisation `{target}` in the sample");
        std::process::exit(2);
    };
    let dates = quarter_ends(prepared.as_of(), 8);
    let history = prepared.history(&dates);
    let series = &history.series[index];
    println!("{target}: rating at each quarter end (score, band, 90% interval, basis)\n");
    for p in &series.points {
        let bar = "█".repeat(((p.score - 250.0) / 12.5).round().max(0.0) as usize);
        println!(
            "{}  {:>4.0} {}  {:>4.0}–{:<4.0} {:<11} {bar}",
            p.as_of,
            p.score,
            p.band,
            p.interval[0],
            p.interval[1],
            p.basis.as_str()
        );
    }
    let (from, to) = (dates[0], dates[dates.len() - 1]);
    let c = prepared
        .change(&target, from, to)
        .expect("organisation exists");
    println!(
        "\nFrom {from} to {to}: {:+.1} points ({:.0} → {:.0})",
        c.delta, c.score_from, c.score_to
    );
    println!("  by factor (each factor's own effect):");
    let mut factors = c.factors.clone();
    factors.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
    for f in factors.iter().filter(|f| f.points.abs() >= 0.05) {
        println!(
            "    {:+7.1}  {:<26} mean {:.2} → {:.2}",
            f.points, f.id, f.mean_from, f.mean_to
        );
    }
    println!("    {:+7.1}  supply chain", c.supply_points);
    println!("    {:+7.1}  interaction of factors", c.interaction_points);
    for (title, list) in [
        ("entered", &c.entered),
        ("left", &c.left),
        ("decayed most", &c.decayed),
    ] {
        if !list.is_empty() {
            println!("  evidence {title}:");
            for e in list.iter() {
                println!("    {:<10} {}", e.kind.as_str(), e.reason);
            }
        }
    }
}
