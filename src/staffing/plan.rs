//! `routesim staff`: one group's headcount per interval by each method, every
//! method's staffing re-simulated on the same seed so they compare on the
//! same ground (docs/model.md §13).

use std::path::{Path, PathBuf};

use crate::driver::{Plan, Workers, available_memory};
use crate::error::{Error, Result, Setting};
use crate::model::{GroupId, Scenario};
use crate::scenario::{self, Attachment};
use crate::staffing::Target;
use crate::staffing::formula::{self, Formula};
use crate::staffing::search::{self, Judge, Measured, Progress, Search, Searched};
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
    /// The agent group whose headcount is answered.
    pub group: String,
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
    group: GroupId,
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
    /// Headcount per step of the day.
    pub levels: Vec<u32>,
    /// One row per reporting interval of the horizon.
    pub rows: Vec<Row>,
    /// Agent-hours logged in over the horizon.
    pub agent_hours: f64,
    /// Judged intervals that miss some target (as re-simulated).
    pub misses: usize,
    /// Judged intervals (those starting at or after the warm-up).
    pub judged: usize,
    /// The interval where the first target has least slack: (interval, value).
    pub worst: Option<(usize, f64)>,
}

/// One interval under one method: the staffing.csv row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Interval number from 0.
    pub interval: usize,
    /// Start, seconds from the start of day 0.
    pub start: f64,
    /// The group's headcount.
    pub agents: u32,
    /// Offered load of the team's queues, Erlangs.
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
    /// Per queue of the team and target, in that order.
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
    /// The group staffed and its team.
    pub group: String,
    /// The group's team.
    pub team: String,
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
    /// Weekly agent-hours and FTE, when `--paid-hours` was given.
    pub fte: Option<Fte>,
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
        let loaded = scenario::load_effective(path, overrides)?;
        let text = &loaded.source;
        let origin = path.display().to_string();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let steps = search::staffing_steps(&loaded.scenario);
        let staffed_text = scenario::with_staffing(text, &origin, &request.group, &vec![0; steps])?;
        let group =
            loaded.scenario.groups.position(|g| g.name == request.group).ok_or_else(|| Error::Setting {
                setting: Setting::Group,
                value: request.group.clone(),
                message: "no agent group of that name".into(),
            })?;
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
            group,
        };
        job.base = job.build(&vec![0; steps])?;
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
            &search::Measures::new(scenarios, self.loaded.groups[self.group].team),
            available,
        )
    }

    /// The validated scenario with the group's staffing array set to `levels`,
    /// built through an override like any `--set`.
    pub fn build(&self, levels: &[u32]) -> Result<Scenario> {
        self.build_seeded(levels, None)
    }

    /// [`Study::build`], on another seed when `seed` is given.
    fn build_seeded(&self, levels: &[u32], seed: Option<u64>) -> Result<Scenario> {
        let list: Vec<String> = levels.iter().map(u32::to_string).collect();
        let mut overrides = self.overrides.clone();
        overrides.push(format!("agents.{}.staffing=[{}]", key_segment(&self.request.group), list.join(",")));
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
            group: self.group,
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
        let measured = search::measure(workers, &scenarios, problem.team(), &tick)?;
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
        let scenario_toml =
            scenario::with_staffing(&self.effective_toml, &self.origin, &self.request.group, chosen)?;
        progress(Progress::Phase("re-simulating on an independent seed", simulated + scenarios.len()));
        let chosen_method =
            methods.iter().find(|m| m.method == Method::Simulation).or(methods.first()).map(|m| m.method);
        let validation =
            self.validate(&problem, chosen_method.unwrap_or(Method::Simulation), chosen, &tick)?;
        let fte = self.request.paid_hours.map(|h| self.fte(h, chosen));
        let sc = &self.base;
        Ok(Answer {
            scenario: sc.name.clone(),
            group: self.request.group.clone(),
            team: sc.teams[problem.team()].name.clone(),
            seed: sc.seed,
            replications: sc.replications,
            targets: self.all_targets(),
            queue_targets: sc.teams[problem.team()]
                .queues
                .iter()
                .map(|&q| (sc.queues[q].name.clone(), self.targets[q.index()].clone()))
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
        let m = search::measure(problem.workers, std::slice::from_ref(&other), problem.team(), tick)?
            .pop()
            .ok_or_else(|| Error::Internal("the re-simulation gave no results".into()))?;
        let judged: Vec<usize> =
            (0..sc.interval_count()).filter(|&i| i as f64 * sc.interval >= sc.warmup).collect();
        let mut checks = Vec::new();
        for &q in &sc.teams[problem.team()].queues {
            for target in &self.targets[q.index()] {
                let values: Vec<f64> =
                    judged.iter().map(|&i| m.pooled(target.goal, i, q)).filter(|v| !v.is_nan()).collect();
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

    /// The FTE line for `levels`: logged-in agent-hours scaled to a week (a
    /// horizon of a day or less stands for each of 7 days, a longer one is
    /// scaled by 7 days over the horizon), the hours-weighted shrinkage of
    /// the group's statuses, and hours over `paid_hours`.
    fn fte(&self, paid_hours: f64, levels: &[u32]) -> Fte {
        let sc = &self.base;
        let g = &sc.groups[self.group];
        let steps = levels.len().max(1);
        let (mut hours, mut lost) = (0.0, 0.0);
        for i in 0..sc.interval_count() {
            let len = sc.interval_length(i);
            let h = f64::from(levels.get(i % steps).copied().unwrap_or(0)) * len / 3600.0;
            hours += h;
            lost += h * formula::shrinkage(g, i as f64 * sc.interval, len);
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

    /// Every target some queue of the team is judged against, each once, in order.
    fn all_targets(&self) -> Vec<Target> {
        let mut all: Vec<Target> = Vec::new();
        let team = self.base.groups[self.group].team;
        for &q in &self.base.teams[team].queues {
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
        let team = problem.team();
        let queues = &sc.teams[team].queues;
        let steps = levels.len().max(1);
        let worst_of = |goal, pick: fn(f64, f64) -> f64, i| {
            queues
                .iter()
                .map(|&q| m.pooled(goal, i, q))
                .filter(|v| !v.is_nan())
                .reduce(pick)
                .unwrap_or(f64::NAN)
        };
        let rows: Vec<Row> = (0..sc.interval_count())
            .map(|i| {
                let start = i as f64 * sc.interval;
                Row {
                    interval: i,
                    start,
                    agents: levels[i % steps],
                    offered_erlangs: formula::offered_erlangs(sc, team, start, sc.interval),
                    service_level: worst_of(super::Goal::ServiceLevel, f64::min, i),
                    asa: worst_of(super::Goal::Asa, f64::max, i),
                    abandon_rate: worst_of(super::Goal::AbandonRate, f64::max, i),
                    occupancy: worst_of(super::Goal::Occupancy, f64::max, i),
                }
            })
            .collect();
        let agent_hours = (0..sc.interval_count())
            .map(|i| f64::from(levels[i % steps]) * sc.interval_length(i))
            .sum::<f64>()
            / 3600.0;
        let judged: Vec<usize> =
            (0..sc.interval_count()).filter(|&i| i as f64 * sc.interval >= sc.warmup).collect();
        let misses = problem.misses(m).len();
        let all = self.all_targets();
        let Some(&first) = all.first() else {
            return MethodAnswer {
                method,
                levels,
                rows,
                agent_hours,
                misses,
                judged: judged.len(),
                worst: None,
            };
        };
        let worst = judged
            .iter()
            .filter_map(|&i| {
                let v = match first.goal {
                    super::Goal::ServiceLevel => rows[i].service_level,
                    super::Goal::Asa => rows[i].asa,
                    super::Goal::AbandonRate => rows[i].abandon_rate,
                    super::Goal::Occupancy => rows[i].occupancy,
                };
                (!v.is_nan()).then_some((i, v))
            })
            .min_by(|a, b| first.slack(a.1).total_cmp(&first.slack(b.1)));
        MethodAnswer { method, levels, rows, agent_hours, misses, judged: judged.len(), worst }
    }
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

    #[test]
    fn a_group_name_is_quoted_in_the_staffing_override_only_when_it_must_be() {
        assert_eq!(key_segment("crew, day"), "crew, day");
        assert_eq!(key_segment("night.shift"), "\"night.shift\"");
        assert_eq!(key_segment("say \"hi\""), r#""say \"hi\"""#);
    }
}
