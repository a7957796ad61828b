//! Time accounting: agent time per status, team and interval; queue
//! length; the occupancy integrals (units held, agents holding work, agents
//! with spare capacity) per team, integrated by parts; interval ends.
//! Nothing is booked past the horizon (docs/model.md §6).

use super::agents::Phase;
use super::events::Event;
use super::{Sim, Trace};
use crate::model::{AgentId, QueueId, StatusKind, TeamId};

/// Work held by one team's agents in productive statuses, for occupancy.
///
/// Integrated by parts so that a change costs a multiply-add and no segment
/// bookkeeping: with `units_area` set to `-units × s` at a booking time `s`
/// and lowered by `delta × t` at every change, `units_area + units × T` is
/// the integral of units held over `[s, T]`. Likewise for `holders`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct TeamWork {
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

impl<O: FnMut(&Trace)> Sim<'_, O> {
    /// Adjusts the count of waiting conversations in `q`, integrating queue length over time.
    pub(super) fn change_waiting(&mut self, q: QueueId, delta: i32) {
        self.flush_queue(q);
        let w = &mut self.waiting[q];
        let was = w.0;
        w.0 = w.0.saturating_add_signed(delta);
        let len = w.0;
        if (was == 0) != (len == 0) {
            self.nonempty.set(q, len > 0);
        }
        if !self.draining {
            let it = self.tally.interval_mut(self.interval, q);
            it.queue_max = it.queue_max.max(u64::from(len));
        }
    }

    pub(super) fn flush_queue(&mut self, q: QueueId) {
        let now = self.now.secs();
        let (len, since) = self.waiting[q];
        if !self.draining {
            let area = f64::from(len) * (now - since);
            self.tally.interval_mut(self.interval, q).queue_area += area;
            if since >= self.sc.warmup {
                self.tally.queues[q].queue_area += area;
            }
        }
        self.waiting[q].1 = now;
    }

    /// Books agent `a`'s time since its last change to its current status,
    /// team and interval (and to the summary once past the warm-up).
    pub(super) fn flush_agent(&mut self, a: AgentId) {
        let now = self.now.secs();
        let ag = &mut self.agents[a];
        let dt = now - ag.since;
        if dt <= 0.0 {
            return;
        }
        let counted = ag.since >= self.sc.warmup;
        ag.since = now;
        if self.draining {
            return; // agent time stops at the horizon
        }
        let (team, status) = (ag.team, ag.status);
        let kind = ag.kind;
        // Logged in: any status but Offline, or Offline in the ready delay after login.
        let logged_in = kind != StatusKind::Offline || ag.phase == Phase::Ready;
        self.tally.add_status_secs(self.interval, team, status, dt, logged_in);
        if !counted {
            return;
        }
        let capacity = self.sc.teams[team].capacity;
        let tt = &mut self.tally.teams[team];
        tt.status_secs[status] += dt;
        if logged_in {
            tt.logged_in_secs += dt;
        }
        if kind.is_productive() {
            tt.capacity_secs += f64::from(capacity) * dt;
        }
    }

    /// Changes team `t`'s units held and agents holding work (productive statuses only).
    #[inline]
    pub(super) fn change_work(&mut self, t: TeamId, units: i32, holders: i32) {
        let now = self.now.secs();
        let w = &mut self.work[t];
        w.units = w.units.wrapping_add_signed(units);
        w.holders = w.holders.wrapping_add_signed(holders);
        w.units_area -= f64::from(units) * now;
        w.holders_area -= f64::from(holders) * now;
    }

    /// Changes the number of team `t`'s agents Available with spare capacity.
    #[inline]
    pub(super) fn change_pooled(&mut self, t: TeamId, delta: i32) {
        let now = self.now.secs();
        let w = &mut self.work[t];
        w.pooled = w.pooled.wrapping_add_signed(delta);
        w.pooled_area -= f64::from(delta) * now;
    }

    /// Books team `t`'s units held, agents holding work and agents with
    /// spare capacity since the last booking (nothing past the horizon).
    pub(super) fn flush_work(&mut self, t: TeamId) {
        let now = self.now.secs();
        let w = &mut self.work[t];
        let (units, holders, pooled) = (f64::from(w.units), f64::from(w.holders), f64::from(w.pooled));
        if !self.draining {
            let holding = w.holders_area + holders * now;
            let ti = self.tally.team_interval_mut(self.interval, t);
            ti.holding_secs += holding;
            ti.spare_secs += w.pooled_area + pooled * now;
            if w.since >= self.sc.warmup {
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
    pub(super) fn flush_all(&mut self) {
        for a in self.agents.keys() {
            self.flush_agent(a);
        }
        for q in self.queues.keys() {
            self.flush_queue(q);
        }
        for t in self.work.keys() {
            self.flush_work(t);
        }
    }

    pub(super) fn on_tick(&mut self) {
        self.flush_all();
        self.interval += 1;
        for q in self.queues.keys() {
            if self.draining {
                break;
            }
            let len = self.waiting[q].0;
            let it = self.tally.interval_mut(self.interval, q);
            it.queue_max = it.queue_max.max(u64::from(len));
        }
        self.schedule_first((self.interval + 1) as f64 * self.sc.interval, 1, Event::Tick);
    }
}
