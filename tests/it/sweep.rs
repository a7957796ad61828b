//! End-to-end runs of `routesim sweep` (docs/model.md §11.8): a variant's
//! rows are `run --set`'s summary.csv rows byte for byte, the files do not
//! depend on `--threads`, grid order and headers, bad `--vary` forms (exit
//! 2, nothing written), and the capacity curve: service level rises with
//! the number of agents.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn small() -> String {
    Path::new(CRATE).join("tests/fixtures/small.toml").display().to_string()
}

fn erlang_c() -> String {
    Path::new(CRATE).join("scenarios/erlang-c.toml").display().to_string()
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// sweep.csv's rows whose leading (varied) columns are `values`, with those columns cut off.
fn rows_of(sweep_csv: &str, values: &[&str]) -> String {
    let prefix = format!("{},", values.join(","));
    sweep_csv.lines().skip(1).filter_map(|l| l.strip_prefix(&prefix)).map(|l| format!("{l}\n")).collect()
}

#[test]
fn a_variants_rows_are_run_sets_summary_rows_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stdout = routesim_ok(
        d,
        &[
            "sweep",
            &small(),
            "--vary",
            "agents.day.count=3..4",
            "--vary",
            "queue.chat.arrivals.per_hour=30,45",
        ],
    );
    assert!(stdout.contains("small — 4 variants, seed 7"), "{stdout}");
    let out = d.join("output/small-sweep");
    let sweep = read(out.join("sweep.csv"));
    for (count, rate) in [("3", "30"), ("3", "45"), ("4", "30"), ("4", "45")] {
        let set = [format!("agents.day.count={count}"), format!("queue.chat.arrivals.per_hour={rate}")];
        let run_dir = d.join(format!("run-{count}-{rate}"));
        routesim_ok(
            d,
            &["run", &small(), "--set", &set[0], "--set", &set[1], "--out", run_dir.to_str().unwrap(), "-q"],
        );
        let summary = read(run_dir.join("summary.csv"));
        let (_, rows) = summary.split_once('\n').unwrap();
        assert_eq!(rows_of(&sweep, &[count, rate]), rows, "variant {set:?}");
        // The folder's scenario.toml with the variant's `set` from sweep.json reproduces it too.
        let rerun = d.join(format!("rerun-{count}-{rate}"));
        routesim_ok(
            d,
            &[
                "run",
                out.join("scenario.toml").to_str().unwrap(),
                "--set",
                &set[0],
                "--set",
                &set[1],
                "--out",
                rerun.to_str().unwrap(),
                "-q",
            ],
        );
        assert_eq!(read(rerun.join("summary.csv")), summary);
    }
    let json: serde_json::Value = serde_json::from_str(&read(out.join("sweep.json"))).unwrap();
    assert_eq!(json["keys"], serde_json::json!(["agents.day.count", "queue.chat.arrivals.per_hour"]));
    assert_eq!(
        json["variants"][1]["set"],
        serde_json::json!(["agents.day.count=3", "queue.chat.arrivals.per_hour=45"])
    );
    assert_eq!(json["variants"][1]["values"], serde_json::json!(["3", "45"]));
    assert_eq!(json["variants"][1]["seed"], 7);
    assert_eq!(json["variants"][1]["replications"], 2);
    let mut names: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["charts", "report.html", "scenario.toml", "sweep.csv", "sweep.json"]);
}

#[test]
fn grid_order_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid");
    routesim_ok(
        dir.path(),
        &[
            "sweep",
            &small(),
            "--vary",
            "agents.backoffice.count=1..2",
            "--vary",
            "queue.email.handle_time.value=4m,\"6m\"",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
    );
    let sweep = read(out.join("sweep.csv"));
    let header = sweep.lines().next().unwrap();
    assert_eq!(
        header,
        "agents.backoffice.count,queue.email.handle_time.value,scope,name,metric,unit,mean,ci95_low,ci95_high,replications"
    );
    // Variant by variant, the first --vary slowest; each variant's rows together.
    let mut order: Vec<(String, String)> = Vec::new();
    for line in sweep.lines().skip(1) {
        let mut cells = line.split(',');
        let key = (cells.next().unwrap().to_owned(), cells.next().unwrap().to_owned());
        if order.last() != Some(&key) {
            order.push(key);
        }
    }
    let want: Vec<(String, String)> =
        [("1", "4m"), ("1", "\"\"\"6m\"\"\""), ("2", "4m"), ("2", "\"\"\"6m\"\"\"")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(order, want, "four variants, once each, grid order (a quoted value is CSV-quoted)");
    // A longer email handle time raises the queue's aht: the value reached the scenario.
    let aht = |values: &[&str]| -> f64 {
        let rows = rows_of(&sweep, values);
        let row = rows.lines().find(|l| l.starts_with("queue,email,aht,")).unwrap();
        row.split(',').nth(4).unwrap().parse().unwrap()
    };
    assert_eq!(aht(&["1", "4m"]), 240.0);
    assert_eq!(aht(&["1", "\"\"\"6m\"\"\""]), 360.0);
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let files = |threads: &str| {
        let out = dir.path().join(format!("j{threads}"));
        routesim_ok(
            dir.path(),
            &[
                "sweep",
                &small(),
                "--vary",
                "agents.day.count=2..5",
                "-r",
                "5",
                "-j",
                threads,
                "--out",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        ["sweep.csv", "sweep.json", "scenario.toml"].map(|f| fs::read(out.join(f)).unwrap())
    };
    assert!(files("1") == files("2"), "sweep files differ between --threads 1 and --threads 2");
}

#[test]
fn bad_vary_forms_exit_2_name_the_vary_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--vary", "agents.day.count"], "--vary agents.day.count: write KEY=A..B"),
        (&["--vary", "agents.day.count=5..1"], "smaller bound first"),
        (&["--vary", "seed=0.1..0.5"], "decimal range needs a step"),
        (&["--vary", "agents.day.count=1..x"], "B `x` is not a number"),
        (&["--vary", "agents.day.count=1,,2"], "value 2 of the list is empty"),
        (&["--vary", "agents.day.count=1..2", "--vary", "agents.day.count=3"], "varied twice"),
        (&["--vary", "seed=1..2", "--seed", "4"], "also set by `seed=4`"),
        (
            &["--vary", "agents.day.count=2,-1"],
            "sweep variant agents.day.count=-1 (of --vary agents.day.count=2,-1): ",
        ),
        (&["--vary", "agents.dya.count=1..2"], "did you mean `day`?"),
        (&["--vary", "a=1..1000", "--vary", "b=1..11"], "a sweep runs at most 10000"),
    ];
    for (args, want) in cases {
        let mut all = vec!["sweep", "SMALL"];
        all.extend(args.iter());
        let small = small();
        all[1] = &small;
        let out = routesim(dir.path(), &all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let missing = routesim(dir.path(), &["sweep", &small()]);
    assert_eq!(missing.status.code(), Some(2), "--vary is required");
    assert!(!dir.path().join("output").exists(), "nothing was written");
}

/// The capacity curve on erlang-c.toml (90 Erlangs; one day, 6
/// replications): service level rises with the agents. Each step up may
/// not fall by more than 3 standard errors of the difference (from the
/// file's intervals, t(0.975, 5) = 2.571), and the curve as a whole must
/// rise: 92 agents' interval lies wholly below 98's. Common random numbers
/// make the steps far tighter than the standard errors suggest, and give
/// every variant the same arrivals.
#[test]
fn service_level_rises_with_agents() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("curve");
    let stdout = routesim_ok(
        dir.path(),
        &[
            "sweep",
            &erlang_c(),
            "--vary",
            "agents.all.count=92..98/2",
            "--set",
            "horizon=1d",
            "-r",
            "6",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(stdout.contains("agents.all.count"), "{stdout}");
    let sweep = read(out.join("sweep.csv"));
    let curve: Vec<(f64, f64, f64)> = ["92", "94", "96", "98"]
        .iter()
        .map(|n| {
            let rows = rows_of(&sweep, &[n]);
            let row = rows.lines().find(|l| l.starts_with("queue,calls,service_level,")).unwrap();
            let cells: Vec<f64> = row.split(',').skip(4).take(3).map(|c| c.parse().unwrap()).collect();
            (cells[0], cells[1], cells[2])
        })
        .collect();
    let se = |(_, lo, hi): (f64, f64, f64)| (hi - lo) / 2.0 / 2.571;
    for pair in curve.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let tolerance = 3.0 * (se(a).powi(2) + se(b).powi(2)).sqrt();
        assert!(b.0 - a.0 > -tolerance, "service level fell from {a:?} to {b:?}");
    }
    assert!(curve[0].2 < curve[3].1, "92 agents {:?} not below 98 agents {:?}", curve[0], curve[3]);
    // Common random numbers: every variant sees the same arrivals, so the
    // offered counts agree to the last digit (no tolerance).
    let offered: Vec<String> = ["92", "94", "96", "98"]
        .iter()
        .map(|n| {
            rows_of(&sweep, &[n]).lines().find(|l| l.starts_with("total,all,offered,")).unwrap().to_owned()
        })
        .collect();
    assert!(offered.iter().all(|o| *o == offered[0]), "{offered:?}");
}
