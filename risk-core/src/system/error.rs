//! Typed errors of the system simulation. Every variant names the JSON path of the offending
//! option.

use crate::problem::InputError;

/// A system-simulation request was rejected.
///
/// It converts into [`crate::Error`] (variant `System`).
///
/// ```
/// use risk_core::system::{SystemOptions, SystemError};
/// use risk_core::{parse_portfolio, validate, Methodology};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
/// let prepared = validate(&doc, &Methodology::default()).unwrap();
/// let err = prepared.system(&SystemOptions { trials: 0, ..Default::default() }).unwrap_err();
/// assert_eq!((err.code(), err.path()), ("invalid_trials", "trials"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SystemError {
    /// The options could not be read (structure, types, unknown fields).
    #[error(transparent)]
    Input(#[from] InputError),
    /// `trials` is 0 or above [`crate::system::MAX_TRIALS`], or the work is too large.
    #[error("{path}: {message}")]
    InvalidTrials {
        /// JSON path (`trials`).
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A threshold k is 0, repeated, or there are too many.
    #[error("{path}: {message}")]
    InvalidThreshold {
        /// JSON path, e.g. `ks[2]`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An attributed supplier is not an organisation of the portfolio (or is listed twice).
    #[error("{path}: {message}")]
    UnknownSupplier {
        /// JSON path, e.g. `suppliers[0]`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A loss distribution (money) is invalid.
    #[error("{path}: {message}")]
    InvalidLoss {
        /// JSON path, e.g. `losses.peer_groups.acute.high`.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl SystemError {
    /// Every code a [`SystemError`] of its own can carry (input problems carry their
    /// [`crate::error::ErrorCode`]).
    pub const CODES: &'static [&'static str] = &[
        "invalid_trials",
        "invalid_threshold",
        "unknown_supplier",
        "invalid_loss",
    ];

    /// Machine-readable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            SystemError::Input(e) => e.code().as_str(),
            SystemError::InvalidTrials { .. } => "invalid_trials",
            SystemError::InvalidThreshold { .. } => "invalid_threshold",
            SystemError::UnknownSupplier { .. } => "unknown_supplier",
            SystemError::InvalidLoss { .. } => "invalid_loss",
        }
    }

    /// JSON path of the offending option.
    pub fn path(&self) -> &str {
        match self {
            SystemError::Input(e) => e.path(),
            SystemError::InvalidTrials { path, .. }
            | SystemError::InvalidThreshold { path, .. }
            | SystemError::UnknownSupplier { path, .. }
            | SystemError::InvalidLoss { path, .. } => path,
        }
    }
}
