//! Staffing targets: a metric, a direction and a bound (`service_level>=0.8`,
//! `asa<=30s`, `abandon_rate<=0.05`, `occupancy<=0.85`), parsed from the
//! planner's words. Below `staffing` (which judges results against them)
//! and `plot` (which draws them on the capacity charts), so neither
//! depends on the other.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::scenario::parse_duration;

/// One staffing target: a metric, a direction and a bound, all of which must hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The metric judged.
    pub goal: Goal,
    /// The bound, in the metric's unit (fraction 0-1 or seconds).
    pub value: f64,
}

/// A metric a target can bound, with the direction that is good for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Service level at least the bound (fraction 0-1).
    ServiceLevel,
    /// Average speed of answer at most the bound (seconds).
    Asa,
    /// Abandonment rate at most the bound (fraction 0-1).
    AbandonRate,
    /// Occupancy at most the bound (fraction 0-1).
    Occupancy,
}

/// Every goal, in the order they are written in help and tables.
pub const GOALS: [Goal; 4] = [Goal::ServiceLevel, Goal::Asa, Goal::AbandonRate, Goal::Occupancy];

impl Goal {
    /// The metric's name as written in targets and result files.
    pub fn name(self) -> &'static str {
        match self {
            Goal::ServiceLevel => "service_level",
            Goal::Asa => "asa",
            Goal::AbandonRate => "abandon_rate",
            Goal::Occupancy => "occupancy",
        }
    }

    /// Whether larger values are better (only the service level).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Goal::ServiceLevel)
    }

    /// The comparison a target on this goal must use.
    pub fn operator(self) -> &'static str {
        if self.higher_is_better() { ">=" } else { "<=" }
    }
}

impl Target {
    /// Whether `value` of the goal's metric meets the target. A value that
    /// is not a number (no traffic) meets nothing but is not a miss either:
    /// callers decide; this returns `true` for NaN so an empty interval never
    /// demands agents.
    pub fn holds(&self, value: f64) -> bool {
        if value.is_nan() {
            return true;
        }
        if self.goal.higher_is_better() { value >= self.value } else { value <= self.value }
    }

    /// How far `value` is from the bound on the good side (negative: a miss),
    /// in the metric's unit.
    pub fn slack(&self, value: f64) -> f64 {
        if self.goal.higher_is_better() { value - self.value } else { self.value - value }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.goal {
            Goal::Asa => write!(f, "asa<={}s", self.value),
            g => write!(f, "{}{}{}", g.name(), g.operator(), self.value),
        }
    }
}

impl FromStr for Target {
    type Err = Error;

    /// Parses `service_level>=0.8` (or `>=80%`), `asa<=30s`,
    /// `abandon_rate<=0.05` (or `<=5%`), `occupancy<=0.85`.
    fn from_str(text: &str) -> Result<Target, Error> {
        let bad = |problem: String| Error::Target { text: text.to_owned(), problem };
        let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (name, op, bound) = ["<=", ">=", "<", ">", "="]
            .iter()
            .find_map(|op| s.split_once(op).map(|(n, b)| (n, *op, b)))
            .ok_or_else(|| {
                bad("write a metric, a comparison and a bound, e.g. service_level>=0.8, asa<=30s, \
                     abandon_rate<=0.05 or occupancy<=0.85"
                    .into())
            })?;
        let goal = GOALS.iter().copied().find(|g| g.name() == name).ok_or_else(|| {
            let names: Vec<&str> = GOALS.iter().map(|g| g.name()).collect();
            bad(format!("unknown metric `{name}`; targets can bound {}", names.join(", ")))
        })?;
        if op != goal.operator() {
            return Err(bad(format!(
                "{} is bounded {} (write {}{}{bound})",
                goal.name(),
                if goal.higher_is_better() { "from below" } else { "from above" },
                goal.name(),
                goal.operator()
            )));
        }
        let value = match goal {
            Goal::Asa => parse_duration(bound).map_err(bad)?,
            _ => fraction(bound).map_err(bad)?,
        };
        Ok(Target { goal, value })
    }
}

/// A fraction written `0.8` or `80%`, between 0 and 1.
fn fraction(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (text, 1.0),
    };
    let value = number
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(|v| v * scale)
        .ok_or_else(|| format!("`{text}` is not a fraction; write e.g. 0.8 or 80%"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("`{text}` is outside 0-1 (0%-100%)"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Target, String> {
        s.parse::<Target>().map_err(|e| e.to_string())
    }

    #[test]
    fn targets_parse_in_the_planners_words() {
        assert_eq!(parse("service_level>=0.8"), Ok(Target { goal: Goal::ServiceLevel, value: 0.8 }));
        assert_eq!(parse("service_level >= 80%"), Ok(Target { goal: Goal::ServiceLevel, value: 0.8 }));
        assert_eq!(parse("asa<=30s"), Ok(Target { goal: Goal::Asa, value: 30.0 }));
        assert_eq!(parse("asa<=1m"), Ok(Target { goal: Goal::Asa, value: 60.0 }));
        assert_eq!(parse("abandon_rate<=5%"), Ok(Target { goal: Goal::AbandonRate, value: 0.05 }));
        assert_eq!(parse("occupancy<=0.85"), Ok(Target { goal: Goal::Occupancy, value: 0.85 }));
    }

    #[test]
    fn bad_targets_say_what_to_write() {
        let e = parse("service_level<=0.8").unwrap_err();
        assert!(e.contains("service_level>=0.8"), "{e}");
        let e = parse("speed<=3").unwrap_err();
        assert!(e.contains("unknown metric `speed`") && e.contains("abandon_rate"), "{e}");
        let e = parse("asa<=30").unwrap_err();
        assert!(e.contains("unit"), "{e}");
        let e = parse("occupancy<=1.5").unwrap_err();
        assert!(e.contains("outside 0-1"), "{e}");
        let e = parse("service_level").unwrap_err();
        assert!(e.contains("e.g. service_level>=0.8"), "{e}");
    }

    #[test]
    fn holds_and_slack_follow_the_direction() {
        let sl: Target = "service_level>=0.8".parse().unwrap();
        assert!(sl.holds(0.8) && sl.holds(0.9) && !sl.holds(0.79));
        assert!((sl.slack(0.9) - 0.1).abs() < 1e-12);
        let asa: Target = "asa<=30s".parse().unwrap();
        assert!(asa.holds(30.0) && !asa.holds(30.1));
        assert!(asa.slack(40.0) < 0.0);
        assert!(asa.holds(f64::NAN));
    }
}
