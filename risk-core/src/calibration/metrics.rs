//! The metrics of calibration-v1 section 4.1.
#![allow(clippy::needless_range_loop)] // index loops read as the formulas they implement

use serde::{Deserialize, Serialize};

use crate::calibration::fit::{Param, fit_intercept_core, fit_recalibrate_core};
use crate::calibration::stats::{Z, logit, wilson};
use crate::methodology::Methodology;

/// Tie tolerance of section 4.1.
const TIE: f64 = 1e-12;

/// AUC with its DeLong standard error and interval.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Auc {
    /// The AUC (null without events or non-events).
    pub estimate: Option<f64>,
    /// DeLong standard error (null with fewer than 2 events or non-events).
    pub se: Option<f64>,
    /// 95% interval.
    pub ci: Option<[f64; 2]>,
}

/// Brier score.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brier {
    /// (1/n) Σ (p − y)².
    pub score: f64,
    /// ȳ(1 − ȳ).
    pub reference: f64,
    /// 1 − B/B_ref (null when B_ref = 0).
    pub skill: Option<f64>,
}

/// Murphy decomposition over the reliability bins.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Murphy {
    /// REL.
    pub reliability: f64,
    /// RES.
    pub resolution: f64,
    /// UNC.
    pub uncertainty: f64,
    /// WBV.
    pub within_bin_variance: f64,
    /// WBC.
    pub within_bin_covariance: f64,
    /// REL − RES + UNC + WBV − WBC (equal to the Brier score).
    pub brier: f64,
}

/// Observed over expected events.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedExpected {
    /// Events.
    pub observed: f64,
    /// Σ p.
    pub expected: f64,
    /// observed / expected.
    pub ratio: f64,
    /// ratio·exp(∓z/√E) (null when E = 0).
    pub ci: Option<[f64; 2]>,
}

/// The calibration slope and the intercept of that model.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slope {
    /// b̂.
    #[serde(flatten)]
    pub slope: Param,
    /// â of the same model.
    pub intercept: f64,
}

/// One reliability bin.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// 1–10.
    pub bin: usize,
    /// Observations.
    pub n: usize,
    /// Events.
    pub events: usize,
    /// Smallest prediction.
    pub p_min: f64,
    /// Largest prediction.
    pub p_max: f64,
    /// Mean prediction.
    pub mean_predicted: f64,
    /// Event rate.
    pub observed: f64,
    /// Wilson interval of the rate.
    pub observed_ci: Option<[f64; 2]>,
}

/// One band's row.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRow {
    /// A–F.
    pub band: String,
    /// Observations.
    pub n: usize,
    /// Events.
    pub events: usize,
    /// Event rate (null when n = 0).
    pub observed: Option<f64>,
    /// Wilson interval.
    pub observed_ci: Option<[f64; 2]>,
    /// Mean prediction (null when n = 0).
    pub mean_predicted: Option<f64>,
    /// Relative risk against the reference band.
    pub relative_risk: Option<f64>,
    /// Katz interval.
    pub relative_risk_ci: Option<[f64; 2]>,
    /// Half-counts added because of a zero.
    pub corrected: bool,
    /// The reference band.
    pub reference: bool,
}

/// The metrics of predictions against outcomes (section 4.1).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Observations.
    pub n: usize,
    /// Events.
    pub events: usize,
    /// ȳ.
    pub base_rate: Option<f64>,
    /// p̄.
    pub mean_predicted: Option<f64>,
    /// Discrimination.
    pub auc: Auc,
    /// Brier score.
    pub brier: Option<Brier>,
    /// Murphy decomposition.
    pub murphy: Option<Murphy>,
    /// Expected calibration error.
    pub ece: Option<f64>,
    /// O/E.
    pub oe: Option<ObservedExpected>,
    /// Calibration intercept (slope fixed at 1).
    pub calibration_intercept: Option<Param>,
    /// Calibration slope.
    pub calibration_slope: Option<Slope>,
    /// Reliability bins.
    pub reliability: Vec<Bin>,
    /// Bands (overall only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<BandRow>>,
}

/// AUC and DeLong (item 2).
pub(crate) fn auc(p: &[f64], y: &[bool]) -> Auc {
    let mut ev: Vec<f64> = p.iter().zip(y).filter(|x| *x.1).map(|x| *x.0).collect();
    let mut ne: Vec<f64> = p.iter().zip(y).filter(|x| !*x.1).map(|x| *x.0).collect();
    let (n1, n0) = (ev.len(), ne.len());
    if n1 == 0 || n0 == 0 {
        return Auc {
            estimate: None,
            se: None,
            ci: None,
        };
    }
    ev.sort_by(f64::total_cmp);
    ne.sort_by(f64::total_cmp);
    // ψ(a, b): 1 if a > b + tie, ½ if |a − b| ≤ tie.
    let psi_sum = |a: f64, others: &[f64], a_is_event: bool| -> f64 {
        if a_is_event {
            // Σ_j ψ(a, b_j) over non-events b_j.
            let gt = others.partition_point(|&b| a > b + TIE);
            let lo = others.partition_point(|&b| a - b > TIE);
            let hi = others.partition_point(|&b| b - a <= TIE);
            let tied = hi.saturating_sub(lo);
            gt as f64 + 0.5 * tied as f64
        } else {
            // Σ_i ψ(a_i, b) over events a_i, b = a here.
            let b = a;
            let hi_t = others.partition_point(|&x| x - b <= TIE);
            let lo_t = others.partition_point(|&x| b - x > TIE);
            let tied = hi_t.saturating_sub(lo_t);
            let gt = others.len() - others.partition_point(|&x| x <= b + TIE);
            gt as f64 + 0.5 * tied as f64
        }
    };
    let v10: Vec<f64> = ev
        .iter()
        .map(|&a| psi_sum(a, &ne, true) / n0 as f64)
        .collect();
    let v01: Vec<f64> = ne
        .iter()
        .map(|&b| psi_sum(b, &ev, false) / n1 as f64)
        .collect();
    let a = v10.iter().sum::<f64>() / n1 as f64;
    if n1 < 2 || n0 < 2 {
        return Auc {
            estimate: Some(a),
            se: None,
            ci: None,
        };
    }
    let s10 = v10.iter().map(|v| (v - a) * (v - a)).sum::<f64>() / (n1 as f64 - 1.0);
    let s01 = v01.iter().map(|v| (v - a) * (v - a)).sum::<f64>() / (n0 as f64 - 1.0);
    let se = (s10 / n1 as f64 + s01 / n0 as f64).sqrt();
    Auc {
        estimate: Some(a),
        se: Some(se),
        ci: Some([(a - Z * se).max(0.0), (a + Z * se).min(1.0)]),
    }
}

/// Bin of each observation (item 4), 0–9.
pub(crate) fn bins(p: &[f64]) -> Vec<usize> {
    let n = p.len();
    let mut sorted = p.to_vec();
    sorted.sort_by(f64::total_cmp);
    p.iter()
        .map(|&pi| {
            let l = sorted.partition_point(|&pj| pj < pi - TIE);
            (10 * l / n).min(9)
        })
        .collect()
}

/// The metrics block of p against y with clusters (and bands when `bands` is given).
pub(crate) fn metrics(
    p: &[f64],
    y: &[bool],
    clusters: &[usize],
    bands: Option<&Methodology>,
) -> Metrics {
    let n = p.len();
    let events = y.iter().filter(|&&v| v).count();
    let band_rows = bands.map(|m| band_table(m, p, y));
    if n == 0 {
        return Metrics {
            n,
            events,
            base_rate: None,
            mean_predicted: None,
            auc: Auc {
                estimate: None,
                se: None,
                ci: None,
            },
            brier: None,
            murphy: None,
            ece: None,
            oe: None,
            calibration_intercept: None,
            calibration_slope: None,
            reliability: Vec::new(),
            bands: band_rows,
        };
    }
    let nf = n as f64;
    let yf = |v: bool| if v { 1.0 } else { 0.0 };
    let ybar = events as f64 / nf;
    let psum: f64 = p.iter().sum();
    let pbar = psum / nf;
    let b = p
        .iter()
        .zip(y)
        .map(|(pi, yi)| {
            let d = pi - yf(*yi);
            d * d
        })
        .sum::<f64>()
        / nf;
    let b_ref = ybar * (1.0 - ybar);
    let brier = Brier {
        score: b,
        reference: b_ref,
        skill: (b_ref > 0.0).then(|| 1.0 - b / b_ref),
    };
    let (murphy, ece, reliability) = binned(p, y, ybar, b_ref);
    let e = events as f64;
    let ratio = e / psum;
    let oe = ObservedExpected {
        observed: e,
        expected: psum,
        ratio,
        ci: (events > 0).then(|| {
            let h = Z / e.sqrt();
            [
                ratio * crate::numeric::maths::exp(-h),
                ratio * crate::numeric::maths::exp(h),
            ]
        }),
    };
    let x: Vec<f64> = p.iter().map(|&pi| logit(pi)).collect();
    let (ci, cs) = if events == 0 || events == n {
        (None, None)
    } else {
        let ci = fit_intercept_core(&x, y, clusters).ok().map(|f| f.param);
        let cs = fit_recalibrate_core(&x, y, clusters, false)
            .ok()
            .map(|f| Slope {
                slope: f.b,
                intercept: f.a.estimate,
            });
        (ci, cs)
    };
    Metrics {
        n,
        events,
        base_rate: Some(ybar),
        mean_predicted: Some(pbar),
        auc: auc(p, y),
        brier: Some(brier),
        murphy: Some(murphy),
        ece: Some(ece),
        oe: Some(oe),
        calibration_intercept: ci,
        calibration_slope: cs,
        reliability,
        bands: band_rows,
    }
}

/// The reliability table of the ten bins of [`bins`], the Murphy decomposition of the Brier
/// score over them (`ybar` the base rate, `b_ref` the uncertainty) and the expected calibration
/// error.
fn binned(p: &[f64], y: &[bool], ybar: f64, b_ref: f64) -> (Murphy, f64, Vec<Bin>) {
    let nf = p.len() as f64;
    let yf = |v: bool| if v { 1.0 } else { 0.0 };
    let bin = bins(p);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); 10];
    for (i, &bi) in bin.iter().enumerate() {
        members[bi].push(i);
    }
    let mut rel = 0.0;
    let mut res = 0.0;
    let mut wbv = 0.0;
    let mut wbc = 0.0;
    let mut ece = 0.0;
    let mut reliability = Vec::new();
    for (bi, mem) in members.iter().enumerate() {
        if mem.is_empty() {
            continue;
        }
        let nb = mem.len() as f64;
        let eb = mem.iter().filter(|&&i| y[i]).count();
        let pb = mem.iter().map(|&i| p[i]).sum::<f64>() / nb;
        let ob = eb as f64 / nb;
        rel += nb * (pb - ob) * (pb - ob);
        res += nb * (ob - ybar) * (ob - ybar);
        for &i in mem {
            wbv += (p[i] - pb) * (p[i] - pb);
            wbc += (p[i] - pb) * (yf(y[i]) - ob);
        }
        ece += nb / nf * (ob - pb).abs();
        let pmin = mem.iter().map(|&i| p[i]).fold(f64::INFINITY, f64::min);
        let pmax = mem.iter().map(|&i| p[i]).fold(f64::NEG_INFINITY, f64::max);
        reliability.push(Bin {
            bin: bi + 1,
            n: mem.len(),
            events: eb,
            p_min: pmin,
            p_max: pmax,
            mean_predicted: pb,
            observed: ob,
            observed_ci: wilson(eb as f64, nb),
        });
    }
    let (rel, res, wbv, wbc) = (rel / nf, res / nf, wbv / nf, 2.0 * wbc / nf);
    let murphy = Murphy {
        reliability: rel,
        resolution: res,
        uncertainty: b_ref,
        within_bin_variance: wbv,
        within_bin_covariance: wbc,
        brier: rel - res + b_ref + wbv - wbc,
    };
    (murphy, ece, reliability)
}

/// The band table (item 10). `p` are reported probabilities of methodology `m`.
pub(crate) fn band_table(m: &Methodology, p: &[f64], y: &[bool]) -> Vec<BandRow> {
    let labels: Vec<String> = m.doc().bands.iter().map(|b| b.band.clone()).collect();
    let mut n = vec![0usize; labels.len()];
    let mut ev = vec![0usize; labels.len()];
    let mut ps = vec![0.0f64; labels.len()];
    for (pi, yi) in p.iter().zip(y) {
        let s = crate::rating::engine::scale_score(m, *pi);
        let b = crate::rating::engine::band(m, s);
        let k = labels
            .iter()
            .position(|l| l == b)
            .unwrap_or(labels.len() - 1);
        n[k] += 1;
        ev[k] += usize::from(*yi);
        ps[k] += pi;
    }
    let r = n.iter().position(|&c| c > 0);
    labels
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let nk = n[k];
            let mut row = BandRow {
                band: label.clone(),
                n: nk,
                events: ev[k],
                observed: (nk > 0).then(|| ev[k] as f64 / nk as f64),
                observed_ci: wilson(ev[k] as f64, nk as f64),
                mean_predicted: (nk > 0).then(|| ps[k] / nk as f64),
                relative_risk: None,
                relative_risk_ci: None,
                corrected: false,
                reference: false,
            };
            match r {
                Some(r) if r == k => {
                    row.reference = true;
                    row.relative_risk = Some(1.0);
                }
                Some(r) if nk > 0 => {
                    let (mut xb, mut nb, mut xr, mut nr) =
                        (ev[k] as f64, nk as f64, ev[r] as f64, n[r] as f64);
                    if ev[k] == 0 || ev[r] == 0 {
                        xb += 0.5;
                        nb += 1.0;
                        xr += 0.5;
                        nr += 1.0;
                        row.corrected = true;
                    }
                    let rr = (xb / nb) / (xr / nr);
                    let se = (1.0 / xb - 1.0 / nb + 1.0 / xr - 1.0 / nr).sqrt();
                    row.relative_risk = Some(rr);
                    row.relative_risk_ci = Some([
                        rr * crate::numeric::maths::exp(-Z * se),
                        rr * crate::numeric::maths::exp(Z * se),
                    ]);
                }
                _ => {}
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_and_delong_hand_computed() {
        // Events 0.8, 0.4; non-events 0.6, 0.2, 0.4 (one tie): pairs (0.8: 1,1,1) (0.4: 0,1,½)
        let p = [0.8, 0.4, 0.6, 0.2, 0.4];
        let y = [true, true, false, false, false];
        let a = auc(&p, &y);
        assert!((a.estimate.unwrap() - 4.5 / 6.0).abs() < 1e-15);
        // V10 = [1, 0.5]; V01 = [0.5, 1, 0.75]; S10 = 0.125, S01 = 0.0625
        let se = (0.125f64 / 2.0 + 0.0625 / 3.0).sqrt();
        assert!((a.se.unwrap() - se).abs() < 1e-15);
    }

    #[test]
    fn bins_of_25_have_sizes_3_2_3_2() {
        let p: Vec<f64> = (0..25).map(|i| (i as f64 + 1.0) / 100.0).collect();
        let b = bins(&p);
        let sizes: Vec<usize> = (0..10)
            .map(|k| b.iter().filter(|&&x| x == k).count())
            .collect();
        assert_eq!(sizes, [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
        // A tied group goes to the bin of its first member.
        let t = [0.1, 0.1, 0.1, 0.5];
        assert_eq!(bins(&t), [0, 0, 0, 7]);
    }

    #[test]
    fn murphy_identity_and_oe() {
        let p = [
            0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.05, 0.9, 0.15, 0.4, 0.6, 0.25,
        ];
        let y = [
            false, false, true, false, true, true, false, true, false, false, true, false,
        ];
        let c: Vec<usize> = (0..p.len()).collect();
        let m = metrics(&p, &y, &c, None);
        let mu = m.murphy.unwrap();
        assert!((mu.brier - m.brier.unwrap().score).abs() < 1e-12);
        let oe = m.oe.unwrap();
        assert!((oe.ratio - 5.0 / 4.5).abs() < 1e-12);
    }
}
