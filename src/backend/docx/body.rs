//! The document part's body — paragraphs, runs and tables — written straight into one buffer.
//!
//! docx-rs builds the package around it (styles, footers, headers, relationships, the section);
//! the body is most of a report's DOCX, and building it as docx-rs elements, serialising them and
//! patching the result (see `patch`) cost ~18 M instructions per report, twice the PDF's share.
//! The body written here is what that pipeline produced, byte for byte: the same elements, the
//! properties each paragraph and run has beyond its paragraph style, in ECMA-376 order, `w:lang`
//! en-US on Latin runs, `w:tblHeader` on header rows, the cell margins of rows that open a page
//! in the PDF (a unit test checks the order against the schema sort of `arena`).

use std::fmt::Write as _;

use super::{measure, on_grid, style_id, Writer, TABLE_CELL_PAD_V};
use crate::doc::{Block, CellKind, Document, GridEntry, Role, Run as DocRun, Table};
use crate::style::PT_PER_MM;
use crate::typeset::{TableGeometry, TextLines};
use measure::TW_PER_PT;

/// A paragraph's properties beyond its style (written in ECMA-376 order).
#[derive(Debug, Clone, Copy)]
struct PPr {
    style: &'static str,
    keep_next: bool,
    page_break_before: bool,
    /// `w:widowControl` on (the styles turn it off).
    widow_control: bool,
    /// Exact line spacing: (space before, line), twips.
    exact: Option<(i32, i32)>,
    /// Single line spacing (a merged cell's empty paragraph).
    single: bool,
    /// Right indent (left 0), twips.
    ind_right: Option<i32>,
    jc: Option<&'static str>,
}

impl PPr {
    fn of(role: Role) -> PPr {
        PPr {
            style: style_id(role).0,
            keep_next: matches!(
                role,
                Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4
            ),
            page_break_before: false,
            widow_control: false,
            exact: None,
            single: false,
            ind_right: None,
            jc: None,
        }
    }

    /// Opens the paragraph and writes its properties.
    fn open(&self, o: &mut String) {
        o.push_str("<w:p><w:pPr><w:pStyle w:val=\"");
        o.push_str(self.style);
        o.push_str("\"/>");
        if self.keep_next {
            o.push_str("<w:keepNext/>");
        }
        if self.page_break_before {
            o.push_str("<w:pageBreakBefore/>");
        }
        if self.widow_control {
            o.push_str("<w:widowControl w:val=\"1\"/>");
        }
        if let Some((before, line)) = self.exact {
            let _ = write!(
                o,
                "<w:spacing w:before=\"{before}\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/>"
            );
        } else if self.single {
            o.push_str(
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            );
        }
        if let Some(r) = self.ind_right {
            let _ = write!(o, "<w:ind w:left=\"0\" w:right=\"{r}\"/>");
        }
        if let Some(j) = self.jc {
            o.push_str("<w:jc w:val=\"");
            o.push_str(j);
            o.push_str("\"/>");
        }
        o.push_str("</w:pPr>");
    }
}

/// Text as docx-rs escapes it (`\r` dropped, `\n` as a character reference).
fn push_text(o: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#xA;"),
            '\r' => {}
            _ => o.push(c),
        }
    }
}

impl Writer<'_> {
    /// The body's XML: every block of `doc`, then a blank paragraph if a table ends it (Word
    /// needs a paragraph after a table).
    pub(super) fn body_xml(&self, doc: &Document) -> String {
        let mut o = String::with_capacity(4096 + doc.blocks.len() * 1024);
        for (bi, b) in doc.blocks.iter().enumerate() {
            let lines = self.lines.get(&bi);
            // the PDF's geometry of a table just before this block
            let after = bi
                .checked_sub(1)
                .filter(|p| matches!(doc.blocks[*p], Block::Table(_)))
                .and_then(|p| self.tables.get(&p));
            match b {
                Block::Title { parts } => self.title_xml(&mut o, parts),
                Block::Heading { level, text, .. } => {
                    let role = Role::heading(*level);
                    let runs = [DocRun {
                        role,
                        text: text.clone(),
                    }];
                    self.grid_paragraph_xml(&mut o, bi, role, &runs, lines, after);
                }
                Block::Paragraph { runs, .. } => {
                    self.grid_paragraph_xml(&mut o, bi, Role::Body, runs, lines, after);
                }
                Block::Table(t) => self.table_xml(&mut o, t, self.tables.get(&bi)),
                Block::Signature { organ, date } => self.signature_xml(&mut o, bi, organ, date),
            }
        }
        if matches!(doc.blocks.last(), Some(Block::Table(_))) {
            PPr::of(Role::Body).open(&mut o);
            o.push_str("</w:p>");
        }
        o
    }

    /// One run of text in a role, in a paragraph of style `para`: font properties only where they
    /// differ from the paragraph style's; the grid tracking (or `spacing`); `w:lang` en-US when
    /// all of it is Latin; with `brk`, a line break after the text.
    fn run_xml(
        &self,
        o: &mut String,
        para: Option<Role>,
        role: Role,
        text: &str,
        spacing: Option<i32>,
        brk: bool,
    ) {
        let styled = self.as_styled(para, role);
        let spacing = spacing
            .or_else(|| on_grid(role).then_some(self.grid_spacing))
            .filter(|s| *s != 0);
        let kept = |c: &char| *c != '\r';
        let any = text.chars().any(|c| kept(&c));
        let latin = any && text.chars().filter(kept).all(measure::is_latin);
        o.push_str("<w:r>");
        if !styled || spacing.is_some() || latin {
            o.push_str("<w:rPr>");
            let face = (!styled).then(|| &self.faces[role as usize]);
            if let Some((f, _)) = face {
                o.push_str("<w:rFonts w:ascii=\"");
                o.push_str(&f.latin);
                o.push_str("\" w:hAnsi=\"");
                o.push_str(&f.latin);
                o.push_str("\" w:cs=\"");
                o.push_str(&f.latin);
                o.push_str("\" w:eastAsia=\"");
                o.push_str(&f.east_asia);
                o.push_str("\"/>");
                if f.bold {
                    o.push_str("<w:b/><w:bCs/>");
                }
            }
            if let Some(s) = spacing {
                let _ = write!(o, "<w:spacing w:val=\"{s}\"/>");
            }
            if let Some((_, size)) = face {
                let _ = write!(o, "<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>");
            }
            if latin {
                o.push_str("<w:lang w:val=\"en-US\" w:eastAsia=\"en-US\"/>");
            }
            o.push_str("</w:rPr>");
        }
        if !any {
            o.push_str("<w:t xml:space=\"preserve\"/>");
        } else {
            if text.chars().filter(kept).any(char::is_whitespace) {
                o.push_str("<w:t xml:space=\"preserve\">");
            } else {
                o.push_str("<w:t>");
            }
            push_text(o, text);
            o.push_str("</w:t>");
        }
        if brk {
            o.push_str("<w:br w:type=\"textWrapping\"/>");
        }
        o.push_str("</w:r>");
    }

    /// Runs for a text: digits and Latin in runs of their own (LibreOffice breaks "2020" otherwise).
    fn runs_xml(&self, o: &mut String, role: Role, text: &str) {
        for seg in super::split_latin(text) {
            self.run_xml(o, Some(role), role, seg, None, false);
        }
    }

    /// A heading or paragraph on the character grid, each line's characters spaced so that a word
    /// processor breaks the lines where the PDF does (see `fit`); text after a table resumes on
    /// the PDF's grid line; a block whose last lines the PDF takes to the next page with what
    /// follows is kept with it, two lines at least on either side (widow control).
    fn grid_paragraph_xml(
        &self,
        o: &mut String,
        bi: usize,
        role: Role,
        runs: &[DocRun],
        lines: Option<&TextLines>,
        after: Option<&TableGeometry>,
    ) {
        let mut p = PPr::of(role);
        if let Some(g) = after {
            // LibreOffice's table sits `page_lift` higher unless it starts a page
            let lift = if g.ends_on_fresh_page {
                self.page_lift()
            } else {
                0
            };
            let before = (measure::pt_tw(g.gap_after) - lift).max(0);
            p.exact = Some((before, self.geo.line));
        }
        if self.keep_with_next.contains(&bi) {
            p.keep_next = true;
            p.widow_control = true;
        }
        p.open(o);
        let indent = match role {
            Role::Title | Role::Signature => 0.0,
            _ => f64::from(self.indent_tw()),
        };
        let width = f64::from(self.geo.type_width);
        self.fitted_runs_xml(o, role, runs, lines, &|i| {
            if i == 0 {
                width - indent
            } else {
                width
            }
        });
        o.push_str("</w:p>");
    }

    /// Writes `runs` (in a paragraph of style `para`), one docx run per role, script and spacing;
    /// with the PDF's `lines`, each line's characters get the spacing that makes a word processor
    /// break there too (`measure(i)`: line `i`'s width in the word processor, twips).
    fn fitted_runs_xml(
        &self,
        o: &mut String,
        para: Role,
        runs: &[DocRun],
        lines: Option<&TextLines>,
        measure: &dyn Fn(usize) -> f64,
    ) {
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
                super::fit::spacing(tl, &base, &group, measure, &measure::is_latin)
            }
            _ => base,
        };
        let mut per_char = vec![None; chars.len()];
        for (k, &i) in seen.iter().enumerate() {
            per_char[i] = Some(spacing[k]);
        }
        let mut text = String::new();
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
            text.clear();
            text.extend(chars[i..j].iter().map(|x| x.1));
            self.run_xml(o, Some(para), role, &text, Some(key.2.unwrap_or(0)), false);
            i = j;
        }
    }

    /// The title, whole parts per line (broken only between them, with a line break), and the
    /// blank lines after it. The title's exact line is taller than the body's so that its glyph
    /// tops, like the body's, land on the 天头; the blank lines take up the difference so that the
    /// body below stays on the page grid.
    fn title_xml(&self, o: &mut String, parts: &[String]) {
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
        let mut p = PPr::of(Role::Title);
        p.exact = Some((0, measure::pt_tw(title_line)));
        p.open(o);
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                self.run_xml(o, Some(Role::Title), Role::Title, "", None, true);
            }
            self.runs_xml(o, Role::Title, l);
        }
        o.push_str("</w:p>");
        let blanks = self.style.title_blank_lines_after;
        if blanks > 0 {
            let b = blanks as f64;
            let blank = ((n_lines + b) * pitch - n_lines * title_line) / b;
            let blank = if blank >= 0.4 * pitch { blank } else { pitch };
            let mut p = PPr::of(Role::Body);
            p.exact = Some((0, measure::pt_tw(blank)));
            for _ in 0..blanks {
                p.open(o);
                o.push_str("</w:p>");
            }
        }
    }

    /// The organ and the date (GB/T 9704 7.3.5.2: organ right-indented two characters, the date
    /// below it starting two characters right of the organ's first character; a longer date is
    /// right-indented two characters and the organ moves left accordingly). They stay together;
    /// where the PDF starts them on a new page (no room for them and the blank line), so does the
    /// DOCX, without that line.
    fn signature_xml(&self, o: &mut String, bi: usize, organ: &str, date: &str) {
        let em = self.body_size() + self.grid_spacing as f64 / TW_PER_PT;
        let wo = measure::text_em(organ) * em;
        let wd = measure::text_em(date) * em;
        let two = 2.0 * em;
        let (organ_right, date_right) = if two + wd > wo {
            (two + wd + two - wo, two)
        } else {
            (two, wo - two - wd + two)
        };
        let new_page = self.page_starts.contains(&bi);
        if !new_page && bi != 0 {
            let mut blank = PPr::of(Role::Body);
            blank.keep_next = true;
            blank.open(o);
            o.push_str("</w:p>");
        }
        for (text, right, keep) in [
            (organ, organ_right, true),
            (date, date_right.max(two), false),
        ] {
            let mut p = PPr::of(Role::Signature);
            p.keep_next = keep;
            p.page_break_before = keep && new_page;
            p.ind_right = Some(measure::pt_tw(right));
            p.open(o);
            self.runs_xml(o, Role::Signature, text);
            o.push_str("</w:p>");
        }
    }

    /// A table with the PDF's column widths and row heights (or the style's, without a layout):
    /// rows that do not split, header rows repeated, each cell's lines fitted like a paragraph's.
    fn table_xml(&self, o: &mut String, t: &Table, geo: Option<&TableGeometry>) {
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
                let widths: Vec<i32> = edges.windows(2).map(|e| e[1] - e[0]).collect();
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
        let span_w = |c: usize, n: usize| widths[c..c + n].iter().sum::<i32>();
        let rule = ((self.style.table.rule_pt * 8.0).round() as usize).max(2);
        let min_h = (self.style.table.min_row_height_mm * PT_PER_MM * TW_PER_PT).round() as f32;
        let _ = write!(
            o,
            "<w:tbl><w:tblPr><w:tblW w:w=\"{table_w}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblBorders>"
        );
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ = write!(
                o,
                "<w:{side} w:val=\"single\" w:sz=\"{rule}\" w:space=\"0\" w:color=\"000000\"/>"
            );
        }
        let _ = write!(
            o,
            "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"{pad_v}\" w:type=\"dxa\"/><w:left w:w=\"{pad_tw}\" w:type=\"dxa\"/><w:bottom w:w=\"{pad_v}\" w:type=\"dxa\"/><w:right w:w=\"{pad_tw}\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>"
        );
        for w in &widths {
            let _ = write!(o, "<w:gridCol w:w=\"{w}\" w:type=\"dxa\"/>");
        }
        o.push_str("</w:tblGrid>");
        let lift = self.page_lift();
        let page_top_pad = self.page_top_cell_pad();
        for (r, row) in t.grid.iter().enumerate() {
            // the PDF's row height (taller by the lift when it opens a page), or the style's minimum
            let opens_pdf = geo.is_some_and(|g| g.opens_page.get(r) == Some(&true));
            let h = geo.and_then(|g| g.heights.get(r)).map_or(min_h, |h| {
                (h * TW_PER_PT).floor() as f32 + if opens_pdf { lift as f32 } else { 0.0 }
            });
            let _ = write!(
                o,
                "<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"{h}\" w:hRule=\"atLeast\"/>"
            );
            if r < t.header_rows {
                o.push_str("<w:tblHeader/>");
            }
            o.push_str("</w:trPr>");
            // a row that opens a page in the PDF (without the PDF's layout: any row that can)
            // keeps its text below the 天头 although LibreOffice starts it above it
            let (opens, top, bottom) = match geo {
                Some(g) => {
                    let pad = self.cell_pad_v(g);
                    (opens_pdf, pad + lift, pad)
                }
                None => (r == 0 || t.header_rows == 0, page_top_pad, page_top_pad),
            };
            let mar = (opens && top > 0).then_some((top, bottom));
            let keep = geo.is_some_and(|g| g.with_next.get(r) == Some(&true));
            for (c, e) in row.iter().enumerate() {
                match e {
                    GridEntry::Cell(cell) => {
                        cell_open(
                            o,
                            span_w(c, cell.colspan),
                            cell.colspan,
                            (cell.rowspan > 1).then_some("restart"),
                            mar,
                        );
                        // the style: centred, exact table line, off the grid, no widow control
                        let mut p = PPr::of(Role::Table);
                        p.keep_next = keep;
                        if matches!(cell.kind, CellKind::Label | CellKind::Caption) {
                            p.jc = Some("left");
                        }
                        p.open(o);
                        let cell_w = f64::from(widths[c..c + cell.colspan].iter().sum::<i32>())
                            - 2.0 * f64::from(pad_tw);
                        self.fitted_runs_xml(
                            o,
                            Role::Table,
                            &[DocRun {
                                role: Role::Table,
                                text: cell.text.clone(),
                            }],
                            geo.and_then(|g| g.cells.get(&(r, c))),
                            &|_| cell_w,
                        );
                        o.push_str("</w:p></w:tc>");
                    }
                    GridEntry::Merged { row: r0, col: c0 } if *r0 != r && *c0 == c => {
                        // the continuation of a vertical merge, as wide as the cell above
                        let span = match &t.grid[*r0][*c0] {
                            GridEntry::Cell(above) => above.colspan,
                            GridEntry::Merged { .. } => 1,
                        };
                        cell_open(o, span_w(c, span), span, Some("continue"), mar);
                        // single line spacing (the style's is the table's exact line)
                        let mut p = PPr::of(Role::Table);
                        p.single = true;
                        p.open(o);
                        o.push_str("</w:p></w:tc>");
                    }
                    GridEntry::Merged { .. } => {}
                }
            }
            o.push_str("</w:tr>");
        }
        o.push_str("</w:tbl>");
    }
}

/// Opens a table cell and writes its properties: width, span, vertical merge, margins (top,
/// bottom) of a row that opens a page, centred vertically.
fn cell_open(
    o: &mut String,
    width: i32,
    span: usize,
    vmerge: Option<&str>,
    mar: Option<(i32, i32)>,
) {
    let _ = write!(o, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if span > 1 {
        let _ = write!(o, "<w:gridSpan w:val=\"{span}\"/>");
    }
    if let Some(v) = vmerge {
        let _ = write!(o, "<w:vMerge w:val=\"{v}\"/>");
    }
    if let Some((top, bottom)) = mar {
        let _ = write!(
            o,
            "<w:tcMar><w:top w:w=\"{top}\" w:type=\"dxa\"/><w:bottom w:w=\"{bottom}\" w:type=\"dxa\"/></w:tcMar>"
        );
    }
    o.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
}
