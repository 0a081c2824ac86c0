//! Properties of disputes (methodology section 10) on random portfolios (cycles included):
//! the undisputed view is the rating of the document with those items deleted, bit for bit;
//! upholding a dispute by what-if is deleting the item; disputes that have no effect at `as_of`
//! (rejected, or raised later) leave the output byte-identical.

mod common;

use common::{as_of, portfolio};
use proptest::prelude::*;
use proptest::sample::Index;
use risk_core::{
    Action, Dispute, DisputeReason, DisputeStatus, Methodology, Portfolio, Rating, rate, validate,
};

/// (item to dispute, status, raised_on offset from as_of, days to resolution).
type Spec = (Index, DisputeStatus, i64, i64);

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            any::<Index>(),
            prop::sample::select(vec![
                DisputeStatus::Open,
                DisputeStatus::Upheld,
                DisputeStatus::Rejected,
            ]),
            -400i64..=20,
            0i64..=60,
        ),
        0..6,
    )
}

/// (organisation, list 0..4, index) of every item of a document.
fn items(p: &Portfolio) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for (i, o) in p.organisations.iter().enumerate() {
        let lens = [
            o.assessments.len(),
            o.metrics.len(),
            o.findings.len(),
            o.dependencies.len(),
        ];
        for (k, n) in lens.into_iter().enumerate() {
            v.extend((0..n).map(|j| (i, k, j)));
        }
    }
    v
}

fn slot(p: &mut Portfolio, (i, k, j): (usize, usize, usize)) -> &mut Option<Dispute> {
    let o = &mut p.organisations[i];
    match k {
        0 => &mut o.assessments[j].dispute,
        1 => &mut o.metrics[j].dispute,
        2 => &mut o.findings[j].dispute,
        _ => &mut o.dependencies[j].dispute,
    }
}

/// The document with disputes attached as `specs` say.
fn disputed(mut p: Portfolio, specs: &[Spec]) -> Portfolio {
    let all = items(&p);
    if all.is_empty() {
        return p;
    }
    for (idx, status, raised, days) in specs {
        let raised_on = as_of().add_days(*raised).unwrap();
        *slot(&mut p, all[idx.index(all.len())]) = Some(Dispute {
            status: *status,
            reason: DisputeReason::NotOurs,
            raised_on,
            raised_by: "prop".into(),
            resolved_on: (*status != DisputeStatus::Open)
                .then(|| raised_on.add_days(*days).unwrap()),
            note: None,
        });
    }
    p
}

/// The document with every item deleted whose dispute's status at as_of is in `drop`.
fn deleted(p: &Portfolio, drop: &[DisputeStatus]) -> Portfolio {
    let gone = |d: &Option<Dispute>| {
        d.as_ref()
            .and_then(|d| d.status_at(as_of()))
            .is_some_and(|s| drop.contains(&s))
    };
    let mut q = p.clone();
    for o in &mut q.organisations {
        o.assessments.retain(|x| !gone(&x.dispute));
        o.metrics.retain(|x| !gone(&x.dispute));
        o.findings.retain(|x| !gone(&x.dispute));
        o.dependencies.retain(|x| !gone(&x.dispute));
    }
    q
}

fn without_disputes(mut p: Portfolio) -> Portfolio {
    for (i, k, j) in items(&p) {
        *slot(&mut p, (i, k, j)) = None;
    }
    p
}

fn bare(r: &Rating) -> Rating {
    Rating {
        disputes: None,
        ..r.clone()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn undisputed_view_is_the_document_without_those_items(p in portfolio(), s in specs()) {
        let m = Methodology::default();
        let p = disputed(p, &s);
        let r = rate(&p, &m).unwrap();
        let filed = rate(&deleted(&p, &[DisputeStatus::Upheld]), &m).unwrap();
        let none = rate(&deleted(&p, &[DisputeStatus::Upheld, DisputeStatus::Open]), &m).unwrap();
        for ((x, f), u) in r.ratings.iter().zip(&filed.ratings).zip(&none.ratings) {
            // The rating as filed: upheld items deleted, bit for bit.
            prop_assert_eq!(x.score.to_bits(), f.score.to_bits());
            prop_assert_eq!(x.interval, f.interval);
            prop_assert_eq!(&x.factors, &f.factors);
            if let Some(d) = &x.disputes {
                prop_assert_eq!(d.score_undisputed.to_bits(), u.score.to_bits(), "{}", x.id);
                prop_assert_eq!(d.interval_undisputed, u.interval);
                prop_assert_eq!(&d.band_undisputed, &u.band);
            }
        }
    }

    #[test]
    fn upholding_a_dispute_is_deleting_the_item(p in portfolio(), s in specs(), pick in any::<Index>()) {
        let m = Methodology::default();
        let p = disputed(p, &s);
        let open: Vec<_> = items(&p)
            .into_iter()
            .filter(|&it| {
                let mut q = p.clone();
                slot(&mut q, it).as_ref().and_then(|d| d.status_at(as_of())) == Some(DisputeStatus::Open)
            })
            .collect();
        prop_assume!(!open.is_empty());
        let (i, k, j) = open[pick.index(open.len())];
        let o = &p.organisations[i];
        let name = |c: Option<String>, mm: Option<String>, f: Option<String>, su: Option<String>| {
            Action::UpholdDispute { control: c, metric: mm, finding: f, supplier: su }
        };
        let (action, key) = match k {
            0 => (name(Some(o.assessments[j].control.clone()), None, None, None), o.assessments[j].control.clone()),
            1 => (name(None, Some(o.metrics[j].metric.clone()), None, None), o.metrics[j].metric.clone()),
            2 => (name(None, None, Some(o.findings[j].id.clone()), None), o.findings[j].id.clone()),
            _ => (name(None, None, None, Some(o.dependencies[j].supplier.clone())), o.dependencies[j].supplier.clone()),
        };
        let w = validate(&p, &m).unwrap().what_if(&o.id, &[action]).unwrap();
        // Delete every item the action names whose dispute is open at as_of.
        let mut q = p.clone();
        let open_now = |d: &Option<Dispute>| {
            d.as_ref().and_then(|d| d.status_at(as_of())) == Some(DisputeStatus::Open)
        };
        let qo = &mut q.organisations[i];
        match k {
            0 => qo.assessments.retain(|x| !(x.control == key && open_now(&x.dispute))),
            1 => qo.metrics.retain(|x| !(x.metric == key && open_now(&x.dispute))),
            2 => qo.findings.retain(|x| !(x.id == key && open_now(&x.dispute))),
            _ => qo.dependencies.retain(|x| !(x.supplier == key && open_now(&x.dispute))),
        }
        let r = rate(&q, &m).unwrap();
        prop_assert_eq!(bare(&w.rating), bare(&r.ratings[i]));
        if let (Some(a), Some(b)) = (&w.rating.disputes, &r.ratings[i].disputes) {
            prop_assert_eq!(a.score_undisputed.to_bits(), b.score_undisputed.to_bits());
        }
    }

    #[test]
    fn disputes_without_effect_change_nothing(p in portfolio(), s in specs()) {
        let m = Methodology::default();
        // The input digest names the document, disputes included, so it differs by design;
        // every rated figure must not.
        let rated = |d: &Portfolio| {
            let mut r = rate(d, &m).unwrap();
            r.provenance = None;
            r.to_json()
        };
        let plain = rated(&p);
        // Only rejected disputes (resolved by as_of) and disputes raised after as_of.
        let s: Vec<Spec> = s
            .into_iter()
            .map(|(i, st, raised, days)| match st {
                DisputeStatus::Rejected => (i, st, raised.min(0), days.min(-raised.min(0))),
                _ => (i, st, raised.max(1), days),
            })
            .collect();
        let p2 = disputed(p.clone(), &s);
        prop_assert_eq!(rated(&p2), plain);
        prop_assert_eq!(without_disputes(p2), p);
    }
}
