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
    /// A result file could not be written; earlier results are left as they were.
    #[error("cannot write {path}")]
    Write {
        /// The file or folder being written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A run option (threads) is out of range. Nothing was simulated or written.
    #[error("{0}")]
    Options(String),
}

impl Error {
    /// True when the user's input (scenario, overrides, options) is at fault,
    /// as opposed to the environment; the binary exits with status 2 for these.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Error::Write { .. })
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
