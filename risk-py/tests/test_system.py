"""riskrating.system: the correlated cascade simulation through the binding (figures from the
engine; here: conversion, frames, errors, determinism and parity with the Rust example)."""

import json
import os
import subprocess

import pytest

import riskrating

DOC = {
    "as_of": "2025-09-30",
    "organisations": [
        {"id": "A", "groups": ["icb:X"],
         "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
        {"id": "B", "groups": ["icb:X", "region:r"],
         "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
        {"id": "S", "attestation": {"incident_probability": 0.3}},
    ],
}


def test_frames_and_correlation():
    r = riskrating.system(DOC, trials=20_000, seed=7)
    assert r.trials == 20_000
    assert [g["group"] for g in r.groups] == ["icb:X", "region:r"]
    frame = r.groups_frame()
    assert list(frame["group"]) == ["*", "icb:X", "region:r"]
    tail = r.tail_frame()
    both = tail[(tail.group == "icb:X") & (tail.k == 2)].iloc[0]
    assert both.multiplier > 1.1
    orgs = r.organisations_frame()
    assert list(orgs["id"]) == ["A", "B", "S"]
    sup = r.suppliers_frame()
    assert "S" in set(sup["id"])


def test_same_seed_same_report_and_what_if():
    a = riskrating.system(DOC, trials=5000, seed=3).to_dict()
    assert a == riskrating.system(json.dumps(DOC), trials=5000, seed=3).to_dict()
    hard = riskrating.system(
        DOC, trials=5000, seed=3, organisation="A",
        actions={"action": "set_dependency_access", "supplier": "S", "access": "none"},
    ).to_dict()
    assert hard["groups"][0]["expected"] < a["groups"][0]["expected"]


def test_losses():
    r = riskrating.system(DOC, trials=4000, seed=1, losses={})
    losses = r.group("icb:X")["losses"]
    assert losses["measures"][0]["var"] <= losses["measures"][0]["tvar"]


def test_errors_have_codes_and_paths():
    with pytest.raises(riskrating.SimulationError) as e:
        riskrating.system(DOC, ks=[1, 0])
    assert (e.value.code, e.value.path) == ("invalid_threshold", "ks[1]")
    with pytest.raises(riskrating.SimulationError) as e:
        riskrating.system(DOC, trials=0)
    assert (e.value.code, e.value.path) == ("invalid_trials", "trials")
    with pytest.raises(riskrating.InputError) as e:
        riskrating.system(DOC, organisation="A", actions=[{"action": "remove_dependency", "supplier": "Z"}])
    assert e.value.path == "actions[0].supplier"


def test_plot_tail():
    import matplotlib

    matplotlib.use("Agg")
    r = riskrating.system(DOC, trials=2000, seed=1)
    ax = r.plot_tail("icb:X")
    assert len(ax.get_lines()) == 2


def test_parity_with_the_rust_example(tmp_path):
    """The `system` example's --json output equals the binding's report for the same options."""
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(DOC))
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--locked", "-p", "risk-core", "--example", "system",
         "--", str(path), "--trials", "3000", "--seed", "5", "--json"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout
    assert json.loads(out) == riskrating.system(DOC, trials=3000, seed=5).to_dict()
