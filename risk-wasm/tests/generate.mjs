// Deterministic test portfolios of any size, independent of the Rust sample generator, so the
// package is also exercised on documents the engine's own generator would not write.
//
//   node generate.mjs ORGANISATIONS SEED OUT.json
//
// Every organisation gets assessments, metrics, findings (open and resolved, every kind) and
// dependencies on suppliers (with cycles between suppliers); the first organisation is a large
// trust with a few thousand findings.
import { writeFileSync } from "node:fs";

/** mulberry32: a small seeded PRNG (test data only). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTROLS = [
  "A1.a", "A1.b", "A1.c", "A2.a", "A2.b", "A3.a", "A4.a", "B1.a", "B1.b", "B2.a", "B2.b", "B2.c",
  "B2.d", "B3.a", "B3.b", "B3.c", "B3.d", "B3.e", "B4.a", "B4.b", "B4.c", "B4.d", "B5.a", "B5.b",
  "B5.c", "B6.a", "B6.b", "C1.a", "C1.b", "C1.c", "C1.d", "C1.e", "C1.f", "C2.a", "C2.b", "D1.a",
  "D1.b", "D1.c", "D2.a", "D2.b", "E1.a", "E3.b",
];
const METRICS = [
  "mfa_coverage", "privileged_access_reviewed", "edr_coverage", "log_source_coverage",
  "patch_sla_compliance", "backup_restore_success", "phishing_resilience", "training_completion",
  "iomt_segmentation", "asset_inventory_coverage", "external_assets_clean",
];
const KINDS = [
  "vulnerability", "misconfiguration", "tls", "exposed_service", "email_security",
  "malware_infection", "credential_leak",
];
const OUTCOMES = ["achieved", "achieved", "partially_achieved", "not_achieved", "not_applicable"];
const ASSURANCE = ["self_assessed", "peer_reviewed", "independent_audit"];
const CRIT = ["low", "medium", "high", "critical"];
const ACCESS = ["none", "data", "network", "admin"];
const ASSET = ["low", "medium", "high", "clinical"];
const DSPT = ["standards_exceeded", "standards_met", "approaching_standards", "not_published"];
const VECTORS = [
  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N",
  "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N",
  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
];

const AS_OF = Date.UTC(2025, 8, 30);
const day = (offset) => new Date(AS_OF - offset * 86400000).toISOString().slice(0, 10);

export function generate(n, seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const nSup = Math.max(2, Math.floor(n / 5));
  const supIds = Array.from({ length: nSup }, (_, i) => `SUP-${String(i).padStart(4, "0")}`);
  const orgs = [];
  for (let i = 0; i < n - nSup; i++) {
    const large = i === 0;
    const id = `ORG-${String(i).padStart(5, "0")}`;
    const assessments = [];
    for (const control of CONTROLS) {
      if (!large && r() < 0.4) continue;
      assessments.push({
        control, outcome: pick(OUTCOMES), assurance: pick(ASSURANCE),
        assessed_on: day(int(-30, 900)), source: "generated",
      });
    }
    const metrics = [];
    for (const metric of METRICS) {
      if (!large && r() < 0.5) continue;
      const trials = int(1, 5000);
      metrics.push({ metric, successes: int(0, trials), trials, observed_on: day(int(0, 400)) });
    }
    const findings = [];
    const nf = large ? 3000 : int(0, 25);
    for (let f = 0; f < nf; f++) {
      const first = int(-10, 700);
      const resolved = r() < 0.5 ? first - int(0, Math.max(0, first + 20)) : null;
      const finding = {
        id: `F-${f}`, kind: pick(KINDS), first_seen: day(first),
        internet_facing: r() < 0.3, asset_criticality: pick(ASSET), kev: r() < 0.1,
      };
      const sev = r();
      if (sev < 0.5) finding.cvss = pick(VECTORS);
      else if (sev < 0.8) finding.cvss_score = Math.round(r() * 100) / 10;
      if (r() < 0.6) finding.epss = Math.round(r() * 1e4) / 1e4;
      if (resolved !== null) finding.resolved_on = day(Math.max(resolved, -30));
      findings.push(finding);
    }
    const deps = new Set();
    const nd = large ? 30 : int(0, 4);
    for (let d = 0; d < nd; d++) deps.add(pick(supIds));
    orgs.push({
      id, name: `Generated organisation ${i}`, peer_group: pick(["acute", "mental_health", "community", "gp", "icb"]),
      assessments, metrics, findings,
      dependencies: [...deps].map((supplier) => ({ supplier, criticality: pick(CRIT), access: pick(ACCESS) })),
      attestation: r() < 0.5 ? { dspt_status: pick(DSPT), cyber_essentials_plus: r() < 0.5 } : null,
    });
  }
  supIds.forEach((id, s) => {
    const deps = r() < 0.3 ? [{ supplier: supIds[(s + 1) % nSup], criticality: pick(CRIT), access: pick(ACCESS) }] : [];
    const attestation = r() < 0.2
      ? { incident_probability: Math.round(r() * 1e3) / 1e3 }
      : { dspt_status: pick(DSPT), cyber_essentials_plus: r() < 0.4 };
    const metrics = r() < 0.5
      ? [{ metric: "external_assets_clean", successes: int(0, 20), trials: 20, observed_on: day(int(0, 60)) }]
      : [];
    orgs.push({ id, name: `Generated supplier ${s}`, peer_group: "supplier", dependencies: deps, attestation, metrics });
  });
  return { as_of: day(0), organisations: orgs };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [n, seed, out] = process.argv.slice(2);
  if (!out) {
    console.error("usage: node generate.mjs ORGANISATIONS SEED OUT.json");
    process.exit(2);
  }
  writeFileSync(out, JSON.stringify(generate(Number(n), Number(seed))));
}
