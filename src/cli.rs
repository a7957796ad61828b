//! Command-line arguments and the commands. The only module that knows clap.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use routesim::{replicate, report, scenario};

/// Discrete-event capacity simulator for status-routed support teams.
#[derive(Debug, Parser)]
#[command(name = "routesim", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario; write summary.csv, intervals.csv, statuses.csv, replications.csv, waits.csv, summary.json, scenario.toml, charts/ and report.html.
    Run {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Number of replications (same as --set replications=N).
        #[arg(long, short = 'r', value_name = "N")]
        replications: Option<i64>,
        /// Base seed (same as --set seed=S).
        #[arg(long, value_name = "S")]
        seed: Option<i64>,
        /// Output folder, replaced whole [default: output/<scenario name>, or output/<name>--<hash> with overrides].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Worker threads; 0 uses every core. Results do not depend on it.
        #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
        threads: usize,
        /// Override a scenario key by dotted path, e.g. agents.early.count=11 (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Print nothing but warnings and errors (no table, no progress bar).
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Do not write report.html (the charts are still drawn).
        #[arg(long)]
        no_report: bool,
    },
    /// Redraw the charts and report.html of a result folder from its files (the other files are kept as they are).
    Plot {
        /// Result folder written by `routesim run`.
        dir: PathBuf,
        /// Do not write report.html (the charts are still drawn).
        #[arg(long)]
        no_report: bool,
    },
    /// Validate a scenario and print what it holds, with each queue's offered load.
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a scenario key by dotted path (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
}

/// Parses the arguments and runs the command.
pub(crate) fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut stdout = std::io::stdout().lock();
    match args.command {
        Command::Check { file, set } => {
            let sc = scenario::load(&file, &set)?;
            warn(&file, &sc);
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            replicate::check_fits(&sc, cores.min(sc.replications as usize), replicate::available_memory())?;
            stdout.write_all(report::describe(&sc).as_bytes())?;
        }
        Command::Plot { dir, no_report } => {
            let written = report::redraw(&dir, !no_report)?;
            let drawn =
                written.iter().filter(|p| p.starts_with(dir.join("charts")) || p.ends_with("report.html"));
            writeln!(stdout, "drew {} files in {}", drawn.count(), dir.display())?;
        }
        Command::Run { file, replications, seed, out, threads, mut set, quiet, no_report } => {
            // Options that stand for scenario keys are overrides, checked like the file.
            set.extend(replications.map(|r| format!("replications={r}")));
            set.extend(seed.map(|s| format!("seed={s}")));
            let loaded = scenario::load_effective(&file, &set)?;
            let sc = &loaded.scenario;
            warn(&file, sc);
            // A what-if gets its own folder, so the baseline's is never overwritten unasked.
            let dir = out.unwrap_or_else(|| report::default_dir(&sc.name, &set));
            // Refuse what cannot fit, then an unusable output folder, before simulating.
            let workers = if threads == 0 {
                std::thread::available_parallelism().map_or(1, usize::from)
            } else {
                threads
            };
            replicate::check_fits(sc, workers.min(sc.replications as usize), replicate::available_memory())?;
            let target = report::prepare(&dir)?;
            for leftover in target.leftovers() {
                writeln!(
                    std::io::stderr(),
                    "warning: cannot remove what an interrupted run left: {leftover}"
                )?;
            }
            let bar = progress_bar(u64::from(sc.replications), quiet);
            let results = replicate::run(sc, threads, &|| bar.inc(1))?;
            bar.finish_and_clear();
            if !quiet {
                writeln!(stdout, "{} — {} replications, seed {}", sc.name, sc.replications, sc.seed)?;
                stdout.write_all(report::table(&results).as_bytes())?;
            }
            let provenance = report::Provenance {
                overrides: set,
                scenario_toml: loaded.effective_toml,
                attachments: loaded.attachments,
            };
            let written = report::write_all_with(&target, &results, &provenance, !no_report)?;
            if !quiet {
                writeln!(stdout, "wrote {} files to {}", written.len(), dir.display())?;
            }
        }
    }
    stdout.flush()?;
    Ok(())
}

/// Prints the scenario's warnings on stderr (even with --quiet); they never fail the command.
fn warn(file: &std::path::Path, sc: &routesim::Scenario) {
    let mut stderr = std::io::stderr().lock();
    for w in scenario::warnings(sc) {
        let _ = writeln!(stderr, "warning: {}: {w}", file.display());
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal or with --quiet.
fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} replications {pos}/{len} [{bar:30}] {elapsed_precise} (eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
