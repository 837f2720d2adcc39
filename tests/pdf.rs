//! The PDF path end to end (issue 3): samples and a generated long report through compose →
//! typeset → pdf, measured by the shared GB/T 9704 checker, poppler/PDFium, and pdftotext.

#[path = "common/long_report.rs"]
mod long_report;

use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::backend::pdf::{self, PdfMeta};
use gongkai::doc::{Block, Cell, CellKind, Document, GridEntry, Origin, Role, Run, Table};
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;
use gongkai::typeset::{typeset, Page};

fn style() -> Style {
    Style::builtin("gbt9704").expect("built-in style")
}

fn fonts() -> FontSet {
    FontSet::load(&style(), &FontOptions::bundled()).expect("bundled fonts")
}

fn sample(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let res = gongkai::load(&path).unwrap_or_else(|d| panic!("{d:?}"));
    gongkai::compose::compose(&res)
}

fn render(doc: &Document, fonts: &FontSet) -> (Vec<Page>, Vec<u8>) {
    let pages = typeset(doc, &style(), fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let bytes = pdf::write(
        &pages,
        fonts,
        &PdfMeta {
            title: doc.title.clone(),
            author: doc.author.clone(),
            epoch: None,
        },
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    (pages, bytes)
}

/// The checkers' folder and python, from `GONGKAI_TOOLS` and `GONGKAI_PY` (`.ci/run` sets both).
fn tools() -> (PathBuf, PathBuf) {
    let dir = std::env::var_os("GONGKAI_TOOLS").map(PathBuf::from).expect(
        "external test: set GONGKAI_TOOLS to the folder with gbt9704_check.py (see .ci/run)",
    );
    let py = std::env::var_os("GONGKAI_PY").map(PathBuf::from).expect(
        "external test: set GONGKAI_PY to a python with pdfplumber and pypdfium2 (see .ci/run)",
    );
    assert!(
        dir.join("gbt9704_check.py").exists(),
        "GONGKAI_TOOLS={}: no gbt9704_check.py there",
        dir.display()
    );
    (dir, py)
}

fn write_tmp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write pdf");
    p
}

/// Runs both checkers on a PDF: every GB/T 9704 check passes, both renderers agree.
fn run_checkers(pdf: &Path) {
    let (dir, py) = tools();
    let out = Command::new(&py)
        .arg(dir.join("gbt9704_check.py"))
        .arg(pdf)
        .output()
        .expect("run gbt9704_check.py");
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last == "gbt9704: 15 passed, 0 failed",
        "{}:\n{text}",
        pdf.display()
    );
    let out = Command::new(&py)
        .arg(dir.join("renderers_check.py"))
        .arg(pdf)
        .output()
        .expect("run renderers_check.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" 0 differ"), "{}:\n{text}", pdf.display());
}

/// The text of a PDF (poppler's `pdftotext`) without whitespace and without its page-number
/// lines ("— N —").
fn pdftotext(pdf: &Path, layout: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("external test: needs poppler's pdftotext on PATH");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let kept: Vec<&str> = text.lines().filter(|l| !is_page_number(l)).collect();
    kept.concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn is_page_number(line: &str) -> bool {
    let t = squash(line);
    t.len() > 6
        && t.starts_with('—')
        && t.ends_with('—')
        && t.trim_matches('—').chars().all(|c| c.is_ascii_digit())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Where `want` ends when read as a subsequence of `text` from byte `from`.
fn subsequence_end(text: &str, from: usize, want: &str) -> Option<usize> {
    let mut it = text[from..].char_indices();
    let mut end = from;
    for w in want.chars() {
        let (i, c) = it.find(|(_, c)| *c == w)?;
        end = from + i + c.len_utf8();
    }
    Some(end)
}

/// Every heading and paragraph appears whole and in order (poppler's plain text); every table row's
/// labels and numbers appear in order (poppler's layout text, which keeps a table row on one line).
fn assert_reading_order(doc: &Document, plain: &str, layout: &str) {
    let mut at = 0;
    let mut tat = 0;
    for b in &doc.blocks {
        let whole = match b {
            Block::Title { parts } => Some(parts.concat()),
            Block::Heading { text, .. } => Some(text.clone()),
            Block::Paragraph { runs, .. } => Some(runs.iter().map(|r| r.text.as_str()).collect()),
            Block::Signature { organ, date } => Some(format!("{organ}{date}")),
            Block::Table(t) => {
                // a wrapped row label interleaves with its row's numbers: each cell is read in order
                // from the row's start, and the next row starts after this row's labels
                let text = layout;
                for row in t.grid.iter().skip(t.header_rows) {
                    let row_at = tat;
                    let mut next = tat;
                    for e in row {
                        let GridEntry::Cell(c) = e else { continue };
                        if c.rowspan != 1 {
                            continue;
                        }
                        let end =
                            subsequence_end(text, row_at, &squash(&c.text)).unwrap_or_else(|| {
                                panic!(
                                    "table {} cell “{}” not found in order after byte {row_at}",
                                    t.name, c.text
                                )
                            });
                        if matches!(c.kind, CellKind::Label | CellKind::Caption) || next == row_at {
                            next = next.max(end);
                        }
                    }
                    tat = next;
                }
                None
            }
        };
        if let Some(w) = whole {
            let w = squash(&w);
            match plain[at..].find(&w) {
                Some(i) => at += i + w.len(),
                None => panic!("“{w}” not found in order after byte {at}"),
            }
        }
    }
}

#[test]
#[ignore = "external: needs GONGKAI_TOOLS, GONGKAI_PY (pdfplumber, pypdfium2) and poppler"]
fn samples_pass_the_gbt9704_checker_and_read_in_order() {
    let fonts = fonts();
    let dir = tempfile::tempdir().expect("tempdir");
    // mixed.yaml: digits, web addresses and Latin words; its last page is filled by loosening
    // paragraphs and its signature opens a page
    for name in [
        "liwang-2020.yaml",
        "qinghe-2021.yaml",
        "../tests/suite/docx/mixed.yaml",
    ] {
        let doc = sample(name);
        let (pages, bytes) = render(&doc, &fonts);
        let name = name.rsplit('/').next().unwrap_or(name);
        assert!(pages.len() >= 3, "{name}: {} pages", pages.len());
        let path = write_tmp(&dir, &name.replace(".yaml", ".pdf"), &bytes);
        run_checkers(&path);
        assert_reading_order(&doc, &pdftotext(&path, false), &pdftotext(&path, true));
    }
}

/// A sample with 36 more paragraphs before 表三, so that 表三 starts low on a page and crosses pages.
fn long_report() -> Document {
    let mut doc = sample("qinghe-2021.yaml");
    long_report::lengthen(&mut doc);
    doc
}

#[test]
#[ignore = "external: needs GONGKAI_TOOLS, GONGKAI_PY (pdfplumber, pypdfium2) and poppler"]
fn long_report_passes_the_checker() {
    let fonts = fonts();
    let doc = long_report();
    let (pages, bytes) = render(&doc, &fonts);
    assert!(pages.len() >= 8, "{} pages", pages.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_tmp(&dir, "long.pdf", &bytes);
    run_checkers(&path);
    assert_reading_order(&doc, &pdftotext(&path, false), &pdftotext(&path, true));
}

fn page_text(p: &Page) -> String {
    let mut runs: Vec<_> = p.runs.iter().collect();
    runs.sort_by(|a, b| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(a.glyphs[0].x.total_cmp(&b.glyphs[0].x))
    });
    runs.iter()
        .flat_map(|r| r.glyphs.iter().map(|g| g.ch))
        .collect()
}

fn cell(text: &str, kind: CellKind) -> GridEntry {
    GridEntry::Cell(Cell {
        text: text.into(),
        colspan: 1,
        rowspan: 1,
        kind,
        origin: Origin {
            place: format!("测表“{text}”"),
            line: 0,
        },
    })
}

#[test]
fn table_header_rows_repeat_after_a_page_break_and_rows_stay_whole() {
    let mut grid = vec![vec![
        cell("项目名称", CellKind::Header),
        cell("数量甲", CellKind::Header),
        cell("数量乙", CellKind::Header),
    ]];
    for i in 0..70 {
        grid.push(vec![
            cell(&format!("第{i}行的名称"), CellKind::Label),
            cell(&format!("{}", i * 3), CellKind::Number),
            cell(&format!("{}", i * 5), CellKind::Number),
        ]);
    }
    let doc = Document {
        title: "测试".into(),
        author: "测试机关".into(),
        year: 2021,
        blocks: vec![
            Block::Title {
                parts: vec!["测试机关".into(), "2021年政府信息公开工作年度报告".into()],
            },
            Block::Heading {
                level: 1,
                text: "一、表格".into(),
                origin: Origin::default(),
            },
            Block::Table(Table {
                name: "测表".into(),
                columns: 3,
                header_rows: 1,
                grid,
            }),
        ],
    };
    let fonts = fonts();
    let (pages, _) = render(&doc, &fonts);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let st = style();
    let bottom = st.page.margin_top_mm * gongkai::style::PT_PER_MM + st.type_height_pt();
    for p in &pages {
        let t = page_text(p);
        // the header row opens every page of the table
        assert!(t.contains("项目名称数量甲数量乙"), "page {}: {t}", p.number);
        // no rule below the type area (rows are never split past it)
        assert!(
            p.rules.iter().all(|r| r.y0.max(r.y1) <= bottom + 0.01),
            "page {}",
            p.number
        );
    }
    // every row appears exactly once across the pages
    let all: String = pages.iter().map(page_text).collect();
    for i in 0..70 {
        assert_eq!(all.matches(&format!("第{i}行的名称")).count(), 1, "row {i}");
    }
}

#[test]
fn missing_glyph_is_an_error_naming_the_character_and_place() {
    let mut doc = sample("qinghe-2021.yaml");
    doc.blocks.push(Block::Paragraph {
        runs: vec![Run {
            role: Role::Body,
            text: "附：\u{1F600}".into(),
        }],
        origin: Origin {
            place: "六、其他需要报告的事项 第 9 项".into(),
            line: 40,
        },
    });
    let err = typeset(&doc, &style(), &fonts()).expect_err("no face draws U+1F600");
    assert!(
        err.iter().any(|d| d.message.contains("U+1F600")
            && d.message.contains("六、其他需要报告的事项 第 9 项")),
        "{err:?}"
    );
}

/// For each page whose table goes on at the top of the next page: how far its last rule stays above
/// the type area's bottom, pt.
fn gaps_before_table_continuations(pages: &[Page], st: &Style) -> Vec<(usize, f64)> {
    let top = st.page.margin_top_mm * gongkai::style::PT_PER_MM;
    let bottom = top + st.type_height_pt();
    let lowest_rule = |p: &Page| p.rules.iter().map(|r| r.y0.max(r.y1)).fold(0.0, f64::max);
    let lowest_text = |p: &Page| {
        p.runs
            .iter()
            .map(|r| r.baseline)
            .filter(|b| *b < bottom)
            .fold(0.0, f64::max)
    };
    let opens_with_table = |p: &Page| {
        p.rules
            .iter()
            .any(|r| (r.y0 - top).abs() < 0.5 && (r.y1 - top).abs() < 0.5)
    };
    pages
        .windows(2)
        .filter(|w| lowest_rule(&w[0]) > lowest_text(&w[0]) && opens_with_table(&w[1]))
        .map(|w| (w[0].number, bottom - lowest_rule(&w[0])))
        .collect()
}

#[test]
fn a_table_fills_its_page_before_it_goes_on() {
    let fonts = fonts();
    for id in ["gbt9704", "notice-board"] {
        let st = Style::builtin(id).expect("style");
        let docs = [
            ("liwang-2020", sample("liwang-2020.yaml")),
            ("qinghe-2021", sample("qinghe-2021.yaml")),
            ("long", long_report()),
        ];
        for (name, doc) in docs {
            let pages = typeset(&doc, &st, &fonts).unwrap_or_else(|d| panic!("{d:?}"));
            let gaps = gaps_before_table_continuations(&pages, &st);
            assert!(!gaps.is_empty(), "{id} {name}: 表三 crosses a page");
            // more than three body lines left empty above a continuation is a hole in the page
            let most = 3.0 * st.line_pitch_pt();
            for (page, gap) in gaps {
                assert!(
                    gap <= most,
                    "{id} {name}: page {page} ends {gap:.1} pt above the type area's bottom"
                );
            }
        }
    }
}

#[test]
fn a_cut_row_group_draws_its_labels_again_and_fills_the_page() {
    // one outer label beside 40 rows, two inner labels beside 20 each: taller than a page
    let m = |row, col| GridEntry::Merged { row, col };
    let span = |text: &str, rowspan| {
        GridEntry::Cell(Cell {
            text: text.into(),
            colspan: 1,
            rowspan,
            kind: CellKind::Label,
            origin: Origin::default(),
        })
    };
    let mut grid = vec![vec![
        GridEntry::Cell(Cell {
            text: "项目".into(),
            colspan: 3,
            rowspan: 1,
            kind: CellKind::Header,
            origin: Origin::default(),
        }),
        m(0, 0),
        m(0, 0),
        cell("数量", CellKind::Header),
    ]];
    for i in 0..40 {
        let r = i + 1;
        grid.push(vec![
            if i == 0 {
                span("外层标签", 40)
            } else {
                m(1, 0)
            },
            match i {
                0 => span("内层甲", 20),
                20 => span("内层乙", 20),
                _ => m(if i < 20 { 1 } else { 21 }, 1),
            },
            cell(&format!("{r}.第{r}项"), CellKind::Label),
            cell(&format!("{}", r * 7), CellKind::Number),
        ]);
    }
    let mut blocks = vec![Block::Title {
        parts: vec!["测试机关".into(), "2021年政府信息公开工作年度报告".into()],
    }];
    for i in 0..5 {
        blocks.push(Block::Paragraph {
            runs: vec![Run {
                role: Role::Body,
                text: format!("第{i}段正文，占去一些行，让表格从页面中部开始并且跨页继续排下去。"),
            }],
            origin: Origin::default(),
        });
    }
    blocks.push(Block::Table(Table {
        name: "测表".into(),
        columns: 4,
        header_rows: 1,
        grid,
    }));
    let doc = Document {
        title: "测试".into(),
        author: "测试机关".into(),
        year: 2021,
        blocks,
    };
    let st = style();
    let pages = typeset(&doc, &st, &fonts()).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let gaps = gaps_before_table_continuations(&pages, &st);
    assert!(!gaps.is_empty());
    for (page, gap) in gaps {
        // rows are about 21 pt: a filled page leaves less than one row
        assert!(gap < 25.0, "page {page} ends {gap:.1} pt short");
    }
    let mut rows_seen = 0;
    for p in &pages {
        let t = page_text(p);
        if !t.contains("项目数量") {
            continue;
        }
        // every page of the table repeats the header and draws the outer label again
        assert!(t.contains("项目数量"), "page {}: {t}", p.number);
        let glyphs: String = p
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.ch))
            .collect();
        for ch in "外层标签".chars() {
            assert!(glyphs.contains(ch), "page {}: {ch} missing", p.number);
        }
        assert!(glyphs.contains("内层"), "page {}", p.number);
        rows_seen += (1..=40)
            .filter(|r| t.contains(&format!("{r}.第{r}项")))
            .count();
    }
    // every row exactly once, none split
    assert_eq!(rows_seen, 40);
}

/// A written PDF read back with lopdf, as a viewer would read it.
struct ReadBack {
    doc: lopdf::Document,
}

impl ReadBack {
    fn new(bytes: &[u8]) -> ReadBack {
        ReadBack {
            doc: lopdf::Document::load_mem(bytes).expect("the PDF parses"),
        }
    }

    fn pages(&self) -> Vec<lopdf::ObjectId> {
        self.doc.get_pages().into_values().collect()
    }

    fn dict<'a>(&'a self, o: &'a lopdf::Object) -> &'a lopdf::Dictionary {
        self.doc
            .dereference(o)
            .and_then(|(_, o)| o.as_dict())
            .expect("a dictionary")
    }

    /// The page's media box, from the page or the page tree above it.
    fn media_box(&self, page: lopdf::ObjectId) -> Vec<f32> {
        let mut d = self.doc.get_dictionary(page).expect("page");
        loop {
            if let Ok(b) = d.get(b"MediaBox") {
                let b = self.doc.dereference(b).expect("box").1;
                return b
                    .as_array()
                    .expect("an array")
                    .iter()
                    .map(|n| n.as_float().expect("a number"))
                    .collect();
            }
            d = self.dict(d.get(b"Parent").expect("a media box or a parent"));
        }
    }

    /// Page `n`'s text (1-based) through the fonts' ToUnicode maps, without whitespace.
    fn text(&self, n: u32) -> String {
        squash(&self.doc.extract_text(&[n]).expect("text extracts"))
    }

    /// The document information dictionary.
    fn info(&self) -> &lopdf::Dictionary {
        self.dict(self.doc.trailer.get(b"Info").expect("/Info"))
    }
}

/// The text of table `name` of the document.
fn table<'a>(doc: &'a Document, name: &str) -> &'a Table {
    doc.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) if t.name == name => Some(t),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name} in the document"))
}

#[test]
fn samples_read_back_as_a4_pages_with_subset_fonts_title_and_numbers() {
    let fonts = fonts();
    let face_bytes = fonts.faces().iter().map(|f| f.data().len()).min().unwrap();
    for name in ["liwang-2020.yaml", "qinghe-2021.yaml"] {
        let doc = sample(name);
        let (pages, bytes) = render(&doc, &fonts);
        let pdf = ReadBack::new(&bytes);
        let ids = pdf.pages();
        assert_eq!(ids.len(), pages.len(), "{name}: page count");
        for (i, id) in ids.iter().enumerate() {
            // A4: 210 × 297 mm
            let b = pdf.media_box(*id);
            assert!(
                b.len() == 4
                    && b[0].abs() < 0.01
                    && b[1].abs() < 0.01
                    && (b[2] - 595.28).abs() < 0.1
                    && (b[3] - 841.89).abs() < 0.1,
                "{name} page {}: media box {b:?}",
                i + 1
            );
            // every font: a subset (tag "ABCDEF+", far smaller than the face) of a CID font,
            // embedded, with a ToUnicode map
            let used = pdf.doc.get_page_fonts(*id).expect("page fonts");
            assert!(!used.is_empty(), "{name} page {}: no fonts", i + 1);
            for font in used.values() {
                let base = font.get(b"BaseFont").and_then(|n| n.as_name()).unwrap();
                let base = String::from_utf8_lossy(base);
                let tag = base.split('+').next().unwrap();
                assert!(
                    tag.len() == 6 && tag.bytes().all(|c| c.is_ascii_uppercase()),
                    "{name}: {base} is not named as a subset"
                );
                assert_eq!(font.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
                let cmap = font
                    .get_deref(b"ToUnicode", &pdf.doc)
                    .and_then(|o| o.as_stream());
                let cmap = cmap.unwrap_or_else(|_| panic!("{name}: {base} has no ToUnicode"));
                let cmap = cmap.decompressed_content().unwrap_or(cmap.content.clone());
                assert!(
                    String::from_utf8_lossy(&cmap).contains("beginbfchar")
                        || String::from_utf8_lossy(&cmap).contains("beginbfrange"),
                    "{name}: {base}'s ToUnicode maps nothing"
                );
                let cid = font.get(b"DescendantFonts").unwrap().as_array().unwrap();
                let descriptor = pdf
                    .dict(pdf.dict(&cid[0]).get(b"FontDescriptor").unwrap())
                    .clone();
                let file = [&b"FontFile2"[..], b"FontFile3"]
                    .iter()
                    .find_map(|k| descriptor.get_deref(k, &pdf.doc).ok())
                    .unwrap_or_else(|| panic!("{name}: {base} is not embedded"))
                    .as_stream()
                    .unwrap();
                let program = file.decompressed_content().unwrap_or(file.content.clone());
                assert!(
                    program.len() * 10 < face_bytes,
                    "{name}: {base} embeds {} bytes, not a subset",
                    program.len()
                );
            }
        }
        // page 1 opens with the title
        let title: String = match &doc.blocks[0] {
            Block::Title { parts } => squash(&parts.concat()),
            b => panic!("{name}: the document opens with {b:?}"),
        };
        assert!(
            pdf.text(1).contains(&title),
            "{name}: page 1 lacks “{title}”: {}",
            pdf.text(1)
        );
        // the numbers of 表三 are all there, in order
        let all: String = (1..=ids.len() as u32).map(|n| pdf.text(n)).collect();
        let t = table(&doc, "表三");
        // from the table's first row label on
        let first = t
            .grid
            .iter()
            .flatten()
            .find_map(|e| match e {
                GridEntry::Cell(c) if c.kind == CellKind::Label => Some(squash(&c.text)),
                _ => None,
            })
            .expect("a row label");
        let mut at = all
            .find(&first)
            .unwrap_or_else(|| panic!("{name}: 表三's “{first}” not found"));
        let mut numbers = 0;
        for e in t.grid.iter().flatten() {
            let GridEntry::Cell(c) = e else { continue };
            if c.kind != CellKind::Number {
                continue;
            }
            let want = squash(&c.text);
            match all[at..].find(&want) {
                Some(i) => at += i + want.len(),
                None => panic!(
                    "{name}: 表三's “{want}” ({}) not found in order",
                    c.origin.place
                ),
            }
            numbers += 1;
        }
        assert!(numbers >= 20, "{name}: only {numbers} numbers in 表三");
    }
}

#[test]
fn the_same_pages_give_the_same_bytes_and_only_an_epoch_adds_a_date() {
    let fonts = fonts();
    let doc = sample("liwang-2020.yaml");
    let (_, a) = render(&doc, &fonts);
    let (_, b) = render(&doc, &fonts);
    assert!(a == b, "two renders differ");
    let info = ReadBack::new(&a).info().clone();
    for key in [&b"CreationDate"[..], b"ModDate"] {
        assert!(
            info.get(key).is_err(),
            "{} written without SOURCE_DATE_EPOCH",
            String::from_utf8_lossy(key)
        );
    }
    let find = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w == n);
    assert!(
        !find(&a, b"CreateDate"),
        "an XMP date without SOURCE_DATE_EPOCH"
    );
    let pages = typeset(&doc, &style(), &fonts).expect("typeset");
    let meta = PdfMeta {
        title: doc.title.clone(),
        author: doc.author.clone(),
        epoch: Some(1_700_000_000),
    };
    let dated = pdf::write(&pages, &fonts, &meta).expect("pdf");
    assert!(dated == pdf::write(&pages, &fonts, &meta).expect("pdf"));
    let read = ReadBack::new(&dated);
    let date = read.info().get(b"CreationDate").expect("a creation date");
    // 1 700 000 000 s after 1970 is 2023-11-14 22:13:20 UTC
    let date = String::from_utf8_lossy(date.as_str().expect("a string"));
    assert!(date.starts_with("D:20231114221320"), "{date}");
    // the title and author are the report's
    let title = read.info().get(b"Title").expect("a title");
    let title = lopdf::decode_text_string(title).expect("text");
    assert_eq!(title, doc.title);
}
