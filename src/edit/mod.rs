//! `edit`: the model the browser editor (`gongkai edit`) works on.
//!
//! A [`Draft`] is one report as plain data (serde JSON, the shape the page edits); it is read from
//! the report's YAML ([`draft_from_yaml`]) and written back as YAML that looks like the template
//! `gongkai new` writes ([`draft_to_yaml`]). A [`Form`] is the national format as the page draws
//! it: the sections in order and each table's printed grid ([`form`]). [`check_draft`] runs the
//! same checks as `gongkai check` and points each [`Finding`] at the field of the Draft it is
//! about.
//!
//! The YAML file stays the document: everything here goes through the YAML text and the normal
//! loader ([`crate::report::load_str`]), so the page and the CLI can never disagree.

mod findings;
mod form;
mod read;
pub mod server;
pub(crate) mod write;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::check;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::format::{self, Format};
pub use write::normalise;

/// What the page edits: one report, plain data, serde JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// `organ` — 机关名称.
    pub organ: String,
    /// `year` — 报告年度.
    pub year: i32,
    /// `format` — the national format id when it overrides the year's default.
    pub format: Option<String>,
    /// `title` — overrides "〈机关名称〉〈年度〉年政府信息公开工作年度报告".
    pub title: Option<String>,
    /// `kind` — 机关类别 for the deadline (部门、乡镇、政府), guessed from the organ when absent.
    pub kind: Option<String>,
    /// `lead` — the paragraphs before 一、 (paragraphs only: the format has no headings there).
    pub lead: Vec<Block>,
    /// Every section of the format, in the format's order.
    pub sections: Vec<Section>,
    /// `signature` — 落款, when given.
    pub signature: Option<Signature>,
}

/// A paragraph or a heading of a text section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Block {
    /// `{"para": "text"}`: a paragraph of body text (one line, as printed).
    Para {
        /// The paragraph.
        para: String,
    },
    /// `{"heading": "（一）主动公开", "level": 2 | null, "text": null | "run-in body"}`.
    Heading {
        /// The heading with its number.
        heading: String,
        /// 2 for （一）, 3 for 1., 4 for （1）; null: from the number.
        #[serde(default)]
        level: Option<u8>,
        /// Body text continuing the same paragraph after the heading.
        #[serde(default)]
        text: Option<String>,
    },
}

/// One section of the format: text blocks or a table's rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Section {
    /// `{"id": "overview", "blocks": [Block, …]}`.
    Text {
        /// The section id (the YAML key).
        id: String,
        /// Its paragraphs and headings.
        blocks: Vec<Block>,
    },
    /// `{"id": "applications", "rows": {"new": ["21", …], …}}`.
    Table {
        /// The section id (the YAML key).
        id: String,
        /// Row id → its values as typed, in the printed column order, one per value column of the
        /// row (a 总计 column included); `""` = not filled (a 总计 left empty is computed).
        rows: BTreeMap<String, Vec<String>>,
    },
}

impl Section {
    /// The section id.
    pub fn id(&self) -> &str {
        match self {
            Section::Text { id, .. } | Section::Table { id, .. } => id,
        }
    }
}

/// `signature` — the 落款.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// 发文机关署名; null: the report's organ.
    pub organ: Option<String>,
    /// 成文日期 as typed (`2022-01-20` when read from a file).
    pub date: String,
}

/// The form of a national format: what the page draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// The format id (`2021`).
    pub format: String,
    /// How the page names it (`2021 年版国家格式`).
    pub name: String,
    /// The sections in printed order.
    pub sections: Vec<FormSection>,
}

/// A section of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormSection {
    /// The section id (the YAML key).
    pub id: String,
    /// The printed heading (`一、总体情况`).
    pub heading: String,
    /// `text` or `table`.
    pub kind: SectionKind,
    /// For a text section: what it should say (the template's comment), if the format says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
    /// For a table section: the printed table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<FormTable>,
}

/// Whether a section holds text or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// Paragraphs and headings.
    Text,
    /// A national table.
    Table,
}

/// A table as printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormTable {
    /// How messages name it (`表三`).
    pub name: String,
    /// Grid columns.
    pub columns: usize,
    /// Rows at the top that are headers.
    pub header_rows: usize,
    /// `grid[row][col]`: a cell at its top-left position, `None` where a span covers it.
    pub grid: Vec<Vec<Option<FormCell>>>,
}

/// A cell of a printed table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormCell {
    /// Printed text (empty for number cells).
    pub text: String,
    /// Columns spanned.
    pub colspan: usize,
    /// Rows spanned.
    pub rowspan: usize,
    /// What the cell is.
    pub kind: CellKind,
    /// For a number cell: which value of the Draft it edits.
    pub input: Option<CellInput>,
}

/// What a cell of a printed table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    /// A caption row (第二十条第（一）项).
    Caption,
    /// A column header.
    Header,
    /// A row label.
    Label,
    /// A number the clerk types.
    Number,
}

/// The value a number cell edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellInput {
    /// The row id (key of the section's `rows`).
    pub row: String,
    /// Index into that row's values.
    pub col: usize,
    /// A 总计 the program computes when left empty.
    pub total: bool,
}

/// One diagnostic of `check`, pointing at the Draft's field it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The rule or error code (`R3`, `value`, …).
    pub code: String,
    /// The message as `check` prints it.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The field it is about, when there is one.
    pub target: Option<Target>,
}

/// The field of a Draft a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Target {
    /// `{"section": "applications", "row": "granted", "col": 3}`: one value of a table row.
    Cell {
        /// The section id.
        section: String,
        /// The row id.
        row: String,
        /// Index into the row's values.
        col: usize,
    },
    /// `{"section": "overview", "block": 2}` (`"section": "lead"` for the lead).
    Block {
        /// The section id, or `lead`.
        section: String,
        /// Index into the section's blocks.
        block: usize,
    },
    /// `{"field": "organ"}`: `organ`, `year`, `title`, `kind`, `format`, `lead`,
    /// `signature.organ`, `signature.date`.
    Field {
        /// The field's name.
        field: String,
    },
}

/// A report's YAML text → its Draft (what the page shows when a file is opened). Errors: the
/// located diagnostics `check` gives for a file it cannot read (exit code 2), except that a cell
/// whose value is not a number is kept as typed (the check then reports it on that cell).
pub fn draft_from_yaml(text: &str, path: Option<&Path>) -> Result<Draft, Diagnostics> {
    let rep = read::load(text, path)?;
    let format = read::format_of(&rep)?;
    Ok(read::draft_of(&rep, &format))
}

/// A Draft → the report's YAML, laid out as the template of `gongkai new`: its explanatory
/// comments, prose as block scalars, each table row on one line with its printed label.
///
/// The Draft is first made [`normalise`]d (paragraphs split at line breaks and trimmed, as the
/// loader reads them); `draft_from_yaml(draft_to_yaml(d)) == normalise(d)`, which is `d` for a
/// Draft read from a file. Refused (the diagnostics say why, without a place): a Draft whose shape
/// is not its format's, or whose YAML the loader would not read (an empty organ, a date that is
/// not a date, invisible control characters, a format that does not exist for its year) —
/// [`check_draft`] points those at their fields.
pub fn draft_to_yaml(d: &Draft) -> Result<String, Diagnostics> {
    let text = written(d)?;
    draft_from_yaml(&text, None).map_err(unplaced)?;
    Ok(text)
}

/// The YAML of a Draft of its format's shape, not yet read back.
fn written(d: &Draft) -> Result<String, Diagnostics> {
    let d = normalise(d);
    let format = format_of_draft(&d)?;
    let shape = write::shape_errors(&d, &format);
    if !shape.is_empty() {
        return Err(shape);
    }
    let extras = write::Extras {
        schema_ref: SCHEMA_REF,
        ..Default::default()
    };
    Ok(write::write(&d, &format, &extras).text)
}

/// The schema the written YAML names (as `gongkai new` names it).
const SCHEMA_REF: &str = "gongkai.schema.json";

/// Diagnostics about the generated YAML: its places mean nothing to the clerk.
fn unplaced(d: Diagnostics) -> Diagnostics {
    d.into_iter()
        .map(|x| Diagnostic {
            pos: Default::default(),
            file: None,
            ..x
        })
        .collect()
}

/// The national format a Draft names or its year implies, with the message `check` gives when
/// there is none.
fn format_of_draft(d: &Draft) -> Result<Arc<Format>, Diagnostics> {
    let found = match &d.format {
        Some(f) => format::by_id(format::id_of(f)),
        None => format::for_year(d.year),
    };
    match found {
        Some(f) => Ok(f),
        None => {
            // the loader and resolve say why, in their words
            let mut probe = format!("organ: x\nyear: {}\n", d.year);
            if let Some(f) = &d.format {
                probe.push_str(&format!("format: {}\n", write::quoted(f)));
            }
            let why = crate::report::load_str(&probe, None)
                .and_then(check::resolve)
                .err()
                .unwrap_or_else(|| vec![Diagnostic::error("format", "没有适用的报告格式")]);
            Err(unplaced(why))
        }
    }
}

/// A new report's Draft (organ, year, optionally carried over from last year's report — the same
/// carry-over as `gongkai new --from`): every section and row present, the template's
/// placeholders in the text, zeros (or last year's carried values) in the tables.
pub fn new_draft(
    organ: &str,
    year: i32,
    previous: Option<&check::Resolved>,
) -> Result<Draft, Diagnostics> {
    let d = Draft {
        organ: organ.to_string(),
        year,
        format: None,
        title: None,
        kind: None,
        lead: Vec::new(),
        sections: Vec::new(),
        signature: None,
    };
    let format = format_of_draft(&d)?;
    Ok(crate::template::draft(&format, organ, year, previous))
}

/// The form of the Draft's national format: sections in order and each table's printed grid.
pub fn form(d: &Draft) -> Result<Form, Diagnostics> {
    Ok(form::of(&*format_of_draft(d)?))
}

/// The diagnostics `gongkai check` gives (with last year's report for R5–R7 when given; not the
/// font check), each pointing at the field of the Draft it is about when there is one.
pub fn check_draft(d: &Draft, previous: Option<&check::Resolved>) -> Vec<Finding> {
    findings::check(&normalise(d), previous)
}

/// The Draft resolved (for previews and render): its YAML → load → resolve.
pub fn resolve_draft(d: &Draft) -> Result<check::Resolved, Diagnostics> {
    let text = written(d)?;
    let rep = read::load(&text, None).map_err(unplaced)?;
    check::resolve(rep).map_err(unplaced)
}
