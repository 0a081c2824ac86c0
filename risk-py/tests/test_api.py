"""The public API: inputs, the rating views, frames, methodology, decision support."""

from __future__ import annotations

import datetime
import json
import math
import pathlib
import pickle

import pandas as pd
import pytest

import riskrating


def test_every_input_form_gives_the_same_rating(small, small_path):
    expected = riskrating.rate(small).to_json()
    text = json.dumps(small)
    forms = [
        text,
        text.encode("utf-8"),
        bytearray(text.encode("utf-8")),
        memoryview(text.encode("utf-8")),
        "\ufeff" + text,
        str(small_path),
        small_path,
        riskrating.Portfolio(small),
        riskrating.Portfolio(small_path),
    ]
    for form in forms:
        assert riskrating.rate(form).to_json() == expected, type(form)


def test_dict_with_dates_and_numpy_scalars(small):
    import numpy as np

    doc = json.loads(json.dumps(small))
    doc["as_of"] = datetime.date(2025, 9, 30)
    doc["organisations"][0]["metrics"][0]["successes"] = np.int64(4210)
    doc["organisations"][0]["findings"][0]["epss"] = np.float64(0.94)
    doc["organisations"][0]["assessments"][0]["assessed_on"] = datetime.datetime(2025, 6, 30, 12)
    assert riskrating.rate(doc).to_json() == riskrating.rate(small).to_json()


def test_portfolio_rating_is_a_sequence_indexed_by_id(small):
    r = riskrating.rate(small)
    assert len(r) == 3
    assert [x.id for x in r] == ["RBS", "RXX", "SUP-PATH"] == r.ids
    assert r["RBS"] == r[0] == r[-3]
    assert r["SUP-PATH"].id == "SUP-PATH"
    assert "RBS" in r and "NOPE" not in r and 3 not in r
    assert r.get("NOPE") is None and r.get("NOPE", 5) == 5 and r.get("RXX").id == "RXX"
    with pytest.raises(KeyError):
        r["NOPE"]
    with pytest.raises(IndexError):
        r[3]
    with pytest.raises(TypeError):
        r[1.5]
    assert r.as_of == "2025-09-30"
    assert r.methodology == "nhs-caf-v1" and r.methodology_version == riskrating.Methodology.default().version
    assert repr(r) == (
        "PortfolioRating(as_of='2025-09-30', methodology='nhs-caf-v1', ratings=3, "
        "label='expert judgement — not fitted to incident data')"
    )


def test_rating_attributes_match_the_output_document(small):
    r = riskrating.rate(small)
    doc = r.to_dict()
    assert doc == json.loads(r.to_json())
    assert set(doc) == {"as_of", "methodology", "methodology_version", "provenance", "ratings", "peer_groups", "suppliers"}
    for rating, d in zip(r, doc["ratings"]):
        assert rating.to_dict() == d
        for key in ["id", "peer_group", "score", "band", "probability", "internal_probability",
                    "supply_probability", "basis", "coverage", "peer_percentile"]:
            assert getattr(rating, key) == d[key], key
        assert rating.interval == tuple(d["interval"])
        assert rating.probability_interval == tuple(d["probability_interval"])
        assert [f.id for f in rating.factors] == [f["id"] for f in d["factors"]]
        for f, fd in zip(rating.factors, d["factors"]):
            assert (f.mean, f.lower, f.upper, f.evidence, f.points) == (
                fd["mean"], fd["lower"], fd["upper"], fd["evidence"], fd["points"])
        for drv, dd in zip(rating.drivers, d["drivers"]):
            assert (drv.kind, drv.reference, drv.impact, drv.reason) == (
                dd["kind"], dd["reference"], dd["impact"], dd["reason"])
        assert len(rating.drivers) == len(d["drivers"])
    assert r.peer_groups == doc["peer_groups"]
    assert r.suppliers == doc["suppliers"]
    assert [g["peer_group"] for g in r.peer_groups] == ["acute", "supplier"]
    assert r.suppliers[0]["id"] == "SUP-PATH" and r.suppliers[0]["dependents"] == 2


def test_rating_is_frozen_with_readable_repr_and_html(small):
    rbs = riskrating.rate(small)["RBS"]
    with pytest.raises(AttributeError):
        rbs.score = 900  # type: ignore[misc]
    with pytest.raises(AttributeError):
        rbs.factors[0].mean = 1.0  # type: ignore[misc]
    text = repr(rbs)
    assert text.startswith("Rating(id='RBS', peer_group='acute', score=")
    assert f"band='{rbs.band}'" in text
    html = rbs._repr_html_()
    assert html.count("<tr>") == len(rbs.factors) == 14
    assert f"{rbs.score:.0f}" in html and rbs.band in html
    assert "FactorRating(id='governance'" in repr(rbs.factors[0])
    assert repr(rbs.drivers[0]).startswith("Driver(kind=")


def test_html_card_escapes_text():
    doc = {"as_of": "2025-09-30", "organisations": [{"id": "<b>&'x\"", "peer_group": "<script>"}]}
    html = riskrating.rate(doc)[0]._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;&amp;&#39;x&quot;" in html


def test_to_frame(small):
    r = riskrating.rate(small)
    f = r.to_frame()
    assert list(f.columns)[:10] == ["id", "peer_group", "score", "band", "lower", "upper",
                                    "probability", "coverage", "peer_percentile", "basis"]
    assert len(f) == 3
    for row, rating in zip(f.itertuples(), r):
        assert row.id == rating.id and row.score == rating.score
        assert (row.lower, row.upper) == rating.interval
        assert (row.probability_lower, row.probability_upper) == rating.probability_interval
        assert row.basis == rating.basis and row.band == rating.band
    assert f["score"].dtype == "float64"


def test_factors_and_drivers_frames(small):
    r = riskrating.rate(small)
    ff = r.factors_frame()
    assert list(ff.columns) == ["id", "factor", "mean", "lower", "upper", "evidence", "points"]
    assert len(ff) == 3 * 14
    rbs = ff[ff["id"] == "RBS"]
    assert list(rbs["factor"]) == [f.id for f in r["RBS"].factors]
    assert list(rbs["points"]) == [f.points for f in r["RBS"].factors]
    df = r.drivers_frame()
    assert list(df.columns) == ["id", "rank", "kind", "reference", "impact", "reason"]
    assert len(df) == sum(len(x.drivers) for x in r)
    d = df[df["id"] == "RBS"]
    assert list(d["rank"]) == list(range(1, len(r["RBS"].drivers) + 1))
    assert list(d["reference"]) == [x.reference for x in r["RBS"].drivers]
    pd.testing.assert_frame_equal(r["RBS"].factors_frame(), rbs.reset_index(drop=True))
    pd.testing.assert_frame_equal(r["RBS"].drivers_frame(), d.reset_index(drop=True))


def test_empty_portfolio_frames():
    r = riskrating.rate({"as_of": "2025-09-30", "organisations": []})
    assert len(r) == 0 and list(r) == []
    assert len(r.to_frame()) == 0 and len(r.factors_frame()) == 0 and len(r.drivers_frame()) == 0
    assert r.peer_groups == [] and r.suppliers == []


def test_methodology(tmp_path):
    m = riskrating.Methodology.default()
    assert m.id == "nhs-caf-v1" and len(m.factors) == 14 and m.name
    assert repr(m) == f"Methodology(id='nhs-caf-v1', version='{m.version}')"
    again = riskrating.Methodology.from_json(m.to_json())
    assert again.to_dict() == m.to_dict()
    assert riskrating.Methodology.from_json(m.to_json().encode()).id == m.id
    p = tmp_path / "m.json"
    p.write_text(m.to_json(), encoding="utf-8")
    assert riskrating.Methodology.from_file(p).id == m.id
    assert riskrating.Methodology.from_file(str(p)).id == m.id
    # A changed methodology changes the ratings and is carried into the output.
    d = m.to_dict()
    d["id"] = "custom"
    for f in d["factors"]:
        if f["id"] == "vulnerability_management":
            f["weight"] *= 3
    custom = riskrating.Methodology.from_json(json.dumps(d))
    doc = {"as_of": "2025-09-30", "organisations": [{"id": "A", "findings": [
        {"id": "F", "kind": "vulnerability", "cvss_score": 9.8, "kev": True, "first_seen": "2025-01-01"}]}]}
    a = riskrating.rate(doc)
    b = riskrating.rate(doc, methodology=custom)
    assert b.methodology == "custom" and a.methodology == "nhs-caf-v1"
    assert a[0].score != b[0].score


def test_portfolio_object(small):
    p = riskrating.Portfolio(small)
    assert len(p) == 3 and p.as_of == "2025-09-30" and p.ids == ["RBS", "RXX", "SUP-PATH"]
    assert riskrating.Portfolio(p.to_json()).to_dict() == p.to_dict()
    assert repr(p) == "Portfolio(as_of='2025-09-30', organisations=3)"


def test_validate(small):
    assert riskrating.validate(small) is None
    small["organisations"][1]["id"] = "RBS"
    with pytest.raises(riskrating.InputError) as e:
        riskrating.validate(small)
    assert e.value.code == "duplicate_organisation" and e.value.path == "organisations[1].id"


def test_what_if(small):
    w = riskrating.what_if(small, "SUP-PATH", [])
    assert w.delta == 0 and w.dependants == []
    w = riskrating.what_if(small, "RBS", {"action": "resolve_finding", "finding": "F-17"})
    assert w.delta > 0 and w.score_after == w.rating.score
    assert w.score_before == riskrating.rate(small)["RBS"].score
    assert w.actions == [{"action": "resolve_finding", "finding": "F-17"}]
    assert w.to_dict()["delta"] == w.delta and json.loads(w.to_json()) == w.to_dict()
    assert "WhatIf(organisation='RBS'" in repr(w)
    # A supplier's change reaches its dependants.
    w = riskrating.what_if(small, "SUP-PATH", json.dumps([
        {"action": "set_assessment", "control": "B2.a", "outcome": "not_achieved", "assurance": "independent_audit"}]))
    assert {d["id"] for d in w.dependants} == {"RBS", "RXX"}
    assert all(d["delta"] < 0 for d in w.dependants)


def test_plan(small):
    p = riskrating.plan(small, "RBS", k=3)
    assert p.organisation == "RBS" and len(p) == len(p.steps) == 3
    assert p.candidates >= 4
    gains = [s["gain"] for s in p.steps]
    assert gains == sorted(gains, reverse=True) and all(g >= 0 for g in gains)
    assert p.score == riskrating.rate(small)["RBS"].score
    assert p.score_with_all >= p.score
    f = p.to_frame()
    assert list(f["gain"]) == gains and list(f["rank"]) == [1, 2, 3]
    assert [json.loads(x) for x in f["json"]] == [s["action"] for s in p.steps]
    # The first step, applied as a what-if, gains what the plan says.
    w = riskrating.what_if(small, "RBS", p.steps[0]["action"])
    assert math.isclose(w.delta, gains[0], abs_tol=1e-9)
    assert p.to_dict()["steps"] == p.steps


def test_history_and_change(small):
    h = riskrating.history(small, ["2025-01-01", datetime.date(2025, 6, 1), pd.Timestamp("2025-09-30")])
    assert h.dates == ["2025-01-01", "2025-06-01", "2025-09-30"]
    assert h.ids == ["RBS", "RXX", "SUP-PATH"] and h.methodology == "nhs-caf-v1"
    f = h.to_frame()
    assert list(f.columns) == ["id", "as_of", "score", "band", "lower", "upper", "basis"]
    assert len(f) == 9
    last = f[f["as_of"] == "2025-09-30"].set_index("id")["score"]
    now = riskrating.rate(small)
    for r in now:
        assert last[r.id] == r.score
    assert h.to_dict()["dates"] == h.dates
    c = riskrating.change(small, "RBS", "2025-01-01", "2025-09-30")
    assert c["organisation"] == "RBS" and math.isclose(c["delta"], c["score_to"] - c["score_from"])
    assert {e["reference"] for e in c["entered"]} >= {"F-17", "B4.d"}
    with pytest.raises(riskrating.InputError) as e:
        riskrating.history(small, ["2025-02-30"])
    assert e.value.code == "invalid_date" and e.value.path == "dates[0]"
    with pytest.raises(riskrating.InputError) as e:
        riskrating.history(small, [20250101])
    assert e.value.code == "wrong_type" and e.value.path == "dates[0]"


def test_exceptions_pickle():
    try:
        riskrating.rate({"as_of": "2025-09-30", "organisations": [{"id": ""}]})
    except riskrating.InputError as e:
        again = pickle.loads(pickle.dumps(e))
        assert type(again) is riskrating.InputError
        assert (again.code, again.path, again.errors, str(again)) == (e.code, e.path, e.errors, str(e))


def test_version():
    assert riskrating.__version__ == "0.1.0"
    assert set(riskrating.__all__) <= set(dir(riskrating))
