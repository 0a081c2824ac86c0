//! Evidence grouped by its `source` system (methodology section 11.3): which feed a rating rests
//! on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::input::dispute::{Dispute, DisputeStatus};
use crate::input::document::Portfolio;
use crate::rating::output::{DriverKind, PortfolioRating};

/// One organisation's evidence from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRow {
    /// Organisation id.
    pub organisation: String,
    /// The items' `source`; empty for items that name none.
    pub source: String,
    /// Its items dated on or before `as_of` and not excluded by an upheld dispute.
    pub items: usize,
    /// Share of the organisation's such items, 0–1.
    pub share: f64,
    /// How many of the organisation's drivers come from this source.
    pub drivers: usize,
    /// The sum of those drivers' impacts, in points.
    pub driver_impact: f64,
}

/// Group every organisation's evidence and drivers by source, organisations in input order and
/// sources by name. A driver's item is the finding or dependency it names, or the latest
/// assessment (metric observation) of its control (metric) on or before `as_of`.
///
/// ```
/// use risk_core::{parse_portfolio, rate, Methodology, rating::sources::by_source};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
///   "findings": [{"id": "F1", "kind": "exposed_service", "first_seen": "2025-09-01", "source": "scanner"}]}]}"#).unwrap();
/// let rows = by_source(&doc, &rate(&doc, &Methodology::default()).unwrap());
/// assert_eq!((rows[0].source.as_str(), rows[0].items, rows[0].drivers), ("scanner", 1, 1));
/// ```
pub fn by_source(portfolio: &Portfolio, rating: &PortfolioRating) -> Vec<SourceRow> {
    let as_of = rating.as_of;
    let gone = |d: &Option<Dispute>| {
        d.as_ref().and_then(|d| d.status_at(as_of)) == Some(DisputeStatus::Upheld)
    };
    let name = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut out = Vec::new();
    for (o, r) in portfolio.organisations.iter().zip(&rating.ratings) {
        let mut rows: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
        let mut count = |s: &Option<String>| rows.entry(name(s)).or_default().0 += 1;
        for a in o
            .assessments
            .iter()
            .filter(|a| a.assessed_on <= as_of && !gone(&a.dispute))
        {
            count(&a.source);
        }
        for m in o
            .metrics
            .iter()
            .filter(|m| m.observed_on <= as_of && !gone(&m.dispute))
        {
            count(&m.source);
        }
        for f in o
            .findings
            .iter()
            .filter(|f| f.first_seen <= as_of && !gone(&f.dispute))
        {
            count(&f.source);
        }
        for d in o.dependencies.iter().filter(|d| !gone(&d.dispute)) {
            count(&d.source);
        }
        for d in &r.drivers {
            let source = match d.kind {
                DriverKind::Assessment => o
                    .assessments
                    .iter()
                    .filter(|a| a.control == d.reference && a.assessed_on <= as_of)
                    .filter(|a| !gone(&a.dispute))
                    .max_by_key(|a| a.assessed_on)
                    .map(|a| name(&a.source)),
                DriverKind::Metric => o
                    .metrics
                    .iter()
                    .filter(|m| m.metric == d.reference && m.observed_on <= as_of)
                    .filter(|m| !gone(&m.dispute))
                    .max_by_key(|m| m.observed_on)
                    .map(|m| name(&m.source)),
                DriverKind::Finding => o
                    .findings
                    .iter()
                    .find(|f| f.id == d.reference)
                    .map(|f| name(&f.source)),
                DriverKind::Dependency => o
                    .dependencies
                    .iter()
                    .find(|x| x.supplier == d.reference)
                    .map(|x| name(&x.source)),
            };
            let e = rows.entry(source.unwrap_or_default()).or_default();
            e.1 += 1;
            e.2 += d.impact;
        }
        let total: usize = rows.values().map(|v| v.0).sum();
        for (source, (items, drivers, impact)) in rows {
            out.push(SourceRow {
                organisation: o.id.clone(),
                source,
                items,
                share: if total > 0 {
                    items as f64 / total as f64
                } else {
                    0.0
                },
                drivers,
                driver_impact: impact,
            });
        }
    }
    out
}

/// Rate `portfolio` and group its evidence and drivers by source (see [`by_source`]).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document.
pub fn rate_by_source(
    portfolio: &Portfolio,
    methodology: &crate::Methodology,
) -> Result<Vec<SourceRow>, crate::Error> {
    Ok(by_source(portfolio, &crate::rate(portfolio, methodology)?))
}
