//! The example custom methodology `nhs-supplier-focus-v1`: it loads from JSON and TOML, differs
//! from the default exactly as documented, and changes ratings in the documented direction.
// Independent reference arithmetic, compared with tolerances or on exact powers of two: the
// platform's f64 methods are fine here (clippy.toml forbids them in the engine).
#![allow(clippy::disallowed_methods)]

use risk_core::methodology::MethodologyDoc;
use risk_core::{Methodology, parse_portfolio, rate};

const FOCUS_JSON: &str = include_str!("../../examples/methodologies/nhs-supplier-focus-v1.json");
const FOCUS_TOML: &str = include_str!("../../examples/methodologies/nhs-supplier-focus-v1.toml");

fn focus() -> Methodology {
    Methodology::from_json(FOCUS_JSON).unwrap()
}

#[test]
fn loads_from_json_and_toml_alike() {
    let m = focus();
    assert_eq!(m.id(), "nhs-supplier-focus-v1");
    assert_eq!(m.version(), "1.0.0");
    assert_eq!(Methodology::from_toml(FOCUS_TOML).unwrap(), m);
    assert_eq!(Methodology::from_str_auto(FOCUS_TOML).unwrap(), m);
    assert_eq!(Methodology::from_str_auto(FOCUS_JSON).unwrap(), m);
}

#[test]
fn differs_from_the_default_exactly_as_documented() {
    let m = focus();
    assert_ne!(m, Methodology::default());

    // The default with the documented changes applied must be the example, field for field.
    let mut expected: MethodologyDoc = Methodology::default().doc().clone();
    expected.id = "nhs-supplier-focus-v1".into();
    expected.name = m.doc().name.clone();
    expected.description = m.doc().description.clone();
    let scc = expected
        .factors
        .iter_mut()
        .find(|f| f.id == "supply_chain_controls")
        .unwrap();
    assert_eq!(scc.weight, 0.20);
    scc.weight = 0.60;
    let c = &mut expected.supply_chain.criticality;
    assert_eq!(
        (c.critical, c.high, c.medium, c.low),
        (0.40, 0.20, 0.10, 0.03)
    );
    (c.critical, c.high, c.medium, c.low) = (0.60, 0.35, 0.15, 0.05);
    assert_eq!(expected.supply_chain.max_coupling, 0.90);
    expected.supply_chain.max_coupling = 0.95;
    assert_eq!(&expected, m.doc());
}

#[test]
fn a_broken_copy_is_rejected_with_a_precise_message() {
    let text = FOCUS_JSON.replacen("\"weight\": 0.2\n", "\"weight\": -0.2\n", 1);
    assert!(text != FOCUS_JSON, "the replacement must apply");
    let e = Methodology::from_json(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid methodology: factors[1].weight: must be ≥ 0, not -0.2"
    );

    let text = FOCUS_TOML.replacen("critical = 0.6\n", "critical = 0.3\n", 1);
    assert!(text != FOCUS_TOML, "the replacement must apply");
    let e = Methodology::from_str_auto(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid methodology: supply_chain.criticality: couplings must not decrease from low to \
         medium to high to critical"
    );
}

const DOC: &str = r#"{"as_of": "2025-09-30", "organisations": [
  {"id": "NO-EVIDENCE"},
  {"id": "WEAK-A4", "assessments": [
    {"control": "A4.a", "outcome": "not_achieved", "assurance": "independent_audit", "assessed_on": "2025-06-30"}]},
  {"id": "STRONG-A4-WEAK-B2", "assessments": [
    {"control": "A4.a", "outcome": "achieved", "assurance": "independent_audit", "assessed_on": "2025-06-30"},
    {"control": "B2.a", "outcome": "not_achieved", "assurance": "independent_audit", "assessed_on": "2025-06-30"}]},
  {"id": "STRONG-A4", "assessments": [
    {"control": "A4.a", "outcome": "achieved", "assurance": "independent_audit", "assessed_on": "2025-06-30"}]},
  {"id": "DEPENDANT", "dependencies": [{"supplier": "SUP", "criticality": "critical", "access": "network"}]},
  {"id": "SUP", "attestation": {"dspt_status": "approaching_standards"}}
]}"#;

/// S(P) of the default score scale (both methodologies share it).
fn score_of(p: f64) -> f64 {
    let odds = |p: f64| p / (1.0 - p);
    600.0 - 50.0 / std::f64::consts::LN_2 * (odds(p) / odds(0.10)).ln()
}

/// P_int of an organisation with no attestation (P₀ = 0.25, k = 2) whose only evidence is one
/// independently audited A4 outcome of value `v`, 92 days old, under total weight `sum_w` and
/// A4 weight `w` — computed from the methodology text, independently of the engine.
fn p_int_a4_only(v: f64, w: f64, sum_w: f64) -> f64 {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let (p0, k, b0) = (0.25, 2.0, -3.9);
    let m = 1.0 - (logit(p0) - b0) / sum_w;
    let d = 2f64.powf(-92.0 / 365.0);
    let n = 16.0 * d;
    let mu = (k * m + n * v) / (k + n);
    let eta = logit(p0) + w * (m - mu);
    1.0 / (1.0 + (-eta).exp())
}

#[test]
fn ratings_change_in_the_documented_direction() {
    let doc = parse_portfolio(DOC).unwrap();
    let base = rate(&doc, &Methodology::default()).unwrap();
    let alt = rate(&doc, &focus()).unwrap();
    let pair = |id: &str| (base.get(id).unwrap(), alt.get(id).unwrap());

    // No evidence, no dependencies: the prior, whatever the weights.
    for id in ["NO-EVIDENCE", "SUP"] {
        let (a, b) = pair(id);
        assert!(
            (a.score - b.score).abs() < 1e-9,
            "{id}: {} vs {}",
            a.score,
            b.score
        );
        assert!((a.probability - b.probability).abs() < 1e-12);
    }
    assert!((pair("NO-EVIDENCE").0.probability - 0.25).abs() < 1e-12);

    // A4 evidence counts for more: further down when not achieved, further up when achieved.
    let (a, b) = pair("WEAK-A4");
    assert!(b.score < a.score - 10.0, "{} → {}", a.score, b.score);
    let sum_default = 4.2;
    assert!((a.internal_probability - p_int_a4_only(0.0, 0.2, sum_default)).abs() < 1e-12);
    assert!((b.internal_probability - p_int_a4_only(0.0, 0.6, sum_default + 0.4)).abs() < 1e-12);
    assert!((b.score - score_of(b.probability)).abs() < 1e-8);

    let (a, b) = pair("STRONG-A4");
    assert!(b.score > a.score + 10.0, "{} → {}", a.score, b.score);
    assert!((a.internal_probability - p_int_a4_only(1.0, 0.2, sum_default)).abs() < 1e-12);
    assert!((b.internal_probability - p_int_a4_only(1.0, 0.6, sum_default + 0.4)).abs() < 1e-12);

    let (a, b) = pair("STRONG-A4-WEAK-B2");
    assert!(b.score > a.score, "{} → {}", a.score, b.score);

    // A critical network dependency passes on more of the supplier's risk: same internal
    // probability, supply probability 0.40 × 0.15 → 0.60 × 0.15.
    let (a, b) = pair("DEPENDANT");
    assert!((a.internal_probability - b.internal_probability).abs() < 1e-12);
    assert!(
        (a.supply_probability - 0.06).abs() < 1e-12,
        "{}",
        a.supply_probability
    );
    assert!(
        (b.supply_probability - 0.09).abs() < 1e-12,
        "{}",
        b.supply_probability
    );
    assert!(b.score < a.score, "{} → {}", a.score, b.score);
    assert!((b.score - score_of(1.0 - 0.75 * 0.91)).abs() < 1e-8);
}

#[test]
fn the_output_carries_the_methodology_id_and_version() {
    let doc = parse_portfolio(DOC).unwrap();
    let base = rate(&doc, &Methodology::default()).unwrap();
    let alt = rate(&doc, &focus()).unwrap();
    assert_eq!(
        (base.methodology.as_str(), base.methodology_version.as_str()),
        ("nhs-caf-v1", "1.0.0")
    );
    assert_eq!(
        (alt.methodology.as_str(), alt.methodology_version.as_str()),
        ("nhs-supplier-focus-v1", "1.0.0")
    );
    let json: serde_json::Value = serde_json::from_str(&alt.to_json()).unwrap();
    assert_eq!(json["methodology"], "nhs-supplier-focus-v1");
    assert_eq!(json["methodology_version"], "1.0.0");
}
