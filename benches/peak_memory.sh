#!/usr/bin/env bash
# Peak memory (max RSS, /usr/bin/time -v) of one full rating from the file bytes, native release
# build, for the national sample, 100,000 organisations and one trust with 200,000 findings.
# Writes target/bench/peak_memory.json: [{"case", "bytes", "max_rss_kib", "ratio"}], where ratio
# is peak RSS over document size (what sizes the default limits in risk-core/src/input/limits.rs).
#     bash benches/peak_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
cargo build --release --locked -q -p risk-core --example gen_sample --example time_rate
bin=target/release/examples
[ -f "$out/national.json" ] || "$bin/gen_sample" --national --out "$out/national.json" >/dev/null 2>&1
[ -f "$out/orgs_100k.json" ] || "$bin/gen_sample" --organisations 100000 --out "$out/orgs_100k.json" >/dev/null 2>&1
[ -f "$out/findings_200k.json" ] || python3 - "$out/findings_200k.json" <<'PY'
import json, sys
cv = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N"]
f = [{"id": f"F-{i}", "kind": "vulnerability", "cvss": cv[i % 2], "internet_facing": i % 3 == 0,
      "asset_criticality": "medium", "first_seen": "2025-08-01"} for i in range(200_000)]
json.dump({"as_of": "2025-09-30", "organisations": [{"id": "RX1", "peer_group": "acute", "findings": f}]},
          open(sys.argv[1], "w"))
PY
echo "[" > "$out/peak_memory.json"
sep=""
for c in national orgs_100k findings_200k; do
  f="$out/$c.json"
  rss=$( { /usr/bin/time -v "$bin/time_rate" "$f" --repeat 1 >/dev/null; } 2>&1 | sed -n 's/.*Maximum resident set size (kbytes): //p')
  bytes=$(stat -c %s "$f")
  ratio=$(python3 -c "print(round($rss * 1024 / $bytes, 2))")
  echo "$c: $bytes bytes, peak RSS $rss KiB ($ratio x the document)"
  printf '%s{"case": "%s", "bytes": %s, "max_rss_kib": %s, "ratio": %s}\n' "$sep" "$c" "$bytes" "$rss" "$ratio" >> "$out/peak_memory.json"
  sep=","
done
echo "]" >> "$out/peak_memory.json"
