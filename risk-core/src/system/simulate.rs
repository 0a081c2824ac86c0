//! The cascade Monte Carlo: chunked, one ChaCha8 stream per chunk for the trial keys, every
//! draw inside a trial a hash of (trial key, organisations involved).

use std::collections::{BTreeMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{
    Attribution, CHUNK_TRIALS, DEFAULT_ATTRIBUTED_SUPPLIERS, GroupLosses, GroupRisk, LossMeasure,
    LossOptions, MAX_KS, MAX_TRIALS, MAX_WORK, OrganisationMarginal, SystemError, SystemOptions,
    SystemReport, Tail, default_loss,
};
use crate::problem::{ErrorCode, InputError};
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

/// The salt of the lane block `j` (organisations ranked 8j … 8j + 7), precomputed once.
#[inline]
fn block_salt(j: usize) -> u64 {
    mix((j as u64).wrapping_add(1).wrapping_mul(GOLDEN))
}

/// Organisations per lane block: one 64-bit hash gives each of them an 8-bit lane.
const LANES: usize = 8;
/// Bits of a draw below its lane: the lane is the top 8 of 53.
const LOW_BITS: u32 = 45;
const LOW_MASK: u64 = (1 << LOW_BITS) - 1;
/// The high bit of every 8-bit lane.
const LANE_HIGH: u64 = 0x8080_8080_8080_8080;

/// The low 45 bits of the draw of the organisation ranked `r`: hashed only in the one case in
/// 256 where its lane equals the top 8 bits of its threshold.
#[inline]
fn refine(key: u64, r: usize) -> u64 {
    mix(key.wrapping_add(0x7F4A_7C15_9E37_79B9)
        ^ mix((r as u64).wrapping_add(1).wrapping_mul(GOLDEN)))
        >> (64 - LOW_BITS)
}

/// Every organisation's Bernoulli threshold (rank order), laid out for the lane draws.
///
/// Organisation r's draw is the 53-bit integer u = a · 2⁴⁵ + b, where a is byte r mod 8 of the
/// hash of (trial key, block r div 8) and b the 45 bits of [`refine`]; it is hit when
/// u < ⌈p · 2⁵³⌉ ([`threshold53`]), that is with probability exactly ⌈p · 2⁵³⌉ / 2⁵³, the
/// same as comparing a 53-bit uniform with p. Eight lanes are compared at once as bytes of a
/// word; b is hashed only for a lane equal to its threshold's top byte.
struct Bernoulli {
    /// Per block, the threshold's top byte of each lane (0 for the padding after the last
    /// organisation, which is then never hit).
    hi: Vec<u64>,
    /// Per rank (padded to whole blocks), the threshold's low 45 bits.
    lo: Vec<u64>,
}

impl Bernoulli {
    fn new(ps: impl ExactSizeIterator<Item = f64>) -> Self {
        let blocks = ps.len().div_ceil(LANES);
        let mut hi = vec![0u64; blocks];
        let mut lo = vec![0u64; blocks * LANES];
        for (r, p) in ps.enumerate() {
            let t = threshold53(p);
            let (top, low) = if t == 1 << 53 {
                // Every lane below 255 is below, and 255 with any b < 2⁴⁵.
                (0xFF, 1 << LOW_BITS)
            } else {
                (t >> LOW_BITS, t & LOW_MASK)
            };
            hi[r / LANES] |= top << (8 * (r % LANES));
            lo[r] = low;
        }
        Self { hi, lo }
    }

    /// The organisations hit in the trial keyed `key`, one bit per rank (rank r is bit r mod
    /// 64 of word r div 64), written over `out`.
    fn scan(&self, key: u64, salts: &[u64], out: &mut [u64]) {
        let words = salts.chunks(8).zip(self.hi.chunks(8));
        for (w, (word, (salts, his))) in out.iter_mut().zip(words).enumerate() {
            let mut bits = 0u64;
            for (i, (&s, &y)) in salts.iter().zip(his).enumerate() {
                let x = mix(key ^ s);
                // Bytewise x < y (unsigned), in the high bit of each byte. (x | H) - (y & !H)
                // borrows across no byte, and a byte's high bit is then set when x's low seven
                // bits are at least y's.
                let d = (x | LANE_HIGH).wrapping_sub(y & !LANE_HIGH);
                let mut lt = ((!x & y) | (!(x ^ y) & !d)) & LANE_HIGH;
                // A byte equal to its threshold byte needs the draw's low bits: the high bit
                // of each zero byte of x ^ y (exact per byte: seven-bit sums carry into no
                // neighbour).
                let z = x ^ y;
                let eq = !(((z & !LANE_HIGH) + !LANE_HIGH) | z) & LANE_HIGH;
                if eq != 0 {
                    lt |= self.refined(key, 8 * w + i, eq);
                }
                // Gather the eight high bits into a byte: lane q to bit q.
                bits |= ((lt >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
            }
            *word = bits;
        }
    }

    /// Of the lanes of block `j` flagged in `eq` (the high bit of each byte whose lane equals
    /// its threshold's top byte), those whose draw's low bits are below the threshold's.
    #[cold]
    fn refined(&self, key: u64, j: usize, eq: u64) -> u64 {
        let mut lt = 0;
        for_each_bit(&[eq], |bit| {
            let r = j * LANES + bit / 8;
            if refine(key, r) < self.lo[r] {
                lt |= 1 << bit;
            }
        });
        lt
    }
}

/// The supplier part of the salt of its out-edges (once per spread).
#[inline]
fn supplier_salt(s: usize) -> u64 {
    mix((s as u64)
        .wrapping_mul(GOLDEN)
        .wrapping_add(0x632B_E59B_D9B4_E019))
}

/// The dependant part of the salt of an edge: the draw of the edge supplier (rank `s`) →
/// dependant (rank `d`) in a trial keyed `key` hashes `key ^ supplier_salt(s) ^
/// dependant_salt(d)`, like a lane block's.
#[inline]
fn dependant_salt(d: u32) -> u64 {
    u64::from(d)
        .wrapping_add(1)
        .wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// Bits of an edge's 53-bit draw below the 32 kept with the edge.
const EDGE_LOW_BITS: u32 = 21;

/// An out-edge as a trial reads it: the dependant's rank and the top 32 bits of the
/// [`threshold53`] of its coupling (the low 21 bits are in `Model::out_low`, read only when
/// the top bits tie).
#[derive(Clone, Copy)]
struct Edge {
    dependant: u32,
    high: u32,
}

/// An edge's threshold split as [`Edge::high`] and its low bits.
fn split_threshold(t: u64) -> (u32, u32) {
    if t == 1 << 53 {
        // Every draw: any top below 2³² - 1 is below, and 2³² - 1 with any low bits.
        (u32::MAX, 1 << EDGE_LOW_BITS)
    } else {
        (
            (t >> EDGE_LOW_BITS) as u32,
            (t & ((1 << EDGE_LOW_BITS) - 1)) as u32,
        )
    }
}

/// The integer threshold of probability `p`: a 53-bit uniform u (the top 53 bits of a hash)
/// falls below `p` exactly when u < ⌈p · 2⁵³⌉.
#[inline]
fn threshold53(p: f64) -> u64 {
    if p.is_nan() || p <= 0.0 {
        0
    } else if p >= 1.0 {
        1 << 53
    } else {
        (p * (1u64 << 53) as f64).ceil() as u64
    }
}

/// The key of a trial's independent comparison (money view), derived from its cascade key.
#[inline]
fn independent_key(key: u64) -> u64 {
    key.wrapping_add(0x2545_F491_4F6C_DD1D)
}

/// The portfolio prepared for simulation. Everything a trial touches is indexed by **rank**
/// (position in id order), so the internal scan runs through memory in order and a trial
/// needs no index translation; the report translates back.
struct Model {
    n: usize,
    /// Rank of each organisation (by index).
    rank: Vec<u32>,
    /// [`block_salt`] of each lane block.
    salts: Vec<u64>,
    /// Internal-incident thresholds (rank order).
    internal: Bernoulli,
    /// Rated-probability thresholds (rank order) for the money view's independent comparison.
    independent: Option<Bernoulli>,
    /// Rated probability of each organisation (by index).
    rated: Vec<f64>,
    /// Out-edges in CSR form by supplier rank: dependant ranks (in rank order) and the
    /// [`threshold53`] of each edge's coupling.
    out_start: Vec<usize>,
    out: Vec<Edge>,
    /// Per edge: the low bits of its threshold (see [`Edge`]).
    out_low: Vec<u32>,
    /// Bit r: rank r has out-edges (so a trial reads `out_start` only for suppliers).
    has_out: Vec<u64>,
    /// Group indices of each rank (CSR), the portfolio (group `n_groups`) left out: every
    /// compromised organisation counts in it.
    grp_start: Vec<usize>,
    grp: Vec<u32>,
    /// The same groups of each rank packed in one word for the common case of at most two
    /// (low and high half, `NONE` where absent), or [`SPILL`]: read `grp`.
    grp_row: Vec<u64>,
    group_names: Vec<String>,
    /// Members of each group (organisation indices, id order), the portfolio last.
    group_members: Vec<Vec<u32>>,
    /// Tracked (attributed) suppliers: their indices, their ranks, and each rank's tracked
    /// position (or `NONE`).
    tracked: Vec<u32>,
    tracked_rank: Vec<u32>,
    tracked_index: Vec<u32>,
    ka: u32,
    /// Loss sampler of each rank (index into `samplers`) when money is asked for.
    samplers: Vec<Sampler>,
    sampler_of: Vec<u32>,
}

impl Prepared {
    /// Simulate the correlated supply-chain cascade of this portfolio (see [`crate::system`]).
    ///
    /// # Errors
    /// [`SystemError`] for bad options (each with its path).
    pub fn system(&self, options: &SystemOptions) -> Result<SystemReport, SystemError> {
        run(self, None, &self.rating(), options)
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
    let edges: usize = (0..n).map(|i| org(i).deps.len()).sum();
    check_options(options, n, edges)?;

    let mut rank = vec![0u32; n];
    for (r, &i) in prep.id_order.iter().enumerate() {
        rank[i] = r as u32;
    }
    let internal = Bernoulli::new(
        prep.id_order
            .iter()
            .map(|&i| rating.ratings[i].internal_probability),
    );
    let rated: Vec<f64> = rating.ratings.iter().map(|r| r.probability).collect();
    let (out_start, out, out_low, has_out) = out_edges(prep, org, &rank, edges);
    let g = Groups::of(prep, org);
    let tracked = tracked_suppliers(prep, rating, options)?;
    let tracked_rank: Vec<u32> = tracked.iter().map(|&s| rank[s as usize]).collect();
    let mut tracked_index = vec![NONE; n];
    for (t, &r) in tracked_rank.iter().enumerate() {
        tracked_index[r as usize] = t as u32;
    }
    let (samplers, sampler_of) = loss_samplers(prep, org, options)?;

    let independent = options
        .losses
        .is_some()
        .then(|| Bernoulli::new(prep.id_order.iter().map(|&i| rated[i])));
    Ok(Model {
        n,
        rank,
        salts: (0..n.div_ceil(LANES)).map(block_salt).collect(),
        internal,
        independent,
        rated,
        out_start,
        out,
        out_low,
        has_out,
        grp_start: g.grp_start,
        grp: g.grp,
        grp_row: g.grp_row,
        group_names: g.group_names,
        group_members: g.group_members,
        tracked,
        tracked_rank,
        tracked_index,
        ka: options.attribution_k,
        samplers,
        sampler_of,
    })
}

/// The options' limits: trials, work, thresholds.
fn check_options(options: &SystemOptions, n: usize, edges: usize) -> Result<(), SystemError> {
    if options.trials == 0 || options.trials > MAX_TRIALS {
        return Err(trials_error(format!(
            "trials ({}) must lie in [1, {MAX_TRIALS}]",
            options.trials
        )));
    }
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
    Ok(())
}

/// Out-edges by supplier rank (CSR: start, edge, low threshold word), dependants in rank order,
/// and the bit set of ranks that have any.
type OutEdges = (Vec<usize>, Vec<Edge>, Vec<u32>, Vec<u64>);

/// The supply edges, by supplier rank (see [`OutEdges`]).
fn out_edges<'p>(
    prep: &'p Prepared,
    org: impl Fn(usize) -> &'p PreparedOrg,
    rank: &[u32],
    edges: usize,
) -> OutEdges {
    let n = prep.orgs.len();
    let mut out_deg = vec![0usize; n + 1];
    for i in 0..n {
        for d in &org(i).deps {
            out_deg[rank[d.supplier] as usize] += 1;
        }
    }
    let mut out_start = vec![0usize; n + 1];
    for r in 0..n {
        out_start[r + 1] = out_start[r] + out_deg[r];
    }
    let mut fill = out_start.clone();
    let mut out = vec![
        Edge {
            dependant: 0,
            high: 0
        };
        edges
    ];
    let mut out_low = vec![0u32; edges];
    for (rd, &i) in prep.id_order.iter().enumerate() {
        for d in &org(i).deps {
            let s = rank[d.supplier] as usize;
            let (high, low) = split_threshold(threshold53(d.coupling));
            out[fill[s]] = Edge {
                dependant: rd as u32,
                high,
            };
            out_low[fill[s]] = low;
            fill[s] += 1;
        }
    }
    let mut has_out = vec![0u64; n.div_ceil(64)];
    for (r, &deg) in out_deg.iter().take(n).enumerate() {
        if deg > 0 {
            has_out[r / 64] |= 1 << (r % 64);
        }
    }

    (out_start, out, out_low, has_out)
}

/// The groups of each rank and the members of each group (see the fields of `Model`).
struct Groups {
    grp_start: Vec<usize>,
    grp: Vec<u32>,
    grp_row: Vec<u64>,
    group_names: Vec<String>,
    group_members: Vec<Vec<u32>>,
}

impl Groups {
    fn of<'p>(prep: &'p Prepared, org: impl Fn(usize) -> &'p PreparedOrg) -> Self {
        let n = prep.orgs.len();
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
        for (r, &i) in prep.id_order.iter().enumerate() {
            grp.extend(org(i).groups.iter().map(|g| names[g.as_str()]));
            grp_start[r + 1] = grp.len();
        }
        let grp_row: Vec<u64> = (0..n)
            .map(|r| match &grp[grp_start[r]..grp_start[r + 1]] {
                [] => pack(NONE, NONE),
                [a] => pack(*a, NONE),
                [a, b] => pack(*a, *b),
                _ => SPILL,
            })
            .collect();
        let mut group_members = vec![Vec::new(); n_groups + 1];
        for &i in &prep.id_order {
            for g in &org(i).groups {
                group_members[names[g.as_str()] as usize].push(i as u32);
            }
            group_members[n_groups].push(i as u32);
        }
        let group_names: Vec<String> = names.keys().map(|s| (*s).to_owned()).collect();

        Groups {
            grp_start,
            grp,
            grp_row,
            group_names,
            group_members,
        }
    }
}

/// The suppliers whose share of the system losses is attributed: those listed in the options,
/// else the portfolio's first [`DEFAULT_ATTRIBUTED_SUPPLIERS`] suppliers.
fn tracked_suppliers(
    prep: &Prepared,
    rating: &PortfolioRating,
    options: &SystemOptions,
) -> Result<Vec<u32>, SystemError> {
    Ok(match &options.suppliers {
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
    })
}

/// The loss samplers (one per peer group) and each rank's sampler, when money is asked for.
fn loss_samplers<'p>(
    prep: &'p Prepared,
    org: impl Fn(usize) -> &'p PreparedOrg,
    options: &SystemOptions,
) -> Result<(Vec<Sampler>, Vec<u32>), SystemError> {
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
        for &i in &prep.id_order {
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

    Ok((samplers, sampler_of))
}

/// A rank's two groups in one word (see `Model::grp_row`).
#[inline]
fn pack(a: u32, b: u32) -> u64 {
    u64::from(a) | u64::from(b) << 32
}

/// The `grp_row` of a rank with more than two groups (never a packed pair: a pair with its
/// first half absent has its second absent too).
const SPILL: u64 = NONE as u64;

impl Model {
    /// Call `f` with each group of rank `v` (the portfolio not among them).
    #[inline]
    fn for_groups(&self, v: usize, mut f: impl FnMut(u32)) {
        let row = self.grp_row[v];
        if row == SPILL {
            self.grp[self.grp_start[v]..self.grp_start[v + 1]]
                .iter()
                .for_each(|&g| f(g));
            return;
        }
        let (a, b) = (row as u32, (row >> 32) as u32);
        if a != NONE {
            f(a);
            if b != NONE {
                f(b);
            }
        }
    }
}

/// What one chunk of trials counts.
struct Chunk {
    /// Per rank: trials in which it was compromised (at most [`CHUNK_TRIALS`] fit a `u16`).
    org_hits: Vec<u16>,
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

const _: () = assert!(CHUNK_TRIALS <= u16::MAX as usize);

/// A trial's compromised set, one bit per rank (cleared per trial: n / 8 bytes, in L1 for the
/// national sample's 50,000).
#[inline]
fn marked(mark: &[u64], r: usize) -> bool {
    mark[r / 64] & (1 << (r % 64)) != 0
}

#[inline]
fn set_mark(mark: &mut [u64], r: usize) {
    mark[r / 64] |= 1 << (r % 64);
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
    let words = n.div_ceil(64);
    // The trial's compromised organisations, one bit per rank.
    let mut mark = vec![0u64; words];
    // Scratch for the cascade: the internal incidents with out-edges, and the arrivals with
    // out-edges still to spread (breadth first).
    let mut seeds = vec![0u64; words];
    let mut queue = Vec::new();
    // For attribution: which organisations the cascade reached, and from where.
    let attributing = n_tracked > 0;
    let mut arrived = vec![0u64; if attributing { words } else { 0 }];
    let mut parent = vec![NONE; if attributing { n } else { 0 }];
    let mut independent_mark = vec![0u64; if money { words } else { 0 }];
    let portfolio = g_all - 1;
    let mut count = vec![0u32; g_all];
    let mut scratch = Subtrees {
        sub: vec![0u32; n_tracked * g_all],
        touched: Vec::new(),
    };
    let mut tail = vec![false; g_all];
    for t in 0..len {
        let k = keys.next_u64();
        m.internal.scan(k, &m.salts, &mut mark);
        arrived.iter_mut().for_each(|w| *w = 0);
        let mut trial = Trial {
            mark: &mut mark,
            arrived: &mut arrived,
            parent: &mut parent,
            queue: &mut queue,
        };
        trial.cascade(m, k, &mut seeds);
        count_members(m, trial.mark, &mut acc.org_hits, &mut count);
        let mut any_tail = false;
        for g in 0..g_all {
            acc.hist[g][count[g] as usize] += 1;
            tail[g] = count[g] >= m.ka;
            if tail[g] {
                acc.tail_trials[g] += 1;
                any_tail = true;
            }
        }
        if any_tail && attributing {
            attribute(m, &trial, (&count, &tail), &mut scratch, &mut acc);
        }
        if let Some(independent) = &m.independent {
            for_each_bit(&mark, |v| {
                let x = m.samplers[m.sampler_of[v] as usize].sample(&mut loss_gen);
                m.for_groups(v, |g| acc.losses[g as usize][t] += x);
                acc.losses[portfolio][t] += x;
            });
            independent.scan(independent_key(k), &m.salts, &mut independent_mark);
            for_each_bit(&independent_mark, |v| {
                let x = m.samplers[m.sampler_of[v] as usize].sample(&mut loss_gen);
                m.for_groups(v, |g| acc.losses_independent[g as usize][t] += x);
                acc.losses_independent[portfolio][t] += x;
            });
        }
    }
    acc
}

/// Call `f` with the rank of each set bit, in rank order.
#[inline]
fn for_each_bit(words: &[u64], mut f: impl FnMut(usize)) {
    for (w, &word) in words.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            f(64 * w + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
}

/// One trial's cascade state.
struct Trial<'a> {
    /// Compromised organisations (one bit per rank): the internal incidents on entry.
    mark: &'a mut [u64],
    /// Organisations the cascade reached (attribution only; empty otherwise), each with the
    /// supplier it came from in `parent`.
    arrived: &'a mut [u64],
    parent: &'a mut [u32],
    /// Compromised organisations with out-edges, to spread from in turn: each rank with the
    /// range of its out-edges (read when it is queued, so that the reads of many overlap).
    queue: &'a mut Vec<(u32, usize, usize)>,
}

impl Trial<'_> {
    /// The cascade of the trial keyed `k`, breadth first from the internal incidents in rank
    /// order: only compromised suppliers and their out-edges are touched. The compromised set
    /// does not depend on the order; the first arrival's supplier (attribution) does.
    #[inline(never)]
    fn cascade(&mut self, m: &Model, k: u64, seeds: &mut [u64]) {
        for (seed, (&hit, &supplier)) in seeds.iter_mut().zip(self.mark.iter().zip(&m.has_out)) {
            *seed = hit & supplier;
        }
        self.queue.clear();
        for_each_bit(seeds, |s| {
            self.queue
                .push((s as u32, m.out_start[s], m.out_start[s + 1]));
        });
        let mut head = 0;
        while head < self.queue.len() {
            let (s, from, to) = self.queue[head];
            head += 1;
            self.spread(m, k, s as usize, from, to);
        }
    }

    /// Draw every out-edge (`from..to`) of the compromised supplier `s` to a dependant not yet
    /// compromised.
    #[inline(always)]
    fn spread(&mut self, m: &Model, k: u64, s: usize, from: usize, to: usize) {
        let key = k ^ supplier_salt(s);
        for (e, edge) in m.out[from..to].iter().enumerate() {
            let d = edge.dependant as usize;
            if marked(self.mark, d) {
                continue;
            }
            let u = mix(key ^ dependant_salt(edge.dependant)) >> 11;
            let top = (u >> EDGE_LOW_BITS) as u32;
            let transmits = top < edge.high
                || (top == edge.high
                    && ((u & ((1 << EDGE_LOW_BITS) - 1)) as u32) < m.out_low[from + e]);
            if transmits {
                set_mark(self.mark, d);
                if !self.parent.is_empty() {
                    set_mark(self.arrived, d);
                    self.parent[d] = s as u32;
                }
                if marked(&m.has_out, d) {
                    self.queue
                        .push((d as u32, m.out_start[d], m.out_start[d + 1]));
                }
            }
        }
    }
}

/// Count one trial's compromised organisations: each one's hits, and the members of each group
/// (the portfolio last).
#[inline(never)]
fn count_members(m: &Model, mark: &[u64], org_hits: &mut [u16], count: &mut [u32]) {
    count.iter_mut().for_each(|c| *c = 0);
    let mut all = 0;
    for_each_bit(mark, |v| {
        all += 1;
        org_hits[v] += 1;
        m.for_groups(v, |g| count[g as usize] += 1);
    });
    if let Some(last) = count.last_mut() {
        *last = all;
    }
}

/// Per (tracked supplier, group) cell: the members in the supplier's cascade subtree, and the
/// cells touched in this trial (to clear them).
struct Subtrees {
    sub: Vec<u32>,
    touched: Vec<usize>,
}

/// Supplier attribution of one trial: for every tracked supplier compromised in it, and every
/// group in its tail, count the trial; count it as caused when removing the members in the
/// supplier's cascade subtree (first arrivals) leaves fewer than k. `count` and `tail` are the
/// trial's members compromised per group and whether each group is in its tail.
fn attribute(
    m: &Model,
    trial: &Trial<'_>,
    (count, tail): (&[u32], &[bool]),
    scratch: &mut Subtrees,
    acc: &mut Chunk,
) {
    let (mark, arrived, parent) = (&*trial.mark, &*trial.arrived, &*trial.parent);
    let Subtrees { sub, touched } = scratch;
    let g_all = count.len();
    let portfolio = g_all as u32 - 1;
    if !m.tracked_rank.iter().any(|&s| marked(mark, s as usize)) {
        return;
    }
    // Each compromised member adds itself to every tracked ancestor (itself included). Only
    // members the cascade reached, and tracked suppliers themselves, have one.
    let mut add = |v: usize| {
        let mut a = v;
        loop {
            let t = m.tracked_index[a];
            if t != NONE {
                let groups = &m.grp[m.grp_start[v]..m.grp_start[v + 1]];
                for g in groups.iter().copied().chain([portfolio]) {
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
            if !marked(arrived, a) {
                break;
            }
            a = parent[a] as usize;
        }
    };
    for_each_bit(arrived, &mut add);
    for &s in &m.tracked_rank {
        let s = s as usize;
        if marked(mark, s) && !marked(arrived, s) {
            add(s);
        }
    }
    for (t, &s) in m.tracked_rank.iter().enumerate() {
        if !marked(mark, s as usize) {
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
    let trials = options.trials;
    let tf = trials as f64;
    let mut t = Totals::of(m, options.losses.is_some(), parts);
    // Hits are counted by rank; the report speaks of organisations by index.
    let simulated: Vec<f64> = m
        .rank
        .iter()
        .map(|&r| t.org_hits[r as usize] as f64 / tf)
        .collect();
    let cap = options.ks.iter().copied().max().unwrap_or(1) as usize;
    let org_id = |i: usize| match replaced {
        Some((r, o)) if r == i => o.id.clone(),
        _ => prep.orgs[i].id.clone(),
    };

    let mut groups: Vec<GroupRisk> = (0..g_all)
        .map(|g| {
            let members = &m.group_members[g];
            let h = &t.hist[g];
            let (distribution, mean, var) = moments(h, tf);
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
            let tail = tails(h, (&ind, &ind_rated), &options.ks, tf);
            let suppliers = attributions(m, (&t.tail_trials, &t.comp, &t.caused), g, org_id);
            let group_losses = options.losses.as_ref().map(|l| {
                group_losses(
                    l,
                    std::mem::take(&mut t.losses[g]),
                    std::mem::take(&mut t.losses_ind[g]),
                )
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

/// The chunks' counts summed and their losses concatenated, in chunk order (see [`Chunk`]).
struct Totals {
    org_hits: Vec<u64>,
    hist: Vec<Vec<u64>>,
    tail_trials: Vec<u64>,
    comp: Vec<u64>,
    caused: Vec<u64>,
    losses: Vec<Vec<f64>>,
    losses_ind: Vec<Vec<f64>>,
}

impl Totals {
    fn of(m: &Model, money: bool, parts: Vec<Chunk>) -> Self {
        let g_all = m.group_members.len();
        let n_tracked = m.tracked.len();
        let mut org_hits = vec![0u64; m.n];
        let mut hist: Vec<Vec<u64>> = m
            .group_members
            .iter()
            .map(|g| vec![0; g.len() + 1])
            .collect();
        let mut tail_trials = vec![0u64; g_all];
        let mut comp = vec![0u64; n_tracked * g_all];
        let mut caused = vec![0u64; n_tracked * g_all];
        let mut losses: Vec<Vec<f64>> = vec![Vec::new(); if money { g_all } else { 0 }];
        let mut losses_ind: Vec<Vec<f64>> = vec![Vec::new(); if money { g_all } else { 0 }];
        for c in parts {
            org_hits
                .iter_mut()
                .zip(&c.org_hits)
                .for_each(|(a, &b)| *a += u64::from(b));
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
        Totals {
            org_hits,
            hist,
            tail_trials,
            comp,
            caused,
            losses,
            losses_ind,
        }
    }
}

/// A group's histogram of the number compromised as a distribution (trimmed after its last
/// non-zero count), its mean and its (unbiased) variance.
fn moments(h: &[u64], tf: f64) -> (Vec<f64>, f64, f64) {
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
    (distribution, mean, var)
}

/// P(at least k compromised) for each threshold k: simulated, as if independent (at the
/// simulated and at the rated marginals), and their ratio.
fn tails(h: &[u64], (ind, ind_rated): (&[f64], &[f64]), ks: &[u32], tf: f64) -> Vec<Tail> {
    ks.iter()
        .map(|&k| {
            let ku = k as usize;
            let hits: u64 = h.iter().skip(ku).sum();
            let p = hits as f64 / tf;
            let p_ind = at_least(ind, ku);
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
                p_rated_independent: at_least(ind_rated, ku),
                multiplier,
            }
        })
        .collect()
}

/// Group `g`'s tracked suppliers, by the share of its tail trials in which each was
/// compromised (then caused, then id).
fn attributions(
    m: &Model,
    (tail_trials, comp, caused): (&[u64], &[u64], &[u64]),
    g: usize,
    org_id: impl Fn(usize) -> String,
) -> Vec<Attribution> {
    let g_all = m.group_members.len();
    let mut suppliers: Vec<Attribution> = (0..m.tracked.len())
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
    suppliers
}

/// A group's losses, correlated and independent: mean, VaR and TVaR at each level, the loss
/// exceedance curves.
fn group_losses(l: &LossOptions, corr: Vec<f64>, ind: Vec<f64>) -> GroupLosses {
    let corr = Losses::new(corr);
    let ind = Losses::new(ind);
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
}

#[cfg(test)]
pub(super) mod tests_support {
    /// The Poisson-binomial of [`super::poisson_binomial`] for a list of probabilities.
    pub(crate) fn poisson_binomial(ps: &[f64], cap: usize) -> Vec<f64> {
        super::poisson_binomial(ps.iter().copied(), ps.len(), cap)
    }
}

#[cfg(test)]
mod draw_tests {
    use super::*;

    /// Organisation r's draw as the docs define it, one lane at a time: byte r mod 8 of the
    /// block hash, then the 45 refinement bits.
    fn draw53(key: u64, r: usize) -> u64 {
        let lane = (mix(key ^ block_salt(r / LANES)) >> (8 * (r % LANES))) & 0xFF;
        lane << LOW_BITS | refine(key, r)
    }

    /// Thresholds at and around every lane boundary, the extremes, and the values a rating
    /// gives, for one block and a ragged tail.
    fn probabilities() -> Vec<f64> {
        let mut ps = vec![0.0, 1.0, 1e-300, 1e-12, 0.5, 0.999_999_999, 0.3070, 0.25];
        for top in [0u64, 1, 7, 127, 128, 200, 254, 255] {
            let exact = (top << LOW_BITS) as f64 / (1u64 << 53) as f64;
            ps.extend([
                exact,
                f64::from_bits(exact.to_bits() + 1),
                exact * (1.0 - 1e-15),
            ]);
        }
        ps.retain(|p| (0.0..=1.0).contains(p));
        ps.push(0.125); // 35 organisations: four whole blocks and a ragged one
        ps
    }

    #[test]
    fn the_lane_scan_is_the_53_bit_comparison() {
        let ps = probabilities();
        let n = ps.len();
        let b = Bernoulli::new(ps.iter().copied());
        let salts: Vec<u64> = (0..n.div_ceil(LANES)).map(block_salt).collect();
        let mut words = vec![0u64; n.div_ceil(64)];
        let mut refined = 0;
        for key in (0..20_000u64).map(|i| mix(i.wrapping_mul(GOLDEN) ^ 0xABCD)) {
            b.scan(key, &salts, &mut words);
            for (r, &p) in ps.iter().enumerate() {
                let u = draw53(key, r);
                refined += usize::from(u >> LOW_BITS == threshold53(p) >> LOW_BITS);
                assert_eq!(
                    marked(&words, r),
                    u < threshold53(p),
                    "key {key:#x}, organisation {r}, p {p}"
                );
            }
            assert_eq!(words[n / 64] >> (n % 64), 0, "no bit past the portfolio");
        }
        // The ties between a lane and its threshold's top byte (the refinement path) were
        // exercised, not only the bytewise comparison.
        assert!(refined > 500, "{refined}");
    }

    #[test]
    fn an_edge_transmits_by_the_53_bit_comparison() {
        for p in probabilities() {
            let t = threshold53(p);
            let (high, low) = split_threshold(t);
            for u in [0, 1, t.saturating_sub(1), t, t + 1, (1 << 53) - 1]
                .into_iter()
                .filter(|&u| u < 1 << 53)
            {
                let top = (u >> EDGE_LOW_BITS) as u32;
                let split =
                    top < high || (top == high && ((u & ((1 << EDGE_LOW_BITS) - 1)) as u32) < low);
                assert_eq!(split, u < t, "p {p}, u {u}");
            }
        }
    }
}
