"""Compare the Rust `calibrate` example with the independent reference (calibref.py).

For every world directory (portfolio.json, incidents.json, config.json) it runs both
implementations (the configured fit, `--evaluate`, and the reference's evaluation of the
methodology Rust fitted) and compares the two report documents field by field at the
conformance tolerance of calibration-v1: counts exactly, p-values to 1e-6 absolute, every other
number to 1e-6 absolute or 1e-6 relative, whichever is larger; strings and booleans exactly.
It then runs the error cases of calibration_cases/manifest.json: both must reject each document
with the category and path the manifest gives (from the spec's tables).

Usage:
    python check_calibration.py [WORLD_DIR ...] [--seeds 1,2 --organisations 120]
        [--truth refit|recalibrated] [--cases] [--calibrate BIN] [--world BIN] [--verbose]

Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import calibref  # noqa: E402
import riskref  # noqa: E402

CASES = os.path.join(HERE, "calibration_cases")

# fields the spec names (4.4, 3.6); a key outside this set missing on one side is only a note
NORMATIVE = set("""spec data_digest design snapshots_given snapshots_observed organisations incidents
material_incidents material_incidents_in_a_window observations warnings path warning fit requested
level n events events_internal events_supplier design_effect effective_events overall internal
supplier loglik original intercept recalibrate refit levels delta a b cov_ab weights factor
coupling_scale unexplained_supplier_events estimable optimiser objective projected_gradient
loglik_internal tau closed_test tests against lr statistic df p_value significant estimate se ci
se_cluster ci_cluster at_bound validation fitted methodology components supply base_rate
mean_predicted auc brier score reference skill murphy reliability resolution uncertainty
within_bin_variance within_bin_covariance ece oe observed expected ratio calibration_intercept
calibration_slope bin p_min p_max observed_ci bands band relative_risk relative_risk_ci corrected
backtest split train last_outcome_date id coupling_bases recalibration prior_anchor calibration
base_methodology selected_by snapshots observed_until horizon_days date parameters name
weight_sum slope""".split())
# numbers that are algorithm artefacts, not figures of the spec (checked against their bound)
ARTEFACTS = {"projected_gradient": 1e-8}
PVALUE = {"p_value"}


class Stats:
    def __init__(self):
        self.numbers = 0
        self.max_abs: dict[str, tuple[float, str]] = {}
        self.max_rel: dict[str, tuple[float, str]] = {}

    def add(self, path: str, a: float, b: float, where: str):
        self.numbers += 1
        d = abs(a - b)
        rel = d / max(abs(a), abs(b)) if d > 0 else 0.0
        key = section(path)
        if d >= self.max_abs.get(key, (-1.0, ""))[0]:
            self.max_abs[key] = (d, f"{where}:{path}")
        if rel >= self.max_rel.get(key, (-1.0, ""))[0]:
            self.max_rel[key] = (rel, f"{where}:{path}")


def section(path: str) -> str:
    g = re.sub(r"\[\d+\]", "[]", path)
    parts = g.split(".")
    if parts[0] in ("validation", "backtest") and len(parts) > 3:
        # validation.original.overall.auc.se -> validation.*.overall.auc
        return ".".join([parts[0], "*"] + parts[2:4])
    if parts[0] == "fit" and len(parts) > 2 and parts[1] == "levels":
        return ".".join(parts[:4])
    return ".".join(parts[:2])


def compare(r, p, path: str, diffs: list, notes: list, stats: Stats, where: str):
    """r: Rust value, p: reference value."""
    name = path.rsplit(".", 1)[-1].split("[")[0]
    if name in ARTEFACTS:
        for side, v in (("rust", r), ("reference", p)):
            if v is not None and not abs(v) <= ARTEFACTS[name]:
                diffs.append(f"{where}:{path}: {side} {v!r} above its bound {ARTEFACTS[name]}")
        return
    if name in ("calibration_slope", "recalibrate") and isinstance(p, dict) and \
            (p.get("se") or (p.get("b") or {}).get("se") or 0) > 1e3:
        # quasi-separation: the likelihood has no finite maximiser, and where an algorithm
        # stops is its own (the spec's convergence test is met at any large enough |b|)
        notes.append(f"{where}:{path}: not compared, no finite maximum (reference se "
                     f"{p.get('se') or p['b']['se']:.3g}); rust {short(r)}")
        return
    if isinstance(r, dict) and isinstance(p, dict):
        for k in sorted(set(r) | set(p)):
            q = f"{path}.{k}" if path else k
            if k not in r or k not in p:
                side = "rust" if k not in r else "reference"
                other = p.get(k) if k not in r else r.get(k)
                msg = f"{where}:{q}: missing on the {side} side (other side {short(other)})"
                if k in NORMATIVE and other is not None:
                    diffs.append(msg)
                else:
                    notes.append(msg)
                continue
            compare(r[k], p[k], q, diffs, notes, stats, where)
        return
    if isinstance(r, list) and isinstance(p, list):
        if len(r) != len(p):
            diffs.append(f"{where}:{path}: length {len(r)} (rust) vs {len(p)} (reference): "
                         f"{short(r)} vs {short(p)}")
            return
        for i, (x, y) in enumerate(zip(r, p)):
            compare(x, y, f"{path}[{i}]", diffs, notes, stats, where)
        return
    if isinstance(r, bool) or isinstance(p, bool) or r is None or p is None or \
            isinstance(r, str) or isinstance(p, str):
        if r != p or type(r) is not type(p):
            diffs.append(f"{where}:{path}: rust {short(r)}, reference {short(p)}")
        return
    if isinstance(r, (int, float)) and isinstance(p, (int, float)):
        if isinstance(r, int) and isinstance(p, int):
            if r != p:
                diffs.append(f"{where}:{path}: count rust {r}, reference {p}")
            stats.add(path, r, p, where)
            return
        stats.add(path, float(r), float(p), where)
        d = abs(r - p)
        tol = 1e-6 if name in PVALUE else max(1e-6, 1e-6 * max(abs(r), abs(p)))
        if not d <= tol:
            diffs.append(f"{where}:{path}: rust {r!r}, reference {p!r} (diff {d:.3g}, "
                         f"tolerance {tol:.3g})")
        return
    diffs.append(f"{where}:{path}: rust {short(r)}, reference {short(p)} (different types)")


def short(v) -> str:
    s = json.dumps(v)
    return s if len(s) <= 120 else s[:117] + "..."


def run_rust(binary, files, extra, report_path):
    cmd = [binary, *files, *extra, "--report", report_path]
    out = subprocess.run(cmd, capture_output=True, text=True)
    return out.returncode, out.stdout + out.stderr


def run_reference(files, base, evaluate):
    raws = []
    for f in files:
        with open(f, "rb") as fh:
            raws.append(fh.read())
    return calibref.calibrate(*raws, base=base, evaluate=evaluate)


def compare_world(binary, world: str, stats: Stats, verbose: bool, tmp: str):
    files = [os.path.join(world, n) for n in ("portfolio.json", "incidents.json", "config.json")]
    diffs: list[str] = []
    notes: list[str] = []
    name = os.path.basename(os.path.normpath(world))
    runs = [("fit", [], False), ("evaluate", ["--evaluate"], True)]
    fitted_path = os.path.join(tmp, f"{name}.fitted.json")
    for label, extra, evaluate in runs:
        where = f"{name}/{label}"
        rep = os.path.join(tmp, f"{name}.{label}.report.json")
        ext = list(extra)
        if label == "fit":
            ext += ["--out-methodology", fitted_path]
        rc, out = run_rust(binary, files, ext, rep)
        try:
            ref, _ = run_reference(files, None, evaluate)
            ref_err = None
        except calibref.CalError as e:
            ref, ref_err = None, e
        if rc != 0 or ref_err is not None:
            if rc == 2 and ref_err is not None and ref_err.category in out:
                notes.append(f"{where}: both reject ({ref_err.category})")
            else:
                diffs.append(f"{where}: rust exit {rc} ({out.strip()[:200]}), reference "
                             f"{'error ' + str(ref_err) if ref_err else 'ok'}")
            continue
        with open(rep, encoding="utf-8") as f:
            rust = json.load(f)
        compare(rust, json.loads(json.dumps(ref)), "", diffs, notes, stats, where)
    # the methodology Rust fitted, evaluated by both
    if os.path.exists(fitted_path):
        where = f"{name}/evaluate-rust-fitted"
        rep = os.path.join(tmp, f"{name}.rfit.report.json")
        with open(fitted_path, encoding="utf-8") as f:
            fitted = json.load(f)
        for where, extra, evaluate in (
                (f"{name}/evaluate-rust-fitted", ["--evaluate"], True),
                # fitting again from a fitted base: the anchor is the base's own (3.4)
                (f"{name}/refit-from-rust-fitted", [], False)):
            rc, out = run_rust(binary, files, extra + ["--methodology", fitted_path], rep)
            try:
                ref, _ = run_reference(files, fitted, evaluate)
                if rc != 0:
                    diffs.append(f"{where}: rust exit {rc}: {out.strip()[:200]}")
                else:
                    with open(rep, encoding="utf-8") as f:
                        rust = json.load(f)
                    compare(rust, json.loads(json.dumps(ref)), "", diffs, notes, stats, where)
            except calibref.CalError as e:
                if rc == 2 and e.category in out:
                    notes.append(f"{where}: both reject ({e.category})")
                else:
                    diffs.append(f"{where}: reference {e}, rust exit {rc}: {out.strip()[:200]}")
            except (KeyError, TypeError) as e:
                diffs.append(f"{where}: reference cannot use Rust's fitted methodology: {e!r}")
    return diffs, notes


def variants(world: str, tmp: str) -> list[str]:
    """Copies of a world under other configurations: each level, a backtest split, peer groups,
    an explicit snapshot list (the generator's worlds all use level auto without a split)."""
    with open(os.path.join(world, "portfolio.json"), "rb") as f:
        raw_p = f.read()
    with open(os.path.join(world, "config.json"), "rb") as f:
        raw_c = f.read()
    port = json.loads(raw_p)
    cfg = json.loads(raw_c)
    snaps = [calibref.iso(t) for t in calibref.validate_config(cfg, port)["snapshots"]]
    groups = sorted({o.get("peer_group") or "unassigned" for o in port["organisations"]})
    mid = snaps[len(snaps) // 2]
    base = {k: v for k, v in cfg.items() if k not in ("level", "split", "peer_groups", "tau",
                                                       "alpha")}
    out = []
    for tag, extra in (
        ("refit-split", {"level": "refit", "split": mid}),
        ("auto-split", {"level": "auto", "split": snaps[1], "tau": 0.3, "alpha": 0.2}),
        ("recalibrate-groups", {"level": "recalibrate", "peer_groups": groups[:1]}),
        ("intercept-list", {"level": "intercept", "snapshots": snaps[::-2],
                            "split": snaps[len(snaps) // 3]}),
    ):
        d = os.path.join(tmp, f"{os.path.basename(os.path.normpath(world))}-{tag}")
        os.makedirs(d, exist_ok=True)
        for name in ("portfolio.json", "incidents.json"):
            src = os.path.join(world, name)
            dst = os.path.join(d, name)
            if not os.path.exists(dst):
                os.symlink(os.path.abspath(src), dst)
        with open(os.path.join(d, "config.json"), "w", encoding="utf-8") as f:
            json.dump(dict(base, **extra), f, indent=1)
        out.append(d)
    # spec 5.2: reordering organisations, evidence and incidents, or adding non-material
    # incidents, changes no figure (the reference is checked for that in test_calibref.py)
    import random
    rng = random.Random(len(raw_p))
    with open(os.path.join(world, "incidents.json"), "rb") as f:
        inc = json.loads(f.read().decode("utf-8-sig"))
    shuffled = copy.deepcopy(port)
    rng.shuffle(shuffled["organisations"])
    for o in shuffled["organisations"]:
        for k in ("assessments", "metrics", "findings", "dependencies"):
            if o.get(k):
                rng.shuffle(o[k])
    inc = copy.deepcopy(inc)
    rng.shuffle(inc["incidents"])
    for j, o in enumerate(port["organisations"][:5]):
        inc["incidents"].append({"id": f"non-material-{j}", "organisation": o["id"],
                                 "occurred_on": snaps[-1], "origin": "internal",
                                 "material": False})
    d = os.path.join(tmp, f"{os.path.basename(os.path.normpath(world))}-shuffled")
    os.makedirs(d, exist_ok=True)
    for name, doc in (("portfolio.json", shuffled), ("incidents.json", inc), ("config.json",
                                                                             cfg)):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            json.dump(doc, f)
    out.append(d)
    return out


def error_cases(binary, verbose: bool, tmp: str):
    with open(os.path.join(CASES, "manifest.json"), encoding="utf-8") as f:
        man = json.load(f)
    defaults = {k: os.path.join(CASES, man[k]) for k in ("portfolio", "incidents", "config")}
    diffs, notes, count = [], [], 0
    base = riskref.load_methodology()
    for case in man["errors"] + [v for v in man["valid"] if "expect_error" in v]:
        count += 1
        name = case["case"]
        files = dict(defaults)
        if "expect_error" in case:
            exp = case["expect_error"]
            path = os.path.join(tmp, f"{name}.config.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(case["config_text"])
            files["config"] = path
        else:
            exp = case
            path = os.path.join(tmp, case["file"])
            data = bytes.fromhex(case["hex"]) if "hex" in case else case["text"].encode()
            with open(path, "wb") as f:
                f.write(data)
            files["incidents" if case["file"].endswith(".incidents.json") else "config"] = path
            for k in ("portfolio", "incidents"):
                if f"{k}_text" in case:
                    files[k] = os.path.join(tmp, f"{name}.{k}.json")
                    with open(files[k], "w", encoding="utf-8") as f:
                        f.write(case[f"{k}_text"])
        meth = None
        extra = ["--evaluate"] if case.get("evaluate") else []
        if "methodology_patch" in case:
            meth = copy.deepcopy(base)
            meth.update(case["methodology_patch"])
            mpath = os.path.join(tmp, f"{name}.methodology.json")
            with open(mpath, "w", encoding="utf-8") as f:
                json.dump(meth, f)
            extra += ["--methodology", mpath]
        ordered = [files["portfolio"], files["incidents"], files["config"]]
        # reference
        try:
            run_reference(ordered, meth, bool(case.get("evaluate")))
            diffs.append(f"case {name}: reference accepted it; expected {exp['category']} at "
                         f"{exp['path']!r}")
        except calibref.CalError as e:
            if (e.category, e.path) != (exp["category"], exp["path"]):
                diffs.append(f"case {name}: reference {e.category} at {e.path!r}; expected "
                             f"{exp['category']} at {exp['path']!r}")
        if binary is None:
            continue
        rc, out = run_rust(binary, ordered, extra, os.path.join(tmp, f"{name}.report.json"))
        # the example's first line is "CATEGORY PATH" (section 6: "prints the error's category
        # and path")
        first = out.split("\n", 1)[0].rstrip("\r")
        cat, _, got_path = first.partition(" ")
        ok = rc == 2 and (cat, got_path.strip()) == (exp["category"], exp["path"])
        if not ok:
            diffs.append(f"case {name}: rust exit {rc}, said {out.strip()[:200]!r}; expected "
                         f"{exp['category']} at {exp['path']!r}")
        elif verbose:
            notes.append(f"case {name}: rust said {out.strip()[:160]!r}")
    return diffs, notes, count


def valid_cases(binary, stats: Stats, tmp: str):
    with open(os.path.join(CASES, "manifest.json"), encoding="utf-8") as f:
        man = json.load(f)
    diffs, notes, count = [], [], 0
    for case in man["valid"]:
        if "expect_error" in case:
            continue
        count += 1
        d = os.path.join(tmp, case["case"])
        os.makedirs(d, exist_ok=True)
        for k in ("portfolio", "incidents", "config"):
            src = os.path.join(CASES, man[k])
            with open(src, "rb") as f:
                data = f.read()
            if f"{k}_text" in case:
                data = case[f"{k}_text"].encode()
            with open(os.path.join(d, f"{k}.json"), "wb") as f:
                f.write(data)
        if binary is None:
            run_reference([os.path.join(d, f"{k}.json") for k in ("portfolio", "incidents",
                                                                    "config")],
                          None, bool(case.get("evaluate")))
            continue
        dd, nn = compare_world(binary, d, stats, False, tmp)
        diffs += dd
        notes += nn
    return diffs, notes, count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("worlds", nargs="*")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--organisations", type=int, default=120)
    ap.add_argument("--truth", default=None)
    ap.add_argument("--cases", action="store_true", help="run the error and valid cases")
    ap.add_argument("--calibrate", default=os.path.join(ROOT, "target", "release", "examples",
                                                        "calibrate"))
    ap.add_argument("--world", default=os.path.join(ROOT, "target", "release", "examples",
                                                    "calibration_world"))
    ap.add_argument("--reference-only", action="store_true",
                    help="no Rust binary: check the reference against the case manifest only")
    ap.add_argument("--variants", action="store_true",
                    help="also compare each world under other levels, splits and peer groups")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    binary = None if a.reference_only else a.calibrate
    if binary is not None and not os.access(binary, os.X_OK):
        print(f"no calibrate binary at {binary} (cargo build --release --example calibrate)",
              file=sys.stderr)
        return 1
    stats = Stats()
    all_diffs, all_notes = [], []
    worlds = list(a.worlds)
    with tempfile.TemporaryDirectory(prefix="check-calibration-") as tmp:
        for s in [x for x in a.seeds.split(",") if x]:
            if not os.access(a.world, os.X_OK):
                print(f"no world generator at {a.world}", file=sys.stderr)
                return 1
            d = os.path.join(tmp, f"world-{s}-{a.organisations}" + (f"-{a.truth}" if a.truth
                                                                    else ""))
            cmd = [a.world, "--seed", s, "--organisations", str(a.organisations), "--out", d]
            if a.truth:
                cmd += ["--truth", a.truth]
            subprocess.run(cmd, check=True, capture_output=True)
            worlds.append(d)
        if a.variants:
            worlds += [v for w in list(worlds) for v in variants(w, tmp)]
        for w in worlds if binary else []:
            d, n = compare_world(binary, w, stats, a.verbose, tmp)
            all_diffs += d
            all_notes += n
            print(f"world {w}: {len(d)} differences", flush=True)
        ncases = 0
        if a.cases:
            d, n, c = error_cases(binary, a.verbose, tmp)
            all_diffs += d
            all_notes += n
            d, n, c2 = valid_cases(binary, stats, tmp)
            all_diffs += d
            all_notes += n
            ncases = c + c2
            print(f"cases: {c} error cases, {c2} valid cases", flush=True)
    for n in all_notes if a.verbose else []:
        print("  note", n)
    seen_notes = sorted({re.sub(r"^[^:]*:", "", re.sub(r"\[\d+\]", "[]", x)) for x in all_notes})
    if seen_notes and not a.verbose:
        print(f"{len(all_notes)} notes (fields only one side has, or both rejecting); "
              f"distinct: {len(seen_notes)}")
        for n in seen_notes[:15]:
            print("  note", n[:200])
    if stats.numbers:
        print(f"{stats.numbers} numbers compared on {len(worlds)} worlds and {ncases} cases; "
              f"max abs / rel difference by section:")
        for k in sorted(stats.max_abs):
            ab, w1 = stats.max_abs[k]
            rl, w2 = stats.max_rel[k]
            extra = f"   at {w1}" if a.verbose else ""
            print(f"  {k:48s} abs {ab:9.2e}  rel {rl:9.2e}{extra}")
    for d in all_diffs:
        print("DIFF", d)
    print(f"{len(all_diffs)} differences")
    return 1 if all_diffs else 0


if __name__ == "__main__":
    sys.exit(main())
