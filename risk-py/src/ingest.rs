//! Telemetry exports (OCSF, Nessus) in, evidence out. The engine reads and decides everything
//! (`risk_core::ingest`); this module opens files, converts arguments and results.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor};
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;
use risk_core::ingest::{Format, IngestOptions, ingest_readers};

use crate::errors::{Failure, detached};
use crate::feeds::PyKevCatalog;
use crate::json;
use crate::portfolio::{Document, PyPortfolio};

/// One input as Python passes it: name, format name, a path to stream, or the bytes.
type PySource = (String, Option<String>, Option<PathBuf>, Option<Vec<u8>>);

/// Ingest exports: ``sources`` are ``(name, format, path, data)`` (format ``"ocsf"``,
/// ``"nessus"`` or ``None`` to detect it; a ``path`` is streamed, else ``data`` is read), and
/// ``options`` the ingest options as JSON text. Returns the evidence as a ``Portfolio`` and the
/// ingest report as JSON text. Use ``riskrating.ingest.ocsf`` / ``.nessus`` instead.
#[pyfunction]
#[pyo3(signature = (sources, options, kev=None))]
pub fn ingest<'py>(
    py: Python<'py>,
    sources: Vec<PySource>,
    options: String,
    kev: Option<PyRef<'_, PyKevCatalog>>,
) -> PyResult<(PyPortfolio, Bound<'py, PyString>)> {
    let kev = kev.map(|k| k.inner.clone());
    let (portfolio, report) = detached(py, move || -> Result<_, Failure> {
        let mut options = IngestOptions::from_json(&options).map_err(risk_core::Error::from)?;
        options.kev = kev.map(|k| (*k).clone());
        let mut readers: Vec<(String, Option<Format>, Box<dyn BufRead + Send>)> = Vec::new();
        for (name, format, path, data) in sources {
            let reader: Box<dyn BufRead + Send> = match path {
                Some(p) => Box::new(BufReader::with_capacity(
                    1 << 16,
                    File::open(&p).map_err(|e| Failure::io(&p, e))?,
                )),
                None => Box::new(Cursor::new(data.unwrap_or_default())),
            };
            readers.push((name, format.as_deref().and_then(Format::from_name), reader));
        }
        let out = ingest_readers(readers, options)?;
        Ok((out.portfolio, json::to_string(&out.report)?))
    })?;
    Ok((
        PyPortfolio::new(Arc::new(portfolio)),
        json::text(py, &report)?,
    ))
}

/// ``base`` (any document form :func:`riskrating.rate` takes) with the evidence of
/// ``evidence`` appended to the organisations of the same id, which are added when missing
/// (``risk_core::ingest::merge_evidence``). Use ``Ingested.merge_into`` instead.
#[pyfunction]
pub fn merge_evidence(
    py: Python<'_>,
    base: &Bound<'_, PyAny>,
    evidence: PyRef<'_, PyPortfolio>,
) -> PyResult<PyPortfolio> {
    let doc = Document::extract(base)?;
    let evidence = evidence.inner.clone();
    let merged = detached(py, move || -> Result<_, Failure> {
        let base = doc.load()?;
        Ok(risk_core::ingest::merge_evidence(&base, &evidence))
    })?;
    Ok(PyPortfolio::new(Arc::new(merged)))
}
