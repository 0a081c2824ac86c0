//! Strategies shared by the property tests: small valid portfolios (see `properties.rs`).
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use risk_core::{
    Access, Assessment, AssetCriticality, Assurance, Attestation, Criticality, Date, Dependency,
    DsptStatus, Finding, FindingKind, MetricObservation, Organisation, Outcome, Portfolio,
};

/// The date every generated portfolio is rated at.
pub fn as_of() -> Date {
    "2025-09-30".parse().unwrap()
}

/// as_of plus `offset` days.
pub fn day(offset: i64) -> Date {
    as_of().add_days(offset).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Strategies

pub const CONTROLS: [&str; 12] = [
    "A1.a", "A3.a", "A4.b", "B2.a", "B2.c", "B4.a", "B4.d", "B5.c", "B6.a", "C1.f", "D1.a", "E2.b",
];
pub const METRICS: [&str; 11] = [
    "mfa_coverage",
    "privileged_access_reviewed",
    "edr_coverage",
    "log_source_coverage",
    "patch_sla_compliance",
    "backup_restore_success",
    "phishing_resilience",
    "training_completion",
    "iomt_segmentation",
    "asset_inventory_coverage",
    "external_assets_clean",
];
pub const VECTORS: [&str; 7] = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N/E:U/RL:O",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N/E:A",
];
pub const OUTCOMES: [Outcome; 4] = [
    Outcome::NotAchieved,
    Outcome::PartiallyAchieved,
    Outcome::Achieved,
    Outcome::NotApplicable,
];
pub const ASSURANCES: [Assurance; 3] = [
    Assurance::SelfAssessed,
    Assurance::PeerReviewed,
    Assurance::IndependentAudit,
];
pub const ASSET: [AssetCriticality; 4] = [
    AssetCriticality::Low,
    AssetCriticality::Medium,
    AssetCriticality::High,
    AssetCriticality::Clinical,
];
pub const DSPT: [DsptStatus; 4] = [
    DsptStatus::StandardsExceeded,
    DsptStatus::StandardsMet,
    DsptStatus::ApproachingStandards,
    DsptStatus::NotPublished,
];
pub const CRIT: [Criticality; 4] = [
    Criticality::Low,
    Criticality::Medium,
    Criticality::High,
    Criticality::Critical,
];
pub const ACCESS: [Access; 4] = [Access::None, Access::Data, Access::Network, Access::Admin];

/// A day offset from as_of: mostly in the past two years, sometimes one of a few shared days
/// (so that items tie on their date), sometimes after as_of.
pub fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => -730i64..=0,
        2 => prop::sample::select(vec![-400i64, -90, -30, 0]),
        1 => 1i64..=60,
    ]
}

pub fn assessment() -> impl Strategy<Value = Assessment> {
    (
        prop::sample::select(&CONTROLS[..]),
        prop::sample::select(&OUTCOMES[..]),
        prop::sample::select(&ASSURANCES[..]),
        offset(),
        prop::option::of(prop::sample::select(vec![
            "DSPT 2024-25",
            "audit \u{2713} \"Q3\"",
        ])),
    )
        .prop_map(|(c, o, a, d, source)| Assessment {
            control: c.to_owned(),
            outcome: o,
            assurance: a,
            assessed_on: day(d),
            source: source.map(str::to_owned),
            dispute: None,
        })
}

/// (successes, trials): small and large trial counts (the caps are 20 and 40).
pub fn counts() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![1u64..=60, 1u64..=5000, Just(1u64 << 53)]
        .prop_flat_map(|t| (prop_oneof![0..=t, Just(t), Just(0)], Just(t)))
}

pub fn metric() -> impl Strategy<Value = MetricObservation> {
    (prop::sample::select(&METRICS[..]), counts(), offset()).prop_map(|(m, (s, t), d)| {
        MetricObservation {
            metric: m.to_owned(),
            successes: s,
            trials: t,
            observed_on: day(d),
            source: None,
            dispute: None,
        }
    })
}

/// Where a finding's severity comes from.
#[derive(Debug, Clone, Copy)]
pub enum Severity {
    Default,
    Score(f64),
    Vector(&'static str),
}

pub fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Default),
        prop_oneof![0.0f64..=10.0, Just(0.0), Just(10.0), Just(9.0), Just(7.0)]
            .prop_map(Severity::Score),
        prop::sample::select(&VECTORS[..]).prop_map(Severity::Vector),
    ]
}

pub fn set_severity(f: &mut Finding, s: Severity) {
    match s {
        Severity::Default => {
            f.cvss = None;
            f.cvss_score = None;
        }
        Severity::Score(x) => {
            f.cvss = None;
            f.cvss_score = Some(x);
        }
        Severity::Vector(v) => {
            f.cvss = Some(v.to_owned());
            f.cvss_score = None;
        }
    }
}

/// The severity s of section 3.3 (spec data: the kinds' default severities).
pub fn severity_of(f: &Finding) -> f64 {
    if let Some(v) = &f.cvss {
        return risk_core::cvss::base_score(v).unwrap() / 10.0;
    }
    if let Some(x) = f.cvss_score {
        return x / 10.0;
    }
    match f.kind {
        FindingKind::Vulnerability => 0.5,
        FindingKind::Misconfiguration => 0.4,
        FindingKind::Tls | FindingKind::EmailSecurity => 0.3,
        FindingKind::ExposedService => 0.6,
        FindingKind::MalwareInfection => 0.9,
        FindingKind::CredentialLeak => 0.7,
    }
}

pub fn epss() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), (0.0f64..=1.0).prop_map(Some), Just(Some(1.0))]
}

/// A finding (its id is set by the organisation). `resolved` is days after first_seen.
pub fn finding() -> impl Strategy<Value = Finding> {
    (
        prop::sample::select(&FindingKind::ALL[..]),
        severity(),
        epss(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(&ASSET[..]),
        offset(),
        prop::option::of(prop_oneof![0i64..=400, Just(0i64)]),
    )
        .prop_map(|(kind, sev, epss, kev, inet, crit, first, resolved)| {
            let mut f = Finding {
                id: String::new(),
                kind,
                cve: kev.then(|| "CVE-2024-3400".to_owned()),
                cvss: None,
                cvss_score: None,
                epss,
                kev,
                internet_facing: inet,
                asset_criticality: crit,
                first_seen: day(first),
                resolved_on: resolved.map(|r| day(first + r)),
                source: None,
                dispute: None,
            };
            set_severity(&mut f, sev);
            f
        })
}

pub fn attestation() -> impl Strategy<Value = Option<Attestation>> {
    prop::option::of(
        (
            prop::sample::select(&DSPT[..]),
            any::<bool>(),
            prop::option::weighted(
                0.3,
                prop_oneof![
                    0.0f64..=1.0,
                    0.0f64..0.03,
                    Just(0.0),
                    Just(1.0),
                    Just(0.0198),
                    Just(0.6)
                ],
            ),
        )
            .prop_map(|(d, ce, p)| Attestation {
                dspt_status: d,
                cyber_essentials_plus: ce,
                incident_probability: p,
            }),
    )
}

/// An organisation's content; dependencies as (target, criticality, access), resolved once the
/// number of organisations is known.
pub type RawOrg = (
    Vec<Assessment>,
    Vec<MetricObservation>,
    Vec<Finding>,
    Vec<(Index, Criticality, Access)>,
    Option<Attestation>,
    &'static str,
);

pub fn raw_org() -> impl Strategy<Value = RawOrg> {
    (
        prop::collection::vec(assessment(), 0..6),
        prop::collection::vec(metric(), 0..4),
        prop::collection::vec(finding(), 0..4),
        prop::collection::vec(
            (
                any::<Index>(),
                prop::sample::select(&CRIT[..]),
                prop::sample::select(&ACCESS[..]),
            ),
            0..4,
        ),
        attestation(),
        prop::sample::select(vec!["acute", "supplier", "icb"]),
    )
}

/// Organisation ids: not in sorted order, so that input order and id order differ.
pub const IDS: [&str; 6] = ["RBS", "SUP-A", "ICB-1", "SUP-B", "GP9", "CARE"];

pub fn portfolio() -> impl Strategy<Value = Portfolio> {
    prop::collection::vec(raw_org(), 2..=6).prop_map(|raws| {
        let n = raws.len();
        let organisations = raws
            .into_iter()
            .enumerate()
            .map(
                |(i, (assessments, metrics, mut findings, deps, attestation, pg))| {
                    for (j, f) in findings.iter_mut().enumerate() {
                        f.id = format!("F-{j}");
                    }
                    let mut dependencies: Vec<Dependency> = Vec::new();
                    for (t, criticality, access) in deps {
                        let t = t.index(n);
                        let supplier = IDS[t].to_owned();
                        if t != i && !dependencies.iter().any(|d| d.supplier == supplier) {
                            dependencies.push(Dependency {
                                supplier,
                                criticality,
                                access,
                                source: None,
                                dispute: None,
                            });
                        }
                    }
                    Organisation {
                        id: IDS[i].to_owned(),
                        name: (i % 2 == 0)
                            .then(|| format!("Org {i} \u{2014} \u{201c}NHS\u{201d} Trust")),
                        peer_group: pg.to_owned(),
                        assessments,
                        metrics,
                        findings,
                        dependencies,
                        attestation,
                        groups: Vec::new(),
                    }
                },
            )
            .collect();
        Portfolio {
            as_of: as_of(),
            organisations,
        }
    })
}
