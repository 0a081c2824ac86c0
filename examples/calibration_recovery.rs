//! The parameter-recovery study of calibration-v1 section 5.2 (R1–R4, R6) on synthetic worlds.
//!
//! ```text
//! cargo run --release --example calibration_recovery -- [--worlds 20] [--organisations 2200]
//! ```
//!
//! Prints one line per world and the tallies; `benches/calibration_recovery.sh` runs it.

use risk_core::Methodology;
use risk_core::calibration::{Level, Truth, WorldConfig, calibrate, evaluate, simulate_world};

fn main() {
    let mut worlds = 20u64;
    let mut orgs = 2200usize;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--worlds" => worlds = it.next().and_then(|v| v.parse().ok()).unwrap_or(20),
            "--organisations" => orgs = it.next().and_then(|v| v.parse().ok()).unwrap_or(2200),
            _ => {}
        }
    }
    let base = Methodology::default();
    let (mut r1_ok, mut r1_all, mut r2, mut r3, mut r6) = (0, 0, 0, 0, 0);
    let mut slopes = Vec::new();
    let mut intercepts = Vec::new();
    for w in 0..worlds {
        let t0 = std::time::Instant::now();
        // Refit truth: fit with `refit` for R1/R2 and `auto` for R4.
        let mut cfg = WorldConfig::new(1000 + w, orgs);
        cfg.level = Level::Refit;
        cfg.truth_seed = 7;
        let world = simulate_world(&cfg);
        let truth = world.truth.clone();
        let rep =
            calibrate(&world.portfolio, &world.incidents, &world.config, &base).expect("refit");
        let refit = rep.fit.as_ref().unwrap().levels.refit.as_ref().unwrap();
        let mut zmax: f64 = 0.0;
        let mut check = |est: f64, tru: f64, se: Option<f64>| {
            r1_all += 1;
            let z = (est - tru).abs() / se.unwrap_or(f64::NAN);
            zmax = zmax.max(z);
            if z <= 3.0 {
                r1_ok += 1;
            }
        };
        check(
            refit.intercept.estimate,
            truth.doc().model.intercept,
            refit.intercept.se_cluster,
        );
        for (wp, f) in refit.weights.iter().zip(truth.factors()) {
            check(wp.param.estimate, f.weight, wp.param.se_cluster);
        }
        let s = &refit.coupling_scale.param;
        let s_ok = (s.estimate - 1.5).abs() <= 3.0 * s.se_cluster.unwrap_or(f64::NAN);
        r2 += usize::from(s_ok);
        // R4: auto on the same world, rated on a fresh world from the same truth.
        let mut auto_world = world.clone();
        auto_world.config.level = Level::Auto;
        let rep_auto = calibrate(
            &auto_world.portfolio,
            &auto_world.incidents,
            &auto_world.config,
            &base,
        )
        .expect("auto");
        let fitted = rep_auto.fitted_methodology.clone().unwrap();
        let mut fresh_cfg = WorldConfig::new(5000 + w, orgs);
        fresh_cfg.truth_seed = 7;
        let fresh = simulate_world(&fresh_cfg);
        let ev =
            evaluate(&fresh.portfolio, &fresh.incidents, &fresh.config, &fitted).expect("evaluate");
        let o = &ev.validation.original.overall;
        let slope = o
            .calibration_slope
            .as_ref()
            .map_or(f64::NAN, |s| s.slope.estimate);
        let icpt = o
            .calibration_intercept
            .as_ref()
            .map_or(f64::NAN, |p| p.estimate);
        slopes.push(slope);
        intercepts.push(icpt);
        // R3 and R6: recalibrated truth.
        let mut rc = WorldConfig::new(9000 + w, orgs);
        rc.truth = Truth::Recalibrated;
        rc.level = Level::Auto;
        let rw = simulate_world(&rc);
        let rr = calibrate(&rw.portfolio, &rw.incidents, &rw.config, &base).expect("auto");
        let fit = rr.fit.as_ref().unwrap();
        let d = &fit.levels.intercept.as_ref().unwrap().delta;
        let d_ok = (d.estimate - 0.5).abs() <= 3.0 * d.se_cluster.unwrap_or(f64::NAN);
        r3 += usize::from(d_ok);
        r6 += usize::from(fit.level == Level::Intercept);
        println!(
            "world {w:>2}: n={} events={} max|z| {zmax:.2}  ŝ {:.3} ± {:.3}  auto→{} fresh slope {slope:.3} intercept {icpt:+.3}  δ̂ {:.3} ± {:.3} auto→{}  infeasible {}/{}  ({:.1} s)",
            rep.fit.as_ref().unwrap().n,
            rep.fit.as_ref().unwrap().events,
            s.estimate,
            s.se_cluster.unwrap_or(f64::NAN),
            rep_auto.fit.as_ref().unwrap().level.as_str(),
            d.estimate,
            d.se_cluster.unwrap_or(f64::NAN),
            fit.level.as_str(),
            world.infeasible_streams,
            world.streams,
            t0.elapsed().as_secs_f64()
        );
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (smin, smax) = slopes
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |a, &s| {
            (a.0.min(s), a.1.max(s))
        });
    println!("R1 {r1_ok}/{r1_all} within 3 se_cluster (need ≥ 90%)");
    println!("R2 {r2}/{worlds} coupling scale within 3 se_cluster (need ≥ 90%)");
    println!("R3 {r3}/{worlds} δ within 3 se_cluster (need ≥ 90%)");
    println!(
        "R4 mean slope {:.3} (range {smin:.3}–{smax:.3}; need mean in [0.9, 1.1], each in [0.8, 1.2]); mean intercept {:+.3} (need in [−0.1, 0.1])",
        mean(&slopes),
        mean(&intercepts)
    );
    println!("R6 {r6}/{worlds} auto chose intercept on recalibrated truths (need ≥ 90%)");
}
