//! `pdf`: pages → PDF bytes (printpdf). The only module that uses printpdf.
//!
//! STUB: to be implemented (issue 3).

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::FontSet;
use crate::typeset::Page;

/// Document metadata.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    /// Title.
    pub title: String,
    /// Author (the organ).
    pub author: String,
    /// Creation date as seconds since the Unix epoch (from SOURCE_DATE_EPOCH); none → no date written.
    pub epoch: Option<i64>,
}

/// Writes the pages as a PDF.
pub fn write(_pages: &[Page], _fonts: &FontSet, _meta: &PdfMeta) -> Result<Vec<u8>, Diagnostics> {
    Err(vec![Diagnostic::error("pdf", "PDF 模块尚未实现")])
}
