//! Run conformance cases through the engine: reads a JSON list of cases on stdin and writes the
//! list of results on stdout (used by `tests/reference/differential.py` to compare the engine
//! with the independent reference on generated documents).
//!
//! A case is `{"kind": "rate" | "what_if" | "plan" | "history" | "change", "document": {...},
//! "organisation": "...", "actions": [...], "k": 3, "dates": [...], "from": "...", "to": "..."}`
//! (the fields the kind needs); a result is the output
//! document, or `{"errors": [{"code", "path"}, ...]}` — the same shapes as `tests/vectors`.
//!
//! `cargo run -p risk-core --example vectors_dump [-- --methodology FILE.json|FILE.toml] < cases.json`
//! (the default methodology unless a file is given).

use std::io::Read;

use risk_core::{InputError, Methodology, parse_actions, parse_portfolio, validate};
use serde_json::{Value, json};

fn errors(e: &InputError) -> Value {
    let list: Vec<Value> = e
        .problems()
        .iter()
        .map(|p| json!({"code": p.code.as_str(), "path": p.path}))
        .collect();
    json!({ "errors": list })
}

fn run(case: &Value, methodology: &Methodology) -> Result<Value, String> {
    let text = serde_json::to_string(&case["document"]).map_err(|e| e.to_string())?;
    let prepared = match parse_portfolio(&text).and_then(|d| validate(&d, methodology)) {
        Ok(p) => p,
        Err(e) => return Ok(errors(&e)),
    };
    let org = case["organisation"].as_str().unwrap_or("");
    let out = match case["kind"].as_str() {
        Some("rate") => Ok(serde_json::to_value(prepared.rate()).map_err(|e| e.to_string())?),
        Some("what_if") => {
            let actions = serde_json::to_string(&case["actions"]).map_err(|e| e.to_string())?;
            match parse_actions(&actions).and_then(|a| prepared.what_if(org, &a)) {
                Ok(w) => Ok(serde_json::to_value(w).map_err(|e| e.to_string())?),
                Err(e) => Err(e),
            }
        }
        Some("plan") => {
            let k = case["k"].as_u64().ok_or("case.k must be a whole number")? as usize;
            match prepared.plan(org, k) {
                Ok(p) => Ok(serde_json::to_value(p).map_err(|e| e.to_string())?),
                Err(e) => Err(e),
            }
        }
        Some("history") => {
            let dates: Vec<risk_core::Date> =
                serde_json::from_value(case["dates"].clone()).map_err(|e| e.to_string())?;
            Ok(serde_json::to_value(prepared.history(&dates)).map_err(|e| e.to_string())?)
        }
        Some("change") => {
            let date = |key: &str| -> Result<risk_core::Date, String> {
                serde_json::from_value(case[key].clone()).map_err(|e| format!("case.{key}: {e}"))
            };
            match prepared.change(org, date("from")?, date("to")?) {
                Ok(c) => Ok(serde_json::to_value(c).map_err(|e| e.to_string())?),
                Err(e) => Err(e),
            }
        }
        other => return Err(format!("unknown case kind {other:?}")),
    };
    Ok(out.unwrap_or_else(|e| errors(&e)))
}

fn main() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())?;
    let cases: Vec<Value> = serde_json::from_str(&input).map_err(|e| e.to_string())?;
    let mut args = std::env::args().skip(1);
    let methodology = match (args.next().as_deref(), args.next()) {
        (None, _) => Methodology::default(),
        (Some("--methodology"), Some(path)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            if path.ends_with(".toml") {
                Methodology::from_toml(&text)
            } else {
                Methodology::from_json(&text)
            }
            .map_err(|e| format!("{path}: {e}"))?
        }
        _ => return Err("usage: vectors_dump [--methodology FILE] < cases.json".into()),
    };
    let results = cases
        .iter()
        .map(|c| run(c, &methodology))
        .collect::<Result<Vec<_>, _>>()?;
    println!(
        "{}",
        serde_json::to_string(&results).map_err(|e| e.to_string())?
    );
    Ok(())
}
