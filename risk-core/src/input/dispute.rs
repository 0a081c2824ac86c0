//! Disputes on evidence items (methodology section 10).
//!
//! Any assessment, metric observation, finding or dependency may carry a `dispute`: the rated
//! organisation (or someone on its behalf) contests the item. A dispute follows `as_of` like all
//! evidence: one raised after `as_of` is ignored, and one resolved after `as_of` is still open at
//! `as_of`. An upheld dispute removes the item from every computation; a rejected one leaves it
//! counted as normal; an open one leaves it counted, and the output also carries the rating with
//! every open-disputed item excluded (the *undisputed view*).

use serde::{Deserialize, Serialize};

use crate::input::date::Date;

/// A dispute raised against one evidence item.
///
/// ```
/// let d: risk_core::Dispute = serde_json::from_str(r#"{"status": "open", "reason": "not_ours",
///     "raised_on": "2025-09-01", "raised_by": "RBS CISO"}"#).unwrap();
/// assert_eq!(d.status, risk_core::DisputeStatus::Open);
/// assert_eq!(d.status_at("2025-08-31".parse().unwrap()), None); // not yet raised
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Dispute {
    /// Where the dispute stands as filed.
    pub status: DisputeStatus,
    /// Why the item is contested.
    pub reason: DisputeReason,
    /// When it was raised.
    pub raised_on: Date,
    /// Who raised it (free text).
    pub raised_by: String,
    /// When it was upheld or rejected: required for those, forbidden while open, not before
    /// `raised_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_on: Option<Date>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Dispute {
    /// The status in effect at `as_of`: `None` when raised after `as_of`; `Open` when resolved
    /// after `as_of`; otherwise the filed status.
    pub fn status_at(&self, as_of: Date) -> Option<DisputeStatus> {
        status_at(self.status, self.raised_on, self.resolved_on, as_of)
    }
}

/// The status in effect at `as_of` of a dispute with these fields (see [`Dispute::status_at`]).
pub(crate) fn status_at(
    status: DisputeStatus,
    raised_on: Date,
    resolved_on: Option<Date>,
    as_of: Date,
) -> Option<DisputeStatus> {
    if raised_on > as_of {
        return None;
    }
    match (status, resolved_on) {
        (DisputeStatus::Open, _) => Some(DisputeStatus::Open),
        (s, Some(r)) if r <= as_of => Some(s),
        _ => Some(DisputeStatus::Open),
    }
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Raised, not yet decided: the item counts; the undisputed view leaves it out.
    Open,
    /// Decided for the organisation: the item is excluded from every computation.
    Upheld,
    /// Decided against the organisation: the item counts as normal.
    Rejected,
}

impl DisputeStatus {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Upheld => "upheld",
            DisputeStatus::Rejected => "rejected",
        }
    }
}

/// Why an item is contested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeReason {
    /// The item belongs to another organisation (a misattributed IP range, say).
    NotOurs,
    /// A compensating control makes the item moot.
    CompensatingControl,
    /// It has been fixed.
    Fixed,
    /// The item is wrong.
    Inaccurate,
    /// Something else (see the note).
    Other,
}

impl DisputeReason {
    /// The snake_case name used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeReason::NotOurs => "not_ours",
            DisputeReason::CompensatingControl => "compensating_control",
            DisputeReason::Fixed => "fixed",
            DisputeReason::Inaccurate => "inaccurate",
            DisputeReason::Other => "other",
        }
    }
}
