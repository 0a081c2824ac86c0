//! Fuzz target `methodology`: see [`risk_fuzz::checks::check_methodology`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_methodology(data));
