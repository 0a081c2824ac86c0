//! The rating output document (methodology section 6.1).

use serde::{Deserialize, Serialize};

use crate::input::date::Date;

/// The rating of a whole portfolio: the output document of section 6.1.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioRating {
    /// The date rated at.
    pub as_of: Date,
    /// Methodology id.
    pub methodology: String,
    /// Methodology version.
    pub methodology_version: String,
    /// What the rating was computed from (section 11): input and methodology digests, engine
    /// version. Always set by the engine; optional so that older output documents still load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
    /// One rating per organisation, in input order.
    pub ratings: Vec<Rating>,
    /// Score distribution per peer group, sorted by name.
    pub peer_groups: Vec<PeerGroupStats>,
    /// Organisations others depend on, most systemic first.
    pub suppliers: Vec<SupplierExposure>,
    /// Per group (organisations' `groups`), sorted by name; absent when no organisation lists
    /// a group, so documents without groups give the same output as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<crate::rating::groups::GroupSummary>,
}

impl PortfolioRating {
    /// The rating of one organisation.
    pub fn get(&self, id: &str) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.id == id)
    }

    /// The output document as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a rating always serialises (all numbers are finite)")
    }

    /// The output document as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a rating always serialises (all numbers are finite)")
    }
}

/// How much an organisation's rating rests on.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// At least one evidence item was counted.
    Evidence,
    /// No evidence, but an attestation.
    Attestation,
    /// Neither: the default prior.
    Prior,
}

impl Basis {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Evidence => "evidence",
            Basis::Attestation => "attestation",
            Basis::Prior => "prior",
        }
    }
}

/// One organisation's rating.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// Organisation id.
    pub id: String,
    /// Peer group.
    pub peer_group: String,
    /// Score 250–900 (unrounded).
    pub score: f64,
    /// Band label.
    pub band: String,
    /// 90% score interval [lo, hi].
    pub interval: [f64; 2],
    /// Probability of a material cyber incident in 12 months.
    pub probability: f64,
    /// 90% probability interval [P_lo, P_hi].
    pub probability_interval: [f64; 2],
    /// Probability from the organisation's own controls.
    pub internal_probability: f64,
    /// Probability arriving through its suppliers.
    pub supply_probability: f64,
    /// What the rating rests on.
    pub basis: Basis,
    /// Share of the model backed by evidence, 0–1.
    pub coverage: f64,
    /// Percentile within its peer group, 0–100.
    pub peer_percentile: f64,
    /// Per-factor beliefs, in methodology order.
    pub factors: Vec<FactorRating>,
    /// The evidence items that move the score most.
    pub drivers: Vec<Driver>,
    /// Disputes and the undisputed view (section 10); only where an open dispute reaches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disputes: Option<crate::rating::disputes::DisputeSummary>,
    /// Date of the newest evidence item counted (section 11.2); absent when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_as_of: Option<Date>,
    /// True when `evidence_as_of` is more than the methodology's `freshness.stale_after_days`
    /// before `as_of`; omitted when false.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub stale: bool,
}

/// One factor of a rating.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorRating {
    /// Factor id.
    pub id: String,
    /// Mean effectiveness μ.
    pub mean: f64,
    /// 5% quantile of the belief.
    pub lower: f64,
    /// 95% quantile of the belief.
    pub upper: f64,
    /// Evidence weight added to the prior.
    pub evidence: f64,
    /// Points this factor leaves on the table (score gain if it were perfect).
    pub points: f64,
}

/// What kind of item a driver is.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriverKind {
    /// An assessment.
    Assessment,
    /// A metric observation.
    Metric,
    /// A finding.
    Finding,
    /// A dependency edge.
    Dependency,
}

impl DriverKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DriverKind::Assessment => "assessment",
            DriverKind::Metric => "metric",
            DriverKind::Finding => "finding",
            DriverKind::Dependency => "dependency",
        }
    }
}

/// An evidence item and what it does to the score.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Driver {
    /// Kind of item.
    pub kind: DriverKind,
    /// Control id, metric name, finding id or supplier id.
    pub reference: String,
    /// Score with the item minus score without it, in points.
    pub impact: f64,
    /// The item in words.
    pub reason: String,
}

/// Score distribution of a peer group.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerGroupStats {
    /// Peer group name.
    pub peer_group: String,
    /// Number of organisations.
    pub n: usize,
    /// Lowest score.
    pub min: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// Highest score.
    pub max: f64,
}

/// How much of the portfolio depends on one supplier.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierExposure {
    /// Supplier id.
    pub id: String,
    /// Number of dependency edges into it.
    pub dependents: usize,
    /// Σ coupling over those edges: expected dependants hit if it is compromised (first order).
    pub systemic_exposure: f64,
}
