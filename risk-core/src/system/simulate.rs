//! The cascade Monte Carlo: chunked, one ChaCha8 stream per chunk for the trial keys, every
//! draw inside a trial a hash of (trial key, organisations involved).

use std::collections::{BTreeMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    Attribution, CHUNK_TRIALS, DEFAULT_ATTRIBUTED_SUPPLIERS, GroupLosses, GroupRisk, LossMeasure,
    MAX_KS, MAX_TRIALS, MAX_WORK, OrganisationMarginal, SystemError, SystemOptions, SystemReport,
    Tail, default_loss,
};
use crate::error::{ErrorCode, InputError};
use crate::quant::Losses;
use crate::quant::distribution::{Sampler, Support};
use crate::quant::random::Gen;
use crate::rating::output::PortfolioRating;
use crate::rating::validate::{Prepared, PreparedOrg};

const NONE: u32 = u32::MAX;
/// ChaCha8 stream prefixes: trial keys and loss draws of chunk c are streams PREFIX | c.
const STREAM_KEYS: u64 = 0x5359_5354_0000_0000; // "SYST"
const STREAM_LOSSES: u64 = 0x5359_534C_0000_0000; // "SYSL"
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a bijective 64-bit mix.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform on [0, 1) from the top 53 bits.
#[inline]
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The per-organisation part of its internal draw (precomputed once).
#[inline]
fn internal_salt(r: u32) -> u64 {
    mix(u64::from(r).wrapping_add(1).wrapping_mul(GOLDEN))
}

/// The draw deciding an internal incident of the organisation ranked `r` in a trial, given
/// `internal_salt(r)`.
#[inline]
fn internal_draw(key: u64, salt: u64) -> f64 {
    unit(mix(key ^ salt))
}

/// The per-trial, per-supplier part of its edges' draws (once per compromised supplier).
#[inline]
fn edge_base(key: u64, s: u32) -> u64 {
    mix(key.wrapping_add(0x632B_E59B_D9B4_E019) ^ u64::from(s).wrapping_mul(GOLDEN))
}

/// The per-dependant part of an edge draw (precomputed once).
#[inline]
fn edge_salt(d: u32) -> u64 {
    u64::from(d)
        .wrapping_add(1)
        .wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// The draw deciding a transmission over the edge supplier (rank `s`) → dependant (rank `d`),
/// given `edge_base(key, s)` and `edge_salt(d)`.
#[inline]
fn edge_draw(base: u64, salt: u64) -> f64 {
    unit(mix(base ^ salt))
}

/// The draw deciding whether the organisation ranked `r` is compromised in the independent
/// comparison of the money view.
#[inline]
fn independent_draw(key: u64, r: u32) -> f64 {
    unit(mix(
        key.wrapping_add(0x2545_F491_4F6C_DD1D) ^ mix(u64::from(r).wrapping_mul(GOLDEN))
    ))
}

/// The portfolio prepared for simulation.
struct Model {
    n: usize,
    rank: Vec<u32>,
    /// Organisations in id order (the seed order of every trial).
    by_rank: Vec<u32>,
    /// `internal_salt` of each organisation.
    salt: Vec<u64>,
    pint: Vec<f64>,
    rated: Vec<f64>,
    /// Out-edges (supplier → dependants) in CSR form, dependants in rank order.
    out_start: Vec<usize>,
    out: Vec<(u32, u64, f64)>,
    /// Group indices of each organisation (CSR); the portfolio is group `n_groups`.
    grp_start: Vec<usize>,
    grp: Vec<u32>,
    group_names: Vec<String>,
    group_members: Vec<Vec<u32>>,
    /// Tracked (attributed) suppliers and each organisation's tracked index.
    tracked: Vec<u32>,
    tracked_index: Vec<u32>,
    ka: u32,
    /// Loss sampler per organisation (index into `samplers`) when money is asked for.
    samplers: Vec<Sampler>,
    sampler_of: Vec<u32>,
}

impl Prepared {
    /// Simulate the correlated supply-chain cascade of this portfolio (see [`crate::system`]).
    ///
    /// # Errors
    /// [`SystemError`] for bad options (each with its path).
    pub fn system(&self, options: &SystemOptions) -> Result<SystemReport, SystemError> {
        let rating = self
            .base
            .get_or_init(|| std::sync::Arc::new(self.rate()))
            .clone();
        run(self, None, &rating, options)
    }

    /// Apply `actions` to one organisation (as [`Prepared::what_if`]) and simulate the changed
    /// portfolio with the same options: with the same seed, every draw not touched by the
    /// change is the same, so the difference to [`Prepared::system`] is the change's effect.
    ///
    /// # Errors
    /// [`crate::Error::Input`] for an unknown organisation or a bad action,
    /// [`crate::Error::System`] for bad options.
    pub fn system_what_if(
        &self,
        organisation: &str,
        actions: &[crate::Action],
        options: &SystemOptions,
    ) -> Result<SystemReport, crate::Error> {
        let o = self.index_of(organisation).ok_or_else(|| {
            InputError::single(
                ErrorCode::UnknownOrganisation,
                "organisation",
                format!(
                    "no organisation has the id `{}`",
                    crate::text::clip(organisation, 200)
                ),
            )
        })?;
        let changed = self.apply(o, actions)?;
        let rating = self.rate_with(self.as_of, Some((o, &changed)));
        Ok(run(self, Some((o, &changed)), &rating, options)?)
    }
}

fn trials_error(message: String) -> SystemError {
    SystemError::InvalidTrials {
        path: "trials".into(),
        message,
    }
}

fn run(
    prep: &Prepared,
    replaced: Option<(usize, &PreparedOrg)>,
    rating: &PortfolioRating,
    options: &SystemOptions,
) -> Result<SystemReport, SystemError> {
    let model = build(prep, replaced, rating, options)?;
    let trials = options.trials as usize;
    let chunks = trials.div_ceil(CHUNK_TRIALS);
    let key = ChaCha8Rng::seed_from_u64(options.seed).get_seed();
    let money = options.losses.is_some();
    let work = |c: usize| {
        let len = CHUNK_TRIALS.min(trials - c * CHUNK_TRIALS);
        run_chunk(&model, key, c as u64, len, money)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<Chunk> = {
        use rayon::prelude::*;
        (0..chunks).into_par_iter().map(work).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<Chunk> = (0..chunks).map(work).collect();
    Ok(report(&model, options, prep, replaced, parts))
}

fn build(
    prep: &Prepared,
    replaced: Option<(usize, &PreparedOrg)>,
    rating: &PortfolioRating,
    options: &SystemOptions,
) -> Result<Model, SystemError> {
    let n = prep.orgs.len();
    let org = |i: usize| match replaced {
        Some((r, o)) if r == i => o,
        _ => &prep.orgs[i],
    };
    // Options.
    if options.trials == 0 || options.trials > MAX_TRIALS {
        return Err(trials_error(format!(
            "trials ({}) must lie in [1, {MAX_TRIALS}]",
            options.trials
        )));
    }
    let edges: usize = (0..n).map(|i| org(i).deps.len()).sum();
    let work = options.trials.saturating_mul((n + edges) as u64);
    if work > MAX_WORK {
        return Err(trials_error(format!(
            "trials × (organisations + dependencies) = {work} exceeds {MAX_WORK}; run fewer trials"
        )));
    }
    if options.ks.len() > MAX_KS {
        return Err(SystemError::InvalidThreshold {
            path: "ks".into(),
            message: format!("at most {MAX_KS} thresholds"),
        });
    }
    let mut seen = HashSet::new();
    for (i, &k) in options.ks.iter().enumerate() {
        if k == 0 || !seen.insert(k) {
            return Err(SystemError::InvalidThreshold {
                path: format!("ks[{i}]"),
                message: format!(
                    "{k}: a threshold is a number of members of at least 1, listed once"
                ),
            });
        }
    }
    if options.attribution_k == 0 {
        return Err(SystemError::InvalidThreshold {
            path: "attribution_k".into(),
            message: "the attribution threshold must be at least 1".into(),
        });
    }

    let mut rank = vec![0u32; n];
    for (r, &i) in prep.id_order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let by_rank: Vec<u32> = prep.id_order.iter().map(|&i| i as u32).collect();
    let pint: Vec<f64> = rating
        .ratings
        .iter()
        .map(|r| r.internal_probability)
        .collect();
    let rated: Vec<f64> = rating.ratings.iter().map(|r| r.probability).collect();

    // Out-edges, dependants in rank order.
    let mut out_deg = vec![0usize; n + 1];
    for i in 0..n {
        for d in &org(i).deps {
            out_deg[d.supplier] += 1;
        }
    }
    let mut out_start = vec![0usize; n + 1];
    for i in 0..n {
        out_start[i + 1] = out_start[i] + out_deg[i];
    }
    let mut fill = out_start.clone();
    let mut out = vec![(0u32, 0u64, 0.0f64); edges];
    for &i in &prep.id_order {
        for d in &org(i).deps {
            out[fill[d.supplier]] = (i as u32, edge_salt(rank[i]), d.coupling);
            fill[d.supplier] += 1;
        }
    }

    // Groups.
    let mut names: BTreeMap<&str, u32> = BTreeMap::new();
    for i in 0..n {
        for g in &org(i).groups {
            names.insert(g.as_str(), 0);
        }
    }
    for (j, v) in names.values_mut().enumerate() {
        *v = j as u32;
    }
    let n_groups = names.len();
    let mut grp_start = vec![0usize; n + 1];
    let mut grp = Vec::new();
    let mut group_members = vec![Vec::new(); n_groups + 1];
    for i in 0..n {
        for g in &org(i).groups {
            grp.push(names[g.as_str()]);
        }
        grp.push(n_groups as u32);
        grp_start[i + 1] = grp.len();
    }
    for &i in &prep.id_order {
        for &g in &grp[grp_start[i]..grp_start[i + 1]] {
            group_members[g as usize].push(i as u32);
        }
    }
    let group_names: Vec<String> = names.keys().map(|s| (*s).to_owned()).collect();

    // Attributed suppliers.
    let tracked: Vec<u32> = match &options.suppliers {
        Some(list) => {
            let mut seen = HashSet::new();
            let mut v = Vec::with_capacity(list.len());
            for (j, id) in list.iter().enumerate() {
                let Some(i) = prep.index_of(id) else {
                    return Err(SystemError::UnknownSupplier {
                        path: format!("suppliers[{j}]"),
                        message: format!(
                            "no organisation has the id `{}`",
                            crate::text::clip(id, 200)
                        ),
                    });
                };
                if !seen.insert(i) {
                    return Err(SystemError::UnknownSupplier {
                        path: format!("suppliers[{j}]"),
                        message: format!("`{}` is listed twice", crate::text::clip(id, 200)),
                    });
                }
                v.push(i as u32);
            }
            v
        }
        None => rating
            .suppliers
            .iter()
            .take(DEFAULT_ATTRIBUTED_SUPPLIERS)
            .filter_map(|s| prep.index_of(&s.id))
            .map(|i| i as u32)
            .collect(),
    };
    let mut tracked_index = vec![NONE; n];
    for (t, &s) in tracked.iter().enumerate() {
        tracked_index[s as usize] = t as u32;
    }

    // Money.
    let mut samplers = Vec::new();
    let mut sampler_of = Vec::new();
    if let Some(l) = &options.losses {
        for (j, &q) in l.levels.iter().enumerate() {
            if !(q.is_finite() && q > 0.0 && q < 1.0) {
                return Err(SystemError::InvalidLoss {
                    path: format!("losses.levels[{j}]"),
                    message: format!("{q} is not a level in (0, 1)"),
                });
            }
        }
        if l.lec_points > crate::quant::MAX_LEC_POINTS {
            return Err(SystemError::InvalidLoss {
                path: "losses.lec_points".into(),
                message: format!("at most {}", crate::quant::MAX_LEC_POINTS),
            });
        }
        let mut index: BTreeMap<String, u32> = BTreeMap::new();
        for (name, d) in &l.peer_groups {
            let path = format!("losses.peer_groups.{name}");
            let s =
                d.sampler(Support::NonNegative, &path)
                    .map_err(|e| SystemError::InvalidLoss {
                        path: e.path().to_owned(),
                        message: e.to_string(),
                    })?;
            index.insert(name.clone(), samplers.len() as u32);
            samplers.push(s);
        }
        for i in 0..n {
            let pg = &org(i).peer_group;
            let s = match index.get(pg) {
                Some(&s) => s,
                None => {
                    let s = default_loss(pg)
                        .sampler(Support::NonNegative, "losses")
                        .expect("the default losses are valid");
                    index.insert(pg.clone(), samplers.len() as u32);
                    samplers.push(s);
                    samplers.len() as u32 - 1
                }
            };
            sampler_of.push(s);
        }
    }

    let salt = rank.iter().map(|&r| internal_salt(r)).collect();
    Ok(Model {
        n,
        rank,
        salt,
        by_rank,
        pint,
        rated,
        out_start,
        out,
        grp_start,
        grp,
        group_names,
        group_members,
        tracked,
        tracked_index,
        ka: options.attribution_k,
        samplers,
        sampler_of,
    })
}

/// What one chunk of trials counts.
struct Chunk {
    org_hits: Vec<u64>,
    /// Per group (portfolio last): histogram of the number compromised.
    hist: Vec<Vec<u64>>,
    /// Per group: trials with ≥ attribution_k compromised.
    tail_trials: Vec<u64>,
    /// Per (tracked supplier, group): tail trials with it compromised / caused by it.
    comp: Vec<u64>,
    caused: Vec<u64>,
    /// Per group: loss of each trial, correlated and independent (money only).
    losses: Vec<Vec<f64>>,
    losses_independent: Vec<Vec<f64>>,
}

fn run_chunk(m: &Model, key: [u8; 32], chunk: u64, len: usize, money: bool) -> Chunk {
    let n = m.n;
    let g_all = m.group_members.len();
    let n_tracked = m.tracked.len();
    let mut keys = ChaCha8Rng::from_seed(key);
    keys.set_stream(STREAM_KEYS | chunk);
    let mut loss_gen = Gen::new(key, STREAM_LOSSES | chunk);
    let mut acc = Chunk {
        org_hits: vec![0; n],
        hist: m
            .group_members
            .iter()
            .map(|g| vec![0; g.len() + 1])
            .collect(),
        tail_trials: vec![0; g_all],
        comp: vec![0; n_tracked * g_all],
        caused: vec![0; n_tracked * g_all],
        losses: if money {
            vec![vec![0.0; len]; g_all]
        } else {
            Vec::new()
        },
        losses_independent: if money {
            vec![vec![0.0; len]; g_all]
        } else {
            Vec::new()
        },
    };
    let mut mark = vec![0u32; n];
    let mut parent = vec![NONE; n];
    let mut queue: Vec<u32> = Vec::new();
    let mut count = vec![0u32; g_all];
    let mut sub = vec![0u32; n_tracked * g_all];
    let mut sub_touched: Vec<usize> = Vec::new();
    let mut tail = vec![false; g_all];
    for t in 0..len {
        let stamp = t as u32 + 1;
        let k = keys.next_u64();
        queue.clear();
        // Internal incidents, in id order.
        for &i in &m.by_rank {
            let i = i as usize;
            if internal_draw(k, m.salt[i]) < m.pint[i] {
                mark[i] = stamp;
                parent[i] = NONE;
                queue.push(i as u32);
            }
        }
        // The cascade, breadth first: only compromised organisations and their out-edges.
        let mut head = 0;
        while head < queue.len() {
            let s = queue[head] as usize;
            head += 1;
            let edges = &m.out[m.out_start[s]..m.out_start[s + 1]];
            if edges.is_empty() {
                continue;
            }
            let base = edge_base(k, m.rank[s]);
            for &(d, salt, c) in edges {
                if mark[d as usize] != stamp && edge_draw(base, salt) < c {
                    mark[d as usize] = stamp;
                    parent[d as usize] = s as u32;
                    queue.push(d);
                }
            }
        }
        count.iter_mut().for_each(|c| *c = 0);
        for &v in &queue {
            let v = v as usize;
            acc.org_hits[v] += 1;
            for &g in &m.grp[m.grp_start[v]..m.grp_start[v + 1]] {
                count[g as usize] += 1;
            }
        }
        let mut any_tail = false;
        for g in 0..g_all {
            acc.hist[g][count[g] as usize] += 1;
            tail[g] = count[g] >= m.ka;
            if tail[g] {
                acc.tail_trials[g] += 1;
                any_tail = true;
            }
        }
        if any_tail && n_tracked > 0 {
            attribute(
                m,
                &queue,
                &mark,
                &parent,
                stamp,
                &count,
                &tail,
                &mut sub,
                &mut sub_touched,
                &mut acc,
            );
        }
        if money {
            for &v in &queue {
                let v = v as usize;
                let x = m.samplers[m.sampler_of[v] as usize].sample(&mut loss_gen);
                for &g in &m.grp[m.grp_start[v]..m.grp_start[v + 1]] {
                    acc.losses[g as usize][t] += x;
                }
            }
            for &i in &m.by_rank {
                let i = i as usize;
                if independent_draw(k, m.rank[i]) < m.rated[i] {
                    let x = m.samplers[m.sampler_of[i] as usize].sample(&mut loss_gen);
                    for &g in &m.grp[m.grp_start[i]..m.grp_start[i + 1]] {
                        acc.losses_independent[g as usize][t] += x;
                    }
                }
            }
        }
    }
    acc
}

/// Supplier attribution of one trial: for every tracked supplier compromised in it, and every
/// group in its tail, count the trial; count it as caused when removing the members in the
/// supplier's cascade subtree (first arrivals) leaves fewer than k.
#[allow(clippy::too_many_arguments)]
fn attribute(
    m: &Model,
    queue: &[u32],
    mark: &[u32],
    parent: &[u32],
    stamp: u32,
    count: &[u32],
    tail: &[bool],
    sub: &mut [u32],
    touched: &mut Vec<usize>,
    acc: &mut Chunk,
) {
    let g_all = count.len();
    if !m.tracked.iter().any(|&s| mark[s as usize] == stamp) {
        return;
    }
    // Each compromised member adds itself to every tracked ancestor (itself included).
    for &v in queue {
        let v = v as usize;
        let mut a = v as u32;
        while a != NONE {
            let t = m.tracked_index[a as usize];
            if t != NONE {
                for &g in &m.grp[m.grp_start[v]..m.grp_start[v + 1]] {
                    let g = g as usize;
                    if tail[g] {
                        let cell = t as usize * g_all + g;
                        if sub[cell] == 0 {
                            touched.push(cell);
                        }
                        sub[cell] += 1;
                    }
                }
            }
            a = parent[a as usize];
        }
    }
    for (t, &s) in m.tracked.iter().enumerate() {
        if mark[s as usize] != stamp {
            continue;
        }
        for g in 0..g_all {
            if tail[g] {
                let cell = t * g_all + g;
                acc.comp[cell] += 1;
                if count[g] - sub[cell] < m.ka {
                    acc.caused[cell] += 1;
                }
            }
        }
    }
    for &cell in touched.iter() {
        sub[cell] = 0;
    }
    touched.clear();
}

/// Poisson-binomial P(N = j) for j < cap and P(N ≥ cap) in the last entry (when cap < len).
fn poisson_binomial(ps: impl Iterator<Item = f64>, members: usize, cap: usize) -> Vec<f64> {
    let top = members.min(cap);
    let mut dp = vec![0.0; top + 1];
    dp[0] = 1.0;
    let mut seen = 0usize;
    for p in ps {
        seen += 1;
        let hi = seen.min(top);
        // The last cell absorbs (≥ top) when top < members.
        if top < members && hi == top {
            dp[top] += dp[top - 1] * p;
            for j in (1..top).rev() {
                dp[j] = dp[j] * (1.0 - p) + dp[j - 1] * p;
            }
        } else {
            for j in (1..=hi).rev() {
                dp[j] = dp[j] * (1.0 - p) + dp[j - 1] * p;
            }
        }
        dp[0] *= 1.0 - p;
    }
    dp
}

fn at_least(dist: &[f64], k: usize) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k >= dist.len() {
        return 0.0;
    }
    let below: f64 = dist[..k].iter().sum();
    (1.0 - below).clamp(0.0, 1.0)
}

fn report(
    m: &Model,
    options: &SystemOptions,
    prep: &Prepared,
    replaced: Option<(usize, &PreparedOrg)>,
    parts: Vec<Chunk>,
) -> SystemReport {
    let n = m.n;
    let g_all = m.group_members.len();
    let n_tracked = m.tracked.len();
    let trials = options.trials;
    let tf = trials as f64;
    let mut org_hits = vec![0u64; n];
    let mut hist: Vec<Vec<u64>> = m
        .group_members
        .iter()
        .map(|g| vec![0; g.len() + 1])
        .collect();
    let mut tail_trials = vec![0u64; g_all];
    let mut comp = vec![0u64; n_tracked * g_all];
    let mut caused = vec![0u64; n_tracked * g_all];
    let money = options.losses.is_some();
    let mut losses: Vec<Vec<f64>> = vec![Vec::new(); if money { g_all } else { 0 }];
    let mut losses_ind: Vec<Vec<f64>> = vec![Vec::new(); if money { g_all } else { 0 }];
    for c in parts {
        org_hits
            .iter_mut()
            .zip(&c.org_hits)
            .for_each(|(a, b)| *a += b);
        for (h, ch) in hist.iter_mut().zip(&c.hist) {
            h.iter_mut().zip(ch).for_each(|(a, b)| *a += b);
        }
        tail_trials
            .iter_mut()
            .zip(&c.tail_trials)
            .for_each(|(a, b)| *a += b);
        comp.iter_mut().zip(&c.comp).for_each(|(a, b)| *a += b);
        caused.iter_mut().zip(&c.caused).for_each(|(a, b)| *a += b);
        for (l, cl) in losses.iter_mut().zip(c.losses) {
            l.extend(cl);
        }
        for (l, cl) in losses_ind.iter_mut().zip(c.losses_independent) {
            l.extend(cl);
        }
    }
    let simulated: Vec<f64> = org_hits.iter().map(|&h| h as f64 / tf).collect();
    let cap = options.ks.iter().copied().max().unwrap_or(1) as usize;
    let org_id = |i: usize| match replaced {
        Some((r, o)) if r == i => o.id.clone(),
        _ => prep.orgs[i].id.clone(),
    };

    let mut groups: Vec<GroupRisk> = (0..g_all)
        .map(|g| {
            let members = &m.group_members[g];
            let h = &hist[g];
            let last = h.iter().rposition(|&x| x > 0).unwrap_or(0);
            let distribution: Vec<f64> = h[..=last].iter().map(|&x| x as f64 / tf).collect();
            let mean: f64 = h
                .iter()
                .enumerate()
                .map(|(j, &x)| j as f64 * x as f64)
                .sum::<f64>()
                / tf;
            let second: f64 = h
                .iter()
                .enumerate()
                .map(|(j, &x)| (j * j) as f64 * x as f64)
                .sum::<f64>()
                / tf;
            let var = (second - mean * mean).max(0.0) * tf / (tf - 1.0).max(1.0);
            let expected_rated: f64 = members.iter().map(|&i| m.rated[i as usize]).sum();
            let ind = poisson_binomial(
                members.iter().map(|&i| simulated[i as usize]),
                members.len(),
                cap,
            );
            let ind_rated = poisson_binomial(
                members.iter().map(|&i| m.rated[i as usize]),
                members.len(),
                cap,
            );
            let tail = options
                .ks
                .iter()
                .map(|&k| {
                    let ku = k as usize;
                    let hits: u64 = h.iter().skip(ku).sum();
                    let p = hits as f64 / tf;
                    let p_ind = at_least(&ind, ku);
                    let multiplier = if p_ind > 0.0 {
                        p / p_ind
                    } else if p > 0.0 {
                        f64::MAX
                    } else {
                        1.0
                    };
                    Tail {
                        k,
                        p,
                        se: (p * (1.0 - p) / tf).sqrt(),
                        p_independent: p_ind,
                        p_rated_independent: at_least(&ind_rated, ku),
                        multiplier,
                    }
                })
                .collect();
            let mut suppliers: Vec<Attribution> = (0..n_tracked)
                .map(|t| {
                    let cell = t * g_all + g;
                    let tt = tail_trials[g];
                    let share = |x: u64| if tt > 0 { x as f64 / tt as f64 } else { 0.0 };
                    Attribution {
                        id: org_id(m.tracked[t] as usize),
                        compromised_share: share(comp[cell]),
                        caused_share: share(caused[cell]),
                        tail_trials: tt,
                    }
                })
                .collect();
            suppliers.sort_by(|a, b| {
                b.compromised_share
                    .total_cmp(&a.compromised_share)
                    .then(b.caused_share.total_cmp(&a.caused_share))
                    .then(a.id.as_bytes().cmp(b.id.as_bytes()))
            });
            let group_losses = options.losses.as_ref().map(|l| {
                let corr = Losses::new(std::mem::take(&mut losses[g]));
                let ind = Losses::new(std::mem::take(&mut losses_ind[g]));
                GroupLosses {
                    mean: corr.mean(),
                    measures: l
                        .levels
                        .iter()
                        .map(|&q| LossMeasure {
                            level: q,
                            var: corr.var(q),
                            tvar: corr.tvar(q),
                            var_independent: ind.var(q),
                        })
                        .collect(),
                    lec: corr.lec(l.lec_points),
                    lec_independent: ind.lec(l.lec_points),
                }
            });
            GroupRisk {
                group: if g + 1 == g_all {
                    "*".to_owned()
                } else {
                    m.group_names[g].clone()
                },
                members: members.len(),
                expected: mean,
                expected_se: (var / tf).sqrt(),
                expected_rated,
                distribution,
                distribution_independent: ind,
                tail,
                suppliers,
                losses: group_losses,
            }
        })
        .collect();
    let portfolio = groups.pop().expect("the portfolio group is always there");
    let organisations = (0..n)
        .map(|i| {
            let p = simulated[i];
            OrganisationMarginal {
                id: org_id(i),
                simulated: p,
                se: (p * (1.0 - p) / tf).sqrt(),
                rated: m.rated[i],
                difference: p - m.rated[i],
            }
        })
        .collect();
    SystemReport {
        trials,
        seed: options.seed,
        ks: options.ks.clone(),
        attribution_k: options.attribution_k,
        portfolio,
        groups,
        organisations,
        provenance: Some(prep.provenance.clone()),
    }
}

#[cfg(test)]
pub(super) mod tests_support {
    /// The Poisson-binomial of [`super::poisson_binomial`] for a list of probabilities.
    pub(crate) fn poisson_binomial(ps: &[f64], cap: usize) -> Vec<f64> {
        super::poisson_binomial(ps.iter().copied(), ps.len(), cap)
    }
}
