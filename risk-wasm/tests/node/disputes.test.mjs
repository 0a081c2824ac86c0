// Disputes (section 10), provenance and freshness (section 11) and the methodology change notice
// (section 12) in the npm package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ratePortfolio, ratePortfolioJson, whatIf, compareMethodologies, defaultMethodology } from "riskrating";
import { thrown } from "./helpers.mjs";

const doc = () => ({
  as_of: "2025-09-30",
  organisations: [
    {
      id: "RBS",
      findings: [{
        id: "F-17", kind: "vulnerability", kev: true, internet_facing: true, cvss_score: 9.8,
        first_seen: "2025-08-01",
        dispute: { status: "open", reason: "not_ours", raised_on: "2025-09-10", raised_by: "RBS CISO" },
      }],
      dependencies: [{ supplier: "SUP", criticality: "high", access: "data" }],
    },
    { id: "SUP", assessments: [{ control: "B4.d", outcome: "achieved", assurance: "self_assessed", assessed_on: "2024-01-01" }] },
    { id: "ICB", dependencies: [{ supplier: "RBS", criticality: "high", access: "data" }] },
  ],
});

test("open disputes carry the undisputed view; upholding one is deleting it", () => {
  const r = ratePortfolio(doc());
  const rbs = r.ratings[0];
  assert.equal(rbs.disputes.open, 1);
  assert.ok(rbs.disputes.score_undisputed > rbs.score);
  assert.ok(r.ratings[2].disputes, "a dependant sees it");
  assert.equal(r.ratings[1].disputes, undefined);
  assert.ok(rbs.drivers.find((d) => d.reference === "F-17").reason.endsWith("; disputed: not ours"));
  const w = whatIf(doc(), "RBS", [{ action: "uphold_dispute", finding: "F-17" }]);
  const gone = doc();
  gone.organisations[0].findings = [];
  assert.equal(w.score_after, ratePortfolio(gone).ratings[0].score);
});

test("a bad dispute is an Error with code and path", () => {
  const bad = doc();
  bad.organisations[0].findings[0].dispute.resolved_on = "2025-09-20";
  const e = thrown(() => ratePortfolio(bad));
  assert.equal(e.code, "unexpected_resolved_on");
  assert.equal(e.path, "organisations[0].findings[0].dispute.resolved_on");
});

test("freshness: evidence_as_of and stale", () => {
  const r = ratePortfolio(doc());
  assert.equal(r.ratings[1].evidence_as_of, "2024-01-01");
  assert.equal(r.ratings[1].stale, true);
  assert.equal(r.ratings[0].stale, undefined);
  assert.equal(r.ratings[2].evidence_as_of, undefined);
});

// RFC 8785 for documents of strings, booleans and numbers JS prints the same way.
const canonical = (v) =>
  Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
  : v !== null && typeof v === "object"
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`
    : JSON.stringify(v);

test("the input digest ignores key order and whitespace, and is SHA-256 of the JCS form", () => {
  const a = ratePortfolio(doc()).provenance;
  const b = JSON.parse(ratePortfolioJson(JSON.stringify(doc(), null, 4))).provenance;
  assert.deepStrictEqual(a, b);
  const full = { as_of: "2025-09-30", organisations: [{ id: "A", peer_group: "acute", findings: [
    { id: "F-1", kind: "tls", first_seen: "2025-08-01", kev: false, internet_facing: true,
      asset_criticality: "high", cvss_score: 9.5, epss: 0.5 }] }] };
  const want = "sha256:" + createHash("sha256").update(canonical(full)).digest("hex");
  assert.equal(ratePortfolio(full).provenance.input_digest, want);
  // Every object's keys reversed: the same digest.
  const reverse = (v) =>
    Array.isArray(v) ? v.map(reverse)
    : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]))
    : v;
  assert.notEqual(JSON.stringify(reverse(full)), JSON.stringify(full));
  assert.equal(ratePortfolio(JSON.stringify(reverse(full))).provenance.input_digest, want);
});

test("compareMethodologies: parts add up, unchanged groups are zero, swapping negates", () => {
  const old = defaultMethodology();
  const neu = structuredClone(old);
  neu.model.intercept = -3.6;
  neu.findings.kev_multiplier = 3.0;
  const c = compareMethodologies(doc(), old, neu);
  assert.deepStrictEqual(c.changed_groups, ["model", "findings"]);
  assert.equal(c.ratings_computed, 4);
  const back = compareMethodologies(doc(), neu, old);
  c.organisations.forEach((o, i) => {
    const sum = o.parts.reduce((s, p) => s + p.points, 0);
    assert.ok(Math.abs(sum - o.change) <= 1e-9);
    for (const [j, p] of o.parts.entries()) {
      if (!c.changed_groups.includes(p.group)) assert.equal(p.points, 0);
      assert.ok(Math.abs(p.points + back.organisations[i].parts[j].points) <= 1e-9);
    }
  });
});
