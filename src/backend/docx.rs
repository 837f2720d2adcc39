//! `docx`: the `Document` → an editable DOCX (docx-rs, patched to schema order). The only module that
//! uses docx-rs.
//!
//! STUB: to be implemented (issue 4).

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::style::Style;

/// DOCX options.
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// `--docx-fonts bundled`: write the bundled faces' family names instead of the office names.
    pub bundled_font_names: bool,
    /// Creation/modification date as seconds since the Unix epoch (SOURCE_DATE_EPOCH); none → a fixed date.
    pub epoch: Option<i64>,
}

/// Writes the document as DOCX bytes.
pub fn write(_doc: &Document, _style: &Style, _opts: &DocxOptions) -> Result<Vec<u8>, Diagnostics> {
    Err(vec![Diagnostic::error("docx", "DOCX 模块尚未实现")])
}
