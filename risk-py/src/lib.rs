//! Python bindings for riskrating: a thin PyO3 layer over `risk-core`.
#![forbid(unsafe_code)]

use pyo3::prelude::*;

/// The riskrating Python module.
#[pymodule]
fn riskrating(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
