//! What-if and improvement plans (methodology section 8).
//!
//! Both work on a [`Prepared`] portfolio: the document is parsed and checked once, and each
//! candidate change re-rates from the prepared form, so changes reach the organisation's
//! dependants through the supply-chain fixed point.

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::input::document::{Access, Assurance, Criticality, Outcome};
use crate::methodology::Methodology;
use crate::methodology::check::is_control_id;
use crate::problem::{ErrorCode, InputError};
use crate::rating::engine::{
    beliefs, combine, fixed_point_with, internal, score, sort_desc_with_ties, supply_probability,
};
use crate::rating::output::Rating;
use crate::rating::validate::{MAX_COUNT, PAssessment, PMetric, Prepared, PreparedOrg};

/// A change to one organisation's evidence.
///
/// In JSON: `{"action": "set_assessment", "control": "B4.d", "outcome": "achieved",
/// "assurance": "independent_audit"}`, `{"action": "resolve_finding", "finding": "F-17"}`,
/// `{"action": "set_metric", "metric": "mfa_coverage", "successes": 4500, "trials": 4500}`,
/// `{"action": "remove_dependency", "supplier": "SUP-PATH"}`,
/// `{"action": "set_dependency_access", "supplier": "SUP-PATH", "access": "data"}`,
/// `{"action": "uphold_dispute", "finding": "F-17"}`, `{"action": "reject_dispute", "control":
/// "B4.d"}` (a dispute action names its item exactly once, by `control`, `metric`, `finding` or
/// `supplier`, as the other actions do).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Replace every assessment of `control` with one dated as_of.
    SetAssessment {
        /// Control id.
        control: String,
        /// New outcome.
        outcome: Outcome,
        /// New assurance.
        assurance: Assurance,
    },
    /// Resolve a finding open at as_of, on as_of.
    ResolveFinding {
        /// Finding id.
        finding: String,
    },
    /// Replace every observation of `metric` with one dated as_of.
    SetMetric {
        /// Metric name.
        metric: String,
        /// Successes.
        successes: u64,
        /// Trials.
        trials: u64,
    },
    /// Remove every edge to `supplier`.
    RemoveDependency {
        /// Supplier id.
        supplier: String,
    },
    /// Set `access` on every edge to `supplier` (methodology v1.2): privileged access
    /// management, segmentation.
    SetDependencyAccess {
        /// Supplier id.
        supplier: String,
        /// The new access.
        access: Access,
    },
    /// Uphold, on as_of, the dispute open at as_of on the named item (every assessment of the
    /// control or observation of the metric with one): the item is then excluded.
    UpholdDispute {
        /// Control id of a disputed assessment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        control: Option<String>,
        /// Name of a disputed metric.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metric: Option<String>,
        /// Id of a disputed finding.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding: Option<String>,
        /// Supplier of a disputed dependency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supplier: Option<String>,
    },
    /// Reject, on as_of, the dispute open at as_of on the named item: the item then counts as
    /// normal and leaves the undisputed view.
    RejectDispute {
        /// Control id of a disputed assessment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        control: Option<String>,
        /// Name of a disputed metric.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metric: Option<String>,
        /// Id of a disputed finding.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding: Option<String>,
        /// Supplier of a disputed dependency.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supplier: Option<String>,
    },
}

impl Action {
    /// The supplier a dependency action names (`None` for evidence actions).
    pub fn supplier(&self) -> Option<&str> {
        match self {
            Action::RemoveDependency { supplier }
            | Action::SetDependencyAccess { supplier, .. } => Some(supplier),
            _ => None,
        }
    }

    /// The compact JSON text of the action (keys in the documented order): the tie-breaker of
    /// plans.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an action always serialises")
    }
}

/// One step down in a supplier's access (section 8): admin → network → data → none.
fn step_down(access: Access) -> Option<Access> {
    match access {
        Access::Admin => Some(Access::Network),
        Access::Network => Some(Access::Data),
        Access::Data => Some(Access::None),
        Access::None => None,
    }
}

/// The outcome of a what-if.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    /// The organisation changed.
    pub organisation: String,
    /// The actions applied, in order.
    pub actions: Vec<Action>,
    /// Its score before.
    pub score_before: f64,
    /// Its score after.
    pub score_after: f64,
    /// `score_after − score_before`.
    pub delta: f64,
    /// Its full rating after the change.
    pub rating: Rating,
    /// Other organisations whose score changed (its dependants, through the supply chain).
    pub dependants: Vec<ScoreChange>,
    /// Where this result comes from: the input document's digest, the methodology and the
    /// engine (methodology section 11), so that it can be reproduced and audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
}

/// A change of one organisation's score.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreChange {
    /// Organisation id.
    pub id: String,
    /// Score before.
    pub before: f64,
    /// Score after.
    pub after: f64,
    /// `after − before`.
    pub delta: f64,
}

/// An improvement plan: the actions that raise the score most, one at a time.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The organisation planned for.
    pub organisation: String,
    /// Its current score.
    pub score: f64,
    /// How many candidate actions were evaluated.
    pub candidates: usize,
    /// The top actions by gain, best first.
    pub steps: Vec<PlanStep>,
    /// The score reached with all steps applied together.
    pub score_with_all: f64,
    /// Where this result comes from: the input document's digest, the methodology and the
    /// engine (methodology section 11), so that it can be reproduced and audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::rating::provenance::Provenance>,
}

/// One step of a plan.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// The action.
    pub action: Action,
    /// Score gain of this action alone, in points.
    pub gain: f64,
}

/// Ids as quoted in what-if messages (an action's strings have no length limit).
fn shown(s: &str) -> String {
    crate::text::clip(s, SHOWN_CHARS)
}

/// Longest id quoted whole in a what-if error message, in characters.
const SHOWN_CHARS: usize = 200;

fn action_error(i: usize, field: &str, code: ErrorCode, message: String) -> InputError {
    InputError::single(code, format!("actions[{i}].{field}"), message)
}

/// One action being applied: the methodology, the date it takes effect (`as_of`) and its index
/// in the list (for error paths).
struct Step<'a> {
    m: &'a Methodology,
    as_of: Date,
    i: usize,
}

impl Step<'_> {
    /// `set_assessment`: the control's assessment replaced by one dated `as_of`.
    fn set_assessment(
        &self,
        org: &mut PreparedOrg,
        control: &str,
        outcome: Outcome,
        assurance: Assurance,
    ) -> Result<(), InputError> {
        let (m, as_of, i) = (self.m, self.as_of, self.i);
        if !is_control_id(control) {
            return Err(action_error(
                i,
                "control",
                ErrorCode::InvalidControl,
                format!("`{}` is not a control id such as B4.d", shown(control)),
            ));
        }
        let Some(factor) = m.control_factor(control) else {
            return Err(action_error(
                i,
                "control",
                ErrorCode::UnmappedControl,
                format!(
                    "the methodology maps no factor to the principle of `{}`",
                    shown(control)
                ),
            ));
        };
        org.assessments.retain(|x| x.control != control);
        org.assessments.push(PAssessment {
            control: control.to_owned(),
            factor,
            outcome,
            assurance,
            assessed_on: as_of,
            dispute: None,
        });
        crate::rating::validate::sort_assessments(&mut org.assessments);
        Ok(())
    }

    /// `resolve_finding`: an open finding resolved on `as_of`.
    fn resolve_finding(&self, org: &mut PreparedOrg, finding: &str) -> Result<(), InputError> {
        let (as_of, i) = (self.as_of, self.i);
        let Some(f) = org.findings.iter_mut().find(|f| f.id == finding) else {
            return Err(action_error(
                i,
                "finding",
                ErrorCode::InvalidAction,
                format!(
                    "organisation `{}` has no finding `{}`",
                    shown(&org.id),
                    shown(finding)
                ),
            ));
        };
        let open = f.first_seen <= as_of && f.resolved_on.is_none_or(|r| r > as_of);
        if open {
            f.resolved_on = Some(as_of);
        }
        Ok(())
    }

    /// `set_metric`: the metric's observations replaced by one dated `as_of`.
    fn set_metric(
        &self,
        org: &mut PreparedOrg,
        metric: &str,
        successes: u64,
        trials: u64,
    ) -> Result<(), InputError> {
        let (m, as_of, i) = (self.m, self.as_of, self.i);
        let Some(index) = m.metric_index(metric) else {
            return Err(action_error(
                i,
                "metric",
                ErrorCode::UnknownMetric,
                format!("unknown metric `{}`", shown(metric)),
            ));
        };
        for (name, v) in [("successes", successes), ("trials", trials)] {
            if v > MAX_COUNT {
                return Err(action_error(
                    i,
                    name,
                    ErrorCode::InvalidCount,
                    format!("{v} is larger than 2^53"),
                ));
            }
        }
        if trials < 1 {
            return Err(action_error(
                i,
                "trials",
                ErrorCode::InvalidTrials,
                "trials must be at least 1".into(),
            ));
        }
        if successes > trials {
            return Err(action_error(
                i,
                "successes",
                ErrorCode::SuccessesExceedTrials,
                format!("successes ({successes}) exceed trials ({trials})"),
            ));
        }
        org.metrics.retain(|x| x.metric != metric);
        org.metrics.push(PMetric {
            metric: metric.to_owned(),
            index,
            successes,
            trials,
            observed_on: as_of,
            dispute: None,
        });
        crate::rating::validate::sort_metrics(&mut org.metrics);
        Ok(())
    }

    /// `remove_dependency`.
    fn remove_dependency(&self, org: &mut PreparedOrg, supplier: &str) -> Result<(), InputError> {
        let i = self.i;
        let before = org.deps.len();
        org.deps.retain(|d| d.supplier_id != supplier);
        if org.deps.len() == before {
            return Err(action_error(
                i,
                "supplier",
                ErrorCode::InvalidAction,
                format!(
                    "organisation `{}` does not depend on `{}`",
                    shown(&org.id),
                    shown(supplier)
                ),
            ));
        }
        Ok(())
    }

    /// `set_dependency_access`: the access (and so the coupling) of a dependency changed.
    fn set_dependency_access(
        &self,
        org: &mut PreparedOrg,
        supplier: &str,
        access: Access,
    ) -> Result<(), InputError> {
        let (m, i) = (self.m, self.i);
        let mut found = false;
        for d in org.deps.iter_mut().filter(|d| d.supplier_id == supplier) {
            d.access = access;
            d.coupling = m.coupling(d.criticality, access);
            found = true;
        }
        if !found {
            return Err(action_error(
                i,
                "supplier",
                ErrorCode::InvalidAction,
                format!(
                    "organisation `{}` does not depend on `{}`",
                    shown(&org.id),
                    shown(supplier)
                ),
            ));
        }
        Ok(())
    }
}

impl Prepared {
    fn org_index(&self, organisation: &str) -> Result<usize, InputError> {
        self.index_of(organisation).ok_or_else(|| {
            InputError::single(
                ErrorCode::UnknownOrganisation,
                "organisation",
                format!("no organisation has the id `{}`", shown(organisation)),
            )
        })
    }

    /// Apply actions to a copy of one organisation.
    pub(crate) fn apply(&self, o: usize, actions: &[Action]) -> Result<PreparedOrg, InputError> {
        let m = &self.methodology;
        let as_of = self.as_of;
        let mut org = self.orgs[o].clone();
        for (i, a) in actions.iter().enumerate() {
            let step = Step { m, as_of, i };
            let org = &mut org;
            match a {
                Action::SetAssessment {
                    control,
                    outcome,
                    assurance,
                } => step.set_assessment(org, control, *outcome, *assurance)?,
                Action::ResolveFinding { finding } => step.resolve_finding(org, finding)?,
                Action::SetMetric {
                    metric,
                    successes,
                    trials,
                } => step.set_metric(org, metric, *successes, *trials)?,
                Action::UpholdDispute {
                    control,
                    metric,
                    finding,
                    supplier,
                } => crate::decision::dispute_actions::settle(
                    org,
                    i,
                    [control, metric, finding, supplier],
                    crate::DisputeStatus::Upheld,
                    as_of,
                )?,
                Action::RejectDispute {
                    control,
                    metric,
                    finding,
                    supplier,
                } => crate::decision::dispute_actions::settle(
                    org,
                    i,
                    [control, metric, finding, supplier],
                    crate::DisputeStatus::Rejected,
                    as_of,
                )?,
                Action::RemoveDependency { supplier } => step.remove_dependency(org, supplier)?,
                Action::SetDependencyAccess { supplier, access } => {
                    step.set_dependency_access(org, supplier, *access)?
                }
            }
        }
        Ok(org)
    }

    /// Apply `actions`, in order, to one organisation and re-rate the whole portfolio.
    ///
    /// ```
    /// use risk_core::{parse_portfolio, validate, Methodology, Action};
    /// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A",
    ///   "findings": [{"id": "F1", "kind": "exposed_service", "first_seen": "2025-09-01"}]}]}"#).unwrap();
    /// let prepared = validate(&doc, &Methodology::default()).unwrap();
    /// let w = prepared.what_if("A", &[Action::ResolveFinding { finding: "F1".into() }]).unwrap();
    /// assert!(w.delta > 0.0);
    /// ```
    ///
    /// # Errors
    /// [`InputError`] for an unknown organisation or an action naming something it does not
    /// have (path `actions[i].field`).
    pub fn what_if(&self, organisation: &str, actions: &[Action]) -> Result<WhatIf, InputError> {
        let o = self.org_index(organisation)?;
        let changed = self.apply(o, actions)?;
        // The unchanged rating is computed once per prepared portfolio, not per what-if.
        let before = self.rating();
        let after = self.rate_with(self.as_of, Some((o, &changed)));
        let dependants = before
            .ratings
            .iter()
            .zip(&after.ratings)
            .enumerate()
            .filter(|&(i, (b, a))| {
                i != o && (a.score - b.score).abs() > self.methodology.doc().tie_tolerance
            })
            .map(|(_, (b, a))| ScoreChange {
                id: b.id.clone(),
                before: b.score,
                after: a.score,
                delta: a.score - b.score,
            })
            .collect();
        let score_before = before.ratings[o].score;
        let rating = after
            .ratings
            .into_iter()
            .nth(o)
            .expect("same organisations");
        Ok(WhatIf {
            organisation: organisation.to_owned(),
            actions: actions.to_vec(),
            score_before,
            score_after: rating.score,
            delta: rating.score - score_before,
            rating,
            dependants,
            provenance: Some(self.provenance.clone()),
        })
    }

    /// The candidate actions of section 8 for one organisation, in canonical order.
    ///
    /// # Errors
    /// [`InputError`] for an unknown organisation.
    pub fn plan_candidates(&self, organisation: &str) -> Result<Vec<Action>, InputError> {
        if let Some(filed) = self.filed_view() {
            return filed.plan_candidates(organisation);
        }
        let o = self.org_index(organisation)?;
        let org = &self.orgs[o];
        let m = &self.methodology;
        let b = beliefs(org, self.as_of, m);
        let mut out = Vec::new();
        for it in &b.items {
            match it.kind {
                crate::DriverKind::Assessment => {
                    let a = &org.assessments[it.index];
                    if matches!(a.outcome, Outcome::PartiallyAchieved | Outcome::NotAchieved) {
                        out.push(Action::SetAssessment {
                            control: a.control.clone(),
                            outcome: Outcome::Achieved,
                            assurance: Assurance::IndependentAudit,
                        });
                    }
                }
                crate::DriverKind::Metric => {
                    let x = &org.metrics[it.index];
                    if x.successes < x.trials {
                        out.push(Action::SetMetric {
                            metric: x.metric.clone(),
                            successes: x.trials,
                            trials: x.trials,
                        });
                    }
                }
                crate::DriverKind::Finding => {
                    let f = &org.findings[it.index];
                    if f.resolved_on.is_none_or(|r| r > self.as_of) {
                        out.push(Action::ResolveFinding {
                            finding: f.id.clone(),
                        });
                    }
                }
                crate::DriverKind::Dependency => {}
            }
        }
        // Since v1.2: what a trust can act on — a step down in access for every supplier, and
        // removal only of a replaceable (low/medium-criticality) one.
        for d in &org.deps {
            if let Some(access) = step_down(d.access) {
                out.push(Action::SetDependencyAccess {
                    supplier: d.supplier_id.clone(),
                    access,
                });
            }
            if matches!(d.criticality, Criticality::Low | Criticality::Medium) {
                out.push(Action::RemoveDependency {
                    supplier: d.supplier_id.clone(),
                });
            }
        }
        Ok(out)
    }

    /// The improvement plan of section 8: every candidate's own gain, the top `k` by gain (ties
    /// by the action's compact JSON), and the score with all `k` applied together.
    ///
    /// Each candidate is evaluated from the prepared portfolio: only the organisation's own
    /// beliefs are recomputed and the supply-chain fixed point re-run; nothing is parsed or
    /// checked again.
    ///
    /// # Errors
    /// [`InputError`] for an unknown organisation.
    pub fn plan(&self, organisation: &str, k: usize) -> Result<Plan, InputError> {
        if let Some(filed) = self.filed_view() {
            // Section 10: upheld items are absent; plans are made on what counts.
            return filed.plan(organisation, k);
        }
        let o = self.org_index(organisation)?;
        let m = &self.methodology;
        let p_int: Vec<f64> = self
            .orgs
            .iter()
            .map(|org| internal(&beliefs(org, self.as_of, m), m).p)
            .collect();
        let score_of = |changed: &PreparedOrg| -> f64 {
            let mut p = p_int.clone();
            p[o] = internal(&beliefs(changed, self.as_of, m), m).p;
            let fp = fixed_point_with(self, &p, Some((o, changed)));
            score(m, combine(p[o], supply_probability(changed, &fp)))
        };
        let base = score_of(&self.orgs[o]);
        let candidates = self.plan_candidates(organisation)?;
        let mut steps: Vec<(PlanStep, String)> = candidates
            .iter()
            .map(|a| {
                let changed = self
                    .apply(o, std::slice::from_ref(a))
                    .expect("candidates are valid actions");
                let gain = score_of(&changed) - base;
                (
                    PlanStep {
                        action: a.clone(),
                        gain,
                    },
                    a.to_json(),
                )
            })
            .collect();
        sort_desc_with_ties(
            &mut steps,
            m.doc().tie_tolerance,
            |s| s.0.gain,
            |a, b| a.1.as_bytes().cmp(b.1.as_bytes()),
        );
        // At most one step per supplier: it keeps its higher-ranked candidate.
        let mut seen = std::collections::HashSet::new();
        steps.retain(|s| {
            s.0.action
                .supplier()
                .is_none_or(|id| seen.insert(id.to_owned()))
        });
        steps.truncate(k);
        let steps: Vec<PlanStep> = steps.into_iter().map(|s| s.0).collect();
        let all: Vec<Action> = steps.iter().map(|s| s.action.clone()).collect();
        let score_with_all = score_of(&self.apply(o, &all).expect("candidates are valid actions"));
        Ok(Plan {
            organisation: organisation.to_owned(),
            score: base,
            candidates: candidates.len(),
            steps,
            score_with_all,
            provenance: Some(self.provenance.clone()),
        })
    }
}

/// Check, apply and re-rate (see [`Prepared::what_if`]).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document or action.
pub fn what_if(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    organisation: &str,
    actions: &[Action],
) -> Result<WhatIf, crate::Error> {
    Ok(
        crate::rating::validate::validate(portfolio, methodology)?
            .what_if(organisation, actions)?,
    )
}

/// Check and plan (see [`Prepared::plan`]).
///
/// # Errors
/// [`crate::Error::Input`] for a bad document or an unknown organisation.
pub fn plan(
    portfolio: &crate::Portfolio,
    methodology: &crate::Methodology,
    organisation: &str,
    k: usize,
) -> Result<Plan, crate::Error> {
    Ok(crate::rating::validate::validate(portfolio, methodology)?.plan(organisation, k)?)
}

/// Parse a list of actions from JSON, with typed errors naming `actions[i].field`.
///
/// # Errors
/// [`InputError`] with code `invalid_action` for a malformed action.
pub fn parse_actions(text: &str) -> Result<Vec<Action>, InputError> {
    // serde's tagged enums also accept an array of field values; an action is an object only.
    if let Ok(values) = crate::input::parse::from_json_text::<Vec<serde_json::Value>>(text) {
        if let Some(i) = values.iter().position(|v| !v.is_object()) {
            return Err(InputError::single(
                ErrorCode::InvalidAction,
                format!("actions[{i}]"),
                "an action is a JSON object such as {\"action\": \"resolve_finding\", \"finding\": \"F-17\"}",
            ));
        }
    }
    crate::input::parse::from_json_text::<Vec<Action>>(text).map_err(|e| {
        let e = e.under("actions");
        let p = e.first();
        InputError::single(
            // Text that is not JSON (malformed, or a lone surrogate with no UTF-8 form) keeps
            // its code; a JSON value that is not an action is an invalid action.
            if matches!(
                p.code,
                ErrorCode::MalformedJson | ErrorCode::InvalidEncoding
            ) {
                p.code
            } else {
                ErrorCode::InvalidAction
            },
            p.path.clone(),
            p.message.clone(),
        )
    })
}
