//! `pdf`: pages → PDF bytes (printpdf). The only module that uses printpdf.
//!
//! Fonts are embedded as subsets (Identity-H CID fonts with ToUnicode, so text copies and searches);
//! glyphs are placed by absolute text matrices plus TJ offsets. The output is deterministic: resource
//! names and subset tags are derived from the content, the trailer `/ID` from a hash of the file,
//! and no date is written unless `epoch` (SOURCE_DATE_EPOCH) is given.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rgb, TextItem, TextMatrix,
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
    // fonts: one resource per face used, named by a tag derived from the face and its glyphs
    let mut used: BTreeMap<FaceId, Vec<u16>> = BTreeMap::new();
    for p in pages {
        for r in &p.runs {
            let e = used.entry(r.face).or_default();
            e.extend(r.glyphs.iter().map(|g| g.gid));
        }
    }
    let mut ids: BTreeMap<FaceId, FontId> = BTreeMap::new();
    for (face, gids) in &mut used {
        gids.sort_unstable();
        gids.dedup();
        let f = fonts.face(*face);
        let mut warnings = Vec::new();
        let parsed =
            ParsedFont::from_bytes(f.data(), f.index as usize, &mut warnings).ok_or_else(|| {
                vec![Diagnostic::error(
                    "pdf",
                    format!("无法嵌入字体“{}”（{}）", f.family, f.source),
                )
                .with_hint("请用 --bundled-fonts 改用内置字体")]
            })?;
        let mut h = Fnv::new();
        h.write(f.source.as_bytes());
        h.write(&f.index.to_le_bytes());
        for g in gids.iter() {
            h.write(&g.to_le_bytes());
        }
        let id = FontId(subset_tag(h.finish()));
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        ids.insert(*face, id);
    }
    let pdf_pages = pages.iter().map(|p| page_ops(p, &ids, fonts)).collect();
    doc.with_pages(pdf_pages);
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: false,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let bytes = doc.save(&opts, &mut warnings);
    if bytes.is_empty() {
        return Err(vec![Diagnostic::error(
            "pdf",
            "PDF 生成失败（printpdf 没有输出）",
        )]);
    }
    Ok(make_deterministic(bytes, meta.epoch.is_some()))
}

/// One page's content stream: a text object per run, then the rules.
fn page_ops(p: &Page, ids: &BTreeMap<FaceId, FontId>, fonts: &FontSet) -> PdfPage {
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
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(ids[&r.face].clone()),
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
            cps.push(Codepoint::with_cid(g.gid, offset as f32, g.text.clone()));
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
