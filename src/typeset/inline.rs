//! Inline layout: runs of text → glyph items with widths → lines (first-fit with 禁则), then each
//! line squeezed, justified or aligned (clreq §3.1, §3.2; GB/T 15834-2011 5.1.10).
//!
//! Works in pt along one line; knows nothing of pages. Does no shaping beyond cmap lookup: the
//! bundled faces have no OpenType features, and CJK text needs none.

use std::ops::Range;

mod breaking;

use super::cjk::{self, Blank};
use super::PlacedGlyph;
use crate::diag::Diagnostic;
use crate::doc::Role;
use crate::fonts::{FaceId, FontSet};

pub(crate) use breaking::{break_lines, fix_lone_last, natural_fits, MAX_STRETCH_EM};

/// Slack for float comparisons of widths, pt: a line of 28 slots of 15.79 pt is exactly the measure.
const EPS: f64 = 0.01;

/// One character ready to place.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The character (what ToUnicode maps the glyph back to).
    pub ch: char,
    /// Its face.
    pub face: FaceId,
    /// Glyph id.
    pub gid: u16,
    /// Font size, pt.
    pub size: f64,
    /// Natural width on the line, pt: the grid slot for full-width characters, the advance otherwise.
    pub width: f64,
    /// Set on the character grid.
    pub fullwidth: bool,
}

/// A paragraph's items and where lines may break.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shaped {
    /// The items.
    pub items: Vec<Item>,
    /// `breaks[i]`: a line may start at item `i` (UAX #14 opportunity kept by 禁则).
    pub breaks: Vec<bool>,
}

impl Shaped {
    /// The items from `start` on, as a text of their own (no break before its first item).
    pub(crate) fn tail(&self, start: usize) -> Shaped {
        let mut breaks = self.breaks[start..].to_vec();
        if let Some(b) = breaks.first_mut() {
            *b = false;
        }
        Shaped {
            items: self.items[start..].to_vec(),
            breaks,
        }
    }
}

/// How a line is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Full justification, the paragraph's last line flush left.
    Justify,
    /// Flush left.
    Left,
    /// Centred.
    Center,
}

/// One set line: glyphs with x relative to the line's left edge.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    /// Glyphs in order.
    pub glyphs: Vec<PlacedGlyph>,
    /// Width the glyph slots take, pt.
    pub width: f64,
    /// Left edge relative to the measure's start (indent or centring).
    pub offset: f64,
    /// The items on the line (leading and trailing spaces trimmed).
    pub items: Range<usize>,
}

/// Font size and full-width slot of a role (the slot is the tracked pitch for body-size text).
pub(crate) type Metric<'a> = &'a dyn Fn(Role) -> (f64, f64);

/// Looks each character up in its role's faces; a character no face can draw is an error naming it
/// and its place.
pub(crate) fn shape(
    runs: &[(Role, &str)],
    fonts: &FontSet,
    metric: Metric,
    place: &str,
    diags: &mut Vec<Diagnostic>,
) -> Shaped {
    let mut items = Vec::new();
    let mut text = String::new();
    let mut starts = Vec::new();
    for (role, s) in runs {
        let (size, slot) = metric(*role);
        for ch in s.chars() {
            if ch.is_control() {
                continue;
            }
            match fonts.glyph(*role, ch) {
                Some(hit) => {
                    let fullwidth = cjk::is_fullwidth(ch);
                    let width = if fullwidth { slot } else { hit.advance * size };
                    starts.push(text.len());
                    text.push(ch);
                    items.push(Item {
                        ch,
                        face: hit.face,
                        gid: hit.gid,
                        size,
                        width,
                        fullwidth,
                    });
                }
                None => diags.push(
                    Diagnostic::error(
                        "missing-glyph",
                        format!(
                            "字符“{ch}”（U+{:04X}）没有可用的字体能显示，位置：{place}",
                            ch as u32
                        ),
                    )
                    .with_hint("请改用常用字，或用 --font-dir 提供含有这个字的字体"),
                ),
            }
        }
    }
    let mut breaks = vec![false; items.len()];
    for (byte, _) in unicode_linebreak::linebreaks(&text) {
        if let Ok(i) = starts.binary_search(&byte) {
            breaks[i] = true;
        }
    }
    for i in 1..items.len() {
        let (a, b) = (items[i - 1].ch, items[i].ch);
        // two full-width characters may break between them unless 禁则 forbids it (clreq §3.1.7)
        if cjk::is_fullwidth(a) && cjk::is_fullwidth(b) {
            breaks[i] = true;
        }
        // what word processors keep together, and a web address or telephone number kept whole
        if cjk::word_processor_joins(a, b) || (a.is_ascii_graphic() && b.is_ascii_graphic()) {
            breaks[i] = false;
        }
    }
    // 禁则 across spaces: the line's edge spaces are trimmed, so what counts is the mark before
    // the spaces and the one after them
    let mut next_visible = vec![None; items.len() + 1];
    for i in (0..items.len()).rev() {
        next_visible[i] = if items[i].ch.is_whitespace() {
            next_visible[i + 1]
        } else {
            Some(items[i].ch)
        };
    }
    let mut prev_visible = None;
    for i in 1..items.len() {
        if !items[i - 1].ch.is_whitespace() {
            prev_visible = Some(items[i - 1].ch);
        }
        if prev_visible.is_some_and(cjk::is_no_line_end)
            || next_visible[i].is_some_and(cjk::is_no_line_start)
        {
            breaks[i] = false;
        }
    }
    // inside a web address a line may break after / . - (clreq; UAX #14 tailoring for URLs)
    let mut i = 0;
    while i < items.len() {
        if !items[i].ch.is_ascii_graphic() {
            i += 1;
            continue;
        }
        let j = (i..items.len())
            .find(|&j| !items[j].ch.is_ascii_graphic())
            .unwrap_or(items.len());
        let run: String = items[i..j].iter().map(|it| it.ch).collect();
        if cjk::is_web_address(&run) {
            for k in i + 1..j {
                if cjk::breaks_in_address(items[k - 1].ch, items[k].ch) {
                    breaks[k] = true;
                }
            }
        }
        i = j;
    }
    if let Some(b) = breaks.first_mut() {
        *b = false;
    }
    Shaped { items, breaks }
}

/// Width adjustments of `items[r]` set as one line: per item the width, the left shift of the glyph
/// inside its slot, and how much more it may still shrink.
struct Widths {
    w: Vec<f64>,
    shift: Vec<f64>,
    shrink: Vec<f64>,
}

/// Punctuation squeeze on one line (clreq §3.1.6): adjacent marks to 1.5 em, a line-end mark to a
/// half (GB/T 15834-2011 5.1.10) unless it ends the paragraph; the remaining blank halves may shrink.
/// A CJK letter next to a Latin letter or digit gets the 中西文间距 after the first of them.
fn squeeze(items: &[Item], r: Range<usize>, last: bool) -> Widths {
    let n = r.len();
    let its = &items[r];
    let mut w: Vec<f64> = its.iter().map(|i| i.width).collect();
    let mut shift = vec![0.0; n];
    let mut done = vec![false; n];
    let half = |i: &Item| if i.fullwidth { i.width / 2.0 } else { 0.0 };
    for j in 0..n.saturating_sub(1) {
        let (a, b) = (cjk::blank_side(its[j].ch), cjk::blank_side(its[j + 1].ch));
        if a == Blank::Right && b != Blank::None && !done[j] {
            w[j] -= half(&its[j]);
            done[j] = true;
            // the pair is at 1.5 em now: neither mark gives up more
            done[j + 1] = true;
        } else if a == Blank::Left && b == Blank::Left && !done[j + 1] {
            w[j + 1] -= half(&its[j + 1]);
            shift[j + 1] = half(&its[j + 1]);
            done[j + 1] = true;
            done[j] = true;
        }
    }
    if n > 0 && !last && cjk::blank_side(its[n - 1].ch) == Blank::Right && !done[n - 1] {
        w[n - 1] -= half(&its[n - 1]);
        done[n - 1] = true;
    }
    // 中西文间距 inside the line (none at its ends)
    for j in 0..n.saturating_sub(1) {
        if cjk::autospace(its[j].ch, its[j + 1].ch) {
            w[j] += cjk::autospace_width(its[j].size.max(its[j + 1].size));
        }
    }
    let shrink = (0..n)
        .map(|j| {
            if !done[j] && cjk::blank_side(its[j].ch) != Blank::None {
                half(&its[j])
            } else {
                0.0
            }
        })
        .collect();
    Widths { w, shift, shrink }
}

/// The range without leading and trailing spaces.
fn trim(items: &[Item], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && items[r.start].ch.is_whitespace() {
        r.start += 1;
    }
    while r.end > r.start && items[r.end - 1].ch.is_whitespace() {
        r.end -= 1;
    }
    r
}

/// The order in which mid-line marks give up their blank half when a line must be squeezed
/// (clreq §3.2 reduction order): brackets and quotes first, then 、，；：, then 。？！ last.
fn shrink_rank(c: char) -> usize {
    match c {
        '、' | '，' | '；' | '：' => 1,
        '。' | '．' | '？' | '！' => 2,
        _ => 0,
    }
}

/// Sets one line of `items[r]` in `measure`: squeeze adjacent marks, and the line-end mark when the
/// line does not fit otherwise (a centred line always); if still too wide, mid-line marks give up
/// their blank halves in clreq's order; a short line is justified by equal inter-character spacing
/// (never inside Latin runs or —— ……) up to the stretch cap, or aligned.
pub(crate) fn set_line(
    items: &[Item],
    r: Range<usize>,
    measure: f64,
    align: Align,
    last: bool,
) -> Line {
    let r = trim(items, r);
    let its = &items[r.clone()];
    // a justified line's last mark keeps its full cell when it fits (the line stays on the grid);
    // it gives up its blank half only to make the line fit (GB/T 15834-2011 5.1.10)
    let mut wd = squeeze(items, r.clone(), last || align == Align::Justify);
    let mut total: f64 = wd.w.iter().sum();
    if total > measure + EPS {
        wd = squeeze(items, r.clone(), false);
        total = wd.w.iter().sum();
    }
    for rank in 0..3 {
        if total <= measure + EPS {
            break;
        }
        let can: f64 = (0..its.len())
            .filter(|&j| shrink_rank(its[j].ch) == rank)
            .map(|j| wd.shrink[j])
            .sum();
        if can <= 0.0 {
            continue;
        }
        let ratio = ((total - measure) / can).min(1.0);
        for (j, it) in its.iter().enumerate() {
            if shrink_rank(it.ch) != rank {
                continue;
            }
            let s = wd.shrink[j] * ratio;
            wd.w[j] -= s;
            if cjk::blank_side(it.ch) == Blank::Left {
                wd.shift[j] += s;
            }
        }
        total = wd.w.iter().sum();
    }
    let mut extra = vec![0.0; its.len()];
    let mut offset = 0.0;
    match align {
        Align::Justify if !last && total < measure - EPS => {
            let gaps: Vec<usize> = (1..its.len())
                .filter(|&j| stretchable(&its[j - 1], &its[j]))
                .collect();
            let gaps = if gaps.is_empty() {
                (1..its.len()).collect()
            } else {
                gaps
            };
            if !gaps.is_empty() {
                let size = its.iter().map(|i| i.size).fold(0.0, f64::max);
                let each = ((measure - total) / gaps.len() as f64).min(MAX_STRETCH_EM * size);
                for j in gaps {
                    extra[j] = each;
                }
            }
        }
        Align::Center => offset = ((measure - total) / 2.0).max(0.0),
        _ => {}
    }
    let mut x = 0.0;
    let mut glyphs = Vec::with_capacity(its.len());
    for (j, it) in its.iter().enumerate() {
        x += extra[j];
        glyphs.push(PlacedGlyph {
            face: it.face,
            gid: it.gid,
            size: it.size,
            x: x - wd.shift[j],
            ch: it.ch,
        });
        x += wd.w[j];
    }
    Line {
        glyphs,
        width: x,
        offset,
        items: r,
    }
}

/// Whether the gap between `a` and `b` may take justification space: not inside a Latin/digit run,
/// not inside —— or …… (clreq §3.2.3).
fn stretchable(a: &Item, b: &Item) -> bool {
    if cjk::is_unbreakable_pair(a.ch, b.ch) {
        return false;
    }
    a.fullwidth || b.fullwidth || a.ch.is_whitespace() || b.ch.is_whitespace()
}

/// Breaks and sets a whole block of text.
pub(crate) fn set_block(
    sh: &Shaped,
    measure: &dyn Fn(usize) -> f64,
    indent: f64,
    align: Align,
    lone_rule: bool,
) -> Vec<Line> {
    let ranges = line_ranges(sh, measure, indent, lone_rule);
    set_lines(sh, ranges, measure, indent, align)
}

/// Where a block of text breaks into lines (line `i` in `measure(i)`, the first indented), with
/// the 孤字 rule when `lone_rule`; nothing set yet.
pub(crate) fn line_ranges(
    sh: &Shaped,
    measure: &dyn Fn(usize) -> f64,
    indent: f64,
    lone_rule: bool,
) -> Vec<Range<usize>> {
    let m = |i: usize| measure(i) - if i == 0 { indent } else { 0.0 };
    let mut ranges = break_lines(sh, &m);
    if lone_rule && ranges.len() >= 2 {
        let above = m(ranges.len() - 2);
        fix_lone_last(sh, &mut ranges, above);
    }
    ranges
}

/// Sets the lines `ranges` of a block (line `i` in `measure(i)`, the first indented).
pub(crate) fn set_lines(
    sh: &Shaped,
    ranges: Vec<Range<usize>>,
    measure: &dyn Fn(usize) -> f64,
    indent: f64,
    align: Align,
) -> Vec<Line> {
    let k = ranges.len();
    ranges
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let first = if i == 0 { indent } else { 0.0 };
            let mut l = set_line(&sh.items, r, measure(i) - first, align, i + 1 == k);
            l.offset += first;
            l
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontOptions;
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

    #[test]
    fn space_between_han_and_digits_inside_a_line_only() {
        let fs = fonts();
        let sh = body(&fs, "自2021年");
        let w = squeeze(&sh.items, 0..6, true);
        assert!((w.w[0] - (PITCH + 3.2)).abs() < 1e-9, "{:?}", w.w);
        assert!(
            (w.w[4] - (sh.items[4].width + 3.2)).abs() < 1e-9,
            "{:?}",
            w.w
        );
        assert!(
            (w.w[1] - sh.items[1].width).abs() < 1e-9,
            "none between digits"
        );
        // none next to punctuation, none at a line's end
        let sh = body(&fs, "，2021");
        let w = squeeze(&sh.items, 0..5, true);
        assert!((w.w[0] - PITCH).abs() < 1e-9);
        let w = squeeze(&sh.items, 1..5, true);
        assert!((w.w[3] - sh.items[4].width).abs() < 1e-9);
    }

    #[test]
    fn squeeze_adjacent_and_line_end() {
        let fs = fonts();
        let sh = body(&fs, "甲。”乙");
        let w = squeeze(&sh.items, 0..4, true);
        // 。” together take 1.5 slots
        assert!((w.w[1] + w.w[2] - 1.5 * PITCH).abs() < 1e-6);
        let sh = body(&fs, "甲乙，");
        let w = squeeze(&sh.items, 0..3, false);
        assert!(
            (w.w[2] - 0.5 * PITCH).abs() < 1e-6,
            "line-end comma takes half a slot"
        );
        let w = squeeze(&sh.items, 0..3, true);
        assert!(
            (w.w[2] - PITCH).abs() < 1e-6,
            "a paragraph's last mark keeps its slot"
        );
    }

    #[test]
    fn justification_fills_the_measure_and_last_line_is_flush_left() {
        let fs = fonts();
        let text = "本报告根据条例，编制。全文包括总体情况、主动公开政府信息情况、收到和处理申请情况等内容，统计期限为全年。";
        let sh = body(&fs, text);
        let m = 10.0 * PITCH;
        let lines = set_block(&sh, &|_| m, 2.0 * PITCH, Align::Justify, true);
        assert!(lines.len() > 2);
        for (i, l) in lines.iter().enumerate() {
            let right = l.offset + l.width;
            if i + 1 < lines.len() {
                assert!(
                    (right - m).abs() < 0.02,
                    "line {i} ends at {right}, not {m}"
                );
            } else {
                assert!(right < m - 1.0, "last line is flush left, not stretched");
            }
        }
        // first-line indent of two characters
        assert!((lines[0].offset - 2.0 * PITCH).abs() < 1e-9);
        // digits are not tracked apart
        let sh = body(&fs, "一二三四五六七2021年八九");
        let l = set_line(
            &sh.items,
            0..sh.items.len() - 2,
            10.0 * PITCH,
            Align::Justify,
            false,
        );
        let g = &l.glyphs;
        let adv = g[8].x - g[7].x;
        assert!(adv < 12.0, "digit pitch {adv}");
    }

    #[test]
    fn missing_glyph_is_an_error_naming_char_and_place() {
        let fs = fonts();
        let mut d = Vec::new();
        shape(
            &[(Role::Body, "甲😀乙")],
            &fs,
            &|_| (16.0, PITCH),
            "一、总体情况 第 2 段",
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("😀")
                && d[0].message.contains("U+1F600")
                && d[0].message.contains("一、总体情况 第 2 段"),
            "{}",
            d[0].message
        );
    }
}
