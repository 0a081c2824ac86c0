//! Rating history: the same document rated at several dates, and what changed between two.

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::numeric::maths::logistic;
use crate::problem::{ErrorCode, InputError};
use crate::rating::engine::{Beliefs, beliefs, combine, internal, score};
use crate::rating::output::{Basis, DriverKind};
use crate::rating::validate::Prepared;

/// Ratings of every organisation at a list of dates.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Methodology id.
    pub methodology: String,
    /// The dates, as given.
    pub dates: Vec<Date>,
    /// One series per organisation, in input order.
    pub series: Vec<Series>,
    /// Where this result comes from: the input document's digest, the methodology and the
    /// engine (methodology section 11), so that it can be reproduced and audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
}

/// One organisation's ratings over time.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Organisation id.
    pub id: String,
    /// One point per date, in the order of [`History::dates`].
    pub points: Vec<HistoryPoint>,
}

/// A rating at one date.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryPoint {
    /// The date.
    pub as_of: Date,
    /// Score.
    pub score: f64,
    /// Band.
    pub band: String,
    /// 90% score interval.
    pub interval: [f64; 2],
    /// What the rating rests on.
    pub basis: Basis,
}

/// What changed in one organisation's rating between two dates.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Organisation id.
    pub organisation: String,
    /// Earlier date.
    pub from: Date,
    /// Later date.
    pub to: Date,
    /// Score at `from`.
    pub score_from: f64,
    /// Score at `to`.
    pub score_to: f64,
    /// `score_to − score_from`.
    pub delta: f64,
    /// Each factor's own effect: the score change had only that factor moved.
    pub factors: Vec<FactorChange>,
    /// Change through the supply chain.
    pub supply_points: f64,
    /// What the per-factor effects do not add up to (their interaction).
    pub interaction_points: f64,
    /// Items counted at `to` but not at `from` (new evidence, or a newer item superseding).
    pub entered: Vec<EvidenceChange>,
    /// Items counted at `from` but not at `to` (superseded, or dated after `to`).
    pub left: Vec<EvidenceChange>,
    /// Items counted at both whose weight decayed most.
    pub decayed: Vec<EvidenceChange>,
    /// Where this result comes from: the input document's digest, the methodology and the
    /// engine (methodology section 11), so that it can be reproduced and audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
}

/// One factor's part of a change.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorChange {
    /// Factor id.
    pub id: String,
    /// Mean at `from`.
    pub mean_from: f64,
    /// Mean at `to`.
    pub mean_to: f64,
    /// Score change had only this factor moved, in points.
    pub points: f64,
}

/// An evidence item that entered, left or decayed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceChange {
    /// Kind of item.
    pub kind: DriverKind,
    /// Control id, metric name or finding id.
    pub reference: String,
    /// Evidence weight (α + β added) at `from` (0 when not counted).
    pub weight_from: f64,
    /// Evidence weight at `to` (0 when not counted).
    pub weight_to: f64,
    /// The item in words (as at the date it was counted).
    pub reason: String,
}

/// How many items `entered`, `left` and `decayed` list at most.
const LISTED: usize = 5;

impl Prepared {
    /// Rate the document at each date (evidence after each date left out).
    ///
    /// ```
    /// use risk_core::{parse_portfolio, validate, Methodology, Date};
    /// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
    ///   "assessments": [{"control": "B2.a", "outcome": "achieved", "assurance": "self_assessed",
    ///                    "assessed_on": "2025-06-01"}]}]}"#).unwrap();
    /// let p = validate(&doc, &Methodology::default()).unwrap();
    /// let h = p.history(&["2025-01-01".parse().unwrap(), "2025-09-30".parse().unwrap()]);
    /// let pts = &h.series[0].points;
    /// assert_eq!(pts[0].basis, risk_core::Basis::Prior);
    /// assert!(pts[1].score > pts[0].score);
    /// ```
    pub fn history(&self, dates: &[Date]) -> History {
        let mut series: Vec<Series> = self
            .orgs
            .iter()
            .map(|o| Series {
                id: o.id.clone(),
                points: Vec::with_capacity(dates.len()),
            })
            .collect();
        for &d in dates {
            let r = self.rate_at(d);
            for (s, rating) in series.iter_mut().zip(r.ratings) {
                s.points.push(HistoryPoint {
                    as_of: d,
                    score: rating.score,
                    band: rating.band,
                    interval: rating.interval,
                    basis: rating.basis,
                });
            }
        }
        History {
            methodology: self.methodology.id().to_owned(),
            dates: dates.to_vec(),
            series,
            provenance: Some(self.provenance.clone()),
        }
    }

    /// What changed in one organisation's rating between `from` and `to`.
    ///
    /// # Errors
    /// [`InputError`] for an unknown organisation.
    pub fn change(&self, organisation: &str, from: Date, to: Date) -> Result<Change, InputError> {
        let o = self.index_of(organisation).ok_or_else(|| {
            InputError::single(
                ErrorCode::UnknownOrganisation,
                "organisation",
                format!(
                    "no organisation has the id `{}`",
                    crate::text::clip(organisation, 200)
                ),
            )
        })?;
        let m = &self.methodology;
        let org = &self.orgs[o];
        let r_from = self.rate_at(from);
        let r_to = self.rate_at(to);
        let (a, b) = (&r_from.ratings[o], &r_to.ratings[o]);
        let b_from = beliefs(org, from, m);
        let b_to = beliefs(org, to, m);
        let i_from = internal(&b_from, m);
        let i_to = internal(&b_to, m);

        let s_from = a.score;
        let mut sum = 0.0;
        let factors: Vec<FactorChange> = m
            .factors()
            .iter()
            .enumerate()
            .map(|(f, def)| {
                let mu_from = b_from.alpha[f] / (b_from.alpha[f] + b_from.beta[f]);
                let mu_to = b_to.alpha[f] / (b_to.alpha[f] + b_to.beta[f]);
                let eta = i_from.eta + def.weight * (mu_from - mu_to);
                let points = score(m, combine(logistic(eta), a.supply_probability)) - s_from;
                sum += points;
                FactorChange {
                    id: def.id.clone(),
                    mean_from: mu_from,
                    mean_to: mu_to,
                    points,
                }
            })
            .collect();
        let s_internal = score(m, combine(i_to.p, a.supply_probability));
        let supply_points = b.score - s_internal;
        let interaction_points = (s_internal - s_from) - sum;

        let weight = |bl: &Beliefs, kind: DriverKind, index: usize| -> f64 {
            bl.items
                .iter()
                .find(|it| it.kind == kind && it.index == index)
                .map_or(0.0, |it| it.da + it.db)
        };
        let reference = |kind: DriverKind, index: usize| -> String {
            match kind {
                DriverKind::Assessment => org.assessments[index].control.clone(),
                DriverKind::Metric => org.metrics[index].metric.clone(),
                DriverKind::Finding => org.findings[index].id.clone(),
                DriverKind::Dependency => org.deps[index].supplier_id.clone(),
            }
        };
        let make = |kind, index, at: Date| EvidenceChange {
            kind,
            reference: reference(kind, index),
            weight_from: weight(&b_from, kind, index),
            weight_to: weight(&b_to, kind, index),
            reason: crate::rating::reasons::reason(m, org, at, kind, index, &[]),
        };
        let counted = |bl: &Beliefs, kind: DriverKind, index: usize| {
            bl.items
                .iter()
                .any(|it| it.kind == kind && it.index == index)
        };
        let by_weight = |v: &mut Vec<EvidenceChange>, key: fn(&EvidenceChange) -> f64| {
            crate::rating::engine::sort_desc_with_ties(v, m.doc().tie_tolerance, key, |x, y| {
                x.reference
                    .as_bytes()
                    .cmp(y.reference.as_bytes())
                    .then(x.kind.cmp(&y.kind))
            });
            v.truncate(LISTED);
        };
        let mut entered: Vec<EvidenceChange> = b_to
            .items
            .iter()
            .filter(|it| !counted(&b_from, it.kind, it.index))
            .map(|it| make(it.kind, it.index, to))
            .collect();
        by_weight(&mut entered, |e| e.weight_to);
        let mut left: Vec<EvidenceChange> = b_from
            .items
            .iter()
            .filter(|it| !counted(&b_to, it.kind, it.index))
            .map(|it| make(it.kind, it.index, from))
            .collect();
        by_weight(&mut left, |e| e.weight_from);
        let mut decayed: Vec<EvidenceChange> = b_from
            .items
            .iter()
            .filter(|it| counted(&b_to, it.kind, it.index))
            .map(|it| make(it.kind, it.index, to))
            .filter(|e| e.weight_from - e.weight_to > m.doc().tie_tolerance)
            .collect();
        by_weight(&mut decayed, |e| e.weight_from - e.weight_to);

        Ok(Change {
            organisation: organisation.to_owned(),
            from,
            to,
            score_from: s_from,
            score_to: b.score,
            delta: b.score - s_from,
            factors,
            supply_points,
            interaction_points,
            entered,
            left,
            decayed,
            provenance: Some(self.provenance.clone()),
        })
    }
}

/// Check a document and rate it at each date (see [`Prepared::history`]).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document.
pub fn history(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    dates: &[Date],
) -> Result<History, crate::Error> {
    Ok(crate::rating::validate::validate(portfolio, methodology)?.history(dates))
}
