//! `typeset`: a [`Document`] + style + fonts → pages of positioned glyphs and rules (GB/T 9704 grid,
//! clreq line breaking, tables with repeated headers, pagination).
//!
//! STUB: to be implemented (issue 3).

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::fonts::FontSet;
use crate::style::Style;

/// One laid-out page.
#[derive(Debug, Clone)]
pub struct Page {}

/// Lays out the document.
pub fn typeset(_doc: &Document, _style: &Style, _fonts: &FontSet) -> Result<Vec<Page>, Diagnostics> {
    Err(vec![Diagnostic::error("typeset", "排版模块尚未实现")])
}
