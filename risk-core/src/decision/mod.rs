//! Decision support (section 8): what-if, improvement plans, rating history and what changed.

pub mod compare;
pub(crate) mod dispute_actions;
pub mod history;
pub mod whatif;

/// Steps in an improvement plan when the caller gives no number: the same in Rust, Python and
/// JS. Five is what a board paper or a portal card shows; ask for more explicitly.
pub const DEFAULT_PLAN_STEPS: usize = 5;

impl whatif::Action {
    /// The action's type as in JSON (`set_assessment`, `resolve_finding`, `set_metric`,
    /// `remove_dependency`, `set_dependency_access`, `uphold_dispute`, `reject_dispute`).
    ///
    /// ```
    /// let a = &risk_core::parse_actions(r#"[{"action": "resolve_finding", "finding": "F-1"}]"#).unwrap()[0];
    /// assert_eq!((a.kind(), a.target()), ("resolve_finding", "F-1"));
    /// ```
    pub fn kind(&self) -> &'static str {
        use whatif::Action as A;
        match self {
            A::SetAssessment { .. } => "set_assessment",
            A::ResolveFinding { .. } => "resolve_finding",
            A::SetMetric { .. } => "set_metric",
            A::RemoveDependency { .. } => "remove_dependency",
            A::SetDependencyAccess { .. } => "set_dependency_access",
            A::UpholdDispute { .. } => "uphold_dispute",
            A::RejectDispute { .. } => "reject_dispute",
        }
    }

    /// What the action acts on: the control, finding, metric or supplier id (for a dispute
    /// action, whichever of those it gives).
    pub fn target(&self) -> &str {
        use whatif::Action as A;
        match self {
            A::SetAssessment { control, .. } => control,
            A::ResolveFinding { finding } => finding,
            A::SetMetric { metric, .. } => metric,
            A::RemoveDependency { supplier } => supplier,
            A::SetDependencyAccess { supplier, .. } => supplier,
            A::UpholdDispute {
                control,
                metric,
                finding,
                supplier,
            }
            | A::RejectDispute {
                control,
                metric,
                finding,
                supplier,
            } => [control, metric, finding, supplier]
                .into_iter()
                .find_map(|x| x.as_deref())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::whatif::parse_actions;

    #[test]
    fn kind_is_the_json_tag() {
        let actions = parse_actions(
            r#"[{"action": "set_assessment", "control": "B4.d", "outcome": "achieved", "assurance": "self_assessed"},
                {"action": "resolve_finding", "finding": "F"},
                {"action": "set_metric", "metric": "m", "successes": 1, "trials": 1},
                {"action": "remove_dependency", "supplier": "S"},
                {"action": "set_dependency_access", "supplier": "S", "access": "data"}]"#,
        )
        .unwrap();
        for a in &actions {
            let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
            assert_eq!(v["action"], a.kind());
        }
    }
}
