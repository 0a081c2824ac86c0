#!/usr/bin/env bash
# The system view's cost (issue 15): the cascade Monte Carlo on the national sample (50,000
# organisations) and on the bundled sample, natively (release, single-threaded: the default
# build has no `parallel` feature) and in WebAssembly under Node. The baseline measured in the
# same run is rating the same portfolio. Writes the "System view" section of BENCHMARKS.md
# (between its markers) and prints it.
#
#   bash benches/system.sh                 # 10^5 trials on the national sample (the issue's figure)
#   TRIALS=10000 bash benches/system.sh    # a quicker run
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${TRIALS:-100000}
cargo build --release --locked --quiet -p risk-core --example system
BIN=target/release/examples/system

run() { "$BIN" "$@" | head -n 1; }
secs() { sed -E 's/.*rated in ([0-9.]+) s, simulated in ([0-9.]+) s.*/\1 \2/'; }

nat=$(run --organisations 50000 --trials "$TRIALS" --no-attribution)
read -r nat_rate nat_sim <<<"$(echo "$nat" | secs)"
nat_attr=$(run --organisations 50000 --trials "$TRIALS")
read -r _ nat_sim_attr <<<"$(echo "$nat_attr" | secs)"
enn=$("$BIN" --organisations 50000 --trials 1000 --no-attribution | sed -nE 's/^Whole portfolio: E\[N\] = ([0-9.]+).*/\1/p')
small=$(run --trials 10000)
read -r small_rate small_sim <<<"$(echo "$small" | secs)"

wasm="not measured (build the package with scripts/build-wasm.sh)"
if [ -f risk-wasm/pkg/node/risk_wasm.js ]; then
  wasm=$(node -e '
    const rr = require("./risk-wasm/pkg/node/risk_wasm.js");
    const doc = rr.samplePortfolio();
    rr.system(doc, { trials: 1000, seed: 1 });
    const t0 = performance.now();
    rr.system(doc, { trials: 10000, seed: 1 });
    console.log(((performance.now() - t0) / 1000).toFixed(3) + " s");')
fi

per_trial() { awk -v s="$1" -v t="$2" 'BEGIN { printf "%.3f ms", 1000 * s / t }'; }
section=$(cat <<MD
<!-- system:begin (benches/system.sh writes this section) -->
## System view: the cascade Monte Carlo

\`bash benches/system.sh\` on $(nproc) cores shared with other work ($(date -u +%Y-%m-%d)); release build,
single-threaded. Each trial makes one hash per organisation (internal incidents) and one per
out-edge of each compromised organisation (the cascade), then counts the compromised members
per group (docs/methodology.md section 17.4).

| run | trials | time | per trial | baseline: rating the same portfolio |
|---|---:|---:|---:|---:|
| national sample (50,000 orgs, 39 groups), no attribution | $TRIALS | ${nat_sim} s | $(per_trial "$nat_sim" "$TRIALS") | ${nat_rate} s |
| national sample, 10 suppliers attributed | $TRIALS | ${nat_sim_attr} s | $(per_trial "$nat_sim_attr" "$TRIALS") | ${nat_rate} s |
| bundled sample (300 orgs), native | 10000 | ${small_sim} s | $(per_trial "$small_sim" 10000) | ${small_rate} s |
| bundled sample, WebAssembly in Node | 10000 | ${wasm} | | |

On the national sample about ${enn} organisations are compromised in an average trial (Σ P over
50,000), so the cascade touches ${enn} organisations and their out-edges per trial.
<!-- system:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
text = open("BENCHMARKS.md", encoding="utf-8").read()
if "<!-- system:begin" in text:
    text = re.sub(r"<!-- system:begin.*?<!-- system:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w", encoding="utf-8").write(text)
PY
echo "$section"
