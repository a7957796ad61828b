//! Common random numbers (docs/model.md §C7): every stream is keyed by the
//! names it belongs to and by purpose, so a variant changes only what it
//! changes. And the day-level volume uncertainty `rate_cv` (§C18).

use routesim::engine::{self, Trace};
use routesim::model::{AgentId, QueueId, Scenario};

fn scenario(text: &str) -> Scenario {
    routesim::scenario::parse(text, "crn.toml", "crn", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// (queue name, handle, patience) of every arrival in replication `r`, in arrival order per queue.
fn draws(sc: &Scenario, r: u32, queue: &str) -> Vec<(f64, f64, f64)> {
    let q = sc.queues.position(|q| q.name == queue).unwrap();
    let mut out = Vec::new();
    engine::run_observed(sc, r, |t| {
        if let Trace::Arrived { time, queue, handle, patience, .. } = *t
            && queue == q
        {
            out.push((time, handle, patience));
        }
    });
    out
}

const BASE: &str = r#"
horizon = "1d"
[[queue]]
name = "chat"
arrivals = { per_hour = 60 }
handle_time = { dist = "lognormal", mean = "6m", sd = "4m" }
patience = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "a"
team = "t"
count = 7
"#;

#[test]
fn adding_a_wrap_up_leaves_every_handle_time_and_patience_as_it_was() {
    let base = scenario(BASE);
    let wrapped = scenario(
        &BASE.replace("patience = {", "wrap_up = { dist = \"exponential\", mean = \"1m\" }\npatience = {"),
    );
    assert!(wrapped.queues[QueueId(0)].wrap_up.is_some());
    for r in 0..3 {
        let (a, b) = (draws(&base, r, "chat"), draws(&wrapped, r, "chat"));
        assert!(a.len() > 1000, "{} arrivals", a.len());
        // Same arrivals, same handle times and patience, conversation by conversation.
        assert_eq!(a, b, "replication {r}");
    }
}

#[test]
fn inserting_a_queue_before_another_reseeds_nothing_of_it() {
    let base = scenario(BASE);
    let inserted = scenario(&BASE.replacen(
        "[[queue]]",
        "[[queue]]\nname = \"email\"\narrivals = { per_hour = 20 }\nhandle_time = { dist = \"exponential\", mean = \"10m\" }\n[[queue]]",
        1,
    )
    .replace("queues = [\"chat\"]", "queues = [\"chat\", \"email\"]"));
    assert_eq!(inserted.queues[QueueId(0)].name, "email");
    for r in 0..3 {
        assert_eq!(draws(&base, r, "chat"), draws(&inserted, r, "chat"), "replication {r}");
    }
    // And the streams do differ by replication and by queue.
    assert_ne!(draws(&base, 0, "chat"), draws(&base, 1, "chat"));
}

#[test]
fn adding_agents_to_a_group_leaves_the_first_agents_episodes_alone() {
    let text = |count: u32| {
        format!(
            r#"
horizon = "2d"
[[status]]
name = "Coffee"
[[queue]]
name = "chat"
arrivals = {{ per_hour = 0 }}
handle_time = {{ dist = "exponential", mean = "6m" }}
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "a"
team = "t"
count = {count}
unplanned = [{{ status = "Coffee", per_hour = 0.5, duration = {{ dist = "exponential", mean = "10m" }} }}]
"#
        )
    };
    let statuses = |sc: &Scenario, agent: AgentId| {
        let mut out = Vec::new();
        engine::run_observed(sc, 0, |t| {
            if let Trace::Status { time, agent: a, status } = *t
                && a == agent
            {
                out.push((time, status));
            }
        });
        out
    };
    let (three, five) = (scenario(&text(3)), scenario(&text(5)));
    let coffee = three.statuses.position(|s| s.name == "Coffee").unwrap();
    for agent in (0..3).map(AgentId) {
        let a = statuses(&three, agent);
        assert!(a.iter().filter(|(_, s)| *s == coffee).count() > 5, "agent {agent}: {a:?}");
        assert_eq!(a, statuses(&five, agent), "agent {agent}");
    }
    // Agents draw their own episodes.
    assert_ne!(statuses(&five, AgentId(3)), statuses(&five, AgentId(4)));
}

/// Offered per day of each replication, per queue: `counts[queue][r * days + day]`.
fn daily_offered(sc: &Scenario, replications: u32) -> Vec<Vec<f64>> {
    let days = (sc.horizon / 86_400.0).ceil() as usize;
    let mut counts = vec![vec![0.0; replications as usize * days]; sc.queues.len()];
    for r in 0..replications {
        engine::run_observed(sc, r, |t| {
            if let Trace::Arrived { time, queue, .. } = *t {
                counts[queue.index()][r as usize * days + (time / 86_400.0) as usize] += 1.0;
            }
        });
    }
    counts
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (m, x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0))
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let ((mx, vx), (my, vy)) = (mean_var(x), mean_var(y));
    let cov = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (x.len() as f64 - 1.0);
    cov / (vx * vy).sqrt()
}

/// docs/model.md §C18: with `rate_cv = c`, a day's arrivals are Poisson with
/// a gamma(mean 1, cv c) multiplier on the rate, so a day of mean volume m
/// has variance m + (m c)^2 (a negative binomial), against m without it.
/// Every queue's day shares the draw (correlation near 1); days differ.
#[test]
fn rate_cv_spreads_each_days_volume_and_is_shared_by_the_queues() {
    let text = |cv: &str| {
        format!(
            r#"
horizon = "2d"
drain = "0s"
[[queue]]
name = "chat"
arrivals = {{ per_hour = 25, rate_cv = {cv} }}
handle_time = {{ dist = "exponential", mean = "1m" }}
[[queue]]
name = "email"
arrivals = {{ per_hour = 50, rate_cv = {cv} }}
handle_time = {{ dist = "exponential", mean = "1m" }}
[[team]]
name = "t"
queues = ["chat", "email"]
[[agents]]
name = "a"
team = "t"
count = 10
"#
        )
    };
    let n = 300;
    let (m, cv) = (600.0, 0.2);
    let spread = daily_offered(&scenario(&text("0.2")), n);
    let plain = daily_offered(&scenario(&text("0")), n);
    let chat_day0: Vec<f64> = spread[0].iter().step_by(2).copied().collect();
    let chat_day1: Vec<f64> = spread[0].iter().skip(1).step_by(2).copied().collect();
    let email_day0: Vec<f64> = spread[1].iter().step_by(2).copied().collect();

    let want = m + (m * cv) * (m * cv);
    let (mean, var) = mean_var(&chat_day0);
    // The sample variance of a negative binomial: SE about var * sqrt(2/(n-1)) (with
    // the gamma's excess kurtosis, 6 cv^2, adding a little): allow 4 of those.
    let se_var = want * (2.0 / (f64::from(n) - 1.0)).sqrt() * (1.0 + 6.0 * cv * cv).sqrt();
    eprintln!("chat day 0: mean {mean:.1} (want {m}), variance {var:.0} (want {want:.0} +- {se_var:.0})");
    assert!((mean - m).abs() < 4.0 * (want / f64::from(n)).sqrt(), "mean {mean}");
    assert!((var - want).abs() < 4.0 * se_var, "variance {var}, want {want}");
    let (_, var_plain) = mean_var(&plain[0].iter().step_by(2).copied().collect::<Vec<_>>());
    assert!(var_plain < 2.0 * m, "without rate_cv the variance is Poisson's: {var_plain}");

    // Shared by the queues: correlation (m c)^2 / (m + (m c)^2) for chat vs email.
    let r = correlation(&chat_day0, &email_day0);
    eprintln!("chat vs email, same day: correlation {r:.3}");
    assert!(r > 0.9, "queues share the day's draw: r = {r}");
    // Drawn afresh each day: day 0 and day 1 uncorrelated (4 SE of a zero correlation).
    let r01 = correlation(&chat_day0, &chat_day1);
    eprintln!("chat day 0 vs day 1: correlation {r01:.3}");
    assert!(r01.abs() < 4.0 / f64::from(n).sqrt(), "days draw their own multiplier: r = {r01}");
}

#[test]
fn rate_cv_is_read_from_a_forecast_column_and_must_agree_per_queue() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "horizon = \"1d\"\nforecast = \"f.csv\"\n[[queue]]\nname = \"chat\"\nhandle_time = { dist = \"exponential\", mean = \"1m\" }\n[[team]]\nname = \"t\"\nqueues = [\"chat\"]\n[[agents]]\nname = \"a\"\nteam = \"t\"\ncount = 3\n";
    std::fs::write(dir.path().join("s.toml"), toml).unwrap();
    std::fs::write(
        dir.path().join("f.csv"),
        "start,queue,offered,rate_cv\n08:00,chat,10,0.15\n08:30,chat,12,\n",
    )
    .unwrap();
    let sc = routesim::scenario::load(&dir.path().join("s.toml"), &[]).unwrap();
    assert_eq!(sc.queues[QueueId(0)].arrivals.rate_cv(), 0.15);
    std::fs::write(
        dir.path().join("f.csv"),
        "start,queue,offered,rate_cv\n08:00,chat,10,0.15\n08:30,chat,12,0.2\n",
    )
    .unwrap();
    let e = routesim::scenario::load(&dir.path().join("s.toml"), &[]).unwrap_err().to_string();
    assert!(e.contains("row 3") && e.contains("rate_cv") && e.contains("same value"), "{e}");
}
