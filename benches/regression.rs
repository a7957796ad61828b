//! Engine regression gate: instructions, not wall-clock time.
//!
//! Wall-clock figures on the project's shared 2-core machine vary by up to
//! 40% between runs of the same binary, so this gate counts instructions,
//! which repeat exactly for a given binary: it runs the `routesim` binary of
//! this build under `valgrind --tool=callgrind`, collecting only inside
//! `engine::run_reusing` (`--toggle-collect`, so loading the scenario and
//! writing results do not count), for a few fixed cases, and compares each
//! count with `benches/baseline.toml`. It exits with status 1, naming the
//! case, when any case executes more than 5% above its baseline; it also
//! says when a case is more than 5% below (time to lower the baseline).
//!
//! ```text
//! cargo bench --bench regression                                # check
//! ROUTESIM_UPDATE_BASELINE=1 cargo bench --bench regression     # rewrite the baseline
//! ```
//!
//! Update the baseline only for a change whose cost is intended (say so in
//! the commit message), and after a compiler upgrade. It needs valgrind
//! (`apt-get install valgrind`); without it the check fails and says so.
//! Under `cargo test --benches` (no `--bench` argument) it does nothing.
//!
//! Cases: `erlang-a` over 1 and 2 days (43,000 and 86,000 conversations,
//! one queue, 92 agents, patience); `support-day` (shifts, episodes,
//! several queues and teams); and 100 agents serving 1, 100 and 1,000
//! queues (1,800 conversations an hour shared evenly, 12 hours), which
//! guards the cost of many queues.
//!
//! Beside them, the yardstick of `benches/engine.rs` (the bare FCFS
//! M/M/c+M wait recursion, `benches/shared/yardstick.rs`) on the same
//! `erlang-a` queue over 1 and 2 days, counted the same way (this binary
//! re-executed under callgrind with `ROUTESIM_YARDSTICK_CHILD=<horizon>`,
//! collecting inside `yardstick` only). The bench prints the simulation
//! part's ratio, routesim against the recursion, in instructions: the
//! difference between the 2-day and the 1-day run of each (the setup of a
//! replication taken out), against the target of issue 17 (at most 4x);
//! and the 1,000-queue case against the 1-queue one (target: at most 2x).

// A benchmark's printed figures are its result.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The child-process switch of the yardstick cases: its value is the horizon.
const YARDSTICK_ENV: &str = "ROUTESIM_YARDSTICK_CHILD";
/// Issue 17's targets: the simulation part at most this many times the
/// recursion, and 1,000 queues at most this many times one.
const RATIO_TARGET: f64 = 4.0;
const QUEUES_TARGET: f64 = 2.0;

#[path = "shared/yardstick.rs"]
mod yardstick;

/// A case more than this far above its baseline fails.
const TOLERANCE: f64 = 0.05;
/// Set to rewrite the baseline with the counts measured.
const UPDATE_ENV: &str = "ROUTESIM_UPDATE_BASELINE";

fn manifest(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The scenario of the queue-scaling cases: 100 agents on one team serving
/// `queues` queues that share 1,800 arrivals an hour, 12 hours.
fn queues_scenario(queues: usize) -> String {
    let mut t = String::new();
    let per_queue = 1800.0 / queues as f64;
    let _ = writeln!(
        t,
        "name = \"queues-{queues}\"\nseed = 7\nhorizon = \"12h\"\ndrain = \"0s\"\ninterval = \"1h\""
    );
    let _ = writeln!(t, "[routing]\nagent_selection = \"longest_idle\"");
    let mut names = Vec::new();
    for q in 0..queues {
        let _ = writeln!(
            t,
            "[[queue]]\nname = \"q{q}\"\narrivals = {{ per_hour = {per_queue} }}\n\
             handle_time = {{ dist = \"exponential\", mean = \"3m\" }}"
        );
        names.push(format!("\"q{q}\""));
    }
    let _ = writeln!(
        t,
        "[[team]]\nname = \"t\"\nqueues = [{}]\ncapacity = 1\n[[agents]]\nname = \"a\"\nteam = \"t\"\ncount = 100",
        names.join(", ")
    );
    t
}

/// A case: its name and what runs under callgrind.
struct Case {
    name: &'static str,
    what: What,
}

/// What a case runs.
enum What {
    /// `routesim run FILE ARGS`, counted inside `engine::run_reusing`.
    Routesim { file: PathBuf, args: &'static [&'static str] },
    /// The yardstick on `erlang-a` over this horizon, counted inside `yardstick`.
    Yardstick(&'static str),
}

fn cases(dir: &Path) -> Vec<Case> {
    let erlang_a = |args| What::Routesim { file: manifest("scenarios/erlang-a.toml"), args };
    let mut out = vec![
        Case { name: "erlang-a-1d", what: erlang_a(&["-r", "1", "--set", "horizon=1d"]) },
        Case { name: "erlang-a-2d", what: erlang_a(&["-r", "1", "--set", "horizon=2d"]) },
        Case {
            name: "support-day",
            what: What::Routesim { file: manifest("scenarios/support-day.toml"), args: &["-r", "1"] },
        },
    ];
    for (name, n) in [("queues-1", 1), ("queues-100", 100), ("queues-1000", 1000)] {
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, queues_scenario(n)).expect("the temporary scenario is written");
        out.push(Case { name, what: What::Routesim { file, args: &["-r", "1"] } });
    }
    out.push(Case { name: "yardstick-1d", what: What::Yardstick("1d") });
    out.push(Case { name: "yardstick-2d", what: What::Yardstick("2d") });
    out
}

/// The `erlang-a` scenario with `horizon`, for the yardstick.
fn erlang_a(horizon: &str) -> Result<routesim::Scenario, String> {
    let overrides = [format!("horizon={horizon}"), "replications=1".to_owned()];
    routesim::scenario::load(&manifest("scenarios/erlang-a.toml"), &overrides).map_err(|e| e.to_string())
}

/// In the child: one yardstick run (what callgrind counts), then the conversations offered.
fn yardstick_child(horizon: &str) -> ExitCode {
    match erlang_a(horizon) {
        Ok(sc) => {
            let out = yardstick::yardstick(&yardstick::Params::of(&sc));
            println!("{YARDSTICK_ENV} offered={}", out.offered);
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{YARDSTICK_ENV}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Instructions executed inside `engine::run_reusing` (or the yardstick) for one case.
fn instructions(case: &Case, dir: &Path) -> Result<u64, String> {
    let out_file = dir.join(format!("{}.callgrind", case.name));
    let result_dir = dir.join(format!("{}-out", case.name));
    let mut command = Command::new("valgrind");
    command.arg("--tool=callgrind").arg(format!("--callgrind-out-file={}", out_file.display()));
    match &case.what {
        What::Routesim { file, args } => {
            command
                .arg("--toggle-collect=routesim::engine::run_reusing*")
                .arg(env!("CARGO_BIN_EXE_routesim"))
                .arg("run")
                .arg(file)
                .args(*args)
                .args(["-j", "1", "-q", "--no-report", "--out"])
                .arg(&result_dir);
        }
        What::Yardstick(horizon) => {
            let exe = std::env::current_exe().map_err(|e| format!("this bench's path: {e}"))?;
            command.arg("--toggle-collect=*yardstick::yardstick*").arg(exe).env(YARDSTICK_ENV, horizon);
        }
    }
    let status = command
        .output()
        .map_err(|e| format!("could not start valgrind ({e}); install it: apt-get install valgrind"))?;
    if !status.status.success() {
        return Err(format!("valgrind failed: {}", String::from_utf8_lossy(&status.stderr).trim()));
    }
    let text = std::fs::read_to_string(&out_file).map_err(|e| format!("no callgrind output: {e}"))?;
    let count = text
        .lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or("no instruction total in the callgrind output")?;
    if count == 0 {
        return Err("no instructions collected: was the symbol renamed?".into());
    }
    Ok(count)
}

fn read_baseline(path: &Path) -> BTreeMap<String, u64> {
    let Ok(text) = std::fs::read_to_string(path) else { return BTreeMap::new() };
    let Ok(doc) = text.parse::<toml::Table>() else { return BTreeMap::new() };
    doc.get("instructions")
        .and_then(|v| v.as_table())
        .map(|t| {
            t.iter().filter_map(|(k, v)| Some((k.clone(), u64::try_from(v.as_integer()?).ok()?))).collect()
        })
        .unwrap_or_default()
}

fn write_baseline(path: &Path, counts: &BTreeMap<String, u64>) -> std::io::Result<()> {
    let mut t = String::from(
        "# Instructions executed inside engine::run_reusing per case of\n\
         # benches/regression.rs (valgrind --tool=callgrind), the baseline\n\
         # `cargo bench --bench regression` fails more than 5% above.\n\
         # Rewrite: ROUTESIM_UPDATE_BASELINE=1 cargo bench --bench regression\n\n[instructions]\n",
    );
    for (name, n) in counts {
        let _ = writeln!(t, "{name} = {n}");
    }
    std::fs::write(path, t)
}

/// The issue-17 ratios of the counts measured: the simulation part against
/// the recursion (2-day less 1-day runs), and 1,000 queues against one.
fn print_ratios(measured: &BTreeMap<String, u64>) {
    let get = |name: &str| measured.get(name).map(|&n| n as f64);
    if let (Some(r1), Some(r2), Some(y1), Some(y2)) =
        (get("erlang-a-1d"), get("erlang-a-2d"), get("yardstick-1d"), get("yardstick-2d"))
    {
        let ratio = (r2 - r1) / (y2 - y1);
        println!(
            "erlang-a, 2 days less 1 day: routesim {:.1} M, yardstick {:.1} M instructions: {ratio:.2}x (target <= {RATIO_TARGET}x): {}",
            (r2 - r1) / 1e6,
            (y2 - y1) / 1e6,
            if ratio <= RATIO_TARGET { "PASS" } else { "MISS" }
        );
    }
    if let (Some(one), Some(many)) = (get("queues-1"), get("queues-1000")) {
        let ratio = many / one;
        println!(
            "100 agents, 1,000 queues against 1: {ratio:.2}x (target <= {QUEUES_TARGET}x): {}",
            if ratio <= QUEUES_TARGET { "PASS" } else { "MISS" }
        );
    }
}

fn main() -> ExitCode {
    if let Ok(horizon) = std::env::var(YARDSTICK_ENV) {
        return yardstick_child(&horizon);
    }
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test" || a == "--list") {
        println!("regression: runs only under `cargo bench --bench regression`");
        return ExitCode::SUCCESS;
    }
    let dir = std::env::temp_dir().join(format!("routesim-regression-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        println!("regression: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let baseline_path = manifest("benches/baseline.toml");
    let baseline = read_baseline(&baseline_path);
    let update = std::env::var_os(UPDATE_ENV).is_some();
    let mut measured = BTreeMap::new();
    let mut failed = Vec::new();
    println!("{:<14} {:>15} {:>15} {:>8}  result", "case", "instructions", "baseline", "change");
    for case in cases(&dir) {
        let n = match instructions(&case, &dir) {
            Ok(n) => n,
            Err(e) => {
                println!("{:<14} ERROR: {e}", case.name);
                failed.push(case.name.to_owned());
                continue;
            }
        };
        measured.insert(case.name.to_owned(), n);
        let (base, change, verdict) = match baseline.get(case.name) {
            Some(&b) => {
                let change = n as f64 / b as f64 - 1.0;
                let verdict = if change > TOLERANCE {
                    failed.push(case.name.to_owned());
                    "REGRESSED"
                } else if change < -TOLERANCE {
                    "faster: lower the baseline"
                } else {
                    "ok"
                };
                (b.to_string(), format!("{:+.1}%", 100.0 * change), verdict)
            }
            None => ("-".into(), "-".into(), "no baseline"),
        };
        println!("{:<14} {n:>15} {base:>15} {change:>8}  {verdict}", case.name);
    }
    let _ = std::fs::remove_dir_all(&dir);
    print_ratios(&measured);
    if update {
        return match write_baseline(&baseline_path, &measured) {
            Ok(()) => {
                println!("baseline rewritten: {}", baseline_path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("could not write {}: {e}", baseline_path.display());
                ExitCode::FAILURE
            }
        };
    }
    if failed.is_empty() {
        println!("no case more than {:.0}% above its baseline", 100.0 * TOLERANCE);
        ExitCode::SUCCESS
    } else {
        println!(
            "ENGINE REGRESSION: {} more than {:.0}% above benches/baseline.toml (or not measured). \
             If the extra cost is intended, rewrite the baseline with \
             `{UPDATE_ENV}=1 cargo bench --bench regression` and say why in the commit.",
            failed.join(", "),
            100.0 * TOLERANCE
        );
        ExitCode::FAILURE
    }
}
