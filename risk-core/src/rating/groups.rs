//! Groups of organisations (an integrated care system, a region): what the rating says about
//! them under independence. See docs/methodology.md, "Groups and the system view".
//!
//! An organisation lists its groups as strings such as `"icb:QWE"` or `"region:london"`. The
//! rating output then reports, per group, its members, the expected number of members with a
//! material incident in 12 months (Σ P) and the probability of at least one under independence
//! (1 − Π(1 − P)). The correlated answer — shared suppliers make incidents happen together — is
//! the cascade simulation of [`crate::system`].

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::input::document::Organisation;
use crate::problem::{ErrorCode, Problems};
use crate::rating::output::Rating;
use crate::rating::validate::Prepared;
use crate::text::clip;

/// One group's figures under independence (in the rating output's `groups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupSummary {
    /// The group name as written in the document (`icb:QWE`).
    pub group: String,
    /// Member ids, sorted by id (code-point order).
    pub members: Vec<String>,
    /// Σ P over the members: the expected number with a material incident in 12 months.
    pub expected_incidents: f64,
    /// 1 − Π(1 − P): the probability that at least one member has one, if incidents were
    /// independent.
    pub p_any_independent: f64,
}

/// Check one organisation's `groups`: non-empty names, none listed twice.
pub(crate) fn check(o: &Organisation, i: usize, problems: &mut Problems) {
    let mut seen: HashSet<&str> = HashSet::with_capacity(o.groups.len());
    for (j, g) in o.groups.iter().enumerate() {
        let path = || format!("organisations[{i}].groups[{j}]");
        if g.is_empty() {
            problems.push(ErrorCode::EmptyGroup, path, || {
                "a group name must not be empty".into()
            });
        } else if !seen.insert(g.as_str()) {
            problems.push(ErrorCode::DuplicateGroup, path, || {
                format!("group `{}` is listed twice", clip(g, 200))
            });
        }
    }
}

/// The per-group summaries of a rating, sorted by group name (code-point order); members and
/// sums in id order, so that the order of organisations changes nothing.
pub(crate) fn summarise(prep: &Prepared, ratings: &[Rating]) -> Vec<GroupSummary> {
    let mut by_group: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &prep.id_order {
        for g in &prep.orgs[i].groups {
            by_group.entry(g.as_str()).or_default().push(i);
        }
    }
    by_group
        .into_iter()
        .map(|(g, members)| {
            let mut sum = 0.0;
            let mut none = 1.0;
            for &i in &members {
                let p = ratings[i].probability;
                sum += p;
                none *= 1.0 - p;
            }
            GroupSummary {
                group: g.to_owned(),
                members: members.iter().map(|&i| prep.orgs[i].id.clone()).collect(),
                expected_incidents: sum,
                p_any_independent: 1.0 - none,
            }
        })
        .collect()
}
