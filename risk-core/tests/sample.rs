//! The sample-portfolio generator through the public API: determinism, round trip, the
//! referential rules of the input document, and the shape of the default and national samples.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use proptest::prelude::*;
use risk_core::sample::{SampleConfig, SampleMix, kev_catalogue, sample_portfolio};
use risk_core::{
    AssetCriticality, Assurance, Basis, Date, DsptStatus, FindingKind, Methodology, Organisation,
    Outcome, Portfolio, parse_portfolio, rate, validate,
};

const PEER_GROUPS: [&str; 9] = [
    "acute",
    "mental_health",
    "community",
    "ambulance",
    "specialist",
    "icb",
    "gp_practice",
    "care_provider",
    "supplier",
];

fn default_sample() -> Portfolio {
    sample_portfolio(&SampleConfig::default())
}

fn is_control_id(c: &str) -> bool {
    let b = c.as_bytes();
    b.len() == 4
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b[2] == b'.'
        && b[3].is_ascii_lowercase()
}

fn is_cve_id(c: &str) -> bool {
    let parts: Vec<&str> = c.split('-').collect();
    parts.len() == 3
        && parts[0] == "CVE"
        && parts[1].len() == 4
        && parts[2].len() >= 4
        && parts[1]
            .bytes()
            .chain(parts[2].bytes())
            .all(|b| b.is_ascii_digit())
}

/// A CVSS vector the methodology accepts: a known prefix, each base metric exactly once (the
/// `cvss` crate alone tolerates missing ones), and parsed by the `cvss` crate.
fn is_complete_vector(v: &str) -> bool {
    let base: &[&str] = if v.starts_with("CVSS:3.0/") || v.starts_with("CVSS:3.1/") {
        &["AV", "AC", "PR", "UI", "S", "C", "I", "A"]
    } else if v.starts_with("CVSS:4.0/") {
        &[
            "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
        ]
    } else {
        return false;
    };
    let keys: Vec<&str> = v
        .split('/')
        .skip(1)
        .filter_map(|m| m.split_once(':'))
        .map(|(k, _)| k)
        .collect();
    base.iter()
        .all(|b| keys.iter().filter(|k| *k == b).count() == 1)
        && v.parse::<cvss::Cvss>().is_ok()
}

fn has_evidence(o: &Organisation) -> bool {
    !o.assessments.is_empty() || !o.metrics.is_empty() || !o.findings.is_empty()
}

/// Every rule of the input document (methodology section 1) that a generator can break, plus
/// the sample's own promises (known controls and metrics, valid vectors, KEV flags). Returns
/// the violations found.
fn violations(p: &Portfolio) -> Vec<String> {
    let m = Methodology::default();
    let kev: BTreeSet<&str> = kev_catalogue()
        .listed()
        .iter()
        .map(|v| v.cve_id.as_str())
        .collect();
    let catalogue: BTreeSet<&str> = m
        .doc()
        .controls
        .catalogue
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let mut bad = Vec::new();
    let mut ids = BTreeMap::new();
    for o in &p.organisations {
        if o.id.is_empty() {
            bad.push("empty id".to_owned());
        }
        if ids.insert(o.id.as_str(), o.peer_group.as_str()).is_some() {
            bad.push(format!("duplicate id {}", o.id));
        }
    }
    for o in &p.organisations {
        let at = &o.id;
        if o.name.as_deref().is_none_or(str::is_empty) {
            bad.push(format!("{at}: no name"));
        }
        if !PEER_GROUPS.contains(&o.peer_group.as_str()) {
            bad.push(format!("{at}: peer group {}", o.peer_group));
        }
        for a in &o.assessments {
            if !is_control_id(&a.control) || m.control_factor(&a.control).is_none() {
                bad.push(format!("{at}: control {}", a.control));
            }
            if !a.control.starts_with('E') && !catalogue.contains(a.control.as_str()) {
                bad.push(format!("{at}: {} is not a CAF v4.0 outcome", a.control));
            }
            if a.assessed_on > p.as_of {
                bad.push(format!("{at}: {} assessed after as_of", a.control));
            }
        }
        for x in &o.metrics {
            if m.metric_index(&x.metric).is_none() {
                bad.push(format!("{at}: metric {}", x.metric));
            }
            if x.trials < 1 || x.successes > x.trials || x.trials > 1 << 53 {
                bad.push(format!("{at}: {} {}/{}", x.metric, x.successes, x.trials));
            }
            if x.observed_on > p.as_of {
                bad.push(format!("{at}: {} observed after as_of", x.metric));
            }
        }
        let mut finding_ids = BTreeSet::new();
        for f in &o.findings {
            if f.id.is_empty() || !finding_ids.insert(f.id.as_str()) {
                bad.push(format!("{at}: finding id {:?}", f.id));
            }
            if let Some(r) = f.resolved_on {
                if r < f.first_seen || r > p.as_of {
                    bad.push(format!(
                        "{at}/{}: resolved {r}, first seen {}",
                        f.id, f.first_seen
                    ));
                }
            }
            if let Some(v) = &f.cvss {
                if !is_complete_vector(v) {
                    bad.push(format!("{at}/{}: vector {v}", f.id));
                }
            }
            if f.cvss_score.is_some_and(|s| !(0.0..=10.0).contains(&s)) {
                bad.push(format!("{at}/{}: cvss_score", f.id));
            }
            if f.epss.is_some_and(|e| !(0.0..=1.0).contains(&e)) {
                bad.push(format!("{at}/{}: epss", f.id));
            }
            match &f.cve {
                Some(c) if !is_cve_id(c) => bad.push(format!("{at}/{}: cve {c}", f.id)),
                Some(c) if f.kev != kev.contains(c.as_str()) => {
                    bad.push(format!("{at}/{}: kev flag for {c}", f.id))
                }
                None if f.kev => bad.push(format!("{at}/{}: kev without a cve", f.id)),
                _ => {}
            }
        }
        let mut suppliers = BTreeSet::new();
        for d in &o.dependencies {
            match ids.get(d.supplier.as_str()) {
                None => bad.push(format!("{at}: unknown supplier {}", d.supplier)),
                Some(&g) if g != "supplier" => {
                    bad.push(format!("{at}: depends on {} ({g})", d.supplier))
                }
                _ => {}
            }
            if d.supplier == o.id {
                bad.push(format!("{at}: depends on itself"));
            }
            if !suppliers.insert(d.supplier.as_str()) {
                bad.push(format!("{at}: {} listed twice", d.supplier));
            }
        }
        if let Some(a) = &o.attestation {
            if a.incident_probability
                .is_some_and(|x| !(0.0..=1.0).contains(&x))
            {
                bad.push(format!("{at}: incident_probability"));
            }
        }
    }
    bad
}

fn assert_valid(p: &Portfolio) {
    let v = violations(p);
    assert!(
        v.is_empty(),
        "{} violations, first: {:?}",
        v.len(),
        &v[..v.len().min(10)]
    );
}

fn by_group<'a>(p: &'a Portfolio, group: &str) -> Vec<&'a Organisation> {
    p.organisations
        .iter()
        .filter(|o| o.peer_group == group)
        .collect()
}

/// Strongly connected components with more than one member (Tarjan, iterative).
fn cycles(p: &Portfolio) -> Vec<Vec<usize>> {
    let index: BTreeMap<&str, usize> = p
        .organisations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    let adj: Vec<Vec<usize>> = p
        .organisations
        .iter()
        .map(|o| {
            o.dependencies
                .iter()
                .map(|d| index[d.supplier.as_str()])
                .collect()
        })
        .collect();
    let n = adj.len();
    let (mut idx, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut out, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if idx[root] != usize::MAX {
            continue;
        }
        let mut call = vec![(root, 0usize)];
        idx[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on[root] = true;
        while let Some(&mut (v, ref mut e)) = call.last_mut() {
            if *e < adj[v].len() {
                let w = adj[v][*e];
                *e += 1;
                if idx[w] == usize::MAX {
                    idx[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on[w] = true;
                    call.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(idx[w]);
                }
            } else {
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == idx[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if comp.len() > 1 {
                        out.push(comp);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn same_seed_same_document_different_seed_different_document() {
    let a = default_sample();
    let b = default_sample();
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let c = sample_portfolio(&SampleConfig {
        seed: 43,
        ..SampleConfig::default()
    });
    assert_ne!(a, c);
    assert_eq!(c.organisations.len(), a.organisations.len());
    // The skeleton (ids, peer groups) depends on the size only; the evidence on the seed.
    assert!(
        a.organisations
            .iter()
            .zip(&c.organisations)
            .all(|(x, y)| x.id == y.id && x.peer_group == y.peer_group)
    );
    assert!(
        a.organisations
            .iter()
            .zip(&c.organisations)
            .filter(|(x, y)| x.findings != y.findings)
            .count()
            > 100
    );
}

#[test]
fn as_of_moves_the_evidence_with_it() {
    let later = Date::from_ymd(2026, 3, 31).unwrap();
    let p = sample_portfolio(&SampleConfig {
        as_of: later,
        ..SampleConfig::default()
    });
    assert_eq!(p.as_of, later);
    assert_valid(&p);
    // Current assessments fall in the two years before as_of; superseded ones up to 450 days
    // before the assessment that replaced them.
    let earliest = p
        .organisations
        .iter()
        .flat_map(|o| &o.assessments)
        .map(|a| a.assessed_on)
        .min()
        .unwrap();
    assert!(later.days_since(earliest) <= 729 + 450, "{earliest}");
    for o in &p.organisations {
        let mut latest: BTreeMap<&str, Date> = BTreeMap::new();
        for a in &o.assessments {
            let e = latest.entry(a.control.as_str()).or_insert(a.assessed_on);
            *e = (*e).max(a.assessed_on);
        }
        assert!(
            latest.values().all(|&d| later.days_since(d) <= 729),
            "{}",
            o.id
        );
    }
    let earliest_seen = p
        .organisations
        .iter()
        .flat_map(|o| &o.findings)
        .map(|f| f.first_seen)
        .min()
        .unwrap();
    assert!(later.days_since(earliest_seen) <= 729, "{earliest_seen}");
}

#[test]
fn serialises_and_parses_back_equal() {
    for config in [
        SampleConfig::default(),
        SampleConfig {
            organisations: 37,
            seed: 9,
            ..SampleConfig::default()
        },
    ] {
        let p = sample_portfolio(&config);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(parse_portfolio(&json).unwrap(), p);
        let pretty = serde_json::to_string_pretty(&p).unwrap();
        assert_eq!(parse_portfolio(&pretty).unwrap(), p);
    }
}

#[test]
fn default_sample_keeps_every_rule() {
    assert_valid(&default_sample());
}

#[test]
fn a_broken_document_is_caught_by_the_rule_checker() {
    // The checker itself must be able to fail.
    let mut p = default_sample();
    let first = p.organisations[0].id.clone();
    p.organisations[0].dependencies[0].supplier = first;
    p.organisations[1].metrics[0].successes = p.organisations[1].metrics[0].trials + 1;
    let f = &mut p.organisations[2].findings;
    f[1].id = f[0].id.clone();
    f[0].resolved_on = Some(f[0].first_seen.add_days(-1).unwrap());
    f[0].cvss = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H".to_owned());
    p.organisations[3].assessments[0].control = "Z9.z".to_owned();
    let v = violations(&p);
    for needle in [
        "depends on itself",
        "/",
        "finding id",
        "resolved",
        "vector",
        "control Z9.z",
    ] {
        assert!(
            v.iter().any(|x| x.contains(needle)),
            "{needle} not reported in {v:?}"
        );
    }
}

#[test]
fn sizes_follow_the_mix() {
    for n in [0, 1, 2, 3, 5, 7, 12, 50, 299, 300, 301, 1_000, 12_000] {
        let mix = SampleMix::for_size(n);
        assert_eq!(mix.total(), n, "n={n}");
        let p = sample_portfolio(&SampleConfig {
            organisations: n,
            ..SampleConfig::default()
        });
        assert_eq!(p.organisations.len(), n);
        for (group, count) in mix.by_peer_group() {
            assert_eq!(by_group(&p, group).len(), count, "n={n} {group}");
        }
        if n <= 1_000 {
            assert_valid(&p);
        }
    }
    // 300: 60 NHS bodies (48% acute … 13% ICBs, largest remainders), 13% GP practices,
    // 30% care providers, the rest suppliers.
    let mix = SampleMix::for_size(300);
    assert_eq!(
        mix.by_peer_group().map(|(_, c)| c),
        [29, 12, 5, 2, 4, 8, 39, 90, 111]
    );
    // 111 suppliers: 111/12 = 9 platform, 15% of the other 102 = 15 regional, 87 local.
    assert_eq!(
        (
            mix.platform_suppliers,
            mix.regional_suppliers,
            mix.local_suppliers
        ),
        (9, 15, 87)
    );
}

#[test]
fn default_sample_has_the_promised_shape() {
    let p = default_sample();
    acute_trusts_have_the_promised_shape(&p);
    small_organisations_and_suppliers_have_the_promised_shape(&p);
}

/// Acute trusts: item counts, every finding kind, EPR and network suppliers, superseded and
/// aged assessments, DSPT E outcomes, repeated metrics, and every case of finding.
fn acute_trusts_have_the_promised_shape(p: &Portfolio) {
    let acute = by_group(p, "acute");
    assert!(!acute.is_empty());
    for o in &acute {
        let distinct_metrics: BTreeSet<&str> =
            o.metrics.iter().map(|m| m.metric.as_str()).collect();
        let kinds: BTreeSet<FindingKind> = o.findings.iter().map(|f| f.kind).collect();
        assert!(
            (30..=50).contains(&o.assessments.len()),
            "{} assessments",
            o.assessments.len()
        );
        assert!(
            (6..=11).contains(&distinct_metrics.len()),
            "{} metrics",
            distinct_metrics.len()
        );
        assert!(
            (50..=300).contains(&o.findings.len()),
            "{} findings",
            o.findings.len()
        );
        assert_eq!(kinds.len(), 7, "{}: finding kinds {kinds:?}", o.id);
        assert!(
            (10..=40).contains(&o.dependencies.len()),
            "{} dependencies",
            o.dependencies.len()
        );
        assert!(
            o.dependencies
                .iter()
                .any(|d| d.supplier.starts_with("SUP-EPR")),
            "{}: no EPR",
            o.id
        );
        assert!(
            o.dependencies
                .iter()
                .any(|d| d.supplier.starts_with("SUP-NET")),
            "{}: no network",
            o.id
        );
    }
    let assessments: Vec<_> = acute.iter().flat_map(|o| &o.assessments).collect();
    let assurances: BTreeSet<Assurance> = assessments.iter().map(|a| a.assurance).collect();
    let outcomes: BTreeSet<Outcome> = assessments.iter().map(|a| a.outcome).collect();
    assert_eq!(assurances.len(), 3);
    assert_eq!(outcomes.len(), 4);
    let superseded = acute
        .iter()
        .filter(|o| {
            let controls: BTreeSet<&str> =
                o.assessments.iter().map(|a| a.control.as_str()).collect();
            controls.len() < o.assessments.len()
        })
        .count();
    assert!(
        superseded * 2 > acute.len(),
        "only {superseded} trusts have superseded assessments"
    );
    let days: Vec<i64> = assessments
        .iter()
        .map(|a| p.as_of.days_since(a.assessed_on))
        .collect();
    assert!(
        days.iter().all(|&d| d >= 0)
            && *days.iter().max().unwrap() > 600
            && *days.iter().min().unwrap() < 30
    );
    let e_ids = p
        .organisations
        .iter()
        .flat_map(|o| &o.assessments)
        .filter(|a| a.control.starts_with('E'))
        .count();
    let all = p
        .organisations
        .iter()
        .map(|o| o.assessments.len())
        .sum::<usize>();
    assert!(
        e_ids > 0 && e_ids * 10 < all,
        "{e_ids} of {all} assessments are DSPT E outcomes"
    );
    assert!(acute.iter().any(|o| {
        let mut seen = BTreeSet::new();
        o.metrics.iter().any(|m| !seen.insert(&m.metric))
    }));

    acute_findings_cover_every_case(p, &acute);
}

/// The acute trusts' findings: every CVSS version and fallback, KEV, EPSS, exposure, future,
/// open, fixed fast and late, every asset criticality.
fn acute_findings_cover_every_case(p: &Portfolio, acute: &[&Organisation]) {
    let findings: Vec<_> = acute.iter().flat_map(|o| &o.findings).collect();
    let count = |f: &dyn Fn(&&risk_core::Finding) -> bool| findings.iter().filter(|x| f(x)).count();
    let vector = |p: &'static str| {
        move |f: &&risk_core::Finding| f.cvss.as_deref().is_some_and(|v| v.starts_with(p))
    };
    assert!(count(&vector("CVSS:3.1/")) > 0);
    assert!(count(&vector("CVSS:3.0/")) > 0);
    assert!(count(&vector("CVSS:4.0/")) > 0);
    assert!(count(&|f| f.cvss.is_none() && f.cvss_score.is_some()) > 0);
    assert!(count(&|f| f.cvss.is_none() && f.cvss_score.is_none()) > 0);
    assert!(count(&|f| f.kev) > 0 && count(&|f| f.cve.is_some() && !f.kev) > 0);
    assert!(count(&|f| f.epss.is_some()) > 0 && count(&|f| f.internet_facing) > 0);
    assert!(count(&|f| f.first_seen > p.as_of) > 0);
    assert!(count(&|f| f.first_seen <= p.as_of && f.resolved_on.is_none()) > 0);
    assert!(
        count(&|f| f
            .resolved_on
            .is_some_and(|r| r.days_since(f.first_seen) <= 14))
            > 0
    );
    assert!(
        count(&|f| f
            .resolved_on
            .is_some_and(|r| r.days_since(f.first_seen) > 90))
            > 0
    );
    let criticalities: BTreeSet<AssetCriticality> =
        findings.iter().map(|f| f.asset_criticality).collect();
    assert_eq!(criticalities.len(), 4);
}

/// GP practices and care providers hold few items (many care providers only an attestation);
/// suppliers: some with evidence, many attestation-only, a spread of attestations.
fn small_organisations_and_suppliers_have_the_promised_shape(p: &Portfolio) {
    // GP practices and care providers hold few items; many care providers only an attestation.
    for o in by_group(p, "gp_practice")
        .iter()
        .chain(&by_group(p, "care_provider"))
    {
        assert!(
            o.assessments.len() <= 8 && o.findings.len() <= 4 && o.dependencies.len() <= 4,
            "{}",
            o.id
        );
    }
    let care = by_group(p, "care_provider");
    let attestation_only = care
        .iter()
        .filter(|o| !has_evidence(o) && o.dependencies.is_empty() && o.attestation.is_some())
        .count();
    assert!(
        attestation_only * 10 >= care.len() * 4,
        "{attestation_only} of {}",
        care.len()
    );

    // Suppliers: some with evidence, many attestation-only, a spread of attestations.
    let suppliers = by_group(p, "supplier");
    let with_evidence = suppliers.iter().filter(|o| has_evidence(o)).count();
    let only = suppliers
        .iter()
        .filter(|o| !has_evidence(o) && o.attestation.is_some())
        .count();
    assert!(
        with_evidence >= 10 && only * 2 > suppliers.len(),
        "{with_evidence} with evidence, {only} attestation-only"
    );
    let attestations: Vec<_> = p
        .organisations
        .iter()
        .filter_map(|o| o.attestation.as_ref())
        .collect();
    let statuses: BTreeSet<DsptStatus> = attestations.iter().map(|a| a.dspt_status).collect();
    assert_eq!(statuses.len(), 4);
    assert!(
        attestations.iter().any(|a| a.cyber_essentials_plus)
            && attestations.iter().any(|a| !a.cyber_essentials_plus)
    );
    assert!(
        attestations
            .iter()
            .any(|a| a.incident_probability.is_some())
    );
    assert!(
        p.organisations
            .iter()
            .any(|o| o.attestation.is_none() && !has_evidence(o))
    );
}

#[test]
fn supplier_graph_is_shared_layered_and_has_a_few_cycles() {
    let p = default_sample();
    let mut dependents: BTreeMap<&str, usize> = BTreeMap::new();
    for d in p.organisations.iter().flat_map(|o| &o.dependencies) {
        *dependents.entry(d.supplier.as_str()).or_default() += 1;
    }
    let top = dependents.values().max().copied().unwrap_or(0);
    assert!(top >= 30, "most depended-on supplier has {top} dependants");
    for prefix in ["SUP-EPR", "SUP-PATH", "SUP-PACS", "SUP-NET", "SUP-CLOUD"] {
        let n: usize = dependents
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v)
            .sum();
        assert!(n >= 10, "{prefix}: {n} dependants");
    }
    let suppliers = by_group(&p, "supplier");
    let chained = suppliers
        .iter()
        .filter(|o| !o.dependencies.is_empty())
        .count();
    assert!(chained >= 10, "{chained} suppliers depend on sub-suppliers");
    let mut criticalities = BTreeSet::new();
    let mut accesses = BTreeSet::new();
    for d in p.organisations.iter().flat_map(|o| &o.dependencies) {
        criticalities.insert(d.criticality);
        accesses.insert(d.access);
    }
    assert_eq!((criticalities.len(), accesses.len()), (4, 4));
    // 2 + suppliers/5000 cycles are added; they may share members, so at most that many.
    let components = cycles(&p);
    assert!(
        (1..=2).contains(&components.len()),
        "{} cyclic components",
        components.len()
    );
    let national_cycles = cycles(&sample_portfolio(&SampleConfig {
        organisations: 12_000,
        ..SampleConfig::default()
    }));
    assert!(!national_cycles.is_empty() && national_cycles.len() <= 2 + 12_000 / 5000);
}

#[test]
fn names_and_ids_are_invented() {
    let p = default_sample();
    let mut names = BTreeSet::new();
    for o in &p.organisations {
        let name = o.name.as_deref().unwrap();
        let nhs_body = !matches!(
            o.peer_group.as_str(),
            "gp_practice" | "care_provider" | "supplier"
        );
        if nhs_body {
            assert!(name.contains("NHS"), "{name}");
            assert!(names.insert(name), "duplicate trust name {name}");
            // Four characters: real ODS trust and ICB codes have three.
            let expected = if o.peer_group == "icb" { 'Q' } else { 'R' };
            assert!(o.id.len() == 4 && o.id.starts_with(expected), "{}", o.id);
        }
    }
}

#[test]
fn kev_excerpt_is_a_well_formed_catalogue_excerpt() {
    // The excerpt is CISA's published format (the fields the feed reader does not keep are
    // checked on the raw JSON); the sample reads it with the feed reader.
    let raw: serde_json::Value =
        serde_json::from_str(risk_core::sample::KEV_EXCERPT_JSON).expect("JSON");
    assert_eq!(
        raw["title"],
        "CISA Catalog of Known Exploited Vulnerabilities"
    );
    for v in raw["vulnerabilities"].as_array().expect("a list") {
        for field in ["vendorProject", "product", "vulnerabilityName"] {
            assert!(v[field].as_str().is_some_and(|s| !s.is_empty()), "{v}");
        }
        let ransomware = v["knownRansomwareCampaignUse"].as_str();
        assert!(matches!(ransomware, Some("Known" | "Unknown")), "{v}");
    }
    let kev = kev_catalogue();
    let meta = kev.meta();
    assert_eq!(meta.catalog_version.as_deref(), Some("2025.08.25"));
    assert!(
        meta.date_released
            .as_deref()
            .is_some_and(|d| d.starts_with("2025-08-25"))
    );
    assert_eq!(meta.stated_count, Some(kev.len() as u64));
    assert!((30..=50).contains(&kev.len()));
    let ids: BTreeSet<&str> = kev.listed().iter().map(|v| v.cve_id.as_str()).collect();
    assert_eq!(ids.len(), kev.len());
    for v in kev.listed() {
        assert!(is_cve_id(&v.cve_id), "{}", v.cve_id);
        // Every entry has its date (the sample dates its findings from it).
        assert!(
            v.date_added
                .is_some_and(|d| d <= Date::from_ymd(2025, 8, 25).unwrap()),
            "{}",
            v.cve_id
        );
    }
    // Newest first, as the catalogue lists them.
    assert!(
        kev.listed()
            .windows(2)
            .all(|w| w[0].date_added >= w[1].date_added)
    );
    // Every excerpt entry is cited somewhere in the national sample.
    let p = sample_portfolio(&SampleConfig {
        organisations: 5_000,
        ..SampleConfig::default()
    });
    let cited: BTreeSet<&str> = p
        .organisations
        .iter()
        .flat_map(|o| &o.findings)
        .filter_map(|f| f.cve.as_deref())
        .collect();
    assert!(ids.is_subset(&cited));
}

#[test]
fn national_sample_has_the_national_shape() {
    let config = SampleConfig::national(42);
    assert_eq!(config.organisations, 50_000);
    let start = Instant::now();
    let p = sample_portfolio(&config);
    eprintln!(
        "national sample generated in {:.3} s (this build profile)",
        start.elapsed().as_secs_f64()
    );
    let mix = config.mix();
    assert_eq!(
        mix.by_peer_group().map(|(_, c)| c),
        [120, 50, 20, 10, 18, 32, 6_500, 15_000, 28_250]
    );
    assert_eq!(mix.nhs_bodies(), 250);
    for (group, count) in mix.by_peer_group() {
        assert_eq!(by_group(&p, group).len(), count, "{group}");
    }
    assert_valid(&p);
    let acute = by_group(&p, "acute");
    assert!(acute.iter().all(|o| (50..=300).contains(&o.findings.len())));
    let findings: usize = p.organisations.iter().map(|o| o.findings.len()).sum();
    assert!(findings > 30_000, "{findings} findings");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any size and seed gives a document that keeps every rule and has the requested size.
    #[test]
    fn any_size_and_seed_keeps_every_rule(n in 0usize..400, seed in any::<u64>()) {
        let p = sample_portfolio(&SampleConfig { organisations: n, seed, ..SampleConfig::default() });
        prop_assert_eq!(p.organisations.len(), n);
        let v = violations(&p);
        prop_assert!(v.is_empty(), "{:?}", &v[..v.len().min(5)]);
    }
}

#[test]
fn samples_validate_without_problems() {
    let m = Methodology::default();
    for config in [
        SampleConfig::default(),
        SampleConfig {
            seed: 1,
            ..SampleConfig::default()
        },
        SampleConfig {
            organisations: 7,
            seed: 2,
            ..SampleConfig::default()
        },
        SampleConfig {
            organisations: 2_000,
            seed: 3,
            ..SampleConfig::default()
        },
    ] {
        let p = sample_portfolio(&config);
        if let Err(e) = validate(&p, &m) {
            panic!(
                "{config:?}: {:?}",
                &e.problems()[..e.problems().len().min(10)]
            );
        }
    }
}

#[test]
fn default_sample_rates_into_a_spread_of_bands_and_bases() {
    let m = Methodology::default();
    let p = default_sample();
    let rating = rate(&p, &m).unwrap();
    assert_eq!(rating.ratings.len(), p.organisations.len());
    let bases: std::collections::HashSet<Basis> = rating.ratings.iter().map(|r| r.basis).collect();
    assert_eq!(bases.len(), 3, "{bases:?}");
    let bands: BTreeSet<&str> = rating.ratings.iter().map(|r| r.band.as_str()).collect();
    assert!(bands.len() >= 4, "{bands:?}");
    let groups: BTreeSet<&str> = rating
        .peer_groups
        .iter()
        .map(|g| g.peer_group.as_str())
        .collect();
    assert_eq!(groups, PEER_GROUPS.into_iter().collect());
    // The most systemic suppliers are the shared platforms (ids SUP-<CATEGORY><n>).
    let top = &rating.suppliers[0];
    assert!(
        top.id.starts_with("SUP-") && !top.id[4..5].chars().all(|c| c.is_ascii_digit()),
        "{}",
        top.id
    );
    // Supply-chain risk reaches the trusts.
    let acute_supply = rating
        .ratings
        .iter()
        .filter(|r| r.peer_group == "acute")
        .map(|r| r.supply_probability);
    assert!(acute_supply.clone().all(|s| s > 0.0));
    // Some acute trusts' drivers include a KEV-listed finding.
    let kev_driven = rating
        .ratings
        .iter()
        .filter(|r| r.drivers.iter().any(|d| d.reason.contains("KEV")))
        .count();
    assert!(kev_driven > 0);
}

#[test]
fn national_sample_validates_and_rates() {
    let m = Methodology::default();
    let p = sample_portfolio(&SampleConfig::national(42));
    let start = Instant::now();
    let rating = rate(&p, &m).unwrap();
    eprintln!(
        "national sample rated in {:.3} s (this build profile)",
        start.elapsed().as_secs_f64()
    );
    assert_eq!(rating.ratings.len(), 50_000);
    assert_eq!(rating.peer_groups.len(), 9);
}
