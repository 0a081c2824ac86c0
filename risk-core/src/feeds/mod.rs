//! Threat feeds: the CISA Known Exploited Vulnerabilities (KEV) catalogue and FIRST EPSS scores.
//!
//! Both feeds are parsed from text or bytes the caller has already fetched: the library never
//! touches the network or the file system. [`enrich`] then sets the `kev` and `epss` fields of a
//! portfolio's findings from the feeds, by CVE id, without overwriting what the document states.
//!
//! ## Formats accepted
//!
//! **KEV** — the catalogue JSON as CISA publishes it
//! (`known_exploited_vulnerabilities.json`). Only `vulnerabilities[].cveID` is required (a CVE id
//! `CVE-YYYY-NNNN…`, 4 to 19 digits, as the catalogue's schema says). `catalogVersion`,
//! `dateReleased`, `count` and `vulnerabilities[].dateAdded` are read when present; every other
//! field of the catalogue is ignored, so a future catalogue with more fields still loads. A CVE
//! listed twice is an error ([`FeedErrorKind::DuplicateCve`]): the published catalogue never does
//! it, so a duplicate means files were concatenated or edited by hand.
//!
//! **EPSS** — the daily CSV as FIRST publishes it (decompressed):
//!
//! ```text
//! #model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z
//! cve,epss,percentile
//! CVE-1999-0001,0.01141,0.77959
//! ```
//!
//! * The `#…` comment line is optional: files from before the v2 model (2022) and CSV exports of
//!   the EPSS API have none, and the scores are as usable without it. When present it is read as
//!   comma-separated `key:value` pairs; `model_version` and `score_date` are kept, other keys
//!   are ignored, and a pair without `:` is an error.
//! * The header must be exactly `cve,epss,percentile`.
//! * Every row has exactly three fields: a CVE id, and `epss` and `percentile`, each a finite
//!   number in [0, 1]. Fields are not quoted; spaces around a field are ignored.
//! * Blank lines are skipped; `\r\n` line ends and a leading byte-order mark are accepted.
//! * A CVE on two rows is an error naming both lines ([`FeedErrorKind::DuplicateCve`]) rather
//!   than "last wins": FIRST's files list each CVE once, and silently picking one of two
//!   different scores would hide a corrupted or concatenated file.
//! * Gzip-compressed bytes (the form FIRST serves) are recognised and rejected with
//!   [`FeedErrorKind::Compressed`]: decompress them first.
//!
//! Errors name the place: `line 17, field epss` for EPSS, the JSON path
//! (`vulnerabilities[3].cveID`) for KEV.
//!
//! ```
//! use risk_core::feeds::{EpssScores, KevCatalog};
//!
//! let kev = KevCatalog::from_json(r#"{"catalogVersion": "2025.08.25",
//!     "vulnerabilities": [{"cveID": "CVE-2024-3400", "vendorProject": "Palo Alto Networks"}]}"#).unwrap();
//! assert!(kev.contains("CVE-2024-3400"));
//!
//! let epss = EpssScores::from_csv("#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\n\
//!     cve,epss,percentile\nCVE-2024-3400,0.94,0.99\n").unwrap();
//! assert_eq!(epss.get("CVE-2024-3400").unwrap().epss, 0.94);
//!
//! let err = EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n").unwrap_err();
//! assert_eq!(err.to_string(), "EPSS scores: line 2, field epss: 1.7 is not a probability in [0,1]");
//! ```

use core::fmt;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::input::document::Portfolio;

/// True for a CVE id `CVE-YYYY-NNNN…`: four year digits and 4 to 19 sequence digits (the
/// pattern of the KEV catalogue's schema). Case-sensitive.
///
/// ```
/// use risk_core::feeds::is_cve_id;
/// assert!(is_cve_id("CVE-2024-3400"));
/// assert!(is_cve_id("CVE-2021-1234567"));
/// assert!(!is_cve_id("CVE-2024-340"));
/// assert!(!is_cve_id("cve-2024-3400"));
/// ```
pub fn is_cve_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (4..=19).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A CVE id as a finding states it, normalised for lookup (trimmed, upper-case), or `None` when
/// it is not a CVE id even then.
fn normalise_cve(s: &str) -> Option<String> {
    let up = s.trim().to_ascii_uppercase();
    is_cve_id(&up).then_some(up)
}

/// Which feed an error comes from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feed {
    /// The CISA KEV catalogue.
    Kev,
    /// FIRST EPSS scores.
    Epss,
}

impl Feed {
    /// The feed's short name in the bindings: `kev` or `epss`.
    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Kev => "kev",
            Feed::Epss => "epss",
        }
    }
}

impl fmt::Display for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Feed::Kev => "KEV catalogue",
            Feed::Epss => "EPSS scores",
        })
    }
}

/// What is wrong with a feed.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeedErrorKind {
    /// The bytes are not UTF-8.
    #[error("not valid UTF-8 (invalid byte at offset {offset})")]
    InvalidEncoding {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The bytes are gzip-compressed.
    #[error("the feed is gzip-compressed; decompress it first")]
    Compressed,
    /// Not well-formed JSON.
    #[error("malformed JSON: {message}")]
    MalformedJson {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A required JSON field is missing.
    #[error("missing field `{field}`")]
    MissingField {
        /// The field's name.
        field: String,
    },
    /// A JSON value of the wrong type or form.
    #[error("{message}")]
    WrongType {
        /// The parser's message.
        message: String,
    },
    /// A CVE id not of the form `CVE-YYYY-NNNN`.
    #[error("`{value}` is not a CVE id of the form CVE-YYYY-NNNN (4 to 19 digits)")]
    InvalidCveId {
        /// The rejected text (at most 40 characters).
        value: String,
    },
    /// The same CVE twice.
    #[error("{cve} is listed twice (first at {first})")]
    DuplicateCve {
        /// The CVE id.
        cve: String,
        /// Where it was first listed (`line 5`, `vulnerabilities[3]`).
        first: String,
    },
    /// The EPSS comment line is not `#key:value,key:value`.
    #[error("comment line: `{piece}` is not a `key:value` pair")]
    InvalidComment {
        /// The offending piece (at most 40 characters).
        piece: String,
    },
    /// The EPSS file ends before its header.
    #[error("no header line `cve,epss,percentile`")]
    MissingHeader,
    /// The EPSS header is not `cve,epss,percentile`.
    #[error("the header must be `cve,epss,percentile`, not `{found}`")]
    InvalidHeader {
        /// The header found (at most 40 characters).
        found: String,
    },
    /// An EPSS row without exactly three fields.
    #[error("expected 3 fields (cve,epss,percentile), found {found}")]
    FieldCount {
        /// How many fields the row has.
        found: usize,
    },
    /// A field that is not a number.
    #[error("`{value}` is not a number")]
    NotANumber {
        /// The rejected text (at most 40 characters).
        value: String,
    },
    /// A number that is not a probability.
    #[error("{value} is not a probability in [0,1]")]
    NotAProbability {
        /// The rejected text (at most 40 characters).
        value: String,
    },
}

impl FeedErrorKind {
    /// The code of every kind, as [`FeedErrorKind::code`] gives them.
    pub const CODES: &'static [&'static str] = &[
        "invalid_encoding",
        "compressed",
        "malformed_json",
        "missing_field",
        "wrong_type",
        "invalid_cve_id",
        "duplicate_cve",
        "invalid_comment",
        "missing_header",
        "invalid_header",
        "field_count",
        "not_a_number",
        "not_a_probability",
    ];

    /// The machine-readable snake_case code of this kind of problem.
    pub fn code(&self) -> &'static str {
        match self {
            FeedErrorKind::InvalidEncoding { .. } => "invalid_encoding",
            FeedErrorKind::Compressed => "compressed",
            FeedErrorKind::MalformedJson { .. } => "malformed_json",
            FeedErrorKind::MissingField { .. } => "missing_field",
            FeedErrorKind::WrongType { .. } => "wrong_type",
            FeedErrorKind::InvalidCveId { .. } => "invalid_cve_id",
            FeedErrorKind::DuplicateCve { .. } => "duplicate_cve",
            FeedErrorKind::InvalidComment { .. } => "invalid_comment",
            FeedErrorKind::MissingHeader => "missing_header",
            FeedErrorKind::InvalidHeader { .. } => "invalid_header",
            FeedErrorKind::FieldCount { .. } => "field_count",
            FeedErrorKind::NotANumber { .. } => "not_a_number",
            FeedErrorKind::NotAProbability { .. } => "not_a_probability",
        }
    }
}

/// A feed was rejected: which feed, where, and what is wrong.
///
/// [`FeedError::path`] is the place in words: `line 17, field epss` in an EPSS file, the JSON
/// path (`vulnerabilities[3].cveID`) in the KEV catalogue, empty for the whole feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedError {
    feed: Feed,
    line: Option<usize>,
    field: Option<String>,
    path: String,
    kind: FeedErrorKind,
}

impl FeedError {
    fn whole(feed: Feed, kind: FeedErrorKind) -> Self {
        FeedError {
            feed,
            line: None,
            field: None,
            path: String::new(),
            kind,
        }
    }

    fn at_line(line: usize, field: Option<&'static str>, kind: FeedErrorKind) -> Self {
        let path = match field {
            Some(f) => format!("line {line}, field {f}"),
            None => format!("line {line}"),
        };
        FeedError {
            feed: Feed::Epss,
            line: Some(line),
            field: field.map(str::to_owned),
            path,
            kind,
        }
    }

    fn at_path(path: String, line: Option<usize>, kind: FeedErrorKind) -> Self {
        let field = path.rsplit('.').next().filter(|s| !s.is_empty()).map(|s| {
            // `vulnerabilities[3]` → no field name; `vulnerabilities[3].cveID` → `cveID`.
            s.split('[').next().unwrap_or(s).to_owned()
        });
        FeedError {
            feed: Feed::Kev,
            line,
            field,
            path,
            kind,
        }
    }

    /// Which feed.
    pub fn feed(&self) -> Feed {
        self.feed
    }

    /// The 1-based line of the problem, when known (always for EPSS; for KEV, the JSON line the
    /// parser stopped at).
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The field: an EPSS column name (`cve`, `epss`, `percentile`); in the KEV catalogue, the
    /// last key of the JSON path (`cveID`), or for a missing field its name.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The place in words: `line 17, field epss`, or a KEV JSON path; empty for the whole feed.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong.
    pub fn kind(&self) -> &FeedErrorKind {
        &self.kind
    }

    /// The machine-readable code of the problem (`not_a_probability`, `invalid_cve_id`, …).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for FeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.feed, self.kind)
        } else {
            write!(f, "{}: {}: {}", self.feed, self.path, self.kind)
        }
    }
}

impl std::error::Error for FeedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// At most 40 characters of a rejected value, for messages.
fn clip(s: &str) -> String {
    crate::text::clip(s, 40)
}

/// Bytes as text: gzip is recognised, the encoding checked, a byte-order mark dropped.
fn text_of(feed: Feed, bytes: &[u8]) -> Result<&str, FeedError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(FeedError::whole(feed, FeedErrorKind::Compressed));
    }
    core::str::from_utf8(bytes).map_err(|e| {
        FeedError::whole(
            feed,
            FeedErrorKind::InvalidEncoding {
                offset: e.valid_up_to(),
            },
        )
    })
}

// ---------------------------------------------------------------------------------------------
// KEV

/// One catalogue entry (only the fields the engine uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KevEntry {
    /// The CVE id.
    pub cve_id: String,
    /// When CISA added it to the catalogue, when stated.
    pub date_added: Option<Date>,
}

/// What the KEV catalogue says about itself.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevMeta {
    /// `catalogVersion`, e.g. `2025.08.25`.
    pub catalog_version: Option<String>,
    /// `dateReleased`, as written.
    pub date_released: Option<String>,
    /// `count`, as stated (an excerpt may state the full catalogue's count).
    pub stated_count: Option<u64>,
    /// Entries actually read.
    pub entries: usize,
}

/// The CISA Known Exploited Vulnerabilities catalogue, indexed by CVE id (`Default`: empty,
/// which enriches nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KevCatalog {
    meta: KevMeta,
    /// The entries in the catalogue's own order (CISA lists the newest first).
    listed: Vec<KevEntry>,
    /// CVE id → its place in `listed`.
    index: BTreeMap<String, usize>,
}

#[derive(Deserialize)]
struct RawKev {
    #[serde(rename = "catalogVersion", default)]
    catalog_version: Option<String>,
    #[serde(rename = "dateReleased", default)]
    date_released: Option<String>,
    #[serde(default)]
    count: Option<u64>,
    vulnerabilities: Vec<RawKevEntry>,
}

#[derive(Deserialize)]
struct RawKevEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(rename = "dateAdded", default)]
    date_added: Option<Date>,
}

impl KevCatalog {
    /// Parse the catalogue from its JSON text.
    ///
    /// # Errors
    /// [`FeedError`] with the JSON path: malformed JSON, a missing `vulnerabilities` or `cveID`,
    /// a value of the wrong type, an invalid CVE id or `dateAdded`, a CVE listed twice.
    pub fn from_json(text: &str) -> Result<Self, FeedError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawKev = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            kev_json_error(path, &inner)
        })?;
        de.end().map_err(|e| kev_json_error(String::new(), &e))?;

        let mut listed = Vec::with_capacity(raw.vulnerabilities.len());
        let mut first_at = BTreeMap::new();
        for (i, v) in raw.vulnerabilities.into_iter().enumerate() {
            if !is_cve_id(&v.cve_id) {
                return Err(FeedError::at_path(
                    format!("vulnerabilities[{i}].cveID"),
                    None,
                    FeedErrorKind::InvalidCveId {
                        value: clip(&v.cve_id),
                    },
                ));
            }
            if let Some(first) = first_at.insert(v.cve_id.clone(), i) {
                return Err(FeedError::at_path(
                    format!("vulnerabilities[{i}].cveID"),
                    None,
                    FeedErrorKind::DuplicateCve {
                        cve: v.cve_id,
                        first: format!("vulnerabilities[{first}]"),
                    },
                ));
            }
            listed.push(KevEntry {
                cve_id: v.cve_id,
                date_added: v.date_added,
            });
        }
        Ok(KevCatalog {
            meta: KevMeta {
                catalog_version: raw.catalog_version,
                date_released: raw.date_released,
                stated_count: raw.count,
                entries: listed.len(),
            },
            listed,
            index: first_at,
        })
    }

    /// Parse the catalogue from bytes (UTF-8; gzip is recognised and rejected).
    ///
    /// # Errors
    /// As [`KevCatalog::from_json`], plus [`FeedErrorKind::InvalidEncoding`] and
    /// [`FeedErrorKind::Compressed`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FeedError> {
        KevCatalog::from_json(text_of(Feed::Kev, bytes)?)
    }

    /// What the catalogue says about itself.
    pub fn meta(&self) -> &KevMeta {
        &self.meta
    }

    /// How many CVEs it lists.
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// True when it lists none.
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// True when it lists this CVE id (exact, upper-case form).
    pub fn contains(&self, cve: &str) -> bool {
        self.index.contains_key(cve)
    }

    /// The entry for a CVE id.
    pub fn get(&self, cve: &str) -> Option<&KevEntry> {
        self.index.get(cve).map(|&i| &self.listed[i])
    }

    /// Every entry, by CVE id.
    pub fn entries(&self) -> impl Iterator<Item = &KevEntry> {
        self.index.values().map(|&i| &self.listed[i])
    }

    /// Every entry in the catalogue's own order (CISA lists the newest first).
    ///
    /// ```
    /// let kev = risk_core::feeds::KevCatalog::from_json(
    ///     r#"{"vulnerabilities": [{"cveID": "CVE-2025-0002"}, {"cveID": "CVE-2024-0001"}]}"#,
    /// ).unwrap();
    /// let ids: Vec<&str> = kev.listed().iter().map(|e| e.cve_id.as_str()).collect();
    /// assert_eq!(ids, ["CVE-2025-0002", "CVE-2024-0001"]);
    /// ```
    pub fn listed(&self) -> &[KevEntry] {
        &self.listed
    }
}

fn kev_json_error(path: String, e: &serde_json::Error) -> FeedError {
    use serde_json::error::Category;
    let line = (e.line() > 0).then_some(e.line());
    let msg = e.to_string();
    let kind = match e.classify() {
        Category::Io | Category::Syntax | Category::Eof => {
            FeedErrorKind::MalformedJson { message: msg }
        }
        Category::Data => match msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split_once('`'))
        {
            Some((field, _)) => FeedErrorKind::MissingField {
                field: field.to_owned(),
            },
            None => FeedErrorKind::WrongType { message: msg },
        },
    };
    let mut err = FeedError::at_path(path, line, kind);
    if let FeedErrorKind::MissingField { field } = &err.kind {
        err.field = Some(field.clone());
    }
    err
}

// ---------------------------------------------------------------------------------------------
// EPSS

/// One CVE's EPSS score.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// Probability of exploitation activity in the next 30 days.
    pub epss: f64,
    /// Percentile of this score among all scored CVEs.
    pub percentile: f64,
}

/// What the EPSS file says about itself (its comment line).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpssMeta {
    /// `model_version`, e.g. `v2025.03.14`; absent without a comment line.
    pub model_version: Option<String>,
    /// `score_date`, as written; absent without a comment line.
    pub score_date: Option<String>,
    /// Rows read.
    pub rows: usize,
}

/// A day's EPSS scores, indexed by CVE id (`Default`: empty, which enriches nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpssScores {
    meta: EpssMeta,
    scores: BTreeMap<String, EpssScore>,
}

const EPSS_HEADER: &str = "cve,epss,percentile";

impl EpssScores {
    /// Parse the EPSS CSV text (see the [module documentation](self) for the format).
    ///
    /// # Errors
    /// [`FeedError`] naming the line and field: an invalid comment line, a missing or wrong
    /// header, a row without three fields, an invalid CVE id, a field that is not a number or not
    /// a probability in [0, 1], a CVE on two rows.
    pub fn from_csv(text: &str) -> Result<Self, FeedError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut meta = EpssMeta::default();
        let mut scores = BTreeMap::new();
        let mut header_seen = false;

        for (i, raw) in text.split('\n').enumerate() {
            let line = i + 1;
            let l = raw.strip_suffix('\r').unwrap_or(raw);
            if l.trim().is_empty() {
                continue;
            }
            if !header_seen {
                if line == 1
                    && let Some(comment) = l.strip_prefix('#')
                {
                    parse_comment(comment, &mut meta)?;
                    continue;
                }
                if l.trim() != EPSS_HEADER {
                    return Err(FeedError::at_line(
                        line,
                        None,
                        FeedErrorKind::InvalidHeader {
                            found: clip(l.trim()),
                        },
                    ));
                }
                header_seen = true;
                continue;
            }
            let fields: Vec<&str> = l.split(',').map(str::trim).collect();
            let [cve, epss, percentile] = fields[..] else {
                return Err(FeedError::at_line(
                    line,
                    None,
                    FeedErrorKind::FieldCount {
                        found: fields.len(),
                    },
                ));
            };
            if !is_cve_id(cve) {
                return Err(FeedError::at_line(
                    line,
                    Some("cve"),
                    FeedErrorKind::InvalidCveId { value: clip(cve) },
                ));
            }
            let epss = probability(line, "epss", epss)?;
            let percentile = probability(line, "percentile", percentile)?;
            match scores.entry(cve.to_owned()) {
                Entry::Occupied(_) => {
                    return Err(FeedError::at_line(
                        line,
                        Some("cve"),
                        FeedErrorKind::DuplicateCve {
                            cve: cve.to_owned(),
                            first: format!("line {}", first_row_of(text, cve)),
                        },
                    ));
                }
                Entry::Vacant(e) => {
                    e.insert(EpssScore { epss, percentile });
                }
            }
        }
        if !header_seen {
            return Err(FeedError::whole(Feed::Epss, FeedErrorKind::MissingHeader));
        }
        meta.rows = scores.len();
        Ok(EpssScores { meta, scores })
    }

    /// Parse EPSS CSV bytes (UTF-8; gzip is recognised and rejected).
    ///
    /// # Errors
    /// As [`EpssScores::from_csv`], plus [`FeedErrorKind::InvalidEncoding`] and
    /// [`FeedErrorKind::Compressed`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FeedError> {
        EpssScores::from_csv(text_of(Feed::Epss, bytes)?)
    }

    /// What the file says about itself.
    pub fn meta(&self) -> &EpssMeta {
        &self.meta
    }

    /// How many CVEs are scored.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// True when no CVE is scored.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The score of a CVE id (exact, upper-case form).
    pub fn get(&self, cve: &str) -> Option<&EpssScore> {
        self.scores.get(cve)
    }

    /// Every score, by CVE id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &EpssScore)> {
        self.scores.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// The line of the first row of `cve` (only looked up to report a duplicate, so the parser
/// keeps one map, not a second one of line numbers).
fn first_row_of(text: &str, cve: &str) -> usize {
    text.split('\n')
        .position(|l| l.split(',').next().map(str::trim) == Some(cve))
        .map_or(0, |i| i + 1)
}

fn parse_comment(comment: &str, meta: &mut EpssMeta) -> Result<(), FeedError> {
    for piece in comment.split(',') {
        let Some((key, value)) = piece.split_once(':') else {
            return Err(FeedError::at_line(
                1,
                None,
                FeedErrorKind::InvalidComment { piece: clip(piece) },
            ));
        };
        match key.trim() {
            "model_version" => meta.model_version = Some(value.trim().to_owned()),
            "score_date" => meta.score_date = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    Ok(())
}

fn probability(line: usize, field: &'static str, text: &str) -> Result<f64, FeedError> {
    let v: f64 = text.parse().map_err(|_| {
        FeedError::at_line(
            line,
            Some(field),
            FeedErrorKind::NotANumber { value: clip(text) },
        )
    })?;
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(FeedError::at_line(
            line,
            Some(field),
            FeedErrorKind::NotAProbability { value: clip(text) },
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Enrichment

/// What [`enrich`] did.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnrichReport {
    /// Findings examined (every finding of every organisation).
    pub findings: usize,
    /// Findings with a `cve` of the form `CVE-YYYY-NNNN` (case and surrounding spaces ignored).
    pub with_cve: usize,
    /// Findings whose `cve` is not a CVE id even so; they are not looked up.
    pub invalid_cve: usize,
    /// Findings whose CVE the KEV catalogue lists.
    pub kev_listed: usize,
    /// Findings whose `kev` was raised from false to true.
    pub kev_enriched: usize,
    /// Of the KEV-listed findings, those whose CVE the catalogue added after the portfolio's
    /// `as_of`. They are flagged all the same (the document has one `kev` per finding, not one
    /// per date); this count tells a caller rating past dates that the flag is anachronistic.
    pub kev_added_after_as_of: usize,
    /// Findings whose CVE has an EPSS score.
    pub epss_known: usize,
    /// Findings whose `epss` was changed: set where absent, or replaced by a different value
    /// when overwriting.
    pub epss_enriched: usize,
    /// Findings whose stated `epss` was kept although the feed scores the CVE (not overwriting).
    pub skipped_explicit: usize,
    /// The KEV catalogue used, if any.
    pub kev: Option<KevMeta>,
    /// The EPSS scores used, if any.
    pub epss: Option<EpssMeta>,
}

/// Set `kev` and `epss` on the findings whose CVE the feeds know.
///
/// A finding's `cve` is looked up trimmed and upper-cased. Then:
///
/// * **kev** — `kev: true` in the document is explicit and never lowered; `kev: false` (also the
///   default when the field is absent) is raised to true when the catalogue lists the CVE. A CVE
///   the catalogue does not list is left as it is: absence from KEV is not evidence that a
///   vulnerability is not exploited.
/// * **epss** — a stated `epss` is explicit and kept unless `overwrite`; an absent one is set
///   from the feed.
///
/// Findings without a CVE, or whose CVE no feed knows, are untouched. The feeds' values are
/// already checked (CVE ids, probabilities in [0, 1]), so an enriched document stays valid.
///
/// ```
/// use risk_core::feeds::{enrich, KevCatalog};
/// let mut doc = risk_core::parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "RBS",
///     "findings": [{"id": "F-1", "kind": "vulnerability", "cve": "CVE-2024-3400", "first_seen": "2025-08-01"}]}]}"#).unwrap();
/// let kev = KevCatalog::from_json(r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400"}]}"#).unwrap();
/// let report = enrich(&mut doc, Some(&kev), None, false);
/// assert!(doc.organisations[0].findings[0].kev);
/// assert_eq!(report.kev_enriched, 1);
/// ```
pub fn enrich(
    portfolio: &mut Portfolio,
    kev: Option<&KevCatalog>,
    epss: Option<&EpssScores>,
    overwrite: bool,
) -> EnrichReport {
    let mut r = EnrichReport {
        kev: kev.map(|k| k.meta.clone()),
        epss: epss.map(|e| e.meta.clone()),
        ..EnrichReport::default()
    };
    let as_of = portfolio.as_of;
    for finding in portfolio
        .organisations
        .iter_mut()
        .flat_map(|o| o.findings.iter_mut())
    {
        r.findings += 1;
        let Some(stated) = finding.cve.as_deref() else {
            continue;
        };
        let Some(cve) = normalise_cve(stated) else {
            r.invalid_cve += 1;
            continue;
        };
        r.with_cve += 1;
        if let Some(entry) = kev.and_then(|k| k.get(&cve)) {
            r.kev_listed += 1;
            if entry.date_added.is_some_and(|d| d > as_of) {
                r.kev_added_after_as_of += 1;
            }
            if !finding.kev {
                finding.kev = true;
                r.kev_enriched += 1;
            }
        }
        if let Some(score) = epss.and_then(|e| e.get(&cve)) {
            r.epss_known += 1;
            match finding.epss {
                None => {
                    finding.epss = Some(score.epss);
                    r.epss_enriched += 1;
                }
                Some(old) if overwrite => {
                    if old != score.epss {
                        finding.epss = Some(score.epss);
                        r.epss_enriched += 1;
                    }
                }
                Some(_) => r.skipped_explicit += 1,
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        assert!(is_cve_id("CVE-1999-0001"));
        assert!(is_cve_id("CVE-2021-1234567890123456789"));
        assert!(!is_cve_id("CVE-2021-12345678901234567890"));
        assert!(!is_cve_id("CVE-21-1234"));
        assert!(!is_cve_id("CVE-2021-12a4"));
        assert!(!is_cve_id("CVE-2021"));
        assert!(!is_cve_id(" CVE-2021-1234"));
        assert_eq!(
            normalise_cve(" cve-2021-44228 ").as_deref(),
            Some("CVE-2021-44228")
        );
        assert_eq!(normalise_cve("GHSA-xxxx"), None);
    }

    #[test]
    fn clip_keeps_char_boundaries() {
        let long = "é".repeat(50);
        let c = clip(&long);
        assert_eq!(c.chars().count(), 41);
        assert!(c.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn kev_field_from_path() {
        let e = FeedError::at_path(
            "vulnerabilities[3].cveID".into(),
            None,
            FeedErrorKind::Compressed,
        );
        assert_eq!(e.field(), Some("cveID"));
        let e = FeedError::at_path("vulnerabilities[3]".into(), None, FeedErrorKind::Compressed);
        assert_eq!(e.field(), Some("vulnerabilities"));
        let e = FeedError::at_path(String::new(), None, FeedErrorKind::Compressed);
        assert_eq!(e.field(), None);
    }
}
