//! `import` (issue 21): last year's published PDF → a report YAML that `check` reads — our own
//! PDF of a sample gives back the same organ, year, numbers and prose; the WPS-made report gives
//! its numbers; an existing file is never overwritten.

use std::path::PathBuf;
use std::process::Command;

use gongkai::backend::pdf::{self, PdfMeta};
use gongkai::check::Resolved;
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::readback;
use gongkai::report::Block;
use gongkai::style::Style;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

fn render_docx(res: &Resolved) -> Vec<u8> {
    let style = Style::builtin("gbt9704").expect("style");
    let doc = gongkai::compose::compose(res);
    gongkai::backend::docx::write(
        &doc,
        &style,
        &Default::default(),
        &gongkai::backend::docx::DocxOptions {
            bundled_font_names: false,
            epoch: None,
        },
    )
    .expect("writes")
}

fn blocks(res: &Resolved, id: &str) -> Vec<String> {
    res.text(id)
        .iter()
        .map(|b| match b {
            Block::Para(p) => p.value.clone(),
            Block::Heading { text, run_in, .. } => format!(
                "{}|{}",
                text.value,
                run_in.as_ref().map_or("", |r| r.value.as_str())
            ),
        })
        .collect()
}

#[test]
fn importing_our_pdf_and_docx_of_each_sample_gives_back_its_numbers_and_prose() {
    for (name, docx) in [
        ("qinghe-2021.yaml", false),
        ("liwang-2020.yaml", false),
        ("qinghe-2021.yaml", true),
        ("liwang-2020.yaml", true),
    ] {
        let original = gongkai::load(&root().join("samples").join(name)).expect("sample");
        let bytes = if docx {
            render_docx(&original)
        } else {
            render(&original)
        };
        let read = readback::read_bytes(&bytes).expect("reads");
        let written = readback::yaml::write(&read.report, "sample.pdf");
        assert!(written.doubts.is_empty(), "{name}: {:?}", written.doubts);
        assert!(!written.text.contains(readback::yaml::DOUBT));
        let back = gongkai::check::resolve(
            gongkai::report::load_str(&written.text, None).expect("the YAML loads"),
        )
        .expect("resolves");
        assert!(gongkai::check::run(&back, None).is_empty(), "passes check");
        assert_eq!(back.report.organ.value, original.report.organ.value);
        assert_eq!(back.report.year.value, original.report.year.value);
        let numbers = |r: &Resolved| {
            r.values
                .iter()
                .flat_map(|(t, v)| {
                    v.iter().map(move |((row, col), c)| {
                        (t.clone(), row.clone(), col.clone(), c.number.display())
                    })
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(numbers(&back), numbers(&original), "{name}");
        for s in &original.format.sections {
            if s.table.is_none() {
                assert_eq!(
                    blocks(&back, &s.id),
                    blocks(&original, &s.id),
                    "{name}: {}",
                    s.id
                );
            }
        }
        let lead: Vec<&str> = back.report.lead.iter().map(|l| l.value.as_str()).collect();
        let want: Vec<&str> = original
            .report
            .lead
            .iter()
            .map(|l| l.value.as_str())
            .collect();
        assert_eq!(lead, want, "{name}: lead");
        let sig = back.report.signature.as_ref().map(|s| s.date.value);
        assert_eq!(
            sig,
            original.report.signature.as_ref().map(|s| s.date.value),
            "{name}"
        );
    }
}

#[test]
fn the_cli_imports_the_wps_report_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("淮安-2024.yaml");
    let pdf = root().join("tests/fixtures/huaian-2024-published.pdf");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .arg("import")
            .arg(&pdf)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .output()
            .expect("runs")
    };
    let o = run(&[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("表格 200 个数字"), "{err}");
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("organ: 淮安市人民政府"), "{text}");
    assert!(text.contains("year: 2024"));
    assert!(
        text.contains("result_total: [2932, 53, 0, 0, 61, 4, 3050]"),
        "{text}"
    );
    assert!(text.contains("fees: 96171.6"));
    let res = gongkai::load(&out).expect("the YAML loads and resolves");
    // 一、总体情况: an opening paragraph, then （一）…（五） run in with their paragraphs
    let overview = res.text("overview");
    assert_eq!(overview.len(), 6);
    match &overview[1] {
        Block::Heading { text, run_in, .. } => {
            assert_eq!(text.value, "（一）主动公开情况。");
            assert!(run_in
                .as_ref()
                .is_some_and(|r| r.value.starts_with("2024年，市政府网站主动公开")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(res.text("problems").len(), 2);
    // the exit code is check's on the written file
    let check = gongkai::check_file(&out, None);
    assert_eq!(o.status.code(), Some(check.exit_code), "{err}");
    // a second run does not overwrite
    std::fs::write(&out, "clerk's edits").expect("write");
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&out).expect("kept"),
        "clerk's edits"
    );
    let o = run(&["--force"]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_ne!(
        std::fs::read_to_string(&out).expect("written"),
        "clerk's edits"
    );
}

#[test]
fn last_years_published_pdf_resolves_for_new_from() {
    let res = readback::load_published(&root().join("tests/fixtures/huaian-2024-published.pdf"))
        .expect("resolves");
    assert_eq!(res.report.year.value, 2024);
    let v = |t: &str, r: &str, c: &str| res.value(t, r, c).map(|x| x.number.display());
    // what `new --from` carries into 2025: 结转下年度继续办理 → 上年结转, 现行有效件数
    assert_eq!(
        v("applications", "carried_next", "total").as_deref(),
        Some("103")
    );
    assert_eq!(
        v("proactive", "normative", "in_force").as_deref(),
        Some("66")
    );
    let template = gongkai::template::template(
        &res.format,
        &gongkai::template::TemplateInput {
            organ: &res.report.organ.value,
            year: 2025,
            previous: Some(&res),
            schema_ref: "gongkai.schema.json",
        },
    );
    assert!(template.contains("103"), "{template}");
}

/// `new --from` takes last year's published PDF as it takes last year's YAML: the template it
/// writes from our PDF of a sample is the one it writes from the sample itself.
#[test]
fn new_from_a_published_pdf_writes_the_same_template_as_from_its_yaml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = root().join("samples/qinghe-2021.yaml");
    let res = gongkai::load(&yaml).expect("sample loads");
    let pdf = dir.path().join("qinghe-2021.pdf");
    std::fs::write(&pdf, render(&res)).expect("pdf written");
    let new = |from: &std::path::Path, out: &str| {
        let st = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["new", "--year", "2022", "--from"])
            .arg(from)
            .arg("-o")
            .arg(dir.path().join(out))
            .output()
            .expect("runs");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        std::fs::read_to_string(dir.path().join(out)).expect("template written")
    };
    let from_yaml = new(&yaml, "from-yaml.yaml");
    let from_pdf = new(&pdf, "from-pdf.yaml");
    // the comment naming last year's file differs; everything the clerk fills in is the same
    let body = |t: &str| {
        t.lines()
            .filter(|l| !l.contains("qinghe-2021."))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&from_pdf), body(&from_yaml));
    assert!(from_pdf.contains("青禾县自然资源局"), "{from_pdf}");
}
