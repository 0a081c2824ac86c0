"""riskrating.quant: results checked against NumPy on the losses array, determinism, the link to
ratings, errors, and the same report as the Rust quant_sim example."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import riskrating
from riskrating import quant
from conftest import REPO

SCENARIOS = [
    {"name": "ransomware", "organisation": "RBS",
     "frequency": {"tef": {"type": "pert", "min": 1, "mode": 4, "max": 12}, "vulnerability": 0.05},
     "primary_loss": {"type": "lognormal_ci", "low": 1e5, "high": 5e6},
     "secondary": {"probability": 0.3, "loss": {"type": "pert", "min": 1e4, "mode": 1e5, "max": 2e6}}},
    {"name": "outage", "frequency": {"lef": 0.5}, "primary_loss": 2e5},
]


@pytest.fixture(scope="module")
def sim() -> quant.Simulation:
    return quant.simulate(SCENARIOS, n=200_000, seed=42)


def test_losses_are_one_numpy_array(sim):
    losses = sim.losses
    assert isinstance(losses, np.ndarray) and losses.dtype == np.float64 and losses.shape == (200_000,)
    assert len(sim) == sim.trials == 200_000 and sim.seed == 42 and sim.mode == "compound"
    assert (losses >= 0).all()
    assert sim.mean == pytest.approx(losses.mean(), rel=1e-12)
    assert sim.sd == pytest.approx(losses.std(ddof=1), rel=1e-9)
    assert (sim.min, sim.max) == (losses.min(), losses.max())
    assert sim.standard_error == pytest.approx(sim.sd / np.sqrt(200_000))


def test_risk_measures_agree_with_numpy(sim):
    losses = sim.losses
    for q in (0.0, 0.5, 0.9, 0.95, 0.99, 1.0):
        assert sim.percentile(q) == pytest.approx(np.percentile(losses, 100 * q), rel=1e-12)
        assert sim.var(q) == sim.percentile(q)
        if q < 1:
            assert sim.tvar(q) == pytest.approx(losses[losses >= sim.var(q)].mean(), rel=1e-9)
            assert sim.var(q) <= sim.tvar(q)
    many = sim.percentile([0.5, 0.95])
    assert isinstance(many, np.ndarray) and list(many) == [sim.percentile(0.5), sim.percentile(0.95)]
    assert isinstance(sim.tvar(np.array([0.9, 0.99])), np.ndarray)


def test_exceedance(sim):
    lec = sim.exceedance(25)
    assert list(lec.columns) == ["loss", "probability"] and len(lec) == 25
    assert lec["loss"].is_monotonic_increasing and lec["probability"].is_monotonic_decreasing
    losses = sim.losses
    for x, p in zip(lec["loss"], lec["probability"]):
        assert p == (losses > x).mean()
    at = sim.exceedance([1e5, 1e6, 1e7])
    assert list(at["loss"]) == [1e5, 1e6, 1e7]
    assert list(at["probability"]) == [(losses > x).mean() for x in (1e5, 1e6, 1e7)]
    assert len(sim.exceedance()) == 20


def test_scenarios_and_report(sim):
    f = sim.scenarios_frame()
    assert list(f["name"]) == ["ransomware", "outage"] and list(f["organisation"]) == ["RBS", ""]
    assert f["mean_contribution"].sum() == pytest.approx(1.0, rel=1e-9)
    r = sim.scenario_losses("outage")
    assert set(np.unique(r) % 2e5) == {0.0}
    np.testing.assert_allclose(sim.scenario_losses("ransomware") + r, sim.losses, rtol=1e-12)
    with pytest.raises(KeyError):
        sim.scenario_losses("nope")
    rep = sim.report(percentiles=[0.5], var_levels=[0.95], thresholds=[1e6], lec_points=5)
    assert rep["total"]["percentiles"] == [{"q": 0.5, "value": sim.percentile(0.5)}]
    assert rep["total"]["risk"] == [{"q": 0.95, "var": sim.var(0.95), "tvar": sim.tvar(0.95)}]
    assert rep["total"]["exceedance"][0]["probability"] == (sim.losses > 1e6).mean()
    assert len(rep["total"]["lec"]) == 5 and rep["organisations"][0]["id"] == "RBS"


def test_deterministic_by_seed():
    a = quant.simulate(SCENARIOS, n=10_000, seed=5)
    b = quant.simulate(SCENARIOS, n=10_000, seed=5)
    c = quant.simulate(SCENARIOS, n=10_000, seed=6)
    assert np.array_equal(a.losses, b.losses) and not np.array_equal(a.losses, c.losses)
    single = quant.simulate(SCENARIOS[1], n=10_000, seed=5)
    assert single.scenarios_frame()["name"].tolist() == ["outage"]
    assert np.array_equal(quant.simulate(json.dumps(SCENARIOS), n=10_000, seed=5).losses, a.losses)


def _pert_pyfair_moments(low, mode, high):
    mean = (low + 4 * mode + high) / 6
    sd = (high - low) / 6
    return mean, sd * sd + mean * mean  # E[X], E[X²]


def _within_4_se(xs, mean, var):
    """Sample mean within 4 SE of `mean`, sample variance within 4 SE of `var` (SE of the
    variance from the sample's fourth central moment)."""
    n = len(xs)
    m, v = xs.mean(), xs.var(ddof=1)
    se_m = np.sqrt(var / n)
    se_v = np.sqrt((((xs - m) ** 4).mean() - v * v) / n)
    assert abs(m - mean) <= 4 * se_m, (m, mean, se_m)
    assert abs(v - var) <= 4 * se_v, (v, var, se_v)


def test_expected_mode_and_from_rating(small):
    lef, lm = (0.1, 0.5, 2.0), (1e4, 5e4, 5e5)
    e = quant.simulate([{"name": "a", "frequency": {"lef": {"type": "pert_pyfair", "low": lef[0], "mode": lef[1], "high": lef[2]}},
                         "primary_loss": {"type": "pert_pyfair", "low": lm[0], "mode": lm[1], "high": lm[2]}}],
                       n=200_000, seed=1, mode="expected")
    assert e.mode == "expected"
    # Analytic: LEF and LM independent, E[XY] = E[X]E[Y], Var(XY) = E[X²]E[Y²] − (E[X]E[Y])².
    (mx, x2), (my, y2) = _pert_pyfair_moments(*lef), _pert_pyfair_moments(*lm)
    _within_4_se(e.losses, mx * my, x2 * y2 - (mx * my) ** 2)

    result = riskrating.rate(small)
    lo, hi = result["RBS"].probability_interval
    s = quant.simulate([{"name": "breach", "frequency": {"from_rating": "RBS"}, "primary_loss": 1.0}],
                       n=200_000, seed=3, ratings=result)
    # Unit loss per event: the loss is N ~ Poisson(λ), λ = softplus(m + sZ), logit P ~ N(m, s²)
    # with the rating's 90% interval as its 5% and 95% points. E[N] = E[λ] and
    # Var N = E[λ] + Var λ, by quadrature over Z (trapezoid, 20,001 points on [−10, 10]).
    logit = lambda p: np.log(p) - np.log1p(-p)  # noqa: E731
    m, sd = (logit(lo) + logit(hi)) / 2, (logit(hi) - logit(lo)) / (2 * 1.6448536269514722)
    z = np.linspace(-10, 10, 20_001)
    w = np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
    lam = np.logaddexp(0.0, m + sd * z)
    e1, e2 = np.trapezoid(lam * w, z), np.trapezoid(lam * lam * w, z)
    _within_4_se(s.losses, e1, e1 + e2 - e1 * e1)
    assert s.scenarios_frame()["organisation"].tolist() == ["RBS"]


@pytest.mark.parametrize(
    "scenarios, kwargs, code, path",
    [
        ([{"name": "x", "frequency": {"lef": 1}, "primary_loss": {"type": "pert", "min": 5, "mode": 1, "max": 9}}],
         {}, "invalid_parameter", "scenarios[0].primary_loss.mode"),
        ([{"name": "x", "frequency": {"lef": 1}}], {}, "missing_field", "scenarios[0].primary_loss"),
        ([{"name": "x", "frequency": {"lef": 1}, "primary_loss": 1, "colour": 2}], {}, "unknown_field", "scenarios[0].colour"),
        ([{"name": "x", "frequency": {"from_rating": "RBS"}, "primary_loss": 1}], {}, "unknown_organisation",
         "scenarios[0].frequency.from_rating"),
        ([], {}, "invalid_scenario", "scenarios"),
        ([{"name": "x", "frequency": {"lef": 1}, "primary_loss": 1}], {"n": 0}, "invalid_trials", "trials"),
        ([{"name": "x", "frequency": {"lef": 1}, "primary_loss": 1}], {"mode": "fast"}, "invalid_option", "mode"),
        ([{"name": "x", "frequency": {"lef": float("inf")}, "primary_loss": 1}], {}, "invalid_number",
         "scenarios[0].frequency.lef"),
    ],
)
def test_simulation_errors(scenarios, kwargs, code, path):
    err = riskrating.SimulationError
    with pytest.raises(err) as info:
        quant.simulate(scenarios, **kwargs)
    e = info.value
    assert isinstance(e, riskrating.RiskError)
    assert e.code == code and e.path == path, str(e)
    assert e.errors[0]["path"] == path


def test_level_errors(sim):
    for bad in (1.5, -0.1, [0.5, 2.0]):
        with pytest.raises(riskrating.SimulationError) as info:
            sim.percentile(bad)
        assert info.value.code == "invalid_probability"


def test_report_matches_rust_quant_sim(tmp_path: Path):
    doc = {"trials": 20_000, "seed": 9, "mode": "compound", "scenarios": SCENARIOS}
    path = tmp_path / "sim.json"
    path.write_text(json.dumps(doc))
    out = subprocess.run(
        ["cargo", "run", "--release", "--locked", "--quiet", "--example", "quant_sim", "--", str(path)],
        cwd=REPO, check=True, capture_output=True, text=True, env=dict(os.environ, CARGO_TERM_COLOR="never"),
    )
    rust = json.loads(out.stdout)["report"]
    py = quant.simulate(SCENARIOS, n=20_000, seed=9).report()
    assert py == rust
