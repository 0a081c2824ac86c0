"""Calibration (calibration-v1) through the Python binding: the report equals the Rust example
``calibrate --report`` on the same files, the fitted methodology rates, errors name their path."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import riskrating
from conftest import REPO

DIR = REPO / "tests" / "vectors" / "calibration"
FILES = [DIR / "portfolio.json", DIR / "incidents.json", DIR / "config.json"]


@pytest.fixture(scope="module")
def report() -> riskrating.CalibrationReport:
    return riskrating.calibrate(*FILES)


def test_report_equals_the_rust_example_report(report: riskrating.CalibrationReport) -> None:
    want = (DIR / "report.expected.json").read_text()
    assert report.to_dict() == json.loads(want)
    assert report.to_json().strip() == want.strip()


def test_inputs_as_text_bytes_and_paths_give_the_same_report(
    report: riskrating.CalibrationReport,
) -> None:
    texts = [p.read_text() for p in FILES]
    assert riskrating.calibrate(*texts).to_dict() == report.to_dict()
    assert riskrating.calibrate(*[t.encode() for t in texts]).to_dict() == report.to_dict()
    assert riskrating.calibrate(*[str(p) for p in FILES]).to_dict() == report.to_dict()


def test_evaluate_equals_the_rust_example_evaluate() -> None:
    r = riskrating.evaluate_calibration(*FILES)
    assert r.to_dict() == json.loads((DIR / "evaluate.expected.json").read_text())
    assert r.methodology is None


def test_fitted_methodology_rates(report: riskrating.CalibrationReport) -> None:
    m = report.methodology
    assert isinstance(m, riskrating.Methodology)
    assert m.id == "nhs-caf-v1-fitted"
    fitted = riskrating.rate(FILES[0], m)
    base = riskrating.rate(FILES[0])
    assert len(fitted) == len(base) > 0
    assert fitted.methodology == "nhs-caf-v1-fitted"
    # calibration-v1 3.6: person-facing outputs say where the probabilities come from.
    assert base.label == "expert judgement — not fitted to incident data"
    assert fitted.label.startswith("fitted to incidents: level ") and fitted.label == fitted[0].label
    assert "expert judgement" in repr(base) and "fitted to incidents" in repr(fitted)
    assert "fitted to incidents" in fitted[0]._repr_html_()
    prepared = riskrating.PreparedPortfolio(FILES[0], m)
    assert prepared.rate().label == fitted.label


def test_frames(report: riskrating.CalibrationReport) -> None:
    f = report.to_frame()
    assert set(f["block"]) == {"overall", "internal", "supply"}
    assert set(f["methodology"]) == {"original", "fitted"}
    auc = f[(f.metric == "auc") & (f.block == "overall") & (f.methodology == "original")]
    want = report.to_dict()["validation"]["original"]["overall"]["auc"]["estimate"]
    assert auc["value"].tolist() == [want]
    rel = report.reliability_frame()
    assert len(rel) > 0 and (rel["n"] > 0).all()
    bands = report.bands_frame()
    assert set(bands["band"]) <= set("ABCDEF")
    n = report.to_dict()["validation"]["original"]["overall"]["n"]
    orig = bands[(bands.methodology == "original") & (bands.block == "overall")]
    assert orig["n"].sum() == n


def test_plot_reliability(report: riskrating.CalibrationReport) -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = report.plot_reliability()
    assert ax.get_xlabel() == "predicted probability"


def test_bad_incident_raises_calibration_error_with_its_path() -> None:
    bad = {"incidents": [{"id": "X", "organisation": "NOPE", "occurred_on": "2024-01-01",
                          "origin": "internal"}]}
    with pytest.raises(riskrating.CalibrationError) as e:
        riskrating.calibrate(FILES[0], bad, FILES[2])
    assert isinstance(e.value, ValueError) and isinstance(e.value, riskrating.InputError)
    assert e.value.category == e.value.code == "unknown_organisation"
    assert e.value.document == "incidents"
    assert e.value.path == "incidents[0].organisation"
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is riskrating.CalibrationError
    assert (again.category, again.document, again.path) == ("unknown_organisation", "incidents",
                                                             "incidents[0].organisation")


def test_plot_bands_draws_the_reports_band_rates(report: riskrating.CalibrationReport) -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = report.plot_bands()
    f = report.bands_frame()
    f = f[f["block"] == "overall"]
    # One observed and one predicted bar per band and methodology, at the report's heights.
    def key(x: float) -> float:  # a band without observations has no rate (NaN, no bar drawn)
        return -1.0 if x != x else round(float(x), 12)

    heights = sorted(key(p.get_height()) for p in ax.patches)
    want = sorted(key(x) for x in list(f["observed"]) + list(f["mean_predicted"]))
    assert heights == want and len(heights) > 0
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(set(f["band"]))


def test_incidents_as_a_frame_give_the_same_report() -> None:
    import pandas as pd

    doc = json.loads(FILES[1].read_text())
    frame = pd.DataFrame(doc["incidents"])
    # Dates as timestamps and a missing optional column value (NaN) are what analysts hold.
    frame["occurred_on"] = pd.to_datetime(frame["occurred_on"])
    if "supplier" not in frame:
        frame["supplier"] = None
    want = riskrating.evaluate_calibration(*FILES).to_dict()
    got = riskrating.evaluate_calibration(FILES[0], frame, FILES[2]).to_dict()
    # The data digest is of the documents' bytes as given (section 3.6), which differ; every
    # figure is the same.
    assert got.pop("data_digest") != want.pop("data_digest")
    assert got == want
    # A bad cell is the engine's error at its row and column.
    frame.loc[1, "origin"] = "bogus"
    with pytest.raises(riskrating.CalibrationError) as e:
        riskrating.evaluate_calibration(FILES[0], frame, FILES[2])
    assert (e.value.code, e.value.path) == ("unknown_value", "incidents[1].origin")
