//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.
//!
//! Exit codes: 0 written or clean, 1 a report failed its checks (also when rendered with `--force`),
//! 2 usage, I/O or input errors. A closed pipe (`gongkai schema | head`) ends output quietly: every
//! line is written with [`cli::say`] or [`cli::out`], which drop what can no longer be written.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = match cli::parse() {
        Ok(args) => cli::dispatch(args),
        Err(code) => code,
    };
    ExitCode::from(code.clamp(0, 2) as u8)
}
