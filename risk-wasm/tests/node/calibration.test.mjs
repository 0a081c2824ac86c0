// Calibration (calibration-v1) through the Node package: the report equals the Rust example
// `calibrate --report` on the same files, the fitted methodology rates, errors name their path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as rr from "riskrating";
import { thrown } from "./helpers.mjs";

const dir = new URL("../../../tests/vectors/calibration/", import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), "utf8");
const [portfolio, incidents, config] = ["portfolio.json", "incidents.json", "config.json"].map(read);

test("calibrate: the report equals the Rust example's --report", () => {
  const { report, methodology } = rr.calibrate(portfolio, incidents, config);
  assert.deepStrictEqual(report, JSON.parse(read("report.expected.json")));
  assert.equal(methodology.id, "nhs-caf-v1-fitted");
  const rated = rr.ratePortfolio(portfolio, methodology);
  assert.equal(rated.methodology, "nhs-caf-v1-fitted");
  assert.ok(rated.ratings.length > 0);
});

test("evaluateCalibration: the report equals the Rust example's --evaluate --report", () => {
  const { report, methodology } = rr.evaluateCalibration(portfolio, incidents, JSON.parse(config));
  assert.equal(methodology, null);
  // An object argument is re-serialised, so only the data digest may differ.
  const want = JSON.parse(read("evaluate.expected.json"));
  assert.deepStrictEqual({ ...report, data_digest: "" }, { ...want, data_digest: "" });
  assert.deepStrictEqual(rr.evaluateCalibration(portfolio, incidents, config).report, want);
});

test("a bad incident document throws with category, document and path", () => {
  const bad = { incidents: [{ id: "X", organisation: "NOPE", occurred_on: "2024-01-01", origin: "internal" }] };
  const e = thrown(() => rr.calibrate(portfolio, bad, config));
  assert.equal(e.code, "unknown_organisation");
  assert.equal(e.kind, "calibration");
  assert.equal(e.category, "unknown_organisation");
  assert.equal(e.document, "incidents");
  assert.equal(e.path, "incidents[0].organisation");
});
