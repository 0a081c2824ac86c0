//! The hostile-input list of issue 7, through every parser of the public API: deep nesting,
//! non-finite and huge numbers, very long strings, duplicate keys, byte-order marks and invalid
//! UTF-8 all give typed errors (never a panic, a stack overflow or a hang).
//!
//! `errors.rs` covers these for the portfolio document field by field; this file covers what it
//! does not: nesting, and the other parsers (actions, methodology JSON and TOML, KEV, EPSS).
//! Tests run on the test harness's threads (2 MiB stacks), so unbounded recursion would
//! overflow here long before it did on a main thread.

use risk_core::feeds::{EpssScores, FeedErrorKind, KevCatalog};
use risk_core::{ErrorCode, Methodology, parse_actions, parse_portfolio, parse_portfolio_bytes};

/// `depth` nested JSON arrays: `[[[…]]]`.
fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `depth` nested JSON objects: `{"a":{"a":…{}}}`.
fn nested_objects(depth: usize) -> String {
    format!("{}{{}}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

const DEPTH: usize = 10_000;

// ---------------------------------------------------------------------------------------------
// Deep nesting

#[test]
fn deeply_nested_portfolio_is_a_typed_error() {
    // At the root, where an organisation is expected, and in an unknown field's value. serde_json
    // stops at 128 levels with "recursion limit exceeded": a resource limit, not malformed JSON.
    for (text, code, path) in [
        (nested_arrays(DEPTH), ErrorCode::WrongType, ""),
        (nested_objects(DEPTH), ErrorCode::UnknownField, "a"),
        (
            format!(
                r#"{{"as_of": "2025-09-30", "organisations": {}}}"#,
                nested_arrays(DEPTH)
            ),
            ErrorCode::WrongType,
            "organisations[0]",
        ),
        (
            format!(
                r#"{{"as_of": "2025-09-30", "organisations": [{{"id": "A", "name": {}}}]}}"#,
                nested_arrays(DEPTH)
            ),
            ErrorCode::WrongType,
            "organisations[0].name",
        ),
    ] {
        let e = parse_portfolio(&text).unwrap_err();
        assert_eq!((e.code(), e.path()), (code, path), "{}", &text[..60]);
    }
    // Nesting where any value is read (serde_json's own recursion limit applies).
    let text = format!(
        r#"{{"as_of": "2025-09-30", "organisations": [], "x": {}}}"#,
        nested_arrays(DEPTH)
    );
    let e = parse_portfolio(&text).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::UnknownField, "x"));
}

#[test]
fn deeply_nested_actions_are_a_typed_error() {
    for text in [nested_arrays(DEPTH), nested_objects(DEPTH)] {
        let e = parse_actions(&text).unwrap_err();
        assert!(
            matches!(
                e.code(),
                ErrorCode::InvalidAction | ErrorCode::LimitExceeded | ErrorCode::MalformedJson
            ),
            "{:?}",
            e.problems()
        );
        assert!(e.path().starts_with("actions"), "{}", e.path());
    }
}

#[test]
fn deeply_nested_methodology_is_a_typed_error() {
    let json = Methodology::default().to_json();
    let deep_json = json.replacen('{', &format!(r#"{{"x": {},"#, nested_arrays(DEPTH)), 1);
    for text in [nested_objects(DEPTH), deep_json] {
        let e = Methodology::from_json(&text).unwrap_err();
        assert!(!e.problems().is_empty());
        let e = Methodology::from_str_auto(&text).unwrap_err();
        assert!(!e.problems().is_empty());
    }
    // TOML: nested arrays and nested inline tables.
    let deep_arrays = format!("x = {}\n", nested_arrays(DEPTH));
    let deep_tables = format!("x = {}{}\n", "{a = ".repeat(DEPTH), "}".repeat(DEPTH));
    for text in [deep_arrays, deep_tables] {
        let e = Methodology::from_toml(&text).unwrap_err();
        assert!(!e.problems().is_empty());
        let e = Methodology::from_str_auto(&text).unwrap_err();
        assert!(!e.problems().is_empty());
    }
}

#[test]
fn deeply_nested_kev_catalogue_is_a_typed_error() {
    for text in [nested_arrays(DEPTH), nested_objects(DEPTH)] {
        let e = KevCatalog::from_json(&text).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
    // The catalogue has many fields the engine does not read; they are skipped (serde_json
    // skips a value without recursing), however deep.
    let text = format!(
        r#"{{"vulnerabilities": [], "x": {}}}"#,
        nested_arrays(DEPTH)
    );
    assert!(KevCatalog::from_json(&text).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[test]
fn huge_and_non_finite_numbers_in_methodologies() {
    let json = Methodology::default().to_json();
    let weight = Methodology::default().factors()[0].weight;
    let needle = format!("\"weight\": {weight}");
    assert!(
        json.contains(&needle),
        "the default methodology's JSON has {needle}"
    );
    for bad in ["1e400", "-1e400", "1e999999999"] {
        let e = Methodology::from_json(&json.replacen(&needle, &format!("\"weight\": {bad}"), 1))
            .unwrap_err();
        assert_eq!(e.path(), "factors[0].weight", "{bad}: {e}");
    }
    // JSON has no NaN or infinity at all.
    for bad in ["NaN", "Infinity", "-Infinity"] {
        let e = Methodology::from_json(&json.replacen(&needle, &format!("\"weight\": {bad}"), 1))
            .unwrap_err();
        assert!(
            e.to_string().contains("factors[0].weight") || e.path().is_empty(),
            "{e}"
        );
    }
    // TOML has them, and also overflowing literals; every one is rejected where it stands.
    let toml = Methodology::default().to_toml();
    let needle = format!("weight = {weight}");
    assert!(toml.contains(&needle));
    for bad in ["nan", "+inf", "-inf", "1e400"] {
        let e = Methodology::from_toml(&toml.replacen(&needle, &format!("weight = {bad}"), 1))
            .unwrap_err();
        assert!(
            e.path() == "factors[0].weight" || e.to_string().contains("line"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn huge_numbers_in_actions_and_feeds() {
    // A count beyond u64 in an action: a number too large for a double is found as it is read
    // (at the field); an integer too large for u64 once the action is read whole, at the action
    // (like an unknown field, see the conformance vector error_what_if_unknown_field).
    let e = parse_actions(
        r#"[{"action": "set_metric", "metric": "mfa_coverage", "successes": 1, "trials": 1e400}]"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0].trials")
    );
    let e = parse_actions(
        r#"[{"action": "set_metric", "metric": "mfa_coverage", "successes": 1, "trials": 18446744073709551616}]"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::InvalidAction, "actions[0]")
    );
    // EPSS: an overflowing or non-finite probability is not a probability.
    for bad in ["1e400", "inf", "NaN", "-0.5"] {
        let e = EpssScores::from_csv(&format!("cve,epss,percentile\nCVE-2024-3400,{bad},0.5\n"))
            .unwrap_err();
        assert_eq!((e.line(), e.field()), (Some(2), Some("epss")), "{bad}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Long strings

#[test]
fn very_long_strings() {
    // Over Limits::max_string_bytes (4096 by default) in any string of a portfolio: a typed
    // limit_exceeded naming the field (errors.rs checks names and CVEs; here ids and the
    // supplier of a dependency, a megabyte long).
    let long = "x".repeat(1 << 20);
    let doc = format!(
        r#"{{"as_of": "2025-09-30", "organisations": [{{"id": "{long}"}},
            {{"id": "B", "dependencies": [{{"supplier": "{long}", "criticality": "low", "access": "none"}}]}}]}}"#
    );
    let e = risk_core::rate_json(&doc, &Methodology::default()).unwrap_err();
    let risk_core::Error::Input(e) = e else {
        panic!("not an input error: {e}")
    };
    let got: Vec<(ErrorCode, &str)> = e
        .problems()
        .iter()
        .map(|p| (p.code, p.path.as_str()))
        .collect();
    assert_eq!(
        got[..2],
        [
            (ErrorCode::LimitExceeded, "organisations[0].id"),
            (
                ErrorCode::LimitExceeded,
                "organisations[1].dependencies[0].supplier"
            ),
        ]
    );
    // A long string in an action names nothing the organisation has: a typed error, and the
    // message does not echo a megabyte back.
    let doc =
        parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
    let p = risk_core::validate(&doc, &Methodology::default()).unwrap();
    let actions = parse_actions(&format!(
        r#"[{{"action": "resolve_finding", "finding": "{long}"}}]"#
    ))
    .unwrap();
    let e = p.what_if("A", &actions).unwrap_err();
    assert_eq!(e.path(), "actions[0].finding");
    assert!(
        e.first().message.len() < 10_000,
        "{} bytes",
        e.first().message.len()
    );
    // Long strings in the feeds: an invalid CVE id, clipped in the message.
    let e = EpssScores::from_csv(&format!("cve,epss,percentile\n{long},0.1,0.5\n")).unwrap_err();
    assert_eq!(e.field(), Some("cve"));
    assert!(e.to_string().len() < 10_000);
    let e = KevCatalog::from_json(&format!(
        r#"{{"vulnerabilities": [{{"cveID": "{long}"}}]}}"#
    ))
    .unwrap_err();
    assert!(matches!(e.kind(), FeedErrorKind::InvalidCveId { .. }));
    assert!(e.to_string().len() < 10_000);
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys, BOMs, invalid UTF-8

#[test]
fn duplicate_keys_in_every_parser() {
    let e = parse_actions(r#"[{"action": "resolve_finding", "finding": "F", "finding": "G"}]"#)
        .unwrap_err();
    assert_eq!(e.path(), "actions[0].finding");
    let e = parse_actions(
        r#"[{"action": "resolve_finding", "action": "resolve_finding", "finding": "F"}]"#,
    )
    .unwrap_err();
    assert!(e.path().starts_with("actions[0]"), "{}", e.path());

    let json = Methodology::default().to_json();
    // The methodology names a missing or repeated field in the message, at its object's path.
    let e = Methodology::from_json(&json.replacen('{', r#"{"id": "dup","#, 1)).unwrap_err();
    assert_eq!(e.path(), "", "{e}");
    assert!(e.to_string().contains("duplicate field `id`"), "{e}");
    let toml = Methodology::default().to_toml();
    let e = Methodology::from_toml(&format!("id = \"dup\"\n{toml}")).unwrap_err();
    assert!(e.to_string().contains("line"), "{e}");

    let e = KevCatalog::from_json(r#"{"vulnerabilities": [], "vulnerabilities": []}"#).unwrap_err();
    assert!(!e.to_string().is_empty());
    let e = KevCatalog::from_json(
        r#"{"vulnerabilities": [{"cveID": "CVE-2024-3400", "cveID": "CVE-2024-3401"}]}"#,
    )
    .unwrap_err();
    // Like a missing field, a repeated one is named in the message, at its object's path.
    assert_eq!(e.path(), "vulnerabilities[0]");
    assert!(e.to_string().contains("duplicate field `cveID`"), "{e}");
}

#[test]
fn byte_order_marks_in_every_parser() {
    let bom = "\u{feff}";
    let m = Methodology::default();
    assert_eq!(
        Methodology::from_json(&format!("{bom}{}", m.to_json())).unwrap(),
        m
    );
    assert_eq!(
        Methodology::from_toml(&format!("{bom}{}", m.to_toml())).unwrap(),
        m
    );
    assert_eq!(
        Methodology::from_str_auto(&format!("{bom}{}", m.to_json())).unwrap(),
        m
    );
    assert_eq!(
        parse_actions(&format!(
            r#"{bom}[{{"action": "resolve_finding", "finding": "F"}}]"#
        ))
        .unwrap()
        .len(),
        1
    );
    // A second BOM is not white space.
    assert!(parse_actions(&format!("{bom}{bom}[]")).is_err());
    assert!(Methodology::from_json(&format!("{bom}{bom}{}", m.to_json())).is_err());
    assert!(
        parse_portfolio(&format!(
            r#"{bom}{bom}{{"as_of": "2025-09-30", "organisations": []}}"#
        ))
        .is_err()
    );
}

#[test]
fn invalid_utf8_in_byte_parsers() {
    for bad in [
        &b"\xff"[..],
        b"{\"as_of\": \"2025-09-30\", \"organisations\": [{\"id\": \"\xc3\"}]}",
        b"\xef\xbb\xbf\xed\xa0\x80",
    ] {
        assert_eq!(
            parse_portfolio_bytes(bad).unwrap_err().code(),
            ErrorCode::InvalidEncoding
        );
        assert!(matches!(
            KevCatalog::from_bytes(bad).unwrap_err().kind(),
            FeedErrorKind::InvalidEncoding { .. }
        ));
        assert!(matches!(
            EpssScores::from_bytes(bad).unwrap_err().kind(),
            FeedErrorKind::InvalidEncoding { .. }
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Quantification

#[test]
fn huge_loss_event_frequencies_are_a_typed_error_not_a_hang() {
    use risk_core::quant::{MAX_EVENTS, Mode, parse_simulation_input, simulate_json};
    // Compound mode samples every loss event: 10¹² a year would never finish.
    for freq in [
        r#"{"lef": 1e12}"#,
        r#"{"lef": 1e300}"#,
        r#"{"tef": {"type": "uniform", "min": 0, "max": 1e15}, "vulnerability": 0.5}"#,
        r#"{"lef": {"type": "lognormal", "mu": 0, "sigma": 40}}"#,
    ] {
        let doc = format!(
            r#"{{"trials": 10, "scenarios": [{{"name": "s", "frequency": {freq}, "primary_loss": 1}}]}}"#
        );
        let e = simulate_json(&doc).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("invalid_trials", "trials"),
            "{freq}: {e}"
        );
    }
    // The limit is on trials × mean events, summed over the scenarios.
    let doc = |trials: u64, lef: f64, mode: &str| {
        format!(
            r#"{{"trials": {trials}, "mode": "{mode}", "scenarios": [
                {{"name": "a", "frequency": {{"lef": {lef}}}, "primary_loss": 1}},
                {{"name": "b", "frequency": {{"lef": {lef}}}, "primary_loss": 1}}]}}"#
        )
    };
    let per_scenario = MAX_EVENTS as f64 / 2.0 / 1000.0;
    assert!(parse_simulation_input(&doc(1000, per_scenario, "compound")).is_ok());
    let e = parse_simulation_input(&doc(1000, per_scenario * 1.001, "compound")).unwrap_err();
    assert!(e.to_string().contains("scenarios[1]"), "{e}");
    // Expected mode draws one rate and one magnitude per trial, whatever the rate.
    let input = parse_simulation_input(&doc(10, 1e12, "expected")).unwrap();
    assert_eq!(input.mode, Mode::Expected);
    let r = simulate_json(&doc(10, 1e12, "expected")).unwrap();
    assert_eq!(r.total.mean, 2e12);
}

#[test]
fn overflowing_losses_are_a_typed_error() {
    use risk_core::quant::simulate_json;
    // Found by the quant fuzz target: a lognormal secondary loss with σ ≈ 8.9·10³² draws ∞ (and
    // 0 × ∞ = NaN in expected mode); the report's sd and contributions were NaN.
    let e = simulate_json(
        r#"{"trials": 500, "seed": 9, "mode": "expected", "scenarios": [
          {"name": "a", "frequency": {"lef": 1}, "primary_loss": 10},
          {"name": "b", "frequency": {"lef": {"type": "uniform", "min": 0, "max": 3}},
           "primary_loss": {"type": "normal", "mean": 1000, "sd": 600},
           "secondary": {"probability": {"type": "pert", "min": 0, "mode": 0.2, "max": 0.9},
                         "loss": {"type": "lognormal", "mu": 21, "sigma": 888888888888888888888888888888881}}}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("invalid_parameter", "scenarios[1]"),
        "{e}"
    );
    // Finite draws whose sums overflow: twenty losses of 10³⁰⁸ in a year, or one of 10³⁰⁸ in
    // each of two scenarios (each scenario's figures are finite, the total's are not).
    let e = simulate_json(
        r#"{"trials": 10, "scenarios": [{"name": "a", "frequency": {"lef": 20}, "primary_loss": 1e308}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("invalid_parameter", "scenarios[0]"),
        "{e}"
    );
    let e = simulate_json(
        r#"{"trials": 1, "mode": "expected", "scenarios": [
          {"name": "a", "frequency": {"lef": 1}, "primary_loss": 1e308},
          {"name": "b", "frequency": {"lef": 1}, "primary_loss": 1e308}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        ("invalid_parameter", "scenarios"),
        "{e}"
    );
    // Large losses whose figures a double holds are fine. (The sd squares deviations from the
    // mean, whose rounding alone is about 10⁻¹⁶ of it, so means beyond about 10¹⁶⁰ overflow it.)
    let r = simulate_json(
        r#"{"trials": 10, "mode": "expected", "scenarios": [
          {"name": "a", "frequency": {"lef": 1}, "primary_loss": 1e150}]}"#,
    )
    .unwrap();
    assert!((r.total.mean - 1e150).abs() <= 1e135);
    assert!(r.total.sd.is_finite());
}
