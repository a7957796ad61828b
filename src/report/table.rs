//! The compact per-queue table `routesim run` prints.

use std::fmt::Write;

use crate::replicate::Results;

/// The per-queue table: offered, service level with its 95% interval, ASA,
/// abandon rate and occupancy (of the teams serving the queue), then the total.
pub fn table(r: &Results, queues: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:>10} {:>22} {:>9} {:>9} {:>9}",
        "queue", "offered", "service level (95% CI)", "ASA", "abandon", "occupancy"
    );
    let names = queues.iter().map(|q| ("queue", q.as_str())).chain([("total", "all")]);
    for (scope, name) in names {
        let get = |m: &str| r.get(scope, name, m);
        let mean = |m: &str| get(m).map_or(f64::NAN, |row| row.mean);
        let sl = get("service_level").map_or_else(String::new, |row| {
            if row.ci95_low.is_finite() {
                format!(
                    "{:.1}% [{:.1}, {:.1}]",
                    100.0 * row.mean,
                    100.0 * row.ci95_low,
                    100.0 * row.ci95_high
                )
            } else {
                format!("{:.1}%", 100.0 * row.mean)
            }
        });
        let label = if scope == "total" { "total" } else { name };
        let _ = writeln!(
            out,
            "{:<16} {:>10.1} {:>22} {:>8.1}s {:>8.1}% {:>8.1}%",
            label,
            mean("offered"),
            sl,
            mean("asa"),
            100.0 * mean("abandon_rate"),
            100.0 * mean("occupancy"),
        );
    }
    out
}
