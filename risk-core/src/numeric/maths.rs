//! Transcendental functions from the `libm` crate, so every platform (native, WASM) computes
//! bit-identical results rather than whatever its C library's `log`/`exp` return.

#[inline]
pub(crate) fn ln(x: f64) -> f64 {
    libm::log(x)
}

#[inline]
pub(crate) fn ln1p(x: f64) -> f64 {
    libm::log1p(x)
}

#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    libm::exp(x)
}

#[inline]
pub(crate) fn exp2(x: f64) -> f64 {
    libm::exp2(x)
}

/// 1 / (1 + e^(−x)).
#[inline]
pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}
