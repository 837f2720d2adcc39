//! The notice-board copy (issue 5): each sample rendered by the CLI with `--style notice-board`, then
//! read back from the PDF. By default with lopdf: A4 pages, the title and "第 N 页 共 M 页" on every
//! page, most text set at the body size. The external test reads it with poppler (`pdftotext -bbox`
//! word boxes, `pdftohtml -xml` font sizes): every glyph inside the style's margins, nothing drawn
//! over anything else on a line, body text at 18 pt, the title centred in the header and the page
//! line centred in the footer.

use std::path::Path;
use std::process::Command;

use gongkai::style::{Style, PT_PER_MM};

/// Slack for positions, pt (1 mm, as the GB/T 9704 checker allows).
const TOL: f64 = PT_PER_MM;
/// Closing marks whose right half, and opening marks whose left half, may be squeezed away (clreq):
/// a neighbour, or the type area's edge, may then lie inside their em box.
const CLOSING: &str = "，。、；：？！）》〉」』】〕〗”’．";
const OPENING: &str = "（《〈「『【〔〖“‘";

/// One word box of `pdftotext -bbox`, pt from the page's top-left corner.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// A page of word boxes.
#[derive(Debug)]
struct BoxPage {
    width: f64,
    words: Vec<Word>,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let at = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    let end = tag[at..].find('"').expect("closing quote") + at;
    tag[at..end].parse().expect("a number")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The word boxes of each page.
fn word_boxes(pdf: &Path) -> Vec<BoxPage> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("external test: needs poppler's pdftotext on PATH");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(BoxPage {
                width: attr(line, "width"),
                words: Vec::new(),
            });
        } else if line.starts_with("<word ") {
            let open = line.find('>').expect("tag end");
            let close = line.rfind("</word>").expect("word end");
            let page = pages.last_mut().expect("a word inside a page");
            page.words.push(Word {
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text: unescape(&line[open + 1..close]),
            });
        }
    }
    pages
}

/// Text pieces with their font size and top edge (pt), per page, from `pdftohtml -xml -zoom 1`.
fn sized_text(pdf: &Path) -> Vec<Vec<(f64, f64, String)>> {
    let out = Command::new("pdftohtml")
        .args(["-xml", "-i", "-stdout", "-zoom", "1"])
        .arg(pdf)
        .output()
        .expect("external test: needs poppler's pdftohtml on PATH");
    assert!(
        out.status.success(),
        "pdftohtml failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut sizes = std::collections::HashMap::new();
    let mut pages: Vec<Vec<(f64, f64, String)>> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(Vec::new());
        } else if line.starts_with("<fontspec ") {
            let id = attr(line, "id") as i64;
            sizes.insert(id, attr(line, "size"));
        } else if line.starts_with("<text ") {
            let open = line.find('>').expect("tag end");
            let close = line.rfind("</text>").expect("text end");
            // strip inline <b>/<i> tags
            let mut inner = String::new();
            let mut in_tag = false;
            for c in line[open + 1..close].chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => inner.push(c),
                    _ => {}
                }
            }
            let size = sizes[&(attr(line, "font") as i64)];
            pages.last_mut().expect("text inside a page").push((
                size,
                attr(line, "top"),
                unescape(&inner),
            ));
        }
    }
    pages
}

/// Renders a sample with the notice-board style into `dir`.
fn render(sample: &str, dir: &Path) -> std::path::PathBuf {
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{sample}.yaml"));
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("render")
        .arg(&input)
        .arg("-o")
        .arg(dir)
        .args(["--bundled-fonts", "--style", "notice-board", "--to", "pdf"])
        .output()
        .expect("run gongkai");
    assert!(
        out.status.success(),
        "{sample}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // named apart from the official copy (issue 16 item 13)
    let pdf = dir.join(format!("{sample}-公开栏.pdf"));
    assert!(pdf.exists(), "{} written", pdf.display());
    pdf
}

fn title(sample: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{sample}.yaml"));
    let res = gongkai::load(&path).unwrap_or_else(|d| panic!("{d:?}"));
    gongkai::compose::compose(&res).title
}

/// The text of words left to right, joined by `sep`, and the centre of their extent.
fn line_of(words: &[&Word], sep: &str) -> (String, f64) {
    let mut ws = words.to_vec();
    ws.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let text: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    let x0 = ws.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
    let x1 = ws.iter().map(|w| w.x1).fold(f64::MIN, f64::max);
    (text.join(sep), (x0 + x1) / 2.0)
}

#[test]
#[ignore = "external: needs poppler (pdftotext, pdftohtml)"]
fn notice_board_copy_reads_back_inside_its_margins_with_title_and_page_x_of_y() {
    let style = Style::builtin("notice-board").expect("notice-board style");
    let g = &style.page;
    let (left, right) = (
        g.margin_left_mm * PT_PER_MM,
        (g.width_mm - g.margin_right_mm) * PT_PER_MM,
    );
    assert!(
        (g.margin_left_mm - g.margin_right_mm).abs() < 1e-9,
        "symmetric margins (no binding edge)"
    );
    let top = g.margin_top_mm * PT_PER_MM;
    let bottom = top + style.type_height_pt();
    let body = style.roles["body"].size_pt;
    assert!(body >= 18.0, "the notice-board body is 18 pt or more");
    let number_size = style.roles["page_number"].size_pt;
    let dir = tempfile::tempdir().expect("tempdir");
    for sample in ["liwang-2020", "qinghe-2021"] {
        let pdf = render(sample, dir.path());
        let pages = word_boxes(&pdf);
        let total = pages.len();
        assert!(total >= 3, "{sample}: {total} pages");
        // the footer's words are at the page-number size: their box height per em gives the face's
        // ascent + descent, so a word's size can be told from its box
        let em_ratio = {
            let last = &pages[0].words;
            let w = last
                .iter()
                .find(|w| w.text == "第")
                .unwrap_or_else(|| panic!("{sample}: no footer on page 1"));
            (w.y1 - w.y0) / number_size
        };
        let title = title(sample);
        for (i, page) in pages.iter().enumerate() {
            let n = i + 1;
            let centre = page.width / 2.0;
            let head: Vec<&Word> = page.words.iter().filter(|w| w.y1 <= top).collect();
            let foot: Vec<&Word> = page.words.iter().filter(|w| w.y0 >= bottom).collect();
            // the header: the report's title, centred above the type area
            let (text, mid) = line_of(&head, "");
            assert_eq!(text, title, "{sample} page {n}: header");
            assert!(
                (mid - centre).abs() <= 1.0,
                "{sample} page {n}: header at {mid:.1}"
            );
            // the footer: 第 N 页 共 M 页, centred below it
            let (text, mid) = line_of(&foot, " ");
            assert_eq!(
                text,
                format!("第 {n} 页 共 {total} 页"),
                "{sample} page {n}: footer"
            );
            assert!(
                (mid - centre).abs() <= 1.0,
                "{sample} page {n}: footer at {mid:.1}"
            );
            // the rest lies inside the type area: em boxes (poppler's box less the face's extra
            // ascent and descent), less the blank half of a squeezed mark at a line's end
            let inner: Vec<&Word> = page
                .words
                .iter()
                .filter(|w| w.y1 > top && w.y0 < bottom)
                .collect();
            assert!(!inner.is_empty(), "{sample} page {n}: empty");
            for w in &inner {
                let h = w.y1 - w.y0;
                let size = h / em_ratio;
                let extra = h - size;
                let first = w.text.chars().next().unwrap_or(' ');
                let last = w.text.chars().last().unwrap_or(' ');
                let lhang = if OPENING.contains(first) {
                    size / 2.0
                } else {
                    0.0
                };
                let rhang = if CLOSING.contains(last) {
                    size / 2.0
                } else {
                    0.0
                };
                assert!(
                    w.x0 + lhang >= left - TOL
                        && w.x1 - rhang <= right + TOL
                        && w.y0 + extra >= top - TOL
                        && w.y1 - extra <= bottom + TOL,
                    "{sample} page {n}: “{}” at x {:.1}–{:.1}, y {:.1}–{:.1} outside {left:.1}–{right:.1} × {top:.1}–{bottom:.1}",
                    w.text, w.x0, w.x1, w.y0, w.y1
                );
            }
            // no two words drawn over each other on one line (poppler starts a new word where a
            // glyph overlaps the one before it, so overlapping glyphs show as overlapping words)
            for (a_i, a) in page.words.iter().enumerate() {
                for b in &page.words[a_i + 1..] {
                    let (ha, hb) = (a.y1 - a.y0, b.y1 - b.y0);
                    let v = a.y1.min(b.y1) - a.y0.max(b.y0);
                    if v < 0.5 * ha.min(hb) {
                        continue;
                    }
                    let (l, r) = if a.x0 <= b.x0 { (a, b) } else { (b, a) };
                    // faces differ in ascent and descent: the taller box tells the size better
                    let size = ha.max(hb) / em_ratio;
                    let squeezable = l.text.chars().last().is_some_and(|c| CLOSING.contains(c))
                        || r.text.chars().next().is_some_and(|c| OPENING.contains(c));
                    let allowed = if squeezable { 0.55 } else { 0.25 } * size;
                    assert!(
                        r.x0 >= l.x1 - allowed,
                        "{sample} page {n}: “{}” and “{}” overlap ({:.1} > {:.1})",
                        l.text,
                        r.text,
                        l.x1,
                        r.x0
                    );
                }
            }
        }
        // body text at the style's size: the size most text is set in, and every long line's size
        let sized = sized_text(&pdf);
        let mut chars_at: Vec<(f64, usize)> = Vec::new();
        for (size, y, text) in sized.iter().flatten() {
            let n = text.chars().filter(|c| !c.is_whitespace()).count();
            if *y < top - TOL || *y > bottom {
                continue;
            }
            match chars_at.iter_mut().find(|(s, _)| (s - size).abs() < 0.5) {
                Some((_, c)) => *c += n,
                None => chars_at.push((*size, n)),
            }
            // a line of running text (20 characters without a gap; table cells on one line are
            // joined with spaces) is body-sized or larger
            let run = text.split_whitespace().map(|p| p.chars().count()).max();
            assert!(
                run.unwrap_or(0) < 20 || *size >= body - 0.5,
                "{sample}: a line of running text at {size} pt: {text}"
            );
        }
        let most = chars_at.iter().max_by_key(|(_, c)| *c).expect("some text");
        assert!(
            (most.0 - body).abs() < 0.5,
            "{sample}: most text at {} pt, body should be {body} pt: {chars_at:?}",
            most.0
        );
    }
}

/// Glyphs shown at each font size (`Tf`) on one page of `pdf`, from its content stream: every
/// glyph code of the (Identity-H, two-byte) CID fonts counts once.
fn glyphs_by_size(pdf: &lopdf::Document, page: lopdf::ObjectId) -> Vec<(f32, usize)> {
    let content = pdf.get_and_decode_page_content(page).expect("content");
    let mut size = 0.0;
    let mut out: Vec<(f32, usize)> = Vec::new();
    for op in &content.operations {
        let shown = match op.operator.as_str() {
            "Tf" => {
                size = op.operands[1].as_float().expect("a size");
                continue;
            }
            "Tj" => op.operands[0].as_str().map_or(0, <[u8]>::len) / 2,
            "TJ" => op.operands[0]
                .as_array()
                .expect("an array")
                .iter()
                .filter_map(|o| o.as_str().ok())
                .map(|s| s.len() / 2)
                .sum(),
            _ => continue,
        };
        match out.iter_mut().find(|(s, _)| (s - size).abs() < 0.01) {
            Some((_, n)) => *n += shown,
            None => out.push((size, shown)),
        }
    }
    out
}

#[test]
fn notice_board_pdf_has_the_title_and_page_x_of_y_on_every_a4_page() {
    let style = Style::builtin("notice-board").expect("notice-board style");
    let body = style.roles["body"].size_pt as f32;
    let dir = tempfile::tempdir().expect("tempdir");
    for sample in ["liwang-2020", "qinghe-2021"] {
        let path = render(sample, dir.path());
        let pdf = lopdf::Document::load(&path).expect("the PDF parses");
        let pages = pdf.get_pages();
        let total = pages.len();
        assert!(total >= 3, "{sample}: {total} pages");
        let title: String = title(sample).split_whitespace().collect();
        let mut sizes: Vec<(f32, usize)> = Vec::new();
        for (n, id) in &pages {
            let page = pdf.get_dictionary(*id).expect("page");
            let media = page
                .get(b"MediaBox")
                .and_then(|b| b.as_array())
                .expect("a media box on the page");
            let wh: Vec<f32> = media.iter().map(|v| v.as_float().unwrap()).collect();
            assert!(
                (wh[2] - 595.28).abs() < 0.1 && (wh[3] - 841.89).abs() < 0.1,
                "{sample} page {n}: {wh:?} is not A4"
            );
            let text: String = pdf
                .extract_text(&[*n])
                .expect("text")
                .split_whitespace()
                .collect();
            assert!(
                text.starts_with(&title),
                "{sample} page {n}: the header is not the title: {text}"
            );
            assert!(
                text.ends_with(&format!("第{n}页共{total}页")),
                "{sample} page {n}: the footer is not 第 {n} 页 共 {total} 页: {text}"
            );
            for (s, c) in glyphs_by_size(&pdf, *id) {
                match sizes.iter_mut().find(|(t, _)| (t - s).abs() < 0.01) {
                    Some((_, n)) => *n += c,
                    None => sizes.push((s, c)),
                }
            }
        }
        // most of the text is body text, at the style's body size
        let most = sizes.iter().max_by_key(|(_, c)| *c).expect("some text");
        assert!(
            (most.0 - body).abs() < 0.01,
            "{sample}: most glyphs at {} pt, body is {body} pt: {sizes:?}",
            most.0
        );
    }
}
