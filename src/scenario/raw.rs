//! The scenario file exactly as written: serde structs that mirror the TOML,
//! with unknown keys rejected. Durations stay strings here; `validate` turns
//! them into seconds and names into indices.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Value;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Option<String>,
    pub seed: Option<i64>,
    pub horizon: String,
    pub warmup: Option<String>,
    pub drain: Option<String>,
    pub interval: Option<String>,
    pub replications: Option<i64>,
    pub forecast: Option<RawForecast>,
    pub start_date: Option<String>,
    pub forecast_gaps: Option<String>,
    pub routing: Option<RawRouting>,
    pub metrics: Option<RawMetrics>,
    #[serde(default)]
    pub status: Vec<RawStatus>,
    #[serde(default)]
    pub queue: Vec<RawQueue>,
    #[serde(default)]
    pub team: Vec<RawTeam>,
    #[serde(default)]
    pub agents: Vec<RawAgents>,
    #[serde(default)]
    pub shift: Vec<RawShiftPattern>,
}

/// `forecast = "x.csv"`, or a table naming the file and how its layout
/// differs from routesim's own.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawForecast {
    File(String),
    Mapped(RawForecastTable),
}

/// `forecast = { file = "x.csv", columns = { start = "Beginn" }, date_format = "%d.%m.%Y" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawForecastTable {
    pub file: String,
    /// Our column name (start, queue, offered, aht, rate_cv) → the file's header.
    pub columns: Option<BTreeMap<String, String>>,
    /// strftime format of the date part of `start`.
    pub date_format: Option<String>,
}

impl RawForecast {
    /// The file named, relative to the scenario's folder.
    pub(crate) fn file(&self) -> &str {
        match self {
            RawForecast::File(f) => f,
            RawForecast::Mapped(t) => &t.file,
        }
    }

    /// The dotted key naming the file: `forecast` or `forecast.file`.
    pub(crate) fn file_key(&self) -> &'static str {
        match self {
            RawForecast::File(_) => "forecast",
            RawForecast::Mapped(_) => "forecast.file",
        }
    }
}

/// `[routing]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRouting {
    pub agent_selection: Option<String>,
    pub assignment: Option<String>,
    pub accept_delay: Option<RawDist>,
    pub accept_timeout: Option<String>,
    pub missed_unavailable: Option<RawDist>,
    pub requeue_when_offline: Option<bool>,
}

/// `[metrics]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMetrics {
    pub service_level: Option<String>,
    pub short_abandon: Option<String>,
}

/// `[[status]]`: a custom unavailable status.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStatus {
    pub name: String,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

/// `[[queue]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQueue {
    pub name: String,
    pub channel: Option<String>,
    pub priority: Option<i64>,
    pub item_size: Option<i64>,
    pub sl_threshold: Option<String>,
    pub sl_target: Option<f64>,
    /// Staffing target on the average speed of answer, a duration (`staff` judges by it).
    pub asa_target: Option<String>,
    /// Staffing target on the abandon rate, a fraction (`staff` judges by it).
    pub abandon_target: Option<f64>,
    pub arrivals: Option<RawArrivals>,
    pub handle_time: RawDist,
    pub wrap_up: Option<RawDist>,
    pub patience: Option<RawDist>,
    pub requeue_when_offline: Option<bool>,
    pub busy_while_handling: Option<bool>,
    pub capacity_aware: Option<bool>,
    /// Business hours, e.g. `["mon-fri 08:00-18:00", "sat 10:00-14:00"]`.
    pub hours: Option<Vec<String>>,
    /// Dates the queue is closed, `YYYY-MM-DD` (needs a start date).
    pub closed: Option<Vec<String>>,
}

/// `arrivals = { per_hour = ... }` or `{ per_interval = ..., step = "15m" }`:
/// one value, or one per step of the day (or week).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawArrivals {
    pub per_hour: Option<Value>,
    pub per_interval: Option<Value>,
    pub step: Option<String>,
    pub rate_cv: Option<f64>,
}

/// A distribution table, `{ dist = "...", ... }`.
#[derive(Debug, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub(crate) enum RawDist {
    Exponential { mean: String },
    Lognormal { mean: String, sd: String },
    Gamma { mean: String, sd: String },
    Constant { value: String },
    Uniform { min: String, max: String },
    Empirical { values: Vec<String> },
}

/// `[[team]]`: a routing profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTeam {
    pub name: String,
    pub queues: Vec<RawServe>,
    pub capacity: Option<i64>,
    pub channel_caps: Option<BTreeMap<String, i64>>,
}

/// One entry of a team's `queues`: a queue's name, or a routing-profile
/// entry `{ queue = "chat", priority = 2, delay = "60s" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawServe {
    Name(String),
    Entry(RawServeEntry),
}

/// A routing-profile entry: the queue, the team's priority for it, and how
/// long its conversations must have waited before the team takes them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawServeEntry {
    pub queue: String,
    pub priority: Option<i64>,
    pub delay: Option<String>,
}

impl RawServe {
    /// The queue's name.
    pub(crate) fn queue(&self) -> &str {
        match self {
            RawServe::Name(n) => n,
            RawServe::Entry(e) => &e.queue,
        }
    }
}

/// `[[agents]]`: a group of identical agents.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgents {
    pub name: String,
    pub team: Option<String>,
    pub teams: Option<Vec<String>>,
    pub count: Option<i64>,
    pub staffing: Option<Vec<i64>>,
    pub staffing_step: Option<String>,
    pub shift: Option<RawShift>,
    #[serde(default)]
    pub schedule: Vec<RawPlanned>,
    #[serde(default)]
    pub unplanned: Vec<RawUnplanned>,
}

/// `shift = { start, end, ready_delay, wind_down }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShift {
    pub start: String,
    pub end: String,
    pub ready_delay: Option<String>,
    pub wind_down: Option<String>,
}

/// One schedule entry: an episode (`status`, `duration`) or a team switch (`team`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlanned {
    pub status: Option<String>,
    pub at: Option<String>,
    pub window: Option<String>,
    pub duration: Option<String>,
    pub team: Option<String>,
}

/// One unplanned episode source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUnplanned {
    pub status: String,
    pub per_hour: f64,
    pub duration: RawDist,
}

/// `[[shift]]`: a shift pattern a team's agents may work (`routesim schedule`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShiftPattern {
    pub name: String,
    pub team: String,
    pub length: Option<String>,
    pub lengths: Option<Vec<String>>,
    pub start: String,
    pub start_step: Option<String>,
    pub days: Option<i64>,
    #[serde(default)]
    pub schedule: Vec<RawShiftStatus>,
    pub max_agents: Option<i64>,
}

/// One planned status of a shift pattern: `{ status, after = "3h-5h", duration }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShiftStatus {
    pub status: String,
    pub after: String,
    pub duration: String,
}
