//! Page styles as data (`layouts/styles/*.yaml`, embedded in the binary): page geometry, the line
//! grid, and for each type role its size and font families. No layout number lives in code.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::doc::Role;

/// The style files compiled into the binary, sorted by id.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gbt9704", include_str!("../layouts/styles/gbt9704.yaml")),
    (
        "notice-board",
        include_str!("../layouts/styles/notice-board.yaml"),
    ),
];

/// Millimetres → points.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// A page style.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// Style id (`gbt9704`, `notice-board`).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Paper and margins.
    pub page: PageGeometry,
    /// Lines per page and characters per line.
    pub grid: Grid,
    /// First-line indent of body paragraphs, in characters.
    pub body_indent_chars: f64,
    /// Blank lines below the title.
    pub title_blank_lines_after: u32,
    /// Running header on every page, if any (`{title}`, `{organ}` replaced).
    pub header: Option<HeaderDef>,
    /// Page-number footer.
    pub footer: FooterDef,
    /// Type roles by key.
    pub roles: BTreeMap<String, RoleStyle>,
    /// Table settings.
    pub table: TableStyle,
}

/// Paper size and margins, in mm.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageGeometry {
    /// Paper width.
    pub width_mm: f64,
    /// Paper height.
    pub height_mm: f64,
    /// Top margin (天头).
    pub margin_top_mm: f64,
    /// Bottom margin.
    pub margin_bottom_mm: f64,
    /// Left margin (订口).
    pub margin_left_mm: f64,
    /// Right margin.
    pub margin_right_mm: f64,
}

/// The line grid of the type area.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// Lines per page.
    pub lines: u32,
    /// Characters per line.
    pub chars: u32,
}

/// A running header.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderDef {
    /// Text; `{title}` and `{organ}` are replaced.
    pub text: String,
    /// Distance of its baseline above the type area.
    pub above_type_area_mm: f64,
    /// Size in pt.
    pub size_pt: f64,
}

impl HeaderDef {
    /// The header's text for a report of this title and organ.
    pub fn text_for(&self, title: &str, organ: &str) -> String {
        self.text
            .replace("{title}", title)
            .replace("{organ}", organ)
    }
}

/// The page-number footer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FooterDef {
    /// Text; `{page}` and `{pages}` are replaced.
    pub text: String,
    /// Distance of the dash line (mid-height of the digits) below the type area.
    pub below_type_area_mm: f64,
    /// `outside` (odd right, even left), `center`, `right` or `left`.
    pub align: FooterAlign,
    /// Inset from the type area's edge, in characters of the page-number size.
    pub inset_chars: f64,
}

impl FooterDef {
    /// The footer's text on page `page` of `pages`.
    pub fn text_for(&self, page: &str, pages: &str) -> String {
        self.text.replace("{page}", page).replace("{pages}", pages)
    }
}

/// Where the page number stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FooterAlign {
    /// Odd pages right, even pages left (GB/T 9704 7.5).
    Outside,
    /// Centred.
    Center,
    /// Always right.
    Right,
    /// Always left.
    Left,
}

/// One type role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleStyle {
    /// Size in pt.
    pub size_pt: f64,
    /// Installed font families to look for, in order.
    pub families: Vec<String>,
    /// The bundled face used when none is installed: serif, serif-bold, sans, kai.
    pub bundled: String,
    /// Font name written into the DOCX.
    pub docx: String,
    /// `center` for centred lines (title); default justified.
    #[serde(default)]
    pub align: Option<String>,
}

/// Table settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableStyle {
    /// Baseline pitch inside cells.
    pub line_pitch_pt: f64,
    /// Cell padding on every side.
    pub padding_mm: f64,
    /// Border width.
    pub rule_pt: f64,
    /// Minimum row height.
    pub min_row_height_mm: f64,
}

impl Style {
    /// Parses and validates a style file.
    pub fn from_yaml(text: &str) -> Result<Style, String> {
        Style::validated(serde_saphyr::from_str(text).map_err(|e| e.to_string())?)
    }

    /// Checks what serde cannot: every role present, a non-empty grid.
    fn validated(s: Style) -> Result<Style, String> {
        for r in Role::ALL {
            if !s.roles.contains_key(r.key()) {
                return Err(format!("style {} lacks role {}", s.id, r.key()));
            }
        }
        if s.grid.lines == 0 || s.grid.chars == 0 {
            return Err(format!("style {}: empty grid", s.id));
        }
        Ok(s)
    }

    /// The built-in style with this id.
    pub fn builtin(id: &str) -> Option<Style> {
        let (_, yaml) = BUILTIN.iter().find(|(i, _)| *i == id)?;
        Style::from_yaml(yaml).ok()
    }

    /// The style of a role.
    pub fn role(&self, r: Role) -> &RoleStyle {
        &self.roles[r.key()]
    }

    /// Type-area width in pt.
    pub fn type_width_pt(&self) -> f64 {
        (self.page.width_mm - self.page.margin_left_mm - self.page.margin_right_mm) * PT_PER_MM
    }

    /// Type-area height in pt.
    pub fn type_height_pt(&self) -> f64 {
        (self.page.height_mm - self.page.margin_top_mm - self.page.margin_bottom_mm) * PT_PER_MM
    }

    /// Character pitch of body text: type width / characters per line (15.79 pt for GB/T 9704).
    pub fn char_pitch_pt(&self) -> f64 {
        self.type_width_pt() / self.grid.chars as f64
    }

    /// Line pitch: the type area holds `lines` lines, the last one's glyph bottom on its lower edge.
    /// GB/T 9704: one character height + 7/8 of it between lines ⇒ 225 mm / 22 ≈ 28.95 pt.
    pub fn line_pitch_pt(&self) -> f64 {
        self.type_height_pt() / self.grid.lines as f64
    }
}

/// The ids of the built-in styles.
pub fn ids() -> Vec<&'static str> {
    BUILTIN.iter().map(|(i, _)| *i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_styles_load_with_the_gbt9704_geometry() {
        for id in ids() {
            Style::builtin(id).unwrap_or_else(|| panic!("style {id} loads"));
        }
        let s = Style::builtin("gbt9704").unwrap();
        assert!(
            (s.char_pitch_pt() - 15.79).abs() < 0.01,
            "{}",
            s.char_pitch_pt()
        );
        assert!(
            (s.line_pitch_pt() - 28.99).abs() < 0.01,
            "{}",
            s.line_pitch_pt()
        );
        let n = Style::builtin("notice-board").unwrap();
        assert!(n.role(Role::Body).size_pt >= 18.0);
        assert_eq!(n.page.margin_left_mm, n.page.margin_right_mm);
        assert!(n.char_pitch_pt() >= n.role(Role::Body).size_pt);
    }
}
