//! Evidence as long tables: the sample round-trips through tables to the same document (and so
//! the same rating), and bad rows are reported at table, row and column with the organisation.

use risk_core::input::tables::{Column, Tables, portfolio_from_tables, portfolio_to_tables};
use risk_core::{Methodology, rate};

#[test]
fn the_sample_round_trips_through_tables() {
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let m = Methodology::default();
    let back = portfolio_from_tables(p.as_of, &portfolio_to_tables(&p), &m).unwrap();
    assert_eq!(back, p);
    assert_eq!(
        serde_json::to_string(&rate(&back, &m).unwrap()).unwrap(),
        serde_json::to_string(&rate(&p, &m).unwrap()).unwrap()
    );
}

fn problems(t: &Tables) -> Vec<(String, String, String)> {
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let e = portfolio_from_tables(p.as_of, t, &Methodology::default()).unwrap_err();
    e.problems()
        .iter()
        .map(|p| {
            (
                p.code.as_str().to_owned(),
                p.path.clone(),
                p.message.clone(),
            )
        })
        .collect()
}

#[test]
fn bad_rows_name_table_row_column_and_organisation() {
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let base = portfolio_to_tables(&p);
    let org_of = |t: &Tables, table: &str, r: usize| match &t[table]["organisation"] {
        Column::Text(v) => v[r].clone().unwrap(),
        _ => unreachable!(),
    };

    // A value the engine rejects (validation), relocated to its row.
    let mut t = base.clone();
    if let Some(Column::Number(v)) = t.get_mut("findings").unwrap().get_mut("epss") {
        v[5] = Some(1.5);
    }
    let got = problems(&t);
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("invalid_probability", "findings[5].epss")
    );
    assert!(
        got[0]
            .2
            .contains(&format!("organisation `{}`", org_of(&t, "findings", 5))),
        "{got:?}"
    );

    // A value the table reader rejects.
    let mut t = base.clone();
    if let Some(Column::Text(v)) = t.get_mut("assessments").unwrap().get_mut("outcome") {
        v[3] = Some("fine".into());
    }
    let got = problems(&t);
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("unknown_value", "assessments[3].outcome")
    );
    assert!(got[0].2.contains(&org_of(&t, "assessments", 3)), "{got:?}");

    // A null in a required column, a negative count, an unknown organisation.
    let mut t = base.clone();
    let metrics = t.get_mut("metrics").unwrap();
    if let Some(Column::Integer(v)) = metrics.get_mut("trials") {
        v[0] = None;
        v[1] = Some(-1);
    }
    if let Some(Column::Text(v)) = metrics.get_mut("organisation") {
        v[2] = Some("NOPE".into());
    }
    let got: Vec<(String, String)> = problems(&t).into_iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(
        got,
        [("missing_field".to_owned(), "metrics[0].trials".to_owned()),]
    );
    let mut t = base.clone();
    let metrics = t.get_mut("metrics").unwrap();
    if let Some(Column::Integer(v)) = metrics.get_mut("trials") {
        v[1] = Some(-1);
    }
    if let Some(Column::Text(v)) = metrics.get_mut("organisation") {
        v[2] = Some("NOPE".into());
    }
    let got: Vec<(String, String)> = problems(&t).into_iter().map(|p| (p.0, p.1)).collect();
    assert_eq!(
        got,
        [
            ("invalid_count".to_owned(), "metrics[1].trials".to_owned()),
            (
                "unknown_organisation".to_owned(),
                "metrics[2].organisation".to_owned()
            ),
        ]
    );

    // Unknown tables and columns, wrong column types, a missing required column.
    let mut t = base.clone();
    t.insert("scans".into(), Default::default());
    let f = t.get_mut("findings").unwrap();
    f.insert("severity".into(), Column::Number(vec![]));
    let epss = f.remove("epss").unwrap();
    f.insert("epss".into(), Column::Text(vec![None; epss.len()]));
    t.get_mut("dependencies").unwrap().remove("access");
    let got: Vec<(String, String)> = problems(&t).into_iter().map(|p| (p.0, p.1)).collect();
    let want = [
        ("missing_field", "dependencies.access"),
        ("wrong_type", "findings.epss"),
        ("unknown_field", "findings.severity"),
        ("unknown_field", "scans"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
}
