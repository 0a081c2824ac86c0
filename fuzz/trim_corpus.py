#!/usr/bin/env python3
"""Copy a minimised corpus into fuzz/corpus/<target>/, keeping the committed corpus small.

Usage: trim_corpus.py <target> <minimised-dir> [budget-bytes]

Keeps every seed (fuzz/seeds/<target>, from make_seeds.py) and every file named `regression-*`
already in fuzz/corpus/<target>, then the smallest files of the minimised corpus (the output of
`cargo fuzz cmin`) while the total stays within the budget (default 100 KB).
"""
import pathlib
import shutil
import sys

FUZZ = pathlib.Path(__file__).resolve().parent


def main():
    target, src = sys.argv[1], pathlib.Path(sys.argv[2])
    budget = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    out = FUZZ / "corpus" / target
    keep = {}
    for p in sorted(out.glob("regression-*")):
        keep[p.name] = p.read_bytes()
    seeds = FUZZ / "seeds" / target
    for p in sorted(seeds.iterdir()) if seeds.is_dir() else []:
        keep[p.name] = p.read_bytes()
    total = sum(len(b) for b in keep.values())
    for p in sorted(src.iterdir(), key=lambda p: (p.stat().st_size, p.name)):
        if p.name in keep:
            continue
        size = p.stat().st_size
        if total + size > budget:
            break
        keep[p.name] = p.read_bytes()
        total += size
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, data in keep.items():
        (out / name).write_bytes(data)
    print(f"{target}: {len(keep)} files, {sum(len(b) for b in keep.values())} bytes")


if __name__ == "__main__":
    main()
