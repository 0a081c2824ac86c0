//! Resource limits, so that a hostile or mistaken document cannot exhaust memory or freeze a
//! portal tab. Every limit is configurable; the defaults are far above any real portfolio (the
//! whole NHS and its suppliers is about 50,000 organisations).

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, InputError, Problems};
use crate::input::document::Portfolio;

/// Limits on the size of an input document.
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

impl Limits {
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
