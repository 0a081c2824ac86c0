//! Ingest of OCSF and Nessus exports: the fixtures (validated by ocsf-emitter, see
//! tests/fixtures/ingest/make_fixtures.py) become exactly the hand-written evidence document, the
//! report counts every record, and hostile inputs are refused with typed errors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use risk_core::feeds::KevCatalog;
use risk_core::ingest::{
    Format, IngestErrorKind, IngestLimits, IngestOptions, Ingested, Ingester, SkipReason, Source,
    ingest,
};
use risk_core::{Methodology, parse_portfolio, rate};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/ingest")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn options() -> IngestOptions {
    let mut o =
        IngestOptions::from_json(std::str::from_utf8(&fixture("options.json")).unwrap()).unwrap();
    o.kev = Some(KevCatalog::from_bytes(&fixture("kev.json")).unwrap());
    o
}

fn ingest_fixtures() -> Ingested {
    let files = [
        "exports/ocsf-findings.jsonl",
        "exports/ocsf-inventory.json",
        "exports/ocsf-compliance.jsonl",
        "exports/scan.nessus",
    ];
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| fixture(f)).collect();
    let sources: Vec<Source<'_>> = files
        .iter()
        .zip(&bytes)
        .map(|(name, b)| Source {
            name,
            format: None,
            bytes: b,
        })
        .collect();
    ingest(&sources, options()).unwrap()
}

#[test]
fn fixtures_become_the_hand_written_document() {
    let got = ingest_fixtures();
    let expected =
        parse_portfolio(std::str::from_utf8(&fixture("expected.json")).unwrap()).unwrap();
    assert_eq!(got.portfolio, expected);
}

#[test]
fn round_trip_ingest_then_rate_equals_rating_the_hand_written_document() {
    let got = ingest_fixtures();
    let expected =
        parse_portfolio(std::str::from_utf8(&fixture("expected.json")).unwrap()).unwrap();
    let m = Methodology::default();
    let a = serde_json::to_string(&rate(&got.portfolio, &m).unwrap()).unwrap();
    let b = serde_json::to_string(&rate(&expected, &m).unwrap()).unwrap();
    assert_eq!(a, b);
    // And through the JSON document the example writes.
    let text = serde_json::to_string(&got.portfolio).unwrap();
    let c = serde_json::to_string(&rate(&parse_portfolio(&text).unwrap(), &m).unwrap()).unwrap();
    assert_eq!(a, c);
}

#[test]
fn the_report_counts_every_record_by_reason() {
    let r = ingest_fixtures().report;
    assert_eq!(r.records_read, 27);
    assert_eq!(r.records_used, 15);
    let skipped: BTreeMap<&str, u64> = r.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let want: BTreeMap<&str, u64> = [
        ("duplicate", 2),
        ("unattributable", 2),
        ("outside_window", 1),
        ("detection_finding", 1),
        ("invalid", 2),
        ("unsupported_class", 1),
        ("not_caf_control", 1),
        ("informational", 1),
        ("no_cve", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(skipped, want);
    assert_eq!(
        r.records_read,
        r.records_used + r.skipped.values().sum::<u64>()
    );
    assert_eq!(
        (r.findings, r.findings_collapsed, r.metrics, r.assessments),
        (6, 1, 3, 3)
    );
    assert_eq!(r.by_class["2002"], 10);
    assert_eq!(r.by_class["2004"], 1);
    assert_eq!(r.by_class["1001"], 1);
    assert_eq!(r.by_class["5001"], 6);
    assert_eq!(r.by_class["nessus"], 5);
    assert_eq!(r.by_plugin_family["Firewalls"], 1);
    // Every problem names its place.
    let p: Vec<(&str, u64, u64, &str, &str)> = r
        .problems
        .iter()
        .map(|p| {
            (
                p.source.as_str(),
                p.record,
                p.line,
                p.path.as_str(),
                p.code.as_str(),
            )
        })
        .collect();
    assert_eq!(
        p,
        vec![
            ("exports/ocsf-findings.jsonl", 5, 6, "[5]", "unattributable"),
            (
                "exports/ocsf-findings.jsonl",
                9,
                10,
                "[9].vulnerabilities[0].cve.cvss[0].vector_string",
                "invalid_cvss"
            ),
            (
                "exports/ocsf-findings.jsonl",
                10,
                11,
                "[10].class_uid",
                "field_not_in_version"
            ),
            (
                "exports/scan.nessus",
                4,
                50,
                "NessusClientData_v2/Report/ReportHost[2]/ReportItem[0]",
                "unattributable"
            ),
        ]
    );
}

fn one(text: &str) -> Ingested {
    let mut o = IngestOptions::new("2025-09-30".parse().unwrap());
    o.attribution.tenant_uid.insert("t".into(), "A".into());
    let mut ing = Ingester::new(o);
    ing.read_ocsf(text.as_bytes(), "t.json").unwrap();
    ing.finish().unwrap()
}

const V: &str = r#"{"class_uid": 2002, "time": 1756684800000, "metadata": {"version": "1.5.0", "tenant_uid": "t"},
  "finding_info": {"uid": "u"}, "device": {"uid": "h"},
  "vulnerabilities": [{"cve": {"uid": "CVE-2024-3400"}}]}"#;

#[test]
fn json_array_and_json_lines_read_the_same() {
    let lines = format!("{V}\n{}\n", V.replace("\"u\"", "\"u2\""));
    let array = format!(" [ {V} ,\n {} ] \n", V.replace("\"u\"", "\"u2\""));
    let a = one(&lines);
    let b = one(&array);
    assert_eq!(a.portfolio, b.portfolio);
    assert_eq!(a.report.records_read, 2);
    assert_eq!(b.report.records_read, 2);
    assert_eq!(one("[]").report.records_read, 0);
    assert_eq!(one("").report.records_read, 0);
    assert_eq!(one("\u{feff}[]").report.records_read, 0);
}

#[test]
fn wrong_shapes_are_problems_with_paths_not_errors() {
    let cases = [
        (
            V.replace(r#""device": {"uid": "h"}"#, r#""device": ["h"]"#),
            "[0].device",
            "wrong_type",
        ),
        (
            V.replace(r#""uid": "CVE-2024-3400""#, r#""uid": 7"#),
            "[0].vulnerabilities[0].cve.uid",
            "wrong_type",
        ),
        (
            V.replace(r#""uid": "CVE-2024-3400""#, r#""uid": "CVE-24""#),
            "[0].vulnerabilities[0].cve.uid",
            "invalid_cve",
        ),
        (
            V.replace(r#""finding_info": {"uid": "u"}, "#, ""),
            "[0].finding_info",
            "missing_field",
        ),
        (
            V.replace(r#""version": "1.5.0""#, r#""version": "2.0.0""#),
            "[0].metadata.version",
            "unsupported_version",
        ),
        (
            V.replace(r#""time": 1756684800000"#, r#""time": "yesterday""#),
            "[0].time",
            "wrong_type",
        ),
        ("42".to_owned(), "[0]", "wrong_type"),
        (
            V.replace(r#""class_uid": 2002, "#, ""),
            "[0].class_uid",
            "missing_field",
        ),
        (
            V.replace(
                r#""device": {"uid": "h"}"#,
                r#""device": {"uid": "h", "agent_list": []}"#,
            )
            .replace("1.5.0", "1.1.0"),
            "[0].device.agent_list",
            "field_not_in_version",
        ),
    ];
    for (text, path, code) in cases {
        let r = one(&text).report;
        assert_eq!(r.records_read, 1, "{text}");
        assert_eq!(r.skipped.get(&SkipReason::Invalid), Some(&1), "{text}");
        assert_eq!(
            (r.problems[0].path.as_str(), r.problems[0].code.as_str()),
            (path, code),
            "{text}"
        );
    }
    // An unknown class of any shape is counted, never a problem.
    let r = one(r#"{"class_uid": 4001, "device": 7, "time": "x"}"#).report;
    assert_eq!(r.skipped.get(&SkipReason::UnsupportedClass), Some(&1));
    assert!(r.problems.is_empty());
}

fn ocsf_err(bytes: &[u8], limits: IngestLimits) -> risk_core::ingest::IngestError {
    let mut o = IngestOptions::new("2025-09-30".parse().unwrap());
    o.limits = limits;
    let mut ing = Ingester::new(o);
    let e = ing.read_ocsf(bytes, "x.json").unwrap_err();
    // No partial result after a refused input.
    assert_eq!(ing.finish().unwrap_err(), e);
    e
}

#[test]
fn hostile_json_is_refused_with_typed_errors() {
    let d = IngestLimits::default;
    // Truncated.
    let e = ocsf_err(format!("[{V},").as_bytes(), d());
    assert_eq!(
        (e.kind(), e.path()),
        (IngestErrorKind::MalformedJson, "[1]")
    );
    let e = ocsf_err(&V.as_bytes()[..V.len() - 3], d());
    assert_eq!(e.kind(), IngestErrorKind::MalformedJson);
    let e = ocsf_err(format!("[{V}] x").as_bytes(), d());
    assert_eq!(e.kind(), IngestErrorKind::MalformedJson);
    // A delimiter where an event should start (found by the fuzzer: `][` once looped for ever,
    // reading empty records without consuming a byte).
    for text in ["][", "]", "}", ",", ":", "[1,]", "[,1]", "{}\n]\n"] {
        let e = ocsf_err(text.as_bytes(), d());
        assert_eq!(e.kind(), IngestErrorKind::MalformedJson, "{text:?}");
    }
    // 100 MB string.
    let mut big = Vec::with_capacity(100 << 20);
    big.extend_from_slice(br#"{"class_uid": 2002, "x": ""#);
    big.resize(100 << 20, b'a');
    big.extend_from_slice(b"\"}");
    let e = ocsf_err(&big, d());
    assert_eq!(e.kind(), IngestErrorKind::LimitExceeded);
    assert_eq!(e.line(), Some(1));
    // Deep nesting.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = ocsf_err(deep.as_bytes(), d());
    assert_eq!(e.kind(), IngestErrorKind::LimitExceeded);
    // Within the limits, but serde_json's own recursion limit: a problem, not a crash.
    let r = one(&format!(
        r#"{{"class_uid": 2002, "x": {}{}}}"#,
        "[".repeat(60),
        "]".repeat(60)
    ))
    .report;
    assert_eq!(r.records_read, 1);
    // Invalid UTF-8 in one record: that record is a problem.
    let mut bad = br#"{"class_uid": 2002, "x": ""#.to_vec();
    bad.extend_from_slice(&[0xff, 0xfe]);
    bad.extend_from_slice(b"\"}\n");
    let mut ing = Ingester::new(IngestOptions::new("2025-09-30".parse().unwrap()));
    ing.read_ocsf(&bad[..], "x").unwrap();
    let r = ing.finish().unwrap().report;
    assert_eq!(r.problems[0].code, "invalid_encoding");
}

fn nessus_err(text: &str) -> risk_core::ingest::IngestError {
    let mut ing = Ingester::new(IngestOptions::new("2025-09-30".parse().unwrap()));
    ing.read_nessus(text.as_bytes(), "x.nessus").unwrap_err()
}

#[test]
fn hostile_xml_is_refused_with_typed_errors() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<NessusClientData_v2><Report name="&lol2;"></Report></NessusClientData_v2>"#;
    assert_eq!(nessus_err(laughs).kind(), IngestErrorKind::XmlDtdRefused);
    let xxe = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NessusClientData_v2>&xxe;</NessusClientData_v2>"#;
    assert_eq!(nessus_err(xxe).kind(), IngestErrorKind::XmlDtdRefused);
    // An entity without a DTD.
    let e = nessus_err(
        "<NessusClientData_v2><Report name=\"r\"><ReportHost name=\"h\"><ReportItem severity=\"3\"><cve>&lol;</cve></ReportItem></ReportHost></Report></NessusClientData_v2>",
    );
    assert_eq!(e.kind(), IngestErrorKind::XmlUndefinedEntity);
    assert_eq!(
        e.path(),
        "NessusClientData_v2/Report/ReportHost[0]/ReportItem[0]/cve"
    );
    // Deep nesting.
    let deep = format!(
        "<NessusClientData_v2>{}{}</NessusClientData_v2>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert_eq!(nessus_err(&deep).kind(), IngestErrorKind::LimitExceeded);
    // A 100 MB text node.
    let mut big = String::with_capacity(100 << 20);
    big.push_str("<NessusClientData_v2><Report name=\"");
    big.extend(std::iter::repeat_n('a', 100 << 20));
    big.push_str("\"/></NessusClientData_v2>");
    assert_eq!(nessus_err(&big).kind(), IngestErrorKind::LimitExceeded);
    // Truncated, not Nessus, malformed.
    let t = std::str::from_utf8(&fixture("exports/scan.nessus"))
        .unwrap()
        .to_owned();
    let e = nessus_err(&t[..t.len() / 2]);
    assert!(
        matches!(
            e.kind(),
            IngestErrorKind::MalformedXml | IngestErrorKind::XmlUndefinedEntity
        ),
        "{e}"
    );
    assert_eq!(
        nessus_err("<html></html>").kind(),
        IngestErrorKind::NotNessus
    );
    assert_eq!(nessus_err("").kind(), IngestErrorKind::NotNessus);
    assert_eq!(
        nessus_err("<NessusClientData_v2><a></b></NessusClientData_v2>").kind(),
        IngestErrorKind::MalformedXml
    );
}

#[test]
fn nessus_report_name_attribution_and_kev_feed() {
    let mut o = IngestOptions::new("2025-09-30".parse().unwrap());
    o.attribution
        .nessus_report
        .insert("Weekly clinical network scan".into(), "RBS".into());
    o.kev = Some(
        KevCatalog::from_json(r#"{"vulnerabilities": [{"cveID": "CVE-2023-4966"}]}"#).unwrap(),
    );
    let mut ing = Ingester::new(o);
    ing.read_nessus(&fixture("exports/scan.nessus")[..], "scan.nessus")
        .unwrap();
    let out = ing.finish().unwrap();
    // Every host goes to the report's organisation, the unattributable kiosk too.
    assert_eq!(out.portfolio.organisations.len(), 1);
    let f = &out.portfolio.organisations[0].findings;
    assert_eq!(f.len(), 3);
    assert!(f.iter().all(|f| f.kev));
}

#[test]
fn as_of_window_and_latest_state_win() {
    // The finding resolved in a later event; rated before that event, it is still open.
    let resolved = V
        .replace(r#""time": 1756684800000"#, r#""time": 1758326400000"#)
        .replace(
            r#""class_uid": 2002,"#,
            r#""class_uid": 2002, "status_id": 4,"#,
        );
    let text = format!("{resolved}\n{V}\n");
    let a = one(&text);
    let f = &a.portfolio.organisations[0].findings[0];
    assert_eq!(
        f.resolved_on.map(|d| d.to_string()),
        Some("2025-09-20".into())
    );
    let mut o = IngestOptions::new("2025-09-10".parse().unwrap());
    o.attribution.tenant_uid.insert("t".into(), "A".into());
    let mut ing = Ingester::new(o);
    ing.read_ocsf(text.as_bytes(), "t").unwrap();
    let b = ing.finish().unwrap();
    assert_eq!(b.portfolio.organisations[0].findings[0].resolved_on, None);
    assert_eq!(b.report.skipped[&SkipReason::OutsideWindow], 1);
}

#[test]
fn format_detection_and_merge() {
    assert_eq!(Format::detect(b"  <?xml"), Format::Nessus);
    assert_eq!(Format::detect(b"\xEF\xBB\xBF[ {}"), Format::Ocsf);
    let got = ingest_fixtures();
    let base = parse_portfolio(
        r#"{"as_of": "2025-12-31", "organisations": [{"id": "RBS", "name": "Northshire",
        "peer_group": "acute", "metrics": [{"metric": "mfa_coverage", "successes": 1, "trials": 2,
        "observed_on": "2025-01-01"}]}]}"#,
    )
    .unwrap();
    let merged = got.merge_into(&base);
    assert_eq!(merged.as_of.to_string(), "2025-12-31");
    assert_eq!(merged.organisations.len(), 3);
    assert_eq!(merged.organisations[0].metrics.len(), 4);
    assert_eq!(merged.organisations[0].peer_group, "acute");
    rate(&merged, &Methodology::default()).unwrap();
}

#[test]
fn options_errors_name_the_path() {
    let e = IngestOptions::from_json(r#"{"as_of": "2025-09-30", "attribution": {"tenant": {}}}"#)
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("invalid_options", "attribution.tenant")
    );
    let e = IngestOptions::from_json(r#"{"as_of": "2025-02-30"}"#).unwrap_err();
    assert_eq!((e.code(), e.path()), ("invalid_options", "as_of"));
    let err: risk_core::Error = e.into();
    assert_eq!(err.code(), "invalid_options");
}
