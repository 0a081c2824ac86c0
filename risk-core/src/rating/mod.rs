//! Rating a checked portfolio (sections 3–7): validation into a [`validate::Prepared`] portfolio,
//! evidence → factor beliefs → probability with the supply-chain fixed point (`engine`), drivers
//! and their reasons, and the output document.

pub mod disputes;
pub(crate) mod engine;
pub(crate) mod freshness;
pub mod groups;
pub(crate) mod jcs;
pub mod output;
pub mod provenance;
pub(crate) mod reasons;
pub mod sources;
pub mod split;
pub mod validate;
