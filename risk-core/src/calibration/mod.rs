//! Calibration and backtesting (`calibration-v1`): fit the methodology's numbers to recorded
//! incidents, and report how well its probabilities predict.
//!
//! Inputs are three documents: the portfolio (with dated evidence), an incident document
//! ([`parse_incidents`]) and a configuration ([`parse_config`]). [`Observations::build`] rates
//! the portfolio once per snapshot (the engine's own beliefs and fixed point) and pairs each
//! (organisation, snapshot) with its outcomes over the next 365 days. [`calibrate`] fits at the
//! configured level — `intercept`, `recalibrate`, `refit` or `auto` (the closed test) — and
//! returns a [`CalibrationReport`] with the fitted [`Methodology`] (id `<base>-fitted`, carrying
//! its provenance block); [`evaluate`] reports on a methodology without fitting.
//!
//! The refit never re-rates the world per optimiser step: the factor means μ_k(o, t) are fixed
//! under the prior anchor, so they are computed once per snapshot and the optimiser works on the
//! n × 14 matrix x_k = 1 − μ_k; the coupling fit runs one fixed point per snapshot from cached
//! internal probabilities.
//!
//! ```
//! use risk_core::calibration::{calibrate_bytes, evaluate_bytes};
//! use risk_core::Methodology;
//! let portfolio = br#"{"as_of": "2025-01-01", "organisations": [{"id": "A"}, {"id": "B",
//!   "attestation": {"dspt_status": "standards_exceeded"}}]}"#;
//! let incidents = br#"{"incidents": [{"id": "I1", "organisation": "A",
//!   "occurred_on": "2024-05-01", "origin": "internal"}]}"#;
//! let config = br#"{"snapshots": ["2024-01-01"], "observed_until": "2025-01-01"}"#;
//! let report = evaluate_bytes(portfolio, incidents, config, &Methodology::default()).unwrap();
//! assert_eq!(report.design.observations, 2);
//! assert_eq!(report.validation.original.overall.events, 1);
//! assert!(report.validation.original.label.starts_with("expert judgement"));
//! ```

pub mod error;
mod fit;
mod input;
mod json;
mod metrics;
mod observe;
mod report;
mod stats;
#[cfg(feature = "sample")]
mod world;

use sha2::{Digest, Sha256};

pub use error::{CalibrationError, Document};
pub use fit::{CouplingFit, Param};
pub use input::{
    CalibrationConfig, Incident, Incidents, Level, Origin, Snapshots, Warning, add_months,
    config_from_json, incidents_from_json, parse_config, parse_incidents,
};
pub use metrics::{Auc, BandRow, Bin, Brier, Metrics, Murphy, ObservedExpected, Slope};
pub use observe::{HORIZON_DAYS, Observations, Row};
pub use report::{
    Backtest, CalibrationReport, ClosedTest, ClosedTestStep, Components, Design, EffectiveEvents,
    FitReport, InterceptLevel, Levels, Logliks, MethodologySummary, Optimiser, RecalibrateLevel,
    RefitLevel, Train, Validation, ValidationBlock, WeightParam, WeightValue,
};
pub use stats::Z;
#[cfg(feature = "sample")]
pub use world::{Truth, World, WorldConfig, simulate_world, true_methodology};

use crate::Methodology;
use crate::input::document::Portfolio;

/// `data_digest` of section 2.5 from the three documents' bytes exactly as read.
///
/// ```
/// let d = risk_core::calibration::data_digest(b"{}", b"{}", b"{}");
/// assert!(d.starts_with("sha256:") && d.len() == 7 + 64);
/// ```
pub fn data_digest(portfolio: &[u8], incidents: &[u8], config: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"riskrating-calibration-v1\n");
    for doc in [portfolio, incidents, config] {
        h.update(doc.len().to_string().as_bytes());
        h.update(b"\n");
        h.update(doc);
    }
    let out = h.finalize();
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in out.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn read_all(
    portfolio: &[u8],
    incidents: &[u8],
    config: &[u8],
) -> Result<(Portfolio, Incidents, CalibrationConfig), crate::Error> {
    let doc = crate::parse_portfolio_bytes(portfolio)?;
    let inc = parse_incidents(incidents)?;
    let cfg = parse_config(config, &doc)?;
    Ok((doc, inc, cfg))
}

/// Fit and report from the three documents' bytes (the file route of section 6).
///
/// # Errors
/// [`crate::Error::Input`] for the portfolio, [`crate::Error::Calibration`] for the incident
/// and configuration documents and the fit.
pub fn calibrate_bytes(
    portfolio: &[u8],
    incidents: &[u8],
    config: &[u8],
    methodology: &Methodology,
) -> Result<CalibrationReport, crate::Error> {
    let (doc, inc, cfg) = read_all(portfolio, incidents, config)?;
    let digest = data_digest(portfolio, incidents, config);
    let obs = Observations::build(&doc, &inc, &cfg, methodology)?;
    report::run_fit(&obs, &digest)
}

/// Section 4 for `methodology` alone (no fit), from the documents' bytes.
///
/// # Errors
/// As [`calibrate_bytes`] (the fit errors apart from `no_observations` and
/// `prediction_out_of_range` cannot occur).
pub fn evaluate_bytes(
    portfolio: &[u8],
    incidents: &[u8],
    config: &[u8],
    methodology: &Methodology,
) -> Result<CalibrationReport, crate::Error> {
    let (doc, inc, cfg) = read_all(portfolio, incidents, config)?;
    let digest = data_digest(portfolio, incidents, config);
    let obs = Observations::build(&doc, &inc, &cfg, methodology)?;
    Ok(report::run_evaluate(&obs, &digest))
}

fn digest_of_values(
    portfolio: &Portfolio,
    incidents: &Incidents,
    config: &CalibrationConfig,
) -> String {
    let a = serde_json::to_vec(portfolio).unwrap_or_default();
    let b = serde_json::to_vec(incidents).unwrap_or_default();
    let c = serde_json::to_vec(config).unwrap_or_default();
    data_digest(&a, &b, &c)
}

/// Fit and report from parsed documents (the digest is of their serde serialisation).
///
/// # Errors
/// As [`calibrate_bytes`].
pub fn calibrate(
    portfolio: &Portfolio,
    incidents: &Incidents,
    config: &CalibrationConfig,
    methodology: &Methodology,
) -> Result<CalibrationReport, crate::Error> {
    let obs = Observations::build(portfolio, incidents, config, methodology)?;
    report::run_fit(&obs, &digest_of_values(portfolio, incidents, config))
}

/// Section 4 for `methodology` alone, from parsed documents.
///
/// # Errors
/// As [`evaluate_bytes`].
pub fn evaluate(
    portfolio: &Portfolio,
    incidents: &Incidents,
    config: &CalibrationConfig,
    methodology: &Methodology,
) -> Result<CalibrationReport, crate::Error> {
    let obs = Observations::build(portfolio, incidents, config, methodology)?;
    Ok(report::run_evaluate(
        &obs,
        &digest_of_values(portfolio, incidents, config),
    ))
}
