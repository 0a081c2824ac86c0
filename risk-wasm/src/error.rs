//! Core errors as real JavaScript `Error` objects: the one table of this binding.
//!
//! Every error thrown by this module is an `Error` (so it has a stack) named
//! `RiskRatingError`, with:
//! - `code`: the machine-readable code of the first problem (`unknown_field`, `invalid_cvss`, …;
//!   one of the core's `error_codes()`, exported as `errorCodes()`),
//! - `path`: the path of the first problem (`organisations[3].findings[0].cvss`, or `""`),
//! - `kind`: which part of the engine rejected it ([`risk_core::Error::kind`]: `input`,
//!   `methodology`, `feed`, `simulation`, `split`, `ingest`, `system`, `calibration`), or
//!   `internal` for a bug,
//! - `problems`: every problem as the core lists it, `{code, path, field, message}` objects
//!   (with `line`/`column` when the parser knows them).

use risk_core::Error;
use wasm_bindgen::JsValue;

fn throwable(kind: &str, code: &str, path: &str, message: &str, problems: &JsValue) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("RiskRatingError");
    let object: &JsValue = error.as_ref();
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(object, &"kind".into(), &kind.into());
    let _ = js_sys::Reflect::set(object, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(object, &"path".into(), &path.into());
    let _ = js_sys::Reflect::set(object, &"problems".into(), problems);
    error.into()
}

/// A core error as a thrown `Error`.
pub(crate) fn from_core(error: &Error) -> JsValue {
    let problems = crate::convert::to_js(&error.problems()).unwrap_or_else(|e| e);
    throwable(
        error.kind(),
        error.code(),
        error.path(),
        &error.to_string(),
        &problems,
    )
}

/// Anything that converts into a core error, as a thrown `Error` (for `map_err`).
pub(crate) fn core<E: Into<Error>>(error: E) -> JsValue {
    from_core(&error.into())
}

/// An internal error (a panic, or a result that could not be built): a bug.
pub(crate) fn internal(message: &str) -> JsValue {
    let code = risk_core::error::INTERNAL_ERROR;
    let problems = js_sys::Array::new();
    let problem = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&problem, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&problem, &"path".into(), &"".into());
    let _ = js_sys::Reflect::set(&problem, &"field".into(), &JsValue::NULL);
    let _ = js_sys::Reflect::set(&problem, &"message".into(), &message.into());
    problems.push(&problem);
    throwable("internal", code, "", message, &problems)
}
