//! Evidence as long tables, the shape it has in a warehouse: one row per organisation,
//! assessment, metric observation, finding or dependency edge, keyed by organisation.
//!
//! The bindings move columns (Arrow, pandas, Spark) into [`Column`]s and call
//! [`portfolio_from_tables`]; every table and column name, type, default and error is here.
//! Errors name the table, row and column (`metrics[17].successes`) and the organisation.
//!
//! ```
//! use risk_core::input::tables::{portfolio_from_tables, portfolio_to_tables, Column, Tables};
//! use risk_core::Methodology;
//! let mut tables = Tables::new();
//! tables.entry("organisations".into()).or_default()
//!     .insert("organisation".into(), Column::Text(vec![Some("A".into())]));
//! let m = tables.entry("metrics".into()).or_default();
//! m.insert("organisation".into(), Column::Text(vec![Some("A".into())]));
//! m.insert("metric".into(), Column::Text(vec![Some("mfa_coverage".into())]));
//! m.insert("successes".into(), Column::Integer(vec![Some(9)]));
//! m.insert("trials".into(), Column::Integer(vec![Some(4)]));
//! m.insert("observed_on".into(), Column::Text(vec![Some("2025-09-01".into())]));
//! let as_of = "2025-09-30".parse().unwrap();
//! let err = portfolio_from_tables(as_of, &tables, &Methodology::default()).unwrap_err();
//! assert_eq!((err.code().as_str(), err.path()), ("successes_exceed_trials", "metrics[0].successes"));
//! assert!(err.first().message.contains("organisation `A`"));
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde::de::value::{Error as DeError, StrDeserializer};

use crate::input::date::Date;
use crate::input::document::{
    Assessment, Attestation, Dependency, Finding, MetricObservation, Organisation, Portfolio,
};
use crate::methodology::Methodology;
use crate::problem::{ErrorCode, InputError, Problem};
use crate::text::clip;

/// The type of a column. Dates are text `YYYY-MM-DD`; enumerations are their snake_case names.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Text (ids, names, enumeration values).
    Text,
    /// A date as text `YYYY-MM-DD`.
    Date,
    /// A floating-point number.
    Number,
    /// A whole number.
    Integer,
    /// True or false.
    Flag,
}

impl ColumnType {
    /// The type's name: `text`, `date`, `number`, `integer` or `flag`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Date => "date",
            ColumnType::Number => "number",
            ColumnType::Integer => "integer",
            ColumnType::Flag => "flag",
        }
    }
}

/// One column of a table schema (serialised as `{name, type, required}`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ColumnSpec {
    /// Column name.
    pub name: &'static str,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether the column (and every value in it) must be present.
    pub required: bool,
}

/// One table of the schema (serialised as `{name, columns}`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TableSpec {
    /// Table name.
    pub name: &'static str,
    /// Its columns.
    pub columns: &'static [ColumnSpec],
}

const fn col(name: &'static str, ty: ColumnType, required: bool) -> ColumnSpec {
    ColumnSpec { name, ty, required }
}

use ColumnType::{Date as D, Flag as B, Integer as I, Number as N, Text as T};

/// The column keying every table to its organisation.
pub const ORGANISATION: &str = "organisation";

/// Every table and column. `organisations` is required, the evidence tables are optional.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "organisations",
        columns: &[
            col(ORGANISATION, T, true),
            col("name", T, false),
            col("peer_group", T, false),
            col("dspt_status", T, false),
            col("cyber_essentials_plus", B, false),
            col("incident_probability", N, false),
        ],
    },
    TableSpec {
        name: "assessments",
        columns: &[
            col(ORGANISATION, T, true),
            col("control", T, true),
            col("outcome", T, true),
            col("assurance", T, true),
            col("assessed_on", D, true),
            col("source", T, false),
        ],
    },
    TableSpec {
        name: "metrics",
        columns: &[
            col(ORGANISATION, T, true),
            col("metric", T, true),
            col("successes", I, true),
            col("trials", I, true),
            col("observed_on", D, true),
        ],
    },
    TableSpec {
        name: "findings",
        columns: &[
            col(ORGANISATION, T, true),
            col("id", T, true),
            col("kind", T, true),
            col("cve", T, false),
            col("cvss", T, false),
            col("cvss_score", N, false),
            col("epss", N, false),
            col("kev", B, false),
            col("internet_facing", B, false),
            col("asset_criticality", T, false),
            col("first_seen", D, true),
            col("resolved_on", D, false),
        ],
    },
    TableSpec {
        name: "dependencies",
        columns: &[
            col(ORGANISATION, T, true),
            col("supplier", T, true),
            col("criticality", T, true),
            col("access", T, true),
        ],
    },
    TableSpec {
        name: "groups",
        columns: &[col(ORGANISATION, T, true), col("group", T, true)],
    },
];

/// The schema of a table by name.
pub fn table_spec(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

/// One column's values (`None` is null). Serialised as the plain array of its values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Column {
    /// Text and date columns.
    Text(Vec<Option<String>>),
    /// Number columns.
    Number(Vec<Option<f64>>),
    /// Integer columns.
    Integer(Vec<Option<i64>>),
    /// Flag columns.
    Flag(Vec<Option<bool>>),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Number(v) => v.len(),
            Column::Integer(v) => v.len(),
            Column::Flag(v) => v.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A table: columns by name.
pub type Table = BTreeMap<String, Column>;
/// Tables by name.
pub type Tables = BTreeMap<String, Table>;

/// Tables from JSON text, `{table: {column: [value, …]}}` (`null` for a missing value), each
/// known column read as its schema type ([`TABLES`]): text and dates as strings, numbers as
/// numbers, integers as whole numbers, flags as `true`/`false`. Unknown tables and columns are
/// kept (as columns of nulls) for [`portfolio_from_tables`] to report by name. What the
/// JavaScript binding's `portfolioFromTables` takes.
///
/// ```
/// use risk_core::input::tables::{tables_from_json, Column};
/// let t = tables_from_json(r#"{"metrics": {"successes": [9, null]}}"#).unwrap();
/// assert_eq!(t["metrics"]["successes"], Column::Integer(vec![Some(9), None]));
/// let e = tables_from_json(r#"{"metrics": {"successes": [9.5]}}"#).unwrap_err();
/// assert_eq!((e.code().as_str(), e.path()), ("wrong_type", "metrics[0].successes"));
/// ```
///
/// # Errors
/// [`InputError`]: `malformed_json`, or `wrong_type` for a table that is not an object, a
/// column that is not an array, or a value of another type than its column's (at
/// `table[row].column`); every problem is listed.
pub fn tables_from_json(text: &str) -> Result<Tables, InputError> {
    use serde_json::Value;
    let value: Value = crate::input::parse::from_json_text(text)?;
    let Value::Object(top) = value else {
        return Err(InputError::single(
            ErrorCode::WrongType,
            "",
            "the tables must be an object of tables by name",
        ));
    };
    let mut problems = Problems::default();
    let mut tables = Tables::new();
    for (name, table) in top {
        let tname = clip(&name, 60);
        let Value::Object(columns) = table else {
            problems.push(
                ErrorCode::WrongType,
                tname.clone(),
                format!("table `{tname}` must be an object of columns by name"),
            );
            continue;
        };
        let spec = table_spec(&name);
        let mut t = Table::new();
        for (cname, values) in columns {
            let cn = clip(&cname, 60);
            let Value::Array(values) = values else {
                problems.push(
                    ErrorCode::WrongType,
                    format!("{tname}.{cn}"),
                    format!("column `{cn}` must be an array of values"),
                );
                continue;
            };
            let ty = spec.and_then(|s| s.columns.iter().find(|c| c.name == cname).map(|c| c.ty));
            let mut bad = |r: usize, ty: ColumnType| {
                problems.push(
                    ErrorCode::WrongType,
                    format!("{tname}[{r}].{cn}"),
                    format!("column `{cn}` must hold {} or null", type_name(ty)),
                );
            };
            let column = match ty {
                None => Column::Text(vec![None; values.len()]),
                Some(ty @ (T | D)) => Column::Text(
                    values
                        .into_iter()
                        .enumerate()
                        .map(|(r, v)| match v {
                            Value::Null => None,
                            Value::String(s) => Some(s),
                            _ => {
                                bad(r, ty);
                                None
                            }
                        })
                        .collect(),
                ),
                Some(N) => Column::Number(
                    values
                        .iter()
                        .enumerate()
                        .map(|(r, v)| match v {
                            Value::Null => None,
                            Value::Number(n) => n.as_f64(),
                            _ => {
                                bad(r, N);
                                None
                            }
                        })
                        .collect(),
                ),
                Some(I) => Column::Integer(
                    values
                        .iter()
                        .enumerate()
                        .map(|(r, v)| match v {
                            Value::Null => None,
                            Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
                            _ => {
                                bad(r, I);
                                None
                            }
                        })
                        .collect(),
                ),
                Some(B) => Column::Flag(
                    values
                        .iter()
                        .enumerate()
                        .map(|(r, v)| match v {
                            Value::Null => None,
                            Value::Bool(b) => Some(*b),
                            _ => {
                                bad(r, B);
                                None
                            }
                        })
                        .collect(),
                ),
            };
            t.insert(cname, column);
        }
        tables.insert(name, t);
    }
    if problems.0.is_empty() {
        Ok(tables)
    } else {
        Err(InputError::from_problems(problems.0))
    }
}

/// Problems found while reading the tables.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, code: ErrorCode, path: String, message: String) {
        self.0.push(Problem {
            code,
            path,
            message,
        });
    }
}

/// One checked table: its columns and row count.
struct Checked<'a> {
    name: &'static str,
    rows: usize,
    cols: HashMap<&'static str, &'a Column>,
}

impl<'a> Checked<'a> {
    fn text(&self, col: &str, r: usize) -> Option<&'a str> {
        match self.cols.get(col) {
            Some(Column::Text(v)) => v[r].as_deref(),
            _ => None,
        }
    }
    fn number(&self, col: &str, r: usize) -> Option<f64> {
        match self.cols.get(col) {
            Some(Column::Number(v)) => v[r],
            Some(Column::Integer(v)) => v[r].map(|x| x as f64),
            _ => None,
        }
    }
    fn integer(&self, col: &str, r: usize) -> Option<i64> {
        match self.cols.get(col) {
            Some(Column::Integer(v)) => v[r],
            _ => None,
        }
    }
    fn flag(&self, col: &str, r: usize) -> Option<bool> {
        match self.cols.get(col) {
            Some(Column::Flag(v)) => v[r],
            _ => None,
        }
    }
}

fn check_table<'a>(name: &str, table: &'a Table, problems: &mut Problems) -> Option<Checked<'a>> {
    let Some(spec) = table_spec(name) else {
        problems.push(
            ErrorCode::UnknownField,
            name.chars().take(60).collect(),
            format!(
                "unknown table `{}` (expected one of {})",
                clip(name, 60),
                TABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
    };
    let before = problems.0.len();
    let mut rows = None;
    let mut cols = HashMap::new();
    for (cname, column) in table {
        let Some(c) = spec.columns.iter().find(|c| c.name == cname) else {
            problems.push(
                ErrorCode::UnknownField,
                format!("{}.{}", spec.name, clip(cname, 60)),
                format!(
                    "unknown column `{}` of table `{}`",
                    clip(cname, 60),
                    spec.name
                ),
            );
            continue;
        };
        let fits = matches!(
            (c.ty, column),
            (T | D, Column::Text(_))
                | (N, Column::Number(_) | Column::Integer(_))
                | (I, Column::Integer(_))
                | (B, Column::Flag(_))
        );
        if !fits {
            problems.push(
                ErrorCode::WrongType,
                format!("{}.{}", spec.name, c.name),
                format!("column `{}` must hold {}", c.name, type_name(c.ty)),
            );
            continue;
        }
        match rows {
            None => rows = Some(column.len()),
            Some(n) if n != column.len() => problems.push(
                ErrorCode::WrongType,
                format!("{}.{}", spec.name, c.name),
                format!("column `{}` has {} rows, others {n}", c.name, column.len()),
            ),
            _ => {}
        }
        cols.insert(c.name, column);
    }
    for c in spec.columns {
        if c.required && !cols.contains_key(c.name) {
            let missing = crate::problem::TableProblem::MissingColumn {
                table: spec.name,
                column: c.name,
            };
            problems.push(
                missing.code(),
                format!("{}.{}", spec.name, c.name),
                missing.message(),
            );
        }
    }
    if problems.0.len() > before {
        return None;
    }
    check_nulls(spec, &cols, problems);
    Some(Checked {
        name: spec.name,
        rows: rows.unwrap_or(0),
        cols,
    })
}

/// Every required column of `spec` has a value in every row: a problem per null, naming the
/// row's organisation.
fn check_nulls(spec: &TableSpec, cols: &HashMap<&'static str, &Column>, problems: &mut Problems) {
    for c in spec.columns.iter().filter(|c| c.required) {
        let column = cols[c.name];
        let nulls = null_rows(column);
        for r in nulls {
            let org = match cols.get(ORGANISATION) {
                Some(Column::Text(v)) => v[r].clone(),
                _ => None,
            };
            problems.push(
                ErrorCode::MissingField,
                format!("{}[{r}].{}", spec.name, c.name),
                format!(
                    "{}column `{}` must not be null",
                    org_prefix(org.as_deref()),
                    c.name
                ),
            );
        }
    }
}

/// The rows where `column` is null.
fn null_rows(column: &Column) -> Vec<usize> {
    fn nulls<T>(v: &[Option<T>]) -> Vec<usize> {
        v.iter()
            .enumerate()
            .filter(|x| x.1.is_none())
            .map(|x| x.0)
            .collect()
    }
    match column {
        Column::Text(v) => nulls(v),
        Column::Number(v) => nulls(v),
        Column::Integer(v) => nulls(v),
        Column::Flag(v) => nulls(v),
    }
}

fn type_name(t: ColumnType) -> &'static str {
    match t {
        T => "text",
        D => "dates as text YYYY-MM-DD",
        N => "numbers",
        I => "whole numbers",
        B => "true/false",
    }
}

fn org_prefix(org: Option<&str>) -> String {
    match org {
        Some(o) => format!("organisation `{}`: ", clip(o, 60)),
        None => String::new(),
    }
}

fn parse_enum<E: DeserializeOwned>(s: &str) -> Result<E, DeError> {
    E::deserialize(StrDeserializer::<DeError>::new(s))
}

/// Where each item of the built portfolio came from: `rows[i][kind][j]` is the row of item `j`
/// of organisation `i` in table `kind` (0 assessments, 1 metrics, 2 findings, 3 dependencies).
type RowMap = Vec<[Vec<usize>; 4]>;

const EVIDENCE: [&str; 4] = ["assessments", "metrics", "findings", "dependencies"];

/// Build a portfolio from tables and check it against `methodology`.
///
/// The organisations are the rows of `organisations`, in order; evidence rows attach to their
/// organisation by the `organisation` column. Every problem is reported at its table, row and
/// column (`findings[12].epss`; an organisation's own fields at `organisations[i].<column>`),
/// with the organisation named in the message.
///
/// # Errors
/// [`InputError`] listing every problem.
pub fn portfolio_from_tables(
    as_of: Date,
    tables: &Tables,
    methodology: &Methodology,
) -> Result<Portfolio, InputError> {
    let (portfolio, rows) = build(as_of, tables)?;
    match crate::rating::validate::validate(&portfolio, methodology) {
        Ok(_) => Ok(portfolio),
        Err(e) => {
            let problems = e
                .problems()
                .iter()
                .map(|p| relocate(p, &portfolio, &rows))
                .collect();
            Err(InputError::from_problems(problems))
        }
    }
}

/// A document path (`organisations[3].metrics[1].successes`) as a table path.
fn relocate(p: &Problem, portfolio: &Portfolio, rows: &RowMap) -> Problem {
    let parsed = (|| {
        let rest = p.path.strip_prefix("organisations[")?;
        let (i, rest) = rest.split_once(']')?;
        let i: usize = i.parse().ok()?;
        let rest = rest.strip_prefix('.')?;
        let org = &portfolio.organisations.get(i)?.id;
        for (k, kind) in EVIDENCE.iter().enumerate() {
            if let Some(r) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix('[')) {
                let (j, tail) = r.split_once(']')?;
                let row = *rows.get(i)?[k].get(j.parse::<usize>().ok()?)?;
                return Some((format!("{kind}[{row}]{tail}"), org));
            }
        }
        let field = rest.strip_prefix("attestation.").unwrap_or(rest);
        Some((format!("organisations[{i}].{field}"), org))
    })();
    match parsed {
        Some((path, org)) => Problem {
            code: p.code,
            path,
            message: format!("{}{}", org_prefix(Some(org)), p.message),
        },
        None => p.clone(),
    }
}

fn build(as_of: Date, tables: &Tables) -> Result<(Portfolio, RowMap), InputError> {
    let mut problems = Problems::default();
    let mut checked: HashMap<&'static str, Checked<'_>> = HashMap::new();
    for (name, table) in tables {
        if let Some(c) = check_table(name, table, &mut problems) {
            checked.insert(c.name, c);
        }
    }
    if !tables.contains_key("organisations") {
        problems.push(
            ErrorCode::MissingField,
            "organisations".into(),
            "the `organisations` table is required (one row per organisation)".into(),
        );
    }
    if !problems.0.is_empty() {
        return Err(InputError::from_problems(problems.0));
    }
    let (mut orgs, index) = organisation_rows(&checked["organisations"], &mut problems);
    let mut rows: RowMap = vec![Default::default(); orgs.len()];

    for (k, kind) in EVIDENCE.iter().enumerate() {
        let Some(t) = checked.get(kind) else { continue };
        for r in 0..t.rows {
            let org = t.text(ORGANISATION, r).unwrap_or_default();
            let Some(&i) = index.get(org) else {
                bad(
                    &mut problems,
                    ErrorCode::UnknownOrganisation,
                    t,
                    r,
                    ORGANISATION,
                    "no row of table `organisations` has this organisation".into(),
                );
                continue;
            };
            let mut row = Row {
                t,
                r,
                errs: Vec::new(),
            };
            let o = &mut orgs[i];
            match k {
                0 => o.assessments.extend(row.assessment()),
                1 => o.metrics.extend(row.metric()),
                2 => o.findings.extend(row.finding()),
                _ => o.dependencies.extend(row.dependency()),
            }
            if row.errs.is_empty() {
                rows[i][k].push(r);
            } else {
                for (code, c, msg) in row.errs {
                    bad(&mut problems, code, t, r, c, msg);
                }
            }
        }
    }
    if let Some(t) = checked.get("groups") {
        for r in 0..t.rows {
            let org = t.text(ORGANISATION, r).unwrap_or_default();
            match index.get(org) {
                Some(&i) => orgs[i]
                    .groups
                    .push(t.text("group", r).unwrap_or_default().to_owned()),
                None => bad(
                    &mut problems,
                    ErrorCode::UnknownOrganisation,
                    t,
                    r,
                    ORGANISATION,
                    "no row of table `organisations` has this organisation".into(),
                ),
            }
        }
    }
    if !problems.0.is_empty() {
        return Err(InputError::from_problems(problems.0));
    }
    Ok((
        Portfolio {
            as_of,
            organisations: orgs,
        },
        rows,
    ))
}

/// A problem in cell `c` of row `r` of table `t`, its message prefixed with the row's
/// organisation.
fn bad(problems: &mut Problems, code: ErrorCode, t: &Checked<'_>, r: usize, c: &str, msg: String) {
    problems.push(
        code,
        format!("{}[{r}].{c}", t.name),
        format!("{}{msg}", org_prefix(t.text(ORGANISATION, r))),
    )
}

/// The enumeration value in cell `c` of row `r` (null: `None`), or why it is none.
fn enum_at<E: DeserializeOwned>(t: &Checked<'_>, r: usize, c: &str) -> Result<Option<E>, String> {
    match t.text(c, r) {
        None => Ok(None),
        Some(s) => match parse_enum(s) {
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(format!("`{}` is not a known {}", clip(s, 60), c)),
        },
    }
}

/// The date in cell `c` of row `r` (null: `None`), or why it is none.
fn date_at(t: &Checked<'_>, r: usize, c: &str) -> Result<Option<Date>, String> {
    match t.text(c, r) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("`{}` is not a date YYYY-MM-DD", clip(s, 40))),
    }
}

/// The organisations, one per row of table `organisations`, and id → first row.
fn organisation_rows<'t>(
    orgs_t: &'t Checked<'_>,
    problems: &mut Problems,
) -> (Vec<Organisation>, HashMap<&'t str, usize>) {
    let mut orgs: Vec<Organisation> = Vec::with_capacity(orgs_t.rows);
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(orgs_t.rows);
    for r in 0..orgs_t.rows {
        let id = orgs_t.text(ORGANISATION, r).unwrap_or_default();
        index.entry(id).or_insert(r);
        let dspt = enum_at(orgs_t, r, "dspt_status");
        let ce = orgs_t.flag("cyber_essentials_plus", r);
        let ip = orgs_t.number("incident_probability", r);
        let dspt = match dspt {
            Ok(v) => v,
            Err(msg) => {
                bad(
                    problems,
                    ErrorCode::UnknownValue,
                    orgs_t,
                    r,
                    "dspt_status",
                    msg,
                );
                None
            }
        };
        let attestation = (dspt.is_some() || ce.is_some() || ip.is_some()).then(|| Attestation {
            dspt_status: dspt.unwrap_or_default(),
            cyber_essentials_plus: ce.unwrap_or(false),
            incident_probability: ip,
        });
        orgs.push(Organisation {
            id: id.to_owned(),
            name: orgs_t.text("name", r).map(str::to_owned),
            peer_group: orgs_t
                .text("peer_group", r)
                .unwrap_or("unassigned")
                .to_owned(),
            assessments: Vec::new(),
            metrics: Vec::new(),
            findings: Vec::new(),
            dependencies: Vec::new(),
            attestation,
            groups: Vec::new(),
        });
    }
    (orgs, index)
}

/// Row `r` of an evidence table being read into its item, with the problems of its cells.
struct Row<'t, 'a> {
    t: &'t Checked<'a>,
    r: usize,
    /// Code, column and message of each problem, in column order.
    errs: Vec<(ErrorCode, &'static str, String)>,
}

impl Row<'_, '_> {
    /// The value read from cell `c`, or `None` with its problem noted (an invalid date for a
    /// date column, else an unknown value).
    fn note<T>(&mut self, c: &'static str, v: Result<Option<T>, String>) -> Option<T> {
        match v {
            Ok(v) => v,
            Err(msg) => {
                self.errs.push((
                    if c.ends_with("_on") || c == "first_seen" {
                        ErrorCode::InvalidDate
                    } else {
                        ErrorCode::UnknownValue
                    },
                    c,
                    msg,
                ));
                None
            }
        }
    }

    fn enumeration<E: DeserializeOwned>(&mut self, c: &'static str) -> Option<E> {
        let v = enum_at(self.t, self.r, c);
        self.note(c, v)
    }

    fn date(&mut self, c: &'static str) -> Option<Date> {
        let v = date_at(self.t, self.r, c);
        self.note(c, v)
    }

    /// A non-negative integer cell.
    fn count(&mut self, c: &'static str) -> Option<u64> {
        match self.t.integer(c, self.r) {
            Some(v) if v >= 0 => Some(v as u64),
            Some(v) => {
                self.errs
                    .push((ErrorCode::InvalidCount, c, format!("{v} is negative")));
                None
            }
            None => None,
        }
    }

    fn text(&self, c: &str) -> Option<String> {
        self.t.text(c, self.r).map(str::to_owned)
    }

    /// A row of table `assessments`.
    fn assessment(&mut self) -> Option<Assessment> {
        let outcome = self.enumeration("outcome");
        let assurance = self.enumeration("assurance");
        let date = self.date("assessed_on");
        if let (Some(outcome), Some(assurance), Some(assessed_on), true) =
            (outcome, assurance, date, self.errs.is_empty())
        {
            return Some(Assessment {
                dispute: None,
                control: self.text("control").unwrap_or_default(),
                outcome,
                assurance,
                assessed_on,
                source: self.text("source"),
            });
        }
        None
    }

    /// A row of table `metrics`.
    fn metric(&mut self) -> Option<MetricObservation> {
        let successes = self.count("successes");
        let trials = self.count("trials");
        let date = self.date("observed_on");
        let (successes, trials, observed_on) = (successes?, trials?, date?);
        Some(MetricObservation {
            dispute: None,
            source: None,
            metric: self.text("metric").unwrap_or_default(),
            successes,
            trials,
            observed_on,
        })
    }

    /// A row of table `findings`.
    fn finding(&mut self) -> Option<Finding> {
        let kind = self.enumeration("kind");
        let crit = self.enumeration("asset_criticality");
        let first = self.date("first_seen");
        let resolved = self.date("resolved_on");
        let (t, r) = (self.t, self.r);
        if let (Some(kind), Some(first_seen), true) = (kind, first, self.errs.is_empty()) {
            return Some(Finding {
                dispute: None,
                source: None,
                id: self.text("id").unwrap_or_default(),
                kind,
                cve: self.text("cve"),
                cvss: self.text("cvss"),
                cvss_score: t.number("cvss_score", r),
                epss: t.number("epss", r),
                kev: t.flag("kev", r).unwrap_or(false),
                internet_facing: t.flag("internet_facing", r).unwrap_or(false),
                asset_criticality: crit.unwrap_or_default(),
                first_seen,
                resolved_on: resolved,
            });
        }
        None
    }

    /// A row of table `dependencies`.
    fn dependency(&mut self) -> Option<Dependency> {
        let criticality = self.enumeration("criticality");
        let access = self.enumeration("access");
        let (criticality, access) = (criticality?, access?);
        Some(Dependency {
            dispute: None,
            source: None,
            supplier: self.text("supplier").unwrap_or_default(),
            criticality,
            access,
        })
    }
}

/// The tables of a portfolio (the inverse of [`portfolio_from_tables`] for a valid document;
/// an attestation is written with its `dspt_status`, so it reads back as one).
pub fn portfolio_to_tables(portfolio: &Portfolio) -> Tables {
    let os = &portfolio.organisations;
    let mut tables = Tables::new();
    tables.insert("organisations".into(), organisations_table(os));
    tables.insert("assessments".into(), assessments_table(os));
    tables.insert("metrics".into(), metrics_table(os));
    tables.insert("findings".into(), findings_table(os));
    tables.insert("dependencies".into(), dependencies_table(os));
    tables.insert("groups".into(), groups_table(os));
    tables
}

/// Column `c` of text values.
fn text<'a>(t: &mut Table, c: &str, v: impl Iterator<Item = Option<&'a str>>) {
    t.insert(
        c.into(),
        Column::Text(v.map(|x| x.map(str::to_owned)).collect()),
    );
}

/// Table `organisations`: one row per organisation: id, name, peer group and attestation.
fn organisations_table(os: &[Organisation]) -> Table {
    let mut t = Table::new();
    text(&mut t, ORGANISATION, os.iter().map(|o| Some(o.id.as_str())));
    text(&mut t, "name", os.iter().map(|o| o.name.as_deref()));
    text(
        &mut t,
        "peer_group",
        os.iter().map(|o| Some(o.peer_group.as_str())),
    );
    text(
        &mut t,
        "dspt_status",
        os.iter()
            .map(|o| o.attestation.as_ref().map(|a| a.dspt_status.as_str())),
    );
    t.insert(
        "cyber_essentials_plus".into(),
        Column::Flag(
            os.iter()
                .map(|o| o.attestation.as_ref().map(|a| a.cyber_essentials_plus))
                .collect(),
        ),
    );
    t.insert(
        "incident_probability".into(),
        Column::Number(
            os.iter()
                .map(|o| o.attestation.as_ref().and_then(|a| a.incident_probability))
                .collect(),
        ),
    );
    t
}

/// Table `assessments`: one row per control assessment.
fn assessments_table(os: &[Organisation]) -> Table {
    let a: Vec<(&str, &Assessment)> = os
        .iter()
        .flat_map(|o| o.assessments.iter().map(move |x| (o.id.as_str(), x)))
        .collect();
    let mut t = Table::new();
    text(&mut t, ORGANISATION, a.iter().map(|x| Some(x.0)));
    text(
        &mut t,
        "control",
        a.iter().map(|x| Some(x.1.control.as_str())),
    );
    text(
        &mut t,
        "outcome",
        a.iter().map(|x| Some(x.1.outcome.as_str())),
    );
    text(
        &mut t,
        "assurance",
        a.iter().map(|x| Some(x.1.assurance.as_str())),
    );
    t.insert(
        "assessed_on".into(),
        Column::Text(
            a.iter()
                .map(|x| Some(x.1.assessed_on.to_string()))
                .collect(),
        ),
    );
    text(&mut t, "source", a.iter().map(|x| x.1.source.as_deref()));
    t
}

/// Table `metrics`: one row per metric observation.
fn metrics_table(os: &[Organisation]) -> Table {
    let mm: Vec<(&str, &MetricObservation)> = os
        .iter()
        .flat_map(|o| o.metrics.iter().map(move |x| (o.id.as_str(), x)))
        .collect();
    let mut t = Table::new();
    text(&mut t, ORGANISATION, mm.iter().map(|x| Some(x.0)));
    text(
        &mut t,
        "metric",
        mm.iter().map(|x| Some(x.1.metric.as_str())),
    );
    t.insert(
        "successes".into(),
        Column::Integer(mm.iter().map(|x| Some(x.1.successes as i64)).collect()),
    );
    t.insert(
        "trials".into(),
        Column::Integer(mm.iter().map(|x| Some(x.1.trials as i64)).collect()),
    );
    t.insert(
        "observed_on".into(),
        Column::Text(
            mm.iter()
                .map(|x| Some(x.1.observed_on.to_string()))
                .collect(),
        ),
    );
    t
}

/// Table `findings`: one row per finding.
fn findings_table(os: &[Organisation]) -> Table {
    let f: Vec<(&str, &Finding)> = os
        .iter()
        .flat_map(|o| o.findings.iter().map(move |x| (o.id.as_str(), x)))
        .collect();
    let mut t = Table::new();
    text(&mut t, ORGANISATION, f.iter().map(|x| Some(x.0)));
    text(&mut t, "id", f.iter().map(|x| Some(x.1.id.as_str())));
    text(&mut t, "kind", f.iter().map(|x| Some(x.1.kind.as_str())));
    text(&mut t, "cve", f.iter().map(|x| x.1.cve.as_deref()));
    text(&mut t, "cvss", f.iter().map(|x| x.1.cvss.as_deref()));
    t.insert(
        "cvss_score".into(),
        Column::Number(f.iter().map(|x| x.1.cvss_score).collect()),
    );
    t.insert(
        "epss".into(),
        Column::Number(f.iter().map(|x| x.1.epss).collect()),
    );
    t.insert(
        "kev".into(),
        Column::Flag(f.iter().map(|x| Some(x.1.kev)).collect()),
    );
    t.insert(
        "internet_facing".into(),
        Column::Flag(f.iter().map(|x| Some(x.1.internet_facing)).collect()),
    );
    text(
        &mut t,
        "asset_criticality",
        f.iter().map(|x| Some(x.1.asset_criticality.as_str())),
    );
    t.insert(
        "first_seen".into(),
        Column::Text(f.iter().map(|x| Some(x.1.first_seen.to_string())).collect()),
    );
    t.insert(
        "resolved_on".into(),
        Column::Text(
            f.iter()
                .map(|x| x.1.resolved_on.map(|d| d.to_string()))
                .collect(),
        ),
    );
    t
}

/// Table `dependencies`: one row per supplier dependency.
fn dependencies_table(os: &[Organisation]) -> Table {
    let d: Vec<(&str, &Dependency)> = os
        .iter()
        .flat_map(|o| o.dependencies.iter().map(move |x| (o.id.as_str(), x)))
        .collect();
    let mut t = Table::new();
    text(&mut t, ORGANISATION, d.iter().map(|x| Some(x.0)));
    text(
        &mut t,
        "supplier",
        d.iter().map(|x| Some(x.1.supplier.as_str())),
    );
    text(
        &mut t,
        "criticality",
        d.iter().map(|x| Some(x.1.criticality.as_str())),
    );
    text(
        &mut t,
        "access",
        d.iter().map(|x| Some(x.1.access.as_str())),
    );
    t
}

/// Table `groups`: one row per (organisation, group).
fn groups_table(os: &[Organisation]) -> Table {
    let g: Vec<(&str, &str)> = os
        .iter()
        .flat_map(|o| o.groups.iter().map(move |x| (o.id.as_str(), x.as_str())))
        .collect();
    let mut t = Table::new();
    text(&mut t, ORGANISATION, g.iter().map(|x| Some(x.0)));
    text(&mut t, "group", g.iter().map(|x| Some(x.1)));
    t
}

/// [`portfolio_from_tables`] with `as_of` as text `YYYY-MM-DD`.
///
/// # Errors
/// [`InputError`]: `invalid_date` at `as_of`, or every problem of the tables.
pub fn portfolio_from_tables_at(
    as_of: &str,
    tables: &Tables,
    methodology: &Methodology,
) -> Result<Portfolio, InputError> {
    let date: Date = as_of.parse().map_err(|_| {
        InputError::single(
            ErrorCode::InvalidDate,
            "as_of",
            format!("`{}` is not a date YYYY-MM-DD", clip(as_of, 40)),
        )
    })?;
    portfolio_from_tables(date, tables, methodology)
}
