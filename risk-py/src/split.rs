//! The split pipeline and evidence tables: `rate_internal`, `rate_from_internal`,
//! `portfolio_from_tables`, `portfolio_to_tables`, `table_schema`. Conversion only: column
//! names, types, defaults and errors come from `risk_core::input::tables` and
//! `risk_core::rating::split`.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use risk_core::Portfolio;
use risk_core::input::tables::{self, Column, ColumnType, Table, Tables};
use risk_core::rating::split;

use crate::errors::{Failure, detached};
use crate::methodology::PyMethodology;
use crate::portfolio::PyPortfolio;
use crate::rating::{PyPortfolioRating, Shared};

/// (column, type, required).
type SchemaColumn = (&'static str, &'static str, bool);

/// The table schema: ``[(table, [(column, type, required), …]), …]`` with type one of
/// ``"text"``, ``"date"``, ``"number"``, ``"integer"``, ``"flag"``.
#[pyfunction]
pub fn table_schema() -> Vec<(&'static str, Vec<SchemaColumn>)> {
    tables::TABLES
        .iter()
        .map(|t| {
            let cols = t
                .columns
                .iter()
                .map(|c| (c.name, c.ty.as_str(), c.required))
                .collect();
            (t.name, cols)
        })
        .collect()
}

fn column(ty: Option<ColumnType>, values: &Bound<'_, PyAny>) -> PyResult<Column> {
    Ok(match ty {
        Some(ColumnType::Number) => Column::Number(values.extract()?),
        Some(ColumnType::Integer) => Column::Integer(values.extract()?),
        Some(ColumnType::Flag) => Column::Flag(values.extract()?),
        // Text, dates, and columns the core does not know (it reports those by name).
        _ => Column::Text(values.extract().unwrap_or_default()),
    })
}

/// Build a :class:`Portfolio` from long tables: ``tables`` maps a table name to a dict of
/// column name → list of values (``None`` for null). See :func:`table_schema`.
#[pyfunction]
#[pyo3(signature = (as_of, tables, methodology = None))]
pub fn portfolio_from_tables(
    py: Python<'_>,
    as_of: &str,
    tables: &Bound<'_, PyDict>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyPortfolio> {
    let m = PyMethodology::resolve(methodology);
    let mut ts = Tables::new();
    for (name, cols) in tables.iter() {
        let name: String = name.extract()?;
        let spec = tables::table_spec(&name);
        let mut t = Table::new();
        for (cname, values) in cols.cast::<PyDict>()?.iter() {
            let cname: String = cname.extract()?;
            let ty = spec.and_then(|s| s.columns.iter().find(|c| c.name == cname).map(|c| c.ty));
            let col = column(ty, &values).map_err(|e| {
                pyo3::exceptions::PyTypeError::new_err(format!("{name}.{cname}: {e}"))
            })?;
            t.insert(cname, col);
        }
        ts.insert(name, t);
    }
    let as_of = as_of.to_owned();
    let portfolio = detached(py, move || -> Result<Portfolio, Failure> {
        Ok(tables::portfolio_from_tables_at(&as_of, &ts, &m)?)
    })?;
    Ok(PyPortfolio::new(Arc::new(portfolio)))
}

/// The long tables of a portfolio: table name → column name → list of values.
#[pyfunction]
pub fn portfolio_to_tables<'py>(
    py: Python<'py>,
    portfolio: &Bound<'py, PyPortfolio>,
) -> PyResult<Bound<'py, PyDict>> {
    let ts = tables::portfolio_to_tables(&portfolio.get().inner);
    let out = PyDict::new(py);
    for (name, t) in ts {
        let d = PyDict::new(py);
        for (cname, c) in t {
            let v: Bound<'py, PyList> = match c {
                Column::Text(v) => PyList::new(py, v)?,
                Column::Number(v) => PyList::new(py, v)?,
                Column::Integer(v) => PyList::new(py, v)?,
                Column::Flag(v) => PyList::new(py, v)?,
            };
            d.set_item(cname, v)?;
        }
        out.set_item(name, d)?;
    }
    Ok(out)
}

/// The per-organisation half of :func:`rate`: ``[(id, json), …]`` in input order, each JSON
/// text an ``InternalRating`` (dependency edges are ignored).
#[pyfunction]
#[pyo3(signature = (portfolio, methodology = None))]
pub fn rate_internal(
    py: Python<'_>,
    portfolio: &Bound<'_, PyPortfolio>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<Vec<(String, String)>> {
    let m = PyMethodology::resolve(methodology);
    let p = portfolio.get().inner.clone();
    detached(py, move || -> Result<_, Failure> {
        let internal = risk_core::rate_internal(&p, &m)?;
        Ok(internal
            .iter()
            .map(|r| (r.id.clone(), split::internal_to_json(r)))
            .collect())
    })
}

/// The graph half of :func:`rate`: ``graph`` supplies the organisations and dependencies,
/// ``internal`` the JSON texts from :func:`rate_internal` (any order). Equals :func:`rate` bit
/// for bit.
#[pyfunction]
#[pyo3(signature = (graph, internal, methodology = None))]
pub fn rate_from_internal(
    py: Python<'_>,
    graph: &Bound<'_, PyPortfolio>,
    internal: Vec<String>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyPortfolioRating> {
    let m = PyMethodology::resolve(methodology);
    let g = graph.get().inner.clone();
    let shared = detached(py, move || -> Result<_, Failure> {
        let parsed = split::parse_internal(&internal)?;
        Ok(Shared::new(
            risk_core::rate_from_internal(&g, &m, &parsed)?,
            m.provenance_label(),
        ))
    })?;
    Ok(PyPortfolioRating { shared })
}
