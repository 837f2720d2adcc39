//! The blocks as docx-rs paragraphs and tables. Paragraphs name their style and say only what
//! differs from it: a run in another role's face, and — for a paragraph that would end with one
//! character alone — one character spacing for all its runs.

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Paragraph, Run, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, VMergeType, WidthType,
};

use super::geometry::{Geometry, TableGeometry};
use super::measure::{self, TW_PER_PT};
use super::styles::{exact, style_id};
use super::{split_latin, Writer};
use crate::doc::{Block, CellKind, Document, GridEntry, Role, Run as DocRun, Table as DocTable};
use crate::style::PT_PER_MM;

/// Top and bottom cell margin of table cells without the PDF's geometry, in twips.
const TABLE_CELL_PAD_V: i32 = 40;

/// Most a paragraph is condensed to keep its last character company (twentieths of a point).
const MOST_CONDENSED: i32 = -24;

impl Writer<'_> {
    /// Every block, in order; a blank paragraph after a final table (Word needs one).
    pub(super) fn add_blocks(&self, mut d: Docx, doc: &Document, geometry: &Geometry) -> Docx {
        for (bi, b) in doc.blocks.iter().enumerate() {
            match b {
                Block::Title { parts } => {
                    for p in self.title(parts, &geometry.title_lines) {
                        d = d.add_paragraph(p);
                    }
                }
                Block::Heading { level, text, .. } => {
                    let role = Role::heading(*level);
                    let runs = [DocRun {
                        role,
                        text: text.clone(),
                    }];
                    d = d.add_paragraph(self.paragraph(role, &runs));
                }
                Block::Paragraph { runs, .. } => {
                    d = d.add_paragraph(self.paragraph(Role::Body, runs));
                }
                Block::Table(t) => d = d.add_table(self.table(t, geometry.tables.get(&bi))),
                Block::Signature { organ, date } => {
                    for p in self.signature(bi == 0, organ, date) {
                        d = d.add_paragraph(p);
                    }
                }
            }
        }
        if matches!(doc.blocks.last(), Some(Block::Table(_))) {
            d = d.add_paragraph(Paragraph::new().style(style_id(Role::Body).0));
        }
        d
    }

    /// Runs for a text in a role, in a paragraph of role `para`: digits and Latin in runs of their
    /// own; fonts and size only where the role's face differs from the paragraph style's;
    /// `spacing` only when the paragraph is condensed.
    fn runs(&self, para: Role, role: Role, text: &str, spacing: Option<i32>) -> Vec<Run> {
        let (face, size) = (self.face(role), self.size_hp(role));
        let styled = self.face(para) == face && self.size_hp(para) == size;
        split_latin(text)
            .into_iter()
            .map(|seg| {
                let mut r = Run::new().add_text(seg);
                if !styled {
                    r = r.fonts(face.run_fonts()).size(size);
                    if face.bold {
                        r = r.bold();
                    }
                }
                if let Some(s) = spacing {
                    r = r.character_spacing(s);
                }
                r
            })
            .collect()
    }

    /// A heading or body paragraph in its style; condensed as a whole when a word processor would
    /// leave its last character alone.
    fn paragraph(&self, role: Role, runs: &[DocRun]) -> Paragraph {
        let spacing = self.condensing(role, runs);
        let mut p = Paragraph::new().style(style_id(role).0);
        for r in runs {
            for run in self.runs(role, r.role, &r.text, spacing) {
                p = p.add_run(run);
            }
        }
        p
    }

    /// The one spacing (twentieths of a point) for a paragraph that would otherwise end with one
    /// character alone on its last line, as LibreOffice and Word fill lines (see
    /// `measure::ends_alone`); none for every other paragraph. Latin text is measured at the
    /// widths of Times New Roman and of the bundled serif (`measure::LATIN_WIDTHS`): the spacing
    /// keeps company for the last character in both where one value does, else in the face
    /// this file names.
    fn condensing(&self, role: Role, runs: &[DocRun]) -> Option<i32> {
        let chars: Vec<(char, f64)> = runs
            .iter()
            .flat_map(|r| {
                let size = self.style.role(r.role).size_pt;
                r.text.chars().map(move |c| (c, size))
            })
            .collect();
        let width = f64::from(self.page.type_width) / TW_PER_PT;
        let indent = self.style.body_indent_chars * self.body_size();
        let alone_at = |s: i32, latin: f64| {
            measure::ends_alone(
                &chars,
                width - indent,
                width,
                f64::from(s) / TW_PER_PT,
                latin,
            )
        };
        let named = measure::LATIN_WIDTHS[usize::from(self.opts.bundled_font_names)];
        let alone_any = |s: i32| measure::LATIN_WIDTHS.iter().any(|&k| alone_at(s, k));
        let base = self.role_spacing(role);
        if !alone_any(base) {
            return None;
        }
        (MOST_CONDENSED..base)
            .rev()
            .find(|&s| !alone_any(s))
            .or_else(|| {
                alone_at(base, named)
                    .then(|| (MOST_CONDENSED..base).rev().find(|&s| !alone_at(s, named)))
                    .flatten()
            })
    }

    /// The title, on the lines the PDF set it on (`pdf_lines`, when they hold the title's text), or
    /// else whole parts per line; each line ends with a line break, so that Word and LibreOffice
    /// show the PDF's lines. Then the blank lines after it, which make up the title's taller
    /// lines so that the body below stays on the page grid.
    fn title(&self, parts: &[String], pdf_lines: &[String]) -> Vec<Paragraph> {
        let size = self.style.role(Role::Title).size_pt;
        let width = f64::from(self.page.type_width) / TW_PER_PT;
        let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let lines: Vec<String> = if !pdf_lines.is_empty()
            && bare(&pdf_lines.concat()) == bare(&parts.concat())
        {
            title_lines_in(parts, pdf_lines)
        } else {
            let mut lines: Vec<String> = Vec::new();
            for part in parts {
                match lines.last_mut() {
                    Some(l) if (measure::text_em(l) + measure::text_em(part)) * size <= width => {
                        l.push_str(part)
                    }
                    _ => lines.push(part.clone()),
                }
            }
            lines
        };
        let mut p = Paragraph::new().style(style_id(Role::Title).0);
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            for r in self.runs(Role::Title, Role::Title, l, None) {
                p = p.add_run(r);
            }
        }
        let mut out = vec![p];
        let n_lines: f64 = lines
            .iter()
            .map(|l| (measure::text_em(l) * size / width).ceil().max(1.0))
            .sum();
        let pitch = f64::from(self.page.line) / TW_PER_PT;
        let title_line = measure::title_line_pt(pitch, self.body_size(), size);
        let blanks = self.style.title_blank_lines_after;
        if blanks > 0 {
            let b = f64::from(blanks);
            let blank = ((n_lines + b) * pitch - n_lines * title_line) / b;
            let blank = if blank >= 0.4 * pitch { blank } else { pitch };
            for _ in 0..blanks {
                out.push(
                    Paragraph::new()
                        .style(style_id(Role::Body).0)
                        .line_spacing(exact(measure::pt_tw(blank))),
                );
            }
        }
        out
    }

    /// The signature (GB/T 9704 7.3.5.2), a blank line below the text: the organ two characters
    /// from the right edge, the date on the next line starting two characters right of the
    /// organ's first character; a date longer than that ends two characters from the edge and the
    /// organ moves left. Both are set from the left, so that the date's first character is two
    /// characters right of the organ's whatever the faces' digits measure (the right-hand gaps
    /// follow `measure::lo_width`) and stays put when the date is edited.
    fn signature(&self, first: bool, organ: &str, date: &str) -> Vec<Paragraph> {
        let size = self.body_size();
        let sp = f64::from(self.role_spacing(Role::Signature)) / TW_PER_PT;
        let two = 2.0 * (size + sp);
        let width = f64::from(self.page.type_width) / TW_PER_PT;
        let wo = measure::lo_width(organ, size, sp);
        let wd = measure::lo_width(date, size, sp);
        let organ_left = width - wo - two - (two + wd - wo).max(0.0);
        let sig = style_id(Role::Signature).0;
        // the blank line above as space before: dropped where the signature opens a page
        let before = if first { 0 } else { self.page.line as u32 };
        let mut o = Paragraph::new()
            .style(sig)
            .keep_next(true)
            .line_spacing(docx_rs::LineSpacing::new().before(before))
            .indent(Some(measure::pt_tw(organ_left)), None, None, None);
        for r in self.runs(Role::Signature, Role::Signature, organ, None) {
            o = o.add_run(r);
        }
        let mut d = Paragraph::new().style(sig).indent(
            Some(measure::pt_tw(organ_left + two)),
            None,
            None,
            None,
        );
        for r in self.runs(Role::Signature, Role::Signature, date, None) {
            d = d.add_run(r);
        }
        vec![o, d]
    }

    /// A table with the PDF's columns (or its own, without them): rows that do not split, cells
    /// vertically centred; header rows repeat (`fixup`). Where the PDF starts a page inside a
    /// group of merged rows, the group's label starts again there, so the continued page shows it
    /// as the PDF does.
    fn table(&self, t: &DocTable, geo: Option<&TableGeometry>) -> Table {
        let geo = geo.filter(|g| g.widths_pt.len() == t.columns);
        let rule_half = (self.style.table.rule_pt * TW_PER_PT / 2.0).round() as i32;
        let (widths, pad_x, pad_v) = match geo {
            Some(g) => {
                // the PDF's columns, edges rounded to whole twips
                let mut x = 0.0;
                let mut edges = vec![0];
                for w in &g.widths_pt {
                    x += w;
                    edges.push(measure::pt_tw(x));
                }
                let widths = edges.windows(2).map(|e| e[1] - e[0]).collect();
                let pad_v = (measure::pt_tw(g.pad_y_pt) - rule_half).max(0);
                (widths, measure::pt_tw(g.pad_x_pt), pad_v)
            }
            None => {
                let size = self.style.role(Role::Table).size_pt;
                let pad = measure::mm_tw(self.style.table.padding_mm);
                let w = measure::column_widths(
                    t,
                    self.page.type_width,
                    size,
                    f64::from(pad) / TW_PER_PT,
                );
                (w, pad, TABLE_CELL_PAD_V)
            }
        };
        let span_w = |c: usize, n: usize| widths[c..c + n].iter().sum::<i32>();
        let min_h = measure::pt_tw(self.style.table.min_row_height_mm * PT_PER_MM);
        // any row may open a page (a clerk's edit moves the breaks): every row's text sits low
        // enough for the page's top, in the row height the PDF has
        let top = self.page_top_cell_pad().max(pad_v);
        let bottom = (2 * pad_v - top).max(0);
        let restarts: &[usize] = geo.map_or(&[], |g| &g.page_start_rows);
        let mut rows = Vec::with_capacity(t.grid.len());
        for (r, row) in t.grid.iter().enumerate() {
            let restart = r >= t.header_rows && restarts.contains(&r);
            // a row the PDF puts at a page's top (below the repeated header rows, if any) is as
            // much taller as LibreOffice starts the page higher (see `measure::page`): it does not
            // fit where the PDF's did not, and the rest of the table breaks where the PDF's does
            let lift = if restart { self.page_lift() } else { 0 };
            let h = geo
                .and_then(|g| g.heights_pt.get(r))
                .map_or(min_h, |h| (h * TW_PER_PT).floor() as i32)
                + lift;
            let mut cells = Vec::new();
            for (c, e) in row.iter().enumerate() {
                let (cell, merge) = match e {
                    GridEntry::Cell(cell) => {
                        (cell, (cell.rowspan > 1).then_some(VMergeType::Restart))
                    }
                    GridEntry::Merged { row: r0, col: c0 } if *r0 != r && *c0 == c => {
                        let GridEntry::Cell(above) = &t.grid[*r0][*c0] else {
                            continue;
                        };
                        if restart {
                            (above, Some(VMergeType::Restart))
                        } else {
                            let tc = TableCell::new()
                                .add_paragraph(Paragraph::new().style(style_id(Role::Table).0))
                                .vertical_merge(VMergeType::Continue);
                            cells.push(cell_props(tc, span_w(c, above.colspan), above.colspan));
                            continue;
                        }
                    }
                    GridEntry::Merged { .. } => continue,
                };
                let mut p = Paragraph::new().style(style_id(Role::Table).0);
                if matches!(cell.kind, CellKind::Label | CellKind::Caption) {
                    p = p.align(AlignmentType::Left);
                }
                for run in self.runs(Role::Table, Role::Table, &cell.text, None) {
                    p = p.add_run(run);
                }
                let mut tc = TableCell::new().add_paragraph(p);
                if let Some(m) = merge {
                    tc = tc.vertical_merge(m);
                }
                cells.push(cell_props(tc, span_w(c, cell.colspan), cell.colspan));
            }
            let tr = TableRow::new(cells)
                .cant_split()
                .row_height(h as f32)
                .height_rule(docx_rs::HeightRule::AtLeast);
            rows.push(tr);
        }
        let rule = ((self.style.table.rule_pt * 8.0).round() as usize).max(2);
        let mut borders = TableBorders::new();
        for pos in [
            TableBorderPosition::Top,
            TableBorderPosition::Left,
            TableBorderPosition::Bottom,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ] {
            borders = borders.set(
                TableBorder::new(pos)
                    .border_type(BorderType::Single)
                    .size(rule)
                    .color("000000"),
            );
        }
        let margins = TableCellMargins::new()
            .margin_top(top as usize, WidthType::Dxa)
            .margin_bottom(bottom as usize, WidthType::Dxa)
            .margin_left(pad_x as usize, WidthType::Dxa)
            .margin_right(pad_x as usize, WidthType::Dxa);
        Table::new(rows)
            .set_grid(widths.iter().map(|w| *w as usize).collect())
            .width(widths.iter().sum::<i32>() as usize, WidthType::Dxa)
            .align(docx_rs::TableAlignmentType::Center)
            .indent(0)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
            .margins(margins)
    }

    /// How far LibreOffice starts a page above the 天头, twips.
    fn page_lift(&self) -> i32 {
        measure::mm_tw(self.style.page.margin_top_mm) - self.page.top
    }

    /// Top cell margin (twips) for a table row that may open a page: LibreOffice starts the page
    /// at the lowered top margin (see `measure::page`); the row's glyph tops must not sit above
    /// the 天头.
    fn page_top_cell_pad(&self) -> i32 {
        let lift_pt =
            self.style.page.margin_top_mm * PT_PER_MM - f64::from(self.page.top) / TW_PER_PT;
        let size = self.style.role(Role::Table).size_pt;
        let inner = measure::LO_BASELINE_FRACTION * self.style.table.line_pitch_pt
            - measure::GLYPH_TOP_EM * size;
        // 0.7 mm inside the checker's 1 mm tolerance
        measure::pt_tw(lift_pt - 0.7 * PT_PER_MM - inner).max(TABLE_CELL_PAD_V)
    }
}

/// The title's own text (its spaces kept) cut where the PDF's lines end.
fn title_lines_in(parts: &[String], pdf_lines: &[String]) -> Vec<String> {
    let text = parts.concat();
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    for l in pdf_lines {
        let mut line = String::new();
        let mut need = l.chars().filter(|c| !c.is_whitespace()).count();
        while need > 0 {
            let Some(c) = chars.next() else { break };
            if !c.is_whitespace() {
                need -= 1;
            }
            line.push(c);
        }
        // spaces at a break belong to neither line
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        out.push(line.trim().to_string());
    }
    out.retain(|l| !l.is_empty());
    out
}

/// A cell's width and span, centred vertically.
fn cell_props(tc: TableCell, width: i32, span: usize) -> TableCell {
    let tc = tc
        .width(width as usize, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    if span > 1 {
        tc.grid_span(span)
    } else {
        tc
    }
}
