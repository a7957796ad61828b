//! The charts of `routesim run` (docs/model.md §11.10): service level by
//! interval against target, agents by status, the wait-time distribution,
//! offered load against agents, and shrinkage by status. Each is drawn
//! from [`Records`] only.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{
    Axis, LABEL, LEGEND, LogWait, MARGIN, TITLE, X_AREA, Y_AREA, axis_width, label_style, label_width, note,
};
use super::colours::{AVAILABLE_FULL, status_colour};
use super::records::shrinkage_by_status;
use super::{Chart, Draw, DrawError, FAMILY, Records, Swatch, colour, marked_same, runs, with_legend};
use crate::format::duration;
use crate::rows::ScopeKind;
use crate::stats::Metric;

/// A legend label, a colour and the points of a line.
type LegendLine = (String, RGBColor, Vec<(f64, f64)>);

/// Runs of `(hours, value)` points, split at missing values.
type Runs = Vec<Vec<(f64, f64)>>;

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
            title: format!("Agents by status {}", crate::calendar::over(r.days())),
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

fn percent(v: f64) -> String {
    format!("{:.0}%", v)
}

/// The x axis of a time chart on `plot`: the run's span, ticks that fit.
fn time_axis<DB: DrawingBackend>(r: &Records, plot: &DrawingArea<DB, Shift>) -> Axis {
    Axis::time(span(r), r.multi_day(), r.calendar, axis_width(plot.dim_in_pixel().0, false))
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
        let lines: Vec<(&str, Vec<(f64, f64)>)> = r
            .queues
            .iter()
            .enumerate()
            .map(|(q, queue)| {
                (queue.name.as_str(), r.queue_slots[q].iter().map(|s| (0.0, s.service_level)).collect())
            })
            .collect();
        let names = marked_same(&lines);
        let mut legend = Vec::new();
        for (q, queue) in r.queues.iter().enumerate() {
            let c = colour(q);
            legend.push((names[q].clone(), Swatch::Line(c)));
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
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(time_axis(r, &plot), 0.0..100.0)?;
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
                    let ok = s.low.is_finite() && s.high.is_finite() && !s.closed();
                    (i, if ok { 0.0 } else { f64::NAN })
                }));
                for run in bands {
                    let mut pts: Vec<(f64, f64)> =
                        run.iter().map(|&(i, _)| (mid(i), slots[i].high * 100.0)).collect();
                    pts.extend(run.iter().rev().map(|&(i, _)| (mid(i), slots[i].low * 100.0)));
                    chart.draw_series(std::iter::once(Polygon::new(pts, c.mix(0.2).filled())))?;
                }
            }
            // An interval the queue is closed throughout is left out (docs/model.md §10.13).
            let value = |i: usize| if slots[i].closed() { f64::NAN } else { slots[i].service_level * 100.0 };
            for run in runs(in_span(r, (a, b)).map(|i| (mid(i), value(i)))) {
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
        // Each status in its own colour, the one it has in every chart.
        let mut series: Vec<(String, RGBColor, Vec<f64>)> = vec![
            (
                "Available, with spare capacity".into(),
                status_colour(&r.statuses, "Available"),
                idx.iter().map(|&i| r.team_slots[i].available_spare).collect(),
            ),
            (
                "Available, full".into(),
                AVAILABLE_FULL,
                idx.iter().map(|&i| r.team_slots[i].available_full).collect(),
            ),
        ];
        for (s, name) in r.statuses.iter().enumerate() {
            if name == "Available" || name == "Offline" {
                continue;
            }
            let agents: Vec<f64> = idx.iter().map(|&i| r.status_secs[s][i] / r.slots[i].length).collect();
            if agents.iter().any(|v| *v > 0.0) {
                series.push((name.clone(), status_colour(&r.statuses, name), agents));
            }
        }
        let legend: Vec<(String, Swatch)> =
            series.iter().map(|(n, c, _)| (n.clone(), Swatch::Fill(*c))).collect();
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = (0..idx.len())
            .map(|j| series.iter().map(|(_, _, v)| v[j].max(0.0)).sum::<f64>())
            .fold(0.0, f64::max);
        let multi = r.multi_day();
        let mut chart = ChartBuilder::on(&plot)
            .caption(format!("Agents by status {}", crate::calendar::over(r.days())), (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(time_axis(r, &plot), 0.0..(top * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if multi { "day and time of day" } else { "time of day" })
            .y_desc("agents (time-average per interval)")
            .y_label_formatter(&|v| if top >= 5.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        let mut base = vec![0.0; idx.len()];
        for (_, c, values) in &series {
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
            chart.draw_series(std::iter::once(Polygon::new(upper, c.filled())))?;
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
        // Waits under 1 s are drawn at 1 s (the axis starts there).
        let curves: Vec<LegendLine> = r
            .waits
            .iter()
            .filter(|c| c.points.iter().any(|p| p.1.is_finite()))
            .map(|c| {
                let pts = c.points.iter().filter(|p| p.0 >= 1.0).map(|&(w, f)| (w, f * 100.0)).collect();
                (label_of(&c.scope, &c.name), colour_of(&c.name, &c.scope), pts)
            })
            .collect();
        let lines: Vec<(&str, Vec<(f64, f64)>)> =
            curves.iter().map(|(l, _, p)| (l.as_str(), p.clone())).collect();
        let mut legend: Vec<(String, Swatch)> = marked_same(&lines)
            .into_iter()
            .zip(&curves)
            .map(|(l, (_, c, _))| (l, Swatch::Line(*c)))
            .collect();
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
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(LogWait::new(1.0, longest), 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc("wait (log scale; waits under 1 s drawn at 1 s)")
            .y_desc("answered within the wait (%)")
            .y_label_formatter(&|v| percent(*v))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        if legend.is_empty() {
            note(&plot, "no conversation was answered")?;
        }
        for (_, c, pts) in curves {
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
            ("Offered load (Erlangs)", BLACK, steps(r, in_span(r, (a, b)), load)),
            (
                "Agents logged in",
                RGBColor(128, 128, 128),
                steps(r, in_span(r, (a, b)), |i| r.team_slots[i].logged_in),
            ),
            (
                "Agents available",
                status_colour(&r.statuses, "Available"),
                steps(r, in_span(r, (a, b)), |i| {
                    r.team_slots[i].available_spare + r.team_slots[i].available_full
                }),
            ),
        ];
        let flat: Vec<(&str, Vec<(f64, f64)>)> =
            lines.iter().map(|(n, _, rs)| (*n, rs.iter().flatten().copied().collect())).collect();
        let legend: Vec<(String, Swatch)> =
            marked_same(&flat).into_iter().zip(&lines).map(|(n, (_, c, _))| (n, Swatch::Line(*c))).collect();
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = lines.iter().flat_map(|(_, _, rs)| rs.iter().flatten().map(|p| p.1)).fold(0.0, f64::max);
        let multi = r.multi_day();
        let mut chart = ChartBuilder::on(&plot)
            .caption("Offered load against agents logged in and available", (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(time_axis(r, &plot), 0.0..(top * 1.1).max(1.0))?;
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
        let fill = |name: &str| status_colour(&r.statuses, name);
        let mut legend: Vec<(String, Swatch)> =
            bars.iter().map(|(n, v)| (format!("{n}: {:.1}%", v * 100.0), Swatch::Fill(fill(n)))).collect();
        if let Some(t) = total {
            legend.push((format!("total shrinkage {t:.1}%"), Swatch::Dashed(BLACK)));
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = bars.iter().map(|b| b.1 * 100.0).chain(total).fold(0.0, f64::max);
        let n = bars.len().max(1);
        let mut chart = ChartBuilder::on(&plot)
            .caption("Shrinkage by status (share of logged-in time)", (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
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
        let slot = axis_width(plot.dim_in_pixel().0, false) / n as f64;
        for (k, (name, v)) in bars.iter().enumerate() {
            let x = k as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.2, 0.0), (x + 0.8, v * 100.0)],
                fill(name).filled(),
            )))?;
            // The status's name and share just above its own bar, where it fits
            // in the bar's slot (the legend names every bar in any case).
            let label = format!("{} {:.1}%", super::fit(name, 24), v * 100.0);
            if label_width(&label) + 8.0 <= slot {
                chart.draw_series(std::iter::once(Text::new(
                    label,
                    (x + 0.5, v * 100.0 + top * 0.02),
                    above.clone(),
                )))?;
            }
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
    use super::super::records::{Slot, TeamSlot};
    use super::*;

    /// Records of one day of two intervals with every built-in status, Lunch and Coaching.
    fn records() -> Records {
        let slot = |i: u32| Slot {
            day: 0,
            start: String::new(),
            start_s: f64::from(i) * 1800.0,
            length: 1800.0,
            warmup: false,
        };
        let team =
            TeamSlot { logged_in: 4.0, available_spare: 1.0, available_full: 1.0, logged_in_secs: 7200.0 };
        Records {
            slots: vec![slot(0), slot(1)],
            team_slots: vec![team.clone(), team],
            statuses: ["Available", "Busy", "Unavailable", "Offline", "Lunch", "Coaching"]
                .map(String::from)
                .to_vec(),
            status_secs: vec![
                vec![3600.0; 2],
                vec![1800.0; 2],
                vec![0.0; 2],
                vec![0.0; 2],
                vec![900.0, 0.0],
                vec![0.0, 900.0],
            ],
            ..Records::default()
        }
    }

    /// The fill of the legend swatch drawn just before each text holding `name`.
    fn swatch_fills(svg: &str, name: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let mut last_fill = None;
        let mut out = Vec::new();
        for n in doc.descendants() {
            if n.has_tag_name("rect") {
                last_fill = n.attribute("fill").map(str::to_owned);
            } else if n.has_tag_name("text") && n.text().is_some_and(|t| t.trim().starts_with(name)) {
                out.extend(last_fill.clone());
            }
        }
        out
    }

    #[test]
    fn a_status_has_the_same_colour_in_every_chart() {
        let r = records();
        let charts = run_charts(&r);
        let svg = |name: &str| {
            let chart = charts.iter().find(|c| c.name == name).unwrap();
            chart.svg(super::super::SIZE).unwrap()
        };
        let (agents, shrinkage) = (svg("agents_by_status"), svg("shrinkage"));
        for status in ["Lunch", "Coaching"] {
            let (a, s) = (swatch_fills(&agents, status), swatch_fills(&shrinkage, status));
            assert!(!a.is_empty() && !s.is_empty(), "{status}: no swatch in {a:?} {s:?}");
            assert!(a.iter().chain(&s).all(|f| *f == a[0]), "{status} changes colour: {a:?} {s:?}");
        }
        // And two statuses do not share one.
        assert_ne!(swatch_fills(&agents, "Lunch")[0], swatch_fills(&agents, "Coaching")[0]);
    }
}
