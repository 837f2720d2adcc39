//! A PDF's positioned characters, rules and fonts, read with lopdf.
//!
//! lopdf parses the file, the content streams and the fonts' encodings (ToUnicode CMaps for the
//! CID fonts with Identity-H that WPS, Word, LibreOffice and gongkai write); this file only keeps
//! the text state of PDF 32000-1 §9.3–9.4 to know where each glyph stands, and the few path
//! operators that draw a table's rules.

use std::collections::HashMap;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

/// A text or path position on a page, in pt from the page's top-left corner (y grows downwards).
pub type Pt = f64;

/// One glyph as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The character(s) it stands for (from ToUnicode or the font's encoding).
    pub text: String,
    /// Left edge of the advance box.
    pub x: Pt,
    /// Baseline.
    pub y: Pt,
    /// Advance width.
    pub width: Pt,
    /// Font size as drawn (the text matrix's vertical scale times Tf).
    pub size: Pt,
    /// Index into [`PdfText::fonts`].
    pub font: usize,
}

impl Glyph {
    /// Right edge of the advance box.
    pub fn right(&self) -> Pt {
        self.x + self.width
    }
    /// Top of the em box (baseline − 0.88 em, the ascent of the CJK faces in use).
    pub fn top(&self) -> Pt {
        self.y - 0.88 * self.size
    }
    /// Bottom of the em box.
    pub fn bottom(&self) -> Pt {
        self.y + 0.12 * self.size
    }
}

/// A straight rule (a stroked segment, or a thin filled rectangle), as a box on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Left.
    pub x0: Pt,
    /// Top.
    pub y0: Pt,
    /// Right.
    pub x1: Pt,
    /// Bottom.
    pub y1: Pt,
}

/// A font as the file declares it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FontInfo {
    /// `BaseFont`, with its subset tag (`ABCDEF+FangSong`).
    pub name: String,
    /// The font program is in the file (FontFile, FontFile2 or FontFile3).
    pub embedded: bool,
    /// The name carries a subset tag (six capitals and `+`).
    pub subset: bool,
    /// It has a ToUnicode map (text can be copied and searched).
    pub to_unicode: bool,
}

impl FontInfo {
    /// The name without its subset tag.
    pub fn family(&self) -> &str {
        match self.name.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 => rest,
            _ => &self.name,
        }
    }
}

/// One page: its size, glyphs in drawing order, and rules.
#[derive(Debug, Clone, Default)]
pub struct PdfPage {
    /// MediaBox width.
    pub width: Pt,
    /// MediaBox height.
    pub height: Pt,
    /// Every glyph drawn, in content-stream order.
    pub glyphs: Vec<Glyph>,
    /// Every straight rule drawn.
    pub rules: Vec<Rule>,
}

/// What was read from a PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfText {
    /// Pages in order.
    pub pages: Vec<PdfPage>,
    /// Every font used by a glyph.
    pub fonts: Vec<FontInfo>,
}

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// lopdf could not parse it (not a PDF, damaged).
    Parse(String),
    /// It is encrypted.
    Encrypted,
    /// No page has any text (a scan).
    NoText,
}

/// Adds the rules a painted path draws: every horizontal or vertical segment when stroked, and every subpath whose box is at most 3 pt thin when filled.
fn paint(path: &[Vec<(f64, f64)>], stroke: bool, gs: &GState, page: &mut PdfPage) {
    let boxed = |pts: &[(f64, f64)]| {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &(x, y) in pts {
            let (x, y) = gs.ctm.apply(x, y);
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        b
    };
    for sub in path {
        if stroke {
            for w in sub.windows(2) {
                let [x0, y0, x1, y1] = boxed(w);
                // only horizontal and vertical segments are rules
                if (x1 - x0).min(y1 - y0) <= 0.5 {
                    page.rules.push(Rule { x0, y0, x1, y1 });
                }
            }
        } else if sub.len() >= 2 {
            let [x0, y0, x1, y1] = boxed(sub);
            if (x1 - x0).min(y1 - y0) <= 3.0 {
                page.rules.push(Rule { x0, y0, x1, y1 });
            }
        }
    }
}

/// Nesting limit for form XObjects (a loop of forms drawing each other is not followed further).
const MAX_FORM_DEPTH: usize = 8;
/// Content-stream operators read per document at most (forms drawn many times over each other
/// could otherwise multiply without end); a report has some tens of thousands.
const MAX_OPERATIONS: usize = 5_000_000;
/// Glyph widths kept per font at most (a `W` array of huge ranges is cut short).
const MAX_WIDTHS: usize = 100_000;

/// Reads every page's glyphs and rules.
pub fn read(bytes: &[u8]) -> Result<PdfText, ReadError> {
    let doc = Document::load_mem(bytes).map_err(|e| ReadError::Parse(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(ReadError::Encrypted);
    }
    let mut reader = Reader {
        doc: &doc,
        budget: MAX_OPERATIONS,
        fonts: HashMap::new(),
        out: PdfText::default(),
    };
    for (_, page_id) in doc.get_pages() {
        let page = reader.page(page_id);
        reader.out.pages.push(page);
    }
    if reader.out.pages.iter().all(|p| p.glyphs.is_empty()) {
        return Err(ReadError::NoText);
    }
    Ok(reader.out)
}

/// A font ready for decoding: its encoding and widths.
struct Font<'a> {
    index: usize,
    encoding: Option<Encoding<'a>>,
    /// Bytes per character code (2 for Type0 fonts, 1 for simple fonts).
    code_len: usize,
    widths: HashMap<u32, f64>,
    default_width: f64,
}

struct Reader<'a> {
    doc: &'a Document,
    /// Operators still to be read (see [`MAX_OPERATIONS`]).
    budget: usize,
    /// Font dictionary id (or a synthetic key for direct dictionaries) → font.
    fonts: HashMap<usize, Font<'a>>,
    out: PdfText,
}

#[derive(Clone, Copy)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    fn mul(self, o: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }
    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
}

#[derive(Clone, Copy)]
struct TextState {
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
    size: f64,
    font: Option<usize>,
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn nums(ops: &[Object]) -> Vec<f64> {
    ops.iter().filter_map(num).collect()
}

impl<'a> Reader<'a> {
    fn deref(&self, o: &'a Object) -> &'a Object {
        match o {
            Object::Reference(id) => self.doc.get_object(*id).unwrap_or(o),
            _ => o,
        }
    }

    fn dict(&self, o: &'a Object) -> Option<&'a Dictionary> {
        match self.deref(o) {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    fn page(&mut self, page_id: ObjectId) -> PdfPage {
        let doc = self.doc;
        let mut page = PdfPage {
            width: 595.276,
            height: 841.89,
            ..PdfPage::default()
        };
        // MediaBox and Resources may be inherited from the page tree
        let mut media = None;
        let mut resources = None;
        let mut node = doc.get_dictionary(page_id).ok();
        let mut hops = 0;
        while let Some(d) = node {
            if media.is_none() {
                media = d.get(b"MediaBox").ok().map(|o| self.deref(o));
            }
            if resources.is_none() {
                resources = d.get(b"Resources").ok().and_then(|o| self.dict(o));
            }
            hops += 1;
            node = match d.get(b"Parent") {
                Ok(Object::Reference(id)) if hops < 64 => doc.get_dictionary(*id).ok(),
                _ => None,
            };
        }
        let mut origin_y = 0.0;
        if let Some(Object::Array(a)) = media {
            let v = nums(a);
            if let [x0, y0, x1, y1] = v[..] {
                page.width = (x1 - x0).abs();
                page.height = (y1 - y0).abs();
                origin_y = y0.min(y1);
                let flip = Matrix([1.0, 0.0, 0.0, -1.0, -x0.min(x1), page.height + origin_y]);
                let content = doc.get_page_content(page_id);
                self.run(&content, resources, flip, &mut page, 0);
                return page;
            }
        }
        let flip = Matrix([1.0, 0.0, 0.0, -1.0, 0.0, page.height + origin_y]);
        let content = doc.get_page_content(page_id);
        self.run(&content, resources, flip, &mut page, 0);
        page
    }

    /// The key in `self.fonts` of the font `name` in `resources`, loaded on first use.
    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<usize> {
        let fonts = resources?.get(b"Font").ok().and_then(|o| self.dict(o))?;
        let obj = fonts.get(name).ok()?;
        let key = match obj {
            Object::Reference(id) => (id.0 as usize) << 16 | id.1 as usize,
            other => other as *const Object as usize,
        };
        if !self.fonts.contains_key(&key) {
            let dict = self.dict(obj)?;
            let font = self.load_font(dict);
            self.fonts.insert(key, font);
        }
        Some(key)
    }

    fn load_font(&mut self, dict: &'a Dictionary) -> Font<'a> {
        let name = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| self.deref(o).as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let type0 = dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) == Some(&b"Type0"[..]);
        let descendant = if type0 {
            dict.get(b"DescendantFonts")
                .ok()
                .and_then(|o| match self.deref(o) {
                    Object::Array(a) => a.first(),
                    _ => None,
                })
                .and_then(|o| self.dict(o))
        } else {
            None
        };
        let descriptor = descendant
            .unwrap_or(dict)
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| self.dict(o));
        let embedded = descriptor
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
        let tag = name.split_once('+').map(|(t, _)| t);
        let info = FontInfo {
            subset: tag.is_some_and(|t| t.len() == 6 && t.bytes().all(|b| b.is_ascii_uppercase())),
            embedded,
            to_unicode: dict.has(b"ToUnicode"),
            name,
        };
        let mut widths = HashMap::new();
        let default_width;
        if let Some(desc) = descendant {
            default_width = desc.get(b"DW").ok().and_then(num).unwrap_or(1000.0);
            if let Some(Object::Array(w)) = desc.get(b"W").ok().map(|o| self.deref(o)) {
                let mut i = 0;
                while i + 1 < w.len() && widths.len() < MAX_WIDTHS {
                    let Some(first) = num(self.deref(&w[i])) else {
                        break;
                    };
                    let first = first as u32;
                    match self.deref(&w[i + 1]) {
                        Object::Array(list) => {
                            for (k, v) in list.iter().enumerate() {
                                if let Some(v) = num(self.deref(v)) {
                                    widths.insert(first.saturating_add(k as u32), v);
                                }
                            }
                            i += 2;
                        }
                        o => {
                            let (Some(last), Some(v)) =
                                (num(o), w.get(i + 2).and_then(|x| num(self.deref(x))))
                            else {
                                break;
                            };
                            // a range is at most 65 536 codes
                            for c in first..=(last as u32).min(first.saturating_add(0xFFFF)) {
                                widths.insert(c, v);
                            }
                            i += 3;
                        }
                    }
                }
            }
        } else {
            default_width = descriptor
                .and_then(|d| d.get(b"MissingWidth").ok().and_then(num))
                .unwrap_or(0.0);
            let first = dict.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0) as u32;
            if let Some(Object::Array(w)) = dict.get(b"Widths").ok().map(|o| self.deref(o)) {
                for (k, v) in w.iter().enumerate() {
                    if let Some(v) = num(self.deref(v)) {
                        widths.insert(first.saturating_add(k as u32), v);
                    }
                }
            }
        }
        let index = self.out.fonts.len();
        self.out.fonts.push(info);
        Font {
            index,
            encoding: dict.get_font_encoding(self.doc).ok(),
            code_len: if type0 { 2 } else { 1 },
            widths,
            default_width,
        }
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        base: Matrix,
        page: &mut PdfPage,
        depth: usize,
    ) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut gs = GState { ctm: base };
        let mut stack: Vec<GState> = Vec::new();
        let mut ts = TextState {
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            size: 0.0,
            font: None,
        };
        let mut font_key: Option<Vec<u8>> = None;
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        // the current path, in user space: its subpaths, each a list of points
        let mut path: Vec<Vec<(f64, f64)>> = Vec::new();
        for Operation { operator, operands } in &content.operations {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            let n = nums(operands);
            match operator.as_str() {
                "q" => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let [a, b, c, d, e, f] = n[..] {
                        gs.ctm = Matrix([a, b, c, d, e, f]).mul(gs.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (operands.first(), operands.get(1).and_then(num))
                    {
                        ts.size = size;
                        font_key = Some(name.clone());
                        ts.font = None;
                    }
                }
                "Tc" => ts.char_spacing = n.first().copied().unwrap_or(0.0),
                "Tw" => ts.word_spacing = n.first().copied().unwrap_or(0.0),
                "Tz" => ts.scale = n.first().copied().unwrap_or(100.0) / 100.0,
                "TL" => ts.leading = n.first().copied().unwrap_or(0.0),
                "Ts" => ts.rise = n.first().copied().unwrap_or(0.0),
                "Td" | "TD" => {
                    if let [x, y] = n[..] {
                        if operator == "TD" {
                            ts.leading = -y;
                        }
                        tlm = Matrix::translate(x, y).mul(tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let [a, b, c, d, e, f] = n[..] {
                        tlm = Matrix([a, b, c, d, e, f]);
                        tm = tlm;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -ts.leading).mul(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if operator == "'" || operator == "\"" {
                        if operator == "\"" {
                            if let [aw, ac, ..] = n[..] {
                                ts.word_spacing = aw;
                                ts.char_spacing = ac;
                            }
                        }
                        tlm = Matrix::translate(0.0, -ts.leading).mul(tlm);
                        tm = tlm;
                    }
                    if ts.font.is_none() {
                        if let Some(k) = &font_key {
                            ts.font = self.font(resources, k);
                        }
                    }
                    let Some(fkey) = ts.font else { continue };
                    for o in operands {
                        match o {
                            Object::String(bytes, _) => {
                                self.show(bytes, fkey, &ts, &mut tm, gs.ctm, page);
                            }
                            Object::Array(items) => {
                                for it in items {
                                    match it {
                                        Object::String(bytes, _) => {
                                            self.show(bytes, fkey, &ts, &mut tm, gs.ctm, page)
                                        }
                                        other => {
                                            if let Some(adj) = num(other) {
                                                let tx = -adj / 1000.0 * ts.size * ts.scale;
                                                tm = Matrix::translate(tx, 0.0).mul(tm);
                                            }
                                        }
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "m" => {
                    if let [x, y] = n[..] {
                        path.push(vec![(x, y)]);
                    }
                }
                "l" => {
                    if let ([x, y], Some(sub)) = (&n[..], path.last_mut()) {
                        sub.push((*x, *y));
                    }
                }
                "h" => {
                    if let Some(sub) = path.last_mut() {
                        if let Some(&p0) = sub.first() {
                            sub.push(p0);
                        }
                    }
                }
                "re" => {
                    if let [x, y, w, h] = n[..] {
                        path.push(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]);
                    }
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    let stroke = matches!(operator.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                    paint(&path, stroke, &gs, page);
                    path.clear();
                }
                "n" => path.clear(),
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.form(resources, name, gs.ctm, page, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn form(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        ctm: Matrix,
        page: &mut PdfPage,
        depth: usize,
    ) {
        let Some(xobjects) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| self.dict(o))
        else {
            return;
        };
        let Some(Object::Stream(s)) = xobjects.get(name).ok().map(|o| self.deref(o)) else {
            return;
        };
        if s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) != Some(&b"Form"[..]) {
            return;
        }
        let m = match s.dict.get(b"Matrix").ok().map(|o| self.deref(o)) {
            Some(Object::Array(a)) => match nums(a)[..] {
                [a, b, c, d, e, f] => Matrix([a, b, c, d, e, f]),
                _ => Matrix::IDENTITY,
            },
            _ => Matrix::IDENTITY,
        };
        let res = s
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| self.dict(o))
            .or(resources);
        let Ok(content) = s.decompressed_content() else {
            return;
        };
        self.run(&content, res, m.mul(ctm), page, depth + 1);
    }

    fn show(
        &self,
        bytes: &[u8],
        fkey: usize,
        ts: &TextState,
        tm: &mut Matrix,
        ctm: Matrix,
        page: &mut PdfPage,
    ) {
        let Some(font) = self.fonts.get(&fkey) else {
            return;
        };
        for code_bytes in bytes.chunks(font.code_len) {
            let code = code_bytes.iter().fold(0u32, |a, b| a << 8 | u32::from(*b));
            let w0 = font
                .widths
                .get(&code)
                .copied()
                .unwrap_or(font.default_width)
                / 1000.0;
            let text = font
                .encoding
                .as_ref()
                .and_then(|e| e.bytes_to_string(code_bytes).ok())
                .unwrap_or_default();
            let trm = Matrix([ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise])
                .mul(*tm)
                .mul(ctm);
            let (x, y) = trm.apply(0.0, 0.0);
            let (x1, _) = trm.apply(w0, 0.0);
            let (_, ytop) = trm.apply(0.0, 1.0);
            let spacing = ts.char_spacing
                + if font.code_len == 1 && code == 32 {
                    ts.word_spacing
                } else {
                    0.0
                };
            let text = text.replace('\u{FFFD}', "");
            if !text.trim().is_empty() {
                page.glyphs.push(Glyph {
                    text,
                    x: x.min(x1),
                    y,
                    width: (x1 - x).abs(),
                    size: (y - ytop).abs(),
                    font: font.index,
                });
            }
            let tx = (w0 * ts.size + spacing) * ts.scale;
            *tm = Matrix::translate(tx, 0.0).mul(*tm);
        }
    }
}
