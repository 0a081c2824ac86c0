//! Fuzz target `ingest_ocsf`: see [`risk_fuzz::checks::check_ingest_ocsf`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_ingest_ocsf(data));
