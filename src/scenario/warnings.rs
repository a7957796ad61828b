//! Warnings: what a valid scenario may hold but is almost certainly a
//! mistake (an episode outside the shift, arrivals with nobody logged in,
//! an empty group, more load than the agents can carry, a horizon shorter
//! than an interval). Computed from the validated [`Scenario`]; they never
//! stop a run.

use std::fmt;

use typed_index_collections::TiSlice;

use crate::model::{AgentGroup, Headcount, QueueId, Scenario, Status, StatusId, TeamId};
use crate::time::DAY;

/// Days of the horizon scanned for per-interval warnings: a week covers
/// daily and weekly patterns without scanning long horizons in full.
const DAYS_SCANNED: f64 = 7.0;
/// At most this many intervals are scanned, so very short intervals stay cheap.
const INTERVALS_SCANNED: f64 = 20_000.0;

/// Something legal but almost certainly a mistake, with the key it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Dotted path of the key the warning is about, as `--set` spells it.
    pub key: String,
    /// What looks wrong and what it will do to the results.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key `{}`: {}", self.key, self.message)
    }
}

/// Every warning for `sc`, in a stable order: horizon, groups, then queues.
pub fn warnings(sc: &Scenario) -> Vec<Warning> {
    let mut out: Vec<Warning> = sc
        .skipped
        .iter()
        .map(|(key, message)| Warning { key: key.clone(), message: message.clone() })
        .collect();
    if sc.horizon < sc.interval {
        out.push(Warning {
            key: "horizon".into(),
            message: format!(
                "the horizon ({}) is shorter than one reporting interval ({}); intervals.csv will hold one partial interval",
                clock_len(sc.horizon),
                clock_len(sc.interval)
            ),
        });
    }
    for g in &sc.groups {
        empty_group(g, &mut out);
        episodes_outside_shift(g, &sc.statuses, &mut out);
    }
    for q in sc.queues.keys() {
        uncovered_arrivals(sc, q, &mut out);
    }
    out
}

fn empty_group(g: &AgentGroup, out: &mut Vec<Warning>) {
    let (key, what) = match &g.headcount {
        Headcount::Fixed(0) => ("count", "has `count = 0`"),
        Headcount::Staffing(v) if v.peak() == 0 => ("staffing", "has a staffing of zero in every interval"),
        _ => return,
    };
    out.push(Warning {
        key: format!("agents.{}.{key}", g.name),
        message: format!("agent group `{}` {what}: it has no agents and takes no work", g.name),
    });
}

/// The part of the day a shift group works (after the ready delay, before
/// the wind-down), as (start, length) in seconds; `None` for all day.
fn working_window(g: &AgentGroup) -> Option<(f64, f64)> {
    let s = g.shift?;
    Some(((s.start + s.ready_delay).rem_euclid(DAY), s.length - s.ready_delay - s.wind_down))
}

/// Whether time of day `t` lies in the circular window (start, length).
fn inside(t: f64, (start, length): (f64, f64)) -> bool {
    (t - start).rem_euclid(DAY) < length
}

/// Whether the circular window (start, length) overlaps [a, b) within a day.
fn overlaps((start, length): (f64, f64), a: f64, b: f64) -> bool {
    let from = (a - start).rem_euclid(DAY);
    from < length || from + (b - a) > DAY
}

fn episodes_outside_shift(g: &AgentGroup, statuses: &TiSlice<StatusId, Status>, out: &mut Vec<Warning>) {
    let Some(window) = working_window(g) else { return };
    for (i, p) in g.schedule.iter().enumerate() {
        let first = inside(p.window_start, window);
        let last = inside(p.last_start, window);
        if first && last {
            continue;
        }
        let starts = if p.window_start == p.last_start {
            format!("starts at {}", clock(p.window_start))
        } else {
            format!("starts between {} and {}", clock(p.window_start), clock(p.last_start))
        };
        let which = if first || last { "some agents skip it" } else { "every agent skips it" };
        let status = statuses.get(p.status).map_or("the", |s| s.name.as_str());
        out.push(Warning {
            key: format!("agents.{}.schedule.{i}", g.name),
            message: format!(
                "this {status} episode {starts}, outside the hours group `{}` works ({}-{} after ready delay and wind-down): {which}",
                g.name,
                clock(window.0),
                clock(window.0 + window.1),
            ),
        });
    }
}

/// The team group `g`'s first agent is on at `t` seconds into a day: that of
/// the day's last switch at or before `t`, else the starting team (roughly:
/// a switch late in the day carries over to the next morning, and a window
/// spreads the agents).
fn team_at(g: &AgentGroup, t: f64) -> TeamId {
    g.switches
        .iter()
        .filter(|w| w.window_start <= t)
        .max_by(|x, y| x.window_start.total_cmp(&y.window_start))
        .map_or(g.team, |w| w.team)
}

/// Agents of the groups serving queue `q` who work in [a, b) (seconds of
/// the day) at all, and a rough capacity: conversations of the queue they
/// can hold at `mid`.
fn coverage(sc: &Scenario, q: QueueId, a: f64, b: f64, mid: f64) -> (bool, f64) {
    let queue = &sc.queues[q];
    let mut anyone = false;
    let mut capacity = 0.0;
    for g in &sc.groups {
        // The team the group is on in [a, b) (team switches, docs/model.md §R16).
        let Some(team) =
            [mid, a].into_iter().map(|t| &sc.teams[team_at(g, t)]).find(|team| team.queues.contains(&q))
        else {
            continue;
        };
        let per_agent = f64::from(team.capacity.min(team.channel_caps[queue.channel]) / queue.item_size);
        let (some, at_mid) = match (&g.headcount, working_window(g)) {
            (Headcount::Fixed(n), None) => (*n > 0, f64::from(*n)),
            (Headcount::Fixed(n), Some(w)) => {
                (*n > 0 && overlaps(w, a, b), if inside(mid, w) { f64::from(*n) } else { 0.0 })
            }
            (Headcount::Staffing(levels), _) => {
                let level = |t: f64| levels.level((t.max(0.0) / levels.step()) as usize);
                (level(a) > 0 || level(mid) > 0 || level(b - 1e-6) > 0, f64::from(level(mid)))
            }
        };
        anyone |= some;
        capacity += at_mid * per_agent;
    }
    (anyone, capacity)
}

/// Arrivals when nobody serving the queue works, and offered load beyond
/// what the working agents can hold.
fn uncovered_arrivals(sc: &Scenario, q: QueueId, out: &mut Vec<Warning>) {
    let queue = &sc.queues[q];
    let span = sc.horizon.min(DAYS_SCANNED * DAY).min(INTERVALS_SCANNED * sc.interval);
    let count = ((span / sc.interval).ceil() as usize).max(1);
    let mut nobody = Vec::new();
    let mut lost = 0.0;
    let mut overload = Vec::new();
    let mut worst = (0.0_f64, 0.0_f64);
    for k in 0..count {
        let a = k as f64 * sc.interval;
        let b = (a + sc.interval).min(sc.horizon);
        let mid = (a + b) / 2.0;
        let rate = sc.rate_at(q, mid);
        if rate <= 0.0 {
            continue;
        }
        let (anyone, capacity) = coverage(sc, q, a % DAY, a % DAY + (b - a), mid % DAY);
        let load = rate * sc.work_at(q, mid);
        if !anyone {
            nobody.push(k);
            lost += rate * (b - a);
        } else if load > capacity {
            overload.push(k);
            if load - capacity > worst.0 - worst.1 {
                worst = (load, capacity);
            }
        }
    }
    if !nobody.is_empty() {
        out.push(Warning {
            key: format!("queue.{}.arrivals", queue.name),
            message: format!(
                "about {} arrive in {} when no agent serving this queue is logged in; they wait for the next shift",
                // The scan may cover several days: say how many a day.
                if span > DAY {
                    format!("{:.0} conversations a day", lost * DAY / span)
                } else {
                    format!("{lost:.0} conversations")
                },
                ranges(sc, &nobody, count)
            ),
        });
    }
    if !overload.is_empty() {
        out.push(Warning {
            key: format!("queue.{}.arrivals", queue.name),
            message: format!(
                "the offered load (arrival rate x mean handle and wrap-up time) exceeds what the agents serving this queue can hold in {}, at worst {:.1} Erlangs against {:.0} conversations at once; the queue will grow (a rough bound: agents shared with other queues count in full)",
                ranges(sc, &overload, count),
                worst.0,
                worst.1
            ),
        });
    }
}

/// Interval numbers as clock ranges, "00:00-07:00, 21:00-24:00"; with a
/// day number when the scan covers more than one day and the days differ.
fn ranges(sc: &Scenario, ks: &[usize], count: usize) -> String {
    let per_day = sc.intervals_per_day();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &k in ks {
        match runs.last_mut() {
            Some((_, end)) if *end == k && k % per_day != 0 => *end = k + 1,
            _ => runs.push((k, k + 1)),
        }
    }
    let days = count.div_ceil(per_day);
    let same_every_day = days <= 1 || {
        let first: Vec<(usize, usize)> = runs.iter().copied().filter(|r| r.0 < per_day).collect();
        (0..days).all(|d| {
            let of_day: Vec<(usize, usize)> = runs
                .iter()
                .filter(|r| r.0 / per_day == d)
                .map(|r| (r.0 - d * per_day, r.1 - d * per_day))
                .collect();
            of_day == first || (d + 1 == days && first.starts_with(&of_day))
        })
    };
    let show = |(a, b): (usize, usize)| {
        let (ta, tb) = (a as f64 * sc.interval, (b as f64 * sc.interval).min(sc.horizon));
        let end = if tb - (ta - ta % DAY) >= DAY { "24:00".to_owned() } else { clock(tb) };
        if same_every_day {
            format!("{}-{end}", clock(ta))
        } else {
            format!("day {} {}-{end}", a / per_day + 1, clock(ta))
        }
    };
    let shown: Vec<String> =
        runs.iter().copied().filter(|r| !same_every_day || r.0 < per_day).map(show).collect();
    let every = if same_every_day && days > 1 { " every day" } else { "" };
    format!("{}{every}", shown.join(", "))
}

/// Seconds as a time of day, "07:30".
fn clock(t: f64) -> String {
    let m = (t.rem_euclid(DAY) / 60.0).round() as u64;
    format!("{:02}:{:02}", m / 60 % 24, m % 60)
}

/// A length in the scenario's units, "30m", "2h", "45s".
fn clock_len(secs: f64) -> String {
    if secs >= 3600.0 && secs % 3600.0 == 0.0 {
        format!("{}h", secs / 3600.0)
    } else if secs >= 60.0 && secs % 60.0 == 0.0 {
        format!("{}m", secs / 60.0)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const BASE: &str = r#"
horizon = "1d"
[[status]]
name = "Lunch"
[[queue]]
name = "chat"
arrivals = { per_hour = 10 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "g"
team = "t"
count = 4
"#;

    fn warned(text: &str) -> Vec<Warning> {
        warnings(&parse(text, "s.toml", "s", &[]).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn a_clean_scenario_has_none() {
        assert_eq!(warned(BASE), vec![]);
    }

    #[test]
    fn episode_outside_the_shift() {
        let w = warned(&BASE.replace(
            "count = 4",
            "count = 4\nshift = { start = \"08:00\", end = \"16:00\" }\nschedule = [{ status = \"Lunch\", at = \"17:00\", duration = \"30m\" }, { status = \"Lunch\", window = \"07:00-09:00\", duration = \"30m\" }]",
        ));
        let keys: Vec<&str> = w.iter().map(|w| w.key.as_str()).collect();
        assert!(keys.contains(&"agents.g.schedule.0") && keys.contains(&"agents.g.schedule.1"), "{w:#?}");
        let first = w.iter().find(|w| w.key == "agents.g.schedule.0").map(|w| w.message.clone());
        assert!(first.is_some_and(|m| m.contains("17:00") && m.contains("every agent skips it")), "{w:#?}");
    }

    #[test]
    fn arrivals_with_nobody_logged_in_are_grouped_in_ranges() {
        let w =
            warned(&BASE.replace("count = 4", "count = 4\nshift = { start = \"07:00\", end = \"22:00\" }"));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].key, "queue.chat.arrivals");
        assert!(w[0].message.contains("00:00-07:00, 22:00-24:00"), "{}", w[0].message);
        assert!(w[0].message.contains("about 90 conversations"), "{}", w[0].message);
    }

    #[test]
    fn a_group_of_zero_agents() {
        let w = warned(
            &BASE.replace("count = 4", "count = 4\n[[agents]]\nname = \"z\"\nteam = \"t\"\ncount = 0"),
        );
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].key, "agents.z.count");
        let zeros = vec!["0"; 48].join(", ");
        let w = warned(&BASE.replace(
            "count = 4",
            &format!("count = 4\n[[agents]]\nname = \"z\"\nteam = \"t\"\nstaffing = [{zeros}]"),
        ));
        assert_eq!(w[0].key, "agents.z.staffing", "{w:#?}");
    }

    #[test]
    fn offered_load_beyond_capacity() {
        let w = warned(&BASE.replace("per_hour = 10", "per_hour = 100"));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].key, "queue.chat.arrivals");
        assert!(w[0].message.contains("5.0 Erlangs against 4"), "{}", w[0].message);
        assert!(w[0].message.contains("rough bound"), "{}", w[0].message);
    }

    #[test]
    fn horizon_shorter_than_an_interval() {
        let w = warned(&BASE.replace("horizon = \"1d\"", "horizon = \"10m\"\ninterval = \"1h\""));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].key, "horizon");
        assert!(w[0].to_string().starts_with("key `horizon`: the horizon (10m)"), "{}", w[0]);
    }

    #[test]
    fn clock_ranges_over_several_days() {
        let text = BASE
            .replace("horizon = \"1d\"", "horizon = \"3d\"")
            .replace("count = 4", "count = 4\nshift = { start = \"06:00\", end = \"23:00\" }");
        let w = warned(&text);
        assert!(w[0].message.contains("in 00:00-06:00, 23:00-24:00 every day"), "{}", w[0].message);
        // 7 h a day at 10 per hour: 70 a day, whatever the number of days scanned.
        assert!(w[0].message.contains("about 70 conversations a day"), "{}", w[0].message);
    }
}
