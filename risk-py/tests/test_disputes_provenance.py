"""Disputes (section 10), provenance and freshness (section 11) and the methodology change notice
(section 12) through the Python package."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

import riskrating

DOC = {
    "as_of": "2025-09-30",
    "organisations": [
        {"id": "RBS", "peer_group": "acute",
         "findings": [{"id": "F-17", "kind": "vulnerability", "kev": True, "internet_facing": True,
                       "cvss_score": 9.8, "first_seen": "2025-08-01",
                       "dispute": {"status": "open", "reason": "not_ours",
                                   "raised_on": "2025-09-10", "raised_by": "RBS CISO"}}],
         "dependencies": [{"supplier": "SUP", "criticality": "high", "access": "data"}]},
        {"id": "SUP", "assessments": [{"control": "B4.d", "outcome": "achieved",
                                       "assurance": "self_assessed", "assessed_on": "2024-01-01"}]},
        {"id": "ICB", "dependencies": [{"supplier": "RBS", "criticality": "high", "access": "data"}]},
    ],
}


def test_disputes_show_both_views() -> None:
    r = riskrating.rate(DOC)
    d = r["RBS"].disputes
    assert d["open"] == 1 and d["upheld"] == 0
    assert d["score_undisputed"] > r["RBS"].score
    assert r["ICB"].disputes is not None and r["SUP"].disputes is None
    reason = [x.reason for x in r["RBS"].drivers if x.reference == "F-17"][0]
    assert reason.endswith("; disputed: not ours")
    frame = r.to_frame().set_index("id")
    assert frame.loc["RBS", "disputes_open"] == 1
    assert frame.loc["RBS", "score_undisputed"] == d["score_undisputed"]
    assert frame.loc["SUP", "score_undisputed"] == r["SUP"].score
    assert "disputed: 1 open" in r["RBS"]._repr_html_()
    # Upholding it by what-if is deleting it.
    w = riskrating.what_if(DOC, "RBS", {"action": "uphold_dispute", "finding": "F-17"})
    gone = copy.deepcopy(DOC)
    gone["organisations"][0]["findings"] = []
    assert w.score_after == riskrating.rate(gone)["RBS"].score


def test_bad_disputes_are_input_errors_with_paths() -> None:
    bad = copy.deepcopy(DOC)
    bad["organisations"][0]["findings"][0]["dispute"]["status"] = "upheld"
    with pytest.raises(riskrating.InputError) as e:
        riskrating.rate(bad)
    assert e.value.code == "missing_resolved_on"
    assert e.value.path == "organisations[0].findings[0].dispute.resolved_on"
    assert isinstance(e.value, ValueError)


def test_freshness_and_its_card() -> None:
    r = riskrating.rate(DOC)
    assert r["SUP"].evidence_as_of == "2024-01-01" and r["SUP"].stale
    assert r["RBS"].evidence_as_of == "2025-08-01" and not r["RBS"].stale
    assert r["ICB"].evidence_as_of is None
    assert list(r.to_frame()["stale"]) == [False, True, False]
    assert "stale" in r["SUP"]._repr_html_()


def test_digest_ignores_key_order_and_whitespace() -> None:
    a = riskrating.rate(DOC).provenance
    text = json.dumps(DOC, indent=3, sort_keys=True)
    b = riskrating.rate(text).provenance
    assert a == b
    assert a["input_digest"].startswith("sha256:")
    assert a["engine_version"] == riskrating.__version__


def test_digest_is_sha256_of_rfc8785_form() -> None:
    # A document stating every field: Python's sorted compact JSON is its RFC 8785 form.
    doc = {"as_of": "2025-09-30", "organisations": [{"id": "A", "peer_group": "acute", "findings": [
        {"id": "F-1", "kind": "tls", "first_seen": "2025-08-01", "kev": False, "internet_facing": True,
         "asset_criticality": "high", "cvss_score": 9.5, "epss": 0.5}]}]}
    jcs = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    want = "sha256:" + hashlib.sha256(jcs.encode()).hexdigest()
    assert riskrating.rate(doc).provenance["input_digest"] == want


def test_compare_methodologies_frame_and_plot() -> None:
    old = riskrating.Methodology.default()
    meth = json.loads(old.to_json())
    meth["model"]["intercept"] = -3.6
    meth["findings"]["kev_multiplier"] = 3.0
    new = riskrating.Methodology.from_json(json.dumps(meth))
    c = riskrating.compare_methodologies(DOC, old, new)
    assert c.changed_groups == ["model", "findings"] and c.ratings_computed == 4
    f = c.to_frame()
    parts = f[["factors", "controls", "model", "assessments", "metrics", "findings", "priors",
               "supply_chain", "score"]].sum(axis=1)
    assert ((parts - f["change"]).abs() <= 1e-9).all()
    assert (f["priors"] == 0.0).all()
    import matplotlib

    matplotlib.use("Agg")
    from riskrating import plot

    ax = plot.band_migrations(c)
    assert ax.get_xlabel() == "band under the new methodology"


def test_source_frame_groups_items_and_drivers() -> None:
    doc = copy.deepcopy(DOC)
    doc["organisations"][0]["findings"][0]["source"] = "scanner"
    f = riskrating.source_frame(doc)
    rbs = f[f["organisation"] == "RBS"].set_index("source")
    assert rbs.loc["scanner", "items"] == 1 and rbs.loc["scanner", "drivers"] == 1
    assert abs(f.groupby("organisation")["share"].sum() - 1.0).max() < 1e-12
