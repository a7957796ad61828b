//! `report.html`: one self-contained page per result folder (docs/model.md
//! §11.10), in the order a manager reads it: the charts first; then, for a
//! run, the intervals that miss their target (each queue's count and its
//! worst few, the whole list folded away), the queues' and the teams'
//! figures (a team figure once, under its team), every figure folded
//! away; the settings and the scenario file last. Metrics carry plain
//! labels with the result file's key in small print, durations read in
//! the units a person uses. Styles are inline; there is no script and
//! nothing is fetched (no font, image or link outside the file). It reads
//! on a laptop and prints on A4 without cut charts.

use std::fmt::Write;

use crate::format;
use crate::plot::labels::{self, pct};
use crate::plot::{Cell, Drawn, Page, PageTable, Records, SummaryLine};
use crate::rows::ScopeKind;
use crate::stats::{Metric, Unit};

/// Styles: readable on screen, charts scaled to the page, nothing split across printed pages.
const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif;
  max-width: 1240px; margin: 0 auto; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
.sub { color: #555; margin-top: 0; }
ul.lead { font-size: 1.05rem; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
th { background: #f0f0f0; }
td.miss { color: #b03000; font-weight: 600; }
small.key, small.ci { display: block; color: #666; font-size: 0.72rem; font-weight: normal; white-space: nowrap; }
small.key { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
details { margin: 0.5rem 0 1rem; }
summary { cursor: pointer; color: #0b4f8a; }
figure { margin: 1rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #333; margin-top: 0.3rem; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; white-space: pre-wrap; }
section.scope { break-inside: avoid; page-break-inside: avoid; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, tr { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; }
}
";

/// The queues' headline metrics in the summary table.
const QUEUE_FIGURES: [Metric; 6] = [
    Metric::Offered,
    Metric::ServiceLevel,
    Metric::Asa,
    Metric::WaitP90,
    Metric::AbandonRate,
    Metric::Unresolved,
];

/// The teams' figures in the teams table.
const TEAM_FIGURES: [Metric; 6] = [
    Metric::LoggedIn,
    Metric::Occupancy,
    Metric::CapacityUtilisation,
    Metric::Shrinkage,
    Metric::Answered,
    Metric::Aht,
];

/// How many of a queue's worst intervals the misses summary names.
const WORST: usize = 3;

/// The page of a run, from the records and the drawn charts.
pub(super) fn render(r: &Records, charts: &[Drawn]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    head(
        &mut h,
        &r.scenario,
        &format!("routesim {} capacity simulation report: {}.", env!("CARGO_PKG_VERSION"), extent(r)),
    );
    figures(&mut h, charts);
    misses(&mut h, r);
    overview(&mut h, r);
    teams(&mut h, r);
    every_figure(&mut h, r);
    h.push_str("<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
    toml_settings(&mut h, &r.scenario_toml);
    h.push_str("</table>\n<table>\n<tr><th>queue</th><th>service-level threshold</th><th>target</th></tr>\n");
    for q in &r.queues {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&q.name),
            esc(&format::duration(q.threshold)),
            pct(q.target)
        );
    }
    h.push_str("</table>\n");
    scenario_file(&mut h, &r.scenario_toml, "running it reproduces these results");
    h.push_str("</body>\n</html>\n");
    h
}

/// The page of a sweep, staff, erlang or compare folder: its title, the
/// lead (the answer in a few lines; compare's verdict), every chart, the
/// main tables (long ones folded away), the settings (with the effective
/// scenario's top-level keys) and the scenario file where there is one.
pub(super) fn render_capacity(page: &Page, charts: &[Drawn]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    head(&mut h, &page.title, &format!("routesim {}: {}", env!("CARGO_PKG_VERSION"), page.subtitle));
    if !page.lead.is_empty() {
        h.push_str("<ul class=\"lead\">\n");
        for line in &page.lead {
            let _ = writeln!(h, "<li>{}</li>", esc(line));
        }
        h.push_str("</ul>\n");
    }
    figures(&mut h, charts);
    for table in &page.tables {
        page_table(&mut h, table);
    }
    h.push_str("<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>value</th></tr>\n");
    for (key, value) in &page.settings {
        let _ = writeln!(h, "<tr><td>{}</td><td class=\"text\">{}</td></tr>", esc(key), esc(value));
    }
    toml_settings(&mut h, &page.scenario_toml);
    h.push_str("</table>\n");
    if !page.scenario_toml.is_empty() {
        scenario_file(&mut h, &page.scenario_toml, "as run");
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The document's head, the page's heading and the line under it.
fn head(h: &mut String, title: &str, subtitle: &str) {
    let name = esc(title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} — routesim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{name}</h1>\n<p class=\"sub\">{}</p>\n",
        esc(subtitle)
    );
}

/// Every chart inline, with its title and caption.
fn figures(h: &mut String, charts: &[Drawn]) {
    h.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        // The chart draws its own title; the caption says what it tells.
        let _ = write!(
            h,
            "<figure aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            esc(&chart.title),
            inline_svg(&chart.svg),
            esc(chart.about)
        );
    }
}

/// A table of a [`Page`], under its heading; folded away when it says so.
fn page_table(h: &mut String, table: &PageTable) {
    let _ = writeln!(h, "<h2>{}</h2>\n<p>{}</p>", esc(&table.heading), esc(&table.note));
    if table.folded {
        let _ = writeln!(h, "<details>\n<summary>Show the {} rows</summary>", table.rows.len());
    }
    // Columns that name what a row is about read as text, aligned left.
    let class = |k: usize| if k < table.labels { " class=\"text\"" } else { "" };
    h.push_str("<table>\n<tr>");
    for (k, head) in table.header.iter().enumerate() {
        let _ = write!(h, "<th{}>{}</th>", class(k), cell(head));
    }
    h.push_str("</tr>\n");
    for row in &table.rows {
        h.push_str("<tr>");
        for (k, c) in row.iter().enumerate() {
            let _ = write!(h, "<td{}>{}</td>", class(k), cell(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    if table.folded {
        h.push_str("</details>\n");
    }
}

/// A cell's text, with its key or its value's interval in small print under it.
fn cell(c: &Cell) -> String {
    let mut out = esc(&c.text);
    if let Some(key) = &c.key {
        let _ = write!(out, "<small class=\"key\">{}</small>", esc(key));
    }
    if let Some(band) = &c.band {
        let _ = write!(out, "<small class=\"ci\">{}</small>", esc(band));
    }
    out
}

/// A metric's plain label with its key in small print.
fn metric_cell(metric: Metric) -> String {
    cell(&Cell::metric(metric))
}

/// What the run covers: replications, horizon, interval, queues and teams.
fn extent(r: &Records) -> String {
    let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let mut s = format!("{} replications", r.replications);
    if let (Some(first), Some(last)) = (r.slots.first(), r.slots.last()) {
        let _ = write!(
            s,
            " of {} in {} intervals",
            format::duration(last.start_s + last.length),
            format::duration(first.length)
        );
    }
    let _ = write!(s, "; {}, {}", plural(r.queues.len(), "queue"), plural(team_names(r).len(), "team"));
    s
}

/// The teams of summary.csv, in file order.
fn team_names(r: &Records) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for l in r.summary.iter().filter(|l| l.scope == ScopeKind::Team) {
        if !names.contains(&l.name.as_str()) {
            names.push(&l.name);
        }
    }
    names
}

/// The intervals whose service level is below the queue's target: per
/// queue the count of judged intervals that miss and the worst few, then
/// the whole list in time order, folded away.
fn misses(h: &mut String, r: &Records) {
    h.push_str("<h2>Intervals that miss their target</h2>\n");
    let mut rows = String::new();
    let mut n = 0;
    for i in 0..r.slots.len() {
        for (q, queue) in r.queues.iter().enumerate() {
            let s = &r.queue_slots[q][i];
            if s.target_met != Some(false) {
                continue;
            }
            n += 1;
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"miss\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&when(r, i)),
                esc(&queue.name),
                labels::show(Unit::Count, s.offered),
                cell(&Cell::value(
                    pct(s.service_level),
                    labels::band(Unit::Fraction, s.service_level, s.low, s.high)
                )),
                pct(queue.target),
                esc(&format::duration(s.asa)),
            );
        }
    }
    if n == 0 {
        h.push_str("<p>Every interval with traffic meets its queue's target.</p>\n");
        return;
    }
    let _ = write!(
        h,
        "<p>{n} queue-intervals below target: each queue's count and its {WORST} worst intervals (service level pooled over replications).</p>\n\
         <table>\n<tr><th>queue</th><th>target</th><th>intervals missing</th><th>worst intervals</th></tr>\n"
    );
    for (q, queue) in r.queues.iter().enumerate() {
        let slots = &r.queue_slots[q];
        let judged = slots.iter().filter(|s| s.target_met.is_some()).count();
        let mut missed: Vec<usize> =
            (0..slots.len()).filter(|&i| slots[i].target_met == Some(false)).collect();
        missed.sort_by(|&a, &b| slots[a].service_level.total_cmp(&slots[b].service_level).then(a.cmp(&b)));
        let worst: Vec<String> = missed
            .iter()
            .take(WORST)
            .map(|&i| format!("{} ({})", when(r, i), pct(slots[i].service_level)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{} within {}</td><td{}>{} of {judged}</td><td class=\"text\">{}</td></tr>",
            esc(&queue.name),
            pct(queue.target),
            esc(&format::duration(queue.threshold)),
            if missed.is_empty() { "" } else { " class=\"miss\"" },
            missed.len(),
            esc(&worst.join(", "))
        );
    }
    let _ = write!(
        h,
        "</table>\n<details>\n<summary>All {n} intervals that miss, in time order (95% interval under each service level)</summary>\n\
         <table>\n<tr><th>interval start</th><th>queue</th><th>offered</th><th>service level</th><th>target</th><th>{}</th></tr>\n{rows}</table>\n</details>\n",
        metric_cell(Metric::Asa)
    );
}

/// When interval `i` starts, in words (with its day on multi-day runs).
fn when(r: &Records, i: usize) -> String {
    r.slots.get(i).map_or(String::new(), |s| r.calendar.label(s.start_s, r.multi_day()))
}

/// The summary: one row per queue and, with more than one, all queues
/// together; the queues' headline figures with their 95% intervals (no
/// team figure: those are under Teams).
fn overview(h: &mut String, r: &Records) {
    h.push_str("<h2>Summary</h2>\n<p>Means over replications, with 95% confidence intervals under them.</p>\n<table>\n<tr><th>queue</th>");
    for metric in QUEUE_FIGURES {
        let _ = write!(h, "<th>{}</th>", metric_cell(metric));
    }
    let _ = writeln!(h, "<th>{}</th></tr>", metric_cell(Metric::SlTarget));
    let total = (r.queues.len() > 1).then_some((ScopeKind::Total, "all"));
    let rows = r.queues.iter().map(|q| (ScopeKind::Queue, q.name.as_str())).chain(total);
    for (scope, name) in rows {
        let _ =
            write!(h, "<tr><td>{}</td>", esc(if scope == ScopeKind::Total { "all queues" } else { name }));
        let sl = r.summary_value(scope, name, Metric::ServiceLevel).map(|l| l.mean);
        let target = r.summary_value(scope, name, Metric::SlTarget).map(|l| l.mean);
        for metric in QUEUE_FIGURES {
            let text =
                r.summary_value(scope, name, metric).map(|l| figure(l, r.replications)).unwrap_or_default();
            let miss = metric == Metric::ServiceLevel && matches!((sl, target), (Some(s), Some(t)) if s < t);
            let _ = write!(h, "<td{}>{text}</td>", if miss { " class=\"miss\"" } else { "" });
        }
        let _ = writeln!(h, "<td>{}</td></tr>", target.map(pct).unwrap_or_default());
    }
    h.push_str("</table>\n");
}

/// The teams' figures, once each: one row per team and, with more than
/// one, all teams together.
fn teams(h: &mut String, r: &Records) {
    let names = team_names(r);
    if names.is_empty() {
        return;
    }
    h.push_str("<h2>Teams</h2>\n<p>The agents' figures, per team (a queue's would be those of the teams serving it).</p>\n<table>\n<tr><th>team</th>");
    for metric in TEAM_FIGURES {
        let _ = write!(h, "<th>{}</th>", metric_cell(metric));
    }
    h.push_str("</tr>\n");
    let total = (names.len() > 1).then_some((ScopeKind::Total, "all"));
    let rows = names.iter().map(|n| (ScopeKind::Team, *n)).chain(total);
    for (scope, name) in rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(if scope == ScopeKind::Total { "all teams" } else { name }));
        for metric in TEAM_FIGURES {
            let text =
                r.summary_value(scope, name, metric).map(|l| figure(l, r.replications)).unwrap_or_default();
            let _ = write!(h, "<td>{text}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// Every summary figure of every scope, folded away: the total's, then
/// each queue's without the team figures, then each team's.
fn every_figure(h: &mut String, r: &Records) {
    let mut seen: Vec<(ScopeKind, &str)> = Vec::new();
    for l in &r.summary {
        if !seen.contains(&(l.scope, l.name.as_str())) {
            seen.push((l.scope, &l.name));
        }
    }
    h.push_str("<h2>Every figure</h2>\n<details>\n<summary>Every metric of the total, each queue and each team, with its 95% interval</summary>\n");
    for (scope, name) in seen {
        let heading = match scope {
            ScopeKind::Total => "All queues and teams".to_owned(),
            _ => format!("{} {name}", scope.name()),
        };
        let _ = write!(
            h,
            "<section class=\"scope\">\n<h3>{}</h3>\n<table>\n<tr><th>metric</th><th>mean</th><th>95% interval</th></tr>\n",
            esc(&heading)
        );
        let lines = r.summary.iter().filter(|l| l.scope == scope && l.name == name);
        for l in lines.filter(|l| !(scope == ScopeKind::Queue && labels::team_figure(l.metric))) {
            let band = if l.low.is_finite() && l.high.is_finite() && l.metric != Metric::TargetMet {
                format!("{} to {}", labels::show(l.unit, l.low), labels::show(l.unit, l.high))
            } else {
                String::new()
            };
            let mean = if l.metric == Metric::TargetMet {
                figure(l, r.replications)
            } else {
                esc(&labels::show(l.unit, l.mean))
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{mean}</td><td>{}</td></tr>",
                metric_cell(l.metric),
                esc(&band)
            );
        }
        h.push_str("</table>\n</section>\n");
    }
    h.push_str("</details>\n");
}

/// A summary value as HTML, its 95% interval in small print under it;
/// the share of replications meeting the target as a count of them.
fn figure(l: &SummaryLine, replications: u32) -> String {
    if l.metric == Metric::TargetMet && l.mean.is_finite() {
        let met = (l.mean * f64::from(replications)).round();
        return format!("{met} of {replications}");
    }
    cell(&Cell::value(labels::show(l.unit, l.mean), labels::band(l.unit, l.mean, l.low, l.high)))
}

/// Table rows of a scenario's top-level settings (plain values only).
fn toml_settings(h: &mut String, toml: &str) {
    if let Ok(doc) = toml.parse::<toml_edit::DocumentMut>() {
        for (key, item) in doc.iter() {
            if let Some(v) = item.as_value().filter(|v| !v.is_array() && !v.is_inline_table()) {
                let text = v.to_string();
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"text\">{}</td></tr>",
                    esc(key),
                    esc(text.trim().trim_matches('"'))
                );
            }
        }
    }
}

/// The effective scenario, folded away.
fn scenario_file(h: &mut String, toml: &str, what: &str) {
    let _ = write!(
        h,
        "<h2>Scenario file</h2>\n<p>The effective scenario (<code>scenario.toml</code> in this folder): {what}.</p>\n\
         <details>\n<summary>Show the scenario file</summary>\n<pre>{}</pre>\n</details>\n",
        esc(toml)
    );
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
    use crate::plot::{QueueInfo, QueueSlot, Slot};

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

    fn line(scope: ScopeKind, name: &str, metric: Metric, mean: f64) -> SummaryLine {
        SummaryLine {
            scope,
            name: name.into(),
            metric,
            unit: metric.unit(),
            mean,
            low: f64::NAN,
            high: f64::NAN,
        }
    }

    /// A week of hourly intervals on one queue, chat, missing its target in ten of them.
    fn week() -> Records {
        let slots: Vec<Slot> = (0..168u32)
            .map(|i| Slot {
                day: u64::from(i / 24),
                start: String::new(),
                start_s: f64::from(i) * 3600.0,
                length: 3600.0,
                warmup: false,
            })
            .collect();
        let chat: Vec<QueueSlot> = (0..168)
            .map(|i| {
                let sl = if i % 17 == 5 { 0.5 + f64::from(i) / 1000.0 } else { 0.9 };
                QueueSlot {
                    offered: 10.0,
                    service_level: sl,
                    target_met: Some(sl >= 0.8),
                    asa: 43_456.9,
                    ..QueueSlot::default()
                }
            })
            .collect();
        let summary = vec![
            line(ScopeKind::Total, "all", Metric::Shrinkage, 0.1),
            line(ScopeKind::Queue, "chat", Metric::ServiceLevel, 0.85),
            line(ScopeKind::Queue, "chat", Metric::SlTarget, 0.8),
            line(ScopeKind::Queue, "chat", Metric::TargetMet, 0.7),
            line(ScopeKind::Queue, "chat", Metric::Asa, 43_456.9),
            line(ScopeKind::Queue, "chat", Metric::Shrinkage, 0.1),
            line(ScopeKind::Queue, "chat", Metric::CapacityUtilisation, 0.6),
            line(ScopeKind::Team, "desk", Metric::Shrinkage, 0.1),
            line(ScopeKind::Team, "desk", Metric::CapacityUtilisation, 0.6),
        ];
        Records {
            scenario: "week".into(),
            replications: 10,
            summary,
            queues: vec![QueueInfo { name: "chat".into(), threshold: 14_400.0, target: 0.8 }],
            slots,
            queue_slots: vec![chat],
            ..Records::default()
        }
    }

    #[test]
    fn misses_are_summarised_per_queue_with_the_whole_list_folded_away() {
        let page = render(&week(), &[]);
        let misses = &page[page.find("Intervals that miss").unwrap()..page.find("<h2>Summary").unwrap()];
        assert!(
            misses.contains("<td>chat</td><td>80.0% within 4 h</td><td class=\"miss\">10 of 168</td>"),
            "{misses}"
        );
        // The worst three, lowest service level first, by day and time.
        assert!(misses.contains("day 1 05:00 (50.5%), day 1 22:00 (52.2%), day 2 15:00 (53.9%)"), "{misses}");
        let folded = &misses[misses.find("<details>").unwrap()..];
        assert_eq!(folded.matches("<tr><td>day ").count(), 10, "the whole list, folded: {folded}");
        assert!(
            !misses[..misses.find("<details>").unwrap()].contains("day 3 08:00 ("),
            "only the worst three show"
        );
    }

    #[test]
    fn figures_read_in_plain_words_and_team_figures_show_once() {
        let page = render(&week(), &[]);
        // Durations in hours and minutes, not seconds; plain labels with the key in small print.
        assert!(page.contains("12 h 4 min") && !page.contains("43456.9"), "durations");
        assert!(page.contains("<td>4 h</td>") && !page.contains("14400 s"), "the threshold");
        assert!(page.contains("Capacity used<small class=\"key\">capacity_utilisation</small>"), "labels");
        assert!(page.contains("7 of 10"), "replications meeting the target as a count");
        // Capacity used appears for the team (in its table and its figures), never under the queue.
        let queue =
            &page[page.find("<h3>queue chat</h3>").unwrap()..page.find("<h3>team desk</h3>").unwrap()];
        assert!(!queue.contains("capacity_utilisation") && !queue.contains("shrinkage"), "{queue}");
        let team = &page[page.find("<h3>team desk</h3>").unwrap()..];
        assert!(team.contains("capacity_utilisation"), "{team}");
    }

    #[test]
    fn the_charts_come_before_any_table() {
        let drawn = Drawn { title: "t".into(), about: "a", svg: "<svg></svg>".into() };
        let page = render(&week(), std::slice::from_ref(&drawn));
        assert!(page.find("<svg").unwrap() < page.find("<table").unwrap());
        let capacity = Page {
            title: "x".into(),
            lead: vec!["first".into()],
            tables: vec![PageTable {
                heading: "T".into(),
                rows: vec![vec!["1".into()]],
                folded: true,
                ..PageTable::default()
            }],
            ..Page::default()
        };
        let page = render_capacity(&capacity, &[drawn]);
        let at = |s: &str| page.find(s).unwrap();
        assert!(
            at("<li>first</li>") < at("<svg") && at("<svg") < at("<table") && at("<details>") < at("<table")
        );
    }
}
