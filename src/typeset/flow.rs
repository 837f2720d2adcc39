//! Flow: stack the document's blocks on the line grid, page by page — titles, headings kept with what
//! follows, paragraphs line by line, tables cut between row groups with header rows repeated, the
//! signature block — then add running headers and page numbers.
//!
//! Every text line sits on a grid line (GB/T 9704: 22 lines per page); a table starts on a grid
//! line's top and the text after it resumes on the next free grid line. A text-only page that would
//! end short (its next block did not fit) is filled by setting its last paragraphs one line looser
//! (clreq §3.5 推出), so full pages keep all their lines.

use super::inline::{self, Align, Line, Shaped};
use super::table::{self, TableLayout};
use super::{
    Config, GlyphRun, Layout, Page, PlacedGlyph, Rule, TableGeometry, TextLines, DASH_LINE_EM,
};
use crate::diag::Diagnostic;
use crate::doc::{Block, Document, Role, Table};
use crate::fonts::FontSet;
use crate::style::{FooterAlign, PT_PER_MM};
use std::collections::{BTreeMap, BTreeSet};

mod loosen;
mod title;

/// Space kept between a table's bottom rule and the next text line's glyph tops, in line pitches.
const AFTER_TABLE_GAP: f64 = 0.2;
/// Most characters a loosened line gives up (clreq 均排: beyond this the spacing looks gappy).
const MAX_LOOSEN_CHARS: usize = 4;
/// Float slack for fitting heights, pt.
const EPS: f64 = 0.01;
/// Slack for a justified line's right edge, pt.
const EPS_WIDTH: f64 = 0.05;

/// A block of text set in lines, kept so that a page can re-set it one line looser.
struct TextBlock {
    sh: Shaped,
    indent: f64,
    align: Align,
    /// A body paragraph (may be loosened; 孤字 rule applies).
    paragraph: bool,
    /// Glyph size of the block, for its baseline on the grid.
    size: f64,
    /// Horizontal offset from the type area's left edge and the measure.
    x: f64,
    measure: f64,
    lines: Vec<Line>,
}

/// A text line on a grid row.
#[derive(Clone, Copy)]
struct Slot {
    block: usize,
    line: usize,
    row: usize,
}

#[derive(Default)]
struct PageBuild {
    slots: Vec<Slot>,
    row: usize,
    has_table: bool,
    has_title: bool,
    runs: Vec<GlyphRun>,
    rules: Vec<Rule>,
}

enum Prepared<'d> {
    Text {
        block: usize,
        heading: bool,
    },
    Table(TableLayout, &'d Table, usize),
    Signature {
        organ: usize,
        date: usize,
        block: usize,
    },
}

struct Flow<'a> {
    cfg: &'a Config,
    texts: Vec<TextBlock>,
    /// (index into the document's blocks, index into `texts`) of paragraphs and headings.
    of_block: Vec<(usize, usize)>,
    /// Table geometry for the DOCX, by block index (page breaks filled in as tables are placed).
    tables: BTreeMap<usize, TableGeometry>,
    /// Blocks placed at the top of a page without a blank line before them (the signature).
    page_starts: BTreeSet<usize>,
    /// Text blocks (indices into `texts`) whose last lines the signature took to its page.
    keep_with_signature: BTreeSet<usize>,
    pages: Vec<PageBuild>,
    cur: PageBuild,
}

/// Lays the document out into pages.
pub(crate) fn flow(
    doc: &Document,
    fonts: &FontSet,
    cfg: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Layout {
    let mut f = Flow {
        cfg,
        texts: Vec::new(),
        of_block: Vec::new(),
        tables: BTreeMap::new(),
        page_starts: BTreeSet::new(),
        keep_with_signature: BTreeSet::new(),
        pages: Vec::new(),
        cur: PageBuild::default(),
    };
    // Every block is shaped and set (or its table measured) on its own, then registered in
    // document order.
    let mut prepared = Vec::new();
    let mut title_block = None;
    for (bi, b) in doc.blocks.iter().enumerate() {
        match make_block(b, fonts, cfg, diags) {
            Made::Title(tb) => title_block = Some(f.add(tb)),
            Made::Text(tb, heading) => {
                let block = f.add(tb);
                f.of_block.push((bi, block));
                prepared.push(Prepared::Text { block, heading });
            }
            Made::Table(tl, geometry, t) => {
                f.tables.insert(bi, geometry);
                prepared.push(Prepared::Table(tl, t, bi))
            }
            Made::Signature(organ, date) => {
                let organ = f.add(organ);
                let date = f.add(date);
                prepared.push(Prepared::Signature {
                    organ,
                    date,
                    block: bi,
                });
            }
        }
    }
    if let Some(tb) = title_block {
        f.cur.has_title = true;
        let n = f.texts[tb].lines.len();
        for line in 0..n {
            f.cur.slots.push(Slot {
                block: tb,
                line,
                row: line,
            });
        }
        f.cur.row = n + cfg.title_blank;
    }
    for i in 0..prepared.len() {
        match &prepared[i] {
            Prepared::Text { block, heading } => {
                if *heading {
                    // a heading never ends a page: it goes with the first piece of what follows
                    let need = f.texts[*block].lines.len() + f.min_rows(&prepared, i + 1);
                    if f.cur.row + need > cfg.lines && f.cur.row > 0 {
                        f.new_page();
                    }
                }
                f.place_text(*block);
            }
            Prepared::Table(tl, t, bi) => f.place_table(tl, t, *bi),
            Prepared::Signature { organ, date, block } => {
                // one blank line below the body, then organ and date together; GB/T 9704 7.3.5:
                // the signature never stands alone on a page, the text's last lines go with it
                if f.cur.row + 3 > cfg.lines {
                    let carried = f.take_tail();
                    f.new_page();
                    for s in carried {
                        f.cur.slots.push(Slot {
                            row: f.cur.row,
                            ..s
                        });
                        f.cur.row += 1;
                    }
                    if f.cur.row > 0 {
                        f.cur.row += 1;
                    }
                } else if f.cur.row > 0 {
                    f.cur.row += 1;
                }
                if f.cur.row == 0 {
                    f.page_starts.insert(*block);
                }
                f.place_text(*organ);
                f.place_text(*date);
            }
        }
    }
    let last = std::mem::take(&mut f.cur);
    f.pages.push(last);
    let lines = f.text_lines();
    let tables = std::mem::take(&mut f.tables);
    let page_starts = std::mem::take(&mut f.page_starts);
    let keep_with_next = f
        .of_block
        .iter()
        .filter(|(_, t)| f.keep_with_signature.contains(t))
        .map(|(b, _)| *b)
        .collect();
    Layout {
        keep_with_next,
        pages: f.finish(doc, fonts, diags),
        text: lines,
        tables,
        page_starts,
    }
}

/// A block shaped and set (or a table measured), before it is placed on pages.
enum Made<'d> {
    Title(TextBlock),
    /// A paragraph or (true) a heading.
    Text(TextBlock, bool),
    Table(TableLayout, TableGeometry, &'d Table),
    /// Organ and date.
    Signature(TextBlock, TextBlock),
}

/// Shapes and sets one block (independent of every other block and of the page).
fn make_block<'d>(
    b: &'d Block,
    fonts: &FontSet,
    cfg: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Made<'d> {
    let metric = |r: Role| cfg.metric(r);
    let full = cfg.type_width;
    match b {
        Block::Title { parts } => {
            let runs: Vec<(Role, &str)> = parts.iter().map(|p| (Role::Title, p.as_str())).collect();
            let sh = inline::shape(&runs, fonts, &metric, "标题", diags);
            // words kept whole, lines balanced (GB/T 9704 7.3.1; see `title`)
            let parts_at: Vec<usize> = parts
                .iter()
                .scan(0, |at, p| {
                    *at += p.chars().filter(|c| !c.is_control()).count();
                    Some(*at)
                })
                .collect();
            let align = if cfg.centred.contains(&Role::Title) {
                Align::Center
            } else {
                Align::Left
            };
            let ranges = title::line_ranges(&sh, &parts_at, full);
            let lines = inline::set_lines(&sh, ranges, &|_| full, 0.0, align);
            Made::Title(TextBlock {
                sh,
                indent: 0.0,
                align,
                paragraph: false,
                size: cfg.size(Role::Title),
                x: 0.0,
                measure: full,
                lines,
            })
        }
        Block::Heading {
            level,
            text,
            origin,
        } => {
            let sh = inline::shape(
                &[(Role::heading(*level), text)],
                fonts,
                &metric,
                &origin.place,
                diags,
            );
            let size = cfg.size(Role::heading(*level));
            Made::Text(
                text_block(sh, cfg.indent, Align::Justify, false, size, 0.0, full),
                true,
            )
        }
        Block::Paragraph { runs, origin } => {
            let runs: Vec<(Role, &str)> = runs.iter().map(|r| (r.role, r.text.as_str())).collect();
            let sh = inline::shape(&runs, fonts, &metric, &origin.place, diags);
            let size = cfg.size(Role::Body);
            Made::Text(
                text_block(sh, cfg.indent, Align::Justify, true, size, 0.0, full),
                false,
            )
        }
        Block::Table(t) => {
            let tl = table::layout(t, fonts, cfg, diags);
            let geometry = tl.geometry(cfg);
            Made::Table(tl, geometry, t)
        }
        Block::Signature { organ, date } => {
            let size = cfg.size(Role::Signature);
            let so = inline::shape(&[(Role::Signature, organ)], fonts, &metric, "落款", diags);
            let sd = inline::shape(&[(Role::Signature, date)], fonts, &metric, "落款", diags);
            let (wo, wd) = (natural(&so), natural(&sd));
            // GB/T 9704 7.3.5.2: organ right-indented 2 字, the date starting 2 字 right of the
            // organ's first character; a longer date is right-indented 2 字 and pushes the organ left
            let two = 2.0 * cfg.char_pitch;
            let organ_x0 = if (full - two - wo) + two + wd <= full - two {
                full - two - wo
            } else {
                full - two - wd - two
            };
            let organ = text_block(so, 0.0, Align::Left, false, size, organ_x0, full - organ_x0);
            let date = text_block(
                sd,
                0.0,
                Align::Left,
                false,
                size,
                organ_x0 + two,
                full - organ_x0 - two,
            );
            Made::Signature(organ, date)
        }
    }
}

/// Breaks and sets a shaped text in `measure` (first line indented by `indent`).
#[allow(clippy::too_many_arguments)]
fn text_block(
    sh: Shaped,
    indent: f64,
    align: Align,
    paragraph: bool,
    size: f64,
    x: f64,
    measure: f64,
) -> TextBlock {
    let lines = inline::set_block(&sh, &|_| measure, indent, align, paragraph);
    TextBlock {
        sh,
        indent,
        align,
        paragraph,
        size,
        x,
        measure,
        lines,
    }
}

/// Width of a shaped text on one line, unadjusted.
fn natural(sh: &Shaped) -> f64 {
    sh.items.iter().map(|i| i.width).sum()
}

impl Flow<'_> {
    /// The final lines of every paragraph and heading (after loosening), by document block.
    fn text_lines(&self) -> BTreeMap<usize, TextLines> {
        self.of_block
            .iter()
            .map(|&(bi, ti)| (bi, TextLines::of(&self.texts[ti].sh, &self.texts[ti].lines)))
            .collect()
    }

    /// Registers a set text block; its index in `texts`.
    fn add(&mut self, tb: TextBlock) -> usize {
        self.texts.push(tb);
        self.texts.len() - 1
    }

    /// Grid rows the first unbreakable piece of block `i` needs (keep-with-next).
    fn min_rows(&self, prepared: &[Prepared], i: usize) -> usize {
        match prepared.get(i) {
            None => 0,
            Some(Prepared::Text {
                block,
                heading: true,
            }) => self.texts[*block].lines.len() + self.min_rows(prepared, i + 1),
            Some(Prepared::Text { .. }) => 1,
            Some(Prepared::Signature { .. }) => 3,
            Some(Prepared::Table(tl, t, _)) => {
                (tl.first_need(t) / self.cfg.line_pitch).ceil() as usize
            }
        }
    }

    /// Takes the last lines of text off the current page to go with the signature onto the next:
    /// two lines of the last paragraph, or all of it when it would leave fewer than two behind, and
    /// a heading left at the page foot with them. Marks the paragraphs so the DOCX does the same.
    fn take_tail(&mut self) -> Vec<Slot> {
        let slots = &self.cur.slots;
        let Some(last) = slots.last() else {
            return Vec::new();
        };
        let b = last.block;
        if !self.texts[b].paragraph || last.line + 1 != self.texts[b].lines.len() {
            return Vec::new();
        }
        let on_page = slots.iter().filter(|s| s.block == b).count();
        let mut take = if on_page >= 4 { 2 } else { on_page };
        // a heading (kept with what follows) goes too
        while take < slots.len() {
            let before = slots[slots.len() - take - 1].block;
            if before == b || self.texts[before].paragraph || self.is_signature_part(before) {
                break;
            }
            take += slots.iter().filter(|s| s.block == before).count();
        }
        if take >= slots.len() {
            return Vec::new();
        }
        let at = slots.len() - take;
        let carried = self.cur.slots.split_off(at);
        self.cur.row = self.cur.slots.last().map_or(0, |s| s.row + 1);
        for s in &carried {
            self.keep_with_signature.insert(s.block);
        }
        carried
    }

    /// Whether text block `b` is the organ or date of a signature (never carried).
    fn is_signature_part(&self, b: usize) -> bool {
        !self.of_block.iter().any(|&(_, t)| t == b)
    }

    fn new_page(&mut self) {
        let mut page = std::mem::take(&mut self.cur);
        let lines = self.cfg.lines;
        if !page.has_table && !page.has_title {
            self.loosen(&mut page, lines);
            // still short: the text page before is set looser too, and its last lines come over
            if page.row < lines {
                self.spill_into(&mut page);
            }
        }
        self.pages.push(page);
    }

    fn place_text(&mut self, block: usize) {
        for line in 0..self.texts[block].lines.len() {
            if self.cur.row >= self.cfg.lines {
                self.new_page();
            }
            let row = self.cur.row;
            self.cur.slots.push(Slot { block, line, row });
            self.cur.row += 1;
        }
    }

    /// Places a table from the current grid line: header rows, then the body rows page by page. A
    /// row group that does not fit is cut between rows so the page is filled (its spanning label
    /// cells drawn again on the next page), under header rows repeated on each page.
    fn place_table(&mut self, tl: &TableLayout, t: &Table, bi: usize) {
        let cfg = self.cfg;
        let rows = tl.heights.len();
        // rows on one page with the next, rows opening a page (for the DOCX)
        let mut with_next = vec![true; rows];
        let mut opens = vec![false; rows];
        let mut fresh_part;
        // rows below a cut may grow (a label drawn again needs its height): a copy per placement
        let mut tl = tl.clone();
        let tl = &mut tl;
        let bottom = cfg.top + cfg.type_height;
        let header_h = tl.height(0..tl.header_rows);
        let mut y = cfg.top + self.cur.row as f64 * cfg.line_pitch;
        if y + tl.first_need(t) > bottom + EPS && self.cur.row > 0 {
            self.new_page();
            y = cfg.top;
        }
        fresh_part = self.cur.row == 0 || y <= cfg.top + EPS;
        if fresh_part && rows > 0 {
            opens[0] = true;
        }
        self.cur.has_table = true;
        self.draw_rows(tl, 0..tl.header_rows, y);
        y += header_h;
        // body rows of this page start at `chunk` (drawn at `chunk_y`), so a cell cut by a page
        // break is drawn as one cell on each page
        let mut chunk = tl.header_rows;
        let mut chunk_y = y;
        for (gi, g) in tl.groups.clone().into_iter().enumerate() {
            let mut at = g.start;
            while at < g.end {
                let fresh = chunk == at;
                let need = if at == g.start {
                    tl.run_need(tl.keep_run(t, gi))
                } else {
                    tl.height(at..tl.min_piece(at, g.end))
                };
                let end = match tl.fit(at, g.end, bottom - y) {
                    Some(end) if y + need <= bottom + EPS => Some(end),
                    _ if fresh => {
                        // nothing fits even on a page of its own: the rows that fit, at least one
                        let fits = (at + 1..=g.end)
                            .rev()
                            .find(|&c| y + tl.height(at..c) <= bottom + EPS);
                        Some(fits.unwrap_or(at + 1))
                    }
                    _ => None,
                };
                if let Some(end) = end {
                    y += tl.height(at..end);
                    at = end;
                    if at == g.end {
                        break;
                    }
                    tl.grow_after_cut(at, g.end);
                }
                // the page is full: its rows are drawn, the rest goes on under repeated header rows
                self.draw_rows(tl, chunk..at, chunk_y);
                if at > 0 {
                    with_next[at - 1] = false;
                }
                opens[if tl.header_rows > 0 {
                    0
                } else {
                    at.min(rows - 1)
                }] = true;
                fresh_part = true;
                self.new_page();
                self.cur.has_table = true;
                y = cfg.top;
                self.draw_rows(tl, 0..tl.header_rows, y);
                y += header_h;
                chunk = at;
                chunk_y = y;
            }
        }
        self.draw_rows(tl, chunk..tl.heights.len(), chunk_y);
        let row = ((y - cfg.top) / cfg.line_pitch + AFTER_TABLE_GAP).ceil() as usize;
        self.cur.row = row;
        if let Some(g) = self.tables.get_mut(&bi) {
            if let Some(last) = with_next.last_mut() {
                *last = false;
            }
            g.with_next = with_next;
            g.opens_page = opens;
            g.gap_after = cfg.top + row as f64 * cfg.line_pitch - y;
            g.ends_on_fresh_page = fresh_part;
        }
    }

    /// Draws rows `rows` of the table with their top at `y` (cells whose top row is in range).
    fn draw_rows(&mut self, tl: &TableLayout, rows: std::ops::Range<usize>, y: f64) {
        let cfg = self.cfg;
        let mut row_y = vec![y];
        for r in rows.clone() {
            let last = *row_y.last().unwrap_or(&y);
            row_y.push(last + tl.heights[r]);
        }
        let left = cfg.left + (cfg.type_width - tl.width()) / 2.0;
        let w = cfg.table_rule;
        // cells overlapping these rows; a cell cut by a page break is drawn (with its text) on both
        for cb in tl
            .cells
            .iter()
            .filter(|c| c.row < rows.end && c.row + c.rowspan > rows.start)
        {
            let start = cb.row.max(rows.start);
            let end = (cb.row + cb.rowspan).min(rows.end);
            let (y0, y1) = (row_y[start - rows.start], row_y[end - rows.start]);
            let cols = tl.edges.len() - 1;
            let (x0, x1) = (
                left + tl.edges[cb.col],
                left + tl.edges[(cb.col + cb.colspan).min(cols)],
            );
            for (a, b, c, d) in [
                (x0, y0, x1, y0),
                (x0, y1, x1, y1),
                (x0, y0, x0, y1),
                (x1, y0, x1, y1),
            ] {
                let r = Rule {
                    x0: a,
                    y0: b,
                    x1: c,
                    y1: d,
                    width: w,
                };
                // a border shared by two cells comes twice: `merge_rules` joins them
                self.cur.rules.push(r);
            }
            let n = cb.lines.len() as f64;
            let block_top = y0 + ((y1 - y0) - n * cb.line_pitch) / 2.0;
            for (i, line) in cb.lines.iter().enumerate() {
                let centre = block_top + (i as f64 + 0.5) * cb.line_pitch;
                let baseline = centre + (super::GLYPH_TOP_EM - 0.5) * cb.size;
                push_line(&mut self.cur.runs, line, x0 + tl.pad_x, baseline);
            }
        }
    }

    /// Turns the built pages into [`Page`]s with headers and page numbers.
    fn finish(self, doc: &Document, fonts: &FontSet, diags: &mut Vec<Diagnostic>) -> Vec<Page> {
        let cfg = self.cfg;
        let total = self.pages.len();
        let mut out = Vec::with_capacity(total);
        for (i, pb) in self.pages.into_iter().enumerate() {
            let number = i + 1;
            let mut runs = Vec::new();
            if let Some(h) = &cfg.header {
                let text = h.text_for(&doc.title, &doc.author);
                let metric = |_: Role| (h.size_pt, h.size_pt);
                let sh = inline::shape(&[(Role::Body, &text)], fonts, &metric, "页眉", diags);
                let line = inline::set_line(
                    &sh.items,
                    0..sh.items.len(),
                    cfg.type_width,
                    Align::Center,
                    true,
                );
                push_line(
                    &mut runs,
                    &line,
                    cfg.left,
                    cfg.top - h.above_type_area_mm * PT_PER_MM,
                );
            }
            for s in &pb.slots {
                let tb = &self.texts[s.block];
                let line = &tb.lines[s.line];
                push_line(
                    &mut runs,
                    line,
                    cfg.left + tb.x,
                    cfg.baseline(s.row, tb.size),
                );
            }
            runs.extend(pb.runs);
            // page number: the dash line `below_type_area_mm` under the type area
            let ft = &cfg.footer;
            let size = cfg.size(Role::PageNumber);
            let text = ft.text_for(&number.to_string(), &total.to_string());
            let metric = |_: Role| (size, size);
            let sh = inline::shape(&[(Role::PageNumber, &text)], fonts, &metric, "页码", diags);
            let line = inline::set_line(
                &sh.items,
                0..sh.items.len(),
                cfg.type_width,
                Align::Left,
                true,
            );
            let inset = ft.inset_chars * size;
            let right = matches!(ft.align, FooterAlign::Right)
                || (ft.align == FooterAlign::Outside && number % 2 == 1);
            let x = match ft.align {
                FooterAlign::Center => cfg.left + (cfg.type_width - line.width) / 2.0,
                _ if right => cfg.left + cfg.type_width - inset - line.width,
                _ => cfg.left + inset,
            };
            let baseline =
                cfg.top + cfg.type_height + ft.below_type_area_mm * PT_PER_MM + DASH_LINE_EM * size;
            push_line(&mut runs, &line, x, baseline);
            out.push(Page {
                width: cfg.page_w,
                height: cfg.page_h,
                number,
                runs,
                rules: table::merge_rules(pb.rules),
                marks: Vec::new(),
            });
        }
        out
    }
}

/// Appends a set line at `x` (its left edge before its own offset) on `baseline`, one run per face
/// and size.
fn push_line(runs: &mut Vec<GlyphRun>, line: &Line, x: f64, baseline: f64) {
    let mut cur: Option<GlyphRun> = None;
    for g in &line.glyphs {
        let pg = PlacedGlyph {
            x: x + line.offset + g.x,
            ..*g
        };
        match &mut cur {
            Some(r) if r.face == g.face && (r.size - g.size).abs() < 1e-9 => r.glyphs.push(pg),
            _ => {
                if let Some(r) = cur.take() {
                    runs.push(r);
                }
                cur = Some(GlyphRun {
                    face: g.face,
                    size: g.size,
                    baseline,
                    glyphs: vec![pg],
                });
            }
        }
    }
    if let Some(r) = cur {
        runs.push(r);
    }
}
