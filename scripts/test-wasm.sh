#!/usr/bin/env bash
# WASM suite: build the npm package, then test it in Node (node --test) and the portal page in
# Debian's Chromium driven by playwright-core. Installs what it needs (apt: chromium, nodejs;
# npm: the test dependencies; cargo: wasm-bindgen-cli via build-wasm.sh), is idempotent, skips
# nothing, and exits non-zero on any failure. Screenshots go to artifacts/wasm/ (gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { echo "test-wasm: $*" >&2; }
if [ -d "$HOME/.cargo/bin" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# --- tools ------------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    ensure_apt nodejs npm
fi
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); console.log(a>20||(a===20&&b>=19)?1:0)')
if [ "$node_ok" != 1 ]; then
    say "Node $(node --version) is too old: the package needs Node >= 20.19 (require of ES module snippets)"
    exit 1
fi
if [ ! -x /usr/bin/chromium ]; then ensure_apt chromium; fi
[ -x /usr/bin/chromium ] || { say "/usr/bin/chromium is missing after apt-get"; exit 1; }

# --- the package ---------------------------------------------------------------------------------
bash scripts/build-wasm.sh
# ...and the Node build with a deliberate panic, for the panic-recovery test.
bash scripts/build-wasm.sh --panic-test

say "clippy on risk-wasm (wasm32) and on risk-core with the schema feature"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    cargo clippy -p risk-wasm --target wasm32-unknown-unknown --locked -- -D warnings
else
    say "no rustup wasm32 target: clippy on risk-wasm for the host target"
    cargo clippy -p risk-wasm --locked -- -D warnings
fi
cargo clippy -p risk-core --features schema --all-targets --locked -- -D warnings

cd risk-wasm/tests
say "installing the test dependencies with npm"
npm ci --no-audit --no-fund --loglevel=error >&2
cd "$ROOT"

# --- rating cases: the same files through the Rust example and the package ----------------------
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CASES="$WORK/cases"
mkdir -p "$CASES"
cp risk-core/tests/data/spec_example.json "$CASES/spec_example.json"
cp risk-wasm/tests/data/*.json "$CASES/"
node risk-wasm/tests/generate.mjs 40 3 "$CASES/generated_small.json"
node risk-wasm/tests/generate.mjs 2000 5 "$CASES/generated_large.json"
cargo build --release --locked --example rate --example gen_sample --example quant_sim
# Loss simulations: the Rust example's report for each input, for simulate().
mkdir -p "$WORK/simulation"
for f in risk-wasm/tests/simulation/*.json; do
    out="$WORK/simulation/$(basename "$f" .json).expected.json"
    cargo run --release --locked --quiet --example quant_sim -- "$f" \
        | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s).report)))' > "$out"
    [ -s "$out" ] || { say "quant_sim wrote nothing for $f"; exit 1; }
done
# The system view of the bundled sample, for system() (same seed, same report).
cargo run --release --locked --quiet --example system -- --trials 10000 --seed 3 --json \
    > "$WORK/simulation/system_sample.expected.json"
[ -s "$WORK/simulation/system_sample.expected.json" ] || { say "the system example wrote nothing"; exit 1; }
# The sample generator and the bundled sample's rating, for samplePortfolio.
cargo run --release --locked --quiet --example gen_sample -- --organisations 120 --seed 7 \
    --out "$WORK/sample_120_7.json" 2>/dev/null
cargo run --release --locked --quiet --example rate -- --json > "$WORK/bundled_sample.expected.json"
for f in "$CASES"/*.json; do
    case "$f" in *.expected.json) continue ;; esac
    cargo run --release --locked --quiet --example rate -- "$f" --json > "${f%.json}.expected.json"
    [ -s "${f%.json}.expected.json" ] || { say "the rate example wrote nothing for $f"; exit 1; }
done

say "TypeScript: tsc --noEmit --strict on the usage file"
(cd risk-wasm/tests && npx --no-install tsc -p tsconfig.json)

say "Node tests"
(cd risk-wasm/tests && RR_CASES_DIR="$CASES" RR_SIMULATION_DIR="$WORK/simulation" node --test --test-reporter=spec node/)

say "browser test (Chromium, playwright-core)"
mkdir -p artifacts/wasm
(cd risk-wasm/tests && RR_ARTIFACTS="$ROOT/artifacts/wasm" node --test --test-reporter=spec browser/)
say "all WASM tests passed; screenshots in artifacts/wasm/"
