//! `fonts`: for each type role of a style, the face that serves it — an office font installed on
//! the machine, or the bundled subset compiled into the binary. Loaded once per run.
//!
//! STUB: to be implemented (issue 3).

use std::path::PathBuf;

use crate::diag::{Diagnostic, Diagnostics};
use crate::style::Style;

/// Where to look for fonts.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// `--font-dir`: folders searched before the system's.
    pub font_dirs: Vec<PathBuf>,
    /// `--bundled-fonts`: use only the bundled faces (reproducible output).
    pub bundled_only: bool,
}

/// The faces for every role of one style. Cheap to share between threads.
#[derive(Debug)]
pub struct FontSet {}

impl FontSet {
    /// Finds and loads the faces for every role of `style`.
    pub fn load(_style: &Style, _opts: &FontOptions) -> Result<FontSet, Diagnostics> {
        Err(vec![Diagnostic::error("fonts", "字体模块尚未实现")])
    }
}
