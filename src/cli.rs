//! Command-line arguments and the commands. The only module that knows clap.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use routesim::driver::{Plan, Workers, available_memory};
use routesim::error::Setting;
use routesim::replicate::Summaries;
use routesim::staffing::{self, calculator};
use routesim::{compare, plot, replicate, report, scenario, sweep};

/// Discrete-event capacity simulator for status-routed support teams.
#[derive(Debug, Parser)]
#[command(name = "routesim", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

/// The options every simulating command shares (run, compare, sweep, staff).
#[derive(Debug, clap::Args)]
struct SimOptions {
    /// Number of replications (of each variant or staffing; same as --set replications=N).
    #[arg(long, short = 'r', value_name = "N")]
    replications: Option<i64>,
    /// Base seed, the same for every variant (same as --set seed=S).
    #[arg(long, value_name = "S")]
    seed: Option<i64>,
    /// Worker threads; 0 uses every core. Results do not depend on it.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Override a scenario key by dotted path, e.g. agents.early.count=11, or remove one with remove=KEY (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Print nothing but warnings and errors (no table, no progress bar).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Do not write report.html (the charts are still drawn).
    #[arg(long)]
    no_report: bool,
}

impl SimOptions {
    /// The settings these options stand for, resolved once: `--replications`
    /// and `--seed` become the overrides they stand for (checked like the
    /// file), and the worker threads are started (their count checked).
    fn resolve(self) -> anyhow::Result<Settings> {
        let mut overrides = self.set;
        overrides.extend(self.replications.map(|r| format!("replications={r}")));
        overrides.extend(self.seed.map(|s| format!("seed={s}")));
        Ok(Settings {
            overrides,
            workers: Workers::new(self.threads)?,
            quiet: self.quiet,
            report: !self.no_report,
        })
    }
}

/// What a simulating command runs with, decided once from its options.
struct Settings {
    /// `--set` overrides, then those `--replications` and `--seed` stand for.
    overrides: Vec<String>,
    /// The worker threads every replication runs on.
    workers: Workers,
    /// Print nothing but warnings and errors.
    quiet: bool,
    /// Write report.html.
    report: bool,
}

impl Settings {
    /// The preflight every simulating command shares once its input is read
    /// and checked: refuse what cannot fit in memory (`fits`), then an
    /// unusable output folder, before simulating; warn of what an
    /// interrupted run left; then a progress bar of `jobs` replications.
    fn prepare(
        &self,
        dir: &Path,
        jobs: u64,
        fits: impl FnOnce(&Workers, Option<u64>) -> routesim::Result<()>,
    ) -> anyhow::Result<(report::Destination, ProgressBar)> {
        fits(&self.workers, available_memory())?;
        let target = report::prepare(dir)?;
        for leftover in target.leftovers() {
            writeln!(std::io::stderr(), "warning: cannot remove what an interrupted run left: {leftover}")?;
        }
        Ok((target, progress_bar(jobs, self.quiet)))
    }

    /// Prints the table and the closing line, unless quiet.
    fn finish(&self, out: &mut dyn Write, table: &str, written: usize, dir: &Path) -> std::io::Result<()> {
        if !self.quiet {
            out.write_all(table.as_bytes())?;
            writeln!(out, "wrote {written} files to {}", dir.display())?;
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario; write summary.csv, intervals.csv, statuses.csv, replications.csv, waits.csv, summary.json, scenario.toml, charts/ and report.html.
    #[command(display_order = 3)]
    Run {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Output folder, replaced whole [default: output/<scenario name>, or output/<name>--<hash> with overrides].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Compare two policies on the same random streams: A.toml against B.toml, or FILE against FILE --with KEY=VALUE; write compare.csv, compare_intervals.csv, a.toml, b.toml, charts/ and report.html.
    #[command(display_order = 6)]
    Compare {
        /// Scenario A (TOML).
        a: PathBuf,
        /// Scenario B (TOML); leave it out and give --with to make B from A.
        b: Option<PathBuf>,
        /// B is A with this override (repeatable; same syntax as --set).
        #[arg(long = "with", value_name = "KEY=VALUE")]
        with: Vec<String>,
        /// Output folder, replaced whole [default: output/<A>-vs-<B>, or output/<A>-vs-with-<hash>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Redraw the charts and report.html of a result folder from its files (the other files are kept as they are).
    #[command(display_order = 7)]
    Plot {
        /// Result folder written by `routesim run`, `sweep`, `staff` or `erlang --out`.
        dir: PathBuf,
        /// Do not write report.html (the charts are still drawn).
        #[arg(long)]
        no_report: bool,
    },
    /// Run a scenario over a grid of values (the capacity curve); write sweep.csv, sweep.json, scenario.toml, charts/ and report.html.
    #[command(display_order = 5)]
    Sweep {
        /// Scenario file (TOML).
        file: PathBuf,
        /// A key and its values: KEY=A..B (integers), KEY=A..B/STEP, or KEY=V1,V2,... (repeatable: a grid, the first varying slowest).
        #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
        vary: Vec<String>,
        /// Output folder, replaced whole [default: output/<scenario name>-sweep].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Required headcount of one agent group per interval, by Erlang C, Erlang A and simulation; write staffing.csv, summary.json, scenario.toml, charts/ and report.html.
    #[command(display_order = 4)]
    Staff {
        /// Scenario file (TOML).
        file: PathBuf,
        /// The agent group whose headcount is answered (it becomes a staffing array).
        #[arg(long, value_name = "NAME")]
        group: String,
        /// A target every queue of the group's team must meet in every interval, e.g. service_level>=0.8, asa<=30s (repeatable) [default: each queue's own sl_target, asa_target and abandon_target from the scenario].
        #[arg(long = "target", value_name = "EXPR")]
        targets: Vec<String>,
        /// Method: erlang-c, erlang-a, simulation or all.
        #[arg(long, value_name = "METHOD", default_value = "all")]
        method: String,
        /// Judge simulated targets on the one-sided lower (upper for asa, abandon_rate, occupancy) confidence bound at this level [default: 0.95, so the answer holds on seeds the search has not seen].
        #[arg(long, value_name = "C", conflicts_with_all = ["days", "mean"])]
        confidence: Option<f64>,
        /// Judge simulated targets as met when they hold in at least this fraction of replications (days), e.g. 0.9.
        #[arg(long, value_name = "FRACTION", conflicts_with = "mean")]
        days: Option<f64>,
        /// Judge simulated targets on the mean of the replications (fits the search's own seed; the answer may miss on others).
        #[arg(long)]
        mean: bool,
        /// Hours one full-time agent is paid per week, e.g. 37.5: adds the weekly agent-hours and the FTE they mean.
        #[arg(long, value_name = "H")]
        paid_hours: Option<f64>,
        /// Output folder, replaced whole [default: output/<scenario name>-staff].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Validate a scenario and print what it holds, with each queue's offered load.
    #[command(display_order = 1)]
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a scenario key by dotted path (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Exact Erlang C (or, with --patience, Erlang A) figures for numbers of agents, or the fewest agents meeting targets.
    #[command(display_order = 2)]
    Erlang {
        /// Arrivals per hour.
        #[arg(
            long,
            value_name = "PER_HOUR",
            allow_hyphen_values = true,
            required_unless_present = "forecast"
        )]
        rate: Option<String>,
        /// Mean handle time, e.g. 3m or 180s (exponential); with --forecast, for rows without an aht.
        #[arg(
            long,
            value_name = "DURATION",
            allow_hyphen_values = true,
            required_unless_present = "forecast"
        )]
        aht: Option<String>,
        /// A forecast CSV (start, queue, offered, optional aht): the fewest agents per queue and interval meeting the --target(s); writes requirement.csv and requirement.json with --out.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["rate", "agents", "json"])]
        forecast: Option<PathBuf>,
        /// Mean patience, e.g. 2m (exponential): Erlang A. Without it: Erlang C, nobody abandons.
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
        patience: Option<String>,
        /// Service-level threshold [default: 20s].
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
        threshold: Option<String>,
        /// Conversations one agent holds at once (chat), the handle time unchanged: N agents are N×K servers [default: 1].
        #[arg(long, value_name = "K", allow_hyphen_values = true)]
        concurrency: Option<String>,
        /// Number of agents N, or the range A..B (inclusive) for the Erlang curve (repeatable).
        #[arg(long = "agents", value_name = "N|A..B", allow_hyphen_values = true)]
        agents: Vec<String>,
        /// What the agents must achieve, e.g. service_level>=0.8, asa<=30s, abandon_rate<=5%, occupancy<=0.85 (repeatable, all must hold): prints the fewest agents meeting them.
        #[arg(long = "target", value_name = "EXPR")]
        target: Vec<String>,
        /// One JSON object per line (agents, p_wait, service_level, asa, abandon_rate, occupancy, queue_length; null where unstable).
        #[arg(long)]
        json: bool,
        /// Also write erlang.csv, erlang.json, the Erlang curve chart (charts/) and report.html into this folder, replaced whole.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print a shell completion script for routesim, e.g. `routesim completions bash > ~/.local/share/bash-completion/completions/routesim`.
    #[command(display_order = 8)]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of routesim, or of one command, e.g. `routesim man | man -l -`.
    #[command(display_order = 9)]
    Man {
        /// A command whose own page to print (run, staff, ...); without it, routesim's page listing every command.
        command: Option<String>,
    },
}

/// Parses the arguments and runs the command.
pub(crate) fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Ctrl-C and SIGTERM: the run's staging folder is removed and the
    // process exits 130, the result folder keeping its previous set
    // (`report::interrupt`). The `ctrlc` crate's signal handler only writes
    // to a pipe (async-signal-safe); the closure below runs on the crate's
    // own ordinary thread, woken by that pipe, so it may take a lock and
    // remove folders, which a signal handler must not. Without the handler
    // (it cannot be installed) an interrupt kills the process as before,
    // and the next run sweeps the leftover.
    let _ = ctrlc::set_handler(|| report::interrupt());
    let mut stdout = std::io::stdout().lock();
    match args.command {
        Command::Erlang {
            rate,
            aht,
            forecast,
            patience,
            threshold,
            concurrency,
            agents,
            target,
            json,
            out,
        } => {
            let targets = target.iter().map(|t| t.parse()).collect::<Result<Vec<staffing::Target>, _>>()?;
            if let Some(file) = forecast {
                let service = calculator::Service::parse(
                    patience.as_deref(),
                    threshold.as_deref(),
                    concurrency.as_deref(),
                )?;
                let aht = aht.as_deref().map(|a| calculator::parse_flag_duration("--aht", a)).transpose()?;
                let folder = out.as_deref().map(report::prepare).transpose()?;
                let need = staffing::requirement::size(&file, aht, service, &targets)?;
                if let Some(folder) = folder {
                    report::write_files(&folder, &need.file, &need.files()?)?;
                }
                stdout.write_all(need.text().as_bytes())?;
                return Ok(());
            }
            let (Some(rate), Some(aht)) = (rate, aht) else {
                anyhow::bail!("give --rate and --aht, or --forecast FILE");
            };
            let calc = staffing::Calculator::parse(
                &rate,
                &aht,
                patience.as_deref(),
                threshold.as_deref(),
                concurrency.as_deref(),
            )?;
            let ranges =
                agents.iter().map(|a| a.parse()).collect::<Result<Vec<calculator::AgentRange>, _>>()?;
            let folder = out.as_deref().map(report::prepare).transpose()?;
            let answer = calculator::answer(&calc, &ranges, &targets)?;
            if let Some(folder) = folder {
                report::write_with_charts(&folder, "erlang", plot::Kind::Erlang, &answer.files()?, true)?;
            }
            let text = if json { answer.json_lines() } else { answer.text() };
            stdout.write_all(text.as_bytes())?;
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Args::command(), "routesim", &mut stdout);
        }
        Command::Man { command } => {
            let top = Args::command();
            let page = match command.as_deref() {
                None => top,
                Some(name) => {
                    let mut subs: Vec<&clap::Command> = top.get_subcommands().collect();
                    subs.sort_by_key(|c| c.get_display_order());
                    let names: Vec<&str> = subs.iter().map(|c| c.get_name()).collect();
                    let Some(sub) = top.find_subcommand(name).cloned() else {
                        anyhow::bail!("man {name}: no such command; the commands are {}", names.join(", "));
                    };
                    let full = format!("routesim-{name}");
                    sub.name(full.clone())
                        .bin_name(format!("routesim {name}"))
                        .display_name(full)
                        .version(env!("CARGO_PKG_VERSION"))
                }
            };
            clap_mangen::Man::new(page).render(&mut stdout)?;
        }
        Command::Check { file, set } => {
            let sc = scenario::load(&file, &set)?;
            warn(&file, &sc);
            let scenarios = std::slice::from_ref(&sc);
            let workers = Workers::new(0)?;
            workers.check_fits(&Plan::new(scenarios), &Summaries::new(scenarios), available_memory())?;
            stdout.write_all(report::describe(&sc).as_bytes())?;
        }
        Command::Plot { dir, no_report } => {
            let written = report::redraw(&dir, !no_report)?;
            let drawn =
                written.iter().filter(|p| p.starts_with(dir.join("charts")) || p.ends_with("report.html"));
            writeln!(stdout, "drew {} files in {}", drawn.count(), dir.display())?;
        }
        Command::Run { file, out, sim } => {
            let settings = sim.resolve()?;
            let loaded = scenario::load_effective(&file, &settings.overrides)?;
            let sc = &loaded.scenario;
            warn(&file, sc);
            // A what-if gets its own folder, so the baseline's is never overwritten unasked.
            let dir = out.unwrap_or_else(|| report::out_dir::run(&sc.name, &settings.overrides));
            let scenarios = std::slice::from_ref(sc);
            let plan = Plan::new(scenarios);
            let (target, bar) = settings
                .prepare(&dir, plan.len(), |w, mem| w.check_fits(&plan, &Summaries::new(scenarios), mem))?;
            let results = replicate::run_on(&settings.workers, scenarios, &|| bar.inc(1))?;
            let results = results.into_iter().next().ok_or_else(|| anyhow::anyhow!("no results"))?;
            bar.finish_and_clear();
            let provenance = report::Provenance {
                overrides: settings.overrides.clone(),
                scenario_toml: loaded.effective_toml,
                attachments: loaded.attachments,
            };
            let written = report::write_all_with(&target, &results, &provenance, settings.report)?;
            let table = format!(
                "{} — {} replications, seed {}\n{}",
                sc.name,
                sc.replications,
                sc.seed,
                report::table(&results)
            );
            settings.finish(&mut stdout, &table, written.len(), &dir)?;
        }
        Command::Compare { a, b, with, out, sim } => {
            let settings = sim.resolve()?;
            let cmp = compare::load(&a, b.as_deref(), &with, &settings.overrides)?;
            warn(&a, &cmp.a.scenario);
            match &b {
                Some(b) => warn(b, &cmp.b.scenario),
                None => warn_added(&a, &cmp.a.scenario, &cmp.b.scenario),
            }
            let dir = out.unwrap_or_else(|| {
                report::out_dir::compare(&cmp.a.scenario.name, &cmp.b.scenario.name, &with)
            });
            let (target, bar) =
                settings.prepare(&dir, 2 * u64::from(cmp.replications()), |w, mem| cmp.check_fits(w, mem))?;
            let compared = cmp.run(&settings.workers, &|| bar.inc(1))?;
            bar.finish_and_clear();
            let written = compare::write_all(&target, &cmp, &compared, settings.report)?;
            settings.finish(&mut stdout, &compare::table(&cmp, &compared), written.len(), &dir)?;
        }
        Command::Sweep { file, vary, out, sim } => {
            let settings = sim.resolve()?;
            let sweep = sweep::load(&file, &settings.overrides, &vary)?;
            let base = &sweep.base.scenario;
            warn(&file, base);
            let dir = out.unwrap_or_else(|| report::out_dir::sweep(&base.name));
            let (target, bar) =
                settings.prepare(&dir, sweep.replications(), |w, mem| sweep.check_fits(w, mem))?;
            let results = sweep.run(&settings.workers, &|| bar.inc(1))?;
            bar.finish_and_clear();
            let written = sweep::write_all_with(&target, &sweep, &results, settings.report)?;
            let table = format!(
                "{} — {} variants, seed {}\n{}",
                base.name,
                sweep.variants.len(),
                base.seed,
                sweep::table(&sweep, &results)
            );
            settings.finish(&mut stdout, &table, written.len(), &dir)?;
        }
        Command::Staff { file, group, targets, method, confidence, days, mean, paid_hours, out, sim } => {
            let settings = sim.resolve()?;
            let request = staffing::Request {
                group,
                targets: targets.iter().map(|t| t.parse()).collect::<Result<_, _>>()?,
                methods: staffing::Method::parse_list(&method)?,
                judge: staffing::Judge::from_options(confidence, days, mean)?,
                paid_hours,
            };
            let job = staffing::Study::new(&file, &settings.overrides, request)?;
            warn(&file, job.loaded());
            let dir = out.unwrap_or_else(|| report::out_dir::staff(&job.scenario().name));
            let (target, _) = settings.prepare(&dir, 0, |w, mem| job.check_fits(w, mem))?;
            let bar = search_bar(settings.quiet);
            let answer = job.solve(&settings.workers, &|p| match p {
                staffing::search::Progress::Replication => bar.inc(1),
                staffing::search::Progress::Phase(phase, simulated) => {
                    bar.set_message(format!("{phase}, {simulated} staffings simulated"));
                }
            })?;
            bar.finish_and_clear();
            let files = staffing::output::files(&answer)?;
            let written = report::write_with_charts(
                &target,
                &answer.scenario,
                plot::Kind::Staff,
                &files,
                settings.report,
            )?;
            settings.finish(&mut stdout, &staffing::output::table(&answer), written.len(), &dir)?;
        }
    }
    stdout.flush()?;
    Ok(())
}

/// The message of an error as the user should read it: a library setting
/// named by the flag that sets it.
pub(crate) fn message(err: &anyhow::Error) -> String {
    match err.downcast_ref::<routesim::Error>() {
        Some(routesim::Error::Setting { setting, value, message }) => {
            let value = if value.is_empty() { String::new() } else { format!(" {value}") };
            format!("{}{value}: {message}", flag(*setting))
        }
        Some(routesim::Error::Vary { arg, message }) => format!("--vary {arg}: {message}"),
        Some(routesim::Error::Target { text, problem }) => format!("--target {text}: {problem}"),
        _ => plain(err),
    }
}

/// The error and its causes joined by `: `, what the operating system said
/// in plain words (`routesim::error::plain_io`), never "(os error N)".
fn plain(err: &anyhow::Error) -> String {
    let parts: Vec<String> = err
        .chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => routesim::error::plain_io(io),
            None => cause.to_string(),
        })
        .collect();
    parts.join(": ")
}

/// The command-line flag that gives a library setting.
fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::Threads => "-j/--threads",
        Setting::Method => "--method",
        Setting::Confidence => "--confidence",
        Setting::Days => "--days",
        Setting::Vary => "--vary",
        Setting::CompareWith => "compare: B.toml or --with",
        Setting::Group => "--group",
        Setting::Target => "--target",
        Setting::PaidHours => "--paid-hours",
    }
}

/// Prints the warnings B has that A has not (B is A with `--with` overrides:
/// only what they add is news).
fn warn_added(file: &Path, a: &routesim::Scenario, b: &routesim::Scenario) {
    let seen: Vec<String> = scenario::warnings(a).iter().map(ToString::to_string).collect();
    let mut stderr = std::io::stderr().lock();
    for w in scenario::warnings(b) {
        if !seen.contains(&w.to_string()) {
            let _ = writeln!(stderr, "warning: {} (B, with --with): {w}", file.display());
        }
    }
}

/// Prints the scenario's warnings on stderr (even with --quiet); they never fail the command.
fn warn(file: &Path, sc: &routesim::Scenario) {
    let mut stderr = std::io::stderr().lock();
    for w in scenario::warnings(sc) {
        let _ = writeln!(stderr, "warning: {}: {w}", file.display());
    }
}

/// The staffing search's progress on stderr: its phase, staffings and
/// replications simulated and the time elapsed (the search's length is not
/// known ahead, so no time left); hidden as [`progress_bar`] is.
fn search_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} staff: {msg}; {pos} replications, {elapsed_precise}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A progress bar on stderr, hidden when stderr is not a terminal, with
/// --quiet, or when the number of replications is not known (`len` 0).
fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || len == 0 || !std::io::stderr().is_terminal() {
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
