//! Run a loss-quantification simulation from a JSON document and print the report as JSON.
//!
//! ```text
//! cargo run --release --example quant_sim -- scenario.json [--repeat R] [--trials N] [--seed S]
//! ```
//!
//! Reads the simulation input (see `risk_core::quant::SimulationInput`) from the file, or from
//! standard input when the path is `-` or missing. `--trials`/`--seed` override the document.
//! Prints one JSON object: `simulate_seconds` (wall-clock time of one simulation alone, from the
//! fastest of `--repeat` timed batches, default 1; a batch repeats short runs to cover ≥ 10⁶ trials; single-threaded unless built with the `parallel`
//! feature), `simulate_cpu_seconds` (the CPU time of this thread for that run, from
//! `/proc/thread-self/schedstat`; null where unavailable: it is the fairer figure on a shared
//! machine), `report_seconds` (sorting and summarising) and `report` (the report document).

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use risk_core::quant::{parse_simulation_input_unchecked, simulate, validate};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quant_sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut path = None;
    let mut repeat = 1usize;
    let mut trials = None;
    let mut seed = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--repeat" => {
                repeat = value("--repeat")?
                    .parse()
                    .map_err(|e| format!("--repeat: {e}"))?
            }
            "--trials" => {
                trials = Some(
                    value("--trials")?
                        .parse::<u64>()
                        .map_err(|e| format!("--trials: {e}"))?,
                )
            }
            "--seed" => {
                seed = Some(
                    value("--seed")?
                        .parse::<u64>()
                        .map_err(|e| format!("--seed: {e}"))?,
                )
            }
            "-h" | "--help" => {
                println!("usage: quant_sim [scenario.json|-] [--repeat R] [--trials N] [--seed S]");
                return Ok(());
            }
            _ if path.is_none() => path = Some(a),
            _ => return Err(format!("unexpected argument `{a}`")),
        }
    }
    let text = match path.as_deref() {
        None | Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| format!("reading standard input: {e}"))?;
            s
        }
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("reading {p}: {e}"))?,
    };
    let mut input = parse_simulation_input_unchecked(&text).map_err(|e| e.to_string())?;
    if let Some(t) = trials {
        input.trials = t;
    }
    if let Some(s) = seed {
        input.seed = s;
    }
    validate(&input, &input.ratings).map_err(|e| e.to_string())?;

    // Each timed batch runs the simulation k times, k = ⌈10⁶ / trials⌉, so that short runs are
    // timed over at least ~10⁶ trials (the thread CPU clock ticks coarsely); the figure is the
    // fastest batch divided by k.
    let k = 1_000_000u64.div_ceil(input.trials).max(1);
    let mut best = f64::INFINITY;
    let mut best_cpu: Option<f64> = None;
    let mut sim = None;
    for _ in 0..repeat.max(1) {
        let cpu0 = thread_cpu_seconds();
        let start = Instant::now();
        for _ in 0..k {
            sim = Some(simulate(&input).map_err(|e| e.to_string())?);
        }
        best = best.min(start.elapsed().as_secs_f64() / k as f64);
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_seconds()) {
            let per_run = (b - a) / k as f64;
            best_cpu = Some(best_cpu.map_or(per_run, |c| c.min(per_run)));
        }
    }
    let sim = sim.ok_or("no run")?;
    let start = Instant::now();
    let report = sim.report(&input.report);
    let report_seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"simulate_seconds\": {best}, \"simulate_cpu_seconds\": {}, \"report_seconds\": {report_seconds}, \"report\": {}}}",
        best_cpu.map_or("null".to_string(), |c| c.to_string()),
        report.to_json()
    );
    Ok(())
}

/// CPU time of the calling thread in seconds (Linux: first field of
/// `/proc/thread-self/schedstat`, nanoseconds on the CPU).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}
