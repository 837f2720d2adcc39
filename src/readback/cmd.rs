//! The `verify` and `import` subcommands: what they print and their exit codes (the CLI only
//! parses the arguments and calls these).

use std::path::{Path, PathBuf};

use super::verify::{self, Verified};
use crate::diag::Severity;

/// The files to verify: each file given, and the PDF and DOCX files in each folder given (sorted;
/// Windows' command prompt does not expand `*.pdf`).
fn collect(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(i)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            v.retain(|p| {
                p.is_file()
                    && p.extension().is_some_and(|e| {
                        e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("docx")
                    })
            });
            v.sort();
            out.extend(v);
        } else {
            out.push(i.clone());
        }
    }
    out
}

/// `gongkai verify FILE.pdf|FILE.docx|DIR…`: prints each file's findings (text on stderr, or
/// JSON on stdout) and, for several files, a summary table; returns the worst exit code.
pub fn verify_cmd(inputs: &[PathBuf], json: bool) -> i32 {
    let files = collect(inputs);
    if files.is_empty() {
        eprintln!("错误：没有找到 PDF 或 DOCX 文件\n  提示：请指定报告的 PDF、DOCX 文件，或包含它们的文件夹");
        return 2;
    }
    let results: Vec<(&PathBuf, Verified)> =
        files.iter().map(|f| (f, verify::verify_file(f))).collect();
    if json {
        let all: Vec<_> = results
            .iter()
            .map(|(f, v)| {
                serde_json::json!({
                    "file": f.display().to_string(),
                    "exit_code": v.exit_code,
                    "numbers": v.numbers,
                    "layout_checks": v.layout.0,
                    "layout_failed": v.layout.1,
                    "layout": v.checks.iter().map(|(code, name, verdict)| serde_json::json!({
                        "code": code, "check": name, "result": verdict,
                    })).collect::<Vec<_>>(),
                    "findings": v.findings,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    } else {
        for (f, v) in &results {
            for x in &v.findings {
                eprintln!("{}: {}", f.display(), x.render());
            }
            eprintln!("{}：{}", f.display(), verdict(v));
        }
        if results.len() > 1 {
            eprintln!("\n{}", summary(&results));
        }
    }
    results.iter().map(|(_, v)| v.exit_code).max().unwrap_or(0)
}

fn counts(v: &Verified, layout: bool) -> (usize, usize) {
    let is_layout = |c: &str| c.starts_with('L');
    let of = |s: Severity| {
        v.findings
            .iter()
            .filter(|f| f.severity == s && is_layout(&f.code) == layout)
            .count()
    };
    (of(Severity::Error), of(Severity::Warning))
}

fn verdict(v: &Verified) -> String {
    if v.exit_code == 2 {
        return "无法读取，请按上面的提示处理".into();
    }
    let (te, tw) = counts(v, false);
    let table = match (te, tw) {
        (0, 0) => format!("表格 {} 个数字，勾稽关系无误", v.numbers),
        (0, w) => format!("表格 {} 个数字，勾稽关系无误，{w} 条警告请核对", v.numbers),
        (e, w) => format!("表格 {} 个数字，{e} 处错误、{w} 条警告", v.numbers),
    };
    let layout = if v.layout.0 == 0 {
        String::new()
    } else {
        format!(
            "；版式 {} 项检查，{} 项通过",
            v.layout.0,
            v.layout.0 - v.layout.1
        )
    };
    format!("{table}{layout}")
}

/// The batch table: one line per file.
fn summary(results: &[(&PathBuf, Verified)]) -> String {
    let mut s = String::from("文件\t数字\t表格错误\t版式未通过\t结论\n");
    for (f, v) in results {
        let (te, _) = counts(v, false);
        let conclusion = match v.exit_code {
            0 => "通过",
            1 => "未通过",
            _ => "无法读取",
        };
        s.push_str(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            f.display(),
            v.numbers,
            te,
            v.layout.1,
            v.layout.0,
            conclusion
        ));
    }
    let passed = results.iter().filter(|(_, v)| v.exit_code == 0).count();
    s.push_str(&format!(
        "共 {} 份：{} 份通过，{} 份未通过或无法读取",
        results.len(),
        passed,
        results.len() - passed
    ));
    s
}

/// `gongkai import FILE.pdf -o report.yaml`: writes the report YAML (never over an existing file
/// without `force`), lists what the clerk must check, and checks the result as `check` does.
pub fn import_cmd(file: &Path, out: Option<PathBuf>, force: bool) -> i32 {
    let read = match super::read_file(file) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("{}", d.render());
            return 2;
        }
    };
    let out = out.unwrap_or_else(|| file.with_extension("yaml"));
    if out.exists() && !force {
        eprintln!(
            "{}: 错误：文件已存在，没有覆盖\n  提示：换一个文件名（-o），或加 --force 覆盖",
            out.display()
        );
        return 2;
    }
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let written = super::yaml::write(&read.report, &name);
    if let Err(d) = crate::render::write_atomic(&out, written.text.as_bytes()) {
        for x in d {
            eprintln!("{}", x.render());
        }
        return 2;
    }
    let numbers: usize = read.report.tables.iter().map(|t| t.cells.len()).sum();
    eprintln!(
        "已生成 {}（{} 年版国家格式，表格 {numbers} 个数字）",
        out.display(),
        read.report.format.id
    );
    if !written.doubts.is_empty() {
        eprintln!(
            "以下内容未能确定，已在文件中标为“{}”，请对照原文核对：",
            super::yaml::DOUBT
        );
        for d in &written.doubts {
            eprintln!("  {d}");
        }
    }
    let outcome = crate::check_file(&out, None);
    for d in &outcome.diagnostics {
        eprintln!("{}", d.render());
    }
    match outcome.exit_code {
        0 => eprintln!("{}：检查通过", out.display()),
        _ => eprintln!(
            "{}：未通过检查（见上）；改正后运行 gongkai check {}",
            out.display(),
            out.display()
        ),
    }
    outcome.exit_code
}
