//! Reading a portfolio document: the typed document (section 1), dates, CVSS vectors, the strict
//! JSON layer that locates every problem, and resource limits.

pub mod cvss;
pub mod date;
pub mod dispute;
pub mod document;
pub mod limits;
pub mod parse;
pub(crate) mod strict;
pub mod tables;
