//! Tests of the whole-folder swap: every step made to fail in turn
//! (through [`Ops`]), an immutable file where `chattr` works, leftovers of
//! dead runs, refused locations.

use super::*;
use std::cell::Cell;
use std::process::Command;

/// A PID no process can have (above Linux's largest pid_max).
const DEAD: u32 = 999_999_999;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn set(n: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![("summary.csv", format!("summary {n}\n").into_bytes()), ("a.csv", format!("a {n}\n").into_bytes())]
}

/// The folder's files and contents.
fn contents(dir: &Path) -> Vec<(String, String)> {
    names_in(dir).into_iter().map(|n| (n.clone(), fs::read_to_string(dir.join(&n)).unwrap())).collect()
}

fn whole(n: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        set(n).into_iter().map(|(f, b)| (f.to_owned(), String::from_utf8(b).unwrap())).collect();
    v.sort();
    v
}

/// A folder `out` holding set "old".
fn with_old_set() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    prepare(&out).unwrap().replace("t", &set("old")).unwrap();
    assert_eq!(contents(&out), whole("old"));
    (root, out)
}

/// Real file-system steps, with chosen ones failing.
struct Faulty {
    /// `None`: the exchange fails; `Some(false)`: it is unsupported; `Some(true)`: it works.
    exchange: Option<bool>,
    /// Which renames (0-based, in call order) fail.
    fail_renames: Vec<usize>,
    /// Whether removing the old set fails.
    fail_remove: bool,
    renames: Cell<usize>,
}

impl Faulty {
    fn new(exchange: Option<bool>, fail_renames: &[usize], fail_remove: bool) -> Faulty {
        Faulty { exchange, fail_renames: fail_renames.to_vec(), fail_remove, renames: Cell::new(0) }
    }
}

fn refused() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "refused by the test")
}

impl Ops for Faulty {
    fn exchange(&self, a: &Path, b: &Path) -> io::Result<bool> {
        match self.exchange {
            None => Err(refused()),
            Some(false) => Ok(false),
            Some(true) => RealOps.exchange(a, b),
        }
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let n = self.renames.get();
        self.renames.set(n + 1);
        if self.fail_renames.contains(&n) { Err(refused()) } else { fs::rename(from, to) }
    }
    fn remove_all(&self, dir: &Path) -> io::Result<()> {
        if self.fail_remove { Err(refused()) } else { fs::remove_dir_all(dir) }
    }
}

fn replace_with(out: &Path, ops: &Faulty) -> Result<Vec<PathBuf>> {
    prepare(out).unwrap().replace_with(ops, "t", &set("new"))
}

#[test]
fn a_first_write_creates_the_folder_and_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("deep/er/out");
    let written = prepare(&out).unwrap().replace("t", &set("new")).unwrap();
    assert_eq!(written, [out.join("summary.csv"), out.join("a.csv")]);
    assert_eq!(contents(&out), whole("new"));
    assert_eq!(names_in(&root.path().join("deep/er")), ["out"]);
}

#[test]
fn a_target_dropped_before_its_swap_takes_its_staging_folder() {
    let (root, out) = with_old_set();
    let target = prepare(&out).unwrap();
    assert_eq!(names_in(root.path()).len(), 2, "the staging folder is made by prepare");
    drop(target);
    assert_eq!(names_in(root.path()), ["out"]);
    assert_eq!(contents(&out), whole("old"));
}

#[test]
fn every_way_of_swapping_leaves_the_new_set_alone() {
    for exchange in [Some(true), Some(false)] {
        let (root, out) = with_old_set();
        replace_with(&out, &Faulty::new(exchange, &[], false)).unwrap();
        assert_eq!(contents(&out), whole("new"), "{exchange:?}");
        assert_eq!(names_in(root.path()), ["out"], "{exchange:?}");
    }
}

#[test]
fn a_failed_swap_keeps_the_previous_set_and_says_so() {
    // The exchange refused; the fallback's first rename refused; its
    // second refused and rolled back.
    for (exchange, renames) in [(None, &[][..]), (Some(false), &[0][..]), (Some(false), &[1][..])] {
        let (root, out) = with_old_set();
        let err = replace_with(&out, &Faulty::new(exchange, renames, false)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::NotSaved { had_previous: true, .. }), "{msg}");
        assert!(!err.is_bad_input());
        assert!(msg.starts_with("results of `t` were not saved: "), "{msg}");
        assert!(msg.contains("refused by the test"), "{msg}");
        assert!(msg.ends_with(&format!("{} still holds the previous results", out.display())), "{msg}");
        assert_eq!(contents(&out), whole("old"), "{msg}");
        assert_eq!(names_in(root.path()), ["out"], "{msg}");
    }
}

#[test]
fn a_first_write_that_fails_says_nothing_was_written() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let err = replace_with(&out, &Faulty::new(Some(true), &[0], false)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.ends_with(&format!("nothing was written to {}", out.display())), "{msg}");
    assert!(names_in(root.path()).is_empty(), "{msg}");
}

#[cfg(unix)] // elsewhere leftovers are told by age, not by PID
#[test]
fn an_old_set_that_cannot_be_removed_is_named() {
    for exchange in [Some(true), Some(false)] {
        let (root, out) = with_old_set();
        let err = replace_with(&out, &Faulty::new(exchange, &[], true)).unwrap_err();
        let msg = err.to_string();
        let Error::OldSetLeft { old, .. } = &err else { panic!("{msg}") };
        assert!(msg.starts_with(&format!("{} now holds the new results", out.display())), "{msg}");
        assert!(msg.contains(&format!("could not be removed from {}", old.display())), "{msg}");
        assert!(msg.ends_with("remove it by hand"), "{msg}");
        assert_eq!(contents(&out), whole("new"));
        assert_eq!(contents(old), whole("old"));
        // The next run removes it.
        prepare(&out).unwrap();
        assert_eq!(names_in(root.path()), ["out"]);
    }
}

#[test]
fn a_failed_roll_back_names_both_sets() {
    let (root, out) = with_old_set();
    let err = replace_with(&out, &Faulty::new(Some(false), &[1, 2], false)).unwrap_err();
    let msg = err.to_string();
    let Error::FolderMissing { old, new, .. } = &err else { panic!("{msg}") };
    assert!(msg.contains(&format!("{} could not be put back", out.display())), "{msg}");
    assert_eq!(contents(old), whole("old"));
    assert_eq!(contents(new), whole("new"));
    assert!(!out.exists());
    drop(root);
}

#[cfg(unix)] // elsewhere leftovers are told by age, not by PID
#[test]
fn leftovers_of_dead_runs_are_removed_and_live_ones_kept() {
    let (root, out) = with_old_set();
    let leftover = |kind: &str, pid: u32| {
        let p = root.path().join(format!(".out.{kind}-{pid}"));
        fs::create_dir(&p).unwrap();
        fs::write(p.join("summary.csv"), "half").unwrap();
    };
    leftover("staging", DEAD);
    leftover("old", DEAD);
    // PID 1 is always alive; another folder's leftovers are not ours.
    leftover("staging", 1);
    fs::create_dir(root.path().join(".other.old-999999999")).unwrap();
    let target = prepare(&out).unwrap();
    assert!(target.leftovers().is_empty());
    // This run's own staging folder is kept from `prepare` until the swap.
    let own = format!(".out.staging-{}", std::process::id());
    assert_eq!(names_in(root.path()), [".other.old-999999999", ".out.staging-1", own.as_str(), "out"]);
    target.replace("t", &set("new")).unwrap();
    assert_eq!(contents(&out), whole("new"));
}

#[cfg(unix)] // elsewhere leftovers are told by age, not by PID
#[test]
fn a_previous_set_left_aside_by_an_interrupted_swap_is_put_back() {
    let (root, out) = with_old_set();
    // Killed between the fallback's two renames: no folder, both sets beside it.
    fs::rename(&out, root.path().join(format!(".out.old-{DEAD}"))).unwrap();
    fs::create_dir(root.path().join(format!(".out.staging-{DEAD}"))).unwrap();
    let target = prepare(&out).unwrap();
    assert_eq!(contents(&out), whole("old"));
    let own = format!(".out.staging-{}", std::process::id());
    assert_eq!(names_in(root.path()), [own.as_str(), "out"]);
    target.replace("t", &set("new")).unwrap();
    assert_eq!(names_in(root.path()), ["out"]);
    assert_eq!(contents(&out), whole("new"));
}

#[test]
fn a_file_or_nameless_path_is_refused_before_anything_is_written() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("results");
    fs::write(&file, "mine").unwrap();
    let err = prepare(&file).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::OutputLocation { .. }) && !err.is_bad_input(), "{msg}");
    assert!(msg.contains("it is a file, not a folder"), "{msg}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    assert!(prepare(&root.path().join("results/sub")).is_err(), "a file as parent");
    assert!(prepare(Path::new("..")).is_err());
    assert_eq!(names_in(root.path()), ["results"]);
}

#[test]
fn a_folder_of_other_files_is_refused_and_an_empty_one_taken() {
    let root = tempfile::tempdir().unwrap();
    let mine = root.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("thesis.tex"), "years of work").unwrap();
    let err = prepare(&mine).unwrap_err().to_string();
    assert!(err.contains("not routesim results (such as thesis.tex)"), "{err}");
    assert_eq!(names_in(&mine), ["thesis.tex"]);
    let empty = root.path().join("empty");
    fs::create_dir(&empty).unwrap();
    prepare(&empty).unwrap().replace("t", &set("new")).unwrap();
    assert_eq!(contents(&empty), whole("new"));
}

#[test]
fn a_name_too_long_for_the_staging_folder_is_refused_up_front() {
    let root = tempfile::tempdir().unwrap();
    // The folder's own name fits in 255 bytes; `.NAME.staging-PID` does not.
    let name = "x".repeat(250 - std::process::id().to_string().len());
    let err = prepare(&root.path().join(name)).unwrap_err();
    assert!(err.to_string().contains("cannot create files in"), "{err}");
    assert!(names_in(root.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_link_to_a_folder_is_followed_and_kept() {
    let (root, out) = with_old_set();
    let link = root.path().join("latest");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    prepare(&link).unwrap().replace("t", &set("new")).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(contents(&out), whole("new"));
    assert_eq!(names_in(root.path()), ["latest", "out"]);
}

/// Makes a file immutable (`chattr +i`) while alive, where the file
/// system supports it; on drop, clears the flag on everything under
/// `root`, wherever the file went, so the temporary folder can go.
struct Immutable(PathBuf);

impl Immutable {
    fn try_new(path: &Path, root: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr").arg("+i").arg(path).output().is_ok_and(|o| o.status.success());
        ok.then(|| Immutable(root.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-R").arg("-i").arg(&self.0).output();
    }
}

#[test]
fn an_immutable_file_keeps_the_previous_set_whole() {
    let (root, out) = with_old_set();
    // Checked when the run starts and again when it saves.
    let target = prepare(&out).unwrap();
    let Some(_lock) = Immutable::try_new(&out.join("a.csv"), root.path()) else {
        eprintln!("note: chattr +i is not supported here; immutable-file case not run");
        return;
    };
    let err = prepare(&out).unwrap_err().to_string();
    assert!(err.contains("a.csv cannot be replaced") && err.contains("folder is as it was"), "{err}");
    let err = target.replace("t", &set("new")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::NotSaved { had_previous: true, .. }), "{msg}");
    assert!(msg.contains("a.csv cannot be replaced"), "{msg}");
    assert!(msg.ends_with("still holds the previous results"), "{msg}");
    assert_eq!(contents(&out), whole("old"));
    assert_eq!(names_in(root.path()), ["out"]);
}
