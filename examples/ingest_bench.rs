//! Measure ingest throughput and peak memory on a large OCSF export (benches/ingest_1m.sh makes
//! one): streams the file (`read_s`: reading and collecting every event; `ingest_s` adds
//! `finish`, which builds the evidence document), then rates the evidence with explicit limits (the default limits
//! allow 100,000 findings per organisation). Prints one JSON line of figures.
//!
//! ```text
//! cargo run --release --example ingest_bench -- FILE.jsonl [--tenants N] [--no-rate]
//! ```

use std::fs::File;
use std::io::BufReader;
use std::time::Instant;

use risk_core::ingest::{IngestOptions, Ingester};
use risk_core::{Limits, Methodology, validate_with_limits};

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`), or -1 elsewhere.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(-1.0, |kib| kib / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: ingest_bench FILE [--tenants N] [--no-rate]");
    let mut tenants = 10usize;
    let mut do_rate = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--tenants" => tenants = args.next().and_then(|v| v.parse().ok()).expect("N"),
            "--no-rate" => do_rate = false,
            other => panic!("unknown argument {other}"),
        }
    }
    let bytes = std::fs::metadata(&path).expect("input").len();
    let mut o = IngestOptions::new("2025-09-30".parse().expect("date"));
    for t in 0..tenants {
        o.attribution
            .tenant_uid
            .insert(format!("tenant-{t}"), format!("ORG{t:03}"));
    }
    let before = peak_mib();
    let t0 = Instant::now();
    let mut ing = Ingester::new(o);
    let reader = BufReader::with_capacity(1 << 16, File::open(&path).expect("open"));
    ing.read_ocsf(reader, &path).expect("ingest");
    let read_s = t0.elapsed().as_secs_f64();
    let out = ing.finish().expect("finish");
    let ingest_s = t0.elapsed().as_secs_f64();
    let after_ingest = peak_mib();
    let mut rate_s = f64::NAN;
    if do_rate {
        let t1 = Instant::now();
        let limits = Limits {
            max_items_per_list: usize::MAX,
            ..Limits::default()
        };
        let rating = validate_with_limits(&out.portfolio, &Methodology::default(), &limits)
            .expect("valid")
            .rate();
        rate_s = t1.elapsed().as_secs_f64();
        assert_eq!(rating.ratings.len(), out.portfolio.organisations.len());
    }
    println!(
        "{{\"file_mb\": {:.1}, \"records\": {}, \"findings\": {}, \"read_s\": {:.3}, \"read_mb_per_s\": {:.1}, \
         \"ingest_s\": {:.3}, \"mb_per_s\": {:.1}, \
         \"rate_s\": {:.3}, \"peak_mib_before\": {:.1}, \"peak_mib_after_ingest\": {:.1}, \"peak_mib_end\": {:.1}}}",
        bytes as f64 / 1e6,
        out.report.records_read,
        out.report.findings,
        read_s,
        bytes as f64 / 1e6 / read_s,
        ingest_s,
        bytes as f64 / 1e6 / ingest_s,
        rate_s,
        before,
        after_ingest,
        peak_mib()
    );
}
