// The conformance vectors (tests/vectors/manifest.json) through the WASM package, as the Rust
// and Python suites run them: every case kind (rate, what_if, plan, history, errors), numbers to
// the manifest's engine tolerance (1e-12 relative), strings, integers, list lengths and keys exact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ratePortfolio, whatIf, plan, history, version } from "riskrating";

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "tests", "vectors");
const MANIFEST = JSON.parse(readFileSync(join(VECTORS, "manifest.json"), "utf8"));
const RELATIVE = MANIFEST.tolerances.engine.relative;

/** Assert `got` equals `want`: numbers within RELATIVE, everything else exactly. */
export function same(got, want, path = "$") {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: not a list`);
    assert.equal(got.length, want.length, `${path}: length`);
    want.forEach((w, i) => same(got[i], w, `${path}[${i}]`));
  } else if (want !== null && typeof want === "object") {
    assert.ok(got !== null && typeof got === "object" && !Array.isArray(got), `${path}: not an object`);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${path}: keys`);
    for (const k of Object.keys(want)) same(got[k], want[k], `${path}.${k}`);
  } else if (typeof want === "number") {
    assert.equal(typeof got, "number", `${path}: not a number`);
    assert.ok(got === want || Math.abs(got - want) <= RELATIVE * Math.abs(want), `${path}: ${got} != ${want}`);
  } else {
    assert.equal(got, want, `${path}`);
  }
}

/**
 * Provenance (section 11) is verified, then left out: the expected files hold the figures only
 * (the engine version changes with every release).
 */
function check(output) {
  const { provenance, ...rest } = output;
  assert.match(provenance.input_digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(provenance.methodology, "nhs-caf-v1");
  assert.equal(provenance.engine_version, version());
  return rest;
}

function run(c) {
  const doc = readFileSync(join(VECTORS, c.input), "utf8");
  try {
    switch (c.kind) {
      case "rate": return check(ratePortfolio(doc));
      case "what_if": return check(whatIf(doc, c.organisation, c.actions));
      case "plan": return check(plan(doc, c.organisation, c.k));
      case "history": return check(history(doc, c.dates));
      default: throw new Error(`unknown case kind ${c.kind}`);
    }
  } catch (e) {
    if (e.name !== "RiskRatingError") throw e;
    return { errors: e.problems.map((p) => ({ code: p.code, path: p.path })) };
  }
}

test("the manifest covers every kind", () => {
  assert.ok(MANIFEST.cases.length >= 50);
  assert.deepEqual([...new Set(MANIFEST.cases.map((c) => c.kind))].sort(), ["history", "plan", "rate", "what_if"]);
});

/** A document that is not UTF-8 cannot be a JS string: such a case does not apply to this binding. */
function isUtf8(file) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(join(VECTORS, file)));
    return true;
  } catch {
    return false;
  }
}

for (const c of MANIFEST.cases) {
  const skip = isUtf8(c.input) ? false : "the input is not UTF-8, which a JS string cannot hold";
  test(`vector ${c.name} (${c.kind})`, { skip }, () => {
    const want = JSON.parse(readFileSync(join(VECTORS, c.expected), "utf8"));
    const got = run(c);
    if (c.error) assert.ok("errors" in got, "expected the case to fail");
    else assert.ok(!("errors" in got), JSON.stringify(got.errors));
    same(got, want);
  });
}
