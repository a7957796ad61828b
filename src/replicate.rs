//! Many replications of one scenario, in parallel, folded into [`Results`].
//!
//! Each worker thread records into one [`Tally`] it reuses (clearing it is
//! cheaper than allocating and paging in its wait histograms), and folds it
//! into shared accumulators as soon as the replication ends. Everything
//! folded is an integer (counts, and per-interval time sums in whole
//! micro- or milliseconds) or is stored by replication number, so the result is the
//! same bytes whatever the number of threads or the order replications
//! finish in, and memory does not depend on the replication count beyond
//! the per-replication summary values that `replications.csv` reports.

use std::sync::{Mutex, PoisonError};

use hdrhistogram::Histogram;
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Scenario, StatusKind};
use crate::stats::{self, Counts, Metric, Scope, Tally};
use crate::time::DAY;

/// Most worker threads accepted.
pub const MAX_THREADS: usize = 1024;

/// Most sections the wait percentiles' confidence intervals are taken from.
pub const MAX_SECTIONS: u32 = 10;

/// Everything a run produced, ready for the exporters.
#[derive(Debug, Clone)]
pub struct Results {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Name of the service-level formula (`offered`, `answered`, ...).
    pub sl_formula: &'static str,
    /// Each queue's service-level settings, scenario order.
    pub queues: Vec<QueueSettings>,
    /// Team names, scenario order.
    pub teams: Vec<String>,
    /// Status names, scenario order.
    pub statuses: Vec<String>,
    /// One row per scope and metric (summary.csv).
    pub summary: Vec<SummaryRow>,
    /// Every summary value of every replication: `per_replication[r][row]`,
    /// rows as in `summary` (replications.csv).
    pub per_replication: Vec<Vec<f64>>,
    /// One row per interval and queue (intervals.csv).
    pub intervals: Vec<IntervalRow>,
    /// One row per interval and team (intervals.csv).
    pub team_intervals: Vec<TeamIntervalRow>,
    /// Agent-seconds per replication by interval, team and status
    /// (statuses.csv): `status_secs[(i * teams + t) * statuses + s]`.
    pub status_secs: Vec<f64>,
    /// Reporting interval, seconds.
    pub interval: f64,
    /// Horizon, seconds.
    pub horizon: f64,
    /// Warm-up, seconds: intervals that start before it are flagged.
    pub warmup: f64,
    /// The distribution of answered waits on a fixed grid (waits.csv): the
    /// total's points, then each queue's, waits ascending.
    pub waits: Vec<WaitPoint>,
}

/// One point of a wait-time distribution (CDF): the share of answered
/// conversations of a scope that waited at most `wait` seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPoint {
    /// The total (`None`) or a queue (its index).
    pub queue: Option<usize>,
    /// Wait, seconds (a point of [`WAIT_GRID`] or a queue's threshold).
    pub wait: f64,
    /// Share of answered waits at most `wait`, over all replications (NaN
    /// when nothing was answered).
    pub fraction: f64,
}

/// The waits (seconds) waits.csv reports the distribution at, besides each
/// queue's threshold: about three points a decade, up to a week, cut after
/// the first point past the longest wait recorded.
pub const WAIT_GRID: [f64; 34] = [
    0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 450.0,
    600.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0, 10800.0, 14400.0, 21600.0, 28800.0,
    43200.0, 86400.0, 172_800.0, 345_600.0, 604_800.0,
];

/// A queue's service-level settings, as reported beside its results.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSettings {
    /// Queue name.
    pub name: String,
    /// Service-level threshold, seconds.
    pub sl_threshold: f64,
    /// Service-level target, fraction 0-1.
    pub sl_target: f64,
}

impl Results {
    /// The summary row for scope kind `scope` (`total`, `queue`, `team`),
    /// `name` and metric name `metric`, if there is one.
    pub fn get(&self, scope: &str, name: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|r| r.scope.kind() == scope && r.name == name && r.metric.name() == metric)
    }
}

/// A metric's mean across replications with its 95% confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Total, a queue or a team.
    pub scope: Scope,
    /// Queue or team name; `all` for the total.
    pub name: String,
    /// The metric (name, unit and formula).
    pub metric: Metric,
    /// Mean over replications where it is defined; for the wait percentiles,
    /// the percentile of all replications' waits together.
    pub mean: f64,
    /// Lower end of the 95% interval, clipped to the metric's range (NaN
    /// with fewer than two values).
    pub ci95_low: f64,
    /// Upper end of the 95% interval, clipped to the metric's range.
    pub ci95_high: f64,
    /// Replications in which the metric was defined.
    pub replications: u32,
}

/// One queue during one interval, over all replications. Counts are means
/// per replication; rates pool the interval's arrivals of every replication.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Interval number from 0.
    pub interval: usize,
    /// Queue index (scenario order).
    pub queue: usize,
    /// Arrivals per replication.
    pub offered: f64,
    /// Answered per replication.
    pub answered: f64,
    /// Abandoned per replication.
    pub abandoned: f64,
    /// Still waiting when the drain ended, per replication.
    pub unresolved: f64,
    /// Service level of the interval's arrivals, pooled (fraction 0-1).
    pub service_level: f64,
    /// 95% interval of the service level across replications (ratio estimator), low end.
    pub sl_ci95_low: f64,
    /// High end of that interval.
    pub sl_ci95_high: f64,
    /// Whether the pooled service level met the queue's target (None: no service level).
    pub target_met: Option<bool>,
    /// Mean wait of the interval's answered arrivals, seconds.
    pub asa: f64,
    /// Abandon rate of the interval's arrivals (fraction 0-1).
    pub abandon_rate: f64,
    /// Time-average number waiting.
    pub queue_avg: f64,
    /// Most waiting at once, averaged over replications.
    pub queue_max: f64,
    /// Occupancy of the teams serving the queue (fraction 0-1).
    pub occupancy: f64,
}

/// One team during one interval, time-averaged and averaged over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamIntervalRow {
    /// Interval number from 0.
    pub interval: usize,
    /// Team index (scenario order).
    pub team: usize,
    /// Agents logged in (any status but Offline, plus the ready delay after login).
    pub agents_logged_in: f64,
    /// Agents in an available-type status with spare capacity.
    pub agents_available_spare: f64,
    /// Agents in an available-type status with no spare capacity.
    pub agents_available_full: f64,
    /// Agents in unavailable-type statuses (breaks, lunch, coaching...).
    pub agents_unavailable: f64,
    /// Occupancy: time holding work over time in available- and busy-type statuses.
    pub occupancy: f64,
}

impl Results {
    /// Number of reporting intervals.
    pub fn interval_count(&self) -> usize {
        ((self.horizon / self.interval).ceil() as usize).max(1)
    }

    /// Start of interval `i`, seconds from the start of day 0.
    pub fn interval_start(&self, i: usize) -> f64 {
        i as f64 * self.interval
    }

    /// Length of interval `i`, seconds (the last may be cut short by the horizon).
    pub fn interval_length(&self, i: usize) -> f64 {
        (self.horizon - self.interval_start(i)).min(self.interval)
    }

    /// Whether interval `i` starts before the warm-up ends (its agent time is
    /// left out of the summary; its arrivals are too, where they arrive before it).
    pub fn in_warmup(&self, i: usize) -> bool {
        self.interval_start(i) < self.warmup
    }
}

/// Runs all replications of `sc` on `threads` threads (0: one per core),
/// calling `progress` as each finishes. Fails before simulating when the
/// run would not fit in memory (see [`footprint`]). The same as
/// [`run_many`] of this one scenario.
pub fn run(sc: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Results> {
    let mut all = run_many(std::slice::from_ref(sc), threads, progress)?;
    all.pop().ok_or_else(|| Error::Options("no scenario to run".into()))
}

/// Runs every replication of every scenario in `scenarios` (the variants
/// of a sweep) in one pool of `threads` threads (0: one per core), calling
/// `progress` as each replication finishes, and returns each scenario's
/// [`Results`] in order. Each scenario is accumulated exactly as [`run`]
/// accumulates it alone, so its results are the same bytes whatever the
/// other scenarios and the thread count. Fails before simulating when the
/// batch would not fit in memory (see [`footprint_many`]).
pub fn run_many(
    scenarios: &[Scenario],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Results>> {
    if threads > MAX_THREADS {
        return Err(Error::Options(format!(
            "--threads {threads}: use at most {MAX_THREADS} (0 means one per core)"
        )));
    }
    // (variant, replication) pairs numbered variant-major, so a worker
    // mostly runs one variant's replications in a row and can reuse its
    // tally: pair i is replication i - starts[v] of the last variant v with
    // starts[v] <= i.
    let mut starts = Vec::with_capacity(scenarios.len());
    let mut pairs = 0usize;
    for sc in scenarios {
        starts.push(pairs);
        pairs = pairs.saturating_add(sc.replications as usize);
    }
    // More threads than replications would only idle.
    let threads = if threads == 0 { 0 } else { threads.min(pairs.max(1)) };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| {
        Error::Options(format!(
            "cannot start {threads} threads: {}",
            crate::error::without_os_number(&e.to_string())
        ))
    })?;
    let workers = pool.current_num_threads().max(1);
    check_fits_many(scenarios, workers, available_memory())?;
    let batch: Vec<Batch> = scenarios.iter().map(|sc| Batch::new(sc, workers)).collect();
    // One spare tally per worker thread, reused across replications of the
    // same variant (a tally is shaped by its scenario): clearing it is
    // cheaper than allocating and paging in its wait histograms for every
    // replication.
    let spares: Vec<Mutex<Option<(usize, Tally)>>> = (0..workers).map(|_| Mutex::new(None)).collect();
    pool.install(|| {
        (0..pairs).into_par_iter().for_each(|i| {
            let v = starts.partition_point(|&s| s <= i).saturating_sub(1);
            let r = (i - starts[v]) as u32;
            let (sc, b) = (&scenarios[v], &batch[v]);
            // Only this thread touches its slots, so their locks are never contended.
            let worker = rayon::current_thread_index().unwrap_or(0);
            let slot = &spares[worker % spares.len()];
            let mut spare = slot.lock().unwrap_or_else(PoisonError::into_inner);
            let tally = match spare.take() {
                Some((of, tally)) if of == v => tally,
                other => {
                    // Another variant's tally goes before this one's is made.
                    drop(other);
                    Tally::new(sc)
                }
            };
            let tally = engine::run_reusing(sc, r, tally);
            let values: Vec<f64> = b.layout.iter().map(|&(scope, m)| m.value(scope, &tally, sc)).collect();
            b.sections.add(worker, r, &tally);
            b.fold.lock().unwrap_or_else(PoisonError::into_inner).add(sc, r, values, &tally);
            *spare = Some((v, tally));
            progress();
        });
    });
    drop(spares);
    Ok(scenarios.iter().zip(batch).map(|(sc, b)| b.finish(sc)).collect())
}

/// One scenario's accumulators during [`run_many`].
struct Batch {
    layout: Vec<(Scope, Metric)>,
    fold: Mutex<Fold>,
    sections: Sections,
}

impl Batch {
    fn new(sc: &Scenario, workers: usize) -> Batch {
        Batch {
            layout: stats::layout(sc),
            fold: Mutex::new(Fold::new(sc)),
            sections: Sections::new(sc, workers),
        }
    }

    /// The scenario's results, once all its replications are folded in.
    fn finish(self, sc: &Scenario) -> Results {
        let layout = self.layout;
        let fold = self.fold.into_inner().unwrap_or_else(PoisonError::into_inner);
        let pooled = self.sections.pooled_percentiles();
        let waits = pooled.cdf(&sc.queues.iter().map(|q| q.sl_threshold).collect::<Vec<_>>());
        let summary = layout
            .iter()
            .enumerate()
            .map(|(row, &(scope, metric))| {
                let values: Vec<f64> = fold.values.iter().map(|v| v[row]).collect();
                let (mut mean, mut low, mut high, n) = mean_ci(&values);
                if let (Some(p), Some(q)) = (metric.quantile(), scope_index(scope, sc.queues.len())) {
                    (mean, low, high) = pooled.get(q, p);
                }
                let (min, max) = metric.unit().range();
                low = low.clamp(min, max);
                high = high.clamp(min, max);
                SummaryRow {
                    scope,
                    name: scope.name(sc).to_owned(),
                    metric,
                    mean,
                    ci95_low: low,
                    ci95_high: high,
                    replications: n,
                }
            })
            .collect();
        Results {
            scenario: sc.name.clone(),
            seed: sc.seed,
            replications: sc.replications,
            sl_formula: sc.metrics.service_level.name(),
            queues: sc
                .queues
                .iter()
                .map(|q| QueueSettings {
                    name: q.name.clone(),
                    sl_threshold: q.sl_threshold,
                    sl_target: q.sl_target,
                })
                .collect(),
            teams: sc.teams.iter().map(|t| t.name.clone()).collect(),
            statuses: sc.statuses.iter().map(|s| s.name.clone()).collect(),
            summary,
            intervals: fold.interval_rows(sc),
            team_intervals: fold.team_rows(sc),
            status_secs: fold.status.iter().map(|&s| millis(s) / f64::from(sc.replications)).collect(),
            interval: sc.interval,
            horizon: sc.horizon,
            warmup: sc.warmup,
            per_replication: fold.values,
            waits,
        }
    }
}

/// Bytes a run of `sc` on `threads` worker threads holds at its peak, about:
/// one tally per worker, the accumulators and the results (the output
/// files are streamed to disk). It grows with the intervals × teams × statuses of the
/// horizon and with the threads, not with the replications (beyond one
/// summary row of numbers each).
pub fn footprint(sc: &Scenario, threads: usize) -> u64 {
    let (tally, waits, shared) = footprint_parts(sc);
    threads.max(1) as u64 * (tally + waits) + shared
}

/// Bytes a [`run_many`] of `scenarios` on `threads` worker threads holds at
/// its peak, about: one tally per worker (of the largest scenario: a worker
/// keeps one variant's tally at a time), and every scenario's accumulators,
/// each worker's pooled waits of every scenario, and the results (all are
/// held until the last replication ends).
pub fn footprint_many(scenarios: &[Scenario], threads: usize) -> u64 {
    let parts: Vec<(u64, u64, u64)> = scenarios.iter().map(footprint_parts).collect();
    let tally = parts.iter().map(|p| p.0).max().unwrap_or(0);
    let waits: u64 = parts.iter().map(|p| p.1).sum();
    threads.max(1) as u64 * (tally + waits) + parts.iter().map(|p| p.2).sum::<u64>()
}

/// Bytes of one worker's tally of `sc`, of one worker's pooled wait
/// histograms of it, and of everything else a run of it holds.
fn footprint_parts(sc: &Scenario) -> (u64, u64, u64) {
    use std::mem::size_of;
    let (n, nq, nt, ns) =
        (sc.interval_count() as u64, sc.queues.len() as u64, sc.teams.len() as u64, sc.statuses.len() as u64);
    let hist = 8 * stats::wait_histogram(stats::max_wait_ms(sc)).distinct_values() as u64;
    let tally = n
        * (nq * size_of::<stats::IntervalTally>() as u64
            + nt * (ns * 8 + size_of::<stats::TeamInterval>() as u64))
        + (nq + 1) * hist;
    let fold = n * (nq * size_of::<IntervalSums>() as u64 + nt * (24 + ns * 8));
    let results =
        n * (nq * size_of::<IntervalRow>() as u64 + nt * (size_of::<TeamIntervalRow>() as u64 + ns * 8));
    let sections = u64::from(sc.replications.min(MAX_SECTIONS)) * (nq + 1) * hist;
    let per_replication = u64::from(sc.replications) * stats::layout(sc).len() as u64 * 8;
    // Each worker's engine holds the conversations alive at once: at most
    // about a busy day's arrivals (more when nobody answers them).
    let backlog = (backlog(sc).iter().map(|b| b.volume).sum::<f64>()
        * crate::engine::conversation_bytes() as f64)
        .min(u64::MAX as f64 / 4.0) as u64;
    // The result files are streamed to disk, not held in memory.
    (tally + backlog, (nq + 1) * hist, fold + results + sections + per_replication)
}

/// One queue's busiest day: the conversations expected to arrive in it
/// (the busiest day of the pattern within the horizon, or the horizon
/// when shorter), which day, and its busiest step (start, seconds from day 0,
/// and volume).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Busiest {
    volume: f64,
    day: u64,
    step_start: f64,
    step_volume: f64,
}

/// Each queue's [`Busiest`] day: what bounds the conversations it can have
/// waiting at once in a day, for [`footprint`].
fn backlog(sc: &Scenario) -> Vec<Busiest> {
    use crate::time::DAY;
    sc.queues
        .iter()
        .map(|q| {
            let a = &q.arrivals;
            let step = a.step();
            let period = a.rates().len() as f64 * step;
            // Days after the pattern's first period (or first day) repeat it.
            let end = if a.repeats() { sc.horizon.min(period.max(DAY)) } else { sc.horizon.min(period) };
            let mut best = Busiest { volume: 0.0, day: 0, step_start: 0.0, step_volume: 0.0 };
            let mut day = Busiest { volume: 0.0, day: 0, step_start: 0.0, step_volume: 0.0 };
            let mut k = 0u64;
            loop {
                let t = k as f64 * step;
                if t >= end {
                    break;
                }
                let d = (t / DAY).floor() as u64;
                if d != day.day {
                    day = Busiest { volume: 0.0, day: d, step_start: t, step_volume: 0.0 };
                }
                let v = a.rate_at(t) * ((t + step).min(sc.horizon) - t);
                day.volume += v;
                if v > day.step_volume {
                    (day.step_start, day.step_volume) = (t, v);
                }
                if day.volume > best.volume {
                    best = day;
                }
                k += 1;
            }
            best
        })
        .collect()
}

/// Fails with a plain explanation when [`footprint`] exceeds `available` bytes.
pub fn check_fits(sc: &Scenario, threads: usize, available: Option<u64>) -> Result<()> {
    check_fits_many(std::slice::from_ref(sc), threads, available)
}

/// Fails with a plain explanation when [`footprint_many`] exceeds `available` bytes.
pub fn check_fits_many(scenarios: &[Scenario], threads: usize, available: Option<u64>) -> Result<()> {
    let need = footprint_many(scenarios, threads);
    let Some(have) = available else { return Ok(()) };
    let Some(sc) = scenarios.iter().max_by_key(|sc| footprint_parts(sc).0) else { return Ok(()) };
    if need <= have {
        return Ok(());
    }
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    // When the conversations waiting at once are most of the need, the
    // volumes are the cause: name the queue, its day and its step.
    let waiting = scenarios
        .iter()
        .flat_map(|sc| backlog(sc).into_iter().zip(&sc.queues))
        .max_by(|a, b| a.0.volume.total_cmp(&b.0.volume));
    if let Some((b, q)) = waiting {
        let bytes = b.volume * crate::engine::conversation_bytes() as f64 * threads.max(1) as f64;
        if bytes > need as f64 / 2.0 {
            let secs = b.step_start.rem_euclid(crate::time::DAY) as u64;
            return Err(Error::TooLarge(format!(
                "this run would need about {:.1} GiB of memory and {:.1} GiB is available: queue `{}` \
                 expects about {:.0} conversations on day {} (the most in one step, {:.0}, from {:02}:{:02}), \
                 and the conversations waiting at once are held in memory by each of {threads} worker \
                 threads; check that queue's volumes ({}), or use fewer --threads",
                gib(need),
                gib(have),
                q.name,
                b.volume,
                b.day,
                b.step_volume,
                secs / 3600,
                secs % 3600 / 60,
                match q.arrivals.source() {
                    crate::model::ArrivalSource::Forecast { file, .. } =>
                        format!("the `offered` column of {file}"),
                    _ => format!("`queue.{}.arrivals`", q.name),
                },
            )));
        }
    }
    let variants = if scenarios.len() > 1 {
        format!(
            " ({} variants, each holding its results until the last ends; sweep fewer values)",
            scenarios.len()
        )
    } else {
        String::new()
    };
    Err(Error::TooLarge(format!(
        "this run would need about {:.1} GiB of memory and {:.1} GiB is available{variants}: {} intervals \
         of {} teams × {} statuses are recorded for each of {threads} worker threads; use a longer \
         `interval`, a shorter `horizon`, fewer statuses or teams, or fewer --threads",
        gib(need),
        gib(have),
        sc.interval_count(),
        sc.teams.len(),
        sc.statuses.len(),
    )))
}

/// The memory this machine has available (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Seconds as whole milliseconds, the unit per-interval agent time is folded in.
fn to_millis(secs: f64) -> i64 {
    (secs * 1000.0).round() as i64
}

fn millis(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Seconds as whole microseconds, the unit per-interval waits are folded in.
fn to_micros(secs: f64) -> i128 {
    (secs * 1e6).round() as i128
}

fn micros(us: i128) -> f64 {
    us as f64 / 1e6
}

/// One queue during one interval, summed over replications (integers only).
#[derive(Debug, Clone, Copy, Default)]
struct IntervalSums {
    counts: Counts,
    /// Sum of waits, microseconds (`counts.wait_sum` is unused here).
    wait_us: i128,
    queue_area_us: i128,
    queue_max: u64,
    /// Service level numerator and denominator: sums of x, y, x², y², xy over replications.
    sl: [u128; 5],
}

/// The accumulators every replication is folded into.
struct Fold {
    /// Summary values by replication number.
    values: Vec<Vec<f64>>,
    intervals: Vec<IntervalSums>,
    /// Per interval and team: logged-in, holding and spare agent-milliseconds.
    teams: Vec<[i64; 3]>,
    /// Per interval, team and status: agent-milliseconds.
    status: Vec<i64>,
}

impl Fold {
    fn new(sc: &Scenario) -> Fold {
        let n = sc.interval_count();
        Fold {
            values: vec![Vec::new(); sc.replications as usize],
            intervals: vec![IntervalSums::default(); n * sc.queues.len()],
            teams: vec![[0; 3]; n * sc.teams.len()],
            status: vec![0; n * sc.teams.len() * sc.statuses.len()],
        }
    }

    fn add(&mut self, sc: &Scenario, r: u32, values: Vec<f64>, tally: &Tally) {
        self.values[r as usize] = values;
        for (acc, t) in self.intervals.iter_mut().zip(&tally.intervals) {
            let mut counts = t.counts;
            counts.wait_sum = 0.0;
            acc.counts.add(&counts);
            acc.wait_us += to_micros(t.counts.wait_sum);
            acc.queue_area_us += to_micros(t.queue_area);
            acc.queue_max += t.queue_max;
            let (x, y) = t.counts.sl_parts(sc.metrics.service_level);
            let (x, y) = (u128::from(x), u128::from(y));
            for (s, v) in acc.sl.iter_mut().zip([x, y, x * x, y * y, x * y]) {
                *s += v;
            }
        }
        for (acc, t) in self.teams.iter_mut().zip(&tally.team_intervals) {
            acc[0] += to_millis(t.logged_in_secs);
            acc[1] += to_millis(t.holding_secs);
            acc[2] += to_millis(t.spare_secs);
        }
        for (acc, &s) in self.status.iter_mut().zip(&tally.interval_status_secs) {
            *acc += to_millis(s);
        }
    }

    /// Agent-seconds of team `t` in interval `i` summed over replications, by status type:
    /// (available, busy, unavailable).
    fn kinds(&self, sc: &Scenario, i: usize, t: usize) -> (f64, f64, f64) {
        let ns = sc.statuses.len();
        let (mut avail, mut busy, mut unavail) = (0.0, 0.0, 0.0);
        for (s, status) in sc.statuses.iter().enumerate() {
            let secs = millis(self.status[(i * sc.teams.len() + t) * ns + s]);
            match status.kind {
                StatusKind::Available => avail += secs,
                StatusKind::Busy => busy += secs,
                StatusKind::Unavailable => unavail += secs,
                StatusKind::Offline => {}
            }
        }
        (avail, busy, unavail)
    }

    fn interval_rows(&self, sc: &Scenario) -> Vec<IntervalRow> {
        let reps = f64::from(sc.replications);
        let nq = sc.queues.len();
        let mut rows = Vec::with_capacity(self.intervals.len());
        for i in 0..sc.interval_count() {
            let len = sc.interval_length(i);
            for (q, queue) in sc.queues.iter().enumerate() {
                let t = &self.intervals[i * nq + q];
                let c = &t.counts;
                let per = |x: u64| x as f64 / reps;
                let service_level = c.service_level(sc.metrics.service_level);
                let (sl_ci95_low, sl_ci95_high) = ratio_ci(&t.sl, sc.replications);
                let (mut holding, mut productive) = (0.0, 0.0);
                for team in sc.teams_serving(q) {
                    let (avail, busy, _) = self.kinds(sc, i, team);
                    holding += millis(self.teams[i * sc.teams.len() + team][1]);
                    productive += avail + busy;
                }
                rows.push(IntervalRow {
                    interval: i,
                    queue: q,
                    offered: per(c.offered),
                    answered: per(c.answered),
                    abandoned: per(c.abandoned),
                    unresolved: per(c.unresolved),
                    service_level,
                    sl_ci95_low,
                    sl_ci95_high,
                    target_met: (!service_level.is_nan()).then_some(service_level >= queue.sl_target),
                    asa: stats::ratio(micros(t.wait_us), c.answered as f64),
                    abandon_rate: c.abandon_rate(),
                    queue_avg: micros(t.queue_area_us) / reps / len,
                    queue_max: per(t.queue_max),
                    occupancy: stats::ratio(holding, productive),
                });
            }
        }
        rows
    }

    fn team_rows(&self, sc: &Scenario) -> Vec<TeamIntervalRow> {
        let reps = f64::from(sc.replications);
        let nt = sc.teams.len();
        let mut rows = Vec::with_capacity(self.teams.len());
        for i in 0..sc.interval_count() {
            let len = sc.interval_length(i);
            let avg = |secs: f64| secs / reps / len;
            for t in 0..nt {
                let [logged_in, holding, spare] = self.teams[i * nt + t].map(millis);
                let (avail, busy, unavail) = self.kinds(sc, i, t);
                rows.push(TeamIntervalRow {
                    interval: i,
                    team: t,
                    agents_logged_in: avg(logged_in),
                    agents_available_spare: avg(spare),
                    agents_available_full: avg((avail - spare).max(0.0)),
                    agents_unavailable: avg(unavail),
                    occupancy: stats::ratio(holding, avail + busy),
                });
            }
        }
        rows
    }
}

/// The 95% interval of a ratio of sums x/y across `n` replications (the
/// ratio estimator's variance from per-replication sums), clipped to [0, 1].
/// `sums` holds Σx, Σy, Σx², Σy², Σxy.
fn ratio_ci(sums: &[u128; 5], n: u32) -> (f64, f64) {
    let [sx, sy, sxx, syy, sxy] = sums.map(|v| v as f64);
    if n < 2 || sy == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let nf = f64::from(n);
    let r = sx / sy;
    // Σ (x - r y)² = Σx² - 2r Σxy + r² Σy²
    let resid = (sxx - 2.0 * r * sxy + r * r * syy).max(0.0);
    let ybar = sy / nf;
    let se = (resid / (nf * (nf - 1.0))).sqrt() / ybar;
    let half = t975(n - 1) * se;
    ((r - half).clamp(0.0, 1.0), (r + half).clamp(0.0, 1.0))
}

/// Wait histograms of all replications: pooled at full precision for the
/// percentiles themselves, and in sections (replication r in section
/// r mod S, at 2 significant digits: they only size the interval) for the
/// sectioning interval. Each worker thread keeps its own (allocated as it
/// first needs them): no lock is shared and no histogram bounces between
/// cores; counts are integers, so summing the workers' histograms at the end
/// gives the same result whatever thread ran which replication.
struct Sections {
    /// Per worker: the pooled histograms (total, then each queue) and each section's.
    workers: Vec<Mutex<WorkerWaits>>,
    sections: usize,
    max_ms: u64,
    n_queues: usize,
}

/// One worker's wait histograms (see [`Sections`]).
#[derive(Default)]
struct WorkerWaits {
    pooled: Option<Vec<Histogram<u64>>>,
    sections: Vec<Option<Vec<Histogram<u64>>>>,
}

/// Significant digits of the section histograms.
const SECTION_DIGITS: u8 = 2;

impl Sections {
    fn new(sc: &Scenario, workers: usize) -> Sections {
        let sections = sc.replications.min(MAX_SECTIONS) as usize;
        Sections {
            workers: (0..workers.max(1))
                .map(|_| Mutex::new(WorkerWaits { pooled: None, sections: vec![None; sections] }))
                .collect(),
            sections,
            max_ms: stats::max_wait_ms(sc),
            n_queues: sc.queues.len(),
        }
    }

    /// Adds replication `r`'s waits, on worker `worker`.
    fn add(&self, worker: usize, r: u32, tally: &Tally) {
        let mut mine =
            self.workers[worker % self.workers.len()].lock().unwrap_or_else(PoisonError::into_inner);
        let mine = &mut *mine;
        let scopes = self.n_queues + 1;
        let pooled = mine
            .pooled
            .get_or_insert_with(|| (0..scopes).map(|_| stats::wait_histogram(self.max_ms)).collect());
        let section = mine.sections[r as usize % self.sections].get_or_insert_with(|| {
            (0..scopes)
                .map(|_| {
                    Histogram::new_with_bounds(1, self.max_ms.max(2), SECTION_DIGITS)
                        .expect("bounds 1..max_ms with 2 digits are valid")
                })
                .collect()
        });
        let waits = std::iter::once(&tally.total().waits).chain(tally.queues.iter().map(|q| &q.waits));
        for ((p, s), w) in pooled.iter_mut().zip(section.iter_mut()).zip(waits) {
            // Same or wider bounds on both sides, so adding cannot fail.
            let _ = p.add(w);
            let _ = s.add(w);
        }
    }

    /// The pooled and section histograms, summed over the workers.
    fn pooled_percentiles(self) -> Pooled {
        let sum = |acc: &mut Option<Vec<Histogram<u64>>>, part: Option<Vec<Histogram<u64>>>| match (
            acc.as_mut(),
            part,
        ) {
            (_, None) => {}
            (None, Some(part)) => *acc = Some(part),
            (Some(acc), Some(part)) => {
                for (a, p) in acc.iter_mut().zip(&part) {
                    let _ = a.add(p);
                }
            }
        };
        let mut pooled = None;
        let mut sections: Vec<Option<Vec<Histogram<u64>>>> = vec![None; self.sections];
        for worker in self.workers {
            let worker = worker.into_inner().unwrap_or_else(PoisonError::into_inner);
            sum(&mut pooled, worker.pooled);
            for (acc, part) in sections.iter_mut().zip(worker.sections) {
                sum(acc, part);
            }
        }
        Pooled { pooled: pooled.unwrap_or_default(), sections: sections.into_iter().flatten().collect() }
    }
}

/// The histogram index of a scope among a run's wait histograms (total,
/// then each of `n_queues` queues); teams have no waits.
fn scope_index(scope: Scope, n_queues: usize) -> Option<usize> {
    match scope {
        Scope::Total => Some(0),
        Scope::Queue(q) if q < n_queues => Some(q + 1),
        Scope::Queue(_) | Scope::Team(_) => None,
    }
}

/// Pooled and section histograms, read out as percentiles with intervals.
struct Pooled {
    /// Per scope, every replication's waits.
    pooled: Vec<Histogram<u64>>,
    /// Per section, per scope.
    sections: Vec<Vec<Histogram<u64>>>,
}

impl Pooled {
    /// The distribution of each scope's waits (total, then each queue) at
    /// the points of [`WAIT_GRID`] and the queues' `thresholds`, up to the
    /// first grid point at or past the longest wait (docs/model.md §11.9).
    fn cdf(&self, thresholds: &[f64]) -> Vec<WaitPoint> {
        let longest = self.pooled.iter().map(|h| h.max() as f64 / 1000.0).fold(0.0, f64::max);
        let last = WAIT_GRID.iter().position(|&w| w >= longest).unwrap_or(WAIT_GRID.len() - 1);
        let mut grid: Vec<f64> =
            WAIT_GRID[..=last].iter().copied().chain(thresholds.iter().copied()).collect();
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        let mut points = Vec::with_capacity(grid.len() * self.pooled.len());
        for (scope, waits) in self.pooled.iter().enumerate() {
            let n = waits.len();
            for &wait in &grid {
                let within = waits.count_between(0, (wait * 1000.0).round() as u64);
                let fraction = if n == 0 { f64::NAN } else { within as f64 / n as f64 };
                points.push(WaitPoint { queue: scope.checked_sub(1), wait, fraction });
            }
        }
        points
    }

    /// The `p` percentile of scope `q`'s waits over every replication, and
    /// its sectioning 95% interval: ± t(S-1) × the sections' spread around
    /// it / √S (Nakayama's sectioning).
    fn get(&self, q: usize, p: f64) -> (f64, f64, f64) {
        let Some(all) = self.pooled.get(q) else {
            return (f64::NAN, f64::NAN, f64::NAN);
        };
        let overall = stats::percentile(all, p);
        let parts: Vec<f64> =
            self.sections.iter().map(|s| stats::percentile(&s[q], p)).filter(|v| v.is_finite()).collect();
        let n = parts.len();
        if n < 2 || !overall.is_finite() {
            return (overall, f64::NAN, f64::NAN);
        }
        let var = parts.iter().map(|v| (v - overall).powi(2)).sum::<f64>() / (n - 1) as f64;
        let half = t975(n as u32 - 1) * (var / n as f64).sqrt();
        (overall, overall - half, overall + half)
    }
}

/// The two-sided 95% Student-t critical value with `df` degrees of freedom.
fn t975(df: u32) -> f64 {
    StudentsT::new(0.0, 1.0, f64::from(df)).map_or(f64::NAN, |d| d.inverse_cdf(0.975))
}

/// Mean and Student-t 95% interval of the finite values, and how many there were.
pub fn mean_ci(values: &[f64]) -> (f64, f64, f64, u32) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = finite.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN, 0);
    }
    let mean = finite.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, f64::NAN, f64::NAN, 1);
    }
    let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t975(n as u32 - 1) * (var / n as f64).sqrt();
    (mean, mean - half, mean + half, n as u32)
}

/// Day number and `HH:MM` of an instant, for reports.
pub fn day_clock(secs: f64) -> (u64, String) {
    let day = (secs / DAY).floor();
    let in_day = (secs - day * DAY).round() as u64;
    (day as u64, format!("{:02}:{:02}", in_day / 3600, (in_day % 3600) / 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_interval_uses_student_t() {
        // n = 4, mean 2.5, sd = 1.2910; t(0.975, 3) = 3.1824.
        let (m, lo, hi, n) = mean_ci(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!((m, n), (2.5, 4));
        let half = 3.182_446_305 * (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((hi - m - half).abs() < 1e-6 && (m - lo - half).abs() < 1e-6, "{lo} {hi}");
        let (m, lo, _, n) = mean_ci(&[7.0]);
        assert_eq!((m, n), (7.0, 1));
        assert!(lo.is_nan());
    }

    #[test]
    fn ratio_interval_matches_the_textbook_formula() {
        // Replications (x, y): (8, 10), (6, 10), (9, 12). r = 23/32.
        let reps = [(8u128, 10u128), (6, 10), (9, 12)];
        let mut sums = [0u128; 5];
        for (x, y) in reps {
            for (s, v) in sums.iter_mut().zip([x, y, x * x, y * y, x * y]) {
                *s += v;
            }
        }
        let r = 23.0 / 32.0;
        let resid: f64 = reps.iter().map(|&(x, y)| (x as f64 - r * y as f64).powi(2)).sum();
        let se = (resid / 6.0).sqrt() / (32.0 / 3.0);
        let half = 4.302_652_73 * se;
        let (lo, hi) = ratio_ci(&sums, 3);
        assert!((lo - (r - half)).abs() < 1e-6 && (hi - (r + half).min(1.0)).abs() < 1e-6, "{lo} {hi}");
        assert!(ratio_ci(&sums, 1).0.is_nan());
    }

    #[test]
    fn a_run_too_large_for_memory_is_refused_before_simulating() {
        let text = |statuses: usize| {
            let mut t = String::from(
                "horizon = \"4000d\"\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 1 }\n\
                 handle_time = { dist = \"constant\", value = \"1m\" }\n[[team]]\nname = \"t\"\nqueues = [\"q\"]\n\
                 [[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 1\n",
            );
            for i in 0..statuses {
                t += &format!("[[status]]\nname = \"S{i}\"\n");
            }
            t
        };
        let big = crate::scenario::parse(&text(1500), "big.toml", "big", &[]).unwrap();
        // 192,000 intervals × 1,504 statuses × 8 bytes: over 2 GiB per worker alone.
        assert!(footprint(&big, 2) > 8 << 30, "{}", footprint(&big, 2));
        let err = check_fits(&big, 2, Some(8 << 30)).unwrap_err().to_string();
        assert!(err.contains("GiB") && err.contains("interval"), "{err}");
        let small = crate::scenario::parse(&text(1), "small.toml", "small", &[]).unwrap();
        assert!(check_fits(&small, 2, Some(24 << 30)).is_ok());
        assert!(footprint(&small, 2) < footprint(&small, 4));
    }

    /// run_many runs variants of different shapes in one pool; each gives
    /// what `run` gives it alone, whatever the thread count.
    #[test]
    fn run_many_gives_each_scenario_what_run_gives_it() {
        let text = "horizon = \"3h\"\ninterval = \"30m\"\nreplications = 3\n[[status]]\nname = \"Lunch\"\n\
                    [[queue]]\nname = \"q\"\narrivals = { per_hour = 40 }\n\
                    handle_time = { dist = \"exponential\", mean = \"4m\" }\n\
                    patience = { dist = \"exponential\", mean = \"3m\" }\n\
                    [[team]]\nname = \"t\"\nqueues = [\"q\"]\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 3\n";
        let variant = |set: &[&str]| {
            let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
            crate::scenario::parse(text, "v.toml", "v", &set).unwrap()
        };
        // Different counts, replications and interval counts (tally shapes).
        let scenarios = [
            variant(&["agents.g.count=2"]),
            variant(&["agents.g.count=4", "replications=5"]),
            variant(&["interval=15m", "horizon=2h"]),
        ];
        let alone: Vec<String> =
            scenarios.iter().map(|sc| format!("{:?}", run(sc, 1, &|| ()).unwrap())).collect();
        for threads in [1, 2, 3] {
            let done = std::sync::atomic::AtomicU32::new(0);
            let many = run_many(&scenarios, threads, &|| {
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })
            .unwrap();
            let many: Vec<String> = many.iter().map(|r| format!("{r:?}")).collect();
            assert!(many == alone, "--threads {threads}: a variant differs from its own run");
            assert_eq!(done.into_inner(), 3 + 5 + 3, "progress once per replication");
        }
        assert!(footprint_many(&scenarios, 2) > footprint(&scenarios[0], 2));
        assert!(check_fits_many(&scenarios, 2, Some(1)).unwrap_err().to_string().contains("3 variants"));
        assert!(run_many(&[], 2, &|| ()).unwrap().is_empty());
    }

    #[test]
    fn the_busiest_day_bounds_the_conversations_waiting_at_once() {
        let text = "horizon = \"3d\"\ninterval = \"1h\"\n[[queue]]\nname = \"q\"\n\
                    arrivals = { per_interval = 1e7 }\nhandle_time = { dist = \"constant\", value = \"1m\" }\n\
                    [[team]]\nname = \"t\"\nqueues = [\"q\"]\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 1\n";
        let sc = crate::scenario::parse(text, "v.toml", "v", &[]).unwrap();
        let b = backlog(&sc)[0];
        assert!((b.volume - 24e7).abs() < 1.0 && b.day == 0, "{b:?}");
        let need = footprint(&sc, 2);
        assert!(need > 2 * 24e7 as u64 * crate::engine::conversation_bytes(), "{need}");
        let e = check_fits(&sc, 2, Some(need / 2)).unwrap_err().to_string();
        assert!(e.contains("queue `q` expects about 240000000 conversations on day 0"), "{e}");
        assert!(e.contains("`queue.q.arrivals`"), "{e}");
        // A horizon shorter than a day holds only its own arrivals.
        let short = crate::scenario::parse(text, "v.toml", "v", &["horizon=\"2h\"".into()]).unwrap();
        assert!((backlog(&short)[0].volume - 2e7).abs() < 1.0);
    }

    #[test]
    fn clock_labels() {
        assert_eq!(day_clock(0.0), (0, "00:00".into()));
        assert_eq!(day_clock(DAY + 9.5 * 3600.0), (1, "09:30".into()));
    }
}
