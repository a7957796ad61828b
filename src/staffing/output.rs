//! What `staff` writes and prints: staffing.csv, summary.json, the staffed
//! scenario.toml and the table (docs/model.md §13.7); the whole-team form
//! (no `--group`) answers per team, its own functions after the group's.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::calendar::Calendar;
use crate::error::Result;
use crate::format::{Num, number};
use crate::rows::{self, StaffingRecord, TeamStaffingRecord};
use crate::staffing::Goal;
use crate::staffing::plan::{Answer, Fte, MethodAnswer};
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

/// staffing.csv: one row per interval and method, intervals in order (in
/// the whole-team form, per interval, team and method).
pub fn staffing_csv(answer: &Answer) -> Result<Vec<u8>> {
    if answer.whole_team {
        return team_staffing_csv(answer);
    }
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
    if answer.whole_team {
        return team_summary_json(answer, judge, search, validation);
    }
    let fte = answer.fte.first().map(|f| fte_json(f, &answer.team, ("group", json!(answer.group))));
    let doc = summary_doc(
        answer,
        [
            ("group", json!(answer.group)),
            ("team", json!(answer.team)),
            ("judge", judge),
            ("methods", json!(methods)),
            ("search", json!(search)),
            ("validation", validation),
            ("fte", json!(fte)),
        ],
    );
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn num(x: f64) -> Value {
    number(x).parse::<f64>().ok().map_or(Value::Null, |v| json!(v))
}

/// The printed table: per method, agent-hours, worst interval and misses.
pub fn table(answer: &Answer) -> String {
    if answer.whole_team {
        return team_table(answer);
    }
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
    search_line(&mut out, answer);
    validation_line(&mut out, answer);
    if let Some(f) = answer.fte.first() {
        let _ = writeln!(out, "{}", fte_line(&format!("group {} (team {})", answer.group, answer.team), f));
    }
    out
}

/// The line on how the search went, if the simulation method ran.
fn search_line(out: &mut String, answer: &Answer) {
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
}

/// The independent-seed line (docs/model.md §13.6).
fn validation_line(out: &mut String, answer: &Answer) {
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

/// The header's words for the targets: each queue's own, or the `--target`s.
fn targets_words(answer: &Answer) -> String {
    if answer.from_scenario {
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
    }
}

/// staffing.csv in the whole-team form: one row per interval, team and method.
fn team_staffing_csv(answer: &Answer) -> Result<Vec<u8>> {
    let n = answer.methods.first().map_or(0, |m| m.rows.len());
    let records = (0..n).flat_map(|r| {
        answer.methods.iter().map(move |m| {
            let row = &m.rows[r];
            let record = TeamStaffingRecord {
                start: Calendar::UNDATED.label(row.start, answer.several_days),
                team: answer.units.get(row.unit).map(|u| u.team.clone()).unwrap_or_default(),
                method: m.method.name().to_owned(),
                agents: row.agents,
                offered_erlangs: Num(row.offered_erlangs),
                service_level: Num(row.service_level),
                asa: Num(row.asa),
                abandon_rate: Num(row.abandon_rate),
                occupancy: Num(row.occupancy),
            };
            (row.start, record)
        })
    });
    let own: Vec<&str> = rows::TEAM_STAFFING_HEADER.split(',').collect();
    rows::write_dated("staffing.csv", answer.calendar, &own, records)
}

/// One team's FTE object of summary.json.
/// summary.json's keys both forms share (the scenario, seed, replications,
/// version, overrides and targets), with the form's own `fields` added.
fn summary_doc<const N: usize>(answer: &Answer, fields: [(&str, Value); N]) -> Value {
    let mut doc = json!({
        "scenario": answer.scenario,
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
    });
    if let Value::Object(map) = &mut doc {
        map.extend(fields.into_iter().map(|(k, v)| (k.to_owned(), v)));
    }
    doc
}

/// One FTE object of summary.json: the team and group, the figures and the formula.
fn fte_json(f: &Fte, team: &str, carrier: (&str, Value)) -> Value {
    let mut v = json!({
        "team": team,
        "paid_hours": num(f.paid_hours),
        "weekly_agent_hours": num(f.weekly_agent_hours),
        "shrinkage": num(f.shrinkage),
        "productive_hours": num(f.productive_hours),
        "fte": num(f.fte),
        "formula": FTE_FORMULA,
    });
    v[carrier.0] = carrier.1;
    v
}

/// summary.json in the whole-team form: `teams` (each team and the groups
/// sharing its array, each with its own statuses), per method the totals and per
/// team its agent-hours, misses, peak and staffing array, and `fte` per team.
fn team_summary_json(answer: &Answer, judge: Value, search: Option<Value>, validation: Value) -> String {
    let steps = answer.steps.max(1);
    let methods: Vec<Value> = answer
        .methods
        .iter()
        .map(|m| {
            let teams: Vec<Value> = answer
                .units
                .iter()
                .zip(&m.units)
                .enumerate()
                .map(|(k, (u, t))| {
                    json!({
                        "team": u.team,
                        "agent_hours": num(t.agent_hours),
                        "misses": t.misses,
                        "judged_intervals": t.judged,
                        "peak_agents": t.peak,
                        "staffing": m.levels.get(k * steps..(k + 1) * steps).unwrap_or_default(),
                    })
                })
                .collect();
            json!({
                "method": m.method.name(),
                "agent_hours": num(m.agent_hours),
                "misses": m.misses,
                "judged_intervals": m.judged,
                "teams": teams,
            })
        })
        .collect();
    let teams: Vec<Value> =
        answer.units.iter().map(|u| json!({ "team": u.team, "groups": u.groups })).collect();
    let fte: Vec<Value> = answer
        .units
        .iter()
        .zip(&answer.fte)
        .map(|(u, f)| fte_json(f, &u.team, ("groups", json!(u.groups))))
        .collect();
    let doc = summary_doc(
        answer,
        [
            ("teams", json!(teams)),
            ("steps_per_team", json!(answer.steps)),
            ("judge", judge),
            ("methods", json!(methods)),
            ("search", json!(search)),
            ("validation", validation),
            ("fte", if answer.fte.is_empty() { Value::Null } else { Value::Array(fte) }),
        ],
    );
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Cells padded to their column's width, the first `left` columns aligned left.
fn aligned(out: &mut String, header: &[String], rows: &[Vec<String>], left: usize) {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    for cells in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| if c < left { format!("{cell:<w$}") } else { format!("{cell:>w$}") })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
}

/// The printed table in the whole-team form: per method and team, its
/// agent-hours, worst interval and misses; then the chosen staffing per
/// team and day (agent-hours, peak agents and when); the search, the
/// independent seed and each team's FTE line.
fn team_table(answer: &Answer) -> String {
    let mut out = String::new();
    let teams: Vec<String> = answer
        .units
        .iter()
        .map(|u| format!("{} ({})", u.team, crate::format::groups_words(&u.groups)))
        .collect();
    let _ = writeln!(
        out,
        "{} — teams {}; {}; {}, seed {}",
        answer.scenario,
        teams.join(", "),
        targets_words(answer),
        judge_words(answer.judge, answer.replications),
        answer.seed
    );
    let goal = answer.targets.first().map_or(Goal::ServiceLevel, |t| t.goal);
    let header: Vec<String> =
        ["method", "team", "agent-hours", "worst interval", "intervals missing"].map(str::to_owned).to_vec();
    let mut rows = Vec::new();
    for m in &answer.methods {
        for (k, (u, t)) in answer.units.iter().zip(&m.units).enumerate() {
            let worst = m
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.unit == k)
                .filter_map(|(n, r)| {
                    let v = match goal {
                        Goal::ServiceLevel => r.service_level,
                        Goal::Asa => r.asa,
                        Goal::AbandonRate => r.abandon_rate,
                        Goal::Occupancy => r.occupancy,
                    };
                    (r.judged && !v.is_nan()).then_some((n, v))
                })
                .min_by(|a, b| {
                    let t = answer.targets.first();
                    let slack = |v: f64| t.map_or(v, |t| t.slack(v));
                    slack(a.1).total_cmp(&slack(b.1))
                });
            let worst = worst.map_or("-".to_owned(), |(n, v)| worst_words(answer, m, goal, n, v));
            rows.push(vec![
                m.method.name().to_owned(),
                u.team.clone(),
                format!("{:.1}", t.agent_hours),
                worst,
                format!("{} of {}", t.misses, t.judged),
            ]);
        }
    }
    aligned(&mut out, &header, &rows, 2);
    if let Some(m) = chosen(answer) {
        let _ = writeln!(
            out,
            "{} staffing per team and day: agent-hours logged in (peak agents at)",
            m.method.name()
        );
        let mut header = vec!["day".to_owned()];
        header.extend(answer.units.iter().map(|u| u.team.clone()));
        let days = m.rows.last().map_or(0, |r| (r.start / crate::time::DAY).floor() as u64 + 1);
        let mut rows = Vec::new();
        for day in 0..days {
            let mut cells = vec![answer.calendar.day_name(day)];
            for k in 0..answer.units.len() {
                let of_day: Vec<&crate::staffing::plan::Row> = m
                    .rows
                    .iter()
                    .filter(|r| r.unit == k && (r.start / crate::time::DAY).floor() as u64 == day)
                    .collect();
                let hours: f64 = of_day.iter().map(|r| f64::from(r.agents) * answer.interval / 3600.0).sum();
                let peak = of_day.iter().copied().max_by_key(|r| (r.agents, std::cmp::Reverse(r.interval)));
                cells.push(match peak {
                    Some(p) if p.agents > 0 => {
                        let (_, clock) = crate::format::day_clock(p.start);
                        format!("{hours:.1} ({} at {clock})", p.agents)
                    }
                    _ => format!("{hours:.1}"),
                });
            }
            rows.push(cells);
        }
        aligned(&mut out, &header, &rows, 1);
    }
    search_line(&mut out, answer);
    validation_line(&mut out, answer);
    for (u, f) in answer.units.iter().zip(&answer.fte) {
        let _ = writeln!(
            out,
            "{}",
            fte_line(&format!("team {} ({})", u.team, crate::format::groups_words(&u.groups)), f)
        );
    }
    out
}

/// The chosen method's answer: the simulation method's, else the first.
fn chosen(answer: &Answer) -> Option<&MethodAnswer> {
    answer.methods.iter().find(|m| m.method == answer.validation.method).or(answer.methods.first())
}

/// The FTE line of one staffing array, named `who`.
fn fte_line(who: &str, f: &Fte) -> String {
    format!(
        "{who}: {:.1} agent-hours a week logged in, {:.1}% of it in planned statuses; \
         {:.1} FTE at {} paid hours a week (FTE = agent-hours / paid hours)",
        f.weekly_agent_hours,
        100.0 * f.shrinkage,
        f.fte,
        number(f.paid_hours)
    )
}

/// A worst interval in words: `Mon 07 Dec 10:30 service_level 78.1%`.
fn worst_words(answer: &Answer, m: &MethodAnswer, goal: Goal, n: usize, v: f64) -> String {
    let shown = match goal {
        Goal::Asa => format!("{}s", number((v * 10.0).round() / 10.0)),
        _ => format!("{:.1}%", v * 100.0),
    };
    format!("{} {} {shown}", answer.calendar.label(m.rows[n].start, answer.several_days), goal.name())
}
