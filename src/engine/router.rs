//! The router: what it knows of each agent (load, idle time, pool
//! membership), each team's pool of Available agents, each queue's waiting
//! conversations, and the choices of docs/model.md §R8-§R12: who takes an
//! arriving conversation, and what a freed agent takes next.
//!
//! The data structures are [`crate::routing`]'s; this part keeps them in
//! step. What a change costs elsewhere (occupancy integrals, the trace) is
//! the caller's: the methods say what changed.

use typed_index_collections::{TiSlice, TiVec};

use super::agents::Agent;
use super::conversations::{ConvKey, Conversations};
use super::profiles::Profiles;
use crate::model::{AgentId, QueueId, Scenario, Selection, StatusKind, Team, TeamId};
use crate::routing::{AgentPool, Fit, NonEmpty, RouteState, WaitQueue, Waiting, before};

/// Routing state of one replication.
pub(super) struct Router {
    /// What the router knows of each agent.
    pub route: TiVec<AgentId, RouteState>,
    /// Units held per agent and channel: `channel_units[agent * channels + channel]`.
    channel_units: Vec<u32>,
    /// Channels of the scenario.
    channels: usize,
    /// Per team: its Available agents with room, best first.
    pools: TiVec<TeamId, AgentPool>,
    /// Per team: its pool also holds Available agents without spare
    /// capacity, for synced calls that ignore load (docs/model.md §R14).
    full_ok: TiVec<TeamId, bool>,
    /// Per queue: its waiting conversations, oldest first (stale entries dropped at the front).
    pub waits: TiVec<QueueId, WaitQueue<ConvKey>>,
    /// Per team, its queues whose waiting count is not 0.
    pub nonempty: NonEmpty,
    /// Queues of the scenario.
    queues: usize,
    /// Per team then queue: `fit[t * queues + q]`.
    fit: Vec<Fit>,
    /// Per team then queue: the team pool's fit pool for the queue (None: the whole pool).
    fit_class: Vec<Option<usize>>,
    /// Teams serving each queue at once, and those serving it after a delay (§R15).
    profiles: Profiles,
    /// Round robin: last agent assigned (or offered) from each queue.
    rr_cursor: TiVec<QueueId, Option<AgentId>>,
    /// Accept mode (§R13): conversations are offered, not assigned at once.
    pub offers: bool,
    /// The selection rule (§R12).
    selection: Selection,
}

/// What taking on a conversation changed for an agent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Held {
    /// The agent held nothing before.
    pub first: bool,
    /// The agent left the agents Available with spare capacity.
    pub left_spare: bool,
    /// Capacity units the agent holds now.
    pub units: u32,
    /// Units the agent holds on the conversation's channel now.
    pub channel_units: u32,
}

/// What giving back a conversation changed for an agent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Freed {
    /// It was the agent's last open conversation.
    pub last: bool,
    /// The agent joined the agents Available with spare capacity.
    pub entered_spare: bool,
}

impl Router {
    /// Empty queues and pools for `sc`'s teams and `agents` (all logged out).
    pub(super) fn new(sc: &Scenario, agents: &TiSlice<AgentId, Agent>) -> Router {
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
        let selection = sc.routing.selection;
        let pools: TiVec<TeamId, AgentPool> = members
            .into_iter_enumerated()
            .map(|(t, m)| {
                let fits: Vec<Fit> =
                    sc.teams[t].queues.iter().map(|&q| fit[t.index() * nq + q.index()]).collect();
                AgentPool::new(m, &fits, selection == Selection::RoundRobin, sc.channels.len(), full_ok[t])
            })
            .collect();
        let fit_class = (0..sc.teams.len() * nq).map(|i| pools.raw[i / nq].class_of(fit[i])).collect();
        Router {
            route,
            channel_units: vec![0; agents.len() * sc.channels.len()],
            channels: sc.channels.len(),
            pools,
            full_ok,
            waits: sc.queues.iter().map(|_| WaitQueue::new()).collect(),
            nonempty: NonEmpty::new(sc.teams.iter().map(|t| t.queues.as_slice()), nq),
            queues: nq,
            fit,
            fit_class,
            profiles: Profiles::new(sc),
            rr_cursor: vec![None; nq].into(),
            offers: sc.offers(),
            selection,
        }
    }

    /// Where team `t`'s entry for queue `q` is in `fit` and `fit_class`.
    #[inline(always)]
    fn team_queue(&self, t: TeamId, q: QueueId) -> usize {
        t.index() * self.queues + q.index()
    }

    /// Where agent `a`'s units on `channel` are in `channel_units`.
    #[inline(always)]
    fn unit_slot(&self, a: AgentId, channel: usize) -> usize {
        a.index() * self.channels + channel
    }

    /// Whether agent `a` of team `t` has room for one conversation of queue `q`.
    #[inline]
    pub(super) fn fits(&self, a: AgentId, t: TeamId, q: QueueId) -> bool {
        let f = self.fit[self.team_queue(t, q)];
        self.route[a].spare >= f.size
            && (f.cap == u32::MAX || self.channel_units[self.unit_slot(a, f.channel)] + f.size <= f.cap)
    }

    /// The better of agent `best` and team `t`'s choice for a conversation of
    /// queue `q`, by the selection rule (docs/model.md §R12; round robin: the
    /// nearest pooled agent at or after the one after the last assigned from
    /// this queue, wrapping).
    #[inline(always)]
    pub(super) fn better_of(&self, best: Option<AgentId>, t: TeamId, q: QueueId) -> Option<AgentId> {
        let class = self.fit_class[self.team_queue(t, q)];
        let found = if self.selection == Selection::RoundRobin {
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

    /// The agent rule §R12 picks for a conversation of queue `q` waiting
    /// since `since`, at `now`, among the teams serving `q` at once and
    /// those whose delay it has reached (a requeued conversation keeps its
    /// age); and whether some team's delay lies still ahead (§R15).
    #[inline(always)]
    pub(super) fn choose(&self, q: QueueId, since: f64, now: f64) -> (Option<AgentId>, bool) {
        let mut best: Option<AgentId> = None;
        for &t in self.profiles.at_once(q) {
            best = self.better_of(best, t, q);
        }
        let delayed = self.profiles.delayed(q);
        if delayed.is_empty() {
            return (best, false);
        }
        let mut later = false;
        for &(t, delay) in delayed {
            // Reached at `since + delay`, the instant its Eligible event
            // is for (not `now - since`, which rounds differently).
            if since + delay > now {
                later = true;
            } else {
                best = self.better_of(best, t, q);
            }
        }
        (best, later)
    }

    /// The teams serving queue `q` only after a delay: (team, delay in seconds).
    pub(super) fn delayed(&self, q: QueueId) -> &[(TeamId, f64)] {
        self.profiles.delayed(q)
    }

    /// The oldest conversation that agent `a` (of team `team`, whose
    /// profile is `profile`) can take at `now` from the most urgent of the
    /// team's queues with something waiting, and its queue: highest
    /// priority first, then longest waiting (ties to the first in the
    /// profile's list). Stale entries met at a queue's front are dropped.
    #[inline(always)]
    pub(super) fn best_waiting(
        &mut self,
        a: AgentId,
        team: TeamId,
        profile: &Team,
        convs: &Conversations,
        now: f64,
    ) -> Option<(QueueId, Waiting<ConvKey>)> {
        let mut best: Option<(u8, QueueId, Waiting<ConvKey>)> = None;
        // Only the team's queues with something waiting, in list order
        // (ties go to the first, as over the whole list).
        for word in 0..self.nonempty.word_count(team) {
            let mut bits = self.nonempty.word(team, word);
            while bits != 0 {
                let i = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let q = profile.queues[i];
                if !self.fits(a, team, q) {
                    continue;
                }
                // The queue may hold only stale entries (offered conversations count as waiting).
                let Some(w) = self.waits[q].front(|k| convs.is_waiting(k)) else {
                    continue;
                };
                // The oldest has not waited the team's delay: none has.
                if w.since + profile.delays[i] > now {
                    continue;
                }
                let p = profile.priorities[i];
                let better = best.is_none_or(|(bp, _, bw)| p < bp || (p == bp && w.since < bw.since));
                if better {
                    best = Some((p, q, w));
                }
            }
        }
        best.map(|(_, q, w)| (q, w))
    }

    /// Whether agent `a` is in its team's pool.
    #[inline(always)]
    pub(super) fn pooled(&self, a: AgentId) -> bool {
        self.route[a].pooled()
    }

    /// Pooled with spare capacity: what `spare_secs` (agents Available with room) counts.
    #[inline]
    fn spare_pooled(&self, a: AgentId) -> bool {
        let r = &self.route[a];
        r.pooled() && r.spare > 0
    }

    /// Whether agent `a` (`ag`) belongs in its team's pool: Available,
    /// holding no offer, with room for something (or in a pool that keeps
    /// full agents for synced calls, §R14).
    #[inline]
    pub(super) fn poolable(&self, a: AgentId, ag: &Agent) -> bool {
        ag.kind == StatusKind::Available
            && ag.offer.is_none()
            && (self.route[a].spare > 0 || self.full_ok[ag.team])
    }

    /// Puts agent `a` (not pooled) in team `team`'s pool; returns whether
    /// it has spare capacity (so counts as Available with room).
    #[inline]
    pub(super) fn enter_pool(&mut self, a: AgentId, team: TeamId) -> bool {
        self.pools[team].insert(a, &mut self.route, &self.channel_units);
        self.route[a].spare > 0
    }

    /// Takes agent `a` out of team `team`'s pool if it is in it; returns
    /// whether it counted as Available with room.
    #[inline]
    pub(super) fn leave_pool(&mut self, a: AgentId, team: TeamId) -> bool {
        if !self.route[a].pooled() {
            return false;
        }
        let spare = self.route[a].spare > 0;
        self.pools[team].remove(a, &mut self.route, &self.channel_units);
        spare
    }

    /// Agent `a` became Available at `now`: idle from then (§R12).
    #[inline]
    pub(super) fn idle_from(&mut self, a: AgentId, now: f64) {
        self.route[a].idle_since = now;
        self.route[a].rekey(a, self.selection);
    }

    /// Round robin moves on from agent `a` for queue `q` (assigned, or offered to).
    #[inline]
    pub(super) fn moved_on(&mut self, q: QueueId, a: AgentId) {
        self.rr_cursor[q] = Some(a);
    }

    /// Agent `a` of team `team` takes on a conversation of queue `q` of
    /// `size` units on `channel` at `now`: its load, rank and pools follow.
    #[inline(always)]
    pub(super) fn hold(
        &mut self,
        a: AgentId,
        team: TeamId,
        q: QueueId,
        size: u32,
        channel: usize,
        now: f64,
    ) -> Held {
        let slot = self.unit_slot(a, channel);
        self.channel_units[slot] += size;
        let r = &mut self.route[a];
        let first = r.open == 0;
        let spare_before = r.pooled() && r.spare > 0;
        r.held += size;
        r.spare = r.capacity.saturating_sub(r.held);
        r.open += 1;
        r.idle_since = now;
        r.rekey(a, self.selection);
        let (spare, pooled) = (r.spare, r.pooled());
        if pooled {
            let units = &self.channel_units;
            if spare == 0 && !self.full_ok[team] {
                self.pools[team].remove(a, &mut self.route, units);
            } else {
                self.pools[team].update(a, &mut self.route, units);
            }
        }
        let left_spare = spare_before && !self.spare_pooled(a);
        if !self.offers {
            // In accept mode the cursor moved when the offer was made.
            self.moved_on(q, a);
        }
        Held { first, left_spare, units: self.route[a].held, channel_units: self.channel_units[slot] }
    }

    /// Agent `a` of team `team` gives back a conversation of `size` units
    /// on `channel`: its load, rank and pools follow.
    #[inline]
    pub(super) fn free(&mut self, a: AgentId, team: TeamId, size: u32, channel: usize) -> Freed {
        let slot = self.unit_slot(a, channel);
        self.channel_units[slot] -= size;
        let r = &mut self.route[a];
        let last = r.open == 1;
        let spare_before = r.spare;
        r.held -= size;
        r.spare = r.capacity.saturating_sub(r.held);
        r.open -= 1;
        let units = &self.channel_units;
        let pool = &mut self.pools[team];
        if self.selection.ranks_by_load() {
            r.rekey(a, self.selection);
            if r.pooled() {
                pool.update(a, &mut self.route, units);
            }
        } else if r.pooled() {
            // Same rank, but more room: it may now meet fits it did not.
            pool.refresh(a, &self.route, units);
        }
        // Only a pool that keeps full agents holds one without spare capacity.
        Freed { last, entered_spare: spare_before == 0 && self.spare_pooled(a) }
    }

    /// Agent `a` (out of every pool) now works as a team of `capacity` units.
    pub(super) fn switch_team(&mut self, a: AgentId, capacity: u32) {
        let r = &mut self.route[a];
        r.capacity = capacity;
        r.spare = r.capacity.saturating_sub(r.held);
        r.rekey(a, self.selection);
    }
}
