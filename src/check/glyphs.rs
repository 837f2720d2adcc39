//! Characters no font can draw, found by `check` with their place (file:line:col), so that a report
//! `check` passes never fails in `render` for a missing glyph.

use super::Resolved;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::doc::Role;
use crate::fonts::FontSet;
use crate::report::{Block, Located};

/// Every text with the role it is printed in and its place in messages.
fn printed(res: &Resolved) -> Vec<(Role, &str, &Located<String>)> {
    let rep = &res.report;
    let mut out = vec![
        (Role::Title, "机关名称 organ", &rep.organ),
        (Role::Signature, "机关名称 organ", &rep.organ),
    ];
    out.extend(rep.title.iter().map(|t| (Role::Title, "标题 title", t)));
    out.extend(rep.lead.iter().map(|t| (Role::Body, "导语", t)));
    for s in &res.format.sections {
        for b in res.text(&s.id) {
            match b {
                Block::Para(p) => out.push((Role::Body, s.heading.as_str(), p)),
                Block::Heading {
                    text,
                    level,
                    run_in,
                } => {
                    let level = level
                        .unwrap_or_else(|| crate::compose::heading_level(&text.value))
                        .clamp(2, 4);
                    let role = match level {
                        2 => Role::Heading2,
                        3 => Role::Heading3,
                        _ => Role::Heading4,
                    };
                    out.push((role, s.heading.as_str(), text));
                    out.extend(run_in.iter().map(|r| (Role::Body, s.heading.as_str(), r)));
                }
            }
        }
    }
    if let Some(sig) = &rep.signature {
        out.extend(sig.organ.iter().map(|o| (Role::Signature, "落款", o)));
    }
    out
}

/// One error per character no face of its role can draw, at its place.
pub fn check(res: &Resolved, fonts: &FontSet) -> Diagnostics {
    let mut out: Diagnostics = Vec::new();
    for (role, place, t) in printed(res) {
        for (i, ch) in t.value.chars().enumerate() {
            if ch.is_whitespace() || crate::report::text::is_invisible(ch) {
                continue;
            }
            if fonts.glyph(role, ch).is_some() {
                continue;
            }
            // exact for text written on one line; the line is right in any case
            let pos = if t.value.contains('\n') || !t.pos.is_known() {
                t.pos
            } else {
                Pos::new(t.pos.line, t.pos.col + i as u32)
            };
            let d = Diagnostic::error(
                "missing-glyph",
                format!(
                    "字符“{ch}”（U+{:04X}，{place}）没有可用的字体能显示，无法生成",
                    ch as u32
                ),
            )
            .at(pos)
            .in_file(res.report.path.as_deref())
            .with_hint("请改用常用字（生僻字可改写或加注），或用 --font-dir 提供含有这个字的字体");
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}
