//! A document's lines → its parts: page numbers, title (organ and year), lead, the six sections
//! found by their headings, each section's paragraphs and sub-headings, and the tables' numbers.

use std::sync::Arc;

use super::lines::{self, is_page_number, Line};
use super::pdf::PdfText;
use super::tables::{self, ReadTable};
use super::text::{is_heading, norm};
use crate::format::{self, Format};

/// A block of prose as read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadBlock {
    /// A paragraph.
    Para(String),
    /// A sub-heading (（一）…), with the text that runs on after it in the same paragraph.
    Heading {
        /// The heading with its number.
        text: String,
        /// The paragraph's text after it.
        run_in: Option<String>,
    },
}

/// One of the format's sections as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadSection {
    /// Section id (`overview`).
    pub id: String,
    /// 1-based page of its heading, when found.
    pub page: Option<usize>,
    /// Its prose (text sections).
    pub blocks: Vec<ReadBlock>,
}

/// A report read back from a document.
#[derive(Debug, Clone)]
pub struct ReadReport {
    /// The title as printed (its lines joined).
    pub title: String,
    /// 机关名称 from the title.
    pub organ: Option<String>,
    /// Report year from the title.
    pub year: Option<i32>,
    /// The national format of that year (the 2021 one when the year is unknown).
    pub format: Arc<Format>,
    /// Paragraphs between the title and the first heading.
    pub lead: Vec<String>,
    /// The format's sections, in order.
    pub sections: Vec<ReadSection>,
    /// The format's tables, in order.
    pub tables: Vec<ReadTable>,
    /// The signature block's lines (organ, date), when the last lines are set to the right.
    pub signature: Vec<String>,
}

/// Every page's lines in reading order, with the page-number lines taken out.
#[derive(Debug, Clone)]
pub struct Pages {
    /// Body lines, page by page, top to bottom.
    pub body: Vec<Line>,
    /// Page-number lines.
    pub folios: Vec<Line>,
}

/// Splits every page into lines, and the page numbers from the body.
pub fn pages(text: &PdfText) -> Pages {
    let mut body = Vec::new();
    let mut folios = Vec::new();
    for (i, p) in text.pages.iter().enumerate() {
        let ls = lines::lines(i, p);
        let last = ls.len();
        for (k, l) in ls.into_iter().enumerate() {
            // the page number: the last line, in the bottom fifth of the page
            if k + 1 == last && l.y > p.height * 0.8 && is_page_number(&l.text()) {
                folios.push(l);
            } else {
                body.push(l);
            }
        }
    }
    Pages { body, folios }
}

/// Reads the parts of a report from its lines.
pub fn read(text: &PdfText, pages: &Pages) -> ReadReport {
    let body = &pages.body;
    // the title: the top lines of page 1 in its largest size
    let first: Vec<&Line> = body.iter().filter(|l| l.page == 0).collect();
    let biggest = first.iter().map(|l| l.size).fold(0.0, f64::max);
    let title_lines = first.iter().take_while(|l| l.size >= biggest * 0.9).count();
    let title: String = first[..title_lines].iter().map(|l| l.text()).collect();
    let (organ, year) = organ_and_year(&title);
    let format = year
        .and_then(format::for_year)
        .or_else(|| format::by_id("2021"))
        .expect("built-in formats");
    // the headings, each searched after the one before
    let mut at: Vec<Option<usize>> = Vec::new();
    let mut from = title_lines;
    for s in &format.sections {
        let h = norm(&s.heading);
        let found = (from..body.len()).find(|&i| is_heading(&norm(&body[i].text()), &h));
        if let Some(i) = found {
            from = i + 1;
        }
        at.push(found);
    }
    let starts: Vec<usize> = at.iter().flatten().copied().collect();
    let end_of = |i: usize| {
        starts
            .iter()
            .copied()
            .find(|&s| s > i)
            .unwrap_or(body.len())
    };
    let geometry = Geometry::of(body);
    let lead_end = starts.first().copied().unwrap_or(body.len());
    let lead = paragraphs(&body[title_lines.min(lead_end)..lead_end], &geometry)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    let mut sections = Vec::new();
    let mut tables = Vec::new();
    let mut signature = Vec::new();
    for (s, found) in format.sections.iter().zip(&at) {
        let mut sec = ReadSection {
            id: s.id.clone(),
            page: found.map(|i| body[i].page + 1),
            blocks: Vec::new(),
        };
        let region = found.map_or(&body[0..0], |i| &body[i + 1..end_of(i)]);
        match &s.table {
            Some(tid) => {
                let table = format.table(tid).expect("validated format");
                let mut t = tables::read_table(table, region, text);
                t.found = found.is_some();
                tables.push(t);
            }
            None => {
                let mut region = region;
                if s.id == format.sections.last().map_or("", |l| l.id.as_str()) {
                    // the signature: the last lines, set right of the centre
                    let n = region
                        .iter()
                        .rev()
                        .take(3)
                        .take_while(|l| {
                            l.x0() > geometry.left + (geometry.right - geometry.left) * 0.4
                        })
                        .count();
                    signature = region[region.len() - n..].iter().map(Line::text).collect();
                    region = &region[..region.len() - n];
                }
                sec.blocks = paragraphs(region, &geometry)
                    .into_iter()
                    .map(|(t, _)| block(t))
                    .collect();
            }
        }
        sections.push(sec);
    }
    ReadReport {
        title,
        organ,
        year,
        format,
        lead,
        sections,
        tables,
        signature,
    }
}

/// `淮安市人民政府2024年政府信息公开工作年度报告` → (淮安市人民政府, 2024).
pub fn organ_and_year(title: &str) -> (Option<String>, Option<i32>) {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let chars: Vec<char> = t.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let digits = &chars[i..i + 4];
        if digits.iter().all(char::is_ascii_digit) && chars.get(i + 4) == Some(&'年') {
            let year: i32 = digits.iter().collect::<String>().parse().unwrap_or(0);
            let organ: String = chars[..i].iter().collect();
            return ((!organ.is_empty()).then_some(organ), Some(year));
        }
    }
    (None, None)
}

/// The text block's left and right edges (the most common line starts and ends).
struct Geometry {
    left: f64,
    right: f64,
}

impl Geometry {
    fn of(body: &[Line]) -> Geometry {
        let mode = |vals: Vec<f64>| {
            let mut counts: std::collections::BTreeMap<i64, usize> = Default::default();
            for v in vals {
                *counts.entry(v.round() as i64).or_default() += 1;
            }
            counts
                .into_iter()
                .max_by_key(|&(k, n)| (n, -k))
                .map_or(0.0, |(k, _)| k as f64)
        };
        Geometry {
            left: mode(body.iter().map(Line::x0).collect()),
            right: mode(body.iter().map(Line::x1).collect()),
        }
    }
}

/// Lines → paragraphs: a paragraph starts at an indented line, or after a line that stops short.
fn paragraphs(lines: &[Line], g: &Geometry) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut open = false;
    for l in lines {
        let em = l.size.max(1.0);
        let indented = l.x0() > g.left + 1.0 * em;
        let text = l.text();
        if !open || indented {
            out.push((text, l.page + 1));
        } else if let Some(last) = out.last_mut() {
            let joins_words = last.0.ends_with(|c: char| c.is_ascii_alphanumeric())
                && text.starts_with(|c: char| c.is_ascii_alphanumeric());
            if joins_words {
                last.0.push(' ');
            }
            last.0.push_str(&text);
        }
        open = l.x1() >= g.right - 1.0 * em;
    }
    out
}

const SUB_NUMBERS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/// A paragraph → a sub-heading when it opens with （一）…（十）: alone, or run in up to its first 。.
pub fn block(text: String) -> ReadBlock {
    let numbered = text.starts_with('（')
        && !text.starts_with("（）")
        && text
            .chars()
            .skip(1)
            .take_while(|c| *c != '）')
            .all(|c| SUB_NUMBERS.contains(&c))
        && text.contains('）');
    if !numbered {
        return ReadBlock::Para(text);
    }
    match text.find('。') {
        Some(end) if text[..end].chars().count() <= 40 => {
            let (h, rest) = text.split_at(end + '。'.len_utf8());
            ReadBlock::Heading {
                text: h.to_string(),
                run_in: (!rest.is_empty()).then(|| rest.to_string()),
            }
        }
        None if text.chars().count() <= 40 => ReadBlock::Heading { text, run_in: None },
        _ => ReadBlock::Para(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organ_and_year_come_from_a_title_on_two_lines() {
        assert_eq!(
            organ_and_year("淮安市人民政府 2024 年政府信息公开工作年度报告"),
            (Some("淮安市人民政府".into()), Some(2024))
        );
        assert_eq!(organ_and_year("年度报告"), (None, None));
    }

    #[test]
    fn a_run_in_sub_heading_ends_at_its_full_stop() {
        assert_eq!(
            block("（一）主动公开情况。2024 年，市政府".into()),
            ReadBlock::Heading {
                text: "（一）主动公开情况。".into(),
                run_in: Some("2024 年，市政府".into())
            }
        );
        assert_eq!(
            block("（本列数据）".into()),
            ReadBlock::Para("（本列数据）".into())
        );
    }
}
