//! The future event list, ordered by (time, sequence number) so events at
//! equal times come out in the order they were scheduled and every run
//! repeats exactly.
//!
//! Most events live in a 4-ary heap ([`EventQueue`]). Patience deadlines
//! live in their own indexed heap ([`Deadlines`]) so a conversation that is
//! answered takes its deadline out at once instead of leaving a stale event
//! in the main heap. Each queue's next arrival is kept beside them, and the
//! [`Agenda`] (the engine's part holding all three) hands out the earliest;
//! all draw sequence numbers from one counter, so the order is the same
//! total order as one heap would give.

use typed_index_collections::{TiSlice, TiVec};

use super::clock::Clock;
use super::conversations::ConvKey;
use crate::heap::{QuadHeap, Track, Untracked};
use crate::model::{AgentId, GroupId, QueueId, TeamId};
use crate::time::Time;

/// Everything scheduled: events, patience deadlines and each queue's next
/// arrival, handed out in (time, sequence number) order.
#[derive(Debug)]
pub(super) struct Agenda {
    events: EventQueue,
    /// Patience deadlines of waiting (and offered) conversations.
    deadlines: Deadlines,
    /// Heap of each queue's next arrival (key as events; value: the queue), and
    /// each queue's position in it (`u32::MAX`: no more arrivals).
    next_arrivals: QuadHeap<QueueId>,
    arrival_pos: TiVec<QueueId, u32>,
}

/// Which of the agenda's sources the earliest item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Due {
    /// The next arrival of this queue.
    Arrival(QueueId),
    /// A patience deadline.
    Deadline,
    /// An event.
    Event,
}

impl Agenda {
    /// Nothing scheduled, with room for `queues` queues' arrivals and the
    /// events of `agents` agents.
    pub(super) fn new(queues: usize, agents: usize) -> Agenda {
        Agenda {
            events: EventQueue::with_capacity(1024 + 4 * agents),
            deadlines: Deadlines::default(),
            next_arrivals: QuadHeap::with_capacity(queues, QueueId(0)),
            arrival_pos: vec![u32::MAX; queues].into(),
        }
    }

    /// Schedules `event` at `at` if it falls before the end of the run
    /// (horizon plus drain). Nothing is ever scheduled in the past.
    #[inline]
    pub(super) fn schedule(&mut self, clock: &Clock, at: f64, event: Event) {
        debug_assert!(at >= clock.secs(), "event scheduled in the past");
        if at < clock.end {
            self.events.push(Time(at.max(clock.secs())), event);
        }
    }

    /// Schedules the horizon (rank 0) or an interval's end (rank 1) at `at`,
    /// ahead of anything else due at that instant.
    pub(super) fn schedule_first(&mut self, clock: &Clock, at: f64, rank: u64, event: Event) {
        if at < clock.end {
            self.events.push_first(Time(at), rank, event);
        }
    }

    /// Schedules `event` at `at` (before the end of the run: a handle time
    /// or wrap-up under way).
    #[inline(always)]
    pub(super) fn push(&mut self, at: Time, event: Event) {
        self.events.push(at, event);
    }

    /// The order key of the earliest item (`u128::MAX` when none) and where it is.
    #[inline(always)]
    pub(super) fn peek(&mut self) -> (u128, Due) {
        let (arrival, q) = self.next_arrivals.top().unwrap_or((u128::MAX, QueueId(0)));
        let deadline = self.deadlines.peek_key();
        let first = arrival.min(deadline).min(self.events.peek_key());
        let due = if first == arrival {
            Due::Arrival(q)
        } else if first == deadline {
            Due::Deadline
        } else {
            Due::Event
        };
        (first, due)
    }

    /// Takes the earliest event.
    #[inline(always)]
    pub(super) fn pop_event(&mut self) -> Option<(Time, Event)> {
        self.events.pop()
    }

    /// Takes the earliest patience deadline's conversation.
    #[inline(always)]
    pub(super) fn pop_deadline(&mut self) -> Option<ConvKey> {
        self.deadlines.pop()
    }

    /// Adds conversation `key`'s patience deadline at `at`.
    pub(super) fn add_deadline(&mut self, at: Time, key: ConvKey) {
        let seq = self.events.next_seq();
        self.deadlines.push(at, seq, key);
    }

    /// Drops conversation `key`'s patience deadline, if it has one.
    #[inline(always)]
    pub(super) fn remove_deadline(&mut self, key: ConvKey) {
        self.deadlines.remove(key);
    }

    /// Records queue `q`'s next arrival (none: never), O(log queues).
    #[inline(always)]
    pub(super) fn set_next_arrival(&mut self, q: QueueId, at: Option<f64>) {
        let at_pos = self.arrival_pos[q];
        match at {
            Some(t) => {
                let key = order_key(Time(t), self.events.next_seq());
                let track = &mut ArrivalPositions(&mut self.arrival_pos);
                if at_pos == u32::MAX {
                    self.next_arrivals.push(key, q, track);
                } else {
                    self.next_arrivals.replace_at(at_pos as usize, key, q, track);
                }
            }
            None if at_pos != u32::MAX => {
                self.arrival_pos[q] = u32::MAX;
                self.next_arrivals.remove_at(at_pos as usize, &mut ArrivalPositions(&mut self.arrival_pos));
            }
            None => {}
        }
    }
}

/// Keeps each queue's position in the next-arrival heap.
struct ArrivalPositions<'a>(&'a mut TiSlice<QueueId, u32>);

impl Track<QueueId> for ArrivalPositions<'_> {
    #[inline(always)]
    fn placed(&mut self, _: u128, q: QueueId, i: usize) {
        self.0[q] = i as u32;
    }
}

/// Everything that can happen. Small and `Copy`: no allocation per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// A conversation's handle time is over (wrap-up may follow).
    HandleDone(ConvKey),
    /// A conversation's wrap-up is over.
    WrapDone(ConvKey),
    /// A reporting interval ends.
    Tick,
    /// The horizon: arrivals have stopped; agent time stops being booked.
    Horizon,
    /// The warm-up ends.
    WarmupEnd,
    /// Group `.0`'s staffing array moves on to its next step.
    Staffing(GroupId),
    /// Group `.0`'s shift starts (agents log in, Offline until ready).
    ShiftStart(GroupId),
    /// Group `.0`'s ready delay is over.
    Ready(GroupId),
    /// Group `.0`'s wind-down starts.
    WindDown(GroupId),
    /// Group `.0`'s shift ends.
    ShiftEnd(GroupId),
    /// Planned episode `entry` of the group comes due for `agent`.
    Planned { agent: AgentId, entry: u16 },
    /// Unplanned source `entry` fires for `agent`.
    Unplanned { agent: AgentId, entry: u16 },
    /// The episode numbered `token` of `agent` ends.
    EpisodeEnd { agent: AgentId, token: u32 },
    /// A waiting conversation has waited as long as `team`'s routing profile
    /// asks before the team takes it (overflow, docs/model.md §R15).
    Eligible { conv: ConvKey, team: TeamId },
    /// `agent`'s offer numbered `token` ends: accepted, or missed at the
    /// timeout (docs/model.md §R13).
    OfferEnd { agent: AgentId, token: u32, accepted: bool },
    /// Team switch `entry` of the group comes due for `agent` (§R16).
    Switch { agent: AgentId, entry: u16 },
}

// Every move in the event heap copies a key and an event: the event stays 16 bytes
// (benches/engine.rs's `event-list` group times entries of this size).
const _: () = assert!(std::mem::size_of::<Event>() == 16);

/// The order of anything scheduled: `time bits << 64 | seq`. Times are never
/// negative, so their bit patterns order like the numbers, and one integer
/// comparison orders by time, then sequence number.
#[inline]
pub(crate) fn order_key(time: Time, seq: u64) -> u128 {
    (u128::from(time.0.to_bits()) << 64) | u128::from(seq)
}

/// The time in an [`order_key`].
#[inline]
pub(crate) fn key_time(key: u128) -> Time {
    Time(f64::from_bits((key >> 64) as u64))
}

/// Pending events, earliest first: a [`QuadHeap`] on [`order_key`].
#[derive(Debug)]
pub(crate) struct EventQueue {
    heap: QuadHeap<Event>,
    seq: u64,
    /// The top was handed out by `pop` but is still in the heap: a `push`
    /// that follows (an agent finishing one conversation and taking the
    /// next) replaces it in place with one sift instead of two.
    popped: bool,
}

impl EventQueue {
    /// An empty queue with room for `n` pending events.
    pub(crate) fn with_capacity(n: usize) -> EventQueue {
        // Sequence numbers below FIRST_SEQ are reserved for `push_first`.
        EventQueue { heap: QuadHeap::with_capacity(n, Event::Tick), seq: FIRST_SEQ - 1, popped: false }
    }

    /// The next sequence number, for anything ordered with these events.
    #[inline]
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Schedules `event` at `time`.
    #[inline(always)]
    pub(crate) fn push(&mut self, time: Time, event: Event) {
        let key = order_key(time, self.next_seq());
        if self.popped {
            self.popped = false;
            self.heap.replace_at(0, key, event, &mut Untracked);
        } else {
            self.heap.push(key, event, &mut Untracked);
        }
    }

    /// Schedules `event` at `time` ahead of everything else due then, in
    /// `rank` order (below [`FIRST_SEQ`]): the horizon, then an interval's
    /// end, see what the previous instant left. At most one event per rank and time.
    pub(crate) fn push_first(&mut self, time: Time, rank: u64, event: Event) {
        debug_assert!(rank < FIRST_SEQ);
        self.settle();
        self.heap.push(order_key(time, rank), event, &mut Untracked);
    }

    /// Removes a top that `pop` handed out and no `push` replaced.
    #[inline]
    fn settle(&mut self) {
        if self.popped {
            self.popped = false;
            self.heap.remove_at(0, &mut Untracked);
        }
    }

    /// The [`order_key`] of the earliest event (`u128::MAX` when none).
    #[inline]
    pub(crate) fn peek_key(&mut self) -> u128 {
        self.settle();
        self.heap.top_key()
    }

    /// The earliest event, if any.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(Time, Event)> {
        self.settle();
        let (key, event) = self.heap.top()?;
        self.popped = true;
        Some((key_time(key), event))
    }
}

/// The first sequence number `push` hands out; those below are `push_first` ranks.
pub(crate) const FIRST_SEQ: u64 = 2;

/// Slot position marker: the conversation has no deadline.
const NO_DEADLINE: u32 = u32::MAX;

/// Patience deadlines of waiting conversations: a [`QuadHeap`] on
/// (time, sequence number) with removal by conversation.
#[derive(Debug)]
pub(crate) struct Deadlines {
    heap: QuadHeap<ConvKey>,
    pos: SlotPositions,
}

/// Heap position per conversation slot ([`NO_DEADLINE`] when none).
#[derive(Debug, Default)]
struct SlotPositions(Vec<u32>);

impl Track<ConvKey> for SlotPositions {
    #[inline(always)]
    fn placed(&mut self, _: u128, key: ConvKey, i: usize) {
        self.0[key.slot()] = i as u32;
    }
}

impl Default for Deadlines {
    fn default() -> Deadlines {
        Deadlines { heap: QuadHeap::with_capacity(64, ConvKey::DANGLING), pos: SlotPositions::default() }
    }
}

impl Deadlines {
    /// Adds the deadline of conversation `key` (which has none).
    #[inline(always)]
    pub(crate) fn push(&mut self, time: Time, seq: u64, key: ConvKey) {
        let slot = key.slot();
        if slot >= self.pos.0.len() {
            self.pos.0.resize(slot + 1, NO_DEADLINE);
        }
        self.heap.push(order_key(time, seq), key, &mut self.pos);
    }

    /// The [`order_key`] of the earliest deadline (`u128::MAX` when none).
    #[inline]
    pub(crate) fn peek_key(&self) -> u128 {
        self.heap.top_key()
    }

    /// Takes the earliest deadline's conversation.
    pub(crate) fn pop(&mut self) -> Option<ConvKey> {
        let (_, key) = self.heap.top()?;
        self.remove(key);
        Some(key)
    }

    /// Drops the deadline of the conversation in `key`'s slot, if it has one.
    #[inline(always)]
    pub(crate) fn remove(&mut self, key: ConvKey) {
        let Some(&i) = self.pos.0.get(key.slot()) else { return };
        if i == NO_DEADLINE {
            return;
        }
        self.pos.0[key.slot()] = NO_DEADLINE;
        self.heap.remove_at(i as usize, &mut self.pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::conversations::{Conv, ConvState, Conversations};
    use crate::model::QueueId;
    use proptest::prelude::*;

    fn conv() -> Conv {
        Conv {
            id: 0,
            arrival: 0.0,
            handle: 0.0,
            wrap: 0.0,
            remaining: 0.0,
            handle_end: 0.0,
            offered_at: 0.0,
            agent: AgentId(0),
            interval: 0,
            queue: QueueId(0),
            state: ConvState::Waiting,
            answered: false,
            counted: true,
        }
    }

    proptest! {
        /// Deadlines come out in (time, seq) order, skipping removed ones.
        #[test]
        fn deadlines_pop_in_order_after_removals(times in prop::collection::vec(0u8..20, 1..60), drop in prop::collection::vec(any::<bool>(), 60)) {
            let mut convs = Conversations::with_capacity(4);
            let mut d = Deadlines::default();
            let mut kept = vec![];
            let keys: Vec<_> = times.iter().map(|_| convs.insert(conv())).collect();
            for (seq, (&t, &k)) in times.iter().zip(&keys).enumerate() {
                d.push(Time(f64::from(t)), seq as u64, k);
            }
            for (seq, (&t, &k)) in times.iter().zip(&keys).enumerate() {
                if drop[seq] { d.remove(k); } else { kept.push((t, seq, k)); }
            }
            kept.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            let popped: Vec<_> = std::iter::from_fn(|| d.pop()).collect();
            prop_assert_eq!(popped, kept.into_iter().map(|x| x.2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn equal_times_come_out_in_scheduling_order() {
        let mut q = EventQueue::with_capacity(4);
        q.push(Time(5.0), Event::Tick);
        q.push(Time(1.0), Event::ShiftStart(GroupId(1)));
        q.push(Time(5.0), Event::ShiftStart(GroupId(2)));
        q.push(Time(1.0), Event::ShiftStart(GroupId(3)));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (Time(1.0), Event::ShiftStart(GroupId(1))),
                (Time(1.0), Event::ShiftStart(GroupId(3))),
                (Time(5.0), Event::Tick),
                (Time(5.0), Event::ShiftStart(GroupId(2))),
            ]
        );
    }
}
