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

use std::borrow::Cow;
use std::fmt;
use std::io::BufRead;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::SkipReason;
use super::collect::{At, Check, Device, State, VulnIn, date_from_millis};
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
//
// Strings are borrowed from the event when they hold no escape ([`Str`]). An event is read in
// one pass into [`Event`] (every field used, typed); only when that fails is it read again the
// slow way, field by field ([`Head`]), so that the problem reported is the one the field-by-field
// reading meets first, with its path — the same problem as ever.

/// A JSON string: borrowed from the event's text when it has no escapes, else owned. Accepts
/// exactly what `String` does, with the same error message.
struct Str<'a>(Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_string(V).map(Str)
    }
}

/// `Option<&Str>` as `Option<&str>`.
fn s<'x>(v: &'x Option<Str<'_>>) -> Option<&'x str> {
    v.as_deref()
}

/// An object field of [`Event`]: `null` or an object, never an array (serde would take one for a
/// struct; the field-by-field reading refuses it, so the one-pass reading must not take it).
fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or null")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// The whole event in one pass: every field any class uses.
#[derive(Deserialize)]
struct Event<'a> {
    class_uid: Option<i64>,
    #[serde(default)]
    time: Option<i64>,
    #[serde(default)]
    status_id: Option<i64>,
    #[serde(borrow, default, deserialize_with = "object")]
    metadata: Option<Metadata<'a>>,
    #[serde(borrow, default, deserialize_with = "object")]
    cloud: Option<Cloud<'a>>,
    #[serde(borrow, default, deserialize_with = "object")]
    device: Option<DeviceObj<'a>>,
    #[serde(borrow, default, deserialize_with = "object")]
    finding_info: Option<FindingInfo<'a>>,
    #[serde(borrow, default)]
    vulnerabilities: Option<Vec<Vulnerability<'a>>>,
    #[serde(borrow, default)]
    resources: Option<Vec<Resource<'a>>>,
    #[serde(borrow, default, deserialize_with = "object")]
    resource: Option<Resource<'a>>,
    #[serde(borrow, default, deserialize_with = "object")]
    compliance: Option<Compliance<'a>>,
}

/// The event's top level, each field kept as text to be read when (and if) it is needed.
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
struct Metadata<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    tenant_uid: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Cloud<'a> {
    #[serde(borrow)]
    account: Option<CloudAccount<'a>>,
}

#[derive(Deserialize)]
struct CloudAccount<'a> {
    #[serde(borrow)]
    uid: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct DeviceObj<'a> {
    #[serde(borrow)]
    uid: Option<Str<'a>>,
    #[serde(borrow)]
    hostname: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    ip: Option<Str<'a>>,
    #[serde(borrow)]
    domain: Option<Str<'a>>,
    type_id: Option<i64>,
    is_managed: Option<bool>,
    agent_list: Option<Vec<Agent>>,
    #[serde(borrow)]
    vlan_uid: Option<Str<'a>>,
    #[serde(borrow)]
    subnet_uid: Option<Str<'a>>,
    #[serde(borrow)]
    zone: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Agent {
    type_id: Option<i64>,
}

#[derive(Deserialize)]
struct FindingInfo<'a> {
    #[serde(borrow)]
    uid: Option<Str<'a>>,
    first_seen_time: Option<i64>,
    created_time: Option<i64>,
    modified_time: Option<i64>,
}

#[derive(Deserialize)]
struct Vulnerability<'a> {
    #[serde(borrow)]
    cve: Option<Cve<'a>>,
    #[serde(borrow)]
    references: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct Cve<'a> {
    #[serde(borrow)]
    uid: Option<Str<'a>>,
    #[serde(borrow)]
    cvss: Option<Vec<Cvss<'a>>>,
    #[serde(borrow)]
    epss: Option<Epss<'a>>,
    #[serde(borrow)]
    references: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct Cvss<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    vector_string: Option<Str<'a>>,
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Epss<'a> {
    #[serde(borrow)]
    score: Option<NumberOrString<'a>>,
}

/// A number or a string. Read as an untagged enum of `f64` and `String` was: the same values,
/// the same message for anything else.
enum NumberOrString<'a> {
    Number(f64),
    String(Str<'a>),
}

impl<'de: 'a, 'a> Deserialize<'de> for NumberOrString<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const NO_MATCH: &str = "data did not match any variant of untagged enum NumberOrString";
        impl<'de> Visitor<'de> for V {
            type Value = NumberOrString<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(NumberOrString::Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(NumberOrString::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(NumberOrString::Number(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(NumberOrString::String(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(NumberOrString::String(Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(NumberOrString::String(Str(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(NO_MATCH))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(NO_MATCH))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow)]
    uid: Option<Str<'a>>,
    #[serde(borrow)]
    hostname: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    ip: Option<Str<'a>>,
    #[serde(borrow)]
    criticality: Option<Str<'a>>,
    #[serde(borrow)]
    labels: Option<Vec<Str<'a>>>,
}

#[derive(Deserialize)]
struct Compliance<'a> {
    #[serde(borrow)]
    control: Option<Str<'a>>,
    #[serde(borrow)]
    standards: Option<Vec<Str<'a>>>,
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

/// The record's JSON path (`[7]`), spelled out only when a problem is reported.
#[derive(Clone, Copy)]
struct P(u64);

impl P {
    fn root(self) -> String {
        format!("[{}]", self.0)
    }

    /// `[7].inner`.
    fn at(self, inner: &str) -> String {
        join(&self.root(), inner)
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

/// Parse `text` as `T`; on failure, the JSON path (under `p.inner`) and the serde message.
fn parse<'a, T: Deserialize<'a>>(text: &'a str, p: P, inner: &str) -> Result<T, Bad> {
    match serde_json::from_str::<T>(text) {
        Ok(v) => Ok(v),
        Err(e) => {
            // Again, with path tracking (only on the slow path).
            let prefix = p.at(inner);
            let de = &mut serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, T>(de) {
                Err(pe) => join(&prefix, &pe.path().to_string()),
                Ok(_) => prefix,
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

fn parse_opt<'a, T: Deserialize<'a>>(
    raw: Option<&'a RawValue>,
    p: P,
    inner: &str,
) -> Result<Option<T>, Bad> {
    match raw {
        None => Ok(None),
        Some(r) => parse::<Option<T>>(r.get(), p, inner),
    }
}

/// As [`parse_opt`] for an OCSF object: serde would also take a JSON array for a struct.
fn parse_obj<'a, T: Deserialize<'a>>(
    raw: Option<&'a RawValue>,
    p: P,
    inner: &str,
) -> Result<Option<T>, Bad> {
    if let Some(r) = raw
        && r.get().starts_with('[')
    {
        return Err(bad(
            p.at(inner),
            "wrong_type",
            "invalid type: sequence, expected an object",
        ));
    }
    parse_opt(raw, p, inner)
}

/// The fields of an event, as the checks ask for them: all read already ([`Event`]), or read
/// one by one, each failing with its own problem ([`Head`]).
trait Fields<'a> {
    fn class_uid(&self) -> Option<i64>;
    fn metadata(&mut self, p: P) -> Result<Option<Metadata<'a>>, Bad>;
    fn time(&mut self, p: P) -> Result<Option<i64>, Bad>;
    fn status_id(&mut self, p: P) -> Result<Option<i64>, Bad>;
    fn device(&mut self, p: P) -> Result<Option<DeviceObj<'a>>, Bad>;
    fn cloud(&mut self, p: P) -> Result<Option<Cloud<'a>>, Bad>;
    fn finding_info(&mut self, p: P) -> Result<Option<FindingInfo<'a>>, Bad>;
    /// Whether `resources` is given (and not null).
    fn has_resources(&self) -> bool;
    fn resources(&mut self, p: P) -> Result<Option<Vec<Resource<'a>>>, Bad>;
    fn resource(&mut self, p: P) -> Result<Option<Resource<'a>>, Bad>;
    fn vulnerabilities(&mut self, p: P) -> Result<Option<Vec<Vulnerability<'a>>>, Bad>;
    fn compliance(&mut self, p: P) -> Result<Option<Compliance<'a>>, Bad>;
}

impl<'a> Fields<'a> for Event<'a> {
    fn class_uid(&self) -> Option<i64> {
        self.class_uid
    }
    fn metadata(&mut self, _: P) -> Result<Option<Metadata<'a>>, Bad> {
        Ok(self.metadata.take())
    }
    fn time(&mut self, _: P) -> Result<Option<i64>, Bad> {
        Ok(self.time)
    }
    fn status_id(&mut self, _: P) -> Result<Option<i64>, Bad> {
        Ok(self.status_id)
    }
    fn device(&mut self, _: P) -> Result<Option<DeviceObj<'a>>, Bad> {
        Ok(self.device.take())
    }
    fn cloud(&mut self, _: P) -> Result<Option<Cloud<'a>>, Bad> {
        Ok(self.cloud.take())
    }
    fn finding_info(&mut self, _: P) -> Result<Option<FindingInfo<'a>>, Bad> {
        Ok(self.finding_info.take())
    }
    fn has_resources(&self) -> bool {
        self.resources.is_some()
    }
    fn resources(&mut self, _: P) -> Result<Option<Vec<Resource<'a>>>, Bad> {
        Ok(self.resources.take())
    }
    fn resource(&mut self, _: P) -> Result<Option<Resource<'a>>, Bad> {
        Ok(self.resource.take())
    }
    fn vulnerabilities(&mut self, _: P) -> Result<Option<Vec<Vulnerability<'a>>>, Bad> {
        Ok(self.vulnerabilities.take())
    }
    fn compliance(&mut self, _: P) -> Result<Option<Compliance<'a>>, Bad> {
        Ok(self.compliance.take())
    }
}

impl<'a> Fields<'a> for Head<'a> {
    fn class_uid(&self) -> Option<i64> {
        self.class_uid
    }
    fn metadata(&mut self, p: P) -> Result<Option<Metadata<'a>>, Bad> {
        parse_obj(self.metadata, p, "metadata")
    }
    fn time(&mut self, p: P) -> Result<Option<i64>, Bad> {
        parse_opt(self.time, p, "time")
    }
    fn status_id(&mut self, p: P) -> Result<Option<i64>, Bad> {
        parse_opt(self.status_id, p, "status_id")
    }
    fn device(&mut self, p: P) -> Result<Option<DeviceObj<'a>>, Bad> {
        parse_obj(self.device, p, "device")
    }
    fn cloud(&mut self, p: P) -> Result<Option<Cloud<'a>>, Bad> {
        parse_obj(self.cloud, p, "cloud")
    }
    fn finding_info(&mut self, p: P) -> Result<Option<FindingInfo<'a>>, Bad> {
        parse_obj(self.finding_info, p, "finding_info")
    }
    fn has_resources(&self) -> bool {
        self.resources.is_some()
    }
    fn resources(&mut self, p: P) -> Result<Option<Vec<Resource<'a>>>, Bad> {
        parse_opt(self.resources, p, "resources")
    }
    fn resource(&mut self, p: P) -> Result<Option<Resource<'a>>, Bad> {
        parse_obj(self.resource, p, "resource")
    }
    fn vulnerabilities(&mut self, p: P) -> Result<Option<Vec<Vulnerability<'a>>>, Bad> {
        parse_opt(self.vulnerabilities, p, "vulnerabilities")
    }
    fn compliance(&mut self, p: P) -> Result<Option<Compliance<'a>>, Bad> {
        parse_obj(self.compliance, p, "compliance")
    }
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

fn check_since(version: (u32, u32), what: &str, path: impl FnOnce() -> String) -> Result<(), Bad> {
    let need = since(what);
    if version < need {
        return Err(bad(
            path(),
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

/// An event in one pass, when it reads as one: its fields, the length of its text (the bytes
/// end with the event's closing `}`; what follows is not read) and the line breaks in it.
fn read_whole(bytes: &[u8]) -> Option<(Event<'_>, usize, u64)> {
    // A value that starts with `{` ends at its `}`: the stream reads no further. An event that
    // ends within its first line (a JSON-lines export) is read from that line, checked as UTF-8
    // once, as text: serde_json then checks no string again. Else (an event over several lines,
    // a line not valid UTF-8 or not an event) the bytes are read as before.
    if let Some(end) = memchr::memchr(b'\n', bytes)
        && let Ok(line) = std::str::from_utf8(&bytes[..end])
    {
        let mut stream = serde_json::Deserializer::from_str(line).into_iter::<Event<'_>>();
        if let Some(Ok(event)) = stream.next() {
            // Within the line: no line break.
            return Some((event, stream.byte_offset(), 0));
        }
    }
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Event<'_>>();
    let event = stream.next()?.ok()?;
    let len = stream.byte_offset();
    // The reading above need not check the UTF-8 of strings it skips: the text must be valid
    // UTF-8 throughout, as the field-by-field reading requires.
    std::str::from_utf8(&bytes[..len]).ok()?;
    Some((event, len, count_lines(&bytes[..len])))
}

pub(crate) fn read<R: BufRead>(
    state: &mut State,
    reader: R,
    source: &str,
) -> Result<(), IngestError> {
    read_as(state, reader, source, true)
}

/// [`read`], or with `one_pass` false every event framed apart and read field by field (what
/// the one-pass reading is tested against).
fn read_as<R: BufRead>(
    state: &mut State,
    reader: R,
    source: &str,
    one_pass: bool,
) -> Result<(), IngestError> {
    let limits = state.options.limits.clone();
    let mut records = JsonRecords::new(reader, source, limits.max_record_bytes, limits.max_depth);
    while records.next_value()? {
        state.report.records_read += 1;
        // An event that lies whole in the reader's buffer is read in place, in one pass, when it
        // is a well-formed object within the limits: the framing would find the same bytes (a
        // well-formed value ends where its brackets balance) and no limit error.
        let (buffered, index, line) = records.buffered()?;
        let at = At {
            source,
            record: index,
            line,
        };
        if one_pass
            && buffered.first() == Some(&b'{')
            && let Some((ev, len, lines)) = read_whole(buffered)
            && records_fit(&buffered[..len], limits.max_record_bytes, limits.max_depth)
        {
            let outcome = event(state, ev, P(index), at);
            record_outcome(state, at, outcome);
            records.take(len, lines);
            continue;
        }
        let rec = records.scan()?;
        let outcome = event_bytes(state, rec.bytes, P(rec.index), at, one_pass);
        record_outcome(state, at, outcome);
    }
    Ok(())
}

/// Whether the framing would take `value` (well-formed JSON) without a limit error: no larger
/// than `max_record` and nested no deeper than `max_depth` (its nesting is at most the number of
/// `{` and `[` it holds).
fn records_fit(value: &[u8], max_record: usize, max_depth: usize) -> bool {
    value.len() <= max_record
        && (value.len() <= max_depth
            || memchr::memchr2_iter(b'{', b'[', value)
                .take(max_depth.saturating_add(1))
                .count()
                <= max_depth)
}

fn count_lines(value: &[u8]) -> u64 {
    match memchr::memchr(b'\n', value) {
        None => 0,
        Some(_) => memchr::memchr_iter(b'\n', value).count() as u64,
    }
}

fn record_outcome(state: &mut State, at: At<'_>, outcome: Result<Outcome2, Bad>) {
    match outcome {
        Ok(Outcome2::Skip(reason)) => state.skip(reason),
        Ok(Outcome2::Used(new)) => state.used(new),
        Err(b) => {
            state.problem(at, b.path, b.code, b.message, true);
            state.skip(SkipReason::Invalid);
        }
    }
}

/// A record framed apart: in one pass when it reads as a whole event, else field by field.
fn event_bytes(
    state: &mut State,
    bytes: &[u8],
    p: P,
    at: At<'_>,
    one_pass: bool,
) -> Result<Outcome2, Bad> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(
            p.root(),
            "invalid_encoding",
            format!(
                "not valid UTF-8 (invalid byte at offset {} of the event)",
                e.valid_up_to()
            ),
        )
    })?;
    if one_pass
        && text.starts_with('{')
        && let Ok(ev) = serde_json::from_str::<Event<'_>>(text)
    {
        return event(state, ev, p, at);
    }
    let head: Head<'_> = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) => {
            let prefix = p.root();
            let de = &mut serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, Head<'_>>(de) {
                Err(pe) => join(&prefix, &pe.path().to_string()),
                Ok(_) => prefix.clone(),
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
    event(state, head, p, at)
}

fn event<'a>(state: &mut State, mut f: impl Fields<'a>, p: P, at: At<'_>) -> Result<Outcome2, Bad> {
    let Some(class_uid) = f.class_uid() else {
        return Err(bad(
            p.at("class_uid"),
            "missing_field",
            "missing field `class_uid`",
        ));
    };
    state.count_class(class_uid);
    let class = match class_uid {
        2002 | 2003 | 5001 => class_uid,
        2004 => return Ok(Outcome2::Skip(SkipReason::DetectionFinding)),
        _ => return Ok(Outcome2::Skip(SkipReason::UnsupportedClass)),
    };

    // Schema version.
    let metadata: Metadata<'a> = f.metadata(p)?.ok_or_else(|| {
        bad(
            p.at("metadata"),
            "missing_field",
            "missing field `metadata`",
        )
    })?;
    let version = schema_version(&metadata, class, p)?;

    // Time and window.
    let time: i64 = f
        .time(p)?
        .ok_or_else(|| bad(p.at("time"), "missing_field", "missing field `time`"))?;
    let date = date_from_millis(time).ok_or_else(|| {
        bad(
            p.at("time"),
            "invalid_date",
            format!("{time} ms is outside the years 1 to 9999"),
        )
    })?;
    if state.outside_window(date) {
        return Ok(Outcome2::Skip(SkipReason::OutsideWindow));
    }

    let device: Option<DeviceObj<'a>> = f.device(p)?;
    if let Some(d) = &device
        && d.agent_list.is_some()
    {
        check_since(version, "device.agent_list", || p.at("device.agent_list"))?;
    }
    let cloud: Option<Cloud<'a>> = f.cloud(p)?;

    let ev = Common {
        p,
        at,
        version,
        time,
        date,
        metadata,
        cloud,
        device,
    };
    match class {
        2002 => vulnerability_finding(state, &mut f, &ev),
        2003 => compliance_finding(state, &mut f, &ev),
        _ => device_inventory(state, &ev),
    }
}

/// What every supported class reads before its own fields: the record's place, the schema
/// version, the event time and the objects an organisation is attributed from.
struct Common<'a, 'x> {
    p: P,
    at: At<'x>,
    version: (u32, u32),
    /// `time`, ms since the epoch, and its date.
    time: i64,
    date: crate::Date,
    metadata: Metadata<'a>,
    cloud: Option<Cloud<'a>>,
    device: Option<DeviceObj<'a>>,
}

/// The event's `metadata.version`, checked: 1.x, and new enough for `class`.
fn schema_version(metadata: &Metadata<'_>, class: i64, p: P) -> Result<(u32, u32), Bad> {
    let version_text = s(&metadata.version).ok_or_else(|| {
        bad(
            p.at("metadata.version"),
            "missing_field",
            "missing field `metadata.version`",
        )
    })?;
    let version = parse_version(version_text).ok_or_else(|| {
        bad(
            p.at("metadata.version"),
            "invalid_version",
            format!(
                "`{}` is not a schema version major.minor.patch",
                crate::text::clip(version_text, 40)
            ),
        )
    })?;
    if version.0 != 1 {
        return Err(bad(
            p.at("metadata.version"),
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
    check_since(version, class_name, || p.at("class_uid"))?;
    Ok(version)
}

/// A Compliance Finding (class 2003) of a CAF or DSPT control: the control's outcome.
fn compliance_finding<'a>(
    state: &mut State,
    f: &mut impl Fields<'a>,
    ev: &Common<'a, '_>,
) -> Result<Outcome2, Bad> {
    let Common { p, at, time, .. } = *ev;
    let (metadata, cloud, device) = (&ev.metadata, &ev.cloud, &ev.device);
    let max_str = state.options.limits.max_string_bytes;
    let fi = finding_info(f, p)?;
    let uid = finding_uid(&fi, p, max_str)?;
    let c: Compliance<'a> = f.compliance(p)?.ok_or_else(|| {
        bad(
            p.at("compliance"),
            "missing_field",
            "missing field `compliance`",
        )
    })?;
    let is_caf = c.standards.iter().flatten().any(|s| {
        let up = s.to_ascii_uppercase();
        up.contains("CAF") || up.contains("DSPT")
    });
    if !is_caf {
        return Ok(Outcome2::Skip(SkipReason::NotCafControl));
    }
    let control = s(&c.control).map(str::trim).ok_or_else(|| {
        bad(
            p.at("compliance.control"),
            "missing_field",
            "missing field `control`",
        )
    })?;
    let cb = control.as_bytes();
    if !(cb.len() == 4
        && cb[0].is_ascii_uppercase()
        && cb[1].is_ascii_digit()
        && cb[2] == b'.'
        && cb[3].is_ascii_lowercase())
    {
        return Err(bad(
            p.at("compliance.control"),
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
                p.at("compliance.status_id"),
                "unknown_value",
                format!(
                    "compliance status_id {} is not 1 (Pass), 2 (Warning) or 3 (Fail)",
                    other.map_or("absent".to_owned(), |v| v.to_string())
                ),
            ));
        }
    };
    let Some(org) = attribute(state, metadata, cloud, device).map(str::to_owned) else {
        return unattributable(state, at, p, metadata, cloud, device);
    };
    let new = state.add_check(
        &org,
        Check {
            time,
            control: control.to_owned(),
            outcome,
            uid: uid.to_owned(),
        },
    );
    Ok(Outcome2::Used(new))
}

/// A Device Inventory Info event (class 5001): the device, counted by its first key.
fn device_inventory(state: &mut State, ev: &Common<'_, '_>) -> Result<Outcome2, Bad> {
    let Common { p, at, time, .. } = *ev;
    let (metadata, cloud, device) = (&ev.metadata, &ev.cloud, &ev.device);
    let max_str = state.options.limits.max_string_bytes;
    let d = device
        .as_ref()
        .ok_or_else(|| bad(p.at("device"), "missing_field", "missing field `device`"))?;
    let key = [&d.uid, &d.hostname, &d.name, &d.ip]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .ok_or_else(|| {
            bad(
                p.at("device"),
                "missing_field",
                "the device has no uid, hostname, name or ip to count it by",
            )
        })?;
    if key.len() > max_str {
        return Err(bad(
            p.at("device"),
            "limit_exceeded",
            format!("the device key is longer than {max_str} bytes"),
        ));
    }
    let segs = &state.options.segmented_networks;
    let segmented = [&d.vlan_uid, &d.subnet_uid, &d.zone]
        .into_iter()
        .flatten()
        .any(|s| segs.iter().any(|g| *g == **s));
    let dev = Device {
        time,
        managed: d.is_managed == Some(true),
        edr_eligible: matches!(d.type_id, Some(1 | 2 | 3 | 6)),
        has_edr: d.agent_list.iter().flatten().any(|a| a.type_id == Some(1)),
        iot: d.type_id == Some(7),
        segmented,
    };
    let Some(org) = attribute(state, metadata, cloud, device).map(str::to_owned) else {
        return unattributable(state, at, p, metadata, cloud, device);
    };
    let new = state.add_device(&org, key, dev);
    Ok(Outcome2::Used(new))
}

fn unattributable(
    state: &mut State,
    at: At<'_>,
    p: P,
    metadata: &Metadata<'_>,
    cloud: &Option<Cloud<'_>>,
    device: &Option<DeviceObj<'_>>,
) -> Result<Outcome2, Bad> {
    let mut keys = Vec::new();
    if let Some(t) = s(&metadata.tenant_uid) {
        keys.push(format!("tenant_uid `{}`", crate::text::clip(t, 60)));
    }
    if let Some(a) = cloud.as_ref().and_then(|c| s(&c.account.as_ref()?.uid)) {
        keys.push(format!("cloud.account.uid `{}`", crate::text::clip(a, 60)));
    }
    if let Some(d) = device {
        if let Some(x) = s(&d.domain) {
            keys.push(format!("device.domain `{}`", crate::text::clip(x, 60)));
        }
        if let Some(x) = s(&d.hostname) {
            keys.push(format!("device.hostname `{}`", crate::text::clip(x, 60)));
        }
    }
    let message = if keys.is_empty() {
        "no tenant_uid, cloud.account.uid, device.domain or device.hostname to attribute it by"
            .to_owned()
    } else {
        format!("no attribution map names {}", keys.join(", "))
    };
    state.problem(at, p.root(), "unattributable", message, true);
    Ok(Outcome2::Skip(SkipReason::Unattributable))
}

fn attribute<'s>(
    state: &'s State,
    metadata: &Metadata<'_>,
    cloud: &Option<Cloud<'_>>,
    device: &Option<DeviceObj<'_>>,
) -> Option<&'s str> {
    let a = &state.options.attribution;
    if let Some(org) = s(&metadata.tenant_uid).and_then(|t| a.tenant_uid.get(t)) {
        return Some(org);
    }
    if let Some(org) = cloud
        .as_ref()
        .and_then(|c| s(&c.account.as_ref()?.uid))
        .and_then(|u| a.cloud_account_uid.get(u))
    {
        return Some(org);
    }
    let d = device.as_ref()?;
    if let Some(org) = s(&d.domain).and_then(|x| a.domain(x)) {
        return Some(org);
    }
    if let Some(org) = s(&d.hostname)
        .and_then(|h| h.split_once('.'))
        .and_then(|(_, dom)| a.domain(dom))
    {
        return Some(org);
    }
    None
}

fn finding_info<'a>(f: &mut impl Fields<'a>, p: P) -> Result<FindingInfo<'a>, Bad> {
    f.finding_info(p)?.ok_or_else(|| {
        bad(
            p.at("finding_info"),
            "missing_field",
            "missing field `finding_info`",
        )
    })
}

fn finding_uid<'x>(fi: &'x FindingInfo<'_>, p: P, max: usize) -> Result<&'x str, Bad> {
    let uid = s(&fi.uid)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            bad(
                p.at("finding_info.uid"),
                "missing_field",
                "missing field `finding_info.uid`",
            )
        })?;
    if uid.len() > max {
        return Err(bad(
            p.at("finding_info.uid"),
            "limit_exceeded",
            format!("finding_info.uid is longer than {max} bytes"),
        ));
    }
    Ok(uid)
}

fn date_of(ms: i64, path: impl FnOnce() -> String) -> Result<crate::Date, Bad> {
    date_from_millis(ms).ok_or_else(|| {
        bad(
            path(),
            "invalid_date",
            format!("{ms} ms is outside the years 1 to 9999"),
        )
    })
}

/// One vulnerability of a finding, borrowed from the event where it can be.
struct OneVuln<'e> {
    /// The CVE id, upper-cased.
    cve: Option<Cow<'e, str>>,
    cvss: Option<std::sync::Arc<str>>,
    cvss_score: Option<f64>,
    epss: Option<f64>,
    kev: bool,
}

/// `s` upper-cased, borrowed when it is already.
fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(s.to_ascii_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// A Vulnerability Finding (class 2002): one finding per vulnerability it lists, on the
/// affected asset.
fn vulnerability_finding<'a>(
    state: &mut State,
    f: &mut impl Fields<'a>,
    ev: &Common<'a, '_>,
) -> Result<Outcome2, Bad> {
    let Common {
        p,
        at,
        version,
        time,
        date,
        ..
    } = *ev;
    let max_str = state.options.limits.max_string_bytes;
    let fi = finding_info(f, p)?;
    let uid = finding_uid(&fi, p, max_str)?;
    if f.has_resources() {
        check_since(version, "resources", || p.at("resources"))?;
    }
    let resources: Vec<Resource<'a>> = f.resources(p)?.unwrap_or_default();
    if resources
        .iter()
        .any(|r| r.hostname.is_some() || r.ip.is_some())
    {
        check_since(version, "resources[].hostname", || p.at("resources"))?;
    }
    let resource: Option<Resource<'a>> = f.resource(p)?;
    let n_resources = resources.len();
    let all_res = || resources.iter().chain(resource.as_ref());

    let asset = affected_asset(&ev.device, all_res(), p, max_str)?;

    // Exposure and criticality.
    let internet_facing = all_res().any(|r| {
        r.labels.iter().flatten().any(|l| {
            l.eq_ignore_ascii_case("internet-facing") || l.eq_ignore_ascii_case("internet_facing")
        })
    });
    let criticality = criticality(state, all_res(), n_resources, p, at);
    let (first_seen, resolved_on) = finding_dates(f, &fi, p, date)?;

    let vulns: Vec<Vulnerability<'a>> = f.vulnerabilities(p)?.ok_or_else(|| {
        bad(
            p.at("vulnerabilities"),
            "missing_field",
            "missing field `vulnerabilities`",
        )
    })?;
    if vulns.is_empty() {
        return Err(bad(
            p.at("vulnerabilities"),
            "missing_field",
            "`vulnerabilities` is empty: a Vulnerability Finding reports at least one",
        ));
    }
    // The vulnerabilities read (an event usually has one: no list for it).
    let mut first: Option<OneVuln<'_>> = None;
    let mut more: Vec<OneVuln<'_>> = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let one = one_vulnerability(state, v, (i, p), version, max_str)?;
        if first.is_none() {
            first = Some(one);
        } else {
            more.push(one);
        }
    }
    // The organisation, copied into a buffer kept from event to event.
    let mut org = std::mem::take(&mut state.org_scratch);
    match attribute(state, &ev.metadata, &ev.cloud, &ev.device) {
        Some(o) => {
            org.clear();
            org.push_str(o);
        }
        None => {
            state.org_scratch = org;
            return unattributable(state, at, p, &ev.metadata, &ev.cloud, &ev.device);
        }
    }
    let mut any_new = false;
    for v in first.iter().chain(&more) {
        let key = v.cve.as_deref().unwrap_or(uid);
        any_new |= state.add_vuln(
            &org,
            (uid, key),
            VulnIn {
                time,
                asset,
                key,
                has_cve: v.cve.is_some(),
                cvss: v.cvss.as_ref(),
                cvss_score: v.cvss_score,
                epss: v.epss,
                kev: v.kev,
                internet_facing,
                criticality,
                first_seen,
                resolved_on,
            },
        );
    }
    state.org_scratch = org;
    Ok(Outcome2::Used(any_new))
}

/// The affected asset: the first non-blank device uid/hostname/name/ip, else resource
/// uid/hostname/name.
#[inline]
fn affected_asset<'r, 'a: 'r>(
    device: &'r Option<DeviceObj<'a>>,
    resources: impl Iterator<Item = &'r Resource<'a>> + Clone,
    p: P,
    max_str: usize,
) -> Result<&'r str, Bad> {
    let all_res = || resources.clone();
    let asset = device
        .iter()
        .flat_map(|d| [&d.uid, &d.hostname, &d.name, &d.ip])
        .chain(all_res().flat_map(|r| [&r.uid, &r.hostname, &r.name]))
        .flatten()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .ok_or_else(|| {
            bad(
                p.at("device"),
                "missing_field",
                "no affected asset: none of device.uid/hostname/name/ip or resources[].uid/hostname/name",
            )
        })?;
    if asset.len() > max_str {
        return Err(bad(
            p.at("device"),
            "limit_exceeded",
            format!("the asset id is longer than {max_str} bytes"),
        ));
    }
    Ok(asset)
}

/// The first resource criticality given (`resources[i]`, then `resource`); an unknown one is
/// reported and read as medium, the default.
#[inline]
fn criticality<'r, 'a: 'r>(
    state: &mut State,
    resources: impl Iterator<Item = &'r Resource<'a>>,
    n_resources: usize,
    p: P,
    at: At<'_>,
) -> AssetCriticality {
    let mut criticality = AssetCriticality::Medium;
    if let Some((i, c)) = resources
        .enumerate()
        .find_map(|(i, r)| s(&r.criticality).map(|c| (i, c)))
    {
        let c = c.trim();
        criticality = if c.eq_ignore_ascii_case("low") {
            AssetCriticality::Low
        } else if c.eq_ignore_ascii_case("medium") {
            AssetCriticality::Medium
        } else if c.eq_ignore_ascii_case("high") {
            AssetCriticality::High
        } else if c.eq_ignore_ascii_case("clinical") {
            AssetCriticality::Clinical
        } else {
            let path = if i < n_resources {
                format!("{}[{i}].criticality", p.at("resources"))
            } else {
                p.at("resource.criticality")
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
        };
    }
    criticality
}

/// First seen (never after the event's `date`) and, for a closed finding (status 4), the date
/// it was resolved.
#[inline]
fn finding_dates<'a>(
    f: &mut impl Fields<'a>,
    fi: &FindingInfo<'_>,
    p: P,
    date: crate::Date,
) -> Result<(crate::Date, Option<crate::Date>), Bad> {
    // A finding cannot have been first seen after the event that reports it: a later
    // `first_seen_time` (a clock or vendor error) is read as the event's own date.
    let first_seen = match fi.first_seen_time.or(fi.created_time) {
        Some(ms) => date_of(ms, || p.at("finding_info.first_seen_time"))?.min(date),
        None => date,
    };
    let status: Option<i64> = f.status_id(p)?;
    let resolved_on = if status == Some(4) {
        Some(match fi.modified_time {
            Some(ms) => date_of(ms, || p.at("finding_info.modified_time"))?,
            None => date,
        })
    } else {
        None
    };
    Ok((first_seen, resolved_on))
}

/// `vulnerabilities[i]` of the record at `p`: its CVE id, CVSS, EPSS and whether it is
/// known exploited.
#[inline]
fn one_vulnerability<'v>(
    state: &mut State,
    v: &'v Vulnerability<'_>,
    (i, p): (usize, P),
    version: (u32, u32),
    max_str: usize,
) -> Result<OneVuln<'v>, Bad> {
    let vp = |i: usize| format!("{}[{i}]", p.at("vulnerabilities"));
    let cve: Option<Cow<'_, str>> = match v.cve.as_ref().and_then(|c| s(&c.uid)) {
        Some(id) => {
            let up = upper(id.trim());
            if !is_cve_id(&up) {
                return Err(bad(
                    format!("{}.cve.uid", vp(i)),
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
            check_since(version, "vulnerabilities[].cve.references", || vp(i))?;
        }
        kev_ref |= c.references.iter().flatten().any(|r| is_kev_url(r));
        (cvss, cvss_score) = best_cvss(state, c, (i, p), max_str)?;
        if let Some(e) = &c.epss {
            epss = epss_score(e, (i, p), version)?;
        }
    }
    let kev = kev_ref
        || cve
            .as_deref()
            .is_some_and(|c| state.options.kev.as_ref().is_some_and(|k| k.contains(c)));
    Ok(OneVuln {
        cve,
        cvss,
        cvss_score,
        epss,
        kev,
    })
}

/// The newest CVSS version of `vulnerabilities[i].cve` with a vector, checked and shared; else
/// a v3/v4 base score.
#[inline]
fn best_cvss(
    state: &mut State,
    c: &Cve<'_>,
    (i, p): (usize, P),
    max_str: usize,
) -> Result<(Option<std::sync::Arc<str>>, Option<f64>), Bad> {
    let vp = |i: usize| format!("{}[{i}]", p.at("vulnerabilities"));
    let mut cvss = None;
    let mut cvss_score = None;
    // The newest CVSS version with a vector; else a v3/v4 base score.
    let rank = |ver: &str| match ver.trim() {
        "4.0" | "4" => Some(3),
        "3.1" => Some(2),
        "3.0" | "3" => Some(1),
        _ => None,
    };
    let mut best: Option<(u8, usize)> = None;
    for (j, sc) in c.cvss.iter().flatten().enumerate() {
        let ver = s(&sc.version)
            .or_else(|| {
                s(&sc.vector_string)
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
        let sc = &c.cvss.as_ref().expect("index from this list")[j];
        let sp = || format!("{}.cve.cvss[{j}]", vp(i));
        match s(&sc.vector_string) {
            Some(vec) => {
                let vec = vec.trim();
                let full = if vec.starts_with("CVSS:") {
                    Cow::Borrowed(vec)
                } else {
                    let ver = s(&sc.version).unwrap_or("").trim();
                    Cow::Owned(format!("CVSS:{ver}/{vec}"))
                };
                if full.len() > max_str {
                    return Err(bad(
                        format!("{}.vector_string", sp()),
                        "limit_exceeded",
                        format!("the CVSS vector is longer than {max_str} bytes"),
                    ));
                }
                match state.check_cvss(&full) {
                    Ok(shared) => cvss = Some(shared),
                    Err(e) => {
                        return Err(bad(format!("{}.vector_string", sp()), "invalid_cvss", e));
                    }
                }
            }
            None => match sc.base_score {
                Some(b) if b.is_finite() && (0.0..=10.0).contains(&b) => cvss_score = Some(b),
                Some(b) => {
                    return Err(bad(
                        format!("{}.base_score", sp()),
                        "invalid_cvss_score",
                        format!("{b} is not a CVSS score in [0, 10]"),
                    ));
                }
                None => {}
            },
        }
    }
    Ok((cvss, cvss_score))
}

/// The EPSS score of `vulnerabilities[i].cve`, a probability (a number or a numeric string).
#[inline]
fn epss_score(e: &Epss<'_>, (i, p): (usize, P), version: (u32, u32)) -> Result<Option<f64>, Bad> {
    let vp = |i: usize| format!("{}[{i}]", p.at("vulnerabilities"));
    check_since(version, "vulnerabilities[].cve.epss", || vp(i))?;
    let ep = || format!("{}.cve.epss.score", vp(i));
    let value = match &e.score {
        Some(NumberOrString::Number(x)) => Some(*x),
        Some(NumberOrString::String(sv)) => Some(sv.trim().parse::<f64>().map_err(|_| {
            bad(
                ep(),
                "invalid_probability",
                format!("`{}` is not a number", crate::text::clip(sv, 40)),
            )
        })?),
        None => None,
    };
    if let Some(x) = value {
        if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
            return Err(bad(
                ep(),
                "invalid_probability",
                format!("{x} is not a probability in [0, 1]"),
            ));
        }
    }
    Ok(value)
}

fn is_kev_url(s: &str) -> bool {
    s.contains("known-exploited-vulnerabilities")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;

    fn options(small: bool) -> IngestOptions {
        let limits = if small {
            r#"{"max_record_bytes": 400, "max_depth": 4, "max_string_bytes": 12}"#
        } else {
            r#"{"max_record_bytes": 65536, "max_depth": 32}"#
        };
        let mut o = IngestOptions::from_json(&format!(
            r#"{{"as_of": "2025-09-30",
                "attribution": {{"tenant_uid": {{"tenant-rbs": "RBS", "t": "A"}},
                                "cloud_account_uid": {{"123456789012": "RXX"}},
                                "device_domain": {{"rbs.nhs.example": "RBS"}}}},
                "segmented_networks": ["vlan-120"], "limits": {limits}}}"#
        ))
        .expect("options");
        o.kev = Some(
            crate::feeds::KevCatalog::from_json(
                r#"{"vulnerabilities": [{"cveID": "CVE-2021-44228"}]}"#,
            )
            .expect("kev"),
        );
        o
    }

    fn run(bytes: &[u8], small: bool, one_pass: bool, buffer: usize) -> String {
        let mut state = State::new(options(small));
        let reader = std::io::BufReader::with_capacity(buffer, bytes);
        match read_as(&mut state, reader, "t", one_pass) {
            Ok(()) => format!("{:?}", state.finish()),
            Err(e) => format!("{e:?}"),
        }
    }

    /// Events that the one-pass reading must take exactly as the field-by-field one does: a
    /// valid finding, then the same with one thing changed (types, arrays for objects, escapes,
    /// duplicate keys, limits).
    fn variants() -> Vec<String> {
        let base = r#"{"class_uid": 2002, "time": 1756684800000, "status_id": 4,
 "metadata": {"version": "1.5.0", "tenant_uid": "tenant-rbs", "product": {"name": "x"}},
 "finding_info": {"uid": "f-1", "first_seen_time": 1754006400000, "modified_time": 1756000000000},
 "device": {"uid": "pacs-01", "type_id": 1, "agent_list": [{"type_id": 1}]},
 "resources": [{"uid": "r1", "labels": ["internet-facing"], "criticality": "High"}],
 "vulnerabilities": [{"cve": {"uid": "cve-2021-44228", "epss": {"score": "0.5"},
   "cvss": [{"version": "3.1", "vector_string": "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]},
   "references": ["https://x/known-exploited-vulnerabilities"]}]}"#
            .replace('\n', "");
        let edits: &[(&str, &str)] = &[
            ("", ""),
            (
                r#""tenant_uid": "tenant-rbs""#,
                r#""tenant_uid": "tenant\u002drbs""#,
            ),
            (
                r#""uid": "pacs-01""#,
                r#""uid": "pacs\u002d01", "uid": "x""#,
            ),
            (
                r#""metadata": {"version": "1.5.0", "tenant_uid": "tenant-rbs", "product": {"name": "x"}}"#,
                r#""metadata": ["1.5.0", "tenant-rbs"]"#,
            ),
            (
                r#""device": {"uid": "pacs-01", "type_id": 1, "agent_list": [{"type_id": 1}]}"#,
                r#""device": ["pacs-01", null, null, null, null, 1, null, null, null, null, null]"#,
            ),
            (
                r#""resources": [{"uid": "r1", "labels": ["internet-facing"], "criticality": "High"}]"#,
                r#""resources": [["r1", null, null, null, "clinical", ["internet_facing"]]]"#,
            ),
            (r#""score": "0.5""#, r#""score": true"#),
            (r#""score": "0.5""#, r#""score": 1"#),
            (r#""score": "0.5""#, r#""score": {"a": 1}"#),
            (r#""score": "0.5""#, r#""score": "x""#),
            (r#""status_id": 4"#, r#""status_id": "4""#),
            (r#""time": 1756684800000"#, r#""time": 1756684800000.0"#),
            (r#""time": 1756684800000"#, r#""time": null"#),
            (r#""class_uid": 2002"#, r#""class_uid": 5001"#),
            (
                r#""class_uid": 2002"#,
                r#""class_uid": 2003, "compliance": {"control": "B4.d", "standards": ["NHS DSPT"], "status_id": 2}"#,
            ),
            (
                r#""class_uid": 2002"#,
                r#""class_uid": 9999, "metadata": 1"#,
            ),
            (r#""version": "1.5.0""#, r#""version": "1.2.0""#),
            (r#""criticality": "High""#, r#""criticality": "urgent""#),
            (r#""criticality": "High""#, r#""criticality": 3"#),
            (r#""uid": "cve-2021-44228""#, r#""uid": "CVE-2021-4422x""#),
            (
                r#""first_seen_time": 1754006400000"#,
                r#""first_seen_time": 1754006400000, "first_seen_time": 1"#,
            ),
            (
                r#"{"type_id": 1}"#,
                r#"{"type_id": 1, "deep": [[[[[1]]]]]}"#,
            ),
            (r#""name": "x""#, r#""name": "\ud800""#),
            (
                r#""references": ["https://x/known-exploited-vulnerabilities"]"#,
                r#""references": "x""#,
            ),
            (r#""f-1""#, r#""a-very-long-finding-uid""#),
        ];
        edits
            .iter()
            .map(|(from, to)| {
                assert!(base.contains(from), "{from}");
                base.replacen(from, to, 1)
            })
            .collect()
    }

    #[test]
    fn one_pass_reading_equals_field_by_field_reading() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        let vs = variants();
        for v in &vs {
            inputs.push(v.clone().into_bytes());
        }
        inputs.push(vs.join("\n").into_bytes());
        inputs.push(format!("[{}]", vs.join(",\n")).into_bytes());
        // Several events on one line; an event over several lines; a line that is not UTF-8
        // after its event (the one-pass reading checks an event's line as a whole).
        inputs.push(vs.join(" ").into_bytes());
        inputs.push(vs.join("\n").replace(", ", ",\n ").into_bytes());
        let mut bad_tail = vs.join("\n").into_bytes();
        let at = vs[0].len() + 1 + vs[1].len();
        bad_tail.splice(at..at, *b" \xff");
        inputs.push(bad_tail);
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/ingest_ocsf");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the committed corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for f in files {
            inputs.push(std::fs::read(f).expect("corpus file"));
        }
        for (i, bytes) in inputs.iter().enumerate() {
            for small in [false, true] {
                // (A limit error's line can depend on the buffer: compare like with like.)
                for buffer in [1 << 16, 100] {
                    let expected = run(bytes, small, false, buffer);
                    assert_eq!(
                        run(bytes, small, true, buffer),
                        expected,
                        "input {i} (limits small: {small}, buffer {buffer}):\n{}",
                        String::from_utf8_lossy(bytes)
                    );
                }
            }
        }
    }

    /// `Str` and `NumberOrString` read what `String` and an untagged enum of `f64` and `String`
    /// read (the types the field-by-field reading had), with the same messages.
    #[test]
    fn borrowed_types_read_as_the_owned_ones() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(untagged)]
        enum NumberOrString {
            Number(f64),
            String(String),
        }
        fn msg(e: serde_json::Error) -> String {
            let m = e.to_string();
            m.split(" at line ").next().unwrap_or("").to_owned()
        }
        for text in [
            "1",
            "-1",
            "0.25",
            "1e400",
            "18446744073709551616",
            "-0",
            "\"0.5\"",
            "\"a\\u0062\"",
            "true",
            "null",
            "[1]",
            "{\"a\": 1}",
            "[]",
            "{}",
            "\"\\ud800\"",
        ] {
            let want = serde_json::from_str::<Option<NumberOrString>>(text).map_err(msg);
            let got = serde_json::from_str::<Option<super::NumberOrString<'_>>>(text)
                .map(|o| {
                    o.map(|v| match v {
                        super::NumberOrString::Number(x) => NumberOrString::Number(x),
                        super::NumberOrString::String(s) => NumberOrString::String(s.to_string()),
                    })
                })
                .map_err(msg);
            assert_eq!(got, want, "{text}");
            let want = serde_json::from_str::<Option<String>>(text).map_err(msg);
            let got = serde_json::from_str::<Option<Str<'_>>>(text)
                .map(|o| o.map(|s| s.to_string()))
                .map_err(msg);
            assert_eq!(got, want, "{text}");
        }
    }
}
