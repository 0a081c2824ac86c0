//! calibration-v1: errors with their paths, metric identities, invariances, R5 and a small
//! recovery check (the full 20-world study is benches/calibration_recovery.sh).

use risk_core::Methodology;
use risk_core::calibration::{
    Level, Truth, WorldConfig, calibrate, calibrate_bytes, evaluate_bytes, parse_config,
    parse_incidents, simulate_world,
};

const PORTFOLIO: &str = r#"{"as_of": "2025-01-01", "organisations": [
  {"id": "A", "peer_group": "acute", "dependencies": [{"supplier": "S", "criticality": "high", "access": "network"}]},
  {"id": "B", "peer_group": "acute", "attestation": {"dspt_status": "standards_exceeded"}},
  {"id": "S", "peer_group": "supplier"}]}"#;

fn portfolio() -> risk_core::Portfolio {
    risk_core::parse_portfolio(PORTFOLIO).unwrap()
}

fn inc_err(doc: &str) -> (String, String) {
    let e = match parse_incidents(doc.as_bytes()) {
        Err(e) => e,
        Ok(inc) => inc.check(&portfolio()).unwrap_err(),
    };
    (e.category().to_owned(), e.path().to_owned())
}

#[test]
fn incident_errors_name_category_and_path() {
    let ok = r#""id": "I1", "organisation": "A", "occurred_on": "2024-03-01""#;
    let cases: &[(&str, &str, &str)] = &[
        ("{", "malformed_json", ""),
        (
            r#"{"incidents": [], "incidents": []}"#,
            "malformed_json",
            "",
        ),
        (r#"{"incidents": 3}"#, "invalid_type", "incidents"),
        (r#"{"incident": []}"#, "unknown_field", "incident"),
        (r#"{}"#, "missing_field", "incidents"),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "internal", "material": "yes"}}]}}"#),
            "invalid_type",
            "incidents[0].material",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "internal", "severity": 3}}]}}"#),
            "unknown_field",
            "incidents[0].severity",
        ),
        (
            r#"{"incidents": [{"id": "I1", "organisation": "A", "origin": "internal"}]}"#,
            "missing_field",
            "incidents[0].occurred_on",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "internal", "occurred_on": null}}]}}"#),
            "malformed_json",
            "",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "supplier"}}]}}"#),
            "missing_field",
            "incidents[0].supplier",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "external"}}]}}"#),
            "unknown_value",
            "incidents[0].origin",
        ),
        (
            r#"{"incidents": [{"id": "", "organisation": "A", "occurred_on": "2024-03-01", "origin": "internal"}]}"#,
            "empty_id",
            "incidents[0].id",
        ),
        (
            &format!(
                r#"{{"incidents": [{{{ok}, "origin": "internal"}}, {{{ok}, "origin": "internal"}}]}}"#
            ),
            "duplicate_id",
            "incidents[1].id",
        ),
        (
            r#"{"incidents": [{"id": "I", "organisation": "A", "occurred_on": "2024-02-30", "origin": "internal"}]}"#,
            "invalid_date",
            "incidents[0].occurred_on",
        ),
        (
            r#"{"incidents": [{"id": "I", "organisation": "Z", "occurred_on": "2024-02-03", "origin": "internal"}]}"#,
            "unknown_organisation",
            "incidents[0].organisation",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "supplier", "supplier": "Q"}}]}}"#),
            "unknown_supplier",
            "incidents[0].supplier",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "internal", "supplier": "S"}}]}}"#),
            "unexpected_supplier",
            "incidents[0].supplier",
        ),
        (
            &format!(r#"{{"incidents": [{{{ok}, "origin": "supplier", "supplier": "A"}}]}}"#),
            "self_supplier",
            "incidents[0].supplier",
        ),
    ];
    for (doc, cat, path) in cases {
        assert_eq!(inc_err(doc), (cat.to_string(), path.to_string()), "{doc}");
    }
    // A null in a required field is missing_field (the duplicate-key case above aside).
    let doc = r#"{"incidents": [{"id": "I", "organisation": "A", "occurred_on": null, "origin": "internal"}]}"#;
    assert_eq!(
        inc_err(doc),
        ("missing_field".into(), "incidents[0].occurred_on".into())
    );
}

#[test]
fn config_errors_name_category_and_path() {
    let p = portfolio();
    let cases: &[(&str, &str, &str)] = &[
        ("[", "malformed_json", ""),
        (
            r#"{"observed_until": "2025-01-01"}"#,
            "missing_field",
            "snapshots",
        ),
        (
            r#"{"snapshots": ["2024-01-01"]}"#,
            "missing_field",
            "observed_until",
        ),
        (
            r#"{"snapshots": 3, "observed_until": "2025-01-01"}"#,
            "invalid_type",
            "snapshots",
        ),
        (
            r#"{"snapshots": [], "observed_until": "2025-01-01"}"#,
            "invalid_snapshots",
            "snapshots",
        ),
        (
            r#"{"snapshots": ["2024-01-01", "2024-01-01"], "observed_until": "2025-01-01"}"#,
            "duplicate_snapshot",
            "snapshots[1]",
        ),
        (
            r#"{"snapshots": ["2026-01-01"], "observed_until": "2027-01-01"}"#,
            "snapshot_after_as_of",
            "snapshots[0]",
        ),
        (
            r#"{"snapshots": {"start": "2023-01-01", "end": "2022-01-01", "every_months": 3}, "observed_until": "2025-01-01"}"#,
            "invalid_snapshots",
            "snapshots.end",
        ),
        (
            r#"{"snapshots": {"start": "2023-01-01", "end": "2024-01-01", "every_months": 0}, "observed_until": "2025-01-01"}"#,
            "invalid_snapshots",
            "snapshots.every_months",
        ),
        (
            r#"{"snapshots": {"start": "2023-01-01", "end": "2024-01-01", "every_months": 1.5}, "observed_until": "2025-01-01"}"#,
            "invalid_type",
            "snapshots.every_months",
        ),
        (
            r#"{"snapshots": {"start": "2023-01-01", "every_months": 1}, "observed_until": "2025-01-01"}"#,
            "missing_field",
            "snapshots.end",
        ),
        (
            r#"{"snapshots": {"start": "2023-01-01", "end": "2026-01-01", "every_months": 1}, "observed_until": "2025-01-01"}"#,
            "snapshot_after_as_of",
            "snapshots.end",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "horizon_days": 30}"#,
            "unknown_field",
            "horizon_days",
        ),
        (
            r#"{"snapshots": ["2024-13-01"], "observed_until": "2025-01-01"}"#,
            "invalid_date",
            "snapshots[0]",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "level": "full"}"#,
            "unknown_value",
            "level",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "tau": 0}"#,
            "invalid_parameter",
            "tau",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "tau": "x"}"#,
            "invalid_type",
            "tau",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "alpha": 1}"#,
            "invalid_parameter",
            "alpha",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "peer_groups": []}"#,
            "invalid_type",
            "peer_groups",
        ),
        (
            r#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "peer_groups": ["acute", "ambulance"]}"#,
            "unknown_peer_group",
            "peer_groups[1]",
        ),
    ];
    for (doc, cat, path) in cases {
        let e = parse_config(doc.as_bytes(), &p).unwrap_err();
        assert_eq!((e.category(), e.path()), (*cat, *path), "{doc}");
    }
}

#[test]
fn fit_errors() {
    let inc = br#"{"incidents": []}"#;
    let cfg =
        br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "level": "intercept"}"#;
    let m = Methodology::default();
    let e = calibrate_bytes(PORTFOLIO.as_bytes(), inc, cfg, &m).unwrap_err();
    assert_eq!((e.code(), e.path()), ("degenerate_outcomes", ""));
    let cfg_none = br#"{"snapshots": ["2024-06-01"], "observed_until": "2025-01-01"}"#;
    let e = calibrate_bytes(PORTFOLIO.as_bytes(), inc, cfg_none, &m).unwrap_err();
    assert_eq!(e.code(), "no_observations");
    let inc1 = br#"{"incidents": [{"id": "I", "organisation": "A", "occurred_on": "2024-03-01", "origin": "internal"}]}"#;
    let cfg_r =
        br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "level": "recalibrate"}"#;
    // B and S share P = P0 of their attestations? No: A, B, S all differ, so fit; with two
    // observations of equal prediction the slope is undefined.
    let one = br#"{"as_of": "2025-01-01", "organisations": [{"id": "A"}, {"id": "B"}]}"#;
    let e = calibrate_bytes(one, inc1, cfg_r, &m).unwrap_err();
    assert_eq!(e.code(), "constant_predictions");
    let split = br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01", "level": "intercept", "split": "2020-01-01"}"#;
    let e = calibrate_bytes(PORTFOLIO.as_bytes(), inc1, split, &m).unwrap_err();
    assert_eq!(e.code(), "empty_split");
    let mut doc = m.doc().clone();
    doc.recalibration = Some(risk_core::methodology::calibrated::Recalibration {
        intercept: 0.1,
        slope: 1.0,
    });
    let recal = Methodology::new(doc).unwrap();
    let e = calibrate_bytes(PORTFOLIO.as_bytes(), inc1, cfg, &recal).unwrap_err();
    assert_eq!(e.code(), "base_has_recalibration");
}

#[test]
fn small_world_report_identities_invariance_and_r5() {
    let mut cfg = WorldConfig::new(3, 120);
    cfg.level = Level::Refit;
    let w = simulate_world(&cfg);
    assert_eq!(w.infeasible_streams, 0);
    let r = calibrate(
        &w.portfolio,
        &w.incidents,
        &w.config,
        &Methodology::default(),
    )
    .unwrap();
    // Murphy identity to 1e-12 for every block.
    for b in [
        &r.validation.original,
        r.validation.fitted.as_ref().unwrap(),
    ] {
        for m in [&b.overall, &b.components.internal, &b.components.supply] {
            let mu = m.murphy.as_ref().unwrap();
            assert!((mu.brier - m.brier.as_ref().unwrap().score).abs() < 1e-12);
        }
        // Band counts add up.
        let bands = b.overall.bands.as_ref().unwrap();
        assert_eq!(bands.iter().map(|x| x.n).sum::<usize>(), b.overall.n);
    }
    // Reordering incidents and adding non-material ones changes no figure.
    let mut inc2 = w.incidents.clone();
    inc2.incidents.reverse();
    let mut extra = inc2.incidents[0].clone();
    extra.id = "NONMATERIAL".into();
    extra.material = false;
    inc2.incidents.push(extra);
    let mut p2 = w.portfolio.clone();
    p2.organisations.reverse();
    let r2 = calibrate(&p2, &inc2, &w.config, &Methodology::default()).unwrap();
    let strip = |r: &risk_core::calibration::CalibrationReport| {
        let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        v["data_digest"] = serde_json::Value::Null;
        v["methodology"]["calibration"]["data_digest"] = serde_json::Value::Null;
        v["design"]["incidents"] = serde_json::Value::Null;
        v["design"]["material_incidents"] = serde_json::Value::Null;
        v
    };
    assert_close(&strip(&r), &strip(&r2), "");
    // R5: the fitted methodology, rated by the product, gives P_int = logistic(β̂₀ + Σ ŵ x).
    let fitted = r.fitted_methodology.clone().unwrap();
    let refit = r.fit.as_ref().unwrap().levels.refit.as_ref().unwrap();
    let base_prep = risk_core::validate(&w.portfolio, &Methodology::default()).unwrap();
    let fit_prep = risk_core::validate(&w.portfolio, &fitted).unwrap();
    let mut checked = 0;
    for t in w.config.snapshot_dates() {
        let b = base_prep.rate_at(t);
        let f = fit_prep.rate_at(t);
        for (rb, rf) in b.ratings.iter().zip(&f.ratings) {
            let mut eta = refit.intercept.estimate;
            for (fac, wp) in rb.factors.iter().zip(&refit.weights) {
                eta += wp.param.estimate * (1.0 - fac.mean);
            }
            let p = 1.0 / (1.0 + libm::exp(-eta));
            assert!((p - rf.internal_probability).abs() < 1e-12);
            checked += 1;
        }
    }
    assert!(checked > 0);
    assert!(fitted.id().ends_with("-fitted"));
    assert!(
        fitted
            .provenance_label()
            .starts_with("fitted to incidents: level refit")
    );
    // The fitted methodology round-trips through JSON and rates the same.
    let again = Methodology::from_json(&fitted.to_json()).unwrap();
    assert_eq!(again, fitted);
}

#[test]
fn recalibrated_truth_intercept_is_recovered_on_a_small_world() {
    // R3 in miniature (one world; the 20-world study is the bench script).
    let mut cfg = WorldConfig::new(11, 400);
    cfg.truth = Truth::Recalibrated;
    cfg.level = Level::Intercept;
    let w = simulate_world(&cfg);
    let r = calibrate(
        &w.portfolio,
        &w.incidents,
        &w.config,
        &Methodology::default(),
    )
    .unwrap();
    let d = &r
        .fit
        .as_ref()
        .unwrap()
        .levels
        .intercept
        .as_ref()
        .unwrap()
        .delta;
    let z = (d.estimate - 0.5) / d.se_cluster.unwrap();
    assert!(
        z.abs() <= 3.0,
        "δ̂ = {} se_cluster {:?}",
        d.estimate,
        d.se_cluster
    );
}

#[test]
fn evaluate_labels_expert_judgement_and_has_no_fit() {
    let inc = br#"{"incidents": [{"id": "I", "organisation": "A", "occurred_on": "2024-03-01", "origin": "internal"},
      {"id": "J", "organisation": "B", "occurred_on": "2024-03-01", "origin": "supplier", "supplier": "S"}]}"#;
    let cfg = br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01"}"#;
    let r = evaluate_bytes(PORTFOLIO.as_bytes(), inc, cfg, &Methodology::default()).unwrap();
    assert!(r.fit.is_none() && r.backtest.is_none() && r.validation.fitted.is_none());
    assert_eq!(
        r.validation.original.label,
        "expert judgement — not fitted to incident data"
    );
    assert_eq!(r.design.warnings.len(), 1);
    assert_eq!(r.design.warnings[0].path, "incidents[1].supplier");
    assert_eq!(r.design.warnings[0].warning, "supplier_not_a_dependency");
    // 3 observations, events A (internal) and B (supplier).
    let o = &r.validation.original.overall;
    assert_eq!((o.n, o.events), (3, 2));
    let expected = risk_core::calibration::data_digest(PORTFOLIO.as_bytes(), inc, cfg);
    assert_eq!(r.data_digest, expected);
}

/// Equal JSON, numbers to 1e-12 relative (sums over a reordered world may round differently).
fn assert_close(a: &serde_json::Value, b: &serde_json::Value, path: &str) {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                "{path}: {x} vs {y}"
            );
        }
        (Array(x), Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                assert_close(u, v, &format!("{path}[{i}]"));
            }
        }
        (Object(x), Object(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (k, u) in x {
                assert_close(u, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

#[test]
fn backwards_ratings_are_slope_not_positive_in_a_fit_but_a_negative_slope_in_a_report() {
    // A (no attestation, P0 0.25) never has an incident; B (standards exceeded, low P) does.
    let doc = br#"{"as_of": "2025-01-01", "organisations": [{"id": "A"},
      {"id": "B", "attestation": {"dspt_status": "standards_exceeded"}},
      {"id": "C", "attestation": {"dspt_status": "standards_met"}}]}"#;
    let inc = br#"{"incidents": [
      {"id": "1", "organisation": "B", "occurred_on": "2023-03-01", "origin": "internal"},
      {"id": "2", "organisation": "B", "occurred_on": "2024-03-01", "origin": "internal"},
      {"id": "3", "organisation": "C", "occurred_on": "2024-03-01", "origin": "internal"}]}"#;
    let cfg = br#"{"snapshots": ["2023-01-01", "2024-01-01"], "observed_until": "2025-01-01", "level": "recalibrate"}"#;
    let m = Methodology::default();
    let e = calibrate_bytes(doc, inc, cfg, &m).unwrap_err();
    assert_eq!(e.code(), "slope_not_positive");
    let r = evaluate_bytes(doc, inc, cfg, &m).unwrap();
    let s = r
        .validation
        .original
        .overall
        .calibration_slope
        .as_ref()
        .unwrap();
    assert!(s.slope.estimate < 0.0);
}

#[test]
fn a_negative_calibration_slope_is_reported_as_its_value() {
    // Four organisations at P 0.25 (no attestation) with one incident, four at P 0.04
    // (standards exceeded) with three: the slope is (logit .25 − logit .75)/(logit .25 − logit .04).
    let doc = br#"{"as_of": "2025-01-01", "organisations": [
      {"id": "A1"}, {"id": "A2"}, {"id": "A3"}, {"id": "A4"},
      {"id": "B1", "attestation": {"dspt_status": "standards_exceeded"}},
      {"id": "B2", "attestation": {"dspt_status": "standards_exceeded"}},
      {"id": "B3", "attestation": {"dspt_status": "standards_exceeded"}},
      {"id": "B4", "attestation": {"dspt_status": "standards_exceeded"}}]}"#;
    let inc = br#"{"incidents": [
      {"id": "1", "organisation": "A1", "occurred_on": "2024-03-01", "origin": "internal"},
      {"id": "2", "organisation": "B1", "occurred_on": "2024-03-01", "origin": "internal"},
      {"id": "3", "organisation": "B2", "occurred_on": "2024-03-01", "origin": "internal"},
      {"id": "4", "organisation": "B3", "occurred_on": "2024-03-01", "origin": "internal"}]}"#;
    let cfg = br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01"}"#;
    let r = evaluate_bytes(doc, inc, cfg, &Methodology::default()).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let expected = -1.0566416671474361;
    let o = &v["validation"]["original"];
    for (path, block) in [
        ("overall", &o["overall"]),
        ("internal", &o["components"]["internal"]),
    ] {
        let s = &block["calibration_slope"]["estimate"];
        let got = s.as_f64().unwrap_or_else(|| panic!("{path}: slope is {s}"));
        assert!((got - expected).abs() < 1e-9, "{path}: {got}");
    }
}

#[test]
fn a_fitted_methodology_without_an_estimable_coupling_scale_round_trips() {
    // No dependencies and no supplier incidents: the coupling scale is not estimable, its
    // standard errors are null, and the written methodology loads back and rates.
    let mut cfg = WorldConfig::new(5, 120);
    cfg.level = Level::Refit;
    let mut w = simulate_world(&cfg);
    for o in &mut w.portfolio.organisations {
        o.dependencies.clear();
    }
    w.incidents
        .incidents
        .retain(|i| i.origin == risk_core::calibration::Origin::Internal);
    let r = calibrate(
        &w.portfolio,
        &w.incidents,
        &w.config,
        &Methodology::default(),
    )
    .unwrap();
    let fitted = r.fitted_methodology.clone().unwrap();
    let text = fitted.to_json();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let params = v["calibration"]["parameters"].as_array().unwrap();
    let s = params
        .iter()
        .find(|p| p["name"] == "coupling_scale")
        .unwrap();
    assert!(s["se"].is_null() && s["se_cluster"].is_null(), "{s}");
    let again = Methodology::from_json(&text).unwrap();
    assert_eq!(again, fitted);
    let t = *w.config.snapshot_dates().last().unwrap();
    let a = risk_core::validate(&w.portfolio, &again)
        .unwrap()
        .rate_at(t);
    let b = risk_core::validate(&w.portfolio, &fitted)
        .unwrap()
        .rate_at(t);
    assert!(!a.ratings.is_empty());
    for (x, y) in a.ratings.iter().zip(&b.ratings) {
        assert_eq!(x.internal_probability, y.internal_probability);
    }
}

#[test]
fn refit_truth_weights_and_coupling_are_recovered_on_small_worlds() {
    // R1 and R2 in miniature (two worlds of 500 organisations; the 20-world study of 2,200 is
    // benches/calibration_recovery.sh): β₀ and the 14 weights within 3 se_cluster of the truth
    // for at least 90% of the 30 values, and the coupling scale within 3 se_cluster of s* = 1.5.
    let (mut ok, mut all) = (0, 0);
    for seed in [21, 22] {
        let mut cfg = WorldConfig::new(seed, 500);
        cfg.level = Level::Refit;
        cfg.truth_seed = 7;
        let w = simulate_world(&cfg);
        let r = calibrate(
            &w.portfolio,
            &w.incidents,
            &w.config,
            &Methodology::default(),
        )
        .unwrap();
        let refit = r.fit.as_ref().unwrap().levels.refit.as_ref().unwrap();
        let mut z = vec![
            (refit.intercept.estimate - w.truth.doc().model.intercept)
                / refit.intercept.se_cluster.unwrap(),
        ];
        for (wp, f) in refit.weights.iter().zip(w.truth.factors()) {
            z.push((wp.param.estimate - f.weight) / wp.param.se_cluster.unwrap());
        }
        assert_eq!(z.len(), 15);
        all += z.len();
        ok += z.iter().filter(|z| z.abs() <= 3.0).count();
        let s = &refit.coupling_scale.param;
        let zs = (s.estimate - 1.5) / s.se_cluster.unwrap();
        assert!(
            zs.abs() <= 3.0,
            "world {seed}: ŝ = {} (z {zs:.2})",
            s.estimate
        );
    }
    assert!(ok * 10 >= all * 9, "R1: {ok} of {all} within 3 se_cluster");
}

#[test]
fn the_closed_test_chooses_the_intercept_on_a_recalibrated_truth() {
    // R6 in miniature: level `auto` on a world whose truth is the base shifted by δ* = 0.5.
    let mut cfg = WorldConfig::new(12, 400);
    cfg.truth = Truth::Recalibrated;
    let w = simulate_world(&cfg);
    let r = calibrate(
        &w.portfolio,
        &w.incidents,
        &w.config,
        &Methodology::default(),
    )
    .unwrap();
    let fitted = r.fitted_methodology.expect("auto keeps a level");
    assert!(
        fitted
            .provenance_label()
            .starts_with("fitted to incidents: level intercept"),
        "{}",
        fitted.provenance_label()
    );
}
