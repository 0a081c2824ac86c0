//! The rating pipeline split where the model splits, so that it can run beyond one process.
//!
//! * [`Prepared::rate_internal`] (per organisation, independent of every other organisation):
//!   evidence → factor beliefs → internal probability with its interval, coverage and the
//!   organisation's own driver candidates. Its result, [`InternalRating`], is a small serde type
//!   that can cross a process boundary (JSON reads back bit for bit).
//! * [`Prepared::rate_from_internal`] (over the graph): the supply-chain fixed point, scores,
//!   peer groups, supplier exposure and dependency drivers, from the per-organisation results and
//!   the dependency graph.
//!
//! `rate_from_internal(rate_internal(p))` equals [`Prepared::rate`] bit for bit in every figure:
//! both halves run the same functions as `rate` does, in the same order. The one difference is
//! the provenance block, which only the whole-document path can compute (its input digest is of
//! the whole document): the split path's rating has `provenance: None`.
//!
//! ```
//! use risk_core::{parse_portfolio, validate, Methodology};
//! let doc = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [
//!   {"id": "A", "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}],
//!    "metrics": [{"metric": "mfa_coverage", "successes": 90, "trials": 100,
//!                 "observed_on": "2025-09-01"}]},
//!   {"id": "B"}]}"#).unwrap();
//! let m = Methodology::default();
//! // Per organisation: the evidence alone (no dependencies needed).
//! let evidence = risk_core::rating::split::without_dependencies(&doc);
//! let internal = validate(&evidence, &m).unwrap().rate_internal();
//! // Over the graph: ids and dependencies alone (no evidence needed).
//! let graph = risk_core::rating::split::graph_only(&doc);
//! let split = validate(&graph, &m).unwrap().rate_from_internal(&internal).unwrap();
//! // Every figure agrees; only the whole-document path knows the input digest, so the split
//! // path's rating carries no provenance block.
//! let whole = risk_core::rate(&doc, &m).unwrap();
//! assert_eq!(split.provenance, None);
//! assert_eq!(split, risk_core::PortfolioRating { provenance: None, ..whole });
//! ```

use serde::{Deserialize, Serialize};

use crate::input::date::Date;
use crate::input::document::Portfolio;
use crate::methodology::Methodology;
use crate::rating::engine::{
    OrgHead, QuantileCache, Supply, basis_of, beliefs, finish_org, fixed_point_with, internal,
    items_without, join, own_factors, par_map, par_map_with_cache, peer_groups, supplier_exposure,
    supply_probability,
};
use crate::rating::output::{Basis, DriverKind, FactorRating, PortfolioRating, Rating};
use crate::rating::validate::Prepared;
use crate::text::clip;

// The error type has its own file, which the umbrella `crate::Error` names: this module returns
// the umbrella (`parse_internal_columns`) without an import loop.
pub(crate) mod error;
pub use error::SplitError;

/// The per-organisation half of a rating: everything that depends on the organisation's own
/// evidence only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InternalRating {
    /// Organisation id.
    pub id: String,
    /// The date rated at (checked against the graph half's).
    pub as_of: Date,
    /// Methodology id (checked against the graph half's).
    pub methodology: String,
    /// Methodology version (checked against the graph half's).
    pub methodology_version: String,
    /// What the rating rests on.
    pub basis: Basis,
    /// Share of the model backed by evidence, 0–1.
    pub coverage: f64,
    /// Probability from the organisation's own controls.
    pub internal_probability: f64,
    /// Its 90% interval.
    pub internal_interval: [f64; 2],
    /// Per-factor beliefs, in methodology order.
    pub factors: Vec<InternalFactor>,
    /// Every counted evidence item, in the engine's order (the graph half picks the drivers).
    pub items: Vec<InternalItem>,
    /// The date of the newest counted evidence item (freshness, section 11.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_as_of: Option<Date>,
}

/// One factor of an [`InternalRating`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InternalFactor {
    /// Factor id.
    pub id: String,
    /// Mean effectiveness μ.
    pub mean: f64,
    /// 5% quantile of the belief.
    pub lower: f64,
    /// 95% quantile of the belief.
    pub upper: f64,
    /// Evidence weight added to the prior.
    pub evidence: f64,
    /// The internal probability if this factor were perfect.
    pub perfect_probability: f64,
}

/// One counted evidence item of an [`InternalRating`]: a driver candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InternalItem {
    /// Kind of item (never `dependency`).
    pub kind: DriverKind,
    /// Control id, metric name or finding id.
    pub reference: String,
    /// The item in words.
    pub reason: String,
    /// The internal probability without this item.
    pub probability_without: f64,
}

/// A copy of a portfolio without its dependency edges: all the per-organisation half needs
/// (and what an executor holding only some organisations can validate).
pub fn without_dependencies(portfolio: &Portfolio) -> Portfolio {
    let mut p = portfolio.clone();
    for o in &mut p.organisations {
        o.dependencies.clear();
    }
    p
}

/// A copy of a portfolio without its evidence (assessments, metrics, findings): all the graph
/// half needs.
pub fn graph_only(portfolio: &Portfolio) -> Portfolio {
    let mut p = portfolio.clone();
    for o in &mut p.organisations {
        o.assessments.clear();
        o.metrics.clear();
        o.findings.clear();
    }
    p
}

impl Prepared {
    /// The per-organisation half of [`Prepared::rate`], for every organisation in input order.
    /// Dependencies are not used: validate the portfolio without them
    /// ([`without_dependencies`]) when the suppliers are elsewhere.
    pub fn rate_internal(&self) -> Vec<InternalRating> {
        par_map_with_cache(self.orgs.len(), |i, cache| self.rate_internal_one(i, cache))
    }

    fn rate_internal_one(&self, i: usize, cache: &mut QuantileCache) -> InternalRating {
        let m = &self.methodology;
        let as_of = self.as_of;
        let o = &self.orgs[i];
        let b = beliefs(o, as_of, m);
        let int = internal(&b, m);
        let own = own_factors(m, &b, &int, cache);
        let without = items_without(m, &b, &int);
        let items = b
            .items
            .iter()
            .zip(without)
            .map(|(it, p_wo)| InternalItem {
                kind: it.kind,
                reference: match it.kind {
                    DriverKind::Assessment => o.assessments[it.index].control.clone(),
                    DriverKind::Metric => o.metrics[it.index].metric.clone(),
                    DriverKind::Finding => o.findings[it.index].id.clone(),
                    DriverKind::Dependency => o.deps[it.index].supplier_id.clone(),
                },
                reason: crate::rating::reasons::reason(m, o, as_of, it.kind, it.index, &[]),
                probability_without: p_wo,
            })
            .collect();
        InternalRating {
            evidence_as_of: crate::rating::freshness::evidence_as_of(o, &b, as_of),
            id: o.id.clone(),
            as_of,
            methodology: m.id().to_owned(),
            methodology_version: m.version().to_owned(),
            basis: basis_of(&b, o),
            coverage: own.coverage,
            internal_probability: int.p,
            internal_interval: [int.p_lo, int.p_hi],
            factors: own
                .factors
                .into_iter()
                .zip(own.perfect)
                .map(|(f, perfect_probability)| InternalFactor {
                    id: f.id,
                    mean: f.mean,
                    lower: f.lower,
                    upper: f.upper,
                    evidence: f.evidence,
                    perfect_probability,
                })
                .collect(),
            items,
        }
    }

    /// The graph half of [`Prepared::rate`]: this portfolio supplies the organisations, their
    /// peer groups and dependency graph (its evidence is not used; see [`graph_only`]),
    /// `internal` one result per organisation in any order.
    ///
    /// # Errors
    /// [`SplitError`] when `internal` does not hold exactly one result per organisation, or a
    /// result was computed at another date, with another methodology or other factors.
    pub fn rate_from_internal(
        &self,
        internal: &[InternalRating],
    ) -> Result<PortfolioRating, SplitError> {
        let m = &self.methodology;
        let n = self.orgs.len();
        let mut slot: Vec<Option<usize>> = vec![None; n];
        for (k, r) in internal.iter().enumerate() {
            check_internal(m, self.as_of, k, r)?;
            let i = self.by_id.get(&r.id).copied().ok_or_else(|| {
                SplitError::new(
                    "unknown_organisation",
                    format!("internal[{k}].id"),
                    format!(
                        "no organisation of the graph has the id `{}`",
                        clip(&r.id, 60)
                    ),
                )
            })?;
            if slot[i].replace(k).is_some() {
                return Err(SplitError::new(
                    "duplicate_organisation",
                    format!("internal[{k}].id"),
                    format!("a second result for organisation `{}`", clip(&r.id, 60)),
                ));
            }
        }
        let mut by_org: Vec<&InternalRating> = Vec::with_capacity(n);
        for (i, s) in slot.iter().enumerate() {
            match s {
                Some(k) => by_org.push(&internal[*k]),
                None => {
                    return Err(SplitError::new(
                        "missing_organisation",
                        format!("organisations[{i}].id"),
                        format!(
                            "no per-organisation result for `{}`",
                            clip(&self.orgs[i].id, 60)
                        ),
                    ));
                }
            }
        }

        let p_mid: Vec<f64> = by_org.iter().map(|r| r.internal_probability).collect();
        let p_lo: Vec<f64> = by_org.iter().map(|r| r.internal_interval[0]).collect();
        let p_hi: Vec<f64> = by_org.iter().map(|r| r.internal_interval[1]).collect();
        let (fp_mid, (fp_lo, fp_hi)) = join(
            || fixed_point_with(self, &p_mid, None),
            || {
                join(
                    || fixed_point_with(self, &p_lo, None),
                    || fixed_point_with(self, &p_hi, None),
                )
            },
        );
        let mut ratings: Vec<Rating> = par_map(n, |i| {
            let o = &self.orgs[i];
            let r = by_org[i];
            let ps = [
                supply_probability(o, &fp_mid),
                supply_probability(o, &fp_lo),
                supply_probability(o, &fp_hi),
            ];
            let factors = r
                .factors
                .iter()
                .map(|f| FactorRating {
                    id: f.id.clone(),
                    mean: f.mean,
                    lower: f.lower,
                    upper: f.upper,
                    evidence: f.evidence,
                    points: 0.0,
                })
                .collect();
            let perfect: Vec<f64> = r.factors.iter().map(|f| f.perfect_probability).collect();
            let item = |k: usize| {
                let it = &r.items[k];
                (it.kind, it.reference.as_str(), it.probability_without)
            };
            finish_org(
                m,
                OrgHead {
                    id: &o.id,
                    peer_group: &o.peer_group,
                    basis: r.basis,
                    p: [r.internal_probability, p_lo[i], p_hi[i]],
                    coverage: r.coverage,
                    as_of: self.as_of,
                    evidence_as_of: r.evidence_as_of,
                },
                factors,
                &perfect,
                (r.items.len(), item),
                |k| r.items[k].reason.clone(),
                Supply {
                    deps: &o.deps,
                    p: ps,
                    p_final: &fp_mid,
                },
            )
        });
        let peer_groups = peer_groups(m, &mut ratings);
        let suppliers = supplier_exposure(self, None);
        let groups = crate::rating::groups::summarise(self, &ratings);
        Ok(PortfolioRating {
            as_of: self.as_of,
            methodology: m.id().to_owned(),
            methodology_version: m.version().to_owned(),
            ratings,
            peer_groups,
            suppliers,
            groups,
            // The graph half never sees the whole document, so it cannot say what the rating
            // was computed from: attach `Provenance::of(document, methodology)` where it is known.
            provenance: None,
        })
    }
}

fn check_internal(
    m: &Methodology,
    as_of: Date,
    k: usize,
    r: &InternalRating,
) -> Result<(), SplitError> {
    let mismatch = |field: &str, message: String| {
        Err(SplitError::new(
            "internal_mismatch",
            format!("internal[{k}].{field}"),
            message,
        ))
    };
    if r.as_of != as_of {
        return mismatch(
            "as_of",
            format!("rated at {} but the graph is rated at {as_of}", r.as_of),
        );
    }
    if r.methodology != m.id() || r.methodology_version != m.version() {
        return mismatch(
            "methodology",
            format!(
                "rated with {} {} but the graph uses {} {}",
                clip(&r.methodology, 60),
                clip(&r.methodology_version, 60),
                m.id(),
                m.version()
            ),
        );
    }
    let defs = &m.doc().factors;
    if r.factors.len() != defs.len() || r.factors.iter().zip(defs).any(|(f, d)| f.id != d.id) {
        return mismatch(
            "factors",
            "the factors are not the methodology's, in its order".into(),
        );
    }
    for (j, it) in r.items.iter().enumerate() {
        if it.kind == DriverKind::Dependency {
            return mismatch(
                &format!("items[{j}].kind"),
                "dependency edges belong to the graph half".into(),
            );
        }
    }
    Ok(())
}

/// Read per-organisation results written as JSON text (one [`InternalRating`] each).
///
/// # Errors
/// [`crate::error::InputError`] `malformed_json` at `internal[k]` for the first text that is not one.
pub fn parse_internal(texts: &[String]) -> Result<Vec<InternalRating>, crate::problem::InputError> {
    texts
        .iter()
        .enumerate()
        .map(|(k, t)| {
            serde_json::from_str(t).map_err(|e| {
                crate::problem::InputError::single(
                    crate::problem::ErrorCode::MalformedJson,
                    format!("internal[{k}]"),
                    format!("not a per-organisation result: {e}"),
                )
            })
        })
        .collect()
}

/// Read per-organisation results written as one JSON array (what the JavaScript binding's
/// `rateFromInternal` takes), with the path of the first problem under `internal`
/// (`internal[3].coverage`).
///
/// # Errors
/// [`InputError`](crate::error::InputError) for text that is not an array of per-organisation results.
pub fn parse_internal_array(text: &str) -> Result<Vec<InternalRating>, crate::problem::InputError> {
    crate::input::parse::from_json_text(text).map_err(|e| e.under("internal"))
}

/// One per-organisation result as compact JSON text (reads back bit for bit).
pub fn internal_to_json(r: &InternalRating) -> String {
    serde_json::to_string(r).expect("an internal rating always serialises (numbers are finite)")
}

/// The offsets buffer of an Arrow string array: `utf8` (32-bit) or `large_utf8` (64-bit).
#[derive(Debug, Clone, Copy)]
pub enum TextOffsets<'a> {
    /// `utf8`: 32-bit offsets.
    Small(&'a [i32]),
    /// `large_utf8`: 64-bit offsets.
    Large(&'a [i64]),
}

impl TextOffsets<'_> {
    fn len(&self) -> usize {
        match self {
            TextOffsets::Small(o) => o.len(),
            TextOffsets::Large(o) => o.len(),
        }
    }

    fn get(&self, i: usize) -> i64 {
        match self {
            TextOffsets::Small(o) => i64::from(o[i]),
            TextOffsets::Large(o) => o[i],
        }
    }
}

/// One chunk of an Arrow string column, as the Arrow columnar format lays it out: row `r`
/// (`0 ≤ r < len`) is null when bit `offset + r` of `validity` is 0 (least significant bit
/// first; no bitmap means no nulls), otherwise the UTF-8 bytes
/// `data[offsets[offset + r]..offsets[offset + r + 1]]`. A binding hands its Arrow buffers over
/// as they are (no copy, no text objects); [`parse_internal_columns`] checks the layout.
#[derive(Debug, Clone, Copy)]
pub struct TextChunk<'a> {
    /// The offsets buffer (at least `offset + len + 1` entries).
    pub offsets: TextOffsets<'a>,
    /// The character data.
    pub data: &'a [u8],
    /// The validity bitmap, if the chunk has one.
    pub validity: Option<&'a [u8]>,
    /// The chunk's first row within its buffers (Arrow's array offset).
    pub offset: usize,
    /// Number of rows.
    pub len: usize,
}

/// The rows of a chunked string column named `name` (`None` for null), checked against the
/// Arrow layout: offsets within bounds and non-decreasing, the bitmap long enough.
fn text_rows<'a>(
    name: &str,
    chunks: &[TextChunk<'a>],
) -> Result<Vec<Option<&'a [u8]>>, crate::problem::InputError> {
    let bad = |c: usize, what: String| {
        crate::problem::InputError::single(
            crate::problem::ErrorCode::WrongType,
            name.to_owned(),
            format!("not an Arrow string column: chunk {c}: {what}"),
        )
    };
    let mut rows = Vec::with_capacity(chunks.iter().map(|c| c.len).sum());
    for (c, chunk) in chunks.iter().enumerate() {
        let end = chunk
            .offset
            .checked_add(chunk.len)
            .filter(|&e| e < chunk.offsets.len());
        let Some(end) = end else {
            return Err(bad(
                c,
                format!(
                    "{} rows from row {} need {} offsets, the buffer has {}",
                    chunk.len,
                    chunk.offset,
                    chunk.offset.saturating_add(chunk.len).saturating_add(1),
                    chunk.offsets.len()
                ),
            ));
        };
        if let Some(v) = chunk.validity
            && v.len() < end.div_ceil(8)
        {
            return Err(bad(
                c,
                format!(
                    "the validity bitmap has {} bytes, {} rows need {}",
                    v.len(),
                    end,
                    end.div_ceil(8)
                ),
            ));
        }
        for i in chunk.offset..end {
            if let Some(v) = chunk.validity
                && v[i / 8] & (1 << (i % 8)) == 0
            {
                rows.push(None);
                continue;
            }
            let (a, b) = (chunk.offsets.get(i), chunk.offsets.get(i + 1));
            let range = usize::try_from(a)
                .ok()
                .zip(usize::try_from(b).ok())
                .filter(|(a, b)| a <= b && *b <= chunk.data.len());
            let Some((a, b)) = range else {
                return Err(bad(
                    c,
                    format!(
                        "row {} spans bytes {a}..{b} of {} bytes of data",
                        i - chunk.offset,
                        chunk.data.len()
                    ),
                ));
            };
            rows.push(Some(&chunk.data[a..b]));
        }
    }
    Ok(rows)
}

/// Read per-organisation results from two Arrow string columns of the same length (what a
/// Spark job's `mapInArrow` returns: `organisation` and `internal`, each row one organisation's
/// id and its [`InternalRating`] as JSON text, see [`internal_to_json`]), straight from the
/// Arrow buffers: no text object per row. Equal to [`parse_internal`] of the same texts.
///
/// ```
/// use risk_core::rating::split::{internal_to_json, parse_internal_columns, TextChunk, TextOffsets};
/// let doc = risk_core::parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}, {"id": "B"}]}"#).unwrap();
/// let internal = risk_core::rate_internal(&doc, &risk_core::Methodology::default()).unwrap();
/// // Lay the two columns out as Arrow does: offsets into one data buffer each.
/// fn column(texts: impl Iterator<Item = String>) -> (Vec<i32>, Vec<u8>) {
///     let (mut offsets, mut data) = (vec![0], Vec::new());
///     for t in texts {
///         data.extend_from_slice(t.as_bytes());
///         offsets.push(data.len() as i32);
///     }
///     (offsets, data)
/// }
/// fn chunk<'a>(offsets: &'a [i32], data: &'a [u8]) -> [TextChunk<'a>; 1] {
///     let offsets = TextOffsets::Small(offsets);
///     [TextChunk { offsets, data, validity: None, offset: 0, len: 2 }]
/// }
/// let (io, id) = column(internal.iter().map(|r| r.id.clone()));
/// let (jo, mut jd) = column(internal.iter().map(internal_to_json));
/// let parsed = parse_internal_columns(&chunk(&io, &id), &chunk(&jo, &jd)).unwrap();
/// assert_eq!(parsed, internal);
/// // A row that is not a result names the organisation of its row.
/// jd[0] = b'[';
/// let e = parse_internal_columns(&chunk(&io, &id), &chunk(&jo, &jd)).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("malformed_json", "internal[0]"));
/// assert!(e.to_string().contains("organisation `A`"), "{e}");
/// ```
///
/// # Errors
/// [`crate::Error::Input`]: `wrong_type` at `organisation` or `internal` for buffers that do not
/// have the Arrow layout or columns of different lengths; at `organisation[k]`, `missing_field`
/// for a null id and `invalid_encoding` for one that is not UTF-8; at `internal[k]`,
/// `missing_field` for a null result and `malformed_json` for a row that is not a
/// per-organisation result (naming the row's organisation). [`crate::Error::Split`]
/// `internal_mismatch` at `internal[k].id` for the result of another organisation than the
/// row's. The first problem in row order is reported.
pub fn parse_internal_columns(
    organisation: &[TextChunk<'_>],
    internal: &[TextChunk<'_>],
) -> Result<Vec<InternalRating>, crate::Error> {
    use crate::problem::ErrorCode;
    let ids = text_rows("organisation", organisation)?;
    let texts = text_rows("internal", internal)?;
    if ids.len() != texts.len() {
        return Err(crate::problem::InputError::single(
            ErrorCode::WrongType,
            "internal",
            format!(
                "{} per-organisation results for {} organisation ids",
                texts.len(),
                ids.len()
            ),
        )
        .into());
    }
    let one = |k: usize| -> Result<InternalRating, crate::Error> {
        let input = |code, path: String, message: String| {
            crate::Error::from(crate::problem::InputError::single(code, path, message))
        };
        let id = match ids[k] {
            None => {
                return Err(input(
                    ErrorCode::MissingField,
                    format!("organisation[{k}]"),
                    "no organisation id".into(),
                ));
            }
            Some(b) => std::str::from_utf8(b).map_err(|e| {
                input(
                    ErrorCode::InvalidEncoding,
                    format!("organisation[{k}]"),
                    format!("the organisation id is not UTF-8: {e}"),
                )
            })?,
        };
        let Some(text) = texts[k] else {
            return Err(input(
                ErrorCode::MissingField,
                format!("internal[{k}]"),
                format!(
                    "no per-organisation result for organisation `{}`",
                    clip(id, 60)
                ),
            ));
        };
        let r: InternalRating = serde_json::from_slice(text).map_err(|e| {
            input(
                ErrorCode::MalformedJson,
                format!("internal[{k}]"),
                format!(
                    "not a per-organisation result (organisation `{}`): {e}",
                    clip(id, 60)
                ),
            )
        })?;
        if r.id != id {
            return Err(SplitError::new(
                "internal_mismatch",
                format!("internal[{k}].id"),
                format!(
                    "the result of organisation `{}` in the row of organisation `{}`",
                    clip(&r.id, 60),
                    clip(id, 60)
                ),
            )
            .into());
        }
        Ok(r)
    };
    // Parsed in parallel; the first problem in row order is the one reported.
    par_map(ids.len(), one).into_iter().collect()
}
