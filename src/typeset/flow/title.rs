//! The title's line breaks. GB/T 9704-2012 7.3.1: a title of more than one line breaks so that its
//! words stay whole and its lines are symmetrical (梯形 or 菱形), centred.
//!
//! Where a title may break, best first:
//! - between its parts (the organ's name | the year and 政府信息公开工作年度报告);
//! - between the words of an organ's name. A Chinese organ's name is a chain of units, each ending in
//!   the name of an administrative level or of an organ: 青石县 | 自然资源和规划局 | （青石县 | 林业局）,
//!   中共青石县委员会 | 办公室, 青石县 | 人民政府 | 办公室. So a break is hinted after each unit end of
//!   [`UNIT_ENDS`] (the longest that matches), unless the character after a one-character end makes a
//!   word with it ([`NOT_ENDS`]: 市场监督管理局 is not 市 | 场…, 县委 is not 县 | 委…) or the unit would
//!   be that end alone (镇江市 is not 镇 | 江市); before an opening bracket, after a closing one
//!   and after 、，；： (青石县林业局、| 青石县草原站);
//!   after the year (2021年 | 政府信息公开工作年度报告) and after 信息公开 and 工作 of the title's tail;
//! - a hint inside brackets costs a little more (a reader takes a bracket as one piece);
//! - anywhere else 禁则 allows, only when no hinted layout fits (a word broken mid-way).
//!
//! Each line costs a constant (fewer lines first) plus the square of its slack in em, each break its
//! class's cost; the layout of least total wins: words whole, then few lines, then lines of equal
//! length (`[青禾县自然资源局2021年 | 政府信息公开工作年度报告]`, not a short organ over a long line).

use std::ops::Range;

use crate::typeset::cjk;
use crate::typeset::inline::{self, Shaped};

/// Names of administrative levels and organs a unit of an organ's name ends with, longest first
/// for each ending character.
pub const UNIT_ENDS: &[&str] = &[
    "人民代表大会常务委员会",
    "常务委员会",
    "人民政府",
    "委员会",
    "办公室",
    "办公厅",
    "办事处",
    "自治区",
    "自治州",
    "自治县",
    "街道",
    "社区",
    "中心",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
    "镇",
    "乡",
    "村",
    "局",
    "厅",
    "委",
    "办",
    "署",
    "院",
    "所",
    "站",
    "队",
    "处",
    "科",
];

/// A one-character unit end followed by these characters is the start of a word, not an end.
pub const NOT_ENDS: &[&str] = &[
    "市场", "市政", "市委", "市容", "市民", "区域", "区委", "县委", "县域", "省委", "乡村", "乡镇",
    "镇委", "镇街", "村民", "村委", "局长", "委员", "办公", "办事", "院校", "所属", "站点", "队伍",
    "处理", "科技", "科学", "中心",
];

/// Words of the title's tail after which it may break.
const TAIL_ENDS: &[&str] = &["信息公开", "工作"];

/// Cost of a line, in em² (fewer lines first).
const LINE_COST: f64 = 100.0;
/// Cost of a hinted break inside brackets, em².
const IN_BRACKETS: f64 = 16.0;
/// Cost of a break inside a word, em²: more than any layout of whole words.
const MID_WORD: f64 = 1.0e6;

/// Where a line may start inside `chars` at a word boundary of the rules above (positions 1..len).
pub fn word_breaks(chars: &[char]) -> Vec<usize> {
    let n = chars.len();
    let mut out = Vec::new();
    let ends_with = |p: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        p >= w.len() && chars[p - w.len()..p] == w[..]
    };
    // start of the current unit (after the last hint)
    let mut unit = 0;
    for p in 1..n {
        let (a, b) = (chars[p - 1], chars[p]);
        if cjk::word_processor_joins(a, b) {
            continue;
        }
        let mut hint = matches!(b, '（' | '(' | '〔' | '［' | '【')
            || matches!(
                a,
                '）' | ')' | '〕' | '］' | '】' | '、' | '，' | '；' | '：'
            );
        if let Some(w) = UNIT_ENDS.iter().find(|w| ends_with(p, w)) {
            let len = w.chars().count();
            let pair: String = [a, b].iter().collect();
            let joins = len == 1 && NOT_ENDS.contains(&pair.as_str());
            // a one-character end alone in its unit is a place name's first character (镇江市)
            if !joins && (len > 1 || p - len > unit) {
                hint = true;
            }
        }
        if a == '年' && p >= 2 && chars[p - 2].is_ascii_digit() {
            hint = true;
        }
        if TAIL_ENDS.iter().any(|w| ends_with(p, w)) {
            hint = true;
        }
        if hint {
            out.push(p);
            unit = p;
        }
    }
    out
}

/// The title's lines in `measure`: `parts_at` are the positions between its parts.
pub(crate) fn line_ranges(sh: &Shaped, parts_at: &[usize], measure: f64) -> Vec<Range<usize>> {
    let n = sh.items.len();
    if n == 0 {
        return Vec::new();
    }
    let chars: Vec<char> = sh.items.iter().map(|i| i.ch).collect();
    let size = sh.items.iter().map(|i| i.size).fold(1.0, f64::max);
    // the cost of breaking before each position (None: no break)
    let mut cost: Vec<Option<f64>> = (0..=n)
        .map(|p| (p > 0 && p < n && sh.breaks[p]).then_some(MID_WORD))
        .collect();
    let mut depth = vec![0i32; n + 1];
    for p in 1..=n {
        depth[p] = depth[p - 1]
            + match chars[p - 1] {
                '（' | '(' | '〔' | '［' | '【' => 1,
                '）' | ')' | '〕' | '］' | '】' => -1,
                _ => 0,
            };
    }
    for p in word_breaks(&chars) {
        if sh.breaks[p] {
            cost[p] = Some(if depth[p] > 0 { IN_BRACKETS } else { 0.0 });
        }
    }
    for &p in parts_at.iter().filter(|&&p| p > 0 && p < n) {
        cost[p] = Some(0.0);
    }
    cost[n] = Some(0.0);
    // best[e]: least cost of lines ending at e
    let mut best = vec![f64::INFINITY; n + 1];
    let mut from = vec![0usize; n + 1];
    best[0] = 0.0;
    for s in 0..n {
        if !best[s].is_finite() {
            continue;
        }
        let here = best[s];
        inline::natural_fits(&sh.items, s, measure, &mut |e, width| {
            if let Some(c) = cost[e] {
                let slack = (measure - width) / size;
                let total = here + LINE_COST + slack * slack + c;
                if total < best[e] {
                    best[e] = total;
                    from[e] = s;
                }
            }
        });
    }
    if !best[n].is_finite() {
        // a piece wider than the line: break as a paragraph would, cutting what cannot fit
        let mut sh = sh.clone();
        for &p in parts_at.iter().filter(|&&p| p < n) {
            sh.breaks[p] = true;
        }
        return inline::break_lines(&sh, &|_| measure);
    }
    let mut lines = Vec::new();
    let mut e = n;
    while e > 0 {
        lines.push(from[e]..e);
        e = from[e];
    }
    lines.reverse();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        let mut out = Vec::new();
        let mut at = 0;
        for p in word_breaks(&chars).into_iter().chain([chars.len()]) {
            out.push(chars[at..p].iter().collect());
            at = p;
        }
        out
    }

    #[test]
    fn organ_names_split_into_their_units() {
        assert_eq!(
            split("青石县自然资源和规划局（青石县林业局）"),
            ["青石县", "自然资源和规划局", "（青石县", "林业局）"]
        );
        assert_eq!(split("青石县市场监督管理局"), ["青石县", "市场监督管理局"]);
        assert_eq!(
            split("中共青石县委员会办公室"),
            ["中共青石县委员会", "办公室"]
        );
        assert_eq!(
            split("镇江市人民政府办公室"),
            ["镇江市", "人民政府", "办公室"]
        );
        assert_eq!(
            split("2021年政府信息公开工作年度报告"),
            ["2021年", "政府信息公开", "工作", "年度报告"]
        );
    }
}
