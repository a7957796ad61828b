//! The compact per-queue table `routesim run` prints, with each queue's
//! target, the queues that miss it and their worst intervals.

use std::fmt::Write;

use crate::replicate::{Results, SummaryRow};
use crate::rows::ScopeKind;
use crate::stats::Metric;

/// How many of a queue's worst intervals are listed under the table.
const WORST_LISTED: usize = 3;

/// The per-queue table: offered, unresolved (when there is any), service
/// level with its 95% interval against the target, ASA, abandon rate and
/// occupancy (of the teams serving the queue), then the total; under it,
/// the queues that miss their target and their worst intervals. An
/// undefined value prints as `-`, never `NaN`.
pub fn table(r: &Results) -> String {
    let mut out = String::new();
    let unresolved = r.summary.iter().any(|s| s.metric == Metric::Unresolved && s.mean > 0.0);
    let _ = write!(out, "{:<16} {:>9}", "queue", "offered");
    if unresolved {
        let _ = write!(out, " {:>10}", "unresolved");
    }
    let _ = writeln!(
        out,
        " {:>22} {:>8} {:>9} {:>9} {:>9}",
        "service level (95% CI)", "target", "ASA", "abandon", "occupancy"
    );
    let names = r.queues.iter().map(|q| (ScopeKind::Queue, q.name.as_str(), Some(q.sl_target))).chain([(
        ScopeKind::Total,
        "all",
        None,
    )]);
    let mut missed = Vec::new();
    for (scope, name, target) in names {
        let get = |m: Metric| summary_row(r, scope, name, m);
        let mean = |m: Metric| get(m).map_or(f64::NAN, |row| row.mean);
        let sl = get(Metric::ServiceLevel).map_or_else(
            || "-".to_owned(),
            |row| {
                if !row.mean.is_finite() {
                    "-".to_owned()
                } else if row.ci95_low.is_finite() {
                    format!(
                        "{:.1}% [{:.1}, {:.1}]",
                        100.0 * row.mean,
                        100.0 * row.ci95_low,
                        100.0 * row.ci95_high
                    )
                } else {
                    format!("{:.1}%", 100.0 * row.mean)
                }
            },
        );
        let target_text = match target {
            Some(t) => {
                let miss = mean(Metric::ServiceLevel) < t;
                if miss {
                    missed.push(name);
                }
                format!("{}{:.0}%", if miss { "MISS " } else { "" }, 100.0 * t)
            }
            None => "-".to_owned(),
        };
        let label = if scope == ScopeKind::Total { "total" } else { name };
        let _ = write!(out, "{:<16} {:>9}", label, fixed(mean(Metric::Offered), 1, ""));
        if unresolved {
            let _ = write!(out, " {:>10}", fixed(mean(Metric::Unresolved), 1, ""));
        }
        let _ = writeln!(
            out,
            " {:>22} {:>8} {:>9} {:>9} {:>9}",
            sl,
            target_text,
            fixed(mean(Metric::Asa), 1, "s"),
            fixed(100.0 * mean(Metric::AbandonRate), 1, "%"),
            fixed(100.0 * mean(Metric::Occupancy), 1, "%"),
        );
    }
    for q in 0..r.queues.len() {
        misses(&mut out, r, q, missed.contains(&r.queues[q].name.as_str()));
    }
    if unresolved {
        let _ = writeln!(
            out,
            "unresolved: offered before the horizon and still waiting when the drain ended; counted as missing the threshold"
        );
    }
    if r.queues.iter().map(|q| q.sl_threshold).any(|t| Some(t) != r.queues.first().map(|q| q.sl_threshold)) {
        let _ = writeln!(out, "total: each conversation is judged against its own queue's threshold");
    }
    out
}

/// A line naming how many intervals of queue `q` miss its target and the
/// worst of them, when any does; `overall` says the whole run missed it too.
fn misses(out: &mut String, r: &Results, q: usize, overall: bool) {
    let mut rows: Vec<_> =
        r.intervals.iter().filter(|row| row.queue == q && row.target_met.is_some()).collect();
    let missing = rows.iter().filter(|row| row.target_met == Some(false)).count();
    // Intervals with a service level but no judgement: the queue was closed (docs/model.md §10.13).
    let has_hours = r
        .intervals
        .iter()
        .any(|row| row.queue == q && row.target_met.is_none() && !row.service_level.is_nan());
    if missing == 0 && !overall {
        return;
    }
    rows.sort_by(|a, b| a.service_level.total_cmp(&b.service_level).then(a.interval.cmp(&b.interval)));
    let worst: Vec<String> = rows
        .iter()
        .filter(|row| row.target_met == Some(false))
        .take(WORST_LISTED)
        .map(|row| {
            let when = r.calendar.label(r.interval_start(row.interval), r.horizon > crate::time::DAY);
            format!("{when} {:.1}%", 100.0 * row.service_level)
        })
        .collect();
    let _ = writeln!(
        out,
        "{} {} its {:.0}% target overall; {missing} of {} {}intervals with traffic miss it; worst {}",
        r.queues[q].name,
        if overall { "MISSES" } else { "meets" },
        100.0 * r.queues[q].sl_target,
        rows.len(),
        if has_hours { "open " } else { "" },
        if worst.is_empty() { "-".to_owned() } else { worst.join(", ") }
    );
}

/// The summary row of `metric` for `scope`/`name`, if there is one
/// (shared with sweep's table).
pub(crate) fn summary_row<'a>(
    r: &'a Results,
    scope: ScopeKind,
    name: &str,
    metric: Metric,
) -> Option<&'a SummaryRow> {
    r.summary
        .iter()
        .find(|row| ScopeKind::from(row.scope) == scope && row.name == name && row.metric == metric)
}

/// `x` with `decimals` and a unit suffix, or `-` when it is not a number.
fn fixed(x: f64, decimals: usize, unit: &str) -> String {
    if x.is_finite() { format!("{x:.decimals$}{unit}") } else { "-".to_owned() }
}
