//! Methodology change notice (section 12): the Shapley parts of every organisation add up to its
//! change, a group that did not change gets exactly zero, and swapping old and new negates every
//! part.

use risk_core::decision::compare::SCORE_GROUPS;
use risk_core::methodology::DEFAULT_METHODOLOGY_JSON;
use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Methodology, compare_methodologies};
use serde_json::{Value, json};

fn changed(edit: impl Fn(&mut Value)) -> Methodology {
    let mut v: Value = serde_json::from_str(DEFAULT_METHODOLOGY_JSON).unwrap();
    edit(&mut v);
    Methodology::from_json(&v.to_string()).unwrap()
}

fn portfolio() -> risk_core::Portfolio {
    sample_portfolio(&SampleConfig {
        organisations: 60,
        seed: 11,
        ..SampleConfig::default()
    })
}

fn new_methodology() -> Methodology {
    changed(|v| {
        v["version"] = json!("1.1.0");
        v["model"]["intercept"] = json!(-3.7);
        v["factors"][4]["weight"] = json!(0.9);
        v["findings"]["kev_multiplier"] = json!(3.0);
        v["supply_chain"]["max_coupling"] = json!(0.4);
        v["bands"][0]["band"] = json!("A*"); // not a score group
    })
}

#[test]
fn parts_add_up_and_unchanged_groups_get_zero() {
    let (old, new) = (Methodology::default(), new_methodology());
    let c = compare_methodologies(&portfolio(), &old, &new).unwrap();
    assert_eq!(
        c.changed_groups,
        ["factors", "model", "findings", "supply_chain"]
    );
    assert_eq!(c.ratings_computed, 16);
    assert_eq!(c.new.version, "1.1.0");
    assert_ne!(c.old.digest, c.new.digest);
    let mut moved = 0;
    for o in &c.organisations {
        let sum: f64 = o.parts.iter().map(|p| p.points).sum();
        assert!(
            (sum - o.change).abs() <= 1e-9,
            "{}: {sum} vs {}",
            o.id,
            o.change
        );
        assert_eq!(o.parts.len(), SCORE_GROUPS.len());
        for p in &o.parts {
            if !c.changed_groups.contains(&p.group) {
                assert_eq!(p.points, 0.0, "{} {}", o.id, p.group);
            }
        }
        moved += usize::from(o.change.abs() > 1e-6);
    }
    assert!(moved > 30, "only {moved} organisations moved");
    // The end points are the plain ratings.
    let r = risk_core::rate(&portfolio(), &new).unwrap();
    for (o, x) in c.organisations.iter().zip(&r.ratings) {
        assert_eq!(o.score_new.to_bits(), x.score.to_bits());
        assert_eq!(o.band_new, x.band);
    }
}

#[test]
fn swapping_old_and_new_negates_every_part() {
    let (old, new) = (Methodology::default(), new_methodology());
    let p = portfolio();
    let a = compare_methodologies(&p, &old, &new).unwrap();
    let b = compare_methodologies(&p, &new, &old).unwrap();
    for (x, y) in a.organisations.iter().zip(&b.organisations) {
        assert_eq!(x.change, -y.change);
        for (px, py) in x.parts.iter().zip(&y.parts) {
            assert!(
                (px.points + py.points).abs() <= 1e-9,
                "{} {}",
                x.id,
                px.group
            );
        }
    }
}

#[test]
fn one_changed_group_takes_the_whole_change() {
    let new = changed(|v| v["priors"]["cyber_essentials_plus_multiplier"] = json!(0.5));
    let c = compare_methodologies(&portfolio(), &Methodology::default(), &new).unwrap();
    assert_eq!(
        (c.changed_groups.clone(), c.ratings_computed),
        (vec!["priors".to_owned()], 2)
    );
    for o in &c.organisations {
        let priors = o.parts.iter().find(|p| p.group == "priors").unwrap();
        assert_eq!(priors.points, o.change);
    }
    // The same methodology: nothing changes, one rating.
    let c = compare_methodologies(&portfolio(), &new, &new).unwrap();
    assert_eq!(c.ratings_computed, 1);
    assert!(c.organisations.iter().all(|o| o.change == 0.0));
}
