//! `part.json`, a part folder's manifest: which routesim wrote it, the plan
//! it is a part of (a SHA-256 hash, and a summary to say what differs),
//! which shard of how many, the jobs it holds, its fold file's size and
//! hash, and everything `routesim merge` needs to write the final folder
//! without the original files: the request, `--no-report`, and the text
//! of every file the shard read.

use serde::{Deserialize, Serialize};

use super::inputs::StoredFile;
use crate::driver::Job;
use crate::task::{Task, TaskSpec};

/// The manifest's file name in a part folder.
pub(crate) const MANIFEST: &str = "part.json";
/// The fold file's name in a part folder.
pub(crate) const FOLD: &str = "fold.bin";

/// What a part folder's `part.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    /// The version of routesim that wrote the part.
    pub(crate) routesim_version: String,
    /// SHA-256 (hex) of the plan's canonical description ([`plan_hash`]).
    pub(crate) plan: String,
    /// The shard's number, from 0.
    pub(crate) shard: u32,
    /// How many shards the plan is split into.
    pub(crate) shards: u32,
    /// The jobs the part holds: runs of replications of a variant.
    pub(crate) jobs: Vec<JobRange>,
    /// The plan in a few words, to say what differs between two plans.
    pub(crate) summary: PlanSummary,
    /// The fold file: its size and SHA-256.
    pub(crate) fold: FoldFile,
    /// What was asked.
    pub(crate) request: TaskSpec,
    /// Whether the folder gets report.html (no `--no-report`).
    pub(crate) report: bool,
    /// Every file the shard read, as read.
    pub(crate) inputs: Vec<StoredFile>,
}

/// Only the version of a manifest: read first, so a part of another
/// version is named as such even when its manifest's shape differs.
#[derive(Debug, Deserialize)]
pub(crate) struct Version {
    pub(crate) routesim_version: String,
}

/// Replications `first..first + count` of variant `variant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JobRange {
    pub(crate) variant: usize,
    pub(crate) first: u32,
    pub(crate) count: u32,
}

/// A part's fold file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FoldFile {
    /// Its name in the part folder.
    pub(crate) file: String,
    /// Its size, bytes.
    pub(crate) bytes: u64,
    /// SHA-256 of its bytes, hex.
    pub(crate) sha256: String,
}

/// The plan in a few words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PlanSummary {
    /// The command.
    pub(crate) command: String,
    /// The scenarios' names (A and B for a comparison, the base of a sweep).
    pub(crate) scenarios: Vec<String>,
    /// The seed.
    pub(crate) seed: u64,
    /// Replications of each variant.
    pub(crate) replications: u32,
    /// Variants in the plan.
    pub(crate) variants: usize,
    /// Jobs in the plan.
    pub(crate) jobs: u64,
    /// The overrides, `--vary` and `--with` options, as given.
    pub(crate) set: Vec<String>,
    /// The `--vary` options.
    pub(crate) vary: Vec<String>,
    /// The `--with` options.
    pub(crate) with: Vec<String>,
    /// SHA-256 of each file read, in the order read.
    pub(crate) inputs: Vec<String>,
    /// Whether the folder gets report.html.
    pub(crate) report: bool,
}

impl PlanSummary {
    /// The summary of `task`'s plan, whose files are `inputs`.
    pub(crate) fn of(task: &Task, inputs: &[StoredFile]) -> PlanSummary {
        let scenarios = task.scenarios();
        let (vary, with) = match task.request() {
            TaskSpec::Sweep { vary, .. } => (vary.clone(), Vec::new()),
            TaskSpec::Compare { with, .. } => (Vec::new(), with.clone()),
            TaskSpec::Run { .. } => (Vec::new(), Vec::new()),
        };
        PlanSummary {
            command: task.request().command().to_owned(),
            scenarios: task.names().into_iter().map(str::to_owned).collect(),
            seed: scenarios.first().map_or(0, |s| s.seed),
            replications: scenarios.first().map_or(0, |s| s.replications),
            variants: scenarios.len(),
            jobs: task.plan().len(),
            set: task.request().set().to_vec(),
            vary,
            with,
            inputs: inputs.iter().map(|f| f.sha256.clone()).collect(),
            report: task.report(),
        }
    }

    /// What differs in `self` (a part's plan) from `other` (the plan of the
    /// parts before it), in words; empty when nothing shown here does.
    pub(crate) fn differences(&self, other: &PlanSummary) -> Vec<String> {
        let mut out = Vec::new();
        if self.command != other.command {
            out.push(format!("it is a part of `{}`, the others of `{}`", self.command, other.command));
        }
        if self.seed != other.seed {
            out.push(format!("its seed is {}, the others' {}", self.seed, other.seed));
        }
        if self.replications != other.replications {
            out.push(format!("it has {} replications, the others {}", self.replications, other.replications));
        }
        if self.scenarios != other.scenarios {
            out.push(format!(
                "its scenario is {}, the others' {}",
                self.scenarios.join(" vs "),
                other.scenarios.join(" vs ")
            ));
        } else if self.inputs != other.inputs {
            out.push("its scenario or forecast files hold other text".to_owned());
        }
        let args = |name: &str, a: &[String], b: &[String], out: &mut Vec<String>| {
            if a != b {
                let show = |v: &[String]| {
                    if v.is_empty() {
                        "none".to_owned()
                    } else {
                        v.iter().map(|x| format!("{name} {x}")).collect::<Vec<_>>().join(" ")
                    }
                };
                out.push(format!("its {name} options are {}, the others' {}", show(a), show(b)));
            }
        };
        args("--set", &self.set, &other.set, &mut out);
        args("--vary", &self.vary, &other.vary, &mut out);
        args("--with", &self.with, &other.with, &mut out);
        if self.report != other.report {
            let how = |r: bool| if r { "without --no-report" } else { "with --no-report" };
            out.push(format!("it was made {}, the others {}", how(self.report), how(other.report)));
        }
        out
    }
}

/// The plan's canonical description, hashed with SHA-256 (hex): the
/// version, the command, the effective scenarios (overrides applied) and
/// their attachments, the contents of every file read, seed, replications,
/// the overrides, the varied keys and values, `--with`, and whether a
/// report is written. Paths are left out: the shards of one plan may run
/// in different folders.
pub(crate) fn plan_hash(task: &Task, inputs: &[StoredFile]) -> String {
    #[derive(Serialize)]
    struct Key<'a> {
        routesim_version: &'a str,
        summary: PlanSummary,
        effective: Vec<(&'a str, Vec<(&'a str, String)>)>,
    }
    let key = Key {
        routesim_version: env!("CARGO_PKG_VERSION"),
        summary: PlanSummary::of(task, inputs),
        effective: task
            .effective()
            .into_iter()
            .map(|(text, attachments)| {
                (
                    text,
                    attachments
                        .iter()
                        .map(|(name, bytes)| (name.as_str(), super::sha256_hex(bytes)))
                        .collect(),
                )
            })
            .collect(),
    };
    // Serializing plain strings, numbers and lists cannot fail.
    super::sha256_hex(&serde_json::to_vec(&key).unwrap_or_default())
}

/// `jobs` (in any order) as runs of consecutive replications of a variant,
/// in (variant, replication) order.
pub(crate) fn ranges(jobs: &[Job]) -> Vec<JobRange> {
    let mut sorted = jobs.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<JobRange> = Vec::new();
    for job in sorted {
        match out.last_mut() {
            Some(r) if r.variant == job.variant && r.first + r.count == job.replication => r.count += 1,
            _ => out.push(JobRange { variant: job.variant, first: job.replication, count: 1 }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_kept_as_runs_of_replications() {
        let job = |variant, replication| Job { variant, replication };
        let jobs = [job(1, 0), job(0, 3), job(0, 4), job(0, 6), job(1, 1)];
        assert_eq!(
            ranges(&jobs),
            [
                JobRange { variant: 0, first: 3, count: 2 },
                JobRange { variant: 0, first: 6, count: 1 },
                JobRange { variant: 1, first: 0, count: 2 },
            ]
        );
        assert!(ranges(&[]).is_empty());
    }
}
