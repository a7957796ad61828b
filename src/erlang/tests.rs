use super::*;

/// |x - y| <= tol * |y| (relative), or <= tol when y == 0 (absolute).
fn close(x: f64, y: f64, tol: f64) -> bool {
    if y == 0.0 { x.abs() <= tol } else { (x - y).abs() <= tol * y.abs() }
}

fn assert_close(what: &str, x: f64, y: f64, tol: f64) {
    assert!(close(x, y, tol), "{what}: got {x}, expected {y} (tol {tol})");
}

/// Terms a^k / k! for k = 0..=c, by direct multiplication (a different route than the
/// Erlang B recursion).
fn poisson_terms(a: f64, c: u32) -> Vec<f64> {
    let mut terms = vec![1.0];
    for k in 1..=c {
        let prev = terms[terms.len() - 1];
        terms.push(prev * a / f64::from(k));
    }
    terms
}

fn direct_erlang_b(a: f64, c: u32) -> f64 {
    let t = poisson_terms(a, c);
    t[c as usize] / t.iter().sum::<f64>()
}

fn direct_erlang_c(a: f64, c: u32) -> f64 {
    let t = poisson_terms(a, c);
    let cf = f64::from(c);
    let top = t[c as usize] * cf / (cf - a);
    top / (t[..c as usize].iter().sum::<f64>() + top)
}

/// Stationary distribution of the Erlang A chain by plain products (linear space).
fn direct_pi(lambda: f64, mu: f64, theta: f64, c: usize, n_max: usize) -> Vec<f64> {
    let mut pi = vec![1.0];
    for n in 1..=n_max {
        let death = if n <= c { n as f64 * mu } else { c as f64 * mu + (n - c) as f64 * theta };
        pi.push(pi[n - 1] * lambda / death);
    }
    let total: f64 = pi.iter().sum();
    pi.iter().map(|p| p / total).collect()
}

/// CDF at t of a sum of independent exponentials with distinct `rates` (closed form).
fn hypoexp_cdf(rates: &[f64], t: f64) -> f64 {
    let mut survival = 0.0;
    for (i, &qi) in rates.iter().enumerate() {
        let mut coef = 1.0;
        for (j, &qj) in rates.iter().enumerate() {
            if i != j {
                coef *= qj / (qj - qi);
            }
        }
        survival += coef * (-qi * t).exp();
    }
    1.0 - survival
}

const CASES_A: [(f64, f64, f64, u32, f64); 6] = [
    (0.1, 90.0, 120.0, 9, 20.0),
    (0.5, 180.0, 180.0, 92, 20.0),
    (0.3, 60.0, 60.0, 16, 15.0),
    (95.0 / 300.0, 300.0, 120.0, 100, 20.0),
    (0.6, 200.0, 60.0, 100, 20.0), // load 120 on 100 agents
    (1.0, 0.1, 30.0, 1, 5.0),      // load 0.1 on 1 agent
];

#[test]
fn erlang_b_matches_direct_sum() {
    for (a, c) in [(10.0, 11), (2.0, 3), (0.5, 4), (5.0, 1), (20.0, 25), (30.0, 20)] {
        assert_close("erlang_b", erlang_b(a, c).unwrap(), direct_erlang_b(a, c), 1e-12);
    }
    // a = 2, c = 3: (8/6) / (1 + 2 + 2 + 8/6) = 4/19.
    assert_close("B(2,3)", erlang_b(2.0, 3).unwrap(), 4.0 / 19.0, 1e-14);
    assert_eq!(erlang_b(0.0, 3).unwrap(), 0.0);
}

#[test]
fn erlang_c_matches_direct_sum_and_textbook() {
    for (a, c) in [(10.0, 11), (2.0, 3), (0.5, 4), (0.9, 1), (20.0, 25), (8.0, 10)] {
        // lambda = a / 60 per second, mean service 60 s.
        let m = erlang_c(a / 60.0, 60.0, c, 20.0).unwrap();
        assert_close("erlang_c", m.prob_wait, direct_erlang_c(a, c), 1e-12);
    }
    // a = 2, c = 3: C = (8/6 * 3) / (1 + 2 + 2 + 4) = 4/9.
    let m = erlang_c(2.0 / 60.0, 60.0, 3, 0.0).unwrap();
    assert_close("C(2,3)", m.prob_wait, 4.0 / 9.0, 1e-14);
    // Textbook: 10 Erlangs on 11 agents waits with probability 0.6821.
    let m = erlang_c(10.0 / 60.0, 60.0, 11, 20.0).unwrap();
    assert!((m.prob_wait - 0.6821).abs() < 5e-5, "C(11, 10) = {}", m.prob_wait);
    // M/M/1: C = rho, ASA = rho / (mu - lambda), SL = 1 - rho exp(-(mu - lambda) T).
    let m = erlang_c(0.008, 100.0, 1, 30.0).unwrap();
    assert_close("M/M/1 C", m.prob_wait, 0.8, 1e-14);
    assert_close("M/M/1 ASA", m.asa, 0.8 / 0.002, 1e-12);
    assert_close("M/M/1 SL", m.service_level, 1.0 - 0.8 * (-0.06_f64).exp(), 1e-12);
}

#[test]
fn erlang_c_fields_are_consistent() {
    let (lambda, s, c) = (0.5, 180.0, 95);
    let m0 = erlang_c(lambda, s, c, 0.0).unwrap();
    assert_close("SL(0)", m0.service_level, 1.0 - m0.prob_wait, 1e-14);
    let m = erlang_c(lambda, s, c, 20.0).unwrap();
    assert_close("Little", m.mean_queue_length, lambda * m.asa, 1e-12);
    assert_close("occupancy", m.occupancy, 90.0 / 95.0, 1e-14);
    assert!(m.service_level > m0.service_level && m.service_level < 1.0);
    assert_eq!(m.abandoned, 0.0);
    assert_eq!(m.answered, 1.0);
    let big = erlang_c(lambda, s, c, 1e5).unwrap();
    assert_close("SL(inf)", big.service_level, 1.0, 1e-14);
}

#[test]
fn erlang_a_reduces_to_erlang_c_without_abandonment() {
    for (lambda, s, c, t) in
        [(0.1, 90.0, 11, 20.0), (0.2, 45.0, 10, 30.0), (0.5, 180.0, 95, 20.0), (0.008, 100.0, 1, 30.0)]
    {
        let ec = erlang_c(lambda, s, c, t).unwrap();
        // The exact deviation is linear in theta (about 1e-6 relative at mean patience
        // 1e9 s for 9 Erlangs on 10 agents), so use 1e11 s to test the limit itself.
        let ea = erlang_a(lambda, s, 1e11, c, t).unwrap();
        let pairs = [
            ("prob_wait", ea.prob_wait, ec.prob_wait),
            ("answered", ea.answered, ec.answered),
            ("abandoned", ea.abandoned, ec.abandoned),
            ("answered_within", ea.answered_within, ec.answered_within),
            ("abandoned_within", ea.abandoned_within, ec.abandoned_within),
            ("service_level", ea.service_level, ec.service_level),
            ("sl_answered", ea.service_level_answered, ec.service_level_answered),
            ("asa", ea.asa, ec.asa),
            ("abandon_rate", ea.abandon_rate, ec.abandon_rate),
            ("occupancy", ea.occupancy, ec.occupancy),
            ("mean_queue_length", ea.mean_queue_length, ec.mean_queue_length),
        ];
        for (name, a, b) in pairs {
            assert_close(name, a, b, 1e-6);
        }
    }
}

#[test]
fn erlang_a_with_theta_equal_mu_is_poisson() {
    // Every customer leaves at rate mu, so n ~ Poisson(a): P(N >= c) = prob_wait,
    // E[(N - c)+] = a P(N >= c) - c P(N > c), busy = a - Lq, abandoned = Lq / a.
    for (a, c) in [(5.0, 4_u32), (3.0, 5), (90.0, 92), (0.3, 2)] {
        let s = 60.0;
        let m = erlang_a(a / s, s, s, c, 10.0).unwrap();
        let terms = poisson_terms(a, c);
        let e = (-a).exp();
        let below_c: f64 = terms[..c as usize].iter().sum::<f64>() * e;
        let at_least_c = 1.0 - below_c;
        let above_c = at_least_c - terms[c as usize] * e;
        let lq = a * at_least_c - f64::from(c) * above_c;
        assert_close("P(N>=c)", m.prob_wait, at_least_c, 1e-10);
        assert_close("Lq", m.mean_queue_length, lq, 1e-10);
        assert_close("busy", m.occupancy * f64::from(c), a - lq, 1e-12);
        assert_close("abandoned", m.abandoned, lq / a, 1e-10);
    }
}

#[test]
fn erlang_a_flow_balance() {
    for (lambda, s, p, c, t) in CASES_A {
        let m = erlang_a(lambda, s, p, c, t).unwrap();
        // Abandonment flow from queue positions equals theta times the chain's mean queue.
        assert_close("lambda * abandoned", lambda * m.abandoned, m.mean_queue_length / p, 1e-9);
        // Answered flow equals service completions: lambda * answered = mu * busy.
        assert_close("lambda * answered", lambda * m.answered, m.occupancy * f64::from(c) / s, 1e-9);
    }
}

#[test]
fn erlang_a_fractions_are_consistent() {
    for (lambda, s, p, c, _) in CASES_A {
        let mut previous = -1.0;
        let mut previous_ab = -1.0;
        for t in [0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 60.0, 300.0, 3600.0, 1e5] {
            let m = erlang_a(lambda, s, p, c, t).unwrap();
            assert_close("answered + abandoned", m.answered + m.abandoned, 1.0, 1e-12);
            assert!((0.0..=1.0).contains(&m.service_level));
            // Monotone up to a few ulps of rounding once everything is absorbed.
            assert!(m.service_level >= previous - 1e-15, "SL dropped at T={t}");
            assert!(m.abandoned_within >= previous_ab - 1e-15);
            previous = m.service_level;
            previous_ab = m.abandoned_within;
            if t == 0.0 {
                assert_close("SL(0)", m.service_level, 1.0 - m.prob_wait, 1e-12);
                assert_eq!(m.abandoned_within, 0.0);
            }
            if t == 1e5 {
                assert_close("SL(inf)", m.service_level, m.answered, 1e-9);
                assert_close("SLA(inf)", m.service_level_answered, 1.0, 1e-9);
                assert_close("ab(inf)", m.abandoned_within, m.abandoned, 1e-9);
            }
        }
    }
}

#[test]
fn uniformization_matches_hypoexponential_closed_form() {
    // Given position k the wait is a sum of Exp(c mu + i theta), i = 1..k, independent of
    // whether each exit is a move or an abandonment; pi is computed here independently.
    let (lambda, s, p, c) = (1.2, 2.0, 1.0, 3_usize);
    let (mu, theta) = (1.0 / s, 1.0 / p);
    let c_mu = c as f64 * mu;
    let positions = 40;
    let pi = direct_pi(lambda, mu, theta, c, c + positions);
    let rate = |i: usize| c_mu + i as f64 * theta; // q_i
    let up = |i: usize| c_mu + (i - 1) as f64 * theta; // r_i
    for t in [0.3, 1.0, 2.5, 6.0] {
        let mut answered_within: f64 = pi[..c].iter().sum();
        let mut abandoned_within = 0.0;
        for k in 1..=positions {
            let start = pi[c + k - 1];
            let rates: Vec<f64> = (1..=k).map(rate).collect();
            let served: f64 = (1..=k).map(|i| up(i) / rate(i)).product();
            answered_within += start * served * hypoexp_cdf(&rates, t);
            for j in 1..=k {
                let reach: f64 = (j + 1..=k).map(|i| up(i) / rate(i)).product();
                let cdf = hypoexp_cdf(&rates[j - 1..], t);
                abandoned_within += start * reach * theta / rate(j) * cdf;
            }
        }
        let m = erlang_a(lambda, s, p, c as u32, t).unwrap();
        assert!((m.answered_within - answered_within).abs() < 1e-9, "t={t}");
        assert!((m.abandoned_within - abandoned_within).abs() < 1e-9, "t={t}");
    }
}

#[test]
fn uniformization_matches_rk4_integration() {
    // Forward equations of the tagged customer: dv_i = -q_i v_i + r_{i+1} v_{i+1},
    // dS = c mu v_1, dA = theta sum v_i; RK4 with step 0.01 s (q h <= 0.01).
    let (lambda, s, p, c, t) = (0.5, 180.0, 180.0, 92_usize, 20.0);
    let (mu, theta) = (1.0 / s, 1.0 / p);
    let c_mu = c as f64 * mu;
    let positions = 150;
    let pi = direct_pi(lambda, mu, theta, c, c + positions);
    let deriv = |y: &[f64]| -> Vec<f64> {
        let mut dy = vec![0.0; positions + 2];
        for i in 0..positions {
            let q = c_mu + (i + 1) as f64 * theta;
            let inflow = if i + 1 < positions { (c_mu + (i + 1) as f64 * theta) * y[i + 1] } else { 0.0 };
            dy[i] = -q * y[i] + inflow;
            dy[positions + 1] += theta * y[i];
        }
        dy[positions] = c_mu * y[0];
        dy
    };
    let mut y: Vec<f64> = pi[c..c + positions].to_vec();
    y.extend([0.0, 0.0]);
    let steps = 2000;
    let h = t / steps as f64;
    let axpy =
        |y: &[f64], k: &[f64], f: f64| -> Vec<f64> { y.iter().zip(k).map(|(a, b)| a + f * b).collect() };
    for _ in 0..steps {
        let k1 = deriv(&y);
        let k2 = deriv(&axpy(&y, &k1, h / 2.0));
        let k3 = deriv(&axpy(&y, &k2, h / 2.0));
        let k4 = deriv(&axpy(&y, &k3, h));
        for i in 0..y.len() {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
    let below: f64 = pi[..c].iter().sum();
    let m = erlang_a(lambda, s, p, c as u32, t).unwrap();
    assert!((m.answered_within - (below + y[positions])).abs() < 1e-9);
    assert!((m.abandoned_within - y[positions + 1]).abs() < 1e-9);
}

/// Legendre polynomial P_n and its derivative at x.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    for k in 2..=n {
        let kf = k as f64;
        let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
        p0 = p1;
        p1 = p2;
    }
    (p1, n as f64 * (x * p1 - p0) / (x * x - 1.0))
}

/// Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n).
fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    (1..=n)
        .map(|i| {
            let mut x = (std::f64::consts::PI * (i as f64 - 0.25) / (n as f64 + 0.5)).cos();
            for _ in 0..100 {
                let (p, dp) = legendre(n, x);
                x -= p / dp;
            }
            let (_, dp) = legendre(n, x);
            (x, 2.0 / ((1.0 - x * x) * dp * dp))
        })
        .collect()
}

#[test]
fn asa_matches_integral_of_answered_within() {
    // E[wait ; served] = integral over t of (answered - answered_within(t)); this checks
    // the sum-of-1/q formula for ASA against the (separately verified) transient solution.
    let rule = gauss_legendre(10);
    for (lambda, s, p, c, panel, panels) in
        [(1.2, 2.0, 1.0, 3_u32, 1.0, 24), (0.5, 180.0, 180.0, 92, 5.0, 60)]
    {
        let m = erlang_a(lambda, s, p, c, 0.0).unwrap();
        let mut integral = 0.0;
        for j in 0..panels {
            let mid = (j as f64 + 0.5) * panel;
            for &(x, w) in &rule {
                let t = mid + 0.5 * panel * x;
                let within = erlang_a(lambda, s, p, c, t).unwrap().answered_within;
                integral += 0.5 * panel * w * (m.answered - within);
            }
        }
        assert_close("E[W; served]", m.asa * m.answered, integral, 1e-9);
    }
}

#[test]
fn overload_is_fine_for_erlang_a_and_an_error_for_erlang_c() {
    let (lambda, s, c) = (1.2 * 50.0 / 120.0, 120.0, 50);
    let m = erlang_a(lambda, s, 90.0, c, 20.0).unwrap();
    assert_close("sum", m.answered + m.abandoned, 1.0, 1e-12);
    // Throughput cannot exceed c mu, so at least 1 - 1/1.2 of arrivals abandon.
    assert!(m.abandoned > 1.0 - 1.0 / 1.2);
    assert!(m.prob_wait > 0.5 && m.occupancy > 0.95 && m.occupancy < 1.0);
    assert!(m.service_level < m.service_level_answered);
    assert!(matches!(erlang_c(lambda, s, c, 20.0), Err(ErlangError::Unstable { agents: 50, .. })));
    // Load exactly equal to c is also unstable.
    assert!(erlang_c(0.5, 20.0, 10, 20.0).is_err());
}

#[test]
fn bad_inputs_are_errors() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    assert!(erlang_b(nan, 3).is_err());
    assert!(erlang_b(-1.0, 3).is_err());
    assert!(erlang_b(inf, 3).is_err());
    assert_eq!(erlang_b(1.0, 0), Err(ErlangError::NoAgents));
    for (l, s, c, t) in [
        (nan, 60.0, 3, 20.0),
        (-0.1, 60.0, 3, 20.0),
        (inf, 60.0, 3, 20.0),
        (0.01, nan, 3, 20.0),
        (0.01, 0.0, 3, 20.0),
        (0.01, -60.0, 3, 20.0),
        (0.01, inf, 3, 20.0),
        (0.01, 60.0, 0, 20.0),
        (0.01, 60.0, 3, nan),
        (0.01, 60.0, 3, -1.0),
        (0.01, 60.0, 3, inf),
        (1e200, 1e200, 3, 20.0),
    ] {
        assert!(erlang_c(l, s, c, t).is_err(), "erlang_c({l}, {s}, {c}, {t})");
        assert!(erlang_a(l, s, 120.0, c, t).is_err(), "erlang_a({l}, {s}, {c}, {t})");
    }
    for p in [nan, 0.0, -5.0, inf, 1e-320] {
        assert!(erlang_a(0.01, 60.0, p, 3, 20.0).is_err(), "patience {p}");
    }
    assert_eq!(
        erlang_a(0.01, 60.0, 120.0, 3, -1.0),
        Err(ErlangError::Negative { name: "threshold", value: -1.0 })
    );
    // Overloaded with near-infinite patience: the queue would need ~9e11 states.
    assert_eq!(
        erlang_a(1.0, 10.0, 1e12, 1, 20.0),
        Err(ErlangError::StateSpaceTooLarge { limit: MAX_STATES })
    );
}

#[test]
fn zero_arrivals_answer_everything() {
    let c = erlang_c(0.0, 60.0, 2, 20.0).unwrap();
    let a = erlang_a(0.0, 60.0, 60.0, 2, 20.0).unwrap();
    for m in [c, a] {
        assert_eq!((m.prob_wait, m.service_level, m.asa), (0.0, 1.0, 0.0));
    }
}

#[test]
fn large_and_small_systems_are_finite() {
    let m = erlang_a(1000.0 / 180.0, 180.0, 120.0, 1020, 20.0).unwrap();
    assert!(m.prob_wait > 0.0 && m.prob_wait < 1.0);
    assert_close("sum", m.answered + m.abandoned, 1.0, 1e-12);
    let c = erlang_c(1000.0 / 180.0, 180.0, 1020, 20.0).unwrap();
    assert!(c.prob_wait > 0.0 && c.prob_wait < 1.0);
    for (lambda, c) in [(2000.0, 2000), (2000.0, 1900), (2000.0, 2100), (0.1, 1), (0.1, 40)] {
        let m = erlang_a(lambda / 60.0, 60.0, 60.0, c, 20.0).unwrap();
        for v in [m.service_level, m.asa, m.mean_queue_length, m.occupancy] {
            assert!(v.is_finite());
        }
        assert_close("sum", m.answered + m.abandoned, 1.0, 1e-12);
    }
}

/// Erlang C in log space by a route independent of the Erlang B recursion:
/// ln(a^k / k!) = k ln a - ln Γ(k + 1), summed with log-sum-exp. Returns P(wait).
fn log_space_erlang_c(a: f64, c: u32) -> f64 {
    use statrs::function::gamma::ln_gamma;
    let ln_term = |k: u32| f64::from(k) * a.ln() - ln_gamma(f64::from(k) + 1.0);
    let ln_top = ln_term(c) + (f64::from(c) / (f64::from(c) - a)).ln();
    let mut ln_terms: Vec<f64> = (0..c).map(ln_term).collect();
    ln_terms.push(ln_top);
    let max = ln_terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ln_sum = max + ln_terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln();
    (ln_top - ln_sum).exp()
}

#[test]
fn erlang_c_is_accurate_at_5000_agents_and_beyond() {
    // Loads from light to 0.999 per agent; direct factorials overflow long before this.
    for (a, c) in [(4950.0, 5000), (4999.0, 5000), (4800.0, 5000), (9900.0, 10_000), (19_950.0, 20_000)] {
        let m = erlang_c(a / 180.0, 180.0, c, 20.0).unwrap();
        let want = log_space_erlang_c(a, c);
        assert_close("prob_wait", m.prob_wait, want, 1e-9);
        let drain = (f64::from(c) - a) / 180.0;
        assert_close("service_level", m.service_level, 1.0 - want * (-drain * 20.0).exp(), 1e-9);
        assert_close("asa", m.asa, want / drain, 1e-9);
        assert_close("queue", m.mean_queue_length, want * a / (f64::from(c) - a), 1e-9);
    }
}

#[test]
fn erlang_a_is_consistent_at_5000_agents_and_beyond() {
    for (a, c, patience) in
        [(5000.0, 5000, 180.0), (5200.0, 5000, 60.0), (4900.0, 5000, 600.0), (10_000.0, 10_000, 180.0)]
    {
        let (lambda, mu, theta) = (a / 180.0, 1.0 / 180.0, 1.0 / patience);
        let m = erlang_a(lambda, 180.0, patience, c, 20.0).unwrap();
        assert_close("sum", m.answered + m.abandoned, 1.0, 1e-12);
        // Flow balance: abandonment = theta E[queue]; service completions = answered arrivals.
        assert_close("abandon flow", lambda * m.abandoned, theta * m.mean_queue_length, 1e-9);
        assert_close("served flow", lambda * m.answered, mu * m.occupancy * f64::from(c), 1e-9);
        assert!(m.prob_wait > 0.0 && m.prob_wait < 1.0 && m.service_level > 0.0 && m.service_level < 1.0);
        assert!(m.asa.is_finite() && m.asa > 0.0);
    }
    // With patience far longer than any wait, Erlang A at 5000 agents tends to Erlang C.
    let c = erlang_c(4950.0 / 180.0, 180.0, 5000, 20.0).unwrap();
    let a = erlang_a(4950.0 / 180.0, 180.0, 1e11, 5000, 20.0).unwrap();
    assert_close("prob_wait", a.prob_wait, c.prob_wait, 1e-6);
    assert_close("service_level", a.service_level, c.service_level, 1e-6);
    assert_close("asa", a.asa, c.asa, 1e-6);
}

/// Garnett, Mandelbaum & Reiman, "Designing a call center with impatient customers",
/// M&SOM 4(3), 2002, Theorem 4.1 (QED regime of M/M/N+M): with N = a + beta sqrt(a),
/// P(wait) -> [1 + sqrt(theta/mu) h(beta sqrt(mu/theta)) / h(-beta)]^-1, where
/// h(x) = phi(x) / (1 - Phi(x)) is the standard normal hazard rate. The error is of order
/// 1/sqrt(N): about 0.002 at 5,000 agents, tested to 0.005.
#[test]
fn erlang_a_at_5000_agents_matches_the_qed_asymptotics() {
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};
    let normal = Normal::new(0.0, 1.0).unwrap();
    let h = |x: f64| normal.pdf(x) / (1.0 - normal.cdf(x));
    for (c, beta, patience) in
        [(5000_u32, std::f64::consts::FRAC_1_SQRT_2, 360.0), (5000, -0.5, 90.0), (5000, 1.5, 180.0)]
    {
        let (mu, theta) = (1.0 / 180.0, 1.0 / patience);
        let n = f64::from(c);
        // Solve n = a + beta sqrt(a) for the offered load a.
        let root = (-beta + (beta * beta + 4.0 * n).sqrt()) / 2.0;
        let a = root * root;
        let m = erlang_a(a * mu, 180.0, patience, c, 20.0).unwrap();
        let r = (theta / mu).sqrt();
        let want = 1.0 / (1.0 + r * h(beta / r) / h(-beta));
        assert!((m.prob_wait - want).abs() < 0.005, "beta {beta}: {} vs QED {want}", m.prob_wait);
    }
}
