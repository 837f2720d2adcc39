//! A [`Draft`] → the report's YAML, laid out as `gongkai new` lays out its template (the same
//! writer writes both): the explanatory comments, prose as `- |` block scalars, each table row on
//! one line with the row's printed label as a comment. While writing it records which line (and,
//! in a table row, which column) holds which field of the Draft, so that a diagnostic about the
//! YAML can be pointed back at the field.

use std::collections::{BTreeMap, BTreeSet};

use super::{Block, Draft, Section, Signature, Target};
use crate::check::Resolved;
use crate::diag::{Diagnostic, Diagnostics};
use crate::format::{self, Format, Table};
use crate::report::node::{self, Scalar, Value};

/// What the template adds to a Draft's YAML.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    /// Path written into the `$schema` comment.
    pub schema_ref: &'a str,
    /// Last year's report: its problems are listed as comments under `problems`.
    pub previous: Option<&'a Resolved>,
    /// The cells carried over from last year, noted after their row.
    pub carried: BTreeSet<(String, String, String)>,
}

/// The YAML text and where each field of the Draft stands in it.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// The YAML.
    pub text: String,
    /// 1-based line → the field written on it.
    pub lines: BTreeMap<u32, Target>,
    /// (line, 1-based character column) of a table value → its cell.
    pub cells: BTreeMap<(u32, u32), Target>,
    /// 1-based line → the id of the table section whose key stands on it.
    pub tables: BTreeMap<u32, String>,
}

struct Out {
    w: Written,
    line: u32,
}

impl Out {
    /// Appends one line (without its line break), marking it as holding `target`.
    fn line(&mut self, text: &str, target: Option<Target>) {
        self.line += 1;
        if let Some(t) = target {
            self.w.lines.insert(self.line, t);
        }
        self.w.text.push_str(text);
        self.w.text.push('\n');
    }
}

/// The Draft as the loader will read it back: paragraphs split at line breaks and trimmed, empty
/// ones dropped; single-line fields trimmed, empty optional ones left out; a heading's empty
/// run-in text left out. `draft_from_yaml(draft_to_yaml(d)) == normalise(d)`.
pub fn normalise(d: &Draft) -> Draft {
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let blocks = |bs: &[Block]| {
        let mut out = Vec::new();
        for b in bs {
            match b {
                Block::Para { para } => out.extend(
                    para.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| Block::Para {
                            para: l.to_string(),
                        }),
                ),
                Block::Heading {
                    heading,
                    level,
                    text,
                } => out.push(Block::Heading {
                    heading: heading.trim().to_string(),
                    level: *level,
                    text: opt(text),
                }),
            }
        }
        out
    };
    Draft {
        organ: d.organ.trim().to_string(),
        year: d.year,
        format: opt(&d.format),
        title: opt(&d.title),
        kind: opt(&d.kind),
        lead: blocks(&d.lead),
        sections: d
            .sections
            .iter()
            .map(|s| match s {
                Section::Text { id, blocks: b } => Section::Text {
                    id: id.clone(),
                    blocks: blocks(b),
                },
                t => t.clone(),
            })
            .collect(),
        signature: d.signature.as_ref().map(|s| Signature {
            organ: opt(&s.organ),
            date: match crate::report::parse_date(&s.date) {
                Some(date) => date.format("%Y-%m-%d").to_string(),
                None => s.date.trim().to_string(),
            },
        }),
    }
}

/// What in a Draft cannot be written as a report of `format`: sections or rows the format has
/// not, rows with the wrong number of values, headings in the lead.
pub(crate) fn shape_errors(d: &Draft, format: &Format) -> Diagnostics {
    placed_shape_errors(d, format)
        .into_iter()
        .map(|(d, _)| d)
        .collect()
}

/// [`shape_errors`], each with the field it is about when there is one.
pub(crate) fn placed_shape_errors(d: &Draft, format: &Format) -> Vec<(Diagnostic, Option<Target>)> {
    let mut out = Vec::new();
    let err = |msg: String, hint: &str| (Diagnostic::error("shape", msg).with_hint(hint), None);
    for (i, b) in d.lead.iter().enumerate() {
        if matches!(b, Block::Heading { .. }) {
            let (e, _) = err(
                "导语中只能有段落，不能有小标题".into(),
                "把小标题移到“一、总体情况”等部分中，或改成段落",
            );
            out.push((
                e,
                Some(Target::Block {
                    section: "lead".into(),
                    block: i,
                }),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for s in &d.sections {
        if !seen.insert(s.id()) {
            out.push(err(format!("“{}”部分出现了两次", s.id()), "每部分只写一次"));
        }
        let Some(def) = format.section(s.id()) else {
            out.push(err(
                format!("{}没有“{}”这一部分", format_name(format), s.id()),
                "只能填写国家格式中的各部分",
            ));
            continue;
        };
        match (s, &def.table) {
            (Section::Text { .. }, None) => {}
            (Section::Table { rows, .. }, Some(tid)) => {
                let table = format.table(tid).expect("validated format");
                for (rid, vals) in rows {
                    let n = table.row_columns(rid).len();
                    if table.row(rid).is_none() {
                        out.push(err(
                            format!("{}中没有“{rid}”这一行", table.def.name),
                            "只能填写国家格式中的各行",
                        ));
                    } else if vals.len() != n {
                        let (e, _) = err(
                            format!(
                                "{}“{}”行应有 {n} 个数，这里有 {} 个",
                                table.def.name,
                                table.row(rid).map_or("", |r| r.name.as_str()),
                                vals.len()
                            ),
                            "按表中从左到右的顺序填写",
                        );
                        out.push((
                            e,
                            Some(Target::Cell {
                                section: s.id().to_string(),
                                row: rid.clone(),
                                col: 0,
                            }),
                        ));
                    }
                }
            }
            (_, Some(_)) => out.push(err(
                format!("“{}”（{}）应是表格", s.id(), def.heading),
                "请按表格填写",
            )),
            (_, None) => out.push(err(
                format!("“{}”（{}）应是文字段落", s.id(), def.heading),
                "请填写文字段落",
            )),
        }
    }
    out
}

/// How messages name a format.
pub(crate) fn format_name(f: &Format) -> String {
    format!("{} 年版国家格式", f.id)
}

/// Writes `d` (assumed normal and of `format`'s shape) as a report file.
pub(crate) fn write(d: &Draft, format: &Format, extras: &Extras) -> Written {
    let mut o = Out {
        w: Written::default(),
        line: 0,
    };
    let y = d.year;
    let field = |f: &str| {
        Some(Target::Field {
            field: f.to_string(),
        })
    };
    o.line(
        &format!("# yaml-language-server: $schema={}", extras.schema_ref),
        None,
    );
    o.line(
        "# （编辑器补全与检查：在本文件所在文件夹运行 gongkai schema > gongkai.schema.json）",
        None,
    );
    o.line(
        &format!(
            "# {}{}年政府信息公开工作年度报告（{}，{}）",
            one_line(&d.organ),
            y,
            format.name,
            format.issued_by
        ),
        None,
    );
    for l in [
        "# 填写说明：“#”开头的行是说明，不会印出来。",
        "# 每段文字写在“- |”的下一行，缩进四格，一段写成一行（不要折行）；这样写，文字中的 # 和 : 都照原样印出。",
        "# 小标题写成“- heading: （一）标题”；小标题后紧接正文时再加一行“text: 正文”。",
        "# 括号中的（请填写）（网站名称）等是要换成实际内容的地方，不换则检查不通过。",
        "# 表格没有发生的事项填 0；总计由程序算出，不必填写。",
        "# 填好后运行：gongkai check 本文件   通过后运行：gongkai render 本文件",
        "",
    ] {
        o.line(l, None);
    }
    o.line(
        &format!(
            "organ: {}          # 机关名称（标题和落款用）",
            scalar(&d.organ)
        ),
        field("organ"),
    );
    o.line(
        &format!("year: {y}                            # 报告年度（统计年度）"),
        field("year"),
    );
    if let Some(f) = &d.format {
        let l = format!("format: {}", quoted(f));
        o.line(
            &format!("{l}{}# 国家格式（不写则按年度选择）", pad(l.len(), 38)),
            field("format"),
        );
    }
    if let Some(t) = &d.title {
        o.line(
            &format!(
                "title: {}          # 标题（不写则为“机关名称＋年度＋年政府信息公开工作年度报告”）",
                scalar(t)
            ),
            field("title"),
        );
    }
    o.line("", None);
    o.line(
        "lead:                                 # 导语：标题下、“一、总体情况”前的说明段落（可删去）",
        field("lead"),
    );
    blocks(&mut o, "lead", &d.lead);
    o.line("", None);
    for s in &format.sections {
        let given = d.sections.iter().find(|x| x.id() == s.id);
        let here = Some(Target::Block {
            section: s.id.clone(),
            block: 0,
        });
        match &s.table {
            None => {
                o.line(
                    &format!("{}:{}# {}", s.id, pad(s.id.len() + 1, 38), s.heading),
                    here,
                );
                if let Some(w) = &s.what {
                    o.line(&format!("  # 应写：{w}"), None);
                }
                if s.id == "problems" {
                    if let Some(p) = extras.previous {
                        previous_problems(&mut o, p);
                    }
                }
                if let Some(Section::Text { blocks: b, .. }) = given {
                    blocks(&mut o, &s.id, b);
                }
                o.line("", None);
            }
            Some(tid) => {
                let t = format.table(tid).expect("validated format");
                o.w.tables.insert(o.line + 1, s.id.clone());
                o.line(
                    &format!(
                        "{}:{}# {}（{}）",
                        s.id,
                        pad(s.id.len() + 1, 38),
                        s.heading,
                        t.def.name
                    ),
                    None,
                );
                let empty = BTreeMap::new();
                let rows = match given {
                    Some(Section::Table { rows, .. }) => rows,
                    _ => &empty,
                };
                table_rows(&mut o, format, &s.id, t, rows, &extras.carried);
                o.line("", None);
            }
        }
    }
    match &d.signature {
        Some(sig) => {
            o.line(
                "signature:                            # 落款（可不写）",
                field("signature.date"),
            );
            if let Some(org) = &sig.organ {
                o.line(
                    &format!("  organ: {}          # 署名", scalar(org)),
                    field("signature.organ"),
                );
            }
            o.line(
                &format!("  date: {}          # 成文日期", scalar(&sig.date)),
                field("signature.date"),
            );
        }
        None => {
            o.line(
                "# signature:                          # 落款（可不写）",
                None,
            );
            o.line(&format!("#   organ: {}", one_line(&d.organ)), None);
            o.line(&format!("#   date: {}-01-20", y + 1), None);
        }
    }
    let kind_note = "# 公布期限（条例第四十九条）按机关类别：部门、乡镇 1月31日前，";
    match &d.kind {
        Some(k) => {
            let l = format!("kind: {}", scalar(k));
            o.line(
                &format!("{l}{}{kind_note}", pad(l.len(), 38)),
                field("kind"),
            );
        }
        None => o.line(
            &format!("# kind: 部门                          {kind_note}"),
            None,
        ),
    }
    o.line(
        "#                                     # 政府（本级人民政府的年度报告）3月31日前；不写则按机关名称判断",
        None,
    );
    o.w
}

/// Text for a comment: on one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn previous_problems(o: &mut Out, p: &Resolved) {
    o.line(
        &format!(
            "  # 上年度（{}）报告所列问题和改进措施，请写明落实情况：",
            p.report.year.value
        ),
        None,
    );
    for b in p.text("problems") {
        let t = match b {
            crate::report::Block::Para(p) => p.value.clone(),
            crate::report::Block::Heading { text, run_in, .. } => format!(
                "{}{}",
                text.value,
                run_in.as_ref().map_or("", |r| r.value.as_str())
            ),
        };
        o.line(&format!("  #   {}", one_line(&t)), None);
    }
}

/// The blocks of a text section (or the lead): paragraphs as `- |` blocks, headings as
/// `- heading:` items.
fn blocks(o: &mut Out, section: &str, bs: &[Block]) {
    for (i, b) in bs.iter().enumerate() {
        let here = || {
            Some(Target::Block {
                section: section.to_string(),
                block: i,
            })
        };
        match b {
            Block::Para { para } => prose(o, "  - ", "    ", para, here()),
            Block::Heading {
                heading,
                level,
                text,
            } => {
                o.line(&format!("  - heading: {}", scalar(heading)), here());
                if let Some(l) = level {
                    o.line(&format!("    level: {l}"), here());
                }
                if let Some(t) = text {
                    prose(o, "    text: ", "      ", t, here());
                }
            }
        }
    }
}

/// One paragraph after `lead` (`  - ` or `    text: `): a `|` block when every character may stand
/// in one, else a double-quoted scalar with escapes.
fn prose(o: &mut Out, lead: &str, indent: &str, text: &str, target: Option<Target>) {
    if text.chars().all(block_safe) && !text.contains(['\n', '\r']) {
        o.line(&format!("{lead}|"), target.clone());
        o.line(&format!("{indent}{text}"), target);
    } else {
        o.line(&format!("{lead}{}", quoted(text)), target);
    }
}

/// A character that a literal block scalar holds as it is (YAML's printable set, no line breaks,
/// no byte-order mark).
fn block_safe(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// A one-line YAML scalar for text: plain when the loader reads it back as exactly this text (and
/// no `：` after it could be taken for a key's), double-quoted otherwise.
pub(crate) fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && s.chars().all(block_safe)
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c) || c.is_whitespace())
        && !s.ends_with(|c: char| c.is_whitespace() || c == ':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains('\t')
        && reads_back_plain(s);
    if plain_ok {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Whether `k: s  # c` reads back as the text `s`.
fn reads_back_plain(s: &str) -> bool {
    match node::parse(&format!("k: {s}  # c\n")) {
        Ok(n) => match n.value {
            Value::Map(m) => {
                m.len() == 1 && m[0].1.value == Value::Scalar(Scalar::Str(s.to_string()))
            }
            _ => false,
        },
        Err(_) => false,
    }
}

/// A double-quoted YAML scalar: `\`, `"` and every character a block could not hold escaped.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if !block_safe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A table value as written: plain when it is a plain number, `~` when not filled, quoted text
/// otherwise (the check then says what is wrong with it).
fn value(v: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = v.strip_prefix('-').unwrap_or(v);
    let number = match unsigned.split_once('.') {
        Some((w, f)) => digits(w) && digits(f),
        None => digits(unsigned),
    };
    if v.is_empty() {
        "~".to_string()
    } else if number {
        v.to_string()
    } else {
        quoted(v)
    }
}

fn pad(used: usize, to: usize) -> String {
    " ".repeat(to.saturating_sub(used).max(1))
}

/// A row's value pieces as they go on its line: text, and the column index it holds (if any).
type Pieces = Vec<(String, Option<usize>)>;

/// The rows of one table, one line each, as the template writes them; `rows` the Draft's values
/// (a row absent: the template's zeros, carried values where `carried` has them).
fn table_rows(
    o: &mut Out,
    format: &Format,
    section: &str,
    t: &Table,
    rows: &BTreeMap<String, Vec<String>>,
    carried: &BTreeSet<(String, String, String)>,
) {
    let computable = crate::check::computable_cells(format);
    let is_total =
        |r: &str, c: &str| computable.contains(&(t.def.id.clone(), r.to_string(), c.to_string()));
    let width = t.def.rows.iter().map(|r| r.id.len()).max().unwrap_or(0) + 1;
    let cols_of = |r: &str| {
        t.row_columns(r)
            .into_iter()
            .filter(|c| !is_total(r, &c.id))
            .collect::<Vec<_>>()
    };
    let filled: Vec<_> = t
        .def
        .rows
        .iter()
        .filter(|r| !cols_of(&r.id).is_empty())
        .collect();
    let uniform = filled.windows(2).all(|w| {
        cols_of(&w[0].id).iter().map(|c| &c.id).collect::<Vec<_>>()
            == cols_of(&w[1].id).iter().map(|c| &c.id).collect::<Vec<_>>()
    });
    if uniform {
        let names: Vec<&str> = filled
            .first()
            .map(|r| cols_of(&r.id))
            .unwrap_or_default()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        o.line(
            &format!(
                "  # 每行 {} 个数，依次为：{}（总计由程序算出）",
                names.len(),
                names.join(", ")
            ),
            None,
        );
    }
    let mut last_caption = String::new();
    for r in &t.def.rows {
        if let Some(cap) = caption_above(t, &r.id) {
            if cap != last_caption {
                let cols: Vec<&str> = cols_of(&r.id).iter().map(|c| c.name.as_str()).collect();
                o.line(&format!("  # {cap}：{}", cols.join(" / ")), None);
                last_caption = cap;
            }
        }
        let all = t.row_columns(&r.id);
        let vals: Vec<&str> = match rows.get(&r.id) {
            Some(v) => v.iter().map(String::as_str).collect(),
            None => vec![""; all.len()],
        };
        let here = |col: usize| {
            Some(Target::Cell {
                section: section.to_string(),
                row: r.id.clone(),
                col,
            })
        };
        if vals.iter().all(|v| v.is_empty()) {
            let why = if cols_of(&r.id).is_empty() {
                "由程序按各项之和算出，不必填写"
            } else {
                "未填写"
            };
            o.line(&format!("  # {}：{}——{why}", r.id, r.name), here(0));
            continue;
        }
        // the pieces of the row's value: every column, a 总计 left empty left out
        let keep = |i: usize| !(vals[i].is_empty() && is_total(&r.id, &all[i].id));
        let mut pieces: Pieces = Vec::new();
        if all.len() == 1 && !uniform {
            pieces.push((value(vals[0]), Some(0)));
        } else if uniform {
            let last_kept = (0..all.len()).rev().find(|&i| keep(i)).unwrap_or(0);
            pieces.push(("[".into(), None));
            for (i, v) in vals.iter().enumerate().take(last_kept + 1) {
                if i > 0 {
                    pieces.push((", ".into(), None));
                }
                pieces.push((value(v), Some(i)));
            }
            pieces.push(("]".into(), None));
        } else {
            pieces.push(("{".into(), None));
            let mut first = true;
            for i in (0..all.len()).filter(|&i| keep(i)) {
                if !first {
                    pieces.push((", ".into(), None));
                }
                first = false;
                pieces.push((format!("{}: ", all[i].id), None));
                pieces.push((value(vals[i]), Some(i)));
            }
            pieces.push(("}".into(), None));
        }
        let mut line = format!("  {}:{}", r.id, " ".repeat(width - r.id.len() + 1));
        for (text, col) in pieces {
            if let Some(c) = col {
                let at = line.chars().count() as u32 + 1;
                o.w.cells.insert((o.line + 1, at), here(c).expect("a cell"));
            }
            line.push_str(&text);
        }
        let note = if all
            .iter()
            .any(|c| carried.contains(&(t.def.id.clone(), r.id.clone(), c.id.clone())))
        {
            "（已从上年报告带入）"
        } else {
            ""
        };
        let full = format!(
            "{}{}# {}{}",
            line,
            pad(line.chars().count(), 46),
            r.name,
            note
        );
        o.line(&full, here(0));
    }
}

fn caption_above(t: &Table, row: &str) -> Option<String> {
    let v = t.values.iter().find(|v| v.row == row)?;
    (0..v.grid_row).rev().find_map(|gr| match &t.grid[gr][0] {
        format::Entry::Cell(c) if c.role == format::CellRole::Caption => match &c.content {
            format::CellContent::Text(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    })
}
