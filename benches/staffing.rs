//! `routesim staff --method all`: the whole staffing job (the formulas, the
//! simulation method's search and the re-simulation of every method) as
//! `Study::solve` runs it, on all cores.
//!
//! - `swing-day`: one small group (`agents`, one queue, one team) of
//!   scenarios/swing-day.toml, 100 replications per staffing.
//! - `support-day`: group `early` of scenarios/support-day.toml (three
//!   queues, two teams, statuses), 10 replications per staffing (target:
//!   well within 30 s on 2 cores).
//! - `week`: scenarios/week.toml staffed whole (no group: the chat and
//!   email teams together, one array per team and half hour of the week,
//!   its own targets), 20 replications per staffing; the README's figure
//!   (target: well under a minute on 2 cores).
//! - `schedule/week`: `routesim schedule scenarios/week.toml --paid-hours
//!   37.5` as `Planner::solve` runs it (the requirement, the integer
//!   program with the default 2,000 branch-and-bound nodes, the placement,
//!   the simulation and the repair; target: within two minutes on 2 cores).
//!
//! ```text
//! cargo bench --bench staffing
//! cargo bench --bench staffing -- --test    # each once, as a smoke test
//! ```

use std::path::PathBuf;
use std::time::Duration;

use std::hint::black_box;

use criterion::Criterion;
use routesim::driver::Workers;
use routesim::staffing::{Judge, METHODS, Request, Study};

fn job(file: &str, group: &str) -> Study {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    let request = Request {
        group: Some(group.to_owned()),
        teams: Vec::new(),
        targets: vec!["service_level>=0.8".parse().unwrap_or_else(|e| panic!("{e}"))],
        methods: METHODS.to_vec(),
        judge: Judge::Mean,
        paid_hours: None,
    };
    Study::new(&path, &[], request).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Every team of `file` staffed whole, each queue judged against its own
/// targets on the default judgement, as `routesim staff FILE` asks.
fn whole_teams(file: &str) -> Study {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    let request = Request {
        group: None,
        teams: Vec::new(),
        targets: Vec::new(),
        methods: METHODS.to_vec(),
        judge: Judge::from_options(None, None, false).unwrap_or_else(|e| panic!("{e}")),
        paid_hours: Some(37.5),
    };
    Study::new(&path, &[], request).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn staffing(c: &mut Criterion) {
    let mut g = c.benchmark_group("staff-all");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    let workers = Workers::new(0).unwrap_or_else(|e| panic!("{e}"));
    let swing = job("swing-day.toml", "agents");
    g.bench_function("swing-day", |b| {
        b.iter(|| black_box(&swing).solve(&workers, &|_| ()).map(|a| a.methods.len()))
    });
    let support = job("support-day.toml", "early");
    g.bench_function("support-day", |b| {
        b.iter(|| black_box(&support).solve(&workers, &|_| ()).map(|a| a.methods.len()))
    });
    let week = whole_teams("week.toml");
    g.bench_function("week", |b| {
        b.iter(|| black_box(&week).solve(&workers, &|_| ()).map(|a| a.methods.len()))
    });
    g.finish();
}

/// `routesim schedule scenarios/week.toml --paid-hours 37.5`, whole.
fn schedule(c: &mut Criterion) {
    let mut g = c.benchmark_group("schedule");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(60));
    let workers = Workers::new(0).unwrap_or_else(|e| panic!("{e}"));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/week.toml");
    let request = routesim::schedule::ScheduleRequest {
        teams: Vec::new(),
        paid_hours: Some(37.5),
        nodes: routesim::schedule::DEFAULT_NODES,
        time_limit: routesim::schedule::DEFAULT_TIME_LIMIT,
    };
    let planner = routesim::schedule::Planner::new(&path, &[], request).unwrap_or_else(|e| panic!("{e}"));
    g.bench_function("week", |b| {
        b.iter(|| black_box(&planner).solve(&workers, &|_| ()).map(|s| s.agents.len()))
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    staffing(&mut c);
    schedule(&mut c);
    c.final_summary();
}
