//! Time accounting: agent time per status, team and interval; queue
//! length; the occupancy integrals (units held, agents holding work, agents
//! with spare capacity) per team, integrated by parts; interval ends.
//! Nothing is booked past the horizon (docs/model.md §6).
//!
//! The [`Books`] are the engine's part that records: the tally, and the
//! running integrals it is booked from.

use typed_index_collections::TiVec;

use super::agents::{Agent, Phase};
use super::clock::Clock;
use super::conversations::{ConvState, Conversations};
use super::events::Event;
use super::{Sim, Trace};
use crate::model::{AgentId, QueueId, Scenario, StatusKind, TeamId};
use crate::stats::{self, Tally};

/// What a replication records, and the running integrals behind it.
pub(super) struct Books {
    /// What the replication measured.
    pub tally: Tally,
    /// Per team: units held and agents holding work, among agents in
    /// productive statuses, integrated over time for occupancy.
    work: TiVec<TeamId, TeamWork>,
    /// Waiting (and offered) conversations per queue, and when that count last changed.
    waiting: TiVec<QueueId, (u32, f64)>,
}

/// Work held by one team's agents in productive statuses, for occupancy.
///
/// Integrated by parts so that a change costs a multiply-add and no segment
/// bookkeeping: with `units_area` set to `-units × s` at a booking time `s`
/// and lowered by `delta × t` at every change, `units_area + units × T` is
/// the integral of units held over `[s, T]`. Likewise for `holders`.
#[derive(Debug, Clone, Copy, Default)]
struct TeamWork {
    /// Capacity units held.
    units: u32,
    /// Agents holding at least one conversation.
    holders: u32,
    /// See the type's documentation, unit-seconds.
    units_area: f64,
    /// See the type's documentation, agent-seconds.
    holders_area: f64,
    /// Agents Available with spare capacity (in the team's routing pool).
    pooled: u32,
    /// As `units_area`, for `pooled`, agent-seconds.
    pooled_area: f64,
    /// When the work was last booked, seconds.
    since: f64,
}

impl Books {
    /// Empty books for `sc`, recording into `tally` (cleared, of the same scenario).
    pub(super) fn new(sc: &Scenario, tally: Tally) -> Books {
        let nq = sc.queues.len();
        Books {
            tally,
            work: vec![TeamWork::default(); sc.teams.len()].into(),
            waiting: vec![(0, 0.0); nq].into(),
        }
    }

    /// Waiting (and offered) conversations in queue `q`.
    #[inline]
    pub(super) fn waiting(&self, q: QueueId) -> u32 {
        self.waiting[q].0
    }

    /// Adjusts the count of waiting conversations in `q`, integrating queue
    /// length over time. Returns whether the queue went from empty to
    /// holding something or back.
    #[inline(always)]
    pub(super) fn change_waiting(&mut self, clock: &Clock, sc: &Scenario, q: QueueId, delta: i32) -> bool {
        self.flush_queue(clock, sc, q);
        let w = &mut self.waiting[q];
        let was = w.0;
        w.0 = w.0.saturating_add_signed(delta);
        let len = w.0;
        if !clock.draining {
            let it = self.tally.interval_mut(clock.interval, q);
            it.queue_max = it.queue_max.max(u64::from(len));
        }
        (was == 0) != (len == 0)
    }

    /// Books queue `q`'s length since its last change (an empty queue's
    /// time adds 0: [`Books::flush_all`] skips it, however many there are).
    #[inline(always)]
    pub(super) fn flush_queue(&mut self, clock: &Clock, sc: &Scenario, q: QueueId) {
        let now = clock.secs();
        let (len, since) = self.waiting[q];
        if !clock.draining {
            let area = f64::from(len) * (now - since);
            self.tally.interval_mut(clock.interval, q).queue_area += area;
            if since >= sc.warmup {
                self.tally.queues[q].queue_area += area;
            }
        }
        self.waiting[q].1 = now;
    }

    /// Books agent `ag`'s time since its last change to its current status,
    /// team and interval (and to the summary once past the warm-up).
    pub(super) fn flush_agent(&mut self, clock: &Clock, sc: &Scenario, ag: &mut Agent) {
        let now = clock.secs();
        let dt = now - ag.since;
        if dt <= 0.0 {
            return;
        }
        let counted = ag.since >= sc.warmup;
        ag.since = now;
        if clock.draining {
            return; // agent time stops at the horizon
        }
        let (team, status) = (ag.team, ag.status);
        let kind = ag.kind;
        // Logged in: any status but Offline, or Offline in the ready delay after login.
        let logged_in = kind != StatusKind::Offline || ag.phase == Phase::Ready;
        self.tally.add_status_secs(clock.interval, team, status, dt, logged_in);
        if !counted {
            return;
        }
        let capacity = sc.teams[team].capacity;
        let tt = &mut self.tally.teams[team];
        tt.status_secs[status] += dt;
        if logged_in {
            tt.logged_in_secs += dt;
        }
        if kind.is_productive() {
            tt.capacity_secs += f64::from(capacity) * dt;
        }
    }

    /// Changes team `t`'s units held and agents holding work (productive statuses only) at `now`.
    #[inline]
    pub(super) fn change_work(&mut self, now: f64, t: TeamId, units: i32, holders: i32) {
        let w = &mut self.work[t];
        w.units = w.units.wrapping_add_signed(units);
        w.holders = w.holders.wrapping_add_signed(holders);
        w.units_area -= f64::from(units) * now;
        w.holders_area -= f64::from(holders) * now;
    }

    /// Changes the number of team `t`'s agents Available with spare capacity at `now`.
    #[inline]
    pub(super) fn change_pooled(&mut self, now: f64, t: TeamId, delta: i32) {
        let w = &mut self.work[t];
        w.pooled = w.pooled.wrapping_add_signed(delta);
        w.pooled_area -= f64::from(delta) * now;
    }

    /// Books team `t`'s units held, agents holding work and agents with
    /// spare capacity since the last booking (nothing past the horizon).
    pub(super) fn flush_work(&mut self, clock: &Clock, sc: &Scenario, t: TeamId) {
        let now = clock.secs();
        let w = &mut self.work[t];
        let (units, holders, pooled) = (f64::from(w.units), f64::from(w.holders), f64::from(w.pooled));
        if !clock.draining {
            let holding = w.holders_area + holders * now;
            let ti = self.tally.team_interval_mut(clock.interval, t);
            ti.holding_secs += holding;
            ti.spare_secs += w.pooled_area + pooled * now;
            if w.since >= sc.warmup {
                let tt = &mut self.tally.teams[t];
                tt.units_secs += w.units_area + units * now;
                tt.holding_secs += holding;
            }
        }
        w.units_area = -units * now;
        w.holders_area = -holders * now;
        w.pooled_area = -pooled * now;
        w.since = now;
    }

    /// Splits every open time segment at `now` (interval ends, warm-up end, horizon).
    pub(super) fn flush_all(&mut self, clock: &Clock, sc: &Scenario, agents: &mut TiVec<AgentId, Agent>) {
        for ag in agents.iter_mut() {
            self.flush_agent(clock, sc, ag);
        }
        for q in sc.queues.keys() {
            // An empty queue has nothing to book (its next change starts a new segment).
            if self.waiting[q].0 > 0 {
                self.flush_queue(clock, sc, q);
            }
        }
        for t in sc.teams.keys() {
            self.flush_work(clock, sc, t);
        }
    }

    /// A new interval opens: its queue rows are zeroed
    /// ([`Tally::clear_interval`]) and it counts what is already waiting in
    /// its queue peak.
    pub(super) fn open_interval(&mut self, clock: &Clock, sc: &Scenario) {
        self.tally.clear_interval(clock.interval);
        for q in sc.queues.keys() {
            if clock.draining {
                break;
            }
            let len = self.waiting[q].0;
            if len > 0 {
                let it = self.tally.interval_mut(clock.interval, q);
                it.queue_max = it.queue_max.max(u64::from(len));
            }
        }
    }

    /// A conversation of queue `q` arrived in the current interval
    /// (`counted`: after the warm-up).
    #[inline]
    pub(super) fn arrived(&mut self, clock: &Clock, q: QueueId, counted: bool) {
        self.tally.interval_mut(clock.interval, q).counts.offered += 1;
        if counted {
            self.tally.queues[q].counts.offered += 1;
        }
    }

    /// A conversation of queue `q` (service-level threshold `sl_threshold`)
    /// that arrived in interval `interval` is answered for the first time
    /// after waiting `wait` seconds by team `team` (`counted`: after the
    /// warm-up).
    #[inline(always)]
    pub(super) fn answered(
        &mut self,
        sl_threshold: f64,
        q: QueueId,
        interval: usize,
        wait: f64,
        team: TeamId,
        counted: bool,
    ) {
        let within = wait <= sl_threshold;
        let it = &mut self.tally.interval_mut(interval, q).counts;
        it.answered += 1;
        it.answered_within += u64::from(within);
        it.wait_sum += wait;
        if counted {
            let qt = &mut self.tally.queues[q];
            qt.counts.answered += 1;
            qt.counts.answered_within += u64::from(within);
            qt.counts.wait_sum += wait;
            qt.waits.record(stats::wait_ms(wait));
            self.tally.teams[team].answered += 1;
        }
    }

    /// A conversation of queue `q` (of team `team`'s agent) completed
    /// `work` seconds of handle time and wrap-up.
    #[inline(always)]
    pub(super) fn completed(&mut self, q: QueueId, team: TeamId, work: f64) {
        let qt = &mut self.tally.queues[q];
        qt.completed += 1;
        qt.work_sum += work;
        let tt = &mut self.tally.teams[team];
        tt.completed += 1;
        tt.work_sum += work;
    }

    /// A conversation of queue `q` (service-level threshold `sl_threshold`)
    /// that arrived in interval `interval` abandoned after waiting `wait`
    /// seconds (`counted`: after the warm-up).
    pub(super) fn abandoned(
        &mut self,
        sc: &Scenario,
        sl_threshold: f64,
        q: QueueId,
        interval: usize,
        wait: f64,
        counted: bool,
    ) {
        let within = wait <= sl_threshold;
        let short = wait < sc.metrics.short_abandon;
        let it = &mut self.tally.interval_mut(interval, q).counts;
        it.abandoned += 1;
        it.abandoned_within += u64::from(within);
        it.abandoned_short += u64::from(short);
        if counted {
            let qt = &mut self.tally.queues[q].counts;
            qt.abandoned += 1;
            qt.abandoned_within += u64::from(within);
            qt.abandoned_short += u64::from(short);
        }
    }

    /// Closes the books when the run ends: the conversations still open (stranded with an Offline agent, or unresolved).
    pub(super) fn close(mut self, convs: &Conversations) -> Tally {
        for c in convs.live() {
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
}

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Adjusts the count of waiting conversations in `q` (the books), and
    /// whether it holds something (the router's non-empty sets).
    #[inline(always)]
    pub(super) fn change_waiting(&mut self, q: QueueId, delta: i32) {
        if self.books.change_waiting(&self.clock, self.sc, q, delta) {
            self.router.nonempty.set(q, self.books.waiting(q) > 0);
        }
    }

    /// Splits every open time segment at now (interval ends, warm-up end, horizon).
    pub(super) fn flush_all(&mut self) {
        self.books.flush_all(&self.clock, self.sc, &mut self.floor.agents);
    }

    /// A reporting interval ends: its books close and the next opens.
    pub(super) fn on_tick(&mut self) {
        self.flush_all();
        self.clock.interval += 1;
        self.books.open_interval(&self.clock, self.sc);
        let next = (self.clock.interval + 1) as f64 * self.sc.interval;
        self.agenda.schedule_first(&self.clock, next, 1, Event::Tick);
    }
}
