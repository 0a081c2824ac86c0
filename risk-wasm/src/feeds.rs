//! Threat feeds: the CISA KEV catalogue and FIRST EPSS scores, and enriching a portfolio's
//! findings from them. The core parses and enriches; this module converts.

use std::sync::Arc;

use risk_core::feeds;
use wasm_bindgen::prelude::*;

use crate::{convert, error, install_panic_hook};

/// The CISA Known Exploited Vulnerabilities catalogue, indexed by CVE id (the JSON as CISA
/// publishes it; the library never fetches it). Release it with `free()`.
#[wasm_bindgen]
pub struct KevCatalog {
    inner: Arc<feeds::KevCatalog>,
}

#[wasm_bindgen]
impl KevCatalog {
    /// An empty catalogue (lists nothing, so `enrich` sets no `kev` from it).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> KevCatalog {
        install_panic_hook();
        KevCatalog {
            inner: Arc::default(),
        }
    }

    /// Parse the catalogue from its JSON text; throws with the feed error's code and path.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Result<KevCatalog, JsValue> {
        install_panic_hook();
        let inner = feeds::KevCatalog::from_json(text).map_err(error::core)?;
        Ok(KevCatalog {
            inner: Arc::new(inner),
        })
    }

    /// Number of CVEs listed.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// Whether the catalogue lists `cve`.
    pub fn has(&self, cve: &str) -> bool {
        self.inner.contains(cve)
    }

    /// What the catalogue says about itself: `catalog_version`, `date_released`,
    /// `stated_count`, `entries`.
    pub fn meta(&self) -> Result<JsValue, JsValue> {
        convert::to_js(self.inner.meta())
    }
}

/// A day's FIRST EPSS scores, indexed by CVE id (the CSV as FIRST publishes it, decompressed).
/// Release it with `free()`.
#[wasm_bindgen]
pub struct EpssScores {
    inner: Arc<feeds::EpssScores>,
}

#[wasm_bindgen]
impl EpssScores {
    /// No scores (so `enrich` sets no `epss` from them).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> EpssScores {
        install_panic_hook();
        EpssScores {
            inner: Arc::default(),
        }
    }

    /// Parse the EPSS CSV text; throws naming the line and field.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(text: &str) -> Result<EpssScores, JsValue> {
        install_panic_hook();
        let inner = feeds::EpssScores::from_csv(text).map_err(error::core)?;
        Ok(EpssScores {
            inner: Arc::new(inner),
        })
    }

    /// Number of rows.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// `{epss, percentile}` of a CVE, or `undefined`.
    pub fn get(&self, cve: &str) -> Result<JsValue, JsValue> {
        match self.inner.get(cve) {
            Some(s) => convert::to_js(&s),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// What the file says about itself: `model_version`, `score_date`, `rows`.
    pub fn meta(&self) -> Result<JsValue, JsValue> {
        convert::to_js(self.inner.meta())
    }
}

/// The result of `enrich`.
#[derive(serde::Serialize)]
struct Enriched<'a> {
    portfolio: &'a risk_core::Portfolio,
    report: &'a feeds::EnrichReport,
}

/// Set `kev` and `epss` on a portfolio's findings from the feeds, by CVE id: `{portfolio,
/// report}`, the enriched document and what was done. `kev: true` is never lowered; a stated
/// `epss` is kept unless `overwrite`. To use one feed only, pass an empty other one
/// (`new EpssScores()`): wasm-bindgen cannot take an optional borrowed object, and taking it by
/// value would free the caller's catalogue.
#[wasm_bindgen]
pub fn enrich(
    document: JsValue,
    kev: &KevCatalog,
    epss: &EpssScores,
    overwrite: Option<bool>,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let mut portfolio = convert::portfolio(&document).map_err(error::core)?;
    let report = feeds::enrich(
        &mut portfolio,
        Some(&*kev.inner),
        Some(&*epss.inner),
        overwrite.unwrap_or(false),
    );
    convert::to_js(&Enriched {
        portfolio: &portfolio,
        report: &report,
    })
}
