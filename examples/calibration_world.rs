//! Write a synthetic calibration world (calibration-v1 section 5.1): a portfolio with four
//! years of quarterly-changing evidence, incidents drawn exactly from a known true methodology,
//! a configuration, and that true methodology.
//!
//! ```text
//! cargo run --release --example calibration_world -- --seed 1 --organisations 300 \
//!     [--truth refit|recalibrated] [--level auto|intercept|recalibrate|refit] --out DIR
//! ```
//!
//! Writes DIR/portfolio.json, DIR/incidents.json, DIR/config.json and DIR/truth.json.

use std::process::ExitCode;

use risk_core::calibration::{Level, Truth, WorldConfig, simulate_world};

fn run() -> Result<(), String> {
    let mut cfg = WorldConfig::new(1, 300);
    let mut out: Option<String> = None;
    let mut it = std::env::args().skip(1);
    let num = |v: Option<String>, what: &str| -> Result<u64, String> {
        let v = v.ok_or(format!("{what} needs a number"))?;
        v.parse()
            .map_err(|_| format!("{what}: `{v}` is not a number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seed" => cfg.seed = num(it.next(), "--seed")?,
            "--organisations" => cfg.organisations = num(it.next(), "--organisations")? as usize,
            "--truth" => {
                cfg.truth = match it.next().as_deref() {
                    Some("refit") => Truth::Refit,
                    Some("recalibrated") => Truth::Recalibrated,
                    other => return Err(format!("--truth: refit or recalibrated, not {other:?}")),
                }
            }
            "--level" => {
                cfg.level = match it.next().as_deref() {
                    Some("auto") => Level::Auto,
                    Some("intercept") => Level::Intercept,
                    Some("recalibrate") => Level::Recalibrate,
                    Some("refit") => Level::Refit,
                    other => return Err(format!("--level: unknown {other:?}")),
                }
            }
            "--out" => out = it.next(),
            s => return Err(format!("unknown argument `{s}`")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{out}: {e}"))?;
    let w = simulate_world(&cfg);
    let write = |name: &str, text: String| {
        let p = format!("{out}/{name}");
        std::fs::write(&p, text).map_err(|e| format!("{p}: {e}"))
    };
    write("portfolio.json", to_json(&w.portfolio))?;
    write("incidents.json", to_json(&w.incidents))?;
    write("config.json", to_json(&w.config))?;
    write("truth.json", w.truth.to_json())?;
    eprintln!(
        "{} organisations, {} incidents; {} of {} streams had no exact non-negative solution",
        w.portfolio.organisations.len(),
        w.incidents.incidents.len(),
        w.infeasible_streams,
        w.streams
    );
    Ok(())
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("serialises")
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
