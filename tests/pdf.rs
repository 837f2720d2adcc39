//! The PDF path end to end (issue 3): samples and a generated long report through compose →
//! typeset → pdf, measured by the shared GB/T 9704 checker, poppler/PDFium, and pdftotext.

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

/// The checkers' python (from ../shared/tools/setup.sh), if installed.
fn tools_python() -> Option<PathBuf> {
    let venv = std::env::var_os("GONGKAI_TOOLS_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/gongkai-tools/venv"))
        })?;
    let py = venv.join("bin/python");
    let tools = tools_dir();
    (py.exists() && tools.join("gbt9704_check.py").exists()).then_some(py)
}

fn tools_dir() -> PathBuf {
    std::env::var_os("GONGKAI_TOOLS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"),
        PathBuf::from,
    )
}

fn write_tmp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write pdf");
    p
}

/// Runs both checkers on a PDF; skipped (with a notice) when the tools are not installed.
fn run_checkers(pdf: &Path) {
    let Some(py) = tools_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have the checkers (.ci/run runs ../shared/tools/setup.sh)"
        );
        eprintln!("notice: checker venv not found (run ../shared/tools/setup.sh); GB/T 9704 check skipped");
        return;
    };
    let out = Command::new(&py)
        .arg(tools_dir().join("gbt9704_check.py"))
        .arg(pdf)
        .output()
        .expect("run checker");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("15 passed, 0 failed"),
        "{}:\n{text}",
        pdf.display()
    );
    let out = Command::new(&py)
        .arg(tools_dir().join("renderers_check.py"))
        .arg(pdf)
        .output()
        .expect("run renderers check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" 0 differ"), "{}:\n{text}", pdf.display());
}

/// The text of a PDF without whitespace and without its page-number lines ("— N —").
fn pdftotext(pdf: &Path, layout: bool) -> Option<String> {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(pdf).arg("-").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let kept: Vec<&str> = text.lines().filter(|l| !is_page_number(l)).collect();
    Some(
        kept.concat()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    )
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
        match (pdftotext(&path, false), pdftotext(&path, true)) {
            (Some(plain), Some(layout)) => assert_reading_order(&doc, &plain, &layout),
            _ => {
                assert!(std::env::var_os("CI").is_none(), "CI must have pdftotext");
                eprintln!("notice: pdftotext not installed; reading-order check skipped")
            }
        }
    }
}

/// A sample with 36 more paragraphs before 表三, so that 表三 starts low on a page and crosses pages.
fn long_report() -> Document {
    let mut doc = sample("qinghe-2021.yaml");
    let at = doc
        .blocks
        .iter()
        .position(
            |b| matches!(b, Block::Heading { level: 1, text, .. } if text.starts_with("三、")),
        )
        .expect("section 三");
    let base = "全年通过县政府门户网站、局政务公开专栏和政务新媒体主动公开政府信息412条，其中规范性文件3件、行政许可结果356条。国土空间规划、征地信息、矿业权出让等重点领域信息做到应公开尽公开（第";
    for i in 0..36 {
        let text = format!(
            "{base}{}段），“征地信息公开”栏目全年更新{}次……",
            i + 1,
            10 + i * 7
        );
        let text: String = text.chars().take(40 + (i * 13) % 90).collect::<String>() + "。";
        doc.blocks.insert(
            at,
            Block::Paragraph {
                runs: vec![Run {
                    role: Role::Body,
                    text,
                }],
                origin: Origin {
                    place: format!("长报告第 {i} 段"),
                    line: 0,
                },
            },
        );
    }
    doc
}

#[test]
fn long_report_passes_the_checker() {
    let fonts = fonts();
    let doc = long_report();
    let (pages, bytes) = render(&doc, &fonts);
    assert!(pages.len() >= 8, "{} pages", pages.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_tmp(&dir, "long.pdf", &bytes);
    run_checkers(&path);
    if let (Some(plain), Some(layout)) = (pdftotext(&path, false), pdftotext(&path, true)) {
        assert_reading_order(&doc, &plain, &layout);
    }
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

#[test]
fn output_is_deterministic_and_dated_only_with_an_epoch() {
    let fonts = fonts();
    let doc = sample("liwang-2020.yaml");
    let (_, a) = render(&doc, &fonts);
    let (_, b) = render(&doc, &fonts);
    assert!(a == b, "two renders differ");
    let find = |hay: &[u8], n: &[u8]| hay.windows(n.len()).any(|w| w == n);
    assert!(
        !find(&a, b"/CreationDate"),
        "no date without SOURCE_DATE_EPOCH"
    );
    let pages = typeset(&doc, &style(), &fonts).expect("typeset");
    let dated = pdf::write(
        &pages,
        &fonts,
        &PdfMeta {
            title: doc.title.clone(),
            author: doc.author.clone(),
            epoch: Some(1_700_000_000),
        },
    )
    .expect("pdf");
    assert!(
        find(&dated, b"/CreationDate") && find(&dated, b"2023"),
        "epoch date written"
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

/// Every (face, glyph) the pages place.
fn placed(pages: &[Page]) -> std::collections::BTreeMap<gongkai::fonts::FaceId, Vec<u16>> {
    let mut out: std::collections::BTreeMap<_, Vec<u16>> = Default::default();
    for p in pages {
        for r in &p.runs {
            out.entry(r.face)
                .or_default()
                .extend(r.glyphs.iter().map(|g| g.gid));
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    out
}

#[test]
fn the_glyphs_known_before_layout_cover_every_glyph_placed() {
    // one report's font subsets are made while its pages are laid out, from these glyphs: a
    // glyph they miss would send the PDF back to subsetting after the layout (slower)
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = vec![
        root.join("samples/liwang-2020.yaml"),
        root.join("samples/qinghe-2021.yaml"),
    ];
    inputs.extend(
        std::fs::read_dir(root.join("tests/suite/docx"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    for style_id in ["gbt9704", "notice-board"] {
        let style = Style::builtin(style_id).unwrap();
        let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap();
        for input in &inputs {
            let doc = gongkai::compose::compose(&gongkai::load(input).unwrap());
            let pages = typeset(&doc, &style, &fonts).unwrap();
            let needed = gongkai::typeset::glyphs_needed(&doc, &style, &fonts);
            for (face, gids) in placed(&pages) {
                let have = needed.get(&face).map(Vec::as_slice).unwrap_or_default();
                for g in gids {
                    assert!(
                        have.binary_search(&g).is_ok(),
                        "{} ({style_id}): glyph {g} of face {face:?} placed but not foreseen",
                        input.display()
                    );
                }
            }
        }
    }
}

#[test]
fn subsets_made_ahead_give_the_same_pdf_or_are_set_aside() {
    let fonts = fonts();
    let doc = sample("qinghe-2021.yaml");
    let pages = typeset(&doc, &style(), &fonts).unwrap();
    let meta = PdfMeta {
        title: doc.title.clone(),
        author: doc.author.clone(),
        epoch: None,
    };
    let plain = pdf::write(&pages, &fonts, &meta).unwrap();
    let ahead = |needed: std::collections::BTreeMap<_, Vec<u16>>| {
        std::thread::scope(|s| {
            let a = pdf::FontsAhead::start(s, move || needed, &fonts);
            pdf::write_ahead(&pages, &fonts, &meta, Some(a)).unwrap()
        })
    };
    // exactly the glyphs placed: the same file
    assert!(ahead(placed(&pages)) == plain, "same glyphs, other bytes");
    // a glyph short: set aside, the subsets are made after the layout, the same file
    let mut short = placed(&pages);
    short.values_mut().next().unwrap().pop();
    assert!(ahead(short) == plain, "incomplete subsets were used");
    // more glyphs than placed (digits a report lacks): other subsets, the same text
    let mut more = placed(&pages);
    let gids = more.values_mut().next().unwrap();
    let extra = (1..2000u16)
        .find(|g| gids.binary_search(g).is_err())
        .unwrap();
    gids.push(extra);
    gids.sort_unstable();
    let wider = ahead(more);
    assert!(wider != plain, "the subsets made ahead were not used");
    let dir = tempfile::tempdir().unwrap();
    let a = write_tmp(&dir, "plain.pdf", &plain);
    let b = write_tmp(&dir, "wider.pdf", &wider);
    if let (Some(ta), Some(tb)) = (pdftotext(&a, false), pdftotext(&b, false)) {
        assert_eq!(ta, tb);
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must not skip: pdftotext"
        );
    }
}
