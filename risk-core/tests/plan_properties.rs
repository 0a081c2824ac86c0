//! Properties of improvement plans (issue 3): every single-action gain in a plan is ≥ 0, steps
//! are listed by gain, each gain is that action's what-if delta, and applying the plan never
//! lowers the score — for every organisation of random portfolios (cycles included).

mod common;

use common::portfolio;
use proptest::prelude::*;
use risk_core::{Methodology, validate};

/// Score tolerance, in points.
const TOL: f64 = 1e-9;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn plan_gains_are_non_negative_and_applying_never_lowers(p in portfolio(), k in 1usize..6) {
        let prepared = validate(&p, &Methodology::default()).unwrap();
        for o in &p.organisations {
            let plan = prepared.plan(&o.id, k).unwrap();
            prop_assert!(plan.steps.len() <= k && plan.steps.len() <= plan.candidates);
            for s in &plan.steps {
                prop_assert!(s.gain >= -TOL, "{}: gain {} for {:?}", o.id, s.gain, s.action);
            }
            for w in plan.steps.windows(2) {
                prop_assert!(w[0].gain >= w[1].gain - TOL, "steps out of order: {:?}", plan.steps);
            }
            prop_assert!(plan.score_with_all >= plan.score - TOL,
                "{}: applying the plan lowered {} to {}", o.id, plan.score, plan.score_with_all);
            if let Some(first) = plan.steps.first() {
                let w = prepared.what_if(&o.id, std::slice::from_ref(&first.action)).unwrap();
                prop_assert!((w.delta - first.gain).abs() <= 1e-9 * w.delta.abs().max(1.0));
                let all: Vec<_> = plan.steps.iter().map(|s| s.action.clone()).collect();
                let w = prepared.what_if(&o.id, &all).unwrap();
                prop_assert!((w.score_after - plan.score_with_all).abs() <= 1e-9 * w.score_after);
            }
        }
    }
}
