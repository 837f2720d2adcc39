//! The command line as a clerk meets it: help with exit codes, JSON diagnostics, `fonts`, batch
//! summary with one broken file among many.

use std::path::Path;
use std::process::Command;

fn gongkai(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn help_documents_exit_codes() {
    let (code, out, _) = gongkai(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("退出码") && out.contains("1 报告未通过检查"),
        "{out}"
    );
    let (code, _, _) = gongkai(&["render"]);
    assert_eq!(code, 2, "usage errors exit 2");
}

#[test]
fn check_json_lists_every_diagnostic() {
    let (code, out, _) = gongkai(&["check", "--format", "json", "tests/suite/check/r1.yaml"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v[0]["diagnostics"];
    assert_eq!(d.as_array().unwrap().len(), 2);
    assert_eq!(d[0]["code"], "R1");
    assert_eq!(d[0]["severity"], "error");
    // R1 points at the row that breaks the balance (一、本年新收), not at 四、结转下年度
    assert_eq!(d[0]["pos"]["line"], 40);
}

#[test]
fn fonts_names_a_face_for_every_role() {
    let (code, out, _) = gongkai(&["fonts", "--bundled-fonts"]);
    assert_eq!(code, 0);
    for label in ["标题", "一级标题", "二级标题", "正文", "表格", "页码"] {
        assert!(out.contains(label), "{out}");
    }
    assert!(
        out.contains("Gongkai Kai") && out.contains("内置字体"),
        "{out}"
    );
    assert!(out.contains("未找到公文字体"), "{out}");
}

#[test]
fn fifty_reports_with_one_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let out = dir.path().join("out");
    std::fs::create_dir(&inputs).unwrap();
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qinghe-2021.yaml"),
    )
    .unwrap();
    for i in 0..50 {
        let text = if i == 17 {
            sample.replace(
                "review:            [2, 1, 0, 1, 4]",
                "review:            [2, 1, 0, 1, 9]",
            )
        } else {
            sample.replace("青禾县自然资源局", &format!("青禾县第{i}局"))
        };
        std::fs::write(inputs.join(format!("r{i:02}.yaml")), text).unwrap();
    }
    let (code, _, err) = gongkai(&[
        "render",
        inputs.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--bundled-fonts",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("共 50 份：49 份已生成，1 份失败"), "{err}");
    assert!(
        err.contains("失败：")
            && err.contains("r17.yaml")
            && err.contains("表四“行政复议”的“总计”为 9"),
        "{err}"
    );
    let mut written: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // the folder's lock file (`.gongkai.lock`) is no output
        .filter(|n| n != ".gongkai.lock")
        .collect();
    written.sort();
    assert_eq!(written.len(), 98, "{written:?}");
    assert!(
        !written.iter().any(|n| n.starts_with("r17.")),
        "the broken report leaves no file"
    );
}

/// `--force` renders, and stays visible: exit 1, and the summary counts it apart.
#[test]
fn force_renders_a_report_with_errors_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = gongkai(&[
        "render",
        "tests/bad/rule-error.yaml",
        "-o",
        dir.path().to_str().unwrap(),
        "--bundled-fonts",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no file without --force"
    );
    let (code, _, err) = gongkai(&[
        "render",
        "tests/bad/rule-error.yaml",
        "-o",
        dir.path().to_str().unwrap(),
        "--bundled-fonts",
        "--force",
    ]);
    assert_eq!(
        code, 1,
        "the report still failed its checks (issue 16 item 11): {err}"
    );
    assert!(
        err.contains("表三“（七）总计”行“自然人”列为 0，但各项之和为 1") && err.contains("--force"),
        "{err}"
    );
    assert!(err.contains("0 份已生成，1 份已强制生成"), "{err}");
    assert!(
        dir.path().join("rule-error.pdf").exists() && dir.path().join("rule-error.docx").exists()
    );
}

/// `--to docx` checks every character against the fonts too (the DOCX follows the PDF's layout):
/// a character no face can draw is an error naming it and its place, and no file is written.
#[test]
fn docx_only_render_refuses_a_character_no_font_draws() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qinghe-2021.yaml"),
    )
    .unwrap();
    let bad = src.replacen("扎实推进决策", "扎实推进\u{1F600}决策", 1);
    assert_ne!(bad, src);
    let file = dir.path().join("r.yaml");
    std::fs::write(&file, bad).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = gongkai(&[
        "render",
        file.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--to",
        "docx",
        "--bundled-fonts",
    ]);
    assert_eq!(code, 2, "input that cannot be rendered: {err}");
    assert!(
        err.contains("U+1F600") && err.contains("一、总体情况 第 1 项（第 13 行）"),
        "{err}"
    );
    assert!(!out.join("r.docx").exists(), "no DOCX written");
}
