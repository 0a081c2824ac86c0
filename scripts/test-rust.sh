#!/usr/bin/env bash
# Rust suite: formatting, lints, unit/integration/property/doc tests, rustdoc, and the main job.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test (risk-core: unit, integration, proptest, doctests)"
cargo test -p risk-core --locked

echo "== the TypeScript declarations agree with the Rust types (schema feature)"
cargo test -p risk-core --locked --features schema --test typescript_types

echo "== the whole risk-core suite again with --features parallel (vectors, golden_draws, ...)"
cargo test -p risk-core --locked --features parallel

echo "== rustdoc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p risk-core --no-deps --locked --quiet

echo "== main job: rate the bundled sample"
cargo run --release --locked --example rate > target/rate-summary.txt
head -n 8 target/rate-summary.txt
grep -q "Peer groups" target/rate-summary.txt
grep -q "^Probabilities: expert judgement — not fitted to incident data" target/rate-summary.txt

echo "== main job: --json output is the section 6.1 document"
cargo run --release --locked --example rate -- --json > target/rate-sample.json
python3 - target/rate-sample.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"as_of", "methodology", "methodology_version", "provenance", "ratings", "peer_groups", "suppliers", "groups"}, set(doc)
assert set(doc["provenance"]) == {"input_digest", "methodology", "methodology_version", "methodology_digest", "engine_version"}
keys = {"id", "peer_group", "score", "band", "interval", "probability", "probability_interval",
        "internal_probability", "supply_probability", "basis", "coverage", "peer_percentile",
        "factors", "drivers"}
optional = {"evidence_as_of", "stale", "disputes"}  # section 10 and 11: present only when they apply
assert len(doc["ratings"]) >= 100
for r in doc["ratings"]:
    assert keys <= set(r) <= keys | optional, set(r) ^ keys
    assert 250 <= r["interval"][0] <= r["score"] <= r["interval"][1] <= 900
    assert len(r["factors"]) == 14 and len(r["drivers"]) <= 5
    for f in r["factors"]:
        assert set(f) == {"id", "mean", "lower", "upper", "evidence", "points"}
    for d in r["drivers"]:
        assert set(d) == {"kind", "reference", "impact", "reason"} and d["kind"] in ("assessment", "metric", "finding", "dependency")
for g in doc["peer_groups"]:
    assert set(g) == {"peer_group", "n", "min", "p25", "median", "p75", "max"}
for s in doc["suppliers"]:
    assert set(s) == {"id", "dependents", "systemic_exposure"}
for g in doc["groups"]:
    assert set(g) == {"group", "members", "expected_incidents", "p_any_independent"}
    assert 0 <= g["p_any_independent"] <= 1 and g["expected_incidents"] >= g["p_any_independent"] - 1e-12
print(f"--json: {len(doc['ratings'])} ratings, {len(doc['peer_groups'])} peer groups, {len(doc['suppliers'])} suppliers, {len(doc['groups'])} groups: shape ok")
PY

echo "== main job: a bad file is rejected with paths and a non-zero exit"
bad=$(mktemp)
printf '{"as_of": "2025-09-30", "organisations": [{"id": "A", "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}]}, {"id": "A"}]}' > "$bad"
if cargo run --release --locked --quiet --example rate -- "$bad" 2> target/rate-bad.txt; then
  echo "expected a non-zero exit for a bad document"; exit 1
fi
cat target/rate-bad.txt
grep -q "organisations\[1\].id" target/rate-bad.txt
grep -q "organisations\[0\].dependencies\[0\].supplier" target/rate-bad.txt
rm -f "$bad"
echo "Rust suite: ok"
