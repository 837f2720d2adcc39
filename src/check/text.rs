//! The report's text: template placeholders still in it (errors), and a heading written as a body
//! paragraph (a warning).

use super::Resolved;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::report::{placeholder, Block, Located};

/// Every text of the report with the place a message names.
fn texts(res: &Resolved) -> Vec<(String, &Located<String>)> {
    let rep = &res.report;
    let mut out = vec![("机关名称 organ".to_string(), &rep.organ)];
    out.extend(rep.title.iter().map(|t| ("标题 title".to_string(), t)));
    out.extend(rep.lead.iter().map(|t| ("导语".to_string(), t)));
    for s in &res.format.sections {
        for b in res.text(&s.id) {
            match b {
                Block::Para(p) => out.push((format!("“{}”部分", s.heading), p)),
                Block::Heading { text, run_in, .. } => {
                    out.push((format!("“{}”部分的小标题", s.heading), text));
                    out.extend(run_in.iter().map(|r| (format!("“{}”部分", s.heading), r)));
                }
            }
        }
    }
    if let Some(sig) = &rep.signature {
        out.extend(sig.organ.iter().map(|o| ("落款".to_string(), o)));
    }
    out
}

/// Runs the text checks.
pub(super) fn check(res: &Resolved, diags: &mut Diagnostics) {
    let file = res.report.path.as_deref();
    for (place, t) in texts(res) {
        for (ph, col) in placeholder::find(&t.value) {
            placeholder_found(res, &place, t, ph, col, diags);
        }
    }
    for s in &res.format.sections {
        for b in res.text(&s.id) {
            let Block::Para(p) = b else { continue };
            if looks_like_heading(&p.value) {
                diags.push(
                    Diagnostic::warning(
                        "heading-as-paragraph",
                        format!(
                            "“{}”像是小标题，却写成了正文段落，会按正文排版（首行缩进、仿宋）",
                            p.value
                        ),
                    )
                    .at(p.pos)
                    .in_file(file)
                    .with_hint(format!(
                        "小标题请写成“- heading: {}”；若确是正文，请在句末加标点",
                        p.value
                    )),
                );
            }
        }
    }
}

/// A placeholder `ph` at character `col` of `t`: an error naming the place.
fn placeholder_found(
    res: &Resolved,
    place: &str,
    t: &Located<String>,
    ph: &str,
    col: usize,
    diags: &mut Diagnostics,
) {
    let file = res.report.path.as_deref();
    let pos = if t.pos.is_known() && !t.value.contains('\n') {
        // exact for a paragraph written on one line after "- "; the line is right in any case
        Pos::new(t.pos.line, t.pos.col + col as u32)
    } else {
        t.pos
    };
    let d = if ph == placeholder::PARAGRAPH {
        let heading = place.trim_end_matches("部分").trim_matches(['“', '”']);
        let what = res
            .format
            .sections
            .iter()
            .find(|s| s.heading == heading)
            .and_then(|s| s.what.as_deref())
            .unwrap_or("请填写");
        Diagnostic::error(
            "R11",
            format!("“{heading}”部分还没有填写（仍是模板中的“{ph}”）"),
        )
        .with_hint(format!("{what}；确实没有可写“无”"))
    } else {
        Diagnostic::error(
            "placeholder",
            format!("{place}中还有模板中的“{ph}”，会原样印出"),
        )
        .with_hint(format!("请把“{ph}”换成实际内容（连同括号）"))
    };
    diags.push(d.at(pos).in_file(file));
}

/// A short line that starts with a heading number (（一） 一、 1. （1）) and has no closing
/// punctuation: a heading written as a paragraph.
fn looks_like_heading(text: &str) -> bool {
    const CN: &str = "一二三四五六七八九十";
    let t = text.trim();
    if t.chars().count() > 30
        || t.ends_with([
            '。', '！', '？', '；', '：', '…', '.', '!', '?', ';', ':', '，', ',',
        ])
    {
        return false;
    }
    let rest = if let Some(r) = t.strip_prefix(['（', '(']) {
        let n = r
            .chars()
            .take_while(|c| CN.contains(*c) || c.is_ascii_digit())
            .count();
        let after: String = r.chars().skip(n).collect();
        if n == 0 || !after.starts_with(['）', ')']) {
            return false;
        }
        after.chars().skip(1).collect::<String>()
    } else {
        let n = t
            .chars()
            .take_while(|c| CN.contains(*c) || c.is_ascii_digit())
            .count();
        let after: String = t.chars().skip(n).collect();
        let digits = t.starts_with(|c: char| c.is_ascii_digit());
        let sep_ok = if digits {
            after.starts_with(['.', '．', '、']) && !after.starts_with("..")
        } else {
            after.starts_with('、')
        };
        if n == 0 || !sep_ok {
            return false;
        }
        after.chars().skip(1).collect::<String>()
    };
    // a heading has words after its number, and a number like 1.5 is not a heading
    let rest = rest.trim();
    !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::looks_like_heading;

    #[test]
    fn headings_written_as_paragraphs() {
        for h in [
            "（二）依申请公开",
            "(三)政府信息管理",
            "1.主动公开",
            "二、平台建设",
            "（1）网站",
        ] {
            assert!(looks_like_heading(h), "{h}");
        }
        for p in [
            "（二）依申请公开。本年度收到申请 3 件。",
            "2020年，我局认真贯彻落实《条例》",
            "无",
            "1.5 万元",
            "本年度未收取信息处理费。",
        ] {
            assert!(!looks_like_heading(p), "{p}");
        }
    }
}
