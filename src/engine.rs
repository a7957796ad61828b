//! One replication of a scenario: the discrete-event loop.
//!
//! [`run`] builds a [`Sim`] from a validated scenario and a replication
//! number, pops events in (time, sequence) order and applies the routing
//! rules of docs/model.md §1-§3, recording into a [`Tally`]. The loop does no I/O,
//! cannot fail, and allocates nothing per event once its buffers are warm:
//! conversations live in a reusable slab, routing state in per-team heaps,
//! and names were resolved to indices when the scenario was loaded.

mod accounting;
mod agents;
mod conversations;
mod events;
mod offers;
mod phone;
mod profiles;
mod teams;

use rand_distr::{Distribution, Exp1};
use typed_index_collections::{TiSlice, TiVec};

use crate::heap::{QuadHeap, Track};
use crate::model::{AgentId, GroupId, Headcount, QueueId, Scenario, Selection, StatusId, TeamId};
use crate::routing::{AgentPool, Fit, NonEmpty, RouteState, WaitQueue, Waiting, before};
use crate::stats::{self, Tally};
use crate::streams::{self, Purpose, Rng};
use crate::time::{DAY, Time};
use accounting::TeamWork;
use agents::{Agent, Phase};
use conversations::{Conv, ConvKey, ConvState, Conversations};
use events::{Deadlines, Event, EventQueue, key_time, order_key};

/// Simulates replication `replication` of `sc` and returns what it measured.
pub fn run(sc: &Scenario, replication: u32) -> Tally {
    // The same instance of the loop as `run_reusing`: one copy of the hot code.
    run_reusing(sc, replication, Tally::new(sc))
}

/// Like [`run`], recording into `tally` (from [`Tally::new`] of the same
/// scenario), which is cleared first: a worker running many replications
/// reuses one tally's buffers instead of allocating and paging in new ones.
pub fn run_reusing(sc: &Scenario, replication: u32, mut tally: Tally) -> Tally {
    debug_assert!(
        tally.queues.len() == sc.queues.len()
            && tally.teams.len() == sc.teams.len()
            && tally.intervals.len() == sc.interval_count() * sc.queues.len(),
        "a tally of another scenario"
    );
    tally.clear();
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

/// The state of one replication.
struct Sim<'s, O> {
    sc: &'s Scenario,
    now: Time,
    /// The horizon plus the drain: nothing happens at or after it, seconds.
    end: f64,
    /// Past the horizon: no arrivals, and no agent time or queue length is booked.
    draining: bool,
    /// Conversations that arrived and are neither answered nor abandoned yet.
    unanswered: u64,
    /// Current reporting interval.
    interval: usize,
    events: EventQueue,
    /// Patience deadlines of waiting (and offered) conversations.
    deadlines: Deadlines,
    /// Heap of each queue's next arrival (key as events; value: the queue), and
    /// each queue's position in it (`u32::MAX`: no more arrivals).
    next_arrivals: QuadHeap<QueueId>,
    arrival_pos: TiVec<QueueId, u32>,
    convs: Conversations,
    agents: TiVec<AgentId, Agent>,
    route: TiVec<AgentId, RouteState>,
    /// Units held per agent and channel: `channel_units[agent * channels + channel]`.
    channel_units: Vec<u32>,
    pools: TiVec<TeamId, AgentPool>,
    /// Accept mode (§R13): conversations are offered, not assigned at once.
    offers: bool,
    /// Per team: its pool also holds Available agents without spare
    /// capacity, for synced calls that ignore load (docs/model.md §R14).
    full_ok: TiVec<TeamId, bool>,
    queues: TiVec<QueueId, WaitQueue<ConvKey>>,
    /// Waiting (and offered) conversations per queue, and when that count last changed.
    waiting: TiVec<QueueId, (u32, f64)>,
    /// Per team, its queues whose waiting count is not 0.
    nonempty: NonEmpty,
    /// Per team then queue: `fit[t * queues + q]`.
    fit: Vec<Fit>,
    /// Per team then queue: the team pool's fit pool for the queue (None: the whole pool).
    fit_class: Vec<Option<usize>>,
    /// Teams serving each queue at once, and those serving it after a delay (§R15).
    profiles: profiles::Profiles,
    /// Round robin: last agent assigned from each queue.
    rr_cursor: TiVec<QueueId, Option<AgentId>>,
    /// First agent of each group.
    group_start: TiVec<GroupId, AgentId>,
    arrival_rng: TiVec<QueueId, Rng>,
    /// Per queue: handle-time, wrap-up and patience streams, each its own.
    handle_rng: TiVec<QueueId, Rng>,
    wrap_rng: TiVec<QueueId, Rng>,
    patience_rng: TiVec<QueueId, Rng>,
    /// Per queue: accept delays of offers (accept mode only, else empty).
    accept_rng: TiVec<QueueId, Rng>,
    /// Day-level volume multipliers, `day_volume[q][day]` (empty: 1 every day).
    day_volume: TiVec<QueueId, Vec<f64>>,
    tally: Tally,
    /// Per team: units held and agents holding work, among agents in
    /// productive statuses, integrated over time for occupancy.
    work: TiVec<TeamId, TeamWork>,
    /// Reused buffer for conversations requeued at once.
    scratch: Vec<ConvKey>,
    /// Reused buffer for staffing decisions.
    order: Vec<AgentId>,
    /// Answered conversations per queue that did not wait (counted).
    zero_waits: TiVec<QueueId, u64>,
    /// The longest wait a wait histogram must hold, milliseconds.
    max_wait_ms: u64,
    /// Conversations created so far (ids for the trace).
    next_id: u64,
    observe: O,
}

impl<'s, O: FnMut(&Trace)> Sim<'s, O> {
    fn new(sc: &'s Scenario, replication: u32, tally: Tally, observe: O) -> Self {
        let offers = sc.offers();
        let mut agents: TiVec<AgentId, Agent> = TiVec::with_capacity(sc.agent_count());
        let mut group_start = TiVec::with_capacity(sc.groups.len());
        for (g, group) in sc.groups.iter_enumerated() {
            group_start.push(agents.next_key());
            // Room for the most an agent can hold on any of its teams, and a call on top.
            let most = group.teams.iter().map(|&t| sc.teams[t].capacity).max().unwrap_or(1) + 1;
            for i in 0..group.size() {
                let key = streams::key(&group.name, i as u64);
                let rng = streams::stream(sc.seed, replication, Purpose::Episodes, key);
                let missed = offers.then(|| streams::stream(sc.seed, replication, Purpose::MissedOffer, key));
                agents.push(Agent::new(g, group.team, most, group.schedule.len(), rng, missed));
            }
        }
        let route = agents.iter().map(|a: &Agent| RouteState::new(sc.teams[a.team].capacity)).collect();
        // An agent is a member of the pool of every team it may work as.
        let mut members: TiVec<TeamId, Vec<AgentId>> = vec![Vec::new(); sc.teams.len()].into();
        for (i, a) in agents.iter_enumerated() {
            for &t in &sc.groups[a.group].teams {
                members[t].push(i);
            }
        }
        let fit: Vec<Fit> = sc
            .teams
            .iter()
            .flat_map(|team| {
                sc.queues.iter().map(|queue| {
                    let size = queue.held_size();
                    let cap = team.channel_caps[queue.channel];
                    // A call that ignores load ignores channel caps too (§R14).
                    let binds = size > 0 && cap < team.capacity;
                    Fit { size, channel: queue.channel, cap: if binds { cap } else { u32::MAX } }
                })
            })
            .collect();
        let nq = sc.queues.len();
        let full_ok: TiVec<TeamId, bool> =
            sc.teams.iter().map(|t| t.queues.iter().any(|&q| sc.queues[q].held_size() == 0)).collect();
        let round_robin = sc.routing.selection == Selection::RoundRobin;
        let pools: TiVec<TeamId, AgentPool> = members
            .into_iter_enumerated()
            .map(|(t, m)| {
                let fits: Vec<Fit> =
                    sc.teams[t].queues.iter().map(|&q| fit[t.index() * nq + q.index()]).collect();
                AgentPool::new(m, &fits, round_robin, sc.channels.len(), full_ok[t])
            })
            .collect();
        let fit_class = (0..sc.teams.len() * nq).map(|i| pools.raw[i / nq].class_of(fit[i])).collect();
        let n_agents = agents.len();
        Sim {
            sc,
            now: Time::ZERO,
            end: sc.horizon + sc.drain,
            draining: false,
            unanswered: 0,
            interval: 0,
            events: EventQueue::with_capacity(1024 + 4 * n_agents),
            deadlines: Deadlines::default(),
            next_arrivals: QuadHeap::with_capacity(nq, QueueId(0)),
            arrival_pos: vec![u32::MAX; nq].into(),
            convs: Conversations::with_capacity(1024),
            agents,
            route,
            channel_units: vec![0; n_agents * sc.channels.len()],
            pools,
            offers,
            full_ok,
            queues: sc.queues.iter().map(|_| WaitQueue::new()).collect(),
            waiting: vec![(0, 0.0); nq].into(),
            nonempty: NonEmpty::new(sc.teams.iter().map(|t| t.queues.as_slice()), nq),
            fit,
            fit_class,
            profiles: profiles::Profiles::new(sc),
            rr_cursor: vec![None; nq].into(),
            group_start,
            arrival_rng: queue_streams(sc, replication, Purpose::Arrivals),
            handle_rng: queue_streams(sc, replication, Purpose::Handle),
            wrap_rng: queue_streams(sc, replication, Purpose::WrapUp),
            patience_rng: queue_streams(sc, replication, Purpose::Patience),
            accept_rng: if offers {
                queue_streams(sc, replication, Purpose::AcceptDelay)
            } else {
                TiVec::new()
            },
            day_volume: day_volume(sc, replication),
            tally,
            work: vec![TeamWork::default(); sc.teams.len()].into(),
            scratch: Vec::with_capacity(16),
            order: Vec::with_capacity(n_agents),
            zero_waits: vec![0; nq].into(),
            max_wait_ms: stats::max_wait_ms(sc),
            next_id: 0,
            observe,
        }
    }

    /// Where team `t`'s entry for queue `q` is in the per team, then
    /// queue lists (`fit`, `fit_class`).
    #[inline(always)]
    fn team_queue(&self, t: TeamId, q: QueueId) -> usize {
        t.index() * self.queues.len() + q.index()
    }

    /// Where agent `a`'s units on `channel` are in `channel_units`.
    #[inline(always)]
    fn unit_slot(&self, a: AgentId, channel: usize) -> usize {
        a.index() * self.sc.channels.len() + channel
    }

    fn horizon(&self) -> Time {
        Time(self.sc.horizon)
    }

    /// Schedules `event` at `at` if it falls before the end of the run
    /// (horizon plus drain). Nothing is ever scheduled in the past.
    fn schedule(&mut self, at: f64, event: Event) {
        debug_assert!(at >= self.now.secs(), "event scheduled in the past");
        if at < self.end {
            self.events.push(Time(at.max(self.now.secs())), event);
        }
    }

    /// Schedules the horizon (rank 0) or an interval's end (rank 1) at `at`,
    /// ahead of anything else due at that instant.
    fn schedule_first(&mut self, at: f64, rank: u64, event: Event) {
        if at < self.end {
            self.events.push_first(Time(at), rank, event);
        }
    }

    /// Seeds the event list: first arrivals, interval ticks, shifts, episodes, staffing.
    fn start(&mut self) {
        let sc = self.sc;
        self.schedule_first(sc.horizon, 0, Event::Horizon);
        for q in sc.queues.keys() {
            let t = self.next_arrival(q, 0.0);
            self.set_next_arrival(q, t);
        }
        self.schedule_first(sc.interval, 1, Event::Tick);
        if sc.warmup > 0.0 {
            self.schedule(sc.warmup, Event::WarmupEnd);
        }
        for (g, group) in sc.groups.iter_enumerated() {
            let range = self.group_range(g);
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
                        let gap = self.agents[a].draw_gap(u.rate);
                        self.schedule(gap, Event::Unplanned { agent: a, entry: entry as u16 });
                    }
                }
            }
        }
    }

    fn run(&mut self) {
        let end = Time(self.end);
        loop {
            // The earliest of: the event heap, the patience deadlines, the next arrival.
            let (arrival, q) = self.next_arrivals.top().unwrap_or((u128::MAX, QueueId(0)));
            let deadline = self.deadlines.peek_key();
            let first = arrival.min(deadline).min(self.events.peek_key());
            if first == u128::MAX || key_time(first) >= end || (self.draining && self.unanswered == 0) {
                break;
            }
            self.now = key_time(first);
            if first == arrival {
                self.on_arrival(q);
                continue;
            }
            if first == deadline {
                if let Some(key) = self.deadlines.pop() {
                    self.on_abandon(key);
                }
                continue;
            }
            let Some((_, event)) = self.events.pop() else { break };
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
                    self.draining = true;
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
                    for a in self.group_range(g) {
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
        if !self.draining {
            self.now = self.horizon();
            self.flush_all();
        }
    }

    /// Closes the books when the run ends: stranded and unresolved conversations.
    fn finish(mut self) -> Tally {
        for (q, &n) in self.zero_waits.iter_enumerated() {
            self.tally.queues[q].waits.saturating_record_n(0, n);
        }
        for c in self.convs.live() {
            let q = c.queue;
            // An offer still standing is as unanswered as a conversation in the queue.
            let unresolved = matches!(c.state, ConvState::Waiting | ConvState::Offered) && !c.answered;
            if unresolved {
                self.tally.interval_mut(c.interval as usize, q).counts.unresolved += 1;
            }
            if !c.counted {
                continue;
            }
            let qt = &mut self.tally.queues[q];
            if unresolved {
                qt.counts.unresolved += 1;
            } else if c.state == ConvState::Paused {
                qt.stranded += 1;
            }
        }
        self.tally.close();
        self.tally
    }

    // ----- conversations -------------------------------------------------

    fn on_arrival(&mut self, q: QueueId) {
        let sc = self.sc;
        let now = self.now.secs();
        let next = self.next_arrival(q, now);
        self.set_next_arrival(q, next);
        let queue = &sc.queues[q];
        // A forecast's `aht` scales the draw, keeping the distribution's shape.
        let handle = queue.handle_time.draw(&mut self.handle_rng[q]) * queue.arrivals.handle_scale_at(now);
        let wrap = queue.wrap_up.as_ref().map_or(0.0, |d| d.draw(&mut self.wrap_rng[q]));
        let patience = queue.patience.as_ref().map_or(f64::INFINITY, |d| d.draw(&mut self.patience_rng[q]));
        let counted = now >= sc.warmup;
        let id = self.next_id;
        self.next_id += 1;
        (self.observe)(&Trace::Arrived { time: now, id, queue: q, handle, wrap, patience });
        let key = self.convs.insert(Conv {
            id,
            arrival: now,
            handle,
            wrap,
            remaining: handle,
            handle_end: 0.0,
            offered_at: 0.0,
            agent: AgentId(0),
            interval: self.interval as u32,
            queue: q,
            state: ConvState::Waiting,
            answered: false,
            counted,
        });
        self.tally.interval_mut(self.interval, q).counts.offered += 1;
        if counted {
            self.tally.queues[q].counts.offered += 1;
        }
        self.unanswered += 1;
        // Patience runs while the conversation waits, and while it is offered.
        if !self.route_conversation(key) && patience.is_finite() && now + patience < self.end {
            let seq = self.events.next_seq();
            self.deadlines.push(Time(now + patience), seq, key);
        }
    }

    /// Records queue `q`'s next arrival (none: never), O(log queues).
    #[inline(always)]
    fn set_next_arrival(&mut self, q: QueueId, at: Option<f64>) {
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

    /// The next arrival time on queue `q` after `from`: a Poisson process with
    /// a rate that is constant within each step of the queue's arrival
    /// pattern (inversion of the integrated rate, so zero-rate steps are
    /// skipped exactly). A pattern that does not repeat has no arrivals after it.
    #[inline(always)]
    fn next_arrival(&mut self, q: QueueId, from: f64) -> Option<f64> {
        let arrivals = &self.sc.queues[q].arrivals;
        let need: f64 = Exp1.sample(&mut self.arrival_rng[q]);
        let rates = arrivals.rates();
        // A constant rate (the common case) needs no walk over steps.
        if rates.len() == 1 && arrivals.repeats() && self.day_volume[q].is_empty() {
            let rate = rates[0];
            return Some(from + need / rate).filter(|&t| rate > 0.0 && t < self.sc.horizon);
        }
        self.next_arrival_stepped(q, from, need)
    }

    /// [`Sim::next_arrival`] for a rate that changes by step (or by day):
    /// `need` is the exponential draw still to be covered.
    fn next_arrival_stepped(&self, q: QueueId, from: f64, mut need: f64) -> Option<f64> {
        let arrivals = &self.sc.queues[q].arrivals;
        let volume = &self.day_volume[q];
        let (rates, step, repeat) = (arrivals.rates(), arrivals.step(), arrivals.repeats());
        let per_pattern = rates.len();
        let mut t = from;
        // The step number is carried as an integer, so each pass moves on
        // to the next step whatever the rounding of t / step. Steps divide
        // a day, so a step never straddles two days' volume multipliers.
        let mut k = (t / step).floor() as usize;
        while t < self.sc.horizon {
            if !repeat && k >= per_pattern {
                return None;
            }
            let end = (k + 1) as f64 * step;
            let mut rate = rates[k % per_pattern];
            if !volume.is_empty() {
                let day = ((k as f64 * step) / DAY) as usize;
                rate *= volume[day.min(volume.len() - 1)];
            }
            let mass = rate * (end - t).max(0.0);
            if rate > 0.0 && need <= mass {
                // Nothing arrives at or after the horizon (the drain only ends work).
                return Some(t + need / rate).filter(|&at| at < self.sc.horizon);
            }
            need -= mass;
            t = t.max(end);
            k += 1;
        }
        None
    }

    /// Routes a conversation that has just entered (or re-entered) its queue:
    /// to the best eligible agent, else into the queue. Returns whether it
    /// was assigned (an offer, §R13, is not an assignment: it still waits).
    ///
    /// Between events no waiting conversation has an eligible agent, so the
    /// newcomer is the only one that can be assigned now.
    #[inline(always)]
    fn route_conversation(&mut self, key: ConvKey) -> bool {
        let Some(c) = self.convs.get(key) else {
            return false;
        };
        let (q, since) = (c.queue, c.arrival);
        let mut best: Option<AgentId> = None;
        for &t in self.profiles.at_once(q) {
            best = self.better_of(best, t, q);
        }
        let (best, later) = self.better_of_delayed(best, q, since);
        match best {
            Some(a) if self.offers => {
                self.change_waiting(q, 1);
                self.offer(key, a);
                false
            }
            Some(a) => {
                self.assign(key, a);
                true
            }
            None => {
                self.change_waiting(q, 1);
                self.queues[q].push(Waiting { since, conv: key });
                if later {
                    self.schedule_eligible(key, q, since);
                }
                false
            }
        }
    }

    /// Gives waiting conversation `key` of queue `q` (out of its queue's
    /// list, still counted as waiting) to agent `a`: assigned at once, or
    /// offered in accept mode (§R13).
    #[inline(always)]
    fn take(&mut self, key: ConvKey, q: QueueId, a: AgentId) {
        if self.offers {
            self.offer(key, a);
        } else {
            self.change_waiting(q, -1);
            // Only conversations that waited have a patience deadline.
            self.deadlines.remove(key);
            self.assign(key, a);
        }
    }

    /// The better of agent `best` and team `t`'s choice for a conversation of
    /// queue `q`, by the selection rule (docs/model.md §R12; round robin: the
    /// nearest pooled agent at or after the one after the last assigned from
    /// this queue, wrapping).
    #[inline]
    fn better_of(&self, best: Option<AgentId>, t: TeamId, q: QueueId) -> Option<AgentId> {
        let class = self.fit_class[self.team_queue(t, q)];
        let found = if self.sc.routing.selection == Selection::RoundRobin {
            let n = (self.route.len() as u32).max(1);
            let start = self.rr_cursor[q].map_or(0, |last| (last.0 + 1) % n);
            let dist = |a: AgentId| (a.0 + n - start) % n;
            self.pools[t].next_from(class, AgentId(start)).filter(|&a| best.is_none_or(|b| dist(a) < dist(b)))
        } else {
            self.pools[t].best(class).filter(|&a| best.is_none_or(|b| before(a, b, &self.route)))
        };
        debug_assert!(found.is_none_or(|a| self.fits(a, t, q)));
        found.or(best)
    }

    /// Whether agent `a` of team `t` has room for one conversation of queue `q`.
    #[inline]
    fn fits(&self, a: AgentId, t: TeamId, q: QueueId) -> bool {
        let f = self.fit[self.team_queue(t, q)];
        self.route[a].spare >= f.size
            && (f.cap == u32::MAX || self.channel_units[self.unit_slot(a, f.channel)] + f.size <= f.cap)
    }

    /// Assigns conversation `key` (out of its queue) to Available agent `a`:
    /// the answer is booked, capacity taken, handle time started; a synced
    /// call puts the agent in Busy (§R14).
    #[inline(always)]
    fn assign(&mut self, key: ConvKey, a: AgentId) {
        let sc = self.sc;
        let now = self.now.secs();
        let key = self.convs.renew(key);
        let Some(c) = self.convs.get_mut(key) else {
            return;
        };
        let q = c.queue;
        c.state = ConvState::Serving;
        c.agent = a;
        c.remaining = c.handle;
        c.handle_end = now + c.handle;
        let (end, first, counted, interval, id, arrival) =
            (c.handle_end, !c.answered, c.counted, c.interval as usize, c.id, c.arrival);
        let wait = now - arrival;
        c.answered = true;
        let queue = &sc.queues[q];
        let team = self.agents[a].team;
        if first {
            self.unanswered -= 1;
            let within = wait <= queue.sl_threshold;
            let it = &mut self.tally.interval_mut(interval, q).counts;
            it.answered += 1;
            it.answered_within += u64::from(within);
            it.wait_sum += wait;
            if counted {
                let qt = &mut self.tally.queues[q];
                qt.counts.answered += 1;
                qt.counts.answered_within += u64::from(within);
                qt.counts.wait_sum += wait;
                if wait > 0.0 {
                    let ms = (wait * 1000.0).round() as u64;
                    if ms > qt.waits.high() {
                        // Rare (the histogram is kept across replications).
                        stats::grow_waits(&mut qt.waits, ms, self.max_wait_ms);
                    }
                    qt.waits.saturating_record(ms);
                } else {
                    self.zero_waits[q] += 1; // added to the histogram at the end, in one go
                }
                self.tally.teams[team].answered += 1;
            }
        }
        let size = queue.held_size();
        let slot = self.unit_slot(a, queue.channel);
        self.channel_units[slot] += size;
        self.agents[a].open.push(key);
        // Only Available agents are assigned work, so the work counts toward occupancy.
        debug_assert!(self.is_available(a), "assignment to an agent who is not Available");
        let holding = self.route[a].open == 0;
        self.change_work(team, size as i32, i32::from(holding));
        let r = &mut self.route[a];
        let spare_before = r.pooled() && r.spare > 0;
        r.held += size;
        r.spare = r.capacity.saturating_sub(r.held);
        r.open += 1;
        r.idle_since = now;
        r.rekey(a, sc.routing.selection);
        let (spare, pooled) = (r.spare, r.pooled());
        if pooled {
            let units = &self.channel_units;
            if spare == 0 && !self.full_ok[team] {
                self.pools[team].remove(a, &mut self.route, units);
            } else {
                self.pools[team].update(a, &mut self.route, units);
            }
        }
        if spare_before && !self.spare_pooled(a) {
            self.change_pooled(team, -1);
        }
        if !self.offers {
            // In accept mode the cursor moved when the offer was made.
            self.rr_cursor[q] = Some(a);
        }
        (self.observe)(&Trace::Assigned {
            time: now,
            id,
            queue: q,
            agent: a,
            age: now - arrival,
            used_units: self.route[a].held,
            channel_units: self.channel_units[slot],
        });
        self.events.push(Time(end), Event::HandleDone(key));
        if queue.busy_while_handling {
            self.start_call(a);
        }
    }

    fn on_handle_done(&mut self, key: ConvKey) {
        let Some(c) = self.convs.get_mut(key) else {
            return;
        };
        if c.state != ConvState::Serving {
            return;
        }
        if c.wrap > 0.0 {
            c.state = ConvState::WrapUp;
            let end = self.now + c.wrap;
            self.events.push(end, Event::WrapDone(key));
        } else {
            self.complete(key);
        }
    }

    /// Handle time and wrap-up are over: record, free the capacity, let the agent pull work.
    #[inline(always)]
    fn complete(&mut self, key: ConvKey) {
        let Some(&c) = self.convs.get(key) else {
            return;
        };
        let (a, q) = (c.agent, c.queue);
        if c.counted {
            let work = c.handle + c.wrap;
            let qt = &mut self.tally.queues[q];
            qt.completed += 1;
            qt.work_sum += work;
            let tt = &mut self.tally.teams[self.agents[a].team];
            tt.completed += 1;
            tt.work_sum += work;
        }
        let call = self.release(a, key, q);
        self.convs.remove(key);
        (self.observe)(&Trace::Completed { time: self.now.secs(), id: c.id, agent: a });
        if call {
            self.end_call(a);
        }
        if self.is_available(a) {
            self.pull_work(a);
            self.repool(a);
        }
    }

    /// Takes conversation `key` of queue `q` off agent `a`, returning its
    /// capacity (a synced call also stops keeping the agent Busy; the
    /// caller settles the status).
    /// Returns whether it was a synced call (§R14).
    #[inline]
    fn release(&mut self, a: AgentId, key: ConvKey, q: QueueId) -> bool {
        let queue = &self.sc.queues[q];
        let size = queue.held_size();
        let team = self.agents[a].team;
        if self.kind(a).is_productive() {
            let freed = self.route[a].open == 1;
            self.change_work(team, -(size as i32), -i32::from(freed));
        }
        let slot = self.unit_slot(a, queue.channel);
        self.channel_units[slot] -= size;
        let ag = &mut self.agents[a];
        if let Some(i) = ag.open.iter().position(|&k| k == key) {
            ag.open.swap_remove(i);
        }
        let call = queue.busy_while_handling;
        if call {
            ag.call = false;
        }
        let r = &mut self.route[a];
        let spare_before = r.spare;
        r.held -= size;
        r.spare = r.capacity.saturating_sub(r.held);
        r.open -= 1;
        let rule = self.sc.routing.selection;
        let units = &self.channel_units;
        let pool = &mut self.pools[team];
        if rule.ranks_by_load() {
            r.rekey(a, rule);
            if r.pooled() {
                pool.update(a, &mut self.route, units);
            }
        } else if r.pooled() {
            // Same rank, but more room: it may now meet fits it did not.
            pool.refresh(a, &self.route, units);
        }
        // Only a pool that keeps full agents holds one without spare capacity.
        if spare_before == 0 && self.spare_pooled(a) {
            self.change_pooled(team, 1);
        }
        call
    }

    /// Whether agent `a` belongs in its team's pool: Available, holding no
    /// offer, with room for something (or in a pool that keeps full agents
    /// for synced calls, §R14).
    #[inline]
    fn poolable(&self, a: AgentId) -> bool {
        let ag = &self.agents[a];
        self.is_available(a) && ag.offer.is_none() && (self.route[a].spare > 0 || self.full_ok[ag.team])
    }

    /// Pooled with spare capacity: what `spare_secs` (agents Available with room) counts.
    #[inline]
    fn spare_pooled(&self, a: AgentId) -> bool {
        let r = &self.route[a];
        r.pooled() && r.spare > 0
    }

    /// Puts an Available agent with room back in its team's pool.
    /// Called after [`Sim::pull_work`], so an agent who takes waiting work at
    /// once never enters the pool only to leave it again.
    #[inline(always)]
    pub(super) fn repool(&mut self, a: AgentId) {
        if self.poolable(a) && !self.route[a].pooled() {
            let team = self.agents[a].team;
            self.pools[team].insert(a, &mut self.route, &self.channel_units);
            if self.route[a].spare > 0 {
                self.change_pooled(team, 1);
            }
        }
    }

    /// Takes agent `a` out of its team's pool, if it is in it.
    #[inline]
    pub(super) fn unpool(&mut self, a: AgentId) {
        if self.route[a].pooled() {
            let team = self.agents[a].team;
            if self.route[a].spare > 0 {
                self.change_pooled(team, -1);
            }
            self.pools[team].remove(a, &mut self.route, &self.channel_units);
        }
    }

    fn on_abandon(&mut self, key: ConvKey) {
        let Some(&c) = self.convs.get(key) else {
            return;
        };
        let offered = c.state == ConvState::Offered;
        if c.state != ConvState::Waiting && !offered {
            return;
        }
        if offered {
            self.close_offer(c.agent, c.id, OfferOutcome::Abandoned);
        }
        let q = c.queue;
        let wait = self.now.since(Time(c.arrival));
        let m = self.sc.metrics;
        let within = wait <= self.sc.queues[q].sl_threshold;
        let short = wait < m.short_abandon;
        self.unanswered -= 1;
        let it = &mut self.tally.interval_mut(c.interval as usize, q).counts;
        it.abandoned += 1;
        it.abandoned_within += u64::from(within);
        it.abandoned_short += u64::from(short);
        if c.counted {
            let qt = &mut self.tally.queues[q].counts;
            qt.abandoned += 1;
            qt.abandoned_within += u64::from(within);
            qt.abandoned_short += u64::from(short);
        }
        self.change_waiting(q, -1);
        (self.observe)(&Trace::Abandoned { time: self.now.secs(), id: c.id });
        self.convs.remove(key); // its queue entry goes stale and is dropped at the front
        if offered {
            // The agent it was offered to is free for other work again.
            self.free_after_offer(c.agent);
        }
    }

    /// Agent `a` can take more work: give it the best waiting conversations it fits,
    /// highest priority first, then longest waiting.
    #[inline(always)]
    fn pull_work(&mut self, a: AgentId) {
        let team = self.agents[a].team;
        // A full agent can take nothing (unless its team serves calls that
        // ignore load); one holding an offer, or put in Busy by a synced
        // call it just took, takes nothing more either.
        while self.poolable(a) {
            let mut best: Option<(u8, QueueId, Waiting<ConvKey>)> = None;
            let profile = &self.sc.teams[team];
            // Only the team's queues with something waiting, in list order
            // (ties go to the first, as over the whole list).
            for word in 0..self.nonempty.word_count(team) {
                let mut bits = self.nonempty.word(team, word);
                while bits != 0 {
                    let i = word * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let q = profile.queues[i];
                    debug_assert!(self.waiting[q].0 > 0);
                    if !self.fits(a, team, q) {
                        continue;
                    }
                    let convs = &self.convs;
                    // The queue may hold only stale entries (offered conversations count as waiting).
                    let Some(w) = self.queues[q].front(|k| convs.is_waiting(k)) else {
                        continue;
                    };
                    // The oldest has not waited the team's delay: none has.
                    if self.now.secs() - w.since < profile.delays[i] {
                        continue;
                    }
                    let p = profile.priorities[i];
                    let better = best.is_none_or(|(bp, _, bw)| p < bp || (p == bp && w.since < bw.since));
                    if better {
                        best = Some((p, q, w));
                    }
                }
            }
            let Some((_, q, w)) = best else { return };
            self.queues[q].pop();
            self.take(w.conv, q, a);
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

/// One stream per queue for `purpose`, keyed by the queue's name.
fn queue_streams(sc: &Scenario, replication: u32, purpose: Purpose) -> TiVec<QueueId, Rng> {
    sc.queues
        .iter()
        .map(|q| streams::stream(sc.seed, replication, purpose, streams::key(&q.name, 0)))
        .collect()
}

/// Each queue's day-level volume multiplier for every day of the horizon
/// (docs/model.md §C18): one uniform draw per day, shared by every queue,
/// mapped through each queue's gamma distribution of mean 1 and its
/// `rate_cv`. A busy day is busy on every queue; queues without `rate_cv`
/// get an empty list (1 every day).
fn day_volume(sc: &Scenario, replication: u32) -> TiVec<QueueId, Vec<f64>> {
    let days = (sc.horizon / DAY).ceil().max(1.0) as usize;
    let mut uniforms: Vec<f64> = Vec::new();
    if sc.queues.iter().any(|q| q.arrivals.rate_cv() > 0.0) {
        let mut rng = streams::stream(sc.seed, replication, Purpose::DayVolume, 0);
        uniforms = (0..days).map(|_| rand::distr::Open01.sample(&mut rng)).collect();
    }
    sc.queues
        .iter()
        .map(|q| {
            let cv = q.arrivals.rate_cv();
            if cv <= 0.0 {
                return Vec::new();
            }
            // Mean 1, variance cv^2: shape 1/cv^2, rate 1/cv^2.
            let shape = 1.0 / (cv * cv);
            match statrs::distribution::Gamma::new(shape, shape) {
                Ok(gamma) => uniforms
                    .iter()
                    .map(|&u| statrs::distribution::ContinuousCDF::inverse_cdf(&gamma, u))
                    .collect(),
                // The loader keeps cv in (0, 2], where the distribution exists.
                Err(_) => Vec::new(),
            }
        })
        .collect()
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
