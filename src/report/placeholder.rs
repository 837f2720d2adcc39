//! The placeholders `gongkai new` writes where the clerk must write, shared by the template (which
//! writes them) and `check` (which refuses a report that still has one).

/// Every placeholder a template may contain, each in full-width brackets as written.
pub const PLACEHOLDERS: &[&str] = &[PARAGRAPH, WEBSITE, CONTACT];

/// A paragraph still to be written (each text section of a new template).
pub const PARAGRAPH: &str = "（请填写）";
/// The website the report is published on (in the template's lead).
pub const WEBSITE: &str = "（网站名称）";
/// Whom to ask about the report (in the template's lead).
pub const CONTACT: &str = "（联系部门，地址，电话）";

/// Every placeholder in `text` with its character offset (0-based), in text order.
pub fn find(text: &str) -> Vec<(&'static str, usize)> {
    let mut out: Vec<(&'static str, usize)> = PLACEHOLDERS
        .iter()
        .flat_map(|p| text.match_indices(p).map(|(i, _)| (*p, i)))
        .collect();
    out.sort_by_key(|&(_, i)| i);
    out.into_iter()
        .map(|(p, i)| (p, text[..i].chars().count()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_every_one() {
        assert_eq!(
            super::find("可在（网站名称）下载，请与（联系部门，地址，电话）联系"),
            [("（网站名称）", 2), ("（联系部门，地址，电话）", 13)]
        );
        assert!(super::find("海原县人民政府网").is_empty());
    }
}
