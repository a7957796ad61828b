//! Scaling: threads, peak memory against the horizon, and the Quick start's wall time.
//!
//! - Thread scaling: `replicate::run` of `scenarios/support-day.toml` with 40
//!   replications on 1 and on 2 threads, best of 5 each; prints
//!   replications per second and the speed-up (target at least 1.8x).
//! - Memory against the horizon: peak resident memory (`VmHWM`) of one
//!   replication of `scenarios/erlang-a.toml` on one thread with a 6-day and
//!   a 60-day horizon. Each runs in a fresh child process (this binary
//!   re-executed with `ROUTESIM_MEM_CHILD=<horizon>`), so one run's peak
//!   cannot hide another's. Target: the 60-day peak under 1.5x the 6-day one.
//!   The child also reports its peak after `engine::run` alone, before
//!   `replicate::run` builds the per-interval result rows (which grow with
//!   the horizon by design), and the peak before loading (the baseline that
//!   any ratio of peaks includes).
//! - Memory against the replication count: peak resident memory of
//!   `replicate::run` plus writing the result folder for
//!   `benches/memory-year.toml` (a year of 15-minute intervals, 20 teams,
//!   10 statuses) and the same over 30 days, with 1 and with 64
//!   replications on all cores, each in a fresh child process
//!   (`ROUTESIM_MEM_YEAR=<horizon>,<replications>`). Target: 64
//!   replications peak under 1.5x one replication (the growth is one more
//!   worker's tally, not one per replication).
//! - Quick start: wall time of `replicate::run` of the support day, 10
//!   replications on all cores, best of 3 (target well under 1 s; 0.5 s is
//!   counted as the line).
//!
//! It ends with a table of the figures marked PASS or MISS, and exits 0
//! either way: it reports, it does not gate CI. Run it alone (the machine
//! has 2 cores; anything else running skews the thread figures):
//!
//! ```text
//! cargo bench --bench scaling
//! ```
//!
//! Memory is read from `/proc/self/status`, so that part needs Linux.

// A benchmark's printed figures are its result.
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use routesim::{Scenario, engine, replicate, scenario};

/// The child-process switch: its value is the horizon to run.
const CHILD_ENV: &str = "ROUTESIM_MEM_CHILD";
/// The child-process switch of the replication-count case: `<horizon>,<replications>`.
const YEAR_ENV: &str = "ROUTESIM_MEM_YEAR";
const SPEEDUP_TARGET: f64 = 1.8;
const MEMORY_RATIO_TARGET: f64 = 1.5;
/// "Well under 1 s".
const QUICK_START_TARGET: Duration = Duration::from_millis(500);

fn load(file: &str, overrides: &[&str]) -> Scenario {
    let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    let overrides: Vec<String> = overrides.iter().map(|s| (*s).to_owned()).collect();
    scenario::load(Path::new(&path), &overrides)
        .unwrap_or_else(|e| panic!("scenarios/{file} does not load: {e}"))
}

/// Fastest of `runs` wall times of `replicate::run(sc, threads)`.
fn best_run(sc: &Scenario, threads: usize, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let results = replicate::run(sc, threads, &|| {}).expect("threads start");
            let took = start.elapsed();
            std::hint::black_box(results);
            took
        })
        .min()
        .unwrap_or(Duration::ZERO)
}

/// A kibibyte figure from `/proc/self/status` (`VmHWM`, `VmRSS`).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// In the child: one replication on one thread, then report the peaks.
///
/// The engine alone runs first (its peak is read before the results are
/// built), then the same replication through `replicate::run`, whose
/// per-interval result rows legitimately grow with the horizon.
fn memory_child(horizon: &str) {
    let start = proc_status_kib("VmHWM");
    let sc = load("erlang-a.toml", &[&format!("horizon={horizon}"), "replications=1"]);
    std::hint::black_box(engine::run(&sc, 0));
    let engine = proc_status_kib("VmHWM");
    let results = replicate::run(&sc, 1, &|| {}).expect("one thread starts");
    std::hint::black_box(results);
    let peak = proc_status_kib("VmHWM");
    match (start, engine, peak) {
        (Some(s), Some(e), Some(p)) => {
            println!("{CHILD_ENV} start_kib={s} engine_kib={e} peak_kib={p}")
        }
        _ => println!("{CHILD_ENV} unavailable"),
    }
}

/// In the child: `benches/memory-year.toml` over `horizon` with
/// `replications`, on all cores, results written to a temporary folder;
/// then report the peak.
fn year_child(arg: &str) {
    let (horizon, reps) = arg.split_once(',').unwrap_or((arg, "1"));
    let path = format!("{}/benches/memory-year.toml", env!("CARGO_MANIFEST_DIR"));
    let overrides = vec![format!("horizon={horizon}"), format!("replications={reps}")];
    let sc = scenario::load(Path::new(&path), &overrides).expect("benches/memory-year.toml loads");
    let results = replicate::run(&sc, 0, &|| {}).expect("threads start");
    let dir = std::env::temp_dir().join(format!("routesim-mem-year-{}", std::process::id()));
    let target = routesim::report::prepare(&dir).expect("a temporary result folder");
    let provenance =
        routesim::report::Provenance { overrides, scenario_toml: String::new(), attachments: Vec::new() };
    routesim::report::write_all(&target, &results, &provenance).expect("results written");
    let _ = std::fs::remove_dir_all(&dir);
    match proc_status_kib("VmHWM") {
        Some(p) => println!("{YEAR_ENV} peak_kib={p}"),
        None => println!("{YEAR_ENV} unavailable"),
    }
}

/// Peak KiB of `year_child` for `horizon` and `reps`, in a fresh process.
fn year_peak(horizon: &str, reps: u32) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).env(YEAR_ENV, format!("{horizon},{reps}")).output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with(YEAR_ENV))?;
    line.split_whitespace().find_map(|w| w.strip_prefix("peak_kib="))?.parse().ok()
}

/// Peak resident memory of one run, KiB.
#[derive(Debug, Clone, Copy)]
struct Peaks {
    /// Before loading the scenario.
    start: u64,
    /// After `engine::run`.
    engine: u64,
    /// After `replicate::run` (the figure the target is about).
    peak: u64,
}

/// Runs the memory child for `horizon` in a fresh process.
fn memory_of(horizon: &str) -> Option<Peaks> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).env(CHILD_ENV, horizon).output().ok()?;
    if !out.status.success() {
        println!("memory child for {horizon} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        return None;
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with(CHILD_ENV))?;
    let field = |name: &str| -> Option<u64> {
        line.split_whitespace().find_map(|w| w.strip_prefix(name)?.strip_prefix('='))?.parse().ok()
    };
    Some(Peaks { start: field("start_kib")?, engine: field("engine_kib")?, peak: field("peak_kib")? })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

fn main() {
    // `cargo bench` passes `--bench`; no argument changes anything here.
    if let Ok(horizon) = std::env::var(CHILD_ENV) {
        memory_child(&horizon);
        return;
    }
    if let Ok(arg) = std::env::var(YEAR_ENV) {
        year_child(&arg);
        return;
    }
    let mut table: Vec<(String, String, String, &str)> = Vec::new();

    // Thread scaling.
    let day40 = load("support-day.toml", &["replications=40"]);
    let reps = f64::from(day40.replications);
    let one = best_run(&day40, 1, 5);
    let two = best_run(&day40, 2, 5);
    let rate1 = reps / one.as_secs_f64();
    let rate2 = reps / two.as_secs_f64();
    let speedup = rate2 / rate1;
    println!("support-day, 40 replications, best of 5:");
    println!("  1 thread:  {:>8.1} ms  {rate1:>8.1} replications/s", one.as_secs_f64() * 1e3);
    println!("  2 threads: {:>8.1} ms  {rate2:>8.1} replications/s", two.as_secs_f64() * 1e3);
    println!("  speed-up {speedup:.2}x (target >= {SPEEDUP_TARGET}x)");
    table.push(("replications/s, 1 thread".into(), format!("{rate1:.1}"), String::new(), ""));
    table.push(("replications/s, 2 threads".into(), format!("{rate2:.1}"), String::new(), ""));
    table.push((
        "thread speed-up 2 vs 1".into(),
        format!("{speedup:.2}x"),
        format!(">= {SPEEDUP_TARGET}x"),
        verdict(speedup >= SPEEDUP_TARGET),
    ));

    // Memory against the horizon.
    println!();
    println!("erlang-a, one replication on one thread, each in a fresh process:");
    let short = memory_of("6d");
    let long = memory_of("60d");
    for (name, m) in [("6d", short), ("60d", long)] {
        match m {
            Some(p) => println!(
                "  horizon {name:>3}: peak RSS {:>5.1} MiB (at start {:.1} MiB; \
                 engine::run grew it {:.2} MiB, replicate::run with its result rows {:.2} MiB)",
                mib(p.peak),
                mib(p.start),
                mib(p.engine.saturating_sub(p.start)),
                mib(p.peak.saturating_sub(p.start))
            ),
            None => println!("  horizon {name:>3}: peak RSS not measured"),
        }
    }
    match (short, long) {
        (Some(Peaks { peak: s, .. }), Some(Peaks { peak: l, .. })) => {
            let ratio = l as f64 / s as f64;
            println!("  ratio 60d/6d {ratio:.2}x (target < {MEMORY_RATIO_TARGET}x)");
            table.push(("peak RSS 6d".into(), format!("{:.1} MiB", mib(s)), String::new(), ""));
            table.push(("peak RSS 60d".into(), format!("{:.1} MiB", mib(l)), String::new(), ""));
            table.push((
                "peak RSS 60d / 6d".into(),
                format!("{ratio:.2}x"),
                format!("< {MEMORY_RATIO_TARGET}x"),
                verdict(ratio < MEMORY_RATIO_TARGET),
            ));
        }
        _ => table.push((
            "peak RSS 60d / 6d".into(),
            "not measured".into(),
            format!("< {MEMORY_RATIO_TARGET}x"),
            "MISS",
        )),
    }

    // Memory against the replication count.
    println!();
    println!("benches/memory-year.toml (15-minute intervals, 20 teams, 10 statuses), all cores:");
    for horizon in ["365d", "30d"] {
        let (one, many) = (year_peak(horizon, 1), year_peak(horizon, 64));
        match (one, many) {
            (Some(a), Some(b)) => {
                let ratio = b as f64 / a as f64;
                println!(
                    "  {horizon:>4}: peak RSS {:>6.1} MiB with 1 replication, {:>6.1} MiB with 64 ({ratio:.2}x)",
                    mib(a),
                    mib(b)
                );
                table.push((
                    format!("peak RSS {horizon}, 64 / 1 reps"),
                    format!("{ratio:.2}x"),
                    format!("< {MEMORY_RATIO_TARGET}x"),
                    verdict(ratio < MEMORY_RATIO_TARGET),
                ));
            }
            _ => println!("  {horizon:>4}: peak RSS not measured"),
        }
    }

    // Quick start.
    let day = load("support-day.toml", &["replications=10"]);
    let quick = best_run(&day, 0, 3);
    println!();
    println!("support-day, 10 replications, all cores, best of 3: {:.1} ms", quick.as_secs_f64() * 1e3);
    table.push((
        "Quick start wall time".into(),
        format!("{:.1} ms", quick.as_secs_f64() * 1e3),
        format!("< {} ms", QUICK_START_TARGET.as_millis()),
        verdict(quick < QUICK_START_TARGET),
    ));

    println!();
    println!("{:<28} {:>14} {:>10}  result", "figure", "value", "target");
    for (name, value, target, result) in &table {
        println!("{name:<28} {value:>14} {target:>10}  {result}");
    }
}
