//! The error of the graph half ([`SplitError`]), in its own file so that the umbrella
//! [`crate::Error`] can name it without importing the rest of `split`.

/// The graph half was given per-organisation results that do not fit its graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message} ({code})")]
pub struct SplitError {
    code: &'static str,
    path: String,
    message: String,
}

impl SplitError {
    /// Every code a [`SplitError`] can carry.
    pub const CODES: &'static [&'static str] = &[
        "unknown_organisation",
        "missing_organisation",
        "duplicate_organisation",
        "internal_mismatch",
    ];

    pub(crate) fn new(code: &'static str, path: String, message: String) -> Self {
        SplitError {
            code,
            path,
            message,
        }
    }

    /// Machine-readable code: `unknown_organisation` (a result for an organisation not in the
    /// graph), `missing_organisation` (an organisation of the graph without a result),
    /// `duplicate_organisation`, or `internal_mismatch` (rated at another date, with another
    /// methodology, or with other factors).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Path of the offending result, e.g. `internal[3].as_of`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}
