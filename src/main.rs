//! The `gongkai` command: parse arguments, call the library, print diagnostics, exit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 政府信息公开工作年度报告：检查数字（勾稽关系），排出符合 GB/T 9704 的 PDF 和可编辑的 DOCX。
#[derive(Parser)]
#[command(name = "gongkai", version, about, long_about = None, after_help = "退出码：0 成功（可有警告）；1 报告未通过检查；2 输入无法读取或有误、用法错误")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查报告中的数字和结构（勾稽关系）
    Check {
        /// 报告文件（YAML）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 上一年度的报告，用于核对跨年度数字（上年结转等）
        #[arg(long, value_name = "LAST.yaml")]
        previous: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, previous } => {
            let mut worst = 0;
            for f in &files {
                let out = gongkai::check_file(f, previous.as_deref());
                for d in &out.diagnostics {
                    eprintln!("{}", d.render());
                }
                if out.diagnostics.is_empty() {
                    eprintln!("{}：检查通过", f.display());
                }
                worst = worst.max(out.exit_code);
            }
            ExitCode::from(worst as u8)
        }
    }
}
