//! serde round trips of both documents, and the exact field names of the output document
//! (methodology sections 1 and 6.1).
// Independent reference arithmetic, compared with tolerances or on exact powers of two: the
// platform's f64 methods are fine here (clippy.toml forbids them in the engine).
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use risk_core::{Methodology, Portfolio, PortfolioRating, parse_portfolio, rate};
use serde_json::Value;

const EXAMPLE: &str = include_str!("data/spec_example.json");

fn methodology() -> Methodology {
    Methodology::default()
}

/// Serialize → parse → equal, compact and pretty; and serializing again gives the same text.
fn input_round_trip(doc: &Portfolio) -> Result<(), TestCaseError> {
    let compact = serde_json::to_string(doc).unwrap();
    let pretty = serde_json::to_string_pretty(doc).unwrap();
    for text in [&compact, &pretty] {
        let back = parse_portfolio(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, doc);
        prop_assert_eq!(&serde_json::to_string(&back).unwrap(), &compact);
    }
    Ok(())
}

/// The output document as JSON → `PortfolioRating` → equal, compact and pretty.
fn output_round_trip(out: &PortfolioRating) -> Result<(), TestCaseError> {
    for text in [out.to_json(), out.to_json_pretty()] {
        let back: PortfolioRating = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, out);
        prop_assert_eq!(back.to_json(), out.to_json());
    }
    Ok(())
}

#[test]
fn input_document_round_trip_of_the_section_1_example() {
    let doc = parse_portfolio(EXAMPLE).unwrap();
    input_round_trip(&doc).unwrap();
    // Dates are written as ISO dates, enumerations as their snake_case names.
    let written: Value = serde_json::to_value(&doc).unwrap();
    let rbs = &written["organisations"][0];
    assert_eq!(rbs["findings"][0]["kev"], Value::Bool(true));
    assert_eq!(rbs["findings"][0]["asset_criticality"], "clinical");
    assert_eq!(rbs["findings"][0]["first_seen"], "2025-08-01");
    assert_eq!(written["as_of"], "2025-09-30");
}

#[test]
fn input_fields_written_are_the_section_1_names() {
    let doc = parse_portfolio(EXAMPLE).unwrap();
    let v = serde_json::to_value(&doc).unwrap();
    let keys = |x: &Value| -> BTreeSet<String> { x.as_object().unwrap().keys().cloned().collect() };
    let allowed =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| (*s).to_owned()).collect() };
    assert_eq!(keys(&v), allowed(&["as_of", "organisations"]));
    let org_names = [
        "id",
        "name",
        "peer_group",
        "assessments",
        "metrics",
        "findings",
        "dependencies",
        "attestation",
    ];
    for o in v["organisations"].as_array().unwrap() {
        assert!(keys(o).is_subset(&allowed(&org_names)), "{o}");
        for a in o
            .get("assessments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(keys(a).is_subset(&allowed(&[
                "control",
                "outcome",
                "assurance",
                "assessed_on",
                "source"
            ])));
        }
        for f in o
            .get("findings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(keys(f).is_subset(&allowed(&[
                "id",
                "kind",
                "cve",
                "cvss",
                "cvss_score",
                "epss",
                "kev",
                "internet_facing",
                "asset_criticality",
                "first_seen",
                "resolved_on"
            ])));
        }
        if let Some(a) = o.get("attestation") {
            assert!(keys(a).is_subset(&allowed(&[
                "dspt_status",
                "cyber_essentials_plus",
                "incident_probability"
            ])));
        }
    }
}

#[test]
fn numbers_are_read_correctly_rounded() {
    // serde_json's default float parser may be one ulp off; the workspace enables
    // `float_roundtrip`. This value was read back wrongly without it.
    let text = r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
        "attestation": {"incident_probability": 0.19023865465042558}}]}"#;
    let doc = parse_portfolio(text).unwrap();
    let p = doc.organisations[0]
        .attestation
        .as_ref()
        .unwrap()
        .incident_probability
        .unwrap();
    assert_eq!(p.to_bits(), 0.190_238_654_650_425_58_f64.to_bits());
    for x in [
        0.1,
        1.0 / 3.0,
        5e-324,
        0.999_999_999_999_999_9,
        2.0f64.powi(-60),
    ] {
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x:e}");
    }
}

#[test]
fn output_document_round_trip_of_the_section_1_example() {
    let out = rate(&parse_portfolio(EXAMPLE).unwrap(), &methodology()).unwrap();
    output_round_trip(&out).unwrap();
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn sorted<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut v = names.to_vec();
    v.sort_unstable();
    v
}

/// Field names of section 6.1. `methodology_version` is the one top-level field the engine
/// writes beyond the section 6.1 example; it is listed separately so that the difference from
/// the specification stays visible.
const TOP: [&str; 5] = [
    "as_of",
    "methodology",
    "ratings",
    "peer_groups",
    "suppliers",
];
const TOP_BEYOND_SPEC: [&str; 2] = ["methodology_version", "provenance"];
/// Per-organisation fields beyond section 6.1, written only when they say something: the
/// organisation's newest counted evidence date, its staleness flag and its disputes summary.
const RATING_OPTIONAL: [&str; 3] = ["evidence_as_of", "stale", "disputes"];
const PROVENANCE: [&str; 5] = [
    "input_digest",
    "methodology",
    "methodology_version",
    "methodology_digest",
    "engine_version",
];
const RATING: [&str; 14] = [
    "id",
    "peer_group",
    "score",
    "band",
    "interval",
    "probability",
    "probability_interval",
    "internal_probability",
    "supply_probability",
    "basis",
    "coverage",
    "peer_percentile",
    "factors",
    "drivers",
];
const FACTOR: [&str; 6] = ["id", "mean", "lower", "upper", "evidence", "points"];
const DRIVER: [&str; 4] = ["kind", "reference", "impact", "reason"];
const PEER_GROUP: [&str; 7] = ["peer_group", "n", "min", "p25", "median", "p75", "max"];
const SUPPLIER: [&str; 3] = ["id", "dependents", "systemic_exposure"];

/// The output JSON has exactly the section 6.1 names, with the types of section 6.1.
fn check_output_shape(out: &PortfolioRating) -> Result<(), TestCaseError> {
    let v: Value = serde_json::from_str(&out.to_json()).unwrap();
    let top: Vec<&str> = TOP.iter().chain(&TOP_BEYOND_SPEC).copied().collect();
    prop_assert_eq!(keys(&v), sorted(&top));
    prop_assert!(v["as_of"].is_string() && v["methodology"] == "nhs-caf-v1");
    prop_assert_eq!(keys(&v["provenance"]), sorted(&PROVENANCE));
    prop_assert!(
        v["provenance"]["input_digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:") && d.len() == 7 + 64)
    );
    let number = |x: &Value| x.as_f64().is_some_and(f64::is_finite);
    let pair = |x: &Value| {
        x.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(|y| y.as_f64().is_some()))
    };
    for r in v["ratings"].as_array().unwrap() {
        let (optional, spec): (Vec<&str>, Vec<&str>) = keys(r)
            .into_iter()
            .partition(|k| RATING_OPTIONAL.contains(k));
        prop_assert_eq!(spec, sorted(&RATING));
        prop_assert!(optional.iter().all(|k| k != &"stale" || r["stale"] == true));
        prop_assert!(r["id"].is_string() && r["peer_group"].is_string());
        prop_assert!(["A", "B", "C", "D", "E", "F"].contains(&r["band"].as_str().unwrap()));
        prop_assert!(["evidence", "attestation", "prior"].contains(&r["basis"].as_str().unwrap()));
        prop_assert!(pair(&r["interval"]) && pair(&r["probability_interval"]));
        for f in [
            "score",
            "probability",
            "internal_probability",
            "supply_probability",
            "coverage",
            "peer_percentile",
        ] {
            prop_assert!(number(&r[f]), "{} is not a number: {}", f, r[f]);
        }
        let factors = r["factors"].as_array().unwrap();
        prop_assert_eq!(factors.len(), 14);
        for f in factors {
            prop_assert_eq!(keys(f), sorted(&FACTOR));
            prop_assert!(f["id"].is_string());
            for x in ["mean", "lower", "upper", "evidence", "points"] {
                prop_assert!(number(&f[x]));
            }
        }
        let drivers = r["drivers"].as_array().unwrap();
        prop_assert!(drivers.len() <= 5);
        for d in drivers {
            prop_assert_eq!(keys(d), sorted(&DRIVER));
            prop_assert!(
                ["assessment", "metric", "finding", "dependency"]
                    .contains(&d["kind"].as_str().unwrap())
            );
            prop_assert!(d["reference"].is_string() && d["reason"].is_string());
            prop_assert!(number(&d["impact"]));
        }
    }
    for g in v["peer_groups"].as_array().unwrap() {
        prop_assert_eq!(keys(g), sorted(&PEER_GROUP));
        prop_assert!(g["peer_group"].is_string() && g["n"].is_u64());
    }
    for s in v["suppliers"].as_array().unwrap() {
        prop_assert_eq!(keys(s), sorted(&SUPPLIER));
        prop_assert!(s["id"].is_string() && s["dependents"].is_u64());
        prop_assert!(number(&s["systemic_exposure"]));
    }
    Ok(())
}

#[test]
fn output_field_names_of_the_section_1_example() {
    let out = rate(&parse_portfolio(EXAMPLE).unwrap(), &methodology()).unwrap();
    check_output_shape(&out).unwrap();
    // The example has every kind of array entry, so every name above was actually checked.
    let v: Value = serde_json::from_str(&out.to_json()).unwrap();
    assert!(!v["ratings"][0]["drivers"].as_array().unwrap().is_empty());
    assert!(!v["peer_groups"].as_array().unwrap().is_empty());
    assert!(!v["suppliers"].as_array().unwrap().is_empty());
    assert_eq!(v["methodology_version"], out.methodology_version);
}

#[test]
fn output_rejects_unknown_fields_when_read_back() {
    let out = rate(&parse_portfolio(EXAMPLE).unwrap(), &methodology()).unwrap();
    let mut v: Value = serde_json::from_str(&out.to_json()).unwrap();
    v["ratings"][0]["colour"] = Value::from("blue");
    assert!(serde_json::from_value::<PortfolioRating>(v).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            ProptestConfig::default().cases
        } else {
            64
        },
        ..ProptestConfig::default()
    })]

    /// Any generated portfolio survives serialize → parse unchanged.
    #[test]
    fn input_documents_round_trip(p in common::portfolio()) {
        input_round_trip(&p)?;
    }

    /// Any rating survives serialize → deserialize unchanged, and has the section 6.1 shape.
    #[test]
    fn output_documents_round_trip(p in common::portfolio()) {
        let out = rate(&p, &methodology()).unwrap();
        output_round_trip(&out)?;
        check_output_shape(&out)?;
    }
}
