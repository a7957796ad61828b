//! `routesim compare`: two variants of a scenario run on common random
//! numbers and compared replication by replication (docs/model.md §14).
//!
//! Replication r of A and replication r of B draw from the same streams
//! (same seed, same replication number, streams keyed by names: §9), so
//! they see the same arrivals, handle times and patience wherever the two
//! scenarios agree. Every difference is taken per replication, B − A, and
//! its 95% interval is Student t over those paired differences: far tighter
//! than the difference of two independent runs. The result folder holds
//! `compare.csv` (every summary metric), `compare_intervals.csv` (service
//! level, ASA, abandonment and occupancy per interval and queue), both
//! effective scenarios, a chart and `report.html`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::driver::{Collector, Job, PerJob, Plan, Workers};
use crate::error::{Error, Result, Setting};
use crate::format::{Num, day_clock};
use crate::model::Scenario;
use crate::report::{self, Destination};
use crate::rows::{self, CompareIntervalRecord, CompareRecord, ScopeKind};
use crate::scenario::{self, Loaded};
use crate::stats::{self, Metric, Scope, Tally, Unit};

pub use crate::rows::{COMPARE_HEADER, COMPARE_INTERVALS_HEADER};

/// The metrics of `compare_intervals.csv`, per interval and queue.
const INTERVAL_METRICS: [Metric; 4] =
    [Metric::ServiceLevel, Metric::Asa, Metric::AbandonRate, Metric::Occupancy];

/// Two scenarios to compare, loaded and checked to be pairable.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Variant A (the first file, with the `--set` overrides).
    pub a: Loaded,
    /// Variant B (the second file, or the first with `--with` overrides too).
    pub b: Loaded,
    /// How B was made, for the printed header: a file, or `--with` overrides.
    pub b_from: String,
}

/// Loads A from `a` and B from `b` (or from `a` with the `with` overrides),
/// both with the `set` overrides, and checks that their replications can
/// be paired: same seed, replications, horizon and interval.
pub fn load(a: &Path, b: Option<&Path>, with: &[String], set: &[String]) -> Result<Comparison> {
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
    let a = scenario::load_effective(a, set)?;
    let b = scenario::load_effective(b_path, &b_set)?;
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
    Ok(Comparison { a, b, b_from })
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
        let pairs: Vec<(f64, f64)> =
            a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(&x, &y)| (x, y)).collect();
        let n = pairs.len();
        let mean = |f: &dyn Fn(&(f64, f64)) -> f64| {
            if n == 0 { f64::NAN } else { pairs.iter().map(f).sum::<f64>() / n as f64 }
        };
        let (a_mean, b_mean) = (mean(&|p| p.0), mean(&|p| p.1));
        let diffs: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
        let (diff, low, high, _) = stats::mean_ci(&diffs);
        let spread = diffs.iter().any(|&d| d != diffs[0]);
        let (low, high) = if n >= 2 && !spread { (diff, diff) } else { (low, high) };
        let significant = n >= 2 && (low > 0.0 || high < 0.0);
        let needed = if significant || !spread || diff == 0.0 || n < 2 {
            None
        } else {
            let sd = (diffs.iter().map(|d| (d - diff).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
            Some(replications_needed(diff, sd))
        };
        Diff { a_mean, b_mean, diff, low, high, n: n as u32, significant, needed }
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
    /// The comparison.
    pub diff: Diff,
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
}

/// Both variants' values of one replication.
struct Pair<'f> {
    a: &'f [f64],
    b: &'f [f64],
    a_int: &'f [[f64; 4]],
    b_int: &'f [[f64; 4]],
}

/// The collector of `compare`: every replication's summary values and
/// per-interval values, of A (variant 0) and of B (variant 1), kept by
/// replication number (so memory grows with the replications: about
/// 2 × (summary rows + 4 × intervals × queues) numbers each).
pub struct Paired<'a> {
    both: &'a [Scenario; 2],
}

impl<'a> Paired<'a> {
    /// The collector for A (`both[0]`) and B (`both[1]`).
    pub fn new(both: &'a [Scenario; 2]) -> Paired<'a> {
        Paired { both }
    }
}

/// What [`Paired`] keeps: per variant, per replication, its values (None:
/// not folded here). Merging two folds of disjoint jobs is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairFold(PerJob<Side>);

/// One variant's values of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Side {
    values: Vec<f64>,
    intervals: Vec<[f64; 4]>,
}

impl Collector for Paired<'_> {
    type Fold = PairFold;

    fn empty(&self) -> PairFold {
        PairFold(PerJob::new(self.both))
    }

    fn add(&self, fold: &mut PairFold, job: Job, sc: &Scenario, tally: &Tally) {
        fold.0.set(job, Side { values: tally.summary_values(sc), intervals: interval_values(sc, tally) });
    }

    fn merge(&self, fold: &mut PairFold, other: PairFold) {
        fold.0.merge(other.0);
    }

    fn fold_bytes(&self) -> u64 {
        self.both.iter().map(|sc| u64::from(sc.replications) * 24).sum()
    }

    fn shared_bytes(&self) -> u64 {
        // Every replication's values, once in the workers' folds and once merged.
        2 * self
            .both
            .iter()
            .map(|sc| {
                let per = stats::layout(sc).len() + 4 * sc.interval_count() * sc.queues.len();
                u64::from(sc.replications) * per as u64 * 8
            })
            .sum::<u64>()
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
        let fold = workers.fold_all(&Plan::new(&both), &Paired { both: &both }, progress)?;
        let (a, b) = match fold.0.variants() {
            [a, b] => (a, b),
            _ => return Err(Error::Internal("a comparison without two variants".into())),
        };
        let pairs = a
            .iter()
            .zip(b)
            .enumerate()
            .map(|(r, pair)| match pair {
                (Some(a), Some(b)) => {
                    Ok(Pair { a: &a.values, b: &b.values, a_int: &a.intervals, b_int: &b.intervals })
                }
                _ => Err(Error::Internal(format!("replication {r} of the comparison was not run"))),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(compare(&both[0], &both[1], &pairs))
    }

    /// The collector's memory check, for the command's preflight.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        let both = self.scenarios();
        workers.check_fits(&Plan::new(&both), &Paired { both: &both }, available)
    }
}

/// Service level, ASA, abandon rate and occupancy of each interval and
/// queue of one replication (`[i * queues + q]`; NaN where undefined), as
/// intervals.csv defines them (docs/model.md §M16, §M18).
fn interval_values(sc: &Scenario, t: &Tally) -> Vec<[f64; 4]> {
    let nq = sc.queues.len();
    let mut out = Vec::with_capacity(sc.interval_count() * nq);
    for i in 0..sc.interval_count() {
        for q in sc.queues.keys() {
            let c = &t.interval(i, q).counts;
            let (holding, productive) = t.occupancy_parts(sc, i, q);
            out.push([
                c.service_level(sc.metrics.service_level),
                c.asa(),
                c.abandon_rate(),
                stats::ratio(holding, productive),
            ]);
        }
    }
    out
}

/// Pairs the rows both variants have and compares each.
fn compare(a: &Scenario, b: &Scenario, pairs: &[Pair<'_>]) -> Compared {
    let la = stats::layout(a);
    let lb = stats::layout(b);
    let key = |sc: &Scenario, (scope, m): &(Scope, Metric)| {
        (ScopeKind::from(*scope), scope.name(sc).to_owned(), *m)
    };
    let mut summary = Vec::new();
    for (ia, row) in la.iter().enumerate() {
        let (scope, name, metric) = key(a, row);
        let Some(ib) = lb.iter().position(|r| key(b, r) == (scope, name.clone(), metric)) else {
            continue;
        };
        let va: Vec<f64> = pairs.iter().map(|p| p.a[ia]).collect();
        let vb: Vec<f64> = pairs.iter().map(|p| p.b[ib]).collect();
        summary.push(SummaryDiff { scope, name, metric, diff: Diff::of(&va, &vb) });
    }
    let mut intervals = Vec::new();
    let (na, nb) = (a.queues.len(), b.queues.len());
    for i in 0..a.interval_count().min(b.interval_count()) {
        for (qa, queue) in a.queues.iter().enumerate() {
            let Some(qb) = b.queues.iter().position(|x| x.name == queue.name) else { continue };
            for (m, &metric) in INTERVAL_METRICS.iter().enumerate() {
                let va: Vec<f64> = pairs.iter().map(|p| p.a_int[i * na + qa][m]).collect();
                let vb: Vec<f64> = pairs.iter().map(|p| p.b_int[i * nb + qb][m]).collect();
                intervals.push(IntervalDiff {
                    interval: i,
                    start: i as f64 * a.interval,
                    queue: queue.name.clone(),
                    metric,
                    diff: Diff::of(&va, &vb),
                });
            }
        }
    }
    Compared { summary, intervals, calendar: a.calendar }
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
        ("a.toml", c.a.effective_toml.clone().into_bytes()),
        ("b.toml", c.b.effective_toml.clone().into_bytes()),
    ];
    files.extend(c.a.attachments.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())));
    let name = format!("{} vs {}", c.a.scenario.name, c.b.scenario.name);
    report::write_with_charts(target, &name, crate::plot::Kind::Compare, &files, report)
}

/// Most rows without a significant difference the printed table lists.
const MAX_UNDECIDED: usize = 12;

/// The printed table: the significant differences first, largest relative
/// change first, then those not significant with the replications that
/// would decide them; rows the two variants share exactly are summarised
/// in one line. Never prints NaN.
pub fn table(c: &Comparison, compared: &Compared) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "A: {}\nB: {}\n{} replications each on the same streams, seed {}; differences are B − A with 95% intervals",
        c.a.scenario.name,
        c.b_from,
        c.replications(),
        c.a.scenario.seed
    );
    let show = |unit: Unit, v: f64| -> String {
        if !v.is_finite() {
            return "-".into();
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
            "-".into()
        }
    };
    let size = |d: &Diff| {
        let base = d.a_mean.abs();
        if base > 0.0 { d.diff.abs() / base } else { d.diff.abs() }
    };
    let (mut yes, mut no, mut same): (Vec<&SummaryDiff>, Vec<&SummaryDiff>, Vec<String>) =
        (Vec::new(), Vec::new(), Vec::new());
    for r in &compared.summary {
        let d = &r.diff;
        if d.n > 0 && d.diff == 0.0 && d.low == 0.0 && d.high == 0.0 {
            same.push(format!("{} {} {}", r.scope.name(), r.name, r.metric.name()));
        } else if d.significant {
            yes.push(r);
        } else if d.n > 0 {
            no.push(r);
        }
    }
    yes.sort_by(|x, y| size(&y.diff).total_cmp(&size(&x.diff)));
    no.sort_by(|x, y| size(&y.diff).total_cmp(&size(&x.diff)));
    let line = |o: &mut String, r: &SummaryDiff, tail: String| {
        let u = r.metric.unit();
        let _ = writeln!(
            o,
            "{:<22} {:<20} {:>10} {:>10}  {:<28}{tail}",
            format!("{} {}", r.scope.name(), r.name),
            r.metric.name(),
            show(u, r.diff.a_mean),
            show(u, r.diff.b_mean),
            show_diff(u, &r.diff)
        );
    };
    let _ = writeln!(o, "{:<22} {:<20} {:>10} {:>10}  B − A [95% CI]", "scope", "metric", "A", "B");
    if yes.is_empty() {
        let _ = writeln!(o, "no significant difference");
    } else {
        let _ = writeln!(o, "significant ({}), largest relative change first:", yes.len());
        for r in &yes {
            line(&mut o, r, String::new());
        }
    }
    if !no.is_empty() {
        let _ = writeln!(o, "not significant ({}):", no.len());
        for r in no.iter().take(MAX_UNDECIDED) {
            let tail = match r.diff.needed {
                Some(n) if n > u64::from(r.diff.n) => format!("  needs ~{n} replications to decide"),
                Some(_) => "  borderline: run more replications".to_owned(),
                None => String::new(),
            };
            line(&mut o, r, tail);
        }
        if no.len() > MAX_UNDECIDED {
            let _ = writeln!(o, "... and {} more, in compare.csv", no.len() - MAX_UNDECIDED);
        }
    }
    if !same.is_empty() {
        let _ = writeln!(o, "identical in every replication: {} rows (e.g. {})", same.len(), same[0]);
    }
    o
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
