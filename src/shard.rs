//! Beyond one machine: a plan's jobs split into shards that run anywhere
//! (`--shard I/N`), each writing a part folder, and `routesim merge`, which
//! folds the parts into the folder the unsharded command writes, byte for
//! byte (docs/model.md §9).
//!
//! - **Which jobs.** Every shard computes the same split from the plan
//!   alone: the plan's units (a job; for `compare` a replication's A and B
//!   together) in job order, each with an estimated cost ([`cost`]), cut
//!   into `N` runs of about equal total cost ([`split`]). A run of
//!   consecutive jobs keeps a variant's replications together, so a part
//!   holds few variants' fold states.
//! - **A part folder** holds `fold.bin`, the shard's fold state
//!   (postcard), and `part.json` (`manifest`): the version, the plan's
//!   hash, I and N, the jobs, the fold file's size and hash, and the
//!   request with the text of every file read, so the merge needs none of
//!   the original files. It is written whole or not at all, through the
//!   same staging folder and swap as a result folder: a shard killed
//!   mid-run leaves at most a hidden `.NAME.staging-PID` beside it, which
//!   the merge never takes and the next run of the shard removes. A
//!   shard whose folder already holds its part of the same plan and
//!   version does nothing ([`Part::is_in`]).
//! - **The merge** ([`Merge`]) checks every part before writing anything
//!   (the same version as itself, the same plan, the same N, each shard
//!   once, every shard there, each part's jobs those its shard computes),
//!   then reads and folds one part at a time, so its memory does not grow
//!   with the number of parts. Folds merge exactly (integer sums, exact
//!   sums of doubles, histograms of counts), and random streams are keyed
//!   by names and replication numbers, never by which process ran them: the
//!   merged folder does not depend on the split.

mod inputs;
mod manifest;
mod merge;

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::driver::{Job, Workers};
use crate::error::{Error, Result, Setting};
use crate::model::Scenario;
use crate::report::{self, Destination};
use crate::task::{Task, TaskSpec};

pub use merge::Merge;

use inputs::{Recorder, StoredFile};
use manifest::{FOLD, FoldFile, MANIFEST, Manifest, PlanSummary};

/// Most shards a plan may be split into.
pub const MAX_SHARDS: u32 = 100_000;

/// Largest `part.json` read, bytes: the inputs it keeps are at most a
/// scenario (16 MiB) and a forecast (256 MiB) each, for A and B.
const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// Shard `index` of `count` (0 ≤ index < count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Shard `index` of `count`; refused unless 0 ≤ index < count ≤ [`MAX_SHARDS`].
    pub fn new(index: u32, count: u32) -> Result<Shard> {
        let fail = |message: String| Error::Setting {
            setting: Setting::Shard,
            value: format!("{index}/{count}"),
            message,
        };
        if count == 0 || count > MAX_SHARDS {
            return Err(fail(format!("N must be 1 to {MAX_SHARDS}")));
        }
        if index >= count {
            return Err(fail(format!("I counts from 0, so it must be below N: 0 to {}", count - 1)));
        }
        Ok(Shard { index, count })
    }

    /// `I/N`, or `slurm`: I and N from the Slurm job array's variables
    /// (`SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`).
    pub fn parse(text: &str) -> Result<Shard> {
        Shard::parse_with(text, &|name| std::env::var(name).ok())
    }

    /// [`Shard::parse`], reading environment variables through `env`.
    pub fn parse_with(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
        let fail =
            |message: String| Error::Setting { setting: Setting::Shard, value: text.to_owned(), message };
        if text.trim() == "slurm" {
            let var = |name: &str| -> Result<u32> {
                let value = env(name).ok_or_else(|| {
                    fail(format!(
                        "{name} is not set: `--shard slurm` works inside a Slurm job array \
                         (sbatch --array=0-N); elsewhere give --shard I/N"
                    ))
                })?;
                value.trim().parse().map_err(|_| fail(format!("{name} is `{value}`, not a whole number")))
            };
            let (id, min, count) =
                (var("SLURM_ARRAY_TASK_ID")?, var("SLURM_ARRAY_TASK_MIN")?, var("SLURM_ARRAY_TASK_COUNT")?);
            let index = id.checked_sub(min).ok_or_else(|| {
                fail(format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"))
            })?;
            if index >= count {
                return Err(fail(format!(
                    "task {id} is not one of the {count} tasks from {min}: give the array \
                     consecutive ids with no step (sbatch --array={min}-{}), or --shard I/N",
                    u64::from(min) + u64::from(count).saturating_sub(1)
                )));
            }
            return Shard::new(index, count);
        }
        let (i, n) = text.split_once('/').ok_or_else(|| {
            fail("write I/N, shard I (from 0) of N, e.g. --shard 0/4, or --shard slurm".into())
        })?;
        let number = |s: &str, what: &str| {
            s.trim().parse::<u32>().map_err(|_| {
                fail(format!("{what} `{}` is not a whole number; write I/N, e.g. 0/4", s.trim()))
            })
        };
        Shard::new(number(i, "I")?, number(n, "N")?)
    }

    /// The shard's number, from 0.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards the plan is split into.
    pub fn count(self) -> u32 {
        self.count
    }
}

/// The estimated work of one replication of `sc`, in arbitrary units that
/// only compare replications of one plan: its expected conversations, its
/// agent-hours over the horizon, and the per-interval cells it tallies.
/// Integer, so every shard computes the same split.
pub fn cost(sc: &Scenario) -> u64 {
    let conversations: f64 = sc.queues.iter().map(|q| q.mean_rate() * sc.horizon).sum();
    let agent_hours = sc.agent_count() as f64 * sc.horizon / 3600.0;
    let cells = sc.interval_count() * (sc.queues.len() + sc.teams.len() * sc.statuses.len());
    let total = conversations + agent_hours + cells as f64;
    // At least 1, so a run of units of no estimated work still splits by count.
    if total.is_finite() { (total.ceil() as u64).max(1) } else { u64::MAX >> 20 }
}

/// The shard of each of the units whose costs are `costs`, split into
/// `count` runs of consecutive units of about equal total cost: a unit
/// goes to the shard in which the middle of its cost falls. Each shard's
/// total is within one unit's cost of the total / `count`.
pub fn split(costs: &[u64], count: u32) -> Vec<u32> {
    let total = costs.iter().map(|&c| u128::from(c)).sum();
    let mut before = 0u128;
    costs
        .iter()
        .map(|&c| {
            let shard = shard_at(before, c, total, count);
            before += u128::from(c);
            shard
        })
        .collect()
}

/// The shard of a unit of cost `cost` after units of total cost `before`,
/// of `total` cut into `count` runs ([`split`]).
fn shard_at(before: u128, cost: u64, total: u128, count: u32) -> u32 {
    let n = u128::from(count.max(1));
    let mid = 2 * before + u128::from(cost);
    ((mid * n / (2 * total.max(1))) as u32).min(count.max(1) - 1)
}

/// Calls `visit` with each unit of `task`'s jobs (in the order the task
/// runs them) and the shard of `count` it goes to ([`split`] of the units'
/// [`cost`]s), without holding the costs of every unit.
fn assign(task: &Task, count: u32, mut visit: impl FnMut(u32, &[Job])) {
    let per_variant: Vec<u64> = task.scenarios().iter().map(cost).collect();
    let unit_cost =
        |unit: &[Job]| unit.iter().map(|j| per_variant.get(j.variant).copied().unwrap_or(1)).sum::<u64>();
    let jobs = task.jobs();
    let size = task.unit();
    let total: u128 = jobs.chunks(size).map(|u| u128::from(unit_cost(u))).sum();
    let mut before = 0u128;
    for unit in jobs.chunks(size) {
        let c = unit_cost(unit);
        visit(shard_at(before, c, total, count), unit);
        before += u128::from(c);
    }
}

/// The jobs of shard `shard` of `task`'s plan, in the order the task runs them.
pub fn jobs_of(task: &Task, shard: Shard) -> Vec<Job> {
    let mut jobs = Vec::new();
    assign(task, shard.count, |s, unit| {
        if s == shard.index {
            jobs.extend_from_slice(unit);
        }
    });
    jobs
}

/// Every shard's jobs of `task`'s plan split in `count`, as the runs a
/// manifest lists, in one pass over the plan.
fn ranges_by_shard(task: &Task, count: u32) -> Vec<Vec<manifest::JobRange>> {
    let mut jobs: Vec<Vec<Job>> = vec![Vec::new(); count as usize];
    assign(task, count, |s, unit| jobs[s as usize].extend_from_slice(unit));
    jobs.iter().map(|j| manifest::ranges(j)).collect()
}

/// One shard of a command, loaded: the task (its files read once and
/// kept), the plan's hash, and the shard's jobs.
#[derive(Debug)]
pub struct Part {
    task: Task,
    shard: Shard,
    jobs: Vec<Job>,
    inputs: Vec<StoredFile>,
    plan: String,
}

impl Part {
    /// Loads `request` (keeping the text of every file read) and computes
    /// shard `shard`'s jobs; `report`: whether the merged folder gets report.html.
    pub fn load(request: TaskSpec, report: bool, shard: Shard) -> Result<Part> {
        let recorder = Recorder::default();
        let task = Task::load_from(&recorder, request, report)?;
        let inputs = recorder.into_files()?;
        let plan = manifest::plan_hash(&task, &inputs);
        let jobs = jobs_of(&task, shard);
        Ok(Part { task, shard, jobs, inputs, plan })
    }

    /// The task the part is a shard of.
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// Which shard.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// The shard's jobs, in the order they run.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// The plan's hash (SHA-256, hex).
    pub fn plan_hash(&self) -> &str {
        &self.plan
    }

    /// Whether `dir` already holds this part, whole: written by this
    /// version for the same plan, shard and N, its fold file intact.
    pub fn is_in(&self, dir: &Path) -> bool {
        let Ok(bytes) = crate::input::read(&dir.join(MANIFEST), MAX_MANIFEST_BYTES) else { return false };
        let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else { return false };
        m.routesim_version == env!("CARGO_PKG_VERSION")
            && m.plan == self.plan
            && (m.shard, m.shards) == (self.shard.index, self.shard.count)
            && check_fold(dir, &m.fold).is_ok()
    }

    /// Runs the shard's jobs on `workers` (calling `progress` as each
    /// ends) and writes the part folder `target`, whole; returns the paths written.
    pub fn run(
        &self,
        workers: &Workers,
        target: &Destination,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<PathBuf>> {
        let fold = self.task.fold(workers, &self.jobs, progress)?;
        let bytes = Task::fold_to_bytes(&fold)?;
        drop(fold);
        let manifest = Manifest {
            routesim_version: env!("CARGO_PKG_VERSION").to_owned(),
            plan: self.plan.clone(),
            shard: self.shard.index,
            shards: self.shard.count,
            jobs: manifest::ranges(&self.jobs),
            summary: PlanSummary::of(&self.task, &self.inputs),
            fold: FoldFile { file: FOLD.to_owned(), bytes: bytes.len() as u64, sha256: sha256_hex(&bytes) },
            request: self.task.request().clone(),
            report: self.task.report(),
            inputs: self.inputs.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::Internal(format!("cannot write a part's manifest: {e}")))?;
        json.push(b'\n');
        // The fold first, the manifest last: a staging folder cut short has no manifest.
        let name = self.task.names().join(" vs ");
        report::write_files(target, &name, &[(FOLD, bytes), (MANIFEST, json)])
    }
}

/// Checks that the fold file `fold` describes is in `dir`, of its size and hash.
fn check_fold(dir: &Path, fold: &FoldFile) -> std::result::Result<Vec<u8>, String> {
    if fold.file != FOLD {
        return Err(format!("its part.json names the fold file `{}`, not {FOLD}", fold.file));
    }
    let path = dir.join(FOLD);
    let bytes = crate::input::read(&path, fold.bytes)
        .map_err(|e| format!("{}: {}", fold.file, e.words("fold file")))?;
    if bytes.len() as u64 != fold.bytes || sha256_hex(&bytes) != fold.sha256 {
        return Err(format!(
            "{} is not the file its part.json describes (size or SHA-256 differ)",
            fold.file
        ));
    }
    Ok(bytes)
}

/// SHA-256 of `bytes`, lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_as_i_of_n_or_from_slurm() {
        let none = |_: &str| None;
        assert_eq!(Shard::parse_with("2/3", &none).unwrap(), Shard { index: 2, count: 3 });
        assert_eq!(Shard::parse_with("0/1", &none).unwrap().to_string(), "0/1");
        for bad in ["3/3", "0/0", "-1/3", "1", "a/3", "1/200000"] {
            let e = Shard::parse_with(bad, &none).unwrap_err();
            assert!(matches!(e, Error::Setting { setting: Setting::Shard, .. }), "{bad}: {e}");
        }
        let e = Shard::parse_with("slurm", &none).unwrap_err().to_string();
        assert!(e.contains("SLURM_ARRAY_TASK_ID is not set"), "{e}");
        let slurm = |id: &'static str| {
            move |name: &str| match name {
                "SLURM_ARRAY_TASK_ID" => Some(id.to_owned()),
                "SLURM_ARRAY_TASK_MIN" => Some("4".to_owned()),
                "SLURM_ARRAY_TASK_COUNT" => Some("3".to_owned()),
                _ => None,
            }
        };
        assert_eq!(Shard::parse_with("slurm", &slurm("5")).unwrap(), Shard { index: 1, count: 3 });
        let e = Shard::parse_with("slurm", &slurm("9")).unwrap_err().to_string();
        assert!(e.contains("--array=4-6"), "{e}");
    }

    #[test]
    fn splits_are_contiguous_balanced_and_cover_every_unit_once() {
        // Equal costs: equal counts.
        assert_eq!(split(&[5; 6], 3), [0, 0, 1, 1, 2, 2]);
        // One shard takes everything; more shards than units leave some empty.
        assert_eq!(split(&[3, 1, 2], 1), [0, 0, 0]);
        assert_eq!(split(&[1, 1], 4), [1, 3]);
        // Unequal costs: each shard within one unit's cost of an equal share.
        let costs: Vec<u64> = (0..40).map(|i| 10 + (i * 37 % 23)).collect();
        for n in [2u32, 3, 7] {
            let shards = split(&costs, n);
            assert!(shards.windows(2).all(|w| w[0] <= w[1]), "contiguous");
            let total: u64 = costs.iter().sum();
            let max = *costs.iter().max().unwrap();
            for s in 0..n {
                let load: u64 = costs.iter().zip(&shards).filter(|(_, x)| **x == s).map(|(c, _)| c).sum();
                let share = total / u64::from(n);
                assert!(load.abs_diff(share) <= max, "shard {s} of {n}: {load} against {share}");
            }
        }
    }

    #[test]
    fn every_job_goes_to_one_shard_and_compare_keeps_pairs_together() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            "horizon = \"1h\"\nreplications = 5\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 30 }\n\
             handle_time = { dist = \"exponential\", mean = \"2m\" }\n[[team]]\nname = \"t\"\nqueues = [\"q\"]\n\
             [[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 2\n",
        )
        .unwrap();
        let file = file.display().to_string();
        let sweep =
            TaskSpec::Sweep { file: file.clone(), set: vec![], vary: vec!["agents.g.count=1..3".into()] };
        let compare =
            TaskSpec::Compare { a: file, b: None, with: vec!["agents.g.count=3".into()], set: vec![] };
        for request in [sweep, compare] {
            let task = Task::load(request, true).unwrap();
            for n in [1, 2, 4, 7, 40] {
                let by_shard = ranges_by_shard(&task, n);
                let mut all = Vec::new();
                for i in 0..n {
                    let jobs = jobs_of(&task, Shard::new(i, n).unwrap());
                    assert_eq!(manifest::ranges(&jobs), by_shard[i as usize], "shard {i}/{n}");
                    if task.unit() == 2 {
                        assert!(jobs.chunks(2).all(|p| p.len() == 2 && p[0].replication == p[1].replication));
                    }
                    all.extend(jobs);
                }
                assert_eq!(all, task.jobs(), "{n} shards hold every job once, in order");
            }
        }
    }

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
