//! `verify` (issue 21): a report read back out of a PDF — our own PDFs of the samples, a report
//! rendered with a broken total, and the real WPS-made report in tests/fixtures/ — its tables'
//! numbers in their cells, the consistency rules, and the layout checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::backend::pdf::{self, PdfMeta};
use gongkai::check::Resolved;
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::readback::{self, layout::Verdict, verify};
use gongkai::style::Style;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Our PDF of a resolved report, with the bundled fonts (what `render --bundled-fonts` writes).
fn render(res: &Resolved) -> Vec<u8> {
    let style = Style::builtin("gbt9704").expect("style");
    let fonts = FontSet::load(&style, &FontOptions::bundled()).expect("bundled fonts");
    let doc = gongkai::compose::compose(res);
    let pages = gongkai::typeset::typeset(&doc, &style, &fonts).expect("typesets");
    pdf::write(
        &pages,
        &fonts,
        &PdfMeta {
            title: doc.title.clone(),
            author: doc.author.clone(),
            epoch: None,
        },
    )
    .expect("writes")
}

fn sample(name: &str) -> Resolved {
    gongkai::load(&root().join("samples").join(name)).expect("sample loads")
}

/// Every value cell of every table: the number read back from the PDF is the report's.
fn assert_every_number_read_back(res: &Resolved, read: &readback::Read) {
    let mut n = 0;
    for t in &res.format.tables {
        let got = read
            .report
            .tables
            .iter()
            .find(|x| x.id == t.def.id)
            .expect("table read");
        for v in &t.values {
            let want = res
                .value(&t.def.id, &v.row, &v.column)
                .map(|c| c.number.display());
            let cell = got
                .cells
                .iter()
                .find(|c| c.row == v.row && c.column == v.column);
            assert_eq!(
                cell.map(|c| c.text.clone()),
                want,
                "{}",
                t.cell_name(&v.row, &v.column)
            );
            assert!(
                cell.is_some_and(|c| c.doubt.is_none()),
                "{}",
                t.cell_name(&v.row, &v.column)
            );
            n += 1;
        }
        assert_eq!(
            got.cells.len(),
            t.values.len(),
            "{}: no extra numbers",
            t.def.name
        );
        assert!(got.stray.is_empty(), "{}: {:?}", t.def.name, got.stray);
    }
    assert!(n > 150, "{n} cells");
}

#[test]
fn our_pdf_of_each_sample_verifies_its_tables_clean_with_every_number_in_its_cell() {
    for name in ["qinghe-2021.yaml", "liwang-2020.yaml"] {
        let res = sample(name);
        let read = readback::read_bytes(&render(&res)).expect("reads");
        assert_eq!(
            read.report.organ.as_deref(),
            Some(res.report.organ.value.as_str())
        );
        assert_eq!(read.report.year, Some(res.report.year.value));
        assert_eq!(read.report.format.id, res.format.id);
        assert_every_number_read_back(&res, &read);
        let v = verify::verify(&read, name);
        // the tables: every rule holds (the layout's verdicts are compared with the independent
        // checker's in the external test below)
        let tables: Vec<_> = v
            .findings
            .iter()
            .filter(|f| !f.code.starts_with('L'))
            .collect();
        assert!(tables.is_empty(), "{name}: {tables:#?}");
        assert_eq!(v.layout.0, 15, "{name}: fifteen layout checks");
    }
}

#[test]
fn a_report_rendered_with_a_broken_total_is_flagged_at_that_cell() {
    let text = std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).expect("sample");
    let broken = text.replace(
        "result_total:       [22, 3, 0, 1, 1, 0, 27]",
        "result_total:       [22, 3, 0, 1, 1, 0, 28]",
    );
    assert_ne!(broken, text, "the sample still has this row");
    // what `render --force` does: the report is rendered although `check` fails
    let res = gongkai::check::resolve(gongkai::report::load_str(&broken, None).expect("loads"))
        .expect("resolves");
    assert!(gongkai::diag::has_errors(&gongkai::check::run(&res, None)));
    let read = readback::read_bytes(&render(&res)).expect("reads");
    let v = verify::verify(&read, "broken.pdf");
    assert_eq!(v.exit_code, 1);
    let cell = "表三“（七）总计”行“总计”列";
    let at: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.cell.as_deref() == Some(cell))
        .collect();
    assert!(!at.is_empty(), "{:#?}", v.findings);
    let page = read.report.tables[1]
        .cells
        .iter()
        .find(|c| c.row == "result_total" && c.column == "total")
        .map(|c| c.page);
    for f in &at {
        assert_eq!(f.printed.as_deref(), Some("28"));
        assert_eq!(f.page, page);
        assert!(
            f.render()
                .starts_with(&format!("第 {} 页：错误：", page.unwrap_or(0))),
            "{}",
            f.render()
        );
    }
    // the other cells read back right: only rules that involve the broken cell fire
    assert!(
        v.findings
            .iter()
            .all(|f| f.cell.as_deref() == Some(cell) || f.message.contains("28")),
        "{:#?}",
        v.findings
    );
}

#[test]
fn a_docx_with_a_broken_total_is_flagged_at_that_cell_without_a_page() {
    let text = std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).expect("sample");
    let broken = text.replace(
        "review:            [2, 1, 0, 1, 4]",
        "review:            [2, 1, 0, 1, 5]",
    );
    assert_ne!(broken, text);
    let res = gongkai::check::resolve(gongkai::report::load_str(&broken, None).expect("loads"))
        .expect("resolves");
    let style = Style::builtin("gbt9704").expect("style");
    let bytes = gongkai::backend::docx::write(
        &gongkai::compose::compose(&res),
        &style,
        &Default::default(),
        &gongkai::backend::docx::DocxOptions {
            bundled_font_names: false,
            epoch: None,
        },
    )
    .expect("docx");
    let read = readback::read_bytes(&bytes).expect("reads");
    let v = verify::verify(&read, "broken.docx");
    assert_eq!(v.exit_code, 1);
    assert_eq!(v.layout, (0, 0), "no layout checks: Word lays out a DOCX");
    assert_eq!(v.findings.len(), 1, "{:#?}", v.findings);
    let f = &v.findings[0];
    assert_eq!(f.cell.as_deref(), Some("表四“行政复议”“总计”栏"));
    assert_eq!(f.printed.as_deref(), Some("5"));
    assert_eq!(f.page, None);
    assert!(f.render().starts_with("错误：表四"), "{}", f.render());
}

/// 表二, 表三 and 表四 of the WPS-made report as printed (淮安市人民政府 2024 年报告, 2021 format).
const HUAIAN: &[(&str, &str, &[&str])] = &[
    ("proactive", "rules", &["1", "0", "11"]),
    ("proactive", "normative", &["8", "26", "66"]),
    ("proactive", "licensing", &["447228"]),
    ("proactive", "penalty", &["3985758"]),
    ("proactive", "enforcement", &["88283"]),
    ("proactive", "fees", &["96171.6"]),
    (
        "applications",
        "new",
        &["3001", "53", "0", "0", "61", "4", "3119"],
    ),
    (
        "applications",
        "carried",
        &["34", "0", "0", "0", "0", "0", "34"],
    ),
    (
        "applications",
        "granted",
        &["1288", "21", "0", "0", "50", "3", "1362"],
    ),
    (
        "applications",
        "partly_granted",
        &["447", "7", "0", "0", "0", "0", "454"],
    ),
    (
        "applications",
        "secret",
        &["2", "0", "0", "0", "0", "0", "2"],
    ),
    (
        "applications",
        "prohibited",
        &["30", "1", "0", "0", "0", "0", "31"],
    ),
    (
        "applications",
        "three_safeties",
        &["5", "0", "0", "0", "0", "0", "5"],
    ),
    (
        "applications",
        "third_party",
        &["6", "0", "0", "0", "0", "0", "6"],
    ),
    (
        "applications",
        "internal_affairs",
        &["7", "1", "0", "0", "0", "0", "8"],
    ),
    (
        "applications",
        "process_info",
        &["12", "0", "0", "0", "0", "0", "12"],
    ),
    (
        "applications",
        "enforcement_file",
        &["9", "0", "0", "0", "0", "0", "9"],
    ),
    (
        "applications",
        "query_matter",
        &["105", "0", "0", "0", "0", "0", "105"],
    ),
    (
        "applications",
        "not_held",
        &["746", "12", "0", "0", "10", "1", "769"],
    ),
    (
        "applications",
        "needs_creation",
        &["11", "0", "0", "0", "0", "0", "11"],
    ),
    (
        "applications",
        "unclear",
        &["1", "0", "0", "0", "0", "0", "1"],
    ),
    (
        "applications",
        "petition",
        &["56", "6", "0", "0", "0", "0", "62"],
    ),
    (
        "applications",
        "repeated",
        &["25", "0", "0", "0", "0", "0", "25"],
    ),
    (
        "applications",
        "publication",
        &["0", "0", "0", "0", "0", "0", "0"],
    ),
    (
        "applications",
        "excessive",
        &["0", "0", "0", "0", "0", "0", "0"],
    ),
    (
        "applications",
        "confirmation",
        &["1", "0", "0", "0", "0", "0", "1"],
    ),
    (
        "applications",
        "overdue_correction",
        &["67", "3", "0", "0", "1", "0", "71"],
    ),
    (
        "applications",
        "overdue_fee",
        &["6", "0", "0", "0", "0", "0", "6"],
    ),
    (
        "applications",
        "other_handling",
        &["108", "2", "0", "0", "0", "0", "110"],
    ),
    (
        "applications",
        "result_total",
        &["2932", "53", "0", "0", "61", "4", "3050"],
    ),
    (
        "applications",
        "carried_next",
        &["103", "0", "0", "0", "0", "0", "103"],
    ),
    ("review", "review", &["72", "64", "178", "37", "351"]),
    ("review", "direct_suit", &["13", "4", "8", "1", "26"]),
    ("review", "suit_after_review", &["12", "1", "1", "6", "20"]),
];

fn huaian() -> PathBuf {
    root().join("tests/fixtures/huaian-2024-published.pdf")
}

#[test]
fn the_wps_reports_tables_read_back_every_number_in_its_cell() {
    let read = readback::read_file(&huaian()).expect("reads");
    assert_eq!(read.report.organ.as_deref(), Some("淮安市人民政府"));
    assert_eq!(read.report.year, Some(2024));
    assert_eq!(read.report.format.id, "2021");
    let mut n = 0;
    for (tid, row, want) in HUAIAN {
        let table = read.report.format.table(tid).expect("table");
        let got = read
            .report
            .tables
            .iter()
            .find(|t| t.id == *tid)
            .expect("read");
        for (col, w) in table.row_columns(row).iter().zip(want.iter()) {
            let cell = got
                .cells
                .iter()
                .find(|c| c.row == *row && c.column == col.id);
            assert_eq!(
                cell.map(|c| c.text.as_str()),
                Some(*w),
                "{}",
                table.cell_name(row, &col.id)
            );
            n += 1;
        }
        assert_eq!(table.row_columns(row).len(), want.len());
    }
    let total: usize = read.report.tables.iter().map(|t| t.cells.len()).sum();
    assert_eq!(total, n, "no number read twice or into another cell");
    assert_eq!(n, 200);
    // its numbers are consistent: no table finding
    let v = verify::verify(&read, "huaian.pdf");
    assert!(
        v.findings.iter().all(|f| f.code.starts_with('L')),
        "{:#?}",
        v.findings
            .iter()
            .filter(|f| !f.code.starts_with('L'))
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_wps_reports_layout_fails_the_five_checks_it_breaks() {
    let read = readback::read_file(&huaian()).expect("reads");
    let checks = readback::layout::check(&read.text, &read.pages);
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| c.name)
        .collect();
    assert_eq!(
        failed,
        [
            "text-inside-type-area",
            "line-pitch",
            "22-line-grid",
            "paragraph-lines",
            "page-numbers"
        ]
    );
    let pn = checks
        .iter()
        .find(|c| c.name == "page-numbers")
        .expect("check");
    assert!(
        pn.findings
            .iter()
            .any(|f| f.page == Some(1) && f.message.contains("“-1-”应为“— 1 —”")),
        "{:#?}",
        pn.findings
    );
    let margin = checks
        .iter()
        .find(|c| c.name == "text-inside-type-area")
        .expect("check");
    assert!(
        margin
            .findings
            .iter()
            .any(|f| f.message.contains("左边距 26.")),
        "{:#?}",
        margin.findings
    );
}

fn gongkai(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn the_cli_prints_json_and_a_batch_summary_with_check_s_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let ours = dir.path().join("qinghe.pdf");
    std::fs::write(&ours, render(&sample("qinghe-2021.yaml"))).expect("write");
    let not_pdf = dir.path().join("notes.pdf");
    std::fs::write(&not_pdf, "这不是 PDF").expect("write");
    // our PDF: its tables are clean; its exit code is 1 only if a layout check fails
    let lib = verify::verify_file(&ours);
    let o = gongkai(&["verify", ours.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(lib.exit_code));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("qinghe.pdf：表格 200 个数字，勾稽关系无误；版式 15 项检查"),
        "{err}"
    );
    let o = gongkai(&[
        "verify",
        "--format",
        "json",
        huaian().to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json[0]["numbers"], 200);
    assert_eq!(json[0]["layout_failed"], 5);
    assert_eq!(json[0]["layout"][13]["check"], "page-numbers");
    assert_eq!(json[0]["layout"][13]["result"], "fail");
    assert_eq!(json[0]["layout"][12]["result"], "pass");
    let o = gongkai(&[
        "verify",
        ours.to_str().expect("utf-8"),
        huaian().to_str().expect("utf-8"),
        not_pdf.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let passed = usize::from(lib.exit_code == 0);
    assert!(
        err.contains(&format!(
            "共 3 份：{passed} 份通过，{} 份未通过或无法读取",
            3 - passed
        )),
        "{err}"
    );
    assert!(
        err.contains("huaian-2024-published.pdf\t200\t0\t5/15\t未通过"),
        "{err}"
    );
    assert!(err.contains("无法读取这个 PDF"), "{err}");
    // a folder: its PDF and DOCX files (the command prompt does not expand *.pdf)
    let o = gongkai(&["verify", dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("共 2 份："), "{err}");
}

/// The independent checker's verdict per check (PASS/FAIL/SKIP) on a PDF.
fn python_verdicts(pdf: &Path) -> Vec<(String, String)> {
    let tools = std::env::var_os("GONGKAI_TOOLS")
        .map(PathBuf::from)
        .expect("GONGKAI_TOOLS must name the folder with gbt9704_check.py");
    let py = std::env::var_os("GONGKAI_PY").map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    let out = Command::new(py)
        .arg(tools.join("gbt9704_check.py"))
        .arg(pdf)
        .arg("--json")
        .output()
        .expect("runs the checker");
    let text = String::from_utf8_lossy(&out.stdout);
    let json_end = text.rfind(']').expect("json list");
    let rows: serde_json::Value = serde_json::from_str(&text[..=json_end]).expect("json");
    rows.as_array()
        .expect("list")
        .iter()
        .map(|r| {
            (
                r["check"].as_str().unwrap_or_default().to_string(),
                r["result"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
#[ignore = "external: needs GONGKAI_TOOLS (gbt9704_check.py) and GONGKAI_PY (pdfplumber, poppler)"]
fn layout_verdicts_are_the_python_checkers_on_every_pdf() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut pdfs = vec![huaian()];
    for name in ["qinghe-2021.yaml", "liwang-2020.yaml"] {
        let p = dir.path().join(name.replace(".yaml", ".pdf"));
        std::fs::write(&p, render(&sample(name))).expect("write");
        pdfs.push(p);
    }
    for pdf in pdfs {
        let read = readback::read_file(&pdf).expect("reads");
        assert_eq!(
            our_verdicts(&read),
            python_verdicts(&pdf),
            "{}",
            pdf.display()
        );
    }
}

/// Our layout verdicts per check, named as the independent checker names them.
fn our_verdicts(read: &readback::Read) -> Vec<(String, String)> {
    readback::layout::check(&read.text, &read.pages)
        .iter()
        .map(|c| {
            let v = match c.verdict {
                Verdict::Pass => "PASS",
                Verdict::Fail => "FAIL",
                Verdict::Skip => "SKIP",
            };
            (c.name.to_string(), v.to_string())
        })
        .collect()
}

#[test]
#[ignore = "external: needs LibreOffice (soffice), GONGKAI_TOOLS and GONGKAI_PY"]
fn libreoffices_pdf_of_our_docx_reads_back_every_number_with_the_checkers_verdicts() {
    let dir = tempfile::tempdir().expect("tmp");
    let style = Style::builtin("gbt9704").expect("style");
    for name in ["qinghe-2021", "liwang-2020"] {
        let res = sample(&format!("{name}.yaml"));
        let docx = dir.path().join(format!("{name}.docx"));
        let bytes = gongkai::backend::docx::write(
            &gongkai::compose::compose(&res),
            &style,
            &Default::default(),
            &gongkai::backend::docx::DocxOptions {
                bundled_font_names: true,
                epoch: None,
            },
        )
        .expect("docx");
        std::fs::write(&docx, bytes).expect("write");
        let out = Command::new("soffice")
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&docx)
            .output()
            .expect("runs soffice");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pdf = dir.path().join(format!("{name}.pdf"));
        let read = readback::read_file(&pdf).expect("reads LibreOffice's PDF");
        assert_every_number_read_back(&res, &read);
        assert_eq!(our_verdicts(&read), python_verdicts(&pdf), "{name}");
    }
}
