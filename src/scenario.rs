//! Loading a scenario: TOML text → `--set` overrides → serde mirror
//! ([`raw`]) → checked [`Scenario`] ([`validate`]). Every failure is an
//! [`Error`] naming the file, the key and, where it can be found, the line.

mod forecast;
mod overrides;
mod raw;
mod units;
mod validate;

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Scenario;

/// Reads, overrides and validates the scenario at `path`.
///
/// `overrides` are `KEY=VALUE` strings as given to `--set`.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::ReadScenario { path: path.to_owned(), source })?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new(""));
    parse_in(&text, &path.display().to_string(), &stem, overrides, dir)
}

/// Parses scenario `text`; `origin` names it in errors and `default_name`
/// is the scenario's name when the file sets none. A `forecast` file is
/// looked for relative to the current directory.
pub fn parse(text: &str, origin: &str, default_name: &str, overrides: &[String]) -> Result<Scenario> {
    parse_in(text, origin, default_name, overrides, Path::new(""))
}

/// Like [`parse`], looking for a `forecast` file relative to `dir` (the
/// scenario file's folder).
pub fn parse_in(
    text: &str,
    origin: &str,
    default_name: &str,
    overrides: &[String],
    dir: &Path,
) -> Result<Scenario> {
    let syntax = |origin: &str, e: &dyn std::fmt::Display| Error::Syntax {
        origin: origin.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| syntax(origin, &e))?;
    let (text, origin) = if overrides.is_empty() {
        (text.to_owned(), origin.to_owned())
    } else {
        for arg in overrides {
            overrides::apply(&mut doc, arg, origin)?;
        }
        (doc.to_string(), format!("{origin} (with --set overrides)"))
    };
    let raw: raw::RawScenario = toml::from_str(&text).map_err(|e| syntax(&origin, &e))?;
    let forecast = match raw.forecast.as_deref() {
        None => None,
        Some(file) if file.trim().is_empty() => {
            return Err(Error::Invalid {
                line: overrides::line_of(&text, "forecast"),
                origin,
                key: "forecast".into(),
                message: "names no file; give the forecast CSV's path, relative to the scenario".into(),
            });
        }
        Some(file) => {
            let path = dir.join(file);
            let shown = path.display().to_string();
            let at = |e: forecast::ForecastError| Error::Forecast {
                file: shown.clone(),
                row: e.row,
                column: e.column,
                message: e.message,
            };
            let f = forecast::load(&path).map_err(at)?;
            f.check_queues(raw.queue.iter().map(|q| q.name.as_str())).map_err(at)?;
            Some(f)
        }
    };
    validate::validate(raw, default_name, forecast.as_ref()).map_err(|v| Error::Invalid {
        line: overrides::line_of(&text, &v.key),
        origin,
        key: v.key,
        message: v.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
horizon = "1d"
[[queue]]
name = "chat"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat"]
[[agents]]
name = "g"
team = "t"
count = 4
"#;

    fn err(text: &str) -> String {
        match parse(text, "s.toml", "s", &[]) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn minimal_scenario_takes_every_default() {
        let s = parse(MINIMAL, "s.toml", "stem", &[]).unwrap();
        assert_eq!(s.name, "stem");
        assert_eq!(s.interval, 1800.0);
        assert_eq!(s.queues[0].channel, 0);
        assert_eq!(s.channels, vec!["chat".to_string()]);
        assert_eq!(s.teams[0].capacity, 1);
        assert_eq!(s.statuses.len(), 4);
        assert!(s.routing.requeue_when_offline);
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let e = err("horizon = \"1d\"\nqueue = [\n");
        assert!(e.starts_with("s.toml: "), "{e}");
        assert!(e.contains("line"), "{e}");
        let e = err(&format!("{MINIMAL}\nbogus = 1\n"));
        assert!(e.contains("bogus") && e.contains("line"), "{e}");
    }

    #[test]
    fn invalid_values_name_the_key_and_line() {
        let text = MINIMAL.replace("per_hour = 60", "per_hour = -5");
        let e = err(&text);
        assert!(e.contains("`queue.chat.arrivals.per_hour`"), "{e}");
        assert!(e.contains("s.toml:5:"), "{e}");
    }

    #[test]
    fn overrides_change_values_and_bad_ones_are_errors() {
        let set = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse(MINIMAL, "s.toml", "s", &args)
        };
        let s = set(&["agents.g.count=9", "queue.chat.arrivals.per_hour=90", "horizon=2d"]).unwrap();
        assert_eq!(s.groups[0].size(), 9);
        assert!((s.queues[0].arrivals.rates()[0] - 90.0 / 3600.0).abs() < 1e-12);
        assert_eq!(s.horizon, 2.0 * 86_400.0);
        let s = set(&["routing.agent_selection=most_available"]).unwrap();
        assert_eq!(s.routing.selection, crate::model::Selection::MostAvailable);
        for bad in ["agents.nobody.count=3", "queue.chat.prioritty=2", "nokey", "agents.g.count=-1"] {
            let e = set(&[bad]).unwrap_err().to_string();
            assert!(e.contains("--set") || e.contains("prioritty") || e.contains("count"), "{bad}: {e}");
        }
    }

    /// Writes `files` (name, contents) into a fresh folder.
    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const FORECAST_SCENARIO: &str = r#"
horizon = "1d"
interval = "30m"
forecast = "f.csv"
[[queue]]
name = "chat"
handle_time = { dist = "exponential", mean = "5m" }
wrap_up = { dist = "constant", value = "30s" }
[[queue]]
name = "email"
arrivals = { per_hour = 6 }
handle_time = { dist = "exponential", mean = "3m" }
[[team]]
name = "t"
queues = ["chat", "email"]
[[agents]]
name = "g"
team = "t"
count = 4
"#;

    #[test]
    fn forecast_queues_take_rates_and_aht_from_the_file() {
        let csv = "start;queue;offered;aht\n08:00;chat;30;600\n08:15;chat;7,5;\n";
        let dir = folder(&[("s.toml", FORECAST_SCENARIO), ("f.csv", csv)]);
        let s = load(&dir.path().join("s.toml"), &[]).unwrap();
        let hour = 3600.0;
        assert!((s.rate_at(0, 8.0 * hour + 1.0) - 30.0 / 900.0).abs() < 1e-12);
        assert!((s.rate_at(0, 8.25 * hour + 1.0) - 7.5 / 900.0).abs() < 1e-12);
        assert_eq!(s.rate_at(0, 8.5 * hour), 0.0, "a missing interval has no arrivals");
        assert!((s.rate_at(0, 24.0 * hour + 8.0 * hour) - 30.0 / 900.0).abs() < 1e-12, "daily repeat");
        assert!((s.work_at(0, 8.0 * hour) - 630.0).abs() < 1e-9, "aht 600 s plus 30 s wrap-up");
        assert!((s.work_at(0, 8.25 * hour) - 330.0).abs() < 1e-9, "no aht: the distribution's mean");
        assert!((s.rate_at(1, 3.0 * hour) - 6.0 / 3600.0).abs() < 1e-12);
        // Mean work weights each interval's handle time by its arrivals.
        let expected = (30.0 * 600.0 + 7.5 * 300.0) / 37.5 + 30.0;
        assert!((s.queues[0].mean_work() - expected).abs() < 1e-9);
    }

    #[test]
    fn forecast_errors_name_file_row_and_column() {
        let dir = folder(&[
            ("s.toml", FORECAST_SCENARIO),
            ("f.csv", "start,queue,offered\n08:00,chat,3\n08:30,chta,2\n"),
        ]);
        let e = load(&dir.path().join("s.toml"), &[]).unwrap_err().to_string();
        assert!(e.contains("f.csv, row 3, column `queue`"), "{e}");
        assert!(e.contains("did you mean `chat`"), "{e}");
        let dir = folder(&[
            ("s.toml", FORECAST_SCENARIO),
            ("f.csv", "start,queue,offered\n08:00,chat,3\n08:30,chat,x\n"),
        ]);
        let e = load(&dir.path().join("s.toml"), &[]).unwrap_err().to_string();
        assert!(e.contains("f.csv, row 3, column `offered`") && e.contains("`x`"), "{e}");
        let dir = folder(&[("s.toml", FORECAST_SCENARIO)]);
        let e = load(&dir.path().join("s.toml"), &[]).unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains("f.csv") && e.to_string().contains("cannot read"),
            "{e}"
        );
    }

    #[test]
    fn a_queue_with_both_arrivals_and_forecast_rows_is_an_error() {
        let text =
            FORECAST_SCENARIO.replace("name = \"chat\"\n", "name = \"chat\"\narrivals = { per_hour = 5 }\n");
        let dir =
            folder(&[("s.toml", &text), ("f.csv", "start,queue,offered\n08:00,chat,3\n08:30,chat,2\n")]);
        let e = load(&dir.path().join("s.toml"), &[]).unwrap_err().to_string();
        assert!(e.contains("`queue.chat.arrivals`") && e.contains("forecast"), "{e}");
        let text = FORECAST_SCENARIO.replace("forecast = \"f.csv\"\n", "");
        let e = err(&text);
        assert!(e.contains("`queue.chat.arrivals`") && e.contains("missing"), "{e}");
    }

    #[test]
    fn a_horizon_past_a_dated_forecast_is_an_error_and_it_ends_with_its_last_date() {
        let csv = "start,queue,offered\n2026-03-02 08:00,chat,3\n2026-03-02 08:30,chat,1\n2026-03-03 08:30,chat,2\n";
        let dir = folder(&[("s.toml", &FORECAST_SCENARIO.replace("\"1d\"", "\"3d\"")), ("f.csv", csv)]);
        let e = load(&dir.path().join("s.toml"), &[]).unwrap_err().to_string();
        assert!(e.contains("`horizon`") && e.contains("dated forecast"), "{e}");
        let dir = folder(&[("s.toml", &FORECAST_SCENARIO.replace("\"1d\"", "\"2d\"")), ("f.csv", csv)]);
        let s = load(&dir.path().join("s.toml"), &[]).unwrap();
        assert!((s.rate_at(0, 86_400.0 + 8.5 * 3600.0) - 2.0 / 1800.0).abs() < 1e-12);
        assert_eq!(s.rate_at(0, 2.0 * 86_400.0 + 8.0 * 3600.0), 0.0, "no repeat after the last date");
    }

    #[test]
    fn per_interval_with_its_own_step_gives_the_per_hour_rates() {
        // Conversations per 15 minutes, reporting every 30 minutes, against
        // the same load as rates per hour on the 30-minute interval.
        let quarter: Vec<String> = (0..96).map(|k| ((k * 7) % 13).to_string()).collect();
        let half: Vec<String> = (0..48)
            .map(|k| {
                let (a, b) = ((2 * k * 7) % 13, ((2 * k + 1) * 7) % 13);
                (2 * (a + b)).to_string() // per hour = (a + b) per 30 min * 2
            })
            .collect();
        let stepped = MINIMAL
            .replace("per_hour = 60", &format!("per_interval = [{}], step = \"15m\"", quarter.join(", ")));
        let hourly = MINIMAL.replace("per_hour = 60", &format!("per_hour = [{}]", half.join(", ")));
        let (s, h) =
            (parse(&stepped, "s.toml", "s", &[]).unwrap(), parse(&hourly, "h.toml", "h", &[]).unwrap());
        assert_eq!(s.interval, 1800.0);
        assert_eq!(s.queues[0].arrivals.step(), 900.0);
        for k in 0..48 {
            let t = k as f64 * 1800.0;
            let mean = |sc: &Scenario| (sc.rate_at(0, t + 1.0) + sc.rate_at(0, t + 901.0)) / 2.0;
            assert!((mean(&s) - mean(&h)).abs() < 1e-12, "interval {k}");
        }
        assert!((s.queues[0].mean_rate() - h.queues[0].mean_rate()).abs() < 1e-12);
        // The same volumes as rates per hour on the same 15-minute step: the same rates, the same run.
        let per_hour: Vec<String> =
            quarter.iter().map(|v| (4 * v.parse::<u32>().unwrap()).to_string()).collect();
        let same = MINIMAL
            .replace("per_hour = 60", &format!("per_hour = [{}], step = \"15m\"", per_hour.join(", ")));
        let same = parse(&same, "p.toml", "p", &[]).unwrap();
        for (a, b) in s.queues[0].arrivals.rates().iter().zip(same.queues[0].arrivals.rates()) {
            assert!((a - b).abs() <= 1e-15 * a.abs(), "{a} vs {b}");
        }
        let offered =
            |sc: &Scenario| crate::engine::run(sc, 0).intervals.iter().map(|i| i.offered).collect::<Vec<_>>();
        assert_eq!(offered(&s), offered(&same));
        assert!(offered(&s).iter().sum::<u64>() > 100);
        // Changing the reporting interval leaves a stepped array valid.
        assert!(parse(&stepped, "s.toml", "s", &["interval=\"1h\"".into()]).is_ok());
        let e = err(&stepped.replace("\"15m\"", "\"7m\""));
        assert!(e.contains("`queue.chat.arrivals.step`"), "{e}");
        let e = err(&stepped.replace("\"15m\"", "\"30m\""));
        assert!(e.contains("has 96 values") && e.contains("(48)"), "{e}");
    }

    #[test]
    fn staffing_arrays_take_their_own_step_and_may_cover_a_week() {
        let day: Vec<String> = (0..24).map(|h| (h % 5).to_string()).collect();
        let text =
            MINIMAL.replace("count = 4", &format!("staffing = [{}]\nstaffing_step = \"1h\"", day.join(", ")));
        let s = parse(&text, "s.toml", "s", &[]).unwrap();
        let crate::model::Headcount::Staffing(st) = &s.groups[0].headcount else { panic!("no staffing") };
        assert_eq!((st.step(), st.levels().len(), st.peak()), (3600.0, 24, 4));
        let week: Vec<String> = (0..168).map(|h| (h % 3).to_string()).collect();
        let text = MINIMAL
            .replace("count = 4", &format!("staffing = [{}]\nstaffing_step = \"1h\"", week.join(", ")));
        assert!(parse(&text, "s.toml", "s", &[]).is_ok());
        let text = MINIMAL.replace("count = 4", &format!("staffing = [{}]", day.join(", ")));
        let e = err(&text);
        assert!(
            e.contains("`agents.g.staffing`") && e.contains("has 24 values") && e.contains("(48)"),
            "{e}"
        );
        let e = err(&MINIMAL.replace("count = 4", "count = 4\nstaffing_step = \"1h\""));
        assert!(e.contains("`agents.g.staffing_step`"), "{e}");
    }
}
