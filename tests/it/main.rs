//! The integration-test binary: the simulator against queueing theory, the
//! routing rules one small scenario at a time, property tests of the
//! invariants, and end-to-end runs of the `routesim` binary.

mod checker;
mod cli;
mod properties;
mod rules;
mod theory;
