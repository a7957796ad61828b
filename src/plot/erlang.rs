//! The chart and page of an `erlang --out` folder (docs/model.md §12):
//! what each number of agents achieves by the formula, against the targets.

use super::axes::Ticks;
use super::curves::{Curve, Curves, Right, fmax};
use super::files::{Cell, Files, Page, PageTable};
use super::{Chart, colour};
use crate::error::Result;
use crate::rows::ErlangRecord;
use crate::target::{Goal, Target};

/// The chart and page of an `erlang --out` folder.
pub(super) fn erlang(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let csv = files.csv("erlang.csv")?;
    let records: Vec<ErlangRecord> = csv.records()?;
    let info = files.json("erlang.json")?;
    let mut targets = Vec::new();
    for t in info["targets"].as_array().into_iter().flatten().filter_map(|t| t.as_str()) {
        targets.push(t.parse::<Target>()?);
    }
    // Rows by number of agents, each once (the answer's row may repeat an asked one).
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for r in &records {
        let row = [
            f64::from(r.agents),
            r.p_wait.0,
            r.service_level.0,
            r.asa.0,
            r.abandon_rate.0,
            r.occupancy.0,
            r.queue_length.0,
        ];
        if row[0].is_finite() && !rows.iter().any(|x| x[0] == row[0]) {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let formula = info["formula"].as_str().unwrap_or("Erlang").to_owned();
    let axis = Ticks::values(rows.iter().map(|r| (r[0], crate::format::number(r[0]))).collect());
    let curve = |label: &str, k: usize, col: usize, scale: f64| Curve {
        label: label.to_owned(),
        colour: colour(k),
        dashed: false,
        points: rows.iter().map(|r| (r[0], r[col] * scale, f64::NAN, f64::NAN)).collect(),
    };
    let flat = |label: String, k: usize, v: f64| Curve {
        label,
        colour: colour(k),
        dashed: true,
        points: rows.iter().map(|r| (r[0], v, f64::NAN, f64::NAN)).collect(),
    };
    let mut left = vec![
        curve("service level (%)", 0, 2, 100.0),
        curve("abandon rate (%)", 3, 4, 100.0),
        curve("occupancy (%)", 2, 5, 100.0),
    ];
    let mut right = vec![curve("ASA (s, right axis)", 1, 3, 1.0)];
    for t in &targets {
        match t.goal {
            Goal::ServiceLevel => left.push(flat(format!("target {t}"), 0, t.value * 100.0)),
            Goal::AbandonRate => left.push(flat(format!("target {t}"), 3, t.value * 100.0)),
            Goal::Occupancy => left.push(flat(format!("target {t}"), 2, t.value * 100.0)),
            Goal::Asa => right.push(flat(format!("target {t}"), 1, t.value)),
        }
    }
    let asa_top =
        right.iter().flat_map(|c| c.points.iter().map(|p| p.1)).filter(|v| v.is_finite()).fold(0.0, fmax);
    let fewest = info["fewest_agents"].as_f64();
    let marks: Vec<(String, f64)> =
        fewest.map(|n| (format!("fewest agents meeting all: {n}"), n)).into_iter().collect();
    let title = format!("{formula} curve: service level, ASA and abandonment against agents");
    let charts = vec![Chart {
        name: "erlang-curve",
        title: title.clone(),
        about: "What each number of agents achieves by the formula: service level, abandonment and occupancy (left axis) and ASA (right axis), with the targets dashed: read off the fewest agents that clear every target, and what one more buys.",
        figure: Box::new(Curves {
            title: format!("{formula} curve"),
            x_desc: "agents".into(),
            y_desc: "service level, abandon rate, occupancy (%)".into(),
            x: axis,
            y_min: 0.0,
            y_max: 100.0,
            percent: true,
            series: left,
            right: Some(Right { desc: "ASA (seconds)".into(), max: (asa_top * 1.1).max(1.0), series: right }),
            marks,
        }),
    }];
    let mut settings = vec![
        ("formula".to_owned(), formula.clone()),
        ("inputs".to_owned(), info["inputs"].as_str().unwrap_or_default().trim().to_owned()),
        ("targets".to_owned(), targets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(n) = fewest {
        settings.push(("fewest agents meeting the targets".into(), crate::format::number(n)));
    }
    let page = Page {
        title: format!("{formula} curve"),
        subtitle: info["inputs"].as_str().unwrap_or_default().trim().to_owned(),
        settings,
        lead: Vec::new(),
        tables: vec![PageTable {
            heading: "Agents".into(),
            note: "erlang.csv: fractions 0-1, ASA in seconds, queue length in customers; empty where the queue grows without bound.".into(),
            header: csv.header_text().into_iter().map(Cell::from).collect(),
            rows: csv.rows_text().into_iter().map(|r| r.into_iter().map(Cell::from).collect()).collect(),
            folded: false,
            labels: 0,
        }],
        scenario_toml: String::new(),
    };
    Ok((charts, page))
}
