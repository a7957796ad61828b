//! routesim: a discrete-event capacity simulator for status-routed support teams.
//!
//! The flow is `scenario` (file → validated [`model::Scenario`]) → `engine`
//! (one replication, routed by `routing`, measured by `stats`) → `replicate`
//! (many replications in parallel, aggregated) → `report` (result files,
//! drawn by `plot`); `staffing` and `sweep` run the same pipeline over
//! many scenario variants, and `compare` over two, paired replication by
//! replication.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod calendar;
pub mod compare;
pub mod dist;
pub mod driver;
pub mod engine;
pub mod erlang;
pub mod error;
pub mod exact;
pub mod format;
pub(crate) mod heap;
pub mod input;
pub mod model;
pub mod plot;
mod ragged;
pub mod replicate;
pub mod report;
pub(crate) mod routing;
pub mod rows;
pub mod scenario;
pub mod schedule;
pub mod shard;
pub mod staffing;
pub mod stats;
pub(crate) mod streams;
pub mod sweep;
pub mod target;
pub mod task;
pub(crate) mod time;
pub mod wire;

pub use error::{Error, Problem, Result};
pub use model::Scenario;
