//! Threat feeds: the CISA KEV catalogue and FIRST EPSS scores, and enriching a portfolio's
//! findings from them. The engine parses and enriches; this module converts.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyString};
use risk_core::feeds::{EpssScores, KevCatalog};

use crate::convert::read_file;
use crate::errors::{Failure, detached};
use crate::json;
use crate::portfolio::Document;
use crate::portfolio::PyPortfolio;

/// Feed content as str (text) or bytes. A str is always the feed's text, never a file name:
/// `from_file` reads files.
enum FeedSource {
    Text(PyBackedStr),
    Bytes(Vec<u8>),
}

impl FeedSource {
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(FeedSource::Text(s.clone().try_into()?));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(FeedSource::Bytes(b.as_bytes().to_vec()));
        }
        Ok(FeedSource::Bytes(obj.extract::<Vec<u8>>()?))
    }
}

/// The CISA Known Exploited Vulnerabilities catalogue, indexed by CVE id.
///
/// Load the catalogue JSON as CISA publishes it (``known_exploited_vulnerabilities.json``).
/// The library never fetches it: download it yourself and pass the text or the file.
///
/// >>> kev = riskrating.KevCatalog.from_json('{"catalogVersion": "2025.08.25", '
/// ...     '"vulnerabilities": [{"cveID": "CVE-2024-3400", "dateAdded": "2024-04-12"}]}')
/// >>> len(kev), "CVE-2024-3400" in kev, kev.meta["catalog_version"]
/// (1, True, '2025.08.25')
/// >>> riskrating.KevCatalog.from_json('{"vulnerabilities": [{"cveID": "CVE-24"}]}')
/// Traceback (most recent call last):
/// ...
/// riskrating.FeedError: KEV catalogue: vulnerabilities[0].cveID: `CVE-24` is not a CVE id of the form CVE-YYYY-NNNN (4 to 19 digits)
#[pyclass(name = "KevCatalog", module = "riskrating", frozen)]
pub struct PyKevCatalog {
    pub(crate) inner: Arc<KevCatalog>,
}

#[pymethods]
impl PyKevCatalog {
    /// Parse the catalogue from its JSON text (str or bytes).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let src = FeedSource::extract(text)?;
        let inner = detached(py, || -> Result<_, Failure> {
            Ok(match &src {
                FeedSource::Text(t) => KevCatalog::from_json(t)?,
                FeedSource::Bytes(b) => KevCatalog::from_bytes(b)?,
            })
        })?;
        Ok(PyKevCatalog {
            inner: Arc::new(inner),
        })
    }

    /// Read the catalogue from a JSON file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = detached(py, move || Ok(KevCatalog::from_bytes(&read_file(&path)?)?))?;
        Ok(PyKevCatalog {
            inner: Arc::new(inner),
        })
    }

    /// What the catalogue says about itself: ``catalog_version``, ``date_released``,
    /// ``stated_count`` and ``entries`` (read).
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, self.inner.meta())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, cve: &Bound<'_, PyAny>) -> bool {
        cve.extract::<PyBackedStr>()
            .is_ok_and(|c| self.inner.contains(&c))
    }

    fn __repr__(&self) -> String {
        format!("KevCatalog(entries={})", self.inner.len())
    }
}

/// A day's FIRST EPSS scores, indexed by CVE id.
///
/// Load the daily CSV as FIRST publishes it, decompressed: an optional
/// ``#model_version:…,score_date:…`` line, the header ``cve,epss,percentile``, then one row per CVE.
///
/// >>> epss = riskrating.EpssScores.from_csv(
/// ...     "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\n"
/// ...     "cve,epss,percentile\nCVE-2024-3400,0.94,0.99\n")
/// >>> len(epss), epss.get("CVE-2024-3400"), epss.get("CVE-1999-0001")
/// (1, (0.94, 0.99), None)
/// >>> riskrating.EpssScores.from_csv("cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n")
/// Traceback (most recent call last):
/// ...
/// riskrating.FeedError: EPSS scores: line 2, field epss: 1.7 is not a probability in [0,1]
#[pyclass(name = "EpssScores", module = "riskrating", frozen)]
pub struct PyEpssScores {
    inner: Arc<EpssScores>,
}

#[pymethods]
impl PyEpssScores {
    /// Parse the EPSS CSV (str or bytes; gzip-compressed bytes are rejected: decompress first).
    #[staticmethod]
    fn from_csv(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let src = FeedSource::extract(text)?;
        let inner = detached(py, || -> Result<_, Failure> {
            Ok(match &src {
                FeedSource::Text(t) => EpssScores::from_csv(t)?,
                FeedSource::Bytes(b) => EpssScores::from_bytes(b)?,
            })
        })?;
        Ok(PyEpssScores {
            inner: Arc::new(inner),
        })
    }

    /// Read the EPSS CSV from a file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = detached(py, move || Ok(EpssScores::from_bytes(&read_file(&path)?)?))?;
        Ok(PyEpssScores {
            inner: Arc::new(inner),
        })
    }

    /// What the file says about itself: ``model_version``, ``score_date`` and ``rows`` (read).
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, self.inner.meta())
    }

    /// ``(epss, percentile)`` of a CVE, or ``None``.
    fn get(&self, cve: &str) -> Option<(f64, f64)> {
        self.inner.get(cve).map(|s| (s.epss, s.percentile))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, cve: &Bound<'_, PyAny>) -> bool {
        cve.extract::<PyBackedStr>()
            .is_ok_and(|c| self.inner.get(&c).is_some())
    }

    fn __repr__(&self) -> String {
        format!("EpssScores(rows={})", self.inner.len())
    }
}

/// Set ``kev`` and ``epss`` on a portfolio's findings from the threat feeds, by CVE id.
///
/// ``kev: true`` in the document is never lowered, and ``kev: false`` is raised when the
/// catalogue lists the CVE; a stated ``epss`` is kept unless ``overwrite``, an absent one is set
/// from the scores. Returns the enriched :class:`Portfolio` (the input is not changed) and a
/// report dict: how many findings were examined, had a CVE, were KEV-listed or scored, and how
/// many were enriched or kept as stated.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "RBS", "findings": [
/// ...     {"id": "F-1", "kind": "vulnerability", "cve": "CVE-2024-3400", "first_seen": "2025-08-01"}]}]}
/// >>> kev = riskrating.KevCatalog.from_json('{"vulnerabilities": [{"cveID": "CVE-2024-3400"}]}')
/// >>> epss = riskrating.EpssScores.from_csv("cve,epss,percentile\nCVE-2024-3400,0.94,0.99\n")
/// >>> enriched, report = riskrating.enrich(doc, kev=kev, epss=epss)
/// >>> report["kev_enriched"], report["epss_enriched"]
/// (1, 1)
/// >>> f = enriched.to_dict()["organisations"][0]["findings"][0]
/// >>> f["kev"], f["epss"]
/// (True, 0.94)
#[pyfunction]
#[pyo3(signature = (document, kev = None, epss = None, overwrite = false))]
pub fn enrich<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    kev: Option<&Bound<'py, PyKevCatalog>>,
    epss: Option<&Bound<'py, PyEpssScores>>,
    overwrite: bool,
) -> PyResult<(PyPortfolio, Bound<'py, PyAny>)> {
    let doc = Document::extract(document)?;
    let kev = kev.map(|k| k.get().inner.clone());
    let epss = epss.map(|e| e.get().inner.clone());
    let (portfolio, report) = detached(py, || -> Result<_, Failure> {
        let mut portfolio = Arc::unwrap_or_clone(doc.load()?);
        let report =
            risk_core::feeds::enrich(&mut portfolio, kev.as_deref(), epss.as_deref(), overwrite);
        Ok((Arc::new(portfolio), json::to_string(&report)?))
    })?;
    Ok((PyPortfolio::new(portfolio), json::loads(py, &report)?))
}
