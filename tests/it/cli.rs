//! End-to-end runs of the `routesim` binary: bad input of every class of
//! docs/model.md §10.11 (exit 2, file and key named, output folder untouched),
//! hostile input that must not panic, the result files of docs/model.md
//! §11, reproducibility (§9), `--set`, `--out`, result folders
//! replaced whole (or refused before simulating) and their provenance
//! (`scenario.toml` reproduces the folder), and the bundled support-day
//! scenario.
//!
//! Every run happens in a fresh temporary directory used as the current
//! directory, so the default `output/<name>/` folder lands there.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");
/// No single run of these small scenarios takes more than a fraction of a
/// second; this only stops a hung binary from hanging the test suite.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The files `routesim run` writes (docs/model.md §11), sorted; `charts`
/// is the folder of charts (tests/it/charts.rs).
const RESULT_FILES: [&str; 9] = [
    "charts",
    "intervals.csv",
    "replications.csv",
    "report.html",
    "scenario.toml",
    "statuses.csv",
    "summary.csv",
    "summary.json",
    "waits.csv",
];
/// Every metric of docs/model.md §7 that summary.csv reports for `total` (§11.1).
const METRICS: [&str; 18] = [
    "offered",
    "answered",
    "abandoned",
    "requeued",
    "stranded",
    "unresolved",
    "service_level",
    "asa",
    "wait_p50",
    "wait_p90",
    "wait_p99",
    "abandon_rate",
    "queue_avg",
    "aht",
    "occupancy",
    "capacity_utilisation",
    "shrinkage",
    "logged_in",
];
/// Words of Rust types or serde that no message to a user may show.
const RUST_WORDS: &[&str] = &[
    "Raw",
    "i64",
    "f64",
    "u32",
    "usize",
    "sequence",
    " map",
    "internally tagged",
    "struct",
    "variant",
    "invalid type",
    "Some(",
    "None",
    "(with --set overrides)",
];
const SENTINEL: &[u8] = b"sentinel: results of an earlier run\n";

// ---------------------------------------------------------------- harness

/// What one run of the binary gave: exit code (None when killed by a
/// signal, e.g. an abort), stdout and stderr.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `routesim args...` with `dir` as the current directory, killing it
/// after [`TIMEOUT`].
fn routesim(dir: &Path, args: &[&str]) -> Run {
    let child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start routesim");
    finish(child, args, TIMEOUT)
}

/// Waits for `child` (a run of `args` with piped stdout and stderr),
/// killing it after `timeout`, and collects its output. Shared by the
/// end-to-end tests that start the binary their own way.
pub(crate) fn finish(mut child: Child, args: &[&str], timeout: Duration) -> Run {
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = pipe(Box::new(child.stdout.take().expect("stdout")));
    let err = pipe(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for routesim") {
            break status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("routesim {args:?} still running after {timeout:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// Runs the binary and requires exit status 0.
fn routesim_ok(dir: &Path, args: &[&str]) -> Run {
    let run = routesim(dir, args);
    assert_eq!(run.code, Some(0), "routesim {args:?} failed: {run:#?}");
    run
}

fn tempdir() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A file under tests/fixtures.
fn fixture(rel: &str) -> PathBuf {
    Path::new(CRATE).join("tests/fixtures").join(rel)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Every file and folder under `dir`, by relative path (folders end in
/// `/`), with file contents.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            let rel = path.strip_prefix(root).expect("under root").to_string_lossy().into_owned();
            if path.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// File names in `dir`, sorted.
/// The names in `dir`, sorted, without the `.NAME.source` marks that name
/// the scenario file beside each result folder (checked on their own).
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !(n.starts_with('.') && n.ends_with(".source")))
        .collect();
    v.sort();
    v
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A small valid scenario (name "bad") that the hostile cases corrupt.
const BASE: &str = r#"name = "bad"
horizon = "2h"
interval = "30m"
replications = 2

[[queue]]
name = "chat"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "3m" }

[[team]]
name = "t1"
queues = ["chat"]

[[agents]]
name = "day"
team = "t1"
count = 3
"#;

/// BASE with the first `from` replaced by `to`; the replacement must happen.
fn base_with(from: &str, to: &str) -> Vec<u8> {
    assert!(BASE.contains(from), "BASE has no {from:?}");
    BASE.replacen(from, to, 1).into_bytes()
}

/// Where the line of a bad-input message must point: at the first
/// non-comment line of the fixture that contains the marker.
#[derive(Clone, Copy)]
enum Line {
    /// No line required (the error is not about one line).
    Any,
    /// A TOML syntax or format error: "line N" in the parser's message.
    Syntax(&'static str),
    /// A value error: "FILE:N: key `...`".
    Key(&'static str),
}

fn line_of(file: &Path, marker: &str) -> usize {
    read(file)
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim_start().starts_with('#') && l.contains(marker))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{} has no line with {marker:?}", file.display()))
}

/// Runs `args` (which name the scenario `file`) in a temp dir whose output
/// folders `output/{bad,small,<stem>}/` already hold a sentinel summary.csv,
/// and returns what is wrong with the outcome: anything but exit 2 with an
/// `error: ` message on stderr naming the file, every string of `names` and
/// the line; output on stdout; any change at all under the temp dir.
fn bad_input_problems(
    file: &Path,
    args: &[&str],
    names: &[&str],
    line: Line,
    name_file: bool,
) -> Vec<String> {
    let dir = tempdir();
    let stem = file.file_stem().map_or_else(|| "x".into(), |s| s.to_string_lossy().into_owned());
    for folder in ["bad", "small", stem.as_str()] {
        let out = dir.path().join("output").join(folder);
        fs::create_dir_all(&out).expect("create output folder");
        fs::write(out.join("summary.csv"), SENTINEL).expect("write sentinel");
    }
    let before = tree(dir.path());
    let run = routesim(dir.path(), args);
    let mut problems = Vec::new();
    let mut want = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    want(run.code == Some(2), format!("exit code {:?}, not 2", run.code));
    want(run.stderr.starts_with("error: "), "stderr does not start with `error: `".into());
    want(!run.stderr.contains("panicked"), "the binary panicked".into());
    if name_file {
        want(run.stderr.contains(text(file)), format!("stderr does not name the file {}", file.display()));
    }
    for name in names {
        want(run.stderr.contains(name), format!("stderr does not name {name:?}"));
    }
    match line {
        Line::Any => {}
        Line::Syntax(marker) => {
            let n = line_of(file, marker);
            want(run.stderr.contains(&format!("line {n}")), format!("stderr does not say `line {n}`"));
        }
        Line::Key(marker) => {
            let n = line_of(file, marker);
            let at = format!("{}:{n}:", text(file));
            want(run.stderr.contains(&at), format!("stderr does not say `{at}`"));
        }
    }
    for word in RUST_WORDS {
        want(!run.stderr.contains(word), format!("stderr shows Rust or serde wording {word:?}"));
    }
    want(run.stdout.is_empty(), "something was printed on stdout".into());
    let after = tree(dir.path());
    want(
        after == before,
        format!(
            "the temp dir changed: before {:?}, after {:?}",
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        ),
    );
    problems.into_iter().map(|p| format!("routesim {args:?}: {p}\n--- stderr:\n{}", run.stderr)).collect()
}

fn assert_no_problems(problems: &[String]) {
    assert!(problems.is_empty(), "{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
}

// ---------------------------------------------------------------- bad input

/// One fixture under tests/fixtures/bad per class of bad input (docs/model.md
/// §10.11), with what its message must name.
const BAD_FILES: &[(&str, &[&str], Line)] = &[
    ("bad/syntax.toml", &["arrivals"], Line::Syntax("[30, 40")),
    ("bad/unknown_key.toml", &["`queue.chat.prioritty`", "did you mean `priority`?"], Line::Key("prioritty")),
    (
        "bad/wrong_type.toml",
        &["`agents.day.count`", "a whole number, such as `count = 10`"],
        Line::Key("count = \"three\""),
    ),
    ("bad/negative_rate.toml", &["`queue.chat.arrivals.per_hour`", "-5"], Line::Key("per_hour = -5")),
    (
        "bad/rate_array_length.toml",
        &["`queue.chat.arrivals.per_hour`", "has 3 values", "(48)"],
        Line::Key("per_hour = [10, 20, 30]"),
    ),
    (
        "bad/staffing_length.toml",
        &["`agents.day.staffing`", "has 3 values", "(48)"],
        Line::Key("staffing = [1, 2, 3]"),
    ),
    (
        "bad/unknown_queue_in_team.toml",
        &["`team.t1.queues.1`", "`voice`"],
        Line::Key("queues = [\"chat\", \"voice\"]"),
    ),
    ("bad/unknown_team_in_group.toml", &["`agents.day.team`", "`t9`"], Line::Key("team = \"t9\"")),
    (
        "bad/unknown_status_in_schedule.toml",
        &["`agents.day.schedule.0.status`", "`Lnch`"],
        Line::Key("\"Lnch\""),
    ),
    ("bad/zero_capacity.toml", &["`team.t1.capacity`", "got 0"], Line::Key("capacity = 0")),
    (
        "bad/window_outside_day.toml",
        &["`agents.day.schedule.0.window`", "25:00"],
        Line::Key("\"23:00-25:00\""),
    ),
    (
        "bad/window_shorter_than_duration.toml",
        &["`agents.day.schedule.0.window`", "shorter than the episode"],
        Line::Key("\"12:00-12:20\""),
    ),
    ("bad/duplicate_queue.toml", &["`queue.1.name`", "queue `chat` is defined twice"], Line::Any),
    (
        "bad/accept_assignment.toml",
        &["`routing.accept_delay`", "is needed with `assignment = \"accept\"`"],
        Line::Key("[routing]"),
    ),
    (
        "bad/busy_while_handling.toml",
        &["`queue.chat.capacity_aware`", "applies only to a queue synced to Busy"],
        Line::Key("capacity_aware = true"),
    ),
    (
        "bad/switch_to_foreign_team.toml",
        &[
            "`agents.day.schedule.0.team`",
            "team `email` is not one of group `day`'s teams",
            "teams = [\"t1\", \"email\"]",
        ],
        Line::Key("team = \"email\""),
    ),
    (
        "bad/dist_as_duration.toml",
        &["`queue.chat.handle_time`", "a distribution, such as `{ dist = \"constant\", value = \"5m\" }`"],
        Line::Key("handle_time = \"5m\""),
    ),
    (
        "bad/misspelled_status.toml",
        &["`agents.day.schedule.0.status`", "unknown status `lunch`; did you mean `Lunch`?"],
        Line::Key("status = \"lunch\""),
    ),
    (
        "bad/misspelled_names.toml",
        &[
            "`team.tier1.queues.0`: unknown queue `chta`; did you mean `chat`?",
            "`agents.day.team`: unknown team `Tier1`; did you mean `tier1`?",
        ],
        Line::Key("team = \"Tier1\""),
    ),
    ("bad/huge_horizon.toml", &["key `horizon`", "shorten the horizon"], Line::Key("horizon = \"10000d\"")),
    (
        "bad/long_ready_delay.toml",
        &["key `agents.day.shift.ready_delay`", "ready delay (7200 s)"],
        Line::Key("ready_delay = \"2h\""),
    ),
    ("no-such-file.toml", &["cannot read scenario file", "no such file or folder"], Line::Any),
    ("bad", &["is a folder, not a scenario file"], Line::Any),
];

/// Every bad fixture, under `check` and `run`: exit 2, `error: ` naming the
/// file, the key and the line, nothing on stdout, output folder untouched.
#[test]
fn bad_scenario_files_are_rejected_and_touch_nothing() {
    let mut problems = Vec::new();
    for &(rel, names, line) in BAD_FILES {
        let file = fixture(rel);
        for cmd in ["check", "run"] {
            problems.extend(bad_input_problems(&file, &[cmd, text(&file)], names, line, true));
        }
    }
    assert_no_problems(&problems);
}

/// Bad `--set` overrides (unknown group, unknown key path, malformed
/// KEY=VALUE, bad value) on a valid scenario: exit 2, the file and the key
/// named, output folder untouched.
#[test]
fn bad_overrides_are_rejected_and_touch_nothing() {
    let file = fixture("small.toml");
    let cases: &[(&str, &[&str])] = &[
        ("agents.nobody.count=3", &["nobody"]),
        ("queue.chat.prioritty=2", &["prioritty"]),
        ("nosuch.key=1", &["nosuch"]),
        ("nokey", &["nokey"]),
        ("=3", &["=3"]),
        ("agents..count=3", &["agents..count"]),
        ("agents.day.count=-1", &["--set agents.day.count=-1: key `agents.day.count`", "-1"]),
        ("agents.dya.count=3", &["--set agents.dya.count=3", "did you mean `day`?"]),
        ("agents.day.count=ten", &["--set agents.day.count=ten: key `agents.day.count`", "`count = 10`"]),
        (
            "queue.chat.prioritty=2",
            &["--set queue.chat.prioritty=2: key `queue.chat.prioritty`", "did you mean `priority`?"],
        ),
        ("queue.chat.handle_time=5m", &["--set queue.chat.handle_time=5m: key `queue.chat.handle_time`"]),
    ];
    let mut problems = Vec::new();
    for &(set, names) in cases {
        for cmd in ["check", "run"] {
            problems.extend(bad_input_problems(
                &file,
                &[cmd, text(&file), "--set", set],
                names,
                Line::Any,
                true,
            ));
        }
    }
    assert_no_problems(&problems);
}

/// A file with three different problems reports all of them in one run,
/// one per line in file order, each with its line and key.
#[test]
fn several_problems_are_reported_in_one_run() {
    let file = fixture("bad/three_problems.toml");
    let keys = ["`queue.chat.arrivals.per_hour`", "`queue.chat.prioritty`", "`agents.day.count`"];
    let mut problems = bad_input_problems(&file, &["check", text(&file)], &keys, Line::Any, true);
    let run = routesim(Path::new(CRATE), &["check", text(&file)]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    if !lines.first().is_some_and(|l| l.starts_with("error: 3 problems in ")) || lines.len() != 4 {
        problems.push(format!("not three problems, one per line:\n{}", run.stderr));
    }
    for (i, (marker, key)) in ["per_hour = -5", "prioritty", "count = \"ten\""].iter().zip(keys).enumerate() {
        let at = format!("{}:{}: key {key}", text(&file), line_of(&file, marker));
        if !lines.get(i + 1).is_some_and(|l| l.contains(&at)) {
            problems.push(format!("line {} of stderr is not `{at}...`:\n{}", i + 2, run.stderr));
        }
    }
    assert_no_problems(&problems);
}

/// Legal but suspicious scenarios: `check` and `run` (even `-q`) print a
/// `warning: ` naming the key on stderr and still succeed.
#[test]
fn warnings_are_printed_and_do_not_fail() {
    let dir = tempdir();
    let file = dir.path().join("warn.toml");
    let text_of = base_with("count = 3", "count = 3\n[[agents]]\nname = \"none\"\nteam = \"t1\"\ncount = 0");
    fs::write(&file, text_of).expect("write");
    for args in [vec!["check", text(&file)], vec!["run", text(&file), "-q"]] {
        let run = routesim_ok(dir.path(), &args);
        let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
        assert_eq!(warnings.len(), 1, "{args:?}: {run:#?}");
        assert!(warnings[0].contains("key `agents.none.count`"), "{args:?}: {run:#?}");
    }
}

/// The bundled support-day scenario warns only about the emails that
/// arrive after the last shift ends (21:00-22:00), which is right: they
/// wait for the next morning.
#[test]
fn support_day_warns_only_about_late_emails() {
    let dir = tempdir();
    let run = routesim_ok(dir.path(), &["check", text(&support_day())]);
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains("key `queue.email.arrivals`") && warnings[0].contains("21:00-22:00"),
        "{}",
        warnings[0]
    );
}

/// `run --replications 0`: exit 2, the key and the file named, output
/// folder untouched.
#[test]
fn zero_replications_is_rejected_and_touches_nothing() {
    let file = fixture("small.toml");
    assert_no_problems(&bad_input_problems(
        &file,
        &["run", text(&file), "--replications", "0"],
        &["`replications`", "between 1 and"],
        Line::Any,
        true,
    ));
}

/// A replication count far beyond what the scenario key allows (100 000)
/// is bad input like `replications = ...` in the file: exit 2, not an
/// out-of-memory abort or an endless run.
#[test]
fn huge_replications_option_is_rejected() {
    let file = fixture("small.toml");
    assert_no_problems(&bad_input_problems(
        &file,
        &["run", text(&file), "--replications", "4000000000"],
        &["`replications`", "between 1 and"],
        Line::Any,
        false,
    ));
}

/// Garbage of many kinds, under `check` and `run`: exit 2 with an
/// `error: ` message naming the file, never a panic (101) or an abort,
/// nothing written.
#[test]
fn hostile_input_never_panics() {
    let deep = |open: &str, inner: &str, close: &str, n: usize| {
        base_with("per_hour = 30", &format!("per_hour = {}{inner}{}", open.repeat(n), close.repeat(n)))
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("binary", b"\x00\xff\xfe\x01\x80binary\x81\xc3\x28".to_vec()),
        ("only a comment", b"# nothing here\n".to_vec()),
        ("toml but not a scenario", b"[a]\nb = [1, \"x\"]\n".to_vec()),
        ("huge count", base_with("count = 3", "count = 99999999999")),
        ("count overflows i64", base_with("count = 3", "count = 99999999999999999999999")),
        ("horizon 1e400d", base_with("\"2h\"", "\"1e400d\"")),
        ("horizon of 1e29 days", base_with("\"2h\"", "\"99999999999999999999999999999d\"")),
        ("nested arrays", deep("[", "1", "]", 5000)),
        ("nested inline tables", deep("{ a = ", "1", " }", 3000)),
        ("deep dotted key", format!("a{} = 1\n", ".a".repeat(3000)).into_bytes()),
        ("nan rate", base_with("per_hour = 30", "per_hour = nan")),
        ("infinite rate", base_with("per_hour = 30", "per_hour = inf")),
        ("rate 1e300", base_with("per_hour = 30", "per_hour = 1e300")),
        (
            "priority i64::MIN",
            base_with("name = \"chat\"", "name = \"chat\"\npriority = -9223372036854775808"),
        ),
        ("huge replications", base_with("replications = 2", "replications = 99999999999")),
        ("seed -1", base_with("replications = 2", "replications = 2\nseed = -1")),
        ("interval 1ms", base_with("\"30m\"", "\"1ms\"")),
        (
            "empty empirical",
            base_with("{ dist = \"exponential\", mean = \"3m\" }", "{ dist = \"empirical\", values = [] }"),
        ),
        (
            "unplanned nan",
            base_with(
                "count = 3",
                "count = 3\nunplanned = [{ status = \"Busy\", per_hour = nan, duration = { dist = \"constant\", value = \"1m\" } }]",
            ),
        ),
        ("escaping name", base_with("\"bad\"", "\"../escape\"")),
    ];
    let dir = tempdir();
    let mut problems = Vec::new();
    for (i, (what, bytes)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("hostile-{i}.toml"));
        fs::write(&file, bytes).expect("write hostile file");
        for cmd in ["check", "run"] {
            problems.extend(
                bad_input_problems(&file, &[cmd, text(&file)], &[], Line::Any, true)
                    .into_iter()
                    .map(|p| format!("[{what}] {p}")),
            );
        }
    }
    assert_no_problems(&problems);
}

/// A scenario name that no folder can carry (a NUL byte, 300 characters) is
/// bad input found before simulating: exit 2 naming the `name` key, not an
/// exit-1 write failure after the run.
#[test]
fn unusable_output_names_are_bad_input() {
    let dir = tempdir();
    let long = "x".repeat(300);
    let mut problems = Vec::new();
    for (i, name) in ["a\\u0000b", long.as_str()].into_iter().enumerate() {
        let file = dir.path().join(format!("name-{i}.toml"));
        fs::write(&file, base_with("\"bad\"", &format!("\"{name}\""))).expect("write");
        problems.extend(bad_input_problems(
            &file,
            &["run", text(&file)],
            &["`name`"],
            Line::Key("name = "),
            true,
        ));
    }
    assert_no_problems(&problems);
}

/// The reason a scenario cannot be read is given once, in plain words,
/// without the system's error number.
#[test]
fn unreadable_file_reason_is_given_once() {
    let dir = tempdir();
    let missing = dir.path().join("missing.toml");
    let run = routesim(dir.path(), &["check", text(&missing)]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(run.stderr.matches("no such file or folder").count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
}

/// An absurd thread count is refused the same way by every simulating
/// command (one place checks it: `driver::Workers::new`), before anything
/// is read past the options or written, naming the flag and the limit.
#[test]
fn thread_counts_past_the_limit_are_refused_alike_by_every_command() {
    let dir = tempdir();
    let file = fixture("small.toml");
    let f = text(&file);
    // `schedule` needs [[shift]] patterns: the bundled week has them.
    let week = Path::new(CRATE).join("scenarios/week.toml");
    for args in [
        vec!["run", f],
        vec!["compare", f, "--with", "agents.day.count=3"],
        vec!["sweep", f, "--vary", "agents.day.count=2,3"],
        vec!["staff", f, "--group", "day", "--target", "service_level>=0.8"],
        vec!["schedule", text(&week)],
    ] {
        for threads in ["2000", "100000"] {
            let mut full = args.clone();
            full.extend(["-q", "--out", "out", "-j", threads]);
            let run = routesim(dir.path(), &full);
            assert_eq!(run.code, Some(2), "{full:?}: {run:#?}");
            let want = format!("error: -j/--threads {threads}: use at most 1024 (0 means one per core)\n");
            assert_eq!(run.stderr, want, "{full:?}");
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            assert!(!dir.path().join("out").exists(), "{full:?} wrote output");
        }
    }
}

// ---------------------------------------------------------------- good runs

/// summary.csv as (scope, name, metric) → the other four columns as text.
type Summary = BTreeMap<(String, String, String), [String; 4]>;

/// Parses summary.csv, checking the header and that no row repeats.
fn summary(dir: &Path) -> Summary {
    let csv = read(&dir.join("summary.csv"));
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("scope,name,metric,unit,mean,ci95_low,ci95_high,replications"));
    let mut out = Summary::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 8, "summary.csv row {line:?}");
        let metric =
            routesim::stats::Metric::from_name(f[2]).unwrap_or_else(|| panic!("unknown metric {line:?}"));
        assert_eq!(f[3], metric.unit().name(), "unit of {line:?}");
        let key = (f[0].to_owned(), f[1].to_owned(), f[2].to_owned());
        let prev = out.insert(key, [f[4], f[5], f[6], f[7]].map(str::to_owned));
        assert!(prev.is_none(), "summary.csv repeats {line:?}");
    }
    out
}

/// The mean of one summary row, as a number.
fn mean(s: &Summary, scope: &str, name: &str, metric: &str) -> f64 {
    let row = s
        .get(&(scope.into(), name.into(), metric.into()))
        .unwrap_or_else(|| panic!("no summary row {scope},{name},{metric}"));
    row[0].parse().unwrap_or_else(|e| panic!("{scope},{name},{metric} mean {:?}: {e}", row[0]))
}

/// Runs small.toml with `extra` args into `<tmp>/out` and returns the dir.
fn run_small(extra: &[&str]) -> (TempDir, PathBuf) {
    let dir = tempdir();
    let out = dir.path().join("out");
    let file = fixture("small.toml");
    let mut args = vec!["run", text(&file), "-q", "--out", text(&out)];
    args.extend_from_slice(extra);
    routesim_ok(dir.path(), &args);
    (dir, out)
}

/// A run with no `--out` writes exactly the five files into
/// `output/<name>/` under the current directory and says so.
#[test]
fn run_writes_exactly_five_files_into_default_folder() {
    let dir = tempdir();
    let file = fixture("small.toml");
    let run = routesim_ok(dir.path(), &["run", text(&file)]);
    assert_eq!(names_in(dir.path()), ["output"]);
    assert_eq!(names_in(&dir.path().join("output")), ["small"]);
    assert_eq!(names_in(&dir.path().join("output/small")), RESULT_FILES);
    assert!(run.stdout.contains("wrote 18 files to output/small"), "{}", run.stdout);
    // Beside the folder, the mark naming its scenario file, and nothing else.
    let marks: Vec<String> = fs::read_dir(dir.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(marks, [".small.source"]);
    let canonical = fs::canonicalize(&file).unwrap().display().to_string();
    assert_eq!(read(&dir.path().join("output/.small.source")), format!("{canonical}\n"));
    for label in ["chat", "email", "total"] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(label)),
            "no `{label}` line in the table:\n{}",
            run.stdout
        );
    }
}

/// `--quiet` prints nothing at all, yet writes the files.
#[test]
fn quiet_run_prints_nothing() {
    let dir = tempdir();
    let file = fixture("small.toml");
    let run = routesim_ok(dir.path(), &["run", text(&file), "--quiet"]);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
    assert_eq!(names_in(&dir.path().join("output/small")), RESULT_FILES);
}

/// summary.csv has the header of docs/model.md §11.1, rows for total/all, each queue
/// and each team and nothing else, every metric of §7 for total and for each
/// queue, and `replications` equal to the scenario's 2 where always defined.
#[test]
fn summary_csv_has_every_scope_and_metric() {
    let (_dir, out) = run_small(&[]);
    let s = summary(&out);
    let scopes: std::collections::BTreeSet<(&str, &str)> =
        s.keys().map(|(a, b, _)| (a.as_str(), b.as_str())).collect();
    let want: std::collections::BTreeSet<(&str, &str)> =
        [("total", "all"), ("queue", "chat"), ("queue", "email"), ("team", "front"), ("team", "back")].into();
    assert_eq!(scopes, want);
    for (scope, name) in [("total", "all"), ("queue", "chat"), ("queue", "email")] {
        for metric in METRICS {
            assert!(
                s.contains_key(&(scope.into(), name.into(), metric.into())),
                "no {scope},{name},{metric}"
            );
        }
    }
    for metric in ["offered", "answered", "occupancy", "shrinkage"] {
        assert_eq!(s[&("total".into(), "all".into(), metric.into())][3], "2");
    }
    // Every chat and email conversation is counted in the total.
    let offered = mean(&s, "total", "all", "offered");
    assert_eq!(offered, mean(&s, "queue", "chat", "offered") + mean(&s, "queue", "email", "offered"));
    assert!(offered > 0.0);
    // The whole "day" group (team front) takes a 30-minute lunch in the
    // 4-hour horizon and nothing else takes it out: shrinkage exactly 1/8.
    assert_eq!(s[&("team".into(), "front".into(), "shrinkage".into())][..3], ["0.125", "0.125", "0.125"]);
}

/// summary.json parses and holds the scenario, seed, replications and the
/// same rows, in the same order, with the same numbers as summary.csv.
#[test]
fn summary_json_matches_summary_csv() {
    let (_dir, out) = run_small(&[]);
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).expect("summary.json parses");
    assert_eq!(json["scenario"], "small");
    assert_eq!(json["seed"], 7);
    assert_eq!(json["replications"], 2);
    let rows = json["summary"].as_array().expect("summary array");
    let csv = read(&out.join("summary.csv"));
    let csv_rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), csv_rows.len());
    assert!(!rows.is_empty());
    for (j, c) in rows.iter().zip(&csv_rows) {
        let ctx = format!("json {j} vs csv {c:?}");
        assert_eq!(j["scope"], c[0], "{ctx}");
        assert_eq!(j["name"], c[1], "{ctx}");
        assert_eq!(j["metric"], c[2], "{ctx}");
        assert_eq!(j["unit"], c[3], "{ctx}");
        for (field, cell) in ["mean", "ci95_low", "ci95_high"].iter().zip(&c[4..7]) {
            let want = if cell.is_empty() { None } else { Some(cell.parse::<f64>().expect("csv number")) };
            assert!(j[field].is_null() || j[field].is_f64() || j[field].is_i64(), "{ctx}");
            assert_eq!(j[field].as_f64(), want, "{field} in {ctx}");
        }
        assert_eq!(j["replications"].as_u64(), Some(c[7].parse().expect("csv count")), "{ctx}");
    }
}

/// statuses.csv records custom statuses by name: the "day" group's 4
/// agents are in Lunch for exactly the 01:00 interval (4 × 1800 s), never
/// before or after; and each interval's agent-seconds add up to the team's
/// headcount × 1800 s.
#[test]
fn statuses_csv_records_lunch_by_name() {
    let (_dir, out) = run_small(&[]);
    let csv = read(&out.join("statuses.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("statuses.csv has no {name} column: {header:?}"))
    };
    let (start, team, status, secs) = (col("start"), col("team"), col("status"), col("agent_seconds"));
    let mut lunch = BTreeMap::new();
    let mut per_interval: BTreeMap<(String, String), f64> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let v: f64 = f[secs].parse().expect("agent_seconds");
        *per_interval.entry((f[start].to_owned(), f[team].to_owned())).or_default() += v;
        if f[status] == "Lunch" && f[team] == "front" {
            lunch.insert(f[start].to_owned(), v);
        }
    }
    let want: BTreeMap<String, f64> =
        ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
            .into_iter()
            .map(|t| (t.to_owned(), if t == "01:00" { 7200.0 } else { 0.0 }))
            .collect();
    assert_eq!(lunch, want);
    assert_eq!(per_interval.len(), 16, "{per_interval:?}");
    for ((t, team), total) in per_interval {
        let heads = if team == "front" { 4.0 } else { 1.0 };
        assert!((total - heads * 1800.0).abs() < 1e-6, "{team} at {t}: {total} agent-seconds");
    }
}

/// intervals.csv has one row per interval (8 of 30 min in 4 h) and queue,
/// then one per interval and team.
#[test]
fn intervals_csv_has_a_row_per_interval_and_queue() {
    let (_dir, out) = run_small(&[]);
    let csv = read(&out.join("intervals.csv"));
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header, routesim::report::INTERVALS_HEADER);
    let q = header.iter().position(|h| *h == "name").expect("name column");
    let o = header.iter().position(|h| *h == "offered_count").expect("offered column");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 32);
    assert_eq!(rows.iter().filter(|r| r[q] == "chat").count(), 8);
    assert_eq!(rows.iter().filter(|r| r[q] == "email").count(), 8);
    assert_eq!(rows.iter().filter(|r| r[q] == "front").count(), 8);
    assert_eq!(rows.iter().filter(|r| r[q] == "back").count(), 8);
    // The per-interval offered counts add up to the summary's.
    let s = summary(&out);
    for queue in ["chat", "email"] {
        let sum: f64 =
            rows.iter().filter(|r| r[q] == queue).map(|r| r[o].parse::<f64>().expect("offered")).sum();
        assert!((sum - mean(&s, "queue", queue, "offered")).abs() < 1e-6);
    }
}

// ---------------------------------------------------------------- reproducibility

fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let t = tree(out);
    let mut top: Vec<&str> = t.keys().map(|k| k.split('/').next().unwrap_or(k)).collect();
    top.dedup();
    assert_eq!(top, RESULT_FILES);
    t
}

/// `--threads 1` and `--threads 2` give byte-identical result files.
#[test]
fn results_do_not_depend_on_thread_count() {
    let (_a, one) = run_small(&["--threads", "1", "--replications", "4"]);
    let (_b, two) = run_small(&["--threads", "2", "--replications", "4"]);
    assert_eq!(files(&one), files(&two));
}

/// The same seed twice gives identical files; another `--seed` changes
/// summary.csv.
#[test]
fn same_seed_same_files_other_seed_other_summary() {
    let (_a, first) = run_small(&["--seed", "11"]);
    let (_b, again) = run_small(&["--seed", "11"]);
    let (_c, other) = run_small(&["--seed", "12"]);
    assert_eq!(files(&first), files(&again));
    assert_ne!(read(&first.join("summary.csv")), read(&other.join("summary.csv")));
    let json: serde_json::Value = serde_json::from_str(&read(&other.join("summary.json"))).expect("json");
    assert_eq!(json["seed"], 12);
}

// ---------------------------------------------------------------- options

/// `--set agents.day.count=8` (twice the staff) lowers occupancy and, the
/// arrivals coming from their own stream, leaves every `offered` exactly
/// as it was.
#[test]
fn set_count_lowers_occupancy_and_keeps_arrivals() {
    let (_a, base) = run_small(&[]);
    let (_b, more) = run_small(&["--set", "agents.day.count=8"]);
    let (base, more) = (summary(&base), summary(&more));
    assert!(
        mean(&more, "total", "all", "occupancy") < mean(&base, "total", "all", "occupancy"),
        "occupancy did not drop"
    );
    assert!(mean(&more, "team", "front", "occupancy") < mean(&base, "team", "front", "occupancy"));
    for (scope, name) in [("total", "all"), ("queue", "chat"), ("queue", "email")] {
        assert_eq!(
            mean(&more, scope, name, "offered"),
            mean(&base, scope, name, "offered"),
            "{scope},{name}"
        );
    }
}

/// `--set queue.chat.arrivals.per_hour=80` (twice the rate) raises chat's
/// and the total's offered count and the occupancy.
#[test]
fn set_arrival_rate_raises_offered_and_occupancy() {
    let (_a, base) = run_small(&[]);
    let (_b, busier) = run_small(&["--set", "queue.chat.arrivals.per_hour=80"]);
    let (base, busier) = (summary(&base), summary(&busier));
    for (scope, name, metric) in
        [("queue", "chat", "offered"), ("total", "all", "offered"), ("total", "all", "occupancy")]
    {
        assert!(
            mean(&busier, scope, name, metric) > mean(&base, scope, name, metric),
            "{scope},{name},{metric} did not rise"
        );
    }
    // 80 an hour over 4 hours is about 320; 40 an hour about 160.
    assert!(mean(&busier, "queue", "chat", "offered") > 1.5 * mean(&base, "queue", "chat", "offered"));
}

/// `--replications 3` puts 3 in the `replications` column (of metrics that
/// every replication defines, and no row above 3) and in summary.json.
#[test]
fn replications_option_sets_the_column() {
    let (_dir, out) = run_small(&["--replications", "3"]);
    let s = summary(&out);
    for ((scope, name, metric), row) in &s {
        let n: u32 = row[3].parse().expect("replications");
        assert!(n <= 3, "{scope},{name},{metric}: {n}");
        if ["offered", "answered", "occupancy", "shrinkage"].contains(&metric.as_str()) {
            assert_eq!(n, 3, "{scope},{name},{metric}");
        }
    }
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).expect("json");
    assert_eq!(json["replications"], 3);
}

/// `--out DIR`, a result folder to which the user added a file and a
/// folder: they survive untouched, the results are replaced, and no
/// staging or old folder is left beside it; a second run over it leaves
/// the same picture. A folder that is not a result folder is refused.
#[test]
fn out_dir_keeps_unrelated_files_and_leaves_no_temporaries() {
    let dir = tempdir();
    let out = dir.path().join("mine");
    let file = fixture("small.toml");
    routesim_ok(dir.path(), &["run", text(&file), "-q", "--out", text(&out)]);
    fs::write(out.join("notes.txt"), b"keep me\n").expect("write");
    fs::create_dir(out.join("charts-by-hand")).expect("mkdir");
    fs::write(out.join("charts-by-hand/a.svg"), b"<svg/>").expect("write");
    for seed in ["1", "2"] {
        let run = routesim_ok(dir.path(), &["run", text(&file), "--seed", seed, "--out", text(&out)]);
        assert!(run.stdout.contains(&format!("wrote 18 files to {}", out.display())), "{}", run.stdout);
        let mut want: Vec<&str> = RESULT_FILES.to_vec();
        want.extend(["notes.txt", "charts-by-hand"]);
        want.sort_unstable();
        assert_eq!(names_in(&out), want);
        assert_eq!(fs::read(out.join("notes.txt")).expect("read"), b"keep me\n");
        assert_eq!(fs::read(out.join("charts-by-hand/a.svg")).expect("read"), b"<svg/>");
        assert_eq!(names_in(dir.path()), ["mine"], "nothing written elsewhere");
    }
    let other = dir.path().join("other");
    fs::create_dir(&other).expect("mkdir");
    fs::write(other.join("notes.txt"), b"mine\n").expect("write");
    let run = routesim(dir.path(), &["run", text(&file), "--out", text(&other)]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("not routesim results (such as notes.txt)"), "{}", run.stderr);
    assert_eq!(names_in(&other), ["notes.txt"]);
}

// ---------------------------------------------------------------- result folders

/// Makes a path immutable (`chattr +i`) while alive, where the file system
/// supports it; on drop clears the flag under `root`, wherever the path went.
struct Immutable(PathBuf);

impl Immutable {
    fn try_new(path: &Path, root: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr").arg("+i").arg(path).output().is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("note: chattr +i is not supported here; the immutable case of this test was not run");
        }
        ok.then(|| Immutable(root.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-R").arg("-i").arg(&self.0).output();
    }
}

/// A file (or the folder itself) that cannot be replaced: the run fails
/// with exit 1 before simulating, saying the folder is as it was; the
/// folder holds the previous set, byte for byte, and nothing is left
/// beside it.
#[test]
fn an_unreplaceable_file_keeps_the_previous_set_whole() {
    for locked in ["summary.csv", ""] {
        let (dir, out) = run_small(&[]);
        let before = tree(&out);
        let Some(_lock) = Immutable::try_new(&out.join(locked), dir.path()) else { return };
        let file = fixture("small.toml");
        let run = routesim(dir.path(), &["run", text(&file), "--seed", "99", "--out", text(&out)]);
        assert_eq!(run.code, Some(1), "[{locked}] {run:#?}");
        assert!(run.stderr.contains("cannot be replaced"), "[{locked}] {}", run.stderr);
        assert!(run.stderr.contains("the folder is as it was"), "[{locked}] {}", run.stderr);
        assert_eq!(run.stdout, "", "nothing simulated, nothing printed");
        assert_eq!(tree(&out), before, "[{locked}]");
        assert_eq!(names_in(dir.path()), ["out"], "[{locked}]");
    }
}

/// What an interrupted run leaves (a half-written staging folder and a
/// previous set moved aside, by a process that is gone) is removed by the
/// next good run, which leaves one clean folder.
#[cfg(unix)] // elsewhere leftovers are told by age, not by PID
#[test]
fn an_interrupted_write_is_cleaned_up_by_the_next_run() {
    let (dir, out) = run_small(&[]);
    let dead = 999_999_999; // above any pid_max: no such process
    for kind in ["staging", "old"] {
        let left = dir.path().join(format!(".out.{kind}-{dead}"));
        fs::create_dir(&left).expect("mkdir");
        fs::write(left.join("summary.csv"), SENTINEL).expect("write");
    }
    fs::remove_file(out.join("statuses.csv")).expect("half a set");
    let file = fixture("small.toml");
    routesim_ok(dir.path(), &["run", text(&file), "-q", "--out", text(&out)]);
    assert_eq!(names_in(dir.path()), ["out"]);
    assert_eq!(names_in(&out), RESULT_FILES);
}

/// `--out` naming an existing regular file fails before simulating (the
/// run asked for would take minutes): exit 1, the file named, nothing on
/// stdout, the file untouched.
#[test]
fn out_naming_a_file_fails_before_simulating() {
    let dir = tempdir();
    let taken = dir.path().join("taken");
    fs::write(&taken, SENTINEL).expect("write");
    let scenario = support_day();
    let long = ["run", text(&scenario), "-r", "100000", "--set", "horizon=30d", "--out", text(&taken)];
    let started = Instant::now();
    let run = routesim(dir.path(), &long);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(started.elapsed() < TIMEOUT / 4, "took {:?}", started.elapsed());
    let wanted = format!("error: cannot write results to {}", text(&taken));
    assert!(run.stderr.lines().any(|l| l.starts_with(&wanted)), "{}", run.stderr);
    assert!(run.stderr.contains("it is a file, not a folder"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(fs::read(&taken).expect("read"), SENTINEL);
    assert_eq!(names_in(dir.path()), ["taken"]);
}

/// A what-if without `--out` lands in `output/<name>--<hash>/`, said on
/// stdout; the baseline's `output/<name>/` is untouched; the same what-if
/// again lands in the same folder, another in another.
#[test]
fn a_what_if_without_out_keeps_the_baseline_folder() {
    let dir = tempdir();
    let file = fixture("small.toml");
    routesim_ok(dir.path(), &["run", text(&file), "-q"]);
    let baseline = tree(&dir.path().join("output/small"));
    let what_if = |extra: &[&str]| {
        let mut args = vec!["run", text(&file)];
        args.extend_from_slice(extra);
        let run = routesim_ok(dir.path(), &args);
        let line = run.stdout.lines().last().expect("a last line").to_owned();
        let folder = line.strip_prefix("wrote 18 files to output/").unwrap_or_else(|| panic!("{line}"));
        assert!(folder.starts_with("small--"), "{line}");
        assert_eq!(names_in(&dir.path().join("output").join(folder)), RESULT_FILES);
        folder.to_owned()
    };
    let more = what_if(&["--set", "agents.day.count=8"]);
    assert_eq!(what_if(&["--set", "agents.day.count=8"]), more);
    let seeded = what_if(&["--seed", "8"]);
    assert_ne!(seeded, more);
    let mut want = vec!["small".to_owned(), more, seeded];
    want.sort();
    assert_eq!(names_in(&dir.path().join("output")), want);
    assert_eq!(tree(&dir.path().join("output/small")), baseline);
}

/// The effective `scenario.toml` of a run with `--set`, `--seed` and
/// `--replications`, from a file that takes its name from its stem, run
/// again from the result folder, reproduces summary.csv, intervals.csv and
/// statuses.csv byte for byte, and summary.json but for its `overrides`.
#[test]
fn the_effective_scenario_reproduces_the_folder() {
    let dir = tempdir();
    let file = dir.path().join("stemmed.toml");
    fs::write(&file, read(&fixture("small.toml")).replace("name = \"small\"\n", "")).expect("write");
    let first = dir.path().join("first");
    let again = dir.path().join("again");
    let overrides = ["--set", "agents.day.count=5", "--seed", "11", "--replications", "3"];
    let mut args = vec!["run", text(&file), "-q", "--out", text(&first)];
    args.extend_from_slice(&overrides);
    routesim_ok(dir.path(), &args);
    let effective = first.join("scenario.toml");
    routesim_ok(dir.path(), &["run", text(&effective), "-q", "--out", text(&again)]);
    for name in ["summary.csv", "intervals.csv", "statuses.csv"] {
        assert_eq!(read(&first.join(name)), read(&again.join(name)), "{name}");
    }
    let json = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&read(&dir.join("summary.json"))).expect("summary.json parses")
    };
    let (mut a, mut b) = (json(&first), json(&again));
    assert_eq!(a["overrides"], serde_json::json!(["agents.day.count=5", "replications=3", "seed=11"]));
    assert_eq!(b["overrides"], serde_json::json!([]));
    assert_eq!((&a["scenario"], &a["seed"], &a["replications"]), (&"stemmed".into(), &11.into(), &3.into()));
    a["overrides"] = serde_json::Value::Null;
    b["overrides"] = serde_json::Value::Null;
    assert_eq!(a, b);
    // Another seed really changes the numbers: the comparison can fail.
    assert_ne!(read(&first.join("summary.csv")), read(&run_small(&["--seed", "12"]).1.join("summary.csv")));
}

/// summary.json says how the run was made: routesim's version, the
/// overrides as given, the service-level formula, each queue's threshold
/// (seconds) and target.
#[test]
fn summary_json_has_the_provenance() {
    let (_dir, out) = run_small(&["--set", "queue.chat.sl_threshold=45s", "-r", "2"]);
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).expect("json");
    assert_eq!(json["routesim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["overrides"], serde_json::json!(["queue.chat.sl_threshold=45s", "replications=2"]));
    assert_eq!(json["sl_formula"], "offered");
    let queues = json["queues"].as_array().expect("queues");
    let names: Vec<&str> = queues.iter().filter_map(|q| q["name"].as_str()).collect();
    assert_eq!(names, ["chat", "email"]);
    assert_eq!(queues[0]["sl_threshold"], 45.0);
    assert_eq!(queues[1]["sl_threshold"], 3600.0);
    // Neither queue sets a target: the default, 0.8.
    assert!(queues.iter().all(|q| q["sl_target"] == 0.8), "{queues:?}");
}

// ---------------------------------------------------------------- bundled scenario

fn support_day() -> PathBuf {
    Path::new(CRATE).join("scenarios/support-day.toml")
}

/// `check` on the bundled support-day scenario lists the three queues,
/// each with a positive load in Erlangs, and writes nothing.
#[test]
fn check_support_day_lists_queues_with_load() {
    let dir = tempdir();
    let run = routesim_ok(dir.path(), &["check", text(&support_day())]);
    assert!(run.stdout.contains("load (Erl)"), "{}", run.stdout);
    for queue in ["chat", "phone", "email"] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(queue))
            .unwrap_or_else(|| panic!("no `{queue}` line:\n{}", run.stdout));
        // Columns: name channel prio size per-hour peak/h work load peak.
        let load: f64 = line
            .split_whitespace()
            .nth(7)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no load figure in {line:?}"));
        assert!(load > 0.0, "{line}");
    }
    assert!(names_in(dir.path()).is_empty(), "check wrote files");
}

/// `run` on support-day with `--replications 2 --out DIR` prints the table
/// with chat, phone, email and total, and writes the five files to DIR.
#[test]
fn run_support_day_prints_the_table() {
    let dir = tempdir();
    let out = dir.path().join("sd");
    let run =
        routesim_ok(dir.path(), &["run", text(&support_day()), "--replications", "2", "--out", text(&out)]);
    for label in ["chat", "phone", "email", "total"] {
        assert!(
            run.stdout.lines().any(|l| l.split_whitespace().next() == Some(label)),
            "no `{label}` row:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("2 replications"), "{}", run.stdout);
    assert_eq!(names_in(&out), RESULT_FILES);
    assert!(mean(&summary(&out), "total", "all", "offered") > 0.0);
}

/// The quick start, `routesim run scenarios/support-day.toml` from a copy
/// of the crate root: results land in `output/support-day/`.
#[test]
fn quick_start_command_works() {
    let dir = tempdir();
    fs::create_dir(dir.path().join("scenarios")).expect("mkdir");
    fs::copy(support_day(), dir.path().join("scenarios/support-day.toml")).expect("copy");
    let run = routesim_ok(dir.path(), &["run", "scenarios/support-day.toml"]);
    assert!(run.stdout.contains("wrote 18 files to output/support-day"), "{}", run.stdout);
    assert_eq!(names_in(&dir.path().join("output/support-day")), RESULT_FILES);
}

/// Regression: 1,500 statuses over 4,000 days passed `check`, then `run`
/// aborted (exit 134) allocating its per-interval rows. Both now refuse it
/// at once with exit 2 and a message giving the memory it would need. With
/// 400 teams routesim's estimate is about 2,600 GiB per worker thread, more
/// than any machine this runs on has (with 8 teams, this test's earlier
/// form, about 52 GiB per thread, which a large host could pass).
#[test]
fn a_run_too_large_for_memory_is_refused_by_check_and_run() {
    let dir = tempdir();
    let mut body = String::from(
        "horizon = \"4000d\"\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 1 }\n\
         handle_time = { dist = \"constant\", value = \"1m\" }\n[[team]]\nname = \"t\"\nqueues = [\"q\"]\n\
         [[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 1\n",
    );
    for i in 0..1500 {
        body += &format!("[[status]]\nname = \"S{i}\"\n");
    }
    for i in 0..399 {
        body += &format!("[[team]]\nname = \"t{i}\"\nqueues = [\"q\"]\n");
    }
    let file = dir.path().join("huge.toml");
    fs::write(&file, body).expect("write scenario");
    for cmd in ["check", "run"] {
        let started = std::time::Instant::now();
        let out = routesim(dir.path(), &[cmd, text(&file)]);
        assert_eq!(out.code, Some(2), "{cmd}: {out:#?}");
        assert!(out.stderr.contains("GiB") && out.stderr.contains("interval"), "{cmd}: {}", out.stderr);
        assert!(!dir.path().join("output").exists(), "{cmd} wrote output");
        assert!(started.elapsed() < TIMEOUT);
    }
}

// ------------------------------------------------ completions and man page

/// The commands `routesim --help` lists, in its order.
fn commands(dir: &Path) -> Vec<String> {
    let help = routesim_ok(dir, &["--help"]).stdout;
    let list = help.split("Commands:\n").nth(1).expect("a Commands: section");
    list.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// `routesim --help` lists the commands in the order of a planner's work:
/// check the scenario, a first figure, run, staff, schedule, sweep, compare; then the tools.
#[test]
fn help_lists_commands_in_the_order_of_the_work() {
    let dir = tempdir();
    assert_eq!(
        commands(dir.path()),
        [
            "check",
            "erlang",
            "run",
            "staff",
            "schedule",
            "sweep",
            "compare",
            "merge",
            "plot",
            "completions",
            "man"
        ]
    );
}

/// `routesim completions SHELL` prints a script naming every command, for
/// each shell; bash's parses (`bash -n`) where bash exists.
#[test]
fn completions_name_every_command() {
    let dir = tempdir();
    let all = commands(dir.path());
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = routesim_ok(dir.path(), &["completions", shell]).stdout;
        for c in &all {
            assert!(script.contains(c.as_str()), "{shell}: no `{c}` in the script");
        }
        // Options of the commands too: one per command, spot-checked.
        for flag in ["vary", "with", "target", "forecast", "replications"] {
            assert!(script.contains(flag), "{shell}: no `{flag}`");
        }
    }
    let bash = routesim_ok(dir.path(), &["completions", "bash"]).stdout;
    let path = dir.path().join("routesim.bash");
    fs::write(&path, &bash).unwrap();
    if let Ok(out) = Command::new("bash").arg("-n").arg(&path).output() {
        assert!(out.status.success(), "bash -n: {}", String::from_utf8_lossy(&out.stderr));
    }
    let bad = routesim(dir.path(), &["completions", "tcsh"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
}

/// `routesim man` prints a roff page whose SUBCOMMANDS section names every
/// command's page (`routesim-run(1)`); `routesim man COMMAND` prints that command's page with its
/// options; an unknown command is refused naming the commands.
#[test]
fn man_pages_cover_every_command() {
    let dir = tempdir();
    let all = commands(dir.path());
    let page = routesim_ok(dir.path(), &["man"]).stdout;
    assert!(page.contains(".TH routesim 1"), "{page}");
    for c in &all {
        assert!(page.contains(&format!("routesim\\-{c}(1)")), "no {c} in the SUBCOMMANDS section: {page}");
    }
    for c in &all {
        let sub = routesim_ok(dir.path(), &["man", c]).stdout;
        assert!(sub.contains(&format!(".TH routesim-{c} 1")), "{c}: {sub}");
        assert!(sub.contains(".SH SYNOPSIS") && sub.contains(&format!("routesim {c}")), "{c}: {sub}");
    }
    let staff = routesim_ok(dir.path(), &["man", "staff"]).stdout;
    assert!(staff.contains("\\-\\-target") && staff.contains("\\-\\-group"), "{staff}");
    let bad = routesim(dir.path(), &["man", "nope"]);
    assert_eq!(bad.code, Some(2));
    assert!(bad.stderr.contains("no such command") && bad.stderr.contains("staff"), "{bad:?}");
}

// ----------------------------------------------- the README's command lines

/// One shell word of a README command line, and whether it holds an
/// unquoted shell operator inside it (`service_level>=0.8` unquoted makes
/// the shell write a file `=0.8`).
fn words(line: &str) -> (Vec<String>, Vec<String>) {
    let (mut out, mut bad, mut word) = (Vec::new(), Vec::new(), String::new());
    let (mut quote, mut started, mut escaped) = (None::<char>, false, false);
    for c in line.chars() {
        if escaped {
            word.push(c);
            escaped = false;
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None => match c {
                '\\' => escaped = true,
                '\'' | '"' => {
                    quote = Some(c);
                    started = true;
                }
                c if c.is_whitespace() => {
                    if started {
                        out.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                '>' | '<' | '|' | ';' | '&' if started => {
                    bad.push(format!("{word}{c}"));
                    word.push(c);
                }
                // A standalone operator or comment ends the command.
                '>' | '<' | '|' | ';' | '&' | '#' if !started => break,
                c => {
                    word.push(c);
                    started = true;
                }
            },
        }
    }
    if started {
        out.push(word);
    }
    (out, bad)
}

/// Every `routesim ...` command line in the README's code blocks (the
/// synopsis lines with placeholders aside) is quoted as a shell needs, names
/// a command the binary has, and uses only options that command's `--help`
/// lists.
#[test]
fn the_readme_commands_are_quoted_and_parse() {
    let dir = tempdir();
    let readme = fs::read_to_string(Path::new(CRATE).join("README.md")).unwrap();
    let mut in_code = false;
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            continue;
        }
        let line = line.trim_start().strip_prefix("$ ").unwrap_or(line.trim_start());
        if !pending.is_empty() {
            pending.push(' ');
            pending.push_str(line.trim_end_matches('\\'));
        } else if line.starts_with("routesim ") {
            pending = line.trim_end_matches('\\').to_owned();
        } else {
            continue;
        }
        if !line.ends_with('\\') {
            lines.push(std::mem::take(&mut pending));
        }
    }
    let is_synopsis = |l: &str| {
        l.contains(" FILE")
            || l.contains("[")
            || l.contains("...")
            || l.contains(" DIR")
            || l.contains("SHELL")
    };
    let mut checked = 0;
    let mut helps: BTreeMap<String, String> = BTreeMap::new();
    for line in lines.iter().filter(|l| !is_synopsis(l)) {
        let (words, bad) = words(line);
        assert!(bad.is_empty(), "README: `{line}` needs quotes around {bad:?}");
        assert_eq!(words[0], "routesim");
        let sub = &words[1];
        if sub.starts_with('-') {
            continue;
        }
        let help = helps
            .entry(sub.clone())
            .or_insert_with(|| routesim_ok(dir.path(), &[sub.as_str(), "--help"]).stdout)
            .clone();
        for w in &words[2..] {
            if let Some(flag) = w.strip_prefix("--").map(|f| f.split('=').next().unwrap_or(f)) {
                assert!(
                    help.contains(&format!("--{flag}")),
                    "README: `{line}`: `routesim {sub}` has no --{flag}"
                );
            } else if w.len() == 2 && w.starts_with('-') {
                assert!(help.contains(&format!("{w},")), "README: `{line}`: `routesim {sub}` has no {w}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} README commands found");
    // The test itself: an unquoted operator inside a word is caught, a
    // quoted one and a standalone redirection are not.
    assert_eq!(words("routesim staff f.toml --target service_level>=0.8").1, ["service_level>"]);
    assert!(words("routesim staff f.toml --target 'service_level>=0.8' > out.txt").1.is_empty());
}

/// The README's "wrote N files to output/..." lines for sweep and staff say
/// what the commands print (the count does not depend on the replications,
/// so two are run).
#[test]
fn the_readme_file_counts_are_what_the_commands_print() {
    let dir = tempdir();
    let readme = fs::read_to_string(Path::new(CRATE).join("README.md")).unwrap();
    let sweep = Path::new(CRATE).join("scenarios/erlang-c.toml");
    let staff = Path::new(CRATE).join("scenarios/support-day.toml");
    for (args, folder) in [
        (
            vec![
                "sweep",
                sweep.to_str().unwrap(),
                "--vary",
                "agents.all.count=92..100/2",
                "--set",
                "horizon=1d",
            ],
            "output/erlang-c-sweep",
        ),
        (
            vec!["staff", staff.to_str().unwrap(), "--group", "early", "--target", "service_level>=0.8"],
            "output/support-day-staff",
        ),
    ] {
        let mut all = args.clone();
        all.extend(["-r", "2"]);
        let out = routesim_ok(dir.path(), &all).stdout;
        let printed = out.lines().last().unwrap().to_owned();
        let count = printed.split_whitespace().nth(1).unwrap();
        let want = format!("wrote {count} files to {folder}");
        assert!(readme.contains(&want), "README lacks `{want}` (the command printed `{printed}`)");
    }
}

/// A copied scenario that keeps its `name` writes into the original's
/// default folder: the command warns, naming both files, before replacing
/// the original's results; the same file again, or another folder, is not
/// warned of (issue 21). The mark sits beside the folder, not in it.
#[test]
fn a_folder_of_another_scenario_file_is_warned_of() {
    let dir = tempdir();
    let text = fs::read_to_string(fixture("small.toml")).unwrap();
    fs::write(dir.path().join("original.toml"), &text).unwrap();
    fs::write(dir.path().join("copy.toml"), &text).unwrap();
    let run = |file: &str| routesim_ok(dir.path(), &["run", file, "-q", "--no-report"]).stderr;
    let first = run("original.toml");
    assert!(!first.contains("holds the results of"), "{first}");
    let name = text.lines().find_map(|l| l.strip_prefix("name = ")).unwrap().trim_matches('"').to_owned();
    let out = dir.path().join("output").join(&name);
    assert!(out.join("summary.csv").exists());
    let listed: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(listed.iter().all(|f| !f.starts_with('.')), "a hidden file in the folder: {listed:?}");
    let again = run("original.toml");
    assert!(!again.contains("holds the results of"), "the same file is not warned of: {again}");
    let copy = run("copy.toml");
    let canonical = |f: &str| fs::canonicalize(dir.path().join(f)).unwrap().display().to_string();
    let want = format!(
        "warning: output/{name} holds the results of {}; they are replaced with those of {} (give --out to keep both)",
        canonical("original.toml"),
        canonical("copy.toml")
    );
    assert!(copy.contains(&want), "{copy}\nwanted: {want}");
    // compare names both of its files.
    let cmp = ["compare", "original.toml", "copy.toml", "-r", "2", "-q", "--no-report", "--out", "c"];
    routesim_ok(dir.path(), &cmp);
    let swapped = routesim_ok(
        dir.path(),
        &["compare", "copy.toml", "original.toml", "-r", "2", "-q", "--no-report", "--out", "c"],
    )
    .stderr;
    let both = |a: &str, b: &str| format!("{} and {}", canonical(a), canonical(b));
    assert!(
        swapped.contains(&format!(
            "c holds the results of {}; they are replaced with those of {}",
            both("original.toml", "copy.toml"),
            both("copy.toml", "original.toml")
        )),
        "{swapped}"
    );
}
