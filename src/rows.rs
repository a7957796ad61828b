//! The typed rows of every CSV file a command writes (docs/model.md §11):
//! one `#[derive(Serialize, Deserialize)]` struct per file, written and
//! read back through the csv crate, so names are quoted as CSV requires
//! and a column cannot drift from its header. Numbers are [`Num`]s, written
//! by [`crate::format::number`]; metrics are [`Metric`]s, written by name
//! (an unknown name read back is an error).
//!
//! Below `report`, `plot`, `compare`, `sweep` and `staffing`: writers build
//! these rows, charts read them back; this module depends only on
//! [`crate::calendar`] (the date and weekday cells), [`crate::format`],
//! [`crate::stats`] (the metric names) and the error type.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::format::Num;
use crate::stats::{Metric, Scope, Unit};

/// The scope column: the whole run, one queue or one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScopeKind {
    /// All queues or teams together (name `all`).
    Total,
    /// One queue.
    Queue,
    /// One team.
    Team,
}

impl From<Scope> for ScopeKind {
    fn from(scope: Scope) -> ScopeKind {
        match scope {
            Scope::Total => ScopeKind::Total,
            Scope::Queue(_) => ScopeKind::Queue,
            Scope::Team(_) => ScopeKind::Team,
        }
    }
}

impl ScopeKind {
    /// The scope as written in result files.
    pub fn name(self) -> &'static str {
        match self {
            ScopeKind::Total => "total",
            ScopeKind::Queue => "queue",
            ScopeKind::Team => "team",
        }
    }
}

/// Header of summary.csv.
pub const SUMMARY_HEADER: [&str; 8] =
    ["scope", "name", "metric", "unit", "mean", "ci95_low", "ci95_high", "replications"];

/// One row of summary.csv (and the tail of a sweep.csv row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRecord {
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// `all`, the queue or the team.
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// Its unit.
    pub unit: Unit,
    /// Mean over replications, in the unit.
    pub mean: Num,
    /// Lower end of the 95% interval.
    pub ci95_low: Num,
    /// Upper end of the 95% interval.
    pub ci95_high: Num,
    /// Replications with a value.
    pub replications: u32,
}

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

/// One row of intervals.csv: a queue's row leaves the agent columns empty
/// (NaN), a team's the conversation columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // The columns are documented in docs/model.md §11.2; units are in their names.
pub struct IntervalRecord {
    pub interval: usize,
    pub day: u64,
    pub start: String,
    pub start_seconds: Num,
    pub length_seconds: Num,
    pub warmup: bool,
    pub scope: ScopeKind,
    pub name: String,
    pub offered_count: Num,
    pub answered_count: Num,
    pub abandoned_count: Num,
    pub unresolved_count: Num,
    pub service_level_fraction: Num,
    pub service_level_ci95_low: Num,
    pub service_level_ci95_high: Num,
    pub sl_threshold_seconds: Num,
    pub sl_target_fraction: Num,
    pub target_met: Option<bool>,
    pub asa_seconds: Num,
    pub abandon_rate_fraction: Num,
    pub queue_avg_count: Num,
    pub queue_max_count: Num,
    pub occupancy_fraction: Num,
    pub agents_logged_in: Num,
    pub agents_available_spare: Num,
    pub agents_available_full: Num,
    pub agents_unavailable: Num,
    pub agent_seconds_logged_in: Num,
    pub replications: u32,
}

/// Header of statuses.csv.
pub const STATUSES_HEADER: [&str; 6] = ["interval", "day", "start", "team", "status", "agent_seconds"];

/// One row of statuses.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusRecord {
    /// Reporting interval, from 0.
    pub interval: usize,
    /// Its day, from 0.
    pub day: u64,
    /// Its start, `HH:MM`.
    pub start: String,
    /// The team.
    pub team: String,
    /// The status.
    pub status: String,
    /// Agent-seconds in the status, mean per replication.
    pub agent_seconds: Num,
}

/// Header of replications.csv.
pub const REPLICATIONS_HEADER: [&str; 5] = ["replication", "scope", "name", "metric", "value"];

/// One row of replications.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationRecord {
    /// Replication number, from 0.
    pub replication: usize,
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// `all`, the queue or the team.
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// Its value in that replication, in the metric's unit.
    pub value: Num,
}

/// Header of waits.csv.
pub const WAITS_HEADER: [&str; 4] = ["scope", "name", "wait_seconds", "cumulative_fraction"];

/// One row of waits.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitRecord {
    /// Total or queue.
    pub scope: ScopeKind,
    /// `all` or the queue.
    pub name: String,
    /// The wait, seconds.
    pub wait_seconds: Num,
    /// Share of answered conversations that waited at most that long (fraction).
    pub cumulative_fraction: Num,
}

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

/// One row of compare.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRecord {
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// `all`, the queue or the team.
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// Its unit.
    pub unit: Unit,
    /// A's mean over the paired replications.
    pub a_mean: Num,
    /// B's mean.
    pub b_mean: Num,
    /// Mean paired difference B − A.
    pub diff_mean: Num,
    /// Lower end of its 95% interval.
    pub diff_ci95_low: Num,
    /// Upper end.
    pub diff_ci95_high: Num,
    /// Replications where both have a value.
    pub replications: u32,
    /// Whether the interval excludes zero.
    pub significant: bool,
}

/// The header of `compare_intervals.csv`.
pub const COMPARE_INTERVALS_HEADER: [&str; 15] = [
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
    "replications_for_interval",
];

/// One row of compare_intervals.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareIntervalRecord {
    /// Reporting interval, from 0.
    pub interval: usize,
    /// Its day, from 0.
    pub day: u64,
    /// Its start, `HH:MM`.
    pub start: String,
    /// Its start, seconds from day 0.
    pub start_seconds: Num,
    /// The queue.
    pub queue: String,
    /// Service level, ASA, abandon rate or occupancy.
    pub metric: Metric,
    /// Its unit.
    pub unit: Unit,
    /// A's value pooled over the replications (Σ numerators / Σ denominators, as intervals.csv).
    pub a_mean: Num,
    /// B's value, pooled the same way.
    pub b_mean: Num,
    /// B − A of the pooled values.
    pub diff_mean: Num,
    /// Lower end of its 95% interval.
    pub diff_ci95_low: Num,
    /// Upper end.
    pub diff_ci95_high: Num,
    /// Replications paired.
    pub replications: u32,
    /// Whether the interval excludes zero.
    pub significant: bool,
    /// When the interval is withheld (its ends empty): the replications
    /// Cochran's rule asks for (docs/model.md §14, per-interval differences); empty when given.
    pub replications_for_interval: Option<u64>,
}

/// The header of staffing.csv.
pub const STAFFING_HEADER: &str =
    "start,method,agents,offered_erlangs,service_level,asa,abandon_rate,occupancy";

/// One row of staffing.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffingRecord {
    /// The interval's start, `HH:MM` or `dD HH:MM` ([`crate::format::day_clock`], with [`crate::calendar::Calendar`] for the day).
    pub start: String,
    /// The staffing method.
    pub method: String,
    /// Agents the method staffs.
    pub agents: u32,
    /// Offered load, Erlangs.
    pub offered_erlangs: Num,
    /// Service level achieved (fraction).
    pub service_level: Num,
    /// ASA achieved (seconds).
    pub asa: Num,
    /// Abandon rate achieved (fraction).
    pub abandon_rate: Num,
    /// Occupancy (fraction).
    pub occupancy: Num,
}

/// The header of staffing.csv in the whole-team form (`staff` without
/// `--group`): [`STAFFING_HEADER`] with the team after the start.
pub const TEAM_STAFFING_HEADER: &str =
    "start,team,method,agents,offered_erlangs,service_level,asa,abandon_rate,occupancy";

/// One row of staffing.csv in the whole-team form: one team's staffing
/// array in one interval under one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamStaffingRecord {
    /// The interval's start, `HH:MM` or `day D HH:MM`.
    pub start: String,
    /// The team staffed.
    pub team: String,
    /// The staffing method.
    pub method: String,
    /// Agents logged in the method staffs for the team.
    pub agents: u32,
    /// Offered load of the team's queues, Erlangs.
    pub offered_erlangs: Num,
    /// Lowest service level among the team's queues (fraction).
    pub service_level: Num,
    /// Highest ASA among the team's queues (seconds).
    pub asa: Num,
    /// Highest abandon rate among the team's queues (fraction).
    pub abandon_rate: Num,
    /// Highest occupancy among the team's queues (fraction).
    pub occupancy: Num,
}

/// The header of erlang.csv: the keys of `routesim erlang --json`.
pub const ERLANG_HEADER: [&str; 7] =
    ["agents", "p_wait", "service_level", "asa", "abandon_rate", "occupancy", "queue_length"];

/// One row of erlang.csv (empty where the queue grows without bound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErlangRecord {
    /// Agents.
    pub agents: u32,
    /// Probability of waiting (fraction).
    pub p_wait: Num,
    /// Service level (fraction).
    pub service_level: Num,
    /// ASA (seconds).
    pub asa: Num,
    /// Abandon rate (fraction).
    pub abandon_rate: Num,
    /// Occupancy (fraction).
    pub occupancy: Num,
    /// Mean queue length (customers).
    pub queue_length: Num,
}

/// One row of requirement.csv (`erlang --forecast`): one queue in one
/// interval; the figures empty where nothing arrives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementRecord {
    /// Queue name as the forecast writes it.
    pub queue: String,
    /// Interval start as the forecast writes it.
    pub start: String,
    /// Conversations expected in the interval.
    pub offered: Num,
    /// Mean handle time (seconds).
    pub aht: Num,
    /// Offered load (Erlangs).
    pub erlangs: Num,
    /// Fewest agents meeting every target (0 when nothing arrives).
    pub agents: u32,
    /// Service level with that many agents (fraction).
    pub service_level: Num,
    /// ASA with that many agents (seconds).
    pub asa: Num,
    /// Abandon rate with that many agents (fraction).
    pub abandon_rate: Num,
    /// Occupancy of the agents' conversation slots (fraction).
    pub occupancy: Num,
}

/// The columns of roster.csv before one column per planned status.
pub const ROSTER_COLUMNS: [&str; 7] = ["agent", "team", "shift", "date", "weekday", "start", "end"];

/// One row of roster.csv (`schedule`): one agent on one working day; the
/// planned statuses' starts follow as columns of their own ([`write_trailed`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterRecord {
    /// The agent, `agent-1` …
    pub agent: String,
    /// The agent's team.
    pub team: String,
    /// The shift pattern worked.
    pub shift: String,
    /// The working day's date, `YYYY-MM-DD` (empty without a calendar).
    pub date: String,
    /// The working day, `Mon` … `Sun`.
    pub weekday: String,
    /// The shift's start, `HH:MM`.
    pub start: String,
    /// The shift's end, `HH:MM` (on the next day when before the start).
    pub end: String,
}

/// One row of coverage.csv (`schedule`): one team in one interval of the week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageRecord {
    /// The team.
    pub team: String,
    /// The interval's date, `YYYY-MM-DD` (empty without a calendar).
    pub date: String,
    /// The interval's weekday, `Mon` … `Sun`.
    pub weekday: String,
    /// The interval's start, `HH:MM`.
    pub start: String,
    /// Agents the requirement asks logged in (as `staff` answers).
    pub required: u32,
    /// Agents the requirement asks available: logged in × (1 − its shrinkage).
    pub required_available: Num,
    /// Agents the roster has logged in (time-averaged over the interval).
    pub scheduled: Num,
    /// Agents the roster has logged in and not in a planned status.
    pub available: Num,
    /// `available − required_available`: above 0 over, below 0 under.
    pub net: Num,
}

/// Writes the CSV file `file` with the row type's own columns (`own`) then
/// `trail` columns, each row its record and its trailing values
/// (roster.csv: one column per planned status).
pub fn write_trailed<T: Serialize>(
    file: &str,
    own: &[&str],
    trail: &[String],
    rows: impl IntoIterator<Item = (T, Vec<String>)>,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut out);
        let header: Vec<&str> = own.iter().copied().chain(trail.iter().map(String::as_str)).collect();
        w.write_record(&header).map_err(|e| write_error(file, e))?;
        for row in rows {
            w.serialize(row).map_err(|e| write_error(file, e))?;
        }
        w.flush().map_err(|source| Error::Write { path: file.into(), source })?;
    }
    Ok(out)
}

/// The error of a CSV file that could not be written.
fn write_error(file: &str, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    Error::Write { path: file.into(), source: std::io::Error::other(e) }
}

/// Writes `rows` to `w` as the CSV file `file`, the header from the row type's fields.
pub fn write<T: Serialize>(
    file: &str,
    w: impl std::io::Write,
    rows: impl IntoIterator<Item = T>,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(w);
    for row in rows {
        w.serialize(row).map_err(|e| write_error(file, e))?;
    }
    w.flush().map_err(|source| Error::Write { path: file.into(), source })
}

/// [`write()`] into memory.
pub fn to_bytes<T: Serialize>(file: &str, rows: impl IntoIterator<Item = T>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(file, &mut out, rows)?;
    Ok(out)
}

/// The calendar columns a dated scenario's interval files lead with
/// ([`write_dated`]).
pub const DATE_COLUMNS: [&str; 2] = ["date", "weekday"];

/// Writes the interval file `file` of rows `(start seconds, record)`: when
/// `calendar` is dated, each row leads with its [`DATE_COLUMNS`] (`date` as
/// `YYYY-MM-DD`, `weekday` as `Mon`..`Sun`); undated, the columns are left
/// out and the file is the record's own.
pub fn write_dated<T: Serialize>(
    file: &str,
    calendar: Calendar,
    own: &[&str],
    rows: impl IntoIterator<Item = (f64, T)>,
) -> Result<Vec<u8>> {
    if calendar.start().is_none() {
        return to_bytes(file, rows.into_iter().map(|(_, r)| r));
    }
    let lead: Vec<String> = DATE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let rows = rows.into_iter().map(move |(start, r)| {
        let (date, weekday) = calendar.date_cells(start).unwrap_or_default();
        (vec![date, weekday], r)
    });
    write_led(file, &lead, own, rows)
}

/// Writes the CSV file `file` with a header of `lead` columns before the
/// row type's own (sweep.csv: the varied keys, then summary.csv's columns),
/// each row its `lead` values and its record.
pub fn write_led<T: Serialize>(
    file: &str,
    lead: &[String],
    own: &[&str],
    rows: impl IntoIterator<Item = (Vec<String>, T)>,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut out);
        let header: Vec<&str> = lead.iter().map(String::as_str).chain(own.iter().copied()).collect();
        w.write_record(&header).map_err(|e| write_error(file, e))?;
        for row in rows {
            w.serialize(row).map_err(|e| write_error(file, e))?;
        }
        w.flush().map_err(|source| Error::Write { path: file.into(), source })?;
    }
    Ok(out)
}

/// The error of a result file that could not be read back.
fn read_error(file: &str, problem: String) -> Error {
    Error::Records { path: file.into(), problem }
}

/// Where a csv error happened, as `line N: `.
fn at_line(e: &csv::Error) -> String {
    e.position().map_or_else(String::new, |p| format!("line {}: ", p.line()))
}

/// The rows of the CSV file `file` (its text `text`), by header name; a
/// row with another number of fields than the header, a bad number or an
/// unknown metric is an error that names the line.
pub fn read<T: DeserializeOwned>(file: &str, text: &[u8]) -> Result<Vec<T>> {
    let (header, rows) = read_cells(file, text)?;
    rows.iter().map(|row| record(file, &header, row)).collect()
}

/// Reads the CSV rows of `r` one by one (streamed: a large file is never
/// held whole) and hands each to `f`; the first error, of the file or of
/// `f`, is returned as `line N: problem`.
pub fn for_each<T: DeserializeOwned>(
    r: impl std::io::Read,
    mut f: impl FnMut(T) -> std::result::Result<(), String>,
) -> std::result::Result<(), String> {
    let mut reader = csv::Reader::from_reader(r);
    let header = reader.headers().map_err(|e| plain(&e))?.clone();
    let mut cells = csv::StringRecord::new();
    while reader.read_record(&mut cells).map_err(|e| format!("{}{}", at_line(&e), plain(&e)))? {
        let line = cells.position().map_or(0, csv::Position::line);
        let row = cells
            .deserialize(Some(&header))
            .map_err(|e| format!("line {line}: {}", plain_in(&e, Some((&header, &cells)))))?;
        f(row).map_err(|e| format!("line {line}: {e}"))?;
    }
    Ok(())
}

/// A CSV file as text cells: its header and rows (each as long as the header).
pub fn read_cells(file: &str, text: &[u8]) -> Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
    let mut r = csv::Reader::from_reader(text);
    let header = r.headers().map_err(|e| read_error(file, plain(&e)))?.clone();
    let mut rows = Vec::new();
    for row in r.records() {
        rows.push(row.map_err(|e| read_error(file, format!("{}{}", at_line(&e), plain(&e))))?);
    }
    Ok((header, rows))
}

/// One row of cells as the record `T`, its columns named by `header`.
pub fn record<T: DeserializeOwned>(
    file: &str,
    header: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Result<T> {
    row.deserialize(Some(header)).map_err(|e| {
        let line = row.position().map_or_else(String::new, |p| format!("line {}: ", p.line()));
        read_error(file, format!("{line}{}", plain_in(&e, Some((header, row)))))
    })
}

/// A csv error in plain words, without the position (given apart),
/// naming the column (by `header`, with the row's cells) where the error
/// is one field's.
fn plain_in(e: &csv::Error, header: Option<(&csv::StringRecord, &csv::StringRecord)>) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("it has {len} fields, the header {expected_len}")
        }
        csv::ErrorKind::Deserialize { err, .. } => {
            // A field's own error (a bad number, an unknown metric) comes
            // through serde without its position: it quotes the text, so
            // the column is the one holding that text.
            let quoted = || {
                let message = err.kind().to_string();
                let text = message.split('`').nth(1)?.to_owned();
                header.and_then(|(_, row)| row.iter().position(|cell| cell.trim() == text))
            };
            let at = err.field().map(|i| i as usize).or_else(quoted);
            match at.and_then(|i| header.and_then(|(h, _)| h.get(i))) {
                Some(column) => format!("`{column}`: {}", err.kind()),
                None => err.kind().to_string(),
            }
        }
        _ => e.to_string(),
    }
}

/// [`plain_in`] without a header.
fn plain(e: &csv::Error) -> String {
    plain_in(e, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(name: &str, mean: f64) -> SummaryRecord {
        SummaryRecord {
            scope: ScopeKind::Queue,
            name: name.into(),
            metric: Metric::ServiceLevel,
            unit: Unit::Fraction,
            mean: Num(mean),
            ci95_low: Num(f64::NAN),
            ci95_high: Num(1.0),
            replications: 3,
        }
    }

    #[test]
    fn headers_come_from_the_row_types() {
        let first_line =
            |bytes: Vec<u8>| String::from_utf8(bytes).unwrap().lines().next().unwrap().to_owned();
        assert_eq!(first_line(to_bytes("s", [summary("q", 0.5)]).unwrap()), SUMMARY_HEADER.join(","));
    }

    #[test]
    fn names_are_quoted_and_read_back_intact() {
        let name = "chat, \"EU\"";
        let bytes = to_bytes("summary.csv", [summary(name, 0.1 + 0.2)]).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.ends_with("queue,\"chat, \"\"EU\"\"\",service_level,fraction,0.3,,1,3\n"), "{text}");
        let back: Vec<SummaryRecord> = read("summary.csv", &bytes).unwrap();
        assert_eq!(back[0].name, name);
        assert_eq!(back[0].metric, Metric::ServiceLevel);
        assert!(back[0].ci95_low.0.is_nan() && back[0].mean.0 == 0.3);
    }

    #[test]
    fn an_unknown_metric_or_a_bad_number_names_the_line() {
        let text =
            b"scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,speed,count,1,,,1\n";
        let e = read::<SummaryRecord>("summary.csv", text).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("unknown metric `speed`"), "{e}");
        let text =
            b"scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,asa,seconds,abc,,,1\n";
        let e = read::<SummaryRecord>("summary.csv", text).unwrap_err().to_string();
        assert!(e.contains("line 2: `mean`: `abc` is not a number"), "{e}");
        let e = read_cells("x.csv", b"a,b\n1,2\n3\n").unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("1 fields, the header 2"), "{e}");
    }

    #[test]
    fn led_rows_put_their_values_before_the_record() {
        let lead = vec!["agents.\"a, b\".count".to_owned()];
        let bytes =
            write_led("sweep.csv", &lead, &SUMMARY_HEADER, [(vec!["4".to_owned()], summary("q", 1.0))])
                .unwrap();
        let (header, rows) = read_cells("sweep.csv", &bytes).unwrap();
        assert_eq!(&header[0], "agents.\"a, b\".count");
        assert_eq!(rows[0].len(), header.len());
        assert_eq!(&rows[0][0], "4");
        assert_eq!(&rows[0][5], "1");
    }
}
