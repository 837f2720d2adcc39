//! `docx`: the `Document` → an editable DOCX. The only module that uses docx-rs.
//!
//! docx-rs builds the package (paragraph styles, footers, headers, the section, relationships,
//! content types); what it cannot write is patched into its XML (see
//! `../shared/spec/dependencies.md`): `w:lang`, `w:kinsoku`, `w:firstLineChars`, the document
//! grid, formatted PAGE/NUMPAGES fields, core properties, settings, the font table; then every
//! property element is put into ECMA-376 order. The body (paragraphs, runs, real tables) is
//! written straight into the document part by `body`, in the same order and with the same
//! elements: built as docx-rs elements and patched, it cost more than the whole PDF. The parts
//! are zipped deterministically with deflate. Geometry follows
//! `../shared/spec/docx-in-libreoffice.md`.
//!
//! Paragraphs and runs carry only what differs from their paragraph style (`GkBody`, `GkTable`,
//! …): alignment, indent, exact line, fonts and size are the style's unless a paragraph or run
//! differs (a line after a table, a run in another face), which keeps the parts small.
//!
//! With the PDF's layout ([`write_fitted`]) the document breaks where the PDF does: each line's
//! character spacing is fitted (`fit`), tables take the PDF's column widths and row heights, rows
//! stay with the next where the PDF keeps them, and text after a table resumes on the PDF's line.

mod arena;
mod body;
mod fit;
mod measure;
mod package;
mod patch;
pub mod xml;

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, Header, InstrText, LineSpacing, LineSpacingType,
    Paragraph, Run, RunFonts, SpecialIndentType, StyleType,
};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Document, Role};
use crate::style::{FooterAlign, Style, PT_PER_MM};
use crate::typeset::{Layout, TableGeometry, TextLines};
use measure::{Geometry, TW_PER_PT};
use std::collections::{BTreeMap, BTreeSet};

/// DOCX options.
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// `--docx-fonts bundled`: write the bundled faces' family names instead of the office names.
    pub bundled_font_names: bool,
    /// Creation/modification date as seconds since the Unix epoch (SOURCE_DATE_EPOCH); none → a fixed date.
    pub epoch: Option<i64>,
}

/// Writes the document as DOCX bytes, with no line fitted to the PDF's breaks (see [`write_fitted`]).
pub fn write(doc: &Document, style: &Style, opts: &DocxOptions) -> Result<Vec<u8>, Diagnostics> {
    write_fitted(doc, style, &Layout::default(), opts)
}

/// Writes the document as DOCX bytes laid out like the PDF: each paragraph's, heading's and table
/// cell's lines spaced so that a word processor breaks them where the PDF does, tables with the
/// PDF's column widths and row heights (`layout`: the typesetter's, for the PDF).
pub fn write_fitted(
    doc: &Document,
    style: &Style,
    layout: &Layout,
    opts: &DocxOptions,
) -> Result<Vec<u8>, Diagnostics> {
    let w = Writer::new(style, opts, layout);
    let parts = w
        .parts(doc)
        .map_err(|e| vec![Diagnostic::error("docx", format!("DOCX 生成失败（{e}）"))])?;
    package::zip(&parts, opts.epoch)
        .map_err(|e| vec![Diagnostic::error("docx", format!("DOCX 打包失败（{e}）"))])
}

/// The Latin font written beside office CJK fonts.
const LATIN_FONT: &str = "Times New Roman";

/// The paragraph style of a role: (styleId, Chinese name).
fn style_id(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Title => ("GkTitle", "标题"),
        Role::Heading1 => ("GkHeading1", "一级标题"),
        Role::Heading2 => ("GkHeading2", "二级标题"),
        Role::Heading3 => ("GkHeading3", "三级标题"),
        Role::Heading4 => ("GkHeading4", "四级标题"),
        Role::Body => ("GkBody", "正文"),
        Role::Table => ("GkTable", "表格"),
        Role::PageNumber => ("GkPageNumber", "页码"),
        Role::Signature => ("GkSignature", "落款"),
    }
}

/// Top and bottom cell margin of table cells, in twips (as measured in LibreOffice).
const TABLE_CELL_PAD_V: i32 = 40;

/// The style of the running header, when the style has one.
const HEADER_STYLE: (&str, &str) = ("GkHeader", "页眉");

/// A face as written into `w:rFonts`.
#[derive(Debug, Clone, PartialEq)]
struct Face {
    east_asia: String,
    latin: String,
    bold: bool,
}

impl Face {
    /// Every font slot written out (no theme fonts): Latin for ascii/hAnsi/cs, the CJK face for eastAsia.
    fn run_fonts(&self) -> RunFonts {
        RunFonts::new()
            .ascii(&self.latin)
            .hi_ansi(&self.latin)
            .east_asia(&self.east_asia)
            .cs(&self.latin)
    }
}

struct Writer<'a> {
    style: &'a Style,
    opts: &'a DocxOptions,
    /// The PDF's line breaks of paragraphs and headings, by block index.
    lines: &'a BTreeMap<usize, TextLines>,
    /// The PDF's table geometry, by block index.
    tables: &'a BTreeMap<usize, TableGeometry>,
    /// Blocks the PDF starts at a page's top.
    page_starts: &'a BTreeSet<usize>,
    /// Blocks whose last lines the PDF moves to the next page with what follows.
    keep_with_next: &'a BTreeSet<usize>,
    geo: Geometry,
    /// Character spacing (twentieths of a point) that puts body-size text on the character grid.
    grid_spacing: i32,
    /// Each role's face and size (half-points), by `Role as usize`.
    faces: Vec<(Face, usize)>,
}

/// Does this role sit on the body's character grid (and get its tracking)?
fn on_grid(role: Role) -> bool {
    matches!(
        role,
        Role::Body
            | Role::Heading1
            | Role::Heading2
            | Role::Heading3
            | Role::Heading4
            | Role::Signature
    )
}

impl<'a> Writer<'a> {
    fn new(style: &'a Style, opts: &'a DocxOptions, layout: &'a Layout) -> Self {
        let body = style.role(Role::Body).size_pt;
        let geo = measure::geometry(style, body, style.role(Role::PageNumber).size_pt);
        let grid_spacing =
            measure::grid_spacing(geo.type_width as f64 / TW_PER_PT, style.grid.chars, body);
        let mut w = Writer {
            style,
            opts,
            lines: &layout.text,
            tables: &layout.tables,
            page_starts: &layout.page_starts,
            keep_with_next: &layout.keep_with_next,
            geo,
            grid_spacing,
            faces: Vec::new(),
        };
        w.faces = Role::ALL
            .iter()
            .map(|r| (w.face(*r), w.size_hp(*r)))
            .collect();
        w
    }

    /// Do runs of `role` look as the paragraph style of `para` makes them (same face and size)?
    fn as_styled(&self, para: Option<Role>, role: Role) -> bool {
        para.is_some_and(|p| p == role || self.faces[p as usize] == self.faces[role as usize])
    }

    fn face(&self, role: Role) -> Face {
        let r = self.style.role(role);
        if self.opts.bundled_font_names {
            let (family, bold) = match r.bundled.as_str() {
                "serif-bold" => ("Gongkai Serif", true),
                "sans" => ("Gongkai Sans", false),
                "kai" => ("Gongkai Kai", false),
                _ => ("Gongkai Serif", false),
            };
            Face {
                east_asia: family.into(),
                latin: family.into(),
                bold,
            }
        } else {
            Face {
                east_asia: r.docx.clone(),
                latin: LATIN_FONT.into(),
                bold: false,
            }
        }
    }

    fn size_hp(&self, role: Role) -> usize {
        (self.style.role(role).size_pt * 2.0).round() as usize
    }

    fn body_size(&self) -> f64 {
        self.style.role(Role::Body).size_pt
    }

    fn indent_tw(&self) -> i32 {
        measure::pt_tw(self.style.body_indent_chars * self.body_size())
    }

    fn exact(&self) -> LineSpacing {
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(self.geo.line)
            .before(0)
            .after(0)
    }

    /// One docx run of a header or footer in a role, with all its font properties and no
    /// character spacing (the body's runs are written by `body`).
    fn run(&self, role: Role, text: &str) -> Run {
        let (f, size) = &self.faces[role as usize];
        let r = Run::new().add_text(text).fonts(f.run_fonts()).size(*size);
        if f.bold {
            r.bold()
        } else {
            r
        }
    }

    /// The spacing a role's characters have before any line is fitted: the grid tracking.
    fn base_spacing(&self, role: Role) -> i32 {
        if on_grid(role) {
            self.grid_spacing
        } else {
            0
        }
    }

    /// A header/footer paragraph: literal text with `{page}` → PAGE field, `{pages}` → NUMPAGES.
    fn field_paragraph(
        &self,
        role: Role,
        text: &str,
        align: AlignmentType,
        indent_left: i32,
        indent_right: i32,
    ) -> Paragraph {
        let size_hp = match (&self.style.header, role) {
            (Some(h), Role::Body) => (h.size_pt * 2.0).round() as usize,
            _ => self.size_hp(role),
        };
        let mut p = Paragraph::new()
            .style(if role == Role::PageNumber {
                style_id(role).0
            } else {
                HEADER_STYLE.0
            })
            .align(align)
            .snap_to_grid(false)
            .line_spacing(single_line());
        if indent_left != 0 || indent_right != 0 {
            p = p.indent(Some(indent_left), None, Some(indent_right), None);
        }
        let mut rest = text;
        while !rest.is_empty() {
            let next = [("{page}", "PAGE"), ("{pages}", "NUMPAGES")]
                .iter()
                .filter_map(|(k, f)| rest.find(k).map(|i| (i, *k, *f)))
                .min();
            let (lit, field) = match next {
                Some((i, k, f)) => (&rest[..i], Some((k, f))),
                None => (rest, None),
            };
            for r in self.runs_plain(role, lit, size_hp) {
                p = p.add_run(r);
            }
            if let Some((k, f)) = field {
                let base = || self.run(role, "").size(size_hp);
                p = p
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Begin, false)
                            .fonts_from(&base()),
                    )
                    .add_run(
                        Run::new()
                            .add_instr_text(InstrText::Unsupported(format!(" {f} ")))
                            .fonts_from(&base()),
                    )
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Separate, false)
                            .fonts_from(&base()),
                    )
                    .add_run(self.run(role, "1").size(size_hp))
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::End, false)
                            .fonts_from(&base()),
                    );
                rest = &rest[lit.len() + k.len()..];
            } else {
                rest = "";
            }
        }
        p
    }

    fn runs_plain(&self, role: Role, text: &str, size_hp: usize) -> Vec<Run> {
        split_latin(text)
            .into_iter()
            .map(|seg| self.run(role, seg).size(size_hp))
            .collect()
    }

    fn footer_for(&self, odd: bool) -> Footer {
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

    fn header(&self, doc: &Document) -> Option<Header> {
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

    /// The package around the body: page size, paragraph styles, footers and headers.
    fn build(&self, doc: &Document) -> Docx {
        let mut d = Docx::new().page_size(self.geo.width as u32, self.geo.height as u32);
        for (role_style, role) in Role::ALL.iter().map(|r| (style_id(*r), *r)) {
            d = d.add_style(self.paragraph_style(role_style, role));
        }
        if self.style.header.is_some() {
            d = d.add_style(self.paragraph_style(HEADER_STYLE, Role::Body));
        }
        d = d.footer(self.footer_for(true));
        if self.style.footer.align == FooterAlign::Outside {
            d = d.even_footer(self.footer_for(false));
        }
        if let Some(h) = self.header(doc) {
            d = d.header(h.clone());
            if self.style.footer.align == FooterAlign::Outside {
                d = d.even_header(h);
            }
        }
        d
    }

    fn paragraph_style(&self, (id, name): (&str, &str), role: Role) -> docx_rs::Style {
        let f = self.face(role);
        let size = if id == HEADER_STYLE.0 {
            self.style
                .header
                .as_ref()
                .map_or(self.size_hp(role), |h| (h.size_pt * 2.0).round() as usize)
        } else {
            self.size_hp(role)
        };
        let mut s = docx_rs::Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next(style_id(Role::Body).0)
            .q_format(true)
            .fonts(f.run_fonts())
            .size(size);
        if f.bold {
            s = s.bold();
        }
        match role {
            Role::Title => s = s.align(AlignmentType::Center).line_spacing(self.exact()),
            Role::Table => {
                s = s
                    .snap_to_grid(false)
                    .align(AlignmentType::Center)
                    .line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Exact)
                            .line(measure::pt_tw(self.style.table.line_pitch_pt))
                            .before(0)
                            .after(0),
                    )
            }
            Role::PageNumber => {
                s = s.snap_to_grid(false).line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240)
                        .before(0)
                        .after(0),
                )
            }
            _ if id == HEADER_STYLE.0 => s = s.align(AlignmentType::Center),
            Role::Signature => s = s.align(AlignmentType::Right).line_spacing(self.exact()),
            _ => {
                s = s
                    .align(AlignmentType::Both)
                    .line_spacing(self.exact())
                    .indent(
                        None,
                        Some(SpecialIndentType::FirstLine(self.indent_tw())),
                        None,
                        None,
                    )
            }
        }
        if let Role::Heading1 | Role::Heading2 | Role::Heading3 | Role::Heading4 = role {
            s = s.outline_lvl(heading_level(role) - 1);
        }
        s
    }

    /// Builds the package with docx-rs, then patches and orders its XML parts, while the body is
    /// written (`body`) beside it; returns the zip entries in order.
    fn parts(&self, doc: &Document) -> Result<Vec<(String, Vec<u8>)>, String> {
        let (skeleton, body) = rayon::join(
            || -> Result<_, String> {
                let x = self.build(doc).build();
                let d = self.patch_document_part(&x.document)?;
                Ok((x, d))
            },
            || self.body_xml(doc),
        );
        let (x, skeleton) = skeleton?;
        let document = splice_body(&skeleton, body.as_bytes())?;
        let styles = self.patch_styles_part(&x.styles)?;
        let footers = x
            .footers
            .iter()
            .map(|f| self.patch_header_footer_part(f))
            .collect::<Result<Vec<_>, _>>()?;
        let headers = x
            .headers
            .iter()
            .map(|h| self.patch_header_footer_part(h))
            .collect::<Result<Vec<_>, _>>()?;

        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), x.content_type),
            ("_rels/.rels".into(), x.rels),
            ("docProps/app.xml".into(), x.doc_props.app),
            ("docProps/core.xml".into(), self.core_xml(doc)),
            ("docProps/custom.xml".into(), x.doc_props.custom),
            ("word/_rels/document.xml.rels".into(), x.document_rels),
            ("word/document.xml".into(), document),
            ("word/styles.xml".into(), styles),
            ("word/settings.xml".into(), self.settings_xml()),
            ("word/fontTable.xml".into(), self.font_table_xml()),
            ("word/comments.xml".into(), x.comments),
            ("word/numbering.xml".into(), x.numberings),
            ("word/commentsExtended.xml".into(), x.comments_extended),
            ("word/footnotes.xml".into(), x.footnotes),
        ];
        for (i, h) in headers.into_iter().enumerate() {
            parts.push((format!("word/header{}.xml", i + 1), h));
            if let Some(r) = x.header_rels.get(i) {
                parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r.clone()));
            }
        }
        for (i, f) in footers.into_iter().enumerate() {
            parts.push((format!("word/footer{}.xml", i + 1), f));
            if let Some(r) = x.footer_rels.get(i) {
                parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r.clone()));
            }
        }
        Ok(parts)
    }

    /// How far LibreOffice's lines sit above the PDF's grid: the top margin is lowered by this so
    /// that exact-spaced lines put their glyphs on the 天头 (twips).
    fn page_lift(&self) -> i32 {
        measure::mm_tw(self.style.page.margin_top_mm) - self.geo.top
    }

    /// Top and bottom cell margin (twips) that gives a row the PDF's height: LibreOffice adds the
    /// border's width to each row, so half of it comes off each margin.
    fn cell_pad_v(&self, g: &TableGeometry) -> i32 {
        let rule = (self.style.table.rule_pt * TW_PER_PT / 2.0).round() as i32;
        (measure::pt_tw(g.pad_y) - rule).max(0)
    }

    /// Top (and bottom) cell margin, in twips, for a table row that may open a page: the page's
    /// lines start above the 天头 (see [`measure::geometry`]); the row's glyph tops must not.
    fn page_top_cell_pad(&self) -> i32 {
        let lift_pt = self.style.page.margin_top_mm * PT_PER_MM - self.geo.top as f64 / TW_PER_PT;
        let size = self.style.role(Role::Table).size_pt;
        let inner = measure::LO_BASELINE_FRACTION * self.style.table.line_pitch_pt
            - measure::GLYPH_TOP_EM * size;
        // 0.7 mm inside the checker's 1 mm tolerance
        let want = lift_pt - 0.7 * PT_PER_MM - inner;
        measure::pt_tw(want).max(TABLE_CELL_PAD_V)
    }

    fn core_xml(&self, doc: &Document) -> Vec<u8> {
        let date = package::w3c_date(self.opts.epoch);
        let e = xml::escape;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified><dc:language>zh-CN</dc:language></cp:coreProperties>",
            e(&doc.title),
            e(&doc.author),
            e(&doc.author),
        )
        .into_bytes()
    }

    fn settings_xml(&self) -> Vec<u8> {
        let even_odd = if self.style.footer.align == FooterAlign::Outside {
            "<w:evenAndOddHeaders/>"
        } else {
            ""
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"{}\"/>{even_odd}<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:useFELayout/><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat><w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/><w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/></w:settings>",
            measure::pt_tw(self.body_size()) * 2
        )
        .into_bytes()
    }

    /// The font table: every face used, CJK ones marked GB2312 so Word substitutes sensibly.
    fn font_table_xml(&self) -> Vec<u8> {
        let mut names: Vec<(String, bool)> = Vec::new();
        for r in Role::ALL {
            let f = self.face(r);
            for (n, cjk) in [(f.east_asia, true), (f.latin, false)] {
                if !names.iter().any(|(m, _)| *m == n) {
                    names.push((n, cjk));
                }
            }
        }
        let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">");
        for (n, cjk) in names {
            let (charset, family, pitch) = if cjk && n != LATIN_FONT {
                ("86", "modern", "fixed")
            } else {
                ("00", "roman", "variable")
            };
            o.push_str(&format!(
                "<w:font w:name=\"{}\"><w:charset w:val=\"{charset}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>",
                xml::escape(&n)
            ));
        }
        o.push_str("</w:fonts>");
        o.into_bytes()
    }
}

fn heading_level(role: Role) -> usize {
    match role {
        Role::Heading1 => 1,
        Role::Heading2 => 2,
        Role::Heading3 => 3,
        _ => 4,
    }
}

/// The document part `skeleton` (no blocks) with `body` put before its section properties.
fn splice_body(skeleton: &[u8], body: &[u8]) -> Result<Vec<u8>, String> {
    let sect = memchr::memmem::rfind(skeleton, b"<w:sectPr").ok_or("no section properties")?;
    let mut out = Vec::with_capacity(skeleton.len() + body.len());
    out.extend_from_slice(&skeleton[..sect]);
    out.extend_from_slice(body);
    out.extend_from_slice(&skeleton[sect..]);
    Ok(out)
}

/// Splits text into alternating CJK and Latin (digits, ASCII) segments.
fn split_latin(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cur: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let l = measure::is_latin(c);
        if cur.is_some_and(|k| k != l) {
            out.push(&text[start..i]);
            start = i;
        }
        cur = Some(l);
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Copies a run's formatting onto a field-character run.
trait FontsFrom {
    fn fonts_from(self, other: &Run) -> Self;
}

impl FontsFrom for Run {
    fn fonts_from(mut self, other: &Run) -> Self {
        self.run_property = other.run_property.clone();
        self
    }
}

/// Single line spacing, nothing before or after (a cell's own spacing, not the style's grid line).
fn single_line() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
        .before(0)
        .after(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_segments() {
        assert_eq!(
            split_latin("自2021年1月1日起"),
            vec!["自", "2021", "年", "1", "月", "1", "日起"]
        );
        assert_eq!(split_latin("abc"), vec!["abc"]);
        assert_eq!(split_latin(""), vec![""]);
    }
}
