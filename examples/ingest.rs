//! Telemetry exports in, a portfolio document out: OCSF 1.x events (JSON array or JSON lines)
//! and Nessus v2 (`.nessus`) files, attributed to organisations by a mapping you give.
//!
//! ```text
//! cargo run --release --example ingest -- --options tests/fixtures/ingest/options.json \
//!     --kev tests/fixtures/ingest/kev.json tests/fixtures/ingest/exports/
//! cargo run --release --example ingest -- --as-of 2025-09-30 --attribution map.json \
//!     --base portfolio.json --out rated-input.json --rate exports/*.jsonl scan.nessus
//! ```
//!
//! * Inputs are files or folders (every `.json`, `.jsonl`, `.ndjson`, `.ocsf` and `.nessus` file
//!   in a folder, in name order); each file is streamed, never read whole.
//! * `--options FILE`: the ingest options as JSON (`as_of`, `attribution`,
//!   `segmented_networks`, `compliance_assurance`, `limits`); `--as-of DATE`,
//!   `--attribution FILE` (an attribution mapping as JSON), `--segmented NET` (repeatable) set
//!   or override single options. `--kev FILE`: a CISA KEV catalogue.
//! * `--base FILE`: add the evidence to this portfolio document (names, peer groups,
//!   dependencies) instead of writing the evidence alone.
//! * The document goes to stdout, or `--out FILE`; the ingest report (counts and every problem)
//!   to stderr, as JSON with `--report-json`. `--rate` also prints the ratings to stderr.
//!
//! Exit status 2 when an input is refused as a whole (its error names the file, line and path).

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use risk_core::feeds::KevCatalog;
use risk_core::ingest::{Attribution, Format, IngestOptions, IngestReport, Ingester};
use risk_core::{Date, Methodology, Portfolio, parse_portfolio_with_limits};

fn usage() -> &'static str {
    "usage: ingest [--options FILE] [--as-of DATE] [--attribution FILE] [--segmented NET]... \
     [--kev FILE] [--base FILE] [--out FILE] [--report-json] [--rate] INPUT..."
}

struct Args {
    options: Option<String>,
    as_of: Option<String>,
    attribution: Option<String>,
    segmented: Vec<String>,
    kev: Option<String>,
    base: Option<String>,
    out: Option<String>,
    report_json: bool,
    rate: bool,
    inputs: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        options: None,
        as_of: None,
        attribution: None,
        segmented: Vec::new(),
        kev: None,
        base: None,
        out: None,
        report_json: false,
        rate: false,
        inputs: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--options" => a.options = Some(value("--options")?),
            "--as-of" => a.as_of = Some(value("--as-of")?),
            "--attribution" => a.attribution = Some(value("--attribution")?),
            "--segmented" => a.segmented.push(value("--segmented")?),
            "--kev" => a.kev = Some(value("--kev")?),
            "--base" => a.base = Some(value("--base")?),
            "--out" => a.out = Some(value("--out")?),
            "--report-json" => a.report_json = true,
            "--rate" => a.rate = true,
            "-h" | "--help" => return Err(usage().into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{}", usage())),
            _ => a.inputs.push(arg),
        }
    }
    if a.inputs.is_empty() {
        return Err(format!("no input files\n{}", usage()));
    }
    Ok(a)
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn files(inputs: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for i in inputs {
        let p = Path::new(i);
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{i}: {e}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && matches!(
                            p.extension().and_then(|e| e.to_str()),
                            Some("json" | "jsonl" | "ndjson" | "ocsf" | "nessus")
                        )
                })
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.to_owned());
        }
    }
    Ok(out)
}

fn summary(r: &IngestReport) -> String {
    let mut s = format!(
        "ingest: {} records read, {} used; {} findings ({} merged by asset and CVE), {} metrics, {} assessments\n",
        r.records_read, r.records_used, r.findings, r.findings_collapsed, r.metrics, r.assessments
    );
    for (reason, n) in &r.skipped {
        s.push_str(&format!("  skipped {n:>8}  {}\n", reason.as_str()));
    }
    for p in &r.problems {
        s.push_str(&format!(
            "  {}:{} record {} {}: {} ({}{})\n",
            p.source,
            p.line,
            p.record,
            p.path,
            p.message,
            p.code,
            if p.skipped { ", skipped" } else { "" }
        ));
    }
    if r.problems_omitted > 0 {
        s.push_str(&format!("  … and {} more problems\n", r.problems_omitted));
    }
    for n in &r.notes {
        s.push_str(&format!("  note: {n}\n"));
    }
    s
}

fn run() -> Result<(), (u8, String)> {
    let a = parse_args().map_err(|e| (1, e))?;
    let mut options = match &a.options {
        Some(p) => IngestOptions::from_json(&read(p).map_err(|e| (1, e))?)
            .map_err(|e| (1, format!("{p}: {e}")))?,
        None => {
            let as_of = a
                .as_of
                .as_deref()
                .ok_or((1, format!("give --as-of or --options\n{}", usage())))?;
            IngestOptions::new(
                as_of
                    .parse::<Date>()
                    .map_err(|e| (1, format!("--as-of: {e}")))?,
            )
        }
    };
    if let Some(d) = &a.as_of {
        options.as_of = d.parse().map_err(|e| (1, format!("--as-of: {e}")))?;
    }
    if let Some(p) = &a.attribution {
        options.attribution = serde_json::from_str::<Attribution>(&read(p).map_err(|e| (1, e))?)
            .map_err(|e| (1, format!("{p}: {e}")))?;
    }
    options
        .segmented_networks
        .extend(a.segmented.iter().cloned());
    if let Some(p) = &a.kev {
        let bytes = std::fs::read(p).map_err(|e| (1, format!("{p}: {e}")))?;
        options.kev = Some(KevCatalog::from_bytes(&bytes).map_err(|e| (1, format!("{p}: {e}")))?);
    }
    let mut ing = Ingester::new(options);
    for f in files(&a.inputs).map_err(|e| (1, e))? {
        let name = f.display().to_string();
        let file = File::open(&f).map_err(|e| (1, format!("{name}: {e}")))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let format = if f.extension().is_some_and(|e| e == "nessus") {
            Format::Nessus
        } else {
            use std::io::BufRead;
            Format::detect(reader.fill_buf().map_err(|e| (1, format!("{name}: {e}")))?)
        };
        let done = match format {
            Format::Ocsf => ing.read_ocsf(reader, &name),
            Format::Nessus => ing.read_nessus(reader, &name),
        };
        done.map_err(|e| (2, e.to_string()))?;
    }
    let out = ing.finish().map_err(|e| (2, e.to_string()))?;
    let doc: Portfolio = match &a.base {
        Some(p) => {
            let base = parse_portfolio_with_limits(
                &read(p).map_err(|e| (1, e))?,
                &risk_core::Limits::unlimited(),
            )
            .map_err(|e| (2, format!("{p}: {e}")))?;
            out.merge_into(&base)
        }
        None => out.portfolio.clone(),
    };
    let text = serde_json::to_string_pretty(&doc).map_err(|e| (1, e.to_string()))?;
    match &a.out {
        Some(p) => std::fs::write(p, text + "\n").map_err(|e| (1, format!("{p}: {e}")))?,
        None => println!("{text}"),
    }
    let mut err = std::io::stderr().lock();
    let report = if a.report_json {
        serde_json::to_string_pretty(&out.report).map_err(|e| (1, e.to_string()))? + "\n"
    } else {
        summary(&out.report)
    };
    let _ = err.write_all(report.as_bytes());
    if a.rate {
        let rating = risk_core::rate(&doc, &Methodology::default())
            .map_err(|e| (2, format!("the document does not rate: {e}")))?;
        for r in &rating.ratings {
            let _ = writeln!(
                err,
                "{:<12} score {:>5.0} band {} ({:>5.0}–{:<5.0}) P {:.3}",
                r.id, r.score, r.band, r.interval[0], r.interval[1], r.probability
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("{msg}");
            ExitCode::from(code)
        }
    }
}
