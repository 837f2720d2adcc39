//! What the DOCX writer takes from the PDF's layout: plain numbers, filled by the typesetter
//! (`typeset::Layout::docx_geometry`), so that the writer never reads the typesetter's insides.
//!
//! What crosses: the PDF's table column widths (so both outputs have the same columns), row
//! heights and cell padding, the rows the PDF starts a page with (where the DOCX repeats a merged
//! group label, as the PDF does), and the title's lines (a title is broken where a reader would,
//! between words, and both files show the same two lines). No other line breaks cross: a word
//! processor breaks body lines itself, and a clerk's edit would move them anyway.

use std::collections::BTreeMap;

/// The layout's numbers the DOCX uses, by index into the document's blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Geometry {
    /// Tables, keyed by block index.
    pub tables: BTreeMap<usize, TableGeometry>,
    /// The title's lines as the PDF sets them, each line's characters (empty: not known).
    pub title_lines: Vec<String>,
}

/// The title's lines on the PDF's first page: the leading glyph runs at the first run's size (the
/// title opens the document), one line per baseline, characters left to right.
pub fn title_lines(first_page: Option<&crate::typeset::Page>) -> Vec<String> {
    let Some(runs) = first_page.map(|p| &p.runs) else {
        return Vec::new();
    };
    let Some(size) = runs.first().map(|r| r.size) else {
        return Vec::new();
    };
    let mut lines: Vec<(f64, Vec<(f64, char)>)> = Vec::new();
    for r in runs.iter().take_while(|r| (r.size - size).abs() < 0.01) {
        let at = match lines.iter().position(|(b, _)| (b - r.baseline).abs() < 0.5) {
            Some(i) => i,
            None => {
                lines.push((r.baseline, Vec::new()));
                lines.len() - 1
            }
        };
        lines[at].1.extend(r.glyphs.iter().map(|g| (g.x, g.ch)));
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines
        .into_iter()
        .map(|(_, mut cs)| {
            cs.sort_by(|a, b| a.0.total_cmp(&b.0));
            cs.into_iter().map(|(_, c)| c).collect()
        })
        .collect()
}

/// One table as the PDF draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableGeometry {
    /// Column widths, cell padding included, pt.
    pub widths_pt: Vec<f64>,
    /// Row heights, pt.
    pub heights_pt: Vec<f64>,
    /// Left and right cell padding, pt.
    pub pad_x_pt: f64,
    /// Top and bottom cell padding, pt.
    pub pad_y_pt: f64,
    /// Rows (below the header rows) that the PDF draws first on a page.
    pub page_start_rows: Vec<usize>,
}
