//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a report makes ~60 000 small allocations (docx-rs,
/// serde, lopdf), ~15 % of its instructions in glibc's malloc and free, and glibc's per-thread
/// arenas grow by one `mprotect` call per page (~700 per report on a rayon thread).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A closed pipe (`gongkai check … | head`) ends quietly instead of panicking.
    reset_sigpipe();
    let args = cli::Cli::parse();
    let code = cli::dispatch(args);
    ExitCode::from(code.clamp(0, 2) as u8)
}

#[cfg(unix)]
fn reset_sigpipe() {
    // SAFETY: restoring the default SIGPIPE disposition at start-up, before any thread exists.
    unsafe {
        libc_signal();
    }
}

#[cfg(unix)]
unsafe fn libc_signal() {
    extern "C" {
        fn signal(sig: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    signal(SIGPIPE, SIG_DFL);
}

#[cfg(not(unix))]
fn reset_sigpipe() {}
