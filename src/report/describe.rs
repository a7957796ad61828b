//! What `routesim check` prints: the scenario as routesim understood it.

use std::fmt::Write;

use crate::model::{ArrivalSource, Arrivals, Headcount, Pattern, Scenario, Selection};

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
    let assignment = match &sc.routing.offers {
        None => "auto assignment".to_owned(),
        Some(f) => format!(
            "offers (accept after {:.1} s on average, missed after {} s, then Unavailable for {:.1} s on average)",
            f.accept_delay.mean(),
            f.timeout,
            f.missed_unavailable.mean()
        ),
    };
    let _ = writeln!(
        o,
        "routing: {rule}, {assignment}, requeue when offline: {}",
        sc.routing.requeue_when_offline
    );
    // The four default statuses come first.
    let custom: Vec<String> = sc
        .statuses
        .iter()
        .skip(4)
        .map(|s| format!("{}{}", s.name, if s.enabled { "" } else { " (disabled)" }))
        .collect();
    if !custom.is_empty() {
        let _ = writeln!(o, "custom statuses: {}", custom.join(", "));
    }
    let _ = writeln!(o, "\nqueues:");
    // Columns as wide as the longest name in them, so long names keep the table aligned.
    let nw = column_width(sc.queues.iter().map(|q| q.name.as_str()), 16);
    let cw = column_width(sc.queues.iter().map(|q| sc.channels[q.channel].as_str()), 8);
    let _ = writeln!(
        o,
        "  {:<nw$} {:<cw$} {:>4} {:>5} {:>10} {:>10} {:>9} {:>12} {:>12}  arrivals from",
        "name", "channel", "prio", "size", "per hour", "peak/h", "work (s)", "load (Erl)", "peak (Erl)"
    );
    for q in &sc.queues {
        let peak = q.arrivals.peak_rate();
        let _ = writeln!(
            o,
            "  {:<nw$} {:<cw$} {:>4} {:>5} {:>10.1} {:>10.1} {:>9.1} {:>12.2} {:>12.2}  {}",
            q.name,
            sc.channels[q.channel],
            q.priority,
            q.item_size,
            q.mean_rate() * 3600.0,
            peak * 3600.0,
            q.mean_work(),
            q.mean_rate() * q.mean_work(),
            peak * q.mean_work(),
            source(&q.arrivals)
        );
        if q.busy_while_handling {
            let load = if q.capacity_aware { "needing free capacity" } else { "whatever the agent's load" };
            let _ = writeln!(o, "  {:<nw$} calls synced to Busy until their wrap-up ends, {load}", "");
        }
        if q.arrivals.rate_cv() > 0.0 {
            let _ = writeln!(
                o,
                "  {:<nw$} each day's volume varies around these rates: gamma, mean 1, cv {} (shared by every queue's day)",
                "",
                q.arrivals.rate_cv()
            );
        }
    }
    let _ = writeln!(o, "\nteams:");
    let tw = column_width(sc.teams.iter().map(|t| t.name.as_str()), 16);
    for t in &sc.teams {
        // A routing profile's own priority or delay is shown beside the queue (R15).
        let queues: Vec<String> = t
            .queues
            .iter()
            .enumerate()
            .map(|(i, &q)| {
                let queue = &sc.queues[q];
                let mut notes = Vec::new();
                if t.priorities[i] != queue.priority {
                    notes.push(format!("priority {}", t.priorities[i]));
                }
                if t.delays[i] > 0.0 {
                    notes.push(format!("after {} s", t.delays[i]));
                }
                if notes.is_empty() {
                    queue.name.clone()
                } else {
                    format!("{} ({})", queue.name, notes.join(", "))
                }
            })
            .collect();
        let caps: Vec<String> = t
            .channel_caps
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != u32::MAX)
            .map(|(ch, c)| format!("{}={c}", sc.channels[ch]))
            .collect();
        let caps = if caps.is_empty() { String::new() } else { format!(", caps {}", caps.join(" ")) };
        let _ = writeln!(o, "  {:<tw$} capacity {}{caps}; serves {}", t.name, t.capacity, queues.join(", "));
    }
    let _ = writeln!(o, "\nagent groups:");
    let gw = column_width(sc.groups.iter().map(|g| g.name.as_str()), 16);
    for g in &sc.groups {
        let head = match &g.headcount {
            Headcount::Fixed(n) => format!("{n} agents"),
            Headcount::Staffing(s) => {
                let days =
                    if s.levels().len() as f64 * s.step() > crate::time::DAY { "weekly" } else { "daily" };
                format!("staffing array ({} steps, {days}), peak {}", minutes(s.step()), s.peak())
            }
        };
        let shift = g.shift.map_or_else(
            || match g.headcount {
                Headcount::Staffing(_) => "logged in as staffed".to_owned(),
                Headcount::Fixed(_) => "always logged in".to_owned(),
            },
            |s| {
                let (_, start) = crate::format::day_clock(s.start);
                let (_, end) = crate::format::day_clock(s.start + s.length);
                format!("shift {start}-{end}")
            },
        );
        let _ = writeln!(
            o,
            "  {:<gw$} team {}, {head}, {shift}, {} planned and {} unplanned episode sources",
            g.name,
            sc.teams[g.team].name,
            g.schedule.len(),
            g.unplanned.len()
        );
        for w in &g.switches {
            let (_, from) = crate::format::day_clock(w.window_start);
            let (_, to) = crate::format::day_clock(w.last_start);
            let when = if from == to { format!("at {from}") } else { format!("between {from} and {to}") };
            let _ = writeln!(o, "  {:<gw$} switches to team {} {when} every day", "", sc.teams[w.team].name);
        }
    }
    o
}

/// The width of a column of `names`, in characters (as `format!` pads), at least `least`.
fn column_width<'a>(names: impl IntoIterator<Item = &'a str>, least: usize) -> usize {
    names.into_iter().map(|n| n.chars().count()).fold(least, usize::max)
}

/// Where a queue's arrivals come from, in a few words: the key or the
/// forecast file, the step and how the pattern repeats.
fn source(a: &Arrivals) -> String {
    let steps = || {
        let days = a.rates().len() as f64 * a.step() / crate::time::DAY;
        format!("{} steps, {}", minutes(a.step()), if days > 1.0 { "weekly" } else { "daily" })
    };
    match a.source() {
        ArrivalSource::PerHour if a.rates().len() == 1 => "per_hour, constant".to_owned(),
        ArrivalSource::PerInterval if a.rates().len() == 1 => "per_interval, constant".to_owned(),
        ArrivalSource::PerHour => format!("per_hour, {}", steps()),
        ArrivalSource::PerInterval => format!("per_interval, {}", steps()),
        ArrivalSource::Forecast { file, pattern } => {
            let pattern = match pattern {
                Pattern::Daily => "daily".to_owned(),
                Pattern::Weekly => "weekly".to_owned(),
                Pattern::Dated { first, days } => format!("dated, {days} days from {first}"),
            };
            let aht = if a.handle_scales().is_some() { ", with aht" } else { "" };
            format!("forecast {file} ({} steps, {pattern}{aht})", minutes(a.step()))
        }
    }
}

/// A step length such as "15 min" or "90 s".
fn minutes(secs: f64) -> String {
    if secs % 60.0 == 0.0 { format!("{} min", secs / 60.0) } else { format!("{secs} s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` shows the rules of docs/model.md §R13, §R14 and §R16 when a
    /// scenario uses them, and nothing about them when it does not.
    #[test]
    fn offers_synced_calls_and_switches_are_described() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/blended-day.toml");
        let sc = crate::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
        let text = describe(&sc);
        assert!(
            text.contains(
                "offers (accept after 8.0 s on average, missed after 30 s, then Unavailable for 120.0 s on average)"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("calls synced to Busy until their wrap-up ends, whatever the agent's load").count(),
            1
        );
        assert!(text.contains("switches to team back-office at 18:30 every day"), "{text}");
        let plain = path.with_file_name("support-day.toml");
        let text = describe(&crate::scenario::load(&plain, &[]).unwrap_or_else(|e| panic!("{e}")));
        assert!(text.contains("longest_idle, auto assignment,"), "{text}");
        assert!(!text.contains("synced") && !text.contains("switches"), "{text}");
    }

    /// Names longer than their column (with commas, quotes and non-ASCII
    /// letters) widen it: every row of the queue table puts each column
    /// where the header does, and team and group lines start their text in
    /// one column, counted in characters.
    #[test]
    fn long_names_keep_the_tables_aligned() {
        let text = "horizon = \"1h\"\n\
            [[queue]]\nname = \"chat, \\\"EU\\\" Zürich overflow\"\nchannel = \"mail from Genève and Bâle, 2nd line\"\n\
            arrivals = { per_hour = 30 }\nhandle_time = { dist = \"constant\", value = \"4m\" }\n\
            [[queue]]\nname = \"q\"\narrivals = { per_hour = 8 }\nhandle_time = { dist = \"constant\", value = \"5m\" }\n\
            [[team]]\nname = \"Tier 1, Zürich and Genève\"\nqueues = [\"q\"]\n\
            [[team]]\nname = \"t\"\nqueues = [\"q\", \"chat, \\\"EU\\\" Zürich overflow\"]\n\
            [[agents]]\nname = \"crew, day (Café side), long\"\nteam = \"t\"\ncount = 2\n\
            [[agents]]\nname = \"g\"\nteam = \"Tier 1, Zürich and Genève\"\ncount = 1\n";
        let sc = crate::scenario::parse(text, "long.toml", "long", &[]).unwrap_or_else(|e| panic!("{e}"));
        let text = describe(&sc);
        let section = |title: &str| -> Vec<&str> {
            text.lines().skip_while(|l| *l != title).skip(1).take_while(|l| !l.is_empty()).collect()
        };
        // The character column where `needle` ends in `line`.
        let end_of = |line: &str, needle: &str| {
            let byte = line.find(needle).unwrap_or_else(|| panic!("{needle:?} in {line:?}"));
            line[..byte].chars().count() + needle.chars().count()
        };
        let table = section("queues:");
        assert_eq!(table.len(), 3, "{text}");
        let header = table[0];
        // The rows' numbers, right-aligned: each ends under the end of its
        // title, for the long names and for the short ones.
        let rows = [
            (
                "chat, \"EU\" Zürich overflow",
                "2nd line",
                [("prio", "1"), ("size", "1"), ("per hour", "30.0"), ("work (s)", "240.0")],
            ),
            ("q", "q", [("prio", "1"), ("size", "1"), ("per hour", "8.0"), ("work (s)", "300.0")]),
        ];
        for (row, (name, channel_end, numbers)) in table[1..].iter().zip(rows) {
            assert!(row.starts_with(&format!("  {name} ")), "{row}");
            // Past the name, then the channel's last word.
            let past_name = 2 + name.chars().count();
            let rest: String = row.chars().skip(past_name).collect();
            let mut from = past_name + end_of(&rest, channel_end);
            for (title, value) in numbers {
                let rest: String = row.chars().skip(from).collect();
                let end = from + end_of(&rest, value);
                assert_eq!(end, end_of(header, title), "{title} in {row:?}\nunder {header:?}");
                from = end;
            }
            assert_eq!(end_of(row, "per_hour") - 8, end_of(header, "arrivals from") - 13, "{row}");
        }
        // Teams and groups: the text after the name starts in one column.
        let teams = section("teams:");
        let at: Vec<usize> = teams.iter().map(|l| end_of(l, " capacity ")).collect();
        assert!(teams.len() == 2 && at[0] == at[1], "{teams:?}");
        let groups = section("agent groups:");
        let at: Vec<usize> = groups.iter().map(|l| end_of(l, " team ")).collect();
        assert!(groups.len() == 2 && at[0] == at[1], "{groups:?}");
    }
}
