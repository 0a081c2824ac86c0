//! Nessus v2 XML (`.nessus`) exports in → vulnerability findings.
//!
//! The format (Tenable's "Nessus v2 file format"): a `NessusClientData_v2` root holding an
//! optional `Policy` and one `Report name="…"` of `ReportHost name="…"` elements; each host has
//! `HostProperties` (`<tag name="…">value</tag>`) and `ReportItem` elements (attributes `port`,
//! `svc_name`, `protocol`, `severity` 0–4, `pluginID`, `pluginName`, `pluginFamily`; child
//! elements such as `cve`, `cvss3_vector`, `cvss3_base_score`, `cvss_vector`, `risk_factor`).
//!
//! | evidence | Nessus |
//! |---|---|
//! | record | one `ReportItem` |
//! | asset | the host's `host-fqdn` tag, else `ReportHost@name` |
//! | `cve` | each `cve` child: one finding per (asset, CVE); an item with no CVE is skipped (`no_cve`), an item of severity 0 as `informational` |
//! | `cvss` | `cvss4_vector` when present (newer Nessus), else `cvss3_vector` (`CVSS:3.0/…`); without a vector, `cvss3_base_score` as `cvss_score`; CVSS v2 (`cvss_vector`) is ignored |
//! | `epss` | `epss_score` when present, in [0, 1] |
//! | `kev` | a `cisa-known-exploited` child (Tenable's KEV date), or the CVE in the KEV feed given |
//! | `first_seen` | the scan's start: the host's `HOST_START_TIMESTAMP` tag (epoch seconds), else `HOST_START` (`Tue Sep 30 10:00:00 2025`); a scan dated after `as_of` is skipped (`outside_window`) |
//! | `resolved_on` | never: a scan reports what is open |
//! | attribution | `Report@name` by the `nessus_report` map, else the domain of `host-fqdn` by the `device_domain` map |
//! | plugin family | counted in the report (`by_plugin_family`) |
//!
//! `internet_facing` and `asset_criticality` are not in a Nessus export: the defaults (false,
//! medium) apply.
//!
//! **Hostile XML is refused**, not parsed around: any DTD (`<!DOCTYPE`) — entities are never
//! expanded, so the billion-laughs and external-entity attacks have nothing to work with —, an
//! entity other than the five predefined ones and character references, nesting deeper than
//! `max_depth`, and more than `max_record_bytes` of text or of one tag without a `<` or `>`.
//! Parsing is by quick-xml's pull reader, which streams from the caller's reader and never
//! builds a tree; the reader is fed in chunks of at most 64 KiB so one node can never take more
//! than the limit plus a chunk.

use std::io::{self, BufRead, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::SkipReason;
use super::collect::{At, State, VulnIn, date_from_millis};
use super::error::{IngestError, IngestErrorKind};
use crate::feeds::is_cve_id;
use crate::input::date::Date;
use crate::input::document::AssetCriticality;

const CHUNK: usize = 64 << 10;

/// A reader that counts lines, hands out at most [`CHUNK`] bytes at a time and fails once more
/// than `max_run` bytes pass without a `<` or `>` (one text node or tag too large).
struct Bounded<R> {
    inner: R,
    max_run: usize,
    run: usize,
    line: u64,
    tripped: bool,
}

impl<R: BufRead> Read for Bounded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Bounded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.tripped {
            return Err(io::Error::other("node size limit"));
        }
        let buf = self.inner.fill_buf()?;
        let n = buf.len().min(CHUNK);
        Ok(&buf[..n])
    }

    fn consume(&mut self, n: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            for &b in &buf[..n.min(buf.len())] {
                match b {
                    b'<' | b'>' => self.run = 0,
                    b'\n' => {
                        self.line += 1;
                        self.run += 1;
                    }
                    _ => self.run += 1,
                }
                if self.run > self.max_run {
                    self.tripped = true;
                }
            }
        }
        self.inner.consume(n);
    }
}

#[derive(Default)]
struct Item {
    record: u64,
    line: u64,
    index: u64,
    severity: String,
    family: String,
    cves: Vec<String>,
    cvss3: Option<String>,
    cvss3_score: Option<String>,
    cvss4: Option<String>,
    epss: Option<String>,
    kev: bool,
}

#[derive(Default)]
struct Host {
    index: u64,
    name: String,
    fqdn: Option<String>,
    start_ts: Option<String>,
    start: Option<String>,
    items: Vec<Item>,
}

/// Which text is being collected.
#[derive(Clone, Copy, PartialEq)]
enum Collect {
    None,
    Tag,
    Cve,
    Cvss3,
    Cvss3Score,
    Cvss4,
    Epss,
}

pub(crate) fn read<R: BufRead>(
    state: &mut State,
    reader: R,
    source: &str,
) -> Result<(), IngestError> {
    let limits = state.options.limits.clone();
    let bounded = Bounded {
        inner: reader,
        max_run: limits.max_record_bytes,
        run: 0,
        line: 1,
        tripped: false,
    };
    let mut xml = Reader::from_reader(bounded);
    xml.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut doc = Doc::new();

    loop {
        let line = xml.get_ref().line;
        let ev = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let (kind, msg) = read_error(e, xml.get_ref().tripped, limits.max_record_bytes);
                return Err(doc.fail(source, line, kind, msg));
            }
        };
        match ev {
            Event::DocType(_) => {
                return Err(doc.fail(
                    source,
                    line,
                    IngestErrorKind::XmlDtdRefused,
                    "the XML has a DOCTYPE; a Nessus export has none, and entity declarations \
                     are never expanded here"
                        .to_owned(),
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                doc.start(source, e, line, limits.max_depth)?;
                if empty {
                    let name = doc.stack.pop().unwrap_or_default();
                    doc.end(state, source, &name);
                }
            }
            Event::End(_) => {
                let name = doc.stack.pop().unwrap_or_default();
                doc.end(state, source, &name);
            }
            Event::Text(t) if doc.collect != Collect::None => {
                let s = t.decode().map_err(|e| {
                    doc.fail(
                        source,
                        line,
                        IngestErrorKind::InvalidEncoding,
                        e.to_string(),
                    )
                })?;
                doc.text.push_str(&s);
            }
            Event::CData(t) if doc.collect != Collect::None => {
                let s = t.decode().map_err(|e| {
                    doc.fail(
                        source,
                        line,
                        IngestErrorKind::InvalidEncoding,
                        e.to_string(),
                    )
                })?;
                doc.text.push_str(&s);
            }
            Event::GeneralRef(r) => doc.general_ref(&r, source, line)?,
            Event::Eof => return doc.eof(source, line),
            _ => {}
        }
        if doc.text.len() > limits.max_record_bytes {
            return Err(doc.fail(
                source,
                line,
                IngestErrorKind::LimitExceeded,
                format!(
                    "a text node is larger than the limit of {} bytes",
                    limits.max_record_bytes
                ),
            ));
        }
        buf.clear();
    }
}

/// The kind and message of an error of the XML reader (`tripped`: the node size limit).
fn read_error(e: quick_xml::Error, tripped: bool, max_record: usize) -> (IngestErrorKind, String) {
    match e {
        _ if tripped => (
            IngestErrorKind::LimitExceeded,
            format!("a text node or tag is larger than the limit of {max_record} bytes"),
        ),
        quick_xml::Error::Io(io) => (IngestErrorKind::Read, io.to_string()),
        quick_xml::Error::Encoding(enc) => (IngestErrorKind::InvalidEncoding, enc.to_string()),
        quick_xml::Error::Escape(esc) => (IngestErrorKind::XmlUndefinedEntity, esc.to_string()),
        other => (IngestErrorKind::MalformedXml, other.to_string()),
    }
}

/// The reader's place in the document and what it has collected of the report, host and item
/// it is in.
struct Doc {
    /// The open elements, outermost first.
    stack: Vec<String>,
    /// `Report@name`.
    report_name: Option<String>,
    host: Option<Host>,
    item: Option<Item>,
    /// Hosts so far, items so far in this host, items so far in the document.
    hosts: u64,
    items_in_host: u64,
    records: u64,
    /// Which text is being collected, the name of the `tag` it is in, and the text so far.
    collect: Collect,
    tag_name: String,
    text: String,
    seen_root: bool,
}

impl Doc {
    fn new() -> Self {
        Doc {
            stack: Vec::new(),
            report_name: None,
            host: None,
            item: None,
            hosts: 0,
            items_in_host: 0,
            records: 0,
            collect: Collect::None,
            tag_name: String::new(),
            text: String::new(),
            seen_root: false,
        }
    }

    /// The path of the element the reader is in, with host and item indices:
    /// `NessusClientData_v2/Report/ReportHost[0]/ReportItem[3]`.
    fn path(&self) -> String {
        let mut p = String::new();
        for (i, s) in self.stack.iter().enumerate() {
            if i > 0 {
                p.push('/');
            }
            p.push_str(s);
            if s == "ReportHost"
                && let Some(h) = &self.host
            {
                p.push_str(&format!("[{}]", h.index));
            }
            if s == "ReportItem"
                && let Some(it) = &self.item
            {
                p.push_str(&format!("[{}]", it.index));
            }
        }
        p
    }

    /// An error at the reader's place (`line`, the item's record, the element path).
    fn fail(&self, source: &str, line: u64, kind: IngestErrorKind, msg: String) -> IngestError {
        IngestError::new(
            kind,
            source,
            self.item.as_ref().map(|i| i.record),
            Some(line),
            self.path(),
            msg,
        )
    }

    /// An element opens: check the root and depth, start a report, host, tag or item, or start
    /// collecting an item's child.
    #[inline]
    fn start(
        &mut self,
        source: &str,
        e: &BytesStart<'_>,
        line: u64,
        max_depth: usize,
    ) -> Result<(), IngestError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        if !self.seen_root {
            self.seen_root = true;
            if name != "NessusClientData_v2" {
                return Err(self.fail(
                    source,
                    line,
                    IngestErrorKind::NotNessus,
                    format!(
                        "the root element is `{}`, not NessusClientData_v2 (Nessus v2)",
                        crate::text::clip(&name, 40)
                    ),
                ));
            }
        }
        if self.stack.len() + 1 > max_depth {
            return Err(self.fail(
                source,
                line,
                IngestErrorKind::LimitExceeded,
                format!("elements nested deeper than {max_depth}"),
            ));
        }
        let parent = self.stack.last().map(String::as_str).unwrap_or("");
        let attr = |key: &str| -> Result<Option<String>, IngestError> {
            attribute(e, key).map_err(|m| {
                IngestError::new(
                    IngestErrorKind::XmlUndefinedEntity,
                    source,
                    None,
                    Some(line),
                    String::new(),
                    m,
                )
            })
        };
        match (parent, name.as_str()) {
            ("NessusClientData_v2", "Report") => {
                self.report_name = attr("name")?;
            }
            ("Report", "ReportHost") => {
                self.host = Some(Host {
                    index: self.hosts,
                    name: attr("name")?.unwrap_or_default(),
                    ..Host::default()
                });
                self.hosts += 1;
                self.items_in_host = 0;
            }
            ("HostProperties", "tag") => {
                self.tag_name = attr("name")?.unwrap_or_default();
                self.collect = Collect::Tag;
                self.text.clear();
            }
            ("ReportHost", "ReportItem") => {
                self.item = Some(Item {
                    record: self.records,
                    line,
                    index: self.items_in_host,
                    severity: attr("severity")?.unwrap_or_default(),
                    family: attr("pluginFamily")?.unwrap_or_default(),
                    ..Item::default()
                });
                self.records += 1;
                self.items_in_host += 1;
            }
            ("ReportItem", child) => {
                self.collect = match child {
                    "cve" => Collect::Cve,
                    "cvss3_vector" => Collect::Cvss3,
                    "cvss3_base_score" => Collect::Cvss3Score,
                    "cvss4_vector" => Collect::Cvss4,
                    "epss_score" => Collect::Epss,
                    "cisa-known-exploited" => {
                        if let Some(it) = self.item.as_mut() {
                            it.kev = true;
                        }
                        Collect::None
                    }
                    _ => Collect::None,
                };
                self.text.clear();
            }
            _ => {}
        }
        self.stack.push(name);
        Ok(())
    }

    /// Element `name` closes: keep the text collected, the item in its host, the host's
    /// findings.
    #[inline]
    fn end(&mut self, state: &mut State, source: &str, name: &str) {
        let value = self.text.trim().to_owned();
        match name {
            "tag" if self.collect == Collect::Tag => {
                if let Some(h) = self.host.as_mut() {
                    match self.tag_name.as_str() {
                        "host-fqdn" => h.fqdn = Some(value),
                        "HOST_START_TIMESTAMP" => h.start_ts = Some(value),
                        "HOST_START" => h.start = Some(value),
                        _ => {}
                    }
                }
            }
            "ReportItem" => {
                if let (Some(h), Some(it)) = (self.host.as_mut(), self.item.take()) {
                    h.items.push(it);
                }
            }
            "ReportHost" => {
                if let Some(h) = self.host.take() {
                    finish_host(state, source, h, &self.report_name);
                }
            }
            _ => {
                if let Some(it) = self.item.as_mut() {
                    match self.collect {
                        Collect::Cve if name == "cve" => it.cves.push(value),
                        Collect::Cvss3 if name == "cvss3_vector" => it.cvss3 = Some(value),
                        Collect::Cvss3Score if name == "cvss3_base_score" => {
                            it.cvss3_score = Some(value)
                        }
                        Collect::Cvss4 if name == "cvss4_vector" => it.cvss4 = Some(value),
                        Collect::Epss if name == "epss_score" => it.epss = Some(value),
                        _ => {}
                    }
                }
            }
        }
        self.collect = Collect::None;
    }

    /// A character or entity reference: one of XML's five predefined entities or a character
    /// reference is text; anything else is refused.
    fn general_ref(
        &mut self,
        r: &quick_xml::events::BytesRef<'_>,
        source: &str,
        line: u64,
    ) -> Result<(), IngestError> {
        let resolved = match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            Ok(None) => {
                let name = r.decode().map_err(|e| {
                    self.fail(
                        source,
                        line,
                        IngestErrorKind::InvalidEncoding,
                        e.to_string(),
                    )
                })?;
                quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
            }
            Err(_) => None,
        };
        match resolved {
            Some(s) => {
                if self.collect != Collect::None {
                    self.text.push_str(&s);
                }
                Ok(())
            }
            None => {
                let name = String::from_utf8_lossy(r).into_owned();
                Err(self.fail(
                    source,
                    line,
                    IngestErrorKind::XmlUndefinedEntity,
                    format!(
                        "entity `&{};` is not one of XML's predefined entities",
                        crate::text::clip(&name, 40)
                    ),
                ))
            }
        }
    }

    /// The end of the input: a root was read and every element closed.
    fn eof(&self, source: &str, line: u64) -> Result<(), IngestError> {
        if !self.seen_root {
            return Err(self.fail(
                source,
                line,
                IngestErrorKind::NotNessus,
                "no root element: not a Nessus v2 export".to_owned(),
            ));
        }
        if !self.stack.is_empty() {
            return Err(self.fail(
                source,
                line,
                IngestErrorKind::MalformedXml,
                format!(
                    "the input ends inside <{}> (truncated input?)",
                    self.stack.last().map(String::as_str).unwrap_or("")
                ),
            ));
        }
        Ok(())
    }
}

fn attribute(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        if a.key.as_ref() == key.as_bytes() {
            return a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| Some(v.into_owned()))
                .map_err(|e| e.to_string());
        }
    }
    Ok(None)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Tue Sep 30 10:00:00 2025` → 2025-09-30.
fn parse_host_start(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 5 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == parts[1])? as u32 + 1;
    let day = parts[2].parse().ok()?;
    let year = parts[4].parse().ok()?;
    Date::from_ymd(year, month, day)
}

fn finish_host(state: &mut State, source: &str, h: Host, report_name: &Option<String>) {
    let max_str = state.options.limits.max_string_bytes;
    let host_path = format!("NessusClientData_v2/Report/ReportHost[{}]", h.index);
    let asset = h
        .fqdn
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(h.name.trim())
        .to_owned();
    let scan = scan_start(&h);
    let org = report_name
        .as_ref()
        .and_then(|r| state.options.attribution.nessus_report.get(r).cloned())
        .or_else(|| {
            h.fqdn
                .as_deref()
                .and_then(|f| f.split_once('.'))
                .and_then(|(_, dom)| state.options.attribution.domain(dom))
                .map(str::to_owned)
        });
    for it in &h.items {
        state.report.records_read += 1;
        *state.report.by_class.entry("nessus".into()).or_insert(0) += 1;
        let item_path = format!("{host_path}/ReportItem[{}]", it.index);
        let at = At {
            source,
            record: it.record,
            line: it.line,
        };
        let invalid = |state: &mut State, path: String, code: &str, msg: String| {
            state.problem(at, path, code, msg, true);
            state.skip(SkipReason::Invalid);
        };
        if it.severity.trim() == "0" {
            state.skip(SkipReason::Informational);
            continue;
        }
        if it.cves.is_empty() {
            state.skip(SkipReason::NoCve);
            continue;
        }
        let (first_seen, time) = match &scan {
            Ok(x) => *x,
            Err(m) => {
                invalid(
                    state,
                    format!("{host_path}/HostProperties"),
                    "missing_field",
                    m.clone(),
                );
                continue;
            }
        };
        if first_seen > state.options.as_of {
            state.skip(SkipReason::OutsideWindow);
            continue;
        }
        if asset.is_empty() || asset.len() > max_str {
            invalid(
                state,
                host_path.clone(),
                "missing_field",
                format!("the host has no name or host-fqdn of at most {max_str} bytes"),
            );
            continue;
        }
        let values = match item_values(it, max_str) {
            Ok(v) => v,
            Err((el, code, msg)) => {
                invalid(state, format!("{item_path}/{el}"), code, msg);
                continue;
            }
        };
        let Some(org) = org.clone() else {
            let msg = unattributable_message(report_name, &h.fqdn);
            state.problem(at, item_path, "unattributable", msg, true);
            state.skip(SkipReason::Unattributable);
            continue;
        };
        let mut any_new = false;
        let cvss: Option<std::sync::Arc<str>> = values.cvss.as_deref().map(Into::into);
        for cve in values.cves {
            let kev = it.kev || state.options.kev.as_ref().is_some_and(|k| k.contains(&cve));
            any_new |= state.add_vuln(
                &org,
                (&asset, &cve),
                VulnIn {
                    time,
                    asset: &asset,
                    key: &cve,
                    has_cve: true,
                    cvss: cvss.as_ref(),
                    cvss_score: values.cvss_score,
                    epss: values.epss,
                    kev,
                    internet_facing: false,
                    criticality: AssetCriticality::Medium,
                    first_seen,
                    resolved_on: None,
                },
            );
        }
        state.used(any_new);
        if any_new {
            *state
                .report
                .by_plugin_family
                .entry(it.family.clone())
                .or_insert(0) += 1;
        }
    }
}

/// The scan's start, as a date and in ms since the epoch: the host's `HOST_START_TIMESTAMP`
/// tag, else `HOST_START`; the message when neither reads.
fn scan_start(h: &Host) -> Result<(Date, i64), String> {
    match (&h.start_ts, &h.start) {
        (Some(ts), _) if ts.parse::<i64>().is_ok() => {
            let secs: i64 = ts.parse().unwrap_or(0);
            match secs
                .checked_mul(1000)
                .and_then(|ms| date_from_millis(ms).map(|d| (d, ms)))
            {
                Some(x) => Ok(x),
                None => Err(format!("HOST_START_TIMESTAMP {secs} is out of range")),
            }
        }
        (_, Some(s)) => match parse_host_start(s) {
            Some(d) => Ok((
                d,
                d.days_since(Date::from_ymd(1970, 1, 1).unwrap_or(d)) * 86_400_000,
            )),
            None => Err(format!(
                "HOST_START `{}` is not a date like `Tue Sep 30 10:00:00 2025`",
                crate::text::clip(s, 40)
            )),
        },
        _ => Err("the host has no HOST_START_TIMESTAMP or HOST_START tag".into()),
    }
}

/// What a `ReportItem` reports, read and checked.
struct ItemValues {
    /// The CVSS v4 vector, else the v3 one.
    cvss: Option<String>,
    /// The v3 base score, when there is no vector.
    cvss_score: Option<f64>,
    epss: Option<f64>,
    /// The CVE ids, upper-cased.
    cves: Vec<String>,
}

/// The item's CVSS, EPSS and CVE ids; else the child element, code and message of its problem
/// (of the CVE ids before the EPSS score before the CVSS).
fn item_values(
    it: &Item,
    max_str: usize,
) -> Result<ItemValues, (&'static str, &'static str, String)> {
    // CVSS: v4 vector, else v3 vector, else v3 base score.
    let mut cvss = None;
    let mut cvss_score = None;
    let mut bad = None;
    if let Some((v, el)) = it
        .cvss4
        .as_ref()
        .map(|v| (v, "cvss4_vector"))
        .or(it.cvss3.as_ref().map(|v| (v, "cvss3_vector")))
    {
        if v.len() > max_str {
            bad = Some((el, "limit_exceeded", format!("longer than {max_str} bytes")));
        } else if let Err(e) = crate::cvss::base_score(v) {
            bad = Some((el, "invalid_cvss", e));
        } else {
            cvss = Some(v.clone());
        }
    } else if let Some(s) = &it.cvss3_score {
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=10.0).contains(&x) => cvss_score = Some(x),
            _ => {
                bad = Some((
                    "cvss3_base_score",
                    "invalid_cvss_score",
                    format!(
                        "`{}` is not a CVSS score in [0, 10]",
                        crate::text::clip(s, 40)
                    ),
                ))
            }
        }
    }
    let mut epss = None;
    if let Some(s) = &it.epss {
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=1.0).contains(&x) => epss = Some(x),
            _ => {
                bad = Some((
                    "epss_score",
                    "invalid_probability",
                    format!(
                        "`{}` is not a probability in [0, 1]",
                        crate::text::clip(s, 40)
                    ),
                ))
            }
        }
    }
    let mut cves = Vec::with_capacity(it.cves.len());
    for c in &it.cves {
        let up = c.to_ascii_uppercase();
        if !is_cve_id(&up) {
            bad = Some((
                "cve",
                "invalid_cve",
                format!(
                    "`{}` is not a CVE id CVE-YYYY-NNNN",
                    crate::text::clip(c, 40)
                ),
            ));
            break;
        }
        cves.push(up);
    }
    match bad {
        Some(b) => Err(b),
        None => Ok(ItemValues {
            cvss,
            cvss_score,
            epss,
            cves,
        }),
    }
}

/// Why a host's findings have no organisation, naming what was tried.
fn unattributable_message(report_name: &Option<String>, fqdn: &Option<String>) -> String {
    match (report_name, fqdn) {
        (Some(r), Some(f)) => format!(
            "no attribution map names the report `{}` or the domain of `{}`",
            crate::text::clip(r, 60),
            crate::text::clip(f, 60)
        ),
        (Some(r), None) => format!(
            "no attribution map names the report `{}` (and the host has no host-fqdn)",
            crate::text::clip(r, 60)
        ),
        (None, Some(f)) => format!(
            "no attribution map names the domain of `{}`",
            crate::text::clip(f, 60)
        ),
        (None, None) => "no report name or host-fqdn to attribute it by".into(),
    }
}
