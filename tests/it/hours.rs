//! Business hours (issue 19, point 2; docs/model.md §10.13), end to end:
//! waits count only open time (Friday 17:00 to Monday 09:00 is two
//! business hours), patience too (a conversation arriving at night does
//! not abandon before the opening), intervals while closed are not judged
//! (empty `target_met`, left out of the printed misses), `closed` dates
//! need a calendar, and an M/M/c queue open only some hours matches
//! Erlang C in its open hours.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use routesim::engine::{self, Trace};
use routesim::erlang;
use routesim::model::{QueueId, Scenario};

use crate::files::rows;

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const H: f64 = 3600.0;
const DAY: f64 = 86_400.0;

fn scenario(text: &str) -> Scenario {
    routesim::scenario::parse(text, "hours.toml", "hours", &[]).unwrap()
}

/// A weekly array of `7 × 48` half-hour values: `on` where `pick(day, half_hour)`, else 0.
fn week_array(pick: impl Fn(usize, usize) -> bool, on: u32) -> String {
    let mut v = Vec::new();
    for day in 0..7 {
        for slot in 0..48 {
            v.push(if pick(day, slot) { on.to_string() } else { "0".to_owned() });
        }
    }
    format!("[{}]", v.join(", "))
}

/// Emails arrive only on Friday 17:00-17:30 (day 5, undated: day 1 is a
/// Monday); the one agent works only on Mondays from 09:00; the queue is
/// open Mon-Fri 08:00-18:00.
fn friday_email(hours: &str) -> Scenario {
    let arrivals = week_array(|d, s| d == 4 && s == 34, 4);
    let staffing = week_array(|d, s| d == 0 && s >= 18, 1);
    scenario(&format!(
        r#"
seed = 5
horizon = "8d"
interval = "30m"
[[queue]]
name = "email"
sl_threshold = "2h"
{hours}
arrivals = {{ per_interval = {arrivals} }}
handle_time = {{ dist = "constant", value = "1s" }}
[[team]]
name = "t"
queues = ["email"]
[[agents]]
name = "a"
team = "t"
staffing = {staffing}
"#
    ))
}

/// Open seconds of a Mon-Fri 08:00-18:00 week between a Friday instant
/// and a later Monday instant of the next week, written out by hand.
fn friday_to_monday_business(arrival: f64, answer: f64) -> f64 {
    let friday_close = 4.0 * DAY + 18.0 * H;
    let monday_open = 7.0 * DAY + 8.0 * H;
    (friday_close - arrival).max(0.0) + (answer - monday_open).max(0.0)
}

#[test]
fn an_email_from_friday_evening_answered_monday_waits_business_hours() {
    let sc = friday_email("hours = [\"mon-fri 08:00-18:00\"]");
    let mut arrived = BTreeMap::new();
    let mut waits = Vec::new();
    let tally = engine::run_observed(&sc, 0, |t| match *t {
        Trace::Arrived { time, id, .. } => {
            arrived.insert(id, time);
        }
        Trace::Assigned { time, id, .. } => waits.push((arrived[&id], time)),
        _ => {}
    });
    assert!(waits.len() >= 2, "too few emails to check: {}", waits.len());
    let by_hand: Vec<f64> = waits.iter().map(|&(a, t)| friday_to_monday_business(a, t)).collect();
    let counts = &tally.queues[QueueId(0)].counts;
    assert_eq!(counts.answered, waits.len() as u64);
    // ASA in business time: the engine's wait sum is the hand-computed one.
    let sum: f64 = by_hand.iter().sum();
    assert!(
        (counts.wait_sum - sum).abs() < 1e-6 * sum.max(1.0),
        "engine {} vs by hand {sum}",
        counts.wait_sum
    );
    // The first email (the agent is free at Monday 09:00) waits about two business hours, not 64 h.
    let (a, t) = waits[0];
    assert_eq!(t, 7.0 * DAY + 9.0 * H, "answered at Monday 09:00");
    let first = by_hand[0];
    assert!((1.5 * H..=2.0 * H).contains(&first), "first wait {first} s; calendar wait {} s", t - a);
    // Those within two business hours count within the 2 h threshold.
    let within = by_hand.iter().filter(|&&w| w <= 2.0 * H).count() as u64;
    assert_eq!(counts.answered_within, within);
}

#[test]
fn without_hours_the_same_email_waits_calendar_time() {
    // The control: the rule above is what changes the figures.
    let sc = friday_email("");
    let tally = engine::run(&sc, 0);
    let counts = &tally.queues[QueueId(0)].counts;
    assert!(counts.answered >= 2);
    assert!(counts.wait_sum / counts.answered as f64 > 60.0 * H, "calendar waits run over the weekend");
    assert_eq!(counts.answered_within, 0);
}

/// Open 08:00-18:00 every day, 200 agents from 08:00 to 18:00, chat all day
/// with a few minutes' patience.
fn night_and_day(hours: &str) -> Scenario {
    let staffing = week_array(|_, s| (16..36).contains(&s), 200);
    scenario(&format!(
        r#"
seed = 9
horizon = "3d"
interval = "30m"
[[queue]]
name = "chat"
sl_threshold = "1m"
{hours}
arrivals = {{ per_hour = 12 }}
handle_time = {{ dist = "exponential", mean = "2m" }}
patience = {{ dist = "exponential", mean = "5m" }}
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "a"
team = "t"
staffing = {staffing}
"#
    ))
}

fn open_clock(t: f64) -> bool {
    let clock = t.rem_euclid(DAY);
    (8.0 * H..18.0 * H).contains(&clock)
}

#[test]
fn conversations_arriving_at_night_wait_for_the_opening() {
    let sc = night_and_day("hours = [\"mon-sun 08:00-18:00\"]");
    let mut night = BTreeMap::new();
    let mut abandoned = Vec::new();
    let mut answered_at = Vec::new();
    engine::run_observed(&sc, 0, |t| match *t {
        Trace::Arrived { time, id, .. } if !open_clock(time) => {
            night.insert(id, time);
        }
        Trace::Abandoned { time, id } => abandoned.push((id, time)),
        Trace::Assigned { time, id, .. } if night.contains_key(&id) => answered_at.push(time),
        _ => {}
    });
    assert!(night.len() > 100, "too few night arrivals: {}", night.len());
    // Patience runs in business time: nobody abandons while the queue is closed.
    for &(id, time) in &abandoned {
        assert!(open_clock(time), "conversation {id} abandoned at {time} s, while closed");
    }
    // The agents at 08:00 take the night's queue before patience runs out.
    let night_abandoned = abandoned.iter().filter(|(id, _)| night.contains_key(id)).count();
    assert!(
        night_abandoned * 10 < night.len(),
        "{night_abandoned} of {} night arrivals abandoned",
        night.len()
    );
    assert!(answered_at.iter().all(|&t| open_clock(t)), "night arrivals are answered in open hours");
    // The control: with calendar patience the night's customers give up.
    let control = night_and_day("");
    let mut left = 0;
    engine::run_observed(&control, 0, |t| {
        if let Trace::Abandoned { time, .. } = *t
            && !open_clock(time)
        {
            left += 1;
        }
    });
    assert!(left * 2 > night.len(), "without hours most night arrivals abandon: {left}");
}

fn routesim_ok(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).current_dir(dir).output().expect("start routesim");
    assert!(out.status.success(), "routesim {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn intervals_while_closed_are_not_judged() {
    let tmp = tempfile::tempdir().unwrap();
    // Short-staffed in the evening, so open intervals miss too; open Mon-Fri 08:00-18:00, 2026-12-07 a Monday.
    let staffing = week_array(|_, s| (16..30).contains(&s), 3);
    let text = format!(
        r#"
name = "desk"
seed = 4
horizon = "2d"
interval = "1h"
replications = 2
start_date = "2026-12-07"
[[queue]]
name = "email"
sl_threshold = "30m"
sl_target = 0.9
hours = ["mon-fri 08:00-18:00"]
closed = ["2026-12-08"]
arrivals = {{ per_hour = 6 }}
handle_time = {{ dist = "exponential", mean = "20m" }}
[[team]]
name = "t"
queues = ["email"]
[[agents]]
name = "a"
team = "t"
staffing_step = "30m"
staffing = {staffing}
"#
    );
    std::fs::write(tmp.path().join("desk.toml"), text).unwrap();
    let table = routesim_ok(tmp.path(), &["run", "desk.toml", "--out", "out"]);
    let rows = rows(&tmp.path().join("out/intervals.csv"));
    let (mut judged, mut missing) = (0, 0);
    for row in rows.iter().filter(|r| r["scope"] == "queue") {
        let hour: f64 = row["start_seconds"].parse::<f64>().unwrap() / H;
        let open = hour < 24.0 && (8.0..18.0).contains(&hour); // Tuesday 08 Dec is closed
        let met = row["target_met"].as_str();
        if open {
            assert!(met == "true" || met == "false", "open interval {hour} h not judged: {row:?}");
            judged += 1;
            missing += usize::from(met == "false");
        } else {
            assert_eq!(met, "", "closed interval {hour} h judged: {row:?}");
            assert!(
                !row["service_level_fraction"].is_empty() || row["offered_count"] == "0",
                "closed rows keep figures"
            );
        }
    }
    assert_eq!(judged, 10);
    assert!(missing > 0, "the evening shortfall misses in open intervals");
    let line = table
        .lines()
        .find(|l| l.contains("target overall"))
        .unwrap_or_else(|| panic!("no miss line: {table}"));
    assert!(line.contains(&format!("{missing} of {judged} open intervals with traffic")), "{line}");
    // The worst intervals named are open ones (Monday 08:00-18:00).
    assert!(!line.contains("Tue 08 Dec"), "a closed day is named as a miss: {line}");
    for hour in (0..8).chain(18..24) {
        let closed = format!("Mon 07 Dec {hour:02}:00");
        assert!(!line.contains(&closed), "a closed interval is named as a miss: {line}");
    }
}

#[test]
fn closed_dates_need_a_calendar_and_bad_hours_are_named() {
    let text = |top: &str, hours: &str| {
        format!(
            r#"
horizon = "1d"
{top}
[[queue]]
name = "email"
{hours}
arrivals = {{ per_hour = 6 }}
handle_time = {{ dist = "constant", value = "5m" }}
[[team]]
name = "t"
queues = ["email"]
[[agents]]
name = "a"
team = "t"
count = 1
"#
        )
    };
    let err = |t: String| routesim::scenario::parse(&t, "desk.toml", "desk", &[]).unwrap_err().to_string();
    let e = err(text("", "hours = [\"mon-fri 08:00-18:00\"]\nclosed = [\"2026-12-25\"]"));
    assert!(e.contains("desk.toml") && e.contains("queue.email.closed") && e.contains("start_date"), "{e}");
    assert!(e.contains("desk.toml:7:"), "the line of `closed`: {e}");
    let e = err(text("", "hours = [\"mon-fry 08:00-18:00\"]"));
    assert!(e.contains("queue.email.hours") && e.contains("`fry` is not a day"), "{e}");
    let e = err(text("start_date = \"2026-12-07\"", "closed = [\"2026-12-25\"]"));
    assert!(e.contains("needs `hours`"), "{e}");
    // Dated, the same keys load.
    let ok =
        text("start_date = \"2026-12-07\"", "hours = [\"mon-fri 08:00-18:00\"]\nclosed = [\"2026-12-25\"]");
    assert!(routesim::scenario::parse(&ok, "desk.toml", "desk", &[]).is_ok());
}

/// An M/M/c queue open 08:00-20:00 with arrivals and agents only then (agents stay an
/// hour longer, so nothing waits into the closed time): in its open hours, away from
/// the opening's empty start, the service level is Erlang C's.
#[test]
fn open_hours_of_a_queue_without_carry_over_match_erlang_c() {
    let (lambda, service, agents, threshold) = (60.0, 300.0, 7u32, 20.0);
    let per_hour: Vec<String> =
        (0..24).map(|h| if (8..20).contains(&h) { lambda.to_string() } else { "0".to_owned() }).collect();
    let staffing: Vec<String> =
        (0..24).map(|h| if (8..21).contains(&h) { agents.to_string() } else { "0".to_owned() }).collect();
    let sc = scenario(&format!(
        r#"
seed = 21
horizon = "1d"
interval = "1h"
[[queue]]
name = "q"
sl_threshold = "{threshold}s"
hours = ["mon-sun 08:00-20:00"]
arrivals = {{ per_hour = [{}] }}
handle_time = {{ dist = "exponential", mean = "{service}s" }}
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "a"
team = "t"
staffing = [{}]
"#,
        per_hour.join(", "),
        staffing.join(", ")
    ));
    let exact = erlang::erlang_c(lambda / 3600.0, service, agents, threshold).unwrap().service_level;
    // Per replication: the service level pooled over 09:00-20:00.
    let n = 300;
    let levels: Vec<f64> = (0..n)
        .map(|r| {
            let t = engine::run(&sc, r);
            let (within, answered) = (9..20).fold((0, 0), |(w, a), i| {
                let c = &t.interval(i, QueueId(0)).counts;
                (w + c.answered_within, a + c.answered)
            });
            within as f64 / answered as f64
        })
        .collect();
    let mean = levels.iter().sum::<f64>() / f64::from(n);
    let var = levels.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(n - 1);
    let se = (var / f64::from(n)).sqrt();
    assert!(se < 0.01, "too noisy to judge: SE {se}");
    assert!(
        (mean - exact).abs() <= 4.0 * se,
        "open-hour service level {mean:.4} vs Erlang C {exact:.4} (SE {se:.4})"
    );
}
