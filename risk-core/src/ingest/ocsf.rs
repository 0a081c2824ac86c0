//! OCSF 1.x events in: Vulnerability Finding (2002) → findings, Device Inventory Info (5001) →
//! coverage metrics, Compliance Finding (2003) → assessments. Detection Finding (2004) is counted
//! (`detection_finding`), every other class is counted as `unsupported_class`; neither is an
//! error.
//!
//! ## Every event
//!
//! * `class_uid` (required), `time` (required, epoch milliseconds; the event's date — an event
//!   dated after `as_of` is skipped as `outside_window`), `metadata.version` (required, `1.x.y`;
//!   a major version other than 1 is a problem).
//! * Events are checked against the schema version they declare, for the fields read here: a
//!   class or field newer than the declared version (table [`FIELD_SINCE`]) is a
//!   `field_not_in_version` problem and the event is skipped.
//! * Attribution ([`super::Attribution`]): `metadata.tenant_uid`, then `cloud.account.uid`, then
//!   `device.domain`, then the domain of `device.hostname`.
//! * A record that is not a JSON object, has a field of the wrong JSON type or misses a required
//!   field is a problem naming the JSON path (`[7].vulnerabilities[0].cve.uid`) and is skipped.
//!
//! ## Vulnerability Finding (2002) → `findings`
//!
//! | evidence | OCSF field |
//! |---|---|
//! | asset | `device.uid`, else `device.hostname`, `device.name`, `device.ip`, else the first of `resources[]` (`uid`, `hostname`, `name`), else `resource` (deprecated in 1.3) |
//! | finding key | `finding_info.uid` (required): reports of one uid are one finding; the latest `time` wins, and the first seen date is the earliest reported |
//! | `cve` | `vulnerabilities[].cve.uid` (a CVE id, upper-cased); one finding per vulnerability; without one the finding is keyed by `finding_info.uid` |
//! | `cvss` | `vulnerabilities[].cve.cvss[].vector_string` of version 4.0, else 3.1, else 3.0 (prefixed `CVSS:<version>/` when the vector lacks it); v2 is ignored; without a vector, that entry's `base_score` as `cvss_score` |
//! | `epss` | `vulnerabilities[].cve.epss.score` (string or number in [0, 1]) |
//! | `kev` | the CVE is in the KEV feed given, or a `vulnerabilities[].references[]` or `cve.references[]` URL is the CISA KEV catalogue's (contains `known-exploited-vulnerabilities`) |
//! | `internet_facing` | a label `internet-facing` (or `internet_facing`, any case) in `resources[].labels[]` / `resource.labels[]` |
//! | `asset_criticality` | `resources[].criticality` / `resource.criticality`: `low`, `medium`, `high` or `clinical` (any case); another value is a problem and the default `medium` is used |
//! | `first_seen` | `finding_info.first_seen_time`, else `finding_info.created_time`, else `time`; never after `time` |
//! | `resolved_on` | when `status_id` is 4 (Resolved): `finding_info.modified_time`, else `time`; other statuses (New, In Progress, Suppressed, Archived, Other) are open |
//!
//! One finding per (organisation, asset, CVE): the reports of several finding uids for the same
//! pair are merged (earliest first seen; open if any is open, else the latest resolution; KEV or
//! internet-facing if any says so; the highest EPSS and criticality; the CVSS of the latest).
//! The finding's id is `<asset>/<CVE>`.
//!
//! ## Device Inventory Info (5001) → `metrics`
//!
//! Each device (keyed by `device.uid`, else `hostname`, `name`, `ip`) counts once per
//! organisation, in its latest state. The observation date is the latest event's date.
//!
//! | metric | trials | successes |
//! |---|---|---|
//! | `asset_inventory_coverage` | devices in the inventory | devices with `device.is_managed` true |
//! | `edr_coverage` | devices of `device.type_id` 1 Server, 2 Desktop, 3 Laptop or 6 Virtual (those that can run an agent) | of those, devices with an agent of `type_id` 1 (Endpoint Detection and Response) in `device.agent_list[]` |
//! | `iomt_segmentation` | devices of `type_id` 7 (IOT: OCSF has no medical-device type; medical devices are reported as IoT) | of those, devices whose `vlan_uid`, `subnet_uid` or `zone` is one of the options' `segmented_networks` |
//!
//! A metric with no trials is not produced; `iomt_segmentation` is not produced when no
//! segmented networks are given (the report says so).
//!
//! ## Compliance Finding (2003) → `assessments`
//!
//! Only checks of the CAF or the DSPT: a `compliance.standards[]` entry containing `CAF` or
//! `DSPT` (any case); others are skipped as `not_caf_control`. `compliance.control` is the
//! control id (`B4.d`); `compliance.status_id` 1 Pass → achieved, 2 Warning →
//! partially_achieved, 3 Fail → not_achieved (other values are a problem). The assessment date is
//! the event's `time`; the assurance is the options' `compliance_assurance`; the latest event of
//! each `finding_info.uid` wins; `source` is `OCSF compliance finding <uid>`.

use std::io::BufRead;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::SkipReason;
use super::collect::{At, Check, Device, State, Vuln, date_from_millis};
use super::error::IngestError;
use super::records::JsonRecords;
use crate::feeds::is_cve_id;
use crate::input::document::{AssetCriticality, Outcome};

/// OCSF schema version that introduced each class and field read here, as (major, minor).
/// Source: the OCSF schema changelog (v1.1.0: the Vulnerability, Compliance and Detection
/// Finding classes, `finding_info`, `cve.epss`; v1.2.0: the `agent` object and
/// `device.agent_list`; v1.3.0: `resources` in findings; v1.4.0: `resource_details.hostname`
/// and `.ip`).
pub const FIELD_SINCE: &[(&str, (u32, u32))] = &[
    ("class 2002 (Vulnerability Finding)", (1, 1)),
    ("class 2003 (Compliance Finding)", (1, 1)),
    ("class 5001 (Device Inventory Info)", (1, 0)),
    ("finding_info", (1, 1)),
    ("vulnerabilities[].cve.epss", (1, 1)),
    ("vulnerabilities[].cve.references", (1, 1)),
    ("device.agent_list", (1, 2)),
    ("resources", (1, 3)),
    ("resources[].hostname", (1, 4)),
];

fn since(what: &str) -> (u32, u32) {
    FIELD_SINCE
        .iter()
        .find(|(n, _)| *n == what)
        .map(|(_, v)| *v)
        .unwrap_or((1, 0))
}

// ---- the fields read, as serde types (unknown fields are ignored: OCSF has hundreds) ----

#[derive(Deserialize)]
struct Head<'a> {
    class_uid: Option<i64>,
    #[serde(borrow, default)]
    time: Option<&'a RawValue>,
    #[serde(borrow, default)]
    status_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
    #[serde(borrow, default)]
    cloud: Option<&'a RawValue>,
    #[serde(borrow, default)]
    device: Option<&'a RawValue>,
    #[serde(borrow, default)]
    finding_info: Option<&'a RawValue>,
    #[serde(borrow, default)]
    vulnerabilities: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resources: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
    #[serde(borrow, default)]
    compliance: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Metadata {
    version: Option<String>,
    tenant_uid: Option<String>,
}

#[derive(Deserialize)]
struct Cloud {
    account: Option<CloudAccount>,
}

#[derive(Deserialize)]
struct CloudAccount {
    uid: Option<String>,
}

#[derive(Deserialize)]
struct DeviceObj {
    uid: Option<String>,
    hostname: Option<String>,
    name: Option<String>,
    ip: Option<String>,
    domain: Option<String>,
    type_id: Option<i64>,
    is_managed: Option<bool>,
    agent_list: Option<Vec<Agent>>,
    vlan_uid: Option<String>,
    subnet_uid: Option<String>,
    zone: Option<String>,
}

#[derive(Deserialize)]
struct Agent {
    type_id: Option<i64>,
}

#[derive(Deserialize)]
struct FindingInfo {
    uid: Option<String>,
    first_seen_time: Option<i64>,
    created_time: Option<i64>,
    modified_time: Option<i64>,
}

#[derive(Deserialize)]
struct Vulnerability {
    cve: Option<Cve>,
    references: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Cve {
    uid: Option<String>,
    cvss: Option<Vec<Cvss>>,
    epss: Option<Epss>,
    references: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Cvss {
    version: Option<String>,
    vector_string: Option<String>,
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Epss {
    score: Option<NumberOrString>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(f64),
    String(String),
}

#[derive(Deserialize)]
struct Resource {
    uid: Option<String>,
    hostname: Option<String>,
    name: Option<String>,
    ip: Option<String>,
    criticality: Option<String>,
    labels: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Compliance {
    control: Option<String>,
    standards: Option<Vec<String>>,
    status_id: Option<i64>,
}

/// A problem with a record: JSON path, code, message.
struct Bad {
    path: String,
    code: &'static str,
    message: String,
}

fn bad(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Bad {
    Bad {
        path: path.into(),
        code,
        message: message.into(),
    }
}

fn join(prefix: &str, inner: &str) -> String {
    if inner.is_empty() || inner == "." {
        prefix.to_owned()
    } else if inner.starts_with('[') {
        format!("{prefix}{inner}")
    } else {
        format!("{prefix}.{inner}")
    }
}

fn classify(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => "malformed_json",
        Category::Io => "read_error",
        Category::Data => {
            let m = e.to_string();
            if m.starts_with("invalid type") || m.starts_with("invalid length") {
                "wrong_type"
            } else if m.starts_with("missing field") {
                "missing_field"
            } else if m.starts_with("duplicate field") {
                "duplicate_key"
            } else {
                "invalid_value"
            }
        }
    }
}

/// Parse `text` as `T`; on failure, the JSON path (under `prefix`) and the serde message.
fn parse<T: DeserializeOwned>(text: &str, prefix: &str) -> Result<T, Bad> {
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            // Again, with path tracking (only on the slow path).
            let de = &mut serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, T>(de) {
                Err(pe) => join(prefix, &pe.path().to_string()),
                Ok(_) => prefix.to_owned(),
            };
            let mut msg = e.to_string();
            // serde's " at line 1 column 57" is relative to the sub-object: not useful.
            if let Some(i) = msg.find(" at line ") {
                msg.truncate(i);
            }
            Err(bad(path, classify(&e), msg))
        }
    }
}

fn parse_opt<T: DeserializeOwned>(raw: Option<&RawValue>, prefix: &str) -> Result<Option<T>, Bad> {
    match raw {
        None => Ok(None),
        Some(r) => parse::<Option<T>>(r.get(), prefix),
    }
}

/// As [`parse_opt`] for an OCSF object: serde would also take a JSON array for a struct.
fn parse_obj<T: DeserializeOwned>(raw: Option<&RawValue>, prefix: &str) -> Result<Option<T>, Bad> {
    if let Some(r) = raw
        && r.get().starts_with('[')
    {
        return Err(bad(
            prefix,
            "wrong_type",
            "invalid type: sequence, expected an object",
        ));
    }
    parse_opt(raw, prefix)
}

fn parse_version(v: &str) -> Option<(u32, u32)> {
    let core = v.split(['-', '+']).next()?;
    let mut it = core.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    if let Some(patch) = it.next() {
        patch.parse::<u32>().ok()?;
    }
    if it.next().is_some() {
        return None;
    }
    Some((major, minor))
}

fn check_since(version: (u32, u32), what: &str, path: &str) -> Result<(), Bad> {
    let need = since(what);
    if version < need {
        return Err(bad(
            path,
            "field_not_in_version",
            format!(
                "{what} is in OCSF {}.{} and later; the event declares {}.{}",
                need.0, need.1, version.0, version.1
            ),
        ));
    }
    Ok(())
}

/// What one record became.
enum Outcome2 {
    Skip(SkipReason),
    Used(bool),
}

pub(crate) fn read<R: BufRead>(
    state: &mut State,
    reader: R,
    source: &str,
) -> Result<(), IngestError> {
    let limits = state.options.limits.clone();
    let mut records = JsonRecords::new(reader, source, limits.max_record_bytes, limits.max_depth);
    while let Some(rec) = records.next_record()? {
        state.report.records_read += 1;
        let at = At {
            source,
            record: rec.index,
            line: rec.line,
        };
        let prefix = format!("[{}]", rec.index);
        match event(state, rec.bytes, &prefix, at) {
            Ok(Outcome2::Skip(reason)) => state.skip(reason),
            Ok(Outcome2::Used(new)) => state.used(new),
            Err(b) => {
                state.problem(at, b.path, b.code, b.message, true);
                state.skip(SkipReason::Invalid);
            }
        }
    }
    Ok(())
}

fn event(state: &mut State, bytes: &[u8], prefix: &str, at: At<'_>) -> Result<Outcome2, Bad> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(
            prefix,
            "invalid_encoding",
            format!(
                "not valid UTF-8 (invalid byte at offset {} of the event)",
                e.valid_up_to()
            ),
        )
    })?;
    let head: Head<'_> = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) => {
            let de = &mut serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, Head<'_>>(de) {
                Err(pe) => join(prefix, &pe.path().to_string()),
                Ok(_) => prefix.to_owned(),
            };
            let mut msg = e.to_string();
            if let Some(i) = msg.find(" at line ") {
                msg.truncate(i);
            }
            let msg = if msg.starts_with("invalid type") && path == prefix {
                format!("an OCSF event must be a JSON object: {msg}")
            } else {
                msg
            };
            return Err(bad(path, classify(&e), msg));
        }
    };
    let Some(class_uid) = head.class_uid else {
        return Err(bad(
            join(prefix, "class_uid"),
            "missing_field",
            "missing field `class_uid`",
        ));
    };
    *state
        .report
        .by_class
        .entry(class_uid.to_string())
        .or_insert(0) += 1;
    let class = match class_uid {
        2002 | 2003 | 5001 => class_uid,
        2004 => return Ok(Outcome2::Skip(SkipReason::DetectionFinding)),
        _ => return Ok(Outcome2::Skip(SkipReason::UnsupportedClass)),
    };

    // Schema version.
    let meta_path = join(prefix, "metadata");
    let metadata: Metadata = parse_obj(head.metadata, &meta_path)?
        .ok_or_else(|| bad(&meta_path, "missing_field", "missing field `metadata`"))?;
    let vpath = join(&meta_path, "version");
    let version_text = metadata
        .version
        .as_deref()
        .ok_or_else(|| bad(&vpath, "missing_field", "missing field `metadata.version`"))?;
    let version = parse_version(version_text).ok_or_else(|| {
        bad(
            &vpath,
            "invalid_version",
            format!(
                "`{}` is not a schema version major.minor.patch",
                crate::text::clip(version_text, 40)
            ),
        )
    })?;
    if version.0 != 1 {
        return Err(bad(
            &vpath,
            "unsupported_version",
            format!(
                "OCSF {} is not supported (1.x is)",
                crate::text::clip(version_text, 40)
            ),
        ));
    }
    let class_name = match class {
        2002 => "class 2002 (Vulnerability Finding)",
        2003 => "class 2003 (Compliance Finding)",
        _ => "class 5001 (Device Inventory Info)",
    };
    check_since(version, class_name, &join(prefix, "class_uid"))?;

    // Time and window.
    let tpath = join(prefix, "time");
    let time: i64 = parse_opt(head.time, &tpath)?
        .ok_or_else(|| bad(&tpath, "missing_field", "missing field `time`"))?;
    let date = date_from_millis(time).ok_or_else(|| {
        bad(
            &tpath,
            "invalid_date",
            format!("{time} ms is outside the years 1 to 9999"),
        )
    })?;
    if state.outside_window(date) {
        return Ok(Outcome2::Skip(SkipReason::OutsideWindow));
    }

    let max_str = state.options.limits.max_string_bytes;
    let device: Option<DeviceObj> = parse_obj(head.device, &join(prefix, "device"))?;
    if let Some(d) = &device
        && d.agent_list.is_some()
    {
        check_since(
            version,
            "device.agent_list",
            &join(prefix, "device.agent_list"),
        )?;
    }
    let cloud: Option<Cloud> = parse_obj(head.cloud, &join(prefix, "cloud"))?;

    match class {
        2002 => {
            let v = vulnerability_finding(state, &head, prefix, version, time, date, &device, at)?;
            let Some(org) = attribute(state, &metadata, &cloud, &device) else {
                return unattributable(state, at, prefix, &metadata, &cloud, &device);
            };
            let mut any_new = false;
            for (uid, f) in v {
                any_new |= state.add_vuln(&org, &uid, f);
            }
            Ok(Outcome2::Used(any_new))
        }
        2003 => {
            let fi = finding_info(&head, prefix)?;
            let uid = finding_uid(&fi, prefix, max_str)?;
            let cpath = join(prefix, "compliance");
            let c: Compliance = parse_obj(head.compliance, &cpath)?
                .ok_or_else(|| bad(&cpath, "missing_field", "missing field `compliance`"))?;
            let is_caf = c.standards.iter().flatten().any(|s| {
                let up = s.to_ascii_uppercase();
                up.contains("CAF") || up.contains("DSPT")
            });
            if !is_caf {
                return Ok(Outcome2::Skip(SkipReason::NotCafControl));
            }
            let ctl_path = join(&cpath, "control");
            let control = c
                .control
                .as_deref()
                .map(str::trim)
                .ok_or_else(|| bad(&ctl_path, "missing_field", "missing field `control`"))?;
            let cb = control.as_bytes();
            if !(cb.len() == 4
                && cb[0].is_ascii_uppercase()
                && cb[1].is_ascii_digit()
                && cb[2] == b'.'
                && cb[3].is_ascii_lowercase())
            {
                return Err(bad(
                    ctl_path,
                    "invalid_control",
                    format!(
                        "`{}` is not a CAF control id such as B4.d",
                        crate::text::clip(control, 40)
                    ),
                ));
            }
            let outcome = match c.status_id {
                Some(1) => Outcome::Achieved,
                Some(2) => Outcome::PartiallyAchieved,
                Some(3) => Outcome::NotAchieved,
                other => {
                    return Err(bad(
                        join(&cpath, "status_id"),
                        "unknown_value",
                        format!(
                            "compliance status_id {} is not 1 (Pass), 2 (Warning) or 3 (Fail)",
                            other.map_or("absent".to_owned(), |v| v.to_string())
                        ),
                    ));
                }
            };
            let Some(org) = attribute(state, &metadata, &cloud, &device) else {
                return unattributable(state, at, prefix, &metadata, &cloud, &device);
            };
            let new = state.add_check(
                &org,
                Check {
                    time,
                    control: control.to_owned(),
                    outcome,
                    uid,
                },
            );
            Ok(Outcome2::Used(new))
        }
        _ => {
            let dpath = join(prefix, "device");
            let d = device
                .as_ref()
                .ok_or_else(|| bad(&dpath, "missing_field", "missing field `device`"))?;
            let key = [&d.uid, &d.hostname, &d.name, &d.ip]
                .into_iter()
                .flatten()
                .map(|s| s.trim())
                .find(|s| !s.is_empty())
                .ok_or_else(|| {
                    bad(
                        &dpath,
                        "missing_field",
                        "the device has no uid, hostname, name or ip to count it by",
                    )
                })?;
            if key.len() > max_str {
                return Err(bad(
                    &dpath,
                    "limit_exceeded",
                    format!("the device key is longer than {max_str} bytes"),
                ));
            }
            let segs = &state.options.segmented_networks;
            let segmented = [&d.vlan_uid, &d.subnet_uid, &d.zone]
                .into_iter()
                .flatten()
                .any(|s| segs.iter().any(|g| g == s));
            let dev = Device {
                time,
                managed: d.is_managed == Some(true),
                edr_eligible: matches!(d.type_id, Some(1 | 2 | 3 | 6)),
                has_edr: d.agent_list.iter().flatten().any(|a| a.type_id == Some(1)),
                iot: d.type_id == Some(7),
                segmented,
            };
            let key = key.to_owned();
            let Some(org) = attribute(state, &metadata, &cloud, &device) else {
                return unattributable(state, at, prefix, &metadata, &cloud, &device);
            };
            let new = state.add_device(&org, &key, dev);
            Ok(Outcome2::Used(new))
        }
    }
}

fn unattributable(
    state: &mut State,
    at: At<'_>,
    prefix: &str,
    metadata: &Metadata,
    cloud: &Option<Cloud>,
    device: &Option<DeviceObj>,
) -> Result<Outcome2, Bad> {
    let mut keys = Vec::new();
    if let Some(t) = &metadata.tenant_uid {
        keys.push(format!("tenant_uid `{}`", crate::text::clip(t, 60)));
    }
    if let Some(a) = cloud
        .as_ref()
        .and_then(|c| c.account.as_ref()?.uid.as_ref())
    {
        keys.push(format!("cloud.account.uid `{}`", crate::text::clip(a, 60)));
    }
    if let Some(d) = device {
        if let Some(x) = &d.domain {
            keys.push(format!("device.domain `{}`", crate::text::clip(x, 60)));
        }
        if let Some(x) = &d.hostname {
            keys.push(format!("device.hostname `{}`", crate::text::clip(x, 60)));
        }
    }
    let message = if keys.is_empty() {
        "no tenant_uid, cloud.account.uid, device.domain or device.hostname to attribute it by"
            .to_owned()
    } else {
        format!("no attribution map names {}", keys.join(", "))
    };
    state.problem(at, prefix.to_owned(), "unattributable", message, true);
    Ok(Outcome2::Skip(SkipReason::Unattributable))
}

fn attribute(
    state: &State,
    metadata: &Metadata,
    cloud: &Option<Cloud>,
    device: &Option<DeviceObj>,
) -> Option<String> {
    let a = &state.options.attribution;
    if let Some(org) = metadata
        .tenant_uid
        .as_ref()
        .and_then(|t| a.tenant_uid.get(t))
    {
        return Some(org.clone());
    }
    if let Some(org) = cloud
        .as_ref()
        .and_then(|c| c.account.as_ref()?.uid.as_ref())
        .and_then(|u| a.cloud_account_uid.get(u))
    {
        return Some(org.clone());
    }
    let d = device.as_ref()?;
    if let Some(org) = d.domain.as_deref().and_then(|x| a.domain(x)) {
        return Some(org.to_owned());
    }
    if let Some(org) = d
        .hostname
        .as_deref()
        .and_then(|h| h.split_once('.'))
        .and_then(|(_, dom)| a.domain(dom))
    {
        return Some(org.to_owned());
    }
    None
}

fn finding_info(head: &Head<'_>, prefix: &str) -> Result<FindingInfo, Bad> {
    let fpath = join(prefix, "finding_info");
    parse_obj(head.finding_info, &fpath)?
        .ok_or_else(|| bad(&fpath, "missing_field", "missing field `finding_info`"))
}

fn finding_uid(fi: &FindingInfo, prefix: &str, max: usize) -> Result<String, Bad> {
    let path = join(prefix, "finding_info.uid");
    let uid = fi
        .uid
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| bad(&path, "missing_field", "missing field `finding_info.uid`"))?;
    if uid.len() > max {
        return Err(bad(
            path,
            "limit_exceeded",
            format!("finding_info.uid is longer than {max} bytes"),
        ));
    }
    Ok(uid.to_owned())
}

fn date_of(ms: i64, path: String) -> Result<crate::Date, Bad> {
    date_from_millis(ms).ok_or_else(|| {
        bad(
            path,
            "invalid_date",
            format!("{ms} ms is outside the years 1 to 9999"),
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn vulnerability_finding(
    state: &mut State,
    head: &Head<'_>,
    prefix: &str,
    version: (u32, u32),
    time: i64,
    date: crate::Date,
    device: &Option<DeviceObj>,
    at: At<'_>,
) -> Result<Vec<(String, Vuln)>, Bad> {
    let max_str = state.options.limits.max_string_bytes;
    let fi = finding_info(head, prefix)?;
    let uid = finding_uid(&fi, prefix, max_str)?;
    let rpath = join(prefix, "resources");
    if head.resources.is_some() {
        check_since(version, "resources", &rpath)?;
    }
    let resources: Vec<Resource> = parse_opt(head.resources, &rpath)?.unwrap_or_default();
    if resources
        .iter()
        .any(|r| r.hostname.is_some() || r.ip.is_some())
    {
        check_since(version, "resources[].hostname", &rpath)?;
    }
    let resource: Option<Resource> = parse_obj(head.resource, &join(prefix, "resource"))?;
    let all_res: Vec<&Resource> = resources.iter().chain(resource.as_ref()).collect();

    // Asset.
    let asset = device
        .iter()
        .flat_map(|d| [&d.uid, &d.hostname, &d.name, &d.ip])
        .chain(all_res.iter().flat_map(|r| [&r.uid, &r.hostname, &r.name]))
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .ok_or_else(|| {
            bad(
                join(prefix, "device"),
                "missing_field",
                "no affected asset: none of device.uid/hostname/name/ip or resources[].uid/hostname/name",
            )
        })?;
    if asset.len() > max_str {
        return Err(bad(
            join(prefix, "device"),
            "limit_exceeded",
            format!("the asset id is longer than {max_str} bytes"),
        ));
    }

    // Exposure and criticality.
    let internet_facing = all_res.iter().any(|r| {
        r.labels.iter().flatten().any(|l| {
            l.eq_ignore_ascii_case("internet-facing") || l.eq_ignore_ascii_case("internet_facing")
        })
    });
    let mut criticality = AssetCriticality::Medium;
    if let Some((i, c)) = all_res
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.criticality.as_deref().map(|c| (i, c)))
    {
        criticality = match c.trim().to_ascii_lowercase().as_str() {
            "low" => AssetCriticality::Low,
            "medium" => AssetCriticality::Medium,
            "high" => AssetCriticality::High,
            "clinical" => AssetCriticality::Clinical,
            _ => {
                let path = if i < resources.len() {
                    format!("{rpath}[{i}].criticality")
                } else {
                    join(prefix, "resource.criticality")
                };
                // Report, keep the record with the default.
                state.problem(
                    at,
                    path,
                    "unknown_value",
                    format!(
                        "criticality `{}` is not low, medium, high or clinical; medium is used",
                        crate::text::clip(c, 40)
                    ),
                    false,
                );
                AssetCriticality::Medium
            }
        };
    }

    // Times and status.
    // A finding cannot have been first seen after the event that reports it: a later
    // `first_seen_time` (a clock or vendor error) is read as the event's own date.
    let first_seen = match fi.first_seen_time.or(fi.created_time) {
        Some(ms) => date_of(ms, join(prefix, "finding_info.first_seen_time"))?.min(date),
        None => date,
    };
    let status_path = join(prefix, "status_id");
    let status: Option<i64> = parse_opt(head.status_id, &status_path)?;
    let resolved_on = if status == Some(4) {
        Some(match fi.modified_time {
            Some(ms) => date_of(ms, join(prefix, "finding_info.modified_time"))?,
            None => date,
        })
    } else {
        None
    };

    let vpath = join(prefix, "vulnerabilities");
    let vulns: Vec<Vulnerability> = parse_opt(head.vulnerabilities, &vpath)?
        .ok_or_else(|| bad(&vpath, "missing_field", "missing field `vulnerabilities`"))?;
    if vulns.is_empty() {
        return Err(bad(
            &vpath,
            "missing_field",
            "`vulnerabilities` is empty: a Vulnerability Finding reports at least one",
        ));
    }
    let kev_feed = state.options.kev.as_ref();
    let mut out = Vec::with_capacity(vulns.len());
    for (i, v) in vulns.iter().enumerate() {
        let p = format!("{vpath}[{i}]");
        let cve = match v.cve.as_ref().and_then(|c| c.uid.as_deref()) {
            Some(id) => {
                let up = id.trim().to_ascii_uppercase();
                if !is_cve_id(&up) {
                    return Err(bad(
                        format!("{p}.cve.uid"),
                        "invalid_cve",
                        format!(
                            "`{}` is not a CVE id CVE-YYYY-NNNN",
                            crate::text::clip(id, 40)
                        ),
                    ));
                }
                Some(up)
            }
            None => None,
        };
        let mut cvss = None;
        let mut cvss_score = None;
        let mut epss = None;
        let mut kev_ref = v.references.iter().flatten().any(|r| is_kev_url(r));
        if let Some(c) = &v.cve {
            if c.references.is_some() {
                check_since(version, "vulnerabilities[].cve.references", &p)?;
            }
            kev_ref |= c.references.iter().flatten().any(|r| is_kev_url(r));
            // The newest CVSS version with a vector; else a v3/v4 base score.
            let rank = |ver: &str| match ver.trim() {
                "4.0" | "4" => Some(3),
                "3.1" => Some(2),
                "3.0" | "3" => Some(1),
                _ => None,
            };
            let mut best: Option<(u8, usize)> = None;
            for (j, s) in c.cvss.iter().flatten().enumerate() {
                let ver = s
                    .version
                    .as_deref()
                    .or_else(|| {
                        s.vector_string
                            .as_deref()
                            .and_then(|v| v.strip_prefix("CVSS:"))
                            .and_then(|v| v.split('/').next())
                    })
                    .unwrap_or("");
                if let Some(r) = rank(ver)
                    && best.is_none_or(|(b, _)| r > b)
                {
                    best = Some((r, j));
                }
            }
            if let Some((_, j)) = best {
                let s = &c.cvss.as_ref().expect("index from this list")[j];
                let sp = format!("{p}.cve.cvss[{j}]");
                match s.vector_string.as_deref() {
                    Some(vec) => {
                        let vec = vec.trim();
                        let full = if vec.starts_with("CVSS:") {
                            vec.to_owned()
                        } else {
                            let ver = s.version.as_deref().unwrap_or("").trim();
                            format!("CVSS:{ver}/{vec}")
                        };
                        if full.len() > max_str {
                            return Err(bad(
                                format!("{sp}.vector_string"),
                                "limit_exceeded",
                                format!("the CVSS vector is longer than {max_str} bytes"),
                            ));
                        }
                        if let Err(e) = crate::cvss::base_score(&full) {
                            return Err(bad(format!("{sp}.vector_string"), "invalid_cvss", e));
                        }
                        cvss = Some(full);
                    }
                    None => match s.base_score {
                        Some(b) if b.is_finite() && (0.0..=10.0).contains(&b) => {
                            cvss_score = Some(b)
                        }
                        Some(b) => {
                            return Err(bad(
                                format!("{sp}.base_score"),
                                "invalid_cvss_score",
                                format!("{b} is not a CVSS score in [0, 10]"),
                            ));
                        }
                        None => {}
                    },
                }
            }
            if let Some(e) = &c.epss {
                check_since(version, "vulnerabilities[].cve.epss", &p)?;
                let ep = format!("{p}.cve.epss.score");
                let value = match &e.score {
                    Some(NumberOrString::Number(x)) => Some(*x),
                    Some(NumberOrString::String(s)) => {
                        Some(s.trim().parse::<f64>().map_err(|_| {
                            bad(
                                &ep,
                                "invalid_probability",
                                format!("`{}` is not a number", crate::text::clip(s, 40)),
                            )
                        })?)
                    }
                    None => None,
                };
                if let Some(x) = value {
                    if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                        return Err(bad(
                            ep,
                            "invalid_probability",
                            format!("{x} is not a probability in [0, 1]"),
                        ));
                    }
                    epss = Some(x);
                }
            }
        }
        let kev = kev_ref
            || cve
                .as_deref()
                .is_some_and(|c| kev_feed.is_some_and(|k| k.contains(c)));
        let key = cve.clone().unwrap_or_else(|| uid.clone());
        let dedupe = format!("{uid}\u{1f}{key}");
        out.push((
            dedupe,
            Vuln {
                time,
                asset: asset.to_owned(),
                key,
                cve,
                cvss,
                cvss_score,
                epss,
                kev,
                internet_facing,
                criticality,
                first_seen,
                resolved_on,
            },
        ));
    }
    Ok(out)
}

fn is_kev_url(s: &str) -> bool {
    s.contains("known-exploited-vulnerabilities")
}
