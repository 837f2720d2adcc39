//! The one XML tree of the DOCX writer: a part docx-rs wrote, read with quick-xml into plain
//! elements, edited (`fixup`), put in ECMA-376 sequence order, written back. Text and attribute
//! values are held unescaped; [`escape`] is the only escaping.

use quick_xml::events::Event;
use quick_xml::Reader;

/// An XML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element.
    Elem(Elem),
    /// Character data (unescaped).
    Text(String),
}

/// An element with its attributes (unescaped values) and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Elem {
    /// Qualified name (`w:rPr`).
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// Child nodes.
    pub children: Vec<Node>,
}

/// Escapes text for character data or an attribute value (quick-xml's escaping).
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

impl Elem {
    /// A new empty element.
    pub fn new(name: &str) -> Elem {
        Elem {
            name: name.to_string(),
            ..Elem::default()
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, k: &str, v: &str) -> Elem {
        self.set_attr(k, v);
        self
    }

    /// Adds a child element.
    pub fn child(mut self, e: Elem) -> Elem {
        self.children.push(Node::Elem(e));
        self
    }

    /// Adds character data.
    pub fn text_child(mut self, t: &str) -> Elem {
        self.children.push(Node::Text(t.to_string()));
        self
    }

    /// Sets (replaces) an attribute.
    pub fn set_attr(&mut self, k: &str, v: &str) {
        match self.attrs.iter_mut().find(|(a, _)| a == k) {
            Some(slot) => slot.1 = v.to_string(),
            None => self.attrs.push((k.to_string(), v.to_string())),
        }
    }

    /// An attribute's value.
    pub fn get_attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Child elements, mutable.
    pub fn elems_mut(&mut self) -> impl Iterator<Item = &mut Elem> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this name.
    pub fn find(&self, name: &str) -> Option<&Elem> {
        self.elems().find(|e| e.name == name)
    }

    /// The first child element with this name, appended when missing.
    pub fn find_or_add(&mut self, name: &str) -> &mut Elem {
        if self.find(name).is_none() {
            self.children.push(Node::Elem(Elem::new(name)));
        }
        self.elems_mut()
            .find(|e| e.name == name)
            .expect("present or just added")
    }

    /// Replaces the child elements of this name with `e` (appended).
    pub fn put(&mut self, e: Elem) {
        self.remove(&e.name);
        self.children.push(Node::Elem(e));
    }

    /// Removes child elements with this name.
    pub fn remove(&mut self, name: &str) {
        self.children
            .retain(|n| !matches!(n, Node::Elem(x) if x.name == name));
    }

    /// All the character data below this element.
    pub fn text(&self) -> String {
        let mut s = String::new();
        fn walk(e: &Elem, s: &mut String) {
            for n in &e.children {
                match n {
                    Node::Text(t) => s.push_str(t),
                    Node::Elem(c) => walk(c, s),
                }
            }
        }
        walk(self, &mut s);
        s
    }

    /// Visits this element and every descendant, parents before children.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Elem)) {
        f(self);
        for c in self.elems_mut() {
            c.walk_mut(f);
        }
    }

    /// Every descendant element (and this one) with this name, in document order.
    pub fn descendants<'a>(&'a self, name: &str) -> Vec<&'a Elem> {
        fn walk<'a>(e: &'a Elem, name: &str, out: &mut Vec<&'a Elem>) {
            if e.name == name {
                out.push(e);
            }
            for c in e.elems() {
                walk(c, name, out);
            }
        }
        let mut out = Vec::new();
        walk(self, name, &mut out);
        out
    }

    fn write(&self, o: &mut String) {
        o.push('<');
        o.push_str(&self.name);
        for (k, v) in &self.attrs {
            o.push(' ');
            o.push_str(k);
            o.push_str("=\"");
            o.push_str(&escape(v));
            o.push('"');
        }
        if self.children.is_empty() {
            o.push_str("/>");
            return;
        }
        o.push('>');
        for n in &self.children {
            match n {
                Node::Text(t) => o.push_str(&escape(t)),
                Node::Elem(e) => e.write(o),
            }
        }
        o.push_str("</");
        o.push_str(&self.name);
        o.push('>');
    }
}

/// Parses an XML part into its root element (declaration, comments and processing instructions
/// dropped).
pub fn parse(src: &[u8]) -> Result<Elem, String> {
    let mut r = Reader::from_reader(src);
    let decoder = r.decoder();
    let mut stack: Vec<Elem> = vec![Elem::new("#document")];
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let open = |s: &quick_xml::events::BytesStart| -> Result<Elem, String> {
        let mut e = Elem::new(&String::from_utf8_lossy(s.name().as_ref()));
        for a in s.attributes() {
            let a = a.map_err(|e| err(&e))?;
            let v = a
                .decoded_and_normalized_value(quick_xml::XmlVersion::Explicit1_0, decoder)
                .map_err(|e| err(&e))?;
            e.attrs.push((
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                v.into(),
            ));
        }
        Ok(e)
    };
    fn top(stack: &mut [Elem]) -> Result<&mut Elem, String> {
        stack
            .last_mut()
            .ok_or_else(|| "unbalanced end tag".to_string())
    }
    let push_text = |stack: &mut Vec<Elem>, t: &str| -> Result<(), String> {
        let depth = stack.len();
        let e = top(stack)?;
        if let Some(Node::Text(prev)) = e.children.last_mut() {
            prev.push_str(t);
        } else if depth > 1 {
            e.children.push(Node::Text(t.to_string()));
        }
        Ok(())
    };
    loop {
        match r.read_event().map_err(|e| err(&e))? {
            Event::Start(s) => stack.push(open(&s)?),
            Event::Empty(s) => {
                let e = open(&s)?;
                top(&mut stack)?.children.push(Node::Elem(e));
            }
            Event::End(_) => {
                let e = stack.pop().ok_or("unbalanced end tag")?;
                top(&mut stack)?.children.push(Node::Elem(e));
            }
            Event::Text(t) => push_text(&mut stack, &t.decode().map_err(|e| err(&e))?)?,
            Event::CData(t) => push_text(&mut stack, &t.decode().map_err(|e| err(&e))?)?,
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().map_err(|e| err(&e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = g.decode().map_err(|e| err(&e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_string()
                    }
                };
                push_text(&mut stack, &c)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if stack.len() != 1 {
        return Err("unclosed element".into());
    }
    stack
        .pop()
        .and_then(|d| {
            d.children.into_iter().find_map(|n| match n {
                Node::Elem(e) => Some(e),
                Node::Text(_) => None,
            })
        })
        .ok_or_else(|| "no root element".into())
}

/// Serialises a part with the standard declaration.
pub fn to_bytes(root: &Elem) -> Vec<u8> {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    root.write(&mut o);
    o.into_bytes()
}

/// ECMA-376 Part 1 sequence order of the children of the property elements we write (local
/// names; children of other elements keep their order).
#[rustfmt::skip]
pub fn schema_sequence(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "w:rPr" => &[
            "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath",
        ],
        "w:pPr" => &[
            "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
        ],
        "w:tblPr" => &[
            "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
            "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
            "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
        ],
        "w:trPr" => &[
            "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
            "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins", "del", "trPrChange",
        ],
        "w:tcPr" => &[
            "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
            "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
            "cellDel", "cellMerge", "tcPrChange",
        ],
        "w:sectPr" => &[
            "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
            "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
            "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
            "printerSettings", "sectPrChange",
        ],
        "w:tblBorders" | "w:tcBorders" | "w:pBdr" => &[
            "top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br",
            "tr2bl", "between", "bar",
        ],
        "w:tblCellMar" | "w:tcMar" => &["top", "left", "start", "bottom", "right", "end"],
        "w:style" => &[
            "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
            "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
            "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
        ],
        "w:font" => &[
            "altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig",
            "embedRegular", "embedBold", "embedItalic", "embedBoldItalic",
        ],
        "w:docDefaults" => &["rPrDefault", "pPrDefault"],
        // the settings docx-rs and this writer use, in CT_Settings order
        "w:settings" => &[
            "writeProtection", "view", "zoom", "removePersonalInformation", "proofState",
            "defaultTabStop", "autoHyphenation", "evenAndOddHeaders", "characterSpacingControl",
            "compat", "docVars", "rsids", "themeFontLang", "decimalSymbol", "listSeparator",
        ],
        _ => return None,
    })
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Puts the children of every property element into schema order (stable; unknown names last),
/// and the property element first in `w:p`, `w:r`, `w:tbl`, `w:tr` and `w:tc`.
pub fn sort_schema(root: &mut Elem) {
    root.walk_mut(&mut |e| {
        if let Some(seq) = schema_sequence(&e.name) {
            let rank = |n: &Node| match n {
                Node::Elem(c) => {
                    let name = local(&c.name);
                    seq.iter().position(|s| *s == name).unwrap_or(seq.len())
                }
                Node::Text(_) => seq.len(),
            };
            e.children.sort_by_key(rank);
        } else if matches!(e.name.as_str(), "w:p" | "w:r" | "w:tbl" | "w:tr" | "w:tc") {
            let name = e.name.as_str();
            let is_pr = |c: &Elem| c.name.strip_suffix("Pr") == Some(name);
            e.children
                .sort_by_key(|n| !matches!(n, Node::Elem(c) if is_pr(c)));
        }
    });
}

/// Checks that every property element has its children in schema order; returns the first
/// violation as `parent: a before b`.
pub fn check_schema_order(root: &Elem) -> Result<(), String> {
    if let Some(seq) = schema_sequence(&root.name) {
        let mut last = (0, "");
        for c in root.elems() {
            let name = local(&c.name);
            let p = seq
                .iter()
                .position(|s| *s == name)
                .ok_or_else(|| format!("{}: unknown child {}", root.name, c.name))?;
            if p < last.0 {
                return Err(format!("{}: {} before {}", root.name, last.1, c.name));
            }
            last = (p, &c.name);
        }
    }
    root.elems().try_for_each(check_schema_order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_escapes_once_and_orders() {
        let src = br#"<?xml version="1.0"?><w:document a="x&amp;y"><w:p><w:r><w:rPr><w:sz w:val="32"/><w:rFonts w:ascii="A"/><w:rStyle w:val="s"/></w:rPr><w:t xml:space="preserve">a &lt; b &#x4E2D;</w:t></w:r></w:p></w:document>"#;
        let mut d = parse(src).unwrap();
        assert_eq!(d.get_attr("a"), Some("x&y"));
        assert_eq!(d.text(), "a < b 中");
        assert!(check_schema_order(&d).is_err());
        sort_schema(&mut d);
        check_schema_order(&d).unwrap();
        let out = String::from_utf8(to_bytes(&d)).unwrap();
        assert!(
            out.contains(
                r#"<w:rPr><w:rStyle w:val="s"/><w:rFonts w:ascii="A"/><w:sz w:val="32"/></w:rPr>"#
            ),
            "{out}"
        );
        assert!(
            out.contains("a &lt; b 中") && out.contains(r#"a="x&amp;y""#),
            "{out}"
        );
        assert_eq!(parse(&to_bytes(&d)).unwrap(), d);
    }
}
