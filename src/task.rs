//! A simulating command as one unit — `run`, `sweep` or `compare` — from
//! what was asked ([`TaskSpec`]) to its result folder: the inputs loaded and
//! checked, the plan of (variant, replication) jobs, the fold of any subset
//! of them ([`Fold`]), and the folder and printed table made of a fold of
//! every job ([`Task::write`]).
//!
//! The binary runs a task whole, or one shard of it ([`crate::shard`]);
//! `routesim merge` loads the same task from the copies a part folder keeps
//! of its inputs and writes the folder through the same [`Task::write`],
//! so a merged folder is the unsharded one, byte for byte.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::compare::{self, Comparison, PairFold, Paired};
use crate::driver::{self, Collector, Job, Plan, Workers};
use crate::error::{Error, Result};
use crate::input::{Disk, Source};
use crate::model::Scenario;
use crate::replicate::{Summaries, SummaryFold};
use crate::report::{self, Destination, Provenance};
use crate::scenario::{self, Attachment, Loaded};
use crate::sweep::{self, Sweep};

/// What a simulating command was asked, as a part folder keeps it: the
/// files as named on the command line and the options that shape the plan.
/// `set` holds the `--set` overrides, then those `--replications` and
/// `--seed` stand for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "lowercase")]
pub enum TaskSpec {
    /// `routesim run FILE`.
    Run {
        /// The scenario file.
        file: String,
        /// The overrides.
        set: Vec<String>,
    },
    /// `routesim sweep FILE --vary ...`.
    Sweep {
        /// The scenario file.
        file: String,
        /// The overrides.
        set: Vec<String>,
        /// The `--vary` options, in order.
        vary: Vec<String>,
    },
    /// `routesim compare A [B] [--with ...]`.
    Compare {
        /// Scenario A.
        a: String,
        /// Scenario B, when B is a file.
        b: Option<String>,
        /// The `--with` overrides that make B from A.
        with: Vec<String>,
        /// The overrides (of both).
        set: Vec<String>,
    },
}

impl TaskSpec {
    /// The command's name.
    pub fn command(&self) -> &'static str {
        match self {
            TaskSpec::Run { .. } => "run",
            TaskSpec::Sweep { .. } => "sweep",
            TaskSpec::Compare { .. } => "compare",
        }
    }

    /// The scenario files the task reads, in order (A then B for compare).
    pub fn files(&self) -> Vec<&Path> {
        match self {
            TaskSpec::Run { file, .. } | TaskSpec::Sweep { file, .. } => vec![Path::new(file)],
            TaskSpec::Compare { a, b, .. } => std::iter::once(a).chain(b).map(Path::new).collect(),
        }
    }

    /// The overrides of every variant (`--set`, `--replications`, `--seed`).
    pub fn set(&self) -> &[String] {
        match self {
            TaskSpec::Run { set, .. } | TaskSpec::Sweep { set, .. } | TaskSpec::Compare { set, .. } => set,
        }
    }
}

/// A request loaded: its scenarios validated, ready to simulate and write.
#[derive(Debug)]
pub struct Task {
    request: TaskSpec,
    report: bool,
    kind: Work,
}

#[derive(Debug)]
enum Work {
    Run(Box<Loaded>),
    Sweep(Box<Sweep>),
    /// The comparison, and A and B as its plan's two variants.
    Compare(Box<Comparison>, Box<[Scenario; 2]>),
}

/// The fold state of a task's jobs: `run`'s and `sweep`'s summaries, or
/// `compare`'s pairs.
#[derive(Debug, Clone, PartialEq)]
pub enum Fold {
    /// [`Summaries`]' state (`run`, `sweep`).
    Summary(SummaryFold),
    /// [`Paired`]'s state (`compare`).
    Paired(PairFold),
}

/// What [`Task::write`] wrote and what the command prints.
#[derive(Debug, Clone)]
pub struct Written {
    /// The paths written, as the user named the folder.
    pub paths: Vec<PathBuf>,
    /// The printed table.
    pub table: String,
}

impl Task {
    /// Loads and checks `request`'s scenarios from disk; `report`: whether
    /// the folder gets report.html.
    pub fn load(request: TaskSpec, report: bool) -> Result<Task> {
        Task::load_from(&Disk, request, report)
    }

    /// [`Task::load`], reading every file from `files`.
    pub(crate) fn load_from(files: &dyn Source, request: TaskSpec, report: bool) -> Result<Task> {
        let kind = match &request {
            TaskSpec::Run { file, set } => {
                Work::Run(Box::new(scenario::load_effective_from(files, Path::new(file), set)?))
            }
            TaskSpec::Sweep { file, set, vary } => {
                Work::Sweep(Box::new(sweep::load_from(files, Path::new(file), set, vary)?))
            }
            TaskSpec::Compare { a, b, with, set } => {
                let cmp = compare::load_from(files, Path::new(a), b.as_deref().map(Path::new), with, set)?;
                let both = Box::new(cmp.scenarios());
                Work::Compare(Box::new(cmp), both)
            }
        };
        Ok(Task { request, report, kind })
    }

    /// What was asked.
    pub fn request(&self) -> &TaskSpec {
        &self.request
    }

    /// Whether the folder gets report.html.
    pub fn report(&self) -> bool {
        self.report
    }

    /// The plan's variants: the scenario of `run`, a sweep's variants in
    /// grid order, A and B of `compare`.
    pub fn scenarios(&self) -> &[Scenario] {
        match &self.kind {
            Work::Run(loaded) => std::slice::from_ref(&loaded.scenario),
            Work::Sweep(sweep) => &sweep.scenarios,
            Work::Compare(_, both) => &both[..],
        }
    }

    /// The plan of every (variant, replication) job.
    pub fn plan(&self) -> Plan<'_> {
        Plan::new(self.scenarios())
    }

    /// Every job, in the order the task runs them (a comparison's
    /// replication by replication, A then B).
    pub fn jobs(&self) -> Vec<Job> {
        match &self.kind {
            Work::Compare(cmp, _) => compare::pair_order(cmp.replications()),
            _ => self.plan().jobs(),
        }
    }

    /// How many consecutive jobs of [`Task::jobs`] a shard takes whole: 1,
    /// or 2 for a comparison (a replication's A and B, so a part's pairs
    /// are complete and it holds sums only).
    pub fn unit(&self) -> usize {
        match &self.kind {
            Work::Compare(..) => 2,
            _ => 1,
        }
    }

    /// The effective scenario texts (overrides applied) and their
    /// attachments: `run`'s, a sweep's base, A's and B's.
    pub fn effective(&self) -> Vec<(&str, &[Attachment])> {
        fn of(l: &Loaded) -> (&str, &[Attachment]) {
            (l.effective_toml.as_str(), l.attachments.as_slice())
        }
        match &self.kind {
            Work::Run(loaded) => vec![of(loaded)],
            Work::Sweep(sweep) => vec![of(&sweep.base)],
            Work::Compare(cmp, _) => vec![of(&cmp.a), of(&cmp.b)],
        }
    }

    /// The scenarios' names: `run`'s, a sweep's base, A's and B's.
    pub fn names(&self) -> Vec<&str> {
        match &self.kind {
            Work::Run(loaded) => vec![&loaded.scenario.name],
            Work::Sweep(sweep) => vec![&sweep.base.scenario.name],
            Work::Compare(cmp, _) => vec![&cmp.a.scenario.name, &cmp.b.scenario.name],
        }
    }

    /// The scenarios' warnings, each a line naming its file, as the command prints them.
    pub fn warnings(&self) -> Vec<String> {
        let of = |file: &str, sc: &Scenario| -> Vec<String> {
            scenario::warnings(sc).iter().map(|w| format!("{file}: {w}")).collect()
        };
        match (&self.kind, &self.request) {
            (Work::Run(loaded), TaskSpec::Run { file, .. }) => of(file, &loaded.scenario),
            (Work::Sweep(sweep), TaskSpec::Sweep { file, .. }) => of(file, &sweep.base.scenario),
            (Work::Compare(cmp, _), TaskSpec::Compare { a, b, .. }) => {
                let mut lines = of(a, &cmp.a.scenario);
                match b {
                    Some(b) => lines.extend(of(b, &cmp.b.scenario)),
                    // B is A with `--with` overrides: only what they add is news.
                    None => {
                        let seen: Vec<String> =
                            scenario::warnings(&cmp.a.scenario).iter().map(ToString::to_string).collect();
                        lines.extend(
                            scenario::warnings(&cmp.b.scenario)
                                .iter()
                                .map(ToString::to_string)
                                .filter(|w| !seen.contains(w))
                                .map(|w| format!("{a} (B, with --with): {w}")),
                        );
                    }
                }
                lines
            }
            _ => Vec::new(),
        }
    }

    /// The folder the command writes to without `--out` (report::out_dir).
    pub fn default_out(&self) -> PathBuf {
        match (&self.kind, &self.request) {
            (Work::Compare(cmp, _), TaskSpec::Compare { with, .. }) => {
                report::out_dir::compare(&cmp.a.scenario.name, &cmp.b.scenario.name, with)
            }
            (Work::Sweep(sweep), _) => report::out_dir::sweep(&sweep.base.scenario.name),
            (_, request) => report::out_dir::run(&self.scenarios()[0].name, request.set()),
        }
    }

    /// Refuses, before anything is written, a plan that would not fit in
    /// `available` bytes of memory on `workers`.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        match &self.kind {
            Work::Run(_) => workers.check_fits(&self.plan(), &Summaries::new(self.scenarios()), available),
            Work::Sweep(sweep) => sweep.check_fits(workers, available),
            Work::Compare(cmp, _) => cmp.check_fits(workers, available),
        }
    }

    /// Runs `jobs` (of this task's plan) on `workers`, calling `progress`
    /// as each ends, and returns their fold.
    pub fn fold(&self, workers: &Workers, jobs: &[Job], progress: &(dyn Fn() + Sync)) -> Result<Fold> {
        let plan = self.plan();
        Ok(match &self.kind {
            Work::Run(_) => {
                Fold::Summary(workers.fold(&plan, jobs, &Summaries::new(self.scenarios()), progress)?)
            }
            Work::Sweep(sweep) => Fold::Summary(workers.fold(&plan, jobs, &sweep.collector(), progress)?),
            Work::Compare(_, both) => {
                Fold::Paired(workers.fold(&plan, jobs, &Paired::new(both), progress)?)
            }
        })
    }

    /// The fold of no job.
    pub fn empty(&self) -> Fold {
        match &self.kind {
            Work::Run(_) => Fold::Summary(Summaries::new(self.scenarios()).empty()),
            Work::Sweep(sweep) => Fold::Summary(sweep.collector().empty()),
            Work::Compare(_, both) => Fold::Paired(Paired::new(both).empty()),
        }
    }

    /// Adds everything `part` (a fold of other jobs of this task) holds to `fold`.
    pub fn merge(&self, fold: &mut Fold, part: Fold) -> Result<()> {
        match (&self.kind, fold, part) {
            (Work::Run(_), Fold::Summary(f), Fold::Summary(p)) => {
                Summaries::new(self.scenarios()).merge(f, p)
            }
            (Work::Sweep(sweep), Fold::Summary(f), Fold::Summary(p)) => sweep.collector().merge(f, p),
            (Work::Compare(_, both), Fold::Paired(f), Fold::Paired(p)) => Paired::new(both).merge(f, p),
            _ => return Err(Error::Internal("a fold of another command".into())),
        }
        Ok(())
    }

    /// `fold` as bytes ([`driver::fold_to_bytes`]).
    pub fn fold_to_bytes(fold: &Fold) -> Result<Vec<u8>> {
        match fold {
            Fold::Summary(f) => driver::fold_to_bytes(f),
            Fold::Paired(f) => driver::fold_to_bytes(f),
        }
    }

    /// A fold of this task's command read back from [`Task::fold_to_bytes`]'s bytes.
    pub fn fold_from_bytes(&self, bytes: &[u8]) -> Result<Fold> {
        Ok(match &self.kind {
            Work::Run(_) | Work::Sweep(_) => Fold::Summary(driver::fold_from_bytes(bytes)?),
            Work::Compare(..) => Fold::Paired(driver::fold_from_bytes(bytes)?),
        })
    }

    /// Writes the command's folder into `target` (replaced whole) from
    /// `fold`, a fold of every job, and returns the paths and the printed table.
    pub fn write(&self, target: &Destination, fold: Fold) -> Result<Written> {
        let mismatch = || Error::Internal("a fold of another command".into());
        match &self.kind {
            Work::Run(loaded) => {
                let Fold::Summary(fold) = fold else { return Err(mismatch()) };
                let results = Summaries::new(self.scenarios())
                    .results(fold)
                    .into_iter()
                    .next()
                    .ok_or_else(|| Error::Internal("a run gave no results".into()))?;
                let provenance = Provenance {
                    overrides: self.request.set().to_vec(),
                    scenario_toml: loaded.effective_toml.clone(),
                    attachments: loaded.attachments.clone(),
                };
                let paths = report::write_all_with(target, &results, &provenance, self.report)?;
                let sc = &loaded.scenario;
                let table = format!(
                    "{} — {} replications, seed {}\n{}",
                    sc.name,
                    sc.replications,
                    sc.seed,
                    report::table(&results)
                );
                Ok(Written { paths, table })
            }
            Work::Sweep(sweep) => {
                let Fold::Summary(fold) = fold else { return Err(mismatch()) };
                let results = sweep.collector().results(fold);
                let paths = sweep::write_all_with(target, sweep, &results, self.report)?;
                let base = &sweep.base.scenario;
                let table = format!(
                    "{} — {} variants, seed {}\n{}",
                    base.name,
                    sweep.variants.len(),
                    base.seed,
                    sweep::table(sweep, &results)
                );
                Ok(Written { paths, table })
            }
            Work::Compare(cmp, both) => {
                let Fold::Paired(fold) = fold else { return Err(mismatch()) };
                let compared = Paired::new(both).compared(&fold)?;
                let paths = compare::write_all(target, cmp, &compared, self.report)?;
                Ok(Written { paths, table: compare::table(cmp, &compared) })
            }
        }
    }
}
