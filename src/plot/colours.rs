//! Colours that mean one thing in every chart: each agent status has one
//! colour, derived once from its name (the built-in statuses) or its place
//! among the scenario's custom statuses, so Lunch is the same colour in
//! the stacked agents chart and in the shrinkage bars. Series that are
//! not statuses (queues, methods, variants) take [`super::colour`].

use plotters::style::RGBColor;

/// Available with spare capacity: Okabe-Ito blue.
const AVAILABLE: RGBColor = RGBColor(0, 114, 178);
/// Available and full: Okabe-Ito sky blue, a lighter shade of Available.
pub(crate) const AVAILABLE_FULL: RGBColor = RGBColor(86, 180, 233);
/// Busy: Okabe-Ito bluish green.
const BUSY: RGBColor = RGBColor(0, 158, 115);
/// Unavailable: Okabe-Ito vermillion.
const UNAVAILABLE: RGBColor = RGBColor(213, 94, 0);
/// Offline: grey (not drawn where only logged-in time is).
const OFFLINE: RGBColor = RGBColor(150, 150, 150);

/// Colours of custom statuses, by their place among the custom statuses:
/// the rest of Okabe-Ito (orange, reddish purple, yellow), then Paul Tol's
/// muted scheme, none close to a built-in status's colour; a scenario with
/// more custom statuses than this repeats them in order.
const CUSTOM: [RGBColor; 10] = [
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
    RGBColor(136, 34, 85),
    RGBColor(153, 153, 51),
    RGBColor(51, 34, 136),
    RGBColor(204, 102, 119),
    RGBColor(68, 170, 153),
    RGBColor(221, 204, 119),
    RGBColor(170, 68, 153),
];

/// The built-in statuses' names and colours (docs/model.md M1).
const BUILT_IN: [(&str, RGBColor); 4] =
    [("Available", AVAILABLE), ("Busy", BUSY), ("Unavailable", UNAVAILABLE), ("Offline", OFFLINE)];

/// The colour of the status `name` among the scenario's `statuses` (in
/// statuses.csv order, which lists every status, used or not): a built-in
/// status by its name, a custom one by its place among the custom ones.
pub(crate) fn status_colour(statuses: &[String], name: &str) -> RGBColor {
    if let Some((_, c)) = BUILT_IN.iter().find(|(n, _)| *n == name) {
        return *c;
    }
    let custom = statuses.iter().filter(|s| !BUILT_IN.iter().any(|(n, _)| n == s));
    let k = custom.take_while(|s| *s != name).count();
    CUSTOM[k % CUSTOM.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_keeps_its_colour_whatever_else_is_listed() {
        let all: Vec<String> =
            ["Available", "Busy", "Unavailable", "Offline", "Lunch", "Coaching"].map(String::from).to_vec();
        assert_eq!(status_colour(&all, "Available"), AVAILABLE);
        assert_eq!(status_colour(&all, "Unavailable"), UNAVAILABLE);
        assert_eq!(status_colour(&all, "Lunch"), CUSTOM[0]);
        assert_eq!(status_colour(&all, "Coaching"), CUSTOM[1]);
        // The built-in statuses come first in statuses.csv, but their order does not matter.
        let shuffled: Vec<String> = ["Lunch", "Busy", "Coaching", "Available"].map(String::from).to_vec();
        assert_eq!(status_colour(&shuffled, "Coaching"), CUSTOM[1]);
        assert_eq!(status_colour(&shuffled, "Busy"), BUSY);
    }

    #[test]
    fn custom_statuses_never_take_a_built_in_colour() {
        for c in CUSTOM {
            assert!(!BUILT_IN.iter().any(|(_, b)| *b == c) && c != AVAILABLE_FULL, "{c:?}");
        }
        let many: Vec<String> = (0..25).map(|i| format!("S{i}")).collect();
        assert_eq!(status_colour(&many, "S0"), status_colour(&many, "S10"));
        assert_ne!(status_colour(&many, "S0"), status_colour(&many, "S1"));
    }
}
