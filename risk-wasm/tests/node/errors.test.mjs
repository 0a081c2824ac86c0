// Every error case gives a real Error with the right code and path, from ratePortfolio (thrown)
// and from validate (reported), and the module keeps working afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ratePortfolio, validate, whatIf, plan, history, defaultMethodology } from "riskrating";
import { specExample, thrown } from "./helpers.mjs";

const RBS = "organisations[0]";
const F0 = `${RBS}.findings[0]`;
const M0 = `${RBS}.metrics[0]`;
const A0 = `${RBS}.assessments[0]`;
const D0 = `${RBS}.dependencies[0]`;
const edit = (fn) => {
  const doc = specExample();
  fn(doc, doc.organisations[0], doc.organisations[1]);
  return doc;
};
const text = (fn) => JSON.stringify(edit(fn));

// [name, input (object or JSON text), code, path]. (invalid_encoding cannot arise from a JS
// string; limit_exceeded, serde_json's nesting limit, cannot be reached by a document whose every
// level is typed: a type error comes first.)
const CASES = [
  ["malformed JSON", '{"as_of": "2025-09-30", "organisations": [', "malformed_json", "organisations"],
  ["trailing characters", '{"as_of": "2025-09-30", "organisations": []} x', "malformed_json", ""],
  ["not an object", "[]", "wrong_type", ""],
  ["organisations not a list", edit((d) => { d.organisations = {}; }), "wrong_type", "organisations"],
  ["epss a string", edit((d, o) => { o.findings[0].epss = "high"; }), "wrong_type", `${F0}.epss`],
  ["unknown field", edit((d, o) => { o.colour = "red"; }), "unknown_field", `${RBS}.colour`],
  ["unknown top-level field", edit((d) => { d.version = 2; }), "unknown_field", "version"],
  ["missing as_of", edit((d) => { delete d.as_of; }), "missing_field", "as_of"],
  ["missing assurance", edit((d, o) => { delete o.assessments[0].assurance; }), "missing_field", `${A0}.assurance`],
  ["duplicate key", '{"as_of": "2025-09-30", "as_of": "2025-09-30", "organisations": []}', "duplicate_key", "as_of"],
  ["10,000-deep nesting", '{"as_of": "2025-09-30", "organisations": ' + "[".repeat(10000) + "]".repeat(10000) + "}", "wrong_type", "organisations[0]"],
  ["a 5,000-character id", `{"as_of": "2025-09-30", "organisations": [{"id": "${"A".repeat(5000)}"}]}`, "limit_exceeded", "organisations[0].id"],
  ["unknown outcome", edit((d, o) => { o.assessments[0].outcome = "done"; }), "unknown_value", `${A0}.outcome`],
  ["unknown assurance", edit((d, o) => { o.assessments[0].assurance = "vibes"; }), "unknown_value", `${A0}.assurance`],
  ["unknown finding kind", edit((d, o) => { o.findings[0].kind = "bug"; }), "unknown_value", `${F0}.kind`],
  ["unknown asset criticality", edit((d, o) => { o.findings[0].asset_criticality = "extreme"; }), "unknown_value", `${F0}.asset_criticality`],
  ["unknown dependency criticality", edit((d, o) => { o.dependencies[0].criticality = "vital"; }), "unknown_value", `${D0}.criticality`],
  ["unknown access", edit((d, o) => { o.dependencies[0].access = "root"; }), "unknown_value", `${D0}.access`],
  ["unknown DSPT status", edit((d, o, s) => { s.attestation.dspt_status = "great"; }), "unknown_value", "organisations[1].attestation.dspt_status"],
  ["empty id", edit((d) => { d.organisations.push({ id: "" }); }), "empty_id", "organisations[2].id"],
  ["duplicate organisation", edit((d) => { d.organisations.push({ id: "RBS" }); }), "duplicate_organisation", "organisations[2].id"],
  ["duplicate finding", edit((d, o) => { o.findings.push({ ...o.findings[0] }); }), "duplicate_finding", `${RBS}.findings[1].id`],
  ["unknown supplier", edit((d, o) => { o.dependencies[0].supplier = "NOPE"; }), "unknown_supplier", `${D0}.supplier`],
  ["self dependency", edit((d, o) => { o.dependencies.push({ supplier: "RBS", criticality: "low", access: "none" }); }), "self_dependency", `${RBS}.dependencies[1].supplier`],
  ["duplicate dependency", edit((d, o) => { o.dependencies.push({ ...o.dependencies[0] }); }), "duplicate_dependency", `${RBS}.dependencies[1].supplier`],
  ["invalid control", edit((d, o) => { o.assessments[0].control = "B4d"; }), "invalid_control", `${A0}.control`],
  ["unmapped control", edit((d, o) => { o.assessments[0].control = "Z9.a"; }), "unmapped_control", `${A0}.control`],
  ["unknown metric", edit((d, o) => { o.metrics[0].metric = "happiness"; }), "unknown_metric", `${M0}.metric`],
  ["fractional count", edit((d, o) => { o.metrics[0].successes = 1.5; }), "invalid_count", `${M0}.successes`],
  ["negative count", edit((d, o) => { o.metrics[0].trials = -1; }), "invalid_count", `${M0}.trials`],
  ["count above 2^53", text((d, o) => { o.metrics[0].trials = 1; }).replace('"trials":1', '"trials":9007199254740994'), "invalid_count", `${M0}.trials`],
  ["zero trials", edit((d, o) => { o.metrics[0].successes = 0; o.metrics[0].trials = 0; }), "invalid_trials", `${M0}.trials`],
  ["successes above trials", edit((d, o) => { o.metrics[0].successes = 4501; }), "successes_exceed_trials", `${M0}.successes`],
  ["epss above 1", edit((d, o) => { o.findings[0].epss = 1.5; }), "invalid_probability", `${F0}.epss`],
  ["negative incident probability", edit((d, o, s) => { s.attestation.incident_probability = -0.1; }), "invalid_probability", "organisations[1].attestation.incident_probability"],
  ["cvss_score above 10", edit((d, o) => { delete o.findings[0].cvss; o.findings[0].cvss_score = 11; }), "invalid_cvss_score", `${F0}.cvss_score`],
  ["truncated CVSS vector", edit((d, o) => { o.findings[0].cvss = "CVSS:3.1/AV:N"; }), "invalid_cvss", `${F0}.cvss`],
  ["lower-case CVSS vector", edit((d, o) => { o.findings[0].cvss = o.findings[0].cvss.toLowerCase(); }), "invalid_cvss", `${F0}.cvss`],
  ["resolved before first seen", edit((d, o) => { o.findings[0].resolved_on = "2025-07-01"; }), "resolved_before_first_seen", `${F0}.resolved_on`],
  ["impossible as_of", edit((d) => { d.as_of = "2025-02-30"; }), "invalid_date", "as_of"],
  ["slashed date", edit((d, o) => { o.assessments[0].assessed_on = "2025/06/30"; }), "invalid_date", `${A0}.assessed_on`],
  ["number too large for a double", text(() => {}).replace('"epss":0.94', '"epss":1e400'), "invalid_probability", `${F0}.epss`],
  ["count too large for a double", text(() => {}).replace('"trials":4500', '"trials":1e400'), "invalid_count", `${M0}.trials`],
  ["NaN in an object", edit((d, o) => { o.findings[0].epss = NaN; }), "invalid_number", `${F0}.epss`],
  ["Infinity in an object", edit((d, o) => { o.metrics[0].trials = Infinity; }), "invalid_number", `${M0}.trials`],
  ["a number instead of a document", 42, "wrong_type", ""],
  ["undefined instead of a document", undefined, "wrong_type", ""],
  ["a BigInt in the document", edit((d, o) => { o.metrics[0].trials = 10n; }), "wrong_type", ""],
];

for (const [name, input, code, path] of CASES) {
  test(`error: ${name} → ${code}`, () => {
    const e = thrown(() => ratePortfolio(input));
    assert.equal(e.code, code, e.message);
    assert.equal(e.path, path, e.message);
    assert.ok(e.problems.length >= 1);
    assert.deepStrictEqual(
      { code: e.problems[0].code, path: e.problems[0].path },
      { code: e.code, path: e.path },
    );
    const report = validate(input);
    assert.equal(report.ok, false);
    assert.deepStrictEqual(report.errors[0], e.problems[0]);
  });
}

test("validate lists every problem of a document, in order, with paths", () => {
  const doc = edit((d, o) => {
    o.findings[0].epss = 2;
    o.metrics[0].metric = "happiness";
    d.organisations.push({ id: "RBS" });
  });
  const report = validate(doc);
  assert.equal(report.ok, false);
  const seen = report.errors.map((p) => `${p.code}@${p.path}`).sort();
  assert.deepStrictEqual(seen, [
    `duplicate_organisation@organisations[2].id`,
    `invalid_probability@${F0}.epss`,
    `unknown_metric@${M0}.metric`,
  ].sort());
  const e = thrown(() => ratePortfolio(doc));
  assert.equal(e.problems.length, 3);
});

test("an invalid methodology throws invalid_methodology naming its field", () => {
  const m = defaultMethodology();
  m.model.z = "wide";
  const e = thrown(() => ratePortfolio(specExample(), m));
  assert.equal(e.code, "invalid_methodology");
  assert.equal(e.path, "model.z");
  const e2 = thrown(() => validate(specExample(), "{"));
  assert.equal(e2.code, "invalid_methodology");
});

test("whatIf, plan and history report bad arguments with their path", () => {
  const doc = specExample();
  let e = thrown(() => whatIf(doc, "NOPE", []));
  assert.deepStrictEqual([e.code, e.path], ["unknown_organisation", "organisation"]);
  e = thrown(() => whatIf(doc, 7, []));
  assert.deepStrictEqual([e.code, e.path], ["wrong_type", "organisation"]);
  e = thrown(() => whatIf(doc, "RBS", [{ action: "resolve_finding", finding: "F-99" }]));
  assert.equal(e.code, "invalid_action");
  assert.match(e.path, /^actions\[0\]/);
  e = thrown(() => whatIf(doc, "RBS", [{ action: "resolve_finding", finding: "F-17" }, { action: "paint_it_green" }]));
  assert.equal(e.code, "invalid_action");
  assert.match(e.path, /^actions\[1\]/);
  e = thrown(() => whatIf(doc, "RBS", [{ action: "set_metric", metric: "mfa_coverage", successes: NaN, trials: 3 }]));
  assert.deepStrictEqual([e.code, e.path], ["invalid_number", "actions[0].successes"]);
  e = thrown(() => whatIf(doc, "RBS", "not json"));
  assert.deepStrictEqual([e.code, e.path], ["malformed_json", "actions"]);
  e = thrown(() => whatIf(doc, "RBS", [{ action: "resolve_finding" }]));
  assert.deepStrictEqual([e.code, e.path], ["invalid_action", "actions[0].finding"]);
  e = thrown(() => plan(doc, "RBS", -1));
  assert.deepStrictEqual([e.code, e.path], ["invalid_count", "k"]);
  e = thrown(() => plan(doc, "RBS", "3"));
  assert.deepStrictEqual([e.code, e.path], ["wrong_type", "k"]);
  e = thrown(() => plan(doc, "NOPE", 3));
  assert.deepStrictEqual([e.code, e.path], ["unknown_organisation", "organisation"]);
  e = thrown(() => history(doc, ["2025-01-01", "2025-13-01"]));
  assert.deepStrictEqual([e.code, e.path], ["invalid_date", "dates[1]"]);
  e = thrown(() => history(doc, JSON.stringify("2025-01-01")));
  assert.deepStrictEqual([e.code, e.path], ["wrong_type", "dates"]);
});

test("after every error the module still rates correctly", () => {
  const before = ratePortfolio(specExample());
  for (const [, input] of CASES) {
    try {
      ratePortfolio(input);
    } catch {
      // expected
    }
  }
  assert.deepStrictEqual(ratePortfolio(specExample()), before);
});
