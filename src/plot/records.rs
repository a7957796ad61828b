//! The exported records the charts and the report are drawn from: the
//! result files `summary.csv`, `intervals.csv`, `statuses.csv`,
//! `waits.csv` and `scenario.toml` parsed back, summed over teams where a
//! chart shows the whole floor. Each file is read as its typed rows
//! ([`crate::rows`]): from a folder ([`Records::from_dir`]), or from a
//! run's exporters as they make them (`report` pushes the same rows, with
//! numbers rounded as written), so `routesim plot DIR` draws what `run` drew.
//! Depends on the rows only, never on the engine, `replicate` or `report`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::rows::{self, IntervalRecord, ScopeKind, StatusRecord, SummaryRecord, WaitRecord};
use crate::stats::{Metric, Unit};

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
    /// Which date day 1 is (`start_date` of scenario.toml), if known.
    pub calendar: crate::calendar::Calendar,
}

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    /// Total, queue or team.
    pub scope: ScopeKind,
    /// `all`, the queue or the team.
    pub name: String,
    /// The metric.
    pub metric: Metric,
    /// Its unit.
    pub unit: Unit,
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

impl QueueSlot {
    /// Has a service level that is not judged against the target: the
    /// queue was closed throughout the interval (docs/model.md §10.13).
    pub fn closed(&self) -> bool {
        self.target_met.is_none() && !self.service_level.is_nan()
    }
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
    /// Total or queue.
    pub scope: ScopeKind,
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
            let file = std::fs::File::open(&path).map_err(|e| {
                fail(if e.kind() == std::io::ErrorKind::NotFound {
                    format!(
                        "it is missing; name a folder written by `routesim run` (rerun the scenario with this version if the folder predates {name})"
                    )
                } else {
                    format!("cannot read it: {}", crate::error::plain_io(&e))
                })
            })?;
            let read = match name {
                "scenario.toml" => std::io::read_to_string(file)
                    .map(|text| records.scenario_toml = text)
                    .map_err(|e| format!("cannot read it: {}", crate::error::plain_io(&e))),
                "summary.csv" => rows::for_each(file, |r| {
                    records.push_summary(r);
                    Ok(())
                }),
                "intervals.csv" => rows::for_each(file, |r| records.push_interval(r)),
                "statuses.csv" => rows::for_each(file, |r| records.push_status(r)),
                _ => rows::for_each(file, |r| {
                    records.push_wait(r);
                    Ok(())
                }),
            };
            read.map_err(fail)?;
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

    /// Takes the scenario's name from its text once everything is read.
    pub fn finish(&mut self) {
        if let Ok(doc) = self.scenario_toml.parse::<toml_edit::DocumentMut>() {
            self.scenario = doc.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            self.calendar = crate::calendar::of_scenario_text(&self.scenario_toml);
        }
    }

    /// The summary value of `metric` for `scope`/`name`, if there is one.
    pub fn summary_value(&self, scope: ScopeKind, name: &str, metric: Metric) -> Option<&SummaryLine> {
        self.summary.iter().find(|l| l.scope == scope && l.name == name && l.metric == metric)
    }

    /// Days the run spans (from its intervals).
    pub fn days(&self) -> u64 {
        self.slots.last().map_or(1, |s| s.day + 1)
    }

    /// Whether the run spans more than one day (time axes then show the day).
    pub fn multi_day(&self) -> bool {
        self.slots.last().is_some_and(|s| s.day > 0)
    }

    /// One row of summary.csv.
    pub fn push_summary(&mut self, r: SummaryRecord) {
        self.summary.push(SummaryLine {
            scope: r.scope,
            name: r.name,
            metric: r.metric,
            unit: r.unit,
            mean: r.mean.written(),
            low: r.ci95_low.written(),
            high: r.ci95_high.written(),
        });
    }

    /// One row of statuses.csv (after intervals.csv's rows).
    pub fn push_status(&mut self, r: StatusRecord) -> std::result::Result<(), String> {
        let i = r.interval;
        if i >= self.slots.len() {
            return Err(format!("interval {i} is not in intervals.csv"));
        }
        let s = match self.statuses.iter().position(|n| *n == r.status) {
            Some(s) => s,
            None => {
                self.statuses.push(r.status);
                self.status_secs.push(vec![0.0; self.slots.len()]);
                self.statuses.len() - 1
            }
        };
        let secs = r.agent_seconds.written();
        self.status_secs[s][i] += if secs.is_finite() { secs } else { 0.0 };
        Ok(())
    }

    /// One row of waits.csv.
    pub fn push_wait(&mut self, r: WaitRecord) {
        let point = (r.wait_seconds.written(), r.cumulative_fraction.written());
        match self.waits.last_mut() {
            Some(c) if c.scope == r.scope && c.name == r.name => c.points.push(point),
            _ => self.waits.push(WaitCurve { scope: r.scope, name: r.name, points: vec![point] }),
        }
    }

    /// One row of intervals.csv.
    pub fn push_interval(&mut self, r: IntervalRecord) -> std::result::Result<(), String> {
        let i = r.interval;
        if i == self.slots.len() {
            self.slots.push(Slot {
                day: r.day,
                start: r.start.clone(),
                start_s: r.start_seconds.written(),
                length: r.length_seconds.written(),
                warmup: r.warmup,
            });
            for q in &mut self.queue_slots {
                q.push(QueueSlot::default());
            }
            self.team_slots.push(TeamSlot::default());
        } else if i > self.slots.len() {
            return Err(format!("interval {i} comes before interval {}", self.slots.len()));
        }
        self.replications = r.replications;
        match r.scope {
            ScopeKind::Queue => {
                let q = match self.queues.iter().position(|q| q.name == r.name) {
                    Some(q) => q,
                    None => {
                        self.queues.push(QueueInfo {
                            name: r.name.clone(),
                            threshold: r.sl_threshold_seconds.written(),
                            target: r.sl_target_fraction.written(),
                        });
                        self.queue_slots.push(vec![QueueSlot::default(); self.slots.len()]);
                        self.queues.len() - 1
                    }
                };
                self.queue_slots[q][i] = QueueSlot {
                    offered: r.offered_count.written(),
                    service_level: r.service_level_fraction.written(),
                    low: r.service_level_ci95_low.written(),
                    high: r.service_level_ci95_high.written(),
                    target_met: r.target_met,
                    asa: r.asa_seconds.written(),
                    abandon_rate: r.abandon_rate_fraction.written(),
                };
            }
            ScopeKind::Team => {
                let t = &mut self.team_slots[i];
                let add = |acc: &mut f64, v: f64| *acc += if v.is_finite() { v } else { 0.0 };
                add(&mut t.logged_in, r.agents_logged_in.written());
                add(&mut t.available_spare, r.agents_available_spare.written());
                add(&mut t.available_full, r.agents_available_full.written());
                add(&mut t.logged_in_secs, r.agent_seconds_logged_in.written());
            }
            ScopeKind::Total => return Err("intervals.csv has no `total` rows".into()),
        }
        Ok(())
    }
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
        let text =
            b"scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,asa,seconds,abc,,,1\n";
        let mut r = Records::default();
        let e = rows::for_each(&text[..], |row| {
            r.push_summary(row);
            Ok(())
        })
        .unwrap_err();
        assert!(
            e.starts_with("line 2: ") && e.contains("mean") && e.contains("`abc` is not a number"),
            "{e}"
        );
    }

    #[test]
    fn quoted_names_with_newlines_read_back_whole() {
        let text = b"scope,name,wait_seconds,cumulative_fraction\ntotal,all,0,0.5\nqueue,\"a\nb\",0,1\nqueue,\"a\nb\",5,\n";
        let mut r = Records::default();
        rows::for_each(&text[..], |row| {
            r.push_wait(row);
            Ok(())
        })
        .unwrap();
        assert_eq!(r.waits.len(), 2);
        assert_eq!(r.waits[1].name, "a\nb");
        assert_eq!(r.waits[1].points[0], (0.0, 1.0));
        assert!(r.waits[1].points[1].1.is_nan());
    }
}
