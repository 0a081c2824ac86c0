// The package is thin: its error codes are the engine's, and it has the engine's change, threat
// feeds and methodology loading like the Rust and Python APIs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as rr from "riskrating";
import { specExample, thrown } from "./helpers.mjs";

test("the TypeScript ErrorCode union is exactly the engine's list of codes", () => {
  const dts = readFileSync(new URL("../../js/types.d.ts", import.meta.url), "utf8");
  const union = dts.match(/export type ErrorCode =([^;]*);/);
  assert.ok(union, "types.d.ts has no ErrorCode union");
  const declared = [...union[1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
  assert.deepStrictEqual(declared, rr.errorCodes());
});

test("every thrown problem has code, path, field and message, with a listed code", () => {
  const doc = specExample();
  doc.organisations[0].colour = 1;
  const e = thrown(() => rr.ratePortfolio(doc));
  assert.equal(e.kind, "input");
  const [p] = e.problems;
  assert.deepStrictEqual([p.code, p.path, p.field], ["unknown_field", "organisations[0].colour", "colour"]);
  assert.ok(!p.message.includes(" at line "));
  assert.ok(rr.errorCodes().includes(p.code));
});

test("change explains a score change, as the prepared portfolio does", () => {
  const doc = specExample();
  const id = doc.organisations[0].id;
  const c = rr.change(doc, id, "2025-01-01", doc.as_of);
  assert.equal(c.organisation, id);
  assert.equal(typeof c.delta, "number");
  assert.deepStrictEqual(new rr.PreparedPortfolio(doc).change(id, "2025-01-01", doc.as_of), c);
  const e = thrown(() => rr.change(doc, id, "2025-02-30", doc.as_of));
  assert.deepStrictEqual([e.code, e.path], ["invalid_date", "start"]);
});

test("threat feeds parse, report their problems and enrich findings", () => {
  const kev = rr.KevCatalog.fromJson('{"vulnerabilities": [{"cveID": "CVE-2024-3400"}]}');
  const epss = rr.EpssScores.fromCsv("cve,epss,percentile\nCVE-2024-3400,0.94,0.99\n");
  assert.equal(kev.size, 1);
  assert.ok(kev.has("CVE-2024-3400"));
  assert.deepStrictEqual(epss.get("CVE-2024-3400"), { epss: 0.94, percentile: 0.99 });
  const doc = { as_of: "2025-09-30", organisations: [{ id: "RBS", findings: [
    { id: "F-1", kind: "vulnerability", cve: "CVE-2024-3400", first_seen: "2025-08-01" }] }] };
  const { portfolio, report } = rr.enrich(doc, kev, epss);
  const f = portfolio.organisations[0].findings[0];
  assert.deepStrictEqual([f.kev, f.epss, report.kev_enriched, report.epss_enriched], [true, 0.94, 1, 1]);
  // The catalogues are still usable (borrowed, not consumed).
  assert.equal(rr.enrich(doc, kev, new rr.EpssScores()).report.epss_enriched, 0);
  const e = thrown(() => rr.EpssScores.fromCsv("cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n"));
  assert.deepStrictEqual([e.kind, e.code, e.problems[0].field, e.problems[0].line], ["feed", "not_a_probability", "epss", 2]);
});

test("methodologies load from JSON and TOML text, and TOML text is accepted as an argument", () => {
  const m = rr.defaultMethodology();
  assert.deepStrictEqual(rr.methodologyFromJson(JSON.stringify(m)), m);
  const toml = 'id = "x"';
  const e = thrown(() => rr.methodologyFromToml(toml));
  assert.deepStrictEqual([e.kind, e.code], ["methodology", "invalid_methodology"]);
  const again = thrown(() => rr.ratePortfolio(specExample(), toml));
  assert.equal(again.code, "invalid_methodology");
});

test("the sample size is held to the document limits by the engine", () => {
  const e = thrown(() => rr.samplePortfolio({ organisations: 1e9 }));
  assert.deepStrictEqual([e.code, e.path], ["limit_exceeded", "config.organisations"]);
});
