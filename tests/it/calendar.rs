//! The calendar (issue 19, point 1) and forecast gaps (point 6), end to
//! end: a week from a dated forecast labels every interval with its
//! weekday and date in intervals.csv, staffing.csv, compare_intervals.csv,
//! the printed table and the charts' SVG text; `start_date` and the
//! forecast's first date must agree; a missing row of a dated forecast is
//! a warning naming queue and weekday-date-time, and `forecast_gaps =
//! "error"` makes it an error.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use crate::files::rows;

const BIN: &str = env!("CARGO_BIN_EXE_routesim");

/// A dated forecast of the week from Monday 2026-12-07, hourly 08:00-19:00,
/// `;`-separated with decimal commas as a WFM export writes it; `skip`
/// leaves out one (start, queue) row.
fn week_forecast(skip: Option<(&str, &str)>) -> String {
    let mut out = "start;queue;offered;aht\n".to_owned();
    for day in 7..=13 {
        for hour in 8..20 {
            let start = format!("2026-12-{day:02} {hour:02}:00");
            for (queue, volume) in [("Chat", "12,5"), ("Email", "3")] {
                if skip == Some((start.as_str(), queue)) {
                    continue;
                }
                let _ = writeln!(out, "{start};{queue};{volume};300");
            }
        }
    }
    out
}

/// A week's scenario on the forecast `forecast.csv`, with `extra` lines at the top.
fn week_scenario(extra: &str) -> String {
    format!(
        r#"name = "week"
seed = 3
horizon = "7d"
interval = "1h"
replications = 2
forecast = "forecast.csv"
{extra}

[[queue]]
name = "Chat"
sl_threshold = "30s"
handle_time = {{ dist = "exponential", mean = "5m" }}
patience = {{ dist = "exponential", mean = "3m" }}

[[queue]]
name = "Email"
sl_threshold = "4h"
sl_target = 0.9
handle_time = {{ dist = "constant", value = "5m" }}

[[team]]
name = "desk"
queues = ["Chat", "Email"]

[[agents]]
name = "all"
team = "desk"
count = 3
"#
    )
}

/// Writes the scenario and its forecast into `dir`; returns the scenario's path.
fn write_week(dir: &Path, extra: &str, skip: Option<(&str, &str)>) -> std::path::PathBuf {
    std::fs::write(dir.join("forecast.csv"), week_forecast(skip)).unwrap();
    let path = dir.join("week.toml");
    std::fs::write(&path, week_scenario(extra)).unwrap();
    path
}

fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("start routesim")
}

fn routesim_ok(dir: &Path, args: &[&str]) -> Output {
    let out = routesim(dir, args);
    assert!(
        out.status.success(),
        "routesim {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every row's `date` and `weekday` agree with its `start_seconds` from Monday 2026-12-07.
fn assert_dated(path: &Path) {
    let rows = rows(path);
    assert!(!rows.is_empty(), "{}: no rows", path.display());
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for row in &rows {
        let secs: f64 = row["start_seconds"].parse().unwrap();
        let day = (secs / 86_400.0).floor() as usize;
        assert_eq!(row["date"], format!("2026-12-{:02}", 7 + day), "{}: {row:?}", path.display());
        assert_eq!(row["weekday"], names[day], "{}: {row:?}", path.display());
    }
    assert!(rows.iter().any(|r| r["weekday"] == "Sun"), "{}: the week reaches Sunday", path.display());
}

#[test]
fn a_dated_week_labels_every_interval_with_weekday_and_date() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_week(tmp.path(), "", None);
    let run = routesim_ok(tmp.path(), &["run", scenario.to_str().unwrap(), "--out", "out"]);
    let out = tmp.path().join("out");
    assert_dated(&out.join("intervals.csv"));
    // The date taken from the forecast is written out for the folder's readers.
    let toml = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(toml.contains("start_date = \"2026-12-07\""), "{toml}");
    // The charts name each day at its midnight, and the title says it is a week.
    let svg = std::fs::read_to_string(out.join("charts/agents_by_status.svg")).unwrap();
    for day in ["Tue 08 Dec", "Wed 09 Dec", "Sat 12 Dec"] {
        assert!(svg.contains(day), "agents_by_status.svg lacks {day}");
    }
    assert!(svg.contains("Agents by status over the week"), "agents_by_status.svg title");
    let service = std::fs::read_to_string(out.join("charts/service_level.svg")).unwrap();
    assert!(service.contains("Thu 10 Dec"), "service_level.svg lacks Thu 10 Dec");
    // Three agents cannot carry the chat: the printed misses carry the date.
    let table = String::from_utf8_lossy(&run.stdout);
    assert!(table.contains(" Dec "), "the printed worst intervals carry dates: {table}");
    assert!(!table.contains("day 0") && !table.contains(" d1 "), "{table}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Mon 07 Dec"), "report.html names the dates");
}

#[test]
fn compare_and_staff_files_carry_the_calendar_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_week(tmp.path(), "", None);
    let s = scenario.to_str().unwrap();
    routesim_ok(tmp.path(), &["compare", s, "--with", "agents.all.count=4", "--out", "cmp", "-q"]);
    assert_dated(&tmp.path().join("cmp/compare_intervals.csv"));
    let target = "service_level>=0.8";
    routesim_ok(
        tmp.path(),
        &["staff", s, "--group", "all", "--target", target, "--method", "erlang-c", "--out", "staff", "-q"],
    );
    let rows = rows(&tmp.path().join("staff/staffing.csv"));
    assert_eq!(rows[0]["date"], "2026-12-07");
    assert_eq!(rows[0]["weekday"], "Mon");
    assert_eq!(rows.last().unwrap()["weekday"], "Sun");

    // Their charts and pages read the dates back from the folder's scenario:
    // day ticks and titles over the week, intervals by weekday and date.
    for (chart, title) in [
        ("cmp/charts/compare_service_level.svg", "Service level by interval over the week: B − A"),
        ("staff/charts/staff_agents.svg", "Required agents by interval over the week, over the offered load"),
        (
            "staff/charts/staff_service_level.svg",
            "Service level each method&apos;s staffing achieves over the week",
        ),
    ] {
        let svg = std::fs::read_to_string(tmp.path().join(chart)).unwrap();
        for day in ["Mon 07 Dec", "Wed 09 Dec", "Sun 13 Dec"] {
            assert!(svg.contains(day), "{chart} lacks {day}");
        }
        assert!(!svg.contains("day 1"), "{chart}: dates, not day numbers");
        assert!(svg.contains(title), "{chart}: title {title}");
    }
    let html = std::fs::read_to_string(tmp.path().join("staff/report.html")).unwrap();
    assert!(
        html.contains("Mon 07 Dec 10:00") && !html.contains("day 1 10:00"),
        "staff's table by weekday and date"
    );
}

#[test]
fn undated_interval_files_have_no_calendar_columns_and_days_count_from_one() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_week(tmp.path(), "", None);
    let text = std::fs::read_to_string(&scenario).unwrap();
    // The same week as a weekly pattern: no date is known.
    let dated = week_forecast(None).replace("2026-12-", "");
    let weekly = dated.lines().map(|l| match l.split_once(' ') {
        Some((d, rest)) if d.parse::<usize>().is_ok() => {
            let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            format!("{} {rest}\n", names[d.parse::<usize>().unwrap() - 7])
        }
        _ => format!("{l}\n"),
    });
    std::fs::write(tmp.path().join("forecast.csv"), weekly.collect::<String>()).unwrap();
    std::fs::write(&scenario, text).unwrap();
    routesim_ok(tmp.path(), &["run", scenario.to_str().unwrap(), "--out", "out", "-q"]);
    let header = std::fs::read_to_string(tmp.path().join("out/intervals.csv")).unwrap();
    assert!(header.starts_with("interval,day,start,"), "{}", &header[..60]);
    let svg = std::fs::read_to_string(tmp.path().join("out/charts/agents_by_status.svg")).unwrap();
    assert!(svg.contains("day 1") && svg.contains("day 7"), "days count from 1 on the axis");
    assert!(!svg.contains("day 0"), "no day 0 on the axis");
}

#[test]
fn start_date_must_agree_with_a_dated_forecast() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_week(tmp.path(), "start_date = \"2026-12-08\"", None);
    let out = routesim(tmp.path(), &["check", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("start_date") && err.contains("2026-12-07") && err.contains("2026-12-08"), "{err}");
    let scenario = write_week(tmp.path(), "start_date = \"7.12.2026\"", None);
    let err = String::from_utf8_lossy(&routesim(tmp.path(), &["check", scenario.to_str().unwrap()]).stderr)
        .into_owned();
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let scenario = write_week(tmp.path(), "start_date = \"2026-12-07\"", None);
    routesim_ok(tmp.path(), &["check", scenario.to_str().unwrap()]);
}

#[test]
fn a_missing_forecast_row_warns_with_queue_and_weekday_date_time() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_week(tmp.path(), "", Some(("2026-12-07 10:00", "Chat")));
    let out = routesim_ok(tmp.path(), &["check", scenario.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Chat has no row for Mon 07 Dec 10:00: read as 0 conversations"), "{err}");
    assert!(!err.contains("Email has no row"), "{err}");
    let scenario = write_week(tmp.path(), "forecast_gaps = \"error\"", Some(("2026-12-07 10:00", "Chat")));
    let out = routesim(tmp.path(), &["check", scenario.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Chat has no row for Mon 07 Dec 10:00"), "{err}");
}
