//! Words for the reader of a report: each summary metric's plain label (one
//! table, keyed by [`Metric`], so a label cannot belong to the wrong
//! figure; the file's key is shown beside it in small print), which
//! metrics are the team's figures (shown once, under the teams, not again
//! under every queue they serve), and values in their unit as a person
//! reads them (`91.2%`, `12 min 5 s`, `952.0 agent-hours`), with their 95%
//! intervals apart, so a page can show them in smaller print.

use crate::format;
use crate::stats::{Metric, Unit};

/// A metric's plain label.
pub(crate) fn label(metric: Metric) -> &'static str {
    match metric {
        Metric::Offered => "Offered",
        Metric::Answered => "Answered",
        Metric::Abandoned => "Abandoned",
        Metric::Requeued => "Put back in the queue",
        Metric::Stranded => "Left with an agent gone offline",
        Metric::Unresolved => "Never answered",
        Metric::ServiceLevel => "Service level",
        Metric::SlTarget => "Service-level target",
        Metric::TargetMet => "Replications meeting the target",
        Metric::Asa => "Average speed of answer",
        Metric::WaitP50 => "Median wait",
        Metric::WaitP90 => "Wait, 90th percentile",
        Metric::WaitP99 => "Wait, 99th percentile",
        Metric::AbandonRate => "Abandon rate",
        Metric::QueueAvg => "Average queue length",
        Metric::Aht => "Average handle time",
        Metric::Occupancy => "Occupancy",
        Metric::CapacityUtilisation => "Capacity used",
        Metric::Shrinkage => "Shrinkage",
        Metric::LoggedIn => "Time logged in",
        Metric::Offers => "Offers made",
        Metric::MissedOffers => "Offers missed",
        Metric::AcceptWait => "Time to accept an offer",
    }
}

/// Whether `metric` is a figure of the agents (their time, occupancy,
/// shrinkage): a queue's value is its serving teams' figure, so a report
/// shows it once per team rather than under each queue.
pub(crate) fn team_figure(metric: Metric) -> bool {
    matches!(metric, Metric::Occupancy | Metric::CapacityUtilisation | Metric::Shrinkage | Metric::LoggedIn)
}

/// `12.3%` of a fraction, empty for no value.
pub(crate) fn pct(v: f64) -> String {
    if v.is_finite() { format!("{:.1}%", v * 100.0) } else { String::new() }
}

/// One value in `unit`, as a person reads it; empty for no value.
pub(crate) fn show(unit: Unit, v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    match unit {
        Unit::Fraction => pct(v),
        Unit::Seconds => format::duration(v),
        Unit::AgentSeconds => format!("{:.1} agent-hours", v / 3600.0),
        // Whole numbers from a hundred up: a tenth of a conversation in 298,836 says nothing.
        Unit::Count if v.abs() >= 100.0 => format::number(v.round()),
        Unit::Count => format::number((v * 10.0).round() / 10.0),
    }
}

/// The 95% interval of a mean in brackets, in `unit`, when it has one
/// (both ends values, not equal).
pub(crate) fn band(unit: Unit, mean: f64, low: f64, high: f64) -> Option<String> {
    let some = mean.is_finite() && low.is_finite() && high.is_finite() && low != high;
    some.then(|| format!("[{}, {}]", show(unit, low), show(unit, high)))
}

/// A difference B − A in `unit`, signed: percentage points for fractions.
pub(crate) fn signed(unit: Unit, d: f64) -> String {
    if !d.is_finite() {
        return String::new();
    }
    // A difference that rounds to nothing is written without a sign.
    let (text, zero) = match unit {
        Unit::Fraction => (format!("{:.1} pts", d * 100.0), format!("{:.1} pts", 0.0)),
        _ => (show(unit, d), show(unit, 0.0)),
    };
    let text = text.trim_start_matches('-');
    if text == zero {
        zero
    } else if d > 0.0 {
        format!("+{text}")
    } else {
        format!("-{text}")
    }
}

/// The 95% interval of a difference in brackets, signed ([`signed`]), when it has one.
pub(crate) fn signed_band(unit: Unit, d: f64, low: f64, high: f64) -> Option<String> {
    let some = d.is_finite() && low.is_finite() && high.is_finite() && low != high;
    some.then(|| format!("[{}, {}]", signed(unit, low), signed(unit, high)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_its_own_plain_label() {
        let mut seen = std::collections::BTreeSet::new();
        for m in Metric::ALL {
            let l = label(m);
            assert!(seen.insert(l), "two metrics share the label {l:?}");
            assert!(!l.contains('_') && l != m.name(), "{m:?} has no plain label: {l:?}");
        }
        assert_eq!(label(Metric::CapacityUtilisation), "Capacity used");
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(show(Unit::Fraction, 0.9123), "91.2%");
        assert_eq!(show(Unit::Seconds, 43_456.9), "12 h 4 min");
        assert_eq!(show(Unit::AgentSeconds, 3_427_200.0), "952.0 agent-hours");
        assert_eq!(show(Unit::Count, 834.25), "834");
        assert_eq!(show(Unit::Count, 12.34), "12.3");
        assert_eq!(show(Unit::Count, f64::NAN), "");
        assert_eq!(band(Unit::Seconds, 30.0, 20.0, 45.0).as_deref(), Some("[20 s, 45 s]"));
        assert_eq!(band(Unit::Fraction, 0.5, 0.5, 0.5), None);
        assert_eq!(band(Unit::Fraction, 0.5, f64::NAN, 0.6), None);
        assert_eq!(
            signed_band(Unit::Fraction, -0.096, -0.12, -0.07).as_deref(),
            Some("[-12.0 pts, -7.0 pts]")
        );
        assert_eq!(signed(Unit::Seconds, 28.5), "+28.5 s");
        assert_eq!(signed(Unit::Seconds, -90.0), "-1 min 30 s");
        assert_eq!(signed(Unit::Fraction, -0.000_4), "0.0 pts");
        assert_eq!(signed(Unit::Count, 0.04), "0");
        assert_eq!(signed(Unit::Count, -122.0), "-122");
    }

    #[test]
    fn agent_figures_are_the_teams() {
        let team: Vec<Metric> = Metric::ALL.into_iter().filter(|m| team_figure(*m)).collect();
        assert_eq!(
            team,
            [Metric::Occupancy, Metric::CapacityUtilisation, Metric::Shrinkage, Metric::LoggedIn]
        );
    }
}
