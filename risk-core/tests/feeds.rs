//! Threat feeds: the real KEV excerpt, the EPSS fixture, malformed feeds, and enrichment.

use risk_core::feeds::{EpssScores, Feed, FeedError, FeedErrorKind, KevCatalog, enrich};
use risk_core::{Error, parse_portfolio};

const KEV: &str = include_str!("fixtures/kev-small.json");
const EPSS: &str = include_str!("fixtures/epss-small.csv");

fn kev_err(text: &str) -> FeedError {
    KevCatalog::from_json(text).expect_err("the catalogue must be rejected")
}

fn epss_err(text: &str) -> FeedError {
    EpssScores::from_csv(text).expect_err("the scores must be rejected")
}

// ---- KEV: the real excerpt -------------------------------------------------------------------

#[test]
fn kev_excerpt_loads_with_metadata() {
    let kev = KevCatalog::from_json(KEV).unwrap();
    assert_eq!(kev.len(), 30);
    let meta = kev.meta();
    assert_eq!(meta.catalog_version.as_deref(), Some("2025.08.25"));
    assert_eq!(
        meta.date_released.as_deref(),
        Some("2025-08-25T17:04:19.9796Z")
    );
    assert_eq!(meta.stated_count, Some(1404));
    assert_eq!(meta.entries, 30);
    for cve in [
        "CVE-2025-48384",
        "CVE-2024-3400",
        "CVE-2023-4966",
        "CVE-2021-44228",
        "CVE-2017-0144",
    ] {
        assert!(kev.contains(cve), "{cve}");
    }
    assert!(!kev.contains("CVE-2019-0708"));
    let log4shell = kev.get("CVE-2021-44228").unwrap();
    assert_eq!(log4shell.date_added.unwrap().to_string(), "2021-12-10");
}

#[test]
fn kev_from_bytes_matches_text() {
    let a = KevCatalog::from_bytes(KEV.as_bytes()).unwrap();
    let b = KevCatalog::from_json(KEV).unwrap();
    assert_eq!(a, b);
    let with_bom = format!("\u{feff}{KEV}");
    assert_eq!(KevCatalog::from_json(&with_bom).unwrap(), b);
}

#[test]
fn kev_tolerates_unknown_and_missing_optional_fields() {
    let kev = KevCatalog::from_json(
        r#"{"newTopLevelField": [1, 2], "vulnerabilities": [
            {"cveID": "CVE-2024-3400", "somethingNew": {"a": null}, "cwes": ["CWE-77"]}]}"#,
    )
    .unwrap();
    assert!(kev.contains("CVE-2024-3400"));
    assert_eq!(kev.meta().catalog_version, None);
    assert_eq!(kev.get("CVE-2024-3400").unwrap().date_added, None);
}

// ---- KEV: malformed --------------------------------------------------------------------------

#[test]
fn kev_bad_json_names_line() {
    let e = kev_err("{\n  \"vulnerabilities\": [\n    {\"cveID\": \"CVE-2024-3400\",}\n  ]\n}");
    assert!(
        matches!(e.kind(), FeedErrorKind::MalformedJson { .. }),
        "{e}"
    );
    assert_eq!(e.feed(), Feed::Kev);
    assert_eq!(e.line(), Some(3));
}

#[test]
fn kev_truncated_json() {
    let e = kev_err(&KEV[..KEV.len() / 2]);
    assert!(
        matches!(e.kind(), FeedErrorKind::MalformedJson { .. }),
        "{e}"
    );
}

#[test]
fn kev_trailing_content_rejected() {
    let e = kev_err(r#"{"vulnerabilities": []} {"vulnerabilities": []}"#);
    assert!(
        matches!(e.kind(), FeedErrorKind::MalformedJson { .. }),
        "{e}"
    );
}

#[test]
fn kev_missing_cve_id_names_path() {
    let e = kev_err(
        r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400"}, {"vendorProject": "Acme", "product": "Widget"}]}"#,
    );
    assert_eq!(e.path(), "vulnerabilities[1]");
    assert_eq!(e.field(), Some("cveID"));
    assert_eq!(
        e.kind(),
        &FeedErrorKind::MissingField {
            field: "cveID".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "KEV catalogue: vulnerabilities[1]: missing field `cveID`"
    );
}

#[test]
fn kev_missing_vulnerabilities() {
    let e = kev_err(r#"{"catalogVersion": "2025.08.25", "count": 0}"#);
    assert_eq!(e.path(), "");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::MissingField {
            field: "vulnerabilities".into()
        }
    );
}

#[test]
fn kev_invalid_cve_id() {
    let e =
        kev_err(r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400"}, {"cveID": "CVE-24-3400"}]}"#);
    assert_eq!(e.path(), "vulnerabilities[1].cveID");
    assert_eq!(e.field(), Some("cveID"));
    assert_eq!(
        e.kind(),
        &FeedErrorKind::InvalidCveId {
            value: "CVE-24-3400".into()
        }
    );
}

#[test]
fn kev_wrong_types() {
    let e = kev_err(r#"{"vulnerabilities": [{"cveID": 3400}]}"#);
    assert_eq!(e.path(), "vulnerabilities[0].cveID");
    assert!(matches!(e.kind(), FeedErrorKind::WrongType { .. }), "{e}");

    let e = kev_err(r#"{"vulnerabilities": {"cveID": "CVE-2024-3400"}}"#);
    assert_eq!(e.path(), "vulnerabilities");
    assert!(matches!(e.kind(), FeedErrorKind::WrongType { .. }), "{e}");

    let e = kev_err(r#"{"count": "many", "vulnerabilities": []}"#);
    assert_eq!(e.path(), "count");

    let e =
        kev_err(r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400", "dateAdded": "2024-02-30"}]}"#);
    assert_eq!(e.path(), "vulnerabilities[0].dateAdded");
}

#[test]
fn kev_duplicate_cve() {
    let e = kev_err(
        r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400"}, {"cveID": "CVE-2021-44228"}, {"cveID": "CVE-2024-3400"}]}"#,
    );
    assert_eq!(e.path(), "vulnerabilities[2].cveID");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::DuplicateCve {
            cve: "CVE-2024-3400".into(),
            first: "vulnerabilities[0]".into()
        }
    );
}

#[test]
fn kev_bytes_encoding_and_gzip() {
    let e = KevCatalog::from_bytes(b"{\"vulnerabilities\": [\xff]}").unwrap_err();
    assert_eq!(e.kind(), &FeedErrorKind::InvalidEncoding { offset: 21 });
    let e = KevCatalog::from_bytes(&[0x1f, 0x8b, 8, 0, 0, 0]).unwrap_err();
    assert_eq!(e.kind(), &FeedErrorKind::Compressed);
}

// ---- EPSS: the fixture -----------------------------------------------------------------------

#[test]
fn epss_fixture_loads_with_metadata() {
    let epss = EpssScores::from_csv(EPSS).unwrap();
    assert_eq!(epss.len(), 10);
    assert_eq!(epss.meta().model_version.as_deref(), Some("v2025.03.14"));
    assert_eq!(
        epss.meta().score_date.as_deref(),
        Some("2025-08-25T12:55:00Z")
    );
    assert_eq!(epss.meta().rows, 10);
    let s = epss.get("CVE-2024-3400").unwrap();
    assert_eq!((s.epss, s.percentile), (0.94271, 0.99939));
    assert!(epss.get("CVE-2024-9999").is_none());
    assert_eq!(EpssScores::from_bytes(EPSS.as_bytes()).unwrap(), epss);
}

#[test]
fn epss_without_comment_line_is_accepted_without_metadata() {
    let epss = EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,0.9,0.99\n").unwrap();
    assert_eq!(epss.meta().model_version, None);
    assert_eq!(epss.meta().score_date, None);
    assert_eq!(epss.len(), 1);
}

#[test]
fn epss_crlf_bom_blank_lines_and_spaces() {
    let text = "\u{feff}#model_version:v1,score_date:2025-01-01T00:00:00Z\r\ncve,epss,percentile\r\n\r\nCVE-2024-3400 , 0.5 ,1e-1\r\n\r\n";
    let epss = EpssScores::from_csv(text).unwrap();
    assert_eq!(epss.meta().model_version.as_deref(), Some("v1"));
    let s = epss.get("CVE-2024-3400").unwrap();
    assert_eq!((s.epss, s.percentile), (0.5, 0.1));
}

#[test]
fn epss_header_only_is_an_empty_feed() {
    let epss = EpssScores::from_csv(
        "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\n",
    )
    .unwrap();
    assert!(epss.is_empty());
}

#[test]
fn epss_unknown_comment_keys_are_ignored() {
    let epss = EpssScores::from_csv("#model_version:v2,publisher:first.org\ncve,epss,percentile\n")
        .unwrap();
    assert_eq!(epss.meta().model_version.as_deref(), Some("v2"));
    assert_eq!(epss.meta().score_date, None);
}

// ---- EPSS: malformed -------------------------------------------------------------------------

#[test]
fn epss_out_of_range_names_line_and_field() {
    let mut text = String::from(EPSS);
    text.push_str("CVE-2025-1111,1.7,0.5\n");
    let e = epss_err(&text);
    assert_eq!(e.line(), Some(13));
    assert_eq!(e.field(), Some("epss"));
    assert_eq!(e.path(), "line 13, field epss");
    assert_eq!(
        e.to_string(),
        "EPSS scores: line 13, field epss: 1.7 is not a probability in [0,1]"
    );

    let e = epss_err("cve,epss,percentile\nCVE-2025-1111,0.5,-0.01\n");
    assert_eq!(e.path(), "line 2, field percentile");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::NotAProbability {
            value: "-0.01".into()
        }
    );
}

#[test]
fn epss_non_finite_is_not_a_probability() {
    for bad in ["NaN", "inf", "-inf", "1e400"] {
        let e = epss_err(&format!("cve,epss,percentile\nCVE-2025-1111,{bad},0.5\n"));
        assert_eq!(
            e.kind(),
            &FeedErrorKind::NotAProbability { value: bad.into() },
            "{bad}"
        );
        assert_eq!(e.path(), "line 2, field epss");
    }
}

#[test]
fn epss_non_numeric() {
    let e = epss_err("cve,epss,percentile\nCVE-2025-1111,0.5,0.4\nCVE-2025-2222,high,0.5\n");
    assert_eq!(e.path(), "line 3, field epss");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::NotANumber {
            value: "high".into()
        }
    );
    let e = epss_err("cve,epss,percentile\nCVE-2025-1111,0.5,\n");
    assert_eq!(e.path(), "line 2, field percentile");
    assert_eq!(e.kind(), &FeedErrorKind::NotANumber { value: "".into() });
}

#[test]
fn epss_wrong_field_count() {
    let e = epss_err("cve,epss,percentile\nCVE-2025-1111,0.5\n");
    assert_eq!(e.path(), "line 2");
    assert_eq!(e.kind(), &FeedErrorKind::FieldCount { found: 2 });
    let e = epss_err("cve,epss,percentile\nCVE-2025-1111,0.5,0.5,extra\n");
    assert_eq!(e.kind(), &FeedErrorKind::FieldCount { found: 4 });
}

#[test]
fn epss_bad_header() {
    let e = epss_err("#model_version:v1,score_date:x\ncve,epss\nCVE-2025-1111,0.5\n");
    assert_eq!(e.path(), "line 2");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::InvalidHeader {
            found: "cve,epss".into()
        }
    );
    // Rows without any header: the first row is taken for a header and rejected.
    let e = epss_err("CVE-2025-1111,0.5,0.5\n");
    assert_eq!(e.path(), "line 1");
    assert!(matches!(e.kind(), FeedErrorKind::InvalidHeader { .. }));
    // A comment is only recognised on line 1.
    let e = epss_err("\n#model_version:v1\ncve,epss,percentile\n");
    assert_eq!(e.path(), "line 2");
    assert!(matches!(e.kind(), FeedErrorKind::InvalidHeader { .. }));
}

#[test]
fn epss_missing_header() {
    for text in ["", "\n\n", "#model_version:v1,score_date:2025-01-01\n"] {
        let e = epss_err(text);
        assert_eq!(e.kind(), &FeedErrorKind::MissingHeader, "{text:?}");
        assert_eq!(e.path(), "");
    }
}

#[test]
fn epss_bad_comment() {
    let e = epss_err("#model_version v1\ncve,epss,percentile\n");
    assert_eq!(e.path(), "line 1");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::InvalidComment {
            piece: "model_version v1".into()
        }
    );
}

#[test]
fn epss_bad_cve_id() {
    let e = epss_err("cve,epss,percentile\nCVE-2025-111,0.5,0.5\n");
    assert_eq!(e.path(), "line 2, field cve");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::InvalidCveId {
            value: "CVE-2025-111".into()
        }
    );
    let e = epss_err("cve,epss,percentile\n\"CVE-2025-1111\",0.5,0.5\n");
    assert_eq!(e.path(), "line 2, field cve");
}

#[test]
fn epss_duplicate_cve_is_an_error_naming_both_lines() {
    let e = epss_err(
        "cve,epss,percentile\nCVE-2025-1111,0.5,0.5\nCVE-2025-2222,0.1,0.2\nCVE-2025-1111,0.6,0.6\n",
    );
    assert_eq!(e.path(), "line 4, field cve");
    assert_eq!(
        e.kind(),
        &FeedErrorKind::DuplicateCve {
            cve: "CVE-2025-1111".into(),
            first: "line 2".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "EPSS scores: line 4, field cve: CVE-2025-1111 is listed twice (first at line 2)"
    );
}

#[test]
fn epss_bytes_encoding_and_gzip() {
    let e = EpssScores::from_bytes(b"cve,epss,percentile\nCVE-2025-1111,0.\xe9,0.5\n").unwrap_err();
    assert_eq!(e.kind(), &FeedErrorKind::InvalidEncoding { offset: 36 });
    let e = EpssScores::from_bytes(&[0x1f, 0x8b, 8, 0]).unwrap_err();
    assert_eq!(e.kind(), &FeedErrorKind::Compressed);
    assert_eq!(
        e.to_string(),
        "EPSS scores: the feed is gzip-compressed; decompress it first"
    );
}

#[test]
fn feed_error_converts_into_engine_error() {
    // The engine error carries the feed problem's own code (one vocabulary for every binding).
    let e: Error = epss_err("cve,epss,percentile\nCVE-2025-1111,1.7,0.5\n").into();
    assert_eq!(e.code(), "not_a_probability");
    assert_eq!(e.path(), "line 2, field epss");
    let e: Error = kev_err(r#"{"vulnerabilities": [{"cveID": "nope"}]}"#).into();
    assert_eq!(e.code(), "invalid_cve_id");
    assert_eq!(e.path(), "vulnerabilities[0].cveID");
}

// ---- Enrichment ------------------------------------------------------------------------------

const DOC: &str = r#"{
  "as_of": "2025-09-30",
  "organisations": [
    {"id": "RBS", "findings": [
      {"id": "F-1", "kind": "vulnerability", "cve": "CVE-2024-3400", "first_seen": "2025-08-01"},
      {"id": "F-2", "kind": "vulnerability", "cve": "CVE-2021-44228", "kev": true, "epss": 0.5, "first_seen": "2025-08-01"},
      {"id": "F-3", "kind": "vulnerability", "cve": "cve-2019-0708 ", "kev": false, "first_seen": "2025-08-01"},
      {"id": "F-4", "kind": "misconfiguration", "first_seen": "2025-08-01"},
      {"id": "F-5", "kind": "vulnerability", "cve": "not-a-cve", "first_seen": "2025-08-01"},
      {"id": "F-6", "kind": "vulnerability", "cve": "CVE-2024-9999", "first_seen": "2025-08-01"}
    ]},
    {"id": "SUP", "findings": [
      {"id": "F-1", "kind": "exposed_service", "cve": "CVE-2023-4966", "epss": 0.94225, "first_seen": "2025-07-01"}
    ]}
  ]
}"#;

fn feeds() -> (KevCatalog, EpssScores) {
    (
        KevCatalog::from_json(KEV).unwrap(),
        EpssScores::from_csv(EPSS).unwrap(),
    )
}

#[test]
fn enrich_sets_absent_values_and_keeps_explicit_ones() {
    let (kev, epss) = feeds();
    let mut doc = parse_portfolio(DOC).unwrap();
    let original = doc.clone();
    let r = enrich(&mut doc, Some(&kev), Some(&epss), false);

    let f = &doc.organisations[0].findings;
    // F-1: in KEV and EPSS, nothing stated → both set.
    assert!(f[0].kev);
    assert_eq!(f[0].epss, Some(0.94271));
    // F-2: kev already true, epss stated → epss kept.
    assert!(f[1].kev);
    assert_eq!(f[1].epss, Some(0.5));
    // F-3: lower-case CVE with a space, not in KEV → kev stays false; EPSS set.
    assert!(!f[2].kev);
    assert_eq!(f[2].epss, Some(0.94453));
    // F-4, F-5, F-6: no CVE, not a CVE, unknown CVE → untouched.
    assert_eq!(f[3], original.organisations[0].findings[3]);
    assert_eq!(f[4], original.organisations[0].findings[4]);
    assert_eq!(f[5], original.organisations[0].findings[5]);
    // SUP F-1: KEV raised; stated epss equal to the feed's → kept, counted as skipped.
    let s = &doc.organisations[1].findings[0];
    assert!(s.kev);
    assert_eq!(s.epss, Some(0.94225));

    assert_eq!(r.findings, 7);
    assert_eq!(r.with_cve, 5);
    assert_eq!(r.invalid_cve, 1);
    assert_eq!(r.kev_listed, 3); // CVE-2024-3400, CVE-2021-44228, CVE-2023-4966
    assert_eq!(r.kev_enriched, 2); // F-2 was already true
    assert_eq!(r.kev_added_after_as_of, 0);
    assert_eq!(r.epss_known, 4); // all but CVE-2024-9999
    assert_eq!(r.epss_enriched, 2); // F-1, F-3
    assert_eq!(r.skipped_explicit, 2); // F-2, SUP F-1
    assert_eq!(
        r.kev.as_ref().unwrap().catalog_version.as_deref(),
        Some("2025.08.25")
    );
    assert_eq!(
        r.epss.as_ref().unwrap().model_version.as_deref(),
        Some("v2025.03.14")
    );
    assert_eq!(
        r.epss.as_ref().unwrap().score_date.as_deref(),
        Some("2025-08-25T12:55:00Z")
    );

    // Nothing but kev/epss changed.
    for (o, p) in doc.organisations.iter().zip(&original.organisations) {
        for (a, b) in o.findings.iter().zip(&p.findings) {
            let mut a = a.clone();
            a.kev = b.kev;
            a.epss = b.epss;
            assert_eq!(&a, b);
        }
    }
}

#[test]
fn enrich_overwrite_replaces_epss_but_never_lowers_kev() {
    let (kev, epss) = feeds();
    let mut doc = parse_portfolio(DOC).unwrap();
    let r = enrich(&mut doc, Some(&kev), Some(&epss), true);
    let f = &doc.organisations[0].findings;
    assert_eq!(f[1].epss, Some(0.94358)); // replaced
    assert!(f[1].kev);
    assert_eq!(r.skipped_explicit, 0);
    assert_eq!(r.epss_enriched, 3); // F-1, F-2, F-3; SUP's equal value is not a change
    assert_eq!(doc.organisations[1].findings[0].epss, Some(0.94225));

    // A KEV flag the catalogue does not support stays: absence from KEV is no evidence.
    let mut doc = parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A", "findings": [
            {"id": "F", "kind": "vulnerability", "cve": "CVE-2024-9999", "kev": true, "first_seen": "2025-01-01"}]}]}"#,
    )
    .unwrap();
    let r = enrich(&mut doc, Some(&kev), Some(&epss), true);
    assert!(doc.organisations[0].findings[0].kev);
    assert_eq!((r.kev_listed, r.kev_enriched), (0, 0));
}

#[test]
fn enrich_with_one_feed_or_none() {
    let (kev, epss) = feeds();
    let mut doc = parse_portfolio(DOC).unwrap();
    let r = enrich(&mut doc, None, Some(&epss), false);
    assert!(!doc.organisations[0].findings[0].kev);
    assert_eq!(doc.organisations[0].findings[0].epss, Some(0.94271));
    assert_eq!(
        (r.kev_listed, r.kev_enriched, r.kev.is_none()),
        (0, 0, true)
    );

    let mut doc = parse_portfolio(DOC).unwrap();
    let r = enrich(&mut doc, Some(&kev), None, false);
    assert!(doc.organisations[0].findings[0].kev);
    assert_eq!(doc.organisations[0].findings[0].epss, None);
    assert_eq!(
        (r.epss_known, r.epss_enriched, r.epss.is_none()),
        (0, 0, true)
    );

    let mut doc = parse_portfolio(DOC).unwrap();
    let before = doc.clone();
    let r = enrich(&mut doc, None, None, true);
    assert_eq!(doc, before);
    assert_eq!(
        (r.findings, r.with_cve, r.kev_enriched, r.epss_enriched),
        (7, 5, 0, 0)
    );
}

#[test]
fn enrich_counts_kev_entries_added_after_as_of() {
    let (kev, _) = feeds();
    // CVE-2024-3400 was added on 2024-04-12, CVE-2023-4966 on 2023-10-18, CVE-2021-44228 on
    // 2021-12-10.
    assert_eq!(
        kev.get("CVE-2024-3400")
            .unwrap()
            .date_added
            .unwrap()
            .to_string(),
        "2024-04-12"
    );
    let mut doc = parse_portfolio(&DOC.replacen("2025-09-30", "2024-01-01", 1)).unwrap();
    let r = enrich(&mut doc, Some(&kev), None, false);
    assert_eq!(r.kev_listed, 3);
    assert_eq!(r.kev_added_after_as_of, 1);
    // Flagged all the same: the document has one kev per finding.
    assert!(doc.organisations[0].findings[0].kev);
}

#[test]
fn enrich_is_idempotent() {
    let (kev, epss) = feeds();
    let mut doc = parse_portfolio(DOC).unwrap();
    enrich(&mut doc, Some(&kev), Some(&epss), false);
    let once = doc.clone();
    let r = enrich(&mut doc, Some(&kev), Some(&epss), false);
    assert_eq!(doc, once);
    assert_eq!((r.kev_enriched, r.epss_enriched), (0, 0));
}

#[test]
fn enriched_document_round_trips_through_json() {
    let (kev, epss) = feeds();
    let mut doc = parse_portfolio(DOC).unwrap();
    enrich(&mut doc, Some(&kev), Some(&epss), false);
    let json = serde_json::to_string(&doc).unwrap();
    assert_eq!(parse_portfolio(&json).unwrap(), doc);
}

// ---- Properties ------------------------------------------------------------------------------

mod properties {
    use proptest::prelude::*;
    use risk_core::feeds::{EpssScores, KevCatalog};

    proptest! {
        /// Any bytes: a result or a typed error, never a panic.
        #[test]
        fn epss_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = EpssScores::from_bytes(&bytes);
        }

        /// Any text shaped like the format, with fields drawn from good and bad values.
        #[test]
        fn epss_near_miss_never_panics(
            rows in proptest::collection::vec(
                ("(CVE-[0-9]{4}-[0-9]{3,6}|cve-x|)", "(0\\.[0-9]{1,5}|1\\.5|-0|NaN|x|)", "(0\\.[0-9]{1,3}|2|)"),
                0..20,
            ),
            comment in "(#model_version:v1,score_date:d\n|#bad\n|)",
        ) {
            let mut text = format!("{comment}cve,epss,percentile\n");
            for (c, e, p) in &rows {
                text.push_str(&format!("{c},{e},{p}\n"));
            }
            let _ = EpssScores::from_csv(&text);
        }

        /// Valid rows are read back exactly.
        #[test]
        fn epss_valid_rows_round_trip(
            scores in proptest::collection::btree_map(
                (1999u32..2030, 1u32..10_000_000),
                (0.0f64..=1.0, 0.0f64..=1.0),
                0..50,
            ),
        ) {
            let mut text = String::from("#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\n");
            for ((y, n), (e, p)) in &scores {
                text.push_str(&format!("CVE-{y}-{n:04},{e},{p}\n"));
            }
            let parsed = EpssScores::from_csv(&text).unwrap();
            prop_assert_eq!(parsed.len(), scores.len());
            for ((y, n), (e, p)) in &scores {
                let s = parsed.get(&format!("CVE-{y}-{n:04}")).unwrap();
                prop_assert_eq!((s.epss, s.percentile), (*e, *p));
            }
        }

        /// Any bytes as a KEV catalogue: a result or a typed error, never a panic.
        #[test]
        fn kev_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = KevCatalog::from_bytes(&bytes);
        }

        /// Cutting the real excerpt anywhere before its closing brace gives a typed error, never
        /// a panic.
        #[test]
        fn kev_truncated_anywhere(cut in 0usize..super::KEV.trim_end().len()) {
            let text = &super::KEV.as_bytes()[..cut];
            prop_assert!(KevCatalog::from_bytes(text).is_err());
        }
    }
}

// ---- The sample portfolio --------------------------------------------------------------------

#[test]
fn enrich_the_sample_portfolio_with_its_own_kev_excerpt() {
    use risk_core::sample::{KEV_EXCERPT_JSON, SampleConfig, sample_portfolio};
    // The sample generator's excerpt is in the published format too.
    let kev = KevCatalog::from_json(KEV_EXCERPT_JSON).unwrap();
    assert_eq!(kev, *risk_core::sample::kev_catalogue());

    let mut doc = sample_portfolio(&SampleConfig::default());
    let before = doc.clone();
    let r = enrich(&mut doc, Some(&kev), None, false);

    let mut listed = 0;
    let mut raised = 0;
    for (o, p) in doc.organisations.iter().zip(&before.organisations) {
        for (f, g) in o.findings.iter().zip(&p.findings) {
            let in_kev = f.cve.as_deref().is_some_and(|c| kev.contains(c));
            listed += usize::from(in_kev);
            raised += usize::from(f.kev != g.kev);
            assert_eq!(f.kev, g.kev || in_kev, "{} {}", o.id, f.id);
            assert_eq!(f.epss, g.epss);
        }
    }
    assert!(listed > 0, "the sample cites KEV-listed CVEs");
    assert_eq!(r.kev_listed, listed);
    assert_eq!(r.kev_enriched, raised);
    // The enriched document is still a valid document.
    risk_core::rate(&doc, &risk_core::Methodology::default()).unwrap();
}
