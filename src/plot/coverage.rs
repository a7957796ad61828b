//! The coverage chart of a `schedule` folder (docs/model.md §16.5): per
//! team, the agents the requirement asks logged in against the agents the
//! roster logs in, over the week, the over- and under-staffed half hours
//! shaded.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{Axis, LABEL, LEGEND, MARGIN, TITLE, X_AREA, Y_AREA, axis_width, label_style};
use super::curves::fmax;
use super::{Chart, Draw, DrawError, FAMILY, Swatch, colour, with_legend};
use crate::calendar::Calendar;

/// One team's curves, one value per interval of the week from its start.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamCover {
    /// The team.
    pub team: String,
    /// Agents the requirement asks logged in.
    pub required: Vec<f64>,
    /// Agents the roster logs in (time-averaged over the interval).
    pub scheduled: Vec<f64>,
}

/// The chart `coverage`: one panel per team; `interval` is the length of
/// an interval in hours.
pub fn coverage_chart<'a>(teams: Vec<TeamCover>, interval: f64, calendar: Calendar) -> Chart<'a> {
    Chart {
        name: "coverage",
        title: "Required against scheduled agents over the week".into(),
        about: "Per team, the agents the requirement asks logged in (black) and the agents the roster \
                logs in (blue); green where the roster has more, vermillion where it has fewer.",
        figure: Box::new(Coverage { teams, interval, calendar }),
    }
}

struct Coverage {
    teams: Vec<TeamCover>,
    interval: f64,
    calendar: Calendar,
}

/// Flat steps through `values`, one per interval of `length` hours.
fn steps(values: &[f64], length: f64) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .flat_map(|(t, &v)| [(t as f64 * length, v), ((t + 1) as f64 * length, v)])
        .collect()
}

impl Draw for Coverage {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let over = RGBColor(0, 158, 115);
        let under = RGBColor(213, 94, 0);
        let legend = vec![
            ("required (logged in)".to_owned(), Swatch::Line(BLACK)),
            ("scheduled by the roster".to_owned(), Swatch::Line(colour(0))),
            ("over the requirement".to_owned(), Swatch::Fill(over)),
            ("under the requirement".to_owned(), Swatch::Fill(under)),
        ];
        let plot = with_legend(area, &legend, LEGEND)?;
        let panels = plot.split_evenly((self.teams.len().max(1), 1));
        for (panel, team) in panels.iter().zip(&self.teams) {
            let top = team
                .required
                .iter()
                .chain(&team.scheduled)
                .copied()
                .filter(|v| v.is_finite())
                .fold(0.0, fmax);
            let span = (0.0, team.required.len() as f64 * self.interval);
            let x = Axis::time(span, true, self.calendar, axis_width(panel.dim_in_pixel().0, false));
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("team {}", team.team), (FAMILY, TITLE))
                .margin(MARGIN)
                .x_label_area_size(X_AREA)
                .y_label_area_size(Y_AREA)
                .build_cartesian_2d(x, 0.0..(top * 1.1).max(1.0))?;
            chart
                .configure_mesh()
                .x_desc("day and time of day")
                .y_desc("agents")
                .label_style(label_style())
                .axis_desc_style((FAMILY, LABEL))
                .draw()?;
            let shaded = team.required.iter().zip(&team.scheduled).enumerate().filter_map(|(t, (&r, &s))| {
                let (x0, x1) = (t as f64 * self.interval, (t + 1) as f64 * self.interval);
                if s > r + 1e-9 {
                    Some(Rectangle::new([(x0, r), (x1, s)], over.mix(0.45).filled()))
                } else if s < r - 1e-9 {
                    Some(Rectangle::new([(x0, s), (x1, r)], under.mix(0.7).filled()))
                } else {
                    None
                }
            });
            chart.draw_series(shaded)?;
            chart
                .draw_series(LineSeries::new(steps(&team.required, self.interval), BLACK.stroke_width(2)))?;
            chart.draw_series(LineSeries::new(
                steps(&team.scheduled, self.interval),
                colour(0).stroke_width(2),
            ))?;
        }
        Ok(())
    }
}
