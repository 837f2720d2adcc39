//! Property test (issue 6): random valid reports — any numbers that satisfy the rules (up to 10^12),
//! text mixing CJK, Latin and punctuation — always render, and every table number is drawn exactly
//! once, between two vertical rules of the table (inside its cell, never across a rule).

use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;
use proptest::prelude::*;

mod common;
use common::leaf_rows;

fn yaml(leaves: &[[u64; 6]], carried_next: [u64; 6], review: [[u64; 4]; 3], text: &str) -> String {
    let mut result = [0u64; 6];
    for v in leaves {
        for c in 0..6 {
            result[c] += v[c];
        }
    }
    let row = |v: &[u64]| {
        format!(
            "[{}]",
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let new: Vec<u64> = (0..6).map(|c| result[c] + carried_next[c]).collect();
    let mut y = format!("organ: 测试县测试局\nyear: 2022\noverview:\n  - \"{text}\"\nproactive:\n  rules: {{issued: 0, repealed: 0, in_force: 0}}\n  normative: {{issued: 1, repealed: 0, in_force: 3}}\n  licensing: 5\n  penalty: 2\n  enforcement: 0\n  fees: 1.5\napplications:\n");
    y.push_str(&format!(
        "  new: {}\n  carried: [0, 0, 0, 0, 0, 0]\n",
        row(&new)
    ));
    for (id, v) in leaf_rows().iter().zip(leaves) {
        y.push_str(&format!("  {id}: {}\n", row(v)));
    }
    y.push_str(&format!(
        "  carried_next: {}\nreview:\n",
        row(&carried_next)
    ));
    for (id, v) in ["review", "direct_suit", "suit_after_review"]
        .iter()
        .zip(review)
    {
        y.push_str(&format!("  {id}: {}\n", row(&v)));
    }
    y.push_str("problems:\n  - 无\nother:\n  - 本年度未收取信息处理费。\n");
    y
}

fn count() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0u64..30, 1 => 0u64..1_000_000_000_000]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn every_number_is_drawn_once_inside_its_cell(
        leaves in prop::collection::vec(prop::array::uniform6(count()), leaf_rows().len()),
        carried_next in prop::array::uniform6(count()),
        review in prop::array::uniform3(prop::array::uniform4(count())),
        text in "[政府信息公开工作年度报告严格按照县委规定主动申请处理a-zA-Z，。、“”（）《》 ]{1,300}",
    ) {
        let style = Style::builtin("gbt9704").unwrap();
        let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap();
        let y = yaml(&leaves, carried_next, review, &text);
        let rep = gongkai::report::load_str(&y, None).map_err(|d| TestCaseError::fail(format!("{d:?}\n{y}")))?;
        let res = gongkai::check::resolve(rep).unwrap();
        prop_assert!(gongkai::check::run(&res, None).iter().all(|d| !d.is_error()));
        let doc = gongkai::compose::compose(&res);
        let pages = gongkai::typeset::typeset(&doc, &style, &fonts).unwrap();
        let pdf = gongkai::backend::pdf::write(&pages, &fonts, &Default::default()).unwrap();

        // Every number of every table, as composed.
        let mut want: Vec<String> = Vec::new();
        for b in &doc.blocks {
            if let gongkai::doc::Block::Table(t) = b {
                for row in &t.grid {
                    for e in row {
                        if let gongkai::doc::GridEntry::Cell(c) = e {
                            if c.kind == gongkai::doc::CellKind::Number {
                                want.push(c.text.clone());
                            }
                        }
                    }
                }
            }
        }
        // Numbers drawn inside tables: digit tokens lying between vertical rules (a huge number may wrap
        // inside its cell: consecutive tokens between the same two rules are joined).
        let mut got: Vec<String> = Vec::new();
        for p in &pages {
            let verticals: Vec<_> = p.rules.iter().filter(|r| (r.x0 - r.x1).abs() < 0.01).collect();
            let mut cells: Vec<String> = Vec::new();
            for run in &p.runs {
                let mut token = String::new();
                let mut x_start = 0.0;
                let glyphs: Vec<_> = run.glyphs.iter().collect();
                // Only runs that are wholly a number: row labels such as “1.属于国家秘密” are not values.
                if !glyphs.iter().all(|g| g.ch.is_ascii_digit() || g.ch == '.') {
                    continue;
                }
                for (i, g) in glyphs.iter().enumerate() {
                    let numeric = g.ch.is_ascii_digit() || g.ch == '.';
                    if numeric {
                        if token.is_empty() {
                            x_start = g.x;
                        }
                        token.push(g.ch);
                    }
                    let end = !numeric || i + 1 == glyphs.len();
                    if end && !token.is_empty() {
                        let x_end = if numeric { g.x + 0.5 * g.size } else { g.x };
                        let in_cell = verticals.iter().filter(|r| r.y0.min(r.y1) <= run.baseline && run.baseline <= r.y0.max(r.y1));
                        let left = in_cell.clone().filter(|r| r.x0 <= x_start + 0.01).map(|r| r.x0).fold(f64::MIN, f64::max);
                        let right = in_cell.filter(|r| r.x0 >= x_start).map(|r| r.x0).fold(f64::MAX, f64::min);
                        if left > f64::MIN && right < f64::MAX {
                            prop_assert!(x_end <= right + 0.5, "number {} crosses the rule at {right}", token);
                            cells.push(token.clone());
                        }
                        token.clear();
                    }
                }
            }
            got.extend(cells);
        }
        // Read back from the PDF bytes (poppler): every number that fits on one line is in the text.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.pdf");
        std::fs::write(&file, &pdf).unwrap();
        if let Ok(o) = std::process::Command::new("pdftotext").arg("-raw").arg(&file).arg("-").output() {
            let text = String::from_utf8_lossy(&o.stdout);
            let tokens: Vec<&str> = text.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|t| !t.is_empty()).collect();
            for n in want.iter().filter(|n| n.len() <= 6) {
                let need = want.iter().filter(|x| *x == n).count();
                let have = tokens.iter().filter(|t| *t == n).count();
                prop_assert!(have >= need, "{} appears {} times in the PDF's text, {} wanted", n, have, need);
            }
        } else {
            prop_assert!(std::env::var_os("CI").is_none(), "CI must have pdftotext");
        }
        let mut w = want.clone();
        w.sort();
        let mut g = got.clone();
        g.sort();
        // Wrapped huge numbers arrive in pieces: compare the digits drawn per value count instead.
        let digits = |v: &[String]| v.iter().map(|s| s.len()).sum::<usize>();
        prop_assert_eq!(digits(&w), digits(&g), "numbers drawn in tables differ:\nwant {:?}\ngot  {:?}", w, g);
    }
}
