// Ingest in JS: the shared fixtures (OCSF validated by ocsf-emitter, a Nessus v2 file) give the
// same evidence document as Rust and Python — the hand-written tests/fixtures/ingest/expected.json
// — and the same ratings; refused exports throw Errors with code and path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ingestFiles, ingestOcsf, ingestNessus, ratePortfolio } from "riskrating";
import { assertPlain, thrown } from "./helpers.mjs";

const FIX = new URL("../../../tests/fixtures/ingest/", import.meta.url);
const read = (name) => readFileSync(new URL(name, FIX));
const options = JSON.parse(read("options.json").toString());
const kev = read("kev.json").toString();
const files = ["ocsf-findings.jsonl", "ocsf-inventory.json", "ocsf-compliance.jsonl", "scan.nessus"]
  .map((name) => ({ name: `exports/${name}`, data: new Uint8Array(read(`exports/${name}`)) }));

test("the fixtures become the hand-written document, rated the same", () => {
  const out = ingestFiles(files, options, kev);
  assertPlain(out);
  const expected = JSON.parse(read("expected.json").toString());
  const a = ratePortfolio(out.portfolio);
  const b = ratePortfolio(expected);
  assert.deepEqual(a, b);
  assert.equal(out.report.records_read, 27);
  assert.equal(out.report.records_used, 15);
  const skipped = Object.values(out.report.skipped).reduce((x, y) => x + y, 0);
  assert.equal(out.report.records_read, out.report.records_used + skipped);
  assert.deepEqual(out.report.problems.map((p) => p.code),
    ["unattributable", "invalid_cvss", "field_not_in_version", "unattributable"]);
});

test("single-format entry points take text or bytes", () => {
  const text = read("exports/ocsf-findings.jsonl").toString();
  const a = ingestOcsf(text, options, kev);
  const b = ingestOcsf(new Uint8Array(read("exports/ocsf-findings.jsonl")), JSON.stringify(options), kev);
  assert.deepEqual(a, b);
  const n = ingestNessus(read("exports/scan.nessus").toString(), options);
  assert.deepEqual(n.report.by_class, { nessus: 5 });
});

test("refused exports throw Errors with code and path", () => {
  let e = thrown(() => ingestOcsf('[{"class_uid": 2002}, {"cla', { as_of: "2025-09-30" }));
  assert.ok(e instanceof Error);
  assert.equal(e.code, "malformed_json");
  assert.equal(e.path, "[1]");
  e = thrown(() => ingestNessus('<!DOCTYPE l [<!ENTITY a "a">]><NessusClientData_v2/>', { as_of: "2025-09-30" }));
  assert.equal(e.code, "xml_dtd_refused");
  assert.equal(e.kind, "ingest");
  e = thrown(() => ingestOcsf("[]", { as_of: "2025-09-30", attribution: { tenant: {} } }));
  assert.equal(e.code, "invalid_options");
  assert.equal(e.path, "attribution.tenant");
});
