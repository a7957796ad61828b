//! Staffing answers: how many agents a target needs.
//!
//! A [`Target`] (defined in [`crate::target`], below both this module and
//! the charts) is one condition a planner sets (`service_level>=0.8`,
//! `asa<=30s`, `abandon_rate<=0.05`, `occupancy<=0.85`); the `erlang`
//! calculator, the per-interval `staff` methods and `sweep` all judge
//! results against a list of them, all of which must hold.

pub mod calculator;

pub use calculator::Calculator;
pub mod formula;
pub mod output;
pub mod plan;
pub mod requirement;
pub mod search;
pub mod split;

pub use crate::target::{GOALS, Goal, Target};
pub use plan::{Answer, METHODS, Method, Request, Study};
pub use search::Judge;
pub use search::StaffedArray;
