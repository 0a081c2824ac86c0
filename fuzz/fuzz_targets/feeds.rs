//! Fuzz target `feeds`: see [`risk_fuzz::checks::check_feeds`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| risk_fuzz::checks::check_feeds(data));
