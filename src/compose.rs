//! `compose`: a resolved report → [`Document`] (section order, headings, number formatting, grids).
//!
//! Knows the report and its format; knows nothing of fonts, lengths, pages, PDF or DOCX.

use crate::check::Resolved;
use crate::doc::{Block, Cell, CellKind, Document, GridEntry, Origin, Role, Run, Table};
use crate::format::{self, CellContent, CellRole, Entry};
use crate::report;

/// Builds the document of a resolved report.
pub fn compose(res: &Resolved) -> Document {
    let rep = &res.report;
    let mut blocks = vec![Block::Title {
        parts: title_parts(res),
    }];
    // The lead paragraphs stand before 一、 without a heading.
    for (i, p) in rep.lead.iter().enumerate() {
        blocks.push(paragraph(
            vec![Run {
                role: Role::Body,
                text: clean(&p.value),
            }],
            format!("导语第 {} 段", i + 1),
            p.pos.line,
        ));
    }
    for s in &res.format.sections {
        blocks.push(Block::Heading {
            level: 1,
            text: s.heading.clone(),
            origin: Origin {
                place: s.heading.clone(),
                line: 0,
            },
        });
        match &s.table {
            Some(tid) => blocks.push(Block::Table(table(
                res,
                res.format.table(tid).expect("validated format"),
            ))),
            None => text_blocks(res.text(&s.id), &s.heading, &mut blocks),
        }
    }
    if let Some(sig) = &rep.signature {
        blocks.push(Block::Signature {
            organ: sig
                .organ
                .as_ref()
                .map_or_else(|| rep.organ.value.clone(), |o| clean(&o.value)),
            date: sig.date.value.format("%Y年%-m月%-d日").to_string(),
        });
    }
    Document {
        title: res.title(),
        author: rep.organ.value.clone(),
        year: rep.year.value,
        blocks,
    }
}

/// The title broken only between whole words: organ | 〈年度〉年政府信息公开工作年度报告 (GB/T 9704 7.3.1).
fn title_parts(res: &Resolved) -> Vec<String> {
    let title = clean(&res.title());
    let organ = clean(&res.report.organ.value);
    match title.strip_prefix(&organ) {
        Some(rest) if !rest.is_empty() => vec![organ, rest.to_string()],
        _ => vec![title],
    }
}

fn paragraph(runs: Vec<Run>, place: String, line: u32) -> Block {
    Block::Paragraph {
        runs,
        origin: origin(place, line),
    }
}

/// Where a block came from; the place names the report line too, so any later message can send the
/// clerk straight there.
fn origin(place: String, line: u32) -> Origin {
    let place = if line > 0 {
        format!("{place}（第 {line} 行）")
    } else {
        place
    };
    Origin { place, line }
}

fn text_blocks(blocks: &[report::Block], section: &str, out: &mut Vec<Block>) {
    for (i, b) in blocks.iter().enumerate() {
        let place = format!("{section} 第 {} 项", i + 1);
        match b {
            report::Block::Para(p) => out.push(paragraph(
                vec![Run {
                    role: Role::Body,
                    text: clean(&p.value),
                }],
                place,
                p.pos.line,
            )),
            report::Block::Heading {
                text,
                level,
                run_in,
            } => {
                let heading = normalise_numbering(&clean(&text.value));
                let level = level.unwrap_or_else(|| heading_level(&heading)).clamp(2, 4);
                match run_in {
                    Some(body) => out.push(paragraph(
                        vec![
                            Run {
                                role: Role::heading(level),
                                text: heading,
                            },
                            Run {
                                role: Role::Body,
                                text: clean(&body.value),
                            },
                        ],
                        place,
                        text.pos.line,
                    )),
                    None => out.push(Block::Heading {
                        level,
                        text: heading,
                        origin: origin(place, text.pos.line),
                    }),
                }
            }
        }
    }
}

/// The heading level a numbering implies: （一） 2, 1. 3, （1） 4 (GB/T 9704 7.3.3).
pub fn heading_level(text: &str) -> u8 {
    let t = text.trim_start();
    let num_after = |s: &str| s.chars().take_while(|c| c.is_ascii_digit()).count();
    if let Some(rest) = t.strip_prefix('（') {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return 4;
        }
        return 2;
    }
    let n = num_after(t);
    if n > 0 {
        return 3;
    }
    2
}

/// ASCII brackets around a heading number become full-width: `(一)` → `（一）`, `(1)` → `（1）`.
pub fn normalise_numbering(text: &str) -> String {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let num = &rest[..close];
            if !num.is_empty()
                && num.chars().count() <= 3
                && num
                    .chars()
                    .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            {
                return format!("（{num}）{}", rest[close + 1..].trim_start());
            }
        }
    }
    t.to_string()
}

/// Removes zero-width and BOM characters and turns tabs into spaces; trims.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\r'
            )
        })
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn table(res: &Resolved, t: &format::Table) -> Table {
    let values = res.values.get(&t.def.id);
    let grid = t
        .grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|e| match e {
                    Entry::Merged { row, col } => GridEntry::Merged {
                        row: *row,
                        col: *col,
                    },
                    Entry::Cell(c) => {
                        let text = match &c.content {
                            CellContent::Text(s) => s.clone(),
                            CellContent::Value(r, col) => values
                                .and_then(|v| v.get(&(r.clone(), col.clone())))
                                .map_or_else(String::new, cell_text),
                        };
                        let kind = match c.role {
                            CellRole::Caption => CellKind::Caption,
                            CellRole::Header => CellKind::Header,
                            CellRole::Label => CellKind::Label,
                            CellRole::Value => CellKind::Number,
                        };
                        GridEntry::Cell(Cell {
                            text,
                            colspan: c.colspan,
                            rowspan: c.rowspan,
                            kind,
                            origin: Origin {
                                place: c.place.clone(),
                                line: 0,
                            },
                        })
                    }
                })
                .collect()
        })
        .collect();
    Table {
        name: t.def.name.clone(),
        columns: t.def.grid_columns,
        header_rows: t.def.header_rows,
        grid,
    }
}

/// A value cell as printed: blank when left blank, the number as written, and the unit written
/// after an amount whose column names none (`251000元`).
fn cell_text(v: &crate::check::CellValue) -> String {
    if v.blank {
        return String::new();
    }
    let mut s = v.number.display();
    if let Some(u) = v.unit {
        s.push_str(u);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_brackets() {
        assert_eq!(heading_level("（一）组织领导"), 2);
        assert_eq!(heading_level("1.属于"), 3);
        assert_eq!(heading_level("（1）细则"), 4);
        assert_eq!(normalise_numbering("(一) 予以公开"), "（一）予以公开");
        assert_eq!(normalise_numbering("(12)x"), "（12）x");
        assert_eq!(clean("a\u{200B}b\tc"), "ab c");
    }
}
