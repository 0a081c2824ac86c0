//! The one error vocabulary: every code is named once, listed in `error_codes()`, and every error
//! exposes code, path and problems (code, path, field, message) in one shape.

use risk_core::error::{ErrorProblem, error_codes};
use risk_core::feeds::{EpssScores, KevCatalog};
use risk_core::{Error, ErrorCode, Methodology};

#[test]
fn serde_names_are_the_codes_names() {
    for code in ErrorCode::ALL {
        let json = serde_json::to_string(code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        let back: ErrorCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, *code);
        assert_eq!(ErrorCode::from_name(code.as_str()), Some(*code));
    }
    assert!(serde_json::from_str::<ErrorCode>("\"no_such_code\"").is_err());
}

#[test]
fn the_list_is_sorted_unique_and_covers_every_family() {
    let codes = error_codes();
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
    for c in ErrorCode::ALL {
        assert!(codes.contains(&c.as_str()), "{c}");
    }
    for c in risk_core::feeds::FeedErrorKind::CODES
        .iter()
        .chain(risk_core::quant::QuantError::CODES)
    {
        assert!(codes.contains(c), "{c}");
    }
    for c in ["invalid_methodology", "internal_error"] {
        assert!(codes.contains(&c), "{c}");
    }
}

/// Errors of every family, as the engine makes them.
fn samples() -> Vec<Error> {
    vec![
        risk_core::parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "X", "colour": 1}]}"#)
            .unwrap_err()
            .into(),
        Methodology::from_json(r#"{"id": "x"}"#).unwrap_err().into(),
        EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n").unwrap_err().into(),
        EpssScores::from_bytes(&[0x1f, 0x8b, 0]).unwrap_err().into(),
        EpssScores::from_csv("").unwrap_err().into(),
        EpssScores::from_csv("cve,epss\n").unwrap_err().into(),
        EpssScores::from_csv("#x\ncve,epss,percentile\n").unwrap_err().into(),
        EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,0.5\n").unwrap_err().into(),
        EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,x,0.5\n").unwrap_err().into(),
        EpssScores::from_csv("cve,epss,percentile\nCVE-24,0.5,0.5\n").unwrap_err().into(),
        EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,0.5,0.5\nCVE-2024-3400,0.5,0.5\n")
            .unwrap_err()
            .into(),
        KevCatalog::from_json("{").unwrap_err().into(),
        KevCatalog::from_json("{}").unwrap_err().into(),
        KevCatalog::from_json(r#"{"vulnerabilities": 3}"#).unwrap_err().into(),
        KevCatalog::from_bytes(&[b'{', 0xff]).unwrap_err().into(),
        risk_core::quant::simulate_json(r#"{"trials": 0, "scenarios": []}"#).unwrap_err().into(),
        risk_core::quant::simulate_json(
            r#"{"scenarios": [{"name": "a", "frequency": {"lef": 1}, "primary_loss": {"type": "pert", "min": 5, "mode": 1, "max": 9}}]}"#,
        )
        .unwrap_err()
        .into(),
    ]
}

#[test]
fn every_error_has_a_listed_code_and_problems_in_one_shape() {
    let codes = error_codes();
    for e in samples() {
        assert!(codes.contains(&e.code()), "{} not listed ({e})", e.code());
        let problems = e.problems();
        assert!(!problems.is_empty(), "{e}");
        assert_eq!(
            (problems[0].code, problems[0].path.as_str()),
            (e.code(), e.path()),
            "{e}"
        );
        for p in &problems {
            assert!(codes.contains(&p.code));
            assert!(!p.message.is_empty());
        }
    }
    // The feed samples make every feed code: `FeedErrorKind::CODES` lists exactly those.
    let mut made: Vec<&str> = samples()
        .iter()
        .filter(|e| matches!(e, Error::Feed(_)))
        .map(|e| e.code())
        .collect();
    made.sort_unstable();
    made.dedup();
    let mut listed = risk_core::feeds::FeedErrorKind::CODES.to_vec();
    listed.sort_unstable();
    assert_eq!(made, listed);
}

#[test]
fn problems_name_the_field_and_the_place_apart_from_the_message() {
    let e: Error = risk_core::parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [{"id": "X", "peer_group": 3}]}"#,
    )
    .unwrap_err()
    .into();
    let p: &ErrorProblem = &e.problems()[0];
    assert_eq!(p.field.as_deref(), Some("peer_group"));
    assert_eq!((p.line, p.column.is_some()), (Some(1), true));
    assert!(!p.message.contains(" at line "), "{}", p.message);
    // The error's own text keeps the place.
    assert!(e.to_string().contains(" at line 1 column "));

    let feed: Error = EpssScores::from_csv("cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n")
        .unwrap_err()
        .into();
    let p = &feed.problems()[0];
    assert_eq!(
        (p.code, p.field.as_deref(), p.line),
        ("not_a_probability", Some("epss"), Some(2))
    );
}

#[test]
fn paths_are_re_rooted_under_an_argument_name() {
    let parse = |t: &str| risk_core::parse::from_json_text::<Vec<risk_core::Date>>(t).unwrap_err();
    assert_eq!(
        parse(r#"["2025-01-01", 3]"#).under("dates").path(),
        "dates[1]"
    );
    assert_eq!(parse("{").under("dates").path(), "dates");
    let e: Error = risk_core::quant::simulate_json(r#"{"trials": 0, "scenarios": []}"#)
        .unwrap_err()
        .into();
    assert_eq!(e.under("input").path(), "input.trials");
}
