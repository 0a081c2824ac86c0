//! The fuzz targets' bodies, written once.
//!
//! Each `check_*` function takes arbitrary bytes, drives risk-core's public entry points with
//! them and panics (through `assert!`) when an answer breaks a property the engine promises:
//! typed errors for every rejected input, and for every accepted one the bounds of methodology
//! section 9 on every rating (250 ≤ lo ≤ score ≤ hi ≤ 900, 0 ≤ P_lo ≤ P ≤ P_hi ≤ 1, every
//! figure finite), determinism and the consistency of what-if, plans and history with the
//! rating.
//!
//! The libFuzzer targets (`fuzz/fuzz_targets/*.rs`, nightly) call these functions through the
//! `risk_fuzz` crate; `risk-core/tests/fuzz_corpus.rs` includes this very file with `#[path]` and
//! replays the committed corpora through them on stable, in the ordinary test suite. The file
//! therefore depends on `risk_core` and `serde_json` only.

use risk_core::feeds::{EpssScores, KevCatalog, enrich};
use risk_core::{
    Action, Date, InputError, Methodology, MethodologyError, PortfolioRating, Prepared, Rating,
    parse_actions, parse_portfolio, parse_portfolio_bytes, rate_json, validate,
};

/// Separates the document from the what-if actions in a `document` input. 0xFF never occurs in
/// UTF-8, so the split is unambiguous: everything before the first 0xFF is the document,
/// everything after it the actions (a JSON array of actions).
pub const ACTIONS_SEPARATOR: u8 = 0xFF;

/// Tolerance, in points, for figures that two code paths compute in different orders (a plan's
/// base score and the rating; a plan step's gain and the same action's what-if delta).
const POINTS_TOLERANCE: f64 = 1e-6;

// ---------------------------------------------------------------------------------------------
// Bounds

fn finite(what: &str, x: f64) {
    assert!(x.is_finite(), "{what} is not finite: {x}");
}

fn within(what: &str, lo: f64, x: f64, hi: f64) {
    finite(what, x);
    assert!(lo <= x && x <= hi, "{what} = {x} is outside [{lo}, {hi}]");
}

/// The section 9 bounds, and finiteness of every figure, of one rating.
pub fn check_rating(r: &Rating) {
    let id = &r.id;
    let [lo, hi] = r.interval;
    finite(&format!("{id}: score"), r.score);
    finite(&format!("{id}: interval lo"), lo);
    finite(&format!("{id}: interval hi"), hi);
    assert!(
        250.0 <= lo && lo <= r.score && r.score <= hi && hi <= 900.0,
        "{id}: 250 ≤ lo ≤ score ≤ hi ≤ 900 fails: lo {lo}, score {}, hi {hi}",
        r.score
    );
    let [p_lo, p_hi] = r.probability_interval;
    finite(&format!("{id}: probability"), r.probability);
    finite(&format!("{id}: P_lo"), p_lo);
    finite(&format!("{id}: P_hi"), p_hi);
    assert!(
        0.0 <= p_lo && p_lo <= r.probability && r.probability <= p_hi && p_hi <= 1.0,
        "{id}: 0 ≤ P_lo ≤ P ≤ P_hi ≤ 1 fails: P_lo {p_lo}, P {}, P_hi {p_hi}",
        r.probability
    );
    within(
        &format!("{id}: internal_probability"),
        0.0,
        r.internal_probability,
        1.0,
    );
    within(
        &format!("{id}: supply_probability"),
        0.0,
        r.supply_probability,
        1.0,
    );
    within(&format!("{id}: coverage"), 0.0, r.coverage, 1.0);
    within(
        &format!("{id}: peer_percentile"),
        0.0,
        r.peer_percentile,
        100.0,
    );
    assert!(!r.band.is_empty(), "{id}: empty band label");
    for f in &r.factors {
        let fid = &f.id;
        within(&format!("{id}: factor {fid} mean"), 0.0, f.mean, 1.0);
        within(&format!("{id}: factor {fid} lower"), 0.0, f.lower, 1.0);
        within(&format!("{id}: factor {fid} upper"), 0.0, f.upper, 1.0);
        assert!(
            f.lower <= f.upper,
            "{id}: factor {fid} quantiles out of order: {} > {}",
            f.lower,
            f.upper
        );
        finite(&format!("{id}: factor {fid} evidence"), f.evidence);
        assert!(f.evidence >= 0.0, "{id}: factor {fid} negative evidence");
        finite(&format!("{id}: factor {fid} points"), f.points);
    }
    for d in &r.drivers {
        finite(&format!("{id}: driver {} impact", d.reference), d.impact);
    }
}

/// Bounds of every rating and of the portfolio outputs (peer groups, supplier exposure).
pub fn check_portfolio_rating(pr: &PortfolioRating, organisations: usize) {
    assert_eq!(
        pr.ratings.len(),
        organisations,
        "one rating per organisation"
    );
    for r in &pr.ratings {
        check_rating(r);
    }
    for g in &pr.peer_groups {
        let name = &g.peer_group;
        let q = [g.min, g.p25, g.median, g.p75, g.max];
        for x in q {
            within(&format!("peer group {name}"), 250.0, x, 900.0);
        }
        assert!(
            q.windows(2).all(|w| w[0] <= w[1]),
            "peer group {name}: quantiles out of order {q:?}"
        );
        assert!(g.n >= 1, "peer group {name} with no organisation");
    }
    for s in &pr.suppliers {
        finite(&format!("supplier {} exposure", s.id), s.systemic_exposure);
        assert!(
            s.systemic_exposure >= 0.0,
            "supplier {}: negative exposure",
            s.id
        );
    }
}

fn check_input_error(e: &InputError) {
    assert!(!e.problems().is_empty(), "an input error with no problem");
    for p in e.problems() {
        assert!(!p.code.as_str().is_empty());
        assert!(
            !p.message.is_empty(),
            "a problem with no message at {}",
            p.path
        );
    }
}

fn check_methodology_error(e: &MethodologyError) {
    assert!(
        !e.problems().is_empty(),
        "a methodology error with no problem"
    );
    for p in e.problems() {
        assert!(
            !p.message.is_empty(),
            "a problem with no message at {}",
            p.path
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rating a prepared document, and what-if, plan and history on its first organisation

/// Rate a prepared document and check everything derived from it. `actions` is the what-if
/// part of a fuzz input, if any (bytes, parsed with [`parse_actions`]).
fn check_prepared(prepared: &Prepared, actions: Option<&[u8]>) -> PortfolioRating {
    let rating = prepared.rate();
    check_portfolio_rating(&rating, prepared.len());

    // The rating serialises and reads back to the same figures (float_roundtrip).
    let json = rating.to_json();
    let back: PortfolioRating = serde_json::from_str(&json).expect("a rating reads back");
    assert_eq!(back, rating, "a rating does not round-trip through JSON");

    let Some(first) = rating.ratings.first() else {
        return rating;
    };
    let id = first.id.clone();

    check_what_if(prepared, first, actions);
    check_plan(prepared, first);
    check_history(prepared, &rating, &id);
    rating
}

/// What-if on the first organisation: the given actions, or else the first few plan
/// candidates.
fn check_what_if(prepared: &Prepared, first: &Rating, actions: Option<&[u8]>) {
    let id = first.id.clone();
    let tie = prepared.methodology().doc().tie_tolerance;
    let given = actions.map(|bytes| core::str::from_utf8(bytes).map(parse_actions));
    let actions: Vec<Action> = match given {
        Some(Ok(Ok(a))) => a,
        Some(Ok(Err(e))) => {
            check_input_error(&e);
            Vec::new()
        }
        Some(Err(_)) | None => {
            let c = prepared
                .plan_candidates(&id)
                .expect("the first organisation exists");
            c.into_iter().take(4).collect()
        }
    };
    match prepared.what_if(&id, &actions) {
        Ok(w) => {
            check_rating(&w.rating);
            assert_eq!(w.score_before, first.score, "what-if score_before");
            assert_eq!(w.score_after, w.rating.score);
            assert_eq!(w.delta, w.score_after - w.score_before);
            if actions.is_empty() {
                assert!(
                    w.delta.abs() <= POINTS_TOLERANCE,
                    "no action moved the score"
                );
            }
            for d in &w.dependants {
                within(
                    &format!("dependant {} before", d.id),
                    250.0,
                    d.before,
                    900.0,
                );
                within(&format!("dependant {} after", d.id), 250.0, d.after, 900.0);
                assert!(
                    d.id != id,
                    "the changed organisation listed as its own dependant"
                );
                assert!(d.delta.abs() > tie);
            }
        }
        Err(e) => {
            check_input_error(&e);
            assert!(
                e.path().starts_with("actions"),
                "a what-if error outside the actions: {:?}",
                e.problems()
            );
        }
    }
}

/// Plan on the first organisation: consistent with the rating and with what-if of each step
/// alone.
fn check_plan(prepared: &Prepared, first: &Rating) {
    let id = &first.id;
    let tie = prepared.methodology().doc().tie_tolerance;
    let plan = prepared.plan(id, 3).expect("the first organisation exists");
    finite("plan score", plan.score);
    finite("plan score_with_all", plan.score_with_all);
    assert!(
        (plan.score - first.score).abs() <= POINTS_TOLERANCE,
        "plan base score {} differs from the rating {}",
        plan.score,
        first.score
    );
    assert!(plan.steps.len() <= 3 && plan.steps.len() <= plan.candidates);
    for (i, s) in plan.steps.iter().enumerate() {
        finite("plan gain", s.gain);
        if i > 0 {
            assert!(
                plan.steps[i - 1].gain >= s.gain - tie,
                "plan steps out of order"
            );
        }
        // Section 9: resolving an open finding or removing a dependency never lowers the score.
        if matches!(
            s.action,
            Action::ResolveFinding { .. } | Action::RemoveDependency { .. }
        ) {
            assert!(
                s.gain >= -POINTS_TOLERANCE,
                "{:?} lowers the score",
                s.action
            );
        }
        let w = prepared
            .what_if(id, std::slice::from_ref(&s.action))
            .expect("a plan step is a valid action");
        assert!(
            (w.delta - s.gain).abs() <= POINTS_TOLERANCE,
            "plan gain {} differs from what-if delta {} for {:?}",
            s.gain,
            w.delta,
            s.action
        );
    }
}

/// History: at as_of it is the rating; every point within the bounds; the change of the
/// first organisation (`id`) over the dates is finite.
fn check_history(prepared: &Prepared, rating: &PortfolioRating, id: &str) {
    let as_of = prepared.as_of();
    let dates: Vec<Date> = [-365, 0, 30]
        .into_iter()
        .filter_map(|d| as_of.add_days(d))
        .collect();
    let h = prepared.history(&dates);
    assert_eq!(h.series.len(), rating.ratings.len());
    for (s, r) in h.series.iter().zip(&rating.ratings) {
        assert_eq!(s.points.len(), dates.len());
        for p in &s.points {
            let [lo, hi] = p.interval;
            assert!(
                p.score.is_finite() && 250.0 <= lo && lo <= p.score && p.score <= hi && hi <= 900.0,
                "{}: history point at {} out of bounds: {lo} {} {hi}",
                s.id,
                p.as_of,
                p.score
            );
            if p.as_of == as_of {
                assert_eq!(
                    p.score, r.score,
                    "{}: history at as_of differs from the rating",
                    s.id
                );
            }
        }
    }
    if let (Some(&from), Some(&to)) = (dates.first(), dates.last()) {
        let c = prepared
            .change(id, from, to)
            .expect("the first organisation exists");
        for x in [
            c.score_from,
            c.score_to,
            c.delta,
            c.supply_points,
            c.interaction_points,
        ] {
            finite("change", x);
        }
        for f in &c.factors {
            finite(&format!("change of factor {}", f.id), f.points);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Targets

/// Target `document`: bytes → [`parse_portfolio_bytes`] → [`validate`] → rate, what-if, plan
/// and history on the first organisation. An input may carry what-if actions after an
/// [`ACTIONS_SEPARATOR`] byte.
pub fn check_document(data: &[u8]) {
    let (doc, actions) = match data.iter().position(|&b| b == ACTIONS_SEPARATOR) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let m = Methodology::default();
    let portfolio = match parse_portfolio_bytes(doc) {
        Ok(p) => p,
        Err(e) => {
            check_input_error(&e);
            // The text entry points reject it the same way.
            if let Ok(text) = core::str::from_utf8(doc) {
                let e2 = parse_portfolio(text).expect_err("bytes rejected, text accepted");
                assert_eq!(e2.problems(), e.problems());
                assert!(rate_json(text, &m).is_err());
            }
            return;
        }
    };
    let text = core::str::from_utf8(doc).expect("an accepted document is UTF-8");
    match validate(&portfolio, &m) {
        Ok(prepared) => {
            let rating = check_prepared(&prepared, actions);
            // Rating the same text again gives the same figures.
            let again = rate_json(text, &m).expect("validated, so it rates");
            assert_eq!(again, rating, "rating the same document twice differs");
        }
        Err(e) => {
            check_input_error(&e);
            let again = rate_json(text, &m).expect_err("rejected by validate, rated by rate_json");
            assert_eq!(again.code(), e.code().as_str());
            assert_eq!(again.path(), e.path());
        }
    }
}

/// A small fixed document with every kind of evidence, rated under fuzzed methodologies.
pub const FIXED_DOCUMENT: &str = r#"{
  "as_of": "2025-09-30",
  "organisations": [
    {"id": "RBS", "peer_group": "acute",
     "assessments": [
       {"control": "B4.d", "outcome": "partially_achieved", "assurance": "independent_audit",
        "assessed_on": "2025-06-30"},
       {"control": "A1.a", "outcome": "achieved", "assurance": "self_assessed",
        "assessed_on": "2024-06-30"},
       {"control": "B2.c", "outcome": "not_achieved", "assurance": "peer_reviewed",
        "assessed_on": "2025-01-31"},
       {"control": "D1.a", "outcome": "not_applicable", "assurance": "self_assessed",
        "assessed_on": "2025-01-31"}],
     "metrics": [
       {"metric": "mfa_coverage", "successes": 4210, "trials": 4500, "observed_on": "2025-09-01"},
       {"metric": "edr_coverage", "successes": 0, "trials": 10, "observed_on": "2023-09-01"}],
     "findings": [
       {"id": "F-17", "kind": "vulnerability", "cve": "CVE-2024-3400",
        "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "epss": 0.94, "kev": true,
        "internet_facing": true, "asset_criticality": "clinical", "first_seen": "2025-08-01"},
       {"id": "F-18", "kind": "tls", "first_seen": "2025-01-01", "resolved_on": "2025-02-01"},
       {"id": "F-19", "kind": "exposed_service", "cvss_score": 5.5, "first_seen": "2024-01-01"}],
     "dependencies": [
       {"supplier": "SUP-PATH", "criticality": "critical", "access": "network"},
       {"supplier": "SUP-CLOUD", "criticality": "high", "access": "data"}]},
    {"id": "SUP-PATH", "peer_group": "supplier",
     "attestation": {"dspt_status": "standards_met", "cyber_essentials_plus": true},
     "dependencies": [{"supplier": "SUP-CLOUD", "criticality": "medium", "access": "none"}]},
    {"id": "SUP-CLOUD", "peer_group": "supplier",
     "attestation": {"dspt_status": "approaching_standards", "incident_probability": 0.2},
     "dependencies": [{"supplier": "SUP-PATH", "criticality": "low", "access": "network"}]},
    {"id": "GP", "peer_group": "gp"}
  ]
}"#;

/// Target `methodology`: bytes → [`Methodology::from_str_auto`]; an accepted methodology
/// round-trips through JSON and TOML and rates [`FIXED_DOCUMENT`] within the bounds.
pub fn check_methodology(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let m = match Methodology::from_str_auto(text) {
        Ok(m) => m,
        Err(e) => {
            check_methodology_error(&e);
            return;
        }
    };
    let json = m.to_json();
    assert_eq!(
        Methodology::from_json(&json).expect("a methodology's JSON reads back"),
        m,
        "a methodology does not round-trip through JSON"
    );
    let toml = m.to_toml();
    assert_eq!(
        Methodology::from_toml(&toml).expect("a methodology's TOML reads back"),
        m,
        "a methodology does not round-trip through TOML"
    );
    let doc = parse_portfolio(FIXED_DOCUMENT).expect("the fixed document parses");
    match validate(&doc, &m) {
        Ok(prepared) => {
            check_prepared(&prepared, None);
        }
        // A methodology may map fewer principles or metrics than the fixed document uses.
        Err(e) => check_input_error(&e),
    }
}

/// Target `feeds`: the same bytes → [`KevCatalog::from_bytes`] and [`EpssScores::from_bytes`];
/// an accepted feed enriches a document with findings on its CVEs, which then rates within the
/// bounds.
pub fn check_feeds(data: &[u8]) {
    let kev = match KevCatalog::from_bytes(data) {
        Ok(k) => {
            assert_eq!(k.len(), k.meta().entries);
            assert_eq!(k.entries().count(), k.len());
            for e in k.entries() {
                assert!(risk_core::feeds::is_cve_id(&e.cve_id), "{}", e.cve_id);
                assert!(k.contains(&e.cve_id));
            }
            Some(k)
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            None
        }
    };
    let epss = match EpssScores::from_bytes(data) {
        Ok(s) => {
            assert_eq!(s.len(), s.meta().rows);
            for (cve, score) in s.iter() {
                assert!(risk_core::feeds::is_cve_id(cve), "{cve}");
                within(&format!("{cve} epss"), 0.0, score.epss, 1.0);
                within(&format!("{cve} percentile"), 0.0, score.percentile, 1.0);
            }
            Some(s)
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            None
        }
    };
    if kev.is_none() && epss.is_none() {
        return;
    }
    // One finding per known CVE (a few of each feed), plus the fixed document's own.
    let mut cves: Vec<String> = Vec::new();
    if let Some(k) = &kev {
        cves.extend(k.entries().take(8).map(|e| e.cve_id.clone()));
    }
    if let Some(s) = &epss {
        cves.extend(s.iter().take(8).map(|(c, _)| c.to_owned()));
    }
    let mut doc = parse_portfolio(FIXED_DOCUMENT).expect("the fixed document parses");
    let template = doc.organisations[0].findings[0].clone();
    for (i, cve) in cves.iter().enumerate() {
        let mut f = template.clone();
        f.id = format!("FEED-{i}");
        // Lower case and padded: enrichment normalises the id.
        f.cve = Some(format!(" {} ", cve.to_lowercase()));
        f.epss = None;
        f.kev = false;
        doc.organisations[0].findings.push(f);
    }
    let report = enrich(&mut doc, kev.as_ref(), epss.as_ref(), false);
    assert_eq!(report.findings, doc.organisations[0].findings.len());
    if let Some(k) = &kev {
        for f in &doc.organisations[0].findings[3..] {
            let cve = f.cve.as_deref().unwrap_or_default().trim().to_uppercase();
            assert_eq!(f.kev, k.contains(&cve), "{cve}: kev flag after enrichment");
        }
    }
    let m = Methodology::default();
    let prepared = validate(&doc, &m).expect("an enriched document stays valid");
    check_prepared(&prepared, None);
}

// ---------------------------------------------------------------------------------------------
// Quantification

/// Trials the `quant` target simulates at most: a fuzz input may ask for millions, which
/// [`risk_core::quant::validate`] allows by design; the target checks the engine, not its speed
/// on a large run, so it lowers `trials` (after the input has passed validation as written).
pub const QUANT_MAX_TRIALS: u64 = 2000;

/// Expected loss events the `quant` target simulates at most (compound mode).
pub const QUANT_MAX_EVENTS: f64 = 200_000.0;

/// trials × Σ mean loss events per year (a rating's frequency counts at most −ln(1 − 0.999)).
fn expected_events(input: &risk_core::quant::SimulationInput) -> f64 {
    use risk_core::quant::{Frequency, Support};
    let mean = |d: &risk_core::quant::Distribution, s| d.mean(s).unwrap_or(f64::INFINITY);
    let per_year: f64 = input
        .scenarios
        .iter()
        .map(|s| match &s.frequency {
            Frequency::Lef(d) => mean(d, Support::NonNegative),
            Frequency::Tef { tef, vulnerability } => {
                mean(tef, Support::NonNegative) * mean(vulnerability, Support::UnitInterval)
            }
            Frequency::FromRating(_) => 7.0,
        })
        .sum();
    input.trials as f64 * per_year
}

fn check_summary(what: &str, s: &risk_core::quant::LossSummary) {
    for (name, x) in [
        ("mean", s.mean),
        ("sd", s.sd),
        ("min", s.min),
        ("max", s.max),
    ] {
        assert!(!x.is_nan(), "{what}: {name} is NaN");
        assert!(x >= 0.0, "{what}: {name} = {x} is negative");
    }
    assert!(s.min <= s.max, "{what}: min {} > max {}", s.min, s.max);
    for q in &s.percentiles {
        assert!(
            s.min <= q.value && q.value <= s.max,
            "{what}: Q({}) = {} outside [min, max]",
            q.q,
            q.value
        );
    }
    for r in &s.risk {
        assert!(
            s.min <= r.var && r.var <= s.max,
            "{what}: VaR({}) = {} outside [min, max]",
            r.q,
            r.var
        );
        // TVaR is a mean of losses at or above VaR: at least VaR, at most the maximum (up to
        // rounding of the sum).
        assert!(
            r.tvar >= r.var * (1.0 - 1e-12) && r.tvar <= s.max * (1.0 + 1e-12),
            "{what}: TVaR({}) = {} not in [VaR {}, max {}]",
            r.q,
            r.tvar,
            r.var,
            s.max
        );
    }
    for e in &s.exceedance {
        within(
            &format!("{what}: P(loss > {})", e.threshold),
            0.0,
            e.probability,
            1.0,
        );
    }
    for w in s.lec.windows(2) {
        assert!(
            w[0].loss <= w[1].loss && w[0].probability >= w[1].probability,
            "{what}: loss exceedance curve not monotone: {w:?}"
        );
    }
}

/// Target `quant`: bytes → [`risk_core::quant::parse_simulation_input`]; an accepted input is
/// simulated (at most [`QUANT_MAX_TRIALS`] trials) twice, with the same losses, and its report
/// is checked: no NaN, no negative loss, quantiles within [min, max], VaR ≤ TVaR, exceedance
/// probabilities in [0, 1], a monotone loss exceedance curve.
pub fn check_quant(data: &[u8]) {
    use risk_core::quant::{parse_simulation_input, simulate};
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let mut input = match parse_simulation_input(text) {
        Ok(i) => i,
        Err(e) => {
            assert!(!e.code().is_empty());
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    input.trials = input.trials.min(QUANT_MAX_TRIALS);
    // The engine limits a compound run to MAX_EVENTS expected loss events, seconds of work; the
    // target keeps to runs of milliseconds, so that libFuzzer explores rather than waits.
    if input.mode == risk_core::quant::Mode::Compound
        && expected_events(&input)
            .partial_cmp(&QUANT_MAX_EVENTS)
            .is_none_or(|o| o.is_gt())
    {
        return;
    }
    let sim = match simulate(&input) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.code().is_empty());
            return;
        }
    };
    assert_eq!(sim.total.len() as u64, input.trials);
    assert!(
        sim.total.values().iter().all(|&x| x >= 0.0 && !x.is_nan()),
        "a negative or NaN annual loss"
    );
    let again = simulate(&input).expect("simulated once, so again");
    assert!(again.total == sim.total, "the same seed gave other losses");
    let report = sim.report(&input.report);
    check_summary("total", &report.total);
    for s in &report.scenarios {
        check_summary(&format!("scenario {}", s.name), &s.summary);
        assert!(!s.mean_contribution.is_nan());
    }
    for o in &report.organisations {
        check_summary(&format!("organisation {}", o.id), &o.summary);
        assert!(!o.mean_contribution.is_nan());
    }
    assert!(!report.to_json().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Ingest (OCSF events, Nessus v2 XML)

/// The options every ingest check uses: attribution maps that the seeds' tenants, domains and
/// report names hit, a segmented network, small limits so that the limit paths are reached.
fn ingest_options() -> risk_core::ingest::IngestOptions {
    let mut o = risk_core::ingest::IngestOptions::from_json(
        r#"{"as_of": "2025-09-30",
            "attribution": {"tenant_uid": {"tenant-rbs": "RBS", "t": "A"},
                            "cloud_account_uid": {"123456789012": "RXX"},
                            "device_domain": {"rbs.nhs.example": "RBS", "ryy.nhs.example": "RYY"},
                            "nessus_report": {"r": "A"}},
            "segmented_networks": ["vlan-120"],
            "limits": {"max_record_bytes": 65536, "max_depth": 32}}"#,
    )
    .expect("fixed options");
    o.kev = Some(
        KevCatalog::from_json(r#"{"vulnerabilities": [{"cveID": "CVE-2021-44228"}]}"#)
            .expect("fixed KEV"),
    );
    o
}

/// An ingest's result: the report adds up, the evidence is well formed (every finding a
/// vulnerability with a CVE-or-uid id, metrics with successes ≤ trials), it rates within the
/// section 9 bounds (or is refused only for a control whose principle the methodology does not
/// map), and the same input gives the same result twice.
fn check_ingested(
    data: &[u8],
    format: risk_core::ingest::Format,
) -> Option<risk_core::ingest::Ingested> {
    use risk_core::ingest::{Source, ingest};
    let src = [Source {
        name: "fuzz",
        format: Some(format),
        bytes: data,
    }];
    let out = match ingest(&src, ingest_options()) {
        Ok(o) => o,
        Err(e) => {
            assert_eq!(e.code(), e.code().trim());
            assert!(matches!(e, risk_core::Error::Ingest(_)), "{e:?}");
            let again = ingest(&src, ingest_options()).unwrap_err();
            assert_eq!(e, again, "the same input refused differently");
            return None;
        }
    };
    let r = &out.report;
    assert_eq!(
        r.records_read,
        r.records_used + r.skipped.values().sum::<u64>(),
        "records read ≠ used + skipped: {r:?}"
    );
    assert!(r.problems.len() <= 1000);
    for org in &out.portfolio.organisations {
        for m in &org.metrics {
            assert!(m.successes <= m.trials && m.trials >= 1, "{m:?}");
        }
        for f in &org.findings {
            assert!(f.resolved_on.is_none_or(|d| d >= f.first_seen), "{f:?}");
            assert!(f.first_seen <= out.portfolio.as_of);
        }
    }
    match risk_core::rate(&out.portfolio, &Methodology::default()) {
        Ok(rating) => check_portfolio_rating(&rating, out.portfolio.organisations.len()),
        Err(risk_core::Error::Input(e)) => assert!(
            e.problems()
                .iter()
                .all(|p| p.code == risk_core::ErrorCode::UnmappedControl),
            "ingested evidence does not validate: {e}"
        ),
        Err(e) => panic!("unexpected error rating ingested evidence: {e}"),
    }
    let again = ingest(&src, ingest_options()).expect("accepted once");
    assert_eq!(out.portfolio, again.portfolio, "not deterministic");
    assert_eq!(out.report, again.report, "not deterministic");
    Some(out)
}

/// Fuzz target `ingest_ocsf`: arbitrary bytes as OCSF events (JSON array or lines).
pub fn check_ingest_ocsf(data: &[u8]) {
    check_ingested(data, risk_core::ingest::Format::Ocsf);
}

/// Fuzz target `ingest_nessus`: arbitrary bytes as a Nessus v2 XML export.
pub fn check_ingest_nessus(data: &[u8]) {
    if let Some(out) = check_ingested(data, risk_core::ingest::Format::Nessus) {
        // Nessus reports open findings only.
        for org in &out.portfolio.organisations {
            assert!(org.findings.iter().all(|f| f.resolved_on.is_none()));
            assert!(org.metrics.is_empty() && org.assessments.is_empty());
        }
    }
}
