//! Output backends: each turns the laid-out pages (PDF) or the `Document` (DOCX) into bytes.

pub mod docx;
pub mod pdf;

/// Runs `f` with a libdeflate compressor at `level`, one that an earlier caller gave back if there
/// is one: each compressor is ~200 KB of memory to set up and touch, and the DOCX's parts share
/// them. (The PDF's streams are compressed by krilla.)
pub(crate) fn with_compressor<R>(
    level: i32,
    f: impl FnOnce(&mut libdeflater::Compressor) -> R,
) -> Option<R> {
    use std::sync::{Mutex, PoisonError};
    static SPARE: Mutex<Vec<(i32, libdeflater::Compressor)>> = Mutex::new(Vec::new());
    let kept = {
        let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
        let at = spare.iter().position(|(l, _)| *l == level);
        at.map(|i| spare.swap_remove(i).1)
    };
    let mut c = match kept {
        Some(c) => c,
        None => libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level).ok()?),
    };
    let r = f(&mut c);
    SPARE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((level, c));
    Some(r)
}
