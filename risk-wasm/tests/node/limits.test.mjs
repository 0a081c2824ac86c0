// Resource limits through the package (issue 14): the `limits` option of ratePortfolio,
// ratePortfolioJson, validate and PreparedPortfolio, read and checked by the core.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as rr from "riskrating";
import { thrown } from "./helpers.mjs";

const finding = (i) => ({ id: `F${i}`, kind: "exposed_service", first_seen: "2025-09-01" });
/** One organisation with `n` findings, and a supplier it depends on. */
const doc = (n) => ({
  as_of: "2025-09-30",
  organisations: [
    {
      id: "A",
      findings: Array.from({ length: n }, (_, i) => finding(i)),
      dependencies: [{ supplier: "B", criticality: "high", access: "data" }],
    },
    { id: "B" },
  ],
});

test("defaultLimits are the engine's defaults", () => {
  assert.deepStrictEqual(rr.defaultLimits(), {
    max_document_bytes: 2147483648,
    max_organisations: 1000000,
    max_items_per_list: 2000000,
    max_dependency_edges: 10000000,
    max_string_bytes: 4096,
  });
});

test("a list just over a lowered limit fails at its path; the same document passes by default", () => {
  const d = doc(4);
  const limits = { max_items_per_list: 3 };
  for (const call of [
    () => rr.ratePortfolio(d, null, limits),
    () => rr.ratePortfolioJson(d, undefined, JSON.stringify(limits)),
    () => new rr.PreparedPortfolio(d, null, limits),
  ]) {
    const e = thrown(call);
    assert.equal(e.kind, "input");
    assert.equal(e.code, "limit_exceeded");
    assert.equal(e.path, "organisations[0].findings");
  }
  const report = rr.validate(d, null, limits);
  assert.equal(report.ok, false);
  assert.deepStrictEqual(report.errors.map((p) => [p.code, p.path]), [["limit_exceeded", "organisations[0].findings"]]);
  // At the limit, and with the defaults, it is accepted (and rated the same).
  const rated = rr.ratePortfolio(d);
  assert.deepStrictEqual(rr.ratePortfolio(d, null, { max_items_per_list: 4 }), rated);
  assert.deepStrictEqual(rr.ratePortfolio(d, null, null), rated);
  assert.equal(rr.validate(d).ok, true);
  assert.deepStrictEqual(new rr.PreparedPortfolio(d, null, {}).rate(), rated);
});

test("every limit is applied: document bytes, organisations, edges, strings", () => {
  const d = doc(2);
  const text = JSON.stringify(d);
  const bytes = new TextEncoder().encode(text).length;
  let e = thrown(() => rr.ratePortfolio(text, null, { max_document_bytes: bytes - 1 }));
  assert.equal(e.code, "limit_exceeded");
  assert.equal(e.path, "");
  assert.equal(rr.validate(text, null, { max_document_bytes: bytes }).ok, true);

  e = thrown(() => rr.ratePortfolio(d, null, { max_organisations: 1 }));
  assert.equal(e.code, "limit_exceeded");
  assert.equal(e.path, "organisations");

  e = thrown(() => rr.ratePortfolio(d, null, { max_dependency_edges: 0 }));
  assert.equal(e.code, "limit_exceeded");
  assert.equal(e.path, "organisations");

  d.organisations[0].findings[1].id = "F-0123456789"; // 12 bytes; "unassigned" is 10
  e = thrown(() => new rr.PreparedPortfolio(d, null, { max_string_bytes: 11 }));
  assert.equal(e.code, "limit_exceeded");
  assert.equal(e.path, "organisations[0].findings[1].id");
  assert.equal(rr.validate(d, null, { max_string_bytes: 12, max_organisations: 2, max_dependency_edges: 1 }).ok, true);
});

test("a limit beyond what WebAssembly can address means no limit", () => {
  const d = doc(3);
  assert.equal(rr.validate(d, null, { max_items_per_list: Number.MAX_SAFE_INTEGER, max_document_bytes: 1e300 }).ok, true);
});

test("bad limits are typed errors at limits.<name>, also from validate", () => {
  const d = doc(1);
  const cases = [
    [{ max_items_per_list: -1 }, "invalid_count", "limits.max_items_per_list"],
    [{ max_items_per_list: 1.5 }, "invalid_count", "limits.max_items_per_list"],
    [{ max_items_per_list: "10" }, "wrong_type", "limits.max_items_per_list"],
    [{ max_items_per_list: null }, "wrong_type", "limits.max_items_per_list"],
    [{ max_items: 10 }, "unknown_field", "limits.max_items"],
    [{ max_items_per_list: NaN }, "invalid_number", "limits.max_items_per_list"],
    [[1, 2], "wrong_type", "limits"],
    [42, "wrong_type", "limits"],
    ["{not json", "malformed_json", "limits"],
  ];
  for (const [limits, code, path] of cases) {
    for (const call of [
      () => rr.ratePortfolio(d, null, limits),
      () => rr.validate(d, null, limits),
      () => new rr.PreparedPortfolio(d, null, limits),
    ]) {
      const e = thrown(call);
      assert.equal(e.code, code, JSON.stringify(limits));
      assert.equal(e.path, path, JSON.stringify(limits));
      assert.equal(e.kind, "input");
    }
  }
  // Every bad limit is listed.
  const e = thrown(() => rr.ratePortfolio(d, null, { max_items: 1, max_string_bytes: -2 }));
  assert.deepStrictEqual(e.problems.map((p) => p.path), ["limits.max_items", "limits.max_string_bytes"]);
});
