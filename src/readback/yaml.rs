//! A report read back → report YAML (the schema of `new`), with a map from each written value
//! back to where it was printed, so that `check`'s findings can name the page and the cell.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::structure::{ReadBlock, ReadReport};
use super::tables::ReadCell;
use crate::diag::Pos;

/// The mark put on a line the clerk must compare with the original.
pub const DOUBT: &str = "# 请核对";

/// What a YAML position was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A table cell: (table id, index into that table's `cells`).
    Cell(String, usize),
    /// A table row key: (table id, row id).
    Row(String, String),
    /// A section key: its id.
    Section(String),
}

/// The YAML text and where its values came from.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The report YAML.
    pub text: String,
    /// (line, column) of each value or key written → its source.
    pub sources: BTreeMap<Pos, Source>,
    /// What the clerk must check, one line each (also marked `# 请核对` in the text).
    pub doubts: Vec<String>,
}

/// A YAML scalar: plain when that reads back as the same text, JSON-quoted otherwise.
fn scalar(s: &str) -> String {
    let risky = s.is_empty()
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.parse::<f64>().is_ok()
        || matches!(s, "true" | "false" | "null" | "~" | "yes" | "no");
    if risky {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        s.to_string()
    }
}

struct Out {
    text: String,
    line: u32,
    sources: BTreeMap<Pos, Source>,
}

impl Out {
    fn push_line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
        self.line += 1;
    }
    fn col_of(line: &str, byte: usize) -> u32 {
        line[..byte].chars().count() as u32 + 1
    }
}

/// `# 请核对` and the reasons, for the end of a line.
fn mark(reasons: &[String]) -> String {
    if reasons.is_empty() {
        String::new()
    } else {
        format!("  {DOUBT}：{}", reasons.join("；"))
    }
}

/// Writes the report YAML; `source` names the file it was read from (for the header comment).
pub fn write(r: &ReadReport, source: &str) -> Written {
    let mut o = Out {
        text: String::new(),
        line: 1,
        sources: BTreeMap::new(),
    };
    let mut doubts = Vec::new();
    o.push_line("# yaml-language-server: $schema=gongkai.schema.json");
    o.push_line(&format!(
        "# 由 gongkai import 从 {source} 读入（{}，{}）。",
        r.format.name, r.format.issued_by
    ));
    o.push_line(
        "# 行末注有“请核对”的内容未能确定，请对照原文核对；核对后运行：gongkai check 本文件",
    );
    o.push_line("");
    let organ = r.organ.clone().unwrap_or_default();
    let organ_mark = if organ.is_empty() {
        doubts.push("标题中未读到机关名称".to_string());
        mark(&["标题中未读到机关名称".into()])
    } else {
        String::new()
    };
    o.push_line(&format!("organ: {}{organ_mark}", scalar(&organ)));
    match r.year {
        Some(y) => o.push_line(&format!("year: {y}")),
        None => {
            doubts.push("标题中未读到年度".to_string());
            o.push_line(&format!("year: 0{}", mark(&["标题中未读到年度".into()])));
        }
    }
    o.push_line("");
    if !r.lead.is_empty() {
        o.push_line("lead:");
        for p in &r.lead {
            o.push_line(&format!("  - {}", scalar(p)));
        }
        o.push_line("");
    }
    let mut tables = r.tables.iter();
    for (def, sec) in r.format.sections.iter().zip(&r.sections) {
        let key_line = format!("{}:", def.id);
        o.sources
            .insert(Pos::new(o.line, 1), Source::Section(def.id.clone()));
        match &def.table {
            None => {
                if sec.page.is_none() {
                    let why = format!("未找到“{}”", def.heading);
                    doubts.push(why.clone());
                    o.push_line(&format!("{key_line}  # {}{}", def.heading, mark(&[why])));
                    o.push_line("  - （请填写）");
                } else {
                    o.push_line(&format!("{key_line}  # {}", def.heading));
                    for b in &sec.blocks {
                        match b {
                            ReadBlock::Para(p) => o.push_line(&format!("  - {}", scalar(p))),
                            ReadBlock::Heading { text, run_in } => {
                                o.push_line(&format!("  - heading: {}", scalar(text)));
                                if let Some(t) = run_in {
                                    o.push_line(&format!("    text: {}", scalar(t)));
                                }
                            }
                        }
                    }
                    if sec.blocks.is_empty() {
                        o.push_line("  []");
                    }
                }
            }
            Some(tid) => {
                let Some(t) = tables.next() else { continue };
                let table = r.format.table(tid).expect("validated format");
                o.push_line(&format!(
                    "{key_line}  # {}（{}）",
                    def.heading, table.def.name
                ));
                if !t.found {
                    let why = format!("未找到“{}”", def.heading);
                    doubts.push(why);
                }
                for (page, _, nums) in &t.stray {
                    let why = format!(
                        "第 {page} 页{}中有一行数字（{nums}）不能对应到表中的行",
                        table.def.name
                    );
                    o.push_line(&format!("  # {why}  {DOUBT}"));
                    doubts.push(why);
                }
                for rd in &table.def.rows {
                    let cols = table.row_columns(&rd.id);
                    let cells: Vec<Option<(usize, &ReadCell)>> = cols
                        .iter()
                        .map(|c| {
                            t.cells
                                .iter()
                                .enumerate()
                                .find(|(_, x)| x.row == rd.id && x.column == c.id)
                        })
                        .collect();
                    let mut reasons: Vec<String> = cells
                        .iter()
                        .flatten()
                        .filter_map(|(_, c)| c.doubt.clone())
                        .collect();
                    reasons.dedup();
                    let present = cells.iter().flatten().count();
                    if present == 0 {
                        let why = format!("{}“{}”行没有读到数字", table.def.name, rd.name);
                        o.push_line(&format!("  # {}:  {DOUBT}：{why}", rd.id));
                        doubts.push(why);
                        continue;
                    }
                    let mut line = format!("  {}: ", rd.id);
                    o.sources
                        .insert(Pos::new(o.line, 3), Source::Row(tid.clone(), rd.id.clone()));
                    let mut put = |line: &mut String, prefix: &str, i: usize, c: &ReadCell| {
                        line.push_str(prefix);
                        let col = Out::col_of(line, line.len());
                        o.sources
                            .insert(Pos::new(o.line, col), Source::Cell(tid.clone(), i));
                        line.push_str(&c.text);
                    };
                    if present == cols.len() && cols.len() == 1 {
                        let (i, c) = cells[0].expect("present");
                        put(&mut line, "", i, c);
                    } else if present == cols.len() {
                        line.push('[');
                        for (k, (i, c)) in cells.iter().flatten().enumerate() {
                            put(&mut line, if k == 0 { "" } else { ", " }, *i, c);
                        }
                        line.push(']');
                    } else {
                        line.push('{');
                        let mut first = true;
                        for (col, cell) in cols.iter().zip(&cells) {
                            if let Some((i, c)) = cell {
                                let prefix =
                                    format!("{}{}: ", if first { "" } else { ", " }, col.id);
                                put(&mut line, &prefix, *i, c);
                                first = false;
                            }
                        }
                        line.push('}');
                        let missing: Vec<&str> = cols
                            .iter()
                            .zip(&cells)
                            .filter(|(_, c)| c.is_none())
                            .map(|(c, _)| c.name.as_str())
                            .collect();
                        reasons.push(format!("未读到“{}”列", missing.join("”“")));
                    }
                    let _ = write!(line, "  # {}", rd.name);
                    if !reasons.is_empty() {
                        doubts.push(format!(
                            "{}“{}”行：{}",
                            table.def.name,
                            rd.name,
                            reasons.join("；")
                        ));
                        line.push_str(&mark(&reasons));
                    }
                    o.push_line(&line);
                }
            }
        }
        o.push_line("");
    }
    if let Some(date) = r.signature.iter().find_map(|l| date_of(l)) {
        o.push_line("signature:");
        if let Some(org) = r.signature.iter().find(|l| date_of(l).is_none()) {
            o.push_line(&format!("  organ: {}", scalar(org)));
        }
        o.push_line(&format!("  date: {date}"));
    }
    Written {
        text: o.text,
        sources: o.sources,
        doubts,
    }
}

/// `2025年1月20日` → `2025-01-20`.
pub fn date_of(line: &str) -> Option<String> {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|d| d.format("%Y-%m-%d").to_string())
}
