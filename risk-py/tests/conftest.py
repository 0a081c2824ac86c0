"""Shared fixtures: small hand-written documents and a deterministic large one.

The large document is test data made with Python's seeded ``random.Random``; it computes no
rating (the engine does that).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Dict

import pytest

REPO = Path(__file__).resolve().parents[2]

SMALL: Dict[str, Any] = {
    "as_of": "2025-09-30",
    "organisations": [
        {
            "id": "RBS",
            "name": "Northshire Acute Hospitals NHS Trust",
            "peer_group": "acute",
            "assessments": [
                {"control": "B4.d", "outcome": "partially_achieved",
                 "assurance": "independent_audit", "assessed_on": "2025-06-30",
                 "source": "DSPT 2024-25"},
                {"control": "B2.a", "outcome": "not_achieved", "assurance": "self_assessed",
                 "assessed_on": "2025-05-01"},
            ],
            "metrics": [
                {"metric": "mfa_coverage", "successes": 4210, "trials": 4500,
                 "observed_on": "2025-09-01"},
            ],
            "findings": [
                {"id": "F-17", "kind": "vulnerability", "cve": "CVE-2024-3400",
                 "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "epss": 0.94,
                 "kev": True, "internet_facing": True, "asset_criticality": "clinical",
                 "first_seen": "2025-08-01", "resolved_on": None},
            ],
            "dependencies": [
                {"supplier": "SUP-PATH", "criticality": "critical", "access": "network"},
            ],
            "attestation": None,
        },
        {
            "id": "RXX",
            "peer_group": "acute",
            "assessments": [
                {"control": "B2.a", "outcome": "achieved", "assurance": "peer_reviewed",
                 "assessed_on": "2025-03-01"},
            ],
            "dependencies": [
                {"supplier": "SUP-PATH", "criticality": "high", "access": "data"},
            ],
        },
        {
            "id": "SUP-PATH",
            "name": "Pathology Services Ltd",
            "peer_group": "supplier",
            "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": True,
                            "incident_probability": None},
        },
    ],
}

_CONTROLS = ["A1.a", "A2.b", "A3.a", "A4.a", "B1.a", "B2.a", "B2.c", "B3.b", "B4.b", "B4.d",
             "B5.a", "B6.a", "C1.a", "C2.a", "D1.a", "D2.a", "E1.a"]
_METRICS = ["mfa_coverage", "privileged_access_reviewed", "edr_coverage", "log_source_coverage",
            "patch_sla_compliance", "backup_restore_success"]
_KINDS = ["vulnerability", "misconfiguration", "tls", "exposed_service", "email_security"]


def make_portfolio(n: int, seed: int, findings: int = 20) -> Dict[str, Any]:
    """A valid portfolio of ``n`` organisations with random evidence (test data)."""
    rng = random.Random(seed)
    suppliers = max(1, n // 20)
    orgs = []
    for i in range(n):
        is_supplier = i < suppliers
        oid = f"S{i:05d}" if is_supplier else f"O{i:05d}"
        o: Dict[str, Any] = {"id": oid, "peer_group": "supplier" if is_supplier else rng.choice(["acute", "mental_health", "community", "gp"])}
        o["assessments"] = [
            {"control": c, "outcome": rng.choice(["achieved", "partially_achieved", "not_achieved"]),
             "assurance": rng.choice(["self_assessed", "peer_reviewed", "independent_audit"]),
             "assessed_on": f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"}
            for c in rng.sample(_CONTROLS, 8)
        ]
        o["metrics"] = []
        for mname in rng.sample(_METRICS, 3):
            t = rng.randint(10, 5000)
            o["metrics"].append({"metric": mname, "successes": rng.randint(0, t), "trials": t,
                                 "observed_on": f"2025-0{rng.randint(1, 9)}-15"})
        o["findings"] = [
            {"id": f"F{k}", "kind": rng.choice(_KINDS), "cvss_score": round(rng.uniform(0, 10), 1),
             "epss": round(rng.random(), 3), "kev": rng.random() < 0.05,
             "internet_facing": rng.random() < 0.3,
             "asset_criticality": rng.choice(["low", "medium", "high", "clinical"]),
             "first_seen": f"2025-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}"}
            for k in range(findings)
        ]
        if not is_supplier:
            o["dependencies"] = [
                {"supplier": f"S{j:05d}", "criticality": rng.choice(["low", "medium", "high", "critical"]),
                 "access": rng.choice(["none", "data", "network", "admin"])}
                for j in rng.sample(range(suppliers), min(3, suppliers))
            ]
        orgs.append(o)
    return {"as_of": "2025-09-30", "organisations": orgs}


@pytest.fixture
def small() -> Dict[str, Any]:
    return json.loads(json.dumps(SMALL))


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    p = tmp_path / "small.json"
    p.write_text(json.dumps(SMALL), encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def large_text() -> str:
    return json.dumps(make_portfolio(3000, seed=7))


@pytest.fixture(scope="session")
def large_path(tmp_path_factory: pytest.TempPathFactory, large_text: str) -> Path:
    p = tmp_path_factory.mktemp("large") / "large.json"
    p.write_text(large_text, encoding="utf-8")
    return p
