//! GB/T 9704-2012 layout measurements on a PDF's glyphs: the same fifteen checks, with the same
//! thresholds, as the project's independent checker (`gbt9704_check.py`), each finding in Chinese
//! with its page and position.
//!
//! Geometry (mm): A4 210 × 297, top margin 37, left margin 28, type area 156 × 225, 22 lines of
//! 28 characters, page number “— N —” in 四号 with its dash line 7 mm below the type area, odd
//! pages right and even pages left, one character in. Tolerance 1 mm unless a check says otherwise.

use std::collections::BTreeMap;

use super::pdf::{PdfText, Pt};
use super::structure::Pages;
use super::verify::Finding;
use crate::diag::Severity;

const MM: f64 = 72.0 / 25.4;
const A4: (f64, f64) = (210.0 * MM, 297.0 * MM);
const LEFT: f64 = 28.0 * MM;
const TOP: f64 = 37.0 * MM;
const RIGHT: f64 = LEFT + 156.0 * MM;
const BOTTOM: f64 = TOP + 225.0 * MM;
const TOL: f64 = MM;
/// Marks whose blank half may be squeezed (clreq): closing lose the right half, opening the left.
const CLOSING: &str = "，。、；：？！）》〉」』】〕〗”’．";
const OPENING: &str = "（《〈「『【〔〖“‘";
/// 禁则: marks that may not start a line, and marks that may not end one.
const NO_START: &str = "、，。．：；！？）》〉」』】〗〕］｝”’%),.:;!?]}";
const NO_END: &str = "“‘（《〈「『【〖〔［｛([{";
const MIDLINE_PUNCT: &str = "，、；：。？！";
/// At most this many findings are listed per check.
const SHOWN: usize = 5;

/// Whether a check passed, failed, or could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Measured and within the standard.
    Pass,
    /// Measured and outside it.
    Fail,
    /// Nothing to measure.
    Skip,
}

/// One layout check and what it found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// Its code (`L01`…).
    pub code: &'static str,
    /// The independent checker's name for it (`line-pitch`), to compare verdicts.
    pub name: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// The findings (a failed check has at least one).
    pub findings: Vec<Finding>,
}

fn mm(v: f64) -> f64 {
    (v / MM * 10.0).round() / 10.0
}

/// A glyph as the checks see it.
#[derive(Clone, Copy)]
struct Ch<'a> {
    c: char,
    x0: Pt,
    x1: Pt,
    size: Pt,
    font: &'a str,
}

impl Ch<'_> {
    /// Horizontal extent that may hold ink (a squeezable mark's blank half excluded).
    fn ink(&self) -> (Pt, Pt) {
        let half = 0.5 * self.size;
        if CLOSING.contains(self.c) {
            (self.x0, self.x1 - half)
        } else if OPENING.contains(self.c) {
            (self.x0 + half, self.x1)
        } else {
            (self.x0, self.x1)
        }
    }
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A line as the checks group it: baselines in 0.5 pt buckets, neighbours within 1 pt merged.
struct PLine<'a> {
    y: Pt,
    chars: Vec<Ch<'a>>,
    x0: Pt,
    x1: Pt,
    size: f64,
    text: String,
}

fn plines<'a>(text: &'a PdfText, page: usize) -> Vec<PLine<'a>> {
    let mut rows: BTreeMap<i64, Vec<Ch<'a>>> = BTreeMap::new();
    for g in &text.pages[page].glyphs {
        let Some(c) = g.text.chars().next() else {
            continue;
        };
        let font = text.fonts.get(g.font).map_or("", |f| f.family());
        rows.entry((g.y * 2.0).round() as i64)
            .or_default()
            .push(Ch {
                c,
                x0: g.x,
                x1: g.right(),
                size: g.size,
                font,
            });
    }
    let mut merged: Vec<(f64, Vec<Ch>)> = Vec::new();
    for (k, cs) in rows {
        let y = k as f64 / 2.0;
        match merged.last_mut() {
            Some(m) if (m.0 - y).abs() <= 1.0 => m.1.extend(cs),
            _ => merged.push((y, cs)),
        }
    }
    merged
        .into_iter()
        .map(|(y, mut cs)| {
            cs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
            for c in &cs {
                *sizes.entry((c.size * 10.0).round() as i64).or_default() += 1;
            }
            let size = sizes
                .iter()
                .max_by_key(|&(k, n)| (*n, -k))
                .map_or(0.0, |(k, _)| *k as f64 / 10.0);
            PLine {
                y,
                x0: cs[0].x0,
                x1: cs[cs.len() - 1].x1,
                size,
                text: cs.iter().map(|c| c.c).collect(),
                chars: cs,
            }
        })
        .collect()
}

/// A heading's number at the start of a line: `一、` (level 1) or `（一）` (level 2).
fn heading(text: &str) -> Option<(usize, u8)> {
    let t = text.trim_start();
    let nums = |s: &str| {
        s.chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .count()
    };
    let n = nums(t);
    if n > 0 && t.chars().nth(n) == Some('、') {
        return Some((n + 1, 1));
    }
    if let Some(rest) = t.strip_prefix('（') {
        let n = nums(rest);
        if n > 0 && rest.chars().nth(n) == Some('）') {
            return Some((n + 2, 2));
        }
    }
    None
}

/// (x, top, bottom) of every vertical rule on a page.
fn vertical_rules(text: &PdfText, page: usize) -> Vec<(Pt, Pt, Pt)> {
    text.pages[page]
        .rules
        .iter()
        .filter(|r| r.x1 - r.x0 < 1.5 && r.y1 - r.y0 > 3.0)
        .map(|r| ((r.x0 + r.x1) / 2.0, r.y0, r.y1))
        .collect()
}

struct Acc {
    findings: BTreeMap<&'static str, Vec<Finding>>,
}

impl Acc {
    fn add(&mut self, code: &'static str, page: usize, at: Option<(Pt, Pt)>, message: String) {
        self.findings.entry(code).or_default().push(Finding {
            severity: Severity::Error,
            code: code.to_string(),
            page: Some(page),
            cell: None,
            printed: None,
            at_mm: at.map(|(x, y)| (mm(x), mm(y))),
            message,
            hint: None,
        });
    }
}

/// Runs every layout check.
pub fn check(text: &PdfText, _pages: &Pages) -> Vec<Check> {
    let mut acc = Acc {
        findings: BTreeMap::new(),
    };
    let mut verdicts: BTreeMap<&'static str, Verdict> = BTreeMap::new();
    let n_pages = text.pages.len();
    for (i, p) in text.pages.iter().enumerate() {
        if (p.width - A4.0).abs() > 1.0 || (p.height - A4.1).abs() > 1.0 {
            acc.add(
                "L02",
                i + 1,
                None,
                format!(
                    "页面为 {:.0} × {:.0} mm，应为 A4（210 × 297 mm）",
                    mm(p.width),
                    mm(p.height)
                ),
            );
        }
    }
    let mut body_sizes: BTreeMap<i64, usize> = BTreeMap::new();
    let mut pitches: Vec<f64> = Vec::new();
    let mut numbers: Vec<(usize, Option<PLine>)> = Vec::new();
    let mut role_fonts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut title_lines: Vec<PLine> = Vec::new();
    let (mut punct_n, mut punct_narrow) = (0usize, 0usize);
    let mut grid_pages: Vec<GridPage> = Vec::new();
    for i in 0..n_pages {
        let pg = i + 1;
        let mut lines = plines(text, i);
        let num_line = match lines.last() {
            Some(l) if l.y > BOTTOM + 2.0 * MM => lines.pop(),
            _ => None,
        };
        let rules = vertical_rules(text, i);
        for ln in &lines {
            for c in &ln.chars {
                let (top, bot) = (ln.y - 0.88 * c.size, ln.y + 0.12 * c.size);
                let (x0, x1) = c.ink();
                if x0 < LEFT - TOL || x1 > RIGHT + TOL || top < TOP - TOL || bot > BOTTOM + TOL {
                    let side = if x0 < LEFT - TOL {
                        format!("左边距 {:.1} mm，应为 28 mm", mm(x0))
                    } else if x1 > RIGHT + TOL {
                        format!("右边缘在 {:.1} mm 处，版心右边缘为 184 mm", mm(x1))
                    } else if top < TOP - TOL {
                        format!("上边缘在 {:.1} mm 处，版心上边缘为 37 mm", mm(top))
                    } else {
                        format!("下边缘在 {:.1} mm 处，版心下边缘为 262 mm", mm(bot))
                    };
                    acc.add(
                        "L03",
                        pg,
                        Some((c.x0, ln.y)),
                        format!("“{}”在版心之外：{side}", c.c),
                    );
                }
            }
            for w in ln.chars.windows(2) {
                let (a, b) = (w[0], w[1]);
                let squeezable = CLOSING.contains(a.c) || OPENING.contains(b.c);
                let k = if squeezable { 0.55 } else { 0.25 };
                if b.x0 < a.x1 - k * a.size.min(b.size) {
                    acc.add(
                        "L04",
                        pg,
                        Some((a.x0, ln.y)),
                        format!("“{}{}”两字重叠", a.c, b.c),
                    );
                }
            }
            for c in &ln.chars {
                let (x0, x1) = c.ink();
                if let Some((x, _, _)) = rules.iter().find(|(x, t, b)| {
                    x0 + 0.5 < *x
                        && *x < x1 - 0.5
                        && t - 1.0 <= ln.y - 0.5 * c.size
                        && ln.y - 0.5 * c.size <= b + 1.0
                }) {
                    acc.add(
                        "L05",
                        pg,
                        Some((c.x0, ln.y)),
                        format!("“{}”压在表格竖线（{:.1} mm）上", c.c, mm(*x)),
                    );
                }
            }
        }
        let in_table = |ln: &PLine| {
            rules
                .iter()
                .any(|(_, t, b)| t - 2.0 <= ln.y && ln.y <= b + 2.0)
        };
        let free: Vec<&PLine> = lines.iter().filter(|l| !in_table(l)).collect();
        for w in free.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b.y - a.y < 0.9 * a.size.min(b.size) && !(a.x1 < b.x0 || b.x1 < a.x0) {
                acc.add(
                    "L04",
                    pg,
                    Some((a.x0, a.y)),
                    format!(
                        "两行文字重叠（距页面上边缘 {:.1} mm 和 {:.1} mm）",
                        mm(a.y),
                        mm(b.y)
                    ),
                );
            }
        }
        let body: Vec<&PLine> = lines
            .iter()
            .filter(|l| !in_table(l) && (15.0..=16.5).contains(&l.size))
            .collect();
        for ln in &body {
            *body_sizes
                .entry((ln.size * 10.0).round() as i64)
                .or_default() += 1;
            let h = heading(&ln.text);
            let role = match h {
                None => "body",
                Some((_, 1)) => "heading-1",
                Some(_) => "heading-2",
            };
            let n = h.map_or(ln.chars.len(), |(n, _)| n);
            for c in ln.chars.iter().take(n).filter(|c| is_han(c.c)) {
                *role_fonts
                    .entry(role)
                    .or_default()
                    .entry(c.font)
                    .or_default() += 1;
            }
            for w in ln.chars.windows(2) {
                if MIDLINE_PUNCT.contains(w[0].c) && is_han(w[1].c) {
                    punct_n += 1;
                    if w[1].x0 - w[0].x0 < 0.75 * w[0].size {
                        punct_narrow += 1;
                        if punct_narrow <= SHOWN {
                            acc.add(
                                "L10",
                                pg,
                                Some((w[0].x0, ln.y)),
                                format!(
                                    "“{}{}”中的标点只占 {:.2} 字宽，全角标点应占一字（每行 28 字）",
                                    w[0].c,
                                    w[1].c,
                                    (w[1].x0 - w[0].x0) / w[0].size
                                ),
                            );
                        }
                    }
                }
            }
        }
        for w in body.windows(2) {
            pitches.push(w[1].y - w[0].y);
        }
        let has_title = i == 0 && lines.iter().any(|l| l.size >= 20.0);
        if i == 0 {
            for ln in lines.iter().filter(|l| l.size >= 20.0) {
                for c in &ln.chars {
                    *role_fonts
                        .entry("title")
                        .or_default()
                        .entry(c.font)
                        .or_default() += 1;
                }
            }
        }
        if i + 1 < n_pages {
            if let Some(last) = lines.last() {
                if heading(&last.text).is_some() && !in_table(last) && last.x1 < RIGHT - 48.0 {
                    acc.add(
                        "L11",
                        pg,
                        Some((last.x0, last.y)),
                        format!(
                            "页面最后一行是标题“{}”，标题不应单独留在页末",
                            last.text.chars().take(20).collect::<String>()
                        ),
                    );
                }
            }
        }
        let first_rule = rules
            .iter()
            .map(|r| r.1)
            .fold(None, |a: Option<f64>, t| Some(a.map_or(t, |a| a.min(t))));
        let run: Vec<(f64, f64)> = body
            .iter()
            .filter(|l| first_rule.is_none_or(|r| l.y < r))
            .map(|l| (l.y, l.size))
            .collect();
        if run.len() >= 2 {
            grid_pages.push((pg, run, has_title, rules.is_empty() && i + 1 < n_pages));
        }
        for (j, a) in body.iter().enumerate() {
            let b = body.get(j + 1);
            let continues = b.is_some_and(|b| {
                b.x0 < LEFT + 8.0 && heading(&b.text).is_none() && b.y - a.y < 40.0
            });
            if continues && a.x1 < RIGHT - 3.0 {
                acc.add(
                    "L09",
                    pg,
                    Some((a.x1, a.y)),
                    format!(
                        "段落中间的一行止于 {:.1} mm，没有排到版心右边缘（184 mm）：“…{}”",
                        mm(a.x1),
                        tail(&a.text, 8)
                    ),
                );
            }
            let txt = a.text.trim();
            if let Some(f) = txt.chars().next().filter(|c| NO_START.contains(*c)) {
                acc.add(
                    "L09",
                    pg,
                    Some((a.x0, a.y)),
                    format!("行首是“{f}”（标点不应出现在行首）"),
                );
            }
            if let Some(l) = txt.chars().last().filter(|c| NO_END.contains(*c)) {
                acc.add(
                    "L09",
                    pg,
                    Some((a.x1, a.y)),
                    format!("行末是“{l}”（前引号、前括号不应出现在行末）"),
                );
            }
            let core = txt.chars().filter(|c| is_han(*c)).count();
            let prev = j.checked_sub(1).map(|k| body[k]);
            if core == 1
                && a.x0 < LEFT + 8.0
                && prev.is_some_and(|p| a.y - p.y < 40.0)
                && heading(txt).is_none()
                && txt.chars().count() <= 3
            {
                acc.add(
                    "L09",
                    pg,
                    Some((a.x0, a.y)),
                    format!("“{txt}”单独占了段落的最后一行"),
                );
            }
        }
        numbers.push((pg, num_line));
        if i == 0 {
            title_lines = lines.into_iter().filter(|l| l.size >= 20.0).collect();
        }
    }
    verdicts.insert(
        "L01",
        if n_pages > 0 {
            Verdict::Pass
        } else {
            Verdict::Fail
        },
    );
    match body_sizes.iter().max_by_key(|&(k, n)| (*n, -k)) {
        Some((k, _)) => {
            let size = *k as f64 / 10.0;
            if !(15.5..=16.2).contains(&size) {
                acc.add(
                    "L06",
                    1,
                    None,
                    format!("正文字号为 {size} pt，应为三号（16 pt）"),
                );
            }
        }
        None => acc.add("L06", 1, None, "没有找到正文（三号字）".into()),
    }
    if pitches.is_empty() {
        verdicts.insert("L07", Verdict::Skip);
    } else {
        pitches.sort_by(f64::total_cmp);
        let med = pitches[pitches.len() / 2];
        if !(28.4..=30.0).contains(&med) {
            acc.add(
                "L07",
                1,
                None,
                format!("正文行距为 {med:.1} pt，应为 28.4–30.0 pt（版心 225 mm 排 22 行）"),
            );
        }
    }
    grid(&grid_pages, &mut acc, &mut verdicts);
    if punct_n == 0 || punct_narrow * 10 <= punct_n {
        acc.findings.remove("L10");
    } else if let Some(v) = acc.findings.get_mut("L10") {
        if let Some(last) = v.last_mut() {
            last.message
                .push_str(&format!("（{punct_n} 处中有 {punct_narrow} 处）"));
        }
    }
    title(&title_lines, &mut acc);
    typefaces(&role_fonts, &mut acc, &mut verdicts);
    page_numbers(&numbers, &mut acc);
    fonts(text, &mut acc);
    let names = [
        ("L01", "pages"),
        ("L02", "a4"),
        ("L03", "text-inside-type-area"),
        ("L04", "no-overlapping-text"),
        ("L05", "text-clear-of-table-rules"),
        ("L06", "body-size-三号"),
        ("L07", "line-pitch"),
        ("L08", "22-line-grid"),
        ("L09", "paragraph-lines"),
        ("L10", "punctuation-full-width"),
        ("L11", "no-heading-at-page-foot"),
        ("L12", "title-二号-centred"),
        ("L13", "typefaces-by-role"),
        ("L14", "page-numbers"),
        ("L15", "fonts-embedded-subset-unicode"),
    ];
    names
        .iter()
        .map(|&(code, name)| {
            let mut findings = acc.findings.remove(code).unwrap_or_default();
            if matches!(code, "L06" | "L07" | "L13" | "L15") {
                // about the whole document, not one page
                for f in &mut findings {
                    f.page = None;
                }
            }
            let total = findings.len();
            findings.truncate(SHOWN);
            if total > SHOWN {
                if let Some(last) = findings.last_mut() {
                    last.message
                        .push_str(&format!("（共 {total} 处，只列出前 {SHOWN} 处）"));
                }
            }
            let verdict = match verdicts.get(code) {
                Some(v) => *v,
                None if findings.is_empty() => Verdict::Pass,
                None => Verdict::Fail,
            };
            Check {
                code,
                name,
                verdict,
                findings,
            }
        })
        .collect()
}

fn tail(s: &str, n: usize) -> String {
    let cs: Vec<char> = s.chars().collect();
    cs[cs.len().saturating_sub(n)..].iter().collect()
}

type GridPage = (usize, Vec<(f64, f64)>, bool, bool);

/// L08: body lines above the first table a whole number of pitches apart; a page opening with
/// text starts at the type area's top; a full text page holds 22 lines.
fn grid(pages: &[GridPage], acc: &mut Acc, verdicts: &mut BTreeMap<&'static str, Verdict>) {
    if pages.is_empty() {
        verdicts.insert("L08", Verdict::Skip);
        return;
    }
    let pitch = 225.0 * MM / 22.0;
    for (pg, run, has_title, full) in pages {
        for w in run.windows(2) {
            let d = w[1].0 - w[0].0;
            let k = (d / pitch).round();
            if k < 1.0 || (d - k * pitch).abs() > 1.0 {
                acc.add("L08", *pg, Some((LEFT, w[1].0)), format!(
                    "距页面上边缘 {:.1} mm 的一行与上一行相距 {d:.1} pt，不在每页 22 行的行格上（行距 {pitch:.2} pt）",
                    mm(w[1].0)
                ));
                break;
            }
        }
        if !has_title {
            let top = run[0].0 - 0.88 * run[0].1;
            if (top - TOP).abs() > 1.5 * MM {
                acc.add(
                    "L08",
                    *pg,
                    Some((LEFT, run[0].0)),
                    format!(
                        "第一行的上边缘在 {:.1} mm 处，应从版心上边缘（37 mm）开始",
                        mm(top)
                    ),
                );
            }
            if *full && run.len() != 22 {
                acc.add(
                    "L08",
                    *pg,
                    None,
                    format!("整页正文排了 {} 行，应为 22 行", run.len()),
                );
            }
        }
    }
}

/// L12: the title in 二号, centred.
fn title(lines: &[PLine], acc: &mut Acc) {
    if lines.is_empty() {
        acc.add("L12", 1, None, "第一页没有找到二号（22 pt）标题".into());
        return;
    }
    let centre = (LEFT + RIGHT) / 2.0;
    for ln in lines {
        let off = ((ln.x0 + ln.x1) / 2.0 - centre).abs();
        if off > 2.0 * MM || !(21.5..=22.5).contains(&ln.size) {
            acc.add(
                "L12",
                1,
                Some((ln.x0, ln.y)),
                format!(
                    "标题“{}”字号 {} pt、偏离版心中线 {:.1} mm；应为二号（22 pt）居中",
                    ln.text,
                    ln.size,
                    mm(off)
                ),
            );
        }
    }
}

/// L13: title, 一、 and （一） headings each in a face other than the body's.
fn typefaces(
    role_fonts: &BTreeMap<&str, BTreeMap<&str, usize>>,
    acc: &mut Acc,
    verdicts: &mut BTreeMap<&'static str, Verdict>,
) {
    let main: BTreeMap<&str, &str> = role_fonts
        .iter()
        .filter_map(|(r, f)| {
            f.iter()
                .max_by_key(|&(name, n)| (*n, std::cmp::Reverse(*name)))
                .map(|(name, _)| (*r, *name))
        })
        .collect();
    let (Some(body), true) = (main.get("body"), main.contains_key("title")) else {
        verdicts.insert("L13", Verdict::Skip);
        return;
    };
    let label = |r: &str| match r {
        "title" => "标题",
        "heading-1" => "一级标题（一、）",
        _ => "二级标题（（一））",
    };
    for r in ["title", "heading-1", "heading-2"] {
        if main.get(r) == Some(body) {
            acc.add(
                "L13",
                1,
                None,
                format!(
                    "{}与正文用同一字体（{body}）；应分别用小标宋、黑体、楷体，正文仿宋",
                    label(r)
                ),
            );
        }
    }
    if main.contains_key("heading-1") && main.get("heading-1") == main.get("heading-2") {
        acc.add(
            "L13",
            1,
            None,
            "一级标题与二级标题用同一字体；一级标题用黑体，二级标题用楷体".into(),
        );
    }
}

/// L14: “— N —” in 四号, its dash line 7 mm below the type area, odd right / even left.
fn page_numbers(numbers: &[(usize, Option<PLine>)], acc: &mut Acc) {
    for (pg, ln) in numbers {
        let Some(ln) = ln else {
            acc.add("L14", *pg, None, "没有页码".into());
            continue;
        };
        let t: String = ln
            .text
            .chars()
            .filter(|c| *c != ' ' && *c != '\u{a0}')
            .collect();
        let n = t
            .strip_prefix('—')
            .and_then(|r| r.strip_suffix('—'))
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        let Some(n) = n else {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!("页码“{}”应为“— {pg} —”", ln.text),
            );
            continue;
        };
        if n.parse::<usize>().ok() != Some(*pg) {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!("页码印为 {n}，应为 {pg}"),
            );
        }
        if !(13.5..=14.5).contains(&ln.size) {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!("页码字号 {} pt，应为四号（14 pt）", ln.size),
            );
        }
        let dash = ln.y - 0.3 * ln.size;
        if (dash - (BOTTOM + 7.0 * MM)).abs() > 2.0 * MM {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!("页码应距版心下边缘 7 mm，实为 {:.1} mm", mm(dash - BOTTOM)),
            );
        }
        if pg % 2 == 1 && (ln.x1 - (RIGHT - 14.0)).abs() > 3.0 {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!(
                    "单页页码应居右空一字，实距版心右边缘 {:.1} mm",
                    mm(RIGHT - ln.x1)
                ),
            );
        }
        if pg % 2 == 0 && (ln.x0 - (LEFT + 14.0)).abs() > 3.0 {
            acc.add(
                "L14",
                *pg,
                Some((ln.x0, ln.y)),
                format!(
                    "双页页码应居左空一字，实距版心左边缘 {:.1} mm",
                    mm(ln.x0 - LEFT)
                ),
            );
        }
    }
}

/// L15: every font embedded, subset, with a ToUnicode map.
fn fonts(text: &PdfText, acc: &mut Acc) {
    for f in &text.fonts {
        let mut missing = Vec::new();
        if !f.embedded {
            missing.push("未嵌入");
        }
        if !f.subset {
            missing.push("未子集化");
        }
        if !f.to_unicode {
            missing.push("没有 ToUnicode（文字无法复制、检索）");
        }
        if !missing.is_empty() {
            acc.add(
                "L15",
                1,
                None,
                format!("字体 {}：{}", f.name, missing.join("、")),
            );
        }
    }
    if text.fonts.is_empty() {
        acc.add("L15", 1, None, "没有字体".into());
    }
}
