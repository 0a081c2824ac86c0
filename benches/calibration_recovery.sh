#!/usr/bin/env bash
# The full-size parameter-recovery study of calibration-v1 section 5.2 (R1–R4, R6):
# 20 worlds of 2,200 organisations × 9 quarterly snapshots each, for the refit truth (fitted at
# `refit` and at `auto`, the latter rated on a fresh world) and the recalibrated truth (`auto`).
# Usage: bash benches/calibration_recovery.sh [WORLDS] [ORGANISATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p risk-core --example calibration_recovery -- \
  --worlds "${1:-20}" --organisations "${2:-2200}"
