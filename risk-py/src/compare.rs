//! `compare_methodologies`: the methodology change notice (methodology section 12). Conversion
//! only: the engine computes everything.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;
use risk_core::decision::compare::SCORE_GROUPS;

use crate::errors::{Failure, detached};
use crate::frame::{Column, Frame};
use crate::json;
use crate::methodology::PyMethodology;
use crate::portfolio::Document;

/// How every organisation's score moves from methodology ``old`` to ``new``, and why: the change
/// split exactly (Shapley) over the methodology file's score groups. Only the G groups that
/// differ are played, at the cost of 2^G ratings of the portfolio.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A"}]}
/// >>> c = riskrating.compare_methodologies(doc, riskrating.Methodology.default(), riskrating.Methodology.default())
/// >>> c.changed_groups, c.ratings_computed
/// ([], 1)
#[pyfunction]
#[pyo3(signature = (document, old, new))]
pub fn compare_methodologies(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    old: &Bound<'_, PyMethodology>,
    new: &Bound<'_, PyMethodology>,
) -> PyResult<PyMethodologyComparison> {
    let doc = Document::extract(document)?;
    let (old, new) = (
        PyMethodology::resolve(Some(old)),
        PyMethodology::resolve(Some(new)),
    );
    let inner = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        Ok(risk_core::compare_methodologies(&portfolio, &old, &new)?)
    })?;
    Ok(PyMethodologyComparison {
        inner: Arc::new(inner),
    })
}

/// The outcome of :func:`compare_methodologies`.
#[pyclass(name = "MethodologyComparison", module = "riskrating", frozen)]
pub struct PyMethodologyComparison {
    inner: Arc<risk_core::MethodologyComparison>,
}

#[pymethods]
impl PyMethodologyComparison {
    /// The groups that differ between the two methodologies, in file order.
    #[getter]
    fn changed_groups(&self) -> Vec<String> {
        self.inner.changed_groups.clone()
    }
    /// How many full ratings the decomposition took (2^G).
    #[getter]
    fn ratings_computed(&self) -> usize {
        self.inner.ratings_computed
    }
    /// The whole comparison as JSON text.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &json::to_string_py(py, &*self.inner)?)
    }
    /// The whole comparison as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &*self.inner)
    }
    /// One row per organisation: ``id``, ``score_old``, ``score_new``, ``change``,
    /// ``band_old``, ``band_new``, then one column per score group (its part of the change, in
    /// points; zero for groups that did not change).
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let o = &self.inner.organisations;
        let mut frame = Frame::new()
            .col("id", Column::Str(o.iter().map(|x| x.id.clone()).collect()))
            .col(
                "score_old",
                Column::F64(o.iter().map(|x| x.score_old).collect()),
            )
            .col(
                "score_new",
                Column::F64(o.iter().map(|x| x.score_new).collect()),
            )
            .col("change", Column::F64(o.iter().map(|x| x.change).collect()))
            .col(
                "band_old",
                Column::Str(o.iter().map(|x| x.band_old.clone()).collect()),
            )
            .col(
                "band_new",
                Column::Str(o.iter().map(|x| x.band_new.clone()).collect()),
            );
        for (g, name) in SCORE_GROUPS.iter().enumerate() {
            frame = frame.col(
                name,
                Column::F64(o.iter().map(|x| x.parts[g].points).collect()),
            );
        }
        frame.into_pandas(py)
    }
    fn __repr__(&self) -> String {
        format!(
            "MethodologyComparison(old='{}', new='{}', changed_groups={:?}, organisations={})",
            self.inner.old.version,
            self.inner.new.version,
            self.inner.changed_groups,
            self.inner.organisations.len()
        )
    }
}

/// Evidence and drivers grouped by their ``source`` system, one row per organisation and
/// source: ``organisation``, ``source`` (empty for items naming none), ``items`` (dated by
/// ``as_of``, not excluded by an upheld dispute), ``share`` of the organisation's items,
/// ``drivers`` and ``driver_impact`` (points) — which feed a rating rests on.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A", "findings": [
/// ...   {"id": "F1", "kind": "tls", "first_seen": "2025-09-01", "source": "scanner"}]}]}
/// >>> riskrating.source_frame(doc)[["organisation", "source", "items", "drivers"]].values.tolist()
/// [['A', 'scanner', 1, 1]]
#[pyfunction]
#[pyo3(signature = (document, methodology = None))]
pub fn source_frame<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    methodology: Option<&Bound<'py, PyMethodology>>,
) -> PyResult<Bound<'py, PyAny>> {
    let doc = Document::extract(document)?;
    let m = PyMethodology::resolve(methodology);
    let rows = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        Ok(risk_core::rating::sources::rate_by_source(&portfolio, &m)?)
    })?;
    Frame::new()
        .col(
            "organisation",
            Column::Str(rows.iter().map(|r| r.organisation.clone()).collect()),
        )
        .col(
            "source",
            Column::Str(rows.iter().map(|r| r.source.clone()).collect()),
        )
        .col(
            "items",
            Column::I64(rows.iter().map(|r| r.items as i64).collect()),
        )
        .col("share", Column::F64(rows.iter().map(|r| r.share).collect()))
        .col(
            "drivers",
            Column::I64(rows.iter().map(|r| r.drivers as i64).collect()),
        )
        .col(
            "driver_impact",
            Column::F64(rows.iter().map(|r| r.driver_impact).collect()),
        )
        .into_pandas(py)
}
