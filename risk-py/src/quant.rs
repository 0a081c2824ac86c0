//! `riskrating.quant`: Open FAIR Monte Carlo loss simulation. The engine simulates; this module
//! converts scenarios in and results out (losses as one NumPy array, never per-trial Python
//! floats); `QuantError` becomes `SimulationError` through the one table in `errors.rs`.

use std::sync::Arc;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString};
use risk_core::quant::{
    DEFAULT_LEC_POINTS, DEFAULT_TRIALS, Losses, Measure, Mode, QuantError, ReportOptions,
    Simulation, SimulationInput,
};

use crate::errors::{Failure, core_error, detached, raise};
use crate::frame::{Column, Frame};
use crate::json;
use crate::rating::PyPortfolioRating;

/// Scenarios as JSON text: a list of dicts, one dict, or JSON text of a list.
fn scenarios_text(scenarios: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = scenarios.cast::<PyString>() {
        return s.extract();
    }
    let value = if scenarios.is_instance_of::<PyDict>() {
        PyList::new(scenarios.py(), [scenarios])?.into_any()
    } else {
        scenarios.clone()
    };
    crate::convert::dumps(&value, "scenarios")
        .map(|text| text.to_string())
        .map_err(|e| {
            // A value JSON cannot hold (NaN, an object) is a simulation input problem here.
            let py = scenarios.py();
            match as_core_input_error(py, &e) {
                Some(input) => core_error(py, &QuantError::Input(input).into()),
                None => e,
            }
        })
}

/// A `riskrating.InputError` raised by the Python helpers as the core's `InputError` (its first
/// problem), so that it can be re-classed; `None` for any other exception.
fn as_core_input_error(py: Python<'_>, e: &PyErr) -> Option<risk_core::InputError> {
    let v = e.value(py);
    if !crate::errors::is_input_error(py, v) {
        return None;
    }
    let text = |name: &str| -> String {
        v.getattr(name)
            .and_then(|x| x.extract())
            .unwrap_or_default()
    };
    let code = risk_core::ErrorCode::from_name(&text("code"))?;
    Some(risk_core::InputError::single(
        code,
        text("path"),
        v.to_string(),
    ))
}

/// Simulate annual losses (Open FAIR Monte Carlo, in money) from loss scenarios.
///
/// Each scenario is a dict ``{"name", "frequency", "primary_loss", "secondary"?,
/// "organisation"?}``. ``frequency`` is ``{"lef": <distribution>}`` (loss events per year),
/// ``{"tef": <distribution>, "vulnerability": <distribution>}``, or
/// ``{"from_rating": "<organisation id>"}``, which takes the loss-event rate from that
/// organisation's rating (pass the :class:`PortfolioRating` as ``ratings``). Distributions are
/// numbers (constants) or dicts with a ``type``: ``pert`` {min, mode, max, gamma=4},
/// ``pert_pyfair`` {low, mode, high, gamma=4}, ``lognormal_ci`` {low, high, confidence=0.9},
/// ``lognormal`` {mu, sigma}, ``triangular``, ``uniform``, ``normal`` {mean, sd}, ``constant``.
///
/// ``n`` trials (simulated years), ``seed`` for the ChaCha8 generator (same seed, same losses on
/// every platform), ``mode`` ``"compound"`` (Poisson event counts, each event its own loss) or
/// ``"expected"`` (pyfair-compatible LEF × LM). The GIL is released while simulating.
///
/// Raises :class:`SimulationError` naming the path of a bad parameter
/// (``scenarios[0].primary_loss.mode``).
///
/// >>> sim = riskrating.quant.simulate([
/// ...     {"name": "ransomware", "frequency": {"lef": {"type": "pert", "min": 0.05, "mode": 0.2, "max": 1}},
/// ...      "primary_loss": {"type": "lognormal_ci", "low": 50_000, "high": 5_000_000}}],
/// ...     n=20_000, seed=7)
/// >>> sim.losses.shape, sim.losses.dtype.name
/// ((20000,), 'float64')
/// >>> bool(sim.var(0.95) <= sim.tvar(0.95))
/// True
/// >>> riskrating.quant.simulate([{"name": "x", "frequency": {"lef": 1},
/// ...     "primary_loss": {"type": "pert", "min": 5, "mode": 1, "max": 9}}])
/// Traceback (most recent call last):
/// ...
/// riskrating.SimulationError: scenarios[0].primary_loss.mode: ...
#[pyfunction]
#[pyo3(signature = (scenarios, n = DEFAULT_TRIALS, seed = 0, mode = "compound", ratings = None))]
pub fn simulate(
    py: Python<'_>,
    scenarios: &Bound<'_, PyAny>,
    n: u64,
    seed: u64,
    mode: &str,
    ratings: Option<&Bound<'_, PyPortfolioRating>>,
) -> PyResult<PySimulation> {
    let text = scenarios_text(scenarios)?;
    let mode: Mode = raise(py, mode.parse::<Mode>())?;
    let ratings = ratings.map(|r| r.get().shared.clone());
    let sim = detached(py, || -> Result<Simulation, Failure> {
        let input = input_of(&text, n, seed, mode)?;
        Ok(risk_core::quant::simulate_rated(
            &input,
            ratings.as_ref().map(|r| &r.doc),
        )?)
    })?;
    Ok(PySimulation {
        inner: Arc::new(sim),
    })
}

/// The simulation input of scenarios given as JSON text (the core's defaults for the rest).
fn input_of(text: &str, n: u64, seed: u64, mode: Mode) -> Result<SimulationInput, Failure> {
    Ok(SimulationInput {
        trials: n,
        seed,
        mode,
        scenarios: risk_core::quant::parse_scenarios(text)?,
        ratings: Default::default(),
        report: ReportOptions::default(),
    })
}

/// The simulation input of :func:`simulate` as one self-contained JSON document (the rating's
/// figures in its ``ratings``, ``risk_core::quant::rated_input``), checked, and its number of
/// scenarios. ``riskrating.spark.simulate`` ships it to the executors.
#[pyfunction]
#[pyo3(signature = (scenarios, n = DEFAULT_TRIALS, seed = 0, mode = "compound", ratings = None))]
pub fn _simulation_input<'py>(
    py: Python<'py>,
    scenarios: &Bound<'py, PyAny>,
    n: u64,
    seed: u64,
    mode: &str,
    ratings: Option<&Bound<'py, PyPortfolioRating>>,
) -> PyResult<(Bound<'py, PyString>, usize)> {
    let text = scenarios_text(scenarios)?;
    let mode: Mode = raise(py, mode.parse::<Mode>())?;
    let ratings = ratings.map(|r| r.get().shared.clone());
    let (text, count) = detached(py, || -> Result<_, Failure> {
        let input = input_of(&text, n, seed, mode)?;
        let input = risk_core::quant::rated_input(&input, ratings.as_ref().map(|r| &r.doc));
        risk_core::quant::validate(&input, &input.ratings)?;
        Ok((json::to_string(&input)?, input.scenarios.len()))
    })?;
    Ok((json::text(py, &text)?, count))
}

/// The losses of the scenarios at ``indices`` of the input :func:`_simulation_input` wrote
/// (``risk_core::quant::simulate_scenarios``: the same streams as the whole run), one NumPy array
/// per index.
#[pyfunction]
pub fn _simulate_scenarios<'py>(
    py: Python<'py>,
    input: &str,
    indices: Vec<usize>,
) -> PyResult<Vec<Bound<'py, PyArray1<f64>>>> {
    let input = input.to_owned();
    let parts = detached(py, move || -> Result<_, Failure> {
        let input = risk_core::quant::parse_simulation_input_unchecked(&input)?;
        Ok(risk_core::quant::simulate_scenarios(&input, &indices)?)
    })?;
    Ok(parts
        .into_iter()
        .map(|v| PyArray1::from_vec(py, v))
        .collect())
}

/// The :class:`Simulation` of that input from every scenario's losses, in scenario order
/// (``risk_core::quant::simulation_from_scenarios``): equal to :func:`simulate` bit for bit.
#[pyfunction]
pub fn _simulation_from_scenarios(
    py: Python<'_>,
    input: &str,
    losses: Vec<PyReadonlyArray1<'_, f64>>,
) -> PyResult<PySimulation> {
    let per_scenario: Vec<Vec<f64>> = losses
        .iter()
        .map(|a| a.as_array().iter().copied().collect())
        .collect();
    let input = input.to_owned();
    let sim = detached(py, move || -> Result<_, Failure> {
        let input = risk_core::quant::parse_simulation_input_unchecked(&input)?;
        Ok(risk_core::quant::simulation_from_scenarios(
            &input,
            per_scenario,
        )?)
    })?;
    Ok(PySimulation {
        inner: Arc::new(sim),
    })
}

/// One level or many: a float gives a float, a sequence gives a NumPy array. The core checks
/// each level (paths `q`, `q[i]`).
fn per_level<'py>(
    py: Python<'py>,
    losses: &Losses,
    q: &Bound<'py, PyAny>,
    measure: Measure,
) -> PyResult<Bound<'py, PyAny>> {
    if q.is_instance_of::<PyFloat>() || q.is_instance_of::<PyInt>() {
        let x = raise(py, losses.measure(measure, q.extract()?, "q"))?;
        return Ok(PyFloat::new(py, x).into_any());
    }
    let levels = q
        .try_iter()?
        .map(|x| x?.extract::<f64>())
        .collect::<PyResult<Vec<f64>>>()?;
    let out = raise(py, losses.measures(measure, &levels, "q"))?;
    Ok(PyArray1::from_vec(py, out).into_any())
}

/// The result of :func:`simulate`: annual losses per trial, in total, per scenario and per
/// organisation, with their risk measures.
#[pyclass(name = "Simulation", module = "riskrating.quant", frozen)]
pub struct PySimulation {
    inner: Arc<Simulation>,
}

impl PySimulation {
    fn total(&self) -> &Losses {
        &self.inner.total
    }
}

#[pymethods]
impl PySimulation {
    /// Number of trials (simulated years).
    #[getter]
    fn trials(&self) -> u64 {
        self.inner.trials
    }
    /// The seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed
    }
    /// ``compound`` or ``expected``.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode.as_str()
    }
    /// Mean annual loss.
    #[getter]
    fn mean(&self) -> f64 {
        self.total().mean()
    }
    /// Standard deviation of the annual loss.
    #[getter]
    fn sd(&self) -> f64 {
        self.total().sd()
    }
    /// Standard error of the mean.
    #[getter]
    fn standard_error(&self) -> f64 {
        self.total().standard_error()
    }
    /// Smallest annual loss.
    #[getter]
    fn min(&self) -> f64 {
        self.total().min()
    }
    /// Largest annual loss.
    #[getter]
    fn max(&self) -> f64 {
        self.total().max()
    }
    /// The annual loss of every trial, in trial order, as a NumPy array (one copy, no Python
    /// floats per trial).
    #[getter]
    fn losses<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.total().values())
    }
    /// The loss of each trial of one scenario, as a NumPy array.
    fn scenario_losses<'py>(
        &self,
        py: Python<'py>,
        name: &str,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        match self.inner.scenario(name) {
            Some(s) => Ok(PyArray1::from_slice(py, s.losses.values())),
            None => Err(pyo3::exceptions::PyKeyError::new_err(name.to_owned())),
        }
    }
    /// The q-quantile of the annual loss (linear interpolation, as NumPy's default); ``q`` a
    /// number in [0, 1] or a sequence of them (then an array).
    fn percentile<'py>(
        &self,
        py: Python<'py>,
        q: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        per_level(py, self.total(), q, Measure::Percentile)
    }
    /// Value at risk: the q-quantile of the annual loss.
    fn var<'py>(&self, py: Python<'py>, q: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        per_level(py, self.total(), q, Measure::Var)
    }
    /// Tail value at risk: the mean annual loss at or beyond VaR(q).
    fn tvar<'py>(&self, py: Python<'py>, q: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        per_level(py, self.total(), q, Measure::Tvar)
    }
    /// The loss exceedance curve as a frame with columns ``loss`` and ``probability``
    /// (P(annual loss > loss)). ``points`` is a number of log-spaced points between the smallest
    /// positive and the largest loss, or a sequence of losses to evaluate at.
    ///
    /// >>> sim = riskrating.quant.simulate([{"name": "a", "frequency": {"lef": 0.5},
    /// ...     "primary_loss": {"type": "uniform", "min": 0, "max": 100}}], n=1000, seed=1)
    /// >>> lec = sim.exceedance(10)
    /// >>> list(lec.columns), len(lec)
    /// (['loss', 'probability'], 10)
    /// >>> bool(lec["probability"].is_monotonic_decreasing)
    /// True
    #[pyo3(signature = (points = None), text_signature = "(self, points=20)")]
    fn exceedance<'py>(
        &self,
        py: Python<'py>,
        points: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let curve = if points.is_none_or(|p| p.is_instance_of::<PyInt>()) {
            let k: usize = match points {
                Some(p) => p.extract()?,
                None => DEFAULT_LEC_POINTS,
            };
            let inner = self.inner.clone();
            py.detach(move || inner.total.lec(k))
        } else {
            let xs: Vec<f64> = points.map(|p| p.extract()).transpose()?.unwrap_or_default();
            let inner = self.inner.clone();
            py.detach(move || inner.total.exceedance_at(&xs))
        };
        let (loss, probability): (Vec<f64>, Vec<f64>) =
            curve.into_iter().map(|p| (p.loss, p.probability)).unzip();
        Frame::new()
            .col("loss", Column::F64(loss))
            .col("probability", Column::F64(probability))
            .into_pandas(py)
    }
    /// Per scenario: ``name``, ``organisation``, ``mean``, ``sd``, ``mean_contribution`` (share of
    /// the total mean), ``p95`` and ``tvar95``.
    fn scenarios_frame<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.inner.scenarios;
        Frame::new()
            .col(
                "name",
                Column::Str(s.iter().map(|x| x.name.clone()).collect()),
            )
            .col(
                "organisation",
                Column::Str(
                    s.iter()
                        .map(|x| x.organisation.clone().unwrap_or_default())
                        .collect(),
                ),
            )
            .col(
                "mean",
                Column::F64(s.iter().map(|x| x.losses.mean()).collect()),
            )
            .col("sd", Column::F64(s.iter().map(|x| x.losses.sd()).collect()))
            .col(
                "mean_contribution",
                Column::F64(self.inner.mean_contributions()),
            )
            .col(
                "p95",
                Column::F64(s.iter().map(|x| x.losses.percentile(0.95)).collect()),
            )
            .col(
                "tvar95",
                Column::F64(s.iter().map(|x| x.losses.tvar(0.95)).collect()),
            )
            .into_pandas(py)
    }
    /// The report document (total, per scenario and per organisation: mean, sd, percentiles,
    /// VaR/TVaR, exceedance probabilities and the loss exceedance curve) as a dict.
    #[pyo3(signature = (percentiles = None, var_levels = None, thresholds = None, lec_points = DEFAULT_LEC_POINTS))]
    fn report<'py>(
        &self,
        py: Python<'py>,
        percentiles: Option<Vec<f64>>,
        var_levels: Option<Vec<f64>>,
        thresholds: Option<Vec<f64>>,
        lec_points: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let default = ReportOptions::default();
        let options = ReportOptions {
            percentiles: percentiles.unwrap_or(default.percentiles),
            var_levels: var_levels.unwrap_or(default.var_levels),
            thresholds: thresholds.unwrap_or(default.thresholds),
            lec_points,
            include_losses: default.include_losses,
        };
        let inner = self.inner.clone();
        let text = detached(py, move || -> Result<String, Failure> {
            json::to_string(&inner.checked_report(&options)?)
        })?;
        json::loads(py, &text)
    }
    fn __len__(&self) -> usize {
        self.total().len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Simulation(trials={}, mode='{}', mean={:.1}, p95={:.1})",
            self.inner.trials,
            self.mode(),
            self.total().mean(),
            self.total().percentile(0.95)
        )
    }
}
