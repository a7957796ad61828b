//! The library's error type: everything that can go wrong loading a scenario
//! or writing results. The simulation itself cannot fail.

use std::path::PathBuf;

/// Errors the library reports; each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file could not be read (missing, not a regular file,
    /// larger than [`crate::input::MAX_SCENARIO_BYTES`], not UTF-8);
    /// nothing was simulated or written.
    #[error("{message}")]
    ReadScenario {
        /// The file named by the user.
        path: PathBuf,
        /// What is wrong, in plain words, naming the file.
        message: String,
    },
    /// The scenario is not valid TOML; the parser's message carries the line.
    /// Nothing was written.
    #[error("{origin}: {message}")]
    Syntax {
        /// The file (and overrides) the text came from.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// Keys hold values that make no sense (wrong kind of value, unknown key,
    /// negative rate, unknown name...): every problem found in the file, in
    /// file order. Nothing was simulated or written.
    #[error("{}", show_problems(origin, problems))]
    Invalid {
        /// The scenario file the problems were found in.
        origin: String,
        /// Each problem with its key, line or `--set`; never empty.
        problems: Vec<Problem>,
    },
    /// The scenario's forecast file cannot be read or holds a bad row, cell
    /// or queue name. Nothing was simulated or written.
    #[error("{file}{}{}: {message}", row.map(|r| format!(", row {r}")).unwrap_or_default(), column.map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Forecast {
        /// The forecast file, as opened.
        file: String,
        /// Spreadsheet row at fault (the header is row 1), when one is.
        row: Option<usize>,
        /// Column at fault, when one is.
        column: Option<&'static str>,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// A `--set KEY=VALUE` override could not be applied. Nothing was simulated or written.
    #[error("{origin}: --set {arg}: {message}")]
    Override {
        /// The scenario file being overridden.
        origin: String,
        /// The override as given on the command line.
        arg: String,
        /// Why it could not be applied.
        message: String,
    },
    /// A result file could not be rendered (before anything is written);
    /// earlier results are left as they were.
    #[error("cannot write {path}")]
    Write {
        /// The file or folder being written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The run would need more memory than the machine has; the message
    /// gives both figures and what to change. Nothing was simulated or written.
    #[error("{0}")]
    TooLarge(String),
    /// The output folder cannot be used (it names a file, its parent cannot
    /// be created or written in). Found before simulating; nothing was written.
    #[error("cannot write results to {}: {problem}", path.display())]
    OutputLocation {
        /// The output folder as the user named it.
        path: PathBuf,
        /// What is wrong, with what the operating system said.
        problem: String,
    },
    /// The new results could not be put in place; the folder was left as it
    /// was: the previous results whole, or no folder if there was none.
    #[error(
        "results of `{scenario}` were not saved: {step}: {}; {}",
        plain_io(cause),
        if *had_previous {
            format!("{} still holds the previous results", dir.display())
        } else {
            format!("nothing was written to {}", dir.display())
        }
    )]
    NotSaved {
        /// Scenario name.
        scenario: String,
        /// The output folder as the user named it.
        dir: PathBuf,
        /// What was being done (e.g. "cannot write .out.staging-12/summary.csv").
        step: String,
        /// What the operating system said.
        cause: std::io::Error,
        /// Whether the folder held results before (and still does).
        had_previous: bool,
    },
    /// The new results are in place, but the previous set, moved aside,
    /// could not be removed: the user must remove it.
    #[error(
        "{} now holds the new results, but the previous set could not be removed from {}: {}; remove it by hand",
        dir.display(),
        old.display(),
        plain_io(cause)
    )]
    OldSetLeft {
        /// The output folder as the user named it.
        dir: PathBuf,
        /// Where the previous set is.
        old: PathBuf,
        /// What the operating system said.
        cause: std::io::Error,
    },
    /// Moving the new results in failed and moving the previous ones back
    /// failed too: the folder is missing, both sets are beside it.
    #[error(
        "results of `{scenario}` were not saved and {} could not be put back: {}; \
         the previous results are in {} and the new ones in {}: rename one of them to {}",
        dir.display(),
        plain_io(cause),
        old.display(),
        new.display(),
        dir.display()
    )]
    FolderMissing {
        /// Scenario name.
        scenario: String,
        /// The output folder as the user named it.
        dir: PathBuf,
        /// Where the previous results are.
        old: PathBuf,
        /// Where the new results are.
        new: PathBuf,
        /// What the operating system said when putting the previous set back.
        cause: std::io::Error,
    },
    /// A command's setting (threads, the judgement, the method, what to
    /// compare...) is out of range or clashes with another. The message
    /// names the setting; the binary names the flag that set it. Nothing was
    /// simulated or written.
    #[error("{}{}: {message}", setting.name(), if value.is_empty() { String::new() } else { format!(" {value}") })]
    Setting {
        /// The setting at fault.
        setting: Setting,
        /// Its value as given (empty when the setting is missing).
        value: String,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// A bug: the library broke one of its own invariants (never the
    /// user's input). Nothing was written.
    #[error("internal error: {0}; please report it")]
    Internal(String),
    /// A `--vary` of `routesim sweep` could not be read (or clashes with
    /// another option). Nothing was simulated or written.
    #[error("vary {arg}: {message}")]
    Vary {
        /// The `--vary` as given.
        arg: String,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// One variant of a sweep is not a valid scenario (or cannot be read);
    /// the message names the variant and the `--vary` options that made it.
    /// Nothing was simulated or written.
    #[error("sweep variant {variant} (of --vary {varies}): {cause}")]
    Variant {
        /// The variant's values, `KEY=VALUE` joined by spaces.
        variant: String,
        /// The `--vary` options, as given, joined by ` --vary `.
        varies: String,
        /// Why the variant was refused.
        cause: Box<Error>,
    },
    /// `staff` was asked for something it cannot answer (an unknown group,
    /// a target no headcount meets). Nothing was written.
    #[error("{0}")]
    Staffing(String),
    /// `schedule` was asked for something it cannot answer (no shift
    /// pattern for a team, patterns that cannot cover an interval that
    /// needs agents, the solver finding no roster in its time). Nothing was written.
    #[error("{0}")]
    Schedule(String),
    /// A `--target` could not be read. Nothing was computed or written.
    #[error("target {text}: {problem}")]
    Target {
        /// The target as given.
        text: String,
        /// What is wrong and what would be accepted.
        problem: String,
    },
    /// An `erlang` calculator input (rate, duration, agents, target) is unusable, or no
    /// number of agents meets the targets. Nothing was computed.
    #[error("{input}: {problem}")]
    Calculator {
        /// The input at fault as given, e.g. `--agents 5..3`.
        input: String,
        /// What is wrong and what would be accepted.
        problem: String,
    },
    /// A result folder given to `routesim plot` lacks a file the charts
    /// are drawn from, or a file holds something routesim did not write.
    /// Nothing was written.
    #[error("cannot draw charts from {}: {problem}", path.display())]
    Records {
        /// The file (or folder) at fault.
        path: PathBuf,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A chart could not be drawn or encoded; nothing was written.
    #[error("cannot draw chart {name}: {problem}")]
    Chart {
        /// The chart's file name.
        name: String,
        /// What the drawing library said.
        problem: String,
    },
    /// The part folders given to `routesim merge` do not make one plan
    /// whole, or one cannot be used. Found before anything is written;
    /// nothing was written.
    #[error("{0}")]
    Parts(PartProblem),
}

/// What is wrong with the part folders given to `routesim merge`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartProblem {
    /// No part folder was given (or the folders given hold none).
    #[error(
        "no part folder given; give the folders `--shard I/N --out PARTDIR` wrote, or the folder holding them"
    )]
    NoPart,
    /// A path is neither a part folder nor a folder holding part folders.
    #[error("{} is not a part folder: {problem}", path.display())]
    NotAPart {
        /// The path as given.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A part folder is incomplete or does not match its own manifest.
    #[error("{} is a damaged part: {problem}; run its shard again", path.display())]
    Damaged {
        /// The part folder.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A part was written by another version of routesim.
    #[error(
        "{} was written by routesim {found}, and this is routesim {ours}; run every shard and the merge with one version",
        path.display()
    )]
    OtherVersion {
        /// The part folder.
        path: PathBuf,
        /// The version that wrote it.
        found: String,
        /// This version.
        ours: String,
    },
    /// A part belongs to another plan (or another split) than the parts before it.
    #[error("{} is a part of another plan than {}: {}", path.display(), reference.display(), differs.join("; "))]
    OtherPlan {
        /// The part folder.
        path: PathBuf,
        /// The first part, whose plan the others are held to.
        reference: PathBuf,
        /// What differs, in words.
        differs: Vec<String>,
    },
    /// Two folders hold the same shard's part.
    #[error("part {shard}/{shards} is given twice, in {} and {}; give each part once", first.display(), second.display())]
    Duplicate {
        /// The shard's number.
        shard: u32,
        /// How many shards.
        shards: u32,
        /// The folder seen first.
        first: PathBuf,
        /// The other folder.
        second: PathBuf,
    },
    /// Shards of the plan have no part among those given.
    #[error("{}", missing_parts(*shards, missing))]
    Missing {
        /// How many shards.
        shards: u32,
        /// The shards without a part, ascending.
        missing: Vec<u32>,
    },
}

/// The message of [`PartProblem::Missing`]: each missing part named by the
/// `--shard I/N` that makes it (the first 20, then how many more).
fn missing_parts(shards: u32, missing: &[u32]) -> String {
    if let [one] = missing {
        return format!(
            "part {one}/{shards} is missing: make it with the same command and `--shard {one}/{shards} --out PARTDIR`, then merge again"
        );
    }
    let flags: Vec<String> =
        missing.iter().take(MAX_PROBLEMS_SHOWN).map(|i| format!("--shard {i}/{shards}")).collect();
    let more = if missing.len() > MAX_PROBLEMS_SHOWN {
        format!(" and {} more", missing.len() - MAX_PROBLEMS_SHOWN)
    } else {
        String::new()
    };
    format!(
        "{} of {shards} parts are missing: make them with the same command and `{}`{more}, each with its own --out PARTDIR, then merge again",
        missing.len(),
        flags.join("`, `"),
    )
}

impl Error {
    /// True when the user's input (scenario, overrides, options) is at fault,
    /// as opposed to the environment; the binary exits with status 2 for these.
    pub fn is_bad_input(&self) -> bool {
        if let Error::Variant { cause, .. } = self {
            return cause.is_bad_input();
        }
        !matches!(
            self,
            Error::Write { .. }
                | Error::OutputLocation { .. }
                | Error::NotSaved { .. }
                | Error::OldSetLeft { .. }
                | Error::FolderMissing { .. }
                | Error::Chart { .. }
        )
    }
}

/// A command's setting, as the library names it in [`Error::Setting`]; the
/// binary maps each to its command-line flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// Worker threads.
    Threads,
    /// The staffing methods to run.
    Method,
    /// The confidence level simulated targets are judged at.
    Confidence,
    /// The fraction of days simulated targets must hold in.
    Days,
    /// The keys a sweep varies.
    Vary,
    /// What B is made of in a comparison: a second file or overrides of A.
    CompareWith,
    /// The agent group whose headcount `staff` answers.
    Group,
    /// The teams `staff` staffs whole.
    Team,
    /// The targets `staff` judges by.
    Target,
    /// Which shard of a plan to run (`I/N`).
    Shard,
    /// Hours one full-time agent is paid per week (`staff`'s FTE line).
    PaidHours,
    /// The seconds `schedule`'s solver may take.
    TimeLimit,
    /// The branch-and-bound nodes `schedule`'s solver may solve.
    Nodes,
}

impl Setting {
    /// The setting's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Threads => "threads",
            Setting::Method => "method",
            Setting::Confidence => "confidence",
            Setting::Days => "days",
            Setting::Vary => "vary",
            Setting::CompareWith => "compare",
            Setting::Group => "group",
            Setting::Team => "team",
            Setting::Target => "target",
            Setting::Shard => "shard",
            Setting::PaidHours => "paid hours",
            Setting::TimeLimit => "time limit",
            Setting::Nodes => "node budget",
        }
    }
}

/// What the operating system said, in plain words: the kinds a user meets
/// named ("no such file or folder", "permission denied", "the disk is
/// full"), anything else in the system's own words without its error
/// number ("(os error 13)"); an error made by a program (not the system)
/// in its own words. The one place an [`std::io::Error`] is put in
/// words for a user.
pub fn plain_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // An error made by a program, not the system, says what it means.
    if let Some(inner) = e.get_ref() {
        return inner.to_string();
    }
    let words = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::StorageFull => "the disk is full",
        K::QuotaExceeded => "the disk quota is used up",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::FileTooLarge => "the file is too large for the disk",
        K::InvalidFilename => "the name is too long or not allowed",
        K::ResourceBusy => "it is in use",
        K::CrossesDevices => "it is on another disk",
        K::OutOfMemory => "out of memory",
        K::BrokenPipe => "the output was closed",
        K::Interrupted => "interrupted",
        K::TimedOut => "it took too long",
        K::UnexpectedEof => "the file ended early",
        K::InvalidData => "it is not UTF-8 text",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_owned();
    }
    // The system's message without " (os error N)".
    without_os_number(&e.to_string())
}

/// A message that may end in the system's " (os error N)" (one from a
/// library that wraps an `io::Error`, such as a thread pool's), without it.
pub fn without_os_number(text: &str) -> String {
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_owned(),
        _ => text.to_owned(),
    }
}

/// At most this many problems are listed; the rest are counted.
pub const MAX_PROBLEMS_SHOWN: usize = 20;

/// One problem in a scenario: the key at fault, where it was written, and
/// what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the key at fault, as `--set` spells it.
    pub key: String,
    /// 1-based line of the key in the scenario file, where it could be found.
    pub line: Option<usize>,
    /// The `--set KEY=VALUE` argument that wrote the key (or a table above it), if one did.
    pub set: Option<String>,
    /// What is wrong and what would be accepted, in the scenario's own words.
    pub message: String,
}

impl Problem {
    /// The problem as one line: `FILE:LINE: key `K`: MESSAGE`, or
    /// `FILE: --set K=V: key `K`: MESSAGE` when a `--set` wrote the key.
    pub fn show(&self, origin: &str) -> String {
        let at = match (&self.set, self.line) {
            (Some(arg), _) => format!("{origin}: --set {arg}"),
            (None, Some(line)) => format!("{origin}:{line}"),
            (None, None) => origin.to_owned(),
        };
        if self.key.is_empty() {
            format!("{at}: {}", self.message)
        } else {
            format!("{at}: key `{}`: {}", self.key, self.message)
        }
    }
}

/// One problem on one line; several as a count followed by one per line
/// (up to [`MAX_PROBLEMS_SHOWN`], then how many more).
fn show_problems(origin: &str, problems: &[Problem]) -> String {
    if let [one] = problems {
        return one.show(origin);
    }
    let mut out = format!("{} problems in {origin}:", problems.len());
    for p in problems.iter().take(MAX_PROBLEMS_SHOWN) {
        out.push_str("\n  ");
        out.push_str(&p.show(origin));
    }
    if problems.len() > MAX_PROBLEMS_SHOWN {
        out.push_str(&format!("\n  ... and {} more", problems.len() - MAX_PROBLEMS_SHOWN));
    }
    out
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(key: &str, line: Option<usize>, set: Option<&str>) -> Problem {
        Problem { key: key.into(), line, set: set.map(str::to_owned), message: "bad".into() }
    }

    #[test]
    fn one_problem_is_one_line_and_many_are_listed_up_to_the_limit() {
        let one = Error::Invalid { origin: "s.toml".into(), problems: vec![problem("a.b", Some(3), None)] };
        assert_eq!(one.to_string(), "s.toml:3: key `a.b`: bad");
        let set = problem("a", None, Some("a=1")).show("s.toml");
        assert_eq!(set, "s.toml: --set a=1: key `a`: bad");
        let many: Vec<Problem> = (1..=25).map(|i| problem("k", Some(i), None)).collect();
        let text = Error::Invalid { origin: "s.toml".into(), problems: many }.to_string();
        assert!(text.starts_with("25 problems in s.toml:\n  s.toml:1: key `k`: bad\n"), "{text}");
        assert!(text.contains("s.toml:20:") && !text.contains("s.toml:21:"), "{text}");
        assert!(text.ends_with("... and 5 more"), "{text}");
        assert!(one.is_bad_input());
    }

    #[test]
    fn missing_parts_are_named_by_the_shard_option_that_makes_them() {
        let one = Error::Parts(PartProblem::Missing { shards: 3, missing: vec![1] }).to_string();
        assert!(
            one.starts_with("part 1/3 is missing") && one.contains("`--shard 1/3 --out PARTDIR`"),
            "{one}"
        );
        let many = Error::Parts(PartProblem::Missing { shards: 40, missing: (0..25).collect() }).to_string();
        assert!(many.starts_with("25 of 40 parts are missing"), "{many}");
        assert!(many.contains("`--shard 19/40`") && !many.contains("--shard 20/40"), "{many}");
        assert!(many.contains(" and 5 more"), "{many}");
        assert!(Error::Parts(PartProblem::NoPart).is_bad_input());
    }

    #[test]
    fn system_errors_are_put_in_plain_words() {
        use std::io::{Error as Io, ErrorKind};
        assert_eq!(plain_io(&Io::from_raw_os_error(2)), "no such file or folder"); // ENOENT
        assert_eq!(plain_io(&Io::new(ErrorKind::PermissionDenied, "refused")), "refused");
        assert_eq!(plain_io(&Io::from(ErrorKind::PermissionDenied)), "permission denied");
        let other = plain_io(&Io::from_raw_os_error(40)); // ELOOP on Linux
        assert!(!other.contains("os error"), "{other}");
        assert_eq!(
            without_os_number("Resource temporarily unavailable (os error 11)"),
            "Resource temporarily unavailable"
        );
    }
}
