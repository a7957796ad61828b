//! The integer program of `routesim schedule` (docs/model.md §16.2): how
//! many agents work each combination of (pattern, length, start, days off)
//! so that every interval's requirement is covered at the fewest paid
//! hours. Built and solved through `good_lp` on its pure-Rust `microlp`
//! backend, with a time limit; the same model's LP relaxation gives the
//! lower bound the optimality gap is measured against.

use std::time::Instant;

use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel, Variable,
    WithTimeLimit, constraint, microlp, variable,
};

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

/// Where the answer taken comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The solver's branch and bound, which proved it optimal.
    Proven,
    /// The solver's best when its time ran out (not proven optimal).
    SolverAtLimit,
    /// A relax-and-fix dive (cheaper than anything the solver found in time).
    Dive,
}

impl Found {
    /// In words, for the printed answer and summary.json.
    pub fn words(self) -> &'static str {
        match self {
            Found::Proven => "proven optimal",
            Found::SolverAtLimit => "the solver's best at its time limit",
            Found::Dive => "relax-and-fix",
        }
    }
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
    /// Wall time of both solves, seconds.
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
    /// answers by each [`Rule`] ([`Program::dive`], within the time limit),
    /// then the integer program itself in the time left: the cheaper of
    /// its answer and the dives' is taken.
    pub fn solve(&self, time_limit: f64) -> Result<Solved> {
        let started = Instant::now();
        let relaxed = self.run(false, time_limit, &[])?;
        let lower_bound = self.objective(&relaxed.0);
        // The solver starts from scratch (a start handed to microlp held it
        // at that start on the week scenario).
        let dives: Vec<Vec<u32>> = [Rule::MostFractional, Rule::Largest, Rule::LeastFractional]
            .into_iter()
            .filter_map(|rule| self.dive(&relaxed.0, rule, started, time_limit))
            .collect();
        let fallback = dives
            .into_iter()
            .min_by(|a, b| self.cost_of(a).total_cmp(&self.cost_of(b)))
            .or_else(|| self.rounded(&relaxed.0));
        let left = (time_limit - started.elapsed().as_secs_f64()).max(0.1);
        let solved = self.run(true, left, &[]);
        // The cheaper of the solver's answer (its best when the time ran
        // out) and the dives'; optimal only when the solver proved its own.
        let whole =
            |values: Vec<f64>| -> Vec<u32> { values.iter().map(|x| x.round().max(0.0) as u32).collect() };
        let (counts, found_by) = match (solved, fallback) {
            (Ok((values, optimal)), Some(f)) => {
                let mine = whole(values);
                if optimal {
                    (mine, Found::Proven)
                } else if self.cost_of(&mine) < self.cost_of(&f) - 1e-9 {
                    (mine, Found::SolverAtLimit)
                } else {
                    (f, Found::Dive)
                }
            }
            (Ok((values, true)), None) => (whole(values), Found::Proven),
            (Ok((values, false)), None) => (whole(values), Found::SolverAtLimit),
            (Err(_), Some(f)) => (f, Found::Dive),
            (Err(e), None) => return Err(e),
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
            seconds: started.elapsed().as_secs_f64(),
            variables: self.cost.len(),
            constraints: self.rows().len() + self.caps.len(),
        })
    }

    /// Relax and fix: the relaxation's integer parts become lower bounds
    /// and its most fractional value is rounded up into one, then the
    /// relaxation is solved again with those bounds, until its answer is
    /// whole (each round fixes at least one more unit, so it ends) or
    /// `budget` seconds from `started` have passed (then `None`). A
    /// heuristic for a first answer, not a search: nothing is undone.
    fn dive(&self, relaxed: &[f64], rule: Rule, started: Instant, budget: f64) -> Option<Vec<u32>> {
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
            let left = budget - started.elapsed().as_secs_f64();
            if left <= 0.0 {
                return None;
            }
            x = self.run(false, left, &lower).ok()?.0;
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

    /// One solve: integer or continuous variables; the values and whether the solver proved them optimal.
    /// `lower` (when not empty) gives each variable's lower bound.
    fn run(&self, integer: bool, seconds: f64, lower: &[f64]) -> Result<(Vec<f64>, bool)> {
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
        let mut model = vars.minimise(objective).using(microlp).with_time_limit(seconds);
        for row in self.rows() {
            let lhs: Expression = by_row[row].iter().map(|&(v, a)| a * x[v]).sum();
            model = model.with(constraint!(lhs >= self.need[row]));
        }
        for (members, most) in &self.caps {
            let lhs: Expression = members.iter().map(|&v| x[v]).sum();
            model = model.with(constraint!(lhs <= f64::from(*most)));
        }
        let solution = model.solve().map_err(|e| {
            Error::Schedule(match e {
                ResolutionError::Infeasible => "no roster covers the requirement within the shift patterns' \
                     max_agents; raise max_agents or add a pattern"
                    .into(),
                other => format!("the solver found no roster: {other}; give it more time with --time-limit"),
            })
        })?;
        let optimal = matches!(solution.status(), SolutionStatus::Optimal);
        Ok((x.iter().map(|&v| solution.value(v)).collect(), optimal))
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
        let s = p.solve(10.0).expect("solves");
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
        let s = p.solve(10.0).expect("solves");
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
        let s = p.solve(10.0).expect("solves");
        assert_eq!(s.counts, vec![0, 1, 1]);
        p.caps = vec![(vec![0, 1, 2], 1)];
        let Err(Error::Schedule(message)) = p.solve(10.0) else { panic!("an impossible cap was solved") };
        assert!(message.contains("max_agents"), "{message}");
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
