#!/usr/bin/env bash
# Regenerate every figure in BENCHMARKS.md, in one run, into target/bench/results.json.
#
#   bash benches/run-all.sh            # everything (about 20-30 minutes on the 2-core box)
#   STEPS="quant memory" bash benches/run-all.sh
#
# Steps (each writes its own file under target/bench/, collected at the end):
#   quant     benches/quant_python_compare.py: riskrating vs pyfair 0.1a13 vs numpy Generator.beta
#             through Python, 1 and 2 threads, same-model checks      -> quant_python.json
#   memory    benches/peak_memory.sh: peak RSS of full ratings            -> peak_memory.json
#   criterion cargo bench (rate: large_trust, national_50k, growth; quant), sequential and
#             --features parallel; medians and 95% intervals from target/criterion -> criterion*.json
#   bindings  benches/bindings_compare.sh: native / Python / WASM in Node / pandas -> bindings.txt
#   growth    examples/time_rate on generated samples of 1,000 / 10,000 / 50,000 / 100,000
#             organisations (section "Growth with size")                      -> growth.txt
#   plan      examples/plan: one large trust's improvement plan               -> plan.txt
#   prepared  benches/prepared_python.py: PreparedPortfolio vs module functions -> prepared.txt
#   pyfair    benches/quant_vs_pyfair.py: the issue-7 comparison with pyfair   -> pyfair.txt
#   system    benches/system.sh: the cascade Monte Carlo, 10^5 national trials; rewrites its
#             section of BENCHMARKS.md itself                                 -> system.txt
#   calibration benches/calibration_national.sh: observations + fit + report on
#             50,000 organisations × 8 snapshots                              -> calibration.txt
#   spark     benches/spark_compare.py: one process vs Spark local[2] on 20,000
#             organisations (needs `bash scripts/test-spark.sh` once for pyspark and the JDK)
#                                                                             -> spark.txt
#   ingest    benches/ingest_1m.sh: 1,000,000 OCSF findings, two exports      -> ingest.txt
#             (the criterion ingest bench runs in step `criterion`)
#   wasm-large benches/wasm_large.mjs: 300,000 sample organisations through the WASM package
#             in Node (objects and text routes, the string limit)            -> wasm_large.txt
# Every result records the load average before and after it ran. The Python steps use .venv
# (made by scripts/test-python.sh); `bindings`, `system` and `wasm-large` use the WASM package that
# scripts/build-wasm.sh builds.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
steps=${STEPS:-quant memory criterion bindings growth plan prepared pyfair system calibration spark ingest wasm-large}
PY=.venv/bin/python
load() { cut -d' ' -f1-3 /proc/loadavg; }

collect_criterion() { # $1: output file
  python3 - "$1" <<'PY'
import json, sys
from pathlib import Path
res = {}
for est in Path("target/criterion").glob("*/*/new/estimates.json"):
    e = json.loads(est.read_text())["median"]
    name = f"{est.parts[-4]}/{est.parts[-3]}"
    res[name] = {"median_s": e["point_estimate"] / 1e9,
                 "ci95_s": [e["confidence_interval"]["lower_bound"] / 1e9,
                            e["confidence_interval"]["upper_bound"] / 1e9]}
for est in Path("target/criterion").glob("*/*/*/new/estimates.json"):
    e = json.loads(est.read_text())["median"]
    res[f"{est.parts[-5]}/{est.parts[-4]}/{est.parts[-3]}"] = {"median_s": e["point_estimate"] / 1e9}
json.dump(res, open(sys.argv[1], "w"), indent=1, sort_keys=True)
PY
}

for s in $steps; do
  echo "== $s (load $(load))"
  case $s in
    quant) python3 benches/quant_python_compare.py --repeat 7 --out "$OUT/quant_python.json" ;;
    memory) bash benches/peak_memory.sh ;;
    criterion)
      rm -rf target/criterion
      cargo bench -p risk-core --bench rate --bench quant --bench ingest -- --warm-up-time 1 --measurement-time 5
      collect_criterion "$OUT/criterion.json"
      rm -rf target/criterion
      cargo bench -p risk-core --features parallel --bench rate --bench quant -- --warm-up-time 1 --measurement-time 5
      collect_criterion "$OUT/criterion_parallel.json" ;;
    bindings) bash benches/bindings_compare.sh 5 | tee "$OUT/bindings.txt" ;;
    growth)
      cargo build --release -q -p risk-core --example gen_sample --example time_rate
      for n in 1000 10000 50000 100000; do
        target/release/examples/gen_sample --organisations "$n" --out "$OUT/growth-$n.json" > /dev/null
        printf '%s organisations, %s bytes: ' "$n" "$(stat -c %s "$OUT/growth-$n.json")"
        target/release/examples/time_rate "$OUT/growth-$n.json" --repeat 5
        rm -f "$OUT/growth-$n.json"
      done | tee "$OUT/growth.txt" ;;
    plan) cargo run --release -q -p risk-core --example plan | tee "$OUT/plan.txt" ;;
    prepared) "$PY" benches/prepared_python.py --organisations 2000 --questions 20 --repeat 5 | tee "$OUT/prepared.txt" ;;
    pyfair) python3 benches/quant_vs_pyfair.py --repeat 5 | tee "$OUT/pyfair.txt" ;;
    system) bash benches/system.sh | tee "$OUT/system.txt" ;;
    calibration) bash benches/calibration_national.sh | tee "$OUT/calibration.txt" ;;
    spark) "$PY" benches/spark_compare.py --organisations 20000 --partitions 4 | tee "$OUT/spark.txt" ;;
    ingest) bash benches/ingest_1m.sh | tee "$OUT/ingest.txt" ;;
    wasm-large) node --max-old-space-size=16000 benches/wasm_large.mjs 300000 | tee "$OUT/wasm_large.txt" ;;
    *) echo "unknown step $s"; exit 2 ;;
  esac
  echo "$s: load after $(load)" >> "$OUT/loads.txt"
done

python3 - "$OUT" <<'PY'
import json, sys, time
from pathlib import Path
out = Path(sys.argv[1])
doc = {"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": __import__("os").cpu_count()}
for f in ("quant_python", "peak_memory", "criterion", "criterion_parallel"):
    p = out / f"{f}.json"
    if p.exists():
        doc[f] = json.loads(p.read_text())
for f in ("bindings.txt", "growth.txt", "plan.txt", "prepared.txt", "pyfair.txt", "system.txt",
          "calibration.txt", "spark.txt", "ingest.txt", "loads.txt"):
    p = out / f
    if p.exists():
        doc[f.split(".")[0]] = p.read_text().splitlines()
(out / "results.json").write_text(json.dumps(doc, indent=1))
print(f"wrote {out / 'results.json'}")
PY
