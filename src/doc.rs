//! `Document`: the format-neutral report both backends read (PDF through `typeset`, DOCX directly).
//!
//! Guarantees, established by `compose`:
//! - every number is a formatted string, exactly as it is to be printed;
//! - headings carry their level (1 一、, 2 （一）, 3 1., 4 （1）) and their numbering is normalised to
//!   full-width brackets;
//! - tables are resolved grids: every position is a [`GridEntry::Cell`] at its top-left or a
//!   [`GridEntry::Merged`] pointing at it; spans never overlap or run past the edge;
//! - no YAML, format or rule types appear here, and no lengths: sizes and fonts come from the style.

/// The whole report, ready to lay out.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Document title (PDF/DOCX metadata and the printed title).
    pub title: String,
    /// Author metadata: the organ.
    pub author: String,
    /// The report year (metadata, headers of the notice-board copy).
    pub year: i32,
    /// Blocks in reading order; the first is the title.
    pub blocks: Vec<Block>,
}

/// The text role of a run or block; styles map each to a font and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The report title (二号 小标宋).
    Title,
    /// 一、 headings (黑体).
    Heading1,
    /// （一） headings (楷体).
    Heading2,
    /// 1. headings (仿宋).
    Heading3,
    /// （1） headings (仿宋).
    Heading4,
    /// Body text (仿宋).
    Body,
    /// Text in table cells.
    Table,
    /// Page numbers.
    PageNumber,
    /// The signature block.
    Signature,
}

impl Role {
    /// Every role, in style-file order.
    pub const ALL: [Role; 9] = [
        Role::Title,
        Role::Heading1,
        Role::Heading2,
        Role::Heading3,
        Role::Heading4,
        Role::Body,
        Role::Table,
        Role::PageNumber,
        Role::Signature,
    ];

    /// The key of the role in a style file.
    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Heading3 => "heading3",
            Role::Heading4 => "heading4",
            Role::Body => "body",
            Role::Table => "table",
            Role::PageNumber => "page_number",
            Role::Signature => "signature",
        }
    }

    /// The heading role for a level 1–4.
    pub fn heading(level: u8) -> Role {
        match level {
            1 => Role::Heading1,
            2 => Role::Heading2,
            3 => Role::Heading3,
            _ => Role::Heading4,
        }
    }
}

/// A run of text in one role.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Its role.
    pub role: Role,
    /// Its text (no line breaks).
    pub text: String,
}

/// Where a block came from, for messages (a character no font can draw names its place).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// In Chinese: `一、总体情况 第 3 段`, `表三“（七）总计”行“自然人”列`.
    pub place: String,
    /// Line in the report file, when known.
    pub line: u32,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The title, as parts that must each stay whole on a line (organ | year + 政府信息公开工作年度报告).
    Title {
        /// Parts, broken only between them.
        parts: Vec<String>,
    },
    /// A heading on its own line(s). Kept with the block after it.
    Heading {
        /// 1 一、, 2 （一）, 3 1., 4 （1）.
        level: u8,
        /// Text with its number.
        text: String,
        /// Where it came from.
        origin: Origin,
    },
    /// A body paragraph, first line indented two characters; may start with a run-in heading.
    Paragraph {
        /// Runs in order (a run-in heading run, then body).
        runs: Vec<Run>,
        /// Where it came from.
        origin: Origin,
    },
    /// A national table.
    Table(Table),
    /// The unsealed signature (GB/T 9704 7.3.5.2): organ, then date.
    Signature {
        /// 发文机关署名.
        organ: String,
        /// 成文日期, e.g. `2022年1月20日`.
        date: String,
    },
}

/// A table grid with spans resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name for messages (`表三`).
    pub name: String,
    /// Grid columns.
    pub columns: usize,
    /// Rows at the top repeated after a page break.
    pub header_rows: usize,
    /// `grid[row][col]`.
    pub grid: Vec<Vec<GridEntry>>,
}

/// A grid position.
#[derive(Debug, Clone, PartialEq)]
pub enum GridEntry {
    /// A cell's top-left position.
    Cell(Cell),
    /// Covered by the cell at (row, col).
    Merged {
        /// Row of the covering cell.
        row: usize,
        /// Column of the covering cell.
        col: usize,
    },
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Printed text (a number already formatted).
    pub text: String,
    /// Columns spanned (≥ 1).
    pub colspan: usize,
    /// Rows spanned (≥ 1).
    pub rowspan: usize,
    /// What it is: decides alignment.
    pub kind: CellKind,
    /// Where it came from (table cell name).
    pub origin: Origin,
}

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A caption row (第二十条第（一）项): left-aligned, spans the table.
    Caption,
    /// A column header: centred.
    Header,
    /// A row label: left-aligned.
    Label,
    /// A number: centred.
    Number,
}

impl Document {
    /// Every piece of text with where it came from (for glyph coverage checks).
    pub fn texts(&self) -> Vec<(Role, &str, Origin)> {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Title { parts } => {
                    for p in parts {
                        out.push((
                            Role::Title,
                            p.as_str(),
                            Origin {
                                place: "标题".into(),
                                line: 0,
                            },
                        ));
                    }
                }
                Block::Heading {
                    level,
                    text,
                    origin,
                } => out.push((Role::heading(*level), text.as_str(), origin.clone())),
                Block::Paragraph { runs, origin } => {
                    for r in runs {
                        out.push((r.role, r.text.as_str(), origin.clone()));
                    }
                }
                Block::Table(t) => {
                    for row in &t.grid {
                        for e in row {
                            if let GridEntry::Cell(c) = e {
                                out.push((Role::Table, c.text.as_str(), c.origin.clone()));
                            }
                        }
                    }
                }
                Block::Signature { organ, date } => {
                    out.push((
                        Role::Signature,
                        organ.as_str(),
                        Origin {
                            place: "落款".into(),
                            line: 0,
                        },
                    ));
                    out.push((
                        Role::Signature,
                        date.as_str(),
                        Origin {
                            place: "落款".into(),
                            line: 0,
                        },
                    ));
                }
            }
        }
        out
    }
}
