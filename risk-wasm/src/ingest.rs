//! Telemetry exports (OCSF events, Nessus v2 XML) in, evidence out, for the portal: the engine
//! (`risk_core::ingest`) reads and decides everything; this module converts.

use risk_core::Error;
use risk_core::feeds::KevCatalog;
use risk_core::ingest::{Format, IngestOptions, Source, ingest as core_ingest};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{convert, error, install_panic_hook};

#[derive(Serialize)]
struct Out<'a> {
    portfolio: &'a risk_core::Portfolio,
    report: &'a risk_core::ingest::IngestReport,
}

/// Export bytes: a string (its UTF-8) or a `Uint8Array`/`ArrayBuffer`.
fn bytes(value: &JsValue) -> Vec<u8> {
    if let Some(s) = value.as_string() {
        return s.into_bytes();
    }
    js_sys::Uint8Array::new(value).to_vec()
}

fn run(
    sources: Vec<(String, Option<Format>, Vec<u8>)>,
    options: &JsValue,
    kev: &JsValue,
) -> Result<JsValue, JsValue> {
    let text = convert::json_text(options, "ingest options")
        .map_err(|e| error::from_core(&Error::Input(e)))?;
    let mut options = IngestOptions::from_json(&text).map_err(|e| error::from_core(&e.into()))?;
    if !(kev.is_undefined() || kev.is_null()) {
        let k = convert::json_text(kev, "KEV catalogue")
            .map_err(|e| error::from_core(&Error::Input(e)))?;
        options.kev = Some(KevCatalog::from_json(&k).map_err(|e| error::from_core(&e.into()))?);
    }
    let src: Vec<Source<'_>> = sources
        .iter()
        .map(|(name, format, b)| Source {
            name,
            format: *format,
            bytes: b,
        })
        .collect();
    let out = core_ingest(&src, options).map_err(|e| error::from_core(&e))?;
    convert::to_js(&Out {
        portfolio: &out.portfolio,
        report: &out.report,
    })
}

/// Ingest OCSF 1.x events (a JSON array or JSON lines, as a string or bytes). `options` is
/// `{as_of, attribution, segmented_networks, compliance_assurance, limits}` (object or JSON);
/// `kev`, optional, a CISA KEV catalogue (object or JSON). Returns `{portfolio, report}`:
/// the evidence as a portfolio document and the ingest report. Throws an `Error` with `code`
/// and `path` for an export refused as a whole.
#[wasm_bindgen(js_name = ingestOcsf)]
pub fn ingest_ocsf(data: JsValue, options: JsValue, kev: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    run(
        vec![("ocsf".to_owned(), Some(Format::Ocsf), bytes(&data))],
        &options,
        &kev,
    )
}

/// Ingest a Nessus v2 (`.nessus`) export; as [`ingest_ocsf`].
#[wasm_bindgen(js_name = ingestNessus)]
pub fn ingest_nessus(data: JsValue, options: JsValue, kev: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    run(
        vec![("nessus".to_owned(), Some(Format::Nessus), bytes(&data))],
        &options,
        &kev,
    )
}

/// Ingest several exports at once (the portal's dropped files): `files` is an array of
/// `{name, data}` (`data` a string or bytes; the format is detected from the first bytes).
#[wasm_bindgen(js_name = ingestFiles)]
pub fn ingest_files(files: JsValue, options: JsValue, kev: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let arr = js_sys::Array::from(&files);
    let mut sources = Vec::new();
    for f in arr.iter() {
        let name = js_sys::Reflect::get(&f, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let data = js_sys::Reflect::get(&f, &"data".into()).unwrap_or(JsValue::UNDEFINED);
        sources.push((name, None, bytes(&data)));
    }
    run(sources, &options, &kev)
}

/// `document` with the evidence of an ingest (the `portfolio` that `ingestFiles` returns, or any
/// evidence document) appended to the organisations of the same id, an organisation it lacks
/// added; `as_of` stays the document's (`risk_core::ingest::merge_evidence`; Rust
/// `Ingested::merge_into`, Python `Ingested.merge_into`). Both are checked as portfolio
/// documents (an `Error` with `problems` otherwise); the result is not, so rating it reports a
/// finding id that both hold.
#[wasm_bindgen(js_name = mergeEvidence)]
pub fn merge_evidence(document: JsValue, evidence: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let base = convert::portfolio(&document).map_err(error::core)?;
    let evidence = convert::portfolio(&evidence).map_err(error::core)?;
    convert::to_js(&risk_core::ingest::merge_evidence(&base, &evidence))
}
