//! The result files a sweep, staff, erlang or compare folder's charts and
//! page are drawn from ([`Files`], each CSV read through its `rows`
//! records), which command wrote a folder ([`Kind`]), and what the page
//! shows besides the charts ([`Page`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::records::SOURCES;
use crate::error::{Error, Result};
use crate::rows;
use crate::stats::Metric;

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
    /// `routesim compare`: compare.csv, compare_intervals.csv, compare.json.
    Compare,
    /// `routesim schedule`: roster.csv, coverage.csv.
    Schedule,
}

impl Kind {
    /// The kind of a folder holding the files `has` says it holds:
    /// sweep.csv, staffing.csv or erlang.csv, else a run.
    pub fn of(has: impl Fn(&str) -> bool) -> Kind {
        if has("compare.csv") {
            Kind::Compare
        } else if has("roster.csv") {
            Kind::Schedule
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
            Kind::Compare => &["compare.csv", "compare_intervals.csv", "compare.json", "a.toml", "b.toml"],
            Kind::Schedule => &["coverage.csv", "summary.json", "scenario.toml"],
        }
    }

    fn command(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
            Kind::Staff => "staff",
            Kind::Erlang => "erlang --out",
            Kind::Compare => "compare",
            Kind::Schedule => "schedule",
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

    /// Which command wrote the folder.
    pub(super) fn kind(&self) -> Option<Kind> {
        self.kind
    }

    pub(super) fn text(&self, name: &str) -> &str {
        self.texts.get(name).map_or("", String::as_str)
    }

    pub(super) fn csv(&self, name: &str) -> Result<Csv> {
        Csv::parse(name, self.text(name))
    }

    pub(super) fn json(&self, name: &str) -> Result<serde_json::Value> {
        serde_json::from_str(self.text(name))
            .map_err(|e| Error::Records { path: name.into(), problem: format!("not JSON: {e}") })
    }

    /// The calendar of the folder's scenario file `name` (`scenario.toml`,
    /// or compare's `a.toml`): its `start_date`, if it has one.
    pub(super) fn calendar(&self, name: &str) -> crate::calendar::Calendar {
        crate::calendar::of_scenario_text(self.text(name))
    }

    /// The `name` of the folder's scenario.toml (empty without one).
    pub(super) fn scenario_name(&self) -> String {
        self.text("scenario.toml")
            .parse::<toml_edit::DocumentMut>()
            .ok()
            .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }
}

/// What report.html shows of a sweep, staff, erlang or compare folder
/// besides its charts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The page's heading (the scenario's name, or the formula).
    pub title: String,
    /// One line under it: what the command answered.
    pub subtitle: String,
    /// What the page says first, above the charts: the answer in a few
    /// lines (staff: each method's agent-hours and misses). Compare's
    /// verdict belongs here.
    pub lead: Vec<String>,
    /// Settings as (name, value) rows.
    pub settings: Vec<(String, String)>,
    /// The main tables, in order, after the charts.
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
    pub header: Vec<Cell>,
    /// Cells, row by row.
    pub rows: Vec<Vec<Cell>>,
    /// Whether the table is folded away under its heading (a long list a
    /// reader opens when they need it).
    pub folded: bool,
    /// How many leading columns name what a row is about (read as text,
    /// aligned left); the others hold values.
    pub labels: usize,
}

/// One cell of a [`PageTable`]: text, and in small print under it the
/// name the result file uses for it (a metric's key under its plain
/// label) or a value's 95% interval.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// What the reader reads.
    pub text: String,
    /// The result file's name for it, if it has one.
    pub key: Option<String>,
    /// The value's 95% interval, `[low, high]`, if it has one.
    pub band: Option<String>,
}

impl Cell {
    /// A metric's plain label with its key.
    pub fn metric(metric: Metric) -> Cell {
        Cell {
            text: super::labels::label(metric).to_owned(),
            key: Some(metric.name().to_owned()),
            band: None,
        }
    }

    /// Text with the result file's name for it.
    pub fn keyed(text: &str, key: &str) -> Cell {
        Cell { text: text.to_owned(), key: Some(key.to_owned()), band: None }
    }

    /// A value with its 95% interval, if it has one.
    pub fn value(text: String, band: Option<String>) -> Cell {
        Cell { text, key: None, band }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, ..Cell::default() }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell { text: text.to_owned(), ..Cell::default() }
    }
}

/// A CSV file of the folder read whole through the csv crate: its header
/// and rows as text cells (what the page's tables show), each row read as
/// the file's typed record by [`Csv::records`].
pub(super) struct Csv {
    name: String,
    pub(super) header: csv::StringRecord,
    pub(super) rows: Vec<csv::StringRecord>,
}

impl Csv {
    pub(super) fn parse(name: &str, text: &str) -> Result<Csv> {
        let (header, rows) = rows::read_cells(name, text.as_bytes())?;
        if header.is_empty() {
            return Err(Error::Records { path: name.into(), problem: "it is empty".into() });
        }
        Ok(Csv { name: name.to_owned(), header, rows })
    }

    /// Every row as the record `T`.
    pub(super) fn records<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>> {
        self.rows.iter().map(|r| rows::record(&self.name, &self.header, r)).collect()
    }

    /// The header as text.
    pub(super) fn header_text(&self) -> Vec<String> {
        self.header.iter().map(str::to_owned).collect()
    }

    /// The rows as text cells.
    pub(super) fn rows_text(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| r.iter().map(str::to_owned).collect()).collect()
    }
}

/// A number as written in a result file; empty (no value) or unreadable is NaN.
pub(super) fn num(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}
