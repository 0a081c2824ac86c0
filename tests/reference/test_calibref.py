"""Self-checks of calibref.py against alternative formulas (no Rust needed).

Each check recomputes a figure another way: AUC by the rank formula (scipy's Mann-Whitney U)
against the spec's pairwise definition, DeLong's variance by midranks, the Murphy identity, the
intercept and recalibration fits by scipy minimisation of the log-likelihood with an offset and
their se by numerical second derivatives, the refit's KKT conditions and a second optimiser,
the coupling scale's G(s) by a grid, the fitted methodology rated by riskref (spec R5), the
snapshot rule's example, Wilson and Katz by hand, and the invariances of spec 5.2.

Usage: python test_calibref.py        (exit 1 on a failure)
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import math
import os
import random
import sys

import numpy as np
from scipy import optimize
from scipy.special import expit
from scipy.stats import mannwhitneyu, rankdata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import calibration_toyworld  # noqa: E402
import calibref  # noqa: E402
import riskref  # noqa: E402

FAILURES: list[str] = []


def check(cond: bool, what: str):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def test_snapshots():
    s = _dt.date(2023, 1, 31)
    got = [calibref.add_months(s, k).isoformat() for k in range(4)]
    check(got == ["2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30"],
          f"add_months example of spec 2.1: {got}")
    check(calibref.add_months(_dt.date(2024, 2, 29), 12).isoformat() == "2025-02-28",
          "add_months clamps 29 February")


def test_auc_and_delong():
    rng = np.random.default_rng(3)
    for ties in (False, True):
        p = rng.uniform(0.01, 0.6, 300)
        if ties:
            p = np.round(p, 2)
        y = (rng.uniform(size=300) < p).astype(float)
        a = calibref.auc_block(p, y)
        u = mannwhitneyu(p[y == 1], p[y == 0]).statistic
        n1, n0 = int(y.sum()), int(len(y) - y.sum())
        check(close(a["estimate"], u / (n1 * n0), 1e-12),
              f"AUC pairwise = Mann-Whitney U/(n1 n0) (ties={ties}): {a['estimate']:.12f}")
        # DeLong by midranks (Sun & Xu)
        r_all = rankdata(p)
        r1 = rankdata(p[y == 1])
        r0 = rankdata(p[y == 0])
        V10 = (r_all[y == 1] - r1) / n0
        V01 = 1 - (r_all[y == 0] - r0) / n1
        check(close(float(np.mean(V10)), a["estimate"], 1e-12), "AUC as the mean of V10")
        se = math.sqrt(np.var(V10, ddof=1) / n1 + np.var(V01, ddof=1) / n0)
        check(close(a["se"], se, 1e-12), f"DeLong se by midranks (ties={ties}): {a['se']:.12f}")


def test_murphy_bins_ece():
    rng = np.random.default_rng(5)
    for n, ties in ((25, False), (1000, False), (400, True)):
        p = rng.uniform(0.01, 0.5, n)
        if ties:
            p = np.round(p, 2)
        y = (rng.uniform(size=n) < p).astype(float)
        g = np.arange(n) % 37
        m = calibref.metrics(p, y, g)
        mu = m["murphy"]
        ident = mu["reliability"] - mu["resolution"] + mu["uncertainty"] + \
            mu["within_bin_variance"] - mu["within_bin_covariance"]
        check(abs(ident - m["brier"]["score"]) <= 1e-12,
              f"Murphy identity n={n} ties={ties}: {abs(ident - m['brier']['score']):.2e}")
        check(sum(b["n"] for b in m["reliability"]) == n, f"bins hold every prediction n={n}")
        if n == 25:
            sizes = [b["n"] for b in m["reliability"]]
            check(sizes == [3, 2, 3, 2, 3, 2, 3, 2, 3, 2], f"bin sizes for n = 25: {sizes}")
        if ties:
            # a tied group is never split
            where: dict = {}
            b = calibref.bins_of(p)
            ok = all(where.setdefault(v, k) == k for v, k in zip(p.tolist(), b.tolist()))
            check(ok, "tied predictions share a bin")
        ece = sum(r["n"] / n * abs(r["observed"] - r["mean_predicted"]) for r in m["reliability"])
        check(close(ece, m["ece"], 1e-12), "ECE from the reliability rows")


def nll_offset(theta, x, y):
    eta = theta[0] + (theta[1] if len(theta) > 1 else 1.0) * x
    return float(np.sum(np.logaddexp(0, eta) - y * eta))


def num_hessian(f, th, h=1e-4):
    k = len(th)
    Hm = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            Hm[i, j] = (f(th + e_i + e_j) - f(th + e_i - e_j) - f(th - e_i + e_j)
                        + f(th - e_i - e_j)) / (4 * h * h)
    return Hm


def test_intercept_and_recalibration():
    rng = np.random.default_rng(11)
    n = 800
    p = rng.uniform(0.02, 0.5, n)
    y = (rng.uniform(size=n) < expit(0.3 + 1.2 * calibref.logit_arr(p))).astype(float)
    g = np.arange(n) // 8
    x = calibref.logit_arr(p)
    r = calibref.fit_intercept(x, y, g)
    res = optimize.minimize_scalar(lambda d: nll_offset([d], x, y), bounds=(-3, 3),
                                   method="bounded", options={"xatol": 1e-12})
    check(abs(r["delta"] - res.x) < 1e-7, f"intercept δ̂ vs scipy: {r['delta']:.10f} {res.x:.10f}")
    Hm = num_hessian(lambda t: nll_offset(t, x, y), np.array([r["delta"]]))
    check(close(r["se"], Hm[0, 0] ** -0.5, 1e-6), "intercept se = numerical curvature^-1/2")
    # clustered se with one observation per cluster: sqrt(G/(G-1) Σ (y-q)^2)/I
    g1 = np.arange(n)
    r1 = calibref.fit_intercept(x, y, g1)
    q = expit(x + r1["delta"])
    check(close(r1["se_cluster"], math.sqrt(n / (n - 1) * np.sum((y - q) ** 2))
                / np.sum(q * (1 - q)), 1e-12), "cluster se with singleton clusters")
    rr = calibref.fit_recalibrate(x, y, g)
    res = optimize.minimize(lambda t: nll_offset(t, x, y), [0.0, 1.0], method="BFGS",
                            options={"gtol": 1e-10})
    check(np.max(np.abs(res.x - [rr["a"], rr["b"]])) < 1e-6,
          f"recalibration (â, b̂) vs scipy: {rr['a']:.8f} {rr['b']:.8f} / {res.x}")
    Hm = np.linalg.inv(num_hessian(lambda t: nll_offset(t, x, y), np.array([rr["a"], rr["b"]])))
    check(close(rr["se_b"], math.sqrt(Hm[1, 1]), 1e-5) and close(rr["cov_ab"], Hm[0, 1], 1e-4),
          "recalibration se and cov from the numerical Hessian")
    # the sandwich by a direct double loop
    X = np.column_stack([np.ones(n), x])
    qq = expit(rr["a"] + rr["b"] * x)
    J = sum(qq[i] * (1 - qq[i]) * np.outer(X[i], X[i]) for i in range(n))
    M = np.zeros((2, 2))
    for c in np.unique(g):
        u = sum((y[i] - qq[i]) * X[i] for i in np.where(g == c)[0])
        M += np.outer(u, u)
    G = len(np.unique(g))
    V = G / (G - 1) * np.linalg.inv(J) @ M @ np.linalg.inv(J)
    check(close(rr["sec_b"], math.sqrt(V[1, 1]), 1e-10), "recalibration se_cluster by loops")
    try:
        calibref.fit_recalibrate(x, 1 - y, g)
        check(False, "slope_not_positive raised")
    except calibref.CalError as e:
        check(e.category == "slope_not_positive", f"reversed outcomes: {e.category}")


def test_wilson_katz():
    lo, hi = calibref.wilson(0, 10)
    check(abs(lo) < 1e-15 and abs(hi - 0.27753279986288) < 1e-10, f"Wilson 0/10: {lo} {hi}")
    lo, hi = calibref.wilson(5, 10)
    check(abs(lo - 0.23659309) < 1e-8 and abs(hi - 0.76340691) < 1e-8, f"Wilson 5/10: {lo} {hi}")
    model = riskref.Model(riskref.load_methodology())
    # band A (p = 0.02) reference 2/50; band F (p = 0.5) 10/20
    p = np.array([0.02] * 50 + [0.5] * 20)
    y = np.array([1.0] * 2 + [0.0] * 48 + [1.0] * 10 + [0.0] * 10)
    rows = calibref.bands_block(p, y, model)
    f = rows[5]
    rr = (10 / 20) / (2 / 50)
    se = math.sqrt(1 / 10 - 1 / 20 + 1 / 2 - 1 / 50)
    check(rows[0]["reference"] and close(f["relative_risk"], rr, 1e-12)
          and close(f["relative_risk_ci"][1], rr * math.exp(calibref.Z * se), 1e-12),
          "Katz relative risk F vs A by hand")
    y2 = y.copy()
    y2[:2] = 0
    f2 = calibref.bands_block(p, y2, model)[5]
    check(f2["corrected"] and close(f2["relative_risk"], (10.5 / 21) / (0.5 / 51), 1e-12),
          "Katz with a zero reference: +0.5 / +1 correction")


def toy(seed=2, n=50):
    port, inc, cfg = calibration_toyworld.world(seed, n)
    cfg = dict(cfg, split=None)
    return port, inc, cfg


def raw(doc):
    return json.dumps(doc).encode()


def test_refit_and_coupling():
    port, inc, cfg = toy()
    cfg["level"] = "refit"
    records, _ = calibref.validate_incidents(inc, port)
    c = calibref.validate_config(cfg, port)
    base = riskref.load_methodology()
    obs = calibref.Observations(port, records, c, base)
    rows = np.arange(obs.n)
    model = obs.model
    r = calibref.fit_refit(obs.x, obs.y_int, obs.org, model.b0, np.array(model.w), 0.5)
    th = r["theta"]
    # KKT by hand
    Xt = np.column_stack([np.ones(obs.n), obs.x])
    g = Xt.T @ (expit(Xt @ th) - obs.y_int)
    g[1:] += (th[1:] - np.array(model.w)) / 0.25
    kkt = max(abs(g[0]), max(abs(g[k]) if th[k] > 0 else max(0.0, -g[k])
                             for k in range(1, len(th))))
    check(kkt <= 1e-8, f"refit KKT projected gradient {kkt:.2e}")
    # a second optimiser from another start
    alt = optimize.minimize(
        lambda t: float(np.sum(np.logaddexp(0, Xt @ t) - obs.y_int * (Xt @ t)))
        + float(np.sum((t[1:] - model.w) ** 2)) / 0.5, np.concatenate([[-3.0], np.ones(14)]),
        method="trust-constr", bounds=optimize.Bounds([-np.inf] + [0] * 14, [np.inf] * 15),
        options={"gtol": 1e-11, "xtol": 1e-14, "maxiter": 5000})
    check(np.max(np.abs(alt.x - th)) < 1e-4, f"refit θ̂ vs trust-constr: "
          f"{np.max(np.abs(alt.x - th)):.2e}")
    cp = calibref.CouplingProblem(obs, rows, float(th[0]), th[1:])
    s_hat, consistent = cp.solve()
    # G(s) by grid search against the piecewise maximiser
    for s in (0.5, 1.0, s_hat):
        P = cp.supplier_p(s)
        grid = np.linspace(0, 10, 4001)
        vals = [cp.ell(v, P) for v in grid]
        gbest = grid[int(np.argmax(vals))]
        G = cp.G(s)
        check(abs(G - gbest) <= 3e-3 and cp.ell(G, P) >= max(vals) - 1e-9,
              f"G({s:.4f}) = {G:.6f} vs grid {gbest:.4f}")
    check(consistent and abs(s_hat - cp.G(s_hat)) <= 1e-10, f"ŝ = {s_hat:.10f} self-consistent")
    # R5: the fitted methodology rated by riskref
    est = {"b0": float(th[0]), "w": [float(v) for v in th[1:]], "s": s_hat}
    meth = calibref.fitted_methodology(base, "refit", est, {})
    worst_int = worst_sup = 0.0
    fps = {k: cp.fixed_point(s_hat, k) for k in cp.snaps}
    for k, t in enumerate(obs.observed):
        rated = riskref.rate(dict(port, as_of=calibref.iso(t)), meth)["ratings"]
        pint = expit(th[0] + (1 - obs.snap_state[t].mu) @ th[1:])
        for i, rt in enumerate(rated):
            worst_int = max(worst_int, abs(rt["internal_probability"] - pint[i]))
            q = 1.0
            for e in np.where(obs.edge_org == i)[0]:
                q *= 1 - min(obs.cap, s_hat * obs.edge_g[e]) * fps[k][obs.edge_sup[e]]
            worst_sup = max(worst_sup, abs(rt["supply_probability"] - (1 - q)))
    check(worst_int <= 1e-12, f"R5 P_int of the fitted methodology: {worst_int:.2e}")
    check(worst_sup <= 1e-12, f"R5 P_supply = 1 - Q(ŝ; ŝ): {worst_sup:.2e}")


def test_invariances():
    port, inc, cfg = toy(4, 40)
    cfg["level"] = "auto"
    a, _ = calibref.calibrate(raw(port), raw(inc), raw(cfg))
    rng = random.Random(1)
    port2 = copy.deepcopy(port)
    rng.shuffle(port2["organisations"])
    for o in port2["organisations"]:
        for k in ("assessments", "metrics", "findings", "dependencies"):
            if o.get(k):
                rng.shuffle(o[k])
    inc2 = copy.deepcopy(inc)
    rng.shuffle(inc2["incidents"])
    inc2["incidents"].append({"id": "extra", "organisation": port["organisations"][0]["id"],
                              "occurred_on": "2023-05-05", "origin": "internal",
                              "material": False})
    b, _ = calibref.calibrate(raw(port2), raw(inc2), raw(cfg))
    for r in (a, b):
        r["data_digest"] = None
        r["methodology"]["calibration"]["data_digest"] = None
        r["design"]["warnings"] = None
        r["design"]["incidents"] = None
    diffs: list = []

    def walk(x, y, path):
        if isinstance(x, dict):
            for k in x:
                walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y):
                diffs.append(path)
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, f"{path}[{i}]")
        elif isinstance(x, float) and isinstance(y, float):
            if abs(x - y) > 1e-9 * max(1, abs(x)):
                diffs.append(path)
        elif x != y:
            diffs.append(path)
    walk(a, b, "")
    check(not diffs, f"reordering and a non-material incident change no figure {diffs[:5]}")


def test_digest():
    parts = [b"{}", b'{"incidents": []}', b"x" * 12]
    want = "sha256:" + __import__("hashlib").sha256(
        b"riskrating-calibration-v1\n2\n{}17\n{\"incidents\": []}12\n" + b"x" * 12).hexdigest()
    check(calibref.data_digest(parts) == want, "data digest layout of spec 2.5")


def main() -> int:
    for t in (test_snapshots, test_digest, test_auc_and_delong, test_murphy_bins_ece,
              test_intercept_and_recalibration, test_wilson_katz, test_refit_and_coupling,
              test_invariances):
        t()
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
