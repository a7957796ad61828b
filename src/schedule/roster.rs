//! The roster (docs/model.md §16.3): the combinations a shift pattern
//! allows, what each covers over the week, the program's counts expanded
//! into agents, and each agent's planned statuses placed inside their
//! windows where the cover has most to spare.

use crate::model::{ShiftPattern, TeamId};
use crate::time::DAY;

/// The week a roster covers: reporting intervals from day 1 00:00, wrapping
/// after the seventh day (a shift that runs past Sunday midnight covers
/// Monday's first hours, as a week-long staffing array repeats).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RosterWeek {
    /// Length of a reporting interval, seconds.
    pub interval: f64,
    /// Reporting intervals in the week (7 × a day's).
    pub steps: usize,
}

impl RosterWeek {
    /// The week of reporting intervals of `interval` seconds.
    pub fn new(interval: f64) -> RosterWeek {
        RosterWeek { interval, steps: (7.0 * DAY / interval).round() as usize }
    }

    /// Adds `weight` × the share of each interval that the span from `a` to
    /// `b` (seconds from the week's start, wrapping past its end) covers.
    pub fn add_span(&self, out: &mut [f64], a: f64, b: f64, weight: f64) {
        let week = self.steps as f64 * self.interval;
        let (mut a, b) = (a.rem_euclid(week), a.rem_euclid(week) + (b - a));
        while a < b - 1e-9 {
            let t = (a / self.interval + 1e-9).floor() as usize;
            let end = ((t + 1) as f64 * self.interval).min(b);
            if let Some(x) = out.get_mut(t % self.steps) {
                *x += weight * (end - a) / self.interval;
            }
            a = end;
        }
    }
}

/// One way to work a pattern: its length, start and days off; the
/// integer program's variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Combination {
    /// Index into the scenario's shift patterns.
    pub pattern: usize,
    /// Shift length, seconds.
    pub length: f64,
    /// Start, seconds from midnight.
    pub start: f64,
    /// The first day off (0 to 6 from day 1), see [`ShiftPattern::works`].
    pub first_off: u32,
}

impl Combination {
    /// Every combination of the patterns of `teams`, pattern by pattern in
    /// file order, then length, start and first day off.
    pub fn all(patterns: &[ShiftPattern], teams: &[TeamId]) -> Vec<Combination> {
        let mut out = Vec::new();
        for (pattern, p) in patterns.iter().enumerate().filter(|(_, p)| teams.contains(&p.team)) {
            for &length in &p.lengths {
                for start in p.starts() {
                    for first_off in p.rotations() {
                        out.push(Combination { pattern, length, start, first_off });
                    }
                }
            }
        }
        out
    }

    /// The days of the week (0 to 6) its agents work.
    pub fn days(&self, p: &ShiftPattern) -> Vec<u32> {
        (0..7).filter(|&d| p.works(self.first_off, d)).collect()
    }

    /// Paid hours a week of one agent: length × working days.
    pub fn paid_hours(&self, p: &ShiftPattern) -> f64 {
        self.length * f64::from(p.days.min(7)) / 3600.0
    }

    /// The share of each interval of the week one agent is logged in.
    pub fn logged(&self, p: &ShiftPattern, week: &RosterWeek) -> Vec<f64> {
        let mut out = vec![0.0; week.steps];
        for d in self.days(p) {
            let a = f64::from(d) * DAY + self.start;
            week.add_span(&mut out, a, a + self.length, 1.0);
        }
        out
    }

    /// The share of each interval one agent is logged in and not in a
    /// planned status, each status counted at its expected share: its start
    /// spread evenly over its window (docs/model.md §16.2).
    pub fn expected_available(&self, p: &ShiftPattern, week: &RosterWeek) -> Vec<f64> {
        const SAMPLES: usize = 60;
        let mut out = self.logged(p, week);
        for d in self.days(p) {
            let day = f64::from(d) * DAY + self.start;
            for s in &p.schedule {
                let room = s.window_end - s.duration - s.window_start;
                let n = if room > 0.0 { SAMPLES } else { 1 };
                for k in 0..n {
                    let at = s.window_start + room * (k as f64 + 0.5) / n as f64;
                    week.add_span(&mut out, day + at, day + at + s.duration, -1.0 / n as f64);
                }
            }
        }
        out
    }
}

/// One agent of the roster: the combination worked and, per planned
/// status of its pattern, its start in seconds after the shift's start
/// (the same on every working day).
#[derive(Debug, Clone, PartialEq)]
pub struct RosterAgent {
    /// Index into the combinations.
    pub combination: usize,
    /// Per planned status of the pattern, in order: its start after the shift's.
    pub statuses: Vec<f64>,
}

/// The cover each team has: per team (in the order scheduled) and interval
/// of the week, agents logged in and agents available (logged in, not in a
/// placed status), and the need the placement works against.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// Per team: agents logged in per interval.
    pub logged: Vec<Vec<f64>>,
    /// Per team: agents logged in and not in a planned status per interval.
    pub available: Vec<Vec<f64>>,
    /// Per team: the agents the requirement needs available per interval.
    pub need: Vec<Vec<f64>>,
}

/// What the placement reads: the patterns, the combinations, each
/// combination's team (its index among the teams scheduled) and the week.
pub struct RosterLayout<'a> {
    /// The scenario's shift patterns.
    pub patterns: &'a [ShiftPattern],
    /// The program's combinations.
    pub combinations: &'a [Combination],
    /// Per combination: the index of its team among those scheduled.
    pub team_of: &'a [usize],
    /// The week.
    pub week: RosterWeek,
}

impl RosterLayout<'_> {
    /// One agent per unit of `counts`, combination by combination, with no
    /// status placed yet.
    pub fn expand(&self, counts: &[u32]) -> Vec<RosterAgent> {
        counts
            .iter()
            .enumerate()
            .flat_map(|(c, &n)| (0..n).map(move |_| RosterAgent { combination: c, statuses: Vec::new() }))
            .collect()
    }

    /// Adds `agent`'s logged-in time to `cover` (its statuses unplaced).
    pub fn log_in(&self, cover: &mut Cover, agent: &RosterAgent) {
        let c = &self.combinations[agent.combination];
        let logged = c.logged(&self.patterns[c.pattern], &self.week);
        let k = self.team_of[agent.combination];
        for (t, x) in logged.iter().enumerate() {
            cover.logged[k][t] += x;
            cover.available[k][t] += x;
        }
    }

    /// Places `agent`'s planned statuses one after the other, each at the
    /// start in its window where the team's available agents minus the need,
    /// summed over the slot on every working day, is highest (ties: the
    /// earliest), not overlapping the agent's statuses already placed and
    /// not crossing midnight; takes the status's time out of `cover`.
    pub fn place(&self, cover: &mut Cover, agent: &mut RosterAgent) {
        let c = self.combinations[agent.combination];
        let p = &self.patterns[c.pattern];
        let k = self.team_of[agent.combination];
        let days = c.days(p);
        agent.statuses.clear();
        for s in &p.schedule {
            let step = self.week.interval.min(s.duration).max(60.0);
            let last = s.window_end - s.duration;
            let mut candidates = Vec::new();
            let mut at = s.window_start;
            while at <= last + 1e-9 {
                candidates.push(at);
                at += step;
            }
            if candidates.last().is_some_and(|&l| l < last - 1e-9) {
                candidates.push(last);
            }
            let clear = |at: f64| {
                let clock = (c.start + at).rem_euclid(DAY);
                clock + s.duration <= DAY + 1e-9
                    && agent
                        .statuses
                        .iter()
                        .zip(&p.schedule)
                        .all(|(&b, o)| at + s.duration <= b || b + o.duration <= at)
            };
            let usable: Vec<f64> = candidates.iter().copied().filter(|&a| clear(a)).collect();
            let pool = if usable.is_empty() { candidates } else { usable };
            let mut best: Option<(f64, f64)> = None;
            for at in pool {
                let mut share = vec![0.0; self.week.steps];
                for &d in &days {
                    let a = f64::from(d) * DAY + c.start + at;
                    self.week.add_span(&mut share, a, a + s.duration, 1.0);
                }
                let score: f64 = share
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| **x > 0.0)
                    .map(|(t, x)| x * (cover.available[k][t] - cover.need[k][t]))
                    .sum();
                if best.is_none_or(|(_, b)| score > b + 1e-9) {
                    best = Some((at, score));
                }
            }
            let at = best.map_or(s.window_start, |(at, _)| at);
            for &d in &days {
                let a = f64::from(d) * DAY + c.start + at;
                self.week.add_span(&mut cover.available[k], a, a + s.duration, -1.0);
            }
            agent.statuses.push(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ShiftStatus, StatusId};

    fn pattern() -> ShiftPattern {
        ShiftPattern {
            name: "day".into(),
            team: TeamId(0),
            lengths: vec![4.0 * 3600.0],
            first_start: 8.0 * 3600.0,
            last_start: 8.0 * 3600.0,
            start_step: 1800.0,
            days: 5,
            schedule: vec![ShiftStatus {
                status: StatusId(4),
                window_start: 3600.0,
                window_end: 3.0 * 3600.0,
                duration: 1800.0,
            }],
            max_agents: None,
        }
    }

    #[test]
    fn a_span_past_the_week_wraps_to_monday() {
        let week = RosterWeek::new(1800.0);
        let mut out = vec![0.0; week.steps];
        week.add_span(&mut out, 7.0 * DAY - 900.0, 7.0 * DAY + 2700.0, 1.0);
        assert_eq!(out[week.steps - 1], 0.5);
        assert_eq!(out[0], 1.0);
        assert_eq!(out[1], 0.5);
        assert!((out.iter().sum::<f64>() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_combination_covers_its_working_days_and_expects_its_lunch_over_the_window() {
        let week = RosterWeek::new(1800.0);
        let p = pattern();
        // Days off Saturday and Sunday (5, 6): Monday to Friday, 08:00-12:00.
        let c = Combination { pattern: 0, length: p.lengths[0], start: p.first_start, first_off: 5 };
        assert_eq!(c.days(&p), vec![0, 1, 2, 3, 4]);
        assert_eq!(c.paid_hours(&p), 20.0);
        let logged = c.logged(&p, &week);
        assert_eq!(logged.iter().sum::<f64>(), 40.0, "8 half hours on 5 days");
        assert_eq!(logged[16], 1.0);
        assert_eq!(logged[5 * 48 + 16], 0.0, "Saturday is off");
        // Lunch (30 min) starts between 09:00 and 10:30: 09:00-11:00 loses half an hour in four half hours.
        let net = c.expected_available(&p, &week);
        assert!((logged.iter().sum::<f64>() - net.iter().sum::<f64>() - 5.0).abs() < 1e-9);
        assert_eq!(net[16], 1.0, "08:00 has no lunch");
        assert!(net[18] < 1.0 && net[21] < 1.0 && net[22] == 1.0);
    }

    /// Two agents on the same shift with a need of one available agent in
    /// 09:00-11:00 except 10:00-10:30: the first takes lunch at the earliest
    /// slot with most to spare, the second avoids where the first went;
    /// the cover loses each lunch; the placement repeats exactly.
    #[test]
    fn lunches_go_where_the_cover_has_most_to_spare_and_spread() {
        let week = RosterWeek::new(1800.0);
        let patterns = vec![pattern()];
        let combos =
            vec![Combination { pattern: 0, length: 4.0 * 3600.0, start: 8.0 * 3600.0, first_off: 5 }];
        let team_of = vec![0];
        let layout = RosterLayout { patterns: &patterns, combinations: &combos, team_of: &team_of, week };
        let mut need = vec![0.0; week.steps];
        for d in 0..5 {
            for t in [18, 19, 21] {
                need[d * 48 + t] = 1.0;
            }
            need[d * 48 + 20] = 2.0;
        }
        let mut cover = Cover {
            logged: vec![vec![0.0; week.steps]],
            available: vec![vec![0.0; week.steps]],
            need: vec![need],
        };
        let mut agents = layout.expand(&[2]);
        for a in &agents {
            layout.log_in(&mut cover, a);
        }
        let mut placed = Vec::new();
        for a in agents.iter_mut() {
            layout.place(&mut cover, a);
            placed.push(a.statuses[0]);
        }
        // Spare 1 at 09:00, 09:30, 10:30 and 0 at 10:00: the first goes to 09:00 (earliest),
        // the second to 09:30 (09:00 now has none to spare).
        assert_eq!(placed, vec![3600.0, 5400.0]);
        assert_eq!(cover.available[0][18], 1.0);
        assert_eq!(cover.available[0][19], 1.0);
        assert_eq!(cover.available[0][20], 2.0);
        assert_eq!(cover.logged[0][18], 2.0);
        let mut again = layout.expand(&[2]);
        let mut cover2 = Cover {
            logged: vec![vec![0.0; week.steps]],
            available: vec![vec![0.0; week.steps]],
            need: cover.need.clone(),
        };
        for a in &again {
            layout.log_in(&mut cover2, a);
        }
        for a in again.iter_mut() {
            layout.place(&mut cover2, a);
        }
        assert_eq!(again.iter().map(|a| a.statuses[0]).collect::<Vec<_>>(), placed);
    }
}
