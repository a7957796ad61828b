//! Lines against an x axis of values or time, with 95% bands, dashed
//! targets, an optional second y axis and vertical marks: the one figure
//! the sweep, compare and erlang charts are drawn with ([`Curves`]).

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::axes::{Axis, LABEL, LEGEND, MARGIN, TITLE, Ticks, X_AREA, Y_AREA, axis_width, label_style, note};
use super::{Draw, DrawError, FAMILY, Swatch, marked_same, runs, with_legend};

/// The larger of `a` and `b`, ignoring a `b` that is no value.
pub(super) fn fmax(a: f64, b: f64) -> f64 {
    if b.is_finite() { a.max(b) } else { a }
}

/// One line of a [`Curves`] chart: `(x, y, band low, band high)` in the
/// axis's units (NaN: no value, no band).
pub(super) struct Curve {
    pub(super) label: String,
    pub(super) colour: RGBColor,
    pub(super) dashed: bool,
    pub(super) points: Vec<(f64, f64, f64, f64)>,
}

/// The right-hand axis of a [`Curves`] chart and its lines.
pub(super) struct Right {
    pub(super) desc: String,
    pub(super) max: f64,
    pub(super) series: Vec<Curve>,
}

/// Lines against a keyed x axis, with 95% bands, dashed targets, an
/// optional second y axis and vertical marks.
pub(super) struct Curves {
    pub(super) title: String,
    pub(super) x_desc: String,
    pub(super) y_desc: String,
    /// What the x axis is labelled with; its ticks are chosen when its width is known.
    pub(super) x: Ticks,
    /// The bottom of the left axis: 0, or below it for differences.
    pub(super) y_min: f64,
    pub(super) y_max: f64,
    pub(super) percent: bool,
    pub(super) series: Vec<Curve>,
    pub(super) right: Option<Right>,
    pub(super) marks: Vec<(String, f64)>,
}

impl Curve {
    fn banded(&self) -> bool {
        self.points.iter().any(|p| p.2.is_finite() && p.3.is_finite() && p.2 != p.3)
    }

    /// The curve's legend entries, its line's under `label`.
    fn swatches(&self, label: String, legend: &mut Vec<(String, Swatch)>) {
        let swatch = if self.dashed { Swatch::Dashed(self.colour) } else { Swatch::Line(self.colour) };
        legend.push((label, swatch));
        if self.banded() {
            // The band's entry sits right under its line's: a long name is not repeated.
            let label = format!("{} 95% band", self.label);
            let label = if label.chars().count() <= 34 { label } else { "its 95% band".to_owned() };
            legend.push((label, Swatch::Band(self.colour)));
        }
    }

    /// The band polygons, then the line (a lone point as a dot).
    fn elements(&self) -> Vec<(Vec<(f64, f64)>, bool)> {
        let mut out = Vec::new();
        if self.banded() {
            let ok = |p: &(f64, f64, f64, f64)| p.2.is_finite() && p.3.is_finite();
            let idx =
                runs(self.points.iter().enumerate().map(|(i, p)| (i, if ok(p) { 0.0 } else { f64::NAN })));
            for run in idx {
                let mut pts: Vec<(f64, f64)> =
                    run.iter().map(|&(i, _)| (self.points[i].0, self.points[i].3)).collect();
                pts.extend(run.iter().rev().map(|&(i, _)| (self.points[i].0, self.points[i].2)));
                out.push((pts, true));
            }
        }
        for run in runs(self.points.iter().map(|p| (p.0, p.1))) {
            out.push((run, false));
        }
        out
    }
}

impl Draw for Curves {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError> {
        let all: Vec<&Curve> =
            self.series.iter().chain(self.right.iter().flat_map(|r| r.series.iter())).collect();
        let lines: Vec<(&str, Vec<(f64, f64)>)> =
            all.iter().map(|c| (c.label.as_str(), c.points.iter().map(|p| (p.0, p.1)).collect())).collect();
        let mut legend = Vec::new();
        for (c, label) in all.iter().zip(marked_same(&lines)) {
            c.swatches(label, &mut legend);
        }
        for (label, _) in &self.marks {
            legend.push((label.clone(), Swatch::Dashed(RGBColor(110, 110, 110))));
        }
        let plot = with_legend(area, &legend, LEGEND)?;
        let x = self.x.axis(axis_width(plot.dim_in_pixel().0, self.right.is_some()));
        let built = ChartBuilder::on(&plot)
            .caption(&self.title, (FAMILY, TITLE))
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(Y_AREA)
            .right_y_label_area_size(if self.right.is_some() { Y_AREA } else { 0 })
            .build_cartesian_2d(x.clone(), self.y_min..self.y_max)?;
        if self.series.iter().all(|c| c.points.iter().all(|p| !p.1.is_finite())) {
            note(&plot, "no value to draw")?;
        }
        let Some(right) = &self.right else {
            let mut chart = built;
            return self.primary(&mut chart);
        };
        // The second axis takes the right label area before the mesh is drawn,
        // so the primary labels stay on the left.
        let mut chart = built.set_secondary_coord(x, 0.0..right.max);
        self.primary(&mut chart)?;
        chart
            .configure_secondary_axes()
            .y_desc(right.desc.as_str())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for c in &right.series {
            draw_curve(c, |pts, band| {
                if band {
                    chart.draw_secondary_series(std::iter::once(Polygon::new(
                        pts,
                        c.colour.mix(0.2).filled(),
                    )))?;
                } else if c.dashed {
                    chart.draw_secondary_series(DashedLineSeries::new(
                        pts,
                        12,
                        8,
                        c.colour.stroke_width(2),
                    ))?;
                } else {
                    chart.draw_secondary_series(LineSeries::new(pts, c.colour.stroke_width(3)))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

impl Curves {
    /// The mesh, the marks and the left-axis lines.
    fn primary<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<Axis, RangedCoordf64>>,
    ) -> Result<(), DrawError> {
        let percent = self.percent;
        chart
            .configure_mesh()
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .y_label_formatter(&|v| if percent { format!("{v:.0}%") } else { format!("{v:.0}") })
            .label_style(label_style())
            .axis_desc_style((FAMILY, LABEL))
            .draw()?;
        for (_, x) in &self.marks {
            chart.draw_series(DashedLineSeries::new(
                vec![(*x, self.y_min), (*x, self.y_max)],
                10,
                6,
                RGBColor(110, 110, 110).stroke_width(2),
            ))?;
        }
        for c in &self.series {
            draw_curve(c, |pts, band| {
                if band {
                    chart.draw_series(std::iter::once(Polygon::new(pts, c.colour.mix(0.2).filled())))?;
                } else if c.dashed {
                    chart.draw_series(DashedLineSeries::new(pts, 12, 8, c.colour.stroke_width(2)))?;
                } else {
                    if pts.len() == 1 {
                        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.colour.filled())))?;
                    }
                    chart.draw_series(LineSeries::new(pts, c.colour.stroke_width(3)))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// Calls `draw` with each of the curve's elements: band polygons, then line runs.
fn draw_curve(
    c: &Curve,
    mut draw: impl FnMut(Vec<(f64, f64)>, bool) -> Result<(), DrawError>,
) -> Result<(), DrawError> {
    for (pts, band) in c.elements() {
        draw(pts, band)?;
    }
    Ok(())
}
