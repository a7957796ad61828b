//! Result files and the terminal table.
//!
//! Each output format is an [`Exporter`] that renders [`Results`] (and the
//! run's [`Provenance`]) to bytes, so formats are tested without touching
//! disk; [`write_all`] does the file I/O through `folder`, which replaces
//! the whole result folder at once: the folder holds either the complete
//! previous set or the complete new one, never a mix.

mod csv_files;
mod describe;
mod folder;
mod html;
mod json;
pub mod out_dir;
mod scenario_toml;
mod table;
mod waits;

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::plot;
use crate::replicate::Results;

pub use crate::rows::{INTERVALS_HEADER, REPLICATIONS_HEADER, STATUSES_HEADER, SUMMARY_HEADER, WAITS_HEADER};
pub(crate) use csv_files::summary_record;
pub use describe::describe;
pub use folder::{
    Destination, OWNED, SOURCE_MARK, interrupt, prepare, previous_source, source_of, wait_if_interrupted,
};
pub(crate) use table::summary_row;
pub use table::table;

/// How a run was made, beyond what the simulation knows: what the
/// exporters need to make a result folder say how to reproduce it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// The command's overrides, `KEY=VALUE` as given (`--seed S` and
    /// `--replications N` as `seed=S` and `replications=N`), in order.
    pub overrides: Vec<String>,
    /// The effective scenario (the file with the overrides applied), TOML.
    pub scenario_toml: String,
    /// Files the effective scenario refers to, written into the folder as
    /// they are (name, bytes): the forecast's copy.
    pub attachments: Vec<crate::scenario::Attachment>,
}

/// One output format.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    /// Writes the file's contents to `w` (streamed: a large file is never
    /// held in memory whole).
    fn write(&self, results: &Results, provenance: &Provenance, w: &mut dyn std::io::Write) -> Result<()>;
    /// The file's full contents, in memory (for tests and small files).
    fn render(&self, results: &Results, provenance: &Provenance) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.write(results, provenance, &mut bytes)?;
        Ok(bytes)
    }
}

/// One exporter's file as content of a result folder.
struct Export<'a> {
    exporter: Box<dyn Exporter>,
    results: &'a Results,
    provenance: &'a Provenance,
}

impl folder::Content for Export<'_> {
    fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.exporter.write(self.results, self.provenance, w).map_err(std::io::Error::other)
    }
}

/// Every exporter `routesim run` writes.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(csv_files::Summary),
        Box::new(csv_files::Intervals),
        Box::new(csv_files::Statuses),
        Box::new(csv_files::Replications),
        Box::new(waits::WaitsCsv),
        Box::new(json::SummaryJson),
        Box::new(scenario_toml::ScenarioToml),
    ]
}

/// Renders every exporter, the charts and `report.html`, and replaces the
/// folder `target` with the files, whole (see `folder`); returns the
/// paths written. On failure the error says which set the folder holds.
pub fn write_all(target: &Destination, results: &Results, provenance: &Provenance) -> Result<Vec<PathBuf>> {
    write_all_with(target, results, provenance, true)
}

/// [`write_all`], with `report.html` only when `report` is true (the
/// charts are always drawn): `routesim run --no-report`.
pub fn write_all_with(
    target: &Destination,
    results: &Results,
    provenance: &Provenance,
    report: bool,
) -> Result<Vec<PathBuf>> {
    let records = records_of(results, provenance)?;
    let drawn = draw(&records, report)?;
    let mut files: Vec<(&str, Box<dyn folder::Content + '_>)> = exporters()
        .into_iter()
        .map(|exporter| {
            let name = exporter.file_name();
            (name, Box::new(Export { exporter, results, provenance }) as Box<dyn folder::Content>)
        })
        .collect();
    files.extend(
        provenance.attachments.iter().map(|(name, bytes)| (name.as_str(), Box::new(bytes.clone()) as Box<_>)),
    );
    files.extend(drawn.iter().map(|(name, bytes)| (name.as_str(), Box::new(bytes.clone()) as Box<_>)));
    target.replace(&results.scenario, &files)
}

/// The records the charts and report of a run are drawn from: the rows
/// its exporters write (numbers rounded as written) and its scenario.toml,
/// so they equal what [`plot::Records::from_dir`] reads from the folder.
pub fn records_of(results: &Results, provenance: &Provenance) -> Result<plot::Records> {
    let mut records = plot::Records::default();
    let toml = scenario_toml::ScenarioToml.render(results, provenance)?;
    records.scenario_toml = String::from_utf8_lossy(&toml).into_owned();
    for row in results.summary.iter().map(summary_record) {
        records.push_summary(row);
    }
    let fail = |file: &str, problem: String| Error::Records { path: file.into(), problem };
    for row in csv_files::interval_records(results) {
        records.push_interval(row).map_err(|p| fail("intervals.csv", p))?;
    }
    for row in csv_files::status_records(results) {
        records.push_status(row).map_err(|p| fail("statuses.csv", p))?;
    }
    for row in waits::wait_records(results) {
        records.push_wait(row);
    }
    records.finish();
    Ok(records)
}

/// Replaces the folder `target` with `files` (name, bytes), whole (see
/// `folder`), for the scenario named `scenario`: for commands whose files
/// are not [`Exporter`]s of one run (`sweep`, `staff`). Returns the paths written.
pub fn write_files(target: &Destination, scenario: &str, files: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    target.replace(scenario, files)
}

/// The charts of a run's records (`charts/NAME.svg`, `charts/NAME.png`)
/// and, with `report`, `report.html`, as (name in the folder, bytes).
pub fn draw(records: &plot::Records, report: bool) -> Result<Vec<(String, Vec<u8>)>> {
    let charts = plot::run_charts(records);
    let rendered = plot::render_all(&charts, plot::SIZE)?;
    let mut files = rendered.files;
    if report {
        files.push(("report.html".into(), html::render(records, &rendered.svgs).into_bytes()));
    }
    Ok(files)
}

/// The charts and, with `report`, `report.html` of a sweep, staff or
/// erlang folder whose files are `files` (name, bytes), drawn from those
/// files only: what `routesim plot DIR` draws again from the folder.
pub fn draw_capacity(
    kind: plot::Kind,
    files: &[(&str, Vec<u8>)],
    report: bool,
) -> Result<Vec<(String, Vec<u8>)>> {
    draw_files(&plot::Files::from_memory(kind, files), report)
}

fn draw_files(files: &plot::Files, report: bool) -> Result<Vec<(String, Vec<u8>)>> {
    let (charts, page) = plot::capacity_charts(files)?;
    let rendered = plot::render_all(&charts, plot::SIZE)?;
    let mut out = rendered.files;
    if report {
        out.push(("report.html".into(), html::render_capacity(&page, &rendered.svgs).into_bytes()));
    }
    Ok(out)
}

/// [`write_files`] with the charts and (with `report`) `report.html` of a
/// `kind` folder drawn from `files` and written beside them.
pub fn write_with_charts(
    target: &Destination,
    scenario: &str,
    kind: plot::Kind,
    files: &[(&str, Vec<u8>)],
    report: bool,
) -> Result<Vec<PathBuf>> {
    let drawn = draw_capacity(kind, files, report)?;
    let mut all: Vec<(&str, Vec<u8>)> = files.to_vec();
    all.extend(drawn.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())));
    target.replace(scenario, &all)
}

/// `routesim plot DIR`: redraws the charts (and, with `report`, the
/// report) of the result folder `dir` from its files, and replaces the
/// folder whole: its other files are kept byte for byte. The folder's
/// files say which command wrote it ([`plot::Kind::of`]). Returns the
/// paths written.
pub fn redraw(dir: &std::path::Path, report: bool) -> Result<Vec<PathBuf>> {
    let kind = plot::Kind::of(|name| dir.join(name).is_file());
    if kind != plot::Kind::Run {
        let files = plot::Files::from_dir(kind, dir)?;
        let target = prepare(dir)?;
        let drawn = draw_files(&files, report)?;
        return replace_keeping(dir, &target, &dir.display().to_string(), &drawn);
    }
    let records = plot::Records::from_dir(dir)?;
    let target = prepare(dir)?;
    let drawn = draw(&records, report)?;
    let name = if records.scenario.is_empty() { dir.display().to_string() } else { records.scenario.clone() };
    replace_keeping(dir, &target, &name, &drawn)
}

/// Replaces `dir` with its own result files as they are and `drawn`.
fn replace_keeping(
    dir: &std::path::Path,
    target: &Destination,
    name: &str,
    drawn: &[(String, Vec<u8>)],
) -> Result<Vec<PathBuf>> {
    // The folder's own result files (any command's) are written again as they are.
    let mut kept: Vec<(&str, Box<dyn folder::Content>)> = Vec::new();
    for name in OWNED.iter().filter(|n| !matches!(**n, "charts" | "report.html")) {
        let path = dir.join(name);
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            kept.push((name, Box::new(Copied(path))));
        }
    }
    kept.extend(drawn.iter().map(|(name, bytes)| (name.as_str(), Box::new(bytes.clone()) as Box<_>)));
    target.replace(name, &kept)
}

/// A file of the previous set, copied into the new one as it streams.
struct Copied(PathBuf);

impl folder::Content for Copied {
    fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        std::io::copy(&mut std::fs::File::open(&self.0)?, w).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replicate::{QueueSettings, SummaryRow};
    use crate::stats::{Metric, Scope};
    use std::fs;
    use std::path::Path;

    fn results(mean: f64) -> Results {
        Results {
            scenario: "t".into(),
            seed: 1,
            replications: 2,
            sl_formula: "offered",
            queues: vec![QueueSettings { name: "chat".into(), sl_threshold: 20.0, sl_target: 0.8 }],
            teams: vec![],
            statuses: vec![],
            summary: vec![SummaryRow {
                scope: Scope::Total,
                name: "all".into(),
                metric: Metric::Offered,
                mean,
                ci95_low: mean - 1.0,
                ci95_high: mean + 1.0,
                replications: 2,
            }],
            per_replication: vec![vec![mean - 1.0], vec![mean + 1.0]],
            intervals: vec![],
            team_intervals: vec![],
            status_secs: vec![],
            interval: 3600.0,
            calendar: crate::calendar::Calendar::UNDATED,
            horizon: 3600.0,
            warmup: 0.0,
            waits: vec![],
        }
    }

    fn provenance() -> Provenance {
        Provenance {
            overrides: vec!["seed=3".into()],
            scenario_toml: "name = \"t\"\n".into(),
            attachments: vec![],
        }
    }

    pub(super) fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_all_replaces_the_set_and_carries_foreign_files_over() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write_all(&prepare(&out).unwrap(), &results(5.0), &provenance()).unwrap();
        // A user's file and folder are carried over; a stale file of another command is dropped.
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::create_dir(out.join("mine")).unwrap();
        fs::write(out.join("mine/a.txt"), "a").unwrap();
        fs::write(out.join("staffing.csv"), "old").unwrap();
        let written = write_all(&prepare(&out).unwrap(), &results(7.0), &provenance()).unwrap();
        // 7 data files, 5 charts as SVG and PNG, report.html.
        assert_eq!(written.len(), 7 + 10 + 1);
        assert!(written.iter().all(|p| p.starts_with(&out)), "{written:?}");
        let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
        assert_eq!(
            summary,
            "scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,offered,count,7,6,8,2\n"
        );
        assert_eq!(
            names_in(&out),
            [
                "charts",
                "intervals.csv",
                "mine",
                "notes.txt",
                "replications.csv",
                "report.html",
                "scenario.toml",
                "statuses.csv",
                "summary.csv",
                "summary.json",
                "waits.csv"
            ]
        );
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(out.join("mine/a.txt")).unwrap(), "a");
        assert_eq!(names_in(root.path()), ["out"], "no staging or old folder is left beside it");
    }

    #[test]
    fn attachments_are_written_beside_the_effective_scenario() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let mut p = provenance();
        p.attachments.push(("forecast.csv".into(), b"start,queue,offered\n".to_vec()));
        let written = write_all(&prepare(&out).unwrap(), &results(1.0), &p).unwrap();
        assert_eq!(written.len(), 7 + 10 + 1 + 1);
        assert_eq!(fs::read(out.join("forecast.csv")).unwrap(), b"start,queue,offered\n");
        // A later run without a forecast drops the copy: it belongs to the run.
        write_all(&prepare(&out).unwrap(), &results(1.0), &provenance()).unwrap();
        assert!(!out.join("forecast.csv").exists());
    }

    #[test]
    fn summary_json_says_how_the_run_was_made() {
        let bytes = json::SummaryJson.render(&results(1.0), &provenance()).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(doc["routesim_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(doc["overrides"], serde_json::json!(["seed=3"]));
        assert_eq!(doc["sl_formula"], "offered");
        assert_eq!(
            doc["queues"],
            serde_json::json!([{ "name": "chat", "sl_threshold": 20.0, "sl_target": 0.8 }])
        );
    }

    #[test]
    fn scenario_toml_is_the_effective_text_under_a_comment() {
        let mut p = provenance();
        p.overrides.push("queue.chat.note=a\nb".into());
        let text = String::from_utf8(scenario_toml::ScenarioToml.render(&results(1.0), &p).unwrap()).unwrap();
        assert!(text.ends_with("\nname = \"t\"\n"), "{text}");
        assert!(text.contains("(seed=3 queue.chat.note=a b)"), "{text}");
        let doc: toml_edit::DocumentMut = text.parse().unwrap();
        assert_eq!(doc["name"].as_str(), Some("t"));
    }

    /// Regression: rerunning a folder's own scenario.toml stacked a second header on the first.
    #[test]
    fn a_rerun_scenario_toml_keeps_one_header() {
        let first = scenario_toml::ScenarioToml.render(&results(1.0), &provenance()).unwrap();
        let mut p = provenance();
        p.scenario_toml = String::from_utf8(first.clone()).unwrap();
        let second = scenario_toml::ScenarioToml.render(&results(1.0), &p).unwrap();
        assert_eq!(String::from_utf8(second).unwrap(), String::from_utf8(first).unwrap());
    }
}
