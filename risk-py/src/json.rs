//! JSON text in and out of Python: the ground floor every other module converts through. It
//! imports no class module of this crate.

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

/// A serde value as Python values (dicts, lists, str, numbers, None), via JSON.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    loads(py, &to_string(value))
}
