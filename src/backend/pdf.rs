//! `pdf`: pages → PDF bytes, written by [krilla](https://docs.rs/krilla) (Typst's PDF library).
//!
//! The typesetter has already placed every glyph: each run goes to krilla as a glyph run with our
//! own glyph ids, the advance from each glyph to the next one and the text it stands for. krilla
//! embeds each face as a subset CID font with widths and a ToUnicode map (so the text copies and
//! searches), writes the content streams, compresses them, and derives the file's `/ID` and the
//! subset tags from the content: the same pages give the same bytes. A date is written only when
//! the caller gives one (`SOURCE_DATE_EPOCH`).

use std::collections::BTreeMap;
use std::ops::Range;

use krilla::color::luma;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId};
use krilla::{Document, SerializeSettings};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FaceId, FontSet};
use crate::typeset::{GlyphRun, Page, Rule};

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
///
/// Fails (in Chinese, with a hint) when a face cannot be embedded, the date is out of range, or a
/// page has no size.
pub fn write(pages: &[Page], fonts: &FontSet, meta: &PdfMeta) -> Result<Vec<u8>, Diagnostics> {
    let mut doc = Document::new_with(settings());
    doc.set_metadata(metadata(meta)?);
    // one krilla font per face used, made when a run first needs it
    let mut used: BTreeMap<FaceId, Font> = BTreeMap::new();
    for p in pages {
        let settings = PageSettings::from_wh(p.width as f32, p.height as f32)
            .ok_or_else(|| failed(format!("第 {} 页没有有效的页面尺寸", p.number)))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        // the page's text in black, then its marks ("未通过检查" on a forced render) in light grey
        let marks = p.marks.iter().map(|r| (r, true));
        for (run, grey) in p.runs.iter().map(|r| (r, false)).chain(marks) {
            if grey {
                surface.set_fill(Some(Fill {
                    paint: luma::Color::new(153).into(),
                    ..Fill::default()
                }));
            }
            let font = match used.get(&run.face) {
                Some(f) => f.clone(),
                None => {
                    let face = fonts.face(run.face);
                    let f = Font::new(face.data().into(), face.index)
                        .ok_or_else(|| embed_failed(fonts, run.face))?;
                    used.insert(run.face, f.clone());
                    f
                }
            };
            draw_run(&mut surface, run, font, fonts);
        }
        for rule in &p.rules {
            draw_rule(&mut surface, rule);
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| from_krilla(e, fonts, &used))
}

/// How the file is written: krilla's default version (PDF 1.7), compressed streams, XMP metadata
/// beside the info dictionary, no structure tags (the pages carry no tag tree yet).
fn settings() -> SerializeSettings {
    SerializeSettings {
        compress_content_streams: true,
        ascii_compatible: false,
        xmp_metadata: true,
        enable_tagging: false,
        ..SerializeSettings::default()
    }
}

/// Title, author, creator and producer; the creation date only when `meta.epoch` is given.
fn metadata(meta: &PdfMeta) -> Result<Metadata, Diagnostics> {
    let mut m = Metadata::new()
        .title(meta.title.clone())
        .authors(vec![meta.author.clone()])
        .creator("gongkai".into())
        .producer(format!("gongkai {}", env!("CARGO_PKG_VERSION")));
    if let Some(t) = meta.epoch {
        m = m.creation_date(date(t)?);
    }
    Ok(m)
}

/// `t` seconds after 1970-01-01 00:00 UTC, as a PDF date (years 0–9999).
fn date(t: i64) -> Result<DateTime, Diagnostics> {
    use chrono::{Datelike as _, Timelike as _};
    let bad = || {
        vec![
            Diagnostic::error("pdf", format!("SOURCE_DATE_EPOCH={t} 不是有效的时间"))
                .with_hint("SOURCE_DATE_EPOCH 应为 1970 年以来的秒数，例如 1700000000"),
        ]
    };
    let d = chrono::DateTime::from_timestamp(t, 0).ok_or_else(bad)?;
    let year = u16::try_from(d.year())
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or_else(bad)?;
    // chrono's month, day, hour, minute and second are within u8
    let small = |v: u32| v as u8;
    Ok(DateTime::new(year)
        .month(small(d.month()))
        .day(small(d.day()))
        .hour(small(d.hour()))
        .minute(small(d.minute()))
        .second(small(d.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0))
}

/// One glyph as krilla takes it: its id, the bytes of the run's text it stands for, and how far
/// the pen moves to the next glyph, in em.
struct Placed {
    id: GlyphId,
    text: Range<usize>,
    advance: f32,
}

impl krilla::text::Glyph for Placed {
    fn glyph_id(&self) -> GlyphId {
        self.id
    }
    fn text_range(&self) -> Range<usize> {
        self.text.clone()
    }
    // krilla writes the difference from the font's own advance as a TJ offset
    fn x_advance(&self, size: f32) -> f32 {
        self.advance * size
    }
    fn x_offset(&self, _size: f32) -> f32 {
        0.0
    }
    fn y_offset(&self, _size: f32) -> f32 {
        0.0
    }
    fn y_advance(&self, _size: f32) -> f32 {
        0.0
    }
    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// Draws one run at its glyphs' absolute x positions on its baseline (both from the page's top
/// left, as krilla measures too).
fn draw_run(surface: &mut Surface<'_>, run: &GlyphRun, font: Font, fonts: &FontSet) {
    let Some(first) = run.glyphs.first() else {
        return;
    };
    let mut text = String::with_capacity(run.glyphs.len() * 3);
    let mut glyphs = Vec::with_capacity(run.glyphs.len());
    for (i, g) in run.glyphs.iter().enumerate() {
        let start = text.len();
        text.push(g.ch);
        // the last glyph moves the pen by its own advance (no offset after it)
        let advance = match run.glyphs.get(i + 1) {
            Some(next) => (next.x - g.x) / run.size,
            None => fonts.face(run.face).advance(g.gid),
        };
        glyphs.push(Placed {
            id: GlyphId::new(u32::from(g.gid)),
            text: start..text.len(),
            advance: advance as f32,
        });
    }
    let start = Point::from_xy(first.x as f32, run.baseline as f32);
    surface.draw_glyphs(start, &glyphs, font, &text, run.size as f32, false);
}

/// Strokes one ruled line in black.
fn draw_rule(surface: &mut Surface<'_>, rule: &Rule) {
    let mut pb = PathBuilder::new();
    pb.move_to(rule.x0 as f32, rule.y0 as f32);
    pb.line_to(rule.x1 as f32, rule.y1 as f32);
    let Some(path) = pb.finish() else {
        return;
    };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        width: rule.width as f32,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// A writer failure the user cannot fix from the report.
fn failed(what: String) -> Diagnostics {
    vec![Diagnostic::error("pdf", format!("PDF 生成失败：{what}"))
        .with_hint("请把输入文件和这条消息报告给维护者")]
}

/// The message when a face cannot be embedded.
fn embed_failed(fonts: &FontSet, face: FaceId) -> Diagnostics {
    let f = fonts.face(face);
    vec![
        Diagnostic::error("pdf", format!("无法嵌入字体“{}”（{}）", f.family, f.source))
            .with_hint("请用 --bundled-fonts 改用内置字体"),
    ]
}

/// krilla's error in the user's words: a font it could not embed is named by its family and file.
fn from_krilla(e: KrillaError, fonts: &FontSet, used: &BTreeMap<FaceId, Font>) -> Diagnostics {
    match &e {
        KrillaError::Font(font, _) => match used.iter().find(|(_, f)| *f == font) {
            Some((face, _)) => embed_failed(fonts, *face),
            None => failed(format!("无法嵌入字体（{e}）")),
        },
        KrillaError::Limit(limit) => failed(format!("超出 PDF 格式的限制（{limit:?}）")),
        _ => failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_becomes_a_utc_date() {
        let d = date(1_700_000_000).expect("a valid epoch");
        // 2023-11-14 22:13:20 UTC
        assert_eq!(
            format!("{d:?}"),
            format!(
                "{:?}",
                DateTime::new(2023)
                    .month(11)
                    .day(14)
                    .hour(22)
                    .minute(13)
                    .second(20)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0)
            )
        );
    }

    #[test]
    fn an_epoch_out_of_range_is_a_chinese_error() {
        let err = date(i64::MAX).expect_err("out of range");
        assert!(err[0].message.contains("SOURCE_DATE_EPOCH"), "{err:?}");
        // before year 0
        assert!(date(-70_000_000_000).is_err());
    }
}
