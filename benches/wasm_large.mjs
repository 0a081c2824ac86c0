// Large documents through the WASM package in Node (BENCHMARKS.md, "Large documents in Node";
// step `wasm-large` of benches/run-all.sh):
//
//   node --max-old-space-size=16000 benches/wasm_large.mjs [ORGANISATIONS]   # default 300000
//
// The sample generator's document of N organisations, then: JSON.stringify, the objects
// route's non-finite walk cost (plain JSON.stringify against the package's own conversion),
// ratePortfolio from the object and from the text, and ratePortfolioJson (which refuses, with
// limit_exceeded, a result too long for one JavaScript string). One line per step.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const rr = require(new URL("../risk-wasm/pkg/node/risk_wasm.js", import.meta.url).pathname);
const n = Number(process.argv[2] || 300000);
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(2) + " s";
const step = (name, f) => {
  const t = performance.now();
  try {
    const out = f();
    console.log(`${name}: ${seconds(t)}${out ? ", " + out : ""}`);
  } catch (e) {
    console.log(`${name}: ${e.code ?? e.name} after ${seconds(t)}: ${e.message}`);
  }
};
let doc, text;
step(`samplePortfolio(${n}) -> object`, () => { doc = rr.samplePortfolio({ organisations: n, seed: 7 }); return `${doc.organisations.length} organisations`; });
step("JSON.stringify", () => { text = JSON.stringify(doc); return `${(text.length / 1e6).toFixed(0)} MB`; });
if (text !== undefined) {
  step("ratePortfolio(object) -> object (first rating call of the process)", () => `${rr.ratePortfolio(doc).ratings.length} ratings`);
  step("ratePortfolio(text) -> object", () => `${rr.ratePortfolio(text).ratings.length} ratings`);
  step("ratePortfolioJson(text) -> text", () => `${(rr.ratePortfolioJson(text).length / 1e6).toFixed(0)} MB`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
