//! Engine speed: routesim against a bare M/M/c+M yardstick, and the support day.
//!
//! Criterion groups:
//!
//! - `erlang-a/routesim`: one replication of `scenarios/erlang-a.toml`
//!   (1800 arrivals/h, exponential 3 min handle and patience, 92 agents)
//!   cut to a 1-day horizon with no warm-up, through `engine::run`.
//!   Throughput is conversations offered.
//! - `erlang-a/yardstick`: the same queue simulated as fast as an honest
//!   M/M/c+M FCFS simulation can be (`benches/shared/yardstick.rs`: the wait recursion over a
//!   min-heap of agent free times, no event list, no statuses, no routing).
//!   Throughput is conversations offered.
//! - `erlang-a/3000-agents`: the same queue at ten times the traffic (18 000
//!   arrivals/h) with 3000 agents, about 2100 of them idle at any time, cut
//!   to 6 hours. Guards the routing pools against costs that grow with the
//!   number of idle agents. Throughput is conversations offered.
//! - `support-day/10-replications`: `replicate::run` of
//!   `scenarios/support-day.toml`, 10 replications on one thread.
//!   Throughput is replications.
//! - `event-list/quad-heap` and `event-list/binary-heap`: the hold
//!   operation (take the earliest, schedule a new one an exponential 3
//!   minutes later) on 92 pending entries, erlang-a's busy agents: the
//!   engine's event list (`src/heap.rs`, compiled into this bench, keys
//!   made as the engine makes them) against `std`'s `BinaryHeap` as the
//!   yardstick uses it. Both pop the same sequence. Throughput is hold
//!   operations.
//!
//! After criterion, a timing loop of its own prints routesim's and the
//! yardstick's nanoseconds per conversation, measured as the difference
//! between a 60-day and a 1-day run (so the fixed cost of setting up a
//! replication is taken out; runs alternate between the two, best of 3),
//! and their ratio against the target (routesim at most 4x the yardstick), and a
//! sanity check that both simulate the same queue: service level (20 s) and
//! abandon rate over the scenario's own 7-day horizon, next to the exact
//! Erlang A values (0.8726 and 0.0320).
//!
//! Run it alone (timings are noisy on a shared 2-core machine):
//!
//! ```text
//! cargo bench --bench engine
//! ```
//!
//! `cargo test --benches` runs each criterion function once as a smoke test
//! and prints only the sanity check.

// A benchmark's printed figures are its result.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_xoshiro::Xoshiro256PlusPlus;
use routesim::model::QueueId;
use routesim::{Scenario, engine, replicate, scenario};

#[path = "shared/yardstick.rs"]
mod yardstick;

// The engine's heap is crate-private; the bench compiles its source.
#[allow(dead_code, unreachable_pub)]
#[path = "../src/heap.rs"]
mod heap;
use yardstick::{Outcome, Params, yardstick};

/// Exact Erlang A values for erlang-a.toml (from the scenario's header).
const EXACT_SL: f64 = 0.8726;
const EXACT_ABANDON: f64 = 0.0320;
/// Target: routesim at most this many times the yardstick's time per
/// conversation, setup cost taken out (issue 17).
const RATIO_TARGET: f64 = 4.0;

fn scenario_path(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// erlang-a.toml with `horizon` and no warm-up, so `offered` counts every arrival.
fn erlang_a(horizon: &str) -> Scenario {
    erlang_a_with(&[&format!("horizon={horizon}")])
}

/// erlang-a.toml with `overrides` (`--set` style), one replication and no warm-up.
fn erlang_a_with(overrides: &[&str]) -> Scenario {
    let mut all: Vec<String> = overrides.iter().map(|s| (*s).to_owned()).collect();
    all.push("replications=1".to_owned());
    let mut sc = scenario::load(Path::new(&scenario_path("erlang-a.toml")), &all)
        .expect("scenarios/erlang-a.toml loads with the overrides");
    sc.warmup = 0.0;
    sc
}

/// One replication of `sc` through the engine.
fn routesim(sc: &Scenario) -> Outcome {
    let tally = engine::run(sc, 0);
    let q = &tally.queues[QueueId(0)];
    Outcome {
        offered: q.counts.offered,
        answered: q.counts.answered,
        abandoned: q.counts.abandoned,
        within: q.counts.answered_within,
        wait_sum: q.counts.wait_sum,
    }
}

fn benches(c: &mut Criterion) {
    let sc = erlang_a("1d");
    let p = Params::of(&sc);
    let offered_routesim = routesim(&sc).offered;
    let offered_yardstick = yardstick(&p).offered;

    let mut g = c.benchmark_group("erlang-a");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(offered_routesim));
    g.bench_function("routesim", |b| b.iter(|| engine::run(black_box(&sc), 0)));
    g.throughput(Throughput::Elements(offered_yardstick));
    g.bench_function("yardstick", |b| b.iter(|| yardstick(black_box(&p))));
    let big = erlang_a_with(&["horizon=6h", "agents.all.count=3000", "queue.calls.arrivals.per_hour=18000"]);
    g.throughput(Throughput::Elements(routesim(&big).offered));
    g.bench_function("3000-agents", |b| b.iter(|| engine::run(black_box(&big), 0)));
    g.finish();

    let overrides = ["replications=10".to_owned()];
    let day = scenario::load(Path::new(&scenario_path("support-day.toml")), &overrides)
        .expect("scenarios/support-day.toml loads");
    let mut g = c.benchmark_group("support-day");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(u64::from(day.replications)));
    g.bench_function("10-replications", |b| {
        b.iter(|| replicate::run(black_box(&day), 1, &|| {}).expect("one thread starts"))
    });
    g.finish();

    assert_eq!(hold_quad_heap(1_000), hold_binary_heap(1_000), "both event lists pop the same sequence");
    let mut g = c.benchmark_group("event-list");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(HOLDS));
    g.bench_function("quad-heap", |b| b.iter(|| hold_quad_heap(black_box(HOLDS))));
    g.bench_function("binary-heap", |b| b.iter(|| hold_binary_heap(black_box(HOLDS))));
    g.finish();
}

/// Hold operations per `event-list` iteration.
const HOLDS: u64 = 100_000;
/// Pending entries: erlang-a's agents.
const PENDING: u32 = 92;

/// An event list's payload, the size of the engine's `Event` (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payload {
    /// A conversation's handle time ends (slot, generation).
    Done(u32, u32),
    /// Never scheduled here: gives the enum the engine's `Event` layout
    /// (a tag, then up to 12 bytes), so entries move as many bytes.
    #[expect(dead_code, reason = "only its layout matters")]
    Other { slot: u32, generation: u32, team: u32 },
}

const _: () = assert!(std::mem::size_of::<Payload>() == 16, "the engine's Event is 16 bytes");

/// The engine's order key: time bits, then sequence number.
fn order_key(time: f64, seq: u64) -> u128 {
    (u128::from(time.to_bits()) << 64) | u128::from(seq)
}

/// What both event lists are given: the same entries at the start, then
/// for each entry taken out the same new one.
struct Holds {
    rng: Xoshiro256PlusPlus,
    seq: u64,
}

impl Holds {
    fn new() -> Holds {
        Holds { rng: Xoshiro256PlusPlus::seed_from_u64(2026), seq: 0 }
    }

    /// An entry ending an exponential 3 minutes after `now`, keyed as the engine keys it.
    #[inline(always)]
    fn entry(&mut self, now: f64, payload: Payload) -> (u128, Payload) {
        self.seq += 1;
        let end = now + 180.0 * Distribution::<f64>::sample(&Exp1, &mut self.rng);
        (order_key(end, self.seq), payload)
    }

    /// The entry that follows the one taken out (`key`, `payload`), and its time.
    #[inline(always)]
    fn after(&mut self, key: u128, payload: Payload) -> (f64, (u128, Payload)) {
        let now = f64::from_bits((key >> 64) as u64);
        let next = match payload {
            Payload::Done(slot, generation) => Payload::Done(slot, generation + 1),
            other => other,
        };
        (now, self.entry(now, next))
    }
}

/// `holds` hold operations on the engine's 4-ary heap; returns the sum of
/// the times taken out (so both lists can be checked against each other).
#[inline(never)]
fn hold_quad_heap(holds: u64) -> f64 {
    let mut h = Holds::new();
    let mut list = heap::QuadHeap::with_capacity(PENDING as usize, Payload::Done(0, 0));
    for slot in 0..PENDING {
        let (key, payload) = h.entry(0.0, Payload::Done(slot, 0));
        list.push(key, payload, &mut heap::Untracked);
    }
    let mut sum = 0.0;
    for _ in 0..holds {
        let Some((key, payload)) = list.top() else { break };
        let (now, (key, payload)) = h.after(key, payload);
        sum += now;
        list.replace_at(0, key, payload, &mut heap::Untracked);
    }
    sum
}

/// The same on `std::collections::BinaryHeap`, replacing the top through
/// `peek_mut` as the yardstick does.
#[inline(never)]
fn hold_binary_heap(holds: u64) -> f64 {
    use std::cmp::{Ordering, Reverse};
    use std::collections::BinaryHeap;
    /// An entry ordered by its key alone.
    #[derive(Debug, Clone, Copy)]
    struct Entry(u128, Payload);
    impl PartialEq for Entry {
        fn eq(&self, other: &Entry) -> bool {
            self.0 == other.0
        }
    }
    impl Eq for Entry {}
    impl PartialOrd for Entry {
        fn partial_cmp(&self, other: &Entry) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Entry {
        fn cmp(&self, other: &Entry) -> Ordering {
            self.0.cmp(&other.0)
        }
    }
    let mut h = Holds::new();
    let mut list = BinaryHeap::with_capacity(PENDING as usize);
    for slot in 0..PENDING {
        let (key, payload) = h.entry(0.0, Payload::Done(slot, 0));
        list.push(Reverse(Entry(key, payload)));
    }
    let mut sum = 0.0;
    for _ in 0..holds {
        let Some(mut top) = list.peek_mut() else { break };
        let Entry(key, payload) = top.0;
        let (now, (key, payload)) = h.after(key, payload);
        sum += now;
        *top = Reverse(Entry(key, payload));
    }
    sum
}

/// Routesim against the yardstick per conversation, by a timing loop of
/// our own: a 1-day and a 60-day run of each, alternating (routesim,
/// yardstick, routesim, ...) so both see the same machine load, best of 3
/// each. The per-conversation figure is the difference of the two runs'
/// times over the difference of their conversations, which takes out the
/// fixed cost of setting up a replication (the scenario's streams, pools,
/// tally) and leaves the simulation proper.
fn compare_speed() {
    let (short, long) = (erlang_a("1d"), erlang_a("60d"));
    let (p_short, p_long) = (Params::of(&short), Params::of(&long));
    let mut best = [Duration::MAX; 4];
    let mut offered = [0u64; 4];
    for _ in 0..3 {
        let runs: [&dyn Fn() -> Outcome; 4] =
            [&|| routesim(&short), &|| yardstick(&p_short), &|| routesim(&long), &|| yardstick(&p_long)];
        for (k, run) in runs.iter().enumerate() {
            let start = Instant::now();
            let out = black_box(run());
            best[k] = best[k].min(start.elapsed());
            offered[k] = out.offered;
        }
    }
    let per = |short: usize, long: usize| {
        (best[long].as_nanos() as f64 - best[short].as_nanos() as f64)
            / (offered[long] - offered[short]) as f64
    };
    let (ns_sim, ns_yard) = (per(0, 2), per(1, 3));
    let ratio = ns_sim / ns_yard;
    println!();
    println!(
        "erlang-a, 60 days less 1 day, best of 3, alternating: routesim {ns_sim:.1} ns/conversation \
         ({} offered in 60 days; 1-day run {:.1} ms), yardstick {ns_yard:.1} ns/conversation ({} offered; {:.1} ms)",
        offered[2],
        best[0].as_secs_f64() * 1e3,
        offered[3],
        best[1].as_secs_f64() * 1e3
    );
    println!(
        "ratio routesim/yardstick {ratio:.2}x (target <= {RATIO_TARGET}x): {}",
        if ratio <= RATIO_TARGET { "PASS" } else { "MISS" }
    );
}

/// Both simulate the same queue: their measures agree with each other and with Erlang A.
fn sanity_check() {
    let sc = erlang_a("7d");
    let p = Params::of(&sc);
    let sim = routesim(&sc);
    let yard = yardstick(&p);
    println!();
    println!("erlang-a, 7 days, one replication each:");
    println!("  {:<10} {:>9} {:>8} {:>8} {:>8}", "", "offered", "SL(20s)", "abandon", "ASA s");
    for (name, o) in [("routesim", sim), ("yardstick", yard)] {
        println!(
            "  {name:<10} {:>9} {:>8.4} {:>8.4} {:>8.2}",
            o.offered,
            o.service_level(),
            o.abandon_rate(),
            o.asa()
        );
    }
    println!("  {:<10} {:>9} {EXACT_SL:>8.4} {EXACT_ABANDON:>8.4} {:>8.2}", "exact", "", 5.584);
    // About 300 000 customers each: a few standard errors of the daily noise.
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol;
    let agree = close(sim.service_level(), yard.service_level(), 0.02)
        && close(sim.abandon_rate(), yard.abandon_rate(), 0.008)
        && close(sim.service_level(), EXACT_SL, 0.02)
        && close(yard.service_level(), EXACT_SL, 0.02)
        && close(sim.abandon_rate(), EXACT_ABANDON, 0.008)
        && close(yard.abandon_rate(), EXACT_ABANDON, 0.008);
    println!(
        "  same queue (SL within 0.02, abandon within 0.008 of each other and of exact): {}",
        if agree { "yes" } else { "NO - check the yardstick" }
    );
}

fn main() {
    // cargo bench passes --bench; cargo test --benches passes neither flag
    // and criterion then runs each function once as a test.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let benchmarking = has("--bench") && !has("--test") && !has("--list");

    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    if has("--list") {
        return;
    }
    if benchmarking {
        compare_speed();
    }
    sanity_check();
}
