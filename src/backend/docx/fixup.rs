//! The one XML step: what docx-rs 0.4 cannot write, added to the parts it built, then every
//! property element put into ECMA-376 order (docx-rs writes `w:sz` before `w:rFonts`, `w:rPr`
//! before `w:pPr` in styles, …; Word drops formatting it finds out of order).
//!
//! Added here, and nothing else:
//! - styles: `w:default` on Normal; `w:kinsoku`, `w:overflowPunct` and `w:firstLineChars` (docx-rs drops the latter)
//!   on Normal, `w:firstLineChars="0"` where a style clears the indent; `w:lang` zh-CN in the
//!   document defaults;
//! - document: `w:lang` en-US on runs of Latin text (LibreOffice keeps "2020" whole only then),
//!   `w:tblHeader` on each table's header rows (no setter in docx-rs);
//! - the font table (docx-rs writes a fixed one): every face with `w:altName`, `w:panose1`,
//!   charset 86 (GB2312), family and pitch;
//! - settings: `characterSpacingControl` out of `w:compat` (where docx-rs puts it), Word's own
//!   balance of Latin and Chinese widths (docx-rs sets `balanceSingleByteDoubleByteWidth`), and
//!   schema order (docx-rs puts `zoom` after
//!   `defaultTabStop`, `evenAndOddHeaders` after `compat`; Word rejects such a file);
//! - paragraphs: no `w14:paraId` (docx-rs counts them per thread, across documents);
//! - core properties: title, author, language; no `dcterms:created`/`modified` without
//!   SOURCE_DATE_EPOCH (docx-rs writes 1970 otherwise).

use docx_rs::XMLDocx;

use super::xml::{self, Elem, Node};

/// One entry of the font table.
#[derive(Debug, Clone, PartialEq)]
pub struct FontEntry {
    /// `w:name`.
    pub name: String,
    /// `w:altName`: the name of the same (or the nearest) face on a stock Windows PC.
    pub alt_name: Option<String>,
    /// `w:panose1`.
    pub panose: Option<String>,
    /// A Chinese face (charset 86, fixed pitch) rather than a Latin one.
    pub cjk: bool,
}

/// What the step needs to know beyond the parts.
pub struct Fixes<'a> {
    /// Document title.
    pub title: &'a str,
    /// Author (the organ).
    pub author: &'a str,
    /// SOURCE_DATE_EPOCH, if set.
    pub epoch: Option<i64>,
    /// Header rows of each table, in document order.
    pub header_rows: Vec<usize>,
    /// Body first-line indent in hundredths of a character.
    pub first_line_chars: i32,
    /// The font table.
    pub fonts: Vec<FontEntry>,
}

/// The package's parts, fixed and ordered, as zip entries in the order docx-rs writes them.
pub fn parts(x: XMLDocx, f: &Fixes) -> Result<Vec<(String, Vec<u8>)>, String> {
    let edit = |bytes: &[u8], fix: &dyn Fn(&mut Elem)| -> Result<Vec<u8>, String> {
        let mut root = xml::parse(bytes)?;
        fix(&mut root);
        // docx-rs numbers paragraphs from a per-thread counter: same input, same bytes only
        // without them (Word makes its own)
        root.walk_mut(&mut |e| {
            if e.name == "w:p" {
                e.attrs.retain(|(k, _)| k != "w14:paraId");
            }
        });
        xml::sort_schema(&mut root);
        Ok(xml::to_bytes(&root))
    };
    let none = |_: &mut Elem| {};
    let mut out: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), x.content_type),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        (
            "docProps/core.xml".into(),
            edit(&x.doc_props.core, &|r| core(r, f))?,
        ),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), x.document_rels),
        (
            "word/document.xml".into(),
            edit(&x.document, &|r| document(r, f))?,
        ),
        (
            "word/styles.xml".into(),
            edit(&x.styles, &|r| styles(r, f))?,
        ),
        ("word/settings.xml".into(), edit(&x.settings, &settings)?),
        (
            "word/fontTable.xml".into(),
            xml::to_bytes(&font_table(&f.fonts)),
        ),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), x.numberings),
        ("word/commentsExtended.xml".into(), x.comments_extended),
        ("word/footnotes.xml".into(), x.footnotes),
    ];
    for (i, h) in x.headers.iter().enumerate() {
        out.push((format!("word/header{}.xml", i + 1), edit(h, &none)?));
        if let Some(r) = x.header_rels.get(i) {
            out.push((format!("word/_rels/header{}.xml.rels", i + 1), r.clone()));
        }
    }
    for (i, h) in x.footers.iter().enumerate() {
        out.push((format!("word/footer{}.xml", i + 1), edit(h, &none)?));
        if let Some(r) = x.footer_rels.get(i) {
            out.push((format!("word/_rels/footer{}.xml.rels", i + 1), r.clone()));
        }
    }
    Ok(out)
}

/// `w:val`-style element.
fn val(name: &str, v: &str) -> Elem {
    Elem::new(name).attr("w:val", v)
}

fn styles(root: &mut Elem, f: &Fixes) {
    // docx-rs always writes an empty Normal before the styles it is given: keep the last of each id
    let ids: Vec<Option<String>> = root
        .children
        .iter()
        .map(|n| match n {
            Node::Elem(e) if e.name == "w:style" => e.get_attr("w:styleId").map(str::to_string),
            _ => None,
        })
        .collect();
    let mut i = 0;
    root.children.retain(|_| {
        i += 1;
        ids[i - 1]
            .as_ref()
            .is_none_or(|id| !ids[i..].contains(&Some(id.clone())))
    });
    if let Some(d) = root.elems_mut().find(|e| e.name == "w:docDefaults") {
        let rpr = d.find_or_add("w:rPrDefault").find_or_add("w:rPr");
        rpr.put(
            Elem::new("w:lang")
                .attr("w:val", "en-US")
                .attr("w:eastAsia", "zh-CN")
                .attr("w:bidi", "ar-SA"),
        );
    }
    for s in root.elems_mut().filter(|e| e.name == "w:style") {
        let normal = s.get_attr("w:styleId") == Some("Normal");
        if normal {
            s.set_attr("w:default", "1");
        }
        let Some(ppr) = s.elems_mut().find(|e| e.name == "w:pPr") else {
            continue;
        };
        if normal {
            // overflowPunct="1": LibreOffice lets no mark hang past the margin (it reads the
            // value inverted; absent, it hangs)
            ppr.put(val("w:kinsoku", "1"));
            ppr.put(val("w:overflowPunct", "1"));
        }
        if let Some(ind) = ppr.elems_mut().find(|e| e.name == "w:ind") {
            // Word takes firstLineChars over firstLine, and inherits it from Normal
            let chars = if normal { f.first_line_chars } else { 0 };
            if ind.get_attr("w:firstLine").is_some() {
                ind.set_attr("w:firstLineChars", &chars.to_string());
            }
        }
    }
}

fn document(root: &mut Elem, f: &Fixes) {
    // Latin runs: en-US, so that LibreOffice and Word keep numbers and words whole
    root.walk_mut(&mut |e| {
        if e.name != "w:r" {
            return;
        }
        let text: String = e
            .elems()
            .filter(|t| t.name == "w:t")
            .map(Elem::text)
            .collect();
        if !text.is_empty() && text.chars().all(super::measure::is_latin) {
            e.find_or_add("w:rPr").put(
                Elem::new("w:lang")
                    .attr("w:val", "en-US")
                    .attr("w:eastAsia", "en-US"),
            );
        }
    });
    // header rows repeated on every page the table reaches
    let mut tables = Vec::new();
    collect_tables(root, &mut tables);
    for (t, &n) in tables.into_iter().zip(&f.header_rows) {
        for tr in t.elems_mut().filter(|e| e.name == "w:tr").take(n) {
            tr.find_or_add("w:trPr").put(Elem::new("w:tblHeader"));
        }
    }
}

/// The body's top-level tables, in order.
fn collect_tables<'a>(e: &'a mut Elem, out: &mut Vec<&'a mut Elem>) {
    for c in e.elems_mut() {
        if c.name == "w:tbl" {
            out.push(c);
        } else if c.name == "w:body" {
            collect_tables(c, out);
        }
    }
}

/// Settings: `w:characterSpacingControl` where the schema has it (docx-rs writes it inside
/// `w:compat`), and Word's default balance of Latin and Chinese widths (docx-rs turns it off).
fn settings(root: &mut Elem) {
    let mut moved = None;
    if let Some(c) = root.elems_mut().find(|e| e.name == "w:compat") {
        c.remove("w:balanceSingleByteDoubleByteWidth");
        moved = c.find("w:characterSpacingControl").cloned();
        c.remove("w:characterSpacingControl");
    }
    if let Some(m) = moved {
        root.put(m);
    }
}

fn font_table(fonts: &[FontEntry]) -> Elem {
    let mut root = Elem::new("w:fonts").attr(
        "xmlns:w",
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    );
    for f in fonts {
        let mut e = Elem::new("w:font").attr("w:name", &f.name);
        if let Some(a) = &f.alt_name {
            e = e.child(val("w:altName", a));
        }
        if let Some(p) = &f.panose {
            e = e.child(val("w:panose1", p));
        }
        let (charset, family, pitch) = if f.cjk {
            ("86", "modern", "fixed")
        } else {
            ("00", "roman", "variable")
        };
        e = e
            .child(val("w:charset", charset))
            .child(val("w:family", family))
            .child(val("w:pitch", pitch));
        root = root.child(e);
    }
    root
}

fn core(root: &mut Elem, f: &Fixes) {
    if f.epoch.is_none() {
        root.remove("dcterms:created");
        root.remove("dcterms:modified");
    }
    for (name, v) in [
        ("dc:title", f.title),
        ("dc:creator", f.author),
        ("cp:lastModifiedBy", f.author),
        ("dc:language", "zh-CN"),
    ] {
        root.put(Elem::new(name).text_child(v));
    }
    // a text node left between elements by the removals would be harmless; drop any anyway
    root.children.retain(|n| matches!(n, Node::Elem(_)));
}
