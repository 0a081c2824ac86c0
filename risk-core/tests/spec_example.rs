//! The section 1 example of the methodology, rated by hand.
//!
//! Expected figures were computed independently from the formulas of the specification (a
//! separate Python script using scipy's `betaincinv` for the Beta quantiles), with the arithmetic
//! written out below, and are compared to 1e-9 relative (1e-6 for Beta quantiles).

use risk_core::{Basis, DriverKind, Methodology, parse_portfolio, rate};

const DOC: &str = include_str!("data/spec_example.json");

fn close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected}"
    );
}

#[test]
fn section_1_example_by_hand() {
    let doc = parse_portfolio(DOC).unwrap();
    let out = rate(&doc, &Methodology::default()).unwrap();
    assert_eq!(out.methodology, "nhs-caf-v1");
    assert_eq!(out.ratings.len(), 2);

    // RBS: no attestation → P0 = 0.25, k = 2.
    //   m = 1 − (logit(0.25) + 3.9)/4.2 = 1 − (−1.0986123 + 3.9)/4.2 = 0.3330029
    //   every factor starts at α = 2m = 0.6660059, β = 2(1 − m) = 1.3339941.
    // B4.d partially achieved, independent audit, 92 days old:
    //   d = 2^(−92/365) = 0.83954; α, β += 16·0.5·d = 6.71632 each (vulnerability_management).
    // mfa_coverage 4210/4500 = 0.935556, 29 days old, cap 40, half-life 90:
    //   d = 2^(−29/90) = 0.79989; α += 40·d·r = 29.934; β += 40·d·(1 − r) = 2.0620 (identity_access).
    // F-17: CVSS 9.8 → s = 0.98; m = 1 + 2 + 2·0.94 = 4.88; x = 2; c = 2 (clinical);
    //   KEV → deadline 14; open 60 days → o = min(60/14, 4) = 4;
    //   β += 0.5·0.98·4.88·2·2·(1 + 4) = 47.824 (vulnerability_management).
    // η = −3.9 + Σ w(1 − μ) = −1.2456664; P_int = logistic(η) = 0.2234512.
    // SUP-PATH: standards_met with CE+ → P0 = 0.06·0.7 = 0.042, no evidence, no dependencies.
    // Fixed point: P(RBS) = 1 − (1 − 0.2234512)(1 − 0.4·0.042) = 0.2364972.
    // S = 600 − (50/ln 2)·ln(odds(0.2364972)/odds(0.1)) = 526.0442594.
    let rbs = out.get("RBS").unwrap();
    close(rbs.internal_probability, 0.22345119959221252, "RBS P_int");
    close(rbs.supply_probability, 0.4 * 0.042, "RBS P_supply");
    close(rbs.probability, 0.23649721943906332, "RBS P");
    close(rbs.score, 526.0442594075739, "RBS score");
    assert_eq!(rbs.band, "E");
    close(rbs.interval[0], 492.725619458001, "RBS interval lo");
    close(rbs.interval[1], 559.1864607763997, "RBS interval hi");
    close(rbs.probability_interval[0], 0.16363472607065987, "RBS P_lo");
    close(rbs.probability_interval[1], 0.3295798621492724, "RBS P_hi");
    // coverage = (0.5·1 + 0.45·1)/4.2: both evidenced factors exceed 8 units of evidence.
    close(rbs.coverage, 0.22619047619047616, "RBS coverage");
    assert_eq!(rbs.basis, Basis::Evidence);

    let vm = rbs
        .factors
        .iter()
        .find(|f| f.id == "vulnerability_management")
        .unwrap();
    close(vm.mean, 0.11671983519670517, "vm mean");
    close(vm.evidence, 61.259193599795836, "vm evidence");
    close(vm.points, 29.681282271061036, "vm points");
    assert!((vm.lower - 0.05837622992764601).abs() < 1e-6);
    assert!((vm.upper - 0.18888309557232677).abs() < 1e-6);
    let ia = rbs
        .factors
        .iter()
        .find(|f| f.id == "identity_access")
        .unwrap();
    close(ia.mean, 0.9001044815281277, "ia mean");
    close(ia.points, 3.059945247020437, "ia points");
    let gov = &rbs.factors[0];
    assert_eq!(gov.id, "governance");
    close(gov.mean, 0.33300292587335945, "prior mean");
    assert_eq!(gov.evidence, 0.0);
    assert!((gov.lower - 0.008064142453955226).abs() < 1e-6);
    assert!((gov.upper - 0.8517942381765392).abs() < 1e-6);
    let ids: Vec<&str> = rbs.factors.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        Methodology::default()
            .factors()
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
    );

    // Drivers by |impact|: the MFA metric (+17.5), the open KEV finding (−12.3), the
    // dependency (−5.3), the B4.d assessment (+3.5: partially achieved beats the prior 0.33).
    let order: Vec<(DriverKind, &str)> = rbs
        .drivers
        .iter()
        .map(|d| (d.kind, d.reference.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            (DriverKind::Metric, "mfa_coverage"),
            (DriverKind::Finding, "F-17"),
            (DriverKind::Dependency, "SUP-PATH"),
            (DriverKind::Assessment, "B4.d"),
        ]
    );
    close(rbs.drivers[0].impact, 17.506606844935447, "metric impact");
    close(
        rbs.drivers[3].impact,
        3.526972493525136,
        "assessment impact",
    );
    let top = &rbs.drivers[1];
    close(top.impact, -12.259066108482784, "finding impact");
    assert_eq!(
        top.reason,
        "KEV-listed CVE-2024-3400 on an internet-facing clinical asset, open 60 days, deadline 14"
    );
    let dep = rbs
        .drivers
        .iter()
        .find(|d| d.kind == DriverKind::Dependency)
        .unwrap();
    assert_eq!(dep.reference, "SUP-PATH");
    close(dep.impact, -5.315330543214486, "dependency impact");
    assert_eq!(rbs.drivers.len(), 4);

    // SUP-PATH is rated exactly at its attestation.
    let sup = out.get("SUP-PATH").unwrap();
    close(sup.probability, 0.042, "SUP P");
    close(sup.score, 667.0819710757554, "SUP score");
    assert_eq!(sup.band, "B");
    close(sup.interval[0], 641.8579807177891, "SUP lo");
    close(sup.interval[1], 692.3059614337217, "SUP hi");
    assert_eq!(sup.basis, Basis::Attestation);
    assert_eq!(sup.coverage, 0.0);
    assert!(sup.drivers.is_empty());

    // Portfolio outputs.
    assert_eq!(out.suppliers.len(), 1);
    assert_eq!(out.suppliers[0].id, "SUP-PATH");
    assert_eq!(out.suppliers[0].dependents, 1);
    close(out.suppliers[0].systemic_exposure, 0.4, "exposure");
    let groups: Vec<&str> = out
        .peer_groups
        .iter()
        .map(|g| g.peer_group.as_str())
        .collect();
    assert_eq!(groups, ["acute", "supplier"]);
    assert_eq!(rbs.peer_percentile, 50.0);
}

#[test]
fn prior_only_organisation() {
    // No evidence, no attestation: P = P0 = 0.25 exactly (up to rounding),
    // S = 600 − (50/ln 2)·ln 3 = 520.7518749639422, band E, basis prior.
    let doc =
        parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "X"}]}"#).unwrap();
    let out = rate(&doc, &Methodology::default()).unwrap();
    let x = &out.ratings[0];
    close(x.probability, 0.25, "P");
    close(x.score, 520.7518749639422, "S");
    assert_eq!(x.band, "E");
    assert_eq!(x.basis, Basis::Prior);
    assert_eq!(x.peer_group, "unassigned");
    assert!(x.interval[0] < x.score && x.score < x.interval[1]);
}
