//! `report.html`: one self-contained page per result folder (docs/model.md
//! §11.10) — the scenario's name and settings, the summary with its 95%
//! intervals, a table per queue and team, the intervals that miss their
//! target, and every chart inline as SVG. Styles are inline; there is no
//! script and nothing is fetched (no font, image or link outside the file).
//! It reads on a laptop and prints on A4 without cut charts.

use std::fmt::Write;

use crate::plot::{Drawn, Page, Records, SummaryLine};
use crate::rows::ScopeKind;
use crate::stats::{Metric, Unit};

/// Styles: readable on screen, charts scaled to the page, nothing split across printed pages.
const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
  max-width: 1240px; margin: 0 auto; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f0f0; }
td.miss { color: #b03000; font-weight: 600; }
figure { margin: 1rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #333; margin-top: 0.3rem; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; white-space: pre-wrap; }
section.queue { break-inside: avoid; page-break-inside: avoid; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, tr { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; }
}
";

/// Summary metrics shown in the overview table, with their headings.
const OVERVIEW: [(Metric, &str); 8] = [
    (Metric::Offered, "offered"),
    (Metric::ServiceLevel, "service level"),
    (Metric::SlTarget, "target"),
    (Metric::Asa, "ASA"),
    (Metric::WaitP90, "wait p90"),
    (Metric::AbandonRate, "abandon rate"),
    (Metric::Occupancy, "occupancy"),
    (Metric::Shrinkage, "shrinkage"),
];

/// The page, from the records and the drawn charts.
pub(super) fn render(r: &Records, charts: &[Drawn]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let name = esc(&r.scenario);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} — routesim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{name}</h1>\n<p class=\"sub\">routesim {} capacity simulation report: {} replications.</p>\n",
        env!("CARGO_PKG_VERSION"),
        r.replications
    );
    settings(&mut h, r);
    overview(&mut h, r);
    misses(&mut h, r);
    h.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        let _ = write!(
            h,
            "<figure>\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            esc(&chart.title),
            inline_svg(&chart.svg),
            esc(chart.about)
        );
    }
    scopes(&mut h, r);
    let _ = write!(
        h,
        "<h2>Scenario file</h2>\n<p>The effective scenario (<code>scenario.toml</code> in this folder): running it reproduces these results.</p>\n<pre>{}</pre>\n</body>\n</html>\n",
        esc(&r.scenario_toml)
    );
    h
}

/// The page of a sweep, staff or erlang folder: its title, settings (with
/// the effective scenario's top-level keys), main tables, every chart, and
/// the scenario file where there is one.
pub(super) fn render_capacity(page: &Page, charts: &[Drawn]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let name = esc(&page.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} — routesim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{name}</h1>\n<p class=\"sub\">routesim {}: {}</p>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&page.subtitle)
    );
    h.push_str("<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
    for (key, value) in &page.settings {
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(key), esc(value));
    }
    toml_settings(&mut h, &page.scenario_toml);
    h.push_str("</table>\n");
    for table in &page.tables {
        let _ = write!(h, "<h2>{}</h2>\n<p>{}</p>\n<table>\n<tr>", esc(&table.heading), esc(&table.note));
        for head in &table.header {
            let _ = write!(h, "<th>{}</th>", esc(head));
        }
        h.push_str("</tr>\n");
        for row in &table.rows {
            h.push_str("<tr>");
            for cell in row {
                let _ = write!(h, "<td>{}</td>", esc(cell));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        let _ = write!(
            h,
            "<figure>\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            esc(&chart.title),
            inline_svg(&chart.svg),
            esc(chart.about)
        );
    }
    if !page.scenario_toml.is_empty() {
        let _ = write!(
            h,
            "<h2>Scenario file</h2>\n<p>The effective scenario (<code>scenario.toml</code> in this folder).</p>\n<pre>{}</pre>\n",
            esc(&page.scenario_toml)
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// Table rows of a scenario's top-level settings (plain values only).
fn toml_settings(h: &mut String, toml: &str) {
    if let Ok(doc) = toml.parse::<toml_edit::DocumentMut>() {
        for (key, item) in doc.iter() {
            if let Some(v) = item.as_value().filter(|v| !v.is_array() && !v.is_inline_table()) {
                let text = v.to_string();
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    esc(key),
                    esc(text.trim().trim_matches('"'))
                );
            }
        }
    }
}

/// The scenario's top-level settings and each queue's target.
fn settings(h: &mut String, r: &Records) {
    h.push_str("<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
    if let Ok(doc) = r.scenario_toml.parse::<toml_edit::DocumentMut>() {
        for (key, item) in doc.iter() {
            if let Some(v) = item.as_value().filter(|v| !v.is_array() && !v.is_inline_table()) {
                let text = v.to_string();
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    esc(key),
                    esc(text.trim().trim_matches('"'))
                );
            }
        }
    }
    h.push_str("</table>\n<table>\n<tr><th>queue</th><th>threshold</th><th>target</th></tr>\n");
    for q in &r.queues {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} s</td><td>{}</td></tr>",
            esc(&q.name),
            crate::format::number(q.threshold),
            pct(q.target)
        );
    }
    h.push_str("</table>\n");
}

/// The summary: one row per queue and the total, key metrics with their 95% intervals.
fn overview(h: &mut String, r: &Records) {
    h.push_str("<h2>Summary</h2>\n<p>Means over replications, with 95% confidence intervals in brackets.</p>\n<table>\n<tr><th>queue</th>");
    for (_, head) in OVERVIEW {
        let _ = write!(h, "<th>{head}</th>");
    }
    h.push_str("</tr>\n");
    let rows =
        r.queues.iter().map(|q| (ScopeKind::Queue, q.name.as_str())).chain([(ScopeKind::Total, "all")]);
    for (scope, name) in rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(if scope == ScopeKind::Total { "total" } else { name }));
        let sl = r.summary_value(scope, name, Metric::ServiceLevel).map(|l| l.mean);
        let target = r.summary_value(scope, name, Metric::SlTarget).map(|l| l.mean);
        for (metric, _) in OVERVIEW {
            let cell = r.summary_value(scope, name, metric).map(value).unwrap_or_default();
            let miss = metric == Metric::ServiceLevel && matches!((sl, target), (Some(s), Some(t)) if s < t);
            let _ = write!(h, "<td{}>{}</td>", if miss { " class=\"miss\"" } else { "" }, esc(&cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The intervals whose service level is below the queue's target.
fn misses(h: &mut String, r: &Records) {
    h.push_str("<h2>Intervals that miss their target</h2>\n");
    let mut rows = String::new();
    let mut n = 0;
    for (i, slot) in r.slots.iter().enumerate() {
        for (q, queue) in r.queues.iter().enumerate() {
            let s = &r.queue_slots[q][i];
            if s.target_met != Some(false) {
                continue;
            }
            n += 1;
            let band =
                if s.low.is_finite() { format!(" [{}, {}]", pct(s.low), pct(s.high)) } else { String::new() };
            let _ = writeln!(
                rows,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td><td class=\"miss\">{}{}</td><td>{}</td><td>{}</td></tr>",
                if r.multi_day() { format!("day {} ", slot.day) } else { String::new() },
                esc(&slot.start),
                esc(&queue.name),
                crate::format::number((s.offered * 10.0).round() / 10.0),
                pct(s.service_level),
                band,
                pct(queue.target),
                secs(s.asa),
            );
        }
    }
    if n == 0 {
        h.push_str("<p>Every interval with traffic meets its queue's target.</p>\n");
    } else {
        let _ = write!(
            h,
            "<p>{n} queue-intervals below target (service level pooled over replications, 95% interval in brackets).</p>\n\
             <table>\n<tr><th>interval start</th><th>queue</th><th>offered</th><th>service level</th><th>target</th><th>ASA</th></tr>\n{rows}</table>\n"
        );
    }
}

/// One table per queue and team: every summary metric.
fn scopes(h: &mut String, r: &Records) {
    h.push_str("<h2>Queues and teams</h2>\n");
    let mut seen: Vec<(ScopeKind, &str)> = Vec::new();
    for l in &r.summary {
        if !seen.contains(&(l.scope, l.name.as_str())) {
            seen.push((l.scope, &l.name));
        }
    }
    for (scope, name) in seen {
        let heading = if scope == ScopeKind::Total {
            "All queues".to_owned()
        } else {
            format!("{} {name}", scope.name())
        };
        let _ = write!(
            h,
            "<section class=\"queue\">\n<h3>{}</h3>\n<table>\n<tr><th>metric</th><th>mean</th><th>95% interval</th></tr>\n",
            esc(&heading)
        );
        for l in r.summary.iter().filter(|l| l.scope == scope && l.name == name) {
            let band = if l.low.is_finite() {
                format!("{} to {}", show(l, l.low), show(l, l.high))
            } else {
                String::new()
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(l.metric.name()),
                esc(&show(l, l.mean)),
                esc(&band)
            );
        }
        h.push_str("</table>\n</section>\n");
    }
}

/// A summary value with its interval, in the metric's unit.
fn value(l: &SummaryLine) -> String {
    if !l.mean.is_finite() {
        return String::new();
    }
    let mut s = show(l, l.mean);
    if l.low.is_finite() && l.high.is_finite() && l.low != l.high {
        let _ = write!(s, " [{}, {}]", show(l, l.low), show(l, l.high));
    }
    s
}

/// One number in `l`'s unit.
fn show(l: &SummaryLine, v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    match l.unit {
        Unit::Fraction => pct(v),
        Unit::Seconds => secs(v),
        Unit::AgentSeconds => format!("{:.1} agent-h", v / 3600.0),
        Unit::Count => crate::format::number((v * 10.0).round() / 10.0),
    }
}

fn pct(v: f64) -> String {
    if v.is_finite() { format!("{:.1}%", v * 100.0) } else { String::new() }
}

fn secs(v: f64) -> String {
    if v.is_finite() { format!("{v:.1} s") } else { String::new() }
}

/// An SVG document as an element of the page: without its XML prolog and
/// namespace declaration (implied in HTML), so the page names no address.
fn inline_svg(svg: &str) -> String {
    let body = match svg.find("<svg") {
        Some(at) => &svg[at..],
        None => svg,
    };
    body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

/// Text escaped for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_svg_loses_its_namespace() {
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"2\" xmlns=\"http://www.w3.org/2000/svg\"><text>x</text></svg>";
        assert_eq!(inline_svg(svg), "<svg width=\"2\"><text>x</text></svg>");
    }

    #[test]
    fn an_empty_folder_still_makes_a_page() {
        let page = render(&Records::default(), &[]);
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert!(page.contains("Every interval with traffic meets"));
    }
}
