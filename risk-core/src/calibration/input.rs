//! The incident document (calibration-v1 section 1) and the configuration document (2.1),
//! with the checks of sections 1.1 and 2.2.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::calibration::error::{CalibrationError, Document};
use crate::calibration::json::{self, JVal};
use crate::input::date::Date;
use crate::input::document::Portfolio;

/// Where an incident came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The organisation's own systems.
    Internal,
    /// It reached the organisation through a supplier's compromise.
    Supplier,
}

/// One incident record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// Unique id.
    pub id: String,
    /// Id of the organisation that suffered it.
    pub organisation: String,
    /// The day it occurred.
    pub occurred_on: Date,
    /// Internal or supplier.
    pub origin: Origin,
    /// The supplier, iff origin is `supplier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Only material incidents are outcomes (default true).
    #[serde(default = "yes")]
    pub material: bool,
    /// Free text, ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

/// The incident document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incidents {
    /// The records.
    pub incidents: Vec<Incident>,
}

/// A warning about valid input (section 4.4 `design.warnings`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    /// JSON path inside the incident document.
    pub path: String,
    /// `supplier_not_a_dependency`.
    pub warning: String,
}

/// The level of fit (section 3).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No change (only chosen by the closed test).
    None,
    /// Calibration in the large.
    Intercept,
    /// Logistic recalibration.
    Recalibrate,
    /// Intercept, weights and coupling scale.
    Refit,
    /// The closed test chooses.
    Auto,
}

impl Level {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Intercept => "intercept",
            Level::Recalibrate => "recalibrate",
            Level::Refit => "refit",
            Level::Auto => "auto",
        }
    }
}

/// The snapshot dates as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Snapshots {
    /// An explicit list (any order; used sorted).
    List(Vec<Date>),
    /// A generator.
    Every {
        /// First date.
        start: Date,
        /// Last date at most.
        end: Date,
        /// Step in months (≥ 1).
        every_months: u32,
    },
}

/// The configuration document (section 2.1), checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationConfig {
    /// The snapshots.
    pub snapshots: Snapshots,
    /// Incident recording complete up to and including this day.
    pub observed_until: Date,
    /// The level (default `auto`).
    pub level: Level,
    /// Prior sd of each weight (default 0.5).
    pub tau: f64,
    /// Closed-test level (default 0.05).
    pub alpha: f64,
    /// Out-of-time split date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Date>,
    /// Peer groups of the population (absent: everyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_groups: Option<Vec<String>>,
}

impl CalibrationConfig {
    /// A configuration with the defaults of section 2.1.
    pub fn new(snapshots: Snapshots, observed_until: Date) -> Self {
        CalibrationConfig {
            snapshots,
            observed_until,
            level: Level::Auto,
            tau: 0.5,
            alpha: 0.05,
            split: None,
            peer_groups: None,
        }
    }

    /// The snapshot dates, sorted (section 2.1's generator for the object form).
    pub fn snapshot_dates(&self) -> Vec<Date> {
        match &self.snapshots {
            Snapshots::List(v) => {
                let mut v = v.clone();
                v.sort();
                v
            }
            Snapshots::Every {
                start,
                end,
                every_months,
            } => {
                let mut out = Vec::new();
                let mut j = 0u32;
                while let Some(t) = add_months(*start, j.saturating_mul(*every_months)) {
                    if t > *end {
                        break;
                    }
                    out.push(t);
                    j += 1;
                }
                out
            }
        }
    }
}

/// `d` plus `months` months, keeping the day of the month clamped to the month's last day.
pub fn add_months(d: Date, months: u32) -> Option<Date> {
    let (y, m, day) = d.ymd();
    let total = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
    let ny = i32::try_from(total.div_euclid(12)).ok()?;
    let nm = (total.rem_euclid(12) + 1) as u32;
    let mut dd = day;
    loop {
        if let Some(x) = Date::from_ymd(ny, nm, dd) {
            return Some(x);
        }
        if dd <= 28 {
            return None;
        }
        dd -= 1;
    }
}

// ----------------------------------------------------------------------------------------------
// Reading helpers

struct Reader {
    doc: Document,
}

impl Reader {
    fn err(&self, cat: &'static str, path: &str, msg: impl Into<String>) -> CalibrationError {
        CalibrationError::new(cat, self.doc, path, msg)
    }

    fn object<'a>(
        &self,
        v: &'a JVal,
        path: &str,
        allowed: &[&str],
    ) -> Result<&'a [(String, JVal)], CalibrationError> {
        let JVal::Obj(fields) = v else {
            return Err(self.err(
                "invalid_type",
                path,
                format!("expected an object, found {}", v.type_name()),
            ));
        };
        for (k, _) in fields {
            if !allowed.contains(&k.as_str()) {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                return Err(self.err("unknown_field", &p, format!("unknown field `{k}`")));
            }
        }
        Ok(fields)
    }

    fn string(&self, v: &JVal, path: &str) -> Result<String, CalibrationError> {
        match v {
            JVal::Str(s) => Ok(s.clone()),
            _ => Err(self.err(
                "invalid_type",
                path,
                format!("expected a string, found {}", v.type_name()),
            )),
        }
    }

    fn date(&self, v: &JVal, path: &str) -> Result<Date, CalibrationError> {
        let s = self.string(v, path)?;
        s.parse::<Date>()
            .map_err(|e| self.err("invalid_date", path, e.to_string()))
    }
}

fn get<'a>(fields: &'a [(String, JVal)], key: &str) -> Option<&'a JVal> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| **v != JVal::Null)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn required<'a>(
    r: &Reader,
    fields: &'a [(String, JVal)],
    path: &str,
    key: &str,
) -> Result<&'a JVal, CalibrationError> {
    get(fields, key).ok_or_else(|| {
        r.err(
            "missing_field",
            &join(path, key),
            format!("`{key}` is required"),
        )
    })
}

// ----------------------------------------------------------------------------------------------
// Incidents

/// Parse an incident document from its bytes (the structural checks of section 1.1; the
/// checks against the portfolio are [`Incidents::check`]).
///
/// # Errors
/// [`CalibrationError`] with the category and path of section 1.1.
pub fn parse_incidents(bytes: &[u8]) -> Result<Incidents, CalibrationError> {
    incidents_from_value(&json::parse(bytes, Document::Incidents)?)
}

/// As [`parse_incidents`], from a parsed JSON value.
///
/// # Errors
/// As [`parse_incidents`].
pub fn incidents_from_json(v: &serde_json::Value) -> Result<Incidents, CalibrationError> {
    incidents_from_value(&json::from_serde(v))
}

fn incidents_from_value(v: &JVal) -> Result<Incidents, CalibrationError> {
    let r = Reader {
        doc: Document::Incidents,
    };
    let top = r.object(v, "", &["incidents"])?;
    let list = required(&r, top, "", "incidents")?;
    let JVal::Arr(items) = list else {
        return Err(r.err(
            "invalid_type",
            "incidents",
            format!("expected a list, found {}", list.type_name()),
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    let mut seen: HashSet<String> = HashSet::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let p = format!("incidents[{i}]");
        let f = r.object(
            it,
            &p,
            &[
                "id",
                "organisation",
                "occurred_on",
                "origin",
                "supplier",
                "material",
                "description",
            ],
        )?;
        // Types first, in field order, then presence.
        for (k, val) in f {
            if *val == JVal::Null {
                continue;
            }
            let fp = format!("{p}.{k}");
            match k.as_str() {
                "material" => {
                    if !matches!(val, JVal::Bool(_)) {
                        return Err(r.err(
                            "invalid_type",
                            &fp,
                            format!("expected a boolean, found {}", val.type_name()),
                        ));
                    }
                }
                _ => {
                    r.string(val, &fp)?;
                }
            }
        }
        let id = r.string(required(&r, f, &p, "id")?, &format!("{p}.id"))?;
        let organisation = r.string(
            required(&r, f, &p, "organisation")?,
            &format!("{p}.organisation"),
        )?;
        let occurred_on = r.date(
            required(&r, f, &p, "occurred_on")?,
            &format!("{p}.occurred_on"),
        )?;
        let origin_s = r.string(required(&r, f, &p, "origin")?, &format!("{p}.origin"))?;
        let origin = match origin_s.as_str() {
            "internal" => Origin::Internal,
            "supplier" => Origin::Supplier,
            other => {
                return Err(r.err(
                    "unknown_value",
                    &format!("{p}.origin"),
                    format!(
                        "`{}` is not an origin (internal, supplier)",
                        crate::text::clip(other, 60)
                    ),
                ));
            }
        };
        let supplier = match get(f, "supplier") {
            Some(v) => Some(r.string(v, &format!("{p}.supplier"))?),
            None => None,
        };
        if origin == Origin::Supplier && supplier.is_none() {
            return Err(r.err(
                "missing_field",
                &format!("{p}.supplier"),
                "`supplier` is required when origin is `supplier`",
            ));
        }
        let material = match get(f, "material") {
            Some(JVal::Bool(b)) => *b,
            _ => true,
        };
        let description = match get(f, "description") {
            Some(v) => Some(r.string(v, &format!("{p}.description"))?),
            None => None,
        };
        if id.is_empty() {
            return Err(r.err(
                "empty_id",
                &format!("{p}.id"),
                "incident id must not be empty",
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(r.err(
                "duplicate_id",
                &format!("{p}.id"),
                format!("duplicate incident id `{}`", crate::text::clip(&id, 60)),
            ));
        }
        out.push(Incident {
            id,
            organisation,
            occurred_on,
            origin,
            supplier,
            material,
            description,
        });
    }
    Ok(Incidents { incidents: out })
}

impl Incidents {
    /// Check the incidents against the portfolio (section 1.1); returns the warnings.
    ///
    /// # Errors
    /// `unknown_organisation`, `unknown_supplier`, `unexpected_supplier`, `self_supplier`.
    pub fn check(&self, portfolio: &Portfolio) -> Result<Vec<Warning>, CalibrationError> {
        let r = Reader {
            doc: Document::Incidents,
        };
        let by_id: HashMap<&str, usize> = portfolio
            .organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut warnings = Vec::new();
        for (i, inc) in self.incidents.iter().enumerate() {
            let p = format!("incidents[{i}]");
            if inc.id.is_empty() {
                return Err(r.err("empty_id", &format!("{p}.id"), "must not be empty"));
            }
            if !seen.insert(&inc.id) {
                return Err(r.err("duplicate_id", &format!("{p}.id"), "duplicate incident id"));
            }
            let Some(&o) = by_id.get(inc.organisation.as_str()) else {
                return Err(r.err(
                    "unknown_organisation",
                    &format!("{p}.organisation"),
                    format!(
                        "no organisation `{}` in the portfolio",
                        crate::text::clip(&inc.organisation, 60)
                    ),
                ));
            };
            match (inc.origin, &inc.supplier) {
                (Origin::Internal, Some(_)) => {
                    return Err(r.err(
                        "unexpected_supplier",
                        &format!("{p}.supplier"),
                        "a supplier is given for an incident of origin `internal`",
                    ));
                }
                (Origin::Supplier, None) => {
                    return Err(r.err(
                        "missing_field",
                        &format!("{p}.supplier"),
                        "`supplier` is required when origin is `supplier`",
                    ));
                }
                (Origin::Supplier, Some(s)) => {
                    if !by_id.contains_key(s.as_str()) {
                        return Err(r.err(
                            "unknown_supplier",
                            &format!("{p}.supplier"),
                            format!(
                                "no organisation `{}` in the portfolio",
                                crate::text::clip(s, 60)
                            ),
                        ));
                    }
                    if *s == inc.organisation {
                        return Err(r.err(
                            "self_supplier",
                            &format!("{p}.supplier"),
                            "the supplier is the organisation itself",
                        ));
                    }
                    let deps = &portfolio.organisations[o].dependencies;
                    if !deps.iter().any(|d| d.supplier == *s) {
                        warnings.push(Warning {
                            path: format!("{p}.supplier"),
                            warning: "supplier_not_a_dependency".into(),
                        });
                    }
                }
                (Origin::Internal, None) => {}
            }
        }
        Ok(warnings)
    }
}

// ----------------------------------------------------------------------------------------------
// Configuration

/// Parse a configuration document (section 2.1) and check it against the portfolio (2.2).
///
/// # Errors
/// [`CalibrationError`] with the category and path of section 2.2.
pub fn parse_config(
    bytes: &[u8],
    portfolio: &Portfolio,
) -> Result<CalibrationConfig, CalibrationError> {
    let c = config_from_value(&json::parse(bytes, Document::Config)?)?;
    c.check(portfolio)?;
    Ok(c)
}

/// As [`parse_config`], from a parsed JSON value.
///
/// # Errors
/// As [`parse_config`].
pub fn config_from_json(
    v: &serde_json::Value,
    portfolio: &Portfolio,
) -> Result<CalibrationConfig, CalibrationError> {
    let c = config_from_value(&json::from_serde(v))?;
    c.check(portfolio)?;
    Ok(c)
}

fn number(r: &Reader, v: &JVal, path: &str) -> Result<f64, CalibrationError> {
    let x = match v {
        JVal::Int(i) => *i as f64,
        JVal::Float(f) => *f,
        _ => {
            return Err(r.err(
                "invalid_type",
                path,
                format!("expected a number, found {}", v.type_name()),
            ));
        }
    };
    if !x.is_finite() {
        return Err(r.err("invalid_type", path, "expected a finite number"));
    }
    Ok(x)
}

fn config_from_value(v: &JVal) -> Result<CalibrationConfig, CalibrationError> {
    let r = Reader {
        doc: Document::Config,
    };
    let f = r.object(
        v,
        "",
        &[
            "snapshots",
            "observed_until",
            "level",
            "tau",
            "alpha",
            "split",
            "peer_groups",
        ],
    )?;
    let snapshots = snapshots(&r, required(&r, f, "", "snapshots")?)?;
    let observed_until = r.date(required(&r, f, "", "observed_until")?, "observed_until")?;
    let level = level(&r, f)?;
    let tau = match get(f, "tau") {
        None => 0.5,
        Some(v) => number(&r, v, "tau")?,
    };
    let alpha = match get(f, "alpha") {
        None => 0.05,
        Some(v) => number(&r, v, "alpha")?,
    };
    let split = match get(f, "split") {
        None => None,
        Some(v) => Some(r.date(v, "split")?),
    };
    let peer_groups = peer_groups(&r, f)?;
    if tau <= 0.0 {
        return Err(r.err("invalid_parameter", "tau", "must be > 0"));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(r.err("invalid_parameter", "alpha", "must be in (0, 1)"));
    }
    Ok(CalibrationConfig {
        snapshots,
        observed_until,
        level,
        tau,
        alpha,
        split,
        peer_groups,
    })
}

/// `snapshots`: a list of distinct dates, or `{start, end, every_months}`.
fn snapshots(r: &Reader, snaps_v: &JVal) -> Result<Snapshots, CalibrationError> {
    match snaps_v {
        JVal::Arr(items) => snapshot_list(r, items),
        JVal::Obj(_) => snapshot_range(r, snaps_v),
        other => Err(r.err(
            "invalid_type",
            "snapshots",
            format!(
                "expected a list of dates or {{start, end, every_months}}, found {}",
                other.type_name()
            ),
        )),
    }
}

/// `snapshots` as a list: at least one date, none twice.
fn snapshot_list(r: &Reader, items: &[JVal]) -> Result<Snapshots, CalibrationError> {
    if items.is_empty() {
        return Err(r.err(
            "invalid_snapshots",
            "snapshots",
            "at least one snapshot date is needed",
        ));
    }
    let mut dates: Vec<Date> = Vec::with_capacity(items.len());
    for (j, it) in items.iter().enumerate() {
        let p = format!("snapshots[{j}]");
        if *it == JVal::Null {
            return Err(r.err("invalid_type", &p, "expected a date string, found null"));
        }
        let d = r.date(it, &p)?;
        if dates.contains(&d) {
            return Err(r.err(
                "duplicate_snapshot",
                &p,
                format!("snapshot {d} is listed twice"),
            ));
        }
        dates.push(d);
    }
    Ok(Snapshots::List(dates))
}

/// `snapshots` as `{start, end, every_months}`.
fn snapshot_range(r: &Reader, snaps_v: &JVal) -> Result<Snapshots, CalibrationError> {
    let g = r.object(snaps_v, "snapshots", &["start", "end", "every_months"])?;
    for (k, val) in g {
        if *val == JVal::Null {
            continue;
        }
        let p = format!("snapshots.{k}");
        match k.as_str() {
            "every_months" => {
                if !matches!(val, JVal::Int(_)) {
                    return Err(r.err(
                        "invalid_type",
                        &p,
                        format!("expected a JSON integer, found {}", val.type_name()),
                    ));
                }
            }
            _ => {
                r.string(val, &p)?;
            }
        }
    }
    let start = r.date(required(r, g, "snapshots", "start")?, "snapshots.start")?;
    let end = r.date(required(r, g, "snapshots", "end")?, "snapshots.end")?;
    let JVal::Int(every) = required(r, g, "snapshots", "every_months")? else {
        unreachable!("checked above")
    };
    if *every < 1 {
        return Err(r.err(
            "invalid_snapshots",
            "snapshots.every_months",
            "must be at least 1",
        ));
    }
    if end < start {
        return Err(r.err("invalid_snapshots", "snapshots.end", "end is before start"));
    }
    Ok(Snapshots::Every {
        start,
        end,
        every_months: u32::try_from(*every).unwrap_or(u32::MAX),
    })
}

/// `level` (default `auto`).
fn level(r: &Reader, f: &[(String, JVal)]) -> Result<Level, CalibrationError> {
    Ok(match get(f, "level") {
        None => Level::Auto,
        Some(v) => match r.string(v, "level")?.as_str() {
            "intercept" => Level::Intercept,
            "recalibrate" => Level::Recalibrate,
            "refit" => Level::Refit,
            "auto" => Level::Auto,
            other => {
                return Err(r.err(
                    "unknown_value",
                    "level",
                    format!(
                        "`{}` is not a level (intercept, recalibrate, refit, auto)",
                        crate::text::clip(other, 60)
                    ),
                ));
            }
        },
    })
}

/// `peer_groups`: absent, or a non-empty list of names.
fn peer_groups(r: &Reader, f: &[(String, JVal)]) -> Result<Option<Vec<String>>, CalibrationError> {
    Ok(match get(f, "peer_groups") {
        None => None,
        Some(JVal::Arr(items)) if !items.is_empty() => {
            let mut out = Vec::with_capacity(items.len());
            for (j, it) in items.iter().enumerate() {
                out.push(r.string(it, &format!("peer_groups[{j}]"))?);
            }
            Some(out)
        }
        Some(v) => {
            return Err(r.err(
                "invalid_type",
                "peer_groups",
                format!(
                    "expected a non-empty list of strings, found {}",
                    match v {
                        JVal::Arr(_) => "an empty list",
                        other => other.type_name(),
                    }
                ),
            ));
        }
    })
}

impl CalibrationConfig {
    /// Check the configuration against the portfolio (section 2.2: snapshots after `as_of`,
    /// unknown peer groups, and the value rules for a configuration built in code).
    ///
    /// # Errors
    /// [`CalibrationError`] as section 2.2.
    pub fn check(&self, portfolio: &Portfolio) -> Result<(), CalibrationError> {
        let r = Reader {
            doc: Document::Config,
        };
        match &self.snapshots {
            Snapshots::List(v) => {
                if v.is_empty() {
                    return Err(r.err("invalid_snapshots", "snapshots", "no snapshot dates"));
                }
                for (j, d) in v.iter().enumerate() {
                    if v[..j].contains(d) {
                        return Err(r.err(
                            "duplicate_snapshot",
                            &format!("snapshots[{j}]"),
                            format!("snapshot {d} is listed twice"),
                        ));
                    }
                }
                for (j, d) in v.iter().enumerate() {
                    if *d > portfolio.as_of {
                        return Err(r.err(
                            "snapshot_after_as_of",
                            &format!("snapshots[{j}]"),
                            format!("{d} is after the portfolio's as_of {}", portfolio.as_of),
                        ));
                    }
                }
            }
            Snapshots::Every {
                start,
                end,
                every_months,
            } => {
                if *every_months < 1 {
                    return Err(r.err(
                        "invalid_snapshots",
                        "snapshots.every_months",
                        "must be at least 1",
                    ));
                }
                if end < start {
                    return Err(r.err("invalid_snapshots", "snapshots.end", "end is before start"));
                }
                if self.snapshot_dates().iter().any(|d| *d > portfolio.as_of) {
                    return Err(r.err(
                        "snapshot_after_as_of",
                        "snapshots.end",
                        format!(
                            "snapshots run after the portfolio's as_of {}",
                            portfolio.as_of
                        ),
                    ));
                }
            }
        }
        if !(self.tau.is_finite() && self.tau > 0.0) {
            return Err(r.err("invalid_parameter", "tau", "must be a finite number > 0"));
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(r.err("invalid_parameter", "alpha", "must be in (0, 1)"));
        }
        if let Some(groups) = &self.peer_groups {
            if groups.is_empty() {
                return Err(r.err("invalid_type", "peer_groups", "must not be empty"));
            }
            let present: BTreeSet<&str> = portfolio
                .organisations
                .iter()
                .map(|o| o.peer_group.as_str())
                .collect();
            for (j, g) in groups.iter().enumerate() {
                if !present.contains(g.as_str()) {
                    return Err(r.err(
                        "unknown_peer_group",
                        &format!("peer_groups[{j}]"),
                        format!(
                            "no organisation is in peer group `{}`",
                            crate::text::clip(g, 60)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_months_clamps_from_start() {
        let s: Date = "2023-01-31".parse().unwrap();
        let got: Vec<String> = (0..4)
            .map(|j| add_months(s, j).unwrap().to_string())
            .collect();
        assert_eq!(
            got,
            ["2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30"]
        );
    }
}
