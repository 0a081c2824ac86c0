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

impl CalibrationError {
    pub(crate) fn new(
        category: &'static str,
        document: Document,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
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
