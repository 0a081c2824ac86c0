"""Independent reference implementation of `calibration-v1` sections 1-4.

Written from /work/shared/specs/calibration-v1.md alone (and methodology-v1.md for the ratings,
through riskref.py), without reading the Rust implementation, so that agreement means something.

Usage (the CLI of the Rust example `calibrate`, section 6):

    python calibref.py PORTFOLIO.json INCIDENTS.json CONFIG.json [--methodology BASE.json]
        [--out-methodology M.json] [--evaluate] --report R.json

On bad input it prints `<category> <path>` on stdout (as the Rust example does), a sentence naming
the document on stderr, and exits 2.

Third-party pieces: numpy for the linear algebra, scipy.optimize (L-BFGS-B, bounds) for a first
pass of the refit (polished by projected Newton to the spec's tolerance), scipy.stats.chi2 for the
closed test's p-values, scipy.special.expit.
"""

from __future__ import annotations

import argparse
import calendar
import copy
import datetime as _dt
import hashlib
import json
import math
import os
import sys

import numpy as np
from scipy import optimize
from scipy.special import expit
from scipy.stats import chi2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import riskref  # noqa: E402

SPEC = "calibration-v1"
Z = 1.959963984540054
H = 365
TIE = 1e-12
LEVELS = ("intercept", "recalibrate", "refit", "auto")
BAND_NAMES = ("A", "B", "C", "D", "E", "F")


class CalError(Exception):
    """A typed error: document (portfolio, incidents, config, fit), category, path."""

    def __init__(self, document: str, category: str, path: str = ""):
        super().__init__(f"{document}: {category} at {path}")
        self.document, self.category, self.path = document, category, path


# ------------------------------------------------------------------------ JSON (methodology-v1 §1)


class _Dup(Exception):
    pass


def _pairs(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise _Dup(k)
        seen.add(k)
    return dict(pairs)


def _float(text):
    v = float(text)
    if not math.isfinite(v):
        raise ValueError("number out of range")
    return v


def _const(text):
    raise ValueError(f"{text} is not JSON")


def parse_json(raw: bytes, document: str):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CalError(document, "malformed_json") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=_float, parse_constant=_const)
    except (ValueError, _Dup, RecursionError):
        raise CalError(document, "malformed_json") from None


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _date_ok(v) -> bool:
    return isinstance(v, str) and riskref._valid_date(v)


def day(s: str) -> int:
    return riskref.day(s)


def iso(d: int) -> str:
    return _dt.date.fromordinal(d).isoformat()


# ------------------------------------------------------------------------ section 1: incidents

INCIDENT_FIELDS = ("id", "organisation", "occurred_on", "origin", "supplier", "material",
                   "description")


def validate_incidents(doc, portfolio: dict):
    """(records, warnings); raises the first CalError found (one per document)."""
    D = "incidents"
    if not isinstance(doc, dict):
        raise CalError(D, "invalid_type", "")
    for k in doc:
        if k != "incidents":
            raise CalError(D, "unknown_field", k)
    incs = doc.get("incidents")
    if incs is None:
        raise CalError(D, "missing_field", "incidents")
    if not isinstance(incs, list):
        raise CalError(D, "invalid_type", "incidents")
    orgs = {o["id"]: o for o in portfolio["organisations"]}
    seen: set = set()
    records, warnings = [], []
    for i, r in enumerate(incs):
        p = f"incidents[{i}]"
        if not isinstance(r, dict):
            raise CalError(D, "invalid_type", p)
        for k in r:
            if k not in INCIDENT_FIELDS:
                raise CalError(D, "unknown_field", f"{p}.{k}")
        for k in ("id", "organisation", "occurred_on", "origin"):
            if r.get(k) is None:
                raise CalError(D, "missing_field", f"{p}.{k}")
        for k in ("id", "organisation", "occurred_on", "origin", "supplier", "description"):
            if r.get(k) is not None and not isinstance(r[k], str):
                raise CalError(D, "invalid_type", f"{p}.{k}")
        if r.get("material") is not None and not isinstance(r["material"], bool):
            raise CalError(D, "invalid_type", f"{p}.material")
        if r["id"] == "":
            raise CalError(D, "empty_id", f"{p}.id")
        if r["id"] in seen:
            raise CalError(D, "duplicate_id", f"{p}.id")
        seen.add(r["id"])
        if not _date_ok(r["occurred_on"]):
            raise CalError(D, "invalid_date", f"{p}.occurred_on")
        origin = r["origin"]
        if origin not in ("internal", "supplier"):
            raise CalError(D, "unknown_value", f"{p}.origin")
        sup = r.get("supplier")
        if origin == "supplier" and sup is None:
            raise CalError(D, "missing_field", f"{p}.supplier")
        if origin == "internal" and sup is not None:
            raise CalError(D, "unexpected_supplier", f"{p}.supplier")
        org = r["organisation"]
        if org not in orgs:
            raise CalError(D, "unknown_organisation", f"{p}.organisation")
        if sup is not None:
            if sup not in orgs:
                raise CalError(D, "unknown_supplier", f"{p}.supplier")
            if sup == org:
                raise CalError(D, "self_supplier", f"{p}.supplier")
            deps = {d["supplier"] for d in (orgs[org].get("dependencies") or [])}
            if sup not in deps:
                warnings.append({"path": f"{p}.supplier", "warning": "supplier_not_a_dependency"})
        material = r.get("material")
        records.append({"organisation": org, "day": day(r["occurred_on"]), "origin": origin,
                        "material": True if material is None else material})
    return records, warnings


# ------------------------------------------------------------------------ section 2.1-2.2: config

CONFIG_FIELDS = ("snapshots", "observed_until", "level", "tau", "alpha", "split", "peer_groups")


def add_months(start: _dt.date, k: int):
    m0 = start.month - 1 + k
    y = start.year + m0 // 12
    m = m0 % 12 + 1
    if y > 9999:
        return None
    return _dt.date(y, m, min(start.day, calendar.monthrange(y, m)[1]))


def validate_config(doc, portfolio: dict) -> dict:
    D = "config"
    if not isinstance(doc, dict):
        raise CalError(D, "invalid_type", "")
    for k in doc:
        if k not in CONFIG_FIELDS:
            raise CalError(D, "unknown_field", k)
    for k in ("snapshots", "observed_until"):
        if doc.get(k) is None:
            raise CalError(D, "missing_field", k)
    as_of = day(portfolio["as_of"])
    snaps = doc["snapshots"]
    given: list[int] = []
    if isinstance(snaps, list):
        if not snaps:
            raise CalError(D, "invalid_snapshots", "snapshots")
        seen: set = set()
        for j, s in enumerate(snaps):
            p = f"snapshots[{j}]"
            if not isinstance(s, str):
                raise CalError(D, "invalid_type", p)
            if not _date_ok(s):
                raise CalError(D, "invalid_date", p)
            if s in seen:
                raise CalError(D, "duplicate_snapshot", p)
            seen.add(s)
            if day(s) > as_of:
                raise CalError(D, "snapshot_after_as_of", p)
            given.append(day(s))
    elif isinstance(snaps, dict):
        for k in snaps:
            if k not in ("start", "end", "every_months"):
                raise CalError(D, "unknown_field", f"snapshots.{k}")
        for k in ("start", "end", "every_months"):
            if snaps.get(k) is None:
                raise CalError(D, "missing_field", f"snapshots.{k}")
        for k in ("start", "end"):
            if not isinstance(snaps[k], str):
                raise CalError(D, "invalid_type", f"snapshots.{k}")
            if not _date_ok(snaps[k]):
                raise CalError(D, "invalid_date", f"snapshots.{k}")
        em = snaps["every_months"]
        if not _is_int(em):
            raise CalError(D, "invalid_type", "snapshots.every_months")
        if em < 1:
            raise CalError(D, "invalid_snapshots", "snapshots.every_months")
        start, end = _dt.date.fromisoformat(snaps["start"]), _dt.date.fromisoformat(snaps["end"])
        if end < start:
            raise CalError(D, "invalid_snapshots", "snapshots.end")
        j = 0
        while True:
            t = add_months(start, j * em)
            if t is None or t > end:
                break
            if t.toordinal() > as_of:
                raise CalError(D, "snapshot_after_as_of", "snapshots.end")
            given.append(t.toordinal())
            j += 1
    else:
        raise CalError(D, "invalid_type", "snapshots")
    ou = doc["observed_until"]
    if not isinstance(ou, str):
        raise CalError(D, "invalid_type", "observed_until")
    if not _date_ok(ou):
        raise CalError(D, "invalid_date", "observed_until")
    level = doc.get("level")
    if level is None:
        level = "auto"
    elif not isinstance(level, str):
        raise CalError(D, "invalid_type", "level")
    elif level not in LEVELS:
        raise CalError(D, "unknown_value", "level")
    tau = doc.get("tau")
    if tau is None:
        tau = 0.5
    elif not _is_num(tau) or not math.isfinite(tau):
        raise CalError(D, "invalid_type", "tau")
    elif tau <= 0:
        raise CalError(D, "invalid_parameter", "tau")
    alpha = doc.get("alpha")
    if alpha is None:
        alpha = 0.05
    elif not _is_num(alpha) or not math.isfinite(alpha):
        raise CalError(D, "invalid_type", "alpha")
    elif not 0 < alpha < 1:
        raise CalError(D, "invalid_parameter", "alpha")
    split = doc.get("split")
    if split is not None:
        if not isinstance(split, str):
            raise CalError(D, "invalid_type", "split")
        if not _date_ok(split):
            raise CalError(D, "invalid_date", "split")
        split = day(split)
    groups = doc.get("peer_groups")
    if groups is not None:
        if not isinstance(groups, list) or not groups:
            raise CalError(D, "invalid_type", "peer_groups")
        for i, g in enumerate(groups):
            if not isinstance(g, str):
                raise CalError(D, "invalid_type", f"peer_groups[{i}]")
        present = {o.get("peer_group") or "unassigned" for o in portfolio["organisations"]}
        for i, g in enumerate(groups):
            if g not in present:
                raise CalError(D, "unknown_peer_group", f"peer_groups[{i}]")
    return {"snapshots": sorted(given), "observed_until": day(ou), "level": level,
            "tau": float(tau), "alpha": float(alpha), "split": split, "peer_groups": groups}


# ------------------------------------------------------------------------ ratings at a snapshot


class Snapshot:
    """The whole portfolio rated at as_of = t under one methodology (methodology-v1 §3-6)."""

    def __init__(self, portfolio: dict, model: riskref.Model, t: int):
        orgs = [riskref.Org(model, o, t) for o in portfolio["organisations"]]
        index = {o.id: i for i, o in enumerate(orgs)}
        deps = [[(index[s], c) for s, c in o.deps] for o in orgs]
        nf = len(model.factors)
        self.mu = np.zeros((len(orgs), nf))
        pint = []
        for i, o in enumerate(orgs):
            alpha, beta, _ = o.beliefs(model)
            eta, _, mu = riskref.internal(model, alpha, beta)
            self.mu[i] = mu
            pint.append(riskref.logistic(eta))
        fp = riskref.fixed_point(model, pint, deps)
        self.pint = np.array(pint)
        self.psup = np.array([riskref.supply(deps[i], fp) for i in range(len(orgs))])
        self.p_model = np.array([riskref.combine(a, b) for a, b in zip(pint, self.psup)])
        self.p = np.array([model.recalibrate(x) for x in self.p_model])


# ------------------------------------------------------------------------ section 2.3-2.5


class Observations:
    def __init__(self, portfolio: dict, records: list, cfg: dict, base: dict):
        self.portfolio = portfolio
        self.base = base
        self.model = riskref.Model(base)
        self.cfg = cfg
        orgs = portfolio["organisations"]
        self.org_ids = [o["id"] for o in orgs]
        self.org_index = {o: i for i, o in enumerate(self.org_ids)}
        groups = cfg["peer_groups"]
        pop = [o["id"] for o in orgs
               if groups is None or (o.get("peer_group") or "unassigned") in groups]
        self.population = sorted(pop)
        self.snapshots_given = cfg["snapshots"]
        self.observed = [t for t in cfg["snapshots"] if t + H <= cfg["observed_until"]]
        # edges of every organisation: (org, supplier, g_e = base0[crit]*access)
        sc = base["supply_chain"]
        eo, es, eg = [], [], []
        for i, o in enumerate(orgs):
            for d in o.get("dependencies") or []:
                eo.append(i)
                es.append(self.org_index[d["supplier"]])
                eg.append(sc["criticality"][d["criticality"]] * sc["access"][d["access"]])
        self.edge_org, self.edge_sup = np.array(eo, dtype=int), np.array(es, dtype=int)
        self.edge_g = np.array(eg, dtype=float)
        self.cap = sc["max_coupling"]
        self.has_deps = np.zeros(len(orgs), dtype=bool)
        self.has_deps[self.edge_org] = True
        # outcomes
        material = [r for r in records if r["material"]]
        inc: dict = {}
        for r in material:
            inc.setdefault((r["organisation"], r["origin"]), []).append(r["day"])
        self.snap_state = {t: Snapshot(portfolio, self.model, t) for t in self.observed}
        rows = []
        for k, t in enumerate(self.observed):
            s = self.snap_state[t]
            for oid in self.population:
                i = self.org_index[oid]
                yi = int(any(t < d <= t + H for d in inc.get((oid, "internal"), [])))
                ys = int(any(t < d <= t + H for d in inc.get((oid, "supplier"), [])))
                rows.append((i, k, t, max(yi, ys), yi, ys, s.p[i], s.pint[i], s.psup[i]))
        self.n = len(rows)
        self.org = np.array([r[0] for r in rows], dtype=int)
        self.snap = np.array([r[1] for r in rows], dtype=int)
        self.t = np.array([r[2] for r in rows], dtype=int)
        self.y = np.array([r[3] for r in rows], dtype=float)
        self.y_int = np.array([r[4] for r in rows], dtype=float)
        self.y_sup = np.array([r[5] for r in rows], dtype=float)
        self.p = np.array([r[6] for r in rows], dtype=float)
        self.p_int = np.array([r[7] for r in rows], dtype=float)
        self.p_sup = np.array([r[8] for r in rows], dtype=float)
        nf = len(self.model.factors)
        self.x = np.zeros((self.n, nf))
        for r in range(self.n):
            self.x[r] = 1.0 - self.snap_state[self.observed[self.snap[r]]].mu[self.org[r]]
        pop_set = set(self.population)
        in_window = 0
        for r in material:
            if r["organisation"] in pop_set and any(t < r["day"] <= t + H for t in self.observed):
                in_window += 1
        self.design = {
            "snapshots_given": len(self.snapshots_given),
            "snapshots_observed": len(self.observed),
            "organisations": len(self.population),
            "incidents": len(records),
            "material_incidents": len(material),
            "material_incidents_in_a_window": in_window,
            "observations": self.n,
        }


def data_digest(raws) -> str:
    h = hashlib.sha256(b"riskrating-calibration-v1\n")
    for raw in raws:
        h.update(str(len(raw)).encode("ascii") + b"\n" + raw)
    return "sha256:" + h.hexdigest()


# ------------------------------------------------------------------------ section 3: fitting


def softplus(x):
    return np.logaddexp(0.0, x)


def logit_arr(p):
    return np.log(p) - np.log1p(-p)


def loglik_eta(eta, y) -> float:
    return float(np.sum(y * eta - softplus(eta)))


def loglik_p(p, y) -> float:
    return loglik_eta(logit_arr(p), y)


def wald(est, se, lower_bound=False):
    if se is None or not math.isfinite(se):
        return None
    lo = est - Z * se
    if lower_bound:
        lo = max(0.0, lo)
    return [lo, est + Z * se]


def cluster_cov(Jinv, scores, groups):
    """V = G/(G-1) J^-1 (Σ_g u_g u_g^T) J^-1 (None when fewer than two clusters)."""
    uniq, inv = np.unique(groups, return_inverse=True)
    G = len(uniq)
    if G < 2:
        return None
    k = scores.shape[1]
    U = np.zeros((G, k))
    for j in range(k):
        U[:, j] = np.bincount(inv, weights=scores[:, j], minlength=G)
    M = U.T @ U
    return (G / (G - 1)) * Jinv @ M @ Jinv


def param(est, se, se_c, original=None, lower_bound=False, at_bound=False, fit=True):
    out = {"estimate": est}
    if fit:
        out["original"] = original
    out["se"] = se
    out["ci"] = wald(est, se, lower_bound)
    out["se_cluster"] = se_c
    out["ci_cluster"] = wald(est, se_c, lower_bound)
    if fit:
        out["at_bound"] = at_bound
    return out


def _sqrt_or_none(v):
    if v is None or not math.isfinite(v) or v < 0:
        return None
    return math.sqrt(v)


def fit_intercept(x, y, groups, document="fit"):
    """Section 3.2: δ̂ with se, se_cluster; x = logit P."""
    n = len(y)
    E = y.sum()
    if E == 0 or E == n:
        raise CalError(document, "degenerate_outcomes")
    d = 0.0
    for _ in range(200):
        q = expit(x + d)
        r = float(np.sum(y - q))
        if abs(r) <= 1e-9 * n:
            break
        info = float(np.sum(q * (1 - q)))
        step = r / info
        # safeguard: the score is monotone in δ; halve while |score| grows
        for _ in range(60):
            r2 = float(np.sum(y - expit(x + d + step)))
            if abs(r2) < abs(r):
                break
            step /= 2
        d += step
    else:
        raise CalError(document, "no_convergence")
    q = expit(x + d)
    info = float(np.sum(q * (1 - q)))
    se = info ** -0.5
    uniq, inv = np.unique(groups, return_inverse=True)
    G = len(uniq)
    if G >= 2:
        u = np.bincount(inv, weights=y - q)
        se_c = math.sqrt((G / (G - 1)) * float(np.sum(u * u))) / info
    else:
        se_c = None
    return {"delta": d, "se": se, "se_cluster": se_c, "loglik": loglik_eta(x + d, y)}


def fit_recalibrate(x, y, groups, document="fit", check_slope=True):
    """Section 3.3: (â, b̂) with I^-1 and the clustered covariance."""
    n = len(y)
    E = y.sum()
    if E == 0 or E == n:
        raise CalError(document, "degenerate_outcomes")
    if np.all(x == x[0]):
        raise CalError(document, "constant_predictions")
    X = np.column_stack([np.ones(n), x])
    th = np.array([0.0, 1.0])
    xmax = max(1.0, float(np.max(np.abs(x))))

    def ll(t):
        return loglik_eta(X @ t, y)

    for _ in range(500):
        q = expit(X @ th)
        g = X.T @ (y - q)
        if abs(g[0]) <= 1e-9 * n and abs(g[1]) <= 1e-9 * n * xmax:
            break
        info = (X * (q * (1 - q))[:, None]).T @ X
        step = np.linalg.solve(info, g)
        f0 = ll(th)
        lam = 1.0
        for _ in range(60):
            if ll(th + lam * step) >= f0 - 1e-12 * abs(f0):
                break
            lam /= 2
        th = th + lam * step
    else:
        raise CalError(document, "no_convergence")
    q = expit(X @ th)
    info = (X * (q * (1 - q))[:, None]).T @ X
    Iinv = np.linalg.inv(info)
    V = cluster_cov(Iinv, X * (y - q)[:, None], groups)
    a, b = float(th[0]), float(th[1])
    if check_slope and b <= 0:
        raise CalError(document, "slope_not_positive")
    return {"a": a, "b": b, "se_a": math.sqrt(Iinv[0, 0]), "se_b": math.sqrt(Iinv[1, 1]),
            "sec_a": _sqrt_or_none(V[0, 0]) if V is not None else None,
            "sec_b": _sqrt_or_none(V[1, 1]) if V is not None else None,
            "cov_ab": float(Iinv[0, 1]), "loglik": loglik_eta(X @ th, y)}


def fit_refit(xk, y, groups, b0, w0, tau, document="fit"):
    """Section 3.4: penalised logistic regression with w >= 0."""
    n, K = xk.shape
    if y.sum() == 0 or y.sum() == n:
        raise CalError(document, "degenerate_outcomes")
    Xt = np.column_stack([np.ones(n), xk])
    w0 = np.asarray(w0, dtype=float)
    pen = np.concatenate([[0.0], np.full(K, 1.0 / tau**2)])
    center = np.concatenate([[0.0], w0])

    def F(th):
        eta = Xt @ th
        d = th[1:] - w0
        return float(np.sum(softplus(eta) - y * eta)) + float(d @ d) / (2 * tau**2)

    def grad(th):
        p = expit(Xt @ th)
        return Xt.T @ (p - y) + pen * (th - center)

    def hess(th):
        p = expit(Xt @ th)
        return (Xt * (p * (1 - p))[:, None]).T @ Xt + np.diag(pen)

    def proj_grad(th, g):
        pg = g.copy()
        at0 = (np.arange(K + 1) >= 1) & (th <= 0.0)
        pg[at0] = np.maximum(0.0, -g[at0])
        return float(np.max(np.abs(pg)))

    th = np.concatenate([[b0], w0])
    bounds = [(None, None)] + [(0.0, None)] * K
    res = optimize.minimize(F, th, jac=grad, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    th = np.array(res.x, dtype=float)
    th[1:] = np.maximum(th[1:], 0.0)
    # projected Newton polish to the spec's tolerance
    for _ in range(200):
        g = grad(th)
        if proj_grad(th, g) <= 1e-8:
            break
        J = hess(th)
        active = np.zeros(K + 1, dtype=bool)
        active[1:] = (th[1:] <= 1e-12) & (g[1:] > 0)
        free = ~active
        d = np.zeros(K + 1)
        d[free] = -np.linalg.solve(J[np.ix_(free, free)], g[free])
        f0 = F(th)
        lam = 1.0
        for _ in range(80):
            new = th + lam * d
            new[1:] = np.maximum(new[1:], 0.0)
            if F(new) <= f0 + 1e-4 * float(g @ (new - th)) + 1e-13 * abs(f0):
                break
            lam /= 2
        th = new
    else:
        raise CalError(document, "no_convergence")
    th[1:][th[1:] <= 1e-10] = 0.0
    g = grad(th)
    J = hess(th)
    Jinv = np.linalg.inv(J)
    p = expit(Xt @ th)
    V = cluster_cov(Jinv, Xt * (y - p)[:, None], groups)
    se = np.sqrt(np.diag(Jinv))
    sec = np.sqrt(np.diag(V)) if V is not None else [None] * (K + 1)
    return {"theta": th, "se": se, "se_cluster": sec, "objective": F(th),
            "projected_gradient": proj_grad(th, g), "loglik_internal": loglik_eta(Xt @ th, y)}


# ---- section 3.5: the coupling scale


class CouplingProblem:
    """Fast path: fitted P_int of every organisation at each snapshot, fixed points under s·base0."""

    def __init__(self, obs: Observations, rows: np.ndarray, b0: float, w: np.ndarray):
        self.obs = obs
        snaps = sorted(set(obs.snap[rows].tolist()))
        self.snaps = snaps
        self.pint = {k: expit(b0 + (1.0 - obs.snap_state[obs.observed[k]].mu) @ w) for k in snaps}
        dep_rows = rows[obs.has_deps[obs.org[rows]]]
        self.rows = dep_rows
        self.y = obs.y_sup[dep_rows]
        # flatten the edges of each dependent observation
        eobs, esup, esnap, eg = [], [], [], []
        by_org: dict = {}
        for e in range(len(obs.edge_org)):
            by_org.setdefault(int(obs.edge_org[e]), []).append(e)
        for i, r in enumerate(dep_rows):
            for e in by_org[int(obs.org[r])]:
                eobs.append(i)
                esup.append(int(obs.edge_sup[e]))
                esnap.append(int(obs.snap[r]))
                eg.append(obs.edge_g[e])
        self.eobs = np.array(eobs, dtype=int)
        self.esup = np.array(esup, dtype=int)
        self.esnap = np.array(esnap, dtype=int)
        self.eg = np.array(eg, dtype=float)
        self.kinks = np.unique(obs.cap / self.eg) if len(self.eg) else np.array([])
        self.m = len(dep_rows)

    def fixed_point(self, s: float, k: int) -> np.ndarray:
        obs = self.obs
        pint = self.pint[k]
        c = np.minimum(obs.cap, s * obs.edge_g)
        p = pint.copy()
        N = len(pint)
        for _ in range(obs.base["supply_chain"]["max_sweeps"]):
            prod = np.ones(N)
            np.multiply.at(prod, obs.edge_org, 1.0 - c * p[obs.edge_sup])
            new = 1.0 - (1.0 - pint) * prod
            change = float(np.max(np.abs(new - p))) if N else 0.0
            p = new
            if change < obs.base["supply_chain"]["tolerance"]:
                break
        return p

    def supplier_p(self, s: float) -> np.ndarray:
        """P̂_j(s; t) for every edge of every dependent observation."""
        fps = {k: self.fixed_point(s, k) for k in self.snaps}
        out = np.empty(len(self.eobs))
        for k in self.snaps:
            sel = self.esnap == k
            out[sel] = fps[k][self.esup[sel]]
        return out

    def _lnQ(self, sigma, P, active=None):
        c = np.minimum(self.obs.cap, sigma * self.eg)
        if active is not None:
            c = np.where(active, sigma * self.eg, self.obs.cap)
        return np.bincount(self.eobs, weights=np.log1p(-c * P), minlength=self.m)

    def ell(self, sigma, P, active=None) -> float:
        lnQ = self._lnQ(sigma, P, active)
        with np.errstate(divide="ignore"):
            l1 = np.log(-np.expm1(lnQ))
        return float(np.sum(np.where(self.y == 1, l1, lnQ)))

    def dell(self, sigma, P, active) -> float:
        a = np.where(active, sigma * self.eg, self.obs.cap) * P
        ap = np.where(active, self.eg * P, 0.0)
        D1 = np.bincount(self.eobs, weights=ap / (1 - a), minlength=self.m)
        lnQ = np.bincount(self.eobs, weights=np.log1p(-a), minlength=self.m)
        Q = np.exp(lnQ)
        one_minus_q = -np.expm1(lnQ)
        if np.any((self.y == 1) & (one_minus_q <= 0.0)):
            return math.inf  # an event the model gives probability 0: ℓ rises from -∞
        with np.errstate(divide="ignore", invalid="ignore"):
            d1 = np.where(self.y == 1, Q * D1 / one_minus_q, -D1)
        return float(np.sum(d1))

    def G(self, s: float) -> float:
        """The smallest maximiser of ℓ_sup(σ; s) over [0, 10], piece by piece."""
        P = self.supplier_p(s)
        bounds = [0.0] + [k for k in self.kinks.tolist() if 0.0 < k < 10.0] + [10.0]
        kink_e = self.obs.cap / self.eg
        best, best_sigma = -math.inf, None
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            active = kink_e > lo  # c_e = σ g_e on this piece, else the cap
            if self.dell(lo, P, active) <= 0:
                sig = lo
            elif self.dell(hi, P, active) >= 0:
                sig = hi
            else:
                a, b = lo, hi
                while b - a > 1e-14 * max(1.0, b):
                    mid = 0.5 * (a + b)
                    if mid <= a or mid >= b:
                        break
                    if self.dell(mid, P, active) > 0:
                        a = mid
                    else:
                        b = mid
                sig = 0.5 * (a + b)
            v = self.ell(sig, P, active)
            if v > best:
                best, best_sigma = v, sig
        return best_sigma if best_sigma is not None else 0.0

    def solve(self):
        """ŝ = the smallest s in [0, 10] with s >= G(s)."""
        if self.m == 0:
            return None
        g0 = self.G(0.0)
        if g0 <= 0.0:
            return 0.0, True
        lo, hi = 0.0, 10.0
        g1 = self.G(1.0)
        if 1.0 - g1 < 0:
            lo = 1.0
            if g1 < hi:
                hi = g1
        else:
            hi = 1.0
            if g1 > lo and g1 - self.G(g1) < 0:
                lo = g1
        while hi - lo > 1e-13:
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            if mid - self.G(mid) < 0:
                lo = mid
            else:
                hi = mid
        s = hi
        return s, abs(s - self.G(s)) <= 1e-10

    def information(self, s: float):
        P = self.supplier_p(s)
        a = np.minimum(self.obs.cap, s * self.eg) * P
        ap = np.where(s * self.eg < self.obs.cap, self.eg * P, 0.0)
        D1 = np.bincount(self.eobs, weights=ap / (1 - a), minlength=self.m)
        D2 = np.bincount(self.eobs, weights=(ap / (1 - a)) ** 2, minlength=self.m)
        lnQ = np.bincount(self.eobs, weights=np.log1p(-a), minlength=self.m)
        Q = np.exp(lnQ)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = Q / -np.expm1(lnQ)
            d1 = np.where(self.y == 1, r * D1, -D1)
            d2 = np.where(self.y == 1, -r * (D1**2 - D2) - (r * D1) ** 2, -D2)
        info = -float(np.sum(d2))
        se = info ** -0.5 if info > 0 and math.isfinite(info) else None
        groups = self.obs.org[self.rows]
        uniq, inv = np.unique(groups, return_inverse=True)
        Gc = len(uniq)
        se_c = None
        if se is not None and Gc >= 2:
            u = np.bincount(inv, weights=d1)
            se_c = math.sqrt((Gc / (Gc - 1)) * float(np.sum(u * u))) / info
            if not math.isfinite(se_c):
                se_c = None
        return se, se_c


# ---- the fitted methodology and its predictions


def weight_sum(meth: dict) -> float:
    return riskref.Model(meth).W


def fitted_methodology(base: dict, level: str, est: dict, prov: dict) -> dict:
    m = copy.deepcopy(base)
    m["id"] = base["id"] + "-fitted"
    if level == "intercept":
        m["recalibration"] = {"intercept": est["delta"], "slope": 1.0}
    elif level == "recalibrate":
        m["recalibration"] = {"intercept": est["a"], "slope": est["b"]}
    elif level == "refit":
        model = riskref.Model(base)
        m["model"]["intercept"] = est["b0"]
        for f, w in zip(m["factors"], est["w"]):
            f["weight"] = w
        for c in m["supply_chain"]["criticality"]:
            m["supply_chain"]["criticality"][c] = est["s"] * base["supply_chain"]["criticality"][c]
        m["prior_anchor"] = {"intercept": model.anchor_b0, "weight_sum": model.anchor_W}
    m["calibration"] = prov
    return m


def meth_key(meth: dict) -> str:
    return json.dumps({k: v for k, v in meth.items() if k != "calibration"}, sort_keys=True)


class Predictions:
    """P, P_int, P_supply of a methodology for a set of observation rows."""

    def __init__(self, p, p_int, p_sup):
        self.p, self.p_int, self.p_sup = p, p_int, p_sup


def predictions(obs: Observations, meth: dict | None, rows: np.ndarray, level: str,
                est: dict | None, cache: dict) -> Predictions:
    if meth is None or level == "none":
        return Predictions(obs.p[rows], obs.p_int[rows], obs.p_sup[rows])
    if level in ("intercept", "recalibrate"):
        a, b = (est["delta"], 1.0) if level == "intercept" else (est["a"], est["b"])
        x = logit_arr(obs.p[rows])
        return Predictions(expit(a + b * x), obs.p_int[rows], obs.p_sup[rows])
    key = meth_key(meth)
    if key not in cache:
        model = riskref.Model(meth)
        cache[key] = (meth, {t: Snapshot(obs.portfolio, model, t) for t in obs.observed})
    states = cache[key][1]
    p = np.array([states[obs.observed[obs.snap[r]]].p[obs.org[r]] for r in rows])
    pi = np.array([states[obs.observed[obs.snap[r]]].pint[obs.org[r]] for r in rows])
    ps = np.array([states[obs.observed[obs.snap[r]]].psup[obs.org[r]] for r in rows])
    return Predictions(p, pi, ps)


def check_range(p):
    if np.any(p <= 0.0) or np.any(p >= 1.0):
        raise CalError("fit", "prediction_out_of_range")


def design_effect(x, y, groups) -> float:
    try:
        r = fit_intercept(x, y, groups)
    except CalError as e:
        if e.category == "degenerate_outcomes":
            return 1.0
        raise
    if r["se_cluster"] is None:
        return 1.0
    return max(1.0, (r["se_cluster"] / r["se"]) ** 2)


def run_fit(obs: Observations, rows: np.ndarray, cfg: dict, digest: str, cache: dict):
    """The fit of section 3 on the given observation rows: (fit block, fitted methodology)."""
    base = obs.base
    if base.get("recalibration") is not None:
        raise CalError("fit", "base_has_recalibration")
    n = len(rows)
    if n == 0:
        raise CalError("fit", "no_observations")
    requested = cfg["level"]
    y, yi, ys = obs.y[rows], obs.y_int[rows], obs.y_sup[rows]
    p = obs.p[rows]
    check_range(p)
    x = logit_arr(p)
    groups = obs.org[rows]
    D = design_effect(x, y, groups)
    model = obs.model
    todo = ["intercept", "recalibrate", "refit"] if requested == "auto" else [requested]
    levels: dict = {}
    lls = {"original": loglik_p(p, y)}
    est: dict = {}
    fitted_meths: dict = {}
    if "intercept" in todo:
        r = fit_intercept(x, y, groups)
        est["intercept"] = r
        levels["intercept"] = {"delta": param(r["delta"], r["se"], r["se_cluster"], 0.0),
                               "loglik": r["loglik"]}
        lls["intercept"] = r["loglik"]
    if "recalibrate" in todo:
        r = fit_recalibrate(x, y, groups)
        est["recalibrate"] = r
        levels["recalibrate"] = {"a": param(r["a"], r["se_a"], r["sec_a"], 0.0),
                                 "b": param(r["b"], r["se_b"], r["sec_b"], 1.0),
                                 "cov_ab": r["cov_ab"], "loglik": r["loglik"]}
        lls["recalibrate"] = r["loglik"]
    if "refit" in todo:
        check_range(obs.p_int[rows])
        w0 = np.array(model.w)
        r = fit_refit(obs.x[rows], yi, groups, model.b0, w0, cfg["tau"])
        th = r["theta"]
        b0_hat, w_hat = float(th[0]), th[1:]
        cp = CouplingProblem(obs, rows, b0_hat, w_hat)
        solved = cp.solve()
        if solved is None:
            s_hat, consistent, estimable, s_se, s_sec = 1.0, True, False, None, None
        else:
            s_hat, consistent = solved
            estimable = True
            s_se, s_sec = cp.information(s_hat)
        unexplained = int(np.sum(ys[~obs.has_deps[obs.org[rows]]]))
        weights = []
        for k, fid in enumerate(model.factors):
            wk = float(w_hat[k])
            weights.append(dict({"factor": fid}, **param(
                wk, float(r["se"][k + 1]), _f(r["se_cluster"][k + 1]), float(w0[k]),
                lower_bound=True, at_bound=wk == 0.0)))
        cs = param(s_hat, s_se, s_sec, 1.0, lower_bound=True,
                   at_bound=estimable and (s_hat <= 0.0 or s_hat >= 10.0))
        cs.update({"n": cp.m, "events": int(cp.y.sum()), "unexplained_supplier_events": unexplained,
                   "estimable": estimable, "self_consistent": consistent})
        est["refit"] = {"b0": b0_hat, "w": [float(v) for v in w_hat], "s": s_hat,
                        "r": r, "cs": cs, "weights": weights}
        fm = fitted_methodology(base, "refit", est["refit"], {})
        fitted_meths["refit"] = fm
        pr = predictions(obs, fm, rows, "refit", None, cache)
        check_range(pr.p)
        l3 = loglik_p(pr.p, y)
        levels["refit"] = {
            "intercept": param(b0_hat, float(r["se"][0]), _f(r["se_cluster"][0]), model.b0),
            "weights": weights,
            "coupling_scale": cs,
            "optimiser": {"objective": r["objective"], "projected_gradient":
                          r["projected_gradient"], "loglik_internal": r["loglik_internal"],
                          "tau": cfg["tau"]},
            "loglik": l3,
        }
        lls["refit"] = l3
    closed = None
    if requested == "auto":
        l0, l1, l2, l3 = lls["original"], lls["intercept"], lls["recalibrate"], lls["refit"]
        tests = []
        chosen = None
        for against, lk, df, fallback in (("original", l0, 16, "none"), ("intercept", l1, 15,
                                                                      "intercept"),
                                          ("recalibrate", l2, 14, "recalibrate")):
            lr = 2.0 * (l3 - lk)
            T = lr / D
            pv = 1.0 if T <= 0 else float(chi2.sf(T, df))
            sig = pv < cfg["alpha"]
            tests.append({"against": against, "lr": lr, "statistic": T, "df": df,
                          "p_value": pv, "significant": sig})
            if chosen is None and not sig:
                chosen = fallback
        level = chosen or "refit"
        closed = {"design_effect": D, "tests": tests}
    else:
        level = requested
    E, Ei, Es = int(y.sum()), int(yi.sum()), int(ys.sum())
    fit = {
        "requested": requested,
        "level": level,
        "n": n,
        "events": E,
        "events_internal": Ei,
        "events_supplier": Es,
        "design_effect": D,
        "effective_events": {"overall": E / D, "internal": Ei / D, "supplier": Es / D},
        "loglik": lls,
        "levels": levels,
        "closed_test": closed,
    }
    # provenance and the fitted methodology
    params = []
    if level == "intercept":
        pd = levels["intercept"]["delta"]
        params.append(_prov("recalibration.intercept", pd))
    elif level == "recalibrate":
        params.append(_prov("recalibration.intercept", levels["recalibrate"]["a"]))
        params.append(_prov("recalibration.slope", levels["recalibrate"]["b"]))
    elif level == "refit":
        params.append(_prov("intercept", levels["refit"]["intercept"]))
        for wb in levels["refit"]["weights"]:
            params.append(_prov("weight." + wb["factor"], wb))
        params.append(_prov("coupling_scale", levels["refit"]["coupling_scale"]))
    snaps = sorted({int(t) for t in obs.t[rows]})
    prov = {
        "spec": SPEC, "base_methodology": base["id"], "level": level,
        "selected_by": "closed_test" if requested == "auto" else "config",
        "data_digest": digest, "n": n, "events": E, "events_internal": Ei, "events_supplier": Es,
        "snapshots": [iso(t) for t in snaps], "observed_until": iso(obs.cfg["observed_until"]),
        "horizon_days": H, "date": iso(obs.cfg["observed_until"]), "parameters": params,
        # the labelling of 3.6 quotes E/D "from the block", so the block carries D
        "design_effect": D,
    }
    if level == "refit":
        meth = fitted_methodology(base, "refit", est["refit"], prov)
        lest = est["refit"]
    elif level in ("intercept", "recalibrate"):
        meth = fitted_methodology(base, level, est[level], prov)
        lest = est[level]
    else:
        meth = fitted_methodology(base, "none", {}, prov)
        lest = None
    return fit, meth, level, lest


def _f(v):
    return None if v is None else float(v)


def _prov(name, pb):
    return {"name": name, "estimate": pb["estimate"], "original": pb["original"], "se": pb["se"],
            "se_cluster": pb["se_cluster"], "at_bound": pb["at_bound"]}


# ------------------------------------------------------------------------ section 4.1: metrics


def wilson(x, m):
    if m == 0:
        return None
    ph = x / m
    d = 1 + Z * Z / m
    centre = (ph + Z * Z / (2 * m)) / d
    half = (Z / d) * math.sqrt(ph * (1 - ph) / m + Z * Z / (4 * m * m))
    return [max(0.0, centre - half), min(1.0, centre + half)]


def psi_matrix(a, b):
    """ψ(a_i, b_j) = 1 if a > b + 1e-12, ½ if |a − b| ≤ 1e-12, 0 otherwise."""
    A, B = a[:, None], b[None, :]
    return np.where(A > B + TIE, 1.0, np.where(np.abs(A - B) <= TIE, 0.5, 0.0))


def auc_block(p, y):
    ev, ne = p[y == 1], p[y == 0]
    n1, n0 = len(ev), len(ne)
    if n1 == 0 or n0 == 0:
        return {"estimate": None, "se": None, "ci": None}
    V10 = np.zeros(n1)
    V01 = np.zeros(n0)
    chunk = max(1, 4_000_000 // max(n0, 1))
    for s in range(0, n1, chunk):
        M = psi_matrix(ev[s:s + chunk], ne)
        V10[s:s + chunk] = M.sum(axis=1)
        V01 += M.sum(axis=0)
    auc = float(V10.sum()) / (n1 * n0)
    V10 /= n0
    V01 /= n1
    if n1 < 2 or n0 < 2:
        return {"estimate": auc, "se": None, "ci": None}
    S10 = float(np.sum((V10 - auc) ** 2)) / (n1 - 1)
    S01 = float(np.sum((V01 - auc) ** 2)) / (n0 - 1)
    se = math.sqrt(S10 / n1 + S01 / n0)
    return {"estimate": auc, "se": se, "ci": [max(0.0, auc - Z * se), min(1.0, auc + Z * se)]}


def bins_of(p):
    n = len(p)
    sp = np.sort(p)
    L = np.array([int(np.sum(sp < pi - TIE)) for pi in p]) if n < 2000 else \
        np.searchsorted(sp, p - TIE, side="left")
    return (10 * L) // n


def metrics(p, y, groups, model: riskref.Model | None = None):
    n = len(p)
    E = int(y.sum())
    if n == 0:
        out = {"n": 0, "events": 0, "base_rate": None, "mean_predicted": None,
               "auc": {"estimate": None, "se": None, "ci": None},
               # n = 0 (no observation with P_supply > 0): the spec leaves the block's shape
               # open; whole blocks are null here, as in the Rust reports
               "brier": None, "murphy": None, "ece": None, "oe": None,
               "calibration_intercept": None, "calibration_slope": None, "reliability": []}
        if model is not None:
            out["bands"] = bands_block(p, y, model)
        return out
    ybar = E / n
    pbar = float(np.sum(p)) / n
    B = float(np.sum((p - y) ** 2)) / n
    Bref = ybar * (1 - ybar)
    b = bins_of(p)
    rel = res = wbv = wbc = ece = 0.0
    reliability = []
    for k in range(10):
        sel = b == k
        nb = int(sel.sum())
        if nb == 0:
            continue
        pb, yb = p[sel], y[sel]
        xb = int(yb.sum())
        pm = float(np.sum(pb)) / nb
        om = xb / nb
        rel += nb * (pm - om) ** 2
        res += nb * (om - ybar) ** 2
        wbv += float(np.sum((pb - pm) ** 2))
        wbc += float(np.sum((pb - pm) * (yb - om)))
        ece += nb / n * abs(om - pm)
        reliability.append({"bin": k + 1, "n": nb, "events": xb, "p_min": float(pb.min()),
                            "p_max": float(pb.max()), "mean_predicted": pm, "observed": om,
                            "observed_ci": wilson(xb, nb)})
    murphy = {"reliability": rel / n, "resolution": res / n, "uncertainty": Bref,
              "within_bin_variance": wbv / n, "within_bin_covariance": 2 * wbc / n, "brier": B}
    sp = float(np.sum(p))
    oe = {"observed": E, "expected": sp, "ratio": E / sp,
          "ci": None if E == 0 else [E / sp * math.exp(-Z / math.sqrt(E)),
                                     E / sp * math.exp(Z / math.sqrt(E))]}
    cal_i = cal_s = None
    if 0 < E < n:
        x = logit_arr(p)
        try:
            r = fit_intercept(x, y, groups, "report")
            cal_i = param(r["delta"], r["se"], r["se_cluster"], 0.0)
        except CalError:
            cal_i = None
        if not np.all(x == x[0]):
            try:
                r = fit_recalibrate(x, y, groups, "report", check_slope=False)
                cal_s = param(r["b"], r["se_b"], r["sec_b"], 1.0)
                cal_s["intercept"] = r["a"]
            except CalError:
                cal_s = None
    out = {
        "n": n, "events": E, "base_rate": ybar, "mean_predicted": pbar,
        "auc": auc_block(p, y),
        "brier": {"score": B, "reference": Bref, "skill": None if Bref == 0 else 1 - B / Bref},
        "murphy": murphy, "ece": ece, "oe": oe,
        "calibration_intercept": cal_i, "calibration_slope": cal_s,
        "reliability": reliability,
    }
    if model is not None:
        out["bands"] = bands_block(p, y, model)
    return out


def bands_block(p, y, model: riskref.Model):
    names = [model.band(model.score(float(v))) for v in p]
    rows = []
    for band in BAND_NAMES:
        sel = np.array([nm == band for nm in names], dtype=bool) if len(p) else np.zeros(0, bool)
        nb = int(sel.sum())
        xb = int(y[sel].sum()) if nb else 0
        rows.append({"band": band, "n": nb, "events": xb,
                     "observed": xb / nb if nb else None, "observed_ci": wilson(xb, nb),
                     "mean_predicted": float(np.sum(p[sel])) / nb if nb else None,
                     "relative_risk": None, "relative_risk_ci": None, "corrected": False,
                     "reference": False})
    ref = next((r for r in rows if r["n"] > 0), None)
    if ref is not None:
        ref["reference"] = True
        ref["relative_risk"] = 1.0
        for r in rows:
            if r is ref or r["n"] == 0:
                continue
            xb, nb, xr, nr = r["events"], r["n"], ref["events"], ref["n"]
            if xb == 0 or xr == 0:
                xb, nb, xr, nr = xb + 0.5, nb + 1, xr + 0.5, nr + 1
                r["corrected"] = True
            rr = (xb / nb) / (xr / nr)
            se = math.sqrt(1 / xb - 1 / nb + 1 / xr - 1 / nr)
            r["relative_risk"] = rr
            r["relative_risk_ci"] = [rr * math.exp(-Z * se), rr * math.exp(Z * se)]
    return rows


def validation_block(obs: Observations, rows: np.ndarray, pr: Predictions, meth_id: str):
    groups = obs.org[rows]
    sup = pr.p_sup > 0
    return {
        "methodology": meth_id,
        "overall": metrics(pr.p, obs.y[rows], groups, obs.model),
        "components": {
            "internal": metrics(pr.p_int, obs.y_int[rows], groups),
            "supply": metrics(pr.p_sup[sup], obs.y_sup[rows][sup], groups[sup]),
        },
    }


# ------------------------------------------------------------------------ section 4.4: the report


def methodology_summary(meth: dict) -> dict:
    return {
        "id": meth["id"],
        "intercept": meth["model"]["intercept"],
        "weights": [{"factor": f["id"], "weight": f["weight"]} for f in meth["factors"]],
        "coupling_bases": dict(meth["supply_chain"]["criticality"]),
        "recalibration": meth.get("recalibration"),
        "prior_anchor": meth.get("prior_anchor"),
        "calibration": meth.get("calibration"),
    }


def calibrate(raw_portfolio: bytes, raw_incidents: bytes, raw_config: bytes,
              base: dict | None = None, evaluate: bool = False):
    """The report (section 4.4) and the fitted methodology (or None)."""
    problems = riskref.validate(raw_portfolio)
    if problems:
        code, path = problems[0]
        raise CalError("portfolio", code, path)
    portfolio = parse_json(raw_portfolio, "portfolio")
    inc_doc = parse_json(raw_incidents, "incidents")
    records, warnings = validate_incidents(inc_doc, portfolio)
    cfg_doc = parse_json(raw_config, "config")
    cfg = validate_config(cfg_doc, portfolio)
    base = base or riskref.load_methodology()
    digest = data_digest([raw_portfolio, raw_incidents, raw_config])
    obs = Observations(portfolio, records, cfg, base)
    if obs.n == 0:
        raise CalError("fit", "no_observations")
    check_range(obs.p)
    design = dict(obs.design, warnings=warnings)
    rows = np.arange(obs.n)
    cache: dict = {}
    original = validation_block(obs, rows, Predictions(obs.p, obs.p_int, obs.p_sup), base["id"])
    report = {"spec": SPEC, "data_digest": digest, "design": design, "fit": None,
              "validation": {"original": original, "fitted": None}, "backtest": None,
              "methodology": None}
    if evaluate:
        return report, None
    fit, meth, level, lest = run_fit(obs, rows, cfg, digest, cache)
    report["fit"] = fit
    pr = predictions(obs, meth, rows, level, lest, cache)
    report["validation"]["fitted"] = validation_block(obs, rows, pr, meth["id"])
    report["methodology"] = methodology_summary(meth)
    if cfg["split"] is not None:
        train = rows[obs.t < cfg["split"]]
        test = rows[obs.t >= cfg["split"]]
        if len(train) == 0 or len(test) == 0:
            raise CalError("fit", "empty_split")
        bfit, bmeth, blevel, blest = run_fit(obs, train, cfg, digest, cache)
        yt = obs.y[train]
        report["backtest"] = {
            "split": iso(cfg["split"]),
            "train": {"n": int(len(train)), "events": int(yt.sum()),
                      "last_outcome_date": iso(int(obs.t[train].max()) + H),
                      # 4.3 "the report says so": strictly prospective iff split >= t + H
                      "prospective": cfg["split"] >= int(obs.t[train].max()) + H},
            "fit": bfit,
            "original": validation_block(obs, test, Predictions(
                obs.p[test], obs.p_int[test], obs.p_sup[test]), base["id"]),
            "fitted": validation_block(obs, test, predictions(obs, bmeth, test, blevel, blest,
                                                              cache), bmeth["id"]),
        }
    return report, meth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("portfolio")
    ap.add_argument("incidents")
    ap.add_argument("config")
    ap.add_argument("--methodology")
    ap.add_argument("--out-methodology")
    ap.add_argument("--evaluate", action="store_true")
    ap.add_argument("--report")
    a = ap.parse_args(argv)
    raws = []
    for path in (a.portfolio, a.incidents, a.config):
        with open(path, "rb") as f:
            raws.append(f.read())
    base = None
    if a.methodology:
        with open(a.methodology, encoding="utf-8-sig") as f:
            base = json.load(f)
    try:
        report, meth = calibrate(*raws, base=base, evaluate=a.evaluate)
    except CalError as e:
        # as the Rust example: "CATEGORY PATH" on stdout, a sentence on stderr
        print(f"{e.category} {e.path}")
        print(f"{e.path or '(document)'}: rejected ({e.document}: {e.category})", file=sys.stderr)
        return 2
    if a.out_methodology and meth is not None:
        with open(a.out_methodology, "w", encoding="utf-8") as f:
            json.dump(meth, f, indent=1, ensure_ascii=False)
            f.write("\n")
    if a.report:
        with open(a.report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, ensure_ascii=False)
            f.write("\n")
    else:
        v = report["validation"]["original"]["overall"]
        print(f"observations {v['n']}, events {v['events']}, AUC {v['auc']['estimate']}")
        if report["fit"]:
            print(f"level {report['fit']['level']} (requested {report['fit']['requested']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
