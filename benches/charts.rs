//! Chart and report speed: drawing everything `routesim run` draws for the
//! bundled support day, from a prepared result folder's files.
//!
//! Criterion groups:
//!
//! - `charts/support-day/read`: `plot::Records::from_dir` of the folder
//!   (parsing summary.csv, intervals.csv, statuses.csv, waits.csv,
//!   scenario.toml).
//! - `charts/support-day/draw`: `report::draw` of those records: the five
//!   charts as SVG and PNG (1200x700) and report.html.
//! - `charts/support-day/plot`: both, which is what `routesim plot DIR`
//!   does before writing (target: well under a second).
//!
//! - `charts/capacity/erlang-curve`: `report::draw_capacity` of the files
//!   `routesim erlang --rate 200 --aht 5m --patience 3m --agents 12..26
//!   --target service_level>=0.8 --out DIR` writes: the Erlang curve as SVG
//!   and PNG and report.html.
//!
//! The folder is made once, before timing, by `replicate::run` of
//! `scenarios/support-day.toml` (10 replications) and `report::write_all`.
//!
//! ```text
//! cargo bench --bench charts -- --warm-up-time 1 --measurement-time 3
//! ```

#![allow(clippy::unwrap_used)] // a benchmark that cannot set up has nothing to measure

use std::hint::black_box;
use std::path::Path;

use criterion::Criterion;
use routesim::{plot, replicate, report, scenario, staffing};

/// Writes the support day's result folder into `dir`.
fn prepare(dir: &Path) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/support-day.toml");
    let loaded = scenario::load_effective(&file, &[]).unwrap();
    let results = replicate::run(&loaded.scenario, 1, &|| {}).unwrap();
    let provenance = report::Provenance {
        overrides: vec![],
        scenario_toml: loaded.effective_toml,
        attachments: loaded.attachments,
    };
    report::write_all(&report::prepare(dir).unwrap(), &results, &provenance).unwrap();
}

fn main() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("support-day");
    prepare(&dir);
    let records = plot::Records::from_dir(&dir).unwrap();
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("charts/support-day");
    group.sample_size(10);
    group.bench_function("read", |b| b.iter(|| black_box(plot::Records::from_dir(&dir).unwrap())));
    group.bench_function("draw", |b| b.iter(|| black_box(report::draw(&records, true).unwrap())));
    group.bench_function("plot", |b| {
        b.iter(|| {
            let records = plot::Records::from_dir(&dir).unwrap();
            black_box(report::draw(&records, true).unwrap())
        })
    });
    group.finish();
    let calc = staffing::Calculator::parse("200", "5m", Some("3m"), None, None).unwrap();
    let ranges = ["12..26".parse().unwrap()];
    let targets = ["service_level>=0.8".parse().unwrap()];
    let files = staffing::calculator::answer(&calc, &ranges, &targets).unwrap().files().unwrap();
    let mut group = c.benchmark_group("charts/capacity");
    group.sample_size(10);
    group.bench_function("erlang-curve", |b| {
        b.iter(|| black_box(report::draw_capacity(plot::Kind::Erlang, &files, true).unwrap()))
    });
    group.finish();
    c.final_summary();
}
