//! The bodies of risk-core's fuzz targets, shared with the corpus replay test
//! (`risk-core/tests/fuzz_corpus.rs`), which includes `checks.rs` directly.
#![forbid(unsafe_code)]

pub mod checks;
