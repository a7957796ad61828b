//! Forecasts as WFM tools export them (issue 19, point 6): a table form of
//! `forecast` maps the file's columns and date format, `aht` may be written
//! `mm:ss`, and queue names match in other case with a warning. A German
//! export read through the mapping runs to the same bytes as the same
//! forecast in routesim's own layout; the result folder's scenario.toml
//! reruns to the same CSV files; each refusal names the scenario's key and
//! line (or the file's row and column).

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");

/// The mapping of the German export, as a scenario writes it.
const MAPPED: &str = r#"forecast = { file = "de.csv", columns = { start = "Beginn", queue = "Warteschlange", offered = "Volumen", aht = "AHT" }, date_format = "%d.%m.%Y" }"#;

/// A day's scenario on a forecast: `forecast` is its first line.
fn scenario(forecast: &str) -> String {
    format!(
        r#"{forecast}
name = "wfm"
seed = 9
horizon = "1d"
interval = "30m"
replications = 3

[[queue]]
name = "Chat"
handle_time = {{ dist = "exponential", mean = "5m" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[queue]]
name = "Email"
sl_threshold = "4h"
handle_time = {{ dist = "exponential", mean = "5m" }}

[[team]]
name = "desk"
queues = ["Chat", "Email"]

[[agents]]
name = "all"
team = "desk"
count = 9
"#
    )
}

/// Monday 2026-12-07, 08:00-11:30 in 30-minute rows, as a German WFM
/// export writes it (`07.12.2026 10:00;Chat;47,1;8:41`) and in our layout.
fn forecasts() -> (String, String) {
    let mut de = "Beginn;Warteschlange;Volumen;AHT\n".to_owned();
    let mut own = "start;queue;offered;aht\n".to_owned();
    for (i, hour) in
        ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"].iter().enumerate()
    {
        let (volume, aht, secs) = if *hour == "10:00" {
            ("47,1", "8:41", "521")
        } else {
            (
                ["12,5", "20", "31,2", "40"][i % 4],
                ["4:10", "5:00", "6:05", "7:30"][i % 4],
                ["250", "300", "365", "450"][i % 4],
            )
        };
        de.push_str(&format!("07.12.2026 {hour};Chat;{volume};{aht}\n07.12.2026 {hour};Email;3;1:02:03\n"));
        own.push_str(&format!("2026-12-07 {hour};Chat;{volume};{secs}\n2026-12-07 {hour};Email;3;3723\n"));
    }
    (de, own)
}

fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("start routesim")
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = routesim(dir, args);
    assert!(out.status.success(), "routesim {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The error of a refused `check`, which must name each of `words`.
fn refused(dir: &Path, toml: &str, words: &[&str]) {
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    let out = routesim(dir, &["check", "s.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "accepted: {toml}");
    for w in words {
        assert!(stderr.contains(w), "missing {w:?} in: {stderr}");
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const CSV_FILES: [&str; 4] = ["summary.csv", "intervals.csv", "statuses.csv", "replications.csv"];

#[test]
fn a_german_export_runs_as_the_same_forecast_in_our_layout_and_reruns_from_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (de, own) = forecasts();
    std::fs::write(dir.join("de.csv"), &de).unwrap();
    std::fs::write(dir.join("own.csv"), &own).unwrap();
    std::fs::write(dir.join("de.toml"), scenario(MAPPED)).unwrap();
    std::fs::write(dir.join("own.toml"), scenario("forecast = \"own.csv\"")).unwrap();
    ok(dir, &["run", "de.toml", "-q", "--out", "de"]);
    ok(dir, &["run", "own.toml", "-q", "--out", "own"]);
    for name in CSV_FILES {
        assert_eq!(read(&dir.join("de").join(name)), read(&dir.join("own").join(name)), "{name}");
    }
    // The 10:00 chat row's 47,1 conversations were read: the interval is busy.
    let intervals = String::from_utf8(read(&dir.join("de/intervals.csv"))).unwrap();
    assert!(intervals.lines().count() > 8, "{intervals}");
    // The folder keeps the export as given and the mapping that reads it.
    assert_eq!(read(&dir.join("de/forecast.csv")), de.as_bytes());
    let effective = String::from_utf8(read(&dir.join("de/scenario.toml"))).unwrap();
    assert!(effective.contains(r#"file = "forecast.csv""#), "{effective}");
    assert!(effective.contains(r#"date_format = "%d.%m.%Y""#), "{effective}");
    assert!(effective.contains(r#"offered = "Volumen""#), "{effective}");
    // Rerun from the folder, from elsewhere: the same CSV bytes.
    ok(dir, &["run", "de/scenario.toml", "-q", "--out", "again"]);
    for name in CSV_FILES {
        assert_eq!(read(&dir.join("de").join(name)), read(&dir.join("again").join(name)), "{name}");
    }
    // Another AHT really changes the results: the comparison can fail.
    std::fs::write(dir.join("de.csv"), de.replace("8:41", "18:41")).unwrap();
    ok(dir, &["run", "de.toml", "-q", "--out", "longer"]);
    assert_ne!(read(&dir.join("de/summary.csv")), read(&dir.join("longer/summary.csv")));
}

#[test]
fn a_mapped_forecast_refuses_in_the_scenarios_words() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("de.csv"), forecasts().0).unwrap();
    // An unknown key of the table, with a did-you-mean, on its line.
    refused(
        dir,
        &scenario(&MAPPED.replace("date_format", "date_fromat")),
        &[
            "s.toml:1: key `forecast.date_fromat`: unknown key `date_fromat` in `forecast`; did you mean `date_format`?",
        ],
    );
    refused(
        dir,
        &scenario(&MAPPED.replace("start =", "strat =")),
        &[
            "s.toml:1: key `forecast.columns.strat`: unknown key `strat` in `forecast.columns`; did you mean `start`?",
        ],
    );
    // A mapped header the file lacks.
    refused(
        dir,
        &scenario(&MAPPED.replace("\"Volumen\"", "\"Volume\"")),
        &[
            "s.toml:1: key `forecast.columns.offered`: the forecast de.csv has no column `Volume`; did you mean `Volumen`?",
        ],
    );
    // A bad date format, and one that is not a whole date.
    refused(
        dir,
        &scenario(&MAPPED.replace("%d.%m.%Y", "%d.%m.%")),
        &["s.toml:1: key `forecast.date_format`: `%d.%m.%` is not a date format"],
    );
    refused(
        dir,
        &scenario(&MAPPED.replace("%d.%m.%Y", "%d.%m")),
        &["s.toml:1: key `forecast.date_format`: `%d.%m` does not give a whole date"],
    );
    // Neither blames the queues that take their arrivals from the forecast.
    std::fs::write(dir.join("s.toml"), scenario(&MAPPED.replace("%d.%m.%Y", "%d.%m"))).unwrap();
    let stderr = String::from_utf8_lossy(&routesim(dir, &["check", "s.toml"]).stderr).into_owned();
    assert!(!stderr.contains("arrivals"), "{stderr}");
    // A date in another format, and a bad mm:ss, are the file's: row and column.
    refused(
        dir,
        &scenario(&MAPPED.replace("%d.%m.%Y", "%m/%d/%Y")),
        &["de.csv, row 2, column `start`: `07.12.2026` is not a date written \"%m/%d/%Y\""],
    );
    std::fs::write(dir.join("de.csv"), forecasts().0.replace("8:41", "8:4l")).unwrap();
    refused(
        dir,
        &scenario(MAPPED),
        &[
            "de.csv, row 10, column `aht`: `8:4l` is not a handle time",
            "mm:ss (8:41)",
            "the file's column `AHT`",
        ],
    );
}

#[test]
fn queue_names_in_other_case_are_read_with_a_warning_unless_ambiguous() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (_, own) = forecasts();
    // `chat` on every chat row but the first, `EMAIL` on every email row.
    let lower =
        own.replacen(";Chat;", ";CHAT_FIRST;", 1).replace(";Chat;", ";chat;").replace("CHAT_FIRST", "Chat");
    std::fs::write(dir.join("f.csv"), lower.replace(";Email;", ";EMAIL;")).unwrap();
    std::fs::write(dir.join("own.csv"), &own).unwrap();
    std::fs::write(dir.join("s.toml"), scenario("forecast = \"f.csv\"")).unwrap();
    std::fs::write(dir.join("own.toml"), scenario("forecast = \"own.csv\"")).unwrap();
    let run = ok(dir, &["run", "s.toml", "-q", "--out", "cased"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("f.csv row 3: queue `EMAIL` read as `Email`"), "{stderr}");
    assert!(stderr.contains("f.csv row 4: queue `chat` read as `Chat`"), "{stderr}");
    assert_eq!(stderr.matches("read as `Chat`").count(), 1, "once per spelling: {stderr}");
    ok(dir, &["run", "own.toml", "-q", "--out", "exact"]);
    for name in CSV_FILES {
        assert_eq!(read(&dir.join("cased").join(name)), read(&dir.join("exact").join(name)), "{name}");
    }
    // Two scenario queues that differ only in case: an error naming both.
    let twins = scenario("forecast = \"f.csv\"").replace(
        "[[team]]",
        "[[queue]]\nname = \"CHAT\"\narrivals = { per_hour = 1 }\nhandle_time = { dist = \"exponential\", mean = \"5m\" }\n\n[[team]]",
    );
    refused(
        dir,
        &twins,
        &["f.csv, row 4, column `queue`: queue `chat` matches the scenario's queues `Chat` and `CHAT`"],
    );
}
