//! Many replications of one scenario, in parallel, folded into [`Results`].
//!
//! Replications run on a rayon pool in chunks; each chunk's results come
//! back in replication order and are folded sequentially, so the output is
//! the same bytes whatever the number of threads. Each worker thread records
//! into one [`Tally`] it reuses (clearing it is cheaper than allocating and
//! paging in its wait histograms per replication); memory holds one chunk
//! of per-interval rows at a time.

use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Scenario, StatusKind};
use crate::stats::{self, IntervalTally, Tally};
use crate::time::DAY;

/// Most worker threads accepted.
pub const MAX_THREADS: usize = 1024;

/// Replications folded at a time (bounds memory; any value gives the same output).
const CHUNK: u32 = 64;

/// Everything a run produced, ready for the exporters.
#[derive(Debug, Clone)]
pub struct Results {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// One row per scope, name and metric (summary.csv).
    pub summary: Vec<SummaryRow>,
    /// One row per interval and queue (intervals.csv).
    pub intervals: Vec<IntervalRow>,
    /// One row per interval, team and status (statuses.csv).
    pub statuses: Vec<StatusRow>,
    /// Each queue's service-level settings, in scenario order (summary.json).
    pub queues: Vec<QueueSettings>,
    /// The service-level formula's name (`metrics.service_level`).
    pub sl_formula: &'static str,
}

/// A queue's service-level settings, reported beside its results.
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
    /// The summary row for `scope`/`name`/`metric`, if there is one.
    pub fn get(&self, scope: &str, name: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|r| r.scope == scope && r.name == name && r.metric == metric)
    }
}

/// A metric's mean across replications with its 95% confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// `total`, `queue` or `team`.
    pub scope: &'static str,
    /// Queue or team name; `all` for the total.
    pub name: String,
    /// Metric name (SPEC section 3).
    pub metric: &'static str,
    /// Mean over replications where it is defined (seconds, fraction 0-1, or count).
    pub mean: f64,
    /// Lower end of the Student-t 95% interval (NaN with fewer than two values).
    pub ci95_low: f64,
    /// Upper end of the Student-t 95% interval.
    pub ci95_high: f64,
    /// Replications in which the metric was defined.
    pub replications: u32,
}

/// One queue during one interval, averaged over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// Interval number from 0.
    pub interval: usize,
    /// Start, seconds from the start of day 0.
    pub start: f64,
    /// Length, seconds (the last interval may be cut short by the horizon).
    pub length: f64,
    /// Queue name.
    pub queue: String,
    /// Arrivals per replication.
    pub offered: f64,
    /// Answered per replication.
    pub answered: f64,
    /// Abandoned per replication.
    pub abandoned: f64,
    /// Service level of the interval's arrivals, pooled over replications (fraction 0-1).
    pub service_level: f64,
    /// Mean wait of the interval's answered arrivals, seconds.
    pub asa: f64,
    /// Abandon rate of the interval's arrivals (fraction 0-1).
    pub abandon_rate: f64,
    /// Time-average number waiting.
    pub queue_avg: f64,
    /// Most waiting at once, averaged over replications.
    pub queue_max: f64,
    /// Time-average agents logged in on the teams serving the queue (any
    /// status but Offline, plus the ready delay after login).
    pub agents_logged_in: f64,
    /// Time-average agents in an available-type status on those teams.
    pub agents_available: f64,
}

/// Agent-seconds of one team in one status during one interval, averaged over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// Interval number from 0.
    pub interval: usize,
    /// Start, seconds from the start of day 0.
    pub start: f64,
    /// Team name.
    pub team: String,
    /// Status name (custom statuses by their own name).
    pub status: String,
    /// Agent-seconds per replication.
    pub agent_seconds: f64,
}

/// Runs all replications of `sc` on `threads` threads (0: one per core),
/// calling `progress` as each finishes.
pub fn run(sc: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Results> {
    if threads > MAX_THREADS {
        return Err(Error::Options(format!(
            "--threads {threads}: use at most {MAX_THREADS} (0 means one per core)"
        )));
    }
    // More threads than replications would only idle.
    let threads = if threads == 0 { 0 } else { threads.min(sc.replications as usize) };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Options(format!("cannot start {threads} threads: {e}")))?;
    let layout = stats::summary_layout(sc);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(sc.replications as usize); layout.len()];
    let mut intervals = vec![IntervalTally::default(); sc.interval_count() * sc.queues.len()];
    let mut status_secs = vec![0.0; sc.interval_count() * sc.teams.len() * sc.statuses.len()];
    let mut logged_in_secs = vec![0.0; sc.interval_count() * sc.teams.len()];
    // One spare tally per worker thread, reused across replications and
    // chunks: clearing it is cheaper than allocating and paging in its wait
    // histograms for every replication.
    let spares: Vec<Mutex<Option<Tally>>> =
        (0..pool.current_num_threads().max(1)).map(|_| Mutex::new(None)).collect();
    let mut start = 0;
    while start < sc.replications {
        let end = (start + CHUNK).min(sc.replications);
        let chunk: Vec<(Vec<f64>, Rows)> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|r| {
                    // Only this thread touches its slot, so the lock is never contended.
                    let slot = &spares[rayon::current_thread_index().unwrap_or(0) % spares.len()];
                    let mut spare = slot.lock().unwrap_or_else(PoisonError::into_inner);
                    let tally = spare.take().unwrap_or_else(|| Tally::new(sc));
                    let tally = engine::run_reusing(sc, r, tally);
                    progress();
                    let out = (tally.summary_values(sc), Rows::of(&tally));
                    *spare = Some(tally);
                    out
                })
                .collect()
        });
        for (row_values, tally) in chunk {
            for (acc, v) in values.iter_mut().zip(row_values) {
                acc.push(v);
            }
            for (acc, t) in intervals.iter_mut().zip(&tally.intervals) {
                acc.add(t);
            }
            for (acc, s) in status_secs.iter_mut().zip(&tally.interval_status_secs) {
                *acc += s;
            }
            for (acc, s) in logged_in_secs.iter_mut().zip(&tally.interval_logged_in_secs) {
                *acc += s;
            }
        }
        start = end;
    }
    let summary = layout
        .into_iter()
        .zip(&values)
        .map(|((scope, name, metric), vs)| {
            let (mean, ci95_low, ci95_high, n) = mean_ci(vs);
            SummaryRow { scope, name, metric, mean, ci95_low, ci95_high, replications: n }
        })
        .collect();
    Ok(Results {
        scenario: sc.name.clone(),
        seed: sc.seed,
        replications: sc.replications,
        summary,
        intervals: interval_rows(sc, &intervals, &status_secs, &logged_in_secs),
        statuses: status_rows(sc, &status_secs),
        queues: sc
            .queues
            .iter()
            .map(|q| QueueSettings {
                name: q.name.clone(),
                sl_threshold: q.sl_threshold,
                sl_target: q.sl_target,
            })
            .collect(),
        sl_formula: sc.metrics.service_level.name(),
    })
}

/// One replication's per-interval records, kept for the ordered fold.
struct Rows {
    intervals: Vec<IntervalTally>,
    interval_status_secs: Vec<f64>,
    interval_logged_in_secs: Vec<f64>,
}

impl Rows {
    fn of(tally: &Tally) -> Rows {
        Rows {
            intervals: tally.intervals.clone(),
            interval_status_secs: tally.interval_status_secs.clone(),
            interval_logged_in_secs: tally.interval_logged_in_secs.clone(),
        }
    }
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
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).map_or(f64::NAN, |d| d.inverse_cdf(0.975));
    let half = t * (var / n as f64).sqrt();
    (mean, mean - half, mean + half, n as u32)
}

fn interval_length(sc: &Scenario, i: usize) -> f64 {
    let start = i as f64 * sc.interval;
    (sc.horizon - start).min(sc.interval)
}

fn interval_rows(
    sc: &Scenario,
    sums: &[IntervalTally],
    status_secs: &[f64],
    logged_in_secs: &[f64],
) -> Vec<IntervalRow> {
    let reps = f64::from(sc.replications);
    let (nq, nt, ns) = (sc.queues.len(), sc.teams.len(), sc.statuses.len());
    let mut rows = Vec::with_capacity(sums.len());
    for i in 0..sc.interval_count() {
        let len = interval_length(sc, i);
        for (q, queue) in sc.queues.iter().enumerate() {
            let t = &sums[i * nq + q];
            let (mut logged_in, mut available) = (0.0, 0.0);
            for team in sc.teams_serving(q) {
                logged_in += logged_in_secs[i * nt + team];
                for (s, status) in sc.statuses.iter().enumerate() {
                    let secs = status_secs[(i * nt + team) * ns + s];
                    if status.kind == StatusKind::Available {
                        available += secs;
                    }
                }
            }
            let per = |x: u64| x as f64 / reps;
            rows.push(IntervalRow {
                interval: i,
                start: i as f64 * sc.interval,
                length: len,
                queue: queue.name.clone(),
                offered: per(t.offered),
                answered: per(t.answered),
                abandoned: per(t.abandoned),
                service_level: stats::service_level(
                    sc.metrics.service_level,
                    t.answered_within,
                    t.abandoned_within,
                    t.answered,
                    t.abandoned,
                    t.abandoned_short,
                ),
                asa: if t.answered > 0 { t.wait_sum / t.answered as f64 } else { f64::NAN },
                abandon_rate: stats::abandon_rate(t.answered, t.abandoned, t.abandoned_short),
                queue_avg: t.queue_area / reps / len,
                queue_max: per(t.queue_max),
                agents_logged_in: logged_in / reps / len,
                agents_available: available / reps / len,
            });
        }
    }
    rows
}

fn status_rows(sc: &Scenario, status_secs: &[f64]) -> Vec<StatusRow> {
    let reps = f64::from(sc.replications);
    let (nt, ns) = (sc.teams.len(), sc.statuses.len());
    let mut rows = Vec::with_capacity(status_secs.len());
    for i in 0..sc.interval_count() {
        for (t, team) in sc.teams.iter().enumerate() {
            for (s, status) in sc.statuses.iter().enumerate() {
                rows.push(StatusRow {
                    interval: i,
                    start: i as f64 * sc.interval,
                    team: team.name.clone(),
                    status: status.name.clone(),
                    agent_seconds: status_secs[(i * nt + t) * ns + s] / reps,
                });
            }
        }
    }
    rows
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
    fn clock_labels() {
        assert_eq!(day_clock(0.0), (0, "00:00".into()));
        assert_eq!(day_clock(DAY + 9.5 * 3600.0), (1, "09:30".into()));
    }
}
