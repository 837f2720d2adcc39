//! `gongkai new` and `gongkai schema` as a clerk uses them: a template that checks once filled in,
//! carry-over from last year, no silent overwrite, and a schema that accepts every sample and template.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> (i32, String) {
    let o = bin().args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout),
    )
}

fn fill(path: &Path) {
    let mut t = std::fs::read_to_string(path).unwrap();
    for ph in gongkai::report::placeholder::PLACEHOLDERS {
        t = t.replace(ph, "本年度工作情况良好");
    }
    std::fs::write(path, t).unwrap();
}

#[test]
fn new_template_is_refused_until_filled_then_checks() {
    let dir = tempfile::tempdir().unwrap();
    for year in ["2020", "2021", "2025"] {
        let f = dir.path().join(format!("t{year}.yaml"));
        let (code, err) = run(&[
            "new",
            "--organ",
            "测试县测试局",
            "--year",
            year,
            "-o",
            f.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let (code, err) = run(&["check", f.to_str().unwrap()]);
        assert_eq!(code, 1, "an unfilled template must not pass: {err}");
        assert!(err.contains("还没有填写"), "{err}");
        fill(&f);
        let (code, err) = run(&["check", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{year}: {err}");
    }
}

#[test]
fn new_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.yaml");
    std::fs::write(&f, "keep me").unwrap();
    let (code, err) = run(&[
        "new",
        "--organ",
        "测试局",
        "--year",
        "2021",
        "-o",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("已存在"), "{err}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "keep me");
    let (code, _) = run(&[
        "new",
        "--organ",
        "测试局",
        "--year",
        "2021",
        "-o",
        f.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn new_from_last_year_carries_numbers_and_passes_r5() {
    let dir = tempfile::tempdir().unwrap();
    // 2020 (2019 format) → 2021 (2021 format): organ, lead with the year moved on, 上年结转 from 结转.
    let f = dir.path().join("liwang-2021.yaml");
    let (code, err) = run(&[
        "new",
        "--from",
        "samples/liwang-2020.yaml",
        "--year",
        "2021",
        "-o",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let t = std::fs::read_to_string(&f).unwrap();
    assert!(t.contains("organ: 海原县李旺镇人民政府"));
    assert!(
        t.contains("自2021年1月1日起至2021年12月31日止"),
        "lead year updated"
    );
    assert!(
        t.contains("上年度（2020）报告所列问题和改进措施"),
        "last year's 改进情况 as a comment"
    );
    fill(&f);
    let (code, err) = run(&[
        "check",
        f.to_str().unwrap(),
        "--previous",
        "samples/liwang-2020.yaml",
    ]);
    assert_eq!(code, 0, "{err}");

    // 2021 → 2022 (same format): carried = last 结转 per column, 现行有效件数 carried.
    let g = dir.path().join("qinghe-2022.yaml");
    let (code, err) = run(&[
        "new",
        "--from",
        "samples/qinghe-2021.yaml",
        "--year",
        "2022",
        "-o",
        g.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let t = std::fs::read_to_string(&g).unwrap();
    let carried = t
        .lines()
        .find(|l| l.trim_start().starts_with("carried:"))
        .unwrap();
    assert!(carried.contains("[1, 0, 0, 0, 1, 0]"), "{carried}");
    let normative = t
        .lines()
        .find(|l| l.trim_start().starts_with("normative:"))
        .unwrap();
    assert!(normative.contains("in_force: 12"), "{normative}");
    // Filled in with the carried applications handled, it passes R5 against last year.
    let t = t
        .replace("（请填写）", "略。")
        .replace(&carried.to_string(), "  carried: [1, 0, 0, 0, 1, 0]\n  ");
    let t = t.replacen(
        "granted:             [0, 0, 0, 0, 0, 0]",
        "granted: [1, 0, 0, 0, 1, 0]",
        1,
    );
    std::fs::write(&g, t).unwrap();
    let (code, err) = run(&[
        "check",
        g.to_str().unwrap(),
        "--previous",
        "samples/qinghe-2021.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
}

fn yaml_to_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str::<serde_json::Value>(&text).unwrap()
}

#[test]
fn schema_validates_samples_and_templates_and_rejects_typos() {
    let (code, out) = run(&["schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&out).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        root.join("samples/liwang-2020.yaml"),
        root.join("samples/qinghe-2021.yaml"),
    ];
    for year in ["2020", "2021"] {
        let f = dir.path().join(format!("{year}.yaml"));
        assert_eq!(
            run(&[
                "new",
                "--organ",
                "测试局",
                "--year",
                year,
                "-o",
                f.to_str().unwrap()
            ])
            .0,
            0
        );
        files.push(f);
    }
    for f in &files {
        let v = yaml_to_json(f);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
    // A misspelt row is caught by the schema too (what an editor shows as a red squiggle).
    let mut v = yaml_to_json(&files[0]);
    v["applications"]["repeted"] = serde_json::json!([0, 0, 0, 0, 0, 0]);
    assert!(!validator.is_valid(&v));
    // The committed copy next to the samples is current.
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("gongkai.schema.json")).unwrap())
            .unwrap();
    assert_eq!(
        committed, schema,
        "gongkai.schema.json is stale: run `gongkai schema > gongkai.schema.json`"
    );
}
