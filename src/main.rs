//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.

mod bump;
mod cli;

use std::process::ExitCode;

use clap::Parser;

/// One report's blocks bumped through one region in huge pages, mimalloc's after [`bump::stop`]
/// (a batch) and off Linux: see [`bump`].
///
/// mimalloc rather than the system allocator: a report makes ~30 000 small allocations (serde,
/// lopdf, subsetter), ~15 % of its instructions in glibc's malloc and free, and glibc's per-thread
/// arenas grow by one `mprotect` call per page (~700 per report on a rayon thread).
#[global_allocator]
static ALLOC: bump::Alloc = bump::Alloc;

fn main() -> ExitCode {
    // A closed pipe (`gongkai check … | head`) ends quietly instead of panicking.
    reset_sigpipe();
    keep_freed_memory();
    deflate_on_our_allocator();
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

/// Tells mimalloc never to return freed pages to the OS during the run. By default it does so 10 ms
/// after they were freed, and a report's buffers (a few MB) are freed when it is done: on a busy
/// machine, where a report takes longer than that, every report faulted its memory in afresh
/// (42 000 page faults for 100 reports instead of 2 800, a tenth of the CPU time).
fn keep_freed_memory() {
    extern "C" {
        // mimalloc.h (v2): void mi_option_set(mi_option_t option, long value)
        fn mi_option_set(option: i32, value: std::os::raw::c_long);
    }
    // mimalloc.h (v2): the 16th `mi_option_e`, "memory purging is delayed by N milli seconds; use 0
    // for immediate purging or -1 for no purging at all"
    const MI_OPTION_PURGE_DELAY: i32 = 15;
    // SAFETY: a plain setter of mimalloc (linked in by the `mimalloc` crate), called before any
    // other thread exists.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// libdeflate (the PDF's streams, the DOCX's parts) allocates its compressors (~200 KB each, one
/// per task) with the C library's malloc, which maps them afresh in 4 KiB pages: ~40 page faults
/// for each. Through [`ALLOC`] they come from its huge pages, as the Rust blocks do.
fn deflate_on_our_allocator() {
    use std::os::raw::c_void;
    extern "C" {
        // libdeflate.h: void libdeflate_set_memory_allocator(void *(*)(size_t), void (*)(void *))
        fn libdeflate_set_memory_allocator(
            malloc_func: extern "C" fn(usize) -> *mut c_void,
            free_func: extern "C" fn(*mut c_void),
        );
    }
    // SAFETY: called before any compressor exists (none is freed with another allocator's free);
    // the two behave like malloc and free, as libdeflate requires.
    unsafe { libdeflate_set_memory_allocator(bump::c_malloc, bump::c_free) }
}
