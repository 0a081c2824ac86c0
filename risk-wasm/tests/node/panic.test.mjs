// A panic (a bug) must not leave the module unusable. This uses the `panic-test` build
// (scripts/build-wasm.sh --panic-test), the package plus one export that panics on purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { specExample, thrown } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const rr = require("../../pkg-panic-test/risk_wasm.js");

test("a panic throws an internal_error Error and the next calls work on a fresh instance", (t) => {
  const logged = [];
  t.mock.method(console, "error", (...args) => logged.push(args.join(" ")));
  const doc = specExample();
  const before = rr.ratePortfolio(doc);
  const prepared = new rr.PreparedPortfolio(doc);

  const e = thrown(() => rr.panicForTest());
  assert.equal(e.code, "internal_error");
  assert.equal(e.path, "");
  assert.match(e.message, /deliberate panic/);
  assert.ok(logged.some((l) => l.includes("deliberate panic")), "the panic hook reports on the console");

  // The module is usable again, with the same results.
  assert.deepStrictEqual(rr.ratePortfolio(doc), before);
  assert.deepStrictEqual(new rr.PreparedPortfolio(doc).rate(), before);
  const bad = thrown(() => rr.ratePortfolio("{"));
  assert.equal(bad.code, "malformed_json");
  // An object from the instance before the panic refuses to run instead of reading freed memory.
  assert.throws(() => prepared.rate(), /stale/);

  // Again, several times: no state leaks from one panic to the next.
  for (let i = 0; i < 5; i++) {
    assert.equal(thrown(() => rr.panicForTest()).code, "internal_error");
    assert.deepStrictEqual(rr.ratePortfolio(doc), before);
  }
});
