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
  assert.match(await page.textContent("#status"), /Probabilities: expert judgement — not fitted to incident data\./);
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

// ---- disputes and freshness (issue 12) -------------------------------------------------------

const DEMO = resolve(PORTAL, "demo-disputes.json");
const demoText = readFileSync(DEMO, "utf8");
const demoRating = rr.ratePortfolio(demoText);
const demoById = new Map(demoRating.ratings.map((r) => [r.id, r]));

async function openInTable(id) {
  await page.fill("#filter", id);
  await page.click(`#org-table tr[data-id="${id}"] button.open`);
  await page.waitForFunction((t) => document.querySelector("#org-title").textContent.includes(`(${t})`), id);
}

test("the sample has no disputes: the disputes block stays hidden and freshness is stated", async () => {
  await page.click("#load-sample");
  await page.waitForFunction((n) => document.querySelectorAll("#org-table tbody tr").length === n, sampleDoc.organisations.length);
  assert.equal(await page.locator("#org-table .badge-disputed").count(), sampleRating.ratings.filter((r) => r.disputes).length);
  assert.equal(await page.locator("#org-table .badge-stale").count(), sampleRating.ratings.filter((r) => r.stale).length);
  const r = sampleRating.ratings.find((x) => x.evidence_as_of);
  await openInTable(r.id);
  assert.ok(await page.locator("#org-disputes").isHidden());
  assert.equal(await page.textContent("#org-evidence-as-of"), r.evidence_as_of);
  await page.fill("#filter", "");
});

test("the disputes demo: stale and disputed badges, evidence dates, both views, the counts and disputed drivers", async () => {
  await page.click("#load-demo");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Disputes demo"));
  assert.equal(await page.locator("#org-table tbody tr").count(), demoRating.ratings.length);
  const badges = await page.$$eval("#org-table tbody tr", (rows) =>
    rows.map((r) => [r.dataset.id, !!r.querySelector(".badge-disputed"), !!r.querySelector(".badge-stale")]));
  for (const [id, disputed, stale] of badges) {
    assert.equal(disputed, !!demoById.get(id).disputes, `${id} disputed badge`);
    assert.equal(stale, demoById.get(id).stale === true, `${id} stale badge`);
  }
  // The demo must show every case: own open, upheld and rejected disputes, a dependant reached
  // only through a supplier, and stale evidence.
  const rbs = demoById.get("RBS");
  assert.deepStrictEqual([rbs.disputes.open, rbs.disputes.upheld, rbs.disputes.rejected], [1, 1, 1]);
  assert.ok(badges.filter(([, , stale]) => stale).length >= 1);
  assert.equal(demoById.get("QNS").disputes.open, 0);

  await openInTable("RBS");
  assert.ok(await page.locator("#org-disputes").isVisible());
  assert.match(await page.textContent("#disputes-counts"), /^1 open, 1 upheld, 1 rejected disputes on its own evidence\.$/);
  assert.equal(Number(await page.getAttribute(".view-filed .view-score", "data-score")), rbs.score);
  assert.equal(Number(await page.getAttribute(".view-undisputed .view-score", "data-score")), rbs.disputes.score_undisputed);
  assert.equal(await page.textContent(".view-undisputed .band"), rbs.disputes.band_undisputed);
  assert.equal(await page.textContent(".view-filed .band"), rbs.band);
  const iu = rbs.disputes.interval_undisputed.map((x) => Math.round(x)).join("–");
  assert.equal(await page.textContent(".view-undisputed td:last-child"), iu);
  assert.equal(await page.textContent("#org-evidence-as-of"), rbs.evidence_as_of);
  assert.equal(await page.textContent("#org-freshness"), `Newest counted evidence: ${rbs.evidence_as_of}.`);
  const disputedDrivers = rbs.drivers.filter((d) => d.reason.includes("; disputed: "));
  assert.ok(disputedDrivers.length >= 1);
  const shown = await page.$$eval("#drivers li.disputed", (lis) => lis.map((li) => li.textContent));
  assert.equal(shown.length, disputedDrivers.length);
  disputedDrivers.forEach((d, i) => {
    assert.ok(shown[i].includes(d.reason), shown[i]);
    assert.ok(shown[i].includes("under dispute"));
  });

  await page.locator("#org-disputes").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-disputes.png") });

  await openInTable("QNS");
  assert.match(await page.textContent("#disputes-counts"), /0 open, 0 upheld, 0 rejected .*through its suppliers/);
  assert.equal(Number(await page.getAttribute(".view-undisputed .view-score", "data-score")), demoById.get("QNS").disputes.score_undisputed);

  const stale = demoRating.ratings.find((r) => r.stale);
  await openInTable(stale.id);
  assert.ok(await page.locator("#org-stale").isVisible());
  assert.equal(await page.textContent("#org-evidence-as-of"), stale.evidence_as_of);
  assert.match(await page.textContent("#org-freshness"), /Older than 365 days at 2025-09-30/);
  // The same document opened as a user's file shows the same.
  await page.fill("#filter", "");
  await page.setInputFiles("#file", { name: "mine.json", mimeType: "application/json", buffer: Buffer.from(demoText) });
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("mine.json"));
  assert.equal(await page.locator("#org-table .badge-disputed").count(), demoRating.ratings.filter((r) => r.disputes).length);
});

// ---- methodology change notice (issue 12) ------------------------------------------------------

const METHODOLOGIES = resolve(HERE, "../../../examples/methodologies");

test("a proposed methodology (TOML or JSON) shows who moves, the band migrations and the parts by group", async () => {
  await page.click("#load-sample");
  await page.waitForSelector("#compare:not([hidden])");
  const toml = readFileSync(join(METHODOLOGIES, "nhs-supplier-focus-v1.toml"));
  await page.setInputFiles("#methodology-file", { name: "nhs-supplier-focus-v1.toml", mimeType: "application/toml", buffer: toml });
  await page.waitForSelector("#compare-result:not([hidden])");
  const c = rr.compareMethodologies(sampleDoc, rr.defaultMethodology(), rr.methodologyFromToml(toml.toString("utf8")));
  assert.ok(c.changed_groups.length >= 1);
  const moved = c.organisations.filter((o) => o.change !== 0).sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || (a.id < b.id ? -1 : 1));
  const bandMoves = c.organisations.filter((o) => o.band_old !== o.band_new);
  assert.ok(bandMoves.length >= 1, "the supplier-focus methodology moves some band");
  const summary = await page.textContent("#compare-summary");
  assert.ok(summary.includes(`${moved.length} of ${c.organisations.length} organisations move, ${bandMoves.length} change band`), summary);
  assert.ok(summary.includes(`(${c.ratings_computed} ratings computed)`), summary);
  // Every mover, in order, with its new score and its parts per changed group.
  const rows = await page.$$eval("#movers tbody tr", (trs) => trs.map((tr) => ({
    id: tr.dataset.id,
    score: Number(tr.querySelector(".score-new").dataset.score),
    parts: [...tr.querySelectorAll(".part")].map((td) => [td.dataset.group, td.textContent]),
    bands: tr.querySelector(".bands").textContent,
  })));
  assert.deepStrictEqual(rows.map((r) => r.id), moved.map((o) => o.id));
  const signed = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
  rows.forEach((row, i) => {
    const o = moved[i];
    assert.equal(row.score, o.score_new);
    assert.deepStrictEqual(row.parts, c.changed_groups.map((g) => [g, signed(o.parts.find((p) => p.group === g).points)]));
    assert.equal(row.bands, o.band_old === o.band_new ? o.band_old : `${o.band_old} → ${o.band_new}`);
  });
  // The migration matrix counts every organisation once, in its old row and new column.
  const cells = await page.$$eval("#migrations tbody td", (tds) => tds.map((td) => [td.closest("tr").dataset.band, td.dataset.to, td.textContent]));
  let total = 0;
  for (const [from, to, text] of cells) {
    const n = c.organisations.filter((o) => o.band_old === from && o.band_new === to).length;
    assert.equal(text, n ? String(n) : "·", `${from} → ${to}`);
    total += n;
  }
  assert.equal(total, c.organisations.length);
  await page.locator("#compare").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-compare.png") });

  // The JSON file of the same methodology gives the same notice.
  await page.setInputFiles("#methodology-file", { name: "focus.json", mimeType: "application/json", buffer: readFileSync(join(METHODOLOGIES, "nhs-supplier-focus-v1.json")) });
  await page.waitForSelector("#compare-result:not([hidden])");
  assert.equal(await page.textContent("#compare-summary"), summary);

  // A methodology the engine refuses is reported with its path, and no notice is shown.
  const bad = JSON.parse(readFileSync(join(METHODOLOGIES, "nhs-supplier-focus-v1.json"), "utf8"));
  bad.factors[2].weight = -0.2;
  await page.setInputFiles("#methodology-file", { name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
  await page.waitForSelector("#compare-error:not([hidden])");
  assert.match(await page.textContent("#compare-error"), /factors\[2\]\.weight/);
  assert.ok(await page.locator("#compare-result").isHidden());
});

// ---- ingest drop zone (issue 16) ----------------------------------------------------------------

const FIX = resolve(HERE, "../../../tests/fixtures/ingest");
const EXPORTS = ["ocsf-findings.jsonl", "ocsf-inventory.json", "ocsf-compliance.jsonl", "scan.nessus"];

/** The demo document with the evidence appended (as Ingested::merge_into does it). */
function merged(doc, evidence) {
  const out = structuredClone(doc);
  for (const org of evidence.organisations) {
    const t = out.organisations.find((o) => o.id === org.id);
    if (!t) out.organisations.push(org);
    else for (const k of ["assessments", "metrics", "findings"]) t[k] = [...(t[k] ?? []), ...(org[k] ?? [])];
  }
  return out;
}

test("dropped exports: the ingest report with problems and paths, and the ratings with the evidence", async () => {
  await page.click("#load-demo");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Disputes demo"));
  const options = readFileSync(join(FIX, "options.json"), "utf8");
  const kev = readFileSync(join(FIX, "kev.json"));
  await page.fill("#ingest-options", options);
  await page.setInputFiles("#ingest-kev", { name: "kev.json", mimeType: "application/json", buffer: kev });
  const files = EXPORTS.map((name) => ({ name, data: readFileSync(join(FIX, "exports", name)) }));
  await page.setInputFiles("#ingest-files", files.map((f) => ({ name: f.name, mimeType: "application/octet-stream", buffer: f.data })));
  await page.waitForSelector("#ingest-result:not([hidden]), #ingest-error:not([hidden])");
  assert.ok(await page.locator("#ingest-error").isHidden(), await page.textContent("#ingest-error"));

  const out = rr.ingestFiles(files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) })), options, kev.toString("utf8"));
  const rep = out.report;
  const summary = await page.textContent("#ingest-summary");
  assert.ok(summary.startsWith(`4 files: ${rep.records_read} records read, ${rep.records_used} used, ${rep.records_read - rep.records_used} skipped.`), summary);
  assert.ok(summary.includes(`${rep.findings} findings`), summary);
  const skipped = await page.$$eval("#ingest-skipped li[data-reason]", (lis) => lis.map((li) => [li.dataset.reason, li.textContent]));
  assert.deepStrictEqual(skipped.map(([r]) => r).sort(), Object.keys(rep.skipped).filter((k) => rep.skipped[k] > 0).sort());
  for (const [reason, text] of skipped) assert.ok(text.endsWith(`: ${rep.skipped[reason]}`), text);
  const problems = await page.$$eval("#ingest-problems li", (lis) => lis.map((li) => li.textContent));
  assert.equal(problems.length, rep.problems.length);
  assert.ok(rep.problems.length >= 1);
  rep.problems.forEach((p, i) => {
    assert.ok(problems[i].includes(p.path) && problems[i].includes(p.code) && problems[i].startsWith(`${p.source}, record ${p.record}`), problems[i]);
  });
  // What the evidence adds: each attributed organisation rated with it, as the library rates it.
  const after = new Map(rr.ratePortfolio(merged(JSON.parse(demoText), out.portfolio)).ratings.map((r) => [r.id, r]));
  const rows = await page.$$eval("#ingest-effect tbody tr", (trs) => trs.map((tr) => [tr.dataset.id, Number(tr.querySelector(".score-after").dataset.score)]));
  assert.deepStrictEqual(rows.map(([id]) => id), out.portfolio.organisations.map((o) => o.id));
  for (const [id, score] of rows) assert.equal(score, after.get(id).score, id);
  assert.ok(rows.some(([id, score]) => Math.abs(score - demoById.get(id).score) > 0.5), "the evidence moves a score");
  await page.locator("#ingest").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-ingest.png") });

  // A file dropped on the zone (a drop event with a DataTransfer) is ingested too.
  const nessus = readFileSync(join(FIX, "exports", "scan.nessus"), "utf8");
  const drop = () => page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "scan.nessus", { type: "application/xml" }));
    document.querySelector("#dropzone").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, nessus);
  await drop();
  await page.waitForFunction(() => document.querySelector("#ingest-summary").textContent.startsWith("1 file"));
  assert.ok(await page.locator("#ingest-error").isHidden(), await page.textContent("#ingest-error"));
  const one = rr.ingestFiles([{ name: "scan.nessus", data: nessus }], options, kev.toString("utf8"));
  assert.match(await page.textContent("#ingest-summary"), new RegExp(`^1 file: ${one.report.records_read} records read, ${one.report.records_used} used`));
  const withScan = rr.ratePortfolio(merged(JSON.parse(demoText), one.portfolio)).ratings.find((r) => r.id === "RBS");
  assert.equal(Number(await page.getAttribute('#ingest-effect tr[data-id="RBS"] .score-after', "data-score")), withScan.score);

  // Using the merged portfolio rates it in the table.
  await page.click("#ingest-apply");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("The portfolio with the ingested evidence"));
  await page.fill("#filter", "RBS");
  assert.equal(await page.textContent('#org-table tr[data-id="RBS"] .score-cell'), String(Math.round(withScan.score)));
  await page.fill("#filter", "");

  // The same scan again: its findings are already there, and the engine says where.
  await drop();
  await page.waitForSelector("#ingest-error:not([hidden])");
  assert.match(await page.textContent("#ingest-error"), /duplicate_finding at organisations\[0\]\.findings\[\d+\]\.id/);

  // An export refused as a whole: the error with its code and path.
  await page.setInputFiles("#ingest-files", { name: "broken.json", mimeType: "application/json", buffer: Buffer.from('[{"class_uid": 2002}, {"cla') });
  await page.waitForSelector("#ingest-error:not([hidden])");
  assert.match(await page.textContent("#ingest-error"), /malformed_json at \[1\]/);
});

// ---- calibration (issue 11) -----------------------------------------------------------------------

const CAL = resolve(HERE, "../../../tests/vectors/calibration");

test("calibration: the reliability and band tables of an uploaded incidents file, evaluated and fitted", async () => {
  const [portfolio, incidents, config] = ["portfolio.json", "incidents.json", "config.json"].map((n) => readFileSync(join(CAL, n), "utf8"));
  await page.setInputFiles("#file", { name: "calibration-portfolio.json", mimeType: "application/json", buffer: Buffer.from(portfolio) });
  await page.waitForSelector("#calibration:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("calibration-portfolio.json"));
  await page.setInputFiles("#incidents-file", { name: "incidents.json", mimeType: "application/json", buffer: Buffer.from(incidents) });
  await page.fill("#calibration-config", config);
  await page.selectOption("#calibration-mode", "evaluate");
  await page.click("#calibration-form button");
  await page.waitForSelector("#calibration-result:not([hidden]), #calibration-error:not([hidden])");
  assert.ok(await page.locator("#calibration-error").isHidden(), await page.textContent("#calibration-error"));
  const { report } = rr.evaluateCalibration(portfolio, incidents, config);
  const o = report.validation.original.overall;
  const pct = (x) => (x === null ? "–" : `${(100 * x).toFixed(1)}%`);
  const rel = await page.$$eval("#reliability-original tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.equal(rel.length, o.reliability.length);
  o.reliability.forEach((b, i) => {
    assert.deepStrictEqual(rel[i].slice(0, 3), [String(b.bin), String(b.n), String(b.events)]);
    assert.equal(rel[i][4], pct(b.mean_predicted));
    assert.equal(rel[i][5], pct(b.observed));
  });
  // The reliability curve: one point per bin with an observed rate, at the report's figures, and
  // the points' heights in the same order as their observed rates.
  const points = await page.$$eval("#reliability-curve-original .rel-point", (cs) =>
    cs.map((c) => ({ bin: Number(c.dataset.bin), p: Number(c.dataset.predicted), o: Number(c.dataset.observed), cy: Number(c.getAttribute("cy")) })));
  const drawn = o.reliability.filter((b) => b.observed !== null && b.mean_predicted !== null);
  assert.ok(drawn.length > 0);
  assert.deepStrictEqual(points.map((q) => [q.bin, q.p, q.o]), drawn.map((b) => [b.bin, b.mean_predicted, b.observed]));
  for (const a of points) for (const b of points) if (a.o < b.o) assert.ok(a.cy > b.cy, `bin ${a.bin} drawn below bin ${b.bin}`);
  const bands = await page.$$eval("#bands-original tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepStrictEqual(bands.map((r) => r.slice(0, 3)), o.bands.map((b) => [b.band, String(b.n), String(b.events)]));
  o.bands.forEach((b, i) => assert.equal(bands[i][4], pct(b.observed)));
  assert.match(await page.textContent('[data-block="original"] .headline'), new RegExp(`^${o.n} observations \\(organisation-years\\), ${o.events} events: observed rate ${pct(o.base_rate)}`));
  assert.match(await page.textContent("#calibration-summary"), new RegExp(`^Evaluated: ${report.design.observations} organisation-years`));
  assert.equal(await page.locator('[data-block="fitted"]').count(), 0);
  await page.locator("#calibration").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "portal-calibration.png") });

  // Fitting at the intercept level: the fitted methodology's tables beside the original.
  const intercept = JSON.stringify({ ...JSON.parse(config), level: "intercept" });
  await page.fill("#calibration-config", intercept);
  await page.selectOption("#calibration-mode", "fit");
  await page.click("#calibration-form button");
  await page.waitForSelector('[data-block="fitted"]');
  const fitted = rr.calibrate(portfolio, incidents, intercept).report.validation.fitted.overall;
  const fittedRel = await page.$$eval("#reliability-fitted tbody tr .observed", (tds) => tds.map((td) => td.textContent));
  assert.deepStrictEqual(fittedRel, fitted.reliability.map((b) => pct(b.observed)));
  assert.match(await page.textContent("#calibration-summary"), /Fit: level intercept/);

  // The engine's errors name the document and the path.
  await page.setInputFiles("#incidents-file", { name: "bad.json", mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ incidents: [{ id: "X", organisation: "NOPE", occurred_on: "2024-01-01", origin: "internal" }] })) });
  await page.click("#calibration-form button");
  await page.waitForSelector("#calibration-error:not([hidden])");
  assert.match(await page.textContent("#calibration-error"), /incidents document.*unknown_organisation at incidents\[0\]\.organisation/);
});

test("no console errors, page errors, failed or external requests", () => {
  assert.deepStrictEqual(problems, []);
});
