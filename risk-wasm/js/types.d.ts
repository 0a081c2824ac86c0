// TypeScript types of the riskrating package: the shared JSON documents (snake_case, as in the
// methodology specification) and the functions. Hand-written from the Rust types in risk-core,
// and checked against them so that they cannot drift: risk-core/tests/typescript_types.rs
// compares every interface and type alias below (inputs and outputs, field names, optionality
// and field types, recursively) with the JSON Schema of its Rust type, and fails on a
// declaration it neither checks nor lists as TypeScript-only; `ErrorCode` is compared with the
// engine's list there and in risk-wasm/tests/node/thin.test.mjs (`errorCodes()`). Written by
// hand rather than generated to keep the documentation; the Rust types are the truth. Also
// checked with `tsc --noEmit --strict` by scripts/test-wasm.sh.

/** An ISO calendar date `YYYY-MM-DD` (0001-01-01 to 9999-12-31). */
export type IsoDate = string;

// ---- Input document (methodology section 1) ------------------------------------------------

/** A portfolio: the organisations to rate and the date to rate them at. */
export interface Portfolio {
  /** The date the rating is computed for; evidence dated later is left out. */
  as_of: IsoDate;
  /** Every organisation, suppliers included. */
  organisations: Organisation[];
}

/** One organisation: a trust, ICB, GP practice, care provider or supplier. */
export interface Organisation {
  /** Unique, non-empty identifier. */
  id: string;
  name?: string | null;
  /** Peer group for percentiles; `"unassigned"` when absent. */
  peer_group?: string | null;
  assessments?: Assessment[] | null;
  metrics?: MetricObservation[] | null;
  findings?: Finding[] | null;
  dependencies?: Dependency[] | null;
  attestation?: Attestation | null;
  /** Groups it belongs to (`"icb:QWE"`, `"region:london"`): non-empty, none twice. */
  groups?: string[] | null;
}

export type Outcome = "not_achieved" | "partially_achieved" | "achieved" | "not_applicable";
export type Assurance = "self_assessed" | "peer_reviewed" | "independent_audit";

/** The result of assessing one control outcome. */
export interface Assessment {
  /** Control id `<objective letter><digit>.<lower-case letter>`, e.g. `"B4.d"`. */
  control: string;
  outcome: Outcome;
  assurance: Assurance;
  assessed_on: IsoDate;
  source?: string | null;
  /** A dispute against this item (methodology section 10). */
  dispute?: Dispute | null;
}

/** One observation of a coverage metric as successes out of trials (whole numbers). */
export interface MetricObservation {
  /** A metric the methodology knows, e.g. `"mfa_coverage"`. */
  metric: string;
  successes: number;
  /** At least 1. */
  trials: number;
  observed_on: IsoDate;
  /** Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it. */
  source?: string | null;
  /** A dispute against this item (methodology section 10). */
  dispute?: Dispute | null;
}

export type FindingKind =
  | "vulnerability"
  | "misconfiguration"
  | "tls"
  | "exposed_service"
  | "email_security"
  | "malware_infection"
  | "credential_leak";
export type AssetCriticality = "low" | "medium" | "high" | "clinical";

/** A scan or incident finding. */
export interface Finding {
  /** Unique within the organisation. */
  id: string;
  kind: FindingKind;
  cve?: string | null;
  /** CVSS v3.0, v3.1 or v4.0 vector. */
  cvss?: string | null;
  /** 0–10, used when no vector is given. */
  cvss_score?: number | null;
  /** 0–1. */
  epss?: number | null;
  kev?: boolean | null;
  internet_facing?: boolean | null;
  asset_criticality?: AssetCriticality | null;
  first_seen: IsoDate;
  /** Absent or null while open. */
  resolved_on?: IsoDate | null;
  /** Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it. */
  source?: string | null;
  /** A dispute against this item (methodology section 10). */
  dispute?: Dispute | null;
}

export type Criticality = "low" | "medium" | "high" | "critical";
export type Access = "none" | "data" | "network" | "admin";

/** A dependency on a supplier (another organisation's id). */
export interface Dependency {
  supplier: string;
  criticality: Criticality;
  access: Access;
  /** Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it. */
  source?: string | null;
  /** A dispute against this item (methodology section 10). */
  dispute?: Dispute | null;
}

/** A dispute against an evidence item (methodology section 10). */
export interface Dispute {
  status: "open" | "upheld" | "rejected";
  reason: "not_ours" | "compensating_control" | "fixed" | "inaccurate" | "other";
  raised_on: IsoDate;
  raised_by: string;
  /** Required when upheld or rejected, forbidden while open, not before `raised_on`. */
  resolved_on?: IsoDate | null;
  note?: string | null;
}

/** Disputes of one organisation and its undisputed view (methodology section 10). */
export interface DisputeSummary {
  open: number;
  upheld: number;
  rejected: number;
  score_undisputed: number;
  interval_undisputed: [number, number];
  band_undisputed: string;
}

/** What a rating was computed from (methodology section 11). */
export interface Provenance {
  /** `sha256:` + hex SHA-256 of the input document in RFC 8785 (JCS) form. */
  input_digest: string;
  methodology: string;
  methodology_version: string;
  methodology_digest: string;
  engine_version: string;
}

export type DsptStatus =
  | "standards_exceeded"
  | "standards_met"
  | "approaching_standards"
  | "not_published";

/** What is attested about an organisation (sets its prior). */
export interface Attestation {
  dspt_status?: DsptStatus | null;
  cyber_essentials_plus?: boolean | null;
  /** 0–1: a stated probability of a material incident in 12 months. */
  incident_probability?: number | null;
}

// ---- Output document (methodology section 6.1) -------------------------------------------

/**
 * A band label. Bands are methodology data (the default methodology names them A–F; a custom
 * one may name its own), so this is any string, not a fixed union.
 */
export type Band = string;
export type Basis = "evidence" | "attestation" | "prior";
export type DriverKind = "assessment" | "metric" | "finding" | "dependency";

/** The rating of a portfolio. */
export interface PortfolioRating {
  as_of: IsoDate;
  /** Methodology id, e.g. `"nhs-caf-v1"`. */
  methodology: string;
  methodology_version: string;
  /** Input and methodology digests, engine version (section 11). */
  provenance?: Provenance;
  /** In input order. */
  ratings: Rating[];
  /** Sorted by name. */
  peer_groups: PeerGroupStats[];
  /** Sorted by systemic exposure, descending. */
  suppliers: SupplierExposure[];
  /** Per group, sorted by name; absent when no organisation lists a group. */
  groups?: GroupSummary[];
}

/** One group's figures under independence. */
export interface GroupSummary {
  group: string;
  /** Member ids, sorted. */
  members: string[];
  /** Σ P: expected members with a material incident in 12 months. */
  expected_incidents: number;
  /** 1 − Π(1 − P): P(at least one) if incidents were independent. */
  p_any_independent: number;
}

/** One organisation's rating. */
export interface Rating {
  id: string;
  peer_group: string;
  /** 250–900, unrounded. */
  score: number;
  /**
   * Band letter from the methodology's bands (the default methodology uses A–F; a custom
   * methodology may name its own).
   */
  band: Band;
  /** 90% interval of the score, `[lo, hi]`. */
  interval: [number, number];
  /** Probability of a material incident in the next 12 months. */
  probability: number;
  probability_interval: [number, number];
  internal_probability: number;
  supply_probability: number;
  basis: Basis;
  /** 0–1: how much of the model is backed by evidence. */
  coverage: number;
  /** 0–100 within the peer group. */
  peer_percentile: number;
  /** In the methodology's factor order. */
  factors: FactorRating[];
  /** The evidence items whose removal would change the score most. */
  drivers: Driver[];
  /** Only where an open dispute reaches the organisation (section 10). */
  disputes?: DisputeSummary;
  /** Date of the newest counted evidence item; absent when none is (section 11). */
  evidence_as_of?: IsoDate;
  /**
   * Present (and true) only when that evidence is older than `freshness.stale_after_days`;
   * absent otherwise.
   */
  stale?: boolean;
}

/** One factor's belief and what it costs. */
export interface FactorRating {
  id: string;
  mean: number;
  /** 5% quantile. */
  lower: number;
  /** 95% quantile. */
  upper: number;
  /** Evidence weight added to the prior. */
  evidence: number;
  /** Points this factor leaves on the table. */
  points: number;
}

/** An evidence item and its signed impact on the score. */
export interface Driver {
  kind: DriverKind;
  /** Control id, metric name, finding id or supplier id. */
  reference: string;
  /** Score with the item minus score without it. */
  impact: number;
  /** One line in words. */
  reason: string;
}

export interface PeerGroupStats {
  peer_group: string;
  n: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

export interface SupplierExposure {
  id: string;
  /** Number of dependency edges into it. */
  dependents: number;
  /** Σ coupling over those edges. */
  systemic_exposure: number;
}

// ---- Validation and errors ----------------------------------------------------------------

/**
 * Every code an error can carry (snake_case): the engine's list (`errorCodes()`); the tests fail
 * when this union and that list differ.
 */
export type ErrorCode =
  | "base_has_recalibration"
  | "compressed"
  | "constant_predictions"
  | "degenerate_outcomes"
  | "duplicate_cve"
  | "duplicate_dependency"
  | "duplicate_finding"
  | "duplicate_group"
  | "duplicate_id"
  | "duplicate_key"
  | "duplicate_organisation"
  | "duplicate_snapshot"
  | "empty_group"
  | "empty_id"
  | "empty_split"
  | "field_count"
  | "internal_error"
  | "internal_mismatch"
  | "invalid_action"
  | "invalid_comment"
  | "invalid_control"
  | "invalid_count"
  | "invalid_cve_id"
  | "invalid_cvss"
  | "invalid_cvss_score"
  | "invalid_date"
  | "invalid_encoding"
  | "invalid_header"
  | "invalid_loss"
  | "invalid_methodology"
  | "invalid_number"
  | "invalid_option"
  | "invalid_options"
  | "invalid_parameter"
  | "invalid_probability"
  | "invalid_scenario"
  | "invalid_snapshots"
  | "invalid_threshold"
  | "invalid_trials"
  | "invalid_type"
  | "limit_exceeded"
  | "malformed_json"
  | "malformed_xml"
  | "missing_field"
  | "missing_header"
  | "missing_organisation"
  | "missing_resolved_on"
  | "no_convergence"
  | "no_observations"
  | "not_a_number"
  | "not_a_probability"
  | "not_nessus"
  | "prediction_out_of_range"
  | "read_error"
  | "resolved_before_first_seen"
  | "resolved_before_raised"
  | "self_dependency"
  | "self_supplier"
  | "slope_not_positive"
  | "snapshot_after_as_of"
  | "successes_exceed_trials"
  | "unexpected_resolved_on"
  | "unexpected_supplier"
  | "unknown_field"
  | "unknown_metric"
  | "unknown_organisation"
  | "unknown_peer_group"
  | "unknown_supplier"
  | "unknown_value"
  | "unmapped_control"
  | "wrong_type"
  | "xml_dtd_refused"
  | "xml_undefined_entity";

/** One problem, as the engine lists it for every kind of error. */
export interface Problem {
  code: ErrorCode;
  /** e.g. `"organisations[3].findings[0].cvss"`, `"line 4, field epss"`; `""` for the whole document. */
  path: string;
  /** The last field name of the path (`"cvss"`), or `null`. */
  field: string | null;
  /** What is wrong (without the parser's position, which is in `line`/`column`). */
  message: string;
  /** 1-based line in the text, when known. */
  line?: number;
  /** 1-based column in the text, when known. */
  column?: number;
}

/** Every code the engine can report, sorted (the values of {@link ErrorCode}). */
export function errorCodes(): ErrorCode[];

/** What `validate` returns. */
export interface ValidationReport {
  ok: boolean;
  /** Every problem, in document order (empty when `ok`). */
  errors: Problem[];
  /** Problems found beyond the listed ones. */
  omitted: number;
}

/** Every error this package throws: a real `Error` with the first problem's code and path. */
export interface RiskRatingError extends Error {
  name: "RiskRatingError";
  /** Which part of the engine rejected the call. */
  kind:
    | "input"
    | "methodology"
    | "feed"
    | "simulation"
    | "split"
    | "ingest"
    | "system"
    | "calibration"
    | "internal";
  code: ErrorCode;
  path: string;
  /** Every problem found (for a rejected document or methodology). */
  problems: Problem[];
}

// ---- Methodology document ----------------------------------------------------------------

/** A rating methodology: every number of the model as data (`nhs-caf-v1` by default). */
export interface Methodology {
  id: string;
  version: string;
  name: string;
  description?: string;
  factors: { id: string; name: string; weight: number }[];
  controls: {
    /** Principle (`"B4"`) → factor id. */
    principles: Record<string, string>;
    /** Outcome overrides (`"B4.d"`) → factor id. */
    outcomes?: Record<string, string>;
    catalogue_version: string;
    catalogue: { id: string; name: string }[];
  };
  model: { intercept: number; z: number };
  assessments: {
    half_life_days: number;
    outcome_values: { achieved: number; partially_achieved: number; not_achieved: number };
    assurance_strength: { self_assessed: number; peer_reviewed: number; independent_audit: number };
  };
  metrics: { id: string; factor: string; cap: number; half_life_days: number }[];
  findings: {
    kinds: { kind: FindingKind; factor: string; default_severity: number }[];
    kev_multiplier: number;
    epss_multiplier: number;
    internet_facing_exposure: number;
    asset_criticality: Record<AssetCriticality, number>;
    sla: {
      urgent_days: number;
      urgent_severity: number;
      high_days: number;
      high_severity: number;
      default_days: number;
    };
    open_weight: number;
    max_overdue: number;
    resolved_half_life_days: number;
    timely_fix_credit: number;
    late_fix_penalty: number;
  };
  priors: {
    explicit_strength: number;
    dspt: Record<DsptStatus, { probability: number; strength: number }>;
    cyber_essentials_plus_multiplier: number;
    mean_min: number;
    mean_max: number;
  };
  supply_chain: {
    criticality: Record<Criticality, number>;
    access: Record<Access, number>;
    max_coupling: number;
    tolerance: number;
    max_sweeps: number;
  };
  score: {
    anchor_score: number;
    anchor_probability: number;
    points_to_halve_odds: number;
    min: number;
    max: number;
  };
  /** Highest band first; the last has `min_score: null`. */
  bands: { band: string; min_score?: number | null }[];
  coverage_saturation: number;
  factor_quantiles: [number, number];
  drivers: { count: number; min_impact: number };
  tie_tolerance: number;
  /** Optional: defaults to `{stale_after_days: 365}`. */
  freshness?: { stale_after_days?: number };
  /** Prior anchor of a fitted methodology (calibration-v1 section 3.6); absent otherwise. */
  prior_anchor?: PriorAnchor | null;
  /** Recalibration of the reported probability (calibration-v1 section 3.6); absent otherwise. */
  recalibration?: Recalibration | null;
  /** Provenance of a fitted methodology; absent means expert judgement (calibration-v1 3.6). */
  calibration?: CalibrationProvenance | null;
}

// ---- Functions ------------------------------------------------------------------------------

/** A document given as a plain object or as JSON text. */
export type Json<T> = T | string;

/** The library version. */
export function version(): string;

/** The default methodology, a document the other functions accept back. */
export function defaultMethodology(): Methodology;

/**
 * Where a methodology's probabilities come from, as every person-facing view must say
 * (calibration-v1 section 3.6): "expert judgement — not fitted to incident data", or the fit
 * its `calibration` block records. The default methodology when null or omitted.
 */
export function methodologyLabel(methodology?: Json<Methodology> | null): string;

/**
 * Resource limits on an input document, by name (the engine's `Limits`). Every document is
 * checked against them (code `limit_exceeded`, at the path of what exceeds one); the `limits`
 * option overrides some of them. Each is a whole number ≥ 0; one beyond what WebAssembly can
 * address (2³² − 1) means no limit.
 */
export interface Limits {
  /** Largest document in bytes, of its JSON text (default 2147483648, 2 GiB). */
  max_document_bytes: number;
  /** Most organisations in one document (default 1000000). */
  max_organisations: number;
  /** Most items in one list of one organisation: assessments, metrics, findings, dependencies (default 2000000). */
  max_items_per_list: number;
  /** Most dependency edges in the whole document (default 10000000). */
  max_dependency_edges: number;
  /** Longest string (ids, names, references, CVSS vectors) in bytes (default 4096). */
  max_string_bytes: number;
}

/** The default {@link Limits}. */
export function defaultLimits(): Limits;

/**
 * Rate a portfolio. Throws a {@link RiskRatingError} naming the code and path of the first
 * problem (and listing all of them) when the document or methodology is rejected. `limits`
 * overrides some of the {@link Limits} (a bad limit throws at `limits.<name>`).
 */
export function ratePortfolio(
  document: Json<Portfolio>,
  methodology?: Json<Methodology> | null,
  limits?: Json<Partial<Limits>> | null,
): PortfolioRating;

/**
 * As {@link ratePortfolio}, returning the output document as JSON text (identical to the Rust
 * example's `--json`). Faster for large portfolios: `JSON.parse(ratePortfolioJson(doc))`.
 */
export function ratePortfolioJson(
  document: Json<Portfolio>,
  methodology?: Json<Methodology> | null,
  limits?: Json<Partial<Limits>> | null,
): string;

/**
 * Check a document without rating it (a limit exceeded is a problem like any other); throws
 * only for an invalid methodology or `limits` argument.
 */
export function validate(
  document: Json<Portfolio>,
  methodology?: Json<Methodology> | null,
  limits?: Json<Partial<Limits>> | null,
): ValidationReport;

// ---- Split rating and long tables -------------------------------------------------------------

/** One factor of an {@link InternalRating}. */
export interface InternalFactor {
  id: string;
  mean: number;
  lower: number;
  upper: number;
  evidence: number;
  /** The internal probability if this factor were perfect. */
  perfect_probability: number;
}

/** One counted evidence item of an {@link InternalRating} (a driver candidate). */
export interface InternalItem {
  /** Never `"dependency"`. */
  kind: DriverKind;
  reference: string;
  reason: string;
  /** The internal probability without this item. */
  probability_without: number;
}

/** The per-organisation half of a rating: everything that depends on its own evidence only. */
export interface InternalRating {
  id: string;
  as_of: IsoDate;
  methodology: string;
  methodology_version: string;
  basis: Basis;
  coverage: number;
  internal_probability: number;
  internal_interval: [number, number];
  /** In methodology order. */
  factors: InternalFactor[];
  items: InternalItem[];
  evidence_as_of?: IsoDate;
}

/**
 * The per-organisation half of {@link ratePortfolio}: one result per organisation, in input
 * order. Dependency edges are ignored (a worker holding only some organisations can rate them).
 */
export function rateInternal(
  document: Json<Portfolio>,
  methodology?: Json<Methodology> | null,
): InternalRating[];

/**
 * The graph half of {@link ratePortfolio}: `graph` supplies the organisations and dependencies
 * (its evidence is ignored), `internal` one {@link rateInternal} result per organisation in any
 * order. Every figure equals {@link ratePortfolio}'s bit for bit; there is no `provenance`.
 * Throws kind `"split"` (`missing_organisation`, `unknown_organisation`,
 * `duplicate_organisation`, `internal_mismatch`) when the results do not fit the graph.
 */
export function rateFromInternal(
  graph: Json<Portfolio>,
  internal: Json<InternalRating[]>,
  methodology?: Json<Methodology> | null,
): PortfolioRating;

/** The type of a long-table column. */
export type ColumnType = "text" | "date" | "number" | "integer" | "flag";

/** One table of the long-table schema. */
export interface TableSpec {
  /** `"organisations"`, `"assessments"`, `"metrics"`, `"findings"`, `"dependencies"` or `"groups"`. */
  name: string;
  columns: { name: string; type: ColumnType; required: boolean }[];
}

/** Long tables: table name → column name → values (`null` for a missing value). */
export type Tables = Record<string, Record<string, (string | number | boolean | null)[]>>;

/** The long-table schema: every table and column, its type and whether it is required. */
export function tableSchema(): TableSpec[];

/**
 * A portfolio document from long tables, checked against `methodology`; errors name the
 * table, row and column (`metrics[17].successes`).
 */
export function portfolioFromTables(
  asOf: IsoDate,
  tables: Json<Tables>,
  methodology?: Json<Methodology> | null,
): Portfolio;

/** The long tables of a portfolio document. */
export function portfolioToTables(document: Json<Portfolio>): Tables;

// ---- What-if, plans, history (methodology section 8) ------------------------------------------

/** A change to one organisation's evidence. */
export type Action =
  | { action: "set_assessment"; control: string; outcome: Outcome; assurance: Assurance }
  | { action: "resolve_finding"; finding: string }
  | { action: "set_metric"; metric: string; successes: number; trials: number }
  | { action: "remove_dependency"; supplier: string }
  | { action: "set_dependency_access"; supplier: string; access: Access }
  /** Names the disputed item by exactly one of `control`, `metric`, `finding`, `supplier`. */
  | { action: "uphold_dispute"; control?: string; metric?: string; finding?: string; supplier?: string }
  /** Names the disputed item by exactly one of `control`, `metric`, `finding`, `supplier`. */
  | { action: "reject_dispute"; control?: string; metric?: string; finding?: string; supplier?: string };

/** A change of one organisation's score. */
export interface ScoreChange {
  id: string;
  before: number;
  after: number;
  delta: number;
}

/** The outcome of a what-if. */
export interface WhatIf {
  organisation: string;
  actions: Action[];
  score_before: number;
  score_after: number;
  /** `score_after − score_before`. */
  delta: number;
  /** The organisation's full rating after the change. */
  rating: Rating;
  /** Other organisations whose score changed (its dependants, through the supply chain). */
  dependants: ScoreChange[];
  /** The input document's digest, the methodology and the engine (methodology section 11). */
  provenance?: Provenance;
}

/** One step of a plan: an action and its own gain in points. */
export interface PlanStep {
  action: Action;
  gain: number;
}

/** An improvement plan. */
export interface Plan {
  organisation: string;
  score: number;
  /** How many candidate actions were evaluated. */
  candidates: number;
  /** The top actions by gain, best first. */
  steps: PlanStep[];
  /** The score with every step applied together. */
  score_with_all: number;
  /** The input document's digest, the methodology and the engine (methodology section 11). */
  provenance?: Provenance;
}

/** Ratings of every organisation at a list of dates. */
export interface History {
  methodology: string;
  dates: IsoDate[];
  /** One series per organisation, in input order. */
  series: { id: string; points: HistoryPoint[] }[];
  /** The input document's digest, the methodology and the engine (methodology section 11). */
  provenance?: Provenance;
}

/** A rating at one date. */
export interface HistoryPoint {
  as_of: IsoDate;
  score: number;
  band: Band;
  interval: [number, number];
  basis: Basis;
}

/**
 * Apply actions, in order, to one organisation and re-rate the portfolio. Errors name
 * `organisation` (code `unknown_organisation`) or `actions[i].field` (code `invalid_action`).
 */
export function whatIf(
  document: Json<Portfolio>,
  organisation: string,
  actions: Json<Action[]>,
  methodology?: Json<Methodology> | null,
): WhatIf;

/** The `k` actions (default 5, the engine's `DEFAULT_PLAN_STEPS`) that raise one organisation's score most. */
export function plan(
  document: Json<Portfolio>,
  organisation: string,
  k?: number | null,
  methodology?: Json<Methodology> | null,
): Plan;

/** The portfolio rated at each date; a bad date is reported at `dates[i]`. */
export function history(
  document: Json<Portfolio>,
  dates: Json<IsoDate[]>,
  methodology?: Json<Methodology> | null,
): History;

/**
 * What changed in one organisation's rating between two dates: the score change by factor,
 * through suppliers and their interaction, and the evidence that entered, left or decayed.
 */
export function change(
  document: Json<Portfolio>,
  organisation: string,
  start: IsoDate,
  end: IsoDate,
  methodology?: Json<Methodology> | null,
): Change;

/** One factor's part of a {@link Change}. */
export interface FactorChange {
  id: string;
  /** Mean at `from`. */
  mean_from: number;
  /** Mean at `to`. */
  mean_to: number;
  /** Score change had only this factor moved, in points. */
  points: number;
}

/** An evidence item that entered, left or decayed (in a {@link Change}). */
export interface EvidenceChange {
  kind: DriverKind;
  /** Control id, metric name or finding id. */
  reference: string;
  /** Evidence weight at `from` (0 when not counted). */
  weight_from: number;
  /** Evidence weight at `to` (0 when not counted). */
  weight_to: number;
  /** The item in words. */
  reason: string;
}

/** The result of {@link change}. */
export interface Change {
  organisation: string;
  from: IsoDate;
  to: IsoDate;
  score_from: number;
  score_to: number;
  delta: number;
  /** Each factor's own effect: the score change had only that factor moved. */
  factors: FactorChange[];
  supply_points: number;
  interaction_points: number;
  /** Evidence items that entered, left or decayed most (with their impact). */
  entered: EvidenceChange[];
  /** Items counted at `from` but not at `to`. */
  left: EvidenceChange[];
  /** Items counted at both whose weight decayed most. */
  decayed: EvidenceChange[];
  /** The input document's digest, the methodology and the engine (methodology section 11). */
  provenance?: Provenance;
}

// ---- Methodologies and threat feeds ----------------------------------------------------------

/** Load and check a methodology from JSON text; its document (any `methodology` argument). */
export function methodologyFromJson(text: string): Methodology;
/** Load and check a methodology from TOML text; its (JSON) document. */
export function methodologyFromToml(text: string): Methodology;

/** What the KEV catalogue says about itself. */
export interface KevMeta {
  /** `catalogVersion`, e.g. `"2025.08.25"`. */
  catalog_version: string | null;
  /** `dateReleased`, as written. */
  date_released: string | null;
  /** `count`, as stated (an excerpt may state the full catalogue's count). */
  stated_count: number | null;
  /** Entries actually read. */
  entries: number;
}

/** One CVE's EPSS score. */
export interface EpssScore {
  /** Probability of exploitation activity in the next 30 days. */
  epss: number;
  /** Percentile of this score among all scored CVEs. */
  percentile: number;
}

/** What the EPSS file says about itself (its comment line). */
export interface EpssMeta {
  /** e.g. `"v2025.03.14"`; null without a comment line. */
  model_version: string | null;
  /** As written; null without a comment line. */
  score_date: string | null;
  /** Rows read. */
  rows: number;
}

/** The CISA KEV catalogue (the JSON CISA publishes); `new KevCatalog()` is empty. */
export class KevCatalog {
  constructor();
  static fromJson(text: string): KevCatalog;
  readonly size: number;
  has(cve: string): boolean;
  meta(): KevMeta;
  free(): void;
}

/** A day's FIRST EPSS scores (the CSV, decompressed); `new EpssScores()` is empty. */
export class EpssScores {
  constructor();
  static fromCsv(text: string): EpssScores;
  readonly size: number;
  get(cve: string): EpssScore | undefined;
  meta(): EpssMeta;
  free(): void;
}

/** What {@link enrich} did. */
export interface EnrichReport {
  /** Findings examined (every finding of every organisation). */
  findings: number;
  /** Findings with a `cve` of the form `CVE-YYYY-NNNN`. */
  with_cve: number;
  /** Findings whose `cve` is not a CVE id; they are not looked up. */
  invalid_cve: number;
  /** Findings whose CVE the KEV catalogue lists. */
  kev_listed: number;
  /** Findings whose `kev` was raised from false to true. */
  kev_enriched: number;
  /** Of the KEV-listed findings, those whose CVE the catalogue added after `as_of`. */
  kev_added_after_as_of: number;
  /** Findings whose CVE has an EPSS score. */
  epss_known: number;
  /** Findings whose `epss` was set or (when overwriting) replaced. */
  epss_enriched: number;
  /** Findings whose stated `epss` was kept although the feed scores the CVE. */
  skipped_explicit: number;
  /** The KEV catalogue used, if any. */
  kev: KevMeta | null;
  /** The EPSS scores used, if any. */
  epss: EpssMeta | null;
}

/** What {@link enrich} returns: the enriched document and what was done. */
export interface Enriched {
  portfolio: Portfolio;
  report: EnrichReport;
}

/** Set `kev`/`epss` on findings from the feeds (pass an empty one to use only the other). */
export function enrich(
  document: Json<Portfolio>,
  kev: KevCatalog,
  epss: EpssScores,
  overwrite?: boolean | null,
): Enriched;

// ---- Sample portfolios ------------------------------------------------------------------------

/** What sample to generate; every field is optional. */
export interface SampleConfig {
  /** How many organisations, suppliers included (default 300). */
  organisations?: number;
  /** Seed of the random streams (default 42); the same seed gives the same document. */
  seed?: number;
  /** The document's `as_of` (default `"2025-09-30"`). */
  as_of?: IsoDate;
}

/**
 * A deterministic sample portfolio shaped like the health and care system in England (every
 * organisation invented); identical to the Rust and Python generators for the same config.
 */
export function samplePortfolio(config?: Json<SampleConfig> | null): Portfolio;

// ---- A prepared portfolio ----------------------------------------------------------------------

/**
 * A portfolio parsed and checked once and kept in the module, then rated, changed and planned
 * without checking it again (what a page that re-rates on every click wants). Release it with
 * `free()`. After the module has reset itself following an internal error, an older object
 * throws when used: create it again.
 */
export class PreparedPortfolio {
  /**
   * Throws a {@link RiskRatingError} listing every problem when the document is rejected;
   * `limits` as for {@link ratePortfolio}.
   */
  constructor(
    document: Json<Portfolio>,
    methodology?: Json<Methodology> | null,
    limits?: Json<Partial<Limits>> | null,
  );
  /** As {@link ratePortfolio}. */
  rate(): PortfolioRating;
  /** As {@link whatIf}. */
  whatIf(organisation: string, actions: Json<Action[]>): WhatIf;
  /** As {@link plan}. */
  plan(organisation: string, k?: number | null): Plan;
  /** As {@link history}. */
  history(dates: Json<IsoDate[]>): History;
  /** As {@link change}. */
  change(organisation: string, start: IsoDate, end: IsoDate): Change;
  /** Release the module memory it holds; the object cannot be used afterwards. */
  free(): void;
}

// ---- Loss quantification (Open FAIR-style Monte Carlo) -----------------------------------------

/** A distribution of a quantity (a bare number is a constant). */
export type Distribution = number | DistributionObject;

/** A distribution written out (not a bare number). */
export type DistributionObject =
  | { type: "pert"; min: number; mode: number; max: number; gamma?: number }
  | { type: "pert_pyfair"; low: number; mode: number; high: number; gamma?: number }
  | { type: "lognormal_ci"; low: number; high: number; confidence?: number }
  | { type: "lognormal"; mu: number; sigma: number }
  | { type: "triangular"; min: number; mode: number; max: number }
  | { type: "uniform"; min: number; max: number }
  | { type: "normal"; mean: number; sd: number }
  | { type: "constant"; value: number };

/** How often loss events happen. */
export type Frequency =
  | { lef: Distribution }
  | { tef: Distribution; vulnerability: Distribution }
  | { from_rating: string };

/** One loss scenario. */
export interface Scenario {
  name: string;
  organisation?: string | null;
  frequency: Frequency;
  /** Loss per event, money ≥ 0. */
  primary_loss: Distribution;
  secondary?: { probability: Distribution; loss: Distribution } | null;
}

/** An organisation's rated probability, for `from_rating` frequencies. */
export interface RatingLink {
  probability: number;
  probability_interval: [number, number];
}

/** What the report lists. */
export interface ReportOptions {
  percentiles?: number[];
  var_levels?: number[];
  thresholds?: number[];
  /** Points of the loss exceedance curve (default 20; 0 for none). */
  lec_points?: number;
  include_losses?: boolean;
}

/** The simulation input document. */
export interface SimulationInput {
  /** Simulated years (default 100,000). */
  trials?: number;
  seed?: number;
  mode?: "compound" | "expected";
  scenarios: Scenario[];
  ratings?: Record<string, RatingLink>;
  report?: ReportOptions;
}

/** Summary of a loss distribution. */
export interface LossSummary {
  mean: number;
  sd: number;
  standard_error: number;
  min: number;
  max: number;
  percentiles: { q: number; value: number }[];
  risk: { q: number; var: number; tvar: number }[];
  exceedance: { threshold: number; probability: number }[];
  /** Loss exceedance curve: P(annual loss > loss). */
  lec: { loss: number; probability: number }[];
}

/** The simulation report. */
export interface SimulationReport {
  trials: number;
  seed: number;
  mode: "compound" | "expected";
  total: LossSummary;
  scenarios: { name: string; organisation?: string; mean_contribution: number; summary: LossSummary }[];
  organisations: { id: string; scenarios: string[]; mean_contribution: number; summary: LossSummary }[];
  /** Per-trial total losses, when `report.include_losses`. */
  losses?: number[];
}

/**
 * Simulate annual losses. With `rating` (a {@link ratePortfolio} result), `from_rating`
 * scenarios take that organisation's rated probability and interval. The same input and seed
 * give the same figures as Rust and Python.
 */
export function simulate(input: Json<SimulationInput>, rating?: PortfolioRating | string | null): SimulationReport;

/**
 * One piece of {@link simulate} split by scenario, for Web Workers: the losses per trial of the
 * scenarios at `indices` (positions in `input.scenarios`), one `Float64Array` each, from the
 * same random streams as the whole run. Put every scenario's losses together, in scenario order,
 * with {@link simulationFromScenarios}.
 */
export function simulateScenarios(
  input: Json<SimulationInput>,
  indices: ArrayLike<number>,
  rating?: PortfolioRating | string | null,
): Float64Array[];

/**
 * The {@link simulate} report from every scenario's losses per trial, in scenario order (the
 * pieces of {@link simulateScenarios}): equal to `simulate(input, rating)` bit for bit.
 */
export function simulationFromScenarios(
  input: Json<SimulationInput>,
  losses: ArrayLike<Float64Array | ArrayLike<number>>,
  rating?: PortfolioRating | string | null,
): SimulationReport;

/** Attribution maps for ingest: identifiers events carry → organisation ids. Never guessed. */
export interface IngestAttribution {
  /** OCSF `metadata.tenant_uid`. */
  tenant_uid?: Record<string, string>;
  /** OCSF `cloud.account.uid`. */
  cloud_account_uid?: Record<string, string>;
  /** DNS domain of OCSF `device.domain`/`device.hostname` or Nessus `host-fqdn` (parents match). */
  device_domain?: Record<string, string>;
  /** Nessus `Report@name`. */
  nessus_report?: Record<string, string>;
}

/** Ingest options. */
export interface IngestOptions {
  as_of: string;
  attribution?: IngestAttribution;
  /** VLAN/subnet/zone ids of segmented medical/IoT networks (for `iomt_segmentation`). */
  segmented_networks?: string[];
  compliance_assurance?: Assurance;
  limits?: { max_record_bytes?: number; max_depth?: number; max_string_bytes?: number; max_problems?: number };
}

/** One problem with one record of an export. */
export interface IngestProblem {
  source: string;
  record: number;
  line: number;
  /** JSON path (`[3].vulnerabilities[0].cve.uid`) or XML element path. */
  path: string;
  code: string;
  message: string;
  /** Whether the record was skipped (else a default was used). */
  skipped: boolean;
}

/** Why an ingest did not use a record (the keys of `IngestReport.skipped`). */
export type SkipReason =
  | "unsupported_class"
  | "detection_finding"
  | "unattributable"
  | "duplicate"
  | "outside_window"
  | "not_caf_control"
  | "informational"
  | "no_cve"
  | "invalid";

/** What an ingest read and made of it: `records_read = records_used + Σ skipped`. */
export interface IngestReport {
  records_read: number;
  records_used: number;
  /** Records skipped, by reason (a {@link SkipReason}; a reason with none is absent). */
  skipped: Record<string, number>;
  by_class: Record<string, number>;
  by_plugin_family: Record<string, number>;
  findings: number;
  findings_collapsed: number;
  metrics: number;
  assessments: number;
  problems: IngestProblem[];
  problems_omitted: number;
  notes: string[];
}

/** The evidence of an ingest (a portfolio document with evidence only) and its report. */
export interface Ingested {
  portfolio: Portfolio;
  report: IngestReport;
}

/** Ingest OCSF 1.x events (JSON array or JSON lines). Throws an `Error` with `code`/`path` for an export refused as a whole. */
export function ingestOcsf(data: string | Uint8Array, options: Json<IngestOptions>, kev?: unknown): Ingested;
/** Ingest a Nessus v2 (`.nessus`) export. */
export function ingestNessus(data: string | Uint8Array, options: Json<IngestOptions>, kev?: unknown): Ingested;
/** Ingest several exports (format detected per file), e.g. files dropped on the portal. */
export function ingestFiles(files: { name: string; data: string | Uint8Array }[], options: Json<IngestOptions>, kev?: unknown): Ingested;
/**
 * `document` with ingested evidence (`Ingested.portfolio`) appended to the organisations of the
 * same id (an organisation it lacks is added); `as_of` stays the document's. The result is not
 * checked: rating it reports, e.g., a finding id both documents hold.
 */
export function mergeEvidence(document: Json<Portfolio>, evidence: Json<Portfolio>): Portfolio;
// ---- The system view: correlated incidents across groups (docs/methodology.md section 17) ----

/** Options of {@link system}; every field optional. */
export interface SystemOptions {
  /** Trials, 1 to 10^7 (default 10,000). */
  trials?: number;
  seed?: number;
  /** Thresholds k of P(≥ k members compromised) (default [1, 2, 3, 5, 10]). */
  ks?: number[];
  /** The k of supplier attribution (default 3). */
  attribution_k?: number;
  /** Suppliers to attribute (default: the 10 most systemic). */
  suppliers?: string[] | null;
  /**
   * Money: loss per compromised member by peer group (defaults documented). Each is a written
   * out distribution (a bare number is not accepted here).
   */
  losses?: { peer_groups?: Record<string, DistributionObject>; levels?: number[]; lec_points?: number } | null;
}

/** P(at least k members compromised). */
export interface SystemTail {
  k: number;
  p: number;
  se: number;
  /** Under independence with the simulated marginals. */
  p_independent: number;
  /** Under independence with the rated probabilities. */
  p_rated_independent: number;
  /** p / p_independent. */
  multiplier: number;
}

/** One group (or the portfolio, `*`). */
export interface GroupRisk {
  group: string;
  members: number;
  expected: number;
  expected_se: number;
  expected_rated: number;
  distribution: number[];
  distribution_independent: number[];
  tail: SystemTail[];
  suppliers: { id: string; compromised_share: number; caused_share: number; tail_trials: number }[];
  losses?: {
    mean: number;
    measures: { level: number; var: number; tvar: number; var_independent: number }[];
    lec: { loss: number; probability: number }[];
    lec_independent: { loss: number; probability: number }[];
  };
}

/** The report of {@link system}. */
export interface SystemReport {
  trials: number;
  seed: number;
  ks: number[];
  attribution_k: number;
  portfolio: GroupRisk;
  groups: GroupRisk[];
  organisations: { id: string; simulated: number; se: number; rated: number; difference: number }[];
  /** The input document's digest, the methodology and the engine (methodology section 11). */
  provenance?: Provenance;
}

/**
 * Simulate the supply-chain cascade: per group, how many members are compromised at once, with
 * and without correlation, and through which suppliers. With `organisation` and `actions` (as
 * for {@link whatIf}) the changed portfolio is simulated with the same seed.
 */
export function system(
  document: Json<Portfolio>,
  options?: Json<SystemOptions> | null,
  organisation?: string | null,
  actions?: Json<Action[]> | null,
  methodology?: Json<Methodology> | null,
): SystemReport;


// ---- Methodology change notice (methodology section 12) -------------------------------------

/** One organisation's move between two methodologies. */
export interface OrganisationChange {
  id: string;
  score_old: number;
  score_new: number;
  change: number;
  band_old: string;
  band_new: string;
  /** Shapley part of the change per score group, in file order; zero for unchanged groups. */
  parts: { group: string; points: number }[];
}

/** The methodology change notice for a portfolio. */
export interface MethodologyComparison {
  old: { id: string; version: string; digest: string };
  new: { id: string; version: string; digest: string };
  /** The G score groups that differ, in file order. */
  changed_groups: string[];
  /** 2^G. */
  ratings_computed: number;
  organisations: OrganisationChange[];
  /** SHA-256 of the input document in RFC 8785 canonical form (methodology section 11). */
  input_digest: string;
  /** The engine version that computed the comparison. */
  engine_version: string;
}

/** Score and band under both methodologies, the change and its attribution to groups. */
export function compareMethodologies(
  document: Json<Portfolio>,
  oldMethodology: Json<Methodology> | null,
  newMethodology: Json<Methodology> | null,
): MethodologyComparison;

// ---- Calibration (calibration-v1) -----------------------------------------------------------

/**
 * The validation report document of calibration-v1 section 4.4, exactly as the Rust example
 * `calibrate --report` writes it (see docs/calibration.md for every field).
 */
export interface CalibrationReport {
  /** `"calibration-v1"`. */
  spec: string;
  /** `sha256:…` of the three documents as given. */
  data_digest: string;
  design: CalibrationDesign;
  /** The fit (null from `evaluateCalibration`). */
  fit: CalibrationFit | null;
  validation: {
    original: CalibrationValidationBlock;
    fitted: CalibrationValidationBlock | null;
  };
  /** The prospective backtest, when the configuration asks for one. */
  backtest: {
    /** The split date. */
    split: IsoDate;
    train: { n: number; events: number; last_outcome_date: IsoDate; prospective: boolean };
    /** The fit on the training observations. */
    fit: CalibrationFit;
    /** The base methodology on the test observations. */
    original: CalibrationValidationBlock;
    /** The training-fitted methodology on the test observations. */
    fitted: CalibrationValidationBlock;
  } | null;
  /** The fitted methodology's changed numbers (null without a fit). */
  methodology: {
    id: string;
    intercept: number;
    weights: { factor: string; weight: number }[];
    coupling_bases: Record<Criticality, number>;
    recalibration: Recalibration | null;
    prior_anchor: PriorAnchor | null;
    /** As the engine writes it: `design_effect`, `se` and `se_cluster` always present. */
    calibration: (CalibrationProvenance & {
      design_effect: number;
      parameters: {
        name: string;
        estimate: number;
        original: number;
        se: number | null;
        se_cluster: number | null;
        at_bound: boolean;
      }[];
    }) | null;
  } | null;
}

/** Section 4.4 `design`: what the data hold. */
export interface CalibrationDesign {
  snapshots_given: number;
  snapshots_observed: number;
  organisations: number;
  incidents: number;
  material_incidents: number;
  material_incidents_in_a_window: number;
  /** n. */
  observations: number;
  /** Warnings about valid input. */
  warnings: { path: string; warning: string }[];
}

/** The level of fit (calibration-v1 section 3). */
export type CalibrationLevel = "none" | "intercept" | "recalibrate" | "refit" | "auto";

/** One fitted parameter with its uncertainty. */
export interface CalibrationParam {
  estimate: number;
  /** The base methodology's value. */
  original: number;
  /** Null when it cannot be computed. */
  se: number | null;
  se_cluster: number | null;
  /** 95% interval; null without a standard error. */
  ci: [number, number] | null;
  ci_cluster: [number, number] | null;
  /** The estimate is a boundary value. */
  at_bound: boolean;
}

/** Section 4.4 `fit`. */
export interface CalibrationFit {
  requested: CalibrationLevel;
  level: CalibrationLevel;
  n: number;
  events: number;
  events_internal: number;
  events_supplier: number;
  design_effect: number;
  effective_events: { overall: number; internal: number; supplier: number };
  /** Log-likelihood of the original and of each level fitted. */
  loglik: { original: number; intercept?: number; recalibrate?: number; refit?: number };
  /** Each level fitted. */
  levels: {
    intercept?: { delta: CalibrationParam; loglik: number };
    recalibrate?: { a: CalibrationParam; b: CalibrationParam; cov_ab: number; loglik: number };
    refit?: {
      intercept: CalibrationParam;
      weights: (CalibrationParam & { factor: string })[];
      coupling_scale: CalibrationParam & {
        estimable: boolean;
        n: number;
        events: number;
        unexplained_supplier_events: number;
        self_consistent: boolean;
      };
      optimiser: {
        objective: number;
        projected_gradient: number;
        loglik_internal: number;
        tau: number;
        iterations: number;
      };
      loglik: number;
    };
  };
  /** The closed testing procedure (null when the level was not chosen by it). */
  closed_test: {
    design_effect: number;
    alpha: number;
    tests: {
      against: string;
      lr: number;
      statistic: number;
      df: number;
      p_value: number;
      significant: boolean;
    }[];
  } | null;
}

/** The metrics of one methodology on one set of observations (calibration-v1 section 4.2). */
export interface CalibrationMetrics {
  n: number;
  events: number;
  base_rate: number | null;
  mean_predicted: number | null;
  auc: { estimate: number | null; se: number | null; ci: [number, number] | null };
  brier: { score: number; reference: number; skill: number | null } | null;
  murphy: {
    brier: number;
    reliability: number;
    resolution: number;
    uncertainty: number;
    within_bin_variance: number;
    within_bin_covariance: number;
  } | null;
  /** Observed over expected events. */
  oe: { observed: number; expected: number; ratio: number; ci: [number, number] | null } | null;
  calibration_intercept: CalibrationParam | null;
  calibration_slope: (CalibrationParam & { intercept: number }) | null;
  ece: number | null;
  reliability: {
    bin: number;
    p_min: number;
    p_max: number;
    n: number;
    events: number;
    mean_predicted: number;
    observed: number;
    observed_ci: [number, number] | null;
  }[];
  /** Per band (overall metrics only). */
  bands?: {
    band: string;
    n: number;
    events: number;
    mean_predicted: number | null;
    observed: number | null;
    observed_ci: [number, number] | null;
    relative_risk: number | null;
    relative_risk_ci: [number, number] | null;
    reference: boolean;
    corrected: boolean;
  }[];
}

/** The metrics of one methodology: overall and per component (section 4.2). */
export interface CalibrationValidationBlock {
  methodology: string;
  label: string;
  overall: CalibrationMetrics;
  components: { internal: CalibrationMetrics; supply: CalibrationMetrics };
}

/** The prior anchor (β₀ᵃ, Wᵃ) of a fitted methodology (calibration-v1 section 3.4). */
export interface PriorAnchor {
  intercept: number;
  /** > 0. */
  weight_sum: number;
}

/** Logistic recalibration R(p) = logistic(a + b·logit p) of the reported probability. */
export interface Recalibration {
  /** a. */
  intercept: number;
  /** b (> 0). */
  slope: number;
}

/** The provenance block `calibration` of a fitted methodology (calibration-v1 section 3.6). */
export interface CalibrationProvenance {
  /** `"calibration-v1"`. */
  spec: string;
  base_methodology: string;
  /** `none`, `intercept`, `recalibrate` or `refit`. */
  level: string;
  /** `closed_test` or `config`. */
  selected_by: string;
  data_digest: string;
  n: number;
  events: number;
  events_internal: number;
  events_supplier: number;
  /** Design effect of the fit (default 1 when read). */
  design_effect?: number;
  snapshots: IsoDate[];
  observed_until: IsoDate;
  horizon_days: number;
  date: IsoDate;
  parameters: {
    name: string;
    estimate: number;
    original: number;
    /** Null or absent when it cannot be computed. */
    se?: number | null;
    se_cluster?: number | null;
    at_bound: boolean;
  }[];
}

/** What `calibrate` and `evaluateCalibration` return. */
export interface CalibrationResult {
  report: CalibrationReport;
  /** The fitted methodology (null from `evaluateCalibration` or at level `none`). */
  methodology: Methodology | null;
}

/**
 * Fit the methodology (default `nhs-caf-v1`) to incident records and report (calibration-v1).
 * Errors about the incident or configuration document or the fit are {@link RiskRatingError}s
 * whose `code` is the spec's category, with `category`, `document` (`"incidents"`, `"config"`
 * or `"fit"`) and `path`.
 */
export function calibrate(
  document: Json<Portfolio>,
  incidents: Json<Record<string, unknown>>,
  config: Json<Record<string, unknown>>,
  methodology?: Json<Methodology> | null,
): CalibrationResult;

/** The validation report (calibration-v1 section 4) of a methodology alone, without fitting. */
export function evaluateCalibration(
  document: Json<Portfolio>,
  incidents: Json<Record<string, unknown>>,
  config: Json<Record<string, unknown>>,
  methodology?: Json<Methodology> | null,
): CalibrationResult;
