//! The waits.csv exporter: the distribution of answered waits, on a fixed
//! grid, per scope (docs/model.md §11.9). It is what the wait-time chart draws.

use super::{Exporter, Provenance};
use crate::error::Result;
use crate::format::Num;
use crate::replicate::Results;
use crate::rows::{self, ScopeKind, WaitRecord};

/// `waits.csv`: `scope,name,wait_seconds,cumulative_fraction`.
pub(super) struct WaitsCsv;

/// waits.csv's rows: the total's curve, then each queue's.
pub(super) fn wait_records(r: &Results) -> impl Iterator<Item = WaitRecord> + '_ {
    r.waits.iter().map(|p| {
        let (scope, name) = match p.queue.and_then(|q| r.queues.get(q)) {
            Some(q) => (ScopeKind::Queue, q.name.as_str()),
            None => (ScopeKind::Total, "all"),
        };
        WaitRecord {
            scope,
            name: name.to_owned(),
            wait_seconds: Num(p.wait),
            cumulative_fraction: Num(p.fraction),
        }
    })
}

impl Exporter for WaitsCsv {
    fn file_name(&self) -> &'static str {
        "waits.csv"
    }
    fn write(&self, r: &Results, _: &Provenance, out: &mut dyn std::io::Write) -> Result<()> {
        rows::write(self.file_name(), out, wait_records(r))
    }
}
