//! Property tests (issue 6): reports whose numbers satisfy the rules always pass `check`; a change of
//! any single table-3/table-4 cell (every one is covered by a rule) is always caught.

use gongkai::check;
use gongkai::report;
use proptest::prelude::*;

mod common;
use common::leaf_rows;

#[derive(Debug, Clone)]
struct Numbers {
    leaves: Vec<[u32; 6]>,
    carried: [u32; 6],
    carried_next: [u32; 6],
    review: [[u32; 4]; 3],
}

fn numbers() -> impl Strategy<Value = Numbers> {
    (
        prop::collection::vec(prop::array::uniform6(0u32..40), leaf_rows().len()),
        prop::array::uniform6(0u32..20),
        prop::array::uniform6(0u32..20),
        prop::array::uniform3(prop::array::uniform4(0u32..10)),
    )
        .prop_map(|(leaves, carried, carried_next, review)| Numbers {
            leaves,
            carried,
            carried_next,
            review,
        })
}

/// Rows (id → 7 values incl. total) that satisfy R1–R3; `new` absorbs the balance (kept ≥ 0 by
/// lowering `carried` where needed).
fn table3(n: &Numbers) -> Vec<(String, Vec<i64>)> {
    let mut rows = Vec::new();
    let mut result = [0i64; 6];
    for (id, v) in leaf_rows().iter().zip(&n.leaves) {
        for c in 0..6 {
            result[c] += v[c] as i64;
        }
        rows.push((
            id.to_string(),
            v.iter().map(|&x| x as i64).collect::<Vec<_>>(),
        ));
    }
    let carried_next: Vec<i64> = n.carried_next.iter().map(|&x| x as i64).collect();
    let carried: Vec<i64> = (0..6)
        .map(|c| (n.carried[c] as i64).min(result[c] + carried_next[c]))
        .collect();
    let new: Vec<i64> = (0..6)
        .map(|c| result[c] + carried_next[c] - carried[c])
        .collect();
    let mut all = vec![("new".to_string(), new), ("carried".to_string(), carried)];
    all.extend(rows);
    all.push(("result_total".to_string(), result.to_vec()));
    all.push(("carried_next".to_string(), carried_next));
    for (_, v) in all.iter_mut() {
        let t: i64 = v.iter().sum();
        v.push(t);
    }
    all
}

fn report_yaml(rows: &[(String, Vec<i64>)], review: &[[i64; 5]; 3], text: &str) -> String {
    let mut y = String::from("organ: 测试县测试局\nyear: 2021\noverview:\n  - ");
    y.push_str(text);
    y.push_str("\nproactive:\n  rules: {issued: 0, repealed: 0, in_force: 0}\n  normative: {issued: 1, repealed: 0, in_force: 3}\n  licensing: 5\n  penalty: 2\n  enforcement: 0\n  fees: 1.5\napplications:\n");
    for (id, v) in rows {
        y.push_str(&format!(
            "  {id}: [{}]\n",
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    y.push_str("review:\n");
    for (id, v) in ["review", "direct_suit", "suit_after_review"]
        .iter()
        .zip(review)
    {
        y.push_str(&format!(
            "  {id}: [{}]\n",
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    y.push_str("problems:\n  - 无\nother:\n  - 本年度未收取信息处理费。\n");
    y
}

fn review(n: &Numbers) -> [[i64; 5]; 3] {
    n.review.map(|r| {
        let v = r.map(|x| x as i64);
        [v[0], v[1], v[2], v[3], v.iter().sum()]
    })
}

fn errors(yaml: &str) -> Vec<String> {
    let rep = report::load_str(yaml, None).expect("valid YAML");
    let res = check::resolve(rep).expect("resolves");
    check::run(&res, None)
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| d.message)
        .collect()
}

/// Text mixing CJK, ASCII, digits and punctuation.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("政务公开".to_string()),
            Just("，".to_string()),
            Just("。".to_string()),
            Just("“三安全一稳定”".to_string()),
            "[a-zA-Z]{1,8}",
            "[0-9]{1,6}",
            Just("（一）".to_string()),
            Just("http://www.gov.cn/".to_string()),
        ],
        1..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn consistent_reports_pass(n in numbers(), t in text()) {
        let y = report_yaml(&table3(&n), &review(&n), &format!("\"{t}\""));
        let e = errors(&y);
        prop_assert!(e.is_empty(), "{:?}\n{}", e, y);
    }

    #[test]
    fn any_single_changed_cell_is_caught(n in numbers(), row in 0usize..25, col in 0usize..7, delta in prop_oneof![1i64..5, -5i64..-1], in_review in any::<bool>()) {
        let mut rows = table3(&n);
        let mut rv = review(&n);
        if in_review {
            let r = row % 3;
            let c = col % 5;
            prop_assume!(rv[r][c] + delta >= 0);
            rv[r][c] += delta;
        } else {
            let r = row % rows.len();
            prop_assume!(rows[r].1[col] + delta >= 0);
            rows[r].1[col] += delta;
        }
        let y = report_yaml(&rows, &rv, "无");
        prop_assert!(!errors(&y).is_empty(), "change not caught:\n{}", y);
    }
}
