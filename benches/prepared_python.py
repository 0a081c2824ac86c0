"""Side by side: questions to one portfolio through the module functions (which check the
document on every call) vs through a ``PreparedPortfolio`` (checked once).

Both sides get a parsed ``Portfolio`` (no JSON parsing is timed on either side), so the
difference is the validation the prepared portfolio skips. Each side asks the same questions:
a rating, a what-if per organisation and a plan for the worst-rated one; answers are checked
equal before any time is reported. Prints medians and the ratio.

Usage (from the repository root, with riskrating installed, e.g. in .venv after
``bash scripts/test-python.sh``):
    python benches/prepared_python.py [--organisations 2000] [--questions 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import riskrating


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--organisations", type=int, default=2000)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    portfolio = riskrating.sample_portfolio(args.organisations, seed=7)
    rating = riskrating.rate(portfolio)
    ids = [r.id for r in sorted(rating, key=lambda r: r.score)[: args.questions]]
    # One what-if per organisation: drop its first supplier if it has one, else re-rate as is.
    doc = portfolio.to_dict()
    by_id = {o["id"]: o for o in doc["organisations"]}
    questions = []
    for oid in ids:
        deps = by_id[oid].get("dependencies") or []
        actions = [{"action": "remove_dependency", "supplier": deps[0]["supplier"]}] if deps else []
        questions.append((oid, actions))

    def with_functions():
        out = [riskrating.rate(portfolio).to_json()]
        out += [riskrating.what_if(portfolio, oid, a).to_json() for oid, a in questions]
        out.append(riskrating.plan(portfolio, ids[0]).to_json())
        return out

    def with_prepared():
        p = riskrating.PreparedPortfolio(portfolio)
        out = [p.rate().to_json()]
        out += [p.what_if(oid, a).to_json() for oid, a in questions]
        out.append(p.plan(ids[0]).to_json())
        return out

    assert with_functions() == with_prepared(), "the two routes disagree"

    def timed(f):
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            f()
            runs.append(time.perf_counter() - t)
        return statistics.median(runs)

    functions = timed(with_functions)
    prepared = timed(with_prepared)
    print(
        f"{args.organisations} organisations, 1 rate + {len(questions)} what-ifs + 1 plan, "
        f"median of {args.repeat}:"
    )
    print(f"  module functions (check on every call): {1000 * functions:8.1f} ms")
    print(f"  PreparedPortfolio (checked once):       {1000 * prepared:8.1f} ms")
    print(f"  ratio: {functions / prepared:.2f}x")


if __name__ == "__main__":
    main()
