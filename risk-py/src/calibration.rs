//! calibration-v1: `riskrating._riskrating._calibrate`, wrapped by `riskrating.calibrate` and
//! `riskrating.evaluate_calibration` (python/riskrating/calibration.py).
//!
//! The three documents go to the core as bytes (a path is read, text is encoded, a dict is
//! serialised once), so the report's `data_digest` is that of the bytes given, as in the Rust
//! example `calibrate`. The report crosses as its JSON text.

use std::sync::Arc;

use pyo3::prelude::*;
use risk_core::Methodology;

use crate::convert::read_file;
use crate::errors::{Failure, detached};
use crate::methodology::PyMethodology;
use crate::portfolio::Document;

/// The bytes of a document as given.
fn bytes_of(doc: &Document) -> Result<Vec<u8>, Failure> {
    Ok(match doc {
        Document::Parsed(p) => serde_json::to_vec(p.as_ref()).unwrap_or_default(),
        Document::Text(t) => t.as_bytes().to_vec(),
        Document::Bytes(b) => b.to_vec(),
        Document::File(path) => read_file(path)?,
    })
}

/// Fit (`fit=True`) or evaluate: `(report JSON text, fitted methodology or None)`.
#[pyfunction]
#[pyo3(signature = (portfolio, incidents, config, methodology=None, fit=true))]
pub fn _calibrate(
    py: Python<'_>,
    portfolio: &Bound<'_, PyAny>,
    incidents: &Bound<'_, PyAny>,
    config: &Bound<'_, PyAny>,
    methodology: Option<&Bound<'_, PyMethodology>>,
    fit: bool,
) -> PyResult<(String, Option<PyMethodology>)> {
    let docs = [
        Document::extract(portfolio)?,
        Document::extract(incidents)?,
        Document::extract(config)?,
    ];
    let m = PyMethodology::resolve(methodology);
    let (json, fitted) = detached(py, || {
        let [p, i, c] = [
            bytes_of(&docs[0])?,
            bytes_of(&docs[1])?,
            bytes_of(&docs[2])?,
        ];
        let r = if fit {
            risk_core::calibration::calibrate_bytes(&p, &i, &c, &m)?
        } else {
            risk_core::calibration::evaluate_bytes(&p, &i, &c, &m)?
        };
        let fitted: Option<Arc<Methodology>> = r.fitted_methodology.clone().map(Arc::new);
        Ok((r.to_json(), fitted))
    })?;
    Ok((json, fitted.map(|inner| PyMethodology { inner })))
}
