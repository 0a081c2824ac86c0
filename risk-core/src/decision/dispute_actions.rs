//! The what-if actions `uphold_dispute` and `reject_dispute` (methodology section 10.4).

use crate::input::date::Date;
use crate::input::dispute::DisputeStatus;
use crate::problem::{ErrorCode, InputError};
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
                crate::text::clip(&org.id, 200),
                FIELDS[k],
                crate::text::clip(name, 200)
            ),
        ));
    }
    Ok(())
}
