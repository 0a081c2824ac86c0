//! `riskrating.system`: the correlated cascade simulation across groups. Conversion only: the
//! engine simulates; the pure-Python `riskrating._system` wraps the report in frames and plots.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::{Failure, detached};
use crate::methodology::PyMethodology;
use crate::portfolio::Document;

/// The system report as JSON text (see :func:`riskrating.system`).
#[pyfunction]
#[pyo3(signature = (document, options, organisation = None, actions = None, methodology = None))]
pub fn system_report<'py>(
    py: Python<'py>,
    document: &Bound<'_, PyAny>,
    options: &Bound<'_, PyString>,
    organisation: Option<&str>,
    actions: Option<&Bound<'_, PyAny>>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<Bound<'py, PyString>> {
    let doc = Document::extract(document)?;
    let options: String = options.extract()?;
    let m = PyMethodology::resolve(methodology);
    let change = match organisation {
        None => None,
        Some(o) => Some((
            o.to_owned(),
            match actions {
                Some(a) => crate::convert::actions_text(a)?,
                None => "[]".to_owned(),
            },
        )),
    };
    let text = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        let report = risk_core::system::simulate_request(
            &portfolio,
            &m,
            &options,
            change.as_ref().map(|(o, a)| (o.as_str(), a.as_str())),
        )?;
        crate::json::to_string(&report)
    })?;
    crate::json::text(py, &text)
}
