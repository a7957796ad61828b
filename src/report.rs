//! Result files and the terminal table.
//!
//! Each output format is an [`Exporter`] that renders [`Results`] to bytes,
//! so formats are tested without touching disk; [`write_all`] does the file
//! I/O, writing every file under a temporary name first and renaming them
//! into place only once all are complete, so an interrupted run leaves the
//! previous results whole.

mod csv_files;
mod describe;
mod json;
mod table;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::replicate::Results;

pub use csv_files::{INTERVALS_HEADER, REPLICATIONS_HEADER, STATUSES_HEADER, SUMMARY_HEADER};
pub use describe::describe;
pub use table::table;

/// One output format.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's full contents.
    fn render(&self, results: &Results) -> Result<Vec<u8>>;
}

/// Every exporter `routesim run` writes.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(csv_files::Summary),
        Box::new(csv_files::Intervals),
        Box::new(csv_files::Statuses),
        Box::new(csv_files::Replications),
        Box::new(json::SummaryJson),
    ]
}

/// Renders every exporter and writes the files into `dir` (created if
/// needed); returns the paths written. Nothing in `dir` changes unless all
/// files rendered and were written in full.
pub fn write_all(dir: &Path, results: &Results) -> Result<Vec<PathBuf>> {
    let rendered: Vec<(&'static str, Vec<u8>)> =
        exporters().iter().map(|e| Ok((e.file_name(), e.render(results)?))).collect::<Result<_>>()?;
    fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_owned(), source })?;
    let staged: Vec<(PathBuf, PathBuf)> = rendered
        .iter()
        .map(|(name, _)| (dir.join(format!(".{name}.tmp-{}", std::process::id())), dir.join(name)))
        .collect();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for ((tmp, _), (_, bytes)) in staged.iter().zip(&rendered) {
        if let Err(source) = write_synced(tmp, bytes) {
            cleanup(&staged);
            return Err(Error::Write { path: tmp.clone(), source });
        }
    }
    for (tmp, dest) in &staged {
        fs::rename(tmp, dest).map_err(|source| Error::Write { path: dest.clone(), source })?;
    }
    Ok(staged.into_iter().map(|(_, dest)| dest).collect())
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// A number as written in result files: up to 6 decimals, trailing zeros
/// dropped, empty for "no value" (NaN).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replicate::SummaryRow;
    use crate::stats::{Metric, Scope};

    fn results(mean: f64) -> Results {
        Results {
            scenario: "t".into(),
            seed: 1,
            replications: 2,
            sl_formula: "offered",
            queues: vec![],
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
            horizon: 3600.0,
            warmup: 0.0,
        }
    }

    #[test]
    fn write_all_replaces_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        write_all(dir.path(), &results(5.0)).unwrap();
        let written = write_all(dir.path(), &results(7.0)).unwrap();
        assert_eq!(written.len(), 5);
        let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
        assert_eq!(
            summary,
            "scope,name,metric,unit,mean,ci95_low,ci95_high,replications\ntotal,all,offered,count,7,6,8,2\n"
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["intervals.csv", "notes.txt", "replications.csv", "statuses.csv", "summary.csv", "summary.json"]
        );
    }

    #[test]
    fn a_failed_write_leaves_earlier_results_alone() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &results(5.0)).unwrap();
        let before = std::fs::read(dir.path().join("summary.csv")).unwrap();
        // A folder where a staged file would go makes that write fail midway.
        let blocker = dir.path().join(format!(".summary.json.tmp-{}", std::process::id()));
        std::fs::create_dir(&blocker).unwrap();
        assert!(write_all(dir.path(), &results(9.0)).is_err());
        assert_eq!(std::fs::read(dir.path().join("summary.csv")).unwrap(), before);
        assert!(!dir.path().join(format!(".summary.csv.tmp-{}", std::process::id())).exists());
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1800.0), "1800");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(-0.0000001), "0");
        assert_eq!(number(17.123_456_78), "17.123457");
    }
}
