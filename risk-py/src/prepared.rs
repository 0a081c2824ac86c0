//! `riskrating.PreparedPortfolio`: a portfolio checked once against a methodology, then rated,
//! changed (what-if), planned, rated over time and compared between dates without parsing or
//! checking it again (the core's `Prepared`, as JS's `PreparedPortfolio`).

use std::sync::Arc;

use pyo3::prelude::*;
use risk_core::Prepared;

use crate::convert::{actions_text, date_arg, dates_arg, limits_arg};
use crate::decision::{PyHistory, PyPlan, PyWhatIf};
use crate::errors::{Failure, detached};
use crate::json;
use crate::methodology::PyMethodology;
use crate::portfolio::Document;
use crate::rating::{PyPortfolioRating, Shared};

/// A portfolio checked once, kept in Rust: ``rate``, ``what_if``, ``plan``, ``history`` and
/// ``change`` on it skip parsing and checking (what a notebook asking many questions of one
/// portfolio wants). Accepts anything :func:`rate` accepts, ``limits=`` included.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A",
/// ...   "findings": [{"id": "F1", "kind": "exposed_service", "first_seen": "2025-09-01"}]}]}
/// >>> p = riskrating.PreparedPortfolio(doc)
/// >>> p
/// PreparedPortfolio(as_of='2025-09-30', organisations=1)
/// >>> p.rate().to_json() == riskrating.rate(doc).to_json()
/// True
/// >>> p.what_if("A", {"action": "resolve_finding", "finding": "F1"}).delta > 0
/// True
/// >>> len(p.plan("A")) == len(riskrating.plan(doc, "A"))
/// True
#[pyclass(name = "PreparedPortfolio", module = "riskrating", frozen)]
pub struct PyPreparedPortfolio {
    inner: Arc<Prepared>,
}

#[pymethods]
impl PyPreparedPortfolio {
    #[new]
    #[pyo3(signature = (document, methodology = None, *, limits = None))]
    fn py_new(
        py: Python<'_>,
        document: &Bound<'_, PyAny>,
        methodology: Option<&Bound<'_, PyMethodology>>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let limits = limits_arg(limits)?;
        let doc = Document::extract(document)?;
        let m = PyMethodology::resolve(methodology);
        let inner = detached(py, || -> Result<_, Failure> {
            Ok(risk_core::validate_with_limits(
                &*doc.load_with_limits(&limits)?,
                &m,
                &limits,
            )?)
        })?;
        Ok(PyPreparedPortfolio {
            inner: Arc::new(inner),
        })
    }

    /// The date rated at, ``YYYY-MM-DD``.
    #[getter]
    fn as_of(&self) -> String {
        self.inner.as_of().to_string()
    }

    /// The number of organisations.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// As :func:`rate`.
    fn rate(&self, py: Python<'_>) -> PyResult<PyPortfolioRating> {
        let inner = self.inner.clone();
        let shared = detached(py, move || {
            Ok(Shared::new(
                inner.rate(),
                inner.methodology().provenance_label(),
            ))
        })?;
        Ok(PyPortfolioRating { shared })
    }

    /// As :func:`what_if`.
    fn what_if(
        &self,
        py: Python<'_>,
        organisation: &str,
        actions: &Bound<'_, PyAny>,
    ) -> PyResult<PyWhatIf> {
        let text = actions_text(actions)?;
        let inner = self.inner.clone();
        let result = detached(py, move || -> Result<_, Failure> {
            let actions = risk_core::parse_actions(&text)?;
            Ok(inner.what_if(organisation, &actions)?)
        })?;
        Ok(PyWhatIf::new(result))
    }

    /// As :func:`plan`.
    #[pyo3(signature = (organisation, k = risk_core::decision::DEFAULT_PLAN_STEPS))]
    fn plan(&self, py: Python<'_>, organisation: &str, k: usize) -> PyResult<PyPlan> {
        let inner = self.inner.clone();
        let result = detached(py, move || Ok(inner.plan(organisation, k)?))?;
        Ok(PyPlan::new(result))
    }

    /// As :func:`history`.
    fn history(&self, py: Python<'_>, dates: &Bound<'_, PyAny>) -> PyResult<PyHistory> {
        let dates = dates_arg(py, dates)?;
        let inner = self.inner.clone();
        let result = detached(py, move || Ok(inner.history(&dates)))?;
        Ok(PyHistory::new(result))
    }

    /// As :func:`change` (a dict).
    fn change<'py>(
        &self,
        py: Python<'py>,
        organisation: &str,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let from = date_arg(py, start, "start")?;
        let to = date_arg(py, end, "end")?;
        let inner = self.inner.clone();
        let text = detached(py, move || -> Result<_, Failure> {
            json::to_string(&inner.change(organisation, from, to)?)
        })?;
        json::loads(py, &text)
    }

    fn __repr__(&self) -> String {
        format!(
            "PreparedPortfolio(as_of='{}', organisations={})",
            self.inner.as_of(),
            self.inner.len()
        )
    }
}
