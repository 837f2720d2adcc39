//! The form the page draws: the format's sections in order and each table's printed grid, made
//! from the same resolved grid (`format::Table::grid`) that `compose` prints.

use super::{CellInput, CellKind, Form, FormCell, FormSection, FormTable, SectionKind};
use crate::format::{CellContent, CellRole, Entry, Format, Table};

/// The form of `format`.
pub(crate) fn of(format: &Format) -> Form {
    let computable = crate::check::computable_cells(format);
    Form {
        format: format.id.clone(),
        name: super::write::format_name(format),
        sections: format
            .sections
            .iter()
            .map(|s| match &s.table {
                None => FormSection {
                    id: s.id.clone(),
                    heading: s.heading.clone(),
                    kind: SectionKind::Text,
                    what: s.what.clone(),
                    table: None,
                },
                Some(tid) => {
                    let t = format.table(tid).expect("validated format");
                    FormSection {
                        id: s.id.clone(),
                        heading: s.heading.clone(),
                        kind: SectionKind::Table,
                        what: None,
                        table: Some(table(t, &|r, c| {
                            computable.contains(&(t.def.id.clone(), r.to_string(), c.to_string()))
                        })),
                    }
                }
            })
            .collect(),
    }
}

fn table(t: &Table, is_total: &dyn Fn(&str, &str) -> bool) -> FormTable {
    let grid = t
        .grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|e| match e {
                    Entry::Merged { .. } => None,
                    Entry::Cell(c) => {
                        let (text, input) = match &c.content {
                            CellContent::Text(s) => (s.clone(), None),
                            CellContent::Value(r, col) => {
                                let index = t.row_columns(r).iter().position(|x| &x.id == col);
                                let input = index.map(|i| CellInput {
                                    row: r.clone(),
                                    col: i,
                                    total: is_total(r, col),
                                });
                                (String::new(), input)
                            }
                        };
                        Some(FormCell {
                            text,
                            colspan: c.colspan,
                            rowspan: c.rowspan,
                            kind: match c.role {
                                CellRole::Caption => CellKind::Caption,
                                CellRole::Header => CellKind::Header,
                                CellRole::Label => CellKind::Label,
                                CellRole::Value => CellKind::Number,
                            },
                            input,
                        })
                    }
                })
                .collect()
        })
        .collect();
    FormTable {
        name: t.def.name.clone(),
        columns: t.def.grid_columns,
        header_rows: t.def.header_rows,
        grid,
    }
}
