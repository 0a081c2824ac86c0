//! Error mapping: every core error becomes an instance of the Python exception hierarchy defined
//! in `riskrating/_exceptions.py` (`RiskError` and its subclasses), carrying `.code`, `.path` and
//! `.errors` (every problem, each a dict with `code`, `path` and `message`).
//!
//! The hierarchy lives in Python so that the classes can inherit from two bases
//! (`InputError(RiskError, ValueError)`), pickle, and carry docstrings; this module only decides
//! which class and which fields each core error gets.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyType};
use risk_core::{Error, InputError, MethodologyError};

/// The Python exception classes, imported once from `riskrating._exceptions`.
fn class<'py>(py: Python<'py>, name: &'static str) -> PyResult<&'py Bound<'py, PyType>> {
    static RISK: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static METHODOLOGY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static SIMULATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static FEED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static CALIBRATION: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let cell = match name {
        "InputError" => &INPUT,
        "MethodologyError" => &METHODOLOGY,
        "SimulationError" => &SIMULATION,
        "FeedError" => &FEED,
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

/// One problem as the dict that `.errors` lists.
fn problem<'py>(
    py: Python<'py>,
    code: &str,
    path: &str,
    message: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", code)?;
    d.set_item("path", path)?;
    d.set_item("message", message)?;
    Ok(d)
}

/// Instantiate `riskrating.<name>(message, code=…, path=…, errors=[…], omitted=…)`.
fn raise(
    py: Python<'_>,
    name: &'static str,
    message: String,
    code: &str,
    path: &str,
    errors: Bound<'_, PyList>,
    omitted: usize,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", code)?;
        kwargs.set_item("path", path)?;
        kwargs.set_item("errors", errors)?;
        kwargs.set_item("omitted", omitted)?;
        let value = class(py, name)?.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    // If the exception classes cannot be loaded (a broken install), that failure is the error.
    build().unwrap_or_else(|e| e)
}

/// `InputError`: every problem of a rejected document, the first one's code and path on top.
pub fn input_error(py: Python<'_>, e: &InputError) -> PyErr {
    problems_error(py, "InputError", e)
}

/// An error of class `name` carrying every problem of an [`InputError`].
pub fn problems_error(py: Python<'_>, name: &'static str, e: &InputError) -> PyErr {
    let errors = PyList::empty(py);
    for p in e.problems() {
        match problem(py, p.code.as_str(), &p.path, &p.message) {
            Ok(d) => {
                if let Err(err) = errors.append(d) {
                    return err;
                }
            }
            Err(err) => return err,
        }
    }
    raise(
        py,
        name,
        e.to_string(),
        e.code().as_str(),
        e.path(),
        errors,
        e.omitted(),
    )
}

/// `MethodologyError`: every problem of a rejected methodology, each with code
/// `invalid_methodology`.
pub fn methodology_error(py: Python<'_>, e: &MethodologyError) -> PyErr {
    const CODE: &str = "invalid_methodology";
    let errors = PyList::empty(py);
    for p in e.problems() {
        match problem(py, CODE, &p.path, &p.message) {
            Ok(d) => {
                if let Err(err) = errors.append(d) {
                    return err;
                }
            }
            Err(err) => return err,
        }
    }
    raise(
        py,
        "MethodologyError",
        e.to_string(),
        CODE,
        e.path(),
        errors,
        0,
    )
}

/// `FeedError` (an `InputError`): which feed, the line and field (EPSS) or JSON path (KEV).
pub fn feed_error(py: Python<'_>, e: &risk_core::feeds::FeedError) -> PyErr {
    let code = crate::feeds::feed_code(e);
    let build = || -> PyResult<PyErr> {
        let err = single(py, "FeedError", code, e.path(), e.to_string());
        let value = err.value(py);
        let feed = match e.feed() {
            risk_core::feeds::Feed::Kev => "kev",
            risk_core::feeds::Feed::Epss => "epss",
            // A feed added to the engine later: its display name.
            _ => "other",
        };
        value.setattr("feed", feed)?;
        value.setattr("line", e.line())?;
        value.setattr("field", e.field())?;
        Ok(err)
    };
    build().unwrap_or_else(|err| err)
}

/// `CalibrationError` (an `InputError`): the spec's category (also `code`), the document
/// (`incidents`, `config` or `fit`) and the JSON path inside it.
pub fn calibration_error(py: Python<'_>, e: &risk_core::calibration::CalibrationError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let err = single(py, "CalibrationError", e.code(), e.path(), e.to_string());
        let value = err.value(py);
        value.setattr("category", e.category())?;
        value.setattr("document", e.document().as_str())?;
        Ok(err)
    };
    build().unwrap_or_else(|err| err)
}

/// A `RiskError` of the given class with a single problem.
pub fn single(
    py: Python<'_>,
    name: &'static str,
    code: &str,
    path: &str,
    message: String,
) -> PyErr {
    let errors = PyList::empty(py);
    if let Err(err) = problem(py, code, path, &message).and_then(|d| errors.append(d)) {
        return err;
    }
    raise(py, name, message, code, path, errors, 0)
}

/// Map any core error to its Python class.
///
/// `risk_core::Error` is `#[non_exhaustive]`: the variants known when this binding was written
/// are matched one by one; a variant added later falls back to the base `RiskError` with the
/// error's own code, path and message, so nothing is lost and nothing crashes until it gets a
/// class of its own here.
pub fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    match e {
        Error::Input(e) => input_error(py, e),
        Error::Methodology(e) => methodology_error(py, e),
        Error::Feed(e) => feed_error(py, e),
        Error::Calibration(e) => calibration_error(py, e),
        other => single(
            py,
            "RiskError",
            other.code(),
            other.path(),
            other.to_string(),
        ),
    }
}

/// Everything that can go wrong in work done without the GIL.
#[derive(Debug)]
pub enum Failure {
    /// The engine rejected something.
    Core(Error),
    /// A file could not be read.
    Io(std::path::PathBuf, std::io::Error),
    /// An error found by the binding itself (say, invalid UTF-8 in a methodology file).
    Raise {
        /// Python class name in `riskrating._exceptions`.
        class: &'static str,
        /// Error code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The engine panicked: a bug, reported as `RiskError` with code `internal_error`.
    Panic(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Core(Error::Input(e))
    }
}

impl From<risk_core::feeds::FeedError> for Failure {
    fn from(e: risk_core::feeds::FeedError) -> Self {
        Failure::Core(Error::Feed(e))
    }
}

impl From<MethodologyError> for Failure {
    fn from(e: MethodologyError) -> Self {
        Failure::Core(Error::Methodology(e))
    }
}

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
            Failure::Raise {
                class,
                code,
                message,
            } => single(py, class, code, "", message),
            Failure::Panic(msg) => single(
                py,
                "RiskError",
                "internal_error",
                "",
                format!("internal error in riskrating (please report it): {msg}"),
            ),
        }
    }
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
