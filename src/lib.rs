//! gongkai — 政府信息公开工作年度报告: YAML → 勾稽检查 → GB/T 9704 PDF and an editable DOCX.
//!
//! # Steps
//!
//! - **load** ([`report::load_file`]): YAML text → [`report::Report`], every value located.
//! - **resolve** ([`check::resolve`]): report + national [`format::Format`] (data in
//!   `layouts/formats/`) → [`check::Resolved`]: values read per column kind, 总计 computed.
//! - **check** ([`check::run`]): the consistency rules (勾稽关系) → [`diag::Diagnostic`]s.
//!
//! - **compose** ([`compose::compose`]): resolved report → [`doc::Document`] (blocks, resolved table
//!   grids, type roles), format-neutral.
//! - **style** ([`style::Style`]): page geometry and type roles, data in `layouts/styles/`.
//!
//! The PDF (typeset → pdf) and DOCX backends read the same `Document`.
#![warn(missing_docs)]

pub mod backend;
pub mod check;
pub mod compose;
pub mod diag;
pub mod doc;
pub mod fonts;
pub mod format;
pub mod readback;
pub mod render;
pub mod report;
pub mod schema;
pub mod style;
pub mod template;
pub mod typeset;

use std::path::Path;

use diag::{Diagnostics, Severity};

/// Loads a report file and resolves it against its format.
pub fn load(path: &Path) -> Result<check::Resolved, Diagnostics> {
    // the formats are parsed once per run: the first report's own (guessed from its text) is
    // parsed while its YAML is
    let bytes = report::read_file(path)?;
    let hint = format::guess(&bytes);
    let (report, ()) = rayon::join(
        || report::load_bytes(&bytes, Some(path)),
        || format::preload(hint),
    );
    check::resolve(report?)
}

/// The outcome of checking one file, as the CLI reports it.
#[derive(Debug)]
pub struct CheckOutcome {
    /// Every finding, in file order.
    pub diagnostics: Diagnostics,
    /// 0 clean (warnings allowed), 1 rule errors, 2 input unreadable or invalid.
    pub exit_code: i32,
}

/// Loads, resolves and checks one file (with last year's report for R5–R7 when given).
pub fn check_file(path: &Path, previous: Option<&Path>) -> CheckOutcome {
    let res = match load(path) {
        Ok(r) => r,
        Err(d) => {
            return CheckOutcome {
                diagnostics: d,
                exit_code: 2,
            }
        }
    };
    let prev = match previous.map(load) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(d)) => {
            return CheckOutcome {
                diagnostics: d,
                exit_code: 2,
            }
        }
    };
    let diagnostics = check::run(&res, prev.as_ref());
    let exit_code = i32::from(diagnostics.iter().any(|d| d.severity == Severity::Error));
    CheckOutcome {
        diagnostics,
        exit_code,
    }
}
