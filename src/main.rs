//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.
//!
//! Exit codes: 0 written or clean, 1 a report failed its checks (also when rendered with `--force`),
//! 2 usage, I/O or input errors. A closed pipe (`gongkai schema | head`) ends output quietly: every
//! line is written with [`cli::say`] or [`cli::out`], which drop what can no longer be written.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Started with no arguments. On Windows that is a double-click in Explorer: open the browser
    // editor on the folder the program stands in. Elsewhere: say what to do.
    if std::env::args_os().len() == 1 {
        if cfg!(windows) {
            return ExitCode::from(cli::double_click().clamp(0, 2) as u8);
        }
        cli::guide(false);
        return ExitCode::SUCCESS;
    }
    let code = match cli::parse() {
        Ok(args) => cli::dispatch(args),
        Err(code) => code,
    };
    ExitCode::from(code.clamp(0, 2) as u8)
}
