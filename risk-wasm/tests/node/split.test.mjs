// The split rating (rateInternal / rateFromInternal) and evidence as long tables
// (tableSchema / portfolioFromTables / portfolioToTables): conversion only, so the split path
// must give ratePortfolio's figures bit for bit, whatever order the per-organisation results
// come in, and every misfit must be a typed error.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as rr from "riskrating";
import { assertPlain, assertSameRating, specExample, thrown } from "./helpers.mjs";
import { generate } from "../generate.mjs";

/** A seeded Fisher–Yates shuffle (mulberry32), so a failure can be replayed. */
function shuffled(items, seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The whole-document rating without its provenance block (the split path has none). */
function withoutProvenance(rating) {
  assert.ok(rating.provenance, "the whole-document rating has a provenance block");
  const { provenance, ...rest } = rating;
  return rest;
}

/** The document without dependency edges (all the per-organisation half needs). */
const evidenceOnly = (doc) => ({
  ...doc,
  organisations: doc.organisations.map(({ dependencies, ...o }) => o),
});
/** The document without evidence (all the graph half needs). */
const graphOnly = (doc) => ({
  ...doc,
  organisations: doc.organisations.map(({ assessments, metrics, findings, ...o }) => o),
});

const portfolios = [
  ["the bundled sample", () => rr.samplePortfolio()],
  ["a generated portfolio", () => generate(400, 9)],
];

for (const [name, make] of portfolios) {
  test(`split rating of ${name} equals ratePortfolio bit for bit, results shuffled`, () => {
    const doc = make();
    const whole = withoutProvenance(rr.ratePortfolio(doc));
    const internal = rr.rateInternal(doc);
    assertPlain(internal);
    assert.equal(internal.length, doc.organisations.length);
    assert.deepStrictEqual(internal.map((r) => r.id), doc.organisations.map((o) => o.id));
    const order = shuffled(internal, 20261207);
    assert.notDeepStrictEqual(order.map((r) => r.id), internal.map((r) => r.id), "the shuffle moved something");
    const split = rr.rateFromInternal(doc, order);
    assertPlain(split);
    assert.equal(split.provenance, undefined, "the split path has no provenance by design");
    assertSameRating(split, whole);
  });

  test(`split rating of ${name}: each half from its own part of the document, through JSON text`, () => {
    const doc = make();
    const whole = withoutProvenance(rr.ratePortfolio(doc));
    // The per-organisation half never sees the edges, the graph half never sees the evidence,
    // and the results travel as JSON text (what a worker would send).
    const internal = rr.rateInternal(JSON.stringify(evidenceOnly(doc)));
    const text = JSON.stringify(shuffled(internal, 7));
    const split = rr.rateFromInternal(JSON.stringify(graphOnly(doc)), text);
    assertSameRating(split, whole);
  });
}

test("a methodology argument reaches both halves", () => {
  const doc = specExample();
  const m = rr.defaultMethodology();
  m.model.intercept -= 1;
  m.version = `${m.version}-test`;
  const whole = withoutProvenance(rr.ratePortfolio(doc, m));
  const split = rr.rateFromInternal(doc, rr.rateInternal(doc, m), m);
  assertSameRating(split, whole);
  // Results rated with one methodology do not fit a graph rated with another.
  const e = thrown(() => rr.rateFromInternal(doc, rr.rateInternal(doc, m)));
  assert.equal(e.kind, "split");
  assert.equal(e.code, "internal_mismatch");
  assert.equal(e.path, "internal[0].methodology");
});

test("split errors are typed: missing, unknown, duplicate, mismatched, malformed", () => {
  const doc = specExample();
  const internal = rr.rateInternal(doc);
  assert.ok(internal.length >= 2);

  let e = thrown(() => rr.rateFromInternal(doc, internal.slice(1)));
  assert.equal(e.kind, "split");
  assert.equal(e.code, "missing_organisation");
  assert.equal(e.path, "organisations[0].id");
  assert.match(e.message, new RegExp(doc.organisations[0].id));

  e = thrown(() => rr.rateFromInternal(doc, [...internal, internal[1]]));
  assert.equal(e.kind, "split");
  assert.equal(e.code, "duplicate_organisation");
  assert.equal(e.path, `internal[${internal.length}].id`);

  e = thrown(() => rr.rateFromInternal(doc, internal.map((r, k) => (k === 1 ? { ...r, id: "NOT-THERE" } : r))));
  assert.equal(e.kind, "split");
  assert.equal(e.code, "unknown_organisation");
  assert.equal(e.path, "internal[1].id");

  e = thrown(() => rr.rateFromInternal(doc, internal.map((r, k) => (k === 0 ? { ...r, as_of: "2020-01-01" } : r))));
  assert.equal(e.kind, "split");
  assert.equal(e.code, "internal_mismatch");
  assert.equal(e.path, "internal[0].as_of");

  // Not a per-organisation result at all: the parser's codes, under `internal`.
  e = thrown(() => rr.rateFromInternal(doc, internal.map((r, k) => (k === 1 ? { ...r, colour: 1 } : r))));
  assert.equal(e.kind, "input");
  assert.equal(e.code, "unknown_field");
  assert.equal(e.path, "internal[1].colour");
  e = thrown(() => rr.rateFromInternal(doc, internal.map((r, k) => (k === 0 ? { ...r, coverage: "high" } : r))));
  assert.equal(e.code, "wrong_type");
  assert.equal(e.path, "internal[0].coverage");
  e = thrown(() => rr.rateFromInternal(doc, 42));
  assert.equal(e.code, "wrong_type");
  assert.equal(e.path, "internal");
  e = thrown(() => rr.rateFromInternal(doc, internal.map((r, k) => (k === 0 ? { ...r, coverage: NaN } : r))));
  assert.equal(e.code, "invalid_number");
  assert.equal(e.path, "internal[0].coverage");
  // A bad document is the document's error, as in ratePortfolio.
  e = thrown(() => rr.rateInternal({ as_of: "2025-09-30", organisations: [{ id: "" }] }));
  assert.equal(e.code, "empty_id");
  assert.equal(e.path, "organisations[0].id");
});

test("tableSchema lists every table and column with its type", () => {
  const schema = rr.tableSchema();
  assertPlain(schema);
  assert.deepStrictEqual(schema.map((t) => t.name), ["organisations", "assessments", "metrics", "findings", "dependencies", "groups"]);
  const types = new Set(schema.flatMap((t) => t.columns.map((c) => c.type)));
  assert.deepStrictEqual([...types].sort(), ["date", "flag", "integer", "number", "text"]);
  for (const t of schema) {
    assert.deepStrictEqual(t.columns[0], { name: "organisation", type: "text", required: true }, t.name);
  }
  const metrics = schema.find((t) => t.name === "metrics").columns;
  assert.deepStrictEqual(metrics.find((c) => c.name === "successes"), { name: "successes", type: "integer", required: true });
});

test("portfolioToTables then portfolioFromTables rates like the document", () => {
  for (const doc of [rr.samplePortfolio(), rr.samplePortfolio({ organisations: 150, seed: 3 })]) {
    const tables = rr.portfolioToTables(doc);
    assertPlain(tables);
    const schema = new Map(rr.tableSchema().map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    for (const [name, columns] of Object.entries(tables)) {
      assert.ok(schema.has(name), name);
      for (const c of Object.keys(columns)) assert.ok(schema.get(name).has(c), `${name}.${c}`);
    }
    assert.equal(tables.organisations.organisation.length, doc.organisations.length);
    const back = rr.portfolioFromTables(doc.as_of, tables);
    assertPlain(back);
    // The sample holds nothing the tables cannot (no disputes or sources): the same document,
    // so the same rating, provenance included.
    assert.deepStrictEqual(back, doc);
    assertSameRating(rr.ratePortfolio(back), rr.ratePortfolio(doc));
    // JSON text in, the same document out.
    assert.deepStrictEqual(rr.portfolioFromTables(doc.as_of, JSON.stringify(tables)), back);
  }
});

test("portfolioFromTables errors name the table, row and column", () => {
  const tables = () => ({
    organisations: { organisation: ["A", "B"] },
    metrics: {
      organisation: ["A", "B"],
      metric: ["mfa_coverage", "mfa_coverage"],
      successes: [9, 3],
      trials: [10, 4],
      observed_on: ["2025-09-01", "2025-09-01"],
    },
  });
  const ok = rr.portfolioFromTables("2025-09-30", tables());
  assert.equal(ok.organisations.length, 2);
  assert.equal(ok.organisations[1].metrics[0].successes, 3);

  let t = tables();
  t.metrics.successes[1] = 9.5;
  let e = thrown(() => rr.portfolioFromTables("2025-09-30", t));
  assert.equal(e.code, "wrong_type");
  assert.equal(e.path, "metrics[1].successes");

  t = tables();
  t.metrics.successes[1] = 5;
  e = thrown(() => rr.portfolioFromTables("2025-09-30", t));
  assert.equal(e.code, "successes_exceed_trials");
  assert.equal(e.path, "metrics[1].successes");
  assert.match(e.message, /organisation `B`/);

  t = tables();
  t.metrics.observed_on = "2025-09-01";
  e = thrown(() => rr.portfolioFromTables("2025-09-30", t));
  assert.equal(e.code, "wrong_type");
  assert.equal(e.path, "metrics.observed_on");

  t = tables();
  t.metrix = { organisation: ["A"] };
  e = thrown(() => rr.portfolioFromTables("2025-09-30", t));
  assert.equal(e.code, "unknown_field");
  assert.equal(e.path, "metrix");

  t = tables();
  delete t.metrics.trials;
  e = thrown(() => rr.portfolioFromTables("2025-09-30", t));
  assert.equal(e.code, "missing_field");
  assert.equal(e.path, "metrics.trials");

  e = thrown(() => rr.portfolioFromTables("2025-02-30", tables()));
  assert.equal(e.code, "invalid_date");
  assert.equal(e.path, "as_of");
  e = thrown(() => rr.portfolioFromTables(20250930, tables()));
  assert.equal(e.code, "wrong_type");
  assert.equal(e.path, "as_of");
  e = thrown(() => rr.portfolioFromTables("2025-09-30", [1, 2]));
  assert.equal(e.code, "wrong_type");
});
