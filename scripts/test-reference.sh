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
echo "Reference suite: ok"
