//! What YAML would change in the clerk's text without a word, found from the source: a `#` that
//! cuts a paragraph, a line break between two Chinese characters, a full-width colon after a key,
//! and invisible control characters.

pub use crate::diag::is_invisible;
use crate::diag::{escape_invisible, Diagnostic, Diagnostics, Pos};

use super::node::{Key, Node};
use super::{Block, Located, Report, SectionBody};

/// The 1-based line and character column of byte `at` in `src`.
pub fn pos_at(src: &str, at: usize) -> Pos {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or("");
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    Pos::new(line as u32, col as u32)
}

/// Whether `node` is a `|` or `>` block scalar: its span starts the line after the indicator.
fn is_block(node: &Node, src: &str) -> bool {
    let start = node.span.start as usize;
    let Some(before) = src.get(..start) else {
        return false;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before[line_start..].trim().is_empty() || line_start == 0 {
        return false;
    }
    // the indicator line, its comment removed: `- |`, `key: >-`, `- |2`
    let prev = before[..line_start - 1]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let prev = prev.split(" #").next().unwrap_or(prev).trim_end();
    let indicator = prev.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    indicator.ends_with(['|', '>'])
}

/// Whether a scalar was written plain (no quotes, not a `|` or `>` block).
fn is_plain(node: &Node, raw: &str, src: &str) -> bool {
    !raw.starts_with(['"', '\'']) && !is_block(node, src)
}

/// `organ： …`, `penalty：   47`: a key followed by a full-width colon, which YAML does not take
/// for a key (the line becomes text, or a syntax error far from the colon).
pub fn fullwidth_colon_keys(src: &str) -> Diagnostics {
    let mut out = Vec::new();
    let mut in_block: Option<usize> = None;
    for (i, line) in src.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        // skip the lines of a `|` or `>` block: they are text, whatever they hold
        if let Some(block_indent) = in_block {
            if line.trim().is_empty() || indent > block_indent {
                continue;
            }
            in_block = None;
        }
        let body = line.trim_start_matches(' ');
        let body = body.strip_prefix("- ").unwrap_or(body);
        let key_len = body
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let trimmed = line.trim_end();
        if trimmed.ends_with(['|', '>']) || trimmed.ends_with("|-") || trimmed.ends_with(">-") {
            in_block = Some(indent);
        }
        if key_len == 0 || !body.as_bytes()[0].is_ascii_lowercase() {
            continue;
        }
        let after = body[key_len..].trim_start_matches([' ', '\t']);
        if !after.starts_with('：') {
            continue;
        }
        let colon_byte = line.len() - after.len();
        let col = line[..colon_byte].chars().count() + 1;
        let key = &body[..key_len];
        out.push(
            Diagnostic::error(
                "fullwidth-colon",
                format!("“{key}”后面是中文冒号“：”，YAML 不认它作键和值之间的冒号"),
            )
            .at(Pos::new(i as u32 + 1, col as u32))
            .with_hint(format!(
                "把“：”改成英文冒号“:”，冒号后加一个空格，例如 {key}: …"
            )),
        );
    }
    out
}

/// A plain paragraph followed by `#` on its last line: YAML took the rest as a comment, so the
/// printed paragraph would end where the `#` stands. `always`: for paragraphs; otherwise (headings)
/// only when a single space separates the text and the `#`, as in text that goes on.
pub fn cut_by_comment(node: &Node, src: &str, always: bool) -> Option<Diagnostic> {
    let raw = node.raw(src)?;
    if !is_plain(node, raw, src) {
        return None;
    }
    let end = node.span.start as usize + node.span.len as usize;
    let rest = src.get(end..)?;
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if !rest[gap..].starts_with('#') || (!always && gap != 1) {
        return None;
    }
    let after: String = rest[gap + 1..].trim().chars().take(12).collect();
    Some(
        Diagnostic::error(
            "comment-cut",
            format!("这段文字在“#”处被截断：YAML 把“#{after}…”当作说明（注释），不会印出来"),
        )
        .at(pos_at(src, end + gap))
        .with_hint(
            "若“#”后是正文：把这段写成块，即“- |”后换行、缩进书写（块中的 # 和 : 都是普通文字），\
             或给整段文字加引号；若是说明，请移到上一行",
        ),
    )
}

/// Whether a line break between `a` and `b` is removed rather than made a space (CSS Text 3,
/// segment break transformation: both East Asian Wide, Fullwidth or Halfwidth, neither Hangul).
fn joins_without_space(a: char, b: char) -> bool {
    fn wide(c: char) -> bool {
        let hangul = matches!(c as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF);
        let halfwidth = matches!(c as u32, 0xFF61..=0xFFDC | 0xFFE8..=0xFFEE);
        !hangul && (halfwidth || unicode_width::UnicodeWidthChar::width(c) == Some(2))
    }
    wide(a) && wide(b)
}

/// A text scalar written over several lines (plain or quoted) read as YAML folds it, except that a
/// line break between two Chinese characters is removed instead of becoming a space. `None` when the
/// scalar is on one line, is a block, or YAML's own folding cannot be reproduced (escapes).
pub fn unfold_cjk(node: &Node, value: &str, src: &str) -> Option<String> {
    let raw = node.raw(src)?;
    if !raw.contains('\n') || is_block(node, src) {
        return None;
    }
    let inner = match raw.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = raw.strip_prefix(q)?.strip_suffix(q)?;
            if q == '"' && inner.contains('\\') {
                return None;
            }
            if q == '\'' {
                std::borrow::Cow::Owned(inner.replace("''", "'"))
            } else {
                std::borrow::Cow::Borrowed(inner)
            }
        }
        _ => std::borrow::Cow::Borrowed(raw),
    };
    let lines: Vec<&str> = inner
        .split('\n')
        .map(|l| l.trim_matches([' ', '\t', '\r']))
        .collect();
    // YAML's folding: one line break → a space, n empty lines → n line breaks
    let fold = |cjk: bool| {
        let mut out = String::new();
        let mut empties = 0;
        let mut first = true;
        for l in &lines {
            if l.is_empty() {
                empties += 1;
                continue;
            }
            if !first {
                if empties > 0 {
                    out.push_str(&"\n".repeat(empties));
                } else {
                    let a = out.chars().next_back();
                    let b = l.chars().next();
                    let joined = matches!((a, b), (Some(a), Some(b)) if joins_without_space(a, b));
                    if !(cjk && joined) {
                        out.push(' ');
                    }
                }
            }
            out.push_str(l);
            empties = 0;
            first = false;
        }
        out
    };
    if fold(false) != value {
        return None;
    }
    let joined = fold(true);
    (joined != value).then_some(joined)
}

/// `- 信息处理费: 本年度…`: a paragraph whose `: ` made it a key and a value.
pub fn colon_made_a_key(key: &Key, src_key_len: usize) -> Diagnostic {
    Diagnostic::error(
        "colon-key",
        format!(
            "“{}: …”中的英文冒号加空格使 YAML 把这段文字读成了“键: 值”，没有作为段落读入",
            key.name
        ),
    )
    .at(Pos::new(key.pos.line, key.pos.col + src_key_len as u32))
    .with_hint("把“:”改成中文冒号“：”；或把这段写成块（“- |”后换行、缩进书写），或给整段文字加引号")
}

/// Invisible characters (control and format characters other than tab and line breaks) in any
/// text: they print as nothing or as a box, or reverse the text around them, so they are refused
/// with their place, shown escaped.
pub(super) fn control_characters(rep: &Report) -> Diagnostics {
    let mut texts: Vec<&Located<String>> = vec![&rep.organ];
    texts.extend(rep.title.iter());
    texts.extend(rep.lead.iter());
    for s in &rep.sections {
        if let SectionBody::Text(blocks) = &s.body {
            for b in blocks {
                match b {
                    Block::Para(p) => texts.push(p),
                    Block::Heading { text, run_in, .. } => {
                        texts.push(text);
                        texts.extend(run_in.iter());
                    }
                }
            }
        }
    }
    if let Some(sig) = &rep.signature {
        texts.extend(sig.organ.iter());
    }
    texts
        .into_iter()
        .filter_map(|t| {
            let (i, c) = t
                .value
                .chars()
                .enumerate()
                .find(|&(_, c)| is_invisible(c))?;
            let before: String = t.value.chars().take(i).collect();
            let before: String = before.chars().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            Some(
                Diagnostic::error(
                    "control-char",
                    format!(
                        "文字中有不可见的控制字符 U+{:04X}（在“{}”之后，第 {} 个字）",
                        c as u32,
                        escape_invisible(&before),
                        i + 1
                    ),
                )
                .at(t.pos)
                .with_hint("这类字符看不见，常由复制粘贴带入，会使文字印不出或顺序颠倒；请删去这段文字中该处，重新输入"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_colon_after_a_key() {
        let d = fullwidth_colon_keys("organ： 青石县\nyear: 2021\nproactive:\n  penalty：   47\n");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].pos, Pos::new(1, 6));
        assert_eq!(d[1].pos, Pos::new(4, 10));
        assert!(fullwidth_colon_keys("- 注：本年度无\nother: |\n  fees： 无\n").is_empty());
    }

    #[test]
    fn invisible_characters() {
        assert!(is_invisible('\u{202E}') && is_invisible('\u{200B}') && is_invisible('\u{7}'));
        assert!(!is_invisible('国') && !is_invisible('\n'));
        assert_eq!(escape_invisible("a\u{202E}b"), "a<U+202E>b");
    }

    #[test]
    fn segment_breaks() {
        assert!(joins_without_space('取', '信'));
        assert!(joins_without_space('。', '本'));
        assert!(!joins_without_space('a', '信'));
        assert!(!joins_without_space('取', '1'));
    }
}
