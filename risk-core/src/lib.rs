//! # risk-core: explainable cyber-risk ratings with uncertainty
//!
//! The pure engine of **riskrating**: no I/O, no FFI, no unsafe code. It rates health and care
//! organisations and their suppliers from control evidence (CAF/DSPT outcome assessments),
//! telemetry (coverage metrics and findings with CVSS/EPSS/KEV) and a supplier dependency graph,
//! following the methodology in `docs/methodology.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod date;
pub mod document;
pub mod error;
pub mod methodology;
mod methodology_check;
pub mod parse;
pub mod quant;

pub use date::Date;
pub use document::*;
pub use error::{Error, ErrorCode, InputError, MethodologyError, MethodologyProblem, Problem};
pub use methodology::Methodology;
pub use parse::{parse_portfolio, parse_portfolio_bytes};
