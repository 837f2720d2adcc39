//! Tables: column widths from content, text wrapped inside cells, row heights with rowspans spread,
//! and the row groups that move as units across pages (a rowspan never splits).
//!
//! Works on a resolved grid (`doc::Table`); does not place anything on a page — `flow` does.

use std::ops::Range;

use super::inline::{self, Align, Line};
use super::Config;
use crate::diag::Diagnostic;
use crate::doc::{CellKind, GridEntry, Role, Table};
use crate::fonts::FontSet;

/// Smallest size a number may shrink to before it wraps, as a share of the table size: below this a
/// printed figure gets hard to read.
const MIN_NUMBER_SCALE: f64 = 0.6;
/// Header and label cells wrap no narrower than this many characters when room allows.
const HEADER_MIN_CHARS: f64 = 2.0;
/// Label columns keep at least this many characters per line when room allows (labels read better wide).
const LABEL_MIN_CHARS: f64 = 6.0;

/// A laid-out cell: its position in the grid and its set lines (x relative to the cell's text box).
#[derive(Debug, Clone)]
pub(crate) struct CellBox {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub lines: Vec<Line>,
    pub line_pitch: f64,
    /// Font size the lines use (a shrunk number is smaller).
    pub size: f64,
}

/// A laid-out table, ready to be cut into page chunks.
#[derive(Debug, Clone)]
pub(crate) struct TableLayout {
    /// Column edges from the table's left, pt (`columns + 1` values, the last = table width).
    pub edges: Vec<f64>,
    /// Row heights, pt.
    pub heights: Vec<f64>,
    /// Cells in row-major order.
    pub cells: Vec<CellBox>,
    /// Rows repeated at the top of each continuation page.
    pub header_rows: usize,
    /// Body row groups (after the header rows) that must stay on one page, in order.
    pub groups: Vec<Range<usize>>,
    /// Horizontal cell padding actually used, pt.
    pub pad_x: f64,
}

/// Lays out a table within `cfg.type_width`.
pub(crate) fn layout(
    t: &Table,
    fonts: &FontSet,
    cfg: &Config,
    diags: &mut Vec<Diagnostic>,
) -> TableLayout {
    let size = cfg.size(Role::Table);
    let metric = |_: Role| (size, size);
    let pitch = cfg.table_line_pitch;
    let width = cfg.type_width;
    // shape every cell once
    let mut shaped = Vec::new();
    for (r, row) in t.grid.iter().enumerate() {
        for (c, e) in row.iter().enumerate() {
            if let GridEntry::Cell(cell) = e {
                let place = if cell.origin.place.is_empty() {
                    format!("{}第 {} 行第 {} 列", t.name, r + 1, c + 1)
                } else {
                    cell.origin.place.clone()
                };
                let sh = inline::shape(&[(Role::Table, &cell.text)], fonts, &metric, &place, diags);
                shaped.push((r, c, cell.clone(), sh));
            }
        }
    }
    let natural = |sh: &inline::Shaped| sh.items.iter().map(|i| i.width).sum::<f64>();
    let mut pad_x = cfg.table_padding;
    // column minimum and maximum content widths from single-column cells
    let cols = t.columns.max(1);
    let (mut min, mut max) = (vec![0.0f64; cols], vec![0.0f64; cols]);
    for (_, c, cell, sh) in &shaped {
        if cell.colspan != 1 || cell.kind == CellKind::Caption {
            continue;
        }
        let nat = natural(sh);
        let m = match cell.kind {
            CellKind::Number => nat.min(4.0 * size * 0.6),
            CellKind::Label => nat.min(LABEL_MIN_CHARS * size),
            _ => nat.min(HEADER_MIN_CHARS * size),
        };
        min[*c] = min[*c].max(m);
        max[*c] = max[*c].max(nat);
    }
    // narrow the side padding (to no less than a quarter of it) when the minimums do not fit
    let sum_min: f64 = min.iter().sum();
    if sum_min + 2.0 * pad_x * cols as f64 > width {
        pad_x = ((width - sum_min) / (2.0 * cols as f64))
            .clamp(cfg.table_padding / 4.0, cfg.table_padding);
    }
    let room = width - 2.0 * pad_x * cols as f64;
    let sum_min: f64 = min.iter().sum();
    let sum_max: f64 = max.iter().sum();
    let content: Vec<f64> = if sum_max <= room {
        // everything fits on one line: share the rest in proportion to the natural widths
        let spare = room - sum_max;
        max.iter()
            .map(|m| m + spare * (m + size) / (sum_max + size * cols as f64))
            .collect()
    } else if sum_min <= room {
        // give each column its minimum, then the rest in proportion to how much it still wants
        let want: f64 = (0..cols).map(|i| max[i] - min[i]).sum();
        (0..cols)
            .map(|i| {
                min[i]
                    + if want > 0.0 {
                        (room - sum_min) * (max[i] - min[i]) / want
                    } else {
                        0.0
                    }
            })
            .collect()
    } else {
        min.iter().map(|m| m * room / sum_min).collect()
    };
    let mut edges = vec![0.0];
    for c in &content {
        let last = *edges.last().unwrap_or(&0.0);
        edges.push(last + c + 2.0 * pad_x);
    }
    // set each cell's lines in its box
    let mut cells = Vec::new();
    for (r, c, cell, sh) in shaped {
        let avail = edges[c + cell.colspan.min(cols - c)] - edges[c] - 2.0 * pad_x;
        let align = match cell.kind {
            CellKind::Number | CellKind::Header => Align::Center,
            CellKind::Label | CellKind::Caption => Align::Left,
        };
        let (sh, cell_size) = if cell.kind == CellKind::Number && natural(&sh) > avail {
            // a huge number shrinks to fit, then wraps between digits; it never crosses a rule
            let scale = (avail / natural(&sh)).max(MIN_NUMBER_SCALE);
            let mut sh = sh;
            for it in &mut sh.items {
                it.size *= scale;
                it.width *= scale;
            }
            sh.breaks.iter_mut().for_each(|b| *b = true);
            (sh, size * scale)
        } else {
            (sh, size)
        };
        let lines = inline::set_block(&sh, &|_| avail, 0.0, align, false);
        // centred/left lines were set in `avail`; a left line keeps offset 0
        let lines = lines
            .into_iter()
            .map(|mut l| {
                if align == Align::Left {
                    l.offset = 0.0;
                }
                l
            })
            .collect();
        cells.push(CellBox {
            row: r,
            col: c,
            rowspan: cell.rowspan.max(1),
            colspan: cell.colspan.max(1),
            lines,
            line_pitch: pitch * cell_size / size,
            size: cell_size,
        });
    }
    // row heights: single-row cells first, then rowspans grow their last row if they need more
    let rows = t.grid.len();
    let pad_y = cfg.table_padding;
    let need = |cb: &CellBox| cb.lines.len().max(1) as f64 * cb.line_pitch + 2.0 * pad_y;
    let mut heights = vec![cfg.table_min_row; rows];
    for cb in cells.iter().filter(|c| c.rowspan == 1) {
        heights[cb.row] = heights[cb.row].max(need(cb));
    }
    for cb in cells.iter().filter(|c| c.rowspan > 1) {
        let end = (cb.row + cb.rowspan).min(rows);
        let have: f64 = heights[cb.row..end].iter().sum();
        if need(cb) > have {
            heights[end - 1] += need(cb) - have;
        }
    }
    // groups: rows joined by rowspans move together; a group taller than a page is cut inside its
    // outer spanning cell, which is then drawn again on each page
    let header_rows = t.header_rows.min(rows);
    let max_h = cfg.type_height - heights[..header_rows].iter().sum::<f64>();
    let groups = row_groups(&cells, &heights, header_rows..rows, max_h, pad_y, 0);
    TableLayout {
        edges,
        heights,
        cells,
        header_rows,
        groups,
        pad_x,
    }
}

/// Splits `range` into the smallest runs of rows that no rowspan crosses; a run taller than `max_h`
/// is split again, ignoring the cells that span all of it (at most a few levels deep).
fn row_groups(
    cells: &[CellBox],
    heights: &[f64],
    range: Range<usize>,
    max_h: f64,
    pad_y: f64,
    depth: usize,
) -> Vec<Range<usize>> {
    let s = range.start;
    let mut reach: Vec<usize> = range.clone().map(|r| r + 1).collect();
    // a cut cell is drawn again in every piece: each piece must be tall enough for its text
    let mut min_h: f64 = 0.0;
    for cb in cells.iter().filter(|c| range.contains(&c.row)) {
        let end = (cb.row + cb.rowspan).min(range.end);
        if depth > 0 && cb.row == range.start && end == range.end {
            min_h = min_h.max(cb.lines.len() as f64 * cb.line_pitch + 2.0 * pad_y);
            continue;
        }
        reach[cb.row - s] = reach[cb.row - s].max(end);
    }
    let mut out = Vec::new();
    let mut start = range.start;
    while start < range.end {
        let mut end = reach[start - s];
        let mut r = start;
        while r < end {
            end = end.max(reach[r - s]);
            r += 1;
        }
        let h: f64 = heights[start..end].iter().sum();
        if h > max_h && end - start > 1 && depth < 4 {
            out.extend(row_groups(
                cells,
                heights,
                start..end,
                max_h,
                pad_y,
                depth + 1,
            ));
        } else {
            out.push(start..end);
        }
        start = end;
    }
    if min_h <= 0.0 {
        return out;
    }
    let h = |r: &Range<usize>| heights[r.clone()].iter().sum::<f64>();
    let mut merged: Vec<Range<usize>> = Vec::new();
    let mut acc: Option<Range<usize>> = None;
    for g in out {
        let a = match acc.take() {
            Some(a) => a.start..g.end,
            None => g,
        };
        if h(&a) >= min_h {
            merged.push(a);
        } else {
            acc = Some(a);
        }
    }
    if let Some(a) = acc {
        match merged.last_mut() {
            Some(last) if h(&(last.start..a.end)) <= max_h => last.end = a.end,
            _ => merged.push(a),
        }
    }
    merged
}

impl TableLayout {
    /// Total width, pt.
    pub(crate) fn width(&self) -> f64 {
        *self.edges.last().unwrap_or(&0.0)
    }

    /// Height of rows `r`, pt.
    pub(crate) fn height(&self, r: Range<usize>) -> f64 {
        self.heights[r].iter().sum()
    }

    /// Groups from `gi` that must share a page: caption rows and header-only rows lead into the
    /// first data group after them (a caption never stands alone at a page foot).
    pub(crate) fn keep_run(&self, t: &Table, gi: usize) -> Range<usize> {
        let mut end = gi;
        while end < self.groups.len() && self.is_lead_in(t, &self.groups[end]) {
            end += 1;
        }
        gi..(end + 1).min(self.groups.len())
    }

    /// Height of the groups `gs`, pt.
    pub(crate) fn groups_height(&self, gs: Range<usize>) -> f64 {
        self.groups[gs].iter().map(|g| self.height(g.clone())).sum()
    }

    /// Whether every cell of a group is a caption or a column header.
    fn is_lead_in(&self, t: &Table, g: &Range<usize>) -> bool {
        let mut cells = t.grid[g.clone()].iter().flatten().filter_map(|e| match e {
            GridEntry::Cell(c) => Some(c.kind),
            GridEntry::Merged { .. } => None,
        });
        let mut any = false;
        let all = cells.all(|k| {
            any = true;
            matches!(k, CellKind::Caption | CellKind::Header)
        });
        any && all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Cell, Origin};
    use crate::fonts::FontOptions;
    use crate::style::Style;

    fn cell(text: &str, kind: CellKind, colspan: usize, rowspan: usize) -> GridEntry {
        GridEntry::Cell(Cell {
            text: text.into(),
            colspan,
            rowspan,
            kind,
            origin: Origin::default(),
        })
    }

    #[test]
    fn widths_spans_and_groups() {
        let style = Style::builtin("gbt9704").unwrap();
        let fonts = FontSet::load(
            &style,
            &FontOptions {
                font_dirs: vec![],
                bundled_only: true,
            },
        )
        .unwrap();
        let cfg = Config::new(&style);
        let m = |row, col| GridEntry::Merged { row, col };
        let t = Table {
            name: "表测".into(),
            columns: 3,
            header_rows: 1,
            grid: vec![
                vec![
                    cell("项目", CellKind::Header, 2, 1),
                    m(0, 0),
                    cell("数量", CellKind::Header, 1, 1),
                ], // row 0
                vec![
                    cell("（三）不予公开", CellKind::Label, 1, 2),
                    cell("1.属于国家秘密", CellKind::Label, 1, 1),
                    cell("1000000000000000", CellKind::Number, 1, 1),
                ], // row 1
                vec![
                    m(1, 0),
                    cell("2.其他法律行政法规禁止公开", CellKind::Label, 1, 1),
                    cell("3", CellKind::Number, 1, 1),
                ], // row 2
                vec![
                    cell("总计", CellKind::Label, 2, 1),
                    m(3, 0),
                    cell("4", CellKind::Number, 1, 1),
                ], // row 3
            ],
        };
        let mut d = Vec::new();
        let l = layout(&t, &fonts, &cfg, &mut d);
        assert!(d.is_empty());
        assert!(
            (l.width() - cfg.type_width).abs() < 0.01,
            "table fills the type width"
        );
        // rows 1–2 share a rowspan: one group; row 3 alone
        assert_eq!(l.groups, vec![1..3, 3..4]);
        // the huge number never overflows its cell
        let num = l.cells.iter().find(|c| c.row == 1 && c.col == 2).unwrap();
        let avail = l.edges[3] - l.edges[2] - 2.0 * l.pad_x;
        for line in &num.lines {
            assert!(
                line.offset + line.width <= avail + 0.02,
                "{} > {avail}",
                line.width
            );
        }
    }
}
