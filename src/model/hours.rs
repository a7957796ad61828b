//! A queue's business hours (docs/model.md §10.13): when it is open, and
//! how much open time lies between two instants — the "response business
//! time" its service level and speed of answer are measured in.
//!
//! Written in a scenario as a weekly list (`"mon-fri 08:00-18:00"`,
//! `"sat 10:00-14:00"`; a day not listed is closed) and dated closures
//! (`closed = ["2026-12-25"]`). [`Week::parse`] reads the list;
//! [`Hours::new`] lays the week over the simulated days once, when the
//! scenario is loaded, as sorted open windows with the open time before
//! each, so every question the engine asks is one binary search over a
//! plain vector: no allocation, nothing hashed.

use crate::time::DAY;

/// Day names as written, Monday first (index 0 is Monday).
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The weekly pattern of open windows: for each weekday (Monday first),
/// sorted, merged windows as (start, end) seconds since midnight.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Week {
    days: [Vec<(f64, f64)>; 7],
}

impl Week {
    /// Reads a list of entries such as `"mon-fri 08:00-12:00, 13:00-18:00"`:
    /// days (a name, a range `mon-fri`, or several joined by commas), then
    /// one or more clock ranges `HH:MM-HH:MM` (`24:00` ends a day).
    /// Overlapping windows merge. On error, the message names the entry.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Week, String> {
        if entries.is_empty() {
            return Err("lists no open hours; give at least one entry such as \"mon-fri 08:00-18:00\", \
                        or leave `hours` out for a queue that is always open"
                .to_owned());
        }
        let mut week = Week::default();
        for entry in entries {
            let entry = entry.as_ref();
            let (days, windows) = parse_entry(entry).map_err(|why| format!("\"{entry}\": {why}"))?;
            for (open, day) in days.iter().zip(&mut week.days) {
                if *open {
                    day.extend_from_slice(&windows);
                }
            }
        }
        for day in &mut week.days {
            *day = merge(std::mem::take(day));
        }
        Ok(week)
    }

    /// The open windows of weekday `d` (0 = Monday), seconds since midnight.
    pub fn day(&self, d: usize) -> &[(f64, f64)] {
        &self.days[d % 7]
    }

    /// Open seconds in a whole week.
    pub fn open_per_week(&self) -> f64 {
        self.days.iter().flatten().map(|(s, e)| e - s).sum()
    }
}

/// An entry read: which weekdays (Monday first) and their windows.
type Entry = ([bool; 7], Vec<(f64, f64)>);

/// The days and windows of one entry.
fn parse_entry(entry: &str) -> Result<Entry, String> {
    let mut words = entry.split_whitespace();
    let Some(day_word) = words.next() else {
        return Err("is empty; write days then hours, e.g. \"mon-fri 08:00-18:00\"".to_owned());
    };
    let days = parse_days(day_word)?;
    let mut windows = Vec::new();
    for range in words.flat_map(|w| w.split(',')).filter(|w| !w.is_empty()) {
        windows.push(parse_range(range)?);
    }
    if windows.is_empty() {
        return Err("gives days but no hours; add them, e.g. \"mon-fri 08:00-18:00\"".to_owned());
    }
    Ok((days, windows))
}

/// `mon`, `mon-fri`, `sat,sun`, `fri-mon` (a range may wrap past Sunday).
fn parse_days(word: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for part in word.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day_index(a)?, day_index(b)?);
                let mut d = a;
                loop {
                    days[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days[day_index(part)?] = true,
        }
    }
    Ok(days)
}

/// A day name (three letters or in full, any case) → 0 (Monday) to 6.
fn day_index(word: &str) -> Result<usize, String> {
    let w = word.to_ascii_lowercase();
    const FULL: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    DAYS.iter()
        .zip(FULL)
        .position(|(short, full)| w == *short || w == full)
        .ok_or_else(|| format!("`{word}` is not a day; write mon, tue, wed, thu, fri, sat or sun"))
}

/// `08:00-18:00` → seconds since midnight; the end is after the start.
fn parse_range(range: &str) -> Result<(f64, f64), String> {
    let Some((a, b)) = range.split_once('-') else {
        return Err(format!("`{range}` is not a range of hours; write it as 08:00-18:00"));
    };
    let (start, end) = (clock(a)?, clock(b)?);
    if end <= start {
        return Err(format!(
            "`{range}` ends before it starts; a window past midnight is two windows, e.g. \
             \"mon 22:00-24:00\" and \"tue 00:00-02:00\""
        ));
    }
    Ok((start, end))
}

/// `HH:MM` from 00:00 to 24:00 → seconds since midnight.
fn clock(text: &str) -> Result<f64, String> {
    let bad = || format!("`{text}` is not a time of day; write HH:MM from 00:00 to 24:00");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) || text.len() > 5 {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60))
}

/// Sorts and joins overlapping or touching windows.
fn merge(mut windows: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(windows.len());
    for (s, e) in windows {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// A queue's open time laid over the simulated days: sorted, disjoint open
/// windows in seconds since the start of day 1, and the open seconds
/// before each. After the last day laid out, the queue counts as closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Hours {
    /// Window starts, ascending.
    starts: Vec<f64>,
    /// Window ends, ascending (`ends[i] > starts[i]`).
    ends: Vec<f64>,
    /// `before[i]`: open seconds before window `i`; `before[n]` is the total.
    before: Vec<f64>,
}

impl Hours {
    /// Lays `week` over `days` simulated days, day 1 being weekday `first`
    /// (0 = Monday), with the days numbered (from 0) in `closed` shut.
    /// Windows that meet across midnight join into one.
    pub fn new(week: &Week, first: usize, days: u64, closed: &[u64]) -> Hours {
        let mut windows: Vec<(f64, f64)> = Vec::new();
        for day in 0..days {
            if closed.contains(&day) {
                continue;
            }
            let base = day as f64 * DAY;
            for &(s, e) in week.day(first + day as usize) {
                match windows.last_mut() {
                    Some(last) if last.1 >= base + s => last.1 = base + e,
                    _ => windows.push((base + s, base + e)),
                }
            }
        }
        let mut before = Vec::with_capacity(windows.len() + 1);
        let mut sum = 0.0;
        before.push(sum);
        for (s, e) in &windows {
            sum += e - s;
            before.push(sum);
        }
        let (starts, ends) = windows.into_iter().unzip();
        Hours { starts, ends, before }
    }

    /// Open seconds from the start of day 1 to `t`.
    #[inline]
    pub fn open_until(&self, t: f64) -> f64 {
        // Windows `0..i` end at or before `t`.
        let i = self.ends.partition_point(|&e| e <= t);
        match self.starts.get(i) {
            Some(&s) if s < t => self.before[i] + (t - s),
            _ => self.before[i],
        }
    }

    /// Open seconds between `from` and `to` (`from <= to`): a business wait.
    #[inline]
    pub fn between(&self, from: f64, to: f64) -> f64 {
        (self.open_until(to) - self.open_until(from)).max(0.0)
    }

    /// Whether the queue is open at `t` (a window holds `t`, its end excluded).
    pub fn is_open(&self, t: f64) -> bool {
        let i = self.ends.partition_point(|&e| e <= t);
        self.starts.get(i).is_some_and(|&s| s <= t)
    }

    /// The instant, not before `from`, at which `open` seconds of open time
    /// have passed since `from`; infinite if the laid-out days end first.
    /// Arriving while closed, the count starts at the opening.
    #[inline]
    pub fn after(&self, from: f64, open: f64) -> f64 {
        let target = self.open_until(from) + open;
        // The first window whose end reaches `target` open seconds.
        let j = self.before[1..].partition_point(|&c| c < target);
        match self.starts.get(j) {
            Some(&s) => (s + (target - self.before[j])).min(self.ends[j]).max(from),
            None => f64::INFINITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = 3600.0;

    fn office() -> Hours {
        // Day 1 a Monday, two weeks, open Mon-Fri 08:00-18:00.
        let week = Week::parse(&["mon-fri 08:00-18:00"]).unwrap();
        Hours::new(&week, 0, 14, &[])
    }

    #[test]
    fn friday_five_pm_to_monday_nine_am_is_two_business_hours() {
        let h = office();
        let fri_17 = 4.0 * DAY + 17.0 * H;
        let mon_9 = 7.0 * DAY + 9.0 * H;
        assert_eq!(h.between(fri_17, mon_9), 2.0 * H);
        // The calendar time is 64 hours.
        assert_eq!(mon_9 - fri_17, 64.0 * H);
    }

    #[test]
    fn night_arrival_counts_from_the_opening() {
        let h = office();
        let tue_3 = DAY + 3.0 * H;
        assert_eq!(h.between(tue_3, DAY + 8.0 * H), 0.0);
        assert_eq!(h.between(tue_3, DAY + 8.5 * H), 0.5 * H);
        assert!(!h.is_open(tue_3));
        assert!(h.is_open(DAY + 8.0 * H));
        assert!(!h.is_open(DAY + 18.0 * H));
    }

    #[test]
    fn after_inverts_open_time_and_waits_for_the_opening() {
        let h = office();
        // Four business hours from Friday 16:00 is Monday 10:00 (2 h Friday, 2 h Monday).
        let fri_16 = 4.0 * DAY + 16.0 * H;
        assert_eq!(h.after(fri_16, 4.0 * H), 7.0 * DAY + 10.0 * H);
        // From Saturday night, 30 minutes is Monday 08:30.
        assert_eq!(h.after(5.0 * DAY + 23.0 * H, 0.5 * H), 7.0 * DAY + 8.5 * H);
        // Round trips at many instants.
        for k in 0..200 {
            let from = k as f64 * 4321.0;
            let t = h.after(from, 3.0 * H);
            assert!((h.between(from, t) - 3.0 * H).abs() < 1e-6, "from {from}");
        }
        // Past the laid-out days: never.
        assert_eq!(h.after(13.0 * DAY, 100.0 * H), f64::INFINITY);
    }

    #[test]
    fn closed_dates_and_several_windows_a_day() {
        let week = Week::parse(&["mon-fri 08:00-12:00, 13:00-18:00", "sat 10:00-14:00"]).unwrap();
        assert_eq!(week.open_per_week(), 5.0 * 9.0 * H + 4.0 * H);
        // Day 1 a Wednesday; day 3 (Friday) closed.
        let h = Hours::new(&week, 2, 7, &[2]);
        assert_eq!(h.between(0.0, DAY), 9.0 * H);
        assert_eq!(h.between(2.0 * DAY, 3.0 * DAY), 0.0);
        assert_eq!(h.between(3.0 * DAY, 4.0 * DAY), 4.0 * H); // Saturday
        assert_eq!(h.between(4.0 * DAY, 5.0 * DAY), 0.0); // Sunday
        assert!(!h.is_open(12.5 * H));
    }

    #[test]
    fn windows_meeting_at_midnight_join() {
        let week = Week::parse(&["mon 00:00-24:00", "tue 00:00-06:00"]).unwrap();
        let h = Hours::new(&week, 0, 7, &[]);
        assert_eq!(h.starts.len(), 1);
        assert_eq!(h.between(23.0 * H, 25.0 * H), 2.0 * H);
    }

    #[test]
    fn days_and_ranges_are_read_in_many_spellings() {
        let w =
            Week::parse(&["Sat,SUN 10:00-11:00", "fri-mon 12:00-13:00", "wednesday 09:00-10:00 09:30-11:00"])
                .unwrap();
        assert_eq!(w.day(0), &[(12.0 * H, 13.0 * H)]);
        assert!(w.day(1).is_empty());
        assert_eq!(w.day(2), &[(9.0 * H, 11.0 * H)]);
        assert_eq!(w.day(5), &[(10.0 * H, 11.0 * H), (12.0 * H, 13.0 * H)]);
    }

    #[test]
    fn bad_entries_say_what_to_write() {
        let err = |e: &str| Week::parse(&[e]).unwrap_err();
        assert!(err("mon-fry 08:00-18:00").contains("`fry` is not a day"));
        assert!(err("mon 18:00-08:00").contains("two windows"));
        assert!(err("mon 8-18").contains("is not a range") || err("mon 8-18").contains("not a time"));
        assert!(err("mon 08:00-24:30").contains("00:00 to 24:00"));
        assert!(err("mon").contains("no hours"));
        assert!(Week::parse::<&str>(&[]).unwrap_err().contains("leave `hours` out"));
    }
}
