//! `scenario.toml`: the effective scenario (the file with the command's
//! overrides applied), so that `routesim run DIR/scenario.toml` reproduces
//! the folder's CSV files byte for byte (summary.json differs only in its
//! `overrides`, empty for the rerun).

use super::{Exporter, Provenance};
use crate::error::{Error, Result};
use crate::replicate::Results;

/// `scenario.toml`.
pub(super) struct ScenarioToml;

impl Exporter for ScenarioToml {
    fn file_name(&self) -> &'static str {
        "scenario.toml"
    }
    fn write(&self, _: &Results, provenance: &Provenance, w: &mut dyn std::io::Write) -> Result<()> {
        let mut out = format!(
            "# The effective scenario of this result folder, written by routesim {}:\n\
             # the scenario file with the command's overrides applied{}.\n\
             # `routesim run scenario.toml --out OTHER` reproduces the CSV files (summary.json differs only in `overrides`).\n",
            env!("CARGO_PKG_VERSION"),
            if provenance.overrides.is_empty() {
                " (there were none)".to_owned()
            } else {
                // One comment line whatever the overrides hold.
                let args: Vec<String> =
                    provenance.overrides.iter().map(|a| a.replace(['\n', '\r'], " ")).collect();
                format!(" ({})", args.join(" "))
            },
        );
        // A rerun of a folder's own scenario.toml: one header, not a stack of them.
        let mut body = provenance.scenario_toml.as_str();
        if body.starts_with("# The effective scenario of this result folder") {
            for _ in 0..3 {
                body = body.split_once('\n').map_or("", |(_, rest)| rest);
            }
        }
        out.push_str(body);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        w.write_all(out.as_bytes()).map_err(|source| Error::Write { path: "scenario.toml".into(), source })
    }
}
