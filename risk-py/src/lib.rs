//! Python bindings for riskrating: a thin PyO3 layer over `risk-core`.
//!
//! This crate converts and maps errors; it computes nothing. Documents arrive as dicts, JSON
//! text/bytes or paths ([`document`]); long work runs without the GIL and with panics caught
//! ([`errors::detached`]); every core error becomes a `riskrating.RiskError` subclass
//! ([`errors`]). The pure-Python half of the package (`python/riskrating/`) adds pandas frames,
//! `from_frames` and plots on top.
#![forbid(unsafe_code)]

use pyo3::prelude::*;

mod calibration;
mod compare;
mod convert;
mod decision;
mod errors;
mod feeds;
mod frame;
mod ingest;
mod json;
mod methodology;
mod portfolio;
mod prepared;
mod quant;
mod rating;
mod split;
mod system;

/// Native part of the `riskrating` package; import `riskrating`, not this module.
#[pymodule]
#[pyo3(name = "_riskrating")]
fn riskrating_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<methodology::PyMethodology>()?;
    m.add_class::<portfolio::PyPortfolio>()?;
    m.add_function(wrap_pyfunction!(portfolio::sample_portfolio, m)?)?;
    m.add_class::<rating::PyPortfolioRating>()?;
    m.add_class::<rating::PyRating>()?;
    m.add_class::<rating::PyFactorRating>()?;
    m.add_class::<rating::PyDriver>()?;
    m.add_function(wrap_pyfunction!(rating::rate, m)?)?;
    m.add_function(wrap_pyfunction!(rating::validate, m)?)?;
    m.add_function(wrap_pyfunction!(rating::default_limits, m)?)?;
    // Re-exported by the pure-Python `riskrating.quant` module.
    m.add_class::<quant::PySimulation>()?;
    m.add_function(wrap_pyfunction!(quant::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(quant::_simulation_input, m)?)?;
    m.add_function(wrap_pyfunction!(quant::_simulate_scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(quant::_simulation_from_scenarios, m)?)?;
    m.add_class::<feeds::PyKevCatalog>()?;
    m.add_class::<feeds::PyEpssScores>()?;
    m.add_function(wrap_pyfunction!(feeds::enrich, m)?)?;
    m.add_class::<decision::PyWhatIf>()?;
    m.add_class::<decision::PyPlan>()?;
    m.add_class::<decision::PyHistory>()?;
    m.add_function(wrap_pyfunction!(decision::what_if, m)?)?;
    m.add_function(wrap_pyfunction!(decision::plan, m)?)?;
    m.add_function(wrap_pyfunction!(decision::history, m)?)?;
    m.add_function(wrap_pyfunction!(decision::change, m)?)?;
    m.add_class::<prepared::PyPreparedPortfolio>()?;
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::unwritable_error, m)?)?;
    m.add_function(wrap_pyfunction!(errors::table_problem, m)?)?;
    m.add_function(wrap_pyfunction!(split::table_schema, m)?)?;
    m.add_function(wrap_pyfunction!(split::portfolio_from_tables, m)?)?;
    m.add_function(wrap_pyfunction!(split::portfolio_to_tables, m)?)?;
    m.add_function(wrap_pyfunction!(split::rate_internal, m)?)?;
    m.add_function(wrap_pyfunction!(split::rate_from_internal, m)?)?;
    m.add_function(wrap_pyfunction!(split::_rate_from_internal_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(ingest::ingest, m)?)?;
    m.add_function(wrap_pyfunction!(ingest::merge_evidence, m)?)?;
    m.add_function(wrap_pyfunction!(system::system_report, m)?)?;
    m.add_class::<compare::PyMethodologyComparison>()?;
    m.add_function(wrap_pyfunction!(compare::compare_methodologies, m)?)?;
    m.add_function(wrap_pyfunction!(compare::source_frame, m)?)?;
    m.add_function(wrap_pyfunction!(calibration::_calibrate, m)?)?;
    Ok(())
}
