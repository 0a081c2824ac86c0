//! The ground floor of the binding: Python arguments to what the core takes (dates, actions
//! and other JSON values as text, paths, files). It imports no class module of this crate, so
//! every class module can use it without an import loop:
//!
//! ```text
//! json, errors, frame, convert          (ground floor)
//!   ↑
//! methodology, portfolio                (classes over core inputs)
//!   ↑
//! rating → decision, feeds, quant       (classes over core outputs)
//!   ↑
//! prepared                              (a checked portfolio and the calls on it)
//! ```

use std::path::Path;

use pyo3::exceptions::PyUnicodeEncodeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDate, PyDateTime, PyDict, PyList, PyString};
use risk_core::{Date, Error, ErrorCode, InputError};

use crate::errors::{Failure, core_error};

/// Whether a `str` argument is JSON text rather than a path: its first non-blank character opens
/// a JSON value (`{`, `[`, `"`) or it is blank. Anything else is a file name.
pub fn looks_like_json(s: &str) -> bool {
    let t = s.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    matches!(t.chars().next(), None | Some('{' | '[' | '"'))
}

/// `os.PathLike` (pathlib.Path and friends).
pub fn is_path_like(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static PATH_LIKE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let path_like = PATH_LIKE.import(obj.py(), "os", "PathLike")?;
    obj.is_instance(path_like)
}

/// Read a whole file (the binding's only I/O: the engine has none).
pub fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::io(path, e))
}

/// Python values (a dict, a list of dicts, ...) as JSON text for the core parser, through
/// `riskrating._convert.dumps` (which names the path of a NaN or an unserialisable value below
/// `root`, the argument's name).
///
/// A `str` holding a lone surrogate (`"\ud800"`, as a key or a value) has no UTF-8 form: the
/// value is then written again with every non-ASCII character escaped, so the text carries the
/// surrogate as the JSON escape `\ud800` and the core's parser rejects it (`invalid_encoding`)
/// at the path of the offending key or value, like any other bad input.
pub fn dumps(value: &Bound<'_, PyAny>, root: &str) -> PyResult<PyBackedStr> {
    static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = value.py();
    let dumps = DUMPS.import(py, "riskrating._convert", "dumps")?;
    let text = dumps.call1((value, root))?.cast_into::<PyString>()?;
    match PyBackedStr::try_from(text) {
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(py) => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("ascii", true)?;
            dumps
                .call((value, root), Some(&kwargs))?
                .cast_into::<PyString>()?
                .try_into()
        }
        r => r,
    }
}

/// JSON text given as a Python `str`, as UTF-8 bytes for the core's parser. A `str` with a lone
/// surrogate has no UTF-8 form: it is encoded with `surrogatepass`, and the core reports the
/// resulting bytes as `invalid_encoding` (naming the byte offset) instead of Python's
/// `UnicodeEncodeError` escaping as a foreign exception.
pub enum Utf8Text {
    /// The text, borrowed from the `str`.
    Str(PyBackedStr),
    /// Bytes that are not UTF-8 (the `str` held a lone surrogate).
    Bytes(PyBackedBytes),
}

/// Classify a `str` argument as [`Utf8Text`].
pub fn utf8_text(s: &Bound<'_, PyString>) -> PyResult<Utf8Text> {
    let py = s.py();
    match PyBackedStr::try_from(s.clone()) {
        Ok(t) => Ok(Utf8Text::Str(t)),
        Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(py) => {
            let bytes = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
            Ok(Utf8Text::Bytes(bytes.cast_into::<PyBytes>()?.into()))
        }
        Err(e) => Err(e),
    }
}

/// Actions as JSON text: a JSON str as is; a dict (one action) or a list of dicts serialised.
pub fn actions_text(actions: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = actions.cast::<PyString>() {
        let text: PyBackedStr = s.clone().try_into()?;
        return Ok(text.to_string());
    }
    let value = if actions.is_instance_of::<PyDict>() {
        PyList::new(actions.py(), [actions])?.into_any()
    } else {
        actions.clone()
    };
    Ok(dumps(&value, "actions")?.to_string())
}

/// A date argument (str `YYYY-MM-DD`, `datetime.date`, `datetime.datetime` or a pandas
/// Timestamp) as a core date; an invalid one is an `InputError` at `path`.
pub fn date_arg(py: Python<'_>, value: &Bound<'_, PyAny>, path: &str) -> PyResult<Date> {
    let text: String = if value.is_instance_of::<PyString>() {
        value.extract()?
    } else if value.is_instance_of::<PyDateTime>() {
        value
            .call_method0("date")?
            .call_method0("isoformat")?
            .extract()?
    } else if value.is_instance_of::<PyDate>() {
        value.call_method0("isoformat")?.extract()?
    } else {
        return Err(core_error(
            py,
            &Error::from(InputError::single(
                ErrorCode::WrongType,
                path,
                format!(
                    "expected a date (`YYYY-MM-DD` or datetime.date), not {}",
                    value.get_type().name()?
                ),
            )),
        ));
    };
    text.parse::<Date>().map_err(|e| {
        core_error(
            py,
            &Error::from(InputError::single(
                ErrorCode::InvalidDate,
                path,
                format!("invalid date `{text}`: {e}"),
            )),
        )
    })
}

/// A sequence of date arguments, the i-th checked at path `dates[i]`.
pub fn dates_arg(py: Python<'_>, dates: &Bound<'_, PyAny>) -> PyResult<Vec<Date>> {
    dates
        .try_iter()?
        .enumerate()
        .map(|(i, d)| date_arg(py, &d?, &format!("dates[{i}]")))
        .collect()
}

/// The `limits=` argument: ``None`` for the defaults, else a dict of some limits by name (or its
/// JSON text), read and checked by the core (`Limits::from_json`, paths `limits.<name>`).
pub fn limits_arg(limits: Option<&Bound<'_, PyAny>>) -> PyResult<risk_core::Limits> {
    let Some(obj) = limits.filter(|o| !o.is_none()) else {
        return Ok(risk_core::Limits::default());
    };
    let text: String = if let Ok(s) = obj.cast::<PyString>() {
        s.extract::<String>()?
    } else {
        dumps(obj, "limits")?.to_string()
    };
    risk_core::Limits::from_json(&text).map_err(|e| core_error(obj.py(), &Error::from(e)))
}
