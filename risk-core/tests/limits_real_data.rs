//! Default limits fit real data (issue 14): a large trust's scanner export of 200,000 findings in
//! one organisation is accepted and rated, and the limits are still enforced above the defaults.

use risk_core::{
    ErrorCode, Limits, Methodology, parse_portfolio, parse_portfolio_with_limits, rate,
};

fn trust_with_findings(n: usize) -> String {
    let mut s = String::with_capacity(n * 160 + 200);
    s.push_str(r#"{"as_of": "2025-09-30", "organisations": [{"id": "RX1", "peer_group": "acute", "findings": ["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let cvss = [
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N",
        ][i % 2];
        s.push_str(&format!(
            r#"{{"id": "F-{i}", "kind": "vulnerability", "cvss": "{cvss}", "internet_facing": {}, "asset_criticality": "medium", "first_seen": "2025-08-01"}}"#,
            i % 3 == 0
        ));
    }
    s.push_str("]}]}");
    s
}

#[test]
fn two_hundred_thousand_findings_in_one_organisation_are_rated() {
    let text = trust_with_findings(200_000);
    let doc = parse_portfolio(&text).expect("200,000 findings are within the default limits");
    assert_eq!(doc.organisations[0].findings.len(), 200_000);
    let rating = rate(&doc, &Methodology::default()).unwrap();
    assert_eq!(rating.ratings.len(), 1);
    assert!(rating.ratings[0].score >= 250.0 && rating.ratings[0].score <= 900.0);
}

#[test]
fn the_defaults_are_documented_values_and_still_enforced() {
    let l = Limits::default();
    assert_eq!(l.max_items_per_list, 2_000_000);
    assert_eq!(l.max_document_bytes, 2 << 30);
    let tight = Limits {
        max_items_per_list: 10,
        ..Limits::default()
    };
    let doc = parse_portfolio_with_limits(&trust_with_findings(11), &tight).unwrap();
    let e = tight.check(&doc).unwrap_err();
    assert_eq!(e.code(), ErrorCode::LimitExceeded);
    assert_eq!(e.path(), "organisations[0].findings");
}
