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
# Environment: FUZZ_SECONDS (default 15) per target; FUZZ_TARGETS (default: every target);
# FUZZ_TOOLCHAIN (default nightly).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-15}
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

# No cargo-fuzz: installing it cost minutes of every fresh CI run. The targets are built the way
# `cargo fuzz build` builds them (the same sanitizer-coverage flags, `--cfg fuzzing`, debug
# assertions and overflow checks), with plain cargo into target/fuzz, so the build is cached in
# the checkout's target/ like every other suite's. No AddressSanitizer by default: risk-core is
# `#![forbid(unsafe_code)]`, so ASan's instrumentation (and its cost) finds nothing libFuzzer's
# own crash/timeout/OOM detection does not; FUZZ_SANITIZER=address turns it on.
triple=$(rustup run "$tc" rustc -vV | sed -n 's/^host: //p')
flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
flags+=" --cfg fuzzing -Cdebug-assertions -Coverflow-checks -Cforce-frame-pointers"
[ -n "${FUZZ_SANITIZER:-}" ] && flags+=" -Zsanitizer=$FUZZ_SANITIZER"
export CARGO_TARGET_DIR="$PWD/target/fuzz"
build() {
  RUSTFLAGS="$flags" cargo "+$tc" build --release --manifest-path fuzz/Cargo.toml --target "$triple" "$@"
}

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -vx 'risk-fuzz\|risk_fuzz')
fi
[ ${#targets[@]} -gt 0 ] || { echo "test-fuzz: no fuzz targets found" >&2; exit 1; }

echo "test-fuzz: building ${targets[*]} (target/fuzz)"
build --bins || { echo "test-fuzz: build failed" >&2; exit 1; }
bindir="$CARGO_TARGET_DIR/$triple/release"

mkdir -p fuzz/artifacts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$scratch/$t/"
  echo "test-fuzz: $t for ${seconds}s"
  log="$scratch/$t.log"
  if "$bindir/$t" "$scratch/$t" -artifact_prefix="fuzz/artifacts/$t-" \
        -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 >"$log" 2>&1; then
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
