//! What `schedule` writes and prints (docs/model.md §16.5): roster.csv,
//! coverage.csv, the roster as a runnable scenario.toml, summary.json,
//! schedule.xlsx for the scheduler, and the printed answer.

use std::fmt::Write as _;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde_json::{Value, json};

use super::{RosterAgent, Schedule};
use crate::error::{Error, Result};
use crate::format::{Num, number};
use crate::rows::{self, CoverageRecord, ROSTER_COLUMNS, RosterRecord};
use crate::time::DAY;

/// Weekday names from day 1 when the scenario has no date (day 1 is a
/// Monday, docs/model.md §10.13).
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The result folder's files, (name, bytes): the CSV files, the roster's
/// scenario, summary.json, schedule.xlsx and the forecast's copy; the
/// coverage chart and report.html are drawn from them
/// (`report::write_with_charts`, `plot::Kind::Schedule`), so `routesim plot
/// DIR` redraws them.
pub fn files(s: &Schedule) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut files = vec![
        ("roster.csv", roster_csv(s)?),
        ("coverage.csv", coverage_csv(s)?),
        ("scenario.toml", s.scenario_toml.clone().into_bytes()),
        ("summary.json", summary_json(s).into_bytes()),
        ("schedule.xlsx", xlsx(s)?),
    ];
    for (name, bytes) in &s.attachments {
        if name == crate::scenario::FORECAST_COPY {
            files.push((crate::scenario::FORECAST_COPY, bytes.clone()));
        }
    }
    Ok(files)
}

/// `HH:MM` of the clock time `secs` after midnight (wrapping past a day).
fn clock(secs: f64) -> String {
    crate::format::day_clock(secs.rem_euclid(DAY)).1
}

/// The `date` and `weekday` cells of day `d` (0 to 6) of the week.
fn day_cells(s: &Schedule, d: u32) -> (String, String) {
    s.scenario
        .calendar
        .date_cells(f64::from(d) * DAY)
        .unwrap_or_else(|| (String::new(), WEEKDAYS[d as usize % 7].to_owned()))
}

/// The agent's name in the files: `agent-1` …
fn agent_name(i: usize) -> String {
    format!("agent-{}", i + 1)
}

/// The planned-status columns of roster.csv: each status of the scheduled
/// patterns once, in order of first use (a status planned twice in a
/// shift gets `NAME 2`).
fn status_columns(s: &Schedule) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in &s.patterns {
        let mut seen: Vec<String> = Vec::new();
        for st in &p.schedule {
            let base = s.scenario.statuses[st.status].name.clone();
            let n = seen.iter().filter(|x| **x == base).count();
            seen.push(base.clone());
            let name = if n == 0 { base } else { format!("{base} {}", n + 1) };
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// One agent's shift cells: (start, end, per status column its start or empty).
fn shift_cells(s: &Schedule, a: &RosterAgent, columns: &[String]) -> (String, String, Vec<String>) {
    let c = &s.combinations[a.combination];
    let p = &s.patterns[c.pattern];
    let mut cells = vec![String::new(); columns.len()];
    let mut seen: Vec<String> = Vec::new();
    for (st, &at) in p.schedule.iter().zip(&a.statuses) {
        let base = s.scenario.statuses[st.status].name.clone();
        let n = seen.iter().filter(|x| **x == base).count();
        seen.push(base.clone());
        let name = if n == 0 { base } else { format!("{base} {}", n + 1) };
        if let Some(i) = columns.iter().position(|x| *x == name) {
            cells[i] = clock(c.start + at);
        }
    }
    (clock(c.start), clock(c.start + c.length), cells)
}

/// roster.csv: one row per agent and working day.
pub fn roster_csv(s: &Schedule) -> Result<Vec<u8>> {
    let columns = status_columns(s);
    let mut rows = Vec::new();
    for (i, a) in s.agents.iter().enumerate() {
        let c = &s.combinations[a.combination];
        let p = &s.patterns[c.pattern];
        let (start, end, cells) = shift_cells(s, a, &columns);
        for d in c.days(p) {
            let (date, weekday) = day_cells(s, d);
            rows.push((
                RosterRecord {
                    agent: agent_name(i),
                    team: s.scenario.teams[p.team].name.clone(),
                    shift: p.name.clone(),
                    date,
                    weekday,
                    start: start.clone(),
                    end: end.clone(),
                },
                cells.clone(),
            ));
        }
    }
    rows::write_trailed("roster.csv", &ROSTER_COLUMNS, &columns, rows)
}

/// The coverage rows: per team and interval of the week.
fn coverage_rows(s: &Schedule) -> Vec<CoverageRecord> {
    let mut out = Vec::new();
    for (k, r) in s.requirements.iter().enumerate() {
        for t in 0..s.week.steps {
            let start = t as f64 * s.week.interval;
            let (date, weekday) = day_cells(s, (start / DAY) as u32);
            out.push(CoverageRecord {
                team: r.name.clone(),
                date,
                weekday,
                start: clock(start),
                required: r.logged_in[t],
                required_available: Num(r.available[t]),
                scheduled: Num(s.cover.logged[k][t]),
                available: Num(s.cover.available[k][t]),
                net: Num(s.cover.available[k][t] - r.available[t]),
            });
        }
    }
    out
}

/// coverage.csv: per team and interval of the week.
pub fn coverage_csv(s: &Schedule) -> Result<Vec<u8>> {
    rows::to_bytes("coverage.csv", coverage_rows(s))
}

/// Agents and paid hours per pattern, in the patterns' order (patterns with no agent left out).
pub fn per_pattern(s: &Schedule) -> Vec<(String, String, usize, f64)> {
    let mut out = Vec::new();
    for (i, p) in s.patterns.iter().enumerate() {
        let agents: Vec<&RosterAgent> =
            s.agents.iter().filter(|a| s.combinations[a.combination].pattern == i).collect();
        if agents.is_empty() {
            continue;
        }
        let hours = agents.iter().map(|a| s.agent_paid_hours(a)).sum();
        out.push((p.name.clone(), s.scenario.teams[p.team].name.clone(), agents.len(), hours));
    }
    out
}

/// A number as summary.json writes it: [`number`]'s 6 decimals, as a JSON number (null for NaN).
fn num(x: f64) -> Value {
    number(x).parse::<f64>().ok().map_or(Value::Null, |v| json!(v))
}

/// summary.json.
pub fn summary_json(s: &Schedule) -> String {
    let (over, under) = s.over_under();
    let paid = s.paid_hours();
    let doc = json!({
        "scenario": s.scenario.name,
        "routesim_version": env!("CARGO_PKG_VERSION"),
        "requirement": {
            "seed": s.search_seed,
            "judge": "one-sided 95% confidence bound",
            "teams": s.requirements.iter().map(|r| json!({
                "team": r.name,
                "agent_hours": num(r.agent_hours(&s.week)),
                "logged_in": r.logged_in,
            })).collect::<Vec<_>>(),
        },
        "program": {
            "solver": "good_lp with microlp",
            "variables": s.solved.variables,
            "constraints": s.solved.constraints,
            "paid_hours": num(s.solved.objective),
            "lower_bound": num(s.solved.lower_bound),
            "gap": num(s.solved.gap),
            "optimal": s.solved.optimal,
            "found_by": s.solved.found_by.words(),
            "stopped_by": s.solved.stopped_by.words(),
            "nodes": s.solved.nodes,
            "node_limit": s.limits.nodes,
            "time_limit": num(s.limits.seconds),
            "cut_by_time": s.solved.cut_by_time,
        },
        "patterns": per_pattern(s).into_iter().map(|(name, team, agents, hours)| json!({
            "shift": name, "team": team, "agents": agents, "paid_hours": num(hours),
        })).collect::<Vec<_>>(),
        "agents": s.agents.len(),
        "paid_hours": num(paid),
        "requirement_agent_hours": num(s.requirement_hours()),
        "hours_over": num(over),
        "hours_under": num(under),
        "fte": s.paid_hours.map(|h| json!({
            "paid_hours_per_fte": num(h),
            "fte": num(paid / h),
            "formula": "FTE = the roster's paid hours a week / paid hours of one full-time agent",
        })),
        "repair": {
            "seed": repair_seed(s),
            "rounds": s.repair.rounds,
            "round_limit": super::MAX_REPAIR_ROUNDS,
            "agents_added": s.repair.added.len(),
            "met": s.repair.met,
            "teams": s.requirements.iter().enumerate().map(|(k, r)| json!({
                "team": r.name,
                "misses": s.repair.misses.get(k),
                "judged_intervals": s.repair.judged.get(k),
            })).collect::<Vec<_>>(),
        },
        "validation": {
            "seed": s.scenario.seed,
            "replications": s.scenario.replications,
            "queues": s.checks.iter().map(|c| json!({
                "queue": c.queue,
                "target": c.target.to_string(),
                "service_level": num(c.service_level),
                "judged_intervals": c.judged,
                "met": c.met,
            })).collect::<Vec<_>>(),
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// An xlsx error as the file that could not be written.
fn xlsx_error(e: XlsxError) -> Error {
    Error::Write { path: "schedule.xlsx".into(), source: std::io::Error::other(e) }
}

/// schedule.xlsx: Requirement (per team and interval), Roster (an agent ×
/// day grid of `HH:MM-HH:MM` or `off`) and Coverage (coverage.csv's rows).
pub fn xlsx(s: &Schedule) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    // A fixed creation time: the same roster gives the same bytes.
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let coverage = coverage_rows(s);

    // Requirement and Coverage share coverage.csv's first five columns.
    let lead = ["team", "date", "weekday", "start", "required"];
    let write_lead = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, r: &CoverageRecord| {
        for (col, text) in [&r.team, &r.date, &r.weekday, &r.start].into_iter().enumerate() {
            sheet.write_string(row, col as u16, text)?;
        }
        sheet.write_number(row, 4, f64::from(r.required)).map(|_| ())
    };

    let sheet = book.add_worksheet();
    sheet.set_name("Requirement").map_err(xlsx_error)?;
    for (col, h) in lead.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold).map_err(xlsx_error)?;
    }
    for (row, r) in coverage.iter().enumerate() {
        write_lead(sheet, row as u32 + 1, r).map_err(xlsx_error)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Roster").map_err(xlsx_error)?;
    let header = ["agent", "team", "shift"];
    for (col, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold).map_err(xlsx_error)?;
    }
    for d in 0..7u32 {
        let name = s.scenario.calendar.day_name(u64::from(d));
        let name = if s.scenario.calendar.start().is_some() { name } else { WEEKDAYS[d as usize].to_owned() };
        sheet.write_string_with_format(0, 3 + d as u16, name, &bold).map_err(xlsx_error)?;
    }
    for (i, a) in s.agents.iter().enumerate() {
        let row = i as u32 + 1;
        let c = &s.combinations[a.combination];
        let p = &s.patterns[c.pattern];
        sheet.write_string(row, 0, agent_name(i)).map_err(xlsx_error)?;
        sheet.write_string(row, 1, &s.scenario.teams[p.team].name).map_err(xlsx_error)?;
        sheet.write_string(row, 2, &p.name).map_err(xlsx_error)?;
        for d in 0..7u32 {
            let cell = if p.works(c.first_off, d) {
                format!("{}-{}", clock(c.start), clock(c.start + c.length))
            } else {
                "off".to_owned()
            };
            sheet.write_string(row, 3 + d as u16, cell).map_err(xlsx_error)?;
        }
    }
    sheet.set_freeze_panes(1, 3).map_err(xlsx_error)?;

    let sheet = book.add_worksheet();
    sheet.set_name("Coverage").map_err(xlsx_error)?;
    let columns = lead.iter().chain(&["required_available", "scheduled", "available", "net"]);
    for (col, h) in columns.enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold).map_err(xlsx_error)?;
    }
    for (row, r) in coverage.iter().enumerate() {
        let row = row as u32 + 1;
        write_lead(sheet, row, r).map_err(xlsx_error)?;
        for (col, v) in [r.required_available, r.scheduled, r.available, r.net].iter().enumerate() {
            sheet.write_number(row, 5 + col as u16, v.written()).map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// A fraction as a percentage with one decimal.
fn pct(x: f64) -> String {
    if x.is_nan() { "-".into() } else { format!("{:.1}%", 100.0 * x) }
}

/// The printed answer.
pub fn table(s: &Schedule) -> String {
    let mut out = String::new();
    let sc = &s.scenario;
    let teams: Vec<&str> = s.requirements.iter().map(|r| r.name.as_str()).collect();
    let _ = writeln!(
        out,
        "{} — roster for team{} {}: the week's requirement as `staff` answers it (each queue's own targets, \
         one-sided 95% bound, seed {}), shift patterns from the scenario",
        sc.name,
        if teams.len() == 1 { "" } else { "s" },
        teams.join(", "),
        s.search_seed
    );
    let _ = writeln!(out, "{:<16} {:<10} {:>7} {:>12}", "shift", "team", "agents", "paid hours");
    for (name, team, agents, hours) in per_pattern(s) {
        let _ = writeln!(out, "{name:<16} {team:<10} {agents:>7} {hours:>12.1}");
    }
    let paid = s.paid_hours();
    let need = s.requirement_hours();
    let _ = write!(
        out,
        "{} agents, {:.1} paid hours a week against {:.1} agent-hours the requirement asks logged in ({:+.1}%)",
        s.agents.len(),
        paid,
        need,
        if need > 0.0 { 100.0 * (paid / need - 1.0) } else { 0.0 }
    );
    if let Some(h) = s.paid_hours {
        let _ = write!(out, "; {:.1} FTE at {} paid hours a week", paid / h, number(h));
    }
    let _ = writeln!(out);
    let (over, under) = s.over_under();
    let _ = writeln!(
        out,
        "logged in over the requirement {over:.1} h, under it {under:.1} h (summed over each team's half hours)"
    );
    let p = &s.solved;
    let _ = writeln!(
        out,
        "integer program: {} variables, {} constraints, {} branch-and-bound nodes, {:.1} s: {:.1} paid hours ({}), gap {} against the LP relaxation's {:.1}",
        p.variables,
        p.constraints,
        p.nodes,
        p.seconds,
        p.objective,
        match p.stopped_by {
            _ if p.optimal => p.found_by.words().to_owned(),
            super::Stop::Time => {
                format!("{}, not proven optimal within {} s", p.found_by.words(), number(s.limits.seconds))
            }
            super::Stop::Failed => format!("{}, not proven optimal: the solver failed", p.found_by.words()),
            super::Stop::Nodes | super::Stop::Proof => {
                format!("{}, not proven optimal within {} nodes", p.found_by.words(), s.limits.nodes)
            }
        },
        pct(p.gap),
        p.lower_bound
    );
    if p.cut_by_time {
        let _ = writeln!(
            out,
            "warning: the time limit ({} s) cut the search short, so another machine may give another roster; \
             raise --time-limit, or lower --nodes, for a roster every machine repeats",
            number(s.limits.seconds)
        );
    }
    let _ = writeln!(
        out,
        "repair on seed {}: {} simulation{}, {} agent{} added; {}",
        repair_seed(s),
        s.repair.rounds,
        if s.repair.rounds == 1 { "" } else { "s" },
        s.repair.added.len(),
        if s.repair.added.len() == 1 { "" } else { "s" },
        if s.repair.met {
            "every judged interval meets every target (one-sided 95% bound)".to_owned()
        } else {
            format!(
                "stopped after {} rounds with {} judged intervals still missing",
                super::MAX_REPAIR_ROUNDS,
                s.repair.misses.iter().sum::<usize>()
            )
        }
    );
    let _ = writeln!(
        out,
        "on a fresh seed {}, which neither the search nor the repair has seen ({} replications):",
        sc.seed, sc.replications
    );
    for c in &s.checks {
        let _ = writeln!(
            out,
            "  {:<14} service level {}, target {}: meets it in {} of {} judged intervals",
            c.queue,
            pct(c.service_level),
            c.target,
            c.met,
            c.judged
        );
    }
    out
}

/// The seed the repair simulated the roster on (docs/model.md §16.4): the
/// scenario's plus [`crate::staffing::plan::VALIDATION_SEED_OFFSET`], as
/// `staff`'s independent seed; the printed figures come from twice the offset.
fn repair_seed(s: &Schedule) -> u64 {
    s.search_seed.wrapping_add(crate::staffing::plan::VALIDATION_SEED_OFFSET) % (i64::MAX as u64)
}
