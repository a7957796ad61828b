//! The pointwise formulas: each interval staffed on its own from its offered
//! load by Erlang C or Erlang A, net of the other groups on the team, grossed
//! up for shrinkage (docs/model.md §13.2-§13.3).

use crate::erlang::{self, QueueMeasures};
use crate::error::{Error, Result};
use crate::model::{AgentGroup, GroupId, Headcount, QueueId, Scenario, SlFormula, TeamId};
use crate::staffing::{Goal, Target};
use crate::time::DAY;

/// Points sampled per interval to average rates, loads and episode fractions.
const SAMPLES: usize = 30;
/// Shrinkage is capped here, so grossing up never divides by (almost) zero.
pub const MAX_SHRINKAGE: f64 = 0.95;
/// No formula answer goes above this many agents (the model's limit on a group).
pub const MAX_AGENTS: u32 = 200_000;

/// Which stationary formula staffs an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// Erlang C (M/M/c): no abandonment.
    ErlangC,
    /// Erlang A (M/M/c+M): exponential patience of the queues' mean; Erlang C
    /// for a priority class with a queue that has no patience.
    ErlangA,
}

/// What one priority class of a team's queues offers during one interval, in
/// agent terms (docs/model.md §13.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Arrivals per second of the class's queues together.
    pub rate: f64,
    /// Agent-seconds of work per conversation: work over the agent's slots for that queue.
    pub agent_work: f64,
    /// Mean patience of the class, seconds (rate-weighted); `None` when some queue has none.
    pub patience: Option<f64>,
    /// Queues judged on this class: `(queue, service-level threshold)`.
    pub judged: Vec<(QueueId, f64)>,
}

/// The classes of `team` during `[t0, t0 + len)`: one per distinct
/// priority of its queues, each pooling the load of every queue at least as
/// urgent, judged at the thresholds of the queues of that priority.
pub fn classes(sc: &Scenario, team: TeamId, t0: f64, len: f64) -> Vec<Class> {
    let tm = &sc.teams[team];
    // (queue, rate, agent work per conversation, patience mean)
    let per_queue: Vec<(QueueId, f64, f64, Option<f64>)> = tm
        .queues
        .iter()
        .map(|&q| {
            let (rate, work) = mean_rate_work(sc, q, t0, len);
            let queue = &sc.queues[q];
            let cap = tm.capacity.min(tm.channel_caps.get(queue.channel).copied().unwrap_or(u32::MAX));
            let slots = (cap / queue.item_size.max(1)).max(1);
            (q, rate, work / f64::from(slots), queue.patience.as_ref().map(crate::dist::Dist::mean))
        })
        .collect();
    let mut priorities: Vec<u8> = tm.queues.iter().map(|&q| sc.queues[q].priority).collect();
    priorities.sort_unstable();
    priorities.dedup();
    priorities
        .into_iter()
        .map(|p| {
            let members: Vec<&(QueueId, f64, f64, Option<f64>)> =
                per_queue.iter().filter(|(q, ..)| sc.queues[*q].priority <= p).collect();
            let rate: f64 = members.iter().map(|m| m.1).sum();
            let load: f64 = members.iter().map(|m| m.1 * m.2).sum();
            let patience = if members.iter().all(|m| m.3.is_some()) && rate > 0.0 {
                Some(members.iter().map(|m| m.1 * m.3.unwrap_or(0.0)).sum::<f64>() / rate)
            } else {
                None
            };
            let judged = tm
                .queues
                .iter()
                .filter(|&&q| sc.queues[q].priority == p)
                .map(|&q| (q, sc.queues[q].sl_threshold))
                .collect();
            Class { rate, agent_work: if rate > 0.0 { load / rate } else { 0.0 }, patience, judged }
        })
        .collect()
}

/// Mean arrival rate (per second) and rate-weighted mean work (seconds) of
/// queue `q` over `[t0, t0 + len)`.
pub fn mean_rate_work(sc: &Scenario, q: QueueId, t0: f64, len: f64) -> (f64, f64) {
    let (mut rate, mut load) = (0.0, 0.0);
    for s in 0..SAMPLES {
        let t = t0 + (s as f64 + 0.5) / SAMPLES as f64 * len;
        let r = sc.rate_at(q, t);
        rate += r;
        load += r * sc.work_at(q, t);
    }
    let rate = rate / SAMPLES as f64;
    let load = load / SAMPLES as f64;
    (rate, if rate > 0.0 { load / rate } else { sc.work_at(q, t0) })
}

/// Offered load of the queues `team` serves during `[t0, t0 + len)`, Erlangs
/// (conversations in service at once, before any concurrency).
pub fn offered_erlangs(sc: &Scenario, team: TeamId, t0: f64, len: f64) -> f64 {
    sc.teams[team]
        .queues
        .iter()
        .map(|&q| {
            let (rate, work) = mean_rate_work(sc, q, t0, len);
            rate * work
        })
        .sum()
}

/// Fewest productive agents with which every class meets every target of
/// its judged queues (`targets[q]`, by queue index) by `formula`; `scale` multiplies every class's rate (the simulation method's
/// load correction, 1 for the plain formula).
pub fn agents_needed(
    classes: &[Class],
    formula: Formula,
    sl: SlFormula,
    targets: &[Vec<Target>],
    scale: f64,
) -> Result<u32> {
    let mut need = 0;
    for class in classes {
        let rate = class.rate * scale;
        if rate <= 0.0 || class.agent_work <= 0.0 {
            continue;
        }
        let load = rate * class.agent_work;
        let mut n = (load.floor() as u32).max(1);
        loop {
            if n > MAX_AGENTS {
                return Err(Error::Staffing(format!(
                    "no headcount up to {MAX_AGENTS} meets the targets for an offered load of {load:.1} Erlangs"
                )));
            }
            if meets(class, rate, formula, sl, targets, n)? {
                break;
            }
            n += 1;
        }
        need = need.max(n);
    }
    Ok(need)
}

/// Whether `n` agents meet every target for every queue judged on `class`.
fn meets(
    class: &Class,
    rate: f64,
    formula: Formula,
    sl: SlFormula,
    targets: &[Vec<Target>],
    n: u32,
) -> Result<bool> {
    for &(q, threshold) in &class.judged {
        let targets = targets.get(q.index()).map_or(&[][..], Vec::as_slice);
        let measures = match (formula, class.patience) {
            (Formula::ErlangA, Some(patience)) if patience > 0.0 => {
                // A chain too wide to tabulate (patience very long against the
                // load) is as good as no abandonment: Erlang C.
                match erlang::erlang_a(rate, class.agent_work, patience, n, threshold) {
                    Err(erlang::ErlangError::StateSpaceTooLarge { .. }) => {
                        erlang::erlang_c(rate, class.agent_work, n, threshold)
                    }
                    other => other,
                }
            }
            _ => erlang::erlang_c(rate, class.agent_work, n, threshold),
        };
        let m = match measures {
            Ok(m) => m,
            Err(erlang::ErlangError::Unstable { .. }) => return Ok(false),
            Err(e) => return Err(Error::Staffing(format!("the Erlang formula failed: {e}"))),
        };
        if !targets.iter().all(|t| t.holds(value(&m, t.goal, sl))) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The formula's value of `goal`, the service level by the scenario's formula (§M7).
fn value(m: &QueueMeasures, goal: Goal, sl: SlFormula) -> f64 {
    match goal {
        Goal::ServiceLevel => match sl {
            SlFormula::Answered => m.service_level_answered,
            SlFormula::AbandonsMet => {
                let den = m.answered + m.abandoned;
                if den > 0.0 { (m.answered_within + m.abandoned_within) / den } else { 1.0 }
            }
            SlFormula::Offered | SlFormula::ExcludeShort => m.service_level,
        },
        Goal::Asa => m.asa,
        Goal::AbandonRate => m.abandon_rate,
        Goal::Occupancy => m.occupancy,
    }
}

/// Fraction of a logged-in agent's time in group `g` lost to planned and
/// unplanned episodes during `[t0, t0 + len)` (docs/model.md §13.3).
pub fn shrinkage(g: &AgentGroup, t0: f64, len: f64) -> f64 {
    let mut planned = 0.0;
    for s in 0..SAMPLES {
        let t = (t0 + (s as f64 + 0.5) / SAMPLES as f64 * len).rem_euclid(DAY);
        let mut out = 0.0;
        for p in &g.schedule {
            out += fraction_out(p.window_start, p.last_start, p.duration, t);
        }
        planned += out.min(1.0);
    }
    planned /= SAMPLES as f64;
    let u: f64 = g.unplanned.iter().map(|u| u.rate * u.duration.mean()).sum();
    let unplanned = u / (1.0 + u);
    (1.0 - (1.0 - planned) * (1.0 - unplanned)).clamp(0.0, MAX_SHRINKAGE)
}

/// Fraction of agents in an episode at clock time `t` when their starts are
/// spread evenly over `[first, last]` and each lasts `duration`.
fn fraction_out(first: f64, last: f64, duration: f64, t: f64) -> f64 {
    // Episodes started the day before may still run just after midnight.
    [t, t + DAY]
        .iter()
        .map(|&t| {
            if last - first < 1.0 {
                f64::from(u8::from(first <= t && t < first + duration))
            } else {
                let lo = (t - duration).max(first);
                let hi = t.min(last);
                ((hi - lo) / (last - first)).clamp(0.0, 1.0)
            }
        })
        .sum::<f64>()
        .min(1.0)
}

/// Productive agents (logged in, working, net of shrinkage) that the groups
/// on `group`'s team other than `group` give during `[t0, t0 + len)`.
pub fn others(sc: &Scenario, group: GroupId, t0: f64, len: f64) -> f64 {
    let team = sc.groups[group].team;
    sc.groups
        .iter_enumerated()
        .filter(|&(i, g)| i != group && g.team == team)
        .map(|(_, g)| working(g, t0, len) * (1.0 - shrinkage(g, t0, len)))
        .sum()
}

/// Time-average number of group `g`'s agents logged in and working during `[t0, t0 + len)`.
pub(crate) fn working(g: &AgentGroup, t0: f64, len: f64) -> f64 {
    let mut sum = 0.0;
    for s in 0..SAMPLES {
        let t = t0 + (s as f64 + 0.5) / SAMPLES as f64 * len;
        let n = match &g.headcount {
            Headcount::Fixed(n) => f64::from(*n),
            Headcount::Staffing(st) => f64::from(st.level((t / st.step()).floor() as usize)),
        };
        let on = match &g.shift {
            None => true,
            Some(shift) => {
                let since = (t - shift.start).rem_euclid(DAY);
                since >= shift.ready_delay && since < shift.length - shift.wind_down
            }
        };
        if on {
            sum += n;
        }
    }
    sum / SAMPLES as f64
}

/// The group's headcount for the productive agents `needed`: net of the
/// other groups' `others`, grossed up for `shrink`, rounded up.
pub fn gross(needed: f64, others: f64, shrink: f64) -> u32 {
    let net = (needed - others).max(0.0);
    // A hair below a whole number is that number (floating-point sums).
    let n = (net / (1.0 - shrink) - 1e-9).ceil();
    (n.max(0.0) as u32).min(MAX_AGENTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staggered_episodes_take_their_share_of_the_window() {
        // 30-minute lunches started evenly over 11:00-12:30: at 12:00, a third
        // of the starts (11:30-12:00) are still at lunch.
        let h = 3600.0;
        let f = fraction_out(11.0 * h, 12.5 * h, 0.5 * h, 12.0 * h);
        assert!((f - 1.0 / 3.0).abs() < 1e-9, "{f}");
        assert_eq!(fraction_out(9.0 * h, 9.0 * h, 0.5 * h, 9.25 * h), 1.0);
        assert_eq!(fraction_out(9.0 * h, 9.0 * h, 0.5 * h, 9.5 * h), 0.0);
    }

    #[test]
    fn gross_nets_out_others_and_divides_by_one_minus_shrinkage() {
        assert_eq!(gross(10.0, 2.0, 0.2), 10);
        assert_eq!(gross(10.0, 2.5, 0.2), 10);
        assert_eq!(gross(10.0, 1.0, 0.1), 10);
        assert_eq!(gross(10.0, 12.0, 0.3), 0);
    }

    const TEAM: &str = r#"
horizon = "1d"
interval = "1h"
[[queue]]
name = "chat"
priority = 1
arrivals = { per_hour = 60 }
handle_time = { dist = "constant", value = "4m" }
patience = { dist = "exponential", mean = "2m" }
[[queue]]
name = "email"
priority = 3
sl_threshold = "1h"
arrivals = { per_hour = 30 }
handle_time = { dist = "constant", value = "6m" }
[[team]]
name = "t"
queues = ["email", "chat"]
capacity = 2
channel_caps = { email = 1 }
[[agents]]
name = "g"
team = "t"
count = 3
unplanned = [{ status = "Unavailable", per_hour = 1, duration = { dist = "constant", value = "15m" } }]
[[agents]]
name = "h"
team = "t"
count = 4
shift = { start = "09:00", end = "17:00" }
schedule = [{ status = "Unavailable", at = "12:00", duration = "30m" }]
"#;

    #[test]
    fn classes_pool_by_priority_and_divide_work_by_slots() {
        let sc = crate::scenario::parse(TEAM, "t.toml", "t", &[]).unwrap();
        let c = classes(&sc, TeamId(0), 10.0 * 3600.0, 3600.0);
        assert_eq!(c.len(), 2);
        // Priority 1: chat alone, two slots per agent: 4 min of work is 2 agent-minutes.
        assert!((c[0].rate - 60.0 / 3600.0).abs() < 1e-12);
        assert!((c[0].agent_work - 120.0).abs() < 1e-9);
        assert_eq!(c[0].patience, Some(120.0));
        assert_eq!(c[0].judged, vec![(QueueId(0), 30.0)], "chat (queue 0) at the default 30 s");
        // Priority 3: chat and email pooled (email capped at one slot), no patience.
        let load = 60.0 / 3600.0 * 120.0 + 30.0 / 3600.0 * 360.0;
        assert!((c[1].rate * c[1].agent_work - load).abs() < 1e-9);
        assert_eq!(c[1].patience, None);
        assert_eq!(c[1].judged, vec![(QueueId(1), 3600.0)]);
    }

    #[test]
    fn shrinkage_and_other_groups_follow_episodes_and_shifts() {
        let sc = crate::scenario::parse(TEAM, "t.toml", "t", &[]).unwrap();
        let h = 3600.0;
        // One 15-minute episode an hour: u = 0.25, shrinkage 0.2.
        assert!((shrinkage(&sc.groups[GroupId(0)], 10.0 * h, h) - 0.2).abs() < 1e-9);
        // The whole group at lunch 12:00-12:30: half of the 12:00 hour.
        assert!((shrinkage(&sc.groups[GroupId(1)], 12.0 * h, h) - 0.5).abs() < 1e-9);
        assert_eq!(shrinkage(&sc.groups[GroupId(1)], 10.0 * h, h), 0.0);
        // For group g, group h gives its 4 agents within its shift, 2 over the lunch hour, none at night.
        assert!((others(&sc, GroupId(0), 10.0 * h, h) - 4.0).abs() < 1e-9);
        assert!((others(&sc, GroupId(0), 12.0 * h, h) - 2.0).abs() < 1e-9);
        assert_eq!(others(&sc, GroupId(0), 20.0 * h, h), 0.0);
    }

    #[test]
    fn erlang_c_answer_matches_the_textbook_example() {
        // 100 calls per half hour, 180 s handle time, 80% in 20 s: 14 agents
        // (the classic worked example; Erlang C gives SL 0.8 at 14 agents, 0.66 at 13).
        let class = Class {
            rate: 100.0 / 1800.0,
            agent_work: 180.0,
            patience: None,
            judged: vec![(QueueId(0), 20.0)],
        };
        let sl: Target = "service_level>=0.8".parse().unwrap();
        let n = agents_needed(&[class], Formula::ErlangC, SlFormula::Offered, &[vec![sl]], 1.0);
        assert_eq!(n.ok(), Some(14));
    }
}
