//! `new`: a complete report template for an organ and year, every field and every table row
//! present with Chinese comments — optionally carried over from last year's report.
//!
//! What is carried is decided by the format's year-over-year rules (data, not code): every rule whose
//! left side is one cell of this year and whose right side reads last year's report gives that cell
//! its starting value (上年结转 ← 上年结转下年度继续办理; 现行有效件数 ← 上年现行有效件数; …).

use std::collections::BTreeMap;

use crate::check::{Number, Resolved};
use crate::format::{self, Format, Table};
use crate::report::placeholder::{CONTACT, PARAGRAPH, WEBSITE};
use crate::report::Block;

/// Everything `new` needs.
pub struct TemplateInput<'a> {
    /// 机关名称.
    pub organ: &'a str,
    /// Report year.
    pub year: i32,
    /// Last year's report, resolved.
    pub previous: Option<&'a Resolved>,
    /// Path written into the `$schema` comment.
    pub schema_ref: &'a str,
}

/// Writes the template YAML text for `format`.
pub fn template(format: &Format, input: &TemplateInput) -> String {
    let carried = input.previous.map(|p| carry(format, p)).unwrap_or_default();
    let mut o = String::new();
    let y = input.year;
    o.push_str(&format!(
        "# yaml-language-server: $schema={}\n",
        input.schema_ref
    ));
    o.push_str(
        "# （编辑器补全与检查：在本文件所在文件夹运行 gongkai schema > gongkai.schema.json）\n",
    );
    o.push_str(&format!(
        "# {}{}年政府信息公开工作年度报告（{}，{}）\n",
        input.organ, y, format.name, format.issued_by
    ));
    o.push_str("# 填写说明：“#”开头的行是说明，不会印出来。\n");
    o.push_str("# 每段文字写在“- |”的下一行，缩进四格，一段写成一行（不要折行）；这样写，文字中的 # 和 : 都照原样印出。\n");
    o.push_str("# 小标题写成“- heading: （一）标题”；小标题后紧接正文时再加一行“text: 正文”。\n");
    o.push_str("# 括号中的（请填写）（网站名称）等是要换成实际内容的地方，不换则检查不通过。\n");
    o.push_str("# 表格没有发生的事项填 0；总计由程序算出，不必填写。\n");
    o.push_str("# 填好后运行：gongkai check 本文件   通过后运行：gongkai render 本文件\n\n");
    o.push_str(&format!(
        "organ: {}          # 机关名称（标题和落款用）\n",
        yaml_str(input.organ)
    ));
    o.push_str(&format!(
        "year: {y}                            # 报告年度（统计年度）\n\n"
    ));
    o.push_str("lead:                                 # 导语：标题下、“一、总体情况”前的说明段落（可删去）\n");
    let lead: Vec<String> = match input.previous {
        Some(p) if !p.report.lead.is_empty() => {
            let py = p.report.year.value.to_string();
            p.report.lead.iter().map(|l| l.value.replace(&py, &y.to_string())).collect()
        }
        _ => vec![format!(
            "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。本报告电子版可在{WEBSITE}下载。如对本报告有疑问，请与{CONTACT}联系。"
        )],
    };
    for l in lead {
        paragraph(&mut o, &l);
    }
    o.push('\n');
    for s in &format.sections {
        match &s.table {
            None => {
                o.push_str(&format!(
                    "{}:{}# {}\n",
                    s.id,
                    pad(s.id.len() + 1, 38),
                    s.heading
                ));
                if let Some(w) = &s.what {
                    o.push_str(&format!("  # 应写：{w}\n"));
                }
                if s.id == "problems" {
                    if let Some(p) = input.previous {
                        o.push_str(&format!(
                            "  # 上年度（{}）报告所列问题和改进措施，请写明落实情况：\n",
                            p.report.year.value
                        ));
                        for b in p.text("problems") {
                            let t = match b {
                                Block::Para(p) => p.value.clone(),
                                Block::Heading { text, run_in, .. } => format!(
                                    "{}{}",
                                    text.value,
                                    run_in.as_ref().map_or("", |r| r.value.as_str())
                                ),
                            };
                            o.push_str(&format!("  #   {t}\n"));
                        }
                    }
                }
                let placeholder = if s.id == "other" && format.id != "2019" {
                    "本年度未收取信息处理费。"
                } else {
                    PARAGRAPH
                };
                paragraph(&mut o, placeholder);
                o.push('\n');
            }
            Some(tid) => {
                let t = format.table(tid).expect("validated format");
                o.push_str(&format!(
                    "{}:{}# {}（{}）\n",
                    s.id,
                    pad(s.id.len() + 1, 38),
                    s.heading,
                    t.def.name
                ));
                table_rows(format, t, &carried, &mut o);
                o.push('\n');
            }
        }
    }
    o.push_str("# signature:                          # 落款（可不写）\n#   organ: ");
    o.push_str(input.organ);
    o.push_str(&format!("\n#   date: {}-01-20\n", y + 1));
    o.push_str("# kind: 部门                          # 公布期限（条例第四十九条）按机关类别：部门、乡镇 1月31日前，\n");
    o.push_str("#                                     # 政府（本级人民政府的年度报告）3月31日前；不写则按机关名称判断\n");
    o
}

/// One paragraph as a block scalar (`- |`): `#` and `:` in it are text, not YAML.
fn paragraph(o: &mut String, text: &str) {
    o.push_str("  - |\n");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        o.push_str("    ");
        o.push_str(line.trim());
        o.push('\n');
    }
}

fn pad(used: usize, to: usize) -> String {
    " ".repeat(to.saturating_sub(used).max(1))
}

/// A YAML scalar for text: plain when safe, double-quoted otherwise.
fn yaml_str(s: &str) -> String {
    let risky = s.is_empty()
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.parse::<f64>().is_ok()
        || matches!(s, "true" | "false" | "null" | "~" | "yes" | "no");
    if risky {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

fn table_rows(
    format: &Format,
    t: &Table,
    carried: &BTreeMap<(String, String, String), Number>,
    o: &mut String,
) {
    let computable = crate::check::computable_cells(format);
    let is_total =
        |r: &str, c: &str| computable.contains(&(t.def.id.clone(), r.to_string(), c.to_string()));
    let width = t.def.rows.iter().map(|r| r.id.len()).max().unwrap_or(0) + 1;
    let cols_of = |r: &str| {
        t.row_columns(r)
            .into_iter()
            .filter(|c| !is_total(r, &c.id))
            .collect::<Vec<_>>()
    };
    let filled: Vec<_> = t
        .def
        .rows
        .iter()
        .filter(|r| !cols_of(&r.id).is_empty())
        .collect();
    let uniform = filled.windows(2).all(|w| {
        cols_of(&w[0].id).iter().map(|c| &c.id).collect::<Vec<_>>()
            == cols_of(&w[1].id).iter().map(|c| &c.id).collect::<Vec<_>>()
    });
    if uniform {
        let names: Vec<&str> = filled
            .first()
            .map(|r| cols_of(&r.id))
            .unwrap_or_default()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        o.push_str(&format!(
            "  # 每行 {} 个数，依次为：{}（总计由程序算出）\n",
            names.len(),
            names.join(", ")
        ));
    }
    let mut last_caption = String::new();
    for r in &t.def.rows {
        // The caption above the row's first value cell (表二: 第二十条第（X）项).
        if let Some(cap) = caption_above(t, &r.id) {
            if cap != last_caption {
                let cols: Vec<&str> = cols_of(&r.id).iter().map(|c| c.name.as_str()).collect();
                o.push_str(&format!("  # {cap}：{}\n", cols.join(" / ")));
                last_caption = cap;
            }
        }
        let cols = cols_of(&r.id);
        if cols.is_empty() {
            o.push_str(&format!(
                "  # {}：{}——由程序按各项之和算出，不必填写\n",
                r.id, r.name
            ));
            continue;
        }
        let val = |c: &str| {
            carried
                .get(&(t.def.id.clone(), r.id.clone(), c.to_string()))
                .map_or("0".to_string(), |n| n.display())
        };
        let body = if cols.len() == 1 && !uniform {
            val(&cols[0].id)
        } else if uniform {
            format!(
                "[{}]",
                cols.iter()
                    .map(|c| val(&c.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "{{{}}}",
                cols.iter()
                    .map(|c| format!("{}: {}", c.id, val(&c.id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let line = format!("  {}:{}{}", r.id, " ".repeat(width - r.id.len() + 1), body);
        let carried_note = if cols
            .iter()
            .any(|c| carried.contains_key(&(t.def.id.clone(), r.id.clone(), c.id.clone())))
        {
            "（已从上年报告带入）"
        } else {
            ""
        };
        o.push_str(&format!(
            "{}{}# {}{}\n",
            line,
            pad(line.chars().count(), 46),
            r.name,
            carried_note
        ));
    }
}

fn caption_above(t: &Table, row: &str) -> Option<String> {
    let v = t.values.iter().find(|v| v.row == row)?;
    (0..v.grid_row).rev().find_map(|gr| match &t.grid[gr][0] {
        format::Entry::Cell(c) if c.role == format::CellRole::Caption => match &c.content {
            format::CellContent::Text(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Starting values from last year's report: (table, row, column) → value, by the format's
/// year-over-year rules with this year's other terms taken as zero.
pub fn carry(format: &Format, previous: &Resolved) -> BTreeMap<(String, String, String), Number> {
    let mut out = BTreeMap::new();
    for rule in format.rules.iter().filter(|r| r.is_cross_year()) {
        let Some(table) = format.table(&rule.table) else {
            continue;
        };
        let Some(pt) = previous.format.table(&rule.table) else {
            continue;
        };
        for inst in rule.instances(table).unwrap_or_default() {
            let [left] = inst.left.as_slice() else {
                continue;
            };
            if left.previous || left.negative {
                continue;
            }
            let mut sum = Number::default();
            let mut ok = true;
            for t in inst.right.iter().filter(|t| t.previous) {
                match previous.value(&rule.table, &t.row, &t.column) {
                    Some(v) if pt.has_value(&t.row, &t.column) => {
                        sum = sum.plus(if t.negative {
                            v.number.negated()
                        } else {
                            v.number
                        })
                    }
                    _ => ok = false,
                }
            }
            if ok {
                out.insert(
                    (rule.table.clone(), left.row.clone(), left.column.clone()),
                    sum,
                );
            }
        }
    }
    out
}
