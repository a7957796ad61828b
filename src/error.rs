//! The library's error type: everything that can go wrong loading a scenario
//! or writing results. The simulation itself cannot fail.

use std::path::PathBuf;

/// Errors the library reports; each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file could not be read; nothing was simulated or written.
    #[error("cannot read scenario {path}")]
    ReadScenario {
        /// The file named by the user.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The scenario is not valid TOML or does not match the format (unknown
    /// key, wrong type); the message carries the line. Nothing was written.
    #[error("{origin}: {message}")]
    Syntax {
        /// The file (and overrides) the text came from.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A key holds a value that makes no sense (negative rate, unknown name,
    /// zero capacity...). Nothing was simulated or written.
    #[error("{origin}{}: key `{key}`: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file (and overrides) the scenario came from.
        origin: String,
        /// Dotted path of the key at fault, as `--set` spells it.
        key: String,
        /// 1-based line of the key in the file, where it could be found.
        line: Option<usize>,
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
        "results of `{scenario}` were not saved: {step}: {cause}; {}",
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
        "{} now holds the new results, but the previous set could not be removed from {}: {cause}; remove it by hand",
        dir.display(),
        old.display()
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
        "results of `{scenario}` were not saved and {} could not be put back: {cause}; \
         the previous results are in {} and the new ones in {}: rename one of them to {}",
        dir.display(),
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
    /// A run option (threads) is out of range. Nothing was simulated or written.
    #[error("{0}")]
    Options(String),
}

impl Error {
    /// True when the user's input (scenario, overrides, options) is at fault,
    /// as opposed to the environment; the binary exits with status 2 for these.
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            Error::Write { .. }
                | Error::OutputLocation { .. }
                | Error::NotSaved { .. }
                | Error::OldSetLeft { .. }
                | Error::FolderMissing { .. }
        )
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
