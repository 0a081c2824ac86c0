//! The portfolio input document (methodology section 1).
//!
//! These are plain serde types: field names are snake_case, unknown fields are rejected, and
//! every optional field has the default the methodology states. Parse a document with
//! [`crate::parse_portfolio`] (which reports the JSON path of any problem) and check it against a
//! methodology with [`mod@crate::rating::validate`].

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::input::dispute::Dispute;

/// A portfolio: the organisations to rate and the date to rate them at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    /// The date the rating is computed for; evidence dated later is left out.
    pub as_of: Date,
    /// Every organisation, suppliers included.
    pub organisations: Vec<Organisation>,
}

/// One organisation: a trust, ICB, GP practice, care provider or supplier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Unique, non-empty identifier (an ODS code, say).
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Peer group for percentiles (`acute`, `supplier`, …); `unassigned` when absent.
    #[serde(default = "default_peer_group", deserialize_with = "null_peer_group")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub peer_group: String,
    /// Control outcome assessments (CAF / DSPT).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<Assessment>>"))]
    pub assessments: Vec<Assessment>,
    /// Coverage metrics observed as counts.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<MetricObservation>>"))]
    pub metrics: Vec<MetricObservation>,
    /// Scan and incident findings.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<Finding>>"))]
    pub findings: Vec<Finding>,
    /// Suppliers this organisation depends on.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<Dependency>>"))]
    pub dependencies: Vec<Dependency>,
    /// What is attested about an organisation we may hold no evidence on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attestation>,
    /// Groups it belongs to (`"icb:QWE"`, `"region:london"`): non-empty, none twice. The rating
    /// reports each group ([`crate::rating::groups::GroupSummary`]).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub groups: Vec<String>,
}

fn default_peer_group() -> String {
    "unassigned".to_owned()
}

/// `null` for an optional field means the field is absent (section 1).
fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn null_peer_group<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_else(default_peer_group))
}

impl Organisation {
    /// An organisation with only an id and the defaults.
    ///
    /// ```
    /// let o = risk_core::Organisation::new("RBS");
    /// assert_eq!(o.peer_group, "unassigned");
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        Organisation {
            id: id.into(),
            name: None,
            peer_group: default_peer_group(),
            assessments: Vec::new(),
            metrics: Vec::new(),
            findings: Vec::new(),
            dependencies: Vec::new(),
            attestation: None,
            groups: Vec::new(),
        }
    }
}

/// The result of assessing one control outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Control id, `<objective letter><digit>.<lower-case letter>` such as `B4.d`.
    #[cfg_attr(feature = "schema", schemars(regex(pattern = r"^[A-Z][0-9]\.[a-z]$")))]
    pub control: String,
    /// The outcome reached.
    pub outcome: Outcome,
    /// Who assessed it.
    pub assurance: Assurance,
    /// When it was assessed.
    pub assessed_on: Date,
    /// Free-text source (`DSPT 2024-25`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A dispute against this item (section 10); absent when undisputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
}

/// A control outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not achieved.
    NotAchieved,
    /// Partially achieved.
    PartiallyAchieved,
    /// Achieved.
    Achieved,
    /// Not applicable: contributes nothing.
    NotApplicable,
}

impl Outcome {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NotAchieved => "not_achieved",
            Outcome::PartiallyAchieved => "partially_achieved",
            Outcome::Achieved => "achieved",
            Outcome::NotApplicable => "not_applicable",
        }
    }
}

/// How independent an assessment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// Self-assessed.
    SelfAssessed,
    /// Peer reviewed.
    PeerReviewed,
    /// Independently audited.
    IndependentAudit,
}

impl Assurance {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::SelfAssessed => "self_assessed",
            Assurance::PeerReviewed => "peer_reviewed",
            Assurance::IndependentAudit => "independent_audit",
        }
    }
}

/// One observation of a coverage metric as successes out of trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MetricObservation {
    /// Metric name, one the methodology knows (`mfa_coverage`, …).
    pub metric: String,
    /// Successes (e.g. accounts with MFA).
    #[cfg_attr(feature = "schema", schemars(range(max = 9_007_199_254_740_992u64)))]
    pub successes: u64,
    /// Trials (e.g. accounts); at least 1.
    #[cfg_attr(
        feature = "schema",
        schemars(range(min = 1, max = 9_007_199_254_740_992u64))
    )]
    pub trials: u64,
    /// When it was observed.
    pub observed_on: Date,
    /// Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A dispute against this item (section 10); absent when undisputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
}

/// A scan or incident finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Identifier, unique within the organisation.
    pub id: String,
    /// What kind of finding it is.
    pub kind: FindingKind,
    /// CVE id, for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cve: Option<String>,
    /// CVSS v3.0, v3.1 or v4.0 vector; its base score sets the severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    /// A CVSS score 0–10 when no vector is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 10.0)))]
    pub cvss_score: Option<f64>,
    /// EPSS probability of exploitation in the next 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 1.0)))]
    pub epss: Option<f64>,
    /// Listed in the CISA Known Exploited Vulnerabilities catalogue.
    #[serde(default, deserialize_with = "null_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub kev: bool,
    /// Reachable from the internet.
    #[serde(default, deserialize_with = "null_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub internet_facing: bool,
    /// How critical the affected asset is.
    #[serde(default, deserialize_with = "null_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<AssetCriticality>"))]
    pub asset_criticality: AssetCriticality,
    /// When the finding was first seen.
    pub first_seen: Date,
    /// When it was resolved; absent while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_on: Option<Date>,
    /// Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A dispute against this item (section 10); absent when undisputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
}

/// The kind of a finding; the methodology maps each to a factor and a default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A software vulnerability.
    Vulnerability,
    /// A misconfiguration.
    Misconfiguration,
    /// A weak or broken TLS configuration.
    Tls,
    /// A service exposed to the internet that should not be.
    ExposedService,
    /// Weak email security (SPF/DKIM/DMARC).
    EmailSecurity,
    /// An observed malware infection.
    MalwareInfection,
    /// Leaked credentials.
    CredentialLeak,
}

impl FindingKind {
    /// Every kind, in declaration order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::Vulnerability,
        FindingKind::Misconfiguration,
        FindingKind::Tls,
        FindingKind::ExposedService,
        FindingKind::EmailSecurity,
        FindingKind::MalwareInfection,
        FindingKind::CredentialLeak,
    ];

    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Misconfiguration => "misconfiguration",
            FindingKind::Tls => "tls",
            FindingKind::ExposedService => "exposed_service",
            FindingKind::EmailSecurity => "email_security",
            FindingKind::MalwareInfection => "malware_infection",
            FindingKind::CredentialLeak => "credential_leak",
        }
    }
}

/// How critical an asset is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssetCriticality {
    /// Low.
    Low,
    /// Medium (the default).
    #[default]
    Medium,
    /// High.
    High,
    /// Directly supports patient care.
    Clinical,
}

impl AssetCriticality {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetCriticality::Low => "low",
            AssetCriticality::Medium => "medium",
            AssetCriticality::High => "high",
            AssetCriticality::Clinical => "clinical",
        }
    }
}

/// A dependency on a supplier (another organisation in the document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// The supplier's organisation id.
    pub supplier: String,
    /// How critical the supplied service is.
    pub criticality: Criticality,
    /// What access the supplier has.
    pub access: Access,
    /// Free-text source system (`Qualys`, `Intune`, …): outputs can be grouped by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A dispute against this item (section 10); absent when undisputed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute: Option<Dispute>,
}

/// How critical a supplied service is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Criticality {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Low => "low",
            Criticality::Medium => "medium",
            Criticality::High => "high",
            Criticality::Critical => "critical",
        }
    }
}

/// What access a supplier has to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// No access to systems or data.
    None,
    /// Holds or processes data.
    Data,
    /// Network connectivity.
    Network,
    /// Administrative access.
    Admin,
}

impl Access {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::None => "none",
            Access::Data => "data",
            Access::Network => "network",
            Access::Admin => "admin",
        }
    }
}

/// What is attested about an organisation (used for its prior).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Published DSPT status.
    #[serde(default, deserialize_with = "null_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<DsptStatus>"))]
    pub dspt_status: DsptStatus,
    /// Holds Cyber Essentials Plus.
    #[serde(default, deserialize_with = "null_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub cyber_essentials_plus: bool,
    /// A probability of a material incident in 12 months stated by someone with better knowledge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 0.0, max = 1.0)))]
    pub incident_probability: Option<f64>,
}

/// A DSPT (Data Security and Protection Toolkit) status.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DsptStatus {
    /// Standards exceeded.
    StandardsExceeded,
    /// Standards met.
    StandardsMet,
    /// Approaching standards.
    ApproachingStandards,
    /// Not published (the default).
    #[default]
    NotPublished,
}

impl DsptStatus {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            DsptStatus::StandardsExceeded => "standards_exceeded",
            DsptStatus::StandardsMet => "standards_met",
            DsptStatus::ApproachingStandards => "approaching_standards",
            DsptStatus::NotPublished => "not_published",
        }
    }
}
