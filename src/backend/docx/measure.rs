//! Lengths the DOCX needs that Word and LibreOffice do not work out for themselves: page geometry
//! that lands the text on the GB/T 9704 grid as LibreOffice renders it, a word processor's line
//! filling (to keep a last line from holding one character alone), and table column widths.

use crate::doc::{CellKind, GridEntry, Table};
use crate::style::{Style, PT_PER_MM};

/// Twips (1/20 pt) per point.
pub const TW_PER_PT: f64 = 20.0;

/// Fraction of an exact line height above the baseline, as LibreOffice lays it out (measured).
pub const LO_BASELINE_FRACTION: f64 = 0.8;
/// Glyph top above the baseline, in ems, as the checker measures a CJK glyph.
pub const GLYPH_TOP_EM: f64 = 0.88;
/// Distance from the footer's bottom edge to the dash line of a single-spaced page number, in ems
/// of its size (measured: 1423 twips put the dash 7.1 mm below the type area at 14 pt).
pub const FOOTER_DASH_EM: f64 = 0.567;

/// Baseline of a single-spaced header line below the header's top edge, in ems (measured).
pub const HEADER_BASELINE_EM: f64 = 1.16;

/// Millimetres → twips.
pub fn mm_tw(mm: f64) -> i32 {
    (mm * PT_PER_MM * TW_PER_PT).round() as i32
}

/// Points → twips.
pub fn pt_tw(pt: f64) -> i32 {
    (pt * TW_PER_PT).round() as i32
}

/// Page geometry in twips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Paper width.
    pub width: i32,
    /// Paper height.
    pub height: i32,
    /// Top margin: higher than the 天头 so that the first line's glyph tops land on it.
    pub top: i32,
    /// Bottom margin (the type area's lower edge).
    pub bottom: i32,
    /// Left margin.
    pub left: i32,
    /// Right margin.
    pub right: i32,
    /// Footer distance from the paper's lower edge.
    pub footer: i32,
    /// Header distance from the paper's upper edge.
    pub header: i32,
    /// Exact line height.
    pub line: i32,
    /// Type width.
    pub type_width: i32,
}

/// The page geometry of a style, as LibreOffice places exact-spaced lines.
pub fn page(style: &Style, body_size_pt: f64, page_number_pt: f64) -> Page {
    let p = &style.page;
    // whole twips, rounded down so that the lines always fit (28.95 pt for GB/T 9704)
    let line = (style.line_pitch_pt() * TW_PER_PT).floor() as i32;
    let pitch = line as f64 / TW_PER_PT;
    // LibreOffice puts the baseline at 80 % of an exact line; the glyph top is 0.88 em above it.
    let lift_pt = LO_BASELINE_FRACTION * pitch - GLYPH_TOP_EM * body_size_pt;
    let top = mm_tw(p.margin_top_mm) - pt_tw(lift_pt);
    let height = mm_tw(p.height_mm);
    let bottom = mm_tw(p.margin_bottom_mm);
    // The lowered type area must hold exactly `lines` lines, not one more.
    let area = height - top - bottom;
    let lines = style.grid.lines as i32;
    let bottom = if area < lines * line || area >= (lines + 1) * line {
        height - top - lines * line - line / 3
    } else {
        bottom
    };
    let type_bottom_mm = p.height_mm - p.margin_bottom_mm;
    let dash_from_bottom_pt =
        (p.height_mm - type_bottom_mm - style.footer.below_type_area_mm) * PT_PER_MM;
    let footer = pt_tw(dash_from_bottom_pt - FOOTER_DASH_EM * page_number_pt).max(0);
    let header = match &style.header {
        // single-spaced line: LibreOffice puts its baseline 1.16 em below the header's top
        // (measured with the bundled serif)
        Some(h) => pt_tw(
            (p.margin_top_mm - h.above_type_area_mm) * PT_PER_MM - HEADER_BASELINE_EM * h.size_pt,
        )
        .max(0),
        None => mm_tw(15.0).min(top / 2),
    };
    let left = mm_tw(p.margin_left_mm);
    let right = mm_tw(p.margin_right_mm);
    let width = mm_tw(p.width_mm);
    Page {
        width,
        height,
        top,
        bottom,
        left,
        right,
        footer,
        header,
        line,
        type_width: width - left - right,
    }
}

/// Exact line height for a title line whose glyph tops should sit where a body line's do: the
/// baseline (at 80 % of the line) moves down by the title's extra glyph height.
pub fn title_line_pt(pitch: f64, body_pt: f64, title_pt: f64) -> f64 {
    pitch + (GLYPH_TOP_EM * (title_pt - body_pt) / LO_BASELINE_FRACTION).max(0.0)
}

/// Character spacing (twentieths of a point, `w:spacing`) that fits `chars` characters of `size_pt`
/// on a line `width_pt` wide with a little to spare (−5 for 28 × 16 pt in 156 mm, as measured).
pub fn grid_spacing(width_pt: f64, chars: u32, size_pt: f64) -> i32 {
    let exact = TW_PER_PT * (width_pt / chars as f64 - size_pt);
    (exact - 1e-9).ceil() as i32 - 1
}

/// Is this a character set in the Latin (ascii/hAnsi) font, in a run of its own?
pub fn is_latin(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_control()
        || ('\u{00A0}'..='\u{00FF}').contains(&c) && c != '×' && c != '÷' && c != '·'
}

/// Advance of a character in ems (CJK and full-width 1, Latin about half).
pub fn advance_em(c: char) -> f64 {
    if !is_latin(c) {
        return 1.0;
    }
    match c {
        ' ' | 'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '!' | '\'' | '|' | 'I' | 'f' | 't'
        | 'r' => 0.3,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.85,
        'A'..='Z' => 0.68,
        _ => 0.5,
    }
}

/// Width of a string in ems.
pub fn text_em(s: &str) -> f64 {
    s.chars().map(advance_em).sum()
}

/// Width of a text as LibreOffice sets it at `size` pt with `spacing` pt between characters (not
/// after a run's last), and 1/5 em between Latin letters or digits and Han characters.
pub fn lo_width(text: &str, size: f64, spacing: f64) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let mut w = 0.0;
    for (i, &c) in chars.iter().enumerate() {
        w += advance_em(c) * size;
        if let Some(&n) = chars.get(i + 1) {
            if is_latin(c) == is_latin(n) {
                w += spacing;
            }
            if auto_space(c, n) {
                w += size / 5.0;
            }
        }
    }
    w
}

/// Does a word processor put a space between these neighbours (a Latin letter or digit and a
/// Han character)?
fn auto_space(a: char, b: char) -> bool {
    let han = |c: char| ('\u{3400}'..='\u{9FFF}').contains(&c);
    (a.is_ascii_alphanumeric() && han(b)) || (han(a) && b.is_ascii_alphanumeric())
}

/// Latin advances of the faces a DOCX may be shown in, relative to [`advance_em`]'s (Times New
/// Roman's, or LibreOffice's metric twin of it): 1; the bundled serif's Latin, as LibreOffice sets it
/// (digits 0.556 em, lower case wider, measured on the stress suite): about 1.12.
pub const LATIN_WIDTHS: [f64; 2] = [1.0, 1.12];

/// Room (pt) a predicted line keeps free, so that rounding in the word processor never makes a
/// line fit that did not fit here.
const SAFE_PT: f64 = 0.5;

/// Would a word processor filling lines greedily (first line `first` pt wide, the rest `width`;
/// characters `(char, size pt)` with `spacing` pt between them; breaks where UAX #14 allows)
/// leave one character alone on the paragraph's last line — at most one Han character and three
/// characters in all, as `gbt9704_check.py` counts them? `latin` scales the Latin advances of
/// [`advance_em`] (the face's Latin may be wider than Times New Roman's: [`LATIN_WIDTHS`]).
pub fn ends_alone(chars: &[(char, f64)], first: f64, width: f64, spacing: f64, latin: f64) -> bool {
    let text: String = chars.iter().map(|c| c.0).collect();
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let at = |byte: usize| starts.partition_point(|&s| s < byte);
    // segments between break opportunities, as character ranges
    let mut segs = Vec::new();
    let mut from = 0;
    for (byte, _) in unicode_linebreak::linebreaks(&text) {
        let to = at(byte);
        if to > from {
            segs.push(from..to);
        }
        from = to;
    }
    let adv = |i: usize| -> f64 {
        let (c, size) = chars[i];
        let scale = if is_latin(c) { latin } else { 1.0 };
        let mut w = advance_em(c) * scale * size + spacing;
        if i > 0 && auto_space(chars[i - 1].0, c) {
            w += size / 5.0;
        }
        w
    };
    // each line as (first, end) character indices
    let mut lines: Vec<(usize, usize)> = vec![(0, 0)];
    let mut used = 0.0;
    for seg in segs {
        // trailing spaces hang past the margin
        let ink_end = (seg.start..seg.end)
            .rev()
            .find(|&i| !chars[i].0.is_whitespace())
            .map_or(seg.start, |i| i + 1);
        let ink: f64 = (seg.start..ink_end).map(adv).sum();
        let all: f64 = seg.clone().map(adv).sum();
        let avail = if lines.len() == 1 { first } else { width };
        let cur = lines.last_mut().expect("one line at least");
        if used + ink <= avail - SAFE_PT || cur.0 == cur.1 {
            cur.1 = seg.end;
            used += all;
        } else {
            lines.push((seg.start, seg.end));
            used = all;
        }
    }
    let &(from, to) = lines.last().expect("one line at least");
    let kept: Vec<char> = chars[from..to]
        .iter()
        .map(|c| c.0)
        .filter(|c| !c.is_whitespace())
        .collect();
    let han = kept
        .iter()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(*c))
        .count();
    lines.len() > 1 && han == 1 && kept.len() <= 3
}

/// Column widths (twips, summing to `total`) from the table's content, as a careful clerk sets
/// them: number columns just wide enough for their header in two lines, label columns sharing the
/// rest by the length of their labels.
pub fn column_widths(t: &Table, total: i32, size_pt: f64, padding_pt: f64) -> Vec<i32> {
    let n = t.columns;
    let em = size_pt;
    let pad = 2.0 * padding_pt;
    let mut number = vec![false; n];
    for row in &t.grid {
        for (c, e) in row.iter().enumerate() {
            if let GridEntry::Cell(cell) = e {
                if cell.kind == CellKind::Number && cell.colspan == 1 {
                    number[c] = true;
                }
            }
        }
    }
    let mut min = vec![0.0f64; n];
    let mut desire = vec![0.0f64; n];
    for c in 0..n {
        let base = if number[c] { 2.05 } else { 3.0 };
        min[c] = base * em + pad;
        desire[c] = min[c];
    }
    for row in &t.grid {
        for (c, e) in row.iter().enumerate() {
            let GridEntry::Cell(cell) = e else { continue };
            if cell.colspan != 1 {
                continue;
            }
            let w = text_em(&cell.text);
            let want = match cell.kind {
                CellKind::Number => w + 1.0,
                // a header may take up to three lines in a number column
                CellKind::Header if number[c] => (w / 3.0).ceil() + 0.05,
                CellKind::Header | CellKind::Label | CellKind::Caption => {
                    (w / cell.rowspan.min(4) as f64).ceil()
                }
            };
            let want = want * em + pad;
            if cell.kind == CellKind::Number {
                min[c] = min[c].max(want);
            }
            desire[c] = desire[c].max(want);
        }
    }
    let total_pt = total as f64 / TW_PER_PT;
    let sum_d: f64 = desire.iter().sum();
    let sum_min: f64 = min.iter().sum();
    let widths: Vec<f64> = if sum_d <= total_pt {
        desire.iter().map(|d| d * total_pt / sum_d).collect()
    } else if sum_min >= total_pt {
        min.iter().map(|m| m * total_pt / sum_min).collect()
    } else {
        let extra = total_pt - sum_min;
        let room: f64 = desire.iter().zip(&min).map(|(d, m)| d - m).sum();
        desire
            .iter()
            .zip(&min)
            .map(|(d, m)| m + extra * (d - m) / room)
            .collect()
    };
    let mut tw: Vec<i32> = widths
        .iter()
        .map(|w| (w * TW_PER_PT).floor() as i32)
        .collect();
    let rest = total - tw.iter().sum::<i32>();
    // the remainder goes to the widest column
    if let Some(i) = (0..n).max_by_key(|&i| tw[i]) {
        tw[i] += rest;
    }
    tw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liwang_geometry_matches_the_measured_recipe() {
        let s = Style::builtin("gbt9704").unwrap();
        let g = page(&s, 16.0, 14.0);
        assert_eq!(
            (g.width, g.height, g.left, g.right),
            (11906, 16838, 1587, 1474)
        );
        assert!((g.top - 1916).abs() <= 2, "top {}", g.top);
        assert_eq!(g.bottom, 1984);
        assert_eq!(g.line, 579);
        assert!((g.footer - 1423).abs() <= 12, "footer {}", g.footer);
        assert_eq!(grid_spacing(s.type_width_pt(), 28, 16.0), -5);
    }

    #[test]
    fn a_last_character_alone_is_foreseen() {
        let w = 156.0 * crate::style::PT_PER_MM;
        let han =
            |n: usize| -> Vec<(char, f64)> { "国".repeat(n).chars().map(|c| (c, 16.0)).collect() };
        // 26 on the indented first line, 28 on the next: one more is alone
        assert!(!ends_alone(&han(54), w - 32.0, w, -0.25, 1.0));
        assert!(ends_alone(&han(55), w - 32.0, w, -0.25, 1.0));
        assert!(!ends_alone(&han(56), w - 32.0, w, -0.25, 1.0));
        // condensed enough, 29 go on a line
        assert!(!ends_alone(&han(55), w - 32.0, w, -0.8, 1.0));
        // a closing mark never starts a line: the character before it goes down with it
        let mut t = han(54);
        t.push(('。', 16.0));
        assert!(ends_alone(&t, w - 32.0, w, -0.25, 1.0));
    }
}
