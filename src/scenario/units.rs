//! Parsing of the scenario's units: durations (`"1h30m"`), clock times
//! (`"08:30"`) and clock windows (`"11:30-13:30"`). All return seconds.

/// Parses a duration such as `"45s"`, `"2.5m"`, `"1h30m"`, `"7d"` or `"250ms"`
/// into seconds; every number needs a unit.
pub(crate) fn parse_duration(text: &str) -> Result<f64, String> {
    let hint = "a duration is a number with a unit (ms, s, m, h, d), e.g. \"45s\", \"2.5m\", \"1h30m\"";
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration; {hint}"));
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("`{text}` is not a duration; {hint}"));
        }
        let value: f64 =
            rest[..num_len].parse().map_err(|_| format!("`{text}` is not a duration; {hint}"))?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match rest[..unit_len].trim() {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            "" => return Err(format!("`{text}` has a number without a unit; {hint}")),
            other => return Err(format!("unknown unit `{other}` in `{text}`; {hint}")),
        };
        rest = &rest[unit_len..];
        total += value * scale;
    }
    if !total.is_finite() {
        return Err(format!("`{text}` is too large"));
    }
    Ok(total)
}

/// Parses a clock time `"HH:MM"` (00:00 to 24:00) into seconds from the start of the day.
pub(crate) fn parse_clock(text: &str) -> Result<f64, String> {
    let bad = || format!("`{text}` is not a clock time; write \"HH:MM\" between 00:00 and 24:00");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60))
}

/// Parses a window `"HH:MM-HH:MM"` within one day into (start, end) seconds, start before end.
pub(crate) fn parse_window(text: &str) -> Result<(f64, f64), String> {
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not a window; write \"HH:MM-HH:MM\", e.g. \"11:30-13:30\""))?;
    let (start, end) = (parse_clock(a)?, parse_clock(b)?);
    if start >= end {
        return Err(format!(
            "window `{text}` ends before it starts; a window lies within one day (00:00-24:00)"
        ));
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit_and_combination() {
        assert_eq!(parse_duration("45s"), Ok(45.0));
        assert_eq!(parse_duration("2.5m"), Ok(150.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("7d"), Ok(604_800.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
        assert_eq!(parse_duration("0s"), Ok(0.0));
    }

    #[test]
    fn durations_without_units_or_with_junk_are_rejected() {
        for bad in ["", "45", "-5s", "5x", "s", "1h30", "1..5s", "1e999d"] {
            assert!(parse_duration(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn clock_times_and_windows() {
        assert_eq!(parse_clock("08:30"), Ok(30_600.0));
        assert_eq!(parse_clock("24:00"), Ok(86_400.0));
        assert!(parse_clock("24:30").is_err());
        assert!(parse_clock("8h").is_err());
        assert_eq!(parse_window("11:30-13:30"), Ok((41_400.0, 48_600.0)));
        assert!(parse_window("13:30-11:30").is_err());
        assert!(parse_window("23:00-25:00").is_err());
    }
}
