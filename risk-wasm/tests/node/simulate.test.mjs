// Loss simulation: the same report as the Rust example (bit for bit: every draw uses libm), from
// objects or JSON text, with a portfolio rating, and typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { simulate, simulateScenarios, simulationFromScenarios, ratePortfolio } from "riskrating";
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

test("a simulation split by scenario (simulateScenarios, simulationFromScenarios) equals simulate bit for bit", () => {
  const rating = ratePortfolio(specExample());
  const input = {
    trials: 5000, seed: 11, mode: "compound",
    scenarios: [
      { name: "ransomware", frequency: { from_rating: "RBS" }, primary_loss: { type: "lognormal_ci", low: 1e5, high: 5e6 } },
      { name: "supplier outage", frequency: { lef: 0.4 }, primary_loss: { type: "pert", min: 1e4, mode: 5e4, max: 1e6 } },
      { name: "phishing", frequency: { lef: 2.5 }, primary_loss: 2e4 },
    ],
  };
  const whole = simulate(input, rating);
  // Two "workers": scenarios 2 and 0 in one, 1 in the other (any order within a piece).
  const [p2, p0] = simulateScenarios(input, [2, 0], rating);
  const [p1] = simulateScenarios(JSON.stringify(input), new Uint32Array([1]), rating);
  assert.ok(p0 instanceof Float64Array && p0.length === 5000);
  assert.deepStrictEqual(simulationFromScenarios(input, [p0, p1, p2], rating), whole);
  // Plain arrays of numbers are accepted too; the order of the pieces is the scenarios' order.
  assert.deepStrictEqual(simulationFromScenarios(input, [Array.from(p0), p1, p2], rating), whole);
  assert.notDeepStrictEqual(simulationFromScenarios(input, [p1, p0, p2], rating), whole);
  // Bad arguments are Errors with code and path.
  const cases = [
    [() => simulateScenarios(input, [3], rating), "invalid_scenario", "scenarios"],
    [() => simulateScenarios(input, [0.5], rating), "invalid_count", "indices[0]"],
    [() => simulateScenarios(input, 1, rating), "wrong_type", "indices"],
    [() => simulationFromScenarios(input, [p0, p1], rating), "invalid_scenario", "scenarios"],
    [() => simulationFromScenarios(input, [p0, p1, p2.subarray(1)], rating), "invalid_trials", "trials"],
    [() => simulationFromScenarios(input, [p0, p1, [...p2.slice(0, 4999), "x"]], rating), "wrong_type", "losses[2][4999]"],
    [() => simulationFromScenarios(input, [p0, p1, Float64Array.from(p2, (x, t) => (t === 9 ? NaN : x))], rating), "invalid_scenario", "losses[2][9]"],
  ];
  for (const [call, code, path] of cases) {
    const e = thrown(call);
    assert.ok(e instanceof Error);
    assert.deepStrictEqual([e.code, e.path], [code, path], e.message);
  }
});
