//! Conversion between JavaScript values and the shared JSON documents.
//!
//! Inputs may be JSON strings or plain objects. An object is turned into JSON text with
//! `JSON.stringify` (through `to_json.js`, which rejects NaN and ±Infinity instead of writing
//! them as `null`) and then parsed by `risk-core` exactly like a string, so that every input
//! goes through the one parser that Rust and Python use: the same defaults, the same checks and
//! the same error codes and paths. Outputs go the other way: written as JSON text by the core's
//! serde types and parsed by the engine's `JSON.parse` ([`to_js`]), so maps become plain objects
//! and 64-bit integers numbers, never `Map` or `BigInt`.

use risk_core::{ErrorCode, InputError, Methodology, Portfolio};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::error;

#[wasm_bindgen(module = "/src/to_json.js")]
extern "C" {
    /// `JSON.stringify` that rejects NaN and ±Infinity with the path of the value.
    #[wasm_bindgen(js_name = inputJsonText, catch)]
    fn input_json_text(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// The JSON text of an input given either as a JSON string or as an object.
///
/// `what` names the argument in error messages (`"document"`, `"methodology"`, …).
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String, InputError> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_object() {
        return match input_json_text(value) {
            Ok(text) => text.as_string().ok_or_else(|| {
                InputError::single(
                    ErrorCode::WrongType,
                    "",
                    format!("the {what} cannot be written as JSON"),
                )
            }),
            Err(cause) => Err(stringify_error(&cause, what)),
        };
    }
    Err(InputError::single(
        ErrorCode::WrongType,
        "",
        format!(
            "the {what} must be a JSON string or an object, not {}",
            type_name(value)
        ),
    ))
}

/// Why `inputJsonText` refused a value: a non-finite number (with its path), a cycle or a BigInt.
fn stringify_error(cause: &JsValue, what: &str) -> InputError {
    let message = cause
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "JSON.stringify failed".to_owned());
    let path = js_sys::Reflect::get(cause, &"path".into())
        .ok()
        .and_then(|p| p.as_string());
    match path {
        Some(path) => InputError::single(
            ErrorCode::InvalidNumber,
            path,
            format!("the {what} holds a number that is not finite: {message}"),
        ),
        None => InputError::single(
            ErrorCode::WrongType,
            "",
            format!("the {what} cannot be converted to JSON: {message}"),
        ),
    }
}

/// A portfolio document given as a JSON string or an object, parsed with its paths.
pub(crate) fn portfolio(value: &JsValue) -> Result<Portfolio, InputError> {
    portfolio_with_limits(value, &risk_core::Limits::default())
}

/// [`portfolio`] with explicit resource limits (the document's size in bytes is that of its
/// JSON text: the string given, or `JSON.stringify` of the object).
pub(crate) fn portfolio_with_limits(
    value: &JsValue,
    limits: &risk_core::Limits,
) -> Result<Portfolio, InputError> {
    risk_core::parse_portfolio_with_limits(&json_text(value, "document")?, limits)
}

/// The `limits` option: an object (or its JSON text) of some limits by name, read by the core
/// (`Limits::from_json`); the defaults when `undefined` or `null`.
pub(crate) fn limits(value: &JsValue) -> Result<risk_core::Limits, InputError> {
    if value.is_undefined() || value.is_null() {
        return Ok(risk_core::Limits::default());
    }
    let text = json_text(value, "limits").map_err(|e| e.under("limits"))?;
    risk_core::Limits::from_json(&text)
}

/// The methodology to use: the default one when the argument is `undefined` or `null`; a
/// string is JSON or TOML text (the core tells which), an object the JSON document.
pub(crate) fn methodology(value: &JsValue) -> Result<Methodology, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Methodology::default());
    }
    let text = json_text(value, "methodology").map_err(error::core)?;
    Methodology::from_str_auto(&text).map_err(error::core)
}

/// A serde value as a plain JavaScript value (objects, arrays, numbers, strings, booleans, null).
///
/// The value is written as JSON text once and parsed by the JavaScript engine's own
/// `JSON.parse`: one crossing of the boundary instead of one per value, which on the national
/// sample makes the objects route about as fast as the JSON text route (BENCHMARKS.md). Numbers
/// survive exactly (shortest round-trip digits); `None` is `null`, maps are objects.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| error::internal(&format!("could not build the result: {e}")))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| error::internal("could not build the result: JSON.parse refused it"))
}

/// A short description of a JavaScript value's type for messages.
fn type_name(value: &JsValue) -> String {
    if value.is_undefined() {
        "undefined".to_owned()
    } else if value.is_null() {
        "null".to_owned()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "an unknown value".to_owned())
    }
}

/// A string argument such as an organisation id; `what` is its name and error path.
pub(crate) fn string(value: &JsValue, what: &str) -> Result<String, InputError> {
    value.as_string().ok_or_else(|| {
        InputError::single(
            ErrorCode::WrongType,
            what,
            format!("`{what}` must be a string, not {}", type_name(value)),
        )
    })
}

/// A whole-number argument in `[0, 2^32)`, or `default` (the core's) when `undefined` or
/// `null`.
pub(crate) fn count(value: &JsValue, what: &str, default: usize) -> Result<usize, InputError> {
    if value.is_undefined() || value.is_null() {
        return Ok(default);
    }
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as usize),
        Some(n) => Err(InputError::single(
            ErrorCode::InvalidCount,
            what,
            format!(
                "`{what}` must be a whole number from 0 to {}, not {n}",
                u32::MAX
            ),
        )),
        None => Err(InputError::single(
            ErrorCode::WrongType,
            what,
            format!("`{what}` must be a number, not {}", type_name(value)),
        )),
    }
}

/// What-if actions given as an array of objects or as JSON text, with paths `actions[i].field`.
pub(crate) fn actions(value: &JsValue) -> Result<Vec<risk_core::Action>, InputError> {
    let text = json_text(value, "actions").map_err(|e| e.under("actions"))?;
    risk_core::parse_actions(&text)
}

/// Dates (`YYYY-MM-DD`) given as an array of strings or as JSON text, with paths `dates[i]`.
pub(crate) fn dates(value: &JsValue) -> Result<Vec<risk_core::Date>, InputError> {
    let text = json_text(value, "dates").map_err(|e| e.under("dates"))?;
    risk_core::parse::from_json_text::<Vec<risk_core::Date>>(&text).map_err(|e| e.under("dates"))
}

/// One date (`YYYY-MM-DD`) argument; `what` is its name and error path.
pub(crate) fn date(value: &JsValue, what: &str) -> Result<risk_core::Date, InputError> {
    let text = string(value, what)?;
    text.parse::<risk_core::Date>().map_err(|e| {
        InputError::single(
            ErrorCode::InvalidDate,
            what,
            format!("invalid date `{text}`: {e}"),
        )
    })
}

/// A sample configuration from `{organisations, seed, as_of}` (an object or JSON text; each field
/// optional), checked by the core, with paths `config.field`.
pub(crate) fn sample_config(
    value: &JsValue,
) -> Result<risk_core::sample::SampleConfig, InputError> {
    if value.is_undefined() || value.is_null() {
        return Ok(risk_core::sample::SampleConfig::default());
    }
    let text = json_text(value, "config").map_err(|e| e.under("config"))?;
    risk_core::sample::SampleConfig::from_json(&text).map_err(|e| e.under("config"))
}

/// A rating document (as `ratePortfolio` returns it), with paths under `rating`.
pub(crate) fn portfolio_rating(value: &JsValue) -> Result<risk_core::PortfolioRating, InputError> {
    let text = json_text(value, "rating").map_err(|e| e.under("rating"))?;
    risk_core::parse::from_json_text(&text).map_err(|e| e.under("rating"))
}

/// An optional rating document: `None` when `undefined` or `null`.
pub(crate) fn optional_rating(
    value: &JsValue,
) -> Result<Option<risk_core::PortfolioRating>, InputError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    portfolio_rating(value).map(Some)
}
