//! How numbers, durations and clock columns are written: the one place
//! every result file, chart and printed table takes them from, so the
//! same value is never written two ways.
//!
//! At the bottom of the crate: it depends on nothing in it but `crate::time`.
//! [`Num`] is a number of a result file's typed row: it serializes through
//! [`number`] and reads an empty field back as "no value" (NaN).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::DAY;

/// A number as written in result files: up to 6 decimals, trailing zeros
/// dropped, empty for "no value" (NaN).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

/// Day index (from 0) and `HH:MM` of an instant, seconds since the start of
/// the first day: the `day` and `start` columns of the result files. Labels
/// for a reader come from [`crate::calendar::Calendar`].
pub fn day_clock(secs: f64) -> (u64, String) {
    let day = (secs / DAY).floor();
    let in_day = (secs - day * DAY).round() as u64;
    (day as u64, format!("{:02}:{:02}", in_day / 3600, (in_day % 3600) / 60))
}

/// A duration in the units a person reads it in, the two largest that
/// matter: `0.4 s`, `12.3 s`, `12 min 5 s`, `4 h`, `12 h 4 min`, `2 d 3 h`;
/// negative with a leading `-`, empty for "no value" (NaN). Each form is
/// rounded to its smallest unit, carrying over (3,599.7 s is `1 h`).
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return String::new();
    }
    if secs < 0.0 {
        let d = duration(-secs);
        return if d == "0 s" { d } else { format!("-{d}") };
    }
    let pair = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big} {big_unit}")
        } else {
            format!("{big} {big_unit} {small} {small_unit}")
        }
    };
    if (secs * 10.0).round() < 600.0 {
        let t = format!("{secs:.1}");
        return format!("{} s", t.trim_end_matches('0').trim_end_matches('.'));
    }
    let s = secs.round() as u64;
    if s < 3600 {
        return pair(s / 60, "min", s % 60, "s");
    }
    let m = (secs / 60.0).round() as u64;
    if m < 1440 {
        return pair(m / 60, "h", m % 60, "min");
    }
    let h = (secs / 3600.0).round() as u64;
    pair(h / 24, "d", h % 24, "h")
}

/// Hours since the start of day 1 of an undated interval label
/// ([`crate::calendar::Calendar::label`]: `HH:MM` or `day N HH:MM`, N from 1).
pub fn label_hours(label: &str) -> Option<f64> {
    let (day, clock) = match label.trim().strip_prefix("day ") {
        Some(rest) => {
            let (d, c) = rest.split_once(' ')?;
            (d.parse::<f64>().ok()?.max(1.0) - 1.0, c)
        }
        None => (0.0, label.trim()),
    };
    let (h, m) = clock.split_once(':')?;
    Some(day * 24.0 + h.parse::<f64>().ok()? + m.parse::<f64>().ok()? / 60.0)
}

/// A number of a result file: written by [`number`] (empty for NaN), read
/// back with an empty field as NaN.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Num(pub f64);

impl Num {
    /// The value as the file holds it: rounded as [`number`] writes it
    /// (NaN for no value), so values taken from memory and values read
    /// from a file are the same.
    pub fn written(self) -> f64 {
        number(self.0).parse().unwrap_or(f64::NAN)
    }
}

impl From<f64> for Num {
    fn from(x: f64) -> Num {
        Num(x)
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&number(self.0))
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&number(self.0))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        let text = String::deserialize(d)?;
        let text = text.trim();
        if text.is_empty() {
            return Ok(Num(f64::NAN));
        }
        text.parse().map(Num).map_err(|_| serde::de::Error::custom(format!("`{text}` is not a number")))
    }
}

/// The groups carrying a staffing array, in words: `group a`, or `groups a, b`
/// when a team's groups share it (docs/model.md §13.1); the printed answer
/// and report.html both say it this way.
pub fn groups_words<S: AsRef<str>>(groups: &[S]) -> String {
    let names: Vec<&str> = groups.iter().map(AsRef::as_ref).collect();
    match names.as_slice() {
        [one] => format!("group {one}"),
        many => format!("groups {}", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1800.0), "1800");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(-0.0000001), "0");
        assert_eq!(number(17.123_456_78), "17.123457");
    }

    #[test]
    fn clock_labels() {
        assert_eq!(day_clock(0.0), (0, "00:00".into()));
        assert_eq!(day_clock(DAY + 9.5 * 3600.0), (1, "09:30".into()));
    }

    #[test]
    fn durations_read_in_the_units_a_person_uses() {
        // The examples: a threshold of 14400 s and a wait of 43456.9 s.
        assert_eq!(duration(14_400.0), "4 h");
        assert_eq!(duration(43_456.9), "12 h 4 min");
        assert_eq!(duration(725.0), "12 min 5 s");
        assert_eq!(duration(90.0), "1 min 30 s");
        assert_eq!(duration(60.0), "1 min");
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(12.34), "12.3 s");
        assert_eq!(duration(0.04), "0 s");
        assert_eq!(duration(0.0), "0 s");
        assert_eq!(duration(172_800.0), "2 d");
        assert_eq!(duration(97_200.0), "1 d 3 h");
        assert_eq!(duration(-12.5), "-12.5 s");
        assert_eq!(duration(-0.01), "0 s");
        assert_eq!(duration(f64::NAN), "");
    }

    #[test]
    fn durations_carry_when_they_round_up() {
        assert_eq!(duration(59.97), "1 min");
        assert_eq!(duration(3599.7), "1 h");
        assert_eq!(duration(86_399.0), "1 d");
        assert_eq!(duration(3659.0), "1 h 1 min");
    }

    #[test]
    fn day_labels_read_back_as_hours() {
        assert_eq!(label_hours("09:30"), Some(9.5));
        assert_eq!(label_hours("day 2 06:00"), Some(30.0));
        assert_eq!(label_hours("day 1 06:00"), Some(6.0));
        assert_eq!(label_hours("nine"), None);
    }

    #[test]
    fn a_written_number_reads_back_to_the_same_text() {
        for x in [0.1 + 0.2, 17.123_456_78, 1e17, -3.5, 0.000_000_4] {
            assert_eq!(number(Num(x).written()), number(x), "{x}");
        }
        assert!(Num(f64::NAN).written().is_nan());
    }
}
