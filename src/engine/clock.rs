//! The replication's clock: the current instant, when the run ends, the
//! reporting interval under way, and whether the horizon has passed
//! (docs/model.md §6).

use crate::model::Scenario;
use crate::time::Time;

/// Where the replication is in time.
#[derive(Debug)]
pub(super) struct Clock {
    /// The current instant.
    pub now: Time,
    /// The horizon plus the drain: nothing happens at or after it, seconds.
    pub end: f64,
    /// Past the horizon: no arrivals, and no agent time or queue length is booked.
    pub draining: bool,
    /// Current reporting interval.
    pub interval: usize,
}

impl Clock {
    /// At time 0 of `sc`.
    pub(super) fn new(sc: &Scenario) -> Clock {
        Clock { now: Time::ZERO, end: sc.horizon + sc.drain, draining: false, interval: 0 }
    }

    /// The current instant, seconds.
    #[inline(always)]
    pub(super) fn secs(&self) -> f64 {
        self.now.secs()
    }
}
