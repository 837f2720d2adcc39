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

/// The first placeholder in `text` and its character column (0-based), if any.
pub fn find(text: &str) -> Option<(&'static str, usize)> {
    PLACEHOLDERS
        .iter()
        .filter_map(|p| text.find(p).map(|i| (*p, i)))
        .min_by_key(|&(_, i)| i)
        .map(|(p, i)| (p, text[..i].chars().count()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_first() {
        assert_eq!(
            super::find("可在（网站名称）下载，请与（联系部门，地址，电话）联系"),
            Some(("（网站名称）", 2))
        );
        assert_eq!(super::find("海原县人民政府网"), None);
    }
}
