//! `routesim merge`: part folders checked to make one plan whole, then
//! folded one at a time into the fold of every job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::inputs::Stored;
use super::manifest::{self, FoldFile, JobRange, MANIFEST, Manifest, Version};
use super::{MAX_MANIFEST_BYTES, check_fold, ranges_by_shard};
use crate::error::{Error, PartProblem, Result};
use crate::task::{Fold, Task};

/// Parts checked to make one plan whole, and the plan's task loaded from
/// the inputs they keep.
#[derive(Debug)]
pub struct Merge {
    task: Task,
    /// Each part's folder and fold file, by shard number.
    parts: Vec<(PathBuf, FoldFile)>,
}

/// One part as read and checked, before the others are compared with it.
struct FirstPart {
    path: PathBuf,
    manifest: Manifest,
}

impl Merge {
    /// Reads the parts `paths` name (part folders, or folders whose direct
    /// children are part folders; hidden entries such as the staging
    /// folders of interrupted shards are passed over) and checks, before
    /// anything is written, that they make one plan whole: each written by
    /// this version of routesim, all of the same plan and the same number
    /// of shards, each shard once and none missing, each holding the jobs
    /// its shard computes and a fold file of the size and hash its manifest
    /// gives. The manifests are read one at a time; only the first part's
    /// inputs are kept, to load the task from.
    pub fn open(paths: &[PathBuf]) -> Result<Merge> {
        let folders = expand(paths)?;
        let ours = env!("CARGO_PKG_VERSION");
        let mut first: Option<FirstPart> = None;
        let mut by_shard: BTreeMap<u32, (PathBuf, FoldFile, Vec<JobRange>)> = BTreeMap::new();
        for path in folders {
            let manifest = read_manifest(&path, ours)?;
            let damaged =
                |problem: String| Error::Parts(PartProblem::Damaged { path: path.clone(), problem });
            if manifest.shard >= manifest.shards {
                return Err(damaged(format!(
                    "it says it is shard {} of {}",
                    manifest.shard, manifest.shards
                )));
            }
            check_fold(&path, &manifest.fold).map_err(damaged)?;
            if let Some(reference) = &first {
                let r = &reference.manifest;
                if manifest.plan != r.plan || manifest.shards != r.shards {
                    let mut differs = manifest.summary.differences(&r.summary);
                    if manifest.shards != r.shards {
                        differs.push(format!(
                            "it is one of {} parts, the others of {}",
                            manifest.shards, r.shards
                        ));
                    }
                    if differs.is_empty() {
                        differs.push(format!("its plan hash is {}, the others' {}", manifest.plan, r.plan));
                    }
                    return Err(Error::Parts(PartProblem::OtherPlan {
                        path,
                        reference: reference.path.clone(),
                        differs,
                    }));
                }
            }
            if let Some((earlier, ..)) = by_shard.get(&manifest.shard) {
                return Err(Error::Parts(PartProblem::Duplicate {
                    shard: manifest.shard,
                    shards: manifest.shards,
                    first: earlier.clone(),
                    second: path,
                }));
            }
            by_shard.insert(manifest.shard, (path.clone(), manifest.fold.clone(), manifest.jobs.clone()));
            match &first {
                None => first = Some(FirstPart { path, manifest }),
                // Only the first part's inputs are kept.
                Some(_) => drop(manifest),
            }
        }
        let Some(first) = first else { return Err(Error::Parts(PartProblem::NoPart)) };
        let shards = first.manifest.shards;
        let missing: Vec<u32> = (0..shards).filter(|s| !by_shard.contains_key(s)).collect();
        if !missing.is_empty() {
            return Err(Error::Parts(PartProblem::Missing { shards, missing }));
        }
        let damaged = |path: &Path, problem: String| {
            Error::Parts(PartProblem::Damaged { path: path.to_owned(), problem })
        };
        let m = first.manifest;
        let task = Task::load_from(&Stored(&m.inputs), m.request, m.report)
            .map_err(|e| damaged(&first.path, format!("its scenario cannot be loaded again: {e}")))?;
        if manifest::plan_hash(&task, &m.inputs) != m.plan {
            return Err(damaged(&first.path, "its plan hash is not that of the inputs it keeps".into()));
        }
        let mut parts = Vec::with_capacity(by_shard.len());
        let expected = ranges_by_shard(&task, shards);
        for ((index, (path, fold, jobs)), expected) in by_shard.into_iter().zip(expected) {
            if jobs != expected {
                return Err(damaged(
                    &path,
                    format!("it holds other jobs than shard {index}/{shards} of this plan"),
                ));
            }
            parts.push((path, fold));
        }
        Ok(Merge { task, parts })
    }

    /// The task the parts are shards of (its folder, table and default folder).
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// How many parts.
    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// Reads and folds the parts one at a time, in shard order: the fold of
    /// every job of the plan.
    pub fn fold(&self) -> Result<Fold> {
        let mut fold = self.task.empty();
        for (path, file) in &self.parts {
            let damaged =
                |problem: String| Error::Parts(PartProblem::Damaged { path: path.clone(), problem });
            let bytes = check_fold(path, file).map_err(damaged)?;
            let part = self.task.fold_from_bytes(&bytes).map_err(|e| damaged(e.to_string()))?;
            drop(bytes);
            self.task.merge(&mut fold, part)?;
        }
        Ok(fold)
    }
}

/// The part folders `paths` name: each a part folder (it holds part.json)
/// or a folder of them (its direct children that are part folders, by
/// name; hidden ones passed over).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let not_a_part =
        |path: &Path, problem: String| Error::Parts(PartProblem::NotAPart { path: path.to_owned(), problem });
    let mut out = Vec::new();
    for path in paths {
        if path.join(MANIFEST).is_file() {
            out.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path)
            .map_err(|e| not_a_part(path, format!("cannot read it: {}", crate::error::plain_io(&e))))?;
        let mut children: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .filter(|p| p.join(MANIFEST).is_file())
            .collect();
        if children.is_empty() {
            return Err(not_a_part(
                path,
                "it holds no part.json, nor do its folders; give the folders `--shard I/N --out PARTDIR` wrote, or the folder holding them".into(),
            ));
        }
        children.sort();
        out.extend(children);
    }
    Ok(out)
}

/// The manifest of the part folder `path`, refused when another version
/// of routesim wrote it (checked before its shape, which may differ).
fn read_manifest(path: &Path, ours: &str) -> Result<Manifest> {
    let damaged = |problem: String| Error::Parts(PartProblem::Damaged { path: path.to_owned(), problem });
    let bytes = crate::input::read(&path.join(MANIFEST), MAX_MANIFEST_BYTES)
        .map_err(|e| damaged(e.sentence(MANIFEST, "part manifest")))?;
    let version: Version =
        serde_json::from_slice(&bytes).map_err(|e| damaged(format!("{MANIFEST} cannot be read: {e}")))?;
    if version.routesim_version != ours {
        return Err(Error::Parts(PartProblem::OtherVersion {
            path: path.to_owned(),
            found: version.routesim_version,
            ours: ours.to_owned(),
        }));
    }
    serde_json::from_slice(&bytes).map_err(|e| damaged(format!("{MANIFEST} cannot be read: {e}")))
}
