//! `summary.json`: summary.csv's rows for programs, with how the run was
//! made: scenario, seed, replications, routesim version, the command's
//! overrides, the service-level formula and each queue's threshold
//! (seconds) and target (fraction 0-1).

use serde_json::{Value, json};

use super::{Exporter, Provenance};
use crate::error::{Error, Result};
use crate::format::number;
use crate::replicate::Results;

/// `summary.json`.
pub(super) struct SummaryJson;

/// A number as in the CSV files (same rounding), or null for "no value".
fn value(x: f64) -> Value {
    number(x).parse::<f64>().ok().map_or(Value::Null, |v| json!(v))
}

impl Exporter for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }
    fn write(&self, r: &Results, provenance: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let rows: Vec<Value> = r
            .summary
            .iter()
            .map(|s| {
                json!({
                    "scope": s.scope.kind(),
                    "name": s.name,
                    "metric": s.metric.name(),
                    "unit": s.metric.unit().name(),
                    "mean": value(s.mean),
                    "ci95_low": value(s.ci95_low),
                    "ci95_high": value(s.ci95_high),
                    "replications": s.replications,
                })
            })
            .collect();
        let queues: Vec<Value> = r
            .queues
            .iter()
            .map(|q| json!({ "name": q.name, "sl_threshold": value(q.sl_threshold), "sl_target": value(q.sl_target) }))
            .collect();
        let doc = json!({
            "scenario": r.scenario,
            "seed": r.seed,
            "replications": r.replications,
            "routesim_version": env!("CARGO_PKG_VERSION"),
            "overrides": provenance.overrides,
            "sl_formula": r.sl_formula,
            "queues": queues,
            "summary": rows,
        });
        let mut bytes = serde_json::to_vec_pretty(&doc)
            .map_err(|e| Error::Write { path: "summary.json".into(), source: std::io::Error::other(e) })?;
        bytes.push(b'\n');
        out.write_all(&bytes).map_err(|source| Error::Write { path: "summary.json".into(), source })
    }
}
