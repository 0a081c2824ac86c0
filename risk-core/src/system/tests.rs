//! Unit tests of the system simulation: exactness on a forest, the direction of the difference
//! on a diamond, exact monotonicity under common random numbers, determinism, option errors.

use proptest::prelude::*;

use super::*;
use crate::{Methodology, Prepared, parse_portfolio, validate};

fn prepared(text: &str) -> Prepared {
    validate(&parse_portfolio(text).unwrap(), &Methodology::default()).unwrap()
}

fn opts(trials: u64, seed: u64) -> SystemOptions {
    SystemOptions {
        trials,
        seed,
        ..Default::default()
    }
}

/// A dependency forest with suppliers of suppliers: every organisation is reachable from any
/// supplier by at most one path, so the cascade's marginals are the rating's fixed point.
const FOREST: &str = r#"{"as_of": "2025-09-30", "organisations": [
  {"id": "T1", "groups": ["icb:X"], "attestation": {"incident_probability": 0.1},
   "dependencies": [{"supplier": "S1", "criticality": "critical", "access": "admin"},
                    {"supplier": "S2", "criticality": "high", "access": "network"}]},
  {"id": "T2", "groups": ["icb:X"], "attestation": {"incident_probability": 0.05},
   "dependencies": [{"supplier": "S3", "criticality": "critical", "access": "admin"}]},
  {"id": "T3", "groups": ["icb:Y"],
   "dependencies": [{"supplier": "S3", "criticality": "medium", "access": "data"}]},
  {"id": "S1", "attestation": {"incident_probability": 0.3},
   "dependencies": [{"supplier": "S0", "criticality": "critical", "access": "admin"}]},
  {"id": "S2", "attestation": {"incident_probability": 0.2}},
  {"id": "S3", "attestation": {"incident_probability": 0.25},
   "dependencies": [{"supplier": "S4", "criticality": "high", "access": "admin"}]},
  {"id": "S4", "attestation": {"incident_probability": 0.4}},
  {"id": "S0", "attestation": {"incident_probability": 0.5}}
]}"#;

/// D supplies B and C, which both supply A: two paths from D to A.
const DIAMOND: &str = r#"{"as_of": "2025-09-30", "organisations": [
  {"id": "A", "attestation": {"incident_probability": 0.02},
   "dependencies": [{"supplier": "B", "criticality": "critical", "access": "admin"},
                    {"supplier": "C", "criticality": "critical", "access": "admin"}]},
  {"id": "B", "attestation": {"incident_probability": 0.02},
   "dependencies": [{"supplier": "D", "criticality": "critical", "access": "admin"}]},
  {"id": "C", "attestation": {"incident_probability": 0.02},
   "dependencies": [{"supplier": "D", "criticality": "critical", "access": "admin"}]},
  {"id": "D", "attestation": {"incident_probability": 0.5}}
]}"#;

#[test]
fn forest_marginals_equal_the_fixed_point_within_4_se() {
    let p = prepared(FOREST);
    let r = p.system(&opts(200_000, 11)).unwrap();
    for o in &r.organisations {
        assert!(
            o.difference.abs() <= 4.0 * o.se.max(1e-12),
            "{}: simulated {} rated {} (se {})",
            o.id,
            o.simulated,
            o.rated,
            o.se
        );
    }
    // The expected number in a group is Σ P, within 4 SE.
    let x = r.group("icb:X").unwrap();
    assert!((x.expected - x.expected_rated).abs() <= 4.0 * x.expected_se);
}

#[test]
fn diamond_marginal_is_below_the_fixed_point() {
    // The fixed point treats B and C as independent; they share D, so A survives more often
    // than the rating says: simulated P(A) < rated P(A) (docs/methodology.md, "The system view").
    let p = prepared(DIAMOND);
    let r = p.system(&opts(200_000, 3)).unwrap();
    let a = r.organisations.iter().find(|o| o.id == "A").unwrap();
    assert!(
        a.difference < -6.0 * a.se,
        "A: simulated {} rated {} se {}",
        a.simulated,
        a.rated,
        a.se
    );
    // B, C and D are each reached by one path: they agree.
    for o in r.organisations.iter().filter(|o| o.id != "A") {
        assert!(o.difference.abs() <= 4.0 * o.se, "{}", o.id);
    }
}

#[test]
fn shared_supplier_makes_simultaneous_failures_likelier() {
    let p = prepared(FOREST);
    let r = p.system(&opts(50_000, 5)).unwrap();
    let x = r.group("icb:X").unwrap();
    assert_eq!(x.members, 2);
    let both = x.tail.iter().find(|t| t.k == 2).unwrap();
    assert!(both.p > 0.0 && both.p_independent > 0.0);
    // T1 and T2 share no supplier: independent within noise.
    assert!((both.multiplier - 1.0).abs() < 0.25, "{both:?}");
    let shared = prepared(&FOREST.replace(
        r#""supplier": "S3", "criticality": "critical""#,
        r#""supplier": "S1", "criticality": "critical""#,
    ));
    let r = shared.system(&opts(50_000, 5)).unwrap();
    let both = r
        .group("icb:X")
        .unwrap()
        .tail
        .iter()
        .find(|t| t.k == 2)
        .unwrap()
        .clone();
    assert!(both.multiplier > 1.5, "{both:?}");
}

#[test]
fn attribution_names_the_shared_supplier() {
    let shared = prepared(&FOREST.replace(
        r#""supplier": "S3", "criticality": "critical""#,
        r#""supplier": "S1", "criticality": "critical""#,
    ));
    let o = SystemOptions {
        trials: 20_000,
        seed: 1,
        attribution_k: 2,
        suppliers: Some(vec!["S1".into(), "S2".into(), "S0".into()]),
        ..Default::default()
    };
    let r = shared.system(&o).unwrap();
    let x = r.group("icb:X").unwrap();
    assert_eq!(x.suppliers[0].id, "S1");
    let s1 = &x.suppliers[0];
    assert!(
        s1.compromised_share > 0.5 && s1.caused_share > 0.3,
        "{s1:?}"
    );
    assert!(s1.caused_share <= s1.compromised_share);
    // S0 causes only through S1: its caused share is at most S1's.
    let s0 = x.suppliers.iter().find(|s| s.id == "S0").unwrap();
    assert!(s0.caused_share <= s1.caused_share + 1e-12);
}

#[test]
fn same_seed_same_report_other_seed_other_report() {
    let p = prepared(FOREST);
    let a = p.system(&opts(10_000, 9)).unwrap();
    let b = p.system(&opts(10_000, 9)).unwrap();
    assert_eq!(a, b);
    let c = p.system(&opts(10_000, 10)).unwrap();
    assert_ne!(a.organisations, c.organisations);
    // Chunking: the first 5,000 trials of 10,000 are the trials of a 5,000 run.
    assert!(a.trials == 10_000 && CHUNK_TRIALS < 10_000);
}

#[cfg(feature = "parallel")]
#[test]
fn identical_at_any_thread_count() {
    let p = prepared(FOREST);
    let o = SystemOptions {
        trials: 3 * CHUNK_TRIALS as u64 + 17,
        seed: 4,
        losses: Some(LossOptions::default()),
        ..Default::default()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| p.system(&o).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(3));
    assert_eq!(one, run(8));
}

#[test]
fn option_errors_are_typed_with_paths() {
    let p = prepared(FOREST);
    let check = |o: SystemOptions, code: &str, path: &str| {
        let e = p.system(&o).unwrap_err();
        assert_eq!((e.code(), e.path()), (code, path), "{e}");
    };
    check(opts(0, 0), "invalid_trials", "trials");
    check(opts(MAX_TRIALS + 1, 0), "invalid_trials", "trials");
    check(
        SystemOptions {
            ks: vec![1, 0],
            ..Default::default()
        },
        "invalid_threshold",
        "ks[1]",
    );
    check(
        SystemOptions {
            ks: vec![2, 2],
            ..Default::default()
        },
        "invalid_threshold",
        "ks[1]",
    );
    check(
        SystemOptions {
            attribution_k: 0,
            ..Default::default()
        },
        "invalid_threshold",
        "attribution_k",
    );
    check(
        SystemOptions {
            suppliers: Some(vec!["S1".into(), "NOPE".into()]),
            ..Default::default()
        },
        "unknown_supplier",
        "suppliers[1]",
    );
    let mut losses = LossOptions::default();
    losses.peer_groups.insert(
        "acute".into(),
        crate::quant::Distribution::LognormalCi {
            low: 5.0,
            high: 1.0,
            confidence: 0.9,
        },
    );
    let e = p
        .system(&SystemOptions {
            losses: Some(losses),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_loss");
    assert!(
        e.path().starts_with("losses.peer_groups.acute"),
        "{}",
        e.path()
    );
    let losses = LossOptions {
        levels: vec![0.5, 1.0],
        ..Default::default()
    };
    let e = p
        .system(&SystemOptions {
            losses: Some(losses),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!((e.code(), e.path()), ("invalid_loss", "losses.levels[1]"));
    let e: crate::Error = e.into();
    assert_eq!(e.code(), "invalid_loss");
}

#[test]
fn poisson_binomial_is_exact() {
    // Two members 0.5, 0.5: 0.25, 0.5, 0.25; capped at 1: P(0), P(≥1).
    let d = super::simulate::tests_support::poisson_binomial(&[0.5, 0.5], 5);
    assert_eq!(d, vec![0.25, 0.5, 0.25]);
    let d = super::simulate::tests_support::poisson_binomial(&[0.5, 0.5, 0.2], 1);
    assert!((d[0] - 0.2).abs() < 1e-15 && (d[1] - 0.8).abs() < 1e-15);
    let d = super::simulate::tests_support::poisson_binomial(&[0.1, 0.2, 0.3], 2);
    // P(0) = .9·.8·.7, P(1) = .1·.8·.7 + .9·.2·.7 + .9·.8·.3, P(≥2) = the rest.
    let p0 = 0.9 * 0.8 * 0.7;
    let p1 = 0.1 * 0.8 * 0.7 + 0.9 * 0.2 * 0.7 + 0.9 * 0.8 * 0.3;
    assert!((d[0] - p0).abs() < 1e-15 && (d[1] - p1).abs() < 1e-15);
    assert!((d[2] - (1.0 - p0 - p1)).abs() < 1e-15);
}

#[test]
fn money_fat_tail_from_correlation() {
    let shared = prepared(&FOREST.replace(
        r#""supplier": "S3", "criticality": "critical""#,
        r#""supplier": "S1", "criticality": "critical""#,
    ));
    let o = SystemOptions {
        trials: 20_000,
        seed: 2,
        losses: Some(LossOptions::default()),
        ..Default::default()
    };
    let r = shared.system(&o).unwrap();
    let l = r.group("icb:X").unwrap().losses.as_ref().unwrap();
    assert!(l.mean > 0.0);
    for m in &l.measures {
        assert!(m.var <= m.tvar);
    }
    assert!(!l.lec.is_empty());
    // Without money the report has no losses.
    let r = shared.system(&opts(1000, 2)).unwrap();
    assert!(r.portfolio.losses.is_none());
}

/// A random small graph and one extra edge.
/// Edges (dependant, supplier, criticality×access code) of a 7-organisation graph.
type Edges = Vec<(usize, usize, u8)>;

fn graph() -> impl Strategy<Value = (Edges, Vec<u8>, (usize, usize, u8))> {
    let n = 7usize;
    (
        proptest::collection::vec((0..n, 0..n, 0u8..16), 0..14),
        proptest::collection::vec(0u8..4, n),
        (0..n, 0..n, 0u8..16),
    )
}

fn doc(n: usize, edges: &[(usize, usize, u8)], groups: &[u8]) -> String {
    let crit = ["low", "medium", "high", "critical"];
    let acc = ["none", "data", "network", "admin"];
    let orgs: Vec<String> = (0..n)
        .map(|i| {
            let mut seen = std::collections::BTreeSet::new();
            let deps: Vec<String> = edges
                .iter()
                .filter(|&&(o, s, _)| o == i && s != i && seen.insert(s))
                .map(|&(_, s, c)| {
                    format!(
                        r#"{{"supplier": "O{s}", "criticality": "{}", "access": "{}"}}"#,
                        crit[(c / 4) as usize],
                        acc[(c % 4) as usize]
                    )
                })
                .collect();
            format!(
                r#"{{"id": "O{i}", "groups": ["g{}"], "attestation": {{"incident_probability": {}}}, "dependencies": [{}]}}"#,
                groups[i],
                0.05 + 0.05 * i as f64,
                deps.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"as_of": "2025-09-30", "organisations": [{}]}}"#,
        orgs.join(",")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Common random numbers make the property exact: every draw is a hash of the trial key and
    /// the organisations involved, so with one more edge every trial compromises a superset,
    /// and no group's count tail P(≥ k) can fall, for any k.
    #[test]
    fn adding_a_dependency_never_lowers_any_tail((edges, groups, extra) in graph()) {
        let n = 7;
        // A new edge: not a self-dependency, not a supplier the organisation already lists.
        prop_assume!(extra.0 != extra.1 && !edges.iter().any(|e| e.0 == extra.0 && e.1 == extra.1));
        let before = prepared(&doc(n, &edges, &groups));
        let mut more = edges.clone();
        more.push(extra);
        let after = prepared(&doc(n, &more, &groups));
        let o = SystemOptions { trials: 600, seed: 13, ks: (1..=7).collect(), ..Default::default() };
        let a = before.system(&o).unwrap();
        let b = after.system(&o).unwrap();
        for (ga, gb) in std::iter::once((&a.portfolio, &b.portfolio)).chain(a.groups.iter().zip(&b.groups)) {
            prop_assert_eq!(&ga.group, &gb.group);
            for (ta, tb) in ga.tail.iter().zip(&gb.tail) {
                prop_assert!(tb.p >= ta.p, "{} k={}: {} -> {}", ga.group, ta.k, ta.p, tb.p);
            }
        }
        for (x, y) in a.organisations.iter().zip(&b.organisations) {
            prop_assert!(y.simulated >= x.simulated, "{}", x.id);
        }
    }
}
