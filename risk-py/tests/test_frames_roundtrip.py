"""from_frames builds the same portfolio as the dict: the same rating, to the bit."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pandas as pd

import riskrating
from conftest import REPO

LISTS = ("assessments", "metrics", "findings", "dependencies")


def _frames(doc: Dict[str, Any]) -> Dict[str, Any]:
    orgs: List[Dict[str, Any]] = []
    items: Dict[str, List[Dict[str, Any]]] = {k: [] for k in LISTS}
    for o in doc["organisations"]:
        row = {"id": o["id"], "name": o.get("name"), "peer_group": o.get("peer_group")}
        row.update(o.get("attestation") or {})
        orgs.append(row)
        for k in LISTS:
            items[k] += [{"organisation": o["id"], **x} for x in o.get(k, [])]
    frames = {k: pd.DataFrame(v) for k, v in items.items() if v}
    return {"organisations": pd.DataFrame(orgs), **frames}


def test_from_frames_rates_identically_to_the_dict() -> None:
    for name in ("spec_example.json",):
        doc = json.loads((REPO / "risk-core" / "tests" / "data" / name).read_text(encoding="utf-8"))
        assert any(o.get("attestation") for o in doc["organisations"])
        assert all(any(o.get(k) for o in doc["organisations"]) for k in LISTS)
        from_dict = riskrating.rate(doc).to_dict()
        portfolio = riskrating.from_frames(doc["as_of"], **_frames(doc))
        from_frames = riskrating.rate(portfolio).to_dict()
        assert from_frames == from_dict
