//! Small numerical helpers: logit, softplus, χ² tail, Wilson interval, matrix inverse.
#![allow(clippy::needless_range_loop)] // index loops read as the formulas they implement

use crate::numeric::maths::{exp, ln, ln1p};

/// z for a two-sided 95% interval.
pub const Z: f64 = 1.959_963_984_540_054;

/// ln p − ln(1 − p).
#[inline]
pub(crate) fn logit(p: f64) -> f64 {
    ln(p) - ln1p(-p)
}

/// ln(1 + e^x) without overflow.
#[inline]
pub(crate) fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + ln1p(exp(-x))
    } else {
        ln1p(exp(x))
    }
}

/// Σ y·η − softplus(η) with η = logit p.
pub(crate) fn loglik(p: &[f64], y: &[bool]) -> f64 {
    let mut s = 0.0;
    for (pi, yi) in p.iter().zip(y) {
        let eta = logit(*pi);
        s += if *yi { eta } else { 0.0 } - softplus(eta);
    }
    s
}

/// P(χ²_df ≥ t) for an integer df ≥ 1; 1 when t ≤ 0.
pub(crate) fn chi2_sf(t: f64, df: u32) -> f64 {
    if t.is_nan() || t <= 0.0 {
        return 1.0;
    }
    let x = t / 2.0;
    if df % 2 == 0 {
        // Q(k, x) = e^(−x) Σ_{i<k} x^i / i!
        let k = df / 2;
        let mut term = 1.0;
        let mut sum = 1.0;
        for i in 1..k {
            term *= x / f64::from(i);
            sum += term;
        }
        (exp(-x) * sum).clamp(0.0, 1.0)
    } else {
        // Q(n + 1/2, x) = erfc(√x) + e^(−x) Σ_{i=1}^{n} x^(i−1/2) / Γ(i + 1/2)
        let n = (df - 1) / 2;
        let sx = x.sqrt();
        let mut sum = 0.0;
        // term_i = x^(i−1/2)/Γ(i+1/2); term_1 = √x / Γ(3/2) = √x / (√π/2)
        let mut term = sx / (core::f64::consts::PI.sqrt() / 2.0);
        for i in 1..=n {
            sum += term;
            term *= x / (f64::from(i) + 0.5);
        }
        (libm::erfc(sx) + exp(-x) * sum).clamp(0.0, 1.0)
    }
}

/// Wilson interval of x events in m trials (null when m = 0).
pub(crate) fn wilson(x: f64, m: f64) -> Option<[f64; 2]> {
    if m <= 0.0 {
        return None;
    }
    let z2 = Z * Z;
    let ph = x / m;
    let d = 1.0 + z2 / m;
    let centre = (ph + z2 / (2.0 * m)) / d;
    let half = (Z / d) * (ph * (1.0 - ph) / m + z2 / (4.0 * m * m)).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// Inverse of a symmetric positive-definite (or any invertible) matrix by Gauss–Jordan with
/// partial pivoting; `None` when singular.
pub(crate) fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = r.clone();
            row.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            row
        })
        .collect();
    for c in 0..n {
        let mut piv = c;
        for r in c + 1..n {
            if m[r][c].abs() > m[piv][c].abs() {
                piv = r;
            }
        }
        if m[piv][c] == 0.0 || !m[piv][c].is_finite() {
            return None;
        }
        m.swap(c, piv);
        let d = m[c][c];
        for v in m[c].iter_mut() {
            *v /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                if f != 0.0 {
                    for k in 0..2 * n {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// Solve A x = b (A small, invertible).
pub(crate) fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let inv = invert(a)?;
    Some(
        inv.iter()
            .map(|r| r.iter().zip(b).map(|(x, y)| x * y).sum())
            .collect(),
    )
}

/// The cluster-robust covariance (G/(G−1))·J⁻¹ (Σ_g u_g u_gᵀ) J⁻¹; its diagonal square roots.
/// `u` holds one score vector per cluster (in cluster order). NaN when G < 2.
pub(crate) fn sandwich_se(jinv: &[Vec<f64>], u: &[Vec<f64>]) -> Vec<f64> {
    let k = jinv.len();
    let g = u.len();
    if g < 2 {
        return vec![f64::NAN; k];
    }
    let mut meat = vec![vec![0.0; k]; k];
    for ug in u {
        for a in 0..k {
            if ug[a] == 0.0 {
                continue;
            }
            for b in 0..k {
                meat[a][b] += ug[a] * ug[b];
            }
        }
    }
    let f = g as f64 / (g as f64 - 1.0);
    // diag(J⁻¹ M J⁻¹)_a = Σ_bc J⁻¹_ab M_bc J⁻¹_ca
    (0..k)
        .map(|a| {
            let mut s = 0.0;
            for b in 0..k {
                let mut t = 0.0;
                for c in 0..k {
                    t += meat[b][c] * jinv[c][a];
                }
                s += jinv[a][b] * t;
            }
            (f * s).max(0.0).sqrt()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi2_tail_matches_known_values() {
        // R: pchisq(20, 16, lower=FALSE) = 0.2202206 ; pchisq(25, 15, lower=FALSE)= 0.04985; df=1, 3.841459 -> 0.05
        assert!((chi2_sf(20.0, 16) - 0.220_220_6).abs() < 1e-6);
        assert!((chi2_sf(3.841_458_820_694_124, 1) - 0.05).abs() < 1e-12);
        assert!((chi2_sf(23.684_791_304_840_57, 14) - 0.05).abs() < 1e-9);
        assert!((chi2_sf(24.995_790_139_728_616, 15) - 0.05).abs() < 1e-9);
        assert_eq!(chi2_sf(-1.0, 3), 1.0);
    }

    #[test]
    fn wilson_hand_computed() {
        // 3 events in 10: centre (0.3 + z²/20)/(1 + z²/10)
        let [lo, hi] = wilson(3.0, 10.0).unwrap();
        assert!((lo - 0.107_791_267_406_301).abs() < 1e-12, "{lo}");
        assert!((hi - 0.603_221_852_538_854_6).abs() < 1e-12, "{hi}");
        assert!(wilson(0.0, 0.0).is_none());
    }
}
