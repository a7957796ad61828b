//! Loading a scenario: TOML text → `--set` overrides → shape check
//! (`schema`) → serde mirror (`raw`) → checked [`Scenario`]
//! (`validate`). Every problem of a file is reported at once, each naming
//! the key and its line in the file (or the `--set` that wrote it); what is
//! legal but suspicious comes out as [`warnings`].

pub(crate) mod forecast;
mod limits;
mod overrides;
mod raw;
mod schema;
mod suggest;
mod units;
mod validate;
mod warnings;

pub use warnings::{Warning, warnings};

/// A name given on the command line that the scenario does not have
/// (`staff --team`): "unknown team `x`; did you mean `y`?" (the one "did you
/// mean" rule of `suggest`), followed by every name the file has.
pub fn unknown_name<'a>(
    what: &str,
    given: &str,
    names: impl ExactSizeIterator<Item = &'a str> + Clone,
) -> String {
    let list: Vec<String> = names.clone().map(|n| format!("`{n}`")).collect();
    let message = suggest::unknown_among(what, given, "", names);
    if message.contains("did you mean") {
        format!("{message} (the file's {what}s: {})", list.join(", "))
    } else {
        message
    }
}

/// Reads and checks a forecast file on its own, without a scenario (for
/// `erlang --forecast`); its errors name the file, row and column.
pub(crate) fn read_forecast(path: &Path) -> Result<forecast::Forecast> {
    forecast::load(&crate::input::Disk, path).map_err(|e| Error::Forecast {
        file: path.display().to_string(),
        row: e.row,
        column: e.column,
        message: e.message,
    })
}

/// Parses a duration as scenarios write it (`"45s"`, `"2.5m"`, `"1h30m"`) into seconds;
/// the error says what would be accepted.
pub fn parse_duration(text: &str) -> std::result::Result<f64, String> {
    units::parse_duration(text)
}

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::{Error, Problem, Result};
use crate::input::{Disk, Source};
use crate::model::Scenario;

/// Reads, overrides and validates the scenario at `path`.
///
/// `overrides` are `KEY=VALUE` strings as given to `--set`.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario> {
    load_from(&Disk, path, overrides)
}

/// [`load`], reading the scenario and its forecast from `files`.
pub(crate) fn load_from(files: &dyn Source, path: &Path, overrides: &[String]) -> Result<Scenario> {
    let text = read_text_from(files, path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new(""));
    parse_from(files, &text, &path.display().to_string(), &stem, overrides, dir)
}

/// The text of the scenario file at `path`: a regular file of at most
/// [`crate::input::MAX_SCENARIO_BYTES`], in UTF-8; otherwise an error
/// saying which of these it is not.
pub fn read_text(path: &Path) -> Result<String> {
    read_text_from(&Disk, path)
}

/// [`read_text`] from `files`.
fn read_text_from(files: &dyn Source, path: &Path) -> Result<String> {
    let shown = path.display().to_string();
    let fail = |message: String| Error::ReadScenario { path: path.to_owned(), message };
    let bytes = files
        .read(path, crate::input::MAX_SCENARIO_BYTES)
        .map_err(|e| fail(e.sentence(&shown, "scenario file")))?;
    String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        fail(format!("`{shown}` is not UTF-8 text (line {line}); save it as UTF-8"))
    })
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
    /// The file's text as read, before the overrides.
    pub source: String,
}

/// A file the effective scenario refers to: its name in the result folder and its bytes.
pub type Attachment = (String, Vec<u8>);

/// File name of the forecast's copy beside the effective scenario.
pub const FORECAST_COPY: &str = "forecast.csv";

/// [`load`], also returning the effective scenario's text and the files it refers to.
pub fn load_effective(path: &Path, overrides: &[String]) -> Result<Loaded> {
    load_effective_from(&Disk, path, overrides)
}

/// [`load_effective`], reading the scenario and its forecast from `files`.
pub(crate) fn load_effective_from(files: &dyn Source, path: &Path, overrides: &[String]) -> Result<Loaded> {
    let text = read_text_from(files, path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let origin = path.display().to_string();
    let base = path.parent().unwrap_or(Path::new(""));
    let scenario = parse_from(files, &text, &origin, &stem, overrides, base)?;
    let (effective_toml, attachments) =
        effective_text(files, &text, &origin, &scenario.name, scenario.calendar.start(), overrides, base)?;
    Ok(Loaded { scenario, effective_toml, attachments, source: text })
}

/// `text` with `overrides` applied, `name` set where the file relied on its
/// stem, and a `forecast` (a path relative to `base`, the scenario's
/// folder) pointed at its copy [`FORECAST_COPY`], returned with the copy's
/// bytes; comments and layout kept. Called on text that [`parse`] accepted
/// with the same overrides.
fn effective_text(
    files: &dyn Source,
    text: &str,
    origin: &str,
    name: &str,
    start: Option<crate::calendar::Date>,
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
    // A date taken from a dated forecast is written out, so the result
    // folder's readers (charts, report.html) know the calendar.
    if let Some(start) = start
        && !doc.contains_key("start_date")
    {
        doc.insert("start_date", toml_edit::value(crate::calendar::iso(start)));
    }
    let mut attachments = Vec::new();
    // The copy is the file as given, byte for byte; a table form keeps its
    // `columns` and `date_format`, which read the copy as they read the file.
    let named = doc.get("forecast").and_then(|item| {
        item.as_str().or_else(|| item.as_table_like()?.get("file")?.as_str()).map(str::to_owned)
    });
    if let Some(forecast) = named {
        let path = base.join(forecast);
        let bytes = files.read(&path, crate::input::MAX_FORECAST_BYTES).map_err(|e| Error::Forecast {
            file: path.display().to_string(),
            row: None,
            column: None,
            message: e.words("forecast file"),
        })?;
        attachments.push((FORECAST_COPY.to_owned(), bytes));
        match doc.get_mut("forecast").and_then(toml_edit::Item::as_table_like_mut) {
            Some(table) => {
                table.insert("file", toml_edit::value(FORECAST_COPY));
            }
            None => {
                doc.insert("forecast", toml_edit::value(FORECAST_COPY));
            }
        }
    }
    Ok((doc.to_string(), attachments))
}

/// `text` with agent group `group`'s headcount turned into a `staffing`
/// array of `levels`, one per reporting interval of the day (docs/model.md
/// §13): the group's `count`, `shift`, `staffing` and `staffing_step` give
/// way; its schedule, its unplanned episodes and every other key are kept,
/// comments and layout too. The result is only text: validate it with
/// [`parse_in`] before use. Fails when the file has no such group.
pub fn with_staffing(text: &str, origin: &str, group: &str, levels: &[u32]) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| Error::Syntax {
        origin: origin.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    let mut names = Vec::new();
    let found = doc.get_mut("agents").and_then(toml_edit::Item::as_array_of_tables_mut).and_then(|groups| {
        groups.iter_mut().find(|t| {
            let name = t.get("name").and_then(toml_edit::Item::as_str).unwrap_or_default().to_owned();
            names.push(name.clone());
            name == group
        })
    });
    let Some(table) = found else {
        return Err(Error::Setting {
            setting: crate::error::Setting::Group,
            value: group.to_owned(),
            message: format!(
                "{origin} has no agent group of that name; its groups are: {}",
                if names.is_empty() { "none".to_owned() } else { names.join(", ") }
            ),
        });
    };
    for key in ["count", "shift", "staffing", "staffing_step"] {
        table.remove(key);
    }
    let array: toml_edit::Array = levels.iter().map(|&n| i64::from(n)).collect();
    table.insert("staffing", toml_edit::value(array));
    Ok(doc.to_string())
}

/// Parses scenario `text`; `origin` names it in errors and `default_name`
/// is the scenario's name when the file sets none. A `forecast` file is
/// looked for relative to the current directory.
///
/// Every problem of the file is reported at once ([`Error::Invalid`]), each
/// with its line in `text`, or with the `--set` that wrote the key.
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
    parse_from(&Disk, text, origin, default_name, overrides, dir)
}

/// [`parse_in`], reading a `forecast` from `files`.
fn parse_from(
    files: &dyn Source,
    text: &str,
    origin: &str,
    default_name: &str,
    overrides: &[String],
    dir: &Path,
) -> Result<Scenario> {
    let syntax = |e: &dyn std::fmt::Display| Error::Syntax {
        origin: origin.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| syntax(&e))?;
    let mut set = Vec::new();
    // A `--set` that cannot be applied is a problem like the others: the
    // rest of the overrides and the file are still checked.
    let mut unapplied = Vec::new();
    for arg in overrides {
        match overrides::apply(&mut doc, arg, origin) {
            Ok(key) => set.push((key, arg.clone())),
            Err(Error::Override { message, .. }) => {
                let key = arg.split_once('=').map_or("", |(k, _)| k.trim()).to_owned();
                unapplied.push(Problem { key, line: None, set: Some(arg.clone()), message });
            }
            Err(other) => return Err(other),
        }
    }
    let set_args: Vec<String> = set.iter().map(|(_, a)| a.clone()).collect();
    // Lists over their limit are refused before any element is looked at.
    let too_long: Vec<Problem> = limits::LIST_LIMITS
        .iter()
        .filter_map(|&(key, what, limit)| {
            let n = match doc.get(key)? {
                toml_edit::Item::ArrayOfTables(a) => a.len(),
                toml_edit::Item::Value(toml_edit::Value::Array(a)) => a.len(),
                _ => return None,
            };
            (n > limit).then(|| {
                let set = set.iter().find(|(k, _)| within(key, k) || within(k, key)).map(|(_, a)| a.clone());
                Problem {
                    key: key.to_owned(),
                    line: None,
                    set,
                    message: format!("at most {limit} {what}; this file has {n}"),
                }
            })
        })
        .collect();
    if !too_long.is_empty() {
        let keys: Vec<&str> = too_long.iter().map(|p| p.key.as_str()).collect();
        let lines = overrides::lines_of(text, &keys);
        let problems = too_long
            .into_iter()
            .map(|p| Problem { line: if p.set.is_some() { None } else { lines.get(&p.key).copied() }, ..p })
            .collect();
        return Err(Error::Invalid { origin: origin.to_owned(), problems });
    }
    suggest::reset_suggestions();
    // A `forecast` the shape check removes is reported there; the queues
    // that take their arrivals from it are not blamed again.
    let named_forecast = doc.contains_key("forecast");
    let mut found = schema::check(&mut doc);
    let shaped = found.is_empty();
    match toml::from_str::<raw::RawScenario>(&doc.to_string()) {
        Ok(raw) => {
            // A problem in how the scenario says to read its forecast (a
            // column the file lacks, a bad date format) is the scenario's,
            // on its key; queues without `arrivals` are then not blamed.
            let forecast = match &raw.forecast {
                None => None,
                Some(spec) if spec.file().trim().is_empty() => {
                    found.push(validate::Invalid {
                        key: spec.file_key().into(),
                        message: "names no file; give the forecast CSV's path, relative to the scenario"
                            .into(),
                    });
                    None
                }
                Some(spec) => {
                    let path = dir.join(spec.file());
                    let shown = path.display().to_string();
                    let at = |e: forecast::ForecastError| Error::Forecast {
                        file: shown.clone(),
                        row: e.row,
                        column: e.column,
                        message: e.message,
                    };
                    let queues: Vec<&str> = raw.queue.iter().map(|q| q.name.as_str()).collect();
                    let read = forecast_layout(spec)
                        .and_then(|layout| forecast::load_as(files, &path, &layout, Some(&queues)));
                    match read {
                        Ok(f) => {
                            f.check_queues(queues.iter().copied()).map_err(at)?;
                            Some(f)
                        }
                        Err(forecast::ForecastError { key: Some(key), message, .. }) => {
                            found.push(validate::Invalid { key: key.into(), message });
                            None
                        }
                        Err(e) => return Err(at(e)),
                    }
                }
            };
            let input = match &forecast {
                Some(f) => validate::ForecastInput::Read(f),
                None if named_forecast => validate::ForecastInput::Unread,
                None => validate::ForecastInput::None,
            };
            match validate::validate(raw, default_name, input) {
                Ok(sc) if found.is_empty() && shaped && unapplied.is_empty() => return Ok(sc),
                Ok(_) => {}
                // Problems under a key already reported come from its placeholder.
                Err(more) => {
                    let reported: HashSet<String> = found.iter().map(|p| p.key.clone()).collect();
                    found.extend(more.into_iter().filter(|p| !under_any(&p.key, &reported)));
                }
            }
        }
        Err(e) => {
            let key = e.span().and_then(|s| overrides::key_at(&doc.to_string(), s.start)).unwrap_or_default();
            let message = plain(e.message(), &key);
            found.push(validate::Invalid { key, message });
        }
    }
    // The document is done with: free it before the lines are looked up in a second parse.
    drop(doc);
    let keys: Vec<&str> = found.iter().map(|p| p.key.as_str()).filter(|k| !k.is_empty()).collect();
    let lines = overrides::lines_of(text, &keys);
    let mut problems: Vec<Problem> = found
        .into_iter()
        .map(|p| {
            // A key set by a `--set`, or one that only exists because a `--set` wrote under it.
            let set = set.iter().position(|(k, _)| within(&p.key, k)).or_else(|| {
                let created = !lines.contains_key(&p.key);
                set.iter().position(|(k, _)| created && !p.key.is_empty() && within(k, &p.key))
            });
            let line = if set.is_some() || p.key.is_empty() { None } else { line_near(&lines, &p.key) };
            Problem { key: p.key, line, set: set.map(|i| set_args[i].clone()), message: p.message }
        })
        .chain(unapplied)
        .collect();
    // File problems in line order, then `--set` problems in argument order.
    let order = |p: &Problem| {
        let arg = p.set.as_ref().and_then(|a| overrides.iter().position(|o| o == a));
        (arg.is_some(), arg.unwrap_or(0), p.line.unwrap_or(usize::MAX))
    };
    problems.sort_by_key(order);
    Err(Error::Invalid { origin: origin.to_owned(), problems })
}

/// How to read the forecast `spec` names: routesim's own layout for a
/// plain file name, else its `columns` and `date_format`.
fn forecast_layout(
    spec: &raw::RawForecast,
) -> std::result::Result<forecast::Layout, forecast::ForecastError> {
    match spec {
        raw::RawForecast::File(_) => Ok(forecast::Layout::default()),
        raw::RawForecast::Mapped(t) => forecast::Layout::new(
            t.columns.iter().flatten().map(|(ours, theirs)| (ours.as_str(), theirs.as_str())),
            t.date_format.as_deref(),
        ),
    }
}

/// Whether dotted `key` is `parent` or lies under it.
fn within(key: &str, parent: &str) -> bool {
    key == parent || (key.starts_with(parent) && key[parent.len()..].starts_with('.'))
}

/// Whether dotted `key` is one of `parents` or lies under one of them:
/// one look-up per dot, whatever the number of parents.
fn under_any(key: &str, parents: &HashSet<String>) -> bool {
    let mut k = key;
    loop {
        if parents.contains(k) {
            return true;
        }
        match k.rfind('.') {
            Some(i) => k = &k[..i],
            None => return false,
        }
    }
}

/// The line of `key` (from [`overrides::lines_of`]), or of the nearest
/// table above it that is written there (a missing key is blamed on its table).
fn line_near(lines: &HashMap<String, usize>, key: &str) -> Option<usize> {
    let mut key = key;
    loop {
        if let Some(&line) = lines.get(key) {
            return Some(line);
        }
        key = &key[..key.rfind('.')?];
    }
}

/// A format error the shape check did not catch, without serde's words;
/// an unknown key gets the nearest allowed one.
fn plain(message: &str, key: &str) -> String {
    let m = message.trim();
    if let Some(rest) = m.strip_prefix("unknown field `")
        && let Some((given, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let place = match key.rsplit_once('.') {
            Some((parent, _)) => format!("in `{parent}`"),
            None => "at the top level".to_owned(),
        };
        return suggest::unknown("key", given, &place, &allowed);
    }
    let mut m = m.to_owned();
    for (from, to) in [
        ("invalid type: ", "wrong kind of value: found "),
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("unknown variant", "unknown value"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("sequence", "list"),
        ("map", "table"),
        ("string", "text"),
    ] {
        m = m.replace(from, to);
    }
    if let Some(i) = m.find("expected struct ").or_else(|| m.find("expected internally tagged enum ")) {
        m.truncate(i);
        m.push_str("expected a table");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupId, QueueId, TeamId};

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
        assert_eq!(s.queues[QueueId(0)].channel, 0);
        assert_eq!(s.channels, vec!["chat".to_string()]);
        assert_eq!(s.teams[TeamId(0)].capacity, 1);
        assert_eq!(s.statuses.len(), 4);
        assert!(s.routing.requeue_when_offline);
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let e = err("horizon = \"1d\"\nqueue = [\n");
        assert!(e.starts_with("s.toml: "), "{e}");
        assert!(e.contains("line"), "{e}");
        let e = err(&format!("{MINIMAL}\nbogus = 1\n"));
        assert!(e.starts_with("s.toml:15: key `agents.g.bogus`: unknown key `bogus`"), "{e}");
    }

    #[test]
    fn invalid_values_name_the_key_and_line() {
        let text = MINIMAL.replace("per_hour = 60", "per_hour = -5");
        let e = err(&text);
        assert!(e.contains("`queue.chat.arrivals.per_hour`"), "{e}");
        assert!(e.contains("s.toml:5:"), "{e}");
    }

    /// A staffing array has a level per step of the day, of the week, or,
    /// on a run longer than a week, of each of its days (docs/model.md §10.7).
    #[test]
    fn a_staffing_array_covers_a_day_a_week_or_each_day_of_a_long_run() {
        let with = |horizon: &str, n: usize| {
            let levels = vec!["3"; n].join(", ");
            MINIMAL
                .replace("horizon = \"1d\"", &format!("horizon = \"{horizon}\""))
                .replace("count = 4", &format!("staffing = [{levels}]"))
        };
        for (horizon, n) in
            [("1d", 48), ("1d", 7 * 48), ("14d", 48), ("14d", 7 * 48), ("14d", 14 * 48), ("10d", 10 * 48)]
        {
            let s =
                parse(&with(horizon, n), "s.toml", "s", &[]).unwrap_or_else(|e| panic!("{horizon} {n}: {e}"));
            assert_eq!(s.groups[GroupId(0)].size(), 3, "{horizon} {n}");
        }
        // Each day of the run is a form only for runs longer than a week.
        let e = err(&with("3d", 3 * 48));
        assert!(e.contains("has 144 values; give exactly one headcount per step of the day (48) or of the week from Monday (336), the step"), "{e}");
        let e = err(&with("14d", 100));
        assert!(e.contains("has 100 values; give exactly one headcount per step of the day (48) or of the week from Monday (336), or of each of the run's 14 days (672)"), "{e}");
        assert!(e.contains("`agents.g.staffing`"), "{e}");
    }

    #[test]
    fn the_effective_text_has_the_overrides_and_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stem.toml");
        std::fs::write(&path, format!("# a comment\n{MINIMAL}")).unwrap();
        let args = vec!["agents.g.count=9".to_owned(), "seed=5".to_owned()];
        let loaded = load_effective(&path, &args).unwrap();
        assert_eq!((loaded.scenario.groups[GroupId(0)].size(), loaded.scenario.seed), (9, 5));
        let text = &loaded.effective_toml;
        assert!(text.starts_with("# a comment\n"), "{text}");
        // Read back from anywhere under any file name, it is the same scenario.
        let again = parse(text, "elsewhere/scenario.toml", "scenario", &[]).unwrap();
        assert_eq!(again.name, "stem");
        assert_eq!((again.groups[GroupId(0)].size(), again.seed), (9, 5));
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
        let (effective, attachments) =
            effective_text(&Disk, text, "s.toml", "n", None, &args, dir.path()).unwrap();
        assert!(effective.contains("forecast = \"forecast.csv\""), "{effective}");
        assert_eq!(
            attachments,
            [("forecast.csv".to_owned(), b"start,queue,offered\n08:00,chat,12\n".to_vec())]
        );
        let e = effective_text(&Disk, text, "s.toml", "n", None, &[], dir.path()).unwrap_err().to_string();
        assert!(e.contains("none.csv"), "{e}");
    }

    /// docs/model.md §10.8: a horizon past a dated forecast's last date is an error on `horizon`.
    #[test]
    fn a_horizon_past_a_dated_forecast_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let rows = "start,queue,offered\n2026-03-02 08:00,chat,10\n2026-03-02 08:30,chat,12\n\
                    2026-03-03 08:00,chat,10\n";
        std::fs::write(dir.path().join("fc.csv"), rows).unwrap();
        let text = |horizon: &str| {
            MINIMAL
                .replace("horizon = \"1d\"", &format!("horizon = \"{horizon}\"\nforecast = \"fc.csv\""))
                .replace("arrivals = { per_hour = 60 }\n", "")
        };
        assert!(parse_in(&text("2d"), "s.toml", "s", &[], dir.path()).is_ok());
        let e = parse_in(&text("5d"), "s.toml", "s", &[], dir.path()).unwrap_err().to_string();
        assert!(e.contains("key `horizon`"), "{e}");
        assert!(e.contains("(5 days) runs past the end of the dated forecast"), "{e}");
        assert!(e.contains("which covers 2 days"), "{e}");
    }

    /// `--set remove=KEY` (docs/model.md §10): a table's key, a list element
    /// by index or by name; removing what is not there names the key.
    #[test]
    fn remove_takes_keys_and_list_elements_out() {
        let text = MINIMAL.replace(
            "count = 4",
            "count = 4\nschedule = [{ status = \"Unavailable\", at = \"09:00\", duration = \"10m\" }, \
             { status = \"Busy\", at = \"10:00\", duration = \"5m\" }]",
        )
        .replace("handle_time = { dist = \"exponential\", mean = \"3m\" }", "handle_time = { dist = \"exponential\", mean = \"3m\" }\npatience = { dist = \"exponential\", mean = \"2m\" }");
        let set = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse(&text, "s.toml", "s", &args)
        };
        let all = set(&[]).unwrap();
        assert_eq!(all.groups[GroupId(0)].schedule.len(), 2);
        assert!(all.queues[QueueId(0)].patience.is_some());
        let s = set(&["remove=agents.g.schedule.0", "remove=queue.chat.patience"]).unwrap();
        assert_eq!(s.groups[GroupId(0)].schedule.len(), 1);
        assert_eq!(
            s.groups[GroupId(0)].schedule[0].status,
            crate::model::StatusId::BUSY,
            "the later entry moved up"
        );
        assert!(s.queues[QueueId(0)].patience.is_none());
        for (bad, words) in [
            ("remove=agents.g.schedule.2", "has 2 elements, numbered from 0"),
            ("remove=queue.chat.wrap_up", "there is no `queue.chat.wrap_up` to remove"),
            ("remove=agents.nobody.count", "unknown name `nobody`"),
            ("remove=", "is not a dotted key path"),
        ] {
            let e = set(&[bad]).unwrap_err().to_string();
            assert!(e.contains(words) && e.contains(bad), "{bad}: {e}");
        }
    }

    /// `--set 'KEY+=ELEMENT'` (docs/model.md §10): appends a custom status to
    /// a file without `[[status]]`, a schedule entry that uses it, and a
    /// second queue; a non-list or a malformed element is refused by name.
    #[test]
    fn append_adds_an_element_to_a_list() {
        let set = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse(MINIMAL, "s.toml", "s", &args)
        };
        let base = set(&[]).unwrap();
        let s = set(&[
            "status+={ name = \"Coaching\", description = \"one-to-one\" }",
            "agents.g.schedule+={ status = \"Coaching\", at = \"10:00\", duration = \"30m\" }",
        ])
        .unwrap();
        assert_eq!(s.statuses.len(), base.statuses.len() + 1);
        let coaching = s.statuses.iter().position(|x| x.name == "Coaching").unwrap();
        let status = crate::model::StatusId(u16::try_from(coaching).unwrap());
        assert_eq!(s.statuses[status].kind, crate::model::StatusKind::Unavailable);
        let g = crate::model::GroupId(0);
        assert_eq!(s.groups[g].schedule.len(), base.groups[g].schedule.len() + 1);
        let added = s.groups[g].schedule.last().unwrap();
        assert_eq!(added.status, status);
        // A second entry goes after the first.
        let two = set(&[
            "status+={ name = \"Coaching\", description = \"one-to-one\" }",
            "status+={ name = \"Lunch\" }",
        ])
        .unwrap();
        let names: Vec<&str> =
            two.statuses.iter().skip(base.statuses.len()).map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["Coaching", "Lunch"]);
        for (bad, words) in [
            ("horizon+=3", "`horizon` is not a list"),
            ("status+={ name = ", "is not a TOML value"),
            ("queue+=5", "list of tables"),
            ("agents.nobody.schedule+={}", "unknown name `nobody`"),
        ] {
            let e = set(&[bad]).unwrap_err().to_string();
            assert!(e.contains(words), "{bad}: {e}");
        }
    }

    #[test]
    fn overrides_change_values_and_bad_ones_are_errors() {
        let set = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse(MINIMAL, "s.toml", "s", &args)
        };
        let s = set(&["agents.g.count=9", "queue.chat.arrivals.per_hour=90", "horizon=2d"]).unwrap();
        assert_eq!(s.groups[GroupId(0)].size(), 9);
        assert!((s.queues[QueueId(0)].arrivals.rates()[0] - 90.0 / 3600.0).abs() < 1e-12);
        assert_eq!(s.horizon, 2.0 * 86_400.0);
        let s = set(&["routing.agent_selection=most_available"]).unwrap();
        assert_eq!(s.routing.selection, crate::model::Selection::MostAvailable);
        for bad in ["agents.nobody.count=3", "queue.chat.prioritty=2", "nokey", "agents.g.count=-1"] {
            let e = set(&[bad]).unwrap_err().to_string();
            assert!(e.starts_with(&format!("s.toml: --set {bad}: ")), "{bad}: {e}");
        }
        let e = set(&["agents.nobody.count=3", "nokey", "horizon=0s"]).unwrap_err().to_string();
        assert!(e.starts_with("3 problems in s.toml:"), "{e}");
        assert!(
            e.contains("--set agents.nobody.count=3: key `agents.nobody.count`: unknown name `nobody`"),
            "{e}"
        );
    }

    /// Words of Rust or serde that no message may show.
    const FORBIDDEN: &[&str] = &[
        "Raw",
        "i64",
        "f64",
        "u32",
        "usize",
        "sequence",
        " map",
        "internally tagged",
        "struct",
        "variant",
        "invalid type",
        "Some(",
        "None",
    ];

    fn plain_words(e: &str) {
        for w in FORBIDDEN {
            assert!(!e.contains(w), "{w:?} in {e}");
        }
    }

    #[test]
    fn every_problem_of_a_file_is_reported_in_file_order() {
        let text = MINIMAL
            .replace("per_hour = 60", "per_hour = -5")
            .replace("queues = [\"chat\"]", "queues = [\"chta\"]")
            .replace("count = 4", "count = \"four\"");
        let e = err(&text);
        plain_words(&e);
        assert!(e.starts_with("3 problems in s.toml:\n"), "{e}");
        let lines: Vec<&str> = e.lines().skip(1).map(str::trim).collect();
        assert!(lines[0].starts_with("s.toml:5: key `queue.chat.arrivals.per_hour`"), "{e}");
        assert!(
            lines[1]
                .starts_with("s.toml:9: key `team.t.queues.0`: unknown queue `chta`; did you mean `chat`?"),
            "{e}"
        );
        assert!(lines[2].starts_with("s.toml:13: key `agents.g.count`: expected a whole number"), "{e}");
    }

    #[test]
    fn common_mistakes_are_told_in_plain_words() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "handle_time = { dist = \"exponential\", mean = \"3m\" }",
                "handle_time = \"5m\"",
                "s.toml:6: key `queue.chat.handle_time`: expected a distribution, such as `{ dist = \"constant\", value = \"5m\" }`",
            ),
            (
                "count = 4",
                "count = \"ten\"",
                "s.toml:13: key `agents.g.count`: expected a whole number, such as `count = 10`",
            ),
            (
                "name = \"chat\"",
                "name = \"chat\"\nprioritty = 2",
                "s.toml:5: key `queue.chat.prioritty`: unknown key `prioritty` in `queue.chat`; did you mean `priority`?",
            ),
            (
                "team = \"t\"",
                "team = \"T\"",
                "s.toml:12: key `agents.g.team`: unknown team `T`; did you mean `t`?",
            ),
            ("horizon = \"1d\"", "horizon = \"100000d\"", "s.toml:2: key `horizon`: holds"),
            (
                "count = 4",
                "count = 4\nshift = { start = \"08:00\", end = \"09:00\", ready_delay = \"2h\" }",
                "s.toml:14: key `agents.g.shift.ready_delay`: the ready delay (7200 s)",
            ),
            (
                "count = 4",
                "count = 4\nschedule = [{ status = \"lunch\", at = \"12:00\", duration = \"30m\" }]\n[[status]]\nname = \"Lunch\"",
                "s.toml:14: key `agents.g.schedule.0.status`: unknown status `lunch`; did you mean `Lunch`?",
            ),
        ];
        for (from, to, want) in cases {
            let e = err(&MINIMAL.replacen(from, to, 1));
            plain_words(&e);
            assert!(e.starts_with(want), "want {want}\n got {e}");
        }
    }

    #[test]
    fn format_problems_the_shape_check_leaves_to_serde_are_plain_too() {
        let e = err(&MINIMAL.replace("per_hour = 60", "per_hour = 60, per_hr = 3"));
        plain_words(&e);
        assert!(e.starts_with("s.toml:5: key `queue.chat.arrivals.per_hr`: unknown key `per_hr` in `queue.chat.arrivals`; did you mean `per_hour`?"), "{e}");
        let e = err(&MINIMAL.replace("arrivals = { per_hour = 60 }", "arrivals = { }"));
        plain_words(&e);
        assert!(e.contains("key `queue.chat.arrivals`: give `per_hour = 30`"), "{e}");
    }

    #[test]
    fn set_problems_name_the_set_and_file_problems_their_original_line() {
        let args = ["queue.chat.priority=0".to_owned(), "horizon=\"zz\"".to_owned()];
        let text = MINIMAL.replace("count = 4", "count = -4");
        let e = parse(&text, "s.toml", "s", &args).unwrap_err().to_string();
        plain_words(&e);
        let lines: Vec<&str> = e.lines().skip(1).map(str::trim).collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(lines[0].starts_with("s.toml:13: key `agents.g.count`"), "{e}");
        assert!(
            lines[1].starts_with("s.toml: --set queue.chat.priority=0: key `queue.chat.priority`"),
            "{e}"
        );
        assert!(lines[2].starts_with("s.toml: --set horizon=\"zz\": key `horizon`"), "{e}");
        assert!(!e.contains("with --set overrides"), "{e}");
    }

    #[test]
    fn lists_over_their_limit_are_refused_before_anything_else() {
        let mut text = MINIMAL.replace("horizon = \"1d\"", "horizon = 5");
        for i in 0..=limits::MAX_TEAMS {
            text.push_str(&format!("[[team]]\nname = \"x{i}\"\nqueues = [\"nope\"]\n"));
        }
        let e = err(&text);
        assert_eq!(
            e,
            format!("s.toml:7: key `team`: at most {} teams; this file has 1002", limits::MAX_TEAMS)
        );
        let mut text = MINIMAL.to_owned();
        for i in 0..limits::MAX_QUEUES {
            text.push_str(&format!("[[queue]]\nname = \"q{i}\"\n"));
        }
        let e = err(&text);
        assert!(e.ends_with("key `queue`: at most 1000 queues; this file has 1001"), "{e}");
    }

    #[test]
    fn with_staffing_replaces_count_and_shift_and_keeps_the_rest() {
        let text = format!(
            "{MINIMAL}shift = {{ start = \"08:00\", end = \"16:00\" }}\n\
             schedule = [{{ status = \"Unavailable\", at = \"12:00\", duration = \"30m\" }}]\n\
             [[agents]]\nname = \"h\"\nteam = \"t\"\ncount = 2\n"
        );
        let levels: Vec<u32> = (0..48).collect();
        let staffed = with_staffing(&text, "s.toml", "g", &levels).unwrap();
        let sc = parse(&staffed, "s.toml", "s", &[]).unwrap();
        match &sc.groups[GroupId(0)].headcount {
            crate::model::Headcount::Staffing(st) => assert_eq!(st.levels(), levels.as_slice()),
            other => panic!("{other:?}"),
        }
        assert!(sc.groups[GroupId(0)].shift.is_none());
        assert_eq!(sc.groups[GroupId(0)].schedule.len(), 1, "the schedule stays");
        assert!(
            matches!(sc.groups[GroupId(1)].headcount, crate::model::Headcount::Fixed(2)),
            "other groups stay"
        );
        let e = with_staffing(&text, "s.toml", "nobody", &levels).unwrap_err().to_string();
        assert!(e.contains("its groups are: g, h"), "{e}");
    }
}
