//! The split pipeline and evidence tables: `rate_internal`, `rate_from_internal`,
//! `_rate_from_internal_arrow`, `portfolio_from_tables`, `portfolio_to_tables`, `table_schema`.
//! Conversion only: column names, types, defaults and errors come from
//! `risk_core::input::tables` and `risk_core::rating::split`.

use std::sync::Arc;

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use risk_core::Portfolio;
use risk_core::input::tables::{self, Column, ColumnType, Table, Tables};
use risk_core::rating::split::{self, TextChunk, TextOffsets};

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

/// One chunk of an Arrow string column as NumPy views of its buffers, as
/// `riskrating.arrow` hands it over: ``(offsets, data, validity, offset, length)`` with
/// ``offsets`` int32 (``string``) or int64 (``large_string``), ``data`` and ``validity`` uint8
/// (``validity`` ``None`` when the chunk has no nulls).
type ChunkArg<'py> = (
    Bound<'py, PyAny>,
    PyReadonlyArray1<'py, u8>,
    Option<PyReadonlyArray1<'py, u8>>,
    usize,
    usize,
);

/// The offsets array of a chunk, held (read-only) while the core reads it.
enum HeldOffsets<'py> {
    Small(PyReadonlyArray1<'py, i32>),
    Large(PyReadonlyArray1<'py, i64>),
}

/// A chunk's arrays, held while the core reads them.
struct HeldChunk<'py> {
    offsets: HeldOffsets<'py>,
    data: PyReadonlyArray1<'py, u8>,
    validity: Option<PyReadonlyArray1<'py, u8>>,
    offset: usize,
    len: usize,
}

fn held(arg: ChunkArg<'_>) -> PyResult<HeldChunk<'_>> {
    let (offsets, data, validity, offset, len) = arg;
    let offsets = match offsets.extract::<PyReadonlyArray1<'_, i32>>() {
        Ok(o) => HeldOffsets::Small(o),
        Err(_) => HeldOffsets::Large(offsets.extract()?),
    };
    Ok(HeldChunk {
        offsets,
        data,
        validity,
        offset,
        len,
    })
}

fn view<'a>(h: &'a HeldChunk<'_>) -> PyResult<TextChunk<'a>> {
    Ok(TextChunk {
        offsets: match &h.offsets {
            HeldOffsets::Small(o) => TextOffsets::Small(o.as_slice()?),
            HeldOffsets::Large(o) => TextOffsets::Large(o.as_slice()?),
        },
        data: h.data.as_slice()?,
        validity: h.validity.as_ref().map(|v| v.as_slice()).transpose()?,
        offset: h.offset,
        len: h.len,
    })
}

/// :func:`rate_from_internal` from two Arrow string columns, ``organisation`` and ``internal``
/// (one organisation per row), given as their buffers (see ``riskrating.arrow``): the results
/// are read straight from the Arrow buffers, without a Python string per row. Equals
/// :func:`rate_from_internal` of the same texts bit for bit.
#[pyfunction]
#[pyo3(signature = (graph, organisation, internal, methodology = None))]
pub fn _rate_from_internal_arrow(
    py: Python<'_>,
    graph: &Bound<'_, PyPortfolio>,
    organisation: Vec<ChunkArg<'_>>,
    internal: Vec<ChunkArg<'_>>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyPortfolioRating> {
    let m = PyMethodology::resolve(methodology);
    let g = graph.get().inner.clone();
    let organisation = organisation
        .into_iter()
        .map(held)
        .collect::<PyResult<Vec<_>>>()?;
    let internal = internal
        .into_iter()
        .map(held)
        .collect::<PyResult<Vec<_>>>()?;
    let ids = organisation
        .iter()
        .map(view)
        .collect::<PyResult<Vec<_>>>()?;
    let texts = internal.iter().map(view).collect::<PyResult<Vec<_>>>()?;
    let shared = detached(py, move || -> Result<_, Failure> {
        let parsed = split::parse_internal_columns(&ids, &texts)?;
        Ok(Shared::new(
            risk_core::rate_from_internal(&g, &m, &parsed)?,
            m.provenance_label(),
        ))
    })?;
    Ok(PyPortfolioRating { shared })
}
