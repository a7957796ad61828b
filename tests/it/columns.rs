//! Every number in every output file, checked by name against an
//! independent account.
//!
//! [`Ledger`] rebuilds, from the engine's trace alone, what happened to each
//! conversation and each agent, and computes every summary metric and every
//! intervals.csv / statuses.csv / replications.csv column by its definition
//! in docs/model.md (§7 metrics, §11 output files). The test then reads the
//! files `routesim run` wrote, looks each column up by its header name, and
//! compares. A metric whose label and value were swapped, or a column
//! computed from the wrong counter, fails here.

use std::collections::BTreeMap;
use std::path::Path;

use routesim::engine::{OfferOutcome, Trace};
use routesim::model::{AgentId, QueueId, Scenario, StatusId, StatusKind, TeamId};
use typed_index_collections::TiVec;

const SCENARIO: &str = r#"
name = "ledger"
seed = 3
horizon = "4h"
warmup = "30m"
drain = "6h"
interval = "30m"
replications = 3

[metrics]
short_abandon = "5s"

[[status]]
name = "Lunch"

[[queue]]
name = "chat"
priority = 1
sl_threshold = "30s"
sl_target = 0.8
arrivals = { per_hour = 50 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[queue]]
name = "email"
priority = 2
sl_threshold = "1h"
sl_target = 0.9
arrivals = { per_hour = 14 }
handle_time = { dist = "gamma", mean = "5m", sd = "2m" }
requeue_when_offline = false

[[team]]
name = "front"
queues = ["chat", "email"]
capacity = 2
channel_caps = { chat = 1 }

[[team]]
name = "back"
queues = ["email", "chat"]

[[agents]]
name = "day"
team = "front"
count = 3
schedule = [{ status = "Lunch", at = "01:00", duration = "30m" }]
unplanned = [{ status = "Busy", per_hour = 0.5, duration = { dist = "exponential", mean = "5m" } }]

[[agents]]
name = "backoffice"
team = "back"
count = 2
shift = { start = "00:30", end = "03:30" }
"#;

/// The same ledger on a scenario with offers that time out (docs/model.md
/// §R13) and a phone queue synced to Busy whose calls ignore load (§R14):
/// the offer metrics, and occupancy with calls that hold no capacity.
const SCENARIO_OFFERS: &str = r#"
name = "ledger-offers"
seed = 8
horizon = "4h"
warmup = "30m"
drain = "6h"
interval = "30m"
replications = 3

[routing]
assignment = "accept"
accept_delay = { dist = "exponential", mean = "12s" }
accept_timeout = "20s"
missed_unavailable = { dist = "constant", value = "2m" }

[[queue]]
name = "chat"
sl_threshold = "30s"
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "3m" }

[[queue]]
name = "phone"
channel = "voice"
sl_threshold = "20s"
busy_while_handling = true
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3m" }
wrap_up = { dist = "constant", value = "20s" }
patience = { dist = "exponential", mean = "2m" }

[[team]]
name = "blend"
queues = ["phone", "chat"]
capacity = 2

[[agents]]
name = "day"
team = "blend"
count = 5
shift = { start = "00:00", end = "03:00" }
unplanned = [{ status = "Busy", per_hour = 0.5, duration = { dist = "exponential", mean = "5m" } }]
"#;

#[derive(Debug, Clone, Default)]
struct Conv {
    queue: QueueId,
    arrival: f64,
    answered_at: Option<f64>,
    answered_by: Option<AgentId>,
    last_assigned: f64,
    /// When it was last requeued.
    requeued_at: f64,
    /// Completion minus last assignment: handle plus wrap-up.
    work: f64,
    completed_by: Option<AgentId>,
    agent: Option<AgentId>,
    abandoned_at: Option<f64>,
    completed: bool,
    waiting: bool,
    requeues: u64,
    /// Offers made (accept mode), missed, accepted; when the last was made;
    /// sum of the accepted ones' times from offer to acceptance.
    offers: u64,
    missed: u64,
    accepted: u64,
    offered_at: f64,
    accept_wait: f64,
}

/// What an agent holds at a time.
#[derive(Debug, Clone, Copy, Default)]
struct Load {
    /// Capacity units held.
    units: u32,
    /// Open conversations.
    open: u32,
    /// Offers standing (0 or 1, accept mode).
    offer: u32,
}

/// One replication's account, built from its trace.
struct Ledger<'s> {
    sc: &'s Scenario,
    convs: BTreeMap<u64, Conv>,
    /// Per agent: (time, status) changes, starting Offline at 0.
    status: TiVec<AgentId, Vec<(f64, StatusId)>>,
    /// Per agent: (time, what it holds) changes.
    load: TiVec<AgentId, Vec<(f64, Load)>>,
    team_of: TiVec<AgentId, TeamId>,
    /// Per queue: (time, number waiting) changes.
    waiting: TiVec<QueueId, Vec<(f64, u32)>>,
    /// A conversation that just arrived or was requeued, and the time: it
    /// waits unless the very next event assigns it at that time.
    pending: Option<(u64, f64)>,
}

impl<'s> Ledger<'s> {
    fn of(sc: &'s Scenario, rep: u32) -> Ledger<'s> {
        let team_of: TiVec<AgentId, TeamId> =
            sc.groups.iter().flat_map(|g| std::iter::repeat_n(g.team, g.size())).collect();
        let n = team_of.len();
        let mut l = Ledger {
            sc,
            convs: BTreeMap::new(),
            status: vec![vec![(0.0, StatusId::OFFLINE)]; n].into(),
            load: vec![vec![(0.0, Load::default())]; n].into(),
            team_of,
            waiting: vec![vec![(0.0, 0)]; sc.queues.len()].into(),
            pending: None,
        };
        let mut trace = Vec::new();
        routesim::engine::run_observed(sc, rep, |t| trace.push(*t));
        for t in &trace {
            l.observe(t);
        }
        l.settle();
        l
    }

    /// A conversation that arrived or was requeued and was not assigned at
    /// once is waiting from then on.
    fn settle(&mut self) {
        if let Some((id, _)) = self.pending.take() {
            let c = &self.convs[&id];
            let (q, t) = (c.queue, if c.requeues > 0 { c.requeued_at } else { c.arrival });
            self.convs.get_mut(&id).unwrap().waiting = true;
            self.change_waiting(q, t, 1);
        }
    }

    fn change_waiting(&mut self, q: QueueId, t: f64, delta: i32) {
        let last = self.waiting[q].last().unwrap().1;
        self.waiting[q].push((t, last.checked_add_signed(delta).unwrap()));
    }

    /// Agent `a` takes (+1) or gives back (-1) a conversation of queue `q`,
    /// holding its units: its item size, none for a call that ignores load.
    fn change_load(&mut self, a: AgentId, q: QueueId, t: f64, delta: i32) {
        let queue = &self.sc.queues[q];
        let size = if queue.busy_while_handling && !queue.capacity_aware { 0 } else { queue.item_size };
        let mut l = self.load[a].last().unwrap().1;
        l.units = l.units.checked_add_signed(delta * size as i32).unwrap();
        l.open = l.open.checked_add_signed(delta).unwrap();
        self.load[a].push((t, l));
    }

    /// Agent `a` is offered a conversation (+1), or its offer ends (-1).
    fn change_offer(&mut self, a: AgentId, t: f64, delta: i32) {
        let mut l = self.load[a].last().unwrap().1;
        l.offer = l.offer.checked_add_signed(delta).unwrap();
        self.load[a].push((t, l));
    }

    fn observe(&mut self, t: &Trace) {
        if let Some((id, at)) = self.pending {
            if !matches!(*t, Trace::Assigned { id: i, time, .. } if i == id && time == at) {
                self.settle();
            } else {
                self.pending = None;
            }
        }
        match *t {
            Trace::Arrived { time, id, queue, .. } => {
                self.convs.insert(id, Conv { queue, arrival: time, ..Conv::default() });
                self.pending = Some((id, time));
            }
            Trace::Assigned { time, id, agent, .. } => {
                let c = self.convs.get_mut(&id).unwrap();
                let (was_waiting, q) = (c.waiting, c.queue);
                c.waiting = false;
                if c.answered_at.is_none() {
                    c.answered_at = Some(time);
                    c.answered_by = Some(agent);
                }
                c.last_assigned = time;
                c.agent = Some(agent);
                if was_waiting {
                    self.change_waiting(q, time, -1);
                }
                self.change_load(agent, q, time, 1);
            }
            Trace::Offered { time, id, agent, .. } => {
                // Offered, the conversation still waits (it was settled as waiting).
                let c = self.convs.get_mut(&id).unwrap();
                c.offers += 1;
                c.offered_at = time;
                self.change_offer(agent, time, 1);
            }
            Trace::OfferEnded { time, id, outcome, agent } => {
                self.change_offer(agent, time, -1);
                let c = self.convs.get_mut(&id).unwrap();
                match outcome {
                    OfferOutcome::Accepted => {
                        c.accepted += 1;
                        c.accept_wait += time - c.offered_at;
                    }
                    OfferOutcome::Missed => c.missed += 1,
                    OfferOutcome::Withdrawn | OfferOutcome::Abandoned => {}
                }
            }
            Trace::Team { .. } => panic!("the ledger scenarios have no team switches"),
            Trace::Abandoned { time, id } => {
                let c = self.convs.get_mut(&id).unwrap();
                c.abandoned_at = Some(time);
                c.waiting = false;
                let q = c.queue;
                self.change_waiting(q, time, -1);
            }
            Trace::Requeued { time, id, agent } => {
                let c = self.convs.get_mut(&id).unwrap();
                c.requeues += 1;
                c.agent = None;
                c.requeued_at = time;
                let q = c.queue;
                self.change_load(agent, q, time, -1);
                self.pending = Some((id, time));
            }
            Trace::Completed { time, id, agent } => {
                let c = self.convs.get_mut(&id).unwrap();
                c.completed = true;
                c.agent = None;
                c.work = time - c.last_assigned;
                c.completed_by = Some(agent);
                let q = c.queue;
                self.change_load(agent, q, time, -1);
            }
            Trace::Status { time, agent, status } => self.status[agent].push((time, status)),
        }
    }

    fn counted(&self, c: &Conv) -> bool {
        c.arrival >= self.sc.warmup
    }

    /// Integral over [from, to) of a step function given as (time, value) changes.
    fn integral<T: Copy>(steps: &[(f64, T)], from: f64, to: f64, f: impl Fn(T) -> f64) -> f64 {
        let mut sum = 0.0;
        for (i, &(t, v)) in steps.iter().enumerate() {
            let end = steps.get(i + 1).map_or(f64::INFINITY, |s| s.0);
            let (a, b) = (t.max(from), end.min(to));
            if b > a {
                sum += f(v) * (b - a);
            }
        }
        sum
    }

    fn kind(&self, s: StatusId) -> StatusKind {
        self.sc.statuses[s].kind
    }

    /// Agent `a`'s seconds in [from, to), each weighted by `f(status kind,
    /// status, what it holds)`.
    fn agent_time(
        &self,
        a: AgentId,
        from: f64,
        to: f64,
        f: impl Fn(StatusKind, StatusId, Load) -> f64,
    ) -> f64 {
        // Merge the status and load step functions.
        let mut times: Vec<f64> =
            self.status[a].iter().map(|s| s.0).chain(self.load[a].iter().map(|l| l.0)).collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let at = |steps: &[(f64, StatusId)], t: f64| steps.iter().rev().find(|s| s.0 <= t).unwrap().1;
        let load_at = |t: f64| self.load[a].iter().rev().find(|s| s.0 <= t).unwrap().1;
        let mut sum = 0.0;
        for (i, &t) in times.iter().enumerate() {
            let end = times.get(i + 1).copied().unwrap_or(f64::INFINITY);
            let (x, y) = (t.max(from), end.min(to));
            if y > x {
                let s = at(&self.status[a], t);
                sum += f(self.kind(s), s, load_at(t)) * (y - x);
            }
        }
        sum
    }

    fn team_agents(&self, teams: &[TeamId]) -> Vec<AgentId> {
        self.team_of.keys().filter(|&a| teams.contains(&self.team_of[a])).collect()
    }

    /// Summary value of `metric` for scope (kind, index), as docs/model.md defines it.
    fn summary(&self, kind: &str, index: usize, metric: &str) -> f64 {
        let sc = self.sc;
        let teams: Vec<TeamId> = match kind {
            "total" => sc.teams.keys().collect(),
            "queue" => sc.teams_serving(QueueId::from(index)).collect(),
            _ => vec![TeamId::from(index)],
        };
        let agents = self.team_agents(&teams);
        let (from, to) = (sc.warmup, sc.horizon);
        let agent_sum = |f: &dyn Fn(StatusKind, StatusId, Load) -> f64| -> f64 {
            agents.iter().map(|&a| self.agent_time(a, from, to, f)).sum()
        };
        let capacity = |a: AgentId| f64::from(sc.teams[self.team_of[a]].capacity);
        let productive = |k: StatusKind| matches!(k, StatusKind::Available | StatusKind::Busy);
        match metric {
            "occupancy" => {
                agent_sum(&|k, _, l| f64::from(u8::from(productive(k) && l.open > 0)))
                    / agent_sum(&|k, _, _| f64::from(u8::from(productive(k))))
            }
            "capacity_utilisation" => {
                agent_sum(&|k, _, l| if productive(k) { f64::from(l.units) } else { 0.0 })
                    / agents
                        .iter()
                        .map(|&a| {
                            capacity(a)
                                * self.agent_time(a, from, to, |k, _, _| f64::from(u8::from(productive(k))))
                        })
                        .sum::<f64>()
            }
            "shrinkage" => {
                agent_sum(&|k, _, _| f64::from(u8::from(k == StatusKind::Unavailable)))
                    / agent_sum(&|k, _, _| f64::from(u8::from(k != StatusKind::Offline)))
            }
            "logged_in" => agent_sum(&|k, _, _| f64::from(u8::from(k != StatusKind::Offline))),
            _ => {
                let convs: Vec<&Conv> = self
                    .convs
                    .values()
                    .filter(|c| self.counted(c))
                    .filter(|c| match kind {
                        "total" => true,
                        "queue" => c.queue == QueueId::from(index),
                        // A team's answers are first assignments to it; its handle time
                        // is over the conversations it completed (filtered below).
                        _ => {
                            let team = TeamId::from(index);
                            c.answered_by.is_some_and(|a| self.team_of[a] == team)
                                || c.completed_by.is_some_and(|a| self.team_of[a] == team)
                        }
                    })
                    .collect();
                self.conversation_metric(&convs, kind, index, metric)
            }
        }
    }

    fn conversation_metric(&self, convs: &[&Conv], kind: &str, index: usize, metric: &str) -> f64 {
        let sc = self.sc;
        let threshold = |c: &Conv| sc.queues[c.queue].sl_threshold;
        let wait = |c: &Conv| c.answered_at.unwrap() - c.arrival;
        let answered: Vec<&&Conv> = convs.iter().filter(|c| c.answered_at.is_some()).collect();
        let abandoned: Vec<&&Conv> = convs.iter().filter(|c| c.abandoned_at.is_some()).collect();
        let unresolved = convs.iter().filter(|c| c.answered_at.is_none() && c.abandoned_at.is_none()).count();
        let within = answered.iter().filter(|c| wait(c) <= threshold(c)).count();
        let long_abandons = abandoned
            .iter()
            .filter(|c| c.abandoned_at.unwrap() - c.arrival >= sc.metrics.short_abandon)
            .count();
        let n = |x: usize| x as f64;
        let sl = n(within) / n(answered.len() + abandoned.len() + unresolved);
        let mut waits: Vec<f64> = answered.iter().map(|c| wait(c)).collect();
        waits.sort_by(f64::total_cmp);
        let quantile = |p: f64| waits[((p * n(waits.len())).ceil() as usize).max(1) - 1];
        let completed: Vec<&&Conv> = convs
            .iter()
            .filter(|c| c.completed)
            .filter(|c| kind != "team" || c.completed_by.is_some_and(|a| self.team_of[a].index() == index))
            .collect();
        match metric {
            "offered" => n(convs.len()),
            "answered" => n(answered
                .iter()
                .filter(|c| kind != "team" || c.answered_by.is_some_and(|a| self.team_of[a].index() == index))
                .count()),
            "abandoned" => n(abandoned.len()),
            "requeued" => convs.iter().map(|c| c.requeues as f64).sum(),
            "stranded" => n(convs
                .iter()
                .filter(|c| {
                    // Still held by an agent who is Offline when the run ends.
                    c.agent
                        .is_some_and(|a| self.kind(self.status[a].last().unwrap().1) == StatusKind::Offline)
                })
                .count()),
            "unresolved" => n(unresolved),
            "service_level" => sl,
            "sl_target" => sc.queues[QueueId::from(index)].sl_target,
            "target_met" => f64::from(u8::from(sl >= sc.queues[QueueId::from(index)].sl_target)),
            "asa" => waits.iter().sum::<f64>() / n(waits.len()),
            "wait_p50" => quantile(0.5),
            "wait_p90" => quantile(0.9),
            "wait_p99" => quantile(0.99),
            "abandon_rate" => n(long_abandons) / n(answered.len() + long_abandons),
            "queue_avg" => {
                let queues: Vec<QueueId> =
                    if kind == "total" { sc.queues.keys().collect() } else { vec![QueueId::from(index)] };
                let area: f64 = queues
                    .iter()
                    .map(|&q| Ledger::integral(&self.waiting[q], sc.warmup, sc.horizon, f64::from))
                    .sum();
                area / (sc.horizon - sc.warmup)
            }
            "aht" => completed.iter().map(|c| c.work).sum::<f64>() / n(completed.len()),
            "offers" => convs.iter().map(|c| c.offers as f64).sum(),
            "missed_offers" => convs.iter().map(|c| c.missed as f64).sum(),
            "accept_wait" => {
                convs.iter().map(|c| c.accept_wait).sum::<f64>()
                    / convs.iter().map(|c| c.accepted as f64).sum::<f64>()
            }
            other => panic!("no ledger formula for {other}"),
        }
    }
}

/// A CSV file as a header and rows of named fields.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_owned).collect();
        let rows = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    fn get(&self, row: &[String], name: &str) -> String {
        row[self.col(name)].clone()
    }

    fn num(&self, row: &[String], name: &str) -> f64 {
        let cell = self.get(row, name);
        if cell.is_empty() {
            f64::NAN
        } else {
            cell.parse().unwrap_or_else(|e| panic!("{name} {cell:?}: {e}"))
        }
    }
}

/// Same number, up to the files' 6-decimal rounding (and the histogram's
/// 3 significant digits for wait percentiles); NaN matches an empty field.
fn close(got: f64, want: f64, rel: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= 1e-6 + rel * want.abs()
}

fn run_ledger_scenario() -> (tempfile::TempDir, Scenario, Vec<Ledger<'static>>) {
    run_ledger(SCENARIO)
}

/// Runs `routesim run` on `text` into a temporary folder, and the ledger of each replication.
fn run_ledger(text: &'static str) -> (tempfile::TempDir, Scenario, Vec<Ledger<'static>>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(["run", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    let sc: &'static Scenario =
        Box::leak(Box::new(routesim::scenario::parse(text, "ledger.toml", "ledger", &[]).unwrap()));
    let ledgers = (0..sc.replications).map(|r| Ledger::of(sc, r)).collect();
    (dir, sc.clone(), ledgers)
}

/// summary.csv and replications.csv: every (scope, metric) row against the
/// ledger of each replication, by name.
#[test]
fn every_summary_and_replication_value_matches_an_independent_account() {
    let mut checked = std::collections::BTreeSet::new();
    for text in [SCENARIO, SCENARIO_OFFERS] {
        checked.extend(summary_and_replications_match_the_ledger(text));
    }
    let names: std::collections::BTreeSet<String> =
        routesim::stats::Metric::ALL.iter().map(|m| m.name().to_owned()).collect();
    assert_eq!(checked, names, "every metric is checked");
}

/// Checks summary.csv and replications.csv of a run of `text` against its
/// ledgers; returns the metrics it checked.
fn summary_and_replications_match_the_ledger(text: &'static str) -> std::collections::BTreeSet<String> {
    let (dir, sc, ledgers) = run_ledger(text);
    let out = dir.path().join("out");
    let scope_index = |kind: &str, name: &str| match kind {
        "total" => 0,
        "queue" => sc.queues.iter().position(|q| q.name == name).unwrap(),
        _ => sc.teams.iter().position(|t| t.name == name).unwrap(),
    };
    let reps = Csv::read(&out.join("replications.csv"));
    let mut checked = std::collections::BTreeSet::new();
    for row in &reps.rows {
        let (r, kind, name, metric) = (
            reps.num(row, "replication") as usize,
            reps.get(row, "scope"),
            reps.get(row, "name"),
            reps.get(row, "metric"),
        );
        let want = ledgers[r].summary(&kind, scope_index(&kind, &name), &metric);
        let rel = if metric.starts_with("wait_p") { 1e-3 } else { 1e-9 };
        assert!(
            close(reps.num(row, "value"), want, rel),
            "replication {r} {kind} {name} {metric}: file {} vs ledger {want}",
            reps.get(row, "value")
        );
        checked.insert(metric);
    }
    let summary = Csv::read(&out.join("summary.csv"));
    for row in &summary.rows {
        let (kind, name, metric) =
            (summary.get(row, "scope"), summary.get(row, "name"), summary.get(row, "metric"));
        let values: Vec<f64> =
            ledgers.iter().map(|l| l.summary(&kind, scope_index(&kind, &name), &metric)).collect();
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        assert_eq!(summary.num(row, "replications"), finite.len() as f64, "{kind} {name} {metric}");
        if metric.starts_with("wait_p") {
            continue; // pooled over replications: checked below
        }
        let want =
            if finite.is_empty() { f64::NAN } else { finite.iter().sum::<f64>() / finite.len() as f64 };
        assert!(
            close(summary.num(row, "mean"), want, 1e-9),
            "{kind} {name} {metric}: file {} vs ledger {want}",
            summary.get(row, "mean")
        );
    }
    // Pooled percentiles: the quantile of every replication's waits together.
    let scopes =
        std::iter::once(("total", "all")).chain(sc.queues.iter().map(|q| ("queue", q.name.as_str())));
    for (kind, name) in scopes {
        let mut waits: Vec<f64> = ledgers
            .iter()
            .flat_map(|l| {
                l.convs
                    .values()
                    .filter(|c| l.counted(c) && c.answered_at.is_some())
                    .filter(|c| kind == "total" || sc.queues[c.queue].name == name)
                    .map(|c| c.answered_at.unwrap() - c.arrival)
                    .collect::<Vec<_>>()
            })
            .collect();
        waits.sort_by(f64::total_cmp);
        for (metric, p) in [("wait_p50", 0.5), ("wait_p90", 0.9), ("wait_p99", 0.99)] {
            let want = waits[((p * waits.len() as f64).ceil() as usize).max(1) - 1];
            let row = summary
                .rows
                .iter()
                .find(|r| {
                    summary.get(r, "scope") == kind
                        && summary.get(r, "name") == name
                        && summary.get(r, "metric") == metric
                })
                .unwrap();
            assert!(
                close(summary.num(row, "mean"), want, 1e-3),
                "{kind} {name} {metric}: {} vs {want}",
                summary.get(row, "mean")
            );
        }
    }
    checked
}

/// intervals.csv and statuses.csv: every column of every row against the
/// ledger, by name (counts are means per replication, rates pool both).
#[test]
fn every_interval_and_status_column_matches_an_independent_account() {
    for text in [SCENARIO, SCENARIO_OFFERS] {
        intervals_and_statuses_match_the_ledger(text);
    }
}

/// Checks intervals.csv and statuses.csv of a run of `text` against its ledgers.
fn intervals_and_statuses_match_the_ledger(text: &'static str) {
    let (dir, sc, ledgers) = run_ledger(text);
    let out = dir.path().join("out");
    let csv = Csv::read(&out.join("intervals.csv"));
    assert_eq!(csv.header, routesim::report::INTERVALS_HEADER);
    let reps = ledgers.len() as f64;
    let mut columns_checked = std::collections::BTreeSet::new();
    let mut checked_by_hand: Vec<&str> = Vec::new();
    let mut check = |row: &[String], name: &str, want: f64, rel: f64| {
        let got = csv.num(row, name);
        assert!(
            close(got, want, rel),
            "interval {} {} {name}: file {got} vs ledger {want}",
            csv.get(row, "interval"),
            csv.get(row, "name")
        );
        columns_checked.insert(name.to_owned());
    };
    for row in &csv.rows {
        let i = csv.num(row, "interval") as usize;
        let (from, len) = (i as f64 * sc.interval, sc.interval.min(sc.horizon - i as f64 * sc.interval));
        let to = from + len;
        check(row, "start_seconds", from, 0.0);
        check(row, "length_seconds", len, 0.0);
        assert_eq!(csv.get(row, "warmup"), (from < sc.warmup).to_string());
        let (day, clock) = routesim::format::day_clock(from);
        assert_eq!((csv.get(row, "day"), csv.get(row, "start")), (day.to_string(), clock));
        assert_eq!(csv.num(row, "replications"), f64::from(sc.replications));
        let name = csv.get(row, "name");
        if csv.get(row, "scope") == "queue" {
            let q = sc.queues.position(|x| x.name == name).unwrap();
            let convs: Vec<&Conv> = ledgers
                .iter()
                .flat_map(|l| {
                    l.convs.values().filter(|c| c.queue == q && c.arrival >= from && c.arrival < to)
                })
                .collect();
            let per = |x: usize| x as f64 / reps;
            let answered: Vec<&&Conv> = convs.iter().filter(|c| c.answered_at.is_some()).collect();
            let abandoned: Vec<&&Conv> = convs.iter().filter(|c| c.abandoned_at.is_some()).collect();
            let unresolved = convs.len() - answered.len() - abandoned.len();
            let wait = |c: &Conv| c.answered_at.unwrap() - c.arrival;
            let within = answered.iter().filter(|c| wait(c) <= sc.queues[q].sl_threshold).count();
            let long = abandoned
                .iter()
                .filter(|c| c.abandoned_at.unwrap() - c.arrival >= sc.metrics.short_abandon)
                .count();
            let sl = within as f64 / (answered.len() + abandoned.len() + unresolved) as f64;
            check(row, "offered_count", per(convs.len()), 0.0);
            check(row, "answered_count", per(answered.len()), 0.0);
            check(row, "abandoned_count", per(abandoned.len()), 0.0);
            check(row, "unresolved_count", per(unresolved), 0.0);
            check(row, "service_level_fraction", sl, 1e-9);
            check(row, "sl_threshold_seconds", sc.queues[q].sl_threshold, 0.0);
            check(row, "sl_target_fraction", sc.queues[q].sl_target, 0.0);
            let met = if sl.is_nan() { String::new() } else { (sl >= sc.queues[q].sl_target).to_string() };
            assert_eq!(csv.get(row, "target_met"), met);
            // Folded in whole milliseconds per replication.
            check(
                row,
                "asa_seconds",
                answered.iter().map(|c| wait(c)).sum::<f64>() / answered.len() as f64,
                1e-6,
            );
            check(row, "abandon_rate_fraction", long as f64 / (answered.len() + long) as f64, 1e-9);
            let area: f64 =
                ledgers.iter().map(|l| Ledger::integral(&l.waiting[q], from, to, f64::from)).sum();
            check(row, "queue_avg_count", area / reps / len, 1e-6);
            let max: f64 = ledgers
                .iter()
                .map(|l| {
                    let steps = &l.waiting[q];
                    // Counted as the interval opens, before anything else at that instant.
                    let start = steps.iter().rev().find(|s| s.0 < from).map_or(0, |s| s.1);
                    let inside =
                        steps.iter().filter(|s| s.0 >= from && s.0 < to).map(|s| s.1).max().unwrap_or(0);
                    f64::from(start.max(inside))
                })
                .sum();
            check(row, "queue_max_count", max / reps, 0.0);
            let teams: Vec<TeamId> = sc.teams_serving(q).collect();
            check(row, "occupancy_fraction", occupancy(&ledgers, &teams, from, to), 1e-6);
            // The ratio estimator's interval from each replication's (within, denominator).
            let parts: Vec<(f64, f64)> = ledgers
                .iter()
                .map(|l| {
                    let mine: Vec<&Conv> = l
                        .convs
                        .values()
                        .filter(|c| c.queue == q && c.arrival >= from && c.arrival < to)
                        .collect();
                    let x = mine
                        .iter()
                        .filter(|c| c.answered_at.is_some_and(|t| t - c.arrival <= sc.queues[q].sl_threshold))
                        .count();
                    (x as f64, mine.len() as f64)
                })
                .collect();
            let (sx, sy) = parts.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
            let (lo, hi) = if sy > 0.0 {
                let r = sx / sy;
                let resid: f64 = parts.iter().map(|(x, y)| (x - r * y).powi(2)).sum();
                let se = (resid / (reps * (reps - 1.0))).sqrt() / (sy / reps);
                let t = {
                    use statrs::distribution::{ContinuousCDF, StudentsT};
                    StudentsT::new(0.0, 1.0, reps - 1.0).unwrap().inverse_cdf(0.975)
                };
                let half = t * se;
                ((r - half).clamp(0.0, 1.0), (r + half).clamp(0.0, 1.0))
            } else {
                (f64::NAN, f64::NAN)
            };
            check(row, "service_level_ci95_low", lo, 1e-9);
            check(row, "service_level_ci95_high", hi, 1e-9);
            checked_by_hand.push("target_met");
        } else {
            let t = sc.teams.position(|x| x.name == name).unwrap();
            let sum = |f: &dyn Fn(StatusKind, Load, u32) -> f64| -> f64 {
                ledgers
                    .iter()
                    .map(|l| {
                        l.team_agents(&[t])
                            .into_iter()
                            .map(|a| l.agent_time(a, from, to, |k, _, u| f(k, u, sc.teams[t].capacity)))
                            .sum::<f64>()
                    })
                    .sum::<f64>()
                    / reps
            };
            let avail = |k: StatusKind| k == StatusKind::Available;
            check(
                row,
                "agents_logged_in",
                sum(&|k, _, _| f64::from(u8::from(k != StatusKind::Offline))) / len,
                1e-6,
            );
            check(
                row,
                "agent_seconds_logged_in",
                sum(&|k, _, _| f64::from(u8::from(k != StatusKind::Offline))),
                1e-6,
            );
            check(
                row,
                "agents_available_spare",
                // Room for more, and no offer standing (§R13): in the routing pool.
                sum(&|k, u, c| f64::from(u8::from(avail(k) && u.units < c && u.offer == 0))) / len,
                1e-6,
            );
            check(
                row,
                "agents_available_full",
                sum(&|k, u, c| f64::from(u8::from(avail(k) && (u.units >= c || u.offer > 0)))) / len,
                1e-6,
            );
            check(
                row,
                "agents_unavailable",
                sum(&|k, _, _| f64::from(u8::from(k == StatusKind::Unavailable))) / len,
                1e-6,
            );
            check(row, "occupancy_fraction", occupancy(&ledgers, &[t], from, to), 1e-6);
        }
    }
    // Checked above by hand (interval is the row's key, start_seconds its start).
    let skipped: Vec<&str> = ["interval", "day", "start", "warmup", "scope", "name", "replications"].into();
    columns_checked.extend(checked_by_hand.iter().map(|s| (*s).to_owned()));
    for h in &csv.header {
        assert!(
            columns_checked.contains(h) || skipped.contains(&h.as_str()),
            "intervals.csv column {h} is not checked"
        );
    }

    let statuses = Csv::read(&out.join("statuses.csv"));
    assert_eq!(statuses.rows.len(), sc.interval_count() * sc.teams.len() * sc.statuses.len());
    for row in &statuses.rows {
        let i = statuses.num(row, "interval") as usize;
        let (from, to) = (i as f64 * sc.interval, ((i + 1) as f64 * sc.interval).min(sc.horizon));
        let t = sc.teams.position(|x| x.name == statuses.get(row, "team")).unwrap();
        let s = sc.statuses.position(|x| x.name == statuses.get(row, "status")).unwrap();
        let want: f64 = ledgers
            .iter()
            .map(|l| {
                l.team_agents(&[t])
                    .into_iter()
                    .map(|a| l.agent_time(a, from, to, |_, st, _| f64::from(u8::from(st == s))))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / reps;
        let got = statuses.num(row, "agent_seconds");
        // Agent time is folded in whole milliseconds per replication.
        assert!((got - want).abs() <= 1e-3, "statuses {i} {t} {s}: {got} vs {want}");
        let (day, clock) = routesim::format::day_clock(from);
        assert_eq!((statuses.get(row, "day"), statuses.get(row, "start")), (day.to_string(), clock));
    }
}

fn occupancy(ledgers: &[Ledger], teams: &[TeamId], from: f64, to: f64) -> f64 {
    let productive = |k: StatusKind| matches!(k, StatusKind::Available | StatusKind::Busy);
    let (mut holding, mut time) = (0.0, 0.0);
    for l in ledgers {
        for a in l.team_agents(teams) {
            holding += l.agent_time(a, from, to, |k, _, l| f64::from(u8::from(productive(k) && l.open > 0)));
            time += l.agent_time(a, from, to, |k, _, _| f64::from(u8::from(productive(k))));
        }
    }
    holding / time
}

/// The ledger is not vacuous: the scenario exercises every outcome.
#[test]
fn the_ledger_scenario_exercises_every_outcome() {
    let (_dir, _sc, ledgers) = run_ledger_scenario();
    let all: Vec<&Conv> = ledgers.iter().flat_map(|l| l.convs.values()).collect();
    assert!(all.iter().any(|c| c.abandoned_at.is_some()), "no abandons");
    assert!(all.iter().any(|c| c.requeues > 0), "no requeues");
    assert!(all.iter().any(|c| c.agent.is_some() && !c.completed), "nothing stranded");
    assert!(
        all.iter().any(|c| c.answered_at.is_some_and(|t| t >= 4.0 * 3600.0)),
        "nothing answered in the drain"
    );
}

/// sweep.csv (docs/model.md §11.8): the varied key's column and every
/// summary column of every variant against the ledger of that variant's
/// scenario, by name: mean, ci95_low, ci95_high (Student t over the
/// replications, clipped to the unit's range; the wait percentiles pool
/// the replications' waits), replications.
#[test]
fn every_sweep_value_matches_an_independent_account() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let out = dir.path().join("sweep");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(["sweep", file.to_str().unwrap(), "--vary", "agents.backoffice.count=1,3"])
        .args(["--out", out.to_str().unwrap(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    let sweep = Csv::read(&out.join("sweep.csv"));
    let key = "agents.backoffice.count";
    assert_eq!(sweep.col(key), 0, "the varied key is the first column");
    let mut checked = std::collections::BTreeSet::new();
    for value in ["1", "3"] {
        let set = vec![format!("{key}={value}")];
        let sc: &'static Scenario =
            Box::leak(Box::new(routesim::scenario::parse(SCENARIO, "ledger.toml", "ledger", &set).unwrap()));
        let ledgers: Vec<Ledger> = (0..sc.replications).map(|r| Ledger::of(sc, r)).collect();
        let rows: Vec<&Vec<String>> = sweep.rows.iter().filter(|r| sweep.get(r, key) == value).collect();
        assert_eq!(rows.len(), routesim::stats::layout(sc).len(), "variant {value}: one row per summary row");
        for row in rows {
            let (kind, name, metric) =
                (sweep.get(row, "scope"), sweep.get(row, "name"), sweep.get(row, "metric"));
            let index = match kind.as_str() {
                "total" => 0,
                "queue" => sc.queues.iter().position(|q| q.name == name).unwrap(),
                _ => sc.teams.iter().position(|t| t.name == name).unwrap(),
            };
            let values: Vec<f64> = ledgers.iter().map(|l| l.summary(&kind, index, &metric)).collect();
            let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            let what = format!("variant {value} {kind} {name} {metric}");
            assert_eq!(sweep.num(row, "replications"), finite.len() as f64, "{what}");
            let unit = sweep.get(row, "unit");
            if let Some(p) = metric.strip_prefix("wait_p") {
                let p: f64 = p.parse::<f64>().unwrap() / 100.0;
                let mut waits: Vec<f64> = ledgers
                    .iter()
                    .flat_map(|l| {
                        l.convs
                            .values()
                            .filter(|c| l.counted(c) && c.answered_at.is_some())
                            .filter(|c| kind == "total" || sc.queues[c.queue].name == name)
                            .map(|c| c.answered_at.unwrap() - c.arrival)
                            .collect::<Vec<_>>()
                    })
                    .collect();
                waits.sort_by(f64::total_cmp);
                let want = waits[((p * waits.len() as f64).ceil() as usize).max(1) - 1];
                assert!(
                    close(sweep.num(row, "mean"), want, 1e-3),
                    "{what}: {} vs {want}",
                    sweep.get(row, "mean")
                );
                // Sectioning interval from the sections: it must hold the pooled percentile.
                let (lo, hi) = (sweep.num(row, "ci95_low"), sweep.num(row, "ci95_high"));
                assert!(
                    lo <= want * 1.001 + 1e-6 && want <= hi * 1.001 + 1e-6,
                    "{what}: [{lo}, {hi}] vs {want}"
                );
                checked.insert(metric.clone());
                continue;
            }
            let n = finite.len() as f64;
            let mean = finite.iter().sum::<f64>() / n;
            let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let t = {
                use statrs::distribution::{ContinuousCDF, StudentsT};
                StudentsT::new(0.0, 1.0, n - 1.0).unwrap().inverse_cdf(0.975)
            };
            let half = t * (var / n).sqrt();
            let max = if unit == "fraction" { 1.0 } else { f64::INFINITY };
            let (low, high) = ((mean - half).clamp(0.0, max), (mean + half).clamp(0.0, max));
            for (column, want) in [("mean", mean), ("ci95_low", low), ("ci95_high", high)] {
                assert!(
                    close(sweep.num(row, column), want, 1e-6),
                    "{what} {column}: file {} vs ledger {want}",
                    sweep.get(row, column)
                );
            }
            checked.insert(metric);
        }
    }
    // The ledger scenario has no offers, so the accept-mode metrics are not in its files.
    let names: std::collections::BTreeSet<String> = routesim::stats::Metric::ALL
        .iter()
        .filter(|m| !m.needs_offers())
        .map(|m| m.name().to_owned())
        .collect();
    assert_eq!(checked, names, "every metric is checked");
}

/// staffing.csv (`routesim staff`): every column is checked by name in
/// `staff::staffing_csv_columns_match_a_run_of_the_staffed_scenario`, against
/// summary.json and the intervals.csv of a run of the folder's scenario.toml.
#[test]
fn staffing_csv_columns_are_all_in_the_ledger() {
    let header: Vec<&str> = routesim::staffing::output::STAFFING_HEADER.split(',').collect();
    assert_eq!(header, super::staff::CHECKED);
}

/// staffing.csv of the whole-team form (`routesim staff` without
/// `--group`): every column is checked by name in
/// `team::the_week_is_staffed_per_team_and_half_hour` (the calendar's
/// `date` and `weekday` ahead of the file's own, the week being dated).
#[test]
fn team_staffing_csv_columns_are_all_in_the_ledger() {
    let mut header = vec!["date", "weekday"];
    header.extend(routesim::rows::TEAM_STAFFING_HEADER.split(','));
    assert_eq!(header, super::team::TEAM_COLUMNS);
}

/// waits.csv (docs/model.md §11.9): for the total and each queue, on the
/// grid (every point of `WAIT_GRID` up to the first at or past the longest
/// wait, and each queue's threshold), the share of counted answered
/// conversations of all replications that waited at most that long, up to
/// the histogram's 0.1% bucket width and the millisecond rounding.
#[test]
fn every_wait_distribution_point_matches_an_independent_account() {
    let (dir, sc, ledgers) = run_ledger_scenario();
    let waits = Csv::read(&dir.path().join("out/waits.csv"));
    assert_eq!(waits.header, routesim::report::WAITS_HEADER);
    let answered = |queue: Option<QueueId>| -> Vec<f64> {
        let mut w: Vec<f64> = ledgers
            .iter()
            .flat_map(|l| l.convs.values().filter(|c| l.counted(c)))
            .filter(|c| queue.is_none_or(|q| c.queue == q))
            .filter_map(|c| c.answered_at.map(|t| t - c.arrival))
            .collect();
        w.sort_by(f64::total_cmp);
        w
    };
    let all = answered(None);
    let longest = all.last().copied().unwrap();
    let last = routesim::replicate::WAIT_GRID.iter().position(|&w| w >= longest - 0.001).unwrap();
    let mut grid: Vec<f64> = routesim::replicate::WAIT_GRID[..=last].to_vec();
    grid.extend(sc.queues.iter().map(|q| q.sl_threshold));
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let scopes: Vec<(String, String, Option<QueueId>)> =
        std::iter::once(("total".into(), "all".into(), None))
            .chain(sc.queues.iter_enumerated().map(|(q, x)| ("queue".into(), x.name.clone(), Some(q))))
            .collect();
    assert_eq!(waits.rows.len(), scopes.len() * grid.len());
    let mut rows = waits.rows.iter();
    for (scope, name, queue) in &scopes {
        let w = answered(*queue);
        let n = w.len() as f64;
        for &at in &grid {
            let row = rows.next().unwrap();
            assert_eq!((&waits.get(row, "scope"), &waits.get(row, "name")), (scope, name));
            assert_eq!(waits.num(row, "wait_seconds"), at);
            let got = waits.num(row, "cumulative_fraction");
            let lo = w.iter().filter(|&&x| x <= at - 0.001).count() as f64 / n;
            let hi = w.iter().filter(|&&x| x <= at * 1.001 + 0.001).count() as f64 / n;
            assert!(
                got >= lo - 1e-6 && got <= hi + 1e-6,
                "waits {scope} {name} {at}: {got} not in [{lo}, {hi}]"
            );
        }
    }
}

/// erlang.csv and erlang.json (`routesim erlang --out`, docs/model.md
/// §11.10): every erlang.csv column is the `--json` line's key of the same
/// name, row for row; erlang.json's numbers are the printed answer's.
#[test]
fn erlang_csv_and_json_match_the_printed_answer() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "erlang",
        "--rate",
        "200",
        "--aht",
        "5m",
        "--patience",
        "3m",
        "--agents",
        "15..17",
        "--target",
        "service_level>=0.8",
    ];
    let routesim = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
            .args(args)
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json = routesim(&["--json"]);
    let text = routesim(&["--out", "out"]);
    let csv = Csv::read(&dir.path().join("out/erlang.csv"));
    assert_eq!(csv.header, routesim::plot::ERLANG_HEADER);
    let lines: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(csv.rows.len(), lines.len());
    for (row, line) in csv.rows.iter().zip(&lines) {
        for col in routesim::plot::ERLANG_HEADER {
            let want = line[col].as_f64().unwrap_or(f64::NAN);
            assert!(close(csv.num(row, col), want, 1e-5), "{col}: {} against {want}", csv.get(row, col));
        }
    }
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/erlang.json")).unwrap()).unwrap();
    assert!(close(info["offered_erlangs"].as_f64().unwrap(), 200.0 / 3600.0 * 300.0, 1e-12));
    let fewest = info["fewest_agents"].as_u64().unwrap();
    assert!(text.contains(&format!("fewest agents meeting service_level>=0.8: {fewest}\n")), "{text}");
    let fractional = info["fractional_agents"].as_f64().unwrap();
    assert!(text.contains(&format!("fractional agents: {fractional:.2} ")), "{text}");
    assert_eq!(info["targets"], serde_json::json!(["service_level>=0.8"]));
    assert_eq!(info["formula"], "Erlang A");
    assert!(text.starts_with(info["inputs"].as_str().unwrap()), "{text}");
}
