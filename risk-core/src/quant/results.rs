//! Simulation results: loss distributions, risk measures and the report document.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::scenario::{Mode, ReportOptions};

/// Annual losses over all trials (trial i = simulated year i), with summary statistics.
///
/// Quantiles use linear interpolation between closest ranks (numpy's default):
/// with sorted losses x₀ ≤ … ≤ x_{n−1} and h = (n − 1)q, Q(q) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).
/// VaR(q) = Q(q); TVaR(q) = the mean of the losses ≥ VaR(q), so VaR(q) ≤ TVaR(q) always.
///
/// ```
/// use risk_core::quant::Losses;
/// let l = Losses::new(vec![0.0, 10.0, 20.0, 30.0, 40.0]);
/// assert_eq!(l.mean(), 20.0);
/// assert_eq!(l.percentile(0.5), 20.0);
/// assert_eq!(l.percentile(0.9), 36.0);
/// assert_eq!(l.var(0.75), 30.0);
/// assert_eq!(l.tvar(0.75), 35.0);
/// assert_eq!(l.exceedance_probability(25.0), 0.4);
/// ```
#[derive(Debug, Clone)]
pub struct Losses {
    values: Vec<f64>,
    mean: f64,
    sd: f64,
    min: f64,
    max: f64,
    sorted: OnceLock<Vec<f64>>,
}

impl PartialEq for Losses {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl Losses {
    /// Wrap per-trial losses (at least one) and compute mean, sd, min and max.
    ///
    /// # Panics
    /// If `values` is empty.
    pub fn new(values: Vec<f64>) -> Losses {
        assert!(!values.is_empty(), "Losses::new needs at least one trial");
        let n = values.len() as f64;
        // One pass for the sum (in trial order from −0, as `Iterator::sum`), min and max; a
        // second for the squared deviations.
        let (mut sum, mut min, mut max) = (-0.0_f64, f64::INFINITY, f64::NEG_INFINITY);
        for &x in &values {
            sum += x;
            min = min.min(x);
            max = max.max(x);
        }
        let mean = sum / n;
        let ss = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>();
        let sd = if values.len() > 1 {
            (ss / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Losses {
            values,
            mean,
            sd,
            min,
            max,
            sorted: OnceLock::new(),
        }
    }

    /// `values`, bit for bit the values of `other`, with `other`'s statistics (not computed
    /// again).
    pub(crate) fn with_statistics_of(values: Vec<f64>, other: &Losses) -> Losses {
        debug_assert!(
            values.len() == other.values.len()
                && values
                    .iter()
                    .zip(&other.values)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
        );
        Losses {
            values,
            mean: other.mean,
            sd: other.sd,
            min: other.min,
            max: other.max,
            sorted: OnceLock::new(),
        }
    }

    /// Per-trial losses, in trial order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of trials.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false (a loss distribution has at least one trial).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Sample mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Sample standard deviation (n − 1 denominator).
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// Standard error of the mean, sd/√n.
    pub fn standard_error(&self) -> f64 {
        self.sd / (self.values.len() as f64).sqrt()
    }

    /// Smallest loss.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Largest loss.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The losses sorted ascending (computed once, on first use).
    pub fn sorted(&self) -> &[f64] {
        self.sorted.get_or_init(|| {
            let mut v = self.values.clone();
            v.sort_unstable_by(f64::total_cmp);
            v
        })
    }

    /// Quantile Q(q), q clamped to [0, 1] (NaN for a NaN q).
    pub fn percentile(&self, q: f64) -> f64 {
        if q.is_nan() {
            return f64::NAN;
        }
        let x = self.sorted();
        let h = (x.len() - 1) as f64 * q.clamp(0.0, 1.0);
        let i = h.floor() as usize;
        if i + 1 >= x.len() {
            return x[x.len() - 1];
        }
        x[i] + (h - i as f64) * (x[i + 1] - x[i])
    }

    /// Value at risk at level q: the q-quantile of annual loss.
    pub fn var(&self, q: f64) -> f64 {
        self.percentile(q)
    }

    /// Tail value at risk (CVaR) at level q: the mean annual loss over the trials whose loss is
    /// at least VaR(q).
    pub fn tvar(&self, q: f64) -> f64 {
        let v = self.var(q);
        if v.is_nan() {
            return f64::NAN;
        }
        let x = self.sorted();
        let start = x.partition_point(|&y| y < v);
        let tail = &x[start..];
        tail.iter().sum::<f64>() / tail.len() as f64
    }

    /// P(loss > x): the share of trials whose loss exceeds x.
    pub fn exceedance_probability(&self, x: f64) -> f64 {
        let s = self.sorted();
        let at_or_below = s.partition_point(|&y| y <= x);
        (s.len() - at_or_below) as f64 / s.len() as f64
    }

    /// Loss exceedance curve at `k` points spaced evenly in log(loss) from the smallest
    /// positive loss to the largest: (x, P(loss > x)), non-increasing in probability. Empty when
    /// `k` is 0 or no trial has a positive loss; one point (the largest loss) when `k` is 1.
    ///
    /// ```
    /// use risk_core::quant::Losses;
    /// let lec = Losses::new(vec![0.0, 1.0, 10.0, 100.0]).lec(3);
    /// assert_eq!((lec[0].loss, lec[2].loss), (1.0, 100.0));
    /// assert!((lec[1].loss - 10.0).abs() < 1e-12);
    /// assert_eq!(lec.iter().map(|p| p.probability).collect::<Vec<_>>(), vec![0.5, 0.25, 0.0]);
    /// ```
    pub fn lec(&self, k: usize) -> Vec<LecPoint> {
        if k == 0 || self.max <= 0.0 {
            return Vec::new();
        }
        let s = self.sorted();
        let first_positive = s.partition_point(|&y| y <= 0.0);
        if first_positive == s.len() {
            return Vec::new();
        }
        let (lo, hi) = (s[first_positive], s[s.len() - 1]);
        if k == 1 || lo == hi {
            return vec![LecPoint {
                loss: hi,
                probability: self.exceedance_probability(hi),
            }];
        }
        let (llo, lhi) = (libm::log(lo), libm::log(hi));
        (0..k)
            .map(|i| {
                let x = if i == 0 {
                    lo
                } else if i == k - 1 {
                    hi
                } else {
                    libm::exp(llo + (lhi - llo) * i as f64 / (k - 1) as f64).clamp(lo, hi)
                };
                LecPoint {
                    loss: x,
                    probability: self.exceedance_probability(x),
                }
            })
            .collect()
    }

    /// The summary the report lists, per `options`.
    pub fn summary(&self, options: &ReportOptions) -> LossSummary {
        LossSummary {
            mean: self.mean,
            sd: self.sd,
            standard_error: self.standard_error(),
            min: self.min,
            max: self.max,
            percentiles: options
                .percentiles
                .iter()
                .map(|&q| Quantile {
                    q,
                    value: self.percentile(q),
                })
                .collect(),
            risk: options
                .var_levels
                .iter()
                .map(|&q| RiskMeasure {
                    q,
                    var: self.var(q),
                    tvar: self.tvar(q),
                })
                .collect(),
            exceedance: options
                .thresholds
                .iter()
                .map(|&x| Exceedance {
                    threshold: x,
                    probability: self.exceedance_probability(x),
                })
                .collect(),
            lec: self.lec(options.lec_points),
        }
    }
}

/// One scenario's annual losses.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioLosses {
    /// Scenario name.
    pub name: String,
    /// Organisation it counts for, if any.
    pub organisation: Option<String>,
    /// Its annual losses.
    pub losses: Losses,
}

/// One organisation's annual losses: the sum of its scenarios, trial by trial.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationLosses {
    /// Organisation id.
    pub id: String,
    /// Names of its scenarios.
    pub scenarios: Vec<String>,
    /// Its annual losses.
    pub losses: Losses,
}

/// The outcome of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Number of trials (years).
    pub trials: u64,
    /// Seed used.
    pub seed: u64,
    /// Mode used.
    pub mode: Mode,
    /// Total annual loss: all scenarios added trial by trial.
    pub total: Losses,
    /// Each scenario, in input order.
    pub scenarios: Vec<ScenarioLosses>,
    /// Each organisation named by a scenario, in order of first appearance.
    pub organisations: Vec<OrganisationLosses>,
}

impl Simulation {
    /// The report document.
    ///
    /// ```
    /// use risk_core::quant::{parse_simulation_input, simulate};
    /// let input = parse_simulation_input(r#"{"trials": 5000, "scenarios": [
    ///   {"name": "a", "frequency": {"lef": 1}, "primary_loss": {"type": "uniform", "min": 0, "max": 10}},
    ///   {"name": "b", "frequency": {"lef": 1}, "primary_loss": {"type": "uniform", "min": 0, "max": 30}}]}"#).unwrap();
    /// let report = simulate(&input).unwrap().report(&input.report);
    /// let shares: f64 = report.scenarios.iter().map(|s| s.mean_contribution).sum();
    /// assert!((shares - 1.0).abs() < 1e-9);
    /// assert!(report.to_json().contains("\"lec\""));
    /// ```
    pub fn report(&self, options: &ReportOptions) -> SimulationReport {
        let total_mean = self.total.mean();
        let share = |m: f64| {
            if total_mean > 0.0 {
                m / total_mean
            } else {
                0.0
            }
        };
        SimulationReport {
            trials: self.trials,
            seed: self.seed,
            mode: self.mode,
            total: self.total.summary(options),
            scenarios: self
                .scenarios
                .iter()
                .map(|s| ScenarioReport {
                    name: s.name.clone(),
                    organisation: s.organisation.clone(),
                    mean_contribution: share(s.losses.mean()),
                    summary: s.losses.summary(options),
                })
                .collect(),
            organisations: self
                .organisations
                .iter()
                .map(|o| OrganisationReport {
                    id: o.id.clone(),
                    scenarios: o.scenarios.clone(),
                    mean_contribution: share(o.losses.mean()),
                    summary: o.losses.summary(options),
                })
                .collect(),
            losses: options.include_losses.then(|| self.total.values().to_vec()),
        }
    }

    /// A scenario's losses by name.
    pub fn scenario(&self, name: &str) -> Option<&ScenarioLosses> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// An organisation's losses by id.
    pub fn organisation(&self, id: &str) -> Option<&OrganisationLosses> {
        self.organisations.iter().find(|o| o.id == id)
    }
}

/// A quantile of annual loss.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantile {
    /// Level q.
    pub q: f64,
    /// Q(q).
    pub value: f64,
}

/// VaR and TVaR at one level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMeasure {
    /// Level q.
    pub q: f64,
    /// Value at risk: the q-quantile.
    pub var: f64,
    /// Tail value at risk: mean loss at or above VaR(q).
    pub tvar: f64,
}

/// P(loss > threshold).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exceedance {
    /// The threshold.
    pub threshold: f64,
    /// Share of trials with a larger loss.
    pub probability: f64,
}

/// One point of a loss exceedance curve.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LecPoint {
    /// Loss x.
    pub loss: f64,
    /// P(annual loss > x).
    pub probability: f64,
}

/// Summary of one loss distribution.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossSummary {
    /// Mean annual loss.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// Standard error of the mean.
    pub standard_error: f64,
    /// Smallest annual loss.
    pub min: f64,
    /// Largest annual loss.
    pub max: f64,
    /// Requested quantiles.
    pub percentiles: Vec<Quantile>,
    /// VaR/TVaR at the requested levels.
    pub risk: Vec<RiskMeasure>,
    /// P(loss > x) at the requested thresholds.
    pub exceedance: Vec<Exceedance>,
    /// Loss exceedance curve.
    pub lec: Vec<LecPoint>,
}

/// One scenario in the report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioReport {
    /// Scenario name.
    pub name: String,
    /// Organisation it counts for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Its share of the total mean annual loss (0 when the total mean is 0).
    pub mean_contribution: f64,
    /// Its loss distribution.
    pub summary: LossSummary,
}

/// One organisation in the report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationReport {
    /// Organisation id.
    pub id: String,
    /// Its scenarios.
    pub scenarios: Vec<String>,
    /// Its share of the total mean annual loss.
    pub mean_contribution: f64,
    /// Its loss distribution (its scenarios added trial by trial).
    pub summary: LossSummary,
}

/// The simulation output document (JSON, snake_case).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationReport {
    /// Number of trials.
    pub trials: u64,
    /// Seed used.
    pub seed: u64,
    /// Mode used.
    pub mode: Mode,
    /// Total annual loss.
    pub total: LossSummary,
    /// Each scenario.
    pub scenarios: Vec<ScenarioReport>,
    /// Each organisation.
    pub organisations: Vec<OrganisationReport>,
    /// Per-trial total losses, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub losses: Option<Vec<f64>>,
}

impl SimulationReport {
    /// The report as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
