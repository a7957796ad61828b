//! The integration-test binary: the simulator against queueing theory, the
//! routing rules one small scenario at a time, property tests of the
//! invariants, and end-to-end runs of the `routesim` binary.

#![allow(clippy::unwrap_used, unreachable_pub)] // test code: a failed unwrap is a failed test

mod calendar;
mod charts;
mod checker;
mod cli;
mod columns;
mod compare;
mod crn;
mod erlang;
mod files;
mod forecast;
mod forecast_map;
mod honest;
mod hours;
mod input;
mod layers;
mod merge;
mod names;
mod properties;
mod rules;
mod schedule;
mod shard;
mod staff;
mod sweep;
mod team;
mod theory;
