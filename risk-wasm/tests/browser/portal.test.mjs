// The portal page in a real browser: Debian's Chromium driven by playwright-core, the page served
// from examples/portal on 127.0.0.1 with every other request blocked (no CDN, works offline).
// Expected figures come from the Node build of the same package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as rr from "riskrating";
import { serve } from "./serve.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PORTAL = resolve(HERE, "../../../examples/portal");
const ARTIFACTS = process.env.RR_ARTIFACTS;
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync",
];

const SAMPLE = { organisations: 300, seed: 42 };
const sampleDoc = rr.samplePortfolio(SAMPLE);
const sampleText = JSON.stringify(sampleDoc);
const sampleRating = rr.ratePortfolio(sampleText);
// The large trust: the acute trust with the most findings.
const largeTrust = sampleDoc.organisations
  .filter((o) => o.peer_group === "acute")
  .sort((a, b) => (b.findings?.length ?? 0) - (a.findings?.length ?? 0))[0];

let server;
let context;
let page;
let profile;
const problems = []; // console errors, page errors, failed or external requests

before(async () => {
  assert.ok(ARTIFACTS, "RR_ARTIFACTS is not set: run through scripts/test-wasm.sh");
  mkdirSync(ARTIFACTS, { recursive: true });
  readFileSync(join(PORTAL, "riskrating/web/risk_wasm_bg.wasm")); // built by scripts/build-wasm.sh
  server = await serve(PORTAL);
  profile = mkdtempSync(join(tmpdir(), "riskrating-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
    problems.push(`external request: ${url}`);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The portal's money format (examples/portal/portal.js fmt.money). */
function money(x) {
  const a = Math.abs(x);
  if (a >= 1e9) return `£${(x / 1e9).toPrecision(3)}bn`;
  if (a >= 1e6) return `£${(x / 1e6).toPrecision(3)}m`;
  if (a >= 1e3) return `£${(x / 1e3).toPrecision(3)}k`;
  return `£${x.toFixed(0)}`;
}

/** The simulation the portal runs for an organisation's loss exceedance curve. */
function lossReport(id, rating, low = 250000, high = 10000000) {
  return rr.simulate({
    trials: 20000, seed: 1,
    scenarios: [{ name: "material incident", organisation: id, frequency: { from_rating: id }, primary_loss: { type: "lognormal_ci", low, high } }],
    ratings: { [id]: { probability: rating.probability, probability_interval: rating.probability_interval } },
    report: { percentiles: [0.5, 0.95, 0.99], var_levels: [], lec_points: 40 },
  });
}

const tableIds = () => page.$$eval("#org-table tbody tr", (rows) => rows.map((r) => r.dataset.id));

test("the sample loads and the table has every organisation with the library's scores", async () => {
  await page.click("#load-sample");
  await page.waitForFunction((n) => document.querySelectorAll("#org-table tbody tr").length === n, sampleDoc.organisations.length);
  const ids = await tableIds();
  assert.deepStrictEqual([...ids].sort(), sampleDoc.organisations.map((o) => o.id).sort());
  const shown = await page.$$eval("#org-table tbody tr", (rows) => rows.map((r) => [r.dataset.id, r.querySelector(".score-cell").textContent]));
  const byId = new Map(sampleRating.ratings.map((r) => [r.id, r]));
  for (const [id, score] of shown) assert.equal(score, String(Math.round(byId.get(id).score)), id);
  // Default order: score ascending.
  const scores = ids.map((id) => byId.get(id).score);
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] <= scores[i]);
  assert.match(await page.textContent("#status"), /300 organisations checked and rated/);
});

test("the table sorts from the keyboard", async () => {
  await page.focus('#org-table th[data-key="score"] button');
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute('#org-table th[data-key="score"]', "aria-sort"), "descending");
  const byId = new Map(sampleRating.ratings.map((r) => [r.id, r]));
  const scores = (await tableIds()).map((id) => byId.get(id).score);
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] >= scores[i]);
  await page.focus('#org-table th[data-key="coverage"] button');
  await page.keyboard.press("Space");
  assert.equal(await page.getAttribute('#org-table th[data-key="coverage"]', "aria-sort"), "ascending");
  assert.equal(await page.getAttribute('#org-table th[data-key="score"]', "aria-sort"), "none");
  const cov = (await tableIds()).map((id) => byId.get(id).coverage);
  for (let i = 1; i < cov.length; i++) assert.ok(cov[i - 1] <= cov[i]);
});

test("opening a trust shows its rating, factors, drivers, plan and suppliers", async () => {
  const id = largeTrust.id;
  const rating = sampleRating.ratings.find((r) => r.id === id);
  await page.fill("#filter", id);
  assert.deepStrictEqual(await tableIds(), [id]);
  await page.focus(`#org-table tr[data-id="${id}"] button.open`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#org-view:not([hidden])");
  assert.equal(await page.evaluate(() => document.activeElement.id), "org-title");
  assert.equal(Number(await page.getAttribute("#org-score", "data-score")), rating.score);
  assert.equal(await page.textContent("#org-band"), rating.band);
  assert.match(await page.textContent("#org-interval"), new RegExp(`${Math.round(rating.interval[0])} to ${Math.round(rating.interval[1])}`));
  assert.equal(await page.locator("#factors li").count(), rating.factors.length);
  assert.equal(await page.locator("#factors svg[role=img][aria-label]").count(), rating.factors.length);
  const drivers = await page.$$eval("#drivers li", (lis) => lis.map((li) => li.textContent));
  assert.equal(drivers.length, rating.drivers.length);
  rating.drivers.forEach((d, i) => assert.ok(drivers[i].includes(d.reason), drivers[i]));
  assert.equal(await page.locator("#suppliers tr").count(), largeTrust.dependencies?.length || 1);
  // The loss exceedance curve, simulated in the page as the library does it here.
  assert.equal(await page.locator("#lec polyline").count(), 1);
  const losses = lossReport(id, rating);
  assert.match(await page.textContent("#lec-desc"), new RegExp(`expected annual loss ${money(losses.total.mean).replace(".", "\\.")}`));
  await page.fill("#loss-low", "1000000");
  await page.fill("#loss-high", "50000000");
  await page.press("#loss-high", "Enter");
  const bigger = lossReport(id, rating, 1000000, 50000000);
  await page.waitForFunction((m) => document.querySelector("#lec-desc").textContent.includes(m), money(bigger.total.mean));
  await page.fill("#loss-low", "250000");
  await page.fill("#loss-high", "10000000");
  await page.click("#loss-form button");
  const expectedPlan = rr.plan(sampleText, id, 5);
  assert.equal(await page.locator("#plan input[type=checkbox]").count(), expectedPlan.steps.length);
  assert.ok(expectedPlan.steps.length >= 2, "the large trust should have at least two plan actions");
});

test("ticking plan actions re-rates to exactly the library's what-if score", async () => {
  const id = largeTrust.id;
  const steps = rr.plan(sampleText, id, 5).steps;
  await page.focus("#plan input >> nth=0");
  await page.keyboard.press("Space");
  await page.waitForSelector("#whatif[data-score]");
  const one = rr.whatIf(sampleText, id, [steps[0].action]);
  assert.equal(Number(await page.getAttribute("#whatif", "data-score")), one.score_after);
  assert.equal(await page.textContent("#org-score"), String(Math.round(one.score_after)));
  assert.ok(one.score_after > one.score_before);
  assert.equal(await page.locator("#lec polyline").count(), 2);
  assert.match(await page.textContent("#lec-desc"), new RegExp(`With ticked actions: expected annual loss ${money(lossReport(id, one.rating).total.mean).replace(".", "\\.")}`));

  await page.check("#plan input >> nth=1");
  const two = rr.whatIf(sampleText, id, [steps[0].action, steps[1].action]);
  await page.waitForFunction((s) => document.querySelector("#whatif")?.dataset.score === s, String(two.score_after));
  assert.equal(await page.textContent("#org-score"), String(Math.round(two.score_after)));
  await page.fill("#filter", "");
  await page.locator(`#org-table tr[data-id="${id}"]`).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-desktop.png") });
  await page.screenshot({ path: join(ARTIFACTS, "portal-desktop-full.png"), fullPage: true });
  await page.locator("#lec").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-desktop-loss-curve.png") });

  await page.uncheck("#plan input >> nth=0");
  await page.uncheck("#plan input >> nth=1");
  const rating = sampleRating.ratings.find((r) => r.id === id);
  assert.equal(Number(await page.getAttribute("#org-score", "data-score")), rating.score);
});

test("timing in the page: rating and a what-if update for one large trust (printed, not asserted)", async () => {
  const id = largeTrust.id;
  const t = await page.evaluate(async ({ id, sample }) => {
    const rr = await import("./riskrating/web/risk_wasm.js");
    const doc = rr.samplePortfolio(sample);
    const org = doc.organisations.find((o) => o.id === id);
    const suppliers = new Set((org.dependencies ?? []).map((d) => d.supplier));
    const one = {
      as_of: doc.as_of,
      organisations: [org, ...doc.organisations.filter((o) => suppliers.has(o.id)).map((o) => ({ ...o, dependencies: [] }))],
    };
    const oneText = JSON.stringify(one);
    const fullText = JSON.stringify(doc);
    const action = rr.plan(oneText, id, 1).steps[0].action;
    const time = (f) => {
      f();
      const ts = [];
      for (let i = 0; i < 15; i++) {
        const a = performance.now();
        f();
        ts.push(performance.now() - a);
      }
      ts.sort((a, b) => a - b);
      return { median: ts[7], min: ts[0], max: ts[14] };
    };
    const prepOne = new rr.PreparedPortfolio(oneText);
    const prepFull = new rr.PreparedPortfolio(fullText);
    const result = {
      findings: org.findings?.length ?? 0,
      assessments: org.assessments?.length ?? 0,
      suppliers: suppliers.size,
      bytes: oneText.length,
      rate: time(() => rr.ratePortfolio(oneText)),
      whatIf: time(() => rr.whatIf(oneText, id, [action])),
      preparedRate: time(() => prepOne.rate()),
      preparedWhatIf: time(() => prepOne.whatIf(id, [action])),
      fullRate: time(() => rr.ratePortfolio(fullText)),
      fullPreparedWhatIf: time(() => prepFull.whatIf(id, [action])),
    };
    prepOne.free();
    prepFull.free();
    return result;
  }, { id, sample: SAMPLE });
  const f = (x) => `median ${x.median.toFixed(1)} ms (min ${x.min.toFixed(1)}, max ${x.max.toFixed(1)})`;
  const lines = [
    `large trust ${id}: ${t.findings} findings, ${t.assessments} assessments, ${t.suppliers} suppliers (${t.bytes} bytes with its suppliers)`,
    `  the trust and its suppliers, from JSON text: rating ${f(t.rate)}; what-if ${f(t.whatIf)}`,
    `  the same, PreparedPortfolio (checked once):  rating ${f(t.preparedRate)}; what-if ${f(t.preparedWhatIf)}`,
    `  the whole 300-organisation sample:           rating from text ${f(t.fullRate)}; what-if on its PreparedPortfolio (the page's tick) ${f(t.fullPreparedWhatIf)}`,
  ];
  console.log(lines.join("\n"));
  process.stdout.write(`# ${lines.join("\n# ")}\n`);
  for (const x of [t.rate, t.whatIf, t.preparedRate, t.preparedWhatIf, t.fullRate, t.fullPreparedWhatIf]) assert.ok(Number.isFinite(x.median) && x.median >= 0);
});

test("readable on a narrow screen: nothing overflows the page sideways", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(400); // the page redraws its SVGs 100 ms after a resize
  await page.screenshot({ path: join(ARTIFACTS, "portal-narrow.png"), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap"))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`)
      .slice(0, 8));
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen: ${wide.join(", ")}`);
  await page.screenshot({ path: join(ARTIFACTS, "portal-narrow-top.png") });
  await page.locator("#org-title").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-narrow-organisation.png") });
  await page.locator("#lec").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-narrow-loss-curve.png") });
  await page.locator("#plan").scrollIntoViewIfNeeded();
  assert.ok(await page.locator("#plan input >> nth=0").isVisible());
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("the system view ranks groups by P(≥3) and a supplier what-if moves the tail", async () => {
  const options = { trials: 10000, seed: 1, ks: [1, 2, 3, 5, 10], attribution_k: 3 };
  await page.click("#load-sample");
  await page.waitForSelector("#system:not([hidden])");
  const expected = rr.system(sampleDoc, options);
  const ranked = [...expected.groups].sort((a, b) => b.tail.find((t) => t.k === 3).p - a.tail.find((t) => t.k === 3).p);
  const shown = await page.$$eval("#system-table tbody tr", (rows) => rows.map((r) => [r.dataset.group, r.querySelector(".p-tail").textContent]));
  assert.equal(shown.length, expected.groups.length);
  assert.deepStrictEqual(shown[0], [ranked[0].group, `${(100 * ranked[0].tail.find((t) => t.k === 3).p).toFixed(1)}%`]);
  // Remove the first attributed supplier: the page's "after" column is the library's figure.
  const id = await page.inputValue("#system-supplier");
  await page.selectOption("#system-action", "remove");
  await page.click("#system-form button");
  await page.waitForFunction(() => document.querySelector("#system-whatif").textContent.startsWith("Removing"));
  const doc = structuredClone(sampleDoc);
  for (const o of doc.organisations) o.dependencies = (o.dependencies ?? []).filter((d) => d.supplier !== id);
  const after = rr.system(doc, options).groups.find((g) => g.group === ranked[0].group).tail.find((t) => t.k === 3).p;
  const cell = await page.textContent(`#system-table tr[data-group="${ranked[0].group}"] .p-after`);
  assert.equal(cell, `${(100 * after).toFixed(1)}%`);
  const ms = Number(await page.getAttribute("body", "data-system-ms"));
  console.log(`# system view of the bundled sample: ${options.trials} trials in ${ms.toFixed(0)} ms (Chromium, wasm)`);
  await page.locator("#system").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-system.png") });
});

test("a user's file with problems lists them with their paths; a good file loads", async () => {
  const bad = JSON.stringify({ as_of: "2025-09-30", organisations: [{ id: "A", colour: "red" }] });
  await page.setInputFiles("#file", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from(bad) });
  await page.waitForSelector("#problems:not([hidden])");
  const text = await page.textContent("#problem-list");
  assert.match(text, /organisations\[0\]\.colour/);
  assert.match(text, /unknown_field/);
  const edge = readFileSync(resolve(HERE, "../data/edge_cases.json"));
  await page.setInputFiles("#file", { name: "edge_cases.json", mimeType: "application/json", buffer: edge });
  await page.waitForSelector("#problems[hidden]", { state: "attached" });
  const expected = rr.ratePortfolio(edge.toString("utf8"));
  await page.fill("#filter", "");
  assert.deepStrictEqual((await tableIds()).sort(), expected.ratings.map((r) => r.id).sort());
});

test("no console errors, page errors, failed or external requests", () => {
  assert.deepStrictEqual(problems, []);
});
