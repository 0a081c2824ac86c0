"""Small seeded worlds for testing calibref.py on its own (not the spec's exact worlds of 5.1).

Incidents are drawn quarter by quarter from the base rating at the latest snapshot before the
quarter (approximate, which is all a conformance test needs: any valid inputs will do).

Usage: python calibration_toyworld.py --seed S --organisations N --out DIR
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import riskref  # noqa: E402

CONTROLS = ["A1.a", "A2.b", "A3.a", "A4.a", "B1.a", "B2.a", "B3.b", "B4.a", "B4.d", "B5.c",
            "B6.a", "C1.a", "C2.a", "D1.a", "E1.a"]
METRICS = ["mfa_coverage", "edr_coverage", "patch_sla_compliance", "backup_restore_success",
           "phishing_resilience", "external_assets_clean"]
KINDS = ["vulnerability", "misconfiguration", "tls", "exposed_service", "credential_leak"]


def quarters(start: _dt.date, end: _dt.date):
    d = start
    while d <= end:
        yield d
        m = d.month + 3
        d = _dt.date(d.year + (m - 1) // 12, (m - 1) % 12 + 1, 1)


def world(seed: int, n: int, suppliers: int | None = None):
    rng = random.Random(seed)
    ns = suppliers if suppliers is not None else max(2, n // 8)
    as_of = _dt.date(2024, 10, 1)
    orgs = []
    for i in range(n + ns):
        sup = i >= n
        oid = f"SUP-{i - n:03d}" if sup else f"ORG-{i:04d}"
        o = {"id": oid, "peer_group": "supplier" if sup else rng.choice(["acute", "community"])}
        r = rng.random()
        if r < 0.6:
            o["attestation"] = {"dspt_status": rng.choice(
                ["standards_exceeded", "standards_met", "approaching_standards", "not_published"]),
                "cyber_essentials_plus": rng.random() < 0.3}
        elif r < 0.7:
            o["attestation"] = {"incident_probability": round(rng.uniform(0.02, 0.3), 3)}
        quality = rng.random()
        if not sup or rng.random() < 0.5:
            ass, met, fin = [], [], []
            for q in quarters(_dt.date(2021, 1, 1), as_of):
                for c in rng.sample(CONTROLS, 2):
                    u = rng.random() * 0.6 + quality * 0.4
                    ass.append({"control": c, "outcome": "achieved" if u > 0.6 else (
                        "partially_achieved" if u > 0.3 else "not_achieved"),
                        "assurance": rng.choice(["self_assessed", "peer_reviewed",
                                                 "independent_audit"]),
                        "assessed_on": (q + _dt.timedelta(days=rng.randrange(80))).isoformat()})
                m = rng.choice(METRICS)
                trials = rng.randrange(5, 200)
                met.append({"metric": m, "trials": trials,
                            "successes": min(trials, int(trials * (0.5 + 0.5 * quality)
                                                         * rng.uniform(0.8, 1.1))),
                            "observed_on": (q + _dt.timedelta(days=rng.randrange(80))).isoformat()})
                if rng.random() < 0.5:
                    first = q + _dt.timedelta(days=rng.randrange(80))
                    f = {"id": f"F-{len(fin)}", "kind": rng.choice(KINDS),
                         "first_seen": first.isoformat()}
                    if rng.random() < 0.4:
                        f["cvss_score"] = round(rng.uniform(2, 10), 1)
                    if rng.random() < 0.2:
                        f["kev"] = True
                    if rng.random() < 0.7:
                        f["resolved_on"] = (first + _dt.timedelta(days=rng.randrange(5, 200))
                                            ).isoformat()
                    fin.append(f)
            o["assessments"], o["metrics"], o["findings"] = ass, met, fin
        orgs.append(o)
    sup_ids = [o["id"] for o in orgs[n:]]
    for i, o in enumerate(orgs):
        cands = [s for s in sup_ids if s != o["id"]]
        if i >= n and rng.random() < 0.6:
            continue
        k = rng.choice([0, 1, 1, 2, 3]) if i < n else 1
        o["dependencies"] = [{"supplier": s, "criticality": rng.choice(
            ["critical", "high", "medium", "low"]), "access": rng.choice(
            ["none", "data", "network", "admin"])} for s in rng.sample(cands, min(k, len(cands)))]
    portfolio = {"as_of": as_of.isoformat(), "organisations": orgs}
    # incidents: quarter by quarter from the latest snapshot's rating
    snaps = list(quarters(_dt.date(2022, 10, 1), as_of))
    meth = riskref.load_methodology()
    rated = {s: riskref.rate(dict(portfolio, as_of=s.isoformat()), meth) for s in snaps}
    incidents = []
    for q in quarters(_dt.date(2022, 10, 1), _dt.date(2025, 7, 1)):
        s = max(x for x in snaps if x <= q)
        for o, r in zip(orgs, rated[s]["ratings"]):
            if rng.random() < 1 - (1 - r["internal_probability"]) ** 0.25:
                incidents.append({"id": f"INC-{len(incidents)}", "organisation": o["id"],
                                  "occurred_on": (q + _dt.timedelta(days=rng.randrange(1, 90))
                                                  ).isoformat(), "origin": "internal"})
            if o.get("dependencies") and rng.random() < 1 - (1 - r["supply_probability"]) ** 0.25:
                incidents.append({"id": f"INC-{len(incidents)}", "organisation": o["id"],
                                  "occurred_on": (q + _dt.timedelta(days=rng.randrange(1, 90))
                                                  ).isoformat(), "origin": "supplier",
                                  "supplier": rng.choice(o["dependencies"])["supplier"]})
            if rng.random() < 0.02:
                incidents.append({"id": f"INC-{len(incidents)}", "organisation": o["id"],
                                  "occurred_on": q.isoformat(), "origin": "internal",
                                  "material": False, "description": "minor"})
    config = {"snapshots": {"start": "2022-10-01", "end": "2024-10-01", "every_months": 3},
              "observed_until": "2025-10-01", "level": "auto", "split": "2024-01-01"}
    return portfolio, {"incidents": incidents}, config


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--organisations", type=int, default=60)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, doc in zip(("portfolio", "incidents", "config"), world(a.seed, a.organisations)):
        with open(os.path.join(a.out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
