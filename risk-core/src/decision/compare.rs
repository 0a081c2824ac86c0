//! Methodology change notice (methodology section 12): how every organisation's score moves from
//! one methodology to another, and why, by an exact Shapley decomposition over the parameter
//! groups of the methodology file.
//!
//! The groups are the top-level sections of the methodology file that enter the score:
//! [`SCORE_GROUPS`] (intercept and link in `model`, factor weights in `factors`, the control
//! mapping in `controls`, evidence strengths and half-lives in `assessments` and `metrics`,
//! finding severity rules in `findings`, `priors`, couplings in `supply_chain`, and the `score`
//! scale). Sections that do not enter the score (names, bands, quantiles, drivers, freshness)
//! are not groups: a band moves only through its score. Only the G groups that differ between
//! the two files are played: the portfolio is rated under each of the 2^G mixtures (sections of
//! the changed groups taken from the new file, the rest from the old), so the cost is 2^G full
//! ratings (G ≤ 9, so at most 512); a group that did not change gets exactly zero, and the parts
//! of each organisation add up to its change (to rounding).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::input::document::Portfolio;
use crate::methodology::Methodology;

/// The methodology file's sections that enter the score: the groups of the attribution, in file
/// order.
pub const SCORE_GROUPS: [&str; 9] = [
    "factors",
    "controls",
    "model",
    "assessments",
    "metrics",
    "findings",
    "priors",
    "supply_chain",
    "score",
];

/// Which methodology a side of the comparison is.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodologyRef {
    /// Methodology id.
    pub id: String,
    /// Methodology version.
    pub version: String,
    /// `sha256:` digest of the methodology in JCS form (section 11).
    pub digest: String,
}

/// One group's share of an organisation's change.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupPart {
    /// The group (a section of the methodology file).
    pub group: String,
    /// Its Shapley value, in score points.
    pub points: f64,
}

/// How one organisation moves.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChange {
    /// Organisation id.
    pub id: String,
    /// Score under the old methodology.
    pub score_old: f64,
    /// Score under the new methodology.
    pub score_new: f64,
    /// `score_new − score_old`.
    pub change: f64,
    /// Band under the old methodology.
    pub band_old: String,
    /// Band under the new methodology.
    pub band_new: String,
    /// The change attributed to every group of [`SCORE_GROUPS`], in that order (zero for the
    /// groups that did not change).
    pub parts: Vec<GroupPart>,
}

/// The methodology change notice for a portfolio.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodologyComparison {
    /// The methodology rated under before.
    pub old: MethodologyRef,
    /// The methodology rated under after.
    pub new: MethodologyRef,
    /// The groups that differ between the two (G of them), in file order.
    pub changed_groups: Vec<String>,
    /// How many full ratings the decomposition took: 2^G.
    pub ratings_computed: usize,
    /// One entry per organisation, in input order.
    pub organisations: Vec<OrganisationChange>,
    /// SHA-256 of the input document in RFC 8785 canonical form (methodology section 11); the
    /// methodologies' digests are in `old` and `new`.
    pub input_digest: String,
    /// The engine version that computed the comparison.
    pub engine_version: String,
}

fn reference(m: &Methodology) -> MethodologyRef {
    MethodologyRef {
        id: m.id().to_owned(),
        version: m.version().to_owned(),
        digest: crate::rating::provenance::methodology_digest(m),
    }
}

/// Compare the ratings of `portfolio` under `old` and `new` (see the module documentation).
///
/// ```
/// use risk_core::{parse_portfolio, Methodology, decision::compare::compare_methodologies};
/// let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
/// let old = Methodology::default();
/// let mut v: serde_json::Value = serde_json::from_str(risk_core::methodology::DEFAULT_METHODOLOGY_JSON).unwrap();
/// v["model"]["intercept"] = serde_json::json!(-1.0);
/// let new = Methodology::from_json(&v.to_string()).unwrap();
/// let c = compare_methodologies(&doc, &old, &new).unwrap();
/// assert_eq!(c.changed_groups, ["model"]);
/// let a = &c.organisations[0];
/// let model = a.parts.iter().find(|p| p.group == "model").unwrap();
/// assert!((model.points - a.change).abs() < 1e-9);
/// ```
///
/// # Errors
/// [`Error::Input`] when the document does not validate under a mixture, and
/// [`Error::Methodology`] when two groups cannot be mixed (say new factors with old metrics
/// naming factors that no longer exist): the attribution is then undefined.
pub fn compare_methodologies(
    portfolio: &Portfolio,
    old: &Methodology,
    new: &Methodology,
) -> Result<MethodologyComparison, Error> {
    let to_value = |m: &Methodology| serde_json::to_value(m).expect("a methodology serialises");
    let (vo, vn) = (to_value(old), to_value(new));
    let changed: Vec<usize> = (0..SCORE_GROUPS.len())
        .filter(|&g| vo.get(SCORE_GROUPS[g]) != vn.get(SCORE_GROUPS[g]))
        .collect();
    let gn = changed.len();
    // v(S) for every subset S of the changed groups (bit k = changed[k] from the new file).
    let mut scores: Vec<Vec<f64>> = Vec::with_capacity(1 << gn);
    let mut bands_old = Vec::new();
    let mut bands_new = Vec::new();
    for mask in 0usize..(1 << gn) {
        let rating = if mask == 0 {
            crate::rate(portfolio, old)?
        } else if mask == (1 << gn) - 1 {
            crate::rate(portfolio, new)?
        } else {
            let mut v: Value = vo.clone();
            for (k, &g) in changed.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    v[SCORE_GROUPS[g]] = vn[SCORE_GROUPS[g]].clone();
                }
            }
            let mixed = Methodology::from_json(&v.to_string())?;
            crate::rate(portfolio, &mixed)?
        };
        if mask == 0 {
            bands_old = rating.ratings.iter().map(|r| r.band.clone()).collect();
        }
        if mask == (1 << gn) - 1 {
            bands_new = rating.ratings.iter().map(|r| r.band.clone()).collect();
        }
        scores.push(rating.ratings.iter().map(|r| r.score).collect());
    }
    // Shapley weights |S|!(G−|S|−1)!/G! by subset size.
    let fact = |n: usize| (1..=n).map(|x| x as f64).product::<f64>();
    let weight: Vec<f64> = (0..gn)
        .map(|s| fact(s) * fact(gn - s - 1) / fact(gn))
        .collect();
    let ids: Vec<String> = portfolio
        .organisations
        .iter()
        .map(|o| o.id.clone())
        .collect();
    let organisations = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let mut parts: Vec<GroupPart> = SCORE_GROUPS
                .iter()
                .map(|g| GroupPart {
                    group: (*g).to_owned(),
                    points: 0.0,
                })
                .collect();
            for (k, &g) in changed.iter().enumerate() {
                let mut phi = 0.0;
                for mask in 0usize..(1 << gn) {
                    if mask & (1 << k) == 0 {
                        let s = mask.count_ones() as usize;
                        phi += weight[s] * (scores[mask | (1 << k)][i] - scores[mask][i]);
                    }
                }
                parts[g].points = phi;
            }
            let (a, b) = (scores[0][i], scores[(1 << gn) - 1][i]);
            OrganisationChange {
                id,
                score_old: a,
                score_new: b,
                change: b - a,
                band_old: bands_old[i].clone(),
                band_new: bands_new[i].clone(),
                parts,
            }
        })
        .collect();
    Ok(MethodologyComparison {
        old: reference(old),
        new: reference(new),
        changed_groups: changed
            .iter()
            .map(|&g| SCORE_GROUPS[g].to_owned())
            .collect(),
        ratings_computed: 1 << gn,
        organisations,
        input_digest: crate::rating::provenance::input_digest(portfolio),
        engine_version: crate::rating::provenance::ENGINE_VERSION.to_owned(),
    })
}
