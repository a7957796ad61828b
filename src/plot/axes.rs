//! The charts' axes and the text on them: the sizes every chart is laid
//! out with, time axes whose ticks are chosen by the width the axis has
//! (so no two labels run together, on a day, a week or a year), axes
//! labelled at given values (swept values, numbers of agents), and the
//! wait axis on a log scale with ticks at round durations.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, KeyPointWeight, NoDefaultFormatting, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{DrawError, FAMILY};
use crate::calendar::Calendar;
use crate::format;

/// Title font size.
pub(super) const TITLE: u32 = 26;
/// Axis label font size.
pub(super) const LABEL: u32 = 16;
/// Width of the legend panel, pixels.
pub(super) const LEGEND: u32 = 300;
/// The margin around each chart, pixels.
pub(super) const MARGIN: u32 = 12;
/// Width of a y axis's label area, pixels (height of the x axis's).
pub(super) const Y_AREA: u32 = 70;
/// Height of the x axis's label area, pixels.
pub(super) const X_AREA: u32 = 50;
/// The least space between two tick labels, pixels (one and a half
/// times the label's font size: labels read apart at a glance).
const GAP: f64 = 24.0;

/// The text style of tick labels.
pub(super) fn label_style() -> TextStyle<'static> {
    TextStyle::from((FAMILY, LABEL).into_font()).color(&BLACK)
}

/// Writes a note in the middle of an empty plot.
pub(super) fn note<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), DrawError> {
    let (w, h) = area.dim_in_pixel();
    let style = label_style().pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Center,
    ));
    area.draw(&Text::new(text.to_owned(), (w as i32 / 2, h as i32 / 2), style))?;
    Ok(())
}

/// The width in pixels of the x axis of a chart built on an area `area_width`
/// pixels wide (the legend already split off) with [`MARGIN`], a left
/// [`Y_AREA`] and, with `right_axis`, a right one.
pub(super) fn axis_width(area_width: u32, right_axis: bool) -> f64 {
    let right = if right_axis { Y_AREA } else { 0 };
    f64::from(area_width.saturating_sub(2 * MARGIN + Y_AREA + right))
}

/// The width in pixels of a tick label, measured with the bundled font the
/// charts are drawn with (estimated from its length if it cannot be).
pub(super) fn label_width(text: &str) -> f64 {
    match (FAMILY, LABEL).into_font().box_size(text) {
        Ok((w, _)) => f64::from(w),
        Err(_) => text.chars().count() as f64 * 0.65 * f64::from(LABEL),
    }
}

/// Whether labels `keys` (value, text) on an axis over `range` drawn
/// `width` pixels wide keep at least [`GAP`] pixels between neighbours,
/// each centred on its value.
fn fits(keys: &[(f64, String)], (a, b): (f64, f64), width: f64, measure: &dyn Fn(&str) -> f64) -> bool {
    let px = |v: f64| if b > a { (v - a) / (b - a) * width } else { 0.0 };
    keys.windows(2).all(|w| {
        let room = px(w[1].0) - px(w[0].0);
        room >= (measure(&w[0].1) + measure(&w[1].1)) / 2.0 + GAP
    })
}

/// Steps of a time axis, hours: from a quarter hour to a year; whole days
/// from a day up, so day ticks fall on midnights.
const STEPS: [f64; 19] = [
    0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 672.0, 1344.0, 2184.0, 4368.0,
    8736.0, 17472.0,
];

/// The ticks of a time axis over `(a, b)` hours from the start of day 0,
/// labelled by [`Calendar::axis`]: on whole multiples of the smallest
/// step of [`STEPS`] whose labels fit `width` pixels (each measured by
/// `measure`), so the axis has as many labels as it has room for.
pub(super) fn time_ticks(
    (a, b): (f64, f64),
    multi_day: bool,
    calendar: &Calendar,
    width: f64,
    measure: &dyn Fn(&str) -> f64,
) -> Vec<(f64, String)> {
    let on_steps = |step: f64| {
        let mut keys = Vec::new();
        // `+ 0.0` turns a ceiling of -0 into 0.
        let mut k = (a / step - 1e-9).ceil() * step + 0.0;
        while k <= b + 1e-9 && keys.len() <= 200 {
            keys.push((k, calendar.axis(k, multi_day)));
            k += step;
        }
        keys
    };
    let mut last = Vec::new();
    for step in STEPS {
        let keys = on_steps(step);
        if keys.len() <= 200 && fits(&keys, (a, b), width, measure) {
            return keys;
        }
        last = keys;
    }
    last.truncate(1);
    last
}

/// Every `k`-th of `points` (value, text), for the smallest `k` whose labels
/// fit `width` pixels over `range`.
fn thinned(
    points: &[(f64, String)],
    range: (f64, f64),
    width: f64,
    measure: &dyn Fn(&str) -> f64,
) -> Vec<(f64, String)> {
    for k in 1..=points.len().max(1) {
        let keys: Vec<(f64, String)> = points.iter().step_by(k).cloned().collect();
        if fits(&keys, range, width, measure) {
            return keys;
        }
    }
    points.iter().take(1).cloned().collect()
}

/// What an x axis is labelled with, before its width is known.
#[derive(Debug, Clone)]
pub(super) enum Ticks {
    /// Time over `span` hours from the start of day 0 ([`time_ticks`]).
    Time {
        /// The hours the axis shows.
        span: (f64, f64),
        /// Whether the run covers more than one day.
        multi_day: bool,
        /// Which date day 1 is: how midnights are named.
        calendar: Calendar,
    },
    /// Given values, each with its text (swept values, numbers of agents):
    /// the range padded by 4% each side, every value labelled that fits.
    Values(Vec<(f64, String)>),
}

impl Ticks {
    /// Given values, sorted, each once.
    pub(super) fn values(mut points: Vec<(f64, String)>) -> Ticks {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points.dedup_by(|a, b| a.0 == b.0);
        Ticks::Values(points)
    }

    /// The axis drawn `width` pixels wide.
    pub(super) fn axis(&self, width: f64) -> Axis {
        match self {
            Ticks::Time { span, multi_day, calendar } => Axis {
                range: (span.0..span.1).into(),
                keys: time_ticks(*span, *multi_day, calendar, width, &label_width),
            },
            Ticks::Values(points) => {
                let (lo, hi) = match (points.first(), points.last()) {
                    (Some(a), Some(b)) => (a.0, b.0),
                    _ => (0.0, 1.0),
                };
                let pad = if hi > lo { (hi - lo) * 0.04 } else { 1.0 };
                let range = (lo - pad, hi + pad);
                Axis { range: (range.0..range.1).into(), keys: thinned(points, range, width, &label_width) }
            }
        }
    }
}

/// A numeric x axis labelled at chosen values with chosen text.
#[derive(Clone)]
pub(super) struct Axis {
    range: RangedCoordf64,
    keys: Vec<(f64, String)>,
}

impl Axis {
    /// A time axis over `span` hours drawn `width` pixels wide.
    pub(super) fn time(span: (f64, f64), multi_day: bool, calendar: Calendar, width: f64) -> Axis {
        Ticks::Time { span, multi_day, calendar }.axis(width)
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.keys.iter().map(|k| k.0).collect()
    }
    fn range(&self) -> Range<f64> {
        self.range.range()
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        self.keys.iter().find(|k| k.0 == *value).map_or(String::new(), |k| k.1.clone())
    }
}

/// The unit a y axis of durations up to `max` seconds reads best in: the
/// seconds in one unit and the unit's name (seconds, minutes or hours).
pub(super) fn time_scale(max: f64) -> (f64, &'static str) {
    if max >= 7200.0 {
        (3600.0, "hours")
    } else if max >= 120.0 {
        (60.0, "minutes")
    } else {
        (1.0, "seconds")
    }
}

/// Round durations a log axis of waits is labelled at, seconds: each about
/// ten times the one before (1 s, 10 s, 1 min, 10 min, 1 h, 1 d, 7 d).
const ROUND: [f64; 7] = [1.0, 10.0, 60.0, 600.0, 3600.0, 86_400.0, 604_800.0];

/// Finer round durations, seconds: the light grid lines of a log wait axis,
/// and its labels when fewer than three [`ROUND`] values fall in its range.
const FINE: [f64; 22] = [
    1.0,
    2.0,
    5.0,
    10.0,
    20.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    1200.0,
    1800.0,
    3600.0,
    7200.0,
    14_400.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    345_600.0,
    604_800.0,
    1_209_600.0,
];

/// The labelled ticks of a log wait axis over `(lo, hi)` seconds: the
/// [`ROUND`] durations in range, or the [`FINE`] ones when that is fewer than three.
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let within = |v: &&f64| **v >= lo - 1e-9 && **v <= hi + 1e-9;
    let round: Vec<f64> = ROUND.iter().filter(within).copied().collect();
    if round.len() >= 3 { round } else { FINE.iter().filter(within).copied().collect() }
}

/// A log-scale axis of waits in seconds, from `lo` (> 0), labelled at
/// round durations ([`log_ticks`]) in [`format::duration`]'s words.
#[derive(Clone)]
pub(super) struct LogWait {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
}

impl LogWait {
    /// The axis over `lo..hi` seconds (`lo` at least a millisecond).
    pub(super) fn new(lo: f64, hi: f64) -> LogWait {
        let lo = lo.max(1e-3);
        let hi = hi.max(lo * 10.0);
        LogWait { lo, hi, keys: log_ticks(lo, hi) }
    }
}

impl Ranged for LogWait {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, (l, r): (i32, i32)) -> i32 {
        let at = (value.max(self.lo).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln());
        (f64::from(l) + at * f64::from(r - l)).round() as i32
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        match hint.weight() {
            KeyPointWeight::Bold => self.keys.clone(),
            KeyPointWeight::Any => {
                FINE.iter().copied().filter(|v| *v >= self.lo - 1e-9 && *v <= self.hi + 1e-9).collect()
            }
        }
    }
    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for LogWait {
    fn format_ext(&self, value: &f64) -> String {
        format::duration(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The width of the x axis of every chart without a right axis, pixels.
    fn chart_axis() -> f64 {
        axis_width(super::super::SIZE.0 - LEGEND, false)
    }

    /// Asserts no two labels of `keys` overlap when drawn `width` pixels
    /// wide over `(a, b)`, measured with the bundled font: each label's
    /// extent, centred on its tick, ends before the next one's begins.
    fn no_overlap(keys: &[(f64, String)], (a, b): (f64, f64), width: f64) {
        super::super::fonts().unwrap();
        let extent = |(v, t): &(f64, String)| {
            let x = (v - a) / (b - a) * width;
            // Measured with the chart's font itself, not the chooser's measure.
            let w = f64::from((FAMILY, LABEL).into_font().box_size(t).unwrap().0);
            (x - w / 2.0, x + w / 2.0)
        };
        for pair in keys.windows(2) {
            let (one, two) = (extent(&pair[0]), extent(&pair[1]));
            assert!(one.1 < two.0, "{:?} and {:?} overlap: {one:?} {two:?}", pair[0], pair[1]);
        }
    }

    #[test]
    fn the_axis_width_is_the_plotting_area_plotters_builds() {
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, super::super::SIZE).into_drawing_area();
        let (plot, _) = root.split_horizontally(super::super::SIZE.0 - LEGEND);
        for right in [false, true] {
            let chart = ChartBuilder::on(&plot)
                .margin(MARGIN)
                .x_label_area_size(X_AREA)
                .y_label_area_size(Y_AREA)
                .right_y_label_area_size(if right { Y_AREA } else { 0 })
                .build_cartesian_2d(0.0..1.0, 0.0..1.0)
                .unwrap();
            let (w, _) = chart.plotting_area().dim_in_pixel();
            assert!((f64::from(w) - axis_width(plot.dim_in_pixel().0, right)).abs() <= 1.0, "{w}");
        }
    }

    #[test]
    fn time_labels_never_overlap_on_a_day_a_week_or_sixty_days() {
        super::super::fonts().unwrap();
        let width = chart_axis();
        for (span, multi, least) in [
            ((0.0, 24.0), false, 6),
            ((7.0, 22.0), false, 6),
            ((0.0, 168.0), true, 5),
            ((0.0, 1440.0), true, 5),
        ] {
            for w in [width, width - f64::from(Y_AREA)] {
                let keys = time_ticks(span, multi, &Calendar::UNDATED, w, &label_width);
                assert!(keys.len() >= least, "{span:?}: only {keys:?}");
                no_overlap(&keys, span, w);
            }
        }
        // The run-together labels of the issue: a two-day staff chart labelled every 4 h.
        let keys = time_ticks((0.0, 48.0), true, &Calendar::UNDATED, width, &label_width);
        no_overlap(&keys, (0.0, 48.0), width);
    }

    #[test]
    fn time_ticks_fall_on_whole_steps_and_name_the_day_at_midnight() {
        super::super::fonts().unwrap();
        let day: Vec<f64> = time_ticks((7.0, 22.0), false, &Calendar::UNDATED, chart_axis(), &label_width)
            .iter()
            .map(|k| k.0)
            .collect();
        assert!(day.iter().all(|h| h.fract() == 0.0 || h.fract() == 0.5) && day[0] >= 7.0, "{day:?}");
        let week = time_ticks((0.0, 168.0), true, &Calendar::UNDATED, chart_axis(), &label_width);
        assert_eq!(week[0], (0.0, "day 1".to_owned()));
        for (h, label) in &week {
            assert!(h % 12.0 == 0.0, "{week:?}");
            if h % 24.0 == 0.0 {
                assert_eq!(*label, format!("day {}", h / 24.0 + 1.0), "{week:?}");
            }
        }
        // A crowded axis takes a longer step rather than run its labels together.
        let narrow = time_ticks((0.0, 24.0), false, &Calendar::UNDATED, 200.0, &label_width);
        assert!(narrow.len() < 6, "{narrow:?}");
    }

    #[test]
    fn a_value_axis_labels_every_value_that_fits() {
        super::super::fonts().unwrap();
        let points: Vec<(f64, String)> = (1..=30).map(|n| (f64::from(n), n.to_string())).collect();
        let axis = Ticks::values(points).axis(chart_axis());
        assert!(axis.keys.len() >= 10 && axis.keys[0].1 == "1", "{:?}", axis.keys);
        no_overlap(&axis.keys, (axis.range().start, axis.range().end), chart_axis());
        let few: Vec<(f64, String)> = (1..=5).map(|n| (f64::from(n), n.to_string())).collect();
        assert_eq!(Ticks::values(few).axis(chart_axis()).keys.len(), 5, "five short numbers all fit");
        let long: Vec<(f64, String)> = (1..=30).map(|n| (f64::from(n), format!("{n}-long-value"))).collect();
        let axis = Ticks::values(long).axis(chart_axis());
        assert!(axis.keys.len() < 30 && axis.keys[0].1 == "1-long-value", "{:?}", axis.keys);
        no_overlap(&axis.keys, (axis.range().start, axis.range().end), chart_axis());
        let one = Ticks::values(vec![(5.0, "5".into())]).axis(chart_axis());
        assert_eq!(one.range(), 4.0..6.0);
        assert_eq!(one.format_ext(&5.0), "5");
    }

    #[test]
    fn log_wait_ticks_are_round_durations() {
        let labels = |lo, hi| log_ticks(lo, hi).into_iter().map(format::duration).collect::<Vec<_>>();
        // The axis read "1 s, 10 s, 1.7 min, 16.7 min, 2.8 h".
        assert_eq!(labels(1.0, 4.0 * 3600.0), ["1 s", "10 s", "1 min", "10 min", "1 h"]);
        assert_eq!(labels(1.0, 3.0 * 86_400.0), ["1 s", "10 s", "1 min", "10 min", "1 h", "1 d"]);
        assert_eq!(labels(1.0, 60.0), ["1 s", "10 s", "1 min"]);
        assert_eq!(labels(1.0, 40.0), ["1 s", "2 s", "5 s", "10 s", "20 s", "30 s"]);
        let axis = LogWait::new(1.0, 4.0 * 3600.0);
        assert_eq!(axis.map(&1.0, (0, 1000)), 0);
        assert_eq!(axis.map(&(4.0 * 3600.0), (0, 1000)), 1000);
        assert!(axis.map(&60.0, (0, 1000)) > axis.map(&10.0, (0, 1000)));
        assert_eq!(axis.format_ext(&600.0), "10 min");
    }
}
