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

use rayon::prelude::*;

use crate::engine;
use crate::error::{Error, Result};
use crate::model::{Scenario, StatusKind};
use crate::replicate;
use crate::report::{self, Target};
use crate::scenario::{self, Loaded};
use crate::stats::{self, Metric, Scope, Tally, Unit};

/// The header of `compare.csv`.
pub const COMPARE_HEADER: [&str; 11] = [
    "scope",
    "name",
    "metric",
    "unit",
    "a_mean",
    "b_mean",
    "diff_mean",
    "diff_ci95_low",
    "diff_ci95_high",
    "replications",
    "significant",
];

/// The header of `compare_intervals.csv`.
pub const COMPARE_INTERVALS_HEADER: [&str; 14] = [
    "interval",
    "day",
    "start",
    "start_seconds",
    "queue",
    "metric",
    "unit",
    "a_mean",
    "b_mean",
    "diff_mean",
    "diff_ci95_low",
    "diff_ci95_high",
    "replications",
    "significant",
];

/// The metrics of `compare_intervals.csv`, per interval and queue.
const INTERVAL_METRICS: [(&str, Unit); 4] = [
    ("service_level", Unit::Fraction),
    ("asa", Unit::Seconds),
    ("abandon_rate", Unit::Fraction),
    ("occupancy", Unit::Fraction),
];

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
            return Err(Error::Options(
                "give either a second scenario file or --with overrides, not both".into(),
            ));
        }
        (None, true) => {
            return Err(Error::Options(
                "nothing to compare: give a second scenario file (`compare A.toml B.toml`) or at least \
                 one --with KEY=VALUE (`compare A.toml --with routing.assignment=\"accept\" ...`)"
                    .into(),
            ));
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
    let mismatch = |what: &str, va: String, vb: String, fix: &str| {
        Error::Options(format!(
            "A and B must pair replication by replication, but their {what} differ (A: {va}, B: {vb}); {fix}"
        ))
    };
    if x.seed != y.seed {
        return Err(mismatch("seeds", x.seed.to_string(), y.seed.to_string(), "pass --seed S"));
    }
    if x.replications != y.replications {
        return Err(mismatch(
            "replications",
            x.replications.to_string(),
            y.replications.to_string(),
            "pass --replications N",
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
        let (diff, low, high, _) = replicate::mean_ci(&diffs);
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
        let t = t975(n - 1.0);
        let next = ((t * sd / d.abs()).powi(2)).ceil().max(2.0);
        if next == n {
            break;
        }
        n = next;
    }
    n.min(1_000_000.0) as u64
}

fn t975(df: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df).map_or(1.96, |t| t.inverse_cdf(0.975))
}

/// One summary row of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryDiff {
    /// `total`, `queue` or `team`.
    pub scope: &'static str,
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
    /// `service_level`, `asa`, `abandon_rate` or `occupancy`.
    pub metric: &'static str,
    /// Its unit.
    pub unit: Unit,
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
}

/// Both variants' values of one replication.
struct Pair {
    a: Vec<f64>,
    b: Vec<f64>,
    a_int: Vec<[f64; 4]>,
    b_int: Vec<[f64; 4]>,
}

impl Comparison {
    /// Replications to run (each of A and B).
    pub fn replications(&self) -> u32 {
        self.a.scenario.replications
    }

    /// Runs replication r of A and of B for every r, on `threads` worker
    /// threads (0: one per core), calling `progress` after each of the
    /// 2 × replications runs, and compares them. The result does not depend
    /// on the thread count: replications are collected in order.
    pub fn run(&self, threads: usize, progress: &(dyn Fn() + Sync)) -> Result<Compared> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| {
            Error::Options(format!(
                "cannot start {threads} threads: {}",
                crate::error::without_os_number(&e.to_string())
            ))
        })?;
        let (a, b) = (&self.a.scenario, &self.b.scenario);
        let pairs: Vec<Pair> = pool.install(|| {
            (0..self.replications())
                .into_par_iter()
                .map(|r| {
                    let ta = engine::run(a, r);
                    progress();
                    let tb = engine::run(b, r);
                    progress();
                    Pair {
                        a: ta.summary_values(a),
                        b: tb.summary_values(b),
                        a_int: interval_values(a, &ta),
                        b_int: interval_values(b, &tb),
                    }
                })
                .collect()
        });
        Ok(compare(a, b, &pairs))
    }
}

/// Service level, ASA, abandon rate and occupancy of each interval and
/// queue of one replication (`[i * queues + q]`; NaN where undefined), as
/// intervals.csv defines them (docs/model.md §M16, §M18).
fn interval_values(sc: &Scenario, t: &Tally) -> Vec<[f64; 4]> {
    let (nq, nt) = (sc.queues.len(), sc.teams.len());
    let mut out = Vec::with_capacity(sc.interval_count() * nq);
    for i in 0..sc.interval_count() {
        for q in 0..nq {
            let c = &t.intervals[i * nq + q].counts;
            let (mut holding, mut productive) = (0.0, 0.0);
            for team in sc.teams_serving(q) {
                holding += t.team_intervals[i * nt + team].holding_secs;
                for (s, status) in sc.statuses.iter().enumerate() {
                    if matches!(status.kind, StatusKind::Available | StatusKind::Busy) {
                        productive += t.status_secs(i, team, s);
                    }
                }
            }
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
fn compare(a: &Scenario, b: &Scenario, pairs: &[Pair]) -> Compared {
    let la = stats::layout(a);
    let lb = stats::layout(b);
    let key = |sc: &Scenario, (scope, m): &(Scope, Metric)| (scope.kind(), scope.name(sc).to_owned(), *m);
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
            for (m, (metric, unit)) in INTERVAL_METRICS.iter().enumerate() {
                let va: Vec<f64> = pairs.iter().map(|p| p.a_int[i * na + qa][m]).collect();
                let vb: Vec<f64> = pairs.iter().map(|p| p.b_int[i * nb + qb][m]).collect();
                intervals.push(IntervalDiff {
                    interval: i,
                    start: i as f64 * a.interval,
                    queue: queue.name.clone(),
                    metric,
                    unit: *unit,
                    diff: Diff::of(&va, &vb),
                });
            }
        }
    }
    Compared { summary, intervals }
}

/// The numbers of a [`Diff`] as CSV fields: a_mean … significant.
fn diff_fields(d: &Diff) -> String {
    let n = report::number;
    format!(
        "{},{},{},{},{},{},{}",
        n(d.a_mean),
        n(d.b_mean),
        n(d.diff),
        n(d.low),
        n(d.high),
        d.n,
        d.significant
    )
}

/// `compare.csv`: every summary row both variants have.
pub fn compare_csv(c: &Compared) -> Vec<u8> {
    let mut out = COMPARE_HEADER.join(",");
    out.push('\n');
    for r in &c.summary {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            r.scope,
            r.name,
            r.metric.name(),
            r.metric.unit().name(),
            diff_fields(&r.diff)
        );
    }
    out.into_bytes()
}

/// `compare_intervals.csv`: the headline metrics per interval and queue.
pub fn compare_intervals_csv(c: &Compared) -> Vec<u8> {
    let mut out = COMPARE_INTERVALS_HEADER.join(",");
    out.push('\n');
    for r in &c.intervals {
        let (day, clock) = replicate::day_clock(r.start);
        let _ = writeln!(
            out,
            "{},{day},{clock},{},{},{},{},{}",
            r.interval,
            report::number(r.start),
            r.queue,
            r.metric,
            r.unit.name(),
            diff_fields(&r.diff)
        );
    }
    out.into_bytes()
}

/// Default result folder: `output/<A name>-vs-<B name>/`, or
/// `output/<A name>-vs-with-<hash>/` when B is A with `--with` overrides.
pub fn default_dir(c: &Comparison, with: &[String]) -> PathBuf {
    let (a, b) = (&c.a.scenario.name, &c.b.scenario.name);
    if with.is_empty() {
        PathBuf::from("output").join(format!("{a}-vs-{b}"))
    } else {
        let hashed = report::default_dir("x", with);
        let tag = hashed.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tag = tag.trim_start_matches("x--").to_owned();
        PathBuf::from("output").join(format!("{a}-vs-with-{tag}"))
    }
}

/// Writes the result folder whole: the two CSV files, `a.toml`, `b.toml`,
/// A's attachments (a forecast), the chart and, with `report`, report.html.
pub fn write_all(target: &Target, c: &Comparison, compared: &Compared, report: bool) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("compare.csv", compare_csv(compared)),
        ("compare_intervals.csv", compare_intervals_csv(compared)),
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
            same.push(format!("{} {} {}", r.scope, r.name, r.metric.name()));
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
            format!("{} {}", r.scope, r.name),
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
        assert!(t975(n as f64 - 1.0) * sd / (n as f64).sqrt() < 0.1);
        assert!(t975(n as f64 - 2.0) * sd / (n as f64 - 1.0).sqrt() >= 0.1);
    }

    #[test]
    fn default_folders_name_both_sides_or_hash_the_overrides() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/policies/coaching.toml");
        let two = load(&file, Some(&file), &[], &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(default_dir(&two, &[]), Path::new("output/coaching-vs-coaching"));
        let with = ["status.Coaching.enabled=false".to_owned()];
        let one = load(&file, None, &with, &[]).unwrap_or_else(|e| panic!("{e}"));
        let dir = default_dir(&one, &with);
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert!(
            name.starts_with("coaching-vs-with-") && name.len() == "coaching-vs-with-".len() + 8,
            "{name}"
        );
        assert_eq!(default_dir(&one, &with), dir, "the same overrides, the same folder");
    }

    #[test]
    fn fewer_than_two_pairs_give_no_interval_and_no_verdict() {
        let d = Diff::of(&[1.0], &[2.0]);
        assert_eq!(d.n, 1);
        assert!(d.low.is_nan() && d.high.is_nan() && !d.significant);
    }
}
