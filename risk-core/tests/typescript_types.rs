//! The shipped TypeScript declarations (`risk-wasm/js/types.d.ts`) agree with the Rust types:
//! every string union of the input document is the set of values the Rust enumeration accepts,
//! every input interface has exactly the Rust type's fields (optional exactly where the Rust
//! field may be absent), and `ErrorCode` is the engine's list of codes.
//!
//! How: the Rust side comes from the schemars JSON Schema of the types (feature `schema`, the
//! same schema the npm package ships as `portfolio.schema.json`), read at test time; the
//! TypeScript side is read from the `.d.ts` text. Why the schema rather than generating the
//! whole `.d.ts` with tsify or ts-rs: the schema derive already exists on the document types and
//! is shipped, so no second derive has to be added to every type, and the hand-written
//! declarations keep their documentation. Output types (whose shape is fixed by the vectors) are
//! not covered yet. Run with `cargo test -p risk-core --features schema --test typescript_types`
//! (scripts/test-wasm.sh does).
#![cfg(feature = "schema")]

use std::collections::BTreeSet;

use serde_json::Value;

fn dts() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../risk-wasm/js/types.d.ts");
    std::fs::read_to_string(path).expect("risk-wasm/js/types.d.ts")
}

/// The string literals of `export type NAME = "a" | "b";`.
fn ts_union(dts: &str, name: &str) -> BTreeSet<String> {
    let start = dts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("types.d.ts has no `export type {name}`"));
    let body = &dts[start..];
    let body = &body[..body.find(';').expect("a type alias ends with `;`")];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The fields of `export interface NAME { … }`: name → optional (`?`).
fn ts_fields(dts: &str, name: &str) -> BTreeSet<(String, bool)> {
    let start = dts
        .find(&format!("export interface {name} {{"))
        .unwrap_or_else(|| panic!("types.d.ts has no `export interface {name}`"));
    let body = &dts[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    let mut fields = BTreeSet::new();
    let mut in_comment = false;
    for line in body.lines().map(str::trim) {
        if line.starts_with("/**") {
            in_comment = !line.ends_with("*/");
            continue;
        }
        if in_comment {
            in_comment = !line.ends_with("*/");
            continue;
        }
        if let Some((field, _)) = line.split_once(':') {
            let optional = field.ends_with('?');
            fields.insert((field.trim_end_matches('?').to_owned(), optional));
        }
    }
    fields
}

/// Every string a schema allows: its `enum` values and `const`s (in `oneOf` when variants are
/// documented).
fn schema_strings(schema: &Value, out: &mut BTreeSet<String>) {
    if let Value::Object(map) = schema {
        if let Some(Value::Array(values)) = map.get("enum") {
            out.extend(values.iter().filter_map(|v| v.as_str().map(str::to_owned)));
        }
        if let Some(Value::String(c)) = map.get("const") {
            out.insert(c.clone());
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                parts.iter().for_each(|p| schema_strings(p, out));
            }
        }
    }
}

fn schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap()
}

fn rust_union<T: schemars::JsonSchema>() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    schema_strings(&schema::<T>(), &mut out);
    assert!(!out.is_empty(), "no string values in the schema");
    out
}

/// Field name → optional, from the schema's `properties` and `required`.
fn rust_fields<T: schemars::JsonSchema>() -> BTreeSet<(String, bool)> {
    let s = schema::<T>();
    let required: BTreeSet<&str> = s["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    s["properties"]
        .as_object()
        .expect("an object schema")
        .keys()
        .map(|k| (k.clone(), !required.contains(k.as_str())))
        .collect()
}

#[test]
fn string_unions_are_the_rust_enumerations() {
    use risk_core::document::*;
    let dts = dts();
    let cases = [
        ("Outcome", rust_union::<Outcome>()),
        ("Assurance", rust_union::<Assurance>()),
        ("FindingKind", rust_union::<FindingKind>()),
        ("AssetCriticality", rust_union::<AssetCriticality>()),
        ("Criticality", rust_union::<Criticality>()),
        ("Access", rust_union::<Access>()),
        ("DsptStatus", rust_union::<DsptStatus>()),
    ];
    for (name, rust) in cases {
        assert_eq!(ts_union(&dts, name), rust, "types.d.ts `{name}`");
    }
}

#[test]
fn input_interfaces_have_the_rust_fields() {
    use risk_core::document::*;
    let dts = dts();
    let cases = [
        ("Portfolio", rust_fields::<Portfolio>()),
        ("Organisation", rust_fields::<Organisation>()),
        ("Assessment", rust_fields::<Assessment>()),
        ("MetricObservation", rust_fields::<MetricObservation>()),
        ("Finding", rust_fields::<Finding>()),
        ("Dependency", rust_fields::<Dependency>()),
        ("Attestation", rust_fields::<Attestation>()),
        // The split rating's per-organisation half, an input of `rateFromInternal`.
        ("InternalRating", rust_fields::<risk_core::InternalRating>()),
        ("InternalFactor", rust_fields::<risk_core::InternalFactor>()),
        ("InternalItem", rust_fields::<risk_core::InternalItem>()),
    ];
    for (name, rust) in cases {
        assert_eq!(ts_fields(&dts, name), rust, "types.d.ts `{name}`");
    }
}

#[test]
fn error_code_union_is_the_engines_list() {
    let rust: BTreeSet<String> = risk_core::error::error_codes()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(ts_union(&dts(), "ErrorCode"), rust);
}

#[test]
fn bands_are_strings_not_a_fixed_union() {
    // Bands are methodology data: a custom methodology names its own.
    assert!(dts().contains("export type Band = string;"));
}
