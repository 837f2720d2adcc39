//! `svg`: pages → one SVG document per page, for a preview that shows the pages exactly as the PDF
//! prints them (the same [`Page`]s the PDF writer reads, so the same line breaks and positions).
//!
//! Every glyph is drawn from its face's outline (read with ttf-parser), so the browser needs no font:
//! each face+glyph used on a page is defined once in `<defs>` as a path in font units (y up, as the
//! font draws it) and placed with `<use>` inside its run's group, whose transform
//! `matrix(k 0 0 -k x y)` (k = size / units per em) scales it to the size, flips it to the SVG's
//! y-down space and puts the run's first glyph on its baseline. Rules are black `<line>`s, marks
//! (the forced render's "未通过检查") light grey as in the PDF, on a white page.
//!
//! Coordinates need no conversion: a [`Page`] measures from the top-left corner with y growing
//! downwards (krilla, for the PDF, takes the same), and so does SVG. The viewBox is the page in pt,
//! width and height are given in mm.
//!
//! Each line's glyphs are grouped in `<g aria-label="…">` with the line's text ([`page_lines`]),
//! the root carries `role="img" aria-label="第 N 页"`. Numbers are written with at most 2 decimals
//! (pt) or 1 decimal (font units), never `-0`: the same pages give the same strings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quick_xml::escape::escape;
use unicode_width::UnicodeWidthChar as _;

use crate::fonts::{FaceId, FontSet};
use crate::style::PT_PER_MM;
use crate::typeset::{GlyphRun, Page, Rule};

/// Runs whose baselines are this many ems apart at most (of the larger size) are one line — the
/// tolerance the PDF readback uses (`readback::lines`).
const SAME_LINE_EM: f64 = 0.35;
/// A gap between two glyphs of a line wider than this many ems separates two pieces of it (table
/// cells, the parts of a signature), as in `readback::lines`.
const RUN_GAP_EM: f64 = 0.9;
/// The fill of the marks: light grey, luma 153 as the PDF draws them.
const MARK_FILL: &str = "#999";

/// One SVG document per page: the page size in pt as the viewBox (width/height in mm), each glyph drawn
/// from the font's outline as a path (defined once per face+glyph in `<defs>`, placed with `<use>`),
/// rules as lines; no font needed in the browser. Deterministic (same pages → same strings).
///
/// A path's id (`f{face}g{glyph}`) names the same outline on every page written with the same
/// [`FontSet`], so pages inlined into one HTML document may repeat an id harmlessly. A glyph with no
/// outline (a space) is not drawn; a face that cannot be parsed draws nothing (the fonts were parsed
/// when they were loaded, so this does not happen).
pub fn write(pages: &[Page], fonts: &FontSet) -> Vec<String> {
    let mut outlines = Outlines::new(fonts);
    pages.iter().map(|p| write_page(p, &mut outlines)).collect()
}

/// The text of each line of a page, top to bottom (glyph runs grouped by baseline), for tests and for
/// the page's accessibility text; the same text the PDF's text layer gives.
///
/// Exactly: the page's runs and its marks, grouped into lines as the PDF readback groups glyphs
/// (sorted by baseline, then x; a run whose baseline is within 0.35 em of the line's first run's
/// joins that line). A line's glyphs are read left to right, each as the character it stands for
/// (spaces included, as the PDF's ToUnicode has them). Where two consecutive glyphs are more than
/// 0.9 em apart (of the larger size), or a vertical rule stands between them, one space is put
/// between them (none if a space glyph is already there): the cells of a table row and the pieces
/// of a line come out as `自然人 商业企业 …`. A glyph's right edge is the next glyph's x in its run;
/// for a run's last glyph it is taken as 1 em for a wide character (East Asian width) and ½ em
/// otherwise. Lines with no glyph are not returned.
pub fn page_lines(page: &Page) -> Vec<String> {
    lines(page).into_iter().map(|l| l.text).collect()
}

/// A line of a page: its runs (with whether each is a mark) in the order drawn, and its text.
struct Line<'a> {
    runs: Vec<(&'a GlyphRun, bool)>,
    text: String,
}

/// One glyph as [`page_lines`] reads it.
struct Read {
    x: f64,
    right: f64,
    size: f64,
    ch: char,
}

/// The lines of a page, top to bottom (see [`page_lines`]).
fn lines(page: &Page) -> Vec<Line<'_>> {
    let mut runs: Vec<(&GlyphRun, bool)> = page
        .runs
        .iter()
        .map(|r| (r, false))
        .chain(page.marks.iter().map(|r| (r, true)))
        .filter(|(r, _)| !r.glyphs.is_empty())
        .collect();
    let first_x = |r: &GlyphRun| r.glyphs.iter().map(|g| g.x).fold(f64::INFINITY, f64::min);
    runs.sort_by(|(a, _), (b, _)| {
        a.baseline
            .total_cmp(&b.baseline)
            .then(first_x(a).total_cmp(&first_x(b)))
    });
    let mut groups: Vec<Vec<(&GlyphRun, bool)>> = Vec::new();
    for (r, mark) in runs {
        match groups.last_mut() {
            Some(g)
                if (r.baseline - g[0].0.baseline).abs()
                    <= SAME_LINE_EM * r.size.max(g[0].0.size) =>
            {
                g.push((r, mark))
            }
            _ => groups.push(vec![(r, mark)]),
        }
    }
    let vertical: Vec<&Rule> = page
        .rules
        .iter()
        .filter(|r| (r.y1 - r.y0).abs() > (r.x1 - r.x0).abs())
        .collect();
    groups
        .into_iter()
        .map(|runs| {
            let text = line_text(&runs, &vertical);
            Line { runs, text }
        })
        .collect()
}

/// A line's text: its glyphs left to right, one space where a wide gap or a vertical rule
/// separates two of them.
fn line_text(runs: &[(&GlyphRun, bool)], vertical: &[&Rule]) -> String {
    let baseline = runs[0].0.baseline;
    let mut glyphs: Vec<Read> = Vec::new();
    for (r, _) in runs {
        for (i, g) in r.glyphs.iter().enumerate() {
            let right = match r.glyphs.get(i + 1) {
                Some(next) => next.x,
                None if g.ch.width() == Some(2) => g.x + r.size,
                None => g.x + 0.5 * r.size,
            };
            glyphs.push(Read {
                x: g.x,
                right,
                size: r.size,
                ch: g.ch,
            });
        }
    }
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut text = String::new();
    // the right edge and the largest size of the piece read so far
    let mut piece: Option<(f64, f64)> = None;
    for g in &glyphs {
        if let Some((x1, size)) = piece {
            let top = baseline - crate::typeset::GLYPH_TOP_EM * g.size;
            let ruled = vertical.iter().any(|v| {
                let vx = (v.x0 + v.x1) / 2.0;
                vx > x1 - 0.5 && vx < g.x + 0.5 && v.y0.min(v.y1) < baseline && v.y0.max(v.y1) > top
            });
            if g.x - x1 > RUN_GAP_EM * g.size.max(size) || ruled {
                if !text.ends_with(char::is_whitespace) && !g.ch.is_whitespace() {
                    text.push(' ');
                }
                piece = None;
            }
        }
        text.push(g.ch);
        piece = Some(match piece {
            Some((x1, size)) => (x1.max(g.right), size.max(g.size)),
            None => (g.right, g.size),
        });
    }
    text
}

/// The faces' outlines as SVG path data in font units, each read once per [`write`].
struct Outlines<'a> {
    fonts: &'a FontSet,
    /// Parsed faces by id (`None`: the face did not parse).
    faces: BTreeMap<FaceId, Option<ttf_parser::Face<'a>>>,
    /// Path data by face and glyph (`None`: no outline).
    paths: BTreeMap<(FaceId, u16), Option<String>>,
}

impl<'a> Outlines<'a> {
    fn new(fonts: &'a FontSet) -> Self {
        Outlines {
            fonts,
            faces: BTreeMap::new(),
            paths: BTreeMap::new(),
        }
    }

    /// The face's units per em (1000 if it does not parse).
    fn units_per_em(&mut self, face: FaceId) -> f64 {
        self.face(face)
            .map_or(1000.0, |f| f64::from(f.units_per_em().max(1)))
    }

    fn face(&mut self, face: FaceId) -> Option<&ttf_parser::Face<'a>> {
        let fonts = self.fonts;
        self.faces
            .entry(face)
            .or_insert_with(|| {
                let f = fonts.face(face);
                ttf_parser::Face::parse(f.data(), f.index).ok()
            })
            .as_ref()
    }

    /// The glyph's outline as path data, if it has one.
    fn path(&mut self, face: FaceId, gid: u16) -> Option<&str> {
        if !self.paths.contains_key(&(face, gid)) {
            let d = self.face(face).and_then(|f| {
                let mut b = PathData::default();
                f.outline_glyph(ttf_parser::GlyphId(gid), &mut b)?;
                Some(b.d).filter(|d| !d.is_empty())
            });
            self.paths.insert((face, gid), d);
        }
        self.paths.get(&(face, gid)).and_then(|d| d.as_deref())
    }
}

/// Path data written by ttf-parser's outline walk: relative commands between coordinates rounded
/// to a tenth of a font unit (the differences of rounded points, so no error accumulates), a
/// command's letter left out when it repeats the one before (as SVG allows). A quadratic curve
/// whose control point mirrors the previous one's (a TrueType contour's implied on-curve point, at
/// the middle of two control points) is written as a smooth `t` with its end point only.
#[derive(Default)]
struct PathData {
    d: String,
    /// The last command written.
    last: Option<char>,
    /// The current point, in tenths of a unit.
    at: (i64, i64),
    /// The current contour's start.
    start: (i64, i64),
    /// The control point of the quadratic curve just written, if the last command was one.
    control: Option<(i64, i64)>,
}

impl PathData {
    /// Starts a command: its letter unless the same command came just before (a moveto is
    /// always written: a repeated one would be read as a lineto).
    fn command(&mut self, c: char) {
        self.control = None;
        if self.last != Some(c) || c == 'm' {
            self.d.push(c);
        }
        self.last = Some(c);
    }

    fn point(&mut self, x: f32, y: f32) {
        let p = (tenths(x), tenths(y));
        let (dx, dy) = (p.0 - self.at.0, p.1 - self.at.1);
        self.at = p;
        self.num(dx);
        self.num(dy);
    }

    /// Offsets relative to the current point, as the control points of a curve are written.
    fn offset(&mut self, x: f32, y: f32) {
        let (dx, dy) = (tenths(x) - self.at.0, tenths(y) - self.at.1);
        self.num(dx);
        self.num(dy);
    }

    /// A number in tenths, with a space before it unless a command letter or its minus separates it.
    fn num(&mut self, v: i64) {
        if v >= 0 && self.d.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
            self.d.push(' ');
        }
        push_tenths(&mut self.d, v);
    }
}

impl ttf_parser::OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        self.command('m');
        self.point(x, y);
        self.start = self.at;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.command('l');
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let c = (tenths(x1), tenths(y1));
        let mirrored = self
            .control
            .map(|p| (2 * self.at.0 - p.0, 2 * self.at.1 - p.1));
        if mirrored == Some(c) {
            self.command('t');
        } else {
            self.command('q');
            self.offset(x1, y1);
        }
        self.point(x, y);
        self.control = Some(c);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.command('c');
        self.offset(x1, y1);
        self.offset(x2, y2);
        self.point(x, y);
    }
    fn close(&mut self) {
        self.command('z');
        // after `z` the current point is the contour's start
        self.at = self.start;
    }
}

/// A coordinate in tenths of a font unit.
fn tenths(v: f32) -> i64 {
    (f64::from(v) * 10.0).round() as i64
}

/// `v` tenths as a decimal: `12`, `-3.5`, `0.1`.
fn push_tenths(out: &mut String, v: i64) {
    let _ = write!(out, "{}", v / 10);
    let frac = (v % 10).abs();
    if frac != 0 {
        if v < 0 && v > -10 {
            out.insert(out.len() - 1, '-');
        }
        let _ = write!(out, ".{frac}");
    }
}

/// A number with at most `decimals` decimals, trailing zeros dropped, never `-0`.
fn num(v: f64, decimals: u32) -> String {
    let scale = 10_i64.pow(decimals);
    let n = if v.is_finite() {
        (v * scale as f64).round() as i64
    } else {
        0
    };
    let mut s = String::new();
    if n < 0 {
        s.push('-');
    }
    let (int, frac) = (
        n.unsigned_abs() / scale as u64,
        n.unsigned_abs() % scale as u64,
    );
    let _ = write!(s, "{int}");
    if frac != 0 {
        let digits = format!("{frac:0width$}", width = decimals as usize);
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
    s
}

/// A length or position in pt.
fn pt(v: f64) -> String {
    num(v, 2)
}

/// One page as an SVG document.
fn write_page(page: &Page, outlines: &mut Outlines<'_>) -> String {
    let lines = lines(page);
    // the glyphs to define: every face+glyph of the page that has an outline
    let used: BTreeSet<(FaceId, u16)> = lines
        .iter()
        .flat_map(|l| l.runs.iter())
        .flat_map(|(r, _)| r.glyphs.iter().map(|g| (r.face, g.gid)))
        .collect();
    let mut svg = String::with_capacity(64 * 1024);
    let (w, h) = (pt(page.width), pt(page.height));
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}mm" height="{}mm" viewBox="0 0 {w} {h}" role="img" aria-label="第 {} 页">"#,
        num(page.width / PT_PER_MM, 2),
        num(page.height / PT_PER_MM, 2),
        page.number
    );
    svg.push_str("<defs>");
    for &(face, gid) in &used {
        if let Some(d) = outlines.path(face, gid) {
            let _ = write!(svg, r#"<path id="{}" d="{d}"/>"#, glyph_id(face, gid));
        }
    }
    svg.push_str("</defs>");
    let _ = write!(svg, r##"<rect width="{w}" height="{h}" fill="#fff"/>"##);
    for line in &lines {
        let _ = write!(svg, r#"<g aria-label="{}">"#, escape(line.text.as_str()));
        for &(run, mark) in &line.runs {
            write_run(&mut svg, run, mark, outlines);
        }
        svg.push_str("</g>");
    }
    if !page.rules.is_empty() {
        svg.push_str(r##"<g stroke="#000" fill="none">"##);
        for r in &page.rules {
            let _ = write!(
                svg,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"/>"#,
                pt(r.x0),
                pt(r.y0),
                pt(r.x1),
                pt(r.y1),
                num(r.width, 3)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// One run: a group scaled from font units to its size and flipped, on its baseline at its first
/// glyph's x; each glyph with an outline a `<use>` at its x in font units.
fn write_run(svg: &mut String, run: &GlyphRun, mark: bool, outlines: &mut Outlines<'_>) {
    let Some(first) = run.glyphs.first() else {
        return;
    };
    let k = run.size / outlines.units_per_em(run.face);
    let fill = if mark {
        format!(r#" fill="{MARK_FILL}""#)
    } else {
        String::new()
    };
    let _ = write!(
        svg,
        r#"<g{fill} transform="matrix({} 0 0 {} {} {})">"#,
        num(k, 7),
        num(-k, 7),
        pt(first.x),
        pt(run.baseline)
    );
    for g in &run.glyphs {
        if outlines.path(run.face, g.gid).is_none() {
            continue;
        }
        let _ = write!(svg, "<use href=\"#{}\"", glyph_id(run.face, g.gid));
        let x = num((g.x - first.x) / k, 1);
        if x != "0" {
            let _ = write!(svg, r#" x="{x}""#);
        }
        svg.push_str("/>");
    }
    svg.push_str("</g>");
}

/// The id of a glyph's path.
fn glyph_id(face: FaceId, gid: u16) -> String {
    format!("f{}g{gid}", face.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact_and_never_negative_zero() {
        assert_eq!(num(595.2756, 2), "595.28");
        assert_eq!(num(210.0, 2), "210");
        assert_eq!(num(-0.001, 2), "0");
        assert_eq!(num(-1.5, 2), "-1.5");
        assert_eq!(num(0.0105, 7), "0.0105");
        assert_eq!(num(f64::NAN, 2), "0");
    }

    #[test]
    fn tenths_keep_their_sign() {
        let s = |v| {
            let mut o = String::new();
            push_tenths(&mut o, v);
            o
        };
        assert_eq!(s(-5), "-0.5");
        assert_eq!(s(-15), "-1.5");
        assert_eq!(s(120), "12");
        assert_eq!(s(0), "0");
        assert_eq!(s(3), "0.3");
    }

    #[test]
    fn path_data_separates_numbers() {
        use ttf_parser::OutlineBuilder as _;
        let mut b = PathData::default();
        b.move_to(10.0, 20.0);
        b.line_to(15.0, 14.5);
        b.quad_to(20.0, 20.0, 25.0, 14.5);
        b.close();
        b.move_to(12.0, 20.0);
        b.quad_to(14.0, 20.0, 12.0, 21.0);
        b.quad_to(10.0, 22.0, 12.0, 20.0);
        // an implied on-curve point between two control points: the second curve is smooth
        b.quad_to(14.0, 18.0, 16.0, 18.0);
        b.quad_to(18.0, 18.0, 18.0, 16.0);
        b.line_to(18.0, 10.0);
        b.quad_to(18.0, 8.0, 16.0, 8.0);
        assert_eq!(
            b.d,
            "m10 20l5-5.5q5 5.5 10 0zm2 0q2 0 0 1t0-1 4-2 2-2l0-6q0-2-2-2"
        );
    }
}
