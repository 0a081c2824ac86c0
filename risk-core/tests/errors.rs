//! Every error case of methodology section 1, through the public API.
//!
//! Each test states the exact [`ErrorCode`] and the exact JSON path of every problem. Structural
//! problems (JSON syntax, types, fields, enumerations, dates, counts) are found by
//! [`parse_portfolio`], which stops at the first; semantic ones by [`validate`], which reports them
//! all (up to [`MAX_PROBLEMS`]). [`rate_json`] must report the same first problem either way.
//! A property test at the end mutates valid documents at random and checks that nothing panics
//! and that every reported path points into the document.

use proptest::prelude::*;
use risk_core::error::MAX_PROBLEMS;
use risk_core::{
    Error, ErrorCode, InputError, Methodology, Portfolio, parse_portfolio, parse_portfolio_bytes,
    rate, rate_json, validate,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A document exercising every item type and every optional field, valid as it stands.
fn full_doc() -> Value {
    json!({
        "as_of": "2025-09-30",
        "organisations": [
            {
                "id": "RBS",
                "name": "Northshire Acute Hospitals NHS Trust",
                "peer_group": "acute",
                "assessments": [
                    {"control": "B4.d", "outcome": "partially_achieved",
                     "assurance": "independent_audit", "assessed_on": "2025-06-30",
                     "source": "DSPT 2024-25"}
                ],
                "metrics": [
                    {"metric": "mfa_coverage", "successes": 4210, "trials": 4500,
                     "observed_on": "2025-09-01"}
                ],
                "findings": [
                    {"id": "F-17", "kind": "vulnerability", "cve": "CVE-2024-3400",
                     "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "cvss_score": 9.8,
                     "epss": 0.94, "kev": true, "internet_facing": true,
                     "asset_criticality": "clinical", "first_seen": "2025-08-01",
                     "resolved_on": "2025-09-10"}
                ],
                "dependencies": [
                    {"supplier": "SUP-PATH", "criticality": "critical", "access": "network"}
                ],
                "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": false,
                                "incident_probability": 0.1}
            },
            {
                "id": "SUP-PATH", "name": "Pathology Services Ltd", "peer_group": "supplier",
                "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": true,
                                "incident_probability": null}
            }
        ]
    })
}

/// `{"as_of": …, "organisations": [<org>, {"id": "SUP"}]}` with `org` given as a JSON fragment
/// of fields after `"id": "A"`.
fn with_org(fields: &str) -> String {
    format!(
        r#"{{"as_of": "2025-09-30", "organisations": [{{"id": "A", {fields}}}, {{"id": "SUP"}}]}}"#
    )
}

fn list(problems: &[risk_core::Problem]) -> Vec<(ErrorCode, &str)> {
    problems.iter().map(|p| (p.code, p.path.as_str())).collect()
}

/// The problems a document is rejected with, from whichever stage rejects it; and checks that
/// `rate_json` reports the same first problem as an [`Error::Input`].
fn rejection(text: &str) -> InputError {
    let err = match parse_portfolio(text) {
        Err(e) => e,
        Ok(doc) => match validate(&doc, &Methodology::default()) {
            Err(e) => e,
            Ok(_) => panic!("document was accepted:\n{text}"),
        },
    };
    match rate_json(text, &Methodology::default()) {
        Err(Error::Input(e2)) => assert_eq!(e2, err, "rate_json reports the same problems"),
        other => panic!("rate_json: expected an input error, got {other:?}"),
    }
    for p in err.problems() {
        assert!(!p.message.is_empty(), "every problem has a message: {p:?}");
    }
    err
}

/// The document is rejected with exactly one problem: `code` at `path`.
#[track_caller]
fn assert_rejected(text: &str, code: ErrorCode, path: &str) {
    let err = rejection(text);
    assert_eq!(list(err.problems()), [(code, path)], "document:\n{text}");
    assert_eq!(err.omitted(), 0);
    // The `Error` wrapper exposes the same code and path.
    let e = Error::Input(err);
    assert_eq!(e.code(), code.as_str());
    assert_eq!(e.path(), path);
}

/// The document is accepted and rates.
#[track_caller]
fn assert_accepted(text: &str) -> Portfolio {
    let doc = parse_portfolio(text).unwrap_or_else(|e| panic!("rejected: {e}\n{text}"));
    rate(&doc, &Methodology::default()).unwrap_or_else(|e| panic!("rejected: {e}\n{text}"));
    doc
}

/// Set a value at a path of (key or index) steps in a JSON value.
fn set(doc: &mut Value, steps: &[Step], v: Value) {
    *at(doc, steps) = v;
}

fn remove(doc: &mut Value, steps: &[Step]) {
    let (last, parent) = steps.split_last().unwrap();
    match last {
        Step::K(k) => {
            at(doc, parent).as_object_mut().unwrap().remove(*k).unwrap();
        }
        Step::I(_) => panic!("remove a key, not an index"),
    }
}

#[derive(Clone, Copy)]
enum Step {
    K(&'static str),
    I(usize),
}
use Step::{I, K};

fn at<'a>(doc: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    let mut v = doc;
    for s in steps {
        v = match s {
            K(k) => v.get_mut(*k).unwrap(),
            I(i) => v.get_mut(*i).unwrap(),
        };
    }
    v
}

const ORG0: [Step; 2] = [K("organisations"), I(0)];

fn steps(prefix: &[Step], rest: &[Step]) -> Vec<Step> {
    prefix.iter().chain(rest).copied().collect()
}

// ---------------------------------------------------------------------------------------------
// The full document is valid (so every mutation below tests one thing)

#[test]
fn full_document_is_valid() {
    let doc = assert_accepted(&full_doc().to_string());
    assert_eq!(doc.organisations.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Malformed JSON

#[test]
fn malformed_json() {
    // Nothing at all, or not JSON.
    assert_rejected("", ErrorCode::MalformedJson, "");
    assert_rejected("   ", ErrorCode::MalformedJson, "");
    assert_rejected("hello", ErrorCode::MalformedJson, "");
    // A syntax error inside an organisation is located at that organisation.
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",}]}"#,
        ErrorCode::MalformedJson,
        "organisations[0]",
    );
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A" "name": "x"}]}"#,
        ErrorCode::MalformedJson,
        "organisations[0]",
    );
    // Truncated.
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A""#,
        ErrorCode::MalformedJson,
        "organisations[0]",
    );
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": ["#,
        ErrorCode::MalformedJson,
        "organisations",
    );
    // Trailing characters after the document.
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": []} x"#,
        ErrorCode::MalformedJson,
        "",
    );
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": []}{}"#,
        ErrorCode::MalformedJson,
        "",
    );
    // JSON has no NaN, comments or single quotes.
    assert_rejected(
        &with_org(
            r#""findings": [{"id": "F", "kind": "tls", "epss": NaN, "first_seen": "2025-01-01"}]"#,
        ),
        ErrorCode::MalformedJson,
        "organisations[0].findings[0].epss",
    );
    assert_rejected(
        r#"{"as_of": "2025-09-30", /* c */ "organisations": []}"#,
        ErrorCode::MalformedJson,
        "",
    );
    assert_rejected(
        r#"{'as_of': '2025-09-30', 'organisations': []}"#,
        ErrorCode::MalformedJson,
        "",
    );
}

// ---------------------------------------------------------------------------------------------
// A value of the wrong JSON type

#[test]
fn wrong_type() {
    // The document is not an object (an array of the fields in order is not accepted either).
    assert_rejected("[]", ErrorCode::WrongType, "");
    assert_rejected(r#"["2025-09-30", []]"#, ErrorCode::WrongType, "");
    assert_rejected("42", ErrorCode::WrongType, "");
    assert_rejected("null", ErrorCode::WrongType, "");
    assert_rejected(r#""2025-09-30""#, ErrorCode::WrongType, "");

    let cases: Vec<(Vec<Step>, Value, &str)> = vec![
        (vec![K("as_of")], json!(20250930), "as_of"),
        (vec![K("organisations")], json!({}), "organisations"),
        (vec![K("organisations")], json!(null), "organisations"),
        (ORG0.to_vec(), json!("RBS"), "organisations[0]"),
        // An organisation as an array of its fields in declaration order.
        (ORG0.to_vec(), json!(["RBS"]), "organisations[0]"),
        (steps(&ORG0, &[K("id")]), json!(7), "organisations[0].id"),
        (steps(&ORG0, &[K("id")]), json!(null), "organisations[0].id"),
        (
            steps(&ORG0, &[K("name")]),
            json!(3),
            "organisations[0].name",
        ),
        (
            steps(&ORG0, &[K("peer_group")]),
            json!(["acute"]),
            "organisations[0].peer_group",
        ),
        (
            steps(&ORG0, &[K("assessments")]),
            json!({}),
            "organisations[0].assessments",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0)]),
            json!(["B4.d", "achieved", "self_assessed", "2025-01-01"]),
            "organisations[0].assessments[0]",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assessed_on")]),
            json!(true),
            "organisations[0].assessments[0].assessed_on",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("outcome")]),
            json!(1),
            "organisations[0].assessments[0].outcome",
        ),
        // An enumeration given as another JSON type is a type error, not malformed JSON.
        (
            steps(&ORG0, &[K("assessments"), I(0), K("outcome")]),
            json!(null),
            "organisations[0].assessments[0].outcome",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assurance")]),
            json!(["independent_audit"]),
            "organisations[0].assessments[0].assurance",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("kind")]),
            json!(false),
            "organisations[0].findings[0].kind",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("asset_criticality")]),
            json!(2.0),
            "organisations[0].findings[0].asset_criticality",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("criticality")]),
            json!(4),
            "organisations[0].dependencies[0].criticality",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("access")]),
            json!({"network": null}),
            "organisations[0].dependencies[0].access",
        ),
        (
            steps(&ORG0, &[K("attestation"), K("dspt_status")]),
            json!(1),
            "organisations[0].attestation.dspt_status",
        ),
    ];
    assert_wrong_types(cases);
}

/// Counts, flags, probabilities, scores, text and lists given as another JSON type.
#[test]
fn wrong_type_of_a_value() {
    let cases: Vec<(Vec<Step>, Value, &str)> = vec![
        (
            steps(&ORG0, &[K("metrics"), I(0), K("successes")]),
            json!("4210"),
            "organisations[0].metrics[0].successes",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("trials")]),
            json!(true),
            "organisations[0].metrics[0].trials",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("metric")]),
            json!(null),
            "organisations[0].metrics[0].metric",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("kev")]),
            json!("yes"),
            "organisations[0].findings[0].kev",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("internet_facing")]),
            json!(1),
            "organisations[0].findings[0].internet_facing",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("epss")]),
            json!("0.94"),
            "organisations[0].findings[0].epss",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("cvss_score")]),
            json!([9.8]),
            "organisations[0].findings[0].cvss_score",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("cvss")]),
            json!({"version": "3.1"}),
            "organisations[0].findings[0].cvss",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("id")]),
            json!(17),
            "organisations[0].findings[0].id",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("first_seen")]),
            json!(20250801),
            "organisations[0].findings[0].first_seen",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0)]),
            json!(["SUP-PATH", "critical", "network"]),
            "organisations[0].dependencies[0]",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("supplier")]),
            json!(["SUP-PATH"]),
            "organisations[0].dependencies[0].supplier",
        ),
        (
            steps(&ORG0, &[K("attestation")]),
            json!([]),
            "organisations[0].attestation",
        ),
        (
            steps(&ORG0, &[K("attestation")]),
            json!(true),
            "organisations[0].attestation",
        ),
        (
            steps(&ORG0, &[K("attestation"), K("cyber_essentials_plus")]),
            json!("true"),
            "organisations[0].attestation.cyber_essentials_plus",
        ),
        (
            steps(&ORG0, &[K("attestation"), K("incident_probability")]),
            json!("0.1"),
            "organisations[0].attestation.incident_probability",
        ),
    ];
    assert_wrong_types(cases);
}

/// Each document (the full document with one value replaced) is rejected with `wrong_type` at
/// the path given.
fn assert_wrong_types(cases: Vec<(Vec<Step>, Value, &str)>) {
    for (at_steps, value, path) in cases {
        let mut doc = full_doc();
        set(&mut doc, &at_steps, value);
        assert_rejected(&doc.to_string(), ErrorCode::WrongType, path);
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown fields, at every depth

#[test]
fn unknown_field_at_every_depth() {
    let cases: Vec<(Vec<Step>, &str)> = vec![
        (vec![], "colour"),
        (ORG0.to_vec(), "organisations[0].colour"),
        (
            steps(&ORG0, &[K("assessments"), I(0)]),
            "organisations[0].assessments[0].colour",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0)]),
            "organisations[0].metrics[0].colour",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0)]),
            "organisations[0].findings[0].colour",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0)]),
            "organisations[0].dependencies[0].colour",
        ),
        (
            steps(&ORG0, &[K("attestation")]),
            "organisations[0].attestation.colour",
        ),
        (
            vec![K("organisations"), I(1), K("attestation")],
            "organisations[1].attestation.colour",
        ),
    ];
    for (obj, path) in cases {
        let mut doc = full_doc();
        at(&mut doc, &obj)
            .as_object_mut()
            .unwrap()
            .insert("colour".into(), json!("blue"));
        assert_rejected(&doc.to_string(), ErrorCode::UnknownField, path);
    }
    // Field names are case-sensitive and exact: `As_of` and `organisation` are unknown.
    assert_rejected(
        r#"{"As_of": "2025-09-30", "organisations": []}"#,
        ErrorCode::UnknownField,
        "As_of",
    );
    assert_rejected(
        &with_org(
            r#""dependencies": [{"supplier": "SUP", "criticality": "low", "access": "data", "sla": 3}]"#,
        ),
        ErrorCode::UnknownField,
        "organisations[0].dependencies[0].sla",
    );
    // Even a null-valued unknown field is unknown.
    assert_rejected(
        &with_org(r#""notes": null"#),
        ErrorCode::UnknownField,
        "organisations[0].notes",
    );
}

// ---------------------------------------------------------------------------------------------
// Missing required fields: each one

#[test]
fn missing_each_required_field() {
    let cases: Vec<(Vec<Step>, &str)> = vec![
        (vec![K("as_of")], "as_of"),
        (vec![K("organisations")], "organisations"),
        (steps(&ORG0, &[K("id")]), "organisations[0].id"),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("control")]),
            "organisations[0].assessments[0].control",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("outcome")]),
            "organisations[0].assessments[0].outcome",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assurance")]),
            "organisations[0].assessments[0].assurance",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assessed_on")]),
            "organisations[0].assessments[0].assessed_on",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("metric")]),
            "organisations[0].metrics[0].metric",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("successes")]),
            "organisations[0].metrics[0].successes",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("trials")]),
            "organisations[0].metrics[0].trials",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("observed_on")]),
            "organisations[0].metrics[0].observed_on",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("id")]),
            "organisations[0].findings[0].id",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("kind")]),
            "organisations[0].findings[0].kind",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("first_seen")]),
            "organisations[0].findings[0].first_seen",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("supplier")]),
            "organisations[0].dependencies[0].supplier",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("criticality")]),
            "organisations[0].dependencies[0].criticality",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("access")]),
            "organisations[0].dependencies[0].access",
        ),
        (
            vec![K("organisations"), I(1), K("id")],
            "organisations[1].id",
        ),
    ];
    assert_eq!(cases.len(), 18, "every required field of section 1");
    for (field, path) in cases {
        let mut doc = full_doc();
        remove(&mut doc, &field);
        assert_rejected(&doc.to_string(), ErrorCode::MissingField, path);
    }
}

#[test]
fn optional_fields_may_be_absent() {
    // Every optional field left out: the defaults of section 1.
    let doc = assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A",
             "assessments": [{"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}],
             "metrics": [{"metric": "edr_coverage", "successes": 1, "trials": 2, "observed_on": "2025-01-01"}],
             "findings": [{"id": "F", "kind": "tls", "first_seen": "2025-01-01"}],
             "dependencies": [{"supplier": "B", "criticality": "low", "access": "none"}]},
            {"id": "B", "attestation": {}}]}"#,
    );
    let a = &doc.organisations[0];
    assert_eq!(a.peer_group, "unassigned");
    assert_eq!(a.name, None);
    assert_eq!(a.attestation, None);
    assert_eq!(a.assessments[0].source, None);
    let f = &a.findings[0];
    assert!(!f.kev && !f.internet_facing);
    assert_eq!(f.asset_criticality, risk_core::AssetCriticality::Medium);
    assert_eq!(
        (
            f.cve.as_ref(),
            f.cvss.as_ref(),
            f.cvss_score,
            f.epss,
            f.resolved_on
        ),
        (None, None, None, None, None)
    );
    let att = doc.organisations[1].attestation.as_ref().unwrap();
    assert_eq!(att.dspt_status, risk_core::DsptStatus::NotPublished);
    assert!(!att.cyber_essentials_plus);
    assert_eq!(att.incident_probability, None);
    // `organisations` may be empty.
    assert_accepted(r#"{"as_of": "2025-09-30", "organisations": []}"#);
}

#[test]
fn null_for_an_optional_field_means_absent() {
    let with_nulls = assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A", "name": null, "peer_group": null, "attestation": null,
             "assessments": [{"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed",
                              "assessed_on": "2025-01-01", "source": null}],
             "metrics": null,
             "findings": [{"id": "F", "kind": "tls", "cve": null, "cvss": null, "cvss_score": null,
                           "epss": null, "kev": null, "internet_facing": null,
                           "asset_criticality": null, "first_seen": "2025-01-01", "resolved_on": null}],
             "dependencies": null},
            {"id": "B", "assessments": null, "findings": null,
             "attestation": {"dspt_status": null, "cyber_essentials_plus": null, "incident_probability": null}}]}"#,
    );
    let without = assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A",
             "assessments": [{"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed",
                              "assessed_on": "2025-01-01"}],
             "findings": [{"id": "F", "kind": "tls", "first_seen": "2025-01-01"}]},
            {"id": "B", "attestation": {}}]}"#,
    );
    assert_eq!(with_nulls, without);
    let m = Methodology::default();
    assert_eq!(rate(&with_nulls, &m).unwrap(), rate(&without, &m).unwrap());
}

// ---------------------------------------------------------------------------------------------
// Unknown enumeration values

#[test]
fn unknown_enumeration_values() {
    let cases: Vec<(Vec<Step>, &str)> = vec![
        (
            steps(&ORG0, &[K("assessments"), I(0), K("outcome")]),
            "organisations[0].assessments[0].outcome",
        ),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assurance")]),
            "organisations[0].assessments[0].assurance",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("kind")]),
            "organisations[0].findings[0].kind",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("asset_criticality")]),
            "organisations[0].findings[0].asset_criticality",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("criticality")]),
            "organisations[0].dependencies[0].criticality",
        ),
        (
            steps(&ORG0, &[K("dependencies"), I(0), K("access")]),
            "organisations[0].dependencies[0].access",
        ),
        (
            steps(&ORG0, &[K("attestation"), K("dspt_status")]),
            "organisations[0].attestation.dspt_status",
        ),
    ];
    for (field, path) in cases {
        let original = at(&mut full_doc(), &field).as_str().unwrap().to_owned();
        // An invented value, a value of another enumeration, a wrong case, and the empty string.
        for bad in [
            "bogus".to_owned(),
            "standards_unknown".to_owned(),
            original.to_uppercase(),
            format!(" {original}"),
            String::new(),
        ] {
            let mut doc = full_doc();
            set(&mut doc, &field, json!(bad));
            assert_rejected(&doc.to_string(), ErrorCode::UnknownValue, path);
        }
    }
}

#[test]
fn every_enumeration_value_is_accepted() {
    for (field, values) in [
        (
            "outcome",
            &[
                "not_achieved",
                "partially_achieved",
                "achieved",
                "not_applicable",
            ][..],
        ),
        (
            "assurance",
            &["self_assessed", "peer_reviewed", "independent_audit"][..],
        ),
    ] {
        for v in values {
            let mut a = json!({"control": "B2.a", "outcome": "achieved",
                               "assurance": "self_assessed", "assessed_on": "2025-01-01"});
            a[field] = json!(v);
            assert_accepted(&with_org(&format!(r#""assessments": [{a}]"#)));
        }
    }
    for kind in [
        "vulnerability",
        "misconfiguration",
        "tls",
        "exposed_service",
        "email_security",
        "malware_infection",
        "credential_leak",
    ] {
        for crit in ["low", "medium", "high", "clinical"] {
            assert_accepted(&with_org(&format!(
                r#""findings": [{{"id": "F", "kind": "{kind}", "asset_criticality": "{crit}", "first_seen": "2025-01-01"}}]"#
            )));
        }
    }
    for crit in ["critical", "high", "medium", "low"] {
        for access in ["none", "data", "network", "admin"] {
            assert_accepted(&with_org(&format!(
                r#""dependencies": [{{"supplier": "SUP", "criticality": "{crit}", "access": "{access}"}}]"#
            )));
        }
    }
    for s in [
        "standards_exceeded",
        "standards_met",
        "approaching_standards",
        "not_published",
    ] {
        assert_accepted(&with_org(&format!(
            r#""attestation": {{"dspt_status": "{s}"}}"#
        )));
    }
}

// ---------------------------------------------------------------------------------------------
// Organisation ids, findings ids, dependencies

#[test]
fn empty_organisation_id() {
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}, {"id": ""}]}"#,
        ErrorCode::EmptyId,
        "organisations[1].id",
    );
    // Two empty ids are two problems, not an empty id and a duplicate.
    let err = rejection(r#"{"as_of": "2025-09-30", "organisations": [{"id": ""}, {"id": ""}]}"#);
    assert_eq!(
        list(err.problems()),
        [
            (ErrorCode::EmptyId, "organisations[0].id"),
            (ErrorCode::EmptyId, "organisations[1].id"),
        ]
    );
    // A blank id is not empty.
    assert_accepted(r#"{"as_of": "2025-09-30", "organisations": [{"id": " "}]}"#);
}

#[test]
fn duplicate_organisation_id() {
    assert_rejected(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}, {"id": "B"}, {"id": "A"}]}"#,
        ErrorCode::DuplicateOrganisation,
        "organisations[2].id",
    );
    let err = rejection(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}, {"id": "A"}, {"id": "A"}]}"#,
    );
    assert_eq!(
        list(err.problems()),
        [
            (ErrorCode::DuplicateOrganisation, "organisations[1].id"),
            (ErrorCode::DuplicateOrganisation, "organisations[2].id"),
        ]
    );
    // Ids are compared exactly: case and Unicode normalisation matter.
    assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "a"}, {"id": "A"}, {"id": "é"}, {"id": "e\u0301"}]}"#,
    );
}

#[test]
fn duplicate_finding_id_in_one_organisation() {
    assert_rejected(
        &with_org(
            r#""findings": [{"id": "F-1", "kind": "tls", "first_seen": "2025-01-01"},
                            {"id": "F-2", "kind": "tls", "first_seen": "2025-01-01"},
                            {"id": "F-1", "kind": "vulnerability", "first_seen": "2025-02-01"}]"#,
        ),
        ErrorCode::DuplicateFinding,
        "organisations[0].findings[2].id",
    );
    // The same finding id in two organisations is fine.
    assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A", "findings": [{"id": "F-1", "kind": "tls", "first_seen": "2025-01-01"}]},
            {"id": "B", "findings": [{"id": "F-1", "kind": "tls", "first_seen": "2025-01-01"}]}]}"#,
    );
}

#[test]
fn dependency_on_an_unknown_organisation() {
    assert_rejected(
        &with_org(
            r#""dependencies": [{"supplier": "SUP", "criticality": "low", "access": "data"}, {"supplier": "NOPE", "criticality": "low", "access": "data"}]"#,
        ),
        ErrorCode::UnknownSupplier,
        "organisations[0].dependencies[1].supplier",
    );
    // Case matters; an empty supplier id names no organisation.
    assert_rejected(
        &with_org(
            r#""dependencies": [{"supplier": "sup", "criticality": "low", "access": "data"}]"#,
        ),
        ErrorCode::UnknownSupplier,
        "organisations[0].dependencies[0].supplier",
    );
    assert_rejected(
        &with_org(r#""dependencies": [{"supplier": "", "criticality": "low", "access": "data"}]"#),
        ErrorCode::UnknownSupplier,
        "organisations[0].dependencies[0].supplier",
    );
    // A supplier listed later in the document is known.
    assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A", "dependencies": [{"supplier": "Z", "criticality": "low", "access": "data"}]},
            {"id": "Z"}]}"#,
    );
}

#[test]
fn organisation_depending_on_itself() {
    assert_rejected(
        &with_org(
            r#""dependencies": [{"supplier": "SUP", "criticality": "low", "access": "data"}, {"supplier": "A", "criticality": "critical", "access": "admin"}]"#,
        ),
        ErrorCode::SelfDependency,
        "organisations[0].dependencies[1].supplier",
    );
    // A two-organisation cycle is allowed.
    assert_accepted(
        r#"{"as_of": "2025-09-30", "organisations": [
            {"id": "A", "dependencies": [{"supplier": "B", "criticality": "critical", "access": "admin"}]},
            {"id": "B", "dependencies": [{"supplier": "A", "criticality": "critical", "access": "admin"}]}]}"#,
    );
}

#[test]
fn same_supplier_twice_in_one_organisation() {
    assert_rejected(
        &with_org(
            r#""dependencies": [{"supplier": "SUP", "criticality": "low", "access": "data"},
                                {"supplier": "SUP", "criticality": "critical", "access": "admin"}]"#,
        ),
        ErrorCode::DuplicateDependency,
        "organisations[0].dependencies[1].supplier",
    );
}

// ---------------------------------------------------------------------------------------------
// Controls and metrics

fn assessment(control: &str) -> String {
    with_org(&format!(
        r#""assessments": [{{"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}},
                           {{"control": {}, "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}}]"#,
        json!(control)
    ))
}

#[test]
fn control_id_not_of_the_section_2_form() {
    for bad in [
        "", "b4.d", "B4.D", "B4d", "B4-d", "B44.d", "BB.d", "4B.d", "B4.", ".d", "B4.dd", " B4.d",
        "B4.d ", "B4.1", "Б4.d", "B４.d", "B4.d.e",
    ] {
        assert_rejected(
            &assessment(bad),
            ErrorCode::InvalidControl,
            "organisations[0].assessments[1].control",
        );
    }
}

#[test]
fn control_whose_principle_is_not_mapped() {
    for unmapped in [
        "F1.a", "Z9.z", "A5.a", "A0.a", "B7.a", "C3.a", "D3.a", "E0.a",
    ] {
        assert_rejected(
            &assessment(unmapped),
            ErrorCode::UnmappedControl,
            "organisations[0].assessments[1].control",
        );
    }
    // Mapped principles accept any outcome letter (CAF v3.2 and v4.0 letters alike).
    for mapped in [
        "A1.a", "A2.z", "B4.d", "B4.a", "C1.f", "D2.b", "E1.a", "E9.z",
    ] {
        assert_accepted(&assessment(mapped));
    }
}

#[test]
fn unknown_metric() {
    for bad in [
        "mfa",
        "MFA_COVERAGE",
        "mfa_coverage ",
        "",
        "external-assets-clean",
    ] {
        assert_rejected(
            &with_org(&format!(
                r#""metrics": [{{"metric": {}, "successes": 1, "trials": 2, "observed_on": "2025-01-01"}}]"#,
                json!(bad)
            )),
            ErrorCode::UnknownMetric,
            "organisations[0].metrics[0].metric",
        );
    }
    for good in [
        "mfa_coverage",
        "privileged_access_reviewed",
        "edr_coverage",
        "log_source_coverage",
        "patch_sla_compliance",
        "backup_restore_success",
        "phishing_resilience",
        "training_completion",
        "iomt_segmentation",
        "asset_inventory_coverage",
        "external_assets_clean",
    ] {
        assert_accepted(&with_org(&format!(
            r#""metrics": [{{"metric": "{good}", "successes": 1, "trials": 2, "observed_on": "2025-01-01"}}]"#
        )));
    }
}

// ---------------------------------------------------------------------------------------------
// Counts

fn metric(successes: &str, trials: &str) -> String {
    with_org(&format!(
        r#""metrics": [{{"metric": "mfa_coverage", "successes": {successes}, "trials": {trials}, "observed_on": "2025-01-01"}}]"#
    ))
}

const SUCCESSES: &str = "organisations[0].metrics[0].successes";
const TRIALS: &str = "organisations[0].metrics[0].trials";

#[test]
fn counts_must_be_whole_numbers() {
    // A fraction, a whole number written with a fraction or an exponent, a negative number.
    for (s, t, path) in [
        ("1.5", "3", SUCCESSES),
        ("1.0", "3", SUCCESSES),
        ("1", "1e3", TRIALS),
        ("1", "1E3", TRIALS),
        ("1", "10e0", TRIALS),
        ("-1", "3", SUCCESSES),
        ("1", "-3", TRIALS),
        // `-0` reaches the engine as the float -0.0, indistinguishable from `-0.0`; both are
        // rejected rather than accepting a fraction form.
        ("-0", "3", SUCCESSES),
        ("1", "0.5", TRIALS),
    ] {
        assert_rejected(&metric(s, t), ErrorCode::InvalidCount, path);
    }
}

#[test]
fn counts_must_be_at_most_2_pow_53() {
    // 2^53 itself is accepted.
    assert_accepted(&metric("9007199254740992", "9007199254740992"));
    assert_accepted(&metric("0", "9007199254740992"));
    // 2^53 + 1 is not, in either field.
    assert_rejected(
        &metric("1", "9007199254740993"),
        ErrorCode::InvalidCount,
        TRIALS,
    );
    let err = rejection(&metric("9007199254740993", "9007199254740993"));
    assert_eq!(
        list(err.problems()),
        [
            (ErrorCode::InvalidCount, SUCCESSES),
            (ErrorCode::InvalidCount, TRIALS)
        ]
    );
    // Beyond u64: still a count problem, not a crash or a wrapped value.
    assert_rejected(
        &metric("1", "18446744073709551616"),
        ErrorCode::InvalidCount,
        TRIALS,
    );
    assert_rejected(
        &metric("1", "123456789012345678901234567890"),
        ErrorCode::InvalidCount,
        TRIALS,
    );
}

#[test]
fn trials_at_least_one() {
    assert_rejected(&metric("0", "0"), ErrorCode::InvalidTrials, TRIALS);
    assert_accepted(&metric("0", "1"));
    assert_accepted(&metric("1", "1"));
}

#[test]
fn successes_not_above_trials() {
    assert_rejected(
        &metric("5", "4"),
        ErrorCode::SuccessesExceedTrials,
        SUCCESSES,
    );
    assert_rejected(
        &metric("9007199254740992", "9007199254740991"),
        ErrorCode::SuccessesExceedTrials,
        SUCCESSES,
    );
    assert_accepted(&metric("4", "4"));
}

// ---------------------------------------------------------------------------------------------
// Probabilities and scores

fn finding(extra: &str) -> String {
    with_org(&format!(
        r#""findings": [{{"id": "F", "kind": "vulnerability", "first_seen": "2025-01-01"{extra}}}]"#
    ))
}

#[test]
fn epss_outside_0_1() {
    for bad in ["-0.01", "1.0000001", "2", "-1e-300", "1e10"] {
        assert_rejected(
            &finding(&format!(r#", "epss": {bad}"#)),
            ErrorCode::InvalidProbability,
            "organisations[0].findings[0].epss",
        );
    }
    for good in ["0", "0.0", "1", "1.0", "5e-324", "0.5"] {
        assert_accepted(&finding(&format!(r#", "epss": {good}"#)));
    }
    // A number JSON can write but f64 cannot hold is not a finite probability (section 1).
    assert_rejected(
        &finding(r#", "epss": 1e400"#),
        ErrorCode::InvalidProbability,
        "organisations[0].findings[0].epss",
    );
}

#[test]
fn incident_probability_outside_0_1() {
    for bad in ["-0.1", "1.5", "100"] {
        assert_rejected(
            &with_org(&format!(
                r#""attestation": {{"incident_probability": {bad}}}"#
            )),
            ErrorCode::InvalidProbability,
            "organisations[0].attestation.incident_probability",
        );
    }
    for good in ["0", "1", "0.042"] {
        assert_accepted(&with_org(&format!(
            r#""attestation": {{"incident_probability": {good}}}"#
        )));
    }
}

#[test]
fn probabilities_and_scores_not_finite() {
    // JSON cannot carry NaN or infinity, but a portfolio built in Rust can.
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut doc = parse_portfolio(&full_doc().to_string()).unwrap();
        doc.organisations[0].findings[0].epss = Some(bad);
        doc.organisations[0].findings[0].cvss_score = Some(bad);
        doc.organisations[1]
            .attestation
            .as_mut()
            .unwrap()
            .incident_probability = Some(bad);
        let err = validate(&doc, &Methodology::default()).unwrap_err();
        assert_eq!(
            list(err.problems()),
            [
                (
                    ErrorCode::InvalidProbability,
                    "organisations[0].findings[0].epss"
                ),
                (
                    ErrorCode::InvalidCvssScore,
                    "organisations[0].findings[0].cvss_score"
                ),
                (
                    ErrorCode::InvalidProbability,
                    "organisations[1].attestation.incident_probability"
                ),
            ]
        );
        assert!(matches!(
            rate(&doc, &Methodology::default()),
            Err(Error::Input(_))
        ));
    }
}

#[test]
fn cvss_score_outside_0_10() {
    for bad in ["-0.1", "10.01", "11", "100"] {
        assert_rejected(
            &finding(&format!(r#", "cvss_score": {bad}"#)),
            ErrorCode::InvalidCvssScore,
            "organisations[0].findings[0].cvss_score",
        );
    }
    for good in ["0", "10", "10.0", "7.5"] {
        assert_accepted(&finding(&format!(r#", "cvss_score": {good}"#)));
    }
}

// ---------------------------------------------------------------------------------------------
// CVSS vectors

const V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

#[test]
fn invalid_cvss_vectors() {
    let cases = [
        // Unknown prefix or version.
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:3/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        // An unknown metric, or an unknown value.
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
        "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Z",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:A",
        // v3 metrics in a v4 vector and the reverse.
        "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        // A missing base metric.
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
        "CVSS:3.1",
        "CVSS:3.1/",
        // A repeated base metric (even with the same value).
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/SA:N",
        // Case-sensitive: lower-case prefix, metric or value.
        "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/vc:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        // Malformed components.
        "",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
        "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV=N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ",
        " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ];
    for bad in cases {
        assert_rejected(
            &finding(&format!(r#", "cvss": {}"#, json!(bad))),
            ErrorCode::InvalidCvss,
            "organisations[0].findings[0].cvss",
        );
    }
}

#[test]
fn valid_cvss_vectors_with_ignored_metrics() {
    for good in [
        V31.to_owned(),
        V31.replace("3.1", "3.0"),
        V40.to_owned(),
        // Base metrics in another order.
        "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N".to_owned(),
        // v3.x temporal and environmental metrics are allowed (and ignored).
        format!("{V31}/E:U/RL:O/RC:U/CR:L/IR:H/AR:M/MAV:P/MAC:H/MPR:H/MUI:R/MS:C/MC:L/MI:L/MA:L"),
        // v4.0 threat, environmental and supplemental metrics are allowed (and ignored).
        format!("{V40}/E:U/CR:H/IR:L/AR:M/MAV:L/S:P/AU:Y/R:U/V:C/RE:H/U:Red"),
    ] {
        assert_accepted(&finding(&format!(r#", "cvss": {}"#, json!(good))));
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

#[test]
fn resolved_before_first_seen() {
    assert_rejected(
        &finding(r#", "resolved_on": "2024-12-31""#),
        ErrorCode::ResolvedBeforeFirstSeen,
        "organisations[0].findings[0].resolved_on",
    );
    // Resolved the day it was seen is fine.
    assert_accepted(&finding(r#", "resolved_on": "2025-01-01""#));
}

#[test]
fn invalid_dates_in_every_date_field() {
    let fields: Vec<(Vec<Step>, &str)> = vec![
        (vec![K("as_of")], "as_of"),
        (
            steps(&ORG0, &[K("assessments"), I(0), K("assessed_on")]),
            "organisations[0].assessments[0].assessed_on",
        ),
        (
            steps(&ORG0, &[K("metrics"), I(0), K("observed_on")]),
            "organisations[0].metrics[0].observed_on",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("first_seen")]),
            "organisations[0].findings[0].first_seen",
        ),
        (
            steps(&ORG0, &[K("findings"), I(0), K("resolved_on")]),
            "organisations[0].findings[0].resolved_on",
        ),
    ];
    for (field, path) in fields {
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "0000-01-01",
            "2025-9-1",
            "2025-09-31",
            "2025-00-10",
            "2025-01-00",
            "1900-02-29",
            "+2025-01-01",
            "2025/01/01",
            "2025-01-01T00:00:00Z",
            "20250101",
            "10000-01-01",
            " 2025-01-01",
            "",
        ] {
            let mut doc = full_doc();
            set(&mut doc, &field, json!(bad));
            assert_rejected(&doc.to_string(), ErrorCode::InvalidDate, path);
        }
    }
}

#[test]
fn valid_date_range() {
    // The whole range 0001-01-01 … 9999-12-31 and leap days are accepted.
    assert_accepted(r#"{"as_of": "0001-01-01", "organisations": []}"#);
    assert_accepted(r#"{"as_of": "9999-12-31", "organisations": []}"#);
    assert_accepted(r#"{"as_of": "2024-02-29", "organisations": []}"#);
    assert_accepted(r#"{"as_of": "2000-02-29", "organisations": []}"#);
    assert_accepted(
        r#"{"as_of": "9999-12-31", "organisations": [{"id": "A",
            "findings": [{"id": "F", "kind": "tls", "first_seen": "0001-01-01", "resolved_on": "9999-12-31"}]}]}"#,
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys

#[test]
fn duplicate_keys_in_one_object() {
    let cases = [
        (
            r#"{"as_of": "2025-09-30", "as_of": "2025-09-30", "organisations": []}"#.to_owned(),
            "as_of",
        ),
        (
            r#"{"as_of": "2025-09-30", "organisations": [], "organisations": []}"#.to_owned(),
            "organisations",
        ),
        (with_org(r#""id": "B""#), "organisations[0].id"),
        (
            with_org(r#""name": "x", "name": "y""#),
            "organisations[0].name",
        ),
        (
            with_org(r#""findings": [], "findings": []"#),
            "organisations[0].findings",
        ),
        (
            with_org(
                r#""assessments": [{"control": "A1.a", "outcome": "achieved", "outcome": "not_achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}]"#,
            ),
            "organisations[0].assessments[0].outcome",
        ),
        (
            with_org(
                r#""metrics": [{"metric": "mfa_coverage", "successes": 1, "trials": 2, "trials": 3, "observed_on": "2025-01-01"}]"#,
            ),
            "organisations[0].metrics[0].trials",
        ),
        (
            finding(r#", "kev": true, "kev": true"#),
            "organisations[0].findings[0].kev",
        ),
        (
            finding(r#", "epss": null, "epss": 0.5"#),
            "organisations[0].findings[0].epss",
        ),
        (
            with_org(
                r#""dependencies": [{"supplier": "SUP", "supplier": "SUP", "criticality": "low", "access": "data"}]"#,
            ),
            "organisations[0].dependencies[0].supplier",
        ),
        (
            with_org(
                r#""attestation": {"cyber_essentials_plus": true, "cyber_essentials_plus": false}"#,
            ),
            "organisations[0].attestation.cyber_essentials_plus",
        ),
    ];
    for (text, path) in cases {
        assert_rejected(&text, ErrorCode::DuplicateKey, path);
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding

#[test]
fn byte_order_mark_is_accepted() {
    let text = full_doc().to_string();
    let plain = parse_portfolio(&text).unwrap();
    assert_eq!(parse_portfolio(&format!("\u{feff}{text}")).unwrap(), plain);
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    assert_eq!(parse_portfolio_bytes(&bytes).unwrap(), plain);
    assert_eq!(parse_portfolio_bytes(text.as_bytes()).unwrap(), plain);
    // Only one, and only at the start.
    assert_rejected(
        &format!("\u{feff}\u{feff}{text}"),
        ErrorCode::MalformedJson,
        "",
    );
    assert_rejected(
        r#"{"as_of": "2025-09-30",﻿ "organisations": []}"#,
        ErrorCode::MalformedJson,
        "",
    );
}

#[test]
fn invalid_utf8_bytes() {
    let text = full_doc().to_string();
    let (head, tail) = text.split_at(text.find("Pathology").unwrap());
    let inside = |bad: &[u8]| [head.as_bytes(), bad, tail.as_bytes()].concat();
    for bad in [
        // A lone continuation byte, Latin-1 "é", a surrogate, inside a string value.
        inside(&[0x80]),
        inside(&[0xE9]),
        inside(&[0xED, 0xA0, 0x80]),
        // An overlong encoding before the document, a truncated sequence after it.
        [&[0xC0, 0xAF][..], text.as_bytes()].concat(),
        [text.as_bytes(), &[0xE2, 0x82]].concat(),
    ] {
        assert!(std::str::from_utf8(&bad).is_err());
        let err = parse_portfolio_bytes(&bad).unwrap_err();
        assert_eq!(list(err.problems()), [(ErrorCode::InvalidEncoding, "")]);
    }
}

// ---------------------------------------------------------------------------------------------
// Items dated after as_of are validated too

#[test]
fn items_after_as_of_are_still_validated() {
    let err = rejection(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
            "assessments": [{"control": "Z9.z", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2030-01-01"}],
            "metrics": [{"metric": "mfa_coverage", "successes": 5, "trials": 4, "observed_on": "2030-01-01"},
                        {"metric": "no_such_metric", "successes": 1, "trials": 4, "observed_on": "2030-01-01"}],
            "findings": [{"id": "F", "kind": "tls", "cvss": "CVSS:9.9/AV:N", "epss": 2,
                          "first_seen": "2030-02-01", "resolved_on": "2030-01-01"},
                         {"id": "F", "kind": "tls", "first_seen": "2031-01-01"}]}]}"#,
    );
    assert_eq!(
        list(err.problems()),
        [
            (
                ErrorCode::UnmappedControl,
                "organisations[0].assessments[0].control"
            ),
            (
                ErrorCode::SuccessesExceedTrials,
                "organisations[0].metrics[0].successes"
            ),
            (
                ErrorCode::UnknownMetric,
                "organisations[0].metrics[1].metric"
            ),
            (
                ErrorCode::InvalidProbability,
                "organisations[0].findings[0].epss"
            ),
            (ErrorCode::InvalidCvss, "organisations[0].findings[0].cvss"),
            (
                ErrorCode::ResolvedBeforeFirstSeen,
                "organisations[0].findings[0].resolved_on"
            ),
            (
                ErrorCode::DuplicateFinding,
                "organisations[0].findings[1].id"
            ),
        ]
    );
    // And structurally: an invalid date after as_of is still an invalid date.
    assert_rejected(
        &with_org(
            r#""assessments": [{"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2030-02-30"}]"#,
        ),
        ErrorCode::InvalidDate,
        "organisations[0].assessments[0].assessed_on",
    );
}

// ---------------------------------------------------------------------------------------------
// Several problems at once, and the cap

#[test]
fn every_problem_of_a_document_is_reported_in_document_order() {
    let err = rejection(
        r#"{"as_of": "2025-09-30", "organisations": [
          {"id": "A",
           "assessments": [{"control": "b4.d", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"},
                           {"control": "F1.a", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}],
           "metrics": [{"metric": "mfa", "successes": 1, "trials": 0, "observed_on": "2025-01-01"}],
           "findings": [{"id": "F", "kind": "tls", "cvss_score": 11, "first_seen": "2025-01-01"},
                        {"id": "F", "kind": "tls", "cvss": "CVSS:3.1/AV:N", "first_seen": "2025-01-01"}],
           "dependencies": [{"supplier": "A", "criticality": "low", "access": "data"},
                            {"supplier": "Q", "criticality": "low", "access": "data"},
                            {"supplier": "B", "criticality": "low", "access": "data"},
                            {"supplier": "B", "criticality": "low", "access": "data"}]},
          {"id": "B", "attestation": {"incident_probability": 1.5}},
          {"id": ""},
          {"id": "A"}]}"#,
    );
    // The organisation id checks come first, then each organisation's problems in order.
    assert_eq!(
        list(err.problems()),
        [
            (ErrorCode::EmptyId, "organisations[2].id"),
            (ErrorCode::DuplicateOrganisation, "organisations[3].id"),
            (
                ErrorCode::InvalidControl,
                "organisations[0].assessments[0].control"
            ),
            (
                ErrorCode::UnmappedControl,
                "organisations[0].assessments[1].control"
            ),
            (
                ErrorCode::UnknownMetric,
                "organisations[0].metrics[0].metric"
            ),
            (
                ErrorCode::InvalidTrials,
                "organisations[0].metrics[0].trials"
            ),
            (
                ErrorCode::InvalidCvssScore,
                "organisations[0].findings[0].cvss_score"
            ),
            (
                ErrorCode::DuplicateFinding,
                "organisations[0].findings[1].id"
            ),
            (ErrorCode::InvalidCvss, "organisations[0].findings[1].cvss"),
            (
                ErrorCode::SelfDependency,
                "organisations[0].dependencies[0].supplier"
            ),
            (
                ErrorCode::UnknownSupplier,
                "organisations[0].dependencies[1].supplier"
            ),
            (
                ErrorCode::DuplicateDependency,
                "organisations[0].dependencies[3].supplier"
            ),
            (
                ErrorCode::InvalidProbability,
                "organisations[1].attestation.incident_probability"
            ),
        ]
    );
    assert_eq!(err.omitted(), 0);
    assert!(err.to_string().contains("and 12 more problems"), "{err}");
}

#[test]
fn problems_are_capped() {
    let n = MAX_PROBLEMS + 50;
    let metrics: Vec<Value> = (0..n)
        .map(
            |_| json!({"metric": "nope", "successes": 1, "trials": 2, "observed_on": "2025-01-01"}),
        )
        .collect();
    let doc = json!({"as_of": "2025-09-30", "organisations": [{"id": "A", "metrics": metrics}]});
    let err = rejection(&doc.to_string());
    assert_eq!(err.problems().len(), MAX_PROBLEMS);
    assert_eq!(err.omitted(), 50);
    for (i, p) in err.problems().iter().enumerate() {
        assert_eq!(p.code, ErrorCode::UnknownMetric);
        assert_eq!(p.path, format!("organisations[0].metrics[{i}].metric"));
    }
    assert!(
        err.to_string()
            .contains(&format!("and {} more problems", n - 1)),
        "{err}"
    );
    // Exactly at the cap, nothing is omitted.
    let metrics: Vec<Value> = (0..MAX_PROBLEMS)
        .map(
            |_| json!({"metric": "nope", "successes": 1, "trials": 2, "observed_on": "2025-01-01"}),
        )
        .collect();
    let doc = json!({"as_of": "2025-09-30", "organisations": [{"id": "A", "metrics": metrics}]});
    let err = rejection(&doc.to_string());
    assert_eq!((err.problems().len(), err.omitted()), (MAX_PROBLEMS, 0));
}

// ---------------------------------------------------------------------------------------------
// Nothing panics, and every path points into the document

/// Resolve a path such as `organisations[0].findings[1].cvss` in a JSON value.
fn resolve<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = doc;
    if path.is_empty() {
        return Some(v);
    }
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            v = v.get(key)?;
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            v = v.get(r[..end].parse::<usize>().ok()?)?;
            rest = &r[end + 1..];
        }
    }
    Some(v)
}

fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

/// Replacement values for the mutation property: every JSON type, edge numbers, near-miss
/// strings.
fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(Value::from),
        (-2.0f64..12.0).prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "A",
            "SUP-PATH",
            "RBS",
            "B4.d",
            "F1.a",
            "b4.d",
            "achieved",
            "independent_audit",
            "vulnerability",
            "clinical",
            "critical",
            "admin",
            "standards_met",
            "mfa_coverage",
            "2025-02-29",
            "2025-09-30",
            "2031-01-01",
            "0001-01-01",
            V31,
            V40,
            "CVSS:3.1/AV:N",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec!["id", "colour", "control", "trials", "supplier"])
                    .prop_map(str::to_owned),
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every location in a JSON value, as steps.
fn locations(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                here.push(Value::from(k.as_str()));
                locations(x, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                here.push(Value::from(i));
                locations(x, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn mutate(doc: &mut Value, loc: &[Value], action: u8, value: Value) {
    let mut v = doc;
    let (last, parent_steps) = match loc.split_last() {
        Some(x) => x,
        None => {
            *v = value;
            return;
        }
    };
    for s in parent_steps {
        v = match s {
            Value::String(k) => &mut v[k.as_str()],
            _ => &mut v[s.as_u64().unwrap() as usize],
        };
    }
    match (action % 3, last, v) {
        // Delete the field or element.
        (0, Value::String(k), Value::Object(m)) => {
            m.remove(k.as_str());
        }
        (0, Value::Number(i), Value::Array(a)) => {
            a.remove(i.as_u64().unwrap() as usize);
        }
        // Duplicate an element (ids collide).
        (1, Value::Number(i), Value::Array(a)) => {
            let x = a[i.as_u64().unwrap() as usize].clone();
            a.push(x);
        }
        // Replace the value.
        (_, Value::String(k), v) => v[k.as_str()] = value,
        (_, Value::Number(i), v) => v[i.as_u64().unwrap() as usize] = value,
        _ => unreachable!(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            ProptestConfig::default().cases
        } else {
            256
        },
        ..ProptestConfig::default()
    })]

    /// Replace, delete or duplicate any part of a valid document (one to three times): the
    /// engine answers with a rating or with typed problems whose paths point into the document,
    /// never a panic.
    #[test]
    fn mutated_documents_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), arb_value()), 1..4)
    ) {
        let mut doc = full_doc();
        for (pick, action, value) in edits {
            let mut locs = Vec::new();
            locations(&doc, &mut Vec::new(), &mut locs);
            let loc = pick.get(&locs).clone();
            mutate(&mut doc, &loc, action, value);
        }
        let text = doc.to_string();
        match rate_json(&text, &Methodology::default()) {
            Ok(out) => {
                // Accepted: a complete rating, one per organisation.
                let parsed = parse_portfolio(&text).unwrap();
                prop_assert_eq!(out.ratings.len(), parsed.organisations.len());
            }
            Err(Error::Input(err)) => {
                prop_assert!(!err.problems().is_empty());
                for p in err.problems() {
                    prop_assert!(!p.path.contains('?'), "{:?}", p);
                    let whole = resolve(&doc, &p.path);
                    match p.code {
                        // A missing field is named but absent; its object is present.
                        ErrorCode::MissingField => {
                            prop_assert!(whole.is_none(), "{:?}", p);
                            prop_assert!(resolve(&doc, parent(&p.path)).is_some(), "{:?}", p);
                        }
                        _ => prop_assert!(whole.is_some(), "{:?} in {}", p, text),
                    }
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    /// Arbitrary bytes, and valid documents cut or corrupted at a random byte, never panic.
    #[test]
    fn corrupted_bytes_never_panic(
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        noise in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let text = full_doc().to_string();
        let mut bytes = text.into_bytes();
        let i = cut.index(bytes.len());
        let mut corrupted = bytes.clone();
        corrupted[i] = byte;
        bytes.truncate(i);
        for b in [bytes, corrupted, noise] {
            if let Ok(doc) = parse_portfolio_bytes(&b) {
                let _ = rate(&doc, &Methodology::default());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resource limits (beyond section 1: the engine's configurable limits, typed and pathed too)

#[test]
fn resource_limits() {
    use risk_core::{Limits, parse_portfolio_with_limits, validate_with_limits};
    // Default limits: a string over 4096 bytes, wherever it is.
    let long = "x".repeat(4097);
    assert_rejected(
        &with_org(&format!(r#""name": "{long}""#)),
        ErrorCode::LimitExceeded,
        "organisations[0].name",
    );
    assert_rejected(
        &finding(&format!(r#", "cve": "{long}""#)),
        ErrorCode::LimitExceeded,
        "organisations[0].findings[0].cve",
    );
    assert_accepted(&with_org(&format!(r#""name": "{}""#, "x".repeat(4096))));

    let m = Methodology::default();
    let doc = parse_portfolio(&full_doc().to_string()).unwrap();
    let text = full_doc().to_string();
    let limited = |l: Limits| validate_with_limits(&doc, &m, &l).unwrap_err();
    let e = limited(Limits {
        max_organisations: 1,
        ..Limits::default()
    });
    assert_eq!(
        list(e.problems()),
        [(ErrorCode::LimitExceeded, "organisations")]
    );
    let e = limited(Limits {
        max_items_per_list: 0,
        ..Limits::default()
    });
    assert_eq!(
        list(e.problems()),
        [
            (ErrorCode::LimitExceeded, "organisations[0].assessments"),
            (ErrorCode::LimitExceeded, "organisations[0].metrics"),
            (ErrorCode::LimitExceeded, "organisations[0].findings"),
            (ErrorCode::LimitExceeded, "organisations[0].dependencies"),
        ]
    );
    let e = limited(Limits {
        max_dependency_edges: 0,
        ..Limits::default()
    });
    assert_eq!(
        list(e.problems()),
        [(ErrorCode::LimitExceeded, "organisations")]
    );
    let e = parse_portfolio_with_limits(
        &text,
        &Limits {
            max_document_bytes: text.len() - 1,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(list(e.problems()), [(ErrorCode::LimitExceeded, "")]);
    assert!(
        parse_portfolio_with_limits(
            &text,
            &Limits {
                max_document_bytes: text.len(),
                ..Limits::default()
            }
        )
        .is_ok()
    );
    assert!(validate_with_limits(&doc, &m, &Limits::unlimited()).is_ok());
}
