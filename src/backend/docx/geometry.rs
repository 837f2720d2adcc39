//! What the DOCX writer takes from the PDF's layout: plain numbers, filled by the typesetter
//! (`typeset::Layout::docx_geometry`), so that the writer never reads the typesetter's insides.
//!
//! Only table geometry crosses: the PDF's column widths (so both outputs have the same columns),
//! row heights and cell padding, and the rows the PDF starts a page with (where the DOCX repeats a
//! merged group label, as the PDF does). Line breaks do not cross: a word processor breaks lines
//! itself, and a clerk's edit would move them anyway.

use std::collections::BTreeMap;

/// The layout's numbers the DOCX uses, by index into the document's blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Geometry {
    /// Tables, keyed by block index.
    pub tables: BTreeMap<usize, TableGeometry>,
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
