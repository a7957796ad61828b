//! Per-replication measurement in streaming form: counters, sums and one
//! fixed-size wait histogram per queue (and one for their total when there
//! are several queues), so memory does not grow with the horizon (only
//! per-interval rows do). [`Tally`] is filled by the engine;
//! [`Tally::summary_values`] turns it into the summary metrics that
//! [`crate::replicate`] aggregates across replications.

use hdrhistogram::Histogram;

use crate::model::{Scenario, SlFormula, StatusKind};

/// Counts and sums for one queue over the counted window.
#[derive(Debug, Clone)]
pub struct QueueTally {
    /// Conversations that arrived (after warm-up).
    pub offered: u64,
    /// First assignments.
    pub answered: u64,
    /// Answered with wait ≤ the queue's threshold.
    pub answered_within: u64,
    /// Abandoned while waiting.
    pub abandoned: u64,
    /// Abandoned with wait ≤ the threshold.
    pub abandoned_within: u64,
    /// Abandoned with wait < the short-abandon threshold.
    pub abandoned_short: u64,
    /// Requeue events (agent went Offline with the conversation open).
    pub requeued: u64,
    /// Left with an Offline agent at the horizon.
    pub stranded: u64,
    /// Still waiting, never answered, at the horizon.
    pub unresolved: u64,
    /// Sum of waits of answered conversations, seconds.
    pub wait_sum: f64,
    /// Conversations whose handle time and wrap-up completed.
    pub completed: u64,
    /// Sum of handle plus wrap-up of completed conversations, seconds.
    pub work_sum: f64,
    /// Waits of answered conversations, milliseconds.
    pub waits: Histogram<u64>,
}

impl QueueTally {
    /// Nothing counted; waits up to `max_ms` milliseconds.
    fn empty(max_ms: u64) -> QueueTally {
        QueueTally {
            offered: 0,
            answered: 0,
            answered_within: 0,
            abandoned: 0,
            abandoned_within: 0,
            abandoned_short: 0,
            requeued: 0,
            stranded: 0,
            unresolved: 0,
            wait_sum: 0.0,
            completed: 0,
            work_sum: 0.0,
            waits: Histogram::new_with_bounds(1, max_ms, 3)
                .expect("bounds 1..max_ms with 3 digits are valid"),
        }
    }

    /// Back to nothing counted, keeping the histogram's buckets.
    fn clear(&mut self) {
        // Exhaustive, so a new field cannot be forgotten here.
        let QueueTally {
            offered,
            answered,
            answered_within,
            abandoned,
            abandoned_within,
            abandoned_short,
            requeued,
            stranded,
            unresolved,
            wait_sum,
            completed,
            work_sum,
            waits,
        } = self;
        for n in [offered, answered, answered_within, abandoned, abandoned_within, abandoned_short] {
            *n = 0;
        }
        for n in [requeued, stranded, unresolved, completed] {
            *n = 0;
        }
        *wait_sum = 0.0;
        *work_sum = 0.0;
        // A reset writes every bucket: skip it when there is nothing to undo.
        if !waits.is_empty() {
            waits.reset();
        }
    }

    /// Adds another queue's tally (for the total scope).
    fn add(&mut self, q: &QueueTally) {
        self.offered += q.offered;
        self.answered += q.answered;
        self.answered_within += q.answered_within;
        self.abandoned += q.abandoned;
        self.abandoned_within += q.abandoned_within;
        self.abandoned_short += q.abandoned_short;
        self.requeued += q.requeued;
        self.stranded += q.stranded;
        self.unresolved += q.unresolved;
        self.wait_sum += q.wait_sum;
        self.completed += q.completed;
        self.work_sum += q.work_sum;
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.waits.add(&q.waits);
    }
}

/// Agent time and work for one team over the counted window.
#[derive(Debug, Clone, Default)]
pub struct TeamTally {
    /// Agent-seconds per status (index as in `Scenario::statuses`).
    pub status_secs: Vec<f64>,
    /// Agent-seconds holding at least one conversation while in an available- or busy-type status.
    pub holding_secs: f64,
    /// Capacity units in use × seconds, while in an available- or busy-type status.
    pub units_secs: f64,
    /// Capacity units × seconds in available- or busy-type statuses.
    pub capacity_secs: f64,
    /// Agent-seconds logged in: any status but Offline, plus the Offline
    /// ready delay after login (SPEC rule 3: agents log in Offline).
    pub logged_in_secs: f64,
    /// Conversations answered (first assignment) by the team.
    pub answered: u64,
    /// Conversations completed by the team.
    pub completed: u64,
    /// Sum of handle plus wrap-up of those, seconds.
    pub work_sum: f64,
}

impl TeamTally {
    /// Back to nothing counted, keeping the status buffer.
    fn clear(&mut self) {
        let mut status_secs = std::mem::take(&mut self.status_secs);
        status_secs.fill(0.0);
        *self = TeamTally { status_secs, ..TeamTally::default() };
    }
}

/// One queue during one interval (all arrivals in that interval, warm-up included).
#[derive(Debug, Clone, Copy, Default)]
pub struct IntervalTally {
    /// Arrivals.
    pub offered: u64,
    /// Of those, answered.
    pub answered: u64,
    /// Answered within the threshold.
    pub answered_within: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Abandoned within the threshold.
    pub abandoned_within: u64,
    /// Abandoned before the short-abandon threshold.
    pub abandoned_short: u64,
    /// Sum of waits of answered, seconds.
    pub wait_sum: f64,
    /// Waiting conversations × seconds during the interval.
    pub queue_area: f64,
    /// Most conversations waiting at once during the interval.
    pub queue_max: u64,
}

impl IntervalTally {
    /// Adds another replication's tally of the same interval and queue.
    pub fn add(&mut self, t: &IntervalTally) {
        self.offered += t.offered;
        self.answered += t.answered;
        self.answered_within += t.answered_within;
        self.abandoned += t.abandoned;
        self.abandoned_within += t.abandoned_within;
        self.abandoned_short += t.abandoned_short;
        self.wait_sum += t.wait_sum;
        self.queue_area += t.queue_area;
        self.queue_max += t.queue_max;
    }
}

/// Everything one replication measured.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Per queue, scenario order.
    pub queues: Vec<QueueTally>,
    /// All queues together when there are several (see [`Tally::total`]),
    /// summed by [`Tally::close`] when the replication ends.
    total: Option<QueueTally>,
    /// Per team, scenario order.
    pub teams: Vec<TeamTally>,
    /// Per interval then queue: `intervals[i * queues + q]`.
    pub intervals: Vec<IntervalTally>,
    /// Agent-seconds per interval, team and status: `[(i * teams + t) * statuses + s]`.
    pub interval_status_secs: Vec<f64>,
    /// Agent-seconds logged in per interval and team: `[i * teams + t]`.
    pub interval_logged_in_secs: Vec<f64>,
    n_queues: usize,
    n_teams: usize,
    n_statuses: usize,
}

impl Tally {
    /// Empty tallies sized for `sc`.
    pub fn new(sc: &Scenario) -> Tally {
        let max_ms = ((sc.horizon * 1000.0).ceil() as u64).max(2);
        // Each histogram is made, not cloned: fresh zeroed memory is only
        // paged in where waits land, a clone would copy every bucket.
        let queue = || QueueTally::empty(max_ms);
        let team = TeamTally { status_secs: vec![0.0; sc.statuses.len()], ..TeamTally::default() };
        let n = sc.interval_count();
        Tally {
            queues: (0..sc.queues.len()).map(|_| queue()).collect(),
            // With one queue the total is that queue: no second histogram.
            total: (sc.queues.len() > 1).then(queue),
            teams: vec![team; sc.teams.len()],
            intervals: vec![IntervalTally::default(); n * sc.queues.len()],
            interval_status_secs: vec![0.0; n * sc.teams.len() * sc.statuses.len()],
            interval_logged_in_secs: vec![0.0; n * sc.teams.len()],
            n_queues: sc.queues.len(),
            n_teams: sc.teams.len(),
            n_statuses: sc.statuses.len(),
        }
    }

    /// Empties the tally for another replication of the same scenario,
    /// keeping its buffers: the same as [`Tally::new`], without allocating.
    pub fn clear(&mut self) {
        // Exhaustive, so a new field cannot be forgotten here.
        let Tally {
            queues,
            total,
            teams,
            intervals,
            interval_status_secs,
            interval_logged_in_secs,
            n_queues: _,
            n_teams: _,
            n_statuses: _,
        } = self;
        for q in queues.iter_mut().chain(total) {
            q.clear();
        }
        for t in teams {
            t.clear();
        }
        intervals.fill(IntervalTally::default());
        interval_status_secs.fill(0.0);
        interval_logged_in_secs.fill(0.0);
    }

    /// Sums the queues into [`Tally::total`]. The engine calls it when a
    /// replication ends; call it again after changing `queues` by hand.
    pub fn close(&mut self) {
        if let Some(total) = &mut self.total {
            total.clear();
            for q in &self.queues {
                total.add(q);
            }
        }
    }

    /// All queues together (the total scope): the queue itself when there
    /// is one, else their sum as of the last [`Tally::close`].
    pub fn total(&self) -> &QueueTally {
        match &self.total {
            Some(total) => total,
            None => &self.queues[0],
        }
    }

    /// The tally of queue `q` in interval `i`.
    #[inline]
    pub fn interval_mut(&mut self, i: usize, q: usize) -> &mut IntervalTally {
        &mut self.intervals[i * self.n_queues + q]
    }

    /// Agent-seconds of team `t` in status `s` during interval `i`.
    pub fn status_secs(&self, i: usize, t: usize, s: usize) -> f64 {
        self.interval_status_secs[(i * self.n_teams + t) * self.n_statuses + s]
    }

    /// Adds `secs` of team `t` in status `s` to interval `i` (and to its logged-in time).
    #[inline]
    pub(crate) fn add_status_secs(&mut self, i: usize, t: usize, s: usize, secs: f64, logged_in: bool) {
        self.interval_status_secs[(i * self.n_teams + t) * self.n_statuses + s] += secs;
        if logged_in {
            self.interval_logged_in_secs[i * self.n_teams + t] += secs;
        }
    }

    /// The summary metric values of this replication, in the order of [`summary_layout`].
    pub fn summary_values(&self, sc: &Scenario) -> Vec<f64> {
        let mut out = Vec::new();
        let all_teams: Vec<usize> = (0..sc.teams.len()).collect();
        conversation_metrics(self.total(), sc, &mut out);
        agent_metrics(&all_teams, self, sc, &mut out);
        for (qi, q) in self.queues.iter().enumerate() {
            conversation_metrics(q, sc, &mut out);
            let serving: Vec<usize> = sc.teams_serving(qi).collect();
            agent_metrics(&serving, self, sc, &mut out);
        }
        for (ti, t) in self.teams.iter().enumerate() {
            out.push(t.answered as f64);
            out.push(ratio(t.work_sum, t.completed as f64));
            agent_metrics(&[ti], self, sc, &mut out);
        }
        out
    }
}

/// Which rows a summary holds: (scope, name, metric), in output order.
pub fn summary_layout(sc: &Scenario) -> Vec<(&'static str, String, &'static str)> {
    let mut rows = Vec::new();
    let mut push = |scope: &'static str, name: &str, metrics: &[&'static str]| {
        rows.extend(metrics.iter().map(|m| (scope, name.to_owned(), *m)));
    };
    push("total", "all", &CONVERSATION_METRICS);
    push("total", "all", &AGENT_METRICS);
    for q in &sc.queues {
        push("queue", &q.name, &CONVERSATION_METRICS);
        push("queue", &q.name, &AGENT_METRICS);
    }
    for t in &sc.teams {
        push("team", &t.name, &["answered", "aht"]);
        push("team", &t.name, &AGENT_METRICS);
    }
    rows
}

/// Conversation metrics, in output order.
pub const CONVERSATION_METRICS: [&str; 13] = [
    "offered",
    "answered",
    "abandoned",
    "requeued",
    "stranded",
    "unresolved",
    "service_level",
    "asa",
    "wait_p50",
    "wait_p90",
    "wait_p99",
    "abandon_rate",
    "aht",
];

/// Whether `metric` is a fraction from 0 to 1 (else a count or seconds).
pub fn is_fraction(metric: &str) -> bool {
    matches!(metric, "service_level" | "abandon_rate" | "occupancy" | "capacity_utilisation" | "shrinkage")
}

/// Agent metrics, in output order (for a queue: over the teams serving it).
pub const AGENT_METRICS: [&str; 3] = ["occupancy", "capacity_utilisation", "shrinkage"];

/// `num / den`, or NaN (reported as "no value") when nothing was counted.
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { f64::NAN }
}

/// Service level by the scenario's formula (SPEC section 3).
pub fn service_level(
    f: SlFormula,
    answered_within: u64,
    abandoned_within: u64,
    answered: u64,
    abandoned: u64,
    abandoned_short: u64,
) -> f64 {
    let (aw, bw, a, b, s) = (
        answered_within as f64,
        abandoned_within as f64,
        answered as f64,
        abandoned as f64,
        abandoned_short as f64,
    );
    match f {
        SlFormula::Offered => ratio(aw, a + b),
        SlFormula::Answered => ratio(aw, a),
        SlFormula::ExcludeShort => ratio(aw, a + b - s),
        SlFormula::AbandonsMet => ratio(aw + bw, a + b),
    }
}

/// Abandon rate leaving out short abandons: long abandons / (answered + long abandons).
pub fn abandon_rate(answered: u64, abandoned: u64, abandoned_short: u64) -> f64 {
    let long = (abandoned - abandoned_short) as f64;
    ratio(long, answered as f64 + long)
}

fn conversation_metrics(q: &QueueTally, sc: &Scenario, out: &mut Vec<f64>) {
    let pct = |p: f64| {
        if q.waits.is_empty() { f64::NAN } else { q.waits.value_at_quantile(p) as f64 / 1000.0 }
    };
    out.extend([
        q.offered as f64,
        q.answered as f64,
        q.abandoned as f64,
        q.requeued as f64,
        q.stranded as f64,
        q.unresolved as f64,
        service_level(
            sc.metrics.service_level,
            q.answered_within,
            q.abandoned_within,
            q.answered,
            q.abandoned,
            q.abandoned_short,
        ),
        ratio(q.wait_sum, q.answered as f64),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        abandon_rate(q.answered, q.abandoned, q.abandoned_short),
        ratio(q.work_sum, q.completed as f64),
    ]);
}

fn agent_metrics(teams: &[usize], tally: &Tally, sc: &Scenario, out: &mut Vec<f64>) {
    let (mut holding, mut productive, mut units, mut capacity, mut unavailable, mut logged_in) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for &t in teams {
        let tt = &tally.teams[t];
        holding += tt.holding_secs;
        units += tt.units_secs;
        capacity += tt.capacity_secs;
        logged_in += tt.logged_in_secs;
        for (s, secs) in sc.statuses.iter().zip(&tt.status_secs) {
            match s.kind {
                StatusKind::Available | StatusKind::Busy => productive += secs,
                StatusKind::Unavailable => unavailable += secs,
                StatusKind::Offline => {}
            }
        }
    }
    out.extend([ratio(holding, productive), ratio(units, capacity), ratio(unavailable, logged_in)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_level_formulas_follow_the_spec() {
        // 80 answered (60 within T), 20 abandoned (5 within T, 4 short).
        let f = |f| service_level(f, 60, 5, 80, 20, 4);
        assert_eq!(f(SlFormula::Offered), 0.6);
        assert_eq!(f(SlFormula::Answered), 0.75);
        assert_eq!(f(SlFormula::ExcludeShort), 60.0 / 96.0);
        assert_eq!(f(SlFormula::AbandonsMet), 0.65);
        assert_eq!(abandon_rate(80, 20, 4), 16.0 / 96.0);
        assert!(service_level(SlFormula::Offered, 0, 0, 0, 0, 0).is_nan());
    }
}
