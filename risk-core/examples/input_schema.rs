//! Print the JSON Schema of the portfolio input document (methodology section 1).
//!
//! `cargo run -p risk-core --features schema --example input_schema > portfolio.schema.json`
//!
//! The schema is generated from the Rust document types, so it cannot drift from what the parser
//! accepts structurally. It states the form only: checks that need the whole document or the
//! methodology (unique ids, known suppliers and metrics, mapped controls, a valid CVSS vector,
//! `successes <= trials`, dates that exist) are made by `validate`.

fn main() {
    let mut schema = schemars::schema_for!(risk_core::Portfolio);
    schema.insert(
        "$id".to_owned(),
        "https://example.invalid/riskrating/portfolio.schema.json".into(),
    );
    schema.insert("title".to_owned(), "riskrating portfolio document".into());
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("a schema always serialises")
    );
}
