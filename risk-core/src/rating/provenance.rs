//! Provenance (methodology section 11): what a rating was computed from, so that it can be
//! reproduced and audited.
//!
//! `input_digest` is the SHA-256 of the input document *as read* (section 1: the
//! [`Portfolio`] the engine parsed, with `null`s dropped and defaults filled in) written in the
//! RFC 8785 JSON Canonicalization Scheme (JCS): sorted keys, no whitespace, ECMAScript number
//! formatting. Key order, whitespace and a byte-order mark therefore do not change it, nor does
//! the entry point (JSON text, a Python dict, a JS object, a Rust struct): the same document
//! gives the same digest in every binding. A document that already states every field hashes
//! as itself under any RFC 8785 tool. `methodology_digest` is the same over the methodology
//! file as loaded.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::input::document::Portfolio;
use crate::methodology::Methodology;

/// Where a rating comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// `sha256:` and the lower-case hex SHA-256 of the input document in JCS form.
    pub input_digest: String,
    /// Methodology id.
    pub methodology: String,
    /// Methodology version.
    pub methodology_version: String,
    /// `sha256:` and the hex SHA-256 of the methodology in JCS form.
    pub methodology_digest: String,
    /// The engine's version (the `risk-core` crate version).
    pub engine_version: String,
}

/// The engine version carried in every provenance block.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `sha256:<hex>` of a value in JCS form.
fn jcs_sha256<T: Serialize>(value: &T) -> String {
    let mut text = Vec::new();
    // Every document and methodology serialises: all numbers are finite (checked on input).
    crate::rating::jcs::write(value, &mut text).expect("a checked document serialises as JSON");
    let digest = Sha256::digest(&text);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest.iter() {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    out
}

/// The `input_digest` of a document (see the module documentation).
///
/// ```
/// use risk_core::{parse_portfolio, rating::provenance::input_digest};
/// let a = parse_portfolio(r#"{"as_of": "2025-09-30", "organisations": [{"id": "A"}]}"#).unwrap();
/// let b = parse_portfolio("{\"organisations\":[{\"peer_group\":null,\"id\":\"A\"}],\n \"as_of\":\"2025-09-30\"}").unwrap();
/// assert_eq!(input_digest(&a), input_digest(&b));
/// assert_eq!(input_digest(&a).len(), 7 + 64);
/// ```
pub fn input_digest(portfolio: &Portfolio) -> String {
    jcs_sha256(portfolio)
}

/// The `methodology_digest` of a methodology: its file as loaded, in JCS form.
pub fn methodology_digest(methodology: &Methodology) -> String {
    jcs_sha256(methodology)
}

impl Provenance {
    /// The provenance of rating `portfolio` with `methodology` by this engine.
    pub fn of(portfolio: &Portfolio, methodology: &Methodology) -> Self {
        Provenance {
            input_digest: input_digest(portfolio),
            methodology: methodology.id().to_owned(),
            methodology_version: methodology.version().to_owned(),
            methodology_digest: methodology_digest(methodology),
            engine_version: ENGINE_VERSION.to_owned(),
        }
    }
}
