//! `pdf`: pages → PDF bytes (printpdf). The only module that uses printpdf.
//!
//! Fonts are embedded as subsets (Identity-H CID fonts with ToUnicode, so text copies and searches);
//! glyphs are placed by absolute text matrices plus TJ offsets. The output is deterministic: resource
//! names and subset tags are derived from the content, the trailer `/ID` from a hash of the file,
//! and no date is written unless `epoch` (SOURCE_DATE_EPOCH) is given.

use std::collections::BTreeMap;

use printpdf::{Mm, Op, PdfDocument, PdfPage, PdfSaveOptions};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FaceId, FontSet};
use crate::typeset::Page;

/// Document metadata.
#[derive(Debug, Clone, Default)]
pub struct PdfMeta {
    /// Title.
    pub title: String,
    /// Author (the organ).
    pub author: String,
    /// Creation date as seconds since the Unix epoch (from SOURCE_DATE_EPOCH); none → no date written.
    pub epoch: Option<i64>,
}

/// Writes the pages as a PDF.
pub fn write(pages: &[Page], fonts: &FontSet, meta: &PdfMeta) -> Result<Vec<u8>, Diagnostics> {
    write_ahead(pages, fonts, meta, None)
}

/// Writes the pages as a PDF with the font subsets begun `ahead` of them, when those cover every
/// glyph the pages use (else the subsets are made here, as [`write`] does).
pub fn write_ahead(
    pages: &[Page],
    fonts: &FontSet,
    meta: &PdfMeta,
    ahead: Option<FontsAhead<'_>>,
) -> Result<Vec<u8>, Diagnostics> {
    let date = match meta.epoch {
        Some(t) => Some(
            printpdf::OffsetDateTime::from_unix_timestamp(t).map_err(|_| {
                vec![Diagnostic::error(
                    "pdf",
                    format!("SOURCE_DATE_EPOCH={t} 不是有效的时间"),
                )]
            })?,
        ),
        None => None,
    };
    // Fonts: one resource per face used, named by a tag derived from the face and its glyphs. We
    // subset each face ourselves (subsetter: only the used glyphs, renumbered from 1) and write its
    // font dictionaries (Type0 → CIDFont → descriptor, `/W`, ToUnicode) into the document printpdf
    // built. printpdf's own font path parses every subset again and decodes the outline of every
    // used glyph only to read its advance for `/W` (~20 M instructions per report); its own
    // subsetting parsed and copied the whole 3–4 MB face (~80 ms per report).
    let mut used: BTreeMap<FaceId, Vec<(u16, char)>> = BTreeMap::new();
    for p in pages {
        for r in p.runs.iter().chain(&p.marks) {
            used.entry(r.face)
                .or_default()
                .extend(r.glyphs.iter().map(|g| (g.gid, g.ch)));
        }
    }
    for glyphs in used.values_mut() {
        // stable: each glyph's texts stay in page order, and the last one seen wins (as
        // printpdf did)
        glyphs.sort_by_key(|g| g.0);
        glyphs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
    }
    // The tags and glyph renumbering depend only on the glyph sets, so the pages can be written
    // while the faces are subset.
    let ahead = ahead.and_then(|a| Some((a.plan_for(&used)?, a)));
    let embedded: BTreeMap<FaceId, Embedded> = used
        .iter()
        .map(|(face, glyphs)| {
            let e = match &ahead {
                Some((plan, _)) => plan[face].1.clone(),
                None => {
                    let gids: Vec<u16> = glyphs.iter().map(|g| g.0).collect();
                    Embedded::new(fonts, *face, &gids)
                }
            };
            (*face, e)
        })
        .collect();
    // Each face is subset and its streams compressed on its own task (the biggest face's glyph
    // data is most of the file's bytes); the pages go through printpdf meanwhile.
    // The biggest face starts first, on this thread; the others are there for the taking.
    let make_fonts = || {
        let mut jobs: Vec<_> = used.iter().collect();
        jobs.sort_by_key(|(_, glyphs)| std::cmp::Reverse(glyphs.len()));
        let mut packed = jobs
            .into_par_iter()
            .map(|(face, glyphs)| Ok((*face, embed_face(fonts, *face, glyphs, &embedded[face])?)))
            .collect::<Result<Vec<(FaceId, PackedFont)>, Diagnostics>>()?;
        packed.sort_by_key(|(face, _)| *face);
        Ok::<_, Diagnostics>(packed)
    };
    let make_doc = || {
        let mut doc = PdfDocument::new(&meta.title);
        doc.metadata.info.author = meta.author.clone();
        doc.metadata.info.creator = "gongkai".into();
        doc.metadata.info.producer = format!("gongkai {}", env!("CARGO_PKG_VERSION"));
        if let Some(date) = date {
            doc.metadata.info.creation_date = date;
            doc.metadata.info.modification_date = date;
            doc.metadata.info.metadata_date = date;
        }
        let mut reals = Reals::default();
        let pdf_pages = pages
            .iter()
            .map(|p| page_ops(p, &embedded, fonts, &mut reals))
            .collect();
        doc.with_pages(pdf_pages);
        // printpdf builds the lopdf document; we add the fonts, compress its streams ourselves
        // (see `compress_streams`) and let lopdf write it.
        let opts = PdfSaveOptions {
            optimize: false,
            subset_fonts: false,
            secure: false,
            image_optimization: None,
        };
        let mut warnings = Vec::new();
        let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
        drop(doc);
        compress_streams(&mut lo);
        lo
    };
    let (packed, mut lo) = match ahead {
        // the biggest face is being subset on its own thread: the pages meanwhile
        Some((plan, a)) => {
            let lo = make_doc();
            (a.finish(fonts, &plan, &used, &embedded), lo)
        }
        None => rayon::join(make_fonts, make_doc),
    };
    let mut refs = lopdf::Dictionary::new();
    for (_, font) in packed? {
        let tag = font.tag.clone();
        let id = font.add_to(&mut lo);
        refs.set(tag, lopdf::Object::Reference(id));
    }
    if !set_page_fonts(&mut lo, refs) {
        return Err(vec![Diagnostic::error(
            "pdf",
            "PDF 生成失败（页面没有字体资源）",
        )]);
    }
    // the streams' bytes and ~100 bytes of dictionary, header and cross-reference per object
    let estimate: usize = lo
        .objects
        .values()
        .map(|o| 100 + o.as_stream().map_or(0, |s| s.content.len()))
        .sum();
    let mut bytes = Vec::with_capacity(estimate + 4096);
    if lo.save_to(&mut bytes).is_err() || bytes.is_empty() {
        return Err(vec![Diagnostic::error(
            "pdf",
            "PDF 生成失败（printpdf 没有输出）",
        )]);
    }
    Ok(make_deterministic(bytes, meta.epoch.is_some()))
}

/// Subsets one face to `glyphs` (glyph id → text), reads its metrics and compresses its program
/// and ToUnicode CMap.
fn embed_face(
    fonts: &FontSet,
    face: FaceId,
    glyphs: &[(u16, char)],
    e: &Embedded,
) -> Result<PackedFont, Diagnostics> {
    let made = SubsetFace::make(fonts, face, e).ok_or_else(|| embed_failed(fonts.face(face)))?;
    Ok(made.complete(glyphs, e))
}

/// The message when a face cannot be embedded.
fn embed_failed(f: &crate::fonts::Face) -> Diagnostics {
    vec![
        Diagnostic::error("pdf", format!("无法嵌入字体“{}”（{}）", f.family, f.source))
            .with_hint("请用 --bundled-fonts 改用内置字体"),
    ]
}

/// The PDF's font subsets, made from the glyphs the pages can use (`crate::typeset::glyphs_needed`):
/// the biggest face's on a thread of its own while the pages are laid out, the others' by the
/// thread that writes the pages, once it has ([`FontsAhead::finish`]). The pages then only add
/// each face's text mapping and widths.
pub struct FontsAhead<'scope> {
    /// Each face's glyphs (sorted) and embedding, sent as soon as they are known.
    plan: std::sync::mpsc::Receiver<Plan>,
    /// The subset of the plan's [`biggest`] face.
    job: std::thread::ScopedJoinHandle<'scope, Option<(FaceId, Option<SubsetFace>)>>,
}

/// Each face's glyphs (sorted) and embedding.
type Plan = BTreeMap<FaceId, (Vec<u16>, Embedded)>;

/// The face with the most glyphs in `plan` (the first of those, if several), which
/// [`FontsAhead`]'s thread subsets.
fn biggest(plan: &Plan) -> Option<FaceId> {
    plan.iter()
        .max_by_key(|(f, (gids, _))| (gids.len(), std::cmp::Reverse(**f)))
        .map(|(f, _)| *f)
}

/// A face subset, its metrics read and its program compressed; what is left is the text mapping
/// of the glyphs the pages use ([`SubsetFace::complete`]).
struct SubsetFace {
    font: SubsetFont,
    program: lopdf::Stream,
}

impl<'scope> FontsAhead<'scope> {
    /// Starts subsetting, on a thread of scope `s`, the biggest face of the glyphs `needed`
    /// returns (glyph ids by face, sorted).
    pub fn start<'env>(
        s: &'scope std::thread::Scope<'scope, 'env>,
        needed: impl FnOnce() -> BTreeMap<FaceId, Vec<u16>> + Send + 'scope,
        fonts: &'env FontSet,
    ) -> Self {
        let (tx, plan) = std::sync::mpsc::channel();
        let job = s.spawn(move || {
            let plan: Plan = needed()
                .into_iter()
                .map(|(face, gids)| {
                    let e = Embedded::new(fonts, face, &gids);
                    (face, (gids, e))
                })
                .collect();
            // the biggest face on this thread; the others later on the thread that writes the
            // pages (a third thread started here waited 1-4 ms for a CPU in half the runs)
            let biggest = biggest(&plan).map(|f| (f, plan[&f].1.clone()));
            let _ = tx.send(plan);
            biggest.map(|(face, e)| (face, SubsetFace::make(fonts, face, &e)))
        });
        FontsAhead { plan, job }
    }

    /// The plan, if it covers every glyph the pages use.
    fn plan_for(&self, used: &BTreeMap<FaceId, Vec<(u16, char)>>) -> Option<Plan> {
        let plan = self.plan.recv().ok()?;
        used.iter()
            .all(|(face, glyphs)| {
                plan.get(face).is_some_and(|(gids, _)| {
                    glyphs.iter().all(|(g, _)| gids.binary_search(g).is_ok())
                })
            })
            .then_some(plan)
    }

    /// Subsets the other faces the pages use, waits for the biggest of `plan` (the one
    /// [`FontsAhead::plan_for`] gave), and completes them all.
    fn finish(
        self,
        fonts: &FontSet,
        plan: &Plan,
        used: &BTreeMap<FaceId, Vec<(u16, char)>>,
        embedded: &BTreeMap<FaceId, Embedded>,
    ) -> Result<Vec<(FaceId, PackedFont)>, Diagnostics> {
        let biggest = biggest(plan);
        let mut made: BTreeMap<FaceId, Option<SubsetFace>> = used
            .keys()
            .filter(|f| Some(**f) != biggest)
            .map(|f| (*f, SubsetFace::make(fonts, *f, &embedded[f])))
            .collect();
        made.extend(self.job.join().ok().flatten());
        used.iter()
            .map(|(face, glyphs)| {
                let made = made.remove(face).flatten();
                let made = made.ok_or_else(|| embed_failed(fonts.face(*face)))?;
                Ok((*face, made.complete(glyphs, &embedded[face])))
            })
            .collect()
    }
}

impl SubsetFace {
    /// Subsets a face to the glyphs of its embedding `e`; `None` if it cannot be.
    fn make(fonts: &FontSet, face: FaceId, e: &Embedded) -> Option<SubsetFace> {
        let f = fonts.face(face);
        let program = subsetter::subset(f.data(), f.index, &e.remap).ok()?;
        let mut font = SubsetFont::new(&e.tag, &postscript_name(f), program)?;
        let program = font.pack_program();
        Some(SubsetFace { font, program })
    }

    /// The font with the text of `glyphs` (glyph id → text, sorted), as the pages use them.
    fn complete(self, glyphs: &[(u16, char)], e: &Embedded) -> PackedFont {
        let mut font = self.font;
        font.to_unicode = glyphs
            .iter()
            .filter_map(|(g, c)| Some((e.remap.get(*g)?, *c)))
            .collect();
        let cmap = font.pack_cmap();
        PackedFont {
            tag: font.tag.clone(),
            font,
            program: self.program,
            cmap,
        }
    }
}

/// One page: its content stream, written by [`content_stream`] and handed to printpdf whole.
///
/// printpdf turns each glyph into a lopdf hex-string object and each TJ offset into a `Real`, and
/// lopdf then formats every one through `fmt` (~3 000 instructions per glyph). The stream is the
/// same bytes printpdf wrote for the equivalent `Op`s (`SetFont`, `SetTextMatrix`, `ShowText`,
/// `DrawLine`…); it goes through printpdf as one operation without operands, whose "operator"
/// lopdf writes verbatim.
fn page_ops(
    p: &Page,
    embedded: &BTreeMap<FaceId, Embedded>,
    fonts: &FontSet,
    reals: &mut Reals,
) -> PdfPage {
    PdfPage::new(
        Mm((p.width / crate::style::PT_PER_MM) as f32),
        Mm((p.height / crate::style::PT_PER_MM) as f32),
        vec![Op::Unknown {
            key: content_stream(p, embedded, fonts, reals),
            value: Vec::new(),
        }],
    )
}

/// One page's content stream: a text object with a `Tf`, `Tm` and `TJ` per run, then the rules.
///
/// Numbers are written as lopdf writes an `f32` (`Display`: the shortest decimal that reads back
/// as the same `f32`, never an exponent), so the stream is byte for byte what printpdf made of the
/// equivalent operations.
fn content_stream(
    p: &Page,
    embedded: &BTreeMap<FaceId, Embedded>,
    fonts: &FontSet,
    reals: &mut Reals,
) -> String {
    let h = p.height;
    let glyphs: usize = p.runs.iter().map(|r| r.glyphs.len()).sum();
    let mut s: Vec<u8> =
        Vec::with_capacity(64 + glyphs * 14 + p.runs.len() * 48 + p.rules.len() * 48);
    s.extend_from_slice(b"0 0 0 rg\nBT");
    // the marks last, in light grey (`0.6 g`: 60 % white)
    let marks = p.marks.iter().enumerate().map(|(i, r)| (r, i == 0));
    for (r, grey) in p.runs.iter().map(|r| (r, false)).chain(marks) {
        if grey {
            s.extend_from_slice(b"\n0.6 g");
        }
        let Some(first) = r.glyphs.first() else {
            continue;
        };
        let font = &embedded[&r.face];
        s.extend_from_slice(b"\n/");
        s.extend_from_slice(font.tag.as_bytes());
        s.push(b' ');
        reals.push(&mut s, r.size as f32);
        s.extend_from_slice(b" Tf\n1 0 0 1 ");
        reals.push(&mut s, first.x as f32);
        s.push(b' ');
        reals.push(&mut s, (h - r.baseline) as f32);
        s.extend_from_slice(b" Tm\n[");
        // TJ: after each glyph the pen has moved by its advance; an offset moves it to the next
        // glyph's x (TJ numbers are thousandths of an em, positive = leftwards)
        for (i, g) in r.glyphs.iter().enumerate() {
            // every glyph of the page is in the subset (it was built from these runs)
            let gid = font.remap.get(g.gid).unwrap_or(0);
            push_hex_code(&mut s, gid);
            if let Some(next) = r.glyphs.get(i + 1) {
                let adv = advance_pt(fonts, g, r.size);
                let offset = -((next.x - g.x - adv) / r.size * 1000.0);
                let hundredths = (offset * 100.0).round();
                if hundredths != 0.0 {
                    s.push(b' ');
                    push_hundredths(&mut s, hundredths);
                }
            }
        }
        s.extend_from_slice(b"] TJ");
    }
    s.extend_from_slice(b"\nET");
    if !p.rules.is_empty() {
        s.extend_from_slice(b"\n0 0 0 RG");
        let mut width = f64::NAN;
        for rule in &p.rules {
            if rule.width != width {
                width = rule.width;
                s.push(b'\n');
                reals.push(&mut s, width as f32);
                s.extend_from_slice(b" w");
            }
            for (x, y, op) in [(rule.x0, rule.y0, b" m"), (rule.x1, rule.y1, b" l")] {
                s.push(b'\n');
                reals.push(&mut s, x as f32);
                s.push(b' ');
                reals.push(&mut s, (h - y) as f32);
                s.extend_from_slice(op);
            }
            s.extend_from_slice(b"\nS");
        }
    }
    // all ASCII
    String::from_utf8(s).unwrap_or_default()
}

/// `f32`s as lopdf writes them (`Display`), each formatted once per document: a document repeats
/// its baselines, margins and sizes, and `Display` costs ~700 instructions per number.
#[derive(Default)]
struct Reals {
    /// `f32` bits → (start, length) in `text`.
    seen: std::collections::HashMap<u32, (u32, u8), BuildFnv>,
    text: Vec<u8>,
}

impl Reals {
    /// Appends `v` to `s` as lopdf writes a `Real`.
    fn push(&mut self, s: &mut Vec<u8>, v: f32) {
        let (at, len) = *self.seen.entry(v.to_bits()).or_insert_with(|| {
            use std::io::Write as _;
            let at = self.text.len();
            let _ = write!(self.text, "{v}");
            (at as u32, (self.text.len() - at) as u8)
        });
        s.extend_from_slice(&self.text[at as usize..at as usize + usize::from(len)]);
    }
}

/// [`Fnv`] as a `HashMap` hasher (the keys are `f32` bits from our own layout).
#[derive(Default, Clone, Copy)]
struct BuildFnv;

impl std::hash::BuildHasher for BuildFnv {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv::new()
    }
}

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        Fnv::write(self, bytes);
    }
    fn write_u32(&mut self, v: u32) {
        // one multiply-rotate step per word (byte-wise FNV is 4 steps)
        self.0 = (self.0 ^ u64::from(v))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(29);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Appends `n` in decimal.
fn push_u64(s: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend_from_slice(&buf[at..]);
}

/// Appends a glyph code as a PDF hex string, `<00A3>`.
fn push_hex_code(s: &mut Vec<u8>, code: u16) {
    s.push(b'<');
    push_hex_digits(s, code);
    s.push(b'>');
}

/// Appends `v` as four upper-case hex digits.
fn push_hex_digits(s: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    s.extend_from_slice(&[
        HEX[usize::from(v >> 12)],
        HEX[usize::from(v >> 8 & 15)],
        HEX[usize::from(v >> 4 & 15)],
        HEX[usize::from(v & 15)],
    ]);
}

/// Appends `hundredths / 100` as lopdf writes it once rounded to an `f32` (`-12.5`, `3`, `0.07`).
///
/// A decimal of at most six significant digits is the shortest that reads back as the `f32`
/// nearest to it, so for |value| < 10 000 this is the integer's digits with the point put in
/// (checked against `Display` for every such value in a test); larger values take `Display`.
fn push_hundredths(s: &mut Vec<u8>, hundredths: f64) {
    if hundredths.abs() >= 1_000_000.0 {
        use std::io::Write as _;
        let _ = write!(s, "{}", (hundredths / 100.0) as f32);
        return;
    }
    let n = hundredths as i64;
    if n < 0 {
        s.push(b'-');
    }
    let n = n.unsigned_abs();
    let (int, frac) = (n / 100, n % 100);
    push_u64(s, int);
    if frac != 0 {
        s.push(b'.');
        s.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            s.push(b'0' + (frac % 10) as u8);
        }
    }
}

/// Flate-compresses every stream that allows it and is not compressed yet (the page contents).
///
/// lopdf's own `compress` uses zlib level 9 with a fresh state per stream (~300 KB to allocate and
/// zero each time): 45 M instructions per report. zlib level 6 with one reused state took 30 M;
/// libdeflate at level 1 takes ~9 M, and its output is within 3 % of zlib level 6's (the streams
/// are mostly TrueType glyph data, which no level compresses much).
fn compress_streams(doc: &mut lopdf::Document) {
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        if let Some(z) = deflate(&stream.content) {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(z);
        }
    }
}

/// `raw` zlib-compressed, if that saves more than the `/Filter` entry costs (as lopdf decides).
fn deflate(raw: &[u8]) -> Option<Vec<u8>> {
    crate::backend::with_compressor(PDF_DEFLATE_LEVEL, |z| {
        let mut out = vec![0; z.zlib_compress_bound(raw.len())];
        let n = z.zlib_compress(raw, &mut out).ok()?;
        (n + 19 < raw.len()).then(|| {
            out.truncate(n);
            out
        })
    })
    .flatten()
}

/// A stream as it goes into the file: `Length`, then `Filter` if compressed, after the entries of
/// `dict`; compressed streams are left alone by [`compress_streams`].
fn packed_stream(mut dict: lopdf::Dictionary, raw: Vec<u8>) -> lopdf::Stream {
    match deflate(&raw) {
        Some(z) => {
            dict.set("Length", z.len() as i64);
            dict.set("Filter", "FlateDecode");
            lopdf::Stream::new(dict, z)
        }
        None => lopdf::Stream::new(dict, raw).with_compression(false),
    }
}

/// libdeflate level of the PDF streams (1–12).
const PDF_DEFLATE_LEVEL: i32 = 1;

/// A face as embedded: its resource name and how its glyph ids map into the subset.
#[derive(Clone)]
struct Embedded {
    tag: String,
    remap: subsetter::GlyphRemapper,
}

impl Embedded {
    /// The tag (from the face and its glyphs) and renumbering of a face subset to `gids` (sorted).
    fn new(fonts: &FontSet, face: FaceId, gids: &[u16]) -> Embedded {
        let f = fonts.face(face);
        let mut h = Fnv::new();
        h.write(f.source.as_bytes());
        h.write(&f.index.to_le_bytes());
        for g in gids {
            h.write(&g.to_le_bytes());
        }
        Embedded {
            tag: subset_tag(h.finish()),
            remap: subsetter::GlyphRemapper::new_from_glyphs_sorted(gids),
        }
    }
}

/// A subset face ready to be written as a composite font (ISO 32000-1 9.7): Identity-H codes are
/// the subset's glyph ids (subsetter renumbers CFF charsets to the identity too).
struct SubsetFont {
    /// `ABCDEF+PostScriptName`.
    name: String,
    /// The subset tag, also the ToUnicode CMap's ordering.
    tag: String,
    /// TrueType outlines (`/FontFile2`, with an empty `cmap` added) or a bare CID-keyed CFF
    /// table (`/FontFile3` `/CIDFontType0C`).
    program: Vec<u8>,
    cff: bool,
    /// (code, text) in code order: the glyphs the pages use (none until
    /// [`SubsetFace::complete`]).
    to_unicode: Vec<(u16, char)>,
    /// Advance of every subset glyph in 1/1000 em, by code.
    advances: Vec<i64>,
    ascent: i64,
    descent: i64,
    italic_angle: i64,
    stem_v: i64,
    bbox: [i64; 4],
}

impl SubsetFont {
    /// Reads the metrics from the subset `program` (head, hhea, OS/2, hmtx); `None` if it is not a
    /// well-formed sfnt.
    fn new(tag: &str, ps_name: &str, program: Vec<u8>) -> Option<Self> {
        let head = sfnt_table(&program, b"head")?;
        let hhea = sfnt_table(&program, b"hhea")?;
        let i16_at = |t: &[u8], at: usize| -> Option<i16> {
            Some(i16::from_be_bytes(t.get(at..at + 2)?.try_into().ok()?))
        };
        let upm = u16::from_be_bytes(head.get(18..20)?.try_into().ok()?);
        let scale = if upm == 0 {
            1.0
        } else {
            1000.0 / f32::from(upm)
        };
        let s = |v: i16| (f32::from(v) * scale).round() as i64;
        let bbox = [
            s(i16_at(head, 36)?),
            s(i16_at(head, 38)?),
            s(i16_at(head, 40)?),
            s(i16_at(head, 42)?),
        ];
        let (ascent, descent) = (s(i16_at(hhea, 4)?), s(i16_at(hhea, 6)?));
        let (rise, run) = (i16_at(hhea, 18)?, i16_at(hhea, 20)?);
        // the caret slope gives the italic angle (counter-clockwise from vertical, so negative)
        let italic_angle = if rise == 0 {
            0
        } else {
            (-f32::from(run).atan2(f32::from(rise)).to_degrees()).round() as i64
        };
        // the stem width estimated from the weight class, as PDF producers conventionally do
        let weight = sfnt_table(&program, b"OS/2")
            .and_then(|t| Some(u16::from_be_bytes(t.get(4..6)?.try_into().ok()?)))
            .unwrap_or(0);
        let stem_v = if weight == 0 {
            80
        } else {
            50 + (f32::from(weight) / 65.0).powi(2).round() as i64
        };
        let parsed = ttf_parser::Face::parse(&program, 0).ok()?;
        let advances = (0..parsed.number_of_glyphs())
            .map(|g| advance_milli(&parsed, g, upm))
            .collect();
        let cff = program.starts_with(b"OTTO");
        let program = if cff {
            sfnt_table(&program, b"CFF ")?.to_vec()
        } else {
            // a PDF font program needs no cmap (Identity-H + ToUnicode), but some readers insist
            // on the table: give it an empty one
            with_empty_cmap(&program)?
        };
        Some(SubsetFont {
            name: format!("{tag}+{ps_name}"),
            tag: tag.to_string(),
            program,
            cff,
            to_unicode: Vec::new(),
            advances,
            ascent,
            descent,
            italic_angle,
            stem_v,
            bbox,
        })
    }

    /// `/W`: the advance of each code the pages use, in code order.
    fn widths(&self) -> Vec<(u16, i64)> {
        self.to_unicode
            .iter()
            .map(|(code, _)| {
                let w = self.advances.get(usize::from(*code)).copied();
                (*code, w.unwrap_or(0))
            })
            .collect()
    }

    /// The font program as a compressed stream (taken out of `self`).
    fn pack_program(&mut self) -> lopdf::Stream {
        use lopdf::{Dictionary, Object};
        let raw = std::mem::take(&mut self.program);
        let mut d = Dictionary::new();
        if self.cff {
            d.set("Subtype", Object::Name(b"CIDFontType0C".to_vec()));
        } else {
            d.set("Length1", Object::Integer(raw.len() as i64));
        }
        packed_stream(d, raw)
    }

    /// The ToUnicode CMap as a compressed stream.
    fn pack_cmap(&self) -> lopdf::Stream {
        let cmap = to_unicode_cmap(&self.tag, &self.to_unicode);
        packed_stream(lopdf::Dictionary::new(), cmap)
    }
}

/// A subset face whose streams are ready (compressed): what [`embed_face`] makes on its task.
struct PackedFont {
    tag: String,
    font: SubsetFont,
    program: lopdf::Stream,
    cmap: lopdf::Stream,
}

impl PackedFont {
    /// Adds the font program, ToUnicode, descriptor and Type0 font to `doc`; returns the Type0 font.
    fn add_to(self, doc: &mut lopdf::Document) -> lopdf::ObjectId {
        use lopdf::{Dictionary, Object, StringFormat};
        let PackedFont {
            font,
            program,
            cmap,
            ..
        } = self;
        let name = || Object::Name(font.name.clone().into_bytes());
        let program = doc.add_object(program);
        let cmap = doc.add_object(cmap);
        let flags = 1 << 5 | if font.italic_angle != 0 { 1 << 6 } else { 0 };
        let descriptor = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"FontDescriptor".to_vec())),
            ("FontName", name()),
            ("Ascent", Object::Integer(font.ascent)),
            ("Descent", Object::Integer(font.descent)),
            // no cap height is read from the subset (it has no OS/2 sCapHeight): the ascent
            ("CapHeight", Object::Integer(font.ascent)),
            ("ItalicAngle", Object::Integer(font.italic_angle)),
            ("Flags", Object::Integer(flags)),
            ("StemV", Object::Integer(font.stem_v)),
            (
                "FontBBox",
                Object::Array(font.bbox.iter().map(|v| Object::Integer(*v)).collect()),
            ),
            (
                if font.cff { "FontFile3" } else { "FontFile2" },
                Object::Reference(program),
            ),
        ]);
        let descriptor = doc.add_object(descriptor);
        let mut cid = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Font".to_vec())),
            ("BaseFont", name()),
            (
                "Subtype",
                Object::Name(
                    if font.cff {
                        &b"CIDFontType0"[..]
                    } else {
                        b"CIDFontType2"
                    }
                    .to_vec(),
                ),
            ),
            (
                "CIDSystemInfo",
                Object::Dictionary(Dictionary::from_iter(vec![
                    (
                        "Registry",
                        Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                    ),
                    (
                        "Ordering",
                        Object::String(b"Identity".to_vec(), StringFormat::Literal),
                    ),
                    ("Supplement", Object::Integer(0)),
                ])),
            ),
            ("W", Object::Array(widths_array(&font.widths()))),
            ("DW", Object::Integer(1000)),
            ("FontDescriptor", Object::Reference(descriptor)),
        ]);
        if !font.cff {
            cid.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
        }
        doc.add_object(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Font".to_vec())),
            ("Subtype", Object::Name(b"Type0".to_vec())),
            ("BaseFont", name()),
            ("Encoding", Object::Name(b"Identity-H".to_vec())),
            ("ToUnicode", Object::Reference(cmap)),
            (
                "DescendantFonts",
                Object::Array(vec![Object::Dictionary(cid)]),
            ),
        ]))
    }
}

/// A glyph's advance in 1/1000 em (`/W`).
fn advance_milli(face: &ttf_parser::Face, gid: u16, upm: u16) -> i64 {
    let w = face
        .glyph_hor_advance(ttf_parser::GlyphId(gid))
        .unwrap_or(0);
    (f32::from(w) * 1000.0 / f32::from(upm.max(1))) as i64
}

/// `/W`: runs of consecutive codes, each as `first [w1 w2 …]`.
fn widths_array(widths: &[(u16, i64)]) -> Vec<lopdf::Object> {
    use lopdf::Object;
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut first = 0u16;
    let mut last = 0u16;
    for &(code, w) in widths {
        if !run.is_empty() && code != last.wrapping_add(1) {
            out.push(Object::Integer(i64::from(first)));
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            first = code;
        }
        run.push(Object::Integer(w));
        last = code;
    }
    if !run.is_empty() {
        out.push(Object::Integer(i64::from(first)));
        out.push(Object::Array(run));
    }
    out
}

/// The ToUnicode CMap: codes grouped by high byte, `bfchar` blocks of at most 100 entries.
fn to_unicode_cmap(tag: &str, map: &[(u16, char)]) -> Vec<u8> {
    let mut s = format!(
        "/CIDInit /ProcSet findresource begin\n\n12 dict begin\n\nbegincmap\n\n%!PS-Adobe-3.0 \
         Resource-CMap\n%%DocumentNeededResources: procset CIDInit\n%%IncludeResource: \
         procset CIDInit\n\n/CIDSystemInfo 3 dict dup begin\n/Registry (FontSpecific) \
         def\n/Ordering ({tag}) def\n/Supplement 0 def\nend def\n\n/CMapName /FontSpecific-{tag} \
         def\n/CMapVersion 1 def\n/CMapType 2 def\n/WMode 0 def\n\n1 \
         begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    )
    .into_bytes();
    s.reserve(map.len() * 16 + 128);
    for group in map.chunk_by(|a, b| a.0 >> 8 == b.0 >> 8) {
        for chunk in group.chunks(100) {
            push_u64(&mut s, chunk.len() as u64);
            s.extend_from_slice(b" beginbfchar\n");
            for (code, c) in chunk {
                push_hex_code(&mut s, *code);
                s.extend_from_slice(b" <");
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    push_hex_digits(&mut s, *unit);
                }
                s.extend_from_slice(b">\n");
            }
            s.extend_from_slice(b"endbfchar\n");
        }
    }
    s.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// The table `tag` of an sfnt.
fn sfnt_table<'a>(program: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let n = usize::from(u16::from_be_bytes(program.get(4..6)?.try_into().ok()?));
    (0..n).find_map(|i| {
        let rec = program.get(12 + 16 * i..28 + 16 * i)?;
        if &rec[..4] != tag {
            return None;
        }
        let off = u32::from_be_bytes(rec[8..12].try_into().ok()?) as usize;
        let len = u32::from_be_bytes(rec[12..16].try_into().ok()?) as usize;
        program.get(off..off.checked_add(len)?)
    })
}

/// Puts the fonts into the `/Font` resources of every page (printpdf leaves them empty, as it was
/// given no fonts); false if a page has no such dictionary.
fn set_page_fonts(doc: &mut lopdf::Document, fonts: lopdf::Dictionary) -> bool {
    use lopdf::Object;
    let mut dicts = Vec::new();
    for page in doc.get_pages().into_values() {
        let Ok(page) = doc.get_dictionary(page) else {
            return false;
        };
        let res = match page.get(b"Resources") {
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
            Ok(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        match res.and_then(|r| r.get(b"Font").ok()) {
            Some(Object::Reference(id)) => dicts.push(*id),
            _ => return false,
        }
    }
    dicts.sort();
    dicts.dedup();
    for id in dicts {
        let Ok(d) = doc.get_dictionary_mut(id) else {
            return false;
        };
        for (k, v) in fonts.iter() {
            d.set(k.clone(), v.clone());
        }
    }
    true
}

/// The PostScript name of a face (name id 6), else its family without spaces; ASCII letters,
/// digits and `-` only, as a PDF name for /BaseFont should be.
fn postscript_name(f: &crate::fonts::Face) -> String {
    let name = f.postscript_name().unwrap_or_else(|| f.family.clone());
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

/// The sfnt `program` with a `cmap` table that maps nothing (format 4, the closing segment only)
/// added; `None` if `program` is not a well-formed sfnt.
///
/// The tables are copied as they are, with the checksums their records give (subsetter computes
/// them, the `head` one with `checkSumAdjustment` zeroed), so only the new directory is summed for
/// the whole-font `checkSumAdjustment`.
fn with_empty_cmap(program: &[u8]) -> Option<Vec<u8>> {
    #[rustfmt::skip]
    const CMAP: [u8; 36] = [
        0, 0, 0, 1,             // version 0, one encoding record
        0, 3, 0, 1, 0, 0, 0, 12, // Windows Unicode BMP, at offset 12
        0, 4, 0, 24, 0, 0,       // format 4, length 24, language 0
        0, 2, 0, 2, 0, 0, 0, 0,  // segCountX2 2, searchRange 2, entrySelector 0, rangeShift 0
        0xFF, 0xFF, 0, 0,        // endCode[0] 0xFFFF, reservedPad
        0xFF, 0xFF, 0, 1, 0, 0,  // startCode[0] 0xFFFF, idDelta[0] 1, idRangeOffset[0] 0
    ];
    let be16 = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(
            program.get(at..at + 2)?.try_into().ok()?,
        ))
    };
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(
            program.get(at..at + 4)?.try_into().ok()?,
        ))
    };
    let n = usize::from(be16(4)?);
    // (tag, checksum, data)
    let mut tables: Vec<([u8; 4], u32, &[u8])> = Vec::with_capacity(n + 1);
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = program.get(rec..rec + 4)?.try_into().ok()?;
        let sum = be32(rec + 4)?;
        let off = be32(rec + 8)? as usize;
        let len = be32(rec + 12)? as usize;
        if &tag != b"cmap" {
            tables.push((tag, sum, program.get(off..off.checked_add(len)?)?));
        }
    }
    tables.push((*b"cmap", checksum(&CMAP), &CMAP));
    tables.sort_by_key(|t| t.0);
    let n = tables.len();
    let pow = 1usize << (usize::BITS - 1 - n.leading_zeros()); // largest power of two ≤ n
    let size = 12
        + 16 * n
        + tables
            .iter()
            .map(|t| t.2.len().next_multiple_of(4))
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&program[..4]);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&((pow * 16) as u16).to_be_bytes());
    out.extend_from_slice(&(pow.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&((n - pow) as u16 * 16).to_be_bytes());
    let mut off = 12 + 16 * n;
    let mut head_at = None;
    let mut total = 0u32;
    for (tag, sum, data) in &tables {
        if tag == b"head" {
            head_at = Some(off);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(off as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        total = total.wrapping_add(*sum);
        off += data.len().next_multiple_of(4);
    }
    total = total.wrapping_add(checksum(&out));
    for (tag, _, data) in &tables {
        let at = out.len();
        out.extend_from_slice(data);
        if tag == b"head" {
            out.get_mut(at + 8..at + 12)?.fill(0);
        }
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(total);
        out[at + 8..at + 12].copy_from_slice(&adj.to_be_bytes());
    }
    Some(out)
}

/// The sfnt table checksum: the sum of big-endian u32 words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The advance the PDF viewer applies after a glyph: its width in the embedded font, pt.
fn advance_pt(fonts: &FontSet, g: &crate::typeset::PlacedGlyph, size: f64) -> f64 {
    fonts.face(g.face).advance(g.gid) * size
}

/// Six capital letters naming a subset (ISO 32000-1 9.6.4), from a hash of its content.
fn subset_tag(mut h: u64) -> String {
    let mut s = String::with_capacity(6);
    for _ in 0..6 {
        s.push((b'A' + (h % 26) as u8) as char);
        h /= 26;
    }
    s
}

/// FNV-1a, 64 bit: a stable hash (std's hasher is randomly seeded).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A stable 64-bit hash of a whole file, eight bytes at a time (FNV-1a's steps on words; byte-wise
/// FNV took ~4 instructions per byte of the PDF).
fn word_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
        h = (h ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for b in words.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ bytes.len() as u64
}

/// Replaces printpdf's random trailer `/ID` with one hashed from the file, and blanks the dates
/// when no epoch was given — both in place, same length, so the xref offsets stay valid.
fn make_deterministic(mut bytes: Vec<u8>, keep_dates: bool) -> Vec<u8> {
    if !keep_dates {
        for key in [&b"/CreationDate"[..], b"/ModDate"] {
            while let Some(at) = find(&bytes, key, 0) {
                // the key and its (literal string) value become spaces
                let Some(open) = find(&bytes, b"(", at) else {
                    break;
                };
                let Some(close) = find(&bytes, b")", open) else {
                    break;
                };
                bytes[at..=close].iter_mut().for_each(|b| *b = b' ');
            }
        }
    }
    if let Some(at) = rfind(&bytes, b"/ID") {
        let mut seed = word_hash(&bytes[..at]);
        let mut i = at + 3;
        let mut depth = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'[' => {}
                b']' => break,
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'<' | b'>' => {}
                _ if depth > 0 => {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    bytes[i] = b"0123456789ABCDEF"[(seed >> 60) as usize];
                }
                _ => {}
            }
            i += 1;
        }
    }
    bytes
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_written_as_lopdf_writes_the_f32() {
        let mut s = Vec::new();
        for k in -1_100_000i64..=1_100_000 {
            let h = k as f64;
            s.clear();
            push_hundredths(&mut s, h);
            let want = format!("{}", (h / 100.0) as f32);
            assert_eq!(s, want.as_bytes(), "{k}");
        }
    }

    #[test]
    fn hex_codes() {
        let mut s = Vec::new();
        push_hex_code(&mut s, 0xA3);
        push_hex_code(&mut s, 0xFFFF);
        assert_eq!(s, b"<00A3><FFFF>");
        s.clear();
        push_u64(&mut s, 0);
        push_u64(&mut s, 1234567);
        assert_eq!(s, b"01234567");
        s.clear();
        let mut reals = Reals::default();
        for v in [12.0f32, 110.95613, 0.5, 12.0, 548.9837, 110.95613] {
            reals.push(&mut s, v);
            s.push(b' ');
        }
        assert_eq!(s, b"12 110.95613 0.5 12 548.9837 110.95613 ");
    }

    /// The big-endian 32-bit word sum of `data`, the last word padded with zeros.
    fn word_sum(data: &[u8]) -> u32 {
        data.chunks(4).fold(0u32, |sum, w| {
            let mut b = [0; 4];
            b[..w.len()].copy_from_slice(w);
            sum.wrapping_add(u32::from_be_bytes(b))
        })
    }

    #[test]
    fn subset_fonts_carry_right_checksums() {
        // subsetter is patched (vendor/subsetter: its checksum); a wrong sum makes strict readers
        // refuse the embedded font
        let fonts = FontSet::load(
            &crate::style::Style::builtin("gbt9704").unwrap(),
            &crate::fonts::FontOptions::bundled(),
        )
        .unwrap();
        for role in [crate::doc::Role::Body, crate::doc::Role::Title] {
            let face = fonts.face(fonts.primary(role));
            // glyphs for a few characters: tables of lengths that are not multiples of four
            let mut gids: Vec<u16> = "政府信息公开年度报告，。1a"
                .chars()
                .filter_map(|c| face.glyph(c).map(|(g, _)| g))
                .collect();
            gids.insert(0, 0);
            gids.sort_unstable();
            gids.dedup();
            let remap = subsetter::GlyphRemapper::new_from_glyphs_sorted(&gids);
            let font = subsetter::subset(face.data(), face.index, &remap).unwrap();
            // the whole font sums to the magic number once head.checkSumAdjustment is in
            assert_eq!(word_sum(&font), 0xB1B0_AFBA, "{role:?}");
            // and each table record holds its table's sum (head's taken without the adjustment)
            let count = usize::from(u16::from_be_bytes([font[4], font[5]]));
            let mut odd_length = false;
            for r in 0..count {
                let rec = &font[12 + 16 * r..28 + 16 * r];
                let field =
                    |i: usize| u32::from_be_bytes([rec[i], rec[i + 1], rec[i + 2], rec[i + 3]]);
                let (sum, at, len) = (field(4), field(8) as usize, field(12) as usize);
                let mut table = font[at..at + len].to_vec();
                if &rec[..4] == b"head" {
                    table[8..12].fill(0);
                }
                odd_length |= len % 4 != 0;
                assert_eq!(
                    word_sum(&table),
                    sum,
                    "{role:?} {}",
                    String::from_utf8_lossy(&rec[..4])
                );
            }
            assert!(
                odd_length,
                "a table whose length is not a multiple of four is summed too"
            );
        }
    }
}
