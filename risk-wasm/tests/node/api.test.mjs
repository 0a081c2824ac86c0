// The rest of the API: version, methodology, what-if, plans, history; plain outputs; inputs as
// objects or JSON text; a large document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as rr from "riskrating";
import { assertPlain, assertSameRating, specExample, thrown } from "./helpers.mjs";

const edit = (fn) => {
  const doc = specExample();
  fn(doc, doc.organisations[0]);
  return doc;
};
import { generate } from "../generate.mjs";

const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("version is the package version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../node_modules/riskrating/package.json", import.meta.url), "utf8"));
  assert.equal(rr.version(), pkg.version);
  assert.match(rr.version(), /^\d+\.\d+\.\d+/);
});

test("the package exports exactly the documented functions", () => {
  const names = Object.keys(rr).filter((k) => k !== "default" && k !== "module.exports").sort();
  assert.deepStrictEqual(names, ["EpssScores", "KevCatalog", "PreparedPortfolio", "calibrate", "change", "compareMethodologies", "defaultLimits", "defaultMethodology", "enrich", "errorCodes", "evaluateCalibration", "history", "ingestFiles", "ingestNessus", "ingestOcsf", "mergeEvidence", "methodologyFromJson", "methodologyFromToml", "methodologyLabel", "plan", "portfolioFromTables", "portfolioToTables", "rateFromInternal", "rateInternal", "ratePortfolio", "ratePortfolioJson", "samplePortfolio", "simulate", "simulateScenarios", "simulationFromScenarios", "system", "tableSchema", "validate", "version", "whatIf"].sort());
});

test("defaultMethodology is a plain document that rates like the built-in default", () => {
  const m = rr.defaultMethodology();
  assertPlain(m);
  assert.equal(m.id, "nhs-caf-v1");
  assert.equal(m.factors.length, 14);
  const doc = specExample();
  assert.deepStrictEqual(rr.ratePortfolio(doc, m), rr.ratePortfolio(doc));
  assert.deepStrictEqual(rr.ratePortfolio(doc, JSON.stringify(m)), rr.ratePortfolio(doc, null));
});

test("a changed methodology changes the rating (the argument is used)", () => {
  const m = rr.defaultMethodology();
  m.model.intercept -= 1;
  const doc = specExample();
  assert.ok(rr.ratePortfolio(doc, m).ratings[0].score > rr.ratePortfolio(doc).ratings[0].score);
});

test("JSON text with a byte-order mark, JSON text and objects give the same rating", () => {
  const doc = specExample();
  const a = rr.ratePortfolio(doc);
  assert.deepStrictEqual(rr.ratePortfolio(JSON.stringify(doc)), a);
  assert.deepStrictEqual(rr.ratePortfolio("\uFEFF" + JSON.stringify(doc, null, 2)), a);
});

test("whatIf with no actions changes nothing", () => {
  const doc = specExample();
  const base = rr.ratePortfolio(doc).ratings[0];
  const w = rr.whatIf(doc, "RBS", []);
  assertPlain(w);
  assert.equal(w.organisation, "RBS");
  assert.equal(w.delta, 0);
  assert.equal(w.score_before, base.score);
  assert.equal(w.score_after, base.score);
  assert.deepStrictEqual(w.dependants, []);
});

test("whatIf resolve_finding equals rating the edited document", () => {
  const doc = specExample();
  const w = rr.whatIf(JSON.stringify(doc), "RBS", JSON.stringify([{ action: "resolve_finding", finding: "F-17" }]));
  doc.organisations[0].findings[0].resolved_on = doc.as_of;
  const edited = rr.ratePortfolio(doc).ratings[0];
  close(w.score_after, edited.score, "score");
  assert.ok(w.delta > 0);
  close(w.delta, w.score_after - w.score_before, "delta");
  assert.deepStrictEqual(w.actions, [{ action: "resolve_finding", finding: "F-17" }]);
  assert.equal(w.rating.id, "RBS");
});

test("whatIf on a supplier reaches its dependants", () => {
  const doc = specExample();
  const w = rr.whatIf(doc, "SUP-PATH", [
    { action: "set_assessment", control: "B2.a", outcome: "not_achieved", assurance: "independent_audit" },
  ]);
  assert.ok(w.delta < 0);
  assert.equal(w.dependants.length, 1);
  assert.equal(w.dependants[0].id, "RBS");
  assert.ok(w.dependants[0].delta < 0);
});

test("plan steps are what-ifs, best first, and score_with_all applies them together", () => {
  const doc = specExample();
  const p = rr.plan(doc, "RBS", 3);
  assertPlain(p);
  assert.equal(p.organisation, "RBS");
  assert.ok(p.steps.length >= 1 && p.steps.length <= 3);
  assert.ok(p.candidates >= p.steps.length);
  for (let i = 1; i < p.steps.length; i++) assert.ok(p.steps[i - 1].gain >= p.steps[i].gain);
  for (const s of p.steps) close(rr.whatIf(doc, "RBS", [s.action]).delta, s.gain, JSON.stringify(s.action));
  close(rr.whatIf(doc, "RBS", p.steps.map((s) => s.action)).score_after, p.score_with_all, "score_with_all");
  assert.equal(rr.plan(doc, "RBS").steps.length, Math.min(5, p.candidates));
});

test("history at as_of equals the rating; earlier dates leave later evidence out", () => {
  const doc = specExample();
  const rating = rr.ratePortfolio(doc);
  const h = rr.history(doc, ["2025-01-01", doc.as_of]);
  assertPlain(h);
  assert.deepStrictEqual(h.dates, ["2025-01-01", doc.as_of]);
  assert.deepStrictEqual(h.series.map((s) => s.id), rating.ratings.map((r) => r.id));
  const rbs = h.series[0].points;
  assert.equal(rbs[1].score, rating.ratings[0].score);
  assert.equal(rbs[0].basis, "prior");
  const early = specExample();
  early.as_of = "2025-01-01";
  assert.equal(rbs[0].score, rr.ratePortfolio(early).ratings[0].score);
});

test("a large portfolio (3,000 organisations, one trust with 3,000 findings) rates as an object and as text", () => {
  const doc = generate(3000, 11);
  const t0 = performance.now();
  const a = rr.ratePortfolio(doc);
  const t1 = performance.now();
  const b = rr.ratePortfolio(JSON.stringify(doc));
  assert.equal(a.ratings.length, 3000);
  assert.deepStrictEqual(a, b);
  const t2 = performance.now();
  const w = rr.whatIf(doc, "ORG-00000", [{ action: "resolve_finding", finding: "F-1" }]);
  const t3 = performance.now();
  assert.equal(w.organisation, "ORG-00000");
  console.log(`# large: rate ${(t1 - t0).toFixed(0)} ms (object), what-if ${(t3 - t2).toFixed(0)} ms (Node, wasm)`);
});

test("samplePortfolio equals the Rust generator's document and is deterministic", () => {
  const dir = process.env.RR_CASES_DIR;
  const expected = JSON.parse(readFileSync(`${dir}/../sample_120_7.json`, "utf8"));
  const doc = rr.samplePortfolio({ organisations: 120, seed: 7 });
  assertPlain(doc);
  assert.deepStrictEqual(doc, expected);
  assert.deepStrictEqual(rr.samplePortfolio(JSON.stringify({ organisations: 120, seed: 7 })), doc);
  assert.notDeepStrictEqual(rr.samplePortfolio({ organisations: 120, seed: 8 }), doc);
  assert.equal(rr.samplePortfolio().organisations.length, 300);
});

test("the default sample rates exactly like the Rust example's bundled sample", () => {
  const expected = JSON.parse(readFileSync(`${process.env.RR_CASES_DIR}/../bundled_sample.expected.json`, "utf8"));
  assertSameRating(rr.ratePortfolio(rr.samplePortfolio()), expected);
});

test("samplePortfolio rejects a bad configuration with its path", () => {
  const cases = [
    [{ organisations: 1.5 }, "wrong_type", "config.organisations"],
    [{ organisations: 10, colour: 1 }, "unknown_field", "config.colour"],
    [{ as_of: "2025-02-30" }, "invalid_date", "config.as_of"],
    [{ organisations: 1e7 }, "limit_exceeded", "config.organisations"],
    [{ seed: -1 }, "wrong_type", "config.seed"],
    ["{", "malformed_json", "config"],
    [5, "wrong_type", "config"],
  ];
  for (const [config, code, path] of cases) {
    const e = thrown(() => rr.samplePortfolio(config));
    assert.deepStrictEqual([e.code, e.path], [code, path], JSON.stringify(config));
  }
});

test("PreparedPortfolio gives what the functions give, without re-checking", () => {
  const doc = specExample();
  const p = new rr.PreparedPortfolio(doc);
  assert.deepStrictEqual(p.rate(), rr.ratePortfolio(doc));
  const actions = [{ action: "resolve_finding", finding: "F-17" }];
  assert.deepStrictEqual(p.whatIf("RBS", actions), rr.whatIf(doc, "RBS", actions));
  assert.deepStrictEqual(p.plan("RBS", 2), rr.plan(doc, "RBS", 2));
  assert.deepStrictEqual(p.history(["2025-01-01"]), rr.history(doc, ["2025-01-01"]));
  let e = thrown(() => p.whatIf("NOPE", []));
  assert.deepStrictEqual([e.code, e.path], ["unknown_organisation", "organisation"]);
  e = thrown(() => new rr.PreparedPortfolio(edit((d, o) => { o.colour = 1; })));
  assert.deepStrictEqual([e.code, e.path], ["unknown_field", "organisations[0].colour"]);
  p.free();
  assert.throws(() => p.rate());
});

test("methodologyLabel says where the probabilities come from (calibration-v1 3.6)", () => {
  assert.equal(rr.methodologyLabel(), "expert judgement — not fitted to incident data");
  assert.equal(rr.methodologyLabel(rr.defaultMethodology()), rr.methodologyLabel(null));
  assert.throws(() => rr.methodologyLabel("{"), (e) => e.name === "RiskRatingError" && e.code === "invalid_methodology");
});
