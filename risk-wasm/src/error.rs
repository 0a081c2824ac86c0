//! Core errors as real JavaScript `Error` objects.
//!
//! Every error thrown by this module is an `Error` (so it has a stack) named
//! `RiskRatingError`, with:
//! - `code`: the machine-readable code of the first problem (`unknown_field`, `invalid_cvss`, …),
//! - `path`: the JSON path of the first problem (`organisations[3].findings[0].cvss`, or `""`),
//! - `problems`: every problem found, as `{code, path, message}` objects (`[]` when the error is
//!   not about a document).

use risk_core::{Error, Problem};
use wasm_bindgen::JsValue;

/// An `Error` with `code`, `path` and an empty `problems` list.
pub(crate) fn js_error(code: &str, path: &str, message: &str) -> JsValue {
    with_problems(code, path, message, &js_sys::Array::new())
}

fn with_problems(code: &str, path: &str, message: &str, problems: &js_sys::Array) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("RiskRatingError");
    let object: &JsValue = error.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(object, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(object, &"path".into(), &path.into());
    let _ = js_sys::Reflect::set(object, &"problems".into(), problems);
    error.into()
}

/// One problem as a plain `{code, path, message}` object.
pub(crate) fn problem_object(code: &str, path: &str, message: &str) -> JsValue {
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&object, &"path".into(), &path.into());
    let _ = js_sys::Reflect::set(&object, &"message".into(), &message.into());
    object.into()
}

/// Every problem of a core error as plain objects.
pub(crate) fn problems(error: &Error) -> js_sys::Array {
    let list = js_sys::Array::new();
    match error {
        Error::Input(e) => {
            for Problem {
                code,
                path,
                message,
            } in e.problems()
            {
                list.push(&problem_object(code.as_str(), path, message));
            }
        }
        Error::Methodology(e) => {
            for p in e.problems() {
                list.push(&problem_object(error.code(), &p.path, &p.message));
            }
        }
        // Errors that are not about a list of document problems carry their one code and path.
        other => {
            list.push(&problem_object(
                other.code(),
                other.path(),
                &other.to_string(),
            ));
        }
    }
    list
}

/// A core error as a thrown `Error`.
pub(crate) fn from_core(error: &Error) -> JsValue {
    with_problems(
        error.code(),
        error.path(),
        &error.to_string(),
        &problems(error),
    )
}

/// A loss-simulation error as a thrown `Error` (the same shape as [`from_core`]).
pub(crate) fn from_quant(error: &risk_core::quant::QuantError) -> JsValue {
    let list = match error {
        risk_core::quant::QuantError::Input(e) => problems(&Error::Input(e.clone())),
        other => {
            let list = js_sys::Array::new();
            list.push(&problem_object(
                other.code(),
                other.path(),
                &other.to_string(),
            ));
            list
        }
    };
    with_problems(error.code(), error.path(), &error.to_string(), &list)
}
