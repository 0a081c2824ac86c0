//! Fit the methodology to incident records and report how well it predicts (calibration-v1).
//!
//! ```text
//! cargo run --release --example calibrate -- PORTFOLIO.json INCIDENTS.json CONFIG.json \
//!     [--methodology BASE.json] [--out-methodology M.json] [--evaluate] [--report R.json]
//! ```
//!
//! With `--report` the report document (section 4.4) is written to that file; without it a
//! readable summary is printed. `--evaluate` skips the fit (section 4 for the methodology
//! alone). An error prints its category and path and exits with status 2.

use std::process::ExitCode;

use risk_core::Methodology;
use risk_core::calibration::{CalibrationReport, Metrics, calibrate_bytes, evaluate_bytes};

fn usage() -> &'static str {
    "usage: calibrate PORTFOLIO.json INCIDENTS.json CONFIG.json [--methodology BASE.json] \
     [--out-methodology M.json] [--evaluate] [--report R.json]"
}

struct Args {
    files: Vec<String>,
    methodology: Option<String>,
    out_methodology: Option<String>,
    report: Option<String>,
    evaluate: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        files: Vec::new(),
        methodology: None,
        out_methodology: None,
        report: None,
        evaluate: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--methodology" => a.methodology = Some(it.next().ok_or("--methodology needs a file")?),
            "--out-methodology" => {
                a.out_methodology = Some(it.next().ok_or("--out-methodology needs a file")?)
            }
            "--report" => a.report = Some(it.next().ok_or("--report needs a file")?),
            "--evaluate" => a.evaluate = true,
            "-h" | "--help" => return Err(usage().into()),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`\n{}", usage())),
            s => a.files.push(s.to_owned()),
        }
    }
    if a.files.len() != 3 {
        return Err(usage().into());
    }
    Ok(a)
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |v| format!("{v:.4}"))
}

fn print_metrics(name: &str, m: &Metrics) {
    println!(
        "  {name:<9} n={:<7} events={:<6} base rate {}  mean predicted {}  AUC {}  Brier {}  O/E {}  slope {}",
        m.n,
        m.events,
        fmt(m.base_rate),
        fmt(m.mean_predicted),
        fmt(m.auc.estimate),
        fmt(m.brier.as_ref().map(|b| b.score)),
        fmt(m.oe.as_ref().map(|o| o.ratio)),
        fmt(m.calibration_slope.as_ref().map(|s| s.slope.estimate)),
    );
}

fn summary(r: &CalibrationReport) {
    let d = &r.design;
    println!(
        "calibration-v1 · {} organisations × {} observed snapshots ({} given) = {} observations; \
         {} material incidents, {} in a window",
        d.organisations,
        d.snapshots_observed,
        d.snapshots_given,
        d.observations,
        d.material_incidents,
        d.material_incidents_in_a_window
    );
    for w in &d.warnings {
        println!("  warning: {} at {}", w.warning, w.path);
    }
    if let Some(f) = &r.fit {
        println!(
            "fit: requested {}, chosen {}; events {} (internal {}, supplier {}); design effect {:.2}, \
             effective events {:.0}",
            f.requested.as_str(),
            f.level.as_str(),
            f.events,
            f.events_internal,
            f.events_supplier,
            f.design_effect,
            f.effective_events.overall
        );
        if let Some(ct) = &f.closed_test {
            for t in &ct.tests {
                println!(
                    "  closed test vs {:<11} T = {:>8.2} on {} df, p = {:.4}{}",
                    t.against,
                    t.statistic,
                    t.df,
                    t.p_value,
                    if t.significant { " *" } else { "" }
                );
            }
        }
        if let Some(i) = &f.levels.intercept {
            println!(
                "  intercept δ = {:.4} (se_cluster {})",
                i.delta.estimate,
                fmt(i.delta.se_cluster)
            );
        }
        if let Some(c) = &f.levels.recalibrate {
            println!(
                "  recalibrate a = {:.4}, b = {:.4} (se_cluster {})",
                c.a.estimate,
                c.b.estimate,
                fmt(c.b.se_cluster)
            );
        }
        if let Some(rf) = &f.levels.refit {
            println!(
                "  refit β₀ = {:.4} (was {:.4}), coupling scale {:.4} (se_cluster {})",
                rf.intercept.estimate,
                rf.intercept.original,
                rf.coupling_scale.param.estimate,
                fmt(rf.coupling_scale.param.se_cluster)
            );
            for w in &rf.weights {
                println!(
                    "    {:<28} {:.3} (was {:.3}, se_cluster {}){}",
                    w.factor,
                    w.param.estimate,
                    w.param.original,
                    fmt(w.param.se_cluster),
                    if w.param.at_bound { " at bound" } else { "" }
                );
            }
        }
    }
    for (title, b) in [
        ("original", Some(&r.validation.original)),
        ("fitted (in-sample)", r.validation.fitted.as_ref()),
    ] {
        if let Some(b) = b {
            println!("{title}: {} — {}", b.methodology, b.label);
            print_metrics("overall", &b.overall);
            print_metrics("internal", &b.components.internal);
            print_metrics("supply", &b.components.supply);
        }
    }
    if let Some(bt) = &r.backtest {
        println!(
            "backtest split {}: train n={} events={} (outcomes to {}), chosen {}",
            bt.split,
            bt.train.n,
            bt.train.events,
            bt.train.last_outcome_date,
            bt.fit.level.as_str()
        );
        print_metrics("original", &bt.original.overall);
        print_metrics("fitted", &bt.fitted.overall);
    }
}

fn run() -> Result<(), (String, u8)> {
    let a = parse_args().map_err(|e| (e, 2))?;
    let io = |e: String| (e, 1);
    let portfolio = read(&a.files[0]).map_err(io)?;
    let incidents = read(&a.files[1]).map_err(io)?;
    let config = read(&a.files[2]).map_err(io)?;
    let methodology = match &a.methodology {
        None => Methodology::default(),
        Some(p) => {
            let text = String::from_utf8(read(p).map_err(io)?)
                .map_err(|_| (format!("{p}: not UTF-8"), 2))?;
            Methodology::from_str_auto(&text)
                .map_err(|e| (format!("invalid_methodology {}\n{e}", e.path()), 2))?
        }
    };
    let result = if a.evaluate {
        evaluate_bytes(&portfolio, &incidents, &config, &methodology)
    } else {
        calibrate_bytes(&portfolio, &incidents, &config, &methodology)
    };
    let report = result.map_err(|e| (format!("{} {}\n{e}", e.code(), e.path()), 2))?;
    if let (Some(path), Some(m)) = (&a.out_methodology, &report.fitted_methodology) {
        std::fs::write(path, m.to_json()).map_err(|e| (format!("cannot write {path}: {e}"), 1))?;
    }
    match &a.report {
        Some(path) => std::fs::write(path, report.to_json())
            .map_err(|e| (format!("cannot write {path}: {e}"), 1))?,
        None => summary(&report),
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err((msg, code)) => {
            eprintln!("{msg}");
            println!("{}", msg.lines().next().unwrap_or(""));
            ExitCode::from(code)
        }
    }
}
