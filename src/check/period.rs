//! R10: the statistical period is 1 January – 31 December of the report year, and the title's year is
//! the report year (spec §2.1 R10).

use chrono::{Datelike, NaiveDate};

use super::Resolved;
use crate::diag::{Diagnostic, Diagnostics};

/// Words that introduce the statistical period in a lead paragraph.
const PERIOD_WORDS: &[&str] = &["统计期限", "统计时限", "统计期间", "统计时间", "统计周期"];

/// Runs R10 over the lead paragraphs and the title.
pub fn check(res: &Resolved, diags: &mut Diagnostics) {
    let year = res.report.year.value;
    let file = res.report.path.as_deref();
    if let Some(t) = &res.report.title {
        let years = years_in(&t.value);
        if !years.is_empty() && !years.contains(&year) {
            diags.push(
                Diagnostic::error(
                    "R10",
                    format!(
                        "标题中的年度（{}）与报告年度 {year} 不一致",
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                )
                .at(t.pos)
                .in_file(file)
                .with_hint("标题年度应与统计数据的年度相同"),
            );
        }
    }
    let paras = res
        .report
        .lead
        .iter()
        .chain(res.text("overview").iter().filter_map(|b| match b {
            crate::report::Block::Para(p) => Some(p),
            _ => None,
        }));
    for p in paras {
        let Some(start) = PERIOD_WORDS.iter().filter_map(|w| p.value.find(w)).min() else {
            continue;
        };
        let sentence_end = p.value[start..]
            .find('。')
            .map_or(p.value.len(), |e| start + e);
        let dates = dates_in(&p.value[start..sentence_end]);
        let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
            continue;
        };
        let want_first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
        let want_last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid");
        if dates.len() >= 2 && (*first != want_first || *last != want_last) {
            diags.push(
                Diagnostic::error(
                    "R10",
                    format!(
                        "统计期限写的是 {} 至 {}，但报告年度是 {year} 年",
                        first.format("%Y年%-m月%-d日"),
                        last.format("%Y年%-m月%-d日")
                    ),
                )
                .at(p.pos)
                .in_file(file)
                .with_hint(format!("统计期限应为 {year}年1月1日 至 {year}年12月31日")),
            );
        } else if dates.len() == 1 && first.year() != year {
            diags.push(
                Diagnostic::error(
                    "R10",
                    format!(
                        "统计期限中的年度（{}）与报告年度 {year} 不一致",
                        first.year()
                    ),
                )
                .at(p.pos)
                .in_file(file)
                .with_hint(format!("统计期限应为 {year}年1月1日 至 {year}年12月31日")),
            );
        }
    }
}

/// The values `kind:` may take.
pub const KINDS: &[(&str, Kind)] = &[
    ("部门", Kind::Department),
    ("政府部门", Kind::Department),
    ("政府", Kind::Government),
    ("本级政府", Kind::Government),
    ("人民政府", Kind::Government),
    ("乡镇", Kind::Township),
    ("街道", Kind::Township),
];

/// Who publishes the report, for its deadline (《政府信息公开条例》第四十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 县级以上人民政府部门: by 31 January.
    Department,
    /// 县级以上人民政府 (the 本级政府 report, compiled by its 政府信息公开工作主管部门): by 31 March.
    Government,
    /// 乡镇人民政府、街道办事处: by 31 January, as departments.
    Township,
}

impl Kind {
    /// The kind a `kind:` value names.
    pub fn parse(s: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|(name, _)| *name == s.trim())
            .map(|&(_, k)| k)
    }
    /// The kind an organ's name suggests: …乡/镇人民政府 and 街道办事处 townships, other
    /// …人民政府 governments, everything else a department.
    pub fn guess(organ: &str) -> Kind {
        let o = organ.trim();
        if o.ends_with("乡人民政府") || o.ends_with("镇人民政府") || o.ends_with("街道办事处")
        {
            Kind::Township
        } else if o.ends_with("人民政府") {
            Kind::Government
        } else {
            Kind::Department
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Department => "县级以上人民政府部门",
            Kind::Government => "县级以上人民政府",
            Kind::Township => "乡镇人民政府、街道办事处",
        }
    }
    /// (month, day) of the deadline in the year after the report year.
    fn deadline(self) -> (u32, u32) {
        match self {
            Kind::Government => (3, 31),
            Kind::Department | Kind::Township => (1, 31),
        }
    }
}

/// The signature: its date after the report year and by the statutory deadline, its organ the
/// report's (warnings).
pub fn signature(res: &Resolved, diags: &mut Diagnostics) {
    let rep = &res.report;
    let file = rep.path.as_deref();
    let kind = match &rep.kind {
        Some(k) => match Kind::parse(&k.value) {
            Some(kind) => kind,
            None => {
                diags.push(
                    Diagnostic::error("kind", format!("kind 写的是“{}”，无法识别", k.value))
                        .at(k.pos)
                        .in_file(file)
                        .with_hint("kind 可写：部门（县级以上人民政府部门）、政府（本级人民政府的年度报告）、乡镇；不写则按机关名称判断"),
                );
                return;
            }
        },
        None => Kind::guess(&rep.organ.value),
    };
    let Some(sig) = &rep.signature else {
        return;
    };
    let year = rep.year.value;
    let date = sig.date.value;
    let shown = date.format("%Y年%-m月%-d日");
    if date.year() <= year {
        diags.push(
            Diagnostic::warning(
                "signature-date",
                format!("成文日期 {shown} 在报告年度 {year} 年结束之前"),
            )
            .at(sig.date.pos)
            .in_file(file)
            .with_hint(format!(
                "年度报告在年度结束后编制，成文日期应在 {}年1月1日 之后；请核对年份",
                year + 1
            )),
        );
    } else {
        let (m, d) = kind.deadline();
        if let Some(deadline) = NaiveDate::from_ymd_opt(year + 1, m, d) {
            if date > deadline {
                let kind_hint = match kind {
                    Kind::Government => "",
                    _ => "；若本报告是本级人民政府的年度报告（由政府信息公开工作主管部门编制，3月31日前公布），请加一行 kind: 政府",
                };
                let source = if rep.kind.is_some() {
                    "kind"
                } else {
                    "按机关名称判断"
                };
                diags.push(
                    Diagnostic::warning(
                        "signature-date",
                        format!(
                            "成文日期 {shown} 晚于公布期限 {}（《政府信息公开条例》第四十九条：{}的年度报告应在每年{m}月{d}日前公布；{source}，本机关是{}）",
                            deadline.format("%Y年%-m月%-d日"),
                            kind.name(),
                            kind.name()
                        ),
                    )
                    .at(sig.date.pos)
                    .in_file(file)
                    .with_hint(format!("请核对成文日期{kind_hint}")),
                );
            }
        }
    }
    if let Some(o) = &sig.organ {
        if o.value.trim() != rep.organ.value.trim() {
            diags.push(
                Diagnostic::warning(
                    "signature-organ",
                    format!(
                        "落款署名“{}”与机关名称 organ“{}”不一致",
                        o.value, rep.organ.value
                    ),
                )
                .at(o.pos)
                .in_file(file)
                .with_hint("落款应是发布本报告的机关；若确需不同，可忽略此提示"),
            );
        }
    }
}

/// Four-digit years followed by 年 in `s`.
fn years_in(s: &str) -> Vec<i32> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    for i in 0..chars.len() {
        if i + 4 < chars.len()
            && chars[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && chars[i + 4] == '年'
            && (i == 0 || !chars[i - 1].is_ascii_digit())
        {
            let y: String = chars[i..i + 4].iter().collect();
            out.push(y.parse().unwrap_or(0));
        }
    }
    out
}

/// Dates written `YYYY年M月D日` (spaces allowed between the parts) in `s`, in order.
fn dates_in(s: &str) -> Vec<NaiveDate> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    let mut i = 0;
    let num = |i: &mut usize| {
        let start = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        chars[start..*i]
            .iter()
            .collect::<String>()
            .parse::<u32>()
            .ok()
    };
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let mut j = i;
            let y = num(&mut j);
            if j < chars.len() && chars[j] == '年' {
                j += 1;
                let m = num(&mut j);
                if j < chars.len() && chars[j] == '月' {
                    j += 1;
                    let d = num(&mut j);
                    if j < chars.len() && chars[j] == '日' {
                        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
                            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                                out.push(date);
                            }
                        }
                        i = j + 1;
                        continue;
                    }
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dates_with_spaces() {
        let d = dates_in("统计期限自 2020 年 1 月 1 日起至 2020 年 12 月 31 日止");
        assert_eq!(
            d,
            vec![
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
            ]
        );
        assert_eq!(years_in("某某局2021年政府信息公开工作年度报告"), vec![2021]);
    }
}
