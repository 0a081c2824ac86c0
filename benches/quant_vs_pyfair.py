#!/usr/bin/env python3
"""Side-by-side: the same Open FAIR model in pyfair 0.1a13 and in riskrating's quant module.

    python3 benches/quant_vs_pyfair.py [--repeat R] [--sizes 10000,100000,1000000]

Creates its own virtual environment (target/pyfair-venv, ignored by git), installs pyfair 0.1a13
into it, builds the `quant_sim` example in release mode, and for each N runs

* pyfair: FairModel(n_simulations=N, random_seed=42); Loss Event Frequency and Loss Magnitude as
  BetaPERT(low, mode, high); calculate_all(); export_results()['Risk'];
* riskrating: the same model in `expected` mode with `pert_pyfair` distributions (seed 42).

Both are single-threaded (BLAS/OpenMP threads pinned to 1; quant_sim is built without the
`parallel` feature). Times are the best of R runs (default 3): wall clock and the CPU time of the
running thread (the fairer figure on a shared machine). pyfair is timed from FairModel() to
export_results(); riskrating's time is the simulation alone (parsing and report excluded; short
runs are repeated within a timed batch, see examples/quant_sim.rs).
The script fails (exit 1) unless the two means agree within 3 combined standard errors.
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
PYFAIR = "pyfair==0.1a13"

LEF = {"low": 0.1, "mode": 0.5, "high": 2.0}
LM = {"low": 10_000.0, "mode": 50_000.0, "high": 1_000_000.0}
SEED = 42


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    py = venv_python()
    if not py.exists():
        venv.create(VENV, with_pip=True)
    probe = subprocess.run([str(py), "-c", "import pyfair"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", PYFAIR], check=True)


def run_pyfair_worker(sizes, repeat):
    """Runs inside the venv: time pyfair for each size, print JSON."""
    import time

    import numpy as np
    import pyfair

    out = []
    for n in sizes:
        best_wall = best_cpu = math.inf
        risk = None
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.thread_time()
            model = pyfair.FairModel(name="bench", n_simulations=n, random_seed=SEED)
            model.input_data("Loss Event Frequency", **LEF)
            model.input_data("Loss Magnitude", **LM)
            model.calculate_all()
            risk = model.export_results()["Risk"].to_numpy()
            c1, w1 = time.thread_time(), time.perf_counter()
            best_wall, best_cpu = min(best_wall, w1 - w0), min(best_cpu, c1 - c0)
        out.append({
            "n": n,
            "mean": float(np.mean(risk)),
            "se": float(np.std(risk, ddof=1) / math.sqrt(n)),
            "wall": best_wall,
            "cpu": best_cpu,
        })
    print(json.dumps({"pyfair": pyfair.__version__ if hasattr(pyfair, "__version__") else PYFAIR, "runs": out}))


def run_riskrating(sizes, repeat, binary: Path):
    doc = {
        "trials": sizes[0],
        "seed": SEED,
        "mode": "expected",
        "scenarios": [{
            "name": "pyfair model",
            "frequency": {"lef": {"type": "pert_pyfair", **LEF}},
            "primary_loss": {"type": "pert_pyfair", **LM},
        }],
        "report": {"percentiles": [], "var_levels": [], "lec_points": 0},
    }
    path = ROOT / "target" / "quant_vs_pyfair.json"
    path.write_text(json.dumps(doc))
    out = []
    for n in sizes:
        res = subprocess.run(
            [str(binary), str(path), "--trials", str(n), "--repeat", str(repeat)],
            check=True, capture_output=True, text=True,
        )
        d = json.loads(res.stdout)
        total = d["report"]["total"]
        out.append({
            "n": n,
            "mean": total["mean"],
            "se": total["standard_error"],
            "wall": d["simulate_seconds"],
            "cpu": d["simulate_cpu_seconds"],
        })
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        run_pyfair_worker(sizes, args.repeat)
        return 0

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    ensure_venv()
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "risk-core", "--example", "quant_sim"],
        cwd=ROOT, check=True,
    )
    binary = ROOT / "target" / "release" / "examples" / ("quant_sim.exe" if os.name == "nt" else "quant_sim")

    res = subprocess.run(
        [str(venv_python()), __file__, "--worker", "--repeat", str(args.repeat), "--sizes", args.sizes],
        check=True, capture_output=True, text=True, env=env,
    )
    py = json.loads(res.stdout)["runs"]
    rr = run_riskrating(sizes, args.repeat, binary)

    print(f"Model: LEF BetaPERT{tuple(LEF.values())}, LM BetaPERT{tuple(LM.values())}, gamma 4; "
          f"pyfair {PYFAIR} vs riskrating expected mode, pert_pyfair; best of {args.repeat}; single-threaded")
    print(f"{'N':>9} | {'pyfair mean ± SE':>22} | {'riskrating mean ± SE':>22} | {'z':>5} | "
          f"{'pyfair wall':>11} | {'rr wall':>9} | {'wall ×':>7} | {'pyfair cpu':>10} | {'rr cpu':>9} | {'cpu ×':>7}")
    ok = True
    for p, r in zip(py, rr):
        z = (r["mean"] - p["mean"]) / math.hypot(p["se"], r["se"])
        agree = abs(z) <= 3.0
        ok &= agree
        cpu_ratio = p["cpu"] / r["cpu"] if r["cpu"] is not None and r["cpu"] > 0 else float("nan")
        print(f"{p['n']:>9} | {p['mean']:>12.1f} ± {p['se']:>7.1f} | {r['mean']:>12.1f} ± {r['se']:>7.1f} | "
              f"{z:>+5.2f} | {p['wall'] * 1e3:>9.1f}ms | {r['wall'] * 1e3:>7.1f}ms | {p['wall'] / r['wall']:>6.1f}× | "
              f"{p['cpu'] * 1e3:>8.1f}ms | {(r['cpu'] or float('nan')) * 1e3:>7.1f}ms | {cpu_ratio:>6.1f}×"
              + ("" if agree else "   <-- means disagree (> 3 combined SE)"))
    analytic = ((LEF["low"] + 4 * LEF["mode"] + LEF["high"]) / 6) * ((LM["low"] + 4 * LM["mode"] + LM["high"]) / 6)
    print(f"Analytic mean E[LEF]·E[LM] = {analytic:.1f}")
    print("means agree within 3 combined SE: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
