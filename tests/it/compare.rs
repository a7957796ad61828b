//! `routesim compare` (docs/model.md §14): pairing pays, a variant against
//! itself differs by exactly zero, threads change nothing, every column of
//! compare.csv and compare_intervals.csv is checked by name against an
//! account of its own, and the example policies of scenarios/policies/ run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use routesim::model::{QueueId, Scenario, StatusKind, TeamId};
use routesim::{compare, engine};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// Runs the binary in the crate's folder: (exit code, stdout, stderr).
fn routesim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(CRATE)
        .stdin(Stdio::null())
        .output()
        .expect("start routesim");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A small M/M/c+M queue: 90 chats an hour of 5 minutes on 9 agents.
const SMALL: &str = r#"
name = "small"
seed = 5
horizon = "8h"
interval = "1h"
replications = 30
[[queue]]
name = "chat"
sl_threshold = "30s"
arrivals = { per_hour = 90 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "a"
team = "t"
count = 9
"#;

fn write_small(dir: &Path) -> PathBuf {
    let file = dir.join("small.toml");
    std::fs::write(&file, SMALL).unwrap();
    file
}

fn parse(text: &str, set: &[&str]) -> Scenario {
    let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
    routesim::scenario::parse(text, "small.toml", "small", &set).unwrap()
}

fn sl(sc: &Scenario, seed_shift: u64, r: u32) -> f64 {
    let mut sc = sc.clone();
    sc.seed += seed_shift;
    engine::run(&sc, r).queues[QueueId(0)].counts.service_level(sc.metrics.service_level)
}

/// Pairing pays: for the same scenario with one agent more, the interval
/// of the service-level difference from paired replications is at most
/// half as wide as the one from the same two variants on independent
/// seeds (Welch's interval of the difference of two means).
#[test]
fn pairing_pays_half_the_width_or_better() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let cmp = compare::load(&file, None, &["agents.a.count=10".into()], &[]).unwrap();
    let got = cmp.run(&routesim::driver::Workers::new(2).unwrap(), &|| {}).unwrap();
    let row = got
        .summary
        .iter()
        .find(|r| r.scope == routesim::rows::ScopeKind::Queue && r.metric.name() == "service_level")
        .unwrap();
    let paired = row.diff.high - row.diff.low;
    let (a, b) = (parse(SMALL, &[]), parse(SMALL, &["agents.a.count=10"]));
    let n = a.replications;
    let va: Vec<f64> = (0..n).map(|r| sl(&a, 0, r)).collect();
    let vb: Vec<f64> = (0..n).map(|r| sl(&b, 1_000, r)).collect();
    let var = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
    };
    let se = (var(&va) / f64::from(n) + var(&vb) / f64::from(n)).sqrt();
    let independent = 2.0 * 2.0 * se; // t(0.975, ~58) ≈ 2.0
    eprintln!(
        "service-level difference, 95% interval width: paired {paired:.4}, independent {independent:.4}"
    );
    assert!(row.diff.diff > 0.0, "one agent more raises the service level: {row:?}");
    assert!(paired > 0.0 && paired <= 0.5 * independent, "paired {paired} vs independent {independent}");
}

/// A variant compared with itself differs by exactly zero in every row of
/// both files, and nothing is significant.
#[test]
fn a_variant_against_itself_differs_by_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let out = dir.path().join("out");
    let f = file.to_str().unwrap();
    let (code, stdout, stderr) = routesim(&["compare", f, f, "-r", "6", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("no significant difference"), "{stdout}");
    for name in ["compare.csv", "compare_intervals.csv"] {
        let csv = Csv::read(&out.join(name));
        assert!(!csv.rows.is_empty());
        for row in &csv.rows {
            for col in ["diff_mean", "diff_ci95_low", "diff_ci95_high"] {
                let v = csv.get(row, col);
                assert!(v.is_empty() || v == "0", "{name} {col} = {v}: {row:?}");
            }
            assert_eq!(csv.get(row, "significant"), "false", "{name}: {row:?}");
            assert_eq!(csv.get(row, "a_mean"), csv.get(row, "b_mean"), "{name}: {row:?}");
        }
    }
}

/// The same files, byte for byte, on one thread and on two.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let f = file.to_str().unwrap();
    let mut folders = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        let args = ["compare", f, "--with", "agents.a.count=10", "-r", "8", "-j", threads, "-q"];
        let (code, _, stderr) = routesim(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
        assert_eq!(code, Some(0), "{stderr}");
        folders.push(out);
    }
    for name in [
        "compare.csv",
        "compare_intervals.csv",
        "a.toml",
        "b.toml",
        "report.html",
        "charts/compare_service_level.svg",
        "charts/compare_service_level.png",
    ] {
        let (x, y) =
            (std::fs::read(folders[0].join(name)).unwrap(), std::fs::read(folders[1].join(name)).unwrap());
        assert!(x == y, "{name} differs between 1 and 2 threads");
    }
}

/// compare.csv against `routesim run` of A and of B: for every row, the
/// per-replication values of replications.csv give a_mean, b_mean,
/// diff_mean, the Student-t interval of the paired differences,
/// replications and significant, each checked by its column's name.
#[test]
fn every_compare_csv_column_matches_two_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let f = file.to_str().unwrap();
    let out = dir.path().join("cmp");
    let with = "agents.a.count=10";
    let (code, _, stderr) =
        routesim(&["compare", f, "--with", with, "-r", "7", "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let mut reps = Vec::new();
    for (name, set) in [("a", vec!["-r", "7"]), ("b", vec!["-r", "7", "--set", with])] {
        let o = dir.path().join(name);
        let (code, _, stderr) =
            routesim(&[&["run", f, "-q", "--no-report", "--out", o.to_str().unwrap()][..], &set].concat());
        assert_eq!(code, Some(0), "{stderr}");
        reps.push(Csv::read(&o.join("replications.csv")));
    }
    let values = |csv: &Csv, scope: &str, name: &str, metric: &str| -> Vec<f64> {
        let mut v: Vec<(usize, f64)> = csv
            .rows
            .iter()
            .filter(|r| {
                csv.get(r, "scope") == scope && csv.get(r, "name") == name && csv.get(r, "metric") == metric
            })
            .map(|r| (csv.num(r, "replication") as usize, csv.num(r, "value")))
            .collect();
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|x| x.1).collect()
    };
    let cmp = Csv::read(&out.join("compare.csv"));
    assert_eq!(cmp.header, compare::COMPARE_HEADER);
    let mut significant = 0;
    for row in &cmp.rows {
        let (scope, name, metric) = (cmp.get(row, "scope"), cmp.get(row, "name"), cmp.get(row, "metric"));
        let (a, b) = (values(&reps[0], &scope, &name, &metric), values(&reps[1], &scope, &name, &metric));
        assert_eq!(a.len(), 7, "{scope} {name} {metric}");
        let pairs: Vec<(f64, f64)> =
            a.iter().zip(&b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(&x, &y)| (x, y)).collect();
        let n = pairs.len() as f64;
        let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let dm = mean(&d);
        let sd = (d.iter().map(|x| (x - dm).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let t = {
            use statrs::distribution::{ContinuousCDF, StudentsT};
            StudentsT::new(0.0, 1.0, n - 1.0).unwrap().inverse_cdf(0.975)
        };
        let (lo, hi) = if sd == 0.0 { (dm, dm) } else { (dm - t * sd / n.sqrt(), dm + t * sd / n.sqrt()) };
        let close = |col: &str, want: f64| {
            let got = cmp.num(row, col);
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                "{scope} {name} {metric} {col}: {got} vs {want}"
            );
        };
        close("a_mean", mean(&pairs.iter().map(|p| p.0).collect::<Vec<_>>()));
        close("b_mean", mean(&pairs.iter().map(|p| p.1).collect::<Vec<_>>()));
        close("diff_mean", dm);
        close("diff_ci95_low", lo);
        close("diff_ci95_high", hi);
        close("replications", n);
        let sig = lo > 0.0 || hi < 0.0;
        assert_eq!(cmp.get(row, "significant"), sig.to_string(), "{scope} {name} {metric}");
        significant += usize::from(sig);
        let unit = routesim::stats::Metric::from_name(&metric).map(|m| m.unit().name());
        assert_eq!(Some(cmp.get(row, "unit").as_str()), unit, "{metric}");
    }
    assert!(significant > 5, "an agent more changes something: {significant} significant rows");
}

/// compare_intervals.csv against an account of its own: each interval's
/// service level, ASA, abandon rate and occupancy of A and B as ratios of
/// sums over the replications (numerators and denominators from the
/// engine's tallies), and the paired ratio estimator's interval of their
/// difference computed from the per-replication residuals (docs/model.md §14, per-interval differences).
#[test]
fn every_compare_intervals_column_matches_the_tallies() {
    // At 5 replications Cochran's rule withholds the intervals, at 40 it gives them.
    let (given, withheld) = compare_intervals_against_the_tallies(5);
    assert!(given == 0 && withheld >= 8, "5 replications: {given} intervals given, {withheld} withheld");
    let (given, withheld) = compare_intervals_against_the_tallies(40);
    assert!(given >= 8 && withheld == 0, "40 replications: {given} intervals given, {withheld} withheld");
}

/// Checks every row of compare_intervals.csv at `reps` replications; returns
/// how many intervals were given and how many withheld.
fn compare_intervals_against_the_tallies(reps: u32) -> (usize, usize) {
    let r = reps.to_string();
    let set = format!("replications={reps}");
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let f = file.to_str().unwrap();
    let out = dir.path().join("cmp");
    let with = "agents.a.count=10";
    let (code, _, stderr) =
        routesim(&["compare", f, "--with", with, "-r", &r, "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let a = parse(SMALL, &[set.as_str()]);
    let b = parse(SMALL, &[set.as_str(), with]);
    let (ta, tb): (Vec<_>, Vec<_>) = (0..reps).map(|r| (engine::run(&a, r), engine::run(&b, r))).unzip();
    // One replication's numerator and denominator of `metric` in interval `i`.
    let parts = |sc: &Scenario, t: &routesim::stats::Tally, i: usize, metric: &str| -> (f64, f64) {
        let c = &t.intervals[i].counts;
        match metric {
            "service_level" => (c.answered_within as f64, (c.answered + c.abandoned + c.unresolved) as f64),
            "asa" => (c.wait_sum, c.answered as f64),
            "abandon_rate" => {
                let long = c.abandoned - c.abandoned_short;
                (long as f64, (c.answered + long) as f64)
            }
            _ => {
                let productive: f64 = sc
                    .statuses
                    .keys()
                    .filter(|&s| matches!(sc.statuses[s].kind, StatusKind::Available | StatusKind::Busy))
                    .map(|s| t.status_secs(i, TeamId(0), s))
                    .sum();
                (t.team_intervals[i].holding_secs, productive)
            }
        }
    };
    let csv = Csv::read(&out.join("compare_intervals.csv"));
    assert_eq!(csv.header, compare::COMPARE_INTERVALS_HEADER);
    assert_eq!(csv.rows.len(), a.interval_count() * 4);
    // First pass: each metric's mean squared skewness of the residuals over the intervals.
    let residuals = |i: usize, metric: &str| -> Option<(f64, f64, Vec<f64>)> {
        let pa: Vec<(f64, f64)> = ta.iter().map(|t| parts(&a, t, i, metric)).collect();
        let pb: Vec<(f64, f64)> = tb.iter().map(|t| parts(&b, t, i, metric)).collect();
        let sum = |p: &[(f64, f64)]| p.iter().fold((0.0, 0.0), |(x, y), v| (x + v.0, y + v.1));
        let ((xa, ya), (xb, yb)) = (sum(&pa), sum(&pb));
        if ya == 0.0 || yb == 0.0 {
            return None;
        }
        let (ra, rb, n) = (xa / ya, xb / yb, pa.len() as f64);
        let d = pa
            .iter()
            .zip(&pb)
            .map(|(&(x1, y1), &(x2, y2))| (x2 - rb * y2) / (yb / n) - (x1 - ra * y1) / (ya / n))
            .collect();
        Some((ra, rb, d))
    };
    let mut skew: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for i in 0..a.interval_count() {
        for metric in ["service_level", "asa", "abandon_rate", "occupancy"] {
            let Some((_, _, d)) = residuals(i, metric) else { continue };
            let n = d.len() as f64;
            let m2 = d.iter().map(|v| v * v).sum::<f64>() / n;
            let m3 = d.iter().map(|v| v * v * v).sum::<f64>() / n;
            if m2 > 0.0 {
                let e = skew.entry(metric.to_owned()).or_default();
                e.0 += m3 * m3 / (m2 * m2 * m2);
                e.1 += 1.0;
            }
        }
    }
    let (mut with_interval, mut withheld) = (0, 0);
    for row in &csv.rows {
        let i = csv.num(row, "interval") as usize;
        let metric = csv.get(row, "metric");
        assert_eq!(csv.num(row, "start_seconds"), i as f64 * a.interval);
        let (day, clock) = routesim::format::day_clock(i as f64 * a.interval);
        assert_eq!((csv.get(row, "day"), csv.get(row, "start")), (day.to_string(), clock));
        assert_eq!(csv.get(row, "queue"), "chat");
        assert_eq!(csv.num(row, "replications"), f64::from(reps));
        let pa: Vec<(f64, f64)> = ta.iter().map(|t| parts(&a, t, i, &metric)).collect();
        let pb: Vec<(f64, f64)> = tb.iter().map(|t| parts(&b, t, i, &metric)).collect();
        let sum = |p: &[(f64, f64)]| p.iter().fold((0.0, 0.0), |(x, y), v| (x + v.0, y + v.1));
        let ((xa, ya), (xb, yb)) = (sum(&pa), sum(&pb));
        let (ra, rb) = (xa / ya, xb / yb);
        let close = |col: &str, w: f64| {
            let got = csv.num(row, col);
            if w.is_nan() {
                assert!(got.is_nan(), "interval {i} {metric} {col}: {got}, want no number");
            } else {
                assert!(
                    (got - w).abs() <= 1e-6 * w.abs().max(1.0),
                    "interval {i} {metric} {col}: {got} vs {w}"
                );
            }
        };
        close("a_mean", ra);
        close("b_mean", rb);
        close("diff_mean", rb - ra);
        if ya == 0.0 || yb == 0.0 {
            close("diff_ci95_low", f64::NAN);
            assert_eq!(csv.get(row, "significant"), "false");
            continue;
        }
        let n = f64::from(reps);
        let (_, _, d) = residuals(i, &metric).unwrap();
        let needs =
            skew.get(&metric).map(|&(sum, count)| (25.0 * sum / count).ceil()).filter(|&need| need > n);
        if d.iter().all(|&v| v == 0.0) {
            close("diff_ci95_low", rb - ra);
            continue;
        }
        if let Some(need) = needs {
            assert_eq!(csv.num(row, "replications_for_interval"), need, "interval {i} {metric}");
            close("diff_ci95_low", f64::NAN);
            close("diff_ci95_high", f64::NAN);
            assert_eq!(csv.get(row, "significant"), "false");
            withheld += 1;
            continue;
        }
        assert_eq!(csv.get(row, "replications_for_interval"), "", "interval {i} {metric}");
        let sd = (d.iter().map(|v| v * v).sum::<f64>() / (n - 1.0)).sqrt();
        let half = routesim::stats::t975(reps - 1) * sd / n.sqrt();
        let (low, high) = (rb - ra - half, rb - ra + half);
        close("diff_ci95_low", low);
        close("diff_ci95_high", high);
        assert_eq!(
            csv.get(row, "significant"),
            (low > 0.0 || high < 0.0).to_string(),
            "interval {i} {metric}"
        );
        let unit = if metric == "asa" { "seconds" } else { "fraction" };
        assert_eq!(csv.get(row, "unit"), unit);
        with_interval += 1;
    }
    (with_interval, withheld)
}

/// Bad requests are refused before anything runs, in plain words (exit 2).
#[test]
fn unpairable_or_empty_comparisons_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_small(dir.path());
    let f = file.to_str().unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(&other, SMALL.replace("interval = \"1h\"", "interval = \"30m\"")).unwrap();
    let o = other.to_str().unwrap();
    // Another help desk: the same shape, its queue under another name.
    let disjoint = dir.path().join("disjoint.toml");
    std::fs::write(&disjoint, SMALL.replace("\"chat\"", "\"tickets\"")).unwrap();
    let d = disjoint.to_str().unwrap();
    for (args, words) in [
        (vec!["compare", f], "nothing to compare"),
        (vec!["compare", f, o, "--with", "seed=2"], "not both"),
        (vec!["compare", f, o], "reporting intervals differ"),
        (vec!["compare", f, "--with", "seed=9"], "seeds differ"),
        (vec!["compare", f, "--with", "remove=agents.a.nope"], "no `agents.a.nope` to remove"),
        (vec!["compare", f, d], "share no queue"),
    ] {
        let (code, _, stderr) = routesim(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

/// docs/model.md §10: `--with 'KEY+=ELEMENT'` adds a custom status and its
/// daily episode to B alone, so a new status is tried without a second file;
/// B's scenario holds both, A's neither, and B's agents spend the half hour
/// in it.
#[test]
fn a_new_status_is_tried_with_with_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let file = Path::new(CRATE).join("scenarios/policies/lunch.toml");
    let (code, _, stderr) = routesim(&[
        "compare",
        file.to_str().unwrap(),
        "--with",
        r#"status+={ name = "Coaching" }"#,
        "--with",
        r#"agents.day.schedule+={ status = "Coaching", window = "10:00-15:00", duration = "30m" }"#,
        "-r",
        "2",
        "-q",
        "--no-report",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let a = std::fs::read_to_string(out.join("a.toml")).unwrap();
    let b = std::fs::read_to_string(out.join("b.toml")).unwrap();
    assert!(!a.contains("Coaching"), "{a}");
    let b_sc = routesim::scenario::parse(&b, "b.toml", "b", &[]).unwrap();
    let coaching = b_sc.statuses.iter().position(|s| s.name == "Coaching").expect("B has Coaching");
    let day = b_sc.groups.iter().find(|g| g.name == "day").unwrap();
    let entry = day.schedule.last().unwrap();
    assert_eq!((usize::from(entry.status.0), entry.duration), (coaching, 1800.0));
}

/// Each example policy in scenarios/policies/ names its one compare command
/// in a `# compare:` line; that command runs (with 3 replications) and
/// writes the comparison, and the README quotes it exactly.
#[test]
fn the_example_policies_run() {
    let readme = std::fs::read_to_string(Path::new(CRATE).join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(CRATE).join("scenarios/policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(line) = text.lines().find_map(|l| l.strip_prefix("# compare: ")) else { continue };
        assert!(readme.contains(line), "README lacks `{line}`");
        let words = shell_words(line);
        assert_eq!(words[..2], ["routesim", "compare"], "{line}");
        let out = dir.path().join(path.file_stem().unwrap());
        let mut args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        args.extend(["-r", "3", "-q", "--out", out.to_str().unwrap()]);
        let (code, _, stderr) = routesim(&args);
        assert_eq!(code, Some(0), "{line}: {stderr}");
        assert!(out.join("compare.csv").is_file() && out.join("report.html").is_file(), "{line}");
        seen += 1;
    }
    assert!(seen >= 6, "{seen} policies");
}

/// Splits a command line as a POSIX shell would for the quoting the
/// policies use: words separated by spaces, single quotes keep spaces and
/// double quotes.
fn shell_words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for ch in line.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            _ => word.push(ch),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// A CSV file as a header and rows of named fields.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_owned).collect();
        let rows = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
        Csv { header, rows }
    }

    fn get(&self, row: &[String], name: &str) -> String {
        let i = self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
        row[i].clone()
    }

    fn num(&self, row: &[String], name: &str) -> f64 {
        let cell = self.get(row, name);
        if cell.is_empty() { f64::NAN } else { cell.parse().unwrap() }
    }
}

/// The chart holds one difference line per queue and the zero line, the
/// report is one self-contained page with the chart inline and the
/// summary side by side, and `routesim plot DIR` redraws both byte for byte.
#[test]
fn the_chart_and_report_hold_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let policy = "scenarios/policies/overflow.toml";
    let with = r#"team.email.queues=["email", { queue = "chat", delay = "60s" }]"#;
    let (code, _, stderr) =
        routesim(&["compare", policy, "--with", with, "-r", "4", "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let svg = std::fs::read_to_string(out.join("charts/compare_service_level.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["chat B − A", "email B − A", "no difference", "Service level by interval: B − A"] {
        assert!(texts.iter().any(|t| t.contains(label)), "{label} not in the chart: {texts:?}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("Side by side"), "chart inline and the summary table");
    assert!(
        html.contains("A: overflow.toml against B: overflow.toml with team.email.queues="),
        "the page names both sides, B by its override"
    );
    for outside in ["http://", "https://", "<script", "src=\""] {
        assert!(!html.contains(outside), "report.html refers outside itself: {outside}");
    }
    let before: Vec<Vec<u8>> =
        ["report.html", "charts/compare_service_level.svg", "charts/compare_service_level.png"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
    let (code, _, stderr) = routesim(&["plot", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    for (f, bytes) in ["report.html", "charts/compare_service_level.svg", "charts/compare_service_level.png"]
        .iter()
        .zip(before)
    {
        assert!(std::fs::read(out.join(f)).unwrap() == bytes, "plot redraws {f} differently");
    }
}

/// The README's figures for the example policies come from the committed
/// scenarios: each policy's command, run as committed (20 replications),
/// gives the headline numbers the README quotes, to its rounding.
#[test]
fn the_readme_figures_come_from_the_committed_policies() {
    let readme = std::fs::read_to_string(Path::new(CRATE).join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // (policy file, queue, metric, the README's A, B and "B − A [low, high]", in percent)
    let cases = [
        ("lunch.toml", "chat", "abandon_rate", "6.4%", "2.1%", "−4.3 points\n  [−4.7, −3.9]"),
        ("coaching.toml", "chat", "service_level", "93.1%", "97.1%", "+4.0 [+3.3, +4.7]"),
        ("requeue.toml", "chat", "service_level", "97.8%", "99.2%", "+1.4 [+1.0, +1.8]"),
        ("offers.toml", "chat", "service_level", "96.1%", "85.0%", "[−11.8, −10.3]"),
        ("phone-separate.toml", "phone", "service_level", "71.9%", "100.0%", "+28.1\n  [+25.9, +30.3]"),
        ("overflow.toml", "chat", "service_level", "89.5%", "94.7%", "+5.2 [+4.2, +6.2]"),
    ];
    for (file, queue, metric, a, b, diff) in cases {
        let text = std::fs::read_to_string(Path::new(CRATE).join("scenarios/policies").join(file)).unwrap();
        let line = text.lines().find_map(|l| l.strip_prefix("# compare: ")).unwrap();
        let out = dir.path().join(file);
        let words = shell_words(line);
        let mut args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        args.extend(["-q", "--out", out.to_str().unwrap()]);
        let (code, _, stderr) = routesim(&args);
        assert_eq!(code, Some(0), "{line}: {stderr}");
        let csv = Csv::read(&out.join("compare.csv"));
        let row = csv
            .rows
            .iter()
            .find(|r| {
                csv.get(r, "scope") == "queue"
                    && csv.get(r, "name") == queue
                    && csv.get(r, "metric") == metric
            })
            .unwrap();
        let pct = |col: &str| format!("{:.1}%", csv.num(row, col) * 100.0);
        let signed = |col: &str| {
            let v = csv.num(row, col) * 100.0;
            let s = format!("{v:+.1}");
            s.replace('-', "−")
        };
        assert_eq!((pct("a_mean"), pct("b_mean")), (a.to_owned(), b.to_owned()), "{file}");
        let (d, lo, hi) = (signed("diff_mean"), signed("diff_ci95_low"), signed("diff_ci95_high"));
        let flat = diff.replace("\n  ", " ");
        assert!(flat.contains(&format!("[{lo}, {hi}]")), "{file}: computed [{lo}, {hi}], README {diff}");
        assert!(flat.starts_with('[') || flat.starts_with(&d), "{file}: computed {d}, README {diff}");
        assert!(readme.contains(diff), "README lacks `{diff}` for {file}");
        assert!(readme.contains(a) && readme.contains(b), "README lacks {a} or {b} for {file}");
    }
}

/// Issue 21 points 1 and 2: `compare` opens with each queue's target, A
/// and B against it and the judged intervals each misses; compare.json
/// holds the same by name (its numbers are compare.csv's rows), the
/// report's title names the override, and in the offers policy the
/// service-level change comes before the from-zero wait change.
#[test]
fn the_verdict_comes_first_and_compare_json_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 2] = [
        ("coaching", &["scenarios/policies/coaching.toml", "--with", "status.Coaching.enabled=false"]),
        (
            "offers",
            &[
                "scenarios/policies/offers.toml",
                "--with",
                r#"routing.assignment="accept""#,
                "--with",
                r#"routing.accept_delay={ dist = "exponential", mean = "10s" }"#,
            ],
        ),
    ];
    for (name, args) in cases {
        let out = dir.path().join(name);
        let mut all = vec!["compare"];
        all.extend(args);
        all.extend(["-r", "6", "--out", out.to_str().unwrap()]);
        let (code, stdout, stderr) = routesim(&all);
        assert_eq!(code, Some(0), "{stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines[0], format!("A: {name}.toml"), "{stdout}");
        assert!(lines[1].starts_with(&format!("B: {name}.toml with ")), "{stdout}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
        let csv = Csv::read(&out.join("compare.csv"));
        let queues = json["queues"].as_array().unwrap();
        assert!(!queues.is_empty());
        for q in queues {
            let queue = q["queue"].as_str().unwrap();
            let row = csv
                .rows
                .iter()
                .find(|r| r[0] == "queue" && r[1] == queue && r[2] == "service_level")
                .unwrap_or_else(|| panic!("{name}: no service_level row for {queue}"));
            for (key, col) in [
                ("a", "a_mean"),
                ("b", "b_mean"),
                ("diff", "diff_mean"),
                ("ci95_low", "diff_ci95_low"),
                ("ci95_high", "diff_ci95_high"),
            ] {
                assert_eq!(q[key].as_f64().unwrap(), csv.num(row, col), "{name} {queue} {key}");
            }
            let (a, b, target) =
                (q["a"].as_f64().unwrap(), q["b"].as_f64().unwrap(), q["target"].as_f64().unwrap());
            assert_eq!(q["a_meets"].as_bool(), Some(a >= target), "{name} {queue}");
            assert_eq!(q["b_meets"].as_bool(), Some(b >= target), "{name} {queue}");
            let judged = q["judged_intervals"].as_u64().unwrap();
            let (am, bm) =
                (q["a_intervals_missing"].as_u64().unwrap(), q["b_intervals_missing"].as_u64().unwrap());
            assert!(judged > 0 && am <= judged && bm <= judged, "{name} {queue}: {q}");
            // The printed line says the same.
            let head = format!(
                "queue {queue}: target {:.0}% within {} s; A {} it ({:.1}%), {am} of {judged} intervals miss; B {} it ({:.1}%), {bm} of {judged} miss",
                100.0 * target,
                q["threshold_seconds"].as_f64().unwrap(),
                if a >= target { "meets" } else { "MISSES" },
                100.0 * a,
                if b >= target { "meets" } else { "MISSES" },
                100.0 * b,
            );
            assert!(lines[3..].iter().take(8).any(|l| *l == head), "{name}: `{head}` not first in\n{stdout}");
        }
        assert!(json["teams"].as_array().is_some_and(|t| !t.is_empty()), "{json}");
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let title = format!("A: {name}.toml against B: {name}.toml with ");
        assert!(html.contains(&title), "{name}: report title");
        assert!(html.contains("<ul class=\"lead\">"), "{name}: the verdict leads the report");
        if name == "offers" {
            // The from-zero wait change (wait_p50 0.0s → 7.5s) comes after the service-level change.
            let sl = stdout.find("  service level").unwrap();
            let wait = stdout.find("wait_p50").unwrap();
            assert!(sl < wait, "{stdout}");
            let json_text = std::fs::read_to_string(out.join("compare.json")).unwrap();
            assert!(json_text.contains("routing.assignment"), "compare.json names the override");
        }
    }
}

/// Issue 21 point 2: with two files, B is named by its file and the keys
/// that differ between the two effective scenarios are listed.
#[test]
fn a_two_file_comparison_lists_the_differing_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = routesim(&[
        "compare",
        "scenarios/policies/phone-separate.toml",
        "scenarios/policies/phone-synced.toml",
        "-r",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..2], ["A: phone-separate.toml", "B: phone-synced.toml"], "{stdout}");
    assert!(lines[2].starts_with("B differs from A in: "), "{stdout}");
    for key in ["team.0.queues: [\"chat\"] → [\"phone\", \"chat\"]", "-team.1.name"] {
        assert!(lines[2].contains(key), "`{key}` not in {}", lines[2]);
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("B differs from A in"), "the settings table says what B is");
}

/// compare_intervals.csv's A and B values are the pooled ratios intervals.csv
/// gives for the same seed and replications (docs/model.md §14, per-interval differences): A's from
/// `run` of A, B's from `run` of B, written the same way, on a policy with two
/// queues and two teams.
#[test]
fn compare_intervals_agree_with_run() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "scenarios/policies/overflow.toml";
    let with = r#"team.email.queues=["email", { queue = "chat", delay = "60s" }]"#;
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let ok = |args: &[&str]| {
        let (code, _, stderr) = routesim(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    };
    ok(&[
        "compare",
        policy,
        "--with",
        with,
        "-r",
        "4",
        "--seed",
        "9",
        "-q",
        "--no-report",
        "--out",
        &path("c"),
    ]);
    ok(&["run", policy, "-r", "4", "--seed", "9", "-q", "--no-report", "--out", &path("a")]);
    ok(&["run", policy, "--set", with, "-r", "4", "--seed", "9", "-q", "--no-report", "--out", &path("b")]);
    let cmp = Csv::read(&dir.path().join("c/compare_intervals.csv"));
    let columns = [
        ("service_level", "service_level_fraction"),
        ("asa", "asa_seconds"),
        ("abandon_rate", "abandon_rate_fraction"),
        ("occupancy", "occupancy_fraction"),
    ];
    let mut checked = 0;
    for (side, col) in [("a", "a_mean"), ("b", "b_mean")] {
        let run = Csv::read(&dir.path().join(side).join("intervals.csv"));
        let queue_rows: Vec<&Vec<String>> =
            run.rows.iter().filter(|r| run.get(r, "scope") == "queue").collect();
        assert_eq!(queue_rows.len() * 4, cmp.rows.len(), "one compare row per queue row and metric");
        for row in queue_rows {
            let (i, queue) = (run.get(row, "interval"), run.get(row, "name"));
            for (metric, run_col) in columns {
                let found = cmp
                    .rows
                    .iter()
                    .find(|c| {
                        cmp.get(c, "interval") == i
                            && cmp.get(c, "queue") == queue
                            && cmp.get(c, "metric") == metric
                    })
                    .unwrap_or_else(|| panic!("no compare row for interval {i} {queue} {metric}"));
                assert_eq!(
                    cmp.get(found, col),
                    run.get(row, run_col),
                    "interval {i} {queue} {metric}: compare's {col} against {side}'s intervals.csv"
                );
                checked += usize::from(!run.get(row, run_col).is_empty());
            }
        }
    }
    assert!(checked > 100, "too few values to compare: {checked}");
}

/// The coverage of compare_intervals.csv's intervals on a stationary case
/// with a known difference: an M/M/c queue (15 Erlangs) on 17 agents (A)
/// and 18 (B), hours of 2 days after a 2-hour warm-up, against the exact
/// Erlang C difference of service level (20 s), ASA and occupancy, on
/// three seeds at 20 and at 60 replications. An interval is either given
/// and covers the exact difference in at least 90% of the intervals of each
/// metric, or withheld with the replications Cochran's rule asks for. The
/// figures are in docs/model.md §14, per-interval differences.
#[test]
fn compare_intervals_cover_the_exact_difference() {
    let scenario = r#"
name = "mmc"
horizon = "2d"
warmup = "2h"
interval = "1h"
[[queue]]
name = "calls"
sl_threshold = "20s"
arrivals = { per_hour = 300 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["calls"]
[[agents]]
name = "a"
team = "t"
count = 17
"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mmc.toml");
    std::fs::write(&file, scenario).unwrap();
    let exact = |agents: u32| routesim::erlang::erlang_c(300.0 / 3600.0, 180.0, agents, 20.0).unwrap();
    let (a, b) = (exact(17), exact(18));
    let truth = |metric: routesim::stats::Metric| match metric {
        routesim::stats::Metric::ServiceLevel => b.service_level - a.service_level,
        routesim::stats::Metric::Asa => b.asa - a.asa,
        routesim::stats::Metric::Occupancy => 15.0 / 18.0 - 15.0 / 17.0,
        _ => f64::NAN,
    };
    // (replications, metric) -> (covered, given, withheld, least replications asked)
    let mut seen: std::collections::BTreeMap<(u32, String), (u32, u32, u32, u64)> = Default::default();
    for reps in [20, 60] {
        for seed in [1, 2, 3] {
            let set = [format!("seed={seed}"), format!("replications={reps}")];
            let cmp = compare::load(&file, None, &["agents.a.count=18".into()], &set).unwrap();
            let got = cmp.run(&routesim::driver::Workers::new(2).unwrap(), &|| {}).unwrap();
            for row in got.intervals.iter().filter(|r| r.interval >= 2) {
                let want = truth(row.metric);
                if !want.is_finite() {
                    continue;
                }
                let e = seen.entry((reps, row.metric.name().to_owned())).or_insert((0, 0, 0, u64::MAX));
                match row.interval_needs {
                    Some(need) => {
                        assert!(need > u64::from(reps) && row.diff.low.is_nan() && !row.diff.significant);
                        e.2 += 1;
                        e.3 = e.3.min(need);
                    }
                    None => {
                        e.1 += 1;
                        e.0 += u32::from(row.diff.low <= want && want <= row.diff.high);
                    }
                }
            }
        }
    }
    eprintln!("(replications, metric) -> (covered, given, withheld, least asked): {seen:?}");
    for ((reps, metric), (covered, given, withheld, _)) in &seen {
        assert_eq!(given + withheld, 138, "{reps} {metric}");
        assert!(
            f64::from(*covered) >= 0.90 * f64::from(*given),
            "{reps} {metric}: {covered} of {given} cover it"
        );
    }
    // The rule gives intervals where they hold: service level and occupancy at 60.
    assert!(seen[&(60, "service_level".to_owned())].1 >= 120, "{seen:?}");
    assert!(seen[&(60, "occupancy".to_owned())].1 >= 120, "{seen:?}");
    // And withholds ASA's, whose skewed residuals need far more replications.
    assert!(seen[&(60, "asa".to_owned())].2 >= 120, "{seen:?}");
}
