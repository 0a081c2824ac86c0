//! Probability distributions for loss-event frequencies, loss magnitudes and probabilities.
//!
//! A [`Distribution`] is plain data (serde, `{"type": "pert", "min": …, "mode": …, "max": …}`).
//! Wherever a document takes a distribution, a bare number is accepted too and means
//! [`Distribution::Constant`]. Before sampling, each distribution is checked against the
//! [`Support`] of the quantity it describes (a magnitude or rate is ≥ 0, a probability lies in
//! [0, 1]) and compiled to a sampler. `statrs` checks the parameters, samples the triangular
//! distribution and supplies the reference CDFs and quantiles the tests compare with; the other
//! samplers are in `random.rs`, on `libm`, so that draws are bit-identical on every platform.

use rand::distr::Distribution as _;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use statrs::distribution::{Beta, Normal, Triangular};

use super::error::QuantError;
use super::random::{GammaShape, Gen};

/// z such that Φ(z) = 0.95: the default two-sided 90% interval (as in the rating methodology).
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// Where a quantity lives: the support a distribution must respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// A magnitude (money) or a rate (events per year): values ≥ 0. A normal distribution is
    /// truncated at 0.
    NonNegative,
    /// A probability (vulnerability, secondary-loss probability): values in [0, 1]. A normal
    /// distribution is truncated to [0, 1]; lognormals are not allowed.
    UnitInterval,
}

/// A probability distribution of one uncertain quantity.
///
/// JSON: `{"type": "<snake_case name>", <parameters>}`; a bare number is a constant.
///
/// ```
/// use risk_core::quant::{Distribution, Support};
/// let d: Distribution = serde_json::from_str(r#"{"type": "pert", "min": 0, "mode": 2, "max": 10}"#).unwrap();
/// assert_eq!(d, Distribution::Pert { min: 0.0, mode: 2.0, max: 10.0, gamma: 4.0 });
/// assert_eq!(d.beta_shapes(), Some((1.8, 4.2)));
/// assert!((d.mean(Support::NonNegative).unwrap() - 3.0).abs() < 1e-12);
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// PERT with the canonical (Vose) parameters: a Beta(α, β) on [min, max] with
    /// α = 1 + γ(mode − min)/(max − min), β = 1 + γ(max − mode)/(max − min); mean
    /// (min + γ·mode + max)/(γ + 2).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// Peakedness γ > 0 (default 4).
        #[serde(default = "default_gamma")]
        gamma: f64,
    },
    /// pyfair 0.1a13's moment-matched BetaPERT (`pyfair.utility.beta_pert.FairBetaPert`): mean
    /// μ = (low + γ·mode + high)/(γ + 2), sd σ = (high − low)/(γ + 2),
    /// α = (μ − low)/(high − low) · ((μ − low)(high − μ)/σ² − 1), β = α(high − μ)/(μ − low),
    /// on [low, high]. Use it to compare with pyfair; it differs from [`Distribution::Pert`]
    /// unless mode is the midpoint.
    PertPyfair {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
        /// γ > 0 (default 4).
        #[serde(default = "default_gamma")]
        gamma: f64,
    },
    /// Lognormal given by a symmetric interval: `low` and `high` are its (1 − c)/2 and
    /// (1 + c)/2 quantiles for confidence c (default 0.90, i.e. the 5% and 95% quantiles, as in
    /// Hubbard's method and Netflix riskquant): μ = (ln low + ln high)/2,
    /// σ = (ln high − ln low)/(2z), Φ(z) = (1 + c)/2.
    LognormalCi {
        /// Lower quantile (> 0).
        low: f64,
        /// Upper quantile (> low).
        high: f64,
        /// Confidence c in (0, 1) (default 0.90).
        #[serde(default = "default_confidence")]
        confidence: f64,
    },
    /// Lognormal: ln X ~ Normal(mu, sigma²).
    Lognormal {
        /// Mean of ln X.
        mu: f64,
        /// Standard deviation of ln X (> 0).
        sigma: f64,
    },
    /// Triangular on [min, max] with the given mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal(mean, sd²), truncated to the [`Support`] of the quantity (at 0 for magnitudes and
    /// frequencies, to [0, 1] for probabilities). The support must hold at least 0.1% of its
    /// mass.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation (> 0).
        sd: f64,
    },
    /// Always the same value.
    Constant {
        /// The value.
        value: f64,
    },
}

fn default_gamma() -> f64 {
    4.0
}

fn default_confidence() -> f64 {
    0.90
}

/// Deserialize a distribution, or a bare number as [`Distribution::Constant`].
pub(crate) fn number_or_distribution<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Distribution, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Distribution;
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str(r#"a number or a distribution such as {"type": "pert", "min": 0, "mode": 1, "max": 5}"#)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Distribution, E> {
            Ok(Distribution::Constant { value: v })
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Distribution, E> {
            Ok(Distribution::Constant { value: v as f64 })
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Distribution, E> {
            Ok(Distribution::Constant { value: v as f64 })
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Distribution, A::Error> {
            Distribution::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V)
}

/// As [`number_or_distribution`], for an optional field.
pub(crate) fn opt_number_or_distribution<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Distribution>, D::Error> {
    number_or_distribution(d).map(Some)
}

/// Φ, the standard normal CDF, with `libm` (identical on every platform).
fn std_normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

/// φ, the standard normal density.
fn std_normal_pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x) / (2.0 * core::f64::consts::PI).sqrt()
}

/// z with Φ(z) = p for p in (0.5, 1), by bisection on the `libm` CDF: the same bits everywhere.
fn std_normal_upper_quantile(p: f64) -> f64 {
    if p == 0.95 {
        return Z90;
    }
    let (mut lo, mut hi) = (0.0_f64, 40.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if std_normal_cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn check_finite(path: &str, field: &str, v: f64) -> Result<(), QuantError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(QuantError::parameter(
            format!("{path}.{field}"),
            format!("`{field}` must be a finite number"),
        ))
    }
}

/// Check a bounded (min, mode, max) triple and the support.
fn check_bounded(
    path: &str,
    names: [&str; 3],
    [lo, mode, hi]: [f64; 3],
    support: Support,
) -> Result<(), QuantError> {
    for (n, v) in names.iter().zip([lo, mode, hi]) {
        check_finite(path, n, v)?;
    }
    let [n_lo, n_mode, n_hi] = names;
    if lo >= hi {
        return Err(QuantError::parameter(
            format!("{path}.{n_hi}"),
            format!("`{n_hi}` ({hi}) must be greater than `{n_lo}` ({lo})"),
        ));
    }
    if !(lo <= mode && mode <= hi) {
        return Err(QuantError::parameter(
            format!("{path}.{n_mode}"),
            format!("`{n_mode}` ({mode}) must lie in [{n_lo}, {n_hi}] = [{lo}, {hi}]"),
        ));
    }
    check_range_support(path, n_lo, n_hi, lo, hi, support)
}

fn check_range_support(
    path: &str,
    n_lo: &str,
    n_hi: &str,
    lo: f64,
    hi: f64,
    support: Support,
) -> Result<(), QuantError> {
    if lo < 0.0 {
        let what = match support {
            Support::NonNegative => "a loss or a frequency cannot be negative",
            Support::UnitInterval => "a probability cannot be negative",
        };
        return Err(QuantError::parameter(
            format!("{path}.{n_lo}"),
            format!("`{n_lo}` ({lo}) is below 0: {what}"),
        ));
    }
    if support == Support::UnitInterval && hi > 1.0 {
        return Err(QuantError::parameter(
            format!("{path}.{n_hi}"),
            format!("`{n_hi}` ({hi}) is above 1: a probability lies in [0, 1]"),
        ));
    }
    Ok(())
}

fn check_gamma(path: &str, gamma: f64) -> Result<(), QuantError> {
    if gamma.is_finite() && gamma > 0.0 {
        Ok(())
    } else {
        Err(QuantError::parameter(
            format!("{path}.gamma"),
            format!("`gamma` ({gamma}) must be a finite number > 0"),
        ))
    }
}

fn vose_shapes(min: f64, mode: f64, max: f64, gamma: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + gamma * (mode - min) / range,
        1.0 + gamma * (max - mode) / range,
    )
}

/// pyfair 0.1a13 `FairBetaPert._generate_alpha` / `_generate_beta`, operation for operation.
fn pyfair_shapes(low: f64, mode: f64, high: f64, gamma: f64) -> (f64, f64) {
    let mean = (low + gamma * mode + high) / (gamma + 2.0);
    let stdev = (high - low) / (gamma + 2.0);
    let group_1 = (mean - low) / (high - low);
    let group_2 = (mean - low) * (high - mean) / (stdev * stdev);
    let alpha = group_1 * (group_2 - 1.0);
    let beta = alpha * (high - mean) / (mean - low);
    (alpha, beta)
}

impl Distribution {
    /// The Beta shapes (α, β) of a PERT distribution on its range (`None` for other kinds).
    /// Unvalidated: call [`Distribution::validate`] first for meaningful values.
    ///
    /// ```
    /// use risk_core::quant::Distribution;
    /// // pyfair's moment matching, e.g. low 0, mode 1, high 4, gamma 4.
    /// let (a, b) = Distribution::PertPyfair { low: 0.0, mode: 1.0, high: 4.0, gamma: 4.0 }
    ///     .beta_shapes().unwrap();
    /// assert!((a - 7.0 / 3.0).abs() < 1e-12 && (b - 14.0 / 3.0).abs() < 1e-12);
    /// // The canonical (Vose) PERT with the same figures is Beta(2, 4).
    /// let vose = Distribution::Pert { min: 0.0, mode: 1.0, max: 4.0, gamma: 4.0 };
    /// assert_eq!(vose.beta_shapes(), Some((2.0, 4.0)));
    /// ```
    pub fn beta_shapes(&self) -> Option<(f64, f64)> {
        match *self {
            Distribution::Pert {
                min,
                mode,
                max,
                gamma,
            } => Some(vose_shapes(min, mode, max, gamma)),
            Distribution::PertPyfair {
                low,
                mode,
                high,
                gamma,
            } => Some(pyfair_shapes(low, mode, high, gamma)),
            _ => None,
        }
    }

    /// (μ, σ) of ln X for the lognormal kinds (`None` for others). For `lognormal_ci` this is
    /// μ = (ln low + ln high)/2, σ = (ln high − ln low)/(2z) with Φ(z) = (1 + confidence)/2.
    ///
    /// ```
    /// use risk_core::quant::Distribution;
    /// let (mu, sigma) = Distribution::LognormalCi { low: 1e4, high: 1e6, confidence: 0.9 }
    ///     .lognormal_parameters().unwrap();
    /// assert!((mu - 1e5_f64.ln()).abs() < 1e-12);
    /// assert!((sigma - 100_f64.ln() / (2.0 * 1.6448536269514722)).abs() < 1e-12);
    /// ```
    pub fn lognormal_parameters(&self) -> Option<(f64, f64)> {
        match *self {
            Distribution::Lognormal { mu, sigma } => Some((mu, sigma)),
            Distribution::LognormalCi {
                low,
                high,
                confidence,
            } => {
                let z = std_normal_upper_quantile(0.5 * (1.0 + confidence));
                let (l, h) = (libm::log(low), libm::log(high));
                Some((0.5 * (l + h), (h - l) / (2.0 * z)))
            }
            _ => None,
        }
    }

    /// Check the parameters for a quantity with the given support. `path` is the JSON path of
    /// the distribution; errors name the offending parameter below it.
    ///
    /// # Errors
    /// [`QuantError::InvalidParameter`] naming e.g. `scenarios[2].primary_loss.max`.
    ///
    /// ```
    /// use risk_core::quant::{Distribution, Support};
    /// let d = Distribution::Uniform { min: 0.2, max: 1.5 };
    /// assert!(d.validate(Support::NonNegative, "x").is_ok());
    /// let err = d.validate(Support::UnitInterval, "vulnerability").unwrap_err();
    /// assert_eq!(err.path(), "vulnerability.max");
    /// ```
    pub fn validate(&self, support: Support, path: &str) -> Result<(), QuantError> {
        self.sampler(support, path).map(|_| ())
    }

    /// Analytic mean for a quantity with the given support (truncation included).
    ///
    /// # Errors
    /// As [`Distribution::validate`].
    pub fn mean(&self, support: Support) -> Result<f64, QuantError> {
        Ok(self.sampler(support, "")?.moments().0)
    }

    /// Analytic variance for a quantity with the given support (truncation included).
    ///
    /// # Errors
    /// As [`Distribution::validate`].
    pub fn variance(&self, support: Support) -> Result<f64, QuantError> {
        Ok(self.sampler(support, "")?.moments().1)
    }

    /// Validate and compile to a sampler.
    pub(crate) fn sampler(&self, support: Support, path: &str) -> Result<Sampler, QuantError> {
        match *self {
            Distribution::Pert {
                min,
                mode,
                max,
                gamma,
            } => {
                check_bounded(path, ["min", "mode", "max"], [min, mode, max], support)?;
                check_gamma(path, gamma)?;
                Sampler::beta(vose_shapes(min, mode, max, gamma), min, max, path)
            }
            Distribution::PertPyfair {
                low,
                mode,
                high,
                gamma,
            } => {
                check_bounded(path, ["low", "mode", "high"], [low, mode, high], support)?;
                check_gamma(path, gamma)?;
                Sampler::beta(pyfair_shapes(low, mode, high, gamma), low, high, path)
            }
            Distribution::LognormalCi {
                low,
                high,
                confidence,
            } => self.lognormal_ci_sampler([low, high, confidence], support, path),
            Distribution::Lognormal { mu, sigma } => {
                check_finite(path, "mu", mu)?;
                check_finite(path, "sigma", sigma)?;
                no_lognormal_probability(path, support)?;
                if sigma <= 0.0 {
                    return Err(QuantError::parameter(
                        format!("{path}.sigma"),
                        format!("`sigma` ({sigma}) must be > 0"),
                    ));
                }
                Sampler::lognormal(mu, sigma, path)
            }
            Distribution::Triangular { min, mode, max } => {
                check_bounded(path, ["min", "mode", "max"], [min, mode, max], support)?;
                let t = Triangular::new(min, max, mode).map_err(|e| {
                    QuantError::parameter(
                        path.to_string(),
                        format!("invalid triangular distribution: {e}"),
                    )
                })?;
                Ok(Sampler::Triangular { t, min, mode, max })
            }
            Distribution::Uniform { min, max } => {
                check_finite(path, "min", min)?;
                check_finite(path, "max", max)?;
                if min >= max {
                    return Err(QuantError::parameter(
                        format!("{path}.max"),
                        format!("`max` ({max}) must be greater than `min` ({min})"),
                    ));
                }
                check_range_support(path, "min", "max", min, max, support)?;
                Ok(Sampler::Uniform {
                    min,
                    width: max - min,
                })
            }
            Distribution::Normal { mean, sd } => truncated_normal(mean, sd, support, path),
            Distribution::Constant { value } => {
                check_finite(path, "value", value)?;
                check_range_support(path, "value", "value", value, value, support)?;
                Ok(Sampler::Constant(value))
            }
        }
    }

    /// The sampler of a `lognormal_ci` (low and high a central interval of the given
    /// confidence).
    fn lognormal_ci_sampler(
        &self,
        [low, high, confidence]: [f64; 3],
        support: Support,
        path: &str,
    ) -> Result<Sampler, QuantError> {
        check_finite(path, "low", low)?;
        check_finite(path, "high", high)?;
        no_lognormal_probability(path, support)?;
        if low <= 0.0 {
            return Err(QuantError::parameter(
                format!("{path}.low"),
                format!("`low` ({low}) must be > 0"),
            ));
        }
        if high <= low {
            return Err(QuantError::parameter(
                format!("{path}.high"),
                format!("`high` ({high}) must be greater than `low` ({low})"),
            ));
        }
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(QuantError::parameter(
                format!("{path}.confidence"),
                format!("`confidence` ({confidence}) must lie strictly between 0 and 1"),
            ));
        }
        let (mu, sigma) = self.lognormal_parameters().unwrap_or((0.0, 1.0));
        Sampler::lognormal(mu, sigma, path)
    }
}

fn no_lognormal_probability(path: &str, support: Support) -> Result<(), QuantError> {
    if support == Support::UnitInterval {
        Err(QuantError::parameter(
            format!("{path}.type"),
            "a lognormal is unbounded and cannot describe a probability; use pert, triangular, uniform, normal or a number",
        ))
    } else {
        Ok(())
    }
}

/// The sampler of a normal distribution truncated to the support, refused when the support
/// holds less than 0.1% of its mass.
fn truncated_normal(
    mean: f64,
    sd: f64,
    support: Support,
    path: &str,
) -> Result<Sampler, QuantError> {
    check_finite(path, "mean", mean)?;
    check_finite(path, "sd", sd)?;
    if sd <= 0.0 {
        return Err(QuantError::parameter(
            format!("{path}.sd"),
            format!("`sd` ({sd}) must be > 0"),
        ));
    }
    let hi = match support {
        Support::NonNegative => f64::INFINITY,
        Support::UnitInterval => 1.0,
    };
    let (a, b) = (-mean / sd, (hi - mean) / sd);
    let mass = std_normal_cdf(b) - std_normal_cdf(a);
    if mass.is_nan() || mass < 1e-3 {
        return Err(QuantError::parameter(
            format!("{path}.mean"),
            format!(
                "normal(mean {mean}, sd {sd}) puts only {mass:.2e} of its mass in [0, {hi}], \
                 where the quantity must lie; at least 0.1% is required"
            ),
        ));
    }
    Normal::new(mean, sd).map_err(|e| {
        QuantError::parameter(
            path.to_string(),
            format!("invalid normal distribution: {e}"),
        )
    })?;
    Ok(Sampler::TruncatedNormal {
        mean,
        sd,
        lo: 0.0,
        hi,
        mass,
    })
}

/// A validated distribution, ready to sample.
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Constant(f64),
    /// lo + (hi − lo)·B, B ~ Beta(α, β) as a ratio of gammas.
    Beta {
        alpha: f64,
        b: f64,
        ga: GammaShape,
        gb: GammaShape,
        lo: f64,
        hi: f64,
    },
    /// exp(mu + sigma·Z), exponentiated with `libm`.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// statrs's triangular sampler (inverse CDF; square roots only).
    Triangular {
        t: Triangular,
        min: f64,
        mode: f64,
        max: f64,
    },
    Uniform {
        min: f64,
        width: f64,
    },
    /// mean + sd·Z by rejection to [lo, hi].
    TruncatedNormal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
        mass: f64,
    },
}

impl Sampler {
    fn beta((alpha, b): (f64, f64), lo: f64, hi: f64, path: &str) -> Result<Sampler, QuantError> {
        Beta::new(alpha, b).map_err(|e| {
            QuantError::parameter(
                path.to_string(),
                format!("the PERT parameters give an invalid Beta({alpha}, {b}): {e}"),
            )
        })?;
        Ok(Sampler::Beta {
            alpha,
            b,
            ga: GammaShape::new(alpha),
            gb: GammaShape::new(b),
            lo,
            hi,
        })
    }

    fn lognormal(mu: f64, sigma: f64, path: &str) -> Result<Sampler, QuantError> {
        Normal::new(mu, sigma).map_err(|e| {
            QuantError::parameter(
                path.to_string(),
                format!("invalid lognormal distribution: {e}"),
            )
        })?;
        Ok(Sampler::LogNormal { mu, sigma })
    }

    /// One draw.
    #[inline]
    pub(crate) fn sample(&self, g: &mut Gen) -> f64 {
        match self {
            Sampler::Constant(v) => *v,
            Sampler::Beta { ga, gb, lo, hi, .. } => {
                let x = g.beta(ga, gb);
                (lo + (hi - lo) * x).min(*hi)
            }
            Sampler::LogNormal { mu, sigma } => libm::exp(mu + sigma * g.normal()),
            Sampler::Triangular { t, .. } => t.sample(g.rng()),
            Sampler::Uniform { min, width } => min + width * g.uniform(),
            Sampler::TruncatedNormal {
                mean, sd, lo, hi, ..
            } => loop {
                let x = mean + sd * g.normal();
                if x >= *lo && x <= *hi {
                    break x;
                }
            },
        }
    }

    /// (mean, variance), analytic.
    pub(crate) fn moments(&self) -> (f64, f64) {
        match *self {
            Sampler::Constant(v) => (v, 0.0),
            Sampler::Beta {
                alpha, b, lo, hi, ..
            } => {
                let s = alpha + b;
                let r = hi - lo;
                (lo + r * alpha / s, r * r * alpha * b / (s * s * (s + 1.0)))
            }
            Sampler::LogNormal { mu, sigma, .. } => {
                let s2 = sigma * sigma;
                (
                    libm::exp(mu + 0.5 * s2),
                    libm::expm1(s2) * libm::exp(2.0 * mu + s2),
                )
            }
            Sampler::Triangular {
                min: a,
                mode: c,
                max: b,
                ..
            } => (
                (a + b + c) / 3.0,
                (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            ),
            Sampler::Uniform { min, width } => (min + 0.5 * width, width * width / 12.0),
            Sampler::TruncatedNormal {
                mean,
                sd,
                lo,
                hi,
                mass,
                ..
            } => {
                let a = (lo - mean) / sd;
                let b = (hi - mean) / sd;
                let (pa, pb) = (
                    std_normal_pdf(a),
                    if b.is_finite() {
                        std_normal_pdf(b)
                    } else {
                        0.0
                    },
                );
                let bpb = if b.is_finite() { b * pb } else { 0.0 };
                let d = (pa - pb) / mass;
                (
                    mean + sd * d,
                    sd * sd * (1.0 + (a * pa - bpb) / mass - d * d),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, LogNormal};

    const N: usize = 200_000;

    /// Sample mean and mean squared deviation from the analytic mean, each with its standard
    /// error, checked within 4 SE of the analytic mean and variance.
    fn check_moments(d: &Distribution, support: Support, seed: u64) -> Vec<f64> {
        let s = d.sampler(support, "d").unwrap();
        let (mean, var) = s.moments();
        let mut g = Gen::from_u64(seed);
        let xs: Vec<f64> = (0..N).map(|_| s.sample(&mut g)).collect();
        let n = N as f64;
        let m = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt();
        let se_mean = sd / n.sqrt();
        assert!(
            (m - mean).abs() <= 4.0 * se_mean,
            "{d:?}: mean {m} vs {mean} (se {se_mean})"
        );
        let sq: Vec<f64> = xs.iter().map(|x| (x - mean) * (x - mean)).collect();
        let v = sq.iter().sum::<f64>() / n;
        let sd_sq = (sq.iter().map(|y| (y - v) * (y - v)).sum::<f64>() / (n - 1.0)).sqrt();
        let se_var = sd_sq / n.sqrt();
        assert!(
            (v - var).abs() <= 4.0 * se_var + 1e-12,
            "{d:?}: variance {v} vs {var} (se {se_var})"
        );
        let (lo, hi) = match support {
            Support::NonNegative => (0.0, f64::INFINITY),
            Support::UnitInterval => (0.0, 1.0),
        };
        assert!(xs.iter().all(|x| *x >= lo && *x <= hi));
        xs
    }

    fn empirical_quantile(xs: &mut [f64], q: f64) -> f64 {
        xs.sort_unstable_by(f64::total_cmp);
        let h = (xs.len() - 1) as f64 * q;
        let i = h.floor() as usize;
        xs[i] + (h - i as f64) * (xs[(i + 1).min(xs.len() - 1)] - xs[i])
    }

    #[test]
    fn moments_of_every_kind() {
        use Distribution::*;
        let cases = [
            (
                Pert {
                    min: 10.0,
                    mode: 30.0,
                    max: 200.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
            ),
            (
                Pert {
                    min: 0.0,
                    mode: 0.0,
                    max: 1.0,
                    gamma: 2.5,
                },
                Support::UnitInterval,
            ),
            (
                PertPyfair {
                    low: 1e4,
                    mode: 5e4,
                    high: 1e6,
                    gamma: 4.0,
                },
                Support::NonNegative,
            ),
            (
                PertPyfair {
                    low: 0.1,
                    mode: 0.5,
                    high: 2.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
            ),
            (
                LognormalCi {
                    low: 1e4,
                    high: 1e6,
                    confidence: 0.9,
                },
                Support::NonNegative,
            ),
            (
                LognormalCi {
                    low: 5.0,
                    high: 50.0,
                    confidence: 0.8,
                },
                Support::NonNegative,
            ),
            (
                Lognormal {
                    mu: 1.0,
                    sigma: 0.5,
                },
                Support::NonNegative,
            ),
            (
                Triangular {
                    min: 1.0,
                    mode: 2.0,
                    max: 9.0,
                },
                Support::NonNegative,
            ),
            (Uniform { min: 0.2, max: 0.7 }, Support::UnitInterval),
            (Normal { mean: 1.0, sd: 2.0 }, Support::NonNegative),
            (Normal { mean: 0.3, sd: 0.4 }, Support::UnitInterval),
            (
                Normal {
                    mean: 100.0,
                    sd: 5.0,
                },
                Support::NonNegative,
            ),
            (Constant { value: 0.25 }, Support::UnitInterval),
        ];
        for (i, (d, s)) in cases.iter().enumerate() {
            check_moments(d, *s, 1000 + i as u64);
        }
    }

    #[test]
    fn pert_moments_match_definition_and_statrs() {
        let d = Distribution::Pert {
            min: 2.0,
            mode: 5.0,
            max: 20.0,
            gamma: 4.0,
        };
        let (mean, var) = d.sampler(Support::NonNegative, "").unwrap().moments();
        assert!((mean - (2.0 + 4.0 * 5.0 + 20.0) / 6.0).abs() < 1e-12);
        // Vose PERT variance (μ − min)(max − μ)/(γ + 3).
        assert!((var - (mean - 2.0) * (20.0 - mean) / 7.0).abs() < 1e-9);
        // pyfair's moment matching gives exactly its mean and sd.
        let p = Distribution::PertPyfair {
            low: 2.0,
            mode: 5.0,
            high: 20.0,
            gamma: 4.0,
        };
        let (pm, pv) = p.sampler(Support::NonNegative, "").unwrap().moments();
        assert!((pm - mean).abs() < 1e-9);
        assert!((pv.sqrt() - 18.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn pert_quantiles_match_the_beta_definition() {
        let d = Distribution::Pert {
            min: 1e3,
            mode: 4e3,
            max: 2e4,
            gamma: 4.0,
        };
        let (a, b) = d.beta_shapes().unwrap();
        assert_eq!((a, b), (1.0 + 4.0 * 3.0 / 19.0, 1.0 + 4.0 * 16.0 / 19.0));
        let beta = Beta::new(a, b).unwrap();
        let mut xs = check_moments(&d, Support::NonNegative, 7);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let want = 1e3 + 1.9e4 * beta.inverse_cdf(q);
            let got = empirical_quantile(&mut xs, q);
            // Standard error of an empirical quantile: sqrt(q(1−q)/n)/f(x_q).
            let f = statrs::distribution::Continuous::pdf(&beta, (want - 1e3) / 1.9e4) / 1.9e4;
            let se = (q * (1.0 - q) / N as f64).sqrt() / f;
            assert!(
                (got - want).abs() <= 4.0 * se,
                "q {q}: {got} vs {want} (se {se})"
            );
        }
    }

    #[test]
    fn lognormal_ci_quantiles_are_low_and_high() {
        for c in [0.9, 0.8, 0.98] {
            let d = Distribution::LognormalCi {
                low: 2e4,
                high: 3e6,
                confidence: c,
            };
            let (mu, sigma) = d.lognormal_parameters().unwrap();
            let ln = LogNormal::new(mu, sigma).unwrap();
            let (ql, qh) = ((1.0 - c) / 2.0, (1.0 + c) / 2.0);
            assert!((ln.inverse_cdf(ql) / 2e4 - 1.0).abs() < 1e-8, "c {c}");
            assert!((ln.inverse_cdf(qh) / 3e6 - 1.0).abs() < 1e-8, "c {c}");
            let mut xs = check_moments(&d, Support::NonNegative, 11);
            for (q, want) in [(ql, 2e4), (qh, 3e6)] {
                let got = empirical_quantile(&mut xs, q);
                let f = statrs::distribution::Continuous::pdf(&ln, want);
                let se = (q * (1.0 - q) / N as f64).sqrt() / f;
                assert!(
                    (got - want).abs() <= 4.0 * se,
                    "c {c} q {q}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn z_by_bisection_matches_statrs() {
        let n = Normal::standard();
        for p in [0.6, 0.9, 0.975, 0.995] {
            assert!((std_normal_upper_quantile(p) - n.inverse_cdf(p)).abs() < 1e-9);
        }
        assert!((std_normal_upper_quantile(0.95) - n.inverse_cdf(0.95)).abs() < 1e-12);
    }

    /// Each bad distribution of `cases` fails validation with `invalid_parameter` at the path of
    /// its offending field.
    fn assert_bad_parameters(cases: Vec<(Distribution, Support, &str)>) {
        let p = "scenarios[2].primary_loss";
        for (d, s, field) in cases {
            let e = d.validate(s, p).unwrap_err();
            assert_eq!(e.code(), "invalid_parameter", "{d:?}");
            assert_eq!(e.path(), format!("{p}.{field}"), "{d:?}: {e}");
        }
    }

    /// PERT (Vose and pyfair): bounds out of order, outside the support, not finite; gamma.
    #[test]
    fn bad_pert_parameters_are_typed_errors_with_paths() {
        use Distribution::*;
        assert_bad_parameters(vec![
            (
                Pert {
                    min: 5.0,
                    mode: 6.0,
                    max: 5.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
                "max",
            ),
            (
                Pert {
                    min: 1.0,
                    mode: 9.0,
                    max: 5.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
                "mode",
            ),
            (
                Pert {
                    min: 1.0,
                    mode: 0.5,
                    max: 5.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
                "mode",
            ),
            (
                Pert {
                    min: -1.0,
                    mode: 0.5,
                    max: 5.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
                "min",
            ),
            (
                Pert {
                    min: 0.0,
                    mode: 0.5,
                    max: 5.0,
                    gamma: 0.0,
                },
                Support::NonNegative,
                "gamma",
            ),
            (
                Pert {
                    min: 0.0,
                    mode: 0.5,
                    max: 1.5,
                    gamma: 4.0,
                },
                Support::UnitInterval,
                "max",
            ),
            (
                PertPyfair {
                    low: 0.0,
                    mode: f64::NAN,
                    high: 1.0,
                    gamma: 4.0,
                },
                Support::NonNegative,
                "mode",
            ),
        ]);
    }

    /// Lognormal (by interval or by mu and sigma): bounds, confidence, sigma, a probability.
    #[test]
    fn bad_lognormal_parameters_are_typed_errors_with_paths() {
        use Distribution::*;
        assert_bad_parameters(vec![
            (
                LognormalCi {
                    low: 0.0,
                    high: 1.0,
                    confidence: 0.9,
                },
                Support::NonNegative,
                "low",
            ),
            (
                LognormalCi {
                    low: 2.0,
                    high: 1.0,
                    confidence: 0.9,
                },
                Support::NonNegative,
                "high",
            ),
            (
                LognormalCi {
                    low: 1.0,
                    high: 2.0,
                    confidence: 1.0,
                },
                Support::NonNegative,
                "confidence",
            ),
            (
                LognormalCi {
                    low: 0.1,
                    high: 0.2,
                    confidence: 0.9,
                },
                Support::UnitInterval,
                "type",
            ),
            (
                Lognormal {
                    mu: 0.0,
                    sigma: -1.0,
                },
                Support::NonNegative,
                "sigma",
            ),
            (
                Lognormal {
                    mu: f64::INFINITY,
                    sigma: 1.0,
                },
                Support::NonNegative,
                "mu",
            ),
        ]);
    }

    /// Triangular, uniform, normal and constant.
    #[test]
    fn bad_other_parameters_are_typed_errors_with_paths() {
        use Distribution::*;
        assert_bad_parameters(vec![
            (
                Triangular {
                    min: 0.0,
                    mode: 3.0,
                    max: 2.0,
                },
                Support::NonNegative,
                "mode",
            ),
            (
                Triangular {
                    min: 2.0,
                    mode: 2.0,
                    max: 2.0,
                },
                Support::NonNegative,
                "max",
            ),
            (Uniform { min: 1.0, max: 1.0 }, Support::NonNegative, "max"),
            (Normal { mean: 1.0, sd: 0.0 }, Support::NonNegative, "sd"),
            (
                Normal {
                    mean: -10.0,
                    sd: 1.0,
                },
                Support::NonNegative,
                "mean",
            ),
            (Constant { value: -1.0 }, Support::NonNegative, "value"),
            (Constant { value: 1.5 }, Support::UnitInterval, "value"),
        ]);
    }

    #[test]
    fn number_means_constant() {
        #[derive(Deserialize)]
        struct W {
            #[serde(deserialize_with = "number_or_distribution")]
            d: Distribution,
        }
        let w: W = serde_json::from_str(r#"{"d": 0.5}"#).unwrap();
        assert_eq!(w.d, Distribution::Constant { value: 0.5 });
        let w: W = serde_json::from_str(r#"{"d": 3}"#).unwrap();
        assert_eq!(w.d, Distribution::Constant { value: 3.0 });
        let w: W =
            serde_json::from_str(r#"{"d": {"type": "uniform", "min": 1, "max": 2}}"#).unwrap();
        assert_eq!(w.d, Distribution::Uniform { min: 1.0, max: 2.0 });
        assert!(
            serde_json::from_str::<W>(r#"{"d": {"type": "uniform", "min": 1, "max": 2, "x": 1}}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<W>(r#"{"d": "1"}"#).is_err());
    }
}
