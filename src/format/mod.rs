//! `format`: the national table formats, read from `layouts/formats/*.yaml` (embedded in the binary).
//!
//! A format is data: its sections, its tables as grids of cells with spans, the logical rows and
//! columns that carry values, and the consistency rules. This module loads and validates that data;
//! it knows nothing of a particular report, nor of how anything is drawn.

mod def;
pub mod rule;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use def::{CellRole, ColumnDef, GridCell, RowDef, SectionDef, TableDef, ValueKind, YearRange};
pub use rule::{Rule, RuleInstance, Term};

/// The format files compiled into the binary, sorted by id.
pub const BUILTIN: &[(&str, &str)] = &[
    ("2019", include_str!("../../layouts/formats/2019.yaml")),
    ("2021", include_str!("../../layouts/formats/2021.yaml")),
];

/// A national format, validated: every table's grid resolved, every rule's cells known.
#[derive(Debug, Clone)]
pub struct Format {
    /// `id` — "2019" or "2021".
    pub id: String,
    /// `name` — the document that issued the format.
    pub name: String,
    /// `issued_by` — its document number.
    pub issued_by: String,
    /// `default_years` — report years for which this format is chosen by default.
    pub default_years: YearRange,
    /// `allowed_years` — report years for which this format may be asked for.
    pub allowed_years: YearRange,
    /// `sections` — the six sections in order.
    pub sections: Vec<SectionDef>,
    /// `tables` — by id, each with its resolved grid.
    pub tables: Vec<Table>,
    /// `rules` — the consistency rules.
    pub rules: Vec<Rule>,
}

/// A table whose grid has been resolved: every grid position is a cell or part of a merged one.
#[derive(Debug, Clone)]
pub struct Table {
    /// The definition as written.
    pub def: TableDef,
    /// `grid[r][c]`: the resolved grid.
    pub grid: Vec<Vec<Entry>>,
    /// Every value cell: (row id, column id) → its grid position, in grid order.
    pub values: Vec<ValueCell>,
}

/// A grid position after resolving spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// The top-left position of a cell.
    Cell(ResolvedCell),
    /// Covered by the cell whose top-left is at (row, col).
    Merged {
        /// Row of the covering cell.
        row: usize,
        /// Column of the covering cell.
        col: usize,
    },
}

/// A cell at its top-left grid position.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedCell {
    /// What the cell holds.
    pub content: CellContent,
    /// Columns spanned (≥ 1).
    pub colspan: usize,
    /// Rows spanned (≥ 1).
    pub rowspan: usize,
    /// Its role (header, caption, label, value).
    pub role: CellRole,
    /// How it is named in messages (`表三“（七）总计”行“自然人”列`, `表一表头“信息内容”`), made
    /// with the format: every report's cells carry it.
    pub place: String,
}

/// What a resolved cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellContent {
    /// Printed text.
    Text(String),
    /// The value of (row id, column id).
    Value(String, String),
}

/// A value cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueCell {
    /// Logical row id.
    pub row: String,
    /// Logical column id.
    pub column: String,
    /// Grid row.
    pub grid_row: usize,
    /// Grid column.
    pub grid_col: usize,
}

/// A format file that failed to load or validate (a bug in the data, not in a report).
#[derive(Debug, Clone)]
pub struct FormatError {
    /// The format id or file.
    pub format: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "格式定义 {} 有误：{}", self.format, self.message)
    }
}

impl std::error::Error for FormatError {}

impl Format {
    /// Parses and validates a format file.
    pub fn from_yaml(name: &str, text: &str) -> Result<Format, FormatError> {
        let err = |message: String| FormatError {
            format: name.to_string(),
            message,
        };
        let raw: def::FormatDef = serde_saphyr::from_str(text).map_err(|e| err(e.to_string()))?;
        Format::from_def(name, raw)
    }

    fn from_def(name: &str, raw: def::FormatDef) -> Result<Format, FormatError> {
        let err = |message: String| FormatError {
            format: name.to_string(),
            message,
        };
        let mut tables = Vec::new();
        for t in raw.tables {
            tables.push(Table::resolve(t).map_err(err)?);
        }
        let mut f = Format {
            id: raw.id,
            name: raw.name,
            issued_by: raw.issued_by,
            default_years: raw.default_years,
            allowed_years: raw.allowed_years,
            sections: raw.sections,
            tables,
            rules: raw.rules,
        };
        f.validate().map_err(err)?;
        Ok(f)
    }

    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.def.id == id)
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&SectionDef> {
        self.sections.iter().find(|s| s.id == id)
    }

    fn validate(&mut self) -> Result<(), String> {
        let mut seen = BTreeMap::new();
        for s in &self.sections {
            if seen.insert(s.id.clone(), ()).is_some() {
                return Err(format!("section id {} appears twice", s.id));
            }
            if let Some(t) = &s.table {
                if self.table(t).is_none() {
                    return Err(format!("section {} names unknown table {t}", s.id));
                }
            }
        }
        for r in &self.rules {
            let table = self
                .table(&r.table)
                .ok_or_else(|| format!("rule {} names unknown table {}", r.id, r.table))?;
            let instances = r.instances(table)?;
            for inst in &instances {
                for t in inst
                    .left
                    .iter()
                    .chain(&inst.right)
                    .chain(std::iter::once(&inst.at))
                {
                    if !t.previous && !table.has_value(&t.row, &t.column) {
                        return Err(format!(
                            "rule {} refers to {}.{}, which is no value cell of {}",
                            r.id, t.row, t.column, r.table
                        ));
                    }
                }
            }
            // made once here, shared by every report's copy of the format
            r.keep_instances(instances);
        }
        Ok(())
    }
}

impl Table {
    /// Whether (row, column) is a value cell.
    pub fn has_value(&self, row: &str, column: &str) -> bool {
        self.values
            .iter()
            .any(|v| v.row == row && v.column == column)
    }

    /// The logical row with this id.
    pub fn row(&self, id: &str) -> Option<&RowDef> {
        self.def.row(id)
    }

    /// The logical column with this id.
    pub fn column(&self, id: &str) -> Option<&ColumnDef> {
        self.def.column(id)
    }

    /// The value columns of a row, in grid order.
    pub fn row_columns(&self, row: &str) -> Vec<&ColumnDef> {
        self.values
            .iter()
            .filter(|v| v.row == row)
            .filter_map(|v| self.column(&v.column))
            .collect()
    }

    /// How a cell is named in messages: `表三“（七）总计”行“自然人”列`.
    pub fn cell_name(&self, row: &str, column: &str) -> String {
        cell_name(&self.def, row, column)
    }

    fn resolve(def: TableDef) -> Result<Table, String> {
        let n = def.grid_columns;
        let mut grid: Vec<Vec<Option<Entry>>> = Vec::new();
        let mut values = Vec::new();
        for (r, row) in def.grid.iter().enumerate() {
            if grid.len() <= r {
                grid.push(vec![None; n]);
            }
            let mut c = 0;
            for cell in expand(&def, row)? {
                while c < n && grid[r][c].is_some() {
                    c += 1;
                }
                if c + cell.colspan > n {
                    return Err(format!(
                        "table {} row {}: cells run past column {n}",
                        def.id,
                        r + 1
                    ));
                }
                while grid.len() < r + cell.rowspan {
                    grid.push(vec![None; n]);
                }
                for dr in 0..cell.rowspan {
                    for dc in 0..cell.colspan {
                        if grid[r + dr][c + dc].is_some() {
                            return Err(format!(
                                "table {} row {}: cell overlaps another at column {}",
                                def.id,
                                r + dr + 1,
                                c + dc + 1
                            ));
                        }
                        grid[r + dr][c + dc] = Some(Entry::Merged { row: r, col: c });
                    }
                }
                if let CellContent::Value(row_id, col_id) = &cell.content {
                    if def.rows.iter().all(|x| &x.id != row_id)
                        || def.columns.iter().all(|x| &x.id != col_id)
                    {
                        return Err(format!(
                            "table {}: value {row_id}.{col_id} names an undeclared row or column",
                            def.id
                        ));
                    }
                    if values
                        .iter()
                        .any(|v: &ValueCell| &v.row == row_id && &v.column == col_id)
                    {
                        return Err(format!(
                            "table {}: value {row_id}.{col_id} appears twice",
                            def.id
                        ));
                    }
                    values.push(ValueCell {
                        row: row_id.clone(),
                        column: col_id.clone(),
                        grid_row: r,
                        grid_col: c,
                    });
                }
                grid[r][c] = Some(Entry::Cell(cell.clone()));
                c += cell.colspan;
            }
        }
        let grid: Vec<Vec<Entry>> = grid
            .into_iter()
            .enumerate()
            .map(|(r, row)| {
                row.into_iter()
                    .enumerate()
                    .map(|(c, e)| {
                        e.ok_or_else(|| {
                            format!(
                                "table {}: grid position ({}, {}) is empty",
                                def.id,
                                r + 1,
                                c + 1
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()?;
        if def.header_rows > grid.len() {
            return Err(format!("table {}: more header rows than rows", def.id));
        }
        for r in &def.rows {
            if values.iter().all(|v| v.row != r.id) {
                return Err(format!("table {}: row {} has no value cell", def.id, r.id));
            }
        }
        Ok(Table { def, grid, values })
    }
}

/// How a value cell is named in messages (see [`Table::cell_name`]).
fn cell_name(def: &TableDef, row: &str, column: &str) -> String {
    let r = def.row(row).map_or(row, |r| &r.name);
    let c = def.column(column).map_or(column, |c| &c.name);
    let pattern = def.cell_name.as_deref().unwrap_or("“{row}”行“{column}”列");
    format!(
        "{}{}",
        def.name,
        pattern.replace("{row}", r).replace("{column}", c)
    )
}

/// Expands `{values: row}` shorthands into one cell per column.
fn expand(def: &TableDef, row: &[GridCell]) -> Result<Vec<ResolvedCell>, String> {
    let mut out = Vec::new();
    for cell in row {
        let span = |v: Option<usize>| v.unwrap_or(1).max(1);
        match (&cell.text, &cell.value, &cell.values) {
            (Some(t), None, None) => out.push(ResolvedCell {
                content: CellContent::Text(t.clone()),
                colspan: span(cell.colspan),
                rowspan: span(cell.rowspan),
                role: cell.role.unwrap_or(CellRole::Label),
                place: format!("{}表头“{t}”", def.name),
            }),
            (None, Some(v), None) => {
                let (r, c) = v
                    .split_once('.')
                    .ok_or_else(|| format!("table {}: value {v} must be row.column", def.id))?;
                out.push(ResolvedCell {
                    content: CellContent::Value(r.to_string(), c.to_string()),
                    colspan: span(cell.colspan),
                    rowspan: span(cell.rowspan),
                    role: CellRole::Value,
                    place: cell_name(def, r, c),
                });
            }
            (None, None, Some(r)) => {
                let cols: Vec<String> = match &cell.columns {
                    Some(c) => c.clone(),
                    None => def.columns.iter().map(|c| c.id.clone()).collect(),
                };
                for c in cols {
                    out.push(ResolvedCell {
                        place: cell_name(def, r, &c),
                        content: CellContent::Value(r.clone(), c),
                        colspan: 1,
                        rowspan: 1,
                        role: CellRole::Value,
                    });
                }
            }
            _ => {
                return Err(format!(
                    "table {}: a cell needs exactly one of text, value, values",
                    def.id
                ))
            }
        }
    }
    Ok(out)
}

/// Every built-in format, loaded and validated.
pub fn builtin() -> Result<Vec<Format>, FormatError> {
    (0..BUILTIN.len())
        .map(|at| parsed(at).clone().map(|f| (*f).clone()))
        .collect()
}

/// Built-in format `at` (index into [`BUILTIN`]), parsed from its YAML at first use and shared by
/// every report of the run.
fn parsed(at: usize) -> &'static Result<Arc<Format>, FormatError> {
    const N: usize = BUILTIN.len();
    static PARSED: [std::sync::OnceLock<Result<Arc<Format>, FormatError>>; N] =
        [const { std::sync::OnceLock::new() }; N];
    PARSED[at].get_or_init(|| Format::from_yaml(BUILTIN[at].0, BUILTIN[at].1).map(Arc::new))
}

/// The index into [`BUILTIN`] of the format with this id.
fn index_of(id: &str) -> Option<usize> {
    BUILTIN.iter().position(|(i, _)| *i == id)
}

/// The format id a report's `format:` value names: "2021", "2021年", "2021版" all name "2021".
pub fn id_of(value: &str) -> &str {
    value.trim_end_matches('年').trim_end_matches('版').trim()
}

/// The built-in format with this id.
pub fn by_id(id: &str) -> Option<Arc<Format>> {
    let at = index_of(id)?;
    parsed(at).as_ref().ok().cloned()
}

/// The format a report of `year` uses by default.
pub fn for_year(year: i32) -> Option<Arc<Format>> {
    (0..BUILTIN.len())
        .filter_map(|at| parsed(at).as_ref().ok())
        .find(|f| f.default_years.contains(year))
        .cloned()
}

/// The ids of every built-in format.
pub fn ids() -> Vec<&'static str> {
    BUILTIN.iter().map(|(i, _)| *i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_format_parses_and_carries_its_id() {
        for (id, _) in BUILTIN {
            let f = by_id(id).unwrap_or_else(|| panic!("format {id} loads"));
            assert_eq!(f.id, *id);
        }
        assert_eq!(
            for_year(2020).map(|f| f.id.clone()).as_deref(),
            Some("2019")
        );
        assert_eq!(
            for_year(2023).map(|f| f.id.clone()).as_deref(),
            Some("2021")
        );
    }
}
