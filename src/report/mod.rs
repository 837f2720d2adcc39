//! `report`: the YAML a clerk edits → [`Report`], with every value located (file:line:col).
//!
//! This stage knows YAML and the shape of a report (organ, year, text sections, table values); it
//! does not know the national tables: which section is a table, which rows exist and what a cell
//! may hold are decided by `check` against the `format`.

pub mod node;
pub mod placeholder;
pub mod text;
mod yaml_reason;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Pos};
use node::{Key, Node, Scalar, Value};
use yaml_reason::yaml_reason;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub pos: Pos,
}

/// One annual report, as the clerk wrote it.
#[derive(Debug, Clone)]
pub struct Report {
    /// The file it was read from (for messages).
    pub path: Option<PathBuf>,
    /// `organ` — 机关名称.
    pub organ: Located<String>,
    /// `year` — 报告年度.
    pub year: Located<i32>,
    /// `format` — the national format id when it overrides the year's default.
    pub format: Option<Located<String>>,
    /// `title` — overrides "〈机关名称〉〈年度〉年政府信息公开工作年度报告".
    pub title: Option<Located<String>>,
    /// `lead` — the unnumbered paragraphs before 一、 ("本年度报告根据…").
    pub lead: Vec<Located<String>>,
    /// Every other top-level key: the sections (text or table values), in file order.
    pub sections: Vec<Section>,
    /// `signature` — 落款 (organ and date), when given.
    pub signature: Option<Signature>,
    /// `kind` — who publishes the report, for its deadline (条例第四十九条); guessed from `organ`
    /// when absent.
    pub kind: Option<Located<String>>,
    /// The YAML text it was read from (table values are read from it as written).
    pub source: std::sync::Arc<str>,
}

/// `signature:` — the unsealed signature block of GB/T 9704 7.3.5.2.
#[derive(Debug, Clone)]
pub struct Signature {
    /// `signature.organ` — 发文机关署名 (defaults to the report's organ).
    pub organ: Option<Located<String>>,
    /// `signature.date` — 成文日期.
    pub date: Located<NaiveDate>,
}

/// One top-level section key and its content.
#[derive(Debug, Clone)]
pub struct Section {
    /// The key as written (`overview`, `applications`, …).
    pub id: String,
    /// Where the key stands.
    pub pos: Pos,
    /// The content.
    pub body: SectionBody,
}

/// What a section holds, decided by its YAML shape.
#[derive(Debug, Clone)]
pub enum SectionBody {
    /// A list of paragraphs and headings (or one multi-line string).
    Text(Vec<Block>),
    /// A mapping of table rows to their values.
    Table(Vec<RowValues>),
}

/// A block of free text.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of body text.
    Para(Located<String>),
    /// A heading (（一）…, 1.…, （1）…), optionally run in with text after it in the same paragraph.
    Heading {
        /// `heading:` — the heading text with its number.
        text: Located<String>,
        /// `level:` — 2 for （一）, 3 for 1., 4 for （1）; inferred from the number when absent.
        level: Option<u8>,
        /// `text:` — body text continuing the same paragraph after the heading.
        run_in: Option<Located<String>>,
    },
}

/// The values of one table row as written: a mapping column → value, or a list in column order.
#[derive(Debug, Clone)]
pub struct RowValues {
    /// The row key as written.
    pub id: String,
    /// Where the row key stands.
    pub pos: Pos,
    /// The cells.
    pub cells: RowCells,
    /// Where the row's value starts.
    pub value_pos: Pos,
}

/// The cells of a row as written.
#[derive(Debug, Clone)]
pub enum RowCells {
    /// `{natural: 1, commercial: 0, …}`.
    Map(Vec<(Key, Node)>),
    /// `[1, 0, …]` in the printed column order.
    Seq(Vec<Node>),
    /// A single value (for rows with one value column).
    One(Node),
}

/// The top-level keys that are not sections.
pub const META_KEYS: &[&str] = &[
    "organ",
    "year",
    "format",
    "title",
    "lead",
    "signature",
    "kind",
];

/// Reads a report from a file. The `Err` side holds located errors (exit code 2).
pub fn load_file(path: &Path) -> Result<Report, Diagnostics> {
    load_bytes(&read_file(path)?, Some(path))
}

/// Reads a report file's bytes (what [`load_bytes`] takes), with the error a user understands.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Diagnostics> {
    std::fs::read(path).map_err(|e| {
        let msg = if path.is_dir() {
            "这是一个文件夹，不是报告文件".to_string()
        } else {
            format!("无法读取文件（{}）", crate::diag::io_reason(&e))
        };
        vec![Diagnostic::error("io", msg)
            .in_file(Some(path))
            .with_hint("请检查文件路径是否正确")]
    })
}

/// Largest report file accepted: far beyond any real report, small enough to stay responsive.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Reads a report from bytes (UTF-8, an optional BOM, LF or CRLF).
pub fn load_bytes(bytes: &[u8], path: Option<&Path>) -> Result<Report, Diagnostics> {
    let fail = |d: Diagnostic| vec![d.in_file(path)];
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(fail(
            Diagnostic::error(
                "too-large",
                format!(
                    "文件过大（{} 字节，上限 {} 字节），不像是一份年度报告",
                    bytes.len(),
                    MAX_INPUT_BYTES
                ),
            )
            .with_hint("请确认选择的是报告的 YAML 文件"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let upto = &bytes[..e.valid_up_to()];
            let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = String::from_utf8_lossy(
                &upto[upto.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)..],
            )
            .chars()
            .count()
                + 1;
            return Err(fail(
                Diagnostic::error("encoding", "文件不是 UTF-8 编码")
                    .at(Pos::new(line as u32, col as u32))
                    .with_hint("请在编辑器中以“UTF-8”编码另存（例如记事本“另存为”时选择 UTF-8）"),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    load_str(text, path)
}

/// Reads a report from text.
pub fn load_str(text: &str, path: Option<&Path>) -> Result<Report, Diagnostics> {
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error("empty", "文件是空的")
            .in_file(path)
            .with_hint(
                "可用“gongkai new --organ 机关名称 --year 年度”生成一份模板",
            )]);
    }
    // a key followed by "：" is the likely cause of whatever YAML says about the file
    let colons = text::fullwidth_colon_keys(text);
    let root = node::parse(text).map_err(|(pos, msg)| {
        if !colons.is_empty() {
            return colons.iter().map(|d| d.clone().in_file(path)).collect();
        }
        let (reason, hint) = yaml_reason(&msg);
        vec![
            Diagnostic::error("yaml", format!("YAML 格式错误：{reason}"))
                .at(pos)
                .in_file(path)
                .with_hint(hint),
        ]
    })?;
    let mut r = Reader {
        diags: colons,
        src: text,
    };
    let report = r.report(root, path);
    if let Some(rep) = &report {
        r.diags.extend(text::control_characters(rep));
    }
    match report {
        Some(rep) if r.diags.is_empty() => Ok(rep),
        _ => Err(r.diags.into_iter().map(|d| d.in_file(path)).collect()),
    }
}

struct Reader<'s> {
    diags: Diagnostics,
    /// The YAML text.
    src: &'s str,
}

impl Reader<'_> {
    fn err(&mut self, pos: Pos, code: &str, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(code, msg).at(pos).with_hint(hint));
    }

    fn report(&mut self, root: Node, path: Option<&Path>) -> Option<Report> {
        if root.value == Value::Scalar(Scalar::Null) {
            self.err(
                Pos::new(1, 1),
                "empty",
                "文件是空的（没有任何内容，只有注释或空行）",
                "可用“gongkai new --organ 机关名称 --year 年度”生成一份模板",
            );
            return None;
        }
        let Value::Map(entries) = root.value else {
            let what = match root.value {
                Value::Seq(_) => "以“- ”开头的列表",
                Value::Scalar(Scalar::Str(_)) => "一段文字",
                _ => "一个数值",
            };
            self.err(
                root.pos,
                "shape",
                format!("报告应由一行行“键: 值”组成（如 organ: …、year: …），而这里是{what}"),
                "请从“gongkai new”生成的模板开始填写",
            );
            return None;
        };
        let mut organ = None;
        let mut year = None;
        let mut format = None;
        let mut title = None;
        let mut lead = Vec::new();
        let mut signature = None;
        let mut kind = None;
        let mut sections = Vec::new();
        for (key, val) in entries {
            match key.name.as_str() {
                "organ" => organ = self.text(&key, &val),
                "year" => year = self.year(&key, &val),
                "format" => format = self.text(&key, &val),
                "title" => title = self.text(&key, &val),
                "lead" => lead = self.paragraphs(&key, &val),
                "signature" => signature = self.signature(&val),
                "kind" => kind = self.text(&key, &val),
                _ => {
                    if let Some(body) = self.section(&key, val) {
                        sections.push(Section {
                            id: key.name.clone(),
                            pos: key.pos,
                            body,
                        });
                    }
                }
            }
        }
        let organ = organ.or_else(|| {
            self.err(
                Pos::new(1, 1),
                "missing",
                "缺少机关名称 organ",
                "请在文件开头加一行，例如：organ: 海原县李旺镇人民政府",
            );
            None
        });
        let year = year.or_else(|| {
            self.err(
                Pos::new(1, 1),
                "missing",
                "缺少报告年度 year",
                "请加一行，例如：year: 2020",
            );
            None
        });
        Some(Report {
            path: path.map(Path::to_path_buf),
            organ: organ?,
            year: year?,
            format,
            title,
            lead,
            sections,
            signature,
            kind,
            source: std::sync::Arc::from(self.src),
        })
    }

    fn text(&mut self, key: &Key, val: &Node) -> Option<Located<String>> {
        match &val.value {
            Value::Scalar(Scalar::Str(s)) if !s.trim().is_empty() => Some(Located {
                value: s.trim().to_string(),
                pos: val.pos,
            }),
            Value::Scalar(Scalar::Int(i)) => Some(Located {
                value: i.to_string(),
                pos: val.pos,
            }),
            Value::Scalar(Scalar::Str(_) | Scalar::Null) => {
                self.err(
                    val.pos,
                    "type",
                    format!("“{}”是空的，应填写文字", key.name),
                    "请在冒号后填写内容",
                );
                None
            }
            _ => {
                self.err(
                    val.pos,
                    "type",
                    format!("“{}”应填写文字，而这里是{}", key.name, self.shown(val)),
                    "请在冒号后填写内容",
                );
                None
            }
        }
    }

    /// A value shown back as the clerk wrote it (`2021.0`, not `2021`).
    fn shown(&self, n: &Node) -> String {
        match (&n.value, n.raw(self.src)) {
            (Value::Scalar(Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_)), Some(raw)) => {
                raw.trim().to_string()
            }
            (Value::Scalar(_), _) => scalar_text(n),
            _ => n.kind_name().to_string(),
        }
    }

    /// A heading's text, refused when a `#` right after it cut it.
    fn heading_text(&mut self, key: &Key, val: &Node) -> Option<Located<String>> {
        if let Some(d) = text::cut_by_comment(val, self.src, false) {
            self.diags.push(d);
        }
        self.text(key, val)
    }

    /// A paragraph's text as printed: refused when a `#` cut it; a line break between two Chinese
    /// characters removed (not made a space).
    fn prose(&mut self, node: &Node, s: &str) -> String {
        if let Some(d) = text::cut_by_comment(node, self.src, true) {
            self.diags.push(d);
        }
        text::unfold_cjk(node, s, self.src).unwrap_or_else(|| s.to_string())
    }

    /// `- 信息处理费: 本年度…`: a paragraph a colon made a mapping.
    fn colon_key(&mut self, entries: &[(Key, Node)]) -> bool {
        let Some((k, _)) = entries.first() else {
            return false;
        };
        if k.name.is_ascii() {
            return false;
        }
        let len = k.name.chars().count();
        self.diags.push(text::colon_made_a_key(k, len));
        true
    }

    fn year(&mut self, key: &Key, val: &Node) -> Option<Located<i32>> {
        let y = match &val.value {
            Value::Scalar(Scalar::Int(i)) => Some(*i),
            Value::Scalar(Scalar::Str(s)) => {
                s.trim().trim_end_matches('年').trim().parse::<i128>().ok()
            }
            _ => None,
        };
        match y {
            Some(y) if (2008..=2100).contains(&y) && !self.shown(val).contains('.') => {
                Some(Located {
                    value: y as i32,
                    pos: val.pos,
                })
            }
            Some(y) => {
                self.err(
                    val.pos,
                    "year",
                    format!("报告年度 {y} 不合理（政府信息公开年度报告自 2008 年起编制）"),
                    "请填写四位数的统计年度，例如 year: 2020",
                );
                None
            }
            None => {
                self.err(
                    val.pos,
                    "type",
                    format!(
                        "“{}”应是四位数的年份，而这里是{}",
                        key.name,
                        self.shown(val)
                    ),
                    "例如 year: 2020",
                );
                None
            }
        }
    }

    fn paragraphs(&mut self, key: &Key, val: &Node) -> Vec<Located<String>> {
        match &val.value {
            Value::Scalar(Scalar::Str(s)) => {
                let s = self.prose(val, s);
                split_lines(&s, val.pos)
            }
            Value::Seq(items) => {
                let mut out = Vec::new();
                for it in items {
                    match &it.value {
                        Value::Scalar(Scalar::Str(s)) => {
                            let s = self.prose(it, s);
                            out.extend(split_lines(&s, it.pos))
                        }
                        Value::Map(m) if self.colon_key(m) => {}
                        _ => self.err(
                            it.pos,
                            "type",
                            format!(
                                "“{}”的每一项应是一段文字，而这里是{}",
                                key.name,
                                it.kind_name()
                            ),
                            "每段文字前加“- ”",
                        ),
                    }
                }
                out
            }
            Value::Scalar(Scalar::Null) => Vec::new(),
            _ => {
                self.err(
                    val.pos,
                    "type",
                    format!(
                        "“{}”应是一段或几段文字，而这里是{}",
                        key.name,
                        val.kind_name()
                    ),
                    "每段文字前加“- ”",
                );
                Vec::new()
            }
        }
    }

    fn signature(&mut self, val: &Node) -> Option<Signature> {
        let Value::Map(entries) = &val.value else {
            self.err(
                val.pos,
                "type",
                "落款 signature 应包含 organ（署名）和 date（成文日期）",
                "例如：\nsignature:\n  organ: 海原县李旺镇人民政府\n  date: 2021-01-20",
            );
            return None;
        };
        let mut organ = None;
        let mut date = None;
        for (k, v) in entries {
            match k.name.as_str() {
                "organ" => organ = self.text(k, v),
                "date" => {
                    let s = match &v.value {
                        Value::Scalar(Scalar::Str(s)) => s.clone(),
                        _ => String::new(),
                    };
                    match parse_date(&s) {
                        Some(d) if !(2008..=2101).contains(&d.year()) => self.err(
                            v.pos,
                            "date",
                            format!(
                                "成文日期 {} 不合理（年份应在报告年度之后不久）",
                                self.shown(v)
                            ),
                            "请写成 2021-01-20 或 2021年1月20日",
                        ),
                        Some(d) => {
                            date = Some(Located {
                                value: d,
                                pos: v.pos,
                            })
                        }
                        None => self.err(
                            v.pos,
                            "date",
                            format!("成文日期 {} 无法识别", self.shown(v)),
                            "请写成 2021-01-20 或 2021年1月20日",
                        ),
                    }
                }
                other => {
                    let hint = match did_you_mean(other, ["organ", "date"]) {
                        Some(s) => format!("您是不是要写“{s}”？"),
                        None => "落款只有 organ 和 date 两项".to_string(),
                    };
                    self.err(
                        k.pos,
                        "unknown-key",
                        format!("落款中有未知的项“{other}”"),
                        hint,
                    );
                }
            }
        }
        match date {
            Some(date) => Some(Signature { organ, date }),
            None => {
                self.err(
                    val.pos,
                    "missing",
                    "落款缺少成文日期 date",
                    "例如 date: 2021-01-20",
                );
                None
            }
        }
    }

    fn section(&mut self, key: &Key, val: Node) -> Option<SectionBody> {
        match val.value {
            Value::Scalar(Scalar::Str(ref s)) => {
                let s = self.prose(&val, s);
                Some(SectionBody::Text(
                    split_lines(&s, val.pos)
                        .into_iter()
                        .map(Block::Para)
                        .collect(),
                ))
            }
            Value::Scalar(Scalar::Null) => Some(SectionBody::Text(Vec::new())),
            Value::Seq(items) => {
                let mut blocks = Vec::new();
                for it in items {
                    self.block(key, it, &mut blocks);
                }
                Some(SectionBody::Text(blocks))
            }
            Value::Map(entries) => {
                let rows = entries
                    .into_iter()
                    .map(|(k, v)| {
                        let value_pos = v.pos;
                        let cells = match v.value {
                            Value::Map(m) => RowCells::Map(m),
                            Value::Seq(s) => RowCells::Seq(s),
                            other => RowCells::One(Node {
                                value: other,
                                pos: v.pos,
                                span: v.span,
                            }),
                        };
                        RowValues {
                            id: k.name,
                            pos: k.pos,
                            cells,
                            value_pos,
                        }
                    })
                    .collect();
                Some(SectionBody::Table(rows))
            }
            _ => {
                self.err(
                    val.pos,
                    "type",
                    format!(
                        "“{}”下应是文字段落或表格数据，而这里是{}",
                        key.name,
                        scalar_text(&val)
                    ),
                    "请对照模板填写",
                );
                None
            }
        }
    }

    fn block(&mut self, key: &Key, it: Node, out: &mut Vec<Block>) {
        match it.value {
            Value::Scalar(Scalar::Str(ref s)) => {
                let s = self.prose(&it, s);
                out.extend(split_lines(&s, it.pos).into_iter().map(Block::Para))
            }
            Value::Map(ref entries)
                if !entries.iter().any(|(k, _)| k.name == "heading") && self.colon_key(entries) => {
            }
            Value::Scalar(Scalar::Int(_) | Scalar::Float(_)) => {
                out.push(Block::Para(Located {
                    value: scalar_text(&it),
                    pos: it.pos,
                }));
            }
            Value::Map(entries) => {
                let mut heading = None;
                let mut level = None;
                let mut run_in = None;
                for (k, v) in entries {
                    match k.name.as_str() {
                        "heading" => heading = self.heading_text(&k, &v),
                        "text" => {
                            run_in = self.text(&k, &v).map(|t| Located {
                                value: self.prose(&v, &t.value).trim().to_string(),
                                pos: t.pos,
                            })
                        }
                        "level" => match &v.value {
                            Value::Scalar(Scalar::Int(l @ 2..=4)) => level = Some(*l as u8),
                            _ => self.err(
                                v.pos,
                                "type",
                                format!(
                                    "标题层级 level 应是 2、3 或 4，而这里是{}",
                                    self.shown(&v)
                                ),
                                "（一）为 2，1. 为 3，（1）为 4；通常可以不写，按编号自动判断",
                            ),
                        },
                        other => {
                            let hint = match did_you_mean(other, ["heading", "text", "level"]) {
                                Some(s) => format!("您是不是要写“{s}”？"),
                                None => "标题项只能有 heading（标题）、text（标题后的正文）和 level（层级）".to_string(),
                            };
                            self.err(
                                k.pos,
                                "unknown-key",
                                format!("“{}”中有未知的项“{other}”", key.name),
                                hint,
                            );
                        }
                    }
                }
                match heading {
                    Some(text) => out.push(Block::Heading {
                        text,
                        level,
                        run_in,
                    }),
                    None => self.err(
                        it.pos,
                        "missing",
                        "这一项缺少标题 heading",
                        "写成“- heading: （一）标题”，正文另起一项",
                    ),
                }
            }
            Value::Scalar(Scalar::Null) => {}
            _ => self.err(
                it.pos,
                "type",
                format!(
                    "“{}”中的一项应是一段文字或一个标题，而这里是{}",
                    key.name,
                    it.kind_name()
                ),
                "段落写成“- 文字”，标题写成“- heading: （一）标题”",
            ),
        }
    }
}

fn split_lines(s: &str, pos: Pos) -> Vec<Located<String>> {
    // A block scalar pasted from Word: one paragraph per non-empty line. Positions are the line
    // the scalar's text starts on (for a `|` block: the line after the indicator) plus the line
    // offset (exact for `|` blocks, approximate for quoted scalars).
    s.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Located {
            value: l.trim().to_string(),
            pos: if i == 0 {
                pos
            } else {
                Pos::new(pos.line + i as u32, pos.col)
            },
        })
        .collect()
}

/// A scalar shown back to the user for messages.
pub fn scalar_text(n: &Node) -> String {
    match &n.value {
        Value::Scalar(s) => s.display(),
        _ => n.kind_name().to_string(),
    }
}

/// Parses `2021-01-20`, `2021/1/20`, `2021.1.20` or `2021年1月20日`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<_>>>()?;
    if nums.len() != 3 {
        return None;
    }
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2])
}
