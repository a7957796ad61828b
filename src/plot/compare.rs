//! The chart and page of a `compare` folder (docs/model.md §14): the
//! per-interval service-level difference B − A of each queue with its 95%
//! band, and the summary side by side. The page's lead (above the chart)
//! is where the comparison's verdict goes.

use plotters::style::RGBColor;

use super::axes::Ticks;
use super::curves::{Curve, Curves, fmax};
use super::files::{Cell, Files, Page, PageTable};
use super::{Chart, colour, labels};
use crate::error::Result;
use crate::rows::{CompareIntervalRecord, CompareRecord, ScopeKind};
use crate::stats::{Metric, Unit};

/// The `name` of a scenario file's text (empty when it has none).
fn toml_name(text: &str) -> String {
    text.parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// The summary metrics a compare report shows side by side.
const COMPARE_METRICS: [Metric; 8] = [
    Metric::ServiceLevel,
    Metric::Asa,
    Metric::WaitP90,
    Metric::AbandonRate,
    Metric::Occupancy,
    Metric::Shrinkage,
    Metric::Answered,
    Metric::Abandoned,
];

/// Whether a compare.csv row is shown side by side: a headline metric,
/// and a team figure only for the total and the teams (a queue's is its
/// teams' figure again).
fn shown(r: &CompareRecord) -> bool {
    COMPARE_METRICS.contains(&r.metric) && !(r.scope == ScopeKind::Queue && labels::team_figure(r.metric))
}

/// The words of a compare.csv row's scope.
fn scope_words(scope: ScopeKind, name: &str) -> String {
    match scope {
        ScopeKind::Total => "all queues".to_owned(),
        _ => format!("{} {name}", scope.name()),
    }
}

/// The chart and page of a compare folder.
pub(super) fn compare(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let intervals: Vec<CompareIntervalRecord> = files.csv("compare_intervals.csv")?.records()?;
    let sl: Vec<&CompareIntervalRecord> =
        intervals.iter().filter(|r| r.metric == Metric::ServiceLevel).collect();
    let mut starts: Vec<f64> = sl.iter().map(|r| r.start_seconds.0 / 3600.0).collect();
    starts.sort_by(f64::total_cmp);
    starts.dedup();
    let length = starts.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
    let length = if length.is_finite() { length } else { 1.0 };
    let span = match (starts.first(), starts.last()) {
        (Some(a), Some(b)) => (*a, b + length),
        _ => (0.0, 24.0),
    };
    let multi_day = sl.iter().any(|r| r.day > 0);
    let mut queues: Vec<String> = Vec::new();
    let mut series: Vec<Curve> = Vec::new();
    for r in &sl {
        let q = match queues.iter().position(|q| *q == r.queue) {
            Some(q) => q,
            None => {
                queues.push(r.queue.clone());
                series.push(Curve {
                    label: format!("{} B − A", r.queue),
                    colour: colour(queues.len() - 1),
                    dashed: false,
                    points: Vec::new(),
                });
                queues.len() - 1
            }
        };
        series[q].points.push((
            r.start_seconds.0 / 3600.0 + length / 2.0,
            r.diff_mean.0 * 100.0,
            r.diff_ci95_low.0 * 100.0,
            r.diff_ci95_high.0 * 100.0,
        ));
    }
    // A queue B does not change at all lies on the zero line: its legend says so.
    for s in &mut series {
        let values: Vec<f64> = s.points.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
        if !values.is_empty() && values.iter().all(|v| *v == 0.0) {
            s.label.push_str(" (0 throughout, on the zero line)");
        }
    }
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.1.abs(), p.2.abs(), p.3.abs()]))
        .filter(|v| v.is_finite())
        .fold(1.0, fmax);
    let reach = (top * 1.1).ceil();
    series.push(Curve {
        label: "no difference".into(),
        colour: RGBColor(110, 110, 110),
        dashed: true,
        points: vec![(span.0, 0.0, f64::NAN, f64::NAN), (span.1, 0.0, f64::NAN, f64::NAN)],
    });
    let verdict = files.json("compare.json").unwrap_or(serde_json::Value::Null);
    let side = |key: &str, toml: &str| {
        verdict[key].as_str().map_or_else(|| toml_name(files.text(toml)), |s| s[3..].to_owned())
    };
    let (a_name, b_name) = (side("a", "a.toml"), side("b", "b.toml"));
    let b_differs: Vec<String> = verdict["b_differs"]
        .as_array()
        .map(|xs| xs.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let title = if multi_day {
        let days = ((span.1 - span.0) / 24.0).round() as u64;
        format!("Service level by interval {}: B − A", crate::calendar::over(days))
    } else {
        "Service level by interval: B − A".to_owned()
    };
    let charts = vec![Chart {
        name: "compare_service_level",
        title: title.clone(),
        about: "How much B changes each queue's service level, interval by interval (B − A, percentage points), with the 95% band of the paired differences: where the band clears the dashed zero line the change is not noise.",
        figure: Box::new(Curves {
            title,
            x_desc: if multi_day {
                "day and time of day (interval mid-point)".into()
            } else {
                "time of day (interval mid-point)".into()
            },
            y_desc: "service level, B − A (points)".into(),
            x: Ticks::Time { span, multi_day, calendar: files.calendar("a.toml") },
            y_min: -reach,
            y_max: reach,
            percent: false,
            series,
            right: None,
            marks: Vec::new(),
        }),
    }];
    let summary: Vec<CompareRecord> = files.csv("compare.csv")?.records()?;
    let rows: Vec<Vec<Cell>> = summary
        .iter()
        .filter(|r| shown(r))
        .map(|r| {
            let unit: Unit = r.unit;
            vec![
                scope_words(r.scope, &r.name).into(),
                Cell::metric(r.metric),
                labels::show(unit, r.a_mean.0).into(),
                labels::show(unit, r.b_mean.0).into(),
                Cell::value(
                    labels::signed(unit, r.diff_mean.0),
                    labels::signed_band(unit, r.diff_mean.0, r.diff_ci95_low.0, r.diff_ci95_high.0),
                ),
                if r.significant { "yes" } else { "no" }.into(),
            ]
        })
        .collect();
    let page = Page {
        title: format!("A: {a_name} against B: {b_name}"),
        subtitle: "Both run on the same random streams, replication by replication; differences are B − A with 95% intervals from the paired differences.".into(),
        // The comparison's verdict (per queue: target, A and B against it,
        // intervals missing) is what the page says first.
        lead: lead(&verdict),
        settings: vec![
            ("A".into(), a_name),
            ("B".into(), b_name),
            ("B differs from A in".into(), b_differs.join("; ")),
        ],
        tables: vec![PageTable {
            heading: "Side by side".into(),
            note: "Means over replications; the difference's interval is Student t over the paired differences (percentage points for shares). Team figures are shown for the teams and the total only. Every metric is in compare.csv, every interval in compare_intervals.csv.".into(),
            header: ["scope", "metric", "A", "B", "B − A [95%]", "significant"].map(Cell::from).to_vec(),
            rows,
            folded: false,
            labels: 2,
        }],
        scenario_toml: format!("# A\n{}\n# B\n{}", files.text("a.toml"), files.text("b.toml")),
    };
    Ok((charts, page))
}

/// The verdict of compare.json in a few lines: per queue, its target, A
/// and B against it and the intervals each misses, and the change in
/// service level; per team, occupancy and shrinkage.
fn lead(v: &serde_json::Value) -> Vec<String> {
    let pct =
        |x: &serde_json::Value| x.as_f64().map_or_else(|| "—".to_owned(), |x| format!("{:.1}%", 100.0 * x));
    let pts =
        |d: &serde_json::Value| match (d["diff"].as_f64(), d["ci95_low"].as_f64(), d["ci95_high"].as_f64()) {
            (Some(x), Some(l), Some(h)) if l != h => {
                format!("{:+.1} pts [{:+.1}, {:+.1}]", 100.0 * x, 100.0 * l, 100.0 * h)
            }
            (Some(x), _, _) => format!("{:+.1} pts", 100.0 * x),
            _ => "—".to_owned(),
        };
    let meets = |m: &serde_json::Value| match m.as_bool() {
        Some(true) => "meets",
        Some(false) => "misses",
        None => "—",
    };
    let mut out = Vec::new();
    for q in v["queues"].as_array().into_iter().flatten() {
        let judged = q["judged_intervals"].as_u64().unwrap_or(0);
        out.push(format!(
            "Queue {}: target {} within {} s. A {} it ({}; {} of {judged} intervals miss), B {} it ({}; {} of {judged} miss): service level {}.",
            q["queue"].as_str().unwrap_or("?"),
            pct(&q["target"]),
            q["threshold_seconds"].as_f64().map_or_else(|| "—".to_owned(), crate::format::number),
            meets(&q["a_meets"]),
            pct(&q["a"]),
            q["a_intervals_missing"].as_u64().unwrap_or(0),
            meets(&q["b_meets"]),
            pct(&q["b"]),
            q["b_intervals_missing"].as_u64().unwrap_or(0),
            pts(q),
        ));
    }
    for t in v["teams"].as_array().into_iter().flatten() {
        out.push(format!(
            "Team {}: occupancy {} → {} ({}); shrinkage {} → {} ({}).",
            t["team"].as_str().unwrap_or("?"),
            pct(&t["occupancy"]["a"]),
            pct(&t["occupancy"]["b"]),
            pts(&t["occupancy"]),
            pct(&t["shrinkage"]["a"]),
            pct(&t["shrinkage"]["b"]),
            pts(&t["shrinkage"]),
        ));
    }
    out
}
