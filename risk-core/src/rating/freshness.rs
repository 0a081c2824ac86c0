//! Freshness (methodology section 11.2): the date of an organisation's newest counted evidence
//! item and whether it is stale.

use crate::input::date::Date;
use crate::methodology::Methodology;
use crate::rating::engine::Beliefs;
use crate::rating::output::DriverKind;
use crate::rating::validate::PreparedOrg;

/// The newest date among the counted items: an assessment's `assessed_on`, a metric's
/// `observed_on`, a finding's `first_seen` or, once resolved by `as_of`, its `resolved_on`.
pub(crate) fn evidence_as_of(o: &PreparedOrg, b: &Beliefs, as_of: Date) -> Option<Date> {
    b.items
        .iter()
        .map(|it| match it.kind {
            DriverKind::Assessment => o.assessments[it.index].assessed_on,
            DriverKind::Metric => o.metrics[it.index].observed_on,
            DriverKind::Finding => {
                let f = &o.findings[it.index];
                match f.resolved_on {
                    Some(r) if r <= as_of => r,
                    _ => f.first_seen,
                }
            }
            DriverKind::Dependency => as_of,
        })
        .max()
}

/// True when the newest counted item is more than `stale_after_days` before `as_of`.
pub(crate) fn stale(m: &Methodology, evidence_as_of: Option<Date>, as_of: Date) -> bool {
    evidence_as_of.is_some_and(|d| as_of.days_since(d) as f64 > m.doc().freshness.stale_after_days)
}
