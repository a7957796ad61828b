//! `routesim schedule` (docs/model.md §16) and the `[[shift]]` patterns it
//! reads (§10.14): bad keys refused with file, key and line.

use std::path::Path;
use std::process::{Command, Output};

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
