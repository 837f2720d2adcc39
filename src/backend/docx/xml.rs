//! A minimal XML tree for patching the parts docx-rs writes: parse, edit, put children in ECMA-376
//! sequence order, serialise. Text and attribute values are kept escaped, exactly as read.

use std::fmt::Write as _;

/// An XML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element.
    Elem(Elem),
    /// Character data, still escaped.
    Text(String),
}

/// An element with its attributes (values escaped) and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Elem {
    /// Qualified name (`w:rPr`).
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// Child nodes.
    pub children: Vec<Node>,
}

/// Escapes text for character data or an attribute value.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// Undoes [`escape`] (and `&apos;`, numeric references).
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut o = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        o.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').unwrap_or(tail.len() - 1);
        let ent = &tail[1..end];
        match ent {
            "amp" => o.push('&'),
            "lt" => o.push('<'),
            "gt" => o.push('>'),
            "quot" => o.push('"'),
            "apos" => o.push('\''),
            _ => {
                let n = ent
                    .strip_prefix("#x")
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| ent.strip_prefix('#').map(|d| d.parse()));
                match n.and_then(Result::ok).and_then(char::from_u32) {
                    Some(c) => o.push(c),
                    None => o.push_str(&tail[..=end]),
                }
            }
        }
        rest = &tail[end + 1..];
    }
    o.push_str(rest);
    o
}

impl Elem {
    /// A new empty element.
    pub fn new(name: &str) -> Elem {
        Elem {
            name: name.to_string(),
            ..Elem::default()
        }
    }

    /// Adds an attribute (value given unescaped).
    pub fn attr(mut self, k: &str, v: &str) -> Elem {
        self.set_attr(k, v);
        self
    }

    /// Adds a child element.
    pub fn child(mut self, e: Elem) -> Elem {
        self.children.push(Node::Elem(e));
        self
    }

    /// Sets (replaces) an attribute (value given unescaped).
    pub fn set_attr(&mut self, k: &str, v: &str) {
        let v = escape(v);
        match self.attrs.iter_mut().find(|(a, _)| a == k) {
            Some(slot) => slot.1 = v,
            None => self.attrs.push((k.to_string(), v)),
        }
    }

    /// An attribute's value, unescaped.
    pub fn get_attr(&self, k: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| unescape(v))
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

    /// The first child element with this name, created (appended) when missing.
    pub fn find_or_add(&mut self, name: &str) -> &mut Elem {
        let i = match self
            .children
            .iter()
            .position(|n| matches!(n, Node::Elem(e) if e.name == name))
        {
            Some(i) => i,
            None => {
                self.children.push(Node::Elem(Elem::new(name)));
                self.children.len() - 1
            }
        };
        match &mut self.children[i] {
            Node::Elem(e) => e,
            Node::Text(_) => unreachable!("index of an element"),
        }
    }

    /// Replaces the child element of this name (or appends it).
    pub fn put(&mut self, e: Elem) {
        self.children
            .retain(|n| !matches!(n, Node::Elem(x) if x.name == e.name));
        self.children.push(Node::Elem(e));
    }

    /// Removes child elements with this name.
    pub fn remove(&mut self, name: &str) {
        self.children
            .retain(|n| !matches!(n, Node::Elem(x) if x.name == name));
    }

    /// All the character data below this element, unescaped.
    pub fn text(&self) -> String {
        let mut s = String::new();
        fn walk(e: &Elem, s: &mut String) {
            for n in &e.children {
                match n {
                    Node::Text(t) => s.push_str(&unescape(t)),
                    Node::Elem(c) => walk(c, s),
                }
            }
        }
        walk(self, &mut s);
        s
    }

    /// Visits this element and every descendant, depth first, parents before children.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Elem)) {
        f(self);
        for c in self.elems_mut() {
            c.walk_mut(f);
        }
    }

    /// Every descendant element (and this one) with this name, in document order.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Elem>) {
        if self.name == name {
            out.push(self);
        }
        for c in self.elems() {
            c.descendants(name, out);
        }
    }

    /// Serialises the element.
    pub fn write(&self, o: &mut String) {
        o.push('<');
        o.push_str(&self.name);
        for (k, v) in &self.attrs {
            let _ = write!(o, " {k}=\"{v}\"");
        }
        if self.children.is_empty() {
            o.push_str("/>");
            return;
        }
        o.push('>');
        for n in &self.children {
            match n {
                Node::Text(t) => o.push_str(t),
                Node::Elem(e) => e.write(o),
            }
        }
        let _ = write!(o, "</{}>", self.name);
    }
}

/// Parses an XML part (a declaration, one root element; no DTD). Comments and processing
/// instructions are dropped.
pub fn parse(src: &[u8]) -> Result<Elem, String> {
    let s = std::str::from_utf8(src).map_err(|e| e.to_string())?;
    let mut stack: Vec<Elem> = vec![Elem::new("#document")];
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            if s[i..].starts_with("<?") {
                i += s[i..].find("?>").ok_or("unterminated declaration")? + 2;
            } else if s[i..].starts_with("<!--") {
                i += s[i..].find("-->").ok_or("unterminated comment")? + 3;
            } else if s[i..].starts_with("<![CDATA[") {
                let end = s[i..].find("]]>").ok_or("unterminated CDATA")?;
                let text = escape(&s[i + 9..i + end]);
                stack
                    .last_mut()
                    .ok_or("no parent")?
                    .children
                    .push(Node::Text(text));
                i += end + 3;
            } else if s[i..].starts_with("</") {
                let end = s[i..].find('>').ok_or("unterminated end tag")?;
                let e = stack.pop().ok_or("unbalanced end tag")?;
                if e.name != s[i + 2..i + end].trim() {
                    return Err(format!(
                        "end tag {} does not close {}",
                        &s[i + 2..i + end],
                        e.name
                    ));
                }
                stack
                    .last_mut()
                    .ok_or("unbalanced end tag")?
                    .children
                    .push(Node::Elem(e));
                i += end + 1;
            } else {
                let (e, len, closed) = parse_tag(&s[i..])?;
                i += len;
                if closed {
                    stack
                        .last_mut()
                        .ok_or("no parent")?
                        .children
                        .push(Node::Elem(e));
                } else {
                    stack.push(e);
                }
            }
        } else {
            let end = s[i..].find('<').map_or(b.len(), |k| i + k);
            let t = &s[i..end];
            if stack.len() > 1 && !t.is_empty() {
                stack
                    .last_mut()
                    .ok_or("no parent")?
                    .children
                    .push(Node::Text(t.to_string()));
            }
            i = end;
        }
    }
    if stack.len() != 1 {
        return Err("unclosed element".into());
    }
    let doc = stack.pop().ok_or("empty")?;
    let root = doc.children.into_iter().find_map(|n| match n {
        Node::Elem(e) => Some(e),
        Node::Text(_) => None,
    });
    root.ok_or_else(|| "no root element".into())
}

fn parse_tag(s: &str) -> Result<(Elem, usize, bool), String> {
    // s starts with '<'; attribute values may contain '>'
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let mut e = Elem::new(&s[1..i]);
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Err("unterminated tag".into());
        }
        if b[i] == b'>' {
            return Ok((e, i + 1, false));
        }
        if s[i..].starts_with("/>") {
            return Ok((e, i + 2, true));
        }
        let eq = s[i..].find('=').ok_or("attribute without value")? + i;
        let key = s[i..eq].trim().to_string();
        let mut j = eq + 1;
        while b[j].is_ascii_whitespace() {
            j += 1;
        }
        let q = b[j];
        let close = s[j + 1..].find(q as char).ok_or("unterminated attribute")? + j + 1;
        e.attrs.push((key, s[j + 1..close].to_string()));
        i = close + 1;
    }
}

/// Serialises a part with the standard declaration.
pub fn to_bytes(root: &Elem) -> Vec<u8> {
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    root.write(&mut o);
    o.into_bytes()
}

/// ECMA-376 Part 1 sequence order of the children of the elements we write (local names, `w:`).
pub fn schema_sequence(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "w:rPr" => &[
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
        ],
        "w:pPr" => &[
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ],
        "w:tblPr" => &[
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        ],
        "w:trPr" => &[
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
            "ins",
            "del",
            "trPrChange",
        ],
        "w:tcPr" => &[
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
            "headers",
            "cellIns",
            "cellDel",
            "cellMerge",
            "tcPrChange",
        ],
        "w:sectPr" => &[
            "headerReference",
            "footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
            "sectPrChange",
        ],
        "w:tblBorders" | "w:tcBorders" | "w:pBdr" => &[
            "top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br",
            "tr2bl", "between", "bar",
        ],
        "w:tblCellMar" | "w:tcMar" => &["top", "left", "start", "bottom", "right", "end"],
        "w:style" => &[
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ],
        "w:docDefaults" => &["rPrDefault", "pPrDefault"],
        "w:tbl" => &["bookmarkStart", "tblPr", "tblGrid", "tr"],
        "w:tr" => &["tblPrEx", "trPr", "tc"],
        "w:tc" => &["tcPr", "p", "tbl"],
        "w:p" => &["pPr"],
        "w:r" => &["rPr"],
        _ => return None,
    })
}

/// Puts the children of every element with a known sequence into schema order (stable; elements
/// not in the sequence keep their relative place after the known ones, except in `w:p`, `w:r`,
/// `w:tbl`, `w:tr`, `w:tc` where only the property element is moved first).
pub fn sort_schema(root: &mut Elem) {
    root.walk_mut(&mut |e| {
        let Some(seq) = schema_sequence(&e.name) else {
            return;
        };
        let content = matches!(e.name.as_str(), "w:p" | "w:r" | "w:tbl" | "w:tr" | "w:tc");
        let rank = |n: &Node| -> usize {
            match n {
                Node::Elem(c) => {
                    let local = c.name.split(':').next_back().unwrap_or(&c.name);
                    seq.iter().position(|s| *s == local).unwrap_or(seq.len())
                }
                Node::Text(_) => seq.len(),
            }
        };
        if content {
            // only the *Pr child moves to the front
            let key = |n: &Node| -> usize {
                usize::from(
                    !matches!(n, Node::Elem(c) if c.name.ends_with("Pr") && c.name != "w:sectPr"),
                )
            };
            e.children.sort_by_key(key);
        } else {
            e.children.sort_by_key(rank);
        }
    });
}

/// Checks that every element with a known sequence has its children in that order; returns the
/// first violation as `parent: a before b`.
pub fn check_schema_order(root: &Elem) -> Result<(), String> {
    let mut err = None;
    fn walk(e: &Elem, err: &mut Option<String>) {
        if err.is_some() {
            return;
        }
        if let Some(seq) = schema_sequence(&e.name) {
            if !matches!(e.name.as_str(), "w:p" | "w:r" | "w:tbl" | "w:tr" | "w:tc") {
                let mut last = 0;
                let mut last_name = "";
                for c in e.elems() {
                    let local = c.name.split(':').next_back().unwrap_or(&c.name);
                    let p = seq.iter().position(|s| *s == local).unwrap_or(usize::MAX);
                    if p == usize::MAX {
                        *err = Some(format!("{}: unknown child {}", e.name, c.name));
                        return;
                    }
                    if p < last {
                        *err = Some(format!("{}: {} before {}", e.name, last_name, c.name));
                        return;
                    }
                    last = p;
                    last_name = &c.name;
                }
            }
        }
        for c in e.elems() {
            walk(c, err);
        }
    }
    walk(root, &mut err);
    err.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let src = br#"<?xml version="1.0"?><w:document a="x&amp;y"><w:p><w:r><w:rPr><w:sz w:val="32"/><w:rFonts w:ascii="A"/><w:rStyle w:val="s"/></w:rPr><w:t xml:space="preserve">a &lt; b</w:t></w:r></w:p></w:document>"#;
        let mut d = parse(src).unwrap();
        assert_eq!(d.get_attr("a").as_deref(), Some("x&y"));
        assert_eq!(d.text(), "a < b");
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
        assert!(out.contains("a &lt; b"));
    }
}
