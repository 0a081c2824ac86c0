// Type-checks the package's TypeScript types (Node entry) with `tsc --noEmit --strict`:
// every function and document is used as a portal would, and misuse is rejected
// (`@ts-expect-error` fails the check when the line is NOT an error).
import {
  ratePortfolio, validate, whatIf, plan, history, defaultMethodology, version, samplePortfolio, PreparedPortfolio, simulate,
  type SimulationInput, type SimulationReport,
  type Portfolio, type PortfolioRating, type Rating, type Action, type RiskRatingError,
  type ValidationReport, type WhatIf, type Plan, type History, type Methodology, type Band,
} from "riskrating";

const doc: Portfolio = {
  as_of: "2025-09-30",
  organisations: [
    {
      id: "RBS", name: "Northshire", peer_group: "acute",
      assessments: [{ control: "B4.d", outcome: "partially_achieved", assurance: "independent_audit", assessed_on: "2025-06-30" }],
      metrics: [{ metric: "mfa_coverage", successes: 4210, trials: 4500, observed_on: "2025-09-01" }],
      findings: [{ id: "F-17", kind: "vulnerability", cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", epss: 0.94, kev: true, first_seen: "2025-08-01", resolved_on: null }],
      dependencies: [{ supplier: "SUP", criticality: "critical", access: "network" }],
      attestation: null,
    },
    { id: "SUP", attestation: { dspt_status: "standards_met", cyber_essentials_plus: true } },
  ],
};

const rating: PortfolioRating = ratePortfolio(doc);
const first: Rating | undefined = rating.ratings[0];
if (first) {
  const [lo, hi]: [number, number] = first.interval;
  const band: string = first.band;
  const mean: number | undefined = first.factors[0]?.mean;
  const reason: string | undefined = first.drivers[0]?.reason;
  console.log(lo, hi, band, mean, reason, first.basis === "evidence");
}
const fromText: PortfolioRating = ratePortfolio(JSON.stringify(doc), defaultMethodology());
const report: ValidationReport = validate(doc);
for (const p of report.errors) console.log(p.code, p.path, p.message);

const actions: Action[] = [
  { action: "set_assessment", control: "B4.d", outcome: "achieved", assurance: "independent_audit" },
  { action: "resolve_finding", finding: "F-17" },
  { action: "set_metric", metric: "mfa_coverage", successes: 4500, trials: 4500 },
  { action: "remove_dependency", supplier: "SUP" },
];
const w: WhatIf = whatIf(doc, "RBS", actions);
const gain: number = w.delta + w.rating.score;
const p: Plan = plan(doc, "RBS", 3);
const nextAction: Action | undefined = p.steps[0]?.action;
const h: History = history(doc, ["2025-01-01", "2025-09-30"]);
const m: Methodology = defaultMethodology();
const weights: number[] = m.factors.map((f) => f.weight);
const v: string = version();
const b: Band = "A";
const sample: Portfolio = samplePortfolio({ organisations: 120, seed: 7 });
const sampleDefault: Portfolio = samplePortfolio();
console.log(fromText, gain, nextAction, h.series[0]?.points[0]?.score, weights, v, b, sample, sampleDefault);

try {
  ratePortfolio("{}");
} catch (e) {
  const err = e as RiskRatingError;
  const where: string = `${err.code} at ${err.path}: ${err.message}`;
  console.log(where, err.problems.length, err instanceof Error);
}

const prepared = new PreparedPortfolio(doc);
const again: PortfolioRating = prepared.rate();
const w2: WhatIf = prepared.whatIf("RBS", actions);
const p2: Plan = prepared.plan("RBS");
const h2: History = prepared.history(["2025-09-30"]);
prepared.free();
console.log(again, w2, p2, h2);

const simInput: SimulationInput = {
  trials: 10000, seed: 1,
  scenarios: [
    { name: "ransomware", organisation: "RBS", frequency: { tef: { type: "pert", min: 1, mode: 4, max: 12 }, vulnerability: 0.05 },
      primary_loss: { type: "lognormal_ci", low: 1e5, high: 5e6 }, secondary: { probability: 0.3, loss: 2e5 } },
    { name: "breach", frequency: { from_rating: "RBS" }, primary_loss: 1e6 },
  ],
  report: { lec_points: 20 },
};
const sim: SimulationReport = simulate(simInput, rating);
const lec: { loss: number; probability: number }[] = sim.total.lec;
console.log(lec);
// @ts-expect-error: a distribution needs its parameters
const badSim: SimulationInput = { scenarios: [{ name: "x", frequency: { lef: 1 }, primary_loss: { type: "pert", min: 1 } }] };
console.log(badSim);

// @ts-expect-error: outcome values are an enumeration
const badOutcome: Portfolio = { as_of: "2025-09-30", organisations: [{ id: "X", assessments: [{ control: "A1.a", outcome: "done", assurance: "self_assessed", assessed_on: "2025-01-01" }] }] };
// @ts-expect-error: unknown fields are not part of the document
const badField: Portfolio = { as_of: "2025-09-30", organisations: [{ id: "X", colour: "red" }] };
// @ts-expect-error: an action needs its fields
const badAction: Action = { action: "resolve_finding" };
// @ts-expect-error: the organisation id is a string
whatIf(doc, 7, []);
// @ts-expect-error: ratings are read-only documents of numbers, not strings
const badScore: string = rating.ratings[0]!.score;
// @ts-expect-error: the sample configuration has no such field
samplePortfolio({ size: 10 });
console.log(badOutcome, badField, badAction, badScore);

// Calibration: the report and the fitted methodology, which rates.
import { calibrate, evaluateCalibration, type CalibrationResult } from "riskrating";
const cal: CalibrationResult = calibrate(doc, { incidents: [] }, { snapshots: ["2024-01-01"], observed_until: "2025-01-01" });
const spec: string = cal.report.spec;
if (cal.methodology) ratePortfolio(doc, cal.methodology);
const ev: null = evaluateCalibration(doc, "{}", "{}").report.fit === null ? null : null;
void spec; void ev;

// The split rating, long tables and limits.
import {
  rateInternal, rateFromInternal, tableSchema, portfolioFromTables, portfolioToTables, defaultLimits,
  type InternalRating, type Tables, type TableSpec, type Limits,
} from "riskrating";
const internal: InternalRating[] = rateInternal(doc);
const p0: number | undefined = internal[0]?.internal_probability;
const split: PortfolioRating = rateFromInternal(doc, internal.reverse(), null);
const schema: TableSpec[] = tableSchema();
const tables: Tables = portfolioToTables(doc);
const back: Portfolio = portfolioFromTables(doc.as_of, tables);
const limits: Limits = defaultLimits();
ratePortfolio(doc, null, { max_items_per_list: 5_000_000 });
validate(doc, undefined, { max_document_bytes: limits.max_document_bytes * 2 });
new PreparedPortfolio(doc, null, { max_string_bytes: 8192 }).free();
// @ts-expect-error: a limit is a number
ratePortfolio(doc, null, { max_items_per_list: "many" });
// @ts-expect-error: no such limit
ratePortfolio(doc, null, { max_items: 5 });
console.log(p0, split, schema, back);
// Ingest: the evidence merged into a document, which rates.
import { ingestFiles, mergeEvidence, type Ingested } from "riskrating";
const ingested: Ingested = ingestFiles([{ name: "scan.nessus", data: new Uint8Array() }], { as_of: "2025-09-30" });
const withEvidence: Portfolio = mergeEvidence(doc, ingested.portfolio);
ratePortfolio(mergeEvidence(JSON.stringify(doc), withEvidence));
// @ts-expect-error: the evidence is a portfolio document, not the ingest report
mergeEvidence(doc, ingested.report);
