//! Quantiles of the Beta distribution, computed with the `libm` crate only.
//!
//! statrs' `inv_beta_reg` calls the platform's `ln`/`exp`/`powf`, which differ in the last bit
//! between glibc (native) and the WebAssembly build, so the factor quantiles of a rating differed
//! by about 1e-16 between Rust/Python and the browser. This module solves I_x(α, β) = q with the
//! same arithmetic everywhere: the regularised incomplete beta by its continued fraction
//! (modified Lentz), and a Newton iteration safeguarded by bisection on a shrinking bracket.
//! Accuracy is checked against scipy's `betaincinv` in the tests (well within the methodology's
//! 1e-6 for quantiles).

use libm::{exp, fabs, lgamma, log, log1p};

/// ln B(a, b).
fn ln_beta(a: f64, b: f64) -> f64 {
    lgamma(a) + lgamma(b) - lgamma(a + b)
}

/// Continued fraction of the incomplete beta (Numerical Recipes' `betacf`, modified Lentz).
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-16;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if fabs(d) < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=1000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if fabs(d) < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if fabs(c) < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if fabs(d) < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if fabs(c) < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if fabs(del - 1.0) < EPS {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function I_x(a, b), for a, b > 0 (the tests' check of the
/// quantile; the quantile itself calls [`beta_reg_with`]).
#[cfg(test)]
fn beta_reg(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    beta_reg_with(a, b, x, ln_beta(a, b), log1p(-x))
}

/// [`beta_reg`] for 0 < x < 1 given ln B(a, b) and ln(1 − x), which the quantile's Newton
/// step already has: the same operations on the same values, so the same bits, without three
/// `lgamma` and a `log1p` per step.
fn beta_reg_with(a: f64, b: f64, x: f64, lnb: f64, ln_1m_x: f64) -> f64 {
    let ln_front = a * log(x) + b * ln_1m_x - lnb;
    if x < (a + 1.0) / (a + b + 2.0) {
        exp(ln_front) * continued_fraction(a, b, x) / a
    } else {
        1.0 - exp(ln_front) * continued_fraction(b, a, 1.0 - x) / b
    }
}

/// The `q` quantile of Beta(a, b): the x with I_x(a, b) = q, for a, b > 0 and q in [0, 1].
pub(crate) fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    if q <= 0.0 {
        return 0.0;
    }
    if q >= 1.0 {
        return 1.0;
    }
    let lnb = ln_beta(a, b);
    // Starting point: the small-x and small-(1-x) tail approximations
    // I_x ≈ x^a / (a B) and 1 − I_x ≈ (1−x)^b / (b B), or the mean when neither applies.
    let mean = a / (a + b);
    let lower_tail = exp((log(q) + log(a) + lnb) / a);
    let upper_tail = 1.0 - exp((log1p(-q) + log(b) + lnb) / b);
    let mut x = if lower_tail < mean {
        lower_tail
    } else if upper_tail > mean {
        upper_tail
    } else {
        mean
    };
    if x.is_nan() || x <= 0.0 {
        // The quantile underflows: it is below the smallest positive double.
        return 0.0;
    }
    if x >= 1.0 {
        x = 0.5 * (mean + 1.0);
    }
    // Newton on t = ln x, so that quantiles far into the left tail (down to subnormal numbers,
    // which small shapes produce) converge, safeguarded by bisection on the bracket [lo, hi]
    // of t.
    let (mut lo, mut hi) = (-745.2f64, 0.0f64);
    let mut t = log(x);
    for _ in 0..400 {
        let x = exp(t);
        let ln_1m_x = log1p(-x);
        let f = if x <= 0.0 {
            -q
        } else if x >= 1.0 {
            1.0 - q
        } else {
            beta_reg_with(a, b, x, lnb, ln_1m_x) - q
        };
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        // d I / d t = pdf(x) · x = exp(a ln x + (b − 1) ln(1 − x) − ln B).
        let slope = exp(a * t + (b - 1.0) * ln_1m_x - lnb);
        let mut next = t - f / slope;
        let newton = next > lo && next < hi && next.is_finite();
        if !newton {
            next = 0.5 * (lo + hi);
        }
        if fabs(next - t) <= 4.0 * f64::EPSILON * fabs(next).max(1.0)
            || hi - lo <= 4.0 * f64::EPSILON
        {
            return exp(next);
        }
        t = next;
    }
    exp(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (a, b, q, scipy.special.betaincinv(a, b, q)).
    const SCIPY: &[(f64, f64, f64, f64)] = &[
        (
            0.6660058517467189,
            1.333994148253281,
            0.05,
            0.008064142453955226,
        ),
        (
            0.6660058517467189,
            1.333994148253281,
            0.95,
            0.8517942381765392,
        ),
        (8.0, 53.25919359979584, 0.05, 0.06780933239169289),
        (8.0, 53.25919359979584, 0.95, 0.20714371702921994),
        (1.0, 1.0, 0.05, 0.05),
        (2.0, 3.0, 0.5, 0.3857275681323895),
        (0.5, 0.5, 0.05, 0.0061558297024311365),
        (0.5, 0.5, 0.95, 0.9938441702975689),
        (30.0, 2.0, 0.05, 0.8559096086816552),
        (400.0, 30.0, 0.95, 0.9492190025874343),
        (0.05, 3.0, 0.95, 0.09921222864313502),
        (3.0, 0.05, 0.05, 0.9007877713568648),
    ];

    #[test]
    fn matches_scipy() {
        for &(a, b, q, want) in SCIPY {
            let got = beta_quantile(a, b, q);
            assert!(
                (got - want).abs() <= 1e-12 + 1e-10 * want,
                "Beta({a}, {b}) q={q}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn inverts_the_cdf_across_shapes() {
        for &a in &[0.004, 0.05, 0.3, 1.0, 2.5, 17.0, 300.0, 5000.0] {
            for &b in &[0.004, 0.05, 0.3, 1.0, 2.5, 17.0, 300.0, 5000.0] {
                let mut last = 0.0;
                for &q in &[0.001, 0.05, 0.5, 0.95, 0.999] {
                    let x = beta_quantile(a, b, q);
                    assert!((0.0..=1.0).contains(&x), "Beta({a},{b}) q={q}: {x}");
                    assert!(x >= last, "quantiles must not decrease");
                    last = x;
                    // q lies between the CDF a few units in the last place either side of x
                    // (near 1 with a small b, one ulp of x moves the CDF by more than 1e-9).
                    if x == 0.0 {
                        // The quantile underflows: the CDF passes q below the smallest double.
                        assert!(beta_reg(a, b, 5e-324) >= q, "Beta({a},{b}) q={q}: x = 0");
                        continue;
                    }
                    let below = beta_reg(a, b, f64::from_bits(x.to_bits().saturating_sub(8)));
                    let above = beta_reg(a, b, f64::from_bits(x.to_bits() + 8).min(1.0));
                    assert!(
                        below - 1e-12 <= q && q <= above + 1e-12,
                        "Beta({a},{b}) q={q}: x = {x:e}, CDF around x in [{below}, {above}]"
                    );
                }
            }
        }
    }

    #[test]
    fn edges() {
        assert_eq!(beta_quantile(2.0, 3.0, 0.0), 0.0);
        assert_eq!(beta_quantile(2.0, 3.0, 1.0), 1.0);
        assert_eq!(beta_reg(2.0, 3.0, 0.0), 0.0);
        assert_eq!(beta_reg(2.0, 3.0, 1.0), 1.0);
    }
}

#[cfg(test)]
mod pinned {
    use super::beta_quantile;

    /// The bits of 30,000 quantiles over the shapes ratings produce (and far beyond), folded
    /// into one FNV-1a hash. Pinned: a change to the arithmetic of `beta_quantile` (even one
    /// that keeps it accurate) changes the factor intervals of every rating, so it must be a
    /// deliberate change of this constant and of the vectors.
    #[test]
    fn quantile_bits_are_pinned() {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut state: u64 = 7;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..10_000 {
            // Shapes from 0.01 to 10^4 on a log scale; the three levels ratings use and one random.
            let a = libm::exp(next() * 13.8 - 4.6);
            let b = libm::exp(next() * 13.8 - 4.6);
            for q in [0.05, 0.95, next()] {
                for byte in beta_quantile(a, b, q).to_bits().to_le_bytes() {
                    hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        assert_eq!(
            hash, 0x7de9_bb41_2cc4_fbb8,
            "beta_quantile's bits changed: {hash:#018x}"
        );
    }
}
