//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.
//!
//! Exit codes: 0 written or clean, 1 a report failed its checks (also when rendered with `--force`),
//! 2 usage, I/O or input errors. A closed pipe (`gongkai schema | head`) ends output quietly: every
//! line is written with [`cli::say`] or [`cli::out`], which drop what can no longer be written.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Started with nothing to do — on Windows most often a double-click in Explorer, whose console
    // closes as soon as the program ends: say what to do, and on Windows wait for a key.
    if std::env::args_os().len() == 1 {
        cli::guide(cfg!(windows));
        return ExitCode::SUCCESS;
    }
    let code = match cli::parse() {
        Ok(args) => cli::dispatch(args),
        Err(code) => code,
    };
    ExitCode::from(code.clamp(0, 2) as u8)
}
