//! Typed errors of calibration (calibration-v1 sections 1.1, 2.2, 3.8).

use core::fmt;

/// Which document an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// The incident document (section 1).
    Incidents,
    /// The configuration document (section 2.1).
    Config,
    /// The fit itself (section 3.8): no path.
    Fit,
}

impl Document {
    /// `incidents`, `config` or `fit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Document::Incidents => "incidents",
            Document::Config => "config",
            Document::Fit => "fit",
        }
    }
}

/// A calibration input was rejected, or a fit could not be made.
///
/// `category` is the spec's snake_case name (`unknown_organisation`, `degenerate_outcomes`, …),
/// `path` the JSON path inside [`CalibrationError::document`] (empty for the whole document and
/// for fit errors).
///
/// ```
/// use risk_core::calibration::parse_incidents;
/// let err = parse_incidents(br#"{"incidents": [{"id": "", "organisation": "A",
///   "occurred_on": "2024-03-01", "origin": "internal"}]}"#).unwrap_err();
/// assert_eq!((err.category(), err.path()), ("empty_id", "incidents[0].id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CalibrationError {
    category: &'static str,
    document: Document,
    path: String,
    message: String,
}

impl fmt::Display for CalibrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(
                f,
                "{} ({}: {})",
                self.message,
                self.document.as_str(),
                self.category
            )
        } else {
            write!(
                f,
                "{}: {} ({}: {})",
                self.path,
                self.message,
                self.document.as_str(),
                self.category
            )
        }
    }
}

/// Every category a [`CalibrationError`] can carry (calibration-v1 sections 1.1, 2.2 and 3.8).
pub const CATEGORIES: &[&str] = &[
    "malformed_json",
    "invalid_type",
    "unknown_field",
    "missing_field",
    "unknown_value",
    "empty_id",
    "duplicate_id",
    "invalid_date",
    "unknown_organisation",
    "unknown_supplier",
    "unexpected_supplier",
    "self_supplier",
    "invalid_snapshots",
    "duplicate_snapshot",
    "snapshot_after_as_of",
    "invalid_parameter",
    "unknown_peer_group",
    "no_observations",
    "degenerate_outcomes",
    "constant_predictions",
    "slope_not_positive",
    "no_convergence",
    "empty_split",
    "base_has_recalibration",
    "prediction_out_of_range",
];

impl CalibrationError {
    pub(crate) fn new(
        category: &'static str,
        document: Document,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        debug_assert!(
            CATEGORIES.contains(&category),
            "calibration category `{category}` missing from CATEGORIES"
        );
        CalibrationError {
            category,
            document,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn fit(category: &'static str, message: impl Into<String>) -> Self {
        Self::new(category, Document::Fit, "", message)
    }

    /// The spec's category (`malformed_json`, `unknown_supplier`, `no_convergence`, …).
    pub fn category(&self) -> &'static str {
        self.category
    }

    /// Alias of [`CalibrationError::category`], as other errors call it.
    pub fn code(&self) -> &'static str {
        self.category
    }

    /// The document the error is about.
    pub fn document(&self) -> Document {
        self.document
    }

    /// JSON path of the offending value inside the document (empty for fit errors).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}
