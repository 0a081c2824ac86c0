//! Disputes at rating time (methodology section 10): checking them, the status in effect at
//! `as_of`, the filed view (upheld items removed) and the undisputed view (open-disputed items
//! removed as well), and the per-organisation `disputes` block of the output.
//!
//! Both views are [`Prepared`] portfolios with the items deleted, rated by the ordinary engine:
//! so "excluded from every computation" means exactly "as if absent" (the property tests compare
//! them bit for bit with documents that never had the items). A portfolio with no dispute at all
//! never comes here and rates exactly as it always did.

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::input::dispute::{Dispute, DisputeReason, DisputeStatus, status_at};
use crate::problem::{ErrorCode, Problems};
use crate::rating::output::PortfolioRating;
use crate::rating::validate::{Prepared, PreparedOrg};

/// A checked dispute, as the engine keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PDispute {
    pub status: DisputeStatus,
    pub reason: DisputeReason,
    pub raised_on: Date,
    pub resolved_on: Option<Date>,
}

/// The status in effect at `as_of` of an item's dispute, if any.
#[inline]
pub(crate) fn at(d: &Option<PDispute>, as_of: Date) -> Option<DisputeStatus> {
    d.as_ref()
        .and_then(|d| status_at(d.status, d.raised_on, d.resolved_on, as_of))
}

/// True when the item is excluded at `as_of` (its dispute is upheld by then).
#[inline]
pub(crate) fn upheld(d: &Option<PDispute>, as_of: Date) -> bool {
    d.is_some() && at(d, as_of) == Some(DisputeStatus::Upheld)
}

/// What a driver's reason adds for a disputed item: `; disputed: not ours` while open at `as_of`.
pub(crate) fn reason_suffix(d: &Option<PDispute>, as_of: Date) -> String {
    match (at(d, as_of), d) {
        (Some(DisputeStatus::Open), Some(d)) => {
            format!("; disputed: {}", d.reason.as_str().replace('_', " "))
        }
        _ => String::new(),
    }
}

/// Check a dispute (section 10.1), reporting every problem under `path` (the item's path);
/// its prepared form (also when invalid: the caller discards the portfolio then).
pub(crate) fn check(d: &Dispute, problems: &mut Problems, path: &dyn Fn() -> String) -> PDispute {
    let field = |f: &str| format!("{}.dispute.{f}", path());
    match (d.status, d.resolved_on) {
        (DisputeStatus::Open, Some(_)) => problems.push(
            ErrorCode::UnexpectedResolvedOn,
            || field("resolved_on"),
            || "an open dispute has no resolved_on".into(),
        ),
        (s, None) if s != DisputeStatus::Open => problems.push(
            ErrorCode::MissingResolvedOn,
            || field("resolved_on"),
            || format!("a dispute that is {} needs resolved_on", s.as_str()),
        ),
        (_, Some(r)) if r < d.raised_on => problems.push(
            ErrorCode::ResolvedBeforeRaised,
            || field("resolved_on"),
            || format!("resolved_on {r} is before raised_on {}", d.raised_on),
        ),
        _ => {}
    }
    PDispute {
        status: d.status,
        reason: d.reason,
        raised_on: d.raised_on,
        resolved_on: d.resolved_on,
    }
}

/// How an organisation's evidence stands in a dispute (present in the output only where the
/// organisation or one of its suppliers, directly or further up the chain, has an open dispute
/// at `as_of`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeSummary {
    /// Its own items with a dispute open at `as_of`.
    pub open: usize,
    /// Its own items with a dispute upheld by `as_of` (excluded from every computation).
    pub upheld: usize,
    /// Its own items with a dispute rejected by `as_of` (counted as normal).
    pub rejected: usize,
    /// Score in the undisputed view (every open-disputed item in the portfolio excluded).
    pub score_undisputed: f64,
    /// 90% score interval in the undisputed view.
    pub interval_undisputed: [f64; 2],
    /// Band in the undisputed view.
    pub band_undisputed: String,
}

/// True when any item of the organisation carries a dispute (whatever its dates).
pub(crate) fn org_has_dispute(o: &PreparedOrg) -> bool {
    o.assessments.iter().any(|x| x.dispute.is_some())
        || o.metrics.iter().any(|x| x.dispute.is_some())
        || o.findings.iter().any(|x| x.dispute.is_some())
        || o.deps.iter().any(|x| x.dispute.is_some())
}

/// [open, upheld, rejected] counts of an organisation's own items at `as_of`.
fn counts(o: &PreparedOrg, as_of: Date) -> [usize; 3] {
    let mut c = [0; 3];
    let all = o
        .assessments
        .iter()
        .map(|x| &x.dispute)
        .chain(o.metrics.iter().map(|x| &x.dispute))
        .chain(o.findings.iter().map(|x| &x.dispute))
        .chain(o.deps.iter().map(|x| &x.dispute));
    for d in all {
        match at(d, as_of) {
            Some(DisputeStatus::Open) => c[0] += 1,
            Some(DisputeStatus::Upheld) => c[1] += 1,
            Some(DisputeStatus::Rejected) => c[2] += 1,
            None => {}
        }
    }
    c
}

/// A copy of `o` without the items excluded at `as_of`: upheld ones, and open ones too when
/// `drop_open`. Order is kept, so the copy is exactly what validating a document without those
/// items would have produced.
fn filtered_org(o: &PreparedOrg, as_of: Date, drop_open: bool) -> PreparedOrg {
    let keep = |d: &Option<PDispute>| match at(d, as_of) {
        Some(DisputeStatus::Upheld) => false,
        Some(DisputeStatus::Open) => !drop_open,
        _ => true,
    };
    let mut out = o.clone();
    out.assessments.retain(|x| keep(&x.dispute));
    out.metrics.retain(|x| keep(&x.dispute));
    out.findings.retain(|x| keep(&x.dispute));
    out.deps.retain(|x| keep(&x.dispute));
    out
}

/// The portfolio with excluded items removed (see [`filtered_org`]); it rates through the
/// ordinary engine (its `disputed` flag is off).
fn view<'a>(
    prep: &'a Prepared,
    org: &dyn Fn(usize) -> &'a PreparedOrg,
    as_of: Date,
    drop_open: bool,
) -> Prepared {
    Prepared {
        as_of: prep.as_of,
        methodology: prep.methodology.clone(),
        orgs: (0..prep.orgs.len())
            .map(|i| filtered_org(org(i), as_of, drop_open))
            .collect(),
        by_id: prep.by_id.clone(),
        id_order: prep.id_order.clone(),
        base: std::sync::OnceLock::new(),
        disputed: false,
        provenance: prep.provenance.clone(),
    }
}

impl Prepared {
    /// The filed view at the portfolio's own `as_of` (upheld items removed), when any item
    /// carries a dispute; plans are made on it.
    pub(crate) fn filed_view(&self) -> Option<Prepared> {
        self.disputed
            .then(|| view(self, &|i| &self.orgs[i], self.as_of, false))
    }
}

/// Rate a portfolio in which some item carries a dispute (section 10.2): the filed view, and for
/// every organisation that an open dispute reaches, the undisputed view in its `disputes` block.
pub(crate) fn rate_disputed(
    prep: &Prepared,
    as_of: Date,
    replaced: Option<(usize, &PreparedOrg)>,
) -> PortfolioRating {
    let org = |i: usize| match replaced {
        Some((r, o)) if r == i => o,
        _ => &prep.orgs[i],
    };
    let n = prep.orgs.len();
    let filed = view(prep, &org, as_of, false);
    let mut out = filed.rate_with(as_of, None);
    let counts: Vec<[usize; 3]> = (0..n).map(|i| counts(org(i), as_of)).collect();
    if counts.iter().all(|c| c[0] == 0) {
        return out;
    }
    // Organisations an open dispute reaches: its own, and every dependant up the chain.
    let mut affected: Vec<bool> = counts.iter().map(|c| c[0] > 0).collect();
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, o) in filed.orgs.iter().enumerate() {
        for d in &o.deps {
            dependants[d.supplier].push(i);
        }
    }
    let mut stack: Vec<usize> = (0..n).filter(|&i| affected[i]).collect();
    while let Some(s) = stack.pop() {
        for &d in &dependants[s] {
            if !affected[d] {
                affected[d] = true;
                stack.push(d);
            }
        }
    }
    let undisputed = view(prep, &org, as_of, true).rate_with(as_of, None);
    for (i, r) in out.ratings.iter_mut().enumerate() {
        if affected[i] {
            let u = &undisputed.ratings[i];
            r.disputes = Some(DisputeSummary {
                open: counts[i][0],
                upheld: counts[i][1],
                rejected: counts[i][2],
                score_undisputed: u.score,
                interval_undisputed: u.interval,
                band_undisputed: u.band.clone(),
            });
        }
    }
    out
}
