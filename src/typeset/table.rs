//! Tables: column widths from content, text wrapped inside cells, row heights with rowspans spread,
//! and the row groups that move as units across pages (a rowspan never splits).
//!
//! Works on a resolved grid (`doc::Table`); does not place anything on a page — `flow` does.

use std::ops::Range;

use super::inline::{self, Align, Line};
use super::{Config, Rule, TableGeometry, TextLines};
use crate::diag::Diagnostic;
use crate::doc::{CellKind, GridEntry, Role, Table};
use crate::fonts::FontSet;
use std::collections::BTreeMap;

/// Float slack for fitting heights, pt.
const EPS: f64 = 0.01;

/// Smallest size a number may shrink to before it wraps, as a share of the table size: below this a
/// printed figure gets hard to read.
const MIN_NUMBER_SCALE: f64 = 0.6;
/// Header and label cells wrap no narrower than this many characters when room allows.
const HEADER_MIN_CHARS: f64 = 2.0;
/// Label columns keep at least this many characters per line when room allows (labels read better wide).
const LABEL_MIN_CHARS: f64 = 6.0;
/// A label beside several rows (`三、本年度办理结果`) takes at most this many characters a line.
const SPAN_LABEL_CHARS: f64 = 4.0;
/// Side padding of a table whose labels wrap, as a share of the style's padding.
const TIGHT_PADDING: f64 = 2.0 / 3.0;
/// A group cut at a page foot leaves at least this many of its rows on each page.
const MIN_PIECE_ROWS: usize = 2;

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
    /// The lines with their characters, for the DOCX.
    pub text: TextLines,
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
    /// Vertical cell padding, pt.
    pub pad_y: f64,
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
    // `want`: like `max`, but a number column's header only asks for two characters a line and a
    // label spanning rows only for its balanced width: height is free beside its rows
    let mut want = vec![0.0f64; cols];
    let mut number_col = vec![false; cols];
    let mut label_col = vec![false; cols];
    for (_, c, cell, _) in &shaped {
        if cell.colspan == 1 {
            number_col[*c] |= cell.kind == CellKind::Number;
            label_col[*c] |= cell.kind == CellKind::Label;
        }
    }
    for (_, c, cell, sh) in &shaped {
        if cell.colspan != 1 || cell.kind == CellKind::Caption {
            continue;
        }
        let nat = natural(sh);
        let (m, w) = match cell.kind {
            CellKind::Number => (nat.min(4.0 * size * 0.6), nat),
            CellKind::Label if cell.rowspan > 1 => {
                let b = nat.min(balanced_width(nat, size));
                (b, b)
            }
            CellKind::Label => (nat.min(LABEL_MIN_CHARS * size), nat),
            _ if number_col[*c] && !label_col[*c] => {
                let m = nat.min(HEADER_MIN_CHARS * size);
                (m, m)
            }
            _ => (nat.min(HEADER_MIN_CHARS * size), nat),
        };
        min[*c] = min[*c].max(m);
        max[*c] = max[*c].max(nat);
        want[*c] = want[*c].max(w);
    }
    // narrow the side padding (to no less than a quarter of it) when the minimums do not fit
    let sum_min: f64 = min.iter().sum();
    if sum_min + 2.0 * pad_x * cols as f64 > width {
        pad_x = ((width - sum_min) / (2.0 * cols as f64))
            .clamp(cfg.table_padding / 4.0, cfg.table_padding);
    }
    let sum_want: f64 = want.iter().sum();
    if sum_want + 2.0 * pad_x * cols as f64 > width {
        // labels will wrap: a narrower side padding (to no less than two thirds) gives them lines
        pad_x = pad_x
            .min(((width - sum_want) / (2.0 * cols as f64)).max(cfg.table_padding * TIGHT_PADDING));
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
    } else if sum_want <= room {
        // labels fit on one line with number headers wrapped: give the rest back to those headers
        let back: f64 = (0..cols).map(|i| max[i] - want[i]).sum();
        (0..cols)
            .map(|i| want[i] + (room - sum_want) * (max[i] - want[i]) / back)
            .collect()
    } else if sum_min <= room {
        // each column its minimum, then the rest to the columns that still want width (labels)
        let more: f64 = (0..cols).map(|i| want[i] - min[i]).sum();
        (0..cols)
            .map(|i| {
                min[i]
                    + if more > 0.0 {
                        (room - sum_min) * (want[i] - min[i]) / more
                    } else {
                        (room - sum_min) / cols as f64
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
        let text = TextLines::of(&sh, &lines);
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
            text,
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
    // groups: rows joined by rowspans; `flow` cuts a group between rows where it meets a page foot
    let header_rows = t.header_rows.min(rows);
    let groups = row_groups(&cells, header_rows..rows);
    TableLayout {
        edges,
        heights,
        cells,
        header_rows,
        groups,
        pad_x,
        pad_y,
    }
}

/// Width of a label beside several rows: at most [`SPAN_LABEL_CHARS`] characters a line, its lines
/// balanced (`三、本年/度办理结/果` becomes `三、本/年度办/理结果`).
fn balanced_width(nat: f64, size: f64) -> f64 {
    let chars = (nat / size - 0.01).ceil().max(1.0);
    let lines = (chars / SPAN_LABEL_CHARS).ceil();
    (chars / lines).ceil() * size
}

/// Splits `range` into the smallest runs of rows that no rowspan crosses.
fn row_groups(cells: &[CellBox], range: Range<usize>) -> Vec<Range<usize>> {
    let s = range.start;
    let mut reach: Vec<usize> = range.clone().map(|r| r + 1).collect();
    for cb in cells.iter().filter(|c| range.contains(&c.row)) {
        let end = (cb.row + cb.rowspan).min(range.end);
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
        out.push(start..end);
        start = end;
    }
    out
}

impl TableLayout {
    /// Widths, heights, padding and each cell's lines, for the DOCX.
    pub(crate) fn geometry(&self, cfg: &Config) -> TableGeometry {
        TableGeometry {
            widths: self.edges.windows(2).map(|w| w[1] - w[0]).collect(),
            heights: self.heights.clone(),
            pad_x: self.pad_x,
            pad_y: self.pad_y,
            line_pitch: cfg.table_line_pitch,
            cells: self
                .cells
                .iter()
                .map(|c| ((c.row, c.col), c.text.clone()))
                .collect::<BTreeMap<_, _>>(),
            with_next: vec![false; self.heights.len()],
            opens_page: vec![false; self.heights.len()],
            gap_after: 0.0,
            ends_on_fresh_page: false,
        }
    }

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

    /// Height a cell's text needs, padding included, pt.
    fn need(&self, cb: &CellBox) -> f64 {
        cb.lines.len().max(1) as f64 * cb.line_pitch + 2.0 * self.pad_y
    }

    /// Whether rows `a..c` may end a page with the rest of their group (`..e`) on the next: no row is
    /// split (cuts fall between rows), and every cell the cut crosses is tall enough above the cut to
    /// hold its text (it is drawn again on the next page, see [`TableLayout::grow_after_cut`]).
    fn can_cut(&self, a: usize, c: usize, e: usize) -> bool {
        if c <= a || c >= e {
            return false;
        }
        self.cells
            .iter()
            .filter(|cb| cb.row < c && cb.row + cb.rowspan > c)
            .all(|cb| self.height(cb.row.max(a)..c) >= self.need(cb) - EPS)
    }

    /// After a cut at row `c` of a group ending at `e`: grows the last row of each cut cell's part
    /// below the cut where that part is too short for the cell's text, drawn again there.
    pub(crate) fn grow_after_cut(&mut self, c: usize, e: usize) {
        for i in 0..self.cells.len() {
            let cb = &self.cells[i];
            if cb.row < c && cb.row + cb.rowspan > c {
                let end = (cb.row + cb.rowspan).min(e);
                let short = self.need(cb) - self.height(c..end);
                if short > 0.0 {
                    self.heights[end - 1] += short;
                }
            }
        }
    }

    /// The smallest first piece of rows `a..e` (a group or the rest of one): at least
    /// [`MIN_PIECE_ROWS`] rows ending at a row where it may be cut, or all of it.
    pub(crate) fn min_piece(&self, a: usize, e: usize) -> usize {
        (a + MIN_PIECE_ROWS..e)
            .find(|&c| self.can_cut(a, c, e))
            .unwrap_or(e)
    }

    /// Where to end the page in rows `a..e` given `space` pt: `e` when all fit, else the last
    /// row boundary that fits and may be cut (the page filled) (`None` when no piece fits).
    pub(crate) fn fit(&self, a: usize, e: usize, space: f64) -> Option<usize> {
        if self.height(a..e) <= space + EPS {
            return Some(e);
        }
        (a + MIN_PIECE_ROWS..e)
            .rev()
            .find(|&c| self.height(a..c) <= space + EPS && self.can_cut(a, c, e))
    }

    /// Height the table needs at a page foot for its start: header rows, lead-in groups and the
    /// smallest piece of the first data group, pt.
    pub(crate) fn first_need(&self, t: &Table) -> f64 {
        let run = self.keep_run(t, 0);
        self.height(0..self.header_rows) + self.run_need(run)
    }

    /// Height the groups `run` (lead-ins, then one data group) need on a page: whole lead-ins and
    /// the smallest piece of the last group, pt.
    pub(crate) fn run_need(&self, run: Range<usize>) -> f64 {
        let Some(last) = run.end.checked_sub(1).filter(|l| *l >= run.start) else {
            return 0.0;
        };
        let g = self.groups[last].clone();
        self.groups_height(run.start..last) + self.height(g.start..self.min_piece(g.start, g.end))
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

/// Joins collinear touching or overlapping rules into one, so no stretch of border is drawn twice
/// (a doubled anti-aliased line looks darker in some viewers).
pub(super) fn merge_rules(rules: Vec<Rule>) -> Vec<Rule> {
    let key = |v: f64| (v * 100.0).round() as i64;
    // (horizontal?, fixed coordinate, width bits) → spans
    let mut lines: std::collections::BTreeMap<(bool, i64, u64), Vec<(f64, f64)>> =
        std::collections::BTreeMap::new();
    for r in rules {
        let horizontal = (r.y0 - r.y1).abs() < 1e-6;
        let (fixed, a, b) = if horizontal {
            (r.y0, r.x0.min(r.x1), r.x0.max(r.x1))
        } else {
            (r.x0, r.y0.min(r.y1), r.y0.max(r.y1))
        };
        lines
            .entry((horizontal, key(fixed), r.width.to_bits()))
            .or_default()
            .push((a, b));
    }
    let mut out = Vec::new();
    for ((horizontal, fixed, wbits), mut spans) in lines {
        spans.sort_by(|p, q| p.0.total_cmp(&q.0));
        let mut cur: Option<(f64, f64)> = None;
        let fixed = fixed as f64 / 100.0;
        let width = f64::from_bits(wbits);
        let mut emit = |(a, b): (f64, f64)| {
            out.push(if horizontal {
                Rule {
                    x0: a,
                    y0: fixed,
                    x1: b,
                    y1: fixed,
                    width,
                }
            } else {
                Rule {
                    x0: fixed,
                    y0: a,
                    x1: fixed,
                    y1: b,
                    width,
                }
            })
        };
        for (a, b) in spans {
            cur = match cur {
                Some((ca, cb)) if a <= cb + 0.01 => Some((ca, cb.max(b))),
                Some(c) => {
                    emit(c);
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some(c) = cur {
            emit(c);
        }
    }
    out
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
        let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap();
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

    #[test]
    fn label_columns_get_the_width_number_columns_do_not_need() {
        let style = Style::builtin("gbt9704").unwrap();
        let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap();
        let cfg = Config::new(&style);
        let m = |row, col| GridEntry::Merged { row, col };
        let heads = [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ];
        let mut head = vec![
            cell(
                "（本列数据的勾稽关系为：第一项加第二项之和）",
                CellKind::Header,
                3,
                1,
            ),
            m(0, 0),
            m(0, 0),
        ];
        head.extend(heads.iter().map(|h| cell(h, CellKind::Header, 1, 1)));
        let items = [
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ];
        let mut grid = vec![head];
        for (i, item) in items.iter().enumerate() {
            let mut row = if i == 0 {
                vec![
                    cell("三、本年度办理结果", CellKind::Label, 1, 8),
                    cell("（三）不予公开", CellKind::Label, 1, 8),
                ]
            } else {
                vec![m(1, 0), m(1, 1)]
            };
            row.push(cell(item, CellKind::Label, 1, 1));
            row.extend((0..7).map(|k| cell(&format!("{}", k * i), CellKind::Number, 1, 1)));
            grid.push(row);
        }
        let t = Table {
            name: "表三".into(),
            columns: 10,
            header_rows: 1,
            grid,
        };
        let mut d = Vec::new();
        let l = layout(&t, &fonts, &cfg, &mut d);
        assert!(d.is_empty());
        let size = cfg.size(Role::Table);
        let lines = |r: usize, c: usize| {
            let cb = l.cells.iter().find(|x| x.row == r && x.col == c).unwrap();
            cb.lines.iter().map(|l| l.glyphs.len()).collect::<Vec<_>>()
        };
        // every item label in at most two lines
        for r in 1..=items.len() {
            assert!(
                lines(r, 2).len() <= 2,
                "{}: {:?}",
                items[r - 1],
                lines(r, 2)
            );
        }
        // the labels beside the rows: balanced, at most four characters a line
        assert_eq!(lines(1, 0), vec![3, 3, 3]);
        assert!(lines(1, 1).len() <= 2, "{:?}", lines(1, 1));
        // number columns: no wider than their two-character header lines need
        for c in 3..10 {
            let w = l.edges[c + 1] - l.edges[c] - 2.0 * l.pad_x;
            assert!(w < 2.5 * size, "column {c}: {w:.1} pt");
            assert!(lines(0, c).iter().all(|n| *n <= 2), "{:?}", lines(0, c));
        }
    }
}
