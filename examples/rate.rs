//! Placeholder until the sample generator lands.
fn main() {}
