//! Typed errors. Every problem names the JSON path of the offending item.
//!
//! Input documents are checked as a whole: [`InputError`] carries every problem found (up to
//! [`MAX_PROBLEMS`]), each with a machine-readable [`ErrorCode`], the path
//! (`organisations[3].findings[0].cvss`) and a message a person can act on.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The most problems one [`InputError`] or [`MethodologyError`] lists; more are counted only.
pub const MAX_PROBLEMS: usize = 100;

/// What kind of problem an input has. Stable, snake_case in JSON and in the bindings.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not well-formed JSON (or truncated).
    MalformedJson,
    /// Not valid UTF-8.
    InvalidEncoding,
    /// A value of the wrong JSON type.
    WrongType,
    /// A field the format does not have.
    UnknownField,
    /// A required field is missing.
    MissingField,
    /// The same key twice in one JSON object.
    DuplicateKey,
    /// A value outside an enumeration (outcome, assurance, kind, …).
    UnknownValue,
    /// An empty organisation id.
    EmptyId,
    /// Two organisations with the same id.
    DuplicateOrganisation,
    /// Two findings with the same id in one organisation.
    DuplicateFinding,
    /// A dependency on an id no organisation has.
    UnknownSupplier,
    /// An organisation depending on itself.
    SelfDependency,
    /// The same supplier twice in one organisation's dependencies.
    DuplicateDependency,
    /// A control id not of the form `<letter><digit>.<letter>`.
    InvalidControl,
    /// A control id whose principle the methodology does not map.
    UnmappedControl,
    /// A metric the methodology does not know.
    UnknownMetric,
    /// A count that is not a whole number in [0, 2^53].
    InvalidCount,
    /// `trials` below 1.
    InvalidTrials,
    /// `successes` greater than `trials`.
    SuccessesExceedTrials,
    /// A probability outside [0, 1] or not finite.
    InvalidProbability,
    /// A `cvss_score` outside [0, 10] or not finite.
    InvalidCvssScore,
    /// An invalid CVSS vector.
    InvalidCvss,
    /// `resolved_on` before `first_seen`.
    ResolvedBeforeFirstSeen,
    /// An invalid calendar date.
    InvalidDate,
    /// A number that is not finite or too large to represent.
    InvalidNumber,
    /// A resource limit was exceeded (document size, counts, nesting).
    LimitExceeded,
    /// A what-if action names something the organisation does not have, or is malformed.
    InvalidAction,
    /// An organisation id that is not in the portfolio.
    UnknownOrganisation,
}

impl ErrorCode {
    /// The snake_case name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidEncoding => "invalid_encoding",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::UnknownValue => "unknown_value",
            ErrorCode::EmptyId => "empty_id",
            ErrorCode::DuplicateOrganisation => "duplicate_organisation",
            ErrorCode::DuplicateFinding => "duplicate_finding",
            ErrorCode::UnknownSupplier => "unknown_supplier",
            ErrorCode::SelfDependency => "self_dependency",
            ErrorCode::DuplicateDependency => "duplicate_dependency",
            ErrorCode::InvalidControl => "invalid_control",
            ErrorCode::UnmappedControl => "unmapped_control",
            ErrorCode::UnknownMetric => "unknown_metric",
            ErrorCode::InvalidCount => "invalid_count",
            ErrorCode::InvalidTrials => "invalid_trials",
            ErrorCode::SuccessesExceedTrials => "successes_exceed_trials",
            ErrorCode::InvalidProbability => "invalid_probability",
            ErrorCode::InvalidCvssScore => "invalid_cvss_score",
            ErrorCode::InvalidCvss => "invalid_cvss",
            ErrorCode::ResolvedBeforeFirstSeen => "resolved_before_first_seen",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::InvalidNumber => "invalid_number",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::InvalidAction => "invalid_action",
            ErrorCode::UnknownOrganisation => "unknown_organisation",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in an input document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What kind of problem.
    pub code: ErrorCode,
    /// JSON path of the offending item, e.g. `organisations[3].findings[0].cvss` (empty for the
    /// whole document).
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} ({})", self.message, self.code)
        } else {
            write!(f, "{}: {} ({})", self.path, self.message, self.code)
        }
    }
}

/// A document was rejected. Holds every problem found, in document order (at most
/// [`MAX_PROBLEMS`]; `omitted` counts the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    problems: Vec<Problem>,
    omitted: usize,
}

impl InputError {
    /// An error with a single problem.
    pub fn single(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            problems: vec![Problem {
                code,
                path: path.into(),
                message: message.into(),
            }],
            omitted: 0,
        }
    }

    /// An error from a non-empty list of problems (truncated to [`MAX_PROBLEMS`]).
    pub fn from_problems(mut problems: Vec<Problem>) -> Self {
        debug_assert!(!problems.is_empty());
        let omitted = problems.len().saturating_sub(MAX_PROBLEMS);
        problems.truncate(MAX_PROBLEMS);
        InputError { problems, omitted }
    }

    /// The problems, in document order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// How many further problems were found but not listed.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// The first problem.
    pub fn first(&self) -> &Problem {
        &self.problems[0]
    }

    /// The first problem's code.
    pub fn code(&self) -> ErrorCode {
        self.first().code
    }

    /// The first problem's path.
    pub fn path(&self) -> &str {
        &self.first().path
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problems[0])?;
        let more = self.problems.len() - 1 + self.omitted;
        if more > 0 {
            write!(
                f,
                " (and {more} more problem{})",
                if more == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Collects problems while checking a document.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    count: usize,
}

impl Problems {
    pub fn push(
        &mut self,
        code: ErrorCode,
        path: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) {
        self.count += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                code,
                path: path(),
                message: message(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn into_result(self) -> Result<(), InputError> {
        if self.count == 0 {
            Ok(())
        } else {
            Err(InputError {
                problems: self.list,
                omitted: self.count.saturating_sub(MAX_PROBLEMS),
            })
        }
    }
}

/// One problem in a methodology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodologyProblem {
    /// Path of the offending field, e.g. `factors[2].weight`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// A methodology was rejected; lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodologyError {
    problems: Vec<MethodologyProblem>,
}

impl MethodologyError {
    pub(crate) fn new(mut problems: Vec<MethodologyProblem>) -> Self {
        if problems.is_empty() {
            problems.push(MethodologyProblem {
                path: String::new(),
                message: "invalid methodology".into(),
            });
        }
        problems.truncate(MAX_PROBLEMS);
        MethodologyError { problems }
    }

    /// The problems found.
    pub fn problems(&self) -> &[MethodologyProblem] {
        &self.problems
    }

    /// The first problem's path.
    pub fn path(&self) -> &str {
        &self.problems[0].path
    }
}

impl fmt::Display for MethodologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.problems[0];
        if p.path.is_empty() {
            write!(f, "invalid methodology: {}", p.message)?;
        } else {
            write!(f, "invalid methodology: {}: {}", p.path, p.message)?;
        }
        if self.problems.len() > 1 {
            write!(f, " (and {} more)", self.problems.len() - 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for MethodologyError {}

/// Any error the engine reports.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The input document was rejected.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The methodology was rejected.
    #[error(transparent)]
    Methodology(#[from] MethodologyError),
    /// A threat feed (KEV catalogue, EPSS scores) was rejected.
    #[error(transparent)]
    Feed(#[from] crate::feeds::FeedError),
    /// A loss-simulation input was rejected ([`crate::quant`]).
    #[error(transparent)]
    Simulation(#[from] crate::quant::QuantError),
    /// A calibration input was rejected or a fit failed ([`crate::calibration`]).
    #[error(transparent)]
    Calibration(#[from] crate::calibration::CalibrationError),
}

impl Error {
    /// Machine-readable code of the (first) problem.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(e) => e.code().as_str(),
            Error::Methodology(_) => "invalid_methodology",
            Error::Feed(_) => "invalid_feed",
            Error::Simulation(e) => e.code(),
            Error::Calibration(e) => e.category(),
        }
    }

    /// Path of the (first) problem.
    pub fn path(&self) -> &str {
        match self {
            Error::Input(e) => e.path(),
            Error::Methodology(e) => e.path(),
            Error::Feed(e) => e.path(),
            Error::Simulation(e) => e.path(),
            Error::Calibration(e) => e.path(),
        }
    }
}

/// A string as quoted in an error message: at most `max_chars` characters, with `…` when cut, so
/// that a hostile megabyte-long id is not echoed back whole.
pub(crate) fn clip(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
