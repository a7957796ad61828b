//! Command-line arguments and the commands. The only module that knows clap.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use routesim::driver::{Plan, Workers, available_memory};
use routesim::error::Setting;
use routesim::replicate::Summaries;
use routesim::shard::{Merge, Part, Shard};
use routesim::staffing::{self, calculator};
use routesim::task::{Task, TaskSpec};
use routesim::{plot, report, scenario};

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
    /// `sources` are the scenario files the results come from (none for a
    /// shard's part): a folder holding another file's results is warned of.
    fn prepare(
        &self,
        dir: &Path,
        sources: &[&Path],
        jobs: u64,
        fits: impl FnOnce(&Workers, Option<u64>) -> routesim::Result<()>,
    ) -> anyhow::Result<(report::Destination, ProgressBar)> {
        fits(&self.workers, available_memory())?;
        let mut target = report::prepare(dir)?;
        for leftover in target.leftovers() {
            writeln!(std::io::stderr(), "warning: cannot remove what an interrupted run left: {leftover}")?;
        }
        if !sources.is_empty() {
            let source = report::source_of(sources);
            if let Some(previous) = report::previous_source(dir).filter(|p| *p != source) {
                writeln!(
                    std::io::stderr(),
                    "warning: {} holds the results of {}; they are replaced with those of {} \
                     (give --out to keep both)",
                    dir.display(),
                    previous.replace('\n', " and "),
                    source.replace('\n', " and ")
                )?;
            }
            target.set_source(source);
        }
        Ok((target, progress_bar(jobs, self.quiet)))
    }

    /// Prints the table and the closing line, unless quiet.
    fn finish(&self, out: &mut dyn Write, table: &str, written: usize, dir: &Path) -> std::io::Result<()> {
        finish(self.quiet, out, table, written, dir)
    }
}

/// Prints a command's table and the closing line, unless `quiet`.
fn finish(quiet: bool, out: &mut dyn Write, table: &str, written: usize, dir: &Path) -> std::io::Result<()> {
    if !quiet {
        out.write_all(table.as_bytes())?;
        writeln!(out, "wrote {written} files to {}", dir.display())?;
    }
    Ok(())
}

/// Runs `request` whole into `out` (default: the command's folder), or
/// with `shard` only that shard's jobs into the part folder `out`.
fn simulate(
    request: TaskSpec,
    out: Option<PathBuf>,
    shard: Option<&str>,
    settings: &Settings,
    stdout: &mut dyn Write,
) -> anyhow::Result<()> {
    let Some(shard) = shard else {
        let task = Task::load(request, settings.report)?;
        warn(&task.warnings());
        let dir = out.unwrap_or_else(|| task.default_out());
        let jobs = task.jobs();
        let sources = task.request().files();
        let (target, bar) =
            settings.prepare(&dir, &sources, jobs.len() as u64, |w, mem| task.check_fits(w, mem))?;
        let fold = task.fold(&settings.workers, &jobs, &|| bar.inc(1))?;
        bar.finish_and_clear();
        let written = task.write(&target, fold)?;
        settings.finish(stdout, &written.table, written.paths.len(), &dir)?;
        return Ok(());
    };
    let shard = Shard::parse(shard)?;
    let dir = out.ok_or_else(|| routesim::Error::Setting {
        setting: Setting::Shard,
        value: shard.to_string(),
        message:
            "give --out PARTDIR: each shard writes its part to a folder of its own, for `routesim merge`"
                .into(),
    })?;
    let part = Part::load(request, settings.report, shard)?;
    warn(&part.task().warnings());
    if part.is_in(&dir) {
        if !settings.quiet {
            writeln!(stdout, "part {shard} of this plan is already in {}; nothing to do", dir.display())?;
        }
        return Ok(());
    }
    let jobs = part.jobs().len() as u64;
    let (target, bar) = settings.prepare(&dir, &[], jobs, |w, mem| part.task().check_fits(w, mem))?;
    part.run(&settings.workers, &target, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if !settings.quiet {
        let all = part.task().plan().len();
        writeln!(stdout, "wrote part {shard} ({jobs} of {all} jobs) to {}", dir.display())?;
    }
    Ok(())
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
        /// Run only shard I (from 0) of N of the plan's jobs and write a part folder to --out, for `routesim merge`; `slurm` reads I and N from the Slurm job array's variables.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
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
        /// Run only shard I (from 0) of N of the plan's jobs and write a part folder to --out, for `routesim merge`; `slurm` reads I and N from the Slurm job array's variables.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Redraw the charts and report.html of a result folder from its files (the other files are kept as they are).
    #[command(display_order = 8)]
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
        /// Run only shard I (from 0) of N of the plan's jobs and write a part folder to --out, for `routesim merge`; `slurm` reads I and N from the Slurm job array's variables.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Required headcount of one agent group per interval, by Erlang C, Erlang A and simulation; write staffing.csv, summary.json, scenario.toml, charts/ and report.html.
    #[command(display_order = 4)]
    Staff {
        /// Scenario file (TOML).
        file: PathBuf,
        /// One agent group whose headcount is answered (it becomes a staffing array) [default: whole teams, each team one staffing array, all searched together].
        #[arg(long, value_name = "NAME", conflicts_with = "teams")]
        group: Option<String>,
        /// Without --group: a team to staff whole (repeatable) [default: every team that serves a queue and has an agent group].
        #[arg(long = "team", value_name = "NAME")]
        teams: Vec<String>,
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
    /// A week's roster from the scenario's [[shift]] patterns: the requirement as staff answers it, an integer program over (shift, length, start, days off), statuses placed, simulated on an independent seed and repaired; write roster.csv, coverage.csv, scenario.toml, summary.json and schedule.xlsx.
    #[command(display_order = 5)]
    Schedule {
        /// Scenario file (TOML) with [[shift]] patterns.
        file: PathBuf,
        /// A team to schedule (repeatable) [default: every team that serves a queue and has an agent group].
        #[arg(long = "team", value_name = "NAME")]
        teams: Vec<String>,
        /// Hours one full-time agent is paid per week, e.g. 37.5: adds the FTE the roster means.
        #[arg(long, value_name = "H")]
        paid_hours: Option<f64>,
        /// Branch-and-bound nodes the solver may solve: a budget of work, so every machine gives the same roster; past it, the best roster found is taken and its gap reported.
        #[arg(long, value_name = "N", default_value_t = routesim::schedule::DEFAULT_NODES)]
        nodes: u64,
        /// Seconds the whole search may take, a safety net: a roster it cuts short is flagged, as another machine may give another.
        #[arg(long, value_name = "S", default_value_t = routesim::schedule::DEFAULT_TIME_LIMIT)]
        time_limit: f64,
        /// Output folder, replaced whole [default: output/<scenario name>-schedule].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Merge the part folders of a sharded run, sweep or compare (written with --shard I/N) into the folder the unsharded command writes.
    #[command(display_order = 7)]
    Merge {
        /// Part folders, or folders holding them (hidden entries are passed over).
        #[arg(required = true, value_name = "PART")]
        parts: Vec<PathBuf>,
        /// Output folder, replaced whole [default: the unsharded command's].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but warnings and errors (no table).
        #[arg(long, short = 'q')]
        quiet: bool,
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
    #[command(display_order = 9)]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of routesim, or of one command, e.g. `routesim man | man -l -`.
    #[command(display_order = 10)]
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
            warn(
                &scenario::warnings(&sc)
                    .iter()
                    .map(|w| format!("{}: {w}", file.display()))
                    .collect::<Vec<_>>(),
            );
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
        Command::Run { file, out, shard, sim } => {
            let settings = sim.resolve()?;
            let request = TaskSpec::Run { file: file.display().to_string(), set: settings.overrides.clone() };
            simulate(request, out, shard.as_deref(), &settings, &mut stdout)?;
        }
        Command::Compare { a, b, with, out, shard, sim } => {
            let settings = sim.resolve()?;
            let request = TaskSpec::Compare {
                a: a.display().to_string(),
                b: b.map(|b| b.display().to_string()),
                with,
                set: settings.overrides.clone(),
            };
            simulate(request, out, shard.as_deref(), &settings, &mut stdout)?;
        }
        Command::Sweep { file, vary, out, shard, sim } => {
            let settings = sim.resolve()?;
            let request =
                TaskSpec::Sweep { file: file.display().to_string(), set: settings.overrides.clone(), vary };
            simulate(request, out, shard.as_deref(), &settings, &mut stdout)?;
        }
        Command::Merge { parts, out, quiet } => {
            let merge = Merge::open(&parts)?;
            let task = merge.task();
            let dir = out.unwrap_or_else(|| task.default_out());
            let target = report::prepare(&dir)?;
            for leftover in target.leftovers() {
                writeln!(
                    std::io::stderr(),
                    "warning: cannot remove what an interrupted run left: {leftover}"
                )?;
            }
            let written = task.write(&target, merge.fold()?)?;
            finish(quiet, &mut stdout, &written.table, written.paths.len(), &dir)?;
        }
        Command::Staff {
            file,
            group,
            teams,
            targets,
            method,
            confidence,
            days,
            mean,
            paid_hours,
            out,
            sim,
        } => {
            let settings = sim.resolve()?;
            let request = staffing::Request {
                group,
                teams,
                targets: targets.iter().map(|t| t.parse()).collect::<Result<_, _>>()?,
                methods: staffing::Method::parse_list(&method)?,
                judge: staffing::Judge::from_options(confidence, days, mean)?,
                paid_hours,
            };
            let job = staffing::Study::new(&file, &settings.overrides, request)?;
            warn(
                &scenario::warnings(job.loaded())
                    .iter()
                    .map(|w| format!("{}: {w}", file.display()))
                    .collect::<Vec<_>>(),
            );
            let dir = out.unwrap_or_else(|| report::out_dir::staff(&job.scenario().name));
            let (target, _) =
                settings.prepare(&dir, &[file.as_path()], 0, |w, mem| job.check_fits(w, mem))?;
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
        Command::Schedule { file, teams, paid_hours, nodes, time_limit, out, sim } => {
            let settings = sim.resolve()?;
            let request = routesim::schedule::ScheduleRequest { teams, paid_hours, nodes, time_limit };
            let planner = routesim::schedule::Planner::new(&file, &settings.overrides, request)?;
            warn(
                &scenario::warnings(planner.loaded())
                    .iter()
                    .map(|w| format!("{}: {w}", file.display()))
                    .collect::<Vec<_>>(),
            );
            let dir = out.unwrap_or_else(|| report::out_dir::schedule(&planner.loaded().name));
            let (target, _) =
                settings.prepare(&dir, &[file.as_path()], 0, |w, mem| planner.check_fits(w, mem))?;
            let bar = search_bar(settings.quiet);
            let schedule = planner.solve(&settings.workers, &|p| match p {
                staffing::search::Progress::Replication => bar.inc(1),
                staffing::search::Progress::Phase(phase, simulated) => {
                    bar.set_message(format!("{phase}, {simulated} simulated"));
                }
            })?;
            bar.finish_and_clear();
            let files = routesim::schedule::output::files(&schedule)?;
            let written = report::write_with_charts(
                &target,
                &schedule.scenario.name,
                plot::Kind::Schedule,
                &files,
                settings.report,
            )?;
            settings.finish(
                &mut stdout,
                &routesim::schedule::output::table(&schedule),
                written.len(),
                &dir,
            )?;
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
        Setting::Team => "--team",
        Setting::Target => "--target",
        Setting::Shard => "--shard",
        Setting::PaidHours => "--paid-hours",
        Setting::TimeLimit => "--time-limit",
        Setting::Nodes => "--nodes",
    }
}

/// Prints warnings on stderr (even with --quiet), each a line naming its
/// file; they never fail the command.
fn warn(lines: &[String]) {
    let mut stderr = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(stderr, "warning: {line}");
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
