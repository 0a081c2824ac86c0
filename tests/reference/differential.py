"""Differential test: the engine against the independent reference on generated documents.

Generates random but valid portfolios (seeded, reproducible: random.Random(seed)), with
supersession ties, items after as_of, cycles, every finding kind and CVSS version, attestations of
every kind, plus a what-if, a plan and a change between two dates on one organisation of each and a history at random dates, runs them through the engine
(`cargo run -p risk-core --example vectors_dump`, or the binary given with --engine) and through
riskref.py, and compares every figure at the spec's tolerances (check_reference.compare).

Usage: python differential.py [--seed 1] [--count 200] [--engine PATH] [--methodology FILE.json]
       [--verbose]
With --methodology, both sides use that methodology (JSON: the reference reads JSON only), and
the generated metrics are those it defines.
Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_reference as cr  # noqa: E402
import riskref  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
# Cases generated per document: rate, what-if, plan, history, change.
PER_DOC = 5
# The methodology both sides use (set by main from --methodology).
METHODOLOGY: dict = riskref.load_methodology()
V3 = dict(AV="NALP", AC="LH", PR="NLH", UI="NR", S="UC", C="HLN", I="HLN", A="HLN")
V4 = dict(AV="NALP", AC="LH", AT="NP", PR="NLH", UI="NPA", VC="HLN", VI="HLN", VA="HLN",
          SC="HLN", SI="HLN", SA="HLN")
CONTROLS = ["A1.a", "A2.b", "A3.a", "A4.a", "B1.a", "B2.a", "B2.c", "B3.b", "B4.a", "B4.b",
            "B4.d", "B5.c", "B6.a", "C1.a", "C2.a", "D1.a", "D2.b", "E1.a", "E5.c"]


def gen_vector(r: random.Random) -> str:
    if r.random() < 0.5:
        parts = [f"{k}:{r.choice(v)}" for k, v in V3.items()]
        if r.random() < 0.3:
            parts += [f"E:{r.choice('XUPFH')}", f"RL:{r.choice('XOTWU')}"]
        return f"CVSS:3.{r.choice('01')}/" + "/".join(parts)
    parts = [f"{k}:{r.choice(v)}" for k, v in V4.items()]
    if r.random() < 0.3:
        parts += [f"E:{r.choice('XAPU')}"]
    if r.random() < 0.2:
        parts += [f"U:{r.choice(['Clear', 'Green', 'Amber', 'Red'])}"]
    return "CVSS:4.0/" + "/".join(parts)


def gen_doc(r: random.Random) -> dict:
    as_of = dt.date(2025, 9, 30) + dt.timedelta(days=r.randint(-400, 400))

    def date(spread=800, ahead=0.1):
        if r.random() < ahead:
            return (as_of + dt.timedelta(days=r.randint(1, 60))).isoformat()
        return (as_of - dt.timedelta(days=int(r.expovariate(1 / spread)))).isoformat()

    n = r.randint(1, 9)
    ids = [r.choice(["T", "S", "G", "É", "ｚ", "𝔸", "a"]) + str(i) for i in range(n)]
    groups = ["acute", "supplier", "gp", "Ω"]
    orgs = []
    for i, oid in enumerate(ids):
        o: dict = {"id": oid}
        if r.random() < 0.8:
            o["peer_group"] = r.choice(groups)
        if r.random() < 0.5:
            att: dict = {}
            if r.random() < 0.7:
                att["dspt_status"] = r.choice(riskref.ENUMS["dspt_status"])
            if r.random() < 0.4:
                att["cyber_essentials_plus"] = r.random() < 0.5
            if r.random() < 0.2:
                att["incident_probability"] = r.choice([0, 1, 0.1, r.random(), r.random() ** 4])
            o["attestation"] = att
        ctrl = r.sample(CONTROLS, r.randint(0, 6))
        ass = []
        for c in ctrl:
            d = date()
            for _ in range(r.choice([1, 1, 2, 3])):
                ass.append({"control": c, "outcome": r.choice(riskref.OUTCOME_ORDER),
                            "assurance": r.choice(riskref.ASSURANCE_ORDER),
                            "assessed_on": d if r.random() < 0.5 else date()})
        r.shuffle(ass)
        if ass:
            o["assessments"] = ass
        mets = []
        for m in r.sample(list(riskref.Model(METHODOLOGY).metrics), r.randint(0, 5)):
            d = date(200)
            for _ in range(r.choice([1, 1, 2, 3])):
                t = r.choice([1, 2, 10, 40, 100, 4500, 2**53, r.randint(1, 10**6)])
                s = r.choice([0, t, r.randint(0, t)])
                mets.append({"metric": m, "successes": s, "trials": t,
                             "observed_on": d if r.random() < 0.5 else date(200)})
        r.shuffle(mets)
        if mets:
            o["metrics"] = mets
        finds = []
        for j in range(r.choice([0, 0, 1, 2, 4, 8])):
            f: dict = {"id": f"F{j}", "kind": r.choice(riskref.ENUMS["kind"]),
                       "first_seen": date(200)}
            u = r.random()
            if u < 0.4:
                f["cvss"] = gen_vector(r)
            elif u < 0.6:
                f["cvss_score"] = round(r.uniform(0, 10), 1)
            if r.random() < 0.5:
                f["epss"] = r.choice([0, 1, r.random()])
            if r.random() < 0.3:
                f["kev"] = True
            if r.random() < 0.5:
                f["internet_facing"] = r.random() < 0.5
            if r.random() < 0.6:
                f["asset_criticality"] = r.choice(riskref.ENUMS["asset_criticality"])
            if r.random() < 0.5:
                fs = dt.date.fromisoformat(f["first_seen"])
                f["resolved_on"] = (fs + dt.timedelta(days=r.choice([0, 14, 15, 30, 31, 90, 91, r.randint(0, 200)]))).isoformat()
            finds.append(f)
        if finds:
            o["findings"] = finds
        others = [x for x in ids if x != oid]
        deps = r.sample(others, min(len(others), r.choice([0, 0, 1, 2, 3])))
        if deps:
            o["dependencies"] = [{"supplier": s, "criticality": r.choice(riskref.ENUMS["criticality"]),
                                  "access": r.choice(riskref.ENUMS["access"])} for s in deps]
        orgs.append(o)
    return {"as_of": as_of.isoformat(), "organisations": orgs}


def gen_actions(r: random.Random, doc: dict, org: dict) -> list[dict]:
    acts = []
    for _ in range(r.randint(1, 3)):
        u = r.random()
        if u < 0.3:
            acts.append({"action": "set_assessment", "control": r.choice(CONTROLS),
                         "outcome": r.choice(riskref.OUTCOME_ORDER),
                         "assurance": r.choice(riskref.ASSURANCE_ORDER)})
        elif u < 0.55 and org.get("findings"):
            acts.append({"action": "resolve_finding", "finding": r.choice(org["findings"])["id"]})
        elif u < 0.8:
            t = r.randint(1, 100)
            acts.append({"action": "set_metric", "metric": r.choice(["mfa_coverage", "edr_coverage", "external_assets_clean"]),
                         "successes": r.randint(0, t), "trials": t})
        elif org.get("dependencies") and u < 0.9:
            acts.append({"action": "remove_dependency", "supplier": r.choice(org["dependencies"])["supplier"]})
        elif org.get("dependencies"):
            acts.append({"action": "set_dependency_access", "supplier": r.choice(org["dependencies"])["supplier"],
                         "access": r.choice(riskref.ACCESS_VALUES)})
    return acts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--engine", default=None)
    ap.add_argument("--methodology", default=None)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    global METHODOLOGY
    if a.methodology:
        METHODOLOGY = riskref.load_methodology(a.methodology)
    r = random.Random(a.seed)
    cases = []
    for _ in range(a.count):
        doc = gen_doc(r)
        cases.append({"kind": "rate", "document": doc})
        org = r.choice(doc["organisations"])
        cases.append({"kind": "what_if", "document": doc, "organisation": org["id"],
                      "actions": gen_actions(r, doc, org)})
        cases.append({"kind": "plan", "document": doc, "organisation": org["id"], "k": r.randint(0, 6)})
        base = dt.date.fromisoformat(doc["as_of"])
        dates = [(base + dt.timedelta(days=r.randint(-500, 100))).isoformat() for _ in range(r.randint(1, 4))]
        cases.append({"kind": "history", "document": doc, "dates": dates})
        pair = sorted((base + dt.timedelta(days=r.randint(-700, 60))).isoformat() for _ in range(2))
        cases.append({"kind": "change", "document": doc, "organisation": org["id"],
                      "from": pair[0], "to": pair[1]})
    cmd = [a.engine] if a.engine else ["cargo", "run", "-q", "-p", "risk-core", "--example", "vectors_dump", "--"]
    if a.methodology:
        cmd += ["--methodology", os.path.abspath(a.methodology)]
    out = subprocess.run(cmd, input=json.dumps(cases).encode(), capture_output=True, cwd=ROOT, check=True)
    results = json.loads(out.stdout)
    meth = METHODOLOGY
    stats = cr.Stats()
    bad = []
    for i, (case, expected) in enumerate(zip(cases, results)):
        name = f"#{i // PER_DOC}.{case['kind']}"
        doc = case["document"]
        if "errors" in expected:
            # Only a what-if may fail (an action naming what an earlier action removed); the
            # reference must fail at the same place.
            paths = [e["path"] for e in expected["errors"]]
            try:
                riskref.what_if(doc, case["organisation"], case["actions"], meth)
                bad.append((name, [f"engine rejects ({expected['errors']}), reference accepts"], case))
            except riskref.ActionError as e:
                if case["kind"] != "what_if" or str(e) not in paths:
                    bad.append((name, [f"engine rejects at {paths}, reference at {e}"], case))
            continue
        # Provenance (section 11: digests, engine version) is no figure of the model; the
        # engine's own tests verify it.
        expected.pop("provenance", None)
        if case["kind"] == "rate":
            actual = riskref.rate(doc, meth)
        elif case["kind"] == "what_if":
            actual = riskref.what_if(doc, case["organisation"], case["actions"], meth)
        elif case["kind"] == "history":
            actual = riskref.history(doc, case["dates"], meth)
        elif case["kind"] == "change":
            actual = riskref.change(doc, case["organisation"], case["from"], case["to"], meth)
            # The words of each item are the engine's own (its tests check them), not a figure.
            for key in ("entered", "left", "decayed"):
                for e in expected[key]:
                    if not e.pop("reason", ""):
                        bad.append((name, [f"{key}: an item without its reason"], case))
        else:
            actual = riskref.plan(doc, case["organisation"], case["k"], meth)
        diffs: list[str] = []
        cr.compare(expected, actual, "", diffs, stats, name + ":")
        if diffs:
            bad.append((name, diffs, case))
    print(f"differential (seed {a.seed}, methodology {meth['id']}): {len(cases) - len(bad)} of {len(cases)} cases agree; "
          f"{stats.numbers} numbers compared")
    for key in sorted(stats.max_rel):
        rel, where = stats.max_rel[key]
        ab, _ = stats.max_abs[key]
        print(f"  {key:<36} rel {rel:9.2e}  abs {ab:9.2e}" + (f"   ({where})" if a.verbose else ""))
    for note in cr.NOTES:
        print(f"  tolerated {note}")
    for name, diffs, case in bad[:10]:
        print(f"DIFFERS {name}:")
        for d in diffs[:10]:
            print(f"    {d}")
        if a.verbose:
            print("    case: " + json.dumps(case, ensure_ascii=False)[:3000])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
