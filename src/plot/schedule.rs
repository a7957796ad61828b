//! The chart and page of a `schedule` folder (docs/model.md §16): the
//! roster's coverage against the requirement over the week, drawn from
//! coverage.csv and summary.json only, so `routesim plot DIR` redraws it.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{Axis, LABEL, LEGEND, MARGIN, TITLE, X_AREA, Y_AREA, axis_width, label_style};
use super::curves::fmax;
use super::files::{Cell, Files, Page, PageTable};
use super::{Chart, Draw, DrawError, FAMILY, Swatch, colour, with_legend};
use crate::calendar::Calendar;
use crate::error::{Error, Result};
use crate::rows::CoverageRecord;

/// Over the requirement: a light tint of the scheduled line's blue.
const OVER: RGBColor = RGBColor(166, 206, 227);
/// Under the requirement: vermillion, the palette's warning colour.
const UNDER: RGBColor = RGBColor(213, 94, 0);

/// One team's coverage: per interval (start hours, required, scheduled, available).
struct TeamCover {
    team: String,
    points: Vec<(f64, f64, f64, f64)>,
}

/// The roster's logged-in agents against the requirement, one panel per
/// team, over and under shaded.
struct Coverage {
    title: String,
    span: (f64, f64),
    length: f64,
    calendar: Calendar,
    teams: Vec<TeamCover>,
}

/// The chart and page of a schedule folder.
pub(super) fn schedule(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let records: Vec<CoverageRecord> = files.csv("coverage.csv")?.records()?;
    let mut teams: Vec<TeamCover> = Vec::new();
    for (n, r) in records.iter().enumerate() {
        let clock = crate::format::label_hours(&r.start).ok_or_else(|| Error::Records {
            path: "coverage.csv".into(),
            problem: format!("line {}: start `{}` is not HH:MM", n + 2, r.start),
        })?;
        let k = match teams.iter().position(|t| t.team == r.team) {
            Some(k) => k,
            None => {
                teams.push(TeamCover { team: r.team.clone(), points: Vec::new() });
                teams.len() - 1
            }
        };
        // Rows run interval by interval within a team: the day is the count of midnights passed.
        let points = &mut teams[k].points;
        let day = points.last().map_or(0.0, |&(h, _, _, _): &(f64, f64, f64, f64)| {
            let d = (h / 24.0).floor();
            if clock < h - d * 24.0 { d + 1.0 } else { d }
        });
        points.push((day * 24.0 + clock, f64::from(r.required), r.scheduled.0, r.available.0));
    }
    let length = teams
        .first()
        .and_then(|t| t.points.windows(2).map(|w| w[1].0 - w[0].0).find(|d| *d > 0.0))
        .unwrap_or(0.5);
    let end = teams.iter().flat_map(|t| t.points.last()).map(|p| p.0 + length).fold(24.0, f64::max);
    let span = (0.0, end);
    let days = ((span.1 - span.0) / 24.0).round() as u64;
    let title = format!("Coverage {}: scheduled against required agents", crate::calendar::over(days));
    let calendar = files.calendar("scenario.toml");
    let summary = files.json("summary.json")?;
    let page = page(files, &summary, &teams, calendar);
    let chart = Chart {
        name: "coverage",
        title: title.clone(),
        about: "Per team and interval, the agents the roster has logged in (blue) against the agents the requirement asks logged in (black, dashed), and those of the roster not in a planned status (green): blue shading where the roster has more than the requirement, vermillion where it has fewer.",
        figure: Box::new(Coverage { title, span, length, calendar, teams }),
    };
    Ok((vec![chart], page))
}

/// What report.html shows besides the chart.
fn page(files: &Files, summary: &serde_json::Value, teams: &[TeamCover], calendar: Calendar) -> Page {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let figure = |v: &serde_json::Value| v.as_f64().map_or(String::new(), crate::format::number);
    let paid = summary["paid_hours"].as_f64().unwrap_or(f64::NAN);
    let required = summary["requirement_agent_hours"].as_f64().unwrap_or(f64::NAN);
    let mut lead = vec![format!(
        "{} agents, {:.1} paid hours a week against {:.1} agent-hours the requirement asks logged in ({:+.1}%).",
        summary["agents"],
        paid,
        required,
        100.0 * (paid / required - 1.0)
    )];
    if let Some(fte) = summary["fte"]["fte"].as_f64() {
        lead.push(format!(
            "{fte:.1} FTE at {} paid hours a week ({}).",
            figure(&summary["fte"]["paid_hours_per_fte"]),
            text(&summary["fte"]["formula"])
        ));
    }
    let program = &summary["program"];
    lead.push(format!(
        "Integer program: {} variables, {} constraints, {} after {} branch-and-bound nodes, gap {:.1}% against the LP relaxation.",
        program["variables"],
        program["constraints"],
        if program["optimal"] == true {
            "solved to optimality".to_owned()
        } else {
            format!("stopped by its {}", text(&program["stopped_by"]))
        },
        program["nodes"],
        100.0 * program["gap"].as_f64().unwrap_or(f64::NAN)
    ));
    for q in summary["validation"]["queues"].as_array().into_iter().flatten() {
        lead.push(format!(
            "{}: service level {:.1}% on the independent seed; {} meets its target in {} of {} judged intervals.",
            text(&q["queue"]),
            100.0 * q["service_level"].as_f64().unwrap_or(f64::NAN),
            text(&q["target"]),
            q["met"],
            q["judged_intervals"]
        ));
    }
    let patterns = PageTable {
        heading: "Agents per shift pattern".into(),
        note: "How many agents work each pattern, and the hours they are paid a week.".into(),
        header: ["shift", "team", "agents", "paid hours"].map(Cell::from).to_vec(),
        rows: summary["patterns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                vec![
                    text(&p["shift"]).into(),
                    text(&p["team"]).into(),
                    p["agents"].to_string().into(),
                    figure(&p["paid_hours"]).into(),
                ]
            })
            .collect(),
        folded: false,
        labels: 2,
    };
    let multi = teams.iter().any(|t| t.points.last().is_some_and(|p| p.0 >= 24.0));
    let coverage = PageTable {
        heading: "Coverage by interval".into(),
        note: "Per team and interval: agents required logged in, scheduled logged in, and available after planned statuses (coverage.csv).".into(),
        header: ["team", "interval start", "required", "scheduled", "available"].map(Cell::from).to_vec(),
        rows: teams
            .iter()
            .flat_map(|t| {
                t.points.iter().map(move |&(h, required, scheduled, available)| {
                    vec![
                        t.team.as_str().into(),
                        calendar.label(h * 3600.0, multi).into(),
                        crate::format::number(required).into(),
                        crate::format::number(scheduled).into(),
                        crate::format::number(available).into(),
                    ]
                })
            })
            .collect(),
        folded: true,
        labels: 2,
    };
    Page {
        title: format!("{} — schedule", text(&summary["scenario"])),
        subtitle: "A roster of shifts covering the week's requirement, confirmed by simulation on an independent seed."
            .into(),
        lead,
        settings: vec![
            ("teams".into(), teams.iter().map(|t| t.team.as_str()).collect::<Vec<_>>().join(", ")),
            ("solver".into(), text(&program["solver"])),
            ("node limit".into(), program["node_limit"].to_string()),
            ("time limit".into(), format!("{} s", figure(&program["time_limit"]))),
        ],
        tables: vec![patterns, coverage],
        scenario_toml: files.text("scenario.toml").to_owned(),
    }
}

/// Step points of `(start, value)`: flat across each interval of `length` hours.
fn steps(points: impl Iterator<Item = (f64, f64)>, length: f64) -> Vec<(f64, f64)> {
    points.flat_map(|(x, y)| [(x, y), (x + length, y)]).collect()
}

impl Draw for Coverage {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let legend = vec![
            ("required logged in".to_owned(), Swatch::Dashed(BLACK)),
            ("scheduled logged in".to_owned(), Swatch::Line(colour(0))),
            ("available (not in a planned status)".to_owned(), Swatch::Line(colour(2))),
            ("over the requirement".to_owned(), Swatch::Fill(OVER)),
            ("under the requirement".to_owned(), Swatch::Fill(UNDER)),
        ];
        let plot = with_legend(area, &legend, LEGEND)?;
        let (title, panels) = plot.split_vertically(TITLE * 2);
        title.titled(&self.title, (FAMILY, TITLE)).map_err(|e| DrawError(e.to_string()))?;
        let panels = panels.split_evenly((self.teams.len().max(1), 1));
        let multi = self.span.1 - self.span.0 > 24.0;
        for (team, panel) in self.teams.iter().zip(&panels) {
            let top = team.points.iter().flat_map(|p| [p.1, p.2, p.3]).fold(1.0, fmax);
            let x = Axis::time(self.span, multi, self.calendar, axis_width(panel.dim_in_pixel().0, false));
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("team {}", team.team), (FAMILY, LABEL))
                .margin(MARGIN)
                .x_label_area_size(X_AREA)
                .y_label_area_size(Y_AREA)
                .build_cartesian_2d(x, 0.0..(top * 1.1).ceil())?;
            chart
                .configure_mesh()
                .x_desc(if multi { "day and time of day" } else { "time of day" })
                .y_desc("agents")
                .y_label_formatter(&|v| format!("{v:.0}"))
                .label_style(label_style())
                .axis_desc_style((FAMILY, LABEL))
                .draw()?;
            // Over and under, interval by interval, between the two steps.
            for &(x0, required, scheduled, _) in &team.points {
                if scheduled == required || !scheduled.is_finite() {
                    continue;
                }
                let fill = if scheduled > required { OVER } else { UNDER };
                let (lo, hi) = (required.min(scheduled), required.max(scheduled));
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x0, lo), (x0 + self.length, hi)],
                    fill.mix(if fill == UNDER { 0.6 } else { 0.8 }).filled(),
                )))?;
            }
            let line = |pick: fn(&(f64, f64, f64, f64)) -> f64| {
                steps(team.points.iter().map(|p| (p.0, pick(p))), self.length)
            };
            chart.draw_series(LineSeries::new(line(|p| p.3), colour(2).stroke_width(1)))?;
            chart.draw_series(LineSeries::new(line(|p| p.2), colour(0).stroke_width(2)))?;
            chart.draw_series(DashedLineSeries::new(line(|p| p.1), 6, 4, BLACK.stroke_width(2)))?;
        }
        Ok(())
    }
}
