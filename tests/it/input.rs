//! Bounded input, plain errors (docs/model.md §10.11, "Limits"): the
//! binary refuses, with exit status 2 and a message in plain words,
//! files that are too large or not regular files, lists longer than their
//! limit, forecasts whose volumes would not fit in memory, short forecast
//! rows and keys of the wrong type; no message shows "(os error N)"; bad
//! input stays far below 1 GiB of memory (an address-space limit); and an
//! interrupted run removes its staging folder and keeps the previous results.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cli::{Run, finish};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");

/// A hang guard, not a speed target: every refusal here takes well under a second.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A small valid scenario; the cases below add to it or change it.
const BASE: &str = r#"name = "bounded"
horizon = "1d"
replications = 2

[[queue]]
name = "chat"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "3m" }

[[team]]
name = "t"
queues = ["chat"]

[[agents]]
name = "g"
team = "t"
count = 3
"#;

/// Runs `routesim args...` in `dir`, killed after [`TIMEOUT`]; with
/// `address_space` (bytes), under that RLIMIT_AS.
fn run_limited(dir: &Path, args: &[&str], address_space: Option<u64>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    if let Some(bytes) = address_space {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe and touches only the child.
        unsafe {
            cmd.pre_exec(move || {
                let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = address_space;
    let child = cmd.spawn().expect("start routesim");
    finish(child, args, TIMEOUT)
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_limited(dir, args, None)
}

/// Requires exit status 2 and every one of `words` on stderr, and no
/// "os error" anywhere.
fn refused(run: &Run, words: &[&str]) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.lines().any(|l| l.starts_with("error: ")) && run.stdout.is_empty(), "{run:#?}");
    for w in words {
        assert!(run.stderr.contains(w), "missing {w:?} in:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write");
    path
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

// ------------------------------------------------------------ files

#[test]
fn a_device_a_folder_and_a_missing_file_get_plain_words() {
    let dir = tempdir();
    #[cfg(unix)]
    refused(&run(dir.path(), &["check", "/dev/zero"]), &["`/dev/zero` is a device, not a regular file"]);
    let folder = dir.path().join("x");
    fs::create_dir(&folder).expect("mkdir");
    refused(&run(dir.path(), &["check", "x"]), &["`x` is a folder, not a scenario file"]);
    refused(
        &run(dir.path(), &["run", "missing.toml"]),
        &["cannot read scenario file `missing.toml`: no such file or folder"],
    );
    assert!(!dir.path().join("output").exists());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_with_no_writer_does_not_hang() {
    let dir = tempdir();
    let fifo = dir.path().join("pipe.toml");
    let c = std::ffi::CString::new(s(&fifo)).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    refused(&run(dir.path(), &["check", "pipe.toml"]), &["`pipe.toml` is a named pipe, not a regular file"]);
    // The forecast too.
    let csv = dir.path().join("f.csv");
    let c = std::ffi::CString::new(s(&csv)).expect("path");
    // SAFETY: as above.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    write(
        dir.path(),
        "f.toml",
        &format!("forecast = \"f.csv\"\n{}", BASE.replace("arrivals = { per_hour = 30 }\n", "")),
    );
    refused(
        &run(dir.path(), &["run", "f.toml"]),
        &["f.csv", "is a named pipe, not a regular file; name a forecast file"],
    );
}

#[test]
fn files_over_the_size_limit_are_refused_naming_the_limit() {
    let dir = tempdir();
    // Sparse: 17 MiB of nothing costs no disk.
    let big = dir.path().join("big.toml");
    fs::File::create(&big).expect("create").set_len(17 << 20).expect("grow");
    refused(&run(dir.path(), &["check", "big.toml"]), &["`big.toml` is larger than 16 MiB"]);
    let csv = dir.path().join("big.csv");
    fs::File::create(&csv).expect("create").set_len(257 << 20).expect("grow");
    write(
        dir.path(),
        "f.toml",
        &format!("forecast = \"big.csv\"\n{}", BASE.replace("arrivals = { per_hour = 30 }\n", "")),
    );
    refused(&run(dir.path(), &["check", "f.toml"]), &["big.csv: is larger than 256 MiB"]);
}

#[test]
fn a_key_of_the_wrong_type_says_what_it_wants() {
    let dir = tempdir();
    let cases = [
        ("forecast = 5\n", "key `forecast`: expected a file name (text in quotes)"),
        ("seed = \"x\"\n", "key `seed`: expected a whole number"),
    ];
    for (line, words) in cases {
        write(dir.path(), "w.toml", &format!("{line}{BASE}"));
        let r = run(dir.path(), &["check", "w.toml"]);
        refused(&r, &["w.toml:1:", words]);
        assert!(!r.stderr.contains("cannot be read"), "{}", r.stderr);
    }
    write(dir.path(), "w.toml", &BASE.replace("per_hour = 30", "per_hour = 30, step = 5"));
    refused(
        &run(dir.path(), &["check", "w.toml"]),
        &["key `queue.chat.arrivals.step`: expected text in quotes"],
    );
}

#[test]
fn no_message_shows_an_os_error_number() {
    let dir = tempdir();
    write(dir.path(), "s.toml", BASE);
    // The result folder's parent is a file: the output location is refused in words.
    write(dir.path(), "afile", "");
    let r = run(dir.path(), &["run", "s.toml", "-q", "--out", "afile/sub/out"]);
    assert_eq!(r.code, Some(1), "{r:#?}");
    assert!(r.stderr.contains("a part of the path is a file, not a folder"), "{}", r.stderr);
    assert!(!r.stderr.contains("os error"), "{}", r.stderr);
}

// ------------------------------------------------------------ counts

/// BASE with `n` `[[status]]` tables appended.
fn with_statuses(n: usize) -> String {
    let mut text = String::with_capacity(BASE.len() + n * 30);
    text.push_str(BASE);
    for i in 0..n {
        text.push_str(&format!("[[status]]\nname = \"S{i}\"\n"));
    }
    text
}

#[test]
fn a_hundred_thousand_statuses_are_refused_naming_the_limit() {
    let dir = tempdir();
    write(dir.path(), "many.toml", &with_statuses(100_000));
    let start = Instant::now();
    let r = run(dir.path(), &["check", "many.toml"]);
    refused(&r, &["key `status`: at most 10000 statuses; this file has 100000"]);
    // Hang guard only: the refusal takes about a second in a debug build.
    assert!(start.elapsed() < TIMEOUT, "{:?}", start.elapsed());
}

#[test]
fn each_list_has_its_limit_in_the_message() {
    let dir = tempdir();
    let mut text = BASE.to_owned();
    for i in 0..1001 {
        text.push_str(&format!("[[team]]\nname = \"x{i}\"\nqueues = [\"chat\"]\n"));
    }
    write(dir.path(), "teams.toml", &text);
    refused(
        &run(dir.path(), &["check", "teams.toml"]),
        &["key `team`: at most 1000 teams; this file has 1002"],
    );
    // At the limit, a file is checked in full, each name looked up once.
    write(dir.path(), "ok.toml", &with_statuses(1000));
    let r = run(dir.path(), &["check", "ok.toml"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
}

#[test]
fn many_unknown_names_are_all_reported_quickly() {
    let dir = tempdir();
    let mut text = BASE.replace("count = 3", "count = 3\nschedule = [");
    for j in 0..999 {
        text.push_str(&format!("{{ status = \"Nope{j}\", at = \"12:00\", duration = \"5m\" }},"));
    }
    text.push_str("]\n");
    for i in 0..200 {
        text.push_str(&format!("[[agents]]\nname = \"g{i}\"\nteam = \"t\"\ncount = 1\nbogus{i} = 1\n"));
    }
    write(dir.path(), "names.toml", &text);
    let r = run(dir.path(), &["check", "names.toml"]);
    refused(&r, &["1199 problems in names.toml", "unknown status `Nope0`", "... and 1179 more"]);
}

// ------------------------------------------------------------ forecasts

/// A scenario taking `chat`'s arrivals from `forecast.csv`, written with `csv`.
fn with_forecast(dir: &Path, csv: &str) -> PathBuf {
    write(dir, "forecast.csv", csv);
    write(
        dir,
        "f.toml",
        &format!("forecast = \"forecast.csv\"\n{}", BASE.replace("arrivals = { per_hour = 30 }\n", "")),
    )
}

#[test]
fn a_short_forecast_row_is_refused_naming_it() {
    let dir = tempdir();
    with_forecast(dir.path(), "start;queue;offered;aht\n08:00;chat;478;300\n08:30;chat;478\n");
    refused(
        &run(dir.path(), &["check", "f.toml"]),
        &["forecast.csv, row 3: has 3 cells but the header has 4 columns"],
    );
}

#[test]
fn a_forecast_volume_past_the_row_limit_is_refused() {
    let dir = tempdir();
    with_forecast(dir.path(), "start,queue,offered\n08:00,chat,1e9\n08:30,chat,0\n");
    refused(
        &run(dir.path(), &["run", "f.toml", "-q"]),
        &[
            "forecast.csv, row 2, column `offered`: 1e9 conversations in one interval is more than routesim takes (10000000 per row)",
        ],
    );
    assert!(!dir.path().join("output").exists());
}

/// Volumes each within the row limit whose conversations would not fit in
/// memory: refused by the memory estimate, naming the queue and its step.
#[test]
fn a_forecast_whose_volumes_exceed_memory_is_refused_before_simulating() {
    // Linux reports the memory available; elsewhere there is nothing to compare with.
    if !cfg!(target_os = "linux") {
        return;
    }
    let dir = tempdir();
    let mut csv = "start,queue,offered\n".to_owned();
    for k in 0..96 {
        csv.push_str(&format!("{:02}:{:02},chat,10000000\n", k / 4, k % 4 * 15));
    }
    with_forecast(dir.path(), &csv);
    for cmd in ["check", "run"] {
        let r = run(dir.path(), &[cmd, "f.toml", "-q"][..if cmd == "check" { 2 } else { 3 }]);
        assert_eq!(r.code, Some(2), "{r:#?}");
        for w in [
            "queue `chat` expects about 960000000 conversations on day 1",
            "from 00:00",
            "`offered` column of",
        ] {
            assert!(r.stderr.contains(w), "missing {w:?} in {}", r.stderr);
        }
    }
    assert!(!dir.path().join("output").exists());
}

// ------------------------------------------------------------ memory

/// Bad input is refused within an address-space limit of 1 GiB: nothing
/// is read or built in proportion to what the input claims.
#[cfg(target_os = "linux")]
#[test]
fn bad_input_stays_within_one_gib_of_address_space() {
    const LIMIT: u64 = 1 << 30;
    let dir = tempdir();
    refused(&run_limited(dir.path(), &["check", "/dev/zero"], Some(LIMIT)), &["is a device"]);
    let big = dir.path().join("big.toml");
    fs::File::create(&big).expect("create").set_len(64 << 30).expect("grow");
    refused(&run_limited(dir.path(), &["check", "big.toml"], Some(LIMIT)), &["larger than 16 MiB"]);
    write(dir.path(), "many.toml", &with_statuses(100_000));
    refused(&run_limited(dir.path(), &["check", "many.toml"], Some(LIMIT)), &["at most 10000 statuses"]);
    with_forecast(dir.path(), "start,queue,offered\n08:00,chat,1e9\n08:30,chat,0\n");
    refused(&run_limited(dir.path(), &["run", "f.toml", "-q"], Some(LIMIT)), &["10000000 per row"]);
    let mut csv = "start,queue,offered\n".to_owned();
    for k in 0..96 {
        csv.push_str(&format!("{:02}:{:02},chat,10000000\n", k / 4, k % 4 * 15));
    }
    with_forecast(dir.path(), &csv);
    refused(&run_limited(dir.path(), &["run", "f.toml", "-q"], Some(LIMIT)), &["queue `chat` expects about"]);
    // Dates 20 years apart for 15 queues: 10.5 million cells, refused before the grid is built.
    let mut csv = "start,queue,offered\n2000-01-01 00:00,q0,1\n2000-01-01 00:15,q0,1\n".to_owned();
    for q in 0..15 {
        csv.push_str(&format!("2020-01-01 00:00,q{q},1\n"));
    }
    with_forecast(dir.path(), &csv);
    refused(
        &run_limited(dir.path(), &["check", "f.toml"], Some(LIMIT)),
        &["routesim reads at most 10000000"],
    );
}

// ------------------------------------------------------------ interrupts

/// Ctrl-C (and SIGTERM) during a run removes the staging folder and exits
/// 130; the previous results are left as they were.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_previous_results_and_no_staging_folder() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = crate_dir.join("scenarios/erlang-a.toml");
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempdir();
        let out = dir.path().join("out");
        // The previous results: a short run of the same scenario.
        let first = run(
            dir.path(),
            &["run", s(&scenario), "-q", "-r", "1", "--set", "horizon=\"3h\"", "--out", "out"],
        );
        assert_eq!(first.code, Some(0), "{first:#?}");
        let before = fs::read(out.join("summary.csv")).expect("summary");
        let child = Command::new(BIN)
            .args(["run", s(&scenario), "-q", "-r", "200", "--out", "out"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start routesim");
        let staging = || {
            fs::read_dir(dir.path())
                .expect("list")
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with(".out.staging-"))
        };
        let start = Instant::now();
        while !staging() {
            assert!(start.elapsed() < TIMEOUT, "no staging folder appeared");
            std::thread::sleep(Duration::from_millis(2));
        }
        // SAFETY: kill(2) on our own child's id.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let r = finish(child, &["run (interrupted)"], TIMEOUT);
        assert_eq!(r.code, Some(130), "signal {signal}: {r:#?}");
        assert!(!staging(), "signal {signal}: the staging folder is left");
        assert_eq!(fs::read(out.join("summary.csv")).expect("summary"), before, "signal {signal}");
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // The folder and the mark naming its scenario file, from the first, whole run.
        let mut names = names;
        names.sort();
        assert_eq!(names, [".out.source", "out"], "signal {signal}");
    }
}
