//! JSON text in and out of Python.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::Serialize;

/// Compact JSON text of a serde value. Every type serialised here is plain data (no maps with
/// non-string keys, no non-finite floats reach it from the engine), so this cannot fail.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("engine documents always serialise to JSON")
}

/// `json.loads(text)`.
pub fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS.import(py, "json", "loads")?.call1((text,))
}
