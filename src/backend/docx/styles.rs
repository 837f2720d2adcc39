//! The styles, the font table, and the running header and page-number footer.
//!
//! Built-in styles where Word has one, so Word and WPS show their own localised names ("正文",
//! "标题 1") and the navigation pane, outline view and table of contents work: `Normal` (the body),
//! `Title`, `heading 1`–`4` with outline levels, `header`, `footer`. Custom styles only for table
//! text and the signature, which have no built-in.

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, Header, InstrText, LineSpacing, LineSpacingType,
    Paragraph, Run, SpecialIndentType, StyleType,
};

use super::fixup::FontEntry;
use super::{measure, Writer};
use crate::doc::{Document, Role};
use crate::style::FooterAlign;

/// The paragraph style of a role: (styleId, w:name). Built-in names are Word's own (lower-case
/// "heading 1"), which Word shows localised.
pub(super) fn style_id(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Title => ("Title", "Title"),
        Role::Heading1 => ("Heading1", "heading 1"),
        Role::Heading2 => ("Heading2", "heading 2"),
        Role::Heading3 => ("Heading3", "heading 3"),
        Role::Heading4 => ("Heading4", "heading 4"),
        Role::Body => ("Normal", "Normal"),
        Role::Table => ("GkTableText", "表格文字"),
        Role::PageNumber => ("Footer", "footer"),
        Role::Signature => ("GkSignature", "落款"),
    }
}

/// The built-in style of the running header.
const HEADER_STYLE: (&str, &str) = ("Header", "header");

/// What Word needs to find or substitute an office face on a stock Windows PC, where the
/// `_GB2312` faces are not installed: (name, alternative name, PANOSE). Charset 86 (GB2312),
/// family and pitch are the same for all.
const OFFICE_FONTS: &[(&str, &str, &str)] = &[
    ("仿宋_GB2312", "仿宋", "02010609060101010101"),
    ("楷体_GB2312", "楷体", "02010609060101010101"),
    ("仿宋", "FangSong", "02010609060101010101"),
    ("楷体", "KaiTi", "02010609060101010101"),
    ("黑体", "SimHei", "02010609060101010101"),
    ("宋体", "SimSun", "02010600030101010101"),
    ("方正小标宋简体", "宋体", "02000000000000000000"),
];

/// Exact line spacing of `line` twips, nothing before or after.
pub(super) fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

/// Single line spacing, nothing before or after.
fn single() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

/// No indent at all (overrides Normal's first-line indent).
fn no_indent(s: docx_rs::Style) -> docx_rs::Style {
    s.indent(
        Some(0),
        Some(SpecialIndentType::FirstLine(0)),
        Some(0),
        None,
    )
}

impl Writer<'_> {
    /// Document defaults and every paragraph style.
    pub(super) fn add_styles(&self, mut d: Docx) -> Docx {
        let body = self.face(Role::Body);
        d = d
            .default_fonts(body.run_fonts())
            .default_size(self.size_hp(Role::Body));
        for role in Role::ALL {
            d = d.add_style(self.role_style(style_id(role), role));
        }
        if self.style.header.is_some() {
            d = d.add_style(self.role_style(HEADER_STYLE, Role::Body));
        }
        d
    }

    fn role_style(&self, (id, name): (&str, &str), role: Role) -> docx_rs::Style {
        let f = self.face(role);
        let size = match (&self.style.header, id == HEADER_STYLE.0) {
            (Some(h), true) => (h.size_pt * 2.0).round() as usize,
            _ => self.size_hp(role),
        };
        let mut s = docx_rs::Style::new(id, StyleType::Paragraph)
            .name(name)
            .fonts(f.run_fonts())
            .size(size);
        if role != Role::Body {
            s = s.based_on("Normal").next("Normal");
        }
        if matches!(role, Role::Body | Role::Title | Role::Heading1) || id == "GkTableText" {
            s = s.q_format(true);
        }
        if f.bold {
            s = s.bold();
        }
        let spacing = self.role_spacing(role);
        if spacing != 0 && id != HEADER_STYLE.0 {
            s.run_property = s.run_property.spacing(spacing);
        }
        let line = self.page.line;
        match role {
            _ if id == HEADER_STYLE.0 => {
                s = no_indent(s)
                    .align(AlignmentType::Center)
                    .line_spacing(single())
                    .snap_to_grid(false)
            }
            Role::Body => {
                let indent = measure::pt_tw(self.style.body_indent_chars * self.body_size());
                s = s
                    .align(AlignmentType::Both)
                    .line_spacing(exact(line))
                    .indent(None, Some(SpecialIndentType::FirstLine(indent)), None, None);
                s.paragraph_property = s.paragraph_property.widow_control(false);
            }
            Role::Title => {
                let size = self.style.role(Role::Title).size_pt;
                let title_line = measure::title_line_pt(
                    f64::from(line) / measure::TW_PER_PT,
                    self.body_size(),
                    size,
                );
                s = no_indent(s)
                    .align(AlignmentType::Center)
                    .line_spacing(exact(measure::pt_tw(title_line)));
            }
            Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 => {
                let level = match role {
                    Role::Heading1 => 0,
                    Role::Heading2 => 1,
                    Role::Heading3 => 2,
                    _ => 3,
                };
                s = s.outline_lvl(level);
                s.paragraph_property = s.paragraph_property.keep_next(true);
            }
            Role::Table => {
                s = no_indent(s)
                    .align(AlignmentType::Center)
                    .snap_to_grid(false)
                    .line_spacing(exact(measure::pt_tw(self.style.table.line_pitch_pt)));
            }
            Role::PageNumber => s = no_indent(s).snap_to_grid(false).line_spacing(single()),
            Role::Signature => s = no_indent(s).align(AlignmentType::Left),
        }
        s
    }

    /// The font table: every face used, with what Word needs to substitute it well.
    pub(super) fn font_table(&self) -> Vec<FontEntry> {
        let mut out: Vec<FontEntry> = Vec::new();
        for r in Role::ALL {
            let f = self.face(r);
            for (name, cjk) in [(f.east_asia, true), (f.latin, false)] {
                if out.iter().any(|e| e.name == name) {
                    continue;
                }
                let known = OFFICE_FONTS.iter().find(|(n, _, _)| *n == name);
                let cjk = cjk && name != super::LATIN_FONT;
                out.push(FontEntry {
                    alt_name: known.map(|k| k.1.to_string()),
                    panose: known.map(|k| k.2.to_string()),
                    cjk,
                    name,
                });
            }
        }
        out
    }

    /// The page-number footer of odd (or even) pages: "— PAGE —" in the footer style, one
    /// character in from the type area's edge.
    pub(super) fn footer(&self, odd: bool) -> Footer {
        let inset = measure::pt_tw(
            self.style.footer.inset_chars * self.style.role(Role::PageNumber).size_pt,
        );
        let text = &self.style.footer.text;
        let p = match (self.style.footer.align, odd) {
            (FooterAlign::Outside, true) | (FooterAlign::Right, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Right, 0, inset)
            }
            (FooterAlign::Outside, false) | (FooterAlign::Left, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Left, inset, 0)
            }
            (FooterAlign::Center, _) => {
                self.field_paragraph(Role::PageNumber, text, AlignmentType::Center, 0, 0)
            }
        };
        Footer::new().add_paragraph(p)
    }

    /// The running header, when the style has one.
    pub(super) fn header(&self, doc: &Document) -> Option<Header> {
        let h = self.style.header.as_ref()?;
        let text = h.text_for(&doc.title, &doc.author);
        Some(Header::new().add_paragraph(self.field_paragraph(
            Role::Body,
            &text,
            AlignmentType::Center,
            0,
            0,
        )))
    }

    /// A header/footer paragraph: literal text with `{page}` → PAGE field, `{pages}` → NUMPAGES,
    /// each field's runs formatted like the text around it.
    fn field_paragraph(
        &self,
        role: Role,
        text: &str,
        align: AlignmentType,
        left: i32,
        right: i32,
    ) -> Paragraph {
        let (style, size_hp) = match (&self.style.header, role) {
            (Some(h), Role::Body) => (HEADER_STYLE.0, (h.size_pt * 2.0).round() as usize),
            _ => (style_id(role).0, self.size_hp(role)),
        };
        let face = self.face(role);
        let run = || {
            let r = Run::new().fonts(face.run_fonts()).size(size_hp);
            if face.bold {
                r.bold()
            } else {
                r
            }
        };
        let mut p = Paragraph::new().style(style).align(align);
        if left != 0 || right != 0 {
            p = p.indent(Some(left), None, Some(right), None);
        }
        let mut rest = text;
        while !rest.is_empty() {
            let next = [("{page}", "PAGE"), ("{pages}", "NUMPAGES")]
                .iter()
                .filter_map(|(k, f)| rest.find(k).map(|i| (i, *k, *f)))
                .min();
            let lit = next.map_or(rest, |(i, _, _)| &rest[..i]);
            for seg in super::split_latin(lit) {
                p = p.add_run(run().add_text(seg));
            }
            let Some((_, key, field)) = next else { break };
            p = p
                .add_run(run().add_field_char(FieldCharType::Begin, false))
                .add_run(run().add_instr_text(InstrText::Unsupported(format!(" {field} "))))
                .add_run(run().add_field_char(FieldCharType::Separate, false))
                .add_run(run().add_text("1"))
                .add_run(run().add_field_char(FieldCharType::End, false));
            rest = &rest[lit.len() + key.len()..];
        }
        p
    }
}
