//! The CSV exporters: summary.csv, intervals.csv, statuses.csv, replications.csv.
//! Columns are defined in docs/model.md §11.

use super::{Exporter, Provenance};
use crate::error::{Error, Result};
use crate::format::day_clock;
use crate::format::number;
use crate::replicate::{Results, SummaryRow};

/// `summary.csv`: `scope,name,metric,unit,mean,ci95_low,ci95_high,replications`.
pub(super) struct Summary;
/// `intervals.csv`: one row per interval and queue, then per interval and team.
pub(super) struct Intervals;
/// `statuses.csv`: agent-seconds per interval, team and status.
pub(super) struct Statuses;
/// `replications.csv`: every summary value of every replication.
pub(super) struct Replications;

/// Header of summary.csv.
pub const SUMMARY_HEADER: [&str; 8] =
    ["scope", "name", "metric", "unit", "mean", "ci95_low", "ci95_high", "replications"];
/// Header of intervals.csv: each column's unit is in its name.
pub const INTERVALS_HEADER: [&str; 29] = [
    "interval",
    "day",
    "start",
    "start_seconds",
    "length_seconds",
    "warmup",
    "scope",
    "name",
    "offered_count",
    "answered_count",
    "abandoned_count",
    "unresolved_count",
    "service_level_fraction",
    "service_level_ci95_low",
    "service_level_ci95_high",
    "sl_threshold_seconds",
    "sl_target_fraction",
    "target_met",
    "asa_seconds",
    "abandon_rate_fraction",
    "queue_avg_count",
    "queue_max_count",
    "occupancy_fraction",
    "agents_logged_in",
    "agents_available_spare",
    "agents_available_full",
    "agents_unavailable",
    "agent_seconds_logged_in",
    "replications",
];
/// Header of statuses.csv.
pub const STATUSES_HEADER: [&str; 6] = ["interval", "day", "start", "team", "status", "agent_seconds"];
/// Header of replications.csv.
pub const REPLICATIONS_HEADER: [&str; 5] = ["replication", "scope", "name", "metric", "value"];

/// Writes a CSV file: `header`, then `rows` (shared with sweep.csv).
pub(crate) fn write(
    w: &mut dyn std::io::Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let to_err = |e: csv::Error| Error::Write { path: "(csv)".into(), source: std::io::Error::other(e) };
    let mut w = csv::Writer::from_writer(w);
    w.write_record(header).map_err(to_err)?;
    for row in rows {
        w.write_record(&row).map_err(to_err)?;
    }
    w.flush().map_err(|source| Error::Write { path: "(csv)".into(), source })
}

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        write(out, &SUMMARY_HEADER, r.summary.iter().map(summary_record))
    }
}

/// One row of summary.csv, in [`SUMMARY_HEADER`]'s order (shared with sweep.csv).
pub(crate) fn summary_record(s: &SummaryRow) -> Vec<String> {
    vec![
        s.scope.kind().to_owned(),
        s.name.clone(),
        s.metric.name().to_owned(),
        s.metric.unit().name().to_owned(),
        number(s.mean),
        number(s.ci95_low),
        number(s.ci95_high),
        s.replications.to_string(),
    ]
}

impl Exporter for Intervals {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let reps = r.replications.to_string();
        let lead = move |i: usize, scope: &str, name: &str| {
            let start = r.interval_start(i);
            let (day, clock) = day_clock(start);
            vec![
                i.to_string(),
                day.to_string(),
                clock,
                number(start),
                number(r.interval_length(i)),
                r.in_warmup(i).to_string(),
                scope.to_owned(),
                name.to_owned(),
            ]
        };
        let queues = r.intervals.iter().map(|row| {
            let q = &r.queues[row.queue];
            let mut out = lead(row.interval, "queue", &q.name);
            out.extend([
                number(row.offered),
                number(row.answered),
                number(row.abandoned),
                number(row.unresolved),
                number(row.service_level),
                number(row.sl_ci95_low),
                number(row.sl_ci95_high),
                number(q.sl_threshold),
                number(q.sl_target),
                row.target_met.map_or_else(String::new, |m| m.to_string()),
                number(row.asa),
                number(row.abandon_rate),
                number(row.queue_avg),
                number(row.queue_max),
                number(row.occupancy),
            ]);
            out.extend(std::iter::repeat_n(String::new(), 5));
            out.push(reps.clone());
            out
        });
        let teams = r.team_intervals.iter().map(|row| {
            let mut out = lead(row.interval, "team", &r.teams[row.team]);
            out.extend(std::iter::repeat_n(String::new(), 14));
            out.extend([
                number(row.occupancy),
                number(row.agents_logged_in),
                number(row.agents_available_spare),
                number(row.agents_available_full),
                number(row.agents_unavailable),
                number(row.agents_logged_in * r.interval_length(row.interval)),
                reps.clone(),
            ]);
            out
        });
        write(out, &INTERVALS_HEADER, queues.chain(teams))
    }
}

impl Exporter for Statuses {
    fn file_name(&self) -> &'static str {
        "statuses.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let (nt, ns) = (r.teams.len(), r.statuses.len());
        let rows = (0..r.interval_count()).flat_map(move |i| {
            let (day, clock) = day_clock(r.interval_start(i));
            (0..nt).flat_map(move |t| {
                let clock = clock.clone();
                (0..ns).map(move |s| {
                    vec![
                        i.to_string(),
                        day.to_string(),
                        clock.clone(),
                        r.teams[t].clone(),
                        r.statuses[s].clone(),
                        number(r.status_secs[(i * nt + t) * ns + s]),
                    ]
                })
            })
        });
        write(out, &STATUSES_HEADER, rows)
    }
}

impl Exporter for Replications {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let rows = r.per_replication.iter().enumerate().flat_map(|(rep, values)| {
            r.summary.iter().zip(values).map(move |(row, &v)| {
                vec![
                    rep.to_string(),
                    row.scope.kind().to_owned(),
                    row.name.clone(),
                    row.metric.name().to_owned(),
                    number(v),
                ]
            })
        });
        write(out, &REPLICATIONS_HEADER, rows)
    }
}
