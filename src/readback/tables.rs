//! The national tables found in a document's lines: each printed row of numbers is matched to a
//! row of the format's grid by its label (in printed order, blank rows allowed), and each number
//! to its column by where it stands.
//!
//! Nothing here depends on a producer: merged label cells, labels broken over several lines and
//! blank cells are all tolerated because a row is recognised by the numbers printed on one
//! baseline and the label text beside them, not by the cell structure.

use std::collections::BTreeMap;

use super::lines::{Line, Run};
use super::pdf::{PdfText, Pt};
use super::text::{lcs_ratio, norm};
use crate::format::{CellContent, Entry, Table};

/// One number read from a table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadCell {
    /// Logical row id (`result_total`).
    pub row: String,
    /// Logical column id (`natural`).
    pub column: String,
    /// The number as printed (thousands separators removed).
    pub text: String,
    /// 1-based page.
    pub page: usize,
    /// Left edge of the number, pt from the page's left edge.
    pub x: Pt,
    /// Its baseline, pt from the page's top edge.
    pub y: Pt,
    /// Why the reading is uncertain, when it is.
    pub doubt: Option<String>,
}

/// A table as read.
#[derive(Debug, Clone, Default)]
pub struct ReadTable {
    /// Table id.
    pub id: String,
    /// Whether the section heading of the table was found.
    pub found: bool,
    /// Every number read, in printed order.
    pub cells: Vec<ReadCell>,
    /// Rows of numbers that match no row of the format: (page, baseline, their text).
    pub stray: Vec<(usize, Pt, String)>,
}

/// A grid row that holds value cells: its label and its value cells left to right.
struct ValueRow {
    label: Option<Vec<char>>,
    /// (row id, column id, grid column, colspan).
    cells: Vec<(String, String, usize, usize)>,
}

fn value_rows(table: &Table) -> Vec<ValueRow> {
    let mut by_row: BTreeMap<usize, Vec<(String, String, usize, usize)>> = BTreeMap::new();
    for v in &table.values {
        let span = match &table.grid[v.grid_row][v.grid_col] {
            Entry::Cell(c) => c.colspan,
            Entry::Merged { .. } => 1,
        };
        by_row.entry(v.grid_row).or_default().push((
            v.row.clone(),
            v.column.clone(),
            v.grid_col,
            span,
        ));
    }
    by_row
        .into_iter()
        .map(|(r, mut cells)| {
            cells.sort_by_key(|c| c.2);
            let first = cells.first().map_or(0, |c| c.2);
            let label = table.grid[r][..first].iter().rev().find_map(|e| match e {
                Entry::Cell(c) => match &c.content {
                    CellContent::Text(t) => Some(norm(t)),
                    CellContent::Value(..) => None,
                },
                Entry::Merged { .. } => None,
            });
            ValueRow { label, cells }
        })
        .collect()
}

/// Whether a run is a number as tables print them (`3119`, `-2`, `12.85`, `3,119`).
pub fn is_number(text: &str) -> bool {
    let t = text
        .strip_prefix(['-', '−', '－'])
        .unwrap_or(text)
        .replace(',', "");
    let mut dot = false;
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            if c == '.' && !dot {
                dot = true;
                true
            } else {
                c.is_ascii_digit()
            }
        })
}

fn number_text(text: &str) -> String {
    text.replace(',', "").replace(['−', '－'], "-")
}

/// A printed line holding numbers, with the label text beside it.
struct Band<'l> {
    line: &'l Line,
    numbers: Vec<&'l Run>,
    label: Vec<char>,
}

/// Reads one table from the lines between its section heading and the next heading.
pub fn read_table(table: &Table, region: &[Line], text: &PdfText) -> ReadTable {
    let rows = value_rows(table);
    let mut bands: Vec<Band> = region
        .iter()
        .filter_map(|l| {
            let numbers: Vec<&Run> = l.runs.iter().filter(|r| is_number(&r.text)).collect();
            // a number run to the right of every label run of the line
            (!numbers.is_empty()).then_some(Band {
                line: l,
                numbers,
                label: Vec::new(),
            })
        })
        .collect();
    // the label of each band: the text left of its first number between the rules (or the
    // midpoints to the neighbouring bands) above and below it
    for i in 0..bands.len() {
        let b = &bands[i];
        let page = b.line.page;
        let size = b.line.size.max(1.0);
        let first_x = b.numbers[0].x0;
        let probe = b.numbers[0].cx();
        let rules = &text.pages[page].rules;
        let across = |y_ok: &dyn Fn(Pt) -> bool| {
            rules
                .iter()
                .filter(|r| r.x1 - r.x0 > r.y1 - r.y0 && r.x0 <= probe && r.x1 >= probe)
                .map(|r| (r.y0 + r.y1) / 2.0)
                .filter(|y| y_ok(*y))
                .collect::<Vec<_>>()
        };
        let top_line = b.line.y - 0.88 * size;
        let prev = (i > 0 && bands[i - 1].line.page == page).then(|| bands[i - 1].line.y);
        let next = bands
            .get(i + 1)
            .filter(|n| n.line.page == page)
            .map(|n| n.line.y);
        let up = across(&|y| y < top_line && prev.is_none_or(|p| y > p - 0.88 * size))
            .into_iter()
            .fold(None, |a: Option<Pt>, y| Some(a.map_or(y, |a| a.max(y))))
            .or(prev.map(|p| (p + b.line.y) / 2.0))
            .unwrap_or(b.line.y - 2.5 * size);
        let down = across(&|y| y > b.line.y && next.is_none_or(|n| y < n))
            .into_iter()
            .fold(None, |a: Option<Pt>, y| Some(a.map_or(y, |a| a.min(y))))
            .or(next.map(|n| (n + b.line.y) / 2.0))
            .unwrap_or(b.line.y + 2.5 * size);
        let mut label = Vec::new();
        for l in region
            .iter()
            .filter(|l| l.page == page && l.y > up && l.y <= down)
        {
            for r in &l.runs {
                if r.x1 <= first_x + 1.0 && !is_number(&r.text) {
                    label.extend(norm(&r.text));
                }
            }
        }
        bands[i].label = label;
    }
    let matches = align(&bands, &rows);
    let mut out = ReadTable {
        id: table.def.id.clone(),
        found: true,
        ..ReadTable::default()
    };
    // where each (grid column, colspan) prints its numbers: from rows read with every cell filled
    let mut centres: BTreeMap<(usize, usize), Vec<Pt>> = BTreeMap::new();
    for (bi, m) in matches.iter().enumerate() {
        if let Some((ri, _)) = m {
            let row = &rows[*ri];
            if bands[bi].numbers.len() == row.cells.len() {
                for (n, c) in bands[bi].numbers.iter().zip(&row.cells) {
                    centres.entry((c.2, c.3)).or_default().push(n.cx());
                }
            }
        }
    }
    let centre = |c: &(String, String, usize, usize)| {
        centres
            .get(&(c.2, c.3))
            .map(|v| v.iter().sum::<Pt>() / v.len() as Pt)
    };
    for (bi, m) in matches.iter().enumerate() {
        let band = &bands[bi];
        let Some((ri, score)) = m else {
            out.stray.push((
                band.line.page + 1,
                band.line.y,
                band.numbers
                    .iter()
                    .map(|r| r.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
            continue;
        };
        let row = &rows[*ri];
        let label_doubt = (*score < 0.6).then(|| "这一行的行名未能确认".to_string());
        let assigned: Vec<(usize, Option<String>)> = if band.numbers.len() == row.cells.len() {
            (0..row.cells.len()).map(|i| (i, None)).collect()
        } else if row.cells.iter().all(|c| centre(c).is_some()) {
            // each number goes to the column printed nearest above or below it
            let mut used = vec![false; row.cells.len()];
            band.numbers
                .iter()
                .map(|n| {
                    let best = (0..row.cells.len())
                        .filter(|&i| !used[i])
                        .min_by(|&a, &b| {
                            let da = (centre(&row.cells[a]).unwrap_or(0.0) - n.cx()).abs();
                            let db = (centre(&row.cells[b]).unwrap_or(0.0) - n.cx()).abs();
                            da.total_cmp(&db)
                        })
                        .unwrap_or(0);
                    used[best] = true;
                    (best, None)
                })
                .collect()
        } else {
            (0..band.numbers.len())
                .map(|i| {
                    (
                        i,
                        Some("这一行有空格，数字按从左到右的顺序读入".to_string()),
                    )
                })
                .collect()
        };
        for (n, (ci, doubt)) in band.numbers.iter().zip(assigned) {
            let c = &row.cells[ci];
            out.cells.push(ReadCell {
                row: c.0.clone(),
                column: c.1.clone(),
                text: number_text(&n.text),
                page: band.line.page + 1,
                x: n.x0,
                y: band.line.y,
                doubt: doubt.or_else(|| label_doubt.clone()),
            });
        }
    }
    out
}

/// Matches bands to value rows in order: each band to one row at most, rows may stay blank, a
/// band that fits nowhere is left over. Returns, per band, (row index, label score).
fn align(bands: &[Band], rows: &[ValueRow]) -> Vec<Option<(usize, f64)>> {
    let (m, n) = (bands.len(), rows.len());
    let score = |b: &Band, r: &ValueRow| -> Option<f64> {
        if b.numbers.len() > r.cells.len() {
            return None;
        }
        let label = r.label.as_ref().map_or(0.5, |l| lcs_ratio(l, &b.label));
        let full = if b.numbers.len() == r.cells.len() {
            0.3
        } else {
            0.0
        };
        Some(0.2 + label + full)
    };
    const SKIP_BAND: f64 = -1.0;
    // f[i][j]: best total for bands[..i] and rows[..j]
    let mut f = vec![vec![f64::NEG_INFINITY; n + 1]; m + 1];
    let mut how = vec![vec![0u8; n + 1]; m + 1];
    f[0][0] = 0.0;
    for i in 0..=m {
        for j in 0..=n {
            let cur = f[i][j];
            if cur == f64::NEG_INFINITY {
                continue;
            }
            if j < n && cur > f[i][j + 1] {
                f[i][j + 1] = cur;
                how[i][j + 1] = 1;
            }
            if i < m && cur + SKIP_BAND > f[i + 1][j] {
                f[i + 1][j] = cur + SKIP_BAND;
                how[i + 1][j] = 2;
            }
            if i < m && j < n {
                if let Some(s) = score(&bands[i], &rows[j]) {
                    if cur + s > f[i + 1][j + 1] {
                        f[i + 1][j + 1] = cur + s;
                        how[i + 1][j + 1] = 3;
                    }
                }
            }
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (m, n);
    while i > 0 || j > 0 {
        match how[i][j] {
            1 => j -= 1,
            2 => i -= 1,
            3 => {
                let s = rows[j - 1]
                    .label
                    .as_ref()
                    .map_or(1.0, |l| lcs_ratio(l, &bands[i - 1].label));
                out[i - 1] = Some((j - 1, s));
                i -= 1;
                j -= 1;
            }
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readback::pdf::PdfPage;

    fn run(text: &str, x0: Pt, x1: Pt, y: Pt) -> Run {
        Run {
            text: text.into(),
            x0,
            x1,
            y,
            size: 10.5,
            glyphs: Vec::new(),
        }
    }

    fn line(y: Pt, runs: Vec<Run>) -> Line {
        Line {
            page: 0,
            y,
            size: 10.5,
            runs,
        }
    }

    #[test]
    fn a_blank_cell_leaves_its_column_empty_and_the_others_in_place() {
        let f = crate::format::by_id("2021").expect("format");
        let t = f.table("proactive").expect("表二");
        let no_rules = PdfText {
            pages: vec![PdfPage::default()],
            fonts: Vec::new(),
        };
        let region = vec![
            line(
                100.0,
                vec![
                    run("信息内容", 80.0, 122.0, 100.0),
                    run("本年制发件数", 200.0, 263.0, 100.0),
                ],
            ),
            // 规章: 本年废止件数 left blank
            line(
                130.0,
                vec![
                    run("规章", 90.0, 111.0, 130.0),
                    run("1", 230.0, 236.0, 130.0),
                    run("11", 380.0, 391.0, 130.0),
                ],
            ),
            line(
                160.0,
                vec![
                    run("行政规范性文件", 70.0, 144.0, 160.0),
                    run("8", 230.0, 236.0, 160.0),
                    run("26", 305.0, 316.0, 160.0),
                    run("66", 380.0, 391.0, 160.0),
                ],
            ),
            // 行政许可: one number under three columns merged
            line(
                220.0,
                vec![
                    run("行政许可", 80.0, 122.0, 220.0),
                    run("447228", 290.0, 322.0, 220.0),
                ],
            ),
        ];
        let read = read_table(t, &region, &no_rules);
        let got: Vec<(&str, &str, &str)> = read
            .cells
            .iter()
            .map(|c| (c.row.as_str(), c.column.as_str(), c.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("rules", "issued", "1"),
                ("rules", "in_force", "11"),
                ("normative", "issued", "8"),
                ("normative", "repealed", "26"),
                ("normative", "in_force", "66"),
                ("licensing", "decisions", "447228"),
            ]
        );
        assert!(read.cells.iter().all(|c| c.doubt.is_none()));
        assert!(read.stray.is_empty());
    }
}
