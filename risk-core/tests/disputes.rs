//! Disputes (methodology section 10): every bad value is a typed error with its path, disputes
//! follow `as_of`, upheld = deleted, rejected = normal, open = counted plus the undisputed view,
//! driver reasons, and the what-if actions `uphold_dispute` / `reject_dispute`.

use risk_core::{
    Action, ErrorCode, Methodology, Portfolio, PortfolioRating, parse_portfolio, rate, validate,
};
use serde_json::{Value, json};

/// RBS (one finding, one assessment, one metric, a dependency on SUP), SUP (a finding), and
/// ICB depending on RBS; OTHER stands alone.
fn base() -> Value {
    json!({
        "as_of": "2025-09-30",
        "organisations": [
            {"id": "RBS", "peer_group": "acute",
             "assessments": [{"control": "B4.d", "outcome": "not_achieved",
                              "assurance": "independent_audit", "assessed_on": "2025-06-30"}],
             "metrics": [{"metric": "mfa_coverage", "successes": 10, "trials": 4500,
                          "observed_on": "2025-09-01"}],
             "findings": [
                {"id": "F-17", "kind": "vulnerability", "cve": "CVE-2024-3400",
                 "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "kev": true,
                 "internet_facing": true, "asset_criticality": "clinical",
                 "first_seen": "2025-08-01"},
                {"id": "F-18", "kind": "tls", "first_seen": "2025-07-01"}],
             "dependencies": [{"supplier": "SUP", "criticality": "critical", "access": "admin"}]},
            {"id": "SUP", "peer_group": "supplier",
             "findings": [{"id": "S-1", "kind": "exposed_service", "internet_facing": true,
                           "first_seen": "2025-06-01"}]},
            {"id": "ICB", "peer_group": "icb",
             "dependencies": [{"supplier": "RBS", "criticality": "high", "access": "data"}]},
            {"id": "OTHER", "peer_group": "acute",
             "findings": [{"id": "O-1", "kind": "tls", "first_seen": "2025-07-01"}]}
        ]
    })
}

fn open_dispute() -> Value {
    json!({"status": "open", "reason": "not_ours", "raised_on": "2025-09-10",
           "raised_by": "RBS CISO"})
}

fn doc(v: &Value) -> Portfolio {
    parse_portfolio(&v.to_string()).unwrap()
}

/// The rating, without its provenance block: the input digest names the document (disputes
/// included) by design, and tests/provenance.rs checks it; these tests compare rated figures.
fn rated(v: &Value) -> PortfolioRating {
    let mut r = rate(&doc(v), &Methodology::default()).unwrap();
    r.provenance = None;
    r
}

/// `base()` with `dispute` on the item at `pointer` (a JSON pointer).
fn with_dispute(pointer: &str, dispute: Value) -> Value {
    let mut v = base();
    v.pointer_mut(pointer).unwrap()["dispute"] = dispute;
    v
}

/// `base()` with the item at `pointer` deleted.
fn without(pointer: &str) -> Value {
    let mut v = base();
    let (parent, idx) = pointer.rsplit_once('/').unwrap();
    v.pointer_mut(parent)
        .unwrap()
        .as_array_mut()
        .unwrap()
        .remove(idx.parse().unwrap());
    v
}

const F17: &str = "/organisations/0/findings/0";
const ITEMS: [(&str, &str); 5] = [
    (
        "/organisations/0/assessments/0",
        "organisations[0].assessments[0]",
    ),
    ("/organisations/0/metrics/0", "organisations[0].metrics[0]"),
    (
        "/organisations/0/findings/0",
        "organisations[0].findings[0]",
    ),
    (
        "/organisations/0/dependencies/0",
        "organisations[0].dependencies[0]",
    ),
    (
        "/organisations/1/findings/0",
        "organisations[1].findings[0]",
    ),
];

/// The first problem of a rejected document: (code, path).
fn rejected(v: &Value) -> (ErrorCode, String) {
    let text = v.to_string();
    let e = match parse_portfolio(&text) {
        Err(e) => e,
        Ok(d) => validate(&d, &Methodology::default()).unwrap_err(),
    };
    (e.code(), e.path().to_owned())
}

/// Scores, intervals, probabilities, factors and drivers equal bit for bit (JSON of each rating
/// without its `disputes` block).
fn same_ratings(a: &PortfolioRating, b: &PortfolioRating) {
    assert_eq!(a.ratings.len(), b.ratings.len());
    for (x, y) in a.ratings.iter().zip(&b.ratings) {
        let (mut x, mut y) = (x.clone(), y.clone());
        x.disputes = None;
        y.disputes = None;
        assert_eq!(
            serde_json::to_string(&x).unwrap(),
            serde_json::to_string(&y).unwrap()
        );
    }
    assert_eq!(a.peer_groups, b.peer_groups);
    assert_eq!(a.suppliers, b.suppliers);
}

// ---------------------------------------------------------------------------------------------
// Every bad value: a typed error with its path, on every kind of item.

#[test]
fn unknown_status_is_rejected_with_its_path() {
    for (ptr, path) in ITEMS {
        let mut d = open_dispute();
        d["status"] = json!("pending");
        assert_eq!(
            rejected(&with_dispute(ptr, d)),
            (ErrorCode::UnknownValue, format!("{path}.dispute.status"))
        );
    }
}

#[test]
fn unknown_reason_is_rejected_with_its_path() {
    for (ptr, path) in ITEMS {
        let mut d = open_dispute();
        d["reason"] = json!("not_mine");
        assert_eq!(
            rejected(&with_dispute(ptr, d)),
            (ErrorCode::UnknownValue, format!("{path}.dispute.reason"))
        );
    }
}

#[test]
fn resolved_on_is_required_when_upheld_or_rejected() {
    for status in ["upheld", "rejected"] {
        for (ptr, path) in ITEMS {
            let mut d = open_dispute();
            d["status"] = json!(status);
            assert_eq!(
                rejected(&with_dispute(ptr, d)),
                (
                    ErrorCode::MissingResolvedOn,
                    format!("{path}.dispute.resolved_on")
                )
            );
        }
    }
}

#[test]
fn resolved_on_is_forbidden_while_open() {
    for (ptr, path) in ITEMS {
        let mut d = open_dispute();
        d["resolved_on"] = json!("2025-09-20");
        assert_eq!(
            rejected(&with_dispute(ptr, d)),
            (
                ErrorCode::UnexpectedResolvedOn,
                format!("{path}.dispute.resolved_on")
            )
        );
    }
}

#[test]
fn resolved_on_not_before_raised_on() {
    for (ptr, path) in ITEMS {
        let mut d = open_dispute();
        d["status"] = json!("upheld");
        d["resolved_on"] = json!("2025-09-09");
        assert_eq!(
            rejected(&with_dispute(ptr, d.clone())),
            (
                ErrorCode::ResolvedBeforeRaised,
                format!("{path}.dispute.resolved_on")
            )
        );
        // The same day is fine.
        d["resolved_on"] = json!("2025-09-10");
        rated(&with_dispute(ptr, d));
    }
}

#[test]
fn dates_must_be_calendar_dates() {
    for field in ["raised_on", "resolved_on"] {
        let (ptr, path) = ITEMS[2];
        let mut d = open_dispute();
        d["status"] = json!("rejected");
        d["resolved_on"] = json!("2025-09-20");
        d[field] = json!("2025-02-30");
        assert_eq!(
            rejected(&with_dispute(ptr, d)),
            (ErrorCode::InvalidDate, format!("{path}.dispute.{field}"))
        );
    }
}

#[test]
fn required_fields_and_unknown_fields() {
    let (ptr, path) = ITEMS[0];
    for field in ["status", "reason", "raised_on", "raised_by"] {
        let mut d = open_dispute();
        d.as_object_mut().unwrap().remove(field);
        assert_eq!(
            rejected(&with_dispute(ptr, d)).0,
            ErrorCode::MissingField,
            "{field}"
        );
    }
    let mut d = open_dispute();
    d["colour"] = json!(1);
    assert_eq!(
        rejected(&with_dispute(ptr, d)),
        (ErrorCode::UnknownField, format!("{path}.dispute.colour"))
    );
    // null means absent.
    let r = rated(&with_dispute(ptr, Value::Null));
    same_ratings(&r, &rated(&base()));
}

#[test]
fn dispute_strings_obey_the_string_limit() {
    let (ptr, path) = ITEMS[2];
    let mut d = open_dispute();
    d["note"] = json!("x".repeat(5000));
    assert_eq!(
        rejected(&with_dispute(ptr, d)),
        (ErrorCode::LimitExceeded, format!("{path}.dispute.note"))
    );
}

// ---------------------------------------------------------------------------------------------
// Semantics

#[test]
fn upheld_is_deleted_everywhere() {
    for (ptr, _) in ITEMS {
        let mut d = open_dispute();
        d["status"] = json!("upheld");
        d["resolved_on"] = json!("2025-09-20");
        let r = rated(&with_dispute(ptr, d));
        same_ratings(&r, &rated(&without(ptr)));
        assert!(r.ratings.iter().all(|x| x.disputes.is_none()), "{ptr}");
    }
}

#[test]
fn rejected_counts_as_normal() {
    let plain = rated(&base());
    for (ptr, _) in ITEMS {
        let mut d = open_dispute();
        d["status"] = json!("rejected");
        d["resolved_on"] = json!("2025-09-20");
        let r = rated(&with_dispute(ptr, d));
        // Byte for byte the output of the undisputed document.
        assert_eq!(r.to_json(), plain.to_json(), "{ptr}");
    }
}

#[test]
fn raised_after_as_of_is_ignored() {
    let plain = rated(&base());
    let mut d = open_dispute();
    d["status"] = json!("upheld");
    d["raised_on"] = json!("2025-10-01");
    d["resolved_on"] = json!("2025-10-02");
    assert_eq!(rated(&with_dispute(F17, d)).to_json(), plain.to_json());
}

#[test]
fn resolved_after_as_of_is_still_open() {
    let mut d = open_dispute();
    d["status"] = json!("upheld");
    d["resolved_on"] = json!("2025-10-02");
    let r = rated(&with_dispute(F17, d));
    let open = rated(&with_dispute(F17, open_dispute()));
    assert_eq!(r.to_json(), open.to_json());
    assert_eq!(r.get("RBS").unwrap().disputes.as_ref().unwrap().open, 1);
    // And at a later date it is upheld: the history series sees it go.
    let p = validate(
        &doc(&with_dispute(F17, d_upheld())),
        &Methodology::default(),
    )
    .unwrap();
    let later = p.rate_at("2025-10-05".parse().unwrap());
    let gone = validate(&doc(&without(F17)), &Methodology::default())
        .unwrap()
        .rate_at("2025-10-05".parse().unwrap());
    same_ratings(&later, &gone);
}

fn d_upheld() -> Value {
    let mut d = open_dispute();
    d["status"] = json!("upheld");
    d["resolved_on"] = json!("2025-10-02");
    d
}

#[test]
fn open_counts_and_the_undisputed_view_reaches_dependants() {
    let r = rated(&with_dispute(F17, open_dispute()));
    let plain = rated(&base());
    let gone = rated(&without(F17));
    // Counted as filed: the same numbers (only F-17's reason says it is disputed).
    let strip = |r: &PortfolioRating| r.to_json().replace("; disputed: not ours", "");
    let mut r2 = r.clone();
    r2.ratings.iter_mut().for_each(|x| x.disputes = None);
    assert_eq!(strip(&r2), plain.to_json());
    for id in ["RBS", "ICB"] {
        let d = r.get(id).unwrap().disputes.as_ref().expect(id);
        let g = gone.get(id).unwrap();
        assert_eq!(d.score_undisputed.to_bits(), g.score.to_bits(), "{id}");
        assert_eq!(d.interval_undisputed, g.interval);
        assert_eq!(d.band_undisputed, g.band);
    }
    let rbs = r.get("RBS").unwrap().disputes.as_ref().unwrap();
    assert_eq!((rbs.open, rbs.upheld, rbs.rejected), (1, 0, 0));
    let icb = r.get("ICB").unwrap().disputes.as_ref().unwrap();
    assert_eq!((icb.open, icb.upheld, icb.rejected), (0, 0, 0));
    assert!(rbs.score_undisputed > r.get("RBS").unwrap().score);
    // A supplier is not reached by its customer's dispute; an unrelated organisation neither.
    assert!(r.get("SUP").unwrap().disputes.is_none());
    assert!(r.get("OTHER").unwrap().disputes.is_none());
    let json = r.to_json();
    assert_eq!(json.matches("\"disputes\"").count(), 2);
}

#[test]
fn a_supplier_dispute_reaches_its_customers() {
    let r = rated(&with_dispute("/organisations/1/findings/0", open_dispute()));
    for id in ["SUP", "RBS", "ICB"] {
        assert!(r.get(id).unwrap().disputes.is_some(), "{id}");
    }
    assert!(r.get("OTHER").unwrap().disputes.is_none());
    assert_eq!(r.get("RBS").unwrap().disputes.as_ref().unwrap().open, 0);
}

#[test]
fn drivers_of_open_disputes_say_so() {
    let r = rated(&with_dispute(F17, open_dispute()));
    let d = r.get("RBS").unwrap();
    let f17 = d.drivers.iter().find(|d| d.reference == "F-17").unwrap();
    assert!(
        f17.reason.ends_with("; disputed: not ours"),
        "{}",
        f17.reason
    );
    let f18 = d.drivers.iter().find(|d| d.reference == "F-18").unwrap();
    assert!(!f18.reason.contains("disputed"), "{}", f18.reason);
    let mut dep = open_dispute();
    dep["reason"] = json!("compensating_control");
    let r = rated(&with_dispute("/organisations/0/dependencies/0", dep));
    let sup = r.get("RBS").unwrap();
    let sup = sup.drivers.iter().find(|d| d.reference == "SUP").unwrap();
    assert!(
        sup.reason.ends_with("; disputed: compensating control"),
        "{}",
        sup.reason
    );
}

// ---------------------------------------------------------------------------------------------
// What-if

#[test]
fn upholding_equals_deleting_and_rejecting_equals_no_dispute() {
    for (ptr, _) in ITEMS.iter().take(4) {
        let v = with_dispute(ptr, open_dispute());
        let p = validate(&doc(&v), &Methodology::default()).unwrap();
        let item = |a: &str| -> Action {
            let key = match ptr.rsplit('/').nth(1).unwrap() {
                "assessments" => ("control", "B4.d"),
                "metrics" => ("metric", "mfa_coverage"),
                "findings" => ("finding", "F-17"),
                _ => ("supplier", "SUP"),
            };
            serde_json::from_value(json!({"action": a, key.0: key.1})).unwrap()
        };
        let up = p.what_if("RBS", &[item("uphold_dispute")]).unwrap();
        let gone = rated(&without(ptr));
        let mut got = up.rating.clone();
        got.disputes = None;
        let mut want = gone.get("RBS").unwrap().clone();
        want.disputes = None;
        assert_eq!(got, want, "{ptr}");
        let icb = up.dependants.iter().find(|c| c.id == "ICB").unwrap();
        assert_eq!(
            icb.after.to_bits(),
            gone.get("ICB").unwrap().score.to_bits()
        );

        let rej = p.what_if("RBS", &[item("reject_dispute")]).unwrap();
        assert_eq!(rej.delta, 0.0);
        assert!(rej.rating.disputes.is_none());
        let plain = rated(&base());
        assert_eq!(rej.rating.drivers, plain.get("RBS").unwrap().drivers);
    }
}

#[test]
fn dispute_actions_name_exactly_one_open_dispute() {
    let p = validate(
        &doc(&with_dispute(F17, open_dispute())),
        &Methodology::default(),
    )
    .unwrap();
    let act = |v: Value| -> Action { serde_json::from_value(v).unwrap() };
    let e = p
        .what_if(
            "RBS",
            &[act(json!({"action": "uphold_dispute", "finding": "F-18"}))],
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0].finding")
    );
    let e = p
        .what_if(
            "RBS",
            &[act(
                json!({"action": "reject_dispute", "finding": "F-17", "control": "B4.d"}),
            )],
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0]")
    );
    let e = p
        .what_if("RBS", &[act(json!({"action": "reject_dispute"}))])
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0]")
    );
    // Settling twice: the second finds nothing open.
    let a = act(json!({"action": "uphold_dispute", "finding": "F-17"}));
    let e = p.what_if("RBS", &[a.clone(), a.clone()]).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[1].finding")
    );
    assert_eq!(
        a.to_json(),
        r#"{"action":"uphold_dispute","finding":"F-17"}"#
    );
    let parsed =
        risk_core::parse_actions(r#"[{"action": "reject_dispute", "supplier": "SUP"}]"#).unwrap();
    assert_eq!(
        (parsed[0].kind(), parsed[0].target()),
        ("reject_dispute", "SUP")
    );
}

#[test]
fn plans_ignore_upheld_items() {
    let mut d = open_dispute();
    d["status"] = json!("upheld");
    d["resolved_on"] = json!("2025-09-20");
    let dep = "/organisations/0/dependencies/0";
    let mut v = with_dispute(F17, d.clone());
    v.pointer_mut(dep).unwrap()["dispute"] = d;
    let p = validate(&doc(&v), &Methodology::default()).unwrap();
    let plan = p.plan("RBS", 10).unwrap();
    let mut w = without(dep);
    w.pointer_mut("/organisations/0/findings")
        .unwrap()
        .as_array_mut()
        .unwrap()
        .remove(0);
    assert_eq!(
        p.plan_candidates("RBS").unwrap(),
        validate(&doc(&w), &Methodology::default())
            .unwrap()
            .plan_candidates("RBS")
            .unwrap()
    );
    let gone = validate(&doc(&w), &Methodology::default())
        .unwrap()
        .plan("RBS", 10)
        .unwrap();
    // The same plan; only the provenance differs (its input digest names another document).
    assert_ne!(plan.provenance, gone.provenance);
    assert_eq!(
        risk_core::Plan {
            provenance: None,
            ..plan
        },
        risk_core::Plan {
            provenance: None,
            ..gone
        }
    );
}
