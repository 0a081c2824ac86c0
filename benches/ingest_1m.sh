#!/usr/bin/env bash
# Ingest throughput and peak memory on 1,000,000 OCSF Vulnerability Findings (BENCHMARKS.md,
# section "Ingest"). Writes target/bench-ingest/*.jsonl (about 0.5 GB each) and prints one JSON
# line per run:
#   distinct  1,000,000 events, 1,000,000 findings kept (10 organisations, 100,000 each), rated
#   repeated  1,000,000 events re-reporting 10,000 findings (same file size, little evidence)
# Memory is the process's peak resident set (VmHWM). Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
dir=target/bench-ingest
mkdir -p "$dir"
[ -f "$dir/distinct-$N.jsonl" ] || python3 benches/ingest_1m.py "$dir/distinct-$N.jsonl" "$N" "$N"
[ -f "$dir/repeated-$N.jsonl" ] || python3 benches/ingest_1m.py "$dir/repeated-$N.jsonl" "$N" 10000
cargo build --release --locked -q -p risk-core --example ingest_bench
for kind in distinct repeated; do
  printf '%s ' "$kind"
  target/release/examples/ingest_bench "$dir/$kind-$N.jsonl"
done
