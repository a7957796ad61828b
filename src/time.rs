//! Simulated time: an instant in seconds since the start of day 0 (a Monday).
//!
//! Instants are a newtype so they cannot be mixed with durations by accident;
//! durations are plain `f64` seconds throughout the crate.

use std::ops::Add;

/// Seconds in one simulated day.
pub(crate) const DAY: f64 = 86_400.0;

/// An instant of simulated time, in seconds since the start of day 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub(crate) struct Time(pub f64);

impl Time {
    /// The start of the simulation.
    pub(crate) const ZERO: Time = Time(0.0);

    /// Seconds since the start of day 0.
    pub(crate) fn secs(self) -> f64 {
        self.0
    }
}

impl Add<f64> for Time {
    type Output = Time;
    fn add(self, secs: f64) -> Time {
        Time(self.0 + secs)
    }
}
