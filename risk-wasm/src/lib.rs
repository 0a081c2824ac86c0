//! WebAssembly bindings for riskrating: a thin wasm-bindgen layer over `risk-core`.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
