//! The what-if actions `uphold_dispute` and `reject_dispute` (methodology section 10.4).

use crate::error::{ErrorCode, InputError};
use crate::input::date::Date;
use crate::input::dispute::DisputeStatus;
use crate::rating::disputes::{PDispute, at};
use crate::rating::validate::PreparedOrg;

const FIELDS: [&str; 4] = ["control", "metric", "finding", "supplier"];

/// Settle, on `as_of`, every dispute open at `as_of` on the item named by exactly one of
/// `[control, metric, finding, supplier]` (action `i`).
pub(crate) fn settle(
    org: &mut PreparedOrg,
    i: usize,
    names: [&Option<String>; 4],
    status: DisputeStatus,
    as_of: Date,
) -> Result<(), InputError> {
    let given: Vec<usize> = (0..4).filter(|&k| names[k].is_some()).collect();
    let [k] = given[..] else {
        return Err(InputError::single(
            ErrorCode::InvalidAction,
            format!("actions[{i}]"),
            "a dispute action names its item by exactly one of control, metric, finding or supplier",
        ));
    };
    let name = names[k].as_deref().unwrap_or_default();
    let settle_one = |d: &mut Option<PDispute>| -> bool {
        if at(d, as_of) != Some(DisputeStatus::Open) {
            return false;
        }
        if let Some(d) = d {
            d.status = status;
            d.resolved_on = Some(as_of);
        }
        true
    };
    let mut n = 0;
    match k {
        0 => {
            for x in org.assessments.iter_mut().filter(|x| x.control == name) {
                n += usize::from(settle_one(&mut x.dispute));
            }
        }
        1 => {
            for x in org.metrics.iter_mut().filter(|x| x.metric == name) {
                n += usize::from(settle_one(&mut x.dispute));
            }
        }
        2 => {
            for x in org.findings.iter_mut().filter(|x| x.id == name) {
                n += usize::from(settle_one(&mut x.dispute));
            }
        }
        _ => {
            for x in org.deps.iter_mut().filter(|x| x.supplier_id == name) {
                n += usize::from(settle_one(&mut x.dispute));
            }
        }
    }
    if n == 0 {
        return Err(InputError::single(
            ErrorCode::InvalidAction,
            format!("actions[{i}].{}", FIELDS[k]),
            format!(
                "organisation `{}` has no open dispute on {} `{}`",
                crate::error::clip(&org.id, 200),
                FIELDS[k],
                crate::error::clip(name, 200)
            ),
        ));
    }
    Ok(())
}

impl crate::decision::whatif::Action {
    /// The action's name as in JSON (`resolve_finding`, `uphold_dispute`, …).
    ///
    /// ```
    /// let a = risk_core::Action::ResolveFinding { finding: "F-17".into() };
    /// assert_eq!((a.name(), a.target()), ("resolve_finding", "F-17"));
    /// ```
    pub fn name(&self) -> &'static str {
        use crate::decision::whatif::Action::*;
        match self {
            SetAssessment { .. } => "set_assessment",
            ResolveFinding { .. } => "resolve_finding",
            SetMetric { .. } => "set_metric",
            RemoveDependency { .. } => "remove_dependency",
            UpholdDispute { .. } => "uphold_dispute",
            RejectDispute { .. } => "reject_dispute",
        }
    }

    /// What the action names: the control, metric, finding or supplier (for a dispute action,
    /// whichever of those it gives; empty if none).
    pub fn target(&self) -> &str {
        use crate::decision::whatif::Action::*;
        match self {
            SetAssessment { control, .. } => control,
            ResolveFinding { finding } => finding,
            SetMetric { metric, .. } => metric,
            RemoveDependency { supplier } => supplier,
            UpholdDispute {
                control,
                metric,
                finding,
                supplier,
            }
            | RejectDispute {
                control,
                metric,
                finding,
                supplier,
            } => [control, metric, finding, supplier]
                .into_iter()
                .find_map(|x| x.as_deref())
                .unwrap_or_default(),
        }
    }
}
