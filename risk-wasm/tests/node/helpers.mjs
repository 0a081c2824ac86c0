// Shared helpers for the Node tests of the riskrating package.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

/**
 * The rating cases prepared by scripts/test-wasm.sh: every NAME.json in RR_CASES_DIR with the
 * Rust example's `--json` output beside it as NAME.expected.json.
 */
export function cases() {
  const dir = process.env.RR_CASES_DIR;
  assert.ok(dir, "RR_CASES_DIR is not set: run these tests through scripts/test-wasm.sh");
  const names = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"));
  assert.ok(names.length >= 3, `expected at least 3 cases in ${dir}, found ${names.length}`);
  return names.sort().map((f) => ({
    name: f,
    text: readFileSync(join(dir, f), "utf8"),
    expected: JSON.parse(readFileSync(join(dir, f.replace(/\.json$/, ".expected.json")), "utf8")),
  }));
}

/** Assert a value is made only of plain objects, arrays, strings, finite numbers, booleans and null. */
export function assertPlain(value, path = "$") {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    assert.ok(Number.isFinite(value), `${path} is not finite: ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlain(v, `${path}[${i}]`));
    return;
  }
  assert.equal(typeof value, "object", `${path} is a ${typeof value}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} is not a plain object`);
  for (const [k, v] of Object.entries(value)) assertPlain(v, `${path}.${k}`);
}

/** Call `fn`, expect it to throw a riskrating Error, and return the error. */
export function thrown(fn) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, "expected an error to be thrown");
  assert.ok(error instanceof Error, `expected an Error, got ${typeof error}: ${String(error)}`);
  assert.equal(error.name, "RiskRatingError");
  assert.equal(typeof error.code, "string");
  assert.equal(typeof error.path, "string");
  assert.ok(Array.isArray(error.problems));
  assert.ok(error.message.length > 0);
  assert.ok(typeof error.stack === "string" && error.stack.length > 0);
  return error;
}

export const specExample = () =>
  JSON.parse(readFileSync(new URL("../../../risk-core/tests/data/spec_example.json", import.meta.url), "utf8"));

/**
 * Assert a rating document equals the Rust one value for value (the engine uses libm for every
 * transcendental function, so native and WebAssembly give the same bits), naming the first
 * differing path.
 */
export function assertSameRating(actual, expected) {
  const walk = (a, b, path) => {
    if (b === null || typeof b !== "object") {
      assert.strictEqual(a, b, path);
      return;
    }
    assert.equal(Array.isArray(a), Array.isArray(b), path);
    assert.deepStrictEqual(Object.keys(a), Object.keys(b), path);
    for (const k of Object.keys(b)) walk(a[k], b[k], Array.isArray(b) ? `${path}[${k}]` : `${path}.${k}`);
  };
  walk(actual, expected, "$");
}
