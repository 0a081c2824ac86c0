//! The bundled sample's groups (issue 15): every NHS body, practice and care provider is in
//! exactly one ICB group and that ICB's region; suppliers in none.

use std::collections::BTreeMap;

use risk_core::sample::{SampleConfig, sample_portfolio};
use risk_core::{Methodology, rate};

#[test]
fn sample_has_icb_and_region_groups() {
    let doc = sample_portfolio(&SampleConfig::default());
    let mut region_of_icb: BTreeMap<String, String> = BTreeMap::new();
    for o in &doc.organisations {
        if o.peer_group == "supplier" {
            assert!(o.groups.is_empty(), "{} is a supplier in a group", o.id);
            continue;
        }
        assert_eq!(o.groups.len(), 2, "{}: {:?}", o.id, o.groups);
        let icb = o.groups[0]
            .strip_prefix("icb:")
            .expect("an icb group first");
        assert!(o.groups[1].starts_with("region:"));
        if o.peer_group == "icb" {
            assert_eq!(icb, o.id, "an ICB is in its own group");
        }
        // An ICB is in one region.
        let r = region_of_icb
            .entry(icb.to_owned())
            .or_insert_with(|| o.groups[1].clone());
        assert_eq!(*r, o.groups[1]);
    }
    let icbs = doc
        .organisations
        .iter()
        .filter(|o| o.peer_group == "icb")
        .count();
    assert!(icbs >= 5);
    assert_eq!(region_of_icb.len(), icbs);
    let rating = rate(&doc, &Methodology::default()).unwrap();
    let regions = region_of_icb
        .values()
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(rating.groups.len(), icbs + regions.len());
    let members: usize = rating
        .groups
        .iter()
        .filter(|g| g.group.starts_with("icb:"))
        .map(|g| g.members.len())
        .sum();
    let non_suppliers = doc
        .organisations
        .iter()
        .filter(|o| o.peer_group != "supplier")
        .count();
    assert_eq!(members, non_suppliers);
}
