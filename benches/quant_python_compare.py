#!/usr/bin/env python3
"""Loss quantification through the Python API, side by side in one run: riskrating, pyfair
0.1a13 and numpy's modern Generator.beta, all doing the same Open FAIR model.

    python3 benches/quant_python_compare.py [--n 1000000] [--repeat 7] [--out target/bench/quant_python.json]

Model: Loss Event Frequency ~ BetaPERT(0.1, 0.5, 2), Loss Magnitude ~ BetaPERT(£10k, £50k, £1M),
γ = 4, pyfair's moment-matched Beta parameters; Risk = LEF × LM per trial (riskrating's
`mode="expected"` with `pert_pyfair`).

Each contender runs in its own subprocess of target/pyfair-venv (created here: pyfair, scipy,
and the riskrating wheel from target/wheels, built by maturin if missing) so thread settings are
clean:
  * pyfair:      FairModel(...); input_data x2; calculate_all(); export_results()['Risk']
  * numpy:       rng = np.random.default_rng(42); low + (high − low)·rng.beta(α, β, N), twice; product
  * riskrating:  riskrating.quant.simulate([...], n=N, seed=42, mode="expected").losses
                 once with RAYON_NUM_THREADS=1 (single-threaded) and once with 2 threads.
All BLAS/OpenMP pools are pinned to one thread. Times are per call (one call per iteration),
`--repeat` iterations; reported: median and min–max of CPU time (process_time: all threads of
the process) and wall time, plus the load average before and after.

Same model, not just the same mean: from one N-trial sample of each, the mean, sd, p50, p95 and
p99 of riskrating are compared with pyfair's and numpy's, each statistic's standard error taken
from batch means (40 batches); every |z| must be ≤ 4. A two-sample Kolmogorov–Smirnov test
(scipy.stats.ks_2samp) must give p ≥ 0.001. The script exits 1 when any check fails.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "pyfair-venv"
PY = VENV / "bin" / "python"
LEF = {"low": 0.1, "mode": 0.5, "high": 2.0}
LM = {"low": 10_000.0, "mode": 50_000.0, "high": 1_000_000.0}
SEED = 42
BATCHES = 40
Z_MAX = 4.0
KS_P_MIN = 1e-3


def pyfair_params(low, mode, high, gamma=4.0):
    mean = (low + gamma * mode + high) / (gamma + 2)
    sd = (high - low) / (gamma + 2)
    a = (mean - low) / (high - low) * ((mean - low) * (high - mean) / sd**2 - 1)
    return a, a * (high - mean) / (mean - low)


def run_one(which, n, repeat, samples_path):
    """Runs in the venv: time `which` `repeat` times, save the last sample, print JSON."""
    import time

    import numpy as np

    def call():
        if which == "pyfair":
            import pyfair

            m = pyfair.FairModel(name="bench", n_simulations=n, random_seed=SEED)
            m.input_data("Loss Event Frequency", **LEF)
            m.input_data("Loss Magnitude", **LM)
            m.calculate_all()
            return m.export_results()["Risk"].to_numpy()
        if which == "numpy":
            rng = np.random.default_rng(SEED)
            out = None
            for d in (LEF, LM):
                a, b = pyfair_params(d["low"], d["mode"], d["high"])
                x = d["low"] + (d["high"] - d["low"]) * rng.beta(a, b, n)
                out = x if out is None else out * x
            return out
        import riskrating

        sim = riskrating.quant.simulate(
            [{"name": "pyfair model",
              "frequency": {"lef": {"type": "pert_pyfair", **LEF}},
              "primary_loss": {"type": "pert_pyfair", **LM}}],
            n=n, seed=SEED, mode="expected")
        return sim.losses

    call()  # warm-up: imports, first allocation
    cpu, wall = [], []
    x = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        x = call()
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append(c1 - c0)
        wall.append(w1 - w0)
    np.save(samples_path, np.asarray(x, dtype=np.float64))
    print(json.dumps({"cpu": cpu, "wall": wall}))


def ensure_venv():
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    if subprocess.run([str(PY), "-c", "import pyfair, scipy, maturin"], capture_output=True).returncode:
        subprocess.run([str(PY), "-m", "pip", "install", "-q", "pyfair==0.1a13", "scipy", "maturin"], check=True)
    wheels = sorted((ROOT / "target" / "wheels").glob("riskrating-*-abi3-*.whl"))
    if not wheels or os.environ.get("REBUILD_WHEEL"):
        subprocess.run([str(VENV / "bin" / "maturin"), "build", "--release", "--locked", "-q",
                        "-m", "risk-py/Cargo.toml", "-o", "target/wheels", "-i", str(PY)],
                       cwd=ROOT, check=True)
        wheels = sorted((ROOT / "target" / "wheels").glob("riskrating-*-abi3-*.whl"))
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(wheels[-1])],
                   check=True)


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else 0.5 * (s[m - 1] + s[m])


def stats_with_se(x):
    """(estimate, batch-means SE) of mean, sd, p50, p95, p99."""
    import numpy as np

    def stats(v):
        return np.array([v.mean(), v.std(ddof=1), *np.percentile(v, [50, 95, 99])])

    est = stats(x)
    per = np.array([stats(b) for b in np.array_split(x, BATCHES)])
    se = per.std(axis=0, ddof=1) / math.sqrt(BATCHES)
    return est, se


def compare(x, y):
    import numpy as np
    from scipy.stats import ks_2samp

    (ex, sx), (ey, sy) = stats_with_se(x), stats_with_se(y)
    z = (ex - ey) / np.hypot(sx, sy)
    ks = ks_2samp(x, y)
    names = ["mean", "sd", "p50", "p95", "p99"]
    return {
        "stats": {k: {"riskrating": float(a), "other": float(b), "z": float(c)}
                  for k, a, b, c in zip(names, ex, ey, z)},
        "ks_D": float(ks.statistic),
        "ks_p": float(ks.pvalue),
        "ok": bool(np.all(np.abs(z) <= Z_MAX) and ks.pvalue >= KS_P_MIN),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "target" / "bench" / "quant_python.json"))
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--samples", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        run_one(args.worker, args.n, args.repeat, args.samples)
        return 0

    ensure_venv()

    out_dir = Path(args.out).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    pinned = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    runs = [("pyfair", {}), ("numpy", {}), ("riskrating_1thread", {"RAYON_NUM_THREADS": "1"}),
            ("riskrating_2threads", {"RAYON_NUM_THREADS": "2"})]
    load_before = os.getloadavg()
    results = {}
    for name, extra in runs:
        which = name.split("_")[0]
        samples = out_dir / f"quant_{name}.npy"
        env = dict(os.environ, **pinned, **extra)
        res = subprocess.run([str(PY), __file__, "--worker", which, "--n", str(args.n), "--repeat",
                              str(args.repeat), "--samples", str(samples)],
                             check=True, capture_output=True, text=True, env=env)
        t = json.loads(res.stdout)
        results[name] = {
            "cpu_median": median(t["cpu"]), "cpu_min": min(t["cpu"]), "cpu_max": max(t["cpu"]),
            "wall_median": median(t["wall"]), "wall_min": min(t["wall"]), "wall_max": max(t["wall"]),
            "samples": str(samples),
        }
    load_after = os.getloadavg()

    # The model checks need numpy/scipy: run them in the venv too.
    check = subprocess.run([str(PY), "-c", f"""
import json, sys, numpy as np
sys.path.insert(0, {str(Path(__file__).parent)!r})
from quant_python_compare import compare
r = np.load({results['riskrating_1thread']['samples']!r})
r2 = np.load({results['riskrating_2threads']['samples']!r})
print(json.dumps({{
  "identical_1_vs_2_threads": bool(np.array_equal(r, r2)),
  "vs_pyfair": compare(r, np.load({results['pyfair']['samples']!r})),
  "vs_numpy": compare(r, np.load({results['numpy']['samples']!r})),
}}))
"""], check=True, capture_output=True, text=True)
    model = json.loads(check.stdout)

    rr1, rr2 = results["riskrating_1thread"], results["riskrating_2threads"]
    ratios = {
        "cpu_vs_pyfair_1thread": results["pyfair"]["cpu_median"] / rr1["cpu_median"],
        "cpu_vs_numpy_1thread": results["numpy"]["cpu_median"] / rr1["cpu_median"],
        "wall_vs_pyfair_2threads": results["pyfair"]["wall_median"] / rr2["wall_median"],
        "wall_vs_numpy_2threads": results["numpy"]["wall_median"] / rr2["wall_median"],
    }
    doc = {"n": args.n, "repeat": args.repeat, "load_before": load_before, "load_after": load_after,
           "results": results, "ratios": ratios, "model": model,
           "goals": {"cpu_5x_pyfair": ratios["cpu_vs_pyfair_1thread"] >= 5.0,
                     "wall_8x_pyfair_2threads": ratios["wall_vs_pyfair_2threads"] >= 8.0}}
    Path(args.out).write_text(json.dumps(doc, indent=2))

    print(f"N = {args.n:,}, {args.repeat} calls each; load {load_before[0]:.1f} -> {load_after[0]:.1f}")
    print(f"{'':22} {'CPU median [min, max]':>30} {'wall median [min, max]':>30}")
    for name, r in results.items():
        print(f"{name:22} {r['cpu_median'] * 1e3:10.1f} ms [{r['cpu_min'] * 1e3:6.1f}, {r['cpu_max'] * 1e3:6.1f}]"
              f" {r['wall_median'] * 1e3:10.1f} ms [{r['wall_min'] * 1e3:6.1f}, {r['wall_max'] * 1e3:6.1f}]")
    for k, v in ratios.items():
        print(f"{k:26} {v:6.2f}x")
    for other in ("vs_pyfair", "vs_numpy"):
        m = model[other]
        zs = ", ".join(f"{k} z={s['z']:+.2f}" for k, s in m["stats"].items())
        print(f"same model {other}: {zs}; KS D={m['ks_D']:.5f} p={m['ks_p']:.3f} -> {'ok' if m['ok'] else 'FAIL'}")
    print(f"1 thread and 2 threads give identical losses: {model['identical_1_vs_2_threads']}")
    ok = model["vs_pyfair"]["ok"] and model["vs_numpy"]["ok"] and model["identical_1_vs_2_threads"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
