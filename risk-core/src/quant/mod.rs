//! # Loss quantification: Open FAIR-style Monte Carlo in money
//!
//! Boards ask "how much could this cost us?". This module simulates annual losses from loss
//! scenarios: each has a loss-event frequency (a distribution of events per year, threat events
//! × vulnerability, or the organisation's rated incident probability) and a loss per event
//! (primary, plus a secondary loss with some probability).
//!
//! - [`Distribution`]: `pert` (Vose), `pert_pyfair` (pyfair 0.1a13's moment-matched BetaPERT),
//!   `lognormal_ci`, `lognormal`, `triangular`, `uniform`, `normal` (truncated to the quantity's
//!   support), `constant` (or a bare number), checked and (for reference) computed with `statrs`.
//! - [`Mode::Compound`] (default): per trial year, λ is drawn, N ~ Poisson(λ) events happen, and
//!   each has its own loss draws. [`Mode::Expected`]: loss = LEF × LM per trial, as pyfair.
//! - Determinism: ChaCha8 seeded by `seed`, one stream per (scenario, chunk of
//!   [`CHUNK_TRIALS`] trials), whose first 256 bits seed that chunk's xoshiro256++ generator:
//!   the same document and seed give the same losses, whatever the
//!   thread count (the optional `parallel` feature runs chunks on rayon with identical output).
//!   Every transcendental function on the sampling path comes from `libm` (pure Rust) or the
//!   table-driven `exp` in plain f64 arithmetic of `numeric::fastexp`, so the
//!   same seed gives the same bits on every platform, wasm included. (`statrs`'s own Beta,
//!   gamma, normal and Poisson samplers call the platform's `ln`/`exp`/`powf`, so they are used
//!   for parameter checks and as test references, not for sampling; its triangular sampler,
//!   which needs only square roots, is used.)
//! - Results: [`Losses`] (mean, sd, min, max, percentiles, VaR, TVaR, P(loss > x), LEC), per
//!   scenario and per organisation, and the serde report [`SimulationReport`].
//!
//! ```
//! use risk_core::quant::{parse_simulation_input, simulate};
//! let input = parse_simulation_input(r#"{
//!   "trials": 10000, "seed": 42, "mode": "compound",
//!   "scenarios": [
//!     {"name": "ransomware", "organisation": "RBS",
//!      "frequency": {"tef": {"type": "pert", "min": 1, "mode": 4, "max": 12}, "vulnerability": 0.05},
//!      "primary_loss": {"type": "lognormal_ci", "low": 1e5, "high": 5e6},
//!      "secondary": {"probability": 0.3, "loss": {"type": "pert", "min": 1e4, "mode": 1e5, "max": 2e6}}}
//!   ],
//!   "report": {"percentiles": [0.5, 0.95], "thresholds": [1e6]}
//! }"#).unwrap();
//! let sim = simulate(&input).unwrap();
//! assert!(sim.total.var(0.95) <= sim.total.tvar(0.95));
//! let report = sim.report(&input.report);
//! assert_eq!(report.total.percentiles.len(), 2);
//! assert_eq!(report.organisations[0].id, "RBS");
//! ```

pub(crate) mod distribution;
mod entry;
pub(crate) mod error;
pub(crate) mod random;
mod results;
mod scenario;
mod simulate;

pub use distribution::{Distribution, Support, Z90};
pub use entry::{
    DEFAULT_LEC_POINTS, DEFAULT_TRIALS, Measure, parse_scenarios, report_from_scenarios_json_rated,
    simulate_json_rated, simulate_rated, simulate_scenarios_json_rated,
};
pub use error::QuantError;
pub use results::{
    Exceedance, LecPoint, LossSummary, Losses, OrganisationLosses, OrganisationReport, Quantile,
    RiskMeasure, ScenarioLosses, ScenarioReport, Simulation, SimulationReport,
};
pub use scenario::{
    Frequency, MAX_CELLS, MAX_EVENTS, MAX_LEC_POINTS, MAX_TRIALS, Mode, RatingLink, ReportOptions,
    Scenario, SecondaryLoss, SimulationInput, validate,
};
pub use simulate::{
    CHUNK_TRIALS, MAX_EVENTS_PER_CHUNK, rated_input, simulate, simulate_scenarios,
    simulate_with_portfolio_rating, simulate_with_ratings, simulation_from_scenarios,
};

/// Parse a simulation input from JSON text and check it (with the document's own `ratings`).
///
/// # Errors
/// [`QuantError::Input`] for structural problems (with the path, e.g.
/// `scenarios[0].frequency`), else the first semantic problem from [`validate`].
///
/// ```
/// use risk_core::quant::parse_simulation_input;
/// let err = parse_simulation_input(r#"{"scenarios": [], "trails": 5}"#).unwrap_err();
/// assert_eq!(err.code(), "unknown_field");
/// assert_eq!(err.path(), "trails");
/// ```
pub fn parse_simulation_input(text: &str) -> Result<SimulationInput, QuantError> {
    let input = parse_simulation_input_unchecked(text)?;
    validate(&input, &input.ratings)?;
    Ok(input)
}

/// Parse a simulation input from JSON text without the semantic checks (for when the rating
/// figures come separately, see [`simulate_with_ratings`], which checks everything).
///
/// # Errors
/// [`QuantError::Input`] for structural problems, with their path.
pub fn parse_simulation_input_unchecked(text: &str) -> Result<SimulationInput, QuantError> {
    Ok(crate::input::parse::from_json_text(text)?)
}

/// Parse, simulate and report in one call: JSON in, report document out (what the bindings
/// expose).
///
/// # Errors
/// As [`parse_simulation_input`].
///
/// ```
/// let report = risk_core::quant::simulate_json(r#"{"trials": 100, "scenarios": [
///   {"name": "a", "frequency": {"lef": 2}, "primary_loss": 10}]}"#).unwrap();
/// assert_eq!(report.trials, 100);
/// ```
pub fn simulate_json(text: &str) -> Result<SimulationReport, QuantError> {
    let input = parse_simulation_input(text)?;
    Ok(simulate(&input)?.report(&input.report))
}

#[cfg(test)]
mod tests;
