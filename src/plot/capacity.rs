//! The charts of `sweep`, `staff` and `erlang` result folders (docs/model.md
//! §11.10): the capacity curve of each headline metric against the varied
//! value, the agents each staffing method requires by interval over the
//! offered load with the service level it achieves, and the Erlang curve.
//! Each is drawn from the folder's files ([`Files`]) only, so
//! `routesim plot DIR` redraws what the command drew.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::records::SOURCES;
use super::run::{LABEL, LEGEND, TITLE, TimeAxis, label_style, note};
use super::{Chart, Draw, DrawError, FAMILY, Swatch, colour, runs, with_legend};
use crate::error::{Error, Result};
use crate::rows::{
    self, CompareIntervalRecord, CompareRecord, ErlangRecord, ScopeKind, StaffingRecord, SummaryRecord,
};
use crate::stats::{Metric, Unit};
use crate::target::{Goal, Target};

/// Which command wrote a result folder, told by the files it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `routesim run`: summary.csv, intervals.csv, ...
    Run,
    /// `routesim sweep`: sweep.csv.
    Sweep,
    /// `routesim staff`: staffing.csv.
    Staff,
    /// `routesim erlang --out`: erlang.csv.
    Erlang,
    /// `routesim compare`: compare.csv, compare_intervals.csv.
    Compare,
}

impl Kind {
    /// The kind of a folder holding the files `has` says it holds:
    /// sweep.csv, staffing.csv or erlang.csv, else a run.
    pub fn of(has: impl Fn(&str) -> bool) -> Kind {
        if has("compare.csv") {
            Kind::Compare
        } else if has("sweep.csv") {
            Kind::Sweep
        } else if has("staffing.csv") {
            Kind::Staff
        } else if has("erlang.csv") {
            Kind::Erlang
        } else {
            Kind::Run
        }
    }

    /// The files its charts and report are drawn from.
    pub fn sources(self) -> &'static [&'static str] {
        match self {
            Kind::Run => &SOURCES,
            Kind::Sweep => &["sweep.csv", "scenario.toml"],
            Kind::Staff => &["staffing.csv", "summary.json", "scenario.toml"],
            Kind::Erlang => &["erlang.csv", "erlang.json"],
            Kind::Compare => &["compare.csv", "compare_intervals.csv", "a.toml", "b.toml"],
        }
    }

    fn command(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Staff => "staff",
            Kind::Erlang => "erlang --out",
            Kind::Compare => "compare",
        }
    }
}

/// A result folder's source files as text, by name: what the charts of a
/// sweep, staff or erlang folder are drawn from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Files {
    kind: Option<Kind>,
    texts: BTreeMap<String, String>,
}

impl Files {
    /// The sources of `kind` among `files` (name, bytes), as a command writes them.
    pub fn from_memory(kind: Kind, files: &[(&str, Vec<u8>)]) -> Files {
        let texts = files
            .iter()
            .filter(|(name, _)| kind.sources().contains(name))
            .map(|(name, bytes)| ((*name).to_owned(), String::from_utf8_lossy(bytes).into_owned()))
            .collect();
        Files { kind: Some(kind), texts }
    }

    /// Reads the sources of `kind` from the folder `dir`; a missing one is bad input.
    pub fn from_dir(kind: Kind, dir: &Path) -> Result<Files> {
        let mut texts = BTreeMap::new();
        for name in kind.sources() {
            let path = dir.join(name);
            let text = std::fs::read(&path).map_err(|e| Error::Records {
                path: path.clone(),
                problem: if e.kind() == std::io::ErrorKind::NotFound {
                    format!("it is missing; name a folder written by `routesim {}`", kind.command())
                } else {
                    format!("cannot read it: {}", crate::error::plain_io(&e))
                },
            })?;
            texts.insert((*name).to_owned(), String::from_utf8_lossy(&text).into_owned());
        }
        Ok(Files { kind: Some(kind), texts })
    }

    fn text(&self, name: &str) -> &str {
        self.texts.get(name).map_or("", String::as_str)
    }

    fn csv(&self, name: &str) -> Result<Csv> {
        Csv::parse(name, self.text(name))
    }

    fn json(&self, name: &str) -> Result<serde_json::Value> {
        serde_json::from_str(self.text(name))
            .map_err(|e| Error::Records { path: name.into(), problem: format!("not JSON: {e}") })
    }

    /// The `name` of the folder's scenario.toml (empty without one).
    fn scenario_name(&self) -> String {
        self.text("scenario.toml")
            .parse::<toml_edit::DocumentMut>()
            .ok()
            .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }
}

/// What report.html shows of a sweep, staff or erlang folder besides its charts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The page's heading (the scenario's name, or the formula).
    pub title: String,
    /// One line under it: what the command answered.
    pub subtitle: String,
    /// Settings as (name, value) rows.
    pub settings: Vec<(String, String)>,
    /// The main tables, in order.
    pub tables: Vec<PageTable>,
    /// The effective scenario.toml, where the folder has one.
    pub scenario_toml: String,
}

/// One table of a [`Page`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageTable {
    /// Its heading.
    pub heading: String,
    /// A sentence on what it holds.
    pub note: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
}

/// The charts (in report order) and the page of a sweep, staff or erlang folder.
pub fn capacity_charts(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    match files.kind {
        Some(Kind::Sweep) => sweep(files),
        Some(Kind::Staff) => staff(files),
        Some(Kind::Erlang) => erlang(files),
        Some(Kind::Compare) => compare(files),
        _ => Err(Error::Records {
            path: ".".into(),
            problem: "not a sweep, staff, erlang or compare folder".into(),
        }),
    }
}

/// A CSV file of the folder read whole through the csv crate: its header
/// and rows as text cells (what the page's tables show), each row read as
/// the file's typed record by [`Csv::records`].
struct Csv {
    name: String,
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

impl Csv {
    fn parse(name: &str, text: &str) -> Result<Csv> {
        let (header, rows) = rows::read_cells(name, text.as_bytes())?;
        if header.is_empty() {
            return Err(Error::Records { path: name.into(), problem: "it is empty".into() });
        }
        Ok(Csv { name: name.to_owned(), header, rows })
    }

    /// Every row as the record `T`.
    fn records<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>> {
        self.rows.iter().map(|r| rows::record(&self.name, &self.header, r)).collect()
    }

    /// The header as text.
    fn header_text(&self) -> Vec<String> {
        self.header.iter().map(str::to_owned).collect()
    }

    /// The rows as text cells.
    fn rows_text(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| r.iter().map(str::to_owned).collect()).collect()
    }
}

/// A number as written in a result file; empty (no value) or unreadable is NaN.
fn num(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}

/// `12.3%` of a fraction, empty for no value.
fn pct(v: f64) -> String {
    if v.is_finite() { format!("{:.1}%", v * 100.0) } else { String::new() }
}

/// A mean with its 95% interval in brackets (when it has one), in the metric's unit.
fn with_band(unit: Unit, mean: f64, low: f64, high: f64) -> String {
    let show = |v: f64| match unit {
        Unit::Fraction => pct(v),
        Unit::Seconds if v.is_finite() => format!("{v:.1} s"),
        _ if v.is_finite() => crate::format::number((v * 100.0).round() / 100.0),
        _ => String::new(),
    };
    let mut s = show(mean);
    if mean.is_finite() && low.is_finite() && high.is_finite() && low != high {
        s.push_str(&format!(" [{}, {}]", show(low), show(high)));
    }
    s
}

// ---------------------------------------------------------------- sweep

/// The headline metrics a sweep charts, with their headings.
const SWEEP_METRICS: [(Metric, &str); 4] = [
    (Metric::ServiceLevel, "Service level"),
    (Metric::Asa, "ASA"),
    (Metric::AbandonRate, "Abandon rate"),
    (Metric::Occupancy, "Occupancy"),
];

/// One sweep.csv row, as the charts read it.
struct SweepRow {
    variant: usize,
    scope: ScopeKind,
    name: String,
    metric: Metric,
    mean: f64,
    low: f64,
    high: f64,
}

fn sweep(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let csv = files.csv("sweep.csv")?;
    let first_col = csv.header.iter().position(|h| h == "scope").ok_or_else(|| Error::Records {
        path: "sweep.csv".into(),
        problem: "it has no `scope` column".into(),
    })?;
    let keys: Vec<String> = csv.header.iter().take(first_col).map(str::to_owned).collect();
    if keys.is_empty() {
        return Err(Error::Records {
            path: "sweep.csv".into(),
            problem: "it has no varied key before `scope`".into(),
        });
    }
    // Each row: the varied values, then a summary.csv record.
    let tail = |r: &csv::StringRecord| r.iter().skip(first_col).collect::<csv::StringRecord>();
    let tail_header = tail(&csv.header);
    let mut variants: Vec<Vec<String>> = Vec::new();
    let mut rows = Vec::new();
    for r in &csv.rows {
        let values: Vec<String> = r.iter().take(first_col).map(str::to_owned).collect();
        let variant = match variants.iter().position(|v| *v == values) {
            Some(v) => v,
            None => {
                variants.push(values);
                variants.len() - 1
            }
        };
        let record: SummaryRecord = rows::record("sweep.csv", &tail_header, &tail(r))?;
        rows.push(SweepRow {
            variant,
            scope: record.scope,
            name: record.name,
            metric: record.metric,
            mean: record.mean.0,
            low: record.ci95_low.0,
            high: record.ci95_high.0,
        });
    }
    // The x axis: the first key's values, as numbers when all are, else in order.
    let mut firsts: Vec<String> = Vec::new();
    for v in &variants {
        if !firsts.contains(&v[0]) {
            firsts.push(v[0].clone());
        }
    }
    let numeric = firsts.iter().all(|f| num(f).is_finite());
    let x_of = |v: &[String]| {
        if numeric { num(&v[0]) } else { firsts.iter().position(|f| *f == v[0]).unwrap_or(0) as f64 }
    };
    let axis = Keyed::new(firsts.iter().map(|f| (x_of(std::slice::from_ref(f)), f.clone())).collect());
    // One line per queue and combination of the other keys' values.
    let mut groups: Vec<Vec<String>> = Vec::new();
    for v in &variants {
        if !groups.contains(&v[1..].to_vec()) {
            groups.push(v[1..].to_vec());
        }
    }
    let mut queues: Vec<String> = Vec::new();
    for r in rows.iter().filter(|r| r.scope == ScopeKind::Queue) {
        if !queues.contains(&r.name) {
            queues.push(r.name.clone());
        }
    }
    let find = |variant: usize, queue: &str, metric: Metric| {
        rows.iter().find(|r| {
            r.variant == variant && r.scope == ScopeKind::Queue && r.name == queue && r.metric == metric
        })
    };
    let group_label = |g: &[String]| -> String {
        // `agents.backoffice.count` reads as `backoffice.count`: the legend has little room.
        let short = |k: &str| match k.split_once('.') {
            Some((_, rest)) if rest.contains('.') => rest.to_owned(),
            _ => k.to_owned(),
        };
        keys[1..].iter().zip(g).map(|(k, v)| format!("{}={v}", short(k))).collect::<Vec<_>>().join(", ")
    };
    let mut charts = Vec::new();
    for (metric, heading) in SWEEP_METRICS {
        let unit = metric.unit();
        let scale = if unit == Unit::Fraction { 100.0 } else { 1.0 };
        let mut series = Vec::new();
        let mut targets = Vec::new();
        for (qi, queue) in queues.iter().enumerate() {
            for (gi, group) in groups.iter().enumerate() {
                let k = qi * groups.len() + gi;
                let mut points: Vec<(f64, f64, f64, f64)> = variants
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v[1..] == group[..])
                    .map(|(vi, v)| {
                        let r = find(vi, queue, metric);
                        let get = |f: fn(&SweepRow) -> f64| r.map_or(f64::NAN, |r| f(r) * scale);
                        (x_of(v), get(|r| r.mean), get(|r| r.low), get(|r| r.high))
                    })
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let label =
                    if groups.len() > 1 { format!("{queue}, {}", group_label(group)) } else { queue.clone() };
                if metric == Metric::ServiceLevel {
                    let mut t: Vec<(f64, f64, f64, f64)> = variants
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v[1..] == group[..])
                        .map(|(vi, v)| {
                            let t = find(vi, queue, Metric::SlTarget).map_or(f64::NAN, |r| r.mean * 100.0);
                            (x_of(v), t, f64::NAN, f64::NAN)
                        })
                        .collect();
                    t.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let constant = t.iter().all(|p| p.1 == t[0].1);
                    // A constant target is one line per queue; a varied one follows each curve.
                    if !constant || gi == 0 {
                        let label = if constant {
                            format!("{queue} target {:.0}%", t[0].1)
                        } else {
                            format!("{label} target")
                        };
                        targets.push(Curve { label, colour: colour(k), dashed: true, points: t });
                    }
                }
                series.push(Curve { label, colour: colour(k), dashed: false, points });
            }
        }
        series.extend(targets);
        let y_max = if unit == Unit::Fraction {
            100.0
        } else {
            let top = series.iter().flat_map(|c| c.points.iter().flat_map(|p| [p.1, p.3])).fold(0.0, fmax);
            (top * 1.1).max(1.0)
        };
        charts.push(Chart {
            name: match metric {
                Metric::ServiceLevel => "sweep_service_level",
                Metric::Asa => "sweep_asa",
                Metric::AbandonRate => "sweep_abandon_rate",
                _ => "sweep_occupancy",
            },
            title: format!("{heading} against {}", keys[0]),
            about: match metric {
                Metric::ServiceLevel => "The capacity curve: each queue's service level at each swept value, with its 95% band and target (dashed): the first value whose band clears the target is the safe choice.",
                Metric::Asa => "Average speed of answer of each queue at each swept value, with its 95% band.",
                Metric::AbandonRate => "The share of each queue's conversations abandoned at each swept value, with its 95% band.",
                _ => "Occupancy of the agents serving each queue at each swept value, with its 95% band: the price of the service level in busy agents.",
            },
            figure: Box::new(Curves {
                title: format!("{heading} against {}", keys[0]),
                x_desc: keys[0].clone(),
                y_desc: if unit == Unit::Fraction {
                    format!("{} (%)", heading.to_lowercase())
                } else {
                    "ASA (seconds)".into()
                },
                x: axis.clone(),
                y_min: 0.0,
                y_max,
                percent: unit == Unit::Fraction,
                series,
                right: None,
                marks: Vec::new(),
            }),
        });
    }
    // The page: the headline metrics per variant and queue.
    let mut header = keys.clone();
    header.push("queue".into());
    header.extend(SWEEP_METRICS.iter().map(|m| m.1.to_owned()));
    let mut table_rows = Vec::new();
    for (vi, v) in variants.iter().enumerate() {
        for queue in &queues {
            let mut row = v.clone();
            row.push(queue.clone());
            for (metric, _) in SWEEP_METRICS {
                row.push(
                    find(vi, queue, metric)
                        .map_or(String::new(), |r| with_band(metric.unit(), r.mean, r.low, r.high)),
                );
            }
            table_rows.push(row);
        }
    }
    let name = files.scenario_name();
    let page = Page {
        title: format!("{name} — sweep"),
        subtitle: format!("A sweep of {} over {} variants.", keys.join(" and "), variants.len()),
        settings: keys.iter().map(|k| ("varied".to_owned(), k.clone())).collect(),
        tables: vec![PageTable {
            heading: "Variants".into(),
            note: "Means over replications, with 95% confidence intervals in brackets; every metric of every variant is in sweep.csv.".into(),
            header,
            rows: table_rows,
        }],
        scenario_toml: files.text("scenario.toml").to_owned(),
    };
    Ok((charts, page))
}

// ---------------------------------------------------------------- compare

/// The `name` of a scenario file's text (empty when it has none).
fn toml_name(text: &str) -> String {
    text.parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// The summary metrics a compare report shows side by side.
const COMPARE_METRICS: [Metric; 8] = [
    Metric::ServiceLevel,
    Metric::Asa,
    Metric::WaitP90,
    Metric::AbandonRate,
    Metric::Occupancy,
    Metric::Shrinkage,
    Metric::Answered,
    Metric::Abandoned,
];

/// A compare folder (docs/model.md §14): the per-interval service-level
/// difference B − A of each queue with its 95% band, and the page with the
/// summary side by side.
fn compare(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let intervals: Vec<CompareIntervalRecord> = files.csv("compare_intervals.csv")?.records()?;
    let mut queues: Vec<String> = Vec::new();
    let mut series: Vec<Curve> = Vec::new();
    let mut xs: Vec<f64> = Vec::new();
    for r in intervals.iter().filter(|r| r.metric == Metric::ServiceLevel) {
        let x = r.start_seconds.0 / 3600.0;
        if !xs.contains(&x) {
            xs.push(x);
        }
        let q = match queues.iter().position(|q| *q == r.queue) {
            Some(q) => q,
            None => {
                queues.push(r.queue.clone());
                series.push(Curve {
                    label: format!("{} B − A", r.queue),
                    colour: colour(queues.len() - 1),
                    dashed: false,
                    points: Vec::new(),
                });
                queues.len() - 1
            }
        };
        series[q].points.push((
            x,
            r.diff_mean.0 * 100.0,
            r.diff_ci95_low.0 * 100.0,
            r.diff_ci95_high.0 * 100.0,
        ));
    }
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.1.abs(), p.2.abs(), p.3.abs()]))
        .filter(|v| v.is_finite())
        .fold(1.0, fmax);
    let span = (top * 1.1).ceil();
    let first = xs.first().copied().unwrap_or(0.0);
    let last = xs.last().copied().unwrap_or(1.0);
    series.push(Curve {
        label: "no difference".into(),
        colour: RGBColor(110, 110, 110),
        dashed: true,
        points: vec![(first, 0.0, f64::NAN, f64::NAN), (last, 0.0, f64::NAN, f64::NAN)],
    });
    let label = |h: f64| crate::format::day_label(h * 3600.0, last >= 24.0);
    let axis = Keyed::new(xs.iter().map(|&x| (x, label(x))).collect());
    let (a_name, b_name) = (toml_name(files.text("a.toml")), toml_name(files.text("b.toml")));
    let title = "Service level by interval: B − A".to_owned();
    let charts = vec![Chart {
        name: "compare_service_level",
        title: title.clone(),
        about: "How much B changes each queue's service level, interval by interval (B − A, percentage points), with the 95% band of the paired differences: where the band clears the dashed zero line the change is not noise.",
        figure: Box::new(Curves {
            title,
            x_desc: "interval start".into(),
            y_desc: "service level, B − A (points)".into(),
            x: axis,
            y_min: -span,
            y_max: span,
            percent: false,
            series,
            right: None,
            marks: Vec::new(),
        }),
    }];
    let summary: Vec<CompareRecord> = files.csv("compare.csv")?.records()?;
    let show = |unit: Unit, v: f64| with_band(unit, v, f64::NAN, f64::NAN);
    let rows: Vec<Vec<String>> = summary
        .iter()
        .filter(|r| COMPARE_METRICS.contains(&r.metric))
        .map(|r| {
            let unit = r.unit;
            let (d, lo, hi) = (r.diff_mean.0, r.diff_ci95_low.0, r.diff_ci95_high.0);
            let diff = if unit == Unit::Fraction {
                let pts = |v: f64| if v.is_finite() { format!("{:+.1}", v * 100.0) } else { String::new() };
                if lo.is_finite() && hi.is_finite() && lo != hi {
                    format!("{} [{}, {}] points", pts(d), pts(lo), pts(hi))
                } else {
                    format!("{} points", pts(d))
                }
            } else {
                with_band(unit, d, lo, hi)
            };
            vec![
                format!("{} {}", r.scope.name(), r.name),
                r.metric.name().to_owned(),
                show(unit, r.a_mean.0),
                show(unit, r.b_mean.0),
                diff,
                if r.significant { "yes".into() } else { "no".into() },
            ]
        })
        .collect();
    let page = Page {
        title: format!("{a_name} (A) against {b_name} (B)"),
        subtitle: "Both run on the same random streams, replication by replication; differences are B − A with 95% intervals from the paired differences.".into(),
        settings: vec![("A".into(), a_name), ("B".into(), b_name)],
        tables: vec![PageTable {
            heading: "Side by side".into(),
            note: "Means over replications; the difference's interval is Student t over the paired differences. Every metric is in compare.csv, every interval in compare_intervals.csv.".into(),
            header: ["scope", "metric", "A", "B", "B − A [95%]", "significant"].map(str::to_owned).to_vec(),
            rows,
        }],
        scenario_toml: format!("# A\n{}\n# B\n{}", files.text("a.toml"), files.text("b.toml")),
    };
    Ok((charts, page))
}

// ---------------------------------------------------------------- staff

/// One staffing.csv row, as the charts read it.
struct StaffRow {
    start: f64,
    method: String,
    agents: f64,
    load: f64,
    values: [f64; 4],
}

fn staff(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let csv = files.csv("staffing.csv")?;
    let records: Vec<StaffingRecord> = csv.records()?;
    let mut rows = Vec::new();
    for (n, r) in records.iter().enumerate() {
        let start = crate::format::label_hours(&r.start).ok_or_else(|| Error::Records {
            path: "staffing.csv".into(),
            problem: format!("line {}: start `{}` is not HH:MM or dD HH:MM", n + 2, r.start),
        })?;
        rows.push(StaffRow {
            start,
            method: r.method.clone(),
            agents: f64::from(r.agents),
            load: r.offered_erlangs.0,
            values: [r.service_level.0, r.asa.0, r.abandon_rate.0, r.occupancy.0],
        });
    }
    let summary = files.json("summary.json")?;
    let mut targets = Vec::new();
    for t in summary["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str()) {
        targets.push(t.parse::<Target>()?);
    }
    let multi = records.iter().any(|r| r.start.starts_with('d'));
    let mut methods: Vec<String> = Vec::new();
    let mut starts: Vec<f64> = Vec::new();
    for r in &rows {
        if !methods.contains(&r.method) {
            methods.push(r.method.clone());
        }
        if !starts.contains(&r.start) {
            starts.push(r.start);
        }
    }
    let length = starts.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0.0).fold(f64::INFINITY, f64::min);
    let length = if length.is_finite() { length } else { 1.0 };
    let span = match (starts.first(), starts.last()) {
        (Some(a), Some(b)) => (*a, b + length),
        _ => (0.0, 24.0),
    };
    let by_method: Vec<Vec<&StaffRow>> =
        methods.iter().map(|m| rows.iter().filter(|r| r.method == *m).collect()).collect();
    let load: Vec<(f64, f64)> =
        by_method.first().map_or(Vec::new(), |rs| rs.iter().map(|r| (r.start, r.load)).collect());
    let sl_target = targets.iter().find(|t| t.goal == Goal::ServiceLevel).map(|t| t.value);
    let met = |r: &StaffRow| {
        targets.iter().all(|t| {
            let v = match t.goal {
                Goal::ServiceLevel => r.values[0],
                Goal::Asa => r.values[1],
                Goal::AbandonRate => r.values[2],
                Goal::Occupancy => r.values[3],
            };
            !v.is_finite() || t.holds(v)
        })
    };
    let agents = StaffAgents {
        span,
        multi,
        length,
        load,
        methods: methods
            .iter()
            .zip(&by_method)
            .map(|(m, rs)| (m.clone(), rs.iter().map(|r| (r.start, r.agents)).collect()))
            .collect(),
    };
    let levels = StaffLevels {
        span,
        multi,
        target: sl_target,
        methods: methods
            .iter()
            .zip(&by_method)
            .map(|(m, rs)| {
                (
                    m.clone(),
                    rs.iter().map(|r| (r.start + length / 2.0, r.values[0] * 100.0, met(r))).collect(),
                )
            })
            .collect(),
    };
    let target_words: Vec<String> = targets.iter().map(ToString::to_string).collect();
    let charts = vec![
        Chart {
            name: "staff_agents",
            title: "Required agents by interval, over the offered load".into(),
            about: "The agents each method says the group needs, interval by interval, over the offered load in Erlangs (grey): the gap between the two is the headroom the targets cost.",
            figure: Box::new(agents),
        },
        Chart {
            name: "staff_service_level",
            title: "Service level each method's staffing achieves".into(),
            about: "The service level each method's staffing achieves by interval, against the target (dashed; below it shaded): a dot meets every target, a cross misses one (judged on the interval's figures as staffing.csv holds them).",
            figure: Box::new(levels),
        },
    ];
    let mut settings = vec![
        ("group".to_owned(), summary["group"].as_str().unwrap_or_default().to_owned()),
        ("team".to_owned(), summary["team"].as_str().unwrap_or_default().to_owned()),
        ("targets".to_owned(), target_words.join(", ")),
    ];
    if let Some(r) = summary["replications"].as_u64() {
        settings.push(("replications per simulated staffing".into(), r.to_string()));
    }
    let methods_table = PageTable {
        heading: "Methods".into(),
        note: "Agent-hours each method's staffing costs, and the judged intervals where it misses a target."
            .into(),
        header: ["method", "agent-hours", "misses", "judged intervals"].map(String::from).to_vec(),
        rows: summary["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                vec![
                    m["method"].as_str().unwrap_or_default().to_owned(),
                    m["agent_hours"].as_f64().map_or(String::new(), crate::format::number),
                    m["misses"].to_string(),
                    m["judged_intervals"].to_string(),
                ]
            })
            .collect(),
    };
    let staffing_table = PageTable {
        heading: "Staffing by interval".into(),
        note: "staffing.csv: per interval and method, the agents and what they achieve.".into(),
        header: csv.header_text(),
        rows: csv.rows_text(),
    };
    let page = Page {
        title: format!("{} — staffing", summary["scenario"].as_str().unwrap_or_default()),
        subtitle: format!(
            "Required agents of group {} by interval, meeting {}.",
            settings[0].1,
            target_words.join(" and ")
        ),
        settings,
        tables: vec![methods_table, staffing_table],
        scenario_toml: files.text("scenario.toml").to_owned(),
    };
    Ok((charts, page))
}

/// Agents per method by interval (steps) over the offered load (grey area).
struct StaffAgents {
    span: (f64, f64),
    multi: bool,
    length: f64,
    load: Vec<(f64, f64)>,
    methods: Vec<(String, Vec<(f64, f64)>)>,
}

/// Step points of `(start, value)` pairs, flat across each interval, split at missing values.
fn step_runs(points: &[(f64, f64)], length: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for run in runs(points.iter().copied()) {
        out.push(run.iter().flat_map(|&(x, y)| [(x, y), (x + length, y)]).collect());
    }
    out
}

impl Draw for StaffAgents {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let grey = RGBColor(215, 215, 215);
        let mut legend = vec![("offered load (Erlangs)".to_owned(), Swatch::Fill(grey))];
        legend
            .extend(self.methods.iter().enumerate().map(|(k, (m, _))| (m.clone(), Swatch::Line(colour(k)))));
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = self
            .methods
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p.1))
            .chain(self.load.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, fmax);
        let mut chart = ChartBuilder::on(&plot)
            .caption("Required agents by interval, over the offered load", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(TimeAxis::new(self.span, self.multi), 0.0..(top * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if self.multi { "day and time of day" } else { "time of day" })
            .y_desc("agents / Erlangs")
            .y_label_formatter(&|v| if top >= 5.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for run in step_runs(&self.load, self.length) {
            let mut pts = run.clone();
            pts.extend(run.iter().rev().map(|&(x, _)| (x, 0.0)));
            chart.draw_series(std::iter::once(Polygon::new(pts, grey.filled())))?;
        }
        for (k, (_, points)) in self.methods.iter().enumerate() {
            for run in step_runs(points, self.length) {
                chart.draw_series(LineSeries::new(run, colour(k).stroke_width(3)))?;
            }
        }
        Ok(())
    }
}

/// One interval's point: mid-point (hours), service level (%), whether it met every target.
type Level = (f64, f64, bool);

/// Service level per method by interval, against the target, met or missed.
struct StaffLevels {
    span: (f64, f64),
    multi: bool,
    target: Option<f64>,
    /// Per method: (interval mid-point, service level %, met every target).
    methods: Vec<(String, Vec<Level>)>,
}

impl Draw for StaffLevels {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let under = colour(3);
        let mut legend: Vec<(String, Swatch)> =
            self.methods.iter().enumerate().map(|(k, (m, _))| (m.clone(), Swatch::Line(colour(k)))).collect();
        if let Some(t) = self.target {
            legend.push((format!("target {:.0}%", t * 100.0), Swatch::Dashed(BLACK)));
            legend.push(("below target".into(), Swatch::Band(under)));
        }
        legend.push(("meets every target".into(), Swatch::Dot(BLACK)));
        legend.push(("misses a target".into(), Swatch::Cross(BLACK)));
        let plot = with_legend(area, &legend, LEGEND)?;
        let (a, b) = self.span;
        let mut chart = ChartBuilder::on(&plot)
            .caption("Service level each method's staffing achieves", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(TimeAxis::new(self.span, self.multi), 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc(if self.multi {
                "day and time of day (interval mid-point)"
            } else {
                "time of day (interval mid-point)"
            })
            .y_desc("service level (% within threshold)")
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        if let Some(t) = self.target {
            let t = t * 100.0;
            chart
                .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, t)], under.mix(0.12).filled())))?;
            chart.draw_series(DashedLineSeries::new(vec![(a, t), (b, t)], 12, 8, BLACK.stroke_width(2)))?;
        }
        for (k, (_, points)) in self.methods.iter().enumerate() {
            let c = colour(k);
            for run in runs(points.iter().map(|p| (p.0, p.1))) {
                chart.draw_series(LineSeries::new(run, c.stroke_width(3)))?;
            }
            for &(x, y, met) in points.iter().filter(|p| p.1.is_finite()) {
                if met {
                    chart.draw_series(std::iter::once(Circle::new((x, y), 5, c.filled())))?;
                } else {
                    chart.draw_series(std::iter::once(Cross::new((x, y), 7, c.stroke_width(3))))?;
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- erlang

fn erlang(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let csv = files.csv("erlang.csv")?;
    let records: Vec<ErlangRecord> = csv.records()?;
    let info = files.json("erlang.json")?;
    let mut targets = Vec::new();
    for t in info["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str()) {
        targets.push(t.parse::<Target>()?);
    }
    // Rows by number of agents, each once (the answer's row may repeat an asked one).
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for r in &records {
        let row = [
            f64::from(r.agents),
            r.p_wait.0,
            r.service_level.0,
            r.asa.0,
            r.abandon_rate.0,
            r.occupancy.0,
            r.queue_length.0,
        ];
        if row[0].is_finite() && !rows.iter().any(|x| x[0] == row[0]) {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let formula = info["formula"].as_str().unwrap_or("Erlang").to_owned();
    let axis = Keyed::new(rows.iter().map(|r| (r[0], crate::format::number(r[0]))).collect());
    let curve = |label: &str, k: usize, col: usize, scale: f64| Curve {
        label: label.to_owned(),
        colour: colour(k),
        dashed: false,
        points: rows.iter().map(|r| (r[0], r[col] * scale, f64::NAN, f64::NAN)).collect(),
    };
    let flat = |label: String, k: usize, v: f64| Curve {
        label,
        colour: colour(k),
        dashed: true,
        points: rows.iter().map(|r| (r[0], v, f64::NAN, f64::NAN)).collect(),
    };
    let mut left = vec![
        curve("service level (%)", 0, 2, 100.0),
        curve("abandon rate (%)", 3, 4, 100.0),
        curve("occupancy (%)", 2, 5, 100.0),
    ];
    let mut right = vec![curve("ASA (s, right axis)", 1, 3, 1.0)];
    for t in &targets {
        match t.goal {
            Goal::ServiceLevel => left.push(flat(format!("target {t}"), 0, t.value * 100.0)),
            Goal::AbandonRate => left.push(flat(format!("target {t}"), 3, t.value * 100.0)),
            Goal::Occupancy => left.push(flat(format!("target {t}"), 2, t.value * 100.0)),
            Goal::Asa => right.push(flat(format!("target {t}"), 1, t.value)),
        }
    }
    let asa_top =
        right.iter().flat_map(|c| c.points.iter().map(|p| p.1)).filter(|v| v.is_finite()).fold(0.0, fmax);
    let fewest = info["fewest_agents"].as_f64();
    let marks: Vec<(String, f64)> =
        fewest.map(|n| (format!("fewest agents meeting all: {n}"), n)).into_iter().collect();
    let title = format!("{formula} curve: service level, ASA and abandonment against agents");
    let charts = vec![Chart {
        name: "erlang-curve",
        title: title.clone(),
        about: "What each number of agents achieves by the formula: service level, abandonment and occupancy (left axis) and ASA (right axis), with the targets dashed: read off the fewest agents that clear every target, and what one more buys.",
        figure: Box::new(Curves {
            title: format!("{formula} curve"),
            x_desc: "agents".into(),
            y_desc: "service level, abandon rate, occupancy (%)".into(),
            x: axis,
            y_min: 0.0,
            y_max: 100.0,
            percent: true,
            series: left,
            right: Some(Right { desc: "ASA (seconds)".into(), max: (asa_top * 1.1).max(1.0), series: right }),
            marks,
        }),
    }];
    let mut settings = vec![
        ("formula".to_owned(), formula.clone()),
        ("inputs".to_owned(), info["inputs"].as_str().unwrap_or_default().trim().to_owned()),
        ("targets".to_owned(), targets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(n) = fewest {
        settings.push(("fewest agents meeting the targets".into(), crate::format::number(n)));
    }
    let page = Page {
        title: format!("{formula} curve"),
        subtitle: info["inputs"].as_str().unwrap_or_default().trim().to_owned(),
        settings,
        tables: vec![PageTable {
            heading: "Agents".into(),
            note: "erlang.csv: fractions 0-1, ASA in seconds, queue length in customers; empty where the queue grows without bound.".into(),
            header: csv.header_text(),
            rows: csv.rows_text(),
        }],
        scenario_toml: String::new(),
    };
    Ok((charts, page))
}

// ---------------------------------------------------------------- drawing

fn fmax(a: f64, b: f64) -> f64 {
    if b.is_finite() { a.max(b) } else { a }
}

/// A numeric axis labelled at given values with given text (swept values,
/// numbers of agents): at most 12 labels, evenly picked.
#[derive(Clone)]
struct Keyed {
    range: RangedCoordf64,
    keys: Vec<(f64, String)>,
}

impl Keyed {
    fn new(mut points: Vec<(f64, String)>) -> Keyed {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points.dedup_by(|a, b| a.0 == b.0);
        let (lo, hi) = match (points.first(), points.last()) {
            (Some(a), Some(b)) => (a.0, b.0),
            _ => (0.0, 1.0),
        };
        let pad = if hi > lo { (hi - lo) * 0.04 } else { 1.0 };
        let step = points.len().div_ceil(12).max(1);
        let keys = points.into_iter().step_by(step).collect();
        Keyed { range: (lo - pad..hi + pad).into(), keys }
    }
}

impl Ranged for Keyed {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.keys.iter().map(|k| k.0).collect()
    }
    fn range(&self) -> Range<f64> {
        self.range.range()
    }
}

impl ValueFormatter<f64> for Keyed {
    fn format_ext(&self, value: &f64) -> String {
        self.keys.iter().find(|k| k.0 == *value).map_or(String::new(), |k| k.1.clone())
    }
}

/// One line of a [`Curves`] chart: `(x, y, band low, band high)` in the
/// axis's units (NaN: no value, no band).
struct Curve {
    label: String,
    colour: RGBColor,
    dashed: bool,
    points: Vec<(f64, f64, f64, f64)>,
}

/// The right-hand axis of a [`Curves`] chart and its lines.
struct Right {
    desc: String,
    max: f64,
    series: Vec<Curve>,
}

/// Lines against a keyed x axis, with 95% bands, dashed targets, an
/// optional second y axis and vertical marks.
struct Curves {
    title: String,
    x_desc: String,
    y_desc: String,
    x: Keyed,
    /// The bottom of the left axis: 0, or below it for differences.
    y_min: f64,
    y_max: f64,
    percent: bool,
    series: Vec<Curve>,
    right: Option<Right>,
    marks: Vec<(String, f64)>,
}

impl Curve {
    fn banded(&self) -> bool {
        self.points.iter().any(|p| p.2.is_finite() && p.3.is_finite() && p.2 != p.3)
    }

    fn swatches(&self, legend: &mut Vec<(String, Swatch)>) {
        let swatch = if self.dashed { Swatch::Dashed(self.colour) } else { Swatch::Line(self.colour) };
        legend.push((self.label.clone(), swatch));
        if self.banded() {
            // The band's entry sits right under its line's: a long name is not repeated.
            let label = format!("{} 95% band", self.label);
            let label = if label.chars().count() <= 34 { label } else { "its 95% band".to_owned() };
            legend.push((label, Swatch::Band(self.colour)));
        }
    }

    /// The band polygons, then the line (a lone point as a dot).
    fn elements(&self) -> Vec<(Vec<(f64, f64)>, bool)> {
        let mut out = Vec::new();
        if self.banded() {
            let ok = |p: &(f64, f64, f64, f64)| p.2.is_finite() && p.3.is_finite();
            let idx =
                runs(self.points.iter().enumerate().map(|(i, p)| (i, if ok(p) { 0.0 } else { f64::NAN })));
            for run in idx {
                let mut pts: Vec<(f64, f64)> =
                    run.iter().map(|&(i, _)| (self.points[i].0, self.points[i].3)).collect();
                pts.extend(run.iter().rev().map(|&(i, _)| (self.points[i].0, self.points[i].2)));
                out.push((pts, true));
            }
        }
        for run in runs(self.points.iter().map(|p| (p.0, p.1))) {
            out.push((run, false));
        }
        out
    }
}

impl Draw for Curves {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let mut legend = Vec::new();
        for c in self.series.iter().chain(self.right.iter().flat_map(|r| r.series.iter())) {
            c.swatches(&mut legend);
        }
        for (label, _) in &self.marks {
            legend.push((label.clone(), Swatch::Dashed(RGBColor(110, 110, 110))));
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let built = ChartBuilder::on(&plot)
            .caption(&self.title, (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .right_y_label_area_size(if self.right.is_some() { 70 } else { 0 })
            .build_cartesian_2d(self.x.clone(), self.y_min..self.y_max)?;
        if self.series.iter().all(|c| c.points.iter().all(|p| !p.1.is_finite())) {
            note(&plot, "no value to draw")?;
        }
        let Some(right) = &self.right else {
            let mut chart = built;
            return self.primary(&mut chart);
        };
        // The second axis takes the right label area before the mesh is drawn,
        // so the primary labels stay on the left.
        let mut chart = built.set_secondary_coord(self.x.clone(), 0.0..right.max);
        self.primary(&mut chart)?;
        chart
            .configure_secondary_axes()
            .y_desc(right.desc.as_str())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for c in &right.series {
            draw_curve(c, |pts, band| {
                if band {
                    chart.draw_secondary_series(std::iter::once(Polygon::new(
                        pts,
                        c.colour.mix(0.2).filled(),
                    )))?;
                } else if c.dashed {
                    chart.draw_secondary_series(DashedLineSeries::new(
                        pts,
                        12,
                        8,
                        c.colour.stroke_width(2),
                    ))?;
                } else {
                    chart.draw_secondary_series(LineSeries::new(pts, c.colour.stroke_width(3)))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

impl Curves {
    /// The mesh, the marks and the left-axis lines.
    fn primary<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<Keyed, RangedCoordf64>>,
    ) -> Result<(), DrawError> {
        let percent = self.percent;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .y_label_formatter(&|v| if percent { format!("{v:.0}%") } else { format!("{v:.0}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for (_, x) in &self.marks {
            chart.draw_series(DashedLineSeries::new(
                vec![(*x, self.y_min), (*x, self.y_max)],
                10,
                6,
                RGBColor(110, 110, 110).stroke_width(2),
            ))?;
        }
        for c in &self.series {
            draw_curve(c, |pts, band| {
                if band {
                    chart.draw_series(std::iter::once(Polygon::new(pts, c.colour.mix(0.2).filled())))?;
                } else if c.dashed {
                    chart.draw_series(DashedLineSeries::new(pts, 12, 8, c.colour.stroke_width(2)))?;
                } else {
                    if pts.len() == 1 {
                        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.colour.filled())))?;
                    }
                    chart.draw_series(LineSeries::new(pts, c.colour.stroke_width(3)))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// Calls `draw` with each of the curve's elements: band polygons, then line runs.
fn draw_curve(
    c: &Curve,
    mut draw: impl FnMut(Vec<(f64, f64)>, bool) -> Result<(), DrawError>,
) -> Result<(), DrawError> {
    for (pts, band) in c.elements() {
        draw(pts, band)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyed_axis_labels_at_most_twelve_values() {
        let axis = Keyed::new((1..=30).map(|n| (f64::from(n), n.to_string())).collect());
        assert!(axis.keys.len() <= 12 && axis.keys[0].1 == "1", "{:?}", axis.keys);
        assert_eq!(axis.format_ext(&1.0), "1");
        let one = Keyed::new(vec![(5.0, "5".into())]);
        assert_eq!(one.range(), 4.0..6.0);
    }

    #[test]
    fn the_kind_of_a_folder_follows_its_files() {
        assert_eq!(Kind::of(|n| n == "sweep.csv" || n == "summary.csv"), Kind::Sweep);
        assert_eq!(Kind::of(|n| n == "staffing.csv"), Kind::Staff);
        assert_eq!(Kind::of(|n| n == "erlang.csv"), Kind::Erlang);
        assert_eq!(Kind::of(|_| false), Kind::Run);
    }

    #[test]
    fn a_short_csv_row_is_refused_by_line() {
        let e = Csv::parse("x.csv", "a,b\n1,2\n3\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("line 3"), "{e}");
    }
}
