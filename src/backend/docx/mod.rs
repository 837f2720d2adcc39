//! `docx`: the `Document` → an editable Word file. The only module that uses docx-rs.
//!
//! Editable first: the file says what a clerk's Word would say — built-in styles (`Normal`,
//! `Title`, `heading 1`–`4`, `header`, `footer`) carry the GB/T 9704 settings, with one character
//! spacing per style (the recipe measured in LibreOffice, in the project's DOCX spec), so an edited
//! paragraph reflows like every other; custom styles only for table text and the signature.
//! Word processors break lines themselves; the only fitting left is one spacing for a whole
//! paragraph that would otherwise end with one character alone (`measure::ends_alone`).
//!
//! The route: docx-rs builds the package (page, section, styles, paragraphs and runs, tables with
//! spans and merges, footers with PAGE fields) — `styles` and `body`; one XML step (`fixup`) adds
//! what docx-rs cannot write and puts property elements in ECMA-376 order; the `zip` crate packs
//! the parts with deflate. From the PDF's layout the writer reads only the plain numbers of
//! [`geometry::Geometry`] (table columns and rows, the title's lines).

mod body;
mod fixup;
pub mod geometry;
mod measure;
mod styles;
pub mod xml;

use std::io::Write as _;

use docx_rs::{Docx, RunFonts};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Block, Document, Role};
use crate::style::{FooterAlign, Style};
use geometry::Geometry;
use measure::TW_PER_PT;

/// DOCX options.
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// `--docx-fonts bundled`: write the bundled faces' family names instead of the office names.
    pub bundled_font_names: bool,
    /// Creation/modification date as seconds since the Unix epoch (SOURCE_DATE_EPOCH); none → no
    /// date is written.
    pub epoch: Option<i64>,
}

/// Writes the document as DOCX bytes. `geometry`: the PDF layout's table columns and rows
/// ([`Geometry::default`] to let the DOCX size its tables itself).
pub fn write(
    doc: &Document,
    style: &Style,
    geometry: &Geometry,
    opts: &DocxOptions,
) -> Result<Vec<u8>, Diagnostics> {
    let fail = |what: &str, e: String| vec![Diagnostic::error("docx", format!("{what}（{e}）"))];
    let w = Writer::new(style, opts);
    let built = w.docx(doc, geometry).build();
    let fixes = fixup::Fixes {
        title: &doc.title,
        author: &doc.author,
        epoch: opts.epoch,
        header_rows: doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t.header_rows),
                _ => None,
            })
            .collect(),
        first_line_chars: (style.body_indent_chars * 100.0).round() as i32,
        fonts: w.font_table(),
    };
    let parts = fixup::parts(built, &fixes).map_err(|e| fail("DOCX 生成失败", e))?;
    zip(&parts, opts.epoch).map_err(|e| fail("DOCX 打包失败", e.to_string()))
}

/// Packs the parts with deflate, in order, with a fixed (or the epoch's) time stamp.
fn zip(parts: &[(String, Vec<u8>)], epoch: Option<i64>) -> zip::result::ZipResult<Vec<u8>> {
    let stamp = epoch
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .and_then(|t| {
            use chrono::{Datelike, Timelike};
            zip::DateTime::from_date_and_time(
                u16::try_from(t.year()).ok()?,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        // written as made on Unix on every system: the zip crate otherwise records the host it
        // runs on (DOS on Windows), and the same report would give different bytes there
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        z.start_file(name.as_str(), options)?;
        z.write_all(bytes)?;
    }
    Ok(z.finish()?.into_inner())
}

/// The Latin font written beside office CJK fonts.
const LATIN_FONT: &str = "Times New Roman";

/// A face as written into `w:rFonts`.
#[derive(Debug, Clone, PartialEq)]
struct Face {
    east_asia: String,
    latin: String,
    bold: bool,
}

impl Face {
    /// Every font slot written out (no theme fonts): Latin for ascii/hAnsi/cs, the CJK face for
    /// eastAsia.
    fn run_fonts(&self) -> RunFonts {
        RunFonts::new()
            .ascii(&self.latin)
            .hi_ansi(&self.latin)
            .east_asia(&self.east_asia)
            .cs(&self.latin)
    }
}

/// What every part of the writer shares: the style, the options and the page geometry.
struct Writer<'a> {
    style: &'a Style,
    opts: &'a DocxOptions,
    page: measure::Page,
    /// The style's character spacing (twentieths of a point) for text at the body size.
    spacing: i32,
}

impl<'a> Writer<'a> {
    fn new(style: &'a Style, opts: &'a DocxOptions) -> Self {
        let body = style.role(Role::Body).size_pt;
        let page = measure::page(style, body, style.role(Role::PageNumber).size_pt);
        let spacing =
            measure::grid_spacing(page.type_width as f64 / TW_PER_PT, style.grid.chars, body);
        Writer {
            style,
            opts,
            page,
            spacing,
        }
    }

    fn face(&self, role: Role) -> Face {
        let r = self.style.role(role);
        if self.opts.bundled_font_names {
            let (family, bold) = match r.bundled.as_str() {
                "serif-bold" => ("Gongkai Serif", true),
                "sans" => ("Gongkai Sans", false),
                "kai" => ("Gongkai Kai", false),
                _ => ("Gongkai Serif", false),
            };
            Face {
                east_asia: family.into(),
                latin: family.into(),
                bold,
            }
        } else {
            Face {
                east_asia: r.docx.clone(),
                latin: LATIN_FONT.into(),
                bold: false,
            }
        }
    }

    /// A role's size in half-points.
    fn size_hp(&self, role: Role) -> usize {
        (self.style.role(role).size_pt * 2.0).round() as usize
    }

    fn body_size(&self) -> f64 {
        self.style.role(Role::Body).size_pt
    }

    /// The character spacing a role's style carries: the body's grid tracking for text at the
    /// body size, none for the rest.
    fn role_spacing(&self, role: Role) -> i32 {
        let on_grid = matches!(
            role,
            Role::Body
                | Role::Heading1
                | Role::Heading2
                | Role::Heading3
                | Role::Heading4
                | Role::Signature
        );
        if on_grid && (self.style.role(role).size_pt - self.body_size()).abs() < 1e-6 {
            self.spacing
        } else {
            0
        }
    }

    /// The package: page, styles, footers and headers, then the blocks.
    fn docx(&self, doc: &Document, geometry: &Geometry) -> Docx {
        let p = &self.page;
        let mut d = Docx::new()
            .page_size(p.width as u32, p.height as u32)
            .page_margin(
                docx_rs::PageMargin::new()
                    .top(p.top)
                    .bottom(p.bottom)
                    .left(p.left)
                    .right(p.right)
                    .header(p.header)
                    .footer(p.footer)
                    .gutter(0),
            )
            .default_tab_stop(measure::pt_tw(self.body_size()) as usize * 2);
        // no document grid in effect: exact line spacing places the lines
        d.document = d.document.doc_grid(docx_rs::DocGrid::with_empty());
        // punctuation full-width: Word compresses it otherwise (GB/T 9704's 28 characters a line)
        d.settings = d
            .settings
            .character_spacing_control(docx_rs::CharacterSpacingValues::DoNotCompress);
        d = self.add_styles(d);
        d = d.footer(self.footer(true));
        if self.style.footer.align == FooterAlign::Outside {
            d = d.even_footer(self.footer(false));
        }
        if let Some(h) = self.header(doc) {
            d = d.header(h.clone());
            if self.style.footer.align == FooterAlign::Outside {
                d = d.even_header(h);
            }
        }
        if let Some(epoch) = self.opts.epoch {
            let date = w3c_date(epoch);
            d = d.created_at(&date).updated_at(&date);
        }
        self.add_blocks(d, doc, geometry)
    }
}

/// A W3C date-time (`2022-04-15T05:20:00Z`) for seconds since the Unix epoch.
fn w3c_date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Splits text into alternating CJK and Latin (digits, ASCII) segments: LibreOffice breaks "2020"
/// across lines unless its digits are a run of their own (marked en-US by `fixup`).
fn split_latin(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cur: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let l = measure::is_latin(c);
        if cur.is_some_and(|k| k != l) {
            out.push(&text[start..i]);
            start = i;
        }
        cur = Some(l);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_segments() {
        assert_eq!(
            split_latin("自2021年1月1日起"),
            vec!["自", "2021", "年", "1", "月", "1", "日起"]
        );
        assert_eq!(split_latin("abc"), vec!["abc"]);
        assert!(split_latin("").is_empty());
    }

    #[test]
    fn dates_are_w3c() {
        assert_eq!(w3c_date(1_650_000_000), "2022-04-15T05:20:00Z");
    }
}
