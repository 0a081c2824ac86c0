//! Fuzz target `quant`: see [`risk_fuzz::checks::check_quant`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_quant(data));
