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
}
