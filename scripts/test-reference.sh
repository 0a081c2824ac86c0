#!/usr/bin/env bash
# Conformance against the independent Python reference (tests/reference/): every vector at the
# spec's tolerances, then a seeded differential run on generated portfolios.
# Installs what it needs in a venv (idempotent); exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh
VENV="${RISKRATING_REF_VENV:-target/reference-venv}"
ensure_venv "$VENV" "import numpy, scipy, cvss" numpy scipy cvss

echo "== reference vs expected vectors"
"$VENV/bin/python" tests/reference/check_reference.py

echo "== differential: engine vs reference on generated portfolios"
cargo build --quiet --locked -p risk-core --example vectors_dump
"$VENV/bin/python" tests/reference/differential.py --seed 7 --count 150 \
  --engine target/debug/examples/vectors_dump

echo "== differential with the second methodology (examples/methodologies/nhs-supplier-focus-v1)"
"$VENV/bin/python" tests/reference/differential.py --seed 11 --count 60 \
  --engine target/debug/examples/vectors_dump \
  --methodology examples/methodologies/nhs-supplier-focus-v1.json

echo "== calibration: reference self-checks (alternative formulas)"
"$VENV/bin/python" tests/reference/test_calibref.py > target/calibref-selfcheck.log \
  || { cat target/calibref-selfcheck.log; exit 1; }
tail -n 1 target/calibref-selfcheck.log

echo "== calibration: Rust calibrate example vs the reference (small worlds, error cases)"
if ! cargo build --quiet --locked --release -p risk-core --example calibrate --example calibration_world; then
  echo "cannot build the calibrate / calibration_world examples (issue 11): needed by check_calibration.py" >&2
  exit 1
fi
"$VENV/bin/python" tests/reference/check_calibration.py --cases --seeds 1 --organisations 60 --variants
"$VENV/bin/python" tests/reference/check_calibration.py --seeds 2 --organisations 60 --truth recalibrated
echo "Reference suite: ok"
