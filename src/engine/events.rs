//! The future event list: a binary min-heap ordered by (time, sequence
//! number), so events at equal times come out in the order they were
//! scheduled and every run repeats exactly.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::conversations::ConvKey;
use crate::time::Time;

/// Everything that can happen. Small and `Copy`: no allocation per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// The next conversation arrives on queue `.0`.
    Arrival(u16),
    /// A waiting conversation's patience runs out.
    Abandon(ConvKey),
    /// A conversation's handle time is over (wrap-up may follow).
    HandleDone(ConvKey),
    /// A conversation's wrap-up is over.
    WrapDone(ConvKey),
    /// A reporting interval ends.
    Tick,
    /// The warm-up ends.
    WarmupEnd,
    /// Group `.0`'s shift starts (agents log in, Offline until ready).
    ShiftStart(u32),
    /// Group `.0`'s ready delay is over.
    Ready(u32),
    /// Group `.0`'s wind-down starts.
    WindDown(u32),
    /// Group `.0`'s shift ends.
    ShiftEnd(u32),
    /// Planned episode `entry` of the group comes due for `agent`.
    Planned { agent: u32, entry: u16 },
    /// Unplanned source `entry` fires for `agent`.
    Unplanned { agent: u32, entry: u16 },
    /// The episode numbered `token` of `agent` ends.
    EpisodeEnd { agent: u32, token: u32 },
}

#[derive(Debug)]
struct Scheduled {
    time: Time,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so the std max-heap pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Pending events, earliest first.
#[derive(Debug)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Scheduled>,
    seq: u64,
}

impl EventQueue {
    /// An empty queue with room for `n` pending events.
    pub(crate) fn with_capacity(n: usize) -> EventQueue {
        EventQueue {
            heap: BinaryHeap::with_capacity(n),
            seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub(crate) fn push(&mut self, time: Time, event: Event) {
        self.seq += 1;
        self.heap.push(Scheduled {
            time,
            seq: self.seq,
            event,
        });
    }

    /// The earliest event, if any.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(Time, Event)> {
        self.heap.pop().map(|s| (s.time, s.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_come_out_in_scheduling_order() {
        let mut q = EventQueue::with_capacity(4);
        q.push(Time(5.0), Event::Tick);
        q.push(Time(1.0), Event::ShiftStart(1));
        q.push(Time(5.0), Event::ShiftStart(2));
        q.push(Time(1.0), Event::ShiftStart(3));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (Time(1.0), Event::ShiftStart(1)),
                (Time(1.0), Event::ShiftStart(3)),
                (Time(5.0), Event::Tick),
                (Time(5.0), Event::ShiftStart(2)),
            ]
        );
    }
}
