//! The split pipeline (`rate_internal` per organisation, `rate_from_internal` over the graph)
//! equals `rate` bit for bit: on random portfolios (proptest), on every `rate` conformance
//! vector, and on the bundled sample, with the per-organisation results sent through JSON (as
//! they cross a process boundary) and handed back in another order. Equality is checked on the
//! JSON text of the output document: ryu writes the shortest text that reads back to the same
//! bits, so equal text is equal bits (and `-0.0` differs from `0.0`).

mod common;

use std::path::Path;

use proptest::prelude::*;
use risk_core::rating::split::{graph_only, without_dependencies};
use risk_core::{
    InternalRating, Methodology, Portfolio, parse_portfolio_bytes, rate, rate_from_internal,
    rate_internal, validate,
};
use serde_json::Value;

/// The split path with the per-organisation results in `chunks` processes (round robin), sent
/// through JSON, gathered in reverse order.
fn split_json(p: &Portfolio, m: &Methodology, chunks: usize) -> String {
    let mut parts: Vec<Portfolio> = (0..chunks)
        .map(|_| Portfolio {
            organisations: Vec::new(),
            ..p.clone()
        })
        .collect();
    for (i, o) in p.organisations.iter().enumerate() {
        parts[i % chunks].organisations.push(o.clone());
    }
    let mut gathered: Vec<InternalRating> = Vec::new();
    for part in &parts {
        let internal = rate_internal(part, m).expect("evidence validates");
        let text = serde_json::to_string(&internal).unwrap();
        gathered.extend(serde_json::from_str::<Vec<InternalRating>>(&text).unwrap());
    }
    gathered.reverse();
    let out = rate_from_internal(&graph_only(p), m, &gathered).expect("graph half rates");
    serde_json::to_string(&out).unwrap()
}

/// `rate`'s output without its provenance block: the graph half never sees the whole document,
/// so the split path carries none (`rating::split`); every rated figure must be identical.
fn whole_json(p: &Portfolio, m: &Methodology) -> String {
    let mut r = rate(p, m).expect("portfolio rates");
    assert!(r.provenance.is_some());
    r.provenance = None;
    serde_json::to_string(&r).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn split_equals_rate_bit_for_bit(p in common::portfolio(), chunks in 1usize..4) {
        let m = Methodology::default();
        prop_assert_eq!(split_json(&p, &m, chunks), whole_json(&p, &m));
    }
}

#[test]
fn split_equals_rate_on_every_rate_vector() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let m = Methodology::default();
    let mut n = 0;
    for case in manifest["cases"].as_array().unwrap() {
        if case["kind"] != "rate" {
            continue;
        }
        let bytes = std::fs::read(dir.join(case["input"].as_str().unwrap())).unwrap();
        let Ok(doc) = parse_portfolio_bytes(&bytes) else {
            continue;
        };
        if validate(&doc, &m).is_err() {
            continue;
        }
        assert_eq!(
            split_json(&doc, &m, 2),
            whole_json(&doc, &m),
            "{}",
            case["name"]
        );
        n += 1;
    }
    assert!(n >= 15, "only {n} rating vectors ran");
}

#[test]
fn split_equals_rate_on_the_sample() {
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let m = Methodology::default();
    assert_eq!(split_json(&p, &m, 3), whole_json(&p, &m));
}

fn small() -> Portfolio {
    risk_core::parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [
        {"id": "A", "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}],
         "metrics": [{"metric": "mfa_coverage", "successes": 9, "trials": 10,
                      "observed_on": "2025-09-01"}]},
        {"id": "B"}]}"#,
    )
    .unwrap()
}

fn split_err(internal: &[InternalRating]) -> (String, String) {
    let e = rate_from_internal(&small(), &Methodology::default(), internal).unwrap_err();
    (e.code().to_owned(), e.path().to_owned())
}

#[test]
fn results_that_do_not_fit_the_graph_are_rejected_with_their_path() {
    let m = Methodology::default();
    let good = rate_internal(&small(), &m).unwrap();
    let pair = |c: &str, p: &str| (c.to_owned(), p.to_owned());

    assert_eq!(
        split_err(&good[..1]),
        pair("missing_organisation", "organisations[1].id")
    );
    let mut dup = good.clone();
    dup.push(good[0].clone());
    assert_eq!(
        split_err(&dup),
        pair("duplicate_organisation", "internal[2].id")
    );
    let mut unknown = good.clone();
    unknown[1].id = "Z".into();
    assert_eq!(
        split_err(&unknown),
        pair("unknown_organisation", "internal[1].id")
    );
    let mut date = good.clone();
    date[1].as_of = "2025-10-01".parse().unwrap();
    assert_eq!(
        split_err(&date),
        pair("internal_mismatch", "internal[1].as_of")
    );
    let mut meth = good.clone();
    meth[0].methodology_version = "0".into();
    assert_eq!(
        split_err(&meth),
        pair("internal_mismatch", "internal[0].methodology")
    );
    let mut factors = good.clone();
    factors[0].factors.pop();
    assert_eq!(
        split_err(&factors),
        pair("internal_mismatch", "internal[0].factors")
    );
    // The evidence half ignores dependency edges (the supplier may live in another process).
    let mut alone = without_dependencies(&small());
    alone.organisations.truncate(1);
    let mut with_edge = small();
    with_edge.organisations.truncate(1);
    assert_eq!(
        rate_internal(&with_edge, &m).unwrap(),
        rate_internal(&alone, &m).unwrap()
    );
}
