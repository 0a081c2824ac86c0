//! The top-10 improvement plan for the worst-rated trust in the bundled sample.
//!
//! ```text
//! cargo run --release --example plan                 # worst-rated trust
//! cargo run --release --example plan -- RX1A 5       # a given organisation, top 5
//! ```

use std::time::Instant;

use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Action, Methodology, validate};

const TRUST_GROUPS: [&str; 5] = [
    "acute",
    "mental_health",
    "community",
    "ambulance",
    "specialist",
];

fn describe(a: &Action) -> String {
    match a {
        Action::SetAssessment {
            control,
            outcome,
            assurance,
        } => format!(
            "get {control} to {} ({})",
            outcome.as_str().replace('_', " "),
            assurance.as_str().replace('_', " ")
        ),
        Action::ResolveFinding { finding } => format!("resolve finding {finding}"),
        Action::SetMetric {
            metric,
            successes,
            trials,
        } => format!("bring {} to {successes}/{trials}", metric.replace('_', " ")),
        Action::RemoveDependency { supplier } => format!("remove the dependency on {supplier}"),
        Action::SetDependencyAccess { supplier, access } => {
            format!("reduce {supplier}'s access to {}", access.as_str())
        }
        other => format!("{} {}", other.kind().replace('_', " "), other.target()),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let chosen = args.next();
    let k: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);

    let portfolio = sample_portfolio(&SampleConfig::default());
    let prepared = validate(&portfolio, &Methodology::default()).expect("the sample is valid");
    let rating = prepared.rate();
    let target = match chosen {
        Some(id) => id,
        None => rating
            .ratings
            .iter()
            .filter(|r| TRUST_GROUPS.contains(&r.peer_group.as_str()))
            .min_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)))
            .expect("the sample has trusts")
            .id
            .clone(),
    };
    let Some(r) = rating.get(&target) else {
        eprintln!("no organisation `{target}` in the sample");
        std::process::exit(2);
    };
    let name = portfolio
        .organisations
        .iter()
        .find(|o| o.id == target)
        .and_then(|o| o.name.clone())
        .unwrap_or_default();
    println!(
        "{target} {name} ({}): score {:.0}, band {}, 90% interval {:.0}–{:.0}",
        r.peer_group, r.score, r.band, r.interval[0], r.interval[1]
    );

    let started = Instant::now();
    let plan = prepared.plan(&target, k).expect("organisation exists");
    let took = started.elapsed();
    println!(
        "\nTop {} of {} candidate actions, by the points each gains on its own:",
        plan.steps.len(),
        plan.candidates
    );
    for (i, s) in plan.steps.iter().enumerate() {
        println!("{:>3}. {:+7.2}  {}", i + 1, s.gain, describe(&s.action));
    }
    println!(
        "\nAll {} together: {:.0} → {:.0} ({:+.1} points).",
        plan.steps.len(),
        plan.score,
        plan.score_with_all,
        plan.score_with_all - plan.score
    );
    eprintln!("(plan computed in {:.1} ms)", took.as_secs_f64() * 1e3);
}
