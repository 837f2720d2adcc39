//! `verify`: a published PDF's tables read back and checked with the same rules as `check`, each
//! finding located by page, row and column as printed; and its layout measured against GB/T 9704.

use std::path::Path;

use super::yaml::{self, Source, Written};
use super::{layout, Read};
use crate::diag::{Diagnostic, Severity};

/// One finding of `verify`, located in the PDF.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The rule (`R1`…, `R11`) or layout check (`L01`…) or `read`.
    pub code: String,
    /// 1-based page, when known.
    pub page: Option<usize>,
    /// The cell as the format names it (`表三“（七）总计”行“总计”列`), for table findings.
    pub cell: Option<String>,
    /// The number printed there.
    pub printed: Option<String>,
    /// Position on the page in mm from the top-left corner (x, y), when known.
    pub at_mm: Option<(f64, f64)>,
    /// The fact, in Chinese.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl Finding {
    /// `第 4 页：错误：message（表三“…”行“…”列，印为 3050）` and the hint on its own line.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if let Some(p) = self.page {
            s.push_str(&format!("第 {p} 页："));
        }
        s.push_str(self.severity.label());
        s.push('：');
        s.push_str(&self.message);
        if let Some(c) = &self.cell {
            s.push_str(&format!("（{c}"));
            if let Some(v) = &self.printed {
                s.push_str(&format!("，印为 {v}"));
            }
            s.push('）');
        }
        if let Some(h) = &self.hint {
            s.push_str("\n  提示：");
            s.push_str(h);
        }
        s
    }
}

/// What `verify` found in one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verified {
    /// Every finding: table rules first (in rule order), then layout.
    pub findings: Vec<Finding>,
    /// Numbers read from the tables.
    pub numbers: usize,
    /// Layout checks made and how many failed: (made, failed).
    pub layout: (usize, usize),
    /// Each layout check's verdict: (code, the independent checker's name for it, verdict).
    pub checks: Vec<(String, String, layout::Verdict)>,
    /// 0 clean (warnings allowed), 1 findings that are errors, 2 unreadable.
    pub exit_code: i32,
}

/// Verifies a PDF file.
pub fn verify_file(path: &Path) -> Verified {
    match super::read_file(path) {
        Ok(read) => verify(&read, &path.display().to_string()),
        Err(d) => Verified {
            findings: vec![Finding {
                severity: Severity::Error,
                code: d.code.clone(),
                page: None,
                cell: None,
                printed: None,
                at_mm: None,
                message: d.message.clone(),
                hint: d.hint.clone(),
            }],
            numbers: 0,
            layout: (0, 0),
            checks: Vec::new(),
            exit_code: 2,
        },
    }
}

/// Verifies what was read from a PDF: the tables' rules, then the layout.
pub fn verify(read: &Read, name: &str) -> Verified {
    let written = yaml::write(&read.report, name);
    let mut findings = table_findings(read, &written);
    let paged = !read.text.pages.is_empty();
    if !paged {
        // a DOCX: Word lays out its pages, so findings name the cell without a page
        for f in &mut findings {
            f.page = None;
            f.at_mm = None;
        }
    }
    let layout = if paged {
        layout::check(&read.text, &read.pages)
    } else {
        Vec::new()
    };
    let made = layout.len();
    let failed = layout
        .iter()
        .filter(|c| c.verdict == layout::Verdict::Fail)
        .count();
    let checks = layout
        .iter()
        .map(|c| (c.code.to_string(), c.name.to_string(), c.verdict))
        .collect();
    for c in layout {
        findings.extend(c.findings);
    }
    let exit_code = i32::from(findings.iter().any(|f| f.severity == Severity::Error));
    Verified {
        findings,
        numbers: read.report.tables.iter().map(|t| t.cells.len()).sum(),
        layout: (made, failed),
        checks,
        exit_code,
    }
}

fn finding(d: &Diagnostic) -> Finding {
    Finding {
        severity: d.severity,
        code: d.code.clone(),
        page: None,
        cell: None,
        printed: None,
        at_mm: None,
        message: d.message.clone(),
        hint: d.hint.clone(),
    }
}

const MM: f64 = 25.4 / 72.0;

/// The report YAML loaded and checked as `check` does; each finding moved from its YAML position
/// to the cell (or row, or section) it was read from.
fn table_findings(read: &Read, written: &Written) -> Vec<Finding> {
    let report = &read.report;
    let mut out: Vec<Finding> = Vec::new();
    for t in &report.tables {
        let name = report
            .format
            .table(&t.id)
            .map_or(t.id.clone(), |x| x.def.name.clone());
        if !t.found {
            out.push(Finding {
                code: "read".into(),
                message: format!("没有找到{name}"),
                hint: Some(
                    "表格所在部分的标题（如“三、收到和处理政府信息公开申请情况”）应与国家格式一致"
                        .into(),
                ),
                ..finding(&Diagnostic::error("read", ""))
            });
        }
        for (page, y, nums) in &t.stray {
            out.push(Finding {
                code: "read".into(),
                page: Some(*page),
                at_mm: None,
                message: format!("{name}中有一行数字（{nums}）不能对应到国家格式的行"),
                hint: Some(format!(
                    "请核对这一行（距页面上边缘 {:.0} mm）的行名是否与国家格式一致",
                    y * MM
                )),
                ..finding(&Diagnostic::warning("read", ""))
            });
        }
    }
    let missing: Vec<&str> = report
        .sections
        .iter()
        .filter(|s| s.page.is_none())
        .map(|s| s.id.as_str())
        .collect();
    for (def, s) in report.format.sections.iter().zip(&report.sections) {
        if s.page.is_none() && def.table.is_none() {
            out.push(Finding {
                code: "read".into(),
                message: format!("没有找到“{}”部分", def.heading),
                hint: Some("六个部分的标题应与国家格式一致，各占一行".into()),
                ..finding(&Diagnostic::error("read", ""))
            });
        }
    }
    let loaded = crate::report::load_str(&written.text, None).and_then(crate::check::resolve);
    let diags = match loaded {
        Ok(res) => crate::check::run(&res, None),
        Err(d) => d,
    };
    for d in diags {
        let mut f = finding(&d);
        let src = written
            .sources
            .get(&d.pos)
            .or_else(|| written.sources.range(..=d.pos).next_back().map(|(_, s)| s));
        match src {
            Some(Source::Cell(tid, i)) => {
                if let (Some(c), Some(table)) = (
                    report
                        .tables
                        .iter()
                        .find(|t| &t.id == tid)
                        .and_then(|t| t.cells.get(*i)),
                    report.format.table(tid),
                ) {
                    f.page = Some(c.page);
                    f.cell = Some(table.cell_name(&c.row, &c.column));
                    f.printed = Some(c.text.clone());
                    f.at_mm = Some((
                        (c.x * MM * 10.0).round() / 10.0,
                        (c.y * MM * 10.0).round() / 10.0,
                    ));
                }
            }
            Some(Source::Row(tid, row)) => {
                f.page = report
                    .tables
                    .iter()
                    .find(|t| &t.id == tid)
                    .and_then(|t| t.cells.iter().find(|c| &c.row == row).map(|c| c.page));
            }
            Some(Source::Section(id)) if missing.contains(&id.as_str()) => continue,
            Some(Source::Section(id)) => {
                f.page = report
                    .sections
                    .iter()
                    .find(|s| &s.id == id)
                    .and_then(|s| s.page);
            }
            None => {}
        }
        out.push(f);
    }
    out
}
