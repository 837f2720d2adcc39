//! Output backends: each turns the laid-out pages (PDF) or the `Document` (DOCX) into bytes.

pub mod docx;
pub mod pdf;
pub mod svg;
