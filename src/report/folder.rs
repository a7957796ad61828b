//! The result folder on disk: checked before simulating ([`prepare`]) and
//! replaced whole afterwards ([`Destination::replace`]).
//!
//! The new set is written into a staging folder beside the target
//! (`.NAME.staging-PID`: same parent, so the same file system), synced, and
//! swapped with the target: on Linux in one atomic
//! `renameat2(RENAME_EXCHANGE)`; elsewhere, or where the file system lacks
//! it, by renaming the target to `.NAME.old-PID` and the staging folder to
//! the target (renaming back if that fails). The previous set is then
//! removed. The target is at every moment the complete previous set or the
//! complete new set (in the fallback, for an instant between two renames,
//! absent).
//!
//! Before swapping, every file of the previous set is checked to be
//! removable where the file system can tell (Linux refuses a hard link to
//! an immutable or append-only file, and a new file in such a folder), so
//! a file that cannot be replaced stops the run with the previous set in
//! place, rather than leaving it half-removed beside the new one.
//!
//! Foreign files: the names routesim writes ([`OWNED`]) belong to the run
//! that wrote them and are replaced or dropped; anything else a user put in
//! a result folder is carried into the new set (hard-linked, or copied
//! where links are not supported; folders recreated with their
//! permissions). An existing folder that is neither empty nor a result
//! folder (none of the [`OWNED`] names) is refused by [`prepare`], so a
//! mistyped `--out ~` cannot move a home folder around.
//!
//! Leftovers of an interrupted run (`.NAME.staging-PID`, `.NAME.old-PID`
//! whose process is gone) are removed by the next
//! [`prepare`] of the same folder.
//!
//! The staging folder is made by [`prepare`], before simulating, and kept
//! in a process-wide list while the run goes on; an interrupt (Ctrl-C,
//! SIGTERM) calls [`interrupt`], which removes the listed folders and ends
//! the process with status 130. The swap holds the same list's lock, so an
//! interrupt waits for a swap under way: the result folder is still the
//! complete previous set or the complete new set. A [`Destination`] dropped
//! before its swap removes its staging folder.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result, plain_io};

/// Names routesim writes into a result folder (files and the `charts`
/// folder), by any command. They are never carried from the previous set
/// into the new one; every other name in the folder is.
pub const OWNED: &[&str] = &[
    "summary.csv",
    "intervals.csv",
    "statuses.csv",
    "summary.json",
    "replications.csv",
    "waits.csv",
    "scenario.toml",
    "forecast.csv",
    "staffing.csv",
    "sweep.csv",
    "sweep.json",
    "erlang.csv",
    "erlang.json",
    "compare.csv",
    "compare_intervals.csv",
    "report.html",
    "charts",
    "part.json",
    "fold.bin",
];

/// The hidden file beside a result folder `NAME` (`.NAME.source`) that
/// names the scenario file(s) its results come from (absolute paths, one a
/// line), so that a later command writing into the folder from another file
/// warns before replacing it. Beside the folder, not in it: the folder's
/// bytes stay those of the results alone (a merged folder is the unsharded
/// run's, whatever paths the parts were run from).
pub const SOURCE_MARK: &str = "source";

/// `.NAME.source` beside folder `dir` ([`SOURCE_MARK`]).
fn source_path(dir: &Path) -> Option<PathBuf> {
    let name = dir.file_name()?;
    let mut mark = OsString::from(".");
    mark.push(name);
    mark.push(".");
    mark.push(SOURCE_MARK);
    Some(dir.with_file_name(mark))
}

/// The scenario file(s) `dir` holds the results of, as its
/// [`SOURCE_MARK`] names them; `None` when it has none (a folder of an
/// older version, or no folder).
pub fn previous_source(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(source_path(dir)?).ok()?;
    Some(text.trim_end().to_owned()).filter(|t| !t.is_empty())
}

/// How [`SOURCE_MARK`] names scenario files: each absolute (as given when it
/// cannot be resolved), one a line.
pub fn source_of(files: &[&Path]) -> String {
    let lines: Vec<String> = files
        .iter()
        .map(|f| fs::canonicalize(f).unwrap_or_else(|_| f.to_path_buf()).display().to_string())
        .collect();
    lines.join("\n")
}

/// Kinds of sibling folder a run creates beside the target.
const KINDS: [&str; 2] = ["staging", "old"];

/// A result folder that has been checked to be writable; [`prepare`] makes one.
#[derive(Debug)]
pub struct Destination {
    /// The folder as the user named it (for messages).
    shown: PathBuf,
    /// The folder's parent, absolute.
    parent: PathBuf,
    /// The folder's own name.
    name: OsString,
    /// Leftovers of earlier runs that could not be removed, with why.
    leftovers: Vec<String>,
    /// The scenario file(s) the results come from ([`SOURCE_MARK`]).
    source: Option<String>,
    /// Whether the staging folder is this target's (made by [`prepare`],
    /// not yet swapped in), to be removed if the target is dropped unused.
    armed: AtomicBool,
}

/// Staging folders of this process's runs in progress: what an interrupt removes.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Set by [`interrupt`] before it removes anything.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while holding the list leaves it usable.
    STAGED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Ends the process after an interrupt (Ctrl-C, SIGTERM): waits for a
/// folder swap under way to finish, removes the staging folders of the runs
/// in progress, so the result folders keep their previous sets, and exits
/// with status 130. Not for a signal handler itself: it takes a lock and
/// removes folders (the binary calls it from the `ctrlc` crate's own thread).
pub fn interrupt() -> ! {
    INTERRUPTED.store(true, Ordering::SeqCst);
    // The lock is held until the process ends: no swap can start after this.
    let staged = staged();
    for dir in staged.iter() {
        // The main thread may be writing into it: try again if a file appeared meanwhile.
        for _ in 0..10 {
            if remove_any(dir).is_ok() {
                break;
            }
        }
    }
    std::process::exit(130)
}

/// Returns at once, unless an interrupt is being handled: then waits for
/// [`interrupt`] to end the process (an error caused by its removing a
/// staging folder is not reported).
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        // `interrupt` holds the lock until it exits.
        let _held = staged();
        loop {
            std::thread::park();
        }
    }
}

impl Drop for Destination {
    /// A target dropped before its swap (an error, or no results written)
    /// takes its staging folder with it.
    fn drop(&mut self) {
        if self.armed.swap(false, Ordering::SeqCst) {
            let staging = self.sibling("staging");
            let mut list = staged();
            let _ = remove_any(&staging);
            list.retain(|p| *p != staging);
        }
    }
}

/// Checks that `dir` can hold results before anything is simulated:
/// creates its parent, requires `dir` to be a folder or absent, creates and
/// removes a probe beside it, checks that the files of a previous set can
/// be replaced (creating and removing a probe file in each of its
/// folders), and removes what interrupted runs left beside it. `dir` itself
/// is not created, and its contents are not changed.
pub fn prepare(dir: &Path) -> Result<Destination> {
    let fail = |problem: String| Error::OutputLocation { path: dir.to_owned(), problem };
    // A link to a folder stands for that folder: the folder is replaced, the link kept.
    let resolved = match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(dir)
            .map_err(|e| fail(format!("it is a link that cannot be followed ({})", plain_io(&e))))?,
        _ => dir.to_owned(),
    };
    let name = resolved
        .file_name()
        .ok_or_else(|| fail("name a folder by its own name, e.g. --out results/what-if".into()))?
        .to_owned();
    let parent = match resolved.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .map_err(|e| fail(format!("cannot create folder {}: {}", parent.display(), plain_io(&e))))?;
    let parent = fs::canonicalize(&parent)
        .map_err(|e| fail(format!("cannot resolve folder {}: {}", parent.display(), plain_io(&e))))?;
    let mut target = Destination {
        shown: dir.to_owned(),
        parent,
        name,
        leftovers: Vec::new(),
        source: None,
        armed: AtomicBool::new(false),
    };
    if fs::metadata(target.path()).is_ok_and(|m| !m.is_dir()) {
        return Err(fail("it is a file, not a folder; name a folder (it is created if missing)".into()));
    }
    target.leftovers = sweep(&target.parent, &target.name);
    let previous = match fs::metadata(target.path()) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(fail("it is a file, not a folder; name a folder (it is created if missing)".into()));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(fail(format!("cannot look at it: {}", plain_io(&e)))),
    };
    if previous {
        refuse_foreign(&target.path()).map_err(fail)?;
    }
    // The probe is the staging folder itself, so a name too long for it
    // fails here; it is kept, listed for an interrupt to remove, until the
    // swap (or the target is dropped).
    let probe = target.sibling("staging");
    let mut list = staged();
    fs::create_dir(&probe).map_err(|e| {
        fail(format!("cannot create files in {}: {}", target.show_parent().display(), plain_io(&e)))
    })?;
    list.push(probe.clone());
    target.armed.store(true, Ordering::SeqCst);
    drop(list);
    let removable = if previous { check_removable(&target.path(), &probe) } else { Ok(()) };
    removable.map_err(|(path, e)| {
        fail(format!(
            "{} cannot be replaced: {}; nothing was simulated and the folder is as it was",
            target.show(&path).display(),
            plain_io(&e)
        ))
    })?;
    Ok(target)
}

/// Refuses an existing folder that is neither empty nor a result folder
/// (holds none of the [`OWNED`] names): replacing it would move a user's
/// folder (a home, a project) through a staging copy.
fn refuse_foreign(dir: &Path) -> std::result::Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read it: {}", plain_io(&e)))?;
    let mut foreign = None;
    for entry in entries {
        let name = entry.map_err(|e| format!("cannot read it: {}", plain_io(&e)))?.file_name();
        if name.to_str().is_some_and(|n| OWNED.contains(&n)) {
            return Ok(());
        }
        foreign.get_or_insert(name);
    }
    match foreign {
        None => Ok(()),
        Some(name) => Err(format!(
            "it holds files that are not routesim results (such as {}); name a new or empty folder, or one routesim wrote",
            name.to_string_lossy()
        )),
    }
}

/// The file-system steps of a swap; tests replace them to make any one fail.
pub(super) trait Ops {
    /// Atomically exchanges two paths; `Ok(false)` where that is not supported.
    fn exchange(&self, a: &Path, b: &Path) -> io::Result<bool>;
    /// Renames `from` to `to`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes a folder and everything in it.
    fn remove_all(&self, dir: &Path) -> io::Result<()>;
}

/// The real file system.
pub(super) struct RealOps;

impl Ops for RealOps {
    fn exchange(&self, a: &Path, b: &Path) -> io::Result<bool> {
        exchange(a, b)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn remove_all(&self, dir: &Path) -> io::Result<()> {
        fs::remove_dir_all(dir)
    }
}

impl Destination {
    /// The folder as the user named it.
    pub fn dir(&self) -> &Path {
        &self.shown
    }

    /// Names the scenario file(s) the results come from, written beside
    /// them as [`SOURCE_MARK`] ([`source_of`] makes the text).
    pub fn set_source(&mut self, source: String) {
        self.source = Some(source);
    }

    /// Leftovers of interrupted runs that [`prepare`] found but could not
    /// remove, each with the reason (for a warning).
    pub fn leftovers(&self) -> &[String] {
        &self.leftovers
    }

    /// Replaces the folder's contents with `files` (name, bytes) whole, for
    /// the scenario named `scenario`; returns the paths written, as the
    /// user named the folder.
    pub(super) fn replace<C: Content>(&self, scenario: &str, files: &[(&str, C)]) -> Result<Vec<PathBuf>> {
        self.replace_with(&RealOps, scenario, files)
    }

    /// [`Destination::replace`] through `ops`.
    pub(super) fn replace_with<C: Content>(
        &self,
        ops: &dyn Ops,
        scenario: &str,
        files: &[(&str, C)],
    ) -> Result<Vec<PathBuf>> {
        let target = self.path();
        let had_previous = fs::metadata(&target).is_ok_and(|m| m.is_dir());
        let not_saved = |step: String, cause: io::Error| Error::NotSaved {
            scenario: scenario.to_owned(),
            dir: self.shown.clone(),
            step,
            cause,
            had_previous,
        };
        let staging = self.sibling("staging");
        let drop_staging = || {
            let _ = fs::remove_dir_all(&staging);
        };
        if let Err((step, cause)) = self.stage(&staging, files, had_previous.then_some(target.as_path())) {
            drop_staging();
            return Err(not_saved(step, cause));
        }
        let written = files.iter().map(|(name, _)| self.shown.join(name)).collect();
        // From here the staging folder is the swap's: an interrupt waits for
        // the swap to end (the lock), then finds nothing of this run to remove.
        let mut list = staged();
        list.retain(|p| *p != staging);
        self.armed.store(false, Ordering::SeqCst);
        let swapped = self.swap(ops, scenario, &staging, had_previous, &not_saved);
        drop(list);
        swapped?;
        // Only a warning rests on it, so a mark that cannot be written is let be.
        if let (Some(source), Some(path)) = (&self.source, source_path(&target)) {
            let _ = fs::write(path, format!("{source}\n"));
        }
        Ok(written)
    }

    /// The swap of [`Destination::replace_with`]: the staged set into place,
    /// the previous one removed. Returns early, as `replace_with` did.
    fn swap(
        &self,
        ops: &dyn Ops,
        scenario: &str,
        staging: &Path,
        had_previous: bool,
        not_saved: &dyn Fn(String, io::Error) -> Error,
    ) -> Result<()> {
        let target = self.path();
        let staging = staging.to_owned();
        let drop_staging = || {
            let _ = fs::remove_dir_all(&staging);
        };
        if !had_previous {
            if let Err(e) = ops.rename(&staging, &target) {
                drop_staging();
                let step =
                    format!("cannot rename {} to {}", self.show(&staging).display(), self.shown.display());
                return Err(not_saved(step, e));
            }
            sync_dir(&self.parent);
            return Ok(());
        }
        let old = match ops.exchange(&staging, &target) {
            Ok(true) => staging.clone(),
            Ok(false) => {
                let old = self.sibling("old");
                let _ = remove_any(&old);
                if let Err(e) = ops.rename(&target, &old) {
                    drop_staging();
                    let step = format!("cannot move {} aside", self.shown.display());
                    return Err(not_saved(step, e));
                }
                if let Err(e) = ops.rename(&staging, &target) {
                    return Err(match ops.rename(&old, &target) {
                        Ok(()) => {
                            drop_staging();
                            let step = format!("cannot move the new set into {}", self.shown.display());
                            not_saved(step, e)
                        }
                        Err(cause) => Error::FolderMissing {
                            scenario: scenario.to_owned(),
                            dir: self.shown.clone(),
                            old: self.show(&old),
                            new: self.show(&staging),
                            cause,
                        },
                    });
                }
                old
            }
            Err(e) => {
                drop_staging();
                let step =
                    format!("cannot swap {} with {}", self.show(&staging).display(), self.shown.display());
                return Err(not_saved(step, e));
            }
        };
        sync_dir(&self.parent);
        ops.remove_all(&old).map_err(|cause| Error::OldSetLeft {
            dir: self.shown.clone(),
            old: self.show(&old),
            cause,
        })?;
        Ok(())
    }

    /// Writes `files` into a fresh `staging` folder, synced; with a
    /// `previous` set, checks it can be removed and carries its foreign
    /// entries over. On failure: what was being done and why.
    fn stage<C: Content>(
        &self,
        staging: &Path,
        files: &[(&str, C)],
        previous: Option<&Path>,
    ) -> std::result::Result<(), (String, io::Error)> {
        let at = |what: &str, p: &Path| format!("{what} {}", self.show(p).display());
        // Our own PID's staging folder can only be a leftover of this process.
        remove_any(staging).map_err(|e| (at("cannot remove", staging), e))?;
        fs::create_dir(staging).map_err(|e| (at("cannot create", staging), e))?;
        for (name, content) in files {
            let path = staging.join(name);
            // A name may sit in a subfolder of the set (charts/...).
            if let Some(dir) = path.parent().filter(|d| *d != staging) {
                fs::create_dir_all(dir).map_err(|e| (at("cannot create", dir), e))?;
            }
            write_synced(&path, content).map_err(|e| (at("cannot write", &path), e))?;
        }
        if let Some(previous) = previous {
            check_removable(previous, staging)
                .map_err(|(path, e)| (format!("{} cannot be replaced", self.show(&path).display()), e))?;
            for entry in fs::read_dir(previous).map_err(|e| (at("cannot read", previous), e))? {
                let entry = entry.map_err(|e| (at("cannot read", previous), e))?;
                let name = entry.file_name();
                // Ours: what this run writes, any routesim result, a probe a killed run left.
                let ours = name.to_str().is_some_and(|n| {
                    OWNED.contains(&n) || files.iter().any(|(f, _)| *f == n) || n.starts_with(".routesim-")
                });
                if !ours {
                    carry(&entry.path(), &staging.join(&name)).map_err(|e| {
                        (format!("cannot carry over {}", self.show(&entry.path()).display()), e)
                    })?;
                }
            }
        }
        sync_dir(staging);
        Ok(())
    }

    /// The target, absolute.
    fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// `.NAME.KIND-PID` beside the target.
    fn sibling(&self, kind: &str) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(&self.name);
        name.push(format!(".{kind}-{}", std::process::id()));
        self.parent.join(name)
    }

    /// The parent as the user named it (`.` for the current folder).
    fn show_parent(&self) -> PathBuf {
        match self.shown.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        }
    }

    /// `path` (under the absolute parent) as the user would name it.
    fn show(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.parent) {
            Ok(rel) => {
                let mut comps = rel.components();
                // Paths inside the target keep the user's spelling of the target.
                match comps.next() {
                    Some(first) if first.as_os_str() == self.name => self.shown.join(comps.as_path()),
                    _ => self.show_parent().join(rel),
                }
            }
            Err(_) => path.to_owned(),
        }
    }
}

/// Removes what interrupted runs left beside `name` in `parent`: siblings
/// `.NAME.KIND-PID` whose process is gone (or is this one). When the target
/// itself is missing, a run was interrupted between the two renames of the
/// fallback swap: its `.NAME.old-PID` (a whole previous set, moved in one
/// rename) is renamed back to the target instead. Returns what could not
/// be removed, with why.
fn sweep(parent: &Path, name: &std::ffi::OsStr) -> Vec<String> {
    let target = parent.join(name);
    let Some(name) = name.to_str() else { return Vec::new() };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(parent) else { return Vec::new() };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else { continue };
        let Some((kind, pid)) = rest.rsplit_once('-') else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if KINDS.contains(&kind) && stale(pid, &entry.path()) {
            found.push((kind.to_owned(), entry.path()));
        }
    }
    let mut failed = Vec::new();
    for (kind, path) in found {
        let restored = kind == "old"
            && fs::symlink_metadata(&target).is_err()
            && fs::metadata(&path).is_ok_and(|m| m.is_dir())
            && fs::rename(&path, &target).is_ok();
        if !restored && let Err(e) = remove_any(&path) {
            failed.push(format!("{}: {}", path.display(), plain_io(&e)));
        }
    }
    failed
}

/// Whether a sibling made by process `pid` is left over: that process is
/// gone or is this one (unix), or it is more than a day old (elsewhere).
fn stale(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let _ = path;
        !alive(pid)
    }
    #[cfg(not(unix))]
    {
        fs::symlink_metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 86_400)
    }
}

/// Whether process `pid` exists.
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; kill only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Atomically exchanges two paths; `Ok(false)` where that is not supported.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

/// Atomically exchanges two paths; `Ok(false)` where that is not supported.
#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Checks that the folder `dir` and everything under it could be removed,
/// where the file system can tell: hard-links each file into `scratch`
/// (refused for immutable and append-only files) and creates a probe file
/// in each folder. On failure: the path at fault and why.
fn check_removable(dir: &Path, scratch: &Path) -> std::result::Result<(), (PathBuf, io::Error)> {
    let link = scratch.join(format!(".routesim-link-{}", std::process::id()));
    if !links_work(scratch, &link) {
        return Ok(());
    }
    fn walk(dir: &Path, link: &Path) -> std::result::Result<(), (PathBuf, io::Error)> {
        let probe = dir.join(format!(".routesim-probe-{}", std::process::id()));
        fs::File::create(&probe).map_err(|e| (dir.to_owned(), e))?;
        fs::remove_file(&probe).map_err(|e| (dir.to_owned(), e))?;
        for entry in fs::read_dir(dir).map_err(|e| (dir.to_owned(), e))? {
            let path = entry.map_err(|e| (dir.to_owned(), e))?.path();
            let meta = fs::symlink_metadata(&path).map_err(|e| (path.clone(), e))?;
            if meta.is_dir() {
                walk(&path, link)?;
            } else {
                fs::hard_link(&path, link).map_err(|e| (path.clone(), e))?;
                let _ = fs::remove_file(link);
            }
        }
        Ok(())
    }
    walk(dir, &link)
}

/// Whether hard links work in `scratch` (not on FAT, for one).
fn links_work(scratch: &Path, link: &Path) -> bool {
    let file = scratch.join(format!(".routesim-file-{}", std::process::id()));
    let ok = fs::File::create(&file).is_ok() && fs::hard_link(&file, link).is_ok();
    let _ = fs::remove_file(link);
    let _ = fs::remove_file(&file);
    ok
}

/// Puts a copy of `from` (file, folder or link) at `to`: hard links for
/// files where possible, real copies otherwise.
fn carry(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            carry(&entry.path(), &to.join(entry.file_name()))?;
        }
        // Last, so a read-only folder is filled first.
        return fs::set_permissions(to, meta.permissions());
    }
    #[cfg(unix)]
    if meta.file_type().is_symlink() {
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
    }
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to).map(|_| ())
}

/// Removes a file or folder; absent is fine.
fn remove_any(path: &Path) -> io::Result<()> {
    let removed = match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match removed {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// What a file of the new set holds: written straight into the staging
/// folder, so a large result file is never held in memory whole.
pub(crate) trait Content {
    /// Writes the file's bytes to `w`.
    fn write_to(&self, w: &mut dyn io::Write) -> io::Result<()>;
}

impl Content for Vec<u8> {
    fn write_to(&self, w: &mut dyn io::Write) -> io::Result<()> {
        w.write_all(self)
    }
}

impl<C: Content + ?Sized> Content for Box<C> {
    fn write_to(&self, w: &mut dyn io::Write) -> io::Result<()> {
        (**self).write_to(w)
    }
}

/// Writes `content` to a new file at `path` and syncs it to disk.
fn write_synced(path: &Path, content: &dyn Content) -> io::Result<()> {
    use std::io::Write;
    let mut f = io::BufWriter::with_capacity(1 << 16, fs::File::create(path)?);
    content.write_to(&mut f)?;
    f.flush()?;
    f.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
}

/// Syncs a folder's entries to disk where the platform allows (best effort:
/// the swap is already as safe as the file system makes renames).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Ok(f) = fs::File::open(path) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests;
