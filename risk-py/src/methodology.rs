//! `riskrating.Methodology`: the rating model as data.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyString;
use risk_core::{Methodology, MethodologyFormat};

use crate::convert::read_file;
use crate::errors::{Failure, detached};
use crate::json;

/// Load a methodology given as str or bytes in `format` (`None`: told from the content),
/// without the GIL; the core decodes bytes.
fn load(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    format: Option<MethodologyFormat>,
) -> PyResult<Methodology> {
    if let Ok(s) = text.cast::<PyString>() {
        let s: PyBackedStr = s.clone().try_into()?;
        return detached(py, || Ok(Methodology::from_bytes(s.as_bytes(), format)?));
    }
    let bytes: Vec<u8> = text.extract()?;
    detached(py, move || Ok(Methodology::from_bytes(&bytes, format)?))
}

/// A rating methodology: every number the engine uses (weights, priors, half-lives, bands, …),
/// checked for consistency when loaded.
///
/// >>> m = riskrating.Methodology.default()
/// >>> m
/// Methodology(id='nhs-caf-v1', version='1.0.0')
/// >>> m.factors[:2]
/// ['governance', 'asset_management']
/// >>> riskrating.Methodology.from_json('{"id": "x"}')
/// Traceback (most recent call last):
/// ...
/// riskrating.MethodologyError: invalid methodology: missing field `version` at line 1 column 11
#[pyclass(name = "Methodology", module = "riskrating", frozen)]
pub struct PyMethodology {
    pub inner: Arc<Methodology>,
}

impl PyMethodology {
    /// The methodology to use for an optional argument: the given one or the default.
    pub fn resolve(m: Option<&Bound<'_, PyMethodology>>) -> Arc<Methodology> {
        match m {
            Some(m) => m.get().inner.clone(),
            None => default_methodology(),
        }
    }
}

/// The embedded default, shared.
pub fn default_methodology() -> Arc<Methodology> {
    static DEFAULT: std::sync::OnceLock<Arc<Methodology>> = std::sync::OnceLock::new();
    DEFAULT
        .get_or_init(|| Arc::new(Methodology::default()))
        .clone()
}

#[pymethods]
impl PyMethodology {
    /// The default methodology, `nhs-caf-v1` (embedded in the package).
    ///
    /// >>> riskrating.Methodology.default().id
    /// 'nhs-caf-v1'
    #[staticmethod]
    fn default() -> Self {
        PyMethodology {
            inner: default_methodology(),
        }
    }

    /// Load and check a methodology from JSON text (str or bytes).
    ///
    /// Raises `MethodologyError` listing every problem, each naming its field.
    ///
    /// >>> text = riskrating.Methodology.default().to_json()
    /// >>> riskrating.Methodology.from_json(text).id
    /// 'nhs-caf-v1'
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMethodology {
            inner: Arc::new(load(py, text, Some(MethodologyFormat::Json))?),
        })
    }

    /// Load and check a methodology from TOML text (same fields as the JSON form).
    ///
    /// >>> m = riskrating.Methodology.default()
    /// >>> riskrating.Methodology.from_toml(m.to_toml()).to_dict() == m.to_dict()
    /// True
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMethodology {
            inner: Arc::new(load(py, text, Some(MethodologyFormat::Toml))?),
        })
    }

    /// Load and check a methodology from a JSON or TOML file (str or `pathlib.Path`); the
    /// format is told from the content (JSON starts with `{`).
    ///
    /// Raises `OSError` (e.g. `FileNotFoundError`) when the file cannot be read and
    /// `MethodologyError` when it is not a valid methodology.
    ///
    /// >>> riskrating.Methodology.from_file("no/such/file.json")
    /// Traceback (most recent call last):
    /// ...
    /// FileNotFoundError: [Errno 2] No such file or directory: 'no/such/file.json'
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = detached(py, move || -> Result<Methodology, Failure> {
            Ok(Methodology::from_bytes(&read_file(&path)?, None)?)
        })?;
        Ok(PyMethodology {
            inner: Arc::new(inner),
        })
    }

    /// Identifier carried into every output document.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }

    /// Version string.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }

    /// Human-readable name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.doc().name
    }

    /// Factor ids, in output order.
    #[getter]
    fn factors(&self) -> Vec<String> {
        self.inner.factors().iter().map(|f| f.id.clone()).collect()
    }

    /// The methodology document as (pretty-printed) JSON text; `from_json` reads it back.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The methodology document as TOML text; `from_toml` reads it back.
    fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The methodology document as a dict.
    ///
    /// >>> riskrating.Methodology.default().to_dict()["id"]
    /// 'nhs-caf-v1'
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.inner.to_json())
    }

    fn __repr__(&self) -> String {
        format!(
            "Methodology(id='{}', version='{}')",
            self.inner.id(),
            self.inner.version()
        )
    }
}
