//! Decision support (section 8): what-if, improvement plans, rating history and what changed.

pub mod compare;
pub(crate) mod dispute_actions;
pub mod history;
pub mod whatif;
