//! `scenario.toml`: the effective scenario (the file with the command's
//! overrides applied), so that `routesim run DIR/scenario.toml` reproduces
//! every other file of the folder byte for byte.

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
             # `routesim run scenario.toml --out OTHER` reproduces the other files.\n",
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
        out.push_str(&provenance.scenario_toml);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        w.write_all(out.as_bytes()).map_err(|source| Error::Write { path: "scenario.toml".into(), source })
    }
}
