//! Line breaking: where each line of a paragraph ends (clreq §3.1.7 禁则, §3.2 line adjustment;
//! GB/T 9704: 28 full-width cells a line). Marks keep their full em mid-line; a line takes what fits
//! with only adjacent marks and its line-end mark compressed, is pushed down (推出) and spaced rather
//! than squeezed, and squeezes mid-line marks only as the last resort. Linear in the text.

use std::ops::Range;

use super::{cjk, stretchable, trim, Blank, Item, Shaped, EPS};

/// Most a justified line's gaps may each widen, in em of its text. Past it the line is left short
/// rather than letter-spaced across (issue 17: a line that ends before an unbreakable web address).
/// A Han line of 28 cells can take up to 9 more cells' worth of space at this cap; a real line needs
/// far less (a pushed-down character is one cell, a web address breaks after `/` `.` `-`).
pub(crate) const MAX_STRETCH_EM: f64 = 1.0 / 3.0;

/// A line being measured as it takes items one at a time, in O(1) per item: the widths `squeeze`
/// gives (adjacent marks, 中西文间距), its last mark compressed at the line's end, what its mid-line
/// marks could still give up, and the gaps justification may widen. Agrees with `squeeze` (tested).
#[derive(Debug, Clone, Copy, Default)]
struct Meter {
    /// Widths of the items taken, adjacent pairs squeezed, 中西文间距 between them, pt.
    sum: f64,
    /// Blank halves mid-line marks could still give up (items before the last), pt.
    shrink: f64,
    /// Stretchable gaps, and all gaps, between the items taken.
    gaps: usize,
    all_gaps: usize,
    /// Largest font size taken, pt.
    size: f64,
    /// The last item taken and whether its blank half is already used by a pair.
    last: Option<usize>,
    last_done: bool,
}

/// What a [`Meter`] says of its items set as one line.
#[derive(Debug, Clone, Copy, Default)]
struct Measured {
    /// Width with the line-end mark compressed, no mid-line mark squeezed, pt.
    natural: f64,
    /// Width with every mid-line blank half squeezed too (the last resort), pt.
    narrowest: f64,
    /// Gaps justification widens (all gaps when none is stretchable).
    gaps: usize,
    /// Font size the stretch cap is measured in.
    size: f64,
}

impl Measured {
    /// Whether justifying this line in `measure` widens each gap by no more than the cap.
    fn stretch_ok(&self, measure: f64) -> bool {
        let slack = measure - self.natural;
        slack <= EPS || (self.gaps > 0 && slack / self.gaps as f64 <= MAX_STRETCH_EM * self.size)
    }
}

impl Meter {
    /// Takes `items[k]`, the item after the last one taken.
    fn push(&mut self, items: &[Item], k: usize) {
        let it = &items[k];
        let half = |i: &Item| if i.fullwidth { i.width / 2.0 } else { 0.0 };
        let mut done_k = false;
        if let Some(p) = self.last {
            let prev = &items[p];
            let (a, b) = (cjk::blank_side(prev.ch), cjk::blank_side(it.ch));
            let mut done_p = self.last_done;
            if a == Blank::Right && b != Blank::None && !done_p {
                self.sum -= half(prev);
                done_p = true;
                done_k = true;
            } else if a == Blank::Left && b == Blank::Left {
                self.sum -= half(it);
                done_p = true;
                done_k = true;
            }
            if !done_p && a != Blank::None {
                self.shrink += half(prev);
            }
            if cjk::autospace(prev.ch, it.ch) {
                self.sum += cjk::autospace_width(prev.size.max(it.size));
            }
            self.all_gaps += 1;
            if stretchable(prev, it) {
                self.gaps += 1;
            }
        }
        self.sum += it.width;
        self.size = self.size.max(it.size);
        self.last = Some(k);
        self.last_done = done_k;
    }

    /// The items taken so far as one line.
    fn measured(&self, items: &[Item]) -> Measured {
        let Some(l) = self.last else {
            return Measured::default();
        };
        let it = &items[l];
        let half = if it.fullwidth { it.width / 2.0 } else { 0.0 };
        let (mut natural, mut pending) = (self.sum, 0.0);
        if !self.last_done {
            match cjk::blank_side(it.ch) {
                Blank::Right => natural -= half,
                Blank::Left => pending = half,
                Blank::None => {}
            }
        }
        Measured {
            natural,
            narrowest: natural - self.shrink - pending,
            gaps: if self.gaps > 0 {
                self.gaps
            } else {
                self.all_gaps
            },
            size: self.size,
        }
    }
}

/// `items[r]` (edge spaces trimmed) measured as one line.
fn measure_range(items: &[Item], r: Range<usize>) -> Measured {
    let mut m = Meter::default();
    for k in trim(items, r) {
        m.push(items, k);
    }
    m.measured(items)
}

/// Where the line starting at `start` ends in `m`: the last break where it fits with its marks
/// full width (only the line-end mark compressed) and justifies within the stretch cap; failing
/// that, the last break where it fits with mid-line marks squeezed (the last resort, clreq §3.2),
/// else the last natural fit left short; a piece wider than the line is cut where it overflows.
/// Looks at no more items than the line holds plus one: linear in the paragraph over all lines.
fn line_end(sh: &Shaped, start: usize, m: f64) -> usize {
    let (items, n) = (&sh.items, sh.items.len());
    let mut meter = Meter::default();
    let mut at = Measured::default();
    let (mut nat, mut min, mut cut): (Option<(usize, Measured)>, Option<usize>, usize) =
        (None, None, start + 1);
    for k in start..n {
        meter.push(items, k);
        // trailing spaces are trimmed: the line's measure is that of its last visible item
        if !items[k].ch.is_whitespace() {
            at = meter.measured(items);
        }
        if at.narrowest > m + EPS {
            break;
        }
        let e = k + 1;
        cut = e;
        if e == n || sh.breaks[e] {
            if at.natural <= m + EPS {
                nat = Some((e, at));
            }
            min = Some(e);
        }
    }
    match (nat, min) {
        (Some((e, a)), _) if e == n || a.stretch_ok(m) => e,
        (Some((e, _)), Some(s)) if s > e => s,
        (Some((e, _)), _) => e,
        (None, Some(s)) => s,
        (None, None) => cut,
    }
}

/// Calls `f(end, width)` for every end of a line starting at `start` (edge spaces trimmed) whose
/// natural width (line-end mark compressed, mid-line marks full) fits `measure`, in order; stops
/// at the first that cannot fit however squeezed.
pub(crate) fn natural_fits(
    items: &[Item],
    start: usize,
    measure: f64,
    f: &mut dyn FnMut(usize, f64),
) {
    let mut meter = Meter::default();
    let mut at = Measured::default();
    let mut begun = false;
    for k in start..items.len() {
        let space = items[k].ch.is_whitespace();
        if space && !begun {
            continue;
        }
        begun = true;
        meter.push(items, k);
        if !space {
            at = meter.measured(items);
        }
        if at.narrowest > measure + EPS {
            break;
        }
        if at.natural <= measure + EPS {
            f(k + 1, at.natural);
        }
    }
}

/// Line breaking at the allowed breaks, one line after the other (see [`line_end`]); `measure(i)`
/// is the width of line `i`. Linear in the number of items whatever the text (issue 15 item 6).
pub(crate) fn break_lines(sh: &Shaped, measure: &dyn Fn(usize) -> f64) -> Vec<Range<usize>> {
    let n = sh.items.len();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < n {
        while start < n && sh.items[start].ch.is_whitespace() {
            start += 1;
        }
        if start >= n {
            break;
        }
        let end = line_end(sh, start, measure(lines.len()));
        lines.push(start..end);
        start = end;
    }
    lines
}

/// 孤字不成行 (clreq §3.5): a last line holding one Han character (with at most two marks) takes
/// the last breakable piece of the line above, unless that leaves the line above spaced out
/// beyond the stretch cap.
pub(crate) fn fix_lone_last(sh: &Shaped, lines: &mut [Range<usize>], measure: f64) {
    let k = lines.len();
    if k < 2 {
        return;
    }
    let last = trim(&sh.items, lines[k - 1].clone());
    let han = sh.items[last.clone()]
        .iter()
        .filter(|i| cjk::is_han(i.ch))
        .count();
    if han != 1 || last.len() > 3 {
        return;
    }
    let prev = lines[k - 2].clone();
    if let Some(b) = (prev.start + 2..prev.end).rev().find(|&b| sh.breaks[b]) {
        if measure_range(&sh.items, prev.start..b).stretch_ok(measure) {
            lines[k - 2].end = b;
            lines[k - 1].start = b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{set_line, shape, squeeze, Align};
    use super::*;
    use crate::doc::Role;
    use crate::fonts::{FontOptions, FontSet};
    use crate::style::Style;

    const PITCH: f64 = 442.2 / 28.0;

    fn fonts() -> FontSet {
        FontSet::load(&Style::builtin("gbt9704").unwrap(), &FontOptions::bundled()).unwrap()
    }

    fn body(fs: &FontSet, s: &str) -> Shaped {
        let mut d = Vec::new();
        let sh = shape(&[(Role::Body, s)], fs, &|_| (16.0, PITCH), "测试", &mut d);
        assert!(d.is_empty());
        sh
    }

    fn texts(sh: &Shaped, lines: &[Range<usize>]) -> Vec<String> {
        lines
            .iter()
            .map(|r| sh.items[r.clone()].iter().map(|i| i.ch).collect())
            .collect()
    }

    #[test]
    fn kinsoku_no_closing_mark_at_line_start() {
        let fs = fonts();
        // 10 slots per line; the comma after them may not start line 2. Marks keep their full
        // width mid-line: 九 goes down with the comma and the line is spaced a little (推出), rather
        // than the 顿号 squeezed to make room (issue 17)
        let sh = body(&fs, "一二三、四五六七八九，甲乙丙丁");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert_eq!(t[0], "一二三、四五六七八", "{t:?}");
        let l = set_line(&sh.items, 0..9, 10.0 * PITCH, Align::Justify, false);
        assert!(
            (l.width - 10.0 * PITCH).abs() < 0.02,
            "justified line fills the measure exactly: {}",
            l.width
        );
        assert!(
            l.glyphs[4].x - l.glyphs[3].x >= PITCH,
            "the 顿号 keeps its em"
        );
        // a line-end mark is compressed to half: 九， fit in 10 slots after nine characters
        let sh = body(&fs, "一二三四五六七八九，甲乙丙丁");
        let t = texts(&sh, &break_lines(&sh, &|_| 9.5 * PITCH));
        assert_eq!(t[0], "一二三四五六七八九，", "{t:?}");
        // without room, the last character goes down with the comma (推出)
        let sh = body(&fs, "一二三四五六七八九十，甲乙丙丁");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert_eq!(t[0], "一二三四五六七八九", "{t:?}");
        assert_eq!(t[1], "十，甲乙丙丁");
        // with no room to squeeze (two closing marks), the last Han character is pushed down with them
        let sh = body(&fs, "一二三四五六七八九十。”甲乙");
        let lines = break_lines(&sh, &|_| 10.0 * PITCH);
        let t = texts(&sh, &lines);
        assert!(!t[1].starts_with('。') && !t[1].starts_with('”'), "{t:?}");
    }

    #[test]
    fn marks_are_squeezed_only_when_the_line_cannot_be_set_otherwise() {
        let fs = fonts();
        // a 12-digit number cannot break: pushing it down would leave 一、二、 spaced across ten
        // slots, beyond the cap. As the last resort the marks give up their blank halves.
        let sh = body(&fs, "一、二、三、四、五123456789012甲乙");
        let lines = break_lines(&sh, &|_| 10.0 * PITCH);
        let t = texts(&sh, &lines);
        assert_eq!(t[0], "一、二、三、四、五", "{t:?}");
        let sh = body(&fs, "一、二、三、四123456789012甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 9.0 * PITCH));
        assert_eq!(t[0], "一、二、三、四", "{t:?}");
        let l = set_line(&sh.items, 0..7, 9.0 * PITCH, Align::Justify, false);
        assert!((l.width - 9.0 * PITCH).abs() < 0.02, "{}", l.width);
        let adv: Vec<f64> = l.glyphs.windows(2).map(|g| g[1].x - g[0].x).collect();
        assert!(adv.iter().all(|&a| a >= 0.75 * PITCH), "{adv:?}");
    }

    #[test]
    fn a_line_before_an_unbreakable_word_is_left_short_not_spaced_out() {
        let fs = fonts();
        // no mark to squeeze and a 30-digit number after three characters: the line is spaced at
        // most a third of an em per gap and left short
        let sh = body(&fs, "一二三123456789012345678901234567890");
        let lines = break_lines(&sh, &|_| 10.0 * PITCH);
        assert_eq!(texts(&sh, &lines)[0], "一二三");
        let l = set_line(
            &sh.items,
            lines[0].clone(),
            10.0 * PITCH,
            Align::Justify,
            false,
        );
        let gap = l.glyphs[1].x - l.glyphs[0].x - PITCH;
        assert!(gap <= 16.0 / 3.0 + 1e-6, "{gap}");
        assert!(l.width < 5.0 * PITCH, "left short: {}", l.width);
    }

    #[test]
    fn a_web_address_breaks_after_slash_dot_or_hyphen() {
        let fs = fonts();
        let sh = body(
            &fs,
            "本报告电子版可在青石县人民政府门户网站（https://www.qingshi.gov.cn/zwgk/xxgkml/ndbg/）下载。",
        );
        let lines = break_lines(&sh, &|_| 28.0 * PITCH);
        let t = texts(&sh, &lines);
        assert!(
            t[0].starts_with("本报告电子版可在青石县") && t[0].contains("https://"),
            "{t:?}"
        );
        let last = t[0].chars().last().unwrap_or_default();
        assert!(matches!(last, '/' | '.' | '-'), "{t:?}");
        let l = set_line(
            &sh.items,
            lines[0].clone(),
            28.0 * PITCH,
            Align::Justify,
            false,
        );
        assert!(
            (l.width - 28.0 * PITCH).abs() < 0.02,
            "full line: {}",
            l.width
        );
        // a telephone number still does not break
        let sh = body(&fs, "一二三四五六七八九电话0955-4638738");
        let t = texts(&sh, &break_lines(&sh, &|_| 14.0 * PITCH));
        assert!(t.iter().any(|l| l.contains("0955-4638738")), "{t:?}");
    }

    #[test]
    fn the_meter_agrees_with_squeeze() {
        let fs = fonts();
        let sh = body(
            &fs,
            "甲。”乙（《丙》）丁，2021年a b、“戊”——己……庚！？辛：http://x.cn/ 壬",
        );
        let n = sh.items.len();
        for s in 0..n {
            for e in s + 1..=n {
                let r = trim(&sh.items, s..e);
                if r.is_empty() {
                    continue;
                }
                let w = squeeze(&sh.items, r.clone(), false);
                let nat: f64 = w.w.iter().sum();
                let min = nat - w.shrink.iter().sum::<f64>();
                let m = measure_range(&sh.items, s..e);
                assert!(
                    (m.natural - nat).abs() < 1e-9,
                    "{s}..{e}: {} {nat}",
                    m.natural
                );
                assert!(
                    (m.narrowest - min).abs() < 1e-9,
                    "{s}..{e}: {} {min}",
                    m.narrowest
                );
            }
        }
    }

    #[test]
    fn breaking_looks_at_each_item_a_bounded_number_of_times() {
        let fs = fonts();
        // no break opportunity at all: cut where each line overflows, every digit kept
        let text = "1".repeat(20_000);
        let sh = body(&fs, &text);
        let lines = break_lines(&sh, &|_| 28.0 * PITCH);
        assert_eq!(lines.iter().map(|r| r.len()).sum::<usize>(), 20_000);
        assert!(lines.windows(2).all(|w| w[0].end == w[1].start));
        let per_line = lines[0].len();
        assert!(lines[..lines.len() - 1].iter().all(|r| r.len() == per_line));
    }

    #[test]
    fn kinsoku_no_opening_mark_at_line_end_and_dashes_whole() {
        let fs = fonts();
        let sh = body(&fs, "一二三四五六七八九《十》甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert!(!t[0].ends_with('《'), "{t:?}");
        let sh = body(&fs, "一二三四五六七八九——十甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert!(
            t.iter().all(|l| !l.starts_with('—') || l.starts_with("——")),
            "{t:?}"
        );
        assert!(
            t.iter().all(|l| !l.ends_with('—') || l.ends_with("——")),
            "{t:?}"
        );
        let sh = body(&fs, "一二三四五六七八九……十甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert!(t.iter().all(|l| l.matches('…').count() % 2 == 0), "{t:?}");
    }

    #[test]
    fn a_closing_mark_holds_the_number_after_it() {
        let fs = fonts();
        // "，2020" does not break (LibreOffice would not break there either): 九， go down with it
        let sh = body(&fs, "一二三四五六七八九，2020年甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert_eq!(t[0], "一二三四五六七八", "{t:?}");
        // after a colon it may
        let sh = body(&fs, "一二三四五六七八九：2020年甲乙");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert_eq!(t[0], "一二三四五六七八九：", "{t:?}");
    }

    #[test]
    fn latin_runs_stay_whole() {
        let fs = fonts();
        // a telephone number is one word, as word processors keep it; a web address breaks only
        // after / . or -
        let sh = body(
            &fs,
            "一二三四五六七（http://www.hy.gov.cn/）甲，0955-4638738。",
        );
        let t = texts(&sh, &break_lines(&sh, &|_| 16.0 * PITCH));
        assert_eq!(t[0], "一二三四五六七（http://www.hy.", "{t:?}");
        assert!(t.iter().any(|l| l.contains("0955-4638738")), "{t:?}");
        let sh = body(&fs, "一二三四五六七八12345678甲乙丙丁");
        let t = texts(&sh, &break_lines(&sh, &|_| 10.0 * PITCH));
        assert!(t.iter().any(|l| l.contains("12345678")), "{t:?}");
    }

    #[test]
    fn lone_character_is_not_left_on_the_last_line() {
        let fs = fonts();
        let sh = body(&fs, "一二三四五六七八九十甲。");
        let mut lines = break_lines(&sh, &|_| 10.0 * PITCH);
        assert_eq!(texts(&sh, &lines)[1], "甲。");
        fix_lone_last(&sh, &mut lines, 10.0 * PITCH);
        let t = texts(&sh, &lines);
        assert_eq!(t[1], "十甲。", "{t:?}");
    }
}
