//! The random draws of each queue (docs/model.md §C18 for the day volumes):
//! the arrival process, and each conversation's handle time, wrap-up,
//! patience and accept delay, every one from its own stream, so that
//! changing staffing never shifts arrivals.

use rand_distr::{Distribution, Exp1};
use typed_index_collections::TiVec;

use super::hot::{DrawFor, HotQueue};
use crate::dist::draw_as;
use crate::model::{Offers, QueueId, Scenario};
use crate::streams::{self, Purpose, Rng};
use crate::time::DAY;

/// Per queue: its streams and its day-level volume multipliers.
pub(super) struct QueueStreams {
    arrival: TiVec<QueueId, Rng>,
    /// Handle-time, wrap-up and patience streams, each its own.
    handle: TiVec<QueueId, Rng>,
    wrap: TiVec<QueueId, Rng>,
    patience: TiVec<QueueId, Rng>,
    /// Accept delays of offers (accept mode only, else empty).
    accept: TiVec<QueueId, Rng>,
    /// Day-level volume multipliers, `day_volume[q][day]` (empty: 1 every day).
    day_volume: TiVec<QueueId, Vec<f64>>,
    /// Per queue: its arrival rate when it is one constant (one step that
    /// repeats, no day-level volume), else NaN; read at every arrival, so
    /// kept dense rather than behind the queue's pattern.
    constant_rate: TiVec<QueueId, f64>,
}

/// What a conversation is drawn at arrival, seconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct ConvDraws {
    /// Handle time.
    pub handle: f64,
    /// Wrap-up (0 without wrap-up).
    pub wrap: f64,
    /// Patience (infinite without patience).
    pub patience: f64,
}

impl QueueStreams {
    /// The streams of replication `replication` of `sc`.
    pub(super) fn new(sc: &Scenario, replication: u32) -> QueueStreams {
        let day_volume = day_volume(sc, replication);
        let constant_rate = (sc.queues.iter().zip(&day_volume))
            .map(|(queue, volume)| match queue.arrivals.rates() {
                &[rate] if queue.arrivals.repeats() && volume.is_empty() => rate,
                _ => f64::NAN,
            })
            .collect();
        QueueStreams {
            arrival: queue_streams(sc, replication, Purpose::Arrivals),
            handle: queue_streams(sc, replication, Purpose::Handle),
            wrap: queue_streams(sc, replication, Purpose::WrapUp),
            patience: queue_streams(sc, replication, Purpose::Patience),
            accept: if sc.offers() {
                queue_streams(sc, replication, Purpose::AcceptDelay)
            } else {
                TiVec::new()
            },
            day_volume,
            constant_rate,
        }
    }

    /// The next arrival time on queue `q` after `from`: a Poisson process with
    /// a rate that is constant within each step of the queue's arrival
    /// pattern (inversion of the integrated rate, so zero-rate steps are
    /// skipped exactly). A pattern that does not repeat has no arrivals
    /// after it; nothing arrives at or after the horizon.
    #[inline(always)]
    pub(super) fn next_arrival(&mut self, sc: &Scenario, q: QueueId, from: f64) -> Option<f64> {
        let need: f64 = Exp1.sample(&mut self.arrival[q]);
        // A constant rate (the common case) needs no walk over steps.
        let rate = self.constant_rate[q];
        if !rate.is_nan() {
            return Some(from + need / rate).filter(|&t| rate > 0.0 && t < sc.horizon);
        }
        self.next_arrival_stepped(sc, q, from, need)
    }

    /// [`QueueStreams::next_arrival`] for a rate that changes by step (or
    /// by day): `need` is the exponential draw still to be covered.
    fn next_arrival_stepped(&self, sc: &Scenario, q: QueueId, from: f64, mut need: f64) -> Option<f64> {
        let arrivals = &sc.queues[q].arrivals;
        let volume = &self.day_volume[q];
        let (rates, step, repeat) = (arrivals.rates(), arrivals.step(), arrivals.repeats());
        let per_pattern = rates.len();
        let mut t = from;
        // The step number is carried as an integer, so each pass moves on
        // to the next step whatever the rounding of t / step. Steps divide
        // a day, so a step never straddles two days' volume multipliers.
        let mut k = (t / step).floor() as usize;
        while t < sc.horizon {
            if !repeat && k >= per_pattern {
                return None;
            }
            let end = (k + 1) as f64 * step;
            let mut rate = rates[k % per_pattern];
            if !volume.is_empty() {
                let day = ((k as f64 * step) / DAY) as usize;
                rate *= volume[day.min(volume.len() - 1)];
            }
            let mass = rate * (end - t).max(0.0);
            if rate > 0.0 && need <= mass {
                // Nothing arrives at or after the horizon (the drain only ends work).
                return Some(t + need / rate).filter(|&at| at < sc.horizon);
            }
            need -= mass;
            t = t.max(end);
            k += 1;
        }
        None
    }

    /// Draws a conversation of queue `q` (whose hot line is `hot`) arriving
    /// at `now`: the common shapes from the hot line, the others through
    /// the scenario's queue.
    #[inline(always)]
    pub(super) fn conversation(&mut self, sc: &Scenario, hot: &HotQueue, q: QueueId, now: f64) -> ConvDraws {
        let queue = || &sc.queues[q];
        let mut handle =
            draw_as(hot.draw(DrawFor::Handle), &mut self.handle[q], |r| queue().handle_time.draw(r));
        if hot.scaled_handle {
            // A forecast's `aht` scales the draw, keeping the distribution's shape.
            handle *= queue().arrivals.handle_scale_at(now);
        }
        let wrap = draw_as(hot.draw(DrawFor::Wrap), &mut self.wrap[q], |r| {
            queue().wrap_up.as_ref().map_or(0.0, |d| d.draw(r))
        });
        let patience = draw_as(hot.draw(DrawFor::Patience), &mut self.patience[q], |r| {
            queue().patience.as_ref().map_or(f64::INFINITY, |d| d.draw(r))
        });
        ConvDraws { handle, wrap, patience }
    }

    /// Draws how long the agent takes to accept an offer of queue `q` (§R13).
    pub(super) fn accept_delay(&mut self, offers: &Offers, q: QueueId) -> f64 {
        offers.accept_delay.sample(&mut self.accept[q])
    }
}

/// One stream per queue for `purpose`, keyed by the queue's name.
fn queue_streams(sc: &Scenario, replication: u32, purpose: Purpose) -> TiVec<QueueId, Rng> {
    sc.queues
        .iter()
        .map(|q| streams::stream(sc.seed, replication, purpose, streams::key(&q.name, 0)))
        .collect()
}

/// Each queue's day-level volume multiplier for every day of the horizon
/// (docs/model.md §C18): one uniform draw per day, shared by every queue,
/// mapped through each queue's gamma distribution of mean 1 and its
/// `rate_cv`. A busy day is busy on every queue; queues without `rate_cv`
/// get an empty list (1 every day).
fn day_volume(sc: &Scenario, replication: u32) -> TiVec<QueueId, Vec<f64>> {
    let days = (sc.horizon / DAY).ceil().max(1.0) as usize;
    let mut uniforms: Vec<f64> = Vec::new();
    if sc.queues.iter().any(|q| q.arrivals.rate_cv() > 0.0) {
        let mut rng = streams::stream(sc.seed, replication, Purpose::DayVolume, 0);
        uniforms = (0..days).map(|_| rand::distr::Open01.sample(&mut rng)).collect();
    }
    sc.queues
        .iter()
        .map(|q| {
            let cv = q.arrivals.rate_cv();
            if cv <= 0.0 {
                return Vec::new();
            }
            // Mean 1, variance cv^2: shape 1/cv^2, rate 1/cv^2.
            let shape = 1.0 / (cv * cv);
            match statrs::distribution::Gamma::new(shape, shape) {
                Ok(gamma) => uniforms
                    .iter()
                    .map(|&u| statrs::distribution::ContinuousCDF::inverse_cdf(&gamma, u))
                    .collect(),
                // The loader keeps cv in (0, 2], where the distribution exists.
                Err(_) => Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::hot::hot_queues;
    use super::*;

    /// Draws through the hot line are the scenario's own draws, bit for bit,
    /// on every bundled scenario (exponential, constant, lognormal and gamma
    /// shapes; absent wrap-up and patience; forecast-day's handle-time
    /// scale; business hours in week).
    #[test]
    fn hot_line_draws_are_the_scenarios_draws() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut shapes = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let sc = crate::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let hot = hot_queues(&sc);
            let (mut fast, mut slow) = (QueueStreams::new(&sc, 7), QueueStreams::new(&sc, 7));
            for (q, queue) in sc.queues.iter_enumerated() {
                shapes.insert(format!("{:?}", hot[q].draw(DrawFor::Handle).0));
                shapes.insert(format!("{:?}", hot[q].draw(DrawFor::Patience).0));
                for k in 0..300 {
                    let now = f64::from(k) * 97.0;
                    let got = fast.conversation(&sc, &hot[q], q, now);
                    let handle =
                        queue.handle_time.draw(&mut slow.handle[q]) * queue.arrivals.handle_scale_at(now);
                    let wrap = queue.wrap_up.as_ref().map_or(0.0, |d| d.draw(&mut slow.wrap[q]));
                    let patience =
                        queue.patience.as_ref().map_or(f64::INFINITY, |d| d.draw(&mut slow.patience[q]));
                    let what = format!("{} queue {q} at {now}", path.display());
                    assert_eq!(got.handle.to_bits(), handle.to_bits(), "handle, {what}");
                    assert_eq!(got.wrap.to_bits(), wrap.to_bits(), "wrap-up, {what}");
                    assert_eq!(got.patience.to_bits(), patience.to_bits(), "patience, {what}");
                }
            }
        }
        // Every way of drawing was met.
        assert_eq!(shapes.len(), 3, "{shapes:?}");
    }
}
