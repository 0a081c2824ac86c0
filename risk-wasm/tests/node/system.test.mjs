// The system view: the same report as the Rust example (same seed, same figures: integer
// hashing and ChaCha8 only), a what-if with common random numbers, typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { system, samplePortfolio } from "riskrating";
import { assertPlain, thrown } from "./helpers.mjs";

const dir = process.env.RR_SIMULATION_DIR;

test("the bundled sample, 10^4 trials: the Rust example's report, value for value", () => {
  assert.ok(dir, "RR_SIMULATION_DIR is not set: run through scripts/test-wasm.sh");
  const expected = JSON.parse(readFileSync(join(dir, "system_sample.expected.json"), "utf8"));
  const doc = samplePortfolio();
  const t0 = performance.now();
  const report = system(doc, { trials: 10000, seed: 3 });
  const ms = performance.now() - t0;
  assertPlain(report);
  assert.deepStrictEqual(report, expected);
  assert.deepStrictEqual(system(JSON.stringify(doc), JSON.stringify({ trials: 10000, seed: 3 })), expected);
  console.log(`# bundled sample: ${report.trials} trials simulated in ${ms.toFixed(0)} ms (Node, wasm)`);
});

test("hardening a supplier moves the group tail, with the same draws", () => {
  const doc = {
    as_of: "2025-09-30",
    organisations: [
      { id: "A", groups: ["icb:X"], dependencies: [{ supplier: "S", criticality: "critical", access: "admin" }] },
      { id: "B", groups: ["icb:X"], dependencies: [{ supplier: "S", criticality: "critical", access: "admin" }] },
      { id: "S", attestation: { incident_probability: 0.3 } },
    ],
  };
  const base = system(doc, { trials: 5000, seed: 1 });
  const hard = system(doc, { trials: 5000, seed: 1 }, "A", [{ action: "set_dependency_access", supplier: "S", access: "none" }]);
  const tail = (r) => r.groups[0].tail.find((t) => t.k === 2).p;
  assert.ok(tail(hard) < tail(base), `${tail(hard)} < ${tail(base)}`);
  assert.ok(base.groups[0].tail.find((t) => t.k === 2).multiplier > 1.1);
});

test("bad options are Errors with code and path", () => {
  const doc = samplePortfolio({ organisations: 40, seed: 1 });
  let e = thrown(() => system(doc, { ks: [1, 0] }));
  assert.deepStrictEqual([e.kind, e.code, e.path], ["system", "invalid_threshold", "ks[1]"]);
  e = thrown(() => system(doc, { trials: 0 }));
  assert.deepStrictEqual([e.code, e.path], ["invalid_trials", "trials"]);
  e = thrown(() => system(doc, { trails: 5 }));
  assert.deepStrictEqual([e.code, e.path], ["unknown_field", "trails"]);
});
