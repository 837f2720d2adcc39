//! The serde shapes of a format file, exactly as written in `layouts/formats/*.yaml`.

use serde::Deserialize;

/// A whole format file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FormatDef {
    pub id: String,
    pub name: String,
    pub issued_by: String,
    pub default_years: YearRange,
    pub allowed_years: YearRange,
    pub sections: Vec<SectionDef>,
    pub tables: Vec<TableDef>,
    pub rules: Vec<super::Rule>,
}

/// A range of report years; `to` absent means open-ended.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearRange {
    /// First year.
    pub from: i32,
    /// Last year, if any.
    pub to: Option<i32>,
}

impl YearRange {
    /// Whether `year` lies in the range.
    pub fn contains(&self, year: i32) -> bool {
        year >= self.from && self.to.is_none_or(|t| year <= t)
    }
}

/// One of the six sections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// The YAML key of the section in a report (`overview`, `applications`, …).
    pub id: String,
    /// The printed heading, with its number (`一、总体情况`).
    pub heading: String,
    /// For a table section, the table's id.
    pub table: Option<String>,
    /// For a text section, what it should say (used in templates).
    pub what: Option<String>,
}

/// A table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// Table id (the YAML key of its section).
    pub id: String,
    /// How messages name it (`表三`).
    pub name: String,
    /// Number of grid columns.
    pub grid_columns: usize,
    /// How many grid rows at the top are header rows (repeated after a page break).
    pub header_rows: usize,
    /// The logical value columns, in printed order.
    pub columns: Vec<ColumnDef>,
    /// The logical value rows, in printed order.
    pub rows: Vec<RowDef>,
    /// How a cell is named in messages; `{row}` and `{column}` are replaced.
    #[serde(default)]
    pub cell_name: Option<String>,
    /// The grid, row by row.
    pub grid: Vec<Vec<GridCell>>,
}

impl TableDef {
    /// The logical row with this id.
    pub fn row(&self, id: &str) -> Option<&RowDef> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// The logical column with this id.
    pub fn column(&self, id: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.id == id)
    }
}

/// A logical value column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    /// YAML key.
    pub id: String,
    /// Printed label, as messages name it.
    pub name: String,
    /// What its cells hold.
    pub kind: ValueKind,
}

/// A logical value row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    /// YAML key.
    pub id: String,
    /// Printed label(s), as messages name it.
    pub name: String,
}

/// What a value cell may hold (spec R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// A non-negative whole number.
    Count,
    /// A whole number that may be negative (本年增/减).
    Signed,
    /// A non-negative decimal amount (万元 or 元).
    Amount,
}

/// A cell of the grid as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridCell {
    /// Printed text.
    pub text: Option<String>,
    /// One value cell `row.column`.
    pub value: Option<String>,
    /// Shorthand: the row's value cells, one per column.
    pub values: Option<String>,
    /// With `values`: which columns, in order (default all).
    pub columns: Option<Vec<String>>,
    /// Columns spanned.
    pub colspan: Option<usize>,
    /// Rows spanned.
    pub rowspan: Option<usize>,
    /// Role (default label for text).
    pub role: Option<CellRole>,
}

/// What a cell is for; styles choose fonts and alignment by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellRole {
    /// A caption row spanning the table (第二十条第（一）项).
    Caption,
    /// A column header.
    Header,
    /// A row label.
    Label,
    /// A number.
    Value,
}
