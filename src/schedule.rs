//! `routesim schedule` (docs/model.md §16): from the week's requirement per
//! team (what `staff` answers for whole teams) and the scenario's shift
//! patterns, a roster a planner can publish: an integer program chooses
//! how many agents work each (pattern, length, start, days off)
//! combination at the fewest paid hours, each agent's planned statuses are
//! placed inside their windows, and the roster is simulated on an
//! independent seed and repaired, one agent at a time, until every queue
//! meets its target in every judged interval (or the rounds run out).

pub mod output;
pub mod program;
pub mod roster;

use std::path::{Path, PathBuf};

use crate::driver::Workers;
use crate::error::{Error, Result, Setting};
use crate::model::{GroupId, QueueId, Scenario, ShiftPattern, TeamId};
use crate::scenario::{self, Attachment};
use crate::staffing::plan::{VALIDATION_SEED_OFFSET, queue_targets};
use crate::staffing::search::{self, Judge, Measured, Progress, Search, StaffedArray};
use crate::staffing::split::Split;
use crate::staffing::{Method, Study, Target};
use crate::time::DAY;

pub use program::{Found, Limits, Program, Solved, Stop};
pub use roster::{Combination, Cover, RosterAgent, RosterLayout, RosterWeek};

/// The solver's branch-and-bound node budget when `--nodes` is not given
/// (docs/model.md §16.2).
pub const DEFAULT_NODES: u64 = 2_000;

/// The most `--nodes` accepted (the memory check comes first for large programs).
pub const MAX_NODES: u64 = 10_000_000;

/// The search's time limit when `--time-limit` is not given, seconds: a
/// safety net well above what the default node budget takes.
pub const DEFAULT_TIME_LIMIT: f64 = 600.0;

/// Bytes in a GiB, for messages.
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The repair loop stops after this many rounds of simulation, whether or
/// not every judged interval meets its target (docs/model.md §16.4).
pub const MAX_REPAIR_ROUNDS: usize = 20;

/// What `schedule` is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRequest {
    /// The teams scheduled (`--team`, repeatable); empty: every team `staff`
    /// would staff whole. Each needs a `[[shift]]` pattern.
    pub teams: Vec<String>,
    /// Hours one full-time agent is paid per week, for the FTE figure (`--paid-hours`).
    pub paid_hours: Option<f64>,
    /// Branch-and-bound nodes the solver may solve (`--nodes`).
    pub nodes: u64,
    /// Seconds the whole search may take (`--time-limit`), a safety net.
    pub time_limit: f64,
}

/// A loaded, checked scheduling question, ready to [`Planner::solve`].
pub struct Planner {
    request: ScheduleRequest,
    /// The requirement's question: whole teams, each queue's own targets, the default judgement.
    study: Study,
    /// The scenario file's text as read (the roster's scenario is built on it).
    source: String,
    /// The effective scenario text (overrides applied), for the folder's scenario.toml.
    effective_toml: String,
    attachments: Vec<Attachment>,
    origin: String,
    stem: String,
    overrides: Vec<String>,
    dir: PathBuf,
}

/// One team's requirement over the week.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRequirement {
    /// The team.
    pub team: TeamId,
    /// The team's name.
    pub name: String,
    /// Agents logged in per interval of the week, as `staff` answers.
    pub logged_in: Vec<u32>,
    /// Agents available (logged in, not in a planned status) per interval:
    /// `logged_in × (1 − shrinkage)`, the shrinkage of the statuses the
    /// requirement was found with (docs/model.md §13.3).
    pub available: Vec<f64>,
}

impl TeamRequirement {
    /// Agent-hours logged in over the week.
    pub fn agent_hours(&self, week: &RosterWeek) -> f64 {
        self.logged_in.iter().map(|&n| f64::from(n)).sum::<f64>() * week.interval / 3600.0
    }
}

/// How the repair loop went.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// Simulations of the roster on the independent seed (the first included).
    pub rounds: usize,
    /// The combination of each agent added, in order.
    pub added: Vec<usize>,
    /// Whether every judged interval met every target at the end.
    pub met: bool,
    /// Per team: judged intervals that miss some target at the end.
    pub misses: Vec<usize>,
    /// Per team: intervals judged.
    pub judged: Vec<usize>,
}

/// One queue's figures on the independent seed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueCheck {
    /// The queue's name.
    pub queue: String,
    /// Its service-level target (fraction).
    pub target: Target,
    /// The queue's service level over the run, as `routesim run` reports it (M7, fraction).
    pub service_level: f64,
    /// Judged intervals (after the warm-up, open) in which the queue had traffic.
    pub judged: usize,
    /// Of those, the intervals whose pooled value met the target.
    pub met: usize,
}

/// Everything `schedule` found, for the table and the files.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The scenario as the roster runs it (the independent seed).
    pub scenario: Scenario,
    /// The week of reporting intervals.
    pub week: RosterWeek,
    /// The scenario's shift patterns.
    pub patterns: Vec<ShiftPattern>,
    /// The requirement per team scheduled, in order.
    pub requirements: Vec<TeamRequirement>,
    /// The program's combinations.
    pub combinations: Vec<Combination>,
    /// Per combination: its team's index among the requirements.
    pub team_of: Vec<usize>,
    /// The integer program's answer (before the repair).
    pub solved: Solved,
    /// The solver's limits.
    pub limits: Limits,
    /// The roster: the program's agents, then those the repair added.
    pub agents: Vec<RosterAgent>,
    /// The roster's cover of the week.
    pub cover: Cover,
    /// How the repair went.
    pub repair: Repair,
    /// The original seed the requirement was searched on.
    pub search_seed: u64,
    /// Per queue of the scheduled teams: its figures on the independent seed.
    pub checks: Vec<QueueCheck>,
    /// Hours one full-time agent is paid per week, if given.
    pub paid_hours: Option<f64>,
    /// The roster as a runnable scenario (effective text).
    pub scenario_toml: String,
    /// Files that scenario refers to (the forecast's copy).
    pub attachments: Vec<Attachment>,
}

impl Schedule {
    /// Paid hours a week of the roster: Σ over agents of length × working days.
    pub fn paid_hours(&self) -> f64 {
        self.agents.iter().map(|a| self.agent_paid_hours(a)).sum()
    }

    /// One agent's paid hours a week.
    pub fn agent_paid_hours(&self, a: &RosterAgent) -> f64 {
        let c = &self.combinations[a.combination];
        c.paid_hours(&self.patterns[c.pattern])
    }

    /// Agent-hours the requirement asks logged in over the week, every team.
    pub fn requirement_hours(&self) -> f64 {
        self.requirements.iter().map(|r| r.agent_hours(&self.week)).sum()
    }

    /// Hours logged in over the requirement and under it, summed over the
    /// teams' intervals of the week.
    pub fn over_under(&self) -> (f64, f64) {
        let (mut over, mut under) = (0.0, 0.0);
        for (k, r) in self.requirements.iter().enumerate() {
            for (t, &need) in r.logged_in.iter().enumerate() {
                let d = self.cover.logged[k][t] - f64::from(need);
                if d > 0.0 { over += d } else { under -= d }
            }
        }
        (over * self.week.interval / 3600.0, under * self.week.interval / 3600.0)
    }
}

impl Planner {
    /// Loads `path` with `overrides` and checks the request: the
    /// requirement's question as `staff` asks it, a shift pattern for every
    /// team scheduled; every problem is found here, before any folder is touched.
    pub fn new(path: &Path, overrides: &[String], request: ScheduleRequest) -> Result<Planner> {
        if !(request.time_limit > 0.0 && request.time_limit <= 86_400.0) {
            return Err(Error::Setting {
                setting: Setting::TimeLimit,
                value: request.time_limit.to_string(),
                message: "give the search's seconds, above 0 and at most 86400, e.g. 600".into(),
            });
        }
        if request.nodes > MAX_NODES {
            return Err(Error::Setting {
                setting: Setting::Nodes,
                value: request.nodes.to_string(),
                message: format!("give at most {MAX_NODES} branch-and-bound nodes, e.g. {DEFAULT_NODES}"),
            });
        }
        let study = Study::new(
            path,
            overrides,
            crate::staffing::Request {
                group: None,
                teams: request.teams.clone(),
                targets: Vec::new(),
                methods: vec![Method::Simulation],
                judge: Judge::from_options(None, None, false)?,
                paid_hours: request.paid_hours,
            },
        )?;
        let loaded = scenario::load_effective(path, overrides)?;
        let planner = Planner {
            request,
            study,
            source: loaded.source,
            effective_toml: loaded.effective_toml,
            attachments: loaded.attachments,
            origin: path.display().to_string(),
            stem: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            overrides: overrides.to_vec(),
            dir: path.parent().unwrap_or(Path::new("")).to_owned(),
        };
        let sc = planner.loaded();
        for team in planner.teams() {
            if !sc.shifts.iter().any(|p| p.team == team) {
                return Err(Error::Schedule(format!(
                    "team `{}` has no [[shift]] pattern to schedule; add one (docs/model.md §10.14) \
                     or pick the teams with --team",
                    sc.teams[team].name
                )));
            }
        }
        let steps = search::staffing_steps(sc);
        if steps != sc.intervals_per_day() && steps != 7 * sc.intervals_per_day() {
            return Err(Error::Schedule(
                "schedule plans one week, and this scenario's forecast is dated over more than a week; \
                 shorten the horizon to 7 days"
                    .into(),
            ));
        }
        Ok(planner)
    }

    /// The scenario as the file and the overrides give it (for its warnings).
    pub fn loaded(&self) -> &Scenario {
        self.study.loaded()
    }

    /// Refuses, before anything is written, a run that would not fit in memory.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        self.study.check_fits(workers, available)?;
        let variables = Combination::all(&self.loaded().shifts, &self.teams()).len();
        let tree = program::tree_bytes(self.request.nodes, variables);
        match available {
            Some(free) if tree > free => Err(Error::Setting {
                setting: Setting::Nodes,
                value: self.request.nodes.to_string(),
                message: format!(
                    "the solver's search tree of that many nodes over {variables} variables needs about \
                     {:.1} GiB of memory and {:.1} GiB is available; give fewer nodes",
                    tree as f64 / GIB,
                    free as f64 / GIB
                ),
            }),
            _ => Ok(()),
        }
    }

    /// The teams scheduled, in the requirement's order (as `staff` picks them).
    fn teams(&self) -> Vec<TeamId> {
        let sc = self.loaded();
        let names: Vec<&str> = if self.request.teams.is_empty() {
            Vec::new()
        } else {
            self.request.teams.iter().map(String::as_str).collect()
        };
        let has_group = |t: TeamId| sc.groups.iter().any(|g| g.team == t);
        sc.teams
            .keys()
            .filter(|&t| {
                if names.is_empty() {
                    !sc.teams[t].queues.is_empty() && has_group(t)
                } else {
                    names.contains(&sc.teams[t].name.as_str())
                }
            })
            .collect()
    }

    /// The requirement, the program, the roster, and the simulation with
    /// its repair; `progress` hears of each phase and replication.
    pub fn solve(&self, workers: &Workers, progress: &(dyn Fn(Progress) + Sync)) -> Result<Schedule> {
        let sc = self.loaded();
        let week = RosterWeek::new(sc.interval);
        progress(Progress::Phase("finding the requirement", 0));
        let answer = self.study.solve(workers, progress)?;
        let levels = answer.methods.first().map(|m| m.levels.as_slice()).unwrap_or_default();
        let mut requirements = Vec::new();
        for (k, unit) in answer.units.iter().enumerate() {
            let team = sc.teams.keys().find(|&t| sc.teams[t].name == unit.team).ok_or_else(|| {
                Error::Internal(format!("staff answered for an unknown team {}", unit.team))
            })?;
            // The requirement's shrinkage: each of the team's groups' on its
            // share of the array, as staff found it (docs/model.md §13.1).
            let groups: Vec<GroupId> =
                unit.groups.iter().filter_map(|n| sc.groups.position(|g| g.name == *n)).collect();
            let split = (!groups.is_empty()).then(|| Split::of_team(sc, groups, answer.steps.max(1)));
            let part = levels.get(k * answer.steps..(k + 1) * answer.steps).unwrap_or_default();
            let logged_in: Vec<u32> =
                (0..week.steps).map(|t| part.get(t % answer.steps.max(1)).copied().unwrap_or(0)).collect();
            let available = logged_in
                .iter()
                .enumerate()
                .map(|(t, &n)| {
                    let s = split.as_ref().map_or(0.0, |split| {
                        let step = t % answer.steps.max(1);
                        split.shrinkage(sc, step, t as f64 * week.interval, week.interval)
                    });
                    f64::from(n) * (1.0 - s)
                })
                .collect();
            requirements.push(TeamRequirement { team, name: unit.team.clone(), logged_in, available });
        }
        let teams: Vec<TeamId> = requirements.iter().map(|r| r.team).collect();
        let combinations = Combination::all(&sc.shifts, &teams);
        let team_of: Vec<usize> = combinations
            .iter()
            .map(|c| teams.iter().position(|&t| t == sc.shifts[c.pattern].team).unwrap_or(0))
            .collect();
        let program = self.program(&requirements, &combinations, &team_of, &week);
        if let Some(&row) = program.uncovered().first() {
            let (k, t) = (row / week.steps, row % week.steps);
            return Err(Error::Schedule(format!(
                "no shift pattern of team `{}` covers {}, where the requirement needs {} agents logged in; \
                 widen a pattern's `start` or add a pattern",
                requirements[k].name,
                sc.calendar.label(t as f64 * week.interval, true),
                requirements[k].logged_in[t]
            )));
        }
        progress(Progress::Phase("solving the integer program", 0));
        let solved = program.solve(Limits { nodes: self.request.nodes, seconds: self.request.time_limit })?;
        let layout =
            RosterLayout { patterns: &sc.shifts, combinations: &combinations, team_of: &team_of, week };
        let mut cover = Cover {
            logged: vec![vec![0.0; week.steps]; requirements.len()],
            available: vec![vec![0.0; week.steps]; requirements.len()],
            need: requirements.iter().map(|r| r.available.clone()).collect(),
        };
        let mut agents = layout.expand(&solved.counts);
        for a in &agents {
            layout.log_in(&mut cover, a);
        }
        for a in agents.iter_mut() {
            layout.place(&mut cover, a);
        }
        let seed = sc.seed.wrapping_add(VALIDATION_SEED_OFFSET) % (i64::MAX as u64);
        let targets: Vec<Vec<Target>> = sc.queues.iter().map(queue_targets).collect();
        let tick = || progress(Progress::Replication);
        let mut repair =
            Repair { rounds: 0, added: Vec::new(), met: false, misses: Vec::new(), judged: Vec::new() };
        // The roster as a scenario on `seed`, simulated.
        let simulate = |agents: &[RosterAgent], seed: u64| -> Result<(Scenario, Measured)> {
            let text = self.roster_text(&self.source, &layout, agents, seed)?;
            let mut overrides = self.overrides.clone();
            overrides.push(format!("seed={seed}"));
            let roster_sc = scenario::parse_in(&text, &self.origin, &self.stem, &overrides, &self.dir)?;
            let measured =
                search::measure(workers, std::slice::from_ref(&roster_sc), &teams, &tick)?
                    .pop()
                    .ok_or_else(|| Error::Internal("the roster's simulation gave no results".into()))?;
            Ok((roster_sc, measured))
        };
        loop {
            progress(Progress::Phase("simulating the roster on an independent seed", repair.rounds));
            let (roster_sc, measured) = simulate(&agents, seed)?;
            repair.rounds += 1;
            let misses = misses(&roster_sc, &teams, &targets, workers, &measured);
            repair.misses = misses.iter().map(Vec::len).collect();
            repair.judged = judged(&roster_sc, &teams);
            repair.met = misses.iter().all(Vec::is_empty);
            if repair.met || repair.rounds >= MAX_REPAIR_ROUNDS {
                break;
            }
            // One agent per team that misses: the combination covering most
            // of its missed intervals, the cheapest among equals.
            for (k, missed) in misses.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
                let Some(c) = self.best_addition(&layout, &solved.counts, &repair.added, k, missed) else {
                    continue;
                };
                let mut agent = RosterAgent { combination: c, statuses: Vec::new() };
                layout.log_in(&mut cover, &agent);
                layout.place(&mut cover, &mut agent);
                agents.push(agent);
                repair.added.push(c);
            }
        }
        // The figures a planner reads come from a seed the repair has not
        // seen (docs/model.md §16.4): the roster re-simulated once more.
        let seed = sc.seed.wrapping_add(2 * VALIDATION_SEED_OFFSET) % (i64::MAX as u64);
        progress(Progress::Phase("re-simulating the roster on a fresh seed", repair.rounds));
        let (roster_sc, measured) = simulate(&agents, seed)?;
        let checks = self.checks(&roster_sc, &teams, &targets, &measured, workers, &tick)?;
        let scenario_toml = self.roster_text(&self.effective_toml, &layout, &agents, seed)?;
        Ok(Schedule {
            scenario: roster_sc,
            week,
            patterns: sc.shifts.clone(),
            requirements,
            combinations: combinations.clone(),
            team_of: team_of.clone(),
            solved,
            limits: Limits { nodes: self.request.nodes, seconds: self.request.time_limit },
            agents,
            cover,
            repair,
            search_seed: sc.seed,
            checks,
            paid_hours: self.request.paid_hours,
            scenario_toml,
            attachments: self.attachments.clone(),
        })
    }

    /// The program of docs/model.md §16.2 over `combinations`: one row per
    /// team and interval of the week, its need the agents available the
    /// requirement asks; each combination covers its expected available
    /// share; each pattern with `max_agents` capped.
    fn program(
        &self,
        requirements: &[TeamRequirement],
        combinations: &[Combination],
        team_of: &[usize],
        week: &RosterWeek,
    ) -> Program {
        let sc = self.loaded();
        let cover = combinations
            .iter()
            .zip(team_of)
            .map(|(c, &k)| {
                c.expected_available(&sc.shifts[c.pattern], week)
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| **a > 1e-12)
                    .map(|(t, &a)| (k * week.steps + t, a))
                    .collect()
            })
            .collect();
        let caps = sc
            .shifts
            .iter()
            .enumerate()
            .filter_map(|(p, s)| {
                let most = s.max_agents?;
                let members: Vec<usize> =
                    (0..combinations.len()).filter(|&c| combinations[c].pattern == p).collect();
                (!members.is_empty()).then_some((members, most))
            })
            .collect();
        Program {
            cost: combinations.iter().map(|c| c.paid_hours(&sc.shifts[c.pattern])).collect(),
            cover,
            need: requirements.iter().flat_map(|r| r.available.iter().copied()).collect(),
            caps,
        }
    }

    /// The combination of team `k` whose agent is logged in for most of
    /// `missed` (intervals of the run), the cheapest among equals, then the
    /// first; none when every pattern of the team is at its `max_agents`.
    fn best_addition(
        &self,
        layout: &RosterLayout<'_>,
        counts: &[u32],
        added: &[usize],
        k: usize,
        missed: &[usize],
    ) -> Option<usize> {
        let sc = self.loaded();
        let week = layout.week;
        let per_pattern = |p: usize| -> u32 {
            let base: u32 =
                (0..counts.len()).filter(|&c| layout.combinations[c].pattern == p).map(|c| counts[c]).sum();
            base + added.iter().filter(|&&c| layout.combinations[c].pattern == p).count() as u32
        };
        let mut best: Option<(usize, f64, f64)> = None;
        for (c, combo) in layout.combinations.iter().enumerate().filter(|(c, _)| layout.team_of[*c] == k) {
            let p = &sc.shifts[combo.pattern];
            if p.max_agents.is_some_and(|m| per_pattern(combo.pattern) >= m) {
                continue;
            }
            let logged = combo.logged(p, &week);
            let score: f64 = missed.iter().map(|&i| logged[i % week.steps]).sum();
            let cost = combo.paid_hours(p);
            let better = match best {
                None => score > 0.0,
                Some((_, s, c0)) => score > s + 1e-9 || ((score - s).abs() <= 1e-9 && cost < c0 - 1e-9),
            };
            if better {
                best = Some((c, score, cost));
            }
        }
        best.map(|(c, _, _)| c)
    }

    /// `base` (the file's text, or the effective text) with the scheduled
    /// teams' agent groups replaced by the roster: one group per set of
    /// agents working the same combination with the same planned statuses,
    /// a week-long `staffing` array of its logged-in steps and one schedule
    /// entry per planned status whose window is exactly its slot; `seed` set.
    fn roster_text(
        &self,
        base: &str,
        layout: &RosterLayout<'_>,
        agents: &[RosterAgent],
        seed: u64,
    ) -> Result<String> {
        let sc = self.loaded();
        let mut doc: toml_edit::DocumentMut = base.parse().map_err(|e: toml_edit::TomlError| {
            Error::Syntax { origin: self.origin.clone(), message: e.to_string() }
        })?;
        let teams: Vec<&str> = layout
            .team_of
            .iter()
            .zip(layout.combinations)
            .map(|(_, c)| sc.teams[sc.shifts[c.pattern].team].name.as_str())
            .collect();
        let scheduled: Vec<GroupId> = sc
            .groups
            .keys()
            .filter(|&g| teams.contains(&sc.teams[sc.groups[g].team].name.as_str()))
            .collect();
        let dropped: Vec<&str> = scheduled.iter().map(|&g| sc.groups[g].name.as_str()).collect();
        let step = roster_step(layout);
        let mut groups: Vec<(&RosterAgent, u32)> = Vec::new();
        for a in agents {
            match groups.iter_mut().find(|(b, _)| b.combination == a.combination && b.statuses == a.statuses)
            {
                Some((_, n)) => *n += 1,
                None => groups.push((a, 1)),
            }
        }
        let mut tables = toml_edit::ArrayOfTables::new();
        if let Some(existing) = doc.get("agents").and_then(toml_edit::Item::as_array_of_tables) {
            for t in existing.iter() {
                let name = t.get("name").and_then(toml_edit::Item::as_str).unwrap_or_default();
                if !dropped.contains(&name) {
                    tables.push(t.clone());
                }
            }
        }
        // The unplanned episodes of each team's first group go on with the
        // roster's agents (the requirement counted them as shrinkage).
        let unplanned = |team: TeamId| {
            let first = sc.groups.iter().find(|g| g.team == team)?;
            doc.get("agents")?
                .as_array_of_tables()?
                .iter()
                .find(|t| t.get("name").and_then(toml_edit::Item::as_str) == Some(first.name.as_str()))?
                .get("unplanned")
                .cloned()
        };
        let carried: Vec<Option<toml_edit::Item>> = sc.shifts.iter().map(|p| unplanned(p.team)).collect();
        let mut numbered = vec![0usize; sc.shifts.len()];
        for (a, n) in groups {
            let c = layout.combinations[a.combination];
            let p = &sc.shifts[c.pattern];
            numbered[c.pattern] += 1;
            let mut t = toml_edit::Table::new();
            t.insert("name", toml_edit::value(format!("{}-{}", p.name, numbered[c.pattern])));
            t.insert("team", toml_edit::value(sc.teams[p.team].name.clone()));
            let steps = (7.0 * DAY / step).round() as usize;
            let mut staffing = vec![0i64; steps];
            for d in c.days(p) {
                let a0 = f64::from(d) * DAY + c.start;
                let (first, last) = ((a0 / step).round() as usize, ((a0 + c.length) / step).round() as usize);
                for s in first..last {
                    staffing[s % steps] = i64::from(n);
                }
            }
            t.insert("staffing", toml_edit::value(staffing.into_iter().collect::<toml_edit::Array>()));
            t.insert("staffing_step", toml_edit::value(format!("{}s", step as u64)));
            let mut entries = toml_edit::Array::new();
            for (s, &at) in p.schedule.iter().zip(&a.statuses) {
                let from = (c.start + at).rem_euclid(DAY);
                let to = from + (s.duration / 60.0).ceil() * 60.0;
                let mut e = toml_edit::InlineTable::new();
                e.insert("status", sc.statuses[s.status].name.clone().into());
                e.insert("window", format!("{}-{}", clock(from), clock(to)).into());
                e.insert("duration", format!("{}s", s.duration.round() as u64).into());
                entries.push(e);
            }
            if !entries.is_empty() {
                t.insert("schedule", toml_edit::value(entries));
            }
            if let Some(item) = carried[c.pattern].clone() {
                t.insert("unplanned", item);
            }
            tables.push(t);
        }
        doc.insert("agents", toml_edit::Item::ArrayOfTables(tables));
        doc.insert("seed", toml_edit::value(seed as i64));
        Ok(doc.to_string())
    }

    /// Per queue of the scheduled teams, its service level as `run` reports
    /// it and the judged intervals with traffic that meet its target
    /// (pooled over the replications, as `staff`'s independent-seed line).
    fn checks(
        &self,
        sc: &Scenario,
        teams: &[TeamId],
        targets: &[Vec<Target>],
        m: &Measured,
        workers: &Workers,
        tick: &(dyn Fn() + Sync),
    ) -> Result<Vec<QueueCheck>> {
        let results = crate::replicate::run_on(workers, std::slice::from_ref(sc), tick)?
            .pop()
            .ok_or_else(|| Error::Internal("the roster's run gave no results".into()))?;
        let mut out = Vec::new();
        for q in queues_of(sc, teams) {
            let name = &sc.queues[q].name;
            let level = results.get("queue", name, "service_level").map_or(f64::NAN, |r| r.mean);
            for target in targets[q.index()].iter().filter(|t| t.goal == crate::staffing::Goal::ServiceLevel)
            {
                let values: Vec<f64> = (0..sc.interval_count())
                    .filter(|&i| i as f64 * sc.interval >= sc.warmup && sc.open_in_interval(q, i))
                    .map(|i| m.pooled(target.goal, i, q))
                    .filter(|v| !v.is_nan())
                    .collect();
                out.push(QueueCheck {
                    queue: name.clone(),
                    target: *target,
                    service_level: level,
                    judged: values.len(),
                    met: values.iter().filter(|&&v| target.holds(v)).count(),
                });
            }
        }
        Ok(out)
    }
}

/// The queues of `teams`, each once, team by team.
fn queues_of(sc: &Scenario, teams: &[TeamId]) -> Vec<QueueId> {
    let mut out = Vec::new();
    for &t in teams {
        for &q in &sc.teams[t].queues {
            if !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

/// The judge of `staff` on the roster's scenario: one unit per team.
fn judge_units(sc: &Scenario, teams: &[TeamId]) -> Vec<StaffedArray> {
    teams
        .iter()
        .map(|&team| {
            let group = sc.groups.keys().find(|&g| sc.groups[g].team == team).unwrap_or(GroupId(0));
            StaffedArray { group, team, split: Split::single(group) }
        })
        .collect()
}

/// Per team: the judged intervals where some queue of the team misses some
/// target, judged as `staff` judges ([`Search::unit_ok`], the default judgement).
fn misses(
    sc: &Scenario,
    teams: &[TeamId],
    targets: &[Vec<Target>],
    workers: &Workers,
    m: &Measured,
) -> Vec<Vec<usize>> {
    let units = judge_units(sc, teams);
    let build = |_: &[u32]| -> Result<Scenario> {
        Err(Error::Internal("the roster is not rebuilt by the judge".into()))
    };
    let quiet = |_: Progress| {};
    let search = Search {
        build: &build,
        base: sc,
        units: &units,
        targets,
        judge: Judge::Confidence(search::DEFAULT_CONFIDENCE),
        workers,
        progress: &quiet,
    };
    (0..teams.len()).map(|k| search.unit_misses(m, k)).collect()
}

/// Per team: the intervals judged ([`Search::unit_judges`]).
fn judged(sc: &Scenario, teams: &[TeamId]) -> Vec<usize> {
    teams
        .iter()
        .map(|&t| {
            (0..sc.interval_count())
                .filter(|&i| {
                    i as f64 * sc.interval >= sc.warmup
                        && sc.teams[t].queues.iter().any(|&q| sc.open_in_interval(q, i))
                })
                .count()
        })
        .collect()
}

/// The step of the roster's staffing arrays, seconds: the largest that
/// every shift's start and end and the reporting interval fall on.
fn roster_step(layout: &RosterLayout<'_>) -> f64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let mut g = layout.week.interval.round() as u64;
    for c in layout.combinations {
        g = gcd(g, c.start.round() as u64);
        g = gcd(g, c.length.round() as u64);
    }
    g.max(1) as f64
}

/// `HH:MM` of a clock time in seconds (24:00 for the end of the day).
fn clock(secs: f64) -> String {
    let m = (secs / 60.0).round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}
