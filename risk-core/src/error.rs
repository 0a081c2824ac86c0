//! Typed errors. Every problem names the JSON path of the offending item.
//!
//! Input documents are checked as a whole: [`InputError`] carries every problem found (up to
//! [`MAX_PROBLEMS`]), each with a machine-readable [`ErrorCode`], the path
//! (`organisations[3].findings[0].cvss`) and a message a person can act on.
//!
//! This is the umbrella: [`Error`] wraps the error of every part of the engine, so this module
//! imports them all, and nothing below it imports this module. The problems of an input and
//! their codes live on the ground floor (`src/problem.rs`, importing nothing but `text`) and are
//! re-exported here under their public paths.

use serde::Serialize;

pub use crate::problem::{
    ErrorCode, InputError, MAX_PROBLEMS, MethodologyError, MethodologyProblem, Problem,
    TableProblem, Unwritable,
};

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
    Simulation(#[from] crate::quant::error::QuantError),
    /// Per-organisation results that do not fit the graph ([`crate::rating::split`]).
    #[error(transparent)]
    Split(#[from] crate::rating::split::error::SplitError),
    /// A telemetry export was refused as a whole ([`crate::ingest`]).
    #[error(transparent)]
    Ingest(#[from] crate::ingest::error::IngestError),
    /// A system-simulation request was rejected ([`crate::system`]).
    #[error(transparent)]
    System(#[from] crate::system::error::SystemError),
    /// A calibration input was rejected or a fit failed ([`crate::calibration`]).
    #[error(transparent)]
    Calibration(#[from] crate::calibration::error::CalibrationError),
}

impl Error {
    /// Machine-readable code of the (first) problem; one of [`error_codes`].
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(e) => e.code().as_str(),
            Error::Methodology(_) => INVALID_METHODOLOGY,
            Error::Feed(e) => e.code(),
            Error::Simulation(e) => e.code(),
            Error::Split(e) => e.code(),
            Error::Ingest(e) => e.code(),
            Error::System(e) => e.code(),
            Error::Calibration(e) => e.category(),
        }
    }

    /// Which part of the engine rejected the request: `input`, `methodology`, `feed`,
    /// `simulation`, `split`, `ingest`, `system` or `calibration` (the `kind` of a JS
    /// `RiskRatingError`; the Python exception class is chosen from the same variants).
    ///
    /// ```
    /// let e: risk_core::Error = risk_core::parse_portfolio("{").unwrap_err().into();
    /// assert_eq!(e.kind(), "input");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "input",
            Error::Methodology(_) => "methodology",
            Error::Feed(_) => "feed",
            Error::Simulation(_) => "simulation",
            Error::Split(_) => "split",
            Error::Ingest(_) => "ingest",
            Error::System(_) => "system",
            Error::Calibration(_) => "calibration",
        }
    }

    /// Path of the (first) problem.
    pub fn path(&self) -> &str {
        match self {
            Error::Input(e) => e.path(),
            Error::Methodology(e) => e.path(),
            Error::Feed(e) => e.path(),
            Error::Simulation(e) => e.path(),
            Error::Split(e) => e.path(),
            Error::Ingest(e) => e.path(),
            Error::System(e) => e.path(),
            Error::Calibration(e) => e.path(),
        }
    }

    /// Every problem listed (at most [`MAX_PROBLEMS`]), each with its code, path, field and
    /// message: the one shape every binding shows (`.errors` in Python, `.problems` in JS).
    ///
    /// ```
    /// let e: risk_core::Error = risk_core::parse_portfolio(
    ///     r#"{"as_of": "2025-09-30", "organisations": [{"id": "X", "colour": 1}]}"#,
    /// ).unwrap_err().into();
    /// let p = &e.problems()[0];
    /// assert_eq!((p.code, p.path.as_str()), ("unknown_field", "organisations[0].colour"));
    /// assert_eq!(p.field.as_deref(), Some("colour"));
    /// assert_eq!(p.line, Some(1));
    /// assert!(!p.message.contains("at line"));
    /// ```
    pub fn problems(&self) -> Vec<ErrorProblem> {
        match self {
            Error::Input(e) => input_problems(e),
            Error::Simulation(crate::quant::error::QuantError::Input(e)) => input_problems(e),
            Error::Methodology(e) => e
                .problems()
                .iter()
                .map(|p| ErrorProblem::new(INVALID_METHODOLOGY, &p.path, &p.message))
                .collect(),
            Error::Feed(e) => vec![ErrorProblem {
                code: e.code(),
                path: e.path().to_owned(),
                field: e.field().map(str::to_owned),
                message: e.kind().to_string(),
                line: e.line(),
                column: None,
            }],
            other => vec![ErrorProblem::new(
                other.code(),
                other.path(),
                &other.to_string(),
            )],
        }
    }

    /// How many further problems were found but not listed in [`Error::problems`].
    pub fn omitted(&self) -> usize {
        match self {
            Error::Input(e) | Error::Simulation(crate::quant::error::QuantError::Input(e)) => {
                e.omitted()
            }
            _ => 0,
        }
    }

    /// The same error with its paths under `root`, the name of the argument the checked text
    /// was given as (see [`InputError::under`]). Errors about a whole document of their own
    /// (a methodology, a feed) are returned unchanged.
    pub fn under(self, root: &str) -> Self {
        match self {
            Error::Input(e) => Error::Input(e.under(root)),
            Error::Simulation(e) => Error::Simulation(e.under(root)),
            other => other,
        }
    }
}

fn input_problems(e: &InputError) -> Vec<ErrorProblem> {
    e.problems()
        .iter()
        .map(|p| ErrorProblem::new(p.code.as_str(), &p.path, &p.message))
        .collect()
}

/// The code of every methodology problem.
pub const INVALID_METHODOLOGY: &str = "invalid_methodology";

/// The code a binding reports when the engine panicked (a bug): the only code no core error
/// carries.
pub const INTERNAL_ERROR: &str = "internal_error";

/// Every error code the engine (and a binding, for [`INTERNAL_ERROR`]) can report, sorted and
/// without repeats: the input codes ([`ErrorCode::ALL`]), [`INVALID_METHODOLOGY`], the feed
/// codes ([`crate::feeds::FeedErrorKind::CODES`]), the simulation codes
/// ([`crate::quant::QuantError::CODES`]), the split codes ([`crate::rating::split::SplitError::CODES`]),
/// the ingest codes ([`crate::ingest::IngestErrorKind::CODES`]), the system-simulation codes
/// ([`crate::system::SystemError::CODES`]), the calibration categories
/// ([`crate::calibration::error::CATEGORIES`]) and [`INTERNAL_ERROR`]. The bindings' tests check
/// their lists (the TypeScript `ErrorCode` union, the Python `ERROR_CODES`) against it.
///
/// ```
/// let codes = risk_core::error::error_codes();
/// assert!(codes.contains(&"unknown_field") && codes.contains(&"invalid_parameter"));
/// assert!(codes.windows(2).all(|w| w[0] < w[1]));
/// ```
pub fn error_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    codes.push(INVALID_METHODOLOGY);
    codes.extend_from_slice(crate::feeds::FeedErrorKind::CODES);
    codes.extend_from_slice(crate::quant::error::QuantError::CODES);
    codes.extend_from_slice(crate::rating::split::error::SplitError::CODES);
    codes.extend_from_slice(crate::ingest::error::IngestErrorKind::CODES);
    codes.extend_from_slice(crate::system::error::SystemError::CODES);
    codes.extend_from_slice(crate::calibration::error::CATEGORIES);
    codes.push(INTERNAL_ERROR);
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// One problem of any [`Error`], in the shape every binding shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorProblem {
    /// Machine-readable code, one of [`error_codes`].
    pub code: &'static str,
    /// Path of the offending item (`organisations[3].findings[0].cvss`; `line 4, field epss`
    /// in an EPSS file), empty for the whole document.
    pub path: String,
    /// The last field name of the path (`cvss`), or the feed column; `None` when the path ends
    /// in a position or is empty.
    pub field: Option<String>,
    /// What is wrong, in words (without the parser's `at line L column C`, which is in
    /// `line`/`column`).
    pub message: String,
    /// 1-based line in the text, when the parser or feed knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in the text, when the parser knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl ErrorProblem {
    fn new(code: &'static str, path: &str, message: &str) -> Self {
        let (message, line, column) = split_location(message);
        ErrorProblem {
            code,
            path: path.to_owned(),
            field: field_of(path),
            message: message.to_owned(),
            line,
            column,
        }
    }
}

/// The last key of a path: `organisations[0].findings[2].cvss` → `cvss`,
/// `organisations[0]` → none.
fn field_of(path: &str) -> Option<String> {
    let last = path.rsplit('.').next().unwrap_or("");
    (!last.is_empty() && !last.contains('[') && !last.contains(' ')).then(|| last.to_owned())
}

/// A parser message (serde_json, TOML) without its trailing ` at line L column C`, and L and C.
fn split_location(message: &str) -> (&str, Option<usize>, Option<usize>) {
    let parsed = message.rsplit_once(" at line ").and_then(|(head, tail)| {
        let (line, column) = tail.split_once(" column ")?;
        Some((head, line.parse().ok()?, column.parse().ok()?))
    });
    match parsed {
        Some((head, line, column)) => (head, Some(line), Some(column)),
        None => (message, None, None),
    }
}
