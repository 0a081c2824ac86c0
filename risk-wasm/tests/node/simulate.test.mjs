// Loss simulation: the same report as the Rust example (bit for bit: every draw uses libm), from
// objects or JSON text, with a portfolio rating, and typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simulate, ratePortfolio } from "riskrating";
import { assertPlain, specExample, thrown } from "./helpers.mjs";

const INPUTS = new URL("../simulation/", import.meta.url);
const dir = process.env.RR_SIMULATION_DIR;

test("every simulation input gives the Rust example's report, value for value", () => {
  assert.ok(dir, "RR_SIMULATION_DIR is not set: run through scripts/test-wasm.sh");
  const names = readdirSync(INPUTS).filter((f) => f.endsWith(".json"));
  assert.ok(names.length >= 1);
  for (const name of names) {
    const text = readFileSync(new URL(name, INPUTS), "utf8");
    const expected = JSON.parse(readFileSync(join(dir, name.replace(/\.json$/, ".expected.json")), "utf8"));
    const t0 = performance.now();
    const report = simulate(text);
    const ms = performance.now() - t0;
    assertPlain(report);
    assert.deepStrictEqual(report, expected, name);
    assert.deepStrictEqual(simulate(JSON.parse(text)), expected, name);
    console.log(`# ${name}: ${report.trials} trials simulated in ${ms.toFixed(0)} ms (Node, wasm)`);
  }
});

test("from_rating scenarios take the figures of a portfolio rating passed alongside", () => {
  const rating = ratePortfolio(specExample());
  const rbs = rating.ratings[0];
  const input = {
    trials: 20000, seed: 3,
    scenarios: [{ name: "major incident", frequency: { from_rating: "RBS" }, primary_loss: 1e6 }],
  };
  const withRating = simulate(input, rating);
  const withLink = simulate({ ...input, ratings: { RBS: { probability: rbs.probability, probability_interval: rbs.probability_interval } } });
  assert.deepStrictEqual(withRating, withLink);
  assert.equal(withRating.organisations[0].id, "RBS");
  const e = thrown(() => simulate(input));
  assert.deepStrictEqual([e.code, e.path], ["unknown_organisation", "scenarios[0].frequency.from_rating"]);
});

test("simulation errors are Errors with code and path", () => {
  const base = { trials: 1000, scenarios: [{ name: "a", frequency: { lef: 1 }, primary_loss: 10 }] };
  const cases = [
    [{ ...base, trails: 5 }, "unknown_field", "trails"],
    [{ ...base, scenarios: [{ name: "a", frequency: { lef: 1 }, primary_loss: { type: "pert", min: 5, mode: 1, max: 10 } }] }, "invalid_parameter", "scenarios[0].primary_loss.mode"],
    [{ ...base, trials: 0 }, "invalid_trials", "trials"],
    [{ ...base, scenarios: [{ name: "a", frequency: { tef: 1, vulnerability: 1.5 }, primary_loss: 10 }] }, "invalid_parameter", "scenarios[0].frequency.vulnerability.value"],
    [{ ...base, scenarios: [{ name: "a", frequency: { lef: NaN }, primary_loss: 10 }] }, "invalid_number", "scenarios[0].frequency.lef"],
    ["{", "malformed_json", ""],
  ];
  for (const [input, code, path] of cases) {
    const e = thrown(() => simulate(input));
    assert.equal(e.code, code, e.message);
    assert.equal(e.path, path, e.message);
  }
  const e = thrown(() => simulate(base, { as_of: "2025-09-30" }));
  assert.equal(e.code, "missing_field");
  assert.match(e.path, /^rating/);
});
