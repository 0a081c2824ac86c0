//! `PortfolioRating`, `Rating`, `FactorRating` and `Driver`: read-only views of the engine's
//! output document (methodology section 6.1).

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::{PyIndexError, PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString};
use risk_core::{Methodology, PortfolioRating};

use crate::convert::limits_arg;
use crate::errors::{Failure, detached};
use crate::frame::{Column, Frame};
use crate::json;
use crate::methodology::PyMethodology;
use crate::portfolio::Document;

/// Shared rating document plus an id → position index.
pub struct Shared {
    pub doc: PortfolioRating,
    index: HashMap<String, usize>,
    /// Where the numbers come from ([`risk_core::Methodology::provenance_label`]).
    label: String,
}

impl Shared {
    /// `label`: the rating methodology's `provenance_label()` (calibration-v1 section 3.6).
    pub fn new(doc: PortfolioRating, label: String) -> Arc<Self> {
        let index = doc
            .ratings
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Arc::new(Shared { doc, index, label })
    }
}

/// Where a `Rating` view reads from: a portfolio rating (shared) or a rating on its own (the
/// rating inside a what-if result).
#[derive(Clone)]
pub enum RatingRef {
    /// `ratings[i]` of a portfolio rating.
    InPortfolio(Arc<Shared>, usize),
    /// A rating on its own.
    Single(Arc<risk_core::Rating>),
}

impl RatingRef {
    fn get(&self) -> &risk_core::Rating {
        match self {
            RatingRef::InPortfolio(s, i) => &s.doc.ratings[*i],
            RatingRef::Single(r) => r,
        }
    }
}

/// Rate a portfolio (methodology sections 1–7).
///
/// ``document`` is a dict, JSON text (str) or bytes, a path (str or ``pathlib.Path``), or a
/// :class:`Portfolio`. JSON text and files are parsed in Rust; the GIL is released while parsing
/// and rating. ``methodology`` defaults to ``Methodology.default()``.
///
/// ``limits``, optional, overrides some of the resource limits by name (a dict such as
/// ``{"max_items_per_list": 5_000_000}``; :func:`default_limits` lists them with their
/// defaults). A limit exceeded is an :class:`InputError` with code ``limit_exceeded`` at its path;
/// a bad limit (an unknown name, a negative or fractional value) an :class:`InputError` at
/// ``limits.<name>``.
///
/// Raises :class:`InputError` (also a ``ValueError``) listing every problem of the document, each
/// naming its JSON path, and ``OSError`` when a file cannot be read.
///
/// >>> doc = {"as_of": "2025-09-30", "organisations": [
/// ...     {"id": "RBS", "peer_group": "acute",
/// ...      "assessments": [{"control": "B4.d", "outcome": "partially_achieved",
/// ...                       "assurance": "independent_audit", "assessed_on": "2025-06-30"}],
/// ...      "dependencies": [{"supplier": "SUP", "criticality": "critical", "access": "network"}]},
/// ...     {"id": "SUP", "peer_group": "supplier",
/// ...      "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": True}}]}
/// >>> result = riskrating.rate(doc)
/// >>> len(result), [r.id for r in result]
/// (2, ['RBS', 'SUP'])
/// >>> rbs = result["RBS"]
/// >>> rbs.interval[0] <= rbs.score <= rbs.interval[1]
/// True
/// >>> round(result["SUP"].probability, 6)   # no evidence: the attested prior 0.06 × 0.7
/// 0.042
#[pyfunction]
#[pyo3(signature = (document, methodology = None, *, limits = None))]
pub fn rate(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    methodology: Option<&Bound<'_, PyMethodology>>,
    limits: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPortfolioRating> {
    let limits = limits_arg(limits)?;
    let doc = Document::extract(document)?;
    let m: Arc<Methodology> = PyMethodology::resolve(methodology);
    let rating = detached(py, || -> Result<_, Failure> {
        let portfolio = doc.load_with_limits(&limits)?;
        Ok(Shared::new(
            risk_core::rate_with_limits(&portfolio, &m, &limits)?,
            m.provenance_label(),
        ))
    })?;
    Ok(PyPortfolioRating { shared: rating })
}

/// Check a document against a methodology without rating it.
///
/// Returns ``None`` for a valid document; raises :class:`InputError` listing every problem
/// otherwise (same rules, and the same ``limits``, as :func:`rate`).
///
/// >>> riskrating.validate({"as_of": "2025-09-30", "organisations": [{"id": "A"}]})
/// >>> riskrating.validate({"as_of": "2025-09-30", "organisations": [{"id": ""}]})
/// Traceback (most recent call last):
/// ...
/// riskrating.InputError: organisations[0].id: organisation id must not be empty (empty_id)
#[pyfunction]
#[pyo3(signature = (document, methodology = None, *, limits = None))]
pub fn validate(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    methodology: Option<&Bound<'_, PyMethodology>>,
    limits: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let limits = limits_arg(limits)?;
    let doc = Document::extract(document)?;
    let m = PyMethodology::resolve(methodology);
    detached(py, || -> Result<(), Failure> {
        let portfolio = doc.load_with_limits(&limits)?;
        risk_core::validate_with_limits(&portfolio, &m, &limits)?;
        Ok(())
    })
}

/// The resource limits every document is checked against by default, by name: what the
/// ``limits`` argument of :func:`rate`, :func:`validate` and :class:`PreparedPortfolio`
/// overrides in part.
///
/// >>> riskrating.default_limits()["max_items_per_list"]
/// 2000000
#[pyfunction]
pub fn default_limits(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    json::loads(py, &json::to_string_py(py, &risk_core::Limits::default())?)
}

/// The rating of a whole portfolio: the output document of methodology section 6.1.
///
/// A sequence of :class:`Rating` in input order, indexed by organisation id (``result["RBS"]``)
/// or position (``result[0]``).
#[pyclass(name = "PortfolioRating", module = "riskrating", frozen, sequence)]
pub struct PyPortfolioRating {
    pub shared: Arc<Shared>,
}

impl PyPortfolioRating {
    fn rating(&self, i: usize) -> PyRating {
        PyRating::new(RatingRef::InPortfolio(self.shared.clone(), i))
    }
}

#[pymethods]
impl PyPortfolioRating {
    /// The date rated at, ``YYYY-MM-DD``.
    #[getter]
    fn as_of(&self) -> String {
        self.shared.doc.as_of.to_string()
    }

    /// Methodology id.
    #[getter]
    fn methodology(&self) -> &str {
        &self.shared.doc.methodology
    }

    /// Methodology version.
    #[getter]
    fn methodology_version(&self) -> &str {
        &self.shared.doc.methodology_version
    }

    /// Where the probabilities come from: ``"expert judgement — not fitted to incident data"``,
    /// or the fit a calibrated methodology records (calibration-v1 section 3.6).
    #[getter]
    fn label(&self) -> &str {
        &self.shared.label
    }

    /// Organisation ids, in input order.
    #[getter]
    fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        json::str_list(py, self.shared.doc.ratings.iter().map(|r| &r.id))
    }

    /// Score distribution per peer group (sorted by name): dicts with ``peer_group``, ``n``,
    /// ``min``, ``p25``, ``median``, ``p75``, ``max``.
    #[getter]
    fn peer_groups<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.shared.doc.peer_groups)
    }

    /// Organisations others depend on, most systemic first: dicts with ``id``, ``dependents``
    /// and ``systemic_exposure``.
    #[getter]
    fn suppliers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.shared.doc.suppliers)
    }

    fn __len__(&self) -> usize {
        self.shared.doc.ratings.len()
    }

    fn __getitem__(&self, key: &Bound<'_, PyAny>) -> PyResult<PyRating> {
        if key.is_instance_of::<PyString>() {
            let id: PyBackedStr = key.extract()?;
            let id: &str = &id;
            return match self.shared.index.get(id) {
                Some(&i) => Ok(self.rating(i)),
                None => Err(PyKeyError::new_err(id.to_owned())),
            };
        }
        if let Ok(i) = key.extract::<isize>() {
            let n = self.shared.doc.ratings.len() as isize;
            let j = if i < 0 { i + n } else { i };
            return if (0..n).contains(&j) {
                Ok(self.rating(j as usize))
            } else {
                Err(PyIndexError::new_err("rating index out of range"))
            };
        }
        Err(PyTypeError::new_err(format!(
            "ratings are indexed by organisation id (str) or position (int), not {}",
            key.get_type().name()?
        )))
    }

    fn __contains__(&self, id: &Bound<'_, PyAny>) -> bool {
        id.extract::<PyBackedStr>()
            .is_ok_and(|id| self.shared.index.contains_key(&*id))
    }

    fn __iter__(slf: Bound<'_, Self>) -> RatingIter {
        RatingIter {
            shared: slf.get().shared.clone(),
            next: 0,
        }
    }

    /// The rating of ``id``, or ``default`` when no organisation has it.
    #[pyo3(signature = (id, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.shared.index.get(id) {
            Some(&i) => Ok(Bound::new(py, self.rating(i))?.into_any()),
            None => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        }
    }

    /// The output document as compact JSON text, identical to the Rust example's ``--json``.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &self.json_text(py)?)
    }

    /// The output document as a dict (``json.loads(self.to_json())``).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.json_text(py)?)
    }

    /// One row per organisation: ``id``, ``peer_group``, ``score``, ``band``, ``lower``,
    /// ``upper``, ``probability``, ``coverage``, ``peer_percentile``, ``basis``, then
    /// ``probability_lower``, ``probability_upper``, ``internal_probability`` and
    /// ``supply_probability``.
    fn to_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = &self.shared.doc.ratings;
        let f = |g: fn(&risk_core::Rating) -> f64| Column::F64(r.iter().map(g).collect());
        let s = |g: fn(&risk_core::Rating) -> &str| {
            Column::Str(r.iter().map(|x| g(x).to_owned()).collect())
        };
        Frame::new()
            .col("id", s(|x| &x.id))
            .col("peer_group", s(|x| &x.peer_group))
            .col("score", f(|x| x.score))
            .col("band", s(|x| &x.band))
            .col("lower", f(|x| x.interval[0]))
            .col("upper", f(|x| x.interval[1]))
            .col("probability", f(|x| x.probability))
            .col("coverage", f(|x| x.coverage))
            .col("peer_percentile", f(|x| x.peer_percentile))
            .col("basis", s(|x| x.basis.as_str()))
            .col("probability_lower", f(|x| x.probability_interval[0]))
            .col("probability_upper", f(|x| x.probability_interval[1]))
            .col("internal_probability", f(|x| x.internal_probability))
            .col("supply_probability", f(|x| x.supply_probability))
            .col(
                "evidence_as_of",
                Column::Str(
                    r.iter()
                        .map(|x| x.evidence_as_of.map(|d| d.to_string()).unwrap_or_default())
                        .collect(),
                ),
            )
            .col("stale", Column::Bool(r.iter().map(|x| x.stale).collect()))
            .col(
                "disputes_open",
                Column::I64(
                    r.iter()
                        .map(|x| x.disputes.as_ref().map_or(0, |d| d.open as i64))
                        .collect(),
                ),
            )
            .col(
                "score_undisputed",
                Column::F64(
                    r.iter()
                        .map(|x| x.disputes.as_ref().map_or(x.score, |d| d.score_undisputed))
                        .collect(),
                ),
            )
            .col(
                "band_undisputed",
                Column::Str(
                    r.iter()
                        .map(|x| {
                            x.disputes
                                .as_ref()
                                .map_or(x.band.clone(), |d| d.band_undisputed.clone())
                        })
                        .collect(),
                ),
            )
            .into_pandas(py)
    }

    /// Provenance (section 11): ``input_digest``, ``methodology``, ``methodology_version``,
    /// ``methodology_digest``, ``engine_version``; None for an output document without it.
    #[getter]
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.shared.doc.provenance)
    }

    /// Factors in long format, one row per organisation and factor: ``id``, ``factor``,
    /// ``mean``, ``lower``, ``upper``, ``evidence``, ``points``.
    fn factors_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<(&str, &risk_core::FactorRating)> = self
            .shared
            .doc
            .ratings
            .iter()
            .flat_map(|r| r.factors.iter().map(move |f| (r.id.as_str(), f)))
            .collect();
        factor_frame(py, &rows)
    }

    /// Drivers in long format, one row per organisation and driver: ``id``, ``rank`` (1 = moves
    /// the score most), ``kind``, ``reference``, ``impact``, ``reason``.
    fn drivers_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<(&str, usize, &risk_core::Driver)> = self
            .shared
            .doc
            .ratings
            .iter()
            .flat_map(|r| {
                r.drivers
                    .iter()
                    .enumerate()
                    .map(move |(k, d)| (r.id.as_str(), k + 1, d))
            })
            .collect();
        driver_frame(py, &rows)
    }

    fn __repr__(&self) -> String {
        let d = &self.shared.doc;
        format!(
            "PortfolioRating(as_of='{}', methodology='{}', ratings={}, label={})",
            d.as_of,
            d.methodology,
            d.ratings.len(),
            q(&self.shared.label)
        )
    }
}

pub fn factor_frame<'py>(
    py: Python<'py>,
    rows: &[(&str, &risk_core::FactorRating)],
) -> PyResult<Bound<'py, PyAny>> {
    let f = |g: fn(&risk_core::FactorRating) -> f64| {
        Column::F64(rows.iter().map(|(_, x)| g(x)).collect())
    };
    Frame::new()
        .col(
            "id",
            Column::Str(rows.iter().map(|(id, _)| (*id).to_owned()).collect()),
        )
        .col(
            "factor",
            Column::Str(rows.iter().map(|(_, x)| x.id.clone()).collect()),
        )
        .col("mean", f(|x| x.mean))
        .col("lower", f(|x| x.lower))
        .col("upper", f(|x| x.upper))
        .col("evidence", f(|x| x.evidence))
        .col("points", f(|x| x.points))
        .into_pandas(py)
}

pub fn driver_frame<'py>(
    py: Python<'py>,
    rows: &[(&str, usize, &risk_core::Driver)],
) -> PyResult<Bound<'py, PyAny>> {
    Frame::new()
        .col(
            "id",
            Column::Str(rows.iter().map(|(id, _, _)| (*id).to_owned()).collect()),
        )
        .col(
            "rank",
            Column::I64(rows.iter().map(|(_, k, _)| *k as i64).collect()),
        )
        .col(
            "kind",
            Column::Str(
                rows.iter()
                    .map(|(_, _, d)| d.kind.as_str().to_owned())
                    .collect(),
            ),
        )
        .col(
            "reference",
            Column::Str(rows.iter().map(|(_, _, d)| d.reference.clone()).collect()),
        )
        .col(
            "impact",
            Column::F64(rows.iter().map(|(_, _, d)| d.impact).collect()),
        )
        .col(
            "reason",
            Column::Str(rows.iter().map(|(_, _, d)| d.reason.clone()).collect()),
        )
        .into_pandas(py)
}

/// Iterator over the ratings of a portfolio.
#[pyclass(module = "riskrating")]
pub struct RatingIter {
    shared: Arc<Shared>,
    next: usize,
}

#[pymethods]
impl RatingIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self) -> Option<PyRating> {
        let i = self.next;
        (i < self.shared.doc.ratings.len()).then(|| {
            self.next += 1;
            PyRating::new(RatingRef::InPortfolio(self.shared.clone(), i))
        })
    }
}

/// One organisation's rating (frozen).
///
/// ``score`` is 250–900 with a 90% ``interval``; ``probability`` is the probability of a material
/// cyber incident in the next 12 months with its 90% ``probability_interval``. ``factors`` and
/// ``drivers`` explain it. In a notebook, a rating displays as a compact card.
#[pyclass(name = "Rating", module = "riskrating", frozen)]
pub struct PyRating {
    src: RatingRef,
}

impl PyRating {
    /// A view of a rating.
    pub fn new(src: RatingRef) -> Self {
        PyRating { src }
    }

    fn r(&self) -> &risk_core::Rating {
        self.src.get()
    }
}

#[pymethods]
impl PyRating {
    /// Organisation id.
    #[getter]
    fn id(&self) -> &str {
        &self.r().id
    }
    /// Peer group.
    #[getter]
    fn peer_group(&self) -> &str {
        &self.r().peer_group
    }
    /// Score, 250 (worst) to 900 (best), unrounded.
    #[getter]
    fn score(&self) -> f64 {
        self.r().score
    }
    /// Band label (``A`` best).
    #[getter]
    fn band(&self) -> &str {
        &self.r().band
    }
    /// 90% score interval ``(lower, upper)``.
    #[getter]
    fn interval(&self) -> (f64, f64) {
        let [a, b] = self.r().interval;
        (a, b)
    }
    /// Probability of a material cyber incident in 12 months.
    #[getter]
    fn probability(&self) -> f64 {
        self.r().probability
    }
    /// 90% probability interval ``(lower, upper)``.
    #[getter]
    fn probability_interval(&self) -> (f64, f64) {
        let [a, b] = self.r().probability_interval;
        (a, b)
    }
    /// Probability from the organisation's own controls.
    #[getter]
    fn internal_probability(&self) -> f64 {
        self.r().internal_probability
    }
    /// Probability arriving through its suppliers.
    #[getter]
    fn supply_probability(&self) -> f64 {
        self.r().supply_probability
    }
    /// What the rating rests on: ``evidence``, ``attestation`` or ``prior``.
    #[getter]
    fn basis(&self) -> &'static str {
        self.r().basis.as_str()
    }
    /// Share of the model backed by evidence, 0–1.
    #[getter]
    fn coverage(&self) -> f64 {
        self.r().coverage
    }
    /// Percentile within its peer group, 0–100.
    #[getter]
    fn peer_percentile(&self) -> f64 {
        self.r().peer_percentile
    }
    /// Per-factor beliefs, in methodology order.
    #[getter]
    fn factors(&self) -> Vec<PyFactorRating> {
        (0..self.r().factors.len())
            .map(|k| PyFactorRating {
                src: self.src.clone(),
                k,
            })
            .collect()
    }
    /// Where the probabilities come from (as :attr:`PortfolioRating.label`), or None for a
    /// rating on its own (inside a what-if result, which carries the label itself).
    #[getter]
    fn label(&self) -> Option<&str> {
        match &self.src {
            RatingRef::InPortfolio(s, _) => Some(&s.label),
            RatingRef::Single(_) => None,
        }
    }

    /// Date of the newest counted evidence item (``YYYY-MM-DD``), or None (section 11).
    #[getter]
    fn evidence_as_of(&self) -> Option<String> {
        self.r().evidence_as_of.map(|d| d.to_string())
    }
    /// True when that evidence is older than the methodology's ``stale_after_days``.
    #[getter]
    fn stale(&self) -> bool {
        self.r().stale
    }
    /// Disputes (section 10) as a dict ``{open, upheld, rejected, score_undisputed,
    /// interval_undisputed, band_undisputed}``, or None where no open dispute reaches it.
    #[getter]
    fn disputes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, &self.r().disputes)
    }
    /// The evidence items that move the score most, largest first.
    #[getter]
    fn drivers(&self) -> Vec<PyDriver> {
        (0..self.r().drivers.len())
            .map(|k| PyDriver {
                src: self.src.clone(),
                k,
            })
            .collect()
    }

    /// This rating as a dict (the ``ratings[i]`` entry of the output document).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::to_python(py, self.r())
    }

    /// This rating as compact JSON text.
    fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        json::text(py, &json::to_string_py(py, self.r())?)
    }

    /// The factors of this rating as a frame (same columns as
    /// :meth:`PortfolioRating.factors_frame`).
    fn factors_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = self.r();
        let rows: Vec<_> = r.factors.iter().map(|f| (r.id.as_str(), f)).collect();
        factor_frame(py, &rows)
    }

    /// The drivers of this rating as a frame (same columns as
    /// :meth:`PortfolioRating.drivers_frame`).
    fn drivers_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let r = self.r();
        let rows: Vec<_> = r
            .drivers
            .iter()
            .enumerate()
            .map(|(k, d)| (r.id.as_str(), k + 1, d))
            .collect();
        driver_frame(py, &rows)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyRating>()
            .is_ok_and(|o| o.get().r() == self.r())
    }

    fn __repr__(&self) -> String {
        let r = self.r();
        format!(
            "Rating(id={}, peer_group={}, score={:.1}, band={}, interval=({:.1}, {:.1}), probability={:.4}, basis={})",
            q(&r.id),
            q(&r.peer_group),
            r.score,
            q(&r.band),
            r.interval[0],
            r.interval[1],
            r.probability,
            q(r.basis.as_str())
        )
    }

    /// A compact HTML card for notebooks (drawn by `riskrating._html.rating_card`).
    fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
        static CARD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        CARD.import(slf.py(), "riskrating._html", "rating_card")?
            .call1((slf,))?
            .extract()
    }
}

impl PyPortfolioRating {
    /// The output document as JSON text, written without the GIL (identical to the core's
    /// `PortfolioRating::to_json`, but `MemoryError` rather than an abort when it does not fit).
    fn json_text(&self, py: Python<'_>) -> PyResult<String> {
        let shared = self.shared.clone();
        detached(py, move || json::to_string(&shared.doc))
    }
}

/// A Python-style single-quoted string literal for reprs.
pub fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// One factor of a rating (frozen).
#[pyclass(name = "FactorRating", module = "riskrating", frozen)]
pub struct PyFactorRating {
    src: RatingRef,
    k: usize,
}

impl PyFactorRating {
    fn f(&self) -> &risk_core::FactorRating {
        &self.src.get().factors[self.k]
    }
}

#[pymethods]
impl PyFactorRating {
    /// Factor id.
    #[getter]
    fn id(&self) -> &str {
        &self.f().id
    }
    /// Mean effectiveness, 0–1.
    #[getter]
    fn mean(&self) -> f64 {
        self.f().mean
    }
    /// 5% quantile of the belief.
    #[getter]
    fn lower(&self) -> f64 {
        self.f().lower
    }
    /// 95% quantile of the belief.
    #[getter]
    fn upper(&self) -> f64 {
        self.f().upper
    }
    /// Evidence weight added to the prior.
    #[getter]
    fn evidence(&self) -> f64 {
        self.f().evidence
    }
    /// Points this factor leaves on the table (the score gain if it were perfect).
    #[getter]
    fn points(&self) -> f64 {
        self.f().points
    }
    fn __repr__(&self) -> String {
        let f = self.f();
        format!(
            "FactorRating(id={}, mean={:.3}, lower={:.3}, upper={:.3}, evidence={:.2}, points={:.1})",
            q(&f.id),
            f.mean,
            f.lower,
            f.upper,
            f.evidence,
            f.points
        )
    }
}

/// An evidence item and what it does to the score (frozen).
#[pyclass(name = "Driver", module = "riskrating", frozen)]
pub struct PyDriver {
    src: RatingRef,
    k: usize,
}

impl PyDriver {
    fn d(&self) -> &risk_core::Driver {
        &self.src.get().drivers[self.k]
    }
}

#[pymethods]
impl PyDriver {
    /// ``assessment``, ``metric``, ``finding`` or ``dependency``.
    #[getter]
    fn kind(&self) -> &'static str {
        self.d().kind.as_str()
    }
    /// Control id, metric name, finding id or supplier id.
    #[getter]
    fn reference(&self) -> &str {
        &self.d().reference
    }
    /// Score with the item minus score without it, in points.
    #[getter]
    fn impact(&self) -> f64 {
        self.d().impact
    }
    /// The item in words.
    #[getter]
    fn reason(&self) -> &str {
        &self.d().reason
    }
    fn __repr__(&self) -> String {
        let d = self.d();
        format!(
            "Driver(kind={}, reference={}, impact={:.2}, reason={})",
            q(d.kind.as_str()),
            q(&d.reference),
            d.impact,
            q(&d.reason)
        )
    }
}
