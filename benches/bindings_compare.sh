#!/usr/bin/env bash
# Side by side, in one run, on the national sample (50,000 organisations): the native engine,
# the Python binding (`riskrating.rate(path)`), the WASM package in Node (`ratePortfolio(text)`),
# and a notebook-style pandas/NumPy rating (internal part only). Each figure is the median of
# N runs of a full rating from the document (parse, check, rate); ratios are against native.
#
# Needs the Python venv and the WASM package that the test suites build:
#   bash scripts/test-python.sh && bash scripts/test-wasm.sh   (or: bash scripts/test-all.sh)
# Usage: bash benches/bindings_compare.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
REPEAT=${1:-5}
DOC=target/national-50k.json
PY=.venv/bin/python

cargo build --release --quiet --locked -p risk-core --example gen_sample --example time_rate
[ -f "$DOC" ] || target/release/examples/gen_sample --national --seed 42 --out "$DOC" 2>/dev/null
"$PY" -c "import cvss" 2>/dev/null || .venv/bin/pip install --quiet cvss
[ -f risk-wasm/pkg/node/risk_wasm.js ] || bash scripts/build-wasm.sh

echo "document: $DOC ($(du -m "$DOC" | cut -f1) MB); $REPEAT runs each; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
native=$(target/release/examples/time_rate "$DOC" --repeat "$REPEAT" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['median'])")
python=$("$PY" - "$DOC" "$REPEAT" <<'PY'
import statistics, sys, time
from pathlib import Path
import riskrating
path, n = Path(sys.argv[1]), int(sys.argv[2])
runs = []
for _ in range(n):
    t = time.perf_counter(); riskrating.rate(path); runs.append(time.perf_counter() - t)
print(statistics.median(runs))
PY
)
node=$(node --input-type=module - "$DOC" "$REPEAT" <<'JS'
import { readFileSync } from 'node:fs';
const { ratePortfolio, ratePortfolioJson } = await import(process.cwd() + '/risk-wasm/pkg/node/risk_wasm.js');
const [path, n] = [process.argv[2], Number(process.argv[3])];
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const objects = [], json = [];
for (let i = 0; i < n; i++) {
  let t = performance.now();
  ratePortfolio(readFileSync(path, 'utf8'));
  objects.push((performance.now() - t) / 1000);
  t = performance.now();
  JSON.parse(ratePortfolioJson(readFileSync(path, 'utf8')));
  json.push((performance.now() - t) / 1000);
}
console.log(median(objects), median(json));
JS
)
"$PY" - "$native" "$python" $node <<'PY'
import sys
native, python, node, node_json = map(float, sys.argv[1:])
print(f"native Rust  rate (parse+check+rate)                   {native*1e3:8.0f} ms   1.00x")
print(f"Python       riskrating.rate(path)                     {python*1e3:8.0f} ms   {python/native:.2f}x native")
print(f"Node (WASM)  ratePortfolio(text) → objects            {node*1e3:8.0f} ms   {node/native:.2f}x native")
print(f"Node (WASM)  JSON.parse(ratePortfolioJson(text))      {node_json*1e3:8.0f} ms   {node_json/native:.2f}x native")
PY
"$PY" benches/pandas_compare.py "$DOC" --repeat "$REPEAT"
