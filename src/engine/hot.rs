//! What every conversation reads of its queue, one cache line per queue.
//!
//! A queue of the scenario ([`crate::model::Queue`]) is several hundred
//! bytes: its name, targets, arrival pattern, three distributions and
//! business hours. A conversation reads a few fields scattered over it (the
//! threshold, how its draws are made, its size and channel, whether it has
//! hours), and with a thousand queues each of those lines is out of the
//! cache by the time the queue's next conversation comes. [`HotQueue`]
//! copies them, when the replication is set up, into one aligned line per
//! queue; the rare cases (other shapes, a forecast's handle-time scale,
//! business hours) still read the scenario's queue.

use typed_index_collections::TiVec;

use crate::dist::{Dist, DrawKind};
use crate::model::{Queue, QueueId, Scenario};

/// Per queue, its [`HotQueue`].
pub(super) type HotQueues = TiVec<QueueId, HotQueue>;

/// The hot lines of `sc`'s queues.
pub(super) fn hot_queues(sc: &Scenario) -> HotQueues {
    sc.queues.iter().map(HotQueue::of).collect()
}

/// The fields of one queue read at every conversation.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
pub(super) struct HotQueue {
    /// Handle time, wrap-up and patience: the parameter of each draw.
    params: [f64; 3],
    /// The service-level threshold, seconds.
    pub sl_threshold: f64,
    /// The queue's channel.
    pub channel: usize,
    /// Capacity units a conversation holds ([`Queue::held_size`]).
    pub held_size: u32,
    /// How each of the three draws is made.
    kinds: [DrawKind; 3],
    /// Handle times are scaled by a forecast's handle time.
    pub scaled_handle: bool,
    /// No business hours: always open, waits are plain differences.
    pub always_open: bool,
    /// A conversation keeps its agent Busy while handled (§R14).
    pub busy_while_handling: bool,
}

/// The three draws, by position in [`HotQueue`]'s arrays.
#[derive(Debug, Clone, Copy)]
pub(super) enum DrawFor {
    /// Handle time.
    Handle = 0,
    /// Wrap-up.
    Wrap = 1,
    /// Patience.
    Patience = 2,
}

impl HotQueue {
    /// The hot fields of `queue`.
    fn of(queue: &Queue) -> HotQueue {
        let part = |d: Option<&Dist>, absent: f64| d.map_or((DrawKind::Fixed, absent), Dist::inlined);
        let parts = [
            part(Some(&queue.handle_time), 0.0),
            part(queue.wrap_up.as_ref(), 0.0),
            part(queue.patience.as_ref(), f64::INFINITY),
        ];
        HotQueue {
            params: parts.map(|p| p.1),
            sl_threshold: queue.sl_threshold,
            channel: queue.channel,
            held_size: queue.held_size(),
            kinds: parts.map(|p| p.0),
            scaled_handle: queue.arrivals.handle_scales().is_some(),
            always_open: queue.hours.is_none(),
            busy_while_handling: queue.busy_while_handling,
        }
    }

    /// How draw `part` is made, and its parameter.
    #[inline(always)]
    pub(super) fn draw(&self, part: DrawFor) -> (DrawKind, f64) {
        (self.kinds[part as usize], self.params[part as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_fits_one_cache_line() {
        assert_eq!(std::mem::size_of::<HotQueue>(), 64);
    }
}
