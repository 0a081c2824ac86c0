//! Input documents: a `Portfolio` object, JSON text (str), JSON bytes, a path (str or
//! `os.PathLike`), or any JSON-serialisable Python value (a dict, typically).
//!
//! JSON text, bytes and files go straight to the Rust parser without the GIL: a large document
//! never becomes Python objects. A dict is serialised once with `json.dumps` (through
//! `riskrating._convert.dumps`, which also names the path of a NaN or an unserialisable value)
//! and then parsed like text, so its problems carry the same JSON paths.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::PyTypeInfo;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};
use risk_core::Portfolio;

use crate::errors::{Failure, detached};

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

/// Whether a `str` argument is JSON text rather than a path: its first non-blank character opens
/// a JSON value (`{`, `[`, `"`) or it is blank. Anything else is a file name.
pub fn looks_like_json(s: &str) -> bool {
    let t = s.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    matches!(t.chars().next(), None | Some('{' | '[' | '"'))
}

impl Document {
    /// Classify a Python argument. Dicts and other values are serialised to JSON text here
    /// (this needs the GIL); everything else is only borrowed.
    pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        if let Ok(p) = obj.cast::<crate::portfolio::PyPortfolio>() {
            return Ok(Document::Parsed(p.get().inner.clone()));
        }
        if let Ok(s) = obj.cast::<PyString>() {
            let text: PyBackedStr = s.clone().try_into()?;
            return Ok(if looks_like_json(&text) {
                Document::Text(text)
            } else {
                Document::File(PathBuf::from(&*text))
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
        static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let dumps = DUMPS.import(py, "riskrating._convert", "dumps")?;
        let text = dumps.call1((obj,))?;
        let text: PyBackedStr = text.cast_into::<PyString>()?.try_into()?;
        Ok(Document::Text(text))
    }

    /// Parse (or share) the portfolio. Runs without the GIL.
    pub fn load(&self) -> Result<Arc<Portfolio>, Failure> {
        Ok(match self {
            Document::Parsed(p) => p.clone(),
            Document::Text(t) => Arc::new(risk_core::parse_portfolio(t)?),
            Document::Bytes(b) => Arc::new(risk_core::parse_portfolio_bytes(b)?),
            Document::File(path) => {
                // Refuse an oversized file before reading it into memory.
                if let Ok(meta) = std::fs::metadata(path) {
                    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
                    risk_core::Limits::default().check_bytes(len)?;
                }
                Arc::new(risk_core::parse_portfolio_bytes(&read_file(path)?)?)
            }
        })
    }

    /// Classify and parse in one step, parsing without the GIL.
    pub fn parse(obj: &Bound<'_, PyAny>) -> PyResult<Arc<Portfolio>> {
        let doc = Document::extract(obj)?;
        detached(obj.py(), || doc.load())
    }
}

/// `os.PathLike` (pathlib.Path and friends).
fn is_path_like(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static PATH_LIKE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let path_like = PATH_LIKE.import(obj.py(), "os", "PathLike")?;
    obj.is_instance(path_like)
}

/// Read a whole file (the binding's only I/O: the engine has none).
pub fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::io(path, e))
}
