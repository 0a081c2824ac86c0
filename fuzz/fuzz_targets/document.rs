//! Fuzz target `document`: see [`risk_fuzz::checks::check_document`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_document(data));
