//! What-if and improvement plans (section 8) on the section 1 example, against figures computed
//! independently from the specification's formulas (see spec_example.rs for the base case).

use risk_core::{
    Access, Action, Assurance, ErrorCode, Methodology, Outcome, parse_portfolio, validate,
};

const DOC: &str = include_str!("data/spec_example.json");

fn close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected}"
    );
}

fn prepared() -> risk_core::Prepared {
    validate(&parse_portfolio(DOC).unwrap(), &Methodology::default()).unwrap()
}

const BASE: f64 = 526.0442594075739;

#[test]
fn single_actions_by_hand() {
    let p = prepared();
    // resolve F-17 on as_of: fixed after 60 days > deadline 14, so late: its open penalty
    // β += 47.824 becomes β += 0.25·0.98·2·2 = 0.98 (age 0, no decay).
    let w = p
        .what_if(
            "RBS",
            &[Action::ResolveFinding {
                finding: "F-17".into(),
            }],
        )
        .unwrap();
    close(w.score_before, BASE, "before");
    close(w.delta, 11.295931946298879, "resolve gain");
    // set_assessment B4.d achieved/independent_audit on as_of: α += 16 replaces α, β += 6.716.
    let w = p
        .what_if(
            "RBS",
            &[Action::SetAssessment {
                control: "B4.d".into(),
                outcome: Outcome::Achieved,
                assurance: Assurance::IndependentAudit,
            }],
        )
        .unwrap();
    close(w.delta, 4.641681206370322, "assessment gain");
    // set_metric mfa_coverage 4500/4500 on as_of: α += 40 (cap), β += 0.
    let w = p
        .what_if(
            "RBS",
            &[Action::SetMetric {
                metric: "mfa_coverage".into(),
                successes: 4500,
                trials: 4500,
            }],
        )
        .unwrap();
    close(w.delta, 2.08787857041375, "metric gain");
    // remove_dependency SUP-PATH: P_supply 0.0168 → 0.
    let w = p
        .what_if(
            "RBS",
            &[Action::RemoveDependency {
                supplier: "SUP-PATH".into(),
            }],
        )
        .unwrap();
    close(w.delta, 5.315330543214486, "dependency gain");
    assert!(w.dependants.is_empty());
}

#[test]
fn changes_reach_dependants() {
    let p = prepared();
    // SUP-PATH's prior is improved by nothing it can do here, but giving it bad evidence (by
    // way of a new not-achieved assessment) must lower RBS, its dependant.
    let w = p
        .what_if(
            "SUP-PATH",
            &[Action::SetAssessment {
                control: "A4.a".into(),
                outcome: Outcome::NotAchieved,
                assurance: Assurance::IndependentAudit,
            }],
        )
        .unwrap();
    assert!(w.delta < 0.0);
    assert_eq!(w.dependants.len(), 1);
    assert_eq!(w.dependants[0].id, "RBS");
    assert!(w.dependants[0].delta < 0.0);
}

#[test]
fn plan_by_hand() {
    // v1.2: SUP-PATH is a critical supplier, so its candidate is a step down in access
    // (network → data: coupling 0.40 → 0.30), not its removal.
    let p = prepared();
    let plan = p.plan("RBS", 2).unwrap();
    close(plan.score, BASE, "plan base");
    assert_eq!(plan.candidates, 4);
    let got: Vec<(Action, f64)> = plan
        .steps
        .iter()
        .map(|s| (s.action.clone(), s.gain))
        .collect();
    assert_eq!(
        got[0].0,
        Action::ResolveFinding {
            finding: "F-17".into()
        }
    );
    close(got[0].1, 11.295931946298879, "step 1");
    assert_eq!(
        got[1].0,
        Action::SetAssessment {
            control: "B4.d".into(),
            outcome: Outcome::Achieved,
            assurance: Assurance::IndependentAudit,
        }
    );
    close(got[1].1, 4.641681206370322, "step 2");
    close(plan.score_with_all, 551.6842835291172, "top-2 together");
    let all = p.plan("RBS", 10).unwrap();
    assert_eq!(all.steps.len(), 4);
    assert_eq!(
        all.steps[3].action,
        Action::SetDependencyAccess {
            supplier: "SUP-PATH".into(),
            access: Access::Data,
        }
    );
    close(all.steps[3].gain, 1.3092115575285561, "access step");
    close(all.score_with_all, 555.5018722916063, "all four together");
    // The plan's gains are the what-if deltas.
    for s in &all.steps {
        let w = p.what_if("RBS", std::slice::from_ref(&s.action)).unwrap();
        close(w.delta, s.gain, "plan gain = what-if delta");
    }
}

#[test]
fn plan_one_step_per_supplier() {
    // A medium-criticality supplier has two candidates (a step down in access and removal);
    // removal gains more and is the only one listed.
    let doc = DOC.replace(r#""criticality": "critical""#, r#""criticality": "medium""#);
    let p = validate(&parse_portfolio(&doc).unwrap(), &Methodology::default()).unwrap();
    let plan = p.plan("RBS", 10).unwrap();
    assert_eq!(plan.candidates, 5);
    assert_eq!(plan.steps.len(), 4);
    let dep: Vec<&Action> = plan
        .steps
        .iter()
        .map(|s| &s.action)
        .filter(|a| a.supplier().is_some())
        .collect();
    assert_eq!(
        dep,
        [&Action::RemoveDependency {
            supplier: "SUP-PATH".into()
        }]
    );
    close(plan.steps[3].gain, 1.3488764460101947, "removal gain");
    close(plan.score_with_all, 561.0316085963912, "all together");
}

#[test]
fn set_dependency_access_what_if() {
    let p = prepared();
    let w = p
        .what_if(
            "RBS",
            &[Action::SetDependencyAccess {
                supplier: "SUP-PATH".into(),
                access: Access::Data,
            }],
        )
        .unwrap();
    close(w.delta, 1.3092115575285561, "access gain");
    // Raising access lowers the score (coupling 0.40 → 0.50).
    let w = p
        .what_if(
            "RBS",
            &[Action::SetDependencyAccess {
                supplier: "SUP-PATH".into(),
                access: Access::Admin,
            }],
        )
        .unwrap();
    assert!(w.delta < 0.0);
    let e = p
        .what_if(
            "RBS",
            &[
                Action::ResolveFinding {
                    finding: "F-17".into(),
                },
                Action::SetDependencyAccess {
                    supplier: "RBS".into(),
                    access: Access::None,
                },
            ],
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[1].supplier")
    );
    // A malformed action is named as a whole, like an invalid outcome (the parser's convention).
    let e = risk_core::parse_actions(
        r#"[{"action": "set_dependency_access", "supplier": "S", "access": "root"}]"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0]")
    );
    // A missing field is named itself (vector error_what_if_access_missing).
    let e = risk_core::parse_actions(r#"[{"action": "set_dependency_access", "supplier": "S"}]"#)
        .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0].access")
    );
}

#[test]
fn plan_ties_broken_by_action_json() {
    // Two identical open findings have identical gains: ordered by the action's JSON text.
    let doc = parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "A", "findings": [
        {"id": "F2", "kind": "tls", "first_seen": "2025-09-01"},
        {"id": "F1", "kind": "tls", "first_seen": "2025-09-01"}]}]}"#,
    )
    .unwrap();
    let p = validate(&doc, &Methodology::default()).unwrap();
    let plan = p.plan("A", 2).unwrap();
    assert_eq!(
        plan.steps[0].action,
        Action::ResolveFinding {
            finding: "F1".into()
        }
    );
    assert_eq!(
        plan.steps[1].action,
        Action::ResolveFinding {
            finding: "F2".into()
        }
    );
    assert_eq!(plan.steps[0].gain, plan.steps[1].gain);
    assert_eq!(
        plan.steps[0].action.to_json(),
        r#"{"action":"resolve_finding","finding":"F1"}"#
    );
}

#[test]
fn action_errors_name_their_path() {
    let p = prepared();
    let e = p.what_if("NOPE", &[]).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::UnknownOrganisation, "organisation")
    );
    let cases: Vec<(Action, ErrorCode, &str)> = vec![
        (
            Action::ResolveFinding {
                finding: "F-99".into(),
            },
            ErrorCode::InvalidAction,
            "actions[1].finding",
        ),
        (
            Action::RemoveDependency {
                supplier: "X".into(),
            },
            ErrorCode::InvalidAction,
            "actions[1].supplier",
        ),
        (
            Action::SetAssessment {
                control: "Z9.a".into(),
                outcome: Outcome::Achieved,
                assurance: Assurance::SelfAssessed,
            },
            ErrorCode::UnmappedControl,
            "actions[1].control",
        ),
        (
            Action::SetAssessment {
                control: "b4.d".into(),
                outcome: Outcome::Achieved,
                assurance: Assurance::SelfAssessed,
            },
            ErrorCode::InvalidControl,
            "actions[1].control",
        ),
        (
            Action::SetMetric {
                metric: "nope".into(),
                successes: 1,
                trials: 1,
            },
            ErrorCode::UnknownMetric,
            "actions[1].metric",
        ),
        (
            Action::SetMetric {
                metric: "edr_coverage".into(),
                successes: 2,
                trials: 1,
            },
            ErrorCode::SuccessesExceedTrials,
            "actions[1].successes",
        ),
        (
            Action::SetMetric {
                metric: "edr_coverage".into(),
                successes: 0,
                trials: 0,
            },
            ErrorCode::InvalidTrials,
            "actions[1].trials",
        ),
    ];
    for (bad, code, path) in cases {
        let actions = [
            Action::ResolveFinding {
                finding: "F-17".into(),
            },
            bad,
        ];
        let e = p.what_if("RBS", &actions).unwrap_err();
        assert_eq!((e.code(), e.path()), (code, path), "{actions:?}");
    }
    // Assessing a control or observing a metric for the first time is fine.
    assert!(
        p.what_if(
            "RBS",
            &[Action::SetMetric {
                metric: "edr_coverage".into(),
                successes: 9,
                trials: 10
            }]
        )
        .is_ok()
    );
    // Resolving a finding already resolved changes nothing.
    let once = p
        .what_if(
            "RBS",
            &[Action::ResolveFinding {
                finding: "F-17".into(),
            }],
        )
        .unwrap();
    let twice = p
        .what_if(
            "RBS",
            &[
                Action::ResolveFinding {
                    finding: "F-17".into(),
                },
                Action::ResolveFinding {
                    finding: "F-17".into(),
                },
            ],
        )
        .unwrap();
    assert_eq!(once.score_after, twice.score_after);
}

#[test]
fn malformed_actions_are_typed_errors() {
    let e = risk_core::parse_actions(r#"[{"action": "delete_everything"}]"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidAction);
    assert!(e.path().starts_with("actions[0]"), "{}", e.path());
    let e = risk_core::parse_actions(r#"[{"action": "resolve_finding"}]"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidAction);
    let e = risk_core::parse_actions(r#"[{"action": "resolve_finding", "finding": "F", "x": 1}]"#)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidAction);
    let ok =
        risk_core::parse_actions(r#"[{"action": "remove_dependency", "supplier": "S"}]"#).unwrap();
    assert_eq!(
        ok,
        [Action::RemoveDependency {
            supplier: "S".into()
        }]
    );
}

#[test]
fn history_points() {
    let p = prepared();
    let dates: Vec<risk_core::Date> = ["2024-01-01", "2025-07-15", "2025-08-15", "2025-09-30"]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
    let h = p.history(&dates);
    let rbs = &h.series[0];
    // Before all evidence: the prior-only rating (P = 0.25 → 520.75...), but the dependency on
    // SUP-PATH still adds supply-chain probability.
    let prior_only = p.history(&dates[..1]);
    assert_eq!(rbs.points[0], prior_only.series[0].points[0]);
    assert_eq!(rbs.points[0].basis, risk_core::Basis::Prior);
    // The last point is today's rating.
    close(rbs.points[3].score, BASE, "today");
    // Adding dates never changes earlier points.
    let shorter = p.history(&dates[..3]);
    assert_eq!(&h.series[0].points[..3], &shorter.series[0].points[..]);
    // Change between two dates: the finding entered (first seen 2025-08-01).
    let c = p.change("RBS", dates[1], dates[3]).unwrap();
    close(c.delta, c.score_to - c.score_from, "delta");
    let entered: Vec<&str> = c.entered.iter().map(|e| e.reference.as_str()).collect();
    assert!(
        entered.contains(&"F-17") && entered.contains(&"mfa_coverage"),
        "{entered:?}"
    );
    assert!(c.decayed.iter().any(|e| e.reference == "B4.d"));
    let total =
        c.factors.iter().map(|f| f.points).sum::<f64>() + c.supply_points + c.interaction_points;
    close(total, c.delta, "decomposition adds up");
}
