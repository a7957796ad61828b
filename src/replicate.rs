//! Many replications of one scenario, in parallel, folded into [`Results`].
//!
//! Each worker thread records into one [`Tally`] it reuses (clearing it is
//! cheaper than allocating and paging in its wait histograms), and folds it
//! into shared accumulators as soon as the replication ends. Everything
//! folded is exact: integers (counts, and per-interval time sums in whole
//! micro- or milliseconds) and, for each summary row, the exact count, sum
//! and sum of squares of its values ([`Moments`]), so the result is the
//! same bytes whatever the number of threads, the shards or the order
//! replications finish in. A fold state's layout is fixed by the scenario
//! (every wait histogram and section allocated up front, every integer at
//! full width on the wire: [`crate::wire`]), so its size does not grow
//! with the replication count or the values folded. Only `run` keeps each
//! replication's summary values too, by replication number, for
//! `replications.csv`.

use hdrhistogram::Histogram;
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Serialize};
use serde_with::As;

use crate::driver::{self, Collector, Job, Plan, Workers};
use crate::error::{Error, Result};
use crate::exact::Moments;
use crate::model::{Scenario, StatusKind, TeamId};
use crate::stats::{self, Counts, Metric, Scope, Tally, t975};
use crate::wire::Le;

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
    /// rows as in `summary` (replications.csv); empty when the collector
    /// keeps no rows ([`Summaries::without_rows`], a sweep's).
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
    /// Which date day 1 is, if known: how intervals are labelled.
    pub calendar: crate::calendar::Calendar,
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
/// run would not fit in memory. The same as [`run_many`] of this one scenario.
pub fn run(sc: &Scenario, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Results> {
    let mut all = run_many(std::slice::from_ref(sc), threads, progress)?;
    all.pop().ok_or_else(|| Error::Internal("a run of one scenario gave no results".into()))
}

/// Runs every replication of every scenario in `scenarios` (the variants
/// of a sweep) on `threads` threads (0: one per core), calling `progress` as
/// each replication finishes, and returns each scenario's [`Results`] in
/// order: [`Workers::fold_all`] with the [`Summaries`] collector. Each
/// scenario's results are the same bytes whatever the other scenarios and
/// the thread count.
pub fn run_many(
    scenarios: &[Scenario],
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Results>> {
    run_on(&Workers::new(threads)?, scenarios, progress)
}

/// [`run_many`] on workers already started.
pub fn run_on(
    workers: &Workers,
    scenarios: &[Scenario],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Results>> {
    fold_on(workers, &Summaries::new(scenarios), progress)
}

/// Every job of the plan of `summaries`' scenarios on `workers`, folded by
/// `summaries`: each scenario's [`Results`], in order.
pub fn fold_on(
    workers: &Workers,
    summaries: &Summaries,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Results>> {
    let fold = workers.fold_all(&Plan::new(summaries.scenarios), summaries, progress)?;
    Ok(summaries.results(fold))
}

/// The collector of `run` and `sweep`: for each variant, the exact moments
/// of every summary row (and for `run` every summary value by replication
/// number), the per-interval sums (integers), the agent time per interval,
/// team and status, and the wait histograms.
#[derive(Debug)]
pub struct Summaries<'a> {
    scenarios: &'a [Scenario],
    layouts: Vec<Vec<(Scope, Metric)>>,
    /// Whether each replication's summary values are kept (replications.csv).
    rows: bool,
}

/// What [`Summaries`] keeps of the jobs folded so far: one part per variant
/// (absent until one of its replications is folded). It serializes, and
/// merging two folds of disjoint jobs is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryFold {
    variants: Vec<Option<VariantFold>>,
}

impl<'a> Summaries<'a> {
    /// The collector for the variants `scenarios`, keeping each
    /// replication's summary values (`run`: replications.csv).
    pub fn new(scenarios: &'a [Scenario]) -> Summaries<'a> {
        Summaries { scenarios, layouts: scenarios.iter().map(stats::layout).collect(), rows: true }
    }

    /// The collector for the variants `scenarios`, keeping no replication's
    /// own values (`sweep`): its fold state does not grow with the
    /// replications, and [`Results::per_replication`] is empty.
    pub fn without_rows(scenarios: &'a [Scenario]) -> Summaries<'a> {
        Summaries { rows: false, ..Summaries::new(scenarios) }
    }

    /// The variants, in plan order.
    pub fn scenarios(&self) -> &'a [Scenario] {
        self.scenarios
    }

    /// Each variant's [`Results`] from a fold of every job of the plan.
    pub fn results(&self, fold: SummaryFold) -> Vec<Results> {
        self.scenarios
            .iter()
            .zip(fold.variants)
            .zip(&self.layouts)
            .map(|((sc, v), layout)| {
                v.unwrap_or_else(|| VariantFold::new(sc, layout, self.rows)).finish(sc, layout)
            })
            .collect()
    }
}

impl Collector for Summaries<'_> {
    type Fold = SummaryFold;

    fn empty(&self) -> SummaryFold {
        SummaryFold { variants: vec![None; self.scenarios.len()] }
    }

    fn add(&self, fold: &mut SummaryFold, job: Job, sc: &Scenario, tally: &Tally) {
        let layout = &self.layouts[job.variant];
        let values = layout.iter().map(|&(scope, m)| m.value(scope, tally, sc)).collect();
        fold.variants[job.variant].get_or_insert_with(|| VariantFold::new(sc, layout, self.rows)).add(
            sc,
            job.replication,
            values,
            tally,
        );
    }

    fn merge(&self, fold: &mut SummaryFold, other: SummaryFold) {
        for (mine, theirs) in fold.variants.iter_mut().zip(other.variants) {
            match (mine.as_mut(), theirs) {
                (_, None) => {}
                (None, Some(theirs)) => *mine = Some(theirs),
                (Some(mine), Some(theirs)) => mine.merge(theirs),
            }
        }
    }

    fn fold_bytes(&self) -> u64 {
        self.scenarios.iter().map(|sc| fold_bytes(sc, self.rows)).sum()
    }

    fn shared_bytes(&self) -> u64 {
        self.scenarios.iter().map(|sc| results_bytes(sc, self.rows) + fold_bytes(sc, self.rows)).sum()
    }
}

/// Bytes of one variant's fold state, about: its interval sums, agent time,
/// wait histograms (pooled and sections), the summary rows' moments (about
/// 200 bytes each) and, with `rows`, each replication's summary values.
fn fold_bytes(sc: &Scenario, rows: bool) -> u64 {
    use std::mem::size_of;
    let (n, nq, nt, ns) =
        (sc.interval_count() as u64, sc.queues.len() as u64, sc.teams.len() as u64, sc.statuses.len() as u64);
    let hist = driver::histogram_bytes(sc);
    let sections = u64::from(MAX_SECTIONS) * (nq + 1) * hist / 8;
    let layout = stats::layout(sc).len() as u64;
    n * (nq * size_of::<IntervalSums>() as u64 + nt * (24 + ns * 8))
        + (nq + 1) * hist
        + sections
        + layout * 200
        + if rows { u64::from(sc.replications) * layout * 8 } else { 0 }
}

/// Bytes of one variant's [`Results`], about.
fn results_bytes(sc: &Scenario, rows: bool) -> u64 {
    use std::mem::size_of;
    let (n, nq, nt, ns) =
        (sc.interval_count() as u64, sc.queues.len() as u64, sc.teams.len() as u64, sc.statuses.len() as u64);
    n * (nq * size_of::<IntervalRow>() as u64 + nt * (size_of::<TeamIntervalRow>() as u64 + ns * 8))
        + if rows { u64::from(sc.replications) * stats::layout(sc).len() as u64 * 8 } else { 0 }
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

/// The headline metrics of an interval and queue that `compare_intervals.csv`
/// pairs, in its order: each is a ratio of sums over replications, as
/// intervals.csv pools it (docs/model.md §14).
pub(crate) const HEADLINE: [Metric; 4] =
    [Metric::ServiceLevel, Metric::Asa, Metric::AbandonRate, Metric::Occupancy];

/// One replication's numerator and denominator of each [`HEADLINE`] metric
/// per interval and queue (`[i * queues + q]`), as whole numbers in the units
/// intervals.csv sums them in: service-level conversations, waits in
/// microseconds over answered conversations, long abandonments over
/// answered plus long abandonments, and the serving teams' holding over
/// their Available and Busy agent-milliseconds.
pub(crate) fn headline_parts(sc: &Scenario, t: &Tally) -> Vec<[(i128, i128); 4]> {
    let mut out = Vec::with_capacity(sc.interval_count() * sc.queues.len());
    for i in 0..sc.interval_count() {
        for q in sc.queues.keys() {
            let c = &t.interval(i, q).counts;
            let (num, den) = c.sl_parts(sc.metrics.service_level);
            let long = c.abandoned - c.abandoned_short;
            let (mut holding, mut productive) = (0i128, 0i128);
            for team in sc.teams_serving(q) {
                holding += i128::from(to_millis(t.team_interval(i, team).holding_secs));
                for (s, status) in sc.statuses.iter_enumerated() {
                    if matches!(status.kind, StatusKind::Available | StatusKind::Busy) {
                        productive += i128::from(to_millis(t.status_secs(i, team, s)));
                    }
                }
            }
            out.push([
                (i128::from(num), i128::from(den)),
                (to_micros(c.wait_sum), i128::from(c.answered)),
                (i128::from(long), i128::from(c.answered + long)),
                (holding, productive),
            ]);
        }
    }
    out
}

/// The value of [`HEADLINE`] metric `m` from summed parts `x / y` in the
/// units of [`headline_parts`], as intervals.csv writes it (NaN when `y` is 0).
pub(crate) fn headline_value(m: usize, x: i128, y: i128) -> f64 {
    stats::ratio(x as f64 / HEADLINE_UNITS[m].0, y as f64 / HEADLINE_UNITS[m].1)
}

/// Per [`HEADLINE`] metric, the numerator's and the denominator's whole
/// units in one of the metric's (waits are microseconds, occupancy
/// milliseconds over milliseconds).
pub(crate) const HEADLINE_UNITS: [(f64, f64); 4] = [(1.0, 1.0), (1e6, 1.0), (1.0, 1.0), (1e3, 1e3)];

/// One queue during one interval, summed over replications (integers only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct IntervalSums {
    counts: Counts,
    /// Sum of waits, microseconds (`counts.wait_sum` is unused here).
    #[serde(with = "As::<Le>")]
    wait_us: i128,
    #[serde(with = "As::<Le>")]
    queue_area_us: i128,
    #[serde(with = "As::<Le>")]
    queue_max: u64,
    /// Service level numerator and denominator: sums of x, y, x², y², xy over replications.
    #[serde(with = "As::<[Le; 5]>")]
    sl: [u128; 5],
}

impl IntervalSums {
    fn merge(&mut self, o: &IntervalSums) {
        self.counts.add(&o.counts);
        self.wait_us += o.wait_us;
        self.queue_area_us += o.queue_area_us;
        self.queue_max += o.queue_max;
        for (s, v) in self.sl.iter_mut().zip(o.sl) {
            *s += v;
        }
    }
}

/// One variant's part of a [`SummaryFold`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VariantFold {
    /// Per summary row (layout order), its values' exact moments.
    moments: Vec<Moments>,
    /// Summary values by replication number (empty: not folded here), when
    /// the collector keeps rows; no replication at all otherwise.
    values: Vec<Vec<f64>>,
    intervals: Vec<IntervalSums>,
    /// Per interval and team: logged-in, holding and spare agent-milliseconds.
    #[serde(with = "As::<Vec<[Le; 3]>>")]
    teams: Vec<[i64; 3]>,
    /// Per interval, team and status: agent-milliseconds.
    #[serde(with = "As::<Vec<Le>>")]
    status: Vec<i64>,
    /// The answered waits of every replication (total, then each queue), at
    /// full precision, for the pooled percentiles.
    pooled: Vec<WaitCounts>,
    /// The same per section: replication r in section r mod S, S the
    /// replications up to [`MAX_SECTIONS`] (the sections past S stay empty),
    /// at 2 significant digits: they only size the percentiles' interval.
    sections: Vec<Vec<WaitCounts>>,
}

/// Significant digits of the section histograms.
const SECTION_DIGITS: u8 = 2;

impl VariantFold {
    fn new(sc: &Scenario, layout: &[(Scope, Metric)], rows: bool) -> VariantFold {
        let n = sc.interval_count();
        let max_ms = stats::max_wait_ms(sc);
        let scopes = sc.queues.len() + 1;
        let histograms = |digits| (0..scopes).map(|_| WaitCounts::new(max_ms, digits)).collect::<Vec<_>>();
        VariantFold {
            moments: vec![Moments::default(); layout.len()],
            values: if rows { vec![Vec::new(); sc.replications as usize] } else { Vec::new() },
            intervals: vec![IntervalSums::default(); n * sc.queues.len()],
            teams: vec![[0; 3]; n * sc.teams.len()],
            status: vec![0; n * sc.teams.len() * sc.statuses.len()],
            pooled: histograms(stats::WAIT_DIGITS),
            sections: (0..MAX_SECTIONS).map(|_| histograms(SECTION_DIGITS)).collect(),
        }
    }

    fn add(&mut self, sc: &Scenario, r: u32, values: Vec<f64>, tally: &Tally) {
        for (m, &v) in self.moments.iter_mut().zip(&values) {
            m.add(v);
        }
        if let Some(row) = self.values.get_mut(r as usize) {
            *row = values;
        }
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
        let section = &mut self.sections[(r % sc.replications.clamp(1, MAX_SECTIONS)) as usize];
        let waits = std::iter::once(&tally.total().waits).chain(tally.queues.iter().map(|q| &q.waits));
        for ((p, s), w) in self.pooled.iter_mut().zip(section.iter_mut()).zip(waits) {
            // Same or wider bounds on both sides, so adding cannot fail.
            let _ = p.0.add(w);
            let _ = s.0.add(w);
        }
    }

    /// Adds `other`'s replications (disjoint from this part's).
    fn merge(&mut self, other: VariantFold) {
        for (mine, theirs) in self.moments.iter_mut().zip(&other.moments) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.values.iter_mut().zip(other.values) {
            if !theirs.is_empty() {
                *mine = theirs;
            }
        }
        for (a, b) in self.intervals.iter_mut().zip(&other.intervals) {
            a.merge(b);
        }
        for (a, b) in self.teams.iter_mut().zip(&other.teams) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.status.iter_mut().zip(&other.status) {
            *a += b;
        }
        merge_waits(&mut self.pooled, &other.pooled);
        for (a, b) in self.sections.iter_mut().zip(&other.sections) {
            merge_waits(a, b);
        }
    }

    /// The variant's results, once all its replications are folded in.
    fn finish(mut self, sc: &Scenario, layout: &[(Scope, Metric)]) -> Results {
        let pooled = Pooled {
            pooled: std::mem::take(&mut self.pooled).into_iter().map(|w| w.0).collect(),
            sections: std::mem::take(&mut self.sections)
                .into_iter()
                .map(|s| s.into_iter().map(|w| w.0).collect())
                .collect(),
        };
        let waits = pooled.cdf(&sc.queues.iter().map(|q| q.sl_threshold).collect::<Vec<_>>());
        let summary = layout
            .iter()
            .enumerate()
            .map(|(row, &(scope, metric))| {
                let (mut mean, mut low, mut high, n) =
                    self.moments.get(row).map_or((f64::NAN, f64::NAN, f64::NAN, 0), Moments::mean_ci);
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
            intervals: self.interval_rows(sc),
            team_intervals: self.team_rows(sc),
            status_secs: self.status.iter().map(|&s| millis(s) / f64::from(sc.replications)).collect(),
            interval: sc.interval,
            calendar: sc.calendar,
            horizon: sc.horizon,
            warmup: sc.warmup,
            per_replication: self.values,
            waits,
        }
    }

    /// Agent-seconds of team `t` in interval `i` summed over replications, by status type:
    /// (available, busy, unavailable).
    fn kinds(&self, sc: &Scenario, i: usize, t: TeamId) -> (f64, f64, f64) {
        let ns = sc.statuses.len();
        let (mut avail, mut busy, mut unavail) = (0.0, 0.0, 0.0);
        for (s, status) in sc.statuses.iter().enumerate() {
            let secs = millis(self.status[(i * sc.teams.len() + t.index()) * ns + s]);
            match status.kind {
                StatusKind::Available => avail += secs,
                StatusKind::Busy => busy += secs,
                StatusKind::Unavailable => unavail += secs,
                StatusKind::Offline => {}
            }
        }
        (avail, busy, unavail)
    }

    /// Agent-milliseconds of team `t` in Available and Busy statuses during interval `i`.
    fn productive_ms(&self, sc: &Scenario, i: usize, t: TeamId) -> i128 {
        let ns = sc.statuses.len();
        let at = (i * sc.teams.len() + t.index()) * ns;
        sc.statuses
            .iter()
            .zip(&self.status[at..at + ns])
            .filter(|(status, _)| matches!(status.kind, StatusKind::Available | StatusKind::Busy))
            .map(|(_, &ms)| i128::from(ms))
            .sum()
    }

    fn interval_rows(&self, sc: &Scenario) -> Vec<IntervalRow> {
        let reps = f64::from(sc.replications);
        let nq = sc.queues.len();
        let mut rows = Vec::with_capacity(self.intervals.len());
        for i in 0..sc.interval_count() {
            let len = sc.interval_length(i);
            for (q, queue) in sc.queues.iter_enumerated() {
                let t = &self.intervals[i * nq + q.index()];
                let c = &t.counts;
                let per = |x: u64| x as f64 / reps;
                let service_level = c.service_level(sc.metrics.service_level);
                let (sl_ci95_low, sl_ci95_high) = ratio_ci(&t.sl, sc.replications);
                let (mut holding, mut productive) = (0i128, 0i128);
                for team in sc.teams_serving(q) {
                    holding += i128::from(self.teams[i * sc.teams.len() + team.index()][1]);
                    productive += self.productive_ms(sc, i, team);
                }
                rows.push(IntervalRow {
                    interval: i,
                    queue: q.index(),
                    offered: per(c.offered),
                    answered: per(c.answered),
                    abandoned: per(c.abandoned),
                    unresolved: per(c.unresolved),
                    service_level,
                    sl_ci95_low,
                    sl_ci95_high,
                    // An interval the queue is closed throughout is not judged (§10.13).
                    target_met: (!service_level.is_nan() && sc.open_in_interval(q, i))
                        .then_some(service_level >= queue.sl_target),
                    asa: stats::ratio(micros(t.wait_us), c.answered as f64),
                    abandon_rate: c.abandon_rate(),
                    queue_avg: micros(t.queue_area_us) / reps / len,
                    queue_max: per(t.queue_max),
                    occupancy: headline_value(3, holding, productive),
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
            for t in sc.teams.keys() {
                let [logged_in, holding, spare] = self.teams[i * nt + t.index()].map(millis);
                let (avail, busy, unavail) = self.kinds(sc, i, t);
                rows.push(TeamIntervalRow {
                    interval: i,
                    team: t.index(),
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

/// A wait histogram in a fold state, written whole on the wire: its
/// bounds and significant digits, then the count of every bucket at full
/// width, so its size is fixed by its layout (not by the waits it holds)
/// and a fold read back merges to the same counts.
#[derive(Debug, Clone, PartialEq)]
struct WaitCounts(Histogram<u64>);

impl WaitCounts {
    /// An empty histogram of waits from 1 ms to `max_ms`, at `digits` significant digits.
    fn new(max_ms: u64, digits: u8) -> WaitCounts {
        WaitCounts(stats::wait_histogram_with(max_ms, digits))
    }
}

impl Serialize for WaitCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let h = &self.0;
        let mut t = s.serialize_tuple(3 + h.distinct_values())?;
        t.serialize_element(&h.high().to_le_bytes())?;
        t.serialize_element(&h.sigfig())?;
        t.serialize_element(&(h.distinct_values() as u64).to_le_bytes())?;
        for bucket in h.iter_all() {
            t.serialize_element(&bucket.count_at_value().to_le_bytes())?;
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for WaitCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<WaitCounts, D::Error> {
        /// Reads the header, then the counts the header's layout has.
        struct Buckets;
        impl<'de> Visitor<'de> for Buckets {
            type Value = WaitCounts;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a wait histogram's bounds and bucket counts")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<WaitCounts, A::Error> {
                let short = || A::Error::custom("a wait histogram ends early");
                let high = u64::from_le_bytes(seq.next_element()?.ok_or_else(short)?);
                let digits: u8 = seq.next_element()?.ok_or_else(short)?;
                let buckets = u64::from_le_bytes(seq.next_element()?.ok_or_else(short)?);
                let mut h = Histogram::new_with_bounds(1, high.max(2), digits)
                    .map_err(|e| A::Error::custom(format!("a wait histogram's bounds: {e:?}")))?;
                if buckets != h.distinct_values() as u64 {
                    return Err(A::Error::custom(
                        "a wait histogram's bucket count does not match its bounds",
                    ));
                }
                // One step of `next_non_equivalent` is one bucket, in the order `iter_all` wrote them.
                let mut value = 0;
                for _ in 0..buckets {
                    let count = u64::from_le_bytes(seq.next_element()?.ok_or_else(short)?);
                    if count > 0 {
                        h.record_n(value, count).map_err(|e| A::Error::custom(format!("{e:?}")))?;
                    }
                    value = h.next_non_equivalent(value);
                }
                Ok(WaitCounts(h))
            }
        }
        // The length covers the longest layout: the visitor reads what the header says.
        d.deserialize_tuple(usize::MAX, Buckets)
    }
}

/// Adds the histograms `part` holds to `acc` (each scope to its own).
fn merge_waits(acc: &mut [WaitCounts], part: &[WaitCounts]) {
    for (a, p) in acc.iter_mut().zip(part) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = a.0.add(&p.0);
    }
}

/// The histogram index of a scope among a run's wait histograms (total,
/// then each of `n_queues` queues); teams have no waits.
fn scope_index(scope: Scope, n_queues: usize) -> Option<usize> {
    match scope {
        Scope::Total => Some(0),
        Scope::Queue(q) if q.index() < n_queues => Some(q.index() + 1),
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
                let within = waits.count_between(0, stats::wait_ms(wait));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_histogram_is_written_whole_and_read_back_the_same() {
        let max_ms = 4 * 3_600_000;
        let mut filled = WaitCounts::new(max_ms, stats::WAIT_DIGITS);
        for (i, ms) in
            [0u64, 1, 2, 999, 1_000, 2_047, 2_048, 65_537, 1_234_567, max_ms].into_iter().enumerate()
        {
            filled.0.record_n(ms, i as u64 + 1).unwrap();
        }
        filled.0.record_n(31_000, u64::MAX / 4).unwrap();
        let empty = WaitCounts::new(max_ms, stats::WAIT_DIGITS);
        let (a, b) = (postcard::to_stdvec(&filled).unwrap(), postcard::to_stdvec(&empty).unwrap());
        // Every bucket at 8 bytes after the 17-byte header, full or empty.
        assert_eq!(a.len(), 17 + 8 * filled.0.distinct_values());
        assert_eq!(a.len(), b.len());
        assert_eq!(postcard::from_bytes::<WaitCounts>(&a).unwrap(), filled);
        assert_eq!(postcard::from_bytes::<WaitCounts>(&b).unwrap(), empty);
        // A section histogram (2 digits) too.
        let mut section = WaitCounts::new(max_ms, SECTION_DIGITS);
        section.0.record(45_678).unwrap();
        let back: WaitCounts = postcard::from_bytes(&postcard::to_stdvec(&section).unwrap()).unwrap();
        assert_eq!((back.0.sigfig(), back.0.count_at(45_678)), (SECTION_DIGITS, 1));
        // A cut or foreign header is refused, not misread.
        assert!(postcard::from_bytes::<WaitCounts>(&a[..a.len() - 1]).is_err());
        let mut other = a.clone();
        other[9..17].copy_from_slice(&7u64.to_le_bytes());
        assert!(postcard::from_bytes::<WaitCounts>(&other).is_err());
        // Bounds no histogram can have (9 significant digits) are refused too.
        let mut other = a.clone();
        other[8] = 9;
        assert!(postcard::from_bytes::<WaitCounts>(&other).is_err());
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
        let footprint = |sc: &Scenario, threads: usize| {
            let scenarios = std::slice::from_ref(sc);
            Workers::new(threads).unwrap().footprint(&Plan::new(scenarios), &Summaries::new(scenarios))
        };
        let check_fits = |sc: &Scenario, threads: usize, available: Option<u64>| {
            let scenarios = std::slice::from_ref(sc);
            Workers::new(threads).unwrap().check_fits(
                &Plan::new(scenarios),
                &Summaries::new(scenarios),
                available,
            )
        };
        let big = crate::scenario::parse(&text(1500), "big.toml", "big", &[]).unwrap();
        // 192,000 intervals × 1,504 statuses × 8 bytes: over 2 GiB per worker alone.
        assert!(footprint(&big, 2) > 8 << 30, "{}", footprint(&big, 2));
        let err = check_fits(&big, 2, Some(8 << 30)).unwrap_err().to_string();
        assert!(err.contains("GiB") && err.contains("interval"), "{err}");
        let small = crate::scenario::parse(
            &text(1).replace("horizon = \"4000d\"", "horizon = \"4000d\"\nreplications = 8"),
            "small.toml",
            "small",
            &[],
        )
        .unwrap();
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
        let workers = Workers::new(2).unwrap();
        let all = workers.footprint(&Plan::new(&scenarios), &Summaries::new(&scenarios));
        let first = &scenarios[..1];
        assert!(all > workers.footprint(&Plan::new(first), &Summaries::new(first)));
        let err =
            workers.check_fits(&Plan::new(&scenarios), &Summaries::new(&scenarios), Some(1)).unwrap_err();
        assert!(err.to_string().contains("3 variants"), "{err}");
        assert!(run_many(&[], 2, &|| ()).unwrap().is_empty());
    }
}
