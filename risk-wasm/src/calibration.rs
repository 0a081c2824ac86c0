//! calibration-v1: `calibrate` and `evaluateCalibration`. The three documents go to the core as
//! their JSON text, so the report (its `data_digest` included) equals the Rust example
//! `calibrate --report` on the same files.

use wasm_bindgen::prelude::*;

use crate::{convert, error, install_panic_hook};

/// `{report, methodology}`: the report document (section 4.4) and the fitted methodology
/// document (null when evaluating or at level `none`).
fn run(
    document: &JsValue,
    incidents: &JsValue,
    config: &JsValue,
    methodology: &JsValue,
    fit: bool,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let methodology = convert::methodology(methodology)?;
    let text = |v: &JsValue, what: &str| {
        convert::json_text(v, what).map_err(|e| error::from_core(&e.into()))
    };
    let (p, i, c) = (
        text(document, "document")?,
        text(incidents, "incidents")?,
        text(config, "config")?,
    );
    let r = if fit {
        risk_core::calibration::calibrate_bytes(
            p.as_bytes(),
            i.as_bytes(),
            c.as_bytes(),
            &methodology,
        )
    } else {
        risk_core::calibration::evaluate_bytes(
            p.as_bytes(),
            i.as_bytes(),
            c.as_bytes(),
            &methodology,
        )
    }
    .map_err(|e| calibration_error(&e))?;
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"report".into(), &js_sys::JSON::parse(&r.to_json())?)?;
    let fitted = match &r.fitted_methodology {
        Some(m) => js_sys::JSON::parse(&m.to_json())?,
        None => JsValue::NULL,
    };
    js_sys::Reflect::set(&out, &"methodology".into(), &fitted)?;
    Ok(out.into())
}

/// A core error as a thrown `Error`; a calibration error also carries `category` and
/// `document` (`incidents`, `config` or `fit`).
fn calibration_error(e: &risk_core::Error) -> JsValue {
    let js = error::from_core(e);
    if let risk_core::Error::Calibration(c) = e {
        let _ = js_sys::Reflect::set(&js, &"category".into(), &c.category().into());
        let _ = js_sys::Reflect::set(&js, &"document".into(), &c.document().as_str().into());
    }
    js
}

/// Fit the methodology (default `nhs-caf-v1`) to incident records and report how well it
/// predicts them (calibration-v1): `{report, methodology}`, the report document of section 4.4
/// and the fitted methodology document (which `ratePortfolio` accepts). Each argument is a JSON
/// string or an object. Errors about the incident or configuration document or the fit have
/// `code` (= `category`), `document` and `path`.
#[wasm_bindgen]
pub fn calibrate(
    document: JsValue,
    incidents: JsValue,
    config: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    run(&document, &incidents, &config, &methodology, true)
}

/// The validation report (calibration-v1 section 4) of a methodology alone, without fitting:
/// `{report, methodology: null}`.
#[wasm_bindgen(js_name = evaluateCalibration)]
pub fn evaluate_calibration(
    document: JsValue,
    incidents: JsValue,
    config: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    run(&document, &incidents, &config, &methodology, false)
}
