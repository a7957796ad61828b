//! What `staff` writes and prints: staffing.csv, summary.json, the staffed
//! scenario.toml and the table (docs/model.md §13.7).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::calendar::Calendar;
use crate::error::Result;
use crate::format::{Num, number};
use crate::rows::{self, StaffingRecord};
use crate::staffing::Goal;
use crate::staffing::plan::{Answer, MethodAnswer};
use crate::staffing::search::Judge;

pub use crate::rows::STAFFING_HEADER;

/// The result folder's files, (name, bytes): staffing.csv, summary.json,
/// scenario.toml and the forecast's copy if any.
pub fn files(answer: &Answer) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        ("staffing.csv", staffing_csv(answer)?),
        ("summary.json", summary_json(answer).into_bytes()),
        ("scenario.toml", answer.scenario_toml.clone().into_bytes()),
    ];
    for (name, bytes) in &answer.attachments {
        if name == crate::scenario::FORECAST_COPY {
            files.push((crate::scenario::FORECAST_COPY, bytes.clone()));
        }
    }
    Ok(files)
}

/// staffing.csv: one row per interval and method, intervals in order.
pub fn staffing_csv(answer: &Answer) -> Result<Vec<u8>> {
    let n = answer.methods.first().map_or(0, |m| m.rows.len());
    let records = (0..n).flat_map(|i| {
        answer.methods.iter().map(move |m| {
            let r = &m.rows[i];
            let record = StaffingRecord {
                start: Calendar::UNDATED.label(r.start, answer.several_days),
                method: m.method.name().to_owned(),
                agents: r.agents,
                offered_erlangs: Num(r.offered_erlangs),
                service_level: Num(r.service_level),
                asa: Num(r.asa),
                abandon_rate: Num(r.abandon_rate),
                occupancy: Num(r.occupancy),
            };
            (r.start, record)
        })
    });
    let own: Vec<&str> = rows::STAFFING_HEADER.split(',').collect();
    rows::write_dated("staffing.csv", answer.calendar, &own, records)
}

/// How the FTE figure is reached, as summary.json and the printed line state it.
pub const FTE_FORMULA: &str = "FTE = weekly logged-in agent-hours / paid hours per full-time agent; \
     the statuses the scenario plans happen while logged in, so they are already in the hours \
     (productive hours = agent-hours x (1 - shrinkage))";

/// How the targets were judged, in words.
pub fn judge_words(judge: Judge, replications: u32) -> String {
    match judge {
        Judge::Mean => format!("judged on the mean of {replications} replications"),
        Judge::Confidence(c) => {
            format!(
                "judged on the one-sided {}% confidence bound over {replications} replications",
                number(c * 100.0)
            )
        }
        Judge::Days(d) => {
            format!("met in at least {}% of {replications} replications (days)", number(d * 100.0))
        }
    }
}

/// summary.json: the inputs (targets, judgement, methods, seed) and each method's totals.
pub fn summary_json(answer: &Answer) -> String {
    let judge = match answer.judge {
        Judge::Mean => json!({ "on": "mean" }),
        Judge::Confidence(c) => json!({ "on": "confidence", "level": c }),
        Judge::Days(d) => json!({ "on": "days", "fraction": d }),
    };
    let methods: Vec<Value> = answer
        .methods
        .iter()
        .map(|m| {
            json!({
                "method": m.method.name(),
                "agent_hours": num(m.agent_hours),
                "misses": m.misses,
                "judged_intervals": m.judged,
                "staffing": m.levels,
            })
        })
        .collect();
    let search = answer.search.as_ref().map(|s| {
        json!({
            "isa_iterations": s.isa,
            "raise_rounds": s.raised,
            "lower_rounds": s.lowered,
            "simulations": s.simulations,
            "met": !s.unmet,
            "lowering_stopped_early": s.lower_capped,
        })
    });
    let v = &answer.validation;
    let validation = json!({
        "method": v.method.name(),
        "seed": v.seed,
        "replications": v.replications,
        "queues": v.checks.iter().map(|c| json!({
            "queue": c.queue,
            "target": c.target.to_string(),
            "judged_intervals": c.judged,
            "met": c.met,
        })).collect::<Vec<_>>(),
    });
    let fte = answer.fte.map(|f| {
        json!({
            "group": answer.group,
            "team": answer.team,
            "paid_hours": num(f.paid_hours),
            "weekly_agent_hours": num(f.weekly_agent_hours),
            "shrinkage": num(f.shrinkage),
            "productive_hours": num(f.productive_hours),
            "fte": num(f.fte),
            "formula": FTE_FORMULA,
        })
    });
    let doc = json!({
        "scenario": answer.scenario,
        "group": answer.group,
        "team": answer.team,
        "seed": answer.seed,
        "replications": answer.replications,
        "routesim_version": env!("CARGO_PKG_VERSION"),
        "overrides": answer.overrides,
        "targets": answer.targets.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "targets_from_scenario": answer.from_scenario,
        "queue_targets": answer.queue_targets.iter().map(|(q, ts)| json!({
            "queue": q,
            "targets": ts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "judge": judge,
        "methods": methods,
        "search": search,
        "validation": validation,
        "fte": fte,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn num(x: f64) -> Value {
    number(x).parse::<f64>().ok().map_or(Value::Null, |v| json!(v))
}

/// The printed table: per method, agent-hours, worst interval and misses.
pub fn table(answer: &Answer) -> String {
    let mut out = String::new();
    let targets = if answer.from_scenario {
        let each: Vec<String> = answer
            .queue_targets
            .iter()
            .map(|(q, ts)| {
                let ts: Vec<String> = ts.iter().map(ToString::to_string).collect();
                format!("{q} {}", ts.join(", "))
            })
            .collect();
        format!("each queue's own targets ({})", each.join("; "))
    } else {
        let ts: Vec<String> = answer.targets.iter().map(ToString::to_string).collect();
        format!("targets {}", ts.join(", "))
    };
    let _ = writeln!(
        out,
        "{} — group {} (team {}); {}; {}, seed {}",
        answer.scenario,
        answer.group,
        answer.team,
        targets,
        judge_words(answer.judge, answer.replications),
        answer.seed
    );
    let first = answer.targets.first().map_or(Goal::ServiceLevel, |t| t.goal);
    let rows: Vec<[String; 4]> = answer.methods.iter().map(|m| row(answer, m, first)).collect();
    let header = ["method", "agent-hours", "worst interval", "intervals missing"];
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: [&str; 4]| {
        format!(
            "{:<w0$}  {:>w1$}  {:<w2$}  {:>w3$}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    out.push_str(&line(header));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3]]));
    }
    if let Some(s) = &answer.search {
        let _ = writeln!(
            out,
            "simulation search: {} load-fitting iterations, {} raising and {} lowering rounds, {} staffings simulated{}",
            s.isa,
            s.raised,
            s.lowered,
            s.simulations,
            if s.unmet {
                "; the targets were NOT met within the rounds allowed"
            } else if s.lower_capped {
                "; lowering stopped after its last round allowed: some interval may still have room"
            } else {
                ""
            }
        );
    }
    let v = &answer.validation;
    let checks: Vec<String> = v
        .checks
        .iter()
        .map(|c| format!("{} meets {} in {} of {} intervals", c.queue, c.target, c.met, c.judged))
        .collect();
    let _ = writeln!(
        out,
        "{} staffing re-simulated on an independent seed ({}, {} replications, judged on the mean): {}",
        v.method.name(),
        v.seed,
        v.replications,
        checks.join("; ")
    );
    if let Some(f) = answer.fte {
        let _ = writeln!(
            out,
            "group {} (team {}): {:.1} agent-hours a week logged in, {:.1}% of it in planned statuses; \
             {:.1} FTE at {} paid hours a week (FTE = agent-hours / paid hours)",
            answer.group,
            answer.team,
            f.weekly_agent_hours,
            100.0 * f.shrinkage,
            f.fte,
            number(f.paid_hours)
        );
    }
    out
}

fn row(answer: &Answer, m: &MethodAnswer, goal: Goal) -> [String; 4] {
    let worst = match m.worst {
        Some((i, v)) => {
            let shown = match goal {
                Goal::Asa => format!("{}s", number((v * 10.0).round() / 10.0)),
                _ => format!("{:.1}%", v * 100.0),
            };
            format!("{} {} {shown}", answer.calendar.label(m.rows[i].start, answer.several_days), goal.name())
        }
        None => "-".to_owned(),
    };
    [
        m.method.name().to_owned(),
        format!("{:.1}", m.agent_hours),
        worst,
        format!("{} of {}", m.misses, m.judged),
    ]
}
