//! The one replication driver: every command that simulates hands a
//! [`Plan`] of (variant, replication) [`Job`]s to [`Workers::fold`], with a
//! [`Collector`] that says what to keep of each finished replication.
//!
//! Each worker thread folds the jobs it runs into a fold state of its own
//! (no lock is shared, no state bounces between cores), reusing one
//! [`Tally`] across replications of the same variant; when every job is
//! done the workers' states are merged. A collector's merge is exact —
//! integer sums, values stored by replication number, histograms of
//! integer counts — so the result is the same bytes whatever the thread
//! count, whichever worker ran which job, and however the jobs are split
//! into parts and merged again (the next step spreads the parts over
//! machines: the fold states of [`crate::replicate`] serialize).
//!
//! This module is the only place that builds a thread pool and the only
//! place that checks a plan's memory against the machine's.

use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine;
use crate::error::{Error, Result, Setting};
use crate::model::Scenario;
use crate::stats::Tally;

/// Most worker threads accepted (the `threads` setting).
pub const MAX_THREADS: usize = 1024;

/// One unit of work: replication `replication` of variant `variant` of a [`Plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Job {
    /// The variant's index in the plan.
    pub variant: usize,
    /// The replication number, from 0 (it names the random streams).
    pub replication: u32,
}

/// The variants a command simulates: every replication of each, in
/// variant-major order (a worker mostly runs one variant's replications in
/// a row and can reuse its tally).
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    scenarios: &'a [Scenario],
}

impl<'a> Plan<'a> {
    /// The plan of every replication of every scenario in `scenarios`.
    pub fn new(scenarios: &'a [Scenario]) -> Plan<'a> {
        Plan { scenarios }
    }

    /// The variants, in plan order.
    pub fn scenarios(&self) -> &'a [Scenario] {
        self.scenarios
    }

    /// Every job of the plan, variant-major.
    pub fn jobs(&self) -> Vec<Job> {
        self.scenarios
            .iter()
            .enumerate()
            .flat_map(|(variant, sc)| {
                (0..sc.replications).map(move |replication| Job { variant, replication })
            })
            .collect()
    }

    /// The number of jobs (the progress bar's length).
    pub fn len(&self) -> u64 {
        self.scenarios.iter().map(|sc| u64::from(sc.replications)).sum()
    }

    /// Whether the plan has no job.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a command keeps of each finished replication: a fold state, how a
/// replication is added to it, and how two states are merged.
///
/// `merge` must be exact and order-free: folding any split of a plan's
/// jobs into parts and merging the parts in any order must give the state
/// one fold of all jobs gives.
pub trait Collector: Sync {
    /// What the collector keeps of the jobs folded so far.
    type Fold: Send;

    /// The state of no job folded.
    fn empty(&self) -> Self::Fold;

    /// Adds `job`'s replication, measured in `tally` (of the scenario `sc`), to `fold`.
    fn add(&self, fold: &mut Self::Fold, job: Job, sc: &Scenario, tally: &Tally);

    /// Adds everything `other` holds to `fold`.
    fn merge(&self, fold: &mut Self::Fold, other: Self::Fold);

    /// Bytes one fold state holds at its largest, about (every worker keeps one).
    fn fold_bytes(&self) -> u64;

    /// Bytes held once, besides the folds and the tallies (the results), about.
    fn shared_bytes(&self) -> u64 {
        0
    }
}

/// The thread pool every simulating command runs on, built once from the
/// `threads` setting.
pub struct Workers {
    pool: rayon::ThreadPool,
}

impl std::fmt::Debug for Workers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workers").field("threads", &self.count()).finish()
    }
}

impl Workers {
    /// A pool of `threads` worker threads (0: one per core), at most [`MAX_THREADS`].
    pub fn new(threads: usize) -> Result<Workers> {
        if threads > MAX_THREADS {
            return Err(Error::Setting {
                setting: Setting::Threads,
                value: threads.to_string(),
                message: format!("use at most {MAX_THREADS} (0 means one per core)"),
            });
        }
        let pool =
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| Error::Setting {
                setting: Setting::Threads,
                value: threads.to_string(),
                message: format!(
                    "cannot start that many threads: {}",
                    crate::error::without_os_number(&e.to_string())
                ),
            })?;
        Ok(Workers { pool })
    }

    /// The number of worker threads.
    pub fn count(&self) -> usize {
        self.pool.current_num_threads().max(1)
    }

    /// The workers that can be busy at once on `jobs` jobs.
    fn busy(&self, jobs: u64) -> usize {
        self.count().min(usize::try_from(jobs).unwrap_or(usize::MAX)).max(1)
    }

    /// Bytes a fold of `plan` with `collector` holds at its peak, about:
    /// per busy worker a tally (of the largest variant: a worker keeps one
    /// variant's at a time) and a fold state, plus what the collector holds once.
    pub fn footprint<C: Collector>(&self, plan: &Plan, collector: &C) -> u64 {
        let tally = plan.scenarios().iter().map(tally_bytes).max().unwrap_or(0);
        let busy = self.busy(plan.len()) as u64;
        busy.saturating_mul(tally.saturating_add(collector.fold_bytes()))
            .saturating_add(collector.shared_bytes())
    }

    /// Fails with a plain explanation when [`Workers::footprint`] exceeds
    /// `available` bytes (None: unknown, never refused). Every command
    /// calls it before preparing its output folder, and [`Workers::fold`]
    /// calls it again before simulating.
    pub fn check_fits<C: Collector>(&self, plan: &Plan, collector: &C, available: Option<u64>) -> Result<()> {
        let need = self.footprint(plan, collector);
        let Some(have) = available else { return Ok(()) };
        if need <= have {
            return Ok(());
        }
        let Some(sc) = plan.scenarios().iter().max_by_key(|sc| tally_bytes(sc)) else { return Ok(()) };
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        let busy = self.busy(plan.len());
        // When the conversations waiting at once are most of the need, the
        // volumes are the cause: name the queue, its day and its step.
        let waiting = plan
            .scenarios()
            .iter()
            .flat_map(|sc| backlog(sc).into_iter().zip(&sc.queues).map(move |(b, q)| (b, q, sc.calendar)))
            .max_by(|a, b| a.0.volume.total_cmp(&b.0.volume));
        if let Some((b, q, calendar)) = waiting {
            let bytes = b.volume * engine::conversation_bytes() as f64 * busy as f64;
            if bytes > need as f64 / 2.0 {
                let secs = b.step_start.rem_euclid(crate::time::DAY) as u64;
                return Err(Error::TooLarge(format!(
                    "this run would need about {:.1} GiB of memory and {:.1} GiB is available: queue `{}` \
                     expects about {:.0} conversations on {} (the most in one step, {:.0}, from {:02}:{:02}), \
                     and the conversations waiting at once are held in memory by each of {busy} worker \
                     threads; check that queue's volumes ({}), or use fewer threads",
                    gib(need),
                    gib(have),
                    q.name,
                    b.volume,
                    calendar.day_name(b.day),
                    b.step_volume,
                    secs / 3600,
                    secs % 3600 / 60,
                    match q.arrivals.source() {
                        crate::model::ArrivalSource::Forecast { file, .. } => {
                            format!("the `offered` column of {file}")
                        }
                        _ => format!("`queue.{}.arrivals`", q.name),
                    },
                )));
            }
        }
        let variants = if plan.scenarios().len() > 1 {
            format!(
                " ({} variants, each holding its results until the last ends; sweep fewer values)",
                plan.scenarios().len()
            )
        } else {
            String::new()
        };
        Err(Error::TooLarge(format!(
            "this run would need about {:.1} GiB of memory and {:.1} GiB is available{variants}: {} intervals \
             of {} teams × {} statuses are recorded for each of {} worker threads; use a longer \
             `interval`, a shorter `horizon`, fewer statuses or teams, or fewer threads",
            gib(need),
            gib(have),
            sc.interval_count(),
            sc.teams.len(),
            sc.statuses.len(),
            busy,
        )))
    }

    /// Runs `jobs` (of `plan`) on the workers, folds each finished
    /// replication with `collector`, calls `progress` once per job, and
    /// returns the merged state. Fails before simulating when the plan would
    /// not fit in memory.
    pub fn fold<C: Collector>(
        &self,
        plan: &Plan,
        jobs: &[Job],
        collector: &C,
        progress: &(dyn Fn() + Sync),
    ) -> Result<C::Fold> {
        self.check_fits(plan, collector, available_memory())?;
        let scenarios = plan.scenarios();
        if let Some(job) =
            jobs.iter().find(|j| scenarios.get(j.variant).is_none_or(|sc| j.replication >= sc.replications))
        {
            return Err(Error::Internal(format!("job {job:?} is not part of the plan")));
        }
        // Per worker: its spare tally (tagged with its variant: a tally is
        // shaped by its scenario) and its fold state. Only that worker's
        // thread locks its slot, so the locks are never contended.
        let slots: Vec<Mutex<WorkerSlot<C::Fold>>> =
            (0..self.count()).map(|_| Mutex::new(WorkerSlot { spare: None, fold: None })).collect();
        self.pool.install(|| {
            jobs.par_iter().for_each(|&job| {
                let sc = &scenarios[job.variant];
                let worker = rayon::current_thread_index().unwrap_or(0) % slots.len();
                let mut slot = slots[worker].lock().unwrap_or_else(PoisonError::into_inner);
                let slot = &mut *slot;
                let tally = match slot.spare.take() {
                    Some((of, tally)) if of == job.variant => tally,
                    other => {
                        // Another variant's tally goes before this one's is made.
                        drop(other);
                        Tally::new(sc)
                    }
                };
                let tally = engine::run_reusing(sc, job.replication, tally);
                let fold = slot.fold.get_or_insert_with(|| collector.empty());
                collector.add(fold, job, sc, &tally);
                slot.spare = Some((job.variant, tally));
                progress();
            });
        });
        let mut merged = collector.empty();
        for slot in slots {
            let slot = slot.into_inner().unwrap_or_else(PoisonError::into_inner);
            drop(slot.spare);
            if let Some(fold) = slot.fold {
                collector.merge(&mut merged, fold);
            }
        }
        Ok(merged)
    }

    /// Runs every job of `plan`: [`Workers::fold`] of `plan.jobs()`.
    pub fn fold_all<C: Collector>(
        &self,
        plan: &Plan,
        collector: &C,
        progress: &(dyn Fn() + Sync),
    ) -> Result<C::Fold> {
        self.fold(plan, &plan.jobs(), collector, progress)
    }

    /// Runs `f` on the workers: rayon's parallel iterators inside use this pool.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }
}

/// A value per job of a plan, kept by (variant, replication): the fold
/// state of a collector that needs every replication's own values (paired
/// differences, per-replication judgements). Its merge fills in the other
/// part's jobs, so it is exact for parts of disjoint jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerJob<T> {
    variants: Vec<Vec<Option<T>>>,
}

impl<T> PerJob<T> {
    /// No job's value yet, for the variants `scenarios`.
    pub fn new(scenarios: &[Scenario]) -> PerJob<T> {
        PerJob {
            variants: scenarios
                .iter()
                .map(|sc| std::iter::repeat_with(|| None).take(sc.replications as usize).collect())
                .collect(),
        }
    }

    /// Keeps `value` as `job`'s.
    pub fn set(&mut self, job: Job, value: T) {
        self.variants[job.variant][job.replication as usize] = Some(value);
    }

    /// Takes every job's value that `other` holds.
    pub fn merge(&mut self, other: PerJob<T>) {
        for (mine, theirs) in self.variants.iter_mut().zip(other.variants) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                if t.is_some() {
                    *m = t;
                }
            }
        }
    }

    /// Per variant, per replication, its value (None: not folded).
    pub fn variants(&self) -> &[Vec<Option<T>>] {
        &self.variants
    }

    /// [`PerJob::variants`], owned.
    pub fn into_variants(self) -> Vec<Vec<Option<T>>> {
        self.variants
    }
}

/// A fold state as bytes (postcard), to be stored or sent and merged
/// elsewhere; [`fold_from_bytes`] reads it back unchanged.
pub fn fold_to_bytes<F: Serialize>(fold: &F) -> Result<Vec<u8>> {
    postcard::to_stdvec(fold).map_err(|e| Error::Internal(format!("cannot serialize a fold state: {e}")))
}

/// A fold state from the bytes [`fold_to_bytes`] made; bytes of another
/// kind of state, or damaged, are refused.
pub fn fold_from_bytes<F: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<F> {
    postcard::from_bytes(bytes).map_err(|e| Error::Internal(format!("cannot read a fold state: {e}")))
}

/// One worker's spare tally and fold state.
struct WorkerSlot<F> {
    spare: Option<(usize, Tally)>,
    fold: Option<F>,
}

/// Bytes one worker's replication of `sc` holds, about: its tally's
/// per-interval rows and wait histograms, and the engine's conversations
/// alive at once (at most about a busy day's arrivals; more when nobody
/// answers them).
pub(crate) fn tally_bytes(sc: &Scenario) -> u64 {
    use std::mem::size_of;
    let (n, nq, nt, ns) =
        (sc.interval_count() as u64, sc.queues.len() as u64, sc.teams.len() as u64, sc.statuses.len() as u64);
    let backlog = (backlog(sc).iter().map(|b| b.volume).sum::<f64>() * engine::conversation_bytes() as f64)
        .min(u64::MAX as f64 / 4.0) as u64;
    n * (nq * size_of::<crate::stats::IntervalTally>() as u64
        + nt * (ns * 8 + size_of::<crate::stats::TeamInterval>() as u64))
        + (nq + 1) * histogram_bytes(sc)
        + backlog
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
/// waiting at once in a day, for the memory check.
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

/// Bytes of one wait histogram of `sc`.
pub(crate) fn histogram_bytes(sc: &Scenario) -> u64 {
    8 * crate::stats::wait_histogram(crate::stats::max_wait_ms(sc)).distinct_values() as u64
}

/// The memory this machine has available (Linux: MemAvailable), if known.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts each job once, by (variant, replication): a collector whose
    /// merge is a union.
    struct Seen;

    impl Collector for Seen {
        type Fold = Vec<Job>;
        fn empty(&self) -> Vec<Job> {
            Vec::new()
        }
        fn add(&self, fold: &mut Vec<Job>, job: Job, _: &Scenario, tally: &Tally) {
            assert!(tally.total().counts.offered > 0, "the tally is the job's replication");
            fold.push(job);
        }
        fn merge(&self, fold: &mut Vec<Job>, other: Vec<Job>) {
            fold.extend(other);
            fold.sort_unstable();
        }
        fn fold_bytes(&self) -> u64 {
            1
        }
    }

    fn scenario(set: &[&str]) -> Scenario {
        let text = "horizon = \"2h\"\nreplications = 3\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 60 }\n\
                    handle_time = { dist = \"exponential\", mean = \"2m\" }\n\
                    [[team]]\nname = \"t\"\nqueues = [\"q\"]\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 3\n";
        let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
        crate::scenario::parse(text, "d.toml", "d", &set).expect("the test scenario is valid")
    }

    #[test]
    fn every_job_runs_once_and_progress_counts_them() {
        let scenarios = [scenario(&[]), scenario(&["replications=5"])];
        let plan = Plan::new(&scenarios);
        assert_eq!(plan.len(), 8);
        for threads in [1, 2, 3] {
            let workers = Workers::new(threads).unwrap();
            let done = std::sync::atomic::AtomicU32::new(0);
            let seen = workers
                .fold_all(&plan, &Seen, &|| {
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                })
                .unwrap();
            assert_eq!(seen, plan.jobs(), "threads {threads}");
            assert_eq!(done.into_inner(), 8);
        }
    }

    #[test]
    fn thread_counts_past_the_limit_and_foreign_jobs_are_refused() {
        let err = Workers::new(MAX_THREADS + 1).unwrap_err();
        assert!(matches!(err, Error::Setting { setting: Setting::Threads, .. }), "{err:?}");
        assert!(err.to_string().contains("at most 1024"), "{err}");
        let scenarios = [scenario(&[])];
        let plan = Plan::new(&scenarios);
        let workers = Workers::new(1).unwrap();
        let foreign = [Job { variant: 0, replication: 3 }];
        assert!(workers.fold(&plan, &foreign, &Seen, &|| ()).is_err());
        let none = workers.fold(&plan, &[], &Seen, &|| ()).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn the_busiest_day_bounds_the_conversations_waiting_at_once() {
        let text = "horizon = \"3d\"\ninterval = \"1h\"\n[[queue]]\nname = \"q\"\n\
                    arrivals = { per_interval = 1e7 }\nhandle_time = { dist = \"constant\", value = \"1m\" }\n\
                    [[team]]\nname = \"t\"\nqueues = [\"q\"]\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 1\n";
        let sc = crate::scenario::parse(text, "v.toml", "v", &[]).unwrap();
        let b = backlog(&sc)[0];
        assert!((b.volume - 24e7).abs() < 1.0 && b.day == 0, "{b:?}");
        let scenarios = [sc];
        let plan = Plan::new(&scenarios);
        let workers = Workers::new(2).unwrap();
        let need = workers.footprint(&plan, &Seen);
        assert!(need > 24e7 as u64 * engine::conversation_bytes(), "{need}");
        let e = workers.check_fits(&plan, &Seen, Some(need / 2)).unwrap_err().to_string();
        assert!(e.contains("queue `q` expects about 240000000 conversations on day 1"), "{e}");
        assert!(e.contains("`queue.q.arrivals`"), "{e}");
        // A horizon shorter than a day holds only its own arrivals.
        let short = crate::scenario::parse(text, "v.toml", "v", &["horizon=\"2h\"".into()]).unwrap();
        assert!((backlog(&short)[0].volume - 2e7).abs() < 1.0);
    }

    #[test]
    fn the_memory_check_counts_busy_workers_only() {
        let scenarios = [scenario(&[])];
        let plan = Plan::new(&scenarios);
        let (one, many) = (Workers::new(1).unwrap(), Workers::new(8).unwrap());
        // Three jobs keep at most three of eight workers busy.
        assert_eq!(many.footprint(&plan, &Seen), 3 * one.footprint(&plan, &Seen));
        let err = one.check_fits(&plan, &Seen, Some(1)).unwrap_err().to_string();
        assert!(err.contains("GiB") && err.contains("1 worker threads"), "{err}");
        assert!(one.check_fits(&plan, &Seen, None).is_ok());
    }
}
