//! The rating methodology as data.
//!
//! Every number of the rating model lives in a [`Methodology`]: factor weights, priors, evidence
//! strengths, half-lives, caps, multipliers, deadlines, supply-chain couplings, the score scale
//! and the bands. The default, `nhs-caf-v1`, is embedded from `data/nhs-caf-v1.json` and is the
//! model of `docs/methodology.md`. A different methodology can be loaded from JSON and is fully
//! checked before use, so that an engine run never meets a missing or nonsensical number.

pub mod calibrated;
pub(crate) mod check;
pub mod load;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::input::document::{
    Access, AssetCriticality, Assurance, Criticality, DsptStatus, FindingKind, Outcome,
};
use crate::problem::{MethodologyError, MethodologyProblem};

/// The JSON text of the default methodology, `nhs-caf-v1`.
pub const DEFAULT_METHODOLOGY_JSON: &str = include_str!("../../data/nhs-caf-v1.json");

/// A rating methodology: every number the engine uses, checked for consistency.
///
/// ```
/// use risk_core::Methodology;
/// let m = Methodology::default();
/// assert_eq!(m.id(), "nhs-caf-v1");
/// assert_eq!(m.factors().len(), 14);
/// ```
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MethodologyDoc", into = "MethodologyDoc")]
pub struct Methodology {
    doc: MethodologyDoc,
    index: Index,
}

/// The serialised form of a methodology (the methodology file).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodologyDoc {
    /// Identifier carried into every output document.
    pub id: String,
    /// Version of this methodology.
    pub version: String,
    /// Human-readable name.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The factors, in output order.
    pub factors: Vec<FactorDef>,
    /// How control ids map to factors, and the outcome catalogue.
    pub controls: Controls,
    /// The logistic link.
    pub model: Model,
    /// How assessments become evidence.
    pub assessments: AssessmentParams,
    /// The metrics the methodology knows.
    pub metrics: Vec<MetricDef>,
    /// How findings become evidence.
    pub findings: FindingParams,
    /// Priors from attestations.
    pub priors: PriorParams,
    /// Supply-chain couplings and the fixed-point iteration.
    pub supply_chain: SupplyChainParams,
    /// The score scale.
    pub score: ScoreParams,
    /// Bands, best first; the last has no lower bound.
    pub bands: Vec<BandDef>,
    /// Evidence weight at which a factor counts as fully covered.
    pub coverage_saturation: f64,
    /// The lower and upper quantiles reported for each factor.
    pub factor_quantiles: [f64; 2],
    /// How many drivers to report and the smallest impact listed.
    pub drivers: DriverParams,
    /// Numbers within this distance count as tied when sorting.
    pub tie_tolerance: f64,
    /// When evidence counts as stale (section 11.2); defaults apply when absent.
    #[serde(default)]
    pub freshness: FreshnessParams,
    // --- calibration-v1 section 3.6 (inert when absent; never serialised when absent) ---
    /// Prior anchor (β₀ᵃ, Wᵃ) for the prior mean (calibration-v1 3.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_anchor: Option<calibrated::PriorAnchor>,
    /// Recalibration R of the reported probability (calibration-v1 3.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalibration: Option<calibrated::Recalibration>,
    /// Provenance of a fitted methodology; absent means expert judgement (calibration-v1 3.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<calibrated::CalibrationProvenance>,
}

/// When an organisation's evidence is stale (section 11.2).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FreshnessParams {
    /// An organisation is stale when its newest counted item is more than this many days before
    /// `as_of`.
    pub stale_after_days: f64,
}

impl Default for FreshnessParams {
    fn default() -> Self {
        FreshnessParams {
            stale_after_days: 365.0,
        }
    }
}

/// One factor.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorDef {
    /// Identifier (`identity_access`, …).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Weight w_f in the linear predictor.
    pub weight: f64,
}

/// Control mapping and catalogue.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controls {
    /// Principle (`B2`) → factor id. A principle listed twice is an error.
    #[serde(deserialize_with = "crate::methodology::load::unique_keys")]
    pub principles: BTreeMap<String, String>,
    /// Single outcomes mapped on their own (`B4.d`) → factor id; these win over the principle.
    /// An outcome listed twice is an error.
    #[serde(default, deserialize_with = "crate::methodology::load::unique_keys")]
    pub outcomes: BTreeMap<String, String>,
    /// Name of the outcome catalogue.
    pub catalogue_version: String,
    /// Outcome ids and names, for display.
    pub catalogue: Vec<CatalogueEntry>,
}

/// One contributing outcome in the catalogue.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    /// Outcome id, e.g. `A1.a`.
    pub id: String,
    /// Outcome name, e.g. `Board Direction`.
    pub name: String,
}

/// The logistic link.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// β₀.
    pub intercept: f64,
    /// Normal quantile for the interval (1.6448… for 90%).
    pub z: f64,
}

/// Assessment evidence parameters.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentParams {
    /// Half-life in days.
    pub half_life_days: f64,
    /// Value of each outcome.
    pub outcome_values: OutcomeValues,
    /// Strength of each assurance level.
    pub assurance_strength: AssuranceStrength,
}

/// Value of each outcome in [0, 1].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeValues {
    /// Achieved.
    pub achieved: f64,
    /// Partially achieved.
    pub partially_achieved: f64,
    /// Not achieved.
    pub not_achieved: f64,
}

/// Pseudo-count strength of each assurance level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssuranceStrength {
    /// Self-assessed.
    pub self_assessed: f64,
    /// Peer reviewed.
    pub peer_reviewed: f64,
    /// Independent audit.
    pub independent_audit: f64,
}

/// A metric the methodology knows.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    /// Metric name.
    pub id: String,
    /// The factor it informs.
    pub factor: String,
    /// Largest number of trials counted.
    pub cap: f64,
    /// Half-life in days.
    pub half_life_days: f64,
}

/// Finding evidence parameters.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingParams {
    /// Factor and default severity of each kind.
    pub kinds: Vec<FindingKindDef>,
    /// Added to the exploit multiplier when KEV-listed.
    pub kev_multiplier: f64,
    /// Multiplies EPSS in the exploit multiplier.
    pub epss_multiplier: f64,
    /// Exposure factor for internet-facing assets.
    pub internet_facing_exposure: f64,
    /// Multiplier per asset criticality.
    pub asset_criticality: CriticalityWeights,
    /// Remediation deadlines.
    pub sla: SlaParams,
    /// Weight of an open finding.
    pub open_weight: f64,
    /// Cap on overdue-ness (multiples of the deadline).
    pub max_overdue: f64,
    /// Half-life of a resolved finding's evidence, days.
    pub resolved_half_life_days: f64,
    /// Credit weight for a fix within the deadline.
    pub timely_fix_credit: f64,
    /// Penalty weight for a late fix.
    pub late_fix_penalty: f64,
}

/// A finding kind's factor and default severity.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingKindDef {
    /// The kind.
    pub kind: FindingKind,
    /// The factor it informs.
    pub factor: String,
    /// Severity in [0, 1] without a CVSS score.
    pub default_severity: f64,
}

/// Multiplier per asset criticality.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalityWeights {
    /// Low.
    pub low: f64,
    /// Medium.
    pub medium: f64,
    /// High.
    pub high: f64,
    /// Clinical.
    pub clinical: f64,
}

/// Remediation deadlines.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaParams {
    /// Deadline for KEV-listed or most severe findings.
    pub urgent_days: f64,
    /// Severity at or above which the urgent deadline applies.
    pub urgent_severity: f64,
    /// Deadline for high-severity findings.
    pub high_days: f64,
    /// Severity at or above which the high deadline applies.
    pub high_severity: f64,
    /// Deadline otherwise.
    pub default_days: f64,
}

/// Priors from attestations.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorParams {
    /// Strength k when an incident probability is stated.
    pub explicit_strength: f64,
    /// Prior per DSPT status.
    pub dspt: DsptPriors,
    /// Multiplies P₀ for Cyber Essentials Plus.
    pub cyber_essentials_plus_multiplier: f64,
    /// Lower clamp of the prior mean.
    pub mean_min: f64,
    /// Upper clamp of the prior mean.
    pub mean_max: f64,
}

/// Prior per DSPT status.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DsptPriors {
    /// Standards exceeded.
    pub standards_exceeded: PriorDef,
    /// Standards met.
    pub standards_met: PriorDef,
    /// Approaching standards.
    pub approaching_standards: PriorDef,
    /// Not published, or no attestation.
    pub not_published: PriorDef,
}

/// A prior probability and strength.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorDef {
    /// P₀.
    pub probability: f64,
    /// k.
    pub strength: f64,
}

/// Supply-chain parameters.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplyChainParams {
    /// Base coupling per criticality.
    pub criticality: CouplingBase,
    /// Multiplier per access.
    pub access: AccessWeights,
    /// Largest coupling.
    pub max_coupling: f64,
    /// Fixed-point convergence tolerance.
    pub tolerance: f64,
    /// Most Jacobi sweeps.
    pub max_sweeps: u32,
}

/// Base coupling per criticality.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouplingBase {
    /// Critical.
    pub critical: f64,
    /// High.
    pub high: f64,
    /// Medium.
    pub medium: f64,
    /// Low.
    pub low: f64,
}

/// Coupling multiplier per access.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessWeights {
    /// None.
    pub none: f64,
    /// Data.
    pub data: f64,
    /// Network.
    pub network: f64,
    /// Admin.
    pub admin: f64,
}

/// The score scale.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreParams {
    /// Score at the anchor probability.
    pub anchor_score: f64,
    /// The anchor probability.
    pub anchor_probability: f64,
    /// Points that halve the odds.
    pub points_to_halve_odds: f64,
    /// Lowest score.
    pub min: f64,
    /// Highest score.
    pub max: f64,
}

/// A band.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandDef {
    /// Band label.
    pub band: String,
    /// Lowest score in the band; `null` for the last band.
    pub min_score: Option<f64>,
}

/// Driver reporting parameters.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverParams {
    /// How many drivers to report.
    pub count: usize,
    /// Smallest |impact| in points that is listed.
    pub min_impact: f64,
}

/// Lookups resolved once when a methodology is loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Index {
    /// Principle → factor index.
    pub principles: BTreeMap<String, usize>,
    /// Outcome override → factor index.
    pub outcomes: BTreeMap<String, usize>,
    /// Metric name → metric index.
    pub metrics: BTreeMap<String, usize>,
    /// Factor index per metric.
    pub metric_factor: Vec<usize>,
    /// Factor index and default severity per finding kind (FindingKind::ALL order).
    pub kind_factor: [usize; 7],
    /// Default severity per finding kind.
    pub kind_severity: [f64; 7],
    /// Σ w_f.
    pub weight_sum: f64,
}

impl Default for Methodology {
    fn default() -> Self {
        static DEFAULT: OnceLock<Methodology> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                Methodology::from_json(DEFAULT_METHODOLOGY_JSON)
                    .expect("the embedded default methodology is valid (checked by tests)")
            })
            .clone()
    }
}

impl TryFrom<MethodologyDoc> for Methodology {
    type Error = MethodologyError;
    fn try_from(doc: MethodologyDoc) -> Result<Self, MethodologyError> {
        Methodology::new(doc)
    }
}

impl From<Methodology> for MethodologyDoc {
    fn from(m: Methodology) -> Self {
        m.doc
    }
}

impl Methodology {
    /// Check a methodology document and build its lookups.
    ///
    /// # Errors
    /// [`MethodologyError`] listing every problem, each naming its field.
    pub fn new(doc: MethodologyDoc) -> Result<Self, MethodologyError> {
        let mut problems = Vec::new();
        let index = crate::methodology::check::check(&doc, &mut problems);
        match index {
            Some(index) if problems.is_empty() => Ok(Methodology { doc, index }),
            _ => Err(MethodologyError::new(problems)),
        }
    }

    /// Parse and check a methodology from JSON text.
    ///
    /// # Errors
    /// [`MethodologyError`] for malformed JSON, a missing or unknown field, or any inconsistent
    /// number, naming the field.
    pub fn from_json(text: &str) -> Result<Self, MethodologyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let de = &mut serde_json::Deserializer::from_str(text);
        let doc: MethodologyDoc = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
            let path = e.path().to_string();
            MethodologyError::new(vec![MethodologyProblem {
                path: if path == "." { String::new() } else { path },
                message: e.into_inner().to_string(),
            }])
        })?;
        de.end().map_err(|e| {
            MethodologyError::new(vec![MethodologyProblem {
                path: String::new(),
                message: e.to_string(),
            }])
        })?;
        Methodology::new(doc)
    }

    /// The methodology document.
    pub fn doc(&self) -> &MethodologyDoc {
        &self.doc
    }

    /// Identifier carried into every output document.
    pub fn id(&self) -> &str {
        &self.doc.id
    }

    /// Version string.
    pub fn version(&self) -> &str {
        &self.doc.version
    }

    /// Remediation deadline in days for a finding (section 3.3): the urgent deadline for a
    /// KEV-listed finding or one at or above the urgent severity, then the high one, then the
    /// default.
    pub(crate) fn sla_days(&self, kev: bool, severity: f64) -> f64 {
        let s = &self.doc.findings.sla;
        if kev || severity >= s.urgent_severity {
            s.urgent_days
        } else if severity >= s.high_severity {
            s.high_days
        } else {
            s.default_days
        }
    }

    /// The factors in output order.
    pub fn factors(&self) -> &[FactorDef] {
        &self.doc.factors
    }

    /// The JSON text of this methodology.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.doc).expect("a methodology always serialises")
    }

    /// The person-facing label of where the numbers come from: expert judgement, or the
    /// fit recorded in the `calibration` block (calibration-v1 section 3.6).
    pub fn provenance_label(&self) -> String {
        match &self.doc.calibration {
            Some(c) => c.label(),
            None => calibrated::EXPERT_JUDGEMENT.to_owned(),
        }
    }

    /// R(p) of the `recalibration` block, or `p` itself without one (calibration-v1 3.6).
    #[inline]
    pub(crate) fn recalibrate(&self, p: f64) -> f64 {
        match &self.doc.recalibration {
            Some(r) => r.apply(p),
            None => p,
        }
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// Factor index a control id maps to, or `None` when its principle is not mapped.
    /// The control id must already be of the form `<letter><digit>.<letter>`.
    pub fn control_factor(&self, control: &str) -> Option<usize> {
        if let Some(&f) = self.index.outcomes.get(control) {
            return Some(f);
        }
        let principle = control.split('.').next()?;
        self.index.principles.get(principle).copied()
    }

    /// Index of a metric the methodology knows.
    pub fn metric_index(&self, metric: &str) -> Option<usize> {
        self.index.metrics.get(metric).copied()
    }

    /// The display name of a catalogued outcome.
    pub fn outcome_name(&self, control: &str) -> Option<&str> {
        self.doc
            .controls
            .catalogue
            .iter()
            .find(|e| e.id == control)
            .map(|e| e.name.as_str())
    }

    pub(crate) fn outcome_value(&self, o: Outcome) -> Option<f64> {
        let v = &self.doc.assessments.outcome_values;
        match o {
            Outcome::Achieved => Some(v.achieved),
            Outcome::PartiallyAchieved => Some(v.partially_achieved),
            Outcome::NotAchieved => Some(v.not_achieved),
            Outcome::NotApplicable => None,
        }
    }

    pub(crate) fn assurance_strength(&self, a: Assurance) -> f64 {
        let s = &self.doc.assessments.assurance_strength;
        match a {
            Assurance::SelfAssessed => s.self_assessed,
            Assurance::PeerReviewed => s.peer_reviewed,
            Assurance::IndependentAudit => s.independent_audit,
        }
    }

    pub(crate) fn asset_weight(&self, c: AssetCriticality) -> f64 {
        let w = &self.doc.findings.asset_criticality;
        match c {
            AssetCriticality::Low => w.low,
            AssetCriticality::Medium => w.medium,
            AssetCriticality::High => w.high,
            AssetCriticality::Clinical => w.clinical,
        }
    }

    pub(crate) fn coupling(&self, c: Criticality, a: Access) -> f64 {
        let s = &self.doc.supply_chain;
        let base = match c {
            Criticality::Critical => s.criticality.critical,
            Criticality::High => s.criticality.high,
            Criticality::Medium => s.criticality.medium,
            Criticality::Low => s.criticality.low,
        };
        let access = match a {
            Access::None => s.access.none,
            Access::Data => s.access.data,
            Access::Network => s.access.network,
            Access::Admin => s.access.admin,
        };
        (base * access).min(s.max_coupling)
    }

    pub(crate) fn dspt_prior(&self, s: DsptStatus) -> &PriorDef {
        let p = &self.doc.priors.dspt;
        match s {
            DsptStatus::StandardsExceeded => &p.standards_exceeded,
            DsptStatus::StandardsMet => &p.standards_met,
            DsptStatus::ApproachingStandards => &p.approaching_standards,
            DsptStatus::NotPublished => &p.not_published,
        }
    }

    pub(crate) fn kind_index(kind: FindingKind) -> usize {
        FindingKind::ALL
            .iter()
            .position(|&k| k == kind)
            .expect("every kind is in ALL")
    }
}
