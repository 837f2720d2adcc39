//! CJK character classes for line breaking and punctuation width: the 禁则 sets and the blank sides
//! of full-width marks, as cited constants (W3C clreq §3.1, GB/T 15834-2011).

/// Punctuation conventions. Only the mainland (GB/T 15834-2011) style exists so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PunctStyle {
    /// GB/T 15834-2011, clreq "GB-style" prohibition level.
    #[default]
    Gb,
}

/// May not start a line (clreq §3.1.7 basic level + GB-style: 点号, closing marks, 连接号, 间隔号, 分隔号).
pub const NO_LINE_START: &[char] = &[
    '、', '，', '。', '．', '：', '；', '！', '？', '‼', '⁇', '”', '’', '）', '》', '〉', '」',
    '』', '】', '〗', '〕', '］', '｝', '·', '・', '‧', '–', '～', '／', '%', '％', ')', ',', '.',
    ':', ';', '!', '?', ']', '}', '℃', '‰',
];

/// May not end a line (clreq §3.1.7: opening quotes, brackets, 书名号; GB-style adds the solidus).
pub const NO_LINE_END: &[char] = &[
    '“', '‘', '（', '《', '〈', '「', '『', '【', '〖', '〔', '［', '｛', '(', '[', '{', '／',
];

/// Marks that come in pairs and may never be split (GB/T 15834-2011 4.13 破折号, 4.11 省略号).
pub const UNBREAKABLE_PAIRS: &[char] = &['—', '…', '⸺', '⋯'];

/// Full-width marks whose blank half is on the right: closing marks and 点号 (clreq §3.1.6).
pub const BLANK_RIGHT: &[char] = &[
    '、', '，', '。', '．', '：', '；', '！', '？', '”', '’', '）', '》', '〉', '」', '』', '】',
    '〗', '〕', '］', '｝',
];

/// Full-width marks whose blank half is on the left: opening marks (clreq §3.1.6).
pub const BLANK_LEFT: &[char] = &[
    '“', '‘', '（', '《', '〈', '「', '『', '【', '〖', '〔', '［', '｛',
];

/// Closing marks that hold on to a Latin letter or digit after them: UAX #14 LB19 (quotes), LB30
/// (closing brackets) and the older rule for CL that LibreOffice's break iterator still applies
/// (measured: "，|2020" and "》|abc" never break there; "：|2020" does). Keeping the PDF to the same
/// rule lets the DOCX break where the PDF does.
pub const HOLD_LATIN_AFTER: &[char] = &[
    '、', '，', '。', '．', '）', '》', '〉', '」', '』', '】', '〗', '〕', '］', '｝', '”', '’',
];

/// Whether no line may break between `a` and `b` because `a` is a closing mark and `b` Latin.
pub fn holds_latin(a: char, b: char) -> bool {
    b.is_ascii_alphanumeric() && HOLD_LATIN_AFTER.contains(&a)
}

/// Whether a word processor (LibreOffice measured, Word alike) certainly keeps `a b` on one line:
/// 禁则, closing marks holding a Latin letter or digit, —— and ……, letters and digits of one Latin
/// word. It may break anywhere else (inside a web address after `/`, after `-`).
pub fn word_processor_joins(a: char, b: char) -> bool {
    is_no_line_start(b)
        || is_no_line_end(a)
        || is_unbreakable_pair(a, b)
        || holds_latin(a, b)
        || (a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
}

/// Whether an ASCII word (no spaces) is a web or e-mail address: it has a scheme (`://`), starts
/// with `www.`, is `name@host.tld`, or is a host of two or more dot-separated labels ending in a
/// top-level domain of letters with a path after it (`hy.gov.cn/xxgk`) or three labels at least.
/// Telephone numbers (`0955-4638738`), standard numbers (`GB/T 9704`) and decimals are not.
pub fn is_web_address(word: &str) -> bool {
    let l = word.to_ascii_lowercase();
    if l.contains("://") || l.starts_with("www.") {
        return true;
    }
    if let Some(at) = l.find('@') {
        return at > 0 && l[at..].contains('.');
    }
    let host = l.split('/').next().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    (labels.len() >= 3 || (labels.len() == 2 && l.contains('/')))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && labels
            .iter()
            .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// Whether a line may break between `a` and `b` inside a web address: after `/`, `.` or `-` before
/// a letter or digit (so never inside `://` or `//`), as clreq and UAX #14's tailoring for URLs allow.
pub fn breaks_in_address(a: char, b: char) -> bool {
    matches!(a, '/' | '.' | '-') && b.is_ascii_alphanumeric()
}

/// Whether a space goes between `a` and `b` (中西文间距): a CJK letter next to a Latin letter or
/// digit. Word, WPS and LibreOffice add it by default (the WPS reference report has it; LibreOffice
/// always does, whatever the DOCX says), so the PDF does too and the DOCX breaks the same lines.
pub fn autospace(a: char, b: char) -> bool {
    // the cheap range test first: is_alphanumeric searches Unicode tables for every CJK character
    is_fullwidth(a) != is_fullwidth(b) && a.is_alphanumeric() && b.is_alphanumeric()
}

/// Width of that space, pt, for text of `size` pt: 1/5 em in whole twips, as LibreOffice sets it
/// (WPS ≈ 1/4 em).
pub fn autospace_width(size: f64) -> f64 {
    (size * 20.0 / 5.0).floor() / 20.0
}

/// Whether `c` may not start a line.
pub fn is_no_line_start(c: char) -> bool {
    NO_LINE_START.contains(&c)
}

/// Whether `c` may not end a line.
pub fn is_no_line_end(c: char) -> bool {
    NO_LINE_END.contains(&c)
}

/// Whether the pair `a b` is one unbreakable mark (—— or ……).
pub fn is_unbreakable_pair(a: char, b: char) -> bool {
    a == b && UNBREAKABLE_PAIRS.contains(&a)
}

/// Which side of a full-width mark's em box is blank (and may be squeezed away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// No squeezable blank.
    None,
    /// Right half blank: 。，、 closing marks.
    Right,
    /// Left half blank: opening marks.
    Left,
}

/// The squeezable blank side of `c` (clreq §3.1.6 punctuation width adjustment).
pub fn blank_side(c: char) -> Blank {
    // no mark with a blank side is a CJK ideograph or ASCII: skip the lists for those
    if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        Blank::None
    } else if BLANK_RIGHT.contains(&c) {
        Blank::Right
    } else if BLANK_LEFT.contains(&c) {
        Blank::Left
    } else {
        Blank::None
    }
}

/// Whether `c` is set on the character grid (one full-width slot): Han, kana, full-width forms and
/// CJK punctuation; Latin letters and digits keep their own proportional widths.
pub fn is_fullwidth(c: char) -> bool {
    // the common cases first: Latin (only the middle dot is full width below U+2000), then the
    // CJK Unified Ideographs; line breaking asks ~13 000 times per report
    match c as u32 {
        ..0x2000 => return c == '·',
        0x4E00..=0x9FFF => return true,
        _ => {}
    }
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3200..=0x33FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF01..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFF)
        || matches!(
            c,
            '“' | '”'
                | '‘'
                | '’'
                | '—'
                | '…'
                | '⸺'
                | '·'
                | '●'
                | '○'
                | '■'
                | '□'
                | '★'
                | '☆'
                | '※'
                | '№'
                | '℃'
        )
        || ('\u{2460}'..='\u{24FF}').contains(&c)
}

/// Whether `c` is a Han character (used for the 孤字 rule, clreq §3.5).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width() {
        for c in [
            '国', '一', '龥', '㐀', '。', '，', '“', '’', '—', '…', '·', '①', '（', '％',
        ] {
            assert!(is_fullwidth(c), "{c}");
        }
        for c in ['a', 'Z', '1', '%', '(', ' ', '\u{1FFF}', '\u{2013}', 'é'] {
            assert!(!is_fullwidth(c), "{c:?}");
        }
    }

    #[test]
    fn web_addresses() {
        for a in [
            "http://www.hy.gov.cn/",
            "https://x.cn",
            "www.qinghe.gov.cn",
            "hy.gov.cn/xxgk",
            "zrzyj.qinghe.gov.cn",
            "gk@qinghe.gov.cn",
        ] {
            assert!(is_web_address(a), "{a}");
        }
        for a in [
            "0955-4638738",
            "GB/T",
            "12.5%",
            "1,286",
            "3.5",
            "e.g.",
            "A-1",
        ] {
            assert!(!is_web_address(a), "{a}");
        }
        assert!(breaks_in_address('/', 'w') && breaks_in_address('.', 'g'));
        assert!(!breaks_in_address(':', '/') && !breaks_in_address('/', '/'));
    }

    #[test]
    fn classes() {
        assert!(is_no_line_start('，') && is_no_line_start('”') && is_no_line_start('》'));
        assert!(is_no_line_end('“') && is_no_line_end('《') && is_no_line_end('（'));
        assert!(!is_no_line_start('国') && !is_no_line_end('国'));
        assert!(
            is_unbreakable_pair('—', '—')
                && is_unbreakable_pair('…', '…')
                && !is_unbreakable_pair('—', '…')
        );
        assert_eq!(blank_side('。'), Blank::Right);
        assert_eq!(blank_side('《'), Blank::Left);
        assert_eq!(blank_side('国'), Blank::None);
        assert!(
            is_fullwidth('国')
                && is_fullwidth('，')
                && is_fullwidth('“')
                && !is_fullwidth('2')
                && !is_fullwidth('a')
        );
        assert_eq!(PunctStyle::default(), PunctStyle::Gb);
    }
}
