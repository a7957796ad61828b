//! Shift patterns (`[[shift]]`, docs/model.md §10.14): the shifts a team's
//! agents may work, which `routesim schedule` turns into a roster. The
//! engine never sees them; `run` and `staff` ignore them.

use super::{StatusId, TeamId};

/// One `[[shift]]`: lengths, allowed starts, working days and the planned
/// statuses each shift holds, for one team.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftPattern {
    /// The pattern's name, unique among patterns.
    pub name: String,
    /// The team whose agents work it.
    pub team: TeamId,
    /// The shift lengths allowed, seconds, each above 0 and at most a day, ascending.
    pub lengths: Vec<f64>,
    /// Earliest start, seconds from midnight.
    pub first_start: f64,
    /// Latest start, seconds from midnight (at or after `first_start`, on its step grid).
    pub last_start: f64,
    /// Step between allowed starts, seconds (default: the reporting interval).
    pub start_step: f64,
    /// Working days per week, 1 to 7; the days off are consecutive.
    pub days: u32,
    /// The planned statuses inside every shift, in order.
    pub schedule: Vec<ShiftStatus>,
    /// Most agents this pattern may have (the headcount available for it).
    pub max_agents: Option<u32>,
}

/// A planned status inside a shift: `{ status, after = "3h-5h", duration }`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftStatus {
    /// The status (a custom unavailable status of the scenario).
    pub status: StatusId,
    /// The window's start, seconds after the shift's start: the status begins no earlier.
    pub window_start: f64,
    /// The window's end, seconds after the shift's start: the status ends no later.
    pub window_end: f64,
    /// Length, seconds (at most the window's).
    pub duration: f64,
}

impl ShiftPattern {
    /// Every allowed start, seconds from midnight, in order.
    pub fn starts(&self) -> Vec<f64> {
        let n = ((self.last_start - self.first_start) / self.start_step).round() as usize;
        (0..=n).map(|k| self.first_start + k as f64 * self.start_step).collect()
    }

    /// Every allowed set of days off, as the first day off (0 to 6 from day
    /// 1 of the week): 7 rotations when there are days off, one (none off)
    /// with `days = 7`.
    pub fn rotations(&self) -> Vec<u32> {
        if self.days >= 7 { vec![0] } else { (0..7).collect() }
    }

    /// Whether day `d` (0 to 6) is a working day for agents whose first day
    /// off is `first_off`: the `7 - days` days from it (wrapping Sunday to
    /// Monday) are off.
    pub fn works(&self, first_off: u32, d: u32) -> bool {
        let off = 7 - self.days.min(7);
        (d + 7 - first_off) % 7 >= off
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(days: u32) -> ShiftPattern {
        ShiftPattern {
            name: "day".into(),
            team: TeamId(0),
            lengths: vec![8.5 * 3600.0],
            first_start: 7.0 * 3600.0,
            last_start: 9.0 * 3600.0,
            start_step: 1800.0,
            days,
            schedule: Vec::new(),
            max_agents: None,
        }
    }

    #[test]
    fn starts_step_through_the_window() {
        assert_eq!(pattern(5).starts(), vec![25200.0, 27000.0, 28800.0, 30600.0, 32400.0]);
    }

    #[test]
    fn days_off_are_consecutive_and_wrap_from_sunday_to_monday() {
        let p = pattern(5);
        assert_eq!(p.rotations().len(), 7);
        let worked = |off| (0..7).filter(|&d| p.works(off, d)).collect::<Vec<_>>();
        assert_eq!(worked(5), vec![0, 1, 2, 3, 4], "Saturday and Sunday off");
        assert_eq!(worked(6), vec![1, 2, 3, 4, 5], "Sunday and Monday off");
        assert_eq!(pattern(7).rotations(), vec![0]);
        assert!((0..7).all(|d| pattern(7).works(0, d)));
    }
}
