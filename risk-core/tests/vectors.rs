//! Conformance vectors (`tests/vectors/`, format in `tests/vectors/README.md`).
//!
//! Every case of the manifest is run through the public API and compared with its expected
//! document: numbers to 1e-12 relative (the expected files were produced by this engine, so the
//! native build must reproduce them essentially exactly), everything else exactly; error cases
//! by the list of (code, path).
//!
//! Regenerate the expected files after an intended change of figures with
//! `RISKRATING_BLESS=1 cargo test -p risk-core --test vectors` and review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use risk_core::{
    InputError, Methodology, Prepared, parse_actions, parse_portfolio_bytes, validate,
};
use serde_json::{Value, json};

/// Relative tolerance between the expected files and this build.
const REL: f64 = 1e-12;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn errors_value(e: &InputError) -> Value {
    let list: Vec<Value> = e
        .problems()
        .iter()
        .map(|p| json!({"code": p.code.as_str(), "path": p.path}))
        .collect();
    json!({ "errors": list })
}

/// Run one case: the output document, or `{"errors": [{code, path}, ...]}`.
fn run_case(case: &Value, dir: &Path) -> Value {
    let input = case["input"].as_str().expect("case.input is a file name");
    let bytes = std::fs::read(dir.join(input)).expect("input file is readable");
    let methodology = Methodology::default();
    let prepared: Prepared =
        match parse_portfolio_bytes(&bytes).and_then(|doc| validate(&doc, &methodology)) {
            Ok(p) => p,
            Err(e) => return errors_value(&e),
        };
    let kind = case["kind"].as_str().expect("case.kind is a string");
    let result = match kind {
        "rate" => Ok(serde_json::to_value(prepared.rate()).expect("rating serialises")),
        "what_if" => {
            let org = case["organisation"].as_str().expect("case.organisation");
            let text = serde_json::to_string(&case["actions"]).expect("actions serialise");
            parse_actions(&text)
                .and_then(|actions| prepared.what_if(org, &actions))
                .map(|w| serde_json::to_value(w).expect("what-if serialises"))
        }
        "plan" => {
            let org = case["organisation"].as_str().expect("case.organisation");
            let k = case["k"].as_u64().expect("case.k is a whole number") as usize;
            prepared
                .plan(org, k)
                .map(|p| serde_json::to_value(p).expect("plan serialises"))
        }
        "history" => {
            let dates: Vec<risk_core::Date> = case["dates"]
                .as_array()
                .expect("case.dates is a list")
                .iter()
                .map(|d| d.as_str().and_then(|d| d.parse().ok()).expect("a date"))
                .collect();
            Ok(serde_json::to_value(prepared.history(&dates)).expect("history serialises"))
        }
        other => panic!("unknown case kind {other:?}"),
    };
    match result {
        Ok(mut value) => {
            // Provenance (section 11) is verified here, not stored in the expected files: the
            // engine version changes with every release. Everything else is compared exactly.
            let p = value
                .as_object_mut()
                .and_then(|o| o.remove("provenance"))
                .unwrap_or_else(|| panic!("every {kind} output carries its provenance"));
            let doc = parse_portfolio_bytes(&bytes).expect("parsed above");
            assert_eq!(
                p["input_digest"],
                risk_core::rating::provenance::input_digest(&doc)
            );
            assert_eq!(p["input_digest"].as_str().map(str::len), Some(71));
            assert_eq!(
                (&p["methodology"], &p["methodology_version"]),
                (&json!(methodology.id()), &json!(methodology.version()))
            );
            assert_eq!(p["engine_version"], env!("CARGO_PKG_VERSION"));
            value
        }
        Err(e) => errors_value(&e),
    }
}

/// Compare recursively; push one line per difference.
fn compare(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            let tol = REL * e.abs().max(a.abs());
            if (e - a).abs() > tol && e != a {
                out.push(format!("{path}: expected {e:e}, got {a:e}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
                return;
            }
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                compare(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, x) in e {
                match a.get(k) {
                    Some(y) => compare(x, y, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{path}.{k}: unexpected field"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: expected {e}, got {a}")),
    }
}

#[test]
fn vectors_match_expected_documents() {
    let dir = vectors_dir();
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(dir.join("manifest.json")).expect("tests/vectors/manifest.json exists"),
    )
    .expect("the manifest is JSON");
    let cases = manifest["cases"]
        .as_array()
        .expect("manifest.cases is a list");
    assert!(cases.len() >= 30, "too few vectors: {}", cases.len());
    let bless = std::env::var("RISKRATING_BLESS").is_ok_and(|v| v == "1");
    let mut report = String::new();
    let mut failed = 0;
    for case in cases {
        let name = case["name"].as_str().expect("case.name");
        let expected_file = dir.join(case["expected"].as_str().expect("case.expected"));
        let actual = run_case(case, &dir);
        let is_error = actual.get("errors").is_some();
        assert_eq!(
            is_error,
            case.get("error").is_some_and(|e| e == true),
            "{name}: error outcome differs from the manifest's `error` flag: {actual}"
        );
        if bless {
            let text = serde_json::to_string_pretty(&actual).expect("serialises") + "\n";
            std::fs::write(&expected_file, text).expect("expected file is writable");
            continue;
        }
        let expected: Value = serde_json::from_slice(
            &std::fs::read(&expected_file)
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", expected_file.display())),
        )
        .expect("expected file is JSON");
        let mut diffs = Vec::new();
        compare(&expected, &actual, "", &mut diffs);
        if !diffs.is_empty() {
            failed += 1;
            let _ = writeln!(report, "{name}:");
            for d in diffs.iter().take(20) {
                let _ = writeln!(report, "  {d}");
            }
        }
    }
    assert!(failed == 0, "{failed} vector(s) differ:\n{report}");
}

#[test]
fn comparison_notices_a_change() {
    // The checker itself must be able to fail: a perturbed number, a changed string, a missing
    // field and an extra list item are all reported.
    let expected = json!({"a": 600.0, "b": "C", "c": [1, 2], "d": {"e": 0.5}});
    let actual = json!({"a": 600.000_000_001, "b": "D", "c": [1, 2, 3], "d": {}});
    let mut diffs = Vec::new();
    compare(&expected, &actual, "", &mut diffs);
    assert_eq!(diffs.len(), 4, "{diffs:?}");
    let mut none = Vec::new();
    compare(&expected, &expected.clone(), "", &mut none);
    assert!(none.is_empty());
}
