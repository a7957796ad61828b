//! The CSV exporters: summary.csv, intervals.csv, statuses.csv, replications.csv.
//! Columns are defined in docs/model.md §11; each file's row is a type of
//! [`crate::rows`], built here from [`Results`] and written through the csv
//! crate. The same rows feed the charts ([`super::records_of`]).

use super::{Exporter, Provenance};
use crate::error::Result;
use crate::format::{Num, day_clock};
use crate::replicate::{Results, SummaryRow};
use crate::rows::{self, IntervalRecord, ReplicationRecord, ScopeKind, StatusRecord, SummaryRecord};

/// `summary.csv`: `scope,name,metric,unit,mean,ci95_low,ci95_high,replications`.
pub(super) struct Summary;
/// `intervals.csv`: one row per interval and queue, then per interval and team.
pub(super) struct Intervals;
/// `statuses.csv`: agent-seconds per interval, team and status.
pub(super) struct Statuses;
/// `replications.csv`: every summary value of every replication.
pub(super) struct Replications;

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        rows::write(self.file_name(), out, r.summary.iter().map(summary_record))
    }
}

/// One row of summary.csv (shared with sweep.csv).
pub(crate) fn summary_record(s: &SummaryRow) -> SummaryRecord {
    SummaryRecord {
        scope: s.scope.into(),
        name: s.name.clone(),
        metric: s.metric,
        unit: s.metric.unit(),
        mean: Num(s.mean),
        ci95_low: Num(s.ci95_low),
        ci95_high: Num(s.ci95_high),
        replications: s.replications,
    }
}

/// intervals.csv's rows: per interval and queue, then per interval and team.
pub(super) fn interval_records(r: &Results) -> impl Iterator<Item = IntervalRecord> + '_ {
    let nan = Num(f64::NAN);
    let lead = move |i: usize, scope: ScopeKind, name: &str| {
        let start = r.interval_start(i);
        let (day, clock) = day_clock(start);
        IntervalRecord {
            interval: i,
            day,
            start: clock,
            start_seconds: Num(start),
            length_seconds: Num(r.interval_length(i)),
            warmup: r.in_warmup(i),
            scope,
            name: name.to_owned(),
            offered_count: nan,
            answered_count: nan,
            abandoned_count: nan,
            unresolved_count: nan,
            service_level_fraction: nan,
            service_level_ci95_low: nan,
            service_level_ci95_high: nan,
            sl_threshold_seconds: nan,
            sl_target_fraction: nan,
            target_met: None,
            asa_seconds: nan,
            abandon_rate_fraction: nan,
            queue_avg_count: nan,
            queue_max_count: nan,
            occupancy_fraction: nan,
            agents_logged_in: nan,
            agents_available_spare: nan,
            agents_available_full: nan,
            agents_unavailable: nan,
            agent_seconds_logged_in: nan,
            replications: r.replications,
        }
    };
    let queues = r.intervals.iter().map(move |row| {
        let q = &r.queues[row.queue];
        IntervalRecord {
            offered_count: Num(row.offered),
            answered_count: Num(row.answered),
            abandoned_count: Num(row.abandoned),
            unresolved_count: Num(row.unresolved),
            service_level_fraction: Num(row.service_level),
            service_level_ci95_low: Num(row.sl_ci95_low),
            service_level_ci95_high: Num(row.sl_ci95_high),
            sl_threshold_seconds: Num(q.sl_threshold),
            sl_target_fraction: Num(q.sl_target),
            target_met: row.target_met,
            asa_seconds: Num(row.asa),
            abandon_rate_fraction: Num(row.abandon_rate),
            queue_avg_count: Num(row.queue_avg),
            queue_max_count: Num(row.queue_max),
            occupancy_fraction: Num(row.occupancy),
            ..lead(row.interval, ScopeKind::Queue, &q.name)
        }
    });
    let teams = r.team_intervals.iter().map(move |row| IntervalRecord {
        occupancy_fraction: Num(row.occupancy),
        agents_logged_in: Num(row.agents_logged_in),
        agents_available_spare: Num(row.agents_available_spare),
        agents_available_full: Num(row.agents_available_full),
        agents_unavailable: Num(row.agents_unavailable),
        agent_seconds_logged_in: Num(row.agents_logged_in * r.interval_length(row.interval)),
        ..lead(row.interval, ScopeKind::Team, &r.teams[row.team])
    });
    queues.chain(teams)
}

impl Exporter for Intervals {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let rows = interval_records(r).map(|rec| (rec.start_seconds.0, rec));
        let bytes = rows::write_dated(self.file_name(), r.calendar, &rows::INTERVALS_HEADER, rows)?;
        out.write_all(&bytes).map_err(|source| crate::Error::Write { path: self.file_name().into(), source })
    }
}

/// statuses.csv's rows: per interval, team and status.
pub(super) fn status_records(r: &Results) -> impl Iterator<Item = StatusRecord> + '_ {
    let (nt, ns) = (r.teams.len(), r.statuses.len());
    (0..r.interval_count()).flat_map(move |i| {
        let (day, clock) = day_clock(r.interval_start(i));
        (0..nt).flat_map(move |t| {
            let clock = clock.clone();
            (0..ns).map(move |s| StatusRecord {
                interval: i,
                day,
                start: clock.clone(),
                team: r.teams[t].clone(),
                status: r.statuses[s].clone(),
                agent_seconds: Num(r.status_secs[(i * nt + t) * ns + s]),
            })
        })
    })
}

impl Exporter for Statuses {
    fn file_name(&self) -> &'static str {
        "statuses.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        rows::write(self.file_name(), out, status_records(r))
    }
}

impl Exporter for Replications {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let records = r.per_replication.iter().enumerate().flat_map(|(rep, values)| {
            r.summary.iter().zip(values).map(move |(row, &v)| ReplicationRecord {
                replication: rep,
                scope: row.scope.into(),
                name: row.name.clone(),
                metric: row.metric,
                value: Num(v),
            })
        });
        rows::write(self.file_name(), out, records)
    }
}
