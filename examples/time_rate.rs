//! Time the full rating of a document from its file bytes (parse, check, rate), for the
//! side-by-side comparisons in `benches/bindings_compare.sh`.
//!
//! ```text
//! cargo run --release --example time_rate -- portfolio.json [--repeat 5]
//! ```
//! Prints one JSON line: `{"runs": [...seconds...], "median": s, "organisations": n}`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: time_rate FILE [--repeat N]");
    let repeat: usize = match (args.next().as_deref(), args.next()) {
        (Some("--repeat"), Some(n)) => n.parse().expect("--repeat takes a number"),
        _ => 5,
    };
    let bytes = std::fs::read(&path).expect("readable file");
    let m = risk_core::Methodology::default();
    let mut runs = Vec::with_capacity(repeat);
    let mut n = 0;
    for _ in 0..repeat {
        let t = Instant::now();
        let doc = risk_core::parse_portfolio_bytes(&bytes).expect("a valid document");
        let rating = risk_core::rate(&doc, &m).expect("a valid document");
        runs.push(t.elapsed().as_secs_f64());
        n = rating.ratings.len();
    }
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    println!("{{\"runs\": {runs:?}, \"median\": {median}, \"organisations\": {n}}}");
}
