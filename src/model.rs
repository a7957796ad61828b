//! The validated scenario: what the engine runs. Names are resolved to
//! indices, durations are seconds, rates are per second. Built only by
//! [`crate::scenario`], so every value here has been checked.

use typed_index_collections::TiVec;

use crate::dist::Dist;

mod hours;
mod ids;
mod shift;

pub use hours::{Hours, Week};
pub use ids::{AgentId, GroupId, QueueId, StatusId, TeamId};
pub use shift::{ShiftPattern, ShiftStatus};

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name used for the output folder and reports.
    pub name: String,
    /// Base seed; replication r draws from streams derived from (seed, r).
    pub seed: u64,
    /// Length of one replication, seconds.
    pub horizon: f64,
    /// Conversations arriving before this (seconds) are not counted; agent time before it neither.
    pub warmup: f64,
    /// After the horizon, how long the run goes on without arrivals so that
    /// work offered before it can end (docs/model.md §6), seconds.
    pub drain: f64,
    /// Length of a reporting interval, seconds; divides a day.
    pub interval: f64,
    /// Which date day 1 is, if known (`start_date`, or the first date of a
    /// dated forecast): how every interval is labelled.
    pub calendar: crate::calendar::Calendar,
    /// Number of replications to run.
    pub replications: u32,
    /// Routing settings.
    pub routing: Routing,
    /// Metric settings.
    pub metrics: MetricSettings,
    /// All statuses: the four defaults at [`StatusId::AVAILABLE`].. then custom ones.
    pub statuses: TiVec<StatusId, Status>,
    /// Channel names, indexed by `Queue::channel`.
    pub channels: Vec<String>,
    /// Queues in file order.
    pub queues: TiVec<QueueId, Queue>,
    /// Teams (routing profiles) in file order.
    pub teams: TiVec<TeamId, Team>,
    /// Agent groups in file order.
    pub groups: TiVec<GroupId, AgentGroup>,
    /// Shift patterns (`[[shift]]`) in file order: read by `schedule` only,
    /// never by the engine (docs/model.md §10.14).
    pub shifts: Vec<ShiftPattern>,
    /// What validation noted for the warnings, as (dotted key, why): a
    /// forecast's missing rows, and schedule and unplanned entries left out
    /// because their status is disabled (docs/model.md §R1).
    pub skipped: Vec<(String, String)>,
}

impl Scenario {
    /// Number of reporting intervals in one day.
    pub fn intervals_per_day(&self) -> usize {
        (crate::time::DAY / self.interval).round() as usize
    }

    /// Number of reporting intervals in the horizon (the last may be partial).
    pub fn interval_count(&self) -> usize {
        ((self.horizon / self.interval).ceil() as usize).max(1)
    }

    /// Length of reporting interval `i`, seconds (the last may be cut short by the horizon).
    pub fn interval_length(&self, i: usize) -> f64 {
        (self.horizon - i as f64 * self.interval).min(self.interval)
    }

    /// Whether queue `q` is open at some time in reporting interval `i`
    /// (always, without business hours). An interval it is closed
    /// throughout is not judged against its targets (docs/model.md §10.13).
    pub fn open_in_interval(&self, q: QueueId, i: usize) -> bool {
        let start = i as f64 * self.interval;
        self.queues[q].hours.as_ref().is_none_or(|h| h.between(start, start + self.interval_length(i)) > 0.0)
    }

    /// The team's priority for and delay on queue `queue`, if it serves it.
    pub fn serve(&self, team: TeamId, queue: QueueId) -> Option<(u8, f64)> {
        let t = &self.teams[team];
        t.queues.iter().position(|&q| q == queue).map(|i| (t.priorities[i], t.delays[i]))
    }

    /// Whether conversations are offered rather than assigned (docs/model.md §R13).
    pub fn offers(&self) -> bool {
        self.routing.offers.is_some()
    }

    /// The teams whose profile serves `queue`.
    pub fn teams_serving(&self, queue: QueueId) -> impl Iterator<Item = TeamId> + '_ {
        self.teams.iter_enumerated().filter(move |(_, t)| t.queues.contains(&queue)).map(|(i, _)| i)
    }

    /// Total number of agents across groups.
    pub fn agent_count(&self) -> usize {
        self.groups.iter().map(|g| g.size()).sum()
    }

    /// Arrival rate of queue `q` at `t` seconds from the start of day 0, per second.
    pub fn rate_at(&self, q: QueueId, t: f64) -> f64 {
        self.queues[q].arrivals.rate_at(t)
    }

    /// Mean work (handle time plus wrap-up), seconds, of a conversation
    /// arriving on queue `q` at `t` seconds from the start of day 0.
    pub fn work_at(&self, q: QueueId, t: f64) -> f64 {
        let queue = &self.queues[q];
        queue.handle_time.mean() * queue.arrivals.handle_scale_at(t)
            + queue.wrap_up.as_ref().map_or(0.0, Dist::mean)
    }
}

/// Scenario-wide routing settings.
#[derive(Debug, Clone)]
pub struct Routing {
    /// How an agent is chosen among the eligible ones.
    pub selection: Selection,
    /// Default for queues that do not set `requeue_when_offline`.
    pub requeue_when_offline: bool,
    /// `assignment = "accept"`: conversations are offered, not assigned at
    /// once (docs/model.md §R13); `None` for `"auto"`.
    pub offers: Option<Offers>,
}

/// Accept mode (docs/model.md §R13): how long agents take to accept an
/// offer, how long an offer stands, and how long a missed offer costs.
#[derive(Debug, Clone)]
pub struct Offers {
    /// Time from offer to acceptance, drawn per offer.
    pub accept_delay: Dist,
    /// An offer not accepted within this (seconds) is missed.
    pub timeout: f64,
    /// Time in Unavailable after a missed offer, drawn per miss.
    pub missed_unavailable: Dist,
}

/// Agent-selection rule (docs/model.md §R12). Ties go to the longest idle, then the lowest index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Longest since last assignment or since becoming available.
    LongestIdle,
    /// Most spare capacity units.
    MostAvailable,
    /// Fewest open conversations.
    LeastActive,
    /// The next eligible agent after the one last assigned from this queue, in index order.
    RoundRobin,
}

impl Selection {
    /// Whether the rule ranks agents by their load (spare capacity or open
    /// conversations), so finishing a conversation changes an agent's rank.
    pub fn ranks_by_load(self) -> bool {
        matches!(self, Selection::MostAvailable | Selection::LeastActive)
    }
}

/// How metrics are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricSettings {
    /// Service-level formula.
    pub service_level: SlFormula,
    /// Abandons with a wait shorter than this (seconds) are "short".
    pub short_abandon: f64,
}

/// Service-level formula (docs/model.md §M7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlFormula {
    /// answered within T / (answered + abandoned)
    Offered,
    /// answered within T / answered
    Answered,
    /// answered within T / (answered + abandoned after the short-abandon threshold)
    ExcludeShort,
    /// (answered within T + abandoned within T) / (answered + abandoned)
    AbandonsMet,
}

impl SlFormula {
    /// The formula's name as the scenario's `metrics.service_level` spells it.
    pub fn name(self) -> &'static str {
        match self {
            SlFormula::Offered => "offered",
            SlFormula::Answered => "answered",
            SlFormula::ExcludeShort => "exclude_short",
            SlFormula::AbandonsMet => "abandons_met",
        }
    }
}

/// The type of a status: decides whether the agent is routed work and how time counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Routed work.
    Available,
    /// Not routed work; keeps working open conversations; counts as productive time.
    Busy,
    /// Not routed work; keeps working open conversations; counts as shrinkage.
    Unavailable,
    /// Not logged in to routing; open work stops.
    Offline,
}

impl StatusKind {
    /// Whether time in this status counts toward occupancy and capacity
    /// utilisation (available- and busy-type statuses).
    pub fn is_productive(self) -> bool {
        matches!(self, StatusKind::Available | StatusKind::Busy)
    }
}

/// A status agents can be in.
#[derive(Debug, Clone)]
pub struct Status {
    /// Name shown in reports.
    pub name: String,
    /// Optional description from the scenario.
    pub description: Option<String>,
    /// Its type.
    pub kind: StatusKind,
    /// Disabled statuses stay listed but nothing may enter them.
    pub enabled: bool,
}

/// A queue conversations arrive on.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Queue name.
    pub name: String,
    /// Index into [`Scenario::channels`].
    pub channel: usize,
    /// 1 (highest) to 100.
    pub priority: u8,
    /// Capacity units one conversation holds.
    pub item_size: u32,
    /// Service-level threshold T, seconds.
    pub sl_threshold: f64,
    /// Service-level target, fraction 0-1 (for reports).
    pub sl_target: f64,
    /// Staffing target on the average speed of answer, seconds (`asa_target`).
    pub asa_target: Option<f64>,
    /// Staffing target on the abandon rate, fraction 0-1 (`abandon_target`).
    pub abandon_target: Option<f64>,
    /// When conversations arrive: a Poisson process with a piecewise-constant rate.
    pub arrivals: Arrivals,
    /// Handle-time distribution.
    pub handle_time: Dist,
    /// Wrap-up distribution, if any.
    pub wrap_up: Option<Dist>,
    /// Patience distribution; `None` never abandons.
    pub patience: Option<Dist>,
    /// Whether conversations go back to this queue when their agent goes Offline.
    pub requeue_when_offline: bool,
    /// A phone queue synced to Busy (docs/model.md §R14): the agent is Busy
    /// from assignment until the call's wrap-up ends.
    pub busy_while_handling: bool,
    /// With `busy_while_handling`: whether the call needs and holds spare
    /// capacity like any conversation (else it ignores the agent's load).
    pub capacity_aware: bool,
    /// Business hours (`hours`, `closed`; docs/model.md §10.13): waits for
    /// the service level and ASA, and patience, count only open time.
    /// `None`: open all the time, waits in calendar time.
    pub hours: Option<Hours>,
}

impl Queue {
    /// Capacity units a conversation of this queue needs and holds: its
    /// item size, or 0 for a synced call that ignores the agent's load (§R14).
    pub fn held_size(&self) -> u32 {
        if self.busy_while_handling && !self.capacity_aware { 0 } else { self.item_size }
    }

    /// The wait that counts from `from` to `to` (seconds): open time with
    /// business hours, else all of it.
    #[inline(always)]
    pub fn wait_between(&self, from: f64, to: f64) -> f64 {
        match &self.hours {
            None => to - from,
            Some(h) => h.between(from, to),
        }
    }

    /// When a patience of `patience` seconds, starting to run at `from`,
    /// runs out: counted in open time with business hours, else plainly
    /// (the inverse of [`Queue::wait_between`]).
    #[inline(always)]
    pub fn patience_end(&self, from: f64, patience: f64) -> f64 {
        match &self.hours {
            None => from + patience,
            Some(h) => h.after(from, patience),
        }
    }
}

impl Queue {
    /// Mean arrival rate over the arrival pattern (a day, a week, or the
    /// dated forecast's days), per second.
    pub fn mean_rate(&self) -> f64 {
        self.arrivals.mean_rate()
    }

    /// Mean work per conversation (handle plus wrap-up), seconds. With a
    /// forecast `aht`, the handle time is averaged over the arrivals.
    pub fn mean_work(&self) -> f64 {
        self.handle_time.mean() * self.arrivals.mean_handle_scale()
            + self.wrap_up.as_ref().map_or(0.0, Dist::mean)
    }
}

/// Where a queue's arrivals come from, for `routesim check`.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrivalSource {
    /// `arrivals = { per_hour = ... }` in the scenario.
    PerHour,
    /// `arrivals = { per_interval = ... }` in the scenario.
    PerInterval,
    /// The scenario's forecast file.
    Forecast {
        /// The file, as it was opened.
        file: String,
        /// How its start times repeat.
        pattern: Pattern,
    },
}

/// How the steps of an arrival pattern map onto simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// One day, repeating every day.
    Daily,
    /// One week from Monday, repeating every week (day 0 is a Monday).
    Weekly,
    /// Calendar days from `first` (day 0), `days` of them; no arrivals after.
    Dated {
        /// The first date (day 1 of the scenario's calendar).
        first: crate::calendar::Date,
        /// Number of days covered.
        days: usize,
    },
}

/// A queue's arrivals: Poisson with a rate that is constant within each
/// step, and optionally a handle-time scale per step (a forecast's `aht`).
/// Built only by the scenario loader, which checks the invariants: a step of
/// whole seconds dividing a day, rates finite and non-negative.
#[derive(Debug, Clone)]
pub struct Arrivals {
    /// Rate per second of each step from the start of day 0.
    rates: Vec<f64>,
    /// Length of a step, seconds.
    step: f64,
    /// Whether `rates` repeat after their last step (else no arrivals after it).
    repeat: bool,
    /// Handle-time scale per step (forecast `aht` / distribution mean); `None`: 1 everywhere.
    handle_scale: Option<Vec<f64>>,
    /// Where the rates came from.
    source: ArrivalSource,
    /// Coefficient of variation of the day-level volume multiplier (0: the
    /// rates are known exactly).
    rate_cv: f64,
}

impl Arrivals {
    /// Arrivals at `rates` per second, one per `step` seconds, repeating
    /// when `repeat`; the caller has checked them (see the type).
    pub(crate) fn new(
        rates: Vec<f64>,
        step: f64,
        repeat: bool,
        handle_scale: Option<Vec<f64>>,
        source: ArrivalSource,
    ) -> Arrivals {
        debug_assert!(!rates.is_empty() && step >= 1.0);
        debug_assert!(handle_scale.as_ref().is_none_or(|h| h.len() == rates.len()));
        Arrivals { rates, step, repeat, handle_scale, source, rate_cv: 0.0 }
    }

    /// A constant rate per second, all the time.
    pub(crate) fn constant(rate: f64, source: ArrivalSource) -> Arrivals {
        Arrivals::new(vec![rate], crate::time::DAY, true, None, source)
    }

    /// The same arrivals with a day-level volume uncertainty of coefficient
    /// of variation `cv` (checked by the loader: 0 to 2).
    pub(crate) fn with_rate_cv(mut self, cv: f64) -> Arrivals {
        self.rate_cv = cv;
        self
    }

    /// Coefficient of variation of each day's volume multiplier (mean 1;
    /// 0: rates known exactly). See docs/model.md §C18.
    pub fn rate_cv(&self) -> f64 {
        self.rate_cv
    }

    /// Rate per second of each step.
    pub fn rates(&self) -> &[f64] {
        &self.rates
    }

    /// Length of a step, seconds.
    pub fn step(&self) -> f64 {
        self.step
    }

    /// Whether the rates repeat after the last step (daily and weekly
    /// patterns) or stop (dated forecasts: no arrivals after the last date).
    pub fn repeats(&self) -> bool {
        self.repeat
    }

    /// Handle-time scale of each step, where a forecast gave `aht`.
    pub fn handle_scales(&self) -> Option<&[f64]> {
        self.handle_scale.as_deref()
    }

    /// Where the rates came from.
    pub fn source(&self) -> &ArrivalSource {
        &self.source
    }

    /// Index into [`Arrivals::rates`] of the step holding `t` (seconds from
    /// day 0), or `None` past the end of a pattern that does not repeat.
    #[inline]
    pub fn index_at(&self, t: f64) -> Option<usize> {
        let k = (t.max(0.0) / self.step).floor() as usize;
        if self.repeat { Some(k % self.rates.len()) } else { (k < self.rates.len()).then_some(k) }
    }

    /// Rate per second at `t` seconds from day 0.
    pub fn rate_at(&self, t: f64) -> f64 {
        self.index_at(t).map_or(0.0, |k| self.rates[k])
    }

    /// Factor applied to sampled handle times of conversations arriving at `t`.
    #[inline]
    pub fn handle_scale_at(&self, t: f64) -> f64 {
        // Checked first: queues without `aht` (most) skip the step lookup.
        let Some(h) = &self.handle_scale else { return 1.0 };
        self.index_at(t).map_or(1.0, |k| h[k])
    }

    /// Mean rate over the pattern, per second.
    pub fn mean_rate(&self) -> f64 {
        self.rates.iter().sum::<f64>() / self.rates.len() as f64
    }

    /// Highest rate of any step, per second.
    pub fn peak_rate(&self) -> f64 {
        self.rates.iter().copied().fold(0.0, f64::max)
    }

    /// Handle-time scale averaged over arrivals (1 without `aht`, or without arrivals).
    pub fn mean_handle_scale(&self) -> f64 {
        let Some(h) = &self.handle_scale else { return 1.0 };
        let total: f64 = self.rates.iter().sum();
        if total <= 0.0 {
            return 1.0;
        }
        self.rates.iter().zip(h).map(|(r, s)| r * s).sum::<f64>() / total
    }
}

/// A team's routing profile.
#[derive(Debug, Clone)]
pub struct Team {
    /// Team name.
    pub name: String,
    /// Queues served, in file order.
    pub queues: Vec<QueueId>,
    /// The team's priority for each entry of `queues` (1 first; the queue's
    /// own priority unless the profile gives one): docs/model.md §R15.
    pub priorities: Vec<u8>,
    /// Seconds a conversation of each entry of `queues` must have waited
    /// before the team's agents take it (0: at once; overflow, §R15).
    pub delays: Vec<f64>,
    /// Total capacity units per agent.
    pub capacity: u32,
    /// Per-channel cap in units, indexed by channel; `u32::MAX` means no cap.
    pub channel_caps: Vec<u32>,
}

/// A group of agents sharing a team, shift and schedule.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    /// Group name.
    pub name: String,
    /// The team the agents start the run on (`teams[0]`).
    pub team: TeamId,
    /// Every team the agents may work as, the starting one first (docs/model.md §R16).
    pub teams: Vec<TeamId>,
    /// Daily team switches (schedule entries with `team`).
    pub switches: Vec<Switch>,
    /// How many agents are logged in when.
    pub headcount: Headcount,
    /// Daily shift; `None` with a fixed count means logged in all the time.
    pub shift: Option<Shift>,
    /// Planned episodes, every day.
    pub schedule: Vec<Planned>,
    /// Unplanned episode sources, per agent.
    pub unplanned: Vec<Unplanned>,
}

impl AgentGroup {
    /// Number of agents in the group (the peak of a staffing array).
    pub fn size(&self) -> usize {
        match &self.headcount {
            Headcount::Fixed(n) => *n as usize,
            Headcount::Staffing(s) => s.peak() as usize,
        }
    }
}

/// Headcount of a group.
#[derive(Debug, Clone)]
pub enum Headcount {
    /// A fixed number of agents.
    Fixed(u32),
    /// Logged-in headcount per step of the day (or week), repeating.
    Staffing(Staffing),
}

/// A staffing array: logged-in headcount per step, repeating daily (or
/// weekly when it holds seven days). Built only by the scenario loader.
#[derive(Debug, Clone)]
pub struct Staffing {
    /// Headcount of each step from the start of day 0.
    levels: Vec<u32>,
    /// Length of a step, seconds; divides a day.
    step: f64,
}

impl Staffing {
    /// Headcounts `levels`, one per `step` seconds; the caller has checked them.
    pub(crate) fn new(levels: Vec<u32>, step: f64) -> Staffing {
        debug_assert!(!levels.is_empty() && step >= 1.0);
        Staffing { levels, step }
    }

    /// Headcount of each step.
    pub fn levels(&self) -> &[u32] {
        &self.levels
    }

    /// Length of a step, seconds.
    pub fn step(&self) -> f64 {
        self.step
    }

    /// Headcount during step number `k` from day 0 (repeating).
    pub fn level(&self, k: usize) -> u32 {
        self.levels[k % self.levels.len()]
    }

    /// The highest headcount.
    pub fn peak(&self) -> u32 {
        self.levels.iter().copied().max().unwrap_or(0)
    }
}

/// A daily shift.
#[derive(Debug, Clone, Copy)]
pub struct Shift {
    /// Login time, seconds from the start of the day.
    pub start: f64,
    /// Length of the shift, seconds (may run past midnight).
    pub length: f64,
    /// Time after login spent Offline before going Available, seconds.
    pub ready_delay: f64,
    /// Time before the end spent Unavailable so open work can finish, seconds.
    pub wind_down: f64,
}

/// A planned status episode, every day.
#[derive(Debug, Clone, Copy)]
pub struct Planned {
    /// Status entered.
    pub status: StatusId,
    /// Earliest start, seconds from the start of the day.
    pub window_start: f64,
    /// Latest start, seconds from the start of the day (equal to `window_start` for `at`).
    pub last_start: f64,
    /// Length, seconds.
    pub duration: f64,
}

impl Planned {
    /// Start time within the day of agent `i` of `n`: spread evenly over the window.
    pub fn start_for(&self, i: usize, n: usize) -> f64 {
        spread(self.window_start, self.last_start, i, n)
    }
}

/// A daily team switch (docs/model.md §R16): the group's agents move to
/// `team` at a clock time, or staggered over a window.
#[derive(Debug, Clone, Copy)]
pub struct Switch {
    /// The team (one of the group's `teams`).
    pub team: TeamId,
    /// Earliest switch, seconds from the start of the day.
    pub window_start: f64,
    /// Latest switch, seconds from the start of the day (equal to `window_start` for `at`).
    pub last_start: f64,
}

impl Switch {
    /// Switch time within the day of agent `i` of `n`: spread evenly over the window.
    pub fn start_for(&self, i: usize, n: usize) -> f64 {
        spread(self.window_start, self.last_start, i, n)
    }
}

/// Agent `i` of `n`'s start in `[first, last]`, spread evenly (the first agent at `first`).
fn spread(first: f64, last: f64, i: usize, n: usize) -> f64 {
    if n <= 1 { first } else { first + (last - first) * i as f64 / (n - 1) as f64 }
}

/// An unplanned episode source: a Poisson process per agent.
#[derive(Debug, Clone)]
pub struct Unplanned {
    /// Status entered.
    pub status: StatusId,
    /// Episodes per second per agent.
    pub rate: f64,
    /// Length distribution.
    pub duration: Dist,
}
