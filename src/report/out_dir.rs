//! The folder each command writes to without `--out`, decided here only
//! (the binary's help names the same defaults).

use std::path::PathBuf;

/// The folder every default lies in, relative to the working directory.
const OUTPUT: &str = "output";

/// `routesim run`: `output/<name>/` for the scenario as written,
/// `output/<name>--<hash>/` for a what-if (any override), where the hash
/// (`tag`) is stable, so the same what-if lands in the same folder.
pub fn run(name: &str, overrides: &[String]) -> PathBuf {
    let base = PathBuf::from(OUTPUT);
    if overrides.is_empty() { base.join(name) } else { base.join(format!("{name}--{}", tag(overrides))) }
}

/// `routesim compare`: `output/<A name>-vs-<B name>/`, or
/// `output/<A name>-vs-with-<hash>/` when B is A with `--with` overrides.
pub fn compare(a: &str, b: &str, with: &[String]) -> PathBuf {
    let base = PathBuf::from(OUTPUT);
    if with.is_empty() {
        base.join(format!("{a}-vs-{b}"))
    } else {
        base.join(format!("{a}-vs-with-{}", tag(with)))
    }
}

/// `routesim sweep`: `output/<name>-sweep/`.
pub fn sweep(name: &str) -> PathBuf {
    PathBuf::from(OUTPUT).join(format!("{name}-sweep"))
}

/// `routesim staff`: `output/<name>-staff/`.
pub fn staff(name: &str) -> PathBuf {
    PathBuf::from(OUTPUT).join(format!("{name}-staff"))
}

/// `routesim schedule`: `output/<name>-schedule/`.
pub fn schedule(name: &str) -> PathBuf {
    PathBuf::from(OUTPUT).join(format!("{name}-schedule"))
}

/// 8 hex digits of FNV-1a over the overrides in order (each trimmed, then
/// a newline), folded to 32 bits: fixed, so a folder name does not change
/// between versions.
fn tag(overrides: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for arg in overrides {
        for b in arg.trim().bytes().chain([b'\n']) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", (h ^ (h >> 32)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn what_ifs_get_their_own_stable_folder() {
        assert_eq!(run("day", &[]), Path::new("output/day"));
        let a = run("day", &args(&["agents.g.count=9", "seed=2"]));
        assert_eq!(a, run("day", &args(&["agents.g.count=9", "seed=2"])));
        assert_ne!(a, run("day", &args(&["agents.g.count=8", "seed=2"])));
        assert_ne!(a, run("day", &args(&["agents.g.count=9"])));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("day--") && name.len() == "day--".len() + 8, "{name}");
        assert!(name["day--".len()..].chars().all(|c| c.is_ascii_hexdigit()), "{name}");
        // The hash is FNV-1a, fixed: this folder name must not change between versions.
        assert_eq!(run("day", &args(&["seed=2"])), Path::new("output/day--02237ad7"));
    }

    #[test]
    fn compare_folders_name_both_sides_or_hash_the_overrides() {
        assert_eq!(compare("coaching", "coaching", &[]), Path::new("output/coaching-vs-coaching"));
        let with = args(&["status.Coaching.enabled=false"]);
        let dir = compare("coaching", "coaching", &with);
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert!(
            name.starts_with("coaching-vs-with-") && name.len() == "coaching-vs-with-".len() + 8,
            "{name}"
        );
        assert_eq!(compare("coaching", "x", &with), dir, "the same overrides, the same folder");
        // The same hash as a what-if run's.
        assert_eq!(compare("a", "a", &args(&["seed=2"])), Path::new("output/a-vs-with-02237ad7"));
    }

    #[test]
    fn sweep_and_staff_folders_carry_the_command() {
        assert_eq!(sweep("day"), Path::new("output/day-sweep"));
        assert_eq!(staff("day"), Path::new("output/day-staff"));
    }
}
