//! Typed errors. Every problem names the JSON path of the offending item.
//!
//! Input documents are checked as a whole: [`InputError`] carries every problem found (up to
//! [`MAX_PROBLEMS`]), each with a machine-readable [`ErrorCode`], the path
//! (`organisations[3].findings[0].cvss`) and a message a person can act on.

use core::fmt;

use serde::{Deserialize, Serialize};

/// The most problems one [`InputError`] or [`MethodologyError`] lists; more are counted only.
pub const MAX_PROBLEMS: usize = 100;

/// Declares [`ErrorCode`] with each variant's snake_case name written once: `as_str`, the list
/// [`ErrorCode::ALL`] and serde's (de)serialisation all read the same table, so the name a
/// binding shows, the name in JSON and the name in [`error_codes`] cannot drift apart. (A
/// `#[serde(rename_all)]` next to a hand-written `as_str` match, as before, said every name
/// twice; strum would derive a second, independent snake_case conversion. A declarative macro
/// needs no dependency and keeps one source.)
macro_rules! code_table {
    ($(#[$enum_meta:meta])* pub enum $name:ident {
        $($(#[$meta:meta])* $variant:ident => $text:literal,)*
    }) => {
        $(#[$enum_meta])*
        pub enum $name {
            $($(#[$meta])* $variant,)*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The snake_case name of the code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The code with this snake_case name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

code_table! {
/// What kind of problem an input has. Stable, snake_case in JSON and in the bindings.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// Not well-formed JSON (or truncated).
    MalformedJson => "malformed_json",
    /// Not valid UTF-8.
    InvalidEncoding => "invalid_encoding",
    /// A value of the wrong JSON type.
    WrongType => "wrong_type",
    /// A field the format does not have.
    UnknownField => "unknown_field",
    /// A required field is missing.
    MissingField => "missing_field",
    /// The same key twice in one JSON object.
    DuplicateKey => "duplicate_key",
    /// A value outside an enumeration (outcome, assurance, kind, …).
    UnknownValue => "unknown_value",
    /// An empty organisation id.
    EmptyId => "empty_id",
    /// Two organisations with the same id.
    DuplicateOrganisation => "duplicate_organisation",
    /// Two findings with the same id in one organisation.
    DuplicateFinding => "duplicate_finding",
    /// A dependency on an id no organisation has.
    UnknownSupplier => "unknown_supplier",
    /// An organisation depending on itself.
    SelfDependency => "self_dependency",
    /// The same supplier twice in one organisation's dependencies.
    DuplicateDependency => "duplicate_dependency",
    /// A control id not of the form `<letter><digit>.<letter>`.
    InvalidControl => "invalid_control",
    /// A control id whose principle the methodology does not map.
    UnmappedControl => "unmapped_control",
    /// A metric the methodology does not know.
    UnknownMetric => "unknown_metric",
    /// A count that is not a whole number in [0, 2^53].
    InvalidCount => "invalid_count",
    /// `trials` below 1.
    InvalidTrials => "invalid_trials",
    /// `successes` greater than `trials`.
    SuccessesExceedTrials => "successes_exceed_trials",
    /// A probability outside [0, 1] or not finite.
    InvalidProbability => "invalid_probability",
    /// A `cvss_score` outside [0, 10] or not finite.
    InvalidCvssScore => "invalid_cvss_score",
    /// An invalid CVSS vector.
    InvalidCvss => "invalid_cvss",
    /// `resolved_on` before `first_seen`.
    ResolvedBeforeFirstSeen => "resolved_before_first_seen",
    /// An invalid calendar date.
    InvalidDate => "invalid_date",
    /// A number that is not finite or too large to represent.
    InvalidNumber => "invalid_number",
    /// A resource limit was exceeded (document size, counts, nesting).
    LimitExceeded => "limit_exceeded",
    /// A what-if action names something the organisation does not have, or is malformed.
    InvalidAction => "invalid_action",
    /// An organisation id that is not in the portfolio.
    UnknownOrganisation => "unknown_organisation",
    /// An empty group name in an organisation's `groups`.
    EmptyGroup => "empty_group",
    /// The same group twice in one organisation's `groups`.
    DuplicateGroup => "duplicate_group",
    /// An upheld or rejected dispute without `resolved_on`.
    MissingResolvedOn => "missing_resolved_on",
    /// An open dispute with `resolved_on`.
    UnexpectedResolvedOn => "unexpected_resolved_on",
    /// A dispute's `resolved_on` before its `raised_on`.
    ResolvedBeforeRaised => "resolved_before_raised",
}
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ErrorCode::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown error code `{name}`")))
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

/// A problem of a table-shaped input (a data frame, say) found before its rows become a
/// document: the binding names the table, the core the code and the words.
///
/// ```
/// use risk_core::TableProblem;
/// let p = TableProblem::MissingColumn { table: "findings", column: "organisation" };
/// assert_eq!(p.code().as_str(), "missing_field");
/// assert_eq!(p.message(), "table `findings` needs a column `organisation`");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableProblem<'a> {
    /// The table lacks a column it needs (`missing_field`).
    MissingColumn {
        /// The table.
        table: &'a str,
        /// The column it needs.
        column: &'a str,
    },
    /// A row names an organisation that no row of the organisations table has
    /// (`unknown_organisation`).
    UnknownOrganisation {
        /// The organisation id the row gives.
        id: &'a str,
    },
}

impl TableProblem<'_> {
    /// The error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            TableProblem::MissingColumn { .. } => ErrorCode::MissingField,
            TableProblem::UnknownOrganisation { .. } => ErrorCode::UnknownOrganisation,
        }
    }

    /// The problem in words.
    pub fn message(&self) -> String {
        match self {
            TableProblem::MissingColumn { table, column } => {
                format!("table `{table}` needs a column `{column}`")
            }
            TableProblem::UnknownOrganisation { id } => format!(
                "no row of table `organisations` has the id `{}`",
                crate::text::clip(id, 200)
            ),
        }
    }
}

/// Why a value given in a binding's own types (Python objects, JS values) cannot be written as
/// JSON text: the cases [`InputError::unwritable`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unwritable<'a> {
    /// A NaN or an infinity (`invalid_number`).
    NotFinite,
    /// A value of a type JSON has no form for, named as the binding's language names it
    /// (`wrong_type`).
    Type(&'a str),
    /// The document as a whole, with the serialiser's own words (`wrong_type`).
    Document(&'a str),
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

    /// A value given in a binding's own types that cannot be written as the JSON text the
    /// parser reads, at `path` (JSON path; empty for the document as a whole).
    ///
    /// ```
    /// use risk_core::{InputError, Unwritable};
    /// let e = InputError::unwritable("organisations[0].metrics[0].trials", Unwritable::NotFinite);
    /// assert_eq!(e.to_string(), "organisations[0].metrics[0].trials: not a finite number (invalid_number)");
    /// let e = InputError::unwritable("as_of", Unwritable::Type("set"));
    /// assert_eq!(e.problems()[0].code.as_str(), "wrong_type");
    /// ```
    pub fn unwritable(path: impl Into<String>, why: Unwritable<'_>) -> Self {
        match why {
            Unwritable::NotFinite => {
                Self::single(ErrorCode::InvalidNumber, path, "not a finite number")
            }
            Unwritable::Type(name) => Self::single(
                ErrorCode::WrongType,
                path,
                format!(
                    "a {} cannot be written as JSON",
                    crate::text::clip(name, 200)
                ),
            ),
            Unwritable::Document(detail) => Self::single(
                ErrorCode::WrongType,
                path,
                format!(
                    "the document cannot be written as JSON: {}",
                    crate::text::clip(detail, 200)
                ),
            ),
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

    /// The same problems with their paths under `root`, the name of the argument or field the
    /// checked text was given as: `[2]` becomes `dates[2]`, `trials` becomes `config.trials`, the
    /// whole document (`""`, or `?` where the parser could not name the place) becomes `dates`.
    ///
    /// ```
    /// let e = risk_core::parse::from_json_text::<Vec<risk_core::Date>>(r#"["2025-02-30"]"#)
    ///     .unwrap_err()
    ///     .under("dates");
    /// assert_eq!(e.path(), "dates[0]");
    /// ```
    pub fn under(mut self, root: &str) -> Self {
        for p in &mut self.problems {
            p.path = path_under(root, &p.path);
        }
        self
    }
}

/// `path` (relative to an argument) as a path under the argument's name `root`.
pub(crate) fn path_under(root: &str, path: &str) -> String {
    if root.is_empty() {
        return path.to_owned();
    }
    match path {
        "" | "?" => root.to_owned(),
        p if p.starts_with('[') => format!("{root}{p}"),
        p => format!("{root}.{p}"),
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
    /// Per-organisation results that do not fit the graph ([`crate::rating::split`]).
    #[error(transparent)]
    Split(#[from] crate::rating::split::SplitError),
    /// A telemetry export was refused as a whole ([`crate::ingest`]).
    #[error(transparent)]
    Ingest(#[from] crate::ingest::IngestError),
    /// A system-simulation request was rejected ([`crate::system`]).
    #[error(transparent)]
    System(#[from] crate::system::SystemError),
    /// A calibration input was rejected or a fit failed ([`crate::calibration`]).
    #[error(transparent)]
    Calibration(#[from] crate::calibration::CalibrationError),
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
            Error::Simulation(crate::quant::QuantError::Input(e)) => input_problems(e),
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
            Error::Input(e) | Error::Simulation(crate::quant::QuantError::Input(e)) => e.omitted(),
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
    codes.extend_from_slice(crate::quant::QuantError::CODES);
    codes.extend_from_slice(crate::rating::split::SplitError::CODES);
    codes.extend_from_slice(crate::ingest::IngestErrorKind::CODES);
    codes.extend_from_slice(crate::system::SystemError::CODES);
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
