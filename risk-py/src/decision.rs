//! Decision support: `what_if`, `plan`, `history` and `change` (methodology section 8 and the
//! rating history). Conversion only: the engine computes everything.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;
use risk_core::Action;

use crate::convert::{actions_text, date_arg, dates_arg};
use crate::errors::{Failure, detached};
use crate::frame::{Column, Frame};
use crate::json;
use crate::methodology::PyMethodology;
use crate::portfolio::Document;
use crate::rating::{PyRating, RatingRef, q};

/// What happens to the ratings if one organisation changes its evidence (methodology section 8).
///
/// ``actions`` is one action or a list of them, as dicts (or JSON text):
/// ``{"action": "set_assessment", "control", "outcome", "assurance"}``,
/// ``{"action": "resolve_finding", "finding"}``,
/// ``{"action": "set_metric", "metric", "successes", "trials"}``,
/// ``{"action": "remove_dependency", "supplier"}``,
/// ``{"action": "set_dependency_access", "supplier", "access"}``. They are applied in order to
/// ``organisation`` and the whole portfolio is re-rated, so changes reach its dependants.
///
/// Raises :class:`InputError` with code ``invalid_action`` (path ``actions[i].field``) for a
/// malformed or inapplicable action and ``unknown_organisation`` for an unknown id.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A",
/// ...   "findings": [{"id": "F1", "kind": "exposed_service", "first_seen": "2025-09-01"}]}]}
/// >>> w = riskrating.what_if(doc, "A", {"action": "resolve_finding", "finding": "F1"})
/// >>> w.delta > 0, w.score_after == w.rating.score
/// (True, True)
/// >>> riskrating.what_if(doc, "A", [{"action": "resolve_finding", "finding": "F9"}])
/// Traceback (most recent call last):
/// ...
/// riskrating.InputError: actions[0].finding: organisation `A` has no finding `F9` (invalid_action)
#[pyfunction]
#[pyo3(signature = (document, organisation, actions, methodology = None))]
pub fn what_if(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    organisation: &str,
    actions: &Bound<'_, PyAny>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyWhatIf> {
    let doc = Document::extract(document)?;
    let text = actions_text(actions)?;
    let m = PyMethodology::resolve(methodology);
    let organisation = organisation.to_owned();
    let inner = detached(py, || -> Result<_, Failure> {
        let actions: Vec<Action> = risk_core::parse_actions(&text)?;
        let portfolio = doc.load()?;
        Ok(risk_core::what_if(&portfolio, &m, &organisation, &actions)?)
    })?;
    Ok(PyWhatIf::new(inner))
}

/// The outcome of :func:`what_if`.
#[pyclass(name = "WhatIf", module = "riskrating", frozen)]
pub struct PyWhatIf {
    inner: Arc<risk_core::WhatIf>,
    rating: Arc<risk_core::Rating>,
}

impl PyWhatIf {
    /// Wrap a core what-if result.
    pub fn new(inner: risk_core::WhatIf) -> Self {
        PyWhatIf {
            rating: Arc::new(inner.rating.clone()),
            inner: Arc::new(inner),
        }
    }
}

#[pymethods]
impl PyWhatIf {
    /// The organisation changed.
    #[getter]
    fn organisation(&self) -> &str {
        &self.inner.organisation
    }
    /// The actions applied, as dicts.
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.inner.actions)
    }
    /// Its score before.
    #[getter]
    fn score_before(&self) -> f64 {
        self.inner.score_before
    }
    /// Its score after.
    #[getter]
    fn score_after(&self) -> f64 {
        self.inner.score_after
    }
    /// ``score_after - score_before``.
    #[getter]
    fn delta(&self) -> f64 {
        self.inner.delta
    }
    /// Its new rating.
    #[getter]
    fn rating(&self) -> PyRating {
        PyRating::new(RatingRef::Single(self.rating.clone()))
    }
    /// Other organisations whose score changed: dicts with ``id``, ``before``, ``after``,
    /// ``delta``.
    #[getter]
    fn dependants<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.inner.dependants)
    }
    /// The result as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &*self.inner)
    }
    /// The result as compact JSON text.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &json::to_string_py(py, &*self.inner)?)
    }
    fn __repr__(&self) -> String {
        format!(
            "WhatIf(organisation={}, score_before={:.1}, score_after={:.1}, delta={:+.2}, dependants={})",
            q(&self.inner.organisation),
            self.inner.score_before,
            self.inner.score_after,
            self.inner.delta,
            self.inner.dependants.len()
        )
    }
}

/// An improvement plan for one organisation (methodology section 8): the ``k`` candidate
/// actions with the largest single-action gains, and the score reached with all of them.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A",
/// ...   "assessments": [{"control": "B4.d", "outcome": "not_achieved",
/// ...                    "assurance": "self_assessed", "assessed_on": "2025-06-30"}],
/// ...   "findings": [{"id": "F1", "kind": "exposed_service", "first_seen": "2025-09-01"}]}]}
/// >>> p = riskrating.plan(doc, "A", k=5)
/// >>> p.candidates, len(p.steps)
/// (2, 2)
/// >>> p.score_with_all >= p.score
/// True
/// >>> list(p.to_frame().columns)
/// ['rank', 'action', 'target', 'gain', 'json']
#[pyfunction]
#[pyo3(signature = (document, organisation, k = risk_core::decision::DEFAULT_PLAN_STEPS, methodology = None))]
pub fn plan(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    organisation: &str,
    k: usize,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyPlan> {
    let doc = Document::extract(document)?;
    let m = PyMethodology::resolve(methodology);
    let organisation = organisation.to_owned();
    let inner = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        Ok(risk_core::plan(&portfolio, &m, &organisation, k)?)
    })?;
    Ok(PyPlan {
        inner: Arc::new(inner),
    })
}

/// The outcome of :func:`plan`.
#[pyclass(name = "Plan", module = "riskrating", frozen)]
pub struct PyPlan {
    inner: Arc<risk_core::Plan>,
}

impl PyPlan {
    /// Wrap a core plan.
    pub fn new(inner: risk_core::Plan) -> Self {
        PyPlan {
            inner: Arc::new(inner),
        }
    }
}

#[pymethods]
impl PyPlan {
    /// The organisation planned for.
    #[getter]
    fn organisation(&self) -> &str {
        &self.inner.organisation
    }
    /// Its score now.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }
    /// How many candidate actions were evaluated.
    #[getter]
    fn candidates(&self) -> usize {
        self.inner.candidates
    }
    /// The steps, best first: dicts with ``action`` (a dict) and ``gain`` (points).
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.inner.steps)
    }
    /// The score with every step applied together.
    #[getter]
    fn score_with_all(&self) -> f64 {
        self.inner.score_with_all
    }
    /// One row per step: ``rank``, ``action`` (its type), ``target`` (control, finding,
    /// metric or supplier), ``gain`` and ``json`` (the action as compact JSON).
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.inner.steps;
        Frame::new()
            .col("rank", Column::I64((1..=s.len() as i64).collect()))
            .col(
                "action",
                Column::Str(s.iter().map(|x| x.action.kind().to_owned()).collect()),
            )
            .col(
                "target",
                Column::Str(s.iter().map(|x| x.action.target().to_owned()).collect()),
            )
            .col("gain", Column::F64(s.iter().map(|x| x.gain).collect()))
            .col(
                "json",
                Column::Str(s.iter().map(|x| x.action.to_json()).collect()),
            )
            .into_pandas(py)
    }
    /// The plan as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &*self.inner)
    }
    /// The plan as compact JSON text.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &json::to_string_py(py, &*self.inner)?)
    }
    fn __len__(&self) -> usize {
        self.inner.steps.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Plan(organisation={}, score={:.1}, steps={}, score_with_all={:.1})",
            q(&self.inner.organisation),
            self.inner.score,
            self.inner.steps.len(),
            self.inner.score_with_all
        )
    }
}

/// Rate the same document at several dates: evidence dated after each date is left out.
///
/// ``dates`` are ``YYYY-MM-DD`` strings, ``datetime.date`` values or pandas timestamps.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A",
/// ...   "assessments": [{"control": "B2.a", "outcome": "achieved", "assurance": "self_assessed",
/// ...                    "assessed_on": "2025-06-01"}]}]}
/// >>> h = riskrating.history(doc, ["2025-01-01", "2025-09-30"])
/// >>> f = h.to_frame()
/// >>> list(f["basis"])
/// ['prior', 'evidence']
/// >>> bool(f["score"].iloc[1] > f["score"].iloc[0])
/// True
#[pyfunction]
#[pyo3(signature = (document, dates, methodology = None))]
pub fn history(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    dates: &Bound<'_, PyAny>,
    methodology: Option<&Bound<'_, PyMethodology>>,
) -> PyResult<PyHistory> {
    let doc = Document::extract(document)?;
    let ds = dates_arg(py, dates)?;
    let m = PyMethodology::resolve(methodology);
    let inner = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        Ok(risk_core::history(&portfolio, &m, &ds)?)
    })?;
    Ok(PyHistory {
        inner: Arc::new(inner),
    })
}

/// A rating history: one series of points per organisation.
#[pyclass(name = "History", module = "riskrating", frozen)]
pub struct PyHistory {
    inner: Arc<risk_core::History>,
}

impl PyHistory {
    /// Wrap a core history.
    pub fn new(inner: risk_core::History) -> Self {
        PyHistory {
            inner: Arc::new(inner),
        }
    }
}

#[pymethods]
impl PyHistory {
    /// Methodology id.
    #[getter]
    fn methodology(&self) -> &str {
        &self.inner.methodology
    }
    /// The dates rated at.
    #[getter]
    fn dates(&self) -> Vec<String> {
        self.inner.dates.iter().map(|d| d.to_string()).collect()
    }
    /// Organisation ids.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.inner.series.iter().map(|s| s.id.clone()).collect()
    }
    /// Long format, one row per organisation and date: ``id``, ``as_of``, ``score``, ``band``,
    /// ``lower``, ``upper``, ``basis``.
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<(&str, &risk_core::HistoryPoint)> = self
            .inner
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(move |p| (s.id.as_str(), p)))
            .collect();
        let f = |g: fn(&risk_core::HistoryPoint) -> f64| {
            Column::F64(rows.iter().map(|(_, p)| g(p)).collect())
        };
        Frame::new()
            .col(
                "id",
                Column::Str(rows.iter().map(|(id, _)| (*id).to_owned()).collect()),
            )
            .col(
                "as_of",
                Column::Str(rows.iter().map(|(_, p)| p.as_of.to_string()).collect()),
            )
            .col("score", f(|p| p.score))
            .col(
                "band",
                Column::Str(rows.iter().map(|(_, p)| p.band.clone()).collect()),
            )
            .col("lower", f(|p| p.interval[0]))
            .col("upper", f(|p| p.interval[1]))
            .col(
                "basis",
                Column::Str(
                    rows.iter()
                        .map(|(_, p)| p.basis.as_str().to_owned())
                        .collect(),
                ),
            )
            .into_pandas(py)
    }
    /// The history as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &*self.inner)
    }
    /// The history as compact JSON text.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &json::to_string_py(py, &*self.inner)?)
    }
    fn __repr__(&self) -> String {
        format!(
            "History(methodology={}, dates={}, organisations={})",
            q(&self.inner.methodology),
            self.inner.dates.len(),
            self.inner.series.len()
        )
    }
}

/// What changed in one organisation's rating between two dates: the score change broken down
/// by factor (``factors``), through suppliers (``supply_points``) and their interaction, and the
/// evidence items that ``entered``, ``left`` or ``decayed`` most. Returns a dict.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [{"id": "A",
/// ...   "assessments": [{"control": "B2.a", "outcome": "achieved", "assurance": "self_assessed",
/// ...                    "assessed_on": "2025-06-01"}]}]}
/// >>> c = riskrating.change(doc, "A", "2025-01-01", "2025-09-30")
/// >>> [e["reference"] for e in c["entered"]]
/// ['B2.a']
#[pyfunction]
#[pyo3(signature = (document, organisation, start, end, methodology = None))]
pub fn change<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    organisation: &str,
    start: &Bound<'py, PyAny>,
    end: &Bound<'py, PyAny>,
    methodology: Option<&Bound<'py, PyMethodology>>,
) -> PyResult<Bound<'py, PyAny>> {
    let doc = Document::extract(document)?;
    let from = date_arg(py, start, "start")?;
    let to = date_arg(py, end, "end")?;
    let m = PyMethodology::resolve(methodology);
    let organisation = organisation.to_owned();
    let text = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load()?;
        let prepared = risk_core::validate(&portfolio, &m)?;
        json::to_string(&prepared.change(&organisation, from, to)?)
    })?;
    json::loads(py, &text)
}
