//! Helpers shared by the integration tests.

/// Leaf rows of 表三 in the 2021 format, in printed order: the right side of rule R3, from the format data.
pub fn leaf_rows() -> Vec<String> {
    let f = gongkai::format::by_id("2021").expect("2021 format");
    let r3 = f.rules.iter().find(|r| r.id == "R3").expect("R3");
    r3.right
        .iter()
        .map(|t| t.split('.').next().unwrap_or_default().to_string())
        .collect()
}
