//! Staffing judged by simulation: candidate staffings simulated on common
//! random numbers, per-replication interval measures, the judgement of a
//! target (mean, confidence bound or fraction of days) and the simulation
//! method's search (docs/model.md §13.4-§13.5).

use serde::{Deserialize, Serialize};

use crate::driver::{Collector, Job, PerJob, Plan, Workers};
use crate::error::{Error, Result, Setting};
use crate::model::{GroupId, QueueId, Scenario, TeamId};
use crate::staffing::formula::{self, Formula};
use crate::staffing::{GOALS, Goal, Target};
use crate::stats::Tally;

/// One staffing array of the search: the groups whose headcount is answered
/// and the team whose queues judge it (docs/model.md §13.1). `staff --group`
/// searches one group's; the whole-team form one per team, shared among the
/// team's groups, all in one search.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffedArray {
    /// The first group carrying the staffing array.
    pub group: GroupId,
    /// Its team, whose queues are judged.
    pub team: TeamId,
    /// How the array is shared among the groups carrying it.
    pub split: crate::staffing::split::Split,
}

/// At most this many load-fitting (ISA) iterations.
pub const MAX_ISA: usize = 8;
/// At most this many rounds of raising the intervals that miss.
pub const MAX_RAISE: usize = 60;
/// At most this many rounds of lowering the intervals with room.
pub const MAX_LOWER: usize = 60;
/// At most this many rounds of lowering a week-long array, one simulation each.
pub const MAX_LOWER_TOGETHER: usize = 120;

/// The confidence level of the default judgement (docs/model.md §13.5): the
/// one-sided 95% bound, so that the answer holds on seeds the search has not seen.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// How a target is judged from the replications (docs/model.md §13.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Judge {
    /// On the pooled estimate over all replications (as intervals.csv reports it).
    Mean,
    /// On the one-sided lower (service level) or upper (asa, abandon rate,
    /// occupancy) confidence bound at this level, e.g. 0.95.
    Confidence(f64),
    /// The target holds in at least this fraction of replications (days).
    Days(f64),
}

impl Judge {
    /// The judgement `--confidence C`, `--days D` or `--mean` ask for
    /// (none: the one-sided [`DEFAULT_CONFIDENCE`] bound); C lies strictly
    /// between 0 and 1, D above 0 and at most 1 (1: every simulated day).
    pub fn from_options(confidence: Option<f64>, days: Option<f64>, mean: bool) -> Result<Judge> {
        let check = |setting: Setting, v: f64, top: bool| {
            if v > 0.0 && (v < 1.0 || (top && v == 1.0)) {
                Ok(v)
            } else {
                let range = if top { "above 0 and at most 1" } else { "strictly between 0 and 1" };
                Err(Error::Setting {
                    setting,
                    value: v.to_string(),
                    message: format!("give a fraction {range}, e.g. 0.9"),
                })
            }
        };
        if mean && (confidence.is_some() || days.is_some()) {
            return Err(Error::Setting {
                setting: Setting::Days,
                value: String::new(),
                message: "judge on the mean, a confidence bound or a fraction of days, one of them".into(),
            });
        }
        match (confidence, days) {
            (None, None) if mean => Ok(Judge::Mean),
            (Some(_), Some(_)) => Err(Error::Setting {
                setting: Setting::Days,
                value: String::new(),
                message: "judge on a confidence bound or on a fraction of days, not both".into(),
            }),
            (Some(c), None) => Ok(Judge::Confidence(check(Setting::Confidence, c, false)?)),
            (None, Some(d)) => Ok(Judge::Days(check(Setting::Days, d, true)?)),
            (None, None) => Ok(Judge::Confidence(DEFAULT_CONFIDENCE)),
        }
    }
}

/// What the simulator measured for one staffing: per replication, interval
/// and queue, each goal's ratio as numerator and denominator.
#[derive(Debug, Clone)]
pub struct Measured {
    reps: usize,
    intervals: usize,
    queues: usize,
    /// `[((r * intervals + i) * queues + q) * 4 + goal]`, goals in [`GOALS`] order.
    parts: Vec<(f64, f64)>,
    /// Per team measured (in the order given to [`measure`]) and interval,
    /// `[k * intervals + i]`: the team's agents holding work plus the
    /// conversations waiting on its queues, time averages, mean over replications.
    in_system: Vec<f64>,
}

impl Measured {
    /// The number in system of the `k`-th team measured in interval `i` (see [`Measured`]).
    pub fn in_system(&self, k: usize, i: usize) -> f64 {
        self.in_system.get(k * self.intervals + i).copied().unwrap_or(0.0)
    }

    /// The pooled value of `goal` for queue `q` in interval `i` (NaN: no traffic).
    pub fn pooled(&self, goal: Goal, i: usize, q: QueueId) -> f64 {
        let (x, y) = self.sums(goal, i, q);
        if y > 0.0 { x / y } else { f64::NAN }
    }

    fn part(&self, r: usize, goal: usize, i: usize, q: QueueId) -> (f64, f64) {
        self.parts[((r * self.intervals + i) * self.queues + q.index()) * 4 + goal]
    }

    fn sums(&self, goal: Goal, i: usize, q: QueueId) -> (f64, f64) {
        let g = goal_index(goal);
        (0..self.reps).map(|r| self.part(r, g, i, q)).fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y))
    }

    /// Whether `target` holds for queue `q` in interval `i` under `judge`.
    pub fn holds(&self, judge: Judge, target: &Target, i: usize, q: QueueId) -> bool {
        let g = goal_index(target.goal);
        match judge {
            Judge::Mean => target.holds(self.pooled(target.goal, i, q)),
            Judge::Confidence(level) => {
                let (sx, sy) = self.sums(target.goal, i, q);
                if sy <= 0.0 {
                    return true;
                }
                let ratio = sx / sy;
                let n = self.reps as f64;
                let se = if self.reps > 1 {
                    let ss: f64 = (0..self.reps)
                        .map(|r| {
                            let (x, y) = self.part(r, g, i, q);
                            (x - ratio * y).powi(2)
                        })
                        .sum();
                    (ss / (n * (n - 1.0))).sqrt() / (sy / n)
                } else {
                    0.0
                };
                let z = normal_quantile(level);
                let bound = if target.goal.higher_is_better() { ratio - z * se } else { ratio + z * se };
                target.holds(bound)
            }
            Judge::Days(fraction) => {
                let good = (0..self.reps)
                    .filter(|&r| {
                        let (x, y) = self.part(r, g, i, q);
                        y <= 0.0 || target.holds(x / y)
                    })
                    .count();
                good as f64 >= fraction * self.reps as f64 - 1e-9
            }
        }
    }
}

fn goal_index(goal: Goal) -> usize {
    GOALS.iter().position(|&g| g == goal).unwrap_or(0)
}

/// The standard normal quantile of `p` (0 < p < 1).
fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().inverse_cdf(p.clamp(1e-12, 1.0 - 1e-12))
}

/// Simulates every scenario of `candidates` (same shape: horizon, interval,
/// queues, teams) for its replications on `workers`, all replications of
/// all candidates in one plan; results in candidate order, independent of
/// the number of threads; the number in system is kept for each of `teams`.
/// `tick` is called once per replication simulated (for a progress display).
pub fn measure(
    workers: &Workers,
    candidates: &[Scenario],
    teams: &[TeamId],
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<Measured>> {
    let measures = Measures::new(candidates, teams.to_vec());
    let fold = workers.fold_all(&Plan::new(candidates), &measures, tick)?;
    measures.measured(fold)
}

/// The collector of the staffing search: every replication's ratio parts
/// and each team's number in system per interval, by (candidate, replication).
pub struct Measures<'a> {
    candidates: &'a [Scenario],
    teams: Vec<TeamId>,
}

/// What [`Measures`] keeps: per candidate, per replication, its
/// `RepParts` (None: not folded here). Merging disjoint folds is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureFold(PerJob<RepParts>);

impl<'a> Measures<'a> {
    /// The collector for `candidates`, keeping the number in system of each of `teams`.
    pub fn new(candidates: &'a [Scenario], teams: Vec<TeamId>) -> Measures<'a> {
        Measures { candidates, teams }
    }

    /// Each candidate's [`Measured`], from a fold of every job of the plan.
    fn measured(&self, fold: MeasureFold) -> Result<Vec<Measured>> {
        self.candidates
            .iter()
            .zip(fold.0.into_variants())
            .map(|(sc, per_rep)| {
                let (n, nq) = (sc.interval_count(), sc.queues.len());
                let reps = sc.replications as usize;
                let mut parts = Vec::with_capacity(reps * n * nq * 4);
                let mut in_system = vec![0.0; n * self.teams.len()];
                for (r, rep) in per_rep.into_iter().enumerate() {
                    let (p, load) = rep.ok_or_else(|| {
                        Error::Internal(format!("replication {r} of a staffing was not run"))
                    })?;
                    parts.extend(p);
                    for (acc, l) in in_system.iter_mut().zip(load) {
                        *acc += l / reps as f64;
                    }
                }
                Ok(Measured { reps, intervals: n, queues: nq, parts, in_system })
            })
            .collect()
    }
}

impl Collector for Measures<'_> {
    type Fold = MeasureFold;

    fn empty(&self) -> MeasureFold {
        MeasureFold(PerJob::new(self.candidates))
    }

    fn add(&self, fold: &mut MeasureFold, job: Job, sc: &Scenario, tally: &Tally) {
        fold.0.set(job, extract(sc, &self.teams, tally));
    }

    fn merge(&self, fold: &mut MeasureFold, other: MeasureFold) {
        fold.0.merge(other.0);
    }

    fn fold_bytes(&self) -> u64 {
        self.candidates.iter().map(|sc| u64::from(sc.replications) * 48).sum()
    }

    fn shared_bytes(&self) -> u64 {
        // Every replication's parts, once in the workers' folds and once merged.
        2 * self
            .candidates
            .iter()
            .map(|sc| {
                let per = sc.interval_count() * (sc.queues.len() * 4 * 16 + 8 * self.teams.len());
                u64::from(sc.replications) * per as u64
            })
            .sum::<u64>()
    }
}

/// One replication's ratio parts (as in [`Measured`]) and each team's
/// number in system per interval (`[k * intervals + i]`).
type RepParts = (Vec<(f64, f64)>, Vec<f64>);

/// One replication's [`RepParts`].
fn extract(sc: &Scenario, teams: &[TeamId], tally: &Tally) -> RepParts {
    let (n, nq) = (sc.interval_count(), sc.queues.len());
    let mut parts = Vec::with_capacity(n * nq * 4);
    let mut in_system = Vec::with_capacity(n * teams.len());
    for i in 0..n {
        for q in sc.queues.keys() {
            let it = tally.interval(i, q);
            let c = &it.counts;
            let (slx, sly) = c.sl_parts(sc.metrics.service_level);
            let long = c.abandoned.saturating_sub(c.abandoned_short) as f64;
            let (holding, productive) = tally.occupancy_parts(sc, i, q);
            for g in GOALS {
                parts.push(match g {
                    Goal::ServiceLevel => (slx as f64, sly as f64),
                    Goal::Asa => (c.wait_sum, c.answered as f64),
                    Goal::AbandonRate => (long, c.answered as f64 + long),
                    Goal::Occupancy => (holding, productive),
                });
            }
        }
    }
    for &team in teams {
        for i in 0..n {
            let len = sc.interval_length(i);
            let waiting: f64 = sc.teams[team].queues.iter().map(|&q| tally.interval(i, q).queue_area).sum();
            in_system.push((tally.team_interval(i, team).holding_secs + waiting) / len);
        }
    }
    (parts, in_system)
}

/// Steps of the staffing array `staff` answers (docs/model.md §13.1): when
/// the horizon is longer than a day and some queue's arrivals follow a
/// pattern longer than a day (a weekly or dated forecast, a week's array),
/// one per reporting interval of the week from day 0, or of each day of the
/// run when the run is longer than a week and some queue's dated arrivals
/// cover more than a week; else one per interval of the day.
pub fn staffing_steps(sc: &Scenario) -> usize {
    use crate::time::DAY;
    let per_day = sc.intervals_per_day();
    let span = |a: &crate::model::Arrivals| a.rates().len() as f64 * a.step();
    let longer = sc.queues.iter().any(|q| span(&q.arrivals) > DAY + 0.5);
    let dated = sc.queues.iter().any(|q| !q.arrivals.repeats() && span(&q.arrivals) > 7.0 * DAY + 0.5);
    let days = (sc.horizon / DAY).ceil() as usize;
    match (sc.horizon > DAY && longer, dated && days > 7) {
        (false, _) => per_day,
        (true, false) => 7 * per_day,
        (true, true) => days * per_day,
    }
}

/// The staffing search: the [`StaffedArray`]s (each a group's headcount
/// per step), each judged on its team's queues, all searched
/// together on the same simulations. Levels are one flat vector, unit by
/// unit: unit `k`'s step `s` is `levels[k * steps + s]`.
pub struct Search<'a> {
    /// Builds the validated scenario for a staffing (every unit's levels, flat).
    pub build: &'a (dyn Fn(&[u32]) -> Result<Scenario> + Sync),
    /// The scenario as loaded, the units' staffing aside.
    pub base: &'a Scenario,
    /// The staffing arrays searched, each on its own team.
    pub units: &'a [StaffedArray],
    /// Per queue (by index): all of these must hold for it.
    pub targets: &'a [Vec<Target>],
    /// How a target is judged.
    pub judge: Judge,
    /// The workers candidate staffings are simulated on.
    pub workers: &'a Workers,
    /// Told of each phase and each replication simulated (a progress display).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// What the search tells as it goes, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A phase of the search begins: its name and the staffings simulated so far.
    Phase(&'static str, usize),
    /// One replication of a staffing has been simulated.
    Replication,
}

impl Search<'_> {
    /// The teams whose queues are judged, one per unit, in order.
    pub fn teams(&self) -> Vec<TeamId> {
        self.units.iter().map(|u| u.team).collect()
    }

    /// Steps of each unit's staffing array: of the day, or of the week when
    /// the arrivals follow a longer pattern ([`staffing_steps`]).
    pub fn steps(&self) -> usize {
        staffing_steps(self.base)
    }

    /// Reporting intervals that are judged: those starting at or after the warm-up.
    fn judged(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.base.interval_count()).filter(|&i| i as f64 * self.base.interval >= self.base.warmup)
    }

    /// Whether every target holds for every queue of unit `k`'s team in
    /// interval `i` (a queue closed throughout it is not judged, docs/model.md §10.13).
    pub fn unit_ok(&self, m: &Measured, k: usize, i: usize) -> bool {
        self.base.teams[self.units[k].team].queues.iter().all(|&q| {
            !self.base.open_in_interval(q, i)
                || self.targets[q.index()].iter().all(|t| m.holds(self.judge, t, i, q))
        })
    }

    /// Whether every target holds for every queue of every unit's team in interval `i`.
    pub fn interval_ok(&self, m: &Measured, i: usize) -> bool {
        (0..self.units.len()).all(|k| self.unit_ok(m, k, i))
    }

    /// Whether interval `i` is judged for unit `k`: it starts at or after the
    /// warm-up and some queue of the unit's team is open in it (docs/model.md §10.13).
    pub fn unit_judges(&self, k: usize, i: usize) -> bool {
        i as f64 * self.base.interval >= self.base.warmup
            && self.base.teams[self.units[k].team].queues.iter().any(|&q| self.base.open_in_interval(q, i))
    }

    /// How many intervals are judged for unit `k` ([`Search::unit_judges`]).
    pub fn unit_judged(&self, k: usize) -> usize {
        (0..self.base.interval_count()).filter(|&i| self.unit_judges(k, i)).count()
    }

    /// How many intervals are judged for some unit: the denominator of [`Search::misses`].
    pub fn judged_count(&self) -> usize {
        (0..self.base.interval_count())
            .filter(|&i| (0..self.units.len()).any(|k| self.unit_judges(k, i)))
            .count()
    }

    /// The judged intervals that miss some target (on some unit's team).
    pub fn misses(&self, m: &Measured) -> Vec<usize> {
        self.judged().filter(|&i| !self.interval_ok(m, i)).collect()
    }

    /// The judged intervals where unit `k`'s team misses some target.
    pub fn unit_misses(&self, m: &Measured, k: usize) -> Vec<usize> {
        self.judged().filter(|&i| !self.unit_ok(m, k, i)).collect()
    }

    /// The pointwise formula's staffing: each unit's step of the day from
    /// its team's offered load (times `scale[k * intervals + i]` where
    /// given), net of the team's other groups, grossed up for the unit's
    /// group's shrinkage; a step covering several days takes the largest answer.
    pub fn pointwise(&self, formula: Formula, scale: Option<&[f64]>) -> Result<Vec<u32>> {
        let sc = self.base;
        let steps = self.steps();
        let n = sc.interval_count();
        let mut levels = vec![0; steps * self.units.len()];
        let days = n.div_ceil(steps).max(1);
        for (k, unit) in self.units.iter().enumerate() {
            for (s, level) in levels[k * steps..(k + 1) * steps].iter_mut().enumerate() {
                for d in 0..days {
                    let i = d * steps + s;
                    if d > 0 && i >= n {
                        break;
                    }
                    let (t0, len) = (i as f64 * sc.interval, sc.interval);
                    let classes = formula::classes(sc, unit.team, t0, len);
                    let x = scale.and_then(|x| x.get(k * n + i).copied()).unwrap_or(1.0);
                    let needed =
                        formula::agents_needed(&classes, formula, sc.metrics.service_level, self.targets, x)?;
                    let more = formula::gross(
                        f64::from(needed),
                        formula::others(sc, unit.group, t0, len),
                        unit.split.shrinkage(sc, s, t0, len),
                    );
                    *level = (*level).max(more);
                }
            }
        }
        Ok(levels)
    }

    /// Steps (flat, as in the levels) whose intervals include a judged one
    /// where their unit's team misses.
    fn missing_steps(&self, m: &Measured) -> Vec<usize> {
        let steps = self.steps();
        let mut out: Vec<usize> = (0..self.units.len())
            .flat_map(|k| self.unit_misses(m, k).into_iter().map(move |i| k * steps + i % steps))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Steps (flat) that some judged interval falls in.
    fn live_steps(&self) -> Vec<usize> {
        let steps = self.steps();
        let mut out: Vec<usize> =
            (0..self.units.len()).flat_map(|k| self.judged().map(move |i| k * steps + i % steps)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The simulation method (docs/model.md §13.4): from the Erlang A
    /// answer, fit each interval's load to the simulated number in system
    /// (the iterative staffing algorithm), raise the steps that miss until
    /// none does, then lower steps one agent at a time while nothing misses.
    pub fn simulate(&self, start: Vec<u32>) -> Result<Searched> {
        let sc = self.base;
        let teams = self.teams();
        let n = sc.interval_count();
        let mut levels = start;
        let mut log = Searched::default();
        // 1. Load fitting: the interval's offered load is read from the simulated system.
        for _ in 0..MAX_ISA {
            (self.progress)(Progress::Phase("load fitting", log.simulations));
            let m = self.measure_one(&levels, &mut log)?;
            let scale: Vec<f64> = teams
                .iter()
                .enumerate()
                .flat_map(|(k, &team)| {
                    let m = &m;
                    (0..n).map(move |i| {
                        let (t0, len) = (i as f64 * sc.interval, sc.interval);
                        let agent_load: f64 =
                            formula::classes(sc, team, t0, len).last().map_or(0.0, |c| c.rate * c.agent_work);
                        if agent_load > 0.0 { m.in_system(k, i) / agent_load } else { 1.0 }
                    })
                })
                .collect();
            let next = self.pointwise(Formula::ErlangA, Some(&scale))?;
            log.isa += 1;
            if next == levels {
                break;
            }
            levels = next;
        }
        // 2. Raise every step with an interval that misses, all at once.
        let mut met = false;
        for _ in 0..MAX_RAISE {
            (self.progress)(Progress::Phase("raising", log.simulations));
            let m = self.measure_one(&levels, &mut log)?;
            let missing = self.missing_steps(&m);
            if missing.is_empty() {
                met = true;
                break;
            }
            for k in missing {
                levels[k] = (levels[k] + 1).min(formula::MAX_AGENTS);
            }
            log.raised += 1;
        }
        if !met {
            log.unmet = true;
            return Ok(Searched { levels, ..log });
        }
        if self.steps() > sc.intervals_per_day() {
            return self.lower_together(levels, log);
        }
        // 3. Lower: try each step one agent down (all tries in one parallel
        // batch); keep the ones that miss nothing. A step whose lowering
        // missed is not tried again: lowering others only adds load.
        let mut candidates: Vec<usize> = self.live_steps().into_iter().filter(|&k| levels[k] > 0).collect();
        for round in 0..=MAX_LOWER {
            if candidates.is_empty() {
                break;
            }
            (self.progress)(Progress::Phase("lowering", log.simulations));
            if round == MAX_LOWER {
                // Out of rounds with steps still to try: some may have room left.
                log.lower_capped = true;
                break;
            }
            let tries: Vec<Vec<u32>> = candidates
                .iter()
                .map(|&k| {
                    let mut l = levels.clone();
                    l[k] -= 1;
                    l
                })
                .collect();
            let scs = tries.iter().map(|l| (self.build)(l)).collect::<Result<Vec<_>>>()?;
            log.simulations += scs.len();
            let measured = measure(self.workers, &scs, &teams, &|| (self.progress)(Progress::Replication))?;
            let passing: Vec<usize> = candidates
                .iter()
                .zip(&measured)
                .filter(|(_, m)| self.misses(m).is_empty())
                .map(|(&k, _)| k)
                .collect();
            if passing.is_empty() {
                break;
            }
            log.lowered += 1;
            // All the passing steps down together, if that still meets every target;
            // else only the first.
            let mut together = levels.clone();
            for &k in &passing {
                together[k] -= 1;
            }
            let combined_ok = passing.len() > 1 && {
                let m = self.measure_one(&together, &mut log)?;
                self.misses(&m).is_empty()
            };
            if combined_ok {
                levels = together;
            } else {
                levels[passing[0]] -= 1;
            }
            candidates = passing.into_iter().filter(|&k| levels[k] > 0).collect();
        }
        Ok(Searched { levels, ..log })
    }

    /// The lowering phase for week-long arrays (docs/model.md §13.4): every
    /// candidate step one agent down in a single simulation; if nothing
    /// misses, keep it all and go on; else the steps of the intervals that
    /// miss, and the nearest candidate steps before and after each of them
    /// on the same unit, stop being candidates, and the rest is tried
    /// again. When no candidate is left, a new pass starts from every step
    /// with agents, until a pass lowers nothing. One simulation per round
    /// instead of one per step: a week has hundreds of steps. At most
    /// [`MAX_LOWER_TOGETHER`] rounds.
    fn lower_together(&self, mut levels: Vec<u32>, mut log: Searched) -> Result<Searched> {
        let steps = self.steps();
        let live = self.live_steps();
        let mut candidates: Vec<usize> = Vec::new();
        let mut pass_lowered = true;
        for round in 0..=MAX_LOWER_TOGETHER {
            if candidates.is_empty() {
                if !pass_lowered {
                    break;
                }
                pass_lowered = false;
                candidates = live.iter().copied().filter(|&k| levels[k] > 0).collect();
                if candidates.is_empty() {
                    break;
                }
            }
            (self.progress)(Progress::Phase("lowering", log.simulations));
            if round == MAX_LOWER_TOGETHER {
                log.lower_capped = true;
                break;
            }
            let mut trial = levels.clone();
            for &k in &candidates {
                trial[k] -= 1;
            }
            let m = self.measure_one(&trial, &mut log)?;
            let missing = self.missing_steps(&m);
            if missing.is_empty() {
                levels = trial;
                log.lowered += 1;
                pass_lowered = true;
                candidates.retain(|&k| levels[k] > 0);
                continue;
            }
            let mut blamed = Vec::new();
            for &k in &missing {
                let (unit, s) = (k / steps, k % steps);
                let same: Vec<usize> = candidates.iter().copied().filter(|&c| c / steps == unit).collect();
                blamed.push(k);
                blamed.extend(same.iter().copied().filter(|&c| c % steps < s).max());
                blamed.extend(same.iter().copied().filter(|&c| c % steps > s).min());
            }
            candidates.retain(|k| !blamed.contains(k));
        }
        Ok(Searched { levels, ..log })
    }

    fn measure_one(&self, levels: &[u32], log: &mut Searched) -> Result<Measured> {
        let sc = (self.build)(levels)?;
        log.simulations += 1;
        measure(self.workers, std::slice::from_ref(&sc), &self.teams(), &|| {
            (self.progress)(Progress::Replication)
        })?
        .pop()
        .ok_or_else(|| Error::Internal("a staffing was measured without results".into()))
    }
}

/// The simulation method's answer and how it was reached.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Searched {
    /// Headcount per step of the day.
    pub levels: Vec<u32>,
    /// Load-fitting iterations run.
    pub isa: usize,
    /// Rounds of raising.
    pub raised: usize,
    /// Rounds of lowering that removed an agent.
    pub lowered: usize,
    /// Candidate staffings simulated in all.
    pub simulations: usize,
    /// The raising rounds ran out before every interval met every target.
    pub unmet: bool,
    /// The lowering rounds ran out with steps still to try: the answer meets
    /// every target, but some step might lose an agent.
    pub lower_capped: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One interval, one queue, four replications with service levels 0.8,
    /// 0.9, 0.7 and 1.0 of ten arrivals each (the other goals empty).
    fn measured() -> Measured {
        let mut parts = Vec::new();
        for x in [8.0, 9.0, 7.0, 10.0] {
            parts.extend([(x, 10.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]);
        }
        Measured { reps: 4, intervals: 1, queues: 1, parts, in_system: vec![0.0] }
    }

    #[test]
    fn judged_on_the_mean_the_bound_or_the_days() {
        let m = measured();
        let sl: Target = "service_level>=0.8".parse().unwrap();
        assert!((m.pooled(Goal::ServiceLevel, 0, QueueId(0)) - 0.85).abs() < 1e-12);
        assert!(m.holds(Judge::Mean, &sl, 0, QueueId(0)));
        // Ratio estimator: residuals -0.5, 0.5, -1.5, 1.5; se = sqrt(5 / 12) / 10 = 0.0645;
        // the 95% lower bound 0.85 - 1.645 × 0.0645 = 0.744 misses, the 50% one is the mean.
        assert!(!m.holds(Judge::Confidence(0.95), &sl, 0, QueueId(0)));
        assert!(m.holds(Judge::Confidence(0.5), &sl, 0, QueueId(0)));
        let low: Target = "service_level>=0.74".parse().unwrap();
        assert!(m.holds(Judge::Confidence(0.95), &low, 0, QueueId(0)));
        // Three replications of four meet 0.8.
        assert!(m.holds(Judge::Days(0.75), &sl, 0, QueueId(0)));
        assert!(!m.holds(Judge::Days(0.9), &sl, 0, QueueId(0)));
        // No traffic: nothing to miss.
        let asa: Target = "asa<=1s".parse().unwrap();
        for judge in [Judge::Mean, Judge::Confidence(0.95), Judge::Days(0.9)] {
            assert!(m.holds(judge, &asa, 0, QueueId(0)), "{judge:?}");
        }
    }

    #[test]
    fn options_choose_the_judgement() {
        assert_eq!(Judge::from_options(None, None, false).unwrap(), Judge::Confidence(DEFAULT_CONFIDENCE));
        assert_eq!(Judge::from_options(None, None, true).unwrap(), Judge::Mean);
        assert_eq!(Judge::from_options(Some(0.9), None, false).unwrap(), Judge::Confidence(0.9));
        assert_eq!(Judge::from_options(None, Some(0.9), false).unwrap(), Judge::Days(0.9));
        assert!(Judge::from_options(Some(0.9), Some(0.9), false).is_err());
        assert!(Judge::from_options(Some(0.9), None, true).is_err());
        assert!(Judge::from_options(Some(1.0), None, false).is_err());
        assert!(Judge::from_options(None, Some(0.0), false).is_err());
    }
}
