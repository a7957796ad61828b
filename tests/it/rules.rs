//! The routing rules of docs/model.md §1-§3, one small scenario each, with
//! expectations worked out by hand from the rule.

use routesim::engine::{self, Trace};
use routesim::model::{AgentId, GroupId, QueueId, Scenario, StatusId, TeamId};
use routesim::replicate;
use typed_index_collections::TiVec;

use crate::checker::check_run;

fn scenario(text: &str) -> Scenario {
    routesim::scenario::parse(text, "rule.toml", "rule", &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn trace(sc: &Scenario) -> Vec<Trace> {
    let mut out = Vec::new();
    engine::run_observed(sc, 0, |t| out.push(*t));
    out
}

/// Times agent `agent` entered `status`.
fn entered(tr: &[Trace], agent: AgentId, status: StatusId) -> Vec<f64> {
    tr.iter()
        .filter_map(|t| match *t {
            Trace::Status { time, agent: a, status: s } if a == agent && s == status => Some(time),
            _ => None,
        })
        .collect()
}

fn status_id(sc: &Scenario, name: &str) -> StatusId {
    sc.statuses.position(|s| s.name == name).unwrap()
}

const H: f64 = 3600.0;

/// docs/model.md §R11: higher priority first. Two queues share one overloaded team; the
/// checker asserts every pick, and the high-priority queue waits far less.
#[test]
fn priority_order() {
    let sc = scenario(
        r#"
horizon = "2d"
[[queue]]
name = "vip"
priority = 1
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "3m" }
[[queue]]
name = "std"
priority = 5
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["std", "vip"]
[[agents]]
name = "a"
team = "t"
count = 4
"#,
    );
    let (seen, tally) = check_run(&sc, 0);
    assert!(seen.contested > 100, "{seen:?}");
    let asa = |q: QueueId| tally.queues[q].counts.asa();
    assert!(
        asa(QueueId(0)) * 5.0 < asa(QueueId(1)),
        "vip ASA {} vs std {}",
        asa(QueueId(0)),
        asa(QueueId(1))
    );
}

/// docs/model.md §R11: within a priority, the longest-waiting conversation first — across
/// queues too. Two queues of equal priority and a single FIFO order.
#[test]
fn longest_wait_within_priority() {
    let sc = scenario(
        r#"
horizon = "1d"
[[queue]]
name = "a"
arrivals = { per_hour = 50 }
handle_time = { dist = "constant", value = "2m" }
[[queue]]
name = "b"
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "2m" }
[[team]]
name = "t"
queues = ["a", "b"]
[[agents]]
name = "g"
team = "t"
count = 3
"#,
    );
    let (seen, _) = check_run(&sc, 0);
    assert!(seen.contested > 100, "{seen:?}");
    // FIFO overall: answered conversations leave the queue in arrival order.
    let tr = trace(&sc);
    let mut arrivals = std::collections::HashMap::new();
    let mut last = -1.0;
    for t in &tr {
        match *t {
            Trace::Arrived { id, time, .. } => {
                arrivals.insert(id, time);
            }
            Trace::Assigned { id, age, .. } if age > 0.0 => {
                let arrived = arrivals[&id];
                assert!(arrived >= last, "conversation from {arrived} answered after one from {last}");
                last = arrived;
            }
            _ => {}
        }
    }
}

fn selection_scenario(rule: &str) -> Scenario {
    scenario(&format!(
        r#"
horizon = "1d"
[routing]
agent_selection = "{rule}"
[[queue]]
name = "chat"
arrivals = {{ per_hour = 150 }}
handle_time = {{ dist = "lognormal", mean = "6m", sd = "4m" }}
[[queue]]
name = "big"
item_size = 2
arrivals = {{ per_hour = 20 }}
handle_time = {{ dist = "exponential", mean = "5m" }}
[[team]]
name = "t"
queues = ["chat", "big"]
capacity = 3
[[agents]]
name = "g"
team = "t"
count = 7
unplanned = [{{ status = "Busy", per_hour = 1, duration = {{ dist = "exponential", mean = "5m" }} }}]
"#
    ))
}

/// docs/model.md §R12, each selection rule: the checker recomputes the choice from its
/// own model of every agent's load and idle time, tie-breaks included.
#[test]
fn each_agent_selection_rule_picks_the_agent_it_should() {
    let mut firsts = Vec::new();
    for rule in ["longest_idle", "most_available", "least_active", "round_robin"] {
        let sc = selection_scenario(rule);
        let (seen, _) = check_run(&sc, 0);
        assert!(seen.selections_checked > 1000, "{rule}: {seen:?}");
        let tr = trace(&sc);
        let order: Vec<usize> = tr
            .iter()
            .filter_map(|t| if let Trace::Assigned { agent, .. } = *t { Some(agent.index()) } else { None })
            .take(40)
            .collect();
        firsts.push(order);
    }
    // Everyone is idle since time 0 at first: ties go to the lowest index.
    for order in &firsts {
        assert_eq!(order[0], 0);
    }
    // The rules are different rules: they do not all make the same choices.
    assert!(firsts.windows(2).any(|w| w[0] != w[1]), "all rules chose alike: {firsts:?}");
}

fn requeue_scenario(requeue: bool, horizon: &str, queue_override: Option<bool>) -> Scenario {
    let over = queue_override.map_or(String::new(), |b| format!("requeue_when_offline = {b}"));
    scenario(&format!(
        r#"
horizon = "{horizon}"
# Stranding is judged at the horizon: no drain after it.
drain = "0s"
[routing]
requeue_when_offline = {requeue}
[[queue]]
name = "q"
arrivals = {{ per_hour = 30 }}
handle_time = {{ dist = "constant", value = "40m" }}
{over}
[[team]]
name = "t"
queues = ["q"]
capacity = 2
[[agents]]
name = "early"
team = "t"
count = 3
shift = {{ start = "00:00", end = "02:00" }}
[[agents]]
name = "late"
team = "t"
count = 3
shift = {{ start = "02:00", end = "06:00" }}
"#
    ))
}

/// docs/model.md §R5, requeue on: at 02:00 the early agents' open conversations go back
/// to the queue, keep their age (checked by the checker) and are answered by
/// the late shift; nothing is stranded.
#[test]
fn requeue_when_offline_on() {
    let sc = requeue_scenario(true, "5h", None);
    let (seen, tally) = check_run(&sc, 0);
    assert!(seen.requeued >= 3, "{seen:?}");
    assert_eq!(tally.queues[QueueId(0)].stranded, 0);
    let tr = trace(&sc);
    let requeued: Vec<u64> = tr
        .iter()
        .filter_map(|t| {
            if let Trace::Requeued { id, time, .. } = *t {
                assert_eq!(time, 2.0 * H);
                Some(id)
            } else {
                None
            }
        })
        .collect();
    for id in requeued {
        let late = tr.iter().any(|t| matches!(*t, Trace::Assigned { id: i, agent, time, .. } if i == id && agent >= AgentId(3) && time >= 2.0 * H));
        assert!(late, "requeued {id} never reached the late shift");
    }
}

/// docs/model.md §R5, requeue off: the conversations stay with the Offline agent and,
/// with no return before the horizon, are counted as stranded.
#[test]
fn requeue_when_offline_off_strands() {
    for sc in [requeue_scenario(false, "5h", None), requeue_scenario(true, "5h", Some(false))] {
        let (seen, tally) = check_run(&sc, 0);
        assert_eq!(seen.requeued, 0);
        assert!(tally.queues[QueueId(0)].stranded >= 3, "stranded {}", tally.queues[QueueId(0)].stranded);
    }
}

/// docs/model.md §R5 and §C2, requeue off with a return: paused work resumes when the agent logs
/// back in the next day and finishes with its remaining handle time.
#[test]
fn requeue_off_paused_work_resumes_on_return() {
    // (Work paused when the shifts end again on day 2 is stranded at the horizon; that is right.)
    let sc = requeue_scenario(false, "1d3h", None);
    check_run(&sc, 0);
    let tr = trace(&sc);
    let mut assigned_at = std::collections::HashMap::new();
    let mut resumed = 0;
    for t in &tr {
        match *t {
            Trace::Assigned { id, time, agent, .. } if agent < AgentId(3) => {
                assigned_at.insert(id, time);
            }
            Trace::Completed { id, time, agent } if agent < AgentId(3) && time > 24.0 * H => {
                let start = assigned_at[&id];
                if start < 2.0 * H {
                    // 40 min of handling: (2h - start) before the break, the rest after 24:00.
                    let rest = 40.0 * 60.0 - (2.0 * H - start);
                    assert!(
                        (time - (24.0 * H + rest)).abs() < 1e-6,
                        "{id}: done at {time}, expected {}",
                        24.0 * H + rest
                    );
                    resumed += 1;
                }
            }
            _ => {}
        }
    }
    assert!(resumed >= 3, "{resumed} conversations resumed");
}

const LUNCH: &str = r#"
horizon = "1d"
interval = "30m"
[[status]]
name = "Lunch"
[[status]]
name = "Training"
enabled = false
[[queue]]
name = "q"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "4m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "g"
team = "t"
count = 5
"#;

/// docs/model.md §R2 and §R4: a custom status's time is reported under its own name, and
/// the agent returns to Available when the episode ends.
#[test]
fn custom_status_time_under_its_name() {
    let sc = scenario(&format!(
        "{LUNCH}schedule = [{{ status = \"Lunch\", at = \"12:00\", duration = \"30m\" }}]\n"
    ));
    let r = replicate::run(&sc, 1, &|| {}).unwrap();
    let lunch = r.statuses.iter().position(|s| s == "Lunch").unwrap();
    let ns = r.statuses.len();
    for i in 0..r.interval_count() {
        let want = if r.interval_start(i) == 12.0 * H { 5.0 * 1800.0 } else { 0.0 };
        let got = r.status_secs[i * ns + lunch];
        // Folded in whole milliseconds.
        assert!((got - want).abs() < 1e-3, "interval {i}: {got} Lunch agent-seconds");
    }
    let tr = trace(&sc);
    let lunch_id = status_id(&sc, "Lunch");
    for a in (0..5).map(AgentId) {
        assert_eq!(entered(&tr, a, lunch_id), vec![12.0 * H]);
        assert_eq!(entered(&tr, a, StatusId::AVAILABLE), vec![0.0, 12.5 * H]);
    }
}

/// docs/model.md §R1: a disabled custom status is never entered: the
/// schedule and unplanned entries that use it are skipped, each with a
/// warning naming the entry, so a policy can be switched off in one
/// `--set status.NAME.enabled=false`. An unknown status is still an error.
#[test]
fn disabled_custom_status_entries_are_skipped_with_a_warning() {
    let text = format!(
        "{LUNCH}schedule = [{{ status = \"Training\", at = \"09:00\", duration = \"1h\" }}, \
         {{ status = \"Lunch\", at = \"12:00\", duration = \"30m\" }}]\n\
         unplanned = [{{ status = \"Training\", per_hour = 2, duration = {{ dist = \"constant\", value = \"5m\" }} }}]\n"
    );
    let sc = scenario(&text);
    let g = &sc.groups[GroupId(0)];
    assert_eq!(g.schedule.len(), 1, "the Training entry is skipped, Lunch kept");
    assert_eq!(g.schedule[0].status, status_id(&sc, "Lunch"));
    assert!(g.unplanned.is_empty());
    let warnings: Vec<String> = routesim::scenario::warnings(&sc).iter().map(ToString::to_string).collect();
    for key in ["agents.g.schedule.0", "agents.g.unplanned.0"] {
        assert!(
            warnings.iter().any(|w| w.contains(key) && w.contains("`Training` is disabled")),
            "{key}: {warnings:?}"
        );
    }
    let training = status_id(&sc, "Training");
    let tr = trace(&sc);
    assert!(!tr.iter().any(|t| matches!(*t, Trace::Status { status, .. } if status == training)));
    assert!(!entered(&tr, AgentId(0), status_id(&sc, "Lunch")).is_empty(), "the other entry still runs");
    let text = format!("{LUNCH}schedule = [{{ status = \"Nap\", at = \"09:00\", duration = \"1h\" }}]\n");
    let err = routesim::scenario::parse(&text, "rule.toml", "rule", &[]).unwrap_err().to_string();
    assert!(err.contains("unknown status `Nap`") && err.contains("agents.g.schedule.0.status"), "{err}");
}

/// docs/model.md §R4: a window spreads the group's agents evenly, so the episode fits in it.
#[test]
fn schedule_window_spreads_agents() {
    let sc = scenario(&format!(
        "{LUNCH}schedule = [{{ status = \"Lunch\", window = \"11:00-13:00\", duration = \"30m\" }}]\n"
    ));
    let tr = trace(&sc);
    let lunch_id = status_id(&sc, "Lunch");
    for a in (0..5).map(AgentId) {
        let want = 11.0 * H + f64::from(a.0) * (1.5 * H / 4.0);
        assert_eq!(entered(&tr, a, lunch_id), vec![want], "agent {a}");
    }
}

/// docs/model.md §R3: login Offline, Available after the ready delay; Unavailable for the
/// wind-down while open work finishes; Offline at the end.
#[test]
fn shift_ready_delay_and_wind_down() {
    let sc = scenario(
        r#"
horizon = "1d"
drain = "0s"
interval = "30m"
[[queue]]
name = "q"
arrivals = { per_hour = 60 }
handle_time = { dist = "constant", value = "8m" }
[[team]]
name = "t"
queues = ["q"]
capacity = 2
[[agents]]
name = "g"
team = "t"
count = 4
shift = { start = "08:00", end = "16:00", ready_delay = "5m", wind_down = "10m" }
"#,
    );
    let tr = trace(&sc);
    for a in (0..4).map(AgentId) {
        assert_eq!(entered(&tr, a, StatusId::AVAILABLE), vec![8.0 * H + 300.0]);
        assert_eq!(entered(&tr, a, StatusId::UNAVAILABLE), vec![16.0 * H - 600.0]);
        assert_eq!(entered(&tr, a, StatusId::OFFLINE), vec![16.0 * H]);
    }
    // Work assigned before the wind-down finishes during it.
    let finished_in_wind_down = tr
        .iter()
        .filter(
            |t| matches!(**t, Trace::Completed { time, .. } if time > 16.0 * H - 600.0 && time <= 16.0 * H),
        )
        .count();
    assert!(finished_in_wind_down > 0);
    let (_, tally) = check_run(&sc, 0);
    let unavailable_1530: f64 = tally.status_secs(31, TeamId(0), StatusId::UNAVAILABLE);
    assert!((unavailable_1530 - 4.0 * 600.0).abs() < 1e-6, "{unavailable_1530}");
    let offline_0800: f64 = tally.status_secs(16, TeamId(0), StatusId::OFFLINE);
    assert!((offline_0800 - 4.0 * 300.0).abs() < 1e-6, "{offline_0800}");
}

/// docs/model.md §R3 and §C5: a shift past midnight is under way at time 0 and starts again at night.
#[test]
fn overnight_shift() {
    let sc = scenario(
        r#"
horizon = "1d"
[[queue]]
name = "q"
arrivals = { per_hour = 5 }
handle_time = { dist = "exponential", mean = "4m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "night"
team = "t"
count = 2
shift = { start = "22:00", end = "06:00" }
"#,
    );
    let tr = trace(&sc);
    assert_eq!(entered(&tr, AgentId(0), StatusId::AVAILABLE), vec![0.0, 22.0 * H]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::OFFLINE), vec![6.0 * H]);
}

/// Staffing arrays (docs/model.md §C8): the logged-in headcount follows the array, and when it
/// drops the agents with the least open work log off first.
#[test]
fn staffing_array_and_least_loaded_log_off_first() {
    let levels: Vec<u32> = (0..24).map(|h| [2, 6, 3, 8, 1, 5][h % 6]).collect();
    let text = format!(
        r#"
horizon = "1d"
interval = "1h"
[[queue]]
name = "q"
arrivals = {{ per_hour = 60 }}
handle_time = {{ dist = "exponential", mean = "15m" }}
[[team]]
name = "t"
queues = ["q"]
capacity = 3
[[agents]]
name = "g"
team = "t"
staffing = {levels:?}
"#
    );
    let sc = scenario(&text);
    let r = replicate::run(&sc, 1, &|| {}).unwrap();
    for row in &r.team_intervals {
        assert!(
            (row.agents_logged_in - f64::from(levels[row.interval])).abs() < 1e-6,
            "interval {}: {}",
            row.interval,
            row.agents_logged_in
        );
    }
    // Replay: at each drop, nobody who logs off had more open work than anyone who stayed.
    let tr = trace(&sc);
    let mut open = [0i32; 8];
    let mut logged_in = [false; 8];
    let mut i = 0;
    while i < tr.len() {
        let time = match tr[i] {
            Trace::Status { time, .. } => time,
            _ => f64::NAN,
        };
        if time.is_finite() && time > 0.0 {
            let mut off = vec![];
            let mut j = i;
            while let Some(Trace::Status { time: t, agent, status }) = tr.get(j).copied() {
                if t != time {
                    break;
                }
                let agent = agent.index();
                if status == StatusId::OFFLINE {
                    off.push((agent, open[agent]));
                    logged_in[agent] = false;
                } else {
                    logged_in[agent] = true;
                }
                j += 1;
            }
            let stay_min = (0..8).filter(|&a| logged_in[a]).map(|a| open[a]).min();
            for (agent, load) in &off {
                if let Some(min) = stay_min {
                    assert!(
                        *load <= min,
                        "t={time}: agent {agent} with {load} open logged off before one with {min}"
                    );
                }
            }
        }
        match tr[i] {
            Trace::Assigned { agent, .. } => open[agent.index()] += 1,
            Trace::Completed { agent, .. } | Trace::Requeued { agent, .. } => open[agent.index()] -= 1,
            Trace::Status { agent, status, .. } => logged_in[agent.index()] = status != StatusId::OFFLINE,
            _ => {}
        }
        i += 1;
    }
}

/// docs/model.md §R4 and §C4: a planned episode that comes due during another waits for it to
/// end, then runs in full; the agent then returns to Available.
#[test]
fn planned_episode_waits_for_the_running_one() {
    let sc = scenario(&format!(
        "{LUNCH}schedule = [{{ status = \"Unavailable\", at = \"11:50\", duration = \"20m\" }}, {{ status = \"Lunch\", at = \"12:00\", duration = \"30m\" }}]\n"
    ));
    let tr = trace(&sc);
    let lunch_id = status_id(&sc, "Lunch");
    assert_eq!(entered(&tr, AgentId(0), StatusId::UNAVAILABLE), vec![11.0 * H + 50.0 * 60.0]);
    assert_eq!(entered(&tr, AgentId(0), lunch_id), vec![12.0 * H + 10.0 * 60.0]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::AVAILABLE), vec![0.0, 12.0 * H + 40.0 * 60.0]);
}

fn one_group(shift_and_schedule: &str, extra_top: &str) -> Scenario {
    let rates: Vec<u32> = (0..48).map(|i| 10 + i % 7).collect();
    scenario(&format!(
        r#"
horizon = "1d"
# These rules are about what happens within the horizon: no drain after it.
drain = "0s"
interval = "30m"
{extra_top}
[[status]]
name = "Lunch"
[[status]]
name = "Coaching"
[[queue]]
name = "q"
arrivals = {{ per_hour = {rates:?} }}
handle_time = {{ dist = "exponential", mean = "4m" }}
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "g"
team = "t"
count = 3
{shift_and_schedule}
"#
    ))
}

/// Regression (docs/model.md §C5): a shift under way at midnight started Available at time 0,
/// ignoring a wind-down (or ready delay) already due, and scheduled its
/// wind-down at a negative time that fired at the end of the run.
#[test]
fn shift_under_way_at_midnight_keeps_wind_down_and_ready_delay() {
    let sc = one_group(r#"shift = { start = "23:00", end = "00:30", wind_down = "60m" }"#, "");
    let tr = trace(&sc);
    assert_eq!(entered(&tr, AgentId(0), StatusId::UNAVAILABLE), vec![0.0, 23.5 * H]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::OFFLINE), vec![0.5 * H]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::AVAILABLE), vec![23.0 * H]);
    let sc = one_group(r#"shift = { start = "23:50", end = "08:00", ready_delay = "20m" }"#, "");
    let tr = trace(&sc);
    // Ready at 00:10; the next login at 23:50 is still in its ready delay at the horizon.
    assert_eq!(entered(&tr, AgentId(0), StatusId::AVAILABLE), vec![600.0]);
    for t in &tr {
        if let Trace::Status { time, .. } = *t {
            assert!((0.0..sc.horizon).contains(&time), "status change at {time}");
        }
    }
    check_run(&sc, 0);
}

/// Regression: an interval that is not a whole number of seconds (9.6 s
/// divides the day) let rounding stall the arrival search; it is rejected.
#[test]
fn fractional_interval_is_rejected() {
    let text = LUNCH.replace("interval = \"30m\"", "interval = \"9.6s\"");
    let err = routesim::scenario::parse(&text, "rule.toml", "rule", &[]).unwrap_err().to_string();
    assert!(err.contains("`interval`") && err.contains("whole number of seconds"), "{err}");
}

/// Regression (docs/model.md §C4): only the first of several planned episodes that came due
/// during another ran; the rest were dropped. Now they follow in order.
#[test]
fn planned_episodes_due_during_another_all_run_in_order() {
    let sc = one_group(
        r#"schedule = [
  { status = "Lunch", at = "12:00", duration = "60m" },
  { status = "Unavailable", at = "12:15", duration = "10m" },
  { status = "Coaching", at = "12:30", duration = "20m" },
]"#,
        "",
    );
    let tr = trace(&sc);
    assert_eq!(entered(&tr, AgentId(0), status_id(&sc, "Lunch")), vec![12.0 * H]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::UNAVAILABLE), vec![13.0 * H]);
    assert_eq!(entered(&tr, AgentId(0), status_id(&sc, "Coaching")), vec![13.0 * H + 600.0]);
    assert_eq!(entered(&tr, AgentId(0), StatusId::AVAILABLE), vec![0.0, 13.5 * H]);
}

/// Regression (docs/model.md §C6): the ready delay after login (agents log in Offline) was left
/// out of "time logged in", overstating shrinkage and understating agents
/// logged in.
#[test]
fn ready_delay_counts_as_logged_in() {
    let sc = one_group(
        r#"shift = { start = "08:00", end = "16:00", ready_delay = "15m" }
schedule = [{ status = "Lunch", at = "12:00", duration = "30m" }]"#,
        "replications = 1",
    );
    let r = replicate::run(&sc, 1, &|| {}).unwrap();
    let shrinkage = r.get("team", "t", "shrinkage").unwrap().mean;
    assert!((shrinkage - 1800.0 / (8.0 * H)).abs() < 1e-9, "shrinkage {shrinkage}");
    let at_eight = r.team_intervals.iter().find(|row| r.interval_start(row.interval) == 8.0 * H).unwrap();
    assert!((at_eight.agents_logged_in - 3.0).abs() < 1e-6, "{}", at_eight.agents_logged_in);
    // Available for 15 of the 30 minutes, with spare capacity or full.
    let available = at_eight.agents_available_spare + at_eight.agents_available_full;
    assert!((available - 3.0 * 15.0 / 30.0).abs() < 1e-6, "{available}");
}

/// (team, age at assignment) of every assignment, by the agent's team.
fn assignments_by_team(sc: &Scenario) -> Vec<(TeamId, f64)> {
    let team_of: TiVec<AgentId, TeamId> =
        sc.groups.iter().flat_map(|g| std::iter::repeat_n(g.team, g.size())).collect();
    trace(sc)
        .into_iter()
        .filter_map(|t| match t {
            Trace::Assigned { agent, age, .. } => Some((team_of[agent], age)),
            _ => None,
        })
        .collect()
}

const OVERFLOW: &str = r#"
horizon = "1d"
[[queue]]
name = "chat"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "5m" }
patience = PATIENCE
[[team]]
name = "front"
queues = ["chat"]
[[team]]
name = "backup"
queues = [{ queue = "chat", delay = "60s" }]
[[agents]]
name = "f"
team = "front"
count = 4
[[agents]]
name = "b"
team = "backup"
count = 3
"#;

/// docs/model.md §R15: an overflow team never takes a conversation younger
/// than its delay, and does take the ones that wait that long; the checker
/// asserts every pick against the profile.
#[test]
fn overflow_team_waits_its_delay() {
    let sc = scenario(&OVERFLOW.replace("PATIENCE", "{ dist = \"exponential\", mean = \"10m\" }"));
    check_run(&sc, 0);
    let all = assignments_by_team(&sc);
    let backup: Vec<f64> = all.iter().filter(|(t, _)| *t == TeamId(1)).map(|(_, age)| *age).collect();
    let front = all.iter().filter(|(t, _)| *t == TeamId(0)).count();
    assert!(backup.len() > 50 && front > 500, "backup took {}, front {front}", backup.len());
    let youngest = backup.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(youngest >= 60.0 - 1e-6, "the backup team took a conversation after {youngest} s");
    // Most overflow is taken the moment it becomes eligible (idle backup agents).
    let at_delay = backup.iter().filter(|&&a| a < 60.0 + 1e-6).count();
    assert!(at_delay * 2 > backup.len(), "{at_delay} of {} taken at 60 s", backup.len());
}

/// docs/model.md §R15: with a delay longer than every patience, the overflow
/// team takes nothing.
#[test]
fn overflow_longer_than_any_patience_takes_nothing() {
    let sc = scenario(&OVERFLOW.replace("PATIENCE", "{ dist = \"uniform\", min = \"10s\", max = \"50s\" }"));
    check_run(&sc, 0);
    let all = assignments_by_team(&sc);
    assert!(all.iter().any(|(t, _)| *t == TeamId(0)), "the front team works");
    assert_eq!(all.iter().filter(|(t, _)| *t == TeamId(1)).count(), 0);
}

/// docs/model.md §R15: a team ranks queues by its own priority for them,
/// not the queues' priorities. The queue `vip` has priority 1 and `std` 5,
/// but the team's profile puts `std` first: `std` waits far less.
#[test]
fn team_priority_overrides_the_queues_own() {
    let sc = scenario(
        r#"
horizon = "2d"
[[queue]]
name = "vip"
priority = 1
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "3m" }
[[queue]]
name = "std"
priority = 5
arrivals = { per_hour = 40 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = [{ queue = "vip", priority = 2 }, { queue = "std", priority = 1 }]
[[agents]]
name = "a"
team = "t"
count = 4
"#,
    );
    check_run(&sc, 0);
    let r = replicate::run(&sc, 1, &|| {}).unwrap();
    let asa = |q: &str| r.get("queue", q, "asa").unwrap().mean;
    assert!(asa("std") * 3.0 < asa("vip"), "std {} vip {}", asa("std"), asa("vip"));
}

/// docs/model.md §R15: a bad routing-profile entry is named by its key.
#[test]
fn bad_profile_entries_are_named() {
    let text = |entries: &str| {
        format!(
            "horizon = \"1d\"\n[[queue]]\nname = \"chat\"\narrivals = {{ per_hour = 6 }}\nhandle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n\
             [[team]]\nname = \"t\"\nqueues = [{entries}]\n[[agents]]\nname = \"a\"\nteam = \"t\"\ncount = 2\n"
        )
    };
    let err = |entries: &str| {
        routesim::scenario::parse(&text(entries), "p.toml", "p", &[]).unwrap_err().to_string()
    };
    let e = err(r#"{ queue = "chat", priority = 0 }"#);
    assert!(e.contains("team.t.queues.0.priority") && e.contains("from 1"), "{e}");
    let e = err(r#"{ queue = "chat", delay = "soon" }"#);
    assert!(e.contains("team.t.queues.0.delay") && e.contains("duration"), "{e}");
    let e = err(r#""chat", { queue = "chat", delay = "1m" }"#);
    assert!(e.contains("team.t.queues.1") && e.contains("listed twice"), "{e}");
    let e = err(r#"{ queue = "chta" }"#);
    assert!(e.contains("team.t.queues.0.queue") && e.contains("did you mean `chat`"), "{e}");
    let e = err(r#"{ queue = "chat", wait = "1m" }"#);
    assert!(e.contains("team.t.queues") && e.contains("delay = \"60s\""), "{e}");
    let sc = scenario(&text(r#"{ queue = "chat", priority = 3, delay = "90s" }"#));
    assert_eq!((sc.teams[TeamId(0)].priorities[0], sc.teams[TeamId(0)].delays[0]), (3, 90.0));
}

/// The (time, agent, outcome) of every ended offer, in trace order.
fn offer_ends(tr: &[Trace]) -> Vec<(f64, u64, AgentId, engine::OfferOutcome)> {
    tr.iter()
        .filter_map(|t| match *t {
            Trace::OfferEnded { time, id, agent, outcome } => Some((time, id, agent, outcome)),
            _ => None,
        })
        .collect()
}

/// docs/model.md §R13: an offer not accepted within the timeout is missed
/// at the timeout; the agent goes Unavailable right then for the drawn
/// `missed_unavailable` time (constant 2m here) and is Available again at
/// exactly t + 120 s; the conversation is offered next to another agent, and
/// when finally assigned its `age` runs from its first arrival (offer time
/// included). An accepted offer is assigned at the acceptance. The checker
/// asserts every pick.
#[test]
fn missed_offer_moves_on_with_its_age_and_rests_the_agent() {
    let sc = scenario(
        r#"
horizon = "12h"
[routing]
assignment = "accept"
accept_delay = { dist = "uniform", min = "10s", max = "50s" }
accept_timeout = "30s"
missed_unavailable = { dist = "constant", value = "2m" }
[[queue]]
name = "q"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "4m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "g"
team = "t"
count = 5
"#,
    );
    let (seen, _) = check_run(&sc, 0);
    assert!(seen.missed > 30 && seen.offers > seen.missed + 30, "{seen:?}");
    let tr = trace(&sc);
    let mut arrival = std::collections::HashMap::new();
    let mut offered: std::collections::HashMap<u64, (f64, AgentId)> = std::collections::HashMap::new();
    let mut last_missed_by: std::collections::HashMap<u64, AgentId> = std::collections::HashMap::new();
    let mut just_missed: std::collections::HashMap<u64, (AgentId, f64)> = std::collections::HashMap::new();
    let (mut reoffered, mut moved_on, mut late_assigned, mut missed) = (0, 0, 0, 0);
    for t in &tr {
        match *t {
            Trace::Arrived { id, time, .. } => {
                arrival.insert(id, time);
            }
            Trace::Offered { id, agent, time, .. } => {
                // The offer right after a miss goes to someone else, or
                // (when nobody else is free) to the same agent once back from
                // its 2 minutes Unavailable.
                if let Some((prev, at)) = just_missed.remove(&id) {
                    if prev == agent {
                        assert!(
                            time >= at + 120.0 - 1e-6,
                            "{id} offered again to {agent} at {time}, missed at {at}"
                        );
                    } else {
                        moved_on += 1;
                    }
                    reoffered += 1;
                }
                offered.insert(id, (time, agent));
            }
            Trace::OfferEnded { time, id, agent, outcome } => {
                let (at, to) = offered[&id];
                assert_eq!(to, agent);
                match outcome {
                    engine::OfferOutcome::Missed => {
                        assert!(
                            (time - at - 30.0).abs() < 1e-6,
                            "{id} missed {} s after the offer",
                            time - at
                        );
                        last_missed_by.insert(id, agent);
                        just_missed.insert(id, (agent, time));
                        missed += 1;
                    }
                    engine::OfferOutcome::Accepted => {
                        let d = time - at;
                        assert!((10.0 - 1e-6..=30.0 + 1e-6).contains(&d), "{id} accepted after {d} s");
                    }
                    o => panic!("{id}: unexpected outcome {o:?}"),
                }
            }
            Trace::Assigned { id, time, agent, age, .. } => {
                let (_, to) = offered[&id];
                assert_eq!(to, agent, "{id} assigned to an agent it was not offered to");
                assert!((age - (time - arrival[&id])).abs() < 1e-6, "{id}: age {age} at {time}");
                if last_missed_by.contains_key(&id) {
                    late_assigned += 1;
                }
            }
            _ => {}
        }
    }
    assert!(
        missed > 30 && moved_on > 20 && late_assigned > 20,
        "missed {missed}, offered again {reoffered} (to another agent {moved_on}), assigned after a miss {late_assigned}"
    );
    for (time, _, agent, outcome) in offer_ends(&tr) {
        if outcome != engine::OfferOutcome::Missed {
            continue;
        }
        let un = entered(&tr, agent, StatusId::UNAVAILABLE);
        assert!(un.iter().any(|&u| (u - time).abs() < 1e-6), "agent {agent} not Unavailable at {time}");
        if time + 120.0 < sc.horizon {
            let av = entered(&tr, agent, StatusId::AVAILABLE);
            assert!(
                av.iter().any(|&u| (u - (time + 120.0)).abs() < 1e-6),
                "agent {agent} missed at {time}, Available again at {av:?}"
            );
        }
    }
}

/// docs/model.md §R13: with exponential accept delays (mean 40 s) and a
/// 30 s timeout, and nothing else ending offers, the share missed is
/// P(D > 30) = e^{-0.75} and the mean accept wait is E[D | D <= 30] =
/// 40 - 30 e^{-0.75} / (1 - e^{-0.75}); both within 4 standard errors, with
/// enough offers that the SE of the share is under 0.01.
#[test]
fn missed_share_matches_exp_minus_timeout_over_mean() {
    let sc = scenario(
        r#"
horizon = "2d"
[routing]
assignment = "accept"
accept_delay = { dist = "exponential", mean = "40s" }
accept_timeout = "30s"
missed_unavailable = { dist = "constant", value = "10s" }
[[queue]]
name = "q"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "g"
team = "t"
count = 20
"#,
    );
    let (seen, tally) = check_run(&sc, 0);
    assert_eq!(seen.withdrawn, 0, "{seen:?}");
    let tr = trace(&sc);
    let mut offered = std::collections::HashMap::new();
    let (mut missed, mut waits) = (0u64, Vec::new());
    for t in &tr {
        match *t {
            Trace::Offered { id, time, .. } => {
                offered.insert(id, time);
            }
            Trace::OfferEnded { time, id, outcome, .. } => match outcome {
                engine::OfferOutcome::Missed => missed += 1,
                engine::OfferOutcome::Accepted => waits.push(time - offered[&id]),
                o => panic!("{id}: unexpected outcome {o:?}"),
            },
            _ => {}
        }
    }
    let n = missed + waits.len() as u64;
    let p = (-30.0f64 / 40.0).exp();
    let share = missed as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    eprintln!("missed share {share:.4} over {n} offers, expected {p:.4}, SE {se:.4}");
    assert!(se < 0.01, "too few offers for power: SE {se}");
    assert!((share - p).abs() < 4.0 * se, "missed share {share} vs {p} (SE {se})");
    let m = waits.len() as f64;
    let mean = waits.iter().sum::<f64>() / m;
    let sd = (waits.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
    let se_w = sd / m.sqrt();
    let want = 40.0 - 30.0 * p / (1.0 - p);
    eprintln!("accept wait {mean:.3} s over {m} accepted, expected {want:.3}, SE {se_w:.3}");
    assert!((mean - want).abs() < 4.0 * se_w, "accept wait {mean} vs {want} (SE {se_w})");
    // The tally agrees with the trace (all offers counted: no warm-up).
    let q = &tally.queues[QueueId(0)];
    assert_eq!((q.missed_offers, q.accepted), (missed, waits.len() as u64));
    assert!((q.accept_wait_sum / q.accepted as f64 - mean).abs() < 1e-6);
}

/// docs/model.md §M27-§M28 with patience: an offer ends at the first of the
/// accept delay D ~ Exp(μ), the timeout τ and the customer's remaining
/// patience P ~ Exp(θ) (memoryless, so the same at every offer). With
/// λ = μ + θ: P(missed) = e^{-λτ}, P(accepted) = μ/λ (1 - e^{-λτ}),
/// P(abandoned) = θ/λ (1 - e^{-λτ}), and the accept wait is Exp(λ) cut at τ:
/// 1/λ - τ e^{-λτ} / (1 - e^{-λτ}). The patience-free values of the test
/// above (P(D > τ) = 0.472, E[D | D ≤ τ] = 13.0 s) are far outside the
/// tolerance here, so this test tells the two statements apart.
#[test]
fn offers_compete_with_patience() {
    let sc = scenario(
        r#"
horizon = "4d"
[routing]
assignment = "accept"
accept_delay = { dist = "exponential", mean = "40s" }
accept_timeout = "30s"
missed_unavailable = { dist = "constant", value = "10s" }
[[queue]]
name = "q"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4m" }
patience = { dist = "exponential", mean = "1m" }
[[team]]
name = "t"
queues = ["q"]
[[agents]]
name = "g"
team = "t"
count = 20
"#,
    );
    let (_, tally) = check_run(&sc, 0);
    let tr = trace(&sc);
    let mut offered = std::collections::HashMap::new();
    let (mut missed, mut abandoned, mut waits) = (0u64, 0u64, Vec::new());
    for t in &tr {
        match *t {
            Trace::Offered { id, time, .. } => {
                offered.insert(id, time);
            }
            Trace::OfferEnded { time, id, outcome, .. } => match outcome {
                engine::OfferOutcome::Missed => missed += 1,
                engine::OfferOutcome::Accepted => waits.push(time - offered[&id]),
                engine::OfferOutcome::Abandoned => abandoned += 1,
                o => panic!("{id}: unexpected outcome {o:?}"),
            },
            _ => {}
        }
    }
    let (mu, theta, tau) = (1.0f64 / 40.0, 1.0f64 / 60.0, 30.0f64);
    let lambda = mu + theta;
    let cut = (-lambda * tau).exp();
    let p_missed = cut;
    let p_accepted = mu / lambda * (1.0 - cut);
    let p_abandoned = theta / lambda * (1.0 - cut);
    assert!((p_missed + p_accepted + p_abandoned - 1.0).abs() < 1e-12);

    let accepted = waits.len() as u64;
    let all = (missed + accepted + abandoned) as f64;
    for (name, seen, p) in [
        ("missed", missed, p_missed),
        ("accepted", accepted, p_accepted),
        ("abandoned", abandoned, p_abandoned),
    ] {
        let share = seen as f64 / all;
        let se = (p * (1.0 - p) / all).sqrt();
        eprintln!("{name}: {share:.4} of {all} offers, expected {p:.4}, SE {se:.4}");
        assert!(se < 0.01, "too few offers for power: SE {se}");
        assert!((share - p).abs() < 4.0 * se, "{name} share {share} vs {p} (SE {se})");
    }
    // M27's ratio: missed / (missed + accepted) estimates the competing-risk
    // value, not P(D > τ) = e^{-μτ}.
    let ratio = missed as f64 / (missed + accepted) as f64;
    let want = p_missed / (p_missed + p_accepted);
    let n = (missed + accepted) as f64;
    let se = (want * (1.0 - want) / n).sqrt();
    let naive = (-mu * tau).exp();
    eprintln!(
        "missed / (missed + accepted) {ratio:.4}, competing risk {want:.4}, without patience {naive:.4}"
    );
    assert!((ratio - want).abs() < 4.0 * se, "ratio {ratio} vs {want} (SE {se})");
    assert!((naive - want).abs() > 8.0 * se, "the test must tell the two values apart");

    let m = waits.len() as f64;
    let mean = waits.iter().sum::<f64>() / m;
    let sd = (waits.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
    let se_w = sd / m.sqrt();
    let want_w = 1.0 / lambda - tau * cut / (1.0 - cut);
    let naive_w = 1.0 / mu - tau * (-mu * tau).exp() / (1.0 - (-mu * tau).exp());
    eprintln!(
        "accept wait {mean:.3} s, competing risk {want_w:.3}, without patience {naive_w:.3}, SE {se_w:.3}"
    );
    assert!((mean - want_w).abs() < 4.0 * se_w, "accept wait {mean} vs {want_w} (SE {se_w})");
    assert!((naive_w - want_w).abs() > 8.0 * se_w, "the test must tell the two values apart");
    let q = &tally.queues[QueueId(0)];
    assert_eq!((q.missed_offers, q.accepted), (missed, accepted));
}

fn synced_scenario(capacity: u32, chat_per_hour: u32, agents: u32, capacity_aware: Option<bool>) -> Scenario {
    let aware = capacity_aware.map_or(String::new(), |b| format!("capacity_aware = {b}"));
    scenario(&format!(
        r#"
horizon = "12h"
[[queue]]
name = "chat"
arrivals = {{ per_hour = {chat_per_hour} }}
handle_time = {{ dist = "exponential", mean = "5m" }}
[[queue]]
name = "phone"
priority = 1
arrivals = {{ per_hour = 12 }}
handle_time = {{ dist = "exponential", mean = "3m" }}
wrap_up = {{ dist = "constant", value = "30s" }}
busy_while_handling = true
{aware}
[[team]]
name = "t"
queues = ["chat", "phone"]
capacity = {capacity}
[[agents]]
name = "g"
team = "t"
count = {agents}
"#
    ))
}

/// docs/model.md §R14: a call of a `busy_while_handling` queue puts its agent
/// in Busy from the assignment until handle time and wrap-up are over (the
/// Completed), with no other assignment or offer to that agent meanwhile,
/// and the agent is Available again at that completion. Busy time shows in
/// the tally; the checker asserts every pick.
#[test]
fn busy_synced_call_blocks_other_work_and_returns_to_available() {
    let sc = synced_scenario(3, 30, 3, None);
    let (seen, tally) = check_run(&sc, 0);
    assert!(seen.calls > 50, "{seen:?}");
    let tr = trace(&sc);
    let mut drawn = std::collections::HashMap::new();
    // Agent -> (call id, assigned at) while on a call.
    let mut on_call: std::collections::HashMap<AgentId, (u64, f64)> = std::collections::HashMap::new();
    let (mut calls, mut chats_during_calls_blocked, mut busy_calls) = (0, 0, 0.0);
    for (i, t) in tr.iter().enumerate() {
        match *t {
            Trace::Arrived { id, handle, wrap, .. } => {
                drawn.insert(id, handle + wrap);
            }
            Trace::Assigned { id, time, agent, queue, .. } => {
                assert!(!on_call.contains_key(&agent), "{id} assigned to agent {agent} on a call at {time}");
                if queue == QueueId(1) {
                    calls += 1;
                    // Busy from the assignment, at the same time.
                    let busy = tr[i + 1..]
                        .iter()
                        .take_while(|t| matches!(**t, Trace::Status { time: s, .. } if s == time))
                        .any(|t| matches!(*t, Trace::Status { agent: a, status, .. } if a == agent && status == StatusId::BUSY));
                    assert!(busy, "agent {agent} not Busy at {time} when given call {id}");
                    on_call.insert(agent, (id, time));
                }
            }
            Trace::Offered { agent, time, .. } => {
                assert!(!on_call.contains_key(&agent), "offer to agent {agent} on a call at {time}");
            }
            Trace::Status { agent, status, time } if on_call.contains_key(&agent) => {
                assert_eq!(status, StatusId::BUSY, "agent {agent} left Busy at {time} during a call");
            }
            Trace::Completed { id, time, agent } => {
                if on_call.get(&agent).is_some_and(|&(c, _)| c == id) {
                    let (_, at) = on_call.remove(&agent).unwrap();
                    assert!((time - at - drawn[&id]).abs() < 1e-6, "call {id} ended at {time}");
                    busy_calls += drawn[&id];
                    assert!(
                        entered(&tr, agent, StatusId::AVAILABLE).contains(&time),
                        "agent {agent} not Available again at {time}"
                    );
                } else if on_call.contains_key(&agent) {
                    // A chat taken before the call finishes during it.
                    chats_during_calls_blocked += 1;
                }
            }
            _ => {}
        }
    }
    assert!(calls > 50, "{calls} calls");
    assert!(chats_during_calls_blocked > 0, "no chat was open across a call");
    let busy = tally.teams[TeamId(0)].status_secs[StatusId::BUSY];
    assert!(busy > 0.0, "no Busy time");
    // Busy time is call time: every completed call's handle time and
    // wrap-up, and part of those still open at the end.
    let open: f64 = on_call.values().map(|&(id, _)| drawn[&id]).sum();
    assert!(
        busy >= busy_calls - 1e-3 && busy <= busy_calls + open + 1e-3,
        "Busy {busy} s, calls {busy_calls} s + {open} s open"
    );
    eprintln!("{calls} calls, Busy {busy} s");
}

/// Open conversations per agent at each call assignment: how many calls
/// went to an agent holding an open chat, and how many calls in all.
fn calls_to_agents_with_chats(sc: &Scenario) -> (usize, usize) {
    let mut open: std::collections::HashMap<AgentId, std::collections::HashSet<u64>> =
        std::collections::HashMap::new();
    let (mut with_chat, mut calls) = (0, 0);
    for t in trace(sc) {
        match t {
            Trace::Assigned { id, agent, queue, .. } => {
                if queue == QueueId(1) {
                    calls += 1;
                    if open.get(&agent).is_some_and(|s| !s.is_empty()) {
                        with_chat += 1;
                    }
                } else {
                    open.entry(agent).or_default().insert(id);
                }
            }
            Trace::Completed { id, agent, .. } | Trace::Requeued { id, agent, .. } => {
                open.entry(agent).or_default().remove(&id);
            }
            _ => {}
        }
    }
    (with_chat, calls)
}

/// docs/model.md §R14: with team capacity 1 and busy chat traffic, a synced
/// call that is not `capacity_aware` needs no capacity and reaches agents
/// holding an open chat; a `capacity_aware` call needs a free unit and never
/// does. Calls are answered in both cases; the checker passes both.
#[test]
fn capacity_aware_decides_whether_a_full_agent_gets_calls() {
    let sc = synced_scenario(1, 40, 4, Some(false));
    check_run(&sc, 0);
    let (with_chat, calls) = calls_to_agents_with_chats(&sc);
    eprintln!("not aware: {with_chat} of {calls} calls to agents holding a chat");
    assert!(calls > 50 && with_chat > 10, "not aware: {with_chat} of {calls} calls to agents with a chat");
    let sc = synced_scenario(1, 40, 4, Some(true));
    check_run(&sc, 0);
    let (with_chat, calls) = calls_to_agents_with_chats(&sc);
    assert!(calls > 50, "aware: {calls} calls");
    assert_eq!(with_chat, 0, "aware: {with_chat} of {calls} calls to agents with a chat");
}

fn switching_scenario(schedule: &str, count: u32) -> Scenario {
    scenario(&format!(
        r#"
horizon = "1d"
drain = "0s"
interval = "1h"
[[queue]]
name = "chat"
arrivals = {{ per_hour = 20 }}
handle_time = {{ dist = "exponential", mean = "6m" }}
[[queue]]
name = "email"
arrivals = {{ per_hour = 10 }}
handle_time = {{ dist = "exponential", mean = "10m" }}
[[team]]
name = "chatters"
queues = ["chat"]
capacity = 2
[[team]]
name = "mailers"
queues = ["email"]
capacity = 3
[[agents]]
name = "g"
teams = ["chatters", "mailers"]
count = {count}
schedule = [{schedule}]
"#
    ))
}

/// docs/model.md §R16: a group with `teams = ["chatters", "mailers"]` that
/// switches to mailers at 12:00 and back at 18:00. Every agent's Team trace
/// comes at exactly those times; assignments started before 12:00 or after
/// 18:00 are chat, those between are email (work taken before a switch may
/// finish after it); time in status is booked to the team the agent is on:
/// the mailers team has none before 12:00 or after 18:00 and some every hour
/// between, the chatters team the reverse, and the per-team totals add up to
/// agents × horizon. A switch `window` spreads the agents over it.
#[test]
fn team_switch_changes_queues_served_and_where_time_is_booked() {
    let sc =
        switching_scenario(r#"{ team = "mailers", at = "12:00" }, { team = "chatters", at = "18:00" }"#, 3);
    let (seen, tally) = check_run(&sc, 0);
    assert_eq!(seen.switches, 6, "{seen:?}");
    let tr = trace(&sc);
    let mut team = [0usize; 3];
    let mut switches = vec![Vec::new(); 3];
    let mut served = [[0; 2]; 2];
    for t in &tr {
        match *t {
            Trace::Team { time, agent, team: to } => {
                switches[agent.index()].push((time, to.index()));
                team[agent.index()] = to.index();
            }
            Trace::Assigned { id, time, agent, queue, .. } => {
                let (agent, queue) = (agent.index(), queue.index());
                let day = time % (24.0 * H);
                let want = if (12.0 * H..18.0 * H).contains(&day) { 1 } else { 0 };
                assert_eq!(queue, want, "{id} of queue {queue} assigned to agent {agent} at {time}");
                assert_eq!(
                    team[agent], queue,
                    "{id}: agent {agent} on team {} took queue {queue}",
                    team[agent]
                );
                served[team[agent]][queue] += 1;
            }
            _ => {}
        }
    }
    for (a, s) in switches.iter().enumerate() {
        assert_eq!(s, &vec![(12.0 * H, 1), (18.0 * H, 0)], "agent {a}");
    }
    assert!(served[0][0] > 100 && served[1][1] > 30, "{served:?}");
    let per_team = |i: usize, t: TeamId| sc.statuses.keys().map(|s| tally.status_secs(i, t, s)).sum::<f64>();
    let mut total = 0.0;
    for i in 0..24 {
        let (chat, mail) = (per_team(i, TeamId(0)), per_team(i, TeamId(1)));
        if (12..18).contains(&i) {
            assert!(
                chat.abs() < 1e-6 && (mail - 3.0 * H).abs() < 1e-3,
                "hour {i}: chatters {chat}, mailers {mail}"
            );
        } else {
            assert!(
                mail.abs() < 1e-6 && (chat - 3.0 * H).abs() < 1e-3,
                "hour {i}: chatters {chat}, mailers {mail}"
            );
        }
        total += chat + mail;
    }
    assert!((total - 3.0 * 24.0 * H).abs() < 1e-3, "{total}");
    let teams_total: f64 = tally.teams.iter().flat_map(|t| t.status_secs.iter()).sum();
    assert!((teams_total - 3.0 * 24.0 * H).abs() < 1e-3, "{teams_total}");
    assert!((tally.teams[TeamId(1)].status_secs.iter().sum::<f64>() - 3.0 * 6.0 * H).abs() < 1e-3);

    // A window spreads agent i of n at 12:00 + i/(n-1) hours.
    let sc = switching_scenario(r#"{ team = "mailers", window = "12:00-13:00" }"#, 4);
    check_run(&sc, 0);
    let tr = trace(&sc);
    for a in 0..4 {
        let at: Vec<f64> = tr
            .iter()
            .filter_map(|t| match *t {
                Trace::Team { time, agent, team: TeamId(1) } if agent == AgentId(a) => Some(time),
                _ => None,
            })
            .collect();
        let want = 12.0 * H + f64::from(a) * H / 3.0;
        assert!(at.len() == 1 && (at[0] - want).abs() < 1e-6, "agent {a}: {at:?}, expected {want}");
    }
}

/// docs/model.md §R13, §R14, §R16: bad offer, synced-call and team-switch keys
/// are named by their key, with a message that says what is wrong.
#[test]
fn bad_offer_and_switch_keys_are_named() {
    let text = |routing: &str, queue: &str, group: &str| {
        format!(
            "horizon = \"1d\"\n[routing]\n{routing}\n[[queue]]\nname = \"chat\"\narrivals = {{ per_hour = 6 }}\n\
             handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n{queue}\n\
             [[team]]\nname = \"tier1\"\nqueues = [\"chat\"]\n[[team]]\nname = \"email\"\nqueues = [\"chat\"]\n\
             [[team]]\nname = \"other\"\nqueues = [\"chat\"]\n\
             [[agents]]\nname = \"a\"\ncount = 2\n{group}\n"
        )
    };
    let err = |routing: &str, queue: &str, group: &str| {
        routesim::scenario::parse(&text(routing, queue, group), "p.toml", "p", &[]).unwrap_err().to_string()
    };
    let ok_group = "team = \"tier1\"";
    let e = err("assignment = \"accept\"", "", ok_group);
    assert!(
        e.contains("routing.accept_delay") && e.contains("is needed with `assignment = \"accept\"`"),
        "{e}"
    );
    let delay = "accept_delay = { dist = \"exponential\", mean = \"8s\" }";
    let e = err(&format!("assignment = \"accept\"\n{delay}\naccept_timeout = \"0s\""), "", ok_group);
    assert!(e.contains("routing.accept_timeout") && e.contains("longer than zero"), "{e}");
    let e = err(delay, "", ok_group);
    assert!(e.contains("routing.accept_delay") && e.contains("applies only to offers"), "{e}");
    let e = err("", "capacity_aware = true", ok_group);
    assert!(e.contains("queue.chat.capacity_aware") && e.contains("busy_while_handling = true"), "{e}");
    let teams = "teams = [\"tier1\", \"email\"]";
    let e = err("", "", &format!("{teams}\nschedule = [{{ team = \"emial\", at = \"13:00\" }}]"));
    assert!(e.contains("agents.a.schedule.0.team") && e.contains("unknown team `emial`"), "{e}");
    let e = err("", "", &format!("{teams}\nschedule = [{{ team = \"other\", at = \"13:00\" }}]"));
    assert!(e.contains("agents.a.schedule.0.team") && e.contains("is not one of group `a`'s teams"), "{e}");
    let e = err(
        "",
        "",
        &format!("{teams}\nschedule = [{{ team = \"email\", status = \"Busy\", at = \"13:00\" }}]"),
    );
    assert!(e.contains("agents.a.schedule.0.status") && e.contains("a team switch takes no `status`"), "{e}");
    let e = err("", "", &format!("{ok_group}\n{teams}"));
    assert!(e.contains("agents.a.teams") && e.contains("not both"), "{e}");
    // And the good form parses.
    let good = text(
        &format!("assignment = \"accept\"\n{delay}"),
        "busy_while_handling = true\ncapacity_aware = true",
        &format!("{teams}\nschedule = [{{ team = \"email\", window = \"13:00-14:00\" }}]"),
    );
    let sc = routesim::scenario::parse(&good, "p.toml", "p", &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.groups[GroupId(0)].teams, vec![TeamId(0), TeamId(1)]);
    assert_eq!(sc.routing.offers.as_ref().map(|o| o.timeout), Some(30.0));
}
