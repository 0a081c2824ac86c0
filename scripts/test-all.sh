#!/usr/bin/env bash
# Install everything the tests need and run every suite: Rust, the independent reference
# (conformance), Python, WASM in Node and the portal page in a real browser, and a libFuzzer smoke
# run. Each suite installs its own tools (apt, pip in a venv, npm, cargo install) and is
# idempotent. A suite that cannot run fails; the one exception is the libFuzzer smoke run, which
# needs a nightly toolchain that cannot be installed offline: without one it says so plainly and
# the committed fuzz corpora are still replayed on stable by the Rust suite.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(rust reference python wasm fuzz)
passed=0
failed=0
failures=()
for s in "${suites[@]}"; do
  echo
  echo "################ suite: $s ################"
  start=$(date +%s)
  if bash "scripts/test-$s.sh"; then
    passed=$((passed + 1))
    echo "suite $s: passed in $(( $(date +%s) - start ))s"
  else
    failed=$((failed + 1))
    failures+=("$s")
    echo "suite $s: FAILED after $(( $(date +%s) - start ))s"
  fi
done
echo
[ ${#failures[@]} -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
