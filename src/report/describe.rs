//! What `routesim check` prints: the scenario as routesim understood it.

use std::fmt::Write;

use crate::model::{Headcount, Scenario, Selection};

/// A readable account of a validated scenario: settings, queues with their
/// offered load in Erlangs, teams and agent groups.
pub fn describe(sc: &Scenario) -> String {
    let mut o = String::new();
    let hours = |s: f64| s / 3600.0;
    let _ = writeln!(
        o,
        "scenario {}: horizon {:.1} h, warm-up {:.1} h, interval {:.0} min, {} replications, seed {}",
        sc.name,
        hours(sc.horizon),
        hours(sc.warmup),
        sc.interval / 60.0,
        sc.replications,
        sc.seed
    );
    let rule = match sc.routing.selection {
        Selection::LongestIdle => "longest_idle",
        Selection::MostAvailable => "most_available",
        Selection::LeastActive => "least_active",
        Selection::RoundRobin => "round_robin",
    };
    let _ = writeln!(
        o,
        "routing: {rule}, auto assignment, requeue when offline: {}",
        sc.routing.requeue_when_offline
    );
    let custom: Vec<String> = sc.statuses[4..]
        .iter()
        .map(|s| format!("{}{}", s.name, if s.enabled { "" } else { " (disabled)" }))
        .collect();
    if !custom.is_empty() {
        let _ = writeln!(o, "custom statuses: {}", custom.join(", "));
    }
    let _ = writeln!(o, "\nqueues:");
    let _ = writeln!(
        o,
        "  {:<16} {:<8} {:>4} {:>5} {:>10} {:>10} {:>9} {:>12} {:>12}",
        "name", "channel", "prio", "size", "per hour", "peak/h", "work (s)", "load (Erl)", "peak (Erl)"
    );
    for q in &sc.queues {
        let peak = q.arrivals.iter().copied().fold(0.0, f64::max);
        let _ = writeln!(
            o,
            "  {:<16} {:<8} {:>4} {:>5} {:>10.1} {:>10.1} {:>9.1} {:>12.2} {:>12.2}",
            q.name,
            sc.channels[q.channel],
            q.priority,
            q.item_size,
            q.mean_rate() * 3600.0,
            peak * 3600.0,
            q.mean_work(),
            q.mean_rate() * q.mean_work(),
            peak * q.mean_work()
        );
    }
    let _ = writeln!(o, "\nteams:");
    for t in &sc.teams {
        let queues: Vec<&str> = t.queues.iter().map(|&q| sc.queues[q].name.as_str()).collect();
        let caps: Vec<String> = t
            .channel_caps
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != u32::MAX)
            .map(|(ch, c)| format!("{}={c}", sc.channels[ch]))
            .collect();
        let caps = if caps.is_empty() { String::new() } else { format!(", caps {}", caps.join(" ")) };
        let _ = writeln!(o, "  {:<16} capacity {}{caps}; serves {}", t.name, t.capacity, queues.join(", "));
    }
    let _ = writeln!(o, "\nagent groups:");
    for g in &sc.groups {
        let head = match &g.headcount {
            Headcount::Fixed(n) => format!("{n} agents"),
            Headcount::Staffing(v) => {
                format!("staffing array, peak {}", v.iter().max().copied().unwrap_or(0))
            }
        };
        let shift = g.shift.map_or_else(
            || "always logged in".to_owned(),
            |s| {
                let (_, start) = crate::replicate::day_clock(s.start);
                let (_, end) = crate::replicate::day_clock(s.start + s.length);
                format!("shift {start}-{end}")
            },
        );
        let _ = writeln!(
            o,
            "  {:<16} team {}, {head}, {shift}, {} planned and {} unplanned episode sources",
            g.name,
            sc.teams[g.team].name,
            g.schedule.len(),
            g.unplanned.len()
        );
    }
    o
}
