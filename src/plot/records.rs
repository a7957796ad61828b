//! The exported records the charts and the report are drawn from: the
//! result files `summary.csv`, `intervals.csv`, `statuses.csv`,
//! `waits.csv` and `scenario.toml` parsed back, summed over teams where a
//! chart shows the whole floor. Read from a folder ([`Records::from_dir`])
//! or from a run's exporters as they stream ([`Records::from_results`]):
//! the same bytes either way, so `routesim plot DIR` draws what `run` drew.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::replicate::Results;
use crate::report::Provenance;

/// Everything the charts and the report read from a result folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    /// Scenario name (`name` in scenario.toml).
    pub scenario: String,
    /// The effective scenario, as written in scenario.toml.
    pub scenario_toml: String,
    /// Replications run.
    pub replications: u32,
    /// summary.csv's rows, in file order.
    pub summary: Vec<SummaryLine>,
    /// The queues, in file order, with their service-level settings.
    pub queues: Vec<QueueInfo>,
    /// The reporting intervals, in order.
    pub slots: Vec<Slot>,
    /// `queue_slots[q][i]`: queue `q` during interval `i`.
    pub queue_slots: Vec<Vec<QueueSlot>>,
    /// `team_slots[i]`: all teams together during interval `i`.
    pub team_slots: Vec<TeamSlot>,
    /// Status names, in statuses.csv order.
    pub statuses: Vec<String>,
    /// `status_secs[s][i]`: agent-seconds in status `s` during interval `i`,
    /// all teams together, mean per replication.
    pub status_secs: Vec<Vec<f64>>,
    /// The wait distributions of waits.csv: the total's, then each queue's.
    pub waits: Vec<WaitCurve>,
}

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    /// `total`, `queue` or `team`.
    pub scope: String,
    /// `all`, the queue or the team.
    pub name: String,
    /// Metric name.
    pub metric: String,
    /// Unit name.
    pub unit: String,
    /// Mean (NaN for no value).
    pub mean: f64,
    /// Lower end of the 95% interval (NaN for none).
    pub low: f64,
    /// Upper end of the 95% interval (NaN for none).
    pub high: f64,
}

/// A queue and its service-level settings.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInfo {
    /// Queue name.
    pub name: String,
    /// Service-level threshold, seconds.
    pub threshold: f64,
    /// Service-level target, fraction.
    pub target: f64,
}

/// A reporting interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Day, from 0.
    pub day: u64,
    /// Clock time `HH:MM`.
    pub start: String,
    /// Start, seconds from the start of day 0.
    pub start_s: f64,
    /// Length, seconds.
    pub length: f64,
    /// Whether it starts before the warm-up ends.
    pub warmup: bool,
}

/// One queue during one interval (NaN where intervals.csv has no value).
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSlot {
    /// Conversations offered, mean per replication.
    pub offered: f64,
    /// Service level, fraction.
    pub service_level: f64,
    /// Its 95% interval, lower end.
    pub low: f64,
    /// Its 95% interval, upper end.
    pub high: f64,
    /// Whether the service level met the target (`None`: no service level).
    pub target_met: Option<bool>,
    /// Average speed of answer, seconds.
    pub asa: f64,
    /// Abandon rate, fraction.
    pub abandon_rate: f64,
}

impl Default for QueueSlot {
    fn default() -> QueueSlot {
        let nan = f64::NAN;
        QueueSlot {
            offered: nan,
            service_level: nan,
            low: nan,
            high: nan,
            target_met: None,
            asa: nan,
            abandon_rate: nan,
        }
    }
}

/// All teams together during one interval: time-average agents, and
/// agent-seconds logged in (means per replication).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamSlot {
    /// Agents logged in.
    pub logged_in: f64,
    /// Agents Available with spare capacity.
    pub available_spare: f64,
    /// Agents Available and full.
    pub available_full: f64,
    /// Agent-seconds logged in.
    pub logged_in_secs: f64,
}

/// One scope's wait distribution (waits.csv).
#[derive(Debug, Clone, PartialEq)]
pub struct WaitCurve {
    /// `total` or `queue`.
    pub scope: String,
    /// `all` or the queue.
    pub name: String,
    /// `(wait seconds, share answered within it)`, waits ascending; the
    /// share is NaN when nothing was answered.
    pub points: Vec<(f64, f64)>,
}

/// The files the records are read from, in reading order (intervals
/// before statuses: statuses rows are checked against the intervals).
pub(super) const SOURCES: [&str; 5] =
    ["scenario.toml", "summary.csv", "intervals.csv", "statuses.csv", "waits.csv"];

impl Records {
    /// Reads the records of the result folder `dir`.
    pub fn from_dir(dir: &Path) -> Result<Records> {
        let mut records = Records::default();
        for name in SOURCES {
            let path = dir.join(name);
            let fail = |problem: String| Error::Records { path: path.clone(), problem };
            let mut file = std::fs::File::open(&path).map_err(|e| {
                fail(if e.kind() == std::io::ErrorKind::NotFound {
                    format!(
                        "it is missing; name a folder written by `routesim run` (rerun the scenario with this version if the folder predates {name})"
                    )
                } else {
                    format!("cannot read it: {}", crate::error::plain_io(&e))
                })
            })?;
            let mut sink = records.sink(name);
            let copied = std::io::copy(&mut file, &mut sink).and_then(|_| sink.finish());
            copied.map_err(|e| fail(crate::error::plain_io(&e)))?;
            // Every run writes rows to these; none means a damaged or foreign file.
            let empty = match name {
                "summary.csv" => records.summary.is_empty(),
                "intervals.csv" => records.slots.is_empty(),
                _ => false,
            };
            if empty {
                return Err(fail(
                    "it holds no rows (a run always writes some): the folder is damaged; rerun the scenario"
                        .into(),
                ));
            }
        }
        records.finish();
        Ok(records)
    }

    /// The records of a run's results, read from its exporters' output as
    /// it streams (nothing is held whole).
    pub fn from_results(results: &Results, provenance: &Provenance) -> Result<Records> {
        let mut records = Records::default();
        let exporters = crate::report::exporters();
        for name in SOURCES {
            let Some(exporter) = exporters.iter().find(|e| e.file_name() == name) else { continue };
            let mut sink = records.sink(name);
            exporter.write(results, provenance, &mut sink)?;
            sink.finish()
                .map_err(|e| Error::Records { path: name.into(), problem: crate::error::plain_io(&e) })?;
        }
        records.finish();
        Ok(records)
    }

    /// A writer that parses the file `name` into these records.
    fn sink(&mut self, name: &'static str) -> Sink<'_> {
        Sink { records: self, file: name, line: Vec::new(), quoted: false, header: None, row: 0 }
    }

    /// Takes the scenario's name from its text once everything is read.
    fn finish(&mut self) {
        if let Ok(doc) = self.scenario_toml.parse::<toml_edit::DocumentMut>() {
            self.scenario = doc.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        }
    }

    /// The summary value of `metric` for `scope`/`name`, if there is one.
    pub fn summary_value(&self, scope: &str, name: &str, metric: &str) -> Option<&SummaryLine> {
        self.summary.iter().find(|l| l.scope == scope && l.name == name && l.metric == metric)
    }

    /// Whether the run spans more than one day (time axes then show the day).
    pub fn multi_day(&self) -> bool {
        self.slots.last().is_some_and(|s| s.day > 0)
    }

    /// One data row of file `file`, its fields named by `header`.
    fn row(&mut self, file: &str, header: &Header, f: &[String]) -> std::result::Result<(), String> {
        match file {
            "summary.csv" => self.summary.push(SummaryLine {
                scope: header.text(f, "scope")?,
                name: header.text(f, "name")?,
                metric: header.text(f, "metric")?,
                unit: header.text(f, "unit")?,
                mean: header.num(f, "mean")?,
                low: header.num(f, "ci95_low")?,
                high: header.num(f, "ci95_high")?,
            }),
            "intervals.csv" => self.interval_row(header, f)?,
            "statuses.csv" => {
                let i = header.index(f, "interval")?;
                if i >= self.slots.len() {
                    return Err(format!("interval {i} is not in intervals.csv"));
                }
                let status = header.text(f, "status")?;
                let s = match self.statuses.iter().position(|n| *n == status) {
                    Some(s) => s,
                    None => {
                        self.statuses.push(status);
                        self.status_secs.push(vec![0.0; self.slots.len()]);
                        self.statuses.len() - 1
                    }
                };
                let secs = header.num(f, "agent_seconds")?;
                self.status_secs[s][i] += if secs.is_finite() { secs } else { 0.0 };
            }
            "waits.csv" => {
                let (scope, name) = (header.text(f, "scope")?, header.text(f, "name")?);
                let point = (header.num(f, "wait_seconds")?, header.num(f, "cumulative_fraction")?);
                match self.waits.last_mut() {
                    Some(c) if c.scope == scope && c.name == name => c.points.push(point),
                    _ => self.waits.push(WaitCurve { scope, name, points: vec![point] }),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One row of intervals.csv.
    fn interval_row(&mut self, header: &Header, f: &[String]) -> std::result::Result<(), String> {
        let i = header.index(f, "interval")?;
        if i == self.slots.len() {
            self.slots.push(Slot {
                day: header.index(f, "day")? as u64,
                start: header.text(f, "start")?,
                start_s: header.num(f, "start_seconds")?,
                length: header.num(f, "length_seconds")?,
                warmup: header.text(f, "warmup")? == "true",
            });
            for q in &mut self.queue_slots {
                q.push(QueueSlot::default());
            }
            self.team_slots.push(TeamSlot::default());
        } else if i > self.slots.len() {
            return Err(format!("interval {i} comes before interval {}", self.slots.len()));
        }
        self.replications = header.index(f, "replications")? as u32;
        let name = header.text(f, "name")?;
        match header.text(f, "scope")?.as_str() {
            "queue" => {
                let q = match self.queues.iter().position(|q| q.name == name) {
                    Some(q) => q,
                    None => {
                        self.queues.push(QueueInfo {
                            name,
                            threshold: header.num(f, "sl_threshold_seconds")?,
                            target: header.num(f, "sl_target_fraction")?,
                        });
                        self.queue_slots.push(vec![QueueSlot::default(); self.slots.len()]);
                        self.queues.len() - 1
                    }
                };
                let met = header.text(f, "target_met")?;
                self.queue_slots[q][i] = QueueSlot {
                    offered: header.num(f, "offered_count")?,
                    service_level: header.num(f, "service_level_fraction")?,
                    low: header.num(f, "service_level_ci95_low")?,
                    high: header.num(f, "service_level_ci95_high")?,
                    target_met: (!met.is_empty()).then_some(met == "true"),
                    asa: header.num(f, "asa_seconds")?,
                    abandon_rate: header.num(f, "abandon_rate_fraction")?,
                };
            }
            "team" => {
                let t = &mut self.team_slots[i];
                let add = |acc: &mut f64, v: f64| *acc += if v.is_finite() { v } else { 0.0 };
                add(&mut t.logged_in, header.num(f, "agents_logged_in")?);
                add(&mut t.available_spare, header.num(f, "agents_available_spare")?);
                add(&mut t.available_full, header.num(f, "agents_available_full")?);
                add(&mut t.logged_in_secs, header.num(f, "agent_seconds_logged_in")?);
            }
            other => return Err(format!("unknown scope `{other}`")),
        }
        Ok(())
    }
}

/// A CSV header: column names, looked up by name.
struct Header(Vec<String>);

impl Header {
    fn field<'f>(&self, f: &'f [String], col: &str) -> std::result::Result<&'f str, String> {
        let at = self.0.iter().position(|c| c == col).ok_or_else(|| format!("no column `{col}`"))?;
        f.get(at).map(String::as_str).ok_or_else(|| format!("a row has no `{col}` field"))
    }
    fn text(&self, f: &[String], col: &str) -> std::result::Result<String, String> {
        self.field(f, col).map(str::to_owned)
    }
    /// A number; empty is NaN.
    fn num(&self, f: &[String], col: &str) -> std::result::Result<f64, String> {
        let s = self.field(f, col)?;
        if s.is_empty() {
            return Ok(f64::NAN);
        }
        s.parse().map_err(|_| format!("`{col}` holds `{s}`, not a number"))
    }
    /// A whole number (an index or a count).
    fn index(&self, f: &[String], col: &str) -> std::result::Result<usize, String> {
        let s = self.field(f, col)?;
        s.parse().map_err(|_| format!("`{col}` holds `{s}`, not a whole number"))
    }
}

/// A writer that parses CSV bytes row by row into [`Records`] (or takes
/// scenario.toml's text whole).
struct Sink<'r> {
    records: &'r mut Records,
    file: &'static str,
    line: Vec<u8>,
    quoted: bool,
    header: Option<Header>,
    row: usize,
}

impl Sink<'_> {
    /// Parses a last line without a newline.
    fn finish(&mut self) -> std::io::Result<()> {
        if self.file != "scenario.toml" && !self.line.is_empty() {
            self.end_line()?;
        }
        Ok(())
    }

    fn end_line(&mut self) -> std::io::Result<()> {
        let line = std::mem::take(&mut self.line);
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        self.row += 1;
        let fields = split(line);
        match &self.header {
            None => self.header = Some(Header(fields)),
            Some(header) => self
                .records
                .row(self.file, header, &fields)
                .map_err(|e| std::io::Error::other(format!("line {}: {e}", self.row)))?,
        }
        Ok(())
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.file == "scenario.toml" {
            self.records.scenario_toml.push_str(&String::from_utf8_lossy(buf));
            return Ok(buf.len());
        }
        for &b in buf {
            // A quote toggles; an escaped quote ("") toggles twice.
            if b == b'"' {
                self.quoted = !self.quoted;
            }
            if b == b'\n' && !self.quoted {
                self.end_line()?;
            } else {
                self.line.push(b);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fields of one CSV line (quotes removed, `""` read as `"`).
pub(super) fn split(line: &[u8]) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        match (b, quoted) {
            (b'"', true) if line.get(i + 1) == Some(&b'"') => {
                field.push(b'"');
                i += 1;
            }
            (b'"', _) => quoted = !quoted,
            (b',', false) => fields.push(String::from_utf8_lossy(&std::mem::take(&mut field)).into_owned()),
            _ => field.push(b),
        }
        i += 1;
    }
    fields.push(String::from_utf8_lossy(&field).into_owned());
    fields
}

/// Statuses that are not shrinkage: Available and Busy are productive,
/// Offline is not logged in (docs/model.md M14).
pub(crate) const NOT_SHRINKAGE: [&str; 3] = ["Available", "Busy", "Offline"];

/// Per-status share of logged-in time after the warm-up, for the
/// statuses that count as shrinkage and hold any time, in status order.
pub(crate) fn shrinkage_by_status(r: &Records) -> Vec<(String, f64)> {
    let counted: Vec<usize> = (0..r.slots.len()).filter(|&i| !r.slots[i].warmup).collect();
    let logged: f64 = counted.iter().map(|&i| r.team_slots[i].logged_in_secs).sum();
    let mut out = BTreeMap::new();
    for (s, name) in r.statuses.iter().enumerate() {
        if NOT_SHRINKAGE.contains(&name.as_str()) {
            continue;
        }
        let secs: f64 = counted.iter().map(|&i| r.status_secs[s][i]).sum();
        if secs > 0.0 && logged > 0.0 {
            out.insert(s, (name.clone(), secs / logged));
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_split_with_quotes() {
        assert_eq!(split(b"a,\"b,c\",\"d\"\"e\","), ["a", "b,c", "d\"e", ""]);
        assert_eq!(split(b""), [""]);
    }

    #[test]
    fn a_sink_reads_rows_across_writes_and_quoted_newlines() {
        let mut r = Records::default();
        let mut sink = r.sink("waits.csv");
        sink.write_all(b"scope,name,wait_seconds,cumulative_fraction\ntotal,all,0,0.5\nqueue,\"a\nb\",0,")
            .unwrap();
        sink.write_all(b"1\nqueue,\"a\nb\",5,\n").unwrap();
        sink.finish().unwrap();
        assert_eq!(r.waits.len(), 2);
        assert_eq!(r.waits[1].name, "a\nb");
        assert_eq!(r.waits[1].points[0], (0.0, 1.0));
        assert!(r.waits[1].points[1].1.is_nan());
    }

    #[test]
    fn shrinkage_counts_unavailable_and_custom_statuses_after_the_warm_up() {
        let slot = |warmup| Slot { day: 0, start: String::new(), start_s: 0.0, length: 100.0, warmup };
        let team = |secs| TeamSlot { logged_in_secs: secs, ..TeamSlot::default() };
        let r = Records {
            slots: vec![slot(true), slot(false), slot(false)],
            team_slots: vec![team(1000.0), team(400.0), team(600.0)],
            statuses: ["Available", "Busy", "Unavailable", "Offline", "Lunch", "Training"]
                .map(String::from)
                .to_vec(),
            status_secs: vec![
                vec![500.0, 300.0, 300.0],
                vec![100.0, 50.0, 50.0],
                vec![900.0, 100.0, 0.0],
                vec![0.0, 700.0, 700.0],
                vec![0.0, 0.0, 150.0],
                vec![0.0, 0.0, 0.0],
            ],
            ..Records::default()
        };
        // The warm-up interval's 900 s of Unavailable is left out; Training has no time.
        assert_eq!(shrinkage_by_status(&r), vec![("Unavailable".into(), 0.1), ("Lunch".into(), 0.15)]);
    }

    #[test]
    fn a_bad_number_names_line_and_column() {
        let mut r = Records::default();
        let mut sink = r.sink("summary.csv");
        let e = sink
            .write_all(
                b"scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,x,count,abc,,,1\n",
            )
            .unwrap_err();
        assert_eq!(e.to_string(), "line 2: `mean` holds `abc`, not a number");
    }
}
