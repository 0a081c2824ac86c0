//! The fits of calibration-v1 section 3: intercept (3.2), recalibrate (3.3), refit of β₀ and
//! the weights (3.4) and the coupling scale (3.5).
//!
//! None of them rates: they work on the per-observation numbers [`super::observe`] computed
//! once per snapshot (x = logit P, the factor means μ_k, and the suppliers' internal
//! probabilities), so an optimiser step is a pass over an n × 14 matrix.
#![allow(clippy::needless_range_loop)] // index loops read as the formulas they implement

use serde::{Deserialize, Serialize};

use crate::calibration::error::CalibrationError;
use crate::calibration::stats::{Z, invert, logit, loglik, sandwich_se, softplus};
use crate::numeric::maths::logistic;

/// A fitted parameter with its standard errors (section 3.1).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Estimate.
    pub estimate: f64,
    /// The base methodology's value.
    pub original: f64,
    /// From the observed information.
    pub se: Option<f64>,
    /// Wald interval.
    pub ci: Option<[f64; 2]>,
    /// Cluster-robust (organisations as clusters).
    pub se_cluster: Option<f64>,
    /// Wald interval from `se_cluster`.
    pub ci_cluster: Option<[f64; 2]>,
    /// The estimate sits at its bound (0).
    pub at_bound: bool,
}

fn fin(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl Param {
    pub(crate) fn new(estimate: f64, original: f64, se: f64, se_cl: f64, lower0: bool) -> Param {
        let ci = |s: f64| {
            fin(s).map(|s| {
                let lo = estimate - Z * s;
                [if lower0 { lo.max(0.0) } else { lo }, estimate + Z * s]
            })
        };
        Param {
            estimate,
            original,
            se: fin(se),
            ci: ci(se),
            se_cluster: fin(se_cl),
            ci_cluster: ci(se_cl),
            at_bound: false,
        }
    }
}

/// Number of distinct clusters and each observation's cluster rank.
fn cluster_ranks(clusters: &[usize]) -> (usize, Vec<usize>) {
    let mut ids: Vec<usize> = clusters.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let rank = clusters
        .iter()
        .map(|c| ids.binary_search(c).unwrap_or(0))
        .collect();
    (ids.len(), rank)
}

/// Result of the intercept fit.
#[derive(Debug, Clone)]
pub(crate) struct InterceptFit {
    pub param: Param,
    pub loglik: f64,
    /// (se_cluster/se)².
    pub ratio: f64,
}

/// Section 3.2 on x = logit p.
pub(crate) fn fit_intercept_core(
    x: &[f64],
    y: &[bool],
    clusters: &[usize],
) -> Result<InterceptFit, CalibrationError> {
    let n = x.len();
    let e = y.iter().filter(|&&v| v).count();
    if n == 0 || e == 0 || e == n {
        return Err(CalibrationError::fit(
            "degenerate_outcomes",
            "the intercept needs at least one event and one non-event",
        ));
    }
    let mut d = 0.0;
    let mut converged = false;
    for _ in 0..200 {
        let (mut g, mut h) = (0.0, 0.0);
        for (xi, yi) in x.iter().zip(y) {
            let q = logistic(xi + d);
            g += f64::from(u8::from(*yi)) - q;
            h += q * (1.0 - q);
        }
        if g.abs() <= 1e-9 * n as f64 {
            converged = true;
            break;
        }
        if h <= 0.0 || !h.is_finite() {
            break;
        }
        d += (g / h).clamp(-5.0, 5.0);
    }
    if !converged {
        return Err(CalibrationError::fit(
            "no_convergence",
            "the intercept fit did not converge",
        ));
    }
    let (g_n, rank) = cluster_ranks(clusters);
    let mut u = vec![0.0; g_n];
    let mut info = 0.0;
    let mut q = Vec::with_capacity(n);
    for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
        let qi = logistic(xi + d);
        info += qi * (1.0 - qi);
        u[rank[i]] += f64::from(u8::from(*yi)) - qi;
        q.push(qi);
    }
    let se = 1.0 / info.sqrt();
    let se_cl = if g_n >= 2 {
        let s: f64 = u.iter().map(|v| v * v).sum();
        (g_n as f64 / (g_n as f64 - 1.0) * s).sqrt() / info
    } else {
        f64::NAN
    };
    let ll = loglik_eta(x, y, |xi| xi + d);
    Ok(InterceptFit {
        param: Param::new(d, 0.0, se, se_cl, false),
        loglik: ll,
        ratio: (se_cl / se) * (se_cl / se),
    })
}

fn loglik_eta(x: &[f64], y: &[bool], f: impl Fn(f64) -> f64) -> f64 {
    let mut s = 0.0;
    for (xi, yi) in x.iter().zip(y) {
        let eta = f(*xi);
        s += if *yi { eta } else { 0.0 } - softplus(eta);
    }
    s
}

/// Result of the recalibration fit.
#[derive(Debug, Clone)]
pub(crate) struct RecalFit {
    pub a: Param,
    pub b: Param,
    pub cov_ab: f64,
    pub loglik: f64,
}

/// Section 3.3 on x = logit p. `require_positive`: b̂ ≤ 0 is the error `slope_not_positive`
/// (a fit); a report's calibration slope shows it as it is.
pub(crate) fn fit_recalibrate_core(
    x: &[f64],
    y: &[bool],
    clusters: &[usize],
    require_positive: bool,
) -> Result<RecalFit, CalibrationError> {
    let n = x.len();
    let e = y.iter().filter(|&&v| v).count();
    if n == 0 || e == 0 || e == n {
        return Err(CalibrationError::fit(
            "degenerate_outcomes",
            "recalibration needs at least one event and one non-event",
        ));
    }
    if x.iter().all(|&v| v == x[0]) {
        return Err(CalibrationError::fit(
            "constant_predictions",
            "every prediction is the same: no slope can be fitted",
        ));
    }
    let xmax = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (mut a, mut b) = (0.0, 1.0);
    let mut converged = false;
    let grad = |a: f64, b: f64| {
        let (mut g0, mut g1, mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (xi, yi) in x.iter().zip(y) {
            let q = logistic(a + b * xi);
            let r = f64::from(u8::from(*yi)) - q;
            let w = q * (1.0 - q);
            g0 += r;
            g1 += r * xi;
            h00 += w;
            h01 += w * xi;
            h11 += w * xi * xi;
        }
        (g0, g1, h00, h01, h11)
    };
    let obj = |a: f64, b: f64| loglik_eta(x, y, |xi| a + b * xi);
    for _ in 0..500 {
        let (g0, g1, h00, h01, h11) = grad(a, b);
        if g0.abs() <= 1e-9 * n as f64 && g1.abs() <= 1e-9 * n as f64 * xmax.max(1.0) {
            converged = true;
            break;
        }
        let det = h00 * h11 - h01 * h01;
        if det <= 0.0 || !det.is_finite() {
            break;
        }
        let da = (h11 * g0 - h01 * g1) / det;
        let db = (h00 * g1 - h01 * g0) / det;
        // Damped Newton: halve until the log-likelihood does not fall.
        let l0 = obj(a, b);
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..60 {
            let (na, nb) = (a + t * da, b + t * db);
            if obj(na, nb) >= l0 - 1e-12 * l0.abs().max(1.0) {
                a = na;
                b = nb;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved {
            break;
        }
    }
    if !converged {
        return Err(CalibrationError::fit(
            "no_convergence",
            "the recalibration fit did not converge",
        ));
    }
    if require_positive && b <= 0.0 {
        return Err(CalibrationError::fit(
            "slope_not_positive",
            format!("the fitted slope {b} is not positive: the ratings rank risk backwards"),
        ));
    }
    let (g_n, rank) = cluster_ranks(clusters);
    let mut u = vec![vec![0.0; 2]; g_n];
    let (mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0);
    for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
        let q = logistic(a + b * xi);
        let w = q * (1.0 - q);
        h00 += w;
        h01 += w * xi;
        h11 += w * xi * xi;
        let r = f64::from(u8::from(*yi)) - q;
        u[rank[i]][0] += r;
        u[rank[i]][1] += r * xi;
    }
    let jinv = invert(&[vec![h00, h01], vec![h01, h11]]).unwrap_or(vec![vec![f64::NAN; 2]; 2]);
    let se_cl = sandwich_se(&jinv, &u);
    Ok(RecalFit {
        a: Param::new(a, 0.0, jinv[0][0].sqrt(), se_cl[0], false),
        b: Param::new(b, 1.0, jinv[1][1].sqrt(), se_cl[1], false),
        cov_ab: jinv[0][1],
        loglik: obj(a, b),
    })
}

/// Result of the refit of β₀ and the weights.
#[derive(Debug, Clone)]
pub(crate) struct RefitTheta {
    /// β₀ then the weights.
    pub theta: Vec<f64>,
    pub params: Vec<Param>,
    pub objective: f64,
    pub projected_gradient: f64,
    pub loglik_internal: f64,
    pub iterations: usize,
}

/// Section 3.4: minimise F over θ = (β₀, w ≥ 0). `xs` is n × k (row-major) of x_k = 1 − μ_k.
pub(crate) fn fit_refit_theta(
    xs: &[f64],
    k: usize,
    y: &[bool],
    clusters: &[usize],
    beta0: f64,
    w0: &[f64],
    tau: f64,
) -> Result<RefitTheta, CalibrationError> {
    let n = y.len();
    let e = y.iter().filter(|&&v| v).count();
    if n == 0 || e == 0 || e == n {
        return Err(CalibrationError::fit(
            "degenerate_outcomes",
            "the refit needs at least one internal event and one observation without",
        ));
    }
    let pr = Penalised {
        xs,
        k,
        y,
        w0,
        inv_t2: 1.0 / (tau * tau),
    };
    let dim = k + 1;
    let mut th: Vec<f64> = std::iter::once(beta0)
        .chain(w0.iter().map(|w| w.max(0.0)))
        .collect();
    let mut f_cur = pr.objective(&th);
    let mut converged = false;
    let mut iterations = 0;
    let mut pg = f64::INFINITY;
    for it in 0..300 {
        iterations = it;
        let (g, h) = pr.grad_hess(&th);
        pg = proj_grad(&th, &g);
        if pg <= 1e-8 {
            converged = true;
            break;
        }
        if !pr.newton_step(&mut th, &mut f_cur, &g, &h) {
            break;
        }
    }
    if !converged {
        return Err(CalibrationError::fit(
            "no_convergence",
            format!("the refit did not converge (projected gradient {pg:e})"),
        ));
    }
    let mut at_bound = vec![false; dim];
    for a in 1..dim {
        if th[a] <= 1e-10 {
            th[a] = 0.0;
            at_bound[a] = true;
        }
    }
    let (g, h) = pr.grad_hess(&th);
    let projected_gradient = proj_grad(&th, &g);
    let jinv = invert(&h).unwrap_or(vec![vec![f64::NAN; dim]; dim]);
    let (u, ll) = pr.cluster_scores(&th, clusters);
    let se_cl = sandwich_se(&jinv, &u);
    let params = (0..dim)
        .map(|a| {
            let orig = if a == 0 { beta0 } else { w0[a - 1] };
            let mut p = Param::new(th[a], orig, jinv[a][a].sqrt(), se_cl[a], a > 0);
            p.at_bound = at_bound[a];
            p
        })
        .collect();
    Ok(RefitTheta {
        objective: pr.objective(&th),
        theta: th,
        params,
        projected_gradient,
        loglik_internal: ll,
        iterations,
    })
}

/// The penalised objective F of section 3.4: the internal events' negative log-likelihood under
/// η = β₀ + Σ_k w_k x_k, plus a Gaussian penalty (sd τ) pulling each weight to its base value.
struct Penalised<'a> {
    /// n × k (row-major) of x_k = 1 − μ_k.
    xs: &'a [f64],
    k: usize,
    y: &'a [bool],
    /// The base weights.
    w0: &'a [f64],
    /// 1/τ².
    inv_t2: f64,
}

impl Penalised<'_> {
    /// β₀ + Σ_k w_k x_k of observation `i`, in factor order (as the engine sums η).
    #[inline]
    fn eta(&self, th: &[f64], i: usize) -> f64 {
        let k = self.k;
        let mut eta = th[0];
        let row = &self.xs[i * k..(i + 1) * k];
        for f in 0..k {
            eta += th[f + 1] * row[f];
        }
        eta
    }

    /// F(θ). Compensated (Neumaier) sums: with hundreds of thousands of observations a plain
    /// sum's rounding would be of the order of the 1e-8 convergence tolerance.
    fn objective(&self, th: &[f64]) -> f64 {
        let mut acc = Neumaier::default();
        for (i, yi) in self.y.iter().enumerate() {
            let eta = self.eta(th, i);
            acc.add(softplus(eta) - if *yi { eta } else { 0.0 });
        }
        let mut s = acc.value();
        for f in 0..self.k {
            let d = th[f + 1] - self.w0[f];
            s += d * d * self.inv_t2 / 2.0;
        }
        s
    }

    /// The gradient and Hessian of F at θ.
    fn grad_hess(&self, th: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
        let (k, xs, inv_t2) = (self.k, self.xs, self.inv_t2);
        let dim = k + 1;
        let mut gacc = vec![Neumaier::default(); dim];
        let mut h = vec![vec![0.0; dim]; dim];
        let mut xt = vec![0.0; dim];
        for (i, yi) in self.y.iter().enumerate() {
            let p = logistic(self.eta(th, i));
            let r = p - f64::from(u8::from(*yi));
            let w = p * (1.0 - p);
            xt[0] = 1.0;
            xt[1..].copy_from_slice(&xs[i * k..(i + 1) * k]);
            for a in 0..dim {
                gacc[a].add(r * xt[a]);
                let wa = w * xt[a];
                for b in a..dim {
                    h[a][b] += wa * xt[b];
                }
            }
        }
        for a in 0..dim {
            for b in 0..a {
                h[a][b] = h[b][a];
            }
        }
        let mut g: Vec<f64> = gacc.iter().map(Neumaier::value).collect();
        for f in 0..k {
            g[f + 1] += (th[f + 1] - self.w0[f]) * inv_t2;
            h[f + 1][f + 1] += inv_t2;
        }
        (g, h)
    }

    /// One projected Newton step from `th` (gradient `g`, Hessian `h`) with a halving line
    /// search; false when no step decreases F (the iteration stops).
    fn newton_step(&self, th: &mut Vec<f64>, f_cur: &mut f64, g: &[f64], h: &[Vec<f64>]) -> bool {
        let dim = self.k + 1;
        // ε-active set (Bertsekas): bound variables pushed outwards are held.
        let eps = {
            let mut s: f64 = 0.0;
            for f in 1..dim {
                let d = th[f] - (th[f] - g[f]).max(0.0);
                s += d * d;
            }
            s.sqrt().min(1e-3)
        };
        let free: Vec<usize> = (0..dim)
            .filter(|&a| a == 0 || !(th[a] <= eps && g[a] > 0.0))
            .collect();
        let hf: Vec<Vec<f64>> = free
            .iter()
            .map(|&a| free.iter().map(|&b| h[a][b]).collect())
            .collect();
        let gf: Vec<f64> = free.iter().map(|&a| -g[a]).collect();
        let Some(df) = crate::calibration::stats::solve(&hf, &gf) else {
            return false;
        };
        let mut d = vec![0.0; dim];
        for (j, &a) in free.iter().enumerate() {
            d[a] = df[j];
        }
        for a in 1..dim {
            if !free.contains(&a) {
                d[a] = -g[a] / h[a][a];
            }
        }
        let mut t = 1.0;
        for _ in 0..60 {
            let cand: Vec<f64> = (0..dim)
                .map(|a| {
                    let v = th[a] + t * d[a];
                    if a == 0 { v } else { v.max(0.0) }
                })
                .collect();
            let f_new = self.objective(&cand);
            if f_new <= *f_cur + 1e-13 * f_cur.abs().max(1.0) {
                *th = cand;
                *f_cur = f_new;
                return true;
            }
            t *= 0.5;
        }
        false
    }

    /// The score contributions summed per cluster (for the sandwich standard errors) and the
    /// internal log-likelihood at θ.
    fn cluster_scores(&self, th: &[f64], clusters: &[usize]) -> (Vec<Vec<f64>>, f64) {
        let k = self.k;
        let (g_n, rank) = cluster_ranks(clusters);
        let mut u = vec![vec![0.0; k + 1]; g_n];
        let mut ll = 0.0;
        for (i, yi) in self.y.iter().enumerate() {
            let eta = self.eta(th, i);
            let p = logistic(eta);
            let r = f64::from(u8::from(*yi)) - p;
            let ug = &mut u[rank[i]];
            ug[0] += r;
            for f in 0..k {
                ug[f + 1] += r * self.xs[i * k + f];
            }
            ll += if *yi { eta } else { 0.0 } - softplus(eta);
        }
        (u, ll)
    }
}

/// The largest projected gradient component (β₀ free, the weights bounded below by 0).
fn proj_grad(th: &[f64], g: &[f64]) -> f64 {
    let mut m = g[0].abs();
    for f in 1..th.len() {
        let v = if th[f] > 0.0 {
            g[f].abs()
        } else {
            (-g[f]).max(0.0)
        };
        m = m.max(v);
    }
    m
}

/// One supplier edge of an observation, for the coupling fit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EdgeObs {
    /// base⁰[criticality].
    pub base: f64,
    /// access factor.
    pub access: f64,
    /// Supplier organisation index.
    pub supplier: usize,
}

/// What the coupling fit needs to know about the world (one fixed point per snapshot).
pub(crate) trait SupplierProbabilities {
    /// P̂_j(s; t) for every organisation j at snapshot `snap`, for each snapshot used.
    fn at_scale(&self, s: f64) -> Vec<Vec<f64>>;
}

/// Result of the coupling-scale fit.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouplingFit {
    /// ŝ with its standard errors.
    #[serde(flatten)]
    pub param: Param,
    /// Observations whose organisation has a dependency.
    pub n: usize,
    /// Supplier-origin events among them.
    pub events: usize,
    /// Supplier-origin events of organisations without dependencies.
    pub unexplained_supplier_events: usize,
    /// False when no observation has a dependency (ŝ = 1).
    pub estimable: bool,
    /// |ŝ − G(ŝ)| ≤ 1e-10.
    pub self_consistent: bool,
}

/// The per-observation data of the coupling fit.
pub(crate) struct CouplingData<'a> {
    /// Per observation in O_dep: (snapshot slot, its edges, y_sup, cluster).
    pub obs: Vec<(usize, &'a [EdgeObs], bool, usize)>,
    pub cap: f64,
}

impl CouplingData<'_> {
    fn coupling(&self, sigma: f64, e: &EdgeObs) -> f64 {
        ((sigma * e.base) * e.access).min(self.cap)
    }

    /// ℓ_sup(σ) with suppliers at `pj`.
    fn ell(&self, sigma: f64, pj: &[Vec<f64>]) -> f64 {
        let mut s = 0.0;
        for (slot, edges, y, _) in &self.obs {
            let mut q = 1.0;
            for e in *edges {
                q *= 1.0 - self.coupling(sigma, e) * pj[*slot][e.supplier];
            }
            s += if *y {
                crate::numeric::maths::ln(1.0 - q)
            } else {
                crate::numeric::maths::ln(q)
            };
        }
        s
    }

    /// (Σ d1, Σ d2) at σ, with the edges uncapped iff `mid`·g < cap (the piece).
    fn d12(&self, sigma: f64, mid: f64, pj: &[Vec<f64>]) -> (f64, f64, Vec<f64>) {
        let (mut s1, mut s2) = (0.0, 0.0);
        let mut per = Vec::with_capacity(self.obs.len());
        for (slot, edges, y, _) in &self.obs {
            let (mut q, mut d1, mut d2) = (1.0, 0.0, 0.0);
            for e in *edges {
                let p = pj[*slot][e.supplier];
                let a = self.coupling(sigma, e) * p;
                q *= 1.0 - a;
                let g = e.base * e.access;
                let ap = if mid * g < self.cap { g * p } else { 0.0 };
                let r = ap / (1.0 - a);
                d1 += r;
                d2 += r * r;
            }
            let (v1, v2) = if *y {
                let t = q * d1 / (1.0 - q);
                (t, -q * (d1 * d1 - d2) / (1.0 - q) - t * t)
            } else {
                (-d1, -d2)
            };
            s1 += v1;
            s2 += v2;
            per.push(v1);
        }
        (s1, s2, per)
    }

    /// G: the smallest maximiser of ℓ_sup over [0, 10] with suppliers at `pj`.
    fn argmax(&self, pj: &[Vec<f64>]) -> f64 {
        let mut kinks: Vec<f64> = self
            .obs
            .iter()
            .flat_map(|(_, edges, _, _)| edges.iter())
            .map(|e| e.base * e.access)
            .filter(|g| *g > 0.0)
            .map(|g| self.cap / g)
            .filter(|k| *k > 0.0 && *k < 10.0)
            .collect();
        kinks.sort_by(f64::total_cmp);
        kinks.dedup();
        let mut edges = vec![0.0];
        edges.extend(kinks);
        edges.push(10.0);
        let mut best = (f64::NEG_INFINITY, 0.0);
        for w in edges.windows(2) {
            let (lo, hi) = (w[0], w[1]);
            if hi <= lo {
                continue;
            }
            let mid = 0.5 * (lo + hi);
            let dlo = self.d12(lo, mid, pj).0;
            let dhi = self.d12(hi, mid, pj).0;
            let cand = if dlo.is_nan() || dlo <= 0.0 {
                lo
            } else if dhi >= 0.0 {
                hi
            } else {
                // Safeguarded Newton on the decreasing derivative.
                let (mut a, mut b) = (lo, hi);
                let mut s = mid;
                for _ in 0..200 {
                    let (d1, d2, _) = self.d12(s, mid, pj);
                    if d1 > 0.0 {
                        a = s;
                    } else {
                        b = s;
                    }
                    let mut next = if d2 < 0.0 { s - d1 / d2 } else { f64::NAN };
                    if !(next > a && next < b) {
                        next = 0.5 * (a + b);
                    }
                    if (next - s).abs() <= 1e-15 * s.max(1.0) || b - a <= 1e-15 * b.max(1.0) {
                        s = next;
                        break;
                    }
                    s = next;
                }
                s
            };
            let l = self.ell(cand, pj);
            if l > best.0 {
                best = (l, cand);
            }
        }
        best.1
    }
}

/// Section 3.5: ŝ = the smallest s ∈ [0, 10] with s ≥ G(s).
pub(crate) fn fit_coupling(
    data: &CouplingData<'_>,
    world: &dyn SupplierProbabilities,
    unexplained: usize,
) -> Result<CouplingFit, CalibrationError> {
    let n = data.obs.len();
    let events = data.obs.iter().filter(|o| o.2).count();
    if n == 0 {
        return Ok(CouplingFit {
            param: Param::new(1.0, 1.0, f64::NAN, f64::NAN, true),
            n,
            events,
            unexplained_supplier_events: unexplained,
            estimable: false,
            self_consistent: true,
        });
    }
    let g_of = |s: f64| data.argmax(&world.at_scale(s));
    let g1 = g_of(1.0);
    let (mut lo, mut hi) = if g1 < 1.0 { (g1, 1.0) } else { (1.0, g1) };
    let mut h_lo = lo - g_of(lo);
    let mut h_hi = hi - if hi == 1.0 { g1 } else { g_of(hi) };
    let (s_hat, self_consistent) = if h_lo.abs() <= 1e-10 || h_lo >= 0.0 {
        (lo, h_lo.abs() <= 1e-10)
    } else if h_hi.abs() <= 1e-10 {
        (hi, true)
    } else {
        // Illinois regula falsi on the increasing h(s) = s − G(s); h(lo) < 0 ≤ h(hi).
        let mut side = 0i8;
        let mut out = (hi, false);
        for _ in 0..400 {
            if hi - lo <= 1e-10 {
                out = (hi, h_hi.abs() <= 1e-10);
                break;
            }
            let mut s = (lo * h_hi - hi * h_lo) / (h_hi - h_lo);
            if !(s > lo && s < hi) {
                s = 0.5 * (lo + hi);
            }
            let h = s - g_of(s);
            if h.abs() <= 1e-10 {
                out = (s, true);
                break;
            }
            if h < 0.0 {
                lo = s;
                h_lo = h;
                if side == -1 {
                    h_hi /= 2.0;
                }
                side = -1;
            } else {
                hi = s;
                h_hi = h;
                if side == 1 {
                    h_lo /= 2.0;
                }
                side = 1;
            }
        }
        out
    };
    // Information at ŝ with suppliers at P̂(ŝ).
    let pj = world.at_scale(s_hat);
    let mid = s_hat; // the piece containing ŝ: uncapped iff ŝ·g < cap
    let (_, s2, per) = data.d12(s_hat, mid, &pj);
    let se = 1.0 / (-s2).sqrt();
    let clusters: Vec<usize> = data.obs.iter().map(|o| o.3).collect();
    let (g_n, rank) = cluster_ranks(&clusters);
    let mut u = vec![0.0; g_n];
    for (i, v) in per.iter().enumerate() {
        u[rank[i]] += v;
    }
    let se_cl = if g_n >= 2 {
        let s: f64 = u.iter().map(|v| v * v).sum();
        (g_n as f64 / (g_n as f64 - 1.0) * s).sqrt() / (-s2)
    } else {
        f64::NAN
    };
    let mut param = Param::new(s_hat, 1.0, se, se_cl, true);
    param.at_bound = s_hat <= 0.0;
    Ok(CouplingFit {
        param,
        n,
        events,
        unexplained_supplier_events: unexplained,
        estimable: true,
        self_consistent,
    })
}

/// ℓ of outcomes under probabilities (re-exported for the report).
pub(crate) fn ll(p: &[f64], y: &[bool]) -> f64 {
    loglik(p, y)
}

/// logit of each p.
pub(crate) fn logits(p: &[f64]) -> Vec<f64> {
    p.iter().map(|&v| logit(v)).collect()
}

/// Neumaier's compensated summation.
#[derive(Debug, Clone, Copy, Default)]
struct Neumaier {
    sum: f64,
    c: f64,
}

impl Neumaier {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.c += (self.sum - t) + x;
        } else {
            self.c += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.c
    }
}
