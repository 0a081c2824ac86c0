//! The ground floor of the errors: the problems of an input document or a methodology, their
//! codes and paths. Every module uses these; this module uses nothing of the crate but
//! `text` (so no import loop runs through it: `tests/module_layers.rs`). The umbrella
//! [`crate::error::Error`], which wraps every module's error, is in `error.rs`, which
//! re-exports all of this (`risk_core::error::InputError`, `risk_core::InputError`).
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
/// binding shows, the name in JSON and the name in [`error_codes`](crate::error::error_codes) cannot drift apart. (A
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
