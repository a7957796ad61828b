//! `routesim schedule` (docs/model.md §16) and the `[[shift]]` patterns it
//! reads (§10.14): bad keys refused with file, key and line.

use std::path::Path;
use std::process::{Command, Output};

use crate::files::rows;

const BIN: &str = env!("CARGO_BIN_EXE_routesim");

fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("start routesim")
}

/// A small scenario with one custom status, to which each test appends
/// its `[[shift]]` tables.
const BASE: &str = r#"horizon = "1d"
[[status]]
name = "Lunch"
[[queue]]
name = "chat"
arrivals = { per_hour = 10 }
handle_time = { dist = "exponential", mean = "5m" }
[[team]]
name = "desk"
queues = ["chat"]
[[agents]]
name = "a"
team = "desk"
count = 2
"#;

/// Every bad `[[shift]]` key is refused at once (exit status 2), each
/// problem with the file, its line and the dotted key; nothing is written.
#[test]
fn bad_shift_patterns_are_refused_with_file_key_and_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = format!(
        "{BASE}{}",
        r#"[[shift]]
name = "day"
team = "dsek"
lengths = ["0h", "25h"]
start = "12:00-06:30"
days = 8
shedule = 3
schedule = [{ status = "Lunh", after = "3h-5h", duration = "30m" }, { status = "Lunch", after = "3h-3h10m", duration = "30m" }, { status = "Busy", after = "1h-2h", duration = "30m" }]
[[shift]]
name = "late"
team = "desk"
length = "4h"
start = "12:00-13:15"
schedule = [{ status = "Lunch", after = "3h-5h", duration = "30m" }]
"#
    );
    let file = tmp.path().join("bad.toml");
    std::fs::write(&file, text).expect("write");
    for command in ["check", "schedule"] {
        let out = routesim(tmp.path(), &[command, "bad.toml"]);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", String::from_utf8_lossy(&out.stderr));
        let err = String::from_utf8_lossy(&out.stderr);
        for expected in [
            "bad.toml:17: key `shift.day.team`: unknown team `dsek`; did you mean `desk`?",
            "bad.toml:18: key `shift.day.lengths.0`: `0h` must be longer than zero and at most a day",
            "bad.toml:18: key `shift.day.lengths.1`: `25h` must be longer than zero and at most a day",
            "bad.toml:19: key `shift.day.start`: `12:00-06:30` is reversed",
            "bad.toml:20: key `shift.day.days`: working days per week must be 1 to 7, got 8",
            "bad.toml:21: key `shift.day.shedule`: unknown key `shedule` in `shift.day`; did you mean `schedule`?",
            "bad.toml:22: key `shift.day.schedule.0.status`: unknown status `Lunh`; did you mean `Lunch`?",
            "bad.toml:22: key `shift.day.schedule.1.after`: window `3h-3h10m` is shorter than the status (30 min)",
            "bad.toml:22: key `shift.day.schedule.2.status`: `Busy` is a built-in status",
            "bad.toml:27: key `shift.late.start`: the latest start of `12:00-13:15` is not on the grid",
            "bad.toml:28: key `shift.late.schedule.0.after`: window `3h-5h` ends after the shift does (4 h long)",
        ] {
            assert!(err.contains(expected), "{command}: missing {expected:?} in\n{err}");
        }
        assert!(!tmp.path().join("output").exists(), "{command} wrote something");
    }
}

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// Minutes after midnight of `HH:MM`.
fn minutes(clock: &str) -> i64 {
    let (h, m) = clock.split_once(':').expect("HH:MM");
    h.parse::<i64>().expect("hours") * 60 + m.parse::<i64>().expect("minutes")
}

/// Minutes of a duration written as the week scenario writes them (`3h`, `30m`, `8h`).
fn duration_minutes(text: &str) -> i64 {
    let mut total = 0;
    let mut num = String::new();
    for c in text.chars() {
        match c {
            'h' => total += num.drain(..).as_str().parse::<i64>().expect("hours") * 60,
            'm' => total += num.drain(..).as_str().parse::<i64>().expect("minutes"),
            d => num.push(d),
        }
    }
    total
}

/// The issue's week: `schedule` on scenarios/week.toml gives a roster in
/// which every row obeys its pattern (length, start window and step, five
/// days with the two days off together, Sunday to Monday counting, the
/// lunch inside its window); re-simulated on the independent seed with 20
/// replications each queue meets its target in at least 95% of the
/// intervals it is judged in; paid hours stay within a bound of the
/// requirement's agent-hours; schedule.xlsx reads back with its three
/// sheets matching roster.csv and coverage.csv; and `routesim run` on the
/// folder's scenario.toml reproduces the service levels summary.json gives.
#[test]
fn the_week_is_rostered_and_the_roster_holds_on_the_independent_seed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let week = Path::new(CRATE).join("scenarios/week.toml");
    let out = routesim(
        tmp.path(),
        &["schedule", week.to_str().expect("path"), "--paid-hours", "37.5", "--out", "sched"],
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{printed}\n{}", String::from_utf8_lossy(&out.stderr));
    let dir = tmp.path().join("sched");
    for name in [
        "roster.csv",
        "coverage.csv",
        "scenario.toml",
        "summary.json",
        "schedule.xlsx",
        "forecast.csv",
        "charts/coverage.png",
    ] {
        assert!(dir.join(name).is_file(), "{name} missing");
    }

    // The coverage chart: a panel per team, over the dated week.
    let svg = std::fs::read_to_string(dir.join("charts/coverage.svg")).expect("coverage.svg");
    for text in ["Coverage over the week", "team chat", "team email", "Mon 07 Dec", "under the requirement"] {
        assert!(svg.contains(text), "coverage.svg lacks {text:?}");
    }
    // report.html: the chart and the page drawn from the folder's files.
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("summary"))
            .expect("json");
    for text in [
        "week — schedule".to_owned(),
        "Agents per shift pattern".to_owned(),
        format!(
            "{} agents, {:.1} paid hours a week",
            summary["agents"],
            summary["paid_hours"].as_f64().expect("paid")
        ),
        "Mon 07 Dec 10:00".to_owned(),
    ] {
        assert!(html.contains(&text), "report.html lacks {text:?}");
    }
    // `routesim plot` redraws the chart from the folder alone, byte for byte.
    let plot = Command::new(BIN).args(["plot", "sched"]).current_dir(tmp.path()).output().expect("plot");
    assert!(plot.status.success(), "{}", String::from_utf8_lossy(&plot.stderr));
    assert_eq!(std::fs::read_to_string(dir.join("charts/coverage.svg")).expect("redrawn"), svg);

    // roster.csv: every row obeys its pattern.
    let roster = rows(&dir.join("roster.csv"));
    let days = obeys_patterns(&roster, &week);
    // With the part-time email pattern capped, full-time agents come in, with their lunches.
    let capped = routesim(
        tmp.path(),
        &[
            "schedule",
            week.to_str().expect("path"),
            "--team",
            "email",
            "--set",
            "shift.email-part.max_agents=3",
            "--out",
            "capped",
            "-q",
        ],
    );
    assert!(capped.status.success(), "{}", String::from_utf8_lossy(&capped.stderr));
    let capped = rows(&tmp.path().join("capped/roster.csv"));
    obeys_patterns(&capped, &week);
    assert!(
        capped
            .iter()
            .filter(|r| r["shift"] == "email-part")
            .map(|r| &r["agent"])
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            <= 3
    );
    assert!(capped.iter().any(|r| !r["Lunch"].is_empty()), "no lunch placed");

    // summary.json: the independent seed, the bound on paid hours, the program's figures.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("json"))
            .expect("json");
    // The repair's seed, and a fresh one for the figures printed (docs/model.md §16.4).
    assert_eq!(summary["repair"]["seed"], 11 + 1_000_003);
    assert_eq!(summary["validation"]["seed"], 11 + 2 * 1_000_003);
    assert!(
        printed.contains("on a fresh seed 2000017, which neither the search nor the repair has seen"),
        "{printed}"
    );
    assert_eq!(summary["validation"]["replications"], 20);
    let queues = summary["validation"]["queues"].as_array().expect("queues");
    assert_eq!(queues.len(), 2);
    for q in queues {
        let (met, judged) =
            (q["met"].as_f64().expect("met"), q["judged_intervals"].as_f64().expect("judged"));
        assert!(judged > 0.0 && met >= 0.95 * judged, "{q}");
        let shown = format!("meets it in {} of {} judged intervals", q["met"], q["judged_intervals"]);
        assert!(printed.contains(&shown), "{shown} not printed:\n{printed}");
    }
    let paid = summary["paid_hours"].as_f64().expect("paid");
    let need = summary["requirement_agent_hours"].as_f64().expect("need");
    assert_eq!(need, 438.0 + 141.0, "the requirement staff answers for the week (chat, email: the README)");
    let per_team: f64 = summary["requirement"]["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| t["agent_hours"].as_f64().expect("agent_hours"))
        .sum();
    assert!((need - per_team).abs() < 1e-6, "the teams' requirements add up: {need} against {per_team}");
    // The issue's bound: paid hours at most 20% above the requirement's agent-hours.
    assert!(paid <= 1.2 * need, "paid {paid} against {need}");
    assert!(paid >= summary["program"]["lower_bound"].as_f64().expect("bound") - 1e-6);
    assert_eq!(summary["agents"].as_u64().map(|n| n as usize), Some(days.len()));
    let hours: f64 = roster
        .iter()
        .map(|r| ((minutes(&r["end"]) - minutes(&r["start"])).rem_euclid(1440)) as f64 / 60.0)
        .sum();
    assert!((hours - paid).abs() < 1e-9, "roster.csv's hours {hours} against summary's {paid}");
    assert!(printed.contains(&format!("{:.1} FTE at 37.5 paid hours a week", paid / 37.5)), "{printed}");

    // schedule.xlsx: the three sheets, the roster grid and coverage cells as the CSV files give them.
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(dir.join("schedule.xlsx")).expect("open schedule.xlsx");
    assert_eq!(book.sheet_names(), vec!["Requirement", "Roster", "Coverage"]);
    let grid = book.worksheet_range("Roster").expect("Roster");
    let text = |r: &calamine::Range<Data>, row: u32, col: u32| {
        r.get_value((row, col)).map(ToString::to_string).unwrap_or_default()
    };
    assert_eq!(text(&grid, 0, 0), "agent");
    assert_eq!(text(&grid, 0, 3), "Mon 07 Dec");
    for (i, (agent, worked)) in
        [("agent-1", &days["agent-1"]), ("agent-2", &days["agent-2"])].into_iter().enumerate()
    {
        let row = i as u32 + 1;
        assert_eq!(text(&grid, row, 0), agent);
        let first = roster.iter().find(|r| r["agent"] == agent).expect("agent's rows");
        assert_eq!(text(&grid, row, 2), first["shift"]);
        for d in 0..7 {
            let want = if worked.contains(&d) {
                format!("{}-{}", first["start"], first["end"])
            } else {
                "off".into()
            };
            assert_eq!(text(&grid, row, 3 + d as u32), want, "{agent}, day {d}");
        }
    }
    let coverage = rows(&dir.join("coverage.csv"));
    assert_eq!(coverage.len(), 2 * 336, "two teams, 336 half hours");
    let sheet = book.worksheet_range("Coverage").expect("Coverage");
    let requirement = book.worksheet_range("Requirement").expect("Requirement");
    for (i, c) in coverage.iter().enumerate().filter(|(i, _)| i % 97 == 20) {
        let row = i as u32 + 1;
        assert_eq!(text(&sheet, row, 0), c["team"]);
        assert_eq!(text(&sheet, row, 3), c["start"]);
        assert_eq!(text(&sheet, row, 4), c["required"]);
        assert_eq!(text(&requirement, row, 4), c["required"]);
        let scheduled: f64 = c["scheduled"].parse().expect("scheduled");
        assert_eq!(sheet.get_value((row, 6)).and_then(|d| d.as_f64()), Some(scheduled));
    }

    // Every other number of coverage.csv and summary.json, by name, from the files.
    let coverage = rows(&dir.join("coverage.csv"));
    let (mut over, mut under) = (0.0, 0.0);
    for c in &coverage {
        let v = |k: &str| -> f64 { c[k].parse().unwrap_or_else(|_| panic!("{k}={}", c[k])) };
        assert!((v("net") - (v("available") - v("required_available"))).abs() < 1e-5, "net of {c:?}");
        assert!(v("available") <= v("scheduled") + 1e-9, "available within scheduled: {c:?}");
        assert!(v("required_available") <= v("required") + 1e-9, "required_available within required: {c:?}");
        let d = v("scheduled") - v("required");
        if d > 0.0 { over += d * 0.5 } else { under -= d * 0.5 }
    }
    let num = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("{v}"));
    assert!((num(&summary["hours_over"]) - over).abs() < 1e-3, "hours_over {over}");
    assert!((num(&summary["hours_under"]) - under).abs() < 1e-3, "hours_under {under}");
    assert!(
        printed.contains(&format!("logged in over the requirement {over:.1} h, under it {under:.1} h")),
        "{printed}"
    );
    let program = &summary["program"];
    let (found, bound) = (num(&program["paid_hours"]), num(&program["lower_bound"]));
    assert!((num(&program["gap"]) - (found - bound) / found).abs() < 1e-6, "gap");
    assert!(printed.contains(&format!(
        "integer program: {} variables, {} constraints, {} branch-and-bound nodes",
        program["variables"], program["constraints"], program["nodes"]
    )));
    // The default node budget, not the time, stopped the search: the
    // roster is the same on every machine (and no wall time is written).
    assert_eq!(program["node_limit"], 2000);
    assert_eq!(program["nodes"], 2000);
    assert_eq!(program["stopped_by"], "node limit");
    assert_eq!(program["cut_by_time"], false);
    assert_eq!(program["time_limit"], 600.0);
    assert!(program.get("seconds").is_none(), "{program}");
    // Where the answer came from, as written, printed and on the report's page.
    let found_by = program["found_by"].as_str().expect("found_by");
    assert!(
        printed.contains(&format!("paid hours ({found_by}, not proven optimal within 2000 nodes)")),
        "{printed}"
    );
    assert!(
        html.contains("stopped by its node limit after 2000 branch-and-bound nodes"),
        "report.html's lead"
    );
    assert!(!printed.contains("warning: the time limit"), "{printed}");
    assert!(paid >= found, "the repair only adds agents");
    assert!((num(&summary["fte"]["fte"]) - paid / 37.5).abs() < 1e-6);
    assert_eq!(summary["fte"]["paid_hours_per_fte"], 37.5);
    let patterns = summary["patterns"].as_array().expect("patterns");
    for p in patterns {
        let shift = p["shift"].as_str().expect("shift");
        let agents: std::collections::BTreeSet<&str> =
            roster.iter().filter(|r| r["shift"] == shift).map(|r| r["agent"].as_str()).collect();
        assert_eq!(p["agents"].as_u64(), Some(agents.len() as u64), "{shift}'s agents in roster.csv");
        let hours: f64 = roster
            .iter()
            .filter(|r| r["shift"] == shift)
            .map(|r| ((minutes(&r["end"]) - minutes(&r["start"])).rem_euclid(1440)) as f64 / 60.0)
            .sum();
        assert!((num(&p["paid_hours"]) - hours).abs() < 1e-9, "{shift}'s paid hours");
    }
    let (rounds, added) = (&summary["repair"]["rounds"], &summary["repair"]["agents_added"]);
    let s = |n: &serde_json::Value| if n == 1 { "" } else { "s" };
    let line =
        format!("repair on seed 1000014: {rounds} simulation{}, {added} agent{} added", s(rounds), s(added));
    assert!(printed.contains(&line), "{line}\n{printed}");
    assert_eq!(summary["repair"]["round_limit"], 20);
    assert_eq!(summary["repair"]["met"], true);

    // The folder's scenario.toml, run as it is, gives the service levels summary.json reports.
    let run = routesim(&dir, &["run", "scenario.toml", "-q", "--out", "run"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let run_summary = rows(&dir.join("run/summary.csv"));
    for q in queues {
        let name = q["queue"].as_str().expect("queue");
        let row = run_summary
            .iter()
            .find(|r| r["scope"] == "queue" && r["name"] == name && r["metric"] == "service_level")
            .expect("service level row");
        assert_eq!(row["mean"].parse::<f64>().ok(), q["service_level"].as_f64(), "{name}");
    }
}

/// Checks every row of a roster against its pattern in `week` (team,
/// length, start on the grid, the lunch inside its window, the date of its
/// weekday) and every agent's five days with the two days off together;
/// returns each agent's working days (0 Monday … 6 Sunday).
fn obeys_patterns(
    roster: &[std::collections::BTreeMap<String, String>],
    week: &Path,
) -> std::collections::BTreeMap<String, Vec<usize>> {
    // The patterns as the file gives them.
    let file: toml::Value = toml::from_str(&std::fs::read_to_string(week).expect("week")).expect("toml");
    let patterns = file["shift"].as_array().expect("[[shift]]");
    let pattern = |name: &str| patterns.iter().find(|p| p["name"].as_str() == Some(name)).expect("pattern");
    assert!(!roster.is_empty());
    let mut days: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for row in roster {
        let p = pattern(&row["shift"]);
        assert_eq!(row["team"], p["team"].as_str().expect("team"), "{row:?}");
        let (start, end) = (minutes(&row["start"]), minutes(&row["end"]));
        let length = (end - start).rem_euclid(24 * 60);
        let lengths: Vec<i64> = p["lengths"]
            .as_array()
            .expect("lengths")
            .iter()
            .map(|l| duration_minutes(l.as_str().expect("length")))
            .collect();
        assert!(lengths.contains(&length), "{row:?}: length {length} min not in {lengths:?}");
        let (first, last) = p["start"].as_str().expect("start").split_once('-').expect("range");
        let (first, last) = (minutes(first), minutes(last));
        assert!((first..=last).contains(&start) && (start - first) % 30 == 0, "{row:?}: start off the grid");
        match p.get("schedule").and_then(|s| s.as_array()).and_then(|s| s.first()) {
            Some(lunch) => {
                let (a, b) = lunch["after"].as_str().expect("after").split_once('-').expect("window");
                let d = duration_minutes(lunch["duration"].as_str().expect("duration"));
                let at = (minutes(&row["Lunch"]) - start).rem_euclid(24 * 60);
                assert!(
                    at >= duration_minutes(a) && at + d <= duration_minutes(b),
                    "{row:?}: lunch outside its window"
                );
            }
            None => assert_eq!(row["Lunch"], "", "{row:?}: a pattern without a lunch has none"),
        }
        let d = WEEKDAYS.iter().position(|w| *w == row["weekday"]).expect("weekday");
        assert_eq!(row["date"], format!("2026-12-{:02}", 7 + d), "{row:?}");
        days.entry(row["agent"].clone()).or_default().push(d);
    }
    for (agent, worked) in &days {
        assert_eq!(worked.len(), 5, "{agent} works {worked:?}");
        let off: Vec<usize> = (0..7).filter(|d| !worked.contains(d)).collect();
        assert!(
            off.len() == 2 && (off[1] == off[0] + 1 || (off[0] == 0 && off[1] == 6)),
            "{agent}: days off {off:?} not together"
        );
    }

    days
}

/// The roster is a function of the scenario and the node budget, not of
/// the machine: two runs (with different thread counts) write the same
/// bytes in every file, the workbook and the charts included; a node
/// budget above the most accepted is refused with exit 2, naming `--nodes`,
/// before anything is written.
#[test]
fn a_schedule_writes_the_same_bytes_on_every_run() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let week = Path::new(CRATE).join("scenarios/week.toml");
    let week = week.to_str().expect("path");
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let run = routesim(
            tmp.path(),
            &["schedule", week, "--team", "email", "--nodes", "300", "-j", threads, "-q", "--out", out],
        );
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let mut files = Vec::new();
    let mut stack = vec![tmp.path().join("one")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() { stack.push(path) } else { files.push(path) }
        }
    }
    assert!(files.len() >= 9, "{files:?}");
    for one in files {
        let rel = one.strip_prefix(tmp.path().join("one")).expect("inside");
        let two = tmp.path().join("two").join(rel);
        assert_eq!(
            std::fs::read(&one).expect("one"),
            std::fs::read(&two).expect("two"),
            "{} differs",
            rel.display()
        );
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("one/summary.json")).expect("json"))
            .expect("json");
    assert_eq!(summary["program"]["node_limit"], 300);

    let over = routesim(tmp.path(), &["schedule", week, "--nodes", "20000000", "--out", "over"]);
    assert_eq!(over.status.code(), Some(2));
    let err = String::from_utf8_lossy(&over.stderr);
    assert!(err.contains("--nodes 20000000: give at most 10000000 branch-and-bound nodes"), "{err}");
    assert!(!tmp.path().join("over").exists());
}

/// The memory check of `--nodes`, against a given amount of memory (so the
/// test does not depend on the machine's): the default budget's tree fits
/// in 4 GiB on the week, a million nodes' (about 20 GiB) does not, and the
/// refusal names the setting, the variables and both sizes.
#[test]
fn a_node_budget_whose_tree_would_not_fit_is_refused() {
    let week = Path::new(CRATE).join("scenarios/week.toml");
    let workers = routesim::driver::Workers::new(1).expect("one worker");
    let planner = |nodes| {
        let request = routesim::schedule::ScheduleRequest {
            teams: Vec::new(),
            paid_hours: None,
            nodes,
            time_limit: 600.0,
        };
        routesim::schedule::Planner::new(&week, &[], request).expect("the week loads")
    };
    let four_gib = 4 << 30;
    assert!(planner(2_000).check_fits(&workers, Some(four_gib)).is_ok());
    match planner(1_000_000).check_fits(&workers, Some(four_gib)) {
        Err(routesim::Error::Setting { setting: routesim::error::Setting::Nodes, value, message }) => {
            assert_eq!(value, "1000000");
            assert!(
                message.contains("1344 variables")
                    && message.contains("20.0 GiB")
                    && message.contains("4.0 GiB"),
                "{message}"
            );
        }
        other => panic!("not refused as expected: {other:?}"),
    }
}
