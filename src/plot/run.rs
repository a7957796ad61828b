//! The charts of `routesim run` (docs/model.md §11.10): service level by
//! interval against target, agents by status, the wait-time distribution,
//! offered load against agents, and shrinkage by status. Each is drawn
//! from [`Records`] only.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::records::shrinkage_by_status;
use super::{Chart, Draw, DrawError, FAMILY, Records, Swatch, colour, runs, with_legend};
use crate::rows::ScopeKind;
use crate::stats::Metric;

/// Runs of `(hours, value)` points, split at missing values.
type Runs = Vec<Vec<(f64, f64)>>;

/// Width of the legend panel, pixels.
pub(super) const LEGEND: u32 = 300;

/// The charts of a `run` result folder, in report order.
pub fn run_charts(r: &Records) -> Vec<Chart<'_>> {
    vec![
        Chart {
            name: "service_level",
            title: "Service level by interval, against target".into(),
            about: "Each queue's service level interval by interval, with its target as a dashed line and the 95% band across replications: the hours where the daily figure hides a miss.",
            figure: Box::new(ServiceLevel(r)),
        },
        Chart {
            name: "agents_by_status",
            title: "Agents by status over the day".into(),
            about: "Where the team's time goes: agents Available (with spare capacity, or full), Busy, and in each break or custom status, stacked.",
            figure: Box::new(Agents(r)),
        },
        Chart {
            name: "wait_distribution",
            title: "Wait-time distribution (answered)".into(),
            about: "The share of answered conversations that waited at most a given time; a dot marks each queue's threshold and its share within it.",
            figure: Box::new(Waits(r)),
        },
        Chart {
            name: "load_vs_agents",
            title: "Offered load against agents logged in and available".into(),
            about: "The work arriving (Erlangs: conversations times handle time per interval length) against the agents logged in and available: where staffing trails the load.",
            figure: Box::new(Load(r)),
        },
        Chart {
            name: "shrinkage",
            title: "Shrinkage by status".into(),
            about: "The share of logged-in time lost to breaks, meetings and other non-productive statuses, with the total as a dashed line.",
            figure: Box::new(Shrinkage(r)),
        },
    ]
}

/// Service level per queue by interval, with its 95% band and target.
struct ServiceLevel<'a>(&'a Records);
/// Agents by status as a stacked area.
struct Agents<'a>(&'a Records);
/// Wait-time CDF per queue and total, thresholds marked.
struct Waits<'a>(&'a Records);
/// Offered load (Erlangs) against agents logged in and available.
struct Load<'a>(&'a Records);
/// Share of logged-in time per shrinkage status.
struct Shrinkage<'a>(&'a Records);

/// Title font size.
pub(super) const TITLE: u32 = 26;
/// Axis label font size.
pub(super) const LABEL: u32 = 16;

/// The time span a time chart shows, hours from the start of day 0: the
/// intervals from the first to the last with traffic or agents logged in
/// (the whole horizon when there are none).
fn span(r: &Records) -> (f64, f64) {
    let active = |i: usize| {
        r.team_slots.get(i).is_some_and(|t| t.logged_in > 0.0)
            || r.queue_slots.iter().any(|q| q.get(i).is_some_and(|s| s.offered > 0.0))
    };
    let first = (0..r.slots.len()).find(|&i| active(i));
    let last = (0..r.slots.len()).rev().find(|&i| active(i));
    let (a, b) = match (first, last) {
        (Some(a), Some(b)) => (a, b),
        _ => (0, r.slots.len().saturating_sub(1)),
    };
    match (r.slots.get(a), r.slots.get(b)) {
        (Some(s), Some(e)) => (s.start_s / 3600.0, (e.start_s + e.length) / 3600.0),
        _ => (0.0, 24.0),
    }
}

/// Intervals whose start lies in the span.
fn in_span(r: &Records, (a, b): (f64, f64)) -> impl Iterator<Item = usize> + '_ {
    (0..r.slots.len()).filter(move |&i| {
        let h = r.slots[i].start_s / 3600.0;
        h >= a - 1e-9 && h < b - 1e-9
    })
}

/// Clock labels for a time axis over `(a, b)` hours: a step of 30 minutes
/// to days, at most 13 labels, on whole steps.
fn time_keys((a, b): (f64, f64)) -> Vec<f64> {
    let steps = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 48.0, 168.0, 336.0, 720.0, 2160.0, 8760.0];
    let step = steps.iter().copied().find(|s| (b - a) / s <= 12.0).unwrap_or(8760.0);
    let mut keys = Vec::new();
    let mut k = (a / step).ceil() * step;
    while k <= b + 1e-9 && keys.len() < 200 {
        keys.push(k);
        k += step;
    }
    keys
}

/// A time axis in hours, labelled by clock time on whole steps ([`time_keys`]).
pub(super) struct TimeAxis {
    hours: RangedCoordf64,
    keys: Vec<f64>,
    multi_day: bool,
}

impl TimeAxis {
    pub(super) fn new((a, b): (f64, f64), multi_day: bool) -> TimeAxis {
        TimeAxis { hours: (a..b).into(), keys: time_keys((a, b)), multi_day }
    }
}

impl Ranged for TimeAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.hours.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.keys.clone()
    }
    fn range(&self) -> Range<f64> {
        self.hours.range()
    }
}

impl ValueFormatter<f64> for TimeAxis {
    fn format_ext(&self, value: &f64) -> String {
        crate::format::hours_label(*value, self.multi_day)
    }
}

/// A wait in seconds as a short label (`30 s`, `5 min`, `2 h`, `1 d`).
fn duration(s: f64) -> String {
    let n = |v: f64| {
        let t = format!("{v:.1}");
        t.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    if s < 60.0 {
        format!("{} s", n(s))
    } else if s < 3600.0 {
        format!("{} min", n(s / 60.0))
    } else if s < 86400.0 {
        format!("{} h", n(s / 3600.0))
    } else {
        format!("{} d", n(s / 86400.0))
    }
}

fn percent(v: f64) -> String {
    format!("{:.0}%", v)
}

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

/// Step points of per-interval values: flat across each interval, a gap
/// where the value is missing.
fn steps(r: &Records, idx: impl Iterator<Item = usize>, value: impl Fn(usize) -> f64) -> Runs {
    let mut out: Runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for i in idx {
        let v = value(i);
        let s = &r.slots[i];
        if v.is_finite() {
            run.push((s.start_s / 3600.0, v));
            run.push(((s.start_s + s.length) / 3600.0, v));
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

impl Draw for ServiceLevel<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let r = self.0;
        let band = r.replications > 1;
        let mut legend = Vec::new();
        for (q, queue) in r.queues.iter().enumerate() {
            let c = colour(q);
            legend.push((queue.name.clone(), Swatch::Line(c)));
            legend.push((
                format!("{} target {}", queue.name, percent(queue.target * 100.0)),
                Swatch::Dashed(c),
            ));
            if band {
                legend.push((format!("{} 95% band", queue.name), Swatch::Band(c)));
            }
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let (a, b) = span(r);
        let multi = r.multi_day();
        let mut chart = ChartBuilder::on(&plot)
            .caption("Service level by interval, against target", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(TimeAxis::new((a, b), multi), 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc(if multi {
                "day and time of day (interval mid-point)"
            } else {
                "time of day (interval mid-point)"
            })
            .y_desc("service level (% within threshold)")
            .y_label_formatter(&|v| percent(*v))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for (q, queue) in r.queues.iter().enumerate() {
            let c = colour(q);
            let slots = &r.queue_slots[q];
            let mid = |i: usize| (r.slots[i].start_s + r.slots[i].length / 2.0) / 3600.0;
            if band {
                let bands = runs(in_span(r, (a, b)).map(|i| {
                    let s = &slots[i];
                    let ok = s.low.is_finite() && s.high.is_finite();
                    (i, if ok { 0.0 } else { f64::NAN })
                }));
                for run in bands {
                    let mut pts: Vec<(f64, f64)> =
                        run.iter().map(|&(i, _)| (mid(i), slots[i].high * 100.0)).collect();
                    pts.extend(run.iter().rev().map(|&(i, _)| (mid(i), slots[i].low * 100.0)));
                    chart.draw_series(std::iter::once(Polygon::new(pts, c.mix(0.2).filled())))?;
                }
            }
            for run in runs(in_span(r, (a, b)).map(|i| (mid(i), slots[i].service_level * 100.0))) {
                if run.len() == 1 {
                    chart.draw_series(run.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
                }
                chart.draw_series(LineSeries::new(run, c.stroke_width(3)))?;
            }
            let t = queue.target * 100.0;
            chart.draw_series(DashedLineSeries::new(vec![(a, t), (b, t)], 12, 8, c.stroke_width(2)))?;
        }
        Ok(())
    }
}

impl Draw for Agents<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let r = self.0;
        let (a, b) = span(r);
        let idx: Vec<usize> = in_span(r, (a, b)).collect();
        // Bottom to top: Available split by capacity, then every other logged-in status with time.
        let mut series: Vec<(String, Vec<f64>)> = vec![
            (
                "Available, with spare capacity".into(),
                idx.iter().map(|&i| r.team_slots[i].available_spare).collect(),
            ),
            ("Available, full".into(), idx.iter().map(|&i| r.team_slots[i].available_full).collect()),
        ];
        for (s, name) in r.statuses.iter().enumerate() {
            if name == "Available" || name == "Offline" {
                continue;
            }
            let agents: Vec<f64> = idx.iter().map(|&i| r.status_secs[s][i] / r.slots[i].length).collect();
            if agents.iter().any(|v| *v > 0.0) {
                series.push((name.clone(), agents));
            }
        }
        let legend: Vec<(String, Swatch)> =
            series.iter().enumerate().map(|(k, (n, _))| (n.clone(), Swatch::Fill(colour(k)))).collect();
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = (0..idx.len())
            .map(|j| series.iter().map(|(_, v)| v[j].max(0.0)).sum::<f64>())
            .fold(0.0, f64::max);
        let multi = r.multi_day();
        let mut chart = ChartBuilder::on(&plot)
            .caption("Agents by status over the day", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(TimeAxis::new((a, b), multi), 0.0..(top * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if multi { "day and time of day" } else { "time of day" })
            .y_desc("agents (time-average per interval)")
            .y_label_formatter(&|v| if top >= 5.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        let mut base = vec![0.0; idx.len()];
        for (k, (_, values)) in series.iter().enumerate() {
            let mut upper = Vec::with_capacity(idx.len() * 2);
            let mut lower = Vec::with_capacity(idx.len() * 2);
            for (j, &i) in idx.iter().enumerate() {
                let (x0, x1) =
                    (r.slots[i].start_s / 3600.0, (r.slots[i].start_s + r.slots[i].length) / 3600.0);
                let top = base[j] + values[j].max(0.0);
                upper.extend([(x0, top), (x1, top)]);
                lower.extend([(x0, base[j]), (x1, base[j])]);
                base[j] = top;
            }
            upper.extend(lower.into_iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(upper, colour(k).filled())))?;
        }
        Ok(())
    }
}

impl Draw for Waits<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let r = self.0;
        // The total in black, each queue in its own colour (as in the other charts).
        let colour_of = |name: &str, scope: &ScopeKind| match r.queues.iter().position(|q| q.name == name) {
            Some(q) if *scope == ScopeKind::Queue => colour(q),
            _ => BLACK,
        };
        let label_of = |scope: &ScopeKind, name: &str| {
            if *scope == ScopeKind::Total { "all queues".to_owned() } else { name.to_owned() }
        };
        let mut legend = Vec::new();
        for c in &r.waits {
            if c.points.iter().any(|p| p.1.is_finite()) {
                legend.push((label_of(&c.scope, &c.name), Swatch::Line(colour_of(&c.name, &c.scope))));
            }
        }
        for (q, queue) in r.queues.iter().enumerate() {
            let within = r
                .waits
                .iter()
                .find(|c| c.scope == ScopeKind::Queue && c.name == queue.name)
                .and_then(|c| c.points.iter().find(|p| p.0 == queue.threshold))
                .map(|p| p.1);
            if let Some(f) = within.filter(|f| f.is_finite()) {
                let text =
                    format!("{}: {} within {}", queue.name, percent(f * 100.0), duration(queue.threshold));
                legend.push((text, Swatch::Dashed(colour(q))));
            }
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let longest = r.waits.iter().flat_map(|c| c.points.iter().map(|p| p.0)).fold(60.0, f64::max);
        let mut chart = ChartBuilder::on(&plot)
            .caption("Wait-time distribution of answered conversations", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d((1.0..longest).log_scale(), 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc("wait (log scale; waits under 1 s drawn at 1 s)")
            .y_desc("answered within the wait (%)")
            .x_label_formatter(&|s| duration(*s))
            .y_label_formatter(&|v| percent(*v))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        if legend.is_empty() {
            note(&plot, "no conversation was answered")?;
        }
        for curve in &r.waits {
            let c = colour_of(&curve.name, &curve.scope);
            let pts = curve.points.iter().filter(|p| p.0 >= 1.0).map(|&(w, f)| (w, f * 100.0));
            for run in runs(pts) {
                chart.draw_series(LineSeries::new(run, c.stroke_width(3)))?;
            }
        }
        for (q, queue) in r.queues.iter().enumerate() {
            let c = colour(q);
            let t = queue.threshold.max(1.0);
            chart.draw_series(DashedLineSeries::new(vec![(t, 0.0), (t, 100.0)], 10, 6, c.stroke_width(2)))?;
            let at = r
                .waits
                .iter()
                .find(|w| w.scope == ScopeKind::Queue && w.name == queue.name)
                .and_then(|w| w.points.iter().find(|p| p.0 == queue.threshold))
                .map(|p| p.1 * 100.0)
                .filter(|v| v.is_finite());
            if let Some(v) = at {
                chart.draw_series(std::iter::once(Circle::new((t, v), 6, c.filled())))?;
            }
        }
        Ok(())
    }
}

impl Draw for Load<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let r = self.0;
        let (a, b) = span(r);
        let aht: Vec<f64> = r
            .queues
            .iter()
            .map(|q| r.summary_value(ScopeKind::Queue, &q.name, Metric::Aht).map_or(f64::NAN, |l| l.mean))
            .collect();
        let load = |i: usize| {
            let mut any = false;
            let mut erlangs = 0.0;
            for (q, slots) in r.queue_slots.iter().enumerate() {
                let offered = slots[i].offered;
                if offered.is_finite() {
                    any = true;
                    if offered > 0.0 && aht[q].is_finite() {
                        erlangs += offered * aht[q] / r.slots[i].length;
                    }
                }
            }
            if any { erlangs } else { f64::NAN }
        };
        let lines: [(&str, RGBColor, Runs); 3] = [
            ("Offered load (Erlangs)", colour(3), steps(r, in_span(r, (a, b)), load)),
            ("Agents logged in", colour(0), steps(r, in_span(r, (a, b)), |i| r.team_slots[i].logged_in)),
            (
                "Agents available",
                colour(2),
                steps(r, in_span(r, (a, b)), |i| {
                    r.team_slots[i].available_spare + r.team_slots[i].available_full
                }),
            ),
        ];
        let legend: Vec<(String, Swatch)> =
            lines.iter().map(|(n, c, _)| ((*n).to_owned(), Swatch::Line(*c))).collect();
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = lines.iter().flat_map(|(_, _, rs)| rs.iter().flatten().map(|p| p.1)).fold(0.0, f64::max);
        let multi = r.multi_day();
        let mut chart = ChartBuilder::on(&plot)
            .caption("Offered load against agents logged in and available", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(TimeAxis::new((a, b), multi), 0.0..(top * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if multi { "day and time of day" } else { "time of day" })
            .y_desc("Erlangs / agents (average per interval)")
            .y_label_formatter(&|v| if top >= 5.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for (_, c, rs) in lines {
            for run in rs {
                chart.draw_series(LineSeries::new(run, c.stroke_width(3)))?;
            }
        }
        Ok(())
    }
}

impl Draw for Shrinkage<'_> {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let r = self.0;
        let bars = shrinkage_by_status(r);
        let total = r
            .summary_value(ScopeKind::Total, "all", Metric::Shrinkage)
            .map(|l| l.mean * 100.0)
            .filter(|v| v.is_finite());
        let mut legend: Vec<(String, Swatch)> = bars
            .iter()
            .enumerate()
            .map(|(k, (n, v))| (format!("{n}: {:.1}%", v * 100.0), Swatch::Fill(colour(k))))
            .collect();
        if let Some(t) = total {
            legend.push((format!("total shrinkage {t:.1}%"), Swatch::Dashed(BLACK)));
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = bars.iter().map(|b| b.1 * 100.0).chain(total).fold(0.0, f64::max);
        let n = bars.len().max(1);
        let mut chart = ChartBuilder::on(&plot)
            .caption("Shrinkage by status (share of logged-in time)", (FAMILY, TITLE))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..n as f64, 0.0..(top * 1.2).max(1.0))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .x_desc("status (after the warm-up)")
            .y_desc("share of logged-in time (%)")
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        if bars.is_empty() {
            note(&plot, "no time in Unavailable or custom statuses")?;
        }
        let above = label_style().pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Bottom,
        ));
        for (k, (name, v)) in bars.iter().enumerate() {
            let x = k as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.2, 0.0), (x + 0.8, v * 100.0)],
                colour(k).filled(),
            )))?;
            // The status's name and share just above its own bar: nothing else is drawn there.
            let label = format!("{} {:.1}%", super::fit(name, 24), v * 100.0);
            chart.draw_series(std::iter::once(Text::new(
                label,
                (x + 0.5, v * 100.0 + top * 0.02),
                above.clone(),
            )))?;
        }
        if let Some(t) = total {
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, t), (n as f64, t)],
                12,
                8,
                BLACK.stroke_width(2),
            ))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_fall_on_whole_steps() {
        assert_eq!(time_keys((7.0, 22.0)), vec![8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0]);
        assert_eq!(time_keys((0.0, 3.0)), vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
    }

    #[test]
    fn durations_read_short() {
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(90.0), "1.5 min");
        assert_eq!(duration(3600.0), "1 h");
        assert_eq!(duration(172_800.0), "2 d");
    }
}
