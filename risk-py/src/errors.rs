//! Error mapping: every core error becomes an instance of the Python exception hierarchy defined
//! in `riskrating/_exceptions.py` (`RiskError` and its subclasses), carrying `.code`, `.path`,
//! `.omitted` and `.errors` (every problem as the core lists it: dicts with `code`, `path`,
//! `field` and `message`, and `line`/`column` when the parser knows them).
//!
//! The hierarchy lives in Python so that the classes can inherit from two bases
//! (`InputError(RiskError, ValueError)`), pickle, and carry docstrings. This module holds the one
//! table from core error to class ([`class_of`]); codes, paths and messages all come from the core.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use pyo3::exceptions::{PyMemoryError, PyOSError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use risk_core::Error;

/// The one table: which Python class each core error becomes. `risk_core::Error` is
/// `#[non_exhaustive]`: a variant added later is a plain `RiskError` (with its own code, path
/// and problems) until it gets a row here.
fn class_of(e: &Error) -> &'static str {
    match e {
        Error::Input(_) => "InputError",
        Error::Methodology(_) => "MethodologyError",
        Error::Feed(_) => "FeedError",
        Error::Simulation(_) => "SimulationError",
        Error::Ingest(_) => "IngestError",
        Error::System(_) => "SimulationError",
        Error::Calibration(_) => "CalibrationError",
        // Per-organisation results that do not fit the graph: a bad argument, like a bad row.
        Error::Split(_) => "InputError",
        _ => "RiskError",
    }
}

/// The Python exception classes, imported once from `riskrating._exceptions`.
fn class<'py>(py: Python<'py>, name: &'static str) -> PyResult<&'py Bound<'py, PyType>> {
    static RISK: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static METHODOLOGY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static SIMULATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static FEED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INGEST: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CALIBRATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let cell = match name {
        "InputError" => &INPUT,
        "MethodologyError" => &METHODOLOGY,
        "SimulationError" => &SIMULATION,
        "FeedError" => &FEED,
        "IngestError" => &INGEST,
        "CalibrationError" => &CALIBRATION,
        _ => &RISK,
    };
    cell.import(py, "riskrating._exceptions", name)
}

/// Whether a Python exception value is a `riskrating.InputError`.
pub fn is_input_error(
    py: Python<'_>,
    value: &Bound<'_, pyo3::exceptions::PyBaseException>,
) -> bool {
    class(py, "InputError").is_ok_and(|c| value.is_instance(c).unwrap_or(false))
}

/// Any core error as its Python exception.
pub fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", e.code())?;
        kwargs.set_item("path", e.path())?;
        kwargs.set_item("errors", crate::json::to_python(py, &e.problems())?)?;
        kwargs.set_item("omitted", e.omitted())?;
        let value = class(py, class_of(e))?.call((e.to_string(),), Some(&kwargs))?;
        if let Error::Feed(f) = e {
            value.setattr("feed", f.feed().as_str())?;
            value.setattr("line", f.line())?;
            value.setattr("field", f.field())?;
        }
        if let Error::Calibration(c) = e {
            value.setattr("category", c.category())?;
            value.setattr("document", c.document().as_str())?;
        }
        if let Error::Ingest(i) = e {
            value.setattr("source", i.source_name())?;
            value.setattr("record", i.record())?;
            value.setattr("line", i.line())?;
        }
        Ok(PyErr::from_value(value))
    };
    // If the exception classes cannot be loaded (a broken install), that failure is the error.
    build().unwrap_or_else(|err| err)
}

/// Everything that can go wrong in work done without the GIL.
#[derive(Debug)]
pub enum Failure {
    /// The engine rejected something.
    Core(Error),
    /// A file could not be read.
    Io(std::path::PathBuf, std::io::Error),
    /// The engine panicked: a bug, reported as `RiskError` with code `internal_error`.
    Panic(String),
    /// An allocation failed (a result too large for the memory left): Python's `MemoryError`.
    Memory,
}

/// Every core error type converts, through `risk_core::Error`.
macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::Core(e.into())
            }
        }
    )*};
}

from_core!(
    Error,
    risk_core::InputError,
    risk_core::MethodologyError,
    risk_core::feeds::FeedError,
    risk_core::quant::QuantError
);

impl Failure {
    /// An unreadable file.
    pub fn io(path: &Path, e: std::io::Error) -> Self {
        Failure::Io(path.to_path_buf(), e)
    }

    /// The Python exception for this failure (needs the GIL).
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Core(e) => core_error(py, &e),
            Failure::Io(path, e) => {
                // OSError(errno, strerror, filename) picks the subclass (FileNotFoundError, …).
                let errno = e.raw_os_error().unwrap_or(0);
                // Rust appends " (os error N)"; Python's strerror has no such suffix.
                let full = e.to_string();
                let msg = match full.rfind(" (os error ") {
                    Some(i) if e.raw_os_error().is_some() => full[..i].to_owned(),
                    _ => full,
                };
                let err = PyOSError::new_err((errno, msg, path.to_string_lossy().into_owned()));
                // `OSError(errno, …)` becomes FileNotFoundError etc. only when constructed as a
                // value; make it one now so `except FileNotFoundError` works.
                let value = err.value(py).clone();
                PyErr::from_value(value.into_any())
            }
            Failure::Panic(msg) => internal_error(py, &msg),
            Failure::Memory => {
                PyMemoryError::new_err("out of memory while building the result in riskrating")
            }
        }
    }
}

/// A `RiskError` with code `internal_error` for a panic in the engine.
fn internal_error(py: Python<'_>, msg: &str) -> PyErr {
    let message = format!("internal error in riskrating (please report it): {msg}");
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", risk_core::error::INTERNAL_ERROR)?;
        let value = class(py, "RiskError")?.call((message.clone(),), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|err| err)
}

/// Run `f` (typically without the GIL), turning a panic into [`Failure::Panic`] so that no panic
/// reaches Python as a `PanicException`.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(Failure::Panic(panic_message(payload.as_ref()))),
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}

/// Run `f` without the GIL, guarded against panics, and map its failure to a Python exception.
pub fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, Failure> + Send,
) -> PyResult<T> {
    py.detach(|| guarded(f)).map_err(|e| e.into_pyerr(py))
}

/// A core result as a Python one (for work done with the GIL held).
pub fn raise<T>(py: Python<'_>, r: Result<T, impl Into<Error>>) -> PyResult<T> {
    r.map_err(|e| core_error(py, &e.into()))
}

/// Every error code the engine can report (sorted): the core's own list, which the tests check
/// `riskrating.ERROR_CODES` against.
#[pyfunction]
pub fn error_codes() -> Vec<&'static str> {
    risk_core::error::error_codes()
}

/// The exception for a value `riskrating._convert.dumps` cannot write as JSON, at `path`: a NaN
/// or infinity by default, a value of type `type_name`, or (with `detail`, the serialiser's own
/// words) the document as a whole. Returned, not raised, so that Python raises it at the point
/// of failure.
#[pyfunction]
#[pyo3(signature = (path, type_name=None, detail=None))]
pub fn unwritable_error(
    py: Python<'_>,
    path: &str,
    type_name: Option<&str>,
    detail: Option<&str>,
) -> Py<pyo3::exceptions::PyBaseException> {
    let why = match (type_name, detail) {
        (Some(name), _) => risk_core::Unwritable::Type(name),
        (None, Some(d)) => risk_core::Unwritable::Document(d),
        (None, None) => risk_core::Unwritable::NotFinite,
    };
    core_error(py, &risk_core::InputError::unwritable(path, why).into())
        .value(py)
        .clone()
        .unbind()
}

/// The code and the words of a problem `riskrating.from_frames` finds in a frame before its
/// rows become a document: `table` lacks `column`, or (with `organisation`) a row names an
/// organisation the organisations frame does not have.
#[pyfunction]
#[pyo3(signature = (table, column=None, organisation=None))]
pub fn table_problem(
    table: &str,
    column: Option<&str>,
    organisation: Option<&str>,
) -> (&'static str, String) {
    let p = match organisation {
        Some(id) => risk_core::TableProblem::UnknownOrganisation { id },
        None => risk_core::TableProblem::MissingColumn {
            table,
            column: column.unwrap_or(""),
        },
    };
    (p.code().as_str(), p.message())
}
