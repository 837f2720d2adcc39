//! The SVG backend (issue 20: the editor's preview shows the pages as the PDF prints them): the same
//! pages as the PDF, well-formed SVG an A4 page wide, every outlined glyph placed once, each line's
//! text as the PDF's text layer reads it, deterministic, and the report's text only ever escaped.

#[path = "common/long_report.rs"]
mod long_report;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gongkai::backend::{pdf, svg};
use gongkai::doc::Document;
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::readback;
use gongkai::style::{Style, PT_PER_MM};
use gongkai::typeset::{self, Page};
use quick_xml::events::Event;

fn style() -> Style {
    Style::builtin("gbt9704").expect("built-in style")
}

fn fonts() -> FontSet {
    FontSet::load(&style(), &FontOptions::bundled()).expect("bundled fonts")
}

fn sample_text(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    std::fs::read_to_string(path).expect("sample")
}

/// A report's YAML text → its document (load, resolve, checks passed, compose).
fn document(yaml: &str) -> Document {
    let rep = gongkai::report::load_str(yaml, None).unwrap_or_else(|d| panic!("{d:?}"));
    let res = gongkai::check::resolve(rep).unwrap_or_else(|d| panic!("{d:?}"));
    let errors: Vec<_> = gongkai::check::run(&res, None)
        .into_iter()
        .filter(|d| d.severity == gongkai::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    gongkai::compose::compose(&res)
}

/// The 2021 sample with 36 more paragraphs before 表三, so that 表三 starts low on a page and
/// crosses pages (the long report of tests/pdf.rs).
fn long_report() -> Document {
    let mut doc = document(&sample_text("qinghe-2021.yaml"));
    long_report::lengthen(&mut doc);
    doc
}

/// The documents every test reads: both samples, the long report, and the suite's stress report
/// (Latin, digits, URLs and spaces mixed into the Chinese).
fn documents() -> Vec<(&'static str, Document)> {
    let stress = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/docx/stress.yaml"),
    )
    .expect("stress report");
    vec![
        ("liwang-2020", document(&sample_text("liwang-2020.yaml"))),
        ("qinghe-2021", document(&sample_text("qinghe-2021.yaml"))),
        ("long", long_report()),
        ("stress", document(&stress)),
    ]
}

fn pages(doc: &Document, fonts: &FontSet) -> Vec<Page> {
    typeset::layout(doc, &style(), fonts)
        .unwrap_or_else(|d| panic!("{d:?}"))
        .pages
}

/// The PDF written from the same pages, read back by the project's own reader.
fn pdf_read(pages: &[Page], fonts: &FontSet) -> readback::pdf::PdfText {
    let bytes =
        pdf::write(pages, fonts, &pdf::PdfMeta::default()).unwrap_or_else(|d| panic!("{d:?}"));
    readback::pdf::read(&bytes).expect("the PDF reads back")
}

/// What an SVG document holds, read with quick-xml (which fails on anything not well-formed).
#[derive(Debug, Default)]
struct Parsed {
    root: BTreeMap<String, String>,
    /// Every element's name, in document order.
    elements: Vec<String>,
    /// `<path id>` in `<defs>`.
    defined: Vec<String>,
    /// `<use href>` targets.
    used: Vec<String>,
    /// Where each `<use>` stands: its group's `matrix(a b c d e f)` and its own x.
    placed: Vec<([f64; 6], f64)>,
    /// `aria-label` of every `<g>` that has one, unescaped.
    labels: Vec<String>,
}

fn parse(svg: &str) -> Parsed {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out = Parsed::default();
    let mut depth = 0usize;
    // the transform of each open element (`None`: it has none)
    let mut transforms: Vec<Option<[f64; 6]>> = Vec::new();
    loop {
        let ev = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth -= 1;
                transforms.pop();
                continue;
            }
            Event::Eof => break,
            Event::Text(t) => {
                assert!(
                    t.iter().all(u8::is_ascii_whitespace),
                    "stray text in the SVG"
                );
                continue;
            }
            other => panic!("unexpected {other:?}"),
        };
        let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8 name");
        let attrs: BTreeMap<String, String> = e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                let k = String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key");
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .expect("attribute value")
                    .into_owned();
                (k, v)
            })
            .collect();
        if depth == 0 {
            assert_eq!(name, "svg", "root element");
            out.root = attrs.clone();
        }
        match name.as_str() {
            "path" => out.defined.push(attrs["id"].clone()),
            "use" => {
                out.used.push(attrs["href"].clone());
                let m = transforms
                    .iter()
                    .rev()
                    .find_map(|t| *t)
                    .expect("a <use> inside a transformed group");
                let x = attrs.get("x").map_or(0.0, |x| x.parse().expect("x"));
                out.placed.push((m, x));
            }
            "g" => out.labels.extend(attrs.get("aria-label").cloned()),
            _ => {}
        }
        out.elements.push(name);
        if !empty {
            depth += 1;
            transforms.push(attrs.get("transform").map(|t| matrix(t)));
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    out
}

/// `matrix(a b c d e f)` → its six numbers.
fn matrix(t: &str) -> [f64; 6] {
    let inner = t
        .strip_prefix("matrix(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a matrix: {t}"));
    let v: Vec<f64> = inner
        .split(' ')
        .map(|n| n.parse().expect("a number"))
        .collect();
    v.try_into().expect("six numbers")
}

/// The number of glyphs on the page (text and marks) whose face has an outline for them, counted
/// with ttf-parser directly.
fn outlined_glyphs(page: &Page, fonts: &FontSet) -> (usize, BTreeSet<(usize, u16)>) {
    struct Nothing;
    impl ttf_parser::OutlineBuilder for Nothing {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
    let mut count = 0;
    let mut distinct = BTreeSet::new();
    for run in page.runs.iter().chain(&page.marks) {
        let f = fonts.face(run.face);
        let face = ttf_parser::Face::parse(f.data(), f.index).expect("face parses");
        for g in &run.glyphs {
            if face
                .outline_glyph(ttf_parser::GlyphId(g.gid), &mut Nothing)
                .is_some()
            {
                count += 1;
                distinct.insert((run.face.0, g.gid));
            }
        }
    }
    (count, distinct)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn one_well_formed_a4_svg_per_pdf_page_with_every_outlined_glyph_placed_once_per_use() {
    let fonts = fonts();
    for (name, doc) in documents() {
        let pages = pages(&doc, &fonts);
        let svgs = svg::write(&pages, &fonts);
        let pdf = pdf_read(&pages, &fonts);
        assert_eq!(
            svgs.len(),
            pdf.pages.len(),
            "{name}: SVG pages vs PDF pages"
        );
        assert!(svgs.len() >= 2, "{name}: {} pages", svgs.len());
        for (i, (s, page)) in svgs.iter().zip(&pages).enumerate() {
            let at = format!("{name} page {}", i + 1);
            let p = parse(s);
            // A4 in pt as the viewBox, in mm as the size
            let vb: Vec<f64> = p.root["viewBox"]
                .split(' ')
                .map(|v| v.parse().expect("a number"))
                .collect();
            assert_eq!(vb.len(), 4, "{at}");
            assert_eq!((vb[0], vb[1]), (0.0, 0.0), "{at}");
            assert!((vb[2] - 210.0 * PT_PER_MM).abs() < 0.01, "{at}: {vb:?}");
            assert!((vb[3] - 297.0 * PT_PER_MM).abs() < 0.01, "{at}: {vb:?}");
            assert!(
                (vb[2] - pdf.pages[i].width).abs() < 0.01
                    && (vb[3] - pdf.pages[i].height).abs() < 0.01,
                "{at}: the PDF's MediaBox"
            );
            assert_eq!(p.root["width"], "210mm", "{at}");
            assert_eq!(p.root["height"], "297mm", "{at}");
            assert_eq!(p.root["role"], "img", "{at}");
            assert_eq!(p.root["aria-label"], format!("第 {} 页", i + 1), "{at}");
            // one <use> per glyph with an outline, one definition per distinct face+glyph
            let (count, distinct) = outlined_glyphs(page, &fonts);
            assert!(count > 0, "{at}: no glyphs");
            assert_eq!(p.used.len(), count, "{at}: <use> elements");
            let defined: BTreeSet<&String> = p.defined.iter().collect();
            assert_eq!(
                defined.len(),
                p.defined.len(),
                "{at}: a glyph defined twice"
            );
            assert_eq!(defined.len(), distinct.len(), "{at}: definitions");
            for u in &p.used {
                let id = u.strip_prefix('#').expect("a local reference");
                assert!(defined.contains(&id.to_string()), "{at}: {u} undefined");
            }
            // every rule drawn, on a white page
            let lines = p.elements.iter().filter(|e| *e == "line").count();
            assert_eq!(lines, page.rules.len(), "{at}: rules");
            assert!(s.contains(r##"fill="#fff""##), "{at}: white page");
        }
    }
}

#[test]
fn every_glyph_stands_where_the_pdf_draws_it() {
    let fonts = fonts();
    for (name, doc) in documents() {
        let pages = pages(&doc, &fonts);
        let svgs = svg::write(&pages, &fonts);
        let pdf = pdf_read(&pages, &fonts);
        for (i, s) in svgs.iter().enumerate() {
            let at = format!("{name} page {}", i + 1);
            let p = parse(s);
            // each <use>: baseline origin and size in pt, from its group's matrix and the face's em
            let mut ours: Vec<(f64, f64, f64)> = p
                .used
                .iter()
                .zip(&p.placed)
                .map(|(href, &([a, b, c, d, e, f], x))| {
                    assert_eq!((b, c), (0.0, 0.0), "{at}: {href} is not upright");
                    assert_eq!(d, -a, "{at}: {href} is not flipped to y-down");
                    let face: usize = href
                        .strip_prefix("#f")
                        .and_then(|h| h.split('g').next())
                        .and_then(|f| f.parse().ok())
                        .expect("f<face>g<glyph>");
                    let ff = fonts.face(gongkai::fonts::FaceId(face));
                    let em = ttf_parser::Face::parse(ff.data(), ff.index)
                        .expect("face")
                        .units_per_em();
                    (e + a * x, f, a * f64::from(em))
                })
                .collect();
            // the PDF's glyphs that have ink (spaces have none)
            let mut theirs: Vec<(f64, f64, f64)> = pdf.pages[i]
                .glyphs
                .iter()
                .filter(|g| !g.text.trim().is_empty())
                .map(|g| (g.x, g.y, g.size))
                .collect();
            let order = |v: &mut Vec<(f64, f64, f64)>| {
                v.sort_by(|a, b| {
                    (a.1 * 10.0)
                        .round()
                        .total_cmp(&(b.1 * 10.0).round())
                        .then(a.0.total_cmp(&b.0))
                })
            };
            order(&mut ours);
            order(&mut theirs);
            assert_eq!(ours.len(), theirs.len(), "{at}");
            for (o, t) in ours.iter().zip(&theirs) {
                let close = (o.0 - t.0).abs() < 0.02 && (o.1 - t.1).abs() < 0.02;
                assert!(close && (o.2 - t.2).abs() < 0.01, "{at}: {o:?} vs {t:?}");
            }
        }
    }
}

#[test]
fn page_lines_read_as_the_pdf_text_layer_and_label_the_svg() {
    let fonts = fonts();
    for (name, doc) in documents() {
        let pages = pages(&doc, &fonts);
        let svgs = svg::write(&pages, &fonts);
        let pdf = pdf_read(&pages, &fonts);
        for (i, page) in pages.iter().enumerate() {
            let at = format!("{name} page {}", i + 1);
            let ours = svg::page_lines(page);
            let read = readback::lines::lines(i, &pdf.pages[i]);
            // the readback drops spaces and keeps the pieces of a line apart as runs; joined with
            // one space they are what page_lines gives (whose spaces are the PDF's own space
            // glyphs or one between two pieces)
            let theirs: Vec<String> = read
                .iter()
                .map(|l| {
                    l.runs
                        .iter()
                        .map(|r| r.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            assert_eq!(ours.len(), theirs.len(), "{at}:\n{ours:#?}\n{theirs:#?}");
            for (o, t) in ours.iter().zip(&theirs) {
                assert_eq!(squash(o), squash(t), "{at}");
                // every piece the readback keeps apart (a table cell) is set apart by a space:
                // our words, joined in order, make up its pieces one after the other (a piece may
                // hold more words where the page has a space glyph of its own)
                let mut words = o.split(' ').filter(|w| !w.is_empty());
                for piece in t.split(' ') {
                    let mut got = String::new();
                    while got.len() < piece.len() {
                        got.push_str(
                            words
                                .next()
                                .unwrap_or_else(|| panic!("{at}: {o:?} vs {t:?}")),
                        );
                    }
                    assert_eq!(got, piece, "{at}: {o:?} vs {t:?}");
                }
                assert_eq!(words.next(), None, "{at}: {o:?} vs {t:?}");
            }
            // the SVG labels each line with its text
            assert_eq!(parse(&svgs[i]).labels, ours, "{at}");
        }
        // page 1 opens with the title (over one or more lines)
        let first = svg::page_lines(&pages[0]);
        let title = squash(&doc.title);
        let mut head = String::new();
        for l in &first {
            if head.len() >= title.len() {
                break;
            }
            head.push_str(&squash(l));
        }
        assert_eq!(head, title, "{name}: {first:?}");
    }
}

#[test]
fn table_cells_on_one_baseline_are_read_apart() {
    let fonts = fonts();
    let doc = document(&sample_text("qinghe-2021.yaml"));
    let pages = pages(&doc, &fonts);
    let lines: Vec<String> = pages.iter().flat_map(svg::page_lines).collect();
    // 表三's first row: its label, then the six kinds of applicant and the 总计, each its own cell
    let row = lines
        .iter()
        .find(|l| l.starts_with("一、本年新收政府信息公开申请数量"))
        .unwrap_or_else(|| panic!("no row 一 of 表三: {lines:#?}"));
    let cells: Vec<&str> = row.split(' ').collect();
    assert_eq!(
        cells,
        [
            "一、本年新收政府信息公开申请数量",
            "21",
            "3",
            "0",
            "1",
            "2",
            "0",
            "27"
        ],
        "{row:?}"
    );
}

#[test]
fn the_same_pages_give_the_same_strings() {
    let fonts = fonts();
    let doc = document(&sample_text("qinghe-2021.yaml"));
    let a = svg::write(&pages(&doc, &fonts), &fonts);
    let b = svg::write(&pages(&doc, &fonts), &fonts);
    assert_eq!(a, b);
    // from fonts loaded afresh too
    let c = svg::write(&pages(&doc, &fonts), &self::fonts());
    assert_eq!(a, c);
    for s in &a {
        assert!(
            !s.contains("-0 ") && !s.contains("\"-0\""),
            "a -0 in the SVG"
        );
        assert!(
            !s.contains("NaN") && !s.contains("inf"),
            "a non-number in the SVG"
        );
    }
}

#[test]
fn a_forced_render_marks_every_page_in_grey() {
    let fonts = fonts();
    let doc = document(&sample_text("liwang-2020.yaml"));
    let mut pages = pages(&doc, &fonts);
    let plain = svg::write(&pages, &fonts);
    assert!(plain.iter().all(|s| !s.contains(r##"fill="#999""##)));
    typeset::mark_pages(&mut pages, gongkai::FORCED_MARK, &style(), &fonts)
        .unwrap_or_else(|d| panic!("{d:?}"));
    for (page, s) in pages.iter().zip(svg::write(&pages, &fonts)) {
        assert!(s.contains(r##"<g fill="#999""##), "page {}", page.number);
        let lines = svg::page_lines(page);
        // the mark is in the top margin: the first line read
        assert_eq!(lines[0], gongkai::FORCED_MARK, "page {}", page.number);
        assert_eq!(parse(&s).labels, lines);
    }
}

#[test]
fn an_organ_written_as_a_script_tag_appears_only_escaped() {
    let fonts = fonts();
    let evil = "<script>alert(1)</script>";
    let yaml = sample_text("qinghe-2021.yaml").replace("青禾县自然资源局", &format!("'{evil}'"));
    let doc = document(&yaml);
    let pages = pages(&doc, &fonts);
    let svgs = svg::write(&pages, &fonts);
    let all = svgs.concat();
    assert!(!all.contains("<script"), "raw script tag in the SVG");
    assert!(!all.contains("alert(1)</"), "raw end tag in the SVG");
    assert!(
        all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the organ is not in any label"
    );
    // read as XML, it is text of a label, never an element
    let p = parse(&svgs[0]);
    assert!(!p.elements.iter().any(|e| e == "script"));
    assert!(p.labels.iter().any(|l| l.contains(evil)), "{:?}", p.labels);
}
