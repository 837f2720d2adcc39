//! The 28-character grid (issue 17) and line breaking in linear time (issue 15 item 6), read from
//! the typeset pages as a reviewer reads the PDF: where each glyph sits and how far the next one is.

#[path = "common/long_report.rs"]
mod long_report;

use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::doc::{Block, Document, Origin, Role, Run};
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;
use gongkai::typeset::{typeset, Page, PlacedGlyph};

const MIDLINE_PUNCT: &str = "，、；：。？！";
/// May not start a line (closing marks).
const NO_LINE_START: &str = "、，。．：；！？”’）》〉」』】〗〕］｝";
/// May not end a line (opening marks).
const NO_LINE_END: &str = "“‘（《〈「『【〖〔［｛";

fn style() -> Style {
    Style::builtin("gbt9704").expect("built-in style")
}

fn fonts() -> FontSet {
    FontSet::load(&style(), &FontOptions::bundled()).expect("bundled fonts")
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn doc_of_yaml(text: &str) -> Document {
    let rep = gongkai::report::load_str(text, None).unwrap_or_else(|d| panic!("{d:?}"));
    let res = gongkai::check::resolve(rep).unwrap_or_else(|d| panic!("{d:?}"));
    gongkai::compose::compose(&res)
}

fn sample(rel: &str) -> Document {
    let res = gongkai::load(&repo(rel)).unwrap_or_else(|d| panic!("{d:?}"));
    gongkai::compose::compose(&res)
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        runs: vec![Run {
            role: Role::Body,
            text: text.to_string(),
        }],
        origin: Origin {
            place: "测试段".into(),
            line: 0,
        },
    }
}

/// A report of ~10 pages: the qinghe sample with 36 paragraphs of varied length before 三、.
fn long_report() -> Document {
    let mut doc = sample("samples/qinghe-2021.yaml");
    long_report::lengthen(&mut doc);
    doc
}

/// Reports like the property test's: random text of CJK, Latin and punctuation (a fixed seed).
fn random_reports() -> Vec<Document> {
    let alphabet: Vec<char> =
        "政府信息公开工作年度报告严格按照县委规定主动申请处理abcXYZ，。、“”（）《》 "
            .chars()
            .collect();
    let base = std::fs::read_to_string(repo("samples/qinghe-2021.yaml")).expect("sample");
    let mut seed: u64 = 0x9704_2012;
    (0..4)
        .map(|_| {
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as usize
            };
            let paras: Vec<String> = (0..6)
                .map(|_| {
                    let len = 20 + next() % 280;
                    let t: String = (0..len)
                        .map(|_| alphabet[next() % alphabet.len()])
                        .collect();
                    // a paragraph does not start with a closing mark nor end with an opening one
                    // (the checker would see a line breaking 禁则 that no layout can avoid)
                    let t = t
                        .trim_start_matches(|c: char| c == ' ' || NO_LINE_START.contains(c))
                        .trim_end_matches(|c: char| c == ' ' || NO_LINE_END.contains(c));
                    format!("  - \"{}\"\n", if t.is_empty() { "空" } else { t })
                })
                .collect();
            let yaml = base.replacen("overview:", &format!("overview:\n{}", paras.concat()), 1);
            doc_of_yaml(&yaml)
        })
        .collect()
}

/// The documents every grid property is checked on.
fn corpus() -> Vec<(String, Document)> {
    let mut out: Vec<(String, Document)> = [
        "samples/liwang-2020.yaml",
        "samples/qinghe-2021.yaml",
        "tests/suite/docx/mixed.yaml",
    ]
    .iter()
    .map(|p| (p.to_string(), sample(p)))
    .collect();
    out.push(("long report".into(), long_report()));
    for (i, d) in random_reports().into_iter().enumerate() {
        out.push((format!("random report {i}"), d));
    }
    out
}

/// The text lines of a page at body size (16 pt), top to bottom: glyphs left to right.
fn body_lines(page: &Page) -> Vec<Vec<PlacedGlyph>> {
    let mut lines: Vec<(f64, Vec<PlacedGlyph>)> = Vec::new();
    for run in page.runs.iter().filter(|r| (r.size - 16.0).abs() < 0.01) {
        match lines
            .iter_mut()
            .find(|(b, _)| (b - run.baseline).abs() < 0.5)
        {
            Some((_, gs)) => gs.extend(&run.glyphs),
            None => lines.push((run.baseline, run.glyphs.clone())),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines
        .into_iter()
        .map(|(_, mut gs)| {
            gs.sort_by(|a, b| a.x.total_cmp(&b.x));
            gs
        })
        .collect()
}

#[test]
fn mid_line_punctuation_keeps_its_em() {
    let fonts = fonts();
    for (name, doc) in corpus() {
        let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
        let (mut n, mut narrow) = (0, Vec::new());
        for p in &pages {
            for line in body_lines(p) {
                for w in line.windows(2) {
                    if MIDLINE_PUNCT.contains(w[0].ch) && is_han(w[1].ch) {
                        n += 1;
                        let em = (w[1].x - w[0].x) / w[0].size;
                        if em < 0.75 {
                            narrow
                                .push(format!("p{} “{}{}” {em:.2} em", p.number, w[0].ch, w[1].ch));
                        }
                    }
                }
            }
        }
        assert!(n > 20, "{name}: only {n} marks");
        assert!(
            narrow.is_empty(),
            "{name}: {} of {n} narrower: {narrow:?}",
            narrow.len()
        );
    }
}

/// Lines of Han text (Han characters and full-width marks) hold 28 cells: every character in its
/// cell (a mark whose blank half is squeezed in half a cell), never squeezed, spaced out only by
/// less than what went down to the next line (it did not fit).
#[test]
fn han_lines_hold_28_cells() {
    let fonts = fonts();
    let st = style();
    let (left, pitch) = (st.page.margin_left_mm * 72.0 / 25.4, st.char_pitch_pt());
    let right = left + st.type_width_pt();
    let (mut lines_seen, mut on_grid, mut loosened) = (0, 0, 0);
    for (name, doc) in corpus() {
        let pages = typeset(&doc, &st, &fonts).unwrap_or_else(|d| panic!("{d:?}"));
        for p in &pages {
            let lines = body_lines(p);
            for (i, line) in lines.iter().enumerate() {
                let fullwidth = |c: char| is_han(c) || "，、；：。？！“”‘’（）《》".contains(c);
                if line.len() < 10 || !line.iter().all(|g| fullwidth(g.ch)) {
                    continue;
                }
                let last = line[line.len() - 1];
                if last.x + pitch < right - 0.5 * pitch {
                    continue; // a paragraph's last line, flush left
                }
                lines_seen += 1;
                if std::env::var_os("DBG").is_some() {
                    let t: String = line.iter().map(|g| g.ch).collect();
                    let adv: Vec<String> = line
                        .windows(2)
                        .map(|w| format!("{:.2}", (w[1].x - w[0].x) / pitch))
                        .collect();
                    eprintln!("{t} {}", adv.join(" "));
                }
                // each gap's spacing beyond its cell or half cell
                let spread: f64 = line
                    .windows(2)
                    .map(|w| {
                        let adv = w[1].x - w[0].x;
                        let cell = if adv < 0.75 * pitch {
                            0.5 * pitch
                        } else {
                            pitch
                        };
                        adv - cell
                    })
                    .sum();
                let text: String = line.iter().map(|g| g.ch).collect();
                assert!(
                    spread > -0.05,
                    "{name} p{}: squeezed {spread:.2} pt: {text}",
                    p.number
                );
                // the line could not take what went down: a character with the mark after it, an
                // opening mark with the character after it (禁则), or a Latin word or number
                let next = &lines.get(i + 1).map_or(&[][..], |l| &l[..]);
                let piece = match next {
                    [] => 0.0,
                    [g, ..] if !fullwidth(g.ch) => {
                        let end = next.iter().find(|g| fullwidth(g.ch)).map_or(right, |g| g.x);
                        end - g.x
                    }
                    [g, ..] if NO_LINE_END.contains(g.ch) => 2.0 * pitch,
                    [_, h, ..] if NO_LINE_START.contains(h.ch) => 1.5 * pitch,
                    _ => pitch,
                };
                if spread < 0.05 {
                    on_grid += 1;
                } else if spread > piece + 0.05 {
                    // a page that would end short sets its last paragraphs looser (flow.rs:
                    // at most 4 cells a line)
                    loosened += 1;
                    assert!(
                        spread < piece + 4.0 * pitch + 0.05,
                        "{name} p{}: spaced out by {:.2} cells though {:.2} went down: {text}",
                        p.number,
                        spread / pitch,
                        piece / pitch
                    );
                }
            }
        }
    }
    eprintln!("{lines_seen} lines of Han text, {on_grid} on the grid, {loosened} loosened");
    assert!(lines_seen > 50, "{lines_seen} lines of Han text");
    assert!(
        loosened * 10 < lines_seen,
        "{loosened} of {lines_seen} spaced out"
    );
    assert!(
        on_grid * 2 > lines_seen,
        "only {on_grid} of {lines_seen} lines on the grid"
    );
}

/// The title lines (22 pt) of page 1 and their widths.
fn title_lines(pages: &[Page]) -> Vec<(String, f64)> {
    let mut out: Vec<(f64, String, f64, f64)> = Vec::new();
    for r in pages[0].runs.iter().filter(|r| r.size > 20.0) {
        let (x0, x1) = (r.glyphs[0].x, r.glyphs[r.glyphs.len() - 1].x + r.size);
        let t: String = r.glyphs.iter().map(|g| g.ch).collect();
        match out.iter_mut().find(|l| (l.0 - r.baseline).abs() < 0.5) {
            Some(l) => {
                l.1.push_str(&t);
                l.2 = l.2.min(x0);
                l.3 = l.3.max(x1);
            }
            None => out.push((r.baseline, t, x0, x1)),
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|l| (l.1, l.3 - l.2)).collect()
}

fn with_organ(organ: &str) -> Document {
    let base = std::fs::read_to_string(repo("samples/qinghe-2021.yaml")).expect("sample");
    doc_of_yaml(&base.replacen("organ: 青禾县自然资源局", &format!("organ: {organ}"), 1))
}

#[test]
fn the_title_breaks_between_words_and_balances_its_lines() {
    let fonts = fonts();
    // the organ in one line, the year and the rest on the next: never “…规划/局”
    let doc = with_organ("青石县自然资源和规划局（青石县林业局）");
    let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let t = title_lines(&pages);
    let texts: Vec<&str> = t.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        texts,
        [
            "青石县自然资源和规划局（青石县林业局）",
            "2021年政府信息公开工作年度报告"
        ]
    );
    // a short organ: two balanced lines rather than one short and one long
    let doc = with_organ("青禾县自然资源局");
    let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let t = title_lines(&pages);
    let texts: Vec<&str> = t.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        texts,
        ["青禾县自然资源局2021年", "政府信息公开工作年度报告"]
    );
    assert!((t[0].1 - t[1].1).abs() < 2.0 * 22.0, "{t:?}");
    // a long organ breaks between its units
    let doc = with_organ("青石县自然资源和规划局（青石县林业局、青石县草原工作站）");
    let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let t = title_lines(&pages);
    let words = [
        "青石县",
        "自然资源和规划局",
        "（青石县",
        "林业局、",
        "青石县",
        "草原工作站）",
        "2021年",
        "政府信息公开",
        "工作",
        "年度报告",
    ];
    let mut ends = Vec::new();
    let mut at = String::new();
    for w in words {
        at.push_str(w);
        ends.push(at.clone());
    }
    let mut read = String::new();
    for (line, _) in &t[..t.len() - 1] {
        read.push_str(line);
        assert!(
            ends.contains(&read),
            "breaks mid-word after “{read}”: {t:?}"
        );
    }
    assert_eq!(t.len(), 3, "{t:?}");
    let widths: Vec<f64> = t.iter().map(|l| l.1).collect();
    let (lo, hi) = widths
        .iter()
        .fold((f64::MAX, 0.0f64), |(a, b), &w| (a.min(w), b.max(w)));
    assert!(lo > 0.6 * hi, "unbalanced: {t:?}");
}

#[test]
fn a_line_before_a_web_address_is_not_spaced_out() {
    let fonts = fonts();
    let st = style();
    let (left, pitch) = (st.page.margin_left_mm * 72.0 / 25.4, st.char_pitch_pt());
    let right = left + st.type_width_pt();
    let mut doc = sample("samples/qinghe-2021.yaml");
    let url = "本报告电子版可在青石县人民政府门户网站（https://www.qingshi.gov.cn/zwgk/xxgkml/zfxxgkndbg/2021/t20220115_12345.html）下载。";
    let long = "本报告电子版可在网盘下载，提取码ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz，请妥善保存。";
    doc.blocks.insert(1, paragraph(url));
    doc.blocks.insert(2, paragraph(long));
    let pages = typeset(&doc, &st, &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let lines = body_lines(&pages[0]);
    let text = |l: &[PlacedGlyph]| l.iter().map(|g| g.ch).collect::<String>();
    let first = lines
        .iter()
        .position(|l| text(l).starts_with("本报告电子版可在青石县"))
        .expect("the address paragraph");
    let l = &lines[first];
    // the address breaks after / . or -: the line is full and evenly set
    let last = l[l.len() - 1];
    assert!(matches!(last.ch, '/' | '.' | '-'), "{}", text(l));
    assert!(last.x + 12.0 > right - 8.0, "line is full: {}", text(l));
    for w in l.windows(2).filter(|w| is_han(w[0].ch) && is_han(w[1].ch)) {
        let gap = w[1].x - w[0].x - pitch;
        assert!(
            gap < 0.2 * 16.0,
            "{}: {gap:.2} pt between {}{}",
            text(l),
            w[0].ch,
            w[1].ch
        );
    }
    // a 52-letter code cannot break: the line before it is spaced at most ⅓ em a gap, left short
    let k = lines
        .iter()
        .position(|l| text(l).starts_with("本报告电子版可在网盘"))
        .expect("the code paragraph");
    let l = &lines[k];
    for w in l.windows(2).filter(|w| is_han(w[0].ch) && is_han(w[1].ch)) {
        let gap = w[1].x - w[0].x - pitch;
        assert!(gap <= 16.0 / 3.0 + 0.01, "{}: {gap:.2} pt", text(l));
    }
    assert!(
        text(&lines[k + 1]).starts_with("ABCDEFGHIJ"),
        "{}",
        text(&lines[k + 1])
    );
}

#[test]
fn a_paragraph_without_a_break_opportunity_renders() {
    let fonts = fonts();
    let mut doc = sample("samples/liwang-2020.yaml");
    let digits: String = (0..300_000)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    let url = format!("http://www.example.gov.cn/{}", "a".repeat(50_000));
    let commas = "，".repeat(30_000);
    for t in [&digits, &url, &commas] {
        doc.blocks.insert(1, paragraph(t));
    }
    let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    // the body text, page after page (without page numbers)
    let placed: String = pages
        .iter()
        .flat_map(|p| body_lines(p).into_iter().flatten().map(|g| g.ch))
        .collect();
    for t in [&digits, &url, &commas] {
        assert!(
            placed.contains(t.as_str()),
            "a paragraph of {} characters is not whole",
            t.chars().count()
        );
    }
    let st = style();
    let (left, right) = (
        st.page.margin_left_mm * 72.0 / 25.4,
        st.page.margin_left_mm * 72.0 / 25.4 + st.type_width_pt(),
    );
    for p in &pages {
        for line in body_lines(p) {
            let last = line[line.len() - 1];
            assert!(
                line[0].x >= left - 0.01 && last.x + 8.0 <= right + 0.5,
                "p{}",
                p.number
            );
        }
    }
    let pdf = gongkai::backend::pdf::write(&pages, &fonts, &Default::default())
        .unwrap_or_else(|d| panic!("{d:?}"));
    assert!(pdf.starts_with(b"%PDF"));
}

/// The python and the folder of the shared checkers (CI sets both).
fn checker() -> (PathBuf, PathBuf) {
    let tools = std::env::var_os("GONGKAI_TOOLS")
        .map(PathBuf::from)
        .expect("GONGKAI_TOOLS must name the folder with gbt9704_check.py");
    let py = std::env::var_os("GONGKAI_PY")
        .map(PathBuf::from)
        .expect("GONGKAI_PY must name the python that has pdfplumber");
    (py, tools)
}

#[test]
#[ignore = "external: needs the GB/T 9704 checker (GONGKAI_TOOLS, GONGKAI_PY) and poppler"]
fn every_report_passes_all_15_checks() {
    let (py, tools) = checker();
    let fonts = fonts();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut failed = Vec::new();
    for (i, (name, doc)) in corpus().into_iter().enumerate() {
        let pages = typeset(&doc, &style(), &fonts).unwrap_or_else(|d| panic!("{d:?}"));
        let pdf = gongkai::backend::pdf::write(&pages, &fonts, &Default::default())
            .unwrap_or_else(|d| panic!("{d:?}"));
        let path = dir.path().join(format!("{i}.pdf"));
        std::fs::write(&path, pdf).expect("write pdf");
        let out = Command::new(&py)
            .arg(tools.join("gbt9704_check.py"))
            .arg(&path)
            .output()
            .expect("run gbt9704_check.py");
        let text = String::from_utf8_lossy(&out.stdout);
        if !text.contains("gbt9704: 15 passed, 0 failed") {
            failed.push(format!("{name}:\n{text}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
