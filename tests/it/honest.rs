//! Numbers a planner can quote: nothing hidden from the rates (draining),
//! intervals that stay within a metric's range, and wait percentiles that
//! pool every replication's waits (docs/model.md §6 and §8).

use routesim::replicate::{self, Results};
use routesim::stats::{Metric, Unit};

const H: f64 = 3600.0;

fn run(text: &str, sets: &[&str]) -> Results {
    let sets: Vec<String> = sets.iter().map(|s| (*s).to_owned()).collect();
    let sc =
        routesim::scenario::parse(text, "honest.toml", "honest", &sets).unwrap_or_else(|e| panic!("{e}"));
    replicate::run(&sc, 0, &|| {}).unwrap()
}

fn mean(r: &Results, scope: &str, name: &str, metric: &str) -> f64 {
    r.get(scope, name, metric).unwrap_or_else(|| panic!("no {scope},{name},{metric}")).mean
}

/// Email arrives around the clock; one agent works 08:00-16:00.
const AFTER_HOURS: &str = r#"
horizon = "1d"
replications = 4
[[queue]]
name = "email"
sl_threshold = "1h"
arrivals = { per_hour = 4 }
handle_time = { dist = "exponential", mean = "5m" }
[[team]]
name = "t"
queues = ["email"]
[[agents]]
name = "g"
team = "t"
count = 2
shift = { start = "08:00", end = "16:00" }
"#;

/// Email that arrives after the last shift is answered the next morning: it
/// is counted as answered, its wait (hours) misses the threshold, and the
/// service level shows it. With draining off, the same emails are
/// unresolved and still count as misses.
#[test]
fn work_after_the_last_shift_is_answered_next_morning_and_misses() {
    let drained = run(AFTER_HOURS, &[]);
    let offered = mean(&drained, "queue", "email", "offered");
    assert!(offered > 80.0, "{offered}");
    assert_eq!(mean(&drained, "queue", "email", "unresolved"), 0.0);
    assert_eq!(mean(&drained, "queue", "email", "answered"), offered, "every email is answered");
    // Arrivals from 16:00 to 08:00 (16 of 24 hours) wait past the 1 h threshold,
    // except those in the last hour before 08:00: about 15/24 miss it.
    let sl = mean(&drained, "queue", "email", "service_level");
    assert!((sl - 9.0 / 24.0).abs() < 0.08, "service level {sl}, expected about {}", 9.0 / 24.0);
    // Those waits run to hours: an email arriving at 16:00 waits 16 h.
    assert!(mean(&drained, "queue", "email", "asa") > 3.0 * H);
    assert!(mean(&drained, "queue", "email", "wait_p90") > 10.0 * H);
    // Agent time stops at the horizon: 2 agents × 8 h logged in, per replication.
    let logged_in = mean(&drained, "team", "t", "logged_in");
    assert!((logged_in - 2.0 * 8.0 * H).abs() < 1e-6, "{logged_in}");

    let undrained = run(AFTER_HOURS, &["drain=0s"]);
    let unresolved = mean(&undrained, "queue", "email", "unresolved");
    // Everything from 16:00 to the horizon: about 8 h × 4 per hour.
    assert!(unresolved > 20.0, "{unresolved}");
    let answered = mean(&undrained, "queue", "email", "answered");
    assert_eq!(answered + unresolved, mean(&undrained, "queue", "email", "offered"));
    let sl0 = mean(&undrained, "queue", "email", "service_level");
    assert!((sl0 - sl).abs() < 0.08, "unresolved count as misses: {sl0} vs drained {sl}");
    // The printed table shows the unresolved work.
    let table = routesim::report::table(&undrained);
    assert!(table.contains("unresolved"), "{table}");
    assert!(!table.contains("NaN"), "{table}");
}

/// A drain shorter than the night leaves the late emails unresolved; they
/// are reported per interval too, and each offered email ends in exactly one way.
#[test]
fn a_short_drain_leaves_work_unresolved_in_its_arrival_interval() {
    let r = run(AFTER_HOURS, &["drain=4h"]);
    let (offered, answered, unresolved) = (
        mean(&r, "queue", "email", "offered"),
        mean(&r, "queue", "email", "answered"),
        mean(&r, "queue", "email", "unresolved"),
    );
    assert!(unresolved > 20.0, "{unresolved}");
    assert!((answered + unresolved - offered).abs() < 1e-9);
    // Nobody works 16:00-24:00, so everything arriving then is unresolved.
    for row in r.intervals.iter().filter(|row| r.interval_start(row.interval) >= 16.0 * H) {
        assert_eq!(row.answered, 0.0);
        assert_eq!(row.unresolved, row.offered, "interval {}", row.interval);
        if row.offered > 0.0 {
            assert_eq!(row.service_level, 0.0);
            assert_eq!(row.target_met, Some(false));
        }
    }
}

/// Draining does not bias steady-state results: the same M/M/c queue with
/// and without a drain gives the same service level within noise (the
/// Erlang tests in `theory` run with the default drain too).
#[test]
fn draining_a_steady_queue_changes_nothing_material() {
    let text = r#"
horizon = "1d"
warmup = "2h"
replications = 10
[[queue]]
name = "q"
arrivals = { per_hour = 300 }
handle_time = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "2m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "a"
team = "t"
count = 16
"#;
    let (on, off) = (run(text, &[]), run(text, &["drain=0s"]));
    for metric in ["service_level", "abandon_rate", "occupancy"] {
        let (a, b) = (on.get("total", "all", metric).unwrap(), off.get("total", "all", metric).unwrap());
        // Same streams: the drain only adds the last minutes' conversations' ends.
        assert!((a.mean - b.mean).abs() < 0.002, "{metric}: {} vs {}", a.mean, b.mean);
    }
    assert_eq!(mean(&on, "total", "all", "unresolved"), 0.0);
}

/// With two replications Student-t intervals are wide (t = 12.7): no
/// interval leaves the metric's range (fractions in [0, 1], counts and
/// seconds at zero or more), and some were clipped, so the test has bite.
#[test]
fn intervals_stay_in_range_with_two_replications() {
    let text = r#"
horizon = "8h"
replications = 2
[[queue]]
name = "chat"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "10m" }
[[queue]]
name = "rare"
arrivals = { per_hour = 0.3 }
handle_time = { dist = "exponential", mean = "3m" }
patience = { dist = "exponential", mean = "1m" }
[[team]]
name = "t"
queues = ["chat", "rare"]
[[agents]]
name = "a"
team = "t"
count = 2
"#;
    let r = run(text, &[]);
    let mut clipped = 0;
    for row in &r.summary {
        let (min, max) = row.metric.unit().range();
        let ctx = format!("{} {} {}: {row:?}", row.scope.kind(), row.name, row.metric.name());
        if row.ci95_low.is_nan() {
            continue;
        }
        assert!(row.ci95_low >= min && row.ci95_high <= max, "{ctx}");
        assert!(row.ci95_low <= row.mean && row.mean <= row.ci95_high, "{ctx}");
        clipped += usize::from(row.ci95_low == min || row.ci95_high == max);
        if row.metric.unit() == Unit::Fraction {
            assert!(max == 1.0);
        }
    }
    assert!(clipped >= 3, "no interval needed clipping: the test proves nothing");
    for row in &r.intervals {
        if row.sl_ci95_low.is_finite() {
            assert!(
                (0.0..=1.0).contains(&row.sl_ci95_low) && (0.0..=1.0).contains(&row.sl_ci95_high),
                "{row:?}"
            );
        }
    }
}

/// Exact Erlang C waiting-time quantile: P(W > t) = C·exp(-(cμ - λ)t), so
/// for p above 1 - C the p quantile is ln(C / (1 - p)) / (cμ - λ).
fn erlang_c_wait_quantile(lambda: f64, mean_service: f64, agents: u32, p: f64) -> f64 {
    let e = routesim::erlang::erlang_c(lambda, mean_service, agents, 0.0).unwrap();
    let c = e.prob_wait;
    assert!(p > 1.0 - c, "quantile {p} is a zero wait");
    (c / (1.0 - p)).ln() / (f64::from(agents) / mean_service - lambda)
}

/// p90 and p99 of the wait against exact Erlang C, with one-day
/// replications: M/M/30 at 27 Erlangs (the case where averaging each
/// replication's own p99 came out 15% low). Pooled percentiles are
/// within 4 of their sectioning standard errors of the truth (and the
/// standard error is under 5% of it, so the check has power).
#[test]
fn pooled_wait_percentiles_match_exact_erlang_c() {
    let (lambda_h, aht, agents) = (324.0, 300.0, 30);
    let text = format!(
        r#"
seed = 5
horizon = "1d"
warmup = "2h"
replications = 480
[[queue]]
name = "q"
arrivals = {{ per_hour = {lambda_h} }}
handle_time = {{ dist = "exponential", mean = "{aht}s" }}
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "a"
team = "t"
count = {agents}
"#
    );
    let r = run(&text, &[]);
    let sections = f64::from(r.replications.min(replicate::MAX_SECTIONS));
    let t = statrs_t975(sections - 1.0);
    for (metric, p) in [(Metric::WaitP90, 0.9), (Metric::WaitP99, 0.99)] {
        let exact = erlang_c_wait_quantile(lambda_h / H, aht, agents, p);
        let row = r.get("total", "all", metric.name()).unwrap();
        let se = (row.ci95_high - row.mean) / t;
        assert!(se > 0.0 && se < 0.05 * exact, "{}: SE {se} vs exact {exact}", metric.name());
        let z = (row.mean - exact) / se;
        assert!(z.abs() <= 4.0, "{}: {} ± {se} vs exact {exact} ({z:.2} SE)", metric.name(), row.mean);
        eprintln!(
            "{}: pooled {:.1} s [{:.1}, {:.1}] vs exact {exact:.1} s",
            metric.name(),
            row.mean,
            row.ci95_low,
            row.ci95_high
        );
    }
}

fn statrs_t975(df: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(0.975)
}
