//! Provenance and freshness (methodology section 11): the input digest is SHA-256 of the document
//! in RFC 8785 (JCS) form, independent of key order, whitespace and entry point; the methodology
//! digest follows the methodology; `evidence_as_of` is the newest counted item and `stale` says
//! when it is older than `freshness.stale_after_days`.

use risk_core::rating::provenance::{ENGINE_VERSION, input_digest, methodology_digest};
use risk_core::{Methodology, parse_portfolio, rate, rate_json};
use sha2::{Digest, Sha256};

const DOC: &str = r#"{"as_of": "2025-09-30", "organisations": [
  {"id": "RBS", "peer_group": "acute",
   "assessments": [{"control": "B4.d", "outcome": "partially_achieved",
                    "assurance": "independent_audit", "assessed_on": "2025-06-30"}],
   "findings": [{"id": "F-17", "kind": "vulnerability", "epss": 0.94, "cvss_score": 9.8,
                 "first_seen": "2025-08-01", "resolved_on": "2025-08-20"}],
   "metrics": [{"metric": "mfa_coverage", "successes": 4210, "trials": 4500,
                "observed_on": "2025-09-01"}]},
  {"id": "OLD", "assessments": [{"control": "B4.d", "outcome": "achieved",
                    "assurance": "self_assessed", "assessed_on": "2024-09-29"}]},
  {"id": "EDGE", "assessments": [{"control": "B4.d", "outcome": "achieved",
                    "assurance": "self_assessed", "assessed_on": "2024-09-30"}]},
  {"id": "NONE"}]}"#;

/// The same document, keys reordered, whitespace changed, a BOM and explicit nulls.
const SAME: &str = "\u{feff}{\"organisations\":[{\"metrics\":[{\"observed_on\":\"2025-09-01\",\"trials\":4500,\"successes\":4210,\"metric\":\"mfa_coverage\"}],\"findings\":[{\"resolved_on\":\"2025-08-20\",\"first_seen\":\"2025-08-01\",\"cvss_score\":9.8,\"epss\":0.94,\"kind\":\"vulnerability\",\"id\":\"F-17\",\"cve\":null}],\"assessments\":[{\"assessed_on\":\"2025-06-30\",\"assurance\":\"independent_audit\",\"outcome\":\"partially_achieved\",\"control\":\"B4.d\"}],\"peer_group\":\"acute\",\"id\":\"RBS\"},\n\n {\"assessments\":[{\"assessed_on\":\"2024-09-29\",\"assurance\":\"self_assessed\",\"outcome\":\"achieved\",\"control\":\"B4.d\"}],\"id\":\"OLD\"},{\"id\":\"EDGE\",\"assessments\":[{\"control\":\"B4.d\",\"outcome\":\"achieved\",\"assurance\":\"self_assessed\",\"assessed_on\":\"2024-09-30\"}]},{\"id\":\"NONE\",\"name\":null}],\t\"as_of\":\"2025-09-30\"}";

#[test]
fn key_order_whitespace_and_nulls_do_not_change_the_digest() {
    let m = Methodology::default();
    let a = rate_json(DOC, &m).unwrap().provenance.unwrap();
    let b = rate_json(SAME, &m).unwrap().provenance.unwrap();
    assert_eq!(a, b);
    assert!(a.input_digest.starts_with("sha256:"));
    // Any change of content changes it.
    let c = rate_json(&DOC.replace("4210", "4211"), &m)
        .unwrap()
        .provenance
        .unwrap();
    assert_ne!(a.input_digest, c.input_digest);
    assert_eq!(a.methodology_digest, c.methodology_digest);
    assert_eq!(a.engine_version, ENGINE_VERSION);
    assert_eq!(
        (a.methodology.as_str(), a.methodology_version.as_str()),
        (m.id(), m.version())
    );
}

#[test]
fn the_digest_is_sha256_of_the_rfc8785_form() {
    // A document stating every field, written in JCS form by hand: sorted keys, no whitespace,
    // ECMAScript numbers. Its plain SHA-256 is the input digest.
    let jcs = r#"{"as_of":"2025-09-30","organisations":[{"findings":[{"asset_criticality":"high","cvss_score":9.5,"epss":0.5,"first_seen":"2025-08-01","id":"F-1","internet_facing":true,"kev":false,"kind":"tls"}],"id":"A","peer_group":"acute"}]}"#;
    let doc = parse_portfolio(jcs).unwrap();
    let hex: String = Sha256::digest(jcs.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(input_digest(&doc), format!("sha256:{hex}"));
}

#[test]
fn the_methodology_digest_follows_the_methodology() {
    let m = Methodology::default();
    let mut v: serde_json::Value =
        serde_json::from_str(risk_core::methodology::DEFAULT_METHODOLOGY_JSON).unwrap();
    assert_eq!(
        methodology_digest(&Methodology::from_json(&v.to_string()).unwrap()),
        methodology_digest(&m)
    );
    v["model"]["intercept"] = serde_json::json!(-1.5);
    let changed = Methodology::from_json(&v.to_string()).unwrap();
    assert_ne!(methodology_digest(&changed), methodology_digest(&m));
}

#[test]
fn evidence_as_of_and_stale() {
    let r = rate_json(DOC, &Methodology::default()).unwrap();
    let get = |id: &str| r.get(id).unwrap();
    // The newest counted item: the metric (2025-09-01), not the finding's resolution (08-20).
    assert_eq!(
        get("RBS").evidence_as_of,
        Some("2025-09-01".parse().unwrap())
    );
    assert!(!get("RBS").stale);
    // 366 days old: stale; exactly 365: not.
    assert!(get("OLD").stale);
    assert!(!get("EDGE").stale);
    assert_eq!(get("NONE").evidence_as_of, None);
    assert!(!get("NONE").stale);
    let json = r.to_json();
    assert_eq!(json.matches("\"stale\"").count(), 1);
}

#[test]
fn stale_after_days_is_a_methodology_parameter_with_a_default() {
    let mut v: serde_json::Value =
        serde_json::from_str(risk_core::methodology::DEFAULT_METHODOLOGY_JSON).unwrap();
    // A methodology file without the section loads, with the default.
    v.as_object_mut().unwrap().remove("freshness");
    let m = Methodology::from_json(&v.to_string()).unwrap();
    assert_eq!(m.doc().freshness.stale_after_days, 365.0);
    v["freshness"] = serde_json::json!({"stale_after_days": 28});
    let m = Methodology::from_json(&v.to_string()).unwrap();
    let r = rate(&parse_portfolio(DOC).unwrap(), &m).unwrap();
    assert!(r.get("RBS").unwrap().stale);
    v["freshness"] = serde_json::json!({"stale_after_days": -1});
    let e = Methodology::from_json(&v.to_string()).unwrap_err();
    assert!(e.to_string().contains("freshness.stale_after_days"), "{e}");
}

#[test]
fn evidence_and_drivers_grouped_by_source() {
    use risk_core::rating::sources::rate_by_source;
    let doc = parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
      "assessments": [{"control": "B4.d", "outcome": "not_achieved", "assurance": "self_assessed",
                       "assessed_on": "2025-06-30", "source": "DSPT"}],
      "findings": [{"id": "F1", "kind": "exposed_service", "internet_facing": true,
                    "first_seen": "2025-09-01", "source": "scanner"},
                   {"id": "F2", "kind": "tls", "first_seen": "2025-09-01", "source": "scanner"},
                   {"id": "F3", "kind": "tls", "first_seen": "2025-10-01", "source": "scanner"}],
      "metrics": [{"metric": "mfa_coverage", "successes": 1, "trials": 100,
                   "observed_on": "2025-09-01"}]}]}"#,
    )
    .unwrap();
    let rows = rate_by_source(&doc, &Methodology::default()).unwrap();
    let got: Vec<(&str, usize, usize)> = rows
        .iter()
        .map(|r| (r.source.as_str(), r.items, r.drivers))
        .collect();
    // F3 is dated after as_of; the metric names no source.
    assert_eq!(got, [("", 1, 1), ("DSPT", 1, 1), ("scanner", 2, 2)]);
    assert!((rows.iter().map(|r| r.share).sum::<f64>() - 1.0).abs() < 1e-12);
    let r = rate(&doc, &Methodology::default()).unwrap();
    let impact: f64 = r.ratings[0].drivers.iter().map(|d| d.impact).sum();
    let grouped: f64 = rows.iter().map(|r| r.driver_impact).sum();
    assert!((impact - grouped).abs() < 1e-12);
}

#[test]
fn every_output_carries_the_provenance_of_its_input() {
    use risk_core::decision::whatif::Action;
    let text = r#"{"as_of": "2025-09-30", "organisations": [
      {"id": "A", "groups": ["icb:X"],
       "dependencies": [{"supplier": "S", "criticality": "high", "access": "data"}],
       "findings": [{"id": "F1", "kind": "tls", "first_seen": "2025-06-01"}]},
      {"id": "S"}]}"#;
    let doc = parse_portfolio(text).unwrap();
    let m = Methodology::default();
    let p = risk_core::validate(&doc, &m).unwrap();
    let want = rate(&doc, &m)
        .unwrap()
        .provenance
        .expect("a rating's provenance");
    assert_eq!(want.input_digest, input_digest(&doc));
    let resolve = [Action::ResolveFinding {
        finding: "F1".into(),
    }];
    let d = |s: &str| s.parse().unwrap();
    let system = risk_core::system::SystemOptions {
        trials: 100,
        ..Default::default()
    };
    let got = [
        ("what_if", p.what_if("A", &resolve).unwrap().provenance),
        ("plan", p.plan("A", 3).unwrap().provenance),
        ("history", p.history(&[d("2025-06-30")]).provenance),
        (
            "change",
            p.change("A", d("2025-06-30"), d("2025-09-30"))
                .unwrap()
                .provenance,
        ),
        ("system", p.system(&system).unwrap().provenance),
    ];
    for (what, prov) in got {
        assert_eq!(prov.as_ref(), Some(&want), "{what}");
    }
    // The change notice names the document and both methodologies by digest.
    let c = risk_core::compare_methodologies(&doc, &m, &m).unwrap();
    assert_eq!(c.input_digest, want.input_digest);
    assert_eq!(c.engine_version, ENGINE_VERSION);
    assert_eq!(c.old.digest, methodology_digest(&m));
}
