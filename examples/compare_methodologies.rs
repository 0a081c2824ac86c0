//! The methodology change notice: rate a portfolio under two methodologies and show who moves
//! band and why (the exact Shapley parts of each change over the methodology file's groups).
//!
//! `cargo run --release --example compare_methodologies -- OLD.json NEW.json [portfolio.json]`
//! (without a portfolio, the bundled 300-organisation sample; `--json` prints the whole
//! comparison).

use risk_core::{Methodology, compare_methodologies, parse_portfolio};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if files.len() < 2 {
        eprintln!("usage: compare_methodologies OLD.json NEW.json [portfolio.json] [--json]");
        std::process::exit(2);
    }
    let load = |path: &str| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        });
        Methodology::from_json(&text).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        })
    };
    let (old, new) = (load(files[0]), load(files[1]));
    let portfolio = match files.get(2) {
        Some(path) => {
            let text = std::fs::read_to_string(path).expect("portfolio file is readable");
            parse_portfolio(&text).unwrap_or_else(|e| {
                eprintln!("{path}: {e}");
                std::process::exit(1)
            })
        }
        None => risk_core::sample::sample_portfolio(&Default::default()),
    };
    let c = compare_methodologies(&portfolio, &old, &new).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    if json {
        println!("{}", serde_json::to_string_pretty(&c).expect("serialises"));
        return;
    }
    println!(
        "{} {} -> {} {}: changed groups {:?} ({} ratings)",
        c.old.id, c.old.version, c.new.id, c.new.version, c.changed_groups, c.ratings_computed
    );
    let moved: Vec<_> = c
        .organisations
        .iter()
        .filter(|o| o.band_old != o.band_new)
        .collect();
    println!(
        "{} of {} organisations change band",
        moved.len(),
        c.organisations.len()
    );
    for o in moved.iter().take(20) {
        let mut parts: Vec<_> = o.parts.iter().filter(|p| p.points != 0.0).collect();
        parts.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
        let why: Vec<String> = parts
            .iter()
            .map(|p| format!("{} {:+.1}", p.group, p.points))
            .collect();
        println!(
            "  {:<12} {} -> {}  {:.0} -> {:.0} ({:+.1}): {}",
            o.id,
            o.band_old,
            o.band_new,
            o.score_old,
            o.score_new,
            o.change,
            why.join(", ")
        );
    }
}
