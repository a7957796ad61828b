//! Sharded runs end to end (docs/model.md §9, README "Running on a
//! cluster"): `run`, `sweep` and `compare` split into 1, 2, 3 and 7 parts
//! with `--shard I/N` and put together by `routesim merge` give the
//! unsharded folder byte for byte, without the original files; random
//! splits through the library path the binary uses do too; `merge`
//! refuses a missing part (naming the `--shard I/N` that makes it), a
//! duplicate, a part of another seed and a part of another version, each
//! with exit 2 and nothing written; a shard killed with SIGKILL leaves
//! nothing merge takes, and run again it gives the same bytes; a shard
//! whose part is already there does nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use routesim::driver::Workers;
use routesim::task::{Task, TaskSpec};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");

fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env("RUST_BACKTRACE", "0").output().expect("start routesim")
}

fn routesim_ok(dir: &Path, args: &[&str]) -> String {
    let out = routesim(dir, args);
    assert!(out.status.success(), "routesim {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir` (recursively) by its path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two folders hold the same files with the same bytes.
fn assert_same_tree(want: &Path, got: &Path, what: &str) {
    let (a, b) = (tree(want), tree(got));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{what}: other files");
    assert!(a.len() > 3, "{what}: the folder holds its files");
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{what}: {name} differs");
    }
}

/// The printed table without its closing `wrote N files to DIR` line.
fn table(stdout: &str) -> &str {
    stdout.rsplit_once("wrote ").map_or(stdout, |(t, _)| t)
}

/// A folder holding copies of the bundled `forecast-day.toml` and its forecast,
/// and `support-day.toml`, to be named by relative paths and removed before merging.
fn sources(root: &Path) -> PathBuf {
    let src = root.join("src");
    fs::create_dir_all(&src).unwrap();
    for name in ["forecast-day.toml", "forecast-day.csv", "support-day.toml"] {
        fs::copy(Path::new(CRATE).join("scenarios").join(name), src.join(name)).unwrap();
    }
    src
}

/// The three commands, each as the arguments before `--out`: small enough to be quick.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("run", vec!["run", "forecast-day.toml", "-r", "4", "-j", "1", "-q"]),
        ("sweep", vec!["sweep", "support-day.toml", "-r", "2", "--vary", "agents.early.count=5,7", "-q"]),
        ("compare", vec!["compare", "support-day.toml", "--with", "agents.early.count=4", "-r", "3", "-q"]),
    ]
}

#[test]
fn shards_merged_give_the_unsharded_folder_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    for (name, args) in commands() {
        let whole = root.path().join(format!("{name}-whole"));
        let mut unsharded = args.clone();
        unsharded.retain(|a| *a != "-q");
        let want = routesim_ok(&src, &[&unsharded[..], &["--out", &whole.display().to_string()]].concat());
        for n in [1u32, 2, 3, 7] {
            let parts = root.path().join(format!("{name}-parts-{n}"));
            for i in 0..n {
                let part = parts.join(format!("part-{i}"));
                let shard = format!("{i}/{n}");
                routesim_ok(
                    &src,
                    &[&args[..], &["--shard", &shard, "--out", &part.display().to_string()]].concat(),
                );
            }
            // Merged from elsewhere, with the folder of parts: no original file is read.
            let merged = root.path().join(format!("{name}-merged-{n}"));
            let got = routesim_ok(
                root.path(),
                &["merge", &parts.display().to_string(), "--out", &merged.display().to_string()],
            );
            assert_same_tree(&whole, &merged, &format!("{name} in {n} parts"));
            assert_eq!(table(&got), table(&want), "{name} in {n} parts: the printed table");
        }
    }
    // Merged once the original files are gone (the parts keep their text).
    for f in ["forecast-day.toml", "forecast-day.csv", "support-day.toml"] {
        fs::remove_file(src.join(f)).unwrap();
    }
    let merged = root.path().join("run-again");
    routesim_ok(&src, &["merge", "../run-parts-3", "-q", "--out", &merged.display().to_string()]);
    assert_same_tree(&root.path().join("run-whole"), &merged, "run merged without its files");
}

/// docs/model.md §15.1: a part holds the same number of bytes whether its
/// jobs are 2 replications or 24 (past the 10 sections), for `sweep` and
/// `compare`, though the bytes themselves differ.
#[test]
fn a_parts_size_does_not_grow_with_its_replications() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    for (name, args) in commands().into_iter().filter(|(name, _)| *name != "run") {
        let fold = |reps: &str| {
            let mut a = args.clone();
            let r = a.iter().position(|x| *x == "-r").unwrap();
            a[r + 1] = reps;
            let part = root.path().join(format!("{name}-{reps}"));
            routesim_ok(&src, &[&a[..], &["--shard", "0/1", "--out", &part.display().to_string()]].concat());
            fs::read(part.join("fold.bin")).unwrap()
        };
        let (few, many) = (fold("2"), fold("24"));
        assert_eq!(few.len(), many.len(), "{name}: fold.bin at 2 and at 24 replications");
        assert_ne!(few, many, "{name}: the parts hold different sums");
    }
}

#[test]
fn a_part_already_there_is_not_run_again() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    let part = root.path().join("p1").display().to_string();
    let args = ["run", "support-day.toml", "-r", "3", "--shard", "1/2", "--out", &part];
    let first = routesim_ok(&src, &args);
    assert!(first.contains("wrote part 1/2"), "{first}");
    let before = fs::metadata(root.path().join("p1/fold.bin")).unwrap().modified().unwrap();
    let again = routesim_ok(&src, &args);
    assert!(
        again.contains("part 1/2 of this plan is already in") && again.contains("nothing to do"),
        "{again}"
    );
    assert_eq!(fs::metadata(root.path().join("p1/fold.bin")).unwrap().modified().unwrap(), before);
    // Another plan in the same folder is run and replaces it.
    let other = routesim_ok(
        &src,
        &["run", "support-day.toml", "-r", "3", "--seed", "5", "--shard", "1/2", "--out", &part],
    );
    assert!(other.contains("wrote part 1/2"), "{other}");
}

/// Runs `merge` on `parts` into `out` and checks it is refused: exit 2,
/// `out` not made, nothing left beside it; returns stderr.
fn refused(dir: &Path, parts: &[&Path], out: &Path) -> String {
    let mut args = vec!["merge".to_owned()];
    args.extend(parts.iter().map(|p| p.display().to_string()));
    args.extend(["--out".to_owned(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = routesim(dir, &args);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!out.exists(), "{args:?} wrote {}", out.display());
    let beside: Vec<_> = fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("merged"))
        .collect();
    assert!(beside.is_empty(), "{args:?} left {beside:?}");
    stderr
}

#[test]
fn merge_refuses_missing_duplicate_foreign_and_other_version_parts() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    let r = root.path();
    let shard = |i: u32, extra: &[&str], to: &str| {
        let shard = format!("{i}/3");
        let out = r.join(to).display().to_string();
        routesim_ok(
            &src,
            &[&["run", "support-day.toml", "-r", "3", "-q"][..], extra, &["--shard", &shard, "--out", &out]]
                .concat(),
        );
        r.join(to)
    };
    let (p0, p1, p2) = (shard(0, &[], "p0"), shard(1, &[], "p1"), shard(2, &[], "p2"));
    let out = r.join("merged");
    let e = refused(r, &[&p0, &p2], &out);
    assert!(e.contains("--shard 1/3") && e.contains("missing"), "{e}");
    let copy = r.join("p0-copy");
    fs::create_dir(&copy).unwrap();
    for f in ["part.json", "fold.bin"] {
        fs::copy(p0.join(f), copy.join(f)).unwrap();
    }
    let e = refused(r, &[&p0, &p1, &p2, &copy], &out);
    assert!(e.contains("part 0/3 is given twice") && e.contains("p0-copy"), "{e}");
    let seeded = shard(1, &["--seed", "99"], "p1-seed");
    let e = refused(r, &[&p0, &seeded, &p2], &out);
    assert!(e.contains("another plan") && e.contains("its seed is 99"), "{e}");
    let forged = r.join("p2-forged");
    fs::create_dir(&forged).unwrap();
    fs::copy(p2.join("fold.bin"), forged.join("fold.bin")).unwrap();
    let manifest = fs::read_to_string(p2.join("part.json")).unwrap();
    let version = format!("\"routesim_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(manifest.contains(&version), "{manifest}");
    fs::write(forged.join("part.json"), manifest.replace(&version, "\"routesim_version\": \"0.0.1\""))
        .unwrap();
    let e = refused(r, &[&p0, &p1, &forged], &out);
    assert!(e.contains("written by routesim 0.0.1") && e.contains(env!("CARGO_PKG_VERSION")), "{e}");
    // A damaged fold file, and a folder with no part, are refused too.
    let cut = r.join("p1-cut");
    fs::create_dir(&cut).unwrap();
    fs::copy(p1.join("part.json"), cut.join("part.json")).unwrap();
    fs::write(cut.join("fold.bin"), &fs::read(p1.join("fold.bin")).unwrap()[..10]).unwrap();
    let e = refused(r, &[&p0, &cut, &p2], &out);
    assert!(e.contains("damaged"), "{e}");
    let e = refused(r, &[&src], &out);
    assert!(e.contains("not a part folder"), "{e}");
    // The three good parts merge.
    routesim_ok(
        r,
        &[
            "merge",
            &p0.display().to_string(),
            &p1.display().to_string(),
            &p2.display().to_string(),
            "-q",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert!(out.join("summary.csv").is_file());
}

#[test]
fn bad_shard_options_are_refused_naming_the_flag() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    for (args, words) in [
        (vec!["run", "support-day.toml", "--shard", "3/3", "--out", "p"], "--shard 3/3"),
        (vec!["run", "support-day.toml", "--shard", "0/2"], "give --out PARTDIR"),
        (vec!["sweep", "support-day.toml", "--vary", "seed=1,2", "--shard", "x", "--out", "p"], "write I/N"),
    ] {
        let run = routesim(&src, &args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(!src.join("p").exists() && !src.join("output").exists(), "{args:?} wrote something");
    }
    let run = Command::new(BIN)
        .args(["run", "support-day.toml", "--shard", "slurm", "--out", "p"])
        .current_dir(&src)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("SLURM_ARRAY_TASK_ID is not set"));
    let run = Command::new(BIN)
        .args(["run", "support-day.toml", "-r", "2", "-q", "--shard", "slurm", "--out", "p"])
        .current_dir(&src)
        .envs([
            ("SLURM_ARRAY_TASK_ID", "11"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let manifest = fs::read_to_string(src.join("p/part.json")).unwrap();
    assert!(manifest.contains("\"shard\": 1,") && manifest.contains("\"shards\": 2,"), "{manifest}");
}

#[cfg(unix)]
#[test]
fn a_shard_killed_mid_run_leaves_nothing_merge_takes_and_runs_again_to_the_same_bytes() {
    let root = tempfile::tempdir().unwrap();
    let src = sources(root.path());
    let r = root.path();
    let parts = r.join("parts");
    let args = |shard: &str, to: &Path| -> Vec<String> {
        ["run", "support-day.toml", "-r", "100", "-j", "1", "-q", "--shard", shard, "--out"]
            .iter()
            .map(|s| (*s).to_owned())
            .chain([to.display().to_string()])
            .collect()
    };
    routesim_ok(&src, &args("1/2", &parts.join("p1")).iter().map(String::as_str).collect::<Vec<_>>());
    let target = parts.join("p0");
    let mut child = Command::new(BIN)
        .args(args("0/2", &target))
        .current_dir(&src)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The staging folder appears before simulating; kill the shard once it is there.
    let start = Instant::now();
    let staging = |parts: &Path| {
        fs::read_dir(parts)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with(".p0.staging-"))
    };
    while !staging(&parts) {
        assert!(start.elapsed() < Duration::from_secs(60), "no staging folder appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!target.exists(), "the shard finished before it was killed: make it longer");
    assert!(staging(&parts), "the killed shard's staging folder is left");
    let out = r.join("merged");
    let e = refused(r, &[&parts], &out);
    assert!(e.contains("--shard 0/2"), "{e}");
    // Run again: the leftover is swept, and the merge gives the unsharded bytes.
    routesim_ok(&src, &args("0/2", &target).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!staging(&parts), "the leftover was removed");
    routesim_ok(r, &["merge", &parts.display().to_string(), "-q", "--out", &out.display().to_string()]);
    let whole = r.join("whole");
    routesim_ok(&src, &["run", "support-day.toml", "-r", "100", "-q", "--out", &whole.display().to_string()]);
    assert_same_tree(&whole, &out, "killed and rerun");
}

/// The library path the binary takes: a task's jobs split at random into
/// parts, each folded on its own and carried through bytes, merged in a
/// random order and written, against the folder of one fold of every job.
fn split_and_write(request: TaskSpec, part_of: &[usize], order: &[usize]) {
    let dir = tempfile::tempdir().unwrap();
    let task = Task::load(request, false).unwrap();
    let workers = Workers::new(2).unwrap();
    let jobs = task.jobs();
    let whole = task.fold(&workers, &jobs, &|| ()).unwrap();
    let want = task.write(&routesim::report::prepare(&dir.path().join("whole")).unwrap(), whole).unwrap();
    let parts = part_of.iter().max().map_or(1, |m| m + 1);
    let mut split = vec![Vec::new(); parts];
    for (i, &job) in jobs.iter().enumerate() {
        split[part_of[i % part_of.len()]].push(job);
    }
    let mut bytes: Vec<(usize, Vec<u8>)> = split
        .iter()
        .enumerate()
        .map(|(p, part)| {
            (
                order[p % order.len()],
                Task::fold_to_bytes(&task.fold(&workers, part, &|| ()).unwrap()).unwrap(),
            )
        })
        .collect();
    bytes.sort_by_key(|(key, _)| *key);
    let mut merged = task.empty();
    for (_, b) in bytes {
        task.merge(&mut merged, task.fold_from_bytes(&b).unwrap()).unwrap();
    }
    let got = task.write(&routesim::report::prepare(&dir.path().join("merged")).unwrap(), merged).unwrap();
    assert_eq!(got.table, want.table);
    assert_same_tree(&dir.path().join("whole"), &dir.path().join("merged"), "random split");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_splits_merge_to_the_unsharded_folder(
        command in 0usize..3,
        reps in 1u32..5,
        part_of in prop::collection::vec(0usize..4, 1..10),
        order in prop::collection::vec(0usize..100, 1..5),
    ) {
        let small = Path::new(CRATE).join("tests/fixtures/small.toml").display().to_string();
        let set = vec![format!("replications={reps}")];
        let request = match command {
            0 => TaskSpec::Run { file: small, set },
            1 => TaskSpec::Sweep { file: small, set, vary: vec!["agents.day.count=3,4".into()] },
            _ => TaskSpec::Compare { a: small, b: None, with: vec!["agents.day.count=3".into()], set },
        };
        split_and_write(request, &part_of, &order);
    }
}
