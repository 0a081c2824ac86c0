#!/usr/bin/env bash
# Install everything the tests need and run every suite: Rust, the independent reference
# (conformance), Python, WASM in Node and the portal page in a real browser, and a libFuzzer smoke
# run. Each suite installs its own tools (apt, pip in a venv, npm, cargo install) and is
# idempotent.
#
# Adding a suite is one line in SUITES below: its script is scripts/test-<name>.sh.
#
# A suite script's exit status is its verdict:
#   0   passed
#   77  skipped: the suite did not run (e.g. no nightly toolchain for libFuzzer). It prints why,
#       and is counted as skipped, never as passed.
#   any other status: failed.
# The run closes with one plain line, `N passed, N failed, N skipped`, after a table of every
# suite's verdict and time; it exits non-zero when any suite failed.
#
# Environment: SUITES="rust python" runs only those (in that order).
set -uo pipefail
cd "$(dirname "$0")/.."

# One line per suite, in the order they run (the Rust suite's release build is reused by later
# suites through the shared target/ directory).
default_suites=(
  rust
  reference
  python
  spark
  wasm
  fuzz
)
if [ -n "${SUITES:-}" ]; then read -r -a suites <<<"$SUITES"; else suites=("${default_suites[@]}"); fi

passed=0
failed=0
skipped=0
summary=()
total_start=$(date +%s)
for s in "${suites[@]}"; do
  echo
  echo "################ suite: $s ################"
  start=$(date +%s)
  if [ ! -f "scripts/test-$s.sh" ]; then
    echo "test-all: scripts/test-$s.sh does not exist"
    rc=1
  else
    bash "scripts/test-$s.sh"
    rc=$?
  fi
  took=$(( $(date +%s) - start ))
  case $rc in
    0) passed=$((passed + 1)); verdict=passed ;;
    77) skipped=$((skipped + 1)); verdict=SKIPPED ;;
    *) failed=$((failed + 1)); verdict="FAILED (exit $rc)" ;;
  esac
  echo "suite $s: $verdict in ${took}s"
  summary+=("$(printf '  %-12s %-18s %6ss' "$s" "$verdict" "$took")")
done
echo
echo "################ summary ################"
printf '%s\n' "${summary[@]}"
echo "  total: $(( $(date +%s) - total_start ))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
