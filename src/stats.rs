//! Per-replication measurement in streaming form, and the one typed list of
//! summary metrics.
//!
//! [`Tally`] is filled by the engine: counters, sums and the waits of each
//! queue ([`QueueWaits`]: the values while few, a histogram of bounded size once
//! many; and their total when there are several queues), so memory does
//! not grow with the horizon (only per-interval rows do), and a queue with
//! little traffic costs little.
//! [`Metric`] owns every summary metric's name, unit and formula, and
//! [`layout`] says which metrics each scope reports, so a label can never
//! drift from its value. Definitions: docs/model.md §7.

use std::borrow::Borrow;
use std::ops::Deref;
use std::sync::OnceLock;

use hdrhistogram::Histogram;
use serde_with::As;
use typed_index_collections::TiVec;

use crate::model::{QueueId, Scenario, SlFormula, StatusId, StatusKind, TeamId};
use crate::wire::Le;

/// Every metric of summary.csv: its name, unit and formula live here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Conversations that arrived in the counted window.
    Offered,
    /// Conversations assigned for the first time.
    Answered,
    /// Conversations that gave up waiting.
    Abandoned,
    /// Requeue events (an agent went Offline with the conversation open).
    Requeued,
    /// Conversations left with an Offline agent when the run ended.
    Stranded,
    /// Conversations still waiting, never answered, when the drain ended.
    Unresolved,
    /// Service level by the scenario's formula, unresolved counted as misses (fraction).
    ServiceLevel,
    /// The queue's service-level target (fraction).
    SlTarget,
    /// 1 when the replication's service level met the target, else 0: its
    /// mean is the share of replications that met it (fraction).
    TargetMet,
    /// Mean wait of answered conversations (seconds).
    Asa,
    /// Median wait of answered conversations (seconds).
    WaitP50,
    /// 90th percentile wait of answered conversations (seconds).
    WaitP90,
    /// 99th percentile wait of answered conversations (seconds).
    WaitP99,
    /// Abandoned (after the short-abandon threshold) over answered plus those (fraction).
    AbandonRate,
    /// Time-average number of conversations waiting, from the warm-up to the horizon (count).
    QueueAvg,
    /// Mean handle time plus wrap-up of completed conversations (seconds).
    Aht,
    /// Time holding work over time in available- and busy-type statuses (fraction).
    Occupancy,
    /// Capacity units in use over capacity units offered, in those statuses (fraction).
    CapacityUtilisation,
    /// Time in unavailable-type statuses over time logged in (fraction).
    Shrinkage,
    /// Agent time logged in (agent-seconds).
    LoggedIn,
    /// Offers made (accept mode; count).
    Offers,
    /// Offers not accepted within the timeout (accept mode; count).
    MissedOffers,
    /// Mean time from offer to acceptance, over accepted offers (accept mode; seconds).
    AcceptWait,
}

impl serde::Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Metric {
    /// A metric by its name in output files; an unknown name is an error.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Metric, D::Error> {
        let name = String::deserialize(d)?;
        Metric::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown metric `{name}`")))
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Unit {
    /// A unit by its name in output files; an unknown name is an error.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
        let name = String::deserialize(d)?;
        [Unit::Count, Unit::Fraction, Unit::Seconds, Unit::AgentSeconds]
            .into_iter()
            .find(|u| u.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown unit `{name}`")))
    }
}

/// The unit of a metric, as written in summary.csv's `unit` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of conversations or events.
    Count,
    /// A share from 0 to 1.
    Fraction,
    /// Seconds.
    Seconds,
    /// Agents × seconds.
    AgentSeconds,
}

impl Unit {
    /// The unit's name in output files.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Fraction => "fraction",
            Unit::Seconds => "seconds",
            Unit::AgentSeconds => "agent_seconds",
        }
    }

    /// The smallest and largest value a metric in this unit can take; the
    /// confidence intervals are clipped to it.
    pub fn range(self) -> (f64, f64) {
        match self {
            Unit::Fraction => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }
}

impl Metric {
    /// Every metric, in output order.
    pub const ALL: [Metric; 23] = [
        Metric::Offered,
        Metric::Answered,
        Metric::Abandoned,
        Metric::Requeued,
        Metric::Stranded,
        Metric::Unresolved,
        Metric::ServiceLevel,
        Metric::SlTarget,
        Metric::TargetMet,
        Metric::Asa,
        Metric::WaitP50,
        Metric::WaitP90,
        Metric::WaitP99,
        Metric::AbandonRate,
        Metric::QueueAvg,
        Metric::Aht,
        Metric::Occupancy,
        Metric::CapacityUtilisation,
        Metric::Shrinkage,
        Metric::LoggedIn,
        Metric::Offers,
        Metric::MissedOffers,
        Metric::AcceptWait,
    ];

    /// The metric's name in output files.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Offered => "offered",
            Metric::Answered => "answered",
            Metric::Abandoned => "abandoned",
            Metric::Requeued => "requeued",
            Metric::Stranded => "stranded",
            Metric::Unresolved => "unresolved",
            Metric::ServiceLevel => "service_level",
            Metric::SlTarget => "sl_target",
            Metric::TargetMet => "target_met",
            Metric::Asa => "asa",
            Metric::WaitP50 => "wait_p50",
            Metric::WaitP90 => "wait_p90",
            Metric::WaitP99 => "wait_p99",
            Metric::AbandonRate => "abandon_rate",
            Metric::QueueAvg => "queue_avg",
            Metric::Aht => "aht",
            Metric::Occupancy => "occupancy",
            Metric::CapacityUtilisation => "capacity_utilisation",
            Metric::Shrinkage => "shrinkage",
            Metric::LoggedIn => "logged_in",
            Metric::Offers => "offers",
            Metric::MissedOffers => "missed_offers",
            Metric::AcceptWait => "accept_wait",
        }
    }

    /// The metric named `name` in output files, if any.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// What the metric is measured in.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Offered
            | Metric::Answered
            | Metric::Abandoned
            | Metric::Requeued
            | Metric::Stranded
            | Metric::Unresolved
            | Metric::QueueAvg
            | Metric::Offers
            | Metric::MissedOffers => Unit::Count,
            Metric::ServiceLevel
            | Metric::SlTarget
            | Metric::TargetMet
            | Metric::AbandonRate
            | Metric::Occupancy
            | Metric::CapacityUtilisation
            | Metric::Shrinkage => Unit::Fraction,
            Metric::Asa
            | Metric::WaitP50
            | Metric::WaitP90
            | Metric::WaitP99
            | Metric::Aht
            | Metric::AcceptWait => Unit::Seconds,
            Metric::LoggedIn => Unit::AgentSeconds,
        }
    }

    /// Whether the metric exists only in accept mode (docs/model.md §R13),
    /// so scenarios without offers keep their summary rows unchanged.
    pub fn needs_offers(self) -> bool {
        matches!(self, Metric::Offers | Metric::MissedOffers | Metric::AcceptWait)
    }

    /// The quantile a wait percentile stands for.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Metric::WaitP50 => Some(0.5),
            Metric::WaitP90 => Some(0.9),
            Metric::WaitP99 => Some(0.99),
            _ => None,
        }
    }

    /// Which scopes report the metric: conversation metrics for the total
    /// and each queue (the target only per queue), answers and handle time
    /// per team, agent metrics everywhere.
    pub fn applies_to(self, scope: Scope) -> bool {
        match self {
            Metric::SlTarget | Metric::TargetMet => matches!(scope, Scope::Queue(_)),
            Metric::Answered
            | Metric::Aht
            | Metric::Occupancy
            | Metric::CapacityUtilisation
            | Metric::Shrinkage
            | Metric::LoggedIn => true,
            _ => !matches!(scope, Scope::Team(_)),
        }
    }

    /// The metric's value for `scope` in one replication's tally (NaN when
    /// it is not defined, e.g. ASA with nothing answered).
    pub fn value(self, scope: Scope, tally: &Tally, sc: &Scenario) -> f64 {
        let agents = || match scope {
            Scope::Total => AgentTime::of(tally, sc, sc.teams.keys()),
            Scope::Queue(q) => AgentTime::of(tally, sc, sc.teams_serving(q)),
            Scope::Team(t) => AgentTime::of(tally, sc, std::iter::once(t)),
        };
        let queue = match scope {
            Scope::Total => Some(tally.total()),
            Scope::Queue(q) => Some(&tally.queues[q]),
            Scope::Team(_) => None,
        };
        match (self, queue, scope) {
            (Metric::Occupancy, ..) => agents().occupancy(),
            (Metric::CapacityUtilisation, ..) => agents().capacity_utilisation(),
            (Metric::Shrinkage, ..) => agents().shrinkage(),
            (Metric::LoggedIn, ..) => agents().logged_in,
            (Metric::Answered, None, Scope::Team(t)) => tally.teams[t].answered as f64,
            (Metric::Aht, None, Scope::Team(t)) => {
                ratio(tally.teams[t].work_sum, tally.teams[t].completed as f64)
            }
            (_, None, _) => f64::NAN,
            (m, Some(q), _) => {
                let target = match scope {
                    Scope::Queue(i) => sc.queues[i].sl_target,
                    _ => f64::NAN,
                };
                m.of_queue(q, sc.metrics.service_level, target, sc.horizon - sc.warmup)
            }
        }
    }

    /// The value of a conversation metric from a queue's tally.
    fn of_queue(self, q: &QueueTally, formula: SlFormula, target: f64, counted_secs: f64) -> f64 {
        let c = &q.counts;
        match self {
            Metric::Offered => c.offered as f64,
            Metric::Answered => c.answered as f64,
            Metric::Abandoned => c.abandoned as f64,
            Metric::Requeued => q.requeued as f64,
            Metric::Stranded => q.stranded as f64,
            Metric::Unresolved => c.unresolved as f64,
            Metric::ServiceLevel => c.service_level(formula),
            Metric::SlTarget => target,
            Metric::TargetMet => {
                let sl = c.service_level(formula);
                if sl.is_nan() || target.is_nan() { f64::NAN } else { f64::from(u8::from(sl >= target)) }
            }
            Metric::Asa => c.asa(),
            Metric::WaitP50 | Metric::WaitP90 | Metric::WaitP99 => {
                self.quantile().map_or(f64::NAN, |p| percentile(q.waits.histogram(), p))
            }
            Metric::AbandonRate => c.abandon_rate(),
            Metric::QueueAvg => ratio(q.queue_area, counted_secs),
            Metric::Aht => ratio(q.work_sum, q.completed as f64),
            Metric::Offers => q.offers as f64,
            Metric::MissedOffers => q.missed_offers as f64,
            Metric::AcceptWait => ratio(q.accept_wait_sum, q.accepted as f64),
            Metric::Occupancy | Metric::CapacityUtilisation | Metric::Shrinkage | Metric::LoggedIn => {
                f64::NAN
            }
        }
    }
}

/// The part of the system a summary row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every queue and team together (`total`, `all`).
    Total,
    /// One queue; its agent metrics are over the teams serving it.
    Queue(QueueId),
    /// One team.
    Team(TeamId),
}

impl Scope {
    /// `total`, `queue` or `team`, as in summary.csv's `scope` column.
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Total => "total",
            Scope::Queue(_) => "queue",
            Scope::Team(_) => "team",
        }
    }

    /// The queue's or team's name, `all` for the total.
    pub fn name(self, sc: &Scenario) -> &str {
        match self {
            Scope::Total => "all",
            Scope::Queue(q) => &sc.queues[q].name,
            Scope::Team(t) => &sc.teams[t].name,
        }
    }
}

/// Which (scope, metric) rows a summary of `sc` holds, in output order:
/// the total, each queue, each team.
pub fn layout(sc: &Scenario) -> Vec<(Scope, Metric)> {
    let scopes = std::iter::once(Scope::Total)
        .chain(sc.queues.keys().map(Scope::Queue))
        .chain(sc.teams.keys().map(Scope::Team));
    scopes
        .flat_map(|s| {
            Metric::ALL
                .into_iter()
                .filter(move |m| m.applies_to(s) && (!m.needs_offers() || sc.offers()))
                .map(move |m| (s, m))
        })
        .collect()
}

/// The `p` quantile of a wait histogram in milliseconds, as seconds (NaN when empty).
pub fn percentile(waits: &Histogram<u64>, p: f64) -> f64 {
    if waits.is_empty() { f64::NAN } else { waits.value_at_quantile(p) as f64 / 1000.0 }
}

/// How the conversations of one queue (or one interval of it) ended: the
/// counts every rate is made of (at full width in a fold state: [`crate::wire`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Conversations that arrived.
    #[serde(with = "As::<Le>")]
    pub offered: u64,
    /// Of those, answered (first assignment).
    #[serde(with = "As::<Le>")]
    pub answered: u64,
    /// Answered with a wait at most the queue's threshold.
    #[serde(with = "As::<Le>")]
    pub answered_within: u64,
    /// Abandoned while waiting.
    #[serde(with = "As::<Le>")]
    pub abandoned: u64,
    /// Abandoned with a wait at most the threshold.
    #[serde(with = "As::<Le>")]
    pub abandoned_within: u64,
    /// Abandoned with a wait shorter than the short-abandon threshold.
    #[serde(with = "As::<Le>")]
    pub abandoned_short: u64,
    /// Still waiting, never answered, when the drain ended.
    #[serde(with = "As::<Le>")]
    pub unresolved: u64,
    /// Sum of the waits of answered conversations, seconds.
    pub wait_sum: f64,
}

impl Counts {
    /// Adds another tally's counts.
    pub fn add(&mut self, c: &Counts) {
        self.offered += c.offered;
        self.answered += c.answered;
        self.answered_within += c.answered_within;
        self.abandoned += c.abandoned;
        self.abandoned_within += c.abandoned_within;
        self.abandoned_short += c.abandoned_short;
        self.unresolved += c.unresolved;
        self.wait_sum += c.wait_sum;
    }

    /// Service level by formula `f`; unresolved conversations count in
    /// every denominator as not answered within the threshold.
    pub fn service_level(&self, f: SlFormula) -> f64 {
        let (num, den) = self.sl_parts(f);
        ratio(num as f64, den as f64)
    }

    /// The service level's numerator and denominator under formula `f`.
    pub fn sl_parts(&self, f: SlFormula) -> (u64, u64) {
        let (aw, bw, a, b, s, u) = (
            self.answered_within,
            self.abandoned_within,
            self.answered,
            self.abandoned,
            self.abandoned_short,
            self.unresolved,
        );
        match f {
            SlFormula::Offered => (aw, a + b + u),
            SlFormula::Answered => (aw, a + u),
            SlFormula::ExcludeShort => (aw, a + b - s + u),
            SlFormula::AbandonsMet => (aw + bw, a + b + u),
        }
    }

    /// Long abandons / (answered + long abandons); abandons shorter than the
    /// short-abandon threshold are left out.
    pub fn abandon_rate(&self) -> f64 {
        let long = (self.abandoned - self.abandoned_short) as f64;
        ratio(long, self.answered as f64 + long)
    }

    /// Mean wait of answered conversations, seconds.
    pub fn asa(&self) -> f64 {
        ratio(self.wait_sum, self.answered as f64)
    }
}

/// Counts and sums for one queue over the counted window.
#[derive(Debug, Clone)]
pub struct QueueTally {
    /// How its conversations ended.
    pub counts: Counts,
    /// Requeue events (agent went Offline with the conversation open).
    pub requeued: u64,
    /// Left with an Offline agent when the run ended.
    pub stranded: u64,
    /// Conversations whose handle time and wrap-up completed.
    pub completed: u64,
    /// Sum of handle plus wrap-up of completed conversations, seconds.
    pub work_sum: f64,
    /// Conversations waiting × seconds, from the warm-up to the horizon.
    pub queue_area: f64,
    /// Waits of answered conversations, milliseconds.
    pub waits: QueueWaits,
    /// Offers made (accept mode).
    pub offers: u64,
    /// Offers that timed out.
    pub missed_offers: u64,
    /// Offers accepted.
    pub accepted: u64,
    /// Sum over accepted offers of the time from offer to acceptance, seconds.
    pub accept_wait_sum: f64,
}

impl QueueTally {
    /// Nothing counted.
    fn empty() -> QueueTally {
        QueueTally {
            counts: Counts::default(),
            requeued: 0,
            stranded: 0,
            completed: 0,
            work_sum: 0.0,
            queue_area: 0.0,
            waits: QueueWaits::default(),
            offers: 0,
            missed_offers: 0,
            accepted: 0,
            accept_wait_sum: 0.0,
        }
    }

    /// Back to nothing counted, keeping the buffers of the waits.
    fn clear(&mut self) {
        // Exhaustive, so a new field cannot be forgotten here.
        let QueueTally {
            counts,
            requeued,
            stranded,
            completed,
            work_sum,
            queue_area,
            waits,
            offers,
            missed_offers,
            accepted,
            accept_wait_sum,
        } = self;
        *counts = Counts::default();
        for n in [requeued, stranded, completed, offers, missed_offers, accepted] {
            *n = 0;
        }
        *work_sum = 0.0;
        *queue_area = 0.0;
        *accept_wait_sum = 0.0;
        waits.clear();
    }

    /// Adds another queue's tally (for the total scope).
    fn add(&mut self, q: &QueueTally) {
        self.counts.add(&q.counts);
        self.requeued += q.requeued;
        self.stranded += q.stranded;
        self.completed += q.completed;
        self.work_sum += q.work_sum;
        self.queue_area += q.queue_area;
        self.offers += q.offers;
        self.missed_offers += q.missed_offers;
        self.accepted += q.accepted;
        self.accept_wait_sum += q.accept_wait_sum;
        self.waits.add(&q.waits);
    }
}

/// Waits up to this many non-zero values are kept as they are; past it, in
/// a histogram. 16 KB, the size of the smallest histogram of
/// [`wait_histogram`]'s layout.
const FEW_WAITS: usize = 2048;

/// The waits of a queue's answered conversations in one replication,
/// milliseconds, kept at the cost of the traffic the queue has: waits of
/// 0 counted; others as the values themselves while there are few (a
/// queue among a thousand answers a handful a day), and in a histogram of
/// [`wait_histogram`]'s layout once there are many (it widens to the
/// longest wait seen, so its size does not grow with the horizon).
///
/// Read as that histogram ([`QueueWaits::histogram`], or through `Deref` and
/// `Borrow`), built the first time a replication's waits are read: the
/// engine never pays for a histogram per queue, and what a reader pays is
/// the histogram it asks for. The counts, extremes and total are those of
/// recording every wait in one histogram of that layout.
#[derive(Debug, Clone, Default)]
pub struct QueueWaits {
    /// Waits of 0 ms.
    zeros: u64,
    /// Non-zero waits, as recorded, while there are at most [`FEW_WAITS`] (and none in `many`).
    few: Vec<u64>,
    /// Non-zero waits once there have been more (it stays, emptied, when the waits are cleared).
    many: Option<Histogram<u64>>,
    /// The histogram as read, built on first read.
    read: OnceLock<Histogram<u64>>,
}

/// A wait of `secs` seconds in whole milliseconds, as the wait histograms (docs/model.md M9)
/// record it: `(secs * 1000.0).round() as u64` (half away from zero;
/// 0 for a wait that is not positive or not a number, `u64::MAX` past it),
/// computed without a call to libm's `round`, which the engine would make
/// for every answered conversation on a baseline x86-64 target.
#[inline(always)]
pub(crate) fn wait_ms(secs: f64) -> u64 {
    if secs > 0.0 {
        let ms = secs * 1000.0;
        // `as` truncates and saturates. Below 2^53, `ms - whole` is exact
        // (Sterbenz: whole <= ms < 2 * whole, or whole = 0); from 2^53 to
        // 2^64 every f64 is whole and it is 0; past u64::MAX it is at least
        // 0.5 (or infinite) and `saturating_add` keeps u64::MAX, as `as` does
        // for the rounded value.
        let whole = ms as u64;
        if ms - whole as f64 >= 0.5 { whole.saturating_add(1) } else { whole }
    } else {
        0
    }
}

impl QueueWaits {
    /// Records a wait of `ms` milliseconds. The engine records only before
    /// the waits are read (between [`Tally::clear`] and reading the tally).
    #[inline(always)]
    pub(crate) fn record(&mut self, ms: u64) {
        debug_assert!(self.read.get().is_none(), "a wait recorded after the waits were read");
        if ms == 0 {
            self.zeros += 1;
        } else if let Some(many) = &mut self.many {
            record_wait(many, ms);
        } else if self.few.len() < FEW_WAITS {
            self.few.push(ms);
        } else if let Some(many) = self.spill() {
            record_wait(many, ms);
        }
    }

    /// Moves the few waits into a histogram sized for them (widened as
    /// longer waits come), from now on where waits are recorded.
    #[cold]
    fn spill(&mut self) -> Option<&mut Histogram<u64>> {
        if self.many.is_none() {
            let mut many = wait_histogram(self.few.iter().copied().max().unwrap_or(0));
            many.auto(true);
            for ms in self.few.drain(..) {
                record_wait(&mut many, ms);
            }
            self.many = Some(many);
        }
        self.many.as_mut()
    }

    /// Adds another queue's waits (for the total scope).
    fn add(&mut self, other: &QueueWaits) {
        self.zeros += other.zeros;
        if let Some(theirs) = &other.many
            && let Some(mine) = self.spill()
        {
            // Widens as needed (it resizes automatically), so adding cannot fail.
            let _ = mine.add(theirs);
        }
        for &ms in &other.few {
            self.record(ms);
        }
    }

    /// Back to no waits, keeping the buffers.
    fn clear(&mut self) {
        self.zeros = 0;
        self.few.clear();
        if let Some(many) = &mut self.many
            && !many.is_empty()
        {
            many.reset();
        }
        self.read.take();
    }

    /// The waits as a histogram of [`wait_histogram`]'s layout, bounds wide
    /// enough for the longest (built on the first call after recording).
    pub fn histogram(&self) -> &Histogram<u64> {
        self.read.get_or_init(|| {
            let mut h = match &self.many {
                Some(many) => many.clone(),
                None => wait_histogram(self.few.iter().copied().max().unwrap_or(0)),
            };
            for &ms in &self.few {
                h.saturating_record(ms);
            }
            if self.zeros > 0 {
                h.saturating_record_n(0, self.zeros);
            }
            h
        })
    }
}

/// Records `ms` in a histogram that widens itself (see [`QueueWaits::spill`]).
#[inline]
fn record_wait(h: &mut Histogram<u64>, ms: u64) {
    // Widening fails only past the memory a `usize` can count; keep the
    // wait at the histogram's top then, as a bounded histogram would.
    if h.record(ms).is_err() {
        h.saturating_record(ms);
    }
}

impl Deref for QueueWaits {
    type Target = Histogram<u64>;

    /// [`QueueWaits::histogram`].
    fn deref(&self) -> &Histogram<u64> {
        self.histogram()
    }
}

impl Borrow<Histogram<u64>> for &QueueWaits {
    /// [`QueueWaits::histogram`], so the waits can be added to a histogram.
    fn borrow(&self) -> &Histogram<u64> {
        self.histogram()
    }
}

/// Significant digits of every wait histogram a percentile is read from
/// (relative error at most 0.1%, docs/model.md M9).
pub const WAIT_DIGITS: u8 = 3;

/// An empty wait histogram for waits from 1 ms to `max_ms`, [`WAIT_DIGITS`] significant digits.
pub fn wait_histogram(max_ms: u64) -> Histogram<u64> {
    wait_histogram_with(max_ms, WAIT_DIGITS)
}

/// An empty wait histogram for waits from 1 ms to `max_ms` at `digits`
/// significant digits (1 to 3: the fold's section histograms take 2).
pub(crate) fn wait_histogram_with(max_ms: u64, digits: u8) -> Histogram<u64> {
    debug_assert!((1..=WAIT_DIGITS).contains(&digits));
    Histogram::new_with_bounds(1, max_ms.max(2), digits)
        .expect("bounds 1..max_ms with 1 to 3 digits are valid")
}

/// Agent time and work for one team over the counted window.
#[derive(Debug, Clone, Default)]
pub struct TeamTally {
    /// Agent-seconds per status.
    pub status_secs: TiVec<StatusId, f64>,
    /// Agent-seconds holding at least one conversation while in an available- or busy-type status.
    pub holding_secs: f64,
    /// Capacity units in use × seconds, while in an available- or busy-type status.
    pub units_secs: f64,
    /// Capacity units × seconds in available- or busy-type statuses.
    pub capacity_secs: f64,
    /// Agent-seconds logged in: any status but Offline, plus the Offline
    /// ready delay after login (docs/model.md §R3, §C6: agents log in Offline).
    pub logged_in_secs: f64,
    /// Conversations answered (first assignment) by the team.
    pub answered: u64,
    /// Conversations completed by the team.
    pub completed: u64,
    /// Sum of handle plus wrap-up of those, seconds.
    pub work_sum: f64,
}

impl TeamTally {
    /// Back to nothing counted, keeping the status buffer.
    fn clear(&mut self) {
        let mut status_secs = std::mem::take(&mut self.status_secs);
        status_secs.fill(0.0);
        *self = TeamTally { status_secs, ..TeamTally::default() };
    }
}

/// One queue during one interval (all arrivals in that interval, warm-up
/// included, each followed to its end).
#[derive(Debug, Clone, Copy, Default)]
pub struct IntervalTally {
    /// How the interval's arrivals ended.
    pub counts: Counts,
    /// Waiting conversations × seconds during the interval.
    pub queue_area: f64,
    /// Most conversations waiting at once during the interval.
    pub queue_max: u64,
}

/// One team during one interval: the time integrals behind its headcounts
/// and occupancy.
#[derive(Debug, Clone, Copy, Default)]
pub struct TeamInterval {
    /// Agent-seconds logged in (as [`TeamTally::logged_in_secs`]).
    pub logged_in_secs: f64,
    /// Agent-seconds holding work in available- and busy-type statuses.
    pub holding_secs: f64,
    /// Agent-seconds Available with spare capacity (in the routing pool).
    pub spare_secs: f64,
}

/// Everything one replication measured.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Per queue, scenario order.
    pub queues: TiVec<QueueId, QueueTally>,
    /// All queues together when there are several (see [`Tally::total`]),
    /// summed by [`Tally::close`] when the replication ends.
    total: Option<QueueTally>,
    /// Per team, scenario order.
    pub teams: TiVec<TeamId, TeamTally>,
    /// Per interval then queue: `intervals[i * queues + q]`.
    pub intervals: Vec<IntervalTally>,
    /// Agent-seconds per interval, team and status: `[(i * teams + t) * statuses + s]`.
    pub interval_status_secs: Vec<f64>,
    /// Per interval then team: `[i * teams + t]`.
    pub team_intervals: Vec<TeamInterval>,
    n_queues: usize,
    n_teams: usize,
    n_statuses: usize,
}

impl Tally {
    /// Empty tallies sized for `sc`.
    pub fn new(sc: &Scenario) -> Tally {
        let queue = QueueTally::empty;
        let team = TeamTally { status_secs: vec![0.0; sc.statuses.len()].into(), ..TeamTally::default() };
        let n = sc.interval_count();
        Tally {
            queues: sc.queues.iter().map(|_| queue()).collect(),
            // With one queue the total is that queue: no second histogram.
            total: (sc.queues.len() > 1).then(queue),
            teams: vec![team; sc.teams.len()].into(),
            intervals: vec![IntervalTally::default(); n * sc.queues.len()],
            interval_status_secs: vec![0.0; n * sc.teams.len() * sc.statuses.len()],
            team_intervals: vec![TeamInterval::default(); n * sc.teams.len()],
            n_queues: sc.queues.len(),
            n_teams: sc.teams.len(),
            n_statuses: sc.statuses.len(),
        }
    }

    /// Empties the tally for another replication of the same scenario,
    /// keeping its buffers: the same as [`Tally::new`], without allocating.
    pub fn clear(&mut self) {
        self.clear_but_intervals();
        self.intervals.fill(IntervalTally::default());
    }

    /// [`Tally::clear`] but for the per-interval queue rows, which the engine
    /// zeroes interval by interval as each opens ([`Tally::clear_interval`]):
    /// a replication on a reused tally writes each row while it is in use
    /// instead of sweeping them all first (with many queues and intervals,
    /// megabytes that would leave the cache before their interval came).
    pub(crate) fn clear_but_intervals(&mut self) {
        // Exhaustive, so a new field cannot be forgotten here.
        let Tally {
            queues,
            total,
            teams,
            intervals: _,
            interval_status_secs,
            team_intervals,
            n_queues: _,
            n_teams: _,
            n_statuses: _,
        } = self;
        for q in queues.iter_mut().chain(total) {
            q.clear();
        }
        for t in teams {
            t.clear();
        }
        interval_status_secs.fill(0.0);
        team_intervals.fill(TeamInterval::default());
    }

    /// Zeroes the queue rows of interval `i` (nothing past the last interval).
    #[inline]
    pub(crate) fn clear_interval(&mut self, i: usize) {
        let n = self.n_queues;
        if let Some(rows) = self.intervals.get_mut(i * n..(i + 1) * n) {
            rows.fill(IntervalTally::default());
        }
    }

    /// Sums the queues into [`Tally::total`]. The engine calls it when a
    /// replication ends; call it again after changing `queues` by hand.
    pub fn close(&mut self) {
        if let Some(total) = &mut self.total {
            total.clear();
            for q in &self.queues {
                total.add(q);
            }
        }
    }

    /// All queues together (the total scope): the queue itself when there
    /// is one, else their sum as of the last [`Tally::close`].
    pub fn total(&self) -> &QueueTally {
        match &self.total {
            Some(total) => total,
            None => &self.queues.raw[0],
        }
    }

    /// The tally of queue `q` in interval `i`.
    pub fn interval(&self, i: usize, q: QueueId) -> &IntervalTally {
        &self.intervals[i * self.n_queues + q.index()]
    }

    /// The tally of queue `q` in interval `i`, to record into.
    #[inline]
    pub fn interval_mut(&mut self, i: usize, q: QueueId) -> &mut IntervalTally {
        &mut self.intervals[i * self.n_queues + q.index()]
    }

    /// The time integrals of team `t` in interval `i`.
    pub fn team_interval(&self, i: usize, t: TeamId) -> &TeamInterval {
        &self.team_intervals[i * self.n_teams + t.index()]
    }

    /// The time integrals of team `t` in interval `i`, to record into.
    #[inline]
    pub fn team_interval_mut(&mut self, i: usize, t: TeamId) -> &mut TeamInterval {
        &mut self.team_intervals[i * self.n_teams + t.index()]
    }

    /// Agent-seconds of team `t` in status `s` during interval `i`.
    pub fn status_secs(&self, i: usize, t: TeamId, s: StatusId) -> f64 {
        self.interval_status_secs[(i * self.n_teams + t.index()) * self.n_statuses + s.index()]
    }

    /// Adds `secs` of team `t` in status `s` to interval `i` (and to its logged-in time).
    #[inline]
    pub(crate) fn add_status_secs(&mut self, i: usize, t: TeamId, s: StatusId, secs: f64, logged_in: bool) {
        let it = i * self.n_teams + t.index();
        self.interval_status_secs[it * self.n_statuses + s.index()] += secs;
        if logged_in {
            self.team_intervals[it].logged_in_secs += secs;
        }
    }

    /// Occupancy's parts for queue `q` in interval `i` (docs/model.md §M18):
    /// agent-seconds holding work, and agent-seconds in available- and
    /// busy-type statuses, of the teams serving the queue.
    pub fn occupancy_parts(&self, sc: &Scenario, i: usize, q: QueueId) -> (f64, f64) {
        let (mut holding, mut productive) = (0.0, 0.0);
        for team in sc.teams_serving(q) {
            holding += self.team_interval(i, team).holding_secs;
            for (s, status) in sc.statuses.iter_enumerated() {
                if matches!(status.kind, StatusKind::Available | StatusKind::Busy) {
                    productive += self.status_secs(i, team, s);
                }
            }
        }
        (holding, productive)
    }

    /// The summary metric values of this replication, one per row of [`layout`].
    pub fn summary_values(&self, sc: &Scenario) -> Vec<f64> {
        layout(sc).into_iter().map(|(scope, m)| m.value(scope, self, sc)).collect()
    }
}

/// The two-sided 95% Student-t critical value with `df` degrees of freedom
/// (NaN for 0: no interval from one value). The one definition every
/// interval of the crate uses.
pub fn t975(df: u32) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, f64::from(df)).map_or(f64::NAN, |d| d.inverse_cdf(0.975))
}

/// The longest wait a run can record, milliseconds: the horizon plus the drain.
pub fn max_wait_ms(sc: &Scenario) -> u64 {
    (((sc.horizon + sc.drain) * 1000.0).ceil() as u64).max(2)
}

/// Agent time of a set of teams, the parts of the agent metrics.
#[derive(Debug, Clone, Copy, Default)]
struct AgentTime {
    holding: f64,
    productive: f64,
    units: f64,
    capacity: f64,
    unavailable: f64,
    logged_in: f64,
}

impl AgentTime {
    fn of(tally: &Tally, sc: &Scenario, teams: impl Iterator<Item = TeamId>) -> AgentTime {
        let mut a = AgentTime::default();
        for t in teams {
            let tt = &tally.teams[t];
            a.holding += tt.holding_secs;
            a.units += tt.units_secs;
            a.capacity += tt.capacity_secs;
            a.logged_in += tt.logged_in_secs;
            for (s, secs) in sc.statuses.iter().zip(&tt.status_secs) {
                match s.kind {
                    StatusKind::Available | StatusKind::Busy => a.productive += secs,
                    StatusKind::Unavailable => a.unavailable += secs,
                    StatusKind::Offline => {}
                }
            }
        }
        a
    }

    fn occupancy(&self) -> f64 {
        ratio(self.holding, self.productive)
    }

    fn capacity_utilisation(&self) -> f64 {
        ratio(self.units, self.capacity)
    }

    fn shrinkage(&self) -> f64 {
        ratio(self.unavailable, self.logged_in)
    }
}

/// `num / den`, or NaN (reported as "no value") when nothing was counted.
pub fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the engine recorded before `wait_ms`: libm's `round`.
    fn ms_by_round(secs: f64) -> u64 {
        if secs > 0.0 { (secs * 1000.0).round() as u64 } else { 0 }
    }

    /// `wait_ms` is `round` on the halves (up to just below 2^52 ms, the
    /// last that has them), at 2^53 ms where every value is whole, past
    /// `u64::MAX`, and on what is no wait.
    #[test]
    fn wait_ms_rounds_as_round_does() {
        let edges = [
            0.0005,
            0.0005_f64.next_down(),
            0.0005_f64.next_up(),
            0.0015,
            0.0025,
            1.2345,
            20.0005,
            1e-300,
            2f64.powi(53) / 1000.0,
            (2f64.powi(53) + 2.0) / 1000.0,
            // u64::MAX ms, where `as` saturates.
            2f64.powi(64) / 1000.0,
            1e300,
            f64::INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.0,
            -0.0,
            -1.0,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for secs in edges {
            assert_eq!(wait_ms(secs), ms_by_round(secs), "wait {secs:e} s");
        }
        // Every half a millisecond, where rounding is decided.
        for k in 0..200_000u32 {
            let secs = (f64::from(k) + 0.5) / 1000.0;
            assert_eq!(wait_ms(secs), ms_by_round(secs), "wait {secs:e} s");
        }
        // Exact halves of a millisecond just below 2^51 and 2^52 ms, the
        // largest magnitudes that still have them (checked to land there).
        for (secs, ms) in
            [(2251799813685.2485, 2f64.powi(51) + 0.5), (4503599627370.489, 2f64.powi(52) - 6.5)]
        {
            assert_eq!(secs * 1000.0, ms, "{secs} s is not {ms} ms");
            assert_eq!(wait_ms(secs), ms_by_round(secs), "wait {secs:e} s");
            assert_eq!(wait_ms(secs), ms.ceil() as u64, "wait {secs:e} s rounds up");
        }
    }

    proptest::proptest! {
        /// Any f64 at all, as bits: the same milliseconds as `round`.
        #[test]
        fn wait_ms_matches_round_on_any_value(
            bits in proptest::prelude::any::<u64>(),
            secs in 0.0..1e7f64,
            half in 0..(1u64 << 52),
        ) {
            // An exact half a millisecond anywhere below 2^51 ms, and the floats beside it.
            let on_half = (half as f64 / 2.0) / 1000.0;
            for x in [f64::from_bits(bits), secs, on_half, on_half.next_up(), on_half.next_down()] {
                proptest::prop_assert_eq!(wait_ms(x), ms_by_round(x), "wait {:e} s", x);
            }
        }
    }

    /// `clear_interval` zeroes exactly one interval's queue rows (nothing
    /// past the last interval); `clear_but_intervals` clears everything else.
    #[test]
    fn intervals_are_cleared_one_at_a_time() {
        let text = "horizon = \"2h\"\ninterval = \"30m\"\n[[queue]]\nname = \"a\"\narrivals = { per_hour = 10 }\n\
                    handle_time = { dist = \"constant\", value = \"1m\" }\n[[queue]]\nname = \"b\"\n\
                    arrivals = { per_hour = 10 }\nhandle_time = { dist = \"constant\", value = \"1m\" }\n\
                    [[team]]\nname = \"t\"\nqueues = [\"a\", \"b\"]\n[[agents]]\nname = \"g\"\nteam = \"t\"\ncount = 1\n";
        let sc = crate::scenario::parse(text, "c.toml", "c", &[]).expect("valid");
        let mut t = Tally::new(&sc);
        assert_eq!(t.intervals.len(), 4 * 2);
        for row in &mut t.intervals {
            row.counts.offered = 7;
        }
        t.queues[QueueId(0)].counts.offered = 9;
        t.clear_interval(1);
        t.clear_interval(4);
        let offered: Vec<u64> = t.intervals.iter().map(|r| r.counts.offered).collect();
        assert_eq!(offered, vec![7, 7, 0, 0, 7, 7, 7, 7]);
        t.clear_but_intervals();
        assert_eq!(t.queues[QueueId(0)].counts.offered, 0);
        assert_eq!(t.intervals[0].counts.offered, 7);
    }

    #[test]
    fn service_level_formulas_count_unresolved_as_misses() {
        // 80 answered (60 within T), 20 abandoned (5 within T, 4 short), 10 unresolved.
        let c = Counts {
            offered: 110,
            answered: 80,
            answered_within: 60,
            abandoned: 20,
            abandoned_within: 5,
            abandoned_short: 4,
            unresolved: 10,
            wait_sum: 800.0,
        };
        assert_eq!(c.service_level(SlFormula::Offered), 60.0 / 110.0);
        assert_eq!(c.service_level(SlFormula::Answered), 60.0 / 90.0);
        assert_eq!(c.service_level(SlFormula::ExcludeShort), 60.0 / 106.0);
        assert_eq!(c.service_level(SlFormula::AbandonsMet), 65.0 / 110.0);
        assert_eq!(c.abandon_rate(), 16.0 / 96.0);
        assert_eq!(c.asa(), 10.0);
        let none = Counts::default();
        assert!(none.service_level(SlFormula::Offered).is_nan());
        assert!(none.asa().is_nan());
    }

    #[test]
    fn metric_names_are_unique_and_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
    }

    #[test]
    fn units_follow_the_metric() {
        assert_eq!(Metric::Offered.unit().name(), "count");
        assert_eq!(Metric::ServiceLevel.unit().name(), "fraction");
        assert_eq!(Metric::WaitP99.unit().name(), "seconds");
        assert_eq!(Metric::LoggedIn.unit().name(), "agent_seconds");
        assert_eq!(Unit::Fraction.range(), (0.0, 1.0));
    }

    /// What a histogram holds: every bucket's count, the total and the extremes.
    fn held(h: &Histogram<u64>) -> (Vec<(u64, u64)>, u64, u64, u64) {
        let buckets = h.iter_recorded().map(|v| (v.value_iterated_to(), v.count_at_value())).collect();
        (buckets, h.len(), h.min_nz(), h.max())
    }

    /// `n` waits, about a third of them 0, the others spread over 1 ms to about 3 hours.
    fn some_waits(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                // SplitMix64 steps: any spread will do.
                x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let z = (x ^ (x >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                if z.is_multiple_of(3) { 0 } else { (z >> 20) % (1 << (z % 24)) }
            })
            .collect()
    }

    /// Every wait recorded in one histogram of the layout, sized for them all.
    fn reference(waits: &[u64]) -> Histogram<u64> {
        let mut h = wait_histogram(waits.iter().copied().max().unwrap_or(0));
        for &ms in waits {
            h.record(ms).unwrap();
        }
        h
    }

    #[test]
    fn waits_read_as_one_histogram_of_every_wait_few_or_many() {
        // Below, at and past the count kept as values, into a reused tally's waits.
        let mut waits = QueueWaits::default();
        for (k, n) in [0, 1, 10, FEW_WAITS, FEW_WAITS + 1, 3 * FEW_WAITS, 5].into_iter().enumerate() {
            let values = some_waits(n, k as u64);
            waits.clear();
            for &ms in &values {
                waits.record(ms);
            }
            assert_eq!(held(waits.histogram()), held(&reference(&values)), "{n} waits");
            let mut fresh = QueueWaits::default();
            for &ms in &values {
                fresh.record(ms);
            }
            assert_eq!(held(&fresh), held(&waits), "{n} waits, fresh against reused");
        }
    }

    #[test]
    fn the_total_of_waits_holds_every_queues_waits() {
        let parts = [some_waits(3, 1), some_waits(3 * FEW_WAITS, 2), some_waits(FEW_WAITS - 1, 3)];
        let mut total = QueueWaits::default();
        let mut all = Vec::new();
        for values in &parts {
            let mut queue = QueueWaits::default();
            for &ms in values {
                queue.record(ms);
            }
            total.add(&queue);
            all.extend_from_slice(values);
            assert_eq!(held(total.histogram()), held(&reference(&all)));
            total.read.take();
        }
        // Added to a histogram of the layout like any histogram.
        let mut pooled = wait_histogram(1 << 24);
        pooled.add(&total).unwrap();
        assert_eq!(held(&pooled), held(&reference(&all)));
    }
}
