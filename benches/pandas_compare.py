"""Side by side: riskrating vs a straightforward pandas/NumPy rating, on the national sample.

The pandas side is written the way an analyst would in a notebook: load the JSON, flatten the
evidence into DataFrames, pick the latest assessment/observation per control/metric, compute the
per-factor Beta pseudo-counts with vectorised arithmetic, group-by-sum, then the logistic link and
the score. It does only the *internal* part of the model (no supply-chain fixed point, no factor
quantiles, no drivers, no peer groups), so the comparison flatters pandas. Its internal
probabilities are checked against riskrating's to 1e-9 before any time is reported.

Usage (from the repository root, in a venv with pandas, numpy, cvss and riskrating installed):
    python benches/pandas_compare.py PORTFOLIO.json [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
from cvss import CVSS3, CVSS4

ROOT = Path(__file__).resolve().parent.parent
METHODOLOGY = json.loads((ROOT / "risk-core/data/nhs-caf-v1.json").read_text())


def cvss_base(vector: str) -> float:
    if vector.startswith("CVSS:4.0/"):
        base = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"]
        parts = dict(p.split(":", 1) for p in vector.split("/")[1:])
        return float(CVSS4("CVSS:4.0/" + "/".join(f"{k}:{parts[k]}" for k in base)).base_score)
    return float(CVSS3(vector).base_score)


def pandas_rating(path: Path) -> pd.DataFrame:
    """Internal probability and score per organisation, the notebook way."""
    m = METHODOLOGY
    doc = json.loads(path.read_text())
    as_of = pd.Timestamp(doc["as_of"])
    orgs = pd.DataFrame(
        {
            "id": [o["id"] for o in doc["organisations"]],
            "dspt": [((o.get("attestation") or {}).get("dspt_status") or "not_published") for o in doc["organisations"]],
            "ce_plus": [bool((o.get("attestation") or {}).get("cyber_essentials_plus")) for o in doc["organisations"]],
            "p_stated": [(o.get("attestation") or {}).get("incident_probability") for o in doc["organisations"]],
        }
    )
    factors = [f["id"] for f in m["factors"]]
    weights = pd.Series({f["id"]: f["weight"] for f in m["factors"]})
    pri = m["priors"]
    p0 = orgs["dspt"].map(lambda s: pri["dspt"][s]["probability"])
    k = orgs["dspt"].map(lambda s: pri["dspt"][s]["strength"])
    p0 = np.where(orgs["ce_plus"], p0 * pri["cyber_essentials_plus_multiplier"], p0)
    stated = orgs["p_stated"].notna()
    p0 = np.where(stated, orgs["p_stated"].fillna(0.5), p0)
    k = np.where(stated, pri["explicit_strength"], k)
    with np.errstate(divide="ignore"):
        logit = np.log(p0) - np.log1p(-p0)
    mean = np.clip(1 - (logit - m["model"]["intercept"]) / weights.sum(), pri["mean_min"], pri["mean_max"])
    orgs["k"], orgs["m"] = k, mean

    def frame(key: str) -> pd.DataFrame:
        rows = [dict(item, org=o["id"]) for o in doc["organisations"] for item in (o.get(key) or [])]
        return pd.DataFrame(rows)

    contributions = []
    # Assessments: latest per control, ties by assurance then outcome order.
    a = frame("assessments")
    if len(a):
        a["date"] = pd.to_datetime(a["assessed_on"])
        a = a[a["date"] <= as_of]
        a["arank"] = a["assurance"].map({"self_assessed": 0, "peer_reviewed": 1, "independent_audit": 2})
        a["orank"] = a["outcome"].map({"not_achieved": 3, "partially_achieved": 2, "achieved": 1, "not_applicable": 0})
        a = a.sort_values(["org", "control", "date", "arank", "orank"]).drop_duplicates(["org", "control"], keep="last")
        a = a[a["outcome"] != "not_applicable"]
        ctl = m["controls"]
        a["factor"] = a["control"].map(lambda c: ctl["outcomes"].get(c) or ctl["principles"][c[:2]])
        v = a["outcome"].map(m["assessments"]["outcome_values"])
        n = a["assurance"].map(m["assessments"]["assurance_strength"])
        d = np.exp2(-(as_of - a["date"]).dt.days / m["assessments"]["half_life_days"])
        contributions.append(pd.DataFrame({"org": a["org"], "factor": a["factor"], "da": d * n * v, "db": d * n * (1 - v)}))
    # Metrics: latest per metric, ties by larger trials then lower ratio.
    x = frame("metrics")
    if len(x):
        x["date"] = pd.to_datetime(x["observed_on"])
        x = x[x["date"] <= as_of]
        x["ratio"] = x["successes"] / x["trials"]
        x = x.sort_values(["org", "metric", "date", "trials", "ratio"], ascending=[True, True, True, True, False])
        x = x.drop_duplicates(["org", "metric"], keep="last")
        defs = pd.DataFrame(m["metrics"]).set_index("id")
        x = x.join(defs, on="metric")
        n = np.minimum(x["trials"], x["cap"])
        d = np.exp2(-(as_of - x["date"]).dt.days / x["half_life_days"])
        contributions.append(pd.DataFrame({"org": x["org"], "factor": x["factor"], "da": d * n * x["ratio"], "db": d * n * (1 - x["ratio"])}))
    # Findings.
    f = frame("findings")
    if len(f):
        fp = m["findings"]
        f["first"] = pd.to_datetime(f["first_seen"])
        f = f[f["first"] <= as_of].copy()
        kinds = pd.DataFrame(fp["kinds"]).set_index("kind")
        f = f.join(kinds, on="kind")
        for col in ("cvss", "cvss_score", "epss", "resolved_on"):
            if col not in f:
                f[col] = None
        vectors = f["cvss"].dropna().unique()
        scores = {v: cvss_base(v) for v in vectors}
        sev = f["cvss"].map(scores)
        sev = sev.fillna(f["cvss_score"]).astype(float) / 10
        f["s"] = sev.fillna(f["default_severity"])
        kev = f.get("kev", pd.Series(False, index=f.index)).fillna(False).astype(bool)
        epss = f["epss"].fillna(0.0).astype(float)
        x_exp = np.where(f.get("internet_facing", pd.Series(False, index=f.index)).fillna(False).astype(bool), fp["internet_facing_exposure"], 1.0)
        c = f.get("asset_criticality", pd.Series("medium", index=f.index)).fillna("medium").map(fp["asset_criticality"])
        sla = fp["sla"]
        deadline = np.where(kev | (f["s"] >= sla["urgent_severity"]), sla["urgent_days"], np.where(f["s"] >= sla["high_severity"], sla["high_days"], sla["default_days"]))
        resolved = pd.to_datetime(f["resolved_on"])
        is_resolved = resolved.notna() & (resolved <= as_of)
        open_days = (as_of - f["first"]).dt.days
        overdue = np.minimum(open_days / deadline, fp["max_overdue"])
        mult = 1 + fp["kev_multiplier"] * kev + fp["epss_multiplier"] * epss
        open_db = fp["open_weight"] * f["s"] * mult * x_exp * c * (1 + overdue)
        d = np.exp2(-(as_of - resolved).dt.days / fp["resolved_half_life_days"])
        timely = (resolved - f["first"]).dt.days <= deadline
        da = np.where(is_resolved & timely, d * fp["timely_fix_credit"] * f["s"] * x_exp * c, 0.0)
        db = np.where(is_resolved, np.where(timely, 0.0, d * fp["late_fix_penalty"] * f["s"] * x_exp * c), open_db)
        contributions.append(pd.DataFrame({"org": f["org"], "factor": f["factor"], "da": da, "db": db}))

    ev = pd.concat(contributions).groupby(["org", "factor"])[["da", "db"]].sum()
    da = ev["da"].unstack(fill_value=0.0).reindex(index=orgs["id"], columns=factors, fill_value=0.0)
    db = ev["db"].unstack(fill_value=0.0).reindex(index=orgs["id"], columns=factors, fill_value=0.0)
    kk = orgs.set_index("id")["k"]
    mm = orgs.set_index("id")["m"]
    alpha = da.add(kk * mm, axis=0)
    beta = db.add(kk * (1 - mm), axis=0)
    mu = alpha / (alpha + beta)
    eta = m["model"]["intercept"] + ((1 - mu) * weights[factors]).sum(axis=1)
    p_int = 1 / (1 + np.exp(-eta))
    sp = m["score"]
    anchor = math.log(sp["anchor_probability"] / (1 - sp["anchor_probability"]))
    score = np.clip(sp["anchor_score"] - sp["points_to_halve_odds"] / math.log(2) * (np.log(p_int) - np.log1p(-p_int) - anchor), sp["min"], sp["max"])
    return pd.DataFrame({"internal_probability": p_int, "internal_score": score})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portfolio", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import riskrating

    size = args.portfolio.stat().st_size
    # Correctness first: the pandas internal probabilities must be riskrating's.
    ours = riskrating.rate(args.portfolio)
    theirs = pandas_rating(args.portfolio)
    ref = pd.Series({r.id: r.internal_probability for r in ours})
    diff = (theirs["internal_probability"] - ref.reindex(theirs.index)).abs().max()
    assert diff < 1e-9, f"pandas and riskrating disagree on internal probabilities by {diff}"
    print(f"portfolio: {args.portfolio} ({size / 1e6:.1f} MB, {len(ref)} organisations); internal probabilities agree to {diff:.1e}")

    def timed(fn) -> float:
        """One call, timed (issue 14: earlier versions ran five calls and kept one)."""
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    # One call of each per iteration, alternating to share any machine noise fairly.
    t_rr, t_pd = [], []
    for _ in range(args.repeat):
        t_rr.append(timed(lambda: riskrating.rate(args.portfolio)))
        t_pd.append(timed(lambda: pandas_rating(args.portfolio)))
    med_rr, med_pd = statistics.median(t_rr), statistics.median(t_pd)
    print(f"riskrating.rate(path)   full rating (supply chain, quantiles, drivers, peers): median {med_rr * 1e3:8.1f} ms over {len(t_rr)} runs")
    print(f"pandas/NumPy notebook   internal part only:                                   median {med_pd * 1e3:8.1f} ms over {len(t_pd)} runs")
    print(f"ratio pandas / riskrating: {med_pd / med_rr:.1f}x")


if __name__ == "__main__":
    main()
