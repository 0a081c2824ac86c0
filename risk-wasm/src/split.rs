//! The split rating (`rateInternal`, `rateFromInternal`) and evidence as long tables
//! (`tableSchema`, `portfolioFromTables`, `portfolioToTables`). Conversion only: every name,
//! type, check and error is `risk_core::rating::split`'s or `risk_core::input::tables`'s.

use wasm_bindgen::prelude::*;

use crate::{convert, error, input_error, inputs, install_panic_hook};

/// The per-organisation half of `ratePortfolio` (methodology sections 2–4 for each organisation
/// on its own): one plain object per organisation, in input order. Dependency edges are
/// ignored, so a worker holding only some organisations can rate them; the results can be
/// stored or sent as JSON and read back bit for bit.
#[wasm_bindgen(js_name = rateInternal)]
pub fn rate_internal(document: JsValue, methodology: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (portfolio, methodology) = inputs(&document, &methodology)?;
    let internal = risk_core::rate_internal(&portfolio, &methodology).map_err(error::core)?;
    convert::to_js(&internal)
}

/// The graph half of `ratePortfolio`: `graph` supplies the organisations, peer groups and
/// dependencies (its evidence is ignored), `internal` one `rateInternal` result per
/// organisation in any order (an array, or its JSON text). Every figure equals
/// `ratePortfolio`'s on the same document bit for bit; the rating has no `provenance` (the
/// graph half never sees the whole document). Throws with kind `split` (`missing_organisation`,
/// `unknown_organisation`, `duplicate_organisation`, `internal_mismatch`) when the results do
/// not fit the graph.
#[wasm_bindgen(js_name = rateFromInternal)]
pub fn rate_from_internal(
    graph: JsValue,
    internal: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let (graph, methodology) = inputs(&graph, &methodology)?;
    let text =
        convert::json_text(&internal, "internal").map_err(|e| input_error(e.under("internal")))?;
    let internal = risk_core::rating::split::parse_internal_array(&text).map_err(input_error)?;
    let rating =
        risk_core::rate_from_internal(&graph, &methodology, &internal).map_err(error::core)?;
    convert::to_js(&rating)
}

/// The long-table schema: `[{name, columns: [{name, type, required}]}]`, `type` one of
/// `"text"`, `"date"`, `"number"`, `"integer"`, `"flag"`.
#[wasm_bindgen(js_name = tableSchema)]
pub fn table_schema() -> Result<JsValue, JsValue> {
    install_panic_hook();
    convert::to_js(risk_core::input::tables::TABLES)
}

/// A portfolio document from long tables `{table: {column: [value, …]}}` (`null` for a missing
/// value; see `tableSchema`), checked against `methodology`. Errors name the table, row and
/// column (`metrics[17].successes`).
#[wasm_bindgen(js_name = portfolioFromTables)]
pub fn portfolio_from_tables(
    as_of: JsValue,
    tables: JsValue,
    methodology: JsValue,
) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let methodology = convert::methodology(&methodology)?;
    let as_of = convert::string(&as_of, "as_of").map_err(input_error)?;
    let text = convert::json_text(&tables, "tables").map_err(input_error)?;
    let tables = risk_core::input::tables::tables_from_json(&text).map_err(input_error)?;
    let portfolio =
        risk_core::input::tables::portfolio_from_tables_at(&as_of, &tables, &methodology)
            .map_err(input_error)?;
    convert::to_js(&portfolio)
}

/// The long tables of a portfolio document: `{table: {column: [value, …]}}`.
#[wasm_bindgen(js_name = portfolioToTables)]
pub fn portfolio_to_tables(document: JsValue) -> Result<JsValue, JsValue> {
    install_panic_hook();
    let portfolio = convert::portfolio(&document).map_err(input_error)?;
    convert::to_js(&risk_core::input::tables::portfolio_to_tables(&portfolio))
}
