#!/usr/bin/env bash
# Spark suite: riskrating.spark and riskrating.arrow on a real Spark (pyspark 4, local[2], one
# SparkSession for the run). Builds and installs the wheel exactly as the Python suite does (by
# running scripts/test-python.sh with a pytest selection that runs nothing else), installs a
# JDK 17 (Debian openjdk-17-jre-headless) when `java` is missing and the Spark requirements into
# .venv, then runs pytest over risk-py/tests-spark. Idempotent, skips nothing, non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
source scripts/lib.sh

echo "== Java (Spark needs a JDK/JRE 17+)"
if ! command -v java >/dev/null 2>&1; then ensure_apt openjdk-17-jre-headless; fi
java -version 2>&1 | head -1

echo "== wheel (via scripts/test-python.sh, its pytest limited to the packaging smoke test)"
bash scripts/test-python.sh -q -k test_stubtest

REQ="$ROOT/risk-py/requirements-spark.txt"
stamp="$VENV/.requirements-spark.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing Spark requirements into .venv"
  "$VENV/bin/python" -m pip install -q -r "$REQ"
  echo "$want" > "$stamp"
fi

echo "== pytest (Spark)"
cd "$ROOT/risk-py/tests-spark"
"$VENV/bin/python" -m pytest -p no:cacheprovider -ra -W ignore::FutureWarning "$@"
