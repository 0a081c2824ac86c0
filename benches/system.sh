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

run() { "$BIN" "$@" | sed -n 1p; }
secs() { sed -E 's/.*rated in ([0-9.]+) s, simulated in ([0-9.]+) s.*/\1 \2/'; }

nat=$(run --organisations 50000 --trials "$TRIALS" --no-attribution)
read -r nat_rate nat_sim <<<"$(echo "$nat" | secs)"
nat_total=$(awk -v a="$nat_rate" -v b="$nat_sim" 'BEGIN { printf "%.2f", a + b }')
nat_attr=$(run --organisations 50000 --trials "$TRIALS")
read -r nat_rate_attr nat_sim_attr <<<"$(echo "$nat_attr" | secs)"
enn=$("$BIN" --organisations 50000 --trials 1000 --no-attribution | sed -nE 's/^Whole portfolio: E\[N\] = ([0-9.]+).*/\1/p')
small=$(run --trials 10000)
read -r small_rate small_sim <<<"$(echo "$small" | secs)"

wasm="not measured (build the package with scripts/build-wasm.sh)"
if [ -f risk-wasm/pkg/node/risk_wasm.js ]; then
  wasm=$(node -e '
    const rr = require("./risk-wasm/pkg/node/risk_wasm.js");
    const doc = rr.samplePortfolio();
    const median = (trials) => {
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        rr.system(doc, { trials, seed: 1 });
        runs.push(performance.now() - t0);
      }
      return runs.sort((a, b) => a - b)[2];
    };
    median(1000); // warm-up: the engine compiles the module in tiers
    const one = median(1), all = median(10000);
    console.log(`${(all / 1000).toFixed(3)} s (median of 5; of which ${(one / 1000).toFixed(3)} s is the same call with 1 trial: parse, check, rate, report)`);')
fi

per_trial() { awk -v s="$1" -v t="$2" 'BEGIN { printf "%.3f ms", 1000 * s / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
section=$(cat <<MD
<!-- system:begin (benches/system.sh writes this section) -->
## System view: the cascade Monte Carlo

\`bash benches/system.sh\` on $(nproc) cores shared with other work ($(date -u +%Y-%m-%d), load average
$(cut -d' ' -f1 /proc/loadavg) when it started); release build, single-threaded. Each trial makes one hash per eight
organisations for the internal incidents (8-bit lanes compared bytewise, refined on ties) and
one per out-edge of each compromised supplier, then counts the compromised members per group
over a bitset (docs/methodology.md section 17.4). "time" is the simulation alone. The baseline
is rating the same portfolio, which the simulation starts from; it is computed once and shared.

| run | trials | time | per trial | baseline: rating the same portfolio | time / baseline |
|---|---:|---:|---:|---:|---:|
| national sample (50,000 orgs, 39 groups), no attribution | $TRIALS | ${nat_sim} s | $(per_trial "$nat_sim" "$TRIALS") | ${nat_rate} s | $(ratio "$nat_sim" "$nat_rate") |
| national sample, 10 suppliers attributed | $TRIALS | ${nat_sim_attr} s | $(per_trial "$nat_sim_attr" "$TRIALS") | ${nat_rate_attr} s | $(ratio "$nat_sim_attr" "$nat_rate_attr") |
| bundled sample (300 orgs), native | 10000 | ${small_sim} s | $(per_trial "$small_sim" 10000) | ${small_rate} s | |
| bundled sample, WebAssembly in Node | 10000 | ${wasm} | | |

On the national sample about ${enn} organisations are compromised in an average trial (Σ P over
50,000). Goal: 10⁵ national trials in ≤ 10 s single-threaded; the simulation alone took
${nat_sim} s, and ${nat_total} s with the rating it starts from.
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
