//! WebAssembly bindings for riskrating: a thin wasm-bindgen layer over `risk-core`.
//!
//! This crate converts and maps errors; it computes nothing. Inputs are the shared snake_case
//! JSON documents, given as JSON strings or plain objects ([`convert`]); outputs are plain
//! objects; errors are real `Error` objects with `code`, `path` and `problems` ([`error`]).
//!
//! The npm package `riskrating` is built from this crate by `scripts/build-wasm.sh`; its
//! TypeScript types are in `risk-wasm/js/types.d.ts`.
#![forbid(unsafe_code)]

mod convert;
mod error;

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: panics are reported on the console with their
/// message and location instead of a bare `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The default methodology (`nhs-caf-v1`) as a document that `ratePortfolio` and the other
/// functions accept back.
#[wasm_bindgen(js_name = defaultMethodology)]
pub fn default_methodology() -> Result<JsValue, JsValue> {
    convert::to_js(risk_core::Methodology::default().doc())
}
