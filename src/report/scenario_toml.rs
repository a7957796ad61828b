//! `scenario.toml`: the effective scenario (the file with the command's
//! overrides applied), so that `routesim run DIR/scenario.toml` reproduces
//! every other file of the folder byte for byte.

use super::{Exporter, Provenance};
use crate::error::Result;
use crate::replicate::Results;

/// `scenario.toml`.
pub(super) struct ScenarioToml;

impl Exporter for ScenarioToml {
    fn file_name(&self) -> &'static str {
        "scenario.toml"
    }
    fn render(&self, _: &Results, provenance: &Provenance) -> Result<Vec<u8>> {
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
        Ok(out.into_bytes())
    }
}
