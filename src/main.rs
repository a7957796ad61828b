//! The `routesim` binary: parses arguments (in `cli`), calls the library,
//! prints, and turns the outcome into an exit status (2 for bad input).

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // An error caused by an interrupt removing the staging folder is not reported.
            routesim::report::wait_if_interrupted();
            if let Some(io) = err.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {}", cli::message(&err));
            // Bad input exits 2; anything the environment refused (writing results, stdout) exits 1.
            let bad_input = match err.downcast_ref::<routesim::Error>() {
                Some(e) => e.is_bad_input(),
                None => err.downcast_ref::<std::io::Error>().is_none(),
            };
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}
