//! `riskrating.Portfolio`: a parsed input document held in Rust, and [`Document`], what every
//! function taking a document accepts: a `Portfolio` object, JSON text (str), JSON bytes, a path
//! (str or `os.PathLike`), or any JSON-serialisable Python value (a dict, typically).
//!
//! JSON text, bytes and files go straight to the Rust parser without the GIL: a large document
//! never becomes Python objects. A dict is serialised once with `json.dumps` (through
//! `riskrating._convert.dumps`, which also names the path of a NaN or an unserialisable value)
//! and then parsed like text, so its problems carry the same JSON paths.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::PyTypeInfo;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString};
use risk_core::Portfolio;

use crate::convert::{
    Utf8Text, date_arg, dumps, is_path_like, looks_like_json, read_file, utf8_text,
};
use crate::errors::{Failure, detached};
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
    fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        json::str_list(py, self.inner.organisations.iter().map(|o| &o.id))
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
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &self.json_text(py)?)
    }

    /// The document as a dict (via JSON).
    ///
    /// >>> riskrating.Portfolio({"as_of": "2025-09-30", "organisations": [{"id": "A"}]}).to_dict()
    /// {'as_of': '2025-09-30', 'organisations': [{'id': 'A', 'peer_group': 'unassigned'}]}
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.json_text(py)?)
    }
}

impl PyPortfolio {
    /// The document as JSON text, written without the GIL (`MemoryError` when it does not fit).
    fn json_text(&self, py: Python<'_>) -> PyResult<String> {
        let inner = self.inner.clone();
        detached(py, move || json::to_string(&*inner))
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
        config.as_of = date_arg(py, d, "as_of")?;
    }
    let inner = detached(py, move || {
        Ok(Arc::new(risk_core::sample::checked_sample_portfolio(
            &config,
        )?))
    })?;
    Ok(PyPortfolio::new(inner))
}

/// A document as received, before parsing.
pub enum Document {
    /// Already parsed (a `riskrating.Portfolio`).
    Parsed(Arc<Portfolio>),
    /// JSON text.
    Text(PyBackedStr),
    /// JSON as bytes (UTF-8).
    Bytes(PyBackedBytes),
    /// A JSON file.
    File(PathBuf),
}

impl Document {
    /// Classify a Python argument. Dicts and other values are serialised to JSON text here
    /// (this needs the GIL); everything else is only borrowed.
    pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        if let Ok(p) = obj.cast::<PyPortfolio>() {
            return Ok(Document::Parsed(p.get().inner.clone()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(match utf8_text(s)? {
                Utf8Text::Str(text) if looks_like_json(&text) => Document::Text(text),
                Utf8Text::Str(text) => Document::File(PathBuf::from(&*text)),
                // Not UTF-8 (a lone surrogate): the core names the encoding problem.
                Utf8Text::Bytes(bytes) => Document::Bytes(bytes),
            });
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Document::Bytes(b.clone().into()));
        }
        if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
            // One flat copy into an immutable bytes object (the buffer could change otherwise).
            let bytes = PyBytes::type_object(py).call1((obj,))?;
            return Ok(Document::Bytes(bytes.cast_into::<PyBytes>()?.into()));
        }
        if is_path_like(obj)? {
            return Ok(Document::File(obj.extract::<PathBuf>()?));
        }
        // A dict (or any JSON-serialisable value): serialise once, then parse like text.
        Ok(Document::Text(dumps(obj, "")?))
    }

    /// Parse (or share) the portfolio. Runs without the GIL.
    pub fn load(&self) -> Result<Arc<Portfolio>, Failure> {
        self.load_with_limits(&risk_core::Limits::default())
    }

    /// [`Document::load`] under explicit resource limits (the document's size is checked
    /// before parsing; the counts by `risk_core::validate_with_limits`).
    pub fn load_with_limits(&self, limits: &risk_core::Limits) -> Result<Arc<Portfolio>, Failure> {
        Ok(match self {
            Document::Parsed(p) => p.clone(),
            Document::Text(t) => Arc::new(risk_core::parse_portfolio_with_limits(t, limits)?),
            Document::Bytes(b) => {
                Arc::new(risk_core::parse_portfolio_bytes_with_limits(b, limits)?)
            }
            Document::File(path) => {
                // Refuse an oversized file before reading it into memory.
                if let Ok(meta) = std::fs::metadata(path) {
                    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
                    limits.check_bytes(len)?;
                }
                Arc::new(risk_core::parse_portfolio_bytes_with_limits(
                    &read_file(path)?,
                    limits,
                )?)
            }
        })
    }

    /// Classify and parse in one step, parsing without the GIL.
    pub fn parse(obj: &Bound<'_, PyAny>) -> PyResult<Arc<Portfolio>> {
        let doc = Document::extract(obj)?;
        detached(obj.py(), || doc.load())
    }
}
