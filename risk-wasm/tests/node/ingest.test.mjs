// Ingest in JS: the shared fixtures (OCSF validated by ocsf-emitter, a Nessus v2 file) give the
// same evidence document as Rust and Python — the hand-written tests/fixtures/ingest/expected.json
// — and the same ratings; refused exports throw Errors with code and path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ingestFiles, ingestOcsf, ingestNessus, mergeEvidence, ratePortfolio } from "riskrating";
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

test("mergeEvidence appends the evidence to organisations of the same id and adds the others", () => {
  const out = ingestFiles(files, options, kev);
  const base = {
    as_of: "2025-10-31",
    organisations: [
      { id: "RBS", name: "Northshire", findings: [{ id: "F-1", kind: "tls", first_seen: "2025-08-01" }] },
      { id: "OTHER" },
    ],
  };
  const merged = mergeEvidence(base, out.portfolio);
  assertPlain(merged);
  assert.equal(merged.as_of, "2025-10-31");
  const ids = merged.organisations.map((o) => o.id);
  assert.deepEqual(ids, ["RBS", "OTHER", ...out.portfolio.organisations.map((o) => o.id).filter((id) => id !== "RBS")]);
  const rbs = merged.organisations[0];
  const evidence = out.portfolio.organisations.find((o) => o.id === "RBS");
  assert.equal(rbs.name, "Northshire");
  assert.deepEqual(rbs.findings.map((f) => f.id), ["F-1", ...evidence.findings.map((f) => f.id)]);
  assert.equal(rbs.assessments.length, evidence.assessments.length);
  assert.equal(rbs.metrics.length, evidence.metrics.length);
  // The same ratings as the documents merged by hand.
  const byHand = structuredClone(base);
  byHand.organisations[0].assessments = evidence.assessments;
  byHand.organisations[0].metrics = evidence.metrics;
  byHand.organisations[0].findings = [...base.organisations[0].findings, ...evidence.findings];
  byHand.organisations.push(...out.portfolio.organisations.filter((o) => o.id !== "RBS"));
  assert.deepEqual(ratePortfolio(merged).ratings, ratePortfolio(byHand).ratings);
  // Merged twice, the findings clash, and rating says where.
  const e = thrown(() => ratePortfolio(mergeEvidence(merged, out.portfolio)));
  assert.equal(e.code, "duplicate_finding");
  // A bad document is refused with its path.
  const bad = thrown(() => mergeEvidence({ as_of: "2025-10-31", organisations: [{ id: "A", colour: 1 }] }, out.portfolio));
  assert.equal(bad.code, "unknown_field");
});
