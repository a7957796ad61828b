//! Checks the raw scenario and builds the [`Scenario`] the engine runs:
//! durations to seconds, rates to per second, names to indices. The first
//! problem found is returned with the dotted key at fault.

use super::forecast::{Forecast, ForecastQueue};
use super::raw::{RawAgents, RawArrivals, RawDist, RawQueue, RawScenario, RawTeam};
use super::units::{parse_clock, parse_duration, parse_window};
use crate::dist::Dist;
use crate::model::{
    AgentGroup, ArrivalSource, Arrivals, Headcount, MetricSettings, Planned, Queue, Routing, Scenario,
    Selection, Shift, SlFormula, Staffing, Status, StatusId, StatusKind, Team, Unplanned,
};
use crate::time::DAY;

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

/// Limits that keep one run's memory and time bounded; beyond them the
/// scenario is almost certainly a typo.
const MAX_AGENTS: usize = 200_000;
const MAX_INTERVALS: f64 = 200_000.0;
const MAX_REPLICATIONS: i64 = 100_000;
const MAX_ARRIVALS: f64 = 2e9;

const NOT_YET: &str = "is not supported yet (offers with accept timeouts, phone-synced Busy and team \
switching come in a later release); remove it to run this scenario";

pub(super) fn validate(
    raw: RawScenario,
    default_name: &str,
    forecast: Option<&Forecast>,
) -> Result<Scenario> {
    let name = raw.name.clone().unwrap_or_else(|| default_name.to_owned());
    let folder_safe = !name.trim().is_empty()
        && name.chars().count() <= 100
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'));
    if !folder_safe {
        return invalid(
            "name",
            format!("{name:?} cannot name an output folder; use up to 100 letters, digits, spaces, - and _"),
        );
    }
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => return invalid("seed", format!("must be zero or more, got {s}")),
    };
    let horizon = duration("horizon", &raw.horizon)?;
    if horizon <= 0.0 {
        return invalid("horizon", "must be longer than zero");
    }
    let warmup = opt_duration("warmup", raw.warmup.as_deref(), 0.0)?;
    if warmup >= horizon {
        return invalid("warmup", format!("({warmup} s) must be shorter than the horizon ({horizon} s)"));
    }
    let interval = opt_duration("interval", raw.interval.as_deref(), 1800.0)?;
    let per_day = DAY / interval;
    if interval < 1.0 || interval.fract() != 0.0 || (per_day - per_day.round()).abs() > 1e-9 {
        return invalid(
            "interval",
            "must be a whole number of seconds that divides a day evenly (e.g. \"15m\", \"30m\", \"1h\")",
        );
    }
    if horizon / interval > MAX_INTERVALS {
        return invalid(
            "interval",
            format!("the horizon holds more than {MAX_INTERVALS} intervals; use a longer interval"),
        );
    }
    let replications = raw.replications.unwrap_or(10);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return invalid(
            "replications",
            format!("must be between 1 and {MAX_REPLICATIONS}, got {replications}"),
        );
    }

    let routing = routing(&raw)?;
    let metrics = metrics(&raw)?;
    let statuses = statuses(&raw)?;

    let mut channels: Vec<String> = Vec::new();
    let mut queues = Vec::new();
    for (i, q) in raw.queue.iter().enumerate() {
        let key = format!("queue.{}", q.name);
        if raw.queue[..i].iter().any(|o| o.name == q.name) {
            return invalid(format!("queue.{i}.name"), format!("queue `{}` is defined twice", q.name));
        }
        queues.push(queue(q, &key, &routing, interval, forecast, &mut channels)?);
    }
    if let Some(f) = forecast
        && let Some(span) = f.dated_span()
        && horizon > span
    {
        return invalid(
            "horizon",
            format!(
                "({} days) runs past the end of the dated forecast {}, which covers {} days; there would be \
                 no arrivals after its last date, so shorten the horizon or extend the forecast",
                horizon / DAY,
                f.file,
                span / DAY
            ),
        );
    }
    if queues.is_empty() {
        return invalid("queue", "the scenario needs at least one [[queue]]");
    }
    let expected: f64 = queues.iter().map(|q| q.mean_rate() * horizon).sum();
    if expected > MAX_ARRIVALS {
        return invalid(
            "queue",
            format!(
                "about {expected:.0} arrivals per replication is more than routesim handles ({MAX_ARRIVALS}); shorten the horizon"
            ),
        );
    }

    let mut teams = Vec::new();
    for (i, t) in raw.team.iter().enumerate() {
        let key = format!("team.{}", t.name);
        if raw.team[..i].iter().any(|o| o.name == t.name) {
            return invalid(format!("team.{i}.name"), format!("team `{}` is defined twice", t.name));
        }
        teams.push(team(t, &key, &raw.queue, &channels)?);
    }
    for (qi, q) in queues.iter().enumerate() {
        let serving: Vec<&Team> = teams.iter().filter(|t| t.queues.contains(&qi)).collect();
        if serving.is_empty() {
            return invalid(
                format!("queue.{}", q.name),
                "no [[team]] serves this queue; add it to a team's `queues`",
            );
        }
        if serving.iter().all(|t| t.capacity < q.item_size || t.channel_caps[q.channel] < q.item_size) {
            return invalid(
                format!("queue.{}.item_size", q.name),
                format!(
                    "{} units does not fit the capacity (or channel cap) of any team serving this queue",
                    q.item_size
                ),
            );
        }
    }

    let mut groups = Vec::new();
    for (i, g) in raw.agents.iter().enumerate() {
        let key = format!("agents.{}", g.name);
        if raw.agents[..i].iter().any(|o| o.name == g.name) {
            return invalid(format!("agents.{i}.name"), format!("agent group `{}` is defined twice", g.name));
        }
        groups.push(group(g, &key, &raw.team, &statuses, interval)?);
    }
    if groups.iter().map(AgentGroup::size).sum::<usize>() > MAX_AGENTS {
        return invalid("agents", format!("more than {MAX_AGENTS} agents in all"));
    }

    Ok(Scenario {
        name,
        seed,
        horizon,
        warmup,
        interval,
        replications: replications as u32,
        routing,
        metrics,
        statuses,
        channels,
        queues,
        teams,
        groups,
    })
}

fn duration(key: &str, text: &str) -> Result<f64> {
    parse_duration(text).or_else(|m| invalid(key, m))
}

fn opt_duration(key: &str, text: Option<&str>, default: f64) -> Result<f64> {
    text.map_or(Ok(default), |t| duration(key, t))
}

fn routing(raw: &RawScenario) -> Result<Routing> {
    let mut routing = Routing { selection: Selection::LongestIdle, requeue_when_offline: true };
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
                    format!(
                        "unknown rule `{other}`; choose longest_idle, most_available, least_active or round_robin"
                    ),
                );
            }
        };
    }
    match r.assignment.as_deref() {
        None | Some("auto") => {}
        Some("accept") => return invalid("routing.assignment", format!("\"accept\" {NOT_YET}")),
        Some(other) => {
            return invalid("routing.assignment", format!("unknown mode `{other}`; use \"auto\""));
        }
    }
    if r.accept_delay.is_some() {
        return invalid("routing.accept_delay", NOT_YET);
    }
    if r.accept_timeout.is_some() {
        return invalid("routing.accept_timeout", NOT_YET);
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
                    format!(
                        "unknown formula `{other}`; choose offered, answered, exclude_short or abandons_met"
                    ),
                );
            }
        };
    }
    m.short_abandon = opt_duration("metrics.short_abandon", r.short_abandon.as_deref(), 0.0)?;
    Ok(m)
}

fn statuses(raw: &RawScenario) -> Result<Vec<Status>> {
    let default = |name: &str, kind| Status { name: name.into(), description: None, kind, enabled: true };
    let mut out = vec![
        default("Available", StatusKind::Available),
        default("Busy", StatusKind::Busy),
        default("Unavailable", StatusKind::Unavailable),
        default("Offline", StatusKind::Offline),
    ];
    for (i, s) in raw.status.iter().enumerate() {
        let key = format!("status.{i}.name");
        if s.name.trim().is_empty() {
            return invalid(key, "a status needs a name");
        }
        if let Some(clash) = out.iter().find(|o| o.name.eq_ignore_ascii_case(&s.name)) {
            return invalid(
                key,
                format!("status `{}` clashes with the status `{}` already defined", s.name, clash.name),
            );
        }
        out.push(Status {
            name: s.name.clone(),
            description: s.description.clone(),
            kind: StatusKind::Unavailable,
            enabled: s.enabled.unwrap_or(true),
        });
    }
    if out.len() > usize::from(u16::MAX) {
        return invalid("status", "too many statuses");
    }
    Ok(out)
}

fn queue(
    q: &RawQueue,
    key: &str,
    routing: &Routing,
    interval: f64,
    forecast: Option<&Forecast>,
    channels: &mut Vec<String>,
) -> Result<Queue> {
    if q.name.trim().is_empty() || q.name.contains('.') {
        return invalid(format!("{key}.name"), "a queue needs a name without dots");
    }
    if q.busy_while_handling.is_some() {
        return invalid(format!("{key}.busy_while_handling"), NOT_YET);
    }
    if q.capacity_aware.is_some() {
        return invalid(format!("{key}.capacity_aware"), NOT_YET);
    }
    let channel_name = q.channel.clone().unwrap_or_else(|| q.name.clone());
    let channel = match channels.iter().position(|c| *c == channel_name) {
        Some(i) => i,
        None => {
            channels.push(channel_name);
            channels.len() - 1
        }
    };
    let priority = q.priority.unwrap_or(1);
    if !(1..=100).contains(&priority) {
        return invalid(
            format!("{key}.priority"),
            format!("must be from 1 (highest) to 100, got {priority}"),
        );
    }
    let item_size = q.item_size.unwrap_or(1);
    if !(1..=1000).contains(&item_size) {
        return invalid(
            format!("{key}.item_size"),
            format!("must be from 1 to 1000 capacity units, got {item_size}"),
        );
    }
    let sl_threshold = opt_duration(&format!("{key}.sl_threshold"), q.sl_threshold.as_deref(), 30.0)?;
    let sl_target = q.sl_target.unwrap_or(0.8);
    if !(0.0..=1.0).contains(&sl_target) {
        return invalid(
            format!("{key}.sl_target"),
            format!("must be a fraction from 0 to 1, got {sl_target}"),
        );
    }
    let handle_time = dist(&q.handle_time, &format!("{key}.handle_time"))?;
    let from_file = forecast.and_then(|f| f.queue(&q.name).map(|fq| (f, fq)));
    let arrivals = match (&q.arrivals, from_file) {
        (Some(_), Some((f, _))) => {
            return invalid(
                format!("{key}.arrivals"),
                format!(
                    "this queue takes its arrivals from the forecast {}; remove `arrivals` here or the queue's rows there",
                    f.file
                ),
            );
        }
        (None, None) => {
            return invalid(
                format!("{key}.arrivals"),
                "is missing: give `arrivals = { per_hour = 30 }` (or one value per interval of the day), \
                 or rows for this queue in the `forecast` file",
            );
        }
        (None, Some((f, fq))) => forecast_arrivals(f, fq, key, handle_time.mean())?,
        (Some(a), None) => table_arrivals(a, key, interval)?,
    };
    Ok(Queue {
        name: q.name.clone(),
        channel,
        priority: priority as u8,
        item_size: item_size as u32,
        sl_threshold,
        sl_target,
        arrivals,
        handle_time,
        wrap_up: q.wrap_up.as_ref().map(|d| dist(d, &format!("{key}.wrap_up"))).transpose()?,
        patience: q.patience.as_ref().map(|d| dist(d, &format!("{key}.patience"))).transpose()?,
        requeue_when_offline: q.requeue_when_offline.unwrap_or(routing.requeue_when_offline),
    })
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
    Ok(if rates.len() == 1 {
        Arrivals::constant(rates[0], source)
    } else {
        Arrivals::new(rates, step, true, None, source)
    })
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
    Ok(Arrivals::new(rates, f.step, repeat, scale, source))
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

fn team(t: &RawTeam, key: &str, queues: &[RawQueue], channels: &[String]) -> Result<Team> {
    if t.name.trim().is_empty() || t.name.contains('.') {
        return invalid(format!("{key}.name"), "a team needs a name without dots");
    }
    let mut served = Vec::new();
    for (i, name) in t.queues.iter().enumerate() {
        let Some(q) = queues.iter().position(|q| q.name == *name) else {
            return invalid(
                format!("{key}.queues.{i}"),
                format!("unknown queue `{name}`; known: {}", names(queues.iter().map(|q| &q.name))),
            );
        };
        if !served.contains(&q) {
            served.push(q);
        }
    }
    if served.is_empty() {
        return invalid(format!("{key}.queues"), "a team must serve at least one queue");
    }
    let capacity = t.capacity.unwrap_or(1);
    if !(1..=1000).contains(&capacity) {
        return invalid(
            format!("{key}.capacity"),
            format!("must be from 1 to 1000 capacity units, got {capacity}"),
        );
    }
    let mut caps = vec![u32::MAX; channels.len()];
    for (channel, &cap) in t.channel_caps.iter().flatten() {
        let ckey = format!("{key}.channel_caps.{channel}");
        let Some(c) = channels.iter().position(|c| c == channel) else {
            return invalid(
                ckey,
                format!("unknown channel `{channel}`; the queues use {}", names(channels.iter())),
            );
        };
        if !(1..=1000).contains(&cap) {
            return invalid(ckey, format!("a channel cap must be from 1 to 1000 units, got {cap}"));
        }
        caps[c] = cap as u32;
    }
    Ok(Team { name: t.name.clone(), queues: served, capacity: capacity as u32, channel_caps: caps })
}

fn group(
    g: &RawAgents,
    key: &str,
    teams: &[RawTeam],
    statuses: &[Status],
    interval: f64,
) -> Result<AgentGroup> {
    if g.name.trim().is_empty() || g.name.contains('.') {
        return invalid(format!("{key}.name"), "an agent group needs a name without dots");
    }
    let Some(team) = teams.iter().position(|t| t.name == g.team) else {
        return invalid(
            format!("{key}.team"),
            format!("unknown team `{}`; known: {}", g.team, names(teams.iter().map(|t| &t.name))),
        );
    };
    let headcount = match (g.count, &g.staffing) {
        (Some(_), Some(_)) => {
            return invalid(format!("{key}.staffing"), "give either `count` or `staffing`, not both");
        }
        (None, None) => {
            return invalid(key, "give `count` (agents) or `staffing` (headcount per interval)");
        }
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
            Headcount::Fixed(n as u32)
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
            if v.len() != per_day && v.len() != 7 * per_day {
                return invalid(
                    skey,
                    format!(
                        "has {} values; give exactly one headcount per step of the day ({per_day}) or of the \
                         week from Monday ({}), the step being `staffing_step` or else the reporting `interval` ({} s)",
                        v.len(),
                        7 * per_day,
                        step
                    ),
                );
            }
            if let Some(bad) = v.iter().find(|n| !(0..=MAX_AGENTS as i64).contains(n)) {
                return invalid(skey, format!("headcounts must be from 0 to {MAX_AGENTS}, got {bad}"));
            }
            Headcount::Staffing(Staffing::new(v.iter().map(|&n| n as u32).collect(), step))
        }
    };
    let shift = g.shift.as_ref().map(|s| -> Result<Shift> {
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
            return invalid(k("wind_down"), "ready delay plus wind-down must be shorter than the shift");
        }
        Ok(Shift { start: start % DAY, length, ready_delay, wind_down })
    });
    let shift = shift.transpose()?;
    let mut schedule = Vec::new();
    for (i, p) in g.schedule.iter().enumerate() {
        let k = |f: &str| format!("{key}.schedule.{i}.{f}");
        if p.team.is_some() {
            return invalid(k("team"), format!("team switching {NOT_YET}"));
        }
        let status = status_ref(&p.status, &k("status"), statuses)?;
        let duration = duration(&k("duration"), &p.duration)?;
        if duration <= 0.0 || duration >= DAY {
            return invalid(k("duration"), "must be longer than zero and shorter than a day");
        }
        let (window_start, last_start) = match (&p.at, &p.window) {
            (Some(at), None) => {
                let t = parse_clock(at).or_else(|m| invalid(k("at"), m))?;
                if t >= DAY {
                    return invalid(k("at"), "must be before 24:00");
                }
                (t, t)
            }
            (None, Some(w)) => {
                let (a, b) = parse_window(w).or_else(|m| invalid(k("window"), m))?;
                if b - a < duration {
                    return invalid(
                        k("window"),
                        format!("window `{w}` is shorter than the episode ({duration} s)"),
                    );
                }
                (a, b - duration)
            }
            _ => {
                return invalid(
                    k("at"),
                    "give exactly one of `at = \"HH:MM\"` or `window = \"HH:MM-HH:MM\"`",
                );
            }
        };
        schedule.push(Planned { status, window_start, last_start, duration });
    }
    let mut unplanned = Vec::new();
    for (i, u) in g.unplanned.iter().enumerate() {
        let k = |f: &str| format!("{key}.unplanned.{i}.{f}");
        let status = status_ref(&u.status, &k("status"), statuses)?;
        if !u.per_hour.is_finite() || u.per_hour < 0.0 || u.per_hour > 3600.0 {
            return invalid(
                k("per_hour"),
                format!("must be from 0 to 3600 episodes per hour, got {}", u.per_hour),
            );
        }
        unplanned.push(Unplanned {
            status,
            rate: u.per_hour / 3600.0,
            duration: dist(&u.duration, &k("duration"))?,
        });
    }
    Ok(AgentGroup { name: g.name.clone(), team, headcount, shift, schedule, unplanned })
}

/// Resolves a status used by an episode: known, enabled and not Available.
fn status_ref(name: &str, key: &str, statuses: &[Status]) -> Result<StatusId> {
    let Some(i) = statuses.iter().position(|s| s.name == name) else {
        return invalid(
            key,
            format!("unknown status `{name}`; known: {}", names(statuses.iter().map(|s| &s.name))),
        );
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
    Ok(StatusId(i as u16))
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    let v: Vec<String> = it.map(|n| format!("`{n}`")).collect();
    if v.is_empty() { "none".into() } else { v.join(", ") }
}
