//! The process's allocator: a one-report run's blocks bumped through one region, mimalloc's
//! otherwise.
//!
//! A one-report run allocates ~6 MB in all (~1.2 MB live at most) and exits. mimalloc gives each
//! thread its own segment and each size class its own 64 KiB page, so the run touched ~5 MB in
//! ~1 200 pages scattered over 13 huge pages: with transparent huge pages the kernel zeroed 26 MB
//! (a quarter of the run's CPU time), without them each 4 KiB page cost a page fault (~3 µs on
//! the project's VM). Bumped through one region the same blocks fill 2 huge pages (3.5–3.8 MB):
//! system time 12.3 → ~4 ms, the whole run ~2.5 ms shorter, peak RSS 41 → 20 MB (BENCHMARKS.md).
//!
//! Each thread takes 64 KiB chunks of the region and bumps through its chunk; a larger block
//! comes from the region directly, or from the larger blocks freed before it ([`Spare`]). A small
//! block is given back when it is its thread's last one (a temporary), and a block grows in place
//! when it is the last one (a buffer that grows); any other small block freed is kept on the
//! freeing thread's list for its size class (16-byte steps) and serves that thread's next block of
//! the class (a report's region 3.5–3.8 → 2.6–2.9 MB: 2 huge pages instead of 2.8 on average).
//! Memory is still not given back to the system, so the region suits a short run only: a run that
//! goes on turns it off with [`stop`], every block past [`LIMIT`] comes from mimalloc, and so do
//! all of them off Linux. Each block is freed by the allocator it came from.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::{
    AtomicBool, AtomicU8, AtomicUsize,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};

use mimalloc::MiMalloc;

/// The global allocator (see the module documentation).
pub struct Alloc;

/// Address space reserved for the region; an allocation past it goes to mimalloc.
const LIMIT: usize = 128 << 20;
/// What a thread takes from the region at a time for its small blocks.
const CHUNK: usize = 64 << 10;
/// Blocks up to this size come from the thread's chunk.
const SMALL: usize = 4 << 10;

/// Start of the region (0 until [`start`]).
static BASE: AtomicUsize = AtomicUsize::new(0);
/// The region's first free byte.
static NEXT: AtomicUsize = AtomicUsize::new(0);
/// Whether new blocks come from the region: [`UNSET`] until the first allocation reserves it.
static STATE: AtomicU8 = AtomicU8::new(UNSET);
/// [`STATE`]: the region is not reserved yet.
const UNSET: u8 = 0;
/// [`STATE`]: the region is being reserved.
const STARTING: u8 = 1;
/// [`STATE`]: new blocks come from the region.
const READY: u8 = 2;
/// [`STATE`]: new blocks come from mimalloc.
const OFF: u8 = 3;

thread_local! {
    /// This thread's chunk: its first free byte and its end.
    static LOCAL: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Small blocks this thread freed, by size class ([`class`]): each list's first block, whose
    /// first word holds the next one's address (0 ends a list).
    static FREED: UnsafeCell<[usize; CLASSES]> = const { UnsafeCell::new([0; CLASSES]) };
}

/// The granule of small blocks: each takes a multiple of it, aligned to it.
const GRAIN: usize = 16;
/// Size classes of the small blocks kept for reuse, one per multiple of [`GRAIN`].
const CLASSES: usize = SMALL / GRAIN;

/// What a block of `size` bytes takes in the region: small blocks a multiple of [`GRAIN`], so a
/// freed one serves any later block of its class.
fn footprint(size: usize) -> usize {
    if size <= SMALL {
        size.next_multiple_of(GRAIN)
    } else {
        size
    }
}

/// The size class of a small block of `size` (1..=[`SMALL`]) bytes.
fn class(size: usize) -> usize {
    (size - 1) / GRAIN
}

/// A small block freed on this thread earlier, of `size`'s class.
fn reuse(size: usize) -> Option<usize> {
    FREED
        .try_with(|f| {
            // SAFETY: this thread's own lists, reached by nothing else and by no call within.
            let list = unsafe { &mut (*f.get())[class(size)] };
            let head = *list;
            if head != 0 {
                // SAFETY: a freed block of this class; its first word links the next one.
                *list = unsafe { (head as *const usize).read() };
            }
            (head != 0).then_some(head)
        })
        .ok()
        .flatten()
}

/// Keeps the freed small block at `a` of `size` bytes for this thread's later blocks.
fn keep(a: usize, size: usize) {
    let _ = FREED.try_with(|f| {
        // SAFETY: as in `reuse`; the block is free, at least `GRAIN` bytes and `GRAIN`-aligned, so
        // its first word can hold the link.
        let list = unsafe { &mut (*f.get())[class(size)] };
        unsafe { (a as *mut usize).write(*list) };
        *list = a;
    });
}

/// Reserves the region (at the process's first allocation); false if it cannot be (off Linux,
/// or the mapping failed), and mimalloc serves every block.
#[cold]
fn start() -> bool {
    #[cfg(target_os = "linux")]
    {
        // Only one thread reserves it; one that finds it being reserved uses mimalloc meanwhile.
        if STATE
            .compare_exchange(UNSET, STARTING, Acquire, Relaxed)
            .is_err()
        {
            return STATE.load(Acquire) == READY;
        }
        // a transparent huge page: the region starts on one
        const HUGE_PAGE: usize = 2 << 20;
        if let Some(base) = reserve(LIMIT + HUGE_PAGE) {
            let base = base.next_multiple_of(HUGE_PAGE);
            NEXT.store(base, Relaxed);
            BASE.store(base, Relaxed);
            STATE.store(READY, Release);
            return true;
        }
    }
    STATE.store(OFF, Release);
    false
}

/// New blocks come from mimalloc from now on (blocks in the region stay valid): for a run that
/// goes on (a batch, several files checked), where blocks must be reused.
pub fn stop() {
    loop {
        let s = STATE.load(Acquire);
        if s == STARTING {
            std::hint::spin_loop();
        } else if STATE.compare_exchange(s, OFF, AcqRel, Acquire).is_ok() {
            return;
        }
    }
}

/// Maps `len` bytes of address space, backed by memory only as touched, in huge pages.
#[cfg(target_os = "linux")]
fn reserve(len: usize) -> Option<usize> {
    // SAFETY: a fresh anonymous mapping at an address the kernel picks; nothing else refers to it.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return None;
        }
        // advice only: without huge pages the region works in small ones
        libc::madvise(p, len, libc::MADV_HUGEPAGE);
        Some(p as usize)
    }
}

/// Whether a new block comes from the region (reserving it at the first call).
#[inline]
fn on() -> bool {
    match STATE.load(Acquire) {
        READY => true,
        UNSET => start(),
        _ => false,
    }
}

/// Whether `a` is in the region.
fn in_region(a: usize) -> bool {
    let base = BASE.load(Relaxed);
    base != 0 && a >= base && a < base + LIMIT
}

/// `size` bytes aligned to `align` from the region itself; `None` past its end.
fn take(size: usize, align: usize) -> Option<usize> {
    let end_of_region = BASE.load(Relaxed) + LIMIT;
    let mut next = NEXT.load(Relaxed);
    loop {
        let start = next.checked_next_multiple_of(align)?;
        let end = start.checked_add(size)?;
        if end > end_of_region {
            return None;
        }
        match NEXT.compare_exchange_weak(next, end, Relaxed, Relaxed) {
            Ok(_) => return Some(start),
            Err(now) => next = now,
        }
    }
}

/// A block from the region: a small one freed before on this thread, or from this thread's
/// chunk; a large one from those freed before, or from the region itself.
fn bump(l: Layout) -> Option<usize> {
    let (size, align) = (l.size(), l.align());
    if size > SMALL || align > SMALL {
        return SPARE.take(size, align).or_else(|| take(size, align));
    }
    if align <= GRAIN {
        if let Some(a) = reuse(size) {
            return Some(a);
        }
    }
    let (size, align) = (footprint(size), align.max(GRAIN));
    LOCAL
        .try_with(|c| {
            let (next, end) = c.get();
            // a power of two
            let start = (next + align - 1) & !(align - 1);
            if next != 0 && start + size <= end {
                c.set((start + size, end));
                return Some(start);
            }
            let chunk = take(CHUNK, SMALL)?;
            c.set((chunk + size, chunk + CHUNK));
            Some(chunk)
        })
        .ok()
        .flatten()
}

/// Grows or shrinks in place the block at `a` of `old` bytes to `new` bytes, if it is the last
/// block of this thread's chunk or (a large block) of the region.
fn resize_last(a: usize, old: usize, new: usize) -> bool {
    let (old, new) = (footprint(old), if new == 0 { 0 } else { footprint(new) });
    let (Some(old_end), Some(new_end)) = (a.checked_add(old), a.checked_add(new)) else {
        return false;
    };
    let local = LOCAL
        .try_with(|c| {
            let (next, end) = c.get();
            let fits = old_end == next && new_end <= end;
            if fits {
                c.set((new_end, end));
            }
            fits
        })
        .unwrap_or(false);
    // a small block is in a chunk: the region's end is a chunk's end, not its block's
    local
        || (old > SMALL
            && new_end <= BASE.load(Relaxed) + LIMIT
            && NEXT
                .compare_exchange(old_end, new_end, Relaxed, Relaxed)
                .is_ok())
}

/// How many freed large blocks are kept for reuse.
const SPARE_SLOTS: usize = 64;

/// Large blocks freed where they cannot be given back to the region (a buffer that moved when it
/// grew, a stream's raw bytes once compressed), kept for later large blocks: memory touched
/// already, where a new huge page costs 0.22 ms (and, right after a big program exits, a few ms
/// when the host must back it again).
struct Spare {
    /// Held while `slots` is read or changed.
    lock: AtomicBool,
    /// (start, length) of each kept block; length 0 for an empty slot.
    slots: UnsafeCell<[(usize, usize); SPARE_SLOTS]>,
}

// SAFETY: `slots` is only reached through `Spare::with`, which holds `lock`.
unsafe impl Sync for Spare {}

/// The kept large blocks.
static SPARE: Spare = Spare {
    lock: AtomicBool::new(false),
    slots: UnsafeCell::new([(0, 0); SPARE_SLOTS]),
};

impl Spare {
    /// Runs `f` on the slots, the lock held.
    fn with<R>(&self, f: impl FnOnce(&mut [(usize, usize); SPARE_SLOTS]) -> R) -> R {
        let mut spins = 0u32;
        while self
            .lock
            .compare_exchange_weak(false, true, Acquire, Relaxed)
            .is_err()
        {
            spins += 1;
            if spins.is_multiple_of(64) {
                // the holder may be off its CPU: let it run
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        // SAFETY: the lock is held until the store below, so no other reference exists.
        let r = f(unsafe { &mut *self.slots.get() });
        self.lock.store(false, Release);
        r
    }

    /// Keeps the free block at `start` of `len` bytes (forgotten if every slot is taken).
    fn put(&self, start: usize, len: usize) {
        self.with(|slots| {
            if let Some(slot) = slots.iter_mut().find(|x| x.1 == 0) {
                *slot = (start, len);
            }
        });
    }

    /// The smallest kept block that holds `size` bytes aligned to `align`; what is left after it
    /// is kept again if it is large.
    fn take(&self, size: usize, align: usize) -> Option<usize> {
        self.with(|slots| {
            let (i, at) = slots
                .iter()
                .enumerate()
                .filter(|(_, &(_, len))| len != 0)
                .filter_map(|(i, &(start, len))| {
                    let at = start.checked_next_multiple_of(align)?;
                    (at.checked_add(size)? <= start + len).then_some((i, at, len))
                })
                .min_by_key(|&(_, _, len)| len)
                .map(|(i, at, _)| (i, at))?;
            let (start, len) = slots[i];
            let rest = start + len - (at + size);
            slots[i] = if rest > SMALL {
                (at + size, rest)
            } else {
                (0, 0)
            };
            Some(at)
        })
    }
}

// SAFETY: every block handed out is `layout.size()` bytes of the region aligned to
// `layout.align()` and given to no one else until freed (a chunk or a region range is taken once
// by an atomic bump; a thread's chunk is bumped by that thread alone), or comes from mimalloc.
// A block is freed by the allocator whose memory it is in.
unsafe impl GlobalAlloc for Alloc {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if on() {
            if let Some(a) = bump(l) {
                return a as *mut u8;
            }
        }
        MiMalloc.alloc(l)
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if on() {
            if let Some(a) = bump(l) {
                // a block given back and taken again is not zero
                std::ptr::write_bytes(a as *mut u8, 0, l.size());
                return a as *mut u8;
            }
        }
        MiMalloc.alloc_zeroed(l)
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        let a = p as usize;
        if in_region(a) {
            // given back if last; else kept for reuse (a large block shrunk to a small one may
            // start anywhere, and is not)
            if resize_last(a, l.size(), 0) {
                return;
            }
            if l.size() > SMALL {
                SPARE.put(a, l.size());
            } else if l.align() <= GRAIN && a.is_multiple_of(GRAIN) {
                keep(a, l.size());
            }
        } else {
            MiMalloc.dealloc(p, l)
        }
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let a = p as usize;
        if !in_region(a) {
            return MiMalloc.realloc(p, l, new);
        }
        if resize_last(a, l.size(), new) || new <= l.size() {
            return p;
        }
        // SAFETY: `new` is non-zero and, rounded up to `l.align()`, does not overflow (the
        // caller's contract for `realloc`).
        let nl = Layout::from_size_align_unchecked(new, l.align());
        let q = self.alloc(nl);
        if !q.is_null() {
            std::ptr::copy_nonoverlapping(p, q, l.size());
            self.dealloc(p, l);
        }
        q
    }
}

/// Bytes before each block of [`c_malloc`]: its whole size, for [`c_free`].
const C_HEADER: usize = 16;

/// `malloc` for C code (libdeflate): 16-byte aligned blocks from [`Alloc`], each after a header
/// with its size.
pub extern "C" fn c_malloc(size: usize) -> *mut std::os::raw::c_void {
    let Some(l) = size
        .checked_add(C_HEADER)
        .and_then(|total| Layout::from_size_align(total, C_HEADER).ok())
    else {
        return std::ptr::null_mut();
    };
    // SAFETY: a non-zero size; the header is inside the block and aligned for a `usize`.
    unsafe {
        let p = Alloc.alloc(l);
        if p.is_null() {
            return p.cast();
        }
        p.cast::<usize>().write(l.size());
        p.add(C_HEADER).cast()
    }
}

/// `free` for blocks of [`c_malloc`].
pub extern "C" fn c_free(q: *mut std::os::raw::c_void) {
    if q.is_null() {
        return;
    }
    // SAFETY: `q` came from `c_malloc`: its header, `C_HEADER` bytes before it, holds the size
    // the block was allocated with, with alignment `C_HEADER`.
    unsafe {
        let p = q.cast::<u8>().sub(C_HEADER);
        let total = p.cast::<usize>().read();
        Alloc.dealloc(p, Layout::from_size_align_unchecked(total, C_HEADER));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // These run under this allocator (the test harness of the binary uses its global allocator),
    // side by side with the other tests; `stop` is never called here.

    fn region_on() -> bool {
        let b = Box::new([1u8; 16]);
        in_region(b.as_ptr() as usize)
    }

    #[test]
    fn blocks_from_many_threads_keep_their_contents() {
        let threads: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut kept: Vec<Vec<u8>> = Vec::new();
                    for i in 0..3000usize {
                        // sizes from 1 byte to ~16 KB: chunk blocks and region blocks
                        let n = 1 + (i * 7919 + t as usize * 104_729) % 8_000;
                        let mut v = vec![t; n];
                        if i % 3 == 0 {
                            v.extend(std::iter::repeat_n(t, n));
                        }
                        if i % 5 == 0 {
                            kept.push(v);
                        }
                    }
                    kept
                })
            })
            .collect();
        for (t, h) in threads.into_iter().enumerate() {
            for v in h.join().unwrap() {
                assert!(
                    v.iter().all(|&b| b == t as u8),
                    "thread {t}'s block overwritten"
                );
            }
        }
    }

    #[test]
    fn a_freed_small_block_serves_the_next_of_its_size_class() {
        if !region_on() {
            return; // off Linux: mimalloc's blocks
        }
        let first = Box::new([1u8; 40]);
        let after = Box::new([2u8; 40]); // keeps `first` from being this thread's last block
        let at = first.as_ptr() as usize;
        assert_eq!(at % GRAIN, 0);
        drop(first);
        // 33..=48 bytes share a class: the freed block comes back, and is written over whole
        let again = Box::new([3u8; 48]);
        assert_eq!(again.as_ptr() as usize, at, "the freed block is reused");
        let other = Box::new([4u8; 64]); // another class: not that block
        assert_ne!(other.as_ptr() as usize, at);
        assert!(again.iter().all(|&b| b == 3) && after.iter().all(|&b| b == 2));
        assert!(other.iter().all(|&b| b == 4));
    }

    #[test]
    fn a_growing_buffer_stays_in_place_and_a_freed_last_block_is_reused() {
        if !region_on() {
            return; // off Linux: mimalloc's blocks
        }
        // a large buffer that grows is the region's last block (or this thread's chunk's)
        let mut v: Vec<u64> = Vec::with_capacity(1000);
        let p = v.as_ptr();
        v.resize(1000, 7);
        v.reserve(9000);
        let grown = v.as_ptr() == p;
        // another thread may have taken the region's next bytes meanwhile: then it moved
        assert!(grown || in_region(v.as_ptr() as usize));
        assert!(v.iter().all(|&x| x == 7));

        let a = Box::new([3u8; 100]);
        let pa = a.as_ptr() as usize;
        drop(a);
        let b = Box::new([4u8; 100]);
        assert_eq!(
            b.as_ptr() as usize,
            pa,
            "the thread's last block is given back"
        );
        assert!(b.iter().all(|&x| x == 4));
    }

    #[test]
    fn kept_large_blocks_are_reused_smallest_first() {
        // a `Spare` of its own, with made-up addresses: only the bookkeeping is tested
        let spare = Spare {
            lock: AtomicBool::new(false),
            slots: UnsafeCell::new([(0, 0); SPARE_SLOTS]),
        };
        spare.put(1_000_000, 50_000);
        spare.put(2_000_000, 30_000);
        assert_eq!(
            spare.take(60_000, 16),
            None,
            "no kept block is large enough"
        );
        assert_eq!(
            spare.take(20_000, 16),
            Some(2_000_000),
            "the smallest that fits"
        );
        // what is left of it (10 000 bytes) is kept, aligned blocks start on their alignment
        assert_eq!(spare.take(8_000, 16), Some(2_020_000));
        assert_eq!(spare.take(8_000, 4096), Some(1_003_520));
        // a rest of at most 4 KiB is dropped
        assert_eq!(spare.take(38_400, 16), Some(1_011_520));
        assert_eq!(spare.take(100, 16), None);
    }

    #[test]
    fn alignment_is_kept() {
        for align in [1usize, 8, 16, 64, 4096, 8192, 1 << 16] {
            for size in [1usize, 3, 100, 5000, 70_000] {
                let l = Layout::from_size_align(size, align).unwrap();
                // SAFETY: a non-zero layout, freed with the same layout below
                unsafe {
                    let p = Alloc.alloc(l);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(0xAB, size);
                    let z = Alloc.alloc_zeroed(l);
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed {size}");
                    assert_eq!(z as usize % align, 0);
                    Alloc.dealloc(z, l);
                    assert!((0..size).all(|i| *p.add(i) == 0xAB));
                    Alloc.dealloc(p, l);
                }
            }
        }
    }

    #[test]
    fn a_block_larger_than_the_region_comes_from_mimalloc() {
        let v: Vec<u8> = Vec::with_capacity(LIMIT + 1);
        assert!(!in_region(v.as_ptr() as usize));
        // and a block that grows out of the region moves to mimalloc with its contents
        let mut w = vec![5u8; 10_000];
        w.reserve(LIMIT);
        assert!(!in_region(w.as_ptr() as usize));
        assert!(w.iter().all(|&x| x == 5));
    }

    #[test]
    fn c_blocks_are_aligned_and_freed() {
        let p = c_malloc(100);
        assert!(!p.is_null());
        assert_eq!(p as usize % 16, 0);
        c_free(p);
        c_free(std::ptr::null_mut());
        let big = c_malloc(LIMIT + 1);
        assert!(!big.is_null() && !in_region(big as usize));
        c_free(big);
    }
}
