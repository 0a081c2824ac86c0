//! JSON text in and out of Python: the ground floor every other module converts through. It
//! imports no class module of this crate.
//!
//! Large documents are where memory runs out, so every step here is fallible: the JSON text is
//! written into a buffer grown with `try_reserve` (an allocation failure is
//! [`Failure::Memory`], not an abort), and Python strings are created with
//! `PyString::from_bytes`, which returns Python's `MemoryError` where `PyString::new` (and so
//! PyO3's conversion of a returned `String`) would panic with "PyObject pointer is null".

use std::io;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString};
use serde::Serialize;

use crate::errors::Failure;

/// A byte buffer that grows with `try_reserve`: running out of memory is an I/O error of kind
/// `OutOfMemory` that serde_json passes back, instead of Rust's allocation-failure abort.
struct FallibleBuffer(Vec<u8>);

impl io::Write for FallibleBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .try_reserve(buf.len())
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Compact JSON text of a serde value (byte for byte what `serde_json::to_string` writes).
///
/// # Errors
/// [`Failure::Memory`] when the text does not fit in memory; [`Failure::Panic`] (an internal
/// error) if serde refuses the value, which no engine type does (no maps with non-string keys,
/// no non-finite floats).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut out = FallibleBuffer(Vec::new());
    match serde_json::to_writer(&mut out, value) {
        Ok(()) => String::from_utf8(out.0)
            .map_err(|e| Failure::Panic(format!("JSON text is not UTF-8: {e}"))),
        Err(e) if e.io_error_kind() == Some(io::ErrorKind::OutOfMemory) => Err(Failure::Memory),
        Err(e) => Err(Failure::Panic(format!(
            "serialising a document to JSON: {e}"
        ))),
    }
}

/// [`to_string`] with the GIL held: its failure as a Python exception (`MemoryError`, or
/// `RiskError` with code `internal_error`).
pub fn to_string_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<String> {
    to_string(value).map_err(|e| e.into_pyerr(py))
}

/// Rust text as a Python `str`; `MemoryError` when Python cannot allocate it.
pub fn text<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyString>> {
    PyString::from_bytes(py, s.as_bytes())
}

/// Texts as a Python list of `str`, each made with [`text`]: `MemoryError` (not a panic) when
/// Python runs out of memory part way.
pub fn str_list<'py, S: AsRef<str>>(
    py: Python<'py>,
    items: impl IntoIterator<Item = S>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for s in items {
        list.append(text(py, s.as_ref())?)?;
    }
    Ok(list)
}

/// `json.loads(text)` (Python's `MemoryError` when the text or its values do not fit).
pub fn loads<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let s = text(py, s)?;
    LOADS.import(py, "json", "loads")?.call1((s,))
}

/// A serde value as Python values (dicts, lists, str, numbers, None), via JSON.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    loads(py, &to_string_py(py, value)?)
}
