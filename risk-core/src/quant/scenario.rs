//! Scenario documents: what can go wrong, how often, and what it costs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::distribution::{
    Distribution, Support, number_or_distribution, opt_number_or_distribution,
};
use super::error::QuantError;

/// The most trials one simulation may run.
pub const MAX_TRIALS: u64 = 20_000_000;

/// The most trial-scenario pairs one simulation may hold in memory (trials × scenarios).
pub const MAX_CELLS: u64 = 200_000_000;

/// The most loss events a compound simulation may expect to draw (trials × the sum of the
/// scenarios' mean loss-event frequencies). Compound mode samples every event, so this bounds
/// its work as [`MAX_CELLS`] bounds its memory: `{"lef": 1e12}` would otherwise draw 10¹² losses
/// per trial year and never finish.
pub const MAX_EVENTS: u64 = 200_000_000;

/// The most points a loss exceedance curve may have.
pub const MAX_LEC_POINTS: usize = 10_000;

/// How a trial year's loss is formed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Per trial: draw the rate λ, then N ~ Poisson(λ) loss events, each with its own loss draws;
    /// the annual loss is their sum.
    #[default]
    Compound,
    /// pyfair-compatible: annual loss = LEF × LM per trial (one rate draw times one magnitude
    /// draw), i.e. the expected loss of the year given the drawn rate and magnitude.
    Expected,
}

/// The simulation input document.
///
/// ```
/// let input = risk_core::quant::parse_simulation_input(r#"{
///   "trials": 1000, "seed": 7,
///   "scenarios": [{"name": "ransomware", "frequency": {"lef": {"type": "pert", "min": 0.05, "mode": 0.2, "max": 1}},
///                  "primary_loss": {"type": "lognormal_ci", "low": 50000, "high": 5000000}}]
/// }"#).unwrap();
/// assert_eq!(input.mode, risk_core::quant::Mode::Compound);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationInput {
    /// Number of simulated years (default 100,000; at most [`MAX_TRIALS`]).
    #[serde(default = "default_trials")]
    pub trials: u64,
    /// Seed of the ChaCha8 generator (default 0). The same seed gives the same results.
    #[serde(default)]
    pub seed: u64,
    /// Simulation mode (default `compound`).
    #[serde(default)]
    pub mode: Mode,
    /// The loss scenarios; their losses are added trial by trial (same trial = same year).
    pub scenarios: Vec<Scenario>,
    /// Rating figures for `from_rating` frequencies, by organisation id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ratings: BTreeMap<String, RatingLink>,
    /// What the report lists.
    #[serde(default)]
    pub report: ReportOptions,
}

fn default_trials() -> u64 {
    100_000
}

/// One loss scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique, non-empty name.
    pub name: String,
    /// Organisation the scenario belongs to, for per-organisation totals. Defaults to the
    /// `from_rating` organisation when the frequency comes from a rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// How often loss events happen.
    pub frequency: Frequency,
    /// Primary loss per event (money, ≥ 0). A number is a constant.
    #[serde(deserialize_with = "number_or_distribution")]
    pub primary_loss: Distribution,
    /// Secondary loss (fines, litigation, reputation) that follows an event with some probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<SecondaryLoss>,
}

impl Scenario {
    /// The organisation the scenario's losses are counted for, if any.
    pub fn organisation_id(&self) -> Option<&str> {
        match (&self.organisation, &self.frequency) {
            (Some(o), _) => Some(o),
            (None, Frequency::FromRating(o)) => Some(o),
            _ => None,
        }
    }
}

/// Secondary loss: with `probability` per loss event, a further `loss`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondaryLoss {
    /// Probability that an event brings secondary loss (in [0, 1]; a number or a distribution).
    #[serde(deserialize_with = "number_or_distribution")]
    pub probability: Distribution,
    /// The secondary loss when it happens (money, ≥ 0).
    #[serde(deserialize_with = "number_or_distribution")]
    pub loss: Distribution,
}

/// How often loss events happen.
///
/// JSON: `{"lef": <distribution>}`, `{"tef": <distribution>, "vulnerability": <distribution>}` or
/// `{"from_rating": "<organisation id>"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FrequencyDoc", into = "FrequencyDoc")]
pub enum Frequency {
    /// Loss events per year.
    Lef(Distribution),
    /// Threat events per year times the probability that one becomes a loss event.
    Tef {
        /// Threat events per year.
        tef: Distribution,
        /// Probability in [0, 1] that a threat event becomes a loss event.
        vulnerability: Distribution,
    },
    /// From an organisation's rating: λ = −ln(1 − P), P drawn per trial from a logit-normal
    /// fitted to the rating's 90% interval (see [`RatingLink`]).
    FromRating(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrequencyDoc {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number_or_distribution"
    )]
    lef: Option<Distribution>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number_or_distribution"
    )]
    tef: Option<Distribution>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_number_or_distribution"
    )]
    vulnerability: Option<Distribution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_rating: Option<String>,
}

impl TryFrom<FrequencyDoc> for Frequency {
    type Error = String;
    fn try_from(d: FrequencyDoc) -> Result<Self, String> {
        match d {
            FrequencyDoc { lef: Some(l), tef: None, vulnerability: None, from_rating: None } => Ok(Frequency::Lef(l)),
            FrequencyDoc { lef: None, tef: Some(t), vulnerability: Some(v), from_rating: None } => {
                Ok(Frequency::Tef { tef: t, vulnerability: v })
            }
            FrequencyDoc { lef: None, tef: None, vulnerability: None, from_rating: Some(o) } => Ok(Frequency::FromRating(o)),
            _ => Err(r#"invalid frequency: give exactly one of {"lef": …}, {"tef": …, "vulnerability": …} or {"from_rating": "<organisation id>"}"#.into()),
        }
    }
}

impl From<Frequency> for FrequencyDoc {
    fn from(f: Frequency) -> Self {
        let mut d = FrequencyDoc {
            lef: None,
            tef: None,
            vulnerability: None,
            from_rating: None,
        };
        match f {
            Frequency::Lef(l) => d.lef = Some(l),
            Frequency::Tef { tef, vulnerability } => {
                d.tef = Some(tef);
                d.vulnerability = Some(vulnerability);
            }
            Frequency::FromRating(o) => d.from_rating = Some(o),
        }
        d
    }
}

/// The rating figures a `from_rating` frequency needs: an organisation's `probability` P and
/// `probability_interval` [P_lo, P_hi] from the rating output (methodology section 6.1).
///
/// **Fitted distribution.** P is drawn per trial from a *logit-normal*: logit P ~ Normal(m, s²)
/// with m = (logit P_lo + logit P_hi)/2 and s = (logit P_hi − logit P_lo)/(2·1.6448536…), so
/// that P_lo and P_hi are its 5% and 95% quantiles. This is the rating model's own uncertainty
/// form: the methodology builds [P_lo, P_hi] as logistic(η ∓ z·sd_η), so for an organisation
/// without suppliers the fit recovers (η, sd_η) exactly (with suppliers, the supply-chain step
/// makes it an approximation). Logits are clamped to ±27.6 (P in [1e-12, 1 − 1e-12]). When
/// P_lo = P_hi the draw is the point P. The trial's rate is then λ = −ln(1 − P).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingLink {
    /// Annual probability of a material incident P.
    pub probability: f64,
    /// Its 90% interval [P_lo, P_hi].
    pub probability_interval: [f64; 2],
}

impl From<&crate::Rating> for RatingLink {
    fn from(r: &crate::Rating) -> Self {
        RatingLink {
            probability: r.probability,
            probability_interval: r.probability_interval,
        }
    }
}

impl RatingLink {
    /// The rating figures of every organisation in a portfolio rating, by id.
    ///
    /// ```
    /// use risk_core::{parse_portfolio, rate, Methodology};
    /// use risk_core::quant::RatingLink;
    /// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
    ///   {"id": "SUP", "peer_group": "supplier", "attestation": {"dspt_status": "standards_met"}}]}"#).unwrap();
    /// let links = RatingLink::from_portfolio(&rate(&doc, &Methodology::default()).unwrap());
    /// assert!((links["SUP"].probability - 0.06).abs() < 1e-12);
    /// ```
    pub fn from_portfolio(rating: &crate::PortfolioRating) -> BTreeMap<String, RatingLink> {
        rating
            .ratings
            .iter()
            .map(|r| (r.id.clone(), RatingLink::from(r)))
            .collect()
    }
}

/// What the report lists for each loss distribution (total, scenarios, organisations).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportOptions {
    /// Quantile levels q in [0, 1] to list (default 0.05, 0.25, 0.5, 0.75, 0.95, 0.99).
    #[serde(default = "default_percentiles")]
    pub percentiles: Vec<f64>,
    /// Levels q in [0, 1) for VaR(q) and TVaR(q) (default 0.9, 0.95, 0.99).
    #[serde(default = "default_levels")]
    pub var_levels: Vec<f64>,
    /// Loss thresholds x for P(loss > x) (default none).
    #[serde(default)]
    pub thresholds: Vec<f64>,
    /// Number of log-spaced points of the loss exceedance curve (default 20; 0 for none).
    #[serde(default = "default_lec_points")]
    pub lec_points: usize,
    /// Include the per-trial total losses (for plotting; default false).
    #[serde(default)]
    pub include_losses: bool,
}

fn default_percentiles() -> Vec<f64> {
    vec![0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
}

fn default_levels() -> Vec<f64> {
    vec![0.9, 0.95, 0.99]
}

fn default_lec_points() -> usize {
    crate::quant::DEFAULT_LEC_POINTS
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            percentiles: default_percentiles(),
            var_levels: default_levels(),
            thresholds: Vec::new(),
            lec_points: default_lec_points(),
            include_losses: false,
        }
    }
}

impl ReportOptions {
    pub(crate) fn validate(&self, path: &str) -> Result<(), QuantError> {
        // Under `path` (`report`), or the option's own name when checked on its own.
        let at = |rest: &str| crate::problem::path_under(path, rest);
        for (i, q) in self.percentiles.iter().enumerate() {
            if !(0.0..=1.0).contains(q) {
                return Err(QuantError::probability(
                    at(&format!("percentiles[{i}]")),
                    format!("quantile level {q} must lie in [0, 1]"),
                ));
            }
        }
        for (i, q) in self.var_levels.iter().enumerate() {
            if !(*q >= 0.0 && *q < 1.0) {
                return Err(QuantError::probability(
                    at(&format!("var_levels[{i}]")),
                    format!("VaR level {q} must lie in [0, 1)"),
                ));
            }
        }
        for (i, x) in self.thresholds.iter().enumerate() {
            if !x.is_finite() {
                return Err(QuantError::InvalidOption {
                    path: at(&format!("thresholds[{i}]")),
                    message: "a threshold must be a finite number".into(),
                });
            }
        }
        if self.lec_points > MAX_LEC_POINTS {
            return Err(QuantError::InvalidOption {
                path: at("lec_points"),
                message: format!("at most {MAX_LEC_POINTS} points"),
            });
        }
        Ok(())
    }
}

impl RatingLink {
    pub(crate) fn validate(&self, path: &str) -> Result<(), QuantError> {
        let p = self.probability;
        let [lo, hi] = self.probability_interval;
        if !(p.is_finite() && (0.0..1.0).contains(&p)) {
            return Err(QuantError::probability(
                format!("{path}.probability"),
                format!(
                    "probability {p} must lie in [0, 1) (P = 1 gives an infinite loss-event rate)"
                ),
            ));
        }
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi < 1.0) {
            return Err(QuantError::probability(
                format!("{path}.probability_interval"),
                format!("interval [{lo}, {hi}] must satisfy 0 ≤ P_lo ≤ P_hi < 1"),
            ));
        }
        if p < lo - 1e-9 || p > hi + 1e-9 {
            return Err(QuantError::probability(
                format!("{path}.probability"),
                format!("probability {p} lies outside its interval [{lo}, {hi}]"),
            ));
        }
        Ok(())
    }
}

/// Check a simulation input, with `ratings` the figures available to `from_rating` frequencies.
///
/// # Errors
/// The first problem, as a [`QuantError`] naming its JSON path.
///
/// ```
/// use risk_core::quant::{parse_simulation_input_unchecked, validate};
/// let input = parse_simulation_input_unchecked(r#"{"scenarios": [{"name": "a",
///     "frequency": {"from_rating": "RBS"}, "primary_loss": 1000}]}"#).unwrap();
/// let err = validate(&input, &input.ratings).unwrap_err();
/// assert_eq!(err.code(), "unknown_organisation");
/// assert_eq!(err.path(), "scenarios[0].frequency.from_rating");
/// ```
pub fn validate(
    input: &SimulationInput,
    ratings: &BTreeMap<String, RatingLink>,
) -> Result<(), QuantError> {
    if input.trials == 0 || input.trials > MAX_TRIALS {
        return Err(QuantError::InvalidTrials {
            path: "trials".into(),
            message: format!("trials ({}) must lie in [1, {MAX_TRIALS}]", input.trials),
        });
    }
    if input.scenarios.is_empty() {
        return Err(QuantError::InvalidScenario {
            path: "scenarios".into(),
            message: "at least one scenario is required".into(),
        });
    }
    let cells = input.trials.saturating_mul(input.scenarios.len() as u64);
    if cells > MAX_CELLS {
        return Err(QuantError::InvalidTrials {
            path: "trials".into(),
            message: format!(
                "trials × scenarios = {cells} exceeds {MAX_CELLS}; run fewer trials or split the scenarios"
            ),
        });
    }
    for (id, link) in ratings {
        link.validate(&format!("ratings.{id}"))?;
    }
    let mut names = BTreeMap::new();
    for (i, s) in input.scenarios.iter().enumerate() {
        let path = format!("scenarios[{i}]");
        if s.name.trim().is_empty() {
            return Err(QuantError::InvalidScenario {
                path: format!("{path}.name"),
                message: "a scenario needs a non-empty name".into(),
            });
        }
        if let Some(j) = names.insert(s.name.as_str(), i) {
            return Err(QuantError::InvalidScenario {
                path: format!("{path}.name"),
                message: format!("the name `{}` is already used by scenarios[{j}]", s.name),
            });
        }
        if let Some(o) = &s.organisation
            && o.is_empty()
        {
            return Err(QuantError::InvalidScenario {
                path: format!("{path}.organisation"),
                message: "an organisation id cannot be empty".into(),
            });
        }
        s.validate(&path, ratings)?;
    }
    if input.mode == Mode::Compound {
        let mut events = 0.0;
        for (i, s) in input.scenarios.iter().enumerate() {
            events += input.trials as f64 * s.mean_rate(ratings)?;
            // NaN (an undefined mean) is over the limit too.
            if events.is_nan() || events > MAX_EVENTS as f64 {
                return Err(QuantError::InvalidTrials {
                    path: "trials".into(),
                    message: format!(
                        "compound mode would draw about {events:.3e} loss events (trials × mean \
                         loss events per year, up to scenarios[{i}]), over the limit of \
                         {MAX_EVENTS}; run fewer trials, use mode `expected`, or check the frequency"
                    ),
                });
            }
        }
    }
    input.report.validate("report")
}

impl Scenario {
    /// Mean loss events per year (for a rating, λ at the top of its 90% interval, a bound on
    /// the logit-normal's typical draws). The scenario must be valid.
    fn mean_rate(&self, ratings: &BTreeMap<String, RatingLink>) -> Result<f64, QuantError> {
        Ok(match &self.frequency {
            Frequency::Lef(d) => d.mean(Support::NonNegative)?,
            Frequency::Tef { tef, vulnerability } => {
                tef.mean(Support::NonNegative)? * vulnerability.mean(Support::UnitInterval)?
            }
            Frequency::FromRating(id) => ratings
                .get(id)
                .map_or(0.0, |l| -libm::log1p(-l.probability_interval[1])),
        })
    }

    pub(crate) fn validate(
        &self,
        path: &str,
        ratings: &BTreeMap<String, RatingLink>,
    ) -> Result<(), QuantError> {
        match &self.frequency {
            Frequency::Lef(d) => {
                d.validate(Support::NonNegative, &format!("{path}.frequency.lef"))?
            }
            Frequency::Tef { tef, vulnerability } => {
                tef.validate(Support::NonNegative, &format!("{path}.frequency.tef"))?;
                vulnerability.validate(
                    Support::UnitInterval,
                    &format!("{path}.frequency.vulnerability"),
                )?;
            }
            Frequency::FromRating(id) => {
                if !ratings.contains_key(id) {
                    return Err(QuantError::UnknownOrganisation {
                        path: format!("{path}.frequency.from_rating"),
                        id: id.clone(),
                    });
                }
            }
        }
        self.primary_loss
            .validate(Support::NonNegative, &format!("{path}.primary_loss"))?;
        if let Some(sec) = &self.secondary {
            sec.probability.validate(
                Support::UnitInterval,
                &format!("{path}.secondary.probability"),
            )?;
            sec.loss
                .validate(Support::NonNegative, &format!("{path}.secondary.loss"))?;
        }
        Ok(())
    }
}
