#!/usr/bin/env bash
# Smoke run of every cargo-fuzz target (fuzz/fuzz_targets) for a short time each, starting from
# the committed corpus (fuzz/corpus/<target>, copied to a scratch directory so the run does not
# grow the committed one).
#
# libFuzzer needs a nightly toolchain (-Z sanitizer flags). When none is installed — it cannot
# be downloaded offline — the smoke run is reported as not possible and the script exits 77
# (scripts/test-all.sh counts that as SKIPPED, never as passed): the
# corpus replay in `cargo test` (risk-core/tests/fuzz_corpus.rs) runs every committed input
# through the same checks on stable. When nightly exists, a failing run (a crash, a timeout, an
# out-of-memory, a build failure) exits non-zero.
#
# Environment: FUZZ_SECONDS (default 25) per target; FUZZ_TARGETS (default: every target);
# FUZZ_TOOLCHAIN (default nightly).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-25}
tc=${FUZZ_TOOLCHAIN:-nightly}

has_toolchain() {
  command -v rustup >/dev/null 2>&1 && rustup run "$tc" rustc --version >/dev/null 2>&1
}

if ! has_toolchain; then
  echo "test-fuzz: no $tc Rust toolchain on this machine: the libFuzzer smoke run is NOT"
  echo "test-fuzz: possible (it needs nightly, which cannot be installed offline)."
  echo "test-fuzz: the committed corpora are still exercised on stable by"
  echo "test-fuzz: 'cargo test -p risk-core --test fuzz_corpus' (part of scripts/test-rust.sh)."
  echo "test-fuzz: SKIPPED"
  exit 77
fi
echo "test-fuzz: $(rustup run "$tc" rustc --version)"

if ! cargo "+$tc" fuzz --version >/dev/null 2>&1; then
  echo "test-fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked || { echo "test-fuzz: cargo install cargo-fuzz failed" >&2; exit 1; }
fi

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(cd fuzz && cargo "+$tc" fuzz list)
fi
[ ${#targets[@]} -gt 0 ] || { echo "test-fuzz: no fuzz targets found" >&2; exit 1; }

# Build once (debug assertions on: overflow checks), then run each target.
(cd fuzz && cargo "+$tc" fuzz build -a) || { echo "test-fuzz: build failed" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$scratch/$t/"
  echo "test-fuzz: $t for ${seconds}s"
  log="$scratch/$t.log"
  if (cd fuzz && cargo "+$tc" fuzz run -a "$t" "$scratch/$t" -- \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1) >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" | sed "s/^/test-fuzz: $t: /"
  else
    echo "test-fuzz: $t FAILED; the end of its log:"
    tail -n 60 "$log"
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-fuzz: failed targets: ${failed[*]} (crashing inputs under fuzz/artifacts/)"
  exit 1
fi
echo "test-fuzz: ${#targets[@]} targets ran ${seconds}s each without a failure"
