//! Names a CSV file must quote (issue 17): a scenario whose queues, team,
//! group and status hold commas, double quotes, a semicolon and a
//! non-ASCII letter goes through `run`, `compare`, `sweep` and `staff`;
//! every CSV file written parses with the csv crate, each row with as many
//! fields as the header, and holds the names intact; `plot DIR` reads every
//! folder back. And in the code: no two types share a name (issue 17).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");

const CHAT: &str = "chat, \"EU\"";
const EMAIL: &str = "e-mail; FR";
const TEAM: &str = "Tier 1, Zürich";
const GROUP: &str = "crew, day";
const STATUS: &str = "Café, break";

fn routesim_ok(args: &[&str]) {
    let out = Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("start routesim");
    assert!(
        out.status.success(),
        "routesim {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every CSV file of `dir`, by name: its header and every cell, each row
/// checked to have as many fields as the header.
fn csv_cells(dir: &Path) -> Vec<(String, Vec<String>, BTreeSet<String>)> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no CSV file in {}", dir.display());
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Not flexible: a row with another field count than the header is an error.
            let mut r = csv::Reader::from_path(path).unwrap();
            let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
            let mut cells = BTreeSet::new();
            for row in r.records() {
                let row = row.unwrap_or_else(|e| panic!("{name} of {}: {e}", dir.display()));
                assert_eq!(row.len(), header.len(), "{name}: {row:?}");
                cells.extend(row.iter().map(str::to_owned));
            }
            (name, header, cells)
        })
        .collect()
}

/// Asserts the file `file` among `files` holds every name of `names` as a whole cell.
fn holds(files: &[(String, Vec<String>, BTreeSet<String>)], file: &str, names: &[&str]) {
    let (_, _, cells) = files.iter().find(|f| f.0 == file).unwrap_or_else(|| panic!("no {file}"));
    for name in names {
        assert!(cells.contains(*name), "{file} lacks `{name}` as a cell");
    }
}

#[test]
fn awkward_names_survive_every_command_and_every_csv_parses() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(CRATE).join("tests/fixtures/awkward-names.toml");
    let scenario = scenario.to_str().unwrap();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let (run, compare, sweep, staff) = (out("run"), out("compare"), out("sweep"), out("staff"));
    let group_count = format!("agents.\"{GROUP}\".count");

    routesim_ok(&["run", scenario, "-q", "--out", &run]);
    let files = csv_cells(Path::new(&run));
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["intervals.csv", "replications.csv", "statuses.csv", "summary.csv", "waits.csv"]);
    holds(&files, "summary.csv", &[CHAT, EMAIL, TEAM]);
    holds(&files, "intervals.csv", &[CHAT, EMAIL, TEAM]);
    holds(&files, "replications.csv", &[CHAT, EMAIL, TEAM]);
    holds(&files, "statuses.csv", &[TEAM, STATUS]);
    holds(&files, "waits.csv", &[CHAT, EMAIL]);

    routesim_ok(&["compare", scenario, "--with", &format!("{group_count}=6"), "-q", "--out", &compare]);
    let files = csv_cells(Path::new(&compare));
    holds(&files, "compare.csv", &[CHAT, EMAIL, TEAM]);
    holds(&files, "compare_intervals.csv", &[CHAT, EMAIL]);
    let b = fs::read_to_string(Path::new(&compare).join("b.toml")).unwrap();
    assert!(b.contains("count = 6"), "{b}");

    routesim_ok(&["sweep", scenario, "--vary", &format!("{group_count}=3,5"), "-q", "--out", &sweep]);
    let files = csv_cells(Path::new(&sweep));
    assert_eq!(files[0].1[0], group_count, "the varied key heads its column, quotes and all");
    holds(&files, "sweep.csv", &[CHAT, EMAIL, TEAM, "3", "5"]);

    routesim_ok(&[
        "staff",
        scenario,
        "--group",
        GROUP,
        "--target",
        "service_level>=0.8",
        "-q",
        "--out",
        &staff,
    ]);
    let files = csv_cells(Path::new(&staff));
    holds(&files, "staffing.csv", &["erlang-c"]);
    let toml = fs::read_to_string(Path::new(&staff).join("scenario.toml")).unwrap();
    assert!(toml.contains(GROUP), "{toml}");

    // Each folder's charts and report are drawn again from its files.
    for dir in [&run, &compare, &sweep, &staff] {
        routesim_ok(&["plot", dir]);
    }
    let report = fs::read_to_string(Path::new(&run).join("report.html")).unwrap();
    assert!(report.contains("chat, &quot;EU&quot;") || report.contains("chat, \"EU\""), "report.html");
}

/// Issue 17 ("`Target`, `Problem`, `Answer` and `Row` each name two
/// different types"): every struct, enum, trait, union and type alias
/// defined in `src/`, test modules and function bodies included, has a
/// name of its own. Associated types (indented `type` items of impls and
/// traits) are not definitions. A module's `Result` alias over an error
/// type is the standard idiom (`std::io::Result`, `fmt::Result`) and may
/// repeat.
#[test]
fn no_two_types_share_a_name() {
    let item = |line: &str| -> Option<String> {
        let indented = line.starts_with(char::is_whitespace);
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_some_and(|w| w.starts_with("pub")) {
            words.next();
        }
        let kind = words.next()?;
        let name: String = words.next()?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let defines = matches!(kind, "struct" | "enum" | "trait" | "union") || (kind == "type" && !indented);
        (defines && name.starts_with(|c: char| c.is_ascii_uppercase())).then_some(name)
    };
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in super::layers::files_under(&Path::new(CRATE).join("src")) {
        let text = fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(name) = item(line) {
                let at = format!("{}:{}", file.strip_prefix(CRATE).unwrap().display(), i + 1);
                seen.entry(name).or_default().push(at);
            }
        }
    }
    assert!(seen.len() > 100, "only {} type names found: the scan is broken", seen.len());
    assert!(
        ["Sim", "Tally", "Positions"].iter().all(|n| seen.contains_key(*n)),
        "the scan misses known types"
    );
    let shared: Vec<_> = seen.iter().filter(|(name, at)| at.len() > 1 && *name != "Result").collect();
    assert!(shared.is_empty(), "type names defined more than once: {shared:#?}");
}
