//! The charts and page of a `staff` folder (docs/model.md §13): the agents
//! each method requires by interval over the offered load, the service
//! level each achieves against the target (only a shortfall shaded), each
//! method's cost and misses first, and the staffing by interval folded away.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{Axis, LABEL, LEGEND, MARGIN, TITLE, X_AREA, Y_AREA, axis_width, label_style};
use super::curves::fmax;
use super::files::{Cell, Files, Page, PageTable};
use super::{Chart, Draw, DrawError, FAMILY, Swatch, colour, labels, marked_same, runs, with_legend};
use crate::error::{Error, Result};
use crate::rows::StaffingRecord;
use crate::stats::Metric;
use crate::target::{Goal, Target};

/// One staffing.csv row, as the charts read it.
struct StaffRow {
    start: f64,
    method: String,
    agents: f64,
    load: f64,
    values: [f64; 4],
}

/// The rows of the whole-team form added up per interval and method: the
/// teams' agents and offered loads summed, the lowest service level and the
/// highest ASA, abandon rate and occupancy.
fn together(rows: Vec<StaffRow>) -> Vec<StaffRow> {
    let mut out: Vec<StaffRow> = Vec::new();
    let mut at: std::collections::HashMap<(u64, String), usize> = std::collections::HashMap::new();
    for r in rows {
        match at.get(&(r.start.to_bits(), r.method.clone())) {
            Some(&k) => {
                let o = &mut out[k];
                o.agents += r.agents;
                o.load += r.load;
                let pick = |a: f64, b: f64, low: bool| match (a.is_nan(), b.is_nan()) {
                    (true, _) => b,
                    (_, true) => a,
                    _ if low => a.min(b),
                    _ => a.max(b),
                };
                for (c, v) in r.values.iter().enumerate() {
                    o.values[c] = pick(o.values[c], *v, c == 0);
                }
            }
            None => {
                at.insert((r.start.to_bits(), r.method.clone()), out.len());
                out.push(r);
            }
        }
    }
    out
}

/// A JSON array of names (summary.json's `groups`) as strings.
fn json_names(v: &serde_json::Value) -> Vec<&str> {
    v.as_array().into_iter().flatten().filter_map(serde_json::Value::as_str).collect()
}

/// The FTE lines of summary.json's `fte` (one object, or one per team), as
/// printed: `team T (groups G, H): …` for whole teams, `group G (team T): …` for one group.
fn fte_lines(fte: &serde_json::Value, whole_team: bool) -> Vec<String> {
    let each: Vec<&serde_json::Value> = match fte {
        serde_json::Value::Array(all) => all.iter().collect(),
        serde_json::Value::Object(_) => vec![fte],
        _ => Vec::new(),
    };
    each.into_iter()
        .map(|f| {
            let n = |key: &str| f[key].as_f64().unwrap_or(f64::NAN);
            let (team, group) =
                (f["team"].as_str().unwrap_or_default(), f["group"].as_str().unwrap_or_default());
            let who = if whole_team {
                format!("team {team} ({})", crate::format::groups_words(&json_names(&f["groups"])))
            } else {
                format!("group {group} (team {team})")
            };
            format!(
                "{who}: {:.1} agent-hours a week logged in, {:.1}% of it in planned statuses; \
                 {:.1} FTE at {} paid hours a week (FTE = agent-hours / paid hours).",
                n("weekly_agent_hours"),
                100.0 * n("shrinkage"),
                n("fte"),
                crate::format::number(n("paid_hours"))
            )
        })
        .collect()
}

/// The charts and page of a staff folder.
pub(super) fn staff(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let records: Vec<StaffingRecord> = files.csv("staffing.csv")?.records()?;
    let mut rows = Vec::new();
    for (n, r) in records.iter().enumerate() {
        let start = crate::format::label_hours(&r.start).ok_or_else(|| Error::Records {
            path: "staffing.csv".into(),
            problem: format!("line {}: start `{}` is not HH:MM or dD HH:MM", n + 2, r.start),
        })?;
        rows.push(StaffRow {
            start,
            method: r.method.clone(),
            agents: f64::from(r.agents),
            load: r.offered_erlangs.0,
            values: [r.service_level.0, r.asa.0, r.abandon_rate.0, r.occupancy.0],
        });
    }
    let summary = files.json("summary.json")?;
    // The whole-team form has a row per team: the charts show the teams together.
    let whole_team = summary["teams"].is_array();
    if whole_team {
        rows = together(rows);
    }
    let mut targets = Vec::new();
    for t in summary["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str()) {
        targets.push(t.parse::<Target>()?);
    }
    let multi = records.iter().any(|r| r.start.starts_with('d'));
    // The dates come back from the folder's scenario (docs/model.md §10.12).
    let calendar = files.calendar("scenario.toml");
    let mut methods: Vec<String> = Vec::new();
    let mut starts: Vec<f64> = Vec::new();
    for r in &rows {
        if !methods.contains(&r.method) {
            methods.push(r.method.clone());
        }
        if !starts.contains(&r.start) {
            starts.push(r.start);
        }
    }
    let length = starts.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0.0).fold(f64::INFINITY, f64::min);
    let length = if length.is_finite() { length } else { 1.0 };
    let span = match (starts.first(), starts.last()) {
        (Some(a), Some(b)) => (*a, b + length),
        _ => (0.0, 24.0),
    };
    let by_method: Vec<Vec<&StaffRow>> =
        methods.iter().map(|m| rows.iter().filter(|r| r.method == *m).collect()).collect();
    let load: Vec<(f64, f64)> =
        by_method.first().map_or(Vec::new(), |rs| rs.iter().map(|r| (r.start, r.load)).collect());
    let sl_target = targets.iter().find(|t| t.goal == Goal::ServiceLevel).map(|t| t.value);
    let met = |r: &StaffRow| {
        targets.iter().all(|t| {
            let v = match t.goal {
                Goal::ServiceLevel => r.values[0],
                Goal::Asa => r.values[1],
                Goal::AbandonRate => r.values[2],
                Goal::Occupancy => r.values[3],
            };
            !v.is_finite() || t.holds(v)
        })
    };
    // Multi-day charts say over how many days (docs/model.md §10.12).
    let over = if multi {
        format!(" {}", crate::calendar::over(((span.1 - span.0) / 24.0).round() as u64))
    } else {
        String::new()
    };
    let agents_title = format!("Required agents by interval{over}, over the offered load");
    let levels_title = format!("Service level each method's staffing achieves{over}");
    let agents = StaffAgents {
        span,
        multi,
        calendar,
        title: agents_title.clone(),
        length,
        load,
        methods: methods
            .iter()
            .zip(&by_method)
            .map(|(m, rs)| (m.clone(), rs.iter().map(|r| (r.start, r.agents)).collect()))
            .collect(),
    };
    let levels = StaffLevels {
        span,
        multi,
        calendar,
        title: levels_title.clone(),
        target: sl_target,
        methods: methods
            .iter()
            .zip(&by_method)
            .map(|(m, rs)| {
                (
                    m.clone(),
                    rs.iter().map(|r| (r.start + length / 2.0, r.values[0] * 100.0, met(r))).collect(),
                )
            })
            .collect(),
    };
    let target_words: Vec<String> = targets.iter().map(ToString::to_string).collect();
    let charts = vec![
        Chart {
            name: "staff_agents",
            title: agents_title,
            about: "The agents each method says the group needs, interval by interval, over the offered load in Erlangs (grey): the gap between the two is the headroom the targets cost.",
            figure: Box::new(agents),
        },
        Chart {
            name: "staff_service_level",
            title: levels_title,
            about: "The service level each method's staffing achieves by interval, against the target (dashed): where a method falls below the target, the shortfall is shaded in its colour; a dot meets every target, a cross misses one (judged on the interval's figures as staffing.csv holds them).",
            figure: Box::new(levels),
        },
    ];
    let staffed: Vec<String> = summary["teams"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            format!(
                "{} ({})",
                t["team"].as_str().unwrap_or_default(),
                crate::format::groups_words(&json_names(&t["groups"]))
            )
        })
        .collect();
    let mut settings = if whole_team {
        vec![("teams".to_owned(), staffed.join(", ")), ("targets".to_owned(), target_words.join(", "))]
    } else {
        vec![
            ("group".to_owned(), summary["group"].as_str().unwrap_or_default().to_owned()),
            ("team".to_owned(), summary["team"].as_str().unwrap_or_default().to_owned()),
            ("targets".to_owned(), target_words.join(", ")),
        ]
    };
    if let Some(r) = summary["replications"].as_u64() {
        settings.push(("replications per simulated staffing".into(), r.to_string()));
    }
    let cost: Vec<(String, f64, String, String)> = summary["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["method"].as_str().unwrap_or_default().to_owned(),
                m["agent_hours"].as_f64().unwrap_or(f64::NAN),
                m["misses"].to_string(),
                m["judged_intervals"].to_string(),
            )
        })
        .collect();
    let mut lead: Vec<String> = cost
        .iter()
        .map(|(m, hours, misses, judged)| {
            let hours = crate::format::number(*hours);
            if misses == "0" {
                format!("{m}: {hours} agent-hours; meets every target in all {judged} judged intervals.")
            } else {
                format!("{m}: {hours} agent-hours; misses a target in {misses} of {judged} judged intervals.")
            }
        })
        .collect();
    lead.extend(fte_lines(&summary["fte"], whole_team));
    let methods_table = PageTable {
        heading: "Methods".into(),
        note: "Agent-hours each method's staffing costs, and the judged intervals where it misses a target."
            .into(),
        header: ["method", "agent-hours", "misses", "judged intervals"].map(Cell::from).to_vec(),
        rows: cost
            .iter()
            .map(|(m, hours, misses, judged)| {
                vec![
                    m.as_str().into(),
                    crate::format::number(*hours).into(),
                    misses.as_str().into(),
                    judged.as_str().into(),
                ]
            })
            .collect(),
        folded: false,
        labels: 1,
    };
    let staffing_table = PageTable {
        heading: "Staffing by interval".into(),
        note: "Per interval and method, the agents and what they achieve (staffing.csv).".into(),
        header: vec![
            Cell::keyed("interval start", "start"),
            "method".into(),
            "agents".into(),
            Cell::keyed("Offered load (Erlangs)", "offered_erlangs"),
            Cell::metric(Metric::ServiceLevel),
            Cell::metric(Metric::Asa),
            Cell::metric(Metric::AbandonRate),
            Cell::metric(Metric::Occupancy),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let mut row: Vec<Cell> = vec![
                    calendar.label(r.start * 3600.0, multi).into(),
                    r.method.as_str().into(),
                    crate::format::number(r.agents).into(),
                    crate::format::number((r.load * 100.0).round() / 100.0).into(),
                ];
                let metrics = [Metric::ServiceLevel, Metric::Asa, Metric::AbandonRate, Metric::Occupancy];
                row.extend(metrics.iter().zip(r.values).map(|(m, v)| labels::show(m.unit(), v).into()));
                row
            })
            .collect(),
        folded: true,
        labels: 2,
    };
    let page = Page {
        title: format!("{} — staffing", summary["scenario"].as_str().unwrap_or_default()),
        subtitle: if whole_team {
            format!(
                "Required agents of teams {} by interval (the teams together), meeting {}.",
                staffed.join(", "),
                target_words.join(" and ")
            )
        } else {
            format!(
                "Required agents of group {} by interval, meeting {}.",
                settings[0].1,
                target_words.join(" and ")
            )
        },
        lead,
        settings,
        tables: vec![methods_table, staffing_table],
        scenario_toml: files.text("scenario.toml").to_owned(),
    };
    Ok((charts, page))
}

/// Agents per method by interval (steps) over the offered load (grey area).
struct StaffAgents {
    span: (f64, f64),
    multi: bool,
    calendar: crate::calendar::Calendar,
    title: String,
    length: f64,
    load: Vec<(f64, f64)>,
    methods: Vec<(String, Vec<(f64, f64)>)>,
}

/// Step points of `(start, value)` pairs, flat across each interval, split at missing values.
fn step_runs(points: &[(f64, f64)], length: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for run in runs(points.iter().copied()) {
        out.push(run.iter().flat_map(|&(x, y)| [(x, y), (x + length, y)]).collect());
    }
    out
}

/// The legend labels of `methods`, one drawn over an identical one marked so.
fn method_labels<T>(methods: &[(String, Vec<T>)], xy: impl Fn(&T) -> (f64, f64)) -> Vec<String> {
    let series: Vec<(&str, Vec<(f64, f64)>)> =
        methods.iter().map(|(m, p)| (m.as_str(), p.iter().map(&xy).collect())).collect();
    marked_same(&series)
}

impl Draw for StaffAgents {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let grey = RGBColor(215, 215, 215);
        let mut legend = vec![("offered load (Erlangs)".to_owned(), Swatch::Fill(grey))];
        let names = method_labels(&self.methods, |p| *p);
        legend.extend(names.into_iter().enumerate().map(|(k, m)| (m, Swatch::Line(colour(k)))));
        let plot = with_legend(area, &legend, LEGEND)?;
        let top = self
            .methods
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p.1))
            .chain(self.load.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold(0.0, fmax);
        let x = Axis::time(self.span, self.multi, self.calendar, axis_width(plot.dim_in_pixel().0, false));
        let mut chart = ChartBuilder::on(&plot)
            .caption(self.title.as_str(), (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(x, 0.0..(top * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if self.multi { "day and time of day" } else { "time of day" })
            .y_desc("agents / Erlangs")
            .y_label_formatter(&|v| if top >= 5.0 { format!("{v:.0}") } else { format!("{v:.1}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for run in step_runs(&self.load, self.length) {
            let mut pts = run.clone();
            pts.extend(run.iter().rev().map(|&(x, _)| (x, 0.0)));
            chart.draw_series(std::iter::once(Polygon::new(pts, grey.filled())))?;
        }
        for (k, (_, points)) in self.methods.iter().enumerate() {
            for run in step_runs(points, self.length) {
                chart.draw_series(LineSeries::new(run, colour(k).stroke_width(3)))?;
            }
        }
        Ok(())
    }
}

/// One interval's point: mid-point (hours), service level (%), whether it met every target.
type Level = (f64, f64, bool);

/// Service level per method by interval, against the target, met or missed.
struct StaffLevels {
    span: (f64, f64),
    multi: bool,
    calendar: crate::calendar::Calendar,
    title: String,
    target: Option<f64>,
    /// Per method: (interval mid-point, service level %, met every target).
    methods: Vec<(String, Vec<Level>)>,
}

/// Where a line through `points` (split at missing values) runs below the
/// level `t`: the regions between the line and `t`, as polygons, each from
/// where the line crosses below `t` to where it comes back (or its run ends).
fn shortfall(points: &[(f64, f64)], t: f64) -> Vec<Vec<(f64, f64)>> {
    let cross = |(x0, y0): (f64, f64), (x1, y1): (f64, f64)| {
        if y1 == y0 { x0 } else { x0 + (t - y0) / (y1 - y0) * (x1 - x0) }
    };
    let mut out = Vec::new();
    for run in runs(points.iter().copied()) {
        let mut region: Vec<(f64, f64)> = Vec::new();
        for (i, &p) in run.iter().enumerate() {
            if p.1 < t {
                if region.is_empty() {
                    let from = if i > 0 { cross(run[i - 1], p) } else { p.0 };
                    region.push((from, t));
                }
                region.push(p);
            } else if !region.is_empty() {
                region.push((cross(run[i - 1], p), t));
                out.push(std::mem::take(&mut region));
            }
        }
        if let Some(&(x, _)) = region.last() {
            region.push((x, t));
            out.push(region);
        }
    }
    // A lone point below the level encloses nothing: its cross marks it.
    out.retain(|r| r.iter().any(|p| p.0 != r[0].0));
    out
}

impl Draw for StaffLevels {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let names = method_labels(&self.methods, |p| (p.0, p.1));
        let mut legend: Vec<(String, Swatch)> =
            names.into_iter().enumerate().map(|(k, m)| (m, Swatch::Line(colour(k)))).collect();
        if let Some(t) = self.target {
            legend.push((format!("target {:.0}%", t * 100.0), Swatch::Dashed(BLACK)));
            legend.push(("below target (shaded)".into(), Swatch::Band(RGBColor(90, 90, 90))));
        }
        legend.push(("meets every target".into(), Swatch::Dot(BLACK)));
        legend.push(("misses a target".into(), Swatch::Cross(BLACK)));
        let plot = with_legend(area, &legend, LEGEND)?;
        let (a, b) = self.span;
        let x = Axis::time(self.span, self.multi, self.calendar, axis_width(plot.dim_in_pixel().0, false));
        let mut chart = ChartBuilder::on(&plot)
            .caption(self.title.as_str(), (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(x, 0.0..100.0)?;
        chart
            .configure_mesh()
            .x_desc(if self.multi {
                "day and time of day (interval mid-point)"
            } else {
                "time of day (interval mid-point)"
            })
            .y_desc("service level (% within threshold)")
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        if let Some(t) = self.target {
            let t = t * 100.0;
            // Only where a method's service level is below the target: the shortfall, in its colour.
            for (k, (_, points)) in self.methods.iter().enumerate() {
                let line: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.1)).collect();
                for region in shortfall(&line, t) {
                    chart.draw_series(std::iter::once(Polygon::new(region, colour(k).mix(0.25).filled())))?;
                }
            }
            chart.draw_series(DashedLineSeries::new(vec![(a, t), (b, t)], 12, 8, BLACK.stroke_width(2)))?;
        }
        for (k, (_, points)) in self.methods.iter().enumerate() {
            let c = colour(k);
            for run in runs(points.iter().map(|p| (p.0, p.1))) {
                chart.draw_series(LineSeries::new(run, c.stroke_width(3)))?;
            }
            for &(x, y, met) in points.iter().filter(|p| p.1.is_finite()) {
                if met {
                    chart.draw_series(std::iter::once(Circle::new((x, y), 5, c.filled())))?;
                } else {
                    chart.draw_series(std::iter::once(Cross::new((x, y), 7, c.stroke_width(3))))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_shortfall_below_the_target_is_shaded() {
        // Above the target throughout: nothing is shaded (the old chart shaded all below 80%).
        assert!(shortfall(&[(0.0, 90.0), (1.0, 85.0), (2.0, 99.0)], 80.0).is_empty());
        // One dip: from where the line crosses 80% down to 70% and back.
        assert_eq!(
            shortfall(&[(0.0, 90.0), (1.0, 70.0), (2.0, 90.0)], 80.0),
            [vec![(0.5, 80.0), (1.0, 70.0), (1.5, 80.0)]]
        );
        // Below from the start, and below at the end: each region is closed on the target.
        assert_eq!(
            shortfall(&[(0.0, 70.0), (1.0, 90.0), (2.0, 70.0), (3.0, 60.0)], 80.0),
            [
                vec![(0.0, 80.0), (0.0, 70.0), (0.5, 80.0)],
                vec![(1.5, 80.0), (2.0, 70.0), (3.0, 60.0), (3.0, 80.0)],
            ]
        );
        // A missing value splits the line; a lone point below encloses nothing.
        assert!(shortfall(&[(0.0, 90.0), (1.0, f64::NAN), (2.0, 50.0), (3.0, f64::NAN)], 80.0).is_empty());
    }
}
