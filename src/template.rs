//! `new`: a complete report template for an organ and year, every field and every table row
//! present with Chinese comments — optionally carried over from last year's report.
//!
//! What is carried is decided by the format's year-over-year rules (data, not code): every rule whose
//! left side is one cell of this year and whose right side reads last year's report gives that cell
//! its starting value (上年结转 ← 上年结转下年度继续办理; 现行有效件数 ← 上年现行有效件数; …).

use std::collections::BTreeMap;

use crate::check::{Number, Resolved};
use crate::edit::{self, Draft};
use crate::format::Format;
use crate::report::placeholder::{CONTACT, PARAGRAPH, WEBSITE};

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

/// Writes the template YAML text for `format`: the Draft of [`draft`] written by the same writer
/// as the browser editor's saves, with last year's problems listed under `problems` and the
/// carried cells noted.
pub fn template(format: &Format, input: &TemplateInput) -> String {
    let d = draft(format, input.organ, input.year, input.previous);
    let carried = input
        .previous
        .map(|p| carry(format, p).into_keys().collect())
        .unwrap_or_default();
    let extras = crate::edit::write::Extras {
        schema_ref: input.schema_ref,
        previous: input.previous,
        carried,
    };
    crate::edit::write::write(&crate::edit::normalise(&d), format, &extras).text
}

/// A new report of `format` as a Draft: every section and row present, the placeholders in the
/// text (last year's lead with the year changed, when given), every value 0 but the 总计 cells
/// (computed) and the cells carried from last year.
pub fn draft(format: &Format, organ: &str, year: i32, previous: Option<&Resolved>) -> Draft {
    let carried = previous.map(|p| carry(format, p)).unwrap_or_default();
    let y = year;
    let lead: Vec<String> = match previous {
        Some(p) if !p.report.lead.is_empty() => {
            let py = p.report.year.value.to_string();
            p.report
                .lead
                .iter()
                .map(|l| l.value.replace(&py, &y.to_string()))
                .collect()
        }
        _ => vec![format!(
            "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。本报告电子版可在{WEBSITE}下载。如对本报告有疑问，请与{CONTACT}联系。"
        )],
    };
    let para = |s: &str| edit::Block::Para {
        para: s.to_string(),
    };
    let computable = crate::check::computable_cells(format);
    let sections = format
        .sections
        .iter()
        .map(|s| match &s.table {
            None => {
                let placeholder = if s.id == "other" && format.id != "2019" {
                    "本年度未收取信息处理费。"
                } else {
                    PARAGRAPH
                };
                edit::Section::Text {
                    id: s.id.clone(),
                    blocks: vec![para(placeholder)],
                }
            }
            Some(tid) => {
                let t = format.table(tid).expect("validated format");
                let rows = t
                    .def
                    .rows
                    .iter()
                    .map(|r| {
                        let vals = t
                            .row_columns(&r.id)
                            .iter()
                            .map(|c| {
                                let key = (tid.clone(), r.id.clone(), c.id.clone());
                                // a 总计 is computed, even where last year's total is known
                                if computable.contains(&key) {
                                    String::new()
                                } else {
                                    carried.get(&key).map_or("0".to_string(), |n| n.display())
                                }
                            })
                            .collect();
                        (r.id.clone(), vals)
                    })
                    .collect();
                edit::Section::Table {
                    id: s.id.clone(),
                    rows,
                }
            }
        })
        .collect();
    Draft {
        organ: organ.to_string(),
        year,
        format: None,
        title: None,
        kind: None,
        lead: lead.iter().map(|l| para(l)).collect(),
        sections,
        signature: None,
    }
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
