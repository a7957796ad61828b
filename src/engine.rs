//! One replication of a scenario: the discrete-event loop.
//!
//! [`run`] builds a `Sim` from a validated scenario and a replication
//! number, pops events in (time, sequence) order and applies the routing
//! rules of docs/model.md §1-§3, recording into a [`Tally`]. The loop does no I/O,
//! cannot fail, and allocates nothing per event once its buffers are warm:
//! conversations live in a reusable slab, routing state in per-team heaps,
//! and names were resolved to typed ids when the scenario was loaded.
//!
//! A `Sim` is a composition of parts, one per concept, each in its own
//! file with the rules that own it: the `Clock`, the `Agenda` of what
//! is scheduled, the `Conversations` in flight, the `Floor` of agents,
//! the `Router`, what every conversation reads of its queue (`HotQueues`,
//! a cache line per queue), each queue's random draws (`QueueStreams`),
//! and the `Books` that record. A rule borrows the parts it changes; the rules
//! that cross concepts (a status change, an assignment) are `Sim` methods
//! that hand each part its share.

mod accounting;
mod agents;
mod clock;
mod conversations;
mod draws;
mod events;
mod flow;
mod hot;
mod offers;
mod phone;
mod profiles;
mod router;
mod teams;

use crate::model::{AgentId, Headcount, QueueId, Scenario, StatusId, TeamId};
use crate::routing::Waiting;
use crate::stats::Tally;
use crate::time::{DAY, Time};
use accounting::Books;
use agents::{Floor, Phase};
use clock::Clock;
use conversations::{Conv, ConvKey, ConvState, Conversations};
use draws::QueueStreams;
use events::{Agenda, Due, Event, key_time, order_key};
use hot::HotQueues;
use router::Router;

/// Simulates replication `replication` of `sc` and returns what it measured.
pub fn run(sc: &Scenario, replication: u32) -> Tally {
    // A new tally is empty already: no clearing (rows of every interval and queue).
    simulate(sc, replication, Tally::new(sc))
}

/// Like [`run`], recording into `tally` (from [`Tally::new`] of the same
/// scenario), which is cleared first: a worker running many replications
/// reuses one tally's buffers instead of allocating and paging in new ones.
// Never inlined: the instruction-count gate (benches/regression.rs) counts inside it.
#[inline(never)]
pub fn run_reusing(sc: &Scenario, replication: u32, mut tally: Tally) -> Tally {
    debug_assert!(
        tally.queues.len() == sc.queues.len()
            && tally.teams.len() == sc.teams.len()
            && tally.intervals.len() == sc.interval_count() * sc.queues.len(),
        "a tally of another scenario"
    );
    // The per-interval rows are zeroed as each interval opens.
    tally.clear_but_intervals();
    simulate(sc, replication, tally)
}

/// One replication into an empty `tally`: the one instance of the loop
/// that [`run`] and [`run_reusing`] share.
fn simulate(sc: &Scenario, replication: u32, tally: Tally) -> Tally {
    let mut sim = Sim::new(sc, replication, tally, |_| {});
    sim.start();
    sim.run();
    sim.finish()
}

/// What happened, reported to an observer: the property and rule tests keep
/// their own model of the state from these and check the engine against it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trace {
    /// A conversation arrived (`id` is unique within the replication).
    Arrived {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// Its queue.
        queue: QueueId,
        /// Handle time drawn for it, seconds.
        handle: f64,
        /// Wrap-up time drawn for it, seconds (0 without wrap-up).
        wrap: f64,
        /// Patience drawn for it, seconds (infinite without patience).
        patience: f64,
    },
    /// A conversation was assigned to an agent.
    Assigned {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// Its queue.
        queue: QueueId,
        /// The agent (groups in file order, agents in group order).
        agent: AgentId,
        /// Seconds since the conversation first arrived (queue age).
        age: f64,
        /// Capacity units the agent holds after the assignment.
        used_units: u32,
        /// Units the agent holds on the conversation's channel after it.
        channel_units: u32,
    },
    /// A waiting conversation abandoned.
    Abandoned {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
    },
    /// An agent went Offline and the conversation went back to its queue.
    Requeued {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// The agent who had it.
        agent: AgentId,
    },
    /// Handle time and wrap-up are over; the agent's capacity is free.
    Completed {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// The agent who had it.
        agent: AgentId,
    },
    /// An agent's status changed (every agent starts Offline).
    Status {
        /// Seconds.
        time: f64,
        /// The agent.
        agent: AgentId,
        /// New status.
        status: StatusId,
    },
    /// A waiting conversation was offered to an agent (accept mode, docs/model.md §R13).
    Offered {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// Its queue.
        queue: QueueId,
        /// The agent it is offered to.
        agent: AgentId,
    },
    /// An offer ended; an accepted one is followed by `Assigned`.
    OfferEnded {
        /// Seconds.
        time: f64,
        /// Conversation id.
        id: u64,
        /// The agent it was offered to.
        agent: AgentId,
        /// How it ended.
        outcome: OfferOutcome,
    },
    /// An agent switched teams (docs/model.md §R16).
    Team {
        /// Seconds.
        time: f64,
        /// The agent.
        agent: AgentId,
        /// The team the agent works as from now on.
        team: TeamId,
    },
}

/// How an offer ended (docs/model.md §R13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferOutcome {
    /// The agent accepted within the timeout.
    Accepted,
    /// The timeout passed first: the agent goes Unavailable, the conversation moves on.
    Missed,
    /// The agent left Available first: the conversation moves on (a team
    /// switch does not withdraw an offer, docs/model.md §R16).
    Withdrawn,
    /// The customer abandoned first.
    Abandoned,
}

/// Like [`run`], reporting every [`Trace`] event to `observe`.
pub fn run_observed<O: FnMut(&Trace)>(sc: &Scenario, replication: u32, observe: O) -> Tally {
    let mut sim = Sim::new(sc, replication, Tally::new(sc), observe);
    sim.start();
    sim.run();
    sim.finish()
}

/// The state of one replication: its parts, and the observer told of every change.
struct Sim<'s, O> {
    sc: &'s Scenario,
    clock: Clock,
    agenda: Agenda,
    convs: Conversations,
    floor: Floor,
    router: Router,
    /// What every conversation reads of its queue, a line per queue.
    queues: HotQueues,
    streams: QueueStreams,
    books: Books,
    observe: O,
}

impl<'s, O: FnMut(&Trace)> Sim<'s, O> {
    fn new(sc: &'s Scenario, replication: u32, tally: Tally, observe: O) -> Self {
        let floor = Floor::new(sc, replication);
        Sim {
            sc,
            clock: Clock::new(sc),
            agenda: Agenda::new(sc.queues.len(), floor.agents.len()),
            convs: Conversations::with_capacity(1024),
            router: Router::new(sc, &floor.agents),
            floor,
            queues: hot::hot_queues(sc),
            streams: QueueStreams::new(sc, replication),
            books: Books::new(sc, tally),
            observe,
        }
    }

    /// Schedules `event` at `at` if it falls before the end of the run
    /// (horizon plus drain). Nothing is ever scheduled in the past.
    fn schedule(&mut self, at: f64, event: Event) {
        self.agenda.schedule(&self.clock, at, event);
    }

    /// Seeds the event list: first arrivals, interval ticks, shifts, episodes, staffing.
    fn start(&mut self) {
        let sc = self.sc;
        self.books.tally.clear_interval(0);
        self.agenda.schedule_first(&self.clock, sc.horizon, 0, Event::Horizon);
        for q in sc.queues.keys() {
            let t = self.streams.next_arrival(sc, q, 0.0);
            self.agenda.set_next_arrival(q, t);
        }
        self.agenda.schedule_first(&self.clock, sc.interval, 1, Event::Tick);
        if sc.warmup > 0.0 {
            self.schedule(sc.warmup, Event::WarmupEnd);
        }
        for (g, group) in sc.groups.iter_enumerated() {
            let range = self.floor.group(g);
            match (&group.headcount, &group.shift) {
                (Headcount::Staffing(_), _) => self.apply_staffing(g),
                (Headcount::Fixed(_), None) => {
                    for a in range.clone() {
                        self.set_phase(a, Phase::On);
                    }
                }
                (Headcount::Fixed(_), Some(shift)) => {
                    // A shift that began yesterday and runs past midnight is under way at time 0.
                    let yesterday = shift.start - DAY;
                    if yesterday + shift.length > 0.0 {
                        self.begin_shift(g, yesterday);
                    }
                    self.schedule(shift.start, Event::ShiftStart(g));
                }
            }
            let n = range.len();
            for (entry, p) in group.schedule.iter().enumerate() {
                for (i, a) in range.clone().enumerate() {
                    self.schedule(p.start_for(i, n), Event::Planned { agent: a, entry: entry as u16 });
                }
            }
            for (entry, w) in group.switches.iter().enumerate() {
                for (i, a) in range.clone().enumerate() {
                    self.schedule(w.start_for(i, n), Event::Switch { agent: a, entry: entry as u16 });
                }
            }
            for (entry, u) in group.unplanned.iter().enumerate() {
                if u.rate > 0.0 {
                    for a in range.clone() {
                        let gap = self.floor.agents[a].draw_gap(u.rate);
                        self.schedule(gap, Event::Unplanned { agent: a, entry: entry as u16 });
                    }
                }
            }
        }
    }

    /// The event loop: the earliest of the event heap, the patience
    /// deadlines and the next arrivals, until the end of the run or, past
    /// the horizon, until nothing that arrived before it waits unanswered.
    fn run(&mut self) {
        // The least key due at or after the end: times order like their keys,
        // so one integer comparison also stops at the sentinel (nothing left).
        let end = order_key(Time(self.clock.end), 0);
        loop {
            let (first, due) = self.agenda.peek();
            if first >= end || (self.clock.draining && self.convs.unanswered == 0) {
                break;
            }
            self.clock.now = key_time(first);
            let event = match due {
                Due::Arrival(q) => {
                    self.on_arrival(q);
                    continue;
                }
                Due::Deadline => {
                    if let Some(key) = self.agenda.pop_deadline() {
                        self.on_abandon(key);
                    }
                    continue;
                }
                Due::Event => match self.agenda.pop_event() {
                    Some((_, event)) => event,
                    None => break,
                },
            };
            match event {
                Event::HandleDone(key) => self.on_handle_done(key),
                Event::WrapDone(key) => {
                    if self.convs.get(key).is_some_and(|c| c.state == ConvState::WrapUp) {
                        self.complete(key);
                    }
                }
                Event::Tick => self.on_tick(),
                Event::Horizon => {
                    // Agent time and queue length stop here; work offered before it drains.
                    self.flush_all();
                    self.clock.draining = true;
                }
                Event::Staffing(g) => self.apply_staffing(g),
                Event::WarmupEnd => self.flush_all(),
                Event::ShiftStart(g) => self.on_shift_start(g),
                Event::Ready(g) => self.group_phase(g, Phase::Ready, Phase::On),
                Event::WindDown(g) => {
                    self.group_phase(g, Phase::Ready, Phase::WindDown);
                    self.group_phase(g, Phase::On, Phase::WindDown);
                }
                Event::ShiftEnd(g) => {
                    for a in self.floor.group(g) {
                        self.set_phase(a, Phase::Off);
                    }
                }
                Event::Planned { agent, entry } => self.on_planned(agent, usize::from(entry)),
                Event::Unplanned { agent, entry } => self.on_unplanned(agent, usize::from(entry)),
                Event::EpisodeEnd { agent, token } => self.on_episode_end(agent, token),
                Event::Eligible { conv, team } => self.on_eligible(conv, team),
                Event::OfferEnd { agent, token, accepted } => self.on_offer_end(agent, token, accepted),
                Event::Switch { agent, entry } => self.on_switch(agent, usize::from(entry)),
            }
        }
        if !self.clock.draining {
            self.clock.now = Time(self.sc.horizon);
            self.flush_all();
        }
    }

    /// Closes the books when the run ends: stranded and unresolved conversations.
    fn finish(self) -> Tally {
        self.books.close(&self.convs)
    }
}

/// Bytes one conversation alive in a replication holds, about: its slot,
/// its place in a wait queue and its patience deadline (key, payload and
/// position), doubled because buffers grow by doubling. For
/// `replicate::footprint`'s conversations waiting at once.
pub(crate) fn conversation_bytes() -> u64 {
    use std::mem::size_of;
    let one = size_of::<Conv>()
        + size_of::<Waiting<ConvKey>>()
        + size_of::<u128>()
        + size_of::<ConvKey>()
        + size_of::<u32>();
    2 * one as u64
}
