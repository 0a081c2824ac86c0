//! # risk-core: explainable cyber-risk ratings with uncertainty
//!
//! The pure engine of **riskrating**: no I/O, no FFI, no unsafe code. It rates health and care
//! organisations and their suppliers from control evidence (CAF/DSPT outcome assessments),
//! telemetry (coverage metrics and findings with CVSS/EPSS/KEV) and a supplier dependency graph,
//! following the methodology in `docs/methodology.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod calibration;
pub mod decision;
pub mod error;
pub mod feeds;
pub mod ingest;
pub mod input;
pub mod methodology;
mod numeric;
mod problem;
pub mod quant;
pub mod rating;
#[cfg(feature = "sample")]
pub mod sample;
pub mod system;
mod text;

pub use decision::{history, whatif};
pub use error::{
    Error, ErrorCode, InputError, MethodologyError, MethodologyProblem, Problem, TableProblem,
    Unwritable,
};
pub use input::date::Date;
pub use input::document::*;
pub use input::parse::{
    parse_portfolio, parse_portfolio_bytes, parse_portfolio_bytes_with_limits,
    parse_portfolio_with_limits,
};
pub use input::{cvss, date, document, limits, parse};
pub use methodology::Methodology;
pub use methodology::load::MethodologyFormat;
pub use rating::output::{
    Basis, Driver, DriverKind, FactorRating, PeerGroupStats, PortfolioRating, Rating,
    SupplierExposure,
};
pub use rating::{
    output,
    validate::{Prepared, validate, validate_with_limits},
};

/// Check and rate a portfolio (sections 1–7 of the methodology).
///
/// ```
/// use risk_core::{parse_portfolio, rate, Methodology};
/// let doc = parse_portfolio(r#"{
///   "as_of": "2025-09-30",
///   "organisations": [
///     {"id": "RBS", "peer_group": "acute",
///      "assessments": [{"control": "B4.d", "outcome": "partially_achieved",
///                       "assurance": "independent_audit", "assessed_on": "2025-06-30"}],
///      "dependencies": [{"supplier": "SUP", "criticality": "critical", "access": "network"}]},
///     {"id": "SUP", "peer_group": "supplier",
///      "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": true}}
///   ]}"#).unwrap();
/// let rating = rate(&doc, &Methodology::default()).unwrap();
/// let rbs = rating.get("RBS").unwrap();
/// assert!(rbs.interval[0] <= rbs.score && rbs.score <= rbs.interval[1]);
/// assert_eq!(rbs.basis, risk_core::Basis::Evidence);
/// // The supplier, with no evidence, is rated exactly at its attestation: 0.06 × 0.7.
/// assert!((rating.get("SUP").unwrap().probability - 0.042).abs() < 1e-12);
/// ```
///
/// # Errors
/// [`Error::Input`] listing every problem of the document.
pub fn rate(portfolio: &Portfolio, methodology: &Methodology) -> Result<PortfolioRating, Error> {
    Ok(validate(portfolio, methodology)?.rate())
}

/// Parse, check and rate a portfolio given as JSON text.
///
/// # Errors
/// [`Error::Input`] for a malformed document or any problem in it.
pub fn rate_json(text: &str, methodology: &Methodology) -> Result<PortfolioRating, Error> {
    let doc = parse_portfolio(text)?;
    rate(&doc, methodology)
}

/// [`rate`] with explicit resource [`Limits`] (checked before the document's rules).
///
/// # Errors
/// [`Error::Input`]: `limit_exceeded` at the path of each limit exceeded, else as [`rate`].
pub fn rate_with_limits(
    portfolio: &Portfolio,
    methodology: &Methodology,
    limits: &Limits,
) -> Result<PortfolioRating, Error> {
    Ok(validate_with_limits(portfolio, methodology, limits)?.rate())
}
pub use decision::compare::{MethodologyComparison, compare_methodologies};
pub use decision::history::{
    Change, EvidenceChange, FactorChange, History, HistoryPoint, Series, history,
};
pub use decision::whatif::{
    Action, Plan, PlanStep, ScoreChange, WhatIf, parse_actions, plan, what_if,
};
pub use input::dispute::{Dispute, DisputeReason, DisputeStatus};
pub use input::limits::Limits;
pub use rating::split::{InternalFactor, InternalItem, InternalRating, SplitError};

/// The per-organisation half of [`rate`] ([`rating::split`]): one [`InternalRating`] per
/// organisation, in input order. Dependency edges are ignored, so a process holding only some
/// organisations (whose suppliers are elsewhere) can rate them.
///
/// # Errors
/// [`Error::Input`] listing every problem of the organisations' evidence.
pub fn rate_internal(
    portfolio: &Portfolio,
    methodology: &Methodology,
) -> Result<Vec<InternalRating>, Error> {
    let evidence = rating::split::without_dependencies(portfolio);
    Ok(validate(&evidence, methodology)?.rate_internal())
}

/// The graph half of [`rate`] ([`rating::split`]): `graph` supplies the organisations, peer
/// groups and dependencies (its evidence is ignored), `internal` one result per organisation.
/// `rate_from_internal(p, m, &rate_internal(p, m)?)` equals `rate(p, m)` bit for bit.
///
/// # Errors
/// [`Error::Input`] for a bad graph, [`Error::Split`] for results that do not fit it.
pub fn rate_from_internal(
    graph: &Portfolio,
    methodology: &Methodology,
    internal: &[InternalRating],
) -> Result<PortfolioRating, Error> {
    let graph = rating::split::graph_only(graph);
    Ok(validate(&graph, methodology)?.rate_from_internal(internal)?)
}
pub use rating::disputes::DisputeSummary;
pub use rating::groups::GroupSummary;
pub use rating::provenance::Provenance;

/// The README's Rust examples, run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
