//! The waits.csv exporter: the distribution of answered waits, on a fixed
//! grid, per scope (docs/model.md §11.9). It is what the wait-time chart draws.

use super::{Exporter, Provenance};
use crate::error::{Error, Result};
use crate::format::number;
use crate::replicate::Results;

/// `waits.csv`: `scope,name,wait_seconds,cumulative_fraction`.
pub(super) struct Waits;

/// Header of waits.csv.
pub const WAITS_HEADER: [&str; 4] = ["scope", "name", "wait_seconds", "cumulative_fraction"];

impl Exporter for Waits {
    fn file_name(&self) -> &'static str {
        "waits.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        let to_err =
            |e: csv::Error| Error::Write { path: "waits.csv".into(), source: std::io::Error::other(e) };
        let mut w = csv::Writer::from_writer(out);
        w.write_record(WAITS_HEADER).map_err(to_err)?;
        for p in &r.waits {
            let (scope, name) = match p.queue.and_then(|q| r.queues.get(q)) {
                Some(q) => ("queue", q.name.as_str()),
                None => ("total", "all"),
            };
            w.write_record([scope, name, &number(p.wait), &number(p.fraction)]).map_err(to_err)?;
        }
        w.flush().map_err(|source| Error::Write { path: "waits.csv".into(), source })
    }
}
