//! Criterion benchmarks of the rating engine.
//!
//! `cargo bench -p risk-core --bench rate` (add `--features parallel` for the rayon build).
//! Groups: one large trust (rate, what-if, plan), the national sample (parse, check, rate, and
//! end to end from JSON), and growth with size (10³ to 10⁵ organisations).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Action, Methodology, Portfolio, validate};

/// The default sample's acute trust with the most evidence items and dependencies.
fn large_trust(p: &Portfolio) -> String {
    p.organisations
        .iter()
        .filter(|o| o.peer_group == "acute")
        .max_by_key(|o| {
            (
                o.findings.len() + o.assessments.len() + o.dependencies.len(),
                o.id.clone(),
            )
        })
        .expect("the sample has acute trusts")
        .id
        .clone()
}

fn large_trust_benches(c: &mut Criterion) {
    let m = Methodology::default();
    let doc = sample_portfolio(&SampleConfig::default());
    let id = large_trust(&doc);
    let prepared = validate(&doc, &m).unwrap();
    let org = doc.organisations.iter().find(|o| o.id == id).unwrap();
    eprintln!(
        "large trust {id}: {} assessments, {} metrics, {} findings, {} dependencies",
        org.assessments.len(),
        org.metrics.len(),
        org.findings.len(),
        org.dependencies.len()
    );
    let finding = org
        .findings
        .iter()
        .find(|f| f.resolved_on.is_none())
        .map(|f| f.id.clone());
    let mut g = c.benchmark_group("large_trust");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("rate_portfolio_300", |b| {
        b.iter(|| black_box(prepared.rate()))
    });
    if let Some(f) = finding {
        let actions = [Action::ResolveFinding { finding: f }];
        g.bench_function("what_if", |b| {
            b.iter(|| black_box(prepared.what_if(&id, &actions).unwrap()))
        });
    }
    g.bench_function("plan_top10", |b| {
        b.iter(|| black_box(prepared.plan(&id, 10).unwrap()))
    });
    g.finish();
}

fn national_benches(c: &mut Criterion) {
    let m = Methodology::default();
    let doc = sample_portfolio(&SampleConfig::national(42));
    let json = serde_json::to_string(&doc).unwrap();
    let prepared = validate(&doc, &m).unwrap();
    let mut g = c.benchmark_group("national_50k");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("parse_json", |b| {
        b.iter(|| black_box(risk_core::parse_portfolio(&json).unwrap()))
    });
    g.throughput(Throughput::Elements(doc.organisations.len() as u64));
    g.bench_function("validate", |b| {
        b.iter(|| black_box(validate(&doc, &m).unwrap()))
    });
    g.bench_function("rate_prepared", |b| b.iter(|| black_box(prepared.rate())));
    g.bench_function("rate_json_end_to_end", |b| {
        b.iter(|| black_box(risk_core::rate_json(&json, &m).unwrap()))
    });
    g.finish();
}

fn growth_benches(c: &mut Criterion) {
    let m = Methodology::default();
    let mut g = c.benchmark_group("growth");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in [1_000usize, 10_000, 100_000] {
        let doc = sample_portfolio(&SampleConfig {
            organisations: n,
            ..SampleConfig::default()
        });
        let prepared = validate(&doc, &m).unwrap();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("rate_prepared", n), &prepared, |b, p| {
            b.iter(|| black_box(p.rate()))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    large_trust_benches,
    national_benches,
    growth_benches
);
criterion_main!(benches);
