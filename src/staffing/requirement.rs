//! `routesim erlang --forecast FILE` (docs/model.md §12): the fewest agents
//! per queue and interval of a forecast by the exact formulas, each interval
//! sized on its own as a stationary queue with that interval's arrival rate
//! and handle time. A first figure in a second, before any scenario exists;
//! `staff` on a scenario then credits what the formulas cannot (backlog
//! between intervals, statuses, blended agents).

use std::path::Path;

use super::Target;
use super::calculator::{ErlangRow, Service};
use crate::error::{Error, Result};
use crate::format::Num;
use crate::rows::RequirementRecord;

/// The requirement of every queue and interval of one forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The forecast file, as given.
    pub file: String,
    /// How every queue is served.
    pub service: Service,
    /// What the agents must achieve in every interval.
    pub targets: Vec<Target>,
    /// Interval length, seconds.
    pub step: f64,
    /// One row per queue and interval, queue by queue in the file's order.
    pub rows: Vec<IntervalNeed>,
}

/// The requirement of one queue in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalNeed {
    /// Queue name as the forecast writes it.
    pub queue: String,
    /// The interval's start as the forecast writes it (`HH:MM`, `Mon HH:MM`
    /// or `YYYY-MM-DD HH:MM`).
    pub start: String,
    /// Conversations expected in the interval.
    pub offered: f64,
    /// Mean handle time, seconds (the row's `aht`, else `--aht`); `None` when
    /// neither is given and nothing arrives.
    pub aht: Option<f64>,
    /// The fewest agents meeting every target and their figures; `None`
    /// when nothing arrives (no agent is needed).
    pub row: Option<ErlangRow>,
}

impl IntervalNeed {
    /// Offered load in Erlangs: arrivals per second × handle time.
    pub fn erlangs(&self, step: f64) -> f64 {
        self.aht.map_or(0.0, |aht| self.offered / step * aht)
    }

    /// Agents needed (0 when nothing arrives).
    pub fn agents(&self) -> u32 {
        self.row.map_or(0, |r| r.agents)
    }
}

/// Sizes every queue and interval of the forecast at `path`. The handle time
/// is the row's `aht` where the file has one, else `aht` (seconds); a row
/// with neither is refused, naming the queue and interval.
pub fn size(path: &Path, aht: Option<f64>, service: Service, targets: &[Target]) -> Result<Requirement> {
    if targets.is_empty() {
        return Err(bad(
            "--forecast",
            "say what the agents must achieve in each interval (--target service_level>=0.8, repeatable)",
        ));
    }
    // Check the service once, before any interval, so its errors come first.
    service.calculator(0.0, aht.unwrap_or(1.0))?;
    let forecast = crate::scenario::read_forecast(path)?;
    let file = path.display().to_string();
    let step = forecast.step;
    let mut rows = Vec::with_capacity(forecast.queues.len() * forecast.steps());
    for q in &forecast.queues {
        for (i, &offered) in q.offered.iter().enumerate() {
            let handle = q.aht.as_ref().and_then(|a| a[i]).or(aht);
            let start = forecast.step_label(i);
            let row = match handle {
                _ if offered <= 0.0 => None,
                Some(handle) => Some(service.calculator(offered / step * 3600.0, handle)?.size(targets)?.row),
                None => {
                    return Err(bad(
                        "--forecast",
                        &format!(
                            "{file}: queue {} at {start} expects {} conversations but has no aht in the file; \
                             give the handle time with --aht (e.g. --aht 5m)",
                            q.name,
                            Num(offered)
                        ),
                    ));
                }
            };
            rows.push(IntervalNeed { queue: q.name.clone(), start, offered, aht: handle, row });
        }
    }
    Ok(Requirement { file, service, targets: targets.to_vec(), step, rows })
}

impl Requirement {
    /// `"Erlang C"` without patience, `"Erlang A"` with it.
    pub fn formula(&self) -> &'static str {
        if self.service.patience.is_some() { "Erlang A" } else { "Erlang C" }
    }

    /// One line: the formula, the forecast, how queues are served and the targets.
    pub fn describe(&self) -> String {
        let s = &self.service;
        let patience = s.patience.map_or(String::new(), |p| format!(", mean patience {} s", Num(p)));
        let concurrency = if s.concurrency > 1 {
            format!(", {0} conversations per agent at once (an agent is {0} servers)", s.concurrency)
        } else {
            String::new()
        };
        let targets: Vec<String> = self.targets.iter().map(ToString::to_string).collect();
        format!(
            "{} per interval of {} ({}-minute intervals): threshold {} s{patience}{concurrency}; targets {}\n",
            self.formula(),
            self.file,
            Num(self.step / 60.0),
            Num(s.threshold),
            targets.join(", ")
        )
    }

    /// Each queue's totals: (queue, agent-hours, peak agents, first interval at the peak).
    pub fn totals(&self) -> Vec<(&str, f64, u32, &str)> {
        let mut out: Vec<(&str, f64, u32, &str)> = Vec::new();
        for r in &self.rows {
            let hours = f64::from(r.agents()) * self.step / 3600.0;
            match out.last_mut() {
                Some(last) if last.0 == r.queue => {
                    last.1 += hours;
                    if r.agents() > last.2 {
                        (last.2, last.3) = (r.agents(), &r.start);
                    }
                }
                _ => out.push((&r.queue, hours, r.agents(), &r.start)),
            }
        }
        out
    }

    /// The printed form: the inputs, one line per queue and interval, then
    /// each queue's agent-hours and peak.
    pub fn text(&self) -> String {
        let mut out = self.describe();
        let qw = self.rows.iter().map(|r| r.queue.chars().count()).max().unwrap_or(5).max(5);
        let sw = self.rows.iter().map(|r| r.start.chars().count()).max().unwrap_or(5).max(5);
        out.push_str(&format!(
            "{:<qw$}  {:<sw$}  {:>8}  {:>8}  {:>8}  {:>6}  {:>17}  {:>8}\n",
            "queue", "start", "offered", "aht (s)", "Erlangs", "agents", "service_level (%)", "asa (s)"
        ));
        for r in &self.rows {
            let (sl, asa) = match r.row {
                Some(row) => (
                    format!("{:.2}", 100.0 * row.service_level),
                    row.asa.map_or("unstable".to_owned(), |a| format!("{a:.2}")),
                ),
                None => ("-".to_owned(), "-".to_owned()),
            };
            out.push_str(&format!(
                "{:<qw$}  {:<sw$}  {:>8.1}  {:>8.1}  {:>8.2}  {:>6}  {:>17}  {:>8}\n",
                r.queue,
                r.start,
                r.offered,
                r.aht.unwrap_or(f64::NAN),
                r.erlangs(self.step),
                r.agents(),
                sl,
                asa
            ));
        }
        for (queue, hours, peak, at) in self.totals() {
            out.push_str(&format!("{queue}: {hours:.1} agent-hours; peak {peak} agents at {at}\n"));
        }
        out
    }

    /// `requirement.csv` (one row per queue and interval) and `requirement.json`
    /// (the inputs and each queue's totals).
    pub fn files(&self) -> Result<Vec<(&'static str, Vec<u8>)>> {
        let n = |v: Option<f64>| Num(v.unwrap_or(f64::NAN));
        let records = self.rows.iter().map(|r| RequirementRecord {
            queue: r.queue.clone(),
            start: r.start.clone(),
            offered: Num(r.offered),
            aht: n(r.aht),
            erlangs: Num(r.erlangs(self.step)),
            agents: r.agents(),
            service_level: n(r.row.map(|x| x.service_level)),
            asa: n(r.row.and_then(|x| x.asa)),
            abandon_rate: n(r.row.map(|x| x.abandon_rate)),
            occupancy: n(r.row.map(|x| x.occupancy)),
        });
        let csv = crate::rows::to_bytes("requirement.csv", records)?;
        let totals: Vec<serde_json::Value> = self
            .totals()
            .into_iter()
            .map(|(queue, hours, peak, at)| {
                serde_json::json!({ "queue": queue, "agent_hours": hours, "peak_agents": peak, "peak_at": at })
            })
            .collect();
        let doc = serde_json::json!({
            "routesim_version": env!("CARGO_PKG_VERSION"),
            "formula": self.formula(),
            "forecast": self.file,
            "interval_minutes": self.step / 60.0,
            "threshold_seconds": self.service.threshold,
            "patience_seconds": self.service.patience,
            "concurrency": self.service.concurrency,
            "targets": self.targets.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "queues": totals,
        });
        let mut json = serde_json::to_string_pretty(&doc).unwrap_or_default();
        json.push('\n');
        Ok(vec![("requirement.csv", csv), ("requirement.json", json.into_bytes())])
    }
}

fn bad(input: &str, problem: &str) -> Error {
    Error::Calculator { input: input.to_owned(), problem: problem.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::Calculator;

    /// The forecast `text` in a temporary file (removed on drop).
    fn forecast(text: &str) -> tempfile::TempPath {
        let mut file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        file.into_temp_path()
    }

    fn service(concurrency: u32) -> Service {
        Service { patience: None, threshold: 30.0, concurrency }
    }

    /// Each interval is the calculator's answer for its own rate and handle
    /// time; an interval without arrivals needs nobody; totals add up.
    #[test]
    fn each_interval_is_the_calculators_answer_for_its_own_load() {
        let f = forecast("start;queue;offered;aht\n08:00;chat;60;540\n08:30;chat;30;300\n09:00;chat;0;300\n");
        let targets = ["service_level>=0.8".parse().unwrap()];
        let r = size(&f, None, service(3), &targets).unwrap();
        assert_eq!(r.step, 1800.0);
        assert_eq!(r.rows.len(), 48, "a daily pattern has 48 half hours");
        let at = |start: &str| r.rows.iter().find(|x| x.start == start).unwrap();
        // 60 in half an hour is 120 an hour: the concurrency test's 8 agents.
        let eight = Calculator::new(120.0, 540.0, None, 30.0).unwrap().with_concurrency(3).unwrap();
        assert_eq!(at("08:00").row, Some(eight.size(&targets).unwrap().row));
        assert_eq!(at("08:00").agents(), 8);
        assert!((at("08:00").erlangs(r.step) - 18.0).abs() < 1e-12);
        let second = Calculator::new(60.0, 300.0, None, 30.0).unwrap().with_concurrency(3).unwrap();
        assert_eq!(at("08:30").agents(), second.size(&targets).unwrap().row.agents);
        assert_eq!((at("09:00").agents(), at("10:00").agents()), (0, 0));
        let totals = r.totals();
        assert_eq!(totals.len(), 1);
        let want = f64::from(at("08:00").agents() + at("08:30").agents()) * 0.5;
        assert_eq!(totals[0], ("chat", want, 8, "08:00"));
        let text = r.text();
        assert!(text.starts_with("Erlang C per interval of"), "{text}");
        assert!(text.contains(&format!("chat: {want:.1} agent-hours; peak 8 agents at 08:00")), "{text}");
    }

    /// A row without aht and no --aht is refused naming the queue and start;
    /// with --aht the file's empty cells take it.
    #[test]
    fn a_missing_aht_is_named_or_taken_from_the_flag() {
        let f = forecast("start,queue,offered,aht\nMon 08:00,phone,40,\nMon 08:15,phone,40,200\n");
        let targets = ["service_level>=0.8".parse().unwrap()];
        let e = size(&f, None, service(1), &targets).unwrap_err().to_string();
        assert!(e.contains("queue phone at Mon 08:00 expects 40 conversations but has no aht"), "{e}");
        assert!(e.contains("--aht"), "{e}");
        let r = size(&f, Some(180.0), service(1), &targets).unwrap();
        assert_eq!(r.rows.len(), 7 * 96);
        assert_eq!((r.rows[32].aht, r.rows[33].aht, r.rows[0].aht), (Some(180.0), Some(200.0), Some(180.0)));
        assert_eq!((r.rows[0].start.as_str(), r.rows[32].start.as_str()), ("Mon 00:00", "Mon 08:00"));
        assert!(r.rows[32].agents() > 0 && r.rows[33].agents() >= r.rows[32].agents());
        assert_eq!(r.rows[0].agents(), 0);
        let none = size(&f, Some(180.0), service(1), &[]).unwrap_err().to_string();
        assert!(none.contains("--target"), "{none}");
    }

    /// Dated forecasts label each interval with its date.
    #[test]
    fn dated_starts_keep_their_dates() {
        let f = forecast(
            "start;queue;offered;aht\n2026-12-07 10:00;Chat;47,1;521\n2026-12-07 10:30;Chat;30;521\n2026-12-08 10:00;Chat;20;521\n",
        );
        let targets = ["service_level>=0.8".parse().unwrap()];
        let r = size(&f, None, service(1), &targets).unwrap();
        let busy: Vec<&str> = r.rows.iter().filter(|x| x.agents() > 0).map(|x| x.start.as_str()).collect();
        assert_eq!(busy, ["2026-12-07 10:00", "2026-12-07 10:30", "2026-12-08 10:00"]);
        assert_eq!(r.rows.len(), 2 * 48);
    }
}
