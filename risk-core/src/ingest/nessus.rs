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
    let mut stack: Vec<String> = Vec::new();
    let mut report_name: Option<String> = None;
    let mut host: Option<Host> = None;
    let mut item: Option<Item> = None;
    let mut hosts = 0u64;
    let mut items_in_host = 0u64;
    let mut records = 0u64;
    let mut collect = Collect::None;
    let mut tag_name = String::new();
    let mut text = String::new();
    let mut seen_root = false;

    let path_of = |stack: &[String], host: &Option<Host>, item: &Option<Item>| -> String {
        let mut p = String::new();
        for (i, s) in stack.iter().enumerate() {
            if i > 0 {
                p.push('/');
            }
            p.push_str(s);
            if s == "ReportHost"
                && let Some(h) = host
            {
                p.push_str(&format!("[{}]", h.index));
            }
            if s == "ReportItem"
                && let Some(it) = item
            {
                p.push_str(&format!("[{}]", it.index));
            }
        }
        p
    };

    loop {
        let line = xml.get_ref().line;
        let ev = xml.read_event_into(&mut buf);
        macro_rules! fail {
            ($kind:expr, $msg:expr) => {
                IngestError::new(
                    $kind,
                    source,
                    item.as_ref().map(|i| i.record),
                    Some(line),
                    path_of(&stack, &host, &item),
                    $msg,
                )
            };
        }
        let ev = match ev {
            Ok(e) => e,
            Err(e) => {
                let tripped = xml.get_ref().tripped;
                let (kind, msg) = match e {
                    _ if tripped => (
                        IngestErrorKind::LimitExceeded,
                        format!(
                            "a text node or tag is larger than the limit of {} bytes",
                            limits.max_record_bytes
                        ),
                    ),
                    quick_xml::Error::Io(io) => (IngestErrorKind::Read, io.to_string()),
                    quick_xml::Error::Encoding(enc) => {
                        (IngestErrorKind::InvalidEncoding, enc.to_string())
                    }
                    quick_xml::Error::Escape(esc) => {
                        (IngestErrorKind::XmlUndefinedEntity, esc.to_string())
                    }
                    other => (IngestErrorKind::MalformedXml, other.to_string()),
                };
                return Err(fail!(kind, msg));
            }
        };
        match ev {
            Event::DocType(_) => {
                return Err(fail!(
                    IngestErrorKind::XmlDtdRefused,
                    "the XML has a DOCTYPE; a Nessus export has none, and entity declarations \
                     are never expanded here"
                        .to_owned()
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if !seen_root {
                    seen_root = true;
                    if name != "NessusClientData_v2" {
                        return Err(fail!(
                            IngestErrorKind::NotNessus,
                            format!(
                                "the root element is `{}`, not NessusClientData_v2 (Nessus v2)",
                                crate::text::clip(&name, 40)
                            )
                        ));
                    }
                }
                if stack.len() + 1 > limits.max_depth {
                    return Err(fail!(
                        IngestErrorKind::LimitExceeded,
                        format!("elements nested deeper than {}", limits.max_depth)
                    ));
                }
                let parent = stack.last().map(String::as_str).unwrap_or("");
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
                        report_name = attr("name")?;
                    }
                    ("Report", "ReportHost") => {
                        host = Some(Host {
                            index: hosts,
                            name: attr("name")?.unwrap_or_default(),
                            ..Host::default()
                        });
                        hosts += 1;
                        items_in_host = 0;
                    }
                    ("HostProperties", "tag") => {
                        tag_name = attr("name")?.unwrap_or_default();
                        collect = Collect::Tag;
                        text.clear();
                    }
                    ("ReportHost", "ReportItem") => {
                        item = Some(Item {
                            record: records,
                            line,
                            index: items_in_host,
                            severity: attr("severity")?.unwrap_or_default(),
                            family: attr("pluginFamily")?.unwrap_or_default(),
                            ..Item::default()
                        });
                        records += 1;
                        items_in_host += 1;
                    }
                    ("ReportItem", child) => {
                        collect = match child {
                            "cve" => Collect::Cve,
                            "cvss3_vector" => Collect::Cvss3,
                            "cvss3_base_score" => Collect::Cvss3Score,
                            "cvss4_vector" => Collect::Cvss4,
                            "epss_score" => Collect::Epss,
                            "cisa-known-exploited" => {
                                if let Some(it) = item.as_mut() {
                                    it.kev = true;
                                }
                                Collect::None
                            }
                            _ => Collect::None,
                        };
                        text.clear();
                    }
                    _ => {}
                }
                stack.push(name);
                if empty {
                    let name = stack.pop().unwrap_or_default();
                    end_element(
                        state,
                        source,
                        &name,
                        &mut collect,
                        &tag_name,
                        &text,
                        &mut host,
                        &mut item,
                        &report_name,
                    );
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                end_element(
                    state,
                    source,
                    &name,
                    &mut collect,
                    &tag_name,
                    &text,
                    &mut host,
                    &mut item,
                    &report_name,
                );
            }
            Event::Text(t) if collect != Collect::None => {
                let s = t
                    .decode()
                    .map_err(|e| fail!(IngestErrorKind::InvalidEncoding, e.to_string()))?;
                text.push_str(&s);
            }
            Event::CData(t) if collect != Collect::None => {
                let s = t
                    .decode()
                    .map_err(|e| fail!(IngestErrorKind::InvalidEncoding, e.to_string()))?;
                text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => {
                        let name = r
                            .decode()
                            .map_err(|e| fail!(IngestErrorKind::InvalidEncoding, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                    }
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => {
                        if collect != Collect::None {
                            text.push_str(&s);
                        }
                    }
                    None => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        return Err(fail!(
                            IngestErrorKind::XmlUndefinedEntity,
                            format!(
                                "entity `&{};` is not one of XML's predefined entities",
                                crate::text::clip(&name, 40)
                            )
                        ));
                    }
                }
            }
            Event::Eof => {
                if !seen_root {
                    return Err(fail!(
                        IngestErrorKind::NotNessus,
                        "no root element: not a Nessus v2 export".to_owned()
                    ));
                }
                if !stack.is_empty() {
                    return Err(fail!(
                        IngestErrorKind::MalformedXml,
                        format!(
                            "the input ends inside <{}> (truncated input?)",
                            stack.last().map(String::as_str).unwrap_or("")
                        )
                    ));
                }
                return Ok(());
            }
            _ => {}
        }
        if text.len() > limits.max_record_bytes {
            return Err(fail!(
                IngestErrorKind::LimitExceeded,
                format!(
                    "a text node is larger than the limit of {} bytes",
                    limits.max_record_bytes
                )
            ));
        }
        buf.clear();
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

#[allow(clippy::too_many_arguments)]
fn end_element(
    state: &mut State,
    source: &str,
    name: &str,
    collect: &mut Collect,
    tag_name: &str,
    text: &str,
    host: &mut Option<Host>,
    item: &mut Option<Item>,
    report_name: &Option<String>,
) {
    let value = text.trim().to_owned();
    match name {
        "tag" if *collect == Collect::Tag => {
            if let Some(h) = host.as_mut() {
                match tag_name {
                    "host-fqdn" => h.fqdn = Some(value),
                    "HOST_START_TIMESTAMP" => h.start_ts = Some(value),
                    "HOST_START" => h.start = Some(value),
                    _ => {}
                }
            }
        }
        "ReportItem" => {
            if let (Some(h), Some(it)) = (host.as_mut(), item.take()) {
                h.items.push(it);
            }
        }
        "ReportHost" => {
            if let Some(h) = host.take() {
                finish_host(state, source, h, report_name);
            }
        }
        _ => {
            if let Some(it) = item.as_mut() {
                match *collect {
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
    *collect = Collect::None;
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
    let scan: Result<(Date, i64), String> = match (&h.start_ts, &h.start) {
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
    };
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
    for it in h.items {
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
        if let Some((el, code, msg)) = bad {
            invalid(state, format!("{item_path}/{el}"), code, msg);
            continue;
        }
        let Some(org) = org.clone() else {
            let msg = match (report_name, &h.fqdn) {
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
            };
            state.problem(at, item_path, "unattributable", msg, true);
            state.skip(SkipReason::Unattributable);
            continue;
        };
        let mut any_new = false;
        let cvss: Option<std::sync::Arc<str>> = cvss.as_deref().map(Into::into);
        for cve in cves {
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
                    cvss_score,
                    epss,
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
