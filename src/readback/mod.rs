//! `readback`: a published report read back out of a PDF — for `verify` (the tables' rules and
//! the GB/T 9704 layout, located by page and cell) and `import` (this year's YAML started from
//! last year's published file).
//!
//! # Steps
//!
//! - **read** ([`pdf::read`]): PDF bytes → every page's positioned glyphs, rules and fonts (lopdf
//!   parses; ToUnicode maps give the text).
//! - **lines** ([`structure::pages`]): glyphs → printed lines → runs split at wide gaps and rules;
//!   page numbers set apart.
//! - **structure** ([`structure::read`]): lines → title (organ, year, hence the format), lead, the
//!   six sections by their headings, prose paragraphs and sub-headings, and the three tables'
//!   numbers ([`tables::read_table`]), each in its logical row and column.
//! - **yaml** ([`yaml::write`]): the report YAML `check` reads, with a map from each value back to
//!   its page and cell.
//! - **verify** ([`verify::verify`]): `check`'s rules on that YAML, findings moved to the PDF; and
//!   the layout measurements ([`layout::check`]).

pub mod cmd;
pub mod docx;
pub mod layout;
pub mod lines;
pub mod pdf;
pub mod structure;
pub mod tables;
pub mod text;
pub mod verify;
pub mod yaml;

use std::path::Path;

use crate::diag::Diagnostic;

/// Largest PDF accepted: far beyond a report's few hundred KB.
pub const MAX_PDF_BYTES: u64 = 64 * 1024 * 1024;

/// Everything read from one PDF or DOCX.
#[derive(Debug, Clone)]
pub struct Read {
    /// Glyphs, rules and fonts per page (no pages for a DOCX, whose pages Word lays out).
    pub text: pdf::PdfText,
    /// The pages' lines.
    pub pages: structure::Pages,
    /// The report's parts.
    pub report: structure::ReadReport,
}

/// Reads a PDF's or a DOCX's bytes (told apart by their first bytes).
pub fn read_bytes(bytes: &[u8]) -> Result<Read, Diagnostic> {
    if bytes.starts_with(b"PK") {
        let report = docx::read(bytes).map_err(|why| {
            Diagnostic::error("read", format!("无法读取这个 DOCX（{why}）")).with_hint(
                "请确认这是一个完整的 Word 文件；可用 WPS 或 Word 打开后重新保存为 .docx",
            )
        })?;
        return Ok(Read {
            text: pdf::PdfText::default(),
            pages: structure::Pages {
                body: Vec::new(),
                folios: Vec::new(),
            },
            report,
        });
    }
    let text = pdf::read(bytes).map_err(|e| match e {
        pdf::ReadError::Parse(why) => {
            Diagnostic::error("read", format!("无法读取这个 PDF（{why}）"))
                .with_hint("请确认这是一个完整的 PDF 文件；可用 WPS 或 Word 重新“另存为 PDF”")
        }
        pdf::ReadError::Encrypted => {
            Diagnostic::error("read", "这个 PDF 已加密，无法读取").with_hint("请提供未加密的 PDF")
        }
        pdf::ReadError::NoText => Diagnostic::error("read", "这个 PDF 中没有文字（可能是扫描件）")
            .with_hint("请用生成报告的软件（WPS、Word）直接导出 PDF，不要扫描或打印成图片"),
    })?;
    let pages = structure::pages(&text);
    let report = structure::read(&text, &pages);
    Ok(Read {
        text,
        pages,
        report,
    })
}

/// Reads a PDF or DOCX file.
pub fn read_file(path: &Path) -> Result<Read, Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error(
            "io",
            format!("无法读取文件（{}）", crate::diag::io_reason(&e)),
        )
        .in_file(Some(path))
        .with_hint("请检查文件路径是否正确")
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Diagnostic::error("io", "这是一个文件夹，不是 PDF 文件")
            .in_file(Some(path))
            .with_hint("请指定 PDF 文件"));
    }
    // a device (/dev/zero), a pipe or a socket is refused by its type, before it is opened
    if !meta.is_file() {
        return Err(
            Diagnostic::error("io", "这不是普通文件（是设备、管道或套接字）")
                .in_file(Some(path))
                .with_hint("请指定年度报告的 PDF 或 DOCX 文件"),
        );
    }
    let too_large = || {
        Diagnostic::error("io", "文件太大，不像是一份年度报告")
            .in_file(Some(path))
            .with_hint("请指定年度报告的 PDF 文件")
    };
    if meta.len() > MAX_PDF_BYTES {
        return Err(too_large());
    }
    // read through the limit: the file may grow between the look and the read
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path).map_err(io)?, MAX_PDF_BYTES + 1),
        &mut bytes,
    )
    .map_err(io)?;
    if bytes.len() as u64 > MAX_PDF_BYTES {
        return Err(too_large());
    }
    read_bytes(&bytes).map_err(|d| d.in_file(Some(path)))
}

/// A published report (PDF or DOCX) read back and resolved as `check` resolves a YAML — what
/// `new --from` needs to carry last year's numbers over. The `Err` side says what could not be
/// read, or why the numbers read do not resolve.
pub fn load_published(path: &Path) -> Result<crate::check::Resolved, crate::diag::Diagnostics> {
    let read = read_file(path).map_err(|d| vec![d])?;
    let name = path.display().to_string();
    let written = yaml::write(&read.report, &name);
    let report = crate::report::load_str(&written.text, None)?;
    crate::check::resolve(report)
}
