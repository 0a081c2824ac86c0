//! JSON parsing of input documents with the path of every problem.

use serde::de::DeserializeOwned;

use crate::input::document::Portfolio;
use crate::problem::{ErrorCode, InputError};

/// Parse a portfolio document from JSON text.
///
/// A leading byte-order mark is accepted. Structural problems (malformed JSON, a wrong type, an
/// unknown or missing field, an unknown enumeration value, a duplicate key, an invalid date or
/// count) stop parsing at the first one and are reported with its path; the semantic checks of
/// [`mod@crate::rating::validate`] then report every remaining problem at once.
///
/// ```
/// let doc = risk_core::parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": []}"#).unwrap();
/// assert!(doc.organisations.is_empty());
///
/// let err = risk_core::parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "X", "colour": 1}]}"#)
///     .unwrap_err();
/// assert_eq!(err.path(), "organisations[0].colour");
/// assert_eq!(err.code(), risk_core::ErrorCode::UnknownField);
/// ```
///
/// # Errors
/// [`InputError`] with one problem naming its path.
pub fn parse_portfolio(text: &str) -> Result<Portfolio, InputError> {
    parse_portfolio_with_limits(text, &crate::Limits::default())
}

/// [`parse_portfolio`] with an explicit document-size limit.
///
/// # Errors
/// As [`parse_portfolio`], or [`ErrorCode::LimitExceeded`] for a document over
/// `limits.max_document_bytes`.
pub fn parse_portfolio_with_limits(
    text: &str,
    limits: &crate::Limits,
) -> Result<Portfolio, InputError> {
    limits.check_bytes(text.len())?;
    from_json_text(text)
}

/// Parse a portfolio document from bytes, which must be UTF-8.
///
/// # Errors
/// [`InputError`] with code [`ErrorCode::InvalidEncoding`] for invalid UTF-8, else as
/// [`parse_portfolio`].
pub fn parse_portfolio_bytes(bytes: &[u8]) -> Result<Portfolio, InputError> {
    parse_portfolio_bytes_with_limits(bytes, &crate::Limits::default())
}

/// [`parse_portfolio_bytes`] with an explicit document-size limit.
///
/// # Errors
/// As [`parse_portfolio_bytes`], or [`ErrorCode::LimitExceeded`] for a document over
/// `limits.max_document_bytes`.
pub fn parse_portfolio_bytes_with_limits(
    bytes: &[u8],
    limits: &crate::Limits,
) -> Result<Portfolio, InputError> {
    limits.check_bytes(bytes.len())?;
    let text = utf8(bytes)?;
    parse_portfolio_with_limits(text, limits)
}

/// Bytes as UTF-8 text, or a typed error naming the byte offset.
pub fn utf8(bytes: &[u8]) -> Result<&str, InputError> {
    core::str::from_utf8(bytes).map_err(|e| {
        InputError::single(
            ErrorCode::InvalidEncoding,
            "",
            format!(
                "the document is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Deserialize any document type from JSON text, mapping serde errors to typed problems.
pub fn from_json_text<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Fast path: plain serde_json. Only a rejected document is parsed again, with path
    // tracking (which costs about a third more), to name the offending path.
    // Both parses go through `Strict` (a struct only from a JSON object, never from an array of
    // its fields; an enumeration only from a string), so they accept exactly the same documents.
    {
        let mut de = serde_json::Deserializer::from_str(text);
        if let Ok(value) = T::deserialize(crate::input::strict::Strict(&mut de)) {
            if de.end().is_ok() {
                return Ok(value);
            }
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(crate::input::strict::Strict(&mut de))
        .map_err(map_error)?;
    de.end().map_err(|e| {
        InputError::single(ErrorCode::MalformedJson, "", format!("malformed JSON: {e}"))
    })?;
    Ok(value)
}

/// Map a serde_json error with its path to a typed problem.
pub(crate) fn map_error(err: serde_path_to_error::Error<serde_json::Error>) -> InputError {
    let mut path = json_path(err.path());
    let inner = err.into_inner();
    let msg = inner.to_string();
    // A missing or repeated field is named in the path, like an unknown one: the path of the
    // offending item is `organisations[0].id`, not the object that holds it.
    for prefix in ["missing field `", "duplicate field `"] {
        if let Some(name) = msg.strip_prefix(prefix).and_then(|r| r.split('`').next()) {
            push_key(&mut path, name);
        }
    }
    let code = classify(&inner, &msg, &path);
    // serde_json appends " at line L column C"; keep it, it helps find the place in the file.
    InputError::single(code, path, msg)
}

/// The path as written in error messages (`organisations[3].findings[0].cvss`). Positions
/// serde_path_to_error could not name (a syntax error before a key was read) are left out, so a
/// trailing comma in an organisation is reported at `organisations[0]`, not `organisations[0].?`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
            Segment::Map { key } => push_key(&mut out, key),
            Segment::Enum { variant } => push_key(&mut out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn classify(err: &serde_json::Error, msg: &str, path: &str) -> ErrorCode {
    use serde_json::error::Category;
    match err.classify() {
        Category::Io | Category::Syntax | Category::Eof => {
            if msg.starts_with("number out of range") {
                out_of_range(path)
            } else if msg.starts_with("lone leading surrogate in hex escape")
                || msg.starts_with("unexpected end of hex escape")
            {
                // `"\ud800"`: an unpaired UTF-16 surrogate is no character, so the text has no
                // UTF-8 form (a binding meets it as a Python `str` with a lone surrogate).
                ErrorCode::InvalidEncoding
            } else if msg.starts_with("recursion limit exceeded") {
                ErrorCode::LimitExceeded
            } else {
                ErrorCode::MalformedJson
            }
        }
        Category::Data => {
            let last = path.rsplit('.').next().unwrap_or("");
            let is_count = last == "successes" || last == "trials";
            if msg.starts_with("unknown field") {
                ErrorCode::UnknownField
            } else if msg.starts_with("missing field") {
                ErrorCode::MissingField
            } else if msg.starts_with("duplicate field") {
                ErrorCode::DuplicateKey
            } else if msg.starts_with("unknown variant") {
                ErrorCode::UnknownValue
            } else if msg.starts_with("invalid date") {
                ErrorCode::InvalidDate
            } else if is_count
                && (msg.starts_with("invalid type: floating point")
                    || msg.starts_with("invalid value: integer"))
            {
                ErrorCode::InvalidCount
            } else if msg.starts_with("number out of range") {
                out_of_range(path)
            } else {
                ErrorCode::WrongType
            }
        }
    }
}

/// A number too large for a double (`1e400`) is out of the field's range (section 1): an invalid
/// probability, CVSS score or count where the field is one; `invalid_number` elsewhere.
fn out_of_range(path: &str) -> ErrorCode {
    match path.rsplit('.').next().unwrap_or("") {
        "epss" | "incident_probability" => ErrorCode::InvalidProbability,
        "cvss_score" => ErrorCode::InvalidCvssScore,
        "successes" | "trials" => ErrorCode::InvalidCount,
        _ => ErrorCode::InvalidNumber,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_and_path(item: &str) -> (ErrorCode, String) {
        let doc = format!(r#"{{"as_of": "2025-09-30", "organisations": [{item}]}}"#);
        let e = parse_portfolio(&doc).unwrap_err();
        (e.code(), e.path().to_owned())
    }

    #[test]
    fn lone_surrogate_escapes_are_invalid_encoding_at_their_path() {
        // A lone leading surrogate (end of string, or followed by another escape), a lone
        // trailing one, in a value and in a key.
        for (item, path) in [
            (r#"{"id": "A", "name": "x\ud800"}"#, "organisations[0].name"),
            (
                r#"{"id": "A", "name": "\ud800\u0041"}"#,
                "organisations[0].name",
            ),
            (r#"{"id": "\udc00"}"#, "organisations[0].id"),
            (
                r#"{"id": "A", "findings": [{"id": "F", "kind": "tls", "first_seen": "2025-09-01", "t\ud800": 1}]}"#,
                "organisations[0].findings[0]",
            ),
        ] {
            assert_eq!(
                code_and_path(item),
                (ErrorCode::InvalidEncoding, path.into()),
                "{item}"
            );
        }
        // A surrogate pair is one character, not an error.
        let doc = parse_portfolio(
            r#"{"as_of": "2025-09-30", "organisations": [{"id": "A", "name": "\ud83d\ude00"}]}"#,
        )
        .unwrap();
        assert_eq!(doc.organisations[0].name.as_deref(), Some("\u{1F600}"));
    }

    #[test]
    fn overflowing_numbers_are_out_of_their_fields_range() {
        let finding = |field: &str| {
            format!(
                r#"{{"id": "A", "findings": [{{"id": "F", "kind": "tls", "first_seen": "2025-09-01", "{field}": 1e400}}]}}"#
            )
        };
        assert_eq!(
            code_and_path(&finding("epss")),
            (
                ErrorCode::InvalidProbability,
                "organisations[0].findings[0].epss".into()
            )
        );
        assert_eq!(
            code_and_path(&finding("cvss_score")),
            (
                ErrorCode::InvalidCvssScore,
                "organisations[0].findings[0].cvss_score".into()
            )
        );
        assert_eq!(
            code_and_path(r#"{"id": "A", "attestation": {"incident_probability": -1e400}}"#),
            (
                ErrorCode::InvalidProbability,
                "organisations[0].attestation.incident_probability".into()
            )
        );
        assert_eq!(
            code_and_path(
                r#"{"id": "A", "metrics": [{"metric": "mfa_coverage", "successes": 1, "trials": 1e400, "observed_on": "2025-09-01"}]}"#
            ),
            (
                ErrorCode::InvalidCount,
                "organisations[0].metrics[0].trials".into()
            )
        );
    }
}
