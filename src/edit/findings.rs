//! A Draft checked as `gongkai check` checks its YAML, each diagnostic pointed back at the Draft's
//! field: the YAML is written with a record of which line (and which column of a table row) holds
//! which field, and a diagnostic's place is looked up in that record.
//!
//! A 总计 the program computed has no place of its own in the YAML (it borrows the place of the
//! first cell it was summed from); a diagnostic at such a place is given to the cell whose printed
//! row and column the message names. A diagnostic on a row's line that names no column (a row
//! left unfilled, a row of the wrong length) points at the row's first value (`col` 0), or at the
//! first column whose “name” the message quotes.

use super::write::{self, Extras, Written};
use super::{Draft, Finding, Target};
use crate::check::{self, Resolved};
use crate::diag::Diagnostic;
use crate::format::Format;

/// Every finding on a normalised Draft.
pub(super) fn check(d: &Draft, previous: Option<&Resolved>) -> Vec<Finding> {
    let format = match super::format_of_draft(d) {
        Ok(f) => f,
        Err(diags) => {
            let field = if d.format.is_some() { "format" } else { "year" };
            return diags
                .into_iter()
                .map(|x| finding(x, Some(field_target(field))))
                .collect();
        }
    };
    let shape = write::placed_shape_errors(d, &format);
    if !shape.is_empty() {
        return shape.into_iter().map(|(x, t)| finding(x, t)).collect();
    }
    let written = write::write(d, &format, &Extras::default());
    let place = |x: &Diagnostic, res: Option<&Resolved>| target(x, &written, &format, res);
    // the written YAML read and resolved as `check` would; what stops that is pointed at its field
    let res = match super::read::load(&written.text, None).and_then(check::resolve) {
        Ok(r) => r,
        Err(diags) => {
            return diags
                .into_iter()
                .map(|x| {
                    let t = place(&x, None);
                    finding(x, t)
                })
                .collect()
        }
    };
    check::run(&res, previous)
        .into_iter()
        .map(|x| {
            let t = place(&x, Some(&res));
            finding(x, t)
        })
        .collect()
}

fn field_target(f: &str) -> Target {
    Target::Field {
        field: f.to_string(),
    }
}

fn finding(d: Diagnostic, target: Option<Target>) -> Finding {
    Finding {
        severity: d.severity,
        code: d.code,
        message: d.message,
        hint: d.hint,
        target,
    }
}

/// The Draft field a diagnostic about the written YAML is about.
fn target(d: &Diagnostic, w: &Written, format: &Format, res: Option<&Resolved>) -> Option<Target> {
    if !d.pos.is_known() {
        return None;
    }
    if let Some(t) = res.and_then(|r| cell_named(d, r, format)) {
        return Some(t);
    }
    if let Some(t) = w.cells.get(&(d.pos.line, d.pos.col)) {
        return Some(t.clone());
    }
    if let Some(section) = w.tables.get(&d.pos.line) {
        // a row missing from a table: the message names it with its id
        let table = format.table(format.section(section)?.table.as_deref()?)?;
        let row = table
            .def
            .rows
            .iter()
            .find(|r| d.message.contains(&format!("（{}）", r.id)))?;
        return Some(Target::Cell {
            section: section.clone(),
            row: row.id.clone(),
            col: 0,
        });
    }
    match w.lines.get(&d.pos.line)? {
        Target::Cell { section, row, .. } => {
            // a row's line: the first column the message quotes, else its first value
            let table = format.table(format.section(section)?.table.as_deref()?)?;
            let col = table
                .row_columns(row)
                .iter()
                .position(|c| d.message.contains(&format!("“{}”列", c.name)))
                .unwrap_or(0);
            Some(Target::Cell {
                section: section.clone(),
                row: row.clone(),
                col,
            })
        }
        t => Some(t.clone()),
    }
}

/// Among the cells that stand at the diagnostic's place (the value written there, and any 总计
/// computed from it), the one whose printed row and column the message names; the written one
/// when the message names none better.
fn cell_named(d: &Diagnostic, res: &Resolved, format: &Format) -> Option<Target> {
    let mut best: Option<((u8, bool), Target)> = None;
    for s in &format.sections {
        let Some(tid) = &s.table else { continue };
        let (Some(table), Some(vals)) = (format.table(tid), res.values.get(tid)) else {
            continue;
        };
        for ((r, c), v) in vals {
            if v.pos != d.pos {
                continue;
            }
            let (Some(rd), Some(cd)) = (table.row(r), table.column(c)) else {
                continue;
            };
            let Some(col) = table.row_columns(r).iter().position(|x| x.id == *c) else {
                continue;
            };
            let score = (
                u8::from(d.message.contains(&rd.name))
                    + u8::from(d.message.contains(&format!("“{}”", cd.name))),
                !v.computed,
            );
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((
                    score,
                    Target::Cell {
                        section: s.id.clone(),
                        row: r.clone(),
                        col,
                    },
                ));
            }
        }
    }
    best.map(|(_, t)| t)
}
