//! WebAssembly bindings for riskrating: a thin wasm-bindgen layer over `risk-core`.
//!
//! This crate converts and maps errors; it computes nothing. Inputs are the shared snake_case
//! JSON documents, given as JSON strings or plain objects ([`convert`]); outputs are plain
//! objects; errors are real `Error` objects with `code`, `path` and `problems` ([`error`]).
//!
//! The npm package `riskrating` is built from this crate by `scripts/build-wasm.sh`; its
//! TypeScript types are in `risk-wasm/js/types.d.ts`.
#![forbid(unsafe_code)]

mod calibration;
mod convert;
mod error;
mod feeds;
mod ingest;
mod split;
mod system;
pub use system::system;

use wasm_bindgen::prelude::*;

/// Installs the panic hook, once per instance; every export calls it first.
///
/// `wasm32-unknown-unknown` cannot unwind, so a panic (a bug in this library) aborts the call
/// with the Rust stack and allocator left as they were. The hook reports the panic on the
/// console, asks wasm-bindgen to replace the instance with a fresh one before the next call (so
/// the module stays usable), and throws an `Error` with code `internal_error` to the caller
/// instead of a bare `RuntimeError: unreachable`. (Not a `#[wasm_bindgen(start)]` function, which
/// would be exported to JavaScript as `start`.)
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            wasm_bindgen::handler::schedule_reinit();
            wasm_bindgen::throw_val(error::internal(&format!(
                "riskrating internal error (please report it): {info}; the module has been reset"
            )));
        }));
    });
}

/// Panics on purpose. Only in builds with the `panic-test` feature (never in the package), which
/// the tests use to check that a panic throws an `internal_error` and the next call works.
#[cfg(feature = "panic-test")]
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test() {
    install_panic_hook();
    panic!("deliberate panic (panic-test build)");
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    install_panic_hook();
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every error code the engine can report, sorted: the values of `RiskRatingError.code` (and
/// of the TypeScript `ErrorCode` union, which the tests check against this list).
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<String> {
    install_panic_hook();
    risk_core::error::error_codes()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Load and check a methodology from JSON text; returns its document (what every function's
/// `methodology` argument accepts). Throws with code `invalid_methodology` naming each field.
#[wasm_bindgen(js_name = methodologyFromJson)]
pub fn methodology_from_json(text: &str) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let m = risk_core::Methodology::from_str_format(text, risk_core::MethodologyFormat::Json)
        .map_err(error::core)?;
    convert::to_js(m.doc())
}

/// Load and check a methodology from TOML text; returns its (JSON) document.
#[wasm_bindgen(js_name = methodologyFromToml)]
pub fn methodology_from_toml(text: &str) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let m = risk_core::Methodology::from_str_format(text, risk_core::MethodologyFormat::Toml)
        .map_err(error::core)?;
    convert::to_js(m.doc())
}

/// The default methodology (`nhs-caf-v1`) as a document that `ratePortfolio` and the other
/// functions accept back.
#[wasm_bindgen(js_name = defaultMethodology)]
pub fn default_methodology() -> Result<JsValue, JsValue> {
    install_panic_hook();
    convert::to_js(risk_core::Methodology::default().doc())
}

/// Where a methodology's probabilities come from, as every person-facing view must say
/// (calibration-v1 section 3.6): `"expert judgement — not fitted to incident data"`, or the fit
/// its `calibration` block records. `methodology` as for `ratePortfolio` (default when null).
#[wasm_bindgen(js_name = methodologyLabel)]
pub fn methodology_label(methodology: JsValue) -> Result<String, JsValue> {
    install_panic_hook();
    Ok(convert::methodology(&methodology)?.provenance_label())
}

/// The document and methodology arguments of a call, converted (the default methodology when
/// `methodology` is null or undefined).
fn inputs(
    document: &JsValue,
    methodology: &JsValue,
) -> Result<(risk_core::Portfolio, risk_core::Methodology), JsValue> {
    let methodology = convert::methodology(methodology)?;
    let portfolio = convert::portfolio(document).map_err(input_error)?;
    Ok((portfolio, methodology))
}

/// [`inputs`] with the `limits` option: the limits, then the document parsed under them.
fn inputs_with_limits(
    document: &JsValue,
    methodology: &JsValue,
    limits: &JsValue,
) -> Result<
    (
        risk_core::Portfolio,
        risk_core::Methodology,
        risk_core::Limits,
    ),
    JsValue,
> {
    let methodology = convert::methodology(methodology)?;
    let limits = convert::limits(limits).map_err(input_error)?;
    let portfolio = convert::portfolio_with_limits(document, &limits).map_err(input_error)?;
    Ok((portfolio, methodology, limits))
}

/// The resource limits every document is checked against by default, by name (what the
/// `limits` option of `ratePortfolio`, `validate` and `PreparedPortfolio` overrides in part).
#[wasm_bindgen(js_name = defaultLimits)]
pub fn default_limits() -> Result<JsValue, JsValue> {
    install_panic_hook();
    convert::to_js(&risk_core::Limits::default())
}

/// Rate a portfolio document (methodology sections 1–7): the output document of section 6.1.
///
/// `document` and `methodology` are JSON strings or objects; without a methodology the default
/// one is used. `limits`, optional, overrides some of the resource limits by name
/// (`{max_items_per_list: 5000000}`; see `defaultLimits()`). Throws an `Error` with `code`,
/// `path` and every `problems` entry when the document is rejected (`limit_exceeded` at the
/// path of a limit exceeded).
#[wasm_bindgen(js_name = ratePortfolio)]
pub fn rate_portfolio(
    document: JsValue,
    methodology: JsValue,
    limits: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology, limits) = inputs_with_limits(&document, &methodology, &limits)?;
    let rating =
        risk_core::rate_with_limits(&portfolio, &methodology, &limits).map_err(error::core)?;
    convert::to_js(&rating)
}

/// Rate a portfolio document and return the output document as JSON text — the same document
/// as [`rate_portfolio`], byte for byte the Rust example's `--json`. For large portfolios this
/// is the faster route: building the result objects with `JSON.parse` is quicker than creating
/// them one by one across the WASM boundary.
#[wasm_bindgen(js_name = ratePortfolioJson)]
pub fn rate_portfolio_json(
    document: JsValue,
    methodology: JsValue,
    limits: JsValue,
) -> Result<String, JsValue> {
    install_panic_hook();
    let (portfolio, methodology, limits) = inputs_with_limits(&document, &methodology, &limits)?;
    let rating =
        risk_core::rate_with_limits(&portfolio, &methodology, &limits).map_err(error::core)?;
    convert::js_string(rating.to_json(), "ratePortfolio")
}

/// Check a portfolio document without rating it, for form validation.
///
/// Returns `{ok, errors, omitted}`: `errors` lists every problem as `{code, path, message}` in
/// document order (structural problems such as malformed JSON or a wrong type stop the check at
/// the first one); `omitted` counts problems beyond the listed ones (a limit exceeded is one,
/// `limit_exceeded`). Only an invalid `methodology` or `limits` argument throws.
#[wasm_bindgen]
pub fn validate(
    document: JsValue,
    methodology: JsValue,
    limits: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let methodology = convert::methodology(&methodology)?;
    let limits = convert::limits(&limits).map_err(input_error)?;
    let checked = convert::portfolio_with_limits(&document, &limits).and_then(|portfolio| {
        risk_core::validate_with_limits(&portfolio, &methodology, &limits).map(drop)
    });
    let report = match checked {
        Ok(()) => ValidationReport {
            ok: true,
            errors: Vec::new(),
            omitted: 0,
        },
        Err(e) => {
            let e = risk_core::Error::from(e);
            ValidationReport {
                ok: false,
                errors: e.problems(),
                omitted: e.omitted(),
            }
        }
    };
    convert::to_js(&report)
}

/// What `validate` returns: the problems in the shape every thrown error's `problems` has.
#[derive(serde::Serialize)]
struct ValidationReport {
    ok: bool,
    errors: Vec<risk_core::error::ErrorProblem>,
    omitted: usize,
}

/// Apply what-if actions to one organisation and re-rate the whole portfolio (methodology
/// section 8): its new rating, the score delta and the dependants whose score changed.
///
/// `actions` is an array of `{action: "set_assessment" | "resolve_finding" | "set_metric" |
/// "remove_dependency" | "set_dependency_access", …}` objects or its JSON text; errors name `actions[i].field`.
#[wasm_bindgen(js_name = whatIf)]
pub fn what_if(
    document: JsValue,
    organisation: JsValue,
    actions: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
    let actions = convert::actions(&actions).map_err(input_error)?;
    let result = risk_core::what_if(&portfolio, &methodology, &organisation, &actions)
        .map_err(error::core)?;
    convert::to_js(&result)
}

/// The improvement plan for one organisation (methodology section 8): the `k` actions (the
/// core's `DEFAULT_PLAN_STEPS`, 5, when omitted) that raise its score most, each with its own gain, and the score with all of them.
#[wasm_bindgen]
pub fn plan(
    document: JsValue,
    organisation: JsValue,
    k: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
    let k =
        convert::count(&k, "k", risk_core::decision::DEFAULT_PLAN_STEPS).map_err(input_error)?;
    let result =
        risk_core::plan(&portfolio, &methodology, &organisation, k).map_err(error::core)?;
    convert::to_js(&result)
}

/// The portfolio rated at each of `dates` (`YYYY-MM-DD` strings; evidence dated after each date
/// is left out): one series of points per organisation.
#[wasm_bindgen]
pub fn history(
    document: JsValue,
    dates: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let dates = convert::dates(&dates).map_err(input_error)?;
    let result = risk_core::history(&portfolio, &methodology, &dates).map_err(error::core)?;
    convert::to_js(&result)
}

fn input_error(error: risk_core::InputError) -> JsValue {
    error::core(error)
}

/// What changed in one organisation's rating between two dates (`YYYY-MM-DD`): the score change
/// broken down by factor, through suppliers and their interaction, and the evidence items that
/// entered, left or decayed most.
#[wasm_bindgen]
pub fn change(
    document: JsValue,
    organisation: JsValue,
    start: JsValue,
    end: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let prepared = risk_core::validate(&portfolio, &methodology).map_err(input_error)?;
    PreparedPortfolio { prepared }.change(organisation, start, end)
}

/// A deterministic sample portfolio shaped like the health and care system in England (every
/// organisation invented), as a document the other functions accept.
///
/// `config` is `{organisations, seed, as_of}`, each optional (300 organisations, seed 42,
/// 2025-09-30); the same configuration gives the same document here, in Rust and in Python.
#[wasm_bindgen(js_name = samplePortfolio)]
pub fn sample_portfolio(config: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let config = convert::sample_config(&config).map_err(input_error)?;
    convert::to_js(&risk_core::sample::checked_sample_portfolio(&config).map_err(input_error)?)
}

/// A portfolio parsed and checked once, kept in the module, then rated, changed (what-if),
/// planned and rated over time without parsing or checking it again: what a portal re-rating on
/// every tick wants. Call `free()` when done with it (or let the garbage collector do it).
#[wasm_bindgen(js_name = PreparedPortfolio)]
pub struct PreparedPortfolio {
    prepared: risk_core::Prepared,
}

#[wasm_bindgen(js_class = PreparedPortfolio)]
impl PreparedPortfolio {
    /// Parse and check a document under `limits` (optional, as for `ratePortfolio`); throws
    /// like `ratePortfolio` when it is rejected.
    #[wasm_bindgen(constructor)]
    pub fn new(
        document: JsValue,
        methodology: JsValue,
        limits: JsValue,
    ) -> Result<PreparedPortfolio, JsValue> {
        install_panic_hook();
        let (portfolio, methodology, limits) =
            inputs_with_limits(&document, &methodology, &limits)?;
        let prepared = risk_core::validate_with_limits(&portfolio, &methodology, &limits)
            .map_err(input_error)?;
        Ok(PreparedPortfolio { prepared })
    }

    /// The rating of the portfolio, as `ratePortfolio` gives it.
    pub fn rate(&self) -> Result<JsValue, JsValue> {
        install_panic_hook();
        convert::to_js(&self.prepared.rate())
    }

    /// As `whatIf`, without re-checking the document.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(&self, organisation: JsValue, actions: JsValue) -> Result<JsValue, JsValue> {
        install_panic_hook();
        let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
        let actions = convert::actions(&actions).map_err(input_error)?;
        let result = self
            .prepared
            .what_if(&organisation, &actions)
            .map_err(input_error)?;
        convert::to_js(&result)
    }

    /// As `plan`, without re-checking the document.
    pub fn plan(&self, organisation: JsValue, k: JsValue) -> Result<JsValue, JsValue> {
        install_panic_hook();
        let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
        let k = convert::count(&k, "k", risk_core::decision::DEFAULT_PLAN_STEPS)
            .map_err(input_error)?;
        let result = self.prepared.plan(&organisation, k).map_err(input_error)?;
        convert::to_js(&result)
    }

    /// As `history`, without re-checking the document.
    pub fn history(&self, dates: JsValue) -> Result<JsValue, JsValue> {
        install_panic_hook();
        let dates = convert::dates(&dates).map_err(input_error)?;
        convert::to_js(&self.prepared.history(&dates))
    }

    /// As `change`, without re-checking the document.
    pub fn change(
        &self,
        organisation: JsValue,
        start: JsValue,
        end: JsValue,
    ) -> Result<JsValue, JsValue> {
        install_panic_hook();
        let organisation = convert::string(&organisation, "organisation").map_err(input_error)?;
        let start = convert::date(&start, "start").map_err(input_error)?;
        let end = convert::date(&end, "end").map_err(input_error)?;
        let result = self
            .prepared
            .change(&organisation, start, end)
            .map_err(input_error)?;
        convert::to_js(&result)
    }
}

/// Simulate annual losses in money (Open FAIR-style Monte Carlo, methodology's `quant` module):
/// the report with mean, percentiles, VaR/TVaR, exceedance probabilities and the loss
/// exceedance curve, in total, per scenario and per organisation.
///
/// `input` is the simulation document (`{trials, seed, mode, scenarios, ratings, report}`), an
/// object or JSON text. `rating`, optional, is a `ratePortfolio` result: scenarios whose
/// frequency is `{from_rating: id}` then take that organisation's rated probability and interval
/// (over any given in `input.ratings`). The same input and seed give the same figures as Rust and
/// Python.
#[wasm_bindgen]
pub fn simulate(input: JsValue, rating: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let text = convert::json_text(&input, "simulation input").map_err(input_error)?;
    let rating = convert::optional_rating(&rating).map_err(input_error)?;
    let report =
        risk_core::quant::simulate_json_rated(&text, rating.as_ref()).map_err(error::core)?;
    convert::to_js(&report)
}

/// One piece of `simulate` split by scenario, for Web Workers (as the Python binding splits it
/// across Spark executors): the losses per trial of the scenarios at `indices` (positions in
/// `input.scenarios`), one `Float64Array` each, from the same random streams as the whole run.
/// `input` and `rating` as for `simulate`. Put the pieces together, in scenario order, with
/// `simulationFromScenarios`: the report equals `simulate`'s bit for bit.
#[wasm_bindgen(js_name = simulateScenarios)]
pub fn simulate_scenarios(
    input: JsValue,
    indices: JsValue,
    rating: JsValue,
) -> Result<js_sys::Array, JsValue> {
    install_panic_hook();
    let text = convert::json_text(&input, "simulation input").map_err(input_error)?;
    let indices = convert::positions(&indices, "indices").map_err(input_error)?;
    let rating = convert::optional_rating(&rating).map_err(input_error)?;
    let parts = risk_core::quant::simulate_scenarios_json_rated(&text, rating.as_ref(), &indices)
        .map_err(error::core)?;
    Ok(parts
        .iter()
        .map(|v| js_sys::Float64Array::from(v.as_slice()))
        .collect())
}

/// The `simulate` report from every scenario's losses per trial, in scenario order (the pieces
/// of `simulateScenarios` put together): equal to `simulate(input, rating)` bit for bit.
#[wasm_bindgen(js_name = simulationFromScenarios)]
pub fn simulation_from_scenarios(
    input: JsValue,
    losses: JsValue,
    rating: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let text = convert::json_text(&input, "simulation input").map_err(input_error)?;
    let losses = convert::loss_vectors(&losses, "losses").map_err(input_error)?;
    let rating = convert::optional_rating(&rating).map_err(input_error)?;
    let report = risk_core::quant::report_from_scenarios_json_rated(&text, rating.as_ref(), losses)
        .map_err(error::core)?;
    convert::to_js(&report)
}

/// The methodology change notice (methodology section 12): every organisation's score and band
/// under `oldMethodology` and `newMethodology` (JSON strings or objects; null or undefined means
/// the default), the change, and its exact Shapley parts over the methodology file's score
/// groups (2^G ratings for the G groups that differ).
#[wasm_bindgen(js_name = compareMethodologies)]
pub fn compare_methodologies(
    document: JsValue,
    old_methodology: JsValue,
    new_methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, old) = inputs(&document, &old_methodology)?;
    let new = convert::methodology(&new_methodology)?;
    let result = risk_core::compare_methodologies(&portfolio, &old, &new)
        .map_err(|e| error::from_core(&e))?;
    convert::to_js(&result)
}
