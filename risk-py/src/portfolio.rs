//! `riskrating.Portfolio`: a parsed input document held in Rust.

use std::sync::Arc;

use pyo3::prelude::*;
use risk_core::Portfolio;

use crate::document::Document;
use crate::errors::detached;
use crate::json;

/// A parsed portfolio document (section 1 of the methodology), held in Rust.
///
/// Parse once, then rate it, ask what-if questions or plan on it without parsing again. Anything
/// `riskrating.rate` accepts is accepted here: a dict, JSON text or bytes, or a path.
///
/// >>> p = riskrating.Portfolio({"as_of": "2025-09-30", "organisations": [{"id": "RBS"}]})
/// >>> p
/// Portfolio(as_of='2025-09-30', organisations=1)
/// >>> p.as_of, len(p), p.ids
/// ('2025-09-30', 1, ['RBS'])
/// >>> riskrating.Portfolio('{"as_of": "2025-09-30", "organisations": [{"id": "X", "colour": 1}]}')
/// Traceback (most recent call last):
/// ...
/// riskrating.InputError: organisations[0].colour: unknown field `colour`, expected one of `id`, `name`, `peer_group`, `assessments`, `metrics`, `findings`, `dependencies`, `attestation`, `groups` at line 1 column 62 (unknown_field)
#[pyclass(name = "Portfolio", module = "riskrating", frozen)]
pub struct PyPortfolio {
    pub inner: Arc<Portfolio>,
}

impl PyPortfolio {
    /// Wrap a core portfolio.
    pub fn new(inner: Arc<Portfolio>) -> Self {
        PyPortfolio { inner }
    }
}

#[pymethods]
impl PyPortfolio {
    #[new]
    fn py_new(document: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyPortfolio::new(Document::parse(document)?))
    }

    /// The date the portfolio is rated at, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> String {
        self.inner.as_of.to_string()
    }

    /// Organisation ids, in document order.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.inner
            .organisations
            .iter()
            .map(|o| o.id.clone())
            .collect()
    }

    /// The number of organisations.
    fn __len__(&self) -> usize {
        self.inner.organisations.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Portfolio(as_of='{}', organisations={})",
            self.inner.as_of,
            self.inner.organisations.len()
        )
    }

    /// The document as compact JSON text (it parses back to an equal portfolio).
    ///
    /// >>> riskrating.Portfolio({"as_of": "2025-09-30", "organisations": []}).to_json()
    /// '{"as_of":"2025-09-30","organisations":[]}'
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let inner = self.inner.clone();
        detached(py, move || Ok(json::to_string(&*inner)))
    }

    /// The document as a dict (via JSON).
    ///
    /// >>> riskrating.Portfolio({"as_of": "2025-09-30", "organisations": [{"id": "A"}]}).to_dict()
    /// {'as_of': '2025-09-30', 'organisations': [{'id': 'A', 'peer_group': 'unassigned'}]}
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.to_json(py)?)
    }
}

/// A deterministic sample portfolio shaped like the health and care system in England: NHS
/// trusts of every kind, ICBs, GP practices, care providers and their suppliers, with
/// assessments, metrics, findings (real CVE ids from a KEV excerpt, synthetic vectors and dates),
/// dependencies and attestations. Every name and id is invented.
///
/// The same ``n``, ``seed`` and ``as_of`` give the same document on every platform.
/// ``n=50_000`` has the national shape.
///
/// >>> p = riskrating.sample_portfolio(120, seed=7)
/// >>> len(p), p.as_of
/// (120, '2025-09-30')
/// >>> p.to_json() == riskrating.sample_portfolio(120, seed=7).to_json()
/// True
#[pyfunction]
#[pyo3(signature = (n = 300, seed = 42, as_of = None))]
pub fn sample_portfolio(
    py: Python<'_>,
    n: usize,
    seed: u64,
    as_of: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPortfolio> {
    let mut config = risk_core::sample::SampleConfig {
        organisations: n,
        seed,
        ..Default::default()
    };
    if let Some(d) = as_of {
        config.as_of = crate::decision::date_arg(py, d, "as_of")?;
    }
    let inner = detached(py, move || {
        Ok(Arc::new(risk_core::sample::sample_portfolio(&config)))
    })?;
    Ok(PyPortfolio::new(inner))
}
