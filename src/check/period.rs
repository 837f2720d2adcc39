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
