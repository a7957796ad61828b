//! How a team's staffing array is shared among the team's agent groups in
//! the whole-team form of `staff` (docs/model.md §13.1): at each step in
//! proportion to the headcount the scenario file logs in for each group
//! then, so that each group's statuses, schedules and unplanned episodes
//! apply to its share, as they apply in the file.

use crate::model::{GroupId, Scenario};
use crate::staffing::formula;

/// The groups sharing one staffing array and each one's weight per step.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The groups, in file order; the first takes a step no group's weight covers.
    groups: Vec<GroupId>,
    /// Per step, each group's weight (in the order of `groups`).
    weights: Vec<Vec<f64>>,
}

impl Split {
    /// One group carries the whole array (`staff --group`).
    pub fn single(group: GroupId) -> Split {
        Split { groups: vec![group], weights: Vec::new() }
    }

    /// The team's `groups` (file order, at least one) share an array of
    /// `steps` steps of `sc.interval` seconds from day 0: each step in
    /// proportion to the time-average headcount `sc` (the file's scenario)
    /// logs in for each group during that step; where none logs any in, in
    /// proportion to each group's largest headcount; where that is zero
    /// too, the first group takes it all.
    pub fn of_team(sc: &Scenario, groups: Vec<GroupId>, steps: usize) -> Split {
        debug_assert!(!groups.is_empty());
        let peaks: Vec<f64> = groups.iter().map(|&g| sc.groups[g].size() as f64).collect();
        let weights = (0..steps)
            .map(|s| {
                let t0 = s as f64 * sc.interval;
                let w: Vec<f64> =
                    groups.iter().map(|&g| formula::working(&sc.groups[g], t0, sc.interval)).collect();
                if w.iter().any(|&x| x > 0.0) { w } else { peaks.clone() }
            })
            .collect();
        Split { groups, weights }
    }

    /// The groups sharing the array, in file order.
    pub fn groups(&self) -> &[GroupId] {
        &self.groups
    }

    /// The weights of step `s` (one per group); `None` when the first group takes it all.
    fn weights_at(&self, s: usize) -> Option<&[f64]> {
        let w = self.weights.get(s)?;
        (self.groups.len() > 1 && w.iter().any(|&x| x > 0.0)).then_some(w.as_slice())
    }

    /// `level` agents of step `s` shared among the groups by largest
    /// remainders (Hamilton's method; ties to the earlier group), so the
    /// shares add up to `level` exactly.
    pub fn share(&self, s: usize, level: u32) -> Vec<u32> {
        let mut out = vec![0; self.groups.len()];
        let Some(w) = self.weights_at(s) else {
            out[0] = level;
            return out;
        };
        let total: f64 = w.iter().sum();
        let quotas: Vec<f64> = w.iter().map(|&x| f64::from(level) * x / total).collect();
        let mut given = 0;
        for (o, q) in out.iter_mut().zip(&quotas) {
            *o = q.floor() as u32;
            given += *o;
        }
        let mut order: Vec<usize> = (0..quotas.len()).collect();
        order.sort_by(|&a, &b| {
            (quotas[b] - quotas[b].floor()).total_cmp(&(quotas[a] - quotas[a].floor())).then(a.cmp(&b))
        });
        for &j in order.iter().cycle().take(level.saturating_sub(given) as usize) {
            out[j] += 1;
        }
        out
    }

    /// Each group's array (in the order of [`Split::groups`]) for the
    /// team's `levels`, one per step.
    pub fn arrays(&self, levels: &[u32]) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::with_capacity(levels.len()); self.groups.len()];
        for (s, &level) in levels.iter().enumerate() {
            for (array, n) in out.iter_mut().zip(self.share(s, level)) {
                array.push(n);
            }
        }
        out
    }

    /// The planned share of logged-in time lost to statuses during
    /// `[t0, t0 + len)` (step `s`), each group's (§13.3) weighted by its
    /// weight at that step.
    pub fn shrinkage(&self, sc: &Scenario, s: usize, t0: f64, len: f64) -> f64 {
        let first = &sc.groups[self.groups[0]];
        let Some(w) = self.weights_at(s) else {
            return formula::shrinkage(first, t0, len);
        };
        let total: f64 = w.iter().sum();
        self.groups.iter().zip(w).map(|(&g, &x)| x * formula::shrinkage(&sc.groups[g], t0, len)).sum::<f64>()
            / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(weights: Vec<Vec<f64>>) -> Split {
        let n = weights.first().map_or(1, Vec::len);
        Split { groups: (0..n as u32).map(GroupId).collect(), weights }
    }

    #[test]
    fn shares_add_up_and_follow_the_weights() {
        let s = split(vec![vec![6.0, 5.0], vec![0.0, 5.0], vec![0.0, 0.0], vec![1.0, 1.0]]);
        assert_eq!(s.share(0, 11), vec![6, 5]);
        // 7 × 6/11 = 3.82, 7 × 5/11 = 3.18: the larger remainder takes the extra agent.
        assert_eq!(s.share(0, 7), vec![4, 3]);
        assert_eq!(s.share(1, 9), vec![0, 9], "only the late group is logged in");
        assert_eq!(s.share(2, 4), vec![4, 0], "no weight: the first group takes it");
        assert_eq!(s.share(3, 3), vec![2, 1], "a tie goes to the earlier group");
        assert_eq!(s.share(9, 5), vec![5, 0], "a step past the weights: the first group");
        for level in 0..40 {
            for step in 0..4 {
                assert_eq!(s.share(step, level).iter().sum::<u32>(), level, "step {step} level {level}");
            }
        }
        assert_eq!(s.arrays(&[11, 9, 4, 3]), vec![vec![6, 0, 4, 2], vec![5, 9, 0, 1]]);
        assert_eq!(Split::single(GroupId(3)).share(0, 8), vec![8]);
    }

    const TEAM: &str = r#"
horizon = "1d"
[[status]]
name = "Lunch"
[[queue]]
name = "chat"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "early"
team = "t"
count = 6
shift = { start = "07:00", end = "15:30" }
schedule = [{ status = "Lunch", window = "11:30-13:30", duration = "30m" }]
[[agents]]
name = "late"
team = "t"
count = 5
shift = { start = "13:30", end = "22:00" }
schedule = [{ status = "Lunch", window = "17:00-18:30", duration = "30m" }]
"#;

    /// The weights are the file's logged-in headcounts per half hour, and the
    /// shrinkage of a step is each group's weighted by them (docs/model.md §13.1).
    #[test]
    fn the_file_s_shifts_weigh_the_groups_and_their_lunches() {
        let sc = crate::scenario::parse(TEAM, "t.toml", "t", &[]).expect("scenario");
        let split = Split::of_team(&sc, vec![GroupId(0), GroupId(1)], 48);
        let at = |h: f64| (h * 2.0) as usize;
        assert_eq!(split.weights[at(12.0)], vec![6.0, 0.0], "12:00: the early shift only");
        assert_eq!(split.weights[at(14.0)], vec![6.0, 5.0], "14:00: both");
        assert_eq!(split.weights[at(17.0)], vec![0.0, 5.0], "17:00: the late shift only");
        assert_eq!(split.weights[at(3.0)], vec![6.0, 5.0], "03:00: no one, so the groups' sizes");
        assert_eq!(split.share(at(17.0), 4), vec![0, 4]);
        let (early, late) = (&sc.groups[GroupId(0)], &sc.groups[GroupId(1)]);
        let shrink = |s: usize| split.shrinkage(&sc, s, s as f64 * 1800.0, 1800.0);
        let own = |g, s: usize| formula::shrinkage(g, s as f64 * 1800.0, 1800.0);
        assert!(own(late, at(17.5)) > 0.1 && own(early, at(17.5)) == 0.0, "late's lunch window, not early's");
        assert_eq!(shrink(at(17.5)), own(late, at(17.5)), "17:30 is late's lunch");
        assert_eq!(shrink(at(12.0)), own(early, at(12.0)), "12:00 is early's lunch");
        let mixed = (6.0 * own(early, at(3.0)) + 5.0 * own(late, at(3.0))) / 11.0;
        assert_eq!(shrink(at(3.0)), mixed);
    }
}
