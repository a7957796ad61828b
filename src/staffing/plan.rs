//! `routesim staff`: one group's headcount per interval (`--group`), or one
//! staffing array per team for whole teams searched together, by each
//! method, every method's staffing re-simulated on the same seed so they
//! compare on the same ground (docs/model.md §13).

use std::path::{Path, PathBuf};

use crate::driver::{Plan, Workers, available_memory};
use crate::error::{Error, Result, Setting};
use crate::model::{GroupId, Scenario, TeamId};
use crate::scenario::{self, Attachment};
use crate::staffing::Target;
use crate::staffing::formula::{self, Formula};
use crate::staffing::search::{self, Judge, Measured, Progress, Search, Searched, StaffedArray};
use crate::staffing::split::Split;
use crate::time::DAY;

/// The independent seed of the re-simulation is the scenario's seed plus
/// this (docs/model.md §13.6): a stream family the search never drew from.
pub const VALIDATION_SEED_OFFSET: u64 = 1_000_003;

/// A staffing method (docs/model.md §13.2, §13.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Erlang C per interval, grossed up for shrinkage.
    ErlangC,
    /// Erlang A per interval (Erlang C for queues without patience), grossed up.
    ErlangA,
    /// The iterative search on the full simulated scenario.
    Simulation,
}

/// Every method, in the order `--method all` runs and prints them.
pub const METHODS: [Method; 3] = [Method::ErlangC, Method::ErlangA, Method::Simulation];

impl Method {
    /// The method's name as `--method` and staffing.csv write it.
    pub fn name(self) -> &'static str {
        match self {
            Method::ErlangC => "erlang-c",
            Method::ErlangA => "erlang-a",
            Method::Simulation => "simulation",
        }
    }
}

impl Method {
    /// Reads `--method`: one method's name, or `all` for every method.
    pub fn parse_list(text: &str) -> Result<Vec<Method>> {
        let t = text.trim();
        if t == "all" {
            return Ok(METHODS.to_vec());
        }
        METHODS.iter().find(|m| m.name() == t).map(|&m| vec![m]).ok_or_else(|| Error::Setting {
            setting: Setting::Method,
            value: text.to_owned(),
            message: "use erlang-c, erlang-a, simulation or all".into(),
        })
    }
}

/// What `staff` is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The agent group whose headcount is answered (`--group`); `None`:
    /// whole teams, each team's groups replaced by one staffing array.
    pub group: Option<String>,
    /// Without a group, the teams staffed (`--team`, repeatable); empty:
    /// every team that serves a queue and has an agent group.
    pub teams: Vec<String>,
    /// All must hold for every queue of the group's team in every interval;
    /// empty: each queue is judged against its own targets in the scenario.
    pub targets: Vec<Target>,
    /// Methods to run, in order.
    pub methods: Vec<Method>,
    /// How simulated targets are judged.
    pub judge: Judge,
    /// Hours one full-time agent is paid per week, for the FTE line (`--paid-hours`).
    pub paid_hours: Option<f64>,
}

/// A loaded, checked staffing question, ready to [`Study::solve`].
pub struct Study {
    request: Request,
    /// The scenario text with the group turned into a staffing array.
    staffed_text: String,
    origin: String,
    stem: String,
    overrides: Vec<String>,
    dir: PathBuf,
    /// The effective scenario text (overrides applied), for the folder's scenario.toml.
    effective_toml: String,
    attachments: Vec<Attachment>,
    /// The staffed scenario with a headcount of zero, for the formulas.
    base: Scenario,
    /// The scenario as the file and overrides give it (for its warnings).
    loaded: Scenario,
    /// The staffing arrays searched: one group, or one per team.
    units: Vec<StaffedArray>,
    /// Per unit: the names of the groups sharing its array, in the order of
    /// its [`Split`] (docs/model.md §13.1).
    names: Vec<Vec<String>>,
    /// Steps of each unit's array.
    steps: usize,
    /// Per queue (by index): the targets it is judged against.
    targets: Vec<Vec<Target>>,
}

/// A queue's own targets in the scenario: `service_level>=sl_target`, and
/// `asa<=asa_target`, `abandon_rate<=abandon_target` where given.
pub fn queue_targets(q: &crate::model::Queue) -> Vec<Target> {
    use crate::staffing::Goal;
    let mut out = vec![Target { goal: Goal::ServiceLevel, value: q.sl_target }];
    out.extend(q.asa_target.map(|value| Target { goal: Goal::Asa, value }));
    out.extend(q.abandon_target.map(|value| Target { goal: Goal::AbandonRate, value }));
    out
}

/// One method's answer, as re-simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodAnswer {
    /// The method.
    pub method: Method,
    /// Headcount per step of the day (or week), unit by unit: unit `k`'s
    /// step `s` is `levels[k * steps + s]`.
    pub levels: Vec<u32>,
    /// One row per reporting interval of the horizon and unit, interval by interval.
    pub rows: Vec<Row>,
    /// Agent-hours logged in over the horizon, every unit together.
    pub agent_hours: f64,
    /// Per unit, in the answer's order: its agent-hours and misses.
    pub units: Vec<UnitTotals>,
    /// Judged intervals that miss some target (as re-simulated).
    pub misses: usize,
    /// Judged intervals: those starting at or after the warm-up in which some
    /// queue of a staffed team is open.
    pub judged: usize,
    /// The row where the first target has least slack: (index into `rows`, value).
    pub worst: Option<(usize, f64)>,
}

/// One unit's share of a method's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitTotals {
    /// Agent-hours logged in over the horizon.
    pub agent_hours: f64,
    /// Judged intervals where the unit's team misses some target.
    pub misses: usize,
    /// Intervals judged for the unit's team: after the warm-up, some queue open.
    pub judged: usize,
    /// The highest headcount of any step.
    pub peak: u32,
}

/// A staffing array of the answer: its team and the groups that carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffed {
    /// The team whose queues judge it.
    pub team: String,
    /// The first group carrying it (`--group`'s group).
    pub group: String,
    /// Every group sharing it, in file order (the whole-team form: the
    /// team's groups, each taking its share with its own statuses).
    pub groups: Vec<String>,
}

/// One interval under one method: the staffing.csv row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Interval number from 0.
    pub interval: usize,
    /// The unit (index into [`Answer::units`]).
    pub unit: usize,
    /// Start, seconds from the start of day 0.
    pub start: f64,
    /// The unit's group's headcount.
    pub agents: u32,
    /// Whether the interval is judged for the unit's team (after the
    /// warm-up, some queue of the team open: [`Search::unit_judges`]).
    pub judged: bool,
    /// Offered load of the unit's team's queues, Erlangs.
    pub offered_erlangs: f64,
    /// Lowest service level among the team's queues (pooled over replications).
    pub service_level: f64,
    /// Highest ASA among the team's queues, seconds.
    pub asa: f64,
    /// Highest abandon rate among the team's queues.
    pub abandon_rate: f64,
    /// Highest occupancy among the team's queues.
    pub occupancy: f64,
}

/// The chosen staffing (the simulation method's, else the first method's)
/// re-simulated on an independent seed (docs/model.md §13.6).
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// The method whose staffing was re-simulated.
    pub method: Method,
    /// The independent seed: the scenario's plus [`VALIDATION_SEED_OFFSET`].
    pub seed: u64,
    /// Replications of the re-simulation (the scenario's).
    pub replications: u32,
    /// Per queue of the staffed teams and target, in that order.
    pub checks: Vec<Check>,
}

/// How often one queue met one target on the independent seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The queue's name.
    pub queue: String,
    /// The target.
    pub target: Target,
    /// Judged intervals (at or after the warm-up) in which the queue had traffic.
    pub judged: usize,
    /// Of those, the intervals whose pooled value met the target.
    pub met: usize,
}

/// Weekly agent-hours and the full-time equivalents they mean (docs/model.md §13.8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fte {
    /// Hours one full-time agent is paid per week.
    pub paid_hours: f64,
    /// Logged-in agent-hours per week of the chosen staffing.
    pub weekly_agent_hours: f64,
    /// Share of that logged-in time lost to the statuses the scenario plans.
    pub shrinkage: f64,
    /// Logged-in agent-hours net of shrinkage: the hours agents can take work.
    pub productive_hours: f64,
    /// `weekly_agent_hours / paid_hours`.
    pub fte: f64,
}

/// Everything `staff` found, for the table and the files.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The scenario's name.
    pub scenario: String,
    /// The group staffed (the first unit's).
    pub group: String,
    /// The group's team (the first unit's).
    pub team: String,
    /// The whole-team form (no `--group`): one array per team.
    pub whole_team: bool,
    /// The staffing arrays answered, in order (one with `--group`).
    pub units: Vec<Staffed>,
    /// Steps of each unit's array.
    pub steps: usize,
    /// The reporting interval, seconds.
    pub interval: f64,
    /// The warm-up, seconds: intervals starting before it are not judged.
    pub warmup: f64,
    /// Seed and replications every staffing was simulated with.
    pub seed: u64,
    /// Replications per simulated staffing.
    pub replications: u32,
    /// Every target judged, each once (the `--target`s, or the queues' own).
    pub targets: Vec<Target>,
    /// Per queue of the team: its name and the targets it is judged against.
    pub queue_targets: Vec<(String, Vec<Target>)>,
    /// The targets are the queues' own in the scenario (no `--target`).
    pub from_scenario: bool,
    /// How they were judged.
    pub judge: Judge,
    /// The command's overrides.
    pub overrides: Vec<String>,
    /// Per method, in the order asked.
    pub methods: Vec<MethodAnswer>,
    /// How the simulation method's search went, when it ran.
    pub search: Option<Searched>,
    /// The horizon is longer than a day (starts carry their day).
    pub several_days: bool,
    /// The chosen staffing re-simulated on an independent seed.
    pub validation: Validation,
    /// Per unit, weekly agent-hours and FTE, when `--paid-hours` was given (else empty).
    pub fte: Vec<Fte>,
    /// Which date day 1 is, if known: staffing.csv's `date` and `weekday`
    /// columns and the printed labels.
    pub calendar: crate::calendar::Calendar,
    /// The effective scenario with the chosen staffing filled in.
    pub scenario_toml: String,
    /// Files that scenario refers to (the forecast's copy).
    pub attachments: Vec<Attachment>,
}

impl Study {
    /// Loads `path` with `overrides`, turns the group into a staffing array
    /// and validates it; every problem is found here, before any folder is touched.
    pub fn new(path: &Path, overrides: &[String], request: Request) -> Result<Study> {
        if request.methods.is_empty() {
            return Err(Error::Setting {
                setting: Setting::Method,
                value: String::new(),
                message: "give one: erlang-c, erlang-a, simulation or all".into(),
            });
        }
        if request.group.is_some() && !request.teams.is_empty() {
            return Err(Error::Setting {
                setting: Setting::Team,
                value: request.teams.join(", "),
                message: "--team staffs whole teams and --group one group: give one or the other".into(),
            });
        }
        let loaded = scenario::load_effective(path, overrides)?;
        let text = &loaded.source;
        let origin = path.display().to_string();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let steps = search::staffing_steps(&loaded.scenario);
        let sc = &loaded.scenario;
        let (units, names) = match &request.group {
            Some(name) => {
                // Refused by with_staffing first, naming the file's groups.
                scenario::with_staffing(text, &origin, name, &[])?;
                let group = sc.groups.position(|g| g.name == *name).ok_or_else(|| Error::Setting {
                    setting: Setting::Group,
                    value: name.clone(),
                    message: "no agent group of that name".into(),
                })?;
                let unit = StaffedArray { group, team: sc.groups[group].team, split: Split::single(group) };
                (vec![unit], vec![vec![name.clone()]])
            }
            None => whole_teams(sc, &request.teams, steps)?,
        };
        let mut staffed_text = text.clone();
        for name in names.iter().flatten() {
            staffed_text = scenario::with_staffing(&staffed_text, &origin, name, &vec![0; steps])?;
        }
        if let Some(h) = request.paid_hours
            && !(h > 0.0 && h <= 168.0)
        {
            return Err(Error::Setting {
                setting: Setting::PaidHours,
                value: h.to_string(),
                message:
                    "give the hours one full-time agent is paid per week, above 0 and at most 168, e.g. 37.5"
                        .into(),
            });
        }
        if matches!(request.judge, Judge::Confidence(_)) && loaded.scenario.replications < 2 {
            return Err(Error::Setting {
                setting: Setting::Confidence,
                value: String::new(),
                message: format!(
                    "needs at least 2 replications to measure a spread (the scenario has {}); \
                     give 10 or more replications, or judge on the mean (--mean)",
                    loaded.scenario.replications
                ),
            });
        }
        let targets = loaded
            .scenario
            .queues
            .iter()
            .map(|q| if request.targets.is_empty() { queue_targets(q) } else { request.targets.clone() })
            .collect();
        let mut job = Study {
            targets,
            request,
            staffed_text,
            origin,
            stem,
            overrides: overrides.to_vec(),
            dir: path.parent().unwrap_or(Path::new("")).to_owned(),
            effective_toml: loaded.effective_toml,
            attachments: loaded.attachments,
            base: loaded.scenario.clone(),
            loaded: loaded.scenario,
            steps,
            units,
            names,
        };
        job.base = job.build(&vec![0; steps * job.units.len()])?;
        Ok(job)
    }

    /// The scenario with the group's headcount at zero (the formulas' base).
    pub fn scenario(&self) -> &Scenario {
        &self.base
    }

    /// The scenario as the file and the overrides give it, before the
    /// group becomes a staffing array (its warnings are the file's).
    pub fn loaded(&self) -> &Scenario {
        &self.loaded
    }

    /// Refuses, before anything is written, a staffing search whose
    /// candidate runs would not fit in memory on `workers`.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        let scenarios = std::slice::from_ref(&self.loaded);
        workers.check_fits(
            &Plan::new(scenarios),
            &search::Measures::new(scenarios, self.units.iter().map(|u| u.team).collect()),
            available,
        )
    }

    /// The validated scenario with each unit's staffing array set to its
    /// part of `levels` (unit by unit), built through overrides like any `--set`.
    pub fn build(&self, levels: &[u32]) -> Result<Scenario> {
        self.build_seeded(levels, None)
    }

    /// [`Study::build`], on another seed when `seed` is given.
    fn build_seeded(&self, levels: &[u32], seed: Option<u64>) -> Result<Scenario> {
        let mut overrides = self.overrides.clone();
        for ((unit, names), part) in self.units.iter().zip(&self.names).zip(levels.chunks(self.steps.max(1)))
        {
            for (name, array) in names.iter().zip(unit.split.arrays(part)) {
                let list: Vec<String> = array.iter().map(u32::to_string).collect();
                overrides.push(format!("agents.{}.staffing=[{}]", key_segment(name), list.join(",")));
            }
        }
        overrides.extend(seed.map(|s| format!("seed={s}")));
        scenario::parse_in(&self.staffed_text, &self.origin, &self.stem, &overrides, &self.dir)
    }

    /// Runs every method asked on `workers`, re-simulates each answer on the
    /// scenario's seed and the chosen one on an independent seed; `progress`
    /// hears of each phase and each replication simulated.
    pub fn solve(&self, workers: &Workers, progress: &(dyn Fn(Progress) + Sync)) -> Result<Answer> {
        self.check_fits(workers, available_memory())?;
        self.solve_here(workers, progress)
    }

    fn solve_here(&self, workers: &Workers, progress: &(dyn Fn(Progress) + Sync)) -> Result<Answer> {
        let build = |levels: &[u32]| self.build(levels);
        let problem = Search {
            build: &build,
            base: &self.base,
            units: &self.units,
            targets: &self.targets,
            judge: self.request.judge,
            workers,
            progress,
        };
        let mut levels = Vec::new();
        let mut search = None;
        for &method in &self.request.methods {
            levels.push(match method {
                Method::ErlangC => problem.pointwise(Formula::ErlangC, None)?,
                Method::ErlangA => problem.pointwise(Formula::ErlangA, None)?,
                Method::Simulation => {
                    let start = problem.pointwise(Formula::ErlangA, None)?;
                    let found = problem.simulate(start)?;
                    let l = found.levels.clone();
                    search = Some(found);
                    l
                }
            });
        }
        let scenarios = levels.iter().map(|l| self.build(l)).collect::<Result<Vec<_>>>()?;
        let simulated = search.as_ref().map_or(0, |s| s.simulations);
        progress(Progress::Phase("re-simulating the answers", simulated));
        let tick = || progress(Progress::Replication);
        let measured = search::measure(workers, &scenarios, &problem.teams(), &tick)?;
        let methods: Vec<MethodAnswer> = self
            .request
            .methods
            .iter()
            .zip(levels)
            .zip(&measured)
            .map(|((&method, levels), m)| self.method_answer(&problem, method, levels, m))
            .collect();
        // The folder's scenario carries the simulation method's staffing, else the first method's.
        let chosen = methods.iter().find(|m| m.method == Method::Simulation).or(methods.first());
        let chosen = chosen.map(|m| m.levels.as_slice()).unwrap_or_default();
        let mut scenario_toml = self.effective_toml.clone();
        for ((unit, names), part) in self.units.iter().zip(&self.names).zip(chosen.chunks(self.steps.max(1)))
        {
            for (name, array) in names.iter().zip(unit.split.arrays(part)) {
                scenario_toml = scenario::with_staffing(&scenario_toml, &self.origin, name, &array)?;
            }
        }
        progress(Progress::Phase("re-simulating on an independent seed", simulated + scenarios.len()));
        let chosen_method =
            methods.iter().find(|m| m.method == Method::Simulation).or(methods.first()).map(|m| m.method);
        let validation =
            self.validate(&problem, chosen_method.unwrap_or(Method::Simulation), chosen, &tick)?;
        let fte = match self.request.paid_hours {
            Some(h) => (0..self.units.len()).map(|k| self.fte(h, k, chosen)).collect(),
            None => Vec::new(),
        };
        let sc = &self.base;
        let units: Vec<Staffed> = self
            .units
            .iter()
            .zip(&self.names)
            .map(|(u, names)| Staffed {
                team: sc.teams[u.team].name.clone(),
                group: names.first().cloned().unwrap_or_default(),
                groups: names.clone(),
            })
            .collect();
        Ok(Answer {
            scenario: sc.name.clone(),
            group: units.first().map(|u| u.group.clone()).unwrap_or_default(),
            team: units.first().map(|u| u.team.clone()).unwrap_or_default(),
            whole_team: self.request.group.is_none(),
            units,
            steps: self.steps,
            interval: sc.interval,
            warmup: sc.warmup,
            seed: sc.seed,
            replications: sc.replications,
            targets: self.all_targets(),
            queue_targets: self
                .queues()
                .into_iter()
                .map(|q| (sc.queues[q].name.clone(), self.targets[q.index()].clone()))
                .collect(),
            from_scenario: self.request.targets.is_empty(),
            judge: self.request.judge,
            overrides: self.overrides.clone(),
            methods,
            search,
            several_days: sc.horizon > crate::time::DAY,
            validation,
            fte,
            calendar: sc.calendar,
            scenario_toml,
            attachments: self.attachments.clone(),
        })
    }

    /// Re-simulates `levels` on the independent seed and counts, per queue
    /// of the team and target, the judged intervals with traffic that meet it.
    fn validate(
        &self,
        problem: &Search<'_>,
        method: Method,
        levels: &[u32],
        tick: &(dyn Fn() + Sync),
    ) -> Result<Validation> {
        let sc = &self.base;
        let seed = sc.seed.wrapping_add(VALIDATION_SEED_OFFSET) % (i64::MAX as u64);
        let other = self.build_seeded(levels, Some(seed))?;
        let m = search::measure(problem.workers, std::slice::from_ref(&other), &problem.teams(), tick)?
            .pop()
            .ok_or_else(|| Error::Internal("the re-simulation gave no results".into()))?;
        let judged: Vec<usize> =
            (0..sc.interval_count()).filter(|&i| i as f64 * sc.interval >= sc.warmup).collect();
        let mut checks = Vec::new();
        for q in self.queues() {
            for target in &self.targets[q.index()] {
                // A queue closed throughout an interval is not judged there (docs/model.md §10.13).
                let values: Vec<f64> = judged
                    .iter()
                    .filter(|&&i| sc.open_in_interval(q, i))
                    .map(|&i| m.pooled(target.goal, i, q))
                    .filter(|v| !v.is_nan())
                    .collect();
                checks.push(Check {
                    queue: sc.queues[q].name.clone(),
                    target: *target,
                    judged: values.len(),
                    met: values.iter().filter(|&&v| target.holds(v)).count(),
                });
            }
        }
        Ok(Validation { method, seed, replications: other.replications, checks })
    }

    /// The FTE line of unit `k` for `levels` (every unit's): its logged-in
    /// agent-hours scaled to a week (a horizon of a day or less stands for
    /// each of 7 days, a longer one is scaled by 7 days over the horizon),
    /// the hours-weighted shrinkage of its groups' statuses (each group's
    /// on its share), and hours over `paid_hours`.
    fn fte(&self, paid_hours: f64, k: usize, levels: &[u32]) -> Fte {
        let sc = &self.base;
        let split = &self.units[k].split;
        let steps = self.steps.max(1);
        let levels = levels.get(k * steps..(k + 1) * steps).unwrap_or_default();
        let (mut hours, mut lost) = (0.0, 0.0);
        for i in 0..sc.interval_count() {
            let len = sc.interval_length(i);
            let s = i % steps;
            let shares = split.share(s, levels.get(s).copied().unwrap_or(0));
            for (&g, n) in split.groups().iter().zip(shares) {
                let h = f64::from(n) * len / 3600.0;
                hours += h;
                lost += h * formula::shrinkage(&sc.groups[g], i as f64 * sc.interval, len);
            }
        }
        let shrinkage = if hours > 0.0 { lost / hours } else { 0.0 };
        let week = if sc.horizon <= DAY { 7.0 } else { 7.0 * DAY / sc.horizon };
        let weekly = hours * week;
        Fte {
            paid_hours,
            weekly_agent_hours: weekly,
            shrinkage,
            productive_hours: weekly * (1.0 - shrinkage),
            fte: weekly / paid_hours,
        }
    }

    /// The queues of the staffed teams, each once, team by team.
    fn queues(&self) -> Vec<crate::model::QueueId> {
        let mut out = Vec::new();
        for u in &self.units {
            for &q in &self.base.teams[u.team].queues {
                if !out.contains(&q) {
                    out.push(q);
                }
            }
        }
        out
    }

    /// Every target some queue of the staffed teams is judged against, each once, in order.
    fn all_targets(&self) -> Vec<Target> {
        let mut all: Vec<Target> = Vec::new();
        for q in self.queues() {
            for t in &self.targets[q.index()] {
                if !all.contains(t) {
                    all.push(*t);
                }
            }
        }
        all
    }

    fn method_answer(
        &self,
        problem: &Search<'_>,
        method: Method,
        levels: Vec<u32>,
        m: &Measured,
    ) -> MethodAnswer {
        let sc = &self.base;
        let steps = self.steps.max(1);
        let level = |k: usize, i: usize| levels.get(k * steps + i % steps).copied().unwrap_or(0);
        let mut rows = Vec::with_capacity(sc.interval_count() * self.units.len());
        for i in 0..sc.interval_count() {
            let start = i as f64 * sc.interval;
            for (k, unit) in self.units.iter().enumerate() {
                let queues = &sc.teams[unit.team].queues;
                let worst_of = |goal, pick: fn(f64, f64) -> f64| {
                    queues
                        .iter()
                        .map(|&q| m.pooled(goal, i, q))
                        .filter(|v| !v.is_nan())
                        .reduce(pick)
                        .unwrap_or(f64::NAN)
                };
                rows.push(Row {
                    interval: i,
                    unit: k,
                    start,
                    agents: level(k, i),
                    judged: problem.unit_judges(k, i),
                    offered_erlangs: formula::offered_erlangs(sc, unit.team, start, sc.interval),
                    service_level: worst_of(super::Goal::ServiceLevel, f64::min),
                    asa: worst_of(super::Goal::Asa, f64::max),
                    abandon_rate: worst_of(super::Goal::AbandonRate, f64::max),
                    occupancy: worst_of(super::Goal::Occupancy, f64::max),
                });
            }
        }
        let units: Vec<UnitTotals> = (0..self.units.len())
            .map(|k| UnitTotals {
                agent_hours: (0..sc.interval_count())
                    .map(|i| f64::from(level(k, i)) * sc.interval_length(i))
                    .sum::<f64>()
                    / 3600.0,
                misses: problem.unit_misses(m, k).len(),
                judged: problem.unit_judged(k),
                peak: (0..steps).map(|s| level(k, s)).max().unwrap_or(0),
            })
            .collect();
        let agent_hours = if let [one] = units.as_slice() {
            one.agent_hours
        } else {
            (0..sc.interval_count())
                .map(|i| {
                    let n: u32 = (0..self.units.len()).map(|k| level(k, i)).sum();
                    f64::from(n) * sc.interval_length(i)
                })
                .sum::<f64>()
                / 3600.0
        };
        let judged = problem.judged_count();
        let misses = problem.misses(m).len();
        let all = self.all_targets();
        let Some(&first) = all.first() else {
            return MethodAnswer { method, levels, rows, agent_hours, units, misses, judged, worst: None };
        };
        let worst = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.judged)
            .filter_map(|(n, r)| {
                let v = match first.goal {
                    super::Goal::ServiceLevel => r.service_level,
                    super::Goal::Asa => r.asa,
                    super::Goal::AbandonRate => r.abandon_rate,
                    super::Goal::Occupancy => r.occupancy,
                };
                (!v.is_nan()).then_some((n, v))
            })
            .min_by(|a, b| first.slack(a.1).total_cmp(&first.slack(b.1)));
        MethodAnswer { method, levels, rows, agent_hours, units, misses, judged, worst }
    }
}

/// The units of the whole-team form: each team named in `picked` (every
/// team serving a queue and having an agent group when empty), its groups
/// (in file order) sharing the team's staffing array of `steps` steps
/// ([`Split::of_team`], docs/model.md §13.1). Returns (units, per unit the
/// names of its groups).
fn whole_teams(
    sc: &Scenario,
    picked: &[String],
    steps: usize,
) -> Result<(Vec<StaffedArray>, Vec<Vec<String>>)> {
    let has_group = |t: TeamId| sc.groups.iter().any(|g| g.team == t);
    let teams: Vec<TeamId> = if picked.is_empty() {
        sc.teams.keys().filter(|&t| !sc.teams[t].queues.is_empty() && has_group(t)).collect()
    } else {
        let mut out = Vec::new();
        for name in picked {
            let names: Vec<&str> = sc.teams.iter().map(|t| t.name.as_str()).collect();
            let t = sc.teams.keys().find(|&t| sc.teams[t].name == *name).ok_or_else(|| Error::Setting {
                setting: Setting::Team,
                value: name.clone(),
                message: scenario::unknown_name("team", name, names.iter().copied()),
            })?;
            if !has_group(t) {
                return Err(Error::Setting {
                    setting: Setting::Team,
                    value: name.clone(),
                    message: "the team has no agent group to staff".into(),
                });
            }
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    };
    if teams.is_empty() {
        return Err(Error::Setting {
            setting: Setting::Team,
            value: String::new(),
            message: "no team both serves a queue and has an agent group to staff".into(),
        });
    }
    let (mut units, mut names) = (Vec::new(), Vec::new());
    for team in teams {
        let groups: Vec<GroupId> = sc.groups.keys().filter(|&g| sc.groups[g].team == team).collect();
        if let Some(&group) = groups.first() {
            names.push(groups.iter().map(|&g| sc.groups[g].name.clone()).collect());
            units.push(StaffedArray { group, team, split: Split::of_team(sc, groups, steps) });
        }
    }
    Ok((units, names))
}

/// A name as one segment of an override's key path: quoted as in TOML
/// when it holds a `.`, a quote or a `=` (docs/model.md §10), else as it is.
fn key_segment(name: &str) -> String {
    if name.contains(['.', '"', '\'', '=']) || name.trim() != name {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A library caller asking for one group and whole teams at once is
    /// refused before the file is read, naming `--team`.
    #[test]
    fn one_group_and_whole_teams_are_not_asked_together() {
        let request = Request {
            group: Some("email".into()),
            teams: vec!["chat".into()],
            targets: Vec::new(),
            methods: METHODS.to_vec(),
            judge: Judge::Mean,
            paid_hours: None,
        };
        let Err(Error::Setting { setting, value, message }) =
            Study::new(Path::new("no-such-file.toml"), &[], request)
        else {
            panic!("accepted --group with --team");
        };
        assert_eq!((setting, value.as_str()), (Setting::Team, "chat"));
        assert!(message.contains("give one or the other"), "{message}");
    }

    #[test]
    fn a_group_name_is_quoted_in_the_staffing_override_only_when_it_must_be() {
        assert_eq!(key_segment("crew, day"), "crew, day");
        assert_eq!(key_segment("night.shift"), "\"night.shift\"");
        assert_eq!(key_segment("say \"hi\""), r#""say \"hi\"""#);
    }
}
