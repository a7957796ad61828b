//! Exact steady-state queueing formulas: Erlang B, Erlang C (M/M/c) and Erlang A (M/M/c+M).
//!
//! This module owns the analytic reference values that routesim's discrete-event runs are
//! compared against. Inputs are arrival rates per second and times in seconds; outputs are
//! fractions in 0-1, seconds, or mean counts. Nothing here samples: Erlang C uses closed forms;
//! Erlang A solves the birth-death chain in log space and the tagged customer's waiting-time
//! chain by uniformization, exact up to truncation errors far below 1e-12.

use thiserror::Error;

/// Stationary probabilities below this fraction of the mode's are dropped (Erlang A).
const TRUNCATION_REL: f64 = 1e-17;
/// Log-probability (relative to the mode) below which `exp` underflows to zero.
const LN_UNDERFLOW: f64 = -746.0;
/// Hard cap on the number of birth-death states walked on each side of the mode (Erlang A).
const MAX_STATES: u64 = 10_000_000;
/// Poisson probability that uniformization may neglect on each side of its window.
const POISSON_TAIL: f64 = 1e-16;
/// Waiting mass (relative to the initial waiting mass) treated as fully absorbed.
const ABSORBED_REL: f64 = 1e-16;

/// Exact steady-state measures of one queue, as fractions 0-1 and seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueMeasures {
    /// Fraction of arrivals that find all agents busy (PASTA), 0-1.
    pub prob_wait: f64,
    /// Fraction of arrivals eventually answered, 0-1.
    pub answered: f64,
    /// Fraction of arrivals that abandon, 0-1 (always 0 for Erlang C).
    pub abandoned: f64,
    /// Fraction of arrivals answered with a wait of at most the threshold, 0-1.
    pub answered_within: f64,
    /// Fraction of arrivals that abandon with a wait of at most the threshold, 0-1.
    pub abandoned_within: f64,
    /// Service level, `answered_within / (answered + abandoned)` ("offered" formula), 0-1.
    pub service_level: f64,
    /// Service level among answered arrivals, `answered_within / answered`, 0-1.
    pub service_level_answered: f64,
    /// Average speed of answer: mean wait of answered arrivals (zero waits included), seconds.
    pub asa: f64,
    /// Abandonment rate, `abandoned / (answered + abandoned)`, 0-1.
    pub abandon_rate: f64,
    /// Agent occupancy: mean number of busy agents divided by the number of agents, 0-1.
    pub occupancy: f64,
    /// Mean number of customers waiting (not in service), customers.
    pub mean_queue_length: f64,
}

/// Why an Erlang computation was refused; every message names the input to fix.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ErlangError {
    /// An input was NaN or infinite.
    #[error("`{name}` must be a finite number, got {value}")]
    NotFinite {
        /// Name of the offending input.
        name: &'static str,
        /// The value that was passed.
        value: f64,
    },
    /// An input that must be zero or more was negative.
    #[error("`{name}` must be zero or more, got {value}")]
    Negative {
        /// Name of the offending input.
        name: &'static str,
        /// The value that was passed.
        value: f64,
    },
    /// An input that must be strictly positive was zero or negative.
    #[error("`{name}` must be greater than zero, got {value}")]
    NotPositive {
        /// Name of the offending input.
        name: &'static str,
        /// The value that was passed.
        value: f64,
    },
    /// The number of agents was zero.
    #[error("`agents` must be at least 1, got 0")]
    NoAgents,
    /// Erlang C only: offered load `lambda * mean_service` is at or above the number of agents.
    #[error(
        "Erlang C is unstable: offered load {offered_load} Erlangs (lambda * mean_service) \
         must be below the {agents} agents; add agents, lower the load, or use erlang_a"
    )]
    Unstable {
        /// Offered load `lambda * mean_service`, in Erlangs.
        offered_load: f64,
        /// Number of agents that was passed.
        agents: u32,
    },
    /// A derived quantity (rate, load or result) overflowed or underflowed to a useless value.
    #[error("`{name}` = {value} is outside the representable range; rescale the inputs")]
    OutOfRange {
        /// Name of the derived quantity.
        name: &'static str,
        /// The value it took.
        value: f64,
    },
    /// Erlang A only: the queue-length distribution is too wide to tabulate exactly.
    #[error(
        "Erlang A needs more than {limit} queue states (patience too long for this load); \
         shorten mean_patience, add agents, or lower the load"
    )]
    StateSpaceTooLarge {
        /// The state limit that was hit.
        limit: u64,
    },
}

/// Erlang B blocking probability for `offered_load` Erlangs on `agents` servers (M/M/c/c).
pub fn erlang_b(offered_load: f64, agents: u32) -> Result<f64, ErlangError> {
    let a = non_negative("offered_load", offered_load)?;
    check_agents(agents)?;
    Ok(erlang_b_unchecked(a, agents))
}

/// Erlang C (M/M/c, FCFS, no abandonment) measures; `lambda` per second, times in seconds.
pub fn erlang_c(
    lambda: f64,
    mean_service: f64,
    agents: u32,
    threshold: f64,
) -> Result<QueueMeasures, ErlangError> {
    let lambda = non_negative("lambda", lambda)?;
    let mean_service = positive("mean_service", mean_service)?;
    check_agents(agents)?;
    let threshold = non_negative("threshold", threshold)?;
    let a = derived("lambda * mean_service", lambda * mean_service)?;
    let c = f64::from(agents);
    if a >= c {
        return Err(ErlangError::Unstable { offered_load: a, agents });
    }
    let b = erlang_b_unchecked(a, agents);
    let prob_wait = c * b / (c - a * (1.0 - b));
    // Drain rate of the queue, c*mu - lambda, written to avoid cancellation.
    let drain = derived("agents / mean_service - lambda", (c - a) / mean_service)?;
    let answered_within = 1.0 - prob_wait * (-drain * threshold).exp();
    finish(QueueMeasures {
        prob_wait,
        answered: 1.0,
        abandoned: 0.0,
        answered_within,
        abandoned_within: 0.0,
        service_level: answered_within,
        service_level_answered: answered_within,
        asa: prob_wait / drain,
        abandon_rate: 0.0,
        occupancy: a / c,
        mean_queue_length: prob_wait * a / (c - a),
    })
}

/// Erlang A (M/M/c+M, FCFS, exponential patience of mean `mean_patience` s) measures.
pub fn erlang_a(
    lambda: f64,
    mean_service: f64,
    mean_patience: f64,
    agents: u32,
    threshold: f64,
) -> Result<QueueMeasures, ErlangError> {
    let lambda = non_negative("lambda", lambda)?;
    let mean_service = positive("mean_service", mean_service)?;
    let mean_patience = positive("mean_patience", mean_patience)?;
    check_agents(agents)?;
    let threshold = non_negative("threshold", threshold)?;
    derived("lambda * mean_service", lambda * mean_service)?;
    let mu = derived("1 / mean_service", 1.0 / mean_service)?;
    let theta = derived("1 / mean_patience", 1.0 / mean_patience)?;
    if lambda == 0.0 {
        return Ok(idle_measures());
    }
    let chain = stationary(lambda, mu, theta, agents)?;
    let c = f64::from(agents);
    let c_mu = c * mu;

    // Queue position k = i + 1 for an arrival that sees n = c + i in the system.
    let mut waiting = 0.0;
    let mut answered_late = 0.0;
    let mut abandoned = 0.0;
    let mut wait_if_served = 0.0;
    let mut mean_queue_length = 0.0;
    let mut ln_served = 0.0; // ln P(served | k)
    let mut sojourn = 0.0; // sum_{i<=k} 1 / (c mu + i theta)
    for (i, &p) in chain.queue.iter().enumerate() {
        let k = (i + 1) as f64;
        let moves_up = c_mu + (k - 1.0) * theta; // r_k
        ln_served -= (theta / moves_up).ln_1p();
        sojourn += 1.0 / (c_mu + k * theta);
        let served = ln_served.exp();
        waiting += p;
        answered_late += p * served;
        abandoned += p * -ln_served.exp_m1();
        wait_if_served += p * served * sojourn;
        mean_queue_length += i as f64 * p;
    }
    let (served_within, abandoned_within) = within_threshold(&chain.queue, c_mu, theta, threshold);

    let answered = chain.below + answered_late;
    let answered_within = chain.below + served_within;
    let offered = answered + abandoned;
    let busy = chain.busy_below + c * waiting;
    finish(QueueMeasures {
        prob_wait: fraction(waiting),
        answered: fraction(answered),
        abandoned: fraction(abandoned),
        answered_within: fraction(answered_within),
        abandoned_within: fraction(abandoned_within),
        service_level: fraction(answered_within / offered),
        service_level_answered: fraction(answered_within / answered),
        asa: wait_if_served / answered,
        abandon_rate: fraction(abandoned / offered),
        occupancy: fraction(busy / c),
        mean_queue_length,
    })
}

/// Checks that `value` is finite and not negative.
fn non_negative(name: &'static str, value: f64) -> Result<f64, ErlangError> {
    if !value.is_finite() {
        Err(ErlangError::NotFinite { name, value })
    } else if value < 0.0 {
        Err(ErlangError::Negative { name, value })
    } else {
        Ok(value)
    }
}

/// Checks that `value` is finite and strictly positive.
fn positive(name: &'static str, value: f64) -> Result<f64, ErlangError> {
    if !value.is_finite() {
        Err(ErlangError::NotFinite { name, value })
    } else if value <= 0.0 {
        Err(ErlangError::NotPositive { name, value })
    } else {
        Ok(value)
    }
}

/// Checks that a derived rate or load is finite and, if the inputs were positive, nonzero.
fn derived(name: &'static str, value: f64) -> Result<f64, ErlangError> {
    if value.is_finite() && (value == 0.0 || value.is_normal()) {
        Ok(value)
    } else {
        Err(ErlangError::OutOfRange { name, value })
    }
}

/// Rejects zero agents.
fn check_agents(agents: u32) -> Result<(), ErlangError> {
    if agents == 0 { Err(ErlangError::NoAgents) } else { Ok(()) }
}

/// Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1.
fn erlang_b_unchecked(a: f64, agents: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=agents {
        let ab = a * b;
        b = ab / (f64::from(k) + ab);
        if b == 0.0 {
            break;
        }
    }
    b
}

/// Clamps a probability that rounding may have pushed a few ulps outside 0-1.
fn fraction(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

/// Measures of a queue with no arrivals.
fn idle_measures() -> QueueMeasures {
    QueueMeasures {
        prob_wait: 0.0,
        answered: 1.0,
        abandoned: 0.0,
        answered_within: 1.0,
        abandoned_within: 0.0,
        service_level: 1.0,
        service_level_answered: 1.0,
        asa: 0.0,
        abandon_rate: 0.0,
        occupancy: 0.0,
        mean_queue_length: 0.0,
    }
}

/// Refuses results with a non-finite field (only reachable with extreme inputs).
fn finish(m: QueueMeasures) -> Result<QueueMeasures, ErlangError> {
    let fields = [
        ("prob_wait", m.prob_wait),
        ("answered", m.answered),
        ("abandoned", m.abandoned),
        ("answered_within", m.answered_within),
        ("abandoned_within", m.abandoned_within),
        ("service_level", m.service_level),
        ("service_level_answered", m.service_level_answered),
        ("asa", m.asa),
        ("abandon_rate", m.abandon_rate),
        ("occupancy", m.occupancy),
        ("mean_queue_length", m.mean_queue_length),
    ];
    match fields.iter().find(|(_, v)| !v.is_finite()) {
        Some(&(name, value)) => Err(ErlangError::OutOfRange { name, value }),
        None => Ok(m),
    }
}

/// Normalised stationary distribution of the Erlang A chain, split at n = c.
struct Chain {
    /// Number of agents c.
    agents: u64,
    /// P(n < c).
    below: f64,
    /// Sum over n < c of n * P(n): busy agents contributed by those states.
    busy_below: f64,
    /// `queue[i]` = P(n = c + i): an arrival seeing it joins the queue at position i + 1.
    queue: Vec<f64>,
}

impl Chain {
    /// Stores the unnormalised weight of state `n`.
    fn record(&mut self, n: u64, weight: f64) {
        if n < self.agents {
            self.below += weight;
            self.busy_below += n as f64 * weight;
        } else {
            let i = (n - self.agents) as usize;
            if i >= self.queue.len() {
                self.queue.resize(i + 1, 0.0);
            }
            self.queue[i] = weight;
        }
    }
}

/// Stationary distribution of the birth-death chain (birth lambda, death min(n,c) mu +
/// max(n-c,0) theta), computed in log space outward from the mode, where log pi = 0.
fn stationary(lambda: f64, mu: f64, theta: f64, agents: u32) -> Result<Chain, ErlangError> {
    let c = u64::from(agents);
    let c_mu = f64::from(agents) * mu;
    let death = |n: u64| {
        if n <= c { n as f64 * mu } else { c_mu + (n - c) as f64 * theta }
    };
    let too_large = ErlangError::StateSpaceTooLarge { limit: MAX_STATES };
    // The mode is the largest n with lambda >= death(n) (the chain is log-concave).
    let mode = if lambda <= c_mu {
        ((lambda / mu).floor() as u64).min(c)
    } else {
        let extra = ((lambda - c_mu) / theta).floor();
        if extra >= MAX_STATES as f64 {
            return Err(too_large);
        }
        c + extra as u64
    };
    let ln_cut = TRUNCATION_REL.ln();
    let mut chain = Chain { agents: c, below: 0.0, busy_below: 0.0, queue: Vec::new() };
    chain.record(mode, 1.0);

    // Upward: stop at the first n > c past the mode with pi_n / pi_mode < 1e-17, or earlier
    // if pi_n has already underflowed (then every later state is exactly 0 in f64).
    let (mut n, mut ln_rel, mut steps) = (mode, 0.0_f64, 0_u64);
    loop {
        n += 1;
        let step = (lambda / death(n)).ln();
        ln_rel += step;
        chain.record(n, ln_rel.exp());
        if step < 0.0 && ln_rel < ln_cut && (n > c || ln_rel < LN_UNDERFLOW) {
            break;
        }
        steps += 1;
        if steps > MAX_STATES {
            return Err(too_large);
        }
    }

    // Downward: the mass left of the cut is below 1e-17 of the mode (geometric decay).
    let (mut n, mut ln_rel, mut steps) = (mode, 0.0_f64, 0_u64);
    while n > 0 {
        let step = (death(n) / lambda).ln();
        ln_rel += step;
        n -= 1;
        chain.record(n, ln_rel.exp());
        if step < 0.0 && ln_rel < ln_cut {
            break;
        }
        steps += 1;
        if steps > MAX_STATES {
            return Err(too_large);
        }
    }

    let total = chain.below + chain.queue.iter().sum::<f64>();
    chain.below /= total;
    chain.busy_below /= total;
    for p in &mut chain.queue {
        *p /= total;
    }
    Ok(chain)
}

/// The tagged waiting customer's chain after uniformization at rate `unif`.
struct TaggedChain {
    /// Mass at queue position i + 1.
    mass: Vec<f64>,
    /// P(move from position i + 1 towards service in one step) = r_{i+1} / unif.
    down: Vec<f64>,
    /// P(self-loop at position i + 1) = (unif - c mu - (i+1) theta) / unif.
    stay: Vec<f64>,
    /// P(abandon in one step) = theta / unif.
    abandon: f64,
    /// Mass absorbed in service so far.
    served: f64,
    /// Mass absorbed by abandonment so far.
    abandoned: f64,
    /// Mass still waiting.
    waiting: f64,
}

impl TaggedChain {
    /// One step of the uniformized DTMC (updated in place, lowest position first).
    fn step(&mut self) {
        let len = self.mass.len();
        self.served += self.mass[0] * self.down[0];
        let mut leaving = 0.0;
        let mut waiting = 0.0;
        for i in 0..len {
            let here = self.mass[i];
            leaving += here;
            let from_above = if i + 1 < len { self.mass[i + 1] * self.down[i + 1] } else { 0.0 };
            let next = here * self.stay[i] + from_above;
            self.mass[i] = next;
            waiting += next;
        }
        self.abandoned += leaving * self.abandon;
        self.waiting = waiting;
    }
}

/// P(served with wait <= t) and P(abandon with wait <= t), unconditional, for arrivals that
/// wait; `start[i]` is the probability of joining at position i + 1.
fn within_threshold(start: &[f64], c_mu: f64, theta: f64, t: f64) -> (f64, f64) {
    let initial: f64 = start.iter().sum();
    if t == 0.0 || initial == 0.0 {
        return (0.0, 0.0);
    }
    let positions = start.len();
    let unif = c_mu + positions as f64 * theta;
    let mut chain = TaggedChain {
        mass: start.to_vec(),
        down: (0..positions).map(|i| (c_mu + i as f64 * theta) / unif).collect(),
        stay: (0..positions).map(|i| (positions - 1 - i) as f64 * theta / unif).collect(),
        abandon: theta / unif,
        served: 0.0,
        abandoned: 0.0,
        waiting: initial,
    };
    let absorbed = ABSORBED_REL * initial;
    let x = unif * t;
    let first = poisson_left_edge(x);

    // Steps before the Poisson window carry no weight; stop early if all mass is absorbed.
    for _ in 0..first {
        if chain.waiting <= absorbed {
            return (chain.served, chain.abandoned);
        }
        chain.step();
    }
    let weights = poisson_weights(x, first);
    let (mut served, mut abandoned) = (0.0, 0.0);
    for (j, &w) in weights.iter().enumerate() {
        served += w * chain.served;
        abandoned += w * chain.abandoned;
        if j + 1 == weights.len() {
            break;
        }
        if chain.waiting <= absorbed {
            let rest: f64 = weights[j + 1..].iter().sum();
            served += rest * chain.served;
            abandoned += rest * chain.abandoned;
            break;
        }
        chain.step();
    }
    (served, abandoned)
}

/// Largest m with P(Poisson(x) < m) <= 1e-16, from the Chernoff bound exp(-s^2 / 2x).
fn poisson_left_edge(x: f64) -> u64 {
    let s = (2.0 * x * (1.0 / POISSON_TAIL).ln()).sqrt();
    let edge = (x - s).floor();
    if edge > 0.0 { edge as u64 } else { 0 }
}

/// Normalised Poisson(x) probabilities for m = first, first + 1, ... up to a right edge whose
/// tail is below 1e-16; built outward from the mode, so nothing underflows for large x.
fn poisson_weights(x: f64, first: u64) -> Vec<f64> {
    if x == 0.0 {
        return vec![1.0];
    }
    let mode = x.floor() as u64;
    let mut weights = Vec::new();
    let mut w = 1.0;
    for m in (first + 1..=mode).rev() {
        w *= m as f64 / x; // p(m - 1) = p(m) * m / x
        weights.push(w);
    }
    weights.reverse();
    weights.push(1.0);
    let mut sum: f64 = weights.iter().sum();
    let (mut m, mut w) = (mode, 1.0);
    loop {
        m += 1;
        w *= x / m as f64;
        weights.push(w);
        sum += w;
        // Later ratios are below `ratio`, so the rest of the tail is at most w r / (1 - r).
        let ratio = x / (m + 1) as f64;
        if ratio < 1.0 && w * ratio / (1.0 - ratio) < POISSON_TAIL * sum {
            break;
        }
    }
    for w in &mut weights {
        *w /= sum;
    }
    weights
}

#[cfg(test)]
mod tests;
