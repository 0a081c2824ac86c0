//! `system`: the correlated cascade simulation across groups (risk_core::system). Conversion
//! only.

use wasm_bindgen::prelude::*;

use crate::{convert, error, input_error, inputs, install_panic_hook};

/// Simulate the supply-chain cascade of a portfolio: per group (the organisations' `groups`)
/// and for the whole portfolio, the distribution of the number of members compromised at once,
/// P(≥ k) with and without correlation, supplier attribution, simulated marginals next to the
/// rated ones, and (with `options.losses`) group losses.
///
/// `options` is `{trials, seed, ks, attribution_k, suppliers, losses}` (each optional) or its
/// JSON text. With `organisation` and `actions` (as for `whatIf`) the changed portfolio is
/// simulated with the same seed, so the change in each group's tail is not noise.
#[wasm_bindgen]
pub fn system(
    document: JsValue,
    options: JsValue,
    organisation: JsValue,
    actions: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let options = if options.is_undefined() || options.is_null() {
        "{}".to_owned()
    } else {
        convert::json_text(&options, "options").map_err(input_error)?
    };
    let change = if organisation.is_undefined() || organisation.is_null() {
        None
    } else {
        let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
        let actions = if actions.is_undefined() || actions.is_null() {
            "[]".to_owned()
        } else {
            convert::json_text(&actions, "actions").map_err(input_error)?
        };
        Some((organisation, actions))
    };
    let report = risk_core::system::simulate_request(
        &portfolio,
        &methodology,
        &options,
        change.as_ref().map(|(o, a)| (o.as_str(), a.as_str())),
    )
    .map_err(|e| error::from_core(&e))?;
    convert::to_js(&report)
}
