//! A report (as loaded) → its [`Draft`]: every section of its format in order, every row with
//! one value per column as the clerk typed it.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Block, Draft, Section, Signature};
use crate::check;
use crate::diag::Diagnostics;
use crate::format::{self, Format};
use crate::report::node::{Node, Scalar, Value};
use crate::report::{self, Report, RowCells, SectionBody};

/// The errors of `check::resolve` a Draft can hold and the check reports on the cell: a value
/// that is not a number. Any other error means the file cannot be shown as a Draft.
const KEPT_AS_TYPED: &[&str] = &["value"];

/// The report's format (as `check::resolve` chooses it) and the report, or the diagnostics
/// `check` gives for a file it cannot read.
pub(crate) fn load(text: &str, path: Option<&std::path::Path>) -> Result<Report, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    report::load_str(text, path)
}

/// The format a report resolves against, or why it cannot be read.
pub(crate) fn format_of(rep: &Report) -> Result<Arc<Format>, Diagnostics> {
    match check::resolve(rep.clone()) {
        Ok(res) => Ok(res.format),
        Err(d) if d.iter().all(|x| KEPT_AS_TYPED.contains(&x.code.as_str())) => {
            let f = match &rep.format {
                Some(f) => format::by_id(format::id_of(&f.value)),
                None => format::for_year(rep.year.value),
            };
            f.ok_or(d)
        }
        Err(d) => Err(d),
    }
}

/// A report → its Draft for `format`.
pub(crate) fn draft_of(rep: &Report, format: &Format) -> Draft {
    let text = |s: &Option<report::Located<String>>| s.as_ref().map(|l| l.value.clone());
    let sections = format
        .sections
        .iter()
        .map(|s| {
            let given = rep.sections.iter().find(|x| x.id == s.id);
            match &s.table {
                None => Section::Text {
                    id: s.id.clone(),
                    blocks: match given.map(|g| &g.body) {
                        Some(SectionBody::Text(b)) => b.iter().map(block).collect(),
                        _ => Vec::new(),
                    },
                },
                Some(tid) => {
                    let table = format.table(tid).expect("validated format");
                    let written = match given.map(|g| &g.body) {
                        Some(SectionBody::Table(rows)) => rows.as_slice(),
                        _ => &[],
                    };
                    let rows = table
                        .def
                        .rows
                        .iter()
                        .map(|r| {
                            let cols = table.row_columns(&r.id);
                            let mut vals = vec![String::new(); cols.len()];
                            if let Some(w) = written.iter().find(|w| w.id == r.id) {
                                match &w.cells {
                                    RowCells::Seq(items) => {
                                        for (v, n) in vals.iter_mut().zip(items) {
                                            *v = typed(n, &rep.source);
                                        }
                                    }
                                    RowCells::Map(entries) => {
                                        for (k, n) in entries {
                                            if let Some(i) =
                                                cols.iter().position(|c| c.id == k.name)
                                            {
                                                vals[i] = typed(n, &rep.source);
                                            }
                                        }
                                    }
                                    RowCells::One(n) if cols.len() == 1 => {
                                        vals[0] = typed(n, &rep.source)
                                    }
                                    RowCells::One(_) => {}
                                }
                            }
                            (r.id.clone(), vals)
                        })
                        .collect::<BTreeMap<_, _>>();
                    Section::Table {
                        id: s.id.clone(),
                        rows,
                    }
                }
            }
        })
        .collect();
    Draft {
        organ: rep.organ.value.clone(),
        year: rep.year.value,
        format: text(&rep.format),
        title: text(&rep.title),
        kind: text(&rep.kind),
        lead: rep
            .lead
            .iter()
            .map(|p| Block::Para {
                para: p.value.clone(),
            })
            .collect(),
        sections,
        signature: rep.signature.as_ref().map(|s| Signature {
            organ: s.organ.as_ref().map(|o| o.value.clone()),
            date: s.date.value.format("%Y-%m-%d").to_string(),
        }),
    }
}

fn block(b: &report::Block) -> Block {
    match b {
        report::Block::Para(p) => Block::Para {
            para: p.value.clone(),
        },
        report::Block::Heading {
            text,
            level,
            run_in,
        } => Block::Heading {
            heading: text.value.clone(),
            level: *level,
            text: run_in.as_ref().map(|r| r.value.clone()),
        },
    }
}

/// A cell's value as the clerk typed it: numbers as written (`12.50`, `038`), text as it reads,
/// empty for nothing.
fn typed(n: &Node, source: &str) -> String {
    match &n.value {
        Value::Scalar(Scalar::Null) => String::new(),
        Value::Scalar(Scalar::Str(s)) => s.clone(),
        Value::Scalar(s) => n
            .raw(source)
            .map_or_else(|| s.display(), |r| r.trim().to_string()),
        Value::Seq(_) | Value::Map(_) => n
            .raw(source)
            .map_or_else(|| n.kind_name().to_string(), |r| r.trim().to_string()),
    }
}
