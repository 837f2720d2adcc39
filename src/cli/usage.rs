//! Printing, and clap's usage errors said in Chinese.
//!
//! Everything the program prints goes through [`say`] (stderr) or [`out`] (stdout), which drop
//! what can no longer be written: a closed pipe (`gongkai schema | head -1`) ends the output
//! quietly, and the exit code still says how the work went.

use std::io::Write;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;

/// Writes a line to stderr; a closed or broken stderr is ignored.
pub fn say(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Writes a line to stdout; a closed pipe (the reader went away) is ignored.
pub fn out(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Parses the command line. Help and version are printed (exit 0); a usage error is printed in
/// Chinese with the usage line (exit 2).
pub fn parse() -> Result<super::Cli, i32> {
    let e = match super::Cli::try_parse() {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(std::io::stdout().lock(), "{}", e.render());
            Err(0)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(std::io::stderr().lock(), "{}", e.render());
            Err(2)
        }
        _ => {
            say(chinese(&e));
            Err(2)
        }
    }
}

/// The values clap attached to an error under `kind`, as text.
fn context(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

/// The usage line of the subcommand the command line names (else of `gongkai`), without clap's
/// English "Usage:".
fn usage_line() -> String {
    let mut cmd = <super::Cli as clap::CommandFactory>::command();
    cmd.build();
    let named = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let usage = match named.and_then(|n| cmd.find_subcommand_mut(&n)) {
        Some(sub) => sub.render_usage(),
        None => cmd.render_usage(),
    }
    .to_string();
    let usage = usage.trim();
    usage
        .strip_prefix("Usage:")
        .unwrap_or(usage)
        .trim()
        .to_string()
}

/// A usage error as the clerk reads it: what is wrong, a hint, the usage line.
fn chinese(e: &clap::Error) -> String {
    let one = |kind| context(e, kind).into_iter().next().unwrap_or_default();
    let arg = one(ContextKind::InvalidArg);
    let value = one(ContextKind::InvalidValue);
    let list = |kind| {
        context(e, kind)
            .iter()
            .map(|v| format!("“{v}”"))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut hints = Vec::new();
    let message = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            hints.push("可用的命令：check、render、new、schema、fonts".to_string());
            format!("没有“{}”这个命令", one(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("参数“{arg}”后面缺少值"),
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            if !valid.is_empty() {
                hints.push(format!("可用的值：{valid}"));
            }
            format!("参数“{arg}”的值“{value}”无效")
        }
        ErrorKind::ValueValidation => {
            // our own value parsers say why in Chinese
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .filter(|w| !w.is_ascii())
                .map_or_else(String::new, |w| format!("：{w}"));
            format!("参数“{arg}”的值“{value}”无效{why}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", list(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => {
            format!("参数“{arg}”不能与{}同时使用", list(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数“{arg}”的值的个数不对")
        }
        ErrorKind::NoEquals => format!("参数“{arg}”的值要用“=”连着写，例如 {arg}=值"),
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的文字（不是有效的 UTF-8）".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let s = list(kind);
        if !s.is_empty() {
            hints.push(format!("是不是要用 {s}？"));
        }
    }
    let usage = usage_line();
    hints.push(format!("用法：{usage}"));
    let command = usage.split([' ', '[', '<']).take_while(|w| !w.is_empty());
    let command = command.collect::<Vec<_>>().join(" ");
    hints.push(format!("运行 {command} --help 查看全部说明"));
    let mut text = format!("错误：{message}");
    for h in hints {
        text.push_str("\n  提示：");
        text.push_str(&h);
    }
    text
}

/// What a clerk who started the program with no arguments (a double-click) needs to know.
const GUIDE: &str = "\
gongkai：政府信息公开工作年度报告的检查与排版（PDF 符合 GB/T 9704，另出可编辑的 Word 文档）

本程序在“命令提示符”窗口中使用：在报告所在文件夹的地址栏输入 cmd 并回车，然后输入命令，例如：

  gongkai edit                                  在浏览器中填写本文件夹中的报告（边填边检查、预览，可生成 PDF 和 Word）
  gongkai new --organ 某县某局 --year 2025      生成待填写的报告模板（每一栏都有中文说明）
  gongkai check 某县某局-2025.yaml              检查数字（勾稽关系）和结构
  gongkai render 某县某局-2025.yaml             生成 PDF 和 Word 文档，放在报告旁边
  gongkai fonts                                 查看各类文字使用的字体
  gongkai --help                                全部命令和选项

详细说明见同一文件夹中的“使用说明.txt”。";

/// Prints [`GUIDE`]; with `wait`, then waits for Enter (or the end of input), so that a console
/// window opened by a double-click stays until the clerk has read it.
pub fn guide(wait: bool) {
    out(format_args!("{GUIDE}"));
    if wait {
        out(format_args!("\n按回车键关闭本窗口……"));
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}
