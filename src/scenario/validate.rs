//! Checks the raw scenario and builds the [`Scenario`] the engine runs:
//! durations to seconds, rates to per second, names to indices. Every
//! problem found is returned, each with the dotted key at fault; checks go
//! on with the next field, queue, team or group after one fails.

use super::forecast::{Forecast, ForecastQueue};
use super::limits::*;
use super::raw::{
    RawAgents, RawArrivals, RawDist, RawQueue, RawScenario, RawServe, RawShift, RawShiftPattern, RawTeam,
};
use super::suggest::unknown;
use super::units::{parse_clock, parse_duration, parse_window};
use crate::calendar::{self, Calendar};
use crate::dist::Dist;
use crate::model::{
    AgentGroup, ArrivalSource, Arrivals, GroupId, Headcount, Hours, MetricSettings, Offers, Planned, Queue,
    QueueId, Routing, Scenario, Selection, Shift, ShiftPattern, ShiftStatus, SlFormula, Staffing, Status,
    StatusId, StatusKind, Switch, Team, TeamId, Unplanned, Week,
};
use crate::time::DAY;
use std::collections::{HashMap, HashSet};
use typed_index_collections::{TiSlice, TiVec};

/// A validation failure: the dotted key and what is wrong with it.
#[derive(Debug)]
pub(super) struct Invalid {
    pub key: String,
    pub message: String,
}

type Result<T> = std::result::Result<T, Invalid>;

fn invalid<T>(key: impl Into<String>, message: impl Into<String>) -> Result<T> {
    Err(Invalid { key: key.into(), message: message.into() })
}

/// Collects the problems found; checks go on after one fails, so a file's
/// problems are all reported at once.
#[derive(Default)]
pub(super) struct Problems(pub Vec<Invalid>);

impl Problems {
    /// The value, or `None` with its problem recorded.
    fn take<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Invalid { key: key.into(), message: message.into() });
    }
}

/// The scenario's forecast as `validate` sees it.
#[derive(Clone, Copy)]
pub(super) enum ForecastInput<'a> {
    /// The scenario names no forecast.
    None,
    /// The scenario names one that could not be read for a problem already
    /// reported: queues without `arrivals` are not blamed for it.
    Unread,
    /// The forecast, read.
    Read(&'a Forecast),
}

pub(super) fn validate(
    raw: RawScenario,
    default_name: &str,
    input: ForecastInput<'_>,
) -> std::result::Result<Scenario, Vec<Invalid>> {
    let forecast = match input {
        ForecastInput::Read(f) => Some(f),
        ForecastInput::None | ForecastInput::Unread => None,
    };
    let unread = matches!(input, ForecastInput::Unread);
    let mut e = Problems::default();
    let name = raw.name.clone().unwrap_or_else(|| default_name.to_owned());
    let folder_safe = !name.trim().is_empty()
        && name.chars().count() <= 100
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'));
    if !folder_safe {
        e.add(
            "name",
            format!("{name:?} cannot name an output folder; use up to 100 letters, digits, spaces, - and _"),
        );
    }
    let seed = match raw.seed {
        None => Some(1),
        Some(s) if s >= 0 => Some(s as u64),
        Some(s) => {
            e.add("seed", format!("must be zero or more, got {s}"));
            None
        }
    };
    let horizon = e.take(
        duration("horizon", &raw.horizon)
            .and_then(|h| if h <= 0.0 { invalid("horizon", "must be longer than zero") } else { Ok(h) }),
    );
    let warmup = e.take(opt_duration("warmup", raw.warmup.as_deref(), 0.0));
    if let (Some(w), Some(h)) = (warmup, horizon)
        && w >= h
    {
        e.add("warmup", format!("({w} s) must be shorter than the horizon ({h} s)"));
    }
    let drain = e.take(opt_duration("drain", raw.drain.as_deref(), DAY).and_then(|d| {
        if d > MAX_DRAIN {
            invalid("drain", "must be at most 366 days (\"0s\" turns draining off)")
        } else {
            Ok(d)
        }
    }));
    let interval = e.take(opt_duration("interval", raw.interval.as_deref(), 1800.0).and_then(|i| {
        let per_day = DAY / i;
        if i < 1.0 || i.fract() != 0.0 || (per_day - per_day.round()).abs() > 1e-9 {
            invalid(
                "interval",
                "must be a whole number of seconds that divides a day evenly (e.g. \"15m\", \"30m\", \"1h\")",
            )
        } else {
            Ok(i)
        }
    }));
    if let (Some(h), Some(i)) = (horizon, interval)
        && h / i > MAX_INTERVALS
    {
        e.add(
            "horizon",
            format!(
                "holds {:.0} reporting intervals of {i} s, more than routesim handles ({MAX_INTERVALS}); \
                 shorten the horizon (or lengthen `interval`)",
                h / i
            ),
        );
    }
    let calendar = start_calendar(raw.start_date.as_deref(), forecast, &mut e);
    let gaps_are_errors = match raw.forecast_gaps.as_deref() {
        None | Some("warn") => false,
        Some("error") => true,
        Some(other) => {
            e.add(
                "forecast_gaps",
                format!("`{other}` is not a choice; write \"warn\" (the default) or \"error\""),
            );
            false
        }
    };
    let mut skipped = Vec::new();
    for note in forecast.map(|f| f.renamed.clone()).unwrap_or_default() {
        skipped.push(("forecast".to_owned(), note));
    }
    for gap in forecast.map(Forecast::gaps).unwrap_or_default() {
        if gaps_are_errors {
            e.add("forecast", format!("{gap}; `forecast_gaps = \"error\"` makes a missing row an error"));
        } else {
            skipped.push(("forecast".to_owned(), gap));
        }
    }
    let replications = raw.replications.unwrap_or(10);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        e.add("replications", format!("must be between 1 and {MAX_REPLICATIONS}, got {replications}"));
    }

    let routing = e.take(routing(&raw));
    let metrics = e.take(metrics(&raw));
    let statuses = statuses(&raw, &mut e);

    let mut channels = Channels::default();
    let mut queues = Vec::new();
    let default_routing =
        Routing { selection: Selection::LongestIdle, requeue_when_offline: true, offers: None };
    // Names → first index: every look-up below is one hash, not a scan.
    let index = Index::new(&raw, &statuses);
    for (i, q) in raw.queue.iter().enumerate() {
        let key = format!("queue.{}", q.name);
        if index.queues.get(q.name.as_str()).is_some_and(|&first| first.index() < i) {
            e.add(format!("queue.{i}.name"), format!("queue `{}` is defined twice", q.name));
            queues.push(None);
            continue;
        }
        let built = queue(
            q,
            &key,
            routing.as_ref().unwrap_or(&default_routing),
            interval,
            input,
            &mut channels,
            &mut e,
        );
        let hours = queue_hours(q, &key, horizon.zip(drain).zip(calendar), &mut e);
        queues.push(built.zip(hours).map(|(queue, hours)| Queue { hours, ..queue }));
    }
    // A dated forecast has no arrivals after its last date: a longer horizon is a mistake.
    if let (Some(f), Some(h)) = (forecast, horizon)
        && let Some(span) = f.dated_span()
        && h > span
    {
        e.add(
            "horizon",
            format!(
                "({} days) runs past the end of the dated forecast {}, which covers {} days; there would be \
                 no arrivals after its last date, so shorten the horizon or extend the forecast",
                h / DAY,
                f.file,
                span / DAY
            ),
        );
    }
    if queues.is_empty() {
        e.add(
            "queue",
            "the scenario needs at least one [[queue]], e.g. [[queue]] with name, arrivals and handle_time",
        );
    }
    if let (Some(h), Some(qs)) = (horizon, queues.iter().cloned().collect::<Option<Vec<Queue>>>()) {
        let expected: f64 = qs.iter().map(|q| q.mean_rate() * h).sum();
        if expected > MAX_ARRIVALS {
            e.add(
                "horizon",
                format!(
                    "about {expected:.0} arrivals per replication is more than routesim handles ({MAX_ARRIVALS}); shorten the horizon"
                ),
            );
        }
    }

    let mut teams = Vec::new();
    for (i, t) in raw.team.iter().enumerate() {
        let key = format!("team.{}", t.name);
        if index.teams.get(t.name.as_str()).is_some_and(|&first| first.index() < i) {
            e.add(format!("team.{i}.name"), format!("team `{}` is defined twice", t.name));
            teams.push(None);
            continue;
        }
        teams.push(team(t, &key, &raw.queue, &index, &channels, &mut e));
    }
    // Which teams serve a queue is only known when every team was read.
    if let Some(all_teams) = teams.iter().cloned().collect::<Option<TiVec<TeamId, Team>>>() {
        let mut serving_by_queue: TiVec<QueueId, Vec<TeamId>> = vec![Vec::new(); queues.len()].into();
        for (ti, t) in all_teams.iter_enumerated() {
            for &qi in &t.queues {
                if let Some(s) = serving_by_queue.get_mut(qi) {
                    s.push(ti);
                }
            }
        }
        for (q, serving) in queues.iter().zip(&serving_by_queue) {
            let Some(q) = q else { continue };
            let serving: Vec<&Team> = serving.iter().map(|&ti| &all_teams[ti]).collect();
            if serving.is_empty() {
                e.add(
                    format!("queue.{}", q.name),
                    "no [[team]] serves this queue; add it to a team's `queues`",
                );
            } else if serving
                .iter()
                .all(|t| t.capacity < q.item_size || t.channel_caps[q.channel] < q.item_size)
            {
                e.add(
                    format!("queue.{}.item_size", q.name),
                    format!(
                        "{} units does not fit the capacity (or channel cap) of any team serving this queue",
                        q.item_size
                    ),
                );
            }
        }
    }

    let mut groups = Vec::new();
    for (i, g) in raw.agents.iter().enumerate() {
        let key = format!("agents.{}", g.name);
        if index.groups.get(g.name.as_str()).is_some_and(|&first| first.index() < i) {
            e.add(format!("agents.{i}.name"), format!("agent group `{}` is defined twice", g.name));
            groups.push(None);
            continue;
        }
        groups.push(group(g, &key, &raw.team, &statuses, &index, interval, horizon, &mut e, &mut skipped));
    }
    if groups.iter().flatten().map(AgentGroup::size).sum::<usize>() > MAX_AGENTS {
        e.add("agents", format!("more than {MAX_AGENTS} agents in all"));
    }

    let mut shifts = Vec::new();
    let mut pattern_names: HashSet<&str> = HashSet::new();
    for (i, p) in raw.shift.iter().enumerate() {
        if !pattern_names.insert(p.name.as_str()) {
            e.add(format!("shift.{i}.name"), format!("shift pattern `{}` is defined twice", p.name));
            continue;
        }
        let key = format!("shift.{}", p.name);
        shifts.push(
            interval.and_then(|step| shift_pattern(p, &key, &raw.team, &statuses, &index, step, &mut e)),
        );
    }

    let built = (|| {
        Some(Scenario {
            name,
            seed: seed?,
            horizon: horizon?,
            warmup: warmup?,
            drain: drain?,
            interval: interval?,
            calendar: calendar?,
            replications: u32::try_from(replications).ok()?,
            routing: routing?,
            metrics: metrics?,
            statuses,
            channels: channels.names,
            queues: queues.into_iter().collect::<Option<_>>()?,
            teams: teams.into_iter().collect::<Option<_>>()?,
            groups: groups.into_iter().collect::<Option<_>>()?,
            shifts: shifts.into_iter().collect::<Option<_>>()?,
            skipped,
        })
    })();
    match built {
        Some(sc) if e.0.is_empty() => Ok(sc),
        // Queues left unbuilt for want of the forecast: its problem is the
        // one the caller has already found.
        _ if e.0.is_empty() && unread => Err(Vec::new()),
        // A part left unbuilt always comes with its problem; this guards the rule.
        _ if e.0.is_empty() => {
            Err(vec![Invalid { key: String::new(), message: "the scenario is incomplete".into() }])
        }
        _ => Err(e.0),
    }
}

/// The names of a scenario's lists, each to the id of its first use.
struct Index {
    statuses: HashMap<String, StatusId>,
    queues: HashMap<String, QueueId>,
    teams: HashMap<String, TeamId>,
    groups: HashMap<String, GroupId>,
}

impl Index {
    fn new(raw: &RawScenario, statuses: &TiSlice<StatusId, Status>) -> Index {
        fn first<'a, K: From<usize>>(names: impl Iterator<Item = &'a String>) -> HashMap<String, K> {
            let mut map = HashMap::new();
            for (i, n) in names.enumerate() {
                map.entry(n.clone()).or_insert_with(|| K::from(i));
            }
            map
        }
        Index {
            statuses: first(statuses.iter().map(|s| &s.name)),
            queues: first(raw.queue.iter().map(|q| &q.name)),
            teams: first(raw.team.iter().map(|t| &t.name)),
            groups: first(raw.agents.iter().map(|g| &g.name)),
        }
    }
}

/// Channels in order of first use, with their index.
#[derive(Default)]
struct Channels {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Channels {
    /// The channel's index, adding it if new.
    fn add(&mut self, name: String) -> usize {
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        self.names.push(name.clone());
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }
}

fn duration(key: &str, text: &str) -> Result<f64> {
    parse_duration(text).or_else(|m| invalid(key, m))
}

fn opt_duration(key: &str, text: Option<&str>, default: f64) -> Result<f64> {
    text.map_or(Ok(default), |t| duration(key, t))
}

fn routing(raw: &RawScenario) -> Result<Routing> {
    let mut routing = Routing { selection: Selection::LongestIdle, requeue_when_offline: true, offers: None };
    let Some(r) = &raw.routing else {
        return Ok(routing);
    };
    if let Some(s) = &r.agent_selection {
        routing.selection = match s.as_str() {
            "longest_idle" => Selection::LongestIdle,
            "most_available" => Selection::MostAvailable,
            "least_active" => Selection::LeastActive,
            "round_robin" => Selection::RoundRobin,
            other => {
                return invalid(
                    "routing.agent_selection",
                    unknown(
                        "rule",
                        other,
                        "",
                        &["longest_idle", "most_available", "least_active", "round_robin"],
                    ),
                );
            }
        };
    }
    match r.assignment.as_deref() {
        None | Some("auto") => {
            // Accept-mode keys without accept mode would be silently ignored.
            let stray = [
                ("accept_delay", r.accept_delay.is_some()),
                ("accept_timeout", r.accept_timeout.is_some()),
                ("missed_unavailable", r.missed_unavailable.is_some()),
            ];
            if let Some((key, _)) = stray.iter().find(|(_, set)| *set) {
                return invalid(
                    format!("routing.{key}"),
                    "applies only to offers; add `assignment = \"accept\"` to [routing], or remove it",
                );
            }
        }
        Some("accept") => {
            let accept_delay = match &r.accept_delay {
                Some(d) => dist(d, "routing.accept_delay")?,
                None => {
                    return invalid(
                        "routing.accept_delay",
                        "is needed with `assignment = \"accept\"`: how long agents take to accept an \
                         offer, e.g. `accept_delay = { dist = \"exponential\", mean = \"8s\" }`",
                    );
                }
            };
            let timeout = opt_duration("routing.accept_timeout", r.accept_timeout.as_deref(), 30.0)?;
            if timeout <= 0.0 {
                return invalid("routing.accept_timeout", "must be longer than zero");
            }
            let missed_unavailable = match &r.missed_unavailable {
                Some(d) => dist(d, "routing.missed_unavailable")?,
                None => Dist::constant(300.0).or_else(|m| invalid("routing.missed_unavailable", m))?,
            };
            routing.offers = Some(Offers { accept_delay, timeout, missed_unavailable });
        }
        Some(other) => {
            return invalid("routing.assignment", unknown("mode", other, "", &["auto", "accept"]));
        }
    }
    routing.requeue_when_offline = r.requeue_when_offline.unwrap_or(true);
    Ok(routing)
}

fn metrics(raw: &RawScenario) -> Result<MetricSettings> {
    let mut m = MetricSettings { service_level: SlFormula::Offered, short_abandon: 0.0 };
    let Some(r) = &raw.metrics else { return Ok(m) };
    if let Some(f) = &r.service_level {
        m.service_level = match f.as_str() {
            "offered" => SlFormula::Offered,
            "answered" => SlFormula::Answered,
            "exclude_short" => SlFormula::ExcludeShort,
            "abandons_met" => SlFormula::AbandonsMet,
            other => {
                return invalid(
                    "metrics.service_level",
                    unknown("formula", other, "", &["offered", "answered", "exclude_short", "abandons_met"]),
                );
            }
        };
    }
    m.short_abandon = opt_duration("metrics.short_abandon", r.short_abandon.as_deref(), 0.0)?;
    Ok(m)
}

fn statuses(raw: &RawScenario, e: &mut Problems) -> TiVec<StatusId, Status> {
    let default = |name: &str, kind| Status { name: name.into(), description: None, kind, enabled: true };
    let mut out = vec![
        default("Available", StatusKind::Available),
        default("Busy", StatusKind::Busy),
        default("Unavailable", StatusKind::Unavailable),
        default("Offline", StatusKind::Offline),
    ];
    // Each name in lower case → the first status so named: one hash per status.
    let mut seen: HashMap<String, usize> =
        out.iter().enumerate().map(|(i, s)| (s.name.to_ascii_lowercase(), i)).collect();
    for (i, s) in raw.status.iter().enumerate() {
        let key = format!("status.{i}.name");
        if s.name.trim().is_empty() {
            e.add(key, "a status needs a name");
        } else if let Some(&clash) = seen.get(&s.name.to_ascii_lowercase()) {
            e.add(
                key,
                format!("status `{}` clashes with the status `{}` already defined", s.name, out[clash].name),
            );
        } else {
            seen.insert(s.name.to_ascii_lowercase(), out.len());
        }
        // Kept even when wrong, so episodes naming it are not reported again.
        out.push(Status {
            name: s.name.clone(),
            description: s.description.clone(),
            kind: StatusKind::Unavailable,
            enabled: s.enabled.unwrap_or(true),
        });
    }
    // Refused before validation (`LIST_LIMITS`); kept within `StatusId` whatever the caller.
    if out.len() > usize::from(u16::MAX) {
        e.add("status", format!("at most {MAX_STATUSES} statuses; this file has {}", raw.status.len()));
        out.truncate(usize::from(u16::MAX));
    }
    out.into()
}

fn queue(
    q: &RawQueue,
    key: &str,
    routing: &Routing,
    interval: Option<f64>,
    forecast: ForecastInput<'_>,
    channels: &mut Channels,
    e: &mut Problems,
) -> Option<Queue> {
    let mut ok = true;
    if q.name.trim().is_empty() || q.name.contains('.') {
        e.add(format!("{key}.name"), "a queue needs a name without dots");
        ok = false;
    }
    let busy_while_handling = q.busy_while_handling.unwrap_or(false);
    if q.capacity_aware.is_some() && !busy_while_handling {
        e.add(
            format!("{key}.capacity_aware"),
            "applies only to a queue synced to Busy; add `busy_while_handling = true`, or remove it",
        );
        ok = false;
    }
    let channel = channels.add(q.channel.clone().unwrap_or_else(|| q.name.clone()));
    let priority = q.priority.unwrap_or(1);
    if !(1..=100).contains(&priority) {
        e.add(format!("{key}.priority"), format!("must be from 1 (highest) to 100, got {priority}"));
        ok = false;
    }
    let item_size = q.item_size.unwrap_or(1);
    if !(1..=1000).contains(&item_size) {
        e.add(format!("{key}.item_size"), format!("must be from 1 to 1000 capacity units, got {item_size}"));
        ok = false;
    }
    let sl_threshold = e.take(opt_duration(&format!("{key}.sl_threshold"), q.sl_threshold.as_deref(), 30.0));
    let sl_target = q.sl_target.unwrap_or(0.8);
    if !(0.0..=1.0).contains(&sl_target) {
        e.add(format!("{key}.sl_target"), format!("must be a fraction from 0 to 1, got {sl_target}"));
        ok = false;
    }
    let asa_target =
        e.take(q.asa_target.as_deref().map(|t| duration(&format!("{key}.asa_target"), t)).transpose());
    if let Some(Some(t)) = asa_target
        && t <= 0.0
    {
        e.add(format!("{key}.asa_target"), "must be a duration above zero, e.g. \"30s\"".to_owned());
        ok = false;
    }
    if let Some(a) = q.abandon_target
        && !(0.0..=1.0).contains(&a)
    {
        e.add(format!("{key}.abandon_target"), format!("must be a fraction from 0 to 1, got {a}"));
        ok = false;
    }
    let handle_time = e.take(dist(&q.handle_time, &format!("{key}.handle_time")));
    let from_file = match forecast {
        ForecastInput::Read(f) => f.queue(&q.name).map(|fq| (f, fq)),
        ForecastInput::None | ForecastInput::Unread => None,
    };
    let arrivals = match (&q.arrivals, from_file) {
        (Some(_), Some((f, _))) => e.take(invalid(
            format!("{key}.arrivals"),
            format!(
                "this queue takes its arrivals from the forecast {}; remove `arrivals` here or the queue's rows there",
                f.file
            ),
        )),
        // The forecast's own problem is reported; the queue's arrivals may be in it.
        (None, None) if matches!(forecast, ForecastInput::Unread) => None,
        (None, None) => e.take(invalid(
            format!("{key}.arrivals"),
            "is missing: give `arrivals = { per_hour = 30 }` (or one value per interval of the day), \
             or rows for this queue in the `forecast` file",
        )),
        (None, Some((f, fq))) => {
            handle_time.as_ref().and_then(|h| e.take(forecast_arrivals(f, fq, key, h.mean())))
        }
        // Without a valid interval the length of a rate array cannot be checked.
        (Some(a), None) => interval.and_then(|i| e.take(table_arrivals(a, key, i))),
    };
    let wrap_up = e.take(q.wrap_up.as_ref().map(|d| dist(d, &format!("{key}.wrap_up"))).transpose());
    let patience = e.take(q.patience.as_ref().map(|d| dist(d, &format!("{key}.patience"))).transpose());
    if !ok {
        return None;
    }
    Some(Queue {
        name: q.name.clone(),
        channel,
        priority: priority as u8,
        item_size: item_size as u32,
        sl_threshold: sl_threshold?,
        sl_target,
        asa_target: asa_target?,
        abandon_target: q.abandon_target,
        arrivals: arrivals?,
        handle_time: handle_time?,
        wrap_up: wrap_up?,
        patience: patience?,
        requeue_when_offline: q.requeue_when_offline.unwrap_or(routing.requeue_when_offline),
        busy_while_handling,
        capacity_aware: q.capacity_aware.unwrap_or(false),
        // Laid over the run by `queue_hours`.
        hours: None,
    })
}

/// A queue's `hours` and `closed` (docs/model.md §10.13), laid over the
/// run (horizon plus drain) from the calendar's first weekday (Monday
/// when undated). `Some(None)`: always open; `None`: a problem was added
/// (or the frame is unknown because of another one).
fn queue_hours(
    q: &RawQueue,
    key: &str,
    frame: Option<((f64, f64), Calendar)>,
    e: &mut Problems,
) -> Option<Option<Hours>> {
    let Some(entries) = &q.hours else {
        if q.closed.is_some() {
            e.add(
                format!("{key}.closed"),
                "needs `hours`: closed dates apply to a queue with business hours",
            );
            return None;
        }
        return Some(None);
    };
    let week = match Week::parse(entries) {
        Ok(week) => Some(week),
        Err(why) => {
            e.add(format!("{key}.hours"), why);
            None
        }
    };
    let ((horizon, drain), calendar) = frame?;
    let mut closed = Vec::new();
    for text in q.closed.iter().flatten() {
        let Some(start) = calendar.start() else {
            e.add(
                format!("{key}.closed"),
                "names dates, but the scenario has no calendar; add a top-level `start_date = \"YYYY-MM-DD\"` \
                 (or use a dated forecast)",
            );
            return None;
        };
        let Some(date) = calendar::parse_date(text.trim()) else {
            e.add(
                format!("{key}.closed"),
                format!("`{text}` is not a date; write it as YYYY-MM-DD, e.g. \"2026-12-25\""),
            );
            return None;
        };
        // A date before day 1 or after the run closes nothing simulated.
        if let Ok(span) = start.until(date)
            && span.get_days() >= 0
        {
            closed.push(span.get_days() as u64);
        }
    }
    let first = calendar.start().map_or(0, |s| usize::from(calendar::weekday_from_monday(s)));
    let days = ((horizon + drain) / DAY).ceil() as u64 + 1;
    Some(Some(Hours::new(&week?, first, days, &closed)))
}

/// A step for arrays (`arrivals.step`, `staffing_step`): whole seconds dividing a day.
fn step(key: &str, text: Option<&str>, interval: f64) -> Result<f64> {
    let Some(text) = text else { return Ok(interval) };
    let step = duration(key, text)?;
    let per_day = DAY / step;
    if step < 1.0 || step.fract() != 0.0 || (per_day - per_day.round()).abs() > 1e-9 {
        return invalid(
            key,
            "must be a whole number of seconds that divides a day evenly (e.g. \"15m\", \"30m\", \"1h\")",
        );
    }
    Ok(step)
}

/// `arrivals = { per_hour | per_interval, step }` → rates per second.
fn table_arrivals(a: &RawArrivals, key: &str, interval: f64) -> Result<Arrivals> {
    let step = step(&format!("{key}.arrivals.step"), a.step.as_deref(), interval)?;
    let (value, per_hour) = match (&a.per_hour, &a.per_interval) {
        (Some(v), None) => (v, true),
        (None, Some(v)) => (v, false),
        (Some(_), Some(_)) => {
            return invalid(
                format!("{key}.arrivals.per_interval"),
                "give either `per_hour` (rates) or `per_interval` (conversations per step), not both",
            );
        }
        (None, None) => {
            return invalid(
                format!("{key}.arrivals"),
                "give `per_hour = 30` (a rate per hour), or `per_interval = [...]` (conversations per step) with a `step`",
            );
        }
    };
    let (vkey, source) = if per_hour {
        (format!("{key}.arrivals.per_hour"), ArrivalSource::PerHour)
    } else {
        (format!("{key}.arrivals.per_interval"), ArrivalSource::PerInterval)
    };
    let values =
        volumes(value, &vkey, step, if per_hour { "arrivals per hour" } else { "conversations per step" })?;
    let scale = if per_hour { 3600.0 } else { step };
    let rates: Vec<f64> = values.iter().map(|v| v / scale).collect();
    let cv = rate_cv(a.rate_cv, &format!("{key}.arrivals.rate_cv"))?;
    Ok(if rates.len() == 1 {
        Arrivals::constant(rates[0], source)
    } else {
        Arrivals::new(rates, step, true, None, source)
    }
    .with_rate_cv(cv))
}

/// A day-level volume uncertainty (docs/model.md §C18): 0 (none) to [`MAX_RATE_CV`].
fn rate_cv(cv: Option<f64>, key: &str) -> Result<f64> {
    let Some(cv) = cv else { return Ok(0.0) };
    if !cv.is_finite() || !(0.0..=MAX_RATE_CV).contains(&cv) {
        return invalid(
            key,
            format!(
                "must be between 0 and {MAX_RATE_CV}, got {cv}: the coefficient of variation of each day's \
                 volume around the forecast, e.g. 0.1 for days typically 10% above or below it"
            ),
        );
    }
    Ok(cv)
}

/// One number, or one per step of the day or of the week; each finite and zero or more.
fn volumes(v: &toml::Value, key: &str, step: f64, unit: &str) -> Result<Vec<f64>> {
    let number = |v: &toml::Value| match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    };
    let per_day = (DAY / step).round() as usize;
    let values: Vec<f64> = match v {
        toml::Value::Array(items) => {
            if items.len() != per_day && items.len() != 7 * per_day {
                return invalid(
                    key,
                    format!(
                        "has {} values; give one value, or exactly one per step of the day ({per_day}) or of \
                         the week from Monday ({}), the step being `step` or else the reporting `interval` ({} s)",
                        items.len(),
                        7 * per_day,
                        step
                    ),
                );
            }
            items
                .iter()
                .map(number)
                .collect::<Option<_>>()
                .map_or_else(|| invalid(key, format!("every value must be a number ({unit})")), Ok)?
        }
        other => vec![number(other).map_or_else(
            || invalid(key, "must be a number, or an array with one number per step of the day"),
            Ok,
        )?],
    };
    if let Some(bad) = values.iter().find(|r| !r.is_finite() || **r < 0.0) {
        return invalid(key, format!("arrivals must be zero or more ({unit}), got {bad}"));
    }
    Ok(values)
}

/// A queue's rows of the forecast → rates per second and handle-time scales.
fn forecast_arrivals(f: &Forecast, fq: &ForecastQueue, key: &str, handle_mean: f64) -> Result<Arrivals> {
    let rates: Vec<f64> = fq.offered.iter().map(|v| v / f.step).collect();
    let scale = match &fq.aht {
        Some(aht) if aht.iter().any(Option::is_some) => {
            if handle_mean <= 0.0 {
                return invalid(
                    format!("{key}.handle_time"),
                    format!(
                        "has a mean of zero, so the `aht` of the forecast {} cannot scale it; give a \
                         distribution with a positive mean",
                        f.file
                    ),
                );
            }
            Some(aht.iter().map(|a| a.map_or(1.0, |a| a / handle_mean)).collect())
        }
        _ => None,
    };
    let repeat = f.dated_span().is_none();
    let source = ArrivalSource::Forecast { file: f.file.clone(), pattern: f.pattern.clone() };
    Ok(Arrivals::new(rates, f.step, repeat, scale, source).with_rate_cv(fq.rate_cv.unwrap_or(0.0)))
}

fn dist(d: &RawDist, key: &str) -> Result<Dist> {
    let dur = |field: &str, text: &str| duration(&format!("{key}.{field}"), text);
    let built = match d {
        RawDist::Exponential { mean } => Dist::exponential(dur("mean", mean)?),
        RawDist::Lognormal { mean, sd } => Dist::lognormal(dur("mean", mean)?, dur("sd", sd)?),
        RawDist::Gamma { mean, sd } => Dist::gamma(dur("mean", mean)?, dur("sd", sd)?),
        RawDist::Constant { value } => Dist::constant(dur("value", value)?),
        RawDist::Uniform { min, max } => Dist::uniform(dur("min", min)?, dur("max", max)?),
        RawDist::Empirical { values } => {
            let secs = values
                .iter()
                .enumerate()
                .map(|(i, v)| dur(&format!("values.{i}"), v))
                .collect::<Result<Vec<_>>>()?;
            Dist::empirical(secs)
        }
    };
    built.or_else(|m| invalid(key, m))
}

fn team(
    t: &RawTeam,
    key: &str,
    queues: &[RawQueue],
    index: &Index,
    channels: &Channels,
    e: &mut Problems,
) -> Option<Team> {
    let mut ok = true;
    if t.name.trim().is_empty() || t.name.contains('.') {
        e.add(format!("{key}.name"), "a team needs a name without dots");
        ok = false;
    }
    let (mut served, mut priorities, mut delays) = (Vec::new(), Vec::new(), Vec::new());
    let mut listed = HashSet::new();
    for (i, entry) in t.queues.iter().enumerate() {
        let name = entry.queue();
        let ekey = format!("{key}.queues.{i}");
        let Some(&q) = index.queues.get(name) else {
            let at = if matches!(entry, RawServe::Entry(_)) { format!("{ekey}.queue") } else { ekey };
            e.add(at, unknown_name("queue", name, queues.iter().map(|q| &q.name)));
            ok = false;
            continue;
        };
        if !listed.insert(q) {
            e.add(ekey, format!("queue `{name}` is listed twice; give each queue once"));
            ok = false;
            continue;
        }
        let (mut priority, mut delay) = (queues[q.index()].priority.unwrap_or(1), 0.0);
        if let RawServe::Entry(entry) = entry {
            if let Some(p) = entry.priority {
                if !(1..=100).contains(&p) {
                    e.add(format!("{ekey}.priority"), format!("must be from 1 (first) to 100, got {p}"));
                    ok = false;
                }
                priority = p;
            }
            if let Some(d) = &entry.delay {
                match duration(&format!("{ekey}.delay"), d) {
                    Ok(d) => delay = d,
                    Err(err) => {
                        e.0.push(err);
                        ok = false;
                    }
                }
            }
        }
        served.push(q);
        priorities.push(priority.clamp(1, 255) as u8);
        delays.push(delay);
    }
    if t.queues.is_empty() {
        e.add(format!("{key}.queues"), "a team must serve at least one queue, e.g. `queues = [\"chat\"]`");
        ok = false;
    }
    let capacity = t.capacity.unwrap_or(1);
    if !(1..=1000).contains(&capacity) {
        e.add(format!("{key}.capacity"), format!("must be from 1 to 1000 capacity units, got {capacity}"));
        ok = false;
    }
    let mut caps = vec![u32::MAX; channels.names.len()];
    for (channel, &cap) in t.channel_caps.iter().flatten() {
        let ckey = format!("{key}.channel_caps.{channel}");
        let Some(&c) = channels.index.get(channel) else {
            e.add(ckey, unknown_name("channel", channel, channels.names.iter()));
            ok = false;
            continue;
        };
        if !(1..=1000).contains(&cap) {
            e.add(ckey, format!("a channel cap must be from 1 to 1000 units, got {cap}"));
            ok = false;
            continue;
        }
        caps[c] = cap as u32;
    }
    ok.then(|| Team {
        name: t.name.clone(),
        queues: served,
        priorities,
        delays,
        capacity: capacity as u32,
        channel_caps: caps,
    })
}

#[allow(clippy::too_many_arguments)]
fn group(
    g: &RawAgents,
    key: &str,
    teams: &[RawTeam],
    statuses: &TiSlice<StatusId, Status>,
    index: &Index,
    interval: Option<f64>,
    horizon: Option<f64>,
    e: &mut Problems,
    skipped: &mut Vec<(String, String)>,
) -> Option<AgentGroup> {
    let mut ok = true;
    if g.name.trim().is_empty() || g.name.contains('.') {
        e.add(format!("{key}.name"), "an agent group needs a name without dots");
        ok = false;
    }
    let group_teams = group_teams(g, key, teams, index, e);
    for (what, n) in [("schedule", g.schedule.len()), ("unplanned", g.unplanned.len())] {
        if n > MAX_ENTRIES {
            e.add(format!("{key}.{what}"), format!("has {n} entries; at most {MAX_ENTRIES} are allowed"));
            ok = false;
        }
    }
    let headcount = interval.and_then(|i| e.take(headcount(g, key, i, horizon)));
    let shift = e.take(g.shift.as_ref().map(|s| shift(s, key)).transpose());
    let mut schedule = Vec::new();
    let mut switches = Vec::new();
    for (i, p) in g.schedule.iter().enumerate() {
        let k = |f: &str| format!("{key}.schedule.{i}.{f}");
        if let Some(to) = &p.team {
            match switch(p, to, &k, key, g, teams, index, group_teams.as_deref(), e) {
                Some(s) => switches.push(s),
                None => ok = false,
            }
            continue;
        }
        let Some((status_name, duration_text)) = p.status.as_ref().zip(p.duration.as_ref()) else {
            e.add(
                format!("{key}.schedule.{i}"),
                "an entry is an episode, with `status` and `duration` (e.g. `{ status = \"Lunch\", \
                 window = \"11:30-13:30\", duration = \"30m\" }`), or a team switch, with `team` \
                 (e.g. `{ team = \"email\", at = \"13:00\" }`)",
            );
            ok = false;
            continue;
        };
        if let Some(note) = disabled(status_name, statuses, index) {
            skipped.push((format!("{key}.schedule.{i}"), note));
            continue;
        }
        let status = e.take(status_ref(status_name, &k("status"), statuses, index));
        let duration = e.take(duration(&k("duration"), duration_text).and_then(|d| {
            if d <= 0.0 || d >= DAY {
                invalid(k("duration"), "must be longer than zero and shorter than a day")
            } else {
                Ok(d)
            }
        }));
        let window = match (&p.at, &p.window) {
            (Some(at), None) => {
                e.take(parse_clock(at).or_else(|m| invalid(k("at"), m)).and_then(|t| {
                    if t >= DAY { invalid(k("at"), "must be before 24:00") } else { Ok((t, t)) }
                }))
            }
            (None, Some(w)) => {
                let ab = e.take(parse_window(w).or_else(|m| invalid(k("window"), m)));
                match (ab, duration) {
                    (Some((a, b)), Some(d)) if b - a < d => {
                        e.add(k("window"), format!("window `{w}` is shorter than the episode ({d} s)"));
                        None
                    }
                    (Some((a, b)), Some(d)) => Some((a, b - d)),
                    _ => None,
                }
            }
            (Some(_), Some(_)) => {
                e.add(k("window"), "give either `at = \"HH:MM\"` or `window = \"HH:MM-HH:MM\"`, not both");
                None
            }
            (None, None) => {
                e.add(
                    format!("{key}.schedule.{i}"),
                    "say when: add `at = \"HH:MM\"` or `window = \"HH:MM-HH:MM\"`",
                );
                None
            }
        };
        match (status, duration, window) {
            (Some(status), Some(duration), Some((window_start, last_start))) => {
                schedule.push(Planned { status, window_start, last_start, duration })
            }
            _ => ok = false,
        }
    }
    let mut unplanned = Vec::new();
    for (i, u) in g.unplanned.iter().enumerate() {
        let k = |f: &str| format!("{key}.unplanned.{i}.{f}");
        if let Some(note) = disabled(&u.status, statuses, index) {
            skipped.push((format!("{key}.unplanned.{i}"), note));
            continue;
        }
        let status = e.take(status_ref(&u.status, &k("status"), statuses, index));
        let rate = if !u.per_hour.is_finite() || u.per_hour < 0.0 || u.per_hour > 3600.0 {
            e.add(k("per_hour"), format!("must be from 0 to 3600 episodes per hour, got {}", u.per_hour));
            None
        } else {
            Some(u.per_hour / 3600.0)
        };
        let duration = e.take(dist(&u.duration, &k("duration")));
        match (status, rate, duration) {
            (Some(status), Some(rate), Some(duration)) => {
                unplanned.push(Unplanned { status, rate, duration })
            }
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let teams = group_teams?;
    Some(AgentGroup {
        name: g.name.clone(),
        team: teams[0],
        teams,
        switches,
        headcount: headcount?,
        shift: shift?,
        schedule,
        unplanned,
    })
}

/// The group's teams from `team` or `teams` (one of them), the starting one first.
fn group_teams(
    g: &RawAgents,
    key: &str,
    teams: &[RawTeam],
    index: &Index,
    e: &mut Problems,
) -> Option<Vec<TeamId>> {
    let (names, at): (Vec<&String>, String) = match (&g.team, &g.teams) {
        (Some(t), None) => (vec![t], format!("{key}.team")),
        (None, Some(ts)) if !ts.is_empty() => (ts.iter().collect(), format!("{key}.teams")),
        (None, Some(_)) => {
            e.add(format!("{key}.teams"), "list at least one team, e.g. `teams = [\"tier1\", \"email\"]`");
            return None;
        }
        (Some(_), Some(_)) => {
            e.add(
                format!("{key}.teams"),
                "give either `team = \"tier1\"` or `teams = [\"tier1\", \"email\"]` (the first is where \
                 the agents start), not both",
            );
            return None;
        }
        (None, None) => {
            e.add(
                format!("{key}.team"),
                "is missing; add e.g. `team = \"tier1\"` (or `teams = [\"tier1\", \"email\"]`)",
            );
            return None;
        }
    };
    let mut out = Vec::new();
    let mut listed = HashSet::new();
    for (i, name) in names.iter().enumerate() {
        let k = if g.teams.is_some() { format!("{at}.{i}") } else { at.clone() };
        match index.teams.get(name.as_str()).copied() {
            Some(t) if !listed.insert(t) => {
                e.add(k, format!("team `{name}` is listed twice; give each team once"));
                return None;
            }
            Some(t) => out.push(t),
            None => {
                e.add(k, unknown_name("team", name, teams.iter().map(|t| &t.name)));
                return None;
            }
        }
    }
    Some(out)
}

/// A schedule entry with `team`: a daily switch of the group's agents to
/// another of their teams, at a clock time or spread over a window.
#[allow(clippy::too_many_arguments)]
fn switch(
    p: &super::raw::RawPlanned,
    to: &str,
    k: &dyn Fn(&str) -> String,
    key: &str,
    g: &RawAgents,
    teams: &[RawTeam],
    index: &Index,
    group_teams: Option<&[TeamId]>,
    e: &mut Problems,
) -> Option<Switch> {
    let mut ok = true;
    for (field, set) in [("status", p.status.is_some()), ("duration", p.duration.is_some())] {
        if set {
            e.add(
                k(field),
                "a team switch takes no `status` or `duration`; make the switch and the episode two entries",
            );
            ok = false;
        }
    }
    let team = match index.teams.get(to).copied() {
        None => {
            e.add(k("team"), unknown_name("team", to, teams.iter().map(|t| &t.name)));
            None
        }
        Some(t) if group_teams.is_some_and(|gt| !gt.contains(&t)) => {
            e.add(
                k("team"),
                format!(
                    "team `{to}` is not one of group `{}`'s teams; list it in `{key}.teams`, e.g. \
                     `teams = [\"{}\", \"{to}\"]`",
                    g.name,
                    g.team
                        .as_deref()
                        .or(g.teams.as_ref().and_then(|t| t.first()).map(String::as_str))
                        .unwrap_or("tier1"),
                ),
            );
            None
        }
        Some(t) => Some(t),
    };
    let window = match (&p.at, &p.window) {
        (Some(at), None) => e.take(
            parse_clock(at)
                .or_else(|m| invalid(k("at"), m))
                .and_then(|t| if t >= DAY { invalid(k("at"), "must be before 24:00") } else { Ok((t, t)) }),
        ),
        (None, Some(w)) => e.take(parse_window(w).or_else(|m| invalid(k("window"), m))),
        (Some(_), Some(_)) => {
            e.add(k("window"), "give either `at = \"HH:MM\"` or `window = \"HH:MM-HH:MM\"`, not both");
            None
        }
        (None, None) => {
            e.add(k("team"), "say when: add `at = \"HH:MM\"` or `window = \"HH:MM-HH:MM\"`");
            None
        }
    };
    let (team, (window_start, last_start)) = (team?, window?);
    ok.then_some(Switch { team, window_start, last_start })
}

/// `count` or `staffing`, one of them.
/// A group's headcount; `horizon`, where valid, allows a staffing array
/// with one value per step of each of the run's days (§10.7).
fn headcount(g: &RawAgents, key: &str, interval: f64, horizon: Option<f64>) -> Result<Headcount> {
    match (g.count, &g.staffing) {
        (Some(_), Some(_)) => {
            invalid(format!("{key}.staffing"), "give either `count` or `staffing`, not both")
        }
        (None, None) => invalid(
            key,
            "say how many agents: add `count = 10`, or `staffing = [...]` with a headcount per interval of the day",
        ),
        (Some(n), None) => {
            if g.staffing_step.is_some() {
                return invalid(
                    format!("{key}.staffing_step"),
                    "applies to a `staffing` array; remove it with `count`",
                );
            }
            if !(0..=MAX_AGENTS as i64).contains(&n) {
                return invalid(format!("{key}.count"), format!("must be from 0 to {MAX_AGENTS}, got {n}"));
            }
            Ok(Headcount::Fixed(n as u32))
        }
        (None, Some(v)) => {
            let skey = format!("{key}.staffing");
            if g.shift.is_some() {
                return invalid(
                    skey,
                    "`staffing` sets who is logged in when, so it cannot be combined with `shift`",
                );
            }
            let step = step(&format!("{key}.staffing_step"), g.staffing_step.as_deref(), interval)?;
            let per_day = (DAY / step).round() as usize;
            // A run longer than a week may give one headcount per step of each of its days (§10.7).
            let days = horizon.map_or(0, |h| (h / DAY).ceil() as usize);
            let run = (days > 7).then_some(days * per_day);
            if v.len() != per_day && v.len() != 7 * per_day && Some(v.len()) != run {
                let each_day =
                    run.map_or(String::new(), |n| format!(", or of each of the run's {days} days ({n})"));
                return invalid(
                    skey,
                    format!(
                        "has {} values; give exactly one headcount per step of the day ({per_day}) or of the \
                         week from Monday ({}){each_day}, the step being `staffing_step` or else the reporting \
                         `interval` ({} s)",
                        v.len(),
                        7 * per_day,
                        step
                    ),
                );
            }
            if let Some(bad) = v.iter().find(|n| !(0..=MAX_AGENTS as i64).contains(n)) {
                return invalid(skey, format!("headcounts must be from 0 to {MAX_AGENTS}, got {bad}"));
            }
            Ok(Headcount::Staffing(Staffing::new(v.iter().map(|&n| n as u32).collect(), step)))
        }
    }
}

/// A shift; the key blamed for a too-long ready delay or wind-down is the
/// one that does not fit.
fn shift(s: &RawShift, key: &str) -> Result<Shift> {
    let k = |f: &str| format!("{key}.shift.{f}");
    let start = parse_clock(&s.start).or_else(|m| invalid(k("start"), m))?;
    let end = parse_clock(&s.end).or_else(|m| invalid(k("end"), m))?;
    let length = if end > start { end - start } else { end + DAY - start };
    if end == start || (start == 0.0 && end == DAY) {
        return invalid(
            k("end"),
            "a shift must be shorter than a day; leave `shift` out for agents who are always logged in",
        );
    }
    let ready_delay = opt_duration(&k("ready_delay"), s.ready_delay.as_deref(), 0.0)?;
    let wind_down = opt_duration(&k("wind_down"), s.wind_down.as_deref(), 0.0)?;
    if ready_delay + wind_down >= length {
        let culprit = if ready_delay >= length || wind_down == 0.0 { "ready_delay" } else { "wind_down" };
        return invalid(
            k(culprit),
            format!(
                "the ready delay ({ready_delay} s) plus the wind-down ({wind_down} s) must be shorter than the shift ({length} s, {} to {})",
                s.start, s.end
            ),
        );
    }
    Ok(Shift { start: start % DAY, length, ready_delay, wind_down })
}

/// One `[[shift]]` (docs/model.md §10.14): its team known, its lengths
/// above zero and at most a day, its starts a forward range on the step
/// grid, its days 1 to 7, and each planned status a custom status whose
/// window fits inside the shortest length and holds its duration.
fn shift_pattern(
    p: &RawShiftPattern,
    key: &str,
    teams: &[RawTeam],
    statuses: &TiSlice<StatusId, Status>,
    index: &Index,
    interval: f64,
    e: &mut Problems,
) -> Option<ShiftPattern> {
    let k = |f: &str| format!("{key}.{f}");
    let mut ok = true;
    if p.name.trim().is_empty() || p.name.contains('.') {
        e.add(k("name"), "a shift pattern needs a name without dots");
        ok = false;
    }
    let team = match index.teams.get(p.team.as_str()) {
        Some(&t) => Some(t),
        None => {
            e.add(k("team"), unknown_name("team", &p.team, teams.iter().map(|t| &t.name)));
            None
        }
    };
    let length = |key: String, text: &str| {
        duration(&key, text).and_then(|d| {
            if d <= 0.0 || d > DAY {
                invalid(key, format!("`{text}` must be longer than zero and at most a day (24h)"))
            } else {
                Ok(d)
            }
        })
    };
    let lengths: Option<Vec<f64>> = match (&p.length, &p.lengths) {
        (Some(l), None) => e.take(length(k("length"), l)).map(|l| vec![l]),
        (None, Some(ls)) if ls.is_empty() => {
            e.add(k("lengths"), "give at least one length, e.g. `lengths = [\"6h\", \"8h30m\"]`");
            None
        }
        (None, Some(ls)) => {
            let read: Vec<Option<f64>> =
                ls.iter().enumerate().map(|(i, l)| e.take(length(k(&format!("lengths.{i}")), l))).collect();
            read.into_iter().collect::<Option<Vec<f64>>>().map(|mut v| {
                v.sort_by(f64::total_cmp);
                v.dedup();
                v
            })
        }
        (Some(_), Some(_)) => {
            e.add(k("lengths"), "give `length` (one) or `lengths` (several), not both");
            None
        }
        (None, None) => {
            e.add(
                key,
                "say how long its shifts are: `length = \"8h30m\"` or `lengths = [\"6h\", \"8h30m\"]`",
            );
            None
        }
    };
    let start_step = match &p.start_step {
        None => Some(interval),
        Some(text) => e.take(duration(&k("start_step"), text).and_then(|d| {
            if d < 60.0 || d.fract() != 0.0 || d > DAY {
                invalid(k("start_step"), "must be a whole number of seconds from 1m to 24h, e.g. \"30m\"")
            } else {
                Ok(d)
            }
        })),
    };
    let starts = e.take(
        p.start
            .split_once('-')
            .map_or_else(
                || parse_clock(&p.start).map(|a| (a, a)),
                |(a, b)| Ok((parse_clock(a)?, parse_clock(b)?)),
            )
            .or_else(|m| {
                invalid(k("start"), format!("{m}; write the earliest and latest start, e.g. \"06:30-12:00\""))
            })
            .and_then(|(a, b)| {
                if a >= DAY || b >= DAY {
                    invalid(k("start"), format!("`{}`: a shift starts before 24:00", p.start))
                } else if a > b {
                    invalid(
                        k("start"),
                        format!(
                            "`{}` is reversed: write the earliest start first, e.g. \"06:30-12:00\"",
                            p.start
                        ),
                    )
                } else {
                    Ok((a, b))
                }
            }),
    );
    let starts = match (starts, start_step) {
        (Some((a, b)), Some(step)) if ((b - a) / step).fract().abs() > 1e-9 => {
            e.add(
                k("start"),
                format!(
                    "the latest start of `{}` is not on the grid of starts {} apart from the earliest; \
                     move it or change `start_step`",
                    p.start,
                    crate::format::duration(step)
                ),
            );
            None
        }
        (s, _) => s,
    };
    let days = match p.days.unwrap_or(5) {
        d @ 1..=7 => Some(d as u32),
        d => {
            e.add(k("days"), format!("working days per week must be 1 to 7, got {d}"));
            None
        }
    };
    let max_agents = match p.max_agents {
        None => Some(None),
        Some(n) if (0..=MAX_AGENTS as i64).contains(&n) => Some(Some(n as u32)),
        Some(n) => {
            e.add(k("max_agents"), format!("must be from 0 to {MAX_AGENTS}, got {n}"));
            None
        }
    };
    if p.schedule.len() > MAX_ENTRIES {
        e.add(k("schedule"), format!("has {} entries; at most {MAX_ENTRIES} are allowed", p.schedule.len()));
        ok = false;
    }
    let shortest = lengths.as_ref().and_then(|l| l.first().copied());
    let mut schedule = Vec::new();
    for (i, entry) in p.schedule.iter().enumerate() {
        let k = |f: &str| format!("{key}.schedule.{i}.{f}");
        let status = e.take(status_ref(&entry.status, &k("status"), statuses, index).and_then(|s| {
            if s.index() <= StatusId::OFFLINE.index() {
                invalid(
                    k("status"),
                    format!(
                        "`{}` is a built-in status; a shift plans one of the scenario's own [[status]] entries, e.g. Lunch",
                        entry.status
                    ),
                )
            } else {
                Ok(s)
            }
        }));
        let length =
            e.take(duration(&k("duration"), &entry.duration).and_then(|d| {
                if d <= 0.0 { invalid(k("duration"), "must be longer than zero") } else { Ok(d) }
            }));
        let window = e.take(
            entry
                .after
                .split_once('-')
                .ok_or_else(|| format!("`{}` is not a window", entry.after))
                .and_then(|(a, b)| Ok((super::units::parse_duration(a)?, super::units::parse_duration(b)?)))
                .or_else(|m| {
                    invalid(
                        k("after"),
                        format!("{m}; write the window after the shift's start, e.g. \"3h-5h\""),
                    )
                }),
        );
        match (status, length, window) {
            (Some(status), Some(d), Some((a, b))) => {
                if b - a < d {
                    e.add(
                        k("after"),
                        format!(
                            "window `{}` is shorter than the status ({})",
                            entry.after,
                            crate::format::duration(d)
                        ),
                    );
                    ok = false;
                } else if shortest.is_some_and(|l| b > l) {
                    e.add(
                        k("after"),
                        format!(
                            "window `{}` ends after the shift does ({} long); it must fit inside every length",
                            entry.after,
                            crate::format::duration(shortest.unwrap_or(0.0))
                        ),
                    );
                    ok = false;
                } else {
                    schedule.push(ShiftStatus { status, window_start: a, window_end: b, duration: d });
                }
            }
            _ => ok = false,
        }
    }
    let (team, lengths, (first_start, last_start), start_step, days, max_agents) =
        (team?, lengths?, starts?, start_step?, days?, max_agents?);
    ok.then(|| ShiftPattern {
        name: p.name.clone(),
        team,
        lengths,
        first_start,
        last_start,
        start_step,
        days,
        schedule,
        max_agents,
    })
}

/// For an episode in a status that exists but is switched off: why it is
/// skipped (docs/model.md §R1: a policy switched off in one `--with`).
fn disabled(name: &str, statuses: &TiSlice<StatusId, Status>, index: &Index) -> Option<String> {
    // The first status of that name decides, as in `status_ref`; a clash was reported.
    index
        .statuses
        .get(name)
        .filter(|&&i| !statuses[i].enabled)
        .map(|_| format!("status `{name}` is disabled (enabled = false), so this episode is skipped"))
}

/// Resolves a status used by an episode: known, enabled and not Available.
fn status_ref(
    name: &str,
    key: &str,
    statuses: &TiSlice<StatusId, Status>,
    index: &Index,
) -> Result<StatusId> {
    let Some(&i) = index.statuses.get(name) else {
        return invalid(key, unknown_name("status", name, statuses.iter().map(|s| &s.name)));
    };
    let s = &statuses[i];
    if !s.enabled {
        return invalid(
            key,
            format!("status `{name}` is disabled (enabled = false); enable it or remove this entry"),
        );
    }
    if s.kind == StatusKind::Available {
        return invalid(
            key,
            "an episode cannot be Available: agents are Available whenever no episode is running",
        );
    }
    Ok(i)
}

/// "unknown queue `voce`; did you mean `voice`?", or the known names when none is near.
fn unknown_name<'a>(
    what: &str,
    given: &str,
    known: impl ExactSizeIterator<Item = &'a String> + Clone,
) -> String {
    super::suggest::unknown_among(what, given, "", known.map(String::as_str))
}

/// The scenario's calendar: `start_date`, or the first date of a dated
/// forecast; both given, they must agree (docs/model.md §10.12).
fn start_calendar(
    start_date: Option<&str>,
    forecast: Option<&Forecast>,
    e: &mut Problems,
) -> Option<Calendar> {
    let from_forecast = forecast.and_then(|f| match &f.pattern {
        crate::model::Pattern::Dated { first, .. } => Some((f, *first)),
        _ => None,
    });
    let Some(text) = start_date else {
        return Some(from_forecast.map_or(Calendar::UNDATED, |(_, first)| Calendar::dated(first)));
    };
    let Some(date) = calendar::parse_date(text.trim()) else {
        e.add("start_date", format!("`{text}` is not a date; write it as YYYY-MM-DD, e.g. \"2026-12-07\""));
        return None;
    };
    if let Some((f, first)) = from_forecast
        && first != date
    {
        e.add(
            "start_date",
            format!(
                "({}) is not the first date of the dated forecast {} ({}); remove `start_date` or make them agree",
                calendar::iso(date),
                f.file,
                calendar::iso(first)
            ),
        );
        return None;
    }
    Some(Calendar::dated(date))
}
