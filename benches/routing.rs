//! Routing cost against the size of the team: nanoseconds per conversation
//! of one replication (`engine::run`), for the paths that used to grow with
//! the number of pooled agents, teams per queue or queues.
//!
//! Cases (exponential 3-minute handle times, no patience, about 200 000
//! conversations each, horizon sized to match):
//! - `round_robin` with 10 and 10 000 agents at load 0.9 and 0.3;
//! - `longest_idle` on a blended team (capacity 3, voice capped at 1, half
//!   the work voice) with 30, 3 000 and 30 000 agents — the agent at the
//!   top of the pool is often already on a call;
//! - mixed item sizes 1 and 2 (capacity 2) at 3 000 agents;
//! - one queue served by 5 and by 36 teams of 20 agents;
//! - 10 and 1 000 queues on one team of 500 agents;
//! - queue scaling: 100 agents serving 1, 100 and 1 000 queues, each in a
//!   fresh process (this binary re-executed with `ROUTESIM_QUEUES_CHILD`),
//!   printing nanoseconds per conversation and peak resident memory
//!   (`VmHWM`, Linux) against the target: 1 000 queues at most twice one;
//! - the rules of docs/model.md §R13-§R15 in use, each against the same
//!   case without it: offers (accept delay exponential 8 s, timeout 30 s,
//!   so 2% are missed) on 200 agents; an overflow team of 20 behind a team
//!   of 180 (60 s delay); offers and overflow together; a blended team of
//!   3 000 whose voice queue is synced to Busy (calls ignore load).
//!
//! Each figure is the best of 3 runs. Run it alone (timings are noisy on a
//! shared 2-core machine):
//!
//! ```text
//! cargo bench --bench routing
//! ```
//!
//! `cargo test --benches` runs each case once, on a short horizon, as a smoke test.

// A benchmark's printed figures are its result.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use routesim::{Scenario, engine, scenario};

/// Mean handle time, seconds.
const AHT: f64 = 180.0;

/// A scenario: `queues` queues sharing `per_hour` arrivals evenly, on
/// `teams` teams of `agents` agents each, every team serving every queue.
struct Case {
    name: String,
    selection: &'static str,
    agents: u32,
    teams: u32,
    queues: u32,
    capacity: u32,
    /// Offered load per capacity unit.
    load: f64,
    /// Blended: odd queues are voice, capped at 1 per agent.
    voice_cap: bool,
    /// Odd queues take 2 units.
    mixed_sizes: bool,
    /// Accept mode: offers with a timeout (§R13).
    offers: bool,
    /// Teams after the first take the queues only after 60 s (§R15); the
    /// first team has `agents`, the others a tenth of it each.
    overflow: bool,
    /// Voice queues are synced to Busy and ignore load (§R14).
    synced: bool,
}

impl Case {
    fn new(name: &str, selection: &'static str, agents: u32, load: f64) -> Case {
        Case {
            name: name.to_owned(),
            selection,
            agents,
            teams: 1,
            queues: 1,
            capacity: 1,
            load,
            voice_cap: false,
            mixed_sizes: false,
            offers: false,
            overflow: false,
            synced: false,
        }
    }

    /// Agents in team `k`.
    fn team_size(&self, k: u32) -> u32 {
        if self.overflow && k > 0 { (self.agents / 10).max(1) } else { self.agents }
    }

    /// The scenario, with a horizon holding about `conversations` arrivals.
    fn scenario(&self, conversations: f64) -> Scenario {
        let units = f64::from((0..self.teams).map(|k| self.team_size(k)).sum::<u32>() * self.capacity);
        // Mean units per conversation: sizes 1 and 2 alternate across queues.
        let size = if self.mixed_sizes { 1.5 } else { 1.0 };
        let per_sec = self.load * units / (AHT * size);
        let horizon = (conversations / per_sec).ceil().max(60.0);
        let mut t = String::new();
        let _ = writeln!(t, "name = \"routing-bench\"\nhorizon = \"{horizon}s\"\ndrain = \"0s\"");
        let _ = writeln!(t, "[routing]\nagent_selection = \"{}\"", self.selection);
        if self.offers {
            let _ = writeln!(
                t,
                "assignment = \"accept\"\naccept_delay = {{ dist = \"exponential\", mean = \"8s\" }}\n\
                 accept_timeout = \"30s\"\nmissed_unavailable = {{ dist = \"constant\", value = \"1m\" }}"
            );
        }
        let per_queue = per_sec * 3600.0 / f64::from(self.queues);
        let mut names = Vec::new();
        for q in 0..self.queues {
            let odd = q % 2 == 1 || self.queues == 1 && self.voice_cap;
            let channel = if (self.voice_cap || self.synced) && odd { "voice" } else { "chat" };
            let size = if self.mixed_sizes && q % 2 == 1 { 2 } else { 1 };
            let _ = writeln!(
                t,
                "[[queue]]\nname = \"q{q}\"\nchannel = \"{channel}\"\nitem_size = {size}\n\
                 arrivals = {{ per_hour = {per_queue} }}\nhandle_time = {{ dist = \"exponential\", mean = \"{AHT}s\" }}\n\
                 busy_while_handling = {}",
                self.synced && channel == "voice"
            );
            names.push(format!("\"q{q}\""));
        }
        for k in 0..self.teams {
            let caps = if self.voice_cap { "channel_caps = { voice = 1 }\n" } else { "" };
            let served: Vec<String> = if self.overflow && k > 0 {
                names.iter().map(|n| format!("{{ queue = {n}, delay = \"60s\" }}")).collect()
            } else {
                names.clone()
            };
            let _ = writeln!(
                t,
                "[[team]]\nname = \"t{k}\"\nqueues = [{}]\ncapacity = {}\n{caps}[[agents]]\nname = \"a{k}\"\nteam = \"t{k}\"\ncount = {}",
                served.join(", "),
                self.capacity,
                self.team_size(k)
            );
        }
        scenario::parse(&t, "routing-bench.toml", "routing-bench", &[])
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (agents, load) in [(10, 0.9), (10_000, 0.9), (10_000, 0.3)] {
        out.push(Case::new(
            &format!("round_robin {agents} agents, load {load}"),
            "round_robin",
            agents,
            load,
        ));
    }
    for agents in [30, 3_000, 30_000] {
        let mut c =
            Case::new(&format!("blended cap 3, voice 1: {agents} agents"), "longest_idle", agents, 0.8);
        (c.capacity, c.voice_cap, c.queues) = (3, true, 2);
        out.push(c);
    }
    let mut c = Case::new("item sizes 1 and 2: 3000 agents", "longest_idle", 3_000, 0.8);
    (c.capacity, c.mixed_sizes, c.queues) = (2, true, 2);
    out.push(c);
    for teams in [5, 36] {
        let mut c = Case::new(&format!("{teams} teams of 20 per queue"), "longest_idle", 20, 0.9);
        c.teams = teams;
        out.push(c);
    }
    for queues in [10, 1_000] {
        let mut c = Case::new(&format!("{queues} queues, one team of 500"), "longest_idle", 500, 0.9);
        c.queues = queues;
        out.push(c);
    }
    // The rules of §R13-§R15 in use, each after the same case without them.
    for (offers, overflow) in [(false, false), (true, false), (false, true), (true, true)] {
        let name = match (offers, overflow) {
            (false, false) => "200 agents, auto, no overflow",
            (true, false) => "200 agents, offers",
            (false, true) => "180 + overflow team of 18 (60 s)",
            (true, true) => "180 + overflow 18, with offers",
        };
        let mut c = Case::new(name, "longest_idle", if overflow { 180 } else { 200 }, 0.85);
        (c.offers, c.overflow) = (offers, overflow);
        c.teams = if overflow { 2 } else { 1 };
        out.push(c);
    }
    for synced in [false, true] {
        let name =
            if synced { "blended 3000, voice synced to Busy" } else { "blended 3000, voice not synced" };
        let mut c = Case::new(name, "longest_idle", 3_000, 0.7);
        (c.capacity, c.voice_cap, c.queues, c.synced) = (3, !synced, 2, synced);
        out.push(c);
    }
    out
}

/// Conversations offered in one replication.
fn offered(sc: &Scenario) -> u64 {
    engine::run(sc, 0).queues.iter().map(|q| q.counts.offered).sum()
}

/// The child-process switch of the queue-scaling case: `<queues>,<conversations>,<runs>`.
const QUEUES_ENV: &str = "ROUTESIM_QUEUES_CHILD";

/// 100 agents (one team, longest idle, load 0.9) serving `queues` queues.
fn queue_case(queues: u32) -> Case {
    let mut c = Case::new(&format!("{queues} queues, one team of 100"), "longest_idle", 100, 0.9);
    c.queues = queues;
    c
}

/// Peak resident memory of this process so far, KiB (`VmHWM`; Linux only).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.split_whitespace().next()?.parse().ok()
}

/// In the child: best of `runs` times of one replication, then the peak.
fn queues_child(arg: &str) {
    let parts: Vec<&str> = arg.split(',').collect();
    let (Some(q), Some(n), Some(runs)) = (
        parts.first().and_then(|v| v.parse().ok()),
        parts.get(1).and_then(|v| v.parse::<f64>().ok()),
        parts.get(2).and_then(|v| v.parse::<u32>().ok()),
    ) else {
        return;
    };
    let sc = queue_case(q).scenario(n);
    let offered = offered(&sc);
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        black_box(engine::run(black_box(&sc), 0));
        best = best.min(start.elapsed());
    }
    let ns = best.as_nanos() as f64 / offered.max(1) as f64;
    // As the driver runs a worker's replications: one tally's buffers
    // reused (cleared, not allocated and paged in again).
    let mut tally = routesim::stats::Tally::new(&sc);
    let mut reused = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        tally = black_box(engine::run_reusing(black_box(&sc), 0, tally));
        reused = reused.min(start.elapsed());
    }
    let reused_ns = reused.as_nanos() as f64 / offered.max(1) as f64;
    println!(
        "{QUEUES_ENV} ns={ns:.1} reused_ns={reused_ns:.1} peak_kib={} offered={offered}",
        peak_kib().unwrap_or(0)
    );
}

/// Runs the queue-scaling child for `queues` in a fresh process: ns per
/// conversation with a new tally and with a reused one, and peak KiB.
fn queues_run(queues: u32, conversations: f64, runs: u32) -> Option<(f64, f64, u64)> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .env(QUEUES_ENV, format!("{queues},{conversations},{runs}"))
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with(QUEUES_ENV))?;
    let field = |name: &str| line.split_whitespace().find_map(|w| w.strip_prefix(name)?.strip_prefix('='));
    Some((field("ns")?.parse().ok()?, field("reused_ns")?.parse().ok()?, field("peak_kib")?.parse().ok()?))
}

/// 100 agents over 1, 100 and 1,000 queues, each in a fresh process:
/// nanoseconds per conversation (`engine::run`, a new tally; and
/// `engine::run_reusing`, a worker's tally reused, as the driver runs
/// replications) and peak memory. Target: 1,000 queues at most twice the
/// cost of one.
fn queue_scaling(conversations: f64, runs: u32) {
    println!();
    println!(
        "queue scaling: 100 agents, load 0.9, one replication (engine::run, and engine::run_reusing), \
         fresh process each:"
    );
    println!("{:<10} {:>16} {:>22} {:>12}", "queues", "ns/conversation", "ns, tally reused", "peak MiB");
    let mut one = None;
    for queues in [1, 100, 1_000] {
        match queues_run(queues, conversations, runs) {
            Some((ns, reused, kib)) => {
                println!("{queues:<10} {ns:>16.0} {reused:>22.0} {:>12.1}", kib as f64 / 1024.0);
                if queues == 1 {
                    one = Some((ns, reused));
                } else if queues == 1_000
                    && let Some((base, base_reused)) = one
                {
                    let ratio = ns / base;
                    println!(
                        "1,000 queues / 1 queue: {ratio:.2}x, tally reused {:.2}x (target <= 2x): {}",
                        reused / base_reused,
                        if ratio <= 2.0 { "PASS" } else { "MISS" }
                    );
                }
            }
            None => println!("{queues:<10} not measured"),
        }
    }
}

fn main() {
    if let Ok(arg) = std::env::var(QUEUES_ENV) {
        queues_child(&arg);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let (conversations, runs) = if benchmarking { (200_000.0, 3) } else { (2_000.0, 1) };
    println!("{:<40} {:>12} {:>14}", "case", "offered", "ns/conversation");
    for case in cases() {
        let sc = case.scenario(conversations);
        let n = offered(&sc);
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let start = Instant::now();
            black_box(engine::run(black_box(&sc), 0));
            best = best.min(start.elapsed());
        }
        println!("{:<40} {n:>12} {:>14.0}", case.name, best.as_nanos() as f64 / n.max(1) as f64);
    }
    queue_scaling(conversations, runs);
}
