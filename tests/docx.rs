//! DOCX backend: the package, the XML (schema order, fonts, tables, fields), python-docx reading
//! every table cell, and LibreOffice's PDF of the DOCX measured by `gbt9704_check.py`.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::backend::docx::xml::{self, Elem};
use gongkai::backend::docx::{write, write_fitted, DocxOptions};
use gongkai::backend::pdf;
use gongkai::doc::{Block, Document, GridEntry};
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;
use gongkai::typeset::Layout;

const SAMPLES: [&str; 2] = ["liwang-2020", "qinghe-2021"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reports LibreOffice must break like the PDF: the samples, plus mixed digits, web addresses,
/// quotes and Latin words (`tests/suite/docx/mixed.yaml`) and random mixed text (`stress.yaml`).
const LINE_CASES: [&str; 4] = [
    "liwang-2020",
    "qinghe-2021",
    "../tests/suite/docx/mixed",
    "../tests/suite/docx/stress",
];

fn doc(sample: &str) -> Document {
    let res = gongkai::load(&root().join(format!("samples/{sample}.yaml"))).expect("sample loads");
    gongkai::compose::compose(&res)
}

/// A file name for a case.
fn stem(case: &str) -> &str {
    case.rsplit('/').next().unwrap_or(case)
}

fn style() -> Style {
    Style::builtin("gbt9704").expect("built-in style")
}

/// The bundled fonts, which the tests lay out with.
fn fonts() -> FontSet {
    FontSet::load(&style(), &FontOptions::bundled()).expect("bundled fonts")
}

/// A sample's DOCX as `gongkai render` writes it: fitted to the PDF's layout.
fn docx(sample: &str, bundled: bool) -> Vec<u8> {
    let d = doc(sample);
    let l = gongkai::typeset::layout(&d, &style(), &fonts()).expect("typeset");
    docx_of(&d, &l, bundled)
}

fn docx_of(d: &Document, l: &Layout, bundled: bool) -> Vec<u8> {
    write_fitted(
        d,
        &style(),
        l,
        &DocxOptions {
            bundled_font_names: bundled,
            epoch: None,
        },
    )
    .expect("docx written")
}

/// A sample's PDF and DOCX as `gongkai render --bundled-fonts --docx-fonts bundled` writes them,
/// from one layout.
fn pdf_and_docx(sample: &str) -> (Vec<u8>, Vec<u8>) {
    let d = doc(sample);
    let fonts = fonts();
    let l = gongkai::typeset::layout(&d, &style(), &fonts).expect("typeset");
    let meta = pdf::PdfMeta {
        title: d.title.clone(),
        author: d.author.clone(),
        epoch: None,
    };
    let pdf = pdf::write(&l.pages, &fonts, &meta).expect("pdf written");
    (pdf, docx_of(&d, &l, true))
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

/// A part of the package as text.
fn part_text(bytes: &[u8], name: &str) -> String {
    let (_, _, v) = entries(bytes)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(v).expect("UTF-8")
}

fn part(bytes: &[u8], name: &str) -> Elem {
    let e = entries(bytes);
    let (_, _, v) = e
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    xml::parse(v).expect("well-formed XML")
}

fn all<'a>(e: &'a Elem, name: &str) -> Vec<&'a Elem> {
    let mut v = Vec::new();
    e.descendants(name, &mut v);
    v
}

/// The python with python-docx and pdfplumber: $GONGKAI_PY, or the checkers' default venv.
fn python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("GONGKAI_PY") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var("HOME").ok()?;
    let p = Path::new(&home).join(".cache/gongkai-tools/venv/bin/python");
    p.exists().then_some(p)
}

#[test]
fn package_is_deterministic_ordered_and_deflated() {
    let a = docx("qinghe-2021", false);
    assert_eq!(a, docx("qinghe-2021", false), "same input, same bytes");
    let names: Vec<String> = entries(&a).into_iter().map(|(n, _, _)| n).collect();
    assert_eq!(names[0], "[Content_Types].xml");
    assert!(
        names.contains(&"word/document.xml".to_string())
            && names.contains(&"word/footer1.xml".to_string())
    );
    for (n, m, _) in entries(&a) {
        assert_eq!(m, zip::CompressionMethod::Deflated, "{n} not deflated");
    }
    let core = part_text(&a, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>青禾县自然资源局2021年政府信息公开工作年度报告</dc:title>"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>青禾县自然资源局</dc:creator>"));
    assert!(core.contains("1980-01-01T00:00:00Z"));
    let dated = write(
        &doc("qinghe-2021"),
        &style(),
        &DocxOptions {
            bundled_font_names: false,
            epoch: Some(1_650_000_000),
        },
    )
    .unwrap();
    let core = part_text(&dated, "docProps/core.xml");
    assert!(core.contains("2022-04-15T05:20:00Z"), "{core}");
}

#[test]
fn properties_are_in_schema_order() {
    for s in SAMPLES {
        let d = docx(s, false);
        for p in [
            "word/document.xml",
            "word/styles.xml",
            "word/footer1.xml",
            "word/footer2.xml",
        ] {
            xml::check_schema_order(&part(&d, p)).unwrap_or_else(|e| panic!("{s} {p}: {e}"));
        }
        // the orders docx-rs gets wrong, spelled out (runs say only what differs from their
        // paragraph style: full run properties are in the styles and footers)
        let body = part(&d, "word/document.xml");
        for (p, first, second) in [
            ("word/styles.xml", "w:rFonts", "w:sz"),
            ("word/styles.xml", "w:sz", "w:lang"),
            ("word/footer1.xml", "w:rFonts", "w:sz"),
            ("word/document.xml", "w:spacing", "w:lang"),
        ] {
            let x = part(&d, p);
            let rpr = all(&x, "w:rPr")
                .into_iter()
                .find(|r| r.find(first).is_some() && r.find(second).is_some())
                .unwrap_or_else(|| panic!("{s} {p}: no w:rPr with {first} and {second}"));
            let names: Vec<&str> = rpr.elems().map(|e| e.name.as_str()).collect();
            let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
            assert!(pos(first) < pos(second), "{p}: {names:?}");
        }
        let sect = all(&body, "w:sectPr")[0];
        let names: Vec<&str> = sect.elems().map(|e| e.name.as_str()).collect();
        assert_eq!(names.first(), Some(&"w:footerReference"), "{names:?}");
        assert_eq!(names.last(), Some(&"w:docGrid"), "{names:?}");
    }
}

#[test]
fn page_setup_fonts_and_paragraphs_follow_the_recipe() {
    let d = docx("liwang-2020", false);
    let body = part(&d, "word/document.xml");
    let mar = all(&body, "w:pgMar")[0];
    let at = |k: &str| mar.get_attr(k).unwrap().parse::<i32>().unwrap();
    assert!(
        (at("w:top") - 1916).abs() <= 2
            && at("w:left") == 1587
            && at("w:right") == 1474
            && at("w:bottom") == 1984
    );
    assert!((at("w:footer") - 1423).abs() <= 12);
    let grid = all(&body, "w:docGrid")[0];
    assert_eq!(grid.get_attr("w:type"), None, "no document grid in effect");
    // every run: explicit fonts (no theme fonts), a size, a language, its own or its paragraph
    // style's
    let style_part = part(&d, "word/styles.xml");
    let mut runs = 0;
    for p in all(&body, "w:p") {
        let id = p
            .find("w:pPr")
            .and_then(|x| x.find("w:pStyle"))
            .and_then(|s| s.get_attr("w:val"))
            .expect("every paragraph has a style");
        let style_rpr = all(&style_part, "w:style")
            .into_iter()
            .find(|s| s.get_attr("w:styleId").as_deref() == Some(id.as_str()))
            .and_then(|s| s.find("w:rPr"))
            .expect("the style's run properties");
        for r in p.elems().filter(|e| e.name == "w:r") {
            runs += 1;
            let rpr = r.find("w:rPr");
            let get = |n: &str| {
                rpr.and_then(|x| x.find(n))
                    .or_else(|| style_rpr.find(n))
                    .unwrap_or_else(|| panic!("{id}: {n} missing"))
            };
            let f = get("w:rFonts");
            for k in ["w:ascii", "w:hAnsi", "w:eastAsia"] {
                assert!(f.get_attr(k).is_some(), "{k} missing");
            }
            assert!(f.attrs.iter().all(|(k, _)| !k.contains("Theme")));
            get("w:sz");
            let text = r.find("w:t").map(Elem::text).unwrap_or_default();
            let east_asia = get("w:lang").get_attr("w:eastAsia");
            if text.chars().any(|c| c.is_ascii_digit()) {
                assert!(text.is_ascii(), "digits in a run of their own: {text}");
                assert_eq!(east_asia.as_deref(), Some("en-US"));
            } else if !text.is_ascii() {
                assert_eq!(east_asia.as_deref(), Some("zh-CN"), "{text}");
            }
        }
    }
    assert!(runs > 300, "{runs} runs");
    // body text 16 pt on an exact 28.95 pt line, indented two characters, tracked −0.25 pt
    let xml = part_text(&d, "word/document.xml");
    let styles_xml = part_text(&d, "word/styles.xml");
    // paragraphs say what differs from their style: the body style has the rest
    let gk_body = styles_xml
        .split("<w:style ")
        .find(|s| s.contains(r#"w:styleId="GkBody""#))
        .expect("GkBody");
    assert!(gk_body.contains(r#"w:line="579" w:lineRule="exact""#));
    assert!(
        gk_body.contains(r#"w:firstLine="640""#) && gk_body.contains(r#"w:firstLineChars="200""#)
    );
    assert!(gk_body.contains(r#"<w:kinsoku w:val="1"/>"#));
    assert!(gk_body.contains(r#"<w:widowControl w:val="0"/>"#));
    assert!(xml.contains(r#"<w:spacing w:val="-5"/>"#));
    assert!(
        styles_xml.contains(r#"w:eastAsia="仿宋_GB2312""#)
            && styles_xml.contains(r#"w:eastAsia="黑体""#)
            && styles_xml.contains(r#"w:eastAsia="楷体_GB2312""#)
    );
    assert!(styles_xml.contains(r#"w:eastAsia="方正小标宋简体""#));
    // headings kept with the next block
    let heads: Vec<&Elem> = all(&body, "w:p")
        .into_iter()
        .filter(|p| {
            p.find("w:pPr")
                .and_then(|x| x.find("w:pStyle"))
                .and_then(|s| s.get_attr("w:val"))
                .is_some_and(|v| v.starts_with("GkHeading"))
        })
        .collect();
    assert!(!heads.is_empty());
    assert!(heads
        .iter()
        .all(|p| p.find("w:pPr").unwrap().find("w:keepNext").is_some()));
    // styles with Chinese names
    let styles = &styles_xml;
    for n in [
        "正文",
        "标题",
        "一级标题",
        "二级标题",
        "三级标题",
        "四级标题",
        "表格",
        "页码",
        "落款",
    ] {
        assert!(
            styles.contains(&format!(r#"<w:name w:val="{n}"/>"#)),
            "style {n}"
        );
    }
    assert!(!styles.contains("Theme"));
    // bundled names
    let b = part_text(&docx("liwang-2020", true), "word/styles.xml");
    for f in ["Gongkai Serif", "Gongkai Sans", "Gongkai Kai"] {
        assert!(b.contains(&format!(r#"w:eastAsia="{f}""#)), "{f}");
    }
    assert!(!b.contains("仿宋_GB2312"));
}

#[test]
fn footers_carry_formatted_page_fields_odd_right_even_left() {
    let d = docx("qinghe-2021", false);
    let settings = part_text(&d, "word/settings.xml");
    assert!(settings.contains("<w:evenAndOddHeaders/>"));
    let body = part(&d, "word/document.xml");
    let refs = all(&body, "w:footerReference");
    assert_eq!(refs.len(), 2);
    let mut seen = Vec::new();
    for i in 1..=2 {
        let f = part(&d, &format!("word/footer{i}.xml"));
        let p = all(&f, "w:p")[0];
        let jc = p
            .find("w:pPr")
            .unwrap()
            .find("w:jc")
            .unwrap()
            .get_attr("w:val")
            .unwrap();
        let ind = p.find("w:pPr").unwrap().find("w:ind").unwrap();
        assert!(all(&f, "w:instrText")
            .iter()
            .any(|t| t.text().trim() == "PAGE"));
        assert_eq!(all(&f, "w:fldChar").len(), 3);
        let shown: String = all(&f, "w:t").iter().map(|t| t.text()).collect();
        assert_eq!(shown.replace('1', "N"), "— N —");
        for r in all(&f, "w:r") {
            let rpr = r.find("w:rPr").unwrap();
            assert_eq!(
                rpr.find("w:sz").unwrap().get_attr("w:val").as_deref(),
                Some("28")
            );
            assert_eq!(
                rpr.find("w:rFonts")
                    .unwrap()
                    .get_attr("w:eastAsia")
                    .as_deref(),
                Some("宋体")
            );
        }
        let inset = if jc == "right" {
            ind.get_attr("w:right")
        } else {
            ind.get_attr("w:left")
        };
        assert_eq!(inset.as_deref(), Some("280"), "one character in");
        seen.push(jc);
    }
    seen.sort();
    assert_eq!(seen, ["left", "right"]);
}

/// The tables of a document and of its DOCX correspond: grid, widths, spans, merges, header rows.
#[test]
fn tables_are_real_word_tables() {
    for s in SAMPLES {
        let document = doc(s);
        let d = docx(s, false);
        let body = part(&d, "word/document.xml");
        let tbls = all(&body, "w:tbl");
        let tables: Vec<_> = document
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Table(t) = b {
                    Some(t)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(tbls.len(), tables.len());
        for (t, x) in tables.iter().zip(tbls) {
            let pr = x.find("w:tblPr").unwrap();
            assert_eq!(
                pr.find("w:tblLayout")
                    .unwrap()
                    .get_attr("w:type")
                    .as_deref(),
                Some("fixed")
            );
            let tw: i32 = pr
                .find("w:tblW")
                .unwrap()
                .get_attr("w:w")
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                pr.find("w:tblW").unwrap().get_attr("w:type").as_deref(),
                Some("dxa")
            );
            let cols: Vec<i32> = x
                .find("w:tblGrid")
                .unwrap()
                .elems()
                .map(|g| g.get_attr("w:w").unwrap().parse().unwrap())
                .collect();
            assert_eq!(cols.len(), t.columns);
            assert_eq!(
                cols.iter().sum::<i32>(),
                tw,
                "{s} {}: columns sum to the table width",
                t.name
            );
            assert!((tw - 8844).abs() <= 2, "type width");
            let rows: Vec<&Elem> = x.elems().filter(|e| e.name == "w:tr").collect();
            assert_eq!(rows.len(), t.grid.len());
            for (r, (row, tr)) in t.grid.iter().zip(&rows).enumerate() {
                let trpr = tr.find("w:trPr").unwrap();
                assert!(trpr.find("w:cantSplit").is_some());
                assert_eq!(
                    trpr.find("w:tblHeader").is_some(),
                    r < t.header_rows,
                    "{s} {} row {r}",
                    t.name
                );
                let mut col = 0;
                for tc in tr.elems().filter(|e| e.name == "w:tc") {
                    let tcpr = tc.find("w:tcPr").unwrap();
                    let span: usize = tcpr
                        .find("w:gridSpan")
                        .map_or(1, |g| g.get_attr("w:val").unwrap().parse().unwrap());
                    let w: i32 = tcpr
                        .find("w:tcW")
                        .unwrap()
                        .get_attr("w:w")
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(
                        w,
                        cols[col..col + span].iter().sum::<i32>(),
                        "tcW = spanned grid columns"
                    );
                    let vm = tcpr
                        .find("w:vMerge")
                        .map(|v| v.get_attr("w:val").unwrap_or_else(|| "continue".into()));
                    match &row[col] {
                        GridEntry::Cell(c) => {
                            assert_eq!(span, c.colspan, "{s} {} ({r},{col})", t.name);
                            assert_eq!(vm.as_deref(), (c.rowspan > 1).then_some("restart"));
                            assert_eq!(tc.text(), c.text);
                        }
                        GridEntry::Merged { row: r0, .. } => {
                            assert!(*r0 < r);
                            assert_eq!(vm.as_deref(), Some("continue"));
                        }
                    }
                    col += span;
                }
                assert_eq!(col, t.columns, "{s} {} row {r} covers the grid", t.name);
            }
        }
    }
}

/// Per table, per grid position: the text of the covering cell and that cell's origin.
type Expected = Vec<Vec<(String, [usize; 2])>>;

const PY_READ_TABLES: &str = r#"
import json, sys, docx
d = docx.Document(sys.argv[1])
expected = json.load(open(sys.argv[2]))
assert len(d.tables) == len(expected), (len(d.tables), len(expected))
bad = []
for ti, (t, e) in enumerate(zip(d.tables, expected)):
    for r, row in enumerate(e):
        for c, (text, origin) in enumerate(row):
            cell = t.cell(r, c)
            if cell.text != text:
                bad.append(f"table {ti} ({r},{c}): {cell.text!r} != {text!r}")
            o = t.cell(origin[0], origin[1])
            if cell._tc is not o._tc:
                bad.append(f"table {ti} ({r},{c}) not merged into {origin}")
print("\n".join(bad[:20]))
print(f"python-docx: {sum(len(row) for e in expected for row in e)} positions, {len(bad)} wrong")
sys.exit(1 if bad else 0)
"#;

#[test]
fn python_docx_reads_every_table_value_in_its_cell() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must not skip: .ci/run installs the tools"
        );
        eprintln!("SKIP python_docx_reads_every_table_value_in_its_cell: no python with python-docx (set GONGKAI_PY)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for s in SAMPLES {
        let document = doc(s);
        // expected: per table, per position, (text of the covering cell, its origin)
        let expected: Vec<Expected> = document
            .blocks
            .iter()
            .filter_map(|b| {
                if let Block::Table(t) = b {
                    Some(t)
                } else {
                    None
                }
            })
            .map(|t| {
                t.grid
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        row.iter()
                            .enumerate()
                            .map(|(c, e)| {
                                let (r0, c0) = match e {
                                    GridEntry::Cell(_) => (r, c),
                                    GridEntry::Merged { row, col } => (*row, *col),
                                };
                                let GridEntry::Cell(cell) = &t.grid[r0][c0] else {
                                    panic!("merge into a merge")
                                };
                                (cell.text.clone(), [r0, c0])
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let file = dir.path().join(format!("{s}.docx"));
        std::fs::write(&file, docx(s, false)).unwrap();
        let exp = dir.path().join(format!("{s}.json"));
        std::fs::write(&exp, serde_json::to_string(&expected).unwrap()).unwrap();
        let out = Command::new(&py)
            .arg("-c")
            .arg(PY_READ_TABLES)
            .arg(&file)
            .arg(&exp)
            .output()
            .expect("python runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{s}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(" 0 wrong"), "{text}");
    }
}

#[test]
fn libreoffice_pdf_of_the_docx_passes_gbt9704_check_with_the_pdfs_lines() {
    let Some(py) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must not skip: .ci/run installs the tools"
        );
        eprintln!("SKIP libreoffice_pdf_of_the_docx_passes_gbt9704_check_with_the_pdfs_lines: no python with pdfplumber (set GONGKAI_PY)");
        return;
    };
    if Command::new("soffice").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must not skip: .ci/run installs the tools"
        );
        eprintln!("SKIP libreoffice_pdf_of_the_docx_passes_gbt9704_check_with_the_pdfs_lines: soffice (libreoffice-writer-nogui) not installed");
        return;
    }
    let checker = root().join("../shared/tools/gbt9704_check.py");
    if !checker.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must not skip: .ci/run installs the tools"
        );
        eprintln!(
            "SKIP libreoffice_pdf_of_the_docx_passes_gbt9704_check_with_the_pdfs_lines: {} not found",
            checker.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("lo-profile");
    let mut files = Vec::new();
    for s in LINE_CASES {
        let (pdf, docx) = pdf_and_docx(s);
        std::fs::write(dir.path().join(format!("{}.gongkai.pdf", stem(s))), pdf).unwrap();
        let f = dir.path().join(format!("{}.docx", stem(s)));
        std::fs::write(&f, docx).unwrap();
        files.push(f);
    }
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(&files)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = root().join("tests/tools/text_lines.py");
    for s in LINE_CASES {
        let pdf = dir.path().join(format!("{}.pdf", stem(s)));
        let out = Command::new(&py)
            .arg(&checker)
            .arg(&pdf)
            .output()
            .expect("checker runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("14 passed, 0 failed"), "{s}:\n{text}");
        // the same lines on every page, outside tables, as gongkai's own PDF
        let ours = dir.path().join(format!("{}.gongkai.pdf", stem(s)));
        let read = |p: &Path| -> Vec<Vec<String>> {
            let out = Command::new(&py)
                .arg(&lines)
                .arg(p)
                .output()
                .expect("python runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("json")
        };
        let (a, b) = (read(&ours), read(&pdf));
        assert_eq!(a.len(), b.len(), "{s}: page count, PDF vs LibreOffice");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(
                x,
                y,
                "{s} page {}: lines differ (PDF left, LibreOffice right)",
                i + 1
            );
        }
    }
}

/// The notice-board style: a running header with the title, "第 N 页 共 M 页" centred on every page
/// (PAGE and NUMPAGES fields), no odd/even distinction, its own margins, sizes and grid.
#[test]
fn notice_board_style_header_and_centred_page_x_of_y() {
    let style = Style::builtin("notice-board").expect("notice-board style");
    let document = doc("qinghe-2021");
    let d = write(&document, &style, &DocxOptions::default()).unwrap();
    let names: Vec<String> = entries(&d).into_iter().map(|(n, _, _)| n).collect();
    assert!(names.contains(&"word/header1.xml".to_string()), "{names:?}");
    assert!(
        !names.contains(&"word/footer2.xml".to_string()),
        "one footer for all pages"
    );
    let settings = part_text(&d, "word/settings.xml");
    assert!(!settings.contains("evenAndOddHeaders"));
    let f = part(&d, "word/footer1.xml");
    let instr: Vec<String> = all(&f, "w:instrText")
        .iter()
        .map(|t| t.text().trim().to_string())
        .collect();
    assert_eq!(instr, ["PAGE", "NUMPAGES"]);
    let shown: String = all(&f, "w:t").iter().map(|t| t.text()).collect();
    assert_eq!(shown, "第 1 页 共 1 页");
    assert_eq!(
        all(&f, "w:jc")[0].get_attr("w:val").as_deref(),
        Some("center")
    );
    let h = part(&d, "word/header1.xml");
    let shown: String = all(&h, "w:t").iter().map(|t| t.text()).collect();
    assert_eq!(shown, document.title);
    assert!(
        all(&h, "w:sz")
            .iter()
            .all(|s| s.get_attr("w:val").as_deref() == Some("24")),
        "header 12 pt"
    );
    let body = part(&d, "word/document.xml");
    let mar = all(&body, "w:pgMar")[0];
    assert_eq!(mar.get_attr("w:left").as_deref(), Some("1247"), "22 mm");
    assert!(all(&body, "w:headerReference").len() == 1);
    xml::check_schema_order(&body).unwrap();
    // 18 pt body on a 34 pt line, 26 characters in 166 mm (in the body style)
    let x = part_text(&d, "word/styles.xml");
    assert!(x.contains(r#"w:line="680" w:lineRule="exact""#));
    assert!(x.contains(r#"<w:sz w:val="36"/>"#));
}

#[test]
fn text_with_markup_characters_and_spaces_reads_back_exactly() {
    // a clerk's text may hold what XML escapes, and spaces that Word drops unless preserved
    let said = "A&B <附件> \"引号\" 'x' 5>3，Tom's  两个空格";
    let src = std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).unwrap();
    let line = format!("\nother:\n  - '{}'", said.replace('\'', "''"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, src.replacen("\nother:", &line, 1)).unwrap();
    let d = gongkai::compose::compose(&gongkai::load(&file).expect("loads"));
    let l = gongkai::typeset::layout(&d, &style(), &fonts()).expect("typeset");
    let bytes = docx_of(&d, &l, false);
    let body = part(&bytes, "word/document.xml");
    assert!(
        all(&body, "w:p").iter().any(|p| p.text() == said),
        "no paragraph reads {said:?}"
    );
    for t in all(&body, "w:t") {
        let preserve = t
            .attrs
            .iter()
            .any(|(k, v)| k == "xml:space" && v == "preserve");
        let text = t.text();
        // a text with a space keeps it; an empty one (before a line break) says so too
        assert_eq!(preserve, text.is_empty() || text.contains(' '), "{t:?}");
    }
    // Latin runs are en-US (LibreOffice keeps numbers and words whole)
    let latin: Vec<&Elem> = all(&body, "w:r")
        .into_iter()
        .filter(|r| r.text().contains("Tom's") || r.text().contains("A&B"))
        .collect();
    assert!(!latin.is_empty());
    for r in latin {
        let lang = all(r, "w:lang");
        assert!(
            lang.iter()
                .any(|l| l.attrs.iter().any(|(k, v)| k == "w:val" && v == "en-US")),
            "{r:?}"
        );
    }
}
