//! Consistency checks of a methodology document, building its lookups.

use std::collections::{BTreeMap, BTreeSet};

use crate::input::document::FindingKind;
use crate::methodology::{
    FindingParams, Index, MethodologyDoc, PriorParams, ScoreParams, SlaParams, SupplyChainParams,
};
use crate::problem::MethodologyProblem;

struct Checker<'a> {
    problems: &'a mut Vec<MethodologyProblem>,
}

impl Checker<'_> {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(MethodologyProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn finite(&mut self, path: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.fail(path, format!("must be a finite number, not {v}"));
            false
        }
    }

    fn non_negative(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v < 0.0 {
            self.fail(path, format!("must be ≥ 0, not {v}"));
        }
    }

    fn positive(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v <= 0.0 {
            self.fail(path, format!("must be > 0, not {v}"));
        }
    }

    fn unit(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && !(0.0..=1.0).contains(&v) {
            self.fail(path, format!("must be in [0, 1], not {v}"));
        }
    }

    fn open_unit(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && !(v > 0.0 && v < 1.0) {
            self.fail(path, format!("must be in (0, 1), not {v}"));
        }
    }
}

/// True for `<upper-case letter><digit>.<lower-case letter>`.
pub(crate) fn is_control_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b[2] == b'.'
        && b[3].is_ascii_lowercase()
}

fn is_principle_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit()
}

/// Check `doc`, pushing every problem; return the lookups when the references resolve.
pub(crate) fn check(doc: &MethodologyDoc, problems: &mut Vec<MethodologyProblem>) -> Option<Index> {
    crate::methodology::calibrated::check(doc, problems); // calibration-v1 3.6 blocks
    let mut c = Checker { problems };
    if doc.id.trim().is_empty() {
        c.fail("id", "must not be empty");
    }
    if doc.version.trim().is_empty() {
        c.fail("version", "must not be empty");
    }
    let (factors, weight_sum) = Factors::check(&mut c, doc);
    let (principles, outcomes) = controls(&mut c, doc, &factors);
    model_and_assessments(&mut c, doc);
    let (metrics, metric_factor) = metrics(&mut c, doc, &factors);
    let (kind_factor, kind_severity) = finding_kinds(&mut c, doc, &factors);
    finding_parameters(&mut c, &doc.findings);
    priors(&mut c, &doc.priors);
    supply_chain(&mut c, &doc.supply_chain);
    score(&mut c, &doc.score);
    bands(&mut c, doc);
    remaining_parameters(&mut c, doc);

    if !c.problems.is_empty() {
        return None;
    }
    Some(Index {
        principles,
        outcomes,
        metrics,
        metric_factor,
        kind_factor,
        kind_severity,
        weight_sum,
    })
}

/// The factors' ids, resolving the references the other sections make to them.
struct Factors<'d> {
    /// Factor id → factor index.
    ix: BTreeMap<&'d str, usize>,
}

impl<'d> Factors<'d> {
    /// Check the factor list; return the id lookup and Σ w_f.
    fn check(c: &mut Checker<'_>, doc: &'d MethodologyDoc) -> (Self, f64) {
        let mut ix = BTreeMap::new();
        if doc.factors.is_empty() {
            c.fail("factors", "at least one factor is needed");
        }
        let mut weight_sum = 0.0;
        for (i, f) in doc.factors.iter().enumerate() {
            if f.id.is_empty() {
                c.fail(format!("factors[{i}].id"), "must not be empty");
            }
            if ix.insert(f.id.as_str(), i).is_some() {
                c.fail(
                    format!("factors[{i}].id"),
                    format!("duplicate factor `{}`", f.id),
                );
            }
            c.non_negative(&format!("factors[{i}].weight"), f.weight);
            weight_sum += f.weight;
        }
        if doc.factors.iter().all(|f| f.weight.is_finite())
            && weight_sum <= 0.0
            && !doc.factors.is_empty()
        {
            c.fail("factors", "the weights must not all be zero");
        }
        (Self { ix }, weight_sum)
    }

    /// The index of factor `id`, or a problem at `path` when there is none.
    fn of(&self, c: &mut Checker<'_>, path: String, id: &str) -> Option<usize> {
        let r = self.ix.get(id).copied();
        if r.is_none() {
            c.fail(path, format!("unknown factor `{id}`"));
        }
        r
    }
}

/// Principle → factor and outcome override → factor lookups.
type ControlMaps = (BTreeMap<String, usize>, BTreeMap<String, usize>);

/// The control mapping (principles, outcome overrides) and the outcome catalogue.
fn controls(c: &mut Checker<'_>, doc: &MethodologyDoc, factors: &Factors<'_>) -> ControlMaps {
    let mut principles = BTreeMap::new();
    for (p, f) in &doc.controls.principles {
        if !is_principle_id(p) {
            c.fail(
                format!("controls.principles.{p}"),
                "a principle id is an upper-case objective letter and a digit, such as `B2`",
            );
        }
        if let Some(ix) = factors.of(c, format!("controls.principles.{p}"), f) {
            principles.insert(p.clone(), ix);
        }
    }
    let mut outcomes = BTreeMap::new();
    for (o, f) in &doc.controls.outcomes {
        if !is_control_id(o) {
            c.fail(
                format!("controls.outcomes.{o}"),
                "an outcome id has the form `B4.d`",
            );
        }
        if let Some(ix) = factors.of(c, format!("controls.outcomes.{o}"), f) {
            outcomes.insert(o.clone(), ix);
        }
        // An outcome mapped on its own still belongs to its principle: the input check rejects
        // a control whose principle is not mapped, so the principle must be mapped too, or the
        // override would accept one outcome of a principle whose others are rejected.
        if is_control_id(o) && !doc.controls.principles.contains_key(&o[..2]) {
            c.fail(
                format!("controls.outcomes.{o}"),
                format!(
                    "its principle `{}` is not mapped in controls.principles",
                    &o[..2]
                ),
            );
        }
        if is_control_id(o) && !doc.controls.catalogue.iter().any(|e| e.id == *o) {
            c.fail(
                format!("controls.outcomes.{o}"),
                format!("outcome `{o}` is not in controls.catalogue"),
            );
        }
    }
    catalogue(c, doc);
    (principles, outcomes)
}

/// The outcome catalogue: well-formed, covered by the mapping, no duplicates.
fn catalogue(c: &mut Checker<'_>, doc: &MethodologyDoc) {
    let mut seen = BTreeSet::new();
    for (i, e) in doc.controls.catalogue.iter().enumerate() {
        if !is_control_id(&e.id) {
            c.fail(
                format!("controls.catalogue[{i}].id"),
                format!("`{}` is not an outcome id like `A1.a`", e.id),
            );
        } else if !doc.controls.principles.contains_key(&e.id[..2])
            && !doc.controls.outcomes.contains_key(&e.id)
        {
            c.fail(
                format!("controls.catalogue[{i}].id"),
                format!(
                    "outcome `{}` belongs to a principle the mapping does not cover",
                    e.id
                ),
            );
        }
        if !seen.insert(e.id.as_str()) {
            c.fail(
                format!("controls.catalogue[{i}].id"),
                format!("duplicate outcome `{}`", e.id),
            );
        }
    }
}

/// The model's intercept and z, and the assessment parameters.
fn model_and_assessments(c: &mut Checker<'_>, doc: &MethodologyDoc) {
    c.finite("model.intercept", doc.model.intercept);
    c.positive("model.z", doc.model.z);

    let a = &doc.assessments;
    c.positive("assessments.half_life_days", a.half_life_days);
    c.unit(
        "assessments.outcome_values.achieved",
        a.outcome_values.achieved,
    );
    c.unit(
        "assessments.outcome_values.partially_achieved",
        a.outcome_values.partially_achieved,
    );
    c.unit(
        "assessments.outcome_values.not_achieved",
        a.outcome_values.not_achieved,
    );
    let ov = &a.outcome_values;
    if ov.not_achieved > ov.partially_achieved || ov.partially_achieved > ov.achieved {
        c.fail(
            "assessments.outcome_values",
            "values must not decrease from not_achieved to partially_achieved to achieved",
        );
    }
    let s = &a.assurance_strength;
    c.positive(
        "assessments.assurance_strength.self_assessed",
        s.self_assessed,
    );
    c.positive(
        "assessments.assurance_strength.peer_reviewed",
        s.peer_reviewed,
    );
    c.positive(
        "assessments.assurance_strength.independent_audit",
        s.independent_audit,
    );
    if s.self_assessed > s.peer_reviewed || s.peer_reviewed > s.independent_audit {
        c.fail(
            "assessments.assurance_strength",
            "strengths must not decrease from self_assessed to peer_reviewed to independent_audit",
        );
    }
}

/// The metrics: metric name → index, and each metric's factor index.
fn metrics(
    c: &mut Checker<'_>,
    doc: &MethodologyDoc,
    factors: &Factors<'_>,
) -> (BTreeMap<String, usize>, Vec<usize>) {
    let mut metrics = BTreeMap::new();
    let mut metric_factor = Vec::new();
    for (i, m) in doc.metrics.iter().enumerate() {
        if m.id.is_empty() {
            c.fail(format!("metrics[{i}].id"), "must not be empty");
        }
        if metrics.insert(m.id.clone(), i).is_some() {
            c.fail(
                format!("metrics[{i}].id"),
                format!("duplicate metric `{}`", m.id),
            );
        }
        metric_factor.push(
            factors
                .of(c, format!("metrics[{i}].factor"), &m.factor)
                .unwrap_or(0),
        );
        c.positive(&format!("metrics[{i}].cap"), m.cap);
        c.positive(&format!("metrics[{i}].half_life_days"), m.half_life_days);
    }
    (metrics, metric_factor)
}

/// The finding kinds: each kind's factor index and default severity (FindingKind::ALL order).
fn finding_kinds(
    c: &mut Checker<'_>,
    doc: &MethodologyDoc,
    factors: &Factors<'_>,
) -> ([usize; 7], [f64; 7]) {
    let mut kind_factor = [usize::MAX; 7];
    let mut kind_severity = [0.0; 7];
    for (i, k) in doc.findings.kinds.iter().enumerate() {
        let ix = FindingKind::ALL
            .iter()
            .position(|&x| x == k.kind)
            .unwrap_or(0);
        if kind_factor[ix] != usize::MAX {
            c.fail(
                format!("findings.kinds[{i}].kind"),
                format!("kind `{}` listed twice", k.kind.as_str()),
            );
        }
        kind_factor[ix] = factors
            .of(c, format!("findings.kinds[{i}].factor"), &k.factor)
            .unwrap_or(0);
        c.unit(
            &format!("findings.kinds[{i}].default_severity"),
            k.default_severity,
        );
        kind_severity[ix] = k.default_severity;
    }
    for (ix, kind) in FindingKind::ALL.iter().enumerate() {
        if kind_factor[ix] == usize::MAX {
            c.fail(
                "findings.kinds",
                format!("kind `{}` is not mapped", kind.as_str()),
            );
        }
    }
    (kind_factor, kind_severity)
}

/// The finding parameters other than the kinds: multipliers, criticality weights, SLA, credits.
fn finding_parameters(c: &mut Checker<'_>, fp: &FindingParams) {
    c.non_negative("findings.kev_multiplier", fp.kev_multiplier);
    c.non_negative("findings.epss_multiplier", fp.epss_multiplier);
    if c.finite(
        "findings.internet_facing_exposure",
        fp.internet_facing_exposure,
    ) && fp.internet_facing_exposure < 1.0
    {
        c.fail(
            "findings.internet_facing_exposure",
            "must be ≥ 1 (exposure never helps)",
        );
    }
    let cw = &fp.asset_criticality;
    for (name, v) in [
        ("low", cw.low),
        ("medium", cw.medium),
        ("high", cw.high),
        ("clinical", cw.clinical),
    ] {
        c.positive(&format!("findings.asset_criticality.{name}"), v);
    }
    if [cw.low, cw.medium, cw.high, cw.clinical]
        .iter()
        .all(|v| v.is_finite())
        && !(cw.low <= cw.medium && cw.medium <= cw.high && cw.high <= cw.clinical)
    {
        c.fail(
            "findings.asset_criticality",
            "weights must not decrease from low to clinical",
        );
    }
    sla(c, &fp.sla);
    c.non_negative("findings.open_weight", fp.open_weight);
    c.non_negative("findings.max_overdue", fp.max_overdue);
    c.positive(
        "findings.resolved_half_life_days",
        fp.resolved_half_life_days,
    );
    c.non_negative("findings.timely_fix_credit", fp.timely_fix_credit);
    c.non_negative("findings.late_fix_penalty", fp.late_fix_penalty);
}

/// The remediation deadlines and the severities that select them.
fn sla(c: &mut Checker<'_>, sla: &SlaParams) {
    c.positive("findings.sla.urgent_days", sla.urgent_days);
    c.positive("findings.sla.high_days", sla.high_days);
    c.positive("findings.sla.default_days", sla.default_days);
    c.unit("findings.sla.urgent_severity", sla.urgent_severity);
    c.unit("findings.sla.high_severity", sla.high_severity);
    if [sla.urgent_days, sla.high_days, sla.default_days]
        .iter()
        .all(|v| v.is_finite())
        && !(sla.urgent_days <= sla.high_days && sla.high_days <= sla.default_days)
    {
        c.fail(
            "findings.sla",
            "deadlines must not shorten from urgent to high to default",
        );
    }
    if sla.high_severity > sla.urgent_severity {
        c.fail(
            "findings.sla.high_severity",
            "must not exceed urgent_severity",
        );
    }
}

/// The priors: explicit strength, DSPT status priors, the Cyber Essentials Plus multiplier and
/// the mean's clamp.
fn priors(c: &mut Checker<'_>, pr: &PriorParams) {
    c.positive("priors.explicit_strength", pr.explicit_strength);
    for (name, p) in [
        ("standards_exceeded", &pr.dspt.standards_exceeded),
        ("standards_met", &pr.dspt.standards_met),
        ("approaching_standards", &pr.dspt.approaching_standards),
        ("not_published", &pr.dspt.not_published),
    ] {
        // 0 and 1 are certainties no evidence could move (logit ±∞): not priors.
        c.open_unit(&format!("priors.dspt.{name}.probability"), p.probability);
        c.positive(&format!("priors.dspt.{name}.strength"), p.strength);
    }
    let d = &pr.dspt;
    let probabilities = [
        d.standards_exceeded.probability,
        d.standards_met.probability,
        d.approaching_standards.probability,
        d.not_published.probability,
    ];
    if probabilities.iter().all(|v| v.is_finite()) && probabilities.windows(2).any(|w| w[0] > w[1])
    {
        c.fail(
            "priors.dspt",
            "prior probabilities must not fall from standards_exceeded to standards_met to \
             approaching_standards to not_published (a better status never raises the prior)",
        );
    }
    let cep = pr.cyber_essentials_plus_multiplier;
    if c.finite("priors.cyber_essentials_plus_multiplier", cep) && !(cep > 0.0 && cep <= 1.0) {
        c.fail(
            "priors.cyber_essentials_plus_multiplier",
            format!("must be in (0, 1], not {cep}"),
        );
    }
    c.open_unit("priors.mean_min", pr.mean_min);
    c.open_unit("priors.mean_max", pr.mean_max);
    if pr.mean_min >= pr.mean_max {
        c.fail("priors.mean_min", "must be below priors.mean_max");
    }
}

/// The supply-chain couplings, the coupling cap and the propagation's convergence settings.
fn supply_chain(c: &mut Checker<'_>, sc: &SupplyChainParams) {
    for (name, v) in [
        ("criticality.critical", sc.criticality.critical),
        ("criticality.high", sc.criticality.high),
        ("criticality.medium", sc.criticality.medium),
        ("criticality.low", sc.criticality.low),
        ("access.none", sc.access.none),
        ("access.data", sc.access.data),
        ("access.network", sc.access.network),
        ("access.admin", sc.access.admin),
    ] {
        c.non_negative(&format!("supply_chain.{name}"), v);
    }
    let cb = &sc.criticality;
    if [cb.critical, cb.high, cb.medium, cb.low]
        .iter()
        .all(|v| v.is_finite())
        && !(cb.low <= cb.medium && cb.medium <= cb.high && cb.high <= cb.critical)
    {
        c.fail(
            "supply_chain.criticality",
            "couplings must not decrease from low to medium to high to critical",
        );
    }
    if sc.max_coupling.is_finite() && !(0.0..1.0).contains(&sc.max_coupling) {
        c.fail(
            "supply_chain.max_coupling",
            format!("must be in [0, 1), not {}", sc.max_coupling),
        );
    } else {
        c.finite("supply_chain.max_coupling", sc.max_coupling);
    }
    c.positive("supply_chain.tolerance", sc.tolerance);
    if sc.max_sweeps == 0 {
        c.fail("supply_chain.max_sweeps", "must be at least 1");
    }
}

/// The score scale: anchor, odds-halving points and range.
fn score(c: &mut Checker<'_>, sp: &ScoreParams) {
    c.finite("score.anchor_score", sp.anchor_score);
    c.open_unit("score.anchor_probability", sp.anchor_probability);
    c.positive("score.points_to_halve_odds", sp.points_to_halve_odds);
    c.finite("score.min", sp.min);
    c.finite("score.max", sp.max);
    if sp.min >= sp.max {
        c.fail("score.min", "must be below score.max");
    }
    if sp.anchor_score.is_finite()
        && sp.min < sp.max
        && !(sp.min..=sp.max).contains(&sp.anchor_score)
    {
        c.fail(
            "score.anchor_score",
            format!(
                "must lie in [score.min, score.max] = [{}, {}]",
                sp.min, sp.max
            ),
        );
    }
}

/// The bands: labelled, unique, best first with falling lower bounds inside the score range,
/// the last one unbounded below.
fn bands(c: &mut Checker<'_>, doc: &MethodologyDoc) {
    let sp = &doc.score;
    if doc.bands.is_empty() {
        c.fail("bands", "at least one band is needed");
    }
    let mut last = f64::INFINITY;
    let mut labels = BTreeSet::new();
    for (i, b) in doc.bands.iter().enumerate() {
        if b.band.is_empty() {
            c.fail(format!("bands[{i}].band"), "must not be empty");
        } else if !labels.insert(b.band.as_str()) {
            c.fail(
                format!("bands[{i}].band"),
                format!("duplicate band `{}`", b.band),
            );
        }
        let is_last = i + 1 == doc.bands.len();
        match (b.min_score, is_last) {
            (None, true) => {}
            (None, false) => c.fail(
                format!("bands[{i}].min_score"),
                "only the last band may have no lower bound",
            ),
            (Some(_), true) => c.fail(
                format!("bands[{i}].min_score"),
                "the last band must have no lower bound (null)",
            ),
            (Some(v), false) => {
                if c.finite(&format!("bands[{i}].min_score"), v) {
                    if v >= last {
                        c.fail(
                            format!("bands[{i}].min_score"),
                            "bands must be listed best first with falling lower bounds",
                        );
                    } else if sp.min < sp.max && !(v > sp.min && v <= sp.max) {
                        // Above score.max the band is never reached; at or below score.min
                        // every later band is never reached.
                        c.fail(
                            format!("bands[{i}].min_score"),
                            format!(
                                "must lie in (score.min, score.max] = ({}, {}]",
                                sp.min, sp.max
                            ),
                        );
                    }
                    last = v;
                }
            }
        }
    }
}

/// Coverage saturation, factor quantiles, driver threshold, tie tolerance and freshness.
fn remaining_parameters(c: &mut Checker<'_>, doc: &MethodologyDoc) {
    c.positive("coverage_saturation", doc.coverage_saturation);
    let [q0, q1] = doc.factor_quantiles;
    c.open_unit("factor_quantiles[0]", q0);
    c.open_unit("factor_quantiles[1]", q1);
    if q0 >= q1 {
        c.fail(
            "factor_quantiles",
            "the lower quantile must be below the upper",
        );
    }
    c.non_negative("drivers.min_impact", doc.drivers.min_impact);
    c.non_negative("tie_tolerance", doc.tie_tolerance);
    c.non_negative("freshness.stale_after_days", doc.freshness.stale_after_days);
}
