//! An independent model of routing state, rebuilt from the engine's trace.
//!
//! [`Checker`] follows every `Trace` event, keeps its own view of each
//! agent's status, load and idle time and of every conversation, and panics
//! with a description the moment the engine does something the routing
//! rules forbid. At the end it reconciles its counts with the engine's
//! tallies.

use std::collections::HashMap;

use routesim::engine::{OfferOutcome, Trace};
use routesim::model::{AgentId, QueueId, Scenario, Selection, StatusId, StatusKind, TeamId};
use routesim::stats::Tally;
use typed_index_collections::TiVec;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Waiting,
    /// Offered to this agent, not accepted yet (docs/model.md §R13).
    Offered(AgentId),
    Assigned(AgentId),
    Abandoned,
    Done,
}

#[derive(Debug, Clone, Copy)]
struct Conv {
    queue: QueueId,
    arrival: f64,
    state: State,
    answered: bool,
}

#[derive(Debug, Clone)]
struct Agent {
    team: TeamId,
    status: StatusId,
    since: f64,
    used: u32,
    channel: Vec<u32>,
    open: u32,
    idle_since: f64,
    /// Since when `used`, `open` and the status have been unchanged (for occupancy).
    work_since: f64,
    /// The conversation offered to the agent, not yet accepted.
    offer: Option<u64>,
}

/// Occupancy integrals per team, kept by the checker itself.
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    units_secs: f64,
    holding_secs: f64,
    capacity_secs: f64,
}

/// Counts of what the checker saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seen {
    pub arrived: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub unresolved: u64,
    pub requeued: u64,
    /// Offers made, missed, withdrawn (accept mode).
    pub offers: u64,
    pub missed: u64,
    pub withdrawn: u64,
    /// Assignments of synced calls (docs/model.md §R14).
    pub calls: u64,
    /// Team switches (§R16).
    pub switches: u64,
    /// Assignments where the selection rule was checked.
    pub selections_checked: u64,
    /// Assignments made while other conversations were waiting in the agent's queues.
    pub contested: u64,
}

/// Replays a trace against the routing rules.
pub struct Checker<'s> {
    sc: &'s Scenario,
    agents: TiVec<AgentId, Agent>,
    convs: HashMap<u64, Conv>,
    /// Agent-seconds per team and status, booked to the agent's team at the time.
    status_secs: TiVec<TeamId, TiVec<StatusId, f64>>,
    /// Per team.
    work: TiVec<TeamId, Work>,
    rr_cursor: TiVec<QueueId, Option<AgentId>>,
    /// Conversation being routed right now (arrival, requeue, or a missed
    /// or withdrawn offer), to check the selection rule.
    routing: Option<u64>,
    /// Conversation whose offer was just accepted: its assignment follows.
    accepting: Option<u64>,
    /// An offer was just missed or withdrawn: the conversation moves on
    /// after the agent's status or team change that comes next.
    keep_routing: bool,
    pub seen: Seen,
}

impl<'s> Checker<'s> {
    pub fn new(sc: &'s Scenario) -> Self {
        let mut agents = TiVec::new();
        for g in &sc.groups {
            for _ in 0..g.size() {
                agents.push(Agent {
                    team: g.team,
                    status: StatusId::OFFLINE,
                    since: 0.0,
                    used: 0,
                    channel: vec![0; sc.channels.len()],
                    open: 0,
                    idle_since: 0.0,
                    work_since: 0.0,
                    offer: None,
                });
            }
        }
        Checker {
            sc,
            agents,
            convs: HashMap::new(),
            status_secs: vec![vec![0.0; sc.statuses.len()].into(); sc.teams.len()].into(),
            work: vec![Work::default(); sc.teams.len()].into(),
            rr_cursor: vec![None; sc.queues.len()].into(),
            routing: None,
            accepting: None,
            keep_routing: false,
            seen: Seen::default(),
        }
    }

    fn kind(&self, a: AgentId) -> StatusKind {
        self.sc.statuses[self.agents[a].status].kind
    }

    /// Books agent `a`'s load since its last change, if its status is productive.
    fn book_work(&mut self, a: AgentId, time: f64) {
        // Agent time stops at the horizon; the drain after it books none.
        let time = time.min(self.sc.horizon);
        let kind = self.kind(a);
        let ag = &mut self.agents[a];
        let dt = (time - ag.work_since).max(0.0);
        ag.work_since = time;
        if matches!(kind, StatusKind::Available | StatusKind::Busy) {
            let w = &mut self.work[ag.team];
            w.units_secs += f64::from(ag.used) * dt;
            w.holding_secs += if ag.open > 0 { dt } else { 0.0 };
            w.capacity_secs += f64::from(self.sc.teams[ag.team].capacity) * dt;
        }
    }

    /// Units a conversation of queue `q` holds: its item size, or none for a
    /// synced call that ignores load (docs/model.md §R14).
    fn size(&self, q: QueueId) -> u32 {
        let queue = &self.sc.queues[q];
        if queue.busy_while_handling && !queue.capacity_aware { 0 } else { queue.item_size }
    }

    fn fits(&self, a: AgentId, q: QueueId) -> bool {
        let queue = &self.sc.queues[q];
        let team = &self.sc.teams[self.agents[a].team];
        let ag = &self.agents[a];
        let size = self.size(q);
        // A call that ignores load ignores capacity and channel caps alike.
        size == 0
            || (ag.used + size <= team.capacity
                && ag.channel[queue.channel] + size <= team.channel_caps[queue.channel])
    }

    /// docs/model.md §R8, §R15: agent `a` may take a conversation of queue
    /// `q` that arrived at `since`, at `now`: Available, holding no offer, on
    /// a team whose profile serves `q` with a delay reached by `now` (at the
    /// instant `since + delay`, as the engine schedules it), with room for it.
    fn eligible(&self, a: AgentId, q: QueueId, since: f64, now: f64) -> bool {
        self.kind(a) == StatusKind::Available
            && self.agents[a].offer.is_none()
            && self.sc.serve(self.agents[a].team, q).is_some_and(|(_, delay)| since + delay <= now)
            && self.fits(a, q)
    }

    /// Books agent `a`'s time in its status since its last change to its team.
    fn book_status(&mut self, a: AgentId, time: f64) {
        let booked = time.min(self.sc.horizon);
        let ag = &mut self.agents[a];
        self.status_secs[ag.team][ag.status] += (booked - ag.since).max(0.0);
        ag.since = booked;
    }

    /// Checks that agent `agent` may be given conversation `id` of `queue`
    /// at `time` (§R8, §R11, §R12, §R15); `offered`: it is the acceptance
    /// of an offer, checked when it was made (§R13), so only the status is
    /// checked again (the agent may have switched teams since: §R16).
    fn check_choice(&mut self, time: f64, id: u64, queue: QueueId, agent: AgentId, offered: bool) {
        let c = self.convs[&id];
        assert_eq!(c.state, State::Waiting, "t={time}: conversation {id} given while {:?}", c.state);
        assert_eq!(c.queue, queue);
        assert_eq!(
            self.kind(agent),
            StatusKind::Available,
            "t={time}: {id} routed to agent {agent} in status {:?}",
            self.agents[agent].status
        );
        assert!(
            self.agents[agent].offer.is_none(),
            "t={time}: {id} given to agent {agent} who holds an offer"
        );
        if offered {
            self.routing = None;
            return;
        }
        let age = time - c.arrival;
        let team = self.agents[agent].team;
        let (_, delay) = self
            .sc
            .serve(team, queue)
            .unwrap_or_else(|| panic!("t={time}: agent {agent}'s team {team} does not serve queue {queue}"));
        assert!(
            c.arrival + delay <= time,
            "t={time}: team {team} took {id} after {age} s, before its delay of {delay} s (§R15)"
        );
        assert!(self.fits(agent, queue), "t={time}: agent {agent} lacks capacity for {id}");
        {
            // docs/model.md §R11: no conversation this agent could take ranks before this one.
            // The team's priority for each queue (§R15), then queue age.
            let rank = |c: &Conv| (self.sc.serve(team, c.queue).map_or(u8::MAX, |(p, _)| p), c.arrival);
            let mine = rank(&c);
            let mut others = false;
            for (&oid, o) in &self.convs {
                if oid == id || o.state != State::Waiting || !self.eligible(agent, o.queue, o.arrival, time) {
                    continue;
                }
                others = true;
                let r = rank(o);
                assert!(
                    !(r.0 < mine.0 || (r.0 == mine.0 && r.1 < mine.1)),
                    "t={time}: agent {agent} took {id} (priority {}, arrived {}) while {oid} (priority {}, arrived {}) waited",
                    mine.0,
                    mine.1,
                    r.0,
                    r.1
                );
            }
            self.seen.contested += u64::from(others);
        }
        // docs/model.md §R12, for conversations being routed (arrival, requeue, moved-on offer).
        if self.routing == Some(id) {
            let want = self.expected_agent(queue, c.arrival, time);
            assert_eq!(
                want,
                Some(agent),
                "t={time}: selection rule {:?} picks {want:?}, engine picked {agent}",
                self.sc.routing.selection
            );
            self.seen.selections_checked += 1;
        }
        self.routing = None;
        self.rr_cursor[queue] = Some(agent);
    }

    /// docs/model.md §R12: the agent the selection rule picks for queue `q`
    /// among those eligible for a conversation that arrived at `since`, at `now`.
    fn expected_agent(&self, q: QueueId, since: f64, now: f64) -> Option<AgentId> {
        let n = self.agents.len();
        let eligible = self.agents.keys().filter(|&a| self.eligible(a, q, since, now));
        let cap = |a: AgentId| self.sc.teams[self.agents[a].team].capacity;
        match self.sc.routing.selection {
            Selection::RoundRobin => {
                let start = self.rr_cursor[q].map_or(0, |c| (c.index() + 1) % n);
                eligible.min_by_key(|&a| (a.index() + n - start) % n)
            }
            rule => eligible.min_by(|&x, &y| {
                let (ax, ay) = (&self.agents[x], &self.agents[y]);
                let primary = match rule {
                    Selection::MostAvailable => {
                        cap(y).saturating_sub(ay.used).cmp(&cap(x).saturating_sub(ax.used))
                    }
                    Selection::LeastActive => ax.open.cmp(&ay.open),
                    _ => std::cmp::Ordering::Equal,
                };
                primary.then(ax.idle_since.total_cmp(&ay.idle_since)).then(x.cmp(&y))
            }),
        }
    }

    pub fn observe(&mut self, t: &Trace) {
        let keep_routing = std::mem::take(&mut self.keep_routing);
        match *t {
            Trace::Arrived { id, queue, time, .. } => {
                assert!(time < self.sc.horizon, "conversation {id} arrived at {time}, past the horizon");
                self.seen.arrived += 1;
                let prev = self
                    .convs
                    .insert(id, Conv { queue, arrival: time, state: State::Waiting, answered: false });
                assert!(prev.is_none(), "conversation {id} arrived twice");
                self.routing = Some(id);
            }
            Trace::Assigned { time, id, queue, agent, age, used_units, channel_units } => {
                let c = self.convs[&id];
                assert!((age - (time - c.arrival)).abs() < 1e-9, "queue age not kept for {id}");
                let accepted = self.accepting.take() == Some(id);
                if self.sc.offers() {
                    assert!(accepted, "t={time}: {id} assigned in accept mode without an accepted offer");
                }
                self.check_choice(time, id, queue, agent, accepted);
                self.book_work(agent, time);
                let size = self.size(queue);
                let q = &self.sc.queues[queue];
                let ag = &mut self.agents[agent];
                ag.used += size;
                ag.channel[q.channel] += size;
                ag.open += 1;
                ag.idle_since = time;
                assert_eq!(ag.used, used_units, "engine's load for agent {agent} differs");
                assert_eq!(ag.channel[q.channel], channel_units);
                let cap = self.sc.teams[ag.team].capacity;
                // An accepted offer was checked against the capacity of the team
                // the agent was on when it was made (it may have switched since).
                if !accepted || self.seen.switches == 0 {
                    assert!(size == 0 || ag.used <= cap, "capacity exceeded");
                    assert!(
                        size == 0 || channel_units <= self.sc.teams[ag.team].channel_caps[q.channel],
                        "channel cap exceeded"
                    );
                }
                self.seen.calls += u64::from(q.busy_while_handling);
                let c = self.convs.get_mut(&id).unwrap();
                c.state = State::Assigned(agent);
                if !c.answered {
                    c.answered = true;
                    self.seen.answered += 1;
                }
            }
            Trace::Offered { time, id, queue, agent } => {
                assert!(self.sc.offers(), "t={time}: an offer in auto mode");
                self.check_choice(time, id, queue, agent, false);
                self.agents[agent].offer = Some(id);
                self.convs.get_mut(&id).unwrap().state = State::Offered(agent);
                self.seen.offers += 1;
            }
            Trace::OfferEnded { time, id, agent, outcome } => {
                self.routing = None;
                let c = self.convs.get_mut(&id).unwrap();
                assert_eq!(
                    c.state,
                    State::Offered(agent),
                    "t={time}: offer of {id} ended while {:?}",
                    c.state
                );
                assert_eq!(self.agents[agent].offer, Some(id));
                self.agents[agent].offer = None;
                c.state = State::Waiting;
                match outcome {
                    OfferOutcome::Accepted => self.accepting = Some(id),
                    OfferOutcome::Abandoned => {}
                    OfferOutcome::Missed | OfferOutcome::Withdrawn => {
                        // Moves on to the next eligible agent as if it had just arrived.
                        self.routing = Some(id);
                        self.keep_routing = true;
                        if outcome == OfferOutcome::Missed {
                            self.seen.missed += 1;
                        } else {
                            self.seen.withdrawn += 1;
                        }
                    }
                }
            }
            Trace::Team { time, agent, team } => {
                self.routing = None;
                assert!(
                    self.sc.groups.iter().any(|g| g.teams.contains(&team)),
                    "t={time}: agent {agent} switched to team {team}, none of its group's"
                );
                self.book_work(agent, time);
                self.book_status(agent, time);
                self.agents[agent].team = team;
                self.seen.switches += 1;
            }
            Trace::Abandoned { id, time } => {
                self.routing = None;
                self.accepting = None;
                let c = self.convs.get_mut(&id).unwrap();
                assert_eq!(c.state, State::Waiting, "t={time}: {id} abandoned while {:?}", c.state);
                assert!(!c.answered, "{id} abandoned after being answered");
                c.state = State::Abandoned;
                self.seen.abandoned += 1;
            }
            Trace::Requeued { id, agent, time } => {
                self.book_work(agent, time);
                assert_eq!(
                    self.kind(agent),
                    StatusKind::Offline,
                    "t={time}: requeue from agent {agent} who is not Offline"
                );
                self.release(id, agent, State::Waiting);
                self.seen.requeued += 1;
                self.routing = Some(id);
            }
            Trace::Completed { id, agent, time } => {
                self.routing = None;
                self.book_work(agent, time);
                self.release(id, agent, State::Done);
            }
            Trace::Status { time, agent, status } => {
                // A missed offer's agent goes Unavailable before the
                // conversation moves on: the routing check survives that.
                if !keep_routing {
                    self.routing = None;
                }
                self.book_work(agent, time);
                self.book_status(agent, time);
                let ag = &mut self.agents[agent];
                assert_ne!(ag.status, status, "status event without a change");
                if ag.offer.is_some() {
                    // Leaving Available withdraws the offer right after (§R13).
                    assert_eq!(
                        self.sc.statuses[ag.status].kind,
                        StatusKind::Available,
                        "t={time}: agent {agent} held an offer outside Available"
                    );
                }
                ag.status = status;
                if self.sc.statuses[status].kind == StatusKind::Available {
                    ag.idle_since = time;
                }
            }
        }
    }

    fn release(&mut self, id: u64, agent: AgentId, to: State) {
        let size = self.size(self.convs[&id].queue);
        let c = self.convs.get_mut(&id).unwrap();
        assert_eq!(c.state, State::Assigned(agent), "{id} released by {agent} but is {:?}", c.state);
        c.state = to;
        let q = &self.sc.queues[c.queue];
        let ag = &mut self.agents[agent];
        ag.used -= size;
        ag.channel[q.channel] -= size;
        ag.open -= 1;
    }

    /// Closes the books at the horizon and reconciles with the engine's
    /// tallies (scenario without warm-up, so every arrival counts).
    pub fn finish(mut self, tally: &Tally) -> Seen {
        let horizon = self.sc.horizon;
        for a in self.agents.keys() {
            self.book_status(a, horizon);
            self.book_work(a, horizon);
        }
        self.seen.unresolved = self
            .convs
            .values()
            .filter(|c| matches!(c.state, State::Waiting | State::Offered(_)) && !c.answered)
            .count() as u64;
        let s = self.seen;
        let sum = |f: fn(&routesim::stats::QueueTally) -> u64| tally.queues.iter().map(f).sum::<u64>();
        assert_eq!(sum(|q| q.counts.offered), s.arrived, "offered");
        assert_eq!(sum(|q| q.counts.answered), s.answered, "answered");
        assert_eq!(sum(|q| q.counts.abandoned), s.abandoned, "abandoned");
        assert_eq!(sum(|q| q.counts.unresolved), s.unresolved, "unresolved");
        assert_eq!(sum(|q| q.requeued), s.requeued, "requeued");
        assert_eq!(sum(|q| q.offers), s.offers, "offers");
        assert_eq!(sum(|q| q.missed_offers), s.missed, "missed offers");
        assert_eq!(
            s.arrived,
            s.answered + s.abandoned + s.unresolved,
            "a conversation ended in no known way"
        );
        // Time in status: the trace's account equals the engine's, per team and status,
        // and adds up to the horizon for every agent.
        for (t, team) in tally.teams.iter_enumerated() {
            let members: Vec<AgentId> = self.agents.keys().filter(|&a| self.agents[a].team == t).collect();
            for s in self.sc.statuses.keys() {
                let mine = self.status_secs[t][s];
                assert!(
                    (mine - team.status_secs[s]).abs() < 1e-6 * horizon.max(1.0),
                    "team {t} status {s}: trace {mine} vs tally {}",
                    team.status_secs[s]
                );
            }
            // Occupancy's parts: units held, agents holding work, capacity offered.
            let w = self.work[t];
            for (what, mine, engine) in [
                ("units", w.units_secs, team.units_secs),
                ("holding", w.holding_secs, team.holding_secs),
                ("capacity", w.capacity_secs, team.capacity_secs),
            ] {
                assert!(
                    (mine - engine).abs() < 1e-6 * horizon.max(1.0),
                    "team {t} {what}-seconds: trace {mine} vs tally {engine}"
                );
            }
            // Without switches a team's time is its own agents' whole horizon.
            if self.seen.switches == 0 {
                let total: f64 = team.status_secs.iter().sum();
                assert!(
                    (total - members.len() as f64 * horizon).abs() < 1e-6 * horizon,
                    "team {t}: {total} agent-seconds for {} agents",
                    members.len()
                );
            }
        }
        let all: f64 = tally.teams.iter().flat_map(|t| &t.status_secs).sum();
        assert!(
            (all - self.agents.len() as f64 * horizon).abs() < 1e-6 * horizon,
            "{all} agent-seconds for {} agents",
            self.agents.len()
        );
        let n_int = self.sc.interval_count();
        let per_interval: f64 = (0..n_int)
            .flat_map(|i| {
                self.sc.teams.keys().flat_map(move |t| self.sc.statuses.keys().map(move |s| (i, t, s)))
            })
            .map(|(i, t, s)| tally.status_secs(i, t, s))
            .sum();
        assert!(
            (per_interval - self.agents.len() as f64 * horizon).abs() < 1e-6 * horizon,
            "interval status time does not add up"
        );
        s
    }
}

/// Runs replication `rep` of `sc` through the checker and returns what it saw.
pub fn check_run(sc: &Scenario, rep: u32) -> (Seen, Tally) {
    let mut checker = Checker::new(sc);
    let tally = routesim::engine::run_observed(sc, rep, |t| checker.observe(t));
    (checker.finish(&tally), tally)
}
