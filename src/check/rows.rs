//! One table row as written → its cells' values: a mapping by column, a list in column order, or a
//! single value; blank cells kept as blank; a thousands separator that split a number found.

use super::{number, CellValue, Computable, TableValues};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::format::{ColumnDef, Table};
use crate::report::node::{Node, Scalar, Value};
use crate::report::{RowCells, RowValues};

/// The unit a column's header names (`本年收费金额（单位：万元）` → `万元`).
fn column_unit(col: &ColumnDef) -> Option<&'static str> {
    if col.name.contains("万元") {
        Some("万元")
    } else if col.name.contains("单位：元") {
        Some("元")
    } else {
        None
    }
}

/// Reads one row's cells into `vals`; what cannot be read is an error naming the cell.
pub(super) fn read_row(
    table: &Table,
    computable: &Computable,
    row: &RowValues,
    source: &str,
    vals: &mut TableValues,
    diags: &mut Diagnostics,
) {
    let is_computable = |r: &str, c: &str| {
        computable.contains(&(table.def.id.clone(), r.to_string(), c.to_string()))
    };
    let Some(rdef) = table.row(&row.id) else {
        let hint = match did_you_mean(&row.id, table.def.rows.iter().map(|r| r.id.as_str())) {
            Some(m) => format!(
                "您是不是要写“{m}”（{}）？",
                table.row(m).map_or("", |r| r.name.as_str())
            ),
            None => format!(
                "{}的行：{}",
                table.def.name,
                table
                    .def
                    .rows
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        };
        diags.push(
            Diagnostic::error(
                "unknown-key",
                format!("{}中没有“{}”这一行", table.def.name, row.id),
            )
            .at(row.pos)
            .with_hint(hint),
        );
        return;
    };
    let cols = table.row_columns(&rdef.id);
    // the columns the clerk fills (总计 columns are computed), as the template lists them
    let filled: Vec<&ColumnDef> = cols
        .iter()
        .copied()
        .filter(|c| !is_computable(&rdef.id, &c.id))
        .collect();
    let mut put = |col: &ColumnDef, node: &Node, diags: &mut Diagnostics| {
        let cell = (rdef.id.clone(), col.id.clone());
        match number::parse(node, node.raw(source), col.kind, column_unit(col)) {
            Ok(p) => {
                vals.insert(
                    cell,
                    CellValue {
                        number: p.number,
                        pos: node.pos,
                        computed: false,
                        blank: false,
                        unit: p.unit,
                    },
                );
            }
            Err(number::ParseError::Empty) if is_computable(&rdef.id, &col.id) => {}
            Err(number::ParseError::Empty) => {
                vals.insert(
                    cell,
                    CellValue {
                        number: number::Number::default(),
                        pos: node.pos,
                        computed: false,
                        blank: true,
                        unit: None,
                    },
                );
            }
            Err(e) => {
                let (msg, mut hint) = e.describe(col.kind);
                if matches!(e, number::ParseError::Negative(_)) {
                    // name the columns of this format that may be negative, if any
                    let signed: Vec<String> = table
                        .def
                        .columns
                        .iter()
                        .filter(|c| c.kind == crate::format::ValueKind::Signed)
                        .map(|c| format!("“{}”", c.name))
                        .collect();
                    if !signed.is_empty() {
                        hint = format!("只有{}一列可以填负数", signed.join("、"));
                    }
                }
                diags.push(
                    Diagnostic::error(
                        "value",
                        format!("{}{}", table.cell_name(&rdef.id, &col.id), msg),
                    )
                    .at(node.pos)
                    .with_hint(hint),
                );
            }
        }
    };
    match &row.cells {
        RowCells::Map(entries) => {
            for (k, v) in entries {
                match cols.iter().find(|c| c.id == k.name) {
                    Some(c) => put(c, v, diags),
                    None => {
                        let hint = match did_you_mean(&k.name, cols.iter().map(|c| c.id.as_str())) {
                            Some(m) => format!(
                                "您是不是要写“{m}”（{}）？",
                                table.column(m).map_or("", |c| c.name.as_str())
                            ),
                            None => format!(
                                "这一行的列：{}",
                                cols.iter()
                                    .map(|c| format!("{}（{}）", c.id, c.name))
                                    .collect::<Vec<_>>()
                                    .join("、")
                            ),
                        };
                        diags.push(
                            Diagnostic::error(
                                "unknown-key",
                                format!(
                                    "{}“{}”行没有“{}”这一列",
                                    table.def.name, rdef.name, k.name
                                ),
                            )
                            .at(k.pos)
                            .with_hint(hint),
                        );
                    }
                }
            }
        }
        RowCells::Seq(items) => {
            let optional_last = cols.last().is_some_and(|c| is_computable(&rdef.id, &c.id));
            if items.len() == cols.len() || (optional_last && items.len() + 1 == cols.len()) {
                if optional_last && items.len() == cols.len() {
                    if let Some(d) = split_number(items, cols.len() - 1, true, source) {
                        diags.push(d.with_row(table, &rdef.name));
                        return;
                    }
                }
                for (c, v) in cols.iter().zip(items) {
                    put(c, v, diags);
                }
            } else if let Some(d) = split_number(items, cols.len(), false, source) {
                diags.push(d.with_row(table, &rdef.name));
            } else {
                diags.push(
                    Diagnostic::error(
                        "shape",
                        format!(
                            "{}“{}”行应有 {} 个数{}，这里有 {} 个",
                            table.def.name,
                            rdef.name,
                            filled.len(),
                            if optional_last {
                                format!("（或连同总计 {} 个）", cols.len())
                            } else {
                                String::new()
                            },
                            items.len()
                        ),
                    )
                    .at(row.value_pos)
                    .with_hint(format!(
                        "按顺序填写：{}{}",
                        filled
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、"),
                        if filled.len() < cols.len() {
                            "（总计由程序算出，不必填写）"
                        } else {
                            ""
                        }
                    )),
                );
            }
        }
        RowCells::One(node) if node.value == Value::Scalar(Scalar::Null) => {
            // a row left empty: every cell blank (one warning per table counts them)
            for c in &filled {
                put(c, node, diags);
            }
        }
        RowCells::One(node) => {
            if cols.len() == 1 {
                put(cols[0], node, diags);
            } else {
                let list = if filled.len() == 1 {
                    format!("{{{}: 0}}", filled[0].id)
                } else {
                    format!("[{}]", vec!["0"; filled.len()].join(", "))
                };
                diags.push(
                    Diagnostic::error(
                        "shape",
                        format!(
                            "{}“{}”行要填 {} 个数（{}），这里只有一个",
                            table.def.name,
                            rdef.name,
                            filled.len(),
                            filled
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    )
                    .at(row.value_pos)
                    .with_hint(format!("按顺序写成 {list}")),
                );
            }
        }
    }
}

/// A thousands separator that split a number in a flow list: `[1,038, 6, …]`.
struct Split {
    pos: crate::diag::Pos,
    written: String,
    first: String,
    second: String,
}

impl Split {
    fn with_row(self, table: &Table, row: &str) -> Diagnostic {
        let joined = format!("{}{}", self.first, self.second);
        Diagnostic::error(
            "thousands",
            format!(
                "{}“{}”行的“{}”被逗号分成了两个数（{} 和 {}），这一行因此多了一个数",
                table.def.name, row, self.written, self.first, self.second
            ),
        )
        .at(self.pos)
        .with_hint(format!(
            "列表中的逗号用来分隔各数；请去掉千位分隔符写成 {joined}，或加引号写成 \"{}\"",
            self.written
        ))
    }
}

/// Finds, in a list with one value too many (`want` values expected), two neighbours joined by a
/// comma without a space that make one valid thousands grouping (`1,038`). When the list's length is
/// also a valid one (the optional 总计 given), only a list that separates its other values with
/// ", " counts.
fn split_number(items: &[Node], want: usize, ambiguous: bool, source: &str) -> Option<Split> {
    if items.len() != want + 1 || items.len() < 2 {
        return None;
    }
    let raw = |n: &Node| n.raw(source).map(str::trim);
    let between = |a: &Node, b: &Node| {
        let end = (a.span.start + a.span.len) as usize;
        source.get(end..b.span.start as usize)
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut found = None;
    let mut spaced = false;
    for w in items.windows(2) {
        let sep = between(&w[0], &w[1])?;
        if sep != "," {
            spaced = true;
            continue;
        }
        let (Some(a), Some(b)) = (raw(&w[0]), raw(&w[1])) else {
            continue;
        };
        if digits(a) && a.len() <= 3 && digits(b) && b.len() == 3 && found.is_none() {
            found = Some(Split {
                pos: w[0].pos,
                written: format!("{a},{b}"),
                first: a.to_string(),
                second: b.to_string(),
            });
        }
    }
    if ambiguous && !spaced {
        return None;
    }
    found
}
