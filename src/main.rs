//! The `tlslint` binary: parse arguments, run, exit with 0 (clean), 1 (findings) or 2 (error).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tlslint::cli::Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let code = match tlslint::run(&cli, &mut out, &mut err).and_then(|code| {
        out.flush()?;
        Ok(code)
    }) {
        Ok(code) => code,
        // `tlslint check | head` closes the pipe early: that is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => tlslint::EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            tlslint::EXIT_ERROR
        }
    };
    ExitCode::from(code)
}
