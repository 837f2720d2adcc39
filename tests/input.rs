//! Real reports go through as published, and every mistake gets a Chinese message that names the
//! place and says the fix (issue 16 items 8–10 and 12; issue 15 items 10, 13 and 14).

use std::process::Command;

const SAMPLE_2021: &str = include_str!("../samples/qinghe-2021.yaml");
const SAMPLE_2020: &str = include_str!("../samples/liwang-2020.yaml");

fn with(sample: &str, edits: &[(&str, &str)]) -> String {
    let mut y = sample.to_string();
    for (from, to) in edits {
        assert!(y.contains(from), "sample lacks {from:?}");
        y = y.replacen(from, to, 1);
    }
    y
}

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

fn line_of(yaml: &str, needle: &str) -> usize {
    yaml.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// The printed text of every value cell of table `name`, in grid order.
fn printed_cells(yaml: &str, name: &str) -> Vec<String> {
    let rep = gongkai::report::load_str(yaml, None).expect("loads");
    let res = gongkai::check::resolve(rep).expect("resolves");
    let doc = gongkai::compose::compose(&res);
    let t = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            gongkai::doc::Block::Table(t) if t.name == name => Some(t),
            _ => None,
        })
        .unwrap();
    t.grid
        .iter()
        .flatten()
        .filter_map(|e| match e {
            gongkai::doc::GridEntry::Cell(c) if c.kind == gongkai::doc::CellKind::Number => {
                Some(c.text.clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn amounts_print_as_written_to_six_decimals() {
    for (written, printed) in [
        ("24252.311082", "24252.311082"),
        ("73802895.90", "73802895.90"),
        ("\"1,285.5\"", "1285.5"),
    ] {
        let y = with(
            SAMPLE_2021,
            &[("  fees:        12.85", &format!("  fees:        {written}"))],
        );
        let (code, err, _) = check(&y);
        assert_eq!(code, 0, "{written}: {err}");
        assert!(
            printed_cells(&y, "表二").contains(&printed.to_string()),
            "{written}"
        );
    }
    // 采购总金额 (2019 format, no unit in the header) may carry its unit
    let y = with(
        SAMPLE_2020,
        &[(
            "procurement:    {projects: 0, amount: 0}",
            "procurement:    {projects: 2, amount: 251000元}",
        )],
    );
    let (code, err, _) = check(&y);
    assert_eq!(code, 0, "{err}");
    assert!(printed_cells(&y, "表二").contains(&"251000元".to_string()));
    // 元 in a 万元 column would print 10 000 times too large
    let y = with(
        SAMPLE_2021,
        &[("  fees:        12.85", "  fees:        128500元")],
    );
    let (code, err, _) = check(&y);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("以万元为单位"), "{err}");
}

#[test]
fn blank_cells_print_blank_count_as_zero_and_warn_once_per_table() {
    let y = with(
        SAMPLE_2021,
        &[
            (
                "  secret:             [0, 0, 0, 0, 0, 0]",
                "  secret:             [~, ~, ~, ~, ~, ~]",
            ),
            (
                "  unclear:            [0, 0, 0, 0, 0, 0]",
                "  unclear:            [0, \"\", 0, null, 0, 0]",
            ),
            (
                "  rules:       {issued: 0, repealed: 0, in_force: 0}",
                "  rules:       {issued: , repealed: 0, in_force: 0}",
            ),
        ],
    );
    let (code, err, file) = check(&y);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("空白格").count(), 2, "{err}");
    let line = line_of(&y, "  rules:");
    assert!(err.contains(&format!("{file}:{line}:")), "{err}");
    assert!(err.contains("表三有 8 个空白格"), "{err}");
    assert!(err.contains("表二有 1 个空白格"), "{err}");
    let cells = printed_cells(&y, "表三");
    assert_eq!(cells.iter().filter(|c| c.is_empty()).count(), 8);
    // the schema allows null and says what it means
    let schema = gongkai::schema::schema(&gongkai::format::builtin().unwrap());
    assert!(schema.to_string().contains("留空：印成空白，合计时按 0 计"));
}

#[test]
fn signature_dates_follow_article_49() {
    let cases = [
        // (organ, kind line, date, warning expected)
        (
            "青禾县自然资源局",
            "",
            "2021-12-20",
            Some("在报告年度 2021 年结束之前"),
        ),
        ("青禾县自然资源局", "", "2022-03-15", Some("第四十九条")),
        ("青禾县人民政府", "", "2022-03-15", None),
        ("青禾县人民政府", "", "2022-04-02", Some("3月31日前")),
        ("青禾县青禾镇人民政府", "", "2022-02-10", Some("1月31日前")),
        ("青禾县自然资源局", "kind: 政府\n", "2022-03-15", None),
    ];
    for (organ, kind, date, want) in cases {
        let y = with(
            SAMPLE_2021,
            &[
                ("organ: 青禾县自然资源局", &format!("{kind}organ: {organ}")),
                ("  organ: 青禾县自然资源局", &format!("  organ: {organ}")),
                ("date: 2022-01-20", &format!("date: {date}")),
            ],
        );
        let (code, err, file) = check(&y);
        assert_eq!(code, 0, "{organ} {date}: {err}");
        match want {
            Some(w) => {
                let line = line_of(&y, "date:");
                assert!(err.contains(&format!("{file}:{line}:")), "{err}");
                assert!(
                    err.contains("警告") && err.contains(w),
                    "{organ} {date}: {err}"
                );
            }
            None => assert!(!err.contains("成文日期"), "{organ} {date}: {err}"),
        }
    }
    let y = with(
        SAMPLE_2021,
        &[("  organ: 青禾县自然资源局", "  organ: 青禾县人民政府办公室")],
    );
    let (code, err, _) = check(&y);
    assert_eq!(code, 0);
    assert!(
        err.contains("落款署名“青禾县人民政府办公室”与机关名称"),
        "{err}"
    );
}

#[test]
fn messages_that_misled_now_name_the_right_thing() {
    // a negative count in the 2021 format, which has no 本年增/减 column
    let y = with(SAMPLE_2021, &[("  penalty:     28", "  penalty:     -28")]);
    let (code, err, _) = check(&y);
    assert_eq!(code, 2);
    assert!(!err.contains("本年增/减"), "{err}");
    // a row written as one number: the template's 6 values, named in Chinese
    let y = with(
        SAMPLE_2021,
        &[(
            "  carried:            [2, 0, 0, 0, 0, 0, 2]",
            "  carried:            2",
        )],
    );
    let (_, err, _) = check(&y);
    assert!(err.contains("要填 6 个数（自然人、商业企业"), "{err}");
    assert!(
        err.contains("[0, 0, 0, 0, 0, 0]") && !err.contains("natural"),
        "{err}"
    );
    // the balance 一+二 = 三+四 points at the total the clerk typed, with the sums
    let y = with(
        SAMPLE_2021,
        &[(
            "  result_total:       [22, 3, 0, 1, 1, 0, 27]",
            "  result_total:       [22, 3, 0, 1, 1, 0, 28]",
        )],
    );
    let (code, err, file) = check(&y);
    assert_eq!(code, 1);
    let line = line_of(&y, "  result_total:");
    let r1: Vec<&str> = err.lines().filter(|l| l.contains("本年新收（")).collect();
    assert!(!r1.is_empty(), "{err}");
    for l in r1 {
        assert!(l.starts_with(&format!("{file}:{line}:")), "{l}");
        assert!(l.contains("之和为 29") && l.contains("之和为 30"), "{l}");
    }
}

#[test]
fn digits_with_commas_or_spaces_are_read_only_in_thousands_groups() {
    for (written, shown) in [("\"12,85\"", "“12,85”"), ("\"2 1\"", "“2 1”")] {
        let y = with(
            SAMPLE_2021,
            &[("  fees:        12.85", &format!("  fees:        {written}"))],
        );
        let (code, err, file) = check(&y);
        assert_eq!(code, 2, "{written}: {err}");
        let line = line_of(&y, "  fees:");
        assert!(err.contains(&format!("{file}:{line}:")), "{err}");
        assert!(
            err.contains(&format!(
                "表二“行政事业性收费”行“本年收费金额（单位：万元）”列填的是 {shown}"
            )),
            "{err}"
        );
    }
    let y = with(
        SAMPLE_2021,
        &[("  licensing:   356", "  licensing:   \"1,356\"")],
    );
    assert_eq!(check(&y).0, 0);
}

#[test]
fn yaml_and_library_messages_are_chinese() {
    let cases: &[(&str, &str)] = &[
        ("organ: 测试局\nyear: 2021\nother: [无, \"x]\n", ""),
        ("organ: 测试局\nyear: 2021\nother: [无\n", ""),
        (
            "organ: 测试局\nyear: 2021\nproactive:\n  licensing: .inf\n",
            "",
        ),
        ("organ: 测试局\norgan: 测试局\nyear: 2021\n", "重复"),
        ("organ: 测试局\nyear: 2021\n  other: x\n", ""),
        ("organ: 测试局\nyear: 2021\nother: `x`\n", ""),
    ];
    let english = [
        "unexpected character",
        "unclosed bracket",
        "non-finite",
        "policy",
        "DuplicateKeyPolicy",
        "simple key expected",
        "Options",
    ];
    for (yaml, want) in cases {
        let (code, err, _) = check(yaml);
        assert_eq!(code, 2, "{yaml}: {err}");
        for e in english {
            assert!(!err.contains(e), "{yaml}: {err}");
        }
        assert!(err.contains(want), "{yaml}: {err}");
    }
    for (yaml, want, not) in [
        ("organ: \"\"\nyear: 2021\n", "“organ”是空的", "而这里是文字"),
        (
            "organ: 测试局\nyear: 2021.0\n",
            "而这里是2021.0",
            "而这里是2021\n",
        ),
        (
            "- organ: 测试局\n- year: 2021\n",
            "以“- ”开头的列表",
            "而这里是列表",
        ),
    ] {
        let (code, err, _) = check(yaml);
        assert_eq!(code, 2, "{yaml}: {err}");
        assert!(err.contains(want) && !err.contains(not), "{yaml}: {err}");
    }
}

#[test]
fn heading_level_1_and_year_0_dates_are_refused() {
    let y = with(
        SAMPLE_2021,
        &[(
            "  - heading: （一）主动公开",
            "  - heading: （一）主动公开\n    level: 1",
        )],
    );
    let (code, err, file) = check(&y);
    assert_eq!(code, 2, "{err}");
    let line = line_of(&y, "level: 1");
    assert!(
        err.contains(&format!("{file}:{line}:")) && err.contains("而这里是1"),
        "{err}"
    );
    let y = with(SAMPLE_2021, &[("date: 2022-01-20", "date: 0000-01-01")]);
    let (code, err, _) = check(&y);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("0000-01-01") && err.contains("不合理"),
        "{err}"
    );
}
