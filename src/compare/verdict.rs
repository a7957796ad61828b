//! The comparison's verdict (docs/model.md §14): per queue, its target,
//! whether A and B meet it overall and in how many judged intervals each
//! misses, and the change in service level, ASA and abandonment; per team,
//! occupancy and shrinkage once. Printed first by `compare`, written to
//! `compare.json` and put at the top of its report.

use serde_json::{Value, json};

use super::{Compared, Comparison, Diff, OneSided};
use crate::error::{Error, Result};
use crate::format::number;
use crate::rows::ScopeKind;
use crate::stats::Metric;

/// One queue's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueVerdict {
    /// The queue's name.
    pub queue: String,
    /// A's service-level target (fraction 0-1).
    pub target: f64,
    /// A's service-level threshold, seconds.
    pub threshold: f64,
    /// B's target, when it differs from A's (fraction 0-1).
    pub b_target: f64,
    /// Service level over the whole run (fraction 0-1), paired.
    pub service_level: Option<Diff>,
    /// ASA (seconds), paired.
    pub asa: Option<Diff>,
    /// Abandon rate (fraction 0-1), paired.
    pub abandon_rate: Option<Diff>,
    /// Intervals with traffic in A or B (pooled over the replications),
    /// leaving out those a side's queue is closed throughout (§10.13).
    pub judged: usize,
    /// Of those, A's intervals whose pooled service level misses A's target.
    pub a_missing: usize,
    /// Of those, B's intervals whose pooled service level misses B's target.
    pub b_missing: usize,
}

impl QueueVerdict {
    /// Whether A meets its target overall (mean service level ≥ target).
    pub fn a_meets(&self) -> Option<bool> {
        self.service_level.as_ref().filter(|d| d.a_mean.is_finite()).map(|d| d.a_mean >= self.target)
    }

    /// Whether B meets its target overall.
    pub fn b_meets(&self) -> Option<bool> {
        self.service_level.as_ref().filter(|d| d.b_mean.is_finite()).map(|d| d.b_mean >= self.b_target)
    }
}

/// One team's verdict: occupancy and shrinkage, paired.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamVerdict {
    /// The team's name.
    pub team: String,
    /// Occupancy (fraction 0-1).
    pub occupancy: Option<Diff>,
    /// Shrinkage (fraction 0-1).
    pub shrinkage: Option<Diff>,
}

/// The verdict of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// A's queues that B has, in A's order.
    pub queues: Vec<QueueVerdict>,
    /// A's teams that B has, in A's order.
    pub teams: Vec<TeamVerdict>,
}

/// The rows the verdict shows, left out of the ranked rows under it.
pub(super) fn in_verdict(scope: ScopeKind, metric: Metric) -> bool {
    matches!(
        (scope, metric),
        (ScopeKind::Queue, Metric::ServiceLevel | Metric::Asa | Metric::AbandonRate)
            | (ScopeKind::Team, Metric::Occupancy | Metric::Shrinkage)
    )
}

/// The verdict of `compared`.
pub fn verdict(c: &Comparison, compared: &Compared) -> Verdict {
    let row = |scope: ScopeKind, name: &str, metric: Metric| {
        compared
            .summary
            .iter()
            .find(|r| r.scope == scope && r.name == name && r.metric == metric)
            .map(|r| r.diff.clone())
    };
    let (a, b) = (&c.a.scenario, &c.b.scenario);
    let queues = a
        .queues
        .iter_enumerated()
        .filter_map(|(ia, q)| {
            let (ib, qb) = b.queues.iter_enumerated().find(|(_, x)| x.name == q.name)?;
            let cells = compared.pooled.iter().filter(|p| p.queue == q.name);
            let (mut judged, mut a_missing, mut b_missing) = (0, 0, 0);
            for p in cells {
                // An interval a side's queue is closed throughout is not judged there (§10.13).
                let open = |sc: &crate::Scenario, id, v: f64| {
                    if sc.open_in_interval(id, p.interval) { v } else { f64::NAN }
                };
                let (sa, sb) = (open(a, ia, p.a_sl()), open(b, ib, p.b_sl()));
                if sa.is_finite() || sb.is_finite() {
                    judged += 1;
                }
                a_missing += usize::from(sa.is_finite() && sa < q.sl_target);
                b_missing += usize::from(sb.is_finite() && sb < qb.sl_target);
            }
            let get = |m: Metric| row(ScopeKind::Queue, &q.name, m);
            Some(QueueVerdict {
                queue: q.name.clone(),
                target: q.sl_target,
                threshold: q.sl_threshold,
                b_target: qb.sl_target,
                service_level: get(Metric::ServiceLevel),
                asa: get(Metric::Asa),
                abandon_rate: get(Metric::AbandonRate),
                judged,
                a_missing,
                b_missing,
            })
        })
        .collect();
    let teams = a
        .teams
        .iter()
        .filter(|t| b.teams.iter().any(|x| x.name == t.name))
        .map(|t| TeamVerdict {
            team: t.name.clone(),
            occupancy: row(ScopeKind::Team, &t.name, Metric::Occupancy),
            shrinkage: row(ScopeKind::Team, &t.name, Metric::Shrinkage),
        })
        .collect();
    Verdict { queues, teams }
}

/// A number as in the CSV files (same rounding), or null for "no value".
fn value(x: f64) -> Value {
    number(x).parse::<f64>().ok().map_or(Value::Null, |v| json!(v))
}

/// A paired difference as JSON fields: `a`, `b`, `diff`, `ci95_low`, `ci95_high`.
fn diff_json(d: Option<&Diff>) -> Value {
    match d {
        Some(d) => json!({
            "a": value(d.a_mean),
            "b": value(d.b_mean),
            "diff": value(d.diff),
            "ci95_low": value(d.low),
            "ci95_high": value(d.high),
            "significant": d.significant,
        }),
        None => Value::Null,
    }
}

/// `compare.json`: the verdict, with what A and B are.
pub(super) fn json_bytes(c: &Comparison, v: &Verdict, one: &[OneSided]) -> Result<Vec<u8>> {
    // Rows only one side has: its mean, null on the other.
    let one_sided: Vec<Value> = one
        .iter()
        .map(|r| {
            let side = |m: Option<f64>| m.map_or(Value::Null, value);
            json!({
                "scope": r.scope.name(),
                "name": r.name,
                "metric": r.metric.name(),
                "a": side(r.a_mean),
                "b": side(r.b_mean),
            })
        })
        .collect();
    let queues: Vec<Value> = v
        .queues
        .iter()
        .map(|q| {
            let sl = q.service_level.as_ref();
            let f = |g: fn(&Diff) -> f64| sl.map_or(Value::Null, |d| value(g(d)));
            json!({
                "queue": q.queue,
                "target": value(q.target),
                "threshold_seconds": value(q.threshold),
                "a": f(|d| d.a_mean),
                "b": f(|d| d.b_mean),
                "diff": f(|d| d.diff),
                "ci95_low": f(|d| d.low),
                "ci95_high": f(|d| d.high),
                "a_meets": q.a_meets(),
                "b_meets": q.b_meets(),
                "judged_intervals": q.judged,
                "a_intervals_missing": q.a_missing,
                "b_intervals_missing": q.b_missing,
                "asa": diff_json(q.asa.as_ref()),
                "abandon_rate": diff_json(q.abandon_rate.as_ref()),
            })
        })
        .collect();
    let teams: Vec<Value> = v
        .teams
        .iter()
        .map(|t| {
            json!({
                "team": t.team,
                "occupancy": diff_json(t.occupancy.as_ref()),
                "shrinkage": diff_json(t.shrinkage.as_ref()),
            })
        })
        .collect();
    let doc = json!({
        "a": c.a_name(),
        "b": c.b_name(),
        "b_differs": c.b_differs,
        "seed": c.a.scenario.seed,
        "replications": c.replications(),
        "routesim_version": env!("CARGO_PKG_VERSION"),
        "queues": queues,
        "teams": teams,
        "one_sided": one_sided,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc)
        .map_err(|e| Error::Write { path: "compare.json".into(), source: std::io::Error::other(e) })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A fraction as a percentage, or `—`.
fn pct(x: f64) -> String {
    if x.is_finite() { format!("{:.1}%", 100.0 * x) } else { "—".into() }
}

/// A difference with its interval, in `unit` (`pts` for fractions, `s`).
fn change(d: Option<&Diff>, fraction: bool) -> String {
    let Some(d) = d.filter(|d| d.diff.is_finite()) else { return "—".into() };
    let f = |v: f64| if fraction { format!("{:+.1}", 100.0 * v) } else { format!("{v:+.1}s") };
    let pts = if fraction { " pts" } else { "" };
    if d.low.is_finite() && d.high.is_finite() && d.low != d.high {
        format!("{}{pts} [{}, {}]", f(d.diff), f(d.low), f(d.high))
    } else {
        format!("{}{pts}", f(d.diff))
    }
}

/// A and B's values and the change: "96.1% → 85.0%, -11.1 pts [-11.8, -10.3]".
fn from_to(d: Option<&Diff>, fraction: bool) -> String {
    let v = |x: f64| {
        if !x.is_finite() {
            "—".to_owned()
        } else if fraction {
            pct(x)
        } else {
            format!("{x:.1}s")
        }
    };
    match d {
        Some(d) => format!("{} → {}, {}", v(d.a_mean), v(d.b_mean), change(Some(d), fraction)),
        None => "—".into(),
    }
}

/// The verdict as printed: a few lines per queue, one per team.
pub(super) fn lines(v: &Verdict) -> String {
    let mut o = String::new();
    let word = |m: Option<bool>| match m {
        Some(true) => "meets",
        Some(false) => "MISSES",
        None => "—",
    };
    for q in &v.queues {
        let sl = q.service_level.as_ref();
        let target = format!("{:.0}% within {}", 100.0 * q.target, crate::format::number(q.threshold));
        o.push_str(&format!(
            "queue {}: target {target} s; A {} it ({}), {} of {} intervals miss; B {} it ({}), {} of {} miss\n",
            q.queue,
            word(q.a_meets()),
            sl.map_or("—".into(), |d| pct(d.a_mean)),
            q.a_missing,
            q.judged,
            word(q.b_meets()),
            sl.map_or("—".into(), |d| pct(d.b_mean)),
            q.b_missing,
            q.judged,
        ));
        o.push_str(&format!("  service level {}\n", from_to(sl, true)));
        o.push_str(&format!("  ASA           {}\n", from_to(q.asa.as_ref(), false)));
        o.push_str(&format!("  abandoned     {}\n", from_to(q.abandon_rate.as_ref(), true)));
    }
    for t in &v.teams {
        o.push_str(&format!(
            "team {}: occupancy {}; shrinkage {}\n",
            t.team,
            from_to(t.occupancy.as_ref(), true),
            from_to(t.shrinkage.as_ref(), true)
        ));
    }
    o
}
