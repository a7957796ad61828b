//! Charts of a result folder, drawn from its exported records (the parsed
//! result files, [`Records`]), never from the engine: `routesim plot DIR`
//! redraws what `routesim run` drew.
//!
//! A [`Chart`] is a file name, a title and a figure: something that draws
//! itself on any plotters drawing area ([`Draw`]). Shared code renders it
//! to SVG (text in a generic `sans-serif`) and to PNG (text in the DejaVu
//! Sans font built into the binary, so every machine draws the same
//! pixels). Colours are the Okabe-Ito palette (distinct for colour-blind
//! readers and in grey print), and each agent status keeps one colour in
//! every chart (`colours`); legends sit in a panel beside the plot, so
//! they never cover data, and a series drawn over an identical one says
//! so there. Axes choose their ticks by the room they have (`axes`).

mod axes;
mod capacity;
mod colours;
mod compare;
mod curves;
mod erlang;
mod files;
pub(crate) mod labels;
mod records;
mod run;
mod schedule;
mod staff;
mod sweep;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::error::{Error, Result};

pub use crate::rows::ERLANG_HEADER;
pub use capacity::capacity_charts;
pub use files::{Cell, Files, Kind, Page, PageTable};
pub use records::{QueueInfo, QueueSlot, Records, Slot, SummaryLine, TeamSlot, WaitCurve};
pub use run::run_charts;

/// Default picture size, pixels.
pub const SIZE: (u32, u32) = (1200, 700);

/// The font PNG text is drawn with (DejaVu Sans; licence beside it in assets/fonts).
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// The font family charts name: generic in SVG, the bundled font in PNG.
pub(crate) const FAMILY: &str = "sans-serif";

/// Okabe-Ito colours (without yellow, too pale on white), then black.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// The `i`-th series colour (cycling through [`PALETTE`]).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// One chart: file name (without extension), title, and what draws it.
pub struct Chart<'a> {
    /// File name inside `charts/`, without extension (e.g. `service_level`).
    pub name: &'static str,
    /// Title drawn on top, and the report's heading for it.
    pub title: String,
    /// What the chart tells a planner (the report's caption).
    pub about: &'static str,
    /// The picture.
    pub figure: Box<dyn Figure + 'a>,
}

/// Why a chart could not be drawn.
#[derive(Debug)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> DrawError {
        DrawError(e.to_string())
    }
}

/// A picture that can draw itself on any plotters backend.
pub trait Draw {
    /// Draws the picture over the whole of `area` (already white).
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), DrawError>;
}

/// [`Draw`] for the two backends charts are rendered with (object-safe, so
/// a [`Chart`] can hold any picture).
pub trait Figure {
    /// Draws on an SVG area.
    fn draw_svg(&self, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), DrawError>;
    /// Draws on a bitmap area.
    fn draw_png(&self, area: &DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), DrawError>;
}

impl<T: Draw> Figure for T {
    fn draw_svg(&self, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), DrawError> {
        self.draw(area)
    }
    fn draw_png(&self, area: &DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), DrawError> {
        self.draw(area)
    }
}

/// Registers the bundled font with plotters (once per process). Text is
/// measured with it in SVG too, so both pictures are laid out alike.
fn fonts() -> Result<()> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok { Ok(()) } else { Err(chart_error("(font)", "the bundled font cannot be read".into())) }
}

fn chart_error(name: &str, problem: String) -> Error {
    Error::Chart { name: name.to_owned(), problem }
}

impl Chart<'_> {
    /// The chart as an SVG document of `size` pixels.
    pub fn svg(&self, size: (u32, u32)) -> Result<String> {
        fonts()?;
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
            let drawn = root
                .fill(&WHITE)
                .map_err(DrawError::from)
                .and_then(|()| self.figure.draw_svg(&root))
                .and_then(|()| root.present().map_err(DrawError::from));
            drawn.map_err(|e| chart_error(self.name, e.0))?;
        }
        Ok(out)
    }

    /// The chart as a PNG image of `size` pixels (RGB, 8 bits).
    pub fn png(&self, size: (u32, u32)) -> Result<Vec<u8>> {
        fonts()?;
        let (w, h) = size;
        let mut pixels = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
            let drawn = root
                .fill(&WHITE)
                .map_err(DrawError::from)
                .and_then(|()| self.figure.draw_png(&root))
                .and_then(|()| root.present().map_err(DrawError::from));
            drawn.map_err(|e| chart_error(self.name, e.0))?;
        }
        encode_png(&pixels, size).map_err(|e| chart_error(self.name, format!("cannot encode PNG: {e}")))
    }
}

/// RGB pixels as PNG bytes (no timestamp or other varying chunk).
fn encode_png(pixels: &[u8], (w, h): (u32, u32)) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header()?;
        writer.write_image_data(pixels)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Every chart's files (`charts/NAME.svg`, `charts/NAME.png`) with their
/// bytes, and the SVG text of each chart for the report, in chart order.
pub fn render_all(charts: &[Chart<'_>], size: (u32, u32)) -> Result<Rendered> {
    let mut rendered = Rendered::default();
    for chart in charts {
        let svg = chart.svg(size)?;
        rendered.files.push((format!("charts/{}.svg", chart.name), svg.clone().into_bytes()));
        rendered.files.push((format!("charts/{}.png", chart.name), chart.png(size)?));
        rendered.svgs.push(Drawn { title: chart.title.clone(), about: chart.about, svg });
    }
    Ok(rendered)
}

/// Rendered charts: files for the result folder and SVG text for the report.
#[derive(Debug, Default)]
pub struct Rendered {
    /// `(path inside the result folder, bytes)`, in chart order, SVG then PNG.
    pub files: Vec<(String, Vec<u8>)>,
    /// Each chart's SVG with its title and caption, in chart order.
    pub svgs: Vec<Drawn>,
}

/// One drawn chart, for the report.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The chart's title.
    pub title: String,
    /// What it tells a planner.
    pub about: &'static str,
    /// The SVG document.
    pub svg: String,
}

/// A legend entry's swatch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A filled box.
    Fill(RGBColor),
    /// A translucent band.
    Band(RGBColor),
    /// A filled dot (a marker).
    Dot(RGBColor),
    /// A cross (a marker).
    Cross(RGBColor),
}

/// Splits `area` into the plot (left) and a legend panel (right) of
/// `width` pixels, and draws the `entries` in the panel from the top.
pub(crate) fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
    width: u32,
) -> Result<DrawingArea<DB, Shift>, DrawError> {
    let (w, _) = area.dim_in_pixel();
    let (plot, panel) = area.split_horizontally(w.saturating_sub(width));
    let text = TextStyle::from((FAMILY, 16).into_font()).color(&BLACK);
    let mut y = 60;
    for (label, swatch) in entries {
        let (x0, x1, yc) = (8, 40, y + 8);
        match *swatch {
            Swatch::Line(c) => {
                panel.draw(&PathElement::new(vec![(x0, yc), (x1, yc)], c.stroke_width(3)))?;
            }
            Swatch::Dashed(c) => {
                for s in [x0, x0 + 12, x0 + 24] {
                    panel.draw(&PathElement::new(vec![(s, yc), (s + 7, yc)], c.stroke_width(2)))?;
                }
            }
            Swatch::Fill(c) => panel.draw(&Rectangle::new([(x0, y), (x1, y + 16)], c.filled()))?,
            Swatch::Band(c) => panel.draw(&Rectangle::new([(x0, y), (x1, y + 16)], c.mix(0.25).filled()))?,
            Swatch::Dot(c) => panel.draw(&Circle::new((x0 + 16, yc), 5, c.filled()))?,
            Swatch::Cross(c) => panel.draw(&Cross::new((x0 + 16, yc), 7, c.stroke_width(3)))?,
        }
        for line in wrap(label, 30) {
            panel.draw(&Text::new(line, (x1 + 8, y), text.clone()))?;
            y += 20;
        }
        y += 6;
    }
    Ok(plot)
}

/// A legend label in at most two lines of about `max` characters, broken
/// at a space (a parenthesis starts the second line when it can), the
/// second cut to fit: a long name keeps its note, such as `(same as …)`.
pub(crate) fn wrap(label: &str, max: usize) -> Vec<String> {
    if label.chars().count() <= max + 4 {
        return vec![label.to_owned()];
    }
    let at = label.find(" (").filter(|&i| i > 0 && label[..i].chars().count() <= max + 4).or_else(|| {
        label
            .char_indices()
            .filter(|&(i, c)| c == ' ' && label[..i].chars().count() <= max)
            .map(|(i, _)| i)
            .next_back()
    });
    match at {
        Some(i) => vec![label[..i].to_owned(), fit(label[i..].trim_start(), max + 4)],
        None => vec![fit(label, max + 4)],
    }
}

/// The legend labels of series drawn in order (`(label, points)`), each
/// series drawn over an identical earlier one (the same points, at least
/// one of them a value) marked `label (same as EARLIER)`: the line a
/// reader sees stands for both.
pub(crate) fn marked_same(series: &[(&str, Vec<(f64, f64)>)]) -> Vec<String> {
    let same = |a: &[(f64, f64)], b: &[(f64, f64)]| {
        a.len() == b.len()
            && a.iter().any(|p| p.1.is_finite())
            && a.iter().zip(b).all(|(p, q)| p.0 == q.0 && (p.1 == q.1 || (p.1.is_nan() && q.1.is_nan())))
    };
    series
        .iter()
        .enumerate()
        .map(|(i, (label, points))| match series[..i].iter().find(|(_, earlier)| same(points, earlier)) {
            Some((earlier, _)) => format!("{label} (same as {earlier})"),
            None => (*label).to_owned(),
        })
        .collect()
}

/// `s` cut to `max` characters (with an ellipsis), so a long name cannot
/// run out of the legend panel.
pub(crate) fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Splits a series into runs of finite values: a missing value (NaN)
/// leaves a gap instead of a line to zero.
pub(crate) fn runs<T: Copy>(points: impl IntoIterator<Item = (T, f64)>) -> Vec<Vec<(T, f64)>> {
    let mut out: Vec<Vec<(T, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (x, y) in points {
        if y.is_finite() {
            current.push((x, y));
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_split_a_series_into_runs() {
        let r = runs([(0, 1.0), (1, f64::NAN), (2, 2.0), (3, 3.0), (4, f64::NAN)]);
        assert_eq!(r, vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]);
        assert!(runs::<i32>([(0, f64::NAN)]).is_empty());
    }

    #[test]
    fn a_series_over_an_identical_one_says_so() {
        let c = vec![(0.0, 14.0), (1.0, 15.0)];
        let other = vec![(0.0, 14.0), (1.0, 16.0)];
        let series = [("erlang-c", c.clone()), ("erlang-a", c.clone()), ("simulation", other), ("again", c)];
        assert_eq!(
            marked_same(&series),
            ["erlang-c", "erlang-a (same as erlang-c)", "simulation", "again (same as erlang-c)"]
        );
        // Two series without a value are not "the same" line: neither is drawn.
        let empty = vec![(0.0, f64::NAN)];
        assert_eq!(marked_same(&[("a", empty.clone()), ("b", empty)]), ["a", "b"]);
    }

    #[test]
    fn long_legend_labels_wrap_before_their_note() {
        assert_eq!(wrap("erlang-a (same as erlang-c)", 30), ["erlang-a (same as erlang-c)"]);
        assert_eq!(
            wrap("chat, backoffice.count=2 (same as chat, backoffice.count=1)", 30),
            ["chat, backoffice.count=2", "(same as chat, backoffice.count=1)"]
        );
        assert_eq!(wrap("a queue with a very long name indeed and more", 30).len(), 2);
        assert_eq!(wrap(&"x".repeat(50), 30), [format!("{}…", "x".repeat(33))]);
    }

    #[test]
    fn long_names_are_cut_to_fit() {
        assert_eq!(fit("chat", 26), "chat");
        assert_eq!(fit("abcdef", 4), "abc…");
    }

    #[test]
    fn the_bundled_font_registers() {
        fonts().unwrap();
    }
}
