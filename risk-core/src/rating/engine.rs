//! The rating computation (methodology sections 3–7).

use std::collections::BTreeMap;

use crate::input::date::Date;
use crate::input::document::{Assurance, Outcome};
use crate::methodology::Methodology;
use crate::numeric::maths::{exp2, ln, ln1p, logistic};
use crate::rating::disputes::upheld;
use crate::rating::output::{
    Basis, Driver, DriverKind, FactorRating, PeerGroupStats, PortfolioRating, Rating,
    SupplierExposure,
};
use crate::rating::validate::{PDep, Prepared, PreparedOrg};

/// One counted evidence item's contribution to a factor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub kind: DriverKind,
    /// Index into the organisation's prepared list of that kind.
    pub index: usize,
    pub factor: usize,
    pub da: f64,
    pub db: f64,
}

/// An organisation's beliefs at one date.
#[derive(Debug, Clone)]
pub(crate) struct Beliefs {
    pub alpha: Vec<f64>,
    pub beta: Vec<f64>,
    /// Evidence weight e_f added to each factor.
    pub added: Vec<f64>,
    pub items: Vec<Item>,
    /// At least one item counted (basis "evidence").
    pub counted: bool,
}

/// The internal (own-controls) part of a rating.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Internal {
    pub eta: f64,
    pub p: f64,
    pub p_lo: f64,
    pub p_hi: f64,
}

/// Decay weight 2^(−age/half_life).
#[inline]
fn decay(age_days: i64, half_life: f64) -> f64 {
    exp2(-(age_days as f64) / half_life)
}

/// True when `a` should win over `b` as the counted assessment of a control on the same date:
/// higher assurance, then the first outcome in the order not_achieved, partially_achieved,
/// achieved, not_applicable.
fn assessment_wins(a: (Assurance, Outcome), b: (Assurance, Outcome)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// Collect the counted evidence of an organisation at `as_of` (section 3).
pub(crate) fn beliefs(o: &PreparedOrg, as_of: Date, m: &Methodology) -> Beliefs {
    let nf = m.factors().len();
    let mut alpha = vec![o.k * o.m; nf];
    let mut beta = vec![o.k * (1.0 - o.m); nf];
    let mut added = vec![0.0; nf];
    let mut items = Vec::new();
    let mut counted = assessment_items(o, as_of, m, &mut items);
    counted |= metric_items(o, as_of, m, &mut items);
    counted |= finding_items(o, as_of, m, &mut items);

    for it in &items {
        alpha[it.factor] += it.da;
        beta[it.factor] += it.db;
        added[it.factor] += it.da + it.db;
    }
    Beliefs {
        alpha,
        beta,
        added,
        items,
        counted,
    }
}

/// Section 3.1, assessments: the latest of each control (sorted by control, then date), as
/// items; whether any counted.
#[inline]
fn assessment_items(o: &PreparedOrg, as_of: Date, m: &Methodology, items: &mut Vec<Item>) -> bool {
    let doc = m.doc();
    let mut counted = false;
    let ap = &doc.assessments;
    let mut i = 0;
    while i < o.assessments.len() {
        let control = &o.assessments[i].control;
        let mut best: Option<usize> = None;
        let mut j = i;
        while j < o.assessments.len() && &o.assessments[j].control == control {
            let a = &o.assessments[j];
            if a.assessed_on <= as_of && !upheld(&a.dispute, as_of) {
                best = match best {
                    None => Some(j),
                    Some(b) => {
                        let cur = &o.assessments[b];
                        if a.assessed_on > cur.assessed_on
                            || (a.assessed_on == cur.assessed_on
                                && assessment_wins(
                                    (a.assurance, a.outcome),
                                    (cur.assurance, cur.outcome),
                                ))
                        {
                            Some(j)
                        } else {
                            Some(b)
                        }
                    }
                };
            }
            j += 1;
        }
        if let Some(b) = best {
            let a = &o.assessments[b];
            if let Some(v) = m.outcome_value(a.outcome) {
                let d = decay(as_of.days_since(a.assessed_on), ap.half_life_days);
                let n = m.assurance_strength(a.assurance);
                items.push(Item {
                    kind: DriverKind::Assessment,
                    index: b,
                    factor: a.factor,
                    da: d * n * v,
                    db: d * n * (1.0 - v),
                });
                counted = true;
            }
        }
        i = j;
    }
    counted
}

/// Section 3.2, metrics: the latest observation of each (ties: larger trials, then lower
/// ratio), as items; whether any counted.
#[inline]
fn metric_items(o: &PreparedOrg, as_of: Date, m: &Methodology, items: &mut Vec<Item>) -> bool {
    let doc = m.doc();
    let mut counted = false;
    let mdefs = &doc.metrics;
    let mut i = 0;
    while i < o.metrics.len() {
        let name = &o.metrics[i].metric;
        let mut best: Option<usize> = None;
        let mut j = i;
        while j < o.metrics.len() && &o.metrics[j].metric == name {
            let x = &o.metrics[j];
            if x.observed_on <= as_of && !upheld(&x.dispute, as_of) {
                best = match best {
                    None => Some(j),
                    Some(b) => {
                        let cur = &o.metrics[b];
                        let wins = x.observed_on > cur.observed_on
                            || (x.observed_on == cur.observed_on
                                && (x.trials > cur.trials
                                    || (x.trials == cur.trials
                                        && u128::from(x.successes) * u128::from(cur.trials)
                                            < u128::from(cur.successes) * u128::from(x.trials))));
                        Some(if wins { j } else { b })
                    }
                };
            }
            j += 1;
        }
        if let Some(b) = best {
            let x = &o.metrics[b];
            let def = &mdefs[x.index];
            let factor = m.index().metric_factor[x.index];
            let r = x.successes as f64 / x.trials as f64;
            let n = (x.trials as f64).min(def.cap);
            let d = decay(as_of.days_since(x.observed_on), def.half_life_days);
            items.push(Item {
                kind: DriverKind::Metric,
                index: b,
                factor,
                da: d * n * r,
                db: d * n * (1.0 - r),
            });
            counted = true;
        }
        i = j;
    }
    counted
}

/// Section 3.3, findings first seen by `as_of` and not upheld as disputed, as items; whether
/// any counted.
#[inline]
fn finding_items(o: &PreparedOrg, as_of: Date, m: &Methodology, items: &mut Vec<Item>) -> bool {
    let doc = m.doc();
    let mut counted = false;
    let fp = &doc.findings;
    for (idx, f) in o.findings.iter().enumerate() {
        if f.first_seen > as_of || upheld(&f.dispute, as_of) {
            continue;
        }
        counted = true;
        let s = f.severity;
        let x = if f.internet_facing {
            fp.internet_facing_exposure
        } else {
            1.0
        };
        let c = m.asset_weight(f.criticality);
        let sla = m.sla_days(f.kev, f.severity);
        let (da, db) = match f.resolved_on {
            Some(r) if r <= as_of => {
                let d = decay(as_of.days_since(r), fp.resolved_half_life_days);
                if (r.days_since(f.first_seen) as f64) <= sla {
                    (d * fp.timely_fix_credit * s * x * c, 0.0)
                } else {
                    (0.0, d * fp.late_fix_penalty * s * x * c)
                }
            }
            _ => {
                let mult = 1.0
                    + if f.kev { fp.kev_multiplier } else { 0.0 }
                    + fp.epss_multiplier * f.epss.unwrap_or(0.0);
                let overdue = (as_of.days_since(f.first_seen) as f64 / sla).min(fp.max_overdue);
                (0.0, fp.open_weight * s * mult * x * c * (1.0 + overdue))
            }
        };
        items.push(Item {
            kind: DriverKind::Finding,
            index: idx,
            factor: o.findings[idx].factor,
            da,
            db,
        });
    }
    counted
}

/// Mean and variance of Beta(α, β).
#[inline]
fn beta_moments(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (a / s, a * b / (s * s * (s + 1.0)))
}

/// The internal probability and its interval (section 4).
pub(crate) fn internal(b: &Beliefs, m: &Methodology) -> Internal {
    let doc = m.doc();
    let mut eta = doc.model.intercept;
    let mut var = 0.0;
    for (f, def) in doc.factors.iter().enumerate() {
        let (mu, v) = beta_moments(b.alpha[f], b.beta[f]);
        eta += def.weight * (1.0 - mu);
        var += def.weight * def.weight * v;
    }
    let sd = var.sqrt();
    let z = doc.model.z;
    Internal {
        eta,
        p: logistic(eta),
        p_lo: logistic(eta - z * sd),
        p_hi: logistic(eta + z * sd),
    }
}

/// Score of a model probability (section 5): S(R(p)), with R the methodology's
/// `recalibration` (calibration-v1 3.6; the identity without one). Never NaN.
pub(crate) fn score(m: &Methodology, p: f64) -> f64 {
    scale_score(m, m.recalibrate(p))
}

/// Score S of a reported probability (section 5): never NaN, clamped to the scale.
pub(crate) fn scale_score(m: &Methodology, p: f64) -> f64 {
    let sp = &m.doc().score;
    if p.is_nan() || p <= 0.0 {
        return sp.max;
    }
    if p >= 1.0 {
        return sp.min;
    }
    let log_odds = ln(p) - ln1p(-p);
    let anchor = ln(sp.anchor_probability) - ln1p(-sp.anchor_probability);
    let s =
        sp.anchor_score - sp.points_to_halve_odds / core::f64::consts::LN_2 * (log_odds - anchor);
    s.clamp(sp.min, sp.max)
}

/// The band of a score.
pub(crate) fn band(m: &Methodology, s: f64) -> &str {
    for b in &m.doc().bands {
        match b.min_score {
            Some(min) if s >= min => return &b.band,
            None => return &b.band,
            _ => {}
        }
    }
    // The checker guarantees a last band with no lower bound.
    &m.doc().bands[m.doc().bands.len() - 1].band
}

/// Least fixed point of the supply-chain equation by Jacobi iteration from P⁰ = P_int
/// (section 4.2), with one organisation's dependencies optionally replaced; returns the final
/// iterate.
pub(crate) fn fixed_point_with(
    prep: &Prepared,
    p_int: &[f64],
    replaced: Option<(usize, &PreparedOrg)>,
) -> Vec<f64> {
    let sc = &prep.methodology.doc().supply_chain;
    let deps_of = |o: usize| match replaced {
        Some((r, org)) if r == o => &org.deps,
        _ => &prep.orgs[o].deps,
    };
    let active: Vec<usize> = (0..p_int.len())
        .filter(|&o| !deps_of(o).is_empty())
        .collect();
    let mut cur = p_int.to_vec();
    let mut next = p_int.to_vec();
    for _ in 0..sc.max_sweeps {
        let mut change: f64 = 0.0;
        for &o in &active {
            let mut prod = 1.0;
            for d in deps_of(o) {
                prod *= 1.0 - d.coupling * cur[d.supplier];
            }
            let v = 1.0 - (1.0 - p_int[o]) * prod;
            change = change.max((v - cur[o]).abs());
            next[o] = v;
        }
        std::mem::swap(&mut cur, &mut next);
        if change < sc.tolerance {
            break;
        }
    }
    cur
}

/// P_supply of an organisation from a final iterate.
pub(crate) fn supply_probability(org: &PreparedOrg, p: &[f64]) -> f64 {
    let mut prod = 1.0;
    for d in &org.deps {
        prod *= 1.0 - d.coupling * p[d.supplier];
    }
    1.0 - prod
}

/// 1 − (1 − a)(1 − b).
#[inline]
pub(crate) fn combine(p_int: f64, p_supply: f64) -> f64 {
    1.0 - (1.0 - p_int) * (1.0 - p_supply)
}

/// Sort `v` by a numeric key descending, treating keys within `tol` of their neighbour as tied
/// and ordering each run of ties by `tie`. A total order is used for the first sort, so this
/// never panics, and it is deterministic for any input order.
pub(crate) fn sort_desc_with_ties<T>(
    v: &mut [T],
    tol: f64,
    key: impl Fn(&T) -> f64,
    tie: impl Fn(&T, &T) -> core::cmp::Ordering,
) {
    v.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| tie(a, b)));
    let mut start = 0;
    while start < v.len() {
        let mut end = start + 1;
        while end < v.len() && (key(&v[end - 1]) - key(&v[end])).abs() <= tol {
            end += 1;
        }
        if end - start > 1 {
            v[start..end].sort_by(&tie);
        }
        start = end;
    }
}

/// Memo of Beta quantiles by the exact bits of (α, β): many organisations share their prior-only
/// factors. A pure cache: results are identical with or without it.
pub(crate) type QuantileCache = BTreeMap<(u64, u64), (f64, f64)>;

/// `(0..n).map(f)`, in parallel with the `parallel` feature; the output is identical either way.
#[cfg(feature = "parallel")]
pub(crate) fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    (0..n).into_par_iter().with_min_len(64).map(f).collect()
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn par_map<T>(n: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..n).map(f).collect()
}

/// As [`par_map`], giving each worker its own [`QuantileCache`].
#[cfg(feature = "parallel")]
pub(crate) fn par_map_with_cache<T: Send>(
    n: usize,
    f: impl Fn(usize, &mut QuantileCache) -> T + Sync + Send,
) -> Vec<T> {
    use rayon::prelude::*;
    (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map_init(QuantileCache::new, |cache, i| f(i, cache))
        .collect()
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn par_map_with_cache<T>(
    n: usize,
    f: impl Fn(usize, &mut QuantileCache) -> T,
) -> Vec<T> {
    let mut cache = QuantileCache::new();
    (0..n).map(|i| f(i, &mut cache)).collect()
}

#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}

#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

/// Everything computed for one organisation before the portfolio-level figures.
pub(crate) struct OrgResult {
    pub rating: Rating,
}

impl Prepared {
    /// Rate the portfolio at its own `as_of`.
    ///
    /// ```
    /// use risk_core::{parse_portfolio, validate, Methodology};
    /// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
    /// let rating = validate(&doc, &Methodology::default()).unwrap().rate();
    /// // No evidence, no attestation: the prior P0 = 0.25 is the probability.
    /// assert!((rating.ratings[0].probability - 0.25).abs() < 1e-12);
    /// ```
    pub fn rate(&self) -> PortfolioRating {
        self.rate_at(self.as_of)
    }

    /// The same rating as [`Prepared::rate`], computed on first use and then shared: the
    /// what-ifs ([`Prepared::what_if`]) and the system view ([`Prepared::system`]) start from
    /// it, so asking for it first does not make them rate the portfolio again.
    ///
    /// ```
    /// use risk_core::{parse_portfolio, validate, Methodology};
    /// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
    /// let prepared = validate(&doc, &Methodology::default()).unwrap();
    /// let first = prepared.rating();
    /// assert!(std::sync::Arc::ptr_eq(&first, &prepared.rating()));
    /// assert_eq!(*first, prepared.rate());
    /// ```
    pub fn rating(&self) -> std::sync::Arc<PortfolioRating> {
        self.base
            .get_or_init(|| std::sync::Arc::new(self.rate()))
            .clone()
    }

    /// Rate the portfolio as it stood at another date: evidence dated after `as_of` is left out.
    pub fn rate_at(&self, as_of: Date) -> PortfolioRating {
        self.rate_with(as_of, None)
    }

    /// Rate with one organisation replaced by a modified copy (what-if).
    pub(crate) fn rate_with(
        &self,
        as_of: Date,
        replaced: Option<(usize, &PreparedOrg)>,
    ) -> PortfolioRating {
        if self.disputed {
            // Section 10: rate views with the excluded items removed.
            return crate::rating::disputes::rate_disputed(self, as_of, replaced);
        }
        let m = &self.methodology;
        let org = |i: usize| match replaced {
            Some((r, o)) if r == i => o,
            _ => &self.orgs[i],
        };
        let n = self.orgs.len();
        let evidence: Vec<(Beliefs, Internal)> = par_map(n, |i| {
            let b = beliefs(org(i), as_of, m);
            let int = internal(&b, m);
            (b, int)
        });
        let p_mid: Vec<f64> = evidence.iter().map(|x| x.1.p).collect();
        let p_lo: Vec<f64> = evidence.iter().map(|x| x.1.p_lo).collect();
        let p_hi: Vec<f64> = evidence.iter().map(|x| x.1.p_hi).collect();
        let (fp_mid, (fp_lo, fp_hi)) = join(
            || fixed_point_with(self, &p_mid, replaced),
            || {
                join(
                    || fixed_point_with(self, &p_lo, replaced),
                    || fixed_point_with(self, &p_hi, replaced),
                )
            },
        );

        let mut ratings: Vec<Rating> = par_map_with_cache(n, |i, quantile_cache| {
            let o = org(i);
            let ps = supply_probability(o, &fp_mid);
            let ps_lo = supply_probability(o, &fp_lo);
            let ps_hi = supply_probability(o, &fp_hi);
            let (b, int) = &evidence[i];
            rate_org(
                m,
                o,
                as_of,
                (b, int),
                Supply {
                    deps: &o.deps,
                    p: [ps, ps_lo, ps_hi],
                    p_final: &fp_mid,
                },
                quantile_cache,
            )
            .rating
        });

        let peer_groups = peer_groups(m, &mut ratings);
        let suppliers = supplier_exposure(self, replaced);
        let groups = crate::rating::groups::summarise(self, &ratings);
        PortfolioRating {
            as_of,
            methodology: m.id().to_owned(),
            methodology_version: m.version().to_owned(),
            provenance: Some(self.provenance.clone()),
            ratings,
            peer_groups,
            suppliers,
            groups,
        }
    }
}

/// One organisation's rating at `as_of` from its beliefs `b` and internal probability `int`.
fn rate_org(
    m: &Methodology,
    o: &PreparedOrg,
    as_of: Date,
    (b, int): (&Beliefs, &Internal),
    supply: Supply<'_, '_>,
    quantile_cache: &mut QuantileCache,
) -> OrgResult {
    let p_final = supply.p_final;
    let own = own_factors(m, b, int, quantile_cache);
    let without = items_without(m, b, int);
    let item = |k: usize| {
        let it = &b.items[k];
        let reference: &str = match it.kind {
            DriverKind::Assessment => &o.assessments[it.index].control,
            DriverKind::Metric => &o.metrics[it.index].metric,
            DriverKind::Finding => &o.findings[it.index].id,
            DriverKind::Dependency => &o.deps[it.index].supplier_id,
        };
        (it.kind, reference, without[k])
    };
    OrgResult {
        rating: finish_org(
            m,
            OrgHead {
                id: &o.id,
                peer_group: &o.peer_group,
                basis: basis_of(b, o),
                p: [int.p, int.p_lo, int.p_hi],
                coverage: own.coverage,
                as_of,
                evidence_as_of: crate::rating::freshness::evidence_as_of(o, b, as_of),
            },
            own.factors,
            &own.perfect,
            (b.items.len(), item),
            |k| {
                let it = &b.items[k];
                crate::rating::reasons::reason(m, o, as_of, it.kind, it.index, p_final)
            },
            supply,
        ),
    }
}

/// What an organisation's rating rests on.
pub(crate) fn basis_of(b: &Beliefs, o: &PreparedOrg) -> Basis {
    if b.counted {
        Basis::Evidence
    } else if o.has_attestation {
        Basis::Attestation
    } else {
        Basis::Prior
    }
}

/// The factor ratings of an organisation before the supply chain (`points` left at 0), the
/// internal probability each factor would give if it were perfect, and the coverage.
pub(crate) struct OwnFactors {
    pub factors: Vec<FactorRating>,
    pub perfect: Vec<f64>,
    pub coverage: f64,
}

/// Factor beliefs, quantiles and coverage: everything about factors that does not depend on the
/// supply chain.
pub(crate) fn own_factors(
    m: &Methodology,
    b: &Beliefs,
    int: &Internal,
    quantile_cache: &mut QuantileCache,
) -> OwnFactors {
    let doc = m.doc();
    let weight_sum = m.index().weight_sum;
    let [q_lo, q_hi] = doc.factor_quantiles;
    let mut coverage = 0.0;
    let mut perfect = Vec::with_capacity(doc.factors.len());
    let factors: Vec<FactorRating> = doc
        .factors
        .iter()
        .enumerate()
        .map(|(f, def)| {
            let (a, bb) = (b.alpha[f], b.beta[f]);
            let (mu, _) = beta_moments(a, bb);
            let (lower, upper) = *quantile_cache
                .entry((a.to_bits(), bb.to_bits()))
                .or_insert_with(|| {
                    (
                        crate::numeric::beta::beta_quantile(a, bb, q_lo),
                        crate::numeric::beta::beta_quantile(a, bb, q_hi),
                    )
                });
            let eta_perfect = int.eta - def.weight * (1.0 - mu);
            perfect.push(logistic(eta_perfect));
            coverage += def.weight * (b.added[f] / doc.coverage_saturation).min(1.0);
            FactorRating {
                id: def.id.clone(),
                mean: mu,
                lower,
                upper,
                evidence: b.added[f],
                points: 0.0,
            }
        })
        .collect();
    let coverage = if weight_sum > 0.0 {
        coverage / weight_sum
    } else {
        0.0
    };
    OwnFactors {
        factors,
        perfect,
        coverage,
    }
}

/// The internal probability without each counted item, in item order.
pub(crate) fn items_without(m: &Methodology, b: &Beliefs, int: &Internal) -> Vec<f64> {
    let doc = m.doc();
    b.items
        .iter()
        .map(|it| {
            let f = it.factor;
            let (mu, _) = beta_moments(b.alpha[f], b.beta[f]);
            let (mu_wo, _) = beta_moments(b.alpha[f] - it.da, b.beta[f] - it.db);
            let w = doc.factors[f].weight;
            let eta_wo = int.eta + w * (mu - mu_wo);
            logistic(eta_wo)
        })
        .collect()
}

/// The per-organisation figures [`finish_org`] starts from.
pub(crate) struct OrgHead<'a> {
    pub id: &'a str,
    pub peer_group: &'a str,
    pub basis: Basis,
    /// Internal probability: mid, lower, upper.
    pub p: [f64; 3],
    pub coverage: f64,
    /// The date rated at.
    pub as_of: Date,
    /// The date of the newest counted evidence item (section 11.2).
    pub evidence_as_of: Option<Date>,
}

/// The supply chain as one organisation sees it.
pub(crate) struct Supply<'a, 'b> {
    /// The organisation's dependency edges.
    pub deps: &'a [PDep],
    /// Its supply-chain probability from the fixed points of the central, low and high internal
    /// probabilities.
    pub p: [f64; 3],
    /// Every organisation's final probability (central fixed point), for dependency drivers.
    pub p_final: &'b [f64],
}

/// The rating of one organisation from its own figures and the supply chain's: combined
/// probability, score, factor points and the drivers (own items and dependency edges).
/// `items` is (count, item k → (kind, reference, internal probability without it)).
pub(crate) fn finish_org<'a>(
    m: &Methodology,
    head: OrgHead<'_>,
    mut factors: Vec<FactorRating>,
    perfect: &[f64],
    (n_items, item): (usize, impl Fn(usize) -> (DriverKind, &'a str, f64)),
    item_reason: impl Fn(usize) -> String,
    supply: Supply<'a, '_>,
) -> Rating {
    let Supply {
        deps,
        p: [ps, ps_lo, ps_hi],
        p_final,
    } = supply;
    let doc = m.doc();
    let [int_p, int_p_lo, int_p_hi] = head.p;
    let p = combine(int_p, ps);
    let p_lo = combine(int_p_lo, ps_lo);
    let p_hi = combine(int_p_hi, ps_hi);
    let s = score(m, p);
    for (fr, &pp) in factors.iter_mut().zip(perfect) {
        fr.points = score(m, combine(pp, ps)) - s;
    }

    // Drivers: every counted item and every dependency edge.
    let mut cands: Vec<(DriverKind, usize, f64)> = Vec::with_capacity(n_items + deps.len());
    for k in 0..n_items {
        let (kind, _, p_wo) = item(k);
        let s_wo = score(m, combine(p_wo, ps));
        cands.push((kind, k, s - s_wo));
    }
    if !deps.is_empty() {
        // Product of all edges but one, from prefix and suffix products (no division).
        let terms: Vec<f64> = deps
            .iter()
            .map(|d| 1.0 - d.coupling * p_final[d.supplier])
            .collect();
        let mut suffix = vec![1.0; terms.len() + 1];
        for k in (0..terms.len()).rev() {
            suffix[k] = suffix[k + 1] * terms[k];
        }
        let mut prefix = 1.0;
        for k in 0..terms.len() {
            let ps_wo = 1.0 - prefix * suffix[k + 1];
            let s_wo = score(m, combine(int_p, ps_wo));
            cands.push((DriverKind::Dependency, k, s - s_wo));
            prefix *= terms[k];
        }
    }
    let min_impact = doc.drivers.min_impact;
    cands.retain(|c| c.2.abs() >= min_impact);
    let reference = |c: &(DriverKind, usize, f64)| -> &'a str {
        match c.0 {
            DriverKind::Dependency => &deps[c.1].supplier_id,
            _ => item(c.1).1,
        }
    };
    sort_desc_with_ties(
        &mut cands,
        doc.tie_tolerance,
        |c| c.2.abs(),
        |a, b| {
            reference(a)
                .as_bytes()
                .cmp(reference(b).as_bytes())
                .then(a.0.as_str().cmp(b.0.as_str()))
        },
    );
    cands.truncate(doc.drivers.count);
    let drivers = cands
        .iter()
        .map(|c| Driver {
            kind: c.0,
            reference: reference(c).to_owned(),
            impact: c.2,
            reason: match c.0 {
                DriverKind::Dependency => {
                    crate::rating::reasons::dependency_reason(&deps[c.1], p_final, head.as_of)
                }
                _ => item_reason(c.1),
            },
        })
        .collect();

    Rating {
        id: head.id.to_owned(),
        peer_group: head.peer_group.to_owned(),
        score: s,
        band: band(m, s).to_owned(),
        interval: [score(m, p_hi), score(m, p_lo)],
        // calibration-v1 3.6: reported probabilities are R(·) (identity without a block).
        probability: m.recalibrate(p),
        probability_interval: [m.recalibrate(p_lo), m.recalibrate(p_hi)],
        internal_probability: int_p,
        supply_probability: ps,
        basis: head.basis,
        coverage: head.coverage,
        peer_percentile: 0.0,
        factors,
        drivers,
        disputes: None,
        evidence_as_of: head.evidence_as_of,
        stale: crate::rating::freshness::stale(m, head.evidence_as_of, head.as_of),
    }
}

/// Percentile by linear interpolation between closest ranks (numpy's default).
pub(crate) fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Peer-group statistics, and each rating's peer percentile (section 7).
pub(crate) fn peer_groups(m: &Methodology, ratings: &mut [Rating]) -> Vec<PeerGroupStats> {
    let tol = m.doc().tie_tolerance;
    let mut groups: BTreeMap<&[u8], Vec<f64>> = BTreeMap::new();
    for r in ratings.iter() {
        groups
            .entry(r.peer_group.as_bytes())
            .or_default()
            .push(r.score);
    }
    for v in groups.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    let stats = groups
        .iter()
        .map(|(name, v)| PeerGroupStats {
            peer_group: String::from_utf8_lossy(name).into_owned(),
            n: v.len(),
            min: v[0],
            p25: percentile_sorted(v, 0.25),
            median: percentile_sorted(v, 0.5),
            p75: percentile_sorted(v, 0.75),
            max: v[v.len() - 1],
        })
        .collect();
    let percentiles: Vec<f64> = ratings
        .iter()
        .map(|r| {
            let v = &groups[r.peer_group.as_bytes()];
            let below = v.partition_point(|&x| x < r.score - tol);
            let upto = v.partition_point(|&x| x <= r.score + tol);
            100.0 * (below as f64 + 0.5 * (upto - below) as f64) / v.len() as f64
        })
        .collect();
    for (r, p) in ratings.iter_mut().zip(percentiles) {
        r.peer_percentile = p;
    }
    stats
}

/// Supplier concentration (section 7), summed in id order so it does not depend on input order.
pub(crate) fn supplier_exposure(
    prep: &Prepared,
    replaced: Option<(usize, &PreparedOrg)>,
) -> Vec<SupplierExposure> {
    let n = prep.orgs.len();
    let mut dependents = vec![0usize; n];
    let mut exposure = vec![0.0f64; n];
    for &i in &prep.id_order {
        let o = match replaced {
            Some((r, org)) if r == i => org,
            _ => &prep.orgs[i],
        };
        for d in &o.deps {
            dependents[d.supplier] += 1;
            exposure[d.supplier] += d.coupling;
        }
    }
    let mut out: Vec<SupplierExposure> = (0..n)
        .filter(|&i| dependents[i] > 0)
        .map(|i| SupplierExposure {
            id: prep.orgs[i].id.clone(),
            dependents: dependents[i],
            systemic_exposure: exposure[i],
        })
        .collect();
    sort_desc_with_ties(
        &mut out,
        prep.methodology.doc().tie_tolerance,
        |s| s.systemic_exposure,
        |a, b| a.id.as_bytes().cmp(b.id.as_bytes()),
    );
    out
}
