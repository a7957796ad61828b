//! How numbers, durations and clock labels are written: the one place
//! every result file, chart and printed table takes them from, so the
//! same value is never written two ways.
//!
//! At the bottom of the crate: it depends on nothing in it but [`crate::time`].
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

/// Day number (from 0) and `HH:MM` of an instant, seconds since the start of day 0.
pub fn day_clock(secs: f64) -> (u64, String) {
    let day = (secs / DAY).floor();
    let in_day = (secs - day * DAY).round() as u64;
    (day as u64, format!("{:02}:{:02}", in_day / 3600, (in_day % 3600) / 60))
}

/// `HH:MM` of an instant, or `dD HH:MM` with `with_day` (a horizon longer
/// than a day): the start labels of staffing.csv and of interval axes.
pub fn day_label(secs: f64, with_day: bool) -> String {
    let (day, clock) = day_clock(secs);
    if with_day { format!("d{day} {clock}") } else { clock }
}

/// `HH:MM` of an instant, or `day D HH:MM` with `with_day`: the printed table's words.
pub fn day_words(secs: f64, with_day: bool) -> String {
    let (day, clock) = day_clock(secs);
    if with_day { format!("day {day} {clock}") } else { clock }
}

/// `HH:MM` of an hour value (hours since the start of day 0, to the
/// nearest minute), with `day N ` in front on multi-day runs: the time
/// axes of a run's charts.
pub fn hours_label(h: f64, multi_day: bool) -> String {
    let mins = (h * 60.0).round().max(0.0) as u64;
    let (day, m) = (mins / 1440, mins % 1440);
    let hm = format!("{:02}:{:02}", m / 60, m % 60);
    if multi_day { format!("day {day} {hm}") } else { hm }
}

/// Hours since the start of day 0 of a [`day_label`] (`HH:MM` or `dD HH:MM`).
pub fn label_hours(label: &str) -> Option<f64> {
    let (day, clock) = match label.trim().strip_prefix('d') {
        Some(rest) => {
            let (d, c) = rest.split_once(' ')?;
            (d.parse::<f64>().ok()?, c)
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
        assert_eq!(day_label(DAY + 6.0 * 3600.0, true), "d1 06:00");
        assert_eq!(day_label(9.5 * 3600.0, false), "09:30");
        assert_eq!(day_words(DAY + 6.0 * 3600.0, true), "day 1 06:00");
    }

    #[test]
    fn chart_axis_labels_show_the_day_on_multi_day_runs() {
        assert_eq!(hours_label(9.5, false), "09:30");
        assert_eq!(hours_label(33.0, true), "day 1 09:00");
    }

    #[test]
    fn day_labels_read_back_as_hours() {
        assert_eq!(label_hours("09:30"), Some(9.5));
        assert_eq!(label_hours("d1 06:00"), Some(30.0));
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
