//! `check`: the report resolved against its national format, and the consistency rules (勾稽关系).
//!
//! [`resolve`] chooses the format, reads every table value according to its column's kind, fills in
//! 总计 cells the report left out, and rejects what cannot be interpreted (exit code 2).
//! [`run`] evaluates the format's rules R1–R7 and the structural rules R10–R11 and returns every
//! finding (errors → exit code 1). Nothing here draws anything.

pub mod glyphs;
pub mod number;
pub mod period;
mod rows;
mod text;

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Pos, Severity};
use crate::format::{self, Format, Term};
use crate::report::{Report, SectionBody, META_KEYS};
pub use number::Number;

/// A cell's value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CellValue {
    /// The number.
    pub number: Number,
    /// Where it was written (for computed cells: the row key).
    pub pos: Pos,
    /// Computed by gongkai from the other cells (the report left it out).
    pub computed: bool,
    /// Left blank in the report: printed blank, counted as 0.
    pub blank: bool,
    /// The unit written after an amount whose column names none (`251000元`): printed after it.
    pub unit: Option<&'static str>,
}

/// The values of one table: (row id, column id) → value.
pub type TableValues = BTreeMap<(String, String), CellValue>;

/// A report read against its format: the input every later stage works from.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The report as written.
    pub report: Report,
    /// The national format it uses.
    pub format: std::sync::Arc<Format>,
    /// Table id → values (given and computed).
    pub values: BTreeMap<String, TableValues>,
}

impl Resolved {
    /// The value of a cell, if known.
    pub fn value(&self, table: &str, row: &str, column: &str) -> Option<&CellValue> {
        self.values
            .get(table)?
            .get(&(row.to_string(), column.to_string()))
    }
    /// The text blocks of a section (empty when absent).
    pub fn text(&self, section: &str) -> &[crate::report::Block] {
        self.report
            .sections
            .iter()
            .find(|s| s.id == section)
            .and_then(|s| match &s.body {
                SectionBody::Text(b) => Some(b.as_slice()),
                SectionBody::Table(_) => None,
            })
            .unwrap_or(&[])
    }
    /// The title: the override, or 〈机关名称〉〈年度〉年政府信息公开工作年度报告.
    pub fn title(&self) -> String {
        match &self.report.title {
            Some(t) => t.value.clone(),
            None => format!(
                "{}{}年政府信息公开工作年度报告",
                self.report.organ.value, self.report.year.value
            ),
        }
    }
}

/// Chooses the format and reads every table value. Errors here mean the input cannot be interpreted.
pub fn resolve(report: Report) -> Result<Resolved, Diagnostics> {
    let path = report.path.clone();
    let with_file = |d: Vec<Diagnostic>| {
        d.into_iter()
            .map(|x| x.in_file(path.as_deref()))
            .collect::<Vec<_>>()
    };
    let format = choose_format(&report).map_err(|d| with_file(vec![d]))?;
    let computable = computable_cells(&format);
    let mut diags = Vec::new();
    let mut values = BTreeMap::new();
    for t in &format.tables {
        values.insert(t.def.id.clone(), TableValues::new());
    }
    for s in &report.sections {
        let Some(def) = format.section(&s.id) else {
            let candidates = format
                .sections
                .iter()
                .map(|x| x.id.as_str())
                .chain(META_KEYS.iter().copied());
            let hint = match did_you_mean(&s.id, candidates) {
                Some(m) => format!("您是不是要写“{m}”？"),
                None => format!(
                    "报告中可用的项：{}",
                    META_KEYS
                        .iter()
                        .copied()
                        .chain(format.sections.iter().map(|x| x.id.as_str()))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            };
            diags.push(
                Diagnostic::error("unknown-key", format!("未知的项“{}”", s.id))
                    .at(s.pos)
                    .with_hint(hint),
            );
            continue;
        };
        match (&def.table, &s.body) {
            (Some(tid), SectionBody::Table(rows)) => {
                let table = format.table(tid).expect("validated format");
                let vals = values.get_mut(tid).expect("inserted above");
                for row in rows {
                    rows::read_row(table, &computable, row, &report.source, vals, &mut diags);
                }
            }
            (Some(tid), SectionBody::Text(_)) => {
                let table = format.table(tid).expect("validated format");
                diags.push(
                    Diagnostic::error(
                        "type",
                        format!(
                            "“{}”（{}）应填写{}各行的数字，而这里是文字",
                            s.id, def.heading, table.def.name
                        ),
                    )
                    .at(s.pos)
                    .with_hint("请对照模板，按“行名: {列名: 数字}”填写"),
                );
            }
            (None, SectionBody::Table(rows)) => {
                // `信息处理费: 本年度…` under a text section: a colon made the paragraph a key
                let d = match rows.iter().find(|r| !r.id.is_ascii()) {
                    Some(r) => Diagnostic::error(
                        "colon-key",
                        format!(
                            "“{}: …”中的英文冒号加空格使 YAML 把这段文字读成了“键: 值”，没有作为段落读入",
                            r.id
                        ),
                    )
                    .at(crate::diag::Pos::new(r.pos.line, r.pos.col + r.id.chars().count() as u32))
                    .with_hint("段落前加“- ”，并把“:”改成中文冒号“：”；或把这段写成块（“- |”后换行、缩进书写）"),
                    None => Diagnostic::error(
                        "type",
                        format!(
                            "“{}”（{}）应填写文字段落，而这里是键值表",
                            s.id, def.heading
                        ),
                    )
                    .at(s.pos)
                    .with_hint("每段文字前加“- ”；小标题写成“- heading: （一）标题”"),
                };
                diags.push(d);
            }
            (None, SectionBody::Text(_)) => {}
        }
    }
    if !diags.is_empty() {
        return Err(with_file(diags));
    }
    let mut resolved = Resolved {
        report,
        format,
        values,
    };
    compute_totals(&mut resolved);
    Ok(resolved)
}

fn choose_format(report: &Report) -> Result<std::sync::Arc<Format>, Diagnostic> {
    let year = report.year.value;
    match &report.format {
        Some(f) => {
            let Some(fmt) = format::by_id(format::id_of(&f.value)) else {
                return Err(
                    Diagnostic::error("format", format!("没有“{}”这个报告格式", f.value))
                        .at(f.pos)
                        .with_hint(format!(
                            "可用的格式：{}；通常不必填写 format，程序按年度自动选择",
                            format::ids().join("、")
                        )),
                );
            };
            if !fmt.allowed_years.contains(year) {
                return Err(Diagnostic::error(
                    "format",
                    format!("{year} 年度的报告不能使用 {} 年版格式", fmt.id),
                )
                .at(f.pos)
                .with_hint(format!(
                    "{} 年版格式适用于 {} 年及以前的报告；删去 format 一行即按年度自动选择",
                    fmt.id,
                    fmt.allowed_years.to.unwrap_or(year)
                )));
            }
            Ok(fmt)
        }
        None => format::for_year(year).ok_or_else(|| {
            Diagnostic::error("format", format!("没有适用于 {year} 年度的报告格式"))
                .at(report.year.pos)
                .with_hint("国家格式自 2019 年度起适用；请核对年度")
        }),
    }
}

type Computable = std::collections::BTreeSet<(String, String, String)>;

/// The values `kind:` may take (for the schema).
pub fn period_kinds() -> Vec<&'static str> {
    period::KINDS.iter().map(|(k, _)| *k).collect()
}

/// The cells the report may leave out because a rule computes them (总计 cells): (table, row, column).
pub fn computable_cells(format: &Format) -> std::collections::BTreeSet<(String, String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for r in format.rules.iter().filter(|r| r.computes) {
        let Some(t) = format.table(&r.table) else {
            continue;
        };
        for i in r.shared_instances(t).iter() {
            if let [l] = i.left.as_slice() {
                if !l.negative && !l.previous {
                    out.insert((r.table.clone(), l.row.clone(), l.column.clone()));
                }
            }
        }
    }
    out
}

fn compute_totals(res: &mut Resolved) {
    let rules: Vec<_> = res
        .format
        .rules
        .iter()
        .filter(|r| r.computes)
        .cloned()
        .collect();
    loop {
        let mut changed = false;
        for r in &rules {
            let table = res.format.table(&r.table).expect("validated");
            for inst in r.shared_instances(table).iter() {
                if inst.left.len() != 1 || inst.left[0].previous || inst.left[0].negative {
                    continue;
                }
                let vals = res.values.get_mut(&r.table).expect("inserted");
                let key = (inst.left[0].row.clone(), inst.left[0].column.clone());
                if vals.contains_key(&key) {
                    continue;
                }
                if let Some(sum) = sum_terms(&inst.right, vals, None) {
                    let pos = inst
                        .right
                        .iter()
                        .find_map(|t| vals.get(&(t.row.clone(), t.column.clone())).map(|v| v.pos))
                        .unwrap_or_default();
                    vals.insert(
                        key,
                        CellValue {
                            number: sum,
                            pos,
                            computed: true,
                            blank: false,
                            unit: None,
                        },
                    );
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

fn sum_terms(terms: &[Term], this: &TableValues, previous: Option<&TableValues>) -> Option<Number> {
    let mut total = Number::default();
    for t in terms {
        let src = if t.previous { previous? } else { this };
        let v = src.get(&(t.row.clone(), t.column.clone()))?.number;
        total = total.plus(if t.negative { v.negated() } else { v });
    }
    Some(total)
}

/// Runs every rule. With `previous`, also the year-over-year rules (R5–R7).
pub fn run(res: &Resolved, previous: Option<&Resolved>) -> Diagnostics {
    let mut diags = Vec::new();
    required(res, &mut diags);
    period::check(res, &mut diags);
    period::signature(res, &mut diags);
    text::check(res, &mut diags);
    blank_cells(res, &mut diags);
    if let Some(prev) = previous {
        if prev.report.year.value + 1 != res.report.year.value {
            diags.push(
                Diagnostic::warning(
                    "previous-year",
                    format!(
                        "上年报告是 {} 年度的，本报告是 {} 年度的",
                        prev.report.year.value, res.report.year.value
                    ),
                )
                .at(res.report.year.pos)
                .with_hint("--previous 应指定上一年度的报告"),
            );
        }
    }
    let failed = failures(res, previous);
    // the cells other failed rules point at: a balance that fails with one of them is most
    // likely wrong there
    let failed_at: std::collections::BTreeSet<(&str, &str, &str)> = failed
        .iter()
        .map(|f| {
            (
                f.rule.table.as_str(),
                f.inst.at.row.as_str(),
                f.inst.at.column.as_str(),
            )
        })
        .collect();
    for f in &failed {
        let (rule, inst) = (f.rule, &f.inst);
        let table = res.format.table(&rule.table).expect("validated");
        let this = &res.values[&rule.table];
        let mut msg = rule
            .message
            .replace("{left}", &f.left.display())
            .replace("{right}", &f.right.display());
        let row_name = table
            .row(&inst.at.row)
            .map_or(inst.at.row.clone(), |x| x.name.clone());
        let col_name = table
            .column(&inst.at.column)
            .map_or(inst.at.column.clone(), |x| x.name.clone());
        msg = msg
            .replace("{row}", &row_name)
            .replace("{column}", &col_name);
        for rd in &table.def.rows {
            let ph = format!("{{{}}}", rd.id);
            if msg.contains(&ph) {
                let v = this
                    .get(&(rd.id.clone(), inst.at.column.clone()))
                    .map_or("?".to_string(), |v| v.number.display());
                msg = msg.replace(&ph, &v);
            }
        }
        // where to point, for a balance of several rows (一+二 = 三+四): a cell this instance
        // shares with another failed rule (it breaks both); else the first row of the left side
        // the clerk typed (a 总计 that agrees with its own items is not the likely mistake);
        // else the rule's `at`
        // a cell of this year the clerk typed (a term of last year's report is no cell here)
        let typed = |t: &&Term| {
            !t.previous
                && this
                    .get(&(t.row.clone(), t.column.clone()))
                    .is_some_and(|v| !v.computed)
        };
        let balance = inst.left.len() + inst.right.len() >= 4
            && inst.left.len() >= 2
            && inst.left.iter().chain(&inst.right).all(|t| !t.previous);
        let shared = inst.left.iter().chain(&inst.right).filter(typed).find(|t| {
            (t.row != inst.at.row || t.column != inst.at.column)
                && failed_at.contains(&(rule.table.as_str(), t.row.as_str(), t.column.as_str()))
        });
        let first_left = || balance.then(|| inst.left.iter().find(typed)).flatten();
        let point = shared
            .map(|t| (t, true))
            .or_else(|| first_left().map(|t| (t, false)))
            .filter(|(t, _)| t.row != inst.at.row || t.column != inst.at.column);
        let at = match point {
            Some((t, _)) => this.get(&(t.row.clone(), t.column.clone())),
            None => this.get(&(inst.at.row.clone(), inst.at.column.clone())),
        };
        let mut d = Diagnostic {
            severity: Severity::from(rule.severity),
            file: res.report.path.clone(),
            pos: at.map(|v| v.pos).unwrap_or_default(),
            code: rule.id.clone(),
            message: format!("{}{}", table.def.name, msg),
            hint: Some(rule.hint.clone()),
        };
        if at.is_some_and(|v| v.computed) {
            d.hint = Some(format!(
                "{}（该总计由程序按各项之和算出，请核对各项）",
                rule.hint
            ));
        } else if let Some((t, shared)) = point {
            let cell = table.cell_name(&t.row, &t.column);
            d.hint = Some(if shared {
                format!(
                    "{}；最可能填错的是{cell}（它也使另一条关系不成立）",
                    rule.hint
                )
            } else {
                format!("{}；请先核对{cell}", rule.hint)
            });
        }
        diags.push(d);
    }
    diags.sort_by(|a, b| (a.pos, &a.code).cmp(&(b.pos, &b.code)));
    diags
}

/// One rule instance that does not hold: its two sides.
struct Failure<'a> {
    rule: &'a format::Rule,
    inst: format::RuleInstance,
    left: Number,
    right: Number,
}

fn failures<'a>(res: &'a Resolved, previous: Option<&Resolved>) -> Vec<Failure<'a>> {
    let mut out = Vec::new();
    for rule in &res.format.rules {
        if rule.is_cross_year() && previous.is_none() {
            continue;
        }
        let table = res.format.table(&rule.table).expect("validated");
        let this = &res.values[&rule.table];
        let prev_vals = previous.and_then(|p| p.values.get(&rule.table));
        for inst in rule.shared_instances(table).iter() {
            // A previous-year cell that last year's format does not have (table 2 across the 2021 change): skip.
            if let Some(p) = previous {
                let missing_in_prev_format = inst
                    .left
                    .iter()
                    .chain(&inst.right)
                    .filter(|t| t.previous)
                    .any(|t| {
                        p.format
                            .table(&rule.table)
                            .is_none_or(|pt| !pt.has_value(&t.row, &t.column))
                    });
                if missing_in_prev_format {
                    continue;
                }
            }
            let (Some(l), Some(r)) = (
                sum_terms(&inst.left, this, prev_vals),
                sum_terms(&inst.right, this, prev_vals),
            ) else {
                continue;
            };
            if l == r || l.display() == r.display() {
                continue;
            }
            out.push(Failure {
                rule,
                inst: inst.clone(),
                left: l,
                right: r,
            });
        }
    }
    out
}

/// Blank cells: printed blank and counted as 0, with one warning per table saying how many.
fn blank_cells(res: &Resolved, diags: &mut Diagnostics) {
    for t in &res.format.tables {
        let Some(vals) = res.values.get(&t.def.id) else {
            continue;
        };
        let blank: Vec<&CellValue> = vals.values().filter(|v| v.blank).collect();
        let Some(first) = blank.iter().map(|v| v.pos).min() else {
            continue;
        };
        diags.push(
            Diagnostic::warning(
                "blank",
                format!(
                    "{}有 {} 个空白格：印出来是空白，计算合计时按 0 计",
                    t.def.name,
                    blank.len()
                ),
            )
            .at(first)
            .in_file(res.report.path.as_deref())
            .with_hint("没有发生的事项请填 0；确实无法统计的格可以留空，并在正文中说明"),
        );
    }
}

/// R11: every section present with content; every value cell of every table filled.
fn required(res: &Resolved, diags: &mut Diagnostics) {
    let path = res.report.path.clone();
    for s in &res.format.sections {
        let given = res.report.sections.iter().find(|x| x.id == s.id);
        match (&s.table, given) {
            (_, None) => diags.push(
                Diagnostic::error("R11", format!("缺少“{}”部分（{}）", s.heading, s.id))
                    .at(Pos::new(1, 1))
                    .with_hint(match &s.table {
                        Some(_) => "六个部分和三张表都必须有，表格没有发生的事项填 0".to_string(),
                        None => format!(
                            "六个部分都必须有；{}",
                            s.what.as_deref().unwrap_or("没有内容可写“无”")
                        ),
                    }),
            ),
            (None, Some(sec)) => {
                let placeholder = res.text(&s.id).iter().any(|b| {
                    matches!(b, crate::report::Block::Para(p)
                        if p.value.contains(crate::report::placeholder::PARAGRAPH))
                });
                if placeholder {
                    // reported by `text::check`, with every other placeholder
                } else if res.text(&s.id).is_empty() {
                    diags.push(
                        Diagnostic::error("R11", format!("“{}”部分没有内容", s.heading))
                            .at(sec.pos)
                            .with_hint(format!(
                                "{}；确实没有可写“无”",
                                s.what.as_deref().unwrap_or("请填写")
                            )),
                    );
                }
            }
            (Some(tid), Some(sec)) => {
                let table = res.format.table(tid).expect("validated");
                let vals = &res.values[tid];
                let SectionBody::Table(rows) = &sec.body else {
                    continue;
                };
                for rd in &table.def.rows {
                    let cols = table.row_columns(&rd.id);
                    let missing: Vec<_> = cols
                        .iter()
                        .filter(|c| !vals.contains_key(&(rd.id.clone(), c.id.clone())))
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let written = rows.iter().find(|r| r.id == rd.id);
                    let msg = if written.is_none() {
                        format!("{}缺少“{}”行（{}）", table.def.name, rd.name, rd.id)
                    } else {
                        format!(
                            "{}“{}”行未填写：{}",
                            table.def.name,
                            rd.name,
                            missing
                                .iter()
                                .map(|c| format!("“{}”列", c.name))
                                .collect::<Vec<_>>()
                                .join("、")
                        )
                    };
                    diags.push(
                        Diagnostic::error("R11", msg)
                            .at(written.map_or(sec.pos, |w| w.pos))
                            .with_hint(
                                "国家格式的每一行都必须填写，没有发生的事项填 0".to_string(),
                            ),
                    );
                }
            }
        }
    }
    for d in diags.iter_mut() {
        d.file = d.file.take().or_else(|| path.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(yaml: &str) -> Resolved {
        resolve(crate::report::load_str(yaml, None).expect("loads")).expect("resolves")
    }

    const MINIMAL_2021: &str = "organ: 测试局\nyear: 2021\noverview: [无]\nproblems: [无]\nother: [本年度未收取信息处理费。]\n";

    #[test]
    fn r1_expands_over_every_column_with_the_printed_labels() {
        let f = format::by_id("2021").unwrap();
        let r1 = f.rules.iter().find(|r| r.id == "R1").unwrap();
        let inst = r1.instances(f.table("applications").unwrap()).unwrap();
        assert_eq!(inst.len(), 7);
        assert_eq!(
            inst[0]
                .left
                .iter()
                .map(|t| t.row.as_str())
                .collect::<Vec<_>>(),
            ["new", "carried"]
        );
        assert_eq!(inst[6].at.column, "total");
    }

    #[test]
    fn omitted_totals_are_computed_row_then_column() {
        // The 2021 sample with （七）总计 and every 总计 cell left out: all computed, and R1 still holds.
        let y = include_str!("../../samples/qinghe-2021.yaml")
            .lines()
            .filter(|l| !l.trim_start().starts_with("result_total:"))
            .map(|l| l.replace(", 27]", "]").replace(", 2]", "]"))
            .collect::<Vec<_>>()
            .join("\n");
        let res = resolved(&y);
        let v = |r: &str, c: &str| {
            res.value("applications", r, c)
                .map(|v| (v.number.display(), v.computed))
        };
        assert_eq!(v("result_total", "natural"), Some(("22".into(), true)));
        assert_eq!(v("result_total", "total"), Some(("27".into(), true)));
        assert_eq!(v("new", "total"), Some(("27".into(), true)));
        assert_eq!(v("carried_next", "total"), Some(("2".into(), true)));
        assert!(run(&res, None).is_empty(), "{:?}", run(&res, None));
    }

    #[test]
    fn a_wrong_given_total_is_reported_at_that_cell() {
        let mut y = String::from(MINIMAL_2021);
        y.push_str("review:\n  review: [1, 1, 0, 0, 3]\n  direct_suit: [0, 0, 0, 0]\n  suit_after_review: [0, 0, 0, 0]\n");
        let res = resolved(&y);
        let d: Vec<_> = run(&res, None)
            .into_iter()
            .filter(|d| d.code == "R4")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "表四“行政复议”的“总计”为 3，但结果维持、结果纠正、其他结果、尚未审结之和为 2"
        );
        assert_eq!(d[0].pos.line, 7);
    }

    #[test]
    fn cross_year_rules_skip_cells_last_years_format_lacks() {
        // R6 reads 现行有效件数, which the 2019 format has not: no finding, no panic.
        let prev =
            resolved("organ: 测试局\nyear: 2020\noverview: [无]\nproblems: [无]\nother: [无]\n");
        let mut y = String::from(MINIMAL_2021);
        y.push_str("proactive:\n  normative: {issued: 1, repealed: 0, in_force: 9}\n");
        let res = resolved(&y);
        assert!(run(&res, Some(&prev)).iter().all(|d| d.code != "R6"));
    }
}
