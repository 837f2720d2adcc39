//! A report read back out of a DOCX (WPS, Word, gongkai): docx-rs parses the file; paragraphs are
//! the prose and headings, and each table row becomes a printed line whose cells stand at their
//! grid columns, so that the tables are read by the same matching as a PDF's.

use docx_rs::{
    DocumentChild, Paragraph, ParagraphChild, RunChild, Table, TableCellContent, TableChild,
    TableRowChild,
};

use super::lines::{Line, Run};
use super::pdf::{PdfPage, PdfText};
use super::structure::{block, organ_and_year, ReadReport, ReadSection};
use super::tables;
use super::text::{is_heading, norm};
use crate::format;

/// One piece of the body in order: a paragraph's text, or a table's rows as lines.
enum Part {
    Para(String),
    Table(Vec<Line>),
}

fn para_text(p: &Paragraph) -> String {
    let mut s = String::new();
    for c in &p.children {
        if let ParagraphChild::Run(r) = c {
            for rc in &r.children {
                match rc {
                    RunChild::Text(t) => s.push_str(&t.text),
                    RunChild::Tab(_) => s.push(' '),
                    _ => {}
                }
            }
        }
    }
    s.trim().to_string()
}

/// A cell's grid span, read from its properties (docx-rs keeps the field private but serialises it).
fn grid_span(p: &docx_rs::TableCellProperty) -> usize {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.get("gridSpan").and_then(serde_json::Value::as_u64))
        .map_or(1, |n| n.clamp(1, 64) as usize)
}

/// A table's rows as lines: one line per row, 20 units apart; each cell a run spanning its grid
/// columns (in twips from the table's left edge), its paragraphs joined.
fn table_lines(t: &Table, first_row: usize) -> Vec<Line> {
    let edges: Vec<f64> = std::iter::once(0.0)
        .chain(t.grid.iter().scan(0.0, |x, w| {
            *x += *w as f64;
            Some(*x)
        }))
        .collect();
    let at = |col: usize| {
        edges
            .get(col)
            .copied()
            .unwrap_or(edges.last().copied().unwrap_or(0.0) + (col as f64) * 500.0)
    };
    let mut out = Vec::new();
    for (k, TableChild::TableRow(row)) in t.rows.iter().enumerate() {
        let y = ((first_row + k) * 20) as f64;
        let mut col = 0;
        let mut runs = Vec::new();
        for TableRowChild::TableCell(cell) in &row.cells {
            let span = grid_span(&cell.property);
            let text: String = cell
                .children
                .iter()
                .filter_map(|c| match c {
                    TableCellContent::Paragraph(p) => Some(para_text(p)),
                    _ => None,
                })
                .collect::<String>()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if !text.is_empty() {
                runs.push(Run {
                    text,
                    x0: at(col) + 1.0,
                    x1: at(col + span) - 1.0,
                    y,
                    size: 10.0,
                    glyphs: Vec::new(),
                });
            }
            col += span;
        }
        out.push(Line {
            page: 0,
            y,
            size: 10.0,
            runs,
        });
    }
    out
}

/// Reads a report from a DOCX file's bytes.
pub fn read(bytes: &[u8]) -> Result<ReadReport, String> {
    let docx = docx_rs::read_docx(bytes).map_err(|e| e.to_string())?;
    let mut parts = Vec::new();
    let mut rows = 0;
    for c in &docx.document.children {
        match c {
            DocumentChild::Paragraph(p) => {
                let t = para_text(p);
                if !t.is_empty() {
                    parts.push(Part::Para(t));
                }
            }
            DocumentChild::Table(t) => {
                let lines = table_lines(t, rows);
                rows += lines.len() + 2;
                parts.push(Part::Table(lines));
            }
            _ => {}
        }
    }
    // the title: the paragraphs up to the one that names the report
    let title_end = parts
        .iter()
        .take(4)
        .position(|p| matches!(p, Part::Para(t) if t.contains("年度报告")))
        .map_or(0, |i| i + 1);
    let title: String = parts[..title_end]
        .iter()
        .filter_map(|p| match p {
            Part::Para(t) => Some(t.as_str()),
            Part::Table(_) => None,
        })
        .collect();
    let (organ, year) = organ_and_year(&title);
    let format = year
        .and_then(format::for_year)
        .or_else(|| format::by_id("2021"))
        .expect("built-in formats");
    let mut at: Vec<Option<usize>> = Vec::new();
    let mut from = title_end;
    for s in &format.sections {
        let h = norm(&s.heading);
        let found = (from..parts.len())
            .find(|&i| matches!(&parts[i], Part::Para(t) if is_heading(&norm(t), &h)));
        if let Some(i) = found {
            from = i + 1;
        }
        at.push(found);
    }
    let starts: Vec<usize> = at.iter().flatten().copied().collect();
    let end_of = |i: usize| {
        starts
            .iter()
            .copied()
            .find(|&s| s > i)
            .unwrap_or(parts.len())
    };
    let paras = |range: &[Part]| -> Vec<String> {
        range
            .iter()
            .filter_map(|p| match p {
                Part::Para(t) => Some(t.clone()),
                Part::Table(_) => None,
            })
            .collect()
    };
    let lead_end = starts.first().copied().unwrap_or(parts.len());
    let lead = paras(&parts[title_end.min(lead_end)..lead_end]);
    let no_rules = PdfText {
        pages: vec![PdfPage::default()],
        fonts: Vec::new(),
    };
    let mut sections = Vec::new();
    let mut tables = Vec::new();
    let mut signature = Vec::new();
    let last = format.sections.last().map_or("", |s| s.id.as_str());
    for (s, found) in format.sections.iter().zip(&at) {
        let region = found.map_or(&parts[0..0], |i| &parts[i + 1..end_of(i)]);
        let mut sec = ReadSection {
            id: s.id.clone(),
            page: found.map(|_| 0),
            blocks: Vec::new(),
        };
        match &s.table {
            Some(tid) => {
                let table = format.table(tid).expect("validated format");
                let lines: Vec<Line> = region
                    .iter()
                    .filter_map(|p| match p {
                        Part::Table(l) => Some(l.clone()),
                        Part::Para(_) => None,
                    })
                    .flatten()
                    .collect();
                let mut t = tables::read_table(table, &lines, &no_rules);
                t.found = found.is_some();
                tables.push(t);
            }
            None => {
                let mut texts = paras(region);
                if s.id == last {
                    // the signature: a closing date line and the organ line before it
                    if texts
                        .last()
                        .is_some_and(|t| super::yaml::date_of(t).is_some())
                    {
                        let n = if texts.len() >= 2 && texts[texts.len() - 2].chars().count() <= 30
                        {
                            2
                        } else {
                            1
                        };
                        signature = texts.split_off(texts.len() - n);
                    }
                }
                sec.blocks = texts.into_iter().map(block).collect();
            }
        }
        sections.push(sec);
    }
    Ok(ReadReport {
        title,
        organ,
        year,
        format,
        lead,
        sections,
        tables,
        signature,
    })
}
