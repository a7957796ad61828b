//! Loading a scenario: TOML text → `--set` overrides → serde mirror
//! ([`raw`]) → checked [`Scenario`] ([`validate`]). Every failure is an
//! [`Error`] naming the file, the key and, where it can be found, the line.

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
    parse(&text, &path.display().to_string(), &stem, overrides)
}

/// A validated scenario with the text that reproduces it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The effective scenario as TOML: the file with the overrides applied
    /// and the name written out, so it runs the same from anywhere.
    pub effective_toml: String,
    /// Files the effective scenario refers to, to be written beside it
    /// (name in the result folder, bytes): the `forecast` CSV, if any.
    pub attachments: Vec<Attachment>,
}

/// A file the effective scenario refers to: its name in the result folder and its bytes.
pub type Attachment = (String, Vec<u8>);

/// File name of the forecast's copy beside the effective scenario.
pub const FORECAST_COPY: &str = "forecast.csv";

/// [`load`], also returning the effective scenario's text and the files it refers to.
pub fn load_effective(path: &Path, overrides: &[String]) -> Result<Loaded> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| Error::ReadScenario { path: path.to_owned(), source })?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let origin = path.display().to_string();
    let scenario = parse(&text, &origin, &stem, overrides)?;
    let base = path.parent().unwrap_or(Path::new(""));
    let (effective_toml, attachments) = effective_text(&text, &origin, &scenario.name, overrides, base)?;
    Ok(Loaded { scenario, effective_toml, attachments })
}

/// `text` with `overrides` applied, `name` set where the file relied on its
/// stem, and a `forecast` (a path relative to `base`, the scenario's
/// folder) pointed at its copy [`FORECAST_COPY`], returned with the copy's
/// bytes; comments and layout kept. Called on text that [`parse`] accepted
/// with the same overrides.
fn effective_text(
    text: &str,
    origin: &str,
    name: &str,
    overrides: &[String],
    base: &Path,
) -> Result<(String, Vec<Attachment>)> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| Error::Syntax {
        origin: origin.to_owned(),
        message: e.to_string(),
    })?;
    for arg in overrides {
        overrides::apply(&mut doc, arg, origin)?;
    }
    if !doc.contains_key("name") {
        doc.insert("name", toml_edit::value(name));
    }
    let mut attachments = Vec::new();
    if let Some(forecast) = doc.get("forecast").and_then(toml_edit::Item::as_str) {
        let path = base.join(forecast);
        let bytes = std::fs::read(&path).map_err(|source| Error::ReadScenario { path, source })?;
        attachments.push((FORECAST_COPY.to_owned(), bytes));
        doc.insert("forecast", toml_edit::value(FORECAST_COPY));
    }
    Ok((doc.to_string(), attachments))
}

/// Parses scenario `text`; `origin` names it in errors and `default_name`
/// is the scenario's name when the file sets none.
pub fn parse(text: &str, origin: &str, default_name: &str, overrides: &[String]) -> Result<Scenario> {
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
    validate::validate(raw, default_name).map_err(|v| Error::Invalid {
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
    fn the_effective_text_has_the_overrides_and_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stem.toml");
        std::fs::write(&path, format!("# a comment\n{MINIMAL}")).unwrap();
        let args = vec!["agents.g.count=9".to_owned(), "seed=5".to_owned()];
        let loaded = load_effective(&path, &args).unwrap();
        assert_eq!((loaded.scenario.groups[0].size(), loaded.scenario.seed), (9, 5));
        let text = &loaded.effective_toml;
        assert!(text.starts_with("# a comment\n"), "{text}");
        // Read back from anywhere under any file name, it is the same scenario.
        let again = parse(text, "elsewhere/scenario.toml", "scenario", &[]).unwrap();
        assert_eq!(again.name, "stem");
        assert_eq!((again.groups[0].size(), again.seed), (9, 5));
        assert_eq!(format!("{again:?}"), format!("{:?}", loaded.scenario));
        // A name in the file is kept as it is.
        std::fs::write(&path, format!("name = \"mine\"\n{MINIMAL}")).unwrap();
        let loaded = load_effective(&path, &[]).unwrap();
        assert_eq!(loaded.effective_toml.matches("name = \"mine\"").count(), 1);
    }

    #[test]
    fn the_effective_text_points_a_forecast_at_its_copy() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/fc.csv"), "start,queue,offered\n08:00,chat,12\n").unwrap();
        let text = "name = \"n\"\nforecast = \"data/none.csv\"\n";
        let args = vec!["forecast=data/fc.csv".to_owned()];
        let (effective, attachments) = effective_text(text, "s.toml", "n", &args, dir.path()).unwrap();
        assert!(effective.contains("forecast = \"forecast.csv\""), "{effective}");
        assert_eq!(
            attachments,
            [("forecast.csv".to_owned(), b"start,queue,offered\n08:00,chat,12\n".to_vec())]
        );
        let e = effective_text(text, "s.toml", "n", &[], dir.path()).unwrap_err().to_string();
        assert!(e.contains("none.csv"), "{e}");
    }

    #[test]
    fn overrides_change_values_and_bad_ones_are_errors() {
        let set = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse(MINIMAL, "s.toml", "s", &args)
        };
        let s = set(&["agents.g.count=9", "queue.chat.arrivals.per_hour=90", "horizon=2d"]).unwrap();
        assert_eq!(s.groups[0].size(), 9);
        assert!((s.queues[0].arrivals[0] - 90.0 / 3600.0).abs() < 1e-12);
        assert_eq!(s.horizon, 2.0 * 86_400.0);
        let s = set(&["routing.agent_selection=most_available"]).unwrap();
        assert_eq!(s.routing.selection, crate::model::Selection::MostAvailable);
        for bad in ["agents.nobody.count=3", "queue.chat.prioritty=2", "nokey", "agents.g.count=-1"] {
            let e = set(&[bad]).unwrap_err().to_string();
            assert!(e.contains("--set") || e.contains("prioritty") || e.contains("count"), "{bad}: {e}");
        }
    }
}
