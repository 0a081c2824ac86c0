//! Typed errors of loss quantification. Every variant names the JSON path of the offending item.

use crate::problem::InputError;

/// A simulation input was rejected.
///
/// Structural problems found while reading JSON (malformed text, a wrong type, an unknown field)
/// arrive as [`QuantError::Input`]; the semantic checks of [`crate::quant::validate`] report the
/// other variants, each with the JSON path of the offending value, e.g.
/// `scenarios[2].primary_loss.max`. It converts into [`crate::Error`] (variant `Simulation`).
///
/// ```
/// let err: risk_core::Error = risk_core::quant::simulate_json(r#"{"trials": 0, "scenarios": []}"#)
///     .unwrap_err()
///     .into();
/// assert_eq!((err.code(), err.path()), ("invalid_trials", "trials"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantError {
    /// The JSON could not be read into a simulation input (structure, types, unknown fields).
    #[error(transparent)]
    Input(#[from] InputError),
    /// A distribution parameter is out of range or inconsistent with the others.
    #[error("{path}: {message}")]
    InvalidParameter {
        /// JSON path of the parameter, e.g. `scenarios[0].primary_loss.mode`.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A probability (rating figures, secondary-loss probability, quantile level) is out of range.
    #[error("{path}: {message}")]
    InvalidProbability {
        /// JSON path of the value.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// `trials` is 0 or above [`crate::quant::MAX_TRIALS`], or the work is too large.
    #[error("{path}: {message}")]
    InvalidTrials {
        /// JSON path (`trials`).
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A scenario is malformed as a whole (no scenarios, a duplicate or empty name).
    #[error("{path}: {message}")]
    InvalidScenario {
        /// JSON path of the scenario or field.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A `from_rating` frequency names an organisation for which no rating figures were given.
    #[error(
        "{path}: no rating figures for organisation `{id}` (give them in `ratings` or rate the portfolio first)"
    )]
    UnknownOrganisation {
        /// JSON path of the `from_rating` value.
        path: String,
        /// The organisation id.
        id: String,
    },
    /// A report option is out of range (too many LEC points, a non-finite threshold).
    #[error("{path}: {message}")]
    InvalidOption {
        /// JSON path of the option, e.g. `report.lec_points`.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl QuantError {
    /// Machine-readable snake_case code of the error (the first problem's code for `Input`).
    ///
    /// ```
    /// use risk_core::quant::parse_simulation_input;
    /// let err = parse_simulation_input(r#"{"scenarios": [{"name": "a", "frequency": {"lef": 1},
    ///     "primary_loss": {"type": "pert", "min": 5, "mode": 1, "max": 9}}]}"#).unwrap_err();
    /// assert_eq!(err.code(), "invalid_parameter");
    /// assert_eq!(err.path(), "scenarios[0].primary_loss.mode");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            QuantError::Input(e) => e.code().as_str(),
            QuantError::InvalidParameter { .. } => "invalid_parameter",
            QuantError::InvalidProbability { .. } => "invalid_probability",
            QuantError::InvalidTrials { .. } => "invalid_trials",
            QuantError::InvalidScenario { .. } => "invalid_scenario",
            QuantError::UnknownOrganisation { .. } => "unknown_organisation",
            QuantError::InvalidOption { .. } => "invalid_option",
        }
    }

    /// JSON path of the offending value (empty for the whole document).
    pub fn path(&self) -> &str {
        match self {
            QuantError::Input(e) => e.path(),
            QuantError::InvalidParameter { path, .. }
            | QuantError::InvalidProbability { path, .. }
            | QuantError::InvalidTrials { path, .. }
            | QuantError::InvalidScenario { path, .. }
            | QuantError::UnknownOrganisation { path, .. }
            | QuantError::InvalidOption { path, .. } => path,
        }
    }

    /// The code of every variant but `Input` (whose codes are [`crate::error::ErrorCode`]'s).
    pub const CODES: &'static [&'static str] = &[
        "invalid_parameter",
        "invalid_probability",
        "invalid_trials",
        "invalid_scenario",
        "unknown_organisation",
        "invalid_option",
    ];

    /// The same error with its path under `root` (see [`InputError::under`]).
    pub fn under(self, root: &str) -> Self {
        use crate::problem::path_under;
        match self {
            QuantError::Input(e) => QuantError::Input(e.under(root)),
            QuantError::InvalidParameter { path, message } => QuantError::InvalidParameter {
                path: path_under(root, &path),
                message,
            },
            QuantError::InvalidProbability { path, message } => QuantError::InvalidProbability {
                path: path_under(root, &path),
                message,
            },
            QuantError::InvalidTrials { path, message } => QuantError::InvalidTrials {
                path: path_under(root, &path),
                message,
            },
            QuantError::InvalidScenario { path, message } => QuantError::InvalidScenario {
                path: path_under(root, &path),
                message,
            },
            QuantError::UnknownOrganisation { path, id } => QuantError::UnknownOrganisation {
                path: path_under(root, &path),
                id,
            },
            QuantError::InvalidOption { path, message } => QuantError::InvalidOption {
                path: path_under(root, &path),
                message,
            },
        }
    }

    pub(crate) fn parameter(path: impl Into<String>, message: impl Into<String>) -> Self {
        QuantError::InvalidParameter {
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn probability(path: impl Into<String>, message: impl Into<String>) -> Self {
        QuantError::InvalidProbability {
            path: path.into(),
            message: message.into(),
        }
    }
}
