//! `routesim staff` end to end: the simulation method against Erlang A on a
//! stationary scenario, the swing-day comparison of the methods (docs/model.md
//! §13), independence of --threads, and staffing.csv's columns by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::{num, rows};

const BIN: &str = env!("CARGO_BIN_EXE_routesim");
const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// The columns of staffing.csv, each checked by name in
/// [`staffing_csv_columns_match_a_run_of_the_staffed_scenario`].
pub const CHECKED: [&str; 8] =
    ["start", "method", "agents", "offered_erlangs", "service_level", "asa", "abandon_rate", "occupancy"];

/// A stationary M/M/c+M day: constant arrivals, no statuses, no shift.
const STATIONARY: &str = r#"
name = "flat"
seed = 11
horizon = "4h"
warmup = "30m"
interval = "30m"
replications = 20

[[queue]]
name = "calls"
sl_threshold = "20s"
arrivals = { per_hour = 200 }
handle_time = { dist = "exponential", mean = "5m" }
patience = { dist = "exponential", mean = "5m" }

[[team]]
name = "desk"
queues = ["calls"]

[[agents]]
name = "all"
team = "desk"
count = 20
"#;

fn routesim(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("start routesim")
}

fn routesim_ok(dir: &Path, args: &[&str]) -> String {
    let out = routesim(dir, args);
    assert!(
        out.status.success(),
        "routesim {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// staffing.csv's rows of one method.
fn method_rows(dir: &Path, method: &str) -> Vec<BTreeMap<String, String>> {
    rows(&dir.join("staffing.csv")).into_iter().filter(|r| r["method"] == method).collect()
}

fn scenario_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

#[test]
fn stationary_simulation_is_within_one_agent_of_erlang_a() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario_file(tmp.path(), "flat.toml", STATIONARY);
    let file = file.to_str().expect("path");
    routesim_ok(
        tmp.path(),
        &[
            "staff",
            file,
            "--group",
            "all",
            "--target",
            "service_level>=0.8",
            "--method",
            "all",
            "--mean",
            "--out",
            "out",
            "-q",
        ],
    );
    let out = tmp.path().join("out");
    let a = method_rows(&out, "erlang-a");
    let s = method_rows(&out, "simulation");
    assert_eq!(a.len(), 8);
    // The warm-up interval (00:00) is not judged: the day starts empty.
    for (ra, rs) in a.iter().zip(&s).skip(1) {
        let (na, ns) = (num(ra, "agents"), num(rs, "agents"));
        eprintln!("{} erlang-a {na} simulation {ns}", ra["start"]);
        assert!((na - ns).abs() <= 1.0, "{}: erlang-a {na}, simulation {ns}", ra["start"]);
    }
}

/// Best minus worst service level over rows (intervals with traffic).
fn spread(levels: &[f64]) -> f64 {
    let v: Vec<f64> = levels.iter().copied().filter(|x| !x.is_nan()).collect();
    v.iter().copied().fold(f64::MIN, f64::max) - v.iter().copied().fold(f64::MAX, f64::min)
}

#[test]
fn swing_day_simulation_staffing_holds_where_the_formulas_do_not() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = Path::new(CRATE).join("scenarios/swing-day.toml");
    let file = file.to_str().expect("path");
    routesim_ok(
        tmp.path(),
        &["staff", file, "--group", "agents", "--target", "service_level>=0.8", "--out", "out", "-q"],
    );
    let out = tmp.path().join("out");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("read"))
            .expect("json");
    assert_eq!(summary["judge"], serde_json::json!({ "on": "confidence", "level": 0.95 }), "the default");
    let mut hours = BTreeMap::new();
    let mut spreads = BTreeMap::new();
    for method in ["erlang-c", "erlang-a", "simulation"] {
        let r = method_rows(&out, method);
        assert_eq!(r.len(), 24, "{method}: one row per half hour of the 12-hour horizon");
        let sl: Vec<f64> = r.iter().map(|row| num(row, "service_level")).collect();
        hours.insert(method, r.iter().map(|row| num(row, "agents") * 0.5).sum::<f64>());
        spreads.insert(method, spread(&sl));
    }
    // Re-simulate the simulation method's staffing (the folder's scenario.toml)
    // on other seeds than the search used (seed 7), 100 replications as the search.
    routesim_ok(tmp.path(), &["run", "out/scenario.toml", "--seed", "1001", "--out", "other", "-q"]);
    let other: Vec<_> =
        rows(&tmp.path().join("other/intervals.csv")).into_iter().filter(|r| r["scope"] == "queue").collect();
    assert_eq!(other.len(), 24);
    let t975_99 = 1.9842;
    let mut below = 0;
    let mut other_sl = Vec::new();
    for r in &other {
        let sl = num(r, "service_level_fraction");
        let se = (num(r, "service_level_ci95_high") - num(r, "service_level_ci95_low")) / (2.0 * t975_99);
        eprintln!("other seeds {} service level {sl:.3} (se {se:.3})", r["start"]);
        // Tolerance: two standard errors of the interval's estimate.
        assert!(sl >= 0.8 - 2.0 * se, "{}: service level {sl} on other seeds, se {se}", r["start"]);
        below += usize::from(sl < 0.8);
        other_sl.push(sl);
    }
    // The issue's check: the default judgement's answer on 2,000 fresh
    // replications falls more than 2 SE below the target in at most one interval.
    routesim_ok(
        tmp.path(),
        &["run", "out/scenario.toml", "--seed", "1001", "-r", "2000", "--out", "fresh", "-q"],
    );
    let fresh: Vec<_> =
        rows(&tmp.path().join("fresh/intervals.csv")).into_iter().filter(|r| r["scope"] == "queue").collect();
    assert_eq!(fresh.len(), 24);
    let t975_1999 = 1.9612;
    let far_below: Vec<String> = fresh
        .iter()
        .filter(|r| {
            let sl = num(r, "service_level_fraction");
            let se =
                (num(r, "service_level_ci95_high") - num(r, "service_level_ci95_low")) / (2.0 * t975_1999);
            eprintln!("2,000 fresh replications {} service level {sl:.4} (se {se:.4})", r["start"]);
            sl < 0.8 - 2.0 * se
        })
        .map(|r| r["start"].clone())
        .collect();
    assert!(far_below.len() <= 1, "more than 2 SE below 80% on 2,000 fresh replications: {far_below:?}");
    let other_spread = spread(&other_sl);
    eprintln!("agent-hours {hours:?}");
    eprintln!("service-level spread (best - worst interval), search seed: {spreads:?}");
    eprintln!(
        "simulation's spread on other seeds {other_spread:.3}; intervals below 0.8 there: {below} of 24"
    );
    for formula in ["erlang-c", "erlang-a"] {
        assert!(
            spreads["simulation"] * 3.0 < spreads[formula],
            "spread: simulation {} against {formula} {}",
            spreads["simulation"],
            spreads[formula]
        );
        assert!(
            other_spread * 3.0 < spreads[formula],
            "spread on other seeds {other_spread} against {formula}"
        );
    }
    assert!(hours["simulation"] <= hours["erlang-c"], "agent-hours {hours:?}");
    // Pointwise formulas go wrong after the peak: the interval 08:00 misses badly.
    let c = method_rows(&out, "erlang-c");
    assert!(num(&c[16], "service_level") < 0.6, "erlang-c at {}: {:?}", c[16]["start"], c[16]);
}

#[test]
fn staff_results_do_not_depend_on_threads() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = Path::new(CRATE).join("scenarios/swing-day.toml");
    let file = file.to_str().expect("path");
    for threads in ["1", "2"] {
        routesim_ok(
            tmp.path(),
            &[
                "staff",
                file,
                "--group",
                "agents",
                "--target",
                "service_level>=0.8",
                "--target",
                "asa<=40s",
                "-r",
                "6",
                "--confidence",
                "0.9",
                "--out",
                threads,
                "-j",
                threads,
                "-q",
            ],
        );
    }
    for name in ["staffing.csv", "summary.json", "scenario.toml"] {
        let one = std::fs::read(tmp.path().join("1").join(name)).expect("read");
        let two = std::fs::read(tmp.path().join("2").join(name)).expect("read");
        assert!(one == two, "{name} differs between --threads 1 and 2");
    }
}

#[test]
fn staffing_csv_columns_match_a_run_of_the_staffed_scenario() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario_file(tmp.path(), "flat.toml", STATIONARY);
    let file = file.to_str().expect("path");
    let printed = routesim_ok(
        tmp.path(),
        &[
            "staff",
            file,
            "--group",
            "all",
            "--target",
            "service_level>=0.8",
            "--method",
            "simulation",
            "--paid-hours",
            "37.5",
            "--out",
            "out",
        ],
    );
    assert!(printed.contains("simulation") && printed.contains("agent-hours"), "{printed}");
    assert!(
        printed.contains("judged on the one-sided 95% confidence bound over 20 replications"),
        "{printed}"
    );
    let out = tmp.path().join("out");
    let csv = rows(&out.join("staffing.csv"));
    let header = std::fs::read_to_string(out.join("staffing.csv")).expect("read");
    assert_eq!(header.lines().next(), Some(CHECKED.join(",").as_str()));
    assert_eq!(header.lines().next(), Some(routesim::staffing::output::STAFFING_HEADER));
    let close = |a: f64, b: f64| (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-5 * b.abs().max(1.0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("read"))
            .expect("json");
    let levels: Vec<f64> = summary["methods"][0]["staffing"]
        .as_array()
        .expect("staffing")
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    assert_eq!(levels.len(), 48, "one level per half hour of the day");
    // summary.json's numbers: the inputs and the method's totals.
    assert_eq!(summary["seed"], 11);
    assert_eq!(summary["replications"], 20);
    assert_eq!(summary["targets"][0], "service_level>=0.8");
    assert_eq!(summary["judge"], serde_json::json!({ "on": "confidence", "level": 0.95 }));
    let method = &summary["methods"][0];
    assert_eq!(method["method"], "simulation");
    let hours: f64 = csv.iter().map(|r| num(r, "agents") * 0.5).sum();
    assert!(close(method["agent_hours"].as_f64().expect("agent_hours"), hours), "agent_hours");
    assert_eq!(method["judged_intervals"], 7, "the warm-up interval is not judged");
    assert_eq!(method["misses"], 0);
    // The answer re-simulated on the independent seed 11 + 1,000,003: every
    // judged interval has traffic; the count met is the printed one.
    let v = &summary["validation"];
    assert_eq!(
        (v["method"].as_str(), v["seed"].as_u64(), v["replications"].as_u64()),
        (Some("simulation"), Some(1_000_014), Some(20))
    );
    let check = &v["queues"][0];
    assert_eq!((check["queue"].as_str(), check["judged_intervals"].as_u64()), (Some("calls"), Some(7)));
    let met = check["met"].as_u64().expect("met");
    assert!(met >= 5, "the bound's answer meets 80% on most fresh intervals: {met} of 7");
    assert!(printed.contains(&format!("independent seed (1000014, 20 replications, judged on the mean): calls meets service_level>=0.8 in {met} of 7 intervals")), "{printed}");
    // FTE: a 4-hour horizon stands for each of 7 days; no statuses, so no shrinkage.
    let fte = &summary["fte"];
    let weekly = hours * 7.0;
    assert!(close(fte["weekly_agent_hours"].as_f64().expect("weekly"), weekly), "{fte}");
    assert_eq!(fte["shrinkage"], 0.0, "{fte}");
    assert!(close(fte["fte"].as_f64().expect("fte"), weekly / 37.5), "{fte}");
    assert!(printed.contains(&format!("group all (team desk): {weekly:.1} agent-hours a week logged in, 0.0% of it in planned statuses; {:.1} FTE at 37.5 paid hours a week", weekly / 37.5)), "{printed}");
    let search = &summary["search"];
    assert_eq!(search["met"], true);
    let simulations = search["simulations"].as_u64().expect("simulations");
    let isa = search["isa_iterations"].as_u64().expect("isa");
    let raised = search["raise_rounds"].as_u64().expect("raise");
    assert!((1..=8).contains(&isa) && simulations > isa + raised, "{search}");
    assert!(search["lower_rounds"].as_u64().is_some_and(|l| l < 60), "{search}");
    // Lowering ended on its own (no step could lose an agent), not on the round cap.
    assert_eq!(search["lowering_stopped_early"], false, "{search}");
    // The folder's scenario.toml runs with the same seed and replications
    // and gives every metric column back.
    routesim_ok(tmp.path(), &["run", "out/scenario.toml", "--out", "rerun", "-q"]);
    let intervals = rows(&tmp.path().join("rerun/intervals.csv"));
    let queue: Vec<_> = intervals.iter().filter(|r| r["scope"] == "queue").collect();
    let team: Vec<_> = intervals.iter().filter(|r| r["scope"] == "team").collect();
    assert_eq!(csv.len(), 8);
    for (i, row) in csv.iter().enumerate() {
        assert_eq!(row["start"], queue[i]["start"], "start");
        assert_eq!(row["method"], "simulation");
        let agents = num(row, "agents");
        assert_eq!(agents, levels[i], "agents = summary.json's staffing");
        // The staffed scenario logs exactly that many agents in (no shift, no episodes).
        assert!(close(num(team[i], "agents_logged_in"), agents), "agents logged in at {}", row["start"]);
        // Offered load: 200 an hour × 5 minutes.
        assert!(close(num(row, "offered_erlangs"), 200.0 * 5.0 / 60.0), "offered_erlangs");
        for (col, theirs) in [
            ("service_level", "service_level_fraction"),
            ("asa", "asa_seconds"),
            ("abandon_rate", "abandon_rate_fraction"),
            ("occupancy", "occupancy_fraction"),
        ] {
            let (a, b) = (num(row, col), num(queue[i], theirs));
            assert!(close(a, b), "{col} at {}: staffing.csv {a}, intervals.csv {b}", row["start"]);
        }
    }
    let scenario = std::fs::read_to_string(out.join("scenario.toml")).expect("read");
    assert!(!scenario.contains("count"), "the count gave way to the staffing array:\n{scenario}");
}

#[test]
fn staff_refuses_bad_input_with_status_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario_file(tmp.path(), "flat.toml", STATIONARY);
    let file = file.to_str().expect("path");
    for (args, says) in [
        (vec!["--group", "nobody", "--target", "service_level>=0.8"], "its groups are: all"),
        // The library names the setting; the binary names the flag.
        (vec!["--group", "nobody", "--target", "service_level>=0.8"], "error: --group nobody: "),
        (vec!["--group", "all", "--target", "service_level<=0.8"], "error: --target service_level<=0.8: "),
        (vec!["--group", "all", "--target", "asa<=20s", "--confidence", "1.5"], "error: --confidence 1.5: "),
        (vec!["--group", "all", "--target", "asa<=20s", "--method", "guess"], "error: --method guess: "),
        (
            vec!["--group", "all", "--target", "asa<=20s", "--confidence", "0.9", "-r", "1"],
            "--confidence: needs at least 2",
        ),
        (vec!["--group", "all", "--target", "service_level<=0.8"], "service_level>=0.8"),
        (
            vec!["--group", "all", "--target", "asa<=20s", "--method", "guess"],
            "erlang-c, erlang-a, simulation",
        ),
        (vec!["--group", "all", "--target", "asa<=20s", "--confidence", "1.5"], "between 0 and 1"),
        (vec!["--group", "all", "--target", "asa<=20s", "--set", "agents.all.count=3"], "not both"),
        (vec!["--group", "all", "--target", "asa<=20s", "--paid-hours", "0"], "error: --paid-hours 0: "),
        (vec!["--group", "all", "--target", "asa<=20s", "--paid-hours", "200"], "e.g. 37.5"),
        (vec!["--group", "all", "--target", "asa<=20s", "-r", "1"], "or judge on the mean (--mean)"),
        (vec!["--group", "all", "--target", "asa<=20s", "--mean", "--days", "0.9"], "cannot be used with"),
    ] {
        let mut full = vec!["staff", file, "--out", "out"];
        full.extend(args);
        let run = routesim(tmp.path(), &full);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{full:?}: {err}");
        assert!(err.contains(says), "{full:?}: {err}");
        assert!(!tmp.path().join("out").exists(), "{full:?} wrote output");
    }
}

#[test]
fn days_judgement_meets_the_target_in_that_share_of_replications() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario_file(tmp.path(), "flat.toml", STATIONARY);
    let file = file.to_str().expect("path");
    let printed = routesim_ok(
        tmp.path(),
        &[
            "staff",
            file,
            "--group",
            "all",
            "--target",
            "service_level>=0.8",
            "--days",
            "0.9",
            "--method",
            "simulation",
            "--out",
            "out",
        ],
    );
    assert!(printed.contains("met in at least 90% of 20 replications (days)"), "{printed}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out/summary.json")).expect("read"))
            .expect("json");
    assert_eq!(summary["judge"]["on"], "days");
    assert_eq!(summary["judge"]["fraction"], 0.9);
    // Meeting 80% on 90% of days takes more agents than meeting it on average.
    routesim_ok(
        tmp.path(),
        &[
            "staff",
            file,
            "--group",
            "all",
            "--target",
            "service_level>=0.8",
            "--method",
            "simulation",
            "--mean",
            "--out",
            "mean",
            "-q",
        ],
    );
    let agents = |dir: &str| -> f64 {
        method_rows(&tmp.path().join(dir), "simulation").iter().skip(1).map(|r| num(r, "agents")).sum()
    };
    assert!(agents("out") > agents("mean"), "days {} against mean {}", agents("out"), agents("mean"));
}

/// docs/model.md C18 and §13.5: with day-to-day volume uncertainty
/// (`rate_cv`), staffing judged on 90% of days needs more agents than the
/// same judgement with the rates known exactly; re-simulated on other seeds
/// in the uncertain world it meets the target on close to 90% of days (the
/// search fits the share to its own 20 replications, so some shortfall on
/// other seeds is expected: 2 binomial SE of 60 days are allowed).
#[test]
fn days_judgement_sizes_for_uncertain_volumes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let uncertain =
        STATIONARY.replace("arrivals = { per_hour = 200 }", "arrivals = { per_hour = 200, rate_cv = 0.2 }");
    assert_ne!(uncertain, STATIONARY);
    let exact = scenario_file(tmp.path(), "exact.toml", STATIONARY);
    let vague = scenario_file(tmp.path(), "vague.toml", &uncertain);
    for (file, out) in [(&exact, "exact"), (&vague, "vague")] {
        let args =
            ["staff", file.to_str().expect("path"), "--group", "all", "--target", "service_level>=0.8"];
        let more = ["--days", "0.9", "--method", "simulation", "--out", out, "-q"];
        routesim_ok(tmp.path(), &[&args[..], &more[..]].concat());
    }
    let agents = |dir: &str| -> f64 {
        method_rows(&tmp.path().join(dir), "simulation").iter().skip(1).map(|r| num(r, "agents")).sum()
    };
    let (exact_agents, vague_agents) = (agents("exact"), agents("vague"));
    eprintln!("agents over the day, 90% of days: rates exact {exact_agents}, rate_cv 0.2 {vague_agents}");
    assert!(
        vague_agents > exact_agents,
        "uncertain volumes need more agents: {vague_agents} vs {exact_agents}"
    );

    // Both staffings in the uncertain world, on other seeds: the share of
    // days (replications) whose service level met the target.
    let days_met = |staffed: &str| -> f64 {
        let text = std::fs::read_to_string(tmp.path().join(staffed).join("scenario.toml")).expect("scenario");
        let text =
            text.replace("arrivals = { per_hour = 200 }", "arrivals = { per_hour = 200, rate_cv = 0.2 }");
        assert!(text.contains("rate_cv = 0.2"), "{text}");
        let file = scenario_file(tmp.path(), &format!("{staffed}-world.toml"), &text);
        let out = format!("{staffed}-world");
        let args = ["run", file.to_str().expect("path"), "--seed", "501", "-r", "60", "--out", &out, "-q"];
        routesim_ok(tmp.path(), &args);
        let summary = std::fs::read_to_string(tmp.path().join(&out).join("summary.csv")).expect("summary");
        let line =
            summary.lines().find(|l| l.starts_with("queue,calls,target_met,")).expect("target_met row");
        line.split(',').nth(4).expect("mean").parse().expect("number")
    };
    let (with_exact, with_vague) = (days_met("exact"), days_met("vague"));
    eprintln!(
        "share of 60 uncertain days meeting 80%: staffed for exact rates {with_exact}, for rate_cv {with_vague}"
    );
    assert!(with_exact < 1.0 && with_vague < 1.0, "the check has power: some days miss");
    // Binomial SE of a share over 60 days is at most 0.065: require 0.9 - 2 SE.
    assert!(with_vague >= 0.77, "staffed for uncertainty, met on {with_vague} of days");
}

/// With no --target each queue is judged against its own targets from the
/// scenario: `sl_target` alone gives what `--target service_level>=0.8`
/// gives; `asa_target` and `abandon_target` add targets the search must meet,
/// and the independent-seed line counts each of them.
#[test]
fn without_target_each_queue_is_judged_against_its_own() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario_file(tmp.path(), "flat.toml", STATIONARY);
    let file = file.to_str().expect("path");
    let base = ["staff", file, "--group", "all", "--method", "simulation", "-q"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra);
        routesim_ok(tmp.path(), &args);
    };
    run(&["--out", "own"]);
    run(&["--out", "given", "--target", "service_level>=0.8"]);
    let read =
        |dir: &str, name: &str| std::fs::read_to_string(tmp.path().join(dir).join(name)).expect("read");
    assert_eq!(
        read("own", "staffing.csv"),
        read("given", "staffing.csv"),
        "sl_target 0.8 is --target service_level>=0.8"
    );
    let own: serde_json::Value = serde_json::from_str(&read("own", "summary.json")).expect("json");
    assert_eq!(own["targets_from_scenario"], true);
    assert_eq!(
        own["queue_targets"],
        serde_json::json!([{ "queue": "calls", "targets": ["service_level>=0.8"] }])
    );
    // A strict ASA target of its own asks for more agents than the service level alone.
    run(&[
        "--out",
        "strict",
        "--set",
        "queue.calls.asa_target=\"5s\"",
        "--set",
        "queue.calls.abandon_target=0.02",
    ]);
    let strict: serde_json::Value = serde_json::from_str(&read("strict", "summary.json")).expect("json");
    let targets = &strict["queue_targets"][0]["targets"];
    assert_eq!(
        targets,
        &serde_json::json!(["service_level>=0.8", "asa<=5s", "abandon_rate<=0.02"]),
        "{strict}"
    );
    let hours = |s: &serde_json::Value| s["methods"][0]["agent_hours"].as_f64().expect("hours");
    assert!(hours(&strict) > hours(&own), "asa<=5s: {} against {}", hours(&strict), hours(&own));
    assert_eq!(strict["methods"][0]["misses"], 0);
    let checks = strict["validation"]["queues"].as_array().expect("checks");
    assert_eq!(checks.len(), 3, "one count per target of the queue: {checks:?}");
    assert!(checks.iter().all(|c| c["judged_intervals"] == 7), "{checks:?}");
}

/// A dated forecast over a horizon longer than a day gives a staffing array
/// for the week (one level per interval of the week from day 0), not one
/// repeated day: a quiet second day needs fewer agents than a busy first one
/// at the same clock time.
#[test]
fn a_dated_forecast_is_staffed_per_interval_of_the_week() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("start;queue;offered;aht\n");
    for (date, volume) in [("2026-12-07", "60"), ("2026-12-08", "6")] {
        for hour in 8..18 {
            csv.push_str(&format!("{date} {hour:02}:00;calls;{volume};300\n"));
        }
    }
    std::fs::write(tmp.path().join("two-days.csv"), csv).expect("write");
    let file = scenario_file(
        tmp.path(),
        "two.toml",
        r#"
name = "two"
seed = 3
horizon = "2d"
interval = "1h"
replications = 4
forecast = "two-days.csv"

[[queue]]
name = "calls"
sl_threshold = "20s"
handle_time = { dist = "exponential", mean = "5m" }

[[team]]
name = "desk"
queues = ["calls"]

[[agents]]
name = "all"
team = "desk"
count = 10
"#,
    );
    let file = file.to_str().expect("path");
    routesim_ok(tmp.path(), &["staff", file, "--group", "all", "--method", "erlang-c", "--out", "out", "-q"]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out/summary.json")).expect("read"))
            .expect("json");
    let levels: Vec<u64> = summary["methods"][0]["staffing"]
        .as_array()
        .expect("staffing")
        .iter()
        .filter_map(|v| v.as_u64())
        .collect();
    assert_eq!(levels.len(), 7 * 24, "one level per hour of the week");
    // 60 calls of 5 minutes an hour is 5 Erlangs; 6 is half an Erlang.
    assert!(levels[10] > levels[24 + 10], "Monday 10:00 {} against Tuesday 10:00 {}", levels[10], levels[34]);
    assert!(levels[24 + 10] >= 1, "Tuesday still has calls");
    assert_eq!(levels[3], 0, "nothing arrives at night");
    let rows = method_rows(&tmp.path().join("out"), "erlang-c");
    assert_eq!(rows.len(), 48);
    assert_eq!(num(&rows[34], "agents"), levels[34] as f64, "staffing.csv follows the week's array");
}
