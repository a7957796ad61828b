//! The yardstick of the engine benchmarks: an M/M/c+M FCFS queue simulated
//! as fast as an honest simulation can be (the wait recursion over a
//! min-heap of agent free times: no event list, no statuses, no routing),
//! with the parameters read from a one-queue, one-group scenario.
//! Shared by `benches/engine.rs` (wall clock) and `benches/regression.rs`
//! (instructions under callgrind).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use routesim::Scenario;
use routesim::model::{GroupId, QueueId, TeamId};

/// The M/M/c+M parameters of a one-queue, one-group scenario.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    /// Arrivals per second.
    pub(crate) lambda: f64,
    /// Mean handle time, seconds.
    pub(crate) handle: f64,
    /// Mean patience, seconds.
    pub(crate) patience: f64,
    /// Agents (capacity 1 each).
    pub(crate) agents: usize,
    /// Service-level threshold, seconds.
    pub(crate) threshold: f64,
    /// Simulated seconds.
    pub(crate) horizon: f64,
    /// The scenario's seed.
    pub(crate) seed: u64,
}

impl Params {
    /// The parameters of `sc`, which must be a plain M/M/c+M scenario.
    pub(crate) fn of(sc: &Scenario) -> Params {
        assert!(
            sc.queues.len() == 1
                && sc.groups.len() == 1
                && sc.teams.len() == 1
                && sc.teams[TeamId(0)].capacity == 1
                && sc.queues[QueueId(0)].arrivals.rates().len() == 1
                && sc.queues[QueueId(0)].wrap_up.is_none(),
            "the yardstick needs a plain M/M/c+M scenario"
        );
        let q = &sc.queues[QueueId(0)];
        Params {
            lambda: q.arrivals.rates()[0],
            handle: q.handle_time.mean(),
            patience: q.patience.as_ref().expect("erlang-a has patience").mean(),
            agents: sc.groups[GroupId(0)].size(),
            threshold: q.sl_threshold,
            horizon: sc.horizon,
            seed: sc.seed,
        }
    }
}

/// What one run measured.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Outcome {
    /// Conversations that arrived.
    pub(crate) offered: u64,
    /// Answered.
    pub(crate) answered: u64,
    /// Abandoned.
    pub(crate) abandoned: u64,
    /// Answered with wait ≤ the threshold.
    pub(crate) within: u64,
    /// Sum of waits of answered, seconds.
    pub(crate) wait_sum: f64,
}

impl Outcome {
    /// Service level, "offered" formula: answered within / (answered + abandoned).
    #[allow(dead_code)]
    pub(crate) fn service_level(&self) -> f64 {
        self.within as f64 / (self.answered + self.abandoned) as f64
    }

    /// Abandoned / (answered + abandoned).
    #[allow(dead_code)]
    pub(crate) fn abandon_rate(&self) -> f64 {
        self.abandoned as f64 / (self.answered + self.abandoned) as f64
    }

    /// Mean wait of the answered, seconds.
    #[allow(dead_code)]
    pub(crate) fn asa(&self) -> f64 {
        self.wait_sum / self.answered as f64
    }
}

/// M/M/c+M FCFS by the wait recursion: the heap holds each agent's next free
/// time (non-negative `f64` bits order like the numbers). An arrival at `t`
/// looks at the earliest free time `f`; its wait is `max(0, f - t)`; if that
/// exceeds its patience it abandons and no agent is used, otherwise that
/// agent is busy until `max(t, f) + service`. Exact for FCFS with
/// abandonment, because an abandoning customer never delays anyone.
///
/// Never inlined, so callgrind can count its instructions alone.
#[inline(never)]
pub(crate) fn yardstick(p: &Params) -> Outcome {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
    let gap = Exp::new(p.lambda).expect("positive rate");
    let service = Exp::new(1.0 / p.handle).expect("positive mean");
    let patience = Exp::new(1.0 / p.patience).expect("positive mean");
    let mut free: BinaryHeap<Reverse<u64>> = (0..p.agents).map(|_| Reverse(0)).collect();
    let mut out = Outcome::default();
    let mut t = 0.0;
    loop {
        t += gap.sample(&mut rng);
        if t >= p.horizon {
            break;
        }
        out.offered += 1;
        let s = service.sample(&mut rng);
        let limit = patience.sample(&mut rng);
        let mut top = free.peek_mut().expect("at least one agent");
        let f = f64::from_bits(top.0);
        let start = f.max(t);
        let wait = start - t;
        if wait > limit {
            // Reading through PeekMut without writing leaves the heap as it was.
            out.abandoned += 1;
        } else {
            out.answered += 1;
            out.within += u64::from(wait <= p.threshold);
            out.wait_sum += wait;
            *top = Reverse((start + s).to_bits());
        }
    }
    out
}
