//! Ingest: telemetry from the tools trusts already run — OCSF events and Nessus v2 exports — in,
//! the portfolio document's evidence out.
//!
//! Pure like the rest of the core: the caller opens the files and hands over a
//! [`std::io::BufRead`] (or bytes); records are read and turned into evidence one at a time, so
//! an export never sits in memory whole. Memory grows with the evidence kept (one entry per
//! distinct finding, device and compliance check), not with the size of the input.
//!
//! An [`Ingester`] reads any number of inputs ([`Ingester::read_ocsf`],
//! [`Ingester::read_nessus`]) and [`Ingester::finish`] gives an [`Ingested`]: a [`Portfolio`]
//! holding the evidence of every organisation the [`Attribution`] mapping names, and an
//! [`IngestReport`] (records read, used, skipped by reason, and every problem with its record,
//! line and path). A problem with one record skips that record; only an input that cannot be read
//! on (malformed framing, a limit, hostile XML) is refused as a whole with an [`IngestError`].
//!
//! What each format contributes, field by field, is documented in [`ocsf`] and [`nessus`].
//!
//! ```
//! use risk_core::ingest::{Attribution, IngestOptions, Ingester};
//! let mut options = IngestOptions::new("2025-09-30".parse().unwrap());
//! options.attribution.tenant_uid.insert("tenant-rbs".into(), "RBS".into());
//! let mut ing = Ingester::new(options);
//! let event = r#"{"class_uid": 2002, "time": 1756684800000, "status_id": 1,
//!   "metadata": {"version": "1.5.0", "tenant_uid": "tenant-rbs"},
//!   "finding_info": {"uid": "f-1", "first_seen_time": 1754006400000},
//!   "device": {"uid": "pacs-01"},
//!   "vulnerabilities": [{"cve": {"uid": "CVE-2024-3400",
//!      "cvss": [{"version": "3.1", "vector_string": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}}]}"#;
//! ing.read_ocsf(event.as_bytes(), "export.jsonl").unwrap();
//! let out = ing.finish().unwrap();
//! let f = &out.portfolio.organisations[0].findings[0];
//! assert_eq!((f.id.as_str(), f.first_seen.to_string().as_str()), ("pacs-01/CVE-2024-3400", "2025-08-01"));
//! assert_eq!(out.report.records_used, 1);
//! ```

mod collect;
pub(crate) mod error;
pub mod nessus;
pub mod ocsf;
mod records;

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

pub use error::{IngestError, IngestErrorKind};

use crate::error::Error;
use crate::feeds::KevCatalog;
use crate::input::date::Date;
use crate::input::document::{Assurance, Portfolio};

/// Who an event belongs to: explicit maps from identifiers the events carry to organisation ids
/// of the portfolio. Nothing is ever guessed: an event no map names is skipped as
/// `unattributable`. The keys are tried in the order of the fields below; the first that maps
/// wins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Attribution {
    /// OCSF `metadata.tenant_uid` → organisation id.
    pub tenant_uid: BTreeMap<String, String>,
    /// OCSF `cloud.account.uid` → organisation id.
    pub cloud_account_uid: BTreeMap<String, String>,
    /// DNS domain → organisation id. Matches OCSF `device.domain`, and the domain part of OCSF
    /// `device.hostname` or Nessus `host-fqdn`, exactly or as a parent domain (`nhs.example` matches
    /// `pacs.rbs.nhs.example`), case-insensitively; the longest matching domain wins.
    pub device_domain: BTreeMap<String, String>,
    /// Nessus `Report@name` (the scan's name) → organisation id.
    pub nessus_report: BTreeMap<String, String>,
}

impl Attribution {
    fn domain(&self, name: &str) -> Option<&str> {
        let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let mut best: Option<(&str, usize)> = None;
        for (domain, org) in &self.device_domain {
            let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
            if d.is_empty() {
                continue;
            }
            let hit = name == d
                || (name.len() > d.len()
                    && name.ends_with(&d)
                    && name.as_bytes()[name.len() - d.len() - 1] == b'.');
            if hit && best.is_none_or(|(_, len)| d.len() > len) {
                best = Some((org.as_str(), d.len()));
            }
        }
        best.map(|(org, _)| org)
    }
}

/// Limits that keep a hostile or mistaken export from exhausting memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct IngestLimits {
    /// Largest single record in bytes: one OCSF event, or one XML text node or tag.
    pub max_record_bytes: usize,
    /// Deepest nesting of JSON arrays/objects in an event, or of XML elements.
    pub max_depth: usize,
    /// Longest identifier kept (asset, CVE, finding uid), in bytes.
    pub max_string_bytes: usize,
    /// Most problems listed in the report (the rest are counted).
    pub max_problems: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        IngestLimits {
            max_record_bytes: 1 << 20,
            max_depth: 64,
            max_string_bytes: 1024,
            max_problems: 1000,
        }
    }
}

fn default_assurance() -> Assurance {
    Assurance::SelfAssessed
}

/// What an ingest needs besides the inputs.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestOptions {
    /// The date of the portfolio produced; events timed after it are skipped (`outside_window`).
    pub as_of: Date,
    /// Which organisation an event belongs to.
    #[serde(default)]
    pub attribution: Attribution,
    /// Network segments (OCSF `device.vlan_uid`, `device.subnet_uid` or `device.zone` values)
    /// that are segmented medical/IoT networks, for `iomt_segmentation`. Without any, that metric
    /// is not produced.
    #[serde(default)]
    pub segmented_networks: Vec<String>,
    /// The assurance given to assessments from OCSF Compliance Findings (default
    /// `self_assessed`: a tool's own check is not an audit).
    #[serde(default = "default_assurance")]
    pub compliance_assurance: Assurance,
    /// Size and nesting limits.
    #[serde(default)]
    pub limits: IngestLimits,
    /// A KEV catalogue: a finding on a CVE it lists is KEV-listed.
    #[serde(skip)]
    pub kev: Option<KevCatalog>,
}

impl IngestOptions {
    /// Options with the defaults: no attribution (every event unattributable until a map is
    /// given), no segmented networks, `self_assessed` compliance, default limits, no KEV feed.
    pub fn new(as_of: Date) -> Self {
        IngestOptions {
            as_of,
            attribution: Attribution::default(),
            segmented_networks: Vec::new(),
            compliance_assurance: default_assurance(),
            limits: IngestLimits::default(),
            kev: None,
        }
    }

    /// Options from JSON: `{"as_of": "2025-09-30", "attribution": {"tenant_uid": {…}, …},
    /// "segmented_networks": […], "compliance_assurance": "self_assessed", "limits": {…}}`.
    ///
    /// # Errors
    /// [`IngestErrorKind::InvalidOptions`] naming the JSON path of the problem.
    pub fn from_json(text: &str) -> Result<Self, IngestError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            IngestError::new(
                IngestErrorKind::InvalidOptions,
                "options",
                None,
                None,
                e.path().to_string().trim_start_matches('.').to_owned(),
                e.inner().to_string(),
            )
        })
    }
}

/// Why a record was not used.
#[non_exhaustive]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// An OCSF class the ingest does not turn into evidence.
    UnsupportedClass,
    /// A Detection Finding (class 2004): counted, not evidence in the methodology yet.
    DetectionFinding,
    /// No attribution map names it.
    Unattributable,
    /// Superseded by a later event for the same finding, device or check, or a second report of
    /// the same (asset, CVE).
    Duplicate,
    /// Timed after `as_of`.
    OutsideWindow,
    /// A Compliance Finding whose standard is not the CAF or the DSPT.
    NotCafControl,
    /// A Nessus item of severity 0 (informational).
    Informational,
    /// A Nessus item with no CVE.
    NoCve,
    /// The record has a problem (listed in the report's problems).
    Invalid,
}

impl SkipReason {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::UnsupportedClass => "unsupported_class",
            SkipReason::DetectionFinding => "detection_finding",
            SkipReason::Unattributable => "unattributable",
            SkipReason::Duplicate => "duplicate",
            SkipReason::OutsideWindow => "outside_window",
            SkipReason::NotCafControl => "not_caf_control",
            SkipReason::Informational => "informational",
            SkipReason::NoCve => "no_cve",
            SkipReason::Invalid => "invalid",
        }
    }
}

/// One problem with one record.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestProblem {
    /// The input's name.
    pub source: String,
    /// 0-based record number (OCSF event, Nessus ReportItem) in the input.
    pub record: u64,
    /// 1-based line where the record starts.
    pub line: u64,
    /// JSON path (`[3].vulnerabilities[0].cve.uid`) or XML element path.
    pub path: String,
    /// Machine-readable code (`wrong_type`, `missing_field`, `invalid_cvss`, …).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// Whether the record was skipped for it (else a default was used and it was kept).
    pub skipped: bool,
}

/// What an ingest read and what it made of it. `records_read` = `records_used` + the sum of
/// `skipped`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Records read: OCSF events, Nessus ReportItems.
    pub records_read: u64,
    /// Records that became (part of) evidence.
    pub records_used: u64,
    /// Records skipped, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// OCSF events read by `class_uid` (Nessus items under `nessus`).
    pub by_class: BTreeMap<String, u64>,
    /// Nessus items used, by plugin family.
    pub by_plugin_family: BTreeMap<String, u64>,
    /// Findings produced (one per organisation, asset and CVE).
    pub findings: u64,
    /// Distinct finding uids (OCSF `finding_info.uid`, Nessus plugin) merged into another's
    /// finding because they report the same (asset, CVE).
    pub findings_collapsed: u64,
    /// Metric observations produced.
    pub metrics: u64,
    /// Assessments produced.
    pub assessments: u64,
    /// Problems, in input order (at most `max_problems`).
    pub problems: Vec<IngestProblem>,
    /// Problems found beyond `max_problems`.
    pub problems_omitted: u64,
    /// Things worth knowing that are not problems with a record.
    pub notes: Vec<String>,
}

impl IngestReport {
    fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_insert(0) += 1;
    }
}

/// The result of an ingest.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The evidence, as a portfolio document: `as_of` from the options, one organisation per
    /// attributed id (sorted), each with only `assessments`, `metrics` and `findings`.
    pub portfolio: Portfolio,
    /// What was read and skipped.
    pub report: IngestReport,
}

impl Ingested {
    /// `base` with this evidence added: each ingested organisation's evidence is appended to the
    /// organisation of the same id (which is added, evidence only, when `base` lacks it). `as_of`
    /// stays `base`'s.
    pub fn merge_into(&self, base: &Portfolio) -> Portfolio {
        merge_evidence(base, &self.portfolio)
    }
}

/// `base` with the evidence of `evidence` added: each organisation's assessments, metrics and
/// findings are appended to the organisation of the same id in `base` (which is added, as it
/// is in `evidence`, when `base` lacks it). `as_of` and everything else stay `base`'s. This is
/// [`Ingested::merge_into`] for an evidence document held apart from its report (the JS
/// package's `mergeEvidence`). The result is not checked: rating it reports, for instance, a
/// finding id that both documents hold.
pub fn merge_evidence(base: &Portfolio, evidence: &Portfolio) -> Portfolio {
    let mut out = base.clone();
    for org in &evidence.organisations {
        match out.organisations.iter_mut().find(|o| o.id == org.id) {
            Some(o) => {
                o.assessments.extend(org.assessments.iter().cloned());
                o.metrics.extend(org.metrics.iter().cloned());
                o.findings.extend(org.findings.iter().cloned());
            }
            None => out.organisations.push(org.clone()),
        }
    }
    out
}

/// The format of an input.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// OCSF 1.x events, a JSON array or JSON lines.
    Ocsf,
    /// A Nessus v2 (`.nessus`) XML export.
    Nessus,
}

impl Format {
    /// The format named `ocsf` or `nessus`; `None` for any other name.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "ocsf" => Some(Format::Ocsf),
            "nessus" => Some(Format::Nessus),
            _ => None,
        }
    }

    /// The format of bytes by their first non-blank character: `<` is XML (Nessus), anything
    /// else OCSF JSON.
    pub fn detect(bytes: &[u8]) -> Format {
        let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match b.iter().find(|c| !c.is_ascii_whitespace()) {
            Some(b'<') => Format::Nessus,
            _ => Format::Ocsf,
        }
    }
}

/// Reads inputs one after another and collects their evidence.
#[derive(Debug)]
pub struct Ingester {
    state: collect::State,
    failed: Option<IngestError>,
}

impl Ingester {
    /// An ingester with these options.
    pub fn new(options: IngestOptions) -> Self {
        Ingester {
            state: collect::State::new(options),
            failed: None,
        }
    }

    /// Read OCSF 1.x events (a JSON array, or JSON lines) from `reader`; `source` names the
    /// input in the report and errors.
    ///
    /// # Errors
    /// [`IngestError`] when the input cannot be read on; the ingester then refuses to
    /// [`finish`](Ingester::finish) (no partial result).
    pub fn read_ocsf<R: BufRead>(&mut self, reader: R, source: &str) -> Result<(), IngestError> {
        self.guard(|state| ocsf::read(state, reader, source))
    }

    /// Read a Nessus v2 XML export from `reader`.
    ///
    /// # Errors
    /// As [`Ingester::read_ocsf`]; hostile XML (a DTD, undefined entities, too deep or too large
    /// nodes) is refused.
    pub fn read_nessus<R: BufRead>(&mut self, reader: R, source: &str) -> Result<(), IngestError> {
        self.guard(|state| nessus::read(state, reader, source))
    }

    fn guard(
        &mut self,
        f: impl FnOnce(&mut collect::State) -> Result<(), IngestError>,
    ) -> Result<(), IngestError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        f(&mut self.state).inspect_err(|e| self.failed = Some(e.clone()))
    }

    /// The evidence and the report.
    ///
    /// # Errors
    /// The error of an input that failed: an ingest with a refused input gives no result.
    pub fn finish(self) -> Result<Ingested, IngestError> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.state.finish()),
        }
    }
}

/// One input of [`ingest`].
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Its name (a file name), for the report.
    pub name: &'a str,
    /// Its format; `None` to [`detect`](Format::detect) it.
    pub format: Option<Format>,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Ingest several inputs held in memory.
///
/// # Errors
/// [`Error::Ingest`] for the first input refused as a whole.
pub fn ingest(sources: &[Source<'_>], options: IngestOptions) -> Result<Ingested, Error> {
    ingest_readers(
        sources
            .iter()
            .map(|s| (s.name.to_owned(), s.format, s.bytes)),
        options,
    )
}

/// Ingest several streamed inputs, each `(name, format, reader)`; a `None` format is
/// [detected](Format::detect) from the input's first bytes. What the bindings call: they open
/// the files, the core reads them.
///
/// # Errors
/// [`Error::Ingest`] for the first input refused as a whole.
pub fn ingest_readers<R: BufRead>(
    sources: impl IntoIterator<Item = (String, Option<Format>, R)>,
    options: IngestOptions,
) -> Result<Ingested, Error> {
    let mut ing = Ingester::new(options);
    for (name, format, mut reader) in sources {
        let format = match format {
            Some(f) => f,
            None => Format::detect(reader.fill_buf().map_err(|e| {
                IngestError::new(IngestErrorKind::Read, &name, None, None, "", e.to_string())
            })?),
        };
        match format {
            Format::Ocsf => ing.read_ocsf(reader, &name)?,
            Format::Nessus => ing.read_nessus(reader, &name)?,
        }
    }
    Ok(ing.finish()?)
}
