//! The integer program of `routesim schedule` (docs/model.md §16.2): how
//! many agents work each combination of (pattern, length, start, days off)
//! so that every interval's requirement is covered at the fewest paid
//! hours. Built through `good_lp` and solved by its pure-Rust `microlp`
//! backend, whose branch and bound stops after a number of nodes (the same
//! answer on every machine) or, as a safety net, a time limit; the same
//! model's LP relaxation gives the lower bound the optimality gap is
//! measured against.

use std::time::{Duration, Instant};

use good_lp::{Expression, ProblemVariables, SolverModel, Variable, constraint, microlp, variable};
use microlp::{SolveOptions, TerminationReason};

use crate::error::{Error, Result};

/// A covering program: minimise Σ cost·x over integers x ≥ 0 such that
/// every row's coverage Σ cover·x is at least its need, and each cap's
/// variables sum to at most its bound.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    /// Per variable: what one unit costs (paid hours of one agent a week).
    pub cost: Vec<f64>,
    /// Per variable: the rows it covers, as (row, share of the row's need one unit meets).
    pub cover: Vec<Vec<(usize, f64)>>,
    /// Per row: the need to cover (agents available in one interval).
    pub need: Vec<f64>,
    /// Upper bounds on sums of variables: (the variables, their most).
    pub caps: Vec<(Vec<usize>, u32)>,
}

/// Which fractional value a dive rounds up next ([`Program::dive`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// The one with the largest fractional part.
    MostFractional,
    /// The largest value.
    Largest,
    /// The one with the smallest fractional part.
    LeastFractional,
}

/// How long the search may go on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Branch-and-bound nodes the solver may solve: a budget of work, so
    /// the answer is the same on every machine.
    pub nodes: u64,
    /// Wall-clock seconds for the whole search, a safety net: an answer it
    /// cuts short can depend on the machine's speed.
    pub seconds: f64,
}

/// Bytes microlp's branch-and-bound tree holds for `nodes` nodes over
/// `variables` variables, about: 16 per node and variable (measured on the
/// week, 1,344 variables: 100,000 nodes peaked at 1.66 GB, 12.3 bytes per
/// node and variable, with everything else the command holds).
pub fn tree_bytes(nodes: u64, variables: usize) -> u64 {
    nodes.saturating_mul(variables as u64).saturating_mul(16)
}

/// Where the answer taken comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The solver's branch and bound, which proved it optimal.
    Proven,
    /// The solver's best when its node budget ran out (not proven optimal).
    SolverAtNodes,
    /// The solver's best when the time limit cut it short (not proven optimal).
    SolverAtTime,
    /// A relax-and-fix dive (cheaper than anything the solver found).
    Dive,
}

impl Found {
    /// In words, for the printed answer and summary.json.
    pub fn words(self) -> &'static str {
        match self {
            Found::Proven => "proven optimal",
            Found::SolverAtNodes => "the solver's best within its node budget",
            Found::SolverAtTime => "the solver's best when the time limit cut it short",
            Found::Dive => "relax-and-fix",
        }
    }
}

/// What stopped the solver's branch and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It proved its answer optimal.
    Proof,
    /// Its node budget ran out.
    Nodes,
    /// The time limit.
    Time,
    /// An error of the solver's own (the dives' answer is taken).
    Failed,
}

impl Stop {
    /// Where the answer taken comes from when the solver stopped this way
    /// (before the dives' answers are weighed against it).
    fn found(self) -> Found {
        match self {
            Stop::Proof => Found::Proven,
            Stop::Time => Found::SolverAtTime,
            Stop::Nodes => Found::SolverAtNodes,
            // The solver gave nothing: the dives' answer is the one.
            Stop::Failed => Found::Dive,
        }
    }

    /// In words, for summary.json.
    pub fn words(self) -> &'static str {
        match self {
            Stop::Proof => "proof",
            Stop::Nodes => "node limit",
            Stop::Time => "time limit",
            Stop::Failed => "solver error",
        }
    }
}

/// The branch and bound's outcome, or, when the solver failed with its
/// own error and the dives have an answer to stand on (`fallback`), an
/// outcome with no values stopped by [`Stop::Failed`]. Without a fallback
/// the error is the answer.
fn or_fallback(solved: Result<Outcome>, fallback: bool) -> Result<Outcome> {
    match solved {
        Err(_) if fallback => Ok(Outcome { values: None, stop: Stop::Failed, nodes: 0 }),
        other => other,
    }
}

/// One solve's values (none when a limit stopped it before it found any),
/// what stopped it and the nodes it solved.
#[derive(Debug)]
struct Outcome {
    values: Option<Vec<f64>>,
    stop: Stop,
    nodes: u64,
}

/// The program's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solved {
    /// Per variable: its value.
    pub counts: Vec<u32>,
    /// The objective at `counts` (paid hours a week).
    pub objective: f64,
    /// The LP relaxation's optimum: no integer answer costs less.
    pub lower_bound: f64,
    /// (objective − lower bound) / objective: 0 when proven optimal against the relaxation.
    pub gap: f64,
    /// Whether the solver proved `counts` optimal (else its time ran out first).
    pub optimal: bool,
    /// Where `counts` comes from.
    pub found_by: Found,
    /// What stopped the branch and bound.
    pub stopped_by: Stop,
    /// Branch-and-bound nodes solved.
    pub nodes: u64,
    /// Whether the time limit cut any step short (the dives or the branch
    /// and bound): then another machine may give another answer.
    pub cut_by_time: bool,
    /// Wall time of the whole search, seconds (printed, not written: it
    /// differs from run to run).
    pub seconds: f64,
    /// Variables in the program.
    pub variables: usize,
    /// Constraints in the program (coverage rows with a need, and caps).
    pub constraints: usize,
}

impl Program {
    /// The rows with a need that no variable covers: no answer exists.
    pub fn uncovered(&self) -> Vec<usize> {
        let mut covered = vec![false; self.need.len()];
        for cover in &self.cover {
            for &(row, a) in cover {
                if a > 0.0 {
                    covered[row] = true;
                }
            }
        }
        (0..self.need.len()).filter(|&r| self.need[r] > 1e-9 && !covered[r]).collect()
    }

    /// Solves the relaxation (the lower bound), dives from it for integer
    /// answers by each `Rule` (`Program::dive`), then the integer
    /// program itself within `limits.nodes` branch-and-bound nodes: the
    /// cheaper of its answer and the dives' is taken. Every step but the
    /// time limit is deterministic, so the answer is the same on every
    /// machine unless [`Solved::cut_by_time`].
    pub fn solve(&self, limits: Limits) -> Result<Solved> {
        let started = Instant::now();
        let left = || limits.seconds - started.elapsed().as_secs_f64();
        let relaxed = self.run(false, None, limits.seconds, &[])?;
        let Some(relaxed) = relaxed.values else {
            return Err(Error::Schedule(
                "the time limit ran out before the solver solved the relaxation; give it more time with --time-limit"
                    .into(),
            ));
        };
        let mut cut_by_time = false;
        let lower_bound = self.objective(&relaxed);
        // The solver starts from scratch (a start handed to microlp held it
        // at that start on the week scenario).
        let mut dives = Vec::new();
        for rule in [Rule::MostFractional, Rule::Largest, Rule::LeastFractional] {
            dives.extend(self.dive(&relaxed, rule, &left, &mut cut_by_time));
        }
        let fallback = dives
            .into_iter()
            .min_by(|a, b| self.cost_of(a).total_cmp(&self.cost_of(b)))
            .or_else(|| self.rounded(&relaxed));
        let solved = self.run(true, Some(limits.nodes), left().max(0.1), &[]);
        // The cheaper of the solver's answer (its best when a limit stopped
        // it) and the dives'; optimal only when the solver proved its own.
        let whole =
            |values: Vec<f64>| -> Vec<u32> { values.iter().map(|x| x.round().max(0.0) as u32).collect() };
        let Outcome { values, stop: stopped_by, nodes } = or_fallback(solved, fallback.is_some())?;
        cut_by_time |= stopped_by == Stop::Time;
        let found = stopped_by.found();
        let (counts, found_by) = match (values.map(whole), fallback) {
            (Some(mine), _) if found == Found::Proven => (mine, found),
            (Some(mine), Some(f)) if self.cost_of(&mine) >= self.cost_of(&f) - 1e-9 => (f, Found::Dive),
            (Some(mine), _) => (mine, found),
            (None, Some(f)) => (f, Found::Dive),
            (None, None) => {
                return Err(Error::Schedule(match stopped_by {
                    Stop::Time => "the time limit ran out before the solver found a roster; give it more \
                         time with --time-limit"
                        .into(),
                    _ => "the node budget ran out before the solver found a roster; give it more nodes \
                         with --nodes"
                        .into(),
                }));
            }
        };
        let optimal = found_by == Found::Proven;
        let objective = self.objective(&counts.iter().map(|&c| f64::from(c)).collect::<Vec<_>>());
        let gap = if objective > 0.0 { ((objective - lower_bound) / objective).max(0.0) } else { 0.0 };
        Ok(Solved {
            counts,
            objective,
            lower_bound,
            gap,
            optimal,
            found_by,
            stopped_by,
            nodes,
            cut_by_time,
            seconds: started.elapsed().as_secs_f64(),
            variables: self.cost.len(),
            constraints: self.rows().len() + self.caps.len(),
        })
    }

    /// Relax and fix: the relaxation's integer parts become lower bounds
    /// and its most fractional value is rounded up into one, then the
    /// relaxation is solved again with those bounds, until its answer is
    /// whole (each round fixes at least one more unit, so it ends). `None`
    /// when a round has no answer, or when the time `left` runs out first
    /// (then `timed_out` is set). A heuristic for a first answer, not a
    /// search: nothing is undone.
    fn dive(
        &self,
        relaxed: &[f64],
        rule: Rule,
        left: &dyn Fn() -> f64,
        timed_out: &mut bool,
    ) -> Option<Vec<u32>> {
        let mut x = relaxed.to_vec();
        let mut lower = vec![0.0; x.len()];
        loop {
            let frac = |v: f64| v - (v + 1e-6).floor();
            let key = |v: usize| match rule {
                Rule::MostFractional => frac(x[v]),
                Rule::Largest => x[v],
                Rule::LeastFractional => -frac(x[v]),
            };
            let most = (0..x.len())
                .filter(|&v| frac(x[v]) > 1e-6)
                .max_by(|&a, &b| key(a).total_cmp(&key(b)).then(b.cmp(&a)));
            let Some(v) = most else {
                let mut whole: Vec<u32> = x.iter().map(|v| v.round().max(0.0) as u32).collect();
                self.prune(&mut whole);
                return Some(whole);
            };
            for (l, &xv) in lower.iter_mut().zip(&x) {
                *l = (xv + 1e-6).floor();
            }
            lower[v] = x[v].ceil();
            let seconds = left();
            if seconds <= 0.0 {
                *timed_out = true;
                return None;
            }
            match self.run(false, None, seconds, &lower) {
                Ok(Outcome { values: Some(values), .. }) => x = values,
                // An LP is cut short only by the time limit.
                Ok(Outcome { values: None, .. }) => {
                    *timed_out = true;
                    return None;
                }
                // This round has no answer: the dive ends without one.
                Err(_) => return None,
            }
        }
    }

    /// A feasible answer from the relaxation's values: each rounded down,
    /// filled ([`Program::fill`]) and pruned ([`Program::prune`]); the
    /// answer kept should the solver's time run out before it finds a
    /// cheaper one. `None` when the caps leave no such answer.
    fn rounded(&self, relaxed: &[f64]) -> Option<Vec<u32>> {
        let mut x: Vec<u32> = relaxed.iter().map(|v| (v + 1e-7).floor().max(0.0) as u32).collect();
        self.fill(&mut x)?;
        self.prune(&mut x);
        Some(x)
    }

    /// While some row falls short, the variable
    /// meeting most of the shortfall per unit of cost gains one unit (the
    /// first among equals); `None` when no variable can (caps).
    fn fill(&self, x: &mut [u32]) -> Option<()> {
        let mut cover = self.coverage(x);
        loop {
            let short: Vec<f64> = (0..self.need.len()).map(|r| (self.need[r] - cover[r]).max(0.0)).collect();
            if short.iter().all(|&d| d <= 1e-9) {
                return Some(());
            }
            let capped = |v: usize, x: &[u32]| {
                self.caps
                    .iter()
                    .any(|(vars, most)| vars.contains(&v) && vars.iter().map(|&u| x[u]).sum::<u32>() >= *most)
            };
            let best = (0..x.len())
                .filter(|&v| !capped(v, x))
                .map(|v| {
                    let gain: f64 = self.cover[v].iter().map(|&(r, a)| a.min(short[r])).sum();
                    (v, gain / self.cost[v].max(1e-9))
                })
                .filter(|&(_, g)| g > 1e-12)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
            x[best.0] += 1;
            for &(r, a) in &self.cover[best.0] {
                cover[r] += a;
            }
        }
    }

    /// Every variable, dearest first, gives up units while the rest still covers every row.
    fn prune(&self, x: &mut [u32]) {
        let mut cover = self.coverage(x);
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(a.cmp(&b)));
        for v in order {
            while x[v] > 0 && self.cover[v].iter().all(|&(r, a)| cover[r] - a >= self.need[r] - 1e-9) {
                x[v] -= 1;
                for &(r, a) in &self.cover[v] {
                    cover[r] -= a;
                }
            }
        }
    }

    /// Per row: the coverage of `x`.
    fn coverage(&self, x: &[u32]) -> Vec<f64> {
        let mut cover = vec![0.0; self.need.len()];
        for (v, &n) in x.iter().enumerate() {
            for &(r, a) in &self.cover[v] {
                cover[r] += a * f64::from(n);
            }
        }
        cover
    }

    fn cost_of(&self, x: &[u32]) -> f64 {
        self.cost.iter().zip(x).map(|(c, &n)| c * f64::from(n)).sum()
    }

    /// Rows that become constraints: those with a need.
    fn rows(&self) -> Vec<usize> {
        (0..self.need.len()).filter(|&r| self.need[r] > 1e-9).collect()
    }

    fn objective(&self, x: &[f64]) -> f64 {
        self.cost.iter().zip(x).map(|(c, x)| c * x).sum()
    }

    /// One solve: integer or continuous variables, at most `nodes`
    /// branch-and-bound nodes (an integer program) and `seconds` of wall
    /// time. `lower` (when not empty) gives each variable's lower bound.
    fn run(&self, integer: bool, nodes: Option<u64>, seconds: f64, lower: &[f64]) -> Result<Outcome> {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = (0..self.cost.len())
            .map(|v| {
                let min = lower.get(v).copied().unwrap_or(0.0);
                let def = if integer { variable().integer() } else { variable() };
                vars.add(def.min(min))
            })
            .collect();
        let objective: Expression = x.iter().zip(&self.cost).map(|(&v, &c)| c * v).sum();
        let mut by_row: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.need.len()];
        for (v, cover) in self.cover.iter().enumerate() {
            for &(row, a) in cover {
                if a != 0.0 {
                    by_row[row].push((v, a));
                }
            }
        }
        let mut model = vars.minimise(objective).using(microlp);
        for row in self.rows() {
            let lhs: Expression = by_row[row].iter().map(|&(v, a)| a * x[v]).sum();
            model = model.with(constraint!(lhs >= self.need[row]));
        }
        for (members, most) in &self.caps {
            let lhs: Expression = members.iter().map(|&v| x[v]).sum();
            model = model.with(constraint!(lhs <= f64::from(*most)));
        }
        // microlp itself: good_lp does not pass a node limit on.
        let mut options = SolveOptions::default();
        options.node_limit = nodes;
        options.time_limit = Some(Duration::from_secs_f64(seconds.max(0.0)));
        let outcome = model.as_inner().solve_with(options).map_err(|e| {
            Error::Schedule(match e {
                microlp::Error::Infeasible => "no roster covers the requirement within the shift patterns' \
                     max_agents; raise max_agents or add a pattern"
                    .into(),
                other => format!("the solver found no roster: {other}"),
            })
        })?;
        let stop = match outcome.termination_reason() {
            TerminationReason::ProvenOptimal => Stop::Proof,
            TerminationReason::TimeLimit => Stop::Time,
            // A node budget, or (not asked here) a gap: work done, not time.
            _ => Stop::Nodes,
        };
        let nodes = outcome.stats().nodes_solved;
        let values = outcome.into_solution().ok().map(|s| s.iter().map(|(_, v)| v).collect());
        Ok(Outcome { values, stop, nodes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three intervals needing one agent each, three shifts each covering
    /// two of them at cost 1 (a triangle): any two shifts cover everything
    /// (cost 2), the relaxation takes half of each (cost 1.5), so the gap
    /// is a quarter.
    fn triangle() -> Program {
        Program {
            cost: vec![1.0, 1.0, 1.0],
            cover: vec![vec![(0, 1.0), (1, 1.0)], vec![(1, 1.0), (2, 1.0)], vec![(0, 1.0), (2, 1.0)]],
            need: vec![1.0, 1.0, 1.0],
            caps: Vec::new(),
        }
    }

    fn covers(p: &Program, counts: &[u32]) -> bool {
        (0..p.need.len()).all(|r| {
            let got: f64 = p
                .cover
                .iter()
                .zip(counts)
                .flat_map(|(c, &n)| c.iter().filter(|e| e.0 == r).map(move |e| e.1 * f64::from(n)))
                .sum();
            got >= p.need[r] - 1e-9
        })
    }

    #[test]
    fn a_tiny_covering_problem_has_its_known_optimum_and_gap() {
        let p = triangle();
        let s = p.solve(Limits { nodes: 10_000, seconds: 10.0 }).expect("solves");
        assert!(covers(&p, &s.counts), "{:?}", s.counts);
        assert!((s.objective - 2.0).abs() < 1e-9, "{}", s.objective);
        assert!((s.lower_bound - 1.5).abs() < 1e-6, "{}", s.lower_bound);
        assert!((s.gap - 0.25).abs() < 1e-6, "{}", s.gap);
        assert!(s.optimal);
        assert_eq!((s.variables, s.constraints), (3, 3));
    }

    /// Fractional shares (a shift half in an interval) and a need above one:
    /// shift A covers rows 0 and 1 in full, B row 1 by half and row 2 in
    /// full, at costs 8 and 6; needs 2, 3, 1. Two A and two B (cost 28) is
    /// the optimum, found by trying every count up to 4.
    #[test]
    fn shares_and_needs_above_one_match_a_brute_force() {
        let p = Program {
            cost: vec![8.0, 6.0],
            cover: vec![vec![(0, 1.0), (1, 1.0)], vec![(1, 0.5), (2, 1.0)]],
            need: vec![2.0, 3.0, 1.0],
            caps: Vec::new(),
        };
        let s = p.solve(Limits { nodes: 10_000, seconds: 10.0 }).expect("solves");
        let best = (0..5u32)
            .flat_map(|a| (0..5u32).map(move |b| [a, b]))
            .filter(|c| covers(&p, c))
            .map(|c| 8.0 * f64::from(c[0]) + 6.0 * f64::from(c[1]))
            .fold(f64::INFINITY, f64::min);
        assert!((s.objective - best).abs() < 1e-9, "{} against {best}", s.objective);
        assert_eq!(s.counts, vec![2, 2]);
    }

    /// A cap on one shift moves the cover to the others; a cap that leaves
    /// the need uncoverable is refused in words.
    #[test]
    fn caps_bind_and_an_impossible_cap_is_refused() {
        let mut p = triangle();
        p.caps = vec![(vec![0], 0)];
        let s = p.solve(Limits { nodes: 10_000, seconds: 10.0 }).expect("solves");
        assert_eq!(s.counts, vec![0, 1, 1]);
        p.caps = vec![(vec![0, 1, 2], 1)];
        let Err(Error::Schedule(message)) = p.solve(Limits { nodes: 10_000, seconds: 10.0 }) else {
            panic!("an impossible cap was solved")
        };
        assert!(message.contains("max_agents"), "{message}");
    }

    /// With no branch-and-bound nodes the dives' answer is taken, the node
    /// budget (not the time) is what stopped the search, and a second solve
    /// gives the same answer: nothing depends on the machine's speed.
    #[test]
    fn a_node_budget_stops_the_search_and_repeats() {
        let p = triangle();
        let limits = Limits { nodes: 0, seconds: 60.0 };
        let s = p.solve(limits).expect("solves");
        assert!(covers(&p, &s.counts), "{:?}", s.counts);
        assert_eq!((s.found_by, s.stopped_by, s.nodes, s.cut_by_time), (Found::Dive, Stop::Nodes, 0, false));
        assert!(!s.optimal);
        assert!((s.objective - 2.0).abs() < 1e-9, "{}", s.objective);
        let again = p.solve(limits).expect("solves again");
        assert_eq!(Solved { seconds: s.seconds, ..again }, s);
        // With nodes to spare the solver proves the optimum.
        let proven = p.solve(Limits { nodes: 10_000, seconds: 60.0 }).expect("solves");
        assert_eq!(
            (proven.found_by, proven.stopped_by, proven.cut_by_time),
            (Found::Proven, Stop::Proof, false)
        );
    }

    /// A time limit too short for the search is never silent: with no
    /// time at all even the relaxation is refused, naming `--time-limit`;
    /// a dive that runs out of time says so and gives no answer.
    #[test]
    fn a_time_limit_that_cuts_the_search_is_reported() {
        let p = triangle();
        match p.solve(Limits { nodes: 10_000, seconds: 0.0 }) {
            Err(Error::Schedule(message)) => assert!(message.contains("--time-limit"), "{message}"),
            other => panic!("{other:?}"),
        }
        let relaxed = p.run(false, None, 60.0, &[]).expect("solves").values.expect("has values");
        // The triangle's relaxation is fractional (one half each), so the dive needs a round.
        assert!(relaxed.iter().any(|v| v.fract() > 1e-6), "{relaxed:?}");
        let mut cut = false;
        assert_eq!(p.dive(&relaxed, Rule::MostFractional, &|| 0.0, &mut cut), None);
        assert!(cut);
        let mut cut = false;
        assert!(p.dive(&relaxed, Rule::MostFractional, &|| 60.0, &mut cut).is_some());
        assert!(!cut);
    }

    /// A solver error with a dive to fall back on is recorded as such
    /// (summary.json's `stopped_by` "solver error", the dive's answer
    /// taken); with nothing to fall back on the error is the answer.
    #[test]
    fn a_solver_error_falls_back_on_the_dives() {
        let failed = || Err(Error::Schedule("the solver failed".into()));
        let o = or_fallback(failed(), true).expect("falls back");
        assert_eq!((o.values, o.stop, o.nodes), (None, Stop::Failed, 0));
        assert_eq!((o.stop.words(), o.stop.found()), ("solver error", Found::Dive));
        assert!(matches!(or_fallback(failed(), false), Err(Error::Schedule(m)) if m == "the solver failed"));
        let ran = Outcome { values: Some(vec![1.0]), stop: Stop::Nodes, nodes: 7 };
        let o = or_fallback(Ok(ran), true).expect("kept");
        assert_eq!((o.values, o.stop, o.nodes), (Some(vec![1.0]), Stop::Nodes, 7));
        let words: Vec<_> = [Stop::Proof, Stop::Nodes, Stop::Time].map(|s| (s.words(), s.found())).into();
        assert_eq!(
            words,
            [
                ("proof", Found::Proven),
                ("node limit", Found::SolverAtNodes),
                ("time limit", Found::SolverAtTime)
            ]
        );
    }

    #[test]
    fn rows_nobody_covers_are_found_before_solving() {
        let p = Program {
            cost: vec![1.0],
            cover: vec![vec![(0, 1.0)]],
            need: vec![1.0, 0.0, 2.0],
            caps: Vec::new(),
        };
        assert_eq!(p.uncovered(), vec![2]);
    }
}
