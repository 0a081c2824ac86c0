//! The properties of methodology section 9, one proptest property per clause.
//!
//! Strategies generate small valid portfolios: 2–6 organisations with random assessments
//! (repeated controls and same-day ties included), metric observations, open and resolved
//! findings (CVSS vectors, scores or kind defaults; EPSS, KEV, exposure, criticality), random
//! dependency graphs (cycles included) and random attestations. Items are dated up to two years
//! before `as_of` and a little after it.
//!
//! Each monotonicity property builds a `worse` and a `better` document that differ in exactly
//! the one change its clause names, and asserts that no organisation's score is lower in the
//! better one (to `TOL` points). The same inequality read the other way is the reverse clause:
//! the reverse change (from `better` to `worse`) never raises a score.
//!
//! The default case count is 96 per property (set `PROPTEST_CASES` to run more).
// Independent reference arithmetic, compared with tolerances or on exact powers of two: the
// platform's f64 methods are fine here (clippy.toml forbids them in the engine).
#![allow(clippy::disallowed_methods)]

mod common;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use proptest::sample::Index;
use risk_core::{
    Assessment, Attestation, Basis, Dependency, DsptStatus, Finding, Methodology,
    MetricObservation, Organisation, Outcome, Portfolio, PortfolioRating, Rating, rate, rate_json,
    validate,
};

/// Score tolerance of the monotonicity properties, in points.
const TOL: f64 = 1e-9;

fn methodology() -> &'static Methodology {
    static M: OnceLock<Methodology> = OnceLock::new();
    M.get_or_init(Methodology::default)
}

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 96;
    }
    c
}

fn rated(p: &Portfolio) -> PortfolioRating {
    rate(p, methodology()).unwrap_or_else(|e| panic!("generated portfolio rejected: {e}\n{p:?}"))
}

/// The figures of a rating without its provenance: the provenance's input digest names the
/// exact document, so two different documents that rate the same differ only there.
fn figures(mut r: PortfolioRating) -> PortfolioRating {
    r.provenance = None;
    r
}

// ---------------------------------------------------------------------------------------------
// Checks

/// Every organisation's score in `better` is at least its score in `worse` (less `TOL`).
fn assert_not_worse(better: &Portfolio, worse: &Portfolio) -> Result<(), TestCaseError> {
    let (b, w) = (rated(better), rated(worse));
    for (rb, rw) in b.ratings.iter().zip(&w.ratings) {
        prop_assert_eq!(&rb.id, &rw.id);
        prop_assert!(
            rb.score >= rw.score - TOL,
            "{}: better {} < worse {} (by {:e})",
            rb.id,
            rb.score,
            rw.score,
            rw.score - rb.score
        );
    }
    Ok(())
}

/// A document with `item` inserted into organisation `org`'s list at position `pos`.
fn with_item<T: Clone>(
    p: &Portfolio,
    org: &Index,
    pos: &Index,
    list: impl Fn(&mut Organisation) -> &mut Vec<T>,
    item: T,
) -> Portfolio {
    let mut p = p.clone();
    let i = org.index(p.organisations.len());
    let o = &mut p.organisations[i];
    let l = list(o);
    let at = pos.index(l.len() + 1);
    l.insert(at, item);
    p
}

/// A finding id not used in that organisation.
fn fresh_finding(mut f: Finding) -> Finding {
    f.id = "F-new".to_owned();
    f
}

/// An open finding at as_of: first seen on or before it, not resolved by it.
fn open_finding() -> impl Strategy<Value = Finding> {
    (finding(), -730i64..=0, prop::option::of(1i64..=90)).prop_map(|(mut f, first, after)| {
        f.first_seen = day(first);
        f.resolved_on = after.map(day);
        fresh_finding(f)
    })
}

/// Ratings keyed by id (the only thing input order may change is the order of `ratings`).
fn by_id(r: &PortfolioRating) -> Vec<&Rating> {
    let mut v: Vec<&Rating> = r.ratings.iter().collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// splitmix64: a tiny deterministic generator for shuffles driven by a proptest seed.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    /// 250 ≤ lo ≤ score ≤ hi ≤ 900 and 0 ≤ P_lo ≤ P ≤ P_hi ≤ 1, for every organisation.
    #[test]
    fn bounds(p in portfolio()) {
        let out = rated(&p);
        prop_assert_eq!(out.ratings.len(), p.organisations.len());
        for r in &out.ratings {
            let [lo, hi] = r.interval;
            prop_assert!(250.0 <= lo && lo <= r.score && r.score <= hi && hi <= 900.0,
                "{}: {} ≤ {} ≤ {}", r.id, lo, r.score, hi);
            let [p_lo, p_hi] = r.probability_interval;
            prop_assert!(0.0 <= p_lo && p_lo <= r.probability && r.probability <= p_hi && p_hi <= 1.0,
                "{}: {} ≤ {} ≤ {}", r.id, p_lo, r.probability, p_hi);
            for x in [r.internal_probability, r.supply_probability, r.coverage] {
                prop_assert!((0.0..=1.0).contains(&x), "{}: {}", r.id, x);
            }
            prop_assert!((0.0..=100.0).contains(&r.peer_percentile));
        }
    }

    /// Raising an assessment's outcome (not_achieved → partially_achieved → achieved) never
    /// lowers a score; lowering it never raises one.
    #[test]
    fn raising_an_outcome(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), a in assessment(),
        (lo, hi) in (0usize..3, 0usize..3).prop_map(|(x, y)| (x.min(y), x.max(y))),
    ) {
        let worse = with_item(&p, &org, &pos, |o| &mut o.assessments,
            Assessment { outcome: OUTCOMES[lo], ..a.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.assessments,
            Assessment { outcome: OUTCOMES[hi], ..a });
        assert_not_worse(&better, &worse)?;
    }

    /// Raising the assurance of an `achieved` assessment never lowers a score; lowering it
    /// never raises one.
    #[test]
    fn raising_assurance_of_an_achieved_item(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), a in assessment(),
        (lo, hi) in (0usize..3, 0usize..3).prop_map(|(x, y)| (x.min(y), x.max(y))),
    ) {
        let a = Assessment { outcome: Outcome::Achieved, ..a };
        let worse = with_item(&p, &org, &pos, |o| &mut o.assessments,
            Assessment { assurance: ASSURANCES[lo], ..a.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.assessments,
            Assessment { assurance: ASSURANCES[hi], ..a });
        assert_not_worse(&better, &worse)?;
    }

    /// Raising a metric observation's successes (same trials) never lowers a score; lowering
    /// them never raises one.
    #[test]
    fn raising_a_metrics_successes(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), m in metric(),
        a in any::<Index>(), b in any::<Index>(),
    ) {
        let (x, y) = (a.index(m.trials as usize + 1) as u64, b.index(m.trials as usize + 1) as u64);
        let worse = with_item(&p, &org, &pos, |o| &mut o.metrics,
            MetricObservation { successes: x.min(y), ..m.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.metrics,
            MetricObservation { successes: x.max(y), ..m });
        assert_not_worse(&better, &worse)?;
    }

    /// Resolving an open finding (on any day from first_seen to as_of) never lowers a score;
    /// re-opening it never raises one.
    #[test]
    fn resolving_an_open_finding(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), f in open_finding(),
        when in any::<Index>(),
    ) {
        let open_days = as_of().days_since(f.first_seen) as usize;
        let resolved_on = f.first_seen.add_days(when.index(open_days + 1) as i64).unwrap();
        let worse = with_item(&p, &org, &pos, |o| &mut o.findings, f.clone());
        let better = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { resolved_on: Some(resolved_on), ..f });
        assert_not_worse(&better, &worse)?;
    }

    /// Lowering an open finding's severity (through its CVSS vector, its cvss_score or the
    /// kind's default) never lowers a score; raising it never raises one.
    #[test]
    fn lowering_an_open_findings_severity(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), f in open_finding(),
        s1 in severity(), s2 in severity(),
    ) {
        let (mut f1, mut f2) = (f.clone(), f);
        set_severity(&mut f1, s1);
        set_severity(&mut f2, s2);
        let (high, low) = if severity_of(&f1) >= severity_of(&f2) { (f1, f2) } else { (f2, f1) };
        let worse = with_item(&p, &org, &pos, |o| &mut o.findings, high);
        let better = with_item(&p, &org, &pos, |o| &mut o.findings, low);
        assert_not_worse(&better, &worse)?;
    }

    /// Lowering an open finding's EPSS (absent counts as 0) never lowers a score.
    #[test]
    fn lowering_an_open_findings_epss(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), f in open_finding(),
        e1 in epss(), e2 in epss(),
    ) {
        let key = |e: Option<f64>| e.unwrap_or(0.0);
        let (high, low) = if key(e1) >= key(e2) { (e1, e2) } else { (e2, e1) };
        let worse = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { epss: high, ..f.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.findings, Finding { epss: low, ..f });
        assert_not_worse(&better, &worse)?;
    }

    /// Taking an open finding off the internet never lowers a score.
    #[test]
    fn lowering_an_open_findings_exposure(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), f in open_finding(),
    ) {
        let worse = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { internet_facing: true, ..f.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { internet_facing: false, ..f });
        assert_not_worse(&better, &worse)?;
    }

    /// Lowering the criticality of an open finding's asset never lowers a score.
    #[test]
    fn lowering_an_open_findings_criticality(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(), f in open_finding(),
        (lo, hi) in (0usize..4, 0usize..4).prop_map(|(x, y)| (x.min(y), x.max(y))),
    ) {
        let worse = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { asset_criticality: ASSET[hi], ..f.clone() });
        let better = with_item(&p, &org, &pos, |o| &mut o.findings,
            Finding { asset_criticality: ASSET[lo], ..f });
        assert_not_worse(&better, &worse)?;
    }

    /// Removing a dependency never lowers a score (the organisation's or anyone's downstream);
    /// adding one never raises a score.
    #[test]
    fn removing_a_dependency(
        p in portfolio(), org in any::<Index>(), target in any::<Index>(), pos in any::<Index>(),
        crit in prop::sample::select(&CRIT[..]), access in prop::sample::select(&ACCESS[..]),
    ) {
        let n = p.organisations.len();
        let o = org.index(n);
        // Any organisation but o itself.
        let t = (o + 1 + target.index(n - 1)) % n;
        let supplier = p.organisations[t].id.clone();
        let deps = &p.organisations[o].dependencies;
        let (with, without) = match deps.iter().position(|d| d.supplier == supplier) {
            // o already depends on t: remove that edge.
            Some(k) => {
                let mut without = p.clone();
                without.organisations[o].dependencies.remove(k);
                (p, without)
            }
            // Otherwise add an edge o → t and compare with the document without it.
            None => {
                let with = with_item(&p, &org, &pos, |x| &mut x.dependencies,
                    Dependency { supplier, criticality: crit, access, source: None, dispute: None });
                (with, p)
            }
        };
        assert_not_worse(&without, &with)?;
    }

    /// Shuffling organisations, each organisation's assessments, metrics, findings and
    /// dependencies changes no figure: the ratings, in input order, are the same set, and the
    /// peer groups and suppliers are identical.
    #[test]
    fn order_invariance(p in portfolio(), seed in any::<u64>()) {
        let mut rng = Shuffler(seed);
        let mut q = p.clone();
        rng.shuffle(&mut q.organisations);
        for o in &mut q.organisations {
            rng.shuffle(&mut o.assessments);
            rng.shuffle(&mut o.metrics);
            rng.shuffle(&mut o.findings);
            rng.shuffle(&mut o.dependencies);
        }
        let (a, b) = (rated(&p), rated(&q));
        // Ratings are in input order.
        let ids: Vec<&str> = b.ratings.iter().map(|r| r.id.as_str()).collect();
        let input: Vec<&str> = q.organisations.iter().map(|o| o.id.as_str()).collect();
        prop_assert_eq!(ids, input);
        prop_assert_eq!(by_id(&a), by_id(&b));
        prop_assert_eq!(&a.peer_groups, &b.peer_groups);
        prop_assert_eq!(&a.suppliers, &b.suppliers);
        prop_assert_eq!((a.as_of, &a.methodology), (b.as_of, &b.methodology));
    }

    /// An evidence item dated after as_of (an assessment, a metric observation, a finding first
    /// seen after as_of) changes nothing.
    #[test]
    fn items_after_as_of_change_nothing(
        p in portfolio(), org in any::<Index>(), pos in any::<Index>(),
        a in assessment(), m in metric(), f in finding(), after in 1i64..=1000, which in 0u8..3,
    ) {
        let later = day(after);
        let q = match which {
            0 => with_item(&p, &org, &pos, |o| &mut o.assessments,
                Assessment { assessed_on: later, ..a }),
            1 => with_item(&p, &org, &pos, |o| &mut o.metrics,
                MetricObservation { observed_on: later, ..m }),
            _ => with_item(&p, &org, &pos, |o| &mut o.findings, Finding {
                first_seen: later,
                resolved_on: f.resolved_on.map(|_| later),
                ..fresh_finding(f)
            }),
        };
        prop_assert_eq!(figures(rated(&p)), figures(rated(&q)));
    }

    /// Rating at an earlier date is rating the document with everything dated after that date
    /// taken out (a finding resolved after that date is open at it, so it stays).
    #[test]
    fn rating_at_an_earlier_date_ignores_later_items(p in portfolio(), back in 0i64..=400) {
        let d = day(-back);
        let prepared = validate(&p, methodology()).unwrap();
        let at_d = prepared.rate_at(d);
        let mut q = p.clone();
        q.as_of = d;
        for o in &mut q.organisations {
            o.assessments.retain(|a| a.assessed_on <= d);
            o.metrics.retain(|m| m.observed_on <= d);
            o.findings.retain(|f| f.first_seen <= d);
        }
        prop_assert_eq!(figures(at_d), figures(rated(&q)));
    }

    /// Rating the same document twice — directly, through a prepared portfolio, and from its
    /// JSON text — gives the same figures, bit for bit.
    #[test]
    fn determinism(p in portfolio()) {
        let a = rated(&p);
        let b = rated(&p);
        prop_assert_eq!(&a, &b);
        let prepared = validate(&p, methodology()).unwrap();
        prop_assert_eq!(&a, &prepared.rate());
        prop_assert_eq!(&a, &prepared.rate());
        let text = serde_json::to_string(&p).unwrap();
        let c = rate_json(&text, methodology()).unwrap();
        prop_assert_eq!(&a, &c);
        prop_assert_eq!(a.to_json(), c.to_json());
        for (x, y) in a.ratings.iter().zip(&c.ratings) {
            prop_assert_eq!(x.score.to_bits(), y.score.to_bits());
            prop_assert_eq!(x.probability.to_bits(), y.probability.to_bits());
        }
    }

    /// With no counted evidence (no items, only not_applicable assessments, or only items dated
    /// after as_of), P_int = P₀ whatever the attestation, unless the prior mean was clamped;
    /// when it was, P_int is the end of the model's range nearest P₀.
    #[test]
    fn no_evidence_means_p_int_is_p0(
        p in portfolio(),
        na in prop::collection::vec(assessment(), 0..3),
        later in prop::collection::vec((metric(), finding(), 1i64..=300), 0..3),
        give_evidence in any::<Index>(),
    ) {
        // Strip every organisation's evidence but keep its attestation and dependencies; give
        // them not_applicable assessments and items dated after as_of instead. One
        // organisation keeps its evidence, so the others still have a supply chain around them.
        let mut q = p.clone();
        let keep = give_evidence.index(q.organisations.len());
        for (i, o) in q.organisations.iter_mut().enumerate() {
            if i == keep {
                continue;
            }
            o.assessments = na.iter().map(|a| Assessment {
                outcome: if a.assessed_on <= as_of() { Outcome::NotApplicable } else { a.outcome },
                ..a.clone()
            }).collect();
            o.metrics = later.iter().map(|(m, _, d)| MetricObservation {
                observed_on: day(*d), ..m.clone()
            }).collect();
            o.findings = later.iter().enumerate().map(|(j, (_, f, d))| Finding {
                id: format!("L-{j}"), first_seen: day(*d), resolved_on: None, ..f.clone()
            }).collect();
        }
        let out = rated(&q);
        for (i, (o, r)) in q.organisations.iter().zip(&out.ratings).enumerate() {
            if i == keep {
                continue;
            }
            let p0 = prior_probability(o.attestation.as_ref());
            // m = 1 − (logit(P₀) − β₀)/Σw with β₀ = −3.9 and Σw = 4.2 (spec 2 and 4.1).
            let logit = (p0 / (1.0 - p0)).ln();
            let m = 1.0 - (logit + 3.9) / 4.2;
            if (0.001..=0.999).contains(&m) {
                prop_assert!((r.internal_probability - p0).abs() <= 1e-12,
                    "{}: P_int {} ≠ P0 {}", r.id, r.internal_probability, p0);
            } else {
                let m = m.clamp(0.001, 0.999);
                let held = 1.0 / (1.0 + (-(-3.9 + 4.2 * (1.0 - m))).exp());
                prop_assert!((r.internal_probability - held).abs() <= 1e-12,
                    "{}: P_int {} ≠ clamped {} (P0 {})", r.id, r.internal_probability, held, p0);
            }
            let basis = if o.attestation.is_some() { Basis::Attestation } else { Basis::Prior };
            prop_assert_eq!(r.basis, basis);
            prop_assert_eq!(r.coverage, 0.0);
            prop_assert!(r.factors.iter().all(|f| f.evidence == 0.0));
            prop_assert!(r.drivers.iter().all(|d| d.kind == risk_core::DriverKind::Dependency));
        }
    }
}

/// P₀ of section 4.1 (spec data).
fn prior_probability(a: Option<&Attestation>) -> f64 {
    let Some(a) = a else { return 0.25 };
    if let Some(p) = a.incident_probability {
        return p;
    }
    let p = match a.dspt_status {
        DsptStatus::StandardsExceeded => 0.04,
        DsptStatus::StandardsMet => 0.06,
        DsptStatus::ApproachingStandards => 0.15,
        DsptStatus::NotPublished => 0.25,
    };
    if a.cyber_essentials_plus { p * 0.7 } else { p }
}
