//! Resource limits, so that a hostile or mistaken document cannot exhaust memory or freeze a
//! portal tab. Every limit is configurable; the defaults are far above any real portfolio (the
//! whole NHS and its suppliers is about 50,000 organisations).

use serde::{Deserialize, Serialize};

use crate::input::document::{Organisation, Portfolio};
use crate::problem::{ErrorCode, InputError, Problems};

/// Limits on the size of an input document.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest document in bytes (checked before parsing).
    pub max_document_bytes: usize,
    /// Most organisations in one document.
    pub max_organisations: usize,
    /// Most items in one list of one organisation (assessments, metrics, findings, dependencies).
    pub max_items_per_list: usize,
    /// Most dependency edges in the whole document.
    pub max_dependency_edges: usize,
    /// Longest string (ids, names, references, CVSS vectors), in bytes.
    pub max_string_bytes: usize,
}

/// The defaults fit real data on a 24 GiB machine with room to spare: peak memory while rating
/// is about 8 times the document's size (the national sample: 31 MB of JSON, 253 MB peak), so a
/// 2 GiB document stays near 16 GiB; 2,000,000 items in one list (a large trust's scanner
/// export is 10⁵–10⁶ findings) is about 300 MB of JSON. Measured by `benches/peak_memory.sh`.
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 2 << 30,
            max_organisations: 1_000_000,
            max_items_per_list: 2_000_000,
            max_dependency_edges: 10_000_000,
            max_string_bytes: 4096,
        }
    }
}

/// Every limit by name, with what it bounds: the names [`Limits::from_json`] and
/// [`Limits::from_pairs`] accept (the bindings' `limits` options and the CLI's `--max-…` flags).
pub const LIMITS: &[(&str, &str)] = &[
    (
        "max_document_bytes",
        "largest document in bytes (checked before parsing)",
    ),
    ("max_organisations", "most organisations in one document"),
    (
        "max_items_per_list",
        "most items in one list of one organisation (assessments, metrics, findings, dependencies)",
    ),
    (
        "max_dependency_edges",
        "most dependency edges in the whole document",
    ),
    (
        "max_string_bytes",
        "longest string (ids, names, references, CVSS vectors) in bytes",
    ),
];

impl Limits {
    /// The limit called `name` (one of [`LIMITS`]), to read or set.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut usize> {
        Some(match name {
            "max_document_bytes" => &mut self.max_document_bytes,
            "max_organisations" => &mut self.max_organisations,
            "max_items_per_list" => &mut self.max_items_per_list,
            "max_dependency_edges" => &mut self.max_dependency_edges,
            "max_string_bytes" => &mut self.max_string_bytes,
            _ => return None,
        })
    }

    /// Limits from a JSON object of some of the [`LIMITS`] by name, the others at their defaults
    /// (`{"max_items_per_list": 5000000}`): what the Python and JS `limits` options take.
    ///
    /// Each value is a whole number ≥ 0; one beyond what the platform can address (`1e30`, or
    /// above 2³² − 1 in WebAssembly) means no limit. Paths are `limits.<name>`.
    ///
    /// ```
    /// use risk_core::{ErrorCode, Limits};
    /// let l = Limits::from_json(r#"{"max_items_per_list": 10}"#).unwrap();
    /// assert_eq!(l, Limits { max_items_per_list: 10, ..Limits::default() });
    /// let e = Limits::from_json(r#"{"max_items_per_list": -1}"#).unwrap_err();
    /// assert_eq!((e.code(), e.path()), (ErrorCode::InvalidCount, "limits.max_items_per_list"));
    /// let e = Limits::from_json(r#"{"max_items": 10}"#).unwrap_err();
    /// assert_eq!((e.code(), e.path()), (ErrorCode::UnknownField, "limits.max_items"));
    /// ```
    ///
    /// # Errors
    /// [`InputError`]: `malformed_json`, `wrong_type` (not an object, or a value that is not a
    /// number), `unknown_field` (a name not in [`LIMITS`]), `invalid_count` (a negative or
    /// fractional number); every problem is listed.
    pub fn from_json(text: &str) -> Result<Limits, InputError> {
        let value: serde_json::Value =
            crate::input::parse::from_json_text(text).map_err(|e: InputError| e.under("limits"))?;
        let serde_json::Value::Object(map) = value else {
            return Err(InputError::single(
                ErrorCode::WrongType,
                "limits",
                "the limits must be an object of limits by name",
            ));
        };
        Self::from_values(map.iter().map(|(k, v)| (k.as_str(), v.clone())))
    }

    /// Limits from `(name, value)` pairs with the values as text (a command line's
    /// `--max-items-per-list 5000000`), checked as [`Limits::from_json`] checks its values.
    ///
    /// # Errors
    /// As [`Limits::from_json`]; a value that is not a number is `wrong_type`.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Limits, InputError> {
        Self::from_values(pairs.into_iter().map(|(k, v)| {
            let value = serde_json::from_str::<serde_json::Value>(v.trim())
                .ok()
                .filter(serde_json::Value::is_number)
                .unwrap_or_else(|| serde_json::Value::String(v.to_owned()));
            (k, value)
        }))
    }

    fn from_values<'a>(
        values: impl IntoIterator<Item = (&'a str, serde_json::Value)>,
    ) -> Result<Limits, InputError> {
        let mut limits = Limits::default();
        let mut problems = Problems::default();
        for (name, value) in values {
            let path = || format!("limits.{}", crate::text::clip(name, 60));
            let Some(slot) = limits.get_mut(name) else {
                problems.push(ErrorCode::UnknownField, path, || {
                    format!(
                        "unknown limit `{}`, expected one of {}",
                        crate::text::clip(name, 60),
                        LIMITS
                            .iter()
                            .map(|(n, _)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                continue;
            };
            match limit_value(&value) {
                Ok(v) => *slot = v,
                Err((code, message)) => problems.push(code, path, || message),
            }
        }
        problems.into_result().map(|()| limits)
    }

    /// No limits at all (for trusted documents).
    pub fn unlimited() -> Self {
        Limits {
            max_document_bytes: usize::MAX,
            max_organisations: usize::MAX,
            max_items_per_list: usize::MAX,
            max_dependency_edges: usize::MAX,
            max_string_bytes: usize::MAX,
        }
    }

    /// Check a document's size in bytes before parsing it.
    ///
    /// # Errors
    /// [`InputError`] with code [`ErrorCode::LimitExceeded`].
    pub fn check_bytes(&self, len: usize) -> Result<(), InputError> {
        if len > self.max_document_bytes {
            return Err(InputError::single(
                ErrorCode::LimitExceeded,
                "",
                format!(
                    "the document is {len} bytes, over the limit of {} bytes",
                    self.max_document_bytes
                ),
            ));
        }
        Ok(())
    }

    /// Check the counts and string lengths of a parsed document.
    ///
    /// ```
    /// use risk_core::{Limits, Portfolio, Organisation, ErrorCode};
    /// let doc = Portfolio { as_of: "2025-09-30".parse().unwrap(),
    ///                       organisations: vec![Organisation::new("A"), Organisation::new("B")] };
    /// let limits = Limits { max_organisations: 1, ..Limits::default() };
    /// let err = limits.check(&doc).unwrap_err();
    /// assert_eq!((err.code(), err.path()), (ErrorCode::LimitExceeded, "organisations"));
    /// ```
    ///
    /// # Errors
    /// [`InputError`] listing every limit exceeded, with its path.
    pub fn check(&self, p: &Portfolio) -> Result<(), InputError> {
        let mut problems = Problems::default();
        if p.organisations.len() > self.max_organisations {
            problems.push(
                ErrorCode::LimitExceeded,
                || "organisations".into(),
                || {
                    format!(
                        "{} organisations, over the limit of {}",
                        p.organisations.len(),
                        self.max_organisations
                    )
                },
            );
            return problems.into_result();
        }
        let mut edges = 0usize;
        let max_s = self.max_string_bytes;
        for (i, o) in p.organisations.iter().enumerate() {
            org_strings(o, i, max_s, &mut problems);
            for (name, len) in [
                ("assessments", o.assessments.len()),
                ("metrics", o.metrics.len()),
                ("findings", o.findings.len()),
                ("dependencies", o.dependencies.len()),
            ] {
                if len > self.max_items_per_list {
                    problems.push(
                        ErrorCode::LimitExceeded,
                        || format!("organisations[{i}].{name}"),
                        || format!("{len} items, over the limit of {}", self.max_items_per_list),
                    );
                }
            }
            edges += o.dependencies.len();
        }
        if edges > self.max_dependency_edges {
            problems.push(
                ErrorCode::LimitExceeded,
                || "organisations".into(),
                || {
                    format!(
                        "{edges} dependency edges, over the limit of {}",
                        self.max_dependency_edges
                    )
                },
            );
        }
        problems.into_result()
    }
}

/// The strings of `organisations[i]` and of its items, none over `max_s` bytes.
fn org_strings(o: &Organisation, i: usize, max_s: usize, problems: &mut Problems) {
    let mut string = |path: &dyn Fn() -> String, s: &str| {
        if s.len() > max_s {
            problems.push(ErrorCode::LimitExceeded, path, || {
                format!("a string of {} bytes, over the limit of {max_s}", s.len())
            });
        }
    };
    string(&|| format!("organisations[{i}].id"), &o.id);
    if let Some(n) = &o.name {
        string(&|| format!("organisations[{i}].name"), n);
    }
    string(&|| format!("organisations[{i}].peer_group"), &o.peer_group);
    for (j, a) in o.assessments.iter().enumerate() {
        string(
            &|| format!("organisations[{i}].assessments[{j}].control"),
            &a.control,
        );
        if let Some(s) = &a.source {
            string(&|| format!("organisations[{i}].assessments[{j}].source"), s);
        }
        dispute_strings(
            &mut string,
            &|| format!("organisations[{i}].assessments[{j}]"),
            &a.dispute,
        );
    }
    for (j, m) in o.metrics.iter().enumerate() {
        string(
            &|| format!("organisations[{i}].metrics[{j}].metric"),
            &m.metric,
        );
        if let Some(s) = &m.source {
            string(&|| format!("organisations[{i}].metrics[{j}].source"), s);
        }
        dispute_strings(
            &mut string,
            &|| format!("organisations[{i}].metrics[{j}]"),
            &m.dispute,
        );
    }
    for (j, f) in o.findings.iter().enumerate() {
        string(&|| format!("organisations[{i}].findings[{j}].id"), &f.id);
        if let Some(s) = &f.cve {
            string(&|| format!("organisations[{i}].findings[{j}].cve"), s);
        }
        if let Some(s) = &f.cvss {
            string(&|| format!("organisations[{i}].findings[{j}].cvss"), s);
        }
        if let Some(s) = &f.source {
            string(&|| format!("organisations[{i}].findings[{j}].source"), s);
        }
        dispute_strings(
            &mut string,
            &|| format!("organisations[{i}].findings[{j}]"),
            &f.dispute,
        );
    }
    for (j, d) in o.dependencies.iter().enumerate() {
        string(
            &|| format!("organisations[{i}].dependencies[{j}].supplier"),
            &d.supplier,
        );
        if let Some(s) = &d.source {
            string(
                &|| format!("organisations[{i}].dependencies[{j}].source"),
                s,
            );
        }
        dispute_strings(
            &mut string,
            &|| format!("organisations[{i}].dependencies[{j}]"),
            &d.dispute,
        );
    }
}

/// The free-text strings of a dispute (section 10), checked like every other string.
fn dispute_strings(
    string: &mut dyn FnMut(&dyn Fn() -> String, &str),
    item: &dyn Fn() -> String,
    dispute: &Option<crate::input::dispute::Dispute>,
) {
    if let Some(d) = dispute {
        string(&|| format!("{}.dispute.raised_by", item()), &d.raised_by);
        if let Some(n) = &d.note {
            string(&|| format!("{}.dispute.note", item()), n);
        }
    }
}

/// One limit's value: a whole number ≥ 0, saturating at `usize::MAX` (no limit).
fn limit_value(value: &serde_json::Value) -> Result<usize, (ErrorCode, String)> {
    let serde_json::Value::Number(n) = value else {
        return Err((
            ErrorCode::WrongType,
            format!("a limit must be a whole number, not {}", json_type(value)),
        ));
    };
    if let Some(u) = n.as_u64() {
        return Ok(usize::try_from(u).unwrap_or(usize::MAX));
    }
    match n.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(if f >= usize::MAX as f64 {
            usize::MAX
        } else {
            f as usize
        }),
        _ => Err((
            ErrorCode::InvalidCount,
            format!("a limit must be a whole number from 0 up, not {n}"),
        )),
    }
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true/false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(e: &InputError) -> Vec<(&'static str, &str)> {
        e.problems()
            .iter()
            .map(|p| (p.code.as_str(), p.path.as_str()))
            .collect()
    }

    #[test]
    fn every_named_limit_is_settable_by_name() {
        for (name, _) in LIMITS {
            let l = Limits::from_json(&format!(r#"{{"{name}": 7}}"#)).unwrap();
            let mut want = Limits::default();
            *want.get_mut(name).unwrap() = 7;
            assert_eq!(l, want, "{name}");
            assert_eq!(Limits::from_pairs([(*name, "7")]).unwrap(), want, "{name}");
        }
        // The field list is the struct's fields (serialised names), in order.
        let names: Vec<String> = match serde_json::to_value(Limits::default()).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => unreachable!(),
        };
        let mut listed: Vec<String> = LIMITS.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(names, listed);
        assert_eq!(Limits::from_json("{}").unwrap(), Limits::default());
    }

    #[test]
    fn values_are_whole_numbers_from_zero_saturating() {
        let l = Limits::from_json(r#"{"max_items_per_list": 0, "max_document_bytes": 1e300, "max_organisations": 5.0, "max_string_bytes": 18446744073709551615}"#).unwrap();
        assert_eq!(l.max_items_per_list, 0);
        assert_eq!(l.max_document_bytes, usize::MAX);
        assert_eq!(l.max_organisations, 5);
        assert_eq!(l.max_string_bytes, usize::MAX);
        let e = Limits::from_json(
            r#"{"max_items": 1, "max_items_per_list": -1, "max_organisations": 2.5, "max_string_bytes": "9", "max_dependency_edges": null}"#,
        )
        .unwrap_err();
        let mut got = problems(&e);
        got.sort();
        assert_eq!(
            got,
            [
                ("invalid_count", "limits.max_items_per_list"),
                ("invalid_count", "limits.max_organisations"),
                ("unknown_field", "limits.max_items"),
                ("wrong_type", "limits.max_dependency_edges"),
                ("wrong_type", "limits.max_string_bytes"),
            ]
        );
        // Text values (a command line): the same checks.
        let e = Limits::from_pairs([("max_items_per_list", "many"), ("max_string_bytes", "-1")])
            .unwrap_err();
        assert_eq!(
            problems(&e),
            [
                ("wrong_type", "limits.max_items_per_list"),
                ("invalid_count", "limits.max_string_bytes"),
            ]
        );
        let e = Limits::from_json("[1]").unwrap_err();
        assert_eq!(problems(&e), [("wrong_type", "limits")]);
        let e = Limits::from_json("{").unwrap_err();
        assert_eq!(problems(&e), [("malformed_json", "limits")]);
    }
}
