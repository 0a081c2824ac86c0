//! Fuzz target `ingest_nessus`: see [`risk_fuzz::checks::check_ingest_nessus`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_ingest_nessus(data));
