//! The methodology blocks of calibration-v1 section 3.6: `prior_anchor`, `recalibration` and
//! the provenance block `calibration`. All three are optional and inert when absent: a
//! methodology without them rates exactly as methodology-v1 says.

use serde::{Deserialize, Serialize};

use crate::methodology::MethodologyDoc;
use crate::numeric::maths::{ln, ln1p, logistic};
use crate::problem::MethodologyProblem;

/// The prior anchor (β₀ᵃ, Wᵃ): section 4.1's prior mean is computed from it instead of the
/// methodology's own intercept and weight sum (calibration-v1 section 3.4).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorAnchor {
    /// β₀ᵃ.
    pub intercept: f64,
    /// Wᵃ (> 0).
    pub weight_sum: f64,
}

/// Logistic recalibration R(p) = logistic(a + b·logit p) of the reported probability.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recalibration {
    /// a.
    pub intercept: f64,
    /// b (> 0).
    pub slope: f64,
}

impl Recalibration {
    /// R(p), with R(0) = 0 and R(1) = 1.
    pub fn apply(&self, p: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        logistic(self.intercept + self.slope * (ln(p) - ln1p(-p)))
    }
}

/// One fitted parameter as recorded in the provenance block.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvenanceParameter {
    /// `intercept`, `weight.<factor>`, `coupling_scale`, `recalibration.intercept`, …
    pub name: String,
    /// The fitted value.
    pub estimate: f64,
    /// The base methodology's value.
    pub original: f64,
    /// Standard error from the observed information; `null` when it cannot be computed
    /// (e.g. a coupling scale that is not estimable).
    pub se: Option<f64>,
    /// Cluster-robust standard error (organisations as clusters); `null` when it cannot be
    /// computed.
    pub se_cluster: Option<f64>,
    /// The estimate is a boundary value.
    pub at_bound: bool,
}

/// The provenance block `calibration` of a fitted methodology (calibration-v1 section 3.6).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationProvenance {
    /// `calibration-v1`.
    pub spec: String,
    /// Id of the methodology that was calibrated.
    pub base_methodology: String,
    /// `none`, `intercept`, `recalibrate` or `refit`.
    pub level: String,
    /// `closed_test` or `config`.
    pub selected_by: String,
    /// SHA-256 of the input documents.
    pub data_digest: String,
    /// Observations.
    pub n: usize,
    /// Observations with a material incident.
    pub events: usize,
    /// Observations with an internal-origin incident.
    pub events_internal: usize,
    /// Observations with a supplier-origin incident.
    pub events_supplier: usize,
    /// Design effect D of the fit (effective events = events / D).
    #[serde(default = "one")]
    pub design_effect: f64,
    /// Observed snapshot dates.
    pub snapshots: Vec<crate::input::date::Date>,
    /// Incident recording complete up to this day.
    pub observed_until: crate::input::date::Date,
    /// The horizon, 365.
    pub horizon_days: u32,
    /// `observed_until` (no wall-clock time).
    pub date: crate::input::date::Date,
    /// The fitted parameters.
    pub parameters: Vec<ProvenanceParameter>,
}

fn one() -> f64 {
    1.0
}

impl CalibrationProvenance {
    /// The label every presentation of this methodology's figures carries.
    pub fn label(&self) -> String {
        let d = if self.design_effect.is_finite() && self.design_effect > 0.0 {
            self.design_effect
        } else {
            1.0
        };
        format!(
            "fitted to incidents: level {}, {} observations, {} events (effective {:.0}), up to {}",
            self.level,
            self.n,
            self.events,
            self.events as f64 / d,
            self.observed_until
        )
    }
}

/// The label of a methodology without a `calibration` block.
pub const EXPERT_JUDGEMENT: &str = "expert judgement — not fitted to incident data";

/// Check the blocks (called from the methodology checks).
pub(crate) fn check(doc: &MethodologyDoc, problems: &mut Vec<MethodologyProblem>) {
    let mut fail = |path: &str, message: &str| {
        problems.push(MethodologyProblem {
            path: path.to_owned(),
            message: message.to_owned(),
        })
    };
    if let Some(a) = &doc.prior_anchor {
        if !a.intercept.is_finite() {
            fail("prior_anchor.intercept", "must be a finite number");
        }
        if !(a.weight_sum.is_finite() && a.weight_sum > 0.0) {
            fail("prior_anchor.weight_sum", "must be a finite number > 0");
        }
    }
    if let Some(r) = &doc.recalibration {
        if !r.intercept.is_finite() {
            fail("recalibration.intercept", "must be a finite number");
        }
        if !(r.slope.is_finite() && r.slope > 0.0) {
            fail("recalibration.slope", "must be a finite number > 0");
        }
    }
}
