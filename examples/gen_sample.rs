//! Writes a deterministic sample portfolio document (JSON).
//!
//! ```text
//! cargo run --release --example gen_sample -- [--organisations N] [--seed S] [--as-of YYYY-MM-DD]
//!     [--national] [--out file.json]
//! ```
//!
//! Defaults: 300 organisations, seed 42, as of 2025-09-30; `--national` is 50,000
//! organisations. Without `--out` the document goes to standard output. A summary (counts,
//! generation time, size) goes to standard error.

use std::process::ExitCode;
use std::time::Instant;

use risk_core::sample::{SampleConfig, sample_portfolio};

const USAGE: &str = "usage: gen_sample [--organisations N] [--seed S] [--as-of YYYY-MM-DD] [--national] [--out FILE]";

/// The configuration and output path, or `None` when help was asked for.
fn parse_args() -> Result<Option<(SampleConfig, Option<String>)>, String> {
    let mut config = SampleConfig::default();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--organisations" | "-n" => {
                let v = value("--organisations")?;
                config.organisations = v
                    .parse()
                    .map_err(|_| format!("--organisations: not a count: {v}"))?;
            }
            "--seed" | "-s" => {
                let v = value("--seed")?;
                config.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not an unsigned integer: {v}"))?;
            }
            "--as-of" => {
                let v = value("--as-of")?;
                config.as_of = v.parse().map_err(|e| format!("--as-of: {e}"))?;
            }
            "--national" => config.organisations = SampleConfig::NATIONAL_ORGANISATIONS,
            "--out" | "-o" => out = Some(value("--out")?),
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(Some((config, out)))
}

fn main() -> ExitCode {
    let (config, out) = match parse_args() {
        Ok(Some(x)) => x,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let portfolio = sample_portfolio(&config);
    let generated = start.elapsed();
    let json = match serde_json::to_string(&portfolio) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("cannot serialise the sample: {e}");
            return ExitCode::FAILURE;
        }
    };
    let serialised = start.elapsed() - generated;
    let written = match &out {
        Some(path) => {
            std::fs::write(path, json.as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(json.as_bytes())
                .and_then(|()| stdout.write_all(b"\n"))
                .map_err(|e| format!("cannot write to standard output: {e}"))
        }
    };
    if let Err(message) = written {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }

    let o = &portfolio.organisations;
    let count = |f: fn(&risk_core::Organisation) -> usize| o.iter().map(f).sum::<usize>();
    eprintln!(
        "{} organisations (seed {}, as of {}): {} assessments, {} metric observations, {} findings, {} dependencies",
        o.len(),
        config.seed,
        config.as_of,
        count(|x| x.assessments.len()),
        count(|x| x.metrics.len()),
        count(|x| x.findings.len()),
        count(|x| x.dependencies.len()),
    );
    for (group, n) in config.mix().by_peer_group() {
        eprintln!("  {group:<14} {n:>6}");
    }
    eprintln!(
        "generated in {:.3} s, serialised in {:.3} s, {:.1} MB of JSON{}",
        generated.as_secs_f64(),
        serialised.as_secs_f64(),
        json.len() as f64 / 1e6,
        out.map(|p| format!(" written to {p}")).unwrap_or_default()
    );
    ExitCode::SUCCESS
}
