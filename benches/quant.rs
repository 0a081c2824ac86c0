//! Criterion benchmark of the loss simulation: 10⁶ trials, single-threaded (unless the
//! `parallel` feature is on), in expected mode (the pyfair comparison model) and compound mode.
//!
//! `cargo bench -p risk-core --bench quant`

use criterion::{Criterion, criterion_group, criterion_main};
use risk_core::quant::{SimulationInput, parse_simulation_input, simulate};

fn input(mode: &str) -> SimulationInput {
    parse_simulation_input(&format!(
        r#"{{"trials": 1000000, "seed": 42, "mode": "{mode}", "scenarios": [{{"name": "breach",
        "frequency": {{"lef": {{"type": "pert_pyfair", "low": 0.1, "mode": 0.5, "high": 2.0}}}},
        "primary_loss": {{"type": "pert_pyfair", "low": 10000, "mode": 50000, "high": 1000000}}}}]}}"#
    ))
    .expect("valid benchmark input")
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("quant_1e6");
    g.sample_size(10);
    for mode in ["expected", "compound"] {
        let inp = input(mode);
        g.bench_function(mode, |b| {
            b.iter(|| simulate(&inp).expect("simulation runs"))
        });
    }
    let inp = input("compound");
    let sim = simulate(&inp).expect("simulation runs");
    g.bench_function("report", |b| {
        b.iter(|| {
            // A fresh copy so the lazily sorted losses are sorted inside the timed closure.
            let s = sim.clone();
            s.report(&inp.report)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
