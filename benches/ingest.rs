//! Criterion benchmark of OCSF ingest throughput.
//!
//! `cargo bench -p risk-core --bench ingest`. Exports of 20,000 OCSF 1.5.0 Vulnerability Findings
//! as JSON lines, generated in memory in the shape of `benches/ingest_1m.py` (the 1,000,000-event
//! run of BENCHMARKS.md): `distinct` keeps 20,000 findings, `repeated` re-reports 200. Each
//! iteration streams the export through a 64 KiB `BufReader` (as a file is read) and finishes the
//! ingest (the evidence document and report); throughput is in bytes of input.

use std::hint::black_box;
use std::io::{BufReader, Write};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use risk_core::ingest::{IngestOptions, Ingester};

const EVENTS: usize = 20_000;
const TENANTS: usize = 10;
const DAY: i64 = 86_400_000;
const BASE: i64 = 20_300 * DAY;
const VECTORS: [(&str, &str); 4] = [
    ("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    ("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
    (
        "4.0",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    ),
    ("3.1", "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N"),
];

/// `n` events as JSON lines, `distinct` distinct findings among them.
fn export(n: usize, distinct: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 700);
    let mut seed: u64 = 16;
    for i in 0..n {
        let k = i % distinct;
        let (ver, vec) = VECTORS[k % VECTORS.len()];
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let epss = (seed >> 11) as f64 / (1u64 << 53) as f64;
        writeln!(
            out,
            concat!(
                r#"{{"class_uid":2002,"class_name":"Vulnerability Finding","category_uid":2,"#,
                r#""category_name":"Findings","activity_id":1,"activity_name":"Create","#,
                r#""type_uid":200201,"severity_id":4,"status_id":{status},"time":{time},"#,
                r#""metadata":{{"version":"1.5.0","tenant_uid":"tenant-{tenant}","#,
                r#""product":{{"name":"Example Scanner","vendor_name":"Example"}}}},"#,
                r#""finding_info":{{"uid":"f-{k}","title":"Vulnerability","first_seen_time":{first}}},"#,
                r#""device":{{"uid":"host-{host}","type_id":1,"type":"Server"}},"#,
                r#""vulnerabilities":[{{"cve":{{"uid":"CVE-2024-{cve:05}","#,
                r#""cvss":[{{"version":"{ver}","vector_string":"{vec}","base_score":9.8}}],"#,
                r#""epss":{{"score":"{epss:.5}"}}}},"title":"CVE"}}]}}"#
            ),
            status = if k % 7 == 0 { 4 } else { 1 },
            time = BASE + (i % 50) as i64 * DAY,
            tenant = k % TENANTS,
            k = k,
            first = BASE - (k % 90) as i64 * DAY,
            host = k / 3,
            cve = 10_000 + k % 3,
            ver = ver,
            vec = vec,
            epss = epss,
        )
        .expect("write to a Vec");
    }
    out
}

fn options() -> IngestOptions {
    let mut o = IngestOptions::new("2025-09-30".parse().expect("date"));
    for t in 0..TENANTS {
        o.attribution
            .tenant_uid
            .insert(format!("tenant-{t}"), format!("ORG{t:03}"));
    }
    o
}

fn ingest_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("ingest_ocsf");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    for (name, distinct) in [("distinct", EVENTS), ("repeated", EVENTS / 100)] {
        let bytes = export(EVENTS, distinct);
        // The export is what it says: every event read, the findings kept.
        let mut check = Ingester::new(options());
        check.read_ocsf(&bytes[..], "bench").expect("ingest");
        let out = check.finish().expect("finish");
        assert_eq!(out.report.records_read, EVENTS as u64);
        assert_eq!(out.report.findings, distinct as u64);
        assert!(out.report.problems.is_empty(), "{:?}", out.report.problems);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("jsonl", name), &bytes, |b, bytes| {
            b.iter(|| {
                let mut ing = Ingester::new(options());
                let reader = BufReader::with_capacity(1 << 16, &bytes[..]);
                ing.read_ocsf(reader, "bench").expect("ingest");
                black_box(ing.finish().expect("finish"))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, ingest_benches);
criterion_main!(benches);
