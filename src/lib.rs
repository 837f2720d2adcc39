//! gongkai — 政府信息公开工作年度报告: YAML → 勾稽检查 → GB/T 9704 PDF and an editable DOCX.
//!
//! # Steps
//!
//! [`build`] runs them in this order for one report; a batch runs one `build` per report, reports
//! side by side on a thread pool, each report on one thread.
//!
//! - **read** ([`render::read_input`]): a regular file, at most [`report::MAX_INPUT_BYTES`] of it
//!   (a device, a pipe or a folder is refused before it is read).
//! - **load** ([`report::load_bytes`]): YAML text → [`report::Report`], every value located.
//! - **resolve** ([`check::resolve`]): report + national [`format::Format`] (data in
//!   `layouts/formats/`) → [`check::Resolved`]: values read per column kind, 总计 computed.
//! - **check** ([`check::run`]): the consistency rules (勾稽关系) → [`diag::Diagnostic`]s.
//! - **compose** ([`compose::compose`]): resolved report → [`doc::Document`] (blocks, resolved table
//!   grids, type roles), format-neutral.
//! - **typeset** ([`typeset::layout`]): document + [`style::Style`] (data in `layouts/styles/`) +
//!   [`fonts::FontSet`] → [`typeset::Page`]s of placed glyphs and rules, and the table geometry the
//!   DOCX follows ([`typeset::Layout::docx_geometry`]).
//! - **write the PDF** ([`backend::pdf::write`]): pages → PDF bytes.
//! - **write the DOCX** ([`backend::docx::write`]): document + the table geometry → DOCX bytes;
//!   Word or LibreOffice breaks the lines itself.
//! - **save** ([`render::write_outputs`], in the CLI): the bytes → files on disk, each through a
//!   locked temporary file, `fsync` and a rename, the pair renamed under one lock.
//!
//! - **edit** ([`edit`]): the browser editor's model — a report as plain data ([`edit::Draft`]) read
//!   from and written back to its YAML, the national tables as printed ([`edit::Form`]), and the
//!   checks pointed at the Draft's fields ([`edit::check_draft`]).
//!
//! What the run writes is planned before any report is built ([`render::plan`]): two reports
//! that would write the same file, or an output that would replace an input, stop the run.
#![deny(missing_docs)]
// The one exception, memory-mapped font files, is `fonts::map_file`, which says why.
#![deny(unsafe_code)]

pub mod backend;
pub mod check;
pub mod compose;
pub mod diag;
pub mod doc;
pub mod edit;
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

use diag::{has_errors, Diagnostics, Severity};

/// Reads a report file and resolves it against its format (the steps read, load, resolve).
pub fn load(path: &Path) -> Result<check::Resolved, Diagnostics> {
    let bytes = render::read_input(path)?;
    check::resolve(report::load_bytes(&bytes, Some(path))?)
}

/// Which files [`build`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Formats {
    /// PDF only.
    Pdf,
    /// DOCX only.
    Docx,
    /// Both (default).
    #[default]
    All,
}

impl Formats {
    /// Whether the PDF is made.
    pub fn pdf(self) -> bool {
        self != Formats::Docx
    }

    /// Whether the DOCX is made.
    pub fn docx(self) -> bool {
        self != Formats::Pdf
    }
}

/// What [`build`] needs besides the report: what a run loads once and every report shares.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The page style (`--style`).
    pub style: &'a style::Style,
    /// The fonts for that style.
    pub fonts: &'a fonts::FontSet,
    /// Last year's report, for the cross-year rules (`--previous`).
    pub previous: Option<&'a check::Resolved>,
    /// Which files to make (`--to`).
    pub formats: Formats,
    /// Make them even when the checks find errors (`--force`); the PDF's pages are then marked
    /// [`FORCED_MARK`].
    pub force: bool,
    /// DOCX settings.
    pub docx: &'a backend::docx::DocxOptions,
    /// Creation date for both files, seconds since the Unix epoch (SOURCE_DATE_EPOCH); none → no
    /// date in the PDF.
    pub epoch: Option<i64>,
}

/// The mark in the margin of every page of a PDF made with `--force` from a report that failed
/// its checks, so that it is never filed by mistake.
pub const FORCED_MARK: &str = "未通过检查";

/// One report's files, in memory.
#[derive(Debug, Default)]
pub struct Outputs {
    /// The PDF, when asked for.
    pub pdf: Option<Vec<u8>>,
    /// The DOCX, when asked for.
    pub docx: Option<Vec<u8>>,
    /// Warnings, and with `--force` the errors made past.
    pub diagnostics: Diagnostics,
    /// The report failed its checks and was made anyway (`--force`): exit code 1.
    pub forced: bool,
}

/// Why [`build`] made nothing.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, each pointing at its file.
    pub diagnostics: Diagnostics,
    /// 1 when the report failed its checks, 2 when it could not be read or typeset.
    pub exit_code: i32,
}

impl From<Diagnostics> for Failure {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure {
            diagnostics,
            exit_code: 2,
        }
    }
}

/// One report file → its PDF and DOCX bytes: the steps of this crate, in order.
pub fn build(input: &Path, opts: &Options) -> Result<Outputs, Failure> {
    // read, load and resolve the report
    let report = load(input)?;
    // check it, against last year's too
    let diagnostics = check::run(&report, opts.previous);
    let forced = has_errors(&diagnostics);
    if forced && !opts.force {
        return Err(Failure {
            diagnostics,
            exit_code: 1,
        });
    }
    // compose the document
    let doc = compose::compose(&report);
    // typeset it, for either file: the DOCX follows the PDF's line breaks (and every character
    // is checked against the fonts)
    let in_input = |d: Diagnostics| -> Failure {
        d.into_iter()
            .map(|x| x.in_file(Some(input)))
            .collect::<Diagnostics>()
            .into()
    };
    let mut layout = typeset::layout(&doc, opts.style, opts.fonts).map_err(in_input)?;
    if forced {
        typeset::mark_pages(&mut layout.pages, FORCED_MARK, opts.style, opts.fonts)
            .map_err(in_input)?;
    }
    // write the PDF
    let meta = backend::pdf::PdfMeta {
        title: doc.title.clone(),
        author: doc.author.clone(),
        epoch: opts.epoch,
    };
    let pdf = if opts.formats.pdf() {
        Some(backend::pdf::write(&layout.pages, opts.fonts, &meta).map_err(in_input)?)
    } else {
        None
    };
    // write the DOCX
    let docx_opts = backend::docx::DocxOptions {
        epoch: opts.docx.epoch.or(opts.epoch),
        ..opts.docx.clone()
    };
    let docx = if opts.formats.docx() {
        let geometry = layout.docx_geometry();
        let bytes = backend::docx::write(&doc, opts.style, &geometry, &docx_opts);
        Some(bytes.map_err(in_input)?)
    } else {
        None
    };
    Ok(Outputs {
        pdf,
        docx,
        diagnostics,
        forced,
    })
}

/// The fonts `render` uses without options (the system's, then the bundled faces), loaded once
/// per run for `check`.
fn check_fonts() -> Option<&'static fonts::FontSet> {
    static FONTS: std::sync::OnceLock<Option<fonts::FontSet>> = std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let style = style::Style::builtin("gbt9704")?;
            fonts::FontSet::load(&style, &fonts::FontOptions::default()).ok()
        })
        .as_ref()
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
    let mut diagnostics = check::run(&res, prev.as_ref());
    // what `render` would refuse: characters no font can draw, with their place
    if let Some(fonts) = check_fonts() {
        diagnostics.extend(check::glyphs::check(&res, fonts));
        diagnostics.sort_by_key(|d| d.pos);
    }
    let exit_code = i32::from(diagnostics.iter().any(|d| d.severity == Severity::Error));
    CheckOutcome {
        diagnostics,
        exit_code,
    }
}
