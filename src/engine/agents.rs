//! Agents and their statuses: shifts, staffing, planned and unplanned
//! episodes, and what a status change does to routing and to open work.
//!
//! An agent's status is derived from its shift phase and its current
//! episode, so "return to the status they had before" holds by construction.
//!
//! The [`Floor`] is the engine's part holding the agents; the rules here
//! borrow the other parts a status change reaches (the books, the router,
//! the agenda).

use rand_distr::{Distribution, Exp1};
use typed_index_collections::TiVec;

use super::conversations::{ConvKey, ConvState};
use super::events::Event;
use super::{Sim, Trace};
use crate::model::{AgentId, GroupId, Headcount, Scenario, StatusId, StatusKind, TeamId};
use crate::streams::{self, Purpose, Rng};
use crate::time::{DAY, Time};

/// Where an agent is in the working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Logged out: Offline.
    Off,
    /// Logged in, within the ready delay: Offline.
    Ready,
    /// Working: Available unless an episode is running.
    On,
    /// Last minutes of the shift: Unavailable, finishing open work.
    WindDown,
}

/// One synthetic agent.
#[derive(Debug)]
pub(super) struct Agent {
    pub group: GroupId,
    pub team: TeamId,
    pub phase: Phase,
    /// The status of the running episode, if any.
    pub episode: Option<StatusId>,
    /// Numbers episodes so that a stale end event is recognised.
    pub episode_token: u32,
    /// Planned episodes that came due during another, in the order they came
    /// due; each starts when the one before it ends. Room for every schedule
    /// entry is reserved up front, so this never allocates in the loop.
    pub deferred: Vec<usize>,
    /// Current status (derived from phase and episode).
    pub status: StatusId,
    /// The type of `status`, kept beside it for the router.
    pub kind: StatusKind,
    /// Start of the current time-accounting segment, seconds.
    pub since: f64,
    /// Conversations assigned (serving, wrapping up or paused).
    pub open: Vec<ConvKey>,
    /// On a synced call (docs/model.md §R14): Busy until it ends.
    pub call: bool,
    /// The conversation offered to the agent and not yet accepted (§R13).
    pub offer: Option<ConvKey>,
    /// Numbers offers so that the end of a withdrawn one is recognised.
    pub offer_token: u32,
    /// How long missed offers keep the agent Unavailable (accept mode only).
    pub missed_rng: Option<Rng>,
    rng: Rng,
}

impl Agent {
    /// A logged-out agent of `group` starting on `team`, able to hold
    /// `most` conversations at once, with `planned` schedule entries.
    pub(super) fn new(
        group: GroupId,
        team: TeamId,
        most: u32,
        planned: usize,
        rng: Rng,
        missed_rng: Option<Rng>,
    ) -> Agent {
        Agent {
            group,
            team,
            phase: Phase::Off,
            episode: None,
            episode_token: 0,
            deferred: Vec::with_capacity(planned),
            status: StatusId::OFFLINE,
            kind: StatusKind::Offline,
            since: 0.0,
            open: Vec::with_capacity(most as usize),
            call: false,
            offer: None,
            offer_token: 0,
            missed_rng,
            rng,
        }
    }

    fn derived_status(&self) -> StatusId {
        match (self.phase, self.call, self.episode) {
            (Phase::Off | Phase::Ready, ..) => StatusId::OFFLINE,
            // A synced call keeps the agent Busy, whatever else is due (§R14).
            (_, true, _) => StatusId::BUSY,
            (Phase::WindDown, ..) => StatusId::UNAVAILABLE,
            (Phase::On, false, Some(s)) => s,
            (Phase::On, false, None) => StatusId::AVAILABLE,
        }
    }

    /// Time to the next event of a Poisson process with `rate` per second.
    pub(super) fn draw_gap(&mut self, rate: f64) -> f64 {
        let e: f64 = Exp1.sample(&mut self.rng);
        e / rate
    }
}

/// The agents of a replication, by group.
pub(super) struct Floor {
    /// Every agent: groups in file order, agents in group order.
    pub agents: TiVec<AgentId, Agent>,
    /// Each group's agents: the first, and one past the last.
    groups: TiVec<GroupId, (AgentId, AgentId)>,
    /// Reused buffer for conversations requeued at once.
    pub scratch: Vec<ConvKey>,
    /// Reused buffer for staffing decisions.
    pub order: Vec<AgentId>,
}

impl Floor {
    /// The logged-out agents of replication `replication` of `sc`, each
    /// with its own episode (and, in accept mode, missed-offer) stream.
    pub(super) fn new(sc: &Scenario, replication: u32) -> Floor {
        let offers = sc.offers();
        let mut agents: TiVec<AgentId, Agent> = TiVec::with_capacity(sc.agent_count());
        let mut groups = TiVec::with_capacity(sc.groups.len());
        for (g, group) in sc.groups.iter_enumerated() {
            let first = agents.next_key();
            // Room for the most an agent can hold on any of its teams, and a call on top.
            let most = group.teams.iter().map(|&t| sc.teams[t].capacity).max().unwrap_or(1) + 1;
            for i in 0..group.size() {
                let key = streams::key(&group.name, i as u64);
                let rng = streams::stream(sc.seed, replication, Purpose::Episodes, key);
                let missed = offers.then(|| streams::stream(sc.seed, replication, Purpose::MissedOffer, key));
                agents.push(Agent::new(g, group.team, most, group.schedule.len(), rng, missed));
            }
            groups.push((first, agents.next_key()));
        }
        let n = agents.len();
        Floor { agents, groups, scratch: Vec::with_capacity(16), order: Vec::with_capacity(n) }
    }

    /// The agents of group `g`, in order.
    pub(super) fn group(&self, g: GroupId) -> impl ExactSizeIterator<Item = AgentId> + Clone + use<> {
        let (first, end) = self.groups[g];
        (first.index()..end.index()).map(AgentId::from)
    }

    /// The type of agent `a`'s status.
    #[inline(always)]
    pub(super) fn kind(&self, a: AgentId) -> StatusKind {
        self.agents[a].kind
    }

    /// Whether agent `a` is Available.
    #[inline(always)]
    pub(super) fn is_available(&self, a: AgentId) -> bool {
        self.kind(a) == StatusKind::Available
    }
}

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Moves agent `a` to `phase`; leaving `On` ends any episode.
    pub(super) fn set_phase(&mut self, a: AgentId, phase: Phase) {
        self.update_agent(a, |ag| {
            if phase != Phase::On {
                ag.episode = None;
                ag.deferred.clear();
                ag.episode_token = ag.episode_token.wrapping_add(1);
            }
            ag.phase = phase;
        });
    }

    /// Moves every agent of group `g` in phase `from` to phase `to`.
    pub(super) fn group_phase(&mut self, g: GroupId, from: Phase, to: Phase) {
        for a in self.floor.group(g) {
            if self.floor.agents[a].phase == from {
                self.set_phase(a, to);
            }
        }
    }

    /// Applies `change` to agent `a` and carries out what the resulting
    /// status change means: time accounting, pool membership, requeue or
    /// pause on Offline, resume on return, pulling work when Available, and
    /// withdrawing a standing offer when no longer Available.
    pub(super) fn update_agent(&mut self, a: AgentId, change: impl FnOnce(&mut Agent)) {
        self.books.flush_agent(&self.clock, self.sc, &mut self.floor.agents[a]);
        let old = self.floor.kind(a);
        let ag = &mut self.floor.agents[a];
        change(ag);
        let before = ag.status;
        ag.status = ag.derived_status();
        ag.kind = self.sc.statuses[ag.status].kind;
        if ag.status != before {
            (self.observe)(&Trace::Status { time: self.clock.secs(), agent: a, status: ag.status });
        }
        let new = self.floor.kind(a);
        if old == new {
            return; // e.g. Lunch → Coaching: same routing, time already split
        }
        let team = self.floor.agents[a].team;
        if old.is_productive() != new.is_productive() {
            // The agent's held work starts or stops counting toward occupancy.
            let r = &self.router.route[a];
            let (units, holding) = (r.held as i32, i32::from(r.open > 0));
            let sign = if new.is_productive() { 1 } else { -1 };
            self.books.change_work(self.clock.secs(), team, sign * units, sign * holding);
        }
        if old == StatusKind::Available {
            self.unpool(a);
        }
        if new == StatusKind::Offline {
            self.went_offline(a);
        } else if old == StatusKind::Offline {
            self.resume(a);
        }
        if new == StatusKind::Available {
            self.router.idle_from(a, self.clock.secs());
            self.pull_work(a);
            self.repool(a);
        } else if old == StatusKind::Available {
            self.withdraw_offer(a);
        }
    }

    /// Open work stops: wrap-ups end now; conversations being handled go
    /// back to their queue (keeping their age) or pause with the agent.
    fn went_offline(&mut self, a: AgentId) {
        let mut requeue = std::mem::take(&mut self.floor.scratch);
        requeue.clear();
        let now = self.clock.secs();
        let mut i = 0;
        while i < self.floor.agents[a].open.len() {
            let key = self.floor.agents[a].open[i];
            let Some(c) = self.convs.get(key).copied() else {
                i += 1;
                continue;
            };
            let q = c.queue;
            match c.state {
                ConvState::WrapUp => self.complete(key), // removes it from `open`
                ConvState::Serving if self.sc.queues[q].requeue_when_offline => {
                    self.release(a, key, q);
                    let key = self.convs.renew(key);
                    if let Some(c) = self.convs.get_mut(key) {
                        c.state = ConvState::Waiting;
                    }
                    if c.counted {
                        self.books.tally.queues[q].requeued += 1;
                    }
                    requeue.push(key);
                }
                ConvState::Serving => {
                    let key = self.convs.renew(key);
                    self.floor.agents[a].open[i] = key;
                    if let Some(c) = self.convs.get_mut(key) {
                        c.state = ConvState::Paused;
                        c.remaining = c.handle_end - now;
                    }
                    i += 1;
                }
                ConvState::Paused | ConvState::Waiting | ConvState::Offered => i += 1,
            }
        }
        // Most urgent, then oldest first, so each goes where docs/model.md §R11 would send it (§C1).
        let (queues, convs) = (&self.sc.queues, &self.convs);
        requeue.sort_unstable_by(|x, y| {
            let rank =
                |k| convs.get(k).map_or((u8::MAX, f64::INFINITY), |c| (queues[c.queue].priority, c.arrival));
            let (a, b) = (rank(*x), rank(*y));
            a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
        });
        for &key in &requeue {
            if let Some(c) = self.convs.get(key) {
                (self.observe)(&Trace::Requeued { time: now, id: c.id, agent: a });
            }
            self.route_conversation(key);
        }
        self.floor.scratch = requeue;
    }

    /// Back from Offline: paused conversations pick up where they stopped.
    fn resume(&mut self, a: AgentId) {
        let now = self.clock.secs();
        for &key in &self.floor.agents[a].open {
            if let Some(c) = self.convs.get_mut(key).filter(|c| c.state == ConvState::Paused) {
                c.state = ConvState::Serving;
                c.handle_end = now + c.remaining;
                self.agenda.push(Time(c.handle_end), Event::HandleDone(key));
            }
        }
    }

    // ----- shifts and staffing -------------------------------------------

    pub(super) fn on_shift_start(&mut self, g: GroupId) {
        let now = self.clock.secs();
        self.begin_shift(g, now);
        self.schedule(now + DAY, Event::ShiftStart(g));
    }

    /// Puts group `g` in the phase its shift that started at `start` (now,
    /// or before time 0 for a shift under way at midnight) has reached, and
    /// schedules the transitions still ahead: ready, wind-down, end.
    pub(super) fn begin_shift(&mut self, g: GroupId, start: f64) {
        let Some(shift) = self.sc.groups[g].shift else {
            return;
        };
        let now = self.clock.secs();
        let (ready_at, end) = (start + shift.ready_delay, start + shift.length);
        let wind_at = end - shift.wind_down;
        let phase = if now < ready_at {
            Phase::Ready
        } else if shift.wind_down > 0.0 && now >= wind_at {
            Phase::WindDown
        } else {
            Phase::On
        };
        for a in self.floor.group(g) {
            self.set_phase(a, phase);
        }
        if ready_at > now {
            self.schedule(ready_at, Event::Ready(g));
        }
        if shift.wind_down > 0.0 && wind_at > now {
            self.schedule(wind_at, Event::WindDown(g));
        }
        self.schedule(end, Event::ShiftEnd(g));
    }

    /// Brings group `g`'s logged-in headcount to the staffing value of the
    /// step under way (called at time 0 and at each step boundary, which it
    /// schedules): the lowest-numbered agents log in; those with the least
    /// open work (then the highest-numbered) log off first.
    pub(super) fn apply_staffing(&mut self, g: GroupId) {
        let Headcount::Staffing(staffing) = &self.sc.groups[g].headcount else {
            return;
        };
        let step = staffing.step();
        // Called at step boundaries only, so the quotient is a whole number up to rounding.
        let k = (self.clock.secs() / step).round() as usize;
        let target = staffing.level(k) as usize;
        self.schedule((k + 1) as f64 * step, Event::Staffing(g));
        let range = self.floor.group(g);
        let mut order = std::mem::take(&mut self.floor.order);
        order.clear();
        order.extend(range.filter(|&a| self.floor.agents[a].phase != Phase::Off));
        let logged_in = order.len();
        if logged_in > target {
            order.sort_unstable_by_key(|&a| (self.floor.agents[a].open.len(), std::cmp::Reverse(a)));
            for &a in &order[..logged_in - target] {
                self.set_phase(a, Phase::Off);
            }
        } else if logged_in < target {
            let mut missing = target - logged_in;
            for a in self.floor.group(g) {
                if missing == 0 {
                    break;
                }
                if self.floor.agents[a].phase == Phase::Off {
                    self.set_phase(a, Phase::On);
                    missing -= 1;
                }
            }
        }
        self.floor.order = order;
    }

    // ----- episodes --------------------------------------------------------

    /// A planned episode comes due: it starts if the agent is working and
    /// free of other episodes, waits for the running one to end, or is
    /// skipped if the agent is logged out or winding down.
    pub(super) fn on_planned(&mut self, a: AgentId, entry: usize) {
        let p = self.sc.groups[self.floor.agents[a].group].schedule[entry];
        self.schedule(self.clock.secs() + DAY, Event::Planned { agent: a, entry: entry as u16 });
        let ag = &mut self.floor.agents[a];
        if ag.phase != Phase::On {
            return;
        }
        // Due during another episode or a synced call: starts when it ends (§C4, §R14).
        if ag.episode.is_some() || ag.call {
            if !ag.deferred.contains(&entry) {
                ag.deferred.push(entry);
            }
            return;
        }
        self.start_episode(a, p.status, p.duration);
    }

    /// An unplanned episode fires: it starts only if the agent is working
    /// and in no other episode. The next one is drawn either way.
    pub(super) fn on_unplanned(&mut self, a: AgentId, entry: usize) {
        let sc = self.sc;
        let u = &sc.groups[self.floor.agents[a].group].unplanned[entry];
        let gap = self.floor.agents[a].draw_gap(u.rate);
        self.schedule(self.clock.secs() + gap, Event::Unplanned { agent: a, entry: entry as u16 });
        let duration = u.duration.sample(&mut self.floor.agents[a].rng);
        let ag = &self.floor.agents[a];
        if ag.phase == Phase::On && ag.episode.is_none() && !ag.call {
            self.start_episode(a, u.status, duration);
        }
    }

    /// Puts agent `a` in `status` for `duration` seconds.
    pub(super) fn start_episode(&mut self, a: AgentId, status: StatusId, duration: f64) {
        let mut token = 0;
        self.update_agent(a, |ag| {
            ag.episode_token = ag.episode_token.wrapping_add(1);
            ag.episode = Some(status);
            token = ag.episode_token;
        });
        self.schedule(self.clock.secs() + duration, Event::EpisodeEnd { agent: a, token });
    }

    /// The episode ends: the agent goes straight into a deferred planned
    /// episode if one is waiting (never Available in between, so no work is
    /// routed to them for an instant), else back to the status before it.
    pub(super) fn on_episode_end(&mut self, a: AgentId, token: u32) {
        let ag = &mut self.floor.agents[a];
        if ag.episode_token != token || ag.episode.is_none() {
            return;
        }
        if !ag.deferred.is_empty() {
            let entry = ag.deferred.remove(0);
            let p = self.sc.groups[ag.group].schedule[entry];
            self.start_episode(a, p.status, p.duration);
        } else {
            self.update_agent(a, |ag| ag.episode = None);
        }
    }
}
