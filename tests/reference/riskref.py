"""Independent reference implementation of methodology `nhs-caf-v1`, sections 3-8.

Written from /work/shared/specs/methodology-v1.md alone (the numbers from
risk-core/data/nhs-caf-v1.json, the output field names from risk-core/src/output.rs), without
reading the Rust engine, so that agreement between the two means something.

It assumes a valid document (validation is the engine's job; the error vectors are checked by
code and path in the Rust runner only). CVSS base scores come from the `cvss` PyPI package; for
v4.0 the vector is cut to its base metrics first (CVSS-B). Beta quantiles come from
`scipy.special.betaincinv`; peer-group percentiles from `numpy.percentile` (linear).

Usage:
    python riskref.py rate INPUT.json
    python riskref.py what_if INPUT.json ORG ACTIONS.json
    python riskref.py plan INPUT.json ORG K
    python riskref.py history INPUT.json DATE...
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import json
import math
import os
import re
import sys

import numpy as np
from cvss import CVSS3, CVSS4
from scipy.special import betaincinv

HERE = os.path.dirname(os.path.abspath(__file__))
METHODOLOGY_PATH = os.path.join(HERE, "..", "..", "risk-core", "data", "nhs-caf-v1.json")

OUTCOME_ORDER = ["not_achieved", "partially_achieved", "achieved", "not_applicable"]
ASSURANCE_ORDER = ["self_assessed", "peer_reviewed", "independent_audit"]
CVSS4_BASE = ("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA")


def load_methodology(path: str = METHODOLOGY_PATH) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def day(text: str) -> int:
    return _dt.date.fromisoformat(text).toordinal()


def decay(age: float, half_life: float) -> float:
    """d(a, h) = 2^(-a/h)  (section 3)."""
    return 2.0 ** (-age / half_life)


def logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def logit(p: float) -> float:
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


def cvss_base(vector: str) -> float:
    """Base score of a CVSS v3.0/v3.1/v4.0 vector (v4.0: CVSS-B, base metrics only)."""
    if vector.startswith("CVSS:4.0/"):
        parts = vector[len("CVSS:4.0/") :].split("/")
        base = [p for p in parts if p.split(":", 1)[0] in CVSS4_BASE]
        return float(CVSS4("CVSS:4.0/" + "/".join(base)).base_score)
    return float(CVSS3(vector).base_score)


class Model:
    """The methodology numbers, indexed for the computation."""

    def __init__(self, meth: dict):
        self.meth = meth
        self.factors = [f["id"] for f in meth["factors"]]
        self.fidx = {f: i for i, f in enumerate(self.factors)}
        self.w = [float(f["weight"]) for f in meth["factors"]]
        self.W = 0.0
        for w in self.w:
            self.W += w
        self.b0 = meth["model"]["intercept"]
        self.z = meth["model"]["z"]
        self.principles = meth["controls"]["principles"]
        self.outcome_map = meth["controls"]["outcomes"]
        a = meth["assessments"]
        self.a_half = a["half_life_days"]
        self.outcome_values = a["outcome_values"]
        self.assurance_strength = a["assurance_strength"]
        self.metrics = {m["id"]: m for m in meth["metrics"]}
        fd = meth["findings"]
        self.fd = fd
        self.kinds = {k["kind"]: k for k in fd["kinds"]}
        self.priors = meth["priors"]
        self.sc = meth["supply_chain"]
        self.score_cfg = meth["score"]
        self.bands = meth["bands"]
        self.sat = meth["coverage_saturation"]
        self.q = meth["factor_quantiles"]
        self.n_drivers = meth["drivers"]["count"]
        self.min_impact = meth["drivers"]["min_impact"]
        self.tie = meth["tie_tolerance"]
        # calibration-v1 section 3.6: optional blocks, inert when absent
        anchor = meth.get("prior_anchor")
        self.anchor_b0 = anchor["intercept"] if anchor else self.b0
        self.anchor_W = anchor["weight_sum"] if anchor else self.W
        recal = meth.get("recalibration")
        self.recal = (recal["intercept"], recal["slope"]) if recal else None

    def recalibrate(self, p: float) -> float:
        """R(p) = logistic(a + b·logit p), R(0) = 0, R(1) = 1 (identity without the block)."""
        if self.recal is None or p <= 0.0 or p >= 1.0:
            return p
        a, b = self.recal
        return logistic(a + b * logit(p))

    def control_factor(self, control: str) -> int:
        if control in self.outcome_map:
            return self.fidx[self.outcome_map[control]]
        return self.fidx[self.principles[control.split(".")[0]]]

    def coupling(self, dep: dict) -> float:
        return min(
            self.sc["max_coupling"],
            self.sc["criticality"][dep["criticality"]] * self.sc["access"][dep["access"]],
        )

    # section 5
    def score(self, p: float) -> float:
        c = self.score_cfg
        lo, hi = c["min"], c["max"]
        if p <= 0.0:
            return hi
        if p >= 1.0:
            return lo
        a = c["anchor_probability"]
        s = c["anchor_score"] - (c["points_to_halve_odds"] / math.log(2.0)) * math.log(
            (p / (1.0 - p)) / (a / (1.0 - a))
        )
        return min(max(s, lo), hi)

    def band(self, s: float) -> str:
        for b in self.bands:
            if b["min_score"] is None or s >= b["min_score"]:
                return b["band"]
        raise AssertionError("bands must end with an open band")

    # section 4.1
    def prior(self, org: dict) -> tuple[float, float]:
        att = org.get("attestation")
        pr = self.priors
        if att is not None and att.get("incident_probability") is not None:
            p0, k = float(att["incident_probability"]), pr["explicit_strength"]
        else:
            status = (att or {}).get("dspt_status") or "not_published"
            p0 = pr["dspt"][status]["probability"]
            k = pr["dspt"][status]["strength"]
            if att is not None and att.get("cyber_essentials_plus"):
                p0 = p0 * pr["cyber_essentials_plus_multiplier"]
        m = 1.0 - (logit(p0) - self.anchor_b0) / self.anchor_W
        m = min(max(m, pr["mean_min"]), pr["mean_max"])
        return k, m


def tied(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol


class Org:
    """One organisation's counted evidence as (α, β) contributions per item."""

    def __init__(self, model: Model, org: dict, as_of: int):
        self.id = org["id"]
        self.peer_group = org.get("peer_group") or "unassigned"
        self.has_attestation = org.get("attestation") is not None
        self.k, self.m = model.prior(org)
        # items: (kind, reference, factor, d_alpha, d_beta, reason)
        self.items: list[tuple[str, str, int, float, float, str]] = []
        # Section 11.2: the date of each counted item (newest = evidence_as_of).
        self.dates: list[int] = []
        # The document item each counted item comes from (its identity), for `change`.
        self.sources: list[int] = []
        self.deps = [
            (d["supplier"], model.coupling(d)) for d in (org.get("dependencies") or [])
        ]
        self._assessments(model, org.get("assessments") or [], as_of)
        self._metrics(model, org.get("metrics") or [], as_of)
        self._findings(model, org.get("findings") or [], as_of)

    def _assessments(self, model: Model, assessments: list, as_of: int) -> None:
        latest: dict[str, dict] = {}
        for a in assessments:
            if day(a["assessed_on"]) > as_of:
                continue
            cur = latest.get(a["control"])
            if cur is None or self._better_assessment(a, cur):
                latest[a["control"]] = a
        for control, a in latest.items():
            if a["outcome"] == "not_applicable":
                continue
            v = model.outcome_values[a["outcome"]]
            n = model.assurance_strength[a["assurance"]]
            d = decay(as_of - day(a["assessed_on"]), model.a_half)
            f = model.control_factor(control)
            self.items.append(("assessment", control, f, d * n * v, d * n * (1.0 - v), ""))
            self.sources.append(id(a))
            self.dates.append(day(a["assessed_on"]))

    @staticmethod
    def _better_assessment(a: dict, cur: dict) -> bool:
        da, dc = day(a["assessed_on"]), day(cur["assessed_on"])
        if da != dc:
            return da > dc
        ra, rc = ASSURANCE_ORDER.index(a["assurance"]), ASSURANCE_ORDER.index(cur["assurance"])
        if ra != rc:
            return ra > rc
        return OUTCOME_ORDER.index(a["outcome"]) < OUTCOME_ORDER.index(cur["outcome"])

    def _metrics(self, model: Model, metrics: list, as_of: int) -> None:
        latest: dict[str, dict] = {}
        for o in metrics:
            if day(o["observed_on"]) > as_of:
                continue
            cur = latest.get(o["metric"])
            if cur is None or self._better_metric(o, cur):
                latest[o["metric"]] = o
        for name, o in latest.items():
            spec = model.metrics[name]
            r = o["successes"] / o["trials"]
            n = float(min(o["trials"], spec["cap"]))
            d = decay(as_of - day(o["observed_on"]), spec["half_life_days"])
            f = model.fidx[spec["factor"]]
            self.items.append(("metric", name, f, d * n * r, d * n * (1.0 - r), ""))
            self.sources.append(id(o))
            self.dates.append(day(o["observed_on"]))

    @staticmethod
    def _better_metric(o: dict, cur: dict) -> bool:
        do, dc = day(o["observed_on"]), day(cur["observed_on"])
        if do != dc:
            return do > dc
        if o["trials"] != cur["trials"]:
            return o["trials"] > cur["trials"]
        # lower success ratio wins; compare exactly by cross-multiplication
        return o["successes"] * cur["trials"] < cur["successes"] * o["trials"]

    def _findings(self, model: Model, findings: list, as_of: int) -> None:
        fd = model.fd
        for fi in findings:
            first = day(fi["first_seen"])
            if first > as_of:
                continue
            kind = model.kinds[fi["kind"]]
            f = model.fidx[kind["factor"]]
            if fi.get("cvss") is not None:
                s = cvss_base(fi["cvss"]) / 10.0
            elif fi.get("cvss_score") is not None:
                s = float(fi["cvss_score"]) / 10.0
            else:
                s = kind["default_severity"]
            kev = bool(fi.get("kev") or False)
            epss = fi.get("epss")
            mult = 1.0 + fd["kev_multiplier"] * (1.0 if kev else 0.0) + fd["epss_multiplier"] * (
                float(epss) if epss is not None else 0.0
            )
            x = fd["internet_facing_exposure"] if fi.get("internet_facing") else 1.0
            c = fd["asset_criticality"][fi.get("asset_criticality") or "medium"]
            sla = fd["sla"]
            if kev or s >= sla["urgent_severity"]:
                deadline = sla["urgent_days"]
            elif s >= sla["high_severity"]:
                deadline = sla["high_days"]
            else:
                deadline = sla["default_days"]
            resolved = fi.get("resolved_on")
            if resolved is None or day(resolved) > as_of:
                o = min((as_of - first) / deadline, fd["max_overdue"])
                db = fd["open_weight"] * s * mult * x * c * (1.0 + o)
                self.items.append(("finding", fi["id"], f, 0.0, db, ""))
                self.sources.append(id(fi))
                self.dates.append(first)
            else:
                r = day(resolved)
                self.dates.append(r)
                self.sources.append(id(fi))
                d = decay(as_of - r, fd["resolved_half_life_days"])
                if r - first <= deadline:
                    self.items.append(
                        ("finding", fi["id"], f, d * fd["timely_fix_credit"] * s * x * c, 0.0, "")
                    )
                else:
                    self.items.append(
                        ("finding", fi["id"], f, 0.0, d * fd["late_fix_penalty"] * s * x * c, "")
                    )

    def beliefs(self, model: Model, skip: int | None = None):
        nf = len(model.factors)
        alpha = [self.k * self.m] * nf
        beta = [self.k * (1.0 - self.m)] * nf
        ev = [0.0] * nf
        for i, (_, _, f, da, db, _) in enumerate(self.items):
            if i == skip:
                continue
            alpha[f] += da
            beta[f] += db
            ev[f] += da + db
        return alpha, beta, ev


def internal(model: Model, alpha, beta):
    """η, sd_η and the factor means/variances (section 4)."""
    eta = model.b0
    var = 0.0
    mu = []
    for f in range(len(model.factors)):
        a, b = alpha[f], beta[f]
        s = a + b
        m = a / s
        v = a * b / (s * s * (s + 1.0))
        mu.append(m)
        eta += model.w[f] * (1.0 - m)
        var += model.w[f] * model.w[f] * v
    return eta, math.sqrt(var), mu


def fixed_point(model: Model, pint: list[float], deps: list[list[tuple[int, float]]]):
    """Jacobi iteration of section 4.2 from P⁰ = P_int."""
    p = list(pint)
    tol = model.sc["tolerance"]
    for _ in range(model.sc["max_sweeps"]):
        new = []
        change = 0.0
        for o, pi in enumerate(pint):
            prod = 1.0
            for s, c in deps[o]:
                prod *= 1.0 - c * p[s]
            v = 1.0 - (1.0 - pi) * prod
            change = max(change, abs(v - p[o]))
            new.append(v)
        p = new
        if change < tol:
            break
    return p


def supply(deps_o: list[tuple[int, float]], p: list[float], skip: int | None = None) -> float:
    prod = 1.0
    for j, (s, c) in enumerate(deps_o):
        if j == skip:
            continue
        prod *= 1.0 - c * p[s]
    return 1.0 - prod


def combine(pint: float, psup: float) -> float:
    return 1.0 - (1.0 - pint) * (1.0 - psup)


def sort_tied(items, key_num, key_text, tol, descending=True):
    def cmp(a, b):
        x, y = key_num(a), key_num(b)
        if not tied(x, y, tol):
            if descending:
                return -1 if x > y else 1
            return -1 if x < y else 1
        ta, tb = key_text(a), key_text(b)
        return (ta > tb) - (ta < tb)

    return sorted(items, key=functools.cmp_to_key(cmp))


def rate(doc: dict, meth: dict | None = None) -> dict:
    model = Model(meth or load_methodology())
    as_of = day(doc["as_of"])
    orgs = [Org(model, o, as_of) for o in doc["organisations"]]
    index = {o.id: i for i, o in enumerate(orgs)}
    deps = [[(index[s], c) for s, c in o.deps] for o in orgs]

    states = []
    pint, pint_lo, pint_hi = [], [], []
    for o in orgs:
        alpha, beta, ev = o.beliefs(model)
        eta, sd, mu = internal(model, alpha, beta)
        states.append((alpha, beta, ev, eta, mu))
        pint.append(logistic(eta))
        pint_lo.append(logistic(eta - model.z * sd))
        pint_hi.append(logistic(eta + model.z * sd))
    p_mid = fixed_point(model, pint, deps)
    p_lo = fixed_point(model, pint_lo, deps)
    p_hi = fixed_point(model, pint_hi, deps)

    ratings = []
    for i, o in enumerate(orgs):
        alpha, beta, ev, eta, mu = states[i]
        psup = supply(deps[i], p_mid)
        R = model.recalibrate
        p = R(combine(pint[i], psup))
        plo = R(combine(pint_lo[i], supply(deps[i], p_lo)))
        phi = R(combine(pint_hi[i], supply(deps[i], p_hi)))
        score = model.score(p)
        cov = 0.0
        for f in range(len(model.factors)):
            cov += model.w[f] * min(1.0, ev[f] / model.sat)
        cov /= model.W
        factors = []
        for f, fid in enumerate(model.factors):
            eta_f = eta - model.w[f] * (1.0 - mu[f])
            pts = model.score(R(combine(logistic(eta_f), psup))) - score
            factors.append(
                {
                    "id": fid,
                    "mean": mu[f],
                    "lower": float(betaincinv(alpha[f], beta[f], model.q[0])),
                    "upper": float(betaincinv(alpha[f], beta[f], model.q[1])),
                    "evidence": ev[f],
                    "points": pts,
                }
            )
        drivers = []
        for j, item in enumerate(o.items):
            a2, b2, _ = o.beliefs(model, skip=j)
            eta2, _, _ = internal(model, a2, b2)
            impact = score - model.score(R(combine(logistic(eta2), psup)))
            drivers.append({"kind": item[0], "reference": item[1], "impact": impact})
        for j, (s, _) in enumerate(deps[i]):
            impact = score - model.score(R(combine(pint[i], supply(deps[i], p_mid, skip=j))))
            drivers.append({"kind": "dependency", "reference": orgs[s].id, "impact": impact})
        drivers = [d for d in drivers if abs(d["impact"]) >= model.min_impact]
        drivers = sort_tied(
            drivers, lambda d: abs(d["impact"]), lambda d: (d["reference"], d["kind"]), model.tie
        )[: model.n_drivers]
        counted = len(o.items) > 0
        basis = "evidence" if counted else ("attestation" if o.has_attestation else "prior")
        ratings.append(
            {
                "id": o.id,
                "peer_group": o.peer_group,
                "score": score,
                "band": model.band(score),
                "interval": [model.score(phi), model.score(plo)],
                "probability": p,
                "probability_interval": [plo, phi],
                "internal_probability": pint[i],
                "supply_probability": psup,
                "basis": basis,
                "coverage": cov,
                "peer_percentile": None,
                "factors": factors,
                "drivers": drivers,
            }
        )
        # Section 11.2: freshness (absent without counted evidence; `stale` only when true).
        if o.dates:
            newest = max(o.dates)
            ratings[-1]["evidence_as_of"] = _dt.date.fromordinal(newest).isoformat()
            stale_after = (meth or load_methodology()).get("freshness", {}).get("stale_after_days", 365.0)
            if as_of - newest > stale_after:
                ratings[-1]["stale"] = True

    # section 7: peer groups
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(ratings):
        groups.setdefault(r["peer_group"], []).append(i)
    peer_groups = []
    for name in sorted(groups):
        scores = [ratings[i]["score"] for i in groups[name]]
        n = len(scores)
        arr = np.array(scores, dtype=np.float64)
        peer_groups.append(
            {
                "peer_group": name,
                "n": n,
                "min": float(arr.min()),
                "p25": float(np.percentile(arr, 25)),
                "median": float(np.percentile(arr, 50)),
                "p75": float(np.percentile(arr, 75)),
                "max": float(arr.max()),
            }
        )
        for i in groups[name]:
            own = ratings[i]["score"]
            below = sum(1 for s in scores if s < own - model.tie)
            equal = sum(1 for s in scores if abs(s - own) <= model.tie)
            ratings[i]["peer_percentile"] = 100.0 * (below + 0.5 * equal) / n

    # section 7: suppliers
    into: dict[int, list[float]] = {}
    for o in range(len(orgs)):
        for s, c in deps[o]:
            into.setdefault(s, []).append(c)
    suppliers = []
    for s, cs in into.items():
        total = 0.0
        for c in cs:
            total += c
        suppliers.append({"id": orgs[s].id, "dependents": len(cs), "systemic_exposure": total})
    suppliers = sort_tied(suppliers, lambda x: x["systemic_exposure"], lambda x: x["id"], model.tie)

    return {
        "as_of": doc["as_of"],
        "methodology": meth["id"] if meth else model.meth["id"],
        "methodology_version": model.meth["version"],
        "ratings": ratings,
        "peer_groups": peer_groups,
        "suppliers": suppliers,
    }


# ---------------------------------------------------------------- section 8


class ActionError(ValueError):
    pass


CONTROL_FORM = re.compile(r"[A-Z][0-9]\.[a-z]")  # section 2: <objective letter><digit>.<letter>

ACTION_FIELDS = {
    "set_assessment": ["action", "control", "outcome", "assurance"],
    "resolve_finding": ["action", "finding"],
    "set_metric": ["action", "metric", "successes", "trials"],
    "remove_dependency": ["action", "supplier"],
    "set_dependency_access": ["action", "supplier", "access"],  # v1.2
}

ACCESS_VALUES = ("none", "data", "network", "admin")  # section 4.2
# v1.2 section 8: "a step down in access (admin -> network, network -> data, data -> none;
# none has no candidate)"
ACCESS_STEP_DOWN = {"admin": "network", "network": "data", "data": "none"}


def check_action(action, i: int) -> None:
    """The shape of one action (section 8: "a malformed action (unknown `action`, a missing or
    unknown field, an invalid outcome/assurance, counts as in section 1)")."""
    p = f"actions[{i}]"
    if not isinstance(action, dict) or action.get("action") not in ACTION_FIELDS:
        raise ActionError(f"{p}.action" if isinstance(action, dict) else p)
    fields = ACTION_FIELDS[action["action"]]
    for k in action:
        if k not in fields:
            raise ActionError(f"{p}.{k}")
    for k in fields:
        if k not in action:
            raise ActionError(f"{p}.{k}")
    for k in ("control", "finding", "metric", "supplier"):
        if k in action and not isinstance(action[k], str):
            raise ActionError(f"{p}.{k}")
    if action["action"] == "set_assessment":
        if action["outcome"] not in OUTCOME_ORDER:
            raise ActionError(f"{p}.outcome")
        if action["assurance"] not in ASSURANCE_ORDER:
            raise ActionError(f"{p}.assurance")
    if action["action"] == "set_dependency_access":
        if action["access"] not in ACCESS_VALUES:
            raise ActionError(f"{p}.access")
    if action["action"] == "set_metric":
        for k in ("successes", "trials"):
            v = action[k]
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 2**53:
                raise ActionError(f"{p}.{k}")
        if action["trials"] < 1:
            raise ActionError(f"{p}.trials")
        if action["successes"] > action["trials"]:
            raise ActionError(f"{p}.successes")


def apply_action(doc: dict, org_index: int, action: dict, model: Model, i: int) -> None:
    check_action(action, i)
    org = doc["organisations"][org_index]
    as_of = doc["as_of"]
    kind = action.get("action")
    if kind == "set_assessment":
        control = action["control"]
        principle = control.split(".")[0]
        if not CONTROL_FORM.fullmatch(control) or (
            principle not in model.principles and control not in model.outcome_map
        ):
            raise ActionError(f"actions[{i}].control")
        kept = [a for a in (org.get("assessments") or []) if a["control"] != control]
        kept.append(
            {
                "control": control,
                "outcome": action["outcome"],
                "assurance": action["assurance"],
                "assessed_on": as_of,
            }
        )
        org["assessments"] = kept
    elif kind == "resolve_finding":
        fid = action["finding"]
        found = [f for f in (org.get("findings") or []) if f["id"] == fid]
        if not found:
            raise ActionError(f"actions[{i}].finding")
        f = found[0]
        a = day(as_of)
        is_open = day(f["first_seen"]) <= a and (
            f.get("resolved_on") is None or day(f["resolved_on"]) > a
        )
        if is_open:
            f["resolved_on"] = as_of
    elif kind == "set_metric":
        name = action["metric"]
        if name not in model.metrics:
            raise ActionError(f"actions[{i}].metric")
        kept = [o for o in (org.get("metrics") or []) if o["metric"] != name]
        kept.append(
            {
                "metric": name,
                "successes": action["successes"],
                "trials": action["trials"],
                "observed_on": as_of,
            }
        )
        org["metrics"] = kept
    elif kind == "remove_dependency":
        sup = action["supplier"]
        deps = org.get("dependencies") or []
        if not any(d["supplier"] == sup for d in deps):
            raise ActionError(f"actions[{i}].supplier")
        org["dependencies"] = [d for d in deps if d["supplier"] != sup]
    elif kind == "set_dependency_access":
        # v1.2: "sets `access` on every edge to that supplier"
        sup = action["supplier"]
        deps = org.get("dependencies") or []
        if not any(d["supplier"] == sup for d in deps):
            raise ActionError(f"actions[{i}].supplier")
        org["dependencies"] = [
            dict(d, access=action["access"]) if d["supplier"] == sup else d for d in deps
        ]
    else:
        raise ActionError(f"actions[{i}].action")


def _org_index(doc: dict, org_id: str) -> int:
    for i, o in enumerate(doc["organisations"]):
        if o["id"] == org_id:
            return i
    raise ActionError("organisation")


def what_if(doc: dict, org_id: str, actions: list[dict], meth: dict | None = None) -> dict:
    meth = meth or load_methodology()
    model = Model(meth)
    oi = _org_index(doc, org_id)
    before = rate(doc, meth)
    changed = copy.deepcopy(doc)
    for i, a in enumerate(actions):
        apply_action(changed, oi, a, model, i)
    after = rate(changed, meth)
    dependants = []
    for j, (rb, ra) in enumerate(zip(before["ratings"], after["ratings"])):
        if j == oi:
            continue
        if abs(ra["score"] - rb["score"]) > model.tie:
            dependants.append(
                {
                    "id": rb["id"],
                    "before": rb["score"],
                    "after": ra["score"],
                    "delta": ra["score"] - rb["score"],
                }
            )
    sb, sa = before["ratings"][oi]["score"], after["ratings"][oi]["score"]
    return {
        "organisation": org_id,
        "actions": actions,
        "score_before": sb,
        "score_after": sa,
        "delta": sa - sb,
        "rating": after["ratings"][oi],
        "dependants": dependants,
    }


def action_json(a: dict) -> str:
    order = {
        "set_assessment": ["action", "control", "outcome", "assurance"],
        "resolve_finding": ["action", "finding"],
        "set_metric": ["action", "metric", "successes", "trials"],
        "remove_dependency": ["action", "supplier"],
        "set_dependency_access": ["action", "supplier", "access"],
    }[a["action"]]
    return json.dumps({k: a[k] for k in order}, separators=(",", ":"), ensure_ascii=False)


def plan_candidates(doc: dict, org_id: str, model: Model) -> list[dict]:
    org = doc["organisations"][_org_index(doc, org_id)]
    as_of = day(doc["as_of"])
    # the counted (latest) assessment/metric per control/metric, not_applicable included
    cands = []
    latest: dict[str, dict] = {}
    for a in org.get("assessments") or []:
        if day(a["assessed_on"]) > as_of:
            continue
        cur = latest.get(a["control"])
        if cur is None or Org._better_assessment(a, cur):
            latest[a["control"]] = a
    for control, a in latest.items():
        if a["outcome"] in ("partially_achieved", "not_achieved"):
            cands.append(
                {
                    "action": "set_assessment",
                    "control": control,
                    "outcome": "achieved",
                    "assurance": "independent_audit",
                }
            )
    for f in org.get("findings") or []:
        if day(f["first_seen"]) <= as_of and (
            f.get("resolved_on") is None or day(f["resolved_on"]) > as_of
        ):
            cands.append({"action": "resolve_finding", "finding": f["id"]})
    latest_m: dict[str, dict] = {}
    for m in org.get("metrics") or []:
        if day(m["observed_on"]) > as_of:
            continue
        cur = latest_m.get(m["metric"])
        if cur is None or Org._better_metric(m, cur):
            latest_m[m["metric"]] = m
    for name, m in latest_m.items():
        if m["successes"] < m["trials"]:
            cands.append(
                {
                    "action": "set_metric",
                    "metric": name,
                    "successes": m["trials"],
                    "trials": m["trials"],
                }
            )
    # v1.2: for every supplier, a step down in access; removal only where the dependency's
    # criticality is low or medium (a replaceable supplier).
    for d in org.get("dependencies") or []:
        if d["access"] in ACCESS_STEP_DOWN:
            cands.append(
                {
                    "action": "set_dependency_access",
                    "supplier": d["supplier"],
                    "access": ACCESS_STEP_DOWN[d["access"]],
                }
            )
        if d["criticality"] in ("low", "medium"):
            cands.append({"action": "remove_dependency", "supplier": d["supplier"]})
    return cands


def plan(doc: dict, org_id: str, k: int, meth: dict | None = None) -> dict:
    meth = meth or load_methodology()
    model = Model(meth)
    oi = _org_index(doc, org_id)
    base = rate(doc, meth)["ratings"][oi]["score"]
    cands = plan_candidates(doc, org_id, model)
    scored = []
    for c in cands:
        scored.append({"action": c, "gain": what_if(doc, org_id, [c], meth)["delta"]})
    scored = sort_tied(scored, lambda s: s["gain"], lambda s: action_json(s["action"]), model.tie)
    # v1.2: "a supplier keeps only its higher-ranked candidate (at most one step per supplier)"
    kept, suppliers = [], set()
    for s in scored:
        sup = s["action"].get("supplier")
        if sup is not None:
            if sup in suppliers:
                continue
            suppliers.add(sup)
        kept.append(s)
    steps = kept[:k]
    if steps:
        all_score = what_if(doc, org_id, [s["action"] for s in steps], meth)["score_after"]
    else:
        all_score = base
    return {
        "organisation": org_id,
        "score": base,
        "candidates": len(cands),
        "steps": steps,
        "score_with_all": all_score,
    }


def history(doc: dict, dates: list[str], meth: dict | None = None) -> dict:
    """The document rated at each date (section 1: items dated after each date left out)."""
    meth = meth or load_methodology()
    runs = [rate(dict(doc, as_of=d), meth) for d in dates]
    series = []
    for i, o in enumerate(doc["organisations"]):
        points = []
        for d, run in zip(dates, runs):
            r = run["ratings"][i]
            points.append({"as_of": d, "score": r["score"], "band": r["band"],
                           "interval": r["interval"], "basis": r["basis"]})
        series.append({"id": o["id"], "points": points})
    return {"methodology": meth["id"], "dates": list(dates), "series": series}


KIND_ORDER = ["assessment", "metric", "finding", "dependency"]


def change(doc: dict, org_id: str, frm: str, to: str, meth: dict | None = None) -> dict:
    """What changed in one organisation's rating between two dates (docs/methodology.md
    section 21): the score at each, the points each factor's move is worth, the supply-chain
    points, the interaction, and the evidence that entered, left or decayed (at most 5 each)."""
    meth = meth or load_methodology()
    model = Model(meth)
    i = _org_index(doc, org_id)
    before = rate(dict(doc, as_of=frm), meth)["ratings"][i]
    after = rate(dict(doc, as_of=to), meth)["ratings"][i]
    org = doc["organisations"][i]
    o_from, o_to = Org(model, org, day(frm)), Org(model, org, day(to))
    al_f, be_f, _ = o_from.beliefs(model)
    al_t, be_t, _ = o_to.beliefs(model)
    eta_from, _, mu_from = internal(model, al_f, be_f)
    eta_to, _, mu_to = internal(model, al_t, be_t)
    R = model.recalibrate
    s_from, psup = before["score"], before["supply_probability"]
    factors, total = [], 0.0
    for f, fid in enumerate(model.factors):
        eta = eta_from + model.w[f] * (mu_from[f] - mu_to[f])
        pts = model.score(R(combine(logistic(eta), psup))) - s_from
        total += pts
        factors.append({"id": fid, "mean_from": mu_from[f], "mean_to": mu_to[f], "points": pts})
    s_internal = model.score(R(combine(logistic(eta_to), psup)))

    def weights(o: Org) -> dict:
        return {src: (item[0], item[1], item[3] + item[4])
                for src, item in zip(o.sources, o.items)}

    w_from, w_to = weights(o_from), weights(o_to)

    def entry(src: int) -> dict:
        kind, ref, _ = (w_to.get(src) or w_from[src])
        return {"kind": kind, "reference": ref,
                "weight_from": w_from[src][2] if src in w_from else 0.0,
                "weight_to": w_to[src][2] if src in w_to else 0.0}

    def top(entries: list, key) -> list:
        ordered = sort_tied(entries, key, lambda e: (e["reference"], KIND_ORDER.index(e["kind"])),
                            model.tie)
        return ordered[:5]

    entered = top([entry(s) for s in w_to if s not in w_from], lambda e: e["weight_to"])
    left = top([entry(s) for s in w_from if s not in w_to], lambda e: e["weight_from"])
    decayed = top([e for e in (entry(s) for s in w_from if s in w_to)
                   if e["weight_from"] - e["weight_to"] > model.tie],
                  lambda e: e["weight_from"] - e["weight_to"])
    return {
        "organisation": org_id, "from": frm, "to": to,
        "score_from": s_from, "score_to": after["score"], "delta": after["score"] - s_from,
        "factors": factors,
        "supply_points": after["score"] - s_internal,
        "interaction_points": (s_internal - s_from) - total,
        "entered": entered, "left": left, "decayed": decayed,
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8-sig") as f:
        doc = json.load(f)
    if argv[1] == "rate":
        out = rate(doc)
    elif argv[1] == "what_if":
        with open(argv[4], encoding="utf-8") as f:
            out = what_if(doc, argv[3], json.load(f))
    elif argv[1] == "plan":
        out = plan(doc, argv[3], int(argv[4]))
    elif argv[1] == "history":
        out = history(doc, argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))


# ------------------------------------------------------- section 1: validation


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise _DuplicateKey(k)
        seen.add(k)
    return dict(pairs)


ENUMS = {
    "outcome": OUTCOME_ORDER,
    "assurance": ASSURANCE_ORDER,
    "kind": [
        "vulnerability",
        "misconfiguration",
        "tls",
        "exposed_service",
        "email_security",
        "malware_infection",
        "credential_leak",
    ],
    "asset_criticality": ["low", "medium", "high", "clinical"],
    "criticality": ["critical", "high", "medium", "low"],
    "access": ["none", "data", "network", "admin"],
    "dspt_status": [
        "standards_exceeded",
        "standards_met",
        "approaching_standards",
        "not_published",
    ],
}
# field -> (required, type) per object kind; type one of str, date, count, prob, score, bool,
# enum, list, obj
SCHEMA = {
    "doc": {"as_of": (True, "date"), "organisations": (True, "list")},
    "org": {
        "id": (True, "str"),
        "name": (False, "str"),
        "peer_group": (False, "str"),
        "assessments": (False, "list"),
        "metrics": (False, "list"),
        "findings": (False, "list"),
        "dependencies": (False, "list"),
        "attestation": (False, "obj"),
        # methodology section 17.1: group labels (the rating figures do not depend on them)
        "groups": (False, "list"),
    },
    "assessments": {
        "control": (True, "str"),
        "outcome": (True, "enum"),
        "assurance": (True, "enum"),
        "assessed_on": (True, "date"),
        "source": (False, "str"),
    },
    "metrics": {
        "metric": (True, "str"),
        "successes": (True, "count"),
        "trials": (True, "count"),
        "observed_on": (True, "date"),
    },
    "findings": {
        "id": (True, "str"),
        "kind": (True, "enum"),
        "cve": (False, "str"),
        "cvss": (False, "str"),
        "cvss_score": (False, "score"),
        "epss": (False, "prob"),
        "kev": (False, "bool"),
        "internet_facing": (False, "bool"),
        "asset_criticality": (False, "enum"),
        "first_seen": (True, "date"),
        "resolved_on": (False, "date"),
    },
    "dependencies": {
        "supplier": (True, "str"),
        "criticality": (True, "enum"),
        "access": (True, "enum"),
    },
    "attestation": {
        "dspt_status": (False, "enum"),
        "cyber_essentials_plus": (False, "bool"),
        "incident_probability": (False, "prob"),
    },
}


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _valid_date(v: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return False
    try:
        _dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _valid_cvss(vector: str) -> bool:
    if vector.startswith("CVSS:4.0/"):
        try:
            CVSS4(vector)
        except Exception:
            return False
        return True
    if vector.startswith("CVSS:3.0/") or vector.startswith("CVSS:3.1/"):
        try:
            CVSS3(vector)
        except Exception:
            return False
        return True
    return False


def validate(raw: bytes, meth: dict | None = None) -> list[tuple[str, str]]:
    """Every problem of a document as (code, path), in no particular order (section 1)."""
    model = Model(meth or load_methodology())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return [("invalid_encoding", "")]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey:
        return [("duplicate_key", "?")]
    except json.JSONDecodeError:
        return [("malformed_json", "?")]
    problems: list[tuple[str, str]] = []

    def check(obj, kind: str, path: str) -> bool:
        if not isinstance(obj, dict):
            problems.append(("wrong_type", path))
            return False
        ok = True
        schema = SCHEMA[kind]
        for k in obj:
            if k not in schema:
                problems.append(("unknown_field", f"{path}.{k}" if path else k))
                ok = False
        for k, (required, ty) in schema.items():
            p = f"{path}.{k}" if path else k
            v = obj.get(k)
            if v is None:
                if required:
                    problems.append(("missing_field", p))
                    ok = False
                continue
            bad = None
            if ty in ("str", "enum", "date") and not isinstance(v, str):
                bad = "wrong_type"
            elif ty == "enum" and v not in ENUMS[k]:
                bad = "unknown_value"
            elif ty == "date" and not _valid_date(v):
                bad = "invalid_date"
            elif ty == "bool" and not isinstance(v, bool):
                bad = "wrong_type"
            elif ty == "count":
                if not _is_num(v):
                    bad = "wrong_type"
                elif not isinstance(v, int) or not 0 <= v <= 2**53:
                    bad = "invalid_count"
            elif ty == "prob":
                if not _is_num(v):
                    bad = "wrong_type"
                elif not 0.0 <= v <= 1.0:
                    bad = "invalid_probability"
            elif ty == "score":
                if not _is_num(v):
                    bad = "wrong_type"
                elif not 0.0 <= v <= 10.0:
                    bad = "invalid_cvss_score"
            elif ty == "list" and not isinstance(v, list):
                bad = "wrong_type"
            elif ty == "obj" and not isinstance(v, dict):
                bad = "wrong_type"
            if bad:
                problems.append((bad, p))
                ok = False
        return ok

    if not check(doc, "doc", "") or not isinstance(doc.get("organisations"), list):
        return problems
    orgs = doc["organisations"]
    ids = [o.get("id") if isinstance(o, dict) else None for o in orgs]
    seen_ids: set = set()
    for i, o in enumerate(orgs):
        p = f"organisations[{i}]"
        check(o, "org", p)
        if not isinstance(o, dict):
            continue
        oid = o.get("id")
        if oid == "":
            problems.append(("empty_id", f"{p}.id"))
        elif isinstance(oid, str):
            if oid in seen_ids:
                problems.append(("duplicate_organisation", f"{p}.id"))
            seen_ids.add(oid)
        if isinstance(o.get("attestation"), dict):
            check(o["attestation"], "attestation", f"{p}.attestation")
        if isinstance(o.get("groups"), list):
            seen_groups: set = set()
            for j, g in enumerate(o["groups"]):
                q = f"{p}.groups[{j}]"
                if not isinstance(g, str):
                    problems.append(("wrong_type", q))
                elif g == "":
                    problems.append(("empty_group", q))
                elif g in seen_groups:
                    problems.append(("duplicate_group", q))
                else:
                    seen_groups.add(g)
        for j, a in enumerate(o.get("assessments") or []):
            q = f"{p}.assessments[{j}]"
            if check(a, "assessments", q) or isinstance(a.get("control"), str):
                c = a.get("control")
                if isinstance(c, str):
                    if not CONTROL_FORM.fullmatch(c):
                        problems.append(("invalid_control", f"{q}.control"))
                    elif c.split(".")[0] not in model.principles and c not in model.outcome_map:
                        problems.append(("unmapped_control", f"{q}.control"))
        for j, m in enumerate(o.get("metrics") or []):
            q = f"{p}.metrics[{j}]"
            check(m, "metrics", q)
            if not isinstance(m, dict):
                continue
            if isinstance(m.get("metric"), str) and m["metric"] not in model.metrics:
                problems.append(("unknown_metric", f"{q}.metric"))
            s, t = m.get("successes"), m.get("trials")
            t_ok = isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= 2**53
            s_ok = isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= 2**53
            if t_ok and t < 1:
                problems.append(("invalid_trials", f"{q}.trials"))
            elif t_ok and s_ok and s > t:
                problems.append(("successes_exceed_trials", f"{q}.successes"))
        fids: set = set()
        for j, f in enumerate(o.get("findings") or []):
            q = f"{p}.findings[{j}]"
            check(f, "findings", q)
            if not isinstance(f, dict):
                continue
            if isinstance(f.get("id"), str):
                if f["id"] in fids:
                    problems.append(("duplicate_finding", f"{q}.id"))
                fids.add(f["id"])
            if isinstance(f.get("cvss"), str) and not _valid_cvss(f["cvss"]):
                problems.append(("invalid_cvss", f"{q}.cvss"))
            fs, ro = f.get("first_seen"), f.get("resolved_on")
            if (
                isinstance(fs, str)
                and isinstance(ro, str)
                and _valid_date(fs)
                and _valid_date(ro)
                and day(ro) < day(fs)
            ):
                problems.append(("resolved_before_first_seen", f"{q}.resolved_on"))
        sups: set = set()
        for j, d in enumerate(o.get("dependencies") or []):
            q = f"{p}.dependencies[{j}]"
            check(d, "dependencies", q)
            if not isinstance(d, dict) or not isinstance(d.get("supplier"), str):
                continue
            s = d["supplier"]
            if s == oid:
                problems.append(("self_dependency", f"{q}.supplier"))
            elif s not in ids:
                problems.append(("unknown_supplier", f"{q}.supplier"))
            elif s in sups:
                problems.append(("duplicate_dependency", f"{q}.supplier"))
            sups.add(s)
    return problems
