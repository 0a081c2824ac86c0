//! What the bindings call: the simulation mode by name, risk measures at checked levels, mean
//! contributions, checked report options, and one `simulate` with an optional portfolio
//! rating. Every default, range and name lives here, not in a binding.

use core::fmt;
use core::str::FromStr;

use crate::PortfolioRating;
use crate::quant::{
    LecPoint, Losses, Mode, QuantError, ReportOptions, Scenario, Simulation, SimulationInput,
    SimulationReport, simulate, simulate_with_portfolio_rating,
};

/// Trials simulated when the caller gives no number.
pub const DEFAULT_TRIALS: u64 = 100_000;

/// Points of a loss exceedance curve when the caller gives no number (as
/// [`ReportOptions::default`]).
pub const DEFAULT_LEC_POINTS: usize = 20;

impl Mode {
    /// Every mode, in documentation order.
    pub const ALL: [Mode; 2] = [Mode::Compound, Mode::Expected];

    /// The mode's name: `compound` or `expected` (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Compound => "compound",
            Mode::Expected => "expected",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = QuantError;

    /// A mode from its name; anything else is [`QuantError::InvalidOption`] at path `mode`.
    ///
    /// ```
    /// use risk_core::quant::Mode;
    /// assert_eq!("expected".parse::<Mode>().unwrap(), Mode::Expected);
    /// assert_eq!("fast".parse::<Mode>().unwrap_err().path(), "mode");
    /// ```
    fn from_str(name: &str) -> Result<Self, QuantError> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == name)
            .ok_or_else(|| QuantError::InvalidOption {
                path: "mode".into(),
                message: format!(
                    "`{}` is not a simulation mode (`compound` or `expected`)",
                    crate::text::clip(name, 40)
                ),
            })
    }
}

/// A risk measure of a loss distribution at a level q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The q-quantile (linear interpolation, as NumPy's default).
    Percentile,
    /// Value at risk: the q-quantile.
    Var,
    /// Tail value at risk: the mean loss at or beyond VaR(q).
    Tvar,
}

impl Measure {
    fn name(self) -> &'static str {
        match self {
            Measure::Percentile => "quantile",
            Measure::Var => "VaR",
            Measure::Tvar => "TVaR",
        }
    }
}

impl Losses {
    /// The measure at level `q`, which must lie in [0, 1] (else
    /// [`QuantError::InvalidProbability`] at `path`).
    ///
    /// ```
    /// use risk_core::quant::{Losses, Measure};
    /// let l = Losses::new(vec![1.0, 2.0, 3.0]);
    /// assert_eq!(l.measure(Measure::Percentile, 0.5, "q").unwrap(), 2.0);
    /// assert_eq!(l.measure(Measure::Var, 1.5, "q").unwrap_err().code(), "invalid_probability");
    /// ```
    ///
    /// # Errors
    /// A level outside [0, 1] or NaN.
    pub fn measure(&self, measure: Measure, q: f64, path: &str) -> Result<f64, QuantError> {
        if !(0.0..=1.0).contains(&q) {
            return Err(QuantError::probability(
                path,
                format!("{} level {q} must lie in [0, 1]", measure.name()),
            ));
        }
        Ok(match measure {
            Measure::Percentile => self.percentile(q),
            Measure::Var => self.var(q),
            Measure::Tvar => self.tvar(q),
        })
    }

    /// The measure at each level, the i-th checked at path `{root}[i]`.
    ///
    /// # Errors
    /// As [`Losses::measure`], for the first level out of range.
    pub fn measures(
        &self,
        measure: Measure,
        levels: &[f64],
        root: &str,
    ) -> Result<Vec<f64>, QuantError> {
        levels
            .iter()
            .enumerate()
            .map(|(i, &q)| self.measure(measure, q, &format!("{root}[{i}]")))
            .collect()
    }

    /// P(loss > x) at each given loss, as curve points.
    pub fn exceedance_at(&self, losses: &[f64]) -> Vec<LecPoint> {
        losses
            .iter()
            .map(|&loss| LecPoint {
                loss,
                probability: self.exceedance_probability(loss),
            })
            .collect()
    }
}

impl Simulation {
    /// Each scenario's share of the total mean loss, in scenario order (0 when the total mean
    /// is 0), as in the report's `mean_contribution`.
    pub fn mean_contributions(&self) -> Vec<f64> {
        let total = self.total.mean();
        self.scenarios
            .iter()
            .map(|s| share(s.losses.mean(), total))
            .collect()
    }

    /// The report document, with the options checked first (paths `percentiles[0]`,
    /// `lec_points`, … as the options' own field names).
    ///
    /// # Errors
    /// [`QuantError::InvalidProbability`] for a level out of range, [`QuantError::InvalidOption`]
    /// for a non-finite threshold or too many curve points.
    pub fn checked_report(&self, options: &ReportOptions) -> Result<SimulationReport, QuantError> {
        options.validate("")?;
        Ok(self.report(options))
    }
}

/// A part over a whole, 0 when the whole is not positive.
pub(crate) fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// A list of scenarios from JSON text, paths under `scenarios` (`scenarios[0].frequency`).
///
/// # Errors
/// [`QuantError::Input`] for structural problems.
pub fn parse_scenarios(text: &str) -> Result<Vec<Scenario>, QuantError> {
    crate::input::parse::from_json_text(text)
        .map_err(|e: crate::problem::InputError| QuantError::Input(e.under("scenarios")))
}

/// Simulate, taking the figures of `from_rating` frequencies from `rating` when one is given
/// (over those in `input.ratings`), else from `input.ratings` alone.
///
/// # Errors
/// Any [`QuantError`] of [`crate::quant::validate`].
pub fn simulate_rated(
    input: &SimulationInput,
    rating: Option<&PortfolioRating>,
) -> Result<Simulation, QuantError> {
    match rating {
        Some(r) => simulate_with_portfolio_rating(input, r),
        None => simulate(input),
    }
}

/// Parse a simulation input from JSON text, simulate it (with an optional portfolio rating, as
/// [`simulate_rated`]) and report it with the input's own report options.
///
/// # Errors
/// As [`crate::quant::parse_simulation_input_unchecked`] and [`simulate_rated`].
pub fn simulate_json_rated(
    text: &str,
    rating: Option<&PortfolioRating>,
) -> Result<SimulationReport, QuantError> {
    let input = crate::quant::parse_simulation_input_unchecked(text)?;
    Ok(simulate_rated(&input, rating)?.report(&input.report))
}

/// One piece of [`simulate_json_rated`] split by scenario (for workers, as the Spark binding
/// splits it across executors): the losses per trial of the scenarios at `indices` (positions
/// in `scenarios`, in the order given), from the same streams as the whole run. The rating is
/// used as in [`simulate_json_rated`].
///
/// ```
/// use risk_core::quant::{simulate_json_rated, simulate_scenarios_json_rated, report_from_scenarios_json_rated};
/// let text = r#"{"trials": 2000, "seed": 7, "scenarios": [
///   {"name": "a", "frequency": {"lef": 0.3},
///    "primary_loss": {"type": "lognormal_ci", "low": 1e4, "high": 1e6}},
///   {"name": "b", "frequency": {"lef": 1.2}, "primary_loss": 5e4}]}"#;
/// let first = simulate_scenarios_json_rated(text, None, &[1]).unwrap();
/// let second = simulate_scenarios_json_rated(text, None, &[0]).unwrap();
/// let parts = vec![second[0].clone(), first[0].clone()];
/// let whole = simulate_json_rated(text, None).unwrap();
/// assert_eq!(report_from_scenarios_json_rated(text, None, parts).unwrap(), whole);
/// ```
///
/// # Errors
/// As [`simulate_json_rated`], and [`QuantError::InvalidScenario`] for a position with no
/// scenario.
pub fn simulate_scenarios_json_rated(
    text: &str,
    rating: Option<&PortfolioRating>,
    indices: &[usize],
) -> Result<Vec<Vec<f64>>, QuantError> {
    let input = crate::quant::parse_simulation_input_unchecked(text)?;
    let input = crate::quant::rated_input(&input, rating);
    crate::quant::simulate_scenarios(&input, indices)
}

/// The report of [`simulate_json_rated`] from every scenario's losses per trial, in scenario
/// order (the pieces of [`simulate_scenarios_json_rated`] put together): equal to it bit for bit.
///
/// # Errors
/// As [`simulate_json_rated`], and [`QuantError::InvalidScenario`] when the number of loss
/// vectors or their length does not match the input.
pub fn report_from_scenarios_json_rated(
    text: &str,
    rating: Option<&PortfolioRating>,
    per_scenario: Vec<Vec<f64>>,
) -> Result<SimulationReport, QuantError> {
    let input = crate::quant::parse_simulation_input_unchecked(text)?;
    let input = crate::quant::rated_input(&input, rating);
    Ok(crate::quant::simulation_from_scenarios(&input, per_scenario)?.report(&input.report))
}
