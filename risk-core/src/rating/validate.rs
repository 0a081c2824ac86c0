//! Semantic checks of a portfolio against a methodology (section 1), producing a
//! [`Prepared`] portfolio: ids resolved to indices, severities and couplings computed, items in
//! a canonical order. A prepared portfolio can be rated many times (history, what-if, plans)
//! without parsing or checking again.

use std::collections::HashMap;

use crate::input::date::Date;
use crate::input::document::{
    Access, AssetCriticality, Assurance, Criticality, FindingKind, Organisation, Outcome, Portfolio,
};
use crate::input::limits::Limits;
use crate::methodology::Methodology;
use crate::methodology::check::is_control_id;
use crate::problem::{ErrorCode, InputError, Problems};
use crate::rating::disputes::{PDispute, check as check_dispute};

/// 2^53: the largest count accepted (every such integer is exact in an f64).
pub const MAX_COUNT: u64 = 1 << 53;

/// A checked portfolio, ready to rate.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(crate) as_of: Date,
    pub(crate) methodology: Methodology,
    pub(crate) orgs: Vec<PreparedOrg>,
    pub(crate) by_id: HashMap<String, usize>,
    /// Organisation indices sorted by id (canonical order for sums over organisations).
    pub(crate) id_order: Vec<usize>,
    /// The rating at `as_of`, computed once on first use (what-if compares against it).
    pub(crate) base: std::sync::OnceLock<std::sync::Arc<crate::PortfolioRating>>,
    /// Some item carries a dispute (section 10): rating goes through `rating::disputes`.
    pub(crate) disputed: bool,
    /// Input and methodology digests, engine version (section 11).
    pub(crate) provenance: crate::rating::provenance::Provenance,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedOrg {
    pub id: String,
    pub peer_group: String,
    pub has_attestation: bool,
    /// Prior strength k and prior mean m (section 4.1).
    pub k: f64,
    pub m: f64,
    /// Sorted by (control, assessed_on).
    pub assessments: Vec<PAssessment>,
    /// Sorted by (metric name, observed_on).
    pub metrics: Vec<PMetric>,
    /// Sorted by id.
    pub findings: Vec<PFinding>,
    /// Sorted by supplier id.
    pub deps: Vec<PDep>,
    /// Group names, as listed.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct PAssessment {
    pub control: String,
    pub factor: usize,
    pub outcome: Outcome,
    pub assurance: Assurance,
    pub assessed_on: Date,
    pub dispute: Option<PDispute>,
}

#[derive(Debug, Clone)]
pub(crate) struct PMetric {
    pub metric: String,
    pub index: usize,
    pub successes: u64,
    pub trials: u64,
    pub observed_on: Date,
    pub dispute: Option<PDispute>,
}

#[derive(Debug, Clone)]
pub(crate) struct PFinding {
    pub id: String,
    pub kind: FindingKind,
    pub factor: usize,
    pub cve: Option<String>,
    /// Severity in [0, 1].
    pub severity: f64,
    /// Where the severity came from (for reasons): Some(score) for CVSS, None for the default.
    pub cvss: Option<f64>,
    pub epss: Option<f64>,
    pub kev: bool,
    pub internet_facing: bool,
    pub criticality: AssetCriticality,
    pub first_seen: Date,
    pub resolved_on: Option<Date>,
    pub dispute: Option<PDispute>,
}

#[derive(Debug, Clone)]
pub(crate) struct PDep {
    pub supplier: usize,
    pub supplier_id: String,
    pub criticality: Criticality,
    pub access: Access,
    pub coupling: f64,
    pub dispute: Option<PDispute>,
}

/// Check a portfolio against a methodology and prepare it for rating.
///
/// Every problem is reported (up to [`crate::error::MAX_PROBLEMS`]), each with its JSON path.
///
/// ```
/// use risk_core::{parse_portfolio, validate, Methodology, ErrorCode};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
///   {"id": "A", "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}]},
///   {"id": "A"}]}"#).unwrap();
/// let err = validate(&doc, &Methodology::default()).unwrap_err();
/// let codes: Vec<_> = err.problems().iter().map(|p| (p.code, p.path.as_str())).collect();
/// assert_eq!(codes, [
///     (ErrorCode::DuplicateOrganisation, "organisations[1].id"),
///     (ErrorCode::UnknownSupplier, "organisations[0].dependencies[0].supplier"),
/// ]);
/// ```
///
/// # Errors
/// [`InputError`] listing every problem.
pub fn validate(portfolio: &Portfolio, methodology: &Methodology) -> Result<Prepared, InputError> {
    validate_with_limits(portfolio, methodology, &Limits::default())
}

/// [`validate`] with explicit resource [`Limits`] (checked first).
///
/// # Errors
/// [`InputError`] listing every limit exceeded, else every problem.
pub fn validate_with_limits(
    portfolio: &Portfolio,
    methodology: &Methodology,
    limits: &Limits,
) -> Result<Prepared, InputError> {
    limits.check(portfolio)?;
    let mut problems = Problems::default();
    let by_id = index_ids(portfolio, &mut problems);

    let mut orgs = Vec::with_capacity(portfolio.organisations.len());
    let mut cvss_cache: CvssCache<'_> = HashMap::new();
    for (i, o) in portfolio.organisations.iter().enumerate() {
        let (k, m) = org_prior(methodology, o, i, &mut problems);
        let assessments = org_assessments(methodology, o, i, &mut problems);
        let metrics = org_metrics(methodology, o, i, &mut problems);
        let findings = org_findings(methodology, o, i, &mut problems, &mut cvss_cache);
        let deps = org_dependencies(methodology, o, i, &by_id, &mut problems);
        crate::rating::groups::check(o, i, &mut problems);

        if problems.is_empty() {
            orgs.push(PreparedOrg {
                id: o.id.clone(),
                peer_group: o.peer_group.clone(),
                has_attestation: o.attestation.is_some(),
                k,
                m,
                assessments,
                metrics,
                findings,
                deps,
                groups: o.groups.clone(),
            });
        }
    }
    // Problems are collected per organisation in document order, except the id checks, which
    // come first; sort by nothing else so that the order is stable and explainable.
    problems.into_result()?;
    let disputed = orgs.iter().any(crate::rating::disputes::org_has_dispute);
    let mut id_order: Vec<usize> = (0..orgs.len()).collect();
    id_order.sort_by(|&a, &b| orgs[a].id.cmp(&orgs[b].id));
    Ok(Prepared {
        as_of: portfolio.as_of,
        methodology: methodology.clone(),
        orgs,
        by_id,
        id_order,
        base: std::sync::OnceLock::new(),
        disputed,
        provenance: crate::rating::provenance::Provenance::of(portfolio, methodology),
    })
}

/// Organisation id → index, reporting empty and duplicate ids.
fn index_ids(portfolio: &Portfolio, problems: &mut Problems) -> HashMap<String, usize> {
    let mut by_id: HashMap<String, usize> = HashMap::with_capacity(portfolio.organisations.len());
    for (i, o) in portfolio.organisations.iter().enumerate() {
        if o.id.is_empty() {
            problems.push(
                ErrorCode::EmptyId,
                || format!("organisations[{i}].id"),
                || "organisation id must not be empty".into(),
            );
        } else if by_id.contains_key(&o.id) {
            problems.push(
                ErrorCode::DuplicateOrganisation,
                || format!("organisations[{i}].id"),
                || format!("duplicate organisation id `{}`", o.id),
            );
        } else {
            by_id.insert(o.id.clone(), i);
        }
    }
    by_id
}

/// Prior strength k and prior mean m of `organisations[i]` (section 4.1).
fn org_prior(
    methodology: &Methodology,
    o: &Organisation,
    i: usize,
    problems: &mut Problems,
) -> (f64, f64) {
    let path = |rest: &str| format!("organisations[{i}].{rest}");
    let (p0, k) = match &o.attestation {
        Some(a) => {
            if let Some(p) = a.incident_probability {
                if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                    problems.push(
                        ErrorCode::InvalidProbability,
                        || path("attestation.incident_probability"),
                        || format!("{p} is not a probability in [0, 1]"),
                    );
                }
            }
            prior(
                methodology,
                a.incident_probability,
                a.dspt_status,
                a.cyber_essentials_plus,
            )
        }
        None => prior(methodology, None, Default::default(), false),
    };
    let m = prior_mean(methodology, p0);
    (k, m)
}

/// The assessments of `organisations[i]` that resolve to a factor, in canonical order.
fn org_assessments(
    methodology: &Methodology,
    o: &Organisation,
    i: usize,
    problems: &mut Problems,
) -> Vec<PAssessment> {
    let path = |rest: &str| format!("organisations[{i}].{rest}");
    let mut assessments = Vec::with_capacity(o.assessments.len());
    for (j, a) in o.assessments.iter().enumerate() {
        let dispute = a
            .dispute
            .as_ref()
            .map(|d| check_dispute(d, problems, &|| path(&format!("assessments[{j}]"))));
        if !is_control_id(&a.control) {
            problems.push(
                ErrorCode::InvalidControl,
                || path(&format!("assessments[{j}].control")),
                || {
                    format!(
                        "`{}` is not a control id of the form <objective letter><digit>.<lower-case letter>, e.g. B4.d",
                        clip(&a.control)
                    )
                },
            );
            continue;
        }
        match methodology.control_factor(&a.control) {
            Some(factor) => assessments.push(PAssessment {
                control: a.control.clone(),
                factor,
                outcome: a.outcome,
                assurance: a.assurance,
                assessed_on: a.assessed_on,
                dispute,
            }),
            None => problems.push(
                ErrorCode::UnmappedControl,
                || path(&format!("assessments[{j}].control")),
                || {
                    format!(
                        "the methodology maps no factor to the principle of `{}`",
                        a.control
                    )
                },
            ),
        }
    }
    sort_assessments(&mut assessments);
    assessments
}

/// The valid metric observations of `organisations[i]`, in canonical order.
fn org_metrics(
    methodology: &Methodology,
    o: &Organisation,
    i: usize,
    problems: &mut Problems,
) -> Vec<PMetric> {
    let path = |rest: &str| format!("organisations[{i}].{rest}");
    let mut metrics = Vec::with_capacity(o.metrics.len());
    for (j, mo) in o.metrics.iter().enumerate() {
        let dispute = mo
            .dispute
            .as_ref()
            .map(|d| check_dispute(d, problems, &|| path(&format!("metrics[{j}]"))));
        let mut ok = true;
        let index = methodology.metric_index(&mo.metric);
        if index.is_none() {
            ok = false;
            problems.push(
                ErrorCode::UnknownMetric,
                || path(&format!("metrics[{j}].metric")),
                || format!("unknown metric `{}`", clip(&mo.metric)),
            );
        }
        for (name, v) in [("successes", mo.successes), ("trials", mo.trials)] {
            if v > MAX_COUNT {
                ok = false;
                problems.push(
                    ErrorCode::InvalidCount,
                    || path(&format!("metrics[{j}].{name}")),
                    || format!("{v} is larger than 2^53"),
                );
            }
        }
        if mo.trials < 1 {
            ok = false;
            problems.push(
                ErrorCode::InvalidTrials,
                || path(&format!("metrics[{j}].trials")),
                || "trials must be at least 1".into(),
            );
        } else if mo.successes > mo.trials {
            ok = false;
            problems.push(
                ErrorCode::SuccessesExceedTrials,
                || path(&format!("metrics[{j}].successes")),
                || format!("successes ({}) exceed trials ({})", mo.successes, mo.trials),
            );
        }
        if let (true, Some(index)) = (ok, index) {
            metrics.push(PMetric {
                metric: mo.metric.clone(),
                index,
                successes: mo.successes,
                trials: mo.trials,
                observed_on: mo.observed_on,
                dispute,
            });
        }
    }
    sort_metrics(&mut metrics);
    metrics
}

/// CVSS vector → its base score or the reason it has none. Scanners repeat the same vectors
/// many times: each distinct one is scored once per portfolio.
type CvssCache<'p> = HashMap<&'p str, Result<f64, String>>;

/// The findings of `organisations[i]` with their severities, sorted by id.
fn org_findings<'p>(
    methodology: &Methodology,
    o: &'p Organisation,
    i: usize,
    problems: &mut Problems,
    cvss_cache: &mut CvssCache<'p>,
) -> Vec<PFinding> {
    let path = |rest: &str| format!("organisations[{i}].{rest}");
    let mut findings = Vec::with_capacity(o.findings.len());
    let mut finding_ids: HashMap<&str, ()> = HashMap::with_capacity(o.findings.len());
    for (j, f) in o.findings.iter().enumerate() {
        let fpath = |rest: &str| path(&format!("findings[{j}].{rest}"));
        let dispute = f
            .dispute
            .as_ref()
            .map(|d| check_dispute(d, problems, &|| path(&format!("findings[{j}]"))));
        if finding_ids.insert(f.id.as_str(), ()).is_some() {
            problems.push(
                ErrorCode::DuplicateFinding,
                || fpath("id"),
                || {
                    format!(
                        "duplicate finding id `{}` in this organisation",
                        clip(&f.id)
                    )
                },
            );
        }
        if let Some(e) = f.epss {
            if !(e.is_finite() && (0.0..=1.0).contains(&e)) {
                problems.push(
                    ErrorCode::InvalidProbability,
                    || fpath("epss"),
                    || format!("{e} is not a probability in [0, 1]"),
                );
            }
        }
        if let Some(s) = f.cvss_score {
            if !(s.is_finite() && (0.0..=10.0).contains(&s)) {
                problems.push(
                    ErrorCode::InvalidCvssScore,
                    || fpath("cvss_score"),
                    || format!("{s} is not a CVSS score in [0, 10]"),
                );
            }
        }
        let mut cvss = None;
        if let Some(v) = &f.cvss {
            // Scanners repeat the same vectors many times: score each distinct one once.
            let scored = cvss_cache
                .entry(v.as_str())
                .or_insert_with(|| crate::input::cvss::base_score(v));
            match scored {
                Ok(s) => cvss = Some(*s),
                Err(msg) => problems.push(ErrorCode::InvalidCvss, || fpath("cvss"), || msg.clone()),
            }
        }
        if let Some(r) = f.resolved_on {
            if r < f.first_seen {
                problems.push(
                    ErrorCode::ResolvedBeforeFirstSeen,
                    || fpath("resolved_on"),
                    || format!("resolved_on {r} is before first_seen {}", f.first_seen),
                );
            }
        }
        let ki = Methodology::kind_index(f.kind);
        let cvss = cvss.or(f.cvss_score);
        let severity = match cvss {
            Some(s) => s / 10.0,
            None => methodology.index().kind_severity[ki],
        };
        findings.push(PFinding {
            id: f.id.clone(),
            kind: f.kind,
            factor: methodology.index().kind_factor[ki],
            cve: f.cve.clone(),
            severity,
            cvss,
            epss: f.epss,
            kev: f.kev,
            internet_facing: f.internet_facing,
            criticality: f.asset_criticality,
            first_seen: f.first_seen,
            resolved_on: f.resolved_on,
            dispute,
        });
    }
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    findings
}

/// The dependencies of `organisations[i]` on known suppliers, with their couplings, sorted by
/// supplier id.
fn org_dependencies(
    methodology: &Methodology,
    o: &Organisation,
    i: usize,
    by_id: &HashMap<String, usize>,
    problems: &mut Problems,
) -> Vec<PDep> {
    let path = |rest: &str| format!("organisations[{i}].{rest}");
    let mut deps = Vec::with_capacity(o.dependencies.len());
    let mut suppliers: HashMap<&str, ()> = HashMap::with_capacity(o.dependencies.len());
    for (j, d) in o.dependencies.iter().enumerate() {
        let dpath = || path(&format!("dependencies[{j}].supplier"));
        let dispute = d
            .dispute
            .as_ref()
            .map(|x| check_dispute(x, problems, &|| path(&format!("dependencies[{j}]"))));
        if d.supplier == o.id {
            problems.push(ErrorCode::SelfDependency, dpath, || {
                format!("organisation `{}` cannot depend on itself", clip(&o.id))
            });
            continue;
        }
        if suppliers.insert(d.supplier.as_str(), ()).is_some() {
            problems.push(ErrorCode::DuplicateDependency, dpath, || {
                format!("supplier `{}` is listed twice", clip(&d.supplier))
            });
            continue;
        }
        match by_id.get(&d.supplier) {
            Some(&s) => deps.push(PDep {
                supplier: s,
                supplier_id: d.supplier.clone(),
                criticality: d.criticality,
                access: d.access,
                coupling: methodology.coupling(d.criticality, d.access),
                dispute,
            }),
            None => problems.push(ErrorCode::UnknownSupplier, dpath, || {
                format!("no organisation has the id `{}`", clip(&d.supplier))
            }),
        }
    }
    deps.sort_by(|a, b| a.supplier_id.cmp(&b.supplier_id));
    deps
}

/// The canonical order of an organisation's assessments: by control, then date (the engine picks
/// the counted one per control from each run, and sums in this order).
pub(crate) fn sort_assessments(v: &mut [PAssessment]) {
    v.sort_by(|a, b| (a.control.as_str(), a.assessed_on).cmp(&(b.control.as_str(), b.assessed_on)));
}

/// The canonical order of an organisation's metric observations: by metric, then date.
pub(crate) fn sort_metrics(v: &mut [PMetric]) {
    v.sort_by(|a, b| (a.metric.as_str(), a.observed_on).cmp(&(b.metric.as_str(), b.observed_on)));
}

/// Prior probability and strength (section 4.1).
pub(crate) fn prior(
    m: &Methodology,
    incident_probability: Option<f64>,
    dspt: crate::input::document::DsptStatus,
    cyber_essentials_plus: bool,
) -> (f64, f64) {
    let pr = &m.doc().priors;
    match incident_probability {
        Some(p) => (p, pr.explicit_strength),
        None => {
            let d = m.dspt_prior(dspt);
            let p = if cyber_essentials_plus {
                d.probability * pr.cyber_essentials_plus_multiplier
            } else {
                d.probability
            };
            (p, d.strength)
        }
    }
}

/// Prior mean m = 1 − (logit(P₀) − β₀)/Σw, clamped (section 4.1).
pub(crate) fn prior_mean(m: &Methodology, p0: f64) -> f64 {
    let pr = &m.doc().priors;
    let logit = crate::numeric::maths::ln(p0) - crate::numeric::maths::ln1p(-p0);
    // calibration-v1 3.6: a `prior_anchor` replaces the methodology's own β₀ and Σw here.
    let (b0, w) = match &m.doc().prior_anchor {
        Some(a) => (a.intercept, a.weight_sum),
        None => (m.doc().model.intercept, m.index().weight_sum),
    };
    let mean = 1.0 - (logit - b0) / w;
    if mean.is_nan() {
        // Only reachable with a NaN probability, which validation rejects.
        return pr.mean_min;
    }
    mean.clamp(pr.mean_min, pr.mean_max)
}

/// At most 60 characters of an id, for messages.
fn clip(s: &str) -> String {
    crate::text::clip(s, 60)
}

impl Prepared {
    /// The date the portfolio is rated at.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The methodology it was checked against.
    pub fn methodology(&self) -> &Methodology {
        &self.methodology
    }

    /// Number of organisations.
    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    /// True when there are no organisations.
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    /// Index of an organisation by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}
