//! What docx-rs cannot write, patched into its XML parts (read as [`Tree`]s): `w:lang`,
//! `w:kinsoku`, `w:overflowPunct`, `w:autoSpaceDE/DN`, `w:firstLineChars`, the section's page,
//! margins and grid, the document defaults; then every property element is put into ECMA-376
//! order. (The body is written in that order by `body`, with what this pass gave it before.)
//!
//! Paragraph and run properties that are the same everywhere live in the styles (`w:kinsoku`,
//! `w:overflowPunct`, `w:autoSpaceDE/DN`, `w:widowControl`, `w:firstLineChars`, `w:lang` zh-CN):
//! the document part repeats none of them; its Latin runs say `w:lang` en-US. What docx-rs writes
//! to no purpose is dropped (empty `w:rPr`, `w14:paraId`, `xml:space` on text without spaces).

use super::arena::{Id, Tree};
use super::{measure, Role, Writer};

impl Writer<'_> {
    /// Patches and orders the document part of the package (its body is written apart, see
    /// `body`): the section's page, margins and grid.
    pub(super) fn patch_document_part(&self, src: &[u8]) -> Result<Vec<u8>, String> {
        let mut t = Tree::parse(src)?;
        let g = self.geo;
        let (w, h) = (g.width.to_string(), g.height.to_string());
        let margins = [g.top, g.right, g.bottom, g.left, g.header, g.footer].map(|x| x.to_string());
        let pitch = g.line.to_string();
        // the section: page, margins, no document grid in effect
        for e in t.parsed() {
            if t.name(e) != "w:sectPr" {
                continue;
            }
            let e2 = t.elem("w:pgSz", &[("w:w", &w), ("w:h", &h)]);
            t.put(e, e2);
            let v = &margins;
            let e2 = t.elem(
                "w:pgMar",
                &[
                    ("w:top", &v[0]),
                    ("w:right", &v[1]),
                    ("w:bottom", &v[2]),
                    ("w:left", &v[3]),
                    ("w:header", &v[4]),
                    ("w:footer", &v[5]),
                    ("w:gutter", "0"),
                ],
            );
            t.put(e, e2);
            let e2 = t.elem("w:docGrid", &[("w:linePitch", &pitch)]);
            t.put(e, e2);
            t.remove(e, "w:titlePg");
        }
        t.sort_schema();
        Ok(t.to_bytes())
    }

    /// Patches and orders a header or footer part.
    pub(super) fn patch_header_footer_part(&self, src: &[u8]) -> Result<Vec<u8>, String> {
        let mut t = Tree::parse(src)?;
        patch_runs(&mut t);
        for e in t.parsed() {
            match t.name(e) {
                "w:pPr" => drop_empty(&mut t, e, "w:rPr"),
                "w:p" | "w:t" => plain_text(&mut t, e),
                _ => {}
            }
        }
        t.sort_schema();
        Ok(t.to_bytes())
    }

    /// Patches and orders the styles part: document defaults, the Normal style, and the CJK
    /// paragraph and run properties of every style.
    pub(super) fn patch_styles_part(&self, src: &[u8]) -> Result<Vec<u8>, String> {
        let mut t = Tree::parse(src)?;
        let root = t.root();
        let body = self.face(Role::Body);
        let sz = self.size_hp(Role::Body).to_string();
        let indent_chars = ((self.style.body_indent_chars * 100.0).round() as i64).to_string();
        let indent_tw = self.indent_tw().to_string();
        let rpr = |t: &mut Tree| {
            let r = t.elem("w:rPr", &[]);
            let f = t.elem(
                "w:rFonts",
                &[
                    ("w:ascii", &body.latin),
                    ("w:hAnsi", &body.latin),
                    ("w:eastAsia", &body.east_asia),
                    ("w:cs", &body.latin),
                ],
            );
            t.child(r, f);
            let e = t.elem("w:sz", &[("w:val", &sz)]);
            t.child(r, e);
            let e = t.elem("w:szCs", &[("w:val", &sz)]);
            t.child(r, e);
            let e = lang(t, false);
            t.child(r, e)
        };
        let ppr = |t: &mut Tree| {
            let p = t.elem("w:pPr", &[]);
            for (name, val) in [
                ("w:widowControl", "0"),
                ("w:kinsoku", "1"),
                ("w:overflowPunct", "1"),
                ("w:autoSpaceDE", "1"),
                ("w:autoSpaceDN", "1"),
            ] {
                let e = t.elem(name, &[("w:val", val)]);
                t.child(p, e);
            }
            let e = t.elem(
                "w:spacing",
                &[
                    ("w:before", "0"),
                    ("w:after", "0"),
                    ("w:line", "240"),
                    ("w:lineRule", "auto"),
                ],
            );
            t.child(p, e)
        };
        let dd = t.elem("w:docDefaults", &[]);
        let r = t.elem("w:rPrDefault", &[]);
        let x = rpr(&mut t);
        t.child(r, x);
        t.child(dd, r);
        let p = t.elem("w:pPrDefault", &[]);
        let x = ppr(&mut t);
        t.child(p, x);
        t.child(dd, p);
        t.put(root, dd);
        t.remove(root, "w:latentStyles");
        for st in t.children_named(root, "w:style") {
            let id = t.attr(st, "w:styleId").map(super::xml::unescape);
            let id = id.as_deref().unwrap_or_default();
            if id == "Normal" {
                t.set_attr(st, "w:default", "1");
                let x = ppr(&mut t);
                t.put(st, x);
                let x = rpr(&mut t);
                t.put(st, x);
                continue;
            }
            if let Some(r) = t.find(st, "w:rPr") {
                let l = lang(&mut t, false);
                t.put(r, l);
            }
            let heading = matches!(
                id,
                "GkHeading1" | "GkHeading2" | "GkHeading3" | "GkHeading4"
            );
            if let Some(p) = t.find(st, "w:pPr") {
                drop_empty(&mut t, p, "w:rPr");
                // docx-rs accepts first_line_chars but never writes it
                if let Some(ind) = t.find(p, "w:ind") {
                    if t.attr(ind, "w:firstLine") == Some(indent_tw.as_str()) {
                        t.set_attr(ind, "w:firstLineChars", &indent_chars);
                    }
                }
                let k = t.elem("w:kinsoku", &[("w:val", "1")]);
                t.put(p, k);
                put_overflow_punct(&mut t, p);
                put_autospace(&mut t, p);
                let w = t.elem("w:widowControl", &[("w:val", "0")]);
                t.put(p, w);
                if heading {
                    let k = t.elem("w:keepNext", &[]);
                    t.put(p, k);
                }
            }
        }
        // docDefaults first, then the styles
        t.sort_children_by_key(root, |t, c| usize::from(t.name(c) != "w:docDefaults"));
        t.sort_schema();
        Ok(t.to_bytes())
    }
}

/// `w:lang` on Latin runs: en-US (so LibreOffice keeps numbers whole); other runs take the
/// styles' zh-CN. Empty run properties are dropped.
fn patch_runs(t: &mut Tree) {
    for r in t.parsed() {
        if t.name(r) != "w:r" {
            continue;
        }
        let latin = t
            .find(r, "w:t")
            .is_some_and(|text| t.text_all(text, measure::is_latin));
        if latin {
            let rpr = t.find_or_add(r, "w:rPr");
            let l = lang(t, latin);
            t.put(rpr, l);
        } else {
            drop_empty(t, r, "w:rPr");
        }
    }
}

/// Drops what a paragraph or text element does not need: docx-rs's `w14:paraId` (a paragraph's
/// identity for Word's collaboration features; Word assigns its own) and `xml:space="preserve"`
/// on text without white space.
fn plain_text(t: &mut Tree, e: Id) {
    if t.name(e) == "w:p" {
        t.remove_attr(e, "w14:paraId");
    } else if t.text_all(e, |c| !c.is_whitespace()) {
        t.remove_attr(e, "xml:space");
    }
}

/// Removes `parent`'s child elements named `name` when they have no children and no attributes.
fn drop_empty(t: &mut Tree, parent: Id, name: &str) {
    if t.find(parent, name).is_some_and(|c| t.is_empty(c)) {
        t.remove(parent, name);
    }
}

/// Space between Chinese and Latin letters or digits on (the default, written out): the PDF sets it
/// as word processors do (LibreOffice 1/5 em whatever this says, WPS about 1/4 em, as in the
/// reference report), so lines break alike.
fn put_autospace(t: &mut Tree, ppr: Id) {
    let e = t.elem("w:autoSpaceDE", &[("w:val", "1")]);
    t.put(ppr, e);
    let e = t.elem("w:autoSpaceDN", &[("w:val", "1")]);
    t.put(ppr, e);
}

/// No punctuation hanging past the margin in LibreOffice, which reads `w:overflowPunct` inverted
/// (measured: `0` makes a comma hang, and so does leaving it out).
fn put_overflow_punct(t: &mut Tree, ppr: Id) {
    let e = t.elem("w:overflowPunct", &[("w:val", "1")]);
    t.put(ppr, e);
}

fn lang(t: &mut Tree, latin: bool) -> Id {
    t.elem(
        "w:lang",
        &[
            ("w:val", "en-US"),
            ("w:eastAsia", if latin { "en-US" } else { "zh-CN" }),
        ],
    )
}
