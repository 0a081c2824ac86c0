// Results too long for one JSON.parse are built in pieces (risk-wasm/src/convert.rs, `build`):
// the pieces must give exactly what JSON.parse of the whole text gives. The package does this
// above 256 MiB of JSON (a million organisations' rating cannot be one JavaScript string); the
// test build (`panic-test`, scripts/build-wasm.sh --panic-test) above 64 KiB, so small documents
// exercise it here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { samplePortfolio, ratePortfolio } from "riskrating";
import { assertPlain } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const pieces = require("../../pkg-panic-test/risk_wasm.js");

test("results longer than one piece are built in pieces: the same as JSON.parse of their text", () => {
  // 400 organisations: the sample document and its rating are several pieces each, with runs of
  // array items, objects built from their keys, and values longer than a piece.
  const doc = pieces.samplePortfolio({ organisations: 400, seed: 11 });
  const text = JSON.stringify(doc);
  assert.ok(text.length > 4 * (64 << 10), `the sample document is ${text.length} characters`);
  const json = pieces.ratePortfolioJson(text);
  assert.ok(json.length > 4 * (64 << 10), `the rating is ${json.length} characters`);
  for (const rating of [pieces.ratePortfolio(doc), pieces.ratePortfolio(text)]) {
    assert.equal(rating.ratings.length, 400);
    assertPlain(rating);
    assert.deepStrictEqual(rating, JSON.parse(json));
    // Keys in the order written, as JSON.parse gives them.
    assert.deepStrictEqual(Object.keys(rating), Object.keys(JSON.parse(json)));
    assert.deepStrictEqual(Object.keys(rating.ratings[7]), Object.keys(JSON.parse(json).ratings[7]));
  }
  // The package builds these (far under 256 MiB) with one JSON.parse each: the same values.
  assert.deepStrictEqual(doc, samplePortfolio({ organisations: 400, seed: 11 }));
  assert.deepStrictEqual(Object.keys(doc.organisations[3]), Object.keys(samplePortfolio({ organisations: 400, seed: 11 }).organisations[3]));
  assert.deepStrictEqual(pieces.ratePortfolio(doc), ratePortfolio(doc));
});
