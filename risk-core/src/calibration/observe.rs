//! Observations (calibration-v1 sections 2.3–2.4): the portfolio rated once per snapshot.

use crate::calibration::error::CalibrationError;
use crate::calibration::input::{CalibrationConfig, Incidents, Origin, Warning};
use crate::input::date::Date;
use crate::input::document::{Access, Criticality, Portfolio};
use crate::methodology::Methodology;
use crate::rating::engine::{beliefs, combine, fixed_point_with, internal, supply_probability};
use crate::rating::validate::Prepared;

/// H = 365 days.
pub const HORIZON_DAYS: i64 = 365;

/// One snapshot's figures for every organisation of the portfolio, under one methodology.
#[derive(Debug, Clone)]
pub(crate) struct SnapRating {
    /// Reported `probability` (recalibrated when the methodology says so).
    pub p: Vec<f64>,
    /// `internal_probability`.
    pub p_int: Vec<f64>,
    /// `supply_probability`.
    pub p_sup: Vec<f64>,
    /// Factor means, organisation-major (n_orgs × k).
    pub mu: Vec<f64>,
}

/// Rate the prepared portfolio at each date: exactly the engine's `probability`,
/// `internal_probability`, `supply_probability` and factor means, without the drivers,
/// quantiles and reasons a full rating also computes.
pub(crate) fn rate_snapshots(prep: &Prepared, dates: &[Date]) -> Vec<SnapRating> {
    let m = &prep.methodology;
    let k = m.factors().len();
    dates
        .iter()
        .map(|&t| {
            let n = prep.orgs.len();
            let mut p_int = Vec::with_capacity(n);
            let mut mu = Vec::with_capacity(n * k);
            for o in &prep.orgs {
                let b = beliefs(o, t, m);
                let int = internal(&b, m);
                p_int.push(int.p);
                for f in 0..k {
                    let (a, bb) = (b.alpha[f], b.beta[f]);
                    mu.push(a / (a + bb));
                }
            }
            let fp = fixed_point_with(prep, &p_int, None);
            let p_sup: Vec<f64> = prep
                .orgs
                .iter()
                .map(|o| supply_probability(o, &fp))
                .collect();
            let p = p_int
                .iter()
                .zip(&p_sup)
                .map(|(a, b)| m.recalibrate(combine(*a, *b)))
                .collect();
            SnapRating {
                p,
                p_int,
                p_sup,
                mu,
            }
        })
        .collect()
}

/// The material incidents of the population's organisations, by organisation and origin.
struct IncidentDates {
    /// Per organisation (index): the dates of its internal / supplier incidents, ascending.
    internal: Vec<Vec<Date>>,
    supplier: Vec<Vec<Date>>,
    /// Material incidents, and those in some observation window.
    material: usize,
    material_in_window: usize,
}

/// The material incident dates per organisation of the population (`in_pop` of its peer
/// group) and origin.
fn incident_dates(
    prep: &Prepared,
    incidents: &Incidents,
    snapshots: &[Date],
    in_pop: &dyn Fn(&str) -> bool,
) -> IncidentDates {
    let horizon_end = |t: Date| t.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
    let mut int_dates: Vec<Vec<Date>> = vec![Vec::new(); prep.orgs.len()];
    let mut sup_dates: Vec<Vec<Date>> = vec![Vec::new(); prep.orgs.len()];
    let mut material = 0;
    let mut material_in_window = 0;
    for inc in &incidents.incidents {
        if !inc.material {
            continue;
        }
        material += 1;
        let Some(&o) = prep.by_id.get(&inc.organisation) else {
            continue;
        };
        if !in_pop(&prep.orgs[o].peer_group) {
            continue;
        }
        if snapshots
            .iter()
            .any(|&t| t < inc.occurred_on && inc.occurred_on <= horizon_end(t))
        {
            material_in_window += 1;
        }
        match inc.origin {
            Origin::Internal => int_dates[o].push(inc.occurred_on),
            Origin::Supplier => sup_dates[o].push(inc.occurred_on),
        }
    }
    for v in int_dates.iter_mut().chain(sup_dates.iter_mut()) {
        v.sort();
    }
    IncidentDates {
        internal: int_dates,
        supplier: sup_dates,
        material,
        material_in_window,
    }
}

/// One observation: (organisation id, snapshot, y, y_int, y_sup, P, P_int, P_supply).
pub type Row<'a> = (&'a str, Date, bool, bool, bool, f64, f64, f64);

/// The observations of section 2.3 with the base methodology's predictions (2.4).
#[derive(Debug, Clone)]
pub struct Observations<'a> {
    pub(crate) portfolio: &'a Portfolio,
    pub(crate) config: CalibrationConfig,
    pub(crate) prep: Prepared,
    pub(crate) snapshots_given: usize,
    /// Observed snapshot dates, ascending.
    pub(crate) snapshots: Vec<Date>,
    pub(crate) population: usize,
    /// Per observation: snapshot slot and organisation index (canonical order).
    pub(crate) snap: Vec<usize>,
    pub(crate) org: Vec<usize>,
    /// Cluster of each observation: the organisation's rank in id order (canonical sums).
    pub(crate) cluster: Vec<usize>,
    pub(crate) y: Vec<bool>,
    pub(crate) y_int: Vec<bool>,
    pub(crate) y_sup: Vec<bool>,
    /// The base methodology's figures at each observed snapshot.
    pub(crate) base: Vec<SnapRating>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) incidents: usize,
    pub(crate) material: usize,
    pub(crate) material_in_window: usize,
}

impl<'a> Observations<'a> {
    /// Build the observations: check the incidents and the configuration against the
    /// portfolio, rate the portfolio once per observed snapshot under `methodology`, and
    /// record each observation's outcomes.
    ///
    /// # Errors
    /// [`crate::Error::Input`] for a portfolio the methodology rejects;
    /// [`crate::Error::Calibration`] for the errors of sections 1.1, 2.2 and
    /// `no_observations` / `prediction_out_of_range`.
    pub fn build(
        portfolio: &'a Portfolio,
        incidents: &Incidents,
        config: &CalibrationConfig,
        methodology: &Methodology,
    ) -> Result<Observations<'a>, crate::Error> {
        let prep = crate::rating::validate::validate(portfolio, methodology)?;
        let warnings = incidents.check(portfolio)?;
        config.check(portfolio)?;
        let given = config.snapshot_dates();
        let horizon_end = |t: Date| t.add_days(HORIZON_DAYS).unwrap_or(Date::MAX);
        let snapshots: Vec<Date> = given
            .iter()
            .copied()
            .filter(|&t| horizon_end(t) <= config.observed_until)
            .collect();
        // Population, in id order.
        let in_pop = |pg: &str| match &config.peer_groups {
            None => true,
            Some(g) => g.iter().any(|x| x == pg),
        };
        let mut pop: Vec<usize> = prep
            .id_order
            .iter()
            .copied()
            .filter(|&i| in_pop(&prep.orgs[i].peer_group))
            .collect();
        pop.sort_by(|a, b| prep.orgs[*a].id.as_bytes().cmp(prep.orgs[*b].id.as_bytes()));
        let population = pop.len();
        let IncidentDates {
            internal: int_dates,
            supplier: sup_dates,
            material,
            material_in_window,
        } = incident_dates(&prep, incidents, &snapshots, &in_pop);
        let hit = |dates: &[Date], t: Date| {
            let i = dates.partition_point(|&d| d <= t);
            i < dates.len() && dates[i] <= horizon_end(t)
        };
        let mut snap = Vec::new();
        let mut org = Vec::new();
        let mut cluster = Vec::new();
        let mut y = Vec::new();
        let mut y_int = Vec::new();
        let mut y_sup = Vec::new();
        for (j, &t) in snapshots.iter().enumerate() {
            for (rank, &o) in pop.iter().enumerate() {
                cluster.push(rank);
                let a = hit(&int_dates[o], t);
                let b = hit(&sup_dates[o], t);
                snap.push(j);
                org.push(o);
                y_int.push(a);
                y_sup.push(b);
                y.push(a || b);
            }
        }
        if snap.is_empty() {
            return Err(crate::calibration::CalibrationError::fit(
                "no_observations",
                "no (organisation, snapshot) pair is observed: check observed_until, the snapshots and peer_groups",
            )
            .into());
        }
        let base = rate_snapshots(&prep, &snapshots);
        for (i, (&j, &o)) in snap.iter().zip(&org).enumerate() {
            let r = &base[j];
            for v in [r.p[o], r.p_int[o]] {
                if !(v > 0.0 && v < 1.0) {
                    let _ = i;
                    return Err(CalibrationError::fit(
                        "prediction_out_of_range",
                        format!(
                            "the prediction for `{}` at {} is {v}, not strictly between 0 and 1",
                            prep.orgs[o].id, snapshots[j]
                        ),
                    )
                    .into());
                }
            }
        }
        Ok(Observations {
            portfolio,
            config: config.clone(),
            prep,
            snapshots_given: given.len(),
            snapshots,
            population,
            snap,
            org,
            cluster,
            y,
            y_int,
            y_sup,
            base,
            warnings,
            incidents: incidents.incidents.len(),
            material,
            material_in_window,
        })
    }

    /// Number of observations n.
    pub fn len(&self) -> usize {
        self.snap.len()
    }

    /// Never true for a built set (n = 0 is an error).
    pub fn is_empty(&self) -> bool {
        self.snap.is_empty()
    }

    /// The observed snapshot dates.
    pub fn snapshots(&self) -> &[Date] {
        &self.snapshots
    }

    /// The base methodology.
    pub fn methodology(&self) -> &Methodology {
        &self.prep.methodology
    }

    /// Each observation as (organisation id, snapshot, y, y_int, y_sup, P, P_int, P_supply),
    /// in canonical order.
    pub fn rows(&self) -> Vec<Row<'_>> {
        (0..self.len())
            .map(|i| {
                let (j, o) = (self.snap[i], self.org[i]);
                let r = &self.base[j];
                (
                    self.prep.orgs[o].id.as_str(),
                    self.snapshots[j],
                    self.y[i],
                    self.y_int[i],
                    self.y_sup[i],
                    r.p[o],
                    r.p_int[o],
                    r.p_sup[o],
                )
            })
            .collect()
    }

    /// Base coupling and access factor of each dependency edge of organisation `o`.
    pub(crate) fn edges(&self, o: usize) -> Vec<crate::calibration::fit::EdgeObs> {
        let sc = &self.prep.methodology.doc().supply_chain;
        self.prep.orgs[o]
            .deps
            .iter()
            .map(|d| crate::calibration::fit::EdgeObs {
                base: match d.criticality {
                    Criticality::Critical => sc.criticality.critical,
                    Criticality::High => sc.criticality.high,
                    Criticality::Medium => sc.criticality.medium,
                    Criticality::Low => sc.criticality.low,
                },
                access: match d.access {
                    Access::None => sc.access.none,
                    Access::Data => sc.access.data,
                    Access::Network => sc.access.network,
                    Access::Admin => sc.access.admin,
                },
                supplier: d.supplier,
            })
            .collect()
    }
}
