//! The shape of a scenario file checked before serde sees it: every key is
//! known and holds the right kind of value. Each problem is put in the
//! user's words, with an example in the scenario's own syntax, and then
//! repaired (the key removed, or a placeholder written where the key is
//! required) so that the remaining checks still run and every problem of
//! the file is reported in one go.

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::suggest::unknown;
use super::validate::Invalid;

/// What a key may hold.
#[derive(Clone, Copy)]
enum ValueKind {
    /// Text (names, durations, clock times).
    Str,
    /// A file name, in quotes.
    File,
    /// A file name, or a table with these keys naming the file and how to
    /// read it (`forecast`); a table with any problem is removed whole.
    FileOrTable(&'static [Field]),
    /// Anything: checked later, in `validate` (arrival rates: a number or a list).
    Any,
    /// A whole number.
    Int,
    /// A whole or decimal number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A team's `queues`: names, or routing-profile tables `{ queue, priority, delay }`.
    ServeList,
    /// A list of whole numbers.
    IntList,
    /// A list of texts (names).
    StrList,
    /// A table of whole numbers, keyed by name.
    IntTable,
    /// A distribution table, `{ dist = "...", ... }`.
    Dist,
    /// A table with these keys.
    Table(&'static [Field]),
    /// A list of tables (`[[queue]]`, or `[{...}, {...}]`) with these keys.
    Tables(&'static [Field]),
}

/// One allowed key.
struct Field {
    name: &'static str,
    kind: ValueKind,
    required: bool,
    /// The key written as a user would write it; for required keys its
    /// value must parse, as it is the placeholder after a problem.
    example: &'static str,
    /// Whether a wrong value is replaced by the example's (else removed).
    placeholder: bool,
}

const fn opt(name: &'static str, kind: ValueKind, example: &'static str) -> Field {
    Field { name, kind, required: false, example, placeholder: true }
}

/// An optional key whose wrong value is removed, not replaced: the
/// example's value would stand for something the user did not write (a
/// file that is not there, a step that changes the arrays' lengths).
const fn bare(name: &'static str, kind: ValueKind, example: &'static str) -> Field {
    Field { name, kind, required: false, example, placeholder: false }
}

const fn req(name: &'static str, kind: ValueKind, example: &'static str) -> Field {
    Field { name, kind, required: true, example, placeholder: true }
}

const TOP: &[Field] = &[
    opt("name", ValueKind::Str, "name = \"support-day\""),
    opt("seed", ValueKind::Int, "seed = 42"),
    req("horizon", ValueKind::Str, "horizon = \"1d\""),
    opt("warmup", ValueKind::Str, "warmup = \"2h\""),
    opt("drain", ValueKind::Str, "drain = \"1d\""),
    bare("forecast", ValueKind::FileOrTable(FORECAST), "forecast = \"forecast.csv\""),
    opt("start_date", ValueKind::Str, "start_date = \"2026-12-07\""),
    opt("forecast_gaps", ValueKind::Str, "forecast_gaps = \"error\""),
    opt("interval", ValueKind::Str, "interval = \"30m\""),
    opt("replications", ValueKind::Int, "replications = 10"),
    opt("routing", ValueKind::Table(ROUTING), "[routing]"),
    opt("metrics", ValueKind::Table(METRICS), "[metrics]"),
    opt("status", ValueKind::Tables(STATUS), "[[status]]"),
    opt("queue", ValueKind::Tables(QUEUE), "[[queue]]"),
    opt("team", ValueKind::Tables(TEAM), "[[team]]"),
    opt("agents", ValueKind::Tables(AGENTS), "[[agents]]"),
    opt("shift", ValueKind::Tables(SHIFT_PATTERN), "[[shift]]"),
];

/// `forecast = { file, columns, date_format }`: the file's own layout.
const FORECAST: &[Field] = &[
    // Required, but no placeholder: a file the user did not name is not read.
    Field {
        name: "file",
        kind: ValueKind::File,
        required: true,
        example: "file = \"forecast.csv\"",
        placeholder: false,
    },
    opt(
        "columns",
        ValueKind::Table(FORECAST_COLUMNS),
        "columns = { start = \"Beginn\", queue = \"Warteschlange\", offered = \"Volumen\", aht = \"AHT\" }",
    ),
    opt("date_format", ValueKind::Str, "date_format = \"%d.%m.%Y\""),
];

/// `forecast.columns`: our column names, each mapped to the file's header.
const FORECAST_COLUMNS: &[Field] = &[
    opt("start", ValueKind::Str, "start = \"Beginn\""),
    opt("queue", ValueKind::Str, "queue = \"Warteschlange\""),
    opt("offered", ValueKind::Str, "offered = \"Volumen\""),
    opt("aht", ValueKind::Str, "aht = \"AHT\""),
    opt("rate_cv", ValueKind::Str, "rate_cv = \"CV\""),
];

const ROUTING: &[Field] = &[
    opt("agent_selection", ValueKind::Str, "agent_selection = \"longest_idle\""),
    opt("assignment", ValueKind::Str, "assignment = \"accept\""),
    opt("accept_delay", ValueKind::Dist, "accept_delay = { dist = \"exponential\", mean = \"8s\" }"),
    opt("accept_timeout", ValueKind::Str, "accept_timeout = \"30s\""),
    opt(
        "missed_unavailable",
        ValueKind::Dist,
        "missed_unavailable = { dist = \"constant\", value = \"5m\" }",
    ),
    opt("requeue_when_offline", ValueKind::Bool, "requeue_when_offline = true"),
];

const METRICS: &[Field] = &[
    opt("service_level", ValueKind::Str, "service_level = \"offered\""),
    opt("short_abandon", ValueKind::Str, "short_abandon = \"5s\""),
];

const STATUS: &[Field] = &[
    req("name", ValueKind::Str, "name = \"Lunch\""),
    opt("description", ValueKind::Str, "description = \"Meal break\""),
    opt("enabled", ValueKind::Bool, "enabled = false"),
];

const QUEUE: &[Field] = &[
    req("name", ValueKind::Str, "name = \"chat\""),
    opt("channel", ValueKind::Str, "channel = \"chat\""),
    opt("priority", ValueKind::Int, "priority = 1"),
    opt("item_size", ValueKind::Int, "item_size = 1"),
    opt("sl_threshold", ValueKind::Str, "sl_threshold = \"30s\""),
    opt("sl_target", ValueKind::Number, "sl_target = 0.8"),
    opt("asa_target", ValueKind::Str, "asa_target = \"30s\""),
    opt("abandon_target", ValueKind::Number, "abandon_target = 0.05"),
    // Not required: a queue may take its arrivals from the `forecast` file.
    opt("arrivals", ValueKind::Table(ARRIVALS), "arrivals = { per_hour = 30 }"),
    req("handle_time", ValueKind::Dist, "handle_time = { dist = \"exponential\", mean = \"5m\" }"),
    opt("wrap_up", ValueKind::Dist, "wrap_up = { dist = \"constant\", value = \"30s\" }"),
    opt("patience", ValueKind::Dist, "patience = { dist = \"exponential\", mean = \"4m\" }"),
    opt("requeue_when_offline", ValueKind::Bool, "requeue_when_offline = true"),
    opt("busy_while_handling", ValueKind::Bool, "busy_while_handling = true"),
    opt("capacity_aware", ValueKind::Bool, "capacity_aware = true"),
    opt("hours", ValueKind::StrList, "hours = [\"mon-fri 08:00-18:00\", \"sat 10:00-14:00\"]"),
    opt("closed", ValueKind::StrList, "closed = [\"2026-12-25\"]"),
];

const ARRIVALS: &[Field] = &[
    bare("per_hour", ValueKind::Any, "per_hour = 30"),
    bare("per_interval", ValueKind::Any, "per_interval = 15"),
    bare("step", ValueKind::Str, "step = \"15m\""),
    bare("rate_cv", ValueKind::Number, "rate_cv = 0.1"),
];

const TEAM: &[Field] = &[
    req("name", ValueKind::Str, "name = \"tier1\""),
    req("queues", ValueKind::ServeList, "queues = [\"chat\", \"email\"]"),
    opt("capacity", ValueKind::Int, "capacity = 3"),
    opt("channel_caps", ValueKind::IntTable, "channel_caps = { chat = 2 }"),
];

const AGENTS: &[Field] = &[
    req("name", ValueKind::Str, "name = \"day-shift\""),
    opt("team", ValueKind::Str, "team = \"tier1\""),
    opt("teams", ValueKind::StrList, "teams = [\"tier1\", \"email\"]"),
    opt("count", ValueKind::Int, "count = 10"),
    opt("staffing", ValueKind::IntList, "staffing = [0, 0, 2, 4]"),
    opt("staffing_step", ValueKind::Str, "staffing_step = \"15m\""),
    opt("shift", ValueKind::Table(SHIFT), "shift = { start = \"08:00\", end = \"16:30\" }"),
    opt(
        "schedule",
        ValueKind::Tables(PLANNED),
        "schedule = [{ status = \"Lunch\", window = \"11:30-13:30\", duration = \"30m\" }]",
    ),
    opt(
        "unplanned",
        ValueKind::Tables(UNPLANNED),
        "unplanned = [{ status = \"Busy\", per_hour = 0.5, duration = { dist = \"exponential\", mean = \"5m\" } }]",
    ),
];

const SHIFT: &[Field] = &[
    req("start", ValueKind::Str, "start = \"08:00\""),
    req("end", ValueKind::Str, "end = \"16:30\""),
    opt("ready_delay", ValueKind::Str, "ready_delay = \"5m\""),
    opt("wind_down", ValueKind::Str, "wind_down = \"10m\""),
];

/// `[[shift]]`: a shift pattern for `routesim schedule` (docs/model.md §10.14).
const SHIFT_PATTERN: &[Field] = &[
    req("name", ValueKind::Str, "name = \"day\""),
    req("team", ValueKind::Str, "team = \"tier1\""),
    opt("length", ValueKind::Str, "length = \"8h30m\""),
    opt("lengths", ValueKind::StrList, "lengths = [\"6h\", \"8h30m\"]"),
    req("start", ValueKind::Str, "start = \"06:30-12:00\""),
    opt("start_step", ValueKind::Str, "start_step = \"30m\""),
    opt("days", ValueKind::Int, "days = 5"),
    opt(
        "schedule",
        ValueKind::Tables(SHIFT_STATUS),
        "schedule = [{ status = \"Lunch\", after = \"3h-5h\", duration = \"30m\" }]",
    ),
    opt("max_agents", ValueKind::Int, "max_agents = 40"),
];

/// One planned status of a shift pattern.
const SHIFT_STATUS: &[Field] = &[
    req("status", ValueKind::Str, "status = \"Lunch\""),
    req("after", ValueKind::Str, "after = \"3h-5h\""),
    req("duration", ValueKind::Str, "duration = \"30m\""),
];

// `status` and `duration` for an episode, or `team` for a team switch:
// which is checked in `validate`.
const PLANNED: &[Field] = &[
    opt("status", ValueKind::Str, "status = \"Lunch\""),
    opt("at", ValueKind::Str, "at = \"12:00\""),
    opt("window", ValueKind::Str, "window = \"11:30-13:30\""),
    opt("duration", ValueKind::Str, "duration = \"30m\""),
    opt("team", ValueKind::Str, "team = \"email\""),
];

const UNPLANNED: &[Field] = &[
    req("status", ValueKind::Str, "status = \"Busy\""),
    req("per_hour", ValueKind::Number, "per_hour = 0.5"),
    req("duration", ValueKind::Dist, "duration = { dist = \"exponential\", mean = \"5m\" }"),
];

/// The distributions and the keys each takes (all durations, except
/// `values`, a list of durations).
const DISTS: &[(&str, &[&str], &str)] = &[
    ("exponential", &["mean"], "{ dist = \"exponential\", mean = \"5m\" }"),
    ("lognormal", &["mean", "sd"], "{ dist = \"lognormal\", mean = \"8m\", sd = \"5m\" }"),
    ("gamma", &["mean", "sd"], "{ dist = \"gamma\", mean = \"6m\", sd = \"4m\" }"),
    ("constant", &["value"], "{ dist = \"constant\", value = \"5m\" }"),
    ("uniform", &["min", "max"], "{ dist = \"uniform\", min = \"2m\", max = \"8m\" }"),
    ("empirical", &["values"], "{ dist = \"empirical\", values = [\"2m\", \"3m\", \"10m\"] }"),
];

/// Checks `doc` against the scenario's shape, repairs what is wrong so the
/// later checks can run, and returns every problem found.
pub(super) fn check(doc: &mut DocumentMut) -> Vec<Invalid> {
    let mut out = Vec::new();
    check_table(doc.as_table_mut(), TOP, "", &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

fn place(path: &str) -> String {
    if path.is_empty() { "at the top level".to_owned() } else { format!("in `{path}`") }
}

fn push(out: &mut Vec<Invalid>, key: String, message: String) {
    out.push(Invalid { key, message });
}

fn check_table(t: &mut dyn TableLike, fields: &[Field], path: &str, out: &mut Vec<Invalid>) {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
    let present: Vec<&str> = fields.iter().map(|f| f.name).filter(|n| t.contains_key(n)).collect();
    let unknowns = keys.iter().filter(|k| !fields.iter().any(|f| f.name == k.as_str())).count();
    if unknowns > 0 {
        let allowed: Vec<&str> = fields.iter().map(|f| f.name).collect();
        for k in keys.iter().filter(|k| !allowed.contains(&k.as_str())) {
            push(out, join(path, k), unknown("key", k, &place(path), &allowed));
        }
        // Removing one key shifts the rest: with many unknown keys, keep the
        // known ones and rebuild the table instead (linear, not quadratic).
        if unknowns <= 16 {
            for k in keys.iter().filter(|k| !allowed.contains(&k.as_str())) {
                t.remove(k);
            }
        } else {
            let known: Vec<(String, Item)> = keys
                .iter()
                .filter(|k| allowed.contains(&k.as_str()))
                .filter_map(|k| Some((k.clone(), t.remove(k)?)))
                .collect();
            t.clear();
            for (k, item) in known {
                t.insert(&k, item);
            }
        }
    }
    for k in &keys {
        let k = k.as_str();
        let key = join(path, k);
        let Some(field) = fields.iter().find(|f| f.name == k) else { continue };
        let Some(item) = t.get_mut(k) else { continue };
        if !check_item(item, field, &key, out) {
            // A placeholder where the example gives one, so the checks that
            // follow do not report the key again as missing.
            match placeholder(field) {
                Some(v) => *item = Item::Value(v),
                None => {
                    t.remove(k);
                }
            }
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !present.contains(&f.name) {
            push(out, join(path, f.name), format!("is missing {}; add e.g. `{}`", place(path), f.example));
        }
    }
    // Required keys that are missing or were removed get a placeholder, so
    // that the rest of the file can still be checked.
    for f in fields.iter().filter(|f| f.required) {
        if t.get(f.name).is_none()
            && let Some(v) = placeholder(f)
        {
            t.insert(f.name, Item::Value(v));
        }
    }
}

/// The value of a field's example, when it is one and stands in for a wrong value.
fn placeholder(f: &Field) -> Option<Value> {
    if !f.placeholder {
        return None;
    }
    let (_, v) = f.example.split_once('=')?;
    v.trim().parse::<Value>().ok()
}

/// Checks one value; false when it is wrong and must be removed.
fn check_item(item: &mut Item, field: &Field, key: &str, out: &mut Vec<Invalid>) -> bool {
    let wrong = |out: &mut Vec<Invalid>, what: &str, example: &str, item: &Item| {
        push(out, key.to_owned(), format!("expected {what}, such as `{example}`; found {}", describe(item)));
        false
    };
    let value = item.as_value();
    match field.kind {
        ValueKind::Str => {
            value.is_some_and(Value::is_str) || wrong(out, "text in quotes", field.example, item)
        }
        ValueKind::File => {
            value.is_some_and(Value::is_str)
                || wrong(out, "a file name (text in quotes)", field.example, item)
        }
        ValueKind::FileOrTable(fields) => match item.as_table_like_mut() {
            Some(t) => {
                let before = out.len();
                check_table(t, fields, key, out);
                out.len() == before
            }
            None => {
                item.is_str()
                    || wrong(
                        out,
                        "a file name (text in quotes) or a table",
                        "forecast = { file = \"x.csv\", columns = { start = \"Beginn\" } }",
                        item,
                    )
            }
        },
        ValueKind::Any => true,
        ValueKind::Int => {
            value.is_some_and(Value::is_integer) || wrong(out, "a whole number", field.example, item)
        }
        ValueKind::Number => {
            value.is_some_and(|v| v.is_integer() || v.is_float())
                || wrong(out, "a number", field.example, item)
        }
        ValueKind::Bool => {
            value.is_some_and(Value::is_bool) || wrong(out, "true or false", field.example, item)
        }
        ValueKind::ServeList => {
            value.and_then(Value::as_array).is_some_and(|a| {
                a.iter().all(|v| {
                    v.is_str()
                        || v.as_inline_table().is_some_and(|t| {
                            t.iter().all(|(k, v)| match k {
                                "queue" => v.is_str(),
                                "priority" => v.is_integer(),
                                "delay" => v.is_str(),
                                _ => false,
                            }) && t.get("queue").is_some()
                        })
                })
            }) || wrong(
                out,
                "a list of queue names, or of tables such as { queue = \"chat\", priority = 2, delay = \"60s\" }",
                field.example,
                item,
            )
        }
        ValueKind::IntList => {
            value.and_then(Value::as_array).is_some_and(|a| a.iter().all(Value::is_integer))
                || wrong(out, "a list of whole numbers", field.example, item)
        }
        ValueKind::StrList => {
            value.and_then(Value::as_array).is_some_and(|a| a.iter().all(Value::is_str))
                || wrong(out, "a list of names in quotes", field.example, item)
        }
        ValueKind::IntTable => {
            item.as_table_like().is_some_and(|t| t.iter().all(|(_, v)| v.as_integer().is_some()))
                || wrong(out, "a table of whole numbers", field.example, item)
        }
        ValueKind::Table(fields) => match item.as_table_like_mut() {
            Some(t) => {
                check_table(t, fields, key, out);
                true
            }
            None => wrong(out, "a table", field.example, item),
        },
        ValueKind::Tables(fields) => check_tables(item, fields, field.example, key, out),
        ValueKind::Dist => check_dist(item, key, out),
    }
}

/// A list of tables, each element named by its `name` key (or its index).
fn check_tables(item: &mut Item, fields: &[Field], example: &str, key: &str, out: &mut Vec<Invalid>) -> bool {
    let label = |t: &dyn TableLike, i: usize| {
        let name = t.get("name").and_then(Item::as_str).filter(|n| !n.is_empty() && !n.contains('.'));
        join(key, &name.map_or_else(|| i.to_string(), str::to_owned))
    };
    match item {
        Item::ArrayOfTables(aot) => {
            for (i, t) in aot.iter_mut().enumerate() {
                let path = label(t, i);
                check_table(t, fields, &path, out);
            }
            true
        }
        Item::Value(Value::Array(a)) => {
            let mut bad = Vec::new();
            for (i, v) in a.iter_mut().enumerate() {
                match v.as_inline_table_mut() {
                    Some(t) => {
                        let path = label(t, i);
                        check_table(t, fields, &path, out);
                    }
                    None => {
                        push(
                            out,
                            join(key, &i.to_string()),
                            format!("expected a table, such as `{example}`; found {}", describe_value(v)),
                        );
                        bad.push(i);
                    }
                }
            }
            if !bad.is_empty() {
                // One pass, however many elements go.
                let mut i = 0;
                a.retain(|_| {
                    i += 1;
                    bad.binary_search(&(i - 1)).is_err()
                });
            }
            true
        }
        other => {
            push(
                out,
                key.to_owned(),
                format!("expected a list of tables, such as `{example}`; found {}", describe(other)),
            );
            false
        }
    }
}

/// A distribution: a table with a known `dist` and its keys, each a duration.
fn check_dist(item: &mut Item, key: &str, out: &mut Vec<Invalid>) -> bool {
    let example = |given: Option<&str>| match given {
        Some(text) => format!("{{ dist = \"constant\", value = \"{text}\" }}"),
        None => "{ dist = \"exponential\", mean = \"5m\" }".to_owned(),
    };
    let Some(t) = item.as_table_like_mut() else {
        let given = item.as_str().map(str::to_owned);
        push(
            out,
            key.to_owned(),
            format!(
                "expected a distribution, such as `{}`; found {}",
                example(given.as_deref()),
                describe(item)
            ),
        );
        return false;
    };
    let kinds: Vec<&str> = DISTS.iter().map(|d| d.0).collect();
    let dkey = join(key, "dist");
    let Some(dist) = t.get("dist") else {
        push(out, dkey, format!("is missing; say which distribution, such as `{}`", example(None)));
        return false;
    };
    let Some(name) = dist.as_str() else {
        push(out, dkey, format!("expected the name of a distribution in quotes; found {}", describe(dist)));
        return false;
    };
    let Some(&(_, params, whole)) = DISTS.iter().find(|d| d.0 == name) else {
        push(out, dkey, unknown("distribution", name, "", &kinds));
        return false;
    };
    let mut ok = true;
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).filter(|k| k != "dist").collect();
    for k in keys {
        let Some(item) = t.get(&k) else { continue };
        if !params.contains(&k.as_str()) {
            push(out, join(key, &k), unknown("key", &k, &format!("a {name} distribution"), params));
            ok = false;
        } else if k == "values" {
            if !item.as_array().is_some_and(|a| a.iter().all(Value::is_str)) {
                push(
                    out,
                    join(key, &k),
                    format!("expected a list of durations, such as `{whole}`; found {}", describe(item)),
                );
                ok = false;
            }
        } else if !item.is_str() {
            push(
                out,
                join(key, &k),
                format!("expected a duration in quotes, such as `{whole}`; found {}", describe(item)),
            );
            ok = false;
        }
    }
    for p in params.iter().filter(|p| t.get(p).is_none()) {
        push(out, join(key, p), format!("is missing; a {name} distribution is written `{whole}`"));
        ok = false;
    }
    ok
}

/// A value as the user wrote it, in words: "the text \"ten\"", "a table".
fn describe(item: &Item) -> String {
    match item {
        Item::Value(v) => describe_value(v),
        Item::Table(_) => "a table".to_owned(),
        Item::ArrayOfTables(_) => "a list of tables".to_owned(),
        Item::None => "nothing".to_owned(),
    }
}

fn describe_value(v: &Value) -> String {
    let shown = |v: &Value| {
        let s = v.clone().decorated("", "").to_string();
        if s.chars().count() > 40 { format!("{}...", s.chars().take(37).collect::<String>()) } else { s }
    };
    match v {
        Value::String(_) => format!("the text {}", shown(v)),
        Value::Integer(_) => format!("the whole number {}", shown(v)),
        Value::Float(_) => format!("the number {}", shown(v)),
        Value::Boolean(_) => shown(v),
        Value::Datetime(_) => format!("the date or time {}", shown(v)),
        Value::Array(_) => format!("the list {}", shown(v)),
        Value::InlineTable(_) => format!("the table {}", shown(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let mut doc: DocumentMut = text.parse().unwrap();
        check(&mut doc).into_iter().map(|p| format!("{}: {}", p.key, p.message)).collect()
    }

    #[test]
    fn every_required_placeholder_parses() {
        fn walk(fields: &[Field]) {
            for f in fields {
                if f.required {
                    let (k, v) = f.example.split_once('=').unwrap();
                    assert_eq!(k.trim(), f.name);
                    assert!(v.trim().parse::<Value>().is_ok(), "{}", f.example);
                }
                if let ValueKind::Table(inner) | ValueKind::Tables(inner) | ValueKind::FileOrTable(inner) =
                    f.kind
                {
                    walk(inner);
                }
            }
        }
        walk(TOP);
        for (_, _, whole) in DISTS {
            assert!(whole.parse::<Value>().is_ok(), "{whole}");
        }
    }

    #[test]
    fn wrong_kinds_and_unknown_keys_are_all_reported_and_repaired() {
        let p = problems(
            "horizon = 5\n[[queue]]\nname = \"chat\"\nprioritty = 2\narrivals = { per_hour = 1 }\nhandle_time = \"5m\"\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = \"ten\"\n",
        );
        assert_eq!(p.len(), 4, "{p:#?}");
        assert!(p[0].starts_with("horizon: expected text in quotes, such as `horizon = \"1d\"`"), "{}", p[0]);
        assert!(p[1].contains(
            "queue.chat.prioritty: unknown key `prioritty` in `queue.chat`; did you mean `priority`?"
        ));
        assert!(p[2].contains("`{ dist = \"constant\", value = \"5m\" }`"), "{}", p[2]);
        assert!(p[3].contains(
            "agents.g.count: expected a whole number, such as `count = 10`; found the text \"ten\""
        ));
    }

    #[test]
    fn distributions_are_checked_by_kind() {
        let base = "horizon = \"1d\"\n[[queue]]\nname = \"q\"\narrivals = { per_hour = 1 }\n";
        let p = problems(&format!("{base}handle_time = {{ dist = \"normal\", mean = \"5m\" }}\n"));
        assert!(p[0].contains("unknown distribution `normal`"), "{p:?}");
        let p = problems(&format!("{base}handle_time = {{ dist = \"lognormal\", mean = \"5m\" }}\n"));
        assert!(p[0].starts_with("queue.q.handle_time.sd: is missing"), "{p:?}");
        let p = problems(&format!("{base}handle_time = {{ dist = \"constant\", value = 5 }}\n"));
        assert!(p[0].contains("expected a duration in quotes"), "{p:?}");
        let p = problems(&format!("{base}handle_time = {{ dist = \"exponential\", mean = \"5m\" }}\n"));
        assert!(p.is_empty(), "{p:?}");
    }
}
