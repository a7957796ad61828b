//! The charts and page of a `sweep` folder (docs/model.md §11.10): the
//! capacity curve of each headline metric against the first varied
//! value, one line per queue (or team, for occupancy) and combination of
//! the other varied values, and the variants side by side.

use super::axes::{Ticks, time_scale};
use super::curves::{Curve, Curves, fmax};
use super::files::{Cell, Files, Page, PageTable, num};
use super::{Chart, colour, labels};
use crate::error::{Error, Result};
use crate::rows::{self, ScopeKind, SummaryRecord};
use crate::stats::{Metric, Unit};

/// The headline metrics a sweep charts, with their headings: the queues'
/// three, then the teams' occupancy (a team figure, so drawn per team).
const SWEEP_METRICS: [(Metric, &str); 4] = [
    (Metric::ServiceLevel, "Service level"),
    (Metric::Asa, "ASA"),
    (Metric::AbandonRate, "Abandon rate"),
    (Metric::Occupancy, "Occupancy"),
];

/// Target lines with the same points drawn once: a target several queues
/// share is one black line named `target 80% (chat, phone)`.
fn merged(targets: Vec<Curve>) -> Vec<Curve> {
    let mut out: Vec<(Curve, Vec<String>)> = Vec::new();
    for t in targets {
        let same = |c: &Curve| {
            c.points.len() == t.points.len()
                && c.points.iter().zip(&t.points).all(|(a, b)| a.0 == b.0 && a.1 == b.1)
        };
        match out.iter_mut().find(|(c, _)| same(c)) {
            Some((_, names)) => names.push(t.label),
            None => out.push((t, Vec::new())),
        }
    }
    out.into_iter()
        .map(|(mut c, others)| {
            if !others.is_empty() {
                // "chat target 80%" and "phone target 80%": "target 80% (chat, phone)".
                let first = c.label.split_once(" target ").map(|(q, t)| (q.to_owned(), t.to_owned()));
                let rest = others.iter().map(|l| l.split_once(" target ").map_or(l.as_str(), |(q, _)| q));
                if let Some((q, t)) = first {
                    let names: Vec<&str> = std::iter::once(q.as_str()).chain(rest).collect();
                    c.label = format!("target {t} ({})", names.join(", "));
                }
                c.colour = plotters::style::BLACK;
            }
            c
        })
        .collect()
}

/// The scope a sweep chart draws `metric` for: teams for their figures, else queues.
fn scope_of(metric: Metric) -> ScopeKind {
    if labels::team_figure(metric) { ScopeKind::Team } else { ScopeKind::Queue }
}

/// One sweep.csv row, as the charts read it.
struct SweepRow {
    variant: usize,
    scope: ScopeKind,
    name: String,
    metric: Metric,
    mean: f64,
    low: f64,
    high: f64,
}

/// The charts and page of a sweep folder.
pub(super) fn sweep(files: &Files) -> Result<(Vec<Chart<'static>>, Page)> {
    let csv = files.csv("sweep.csv")?;
    let first_col = csv.header.iter().position(|h| h == "scope").ok_or_else(|| Error::Records {
        path: "sweep.csv".into(),
        problem: "it has no `scope` column".into(),
    })?;
    let keys: Vec<String> = csv.header.iter().take(first_col).map(str::to_owned).collect();
    if keys.is_empty() {
        return Err(Error::Records {
            path: "sweep.csv".into(),
            problem: "it has no varied key before `scope`".into(),
        });
    }
    // Each row: the varied values, then a summary.csv record.
    let tail = |r: &csv::StringRecord| r.iter().skip(first_col).collect::<csv::StringRecord>();
    let tail_header = tail(&csv.header);
    let mut variants: Vec<Vec<String>> = Vec::new();
    let mut rows = Vec::new();
    for r in &csv.rows {
        let values: Vec<String> = r.iter().take(first_col).map(str::to_owned).collect();
        let variant = match variants.iter().position(|v| *v == values) {
            Some(v) => v,
            None => {
                variants.push(values);
                variants.len() - 1
            }
        };
        let record: SummaryRecord = rows::record("sweep.csv", &tail_header, &tail(r))?;
        rows.push(SweepRow {
            variant,
            scope: record.scope,
            name: record.name,
            metric: record.metric,
            mean: record.mean.0,
            low: record.ci95_low.0,
            high: record.ci95_high.0,
        });
    }
    // The x axis: the first key's values, as numbers when all are, else in order.
    let mut firsts: Vec<String> = Vec::new();
    for v in &variants {
        if !firsts.contains(&v[0]) {
            firsts.push(v[0].clone());
        }
    }
    let numeric = firsts.iter().all(|f| num(f).is_finite());
    let x_of = |v: &[String]| {
        if numeric { num(&v[0]) } else { firsts.iter().position(|f| *f == v[0]).unwrap_or(0) as f64 }
    };
    let axis = Ticks::values(firsts.iter().map(|f| (x_of(std::slice::from_ref(f)), f.clone())).collect());
    // One line per queue and combination of the other keys' values.
    let mut groups: Vec<Vec<String>> = Vec::new();
    for v in &variants {
        if !groups.contains(&v[1..].to_vec()) {
            groups.push(v[1..].to_vec());
        }
    }
    let names = |scope: ScopeKind| {
        let mut names: Vec<String> = Vec::new();
        for r in rows.iter().filter(|r| r.scope == scope) {
            if !names.contains(&r.name) {
                names.push(r.name.clone());
            }
        }
        names
    };
    let (queues, teams) = (names(ScopeKind::Queue), names(ScopeKind::Team));
    let find = |variant: usize, scope: ScopeKind, name: &str, metric: Metric| {
        rows.iter().find(|r| r.variant == variant && r.scope == scope && r.name == name && r.metric == metric)
    };
    let group_label = |g: &[String]| -> String {
        // `agents.backoffice.count` reads as `backoffice.count`: the legend has little room.
        let short = |k: &str| match k.split_once('.') {
            Some((_, rest)) if rest.contains('.') => rest.to_owned(),
            _ => k.to_owned(),
        };
        keys[1..].iter().zip(g).map(|(k, v)| format!("{}={v}", short(k))).collect::<Vec<_>>().join(", ")
    };
    let mut charts = Vec::new();
    for (metric, heading) in SWEEP_METRICS {
        let unit = metric.unit();
        let scope = scope_of(metric);
        let subjects = if scope == ScopeKind::Team { &teams } else { &queues };
        let top = rows
            .iter()
            .filter(|r| r.metric == metric && r.scope == scope)
            .flat_map(|r| [r.mean, r.high])
            .fold(0.0, fmax);
        let (scale, y_desc) = match unit {
            Unit::Fraction => (100.0, format!("{} (%)", heading.to_lowercase())),
            _ => {
                let (per, words) = time_scale(top);
                (1.0 / per, format!("ASA ({words})"))
            }
        };
        let mut series = Vec::new();
        let mut targets = Vec::new();
        for (qi, queue) in subjects.iter().enumerate() {
            for (gi, group) in groups.iter().enumerate() {
                let k = qi * groups.len() + gi;
                let mut points: Vec<(f64, f64, f64, f64)> = variants
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v[1..] == group[..])
                    .map(|(vi, v)| {
                        let r = find(vi, scope, queue, metric);
                        let get = |f: fn(&SweepRow) -> f64| r.map_or(f64::NAN, |r| f(r) * scale);
                        (x_of(v), get(|r| r.mean), get(|r| r.low), get(|r| r.high))
                    })
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let label =
                    if groups.len() > 1 { format!("{queue}, {}", group_label(group)) } else { queue.clone() };
                if metric == Metric::ServiceLevel {
                    let mut t: Vec<(f64, f64, f64, f64)> = variants
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| v[1..] == group[..])
                        .map(|(vi, v)| {
                            let t =
                                find(vi, scope, queue, Metric::SlTarget).map_or(f64::NAN, |r| r.mean * 100.0);
                            (x_of(v), t, f64::NAN, f64::NAN)
                        })
                        .collect();
                    t.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let constant = t.iter().all(|p| p.1 == t[0].1);
                    // A constant target is one line per queue; a varied one follows each curve.
                    if !constant || gi == 0 {
                        let label = if constant {
                            format!("{queue} target {:.0}%", t[0].1)
                        } else {
                            format!("{label} target")
                        };
                        targets.push(Curve { label, colour: colour(k), dashed: true, points: t });
                    }
                }
                series.push(Curve { label, colour: colour(k), dashed: false, points });
            }
        }
        series.extend(merged(targets));
        let y_max = if unit == Unit::Fraction { 100.0 } else { (top * scale * 1.1).max(1.0) };
        charts.push(Chart {
            name: match metric {
                Metric::ServiceLevel => "sweep_service_level",
                Metric::Asa => "sweep_asa",
                Metric::AbandonRate => "sweep_abandon_rate",
                _ => "sweep_occupancy",
            },
            title: format!("{heading} against {}", keys[0]),
            about: match metric {
                Metric::ServiceLevel => "The capacity curve: each queue's service level at each swept value, with its 95% band and target (dashed): the first value whose band clears the target is the safe choice.",
                Metric::Asa => "Average speed of answer of each queue at each swept value, with its 95% band.",
                Metric::AbandonRate => "The share of each queue's conversations abandoned at each swept value, with its 95% band.",
                _ => "Occupancy of each team at each swept value, with its 95% band: the price of the service level in busy agents.",
            },
            figure: Box::new(Curves {
                title: format!("{heading} against {}", keys[0]),
                x_desc: keys[0].clone(),
                y_desc,
                x: axis.clone(),
                y_min: 0.0,
                y_max,
                percent: unit == Unit::Fraction,
                series,
                right: None,
                marks: Vec::new(),
            }),
        });
    }
    // The page: the queues' headline metrics per variant, then the teams' figures once.
    let table = |subjects: &[String], scope: ScopeKind, what: &str| {
        let metrics: Vec<Metric> =
            SWEEP_METRICS.iter().map(|m| m.0).filter(|m| scope_of(*m) == scope).collect();
        let extra: &[Metric] = if scope == ScopeKind::Team { &[Metric::Shrinkage] } else { &[] };
        let mut header: Vec<Cell> = keys.iter().map(|k| Cell::from(k.as_str())).collect();
        header.push(what.into());
        header.extend(metrics.iter().chain(extra).map(|m| Cell::metric(*m)));
        let mut table_rows = Vec::new();
        for (vi, v) in variants.iter().enumerate() {
            for name in subjects {
                let mut row: Vec<Cell> = v.iter().map(|s| Cell::from(s.as_str())).collect();
                row.push(name.as_str().into());
                for metric in metrics.iter().chain(extra) {
                    row.push(find(vi, scope, name, *metric).map_or(Cell::default(), |r| {
                        let unit = metric.unit();
                        Cell::value(labels::show(unit, r.mean), labels::band(unit, r.mean, r.low, r.high))
                    }));
                }
                table_rows.push(row);
            }
        }
        (header, table_rows)
    };
    let (header, queue_rows) = table(&queues, ScopeKind::Queue, "queue");
    let (team_header, team_rows) = table(&teams, ScopeKind::Team, "team");
    let name = files.scenario_name();
    let page = Page {
        title: format!("{name} — sweep"),
        subtitle: format!("A sweep of {} over {} variants.", keys.join(" and "), variants.len()),
        lead: Vec::new(),
        settings: keys.iter().map(|k| ("varied".to_owned(), k.clone())).collect(),
        tables: vec![
            PageTable {
                heading: "Variants".into(),
                note: "Each queue's figures by variant: means over replications, with 95% confidence intervals under them; every metric of every variant is in sweep.csv.".into(),
                header,
                rows: queue_rows,
                folded: false,
                labels: keys.len() + 1,
            },
            PageTable {
                heading: "Teams by variant".into(),
                note: "Each team's figures by variant (a queue's occupancy is that of the teams serving it).".into(),
                header: team_header,
                rows: team_rows,
                folded: false,
                labels: keys.len() + 1,
            },
        ],
        scenario_toml: files.text("scenario.toml").to_owned(),
    };
    Ok((charts, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_several_queues_share_is_one_line() {
        let line = |label: &str, v: f64| Curve {
            label: label.into(),
            colour: colour(1),
            dashed: true,
            points: vec![(1.0, v, f64::NAN, f64::NAN), (2.0, v, f64::NAN, f64::NAN)],
        };
        let out = merged(vec![
            line("chat target 80%", 80.0),
            line("email target 90%", 90.0),
            line("phone target 80%", 80.0),
        ]);
        let labels: Vec<&str> = out.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["target 80% (chat, phone)", "email target 90%"]);
        assert_eq!(out[0].colour, plotters::style::BLACK);
        assert_eq!(out[1].colour, colour(1));
    }
}
