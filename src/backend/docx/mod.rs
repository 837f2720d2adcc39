//! `docx`: the `Document` → an editable DOCX (docx-rs, patched to schema order). The only module that
//! uses docx-rs.
//!
//! docx-rs builds the parts (paragraphs, runs, real tables, footers); what it cannot write is patched
//! into its XML (see `../shared/spec/dependencies.md`): `w:lang`, `w:kinsoku`, `w:firstLineChars`,
//! `w:tblHeader`, the document grid, formatted PAGE/NUMPAGES fields, core properties, settings, the
//! font table; then every property element is put into ECMA-376 order and the parts are zipped
//! deterministically with deflate. Geometry follows `../shared/spec/docx-in-libreoffice.md`.
//!
//! Paragraphs and runs carry only what differs from their paragraph style (`GkBody`, `GkTable`,
//! …): alignment, indent, exact line, fonts and size are the style's unless a paragraph or run
//! differs (a line after a table, a run in another face), which keeps the parts small.
//!
//! With the PDF's layout ([`write_fitted`]) the document breaks where the PDF does: each line's
//! character spacing is fitted (`fit`), tables take the PDF's column widths and row heights, rows
//! stay with the next where the PDF keeps them, and text after a table resumes on the PDF's line.

mod arena;
mod fit;
mod measure;
mod package;
mod patch;
pub mod xml;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, Header, InstrText,
    LineSpacing, LineSpacingType, Paragraph, Run, RunFonts, SpecialIndentType, StyleType,
    Table as DTable, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Block, CellKind, Document, GridEntry, Role, Run as DocRun, Table};
use crate::style::{FooterAlign, Style, PT_PER_MM};
use crate::typeset::{Layout, TableGeometry, TextLines};
use measure::{Geometry, TW_PER_PT};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// DOCX options.
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// `--docx-fonts bundled`: write the bundled faces' family names instead of the office names.
    pub bundled_font_names: bool,
    /// Creation/modification date as seconds since the Unix epoch (SOURCE_DATE_EPOCH); none → a fixed date.
    pub epoch: Option<i64>,
}

/// Writes the document as DOCX bytes, with no line fitted to the PDF's breaks (see [`write_fitted`]).
pub fn write(doc: &Document, style: &Style, opts: &DocxOptions) -> Result<Vec<u8>, Diagnostics> {
    write_fitted(doc, style, &Layout::default(), opts)
}

/// Writes the document as DOCX bytes laid out like the PDF: each paragraph's, heading's and table
/// cell's lines spaced so that a word processor breaks them where the PDF does, tables with the
/// PDF's column widths and row heights (`layout`: the typesetter's, for the PDF).
pub fn write_fitted(
    doc: &Document,
    style: &Style,
    layout: &Layout,
    opts: &DocxOptions,
) -> Result<Vec<u8>, Diagnostics> {
    let w = Writer::new(style, opts, layout);
    let parts = w
        .parts(doc)
        .map_err(|e| vec![Diagnostic::error("docx", format!("DOCX 生成失败（{e}）"))])?;
    package::zip(&parts, opts.epoch)
        .map_err(|e| vec![Diagnostic::error("docx", format!("DOCX 打包失败（{e}）"))])
}

/// What the patch pass needs of a table: its header rows and, from the PDF's layout, the rows
/// that open a page with the table's top/bottom cell margin.
struct TableMarks {
    header_rows: usize,
    opens: Option<(Vec<bool>, i32)>,
}

/// The Latin font written beside office CJK fonts.
const LATIN_FONT: &str = "Times New Roman";

/// The paragraph style of a role: (styleId, Chinese name).
fn style_id(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Title => ("GkTitle", "标题"),
        Role::Heading1 => ("GkHeading1", "一级标题"),
        Role::Heading2 => ("GkHeading2", "二级标题"),
        Role::Heading3 => ("GkHeading3", "三级标题"),
        Role::Heading4 => ("GkHeading4", "四级标题"),
        Role::Body => ("GkBody", "正文"),
        Role::Table => ("GkTable", "表格"),
        Role::PageNumber => ("GkPageNumber", "页码"),
        Role::Signature => ("GkSignature", "落款"),
    }
}

/// Top and bottom cell margin of table cells, in twips (as measured in LibreOffice).
const TABLE_CELL_PAD_V: i32 = 40;

/// The style of the running header, when the style has one.
const HEADER_STYLE: (&str, &str) = ("GkHeader", "页眉");

/// A face as written into `w:rFonts`.
#[derive(Debug, Clone, PartialEq)]
struct Face {
    east_asia: String,
    latin: String,
    bold: bool,
}

impl Face {
    /// Every font slot written out (no theme fonts): Latin for ascii/hAnsi/cs, the CJK face for eastAsia.
    fn run_fonts(&self) -> RunFonts {
        RunFonts::new()
            .ascii(&self.latin)
            .hi_ansi(&self.latin)
            .east_asia(&self.east_asia)
            .cs(&self.latin)
    }
}

struct Writer<'a> {
    style: &'a Style,
    opts: &'a DocxOptions,
    /// The PDF's line breaks of paragraphs and headings, by block index.
    lines: &'a BTreeMap<usize, TextLines>,
    /// The PDF's table geometry, by block index.
    tables: &'a BTreeMap<usize, TableGeometry>,
    /// Blocks the PDF starts at a page's top.
    page_starts: &'a BTreeSet<usize>,
    /// Blocks whose last lines the PDF moves to the next page with what follows.
    keep_with_next: &'a BTreeSet<usize>,
    geo: Geometry,
    /// Character spacing (twentieths of a point) that puts body-size text on the character grid.
    grid_spacing: i32,
    /// Each role's face and size (half-points), by `Role as usize`.
    faces: Vec<(Face, usize)>,
}

/// Does this role sit on the body's character grid (and get its tracking)?
fn on_grid(role: Role) -> bool {
    matches!(
        role,
        Role::Body
            | Role::Heading1
            | Role::Heading2
            | Role::Heading3
            | Role::Heading4
            | Role::Signature
    )
}

impl<'a> Writer<'a> {
    fn new(style: &'a Style, opts: &'a DocxOptions, layout: &'a Layout) -> Self {
        let body = style.role(Role::Body).size_pt;
        let geo = measure::geometry(style, body, style.role(Role::PageNumber).size_pt);
        let grid_spacing =
            measure::grid_spacing(geo.type_width as f64 / TW_PER_PT, style.grid.chars, body);
        let mut w = Writer {
            style,
            opts,
            lines: &layout.text,
            tables: &layout.tables,
            page_starts: &layout.page_starts,
            keep_with_next: &layout.keep_with_next,
            geo,
            grid_spacing,
            faces: Vec::new(),
        };
        w.faces = Role::ALL
            .iter()
            .map(|r| (w.face(*r), w.size_hp(*r)))
            .collect();
        w
    }

    /// Do runs of `role` look as the paragraph style of `para` makes them (same face and size)?
    fn as_styled(&self, para: Option<Role>, role: Role) -> bool {
        para.is_some_and(|p| p == role || self.faces[p as usize] == self.faces[role as usize])
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

    fn size_hp(&self, role: Role) -> usize {
        (self.style.role(role).size_pt * 2.0).round() as usize
    }

    fn body_size(&self) -> f64 {
        self.style.role(Role::Body).size_pt
    }

    fn indent_tw(&self) -> i32 {
        measure::pt_tw(self.style.body_indent_chars * self.body_size())
    }

    fn exact(&self) -> LineSpacing {
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(self.geo.line)
            .before(0)
            .after(0)
    }

    /// One docx run of text in a role in a paragraph of style `para`: font properties only where
    /// they differ from the paragraph style's (all of them without one).
    fn run(&self, para: Option<Role>, role: Role, text: &str, spacing: Option<i32>) -> Run {
        let mut r = Run::new().add_text(text);
        if !self.as_styled(para, role) {
            let (f, size) = &self.faces[role as usize];
            r = r.fonts(f.run_fonts()).size(*size);
            if f.bold {
                r = r.bold();
            }
        }
        if let Some(s) = spacing.or_else(|| on_grid(role).then_some(self.grid_spacing)) {
            if s != 0 {
                r = r.character_spacing(s);
            }
        }
        r
    }

    /// Runs for a text: digits and Latin in runs of their own (LibreOffice breaks "2020" otherwise).
    fn runs(&self, para: Option<Role>, role: Role, text: &str, spacing: Option<i32>) -> Vec<Run> {
        split_latin(text)
            .into_iter()
            .map(|seg| self.run(para, role, seg, spacing))
            .collect()
    }

    /// A paragraph in a role's style, which holds its alignment, indent, exact line, widow control
    /// (off) and outline level; headings are kept with the next paragraph.
    fn text_para(&self, role: Role) -> Paragraph {
        let (id, _) = style_id(role);
        let p = Paragraph::new().style(id);
        if let Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 = role {
            p.keep_next(true)
        } else {
            p
        }
    }

    /// A paragraph of runs on the character grid, each line's characters spaced so that a word
    /// processor breaks the lines where the PDF does (see `fit`).
    fn grid_paragraph(&self, role: Role, runs: &[DocRun], lines: Option<&TextLines>) -> Paragraph {
        let indent = match role {
            Role::Title | Role::Signature => 0.0,
            _ => f64::from(self.indent_tw()),
        };
        let width = f64::from(self.geo.type_width);
        self.fitted_runs(self.text_para(role), role, runs, lines, &|i| {
            if i == 0 {
                width - indent
            } else {
                width
            }
        })
    }

    /// Adds `runs` to `p` (of style `para`), one docx run per role, script and spacing; with the
    /// PDF's `lines`, each line's characters get the spacing that makes a word processor break
    /// there too (`measure(i)`: line `i`'s width in the word processor, twips).
    fn fitted_runs(
        &self,
        mut p: Paragraph,
        para: Role,
        runs: &[DocRun],
        lines: Option<&TextLines>,
        measure: &dyn Fn(usize) -> f64,
    ) -> Paragraph {
        // every character that the typesetter saw, with its role and grid spacing
        let chars: Vec<(Role, char)> = runs
            .iter()
            .flat_map(|r| r.text.chars().map(move |c| (r.role, c)))
            .collect();
        let seen: Vec<usize> = (0..chars.len())
            .filter(|&i| !chars[i].1.is_control())
            .collect();
        let base: Vec<i32> = seen
            .iter()
            .map(|&i| self.base_spacing(chars[i].0))
            .collect();
        // a run per role and script (and spacing)
        let group: Vec<u32> = seen
            .iter()
            .map(|&i| (chars[i].0 as u32) << 1 | u32::from(measure::is_latin(chars[i].1)))
            .collect();
        let spacing = match lines {
            Some(tl) if tl.chars.len() == seen.len() => {
                fit::spacing(tl, &base, &group, measure, &measure::is_latin)
            }
            _ => base,
        };
        let mut per_char = vec![None; chars.len()];
        for (k, &i) in seen.iter().enumerate() {
            per_char[i] = Some(spacing[k]);
        }
        let mut i = 0;
        while i < chars.len() {
            let (role, c) = chars[i];
            let key = (role, measure::is_latin(c), per_char[i]);
            let mut j = i + 1;
            while j < chars.len() {
                let (r2, c2) = chars[j];
                let s2 = per_char[j].or(key.2);
                if (r2, measure::is_latin(c2), s2) != key {
                    break;
                }
                j += 1;
            }
            let text: String = chars[i..j].iter().map(|x| x.1).collect();
            p = p.add_run(self.run(Some(para), role, &text, Some(key.2.unwrap_or(0))));
            i = j;
        }
        p
    }

    /// Text after a table resumes on the PDF's grid line: space before it as the PDF leaves below
    /// the table (LibreOffice's table sits `page_lift` higher unless it starts a page).
    fn after_table(&self, p: Paragraph, table: Option<&TableGeometry>) -> Paragraph {
        let Some(g) = table else { return p };
        let lift = if g.ends_on_fresh_page {
            self.page_lift()
        } else {
            0
        };
        let before = (measure::pt_tw(g.gap_after) - lift).max(0);
        p.line_spacing(self.exact().before(before as u32))
    }

    /// A block whose last lines the PDF takes to the next page with the signature: kept with the
    /// next paragraph, at least two lines on either side (widow control), so the word processor
    /// moves them too.
    fn keep_tail(&self, p: Paragraph, bi: usize) -> Paragraph {
        if self.keep_with_next.contains(&bi) {
            p.keep_next(true).widow_control(true)
        } else {
            p
        }
    }

    /// The spacing a role's characters have before any line is fitted: the grid tracking.
    fn base_spacing(&self, role: Role) -> i32 {
        if on_grid(role) {
            self.grid_spacing
        } else {
            0
        }
    }

    fn blank_line(&self) -> Paragraph {
        Paragraph::new().style(style_id(Role::Body).0)
    }

    /// The title, whole parts per line (broken only between them, with a line break), and the
    /// blank lines after it. The title's exact line is taller than the body's so that its glyph
    /// tops, like the body's, land on the 天头; the blank lines take up the difference so that the
    /// body below stays on the page grid.
    fn title(&self, parts: &[String]) -> Vec<Paragraph> {
        let size = self.style.role(Role::Title).size_pt;
        let width = self.geo.type_width as f64 / TW_PER_PT;
        let mut lines: Vec<String> = Vec::new();
        for part in parts {
            match lines.last_mut() {
                Some(l) if (measure::text_em(l) + measure::text_em(part)) * size <= width => {
                    l.push_str(part)
                }
                _ => lines.push(part.clone()),
            }
        }
        let n_lines: f64 = lines
            .iter()
            .map(|l| (measure::text_em(l) * size / width).ceil().max(1.0))
            .sum();
        let pitch = self.geo.line as f64 / TW_PER_PT;
        let title_line = measure::title_line_pt(pitch, self.body_size(), size);
        let blanks = self.style.title_blank_lines_after;
        let mut out = Vec::new();
        let mut p = self.text_para(Role::Title).line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(measure::pt_tw(title_line))
                .before(0)
                .after(0),
        );
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                p = p.add_run(
                    self.run(Some(Role::Title), Role::Title, "", None)
                        .add_break(BreakType::TextWrapping),
                );
            }
            for r in self.runs(Some(Role::Title), Role::Title, l, None) {
                p = p.add_run(r);
            }
        }
        out.push(p);
        if blanks > 0 {
            let b = blanks as f64;
            let blank = ((n_lines + b) * pitch - n_lines * title_line) / b;
            let blank = if blank >= 0.4 * pitch { blank } else { pitch };
            for _ in 0..blanks {
                out.push(
                    self.blank_line().line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Exact)
                            .line(measure::pt_tw(blank))
                            .before(0)
                            .after(0),
                    ),
                );
            }
        }
        out
    }

    fn signature(&self, organ: &str, date: &str) -> (Paragraph, Paragraph) {
        // GB/T 9704 7.3.5.2: organ right-indented two characters, the date below it starting two
        // characters right of the organ's first character; a longer date is right-indented two
        // characters and the organ moves left accordingly.
        let em = self.body_size() + self.grid_spacing as f64 / TW_PER_PT;
        let wo = measure::text_em(organ) * em;
        let wd = measure::text_em(date) * em;
        let two = 2.0 * em;
        let (organ_right, date_right) = if two + wd > wo {
            (two + wd + two - wo, two)
        } else {
            (two, wo - two - wd + two)
        };
        let para = |text: &str, right: f64| {
            let mut p = self.text_para(Role::Signature).indent(
                None,
                None,
                Some(measure::pt_tw(right)),
                None,
            );
            for r in self.runs(Some(Role::Signature), Role::Signature, text, None) {
                p = p.add_run(r);
            }
            p
        };
        (para(organ, organ_right), para(date, date_right.max(two)))
    }

    fn table(&self, t: &Table, geo: Option<&TableGeometry>) -> DTable {
        let size = self.style.role(Role::Table).size_pt;
        let (pad_tw, pad_v, widths) = match geo {
            // the PDF's columns, edges rounded to whole twips
            Some(g) if g.widths.len() == t.columns => {
                let mut edges = vec![0];
                let mut x = 0.0;
                for w in &g.widths {
                    x += w;
                    edges.push(measure::pt_tw(x));
                }
                let widths = edges.windows(2).map(|e| e[1] - e[0]).collect();
                (measure::pt_tw(g.pad_x), self.cell_pad_v(g), widths)
            }
            _ => {
                let pad = measure::mm_tw(self.style.table.padding_mm);
                let widths =
                    measure::column_widths(t, self.geo.type_width, size, pad as f64 / TW_PER_PT);
                (pad, TABLE_CELL_PAD_V, widths)
            }
        };
        let table_w: i32 = widths.iter().sum();
        let span_w = |c: usize, n: usize| widths[c..c + n].iter().sum::<i32>() as usize;
        let rule = ((self.style.table.rule_pt * 8.0).round() as usize).max(2);
        let min_h = (self.style.table.min_row_height_mm * PT_PER_MM * TW_PER_PT).round() as f32;
        let mut rows = Vec::new();
        for (r, row) in t.grid.iter().enumerate() {
            let mut cells = Vec::new();
            for (c, e) in row.iter().enumerate() {
                match e {
                    GridEntry::Cell(cell) => {
                        let left = matches!(cell.kind, CellKind::Label | CellKind::Caption);
                        let keep = geo.is_some_and(|g| g.with_next.get(r) == Some(&true));
                        // the style: centred, exact table line, off the grid, no widow control
                        let mut p = Paragraph::new()
                            .style(style_id(Role::Table).0)
                            .keep_next(keep);
                        if left {
                            p = p.align(AlignmentType::Left);
                        }
                        let cell_w = f64::from(widths[c..c + cell.colspan].iter().sum::<i32>())
                            - 2.0 * f64::from(pad_tw);
                        let p = self.fitted_runs(
                            p,
                            Role::Table,
                            &[DocRun {
                                role: Role::Table,
                                text: cell.text.clone(),
                            }],
                            geo.and_then(|g| g.cells.get(&(r, c))),
                            &|_| cell_w,
                        );
                        let mut tc = TableCell::new()
                            .add_paragraph(p)
                            .width(span_w(c, cell.colspan), WidthType::Dxa)
                            .vertical_align(VAlignType::Center);
                        if cell.colspan > 1 {
                            tc = tc.grid_span(cell.colspan);
                        }
                        if cell.rowspan > 1 {
                            tc = tc.vertical_merge(VMergeType::Restart);
                        }
                        cells.push(tc);
                    }
                    GridEntry::Merged { row: r0, col: c0 } if *r0 != r && *c0 == c => {
                        // the continuation of a vertical merge, as wide as the cell above
                        let span = match &t.grid[*r0][*c0] {
                            GridEntry::Cell(above) => above.colspan,
                            GridEntry::Merged { .. } => 1,
                        };
                        let mut tc = TableCell::new()
                            .add_paragraph(
                                // single line spacing (the style's is the table's exact line)
                                Paragraph::new()
                                    .style(style_id(Role::Table).0)
                                    .line_spacing(single_line()),
                            )
                            .width(span_w(c, span), WidthType::Dxa)
                            .vertical_align(VAlignType::Center)
                            .vertical_merge(VMergeType::Continue);
                        if span > 1 {
                            tc = tc.grid_span(span);
                        }
                        cells.push(tc);
                    }
                    GridEntry::Merged { .. } => {}
                }
            }
            // the PDF's row height (taller by the lift when it opens a page), or the style's minimum
            let h = geo.and_then(|g| g.heights.get(r)).map_or(min_h, |h| {
                let lift = if geo.is_some_and(|g| g.opens_page.get(r) == Some(&true)) {
                    self.page_lift()
                } else {
                    0
                };
                (h * TW_PER_PT).floor() as f32 + lift as f32
            });
            rows.push(
                TableRow::new(cells)
                    .cant_split()
                    .row_height(h)
                    .height_rule(docx_rs::HeightRule::AtLeast),
            );
        }
        let border = |p| {
            TableBorder::new(p)
                .border_type(BorderType::Single)
                .size(rule)
                .color("000000")
        };
        let borders = TableBorders::with_empty()
            .set(border(TableBorderPosition::Top))
            .set(border(TableBorderPosition::Left))
            .set(border(TableBorderPosition::Bottom))
            .set(border(TableBorderPosition::Right))
            .set(border(TableBorderPosition::InsideH))
            .set(border(TableBorderPosition::InsideV));
        let tb = TableCellMargins::new()
            .margin_top(pad_v as usize, WidthType::Dxa)
            .margin_bottom(pad_v as usize, WidthType::Dxa)
            .margin_left(pad_tw as usize, WidthType::Dxa)
            .margin_right(pad_tw as usize, WidthType::Dxa);
        DTable::new(rows)
            .set_grid(widths.iter().map(|w| *w as usize).collect())
            .width(table_w as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
            .margins(tb)
    }

    /// A header/footer paragraph: literal text with `{page}` → PAGE field, `{pages}` → NUMPAGES.
    fn field_paragraph(
        &self,
        role: Role,
        text: &str,
        align: AlignmentType,
        indent_left: i32,
        indent_right: i32,
    ) -> Paragraph {
        let size_hp = match (&self.style.header, role) {
            (Some(h), Role::Body) => (h.size_pt * 2.0).round() as usize,
            _ => self.size_hp(role),
        };
        let mut p = Paragraph::new()
            .style(if role == Role::PageNumber {
                style_id(role).0
            } else {
                HEADER_STYLE.0
            })
            .align(align)
            .snap_to_grid(false)
            .line_spacing(single_line());
        if indent_left != 0 || indent_right != 0 {
            p = p.indent(Some(indent_left), None, Some(indent_right), None);
        }
        let mut rest = text;
        while !rest.is_empty() {
            let next = [("{page}", "PAGE"), ("{pages}", "NUMPAGES")]
                .iter()
                .filter_map(|(k, f)| rest.find(k).map(|i| (i, *k, *f)))
                .min();
            let (lit, field) = match next {
                Some((i, k, f)) => (&rest[..i], Some((k, f))),
                None => (rest, None),
            };
            for r in self.runs_plain(role, lit, size_hp) {
                p = p.add_run(r);
            }
            if let Some((k, f)) = field {
                let base = || self.run(None, role, "", Some(0)).size(size_hp);
                p = p
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Begin, false)
                            .fonts_from(&base()),
                    )
                    .add_run(
                        Run::new()
                            .add_instr_text(InstrText::Unsupported(format!(" {f} ")))
                            .fonts_from(&base()),
                    )
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Separate, false)
                            .fonts_from(&base()),
                    )
                    .add_run(self.run(None, role, "1", Some(0)).size(size_hp))
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::End, false)
                            .fonts_from(&base()),
                    );
                rest = &rest[lit.len() + k.len()..];
            } else {
                rest = "";
            }
        }
        p
    }

    fn runs_plain(&self, role: Role, text: &str, size_hp: usize) -> Vec<Run> {
        split_latin(text)
            .into_iter()
            .map(|seg| self.run(None, role, seg, Some(0)).size(size_hp))
            .collect()
    }

    fn footer_for(&self, odd: bool) -> Footer {
        let inset = measure::pt_tw(
            self.style.footer.inset_chars * self.style.role(Role::PageNumber).size_pt,
        );
        let text = &self.style.footer.text;
        let p = match (self.style.footer.align, odd) {
            (FooterAlign::Outside, true) | (FooterAlign::Right, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Right, 0, inset)
            }
            (FooterAlign::Outside, false) | (FooterAlign::Left, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Left, inset, 0)
            }
            (FooterAlign::Center, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Center, 0, 0)
            }
        };
        Footer::new().add_paragraph(p)
    }

    fn header(&self, doc: &Document) -> Option<Header> {
        let h = self.style.header.as_ref()?;
        let text = h
            .text
            .replace("{title}", &doc.title)
            .replace("{organ}", &doc.author);
        Some(Header::new().add_paragraph(self.field_paragraph(
            Role::Body,
            &text,
            AlignmentType::Center,
            0,
            0,
        )))
    }

    /// The document of the blocks in `blocks` (indices into `doc.blocks`); with `whole`, also the
    /// styles, footers and headers.
    fn build(&self, doc: &Document, blocks: Range<usize>, whole: bool) -> Docx {
        let mut d = Docx::new().page_size(self.geo.width as u32, self.geo.height as u32);
        if whole {
            for (role_style, role) in Role::ALL.iter().map(|r| (style_id(*r), *r)) {
                d = d.add_style(self.paragraph_style(role_style, role));
            }
            if self.style.header.is_some() {
                d = d.add_style(self.paragraph_style(HEADER_STYLE, Role::Body));
            }
        }
        let end = blocks.end;
        for (bi, b) in doc.blocks.iter().enumerate().take(end).skip(blocks.start) {
            let first = bi == 0;
            let lines = self.lines.get(&bi);
            // the PDF's geometry of a table just before this block
            let after = bi
                .checked_sub(1)
                .filter(|p| matches!(doc.blocks[*p], Block::Table(_)))
                .and_then(|p| self.tables.get(&p));
            match b {
                Block::Title { parts } => {
                    for p in self.title(parts) {
                        d = d.add_paragraph(p);
                    }
                }
                Block::Heading { level, text, .. } => {
                    let role = Role::heading(*level);
                    let p = self.grid_paragraph(
                        role,
                        &[DocRun {
                            role,
                            text: text.clone(),
                        }],
                        lines,
                    );
                    d = d.add_paragraph(self.keep_tail(self.after_table(p, after), bi));
                }
                Block::Paragraph { runs, .. } => {
                    let role = runs
                        .iter()
                        .map(|r| r.role)
                        .find(|r| *r == Role::Body)
                        .unwrap_or(Role::Body);
                    let p = self.grid_paragraph(role, runs, lines);
                    d = d.add_paragraph(self.keep_tail(self.after_table(p, after), bi));
                }
                Block::Table(t) => {
                    d = d.add_table(self.table(t, self.tables.get(&bi)));
                }
                Block::Signature { organ, date } => {
                    // the organ and date stay together; where the PDF starts them on a new page
                    // (no room for them and the blank line), so does the DOCX, without that line
                    let (a, b) = self.signature(organ, date);
                    let a = a.keep_next(true);
                    if self.page_starts.contains(&bi) {
                        d = d.add_paragraph(a.page_break_before(true));
                    } else {
                        if !first {
                            d = d.add_paragraph(self.blank_line().keep_next(true));
                        }
                        d = d.add_paragraph(a);
                    }
                    d = d.add_paragraph(b);
                }
            }
        }
        // a table may not end the document (Word needs a paragraph after it)
        if end == doc.blocks.len() && matches!(doc.blocks.last(), Some(Block::Table(_))) {
            d = d.add_paragraph(self.blank_line());
        }
        if !whole {
            return d;
        }
        d = d.footer(self.footer_for(true));
        if self.style.footer.align == FooterAlign::Outside {
            d = d.even_footer(self.footer_for(false));
        }
        if let Some(h) = self.header(doc) {
            d = d.header(h.clone());
            if self.style.footer.align == FooterAlign::Outside {
                d = d.even_header(h);
            }
        }
        d
    }

    fn paragraph_style(&self, (id, name): (&str, &str), role: Role) -> docx_rs::Style {
        let f = self.face(role);
        let size = if id == HEADER_STYLE.0 {
            self.style
                .header
                .as_ref()
                .map_or(self.size_hp(role), |h| (h.size_pt * 2.0).round() as usize)
        } else {
            self.size_hp(role)
        };
        let mut s = docx_rs::Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next(style_id(Role::Body).0)
            .q_format(true)
            .fonts(f.run_fonts())
            .size(size);
        if f.bold {
            s = s.bold();
        }
        match role {
            Role::Title => s = s.align(AlignmentType::Center).line_spacing(self.exact()),
            Role::Table => {
                s = s
                    .snap_to_grid(false)
                    .align(AlignmentType::Center)
                    .line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Exact)
                            .line(measure::pt_tw(self.style.table.line_pitch_pt))
                            .before(0)
                            .after(0),
                    )
            }
            Role::PageNumber => {
                s = s.snap_to_grid(false).line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240)
                        .before(0)
                        .after(0),
                )
            }
            _ if id == HEADER_STYLE.0 => s = s.align(AlignmentType::Center),
            Role::Signature => s = s.align(AlignmentType::Right).line_spacing(self.exact()),
            _ => {
                s = s
                    .align(AlignmentType::Both)
                    .line_spacing(self.exact())
                    .indent(
                        None,
                        Some(SpecialIndentType::FirstLine(self.indent_tw())),
                        None,
                        None,
                    )
            }
        }
        if let Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 = role {
            s = s.outline_lvl(heading_level(role) - 1);
        }
        s
    }

    /// Builds with docx-rs, then patches and orders the XML parts; returns the zip entries in order.
    ///
    /// The document part is made in two halves at once (rayon), each built, patched and ordered on
    /// its own; the second half's body is then put before the first's section properties.
    fn parts(&self, doc: &Document) -> Result<Vec<(String, Vec<u8>)>, String> {
        self.parts_cut_at(doc, split_point(doc))
    }

    /// [`Writer::parts`] with the document part cut before block `m` (`m` = the number of blocks:
    /// not cut).
    fn parts_cut_at(&self, doc: &Document, m: usize) -> Result<Vec<(String, Vec<u8>)>, String> {
        let n = doc.blocks.len();
        let m = m.clamp(1.min(n), n);
        let headers_tables: Vec<TableMarks> = doc
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(bi, b)| match b {
                Block::Table(t) => Some(TableMarks {
                    header_rows: t.header_rows,
                    opens: self
                        .tables
                        .get(&bi)
                        .map(|g| (g.opens_page.clone(), self.cell_pad_v(g))),
                }),
                _ => None,
            })
            .collect();

        let t = doc.blocks[..m]
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count();
        let (first, second) = rayon::join(
            || -> Result<_, String> {
                let x = self.build(doc, 0..m, true).build();
                let d = self.patch_document_part(&x.document, &headers_tables[..t])?;
                Ok((x, d))
            },
            || -> Result<_, String> {
                if m == n {
                    return Ok(None);
                }
                let x = self.build(doc, m..n, false).build();
                self.patch_document_part(&x.document, &headers_tables[t..])
                    .map(Some)
            },
        );
        let (x, document) = first?;
        let document = match second? {
            Some(rest) => splice_body(&document, &rest)?,
            None => document,
        };
        let styles = self.patch_styles_part(&x.styles)?;
        let footers = x
            .footers
            .iter()
            .map(|f| self.patch_header_footer_part(f))
            .collect::<Result<Vec<_>, _>>()?;
        let headers = x
            .headers
            .iter()
            .map(|h| self.patch_header_footer_part(h))
            .collect::<Result<Vec<_>, _>>()?;

        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), x.content_type),
            ("_rels/.rels".into(), x.rels),
            ("docProps/app.xml".into(), x.doc_props.app),
            ("docProps/core.xml".into(), self.core_xml(doc)),
            ("docProps/custom.xml".into(), x.doc_props.custom),
            ("word/_rels/document.xml.rels".into(), x.document_rels),
            ("word/document.xml".into(), document),
            ("word/styles.xml".into(), styles),
            ("word/settings.xml".into(), self.settings_xml()),
            ("word/fontTable.xml".into(), self.font_table_xml()),
            ("word/comments.xml".into(), x.comments),
            ("word/numbering.xml".into(), x.numberings),
            ("word/commentsExtended.xml".into(), x.comments_extended),
            ("word/footnotes.xml".into(), x.footnotes),
        ];
        for (i, h) in headers.into_iter().enumerate() {
            parts.push((format!("word/header{}.xml", i + 1), h));
            if let Some(r) = x.header_rels.get(i) {
                parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r.clone()));
            }
        }
        for (i, f) in footers.into_iter().enumerate() {
            parts.push((format!("word/footer{}.xml", i + 1), f));
            if let Some(r) = x.footer_rels.get(i) {
                parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r.clone()));
            }
        }
        Ok(parts)
    }

    /// How far LibreOffice's lines sit above the PDF's grid: the top margin is lowered by this so
    /// that exact-spaced lines put their glyphs on the 天头 (twips).
    fn page_lift(&self) -> i32 {
        measure::mm_tw(self.style.page.margin_top_mm) - self.geo.top
    }

    /// Top and bottom cell margin (twips) that gives a row the PDF's height: LibreOffice adds the
    /// border's width to each row, so half of it comes off each margin.
    fn cell_pad_v(&self, g: &TableGeometry) -> i32 {
        let rule = (self.style.table.rule_pt * TW_PER_PT / 2.0).round() as i32;
        (measure::pt_tw(g.pad_y) - rule).max(0)
    }

    /// Top (and bottom) cell margin, in twips, for a table row that may open a page: the page's
    /// lines start above the 天头 (see [`measure::geometry`]); the row's glyph tops must not.
    fn page_top_cell_pad(&self) -> i32 {
        let lift_pt = self.style.page.margin_top_mm * PT_PER_MM - self.geo.top as f64 / TW_PER_PT;
        let size = self.style.role(Role::Table).size_pt;
        let inner = measure::LO_BASELINE_FRACTION * self.style.table.line_pitch_pt
            - measure::GLYPH_TOP_EM * size;
        // 0.7 mm inside the checker's 1 mm tolerance
        let want = lift_pt - 0.7 * PT_PER_MM - inner;
        measure::pt_tw(want).max(TABLE_CELL_PAD_V)
    }

    fn core_xml(&self, doc: &Document) -> Vec<u8> {
        let date = package::w3c_date(self.opts.epoch);
        let e = xml::escape;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified><dc:language>zh-CN</dc:language></cp:coreProperties>",
            e(&doc.title),
            e(&doc.author),
            e(&doc.author),
        )
        .into_bytes()
    }

    fn settings_xml(&self) -> Vec<u8> {
        let even_odd = if self.style.footer.align == FooterAlign::Outside {
            "<w:evenAndOddHeaders/>"
        } else {
            ""
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"{}\"/>{even_odd}<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:useFELayout/><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/><w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>",
            measure::pt_tw(self.body_size()) * 2
        )
        .into_bytes()
    }

    /// The font table: every face used, CJK ones marked GB2312 so Word substitutes sensibly.
    fn font_table_xml(&self) -> Vec<u8> {
        let mut names: Vec<(String, bool)> = Vec::new();
        for r in Role::ALL {
            let f = self.face(r);
            for (n, cjk) in [(f.east_asia, true), (f.latin, false)] {
                if !names.iter().any(|(m, _)| *m == n) {
                    names.push((n, cjk));
                }
            }
        }
        let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">");
        for (n, cjk) in names {
            let (charset, family, pitch) = if cjk && n != LATIN_FONT {
                ("86", "modern", "fixed")
            } else {
                ("00", "roman", "variable")
            };
            o.push_str(&format!(
                "<w:font w:name=\"{}\"><w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>",
                xml::escape(&n)
            ));
        }
        o.push_str("</w:fonts>");
        o.into_bytes()
    }
}

fn heading_level(role: Role) -> usize {
    match role {
        Role::Heading1 => 1,
        Role::Heading2 => 2,
        Role::Heading3 => 3,
        _ => 4,
    }
}

/// Where the document is cut in two for [`Writer::parts`]: the first block at which the blocks
/// before hold half the text (a table's cells counted with their structure); `doc.blocks.len()`
/// for a document of one block.
fn split_point(doc: &Document) -> usize {
    let weight = |b: &Block| match b {
        Block::Table(t) => t
            .grid
            .iter()
            .flatten()
            .map(|e| match e {
                GridEntry::Cell(c) => c.text.len() + 64,
                GridEntry::Merged { .. } => 32,
            })
            .sum(),
        Block::Paragraph { runs, .. } => runs.iter().map(|r| r.text.len()).sum::<usize>() + 64,
        Block::Heading { text, .. } => text.len() + 64,
        _ => 64,
    };
    let total: usize = doc.blocks.iter().map(weight).sum();
    let mut acc = 0;
    for (i, b) in doc.blocks.iter().enumerate() {
        if i > 0 && 2 * acc >= total {
            return i;
        }
        acc += weight(b);
    }
    doc.blocks.len()
}

/// The document part `first` with the body of `rest` (the same part's later blocks) put before
/// its section properties.
fn splice_body(first: &[u8], rest: &[u8]) -> Result<Vec<u8>, String> {
    use memchr::memmem;
    let sect = memmem::rfind(first, b"<w:sectPr").ok_or("no section properties")?;
    let start = memmem::find(rest, b"<w:body>").ok_or("no body")? + b"<w:body>".len();
    let end = memmem::rfind(rest, b"<w:sectPr").ok_or("no section properties")?;
    let mut out = Vec::with_capacity(first.len() + end - start);
    out.extend_from_slice(&first[..sect]);
    out.extend_from_slice(&rest[start..end]);
    out.extend_from_slice(&first[sect..]);
    Ok(out)
}

/// Splits text into alternating CJK and Latin (digits, ASCII) segments.
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
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Copies a run's formatting onto a field-character run.
trait FontsFrom {
    fn fonts_from(self, other: &Run) -> Self;
}

impl FontsFrom for Run {
    fn fonts_from(mut self, other: &Run) -> Self {
        self.run_property = other.run_property.clone();
        self
    }
}

/// Single line spacing, nothing before or after (a cell's own spacing, not the style's grid line).
fn single_line() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_made_in_two_halves_is_the_document_made_whole() {
        let style = Style::builtin("gbt9704").unwrap();
        let fonts =
            crate::fonts::FontSet::load(&style, &crate::fonts::FontOptions::bundled()).unwrap();
        let opts = DocxOptions::default();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for sample in ["liwang-2020", "qinghe-2021"] {
            let res = crate::load(&root.join(format!("samples/{sample}.yaml"))).unwrap();
            let doc = crate::compose::compose(&res);
            let layout = crate::typeset::layout(&doc, &style, &fonts).unwrap();
            let w = Writer::new(&style, &opts, &layout);
            let whole = w.parts_cut_at(&doc, doc.blocks.len()).unwrap();
            // at the usual point, and at every block (tables, headings, the signature)
            let cuts = std::iter::once(split_point(&doc)).chain(1..doc.blocks.len());
            for m in cuts {
                let cut = w.parts_cut_at(&doc, m).unwrap();
                assert!(
                    cut == whole,
                    "{sample}: cut before block {m} changes the DOCX"
                );
            }
        }
    }

    #[test]
    fn latin_segments() {
        assert_eq!(
            split_latin("自2021年1月1日起"),
            vec!["自", "2021", "年", "1", "月", "1", "日起"]
        );
        assert_eq!(split_latin("abc"), vec!["abc"]);
        assert_eq!(split_latin(""), vec![""]);
    }
}
