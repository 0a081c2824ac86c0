//! The Monte Carlo engine: deterministic, chunked, one generator per (scenario, chunk), seeded
//! from the ChaCha8 stream of that (scenario, chunk).

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::distribution::{Sampler, Support};
use super::error::QuantError;
use super::random::Gen;
use super::results::{Losses, OrganisationLosses, ScenarioLosses, Simulation};
use super::scenario::{Frequency, Mode, RatingLink, Scenario, SimulationInput, validate};

/// Trials per chunk. Each chunk of each scenario draws from its own xoshiro256++ generator seeded
/// by its own ChaCha8 stream
/// (`stream = scenario_index · 2³² + chunk_index` of the ChaCha8 key that
/// `ChaCha8Rng::seed_from_u64(seed)` sets), so results depend only on the seed and the document,
/// never on how chunks are scheduled, and adding a scenario leaves the others' draws unchanged.
pub const CHUNK_TRIALS: usize = 8192;

/// logit(1e-12): the clamp of rating logits.
const LOGIT_CLAMP: f64 = 27.631_021_115_928_547;

/// Run a simulation with the rating figures given in the document (`ratings`).
///
/// # Errors
/// Any [`QuantError`] from [`validate`].
///
/// ```
/// use risk_core::quant::{parse_simulation_input, simulate};
/// let input = parse_simulation_input(r#"{"trials": 20000, "seed": 1, "scenarios": [
///   {"name": "outage", "frequency": {"lef": 0.5}, "primary_loss": 1000}]}"#).unwrap();
/// let sim = simulate(&input).unwrap();
/// // Poisson(0.5) events a year at £1,000 each: mean £500.
/// assert!((sim.total.mean() - 500.0).abs() < 4.0 * sim.total.standard_error());
/// assert!(sim.total.values().iter().all(|x| x % 1000.0 == 0.0));
/// ```
pub fn simulate(input: &SimulationInput) -> Result<Simulation, QuantError> {
    simulate_inner(input, &input.ratings)
}

/// Run a simulation with rating figures supplied by the caller (e.g. from a portfolio rating),
/// which take precedence over those in the document for the same organisation id.
///
/// # Errors
/// Any [`QuantError`] from [`validate`].
///
/// ```
/// use std::collections::BTreeMap;
/// use risk_core::quant::{parse_simulation_input_unchecked, simulate_with_ratings, RatingLink};
/// let input = parse_simulation_input_unchecked(r#"{"trials": 1000, "scenarios": [
///   {"name": "breach", "frequency": {"from_rating": "RBS"}, "primary_loss": 1e6}]}"#).unwrap();
/// let ratings = BTreeMap::from([("RBS".to_string(),
///     RatingLink { probability: 0.084, probability_interval: [0.051, 0.137] })]);
/// let sim = simulate_with_ratings(&input, &ratings).unwrap();
/// assert_eq!(sim.organisations[0].id, "RBS");
/// ```
pub fn simulate_with_ratings(
    input: &SimulationInput,
    ratings: &BTreeMap<String, RatingLink>,
) -> Result<Simulation, QuantError> {
    if input.ratings.is_empty() {
        return simulate_inner(input, ratings);
    }
    let mut merged = input.ratings.clone();
    merged.extend(ratings.iter().map(|(k, v)| (k.clone(), *v)));
    simulate_inner(input, &merged)
}

/// Run a simulation whose `from_rating` frequencies take their figures from a portfolio
/// rating (those in the document's `ratings` are overridden for the same id).
///
/// # Errors
/// Any [`QuantError`] from [`validate`], e.g. [`QuantError::UnknownOrganisation`] for an id the
/// rating does not have.
///
/// ```
/// use risk_core::{parse_portfolio, rate, Methodology};
/// use risk_core::quant::{parse_simulation_input_unchecked, simulate_with_portfolio_rating};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
///   {"id": "RBS", "peer_group": "acute"}]}"#).unwrap();
/// let rating = rate(&doc, &Methodology::default()).unwrap();
/// let input = parse_simulation_input_unchecked(r#"{"trials": 1000, "scenarios": [
///   {"name": "breach", "frequency": {"from_rating": "RBS"}, "primary_loss": 2e6}]}"#).unwrap();
/// let sim = simulate_with_portfolio_rating(&input, &rating).unwrap();
/// assert_eq!(sim.organisation("RBS").unwrap().scenarios, vec!["breach"]);
/// ```
pub fn simulate_with_portfolio_rating(
    input: &SimulationInput,
    rating: &crate::PortfolioRating,
) -> Result<Simulation, QuantError> {
    simulate_with_ratings(input, &RatingLink::from_portfolio(rating))
}

/// `input` with the rating figures [`simulate_with_portfolio_rating`] would use in its
/// `ratings` (those of `rating`, over the document's own for the same id), so that
/// [`simulate`]`(&rated_input(input, Some(rating)))` equals
/// `simulate_with_portfolio_rating(input, rating)` bit for bit. The result is a self-contained
/// document: it can be serialised and sent where the rating is not (Spark executors, with
/// [`simulate_scenarios`]).
///
/// ```
/// use risk_core::{parse_portfolio, rate, Methodology};
/// use risk_core::quant::{parse_simulation_input_unchecked, rated_input, simulate, simulate_rated};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "RBS"}]}"#).unwrap();
/// let rating = rate(&doc, &Methodology::default()).unwrap();
/// let input = parse_simulation_input_unchecked(r#"{"trials": 1000, "scenarios": [
///   {"name": "breach", "frequency": {"from_rating": "RBS"}, "primary_loss": 2e6}]}"#).unwrap();
/// let rated = rated_input(&input, Some(&rating));
/// assert_eq!(simulate(&rated).unwrap(), simulate_rated(&input, Some(&rating)).unwrap());
/// ```
pub fn rated_input(
    input: &SimulationInput,
    rating: Option<&crate::PortfolioRating>,
) -> SimulationInput {
    let mut out = input.clone();
    if let Some(r) = rating {
        out.ratings.extend(RatingLink::from_portfolio(r));
    }
    out
}

/// The annual losses of some of the scenarios of [`simulate`]`(input)`: for each position in
/// `indices` (into `input.scenarios`, in the order given), that scenario's losses per trial,
/// drawn from the same (scenario, chunk) streams as in the whole run, so each equals the whole
/// run's `scenarios[i].losses` bit for bit. Runs over disjoint subsets (on different machines)
/// put together with [`simulation_from_scenarios`] give the whole [`Simulation`]. Rating
/// figures come from `input.ratings` (see [`rated_input`]).
///
/// # Errors
/// Any [`QuantError`] from [`validate`] (the whole input is checked, whatever the subset), a
/// compound-mode scenario of the subset drawing too many events, or
/// [`QuantError::InvalidScenario`] at `scenarios` for a position out of range.
///
/// ```
/// use risk_core::quant::{parse_simulation_input, simulate, simulate_scenarios};
/// let input = parse_simulation_input(r#"{"trials": 1000, "seed": 5, "scenarios": [
///   {"name": "a", "frequency": {"lef": 0.5}, "primary_loss": 10},
///   {"name": "b", "frequency": {"lef": 2}, "primary_loss": {"type": "uniform", "min": 1, "max": 9}}]}"#).unwrap();
/// let whole = simulate(&input).unwrap();
/// let b = simulate_scenarios(&input, &[1]).unwrap();
/// assert_eq!(b[0], whole.scenarios[1].losses.values());
/// ```
pub fn simulate_scenarios(
    input: &SimulationInput,
    indices: &[usize],
) -> Result<Vec<Vec<f64>>, QuantError> {
    let (compiled, n, key) = prepare(input, &input.ratings)?;
    indices
        .iter()
        .map(|&s| match compiled.get(s) {
            Some(c) => run_scenario(c, s, n, input.mode, key),
            None => Err(QuantError::InvalidScenario {
                path: "scenarios".into(),
                message: format!(
                    "no scenario at position {s} (the input has {})",
                    compiled.len()
                ),
            }),
        })
        .collect()
}

/// The whole [`Simulation`] of `input` from every scenario's losses (`per_scenario[i]` the
/// losses of `input.scenarios[i]`, as [`simulate_scenarios`] returns them): totals and
/// organisations are added in the same order as [`simulate`] adds them, so the result equals
/// `simulate(input)` bit for bit.
///
/// # Errors
/// Any [`QuantError`] from [`validate`]; [`QuantError::InvalidScenario`] at `scenarios` when
/// the number of loss vectors is not the number of scenarios, [`QuantError::InvalidTrials`]
/// at `trials` when a vector does not have one loss per trial, [`QuantError::InvalidScenario`]
/// at `losses[i][t]` for a loss that is not a finite number; an overflow as in [`simulate`].
///
/// ```
/// use risk_core::quant::{parse_simulation_input, simulate, simulate_scenarios, simulation_from_scenarios};
/// let input = parse_simulation_input(r#"{"trials": 1000, "seed": 5, "scenarios": [
///   {"name": "a", "frequency": {"lef": 0.5}, "primary_loss": 10},
///   {"name": "b", "frequency": {"lef": 2}, "primary_loss": 3}]}"#).unwrap();
/// let mut parts = simulate_scenarios(&input, &[1]).unwrap();
/// parts.splice(0..0, simulate_scenarios(&input, &[0]).unwrap());
/// assert_eq!(simulation_from_scenarios(&input, parts).unwrap(), simulate(&input).unwrap());
/// ```
pub fn simulation_from_scenarios(
    input: &SimulationInput,
    per_scenario: Vec<Vec<f64>>,
) -> Result<Simulation, QuantError> {
    let (compiled, n, _) = prepare(input, &input.ratings)?;
    if per_scenario.len() != compiled.len() {
        return Err(QuantError::InvalidScenario {
            path: "scenarios".into(),
            message: format!(
                "{} loss vectors for {} scenarios",
                per_scenario.len(),
                compiled.len()
            ),
        });
    }
    if let Some((i, v)) = per_scenario.iter().enumerate().find(|(_, v)| v.len() != n) {
        return Err(QuantError::InvalidTrials {
            path: "trials".into(),
            message: format!("scenario {i} has {} losses for {n} trials", v.len()),
        });
    }
    for (i, v) in per_scenario.iter().enumerate() {
        if let Some(t) = v.iter().position(|x| !x.is_finite()) {
            return Err(QuantError::InvalidScenario {
                path: format!("losses[{i}][{t}]"),
                message: format!("a loss must be a finite number, not {}", v[t]),
            });
        }
    }
    assemble(input, n, per_scenario)
}

/// Validate, compile every scenario, and derive the trial count and the ChaCha8 key.
fn prepare(
    input: &SimulationInput,
    ratings: &BTreeMap<String, RatingLink>,
) -> Result<(Vec<Compiled>, usize, [u8; 32]), QuantError> {
    validate(input, ratings)?;
    let compiled = input
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| Compiled::new(s, &format!("scenarios[{i}]"), ratings))
        .collect::<Result<Vec<_>, _>>()?;
    let n = usize::try_from(input.trials).map_err(|_| QuantError::InvalidTrials {
        path: "trials".into(),
        message: "too many trials for this platform".into(),
    })?;
    let key = ChaCha8Rng::seed_from_u64(input.seed).get_seed();
    Ok((compiled, n, key))
}

fn simulate_inner(
    input: &SimulationInput,
    ratings: &BTreeMap<String, RatingLink>,
) -> Result<Simulation, QuantError> {
    let (compiled, n, key) = prepare(input, ratings)?;
    let per_scenario: Vec<Vec<f64>> = compiled
        .iter()
        .enumerate()
        .map(|(s, c)| run_scenario(c, s, n, input.mode, key))
        .collect::<Result<_, _>>()?;
    assemble(input, n, per_scenario)
}

/// Totals (trial by trial, scenarios in document order), organisations, and the overflow check.
fn assemble(
    input: &SimulationInput,
    n: usize,
    per_scenario: Vec<Vec<f64>>,
) -> Result<Simulation, QuantError> {
    let scenarios: Vec<ScenarioLosses> = input
        .scenarios
        .iter()
        .zip(per_scenario)
        .map(|(s, v)| ScenarioLosses {
            name: s.name.clone(),
            organisation: s.organisation_id().map(str::to_string),
            losses: Losses::new(v),
        })
        .collect();
    let total = sum_of(n, scenarios.iter().map(|s| &s.losses));

    // Organisations in order of first appearance; their totals add their scenarios trial by trial.
    let mut organisations: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, s) in input.scenarios.iter().enumerate() {
        if let Some(id) = s.organisation_id() {
            match organisations.iter_mut().find(|(o, _)| o == id) {
                Some((_, idx)) => idx.push(i),
                None => organisations.push((id.to_string(), vec![i])),
            }
        }
    }
    let organisations = organisations
        .into_iter()
        .map(|(id, idx)| OrganisationLosses {
            id,
            scenarios: idx
                .iter()
                .map(|&i| input.scenarios[i].name.clone())
                .collect(),
            losses: sum_of(n, idx.iter().map(|&i| &scenarios[i].losses)),
        })
        .collect();

    let sim = Simulation {
        trials: input.trials,
        seed: input.seed,
        mode: input.mode,
        total,
        scenarios,
        organisations,
    };
    check_overflow(&sim)?;
    Ok(sim)
}

/// The trial-by-trial sum 0 + x₁ + x₂ + … of `parts` (in the order given) over `n` trials.
/// The sum of one part is its values with −0 made +0; when it has no −0 they are its values
/// bit for bit, so its statistics are reused rather than computed again (a one-scenario
/// simulation's total).
fn sum_of<'a>(n: usize, mut parts: impl Iterator<Item = &'a Losses>) -> Losses {
    let Some(first) = parts.next() else {
        return Losses::new(vec![0.0; n]);
    };
    let mut negative_zero = false;
    let mut sum: Vec<f64> = first
        .values()
        .iter()
        .map(|&x| {
            negative_zero |= x.to_bits() == (-0.0_f64).to_bits();
            0.0 + x
        })
        .collect();
    let mut more = false;
    for part in parts {
        more = true;
        for (t, x) in sum.iter_mut().zip(part.values()) {
            *t += x;
        }
    }
    if more || negative_zero {
        Losses::new(sum)
    } else {
        Losses::with_statistics_of(sum, first)
    }
}

/// Every parameter is finite, but draws and their sums can still overflow a double (a lognormal
/// with σ = 10³⁰, a loss of 10³⁰⁸ twice in a year), and then the mean, sd and contributions
/// would be ∞ or NaN. No real loss is near 10³⁰⁸: such a document is an error, named at the
/// first scenario whose losses overflow.
fn check_overflow(sim: &Simulation) -> Result<(), QuantError> {
    let finite = |l: &Losses| l.mean().is_finite() && l.sd().is_finite();
    let overflow = |path: String, what: &str, l: &Losses| QuantError::InvalidParameter {
        path,
        message: format!(
            "the simulated annual losses {what} overflow a double (mean {}, sd {}): check the \
             loss distributions' parameters",
            l.mean(),
            l.sd()
        ),
    };
    for (i, s) in sim.scenarios.iter().enumerate() {
        if !finite(&s.losses) {
            return Err(overflow(
                format!("scenarios[{i}]"),
                "of this scenario",
                &s.losses,
            ));
        }
    }
    if !finite(&sim.total) {
        return Err(overflow(
            "scenarios".into(),
            "of all scenarios together",
            &sim.total,
        ));
    }
    for o in &sim.organisations {
        if !finite(&o.losses) {
            return Err(overflow(
                "scenarios".into(),
                &format!("of `{}`", o.id),
                &o.losses,
            ));
        }
    }
    Ok(())
}

/// One scenario's annual losses for all trials.
///
/// # Errors
/// The first chunk (in chunk order, whatever the scheduling) whose compound-mode events exceed
/// [`MAX_EVENTS_PER_CHUNK`], as [`QuantError::InvalidParameter`] at the scenario's frequency.
fn run_scenario(
    c: &Compiled,
    scenario: usize,
    n: usize,
    mode: Mode,
    key: [u8; 32],
) -> Result<Vec<f64>, QuantError> {
    let mut out = vec![0.0; n];
    let fill = |(chunk, slice): (usize, &mut [f64])| {
        let mut g = Gen::new(key, ((scenario as u64) << 32) | chunk as u64);
        c.fill(slice, mode, &mut g)
            .map_err(|lambda| (chunk, lambda))
    };
    #[cfg(feature = "parallel")]
    let outcome: Vec<Result<(), (usize, f64)>> = {
        use rayon::prelude::*;
        out.par_chunks_mut(CHUNK_TRIALS)
            .enumerate()
            .map(fill)
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let outcome: Vec<Result<(), (usize, f64)>> =
        out.chunks_mut(CHUNK_TRIALS).enumerate().map(fill).collect();
    if let Some(Err((chunk, lambda))) = outcome.into_iter().find(Result::is_err) {
        return Err(QuantError::parameter(
            format!("scenarios[{scenario}].frequency"),
            format!(
                "trials {}.. drew more than {MAX_EVENTS_PER_CHUNK} loss events in {CHUNK_TRIALS} years \
                 (last rate drawn: {lambda:.4e} a year); compound mode draws every event's loss, so \
                 use a lower frequency or expected mode",
                chunk * CHUNK_TRIALS
            ),
        ));
    }
    Ok(out)
}

/// The most loss events one chunk of [`CHUNK_TRIALS`] years may draw in compound mode (an
/// average of 1,000 a year): a bound on the work a document can ask for.
pub const MAX_EVENTS_PER_CHUNK: u64 = 1_000 * CHUNK_TRIALS as u64;

/// A scenario ready to sample.
#[derive(Debug, Clone)]
struct Compiled {
    rate: Rate,
    primary: Sampler,
    secondary: Option<(Sampler, Sampler)>,
}

/// Per-trial loss-event rate.
#[derive(Debug, Clone)]
enum Rate {
    Lef(Sampler),
    Tef(Sampler, Sampler),
    /// λ = softplus(m + s·Z), i.e. −ln(1 − P) with logit P ~ N(m, s²).
    Rating {
        m: f64,
        s: f64,
    },
    Constant(f64),
}

fn clamp_logit(p: f64) -> f64 {
    if p <= 0.0 {
        return -LOGIT_CLAMP;
    }
    if p >= 1.0 {
        return LOGIT_CLAMP;
    }
    (libm::log(p) - libm::log1p(-p)).clamp(-LOGIT_CLAMP, LOGIT_CLAMP)
}

/// ln(1 + eˣ) = −ln(1 − logistic(x)), stable for either sign of x.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + libm::log1p(libm::exp(-x))
    } else {
        libm::log1p(libm::exp(x))
    }
}

impl Compiled {
    fn new(
        s: &Scenario,
        path: &str,
        ratings: &BTreeMap<String, RatingLink>,
    ) -> Result<Compiled, QuantError> {
        let rate = match &s.frequency {
            Frequency::Lef(d) => {
                Rate::Lef(d.sampler(Support::NonNegative, &format!("{path}.frequency.lef"))?)
            }
            Frequency::Tef { tef, vulnerability } => Rate::Tef(
                tef.sampler(Support::NonNegative, &format!("{path}.frequency.tef"))?,
                vulnerability.sampler(
                    Support::UnitInterval,
                    &format!("{path}.frequency.vulnerability"),
                )?,
            ),
            Frequency::FromRating(id) => {
                let link = ratings
                    .get(id)
                    .ok_or_else(|| QuantError::UnknownOrganisation {
                        path: format!("{path}.frequency.from_rating"),
                        id: id.clone(),
                    })?;
                let [lo, hi] = link.probability_interval;
                let (a, b) = (clamp_logit(lo), clamp_logit(hi));
                if b - a <= 0.0 {
                    Rate::Constant(-libm::log1p(-link.probability))
                } else {
                    Rate::Rating {
                        m: 0.5 * (a + b),
                        s: (b - a) / (2.0 * super::distribution::Z90),
                    }
                }
            }
        };
        let primary = s
            .primary_loss
            .sampler(Support::NonNegative, &format!("{path}.primary_loss"))?;
        let secondary = match &s.secondary {
            Some(sec) => Some((
                sec.probability.sampler(
                    Support::UnitInterval,
                    &format!("{path}.secondary.probability"),
                )?,
                sec.loss
                    .sampler(Support::NonNegative, &format!("{path}.secondary.loss"))?,
            )),
            None => None,
        };
        Ok(Compiled {
            rate,
            primary,
            secondary,
        })
    }

    #[inline]
    fn rate(&self, g: &mut Gen) -> f64 {
        match &self.rate {
            Rate::Lef(d) => d.sample(g),
            Rate::Tef(t, v) => {
                let t = t.sample(g);
                t * v.sample(g)
            }
            Rate::Rating { m, s } => softplus(m + s * g.normal()),
            Rate::Constant(l) => *l,
        }
    }

    /// Loss of one event (compound mode).
    #[inline]
    fn event_loss(&self, g: &mut Gen) -> f64 {
        let mut loss = self.primary.sample(g);
        if let Some((p, l)) = &self.secondary {
            let p = p.sample(g);
            if g.uniform() < p {
                loss += l.sample(g);
            }
        }
        loss
    }

    /// Loss magnitude LM = primary + probability × secondary (expected mode, as pyfair).
    #[inline]
    fn magnitude(&self, g: &mut Gen) -> f64 {
        let mut loss = self.primary.sample(g);
        if let Some((p, l)) = &self.secondary {
            let p = p.sample(g);
            loss += p * l.sample(g);
        }
        loss
    }

    /// Fill one chunk; in compound mode, stop with the offending rate when the chunk's events
    /// would exceed [`MAX_EVENTS_PER_CHUNK`].
    fn fill(&self, out: &mut [f64], mode: Mode, g: &mut Gen) -> Result<(), f64> {
        match mode {
            Mode::Compound => {
                let mut events = 0u64;
                for slot in out {
                    let lambda = self.rate(g);
                    if lambda.is_nan() || lambda > MAX_EVENTS_PER_CHUNK as f64 {
                        return Err(lambda);
                    }
                    let n = g.poisson(lambda);
                    events += n;
                    if events > MAX_EVENTS_PER_CHUNK {
                        return Err(lambda);
                    }
                    let mut sum = 0.0;
                    for _ in 0..n {
                        sum += self.event_loss(g);
                    }
                    *slot = sum;
                }
            }
            Mode::Expected => {
                for slot in out {
                    let lambda = self.rate(g);
                    *slot = lambda * self.magnitude(g);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_equal_the_plain_sum_bit_for_bit() {
        let bits = |l: &Losses| {
            let mut b: Vec<u64> = l.values().iter().map(|x| x.to_bits()).collect();
            b.extend([l.mean(), l.sd(), l.min(), l.max()].map(f64::to_bits));
            b
        };
        // What the totals were before `sum_of`: zeros, then each part added in order.
        let plain = |parts: &[&Losses]| {
            let mut t = vec![0.0; parts[0].len()];
            for p in parts {
                for (t, x) in t.iter_mut().zip(p.values()) {
                    *t += x;
                }
            }
            Losses::new(t)
        };
        let a = Losses::new(vec![3.0, 0.1, 7.5, 0.0, 2.25]);
        let b = Losses::new(vec![1.0, 0.2, 0.0, 4.0, 1e300]);
        // All −0: the one-part sum is +0, whose mean and extremes differ in sign from the part's.
        let z = Losses::new(vec![-0.0, -0.0, -0.0, -0.0, -0.0]);
        let m = Losses::new(vec![-0.0, 1.0, 2.0, -0.0, 5.0]);
        for parts in [
            vec![&a],
            vec![&a, &b],
            vec![&b, &a, &z],
            vec![&z],
            vec![&m],
            vec![&z, &z],
        ] {
            let got = sum_of(5, parts.iter().copied());
            assert_eq!(bits(&got), bits(&plain(&parts)), "{parts:?}");
        }
        assert_eq!(
            bits(&sum_of(3, std::iter::empty())),
            bits(&Losses::new(vec![0.0; 3]))
        );
    }

    #[test]
    fn softplus_is_minus_log_one_minus_p() {
        for x in [-30.0, -5.0, -0.1, 0.0, 0.7, 12.0] {
            let p = 1.0 / (1.0 + libm::exp(-x));
            let want = -libm::log1p(-p);
            assert!((softplus(x) - want).abs() <= 1e-9 * want, "x {x}");
        }
    }
}
