//! `routesim compare`: two variants of a scenario run on common random
//! numbers and compared replication by replication (docs/model.md §14).
//!
//! Replication r of A and replication r of B draw from the same streams
//! (same seed, same replication number, streams keyed by names: §9), so
//! they see the same arrivals, handle times and patience wherever the two
//! scenarios agree. Every difference is taken per replication, B − A, and
//! its 95% interval is Student t over those paired differences: far tighter
//! than the difference of two independent runs. The differences are
//! folded exactly as each pair completes ([`crate::exact`]: the sums of A,
//! of B and of the differences and their squares), so a fold state does
//! not grow with the replications and merges to the same bytes however the
//! replications are split. The result folder holds
//! `compare.csv` (every summary metric), `compare_intervals.csv` (service
//! level, ASA, abandonment and occupancy per interval and queue), both
//! effective scenarios, a chart and `report.html`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_with::{As, Same};

use crate::driver::{Collector, Job, Plan, Workers};
use crate::error::{Error, Result, Setting};
use crate::exact::{Dyadic, Moments};
use crate::format::{Num, day_clock};
use crate::model::Scenario;
use crate::replicate::{HEADLINE, headline_parts};
use crate::report::{self, Destination};
use crate::rows::{self, CompareIntervalRecord, CompareRecord, ScopeKind};
use crate::scenario::{self, Loaded};
use crate::stats::{self, Metric, Scope, Tally, Unit};
use crate::wire::Le;
use ratio::RatioPair;

mod ratio;
mod verdict;

pub use verdict::{QueueVerdict, TeamVerdict, Verdict, verdict};

pub use crate::rows::{COMPARE_HEADER, COMPARE_INTERVALS_HEADER};

/// Two scenarios to compare, loaded and checked to be pairable.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Variant A (the first file, with the `--set` overrides).
    pub a: Loaded,
    /// Variant B (the second file, or the first with `--with` overrides too).
    pub b: Loaded,
    /// How B was made, for the printed header: a file, or `--with` overrides.
    pub b_from: String,
    /// A's file name, with the `--set` overrides of both.
    a_label: String,
    /// What B is: B's file name, or A's with the `--with` overrides.
    b_label: String,
    /// What differs between A and B: the `--with` overrides, or the keys
    /// added, removed and changed from A's effective scenario to B's.
    pub b_differs: Vec<String>,
}

impl Comparison {
    /// How A is named everywhere: "A: coaching.toml".
    pub fn a_name(&self) -> String {
        format!("A: {}", self.a_label)
    }

    /// Whether B is a second file (not A with `--with` overrides).
    fn b_label_is_file(&self) -> bool {
        !self.b_label.starts_with(&format!("{} with ", self.a_label))
    }

    /// How B is named everywhere: "B: coaching.toml with status.Coaching.enabled=false".
    pub fn b_name(&self) -> String {
        format!("B: {}", self.b_label)
    }
}

/// A file's name for labels: its last component.
fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The keys that differ between two effective scenarios, as
/// `+key = value` (added in B), `-key` (removed) and `key: a → b` (changed),
/// in key order; arrays of tables are compared element by element.
pub fn differing_keys(a: &str, b: &str) -> Vec<String> {
    fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
        let key = |k: &str| if prefix.is_empty() { k.to_owned() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    flatten(&key(k), v, out);
                }
            }
            toml::Value::Array(xs) if xs.iter().all(toml::Value::is_table) && !xs.is_empty() => {
                for (i, x) in xs.iter().enumerate() {
                    flatten(&key(&i.to_string()), x, out);
                }
            }
            other => {
                out.insert(prefix.to_owned(), other.to_string());
            }
        }
    }
    let parse = |s: &str| {
        let mut out = BTreeMap::new();
        if let Ok(v) = s.parse::<toml::Table>() {
            flatten("", &toml::Value::Table(v), &mut out);
        }
        out
    };
    let (x, y) = (parse(a), parse(b));
    let mut out = Vec::new();
    for (k, va) in &x {
        match y.get(k) {
            None => out.push(format!("-{k}")),
            Some(vb) if vb != va => out.push(format!("{k}: {va} → {vb}")),
            Some(_) => {}
        }
    }
    for (k, vb) in &y {
        if !x.contains_key(k) {
            out.push(format!("+{k} = {vb}"));
        }
    }
    out
}

/// Loads A from `a` and B from `b` (or from `a` with the `with` overrides),
/// both with the `set` overrides, and checks that their replications can
/// be paired: same seed, replications, horizon and interval.
pub fn load(a: &Path, b: Option<&Path>, with: &[String], set: &[String]) -> Result<Comparison> {
    load_from(&crate::input::Disk, a, b, with, set)
}

/// [`load`], reading the scenarios and their forecasts from `files`.
pub(crate) fn load_from(
    files: &dyn crate::input::Source,
    a: &Path,
    b: Option<&Path>,
    with: &[String],
    set: &[String],
) -> Result<Comparison> {
    let (b_path, b_set, b_from) = match (b, with.is_empty()) {
        (Some(_), false) => {
            return Err(Error::Setting {
                setting: Setting::CompareWith,
                value: String::new(),
                message: "give either a second scenario file or overrides of A for B, not both".into(),
            });
        }
        (None, true) => {
            return Err(Error::Setting {
                setting: Setting::CompareWith,
                value: String::new(),
                message: "nothing to compare: give a second scenario file (`compare A.toml B.toml`) or at \
                          least one override of A for B (`compare A.toml --with routing.assignment=\"accept\"`)"
                    .into(),
            });
        }
        (Some(b), true) => (b, set.to_vec(), b.display().to_string()),
        (None, false) => {
            let mut all = set.to_vec();
            all.extend(with.iter().cloned());
            let shown: Vec<String> = with.iter().map(|w| format!("--with {w}")).collect();
            (a, all, format!("{} {}", a.display(), shown.join(" ")))
        }
    };
    let (a_path, b_file) = (a, b);
    let a = scenario::load_effective_from(files, a, set)?;
    let b = scenario::load_effective_from(files, b_path, &b_set)?;
    let (x, y) = (&a.scenario, &b.scenario);
    let mismatch = |what: &str, va: String, vb: String, fix: &str| Error::Setting {
        setting: Setting::CompareWith,
        value: String::new(),
        message: format!(
            "A and B must pair replication by replication, but their {what} differ (A: {va}, B: {vb}); {fix}"
        ),
    };
    if x.seed != y.seed {
        return Err(mismatch("seeds", x.seed.to_string(), y.seed.to_string(), "give both the same `seed`"));
    }
    if x.replications != y.replications {
        return Err(mismatch(
            "replications",
            x.replications.to_string(),
            y.replications.to_string(),
            "give both the same `replications`",
        ));
    }
    if x.horizon != y.horizon || x.warmup != y.warmup {
        return Err(mismatch(
            "horizons or warm-ups",
            format!("{} s, {} s", x.horizon, x.warmup),
            format!("{} s, {} s", y.horizon, y.warmup),
            "give both the same `horizon` and `warmup`",
        ));
    }
    if x.interval != y.interval {
        return Err(mismatch(
            "reporting intervals",
            format!("{} s", x.interval),
            format!("{} s", y.interval),
            "give both the same `interval`",
        ));
    }
    // Queues pair by name: with none in common nothing the comparison reports
    // about service is about the same work (docs/model.md §14).
    if !x.queues.iter().any(|q| y.queues.iter().any(|r| r.name == q.name)) {
        let names =
            |sc: &crate::Scenario| sc.queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", ");
        return Err(Error::Setting {
            setting: Setting::CompareWith,
            value: String::new(),
            message: format!(
                "A and B share no queue (A: {}; B: {}), so they answer different questions; compare two \
                 versions of the same help desk (a queue renamed in B counts as a different queue)",
                names(x),
                names(y)
            ),
        });
    }
    // `-r`/`--seed` (or `--set replications=`/`seed=`) apply to both and the
    // header states them, so they do not name A or B.
    let shared: Vec<&str> = set
        .iter()
        .map(String::as_str)
        .filter(|s| !matches!(s.split_once('=').map(|(k, _)| k.trim()), Some("replications" | "seed")))
        .collect();
    let with_set = if shared.is_empty() { String::new() } else { format!(" with {}", shared.join(" ")) };
    let a_label = format!("{}{with_set}", file_label(a_path));
    let (b_label, b_differs) = match b_file {
        Some(bp) => (
            format!("{}{with_set}", file_label(bp)),
            differing_keys(&a.effective_toml, &b.effective_toml)
                .into_iter()
                .filter(|k| !k.starts_with("name:") && k != "name")
                .collect(),
        ),
        None => (format!("{} with {}", a_label, with.join(" ")), with.to_vec()),
    };
    Ok(Comparison { a, b, b_from, a_label, b_label, b_differs })
}

/// One compared number: A's and B's means and the paired difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// Mean of A over the paired replications.
    pub a_mean: f64,
    /// Mean of B over the paired replications.
    pub b_mean: f64,
    /// Mean of the paired differences B − A (equal to `b_mean − a_mean`).
    pub diff: f64,
    /// Student-t 95% interval of the mean difference (NaN with fewer than 2 pairs).
    pub low: f64,
    /// Upper end of that interval.
    pub high: f64,
    /// Replications where both values exist.
    pub n: u32,
    /// Whether the interval excludes zero (docs/model.md §14).
    pub significant: bool,
    /// For a difference that is not significant: about how many
    /// replications would make an interval of the same spread exclude zero
    /// (`None`: significant, no spread, or a difference of exactly zero).
    pub needed: Option<u64>,
}

impl Diff {
    /// The paired comparison of `a[r]` and `b[r]`, over the replications where both are finite.
    pub fn of(a: &[f64], b: &[f64]) -> Diff {
        let mut sums = PairSums::default();
        for (&x, &y) in a.iter().zip(b) {
            sums.add(x, y);
        }
        sums.diff()
    }
}

/// One compared number's pairs, folded exactly: the sums of A and of B and
/// the moments of the exact differences B − A, over the replications where
/// both values are defined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct PairSums {
    a: Dyadic,
    b: Dyadic,
    d: Moments,
}

impl PairSums {
    /// Adds the pair (`a`, `b`) of one replication; left out unless both are finite.
    fn add(&mut self, a: f64, b: f64) {
        let (Some(a), Some(b)) = (Dyadic::of(a), Dyadic::of(b)) else { return };
        let mut d = b.clone();
        d.sub(&a);
        self.a.add(&a);
        self.b.add(&b);
        self.d.add_exact(&d);
    }

    fn merge(&mut self, other: &PairSums) {
        self.a.add(&other.a);
        self.b.add(&other.b);
        self.d.merge(&other.d);
    }

    /// The comparison (docs/model.md §14).
    fn diff(&self) -> Diff {
        let n = self.d.count();
        let mean = |sum: &Dyadic| if n == 0 { f64::NAN } else { sum.div(u128::from(n)) };
        let (diff, low, high, n) = self.d.mean_ci();
        let spread = !self.d.is_constant();
        let (low, high) = if n >= 2 && !spread { (diff, diff) } else { (low, high) };
        let significant = n >= 2 && (low > 0.0 || high < 0.0);
        let needed = if significant || !spread || diff == 0.0 || n < 2 {
            None
        } else {
            Some(replications_needed(diff, self.d.variance().sqrt()))
        };
        Diff { a_mean: mean(&self.a), b_mean: mean(&self.b), diff, low, high, n, significant, needed }
    }
}

/// About how many paired replications make a 95% interval around a mean
/// difference `d` with standard deviation `sd` exclude zero: the least n
/// with t(0.975, n − 1) · sd / √n < |d| (at most 1,000,000).
fn replications_needed(d: f64, sd: f64) -> u64 {
    let mut n = ((1.96 * sd / d.abs()).powi(2)).ceil().max(2.0);
    for _ in 0..20 {
        let t = stats::t975(n as u32 - 1);
        let next = ((t * sd / d.abs()).powi(2)).ceil().max(2.0);
        if next == n {
            break;
        }
        n = next;
    }
    n.min(1_000_000.0) as u64
}

/// One summary row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryDiff {
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// The queue's or team's name, `all` for the total.
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// The comparison.
    pub diff: Diff,
}

/// One interval row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalDiff {
    /// Reporting interval.
    pub interval: usize,
    /// Its start, seconds from day 0.
    pub start: f64,
    /// The queue's name.
    pub queue: String,
    /// Service level, ASA, abandon rate or occupancy.
    pub metric: Metric,
    /// The comparison: the pooled ratios of A and B and the ratio
    /// estimator's interval of their difference (docs/model.md §14, per-interval differences).
    pub diff: Diff,
    /// When the interval is withheld: the replications Cochran's rule asks
    /// for, from the skewness of this queue and metric over its intervals
    /// (`None`: the interval is given).
    pub interval_needs: Option<u64>,
}

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct Compared {
    /// Every summary row both variants have, in A's order.
    pub summary: Vec<SummaryDiff>,
    /// Per interval, then queue (A's queues that B also has), then metric.
    pub intervals: Vec<IntervalDiff>,
    /// A's calendar: how the intervals are labelled.
    pub calendar: crate::calendar::Calendar,
    /// Summary rows of a scope both have that only one side has (offers and
    /// missed offers when only B offers): that side's mean, the other `None`.
    pub one_sided: Vec<OneSided>,
    /// Per interval, then queue (as `intervals` without the metrics): the
    /// service level of A and of B pooled over the replications.
    pub pooled: Vec<PooledSl>,
}

/// A summary row only one variant has, under a scope both have.
#[derive(Debug, Clone, PartialEq)]
pub struct OneSided {
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// The queue's or team's name (`all` for the total).
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// A's mean over its replications, when only A has the row.
    pub a_mean: Option<f64>,
    /// B's mean over its replications, when only B has the row.
    pub b_mean: Option<f64>,
}

/// One interval and queue's service level pooled over the replications,
/// as intervals.csv gives it: the sums of the numerators and denominators.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledSl {
    /// Reporting interval.
    pub interval: usize,
    /// The queue's name.
    pub queue: String,
    /// A's summed numerator and denominator (conversations).
    pub a: [u64; 2],
    /// B's summed numerator and denominator (conversations).
    pub b: [u64; 2],
}

impl PooledSl {
    /// A's pooled service level (fraction 0-1; NaN without traffic).
    pub fn a_sl(&self) -> f64 {
        stats::ratio(self.a[0] as f64, self.a[1] as f64)
    }
    /// B's pooled service level (fraction 0-1; NaN without traffic).
    pub fn b_sl(&self) -> f64 {
        stats::ratio(self.b[0] as f64, self.b[1] as f64)
    }
}

/// The collector of `compare`: for every summary row both variants have
/// and every interval, queue and metric of `compare_intervals.csv`, the
/// exact sums of the pairs (A's replication r, B's replication r) folded so
/// far. A replication's values wait in the fold state until the other
/// variant's same replication is folded beside them; `Comparison::run`
/// hands the workers each replication's A and B one after the other, so
/// few wait at once.
pub struct Paired<'a> {
    both: &'a [Scenario; 2],
    /// The summary rows both have: A's row, B's row, and what the row is.
    summary: Vec<SummaryCell>,
    /// Per interval, A's queues that B has: the cell of each (`i * queues + q`) in A and in B.
    intervals: Vec<IntervalCell>,
    /// Summary rows of a scope both have that only A (`of_a`) or only B has.
    one_sided: Vec<OneSidedCell>,
}

/// A summary row only one variant has, under a scope both have.
struct OneSidedCell {
    scope: ScopeKind,
    name: String,
    metric: Metric,
    of_a: bool,
    /// Its row in that side's layout.
    row: usize,
}

/// A summary row both variants have.
struct SummaryCell {
    scope: ScopeKind,
    name: String,
    metric: Metric,
    a: usize,
    b: usize,
}

/// An interval and queue both variants have.
struct IntervalCell {
    interval: usize,
    queue: String,
    a: usize,
    b: usize,
}

impl<'a> Paired<'a> {
    /// The collector for A (`both[0]`) and B (`both[1]`): pairs the rows both
    /// have (same scope, name and metric; a queue or team only one has is
    /// left out), in A's order.
    pub fn new(both: &'a [Scenario; 2]) -> Paired<'a> {
        let [a, b] = both;
        let (la, lb) = (stats::layout(a), stats::layout(b));
        let key = |sc: &Scenario, (scope, m): &(Scope, Metric)| {
            (ScopeKind::from(*scope), scope.name(sc).to_owned(), *m)
        };
        let mut summary = Vec::new();
        for (ia, row) in la.iter().enumerate() {
            let (scope, name, metric) = key(a, row);
            if let Some(ib) = lb.iter().position(|r| key(b, r) == (scope, name.clone(), metric)) {
                summary.push(SummaryCell { scope, name, metric, a: ia, b: ib });
            }
        }
        // Rows one side lacks, under a scope (total, queue or team) both have.
        let scopes = |sc: &Scenario, l: &[(Scope, Metric)]| -> Vec<(ScopeKind, String)> {
            l.iter().map(|r| (key(sc, r).0, key(sc, r).1)).collect()
        };
        let (sa, sb) = (scopes(a, &la), scopes(b, &lb));
        let mut one_sided = Vec::new();
        for (of_a, (sc, l, other, other_l)) in [(true, (a, &la, &sb, &lb)), (false, (b, &lb, &sa, &la))] {
            let other_sc = if of_a { b } else { a };
            for (row, r) in l.iter().enumerate() {
                let (scope, name, metric) = key(sc, r);
                let scope_shared = other.contains(&(scope, name.clone()));
                let row_shared = other_l.iter().any(|o| key(other_sc, o) == (scope, name.clone(), metric));
                if scope_shared && !row_shared {
                    one_sided.push(OneSidedCell { scope, name, metric, of_a, row });
                }
            }
        }
        let mut intervals = Vec::new();
        let (na, nb) = (a.queues.len(), b.queues.len());
        for i in 0..a.interval_count().min(b.interval_count()) {
            for (qa, queue) in a.queues.iter().enumerate() {
                if let Some(qb) = b.queues.iter().position(|x| x.name == queue.name) {
                    intervals.push(IntervalCell {
                        interval: i,
                        queue: queue.name.clone(),
                        a: i * na + qa,
                        b: i * nb + qb,
                    });
                }
            }
        }
        Paired { both, summary, intervals, one_sided }
    }

    /// The cells of a fold: the summary rows.
    fn cells(&self) -> usize {
        self.summary.len()
    }

    /// Folds replication `r`'s values of A and of B into `fold`'s sums.
    fn pair(&self, fold: &mut PairFold, a: &Side, b: &Side) {
        for (cell, sums) in self.summary.iter().zip(&mut fold.cells) {
            sums.add(a.values[cell.a], b.values[cell.b]);
        }
        for (cell, ratios) in self.intervals.iter().zip(&mut fold.ratios) {
            for (m, r) in ratios.iter_mut().enumerate() {
                r.add(a.intervals[cell.a][m], b.intervals[cell.b][m]);
            }
        }
        for (cell, m) in self.one_sided.iter().zip(&mut fold.one_sided) {
            m.add(if cell.of_a { a.values[cell.row] } else { b.values[cell.row] });
        }
    }

    /// Adds the side `side` of replication `r` (of A when `of_a`): paired
    /// at once with the other variant's if that waits, else it waits.
    fn meet(&self, fold: &mut PairFold, r: u32, of_a: bool, side: Side) {
        let other = if of_a { fold.waiting_b.remove(&r) } else { fold.waiting_a.remove(&r) };
        match other {
            Some(other) if of_a => self.pair(fold, &side, &other),
            Some(other) => self.pair(fold, &other, &side),
            None if of_a => drop(fold.waiting_a.insert(r, side)),
            None => drop(fold.waiting_b.insert(r, side)),
        }
    }

    /// The comparison a fold of every job gives (replications of A or B
    /// left unpaired, a bug, are an internal error).
    pub fn compared(&self, fold: &PairFold) -> Result<Compared> {
        if let Some(r) = fold.waiting_a.keys().chain(fold.waiting_b.keys()).next() {
            return Err(Error::Internal(format!(
                "replication {r} of the comparison was not run for A and B"
            )));
        }
        let count = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
        let pooled = self
            .intervals
            .iter()
            .zip(&fold.ratios)
            .map(|(c, [sl, ..])| PooledSl {
                interval: c.interval,
                queue: c.queue.clone(),
                a: [count(sl.a().0), count(sl.a().1)],
                b: [count(sl.b().0), count(sl.b().1)],
            })
            .collect();
        Ok(Compared {
            pooled,
            summary: self
                .summary
                .iter()
                .zip(&fold.cells)
                .map(|(c, sums)| SummaryDiff {
                    scope: c.scope,
                    name: c.name.clone(),
                    metric: c.metric,
                    diff: sums.diff(),
                })
                .collect(),
            intervals: self.interval_diffs(fold),
            one_sided: self
                .one_sided
                .iter()
                .zip(&fold.one_sided)
                .map(|(c, m)| OneSided {
                    scope: c.scope,
                    name: c.name.clone(),
                    metric: c.metric,
                    a_mean: c.of_a.then(|| m.mean()),
                    b_mean: (!c.of_a).then(|| m.mean()),
                })
                .collect(),
            calendar: self.both[0].calendar,
        })
    }
}

impl Paired<'_> {
    /// The per-interval comparison: each cell's pooled ratios and interval,
    /// the interval withheld where Cochran's rule (n > 25·G1², G1² the mean
    /// over the queue's intervals of the paired residuals' squared
    /// skewness, per metric) asks for more replications than were run
    /// (docs/model.md §14, per-interval differences).
    fn interval_diffs(&self, fold: &PairFold) -> Vec<IntervalDiff> {
        let interval = self.both[0].interval;
        let mut skew: BTreeMap<(&str, usize), (f64, u32)> = BTreeMap::new();
        for (c, ratios) in self.intervals.iter().zip(&fold.ratios) {
            for (m, r) in ratios.iter().enumerate() {
                let g2 = r.skewness_squared();
                if g2.is_finite() {
                    let e = skew.entry((c.queue.as_str(), m)).or_default();
                    e.0 += g2;
                    e.1 += 1;
                }
            }
        }
        let mut out = Vec::with_capacity(self.intervals.len() * HEADLINE.len());
        for (c, ratios) in self.intervals.iter().zip(&fold.ratios) {
            for (m, (&metric, r)) in HEADLINE.iter().zip(ratios).enumerate() {
                let mut diff = r.diff(m);
                let needs = skew
                    .get(&(c.queue.as_str(), m))
                    .map(|&(sum, count)| (ratio::COCHRAN * sum / f64::from(count)).ceil())
                    .filter(|&need| need > f64::from(diff.n) && !diff.low.is_nan())
                    .map(|need| need.min(1e9) as u64);
                if needs.is_some() {
                    (diff.low, diff.high, diff.significant) = (f64::NAN, f64::NAN, false);
                }
                out.push(IntervalDiff {
                    interval: c.interval,
                    start: c.interval as f64 * interval,
                    queue: c.queue.clone(),
                    metric,
                    diff,
                    interval_needs: needs,
                });
            }
        }
        out
    }
}

/// What [`Paired`] keeps: the exact sums of every compared cell, and the
/// values of replications whose other variant is not folded here yet. It
/// serializes, and merging two folds of disjoint jobs is exact (a
/// replication's A and B meet in whichever fold holds both).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairFold {
    /// Per summary row both have: the paired sums.
    cells: Vec<PairSums>,
    /// Per interval cell, per headline metric: the paired ratio sums.
    ratios: Vec<[RatioPair; 4]>,
    /// Per one-sided row: its side's values.
    one_sided: Vec<Moments>,
    /// Replications whose B is not folded here yet (empty in a shard's
    /// part: a replication's A and B go to the same shard).
    #[serde(with = "As::<BTreeMap<Le, Same>>")]
    waiting_a: BTreeMap<u32, Side>,
    /// Replications whose A is not folded here yet.
    #[serde(with = "As::<BTreeMap<Le, Same>>")]
    waiting_b: BTreeMap<u32, Side>,
}

/// One variant's values of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Side {
    values: Vec<f64>,
    /// Per interval and queue, each headline metric's numerator and denominator.
    #[serde(with = "As::<Vec<[(Le, Le); 4]>>")]
    intervals: Vec<[(i128, i128); 4]>,
}

impl Collector for Paired<'_> {
    type Fold = PairFold;

    fn empty(&self) -> PairFold {
        PairFold {
            cells: vec![PairSums::default(); self.cells()],
            ratios: vec![std::array::from_fn(|_| RatioPair::default()); self.intervals.len()],
            one_sided: vec![Moments::default(); self.one_sided.len()],
            waiting_a: BTreeMap::new(),
            waiting_b: BTreeMap::new(),
        }
    }

    fn add(&self, fold: &mut PairFold, job: Job, sc: &Scenario, tally: &Tally) {
        let side = Side { values: tally.summary_values(sc), intervals: headline_parts(sc, tally) };
        self.meet(fold, job.replication, job.variant == 0, side);
    }

    fn merge(&self, fold: &mut PairFold, other: PairFold) {
        for (mine, theirs) in fold.cells.iter_mut().zip(&other.cells) {
            mine.merge(theirs);
        }
        for (mine, theirs) in fold.one_sided.iter_mut().zip(&other.one_sided) {
            mine.merge(theirs);
        }
        for (mine, theirs) in fold.ratios.iter_mut().zip(&other.ratios) {
            for (x, y) in mine.iter_mut().zip(theirs) {
                x.merge(y);
            }
        }
        for (r, side) in other.waiting_a {
            self.meet(fold, r, true, side);
        }
        for (r, side) in other.waiting_b {
            self.meet(fold, r, false, side);
        }
    }

    fn fold_bytes(&self) -> u64 {
        // The summary cells' sums (about 300 bytes each), the interval
        // cells' ratio sums, and a few waiting replications.
        let side =
            |sc: &Scenario| (stats::layout(sc).len() * 8 + sc.interval_count() * sc.queues.len() * 64) as u64;
        let ratios = (self.intervals.len() * std::mem::size_of::<[RatioPair; 4]>()) as u64;
        self.cells() as u64 * 300 + ratios + 2 * self.both.iter().map(side).sum::<u64>()
    }

    fn shared_bytes(&self) -> u64 {
        // The merged fold and the comparison made of it.
        self.cells() as u64 * 400 + self.intervals.len() as u64 * 4 * 400
    }
}

impl Comparison {
    /// Replications to run (each of A and B).
    pub fn replications(&self) -> u32 {
        self.a.scenario.replications
    }

    /// A and B, the comparison's plan: variant 0 and variant 1.
    pub fn scenarios(&self) -> [Scenario; 2] {
        [self.a.scenario.clone(), self.b.scenario.clone()]
    }

    /// Runs replication r of A and of B for every r on `workers`, calling
    /// `progress` after each of the 2 × replications runs, and compares
    /// them. Replication r of A and of B run on the same streams, on
    /// whichever worker; the result does not depend on the thread count.
    pub fn run(&self, workers: &Workers, progress: &(dyn Fn() + Sync)) -> Result<Compared> {
        let both = self.scenarios();
        let paired = Paired::new(&both);
        let fold = workers.fold(&Plan::new(&both), &pair_order(self.replications()), &paired, progress)?;
        paired.compared(&fold)
    }

    /// The collector's memory check, for the command's preflight.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        let both = self.scenarios();
        workers.check_fits(&Plan::new(&both), &Paired::new(&both), available)
    }
}

/// Every job of a comparison of `replications` replications, replication
/// by replication (A's r, then B's r): a worker mostly runs both sides of
/// a replication, so they are paired at once and few wait.
pub fn pair_order(replications: u32) -> Vec<Job> {
    (0..replications)
        .flat_map(|replication| (0..2).map(move |variant| Job { variant, replication }))
        .collect()
}

/// `compare.csv`: every summary row both variants have.
pub fn compare_csv(c: &Compared) -> Result<Vec<u8>> {
    let records = c.summary.iter().map(|r| CompareRecord {
        scope: r.scope,
        name: r.name.clone(),
        metric: r.metric,
        unit: r.metric.unit(),
        a_mean: Num(r.diff.a_mean),
        b_mean: Num(r.diff.b_mean),
        diff_mean: Num(r.diff.diff),
        diff_ci95_low: Num(r.diff.low),
        diff_ci95_high: Num(r.diff.high),
        replications: r.diff.n,
        significant: r.diff.significant,
    });
    rows::to_bytes("compare.csv", records)
}

/// `compare_intervals.csv`: the headline metrics per interval and queue.
pub fn compare_intervals_csv(c: &Compared) -> Result<Vec<u8>> {
    let records = c.intervals.iter().map(|r| {
        let (day, start) = day_clock(r.start);
        let record = CompareIntervalRecord {
            interval: r.interval,
            day,
            start,
            start_seconds: Num(r.start),
            queue: r.queue.clone(),
            metric: r.metric,
            unit: r.metric.unit(),
            a_mean: Num(r.diff.a_mean),
            b_mean: Num(r.diff.b_mean),
            diff_mean: Num(r.diff.diff),
            diff_ci95_low: Num(r.diff.low),
            diff_ci95_high: Num(r.diff.high),
            replications: r.diff.n,
            significant: r.diff.significant,
            replications_for_interval: r.interval_needs,
        };
        (r.start, record)
    });
    rows::write_dated("compare_intervals.csv", c.calendar, &rows::COMPARE_INTERVALS_HEADER, records)
}

/// Writes the result folder whole: the two CSV files, `a.toml`, `b.toml`,
/// A's attachments (a forecast), the chart and, with `report`, report.html.
pub fn write_all(
    target: &Destination,
    c: &Comparison,
    compared: &Compared,
    report: bool,
) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("compare.csv", compare_csv(compared)?),
        ("compare_intervals.csv", compare_intervals_csv(compared)?),
        ("compare.json", verdict::json_bytes(c, &verdict(c, compared), &compared.one_sided)?),
        ("a.toml", c.a.effective_toml.clone().into_bytes()),
        ("b.toml", c.b.effective_toml.clone().into_bytes()),
    ];
    files.extend(c.a.attachments.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())));
    let name = format!("{} vs {}", c.a.scenario.name, c.b.scenario.name);
    report::write_with_charts(target, &name, crate::plot::Kind::Compare, &files, report)
}

/// The printed comparison: what A and B are, the verdict per queue and
/// team ([`verdict`]), then the other significant differences, the
/// clearest first (|difference| over its interval's half-width, so a
/// change from zero does not come first for being infinite in relative
/// terms; rows with the same figures under several scopes shown once),
/// and one line for the rows that cannot be told apart. Never prints NaN.
pub fn table(c: &Comparison, compared: &Compared) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}\n{}", c.a_name(), c.b_name());
    if !c.b_differs.is_empty() && c.b_label_is_file() {
        let _ = writeln!(o, "B differs from A in: {}", c.b_differs.join("; "));
    }
    let _ = writeln!(
        o,
        "{} replications each on the same streams, seed {}; differences are B − A with 95% intervals",
        c.replications(),
        c.a.scenario.seed
    );
    o.push_str(&verdict::lines(&verdict(c, compared)));
    let show = |unit: Unit, v: f64| -> String {
        if !v.is_finite() {
            return "—".into();
        }
        match unit {
            Unit::Fraction => format!("{:.1}%", v * 100.0),
            Unit::Seconds => format!("{v:.1}s"),
            Unit::AgentSeconds => format!("{:.1}h", v / 3600.0),
            Unit::Count => format!("{v:.2}"),
        }
    };
    let show_diff = |unit: Unit, d: &Diff| -> String {
        let f = |v: f64| match unit {
            Unit::Fraction => format!("{:+.1}", v * 100.0),
            Unit::Seconds => format!("{v:+.1}s"),
            Unit::AgentSeconds => format!("{:+.1}h", v / 3600.0),
            Unit::Count => format!("{v:+.2}"),
        };
        let pts = if unit == Unit::Fraction { " pts" } else { "" };
        if d.low.is_finite() && d.high.is_finite() && d.low != d.high {
            format!("{}{pts} [{}, {}]", f(d.diff), f(d.low), f(d.high))
        } else if d.diff.is_finite() {
            format!("{}{pts}", f(d.diff))
        } else {
            "—".into()
        }
    };
    let (mut yes, mut undecided): (Vec<(&SummaryDiff, Vec<String>)>, usize) = (Vec::new(), 0);
    // The verdict's rows, and rows with their figures under another scope, are not repeated.
    let verdict_rows: Vec<&SummaryDiff> =
        compared.summary.iter().filter(|r| verdict::in_verdict(r.scope, r.metric)).collect();
    for r in &compared.summary {
        let d = &r.diff;
        if !d.significant {
            undecided += usize::from(d.n > 0);
            continue;
        }
        let same = |x: &Diff| {
            x.a_mean.to_bits() == d.a_mean.to_bits()
                && x.b_mean.to_bits() == d.b_mean.to_bits()
                && x.low.to_bits() == d.low.to_bits()
                && x.high.to_bits() == d.high.to_bits()
        };
        let scope = format!("{} {}", r.scope.name(), r.name);
        if verdict_rows.iter().any(|y| y.metric == r.metric && same(&y.diff)) {
            continue;
        }
        match yes.iter_mut().find(|(y, _)| y.metric == r.metric && same(&y.diff)) {
            Some((_, also)) => also.push(scope),
            None => yes.push((r, Vec::new())),
        }
    }
    yes.sort_by(|(x, _), (y, _)| clearness(&y.diff).total_cmp(&clearness(&x.diff)));
    if yes.is_empty() {
        let any = verdict_rows.iter().any(|r| r.diff.significant);
        let _ = writeln!(
            o,
            "{}",
            if any { "no other significant difference" } else { "no significant difference" }
        );
    } else {
        let _ = writeln!(o, "other significant differences ({}), clearest first:", yes.len());
        let _ = writeln!(o, "{:<22} {:<20} {:>10} {:>10}  B − A [95% CI]", "scope", "metric", "A", "B");
        for (r, also) in &yes {
            let u = r.metric.unit();
            let tail =
                if also.is_empty() { String::new() } else { format!("  (same for {})", also.join(", ")) };
            let _ = writeln!(
                o,
                "{:<22} {:<20} {:>10} {:>10}  {:<28}{tail}",
                format!("{} {}", r.scope.name(), r.name),
                r.metric.name(),
                show(u, r.diff.a_mean),
                show(u, r.diff.b_mean),
                show_diff(u, &r.diff)
            );
        }
    }
    if !compared.one_sided.is_empty() {
        // Rows with the same figures under several scopes shown once, as above.
        let mut rows: Vec<(&OneSided, Vec<String>)> = Vec::new();
        for r in &compared.one_sided {
            let bits = |v: Option<f64>| v.map(f64::to_bits);
            let same = |y: &OneSided| {
                y.metric == r.metric && bits(y.a_mean) == bits(r.a_mean) && bits(y.b_mean) == bits(r.b_mean)
            };
            match rows.iter_mut().find(|(y, _)| same(y)) {
                Some((_, also)) => also.push(format!("{} {}", r.scope.name(), r.name)),
                None => rows.push((r, Vec::new())),
            }
        }
        let _ = writeln!(o, "only one side has ({}):", rows.len());
        let _ = writeln!(o, "{:<22} {:<20} {:>10} {:>10}", "scope", "metric", "A", "B");
        for (r, also) in &rows {
            let u = r.metric.unit();
            let side = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| show(u, v));
            let tail =
                if also.is_empty() { String::new() } else { format!("  (same for {})", also.join(", ")) };
            let _ = writeln!(
                o,
                "{:<22} {:<20} {:>10} {:>10}{tail}",
                format!("{} {}", r.scope.name(), r.name),
                r.metric.name(),
                side(r.a_mean),
                side(r.b_mean)
            );
        }
    }
    if undecided > 0 {
        let _ = writeln!(
            o,
            "{undecided} other rows cannot be told apart at {} replications (compare.csv has every row)",
            c.replications()
        );
    }
    o
}

/// How clearly a difference differs from zero: |difference| over its
/// interval's half-width (infinite for a constant nonzero difference).
fn clearness(d: &Diff) -> f64 {
    let half = (d.high - d.low) / 2.0;
    if half > 0.0 {
        d.diff.abs() / half
    } else if d.diff != 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_differences_give_student_t_and_significance() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [1.5, 2.4, 3.6, 4.5];
        let d = Diff::of(&a, &b);
        assert_eq!(d.n, 4);
        assert!((d.diff - 0.5).abs() < 1e-12 && (d.b_mean - d.a_mean - d.diff).abs() < 1e-12);
        // diffs 0.5, 0.4, 0.6, 0.5: sd = 0.0816, t(3) = 3.182, half = 0.1299.
        assert!((d.high - d.low - 2.0 * 3.182_446 * 0.081_65 / 2.0).abs() < 1e-3, "{d:?}");
        assert!(d.significant && d.needed.is_none());
    }

    #[test]
    fn identical_variants_differ_by_exactly_zero_and_not_significantly() {
        let a = [0.8, 0.7, f64::NAN, 0.9];
        let d = Diff::of(&a, &a);
        assert_eq!((d.diff, d.low, d.high, d.n, d.significant, d.needed), (0.0, 0.0, 0.0, 3, false, None));
    }

    #[test]
    fn a_constant_nonzero_difference_is_significant_with_a_point_interval() {
        let d = Diff::of(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]);
        assert_eq!((d.diff, d.low, d.high, d.significant), (1.0, 1.0, 1.0, true));
    }

    #[test]
    fn an_undecided_difference_says_how_many_replications_would_decide_it() {
        // Mean 0.1, sd 1: about (1.96 / 0.1)² ≈ 385 pairs.
        let diffs = [1.1, -0.9, 1.1, -0.9, 0.1, 0.1];
        let a = [0.0; 6];
        let d = Diff::of(&a, &diffs);
        assert!(!d.significant);
        let n = d.needed.unwrap_or(0);
        let sd = (diffs.iter().map(|x| (x - 0.1f64).powi(2)).sum::<f64>() / 5.0).sqrt();
        let want = (1.96 * sd / 0.1f64).powi(2);
        assert!((n as f64) > want && (n as f64) < want * 1.02 + 2.0, "{n} vs {want}");
        // And at that many, t · sd / √n is just under the difference.
        assert!(stats::t975(n as u32 - 1) * sd / (n as f64).sqrt() < 0.1);
        assert!(stats::t975(n as u32 - 2) * sd / (n as f64 - 1.0).sqrt() >= 0.1);
    }

    #[test]
    fn fewer_than_two_pairs_give_no_interval_and_no_verdict() {
        let d = Diff::of(&[1.0], &[2.0]);
        assert_eq!(d.n, 1);
        assert!(d.low.is_nan() && d.high.is_nan() && !d.significant);
    }
}
