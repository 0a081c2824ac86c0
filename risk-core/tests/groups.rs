//! Groups (issue 15, item 1): validation with typed errors and paths, and the per-group figures
//! under independence, checked by hand.

use risk_core::{ErrorCode, Methodology, parse_portfolio, rate, rate_json};

fn errors(text: &str) -> Vec<(ErrorCode, String)> {
    let e = rate_json(text, &Methodology::default()).unwrap_err();
    let risk_core::Error::Input(e) = e else {
        panic!("not an input error: {e:?}")
    };
    e.problems()
        .iter()
        .map(|p| (p.code, p.path.clone()))
        .collect()
}

const DOC: &str = r#"{"as_of": "2025-09-30", "organisations": [
  {"id": "B", "groups": ["icb:QWE", "region:london"],
   "attestation": {"incident_probability": 0.1}},
  {"id": "A", "groups": ["icb:QWE"], "attestation": {"incident_probability": 0.2}},
  {"id": "C", "groups": ["region:london"], "attestation": {"incident_probability": 0.05}},
  {"id": "D"}
]}"#;

#[test]
fn group_figures_by_hand() {
    let r = rate(&parse_portfolio(DOC).unwrap(), &Methodology::default()).unwrap();
    // No dependencies, so P is the internal probability; check it is the stated one (no clamp).
    let p = |id: &str| r.get(id).unwrap().probability;
    assert!((p("A") - 0.2).abs() < 1e-12 && (p("B") - 0.1).abs() < 1e-12);
    let names: Vec<&str> = r.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(names, ["icb:QWE", "region:london"]);
    let icb = &r.groups[0];
    assert_eq!(icb.members, ["A", "B"]);
    assert!((icb.expected_incidents - 0.3).abs() < 1e-12);
    // 1 − 0.8 × 0.9
    assert!((icb.p_any_independent - 0.28).abs() < 1e-12);
    let london = &r.groups[1];
    assert_eq!(london.members, ["B", "C"]);
    assert!((london.expected_incidents - 0.15).abs() < 1e-12);
    assert!((london.p_any_independent - (1.0 - 0.9 * 0.95)).abs() < 1e-12);
}

#[test]
fn without_groups_the_output_has_no_groups_key() {
    let r = rate_json(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A", "groups": null}, {"id": "B", "groups": []}]}"#,
        &Methodology::default(),
    )
    .unwrap();
    assert!(r.groups.is_empty());
    assert!(!r.to_json().contains(r#""groups""#));
    let with = rate(&parse_portfolio(DOC).unwrap(), &Methodology::default()).unwrap();
    assert!(with.to_json().contains(r#""groups":[{"group":"icb:QWE""#));
}

#[test]
fn input_order_changes_nothing() {
    let a = rate(&parse_portfolio(DOC).unwrap(), &Methodology::default()).unwrap();
    let mut doc = parse_portfolio(DOC).unwrap();
    doc.organisations.reverse();
    for o in &mut doc.organisations {
        o.groups.reverse();
    }
    let b = rate(&doc, &Methodology::default()).unwrap();
    assert_eq!(a.groups, b.groups);
}

#[test]
fn bad_groups_are_typed_errors_with_paths() {
    let doc = |groups: &str| {
        format!(
            r#"{{"as_of": "2025-09-30", "organisations": [{{"id": "A", "groups": {groups}}}]}}"#
        )
    };
    assert_eq!(
        errors(&doc(r#"["icb:QWE", ""]"#)),
        [(ErrorCode::EmptyGroup, "organisations[0].groups[1]".into())]
    );
    assert_eq!(
        errors(&doc(r#"["icb:QWE", "region:x", "icb:QWE"]"#)),
        [(
            ErrorCode::DuplicateGroup,
            "organisations[0].groups[2]".into()
        )]
    );
    assert_eq!(
        errors(&doc(r#""icb:QWE""#)),
        [(ErrorCode::WrongType, "organisations[0].groups".into())]
    );
    assert_eq!(
        errors(&doc(r#"["icb:QWE", 7]"#)),
        [(ErrorCode::WrongType, "organisations[0].groups[1]".into())]
    );
    assert_eq!(ErrorCode::EmptyGroup.as_str(), "empty_group");
    assert_eq!(ErrorCode::DuplicateGroup.as_str(), "duplicate_group");
}
