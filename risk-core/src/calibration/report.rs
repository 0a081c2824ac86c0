//! Fitting at the configured level, the closed test (3.7), the fitted methodology (3.6), the
//! validation report (4.2–4.4) and the backtest (4.3).

use serde::{Deserialize, Serialize};

use crate::calibration::error::CalibrationError;
use crate::calibration::fit::{
    CouplingData, CouplingFit, InterceptFit, Param, RecalFit, SupplierProbabilities, fit_coupling,
    fit_intercept_core, fit_recalibrate_core, fit_refit_theta, ll, logits,
};
use crate::calibration::input::{Level, Warning};
use crate::calibration::metrics::{Metrics, metrics};
use crate::calibration::observe::{HORIZON_DAYS, Observations, SnapRating, rate_snapshots};
use crate::calibration::stats::chi2_sf;
use crate::input::date::Date;
use crate::methodology::Methodology;
use crate::methodology::calibrated::{
    CalibrationProvenance, PriorAnchor, ProvenanceParameter, Recalibration,
};
use crate::numeric::maths::logistic;
use crate::rating::engine::combine;

/// Section 4.4 `design`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Design {
    /// Snapshot dates given.
    pub snapshots_given: usize,
    /// Snapshot dates with a complete outcome window.
    pub snapshots_observed: usize,
    /// Population size.
    pub organisations: usize,
    /// Incident records.
    pub incidents: usize,
    /// Material incident records.
    pub material_incidents: usize,
    /// Material incidents of the population inside some observation window.
    pub material_incidents_in_a_window: usize,
    /// n.
    pub observations: usize,
    /// Warnings about valid input.
    pub warnings: Vec<Warning>,
}

/// Effective events (events / D).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveEvents {
    /// y.
    pub overall: f64,
    /// y_int.
    pub internal: f64,
    /// y_sup.
    pub supplier: f64,
}

/// Log-likelihoods of y under each level's overall prediction.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logliks {
    /// ℓ₀ (base).
    pub original: f64,
    /// ℓ₁.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercept: Option<f64>,
    /// ℓ₂.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalibrate: Option<f64>,
    /// ℓ₃.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refit: Option<f64>,
}

/// Level `intercept`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterceptLevel {
    /// δ̂.
    pub delta: Param,
    /// ℓ₁.
    pub loglik: f64,
}

/// Level `recalibrate`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecalibrateLevel {
    /// â.
    pub a: Param,
    /// b̂.
    pub b: Param,
    /// cov(â, b̂).
    pub cov_ab: f64,
    /// ℓ₂.
    pub loglik: f64,
}

/// A fitted weight.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightParam {
    /// Factor id.
    pub factor: String,
    /// The estimate.
    #[serde(flatten)]
    pub param: Param,
}

/// Optimiser figures of the refit.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Optimiser {
    /// F(θ̂).
    pub objective: f64,
    /// Max-norm of the projected gradient at θ̂.
    pub projected_gradient: f64,
    /// ℓ of y_int under P_int(θ̂).
    pub loglik_internal: f64,
    /// τ.
    pub tau: f64,
    /// Newton iterations.
    pub iterations: usize,
}

/// Level `refit`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefitLevel {
    /// β̂₀.
    pub intercept: Param,
    /// ŵ in factor order.
    pub weights: Vec<WeightParam>,
    /// ŝ.
    pub coupling_scale: CouplingFit,
    /// Optimiser figures.
    pub optimiser: Optimiser,
    /// ℓ₃.
    pub loglik: f64,
}

/// The levels fitted.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Levels {
    /// 3.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercept: Option<InterceptLevel>,
    /// 3.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalibrate: Option<RecalibrateLevel>,
    /// 3.4–3.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refit: Option<RefitLevel>,
}

/// One step of the closed test.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedTestStep {
    /// `original`, `intercept` or `recalibrate`.
    pub against: String,
    /// 2(ℓ₃ − ℓ_x).
    pub lr: f64,
    /// lr / D.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: u32,
    /// P(χ²_df ≥ statistic).
    pub p_value: f64,
    /// p < alpha.
    pub significant: bool,
}

/// The closed test (3.7).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedTest {
    /// D.
    pub design_effect: f64,
    /// alpha.
    pub alpha: f64,
    /// The three tests, in order (each computed; the first non-significant decides).
    pub tests: Vec<ClosedTestStep>,
}

/// Section 4.4 `fit`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// The configured level.
    pub requested: Level,
    /// The chosen level.
    pub level: Level,
    /// Observations.
    pub n: usize,
    /// Events of y.
    pub events: usize,
    /// Events of y_int.
    pub events_internal: usize,
    /// Events of y_sup.
    pub events_supplier: usize,
    /// D.
    pub design_effect: f64,
    /// events / D.
    pub effective_events: EffectiveEvents,
    /// ℓ per level.
    pub loglik: Logliks,
    /// The levels fitted.
    pub levels: Levels,
    /// With `auto`.
    pub closed_test: Option<ClosedTest>,
}

/// Metrics blocks of one methodology.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Components {
    /// P_int against y_int.
    pub internal: Metrics,
    /// P_supply against y_sup where P_supply > 0.
    pub supply: Metrics,
}

/// The validation block of one methodology (4.2).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationBlock {
    /// Methodology id.
    pub methodology: String,
    /// Expert judgement or the fit it comes from (3.6's label).
    pub label: String,
    /// P against y, with bands.
    pub overall: Metrics,
    /// The components.
    pub components: Components,
}

/// `validation`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// The base methodology.
    pub original: ValidationBlock,
    /// The fitted methodology (in-sample), null when evaluating.
    pub fitted: Option<ValidationBlock>,
}

/// Training part of the backtest.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Train {
    /// Observations.
    pub n: usize,
    /// Events.
    pub events: usize,
    /// Latest training snapshot + H.
    pub last_outcome_date: Date,
    /// Training windows end on or before the split (a strictly prospective backtest).
    pub prospective: bool,
}

/// The out-of-time backtest (4.3).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The split date.
    pub split: Date,
    /// Training observations.
    pub train: Train,
    /// The fit on the training observations.
    pub fit: FitReport,
    /// The base on the test observations.
    pub original: ValidationBlock,
    /// The training-fitted methodology on the test observations.
    pub fitted: ValidationBlock,
}

/// A weight in the methodology summary.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightValue {
    /// Factor id.
    pub factor: String,
    /// Weight.
    pub weight: f64,
}

/// The fitted methodology's changed numbers (4.4 `methodology`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodologySummary {
    /// `<base>-fitted`.
    pub id: String,
    /// β₀.
    pub intercept: f64,
    /// Weights.
    pub weights: Vec<WeightValue>,
    /// Coupling bases.
    pub coupling_bases: crate::methodology::CouplingBase,
    /// The recalibration block.
    pub recalibration: Option<Recalibration>,
    /// The prior anchor.
    pub prior_anchor: Option<PriorAnchor>,
    /// The provenance block.
    pub calibration: Option<CalibrationProvenance>,
}

/// The report of calibration-v1 section 4.4.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationReport {
    /// `calibration-v1`.
    pub spec: String,
    /// SHA-256 of the inputs (2.5).
    pub data_digest: String,
    /// The observation design.
    pub design: Design,
    /// The fit (null when evaluating).
    pub fit: Option<FitReport>,
    /// The validation blocks.
    pub validation: Validation,
    /// The backtest (null without `split`).
    pub backtest: Option<Backtest>,
    /// The fitted methodology's numbers.
    pub methodology: Option<MethodologySummary>,
    /// The fitted methodology itself (not part of the JSON report).
    #[serde(skip)]
    pub fitted_methodology: Option<Methodology>,
}

impl CalibrationReport {
    /// The report as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }
}

// ----------------------------------------------------------------------------------------------

/// Suppliers' probabilities under M(s) at the fit's snapshots, from cached factor means.
struct World<'o, 'a> {
    obs: &'o Observations<'a>,
    /// P_int under θ̂ of every organisation, per slot.
    p_int: Vec<Vec<f64>>,
    /// Edges of every organisation.
    edges: Vec<Vec<crate::calibration::fit::EdgeObs>>,
}

impl SupplierProbabilities for World<'_, '_> {
    fn at_scale(&self, s: f64) -> Vec<Vec<f64>> {
        let sc = &self.obs.prep.methodology.doc().supply_chain;
        let cap = sc.max_coupling;
        let couplings: Vec<Vec<f64>> = self
            .edges
            .iter()
            .map(|es| {
                es.iter()
                    .map(|e| ((s * e.base) * e.access).min(cap))
                    .collect()
            })
            .collect();
        let active: Vec<usize> = (0..self.edges.len())
            .filter(|&o| !self.edges[o].is_empty())
            .collect();
        self.p_int
            .iter()
            .map(|p_int| {
                // The engine's Jacobi iteration (methodology-v1 4.2), couplings at scale s.
                let mut cur = p_int.clone();
                let mut next = p_int.clone();
                for _ in 0..sc.max_sweeps {
                    let mut change: f64 = 0.0;
                    for &o in &active {
                        let mut prod = 1.0;
                        for (e, c) in self.edges[o].iter().zip(&couplings[o]) {
                            prod *= 1.0 - c * cur[e.supplier];
                        }
                        let v = 1.0 - (1.0 - p_int[o]) * prod;
                        change = change.max((v - cur[o]).abs());
                        next[o] = v;
                    }
                    std::mem::swap(&mut cur, &mut next);
                    if change < sc.tolerance {
                        break;
                    }
                }
                cur
            })
            .collect()
    }
}

/// Outcome of fitting on a subset of observations.
pub(crate) struct FitOutcome {
    pub report: FitReport,
    pub methodology: Methodology,
}

fn pick<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
    idx.iter().map(|&i| v[i]).collect()
}

/// (P, P_int, P_supply) per observation.
type Preds = (Vec<f64>, Vec<f64>, Vec<f64>);

fn base_preds(obs: &Observations<'_>, idx: &[usize]) -> Preds {
    let mut p = Vec::with_capacity(idx.len());
    let mut pi = Vec::with_capacity(idx.len());
    let mut ps = Vec::with_capacity(idx.len());
    for &i in idx {
        let r = &obs.base[obs.snap[i]];
        let o = obs.org[i];
        p.push(r.p[o]);
        pi.push(r.p_int[o]);
        ps.push(r.p_sup[o]);
    }
    (p, pi, ps)
}

fn with_changes(
    base: &Methodology,
    f: impl FnOnce(&mut crate::methodology::MethodologyDoc),
) -> Result<Methodology, CalibrationError> {
    let mut doc = base.doc().clone();
    doc.id = format!("{}-fitted", base.id());
    f(&mut doc);
    Methodology::new(doc).map_err(|e| {
        CalibrationError::fit(
            "no_convergence",
            format!("the fitted numbers do not make a valid methodology: {e}"),
        )
    })
}

/// The refit's methodology for (θ̂, ŝ).
fn refit_methodology(
    base: &Methodology,
    theta: &[f64],
    s: f64,
) -> Result<Methodology, CalibrationError> {
    let anchor = match &base.doc().prior_anchor {
        Some(a) => a.clone(),
        None => PriorAnchor {
            intercept: base.doc().model.intercept,
            weight_sum: base.index().weight_sum,
        },
    };
    with_changes(base, |d| {
        d.model.intercept = theta[0];
        for (f, w) in d.factors.iter_mut().zip(&theta[1..]) {
            f.weight = *w;
        }
        let c = &mut d.supply_chain.criticality;
        c.critical *= s;
        c.high *= s;
        c.medium *= s;
        c.low *= s;
        d.prior_anchor = Some(anchor);
    })
}

fn prov_param(name: &str, p: &Param) -> ProvenanceParameter {
    ProvenanceParameter {
        name: name.to_owned(),
        estimate: p.estimate,
        original: p.original,
        se: p.se,
        se_cluster: p.se_cluster,
        at_bound: p.at_bound,
    }
}

/// Fit at the configured level on the observations `idx`.
pub(crate) fn fit_on(
    obs: &Observations<'_>,
    idx: &[usize],
    digest: &str,
) -> Result<FitOutcome, CalibrationError> {
    let base = &obs.prep.methodology;
    if base.doc().recalibration.is_some() {
        return Err(CalibrationError::fit(
            "base_has_recalibration",
            "the base methodology already carries a recalibration: calibrate the un-recalibrated model",
        ));
    }
    let requested = obs.config.level;
    let n = idx.len();
    if n == 0 {
        return Err(CalibrationError::fit("no_observations", "no observations"));
    }
    let (p, _, _) = base_preds(obs, idx);
    let y = pick(&obs.y, idx);
    let y_int = pick(&obs.y_int, idx);
    let y_sup = pick(&obs.y_sup, idx);
    let clusters = pick(&obs.cluster, idx);
    let x = logits(&p);
    let events = y.iter().filter(|&&v| v).count();
    let events_internal = y_int.iter().filter(|&&v| v).count();
    let events_supplier = y_sup.iter().filter(|&&v| v).count();
    let d_eff = match fit_intercept_core(&x, &y, &clusters) {
        Ok(f) if f.ratio.is_finite() => f.ratio.max(1.0),
        _ => 1.0,
    };
    let l0 = ll(&p, &y);
    let want = |l: Level| requested == l || requested == Level::Auto;

    let intercept = if want(Level::Intercept) {
        Some(fit_intercept_core(&x, &y, &clusters)?)
    } else {
        None
    };
    let recal = if want(Level::Recalibrate) {
        Some(fit_recalibrate_core(&x, &y, &clusters, true)?)
    } else {
        None
    };
    let refit = if want(Level::Refit) {
        Some(fit_refit(obs, idx, &y, (&y_int, &y_sup), &clusters)?)
    } else {
        None
    };

    // Choose the level.
    let loglik = Logliks {
        original: l0,
        intercept: intercept.as_ref().map(|f| f.loglik),
        recalibrate: recal.as_ref().map(|f| f.loglik),
        refit: refit.as_ref().map(|f| f.0.loglik),
    };
    let mut closed_test = None;
    let level = match requested {
        Level::Auto => {
            let (level, test) = choose_level(&loglik, d_eff, obs.config.alpha);
            closed_test = Some(test);
            level
        }
        l => l,
    };

    // The fitted methodology.
    let (methodology, parameters) = fitted_methodology(
        base,
        level,
        intercept.as_ref(),
        recal.as_ref(),
        refit.as_ref(),
    )?;
    let report = FitReport {
        requested,
        level,
        n,
        events,
        events_internal,
        events_supplier,
        design_effect: d_eff,
        effective_events: EffectiveEvents {
            overall: events as f64 / d_eff,
            internal: events_internal as f64 / d_eff,
            supplier: events_supplier as f64 / d_eff,
        },
        loglik,
        levels: Levels {
            intercept: intercept.map(|f| InterceptLevel {
                delta: f.param,
                loglik: f.loglik,
            }),
            recalibrate: recal.map(|f| RecalibrateLevel {
                a: f.a,
                b: f.b,
                cov_ab: f.cov_ab,
                loglik: f.loglik,
            }),
            refit: refit.map(|f| f.0),
        },
        closed_test,
    };
    let methodology = with_provenance(methodology, &report, (obs, idx, digest), parameters)?;
    Ok(FitOutcome {
        report,
        methodology,
    })
}

/// The fitted methodology with its calibration provenance (the level, the data, the
/// parameters fitted), checked again.
fn with_provenance(
    methodology: Methodology,
    report: &FitReport,
    (obs, idx, digest): (&Observations<'_>, &[usize], &str),
    parameters: Vec<ProvenanceParameter>,
) -> Result<Methodology, CalibrationError> {
    let mut snaps: Vec<Date> = idx.iter().map(|&i| obs.snapshots[obs.snap[i]]).collect();
    snaps.sort();
    snaps.dedup();
    let provenance = CalibrationProvenance {
        spec: "calibration-v1".into(),
        base_methodology: obs.prep.methodology.id().to_owned(),
        level: report.level.as_str().to_owned(),
        selected_by: if report.requested == Level::Auto {
            "closed_test"
        } else {
            "config"
        }
        .into(),
        data_digest: digest.to_owned(),
        n: report.n,
        events: report.events,
        events_internal: report.events_internal,
        events_supplier: report.events_supplier,
        design_effect: report.design_effect,
        snapshots: snaps,
        observed_until: obs.config.observed_until,
        horizon_days: HORIZON_DAYS as u32,
        date: obs.config.observed_until,
        parameters,
    };
    let mut doc = methodology.doc().clone();
    doc.calibration = Some(provenance);
    Methodology::new(doc).map_err(|e| {
        CalibrationError::fit("no_convergence", format!("invalid fitted methodology: {e}"))
    })
}

/// The refit level (calibration-v1 level 3): θ̂ by penalised maximum likelihood on the internal
/// events, the coupling scale on the supplier events, and the refit methodology rated at each
/// snapshot for ℓ₃. Returns the level, the refit methodology and θ̂.
fn fit_refit(
    obs: &Observations<'_>,
    idx: &[usize],
    y: &[bool],
    (y_int, y_sup): (&[bool], &[bool]),
    clusters: &[usize],
) -> Result<(RefitLevel, Methodology, Vec<f64>), CalibrationError> {
    let base = &obs.prep.methodology;
    let n = idx.len();
    let k = base.factors().len();
    let mut xs = Vec::with_capacity(n * k);
    for &i in idx {
        let r = &obs.base[obs.snap[i]];
        let o = obs.org[i];
        xs.extend(r.mu[o * k..(o + 1) * k].iter().map(|mu| 1.0 - mu));
    }
    let w0: Vec<f64> = base.factors().iter().map(|f| f.weight).collect();
    let th = fit_refit_theta(
        &xs,
        k,
        y_int,
        clusters,
        base.doc().model.intercept,
        &w0,
        obs.config.tau,
    )?;
    // Coupling scale: suppliers' P_int under θ̂ at every slot used, from cached means.
    let mut slots: Vec<usize> = idx.iter().map(|&i| obs.snap[i]).collect();
    slots.sort_unstable();
    slots.dedup();
    let n_orgs = obs.prep.orgs.len();
    let p_int_slots: Vec<Vec<f64>> = slots
        .iter()
        .map(|&j| {
            let r = &obs.base[j];
            (0..n_orgs)
                .map(|o| {
                    let mut eta = th.theta[0];
                    for f in 0..k {
                        eta += th.theta[f + 1] * (1.0 - r.mu[o * k + f]);
                    }
                    logistic(eta)
                })
                .collect()
        })
        .collect();
    let edges: Vec<Vec<crate::calibration::fit::EdgeObs>> =
        (0..n_orgs).map(|o| obs.edges(o)).collect();
    let world = World {
        obs,
        p_int: p_int_slots,
        edges,
    };
    let mut unexplained = 0;
    let mut cobs = Vec::new();
    for (pos, &i) in idx.iter().enumerate() {
        let o = obs.org[i];
        if world.edges[o].is_empty() {
            unexplained += usize::from(y_sup[pos]);
            continue;
        }
        let slot = slots.binary_search(&obs.snap[i]).unwrap_or(0);
        cobs.push((slot, world.edges[o].as_slice(), y_sup[pos], obs.cluster[i]));
    }
    let data = CouplingData {
        obs: cobs,
        cap: base.doc().supply_chain.max_coupling,
    };
    let coupling = fit_coupling(&data, &world, unexplained)?;
    let m3 = refit_methodology(base, &th.theta, coupling.param.estimate)?;
    // ℓ₃: the refit methodology as the product rates it at each snapshot.
    let prep3 = crate::rating::validate::validate(obs.portfolio, &m3).map_err(|e| {
        CalibrationError::fit(
            "no_convergence",
            format!("fitted methodology rejected: {e}"),
        )
    })?;
    let dates: Vec<Date> = slots.iter().map(|&j| obs.snapshots[j]).collect();
    let rated = rate_snapshots(&prep3, &dates);
    let p3: Vec<f64> = idx
        .iter()
        .map(|&i| {
            let slot = slots.binary_search(&obs.snap[i]).unwrap_or(0);
            rated[slot].p[obs.org[i]]
        })
        .collect();
    let l3 = ll(&p3, y);
    let weights = base
        .factors()
        .iter()
        .zip(&th.params[1..])
        .map(|(f, p)| WeightParam {
            factor: f.id.clone(),
            param: p.clone(),
        })
        .collect();
    Ok((
        RefitLevel {
            intercept: th.params[0].clone(),
            weights,
            coupling_scale: coupling,
            optimiser: Optimiser {
                objective: th.objective,
                projected_gradient: th.projected_gradient,
                loglik_internal: th.loglik_internal,
                tau: obs.config.tau,
                iterations: th.iterations,
            },
            loglik: l3,
        },
        m3,
        th.theta,
    ))
}

/// The closed test (calibration-v1): refit against each simpler level by likelihood ratio,
/// scaled by the design effect; the level chosen is the simplest the refit does not beat.
fn choose_level(lg: &Logliks, d_eff: f64, alpha: f64) -> (Level, ClosedTest) {
    let l0 = lg.original;
    let l1 = lg.intercept.unwrap_or(f64::NAN);
    let l2 = lg.recalibrate.unwrap_or(f64::NAN);
    let l3 = lg.refit.unwrap_or(f64::NAN);
    let tests: Vec<ClosedTestStep> = [
        ("original", l0, 16),
        ("intercept", l1, 15),
        ("recalibrate", l2, 14),
    ]
    .iter()
    .map(|&(against, l, df)| {
        let lr = 2.0 * (l3 - l);
        let statistic = lr / d_eff;
        let p_value = chi2_sf(statistic, df);
        ClosedTestStep {
            against: against.to_owned(),
            lr,
            statistic,
            df,
            p_value,
            significant: p_value < alpha,
        }
    })
    .collect();
    let level = if !tests[0].significant {
        Level::None
    } else if !tests[1].significant {
        Level::Intercept
    } else if !tests[2].significant {
        Level::Recalibrate
    } else {
        Level::Refit
    };
    let test = ClosedTest {
        design_effect: d_eff,
        alpha,
        tests,
    };
    (level, test)
}

/// The base methodology with the chosen level's parameters, and their provenance.
fn fitted_methodology(
    base: &Methodology,
    level: Level,
    intercept: Option<&InterceptFit>,
    recal: Option<&RecalFit>,
    refit: Option<&(RefitLevel, Methodology, Vec<f64>)>,
) -> Result<(Methodology, Vec<ProvenanceParameter>), CalibrationError> {
    let mut parameters = Vec::new();
    let methodology = match level {
        Level::Intercept => {
            let f = intercept.expect("fitted");
            parameters.push(prov_param("recalibration.intercept", &f.param));
            with_changes(base, |d| {
                d.recalibration = Some(Recalibration {
                    intercept: f.param.estimate,
                    slope: 1.0,
                })
            })?
        }
        Level::Recalibrate => {
            let f = recal.expect("fitted");
            parameters.push(prov_param("recalibration.intercept", &f.a));
            parameters.push(prov_param("recalibration.slope", &f.b));
            with_changes(base, |d| {
                d.recalibration = Some(Recalibration {
                    intercept: f.a.estimate,
                    slope: f.b.estimate,
                })
            })?
        }
        Level::Refit => {
            let (r, m, _) = refit.expect("fitted");
            parameters.push(prov_param("intercept", &r.intercept));
            for w in &r.weights {
                parameters.push(prov_param(&format!("weight.{}", w.factor), &w.param));
            }
            parameters.push(prov_param("coupling_scale", &r.coupling_scale.param));
            m.clone()
        }
        _ => with_changes(base, |_| {})?,
    };
    Ok((methodology, parameters))
}

/// The validation block of predictions (p, p_int, p_sup) of methodology `m` on `idx`.
fn block(obs: &Observations<'_>, m: &Methodology, idx: &[usize], preds: Preds) -> ValidationBlock {
    let (p, pi, ps) = preds;
    let y = pick(&obs.y, idx);
    let yi = pick(&obs.y_int, idx);
    let ys = pick(&obs.y_sup, idx);
    let cl = pick(&obs.cluster, idx);
    let sup: Vec<usize> = (0..idx.len()).filter(|&k| ps[k] > 0.0).collect();
    let ps_s = pick(&ps, &sup);
    let ys_s = pick(&ys, &sup);
    let cl_s = pick(&cl, &sup);
    ValidationBlock {
        methodology: m.id().to_owned(),
        label: m.provenance_label(),
        overall: metrics(&p, &y, &cl, Some(m)),
        components: Components {
            internal: metrics(&pi, &yi, &cl, None),
            supply: metrics(&ps_s, &ys_s, &cl_s, None),
        },
    }
}

/// Predictions of methodology `m` (rated by the product) on the observations `idx`.
fn preds_under(
    obs: &Observations<'_>,
    m: &Methodology,
    idx: &[usize],
) -> Result<Preds, crate::Error> {
    let prep = crate::rating::validate::validate(obs.portfolio, m)?;
    let mut slots: Vec<usize> = idx.iter().map(|&i| obs.snap[i]).collect();
    slots.sort_unstable();
    slots.dedup();
    let dates: Vec<Date> = slots.iter().map(|&j| obs.snapshots[j]).collect();
    let rated: Vec<SnapRating> = rate_snapshots(&prep, &dates);
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for &i in idx {
        let slot = slots.binary_search(&obs.snap[i]).unwrap_or(0);
        let r = &rated[slot];
        let o = obs.org[i];
        out.0.push(r.p[o]);
        out.1.push(r.p_int[o]);
        out.2.push(r.p_sup[o]);
    }
    Ok(out)
}

fn design(obs: &Observations<'_>) -> Design {
    Design {
        snapshots_given: obs.snapshots_given,
        snapshots_observed: obs.snapshots.len(),
        organisations: obs.population,
        incidents: obs.incidents,
        material_incidents: obs.material,
        material_incidents_in_a_window: obs.material_in_window,
        observations: obs.len(),
        warnings: obs.warnings.clone(),
    }
}

fn summary(m: &Methodology) -> MethodologySummary {
    let d = m.doc();
    MethodologySummary {
        id: d.id.clone(),
        intercept: d.model.intercept,
        weights: d
            .factors
            .iter()
            .map(|f| WeightValue {
                factor: f.id.clone(),
                weight: f.weight,
            })
            .collect(),
        coupling_bases: d.supply_chain.criticality.clone(),
        recalibration: d.recalibration.clone(),
        prior_anchor: d.prior_anchor.clone(),
        calibration: d.calibration.clone(),
    }
}

/// Fit and validate (sections 3–4): the whole report.
pub(crate) fn run_fit(
    obs: &Observations<'_>,
    digest: &str,
) -> Result<CalibrationReport, crate::Error> {
    let all: Vec<usize> = (0..obs.len()).collect();
    let base = &obs.prep.methodology;
    let fitted = fit_on(obs, &all, digest)?;
    let original = block(obs, base, &all, base_preds(obs, &all));
    let fitted_block = block(
        obs,
        &fitted.methodology,
        &all,
        preds_under(obs, &fitted.methodology, &all)?,
    );
    let backtest = match obs.config.split {
        None => None,
        Some(split) => {
            let train: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| obs.snapshots[obs.snap[i]] < split)
                .collect();
            let test: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| obs.snapshots[obs.snap[i]] >= split)
                .collect();
            if train.is_empty() || test.is_empty() {
                return Err(CalibrationError::fit(
                    "empty_split",
                    "the split leaves no training or no test observations",
                )
                .into());
            }
            let tf = fit_on(obs, &train, digest)?;
            let last = train
                .iter()
                .map(|&i| obs.snapshots[obs.snap[i]])
                .max()
                .unwrap_or(split);
            let last_outcome_date = last.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
            Some(Backtest {
                split,
                train: Train {
                    n: train.len(),
                    events: train.iter().filter(|&&i| obs.y[i]).count(),
                    last_outcome_date,
                    prospective: last_outcome_date <= split,
                },
                original: block(obs, base, &test, base_preds(obs, &test)),
                fitted: block(
                    obs,
                    &tf.methodology,
                    &test,
                    preds_under(obs, &tf.methodology, &test)?,
                ),
                fit: tf.report,
            })
        }
    };
    Ok(CalibrationReport {
        spec: "calibration-v1".into(),
        data_digest: digest.to_owned(),
        design: design(obs),
        fit: Some(fitted.report),
        validation: Validation {
            original,
            fitted: Some(fitted_block),
        },
        backtest,
        methodology: Some(summary(&fitted.methodology)),
        fitted_methodology: Some(fitted.methodology),
    })
}

/// Section 4 for the observations' own methodology alone.
pub(crate) fn run_evaluate(obs: &Observations<'_>, digest: &str) -> CalibrationReport {
    let all: Vec<usize> = (0..obs.len()).collect();
    CalibrationReport {
        spec: "calibration-v1".into(),
        data_digest: digest.to_owned(),
        design: design(obs),
        fit: None,
        validation: Validation {
            original: block(obs, &obs.prep.methodology, &all, base_preds(obs, &all)),
            fitted: None,
        },
        backtest: None,
        methodology: None,
        fitted_methodology: None,
    }
}

/// P = 1 − (1 − P_int)(1 − P_supply), exposed for tests.
#[allow(dead_code)]
pub(crate) fn overall(p_int: f64, p_sup: f64) -> f64 {
    combine(p_int, p_sup)
}
