//! `pdf`: pages → PDF bytes (printpdf). The only module that uses printpdf.
//!
//! Fonts are embedded as subsets (Identity-H CID fonts with ToUnicode, so text copies and searches);
//! glyphs are placed by absolute text matrices plus TJ offsets. The output is deterministic: resource
//! names and subset tags are derived from the content, the trailer `/ID` from a hash of the file,
//! and no date is written unless `epoch` (SOURCE_DATE_EPOCH) is given.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, FontEmbeddingMode, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument,
    PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, PrintpdfFontMeta, Pt, Rgb, TextItem,
    TextMatrix,
};

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
    let mut doc = PdfDocument::new(&meta.title);
    doc.metadata.info.author = meta.author.clone();
    doc.metadata.info.creator = "gongkai".into();
    doc.metadata.info.producer = format!("gongkai {}", env!("CARGO_PKG_VERSION"));
    if let Some(t) = meta.epoch {
        let date = printpdf::OffsetDateTime::from_unix_timestamp(t).map_err(|_| {
            vec![Diagnostic::error(
                "pdf",
                format!("SOURCE_DATE_EPOCH={t} 不是有效的时间"),
            )]
        })?;
        doc.metadata.info.creation_date = date;
        doc.metadata.info.modification_date = date;
        doc.metadata.info.metadata_date = date;
    }
    // fonts: one resource per face used, named by a tag derived from the face and its glyphs.
    // We subset each face ourselves (subsetter: only the used glyphs, renumbered from 1) and hand
    // printpdf the small subset to embed as it is: printpdf's own subsetting parses the whole
    // 3–4 MB face (and copies it) for every document, which cost ~80 ms per report.
    let mut used: BTreeMap<FaceId, Vec<u16>> = BTreeMap::new();
    for p in pages {
        for r in &p.runs {
            let e = used.entry(r.face).or_default();
            e.extend(r.glyphs.iter().map(|g| g.gid));
        }
    }
    let mut embedded: BTreeMap<FaceId, Embedded> = BTreeMap::new();
    for (face, gids) in &mut used {
        gids.sort_unstable();
        gids.dedup();
        let f = fonts.face(*face);
        let mut h = Fnv::new();
        h.write(f.source.as_bytes());
        h.write(&f.index.to_le_bytes());
        for g in gids.iter() {
            h.write(&g.to_le_bytes());
        }
        let tag = subset_tag(h.finish());
        let fail = || {
            vec![
                Diagnostic::error("pdf", format!("无法嵌入字体“{}”（{}）", f.family, f.source))
                    .with_hint("请用 --bundled-fonts 改用内置字体"),
            ]
        };
        let remap = subsetter::GlyphRemapper::new_from_glyphs_sorted(gids);
        let program = subsetter::subset(f.data(), f.index, &remap).map_err(|_| fail())?;
        // printpdf's font parser (allsorts) insists on a cmap table, which a PDF subset does not
        // need (Identity-H + ToUnicode); give it an empty one.
        let program = with_empty_cmap(&program).ok_or_else(fail)?;
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&program, 0, &mut warnings).ok_or_else(fail)?;
        // Embedded as given (printpdf does not subset again), so the `ABCDEF+` subset prefix
        // (ISO 32000-1 9.6.4) goes into the name here.
        parsed.font_name = Some(format!("{tag}+{}", postscript_name(f)));
        let meta = PrintpdfFontMeta {
            embedding_mode: FontEmbeddingMode::Full,
            requires_subsetting: false,
            ..PrintpdfFontMeta::default()
        };
        let id = FontId(tag);
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::with_meta(parsed, meta));
        embedded.insert(*face, Embedded { id, remap });
    }
    let pdf_pages = pages
        .iter()
        .map(|p| page_ops(p, &embedded, fonts))
        .collect();
    doc.with_pages(pdf_pages);
    // printpdf builds the lopdf document; we compress its streams ourselves (see
    // `compress_streams`) and let lopdf write it.
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
    let mut bytes = Vec::with_capacity(256 * 1024);
    if lo.save_to(&mut bytes).is_err() || bytes.is_empty() {
        return Err(vec![Diagnostic::error(
            "pdf",
            "PDF 生成失败（printpdf 没有输出）",
        )]);
    }
    Ok(make_deterministic(bytes, meta.epoch.is_some()))
}

/// One page's content stream: a text object per run, then the rules.
fn page_ops(p: &Page, embedded: &BTreeMap<FaceId, Embedded>, fonts: &FontSet) -> PdfPage {
    let h = p.height;
    let mut ops = Vec::new();
    ops.push(Op::SetFillColor {
        col: Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        }),
    });
    ops.push(Op::StartTextSection);
    for r in &p.runs {
        let Some(first) = r.glyphs.first() else {
            continue;
        };
        let font = &embedded[&r.face];
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font.id.clone()),
            size: Pt(r.size as f32),
        });
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(first.x as f32), Pt((h - r.baseline) as f32)),
        });
        // TJ: after each glyph the pen has moved by its advance; an offset moves it to the next
        // glyph's x (TJ numbers are thousandths of an em, positive = leftwards)
        let mut cps = Vec::with_capacity(r.glyphs.len());
        for (i, g) in r.glyphs.iter().enumerate() {
            let offset = match r.glyphs.get(i + 1) {
                Some(next) => {
                    let adv = advance_pt(fonts, g, r.size);
                    -((next.x - g.x - adv) / r.size * 1000.0)
                }
                None => 0.0,
            };
            let offset = (offset * 100.0).round() / 100.0;
            // every glyph of the page is in the subset (it was built from these runs)
            let gid = font.remap.get(g.gid).unwrap_or(0);
            cps.push(Codepoint::with_cid(gid, offset as f32, g.text.clone()));
        }
        ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(cps)],
        });
    }
    ops.push(Op::EndTextSection);
    if !p.rules.is_empty() {
        ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                icc_profile: None,
            }),
        });
        let mut width = f64::NAN;
        for rule in &p.rules {
            if rule.width != width {
                width = rule.width;
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(width as f32),
                });
            }
            let pt = |x: f64, y: f64| LinePoint {
                p: Point {
                    x: Pt(x as f32),
                    y: Pt((h - y) as f32),
                },
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![pt(rule.x0, rule.y0), pt(rule.x1, rule.y1)],
                    is_closed: false,
                },
            });
        }
    }
    PdfPage::new(
        Mm((p.width / crate::style::PT_PER_MM) as f32),
        Mm((p.height / crate::style::PT_PER_MM) as f32),
        ops,
    )
}

/// Flate-compresses every stream that allows it, with one reused compressor at level 6.
///
/// lopdf's own `compress` uses level 9 (`Compression::best()`) and a fresh zlib state per stream
/// (~300 KB to allocate and zero each time): 45 M instructions per report against 30 M here, for
/// 0.1 % smaller files. Level 2 would save another 10 M for 3 % larger files.
fn compress_streams(doc: &mut lopdf::Document) {
    let mut z = flate2::Compress::new(flate2::Compression::new(6), true);
    let mut out = Vec::new();
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        z.reset();
        out.clear();
        out.reserve(stream.content.len() / 2 + 64);
        loop {
            let consumed = z.total_in() as usize;
            let status = z.compress_vec(
                &stream.content[consumed..],
                &mut out,
                flate2::FlushCompress::Finish,
            );
            match status {
                Ok(flate2::Status::StreamEnd) => break,
                Ok(_) => out.reserve(out.capacity().max(4096)),
                Err(_) => {
                    out.clear();
                    break;
                }
            }
        }
        // as lopdf: keep the stream raw unless compressing saves more than the filter entry costs
        if !out.is_empty() && out.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(out.clone());
        }
    }
}

/// A face as embedded: its resource name and how its glyph ids map into the subset.
struct Embedded {
    id: FontId,
    remap: subsetter::GlyphRemapper,
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
    let mut tables: Vec<([u8; 4], &[u8])> = Vec::with_capacity(n + 1);
    for i in 0..n {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = program.get(rec..rec + 4)?.try_into().ok()?;
        let off = be32(rec + 8)? as usize;
        let len = be32(rec + 12)? as usize;
        if &tag != b"cmap" {
            tables.push((tag, program.get(off..off.checked_add(len)?)?));
        }
    }
    tables.push((*b"cmap", &CMAP));
    tables.sort_by_key(|t| t.0);
    let n = tables.len();
    let pow = 1usize << (usize::BITS - 1 - n.leading_zeros()); // largest power of two ≤ n
    let mut out = Vec::with_capacity(program.len() + 64);
    out.extend_from_slice(&program[..4]);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&((pow * 16) as u16).to_be_bytes());
    out.extend_from_slice(&(pow.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&((n - pow) as u16 * 16).to_be_bytes());
    let mut off = 12 + 16 * n;
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        let sum = if tag == b"head" {
            // checksummed with checkSumAdjustment zeroed; that field is set below
            head_at = Some(off);
            let mut head = data.to_vec();
            head.get_mut(8..12)?.fill(0);
            checksum(&head)
        } else {
            checksum(data)
        };
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(off as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        off += data.len().next_multiple_of(4);
    }
    for (tag, data) in &tables {
        let at = out.len();
        out.extend_from_slice(data);
        if tag == b"head" {
            out[at + 8..at + 12].fill(0);
        }
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
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
        let mut h = Fnv::new();
        h.write(&bytes[..at]);
        let mut seed = h.finish();
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
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
