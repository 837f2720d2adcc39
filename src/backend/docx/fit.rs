//! Character spacing per line that makes a word processor break a paragraph where the PDF does.
//!
//! The PDF sets lines as clreq asks: punctuation squeezed so a line holds one more character,
//! 孤字 kept off a paragraph's last line, short text pages filled by loosening paragraphs
//! (§3.1.7, §3.5). Word processors know none of that: they fill each line greedily with the
//! characters' advances plus `w:spacing`, and LibreOffice adds spaces of its own. So for every line
//! we predict LibreOffice's width and give the line's characters one spacing, condensed or
//! expanded, so that (1) the line's characters fit and (2) the next unbreakable piece does not:
//! the same breaks. A squeezed comma in the PDF is a line a little tighter in the DOCX.
//!
//! The model is LibreOffice 7.4's, measured (samples in `tests/docx.rs`) and read in its
//! `SwTextFormatter::BuildPortions`:
//! - a full-width character advances its font size, a Latin one its font advance;
//! - `w:spacing` is added between the characters of one run only, never after a run's last
//!   character, and a negative value stops at −1/6 of the font size;
//! - between a letter or digit of Latin script and a CJK letter it inserts 1/5 of the font size
//!   (`w:autoSpaceDE/DN` are not read on import); the PDF sets the same space.
//!
//! Word adds the spacing after every character (a run's last too) and its own space between
//! Chinese and Latin text, so there a line may come out a little different from this prediction.

use crate::typeset::{word_processor_joins, TextLines};

/// Twips kept free so that rounding in the word processor never flips a decision.
const SAFE: f64 = 4.0;
/// Most twips a line's spacing moves either way: condensing stops at LibreOffice's −1/6 em
/// anyway; expanding only does what justification would do.
const MAX_STEPS: i32 = 240;

/// The word processor's view of one block of text.
struct Model<'a> {
    tl: &'a TextLines,
    /// Whether characters j and j+1 are one run and one script portion (then the run's spacing,
    /// if theirs is equal, sits between them), with the least spacing LibreOffice applies
    /// (−1/6 em); a run ends where its key (role and script) or the spacing changes, a portion
    /// where LibreOffice's script does.
    joined: Vec<Option<f64>>,
    /// The script-change space between characters j and j+1 (0 where there is none), twips.
    auto: Vec<f64>,
}

/// A character's script as LibreOffice resolves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Asian,
}

/// LibreOffice's script per character: Latin letters and digits are Latin, CJK characters Asian;
/// "weak" characters (ASCII marks, “ ” ‘ ’ — …) take the script before them, Latin at the start
/// of a paragraph (measured: a paragraph's opening “ is a portion of its own).
fn scripts_of(tl: &TextLines, latin: &[bool]) -> Vec<Script> {
    let mut cur = Script::Latin;
    tl.chars
        .iter()
        .zip(latin)
        .map(|(c, &latin)| {
            let weak = ('\u{2000}'..='\u{206F}').contains(&c.ch)
                || (c.ch.is_ascii() && !c.ch.is_ascii_alphanumeric());
            if !weak {
                cur = if latin { Script::Latin } else { Script::Asian };
            }
            cur
        })
        .collect()
}

impl<'a> Model<'a> {
    fn new(tl: &'a TextLines, group: &[u32], latin: &dyn Fn(char) -> bool) -> Model<'a> {
        let latin: Vec<bool> = tl.chars.iter().map(|c| latin(c.ch)).collect();
        let script = scripts_of(tl, &latin);
        let joined = (0..tl.chars.len().saturating_sub(1))
            .map(|j| {
                (group[j] == group[j + 1] && script[j] == script[j + 1])
                    .then(|| -tl.chars[j].size * 20.0 / 6.0)
            })
            .collect();
        let auto = tl
            .chars
            .windows(2)
            .enumerate()
            .map(|(j, w)| {
                let (a, b) = (&w[0], &w[1]);
                // the script test first: is_alphanumeric searches Unicode tables
                if latin[j] != latin[j + 1] && a.ch.is_alphanumeric() && b.ch.is_alphanumeric() {
                    (a.size.max(b.size) * 20.0 / 5.0).floor()
                } else {
                    0.0
                }
            })
            .collect();
        Model { tl, joined, auto }
    }

    fn natural(&self, j: usize) -> f64 {
        let c = &self.tl.chars[j];
        if c.fullwidth {
            c.size * 20.0
        } else {
            c.width * 20.0
        }
    }

    /// What sits between characters j and j+1 on one line: their run's spacing (if one run) and
    /// the script-change space.
    #[cfg(test)]
    fn gap(&self, j: usize, s: &[i32]) -> f64 {
        self.gap_of(j, s[j], s[j + 1])
    }

    /// [`Model::gap`] with the two characters' spacings given.
    fn gap_of(&self, j: usize, sj: i32, sk: i32) -> f64 {
        let mut g = 0.0;
        if let Some(least) = self.joined[j] {
            if sj == sk {
                g += f64::from(sj).max(least);
            }
        }
        g + self.auto[j]
    }

    /// Sum of the natural widths of characters `a..b` (`a < b`).
    fn naturals(&self, a: usize, b: usize) -> f64 {
        (a..b).map(|j| self.natural(j)).sum::<f64>()
    }

    /// Width of characters `a..b` set on one line, twips.
    #[cfg(test)]
    fn width(&self, a: usize, b: usize, s: &[i32]) -> f64 {
        if a >= b {
            return 0.0;
        }
        self.naturals(a, b) + (a..b - 1).map(|j| self.gap(j, s)).sum::<f64>()
    }

    /// Width of characters `a..b` (`a < b`, natural widths `nat`) with `d` added to the spacing
    /// of the characters before `shift_end` (from `a`): [`Model::width`] of the shifted spacing,
    /// computed in the same order, so equal to the last bit.
    fn width_shifted(
        &self,
        a: usize,
        b: usize,
        nat: f64,
        s: &[i32],
        shift_end: usize,
        d: i32,
    ) -> f64 {
        let v = |j: usize| if j < shift_end { s[j] + d } else { s[j] };
        nat + (a..b - 1)
            .map(|j| self.gap_of(j, v(j), v(j + 1)))
            .sum::<f64>()
    }
}

/// Spacing (twips, `w:spacing w:val`) for every character of `tl.chars`.
///
/// `base[j]`: the spacing the character has anyway (the grid tracking of body-size roles, or 0).
/// `group[j]`: the character's run key (role and script). `measure(i)`: the width of line `i` in
/// the word processor, twips (type width less the first-line indent). `latin(c)`: the character
/// is set in the Latin font.
pub fn spacing(
    tl: &TextLines,
    base: &[i32],
    group: &[u32],
    measure: &dyn Fn(usize) -> f64,
    latin: &dyn Fn(char) -> bool,
) -> Vec<i32> {
    let n = tl.chars.len();
    let mut s: Vec<i32> = base.to_vec();
    if n == 0 || base.len() != n || group.len() != n {
        return s;
    }
    let m = Model::new(tl, group, latin);
    let k = tl.lines.len();
    // last line first: a line's test (2) reads the spacing of the next line's first piece
    for i in (0..k).rev() {
        let r = tl.lines[i].clone();
        if r.is_empty() {
            continue;
        }
        let width = measure(i);
        // the line's characters move by `d` together; the natural widths stay
        let nat = m.naturals(r.start, r.end);
        let line = |d: i32| m.width_shifted(r.start, r.end, nat, &s, r.end, d);
        // (1) the line fits: the largest d in −MAX_STEPS..=0 with the line narrow enough (else
        // −MAX_STEPS). The width grows with d, so from a guess (each step takes a twip from every
        // gap with the run's spacing) walk to it: the same d as stepping down from 0.
        let lim = width - SAFE;
        let w0 = line(0);
        let mut d = 0;
        if w0 > lim {
            let slope = (r.start..r.end - 1)
                .filter(|&j| m.joined[j].is_some() && s[j] == s[j + 1])
                .count();
            d = if slope == 0 {
                -MAX_STEPS
            } else {
                let steps = ((w0 - lim) / slope as f64).ceil().min(f64::from(MAX_STEPS));
                -(steps as i32).max(1)
            };
            if line(d) <= lim {
                while line(d + 1) <= lim {
                    d += 1;
                }
            } else {
                while d > -MAX_STEPS && line(d) > lim {
                    d -= 1;
                }
            }
        }
        // (2) the next piece does not fit after it: the smallest piece the word processor could
        // take (it may break where the PDF does not, e.g. inside a web address)
        if i + 1 < k {
            let next = &tl.lines[i + 1];
            let mut end = next.start + 1;
            while end < next.end && word_processor_joins(tl.chars[end - 1].ch, tl.chars[end].ch) {
                end += 1;
            }
            let nat_next = m.naturals(r.start, end);
            let mut steps = 0;
            while m.width_shifted(r.start, end, nat_next, &s, r.end, d) <= width + SAFE
                && steps < MAX_STEPS
            {
                if line(d + 1) > width - SAFE {
                    break;
                }
                d += 1;
                steps += 1;
            }
        }
        s[r].iter_mut().for_each(|x| *x += d);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::LineChar;

    fn chars(text: &str) -> Vec<LineChar> {
        text.chars()
            .map(|ch| {
                let fullwidth = !ch.is_ascii();
                LineChar {
                    ch,
                    size: 16.0,
                    width: if fullwidth { 442.2 / 28.0 } else { 8.93 },
                    fullwidth,
                }
            })
            .collect()
    }

    fn lines(chars: Vec<LineChar>, cuts: &[usize]) -> TextLines {
        let n = chars.len();
        let mut lines = Vec::new();
        let mut at = 0;
        for &c in cuts.iter().chain(std::iter::once(&n)) {
            lines.push(at..c);
            at = c;
        }
        TextLines {
            breaks: vec![true; n],
            chars,
            lines,
        }
    }

    fn fit(tl: &TextLines) -> (Vec<i32>, Vec<u32>) {
        let group: Vec<u32> = tl
            .chars
            .iter()
            .map(|c| u32::from(c.ch.is_ascii()))
            .collect();
        let n = tl.chars.len();
        let s = spacing(tl, &vec![-5; n], &group, &|_| 8845.0, &|c| c.is_ascii());
        (s, group)
    }

    fn model<'a>(tl: &'a TextLines, group: &[u32]) -> Model<'a> {
        Model::new(tl, group, &|c| c.is_ascii())
    }

    #[test]
    fn measured_libreoffice_widths() {
        // 20 国 in one run at −5: 19 gaps of 15.75 pt + 16 (measured 15.74 average)
        let tl = lines(chars(&"国".repeat(20)), &[]);
        let g = vec![0; 20];
        let m = model(&tl, &g);
        assert_eq!(m.width(0, 20, &[-5; 20]), 20.0 * 320.0 - 19.0 * 5.0);
        // −110 stops at −1/6 em (measured 13.34 pt per character)
        assert!((m.width(0, 2, &[-110; 2]) - (640.0 - 320.0 / 6.0)).abs() < 1e-9);
        // 国国2020国国 at −5: a script change costs 3.2 pt each side (measured 19.20 and 12.10)
        let tl = lines(chars("国国2020国国"), &[]);
        let g: Vec<u32> = tl
            .chars
            .iter()
            .map(|c| u32::from(c.ch.is_ascii()))
            .collect();
        let m = model(&tl, &g);
        let gaps: Vec<f64> = (0..7).map(|j| m.gap(j, &[-5; 8])).collect();
        assert_eq!(gaps, vec![-5.0, 64.0, -5.0, -5.0, -5.0, 64.0, -5.0]);
    }

    #[test]
    fn full_lines_keep_the_grid_spacing() {
        let tl = lines(chars(&"国".repeat(54)), &[26]);
        let n = tl.chars.len();
        let g = vec![0; n];
        let s = spacing(
            &tl,
            &vec![-5; n],
            &g,
            &|i| if i == 0 { 8845.0 - 640.0 } else { 8845.0 },
            &|_| false,
        );
        assert!(s.iter().all(|&x| x == -5), "{s:?}");
    }

    #[test]
    fn a_line_the_pdf_ends_early_is_expanded_so_the_next_character_stays_down() {
        // the PDF put 27 on line 1 (a lone-character fix); LibreOffice would take a 28th
        let tl = lines(chars(&"国".repeat(29)), &[27]);
        let (s, g) = fit(&tl);
        let m = model(&tl, &g);
        assert!(m.width(0, 27, &s) <= 8845.0 - SAFE, "line still fits");
        assert!(
            m.width(0, 28, &s) > 8845.0 + SAFE,
            "next character stays down"
        );
        assert!(
            s[27..].iter().all(|&x| x == -5),
            "last line untouched: {s:?}"
        );
        assert!(
            s[..27].iter().all(|&x| x == s[0]),
            "one spacing for the line"
        );
    }

    #[test]
    fn a_line_with_digits_is_condensed_to_fit_libreoffices_extra_space() {
        // 10 国 + 12 digits + 11 国 fits the PDF's 442.2 pt (438.8); LibreOffice adds 2 × 3.2 pt
        let text = format!("{}123456789012{}", "国".repeat(10), "国".repeat(11));
        let tl = lines(chars(&text), &[]);
        let (s, g) = fit(&tl);
        let m = model(&tl, &g);
        assert!(
            m.width(0, 33, &[-5; 33]) > 8845.0 - SAFE,
            "needs condensing"
        );
        assert!(m.width(0, 33, &s) <= 8845.0 - SAFE);
        assert!(s[0] < -5, "{s:?}");
    }
}
