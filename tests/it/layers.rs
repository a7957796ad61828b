//! The crate's layers point one way (ARCHITECTURE.md, "Architecture
//! invariants"): read from the source, the modules' imports of each other
//! form no cycle, neither among the crate's top-level modules nor among the
//! files of one module's folder; the engine does no I/O; only the binary's
//! `cli` knows clap.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Every `.rs` file under `dir`.
pub(super) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// The names among `names` that `code` refers to after `prefix` (as in
/// `crate::name` or `crate::{a, b}`).
fn refers(code: &str, prefix: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices(prefix) {
        let rest = &code[i + prefix.len()..];
        let group = if let Some(inner) = rest.strip_prefix('{') {
            &inner[..inner.find('}').unwrap_or(0)]
        } else {
            rest
        };
        let words: Vec<&str> = if rest.starts_with('{') {
            group.split([',', ' ', '\n']).map(|w| w.split("::").next().unwrap_or_default()).collect()
        } else {
            vec![rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default()]
        };
        for w in words {
            if names.contains(w.trim()) {
                found.insert(w.trim().to_owned());
            }
        }
    }
    found
}

/// A cycle in `deps`, if there is one.
fn cycle(deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut c = path[at..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_owned());
        for d in deps.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, deps, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    deps.keys().find_map(|n| visit(n, deps, &mut Vec::new(), &mut done))
}

/// The crate's top-level modules (files and folders of src/ but the binary's).
fn modules() -> BTreeSet<String> {
    std::fs::read_dir(SRC)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let stem = p.file_stem()?.to_str()?.to_owned();
            (p.extension().is_some_and(|x| x == "rs") && !["lib", "main", "cli"].contains(&stem.as_str()))
                .then_some(stem)
        })
        .collect()
}

#[test]
fn top_level_modules_import_each_other_without_cycles() {
    let names = modules();
    let mut deps = BTreeMap::new();
    for m in &names {
        let mut files = vec![Path::new(SRC).join(format!("{m}.rs"))];
        files.extend(files_under(&Path::new(SRC).join(m)));
        let mut uses = BTreeSet::new();
        for f in files {
            uses.extend(refers(&code(&f), "crate::", &names));
        }
        uses.remove(m);
        deps.insert(m.clone(), uses);
    }
    assert!(deps.get("engine").is_some_and(|d| d.contains("stats")), "the scan sees imports: {deps:?}");
    assert_eq!(cycle(&deps), None, "modules that import each other: {deps:#?}");
}

#[test]
fn the_files_of_a_module_folder_import_each_other_without_cycles() {
    for m in modules() {
        let dir = Path::new(SRC).join(&m);
        let subs: BTreeSet<String> = files_under(&dir)
            .iter()
            .filter(|p| p.parent() == Some(dir.as_path()))
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
            .collect();
        let mut deps = BTreeMap::new();
        for s in &subs {
            let mut files = vec![dir.join(format!("{s}.rs"))];
            files.extend(files_under(&dir.join(s)));
            let mut uses = BTreeSet::new();
            for f in files {
                let c = code(&f);
                uses.extend(refers(&c, "super::", &subs));
                uses.extend(refers(&c, &format!("crate::{m}::"), &subs));
            }
            uses.remove(s);
            deps.insert(s.clone(), uses);
        }
        assert_eq!(cycle(&deps), None, "files of src/{m}/ that import each other: {deps:#?}");
    }
}

#[test]
fn the_engine_does_no_io_and_only_cli_knows_clap() {
    let mut engine = vec![Path::new(SRC).join("engine.rs")];
    engine.extend(files_under(&Path::new(SRC).join("engine")));
    for f in engine {
        let c = code(&f);
        for banned in ["std::fs", "std::io", "println!", "eprintln!", "print!(", "File::"] {
            assert!(!c.contains(banned), "{} uses {banned}", f.display());
        }
    }
    for f in files_under(Path::new(SRC)) {
        if f.file_name().is_some_and(|n| n == "cli.rs") {
            continue;
        }
        assert!(!code(&f).contains("clap"), "{} knows clap", f.display());
    }
}
