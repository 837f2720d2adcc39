//! `typeset`: a [`Document`] + style + fonts → pages of positioned glyphs and rules (GB/T 9704 grid,
//! clreq line breaking, tables with repeated headers, pagination).
//!
//! Knows nothing of YAML, report semantics or the PDF writer; every length comes from the [`Style`].

mod cjk;
mod flow;
mod inline;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Document, Role};
use crate::fonts::{FaceId, FontSet};
use crate::style::{FooterDef, HeaderDef, Style, PT_PER_MM};

pub use cjk::{word_processor_joins, PunctStyle};

/// Where a CJK glyph's ink box starts above the baseline, in em: the ideographic em box of the
/// bundled faces (and of 仿宋_GB2312/SimSun) spans −0.12…0.88 em. The first line's glyph tops sit on
/// the type area's top edge with this.
pub const GLYPH_TOP_EM: f64 = 0.88;

/// The height of the dash line of "— N —" above the baseline, in em (the middle of the digits).
pub const DASH_LINE_EM: f64 = 0.3;

/// One laid-out page: the contract between `typeset` and the PDF backend.
///
/// Guarantees:
/// - all lengths are in pt, measured from the page's **top-left** corner (y grows downwards);
/// - every glyph is a glyph id of a face of the [`FontSet`] it was typeset with, placed at an
///   absolute x on its run's baseline, carrying the text it stands for (ToUnicode);
/// - glyphs of a run share one face and size and are in reading order, runs in reading order;
/// - every glyph lies inside the type area, except the running header and the page number;
/// - rules are straight segments (table borders), no fills;
/// - `marks` lie in the margin, drawn in light grey (see [`mark_pages`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Paper width, pt.
    pub width: f64,
    /// Paper height, pt.
    pub height: f64,
    /// 1-based page number.
    pub number: usize,
    /// Text, in reading order.
    pub runs: Vec<GlyphRun>,
    /// Ruled lines.
    pub rules: Vec<Rule>,
    /// Light grey text in the margin, apart from the page's content (none on a normal page).
    pub marks: Vec<GlyphRun>,
}

/// Glyphs of one face and size on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// The face.
    pub face: FaceId,
    /// Font size, pt.
    pub size: f64,
    /// Baseline, pt from the page top.
    pub baseline: f64,
    /// The glyphs, left to right.
    pub glyphs: Vec<PlacedGlyph>,
}

/// One glyph at its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    /// The face (same as its run's once in a [`Page`]).
    pub face: FaceId,
    /// Glyph id in the face.
    pub gid: u16,
    /// Font size, pt.
    pub size: f64,
    /// Left edge of the glyph's advance box: from the page's left edge in a [`Page`], from the
    /// line's start inside the typesetter.
    pub x: f64,
    /// The character this glyph stands for (what ToUnicode maps it back to).
    pub ch: char,
}

/// A straight ruled line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Start x, pt.
    pub x0: f64,
    /// Start y, pt from the top.
    pub y0: f64,
    /// End x.
    pub x1: f64,
    /// End y.
    pub y1: f64,
    /// Line width, pt.
    pub width: f64,
}

/// Every setting the typesetter uses, resolved once from the style (all pt).
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Paper size.
    pub page_w: f64,
    /// Paper height.
    pub page_h: f64,
    /// Type area's left edge (订口 margin).
    pub left: f64,
    /// Type area's top edge (天头).
    pub top: f64,
    /// Type area width (156 mm).
    pub type_width: f64,
    /// Type area height (225 mm).
    pub type_height: f64,
    /// Body character pitch: type width / grid chars.
    pub char_pitch: f64,
    /// Line pitch: type height / grid lines.
    pub line_pitch: f64,
    /// Grid lines per page.
    pub lines: usize,
    /// Size of each role.
    pub sizes: BTreeMap<Role, f64>,
    /// Centred roles (`align: center`).
    pub centred: Vec<Role>,
    /// First-line indent, pt.
    pub indent: f64,
    /// Blank grid lines below the title.
    pub title_blank: usize,
    /// Running header.
    pub header: Option<HeaderDef>,
    /// Page-number footer.
    pub footer: FooterDef,
    /// Baseline pitch inside table cells.
    pub table_line_pitch: f64,
    /// Cell padding.
    pub table_padding: f64,
    /// Border width.
    pub table_rule: f64,
    /// Minimum row height.
    pub table_min_row: f64,
}

impl Config {
    /// Resolves the style.
    pub(crate) fn new(style: &Style) -> Config {
        let g = &style.page;
        let sizes = Role::ALL
            .iter()
            .map(|r| (*r, style.role(*r).size_pt))
            .collect();
        let centred = Role::ALL
            .iter()
            .copied()
            .filter(|r| style.role(*r).align.as_deref() == Some("center"))
            .collect();
        Config {
            page_w: g.width_mm * PT_PER_MM,
            page_h: g.height_mm * PT_PER_MM,
            left: g.margin_left_mm * PT_PER_MM,
            top: g.margin_top_mm * PT_PER_MM,
            type_width: style.type_width_pt(),
            type_height: style.type_height_pt(),
            char_pitch: style.char_pitch_pt(),
            line_pitch: style.line_pitch_pt(),
            lines: style.grid.lines as usize,
            sizes,
            centred,
            indent: style.body_indent_chars * style.char_pitch_pt(),
            title_blank: style.title_blank_lines_after as usize,
            header: style.header.clone(),
            footer: style.footer.clone(),
            table_line_pitch: style.table.line_pitch_pt,
            table_padding: style.table.padding_mm * PT_PER_MM,
            table_rule: style.table.rule_pt,
            table_min_row: style.table.min_row_height_mm * PT_PER_MM,
        }
    }

    /// Size of a role, pt.
    pub(crate) fn size(&self, r: Role) -> f64 {
        self.sizes[&r]
    }

    /// Size and full-width slot of a role: text at the body size is tracked to the grid pitch.
    pub(crate) fn metric(&self, r: Role) -> (f64, f64) {
        let s = self.size(r);
        let body = self.size(Role::Body);
        (
            s,
            if (s - body).abs() < 1e-6 {
                self.char_pitch
            } else {
                s
            },
        )
    }

    /// Baseline of grid line `row` for text of `size` whose glyph tops align with the line's top.
    pub(crate) fn baseline(&self, row: usize, size: f64) -> f64 {
        self.top + row as f64 * self.line_pitch + GLYPH_TOP_EM * size
    }
}

/// One character of a text block as the typesetter measured it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineChar {
    /// The character.
    pub ch: char,
    /// Font size, pt.
    pub size: f64,
    /// Natural width on the line, pt: the grid pitch for full-width characters, the advance otherwise.
    pub width: f64,
    /// Set on the character grid (Han, kana, full-width punctuation).
    pub fullwidth: bool,
}

/// How the PDF broke one paragraph or heading into lines: what the DOCX writer follows so that
/// Word processors break the same lines.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLines {
    /// The block's characters in order, control characters skipped.
    pub chars: Vec<LineChar>,
    /// `breaks[i]`: a line may start at character `i` (UAX #14 kept by 禁则).
    pub breaks: Vec<bool>,
    /// The lines, first to last: the characters on each (indices into `chars`, edge spaces
    /// trimmed).
    pub lines: Vec<Range<usize>>,
}

impl TextLines {
    /// The lines of a shaped text as set.
    pub(crate) fn of(sh: &inline::Shaped, lines: &[inline::Line]) -> TextLines {
        TextLines {
            chars: sh
                .items
                .iter()
                .map(|i| LineChar {
                    ch: i.ch,
                    size: i.size,
                    width: i.width,
                    fullwidth: i.fullwidth,
                })
                .collect(),
            breaks: sh.breaks.clone(),
            lines: lines.iter().map(|l| l.items.clone()).collect(),
        }
    }
}

/// A table's geometry as the PDF draws it (before any cut at a page foot).
#[derive(Debug, Clone, PartialEq)]
pub struct TableGeometry {
    /// Column widths, cell padding included, pt.
    pub widths: Vec<f64>,
    /// Row heights, pt.
    pub heights: Vec<f64>,
    /// Left and right cell padding, pt.
    pub pad_x: f64,
    /// Top and bottom cell padding, pt.
    pub pad_y: f64,
    /// Baseline pitch of cell text, pt.
    pub line_pitch: f64,
    /// Each cell's lines, keyed by (row, column) of its top-left grid slot.
    pub cells: BTreeMap<(usize, usize), TextLines>,
    /// Per row: the PDF has the next row on the same page (no page break after it).
    pub with_next: Vec<bool>,
    /// Per row: the PDF draws it first on a page (at the type area's top).
    pub opens_page: Vec<bool>,
    /// From the table's bottom rule to the top of the grid line where the text after it resumes, pt.
    pub gap_after: f64,
    /// The table's last part starts at a page's top.
    pub ends_on_fresh_page: bool,
}

/// Pages plus the line breaks of every paragraph and heading, by index into the document's blocks.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The pages.
    pub pages: Vec<Page>,
    /// Line breaks of paragraphs and headings, keyed by block index.
    pub text: BTreeMap<usize, TextLines>,
    /// Geometry of tables, keyed by block index.
    pub tables: BTreeMap<usize, TableGeometry>,
    /// Blocks the PDF starts at a page's top, without the blank line it puts before them elsewhere
    /// (the signature).
    pub page_starts: BTreeSet<usize>,
    /// Paragraphs and headings whose last lines (two at least) the PDF moves onto the next page
    /// with what follows (the signature, which never stands alone on a page).
    pub keep_with_next: BTreeSet<usize>,
}

impl Layout {
    /// The plain numbers the DOCX writer reads (its own contract, `backend::docx::geometry`):
    /// each table's columns, rows and padding, and the rows the PDF starts a page with.
    pub fn docx_geometry(&self) -> crate::backend::docx::geometry::Geometry {
        use crate::backend::docx::geometry as g;
        let tables = self.tables.iter().map(|(&bi, t)| {
            let page_start_rows = (1..t.heights.len())
                .filter(|&r| t.with_next.get(r - 1) == Some(&false))
                .collect();
            let table = g::TableGeometry {
                widths_pt: t.widths.clone(),
                heights_pt: t.heights.clone(),
                pad_x_pt: t.pad_x,
                pad_y_pt: t.pad_y,
                page_start_rows,
            };
            (bi, table)
        });
        g::Geometry {
            tables: tables.collect(),
            title_lines: g::title_lines(self.pages.first()),
        }
    }
}

/// Lays out the document.
pub fn typeset(doc: &Document, style: &Style, fonts: &FontSet) -> Result<Vec<Page>, Diagnostics> {
    layout(doc, style, fonts).map(|l| l.pages)
}

/// Lays out the document and keeps each paragraph's and heading's line breaks.
pub fn layout(doc: &Document, style: &Style, fonts: &FontSet) -> Result<Layout, Diagnostics> {
    // Resolve every setting from the style once.
    let cfg = Config::new(style);
    let mut diags: Vec<Diagnostic> = Vec::new();
    // Stack the blocks on the line grid, page by page (shapes text, sets lines and tables).
    let layout = flow::flow(doc, fonts, &cfg, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(layout)
}

/// Size of a [`mark_pages`] mark, pt (五号, 10.5 pt: legible, smaller than any text of the page).
const MARK_SIZE: f64 = 10.5;

/// Sets `text` in the top margin of every page, right-aligned with the type area, halfway
/// between the paper's edge and the type area, in the body's face: a mark such as "未通过检查"
/// that the PDF draws in light grey. An error names a character no face can draw.
pub fn mark_pages(
    pages: &mut [Page],
    text: &str,
    style: &Style,
    fonts: &FontSet,
) -> Result<(), Diagnostics> {
    let mut glyphs = Vec::new();
    let mut x = 0.0;
    for ch in text.chars() {
        let hit = fonts.glyph(Role::Body, ch).ok_or_else(|| {
            vec![Diagnostic::error(
                "glyph",
                format!("标记“{text}”中的字符 U+{:04X} 没有字体可以显示", ch as u32),
            )]
        })?;
        glyphs.push(PlacedGlyph {
            face: hit.face,
            gid: hit.gid,
            size: MARK_SIZE,
            x,
            ch,
        });
        x += hit.advance * MARK_SIZE;
    }
    let right = (style.page.width_mm - style.page.margin_right_mm) * PT_PER_MM;
    let baseline = style.page.margin_top_mm * PT_PER_MM / 2.0 + MARK_SIZE / 2.0;
    for p in pages {
        // one run per face, left to right
        let mut runs: Vec<GlyphRun> = Vec::new();
        for g in &glyphs {
            let placed = PlacedGlyph {
                x: right - x + g.x,
                ..*g
            };
            match runs.last_mut() {
                Some(r) if r.face == g.face => r.glyphs.push(placed),
                _ => runs.push(GlyphRun {
                    face: g.face,
                    size: MARK_SIZE,
                    baseline,
                    glyphs: vec![placed],
                }),
            }
        }
        p.marks.extend(runs);
    }
    Ok(())
}
