//! The shipped TypeScript declarations (`risk-wasm/js/types.d.ts`) agree with the Rust types.
//!
//! Every `export interface` and `export type` of the `.d.ts` is either mapped to its Rust type in
//! [`checked`] (the table is the coverage) or listed in [`TS_ONLY`] with the reason it has none;
//! [`every_declaration_is_checked_or_listed`] fails on a new declaration in neither, so nothing
//! is added unchecked. For each mapped declaration, [`every_declaration_is_its_rust_type`]
//! compares, recursively (through nested interfaces, aliases and inline object types): the field
//! names exactly; optional (`?`) exactly where the Rust field may be absent; and the field's type
//! (string, number, boolean, `true`, null, string-literal union, array, tuple, `Record`, object).
//! Input types (the portfolio document, the methodology, option bags) are compared with what the
//! engine reads (serde deserialisation: a field with a default is optional, an `Option` may be
//! `null`); output types (the rating, what-if, plan, history, change, loss simulation, system
//! view, methodology comparison, calibration report, ingest and enrich reports, feed metadata,
//! the split rating) with what it writes (serialisation: a field is optional exactly when it is
//! skipped, and a skipped `None` is never `null`). `ErrorCode` is compared with the engine's list
//! of codes. Methodology-defined values (bands, factor ids, metric names) are `string` on both
//! sides, never fixed unions.
//!
//! How: the Rust side is the schemars JSON Schema of the types (feature `schema`; the input
//! document's schema is also shipped as `portfolio.schema.json`), generated at test time and
//! honouring the serde attributes (rename, tag, flatten, default, skip_serializing_if); the
//! TypeScript side is parsed from the `.d.ts` text by the small reader below; both are reduced
//! to a JSON [`Shape`] and compared, each difference reported by its path
//! (`PortfolioRating.ratings[].stale: …`).
//!
//! Why checked rather than generated (tsify, ts-rs, or from the schema): the schema derive is
//! one `cfg_attr` per type behind a feature that is off in every shipped build, so no second
//! derive or build step is added; and the hand-written declarations keep what a generator would
//! lose: their documentation, their grouping, and the places where TypeScript says more than the
//! serde type (`ErrorCode` as a union, `Json<T>` arguments, the classes). The cost is that the
//! reader below supports only the TypeScript the file uses (it panics on anything else).
//!
//! Not checked (see [`TS_ONLY`]): the quant simulation input (`SimulationInput`, `Scenario`,
//! `Frequency`), whose distributions go through a custom number-or-distribution deserializer
//! the derived schema does not describe; the long `Tables` (untagged per-type columns); and the
//! objects the WASM binding assembles itself (`ValidationReport`, `Enriched`, `Ingested`,
//! `CalibrationResult`, `RiskRatingError`), whose parts are checked. Run with
//! `cargo test -p risk-core --features schema --test typescript_types` (scripts/test-wasm.sh
//! does).
#![cfg(feature = "schema")]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

// ---- A small reader of the `.d.ts` ---------------------------------------------------------

/// A token of the declarations: a word, a string literal or one punctuation character.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

fn tokens(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if text[i..].starts_with("//") {
            i += text[i..].find('\n').unwrap_or(text.len() - i);
        } else if text[i..].starts_with("/*") {
            i += text[i..].find("*/").expect("an unterminated comment") + 2;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let end = i + 1 + text[i + 1..].find('"').expect("an unterminated string");
            out.push(Tok::Str(text[i + 1..end].to_owned()));
            i = end + 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' || c == '.' {
            let start = i;
            while i < b.len() && {
                let c = b[i] as char;
                c.is_alphanumeric() || c == '_' || c == '$' || c == '.'
            } {
                i += 1;
            }
            out.push(Tok::Word(text[start..i].to_owned()));
        } else {
            // Multi-byte characters only occur in comments.
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// A TypeScript type expression, as written.
#[derive(Debug, Clone)]
enum Ts {
    /// A name with type arguments: `number`, `Rating`, `Record<string, number>`.
    Name(String, Vec<Ts>),
    /// A string literal type.
    Lit(String),
    /// An object type: fields (name, optional, type).
    Obj(Vec<(String, bool, Ts)>),
    Array(Box<Ts>),
    Tuple(Vec<Ts>),
    Union(Vec<Ts>),
    Inter(Vec<Ts>),
}

struct Parser<'a> {
    toks: &'a [Tok],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }
    fn is(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Punct(c))
    }
    fn eat(&mut self, c: char) -> bool {
        let hit = self.is(c);
        if hit {
            self.at += 1;
        }
        hit
    }
    fn expect(&mut self, c: char) {
        assert!(
            self.eat(c),
            "types.d.ts: expected `{c}` at {:?}",
            &self.toks[self.at..(self.at + 8).min(self.toks.len())]
        );
    }
    fn word(&mut self) -> String {
        match self.toks.get(self.at) {
            Some(Tok::Word(w)) => {
                self.at += 1;
                w.clone()
            }
            t => panic!("types.d.ts: expected a name, found {t:?}"),
        }
    }
    fn union(&mut self) -> Ts {
        self.eat('|');
        let mut parts = vec![self.inter()];
        while self.eat('|') {
            parts.push(self.inter());
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ts::Union(parts)
        }
    }
    fn inter(&mut self) -> Ts {
        let mut parts = vec![self.postfix()];
        while self.eat('&') {
            parts.push(self.postfix());
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ts::Inter(parts)
        }
    }
    fn postfix(&mut self) -> Ts {
        let mut t = self.primary();
        while self.is('[') && self.toks.get(self.at + 1) == Some(&Tok::Punct(']')) {
            self.at += 2;
            t = Ts::Array(Box::new(t));
        }
        t
    }
    fn primary(&mut self) -> Ts {
        if self.eat('(') {
            let t = self.union();
            self.expect(')');
            return t;
        }
        if self.is('{') {
            return self.object();
        }
        if self.eat('[') {
            let mut items = vec![self.union()];
            while self.eat(',') {
                items.push(self.union());
            }
            self.expect(']');
            return Ts::Tuple(items);
        }
        if let Some(Tok::Str(s)) = self.peek() {
            let s = s.clone();
            self.at += 1;
            return Ts::Lit(s);
        }
        let name = self.word();
        let mut args = Vec::new();
        if self.eat('<') {
            args.push(self.union());
            while self.eat(',') {
                args.push(self.union());
            }
            self.expect('>');
        }
        Ts::Name(name, args)
    }
    /// `{ name?: type; … }`.
    fn object(&mut self) -> Ts {
        self.expect('{');
        let mut fields = Vec::new();
        while !self.eat('}') {
            let name = self.word();
            let optional = self.eat('?');
            self.expect(':');
            let ty = self.union();
            fields.push((name, optional, ty));
            if !self.eat(';') {
                self.eat(',');
            }
        }
        Ts::Obj(fields)
    }
}

/// Every `export interface` (as an object type) and `export type` alias of the declarations,
/// by name. Generic aliases and interfaces that extend another are recorded without a body.
fn declarations(dts: &str) -> BTreeMap<String, Option<Ts>> {
    let toks = tokens(dts);
    let mut out = BTreeMap::new();
    let mut p = Parser { toks: &toks, at: 0 };
    while p.at + 2 < toks.len() {
        let (Tok::Word(export), Tok::Word(kind)) = (&toks[p.at], &toks[p.at + 1]) else {
            p.at += 1;
            continue;
        };
        if export != "export" || (kind != "interface" && kind != "type") {
            p.at += 1;
            continue;
        }
        let kind = kind.clone();
        p.at += 2;
        let name = p.word();
        let body = if p.is('<') || (kind == "interface" && !p.is('{')) {
            None
        } else if kind == "interface" {
            Some(p.object())
        } else {
            p.expect('=');
            let t = p.union();
            p.expect(';');
            Some(t)
        };
        assert!(
            out.insert(name.clone(), body).is_none(),
            "types.d.ts declares `{name}` twice"
        );
    }
    out
}

// ---- Shapes: what both sides say a JSON value can be ---------------------------------------

/// The JSON shape of a value, the common ground of a TypeScript type and a JSON Schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    /// Any value (`unknown`; a schema `true`).
    Any,
    Str,
    Num,
    Bool,
    Null,
    /// The literal `true`.
    True,
    /// One of these strings.
    Lits(BTreeSet<String>),
    Array(Box<Shape>),
    Tuple(Vec<Shape>),
    /// An object of any keys with values of this shape (`Record<string, V>`).
    Map(Box<Shape>),
    /// An object of these fields: name → (optional, shape).
    Obj(BTreeMap<String, (bool, Shape)>),
    /// One of these (flattened, sorted, literals merged).
    Union(Vec<Shape>),
}

fn union_of(parts: Vec<Shape>) -> Shape {
    let mut flat = Vec::new();
    let mut lits = BTreeSet::new();
    for p in parts {
        match p {
            Shape::Union(inner) => flat.extend(inner),
            Shape::Lits(l) => lits.extend(l),
            other => flat.push(other),
        }
    }
    if !lits.is_empty() {
        flat.push(Shape::Lits(lits));
    }
    flat.sort();
    flat.dedup();
    if flat.len() == 1 {
        flat.remove(0)
    } else {
        Shape::Union(flat)
    }
}

/// An intersection of object shapes (distributed over unions).
fn intersect(parts: Vec<Shape>) -> Shape {
    let mut acc = vec![BTreeMap::new()];
    for p in parts {
        let alternatives = match p {
            Shape::Union(alts) => alts,
            other => vec![other],
        };
        let mut next = Vec::new();
        for a in &acc {
            for alt in &alternatives {
                let Shape::Obj(fields) = alt else {
                    panic!("an intersection of a non-object: {alt:?}")
                };
                let mut merged: BTreeMap<String, (bool, Shape)> = a.clone();
                merged.extend(fields.clone());
                next.push(merged);
            }
        }
        acc = next;
    }
    union_of(acc.into_iter().map(Shape::Obj).collect())
}

/// The shape of a TypeScript type, resolving the declarations' aliases and interfaces.
fn ts_shape(t: &Ts, decls: &BTreeMap<String, Option<Ts>>, depth: usize) -> Shape {
    assert!(depth < 64, "types.d.ts: a type refers to itself: {t:?}");
    let shape = |t: &Ts| ts_shape(t, decls, depth + 1);
    match t {
        Ts::Lit(s) => Shape::Lits([s.clone()].into()),
        Ts::Array(t) => Shape::Array(Box::new(shape(t))),
        Ts::Tuple(items) => Shape::Tuple(items.iter().map(shape).collect()),
        Ts::Union(parts) => union_of(parts.iter().map(shape).collect()),
        Ts::Inter(parts) => intersect(parts.iter().map(shape).collect()),
        Ts::Obj(fields) => Shape::Obj(
            fields
                .iter()
                .map(|(n, opt, t)| (n.clone(), (*opt, shape(t))))
                .collect(),
        ),
        Ts::Name(name, args) => match (name.as_str(), args.as_slice()) {
            ("string", []) => Shape::Str,
            ("number", []) => Shape::Num,
            ("boolean", []) => Shape::Bool,
            ("null", []) => Shape::Null,
            ("true", []) => Shape::True,
            ("unknown", []) => Shape::Any,
            // Checked against the engine's list by its own test; the Rust field is a string.
            ("ErrorCode", []) => Shape::Str,
            ("Record", [k, v]) => match shape(k) {
                Shape::Str => Shape::Map(Box::new(shape(v))),
                Shape::Lits(keys) => {
                    let v = shape(v);
                    Shape::Obj(keys.into_iter().map(|k| (k, (false, v.clone()))).collect())
                }
                k => panic!("types.d.ts: a Record keyed by {k:?}"),
            },
            ("Partial", [t]) => match shape(t) {
                Shape::Obj(fields) => Shape::Obj(
                    fields
                        .into_iter()
                        .map(|(k, (_, v))| (k, (true, v)))
                        .collect(),
                ),
                s => panic!("types.d.ts: Partial of {s:?}"),
            },
            (name, []) => match decls.get(name) {
                Some(Some(body)) => shape(body),
                _ => panic!("types.d.ts: `{name}` is not a declared type with a body"),
            },
            _ => panic!("types.d.ts: unsupported generic `{name}`"),
        },
    }
}

/// The shape a JSON Schema (of the schemars root `root`) allows. `output`: the schema is of
/// what the engine writes, so an optional field (skipped when `None`) is never `null`.
fn schema_shape(s: &Value, root: &Value, output: bool, depth: usize) -> Shape {
    assert!(depth < 64, "a schema refers to itself");
    let shape = |s: &Value| schema_shape(s, root, output, depth + 1);
    let map = match s {
        Value::Bool(true) => return Shape::Any,
        Value::Object(map) => map,
        other => panic!("an unexpected schema {other}"),
    };
    if let Some(Value::String(r)) = map.get("$ref") {
        let name = r.trim_start_matches("#/$defs/");
        return shape(&root["$defs"][name]);
    }
    if let Some(c) = map.get("const") {
        return match c {
            Value::String(c) => Shape::Lits([c.clone()].into()),
            Value::Bool(true) => Shape::True,
            other => panic!("an unexpected const {other}"),
        };
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let mut parts = Vec::new();
        for v in values {
            parts.push(match v {
                Value::String(s) => Shape::Lits([s.clone()].into()),
                Value::Null => Shape::Null,
                other => panic!("an unexpected enum value {other}"),
            });
        }
        return union_of(parts);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            return union_of(parts.iter().map(shape).collect());
        }
    }
    if let Some(Value::Array(parts)) = map.get("allOf") {
        return intersect(parts.iter().map(shape).collect());
    }
    match map.get("type") {
        None => Shape::Any,
        Some(Value::Array(types)) => union_of(
            types
                .iter()
                .map(|t| {
                    let mut one = map.clone();
                    one.insert("type".into(), t.clone());
                    shape(&Value::Object(one))
                })
                .collect(),
        ),
        Some(Value::String(t)) => match t.as_str() {
            "string" => Shape::Str,
            "number" | "integer" => Shape::Num,
            "boolean" => Shape::Bool,
            "null" => Shape::Null,
            "array" => {
                if let Some(Value::Array(items)) = map.get("prefixItems") {
                    return Shape::Tuple(items.iter().map(shape).collect());
                }
                let item = map.get("items").map(shape).unwrap_or(Shape::Any);
                match (map.get("minItems"), map.get("maxItems")) {
                    (Some(a), Some(b)) if a == b => {
                        let n = a.as_u64().expect("a length") as usize;
                        Shape::Tuple(vec![item; n])
                    }
                    _ => Shape::Array(Box::new(item)),
                }
            }
            "object" => {
                let required: BTreeSet<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(Value::Object(props)) = map.get("properties") {
                    let fields = props
                        .iter()
                        .map(|(k, v)| {
                            let optional = !required.contains(k.as_str());
                            let mut v = shape(v);
                            if optional && output {
                                v = without_null(v);
                            }
                            (k.clone(), (optional, v))
                        })
                        .collect();
                    return Shape::Obj(fields);
                }
                let value = match map.get("additionalProperties") {
                    Some(v @ Value::Object(_)) => shape(v),
                    _ => Shape::Any,
                };
                match map.get("propertyNames").map(shape) {
                    // A map keyed by an enumeration: each key optional.
                    Some(Shape::Lits(keys)) => Shape::Obj(
                        keys.into_iter()
                            .map(|k| (k, (true, value.clone())))
                            .collect(),
                    ),
                    _ => Shape::Map(Box::new(value)),
                }
            }
            other => panic!("an unexpected schema type {other}"),
        },
        Some(other) => panic!("an unexpected schema type {other}"),
    }
}

fn without_null(s: Shape) -> Shape {
    match s {
        Shape::Union(parts) => union_of(parts.into_iter().filter(|p| *p != Shape::Null).collect()),
        other => other,
    }
}

/// A short rendering of a shape for messages.
fn show(s: &Shape) -> String {
    match s {
        Shape::Any => "unknown".into(),
        Shape::Str => "string".into(),
        Shape::Num => "number".into(),
        Shape::Bool => "boolean".into(),
        Shape::Null => "null".into(),
        Shape::True => "true".into(),
        Shape::Lits(l) => l
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(" | "),
        Shape::Array(t) => format!("({})[]", show(t)),
        Shape::Tuple(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Shape::Map(v) => format!("Record<string, {}>", show(v)),
        Shape::Obj(fields) => format!(
            "{{ {} }}",
            fields
                .iter()
                .map(|(k, (o, v))| format!("{k}{}: {}", if *o { "?" } else { "" }, show(v)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Shape::Union(parts) => parts.iter().map(show).collect::<Vec<_>>().join(" | "),
    }
}

/// Every difference between the TypeScript shape and the Rust one, as `path: …` lines.
fn diff(path: &str, ts: &Shape, rust: &Shape, out: &mut Vec<String>) {
    match (ts, rust) {
        (Shape::Obj(t), Shape::Obj(r)) => {
            for (k, (opt, shape)) in t {
                match r.get(k) {
                    None => out.push(format!("{path}.{k}: in TypeScript, not in the Rust type")),
                    Some((ropt, rshape)) => {
                        if opt != ropt {
                            out.push(format!(
                                "{path}.{k}: {} in TypeScript, {} in Rust",
                                if *opt { "optional" } else { "required" },
                                if *ropt {
                                    "optional (may be absent)"
                                } else {
                                    "required (always present)"
                                },
                            ));
                        }
                        diff(&format!("{path}.{k}"), shape, rshape, out);
                    }
                }
            }
            for k in r.keys().filter(|k| !t.contains_key(*k)) {
                out.push(format!(
                    "{path}.{k}: in the Rust type, missing in TypeScript"
                ));
            }
        }
        (Shape::Array(t), Shape::Array(r)) => diff(&format!("{path}[]"), t, r, out),
        (Shape::Map(t), Shape::Map(r)) => diff(&format!("{path}{{}}"), t, r, out),
        (Shape::Tuple(t), Shape::Tuple(r)) if t.len() == r.len() => {
            for (i, (t, r)) in t.iter().zip(r).enumerate() {
                diff(&format!("{path}[{i}]"), t, r, out);
            }
        }
        (Shape::Union(t), Shape::Union(r))
            if t.len() == r.len() && t.iter().all(|p| matches!(p, Shape::Obj(_))) =>
        {
            // Variants of a tagged enumeration, paired in order.
            for (i, (t, r)) in t.iter().zip(r).enumerate() {
                diff(&format!("{path}<variant {i}>"), t, r, out);
            }
        }
        (t, r) if t == r => {}
        (t, r) => out.push(format!(
            "{path}: TypeScript says `{}`, Rust writes `{}`",
            show(t),
            show(r)
        )),
    }
}

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

fn schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap()
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

// ---- Every declaration checked against its Rust type ---------------------------------------

/// The JSON Schema of what the engine accepts (`serde` deserialisation): for input documents.
fn input<T: schemars::JsonSchema>() -> (Value, bool) {
    (schema::<T>(), false)
}

/// The JSON Schema of what the engine writes (`serde` serialisation): a field that may be
/// skipped is optional, and never `null`.
fn output<T: schemars::JsonSchema>() -> (Value, bool) {
    let generator = schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator();
    (
        serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap(),
        true,
    )
}

/// Every TypeScript declaration that is a Rust type, and that type: the coverage of this test.
/// `input` types are checked against what the engine reads, `output` types against what it
/// writes.
fn checked() -> Vec<(&'static str, (Value, bool))> {
    use risk_core::document::*;
    use risk_core::{calibration, decision, feeds, ingest, quant, rating, system};
    vec![
        // Input document (methodology section 1).
        ("IsoDate", input::<risk_core::Date>()),
        ("Portfolio", input::<Portfolio>()),
        ("Organisation", input::<Organisation>()),
        ("Outcome", input::<Outcome>()),
        ("Assurance", input::<Assurance>()),
        ("Assessment", input::<Assessment>()),
        ("MetricObservation", input::<MetricObservation>()),
        ("FindingKind", input::<FindingKind>()),
        ("AssetCriticality", input::<AssetCriticality>()),
        ("Finding", input::<Finding>()),
        ("Criticality", input::<Criticality>()),
        ("Access", input::<Access>()),
        ("Dependency", input::<Dependency>()),
        ("Dispute", input::<risk_core::input::dispute::Dispute>()),
        ("DsptStatus", input::<DsptStatus>()),
        ("Attestation", input::<Attestation>()),
        // The methodology document (read by every function, written by `defaultMethodology`).
        (
            "Methodology",
            input::<risk_core::methodology::MethodologyDoc>(),
        ),
        ("Limits", output::<risk_core::Limits>()),
        // The rating (methodology section 6.1).
        ("Band", output::<String>()),
        ("Basis", output::<rating::output::Basis>()),
        ("DriverKind", output::<rating::output::DriverKind>()),
        (
            "PortfolioRating",
            output::<rating::output::PortfolioRating>(),
        ),
        ("Rating", output::<rating::output::Rating>()),
        ("FactorRating", output::<rating::output::FactorRating>()),
        ("Driver", output::<rating::output::Driver>()),
        ("PeerGroupStats", output::<rating::output::PeerGroupStats>()),
        (
            "SupplierExposure",
            output::<rating::output::SupplierExposure>(),
        ),
        ("GroupSummary", output::<rating::groups::GroupSummary>()),
        (
            "DisputeSummary",
            output::<rating::disputes::DisputeSummary>(),
        ),
        ("Provenance", output::<rating::provenance::Provenance>()),
        ("Problem", output::<risk_core::error::ErrorProblem>()),
        // The split rating: written by `rateInternal`, read back by `rateFromInternal`.
        ("InternalRating", output::<risk_core::InternalRating>()),
        ("InternalFactor", output::<risk_core::InternalFactor>()),
        ("InternalItem", output::<risk_core::InternalItem>()),
        // Long tables.
        (
            "ColumnType",
            output::<risk_core::input::tables::ColumnType>(),
        ),
        ("TableSpec", output::<risk_core::input::tables::TableSpec>()),
        // What-if, plans, history, change (methodology section 8).
        ("Action", output::<decision::whatif::Action>()),
        ("ScoreChange", output::<decision::whatif::ScoreChange>()),
        ("WhatIf", output::<decision::whatif::WhatIf>()),
        ("PlanStep", output::<decision::whatif::PlanStep>()),
        ("Plan", output::<decision::whatif::Plan>()),
        ("History", output::<decision::history::History>()),
        ("HistoryPoint", output::<decision::history::HistoryPoint>()),
        ("Change", output::<decision::history::Change>()),
        ("FactorChange", output::<decision::history::FactorChange>()),
        (
            "EvidenceChange",
            output::<decision::history::EvidenceChange>(),
        ),
        // Threat feeds.
        ("KevMeta", output::<feeds::KevMeta>()),
        ("EpssMeta", output::<feeds::EpssMeta>()),
        ("EpssScore", output::<feeds::EpssScore>()),
        ("EnrichReport", output::<feeds::EnrichReport>()),
        // Loss simulation.
        ("DistributionObject", input::<quant::Distribution>()),
        ("RatingLink", input::<quant::RatingLink>()),
        ("ReportOptions", input::<quant::ReportOptions>()),
        ("LossSummary", output::<quant::LossSummary>()),
        ("SimulationReport", output::<quant::SimulationReport>()),
        // Ingest.
        ("IngestAttribution", input::<ingest::Attribution>()),
        ("IngestOptions", input::<ingest::IngestOptions>()),
        ("SkipReason", output::<ingest::SkipReason>()),
        ("IngestProblem", output::<ingest::IngestProblem>()),
        ("IngestReport", output::<ingest::IngestReport>()),
        // The system view.
        ("SystemOptions", input::<system::SystemOptions>()),
        ("SystemTail", output::<system::Tail>()),
        ("GroupRisk", output::<system::GroupRisk>()),
        ("SystemReport", output::<system::SystemReport>()),
        // Methodology change notice (section 12).
        (
            "OrganisationChange",
            output::<decision::compare::OrganisationChange>(),
        ),
        (
            "MethodologyComparison",
            output::<decision::compare::MethodologyComparison>(),
        ),
        // Calibration (calibration-v1).
        (
            "CalibrationReport",
            output::<calibration::CalibrationReport>(),
        ),
        (
            "CalibrationValidationBlock",
            output::<calibration::ValidationBlock>(),
        ),
        ("CalibrationDesign", output::<calibration::Design>()),
        ("CalibrationLevel", output::<calibration::Level>()),
        ("CalibrationParam", output::<calibration::Param>()),
        ("CalibrationFit", output::<calibration::FitReport>()),
        ("CalibrationMetrics", output::<calibration::Metrics>()),
        // The calibration blocks of a fitted methodology, as read.
        (
            "PriorAnchor",
            input::<risk_core::methodology::calibrated::PriorAnchor>(),
        ),
        (
            "Recalibration",
            input::<risk_core::methodology::calibrated::Recalibration>(),
        ),
        (
            "CalibrationProvenance",
            input::<risk_core::methodology::calibrated::CalibrationProvenance>(),
        ),
    ]
}

/// The declarations that are no Rust type, each with why.
const TS_ONLY: &[(&str, &str)] = &[
    (
        "ErrorCode",
        "checked against the engine's list by `error_code_union_is_the_engines_list`",
    ),
    (
        "Distribution",
        "a bare number or a `DistributionObject` (checked); the number is read by a custom deserializer",
    ),
    (
        "Frequency",
        "NOT CHECKED: its distributions are read by a custom number-or-distribution deserializer",
    ),
    (
        "Scenario",
        "NOT CHECKED: its distributions are read by a custom number-or-distribution deserializer",
    ),
    (
        "SimulationInput",
        "NOT CHECKED: holds `Scenario`s (see there)",
    ),
    (
        "SampleConfig",
        "read by the core's `SampleConfig::from_json`, not a serde type",
    ),
    (
        "Tables",
        "NOT CHECKED: untagged per-type columns (`Column`); TypeScript gives one element union",
    ),
    (
        "Json",
        "a generic helper: a document as an object or as JSON text",
    ),
    (
        "RiskRatingError",
        "the thrown `Error` object, built by risk-wasm/src/error.rs",
    ),
    (
        "ValidationReport",
        "built by risk-wasm `validate` from `Problem`s (checked)",
    ),
    (
        "Enriched",
        "built by risk-wasm `enrich` from `Portfolio` and `EnrichReport` (checked)",
    ),
    (
        "Ingested",
        "built by risk-wasm `ingest*` from `Portfolio` and `IngestReport` (checked)",
    ),
    (
        "CalibrationResult",
        "built by risk-wasm `calibrate` from `CalibrationReport` and `Methodology` (checked)",
    ),
];

#[test]
fn every_declaration_is_its_rust_type() {
    let dts = dts();
    let decls = declarations(&dts);
    let mut problems = Vec::new();
    for (name, (schema, output)) in checked() {
        let Some(Some(body)) = decls.get(name) else {
            problems.push(format!("{name}: not declared in types.d.ts"));
            continue;
        };
        let ts = ts_shape(body, &decls, 0);
        let rust = schema_shape(&schema, &schema, output, 0);
        diff(name, &ts, &rust, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "types.d.ts differs from the Rust types (the Rust types are right):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_declaration_is_checked_or_listed() {
    let decls = declarations(&dts());
    let checked: BTreeSet<&str> = checked().iter().map(|(n, _)| *n).collect();
    let ts_only: BTreeSet<&str> = TS_ONLY.iter().map(|(n, _)| *n).collect();
    let declared: BTreeSet<&str> = decls.keys().map(String::as_str).collect();
    let listed = &checked | &ts_only;
    let unchecked: Vec<_> = declared.difference(&listed).collect();
    assert!(
        unchecked.is_empty(),
        "types.d.ts declares {unchecked:?}: map each to its Rust type in `checked()` or list it \
         in `TS_ONLY` with the reason it has none"
    );
    let stale: Vec<_> = listed
        .into_iter()
        .filter(|n| !declared.contains(n))
        .collect();
    assert!(
        stale.is_empty(),
        "listed but not declared in types.d.ts: {stale:?}"
    );
}
