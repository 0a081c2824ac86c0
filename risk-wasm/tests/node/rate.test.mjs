// The package rates exactly like the Rust library: every case equals the Rust example's --json,
// value for value, bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ratePortfolio, ratePortfolioJson, validate } from "riskrating";
import { cases, assertPlain, assertSameRating } from "./helpers.mjs";

for (const c of cases()) {
  test(`${c.name}: ratePortfolio(JSON text) equals the Rust example's --json output`, () => {
    const t0 = performance.now();
    const rating = ratePortfolio(c.text);
    const ms = performance.now() - t0;
    assertSameRating(rating, c.expected);
    console.log(`# ${c.name}: ${rating.ratings.length} organisations rated in ${ms.toFixed(1)} ms (Node, wasm)`);
  });

  test(`${c.name}: ratePortfolio(object) gives the same document, made of plain values`, () => {
    const object = JSON.parse(c.text.replace(/^\uFEFF/, ""));
    const rating = ratePortfolio(object);
    assertPlain(rating);
    assertSameRating(rating, c.expected);
    assert.deepStrictEqual(rating, ratePortfolio(c.text));
  });

  test(`${c.name}: ratePortfolioJson is the Rust example's --json text, byte for byte`, () => {
    const rust = readFileSync(join(process.env.RR_CASES_DIR, c.name.replace(/\.json$/, ".expected.json")), "utf8");
    const text = ratePortfolioJson(c.text);
    assert.equal(text.trimEnd(), rust.trimEnd());
    assertSameRating(JSON.parse(text), c.expected);
  });

  test(`${c.name}: validate says ok`, () => {
    assert.deepStrictEqual(validate(c.text), { ok: true, errors: [], omitted: 0 });
  });
}
