//! DOCX backend, read back as a user's Word would: the package, the built-in styles and their
//! outline levels, one spacing per style (none per line), every table value in its cell, fonts a
//! Windows PC has, the page-number fields, no date without SOURCE_DATE_EPOCH.
//!
//! External group (`--include-ignored`; LibreOffice, the checkers in `$GONGKAI_TOOLS`, their
//! python in `$GONGKAI_PY`, the bundled fonts installed): LibreOffice's PDF of each sample's DOCX
//! passes `gbt9704_check.py`, and so does a DOCX edited as a clerk would (paragraph, grid and
//! overlap checks).

use std::io::{Cursor, Read};
use std::path::PathBuf;

use gongkai::backend::docx::geometry::Geometry;
use gongkai::backend::docx::xml::{self, Elem};
use gongkai::backend::docx::{write, DocxOptions};
use gongkai::doc::{Block, Document, GridEntry, Table};
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;

const SAMPLES: [&str; 2] = ["liwang-2020", "qinghe-2021"];

/// Reports rendered through LibreOffice: the samples, and mixed digits, web addresses, quotes and
/// Latin words (`tests/suite/docx/mixed.yaml`), and random mixed text (`stress.yaml`).
const CASES: [&str; 4] = [
    "samples/liwang-2020",
    "samples/qinghe-2021",
    "tests/suite/docx/mixed",
    "tests/suite/docx/stress",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(case: &str) -> Document {
    let path = if case.contains('/') {
        root().join(format!("{case}.yaml"))
    } else {
        root().join(format!("samples/{case}.yaml"))
    };
    gongkai::compose::compose(&gongkai::load(&path).expect("report loads"))
}

fn stem(case: &str) -> &str {
    case.rsplit('/').next().unwrap_or(case)
}

fn style() -> Style {
    Style::builtin("gbt9704").expect("built-in style")
}

/// The DOCX as `gongkai render` writes it (tables with the PDF's columns, laid out with the
/// bundled fonts).
fn docx_with(d: &Document, bundled: bool, epoch: Option<i64>) -> Vec<u8> {
    let fonts = FontSet::load(&style(), &FontOptions::bundled()).expect("bundled fonts");
    let l = gongkai::typeset::layout(d, &style(), &fonts).expect("typeset");
    let opts = DocxOptions {
        bundled_font_names: bundled,
        epoch,
    };
    write(d, &style(), &l.docx_geometry(), &opts).expect("docx written")
}

fn docx(case: &str, bundled: bool) -> Vec<u8> {
    docx_with(&load(case), bundled, None)
}

fn entries(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut v = Vec::new();
            f.read_to_end(&mut v).expect("entry reads");
            (f.name().to_string(), f.compression(), v)
        })
        .collect()
}

fn part_text(bytes: &[u8], name: &str) -> String {
    let (_, _, v) = entries(bytes)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(v).expect("UTF-8")
}

fn part(bytes: &[u8], name: &str) -> Elem {
    xml::parse(part_text(bytes, name).as_bytes()).expect("well-formed XML")
}

fn attr<'a>(e: &'a Elem, child: &str, key: &str) -> Option<&'a str> {
    e.find(child).and_then(|c| c.get_attr(key))
}

/// The paragraph's style id.
fn p_style(p: &Elem) -> Option<&str> {
    p.find("w:pPr").and_then(|x| attr(x, "w:pStyle", "w:val"))
}

/// The style element with this id.
fn style_el<'a>(styles: &'a Elem, id: &str) -> &'a Elem {
    styles
        .descendants("w:style")
        .into_iter()
        .find(|s| s.get_attr("w:styleId") == Some(id))
        .unwrap_or_else(|| panic!("style {id} missing"))
}

#[test]
fn package_is_deterministic_deflated_and_dated_only_with_an_epoch() {
    let d = load("qinghe-2021");
    let a = docx_with(&d, false, None);
    // another report written on the same thread in between changes nothing
    docx("liwang-2020", true);
    assert_eq!(a, docx_with(&d, false, None), "same input, same bytes");
    let names: Vec<String> = entries(&a).into_iter().map(|(n, _, _)| n).collect();
    assert_eq!(names[0], "[Content_Types].xml");
    for n in ["word/document.xml", "word/styles.xml", "word/footer1.xml"] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    for (n, m, _) in entries(&a) {
        assert_eq!(m, zip::CompressionMethod::Deflated, "{n} not deflated");
    }
    let core = part(&a, "docProps/core.xml");
    assert_eq!(core.find("dc:title").map(Elem::text), Some(d.title.clone()));
    assert_eq!(
        core.find("dc:creator").map(Elem::text),
        Some(d.author.clone())
    );
    // no date is written without SOURCE_DATE_EPOCH (issue 16 item 13)
    assert!(core.find("dcterms:created").is_none(), "{core:?}");
    assert!(core.find("dcterms:modified").is_none());
    let dated = part(
        &docx_with(&d, false, Some(1_650_000_000)),
        "docProps/core.xml",
    );
    assert_eq!(
        dated.find("dcterms:created").map(Elem::text).as_deref(),
        Some("2022-04-15T05:20:00Z")
    );
}

#[test]
fn property_elements_are_in_schema_order_where_word_reads_them() {
    for s in SAMPLES {
        let d = docx(s, false);
        for p in [
            "word/document.xml",
            "word/styles.xml",
            "word/footer1.xml",
            "word/footer2.xml",
            "word/fontTable.xml",
            "word/settings.xml",
        ] {
            xml::check_schema_order(&part(&d, p)).unwrap_or_else(|e| panic!("{s} {p}: {e}"));
        }
        // the orders docx-rs gets wrong, spelled out
        let styles = part(&d, "word/styles.xml");
        let normal = style_el(&styles, "Normal");
        let names: Vec<&str> = normal.elems().map(|e| e.name.as_str()).collect();
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(
            pos("w:name") < pos("w:pPr") && pos("w:pPr") < pos("w:rPr"),
            "{names:?}"
        );
        let rpr: Vec<&str> = normal
            .find("w:rPr")
            .unwrap()
            .elems()
            .map(|e| e.name.as_str())
            .collect();
        let at = |n: &str| rpr.iter().position(|x| *x == n).unwrap();
        assert!(
            at("w:rFonts") < at("w:spacing") && at("w:spacing") < at("w:sz"),
            "{rpr:?}"
        );
        let body = part(&d, "word/document.xml");
        let sect = body.descendants("w:sectPr")[0];
        let names: Vec<&str> = sect.elems().map(|e| e.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"w:footerReference"), "{names:?}");
        assert_eq!(names.last(), Some(&"w:docGrid"), "{names:?}");
    }
}

/// Word's built-in styles, so Word and WPS show their localised names and the navigation pane,
/// outline view and table of contents find the headings.
#[test]
fn built_in_styles_with_outline_levels_carry_the_recipe() {
    let d = docx("liwang-2020", false);
    let styles = part(&d, "word/styles.xml");
    let normal = style_el(&styles, "Normal");
    assert_eq!(normal.get_attr("w:default"), Some("1"));
    assert_eq!(attr(normal, "w:name", "w:val"), Some("Normal"));
    assert_eq!(
        attr(style_el(&styles, "Title"), "w:name", "w:val"),
        Some("Title")
    );
    for level in 1..=3 {
        let h = style_el(&styles, &format!("Heading{level}"));
        assert_eq!(
            attr(h, "w:name", "w:val"),
            Some(format!("heading {level}").as_str())
        );
        let ppr = h.find("w:pPr").expect("heading pPr");
        assert_eq!(
            attr(ppr, "w:outlineLvl", "w:val"),
            Some((level - 1).to_string().as_str())
        );
        assert!(
            ppr.find("w:keepNext").is_some(),
            "heading {level} kept with next"
        );
    }
    // only table text and the signature have styles of their own
    let custom: Vec<&str> = styles
        .descendants("w:style")
        .iter()
        .filter_map(|s| s.get_attr("w:styleId"))
        .filter(|id| {
            !["Normal", "Title", "Header", "Footer"].contains(id) && !id.starts_with("Heading")
        })
        .collect();
    assert_eq!(custom, ["GkTableText", "GkSignature"]);
    // the body's recipe (docx-in-libreoffice.md) lives in Normal
    let ppr = normal.find("w:pPr").unwrap();
    let sp = ppr.find("w:spacing").unwrap();
    assert_eq!(
        (sp.get_attr("w:line"), sp.get_attr("w:lineRule")),
        (Some("579"), Some("exact"))
    );
    let ind = ppr.find("w:ind").unwrap();
    assert_eq!(ind.get_attr("w:firstLine"), Some("640"));
    assert_eq!(ind.get_attr("w:firstLineChars"), Some("200"));
    assert_eq!(attr(ppr, "w:kinsoku", "w:val"), Some("1"));
    assert_eq!(attr(ppr, "w:jc", "w:val"), Some("both"));
    let rpr = normal.find("w:rPr").unwrap();
    assert_eq!(attr(rpr, "w:spacing", "w:val"), Some("-5"));
    assert_eq!(attr(rpr, "w:sz", "w:val"), Some("32"));
    // styles that clear the indent clear the character indent too (Word prefers it)
    let title_ind = style_el(&styles, "Title")
        .find("w:pPr")
        .unwrap()
        .find("w:ind")
        .unwrap();
    assert_eq!(title_ind.get_attr("w:firstLineChars"), Some("0"));
    // the headings and body paragraphs use them
    let body = part(&d, "word/document.xml");
    let signed = part(&docx("qinghe-2021", false), "word/document.xml");
    let used: Vec<&str> = [&body, &signed]
        .iter()
        .flat_map(|b| b.descendants("w:p"))
        .filter_map(p_style)
        .collect();
    for id in [
        "Title",
        "Heading1",
        "Heading2",
        "Normal",
        "GkTableText",
        "GkSignature",
    ] {
        assert!(used.contains(&id), "{id} unused");
    }
    let defaults = styles.descendants("w:docDefaults")[0];
    assert_eq!(
        defaults.descendants("w:lang")[0].get_attr("w:eastAsia"),
        Some("zh-CN")
    );
}

/// Spacing lives in the styles: runs say none of their own, except that one paragraph that would
/// end with a character alone may carry one value on all its runs.
#[test]
fn no_per_line_character_spacing() {
    for case in CASES {
        let d = docx(case, false);
        let body = part(&d, "word/document.xml");
        let mut condensed = 0;
        let paragraphs = body.descendants("w:p");
        for p in &paragraphs {
            let values: Vec<Option<&str>> = p
                .elems()
                .filter(|r| r.name == "w:r" && !r.text().is_empty())
                .map(|r| r.find("w:rPr").and_then(|x| attr(x, "w:spacing", "w:val")))
                .collect();
            let first = values.first().copied().flatten();
            assert!(
                values.iter().all(|v| *v == first),
                "{case}: one spacing per paragraph, got {values:?} in {:?}",
                p.text()
            );
            if let Some(v) = first {
                condensed += 1;
                let v: i32 = v.parse().unwrap();
                assert!((-24..-5).contains(&v), "{case}: condensed by {v}");
            }
        }
        assert!(
            condensed * 10 <= paragraphs.len(),
            "{case}: {condensed} of {} paragraphs condensed",
            paragraphs.len()
        );
    }
}

/// The text of every grid position of a Word table: a cell spanning columns covers them, a
/// vertically merged cell covers the rows below it that continue the merge.
fn word_grid(tbl: &Elem) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for tr in tbl.elems().filter(|e| e.name == "w:tr") {
        let mut row = Vec::new();
        for tc in tr.elems().filter(|e| e.name == "w:tc") {
            let pr = tc.find("w:tcPr").expect("tcPr");
            let span: usize = attr(pr, "w:gridSpan", "w:val").map_or(1, |v| v.parse().unwrap());
            let merge = pr
                .find("w:vMerge")
                .map(|v| v.get_attr("w:val").unwrap_or("continue"));
            let text = if merge == Some("continue") {
                let above = out.last().expect("a row above a continued merge");
                above[row.len()].clone()
            } else {
                tc.text()
            };
            for _ in 0..span {
                row.push(text.clone());
            }
        }
        out.push(row);
    }
    out
}

/// The text each grid position of a document table shows.
fn doc_grid(t: &Table) -> Vec<Vec<String>> {
    t.grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|e| {
                    let (r, c) = match e {
                        GridEntry::Cell(_) => return cell_text(e),
                        GridEntry::Merged { row, col } => (*row, *col),
                    };
                    cell_text(&t.grid[r][c])
                })
                .collect()
        })
        .collect()
}

fn cell_text(e: &GridEntry) -> String {
    match e {
        GridEntry::Cell(c) => c.text.clone(),
        GridEntry::Merged { .. } => panic!("merge into a merge"),
    }
}

fn tables(d: &Document) -> Vec<&Table> {
    d.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn every_table_value_is_in_its_cell_with_header_rows_repeated() {
    for case in CASES {
        let document = load(case);
        let d = docx_with(&document, false, None);
        let body = part(&d, "word/document.xml");
        let tbls = body.descendants("w:tbl");
        let ts = tables(&document);
        assert_eq!(tbls.len(), ts.len(), "{case}: tables");
        for (t, x) in ts.iter().zip(&tbls) {
            let grid = word_grid(x);
            assert_eq!(grid, doc_grid(t), "{case} {}", t.name);
            let cols: Vec<i32> = x
                .find("w:tblGrid")
                .unwrap()
                .elems()
                .map(|g| g.get_attr("w:w").unwrap().parse().unwrap())
                .collect();
            assert_eq!(cols.len(), t.columns);
            assert!(
                (cols.iter().sum::<i32>() - 8844).abs() <= 2,
                "{case}: type width"
            );
            let pr = x.find("w:tblPr").unwrap();
            assert_eq!(attr(pr, "w:tblLayout", "w:type"), Some("fixed"));
            for (r, tr) in x.elems().filter(|e| e.name == "w:tr").enumerate() {
                let trpr = tr.find("w:trPr").unwrap();
                assert!(trpr.find("w:cantSplit").is_some());
                assert_eq!(trpr.find("w:tblHeader").is_some(), r < t.header_rows);
            }
        }
    }
    // the national labels where the national format puts them, with the clerk's numbers beside
    let document = load("qinghe-2021");
    let d = docx_with(&document, false, None);
    let body = part(&d, "word/document.xml");
    let at = tables(&document)
        .iter()
        .position(|t| t.name == "表三")
        .unwrap();
    let t3 = word_grid(body.descendants("w:tbl")[at]);
    let row = t3
        .iter()
        .find(|r| r.iter().any(|c| c.contains("本机关不掌握相关政府信息")))
        .expect("表三 row 本机关不掌握相关政府信息");
    assert!(row.iter().any(|c| c.contains("（四）无法提供")), "{row:?}");
    assert!(
        row.iter().any(|c| c.contains("三、本年度办理结果")),
        "{row:?}"
    );
    let carried = t3.last().unwrap();
    assert!(carried[0].contains("四、结转下年度继续办理"), "{carried:?}");
    assert!(t3.iter().any(|r| r.iter().any(|c| c.contains("总计"))));
}

/// Where the PDF starts a page inside a merged group of rows, the DOCX starts the group's label
/// again, so that the continued page shows "三、本年度办理结果" as the PDF does.
#[test]
fn a_merged_group_label_starts_again_where_the_pdf_turns_the_page() {
    let document = load("qinghe-2021");
    let fonts = FontSet::load(&style(), &FontOptions::bundled()).unwrap();
    let l = gongkai::typeset::layout(&document, &style(), &fonts).unwrap();
    let g = l.docx_geometry();
    let (t, tg) = g
        .tables
        .iter()
        .find_map(|(bi, tg)| match &document.blocks[*bi] {
            Block::Table(t) if t.name == "表三" => Some((t, tg)),
            _ => None,
        })
        .expect("表三");
    assert!(
        !tg.page_start_rows.is_empty(),
        "the PDF breaks 表三 across pages"
    );
    let r = tg.page_start_rows[0];
    let d = write(&document, &style(), &g, &DocxOptions::default()).unwrap();
    let body = part(&d, "word/document.xml");
    let at = tables(&document)
        .iter()
        .position(|x| x.name == t.name)
        .unwrap();
    let tr = body.descendants("w:tbl")[at]
        .elems()
        .filter(|e| e.name == "w:tr")
        .nth(r)
        .unwrap();
    let restarted: Vec<String> = tr
        .elems()
        .filter(|tc| {
            tc.find("w:tcPr")
                .and_then(|p| p.find("w:vMerge"))
                .is_some_and(|v| v.get_attr("w:val") == Some("restart"))
        })
        .map(Elem::text)
        .collect();
    let merged_above: Vec<String> = t.grid[r]
        .iter()
        .filter_map(|e| match e {
            GridEntry::Merged { row, col } if *row < r => Some(cell_text(&t.grid[*row][*col])),
            _ => None,
        })
        .collect();
    assert!(
        !merged_above.is_empty(),
        "{}: row {r} continues a group",
        t.name
    );
    for label in merged_above {
        assert!(
            restarted.contains(&label),
            "{label} not repeated in {restarted:?}"
        );
    }
    // without the PDF's layout the groups stay whole
    let plain = write(
        &document,
        &style(),
        &Geometry::default(),
        &DocxOptions::default(),
    )
    .unwrap();
    assert_eq!(
        word_grid(part(&plain, "word/document.xml").descendants("w:tbl")[at]),
        doc_grid(t)
    );
}

#[test]
fn fonts_a_windows_pc_has_or_the_bundled_names() {
    let d = docx("liwang-2020", false);
    let fonts = part(&d, "word/fontTable.xml");
    let font = |n: &str| {
        fonts
            .elems()
            .find(|f| f.get_attr("w:name") == Some(n))
            .unwrap_or_else(|| panic!("font {n} missing"))
    };
    for (name, alt) in [
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("黑体", "SimHei"),
    ] {
        let f = font(name);
        assert_eq!(attr(f, "w:altName", "w:val"), Some(alt));
        assert_eq!(attr(f, "w:charset", "w:val"), Some("86"));
        assert_eq!(attr(f, "w:panose1", "w:val").map(str::len), Some(20));
        assert!(f.find("w:family").is_some() && f.find("w:pitch").is_some());
    }
    let styles = part_text(&d, "word/styles.xml");
    assert!(!styles.contains("Theme"), "no theme fonts");
    let b = docx("liwang-2020", true);
    let bs = part_text(&b, "word/styles.xml");
    for f in ["Gongkai Serif", "Gongkai Sans", "Gongkai Kai"] {
        assert!(bs.contains(&format!(r#"w:eastAsia="{f}""#)), "{f}");
    }
    assert!(!bs.contains("仿宋_GB2312"));
}

#[test]
fn footers_carry_formatted_page_fields_odd_right_even_left() {
    let d = docx("qinghe-2021", false);
    let settings = part(&d, "word/settings.xml");
    assert!(settings.find("w:evenAndOddHeaders").is_some());
    // punctuation full-width in Word too (a child of w:settings, not of w:compat)
    assert_eq!(
        attr(&settings, "w:characterSpacingControl", "w:val"),
        Some("doNotCompress")
    );
    let mut seen = Vec::new();
    for i in 1..=2 {
        let f = part(&d, &format!("word/footer{i}.xml"));
        let p = f.descendants("w:p")[0];
        assert_eq!(p_style(p), Some("Footer"));
        let ppr = p.find("w:pPr").unwrap();
        let jc = attr(ppr, "w:jc", "w:val").unwrap().to_string();
        assert!(f
            .descendants("w:instrText")
            .iter()
            .any(|t| t.text().trim() == "PAGE"));
        assert_eq!(f.descendants("w:fldChar").len(), 3);
        let shown: String = f.descendants("w:t").iter().map(|t| t.text()).collect();
        assert_eq!(shown.replace('1', "N"), "— N —");
        for r in f.descendants("w:r") {
            let rpr = r.find("w:rPr").unwrap();
            assert_eq!(attr(rpr, "w:sz", "w:val"), Some("28"));
            assert_eq!(attr(rpr, "w:rFonts", "w:eastAsia"), Some("宋体"));
        }
        let side = if jc == "right" { "w:right" } else { "w:left" };
        assert_eq!(attr(ppr, "w:ind", side), Some("280"), "one character in");
        seen.push(jc);
    }
    seen.sort();
    assert_eq!(seen, ["left", "right"]);
}

/// The notice-board style: a running header with the title, "第 N 页 共 M 页" centred on every
/// page, its own margins and sizes.
#[test]
fn notice_board_style_header_and_centred_page_x_of_y() {
    let style = Style::builtin("notice-board").expect("notice-board style");
    let document = load("qinghe-2021");
    let d = write(
        &document,
        &style,
        &Geometry::default(),
        &DocxOptions::default(),
    )
    .unwrap();
    let names: Vec<String> = entries(&d).into_iter().map(|(n, _, _)| n).collect();
    assert!(names.contains(&"word/header1.xml".to_string()), "{names:?}");
    assert!(
        !names.contains(&"word/footer2.xml".to_string()),
        "one footer"
    );
    assert!(!part_text(&d, "word/settings.xml").contains("evenAndOddHeaders"));
    let f = part(&d, "word/footer1.xml");
    let instr: Vec<String> = f
        .descendants("w:instrText")
        .iter()
        .map(|t| t.text().trim().to_string())
        .collect();
    assert_eq!(instr, ["PAGE", "NUMPAGES"]);
    let shown: String = f.descendants("w:t").iter().map(|t| t.text()).collect();
    assert_eq!(shown, "第 1 页 共 1 页");
    let h = part(&d, "word/header1.xml");
    let shown: String = h.descendants("w:t").iter().map(|t| t.text()).collect();
    assert_eq!(shown, document.title);
    assert_eq!(p_style(h.descendants("w:p")[0]), Some("Header"));
    let body = part(&d, "word/document.xml");
    assert_eq!(
        body.descendants("w:pgMar")[0].get_attr("w:left"),
        Some("1247"),
        "22 mm"
    );
    let styles = part(&d, "word/styles.xml");
    let normal = style_el(&styles, "Normal");
    assert_eq!(
        normal.descendants("w:spacing")[0].get_attr("w:line"),
        Some("680")
    );
    assert_eq!(
        attr(normal.find("w:rPr").unwrap(), "w:sz", "w:val"),
        Some("36")
    );
}

#[test]
fn text_with_markup_characters_and_spaces_reads_back_exactly() {
    let said = "A&B <附件> \"引号\" 'x' 5>3，Tom's  两个空格";
    let src = std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).unwrap();
    let line = format!("\nother:\n  - '{}'", said.replace('\'', "''"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, src.replacen("\nother:", &line, 1)).unwrap();
    let d = gongkai::compose::compose(&gongkai::load(&file).expect("loads"));
    let body = part(&docx_with(&d, false, None), "word/document.xml");
    assert!(
        body.descendants("w:p").iter().any(|p| p.text() == said),
        "no paragraph reads {said:?}"
    );
    for r in body.descendants("w:r") {
        let text = r.text();
        if text.contains("Tom's") || text.contains("A&B") {
            let lang = r.find("w:rPr").and_then(|x| x.find("w:lang"));
            assert_eq!(lang.and_then(|l| l.get_attr("w:eastAsia")), Some("en-US"));
        }
    }
}

/// The lines of a paragraph as its line breaks (`w:br`) cut it.
fn br_lines(p: &Elem) -> Vec<String> {
    let mut lines = vec![String::new()];
    for r in p.elems().filter(|e| e.name == "w:r") {
        for e in r.elems() {
            match e.name.as_str() {
                "w:br" => lines.push(String::new()),
                "w:t" => lines.last_mut().unwrap().push_str(&e.text()),
                _ => {}
            }
        }
    }
    lines
}

/// The title breaks where the PDF's does (organ and year | 政府信息公开工作年度报告, balanced), with a
/// line break Word and LibreOffice keep.
#[test]
fn the_title_is_on_the_pdfs_lines() {
    for s in SAMPLES {
        let document = load(s);
        let fonts = FontSet::load(&style(), &FontOptions::bundled()).unwrap();
        let l = gongkai::typeset::layout(&document, &style(), &fonts).unwrap();
        let g = l.docx_geometry();
        assert_eq!(g.title_lines.len(), 2, "{s}: {:?}", g.title_lines);
        assert_eq!(g.title_lines.concat(), document.title.replace(' ', ""));
        let d = write(&document, &style(), &g, &DocxOptions::default()).unwrap();
        let body = part(&d, "word/document.xml");
        let title = body
            .descendants("w:p")
            .into_iter()
            .find(|p| p_style(p) == Some("Title"))
            .expect("a Title paragraph");
        assert_eq!(br_lines(title), g.title_lines, "{s}");
        assert!(
            g.title_lines[1].starts_with("政府信息公开"),
            "{s}: {:?}",
            g.title_lines
        );
    }
}

#[path = "docx/libreoffice.rs"]
mod libreoffice;
