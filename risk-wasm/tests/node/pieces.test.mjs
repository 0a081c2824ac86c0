// Results too long for one JSON.parse are built in pieces (risk-wasm/src/convert.rs, `build`):
// the pieces must give exactly what JSON.parse of the whole text gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ratePortfolio, ratePortfolioJson, samplePortfolio } from "riskrating";
import { assertPlain } from "./helpers.mjs";

test("a result longer than one JSON.parse piece (16 MB) is built in pieces: the same as JSON.parse of its text", () => {
  // 30,000 sample organisations: the sample document and its rating are both over 16 MB, so
  // both are built from pieces (a million organisations cannot be parsed in one piece at all:
  // a JavaScript string holds at most 2^29 - 24 characters).
  const doc = samplePortfolio({ organisations: 30000, seed: 11 });
  const text = JSON.stringify(doc);
  assert.ok(text.length > 16 << 20, `the sample document is ${text.length} characters`);
  const rating = ratePortfolio(doc);
  const json = ratePortfolioJson(text);
  assert.ok(json.length > 16 << 20, `the rating is ${json.length} characters`);
  assertPlain(rating.ratings[0]);
  assert.equal(rating.ratings.length, 30000);
  assert.deepStrictEqual(rating, JSON.parse(json));
  // Key order as written, as JSON.parse gives it.
  assert.deepStrictEqual(Object.keys(rating), Object.keys(JSON.parse(json)));
});
