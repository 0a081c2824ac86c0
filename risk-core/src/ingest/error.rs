//! The typed error of an ingest that could not go on (the whole input is refused), as opposed to
//! a problem with one record, which is listed in the [`super::IngestReport`] and skipped.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Why an input was refused as a whole. Stable, snake_case in JSON and in the bindings.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestErrorKind {
    /// Not well-formed JSON between records (a truncated array, garbage after `]`, …).
    MalformedJson,
    /// Not well-formed XML (or truncated).
    MalformedXml,
    /// Not valid UTF-8.
    InvalidEncoding,
    /// A size or nesting limit of [`super::IngestLimits`] was exceeded.
    LimitExceeded,
    /// The XML has a document type declaration (DTD). Entities are never expanded: an export
    /// with a DTD is refused (the billion-laughs and external-entity attacks need one).
    XmlDtdRefused,
    /// An entity reference other than the five predefined XML entities and character references.
    XmlUndefinedEntity,
    /// The XML is not a Nessus v2 export (root element not `NessusClientData_v2`).
    NotNessus,
    /// The ingest options (attribution mapping, limits) were rejected.
    InvalidOptions,
    /// Reading the input failed (the caller's reader returned an I/O error).
    Read,
}

impl IngestErrorKind {
    /// Every code an [`IngestError`] can carry.
    pub const CODES: &'static [&'static str] = &[
        "malformed_json",
        "malformed_xml",
        "invalid_encoding",
        "limit_exceeded",
        "xml_dtd_refused",
        "xml_undefined_entity",
        "not_nessus",
        "invalid_options",
        "read_error",
    ];

    /// The snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            IngestErrorKind::MalformedJson => "malformed_json",
            IngestErrorKind::MalformedXml => "malformed_xml",
            IngestErrorKind::InvalidEncoding => "invalid_encoding",
            IngestErrorKind::LimitExceeded => "limit_exceeded",
            IngestErrorKind::XmlDtdRefused => "xml_dtd_refused",
            IngestErrorKind::XmlUndefinedEntity => "xml_undefined_entity",
            IngestErrorKind::NotNessus => "not_nessus",
            IngestErrorKind::InvalidOptions => "invalid_options",
            IngestErrorKind::Read => "read_error",
        }
    }
}

/// An input refused as a whole: which input, where (record, line, JSON path or XML element
/// path) and why.
///
/// ```
/// use risk_core::ingest::{IngestOptions, Ingester};
/// let mut ing = Ingester::new(IngestOptions::new("2025-09-30".parse().unwrap()));
/// let err = ing.read_ocsf(&b"[{\"class_uid\": 2002}, {\"class_uid\""[..], "export.json").unwrap_err();
/// assert_eq!(err.code(), "malformed_json");
/// assert_eq!(err.path(), "[1]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    kind: IngestErrorKind,
    source_name: String,
    record: Option<u64>,
    line: Option<u64>,
    path: String,
    message: String,
}

impl IngestError {
    pub(crate) fn new(
        kind: IngestErrorKind,
        source_name: &str,
        record: Option<u64>,
        line: Option<u64>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        IngestError {
            kind,
            source_name: crate::text::clip(source_name, 200),
            record,
            line,
            path: path.into(),
            message: message.into(),
        }
    }

    /// What kind of error.
    pub fn kind(&self) -> IngestErrorKind {
        self.kind
    }

    /// The snake_case code of the kind.
    pub fn code(&self) -> &'static str {
        self.kind.as_str()
    }

    /// The JSON path (`[12].vulnerabilities`) or XML element path
    /// (`NessusClientData_v2/Report/ReportHost[0]`) of the offending place; empty for the input
    /// as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The name the caller gave the input (a file name).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The 0-based record (OCSF event, Nessus ReportItem) the error is in, when known.
    pub fn record(&self) -> Option<u64> {
        self.record
    }

    /// The 1-based line the error is on, when known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// What is wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source_name)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if !self.path.is_empty() {
            write!(f, ", {}", self.path)?;
        }
        write!(f, ": {} ({})", self.message, self.kind.as_str())
    }
}

impl std::error::Error for IngestError {}
