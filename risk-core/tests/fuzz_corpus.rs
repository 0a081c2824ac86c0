//! Replay of the committed fuzz corpora on stable, in the ordinary test suite.
//!
//! Every file under `fuzz/corpus/<target>/` goes through the same checks as the libFuzzer target
//! of that name (`fuzz/src/checks.rs`, included here, so the checks are written once). The corpora
//! are the seed documents plus the inputs the fuzzer found that reach new code, minimised with
//! `cargo fuzz cmin`; the inputs that once crashed the engine are tested by name below as well.

#[allow(dead_code)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

/// Run `check` on every file of a target's corpus; report every failing file by name.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    // The corpus is committed: an empty one means it went missing, not that all is well.
    assert!(
        files.len() >= 3,
        "{}: only {} files",
        dir.display(),
        files.len()
    );
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {msg}", f.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs fail:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn document_corpus() {
    replay("document", checks::check_document);
}

#[test]
fn methodology_corpus() {
    replay("methodology", checks::check_methodology);
}

#[test]
fn feeds_corpus() {
    replay("feeds", checks::check_feeds);
}

#[test]
fn ingest_ocsf_corpus() {
    replay("ingest_ocsf", checks::check_ingest_ocsf);
}

#[test]
fn ingest_nessus_corpus() {
    replay("ingest_nessus", checks::check_ingest_nessus);
}

/// The checks themselves catch what they claim to: a rating out of its bounds fails them.
#[test]
fn checks_reject_out_of_bounds_ratings() {
    let doc = risk_core::parse_portfolio(checks::FIXED_DOCUMENT).unwrap();
    let rating = risk_core::rate(&doc, &risk_core::Methodology::default()).unwrap();
    checks::check_portfolio_rating(&rating, doc.organisations.len());
    let mut bad = rating.ratings[0].clone();
    let breaks: [fn(&mut risk_core::Rating); 6] = [
        |r| r.interval[0] = r.score + 1.0,
        |r| r.interval[1] = 900.5,
        |r| r.score = f64::NAN,
        |r| r.probability_interval[1] = r.probability / 2.0,
        |r| r.coverage = f64::INFINITY,
        |r| r.factors[0].lower = -0.0001,
    ];
    for (i, b) in breaks.iter().enumerate() {
        let mut r = rating.ratings[0].clone();
        b(&mut r);
        assert!(
            catch_unwind(AssertUnwindSafe(|| checks::check_rating(&r))).is_err(),
            "break {i} not caught"
        );
    }
    bad.interval = [250.0, 900.0];
    checks::check_rating(&bad);
}

#[test]
fn quant_corpus() {
    replay("quant", checks::check_quant);
}
