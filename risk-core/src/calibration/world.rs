//! Synthetic worlds with a known true methodology (calibration-v1 section 5.1).
//!
//! The portfolio is the NHS-shaped sample ([`crate::sample`]) with four years of evidence: the
//! sample as of the last snapshot, plus the sample as of two years earlier (its findings renamed
//! `P-…` and resolved), so ratings change between the quarterly snapshots. Incidents are drawn
//! so that every observation's outcome has exactly the truth's probability: each stream (an
//! organisation's internal stream, and each dependency edge) is a Poisson process whose
//! intensity is constant on the segments cut by the window ends, with segment masses chosen so
//! that every window (t, t + 365] holds mass −ln(1 − P*(t)).
#![allow(clippy::needless_range_loop)] // index loops read as the formulas they implement

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::calibration::input::{CalibrationConfig, Incident, Incidents, Level, Origin, Snapshots};
use crate::calibration::observe::{HORIZON_DAYS, SnapRating, rate_snapshots};
use crate::input::date::Date;
use crate::input::document::Portfolio;
use crate::methodology::Methodology;
use crate::methodology::calibrated::{PriorAnchor, Recalibration};
use crate::numeric::maths::{exp, ln1p};
use crate::rating::validate::PreparedOrg;
use crate::sample::{SampleConfig, sample_portfolio};

/// Which kind of truth a world is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// The base with β₀*, w*, coupling scale s* and the prior anchor (β₀⁰, W⁰).
    Refit,
    /// The base with `recalibration` {δ*, 1}.
    Recalibrated,
}

/// What world to make.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldConfig {
    /// Seed of every random stream.
    pub seed: u64,
    /// Organisations (the sample's mix; about 10% or more are suppliers).
    pub organisations: usize,
    /// The kind of truth.
    pub truth: Truth,
    /// The level the configuration asks for.
    pub level: Level,
    /// Seed of the truth's weight redistribution (a fresh world from the same truth keeps it).
    pub truth_seed: u64,
}

impl WorldConfig {
    /// A world of `organisations` from the refit truth, level `auto`.
    pub fn new(seed: u64, organisations: usize) -> Self {
        WorldConfig {
            seed,
            organisations,
            truth: Truth::Refit,
            level: Level::Auto,
            truth_seed: seed,
        }
    }
}

/// A synthetic world: the three input documents and the true methodology.
#[derive(Debug, Clone)]
pub struct World {
    /// The portfolio (as_of = last snapshot).
    pub portfolio: Portfolio,
    /// The incidents drawn from the truth.
    pub incidents: Incidents,
    /// Quarterly snapshots, `observed_until` = last + 365.
    pub config: CalibrationConfig,
    /// The true methodology.
    pub truth: Methodology,
    /// Streams whose window probabilities had no non-negative segment solution.
    pub infeasible_streams: usize,
    /// All streams.
    pub streams: usize,
}

/// The true methodology of a world (deterministic in `seed`): β₀* = −3.6, weights w⁰
/// redistributed by ±0.2 in pairs (sum unchanged), s* = 1.5, anchor (β₀⁰, W⁰); or the base with
/// recalibration {0.5, 1}.
pub fn true_methodology(truth: Truth, seed: u64) -> Methodology {
    let base = Methodology::default();
    let mut doc = base.doc().clone();
    doc.id = format!("{}-truth", base.id());
    match truth {
        Truth::Recalibrated => {
            doc.recalibration = Some(Recalibration {
                intercept: 0.5,
                slope: 1.0,
            });
        }
        Truth::Refit => {
            let w_sum: f64 = base.factors().iter().map(|f| f.weight).sum();
            doc.prior_anchor = Some(PriorAnchor {
                intercept: doc.model.intercept,
                weight_sum: w_sum,
            });
            doc.model.intercept = -3.6;
            let k = doc.factors.len();
            let shift = (seed % k as u64) as usize;
            for i in (0..k - 1).step_by(2) {
                let (a, b) = ((i + shift) % k, (i + 1 + shift) % k);
                let d = 0.2f64.min(doc.factors[b].weight);
                doc.factors[a].weight += d;
                doc.factors[b].weight -= d;
            }
            let c = &mut doc.supply_chain.criticality;
            c.critical *= 1.5;
            c.high *= 1.5;
            c.medium *= 1.5;
            c.low *= 1.5;
        }
    }
    Methodology::new(doc).expect("the truth is a valid methodology")
}

fn merged_portfolio(seed: u64, organisations: usize, as_of: Date) -> Portfolio {
    let earlier = as_of.add_days(-730).unwrap_or(Date::MIN);
    let a = sample_portfolio(&SampleConfig {
        organisations,
        seed,
        as_of,
    });
    let b = sample_portfolio(&SampleConfig {
        organisations,
        seed,
        as_of: earlier,
    });
    let mut out = a;
    for (o, old) in out.organisations.iter_mut().zip(b.organisations) {
        if o.id != old.id {
            continue;
        }
        o.assessments.extend(old.assessments);
        o.metrics.extend(old.metrics);
        for mut f in old.findings {
            f.id = format!("P-{}", f.id);
            if f.first_seen > earlier {
                continue;
            }
            let fix = f.first_seen.add_days(60).unwrap_or(earlier).min(earlier);
            f.resolved_on = Some(
                f.resolved_on
                    .map_or(fix, |r| r.min(earlier))
                    .max(f.first_seen),
            );
            o.findings.push(f);
        }
    }
    out
}

/// Poisson(λ) by inversion.
fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    let u: f64 = rng.random();
    let mut k = 0u32;
    let mut p = exp(-lambda);
    let mut f = p;
    while u > f && k < 1000 {
        k += 1;
        p *= lambda / f64::from(k);
        f += p;
    }
    k
}

/// Segment masses for one stream: windows (t_j, t_j + H] need mass h_j. Returns the masses
/// on `segments` (day ranges (a, b]) and whether the construction was feasible.
fn segment_masses(snaps: &[Date], segments: &[(Date, Date)], h: &[f64]) -> (Vec<f64>, bool) {
    let mut mass = vec![0.0; segments.len()];
    let mut assigned = vec![false; segments.len()];
    let mut feasible = true;
    for (j, &t) in snaps.iter().enumerate() {
        let end = t.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
        let inside: Vec<usize> = (0..segments.len())
            .filter(|&s| segments[s].0 >= t && segments[s].1 <= end)
            .collect();
        let have: f64 = inside
            .iter()
            .filter(|&&s| assigned[s])
            .map(|&s| mass[s])
            .sum();
        let fresh: Vec<usize> = inside.iter().copied().filter(|&s| !assigned[s]).collect();
        let len: i64 = fresh
            .iter()
            .map(|&s| segments[s].1.days_since(segments[s].0))
            .sum();
        let mut need = h[j] - have;
        if need < -1e-12 || (fresh.is_empty() && need > 1e-12) {
            feasible = false;
        }
        if need < 0.0 {
            need = 0.0;
        }
        for &s in &fresh {
            let l = segments[s].1.days_since(segments[s].0);
            mass[s] = if len > 0 {
                need * l as f64 / len as f64
            } else {
                0.0
            };
            assigned[s] = true;
        }
    }
    if feasible {
        return (mass, true);
    }
    // The greedy split failed: look for any non-negative solution (Lawson–Hanson NNLS).
    let a: Vec<Vec<f64>> = snaps
        .iter()
        .map(|&t| {
            let end = t.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
            segments
                .iter()
                .map(|s| if s.0 >= t && s.1 <= end { 1.0 } else { 0.0 })
                .collect()
        })
        .collect();
    let x = nnls(&a, h);
    let worst = a
        .iter()
        .zip(h)
        .map(|(row, hj)| (row.iter().zip(&x).map(|(r, v)| r * v).sum::<f64>() - hj).abs())
        .fold(0.0, f64::max);
    (x, worst <= 1e-9)
}

/// Non-negative least squares min ‖Ax − b‖, x ≥ 0 (Lawson and Hanson 1974).
fn nnls(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let (m, n) = (a.len(), a.first().map_or(0, Vec::len));
    let mut x = vec![0.0; n];
    let mut passive = vec![false; n];
    let residual_grad = |x: &[f64]| -> Vec<f64> {
        let r: Vec<f64> = (0..m)
            .map(|i| b[i] - (0..n).map(|j| a[i][j] * x[j]).sum::<f64>())
            .collect();
        (0..n)
            .map(|j| (0..m).map(|i| a[i][j] * r[i]).sum())
            .collect()
    };
    let ls = |passive: &[bool]| -> Vec<f64> {
        let cols: Vec<usize> = (0..n).filter(|&j| passive[j]).collect();
        let ata: Vec<Vec<f64>> = cols
            .iter()
            .map(|&p| {
                cols.iter()
                    .map(|&q| (0..m).map(|i| a[i][p] * a[i][q]).sum())
                    .collect()
            })
            .collect();
        let atb: Vec<f64> = cols
            .iter()
            .map(|&p| (0..m).map(|i| a[i][p] * b[i]).sum())
            .collect();
        let sol =
            crate::calibration::stats::solve(&ata, &atb).unwrap_or_else(|| vec![0.0; cols.len()]);
        let mut z = vec![0.0; n];
        for (k, &p) in cols.iter().enumerate() {
            z[p] = sol[k];
        }
        z
    };
    for _ in 0..3 * n + 10 {
        let w = residual_grad(&x);
        let cand = (0..n)
            .filter(|&j| !passive[j])
            .max_by(|&p, &q| w[p].total_cmp(&w[q]));
        let Some(t) = cand else { break };
        if w[t] <= 1e-12 {
            break;
        }
        passive[t] = true;
        for _ in 0..3 * n + 10 {
            let z = ls(&passive);
            if (0..n).filter(|&j| passive[j]).all(|j| z[j] > 0.0) {
                x = z;
                break;
            }
            let mut alpha = f64::INFINITY;
            for j in 0..n {
                if passive[j] && z[j] <= 0.0 {
                    alpha = alpha.min(x[j] / (x[j] - z[j]));
                }
            }
            for j in 0..n {
                x[j] += alpha * (z[j] - x[j]);
                if passive[j] && x[j] <= 1e-15 {
                    passive[j] = false;
                    x[j] = 0.0;
                }
            }
        }
    }
    x.iter().map(|v| v.max(0.0)).collect()
}

/// Make a world (calibration-v1 section 5.1). Deterministic in the configuration.
///
/// ```
/// use risk_core::calibration::{simulate_world, WorldConfig};
/// let w = simulate_world(&WorldConfig::new(1, 60));
/// assert_eq!(w.config.snapshot_dates().len(), 9);
/// assert!(!w.incidents.incidents.is_empty());
/// ```
pub fn simulate_world(config: &WorldConfig) -> World {
    let first = Date::from_ymd(2022, 10, 1).unwrap_or(Date::MIN);
    let last = Date::from_ymd(2024, 10, 1).unwrap_or(Date::MIN);
    let observed_until = last.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
    let portfolio = merged_portfolio(config.seed, config.organisations, last);
    let mut cfg = CalibrationConfig::new(
        Snapshots::Every {
            start: first,
            end: last,
            every_months: 3,
        },
        observed_until,
    );
    cfg.level = config.level;
    let snaps = cfg.snapshot_dates();
    let truth = true_methodology(config.truth, config.truth_seed);
    // The base model's un-recalibrated figures under the truth (without its recalibration).
    let mut plain_doc = truth.doc().clone();
    let recal = plain_doc.recalibration.take();
    let plain = Methodology::new(plain_doc).expect("valid");
    let prep = crate::rating::validate::validate(&portfolio, &plain)
        .expect("the sample is a valid portfolio");
    let rated = rate_snapshots(&prep, &snaps);
    // Segments cut by all window ends.
    let mut cuts: Vec<Date> = snaps
        .iter()
        .flat_map(|&t| [t, t.add_days(HORIZON_DAYS).unwrap_or(Date::MAX)])
        .collect();
    cuts.sort();
    cuts.dedup();
    let segments: Vec<(Date, Date)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let mut incidents = Vec::new();
    let mut infeasible = 0;
    let mut streams = 0;
    for (o, org) in prep.orgs.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(
            config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (o as u64 + 1),
        );
        let stream_h = stream_hazards(org, o, &rated, recal.as_ref());
        let mut count = 0;
        for (edge, h) in stream_h {
            streams += 1;
            let (mass, ok) = segment_masses(&snaps, &segments, &h);
            if !ok {
                infeasible += 1;
            }
            for (s, &lambda) in mass.iter().enumerate() {
                let k = poisson(&mut rng, lambda);
                let (a, b) = segments[s];
                let days = b.days_since(a).max(1) as u32;
                for _ in 0..k {
                    let day = rng.random_range(1..=days);
                    let on = a.add_days(i64::from(day)).unwrap_or(b);
                    count += 1;
                    incidents.push(Incident {
                        id: format!("INC-{}-{count:04}", org.id),
                        organisation: org.id.clone(),
                        occurred_on: on,
                        origin: if edge.is_some() {
                            Origin::Supplier
                        } else {
                            Origin::Internal
                        },
                        supplier: edge.map(|e| org.deps[e].supplier_id.clone()),
                        material: true,
                        description: None,
                    });
                }
            }
        }
    }
    incidents.sort_by(|a, b| {
        a.occurred_on
            .cmp(&b.occurred_on)
            .then_with(|| a.id.as_bytes().cmp(b.id.as_bytes()))
    });
    World {
        portfolio,
        incidents: Incidents { incidents },
        config: cfg,
        truth,
        infeasible_streams: infeasible,
        streams,
    }
}

/// The incident hazard of each stream of organisation `o` in each snapshot window: its own
/// (internal) stream, then one per supplier edge; with a recalibration in the truth, its
/// recalibrated hazard shared out in proportion to the base model's.
fn stream_hazards(
    org: &PreparedOrg,
    o: usize,
    rated: &[SnapRating],
    recal: Option<&Recalibration>,
) -> Vec<(Option<usize>, Vec<f64>)> {
    let n_snaps = rated.len();
    let hazard = |p: f64| -ln1p(-p);
    let mut stream_h: Vec<(Option<usize>, Vec<f64>)> = Vec::new();
    let h_int: Vec<f64> = rated.iter().map(|r| hazard(r.p_int[o])).collect();
    let h_edges: Vec<Vec<f64>> = org
        .deps
        .iter()
        .map(|d| {
            rated
                .iter()
                .map(|r| hazard(d.coupling * r.p[d.supplier]))
                .collect()
        })
        .collect();
    match recal {
        None => {
            stream_h.push((None, h_int));
            for (e, h) in h_edges.into_iter().enumerate() {
                stream_h.push((Some(e), h));
            }
        }
        Some(r) => {
            // Share the recalibrated hazard out in proportion to the base model's.
            let total: Vec<f64> = (0..n_snaps)
                .map(|j| h_int[j] + h_edges.iter().map(|h| h[j]).sum::<f64>())
                .collect();
            let target: Vec<f64> = rated.iter().map(|rr| hazard(r.apply(rr.p[o]))).collect();
            let scale = |h: &[f64]| -> Vec<f64> {
                (0..n_snaps)
                    .map(|j| {
                        if total[j] > 0.0 {
                            target[j] * h[j] / total[j]
                        } else {
                            0.0
                        }
                    })
                    .collect()
            };
            stream_h.push((None, scale(&h_int)));
            for (e, h) in h_edges.iter().enumerate() {
                stream_h.push((Some(e), scale(h)));
            }
        }
    }
    stream_h
}
