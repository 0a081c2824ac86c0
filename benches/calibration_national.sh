#!/usr/bin/env bash
# Calibration performance on the national sample (calibration-v1 issue 11 item 7):
# a 50,000-organisation synthetic world (risk_core::sample's national mix, four years of
# evidence), 8 quarterly snapshots; times observations + fit (level auto: all three fits, the
# closed test) + the report, single-threaded, through the `calibrate` example. The world is
# generated first (not timed). Usage: bash benches/calibration_national.sh [ORGANISATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-50000}"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
cargo build --release -q -p risk-core --example calibration_world --example calibrate
./target/release/examples/calibration_world --seed 1 --organisations "$N" --out "$DIR"
cat > "$DIR/config8.json" <<'JSON'
{"snapshots": {"start": "2023-01-01", "end": "2024-10-01", "every_months": 3},
 "observed_until": "2025-10-01", "level": "auto"}
JSON
# CPU (user) time is the single-threaded figure; wall time also counts other load on the machine.
TIMEFORMAT='observations + fit + report: %U s CPU (user), %R s wall (goal <= 30 s single-threaded)'
time ./target/release/examples/calibrate "$DIR/portfolio.json" "$DIR/incidents.json" \
  "$DIR/config8.json" --report "$DIR/report.json"
python3 - "$DIR/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["fit"]
print(f"organisations {r['design']['organisations']}, observations {r['design']['observations']}, "
      f"events {f['events']}, level chosen {f['level']}, "
      f"refit Newton iterations {f['levels']['refit']['optimiser']['iterations']}")
PY
