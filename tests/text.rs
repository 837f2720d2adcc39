//! What the clerk typed is what gets printed (issue 16 items 1–7): YAML never changes the text
//! silently — a `#` that cuts a paragraph, a colon that makes a key, a full-width colon, a line
//! break between Chinese characters, template placeholders, a heading written as a paragraph.

use std::path::Path;
use std::process::Command;

const SAMPLE: &str = include_str!("../samples/qinghe-2021.yaml");

/// The sample with each `from` replaced by `to` (each must occur).
fn sample_with(edits: &[(&str, &str)]) -> String {
    let mut y = SAMPLE.to_string();
    for (from, to) in edits {
        assert!(y.contains(from), "sample lacks {from:?}");
        y = y.replacen(from, to, 1);
    }
    y
}

/// `gongkai check` on `yaml` written to a file: (exit code, stderr, the file's name).
fn check(yaml: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.yaml");
    std::fs::write(&f, yaml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["check", f.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        f.display().to_string(),
    )
}

/// The line number of the first line of `yaml` containing `needle`.
fn line_of(yaml: &str, needle: &str) -> usize {
    yaml.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn paragraphs(yaml: &str, section: &str) -> Vec<String> {
    let rep = gongkai::report::load_str(yaml, None).expect("loads");
    let s = rep.sections.iter().find(|s| s.id == section).unwrap();
    match &s.body {
        gongkai::report::SectionBody::Text(b) => b
            .iter()
            .filter_map(|b| match b {
                gongkai::report::Block::Para(p) => Some(p.value.clone()),
                _ => None,
            })
            .collect(),
        _ => panic!("not text"),
    }
}

#[test]
fn a_hash_that_cuts_a_paragraph_is_an_error_naming_the_line() {
    let y = sample_with(&[(
        "  - 本年度我局未收取信息处理费。",
        "  - 本年度我局主动公开政府信息1536条 #含转载，其中原创1200条。",
    )]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 2, "{err}");
    let line = line_of(&y, "1536条");
    assert!(
        err.contains(&format!("{file}:{line}:")) && err.contains("被截断"),
        "{err}"
    );
    assert!(err.contains("- |"), "the hint shows the block form: {err}");
    // the same text in a block is printed whole
    let y = sample_with(&[(
        "  - 本年度我局未收取信息处理费。",
        "  - |\n    本年度我局主动公开政府信息1536条 #含转载，其中原创1200条。",
    )]);
    assert!(paragraphs(&y, "other")[0].ends_with("#含转载，其中原创1200条。"));
    assert_eq!(check(&y).0, 0);
}

#[test]
fn a_line_break_between_chinese_characters_is_not_a_space() {
    let y = sample_with(&[(
        "  - 本年度我局未收取信息处理费。",
        "  - 本年度我局未收取\n    信息处理费。\n  - 电话 0000-1234567，\n    网址 www.example.gov.cn\n    也可查询。",
    )]);
    let p = paragraphs(&y, "other");
    assert_eq!(p[0], "本年度我局未收取信息处理费。");
    // between a Latin letter or digit and a Chinese character the break stays a space
    assert_eq!(
        p[1],
        "电话 0000-1234567，网址 www.example.gov.cn 也可查询。"
    );
}

#[test]
fn a_colon_that_makes_a_paragraph_a_key_says_so() {
    let y = sample_with(&[(
        "  - 本年度我局未收取信息处理费。",
        "  - 信息处理费: 本年度我局未收取。",
    )]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 2, "{err}");
    let line = line_of(&y, "信息处理费: ");
    assert!(err.contains(&format!("{file}:{line}:10:")), "{err}");
    assert!(
        err.contains("“键: 值”") && err.contains("中文冒号“：”"),
        "{err}"
    );
    assert!(!err.contains("未知的项"), "{err}");
    // the same without "- ": the whole section became a mapping
    let y = sample_with(&[(
        "  - 本年度我局未收取信息处理费。\n  - 2021年，我局认真落实上级政务公开工作要点，办理人大代表建议8件、政协委员提案5件，办理结果均已按规定公开。",
        "  信息处理费: 本年度我局未收取。",
    )]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 2, "{err}");
    let line = line_of(&y, "信息处理费: ");
    assert!(err.contains(&format!("{file}:{line}:8:")), "{err}");
    assert!(
        err.contains("“键: 值”") && err.contains("中文冒号“：”"),
        "{err}"
    );
}

#[test]
fn a_fullwidth_colon_after_a_key_is_pointed_at() {
    for (from, to, col) in [
        ("organ: 青禾县自然资源局", "organ： 青禾县自然资源局", 6),
        ("  penalty:     28", "  penalty：   28", 10),
    ] {
        let y = sample_with(&[(from, to)]);
        let (code, err, file) = check(&y);
        assert_eq!(code, 2, "{err}");
        let line = line_of(&y, to);
        assert!(
            err.contains(&format!("{file}:{line}:{col}:")),
            "{to}: {err}"
        );
        assert!(err.contains("把“：”改成英文冒号“:”"), "{err}");
        for english in ["comment intercepting", "simple key", "expected"] {
            assert!(!err.contains(english), "{err}");
        }
    }
}

#[test]
fn every_template_placeholder_is_refused_until_replaced() {
    for ph in gongkai::report::placeholder::PLACEHOLDERS {
        let y = sample_with(&[("青禾县人民政府门户网站", ph)]);
        let (code, err, file) = check(&y);
        assert_eq!(code, 1, "{ph}: {err}");
        let line = line_of(&y, ph);
        assert!(err.contains(&format!("{file}:{line}:")), "{err}");
        assert!(err.contains(ph), "{err}");
    }
}

#[test]
fn a_template_written_by_new_uses_blocks_and_checks_once_filled() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["new", "--organ", "青石县教育局", "--year", "2023", "-o"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let t = std::fs::read_to_string(&f).unwrap();
    assert!(t.contains("  - |\n    "), "prose as block scalars:\n{t}");
    assert!(t.contains("# 和 :"), "the comments say why:\n{t}");
    let (code, err, _) = check(&t);
    assert_eq!(code, 1, "{err}");
    for ph in gongkai::report::placeholder::PLACEHOLDERS {
        assert!(err.contains(ph), "{ph} not reported: {err}");
    }
    let mut filled = t.clone();
    for (ph, with) in [
        (
            "（请填写）",
            "本年度工作正常开展。电话：0000-1234567 #1 分机",
        ),
        ("（网站名称）", "青石县人民政府网站"),
        (
            "（联系部门，地址，电话）",
            "青石县教育局办公室（电话：0000-1234567）",
        ),
    ] {
        filled = filled.replace(ph, with);
    }
    let (code, err, _) = check(&filled);
    assert_eq!(code, 0, "{err}");
    let p = paragraphs(&filled, "overview");
    assert_eq!(p, ["本年度工作正常开展。电话：0000-1234567 #1 分机"]);
}

#[test]
fn a_heading_written_as_a_paragraph_is_a_warning_showing_the_heading_form() {
    let y = sample_with(&[("  - heading: （二）依申请公开", "  - （二）依申请公开")]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 0, "{err}");
    let line = line_of(&y, "  - （二）依申请公开");
    assert!(err.contains(&format!("{file}:{line}:5: 警告：")), "{err}");
    assert!(err.contains("- heading: （二）依申请公开"), "{err}");
}

#[test]
fn a_thousands_separator_in_a_flow_list_is_named() {
    for row in [
        "  new:                [1,038, 3, 0, 1, 2, 0]",
        "  new:                [1,038, 3, 0, 1, 2, 0, 27]",
    ] {
        let y = sample_with(&[("  new:                [21, 3, 0, 1, 2, 0, 27]", row)]);
        let (code, err, file) = check(&y);
        assert_eq!(code, 2, "{err}");
        let line = line_of(&y, "[1,038");
        assert!(err.contains(&format!("{file}:{line}:")), "{err}");
        assert!(err.contains("“1,038”被逗号分成了两个数"), "{err}");
        assert_eq!(
            err.matches("错误").count(),
            1,
            "one error, not seven: {err}"
        );
    }
    // a compact list without spaces is not taken for one
    let y = sample_with(&[(
        "  carried:            [2, 0, 0, 0, 0, 0, 2]",
        "  carried:            [2,0,0,0,0,0,2]",
    )]);
    assert_eq!(check(&y).0, 0);
}

#[test]
fn invisible_control_characters_are_their_own_error_printed_escaped() {
    for c in ['\u{202E}', '\u{200B}'] {
        let y = sample_with(&[(
            "本年度我局未收取信息处理费。",
            &format!("本年度我局未收取{c}信息处理费。"),
        )]);
        let (code, err, file) = check(&y);
        assert_eq!(code, 2, "{err}");
        let line = line_of(&y, "未收取");
        assert!(err.contains(&format!("{file}:{line}:")), "{err}");
        assert!(err.contains("不可见的控制字符"), "{err}");
        assert!(err.contains(&format!("U+{:04X}", c as u32)), "{err}");
        assert!(!err.contains(c), "printed raw: {err:?}");
    }
    // a key with U+202E is echoed escaped
    let y = sample_with(&[("other:  ", "oth\u{202E}er:  ")]);
    let (_, err, _) = check(&y);
    assert!(
        !err.contains('\u{202E}') && err.contains("<U+202E>"),
        "{err:?}"
    );
}

#[test]
fn a_character_no_font_draws_fails_check_with_its_place_also_in_the_title() {
    let y = sample_with(&[(
        "organ: 青禾县自然资源局",
        "organ: 青禾县自然资源局\ntitle: 青禾县自然资源局2021年政府信息公开工作年度报告😀",
    )]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 1, "{err}");
    let line = line_of(&y, "title:");
    assert!(err.contains(&format!("{file}:{line}:")), "{err}");
    assert!(err.contains("U+1F600"), "{err}");
    let y = sample_with(&[(
        "本年度我局未收取信息处理费。",
        "本年度我局未收取𪛖信息处理费。",
    )]);
    let (code, err, file) = check(&y);
    assert_eq!(code, 1, "{err}");
    let line = line_of(&y, "𪛖");
    assert!(err.contains(&format!("{file}:{line}:13:")), "{err}");
    assert!(Path::new(&file).extension().is_some());
}
