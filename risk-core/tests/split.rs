//! The split pipeline (`rate_internal` per organisation, `rate_from_internal` over the graph)
//! equals `rate` bit for bit: on random portfolios (proptest), on every `rate` conformance
//! vector, and on the bundled sample, with the per-organisation results sent through JSON (as
//! they cross a process boundary) and handed back in another order. Equality is checked on the
//! JSON text of the output document: ryu writes the shortest text that reads back to the same
//! bits, so equal text is equal bits (and `-0.0` differs from `0.0`).

mod common;

use std::path::Path;

use proptest::prelude::*;
use risk_core::rating::split::{graph_only, without_dependencies};
use risk_core::{
    InternalRating, Methodology, Portfolio, parse_portfolio_bytes, rate, rate_from_internal,
    rate_internal, validate,
};
use serde_json::Value;

/// The split path with the per-organisation results in `chunks` processes (round robin), sent
/// through JSON, gathered in reverse order.
fn split_json(p: &Portfolio, m: &Methodology, chunks: usize) -> String {
    let mut parts: Vec<Portfolio> = (0..chunks)
        .map(|_| Portfolio {
            organisations: Vec::new(),
            ..p.clone()
        })
        .collect();
    for (i, o) in p.organisations.iter().enumerate() {
        parts[i % chunks].organisations.push(o.clone());
    }
    let mut gathered: Vec<InternalRating> = Vec::new();
    for part in &parts {
        let internal = rate_internal(part, m).expect("evidence validates");
        let text = serde_json::to_string(&internal).unwrap();
        gathered.extend(serde_json::from_str::<Vec<InternalRating>>(&text).unwrap());
    }
    gathered.reverse();
    let out = rate_from_internal(&graph_only(p), m, &gathered).expect("graph half rates");
    serde_json::to_string(&out).unwrap()
}

/// `rate`'s output without its provenance block: the graph half never sees the whole document,
/// so the split path carries none (`rating::split`); every rated figure must be identical.
fn whole_json(p: &Portfolio, m: &Methodology) -> String {
    let mut r = rate(p, m).expect("portfolio rates");
    assert!(r.provenance.is_some());
    r.provenance = None;
    serde_json::to_string(&r).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn split_equals_rate_bit_for_bit(p in common::portfolio(), chunks in 1usize..4) {
        let m = Methodology::default();
        prop_assert_eq!(split_json(&p, &m, chunks), whole_json(&p, &m));
    }
}

#[test]
fn split_equals_rate_on_every_rate_vector() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let m = Methodology::default();
    let mut n = 0;
    for case in manifest["cases"].as_array().unwrap() {
        if case["kind"] != "rate" {
            continue;
        }
        let bytes = std::fs::read(dir.join(case["input"].as_str().unwrap())).unwrap();
        let Ok(doc) = parse_portfolio_bytes(&bytes) else {
            continue;
        };
        if validate(&doc, &m).is_err() {
            continue;
        }
        assert_eq!(
            split_json(&doc, &m, 2),
            whole_json(&doc, &m),
            "{}",
            case["name"]
        );
        n += 1;
    }
    assert!(n >= 15, "only {n} rating vectors ran");
}

#[test]
fn split_equals_rate_on_the_sample() {
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let m = Methodology::default();
    assert_eq!(split_json(&p, &m, 3), whole_json(&p, &m));
}

fn small() -> Portfolio {
    risk_core::parse_portfolio(
        r#"{"as_of": "2025-09-30", "organisations": [
        {"id": "A", "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}],
         "metrics": [{"metric": "mfa_coverage", "successes": 9, "trials": 10,
                      "observed_on": "2025-09-01"}]},
        {"id": "B"}]}"#,
    )
    .unwrap()
}

fn split_err(internal: &[InternalRating]) -> (String, String) {
    let e = rate_from_internal(&small(), &Methodology::default(), internal).unwrap_err();
    (e.code().to_owned(), e.path().to_owned())
}

#[test]
fn results_that_do_not_fit_the_graph_are_rejected_with_their_path() {
    let m = Methodology::default();
    let good = rate_internal(&small(), &m).unwrap();
    let pair = |c: &str, p: &str| (c.to_owned(), p.to_owned());

    assert_eq!(
        split_err(&good[..1]),
        pair("missing_organisation", "organisations[1].id")
    );
    let mut dup = good.clone();
    dup.push(good[0].clone());
    assert_eq!(
        split_err(&dup),
        pair("duplicate_organisation", "internal[2].id")
    );
    let mut unknown = good.clone();
    unknown[1].id = "Z".into();
    assert_eq!(
        split_err(&unknown),
        pair("unknown_organisation", "internal[1].id")
    );
    let mut date = good.clone();
    date[1].as_of = "2025-10-01".parse().unwrap();
    assert_eq!(
        split_err(&date),
        pair("internal_mismatch", "internal[1].as_of")
    );
    let mut meth = good.clone();
    meth[0].methodology_version = "0".into();
    assert_eq!(
        split_err(&meth),
        pair("internal_mismatch", "internal[0].methodology")
    );
    let mut factors = good.clone();
    factors[0].factors.pop();
    assert_eq!(
        split_err(&factors),
        pair("internal_mismatch", "internal[0].factors")
    );
    // The evidence half ignores dependency edges (the supplier may live in another process).
    let mut alone = without_dependencies(&small());
    alone.organisations.truncate(1);
    let mut with_edge = small();
    with_edge.organisations.truncate(1);
    assert_eq!(
        rate_internal(&with_edge, &m).unwrap(),
        rate_internal(&alone, &m).unwrap()
    );
}

/// Arrow string columns as a binding hands them over: the results in two chunks, the second a
/// slice (array offset 1) of larger buffers with 64-bit offsets and a validity bitmap.
struct Columns {
    small: (Vec<i32>, Vec<u8>, Option<Vec<u8>>),
    large: (Vec<i64>, Vec<u8>, Vec<u8>),
    split: usize,
}

impl Columns {
    /// Rows `texts`, the first `split` in a `utf8` chunk, the rest in a sliced `large_utf8` one
    /// (`None` rows null).
    fn new(texts: &[Option<Vec<u8>>], split: usize) -> Self {
        // A validity bitmap only when the chunk has nulls.
        let nulls = texts[..split].iter().any(Option::is_none);
        let mut small = (
            vec![0i32],
            Vec::new(),
            nulls.then(|| vec![0u8; split.div_ceil(8)]),
        );
        for (r, t) in texts[..split].iter().enumerate() {
            if let Some(t) = t {
                small.1.extend_from_slice(t);
                if let Some(v) = &mut small.2 {
                    v[r / 8] |= 1 << (r % 8);
                }
            }
            small.0.push(small.1.len() as i32);
        }
        // A leading row that is not part of the slice, then the rest.
        let mut large = (
            vec![0i64, 7],
            b"garbage".to_vec(),
            vec![0u8; texts.len().div_ceil(8) + 1],
        );
        for (r, t) in texts[split..].iter().enumerate() {
            if let Some(t) = t {
                large.1.extend_from_slice(t);
                large.2[(r + 1) / 8] |= 1 << ((r + 1) % 8);
            }
            large.0.push(large.1.len() as i64);
        }
        Columns {
            small,
            large,
            split,
        }
    }

    fn chunks(&self) -> Vec<risk_core::rating::split::TextChunk<'_>> {
        use risk_core::rating::split::{TextChunk, TextOffsets};
        vec![
            TextChunk {
                offsets: TextOffsets::Small(&self.small.0),
                data: &self.small.1,
                validity: self.small.2.as_deref(),
                offset: 0,
                len: self.split,
            },
            TextChunk {
                offsets: TextOffsets::Large(&self.large.0),
                data: &self.large.1,
                validity: Some(&self.large.2),
                offset: 1,
                len: self.large.0.len() - 2,
            },
        ]
    }
}

fn columns_err(ids: &Columns, texts: &Columns) -> (String, String, String) {
    let e = risk_core::rating::split::parse_internal_columns(&ids.chunks(), &texts.chunks())
        .unwrap_err();
    (e.code().to_owned(), e.path().to_owned(), e.to_string())
}

#[test]
fn arrow_columns_read_like_texts_and_name_a_bad_row() {
    use risk_core::rating::split::{internal_to_json, parse_internal, parse_internal_columns};
    let p = risk_core::sample::sample_portfolio(&Default::default());
    let m = Methodology::default();
    let internal = rate_internal(&p, &m).unwrap();
    let n = internal.len();
    let split = n / 3;
    let ids: Vec<Option<Vec<u8>>> = internal
        .iter()
        .map(|r| Some(r.id.clone().into_bytes()))
        .collect();
    let texts: Vec<Option<Vec<u8>>> = internal
        .iter()
        .map(|r| Some(internal_to_json(r).into_bytes()))
        .collect();
    let id_cols = Columns::new(&ids, split);
    let parsed =
        parse_internal_columns(&id_cols.chunks(), &Columns::new(&texts, split).chunks()).unwrap();
    let strings: Vec<String> = internal.iter().map(internal_to_json).collect();
    assert_eq!(parsed, parse_internal(&strings).unwrap());
    assert_eq!(parsed, internal);

    // Every problem names its row (and the row's organisation): in the first chunk and in the
    // sliced second one.
    for k in [1, split + 2] {
        let org = &internal[k].id;
        let mut bad = texts.clone();
        bad[k].as_mut().unwrap()[0] = b'[';
        let (code, path, text) = columns_err(&id_cols, &Columns::new(&bad, split));
        assert_eq!(
            (code.as_str(), path),
            ("malformed_json", format!("internal[{k}]"))
        );
        assert!(text.contains(&format!("organisation `{org}`")), "{text}");

        let mut null = texts.clone();
        null[k] = None;
        let (code, path, text) = columns_err(&id_cols, &Columns::new(&null, split));
        assert_eq!(
            (code.as_str(), path),
            ("missing_field", format!("internal[{k}]"))
        );
        assert!(text.contains(&format!("organisation `{org}`")), "{text}");

        let mut other = texts.clone();
        other[k] = texts[k - 1].clone();
        let (code, path, _) = columns_err(&id_cols, &Columns::new(&other, split));
        assert_eq!(
            (code.as_str(), path),
            ("internal_mismatch", format!("internal[{k}].id"))
        );

        let mut no_id = ids.clone();
        no_id[k] = None;
        let (code, path, _) =
            columns_err(&Columns::new(&no_id, split), &Columns::new(&texts, split));
        assert_eq!(
            (code.as_str(), path),
            ("missing_field", format!("organisation[{k}]"))
        );

        let mut latin1 = ids.clone();
        latin1[k] = Some(b"caf\xe9".to_vec());
        let (code, path, _) =
            columns_err(&Columns::new(&latin1, split), &Columns::new(&texts, split));
        assert_eq!(
            (code.as_str(), path),
            ("invalid_encoding", format!("organisation[{k}]"))
        );
    }
    // The first problem in row order is reported, however the rows are parsed.
    let mut two = texts.clone();
    two[n - 1] = None;
    two[split + 2] = None;
    let (_, path, _) = columns_err(&id_cols, &Columns::new(&two, split));
    assert_eq!(path, format!("internal[{}]", split + 2));

    // Buffers that are not an Arrow string column, and columns of different lengths.
    let mut cols = Columns::new(&texts, split);
    *cols.large.0.last_mut().unwrap() += 1;
    let (code, path, text) = columns_err(&id_cols, &cols);
    assert_eq!(
        (code.as_str(), path.as_str()),
        ("wrong_type", "internal"),
        "{text}"
    );
    let mut cols = Columns::new(&texts, split);
    cols.small.0[1] = -1;
    assert_eq!(columns_err(&id_cols, &cols).1, "internal");
    let mut cols = Columns::new(&texts, split);
    cols.large.2.truncate(0);
    assert_eq!(columns_err(&id_cols, &cols).0, "wrong_type");
    let (code, path, _) = columns_err(&id_cols, &Columns::new(&texts[..n - 1], split));
    assert_eq!((code.as_str(), path.as_str()), ("wrong_type", "internal"));
}
