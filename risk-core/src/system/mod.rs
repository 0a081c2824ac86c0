//! # The system view: correlated incidents across groups of organisations
//!
//! A rating gives each organisation a marginal probability of a material incident; shared
//! suppliers make those incidents happen *together*. This module simulates the supply-chain
//! cascade behind the rating's fixed point (methodology section 4.2) trial by trial, and reports
//! for every group (`groups` of the input document, such as an ICB or a region) and for the
//! whole portfolio how many members are compromised at once. See docs/methodology.md, "The
//! system view", for the model, the definitions and the proof that on a dependency forest the
//! simulated marginals equal the rating's.
//!
//! One trial:
//! 1. every organisation has an internal incident with probability P_int (its rated
//!    `internal_probability`);
//! 2. an incident at a supplier reaches each dependant over its dependency edge with
//!    probability equal to the edge's coupling c_e, independently per edge and trial;
//! 3. a reached organisation is compromised and passes it on; each organisation is compromised
//!    at most once per trial (cycles included).
//!
//! Determinism: one ChaCha8 stream per chunk of [`CHUNK_TRIALS`] trials gives each trial a
//! 64-bit key; every draw of the trial is a hash of that key and the organisations involved
//! (ranked by id), so the same seed gives the same figures at any thread count, on any platform
//! and in WebAssembly, and a change to one edge leaves every other draw unchanged (common random
//! numbers: adding a dependency can only add compromised organisations in every trial).
//!
//! ```
//! use risk_core::{parse_portfolio, validate, Methodology};
//! use risk_core::system::SystemOptions;
//! let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
//!   {"id": "A", "groups": ["icb:X"], "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
//!   {"id": "B", "groups": ["icb:X"], "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
//!   {"id": "S", "attestation": {"incident_probability": 0.3}}]}"#).unwrap();
//! let prepared = validate(&doc, &Methodology::default()).unwrap();
//! let report = prepared.system(&SystemOptions { trials: 20_000, seed: 7, ..Default::default() }).unwrap();
//! let icb = report.group("icb:X").unwrap();
//! let both = icb.tail.iter().find(|t| t.k == 2).unwrap();
//! // A and B fall together through S far more often than independence says.
//! assert!(both.multiplier > 1.1);
//! ```

pub(crate) mod error;
mod simulate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::SystemError;

use crate::quant::{Distribution, LecPoint};

/// Trials per chunk: each chunk draws its trial keys from its own ChaCha8 stream.
pub const CHUNK_TRIALS: usize = 4096;

/// The most trials one simulation may run.
pub const MAX_TRIALS: u64 = 10_000_000;

/// Bound on the work one simulation may ask for: trials × (organisations + dependency edges).
pub const MAX_WORK: u64 = 200_000_000_000;

/// The most thresholds `ks`.
pub const MAX_KS: usize = 64;

/// Default number of suppliers attributed (the most systemic by first-order exposure).
pub const DEFAULT_ATTRIBUTED_SUPPLIERS: usize = 10;

/// What to simulate and report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SystemOptions {
    /// Number of trials (years), 1 to [`MAX_TRIALS`]; default 10,000.
    pub trials: u64,
    /// Seed of the random streams; default 0.
    pub seed: u64,
    /// The thresholds k of P(≥ k members compromised); default 1, 2, 3, 5, 10.
    pub ks: Vec<u32>,
    /// The k used for supplier attribution; default 3.
    pub attribution_k: u32,
    /// Suppliers to attribute (ids); default: the [`DEFAULT_ATTRIBUTED_SUPPLIERS`] with the
    /// largest systemic exposure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppliers: Option<Vec<String>>,
    /// Money: when given, each compromised member draws a loss and every group reports its loss
    /// distribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub losses: Option<LossOptions>,
}

impl Default for SystemOptions {
    fn default() -> Self {
        SystemOptions {
            trials: 10_000,
            seed: 0,
            ks: vec![1, 2, 3, 5, 10],
            attribution_k: 3,
            suppliers: None,
            losses: None,
        }
    }
}

/// Loss per compromised member (money), by peer group.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LossOptions {
    /// Loss distribution of one compromise, per peer group; overrides [`default_loss`] for the
    /// peer groups it names.
    pub peer_groups: BTreeMap<String, Distribution>,
    /// Levels of VaR/TVaR reported; default 0.95, 0.99.
    pub levels: Vec<f64>,
    /// Points of the loss exceedance curve; default 20.
    pub lec_points: usize,
}

impl Default for LossOptions {
    fn default() -> Self {
        LossOptions {
            peer_groups: BTreeMap::new(),
            levels: vec![0.95, 0.99],
            lec_points: 20,
        }
    }
}

/// The default loss of one compromise for a peer group: a lognormal whose 90% interval is
/// (low, high) in pounds. These are planning figures (documented in docs/methodology.md, "The
/// system view"), not fitted data; override them with [`LossOptions::peer_groups`].
///
/// ```
/// let d = risk_core::system::default_loss("acute");
/// assert!(matches!(d, risk_core::quant::Distribution::LognormalCi { .. }));
/// ```
pub fn default_loss(peer_group: &str) -> Distribution {
    let (low, high) = match peer_group {
        "acute" => (1.0e6, 3.0e7),
        "specialist" => (5.0e5, 2.0e7),
        "ambulance" => (5.0e5, 1.5e7),
        "mental_health" | "community" => (3.0e5, 8.0e6),
        "icb" => (1.0e5, 3.0e6),
        "supplier" => (2.0e5, 1.0e7),
        "gp_practice" => (1.0e4, 3.0e5),
        "care_provider" => (1.0e4, 2.5e5),
        _ => (5.0e4, 2.0e6),
    };
    Distribution::LognormalCi {
        low,
        high,
        confidence: 0.9,
    }
}

/// The outcome of a system simulation.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemReport {
    /// Trials run.
    pub trials: u64,
    /// Seed.
    pub seed: u64,
    /// The thresholds k reported.
    pub ks: Vec<u32>,
    /// The k of the supplier attribution.
    pub attribution_k: u32,
    /// The whole portfolio as one group (named `*`).
    pub portfolio: GroupRisk,
    /// Every group, sorted by name.
    pub groups: Vec<GroupRisk>,
    /// Every organisation, in input order: simulated marginal next to the rated probability.
    pub organisations: Vec<OrganisationMarginal>,
    /// Where this result comes from: the input document's digest, the methodology and the
    /// engine (methodology section 11), so that it can be reproduced and audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
}

impl SystemReport {
    /// One group by name (`*` for the portfolio).
    pub fn group(&self, name: &str) -> Option<&GroupRisk> {
        if name == "*" {
            return Some(&self.portfolio);
        }
        self.groups.iter().find(|g| g.group == name)
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a system report always serialises")
    }
}

/// How many members of one group are compromised together.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRisk {
    /// Group name (`*` for the portfolio).
    pub group: String,
    /// Number of members.
    pub members: usize,
    /// Simulated expected number of members compromised in a year.
    pub expected: f64,
    /// Its standard error.
    pub expected_se: f64,
    /// Σ rated P of the members (what the rating's `groups` reports).
    pub expected_rated: f64,
    /// Distribution of the number compromised: `distribution[j]` = share of trials with exactly
    /// j members compromised, j = 0 … the largest count seen.
    pub distribution: Vec<f64>,
    /// The same under independence with the simulated marginals (Poisson-binomial), j = 0 …
    /// max(ks) (the last entry is P(≥ max(ks)) when that is below the member count).
    pub distribution_independent: Vec<f64>,
    /// P(≥ k) for each k.
    pub tail: Vec<Tail>,
    /// Supplier attribution at `attribution_k`, most often compromised first.
    pub suppliers: Vec<Attribution>,
    /// Money, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub losses: Option<GroupLosses>,
}

/// P(at least k members compromised).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tail {
    /// The threshold.
    pub k: u32,
    /// Simulated P(N ≥ k).
    pub p: f64,
    /// Its standard error √(p(1−p)/trials).
    pub se: f64,
    /// P(N ≥ k) if the members were independent with their simulated marginals.
    pub p_independent: f64,
    /// P(N ≥ k) if the members were independent with their rated probabilities.
    pub p_rated_independent: f64,
    /// The correlation multiplier p / p_independent (1 when both are 0; +∞ is reported as the
    /// largest finite double when only p_independent is 0).
    pub multiplier: f64,
}

/// One supplier's part in a group's tail (trials with ≥ `attribution_k` members compromised).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// Supplier id.
    pub id: String,
    /// Share of tail trials in which the supplier was compromised.
    pub compromised_share: f64,
    /// Share of tail trials that the supplier caused: removing the members its incident reached
    /// first (itself, its dependants it compromised, theirs, … in cascade order) leaves fewer
    /// than k.
    pub caused_share: f64,
    /// Number of tail trials.
    pub tail_trials: u64,
}

/// One organisation's simulated marginal.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationMarginal {
    /// Organisation id.
    pub id: String,
    /// Share of trials in which it was compromised.
    pub simulated: f64,
    /// Its standard error.
    pub se: f64,
    /// The rated probability P (fixed point of section 4.2).
    pub rated: f64,
    /// `simulated − rated`.
    pub difference: f64,
}

/// A group's annual loss from its compromised members.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupLosses {
    /// Mean annual loss.
    pub mean: f64,
    /// VaR and TVaR at each level.
    pub measures: Vec<LossMeasure>,
    /// Loss exceedance curve (x, P(loss > x)).
    pub lec: Vec<LecPoint>,
    /// The same curve if members were compromised independently (each with its simulated
    /// marginal, the same loss draws): the gap is the fat tail the correlation creates.
    pub lec_independent: Vec<LecPoint>,
}

/// VaR and TVaR at one level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossMeasure {
    /// Level q.
    pub level: f64,
    /// Value at risk: the q-quantile of annual loss.
    pub var: f64,
    /// Tail value at risk: mean loss beyond VaR.
    pub tvar: f64,
    /// VaR if members were compromised independently.
    pub var_independent: f64,
}

/// Parse system options from JSON text (`{}` for the defaults).
///
/// # Errors
/// [`SystemError::Input`] for malformed JSON, a wrong type or an unknown field, with its path.
///
/// ```
/// let o = risk_core::system::parse_options(r#"{"trials": 500, "ks": [1, 3]}"#).unwrap();
/// assert_eq!((o.trials, o.ks.clone()), (500, vec![1, 3]));
/// let e = risk_core::system::parse_options(r#"{"trails": 5}"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("unknown_field", "trails"));
/// ```
pub fn parse_options(text: &str) -> Result<SystemOptions, SystemError> {
    Ok(crate::input::parse::from_json_text(text)?)
}

/// Check, rate and simulate a portfolio (see [`crate::Prepared::system`]).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document, [`crate::Error::System`] for bad options.
pub fn simulate(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    options: &SystemOptions,
) -> Result<SystemReport, crate::Error> {
    Ok(crate::rating::validate::validate(portfolio, methodology)?.system(options)?)
}

/// A what-if for the system view: apply `actions` to one organisation (as
/// [`crate::Prepared::what_if`]) and simulate the changed portfolio with the same options and
/// seed, so that the change in each group's tail is not noise (common random numbers).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document or action, [`crate::Error::System`] for bad
/// options.
pub fn simulate_what_if(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    organisation: &str,
    actions: &[crate::Action],
    options: &SystemOptions,
) -> Result<SystemReport, crate::Error> {
    let prepared = crate::rating::validate::validate(portfolio, methodology)?;
    prepared.system_what_if(organisation, actions, options)
}

/// The one call of the bindings: options as JSON text (`{}` for the defaults) and, for a
/// system what-if, an organisation and its actions as JSON text (as [`crate::parse_actions`]).
///
/// ```
/// use risk_core::{parse_portfolio, Methodology};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
///   {"id": "A", "groups": ["g"], "dependencies": [{"supplier": "S", "criticality": "high", "access": "admin"}]},
///   {"id": "S"}]}"#).unwrap();
/// let m = Methodology::default();
/// let base = risk_core::system::simulate_request(&doc, &m, r#"{"trials": 2000}"#, None).unwrap();
/// let hard = risk_core::system::simulate_request(&doc, &m, r#"{"trials": 2000}"#,
///     Some(("A", r#"[{"action": "set_dependency_access", "supplier": "S", "access": "none"}]"#))).unwrap();
/// assert!(hard.group("g").unwrap().expected <= base.group("g").unwrap().expected);
/// ```
///
/// # Errors
/// [`crate::Error::System`] for bad options, [`crate::Error::Input`] for a bad document,
/// organisation or action.
pub fn simulate_request(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    options: &str,
    change: Option<(&str, &str)>,
) -> Result<SystemReport, crate::Error> {
    let options = parse_options(options)?;
    match change {
        None => simulate(portfolio, methodology, &options),
        Some((organisation, actions)) => {
            let actions = crate::parse_actions(actions)?;
            simulate_what_if(portfolio, methodology, organisation, &actions, &options)
        }
    }
}

#[cfg(test)]
mod tests;
