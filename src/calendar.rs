//! The calendar: which date, if any, a scenario's first day is, and how an
//! instant of simulated time is labelled for a reader. The one owner of
//! interval labels: every printed table, result file and chart takes its
//! day and clock words from here, so "d1 05:30" and "day 1 05:30" cannot
//! both exist.
//!
//! At the bottom of the crate: it depends on nothing in it but
//! `crate::time`, and on `jiff` for dates, weekdays and their formats.
//!
//! The rule (docs/model.md §10.12, "The calendar"): simulated time starts at
//! midnight of day 1. With a start date, day 1 is that date and a label is
//! `Mon 07 Dec 10:30`; without one, a label is `day 1 10:30` on runs
//! longer than a day and `10:30` otherwise.

pub use jiff::civil::Date;

use crate::time::DAY;

/// Which date simulated day 1 is, if one is known (`start_date`, or the
/// first date of a dated forecast).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Calendar {
    start: Option<Date>,
}

impl Calendar {
    /// No date known: days are numbered from 1.
    pub const UNDATED: Calendar = Calendar { start: None };

    /// Day 1 is `start`.
    pub fn dated(start: Date) -> Calendar {
        Calendar { start: Some(start) }
    }

    /// The first day's date, if one is known.
    pub fn start(&self) -> Option<Date> {
        self.start
    }

    /// The date of the day holding `secs` (seconds since the start of
    /// day 1), if the calendar is dated and the date is representable.
    pub fn date_of(&self, secs: f64) -> Option<Date> {
        let (day, _) = day_and_minute(secs);
        add_days(self.start?, day as i64)
    }

    /// The label of an instant: `Mon 07 Dec 10:30` when dated; else
    /// `day 1 10:30` with `multi_day`, `10:30` without.
    pub fn label(&self, secs: f64, multi_day: bool) -> String {
        let (day, minute) = day_and_minute(secs);
        let clock = format!("{:02}:{:02}", minute / 60, minute % 60);
        match self.date_of(secs) {
            Some(date) => format!("{} {clock}", day_words(date)),
            None if multi_day => format!("day {} {clock}", day + 1),
            None => clock,
        }
    }

    /// A time axis's label of an hour value (hours since the start of
    /// day 1, to the nearest minute): `HH:MM`; on multi-day charts a
    /// midnight is the day itself (`Mon 07 Dec`, or `day 2`), so labels
    /// stay short and each day is named where it starts.
    pub fn axis(&self, hours: f64, multi_day: bool) -> String {
        let minutes = (hours * 60.0).round().max(0.0) as u64;
        let (day, m) = (minutes / 1440, minutes % 1440);
        if multi_day && m == 0 { self.day_name(day) } else { format!("{:02}:{:02}", m / 60, m % 60) }
    }

    /// Day `day` (from 0 in simulated time) in words: `Mon 07 Dec` or `day 1`.
    pub fn day_name(&self, day: u64) -> String {
        match self.start.and_then(|s| add_days(s, day as i64)) {
            Some(date) => day_words(date),
            None => format!("day {}", day + 1),
        }
    }

    /// The `date` (`YYYY-MM-DD`) and `weekday` (`Mon`..`Sun`) cells of the
    /// interval starting at `secs`, when dated.
    pub fn date_cells(&self, secs: f64) -> Option<(String, String)> {
        let date = self.date_of(secs)?;
        Some((date.strftime("%Y-%m-%d").to_string(), date.strftime("%a").to_string()))
    }
}

/// How a chart's title names a span of `days` days: `over the day`,
/// `over the week` (seven days), `over 3 days`.
pub fn over(days: u64) -> String {
    match days {
        0 | 1 => "over the day".to_owned(),
        7 => "over the week".to_owned(),
        n => format!("over {n} days"),
    }
}

/// Whole days and the minute of the day of an instant, seconds since the
/// start of day 1 (rounded to the minute within its day).
fn day_and_minute(secs: f64) -> (u64, u64) {
    let day = (secs / DAY).floor().max(0.0);
    let in_day = ((secs - day * DAY).max(0.0) / 60.0).round() as u64;
    // 23:59:40 rounds to the next midnight: that is the next day.
    (day as u64 + in_day / 1440, in_day % 1440)
}

/// The calendar a result folder's scenario text gives (its `start_date`,
/// written there by every command, docs/model.md §10.12): what charts and
/// report.html read the dates back from.
pub fn of_scenario_text(text: &str) -> Calendar {
    let doc = text.parse::<toml_edit::DocumentMut>().ok();
    let start = doc.as_ref().and_then(|d| d.get("start_date")).and_then(|v| v.as_str()).and_then(parse_date);
    start.map_or(Calendar::UNDATED, Calendar::dated)
}

/// `Mon 07 Dec`.
fn day_words(date: Date) -> String {
    date.strftime("%a %d %b").to_string()
}

/// A date written `YYYY-MM-DD` (exactly that form), if it is a real date.
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.as_bytes();
    let shape = t.len() == 10
        && t[4] == b'-'
        && t[7] == b'-'
        && t.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::strptime("%Y-%m-%d", text).ok()
}

/// A date written with a `strftime`-style format such as `%d.%m.%Y`.
pub fn parse_date_as(text: &str, format: &str) -> Option<Date> {
    Date::strptime(format, text).ok()
}

/// `YYYY-MM-DD` of a date.
pub fn iso(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

/// `date` plus `days` (negative: earlier), if representable.
pub fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().try_days(days).ok()?).ok()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// The weekday of `date`, 0 for Monday to 6 for Sunday.
pub fn weekday_from_monday(date: Date) -> u8 {
    date.weekday().to_monday_zero_offset() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec7() -> Calendar {
        Calendar::dated(parse_date("2026-12-07").expect("a real date"))
    }

    #[test]
    fn dated_labels_carry_weekday_and_date() {
        let c = dec7();
        assert_eq!(c.label(10.5 * 3600.0, false), "Mon 07 Dec 10:30");
        assert_eq!(c.label(6.0 * DAY + 3600.0, true), "Sun 13 Dec 01:00");
        assert_eq!(c.date_cells(DAY), Some(("2026-12-08".into(), "Tue".into())));
        assert_eq!(c.axis(48.0, true), "Wed 09 Dec");
        assert_eq!(c.axis(33.0, true), "09:00");
    }

    #[test]
    fn titles_say_over_the_week_when_they_are() {
        assert_eq!(over(1), "over the day");
        assert_eq!(over(7), "over the week");
        assert_eq!(over(3), "over 3 days");
    }

    #[test]
    fn undated_days_count_from_one() {
        let c = Calendar::UNDATED;
        assert_eq!(c.label(9.5 * 3600.0, false), "09:30");
        assert_eq!(c.label(9.5 * 3600.0, true), "day 1 09:30");
        assert_eq!(c.label(DAY + 6.0 * 3600.0, true), "day 2 06:00");
        assert_eq!(c.axis(0.0, true), "day 1");
        assert_eq!(c.axis(48.0, true), "day 3");
        assert_eq!(c.axis(24.0, false), "00:00");
        assert_eq!(c.date_cells(0.0), None);
    }

    #[test]
    fn a_label_rounding_up_to_midnight_names_the_next_day() {
        assert_eq!(Calendar::UNDATED.label(DAY - 10.0, true), "day 2 00:00");
        assert_eq!(dec7().label(DAY - 10.0, true), "Tue 08 Dec 00:00");
    }

    #[test]
    fn dates_are_read_strictly_and_counted_across_leap_days() {
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2026-1-07"), None);
        assert_eq!(parse_date("07.12.2026"), None);
        let feb28 = parse_date("2024-02-28").expect("a real date");
        assert_eq!(iso(add_days(feb28, 2).expect("in range")), "2024-03-01");
        assert_eq!(days_between(feb28, parse_date("2024-03-01").expect("a real date")), 2);
        assert_eq!(weekday_from_monday(parse_date("2026-12-07").expect("a real date")), 0);
        assert_eq!(parse_date_as("07.12.2026", "%d.%m.%Y"), parse_date("2026-12-07"));
    }
}
