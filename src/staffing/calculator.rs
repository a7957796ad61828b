//! The `routesim erlang` calculator (docs/model.md §12): Erlang C (no `--patience`) or
//! Erlang A figures of one queue for given numbers of agents, the curve over a range of them,
//! and the fewest agents that meet a list of [`Target`]s, with the fractional figure.
//!
//! All exact, from [`crate::erlang`]. An Erlang C row whose offered load is at or above its
//! agents has no steady state: it is marked unstable, its `asa` and `queue_length` are `None`
//! (JSON `null`) and its other figures are their long-run limits.

use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;

use super::{Goal, Target};
use crate::erlang::{self, ErlangError, QueueMeasures};
use crate::error::Error;
use crate::format::Num;
use crate::rows::ErlangRecord;
use crate::scenario::parse_duration;

/// Service-level threshold when none is given, seconds (as in the bundled scenarios).
pub const DEFAULT_THRESHOLD: f64 = 20.0;
/// Most agents the calculator computes or searches up to.
pub const MAX_AGENTS: u32 = 100_000;
/// Most conversations one agent may hold at once in the calculator.
pub const MAX_CONCURRENCY: u32 = 100;
/// Most rows one `--agents A..B` range may hold.
pub const MAX_RANGE_ROWS: u32 = 10_000;

/// One queue to size: Poisson arrivals, exponential handle time and, for Erlang A,
/// exponential patience. Built checked by [`Calculator::new`] or [`Calculator::parse`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calculator {
    /// Arrival rate, per hour.
    rate_per_hour: f64,
    /// Mean handle time, seconds.
    aht: f64,
    /// Mean patience, seconds; `None` for Erlang C (nobody abandons).
    patience: Option<f64>,
    /// Service-level threshold, seconds.
    threshold: f64,
    /// Conversations one agent holds at once (`--concurrency`, 1 for calls):
    /// `agents` agents are `agents × concurrency` servers, each with the same
    /// handle time (docs/model.md §12).
    concurrency: u32,
}

/// How a queue is served, apart from its traffic: the patience (Erlang A),
/// the service-level threshold and the conversations an agent holds at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Service {
    /// Mean patience, seconds; `None` for Erlang C.
    pub patience: Option<f64>,
    /// Service-level threshold, seconds.
    pub threshold: f64,
    /// Conversations one agent holds at once.
    pub concurrency: u32,
}

impl Service {
    /// Parses `--patience 2m`, `--threshold 20s` (default [`DEFAULT_THRESHOLD`])
    /// and `--concurrency 3` (default 1).
    pub fn parse(
        patience: Option<&str>,
        threshold: Option<&str>,
        concurrency: Option<&str>,
    ) -> Result<Service, Error> {
        let patience = patience.map(|p| parse_flag_duration("--patience", p)).transpose()?;
        let threshold = threshold
            .map(|t| parse_flag_duration("--threshold", t))
            .transpose()?
            .unwrap_or(DEFAULT_THRESHOLD);
        let concurrency = match concurrency {
            None => 1,
            Some(text) => text.trim().parse::<u32>().map_err(|_| {
                bad(
                    format!("--concurrency {text}"),
                    &format!(
                        "write how many conversations one agent holds at once, a whole number from 1 to {MAX_CONCURRENCY}, e.g. 3"
                    ),
                )
            })?,
        };
        Ok(Service { patience, threshold, concurrency })
    }

    /// The calculator of a queue with `rate_per_hour` arrivals of mean handle
    /// time `aht` seconds served this way.
    pub fn calculator(&self, rate_per_hour: f64, aht: f64) -> Result<Calculator, Error> {
        Calculator::new(rate_per_hour, aht, self.patience, self.threshold)?.with_concurrency(self.concurrency)
    }
}

/// A duration flag's value in seconds (`--aht 5m`), or the error naming the flag.
pub fn parse_flag_duration(flag: &str, text: &str) -> Result<f64, Error> {
    parse_duration(text).map_err(|problem| bad(format!("{flag} {text}"), &problem))
}

/// The figures of one number of agents, as fractions 0-1, seconds and customers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ErlangRow {
    /// Number of agents.
    pub agents: u32,
    /// Probability that an arrival waits (finds every agent busy), 0-1.
    pub p_wait: f64,
    /// Answered within the threshold over all arrivals (the `offered` formula), 0-1.
    pub service_level: f64,
    /// Mean wait of answered arrivals, seconds; `None` when unstable (grows without bound).
    pub asa: Option<f64>,
    /// Abandoned over all arrivals, 0-1 (0 for Erlang C).
    pub abandon_rate: f64,
    /// Mean busy agents over agents, 0-1.
    pub occupancy: f64,
    /// Mean number waiting, customers; `None` when unstable (grows without bound).
    pub queue_length: Option<f64>,
}

/// Numbers of agents asked for with `--agents`: `N` or the inclusive range `A..B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentRange {
    /// First number of agents, at least 1.
    pub first: u32,
    /// Last number of agents (inclusive), at least `first`.
    pub last: u32,
}

/// The answer to a list of targets: the fewest agents meeting all, and where each is met.
#[derive(Debug, Clone, PartialEq)]
pub struct Sizing {
    /// The row of the fewest agents meeting every target.
    pub row: ErlangRow,
    /// The row of one agent fewer (which misses a target), if that is at least one agent.
    pub below: Option<ErlangRow>,
    /// Each target with the fewest agents meeting it alone and its fractional figure.
    pub targets: Vec<TargetSizing>,
    /// Fractional agents at which the last target to be met is met exactly (linear
    /// interpolation between `row.agents - 1` and `row.agents`), where one exists.
    pub fractional: Option<f64>,
}

/// Where one target alone is met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetSizing {
    /// The target.
    pub target: Target,
    /// Fewest agents meeting it.
    pub agents: u32,
    /// Agents at which its metric reaches the bound, interpolating linearly between
    /// `agents - 1` and `agents`; `None` when `agents - 1` is zero or unstable.
    pub fractional: Option<f64>,
}

/// Everything one `erlang` command computes: the asked rows, then the target answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Calculation {
    /// The queue sized.
    pub calculator: Calculator,
    /// Rows for every `--agents` value, in the order asked.
    pub rows: Vec<ErlangRow>,
    /// The answer to the `--target`s, if any were given.
    pub sizing: Option<Sizing>,
}

impl Calculator {
    /// Checks and stores the inputs: rate per hour (0 or more), mean handle time and mean
    /// patience in seconds (above 0), threshold in seconds (0 or more).
    pub fn new(rate_per_hour: f64, aht: f64, patience: Option<f64>, threshold: f64) -> Result<Self, Error> {
        if !rate_per_hour.is_finite() || rate_per_hour < 0.0 {
            return Err(bad(
                format!("--rate {rate_per_hour}"),
                "the arrival rate is a number of arrivals per hour, 0 or more, e.g. 200",
            ));
        }
        if !(aht.is_finite() && aht > 0.0) {
            return Err(bad(format!("--aht {aht}s"), "the mean handle time must be longer than 0"));
        }
        if let Some(p) = patience
            && !(p.is_finite() && p > 0.0)
        {
            return Err(bad(format!("--patience {p}s"), "the mean patience must be longer than 0"));
        }
        if !(threshold.is_finite() && threshold >= 0.0) {
            return Err(bad(format!("--threshold {threshold}s"), "the threshold must be 0 or longer"));
        }
        // Beyond MAX_AGENTS Erlangs no answer is in range, and the exact
        // chains would take minutes to build.
        let load = rate_per_hour / 3600.0 * aht;
        if load > f64::from(MAX_AGENTS) {
            return Err(bad(
                format!("--rate {rate_per_hour} --aht {aht}s"),
                format!(
                    "the offered load is {load:.3e} Erlangs, more than the {MAX_AGENTS} agents the calculator goes to; \
                     check the units (--rate is per hour)"
                )
                .as_str(),
            ));
        }
        Ok(Calculator { rate_per_hour, aht, patience, threshold, concurrency: 1 })
    }

    /// The same queue served by agents who each hold `concurrency` conversations
    /// at once (1 or more), the handle time unchanged: the figures for `n`
    /// agents are those of `n × concurrency` servers.
    pub fn with_concurrency(self, concurrency: u32) -> Result<Self, Error> {
        if concurrency == 0 || concurrency > MAX_CONCURRENCY {
            return Err(bad(
                format!("--concurrency {concurrency}"),
                &format!("the conversations one agent holds at once must be between 1 and {MAX_CONCURRENCY}"),
            ));
        }
        Ok(Calculator { concurrency, ..self })
    }

    /// Conversations one agent holds at once.
    pub fn concurrency(&self) -> u32 {
        self.concurrency
    }

    /// Most agents computed or searched: [`MAX_AGENTS`] servers.
    pub fn max_agents(&self) -> u32 {
        MAX_AGENTS / self.concurrency
    }

    /// Parses the command's words: `--rate 200`, `--aht 3m`, `--patience 2m`,
    /// `--threshold 20s`, `--concurrency 3`.
    pub fn parse(
        rate: &str,
        aht: &str,
        patience: Option<&str>,
        threshold: Option<&str>,
        concurrency: Option<&str>,
    ) -> Result<Self, Error> {
        let rate_value =
            rate.trim().parse::<f64>().ok().filter(|r| r.is_finite() && *r >= 0.0).ok_or_else(|| {
                bad(
                    format!("--rate {rate}"),
                    "the arrival rate is a number of arrivals per hour, 0 or more, e.g. 200",
                )
            })?;
        let aht = parse_flag_duration("--aht", aht)?;
        Service::parse(patience, threshold, concurrency)?.calculator(rate_value, aht)
    }
    /// Offered load `rate * aht`, in Erlangs (busy agents needed on average).
    pub fn offered_load(&self) -> f64 {
        self.rate_per_hour / 3600.0 * self.aht
    }

    /// `"Erlang C"` without patience, `"Erlang A"` with it.
    pub fn formula(&self) -> &'static str {
        if self.patience.is_some() { "Erlang A" } else { "Erlang C" }
    }

    /// One line naming the formula, the inputs and the offered load.
    pub fn describe(&self) -> String {
        let patience = self.patience.map_or(String::new(), |p| format!(", mean patience {} s", num(p)));
        let concurrency = if self.concurrency > 1 {
            format!(", {0} conversations per agent at once (an agent is {0} servers)", self.concurrency)
        } else {
            String::new()
        };
        format!(
            "{}: {} arrivals per hour, mean handle time {} s{patience}, threshold {} s{concurrency}; \
             offered load {:.2} Erlangs\n",
            self.formula(),
            num(self.rate_per_hour),
            num(self.aht),
            num(self.threshold),
            self.offered_load()
        )
    }

    /// The figures for `agents` agents (1 to [`Calculator::max_agents`]): those
    /// of `agents × concurrency` servers; occupancy is the share of the agents'
    /// conversation slots in use.
    pub fn row(&self, agents: u32) -> Result<ErlangRow, Error> {
        if agents == 0 || agents > self.max_agents() {
            return Err(bad(
                format!("--agents {agents}"),
                &format!("the number of agents must be between 1 and {}", self.max_agents()),
            ));
        }
        let lambda = self.rate_per_hour / 3600.0;
        let servers = agents * self.concurrency;
        let measures = match self.patience {
            None => erlang::erlang_c(lambda, self.aht, servers, self.threshold),
            Some(p) => erlang::erlang_a(lambda, self.aht, p, servers, self.threshold),
        };
        match measures {
            Ok(m) => Ok(ErlangRow::from_measures(agents, &m)),
            Err(ErlangError::Unstable { .. }) => Ok(ErlangRow::unstable(agents)),
            Err(e) => Err(self.refused(agents, &e)),
        }
    }

    /// The rows of every number of agents in `range`, in order (the Erlang curve).
    pub fn curve(&self, range: AgentRange) -> Result<Vec<ErlangRow>, Error> {
        (range.first..=range.last).map(|n| self.row(n)).collect()
    }

    /// The fewest agents meeting every target, where each target alone is met, and the
    /// fractional figure. Errors if no number up to [`MAX_AGENTS`] meets them all.
    pub fn size(&self, targets: &[Target]) -> Result<Sizing, Error> {
        // Bounds no finite number of agents reaches in a steady state (with
        // arrivals, some wait and, with patience, some abandon): refused rather
        // than answered from a rounding error.
        for t in targets {
            let impossible = match t.goal {
                Goal::ServiceLevel => t.value >= 1.0 && self.rate_per_hour > 0.0,
                Goal::Asa => t.value <= 0.0 && self.rate_per_hour > 0.0,
                Goal::AbandonRate => t.value <= 0.0 && self.patience.is_some() && self.rate_per_hour > 0.0,
                Goal::Occupancy => false,
            };
            if impossible {
                return Err(bad(
                    format!("--target {t}"),
                    "no number of agents reaches this exactly (some arrivals always wait); give a bound short of it, \
                     e.g. service_level>=0.99, asa<=1s or abandon_rate<=0.001",
                ));
            }
        }
        let row = self.fewest(targets)?;
        let below = if row.agents > 1 { Some(self.row(row.agents - 1)?) } else { None };
        let mut each = Vec::with_capacity(targets.len());
        for &target in targets {
            let alone = if row.agents == 1 { row } else { self.fewest(&[target])? };
            each.push(TargetSizing {
                target,
                agents: alone.agents,
                fractional: self.crossing(target, &alone)?,
            });
        }
        // Targets met with fewer agents cross below row.agents - 1, so the binding ones decide.
        let binding: Vec<&TargetSizing> = each.iter().filter(|t| t.agents == row.agents).collect();
        let fractional = if binding.iter().all(|t| t.fractional.is_some()) {
            binding.iter().filter_map(|t| t.fractional).reduce(f64::max)
        } else {
            None
        };
        Ok(Sizing { row, below, targets: each, fractional })
    }

    /// The row of the fewest agents meeting every target: the metrics are monotone in the
    /// number of agents, so a doubling search brackets the answer and bisection finds it.
    fn fewest(&self, targets: &[Target]) -> Result<ErlangRow, Error> {
        let mut failing = 0_u32; // misses (0 agents misses by convention)
        let most = self.max_agents();
        // Stable from more servers than the load: more agents than load / concurrency.
        let per_agent = self.offered_load() / f64::from(self.concurrency);
        let first_stable = (per_agent.floor() + 1.0).min(f64::from(most));
        let mut probe = match self.patience {
            None => first_stable as u32,
            Some(_) => per_agent.ceil().clamp(1.0, f64::from(most)) as u32,
        };
        let mut meeting = loop {
            let row = self.row(probe)?;
            if row.meets(targets) {
                break row;
            }
            if probe == most {
                return Err(self.unreachable(targets, &row));
            }
            failing = probe;
            probe = probe.saturating_mul(2).min(most);
        };
        while meeting.agents - failing > 1 {
            let mid = failing + (meeting.agents - failing) / 2;
            let row = self.row(mid)?;
            if row.meets(targets) {
                meeting = row;
            } else {
                failing = mid;
            }
        }
        Ok(meeting)
    }

    /// Fractional agents at which `target`'s metric reaches its bound, interpolating linearly
    /// between one agent fewer than `met` (which misses) and `met`.
    fn crossing(&self, target: Target, met: &ErlangRow) -> Result<Option<f64>, Error> {
        if met.agents < 2 {
            return Ok(None);
        }
        let before = self.row(met.agents - 1)?;
        let (Some(v0), Some(v1)) = (before.metric(target.goal), met.metric(target.goal)) else {
            return Ok(None);
        };
        if !before.stable() || v0 == v1 {
            return Ok(None);
        }
        let share = ((target.value - v0) / (v1 - v0)).clamp(0.0, 1.0);
        Ok(Some(f64::from(met.agents - 1) + share))
    }

    /// The error for targets no number of agents up to the limit meets.
    fn unreachable(&self, targets: &[Target], at_limit: &ErlangRow) -> Error {
        let missed: Vec<String> = targets
            .iter()
            .filter(|t| !at_limit.meets(std::slice::from_ref(*t)))
            .map(|t| {
                let value = at_limit.metric(t.goal).map_or("unstable".to_owned(), |v| show(t.goal, v));
                format!("{t} (it is {value})")
            })
            .collect();
        let all: Vec<String> = targets.iter().map(ToString::to_string).collect();
        bad(
            format!("--target {}", all.join(" --target ")),
            &format!(
                "even {} agents do not meet {}; loosen the target",
                self.max_agents(),
                missed.join(" and ")
            ),
        )
    }

    /// Turns a refusal of the formulas (extreme inputs) into the command's words.
    fn refused(&self, agents: u32, e: &ErlangError) -> Error {
        let problem = match e {
            ErlangError::StateSpaceTooLarge { .. } => format!(
                "with {agents} agents the queue grows too long to compute exactly; \
                 shorten --patience, add agents or lower --rate"
            ),
            _ => format!(
                "with {agents} agents the figures are outside the range numbers can hold; \
                 rescale --rate, --aht or --patience"
            ),
        };
        bad(format!("--agents {agents}"), &problem)
    }
}

impl ErlangRow {
    /// The row of a steady state.
    fn from_measures(agents: u32, m: &QueueMeasures) -> ErlangRow {
        ErlangRow {
            agents,
            p_wait: m.prob_wait,
            service_level: m.service_level,
            asa: Some(m.asa),
            abandon_rate: m.abandon_rate,
            occupancy: m.occupancy,
            queue_length: Some(m.mean_queue_length),
        }
    }

    /// The row of an unstable Erlang C queue: the long-run limits where they are finite
    /// (everyone waits, nobody within the threshold, agents always busy).
    fn unstable(agents: u32) -> ErlangRow {
        ErlangRow {
            agents,
            p_wait: 1.0,
            service_level: 0.0,
            asa: None,
            abandon_rate: 0.0,
            occupancy: 1.0,
            queue_length: None,
        }
    }

    /// Whether the queue has a steady state (false: Erlang C with load at or above agents).
    pub fn stable(&self) -> bool {
        self.asa.is_some()
    }

    /// The value of a target's metric; `None` when it grows without bound.
    pub fn metric(&self, goal: Goal) -> Option<f64> {
        match goal {
            Goal::ServiceLevel => Some(self.service_level),
            Goal::Asa => self.asa,
            Goal::AbandonRate => Some(self.abandon_rate),
            Goal::Occupancy => Some(self.occupancy),
        }
    }

    /// Whether the row is stable and every target holds (an unstable row meets nothing).
    pub fn meets(&self, targets: &[Target]) -> bool {
        self.stable() && targets.iter().all(|t| self.metric(t.goal).is_some_and(|v| t.holds(v)))
    }

    /// The row as one JSON object: `agents` and the six figures, `null` where unbounded.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl FromStr for AgentRange {
    type Err = Error;

    /// Parses `14` or `10..20` (inclusive).
    fn from_str(text: &str) -> Result<AgentRange, Error> {
        let fail = |problem: &str| bad(format!("--agents {text}"), problem);
        let count = |s: &str| -> Result<u32, Error> {
            let n = s
                .trim()
                .parse::<u64>()
                .map_err(|_| fail("write a number of agents (e.g. 14) or a range of them (e.g. 10..20)"))?;
            if n == 0 || n > u64::from(MAX_AGENTS) {
                return Err(fail(&format!("the number of agents must be between 1 and {MAX_AGENTS}")));
            }
            Ok(n as u32)
        };
        let (first, last) = match text.split_once("..") {
            Some((a, b)) => (count(a)?, count(b.strip_prefix('=').unwrap_or(b))?),
            None => {
                let n = count(text)?;
                (n, n)
            }
        };
        if first > last {
            return Err(fail(&format!(
                "the range runs downwards; write the smaller number first ({last}..{first})"
            )));
        }
        if last - first >= MAX_RANGE_ROWS {
            return Err(fail(&format!("a range may hold at most {MAX_RANGE_ROWS} numbers of agents")));
        }
        Ok(AgentRange { first, last })
    }
}

/// Computes what the `erlang` command prints: the rows of every range, then the answer to
/// the targets. Needs at least one range or target.
pub fn answer(
    calculator: &Calculator,
    ranges: &[AgentRange],
    targets: &[Target],
) -> Result<Calculation, Error> {
    if ranges.is_empty() && targets.is_empty() {
        return Err(bad(
            "erlang".to_owned(),
            "say which numbers of agents to compute (--agents 14, --agents 10..20) \
             or what they must achieve (--target service_level>=0.8, repeatable)",
        ));
    }
    let mut rows = Vec::new();
    for &range in ranges {
        rows.extend(calculator.curve(range)?);
    }
    let sizing = if targets.is_empty() { None } else { Some(calculator.size(targets)?) };
    Ok(Calculation { calculator: *calculator, rows, sizing })
}

impl Calculation {
    /// The printed form: the inputs, the table of asked rows, then the target answer
    /// (a table of one agent fewer and the answer, and the figures).
    pub fn text(&self) -> String {
        let mut out = self.calculator.describe();
        if !self.rows.is_empty() {
            out.push_str(&table(&self.rows));
        }
        if let Some(s) = &self.sizing {
            if !self.rows.is_empty() {
                out.push('\n');
            }
            let rows: Vec<ErlangRow> = s.below.iter().copied().chain([s.row]).collect();
            out.push_str(&table(&rows));
            let all: Vec<String> = s.targets.iter().map(|t| t.target.to_string()).collect();
            let _ = writeln!(out, "fewest agents meeting {}: {}", all.join(" and "), s.row.agents);
            let _ = match s.fractional {
                Some(f) => writeln!(
                    out,
                    "fractional agents: {f:.2} (linear between {} and {})",
                    s.row.agents - 1,
                    s.row.agents
                ),
                None => writeln!(
                    out,
                    "fractional agents: none (one agent fewer is {})",
                    if s.row.agents == 1 { "no agent" } else { "unstable" }
                ),
            };
            if s.targets.len() > 1 {
                for t in &s.targets {
                    let frac = t.fractional.map_or(String::new(), |f| format!(" ({f:.2})"));
                    let _ = writeln!(out, "  {} alone: {} agents{frac}", t.target, t.agents);
                }
            }
        }
        out
    }

    /// The `--json` form: one JSON object per row, asked rows first, then the answer's row.
    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        for row in self.rows.iter().chain(self.sizing.as_ref().map(|s| &s.row)) {
            out.push_str(&row.json());
            out.push('\n');
        }
        out
    }
}

impl Calculation {
    /// The files of `erlang --out DIR` (docs/model.md §11.10): `erlang.csv`,
    /// the rows as `--json` prints them ([`crate::rows::ERLANG_HEADER`],
    /// empty where unbounded), and `erlang.json`, the inputs, targets and answer.
    pub fn files(&self) -> crate::error::Result<Vec<(&'static str, Vec<u8>)>> {
        let n = |v: Option<f64>| Num(v.unwrap_or(f64::NAN));
        let records = self.rows.iter().chain(self.sizing.as_ref().map(|s| &s.row)).map(|r| ErlangRecord {
            agents: r.agents,
            p_wait: n(Some(r.p_wait)),
            service_level: n(Some(r.service_level)),
            asa: n(r.asa),
            abandon_rate: n(Some(r.abandon_rate)),
            occupancy: n(Some(r.occupancy)),
            queue_length: n(r.queue_length),
        });
        let csv = crate::rows::to_bytes("erlang.csv", records)?;
        let doc = serde_json::json!({
            "routesim_version": env!("CARGO_PKG_VERSION"),
            "formula": self.calculator.formula(),
            "inputs": self.calculator.describe().trim(),
            "offered_erlangs": self.calculator.offered_load(),
            "targets": self.sizing.iter().flat_map(|s| s.targets.iter().map(|t| t.target.to_string())).collect::<Vec<_>>(),
            "fewest_agents": self.sizing.as_ref().map(|s| s.row.agents),
            "fractional_agents": self.sizing.as_ref().and_then(|s| s.fractional),
        });
        let mut json = serde_json::to_string_pretty(&doc).unwrap_or_default();
        json.push('\n');
        Ok(vec![("erlang.csv", csv), ("erlang.json", json.into_bytes())])
    }
}

/// The header of [`table`]: each figure's name and unit.
pub const TABLE_HEADER: [&str; 7] = [
    "agents",
    "p_wait (%)",
    "service_level (%)",
    "asa (s)",
    "abandon_rate (%)",
    "occupancy (%)",
    "queue_length",
];

/// Renders rows as an aligned table with units in the header; an unstable row reads
/// `unstable` where its figure grows without bound.
pub fn table(rows: &[ErlangRow]) -> String {
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let or_unstable =
                |v: Option<f64>, d: usize| v.map_or("unstable".to_owned(), |v| format!("{v:.d$}"));
            [
                r.agents.to_string(),
                format!("{:.2}", 100.0 * r.p_wait),
                format!("{:.2}", 100.0 * r.service_level),
                or_unstable(r.asa, 2),
                format!("{:.2}", 100.0 * r.abandon_rate),
                format!("{:.2}", 100.0 * r.occupancy),
                or_unstable(r.queue_length, 3),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..7)
        .map(|i| cells.iter().map(|c| c[i].len()).chain([TABLE_HEADER[i].len()]).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let mut line = |fields: &[&str]| {
        let parts: Vec<String> = fields.iter().zip(&widths).map(|(f, w)| format!("{f:>w$}")).collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&TABLE_HEADER);
    for c in &cells {
        line(&c.each_ref().map(String::as_str));
    }
    out
}

/// A figure of `goal` in its unit, for messages.
fn show(goal: Goal, value: f64) -> String {
    match goal {
        Goal::Asa => format!("{value:.2} s"),
        _ => format!("{:.2}%", 100.0 * value),
    }
}

/// A number without trailing zeros.
fn num(x: f64) -> String {
    format!("{x}")
}

/// A calculator input error.
fn bad(input: String, problem: &str) -> Error {
    Error::Calculator { input, problem: problem.to_owned() }
}

#[cfg(test)]
mod tests;
