//! The browser editor's model: a report's YAML → Draft → YAML keeps the report; the Form is the
//! printed table; findings point at the field the clerk must change.

use std::path::{Path, PathBuf};

use gongkai::check::{self, Resolved};
use gongkai::edit::{
    self, check_draft, draft_from_yaml, draft_to_yaml, form, new_draft, resolve_draft, Block,
    Draft, Finding, Section, Target,
};
use gongkai::format::{CellContent, Entry};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sample(name: &str) -> String {
    read(&repo(&format!("samples/{name}")))
}

/// Every report file in the repository's samples and test suites.
fn every_report() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![repo("samples"), repo("tests/suite"), repo("tests/bad")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn resolve_text(text: &str) -> Result<Resolved, gongkai::diag::Diagnostics> {
    check::resolve(gongkai::report::load_str(text, None)?)
}

/// What a report says, without where it says it: the values of every cell and every text.
fn content(r: &Resolved) -> String {
    let mut out = format!(
        "{}|{}|{:?}|{}|{:?}\n",
        r.report.organ.value,
        r.report.year.value,
        r.report.format.as_ref().map(|f| &f.value),
        r.title(),
        r.report.kind.as_ref().map(|k| &k.value)
    );
    for l in &r.report.lead {
        out.push_str(&format!("lead: {}\n", l.value));
    }
    for s in &r.format.sections {
        for b in r.text(&s.id) {
            match b {
                gongkai::report::Block::Para(p) => {
                    out.push_str(&format!("{}: {}\n", s.id, p.value))
                }
                gongkai::report::Block::Heading {
                    text,
                    level,
                    run_in,
                } => out.push_str(&format!(
                    "{}: [{}] {:?} {:?}\n",
                    s.id,
                    text.value,
                    level,
                    run_in.as_ref().map(|r| &r.value)
                )),
            }
        }
    }
    for (t, vals) in &r.values {
        for ((row, col), v) in vals {
            out.push_str(&format!(
                "{t}.{row}.{col} = {} computed={} blank={} unit={:?}\n",
                v.number.display(),
                v.computed,
                v.blank,
                v.unit
            ));
        }
    }
    if let Some(s) = &r.report.signature {
        out.push_str(&format!(
            "signature: {:?} {}\n",
            s.organ.as_ref().map(|o| &o.value),
            s.date.value
        ));
    }
    out
}

fn findings_text(r: &Resolved) -> Vec<String> {
    let mut v: Vec<String> = check::run(r, None)
        .into_iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    v.sort();
    v
}

#[test]
fn every_report_round_trips_and_keeps_its_content() {
    let mut accepted = 0;
    for p in every_report() {
        let text = read(&p);
        let name = p.display();
        let Ok(d) = draft_from_yaml(&text, Some(&p)) else {
            // refused only where `check` cannot read the file either
            assert!(
                resolve_text(&text).is_err(),
                "{name}: refused, but check reads it"
            );
            continue;
        };
        accepted += 1;
        let yaml = draft_to_yaml(&d).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let again = draft_from_yaml(&yaml, None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(again, d, "{name}: Draft changed through YAML:\n{yaml}");
        assert_eq!(draft_to_yaml(&again).unwrap(), yaml, "{name}: not stable");
        match resolve_text(&text) {
            Ok(orig) => {
                let saved = resolve_draft(&d).expect("resolves");
                assert_eq!(content(&saved), content(&orig), "{name}\n{yaml}");
                // the same findings, but where the file itself left a section or a row out
                let (a, b) = (findings_text(&orig), findings_text(&saved));
                let missing = |f: &String| f.contains("缺少");
                if !a.iter().chain(&b).any(missing) {
                    assert_eq!(b, a, "{name}\n{yaml}");
                }
            }
            Err(orig) => {
                // a value that is not a number: kept as typed, the same message from the check
                let saved = resolve_draft(&d).expect_err("still wrong");
                let msgs = |d: &gongkai::diag::Diagnostics| {
                    d.iter().map(|x| x.message.clone()).collect::<Vec<_>>()
                };
                assert_eq!(msgs(&saved), msgs(&orig), "{name}");
            }
        }
    }
    assert!(accepted >= 25, "only {accepted} reports read");
}

#[test]
fn the_samples_round_trip_exactly() {
    for s in ["qinghe-2021.yaml", "liwang-2020.yaml"] {
        let text = sample(s);
        let d = draft_from_yaml(&text, None).unwrap();
        let yaml = draft_to_yaml(&d).unwrap();
        assert_eq!(draft_from_yaml(&yaml, None).unwrap(), d);
        let (a, b) = (resolve_text(&text).unwrap(), resolve_text(&yaml).unwrap());
        assert_eq!(content(&a), content(&b));
        assert!(
            check::run(&b, None).is_empty(),
            "{:?}",
            check::run(&b, None)
        );
        // the template's comments and layout
        assert!(yaml.contains("# 填写说明：“#”开头的行是说明，不会印出来。"));
        assert!(yaml.contains("  - |\n    "));
        assert!(yaml.contains("# （七）总计\n") || yaml.contains("# （七）总计"));
    }
    let d = draft_from_yaml(&sample("qinghe-2021.yaml"), None).unwrap();
    let yaml = draft_to_yaml(&d).unwrap();
    let line = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("granted:"))
        .unwrap();
    assert!(
        line.contains("[9, 2, 0, 1, 0, 0]") && line.ends_with("# （一）予以公开"),
        "{line}"
    );
}

const HOSTILE: &[&str] = &[
    "信息处理费: 本年度未收取 # 不是注释",
    "注：全文共三部分：“一”“二”“三”",
    "organ：青禾县（全角冒号）",
    "- 以短横线和空格开头的一段",
    "\"双引号\"开头，'单引号'，结尾\"",
    r"反斜杠 C:\path\to\file \n 不是换行 \\ 两个",
    "| 竖线开头 > 大于号",
    "--- 三个短横线",
    "... 三个点",
    "&anchor *alias !tag %percent @at `backtick` {brace} [bracket], comma",
    "? 问号开头",
    "# 井号开头的一段",
    "123",
    "2021-01-20",
    "true",
    "null",
    "~",
    "[1, 2]",
    "<script>alert(1)</script>",
];

fn text_section<'a>(d: &'a mut Draft, id: &str) -> &'a mut Vec<Block> {
    d.sections
        .iter_mut()
        .find_map(|s| match s {
            Section::Text { id: i, blocks } if i == id => Some(blocks),
            _ => None,
        })
        .expect("text section")
}

fn rows<'a>(d: &'a mut Draft, id: &str) -> &'a mut std::collections::BTreeMap<String, Vec<String>> {
    d.sections
        .iter_mut()
        .find_map(|s| match s {
            Section::Table { id: i, rows } if i == id => Some(rows),
            _ => None,
        })
        .expect("table section")
}

#[test]
fn hostile_text_survives_exactly() {
    let mut d = draft_from_yaml(&sample("qinghe-2021.yaml"), None).unwrap();
    let long = "很长的一段".repeat(2000);
    let mut paras: Vec<Block> = HOSTILE
        .iter()
        .map(|t| Block::Para {
            para: t.to_string(),
        })
        .collect();
    paras.push(Block::Para { para: long.clone() });
    for (i, t) in HOSTILE.iter().enumerate() {
        paras.push(Block::Heading {
            heading: t.to_string(),
            level: Some(2 + (i % 3) as u8),
            text: Some(HOSTILE[HOSTILE.len() - 1 - i].to_string()),
        });
    }
    *text_section(&mut d, "other") = paras.clone();
    d.title = Some("标题: 含 # 和“引号”".into());
    d.organ = "青禾县: 自然资源局 #1".into();
    d.kind = Some("部门".into());
    d.signature = Some(edit::Signature {
        organ: Some("- 署名 # x".into()),
        date: "2022-01-20".into(),
    });
    let yaml = draft_to_yaml(&d).unwrap();
    let back = draft_from_yaml(&yaml, None).unwrap();
    assert_eq!(back, d, "{yaml}");
    // and the loader (what check and render read) has the same texts, without a warning about them
    let res = resolve_text(&yaml).unwrap();
    let printed: Vec<String> = res
        .text("other")
        .iter()
        .map(|b| match b {
            gongkai::report::Block::Para(p) => p.value.clone(),
            gongkai::report::Block::Heading { text, .. } => text.value.clone(),
        })
        .collect();
    let want: Vec<String> = paras
        .iter()
        .map(|b| match b {
            Block::Para { para } => para.clone(),
            Block::Heading { heading, .. } => heading.clone(),
        })
        .collect();
    assert_eq!(printed, want);
    assert_eq!(res.report.organ.value, "青禾县: 自然资源局 #1");
    let diags = check::run(&res, None);
    assert!(
        diags.iter().all(|x| !matches!(
            x.code.as_str(),
            "comment-cut" | "colon-key" | "fullwidth-colon"
        )),
        "{diags:?}"
    );
}

#[test]
fn spaces_and_line_breaks_are_read_as_the_loader_reads_them() {
    let mut d = draft_from_yaml(&sample("qinghe-2021.yaml"), None).unwrap();
    *text_section(&mut d, "other") = vec![
        Block::Para {
            para: "  前后有空格的一段   ".into(),
        },
        Block::Para { para: "".into() },
        Block::Para {
            para: "第一行\n第二行\r\n\n第三行".into(),
        },
        Block::Heading {
            heading: " （一）标题 ".into(),
            level: None,
            text: Some("  ".into()),
        },
    ];
    let yaml = draft_to_yaml(&d).unwrap();
    let back = draft_from_yaml(&yaml, None).unwrap();
    assert_eq!(back, edit::normalise(&d));
    let other = back
        .sections
        .iter()
        .find(|s| s.id() == "other")
        .unwrap()
        .clone();
    let Section::Text { blocks, .. } = other else {
        panic!()
    };
    let para = |s: &str| Block::Para { para: s.into() };
    assert_eq!(
        blocks,
        [
            para("前后有空格的一段"),
            para("第一行"),
            para("第二行"),
            para("第三行"),
            Block::Heading {
                heading: "（一）标题".into(),
                level: None,
                text: None
            }
        ]
    );
}

#[test]
fn the_organ_is_kept_as_text() {
    let organ = "<script>alert(1)</script>";
    let d = new_draft(organ, 2021, None).unwrap();
    let yaml = draft_to_yaml(&d).unwrap();
    let back = draft_from_yaml(&yaml, None).unwrap();
    assert_eq!(back.organ, organ);
    let res = resolve_draft(&back).unwrap();
    assert_eq!(
        res.title(),
        "<script>alert(1)</script>2021年政府信息公开工作年度报告"
    );
    let json = serde_json::to_string(&back).unwrap();
    let again: Draft = serde_json::from_str(&json).unwrap();
    assert_eq!(again, back);
}

#[test]
fn a_new_draft_carries_last_year_as_new_from_does() {
    let prev = resolve_text(&sample("qinghe-2021.yaml")).unwrap();
    let d = new_draft("青禾县自然资源局", 2022, Some(&prev)).unwrap();
    let from_draft = resolve_draft(&d).unwrap();
    let format = gongkai::format::for_year(2022).unwrap();
    let template = gongkai::template::template(
        &format,
        &gongkai::template::TemplateInput {
            organ: "青禾县自然资源局",
            year: 2022,
            previous: Some(&prev),
            schema_ref: "gongkai.schema.json",
        },
    );
    let from_template = resolve_text(&template).unwrap();
    assert_eq!(content(&from_draft), content(&from_template));
    // 上年结转 = last year's 结转下年度继续办理, cell by cell; 现行有效件数 carried
    for c in ["natural", "legal_services", "total"] {
        let carried = from_draft.value("applications", "carried", c).unwrap();
        let last = prev.value("applications", "carried_next", c).unwrap();
        assert_eq!(carried.number, last.number, "{c}");
    }
    assert_eq!(
        from_draft
            .value("proactive", "normative", "in_force")
            .unwrap()
            .number
            .display(),
        "12"
    );
    assert!(check_draft(&d, Some(&prev)).iter().all(|f| f.code != "R5"));
    // every section and row present
    let f = form(&d).unwrap();
    assert_eq!(
        d.sections.iter().map(|s| s.id()).collect::<Vec<_>>(),
        f.sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>()
    );
    assert!(new_draft("某局", 2001, None).is_err());
    // `check` points at the line a paragraph stands on (the template's `- |` blocks)
    let rep = gongkai::report::load_str(&template, None).unwrap();
    let overview = rep.sections.iter().find(|s| s.id == "overview").unwrap();
    let gongkai::report::SectionBody::Text(b) = &overview.body else {
        panic!()
    };
    let gongkai::report::Block::Para(p) = &b[0] else {
        panic!()
    };
    let line = template.lines().nth(p.pos.line as usize - 1).unwrap();
    assert_eq!(line.trim(), "（请填写）");
}

#[test]
fn every_number_cell_of_the_form_edits_the_value_printed_there() {
    for year in [2020, 2021] {
        let mut d = new_draft("某县某局", year, None).unwrap();
        let f = form(&d).unwrap();
        let format = gongkai::format::for_year(year).unwrap();
        assert_eq!(f.format, format.id);
        // a distinct number in every cell, through the form's inputs
        let mut n = 0;
        let mut expect = Vec::new();
        for s in &f.sections {
            let Some(t) = &s.table else { continue };
            let ft = format
                .table(&format.section(&s.id).unwrap().table.clone().unwrap())
                .unwrap();
            assert_eq!(t.grid.len(), ft.grid.len());
            for (r, row) in t.grid.iter().enumerate() {
                assert_eq!(row.len(), t.columns);
                for (c, cell) in row.iter().enumerate() {
                    match (&ft.grid[r][c], cell) {
                        (Entry::Merged { .. }, None) => {}
                        (Entry::Cell(fc), Some(cell)) => {
                            assert_eq!((cell.colspan, cell.rowspan), (fc.colspan, fc.rowspan));
                            match &fc.content {
                                CellContent::Text(text) => {
                                    assert_eq!(&cell.text, text);
                                    assert!(cell.input.is_none());
                                }
                                CellContent::Value(row_id, col_id) => {
                                    let input = cell.input.as_ref().expect("number cell input");
                                    assert_eq!(&input.row, row_id);
                                    let computable = check::computable_cells(&format).contains(&(
                                        ft.def.id.clone(),
                                        row_id.clone(),
                                        col_id.clone(),
                                    ));
                                    assert_eq!(input.total, computable);
                                    n += 1;
                                    let vals = rows(&mut d, &s.id).get_mut(&input.row).unwrap();
                                    vals[input.col] = n.to_string();
                                    expect.push((
                                        ft.def.id.clone(),
                                        row_id.clone(),
                                        col_id.clone(),
                                        n,
                                    ));
                                }
                            }
                        }
                        (e, x) => panic!("{}: grid ({r},{c}) {e:?} vs {x:?}", s.id),
                    }
                }
            }
        }
        assert!(n > 40, "{n} number cells");
        let res = resolve_draft(&d).unwrap();
        for (t, r, c, n) in expect {
            let v = res
                .value(&t, &r, &c)
                .unwrap_or_else(|| panic!("{t}.{r}.{c}"));
            assert_eq!(v.number.display(), n.to_string(), "{t}.{r}.{c}");
            assert!(!v.computed);
        }
        let json = serde_json::to_value(&f).unwrap();
        let cell = &json["sections"][2]["table"]["grid"][3][3];
        assert_eq!(cell["kind"], "number");
        assert_eq!(cell["input"]["row"], "new");
        assert_eq!(json["sections"][0]["kind"], "text");
    }
}

fn qinghe() -> Draft {
    draft_from_yaml(&sample("qinghe-2021.yaml"), None).unwrap()
}

fn cell(section: &str, row: &str, col: usize) -> Option<Target> {
    Some(Target::Cell {
        section: section.into(),
        row: row.into(),
        col,
    })
}

fn errors(f: &[Finding]) -> Vec<&Finding> {
    f.iter()
        .filter(|f| f.severity == gongkai::diag::Severity::Error)
        .collect()
}

#[test]
fn a_broken_total_is_found_on_its_cell() {
    let clean = qinghe();
    assert!(check_draft(&clean, None).is_empty());
    let mut d = clean.clone();
    rows(&mut d, "applications")
        .get_mut("result_total")
        .unwrap()[0] = "23".into();
    let f = check_draft(&d, None);
    let r3 = f.iter().find(|f| f.code == "R3").expect("R3");
    assert_eq!(r3.target, cell("applications", "result_total", 0));
    assert!(
        r3.message.contains("“（七）总计”行“自然人”列"),
        "{}",
        r3.message
    );
    // the balance of 一+二 = 三+四 breaks on the same cell
    assert!(errors(&f)
        .iter()
        .all(|x| x.target == cell("applications", "result_total", 0)));
    // fixed: clean again
    rows(&mut d, "applications")
        .get_mut("result_total")
        .unwrap()[0] = "22".into();
    assert!(check_draft(&d, None).is_empty());
}

#[test]
fn a_computed_total_is_found_on_its_cell() {
    // 表四 行政复议: the 总计 left empty is computed; break it by a typed 总计 elsewhere
    let mut d = qinghe();
    let review = rows(&mut d, "applications");
    // the row totals of 表三 left empty (computed), （七）总计's 总计 typed wrong
    for (id, v) in review.iter_mut() {
        if id != "result_total" {
            let last = v.len() - 1;
            v[last] = String::new();
        }
    }
    review.get_mut("result_total").unwrap()[6] = "26".into();
    let f = check_draft(&d, None);
    let e = errors(&f);
    assert!(!e.is_empty());
    for x in &e {
        let Some(Target::Cell { row, col, .. }) = &x.target else {
            panic!("{x:?}")
        };
        assert_eq!((row.as_str(), *col), ("result_total", 6), "{x:?}");
        assert!(x.message.contains("“总计”"), "{}", x.message);
    }
    // a computed row total that disagrees: 表三 （七）总计 row with its 总计 left empty, an item
    // changed → R3 on the 自然人 column at the （七）总计 cell, not at the item the sum starts from
    let mut d = qinghe();
    let t = rows(&mut d, "applications");
    t.get_mut("granted").unwrap()[0] = "10".into();
    for v in t.get_mut("result_total").unwrap().iter_mut() {
        *v = String::new();
    }
    let f = check_draft(&d, None);
    let r1 = f.iter().find(|f| f.code == "R1").expect("R1 breaks");
    let Some(Target::Cell { row, col, .. }) = &r1.target else {
        panic!("{r1:?}")
    };
    assert_eq!(*col, 0, "{r1:?}");
    assert!(r1.message.contains("“自然人”列"));
    assert!(["new", "carried", "result_total", "carried_next"].contains(&row.as_str()));
}

#[test]
fn findings_point_at_values_rows_texts_and_fields() {
    let mut d = qinghe();
    let t = rows(&mut d, "applications");
    t.get_mut("secret").unwrap()[2] = "十二".into();
    let f = check_draft(&d, None);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].target, cell("applications", "secret", 2));
    assert!(f[0]
        .message
        .contains("“（三）不予公开 1.属于国家秘密”行“科研机构”列"));
    assert_eq!(resolve_draft(&d).unwrap_err()[0].code, "value");

    // a blank cell: the warning on it
    let mut d = qinghe();
    rows(&mut d, "review").get_mut("direct_suit").unwrap()[1] = String::new();
    let f = check_draft(&d, None);
    let blank = f.iter().find(|f| f.code == "blank").expect("blank");
    assert_eq!(blank.target, cell("review", "direct_suit", 1));

    // a row left empty: missing, on that row
    let mut d = qinghe();
    for v in rows(&mut d, "applications").get_mut("unclear").unwrap() {
        *v = String::new();
    }
    let f = check_draft(&d, None);
    let r11 = f.iter().find(|f| f.code == "R11").expect("R11");
    assert_eq!(r11.target, cell("applications", "unclear", 0));

    // a placeholder in a paragraph, a year in the lead, an empty section
    let mut d = qinghe();
    text_section(&mut d, "overview")[2] = Block::Para {
        para: "（请填写）".into(),
    };
    text_section(&mut d, "problems").clear();
    let f = check_draft(&d, None);
    let on = |t: Option<Target>| f.iter().any(|x| x.target == t);
    assert!(
        on(Some(Target::Block {
            section: "overview".into(),
            block: 2
        })),
        "{f:#?}"
    );
    assert!(on(Some(Target::Block {
        section: "problems".into(),
        block: 0
    })));
    let mut d = qinghe();
    if let Block::Para { para } = &mut d.lead[0] {
        *para = para.replace(
            "自2021年1月1日起至2021年12月31日止",
            "自2020年1月1日起至2020年12月31日止",
        );
    }
    let f = check_draft(&d, None);
    assert!(
        f.iter().any(|x| x.target
            == Some(Target::Block {
                section: "lead".into(),
                block: 0
            })),
        "{f:#?}"
    );

    // fields: the date, the organ, an invisible character (the YAML is then refused)
    let mut d = qinghe();
    d.signature.as_mut().unwrap().date = "2022-13-45".into();
    let f = check_draft(&d, None);
    assert_eq!(
        f[0].target,
        Some(Target::Field {
            field: "signature.date".into()
        })
    );
    assert!(draft_to_yaml(&d).is_err());
    let mut d = qinghe();
    d.organ = " ".into();
    let f = check_draft(&d, None);
    assert_eq!(
        f[0].target,
        Some(Target::Field {
            field: "organ".into()
        })
    );
    let mut d = qinghe();
    text_section(&mut d, "other")[1] = Block::Para {
        para: "隐藏\u{202E}字符".into(),
    };
    let f = check_draft(&d, None);
    assert_eq!(f[0].code, "control-char");
    assert_eq!(
        f[0].target,
        Some(Target::Block {
            section: "other".into(),
            block: 1
        })
    );
    let mut d = qinghe();
    d.year = 2001;
    let f = check_draft(&d, None);
    assert_eq!(
        f[0].target,
        Some(Target::Field {
            field: "year".into()
        })
    );
}

#[test]
fn a_draft_of_another_shape_is_refused_with_its_place() {
    let mut d = qinghe();
    d.lead.push(Block::Heading {
        heading: "（一）导语中的标题".into(),
        level: None,
        text: None,
    });
    rows(&mut d, "review")
        .get_mut("review")
        .unwrap()
        .push("1".into());
    assert!(draft_to_yaml(&d).is_err());
    assert!(resolve_draft(&d).is_err());
    let f = check_draft(&d, None);
    let targets: Vec<_> = f.iter().map(|f| f.target.clone()).collect();
    assert_eq!(
        targets,
        [
            Some(Target::Block {
                section: "lead".into(),
                block: 1
            }),
            cell("review", "review", 0)
        ]
    );
    assert!(f[1]
        .message
        .contains("表四“行政复议”行应有 5 个数，这里有 6 个"));
    let mut d = qinghe();
    rows(&mut d, "review").insert("appeal".into(), vec!["1".into()]);
    assert!(draft_to_yaml(&d).is_err());
}

#[test]
fn cross_year_findings_need_last_year() {
    let prev = resolve_text(&sample("qinghe-2021.yaml")).unwrap();
    let mut d = new_draft("青禾县自然资源局", 2022, Some(&prev)).unwrap();
    rows(&mut d, "applications").get_mut("carried").unwrap()[0] = "5".into();
    let f = check_draft(&d, Some(&prev));
    let r5: Vec<_> = f.iter().filter(|f| f.code == "R5").collect();
    assert_eq!(r5.len(), 2, "{f:#?}");
    // the typed cell, and the 总计 computed from it: each on its own cell
    let on = |col: &str| {
        r5.iter()
            .find(|f| f.message.contains(&format!("“{col}”列")))
            .and_then(|f| f.target.clone())
    };
    assert_eq!(on("自然人"), cell("applications", "carried", 0));
    assert_eq!(on("总计"), cell("applications", "carried", 6));
    // last year's cell is not this year's: the hint does not send the clerk to 四、结转下年度
    assert!(r5.iter().all(|f| !f
        .hint
        .as_deref()
        .unwrap_or("")
        .contains("最可能填错的是表三“四、")));
    assert!(check_draft(&d, None).iter().all(|f| f.code != "R5"));
}

#[test]
fn the_json_is_the_contracts() {
    let d = qinghe();
    let j = serde_json::to_value(&d).unwrap();
    assert_eq!(j["organ"], "青禾县自然资源局");
    assert_eq!(j["year"], 2021);
    assert!(j["format"].is_null() && j["title"].is_null() && j["kind"].is_null());
    assert_eq!(j["sections"][0]["id"], "overview");
    assert!(j["sections"][0]["blocks"][0]["para"].is_string());
    assert_eq!(j["sections"][0]["blocks"][1]["heading"], "（一）主动公开");
    assert!(j["sections"][0]["blocks"][1]["level"].is_null());
    assert!(j["sections"][0]["blocks"][1]["text"].is_null());
    assert_eq!(
        j["sections"][2]["rows"]["new"],
        serde_json::json!(["21", "3", "0", "1", "2", "0", "27"])
    );
    assert_eq!(
        j["sections"][2]["rows"]["granted"],
        serde_json::json!(["9", "2", "0", "1", "0", "0", ""])
    );
    assert_eq!(j["signature"]["date"], "2022-01-20");
    let back: Draft = serde_json::from_value(j).unwrap();
    assert_eq!(back, d);
    let mut broken = d.clone();
    rows(&mut broken, "applications")
        .get_mut("result_total")
        .unwrap()[0] = "23".into();
    let f = serde_json::to_value(check_draft(&broken, None)).unwrap();
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(
        f[0]["target"],
        serde_json::json!({"section": "applications", "row": "result_total", "col": 0})
    );
    // a page may leave out null fields of a heading
    let b: Block = serde_json::from_str(r#"{"heading": "（一）标题"}"#).unwrap();
    assert_eq!(
        b,
        Block::Heading {
            heading: "（一）标题".into(),
            level: None,
            text: None
        }
    );
}
