//! Forecasts as planners have them: the bundled `forecast-day` scenario
//! reads a `;`-separated forecast with decimal commas in 15-minute rows and
//! reports every 30 minutes; its simulated offered counts must match the
//! file, and a forecast's `aht` must set each interval's mean handle time.
//! Also `check` showing the forecast, and a bad forecast row under `run`.
//!
//! Tolerance: each mean is within K = 4 standard errors of the forecast.
//! Counts are Poisson, so over N replications the mean count of an interval
//! with expected volume m has SE sqrt(m / N); handle times are exponential,
//! so a mean of n draws with mean a has SE a / sqrt(n). The counts are large
//! enough for the normal approximation, under which an unbiased simulator
//! fails one check with probability ~6e-5, and the ~100 checks of a test
//! together with probability under 1%; the seed is fixed, so the outcome
//! repeats. Reading the volumes per 30 minutes instead of per 15 (a factor
//! of 2), or shifting them by one row, would miss by far more than 4 SE.

use std::path::Path;
use std::process::Command;

use routesim::engine::{self, Trace};
use routesim::model::QueueId;

const K: f64 = 4.0;
const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// Decimal-comma number of the bundled forecast.
fn number(cell: &str) -> f64 {
    cell.replace(',', ".").parse().unwrap()
}

/// The bundled forecast: expected volume per 30-minute interval of the day, per queue name.
fn forecast_per_half_hour(queue: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(Path::new(CRATE).join("scenarios/forecast-day.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("start;queue;offered;aht"), "a `;` file with an aht column");
    assert!(text.lines().any(|l| l.split(';').nth(2).is_some_and(|c| c.contains(','))), "no decimal comma");
    let mut out = vec![0.0; 48];
    for line in lines {
        let cells: Vec<&str> = line.split(';').collect();
        if cells[1] != queue {
            continue;
        }
        let (h, m) = cells[0].split_once(':').unwrap();
        let minute: usize = h.parse::<usize>().unwrap() * 60 + m.parse::<usize>().unwrap();
        assert_eq!(minute % 15, 0, "15-minute rows");
        out[minute / 30] += number(cells[2]);
    }
    out
}

#[test]
fn forecast_offered_counts_match_the_file_per_reporting_interval() {
    let sc = routesim::scenario::load(&Path::new(CRATE).join("scenarios/forecast-day.toml"), &[]).unwrap();
    assert_eq!(sc.interval, 1800.0);
    let n = 200;
    let nq = sc.queues.len();
    let mut counts = vec![0u64; 48 * nq];
    for r in 0..n {
        let tally = engine::run(&sc, r);
        for (slot, it) in counts.iter_mut().zip(&tally.intervals) {
            *slot += it.counts.offered;
        }
    }
    let mut checked = 0;
    for name in ["chat", "phone"] {
        let q = sc.queues.iter().position(|q| q.name == name).unwrap();
        let expected = forecast_per_half_hour(name);
        assert!(expected.iter().sum::<f64>() > 100.0, "{name}: an empty forecast tests nothing");
        for (i, &m) in expected.iter().enumerate() {
            let mean = counts[i * nq + q] as f64 / f64::from(n);
            if m == 0.0 {
                assert_eq!(mean, 0.0, "{name}, interval {i}: arrivals where the forecast has none");
                continue;
            }
            let se = (m / f64::from(n)).sqrt();
            assert!(
                (mean - m).abs() <= K * se,
                "{name}, interval {i}: mean offered {mean:.3} vs forecast {m} (SE {se:.3})"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * 20, "08:00-18:00 for two queues");
}

/// A scenario with a forecast in `dir`: one queue, exponential handle time
/// of mean 300 s, so many agents that nobody waits.
fn aht_scenario(dir: &Path, csv: &str) -> routesim::model::Scenario {
    let toml = r#"
seed = 5
horizon = "1d"
interval = "1h"
forecast = "aht.csv"
[[queue]]
name = "chat"
handle_time = { dist = "exponential", mean = "5m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "g"
team = "t"
count = 60
"#;
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    std::fs::write(dir.join("aht.csv"), csv).unwrap();
    routesim::scenario::load(&dir.join("s.toml"), &[]).unwrap()
}

#[test]
fn forecast_aht_sets_each_intervals_mean_handle_time() {
    // Hourly rows; aht varies by hour, and is left empty at 03:00 (the
    // distribution's own mean, 300 s, applies).
    let aht = |h: usize| if h == 3 { None } else { Some(120.0 + 40.0 * (h % 7) as f64) };
    let mut csv = String::from("start,queue,offered,aht\n");
    for h in 0..8 {
        let a = aht(h).map_or(String::new(), |a| a.to_string());
        csv.push_str(&format!("{h:02}:00,chat,40,{a}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let sc = aht_scenario(dir.path(), &csv);
    // Handle time = completion - assignment (no wrap-up, nobody goes offline).
    let mut sums = [(0.0f64, 0u32); 8];
    for r in 0..30 {
        let mut hour_of = std::collections::HashMap::new();
        let mut assigned = std::collections::HashMap::new();
        engine::run_observed(&sc, r, |t| match *t {
            Trace::Arrived { time, id, .. } => {
                hour_of.insert(id, (time / 3600.0) as usize);
            }
            Trace::Assigned { time, id, .. } => {
                assigned.insert(id, time);
            }
            Trace::Completed { time, id, .. } => {
                let h = hour_of[&id];
                if h < 8 {
                    sums[h].0 += time - assigned[&id];
                    sums[h].1 += 1;
                }
            }
            _ => {}
        });
    }
    for (h, &(sum, n)) in sums.iter().enumerate() {
        let want = aht(h).unwrap_or(300.0);
        assert!(n > 1000, "hour {h}: only {n} conversations");
        let mean = sum / f64::from(n);
        let se = want / f64::from(n).sqrt();
        assert!(
            (mean - want).abs() <= K * se,
            "hour {h}: mean handle {mean:.1} s vs aht {want} (SE {se:.1})"
        );
        assert!((sc.work_at(QueueId(0), h as f64 * 3600.0 + 60.0) - want).abs() < 1e-9);
    }
}

#[test]
fn check_names_the_forecast_and_a_bad_row_fails_run_with_its_place() {
    let bin = env!("CARGO_BIN_EXE_routesim");
    let scenario = Path::new(CRATE).join("scenarios/forecast-day.toml");
    let out = Command::new(bin).arg("check").arg(&scenario).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let chat = stdout.lines().find(|l| l.trim_start().starts_with("chat ")).unwrap();
    assert!(chat.contains("forecast-day.csv") && chat.contains("15 min"), "{stdout}");
    let email = stdout.lines().find(|l| l.trim_start().starts_with("email ")).unwrap();
    assert!(email.contains("per_interval"), "{stdout}");

    // The same scenario beside a forecast with a misspelt queue on row 4.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&scenario, dir.path().join("forecast-day.toml")).unwrap();
    let csv = "start;queue;offered;aht\n08:00;chat;12,5;420\n08:15;chat;10;420\n08:00;phnoe;3;300\n";
    std::fs::write(dir.path().join("forecast-day.csv"), csv).unwrap();
    let out = Command::new(bin)
        .current_dir(dir.path())
        .args(["run", "forecast-day.toml", "--out", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("forecast-day.csv, row 4, column `queue`"), "{stderr}");
    assert!(stderr.contains("did you mean `phone`"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "wrote results for bad input");
}

/// A staffing array with a 15-minute step under a 30-minute reporting
/// interval: the logged-in headcount follows the array step by step, not
/// interval by interval.
#[test]
fn staffing_changes_at_its_own_step_boundaries() {
    let levels: Vec<u32> = (0..96).map(|k| (k * 5) % 7).collect();
    let list: Vec<String> = levels.iter().map(u32::to_string).collect();
    let text = format!(
        r#"
horizon = "1d"
interval = "30m"
[[queue]]
name = "chat"
arrivals = {{ per_hour = 20 }}
handle_time = {{ dist = "exponential", mean = "3m" }}
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "g"
team = "t"
staffing_step = "15m"
staffing = [{}]
"#,
        list.join(", ")
    );
    let sc = routesim::scenario::parse(&text, "s.toml", "s", &[]).unwrap();
    let mut changes: Vec<(f64, usize, bool)> = Vec::new();
    engine::run_observed(&sc, 0, |t| {
        if let Trace::Status { time, agent, status } = *t {
            changes.push((time, agent.index(), status != routesim::model::StatusId::OFFLINE));
        }
    });
    let mut on = vec![false; sc.agent_count()];
    let mut next = 0;
    for (k, &level) in levels.iter().enumerate() {
        let at = k as f64 * 900.0;
        while next < changes.len() && changes[next].0 <= at {
            assert!(
                changes[next].0 == at || changes[next].0 == 0.0,
                "a change off the step grid: {:?}",
                changes[next]
            );
            on[changes[next].1] = changes[next].2;
            next += 1;
        }
        let count = on.iter().filter(|&&o| o).count() as u32;
        assert_eq!(count, level, "step {k} (from {at} s)");
    }
}
