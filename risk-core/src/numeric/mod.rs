//! Deterministic numerics: the libm wrappers that keep results bit-identical across platforms,
//! and the Beta quantile.

pub(crate) mod beta;
pub(crate) mod fastexp;
pub(crate) mod maths;
