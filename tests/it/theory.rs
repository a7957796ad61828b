//! The simulator against exact steady-state queueing theory.
//!
//! Each case simulates a one-queue, one-team, capacity-1 scenario with
//! Poisson arrivals and exponential handle time (and, for Erlang A,
//! exponential patience), and compares service level, ASA, abandon rate,
//! occupancy and the mean queue length with `routesim::erlang`.
//!
//! Tolerance: |mean - exact| ≤ 4 standard errors of the replication mean
//! (SE from the Student-t interval the run reports). Replication means are
//! close to normal, so an unbiased simulator fails a given check with
//! probability ~6e-5; the seed is fixed, so the outcome repeats. A bias of
//! a few SE fails. Each check also requires the SE to be small (see
//! `MAX_SE`), so a noisy run cannot pass by having wide intervals.

use routesim::erlang::{self, QueueMeasures};
use routesim::model::{GroupId, QueueId};
use routesim::replicate::{self, Results};

/// How many standard errors a mean may be from the exact value.
const K: f64 = 4.0;
/// Largest standard error accepted per metric, so the test has power.
const MAX_SE: [(&str, f64); 5] = [
    ("service_level", 0.004),
    ("asa", 0.6),
    ("abandon_rate", 0.002),
    ("occupancy", 0.002),
    // Relative: at most 5% of the exact mean queue length (see `check`).
    ("queue_avg", 0.05),
];

struct Case {
    lambda_per_hour: f64,
    mean_service_s: f64,
    mean_patience_s: Option<f64>,
    agents: u32,
    threshold_s: f64,
    horizon: &'static str,
    replications: u32,
}

fn simulate(c: &Case) -> Results {
    let patience = c
        .mean_patience_s
        .map_or(String::new(), |p| format!("patience = {{ dist = \"exponential\", mean = \"{p}s\" }}"));
    let text = format!(
        r#"
seed = 11
horizon = "{horizon}"
warmup = "3h"
interval = "1h"
replications = {reps}
[[queue]]
name = "q"
sl_threshold = "{t}s"
arrivals = {{ per_hour = {lambda} }}
handle_time = {{ dist = "exponential", mean = "{s}s" }}
{patience}
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "a"
team = "t"
count = {c}
"#,
        horizon = c.horizon,
        reps = c.replications,
        t = c.threshold_s,
        lambda = c.lambda_per_hour,
        s = c.mean_service_s,
        c = c.agents,
    );
    let sc = routesim::scenario::parse(&text, "theory.toml", "theory", &[]).unwrap();
    replicate::run(&sc, 0, &|| {}).unwrap()
}

fn exact(c: &Case) -> QueueMeasures {
    let lambda = c.lambda_per_hour / 3600.0;
    match c.mean_patience_s {
        None => erlang::erlang_c(lambda, c.mean_service_s, c.agents, c.threshold_s).unwrap(),
        Some(p) => erlang::erlang_a(lambda, c.mean_service_s, p, c.agents, c.threshold_s).unwrap(),
    }
}

fn check(c: &Case) {
    let r = simulate(c);
    let e = exact(c);
    let expected = [
        ("service_level", e.service_level),
        ("asa", e.asa),
        ("abandon_rate", e.abandon_rate),
        ("occupancy", e.occupancy),
        ("queue_avg", e.mean_queue_length),
    ];
    let t = r.replications as f64; // only for the message
    for ((metric, want), (_, max_se)) in expected.into_iter().zip(MAX_SE) {
        let row = r.get("total", "all", metric).unwrap();
        let t_crit = student_t_975(row.replications);
        let se = (row.ci95_high - row.mean) / t_crit;
        if c.mean_patience_s.is_none() && metric == "abandon_rate" {
            assert_eq!(row.mean, 0.0, "no patience, yet abandons");
            continue;
        }
        let max_se = if metric == "queue_avg" { max_se * want } else { max_se };
        assert!(se.is_finite() && se < max_se, "{metric}: SE {se} too wide to test (>{max_se}); {t} reps");
        let z = (row.mean - want) / se;
        assert!(
            z.abs() <= K,
            "{metric}: simulated {:.5} ± {se:.5} (SE) vs exact {want:.5}: {z:.2} SE off (λ={}/h, c={})",
            row.mean,
            c.lambda_per_hour,
            c.agents
        );
    }
}

/// Two-sided 95% Student-t critical value for `n` replications (n - 1 d.f.).
fn student_t_975(n: u32) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, f64::from(n - 1)).unwrap().inverse_cdf(0.975)
}

/// Erlang C, occupancy 0.82: λ = 360/h, 90 s handle, 11 agents, T = 20 s.
#[test]
fn erlang_c_moderate_load() {
    check(&Case {
        lambda_per_hour: 360.0,
        mean_service_s: 90.0,
        mean_patience_s: None,
        agents: 11,
        threshold_s: 20.0,
        horizon: "6d",
        replications: 24,
    });
}

/// Erlang C, occupancy 0.90: λ = 720/h, 45 s handle, 10 agents, T = 30 s.
#[test]
fn erlang_c_load_0_90() {
    check(&Case {
        lambda_per_hour: 720.0,
        mean_service_s: 45.0,
        mean_patience_s: None,
        agents: 10,
        threshold_s: 30.0,
        horizon: "6d",
        replications: 24,
    });
}

/// Erlang C, occupancy 0.947 on a large team: λ = 1800/h, 180 s, 95 agents, T = 20 s.
#[test]
fn erlang_c_large_team_load_0_95() {
    check(&Case {
        lambda_per_hour: 1800.0,
        mean_service_s: 180.0,
        mean_patience_s: None,
        agents: 95,
        threshold_s: 20.0,
        horizon: "12d",
        replications: 32,
    });
}

/// Erlang A at offered load exactly 1.0 per agent: λ = 360/h, 90 s, patience 120 s, 9 agents.
#[test]
fn erlang_a_load_1_00() {
    check(&Case {
        lambda_per_hour: 360.0,
        mean_service_s: 90.0,
        mean_patience_s: Some(120.0),
        agents: 9,
        threshold_s: 20.0,
        horizon: "6d",
        replications: 24,
    });
}

/// Erlang A, large team at 0.98 offered load: λ = 1800/h, 180 s, patience 180 s, 92 agents.
#[test]
fn erlang_a_large_team() {
    check(&Case {
        lambda_per_hour: 1800.0,
        mean_service_s: 180.0,
        mean_patience_s: Some(180.0),
        agents: 92,
        threshold_s: 20.0,
        horizon: "6d",
        replications: 24,
    });
}

/// Erlang A overloaded (offered load 1.125 per agent): λ = 1080/h, 60 s, patience 60 s, 16 agents.
#[test]
fn erlang_a_overloaded() {
    check(&Case {
        lambda_per_hour: 1080.0,
        mean_service_s: 60.0,
        mean_patience_s: Some(60.0),
        agents: 16,
        threshold_s: 15.0,
        horizon: "6d",
        replications: 24,
    });
}

/// The bundled reference scenarios hold the values their comments quote.
#[test]
fn bundled_reference_scenarios_match_their_comments() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let c = routesim::scenario::load(&dir.join("erlang-c.toml"), &[]).unwrap();
    let q = &c.queues[QueueId(0)];
    let m = erlang::erlang_c(
        q.mean_rate(),
        q.handle_time.mean(),
        c.groups[GroupId(0)].size() as u32,
        q.sl_threshold,
    )
    .unwrap();
    assert!((m.service_level - 0.7151).abs() < 1e-4 && (m.asa - 17.88).abs() < 0.01, "{m:?}");
    let a = routesim::scenario::load(&dir.join("erlang-a.toml"), &[]).unwrap();
    let q = &a.queues[QueueId(0)];
    let p = q.patience.as_ref().unwrap().mean();
    let m = erlang::erlang_a(
        q.mean_rate(),
        q.handle_time.mean(),
        p,
        a.groups[GroupId(0)].size() as u32,
        q.sl_threshold,
    )
    .unwrap();
    assert!((m.service_level - 0.8726).abs() < 1e-4 && (m.abandon_rate - 0.03199).abs() < 1e-4, "{m:?}");
}
