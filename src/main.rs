//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a report makes ~60 000 small allocations (docx-rs,
/// serde, lopdf), ~15 % of its instructions in glibc's malloc and free, and glibc's per-thread
/// arenas grow by one `mprotect` call per page (~700 per report on a rayon thread).
///
/// mimalloc asks for transparent huge pages on its arena (`madvise(MADV_HUGEPAGE)`; the crate's
/// `no_thp` feature would forbid them): on this project's VM a first-touched 4 KiB page costs
/// ~3.6 µs and a 2 MiB one ~0.3 ms, so one report's heap takes ~370 page faults instead of ~1 550,
/// for ~11 MB more peak RSS (24 → 35 MB).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A closed pipe (`gongkai check … | head`) ends quietly instead of panicking.
    reset_sigpipe();
    keep_freed_memory();
    deflate_on_mimalloc();
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
/// for each. Through mimalloc they come from its arena (huge pages, reused when freed).
fn deflate_on_mimalloc() {
    use std::os::raw::c_void;
    extern "C" {
        // libdeflate.h: void libdeflate_set_memory_allocator(void *(*)(size_t), void (*)(void *))
        fn libdeflate_set_memory_allocator(
            malloc_func: unsafe extern "C" fn(usize) -> *mut c_void,
            free_func: unsafe extern "C" fn(*mut c_void),
        );
        // mimalloc.h: void* mi_malloc(size_t size); void mi_free(void* p)
        fn mi_malloc(size: usize) -> *mut c_void;
        fn mi_free(p: *mut c_void);
    }
    // SAFETY: called before any compressor exists (none is freed with another allocator's free);
    // mi_malloc and mi_free behave like malloc and free, as libdeflate requires.
    unsafe { libdeflate_set_memory_allocator(mi_malloc, mi_free) }
}
