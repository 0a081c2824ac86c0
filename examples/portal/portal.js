// The riskrating portal: a static page over the WebAssembly package. Every figure on the page
// comes from the library (ratePortfolio, plan, whatIf); this file only loads, lays out and words.
import init, * as rr from "./riskrating/web/risk_wasm.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

/** Create an element: el("td", {class: "num"}, "text", child…). */
function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const fmt = {
  score: (s) => Math.round(s).toString(),
  pct: (p, digits = 1) => `${(100 * p).toFixed(digits)}%`,
  points: (x) => `${Math.abs(x).toFixed(1)} point${Math.abs(x).toFixed(1) === "1.0" ? "" : "s"}`,
  ms: (t) => `${t.toFixed(t < 10 ? 2 : 0)} ms`,
  words: (s) => s.replaceAll("_", " "),
  money: (x) => {
    const a = Math.abs(x);
    if (a >= 1e9) return `£${(x / 1e9).toPrecision(3)}bn`;
    if (a >= 1e6) return `£${(x / 1e6).toPrecision(3)}m`;
    if (a >= 1e3) return `£${(x / 1e3).toPrecision(3)}k`;
    return `£${x.toFixed(0)}`;
  },
};

const state = {
  methodology: null,
  factorNames: new Map(),
  outcomeNames: new Map(),
  bands: [],
  prepared: null, // the checked portfolio held by the library (PreparedPortfolio)
  doc: null, // the same document as an object (for names, dependencies and findings)
  rating: null,
  ratingById: new Map(),
  orgById: new Map(),
  sort: { key: "score", dir: "ascending" },
  selected: null,
  plan: null,
  whatIf: null, // the what-if of the ticked actions, if any
  curves: null, // the loss exceedance curves drawn last
};

function setStatus(text) {
  $("status").textContent = text;
}

// ---- loading --------------------------------------------------------------------------------

function showProblems(report) {
  const list = $("problem-list");
  list.replaceChildren(
    ...report.errors.map((p) =>
      el("li", {}, p.path ? el("code", {}, p.path) : "the document", `: ${p.message} `, el("span", { class: "meta" }, `(${p.code})`)),
    ),
  );
  if (report.omitted > 0) list.append(el("li", {}, `…and ${report.omitted} more`));
  $("problems").hidden = false;
}

function load(text, label) {
  $("problems").hidden = true;
  let prepared;
  const t0 = performance.now();
  try {
    // Parsed and checked once; the plan and every re-rate reuse it.
    prepared = new rr.PreparedPortfolio(text);
  } catch (e) {
    if (!Array.isArray(e.problems)) throw e;
    showProblems(rr.validate(text)); // every problem, and how many more there are
    setStatus(`${label} was not loaded: it has problems, listed below.`);
    return;
  }
  const rating = prepared.rate();
  const ms = performance.now() - t0;
  state.prepared?.free();
  state.prepared = prepared;
  state.doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  state.rating = rating;
  state.ratingById = new Map(rating.ratings.map((r) => [r.id, r]));
  state.orgById = new Map(state.doc.organisations.map((o) => [o.id, o]));
  state.selected = null;
  $("org-view").hidden = true;
  renderTable();
  setStatus(
    `${label}: ${rating.ratings.length} organisations checked and rated as of ${rating.as_of} ` +
      `(${rating.methodology} ${rating.methodology_version}) in ${fmt.ms(ms)}. ` +
      // calibration-v1 3.6: every view of the figures says where the probabilities come from.
      `Probabilities: ${rr.methodologyLabel()}.`,
  );
  document.body.dataset.rateMs = ms.toFixed(3);
  renderSystem();
  resetExtras();
}

$("load-sample").addEventListener("click", () => {
  const t0 = performance.now();
  const doc = rr.samplePortfolio({ organisations: 300, seed: 42 });
  const ms = performance.now() - t0;
  load(JSON.stringify(doc), `Sample portfolio (generated in ${fmt.ms(ms)})`);
});

$("load-demo").addEventListener("click", async () => {
  // A small invented document with disputes (open, upheld, rejected) and stale evidence.
  const response = await fetch("demo-disputes.json");
  if (!response.ok) {
    setStatus(`The demo document could not be fetched (${response.status}).`);
    return;
  }
  load(await response.text(), "Disputes demo (demo-disputes.json)");
});

$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  load(await file.text(), file.name);
});

// ---- the table ------------------------------------------------------------------------------

function displayName(id) {
  return state.orgById.get(id)?.name || id;
}

const SORT_VALUE = {
  name: (r) => displayName(r.id).toLowerCase(),
  peer_group: (r) => r.peer_group,
  score: (r) => r.score,
  band: (r) => r.band,
  width: (r) => r.interval[1] - r.interval[0],
  coverage: (r) => r.coverage,
  peer_percentile: (r) => r.peer_percentile,
};

function sortedRatings() {
  const { key, dir } = state.sort;
  const value = SORT_VALUE[key];
  const sign = dir === "ascending" ? 1 : -1;
  return [...state.rating.ratings].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const c = typeof x === "string" ? x.localeCompare(y) : x - y;
    return sign * c || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
}

function renderTable() {
  const filter = $("filter").value.trim().toLowerCase();
  const rows = [];
  for (const r of sortedRatings()) {
    const name = displayName(r.id);
    if (filter && !`${name} ${r.id} ${r.peer_group}`.toLowerCase().includes(filter)) continue;
    rows.push(
      el(
        "tr",
        { "data-id": r.id, "aria-current": r.id === state.selected ? "true" : null },
        el("td", { class: "name" },
          el("button", { type: "button", class: "open", onclick: () => openOrganisation(r.id) }, name),
          name !== r.id ? el("span", { class: "id" }, ` ${r.id}`) : null,
          r.disputes ? el("span", { class: "badge badge-disputed", title: "open disputes reach this rating" }, "disputed") : null,
          r.stale ? el("span", { class: "badge badge-stale", title: `newest counted evidence ${r.evidence_as_of}` }, "stale") : null),
        el("td", { class: "col-peer" }, fmt.words(r.peer_group)),
        el("td", { class: "num score-cell" }, fmt.score(r.score)),
        el("td", {}, el("span", { class: `band band-${r.band}` }, r.band)),
        el("td", { class: "num" }, `${fmt.score(r.interval[0])}–${fmt.score(r.interval[1])}`),
        el("td", { class: "num" }, fmt.pct(r.coverage, 0)),
        el("td", { class: "num" }, r.peer_percentile.toFixed(0)),
      ),
    );
  }
  document.querySelector("#org-table tbody").replaceChildren(...rows);
  for (const th of document.querySelectorAll("#org-table th")) {
    th.setAttribute("aria-sort", th.dataset.key === state.sort.key ? state.sort.dir : "none");
  }
}

for (const th of document.querySelectorAll("#org-table th")) {
  th.querySelector("button").addEventListener("click", () => {
    const key = th.dataset.key;
    state.sort = {
      key,
      dir: state.sort.key === key && state.sort.dir === "ascending" ? "descending" : "ascending",
    };
    if (state.rating) renderTable();
  });
}
$("filter").addEventListener("input", () => state.rating && renderTable());

// ---- the organisation view ----------------------------------------------------------------

/** Width of an SVG in CSS pixels, so that it is drawn 1:1 and its text stays readable. */
const svgWidth = (svg, fallback) => Math.round(Math.min(900, Math.max(280, svg.clientWidth || fallback)));
let scaleWidth = 600;
const xScore = (s) => 12 + ((s - 250) / 650) * (scaleWidth - 24);

/** The score scale: bands, the 90% interval and the score; `previous` marks the score before a what-if. */
function drawScale(svg, rating, previous) {
  scaleWidth = svgWidth(svg, 600);
  svg.setAttribute("viewBox", `0 0 ${scaleWidth} 46`);
  const step = scaleWidth < 420 ? 200 : 100;
  const parts = [];
  // Band regions from the methodology (highest first; the last has no minimum).
  let upper = 900;
  for (const b of state.bands) {
    const lower = b.min_score ?? 250;
    parts.push(el("svg:rect", { x: xScore(lower), y: 8, width: Math.max(0, xScore(upper) - xScore(lower)), height: 18, class: `band-${b.band}`, fill: `var(--${b.band}, #999)`, opacity: 0.18 }));
    parts.push(el("svg:text", { x: (xScore(lower) + xScore(upper)) / 2, y: 21, "text-anchor": "middle", "font-size": 10, fill: "#566078" }, b.band));
    upper = lower;
  }
  for (let s = 300; s <= 900; s += step) {
    parts.push(el("svg:line", { x1: xScore(s), x2: xScore(s), y1: 26, y2: 30, stroke: "#566078" }));
    parts.push(el("svg:text", { x: xScore(s), y: 42, "text-anchor": "middle", "font-size": 10, fill: "#566078" }, String(s)));
  }
  const [lo, hi] = rating.interval;
  parts.push(el("svg:rect", { x: xScore(lo), y: 13, width: Math.max(1, xScore(hi) - xScore(lo)), height: 8, fill: "#1d2433", opacity: 0.55, rx: 2 }));
  parts.push(el("svg:circle", { cx: xScore(rating.score), cy: 17, r: 5, fill: "#1d2433" }));
  if (previous !== undefined) {
    parts.push(el("svg:circle", { cx: xScore(previous), cy: 17, r: 5, fill: "none", stroke: "#005eb8", "stroke-width": 2.5 }));
  }
  svg.replaceChildren(...parts);
}

function factorBar(f) {
  const x = (p) => 100 * p;
  return el("svg:svg", { viewBox: "0 0 100 12", preserveAspectRatio: "none", role: "img",
    "aria-label": `${state.factorNames.get(f.id) ?? f.id}: ${fmt.pct(f.mean, 0)}, 90% range ${fmt.pct(f.lower, 0)} to ${fmt.pct(f.upper, 0)}` },
    el("svg:rect", { x: 0, y: 2, width: 100, height: 8, fill: "#eef1f6" }),
    el("svg:rect", { x: 0, y: 2, width: x(f.mean), height: 8, fill: "#005eb8", opacity: 0.75 }),
    el("svg:line", { x1: x(f.lower), x2: x(f.upper), y1: 6, y2: 6, stroke: "#1d2433", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }),
    el("svg:line", { x1: x(f.lower), x2: x(f.lower), y1: 1, y2: 11, stroke: "#1d2433", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }),
    el("svg:line", { x1: x(f.upper), x2: x(f.upper), y1: 1, y2: 11, stroke: "#1d2433", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }),
  );
}

/** An action in words, with the names the document and methodology give. */
function describeAction(id, a) {
  const org = state.orgById.get(id);
  switch (a.action) {
    case "set_assessment": {
      const name = state.outcomeNames.get(a.control);
      return `Reach “${fmt.words(a.outcome)}” on ${a.control}${name ? ` ${name}` : ""}, ${fmt.words(a.assurance)}`;
    }
    case "resolve_finding": {
      const f = org?.findings?.find((x) => x.id === a.finding);
      const what = f ? `${fmt.words(f.kind)}${f.cve ? ` ${f.cve}` : ""}` : "finding";
      return `Resolve ${what} (${a.finding})`;
    }
    case "set_metric":
      return `Bring ${fmt.words(a.metric)} to ${a.successes.toLocaleString("en-GB")} of ${a.trials.toLocaleString("en-GB")}`;
    case "remove_dependency":
      return `Remove the dependency on ${displayName(a.supplier)}`;
    case "set_dependency_access":
      return `Reduce ${displayName(a.supplier)}’s access to ${fmt.words(a.access)}`;
    default:
      return JSON.stringify(a);
  }
}

/** The engine ends a driver's reason with "; disputed: <reason>" while its item is under open dispute. */
const isDisputed = (d) => d.reason.includes("; disputed: ");

/** Freshness: the date of the newest counted evidence and the stale mark, as the engine gives them. */
function renderFreshness(r) {
  const p = $("org-freshness");
  const days = state.methodology.freshness?.stale_after_days;
  if (!r.evidence_as_of) {
    p.replaceChildren("No evidence item is counted, so there is no evidence date.");
  } else {
    p.replaceChildren(...[
      `Newest counted evidence: `, el("time", { id: "org-evidence-as-of", datetime: r.evidence_as_of }, r.evidence_as_of), ".",
      r.stale ? " " : null,
      r.stale ? el("span", { class: "badge badge-stale", id: "org-stale" }, "stale") : null,
      r.stale ? ` Older than ${days ?? "the methodology's"} days at ${state.rating.as_of}: the rating rests on old evidence.` : null,
    ].filter((c) => c !== null));
  }
}

/** Disputes: the counts of its own disputed items and both views, filed and undisputed. */
function renderDisputes(r) {
  const section = $("org-disputes");
  const d = r.disputes;
  if (!d) {
    section.hidden = true;
    return;
  }
  const own = d.open + d.upheld + d.rejected;
  $("disputes-counts").textContent =
    `${d.open} open, ${d.upheld} upheld, ${d.rejected} rejected dispute${own === 1 ? "" : "s"} on its own evidence.` +
    (d.open === 0 ? " An open dispute reaches it through its suppliers." : "");
  const row = (label, cls, score, band, interval) =>
    el("tr", { class: cls },
      el("th", { scope: "row" }, label),
      el("td", { class: "num view-score", "data-score": String(score) }, fmt.score(score)),
      el("td", {}, el("span", { class: `band band-${band}` }, band)),
      el("td", { class: "num" }, `${fmt.score(interval[0])}–${fmt.score(interval[1])}`));
  $("disputes-views").replaceChildren(
    row("As filed", "view-filed", r.score, r.band, r.interval),
    row("Undisputed", "view-undisputed", d.score_undisputed, d.band_undisputed, d.interval_undisputed),
  );
  section.hidden = false;
}

function openOrganisation(id) {
  const r = state.ratingById.get(id);
  const org = state.orgById.get(id);
  state.selected = id;
  for (const tr of document.querySelectorAll("#org-table tbody tr")) {
    if (tr.dataset.id === id) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  }
  const name = displayName(id);
  $("org-title").textContent = name !== id ? `${name} (${id})` : id;
  const group = state.rating.peer_groups.find((g) => g.peer_group === r.peer_group);
  $("org-meta").textContent =
    `Peer group ${fmt.words(r.peer_group)}: ${r.peer_percentile.toFixed(0)}th percentile of ${group?.n ?? 1} ` +
    `(median ${group ? fmt.score(group.median) : "–"}).`;
  $("org-band").textContent = r.band;
  $("org-band").className = `band band-${r.band}`;
  $("org-score").textContent = fmt.score(r.score);
  $("org-score").dataset.score = String(r.score);
  $("org-interval").textContent = `90% interval ${fmt.score(r.interval[0])} to ${fmt.score(r.interval[1])}.`;
  $("org-probability").textContent =
    `Currently a ${fmt.pct(r.probability)} chance of a material cyber incident in the next 12 months ` +
    `(90% interval ${fmt.pct(r.probability_interval[0])} to ${fmt.pct(r.probability_interval[1])}); ` +
    `${fmt.pct(r.internal_probability)} from its own controls, ${fmt.pct(r.supply_probability)} through its suppliers.`;
  const basis = { evidence: "Rated on evidence", attestation: "Rated on its attestation only (no evidence yet)", prior: "No evidence or attestation: rated at the default prior" }[r.basis];
  $("org-basis").textContent = `${basis}; ${fmt.pct(r.coverage, 0)} of the model is backed by evidence.`;
  renderFreshness(r);
  renderDisputes(r);
  drawScale($("org-scale"), r);
  $("org-scale-desc").textContent = `Score ${fmt.score(r.score)} on a scale from 250 to 900, 90% interval ${fmt.score(r.interval[0])} to ${fmt.score(r.interval[1])}, band ${r.band}.`;

  // Drivers in words.
  $("drivers").replaceChildren(
    ...(r.drivers.length
      ? r.drivers.map((d) =>
          el("li", { class: isDisputed(d) ? "disputed" : null },
            el("span", { class: d.impact >= 0 ? "up" : "down" }, `${d.impact >= 0 ? "Raises" : "Lowers"} the score by ${fmt.points(d.impact)}`),
            `: ${d.reason}.`,
            isDisputed(d) ? el("span", { class: "badge badge-disputed" }, "under dispute") : null))
      : [el("li", {}, "No evidence item moves the score: it rests on the prior or attestation.")]),
  );

  // Factors with uncertainty whiskers, in the methodology's order.
  $("factors").replaceChildren(
    ...r.factors.map((f) =>
      el("li", {},
        el("span", {}, state.factorNames.get(f.id) ?? f.id),
        factorBar(f),
        el("span", { class: "pts" }, f.points > 0.05 ? `${f.points.toFixed(1)} pts to gain` : "—"))),
  );

  // Suppliers it depends on, and who depends on it.
  const deps = org?.dependencies ?? [];
  $("suppliers").replaceChildren(
    ...(deps.length
      ? deps.map((d) => {
          const s = state.ratingById.get(d.supplier);
          return el("tr", {},
            el("td", {}, el("button", { type: "button", class: "open", onclick: () => openOrganisation(d.supplier) }, displayName(d.supplier))),
            el("td", {}, d.criticality), el("td", {}, d.access),
            el("td", { class: "num" }, s ? fmt.score(s.score) : "–"),
            el("td", {}, s ? el("span", { class: `band band-${s.band}` }, s.band) : "–"));
        })
      : [el("tr", {}, el("td", { colspan: 5 }, "No supplier dependencies recorded."))]),
  );
  const exposure = state.rating.suppliers.find((s) => s.id === id);
  $("dependents").textContent = exposure
    ? `${exposure.dependents} organisation(s) depend on it; systemic exposure ${exposure.systemic_exposure.toFixed(2)} (expected dependants hit if it is compromised).`
    : "No organisation in this portfolio depends on it.";

  // The improvement plan: tick actions to re-rate.
  const t0 = performance.now();
  state.plan = state.prepared.plan(id, 5);
  const planMs = performance.now() - t0;
  const fieldset = $("plan");
  fieldset.replaceChildren(
    el("legend", { class: "visually-hidden" }, "Actions to apply"),
    ...(state.plan.steps.length
      ? state.plan.steps.map((step, i) =>
          el("label", {},
            el("input", { type: "checkbox", "data-index": i, onchange: () => reRate(id) }),
            el("span", {}, describeAction(id, step.action)),
            el("span", { class: "gain" }, `+${step.gain.toFixed(1)}`)))
      : [el("p", { class: "meta" }, "Nothing to improve: no open findings, shortfalls or dependencies.")]),
  );
  $("whatif").textContent = state.plan.steps.length
    ? `All ${state.plan.steps.length} together: ${fmt.score(state.plan.score_with_all)} (+${(state.plan.score_with_all - state.plan.score).toFixed(1)} points).`
    : "";
  $("whatif").removeAttribute("data-score");
  document.body.dataset.planMs = planMs.toFixed(3);

  state.whatIf = null;
  $("org-view").hidden = false;
  updateLosses();
  $("org-title").focus();
}

/** Re-rate the open organisation with the ticked actions applied. */
function reRate(id) {
  const r = state.ratingById.get(id);
  const ticked = [...$("plan").querySelectorAll("input:checked")].map((i) => state.plan.steps[Number(i.dataset.index)].action);
  if (ticked.length === 0) {
    $("org-score").textContent = fmt.score(r.score);
    $("org-score").dataset.score = String(r.score);
    $("org-band").textContent = r.band;
    $("org-band").className = `band band-${r.band}`;
    $("whatif").textContent = "No actions ticked: the current rating.";
    $("org-interval").textContent = `90% interval ${fmt.score(r.interval[0])} to ${fmt.score(r.interval[1])}.`;
    $("whatif").removeAttribute("data-score");
    drawScale($("org-scale"), r);
    state.whatIf = null;
    updateLosses();
    return;
  }
  const t0 = performance.now();
  const w = state.prepared.whatIf(id, ticked);
  const ms = performance.now() - t0;
  $("org-score").textContent = fmt.score(w.score_after);
  $("org-score").dataset.score = String(w.score_after);
  $("org-band").textContent = w.rating.band;
  $("org-band").className = `band band-${w.rating.band}`;
  const ripple = w.dependants.length ? ` ${w.dependants.length} dependant(s) would also improve.` : "";
  $("whatif").textContent =
    `With ${ticked.length} action${ticked.length > 1 ? "s" : ""}: ${fmt.score(w.score_after)}, band ${w.rating.band} ` +
    `(${w.delta >= 0 ? "+" : "−"}${Math.abs(w.delta).toFixed(1)} points; was ${fmt.score(w.score_before)}), ` +
    `90% interval ${fmt.score(w.rating.interval[0])} to ${fmt.score(w.rating.interval[1])}.${ripple}`;
  $("whatif").dataset.score = String(w.score_after);
  $("org-interval").textContent =
    `90% interval ${fmt.score(w.rating.interval[0])} to ${fmt.score(w.rating.interval[1])} with the ticked actions ` +
    `(now ${fmt.score(r.interval[0])} to ${fmt.score(r.interval[1])}).`;
  drawScale($("org-scale"), w.rating, r.score);
  document.body.dataset.whatIfMs = ms.toFixed(3);
  setStatus(`Re-rated ${displayName(id)} with ${ticked.length} action(s) in ${fmt.ms(ms)}.`);
  state.whatIf = w;
  updateLosses();
}

// ---- loss exceedance ------------------------------------------------------------------------

const LEC_TRIALS = 20000;

/** Simulate one organisation's annual losses from a rating's probability and interval. */
function simulateLosses(id, rating) {
  const low = Number($("loss-low").value);
  const high = Number($("loss-high").value);
  return rr.simulate({
    trials: LEC_TRIALS,
    seed: 1,
    scenarios: [{ name: "material incident", organisation: id, frequency: { from_rating: id }, primary_loss: { type: "lognormal_ci", low, high } }],
    ratings: { [id]: { probability: rating.probability, probability_interval: rating.probability_interval } },
    report: { percentiles: [0.5, 0.95, 0.99], var_levels: [], lec_points: 40 },
  });
}

/** Draw loss exceedance curves (log loss axis); the first is solid, a second dashed. */
function drawLec(curves) {
  state.curves = curves;
  const svg = $("lec");
  const W = svgWidth(svg, 600), H = 250, L = 52, R = 24, T = 10, B = 38;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const tick = (e) => (e >= 9 ? `£${10 ** (e - 9)}bn` : e >= 6 ? `£${10 ** (e - 6)}m` : e >= 3 ? `£${10 ** (e - 3)}k` : `£${10 ** e}`);
  const points = curves.flatMap((c) => c.report.total.lec).filter((p) => p.loss > 0);
  if (points.length === 0) {
    svg.replaceChildren(el("svg:text", { x: W / 2, y: H / 2, "text-anchor": "middle", fill: "#566078" }, "No losses in the simulation."));
    return;
  }
  const lo = Math.floor(Math.log10(Math.min(...points.map((p) => p.loss))));
  const hi = Math.ceil(Math.log10(Math.max(...points.map((p) => p.loss))));
  const pmax = Math.min(1, Math.ceil(Math.max(...points.map((p) => p.probability)) * 10) / 10 || 0.1);
  const x = (loss) => L + ((Math.log10(loss) - lo) / Math.max(1, hi - lo)) * (W - L - R);
  const y = (p) => T + (1 - p / pmax) * (H - T - B);
  const parts = [];
  for (let e = lo; e <= hi; e++) {
    parts.push(el("svg:line", { x1: x(10 ** e), x2: x(10 ** e), y1: T, y2: H - B, stroke: "#d8dde6" }));
    parts.push(el("svg:text", { x: x(10 ** e), y: H - B + 15, "text-anchor": "middle", "font-size": 11, fill: "#566078" }, tick(e)));
  }
  for (let i = 0; i <= 4; i++) {
    const p = (pmax * i) / 4;
    parts.push(el("svg:line", { x1: L, x2: W - R, y1: y(p), y2: y(p), stroke: "#d8dde6" }));
    parts.push(el("svg:text", { x: L - 6, y: y(p) + 4, "text-anchor": "end", "font-size": 11, fill: "#566078" }, `${Math.round(100 * p)}%`));
  }
  parts.push(el("svg:text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", "font-size": 11, fill: "#1d2433" }, "Annual loss (log scale)"));
  parts.push(el("svg:text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": 11, fill: "#1d2433", transform: `rotate(-90 12 ${(T + H - B) / 2})` }, "P(loss > x)"));
  curves.forEach((c, i) => {
    const pts = c.report.total.lec.filter((p) => p.loss > 0).map((p) => `${x(p.loss).toFixed(1)},${y(p.probability).toFixed(1)}`);
    parts.push(el("svg:polyline", { points: pts.join(" "), fill: "none", stroke: i === 0 ? "#005eb8" : "#1b7a3d", "stroke-width": 2.5, "stroke-dasharray": i === 0 ? null : "6 4" }));
  });
  curves.forEach((c, i) => {
    parts.push(el("svg:line", { x1: W - R - 170, x2: W - R - 145, y1: T + 10 + 16 * i, y2: T + 10 + 16 * i, stroke: i === 0 ? "#005eb8" : "#1b7a3d", "stroke-width": 2.5, "stroke-dasharray": i === 0 ? null : "6 4" }));
    parts.push(el("svg:text", { x: W - R - 140, y: T + 14 + 16 * i, "font-size": 11, fill: "#1d2433" }, c.label));
  });
  svg.replaceChildren(...parts);
  const words = curves.map((c) => {
    const t = c.report.total;
    const p95 = t.percentiles.find((q) => q.q === 0.95)?.value ?? 0;
    return `${c.label}: expected annual loss ${fmt.money(t.mean)}, 1-in-20-year loss ${fmt.money(p95)}`;
  });
  $("lec-desc").textContent = `${words.join("; ")} (${LEC_TRIALS.toLocaleString("en-GB")} simulated years).`;
}

/** Simulate and draw the open organisation's curve, and the what-if curve when actions are ticked. */
function updateLosses() {
  const id = state.selected;
  if (!id) return;
  const low = Number($("loss-low").value);
  const high = Number($("loss-high").value);
  if (!(low > 0 && high > low)) {
    $("lec-desc").textContent = "Give a range with 0 < low < high.";
    return;
  }
  const t0 = performance.now();
  const curves = [{ label: "Now", report: simulateLosses(id, state.ratingById.get(id)) }];
  if (state.whatIf) curves.push({ label: "With ticked actions", report: simulateLosses(id, state.whatIf.rating) });
  document.body.dataset.simulateMs = (performance.now() - t0).toFixed(3);
  drawLec(curves);
}

// Redraw the SVGs at their new width when the window is resized (they are drawn 1:1).
let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const id = state.selected;
    if (!id || $("org-view").hidden) return;
    drawScale($("org-scale"), state.whatIf?.rating ?? state.ratingById.get(id), state.whatIf ? state.ratingById.get(id).score : undefined);
    if (state.curves) drawLec(state.curves);
  }, 100);
});

$("loss-form").addEventListener("submit", (event) => {
  event.preventDefault();
  updateLosses();
});

// ---- start ----------------------------------------------------------------------------------

// ---- the system view: groups that could fall together ---------------------------------------

const SYSTEM_OPTIONS = { trials: 10000, seed: 1, ks: [1, 2, 3, 5, 10], attribution_k: 3 };
const SYSTEM_K = 3;

const tailAt = (g, k = SYSTEM_K) => g.tail.find((t) => t.k === k);

function renderSystem(after = null) {
  const section = $("system");
  if (!state.rating.groups?.length) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  if (!after) {
    const t0 = performance.now();
    state.system = rr.system(state.doc, SYSTEM_OPTIONS);
    const ms = performance.now() - t0;
    document.body.dataset.systemMs = ms.toFixed(3);
    $("system-whatif").textContent =
      `${state.system.groups.length} groups, ${state.system.trials.toLocaleString("en-GB")} simulated years in ${fmt.ms(ms)}.`;
    const suppliers = [...new Set(state.system.groups.flatMap((g) => g.suppliers.map((s) => s.id)))];
    $("system-supplier").replaceChildren(...suppliers.map((id) => el("option", { value: id }, displayName(id) !== id ? `${displayName(id)} (${id})` : id)));
  }
  const afterByGroup = new Map((after?.groups ?? []).map((g) => [g.group, g]));
  const groups = [...state.system.groups].sort((a, b) => tailAt(b).p - tailAt(a).p || (a.group < b.group ? -1 : 1));
  $("system-table").tBodies[0].replaceChildren(
    ...groups.map((g) => {
      const t = tailAt(g);
      const a = afterByGroup.get(g.group);
      const behind = g.suppliers.filter((s) => s.compromised_share > 0).slice(0, 3)
        .map((s) => `${displayName(s.id)} ${fmt.pct(s.compromised_share, 0)} / ${fmt.pct(s.caused_share, 0)}`);
      return el("tr", { "data-group": g.group },
        el("th", { scope: "row" }, g.group),
        el("td", { class: "num" }, String(g.members)),
        el("td", { class: "num" }, g.expected.toFixed(2)),
        el("td", { class: "num p-tail" }, fmt.pct(t.p)),
        el("td", { class: "num" }, fmt.pct(t.p_independent)),
        el("td", { class: "num p-after" }, a ? fmt.pct(tailAt(a).p) : "–"),
        el("td", {}, behind.join(", ")));
    }),
  );
}

function systemWhatIf(event) {
  event.preventDefault();
  const id = $("system-supplier").value;
  const how = $("system-action").value;
  let after;
  if (how === "harden") {
    const actions = rr.plan(state.doc, id, 5).steps.map((s) => s.action);
    after = rr.system(state.doc, SYSTEM_OPTIONS, id, actions);
  } else {
    const doc = structuredClone(state.doc);
    for (const o of doc.organisations) o.dependencies = (o.dependencies ?? []).filter((d) => d.supplier !== id);
    after = rr.system(doc, SYSTEM_OPTIONS);
  }
  state.systemAfter = after;
  renderSystem(after);
  const top = [...state.system.groups].sort((a, b) => tailAt(b).p - tailAt(a).p)[0];
  const moved = after.groups.find((g) => g.group === top.group);
  $("system-whatif").textContent =
    `${how === "harden" ? "Hardening" : "Removing"} ${displayName(id)}: P(≥${SYSTEM_K}) in ${top.group} ` +
    `${fmt.pct(tailAt(top).p)} → ${fmt.pct(tailAt(moved).p)} (same simulated years).`;
}

$("system-form").addEventListener("submit", systemWhatIf);

// ---- errors from the library ------------------------------------------------------------------

/** An error thrown by the library, in words, with its code and path when it has them. */
function describeError(e) {
  const where = e.path ? ` at ${e.path}` : "";
  return e.code ? `${e.message} (${e.code}${where})` : `${e.message}${where}`;
}

function showError(id, text) {
  $(id).textContent = text;
  $(id).hidden = false;
}

/** A new document clears what was computed for the last one. */
function resetExtras() {
  $("compare").hidden = false;
  $("compare-result").hidden = true;
  $("compare-error").hidden = true;
  $("methodology-file").value = "";
  $("ingest").hidden = false;
  $("ingest-result").hidden = true;
  $("ingest-error").hidden = true;
  $("ingest-files").value = "";
  state.ingested = null;
  $("calibration").hidden = false;
  $("calibration-result").hidden = true;
  $("calibration-error").hidden = true;
  const config = $("calibration-config");
  if (!config.value.trim() || config.value === state.calibrationConfigText) {
    // An editable starting point: quarterly snapshots over the two years before the last one
    // whose following 12 months are observed by the document's date.
    const [y, md] = [Number(state.rating.as_of.slice(0, 4)), state.rating.as_of.slice(4)];
    state.calibrationConfigText = JSON.stringify(
      { snapshots: { start: `${y - 3}${md}`, end: `${y - 1}${md}`, every_months: 3 }, observed_until: state.rating.as_of, level: "auto" },
      null, 2);
    config.value = state.calibrationConfigText;
  }
  const options = $("ingest-options");
  // Keep the user's options, but follow the document's date while they are the page's own.
  if (!options.value.trim() || options.value === state.ingestOptionsText) {
    state.ingestOptionsText = JSON.stringify(
      { as_of: state.rating.as_of, attribution: { tenant_uid: {}, cloud_account_uid: {}, device_domain: {}, nessus_report: {} } },
      null, 2);
    options.value = state.ingestOptionsText;
  }
}

// ---- the methodology change notice ----------------------------------------------------------

/** A methodology file's text: TOML for a .toml name, JSON for .json, else by its first character. */
function parseMethodology(name, text) {
  const lower = name.toLowerCase();
  const json = lower.endsWith(".json") || (!lower.endsWith(".toml") && text.trimStart().startsWith("{"));
  return json ? rr.methodologyFromJson(text) : rr.methodologyFromToml(text);
}

function renderComparison(c) {
  const old = `${c.old.id} ${c.old.version}`;
  const neu = `${c.new.id} ${c.new.version}`;
  const moved = c.organisations.filter((o) => o.change !== 0);
  const bandMoves = c.organisations.filter((o) => o.band_old !== o.band_new);
  $("compare-summary").textContent =
    `From ${old} to ${neu}: ${c.changed_groups.length ? `the ${c.changed_groups.join(", ")} section${c.changed_groups.length > 1 ? "s" : ""} differ` : "no section that enters the score differs"}; ` +
    `${moved.length} of ${c.organisations.length} organisations move, ${bandMoves.length} change band ` +
    `(${c.ratings_computed} ratings computed).`;

  // Band migrations: rows the current band, columns the proposed one (the methodologies' bands, best first).
  const bandsOf = (key, m) => [...new Set([...(m ?? []), ...c.organisations.map((o) => o[key])])];
  const rows = bandsOf("band_old", state.methodology.bands.map((b) => b.band));
  const cols = bandsOf("band_new", state.compareBands);
  const count = new Map();
  for (const o of c.organisations) count.set(`${o.band_old}>${o.band_new}`, (count.get(`${o.band_old}>${o.band_new}`) ?? 0) + 1);
  $("migrations").tHead.replaceChildren(
    el("tr", {}, el("th", { scope: "col" }, "Current \\ proposed"), ...cols.map((b) => el("th", { scope: "col", class: "num" }, b))));
  $("migrations").tBodies[0].replaceChildren(
    ...rows.map((from) =>
      el("tr", { "data-band": from },
        el("th", { scope: "row" }, el("span", { class: `band band-${from}` }, from)),
        ...cols.map((to) => {
          const n = count.get(`${from}>${to}`) ?? 0;
          return el("td", { class: `num${n && from !== to ? " moved" : ""}${from === to ? " same" : ""}`, "data-to": to }, n ? String(n) : "·");
        }))),
  );

  // Who moves, largest change first, with the change by group (only the groups that differ).
  const groups = c.changed_groups;
  $("movers").tHead.replaceChildren(
    el("tr", {},
      el("th", { scope: "col" }, "Organisation"),
      el("th", { scope: "col", class: "num" }, old), el("th", { scope: "col", class: "num" }, neu),
      el("th", { scope: "col", class: "num" }, "Change"), el("th", { scope: "col" }, "Band"),
      ...groups.map((g) => el("th", { scope: "col", class: "num" }, `from ${fmt.words(g)}`))));
  const signed = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
  const sorted = [...moved].sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || (a.id < b.id ? -1 : 1));
  $("movers").tBodies[0].replaceChildren(
    ...(sorted.length
      ? sorted.map((o) => {
          const parts = new Map(o.parts.map((p) => [p.group, p.points]));
          return el("tr", { "data-id": o.id },
            el("th", { scope: "row" }, displayName(o.id), displayName(o.id) !== o.id ? el("span", { class: "id" }, ` ${o.id}`) : null),
            el("td", { class: "num" }, fmt.score(o.score_old)),
            el("td", { class: "num score-new", "data-score": String(o.score_new) }, fmt.score(o.score_new)),
            el("td", { class: "num change" }, signed(o.change)),
            el("td", { class: "bands" },
              el("span", { class: `band band-${o.band_old}` }, o.band_old),
              o.band_old !== o.band_new ? [" → ", el("span", { class: `band band-${o.band_new}` }, o.band_new)] : null),
            ...groups.map((g) => el("td", { class: "num part", "data-group": g }, signed(parts.get(g) ?? 0))));
        })
      : [el("tr", {}, el("td", { colspan: 5 + groups.length }, "No organisation's score changes."))]),
  );
  $("compare-result").hidden = false;
}

$("methodology-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file || !state.doc) return;
  $("compare-error").hidden = true;
  $("compare-result").hidden = true;
  let proposed;
  try {
    proposed = parseMethodology(file.name, await file.text());
  } catch (e) {
    showError("compare-error", `${file.name} is not a methodology the engine accepts: ${describeError(e)}`);
    return;
  }
  const t0 = performance.now();
  let c;
  try {
    c = rr.compareMethodologies(state.doc, state.methodology, proposed);
  } catch (e) {
    showError("compare-error", `The comparison failed: ${describeError(e)}`);
    return;
  }
  const ms = performance.now() - t0;
  state.compareBands = proposed.bands.map((b) => b.band);
  renderComparison(c);
  document.body.dataset.compareMs = ms.toFixed(3);
  setStatus(`Compared ${c.old.id} with ${c.new.id} (${file.name}) in ${fmt.ms(ms)}.`);
});

// ---- ingest: evidence from tool exports ------------------------------------------------------

function renderIngest(files, ingested, merged, after) {
  const rep = ingested.report;
  const skipped = Object.entries(rep.skipped).filter(([, n]) => n > 0);
  const nSkipped = skipped.reduce((s, [, n]) => s + n, 0);
  $("ingest-summary").textContent =
    `${files.length} file${files.length > 1 ? "s" : ""}: ${rep.records_read} records read, ${rep.records_used} used, ${nSkipped} skipped. ` +
    `Evidence: ${rep.findings} findings (${rep.findings_collapsed} collapsed as duplicates), ${rep.metrics} metrics, ${rep.assessments} assessments ` +
    `for ${ingested.portfolio.organisations.length} organisation${ingested.portfolio.organisations.length === 1 ? "" : "s"}.`;
  $("ingest-skipped").replaceChildren(
    ...skipped.map(([reason, n]) => el("li", { "data-reason": reason }, `Skipped as ${fmt.words(reason)}: ${n}`)),
    ...rep.notes.map((n) => el("li", { class: "meta" }, n)),
  );
  $("ingest-problems").replaceChildren(
    ...(rep.problems.length
      ? rep.problems.map((p) =>
          el("li", {}, `${p.source}, record ${p.record} (line ${p.line}): `, el("code", {}, p.path || "the record"),
            `: ${p.message} `, el("span", { class: "meta" }, `(${p.code}; ${p.skipped ? "record skipped" : "a default was used"})`)))
      : [el("li", { class: "meta" }, "None.")]),
    ...(rep.problems_omitted > 0 ? [el("li", {}, `…and ${rep.problems_omitted} more`)] : []),
  );
  const afterById = new Map(after.ratings.map((r) => [r.id, r]));
  const signed = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
  $("ingest-effect").tBodies[0].replaceChildren(
    ...(ingested.portfolio.organisations.length
      ? ingested.portfolio.organisations.map((o) => {
          const before = state.ratingById.get(o.id);
          const a = afterById.get(o.id);
          return el("tr", { "data-id": o.id },
            el("th", { scope: "row" }, displayName(o.id), before ? null : el("span", { class: "meta" }, " (new)")),
            el("td", { class: "num" }, String(o.assessments?.length ?? 0)),
            el("td", { class: "num" }, String(o.metrics?.length ?? 0)),
            el("td", { class: "num" }, String(o.findings?.length ?? 0)),
            el("td", { class: "num" }, before ? fmt.score(before.score) : "–"),
            el("td", { class: "num score-after", "data-score": String(a.score) }, fmt.score(a.score)),
            el("td", { class: "num" }, before ? signed(a.score - before.score) : "–"),
            el("td", {}, before ? [el("span", { class: `band band-${before.band}` }, before.band), " → "] : null,
              el("span", { class: `band band-${a.band}` }, a.band)));
        })
      : [el("tr", {}, el("td", { colspan: 8 }, "No evidence could be attributed to an organisation: check the attribution maps."))]),
  );
  state.ingested = merged;
  $("ingest-result").hidden = false;
}

async function ingest(fileList) {
  const files = [...fileList];
  if (!files.length || !state.doc) return;
  $("ingest-error").hidden = true;
  $("ingest-result").hidden = true;
  let options;
  try {
    options = JSON.parse($("ingest-options").value);
  } catch (e) {
    showError("ingest-error", `The ingest options are not JSON: ${e.message}`);
    return;
  }
  const kevFile = $("ingest-kev").files[0];
  const kev = kevFile ? await kevFile.text() : undefined;
  const inputs = await Promise.all(files.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })));
  const t0 = performance.now();
  let ingested, merged, after;
  try {
    ingested = rr.ingestFiles(inputs, options, kev);
    merged = rr.mergeEvidence(state.doc, ingested.portfolio);
    after = rr.ratePortfolio(merged);
  } catch (e) {
    showError("ingest-error", `The exports were not ingested: ${describeError(e)}`);
    return;
  }
  const ms = performance.now() - t0;
  renderIngest(files, ingested, merged, after);
  document.body.dataset.ingestMs = ms.toFixed(3);
  setStatus(`Ingested ${files.length} file(s) and re-rated the portfolio in ${fmt.ms(ms)}.`);
}

$("ingest-files").addEventListener("change", (event) => ingest(event.target.files));
const zone = $("dropzone");
zone.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.classList.add("over");
});
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("over");
  ingest(event.dataTransfer.files);
});
$("ingest-apply").addEventListener("click", () => {
  if (state.ingested) load(JSON.stringify(state.ingested), "The portfolio with the ingested evidence");
});

// ---- calibration: predicted against observed -------------------------------------------------

const pctOrDash = (x) => (x === null || x === undefined ? "–" : fmt.pct(x));
const ciText = (ci) => (ci ? `${fmt.pct(ci[0])}–${fmt.pct(ci[1])}` : "–");

/**
 * The reliability curve of one block: observed against mean predicted frequency per bin, with
 * the report's Wilson intervals and the diagonal (perfect calibration). Only the report's
 * figures are drawn; the axes run from 0 to the largest of them.
 */
function reliabilityCurve(bins, key) {
  const pts = bins.filter((b) => b.observed !== null && b.mean_predicted !== null);
  const top = Math.max(0.01, ...pts.map((b) => Math.max(b.mean_predicted, b.observed_ci ? b.observed_ci[1] : b.observed)));
  const W = 340, H = 240, L = 58, B = 30, T = 10, R = 26;
  const x = (p) => L + (p / top) * (W - L - R);
  const y = (p) => H - B - (p / top) * (H - B - T);
  const parts = [
    el("svg:line", { x1: x(0), y1: y(0), x2: x(top), y2: y(top), stroke: "#9aa3b5", "stroke-dasharray": "4 3" }),
    el("svg:line", { x1: x(0), y1: y(0), x2: x(top), y2: y(0), stroke: "#566078" }),
    el("svg:line", { x1: x(0), y1: y(0), x2: x(0), y2: y(top), stroke: "#566078" }),
    el("svg:text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", "font-size": 11, fill: "#1d2433" }, "predicted"),
    el("svg:text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": 11, fill: "#1d2433", transform: `rotate(-90 12 ${(T + H - B) / 2})` }, "observed"),
  ];
  for (const f of [0, 0.5, 1]) {
    parts.push(el("svg:text", { x: x(f * top), y: H - B + 14, "text-anchor": "middle", "font-size": 10, fill: "#566078" }, fmt.pct(f * top)));
    parts.push(el("svg:text", { x: L - 4, y: y(f * top) + 3, "text-anchor": "end", "font-size": 10, fill: "#566078" }, fmt.pct(f * top)));
  }
  for (const b of pts) {
    if (b.observed_ci) parts.push(el("svg:line", { x1: x(b.mean_predicted), x2: x(b.mean_predicted), y1: y(b.observed_ci[0]), y2: y(b.observed_ci[1]), stroke: "#3559a8" }));
    parts.push(el("svg:circle", { class: "rel-point", "data-bin": b.bin, "data-predicted": b.mean_predicted, "data-observed": b.observed,
      cx: x(b.mean_predicted), cy: y(b.observed), r: 3.5, fill: "#3559a8" },
      el("svg:title", {}, `bin ${b.bin}: predicted ${fmt.pct(b.mean_predicted)}, observed ${fmt.pct(b.observed)}`)));
  }
  return el("svg:svg", { id: `reliability-curve-${key}`, class: "reliability-curve", viewBox: `0 0 ${W} ${H}`, width: W, height: H,
    role: "img", "aria-label": "Reliability curve: observed against predicted incident frequency by bin, with 95% intervals; the dashed diagonal is perfect calibration" },
    ...parts);
}

/** One methodology's validation block: headline metrics, the reliability table and the band table. */
function calibrationBlock(block, key) {
  const o = block.overall;
  const num = (x, d = 2) => (x === null || x === undefined ? "–" : x.toFixed(d));
  const headline =
    `${o.n} observations (organisation-years), ${o.events} events: observed rate ${fmt.pct(o.base_rate)}, ` +
    `predicted ${fmt.pct(o.mean_predicted)}; observed/expected ${num(o.oe.ratio)} (95% ${num(o.oe.ci[0])}–${num(o.oe.ci[1])}); ` +
    `AUC ${num(o.auc.estimate)} (95% ${num(o.auc.ci[0])}–${num(o.auc.ci[1])}); Brier skill ${num(o.brier.skill, 3)}; ` +
    `calibration slope ${num(o.calibration_slope.estimate)}, intercept ${num(o.calibration_intercept.estimate)}.`;
  const table = (id, caption, head, rows) =>
    el("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: 0 },
      el("table", { id, class: "calibration-table" },
        el("caption", { class: "visually-hidden" }, caption),
        el("thead", {}, el("tr", {}, ...head.map((h, i) => el("th", { scope: "col", class: i ? "num" : null }, h)))),
        el("tbody", {}, ...rows)));
  const reliability = table(`reliability-${key}`, `Reliability table (${block.label})`,
    ["Bin", "Organisation-years", "Incidents", "Predicted range", "Mean predicted", "Observed", "Observed 95%"],
    o.reliability.map((b) =>
      el("tr", { "data-bin": b.bin },
        el("th", { scope: "row" }, String(b.bin)),
        el("td", { class: "num" }, String(b.n)), el("td", { class: "num" }, String(b.events)),
        el("td", { class: "num" }, `${fmt.pct(b.p_min)}–${fmt.pct(b.p_max)}`),
        el("td", { class: "num" }, pctOrDash(b.mean_predicted)),
        el("td", { class: "num observed" }, pctOrDash(b.observed)),
        el("td", { class: "num" }, ciText(b.observed_ci)))));
  const bands = table(`bands-${key}`, `Incident rate by band (${block.label})`,
    ["Band", "Organisation-years", "Incidents", "Mean predicted", "Observed", "Observed 95%", "Relative risk (95%)"],
    o.bands.map((b) =>
      el("tr", { "data-band": b.band },
        el("th", { scope: "row" }, el("span", { class: `band band-${b.band}` }, b.band)),
        el("td", { class: "num" }, String(b.n)), el("td", { class: "num" }, String(b.events)),
        el("td", { class: "num" }, pctOrDash(b.mean_predicted)),
        el("td", { class: "num observed" }, pctOrDash(b.observed)),
        el("td", { class: "num" }, ciText(b.observed_ci)),
        el("td", { class: "num rr" }, b.reference ? "reference" : b.relative_risk === null ? "–"
          : `${b.relative_risk.toFixed(2)}${b.relative_risk_ci ? ` (${b.relative_risk_ci[0].toFixed(2)}–${b.relative_risk_ci[1].toFixed(2)})` : ""}${b.corrected ? "*" : ""}`))));
  return el("section", { class: "calibration-block", "data-block": key, "aria-label": block.label },
    el("h3", {}, `${block.methodology}: ${block.label}`),
    el("p", { class: "headline" }, headline),
    el("h4", {}, "Reliability: predicted against observed, by bin of predicted risk"),
    reliabilityCurve(o.reliability, key),
    reliability,
    el("h4", {}, "By band"),
    bands,
    el("p", { class: "meta" }, "Observed intervals are Wilson 95% intervals; relative risk is against the best populated band (Katz interval; * with a 0.5 correction for an empty cell)."));
}

function renderCalibration(result, mode) {
  const r = result.report;
  const d = r.design;
  const fit = r.fit
    ? r.fit.level === "none"
      ? r.fit.requested === "auto"
        ? " Fit: the closed test kept level none (the data do not reject the methodology as it is); no fitted methodology."
        : " Fit: level none was asked for; no fitted methodology."
      : ` Fit: level ${r.fit.level}; the fitted methodology ${result.methodology?.id ?? ""} is validated below beside the original.`
    : "";
  $("calibration-summary").textContent =
    `${mode === "fit" ? "Fitted and evaluated" : "Evaluated"}: ${d.observations} organisation-years from ${d.snapshots_observed} snapshots of ` +
    `${d.organisations} organisations, ${d.material_incidents_in_a_window} material incidents in a window.` +
    (d.warnings.length ? ` Warnings: ${d.warnings.join("; ")}.` : "") + fit;
  $("calibration-blocks").replaceChildren(
    calibrationBlock(r.validation.original, "original"),
    ...(r.validation.fitted ? [calibrationBlock(r.validation.fitted, "fitted")] : []),
  );
  $("calibration-result").hidden = false;
}

$("calibration-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!state.doc) return;
  $("calibration-error").hidden = true;
  $("calibration-result").hidden = true;
  const file = $("incidents-file").files[0];
  if (!file) {
    showError("calibration-error", "Open an incidents file first.");
    return;
  }
  const incidents = await file.text();
  const config = $("calibration-config").value;
  const mode = $("calibration-mode").value;
  const t0 = performance.now();
  let result;
  try {
    result = mode === "fit"
      ? rr.calibrate(state.doc, incidents, config)
      : rr.evaluateCalibration(state.doc, incidents, config);
  } catch (e) {
    const doc = e.document ? ` in the ${e.document} document` : "";
    showError("calibration-error", `The calibration failed${doc}: ${describeError(e)}`);
    return;
  }
  const ms = performance.now() - t0;
  renderCalibration(result, mode);
  document.body.dataset.calibrationMs = ms.toFixed(3);
  setStatus(`Calibration (${mode}) on ${file.name} in ${fmt.ms(ms)}.`);
});

async function start() {
  await init();
  const m = rr.defaultMethodology();
  state.methodology = m;
  state.factorNames = new Map(m.factors.map((f) => [f.id, f.name]));
  state.outcomeNames = new Map(m.controls.catalogue.map((c) => [c.id, c.name]));
  state.bands = m.bands;
  $("engine").textContent = `riskrating ${rr.version()} (WebAssembly), methodology ${m.id} ${m.version}. Everything runs in this page; nothing is uploaded.`;
  setStatus("Ready: load the sample portfolio or open a JSON file.");
  document.body.dataset.ready = "true";
}

start().catch((e) => {
  setStatus(`The rating engine could not start: ${e.message}`);
  throw e;
});
