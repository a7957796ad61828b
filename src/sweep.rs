//! `routesim sweep`: one scenario run over a grid of values of some keys
//! (docs/model.md §11.8).
//!
//! Each `--vary KEY=...` gives a key and its values ([`Vary`]); several make
//! a grid, the cartesian product in the order given (the first varies
//! slowest). Every variant is the scenario with `--set KEY=VALUE` overrides
//! added, loaded and validated exactly as `run --set` loads it, and all
//! variants run in one pool ([`replicate::run_many`]) on the same random
//! streams. The result folder holds `sweep.csv` (the varied values, then
//! summary.csv's columns), `sweep.json` (how to reproduce each variant) and
//! the base `scenario.toml`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::driver::{Plan, Workers};
use crate::error::{Error, Result, Setting};
use crate::model::Scenario;
use crate::replicate::{self, Results, Summaries};
use crate::report::{self, Destination};
use crate::rows::{self, SUMMARY_HEADER, ScopeKind};
use crate::scenario::{self, Loaded};
use crate::stats::Metric;

/// Most values one `--vary` may give.
pub const MAX_VALUES: usize = 1000;
/// Most variants a sweep may have (the product of the `--vary` sizes).
pub const MAX_VARIANTS: usize = 10_000;
/// Most decimals a range's bounds and step may have.
const MAX_DECIMALS: u32 = 9;

/// A sweep, loaded: the base scenario and every variant, each validated.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The `--vary` options, in the order given.
    pub varies: Vec<Vary>,
    /// The command's other overrides (`--set`, `--seed`, `--replications`), in order.
    pub set: Vec<String>,
    /// The scenario with `set` applied and no `--vary`: its effective text
    /// goes into the result folder as `scenario.toml`.
    pub base: Loaded,
    /// The variants, grid order (the first `--vary` varies slowest).
    pub variants: Vec<Variant>,
    /// Each variant's validated scenario, in the order of `variants`.
    pub scenarios: Vec<Scenario>,
}

/// One point of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The value of each varied key, in `--vary` order, as passed to `--set`.
    pub values: Vec<String>,
    /// The variant's own overrides, `KEY=VALUE`, one per varied key (applied after the command's).
    pub overrides: Vec<String>,
}

/// One `--vary KEY=...`: a key and the values it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vary {
    /// The option as given.
    pub arg: String,
    /// The dotted key, as `--set` spells it.
    pub key: String,
    /// The values, in order, as `--set` takes them.
    pub values: Vec<String>,
}

impl Vary {
    /// Reads `KEY=A..B` (integers, step 1), `KEY=A..B/STEP` (integers or
    /// decimals; inclusive of B when a whole number of steps reaches it) or
    /// `KEY=V1,V2,...` (any values `--set` accepts; commas inside `[...]`,
    /// `{...}` or quotes do not split).
    pub fn parse(arg: &str) -> Result<Vary> {
        let fail = |message: String| Error::Vary { arg: arg.to_owned(), message };
        let (key, spec) = arg.split_once('=').ok_or_else(|| {
            fail(
                "write KEY=A..B, KEY=A..B/STEP or KEY=V1,V2,..., e.g. --vary agents.all.count=90..100".into(),
            )
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|s| s.trim().is_empty()) {
            return Err(fail(format!("`{key}` is not a dotted key path, e.g. agents.all.count")));
        }
        let values = match spec.split_once("..") {
            // A range starts with a number; anything else (a path with `..`) is a list.
            Some((a, rest))
                if a.trim().trim_start_matches(['-', '+']).starts_with(|c: char| c.is_ascii_digit()) =>
            {
                range(a, rest).map_err(fail)?
            }
            _ => list(spec).map_err(fail)?,
        };
        if values.is_empty() {
            return Err(fail("give at least one value".into()));
        }
        Ok(Vary { arg: arg.to_owned(), key: key.to_owned(), values })
    }
}

/// The values of `A..B[/STEP]`, `a` being A (already known to be a number).
fn range(a: &str, rest: &str) -> std::result::Result<Vec<String>, String> {
    let (b, step) = match rest.split_once('/') {
        Some((b, step)) => (b, Some(step)),
        None => (rest, None),
    };
    let number = |text: &str, what: &str| {
        Decimal::parse(text).ok_or_else(|| {
            format!(
                "{what} `{}` is not a number (at most {MAX_DECIMALS} decimals); write A..B or A..B/STEP, e.g. 90..100 or 0.1..0.5/0.1",
                text.trim()
            )
        })
    };
    let (a, b) = (number(a, "A")?, number(b, "B")?);
    let step = match step {
        Some(s) => number(s, "STEP")?,
        None if a.places == 0 && b.places == 0 => Decimal { digits: 1, places: 0 },
        None => return Err("a decimal range needs a step, e.g. 0.1..0.5/0.1".into()),
    };
    let places = a.places.max(b.places).max(step.places);
    let (a, b, step) = (a.scaled(places)?, b.scaled(places)?, step.scaled(places)?);
    if step <= 0 {
        return Err("STEP must be above 0".into());
    }
    if b < a {
        return Err("write the smaller bound first (A..B with A <= B)".into());
    }
    let count = (b - a) / step + 1;
    if count > MAX_VALUES as i128 {
        return Err(format!("{count} values; a --vary takes at most {MAX_VALUES}"));
    }
    Ok((0..count).map(|k| Decimal { digits: a + k * step, places }.to_string()).collect())
}

/// The values of `V1,V2,...`, split at commas outside brackets and quotes.
fn list(spec: &str) -> std::result::Result<Vec<String>, String> {
    let mut values = Vec::new();
    let (mut depth, mut quote, mut current) = (0i32, None, String::new());
    for c in spec.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                values.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    values.push(current);
    let values: Vec<String> = values.into_iter().map(|v| v.trim().to_owned()).collect();
    if let Some(k) = values.iter().position(String::is_empty) {
        return Err(format!("value {} of the list is empty; write V1,V2,..., e.g. 90,95,100", k + 1));
    }
    if values.len() > MAX_VALUES {
        return Err(format!("{} values; a --vary takes at most {MAX_VALUES}", values.len()));
    }
    Ok(values)
}

/// A decimal number as an integer count of `10^-places`, so that ranges
/// are computed without floating-point drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    digits: i128,
    places: u32,
}

impl Decimal {
    /// `-12`, `0.25`, `+3`; at most [`MAX_DECIMALS`] decimals and 18 digits before the point.
    fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 18 || !digits(whole) || !digits(frac) {
            return None;
        }
        if body.contains('.') && frac.is_empty() || frac.len() > MAX_DECIMALS as usize {
            return None;
        }
        let n: i128 = format!("{whole}{frac}").parse().ok()?;
        Some(Decimal { digits: if negative { -n } else { n }, places: frac.len() as u32 })
    }

    /// The digits at `places` decimals (at least as many as it has).
    fn scaled(self, places: u32) -> std::result::Result<i128, String> {
        10i128
            .checked_pow(places - self.places)
            .and_then(|f| self.digits.checked_mul(f))
            .ok_or_else(|| "the bounds are too large".to_owned())
    }
}

impl std::fmt::Display for Decimal {
    /// An integer as is; a decimal with its trailing zeros dropped but one
    /// decimal kept (`0.5`, `1.0`), so it stays a TOML float.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.places == 0 {
            return write!(f, "{}", self.digits);
        }
        let scale = 10i128.pow(self.places);
        let sign = if self.digits < 0 { "-" } else { "" };
        let (whole, frac) = (self.digits.abs() / scale, self.digits.abs() % scale);
        let frac = format!("{frac:0width$}", width = self.places as usize);
        let frac = frac.trim_end_matches('0');
        write!(f, "{sign}{whole}.{}", if frac.is_empty() { "0" } else { frac })
    }
}

/// The grid of `varies`: every combination of their values, the first
/// varying slowest.
pub fn grid(varies: &[Vary]) -> Result<Vec<Variant>> {
    let total =
        varies.iter().try_fold(1usize, |n, v| n.checked_mul(v.values.len()).filter(|&n| n <= MAX_VARIANTS));
    if total.is_none() {
        let sizes: Vec<String> = varies.iter().map(|v| v.values.len().to_string()).collect();
        return Err(Error::Vary {
            arg: varies.iter().map(|v| v.arg.as_str()).collect::<Vec<_>>().join(" --vary "),
            message: format!("{} variants; a sweep runs at most {MAX_VARIANTS}", sizes.join(" × ")),
        });
    }
    let mut variants = vec![Variant { values: Vec::new(), overrides: Vec::new() }];
    for vary in varies {
        variants = variants
            .into_iter()
            .flat_map(|v| {
                vary.values.iter().map(move |value| {
                    let mut next = v.clone();
                    next.values.push(value.clone());
                    next.overrides.push(format!("{}={value}", vary.key));
                    next
                })
            })
            .collect();
    }
    Ok(variants)
}

/// Reads the `--vary` options `varies`, makes the grid, and loads the
/// scenario at `path` with `set` and each variant's overrides, validated as
/// `run --set` validates them. A key may not be both varied and `--set`, nor varied twice.
pub fn load(path: &Path, set: &[String], varies: &[String]) -> Result<Sweep> {
    load_from(&crate::input::Disk, path, set, varies)
}

/// [`load`], reading the scenario and its forecast from `files`.
pub(crate) fn load_from(
    files: &dyn crate::input::Source,
    path: &Path,
    set: &[String],
    varies: &[String],
) -> Result<Sweep> {
    let varies: Vec<Vary> = varies.iter().map(|v| Vary::parse(v)).collect::<Result<_>>()?;
    if varies.is_empty() {
        return Err(Error::Setting {
            setting: Setting::Vary,
            value: String::new(),
            message: "give at least one KEY=A..B or KEY=V1,V2,...".into(),
        });
    }
    for (i, vary) in varies.iter().enumerate() {
        let clash = |message: String| Error::Vary { arg: vary.arg.clone(), message };
        if varies[..i].iter().any(|v| v.key == vary.key) {
            return Err(clash(format!("`{}` is varied twice; give all its values in one --vary", vary.key)));
        }
        if let Some(s) = set.iter().find(|s| s.split_once('=').is_some_and(|(k, _)| k.trim() == vary.key)) {
            return Err(clash(format!("`{}` is also set by `{s}`; drop one of them", vary.key)));
        }
    }
    let variants = grid(&varies)?;
    let base = scenario::load_effective_from(files, path, set)?;
    let all_varies = varies.iter().map(|v| v.arg.as_str()).collect::<Vec<_>>().join(" --vary ");
    let scenarios = variants
        .iter()
        .map(|v| {
            let overrides: Vec<String> = set.iter().chain(&v.overrides).cloned().collect();
            scenario::load_from(files, path, &overrides).map_err(|cause| Error::Variant {
                variant: v.overrides.join(" "),
                varies: all_varies.clone(),
                cause: Box::new(cause),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Sweep { varies, set: set.to_vec(), base, variants, scenarios })
}

impl Sweep {
    /// The varied keys, in `--vary` order (sweep.csv's first columns).
    pub fn keys(&self) -> Vec<&str> {
        self.varies.iter().map(|v| v.key.as_str()).collect()
    }

    /// Replications of all variants together (the progress bar's length).
    pub fn replications(&self) -> u64 {
        self.scenarios.iter().map(|s| u64::from(s.replications)).sum()
    }

    /// Runs every variant × replication on `workers`, calling `progress` as each replication ends.
    pub fn run(&self, workers: &Workers, progress: &(dyn Fn() + Sync)) -> Result<Vec<Results>> {
        replicate::fold_on(workers, &self.collector(), progress)
    }

    /// The collector of a sweep: summary moments, no replication's own
    /// values (sweep.csv has no per-replication rows).
    pub fn collector(&self) -> Summaries<'_> {
        Summaries::without_rows(&self.scenarios)
    }

    /// Refuses, before anything is written, a sweep that would not fit in memory on `workers`.
    pub fn check_fits(&self, workers: &Workers, available: Option<u64>) -> Result<()> {
        workers.check_fits(&Plan::new(&self.scenarios), &self.collector(), available)
    }
}

/// `sweep.csv`: one column per varied key (headed by the key), then
/// summary.csv's columns; each variant's summary rows in turn, grid order.
pub fn sweep_csv(sweep: &Sweep, results: &[Results]) -> Result<Vec<u8>> {
    let keys: Vec<String> = sweep.keys().into_iter().map(str::to_owned).collect();
    let rows =
        sweep.variants.iter().zip(results).flat_map(|(v, r)| {
            r.summary.iter().map(move |row| (v.values.clone(), report::summary_record(row)))
        });
    rows::write_led("sweep.csv", &keys, &SUMMARY_HEADER, rows)
}

/// `sweep.json`: what reproduces each variant: the base overrides (already
/// in `scenario.toml`), the `--vary` options, and per variant its values,
/// its own overrides, seed and replications.
pub fn sweep_json(sweep: &Sweep, results: &[Results]) -> Result<Vec<u8>> {
    let variants: Vec<serde_json::Value> = sweep
        .variants
        .iter()
        .zip(results)
        .map(|(v, r)| {
            serde_json::json!({
                "values": v.values,
                "set": v.overrides,
                "seed": r.seed,
                "replications": r.replications,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "scenario": sweep.base.scenario.name,
        "routesim_version": env!("CARGO_PKG_VERSION"),
        "overrides": sweep.set,
        "vary": sweep.varies.iter().map(|v| v.arg.as_str()).collect::<Vec<_>>(),
        "keys": sweep.keys(),
        "reproduce": "routesim run scenario.toml --set KEY=VALUE ... (a variant's `set`) reproduces its rows of sweep.csv as summary.csv",
        "variants": variants,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| Error::Write { path: "sweep.json".into(), source: std::io::Error::other(e) })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `scenario.toml` of a sweep folder: the base scenario (the file with the
/// command's `--set` applied, no `--vary`), under a comment saying how to
/// rerun a variant.
pub fn scenario_toml(sweep: &Sweep) -> Vec<u8> {
    let set = if sweep.set.is_empty() {
        " (there were none)".to_owned()
    } else {
        let args: Vec<String> = sweep.set.iter().map(|a| a.replace(['\n', '\r'], " ")).collect();
        format!(" ({})", args.join(" "))
    };
    // Three lines, as run's scenario.toml, so a rerun of this file keeps one header.
    let mut out = format!(
        "# The effective scenario of this result folder, written by routesim {}:\n\
         # the scenario file with the command's overrides applied{set}, before the sweep's --vary.\n\
         # `routesim run scenario.toml --set KEY=VALUE...` with a variant's `set` from sweep.json reproduces its rows of sweep.csv.\n",
        env!("CARGO_PKG_VERSION"),
    );
    let mut body = sweep.base.effective_toml.as_str();
    if body.starts_with("# The effective scenario of this result folder") {
        for _ in 0..3 {
            body = body.split_once('\n').map_or("", |(_, rest)| rest);
        }
    }
    out.push_str(body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.into_bytes()
}

/// Renders sweep.csv, sweep.json, scenario.toml (and the forecast's copy),
/// the charts and report.html, and replaces the folder `target` with them,
/// whole; returns the paths written.
pub fn write_all(target: &Destination, sweep: &Sweep, results: &[Results]) -> Result<Vec<PathBuf>> {
    write_all_with(target, sweep, results, true)
}

/// [`write_all`], with `report.html` only when `report` is true (the charts
/// are always drawn): `routesim sweep --no-report`.
pub fn write_all_with(
    target: &Destination,
    sweep: &Sweep,
    results: &[Results],
    report: bool,
) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("sweep.csv", sweep_csv(sweep, results)?),
        ("sweep.json", sweep_json(sweep, results)?),
        ("scenario.toml", scenario_toml(sweep)),
    ];
    files.extend(sweep.base.attachments.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())));
    report::write_with_charts(target, &sweep.base.scenario.name, crate::plot::Kind::Sweep, &files, report)
}

/// The printed table: per variant and queue, the varied values and the
/// headline metrics (service level with its 95% interval, ASA, abandon
/// rate, occupancy of the teams serving the queue). `-` where undefined.
pub fn table(sweep: &Sweep, results: &[Results]) -> String {
    let keys = sweep.keys();
    let widths: Vec<usize> = keys
        .iter()
        .enumerate()
        .map(|(k, key)| {
            sweep.variants.iter().map(|v| v.values[k].chars().count()).chain([key.len()]).max().unwrap_or(0)
        })
        .collect();
    let queue_width = results
        .iter()
        .flat_map(|r| r.queues.iter().map(|q| q.name.chars().count()))
        .chain([5])
        .max()
        .unwrap_or(5);
    let mut out = String::new();
    for (key, w) in keys.iter().zip(&widths) {
        let _ = write!(out, "{key:>w$}  ");
    }
    let _ = writeln!(
        out,
        "{:<queue_width$} {:>24} {:>8} {:>9} {:>9} {:>9}",
        "queue", "service level (95% CI)", "target", "ASA", "abandon", "occupancy"
    );
    for (v, r) in sweep.variants.iter().zip(results) {
        for q in &r.queues {
            for (value, w) in v.values.iter().zip(&widths) {
                let _ = write!(out, "{value:>w$}  ");
            }
            let get = |m: Metric| report::summary_row(r, ScopeKind::Queue, &q.name, m);
            let mean = |m: Metric| get(m).map_or(f64::NAN, |row| row.mean);
            let sl = match get(Metric::ServiceLevel) {
                Some(row) if row.mean.is_finite() && row.ci95_low.is_finite() => format!(
                    "{:.1}% [{:.1}, {:.1}]",
                    100.0 * row.mean,
                    100.0 * row.ci95_low,
                    100.0 * row.ci95_high
                ),
                Some(row) if row.mean.is_finite() => format!("{:.1}%", 100.0 * row.mean),
                _ => "-".to_owned(),
            };
            let miss = mean(Metric::ServiceLevel) < q.sl_target;
            let _ = writeln!(
                out,
                "{:<queue_width$} {:>24} {:>8} {:>9} {:>9} {:>9}",
                q.name,
                sl,
                format!("{}{:.0}%", if miss { "MISS " } else { "" }, 100.0 * q.sl_target),
                fixed(mean(Metric::Asa), "s", 1.0),
                fixed(mean(Metric::AbandonRate), "%", 100.0),
                fixed(mean(Metric::Occupancy), "%", 100.0),
            );
        }
    }
    out
}

/// `x × scale` with one decimal and `unit`, or `-` when it is not a number.
fn fixed(x: f64, unit: &str, scale: f64) -> String {
    if x.is_finite() { format!("{:.1}{unit}", x * scale) } else { "-".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(arg: &str) -> Vec<String> {
        Vary::parse(arg).unwrap().values
    }

    fn error(arg: &str) -> String {
        Vary::parse(arg).unwrap_err().to_string()
    }

    #[test]
    fn integer_ranges_are_inclusive_with_step_one_or_given() {
        assert_eq!(values("agents.all.count=90..93"), ["90", "91", "92", "93"]);
        assert_eq!(values("agents.all.count = 90..100/5"), ["90", "95", "100"]);
        assert_eq!(
            values("a=1..8/3"),
            ["1", "4", "7"],
            "B is left out when no whole number of steps reaches it"
        );
        assert_eq!(values("a=-2..0"), ["-2", "-1", "0"]);
        assert_eq!(values("a=5..5"), ["5"]);
    }

    #[test]
    fn decimal_ranges_have_no_float_drift() {
        // 0.1 + 0.1 + 0.1 is 0.30000000000000004 in floating point.
        assert_eq!(values("rate_cv=0.1..0.5/0.1"), ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(values("x=0..1/0.25"), ["0.0", "0.25", "0.5", "0.75", "1.0"]);
        assert_eq!(values("x=1.5..2/0.1"), ["1.5", "1.6", "1.7", "1.8", "1.9", "2.0"]);
        assert_eq!(values("x=-0.2..0.2/0.2"), ["-0.2", "0.0", "0.2"]);
        assert_eq!(Vary::parse("x=0.1..0.3/0.1").unwrap().key, "x");
    }

    #[test]
    fn lists_take_any_value_and_split_only_at_top_level_commas() {
        assert_eq!(values("a=90,95,100"), ["90", "95", "100"]);
        assert_eq!(values("queue.calls.handle_time.mean=3m, 4m"), ["3m", "4m"]);
        assert_eq!(values(r#"a="1,5s","2m""#), [r#""1,5s""#, r#""2m""#]);
        assert_eq!(values("a=[1, 2],[3]"), ["[1, 2]", "[3]"]);
        assert_eq!(values("a={ x = 1, y = 2 },{ x = 3 }"), ["{ x = 1, y = 2 }", "{ x = 3 }"]);
        assert_eq!(values("forecast=../a.csv,b.csv"), ["../a.csv", "b.csv"], "a path with .. is no range");
        assert_eq!(values("a=7"), ["7"]);
    }

    #[test]
    fn bad_forms_say_what_to_write() {
        let cases = [
            ("agents.all.count", "write KEY=A..B"),
            ("=1..3", "not a dotted key path"),
            ("a..b=1", "not a dotted key path"),
            ("a=0.1..0.5", "decimal range needs a step"),
            ("a=1..x", "B `x` is not a number"),
            ("a=1..5/0", "STEP must be above 0"),
            ("a=1..5/-1", "STEP must be above 0"),
            ("a=5..1", "smaller bound first"),
            ("a=1..5000", "at most 1000"),
            ("a=1,,2", "value 2 of the list is empty"),
            ("a=", "value 1 of the list is empty"),
            ("a=1..99999999999999999999", "not a number"),
            ("a=1.0000000001..2/1", "A `1.0000000001` is not a number (at most 9 decimals)"),
        ];
        for (arg, want) in cases {
            let e = error(arg);
            assert!(e.starts_with(&format!("vary {arg}: ")) && e.contains(want), "{arg}: {e}");
        }
    }

    /// Loads a two-queue scenario written to a temporary folder with `varies`.
    fn sweep_of(varies: &[&str]) -> Sweep {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            "horizon = \"1h\"\nreplications = 2\n\
             [[queue]]\nname = \"chat\"\narrivals = { per_hour = 30 }\n\
             handle_time = { dist = \"exponential\", mean = \"4m\" }\n\
             [[queue]]\nname = \"email\"\narrivals = { per_hour = 0 }\n\
             handle_time = { dist = \"constant\", value = \"5m\" }\n\
             [[team]]\nname = \"t\"\nqueues = [\"chat\", \"email\"]\n\
             [[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 3\n",
        )
        .unwrap();
        let varies: Vec<String> = varies.iter().map(|v| v.to_string()).collect();
        load(&file, &["seed=5".into()], &varies).unwrap()
    }

    #[test]
    fn the_table_has_a_row_per_variant_and_queue_and_no_nan() {
        let sweep = sweep_of(&["agents.g.count=2..3", "queue.chat.sl_target=0.5,0.99"]);
        let results = sweep.run(&crate::driver::Workers::new(1).unwrap(), &|| ()).unwrap();
        let table = table(&sweep, &results);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 1 + 4 * 2, "{table}");
        assert!(lines[0].starts_with("agents.g.count  queue.chat.sl_target  queue "), "{table}");
        let lead: Vec<Vec<&str>> =
            lines[1..].iter().map(|l| l.split_whitespace().take(3).collect()).collect();
        assert_eq!(lead[0], ["2", "0.5", "chat"]);
        assert_eq!(lead[1], ["2", "0.5", "email"]);
        assert_eq!(lead[2], ["2", "0.99", "chat"]);
        assert_eq!(lead[7], ["3", "0.99", "email"]);
        // email has no arrivals: its service level and ASA are undefined and print as `-`.
        assert!(lines[2].contains(" - "), "{table}");
        assert!(!table.contains("NaN"), "{table}");
        assert!(lines[3].contains("MISS 99%"), "{table}");
        // sweep.csv: the keys, then summary.csv's header; a row per summary row of each variant.
        let csv = String::from_utf8(sweep_csv(&sweep, &results).unwrap()).unwrap();
        let header = csv.lines().next().unwrap();
        assert_eq!(header, format!("agents.g.count,queue.chat.sl_target,{}", SUMMARY_HEADER.join(",")));
        assert_eq!(csv.lines().count(), 1 + 4 * results[0].summary.len());
        let json: serde_json::Value = serde_json::from_slice(&sweep_json(&sweep, &results).unwrap()).unwrap();
        assert_eq!(json["overrides"], serde_json::json!(["seed=5"]));
        assert_eq!(
            json["variants"][3]["set"],
            serde_json::json!(["agents.g.count=3", "queue.chat.sl_target=0.99"])
        );
        assert_eq!(json["variants"][3]["seed"], 5);
        let toml = String::from_utf8(scenario_toml(&sweep)).unwrap();
        assert!(
            toml.contains("(seed=5), before the sweep's --vary") && toml.contains("count = 3\n"),
            "{toml}"
        );
    }

    #[test]
    fn a_key_both_set_and_varied_or_varied_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing.toml");
        let e = load(&file, &["seed=1".into()], &["seed=1..2".into()]).unwrap_err().to_string();
        assert!(e.contains("also set by `seed=1`"), "{e}");
        let e = load(&file, &[], &["a=1".into(), " a =2".into()]).unwrap_err().to_string();
        assert!(e.contains("`a` is varied twice"), "{e}");
        assert!(load(&file, &[], &[]).unwrap_err().to_string().contains("vary: give at least one KEY=A..B"));
    }

    #[test]
    fn a_grid_is_the_product_with_the_first_varying_slowest() {
        let varies = [Vary::parse("a=1..2").unwrap(), Vary::parse("b=x,y,z").unwrap()];
        let g = grid(&varies).unwrap();
        let got: Vec<Vec<String>> = g.iter().map(|v| v.overrides.clone()).collect();
        let want =
            [["a=1", "b=x"], ["a=1", "b=y"], ["a=1", "b=z"], ["a=2", "b=x"], ["a=2", "b=y"], ["a=2", "b=z"]];
        assert_eq!(got, want);
        assert_eq!(g[4].values, ["2", "y"]);
        let big = [Vary::parse("a=1..1000").unwrap(), Vary::parse("b=1..11").unwrap()];
        let e = grid(&big).unwrap_err().to_string();
        assert!(e.contains("1000 × 11 variants; a sweep runs at most 10000"), "{e}");
    }
}
