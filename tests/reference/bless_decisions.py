"""Write the expected files of the plan and what-if vectors from the independent reference.

The plan and what-if expected documents (`tests/vectors/*.expected.json` of every non-error
`plan` or `what_if` case in the manifest) are the reference's computation (`riskref.py`, written
from the specification), not the engine's own output. After a change of section 8 (such as
v1.2's plan candidates), or to add a case:

    RISKRATING_BLESS=1 cargo test -p risk-core --test vectors   # engine files (for new cases)
    python tests/reference/bless_decisions.py    # rewrites them from the reference
    git diff tests/vectors                       # review
    cargo test -p risk-core --test vectors       # the engine must agree

What comes from where: every action, order, count, id and list is the reference's. A number is
the reference's too, except that where the engine's file holds a number within the spec's
tolerance of it (1e-9 relative or the field's absolute floor) the engine's rounding is kept, so
that the bindings can still be held to 1e-12 relative; a number further off is replaced by the
reference's, and the engine then fails its vector test. Drivers' `reason` is free text the
reference does not write: it is carried over from the engine's file (present = required).
Error cases keep their engine-written expected files (their action paths are checked against
the reference by check_reference.py).
"""

from __future__ import annotations

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import riskref  # noqa: E402
from check_reference import field_type  # noqa: E402

VECTORS = os.path.join(HERE, "..", "vectors")


def merge(ref, eng, path: str, counts: dict):
    """The reference's document, with the engine's rounding where it is within tolerance."""
    if isinstance(ref, dict):
        out = {k: merge(v, eng.get(k) if isinstance(eng, dict) else None, f"{path}.{k}", counts)
               for k, v in ref.items()}
        if ".drivers[" in path and path.endswith("]"):
            if not isinstance(eng, dict) or not eng.get("reason"):
                raise SystemExit(f"{path}: no engine reason text; bless with the engine first")
            out["reason"] = eng["reason"]
        return out
    if isinstance(ref, list):
        eng = eng if isinstance(eng, list) and len(eng) == len(ref) else [None] * len(ref)
        return [merge(x, y, f"{path}[{i}]", counts) for i, (x, y) in enumerate(zip(ref, eng))]
    if isinstance(ref, float) and isinstance(eng, (int, float)) and not isinstance(eng, bool):
        kind, floor = field_type(path)
        tol = max(1e-6 if kind == "beta quantile" else 1e-9 * abs(ref), floor)
        if abs(ref - eng) <= tol:
            counts["kept"] += 1
            return eng
        counts["replaced"] += 1
    return ref


def main() -> int:
    with open(os.path.join(VECTORS, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    meth = riskref.load_methodology()
    written = 0
    counts = {"kept": 0, "replaced": 0}
    for case in manifest["cases"]:
        if case["kind"] not in ("plan", "what_if") or case.get("error"):
            continue
        with open(os.path.join(VECTORS, case["input"]), encoding="utf-8-sig") as f:
            doc = json.load(f)
        if case["kind"] == "plan":
            out = riskref.plan(doc, case["organisation"], case["k"], meth)
        else:
            out = riskref.what_if(doc, case["organisation"], case["actions"], meth)
        target = os.path.join(VECTORS, case["expected"])
        engine = None
        if os.path.exists(target):
            with open(target, encoding="utf-8") as f:
                engine = json.load(f)
        out = merge(out, engine, "", counts)
        with open(target, "w", encoding="utf-8") as f:
            # The engine's layout (sorted keys, exponents without a leading zero), so that a
            # figure that did not change shows no diff.
            text = json.dumps(out, indent=2, ensure_ascii=False, sort_keys=True)
            f.write(re.sub(r"(\de[-+])0(\d)", r"\1\2", text) + "\n")
        written += 1
    print(f"wrote {written} plan/what-if expected files from the reference; "
          f"{counts['replaced']} numbers differ from the engine's files by more than the spec's "
          f"tolerance, {counts['kept']} within it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
