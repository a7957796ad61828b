//! The CSV exporters: summary.csv, intervals.csv, statuses.csv.

use super::{Exporter, Provenance, number};
use crate::error::{Error, Result};
use crate::replicate::{Results, day_clock};

/// `summary.csv`: `scope,name,metric,mean,ci95_low,ci95_high,replications`.
pub(super) struct Summary;
/// `intervals.csv`: one row per interval and queue.
pub(super) struct Intervals;
/// `statuses.csv`: agent-seconds per interval, team and status.
pub(super) struct Statuses;

/// Header of summary.csv (SPEC section 4).
pub(super) const SUMMARY_HEADER: [&str; 7] =
    ["scope", "name", "metric", "mean", "ci95_low", "ci95_high", "replications"];
/// Header of intervals.csv.
pub(super) const INTERVALS_HEADER: [&str; 16] = [
    "interval",
    "day",
    "start",
    "queue",
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "asa",
    "abandon_rate",
    "queue_avg",
    "queue_max",
    "agents_logged_in",
    "agents_available",
    "start_seconds",
    "length_seconds",
];
/// Header of statuses.csv.
pub(super) const STATUSES_HEADER: [&str; 6] = ["interval", "day", "start", "team", "status", "agent_seconds"];

fn write(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let to_err = |e: csv::Error| Error::Write { path: "(csv)".into(), source: std::io::Error::other(e) };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(to_err)?;
    for row in rows {
        w.write_record(&row).map_err(to_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Write { path: "(csv)".into(), source: std::io::Error::other(e.to_string()) })
}

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn render(&self, r: &Results, _: &Provenance) -> Result<Vec<u8>> {
        write(
            &SUMMARY_HEADER,
            r.summary.iter().map(|s| {
                vec![
                    s.scope.to_owned(),
                    s.name.clone(),
                    s.metric.to_owned(),
                    number(s.mean),
                    number(s.ci95_low),
                    number(s.ci95_high),
                    s.replications.to_string(),
                ]
            }),
        )
    }
}

impl Exporter for Intervals {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }
    fn render(&self, r: &Results, _: &Provenance) -> Result<Vec<u8>> {
        write(
            &INTERVALS_HEADER,
            r.intervals.iter().map(|i| {
                let (day, clock) = day_clock(i.start);
                vec![
                    i.interval.to_string(),
                    day.to_string(),
                    clock,
                    i.queue.clone(),
                    number(i.offered),
                    number(i.answered),
                    number(i.abandoned),
                    number(i.service_level),
                    number(i.asa),
                    number(i.abandon_rate),
                    number(i.queue_avg),
                    number(i.queue_max),
                    number(i.agents_logged_in),
                    number(i.agents_available),
                    number(i.start),
                    number(i.length),
                ]
            }),
        )
    }
}

impl Exporter for Statuses {
    fn file_name(&self) -> &'static str {
        "statuses.csv"
    }
    fn render(&self, r: &Results, _: &Provenance) -> Result<Vec<u8>> {
        write(
            &STATUSES_HEADER,
            r.statuses.iter().map(|s| {
                let (day, clock) = day_clock(s.start);
                vec![
                    s.interval.to_string(),
                    day.to_string(),
                    clock,
                    s.team.clone(),
                    s.status.clone(),
                    number(s.agent_seconds),
                ]
            }),
        )
    }
}
