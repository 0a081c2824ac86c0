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
/// survive exactly (shortest round-trip digits); `None` is `null`, maps are objects. Text longer
/// than [`ONE_PARSE`] is built in pieces ([`build`]).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| error::internal(&format!("could not build the result: {e}")))?;
    build(&text, ONE_PARSE)
}

/// The most UTF-16 units a JavaScript string holds in V8 (Node, Chromium): 2^29 − 24.
const MAX_JS_STRING: usize = (1 << 29) - 24;

/// Text returned as a JavaScript string, or a `limit_exceeded` error (not the JavaScript
/// engine's own `ERR_STRING_TOO_LONG` from the glue code) when no JavaScript string can hold
/// it; `objects` names the function that returns the same document as objects, built in pieces.
pub(crate) fn js_string(text: String, objects: &str) -> Result<String, JsValue> {
    // UTF-8 never takes fewer bytes than UTF-16 takes units, so most texts need no count.
    if text.len() <= MAX_JS_STRING || text.encode_utf16().count() <= MAX_JS_STRING {
        return Ok(text);
    }
    Err(error::core(InputError::single(
        ErrorCode::LimitExceeded,
        "",
        format!(
            "the result is {} bytes of JSON, more than a JavaScript string holds \
             ({MAX_JS_STRING} characters): use {objects}, which builds it as objects",
            text.len()
        ),
    )))
}

/// The longest JSON text given to one `JSON.parse` (bytes). A JavaScript string holds at most
/// 2^29 − 24 UTF-16 units in V8 (Node, Chromium), so the result for a million organisations
/// cannot be parsed in one piece. Below this size one `JSON.parse` is fastest (splitting the
/// national sample's result into pieces cost about 0.4 s of 3.3 s). The test build
/// (`panic-test`) uses 64 KiB pieces, so that the Node tests build small results in pieces too.
const ONE_PARSE: usize = if cfg!(feature = "panic-test") {
    64 << 10
} else {
    256 << 20
};

fn parse(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
        .map_err(|_| error::internal("could not build the result: JSON.parse refused it"))
}

fn malformed(e: &serde_json::Error) -> JsValue {
    error::internal(&format!("could not build the result: {e}"))
}

/// The members of a JSON object in the order written: keys and their values' text.
struct Members<'a>(Vec<(String, &'a serde_json::value::RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Members<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some(entry) =
                    map.next_entry::<String, &'de serde_json::value::RawValue>()?
                {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// JSON text as a JavaScript value, `JSON.parse` on pieces of at most `limit` bytes: an array
/// or object longer than that is built from its members, consecutive array items parsed
/// together. What `JSON.parse` of the whole text would give (an object's keys in the order
/// written, `__proto__` an own property: the object is parsed from a skeleton of its keys, then
/// its values are set).
fn build(text: &str, limit: usize) -> Result<JsValue, JsValue> {
    if text.len() <= limit {
        return parse(text);
    }
    match text.as_bytes().first() {
        Some(b'[') => {
            let items: Vec<&serde_json::value::RawValue> =
                serde_json::from_str(text).map_err(|e| malformed(&e))?;
            let out = js_sys::Array::new_with_length(0);
            let offset = |item: &str| item.as_ptr() as usize - text.as_ptr() as usize;
            let mut i = 0;
            while i < items.len() {
                let first = items[i].get();
                if first.len() > limit {
                    out.push(&build(first, limit)?);
                    i += 1;
                    continue;
                }
                // Items are written one after another, separated by commas: a run of them is one
                // slice of the text.
                let start = offset(first);
                let mut end = start + first.len();
                let mut j = i + 1;
                while let Some(next) = items.get(j).map(|v| v.get()) {
                    let next_end = offset(next) + next.len();
                    if next_end - start + 2 > limit {
                        break;
                    }
                    end = next_end;
                    j += 1;
                }
                let mut run = String::with_capacity(end - start + 2);
                run.push('[');
                run.push_str(&text[start..end]);
                run.push(']');
                let parsed: js_sys::Array = parse(&run)?.unchecked_into();
                for k in 0..parsed.length() {
                    out.push(&parsed.get(k));
                }
                i = j;
            }
            Ok(out.into())
        }
        Some(b'{') => {
            let members: Members<'_> = serde_json::from_str(text).map_err(|e| malformed(&e))?;
            let mut skeleton = String::from("{");
            for (n, (key, _)) in members.0.iter().enumerate() {
                if n > 0 {
                    skeleton.push(',');
                }
                skeleton.push_str(&serde_json::to_string(key).map_err(|e| malformed(&e))?);
                skeleton.push_str(":0");
            }
            skeleton.push('}');
            let out = parse(&skeleton)?;
            for (key, value) in &members.0 {
                js_sys::Reflect::set(&out, &JsValue::from_str(key), &build(value.get(), limit)?)?;
            }
            Ok(out)
        }
        _ => parse(text),
    }
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

/// A list of scenario positions (`simulateScenarios`): an array (or typed array) of whole
/// numbers, paths `what[k]`.
pub(crate) fn positions(value: &JsValue, what: &str) -> Result<Vec<usize>, InputError> {
    let items = array_like(value, what)?;
    (0..items.length())
        .map(|k| {
            let item = items.get(k);
            let path = format!("{what}[{k}]");
            if item.is_undefined() || item.is_null() {
                return Err(InputError::single(
                    ErrorCode::WrongType,
                    &path,
                    format!("`{path}` must be a number, not {}", type_name(&item)),
                ));
            }
            count(&item, &path, 0)
        })
        .collect()
}

/// Losses per trial for each scenario (`simulationFromScenarios`): an array of `Float64Array`s
/// (what `simulateScenarios` returns) or of arrays of numbers, paths `what[i]` and `what[i][t]`.
pub(crate) fn loss_vectors(value: &JsValue, what: &str) -> Result<Vec<Vec<f64>>, InputError> {
    let items = array_like(value, what)?;
    (0..items.length())
        .map(|i| {
            let item = items.get(i);
            let path = format!("{what}[{i}]");
            if let Some(typed) = item.dyn_ref::<js_sys::Float64Array>() {
                return Ok(typed.to_vec());
            }
            let numbers = array_like(&item, &path)?;
            (0..numbers.length())
                .map(|t| {
                    let x = numbers.get(t);
                    x.as_f64().ok_or_else(|| {
                        InputError::single(
                            ErrorCode::WrongType,
                            format!("{path}[{t}]"),
                            format!("`{path}[{t}]` must be a number, not {}", type_name(&x)),
                        )
                    })
                })
                .collect()
        })
        .collect()
}

/// An array or typed array as a JavaScript `Array`; anything else is `wrong_type` at `what`.
fn array_like(value: &JsValue, what: &str) -> Result<js_sys::Array, InputError> {
    if js_sys::Array::is_array(value)
        || value.is_instance_of::<js_sys::Object>() && js_sys::ArrayBuffer::is_view(value)
    {
        Ok(js_sys::Array::from(value))
    } else {
        Err(InputError::single(
            ErrorCode::WrongType,
            what,
            format!("`{what}` must be an array, not {}", type_name(value)),
        ))
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
