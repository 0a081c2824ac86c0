// The JSON Schema shipped in the package (generated from the Rust types) accepts what the parser
// accepts on every test document, and rejects structural mistakes the parser rejects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2020 from "ajv/dist/2020.js";
import { samplePortfolio, validate } from "riskrating";
import { cases, specExample } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("riskrating/portfolio.schema.json"), "utf8"));
const ajv = new Ajv2020({ allErrors: true });
ajv.addFormat("uint64", true).addFormat("double", true);
const check = ajv.compile(schema);

test("the schema is a 2020-12 schema of the portfolio document", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepStrictEqual(schema.required, ["as_of", "organisations"]);
});

test("the schema accepts every valid test document and sample", () => {
  const docs = [
    ...cases().map((c) => [c.name, JSON.parse(c.text.replace(/^\uFEFF/, ""))]),
    ["sample 300/42", samplePortfolio()],
    ["sample 500/9", samplePortfolio({ organisations: 500, seed: 9 })],
  ];
  for (const [name, doc] of docs) {
    assert.ok(validate(doc).ok, name);
    assert.ok(check(doc), `${name}: ${JSON.stringify(check.errors?.slice(0, 3))}`);
  }
});

test("the schema rejects the structural mistakes the parser rejects", () => {
  const mistakes = [
    (d) => { d.organisations[0].colour = "red"; },
    (d) => { delete d.as_of; },
    (d) => { d.organisations[0].assessments[0].outcome = "done"; },
    (d) => { d.organisations[0].findings[0].kind = "bug"; },
    (d) => { d.organisations[0].metrics[0].trials = 0; },
    (d) => { d.organisations[0].metrics[0].successes = 1.5; },
    (d) => { d.organisations[0].findings[0].epss = 1.5; },
    (d) => { d.organisations[0].assessments[0].control = "B4d"; },
    (d) => { d.organisations[0].findings[0].first_seen = "2025/08/01"; },
    (d) => { d.organisations[1].id = ""; },
    (d) => { d.organisations[0].dependencies[0].access = "root"; },
  ];
  for (const mistake of mistakes) {
    const doc = specExample();
    mistake(doc);
    assert.equal(validate(doc).ok, false, mistake.toString());
    assert.equal(check(doc), false, mistake.toString());
  }
});
