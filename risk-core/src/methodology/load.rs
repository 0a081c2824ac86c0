//! Loading a methodology from TOML, or from text in either format.
//!
//! JSON loading is [`Methodology::from_json`]; this adds [`Methodology::from_toml`],
//! [`Methodology::from_str_auto`] (which tells the two formats apart) and
//! [`Methodology::to_toml`]. Both formats deserialize the same [`MethodologyDoc`] with
//! `serde_path_to_error`, so every problem names its field path the same way
//! (`factors[4].weight`, `controls.principles.B2`), and both go through the same consistency
//! checks.
//!
//! In TOML there is no `null`: the last band simply has no `min_score`. TOML allows `nan` and
//! `inf`, which the checks reject wherever a finite number is needed.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};

use crate::methodology::{Methodology, MethodologyDoc};
use crate::problem::{MethodologyError, MethodologyProblem};

/// The text format of a methodology file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodologyFormat {
    /// JSON (`.json`).
    Json,
    /// TOML (`.toml`).
    Toml,
}

impl MethodologyFormat {
    /// Tell the format of a methodology text: JSON when its first character (after a
    /// byte-order mark and white space) is `{`, else TOML. A TOML document cannot start with
    /// `{`, and a JSON methodology is an object, so the test is exact for every valid file.
    ///
    /// ```
    /// use risk_core::MethodologyFormat;
    /// assert_eq!(MethodologyFormat::detect("  {\"id\": \"x\"}"), MethodologyFormat::Json);
    /// assert_eq!(MethodologyFormat::detect("id = \"x\""), MethodologyFormat::Toml);
    /// ```
    pub fn detect(text: &str) -> MethodologyFormat {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().starts_with('{') {
            MethodologyFormat::Json
        } else {
            MethodologyFormat::Toml
        }
    }
}

fn one_problem(path: String, message: String) -> MethodologyError {
    MethodologyError::new(vec![MethodologyProblem { path, message }])
}

/// `(line, column)`, both 1-based, of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("{message} at line {line} column {column}")
        }
        None => message.to_owned(),
    }
}

impl Methodology {
    /// Parse and check a methodology from TOML text.
    ///
    /// The document has the same fields as the JSON form; the last band omits `min_score`.
    ///
    /// ```
    /// use risk_core::Methodology;
    /// let toml = Methodology::default().to_toml();
    /// assert_eq!(Methodology::from_toml(&toml).unwrap(), Methodology::default());
    ///
    /// let bad = toml.replacen("weight = 0.25", "weight = -0.25", 1);
    /// let err = Methodology::from_toml(&bad).unwrap_err();
    /// assert_eq!(err.path(), "factors[0].weight");
    /// ```
    ///
    /// # Errors
    /// [`MethodologyError`] for malformed TOML (with its line and column), a missing or unknown
    /// field or a wrong type (naming the field path), or any inconsistent number.
    pub fn from_toml(text: &str) -> Result<Self, MethodologyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let de = toml::Deserializer::parse(text).map_err(|e| {
            one_problem(
                String::new(),
                format!("malformed TOML: {}", toml_message(text, &e)),
            )
        })?;
        let doc: MethodologyDoc = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            one_problem(path, toml_message(text, e.inner()))
        })?;
        Methodology::new(doc)
    }

    /// Parse and check a methodology from JSON or TOML text, telling the format by
    /// [`MethodologyFormat::detect`].
    ///
    /// ```
    /// use risk_core::Methodology;
    /// let m = Methodology::default();
    /// assert_eq!(Methodology::from_str_auto(&m.to_json()).unwrap(), m);
    /// assert_eq!(Methodology::from_str_auto(&m.to_toml()).unwrap(), m);
    /// ```
    ///
    /// # Errors
    /// As [`Methodology::from_json`] or [`Methodology::from_toml`].
    pub fn from_str_auto(text: &str) -> Result<Self, MethodologyError> {
        Methodology::from_str_format(text, MethodologyFormat::detect(text))
    }

    /// Parse and check a methodology in a given format.
    ///
    /// # Errors
    /// As [`Methodology::from_json`] or [`Methodology::from_toml`].
    pub fn from_str_format(
        text: &str,
        format: MethodologyFormat,
    ) -> Result<Self, MethodologyError> {
        match format {
            MethodologyFormat::Json => Methodology::from_json(text),
            MethodologyFormat::Toml => Methodology::from_toml(text),
        }
    }

    /// The TOML text of this methodology.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self.doc()).expect("a methodology always serialises to TOML")
    }
}

/// Deserialize a string-keyed map, rejecting a key given twice (serde's maps keep the last one
/// silently, which would hide a mistake in a hand-edited methodology).
pub(crate) fn unique_keys<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map from ids to factor ids")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, String>()? {
                match out.entry(k) {
                    Entry::Occupied(e) => {
                        return Err(serde::de::Error::custom(format!(
                            "`{}` is listed twice",
                            e.key()
                        )));
                    }
                    Entry::Vacant(e) => {
                        e.insert(v);
                    }
                }
            }
            Ok(out)
        }
    }
    de.deserialize_map(V)
}

impl Methodology {
    /// Parse and check a methodology from bytes in `format`; the bytes must be UTF-8 (a
    /// byte-order mark is dropped), else a [`MethodologyError`] naming the offset.
    ///
    /// ```
    /// use risk_core::{Methodology, MethodologyFormat};
    /// let m = Methodology::default();
    /// assert_eq!(Methodology::from_bytes(m.to_json().as_bytes(), Some(MethodologyFormat::Json)).unwrap(), m);
    /// let err = Methodology::from_bytes(b"id = \"\xff\"", None).unwrap_err();
    /// assert!(err.to_string().contains("not valid UTF-8"));
    /// ```
    ///
    /// # Errors
    /// Invalid UTF-8, else as [`Methodology::from_str_format`]; `None` tells the format by
    /// [`MethodologyFormat::detect`].
    pub fn from_bytes(
        bytes: &[u8],
        format: Option<MethodologyFormat>,
    ) -> Result<Self, MethodologyError> {
        let text = core::str::from_utf8(bytes).map_err(|e| {
            one_problem(
                String::new(),
                format!(
                    "not valid UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )
        })?;
        let format = format.unwrap_or_else(|| MethodologyFormat::detect(text));
        Methodology::from_str_format(text, format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_chars() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 3), (2, 1));
        assert_eq!(line_column(t, 5), (2, 3));
        assert_eq!(line_column(t, 6), (2, 3)); // inside `é`: moved back to its start
        assert_eq!(line_column(t, 8), (3, 1));
        assert_eq!(line_column(t, 100), (3, 2));
    }

    #[test]
    fn detect_skips_bom_and_space() {
        assert_eq!(
            MethodologyFormat::detect("\u{feff}\n\t {"),
            MethodologyFormat::Json
        );
        assert_eq!(
            MethodologyFormat::detect("# comment\n{"),
            MethodologyFormat::Toml
        );
        assert_eq!(MethodologyFormat::detect(""), MethodologyFormat::Toml);
    }
}
