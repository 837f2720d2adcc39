//! Command-line arguments (clap) and one handler per subcommand; all work is done by the library.

/// Like `eprintln!`, through [`say`]: a closed stderr is ignored, never a panic.
macro_rules! sayln {
    ($($t:tt)*) => {
        $crate::cli::say(format_args!($($t)*))
    };
}

/// Like `println!`, through [`out`]: a closed pipe is ignored, never a panic.
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::cli::out(format_args!($($t)*))
    };
}

mod edit;
mod render;
mod usage;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use gongkai::diag::Diagnostic;
use gongkai::Formats;

pub use edit::double_click;
pub use usage::{guide, out, parse, say};

const EXIT_HELP: &str = "退出码：0 成功（可有警告）；1 报告未通过检查（勾稽关系等，用 --force 生成时也是 1）；2 输入无法读取或有误、用法错误、写文件失败";

/// 政府信息公开工作年度报告：检查数字（勾稽关系），排出符合 GB/T 9704 的 PDF 和可编辑的 DOCX。
#[derive(Parser, Debug)]
#[command(name = "gongkai", version, about, long_about = None, after_help = EXIT_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 检查报告中的数字和结构（勾稽关系） / check the numbers
    Check {
        /// 报告文件（YAML）
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 上一年度的报告，用于核对跨年度数字（上年结转等）
        #[arg(long, value_name = "LAST.yaml")]
        previous: Option<PathBuf>,
        /// 输出格式：text（默认，中文说明）或 json（供其他程序读取）
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// 生成 PDF 和 DOCX / render PDF and DOCX
    Render {
        /// 报告文件（YAML）或包含报告的文件夹
        #[arg(required = true, value_name = "FILE|DIR")]
        inputs: Vec<PathBuf>,
        /// 输出文件夹（默认与报告文件放在一起）
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: Option<PathBuf>,
        /// 生成哪种文件（默认 all；notice-board 版式默认只生成 pdf）
        #[arg(long = "to", value_enum)]
        to: Option<To>,
        /// 版式：gbt9704（报送、上网，默认）或 notice-board（公开栏张贴，文件名加“-公开栏”）
        #[arg(long, default_value = "gbt9704", value_name = "NAME")]
        style: String,
        /// 检查有错误时仍然生成：退出码仍为 1，PDF 每页页边标注“未通过检查”
        #[arg(long)]
        force: bool,
        /// 上一年度的报告，用于核对跨年度数字
        #[arg(long, value_name = "LAST.yaml")]
        previous: Option<PathBuf>,
        /// 优先使用此文件夹中的字体
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// 只用内置字体（输出可重现）
        #[arg(long = "bundled-fonts")]
        bundled_fonts: bool,
        /// DOCX 中写入的字体名：office（仿宋_GB2312 等，默认）或 bundled（内置字体名）
        #[arg(long = "docx-fonts", value_enum, default_value_t = DocxFonts::Office)]
        docx_fonts: DocxFonts,
        /// 同时处理的份数（默认：CPU 核数；不超过报告份数，最多 32）
        #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = parse_jobs)]
        jobs: Option<usize>,
    },
    /// 生成一份待填写的报告模板 / a new report to fill in
    New {
        /// 机关名称
        #[arg(long)]
        organ: Option<String>,
        /// 报告年度
        #[arg(long, value_parser = parse_year)]
        year: i32,
        /// 上一年度的报告（YAML，或已发布的 PDF、DOCX）：带入机关名称、导语、上年结转等数字
        #[arg(long, value_name = "LAST.yaml|pdf|docx")]
        from: Option<PathBuf>,
        /// 输出文件（默认：当前文件夹中的“机关名称-年度.yaml”）
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
        /// 覆盖已有的文件
        #[arg(long)]
        force: bool,
    },
    /// 检查已发布的 PDF 或 DOCX：表格勾稽关系和 GB/T 9704 版式 / verify a published report
    Verify {
        /// PDF 或 DOCX 文件，或包含它们的文件夹（可多个）
        #[arg(required = true, value_name = "FILE|DIR")]
        files: Vec<PathBuf>,
        /// 输出格式：text（默认，中文说明）或 json（供其他程序读取）
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// 从已发布的 PDF 或 DOCX 读出报告 YAML / import a published report as YAML
    Import {
        /// 已发布的报告（PDF 或 DOCX）
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 输出文件（默认：与 PDF 同名的 .yaml）
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
        /// 覆盖已有的文件
        #[arg(long)]
        force: bool,
    },
    /// 在浏览器中填写报告：表格即国家格式的表格，边填边检查、边预览 / fill in reports in the browser
    Edit {
        /// 报告文件（YAML）或存放报告的文件夹（默认：当前文件夹）
        #[arg(value_name = "FILE|DIR")]
        path: Option<PathBuf>,
        /// 在此地址上监听（默认只在本机 127.0.0.1 的空闲端口上）；其他电脑可访问，须用带访问口令的地址
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
        /// 不自动打开浏览器
        #[arg(long = "no-browser")]
        no_browser: bool,
        /// 优先使用此文件夹中的字体
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// 只用内置字体
        #[arg(long = "bundled-fonts")]
        bundled_fonts: bool,
    },
    /// 输出报告 YAML 的 JSON Schema（供编辑器补全和检查） / JSON Schema of the report YAML
    Schema,
    /// 显示各类文字所用的字体 / which font serves each role
    Fonts {
        /// 版式
        #[arg(long, default_value = "gbt9704", value_name = "NAME")]
        style: String,
        /// 优先使用此文件夹中的字体
        #[arg(long = "font-dir", value_name = "DIR")]
        font_dirs: Vec<PathBuf>,
        /// 只用内置字体
        #[arg(long = "bundled-fonts")]
        bundled_fonts: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum To {
    Pdf,
    Docx,
    All,
}

impl From<To> for Formats {
    fn from(t: To) -> Formats {
        match t {
            To::Pdf => Formats::Pdf,
            To::Docx => Formats::Docx,
            To::All => Formats::All,
        }
    }
}

/// `-j`: a whole number from 1 (capped later, see [`render::MAX_JOBS`]).
fn parse_jobs(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        Ok(_) => Err("至少为 1".into()),
        // larger than any count: capped like any other
        Err(_) if !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Ok(usize::MAX)
        }
        Err(_) => Err("应是一个正整数，例如 -j 2".into()),
    }
}

/// `--year`: a year as a whole number.
fn parse_year(s: &str) -> Result<i32, String> {
    s.trim()
        .parse::<i32>()
        .map_err(|_| "应是一个年份，例如 --year 2024".into())
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DocxFonts {
    Office,
    Bundled,
}

/// Runs the command; returns the exit code.
pub fn dispatch(cli: Cli) -> i32 {
    match cli.command {
        Command::Check {
            files,
            previous,
            format,
        } => check(&files, previous.as_deref(), format),
        Command::Render {
            inputs,
            out,
            to,
            style,
            force,
            previous,
            font_dirs,
            bundled_fonts,
            docx_fonts,
            jobs,
        } => render::run(&render::Args {
            inputs,
            out,
            formats: to.map(Formats::from),
            style,
            force,
            previous,
            fonts: gongkai::fonts::FontOptions {
                font_dirs,
                bundled_only: bundled_fonts,
            },
            docx: gongkai::backend::docx::DocxOptions {
                bundled_font_names: matches!(docx_fonts, DocxFonts::Bundled),
                epoch: None,
            },
            jobs,
        }),
        Command::New {
            organ,
            year,
            from,
            out,
            force,
        } => new_cmd(organ, year, from.as_deref(), out, force),
        Command::Verify { files, format } => {
            gongkai::readback::cmd::verify_cmd(&files, matches!(format, CheckFormat::Json))
        }
        Command::Import { file, out, force } => {
            gongkai::readback::cmd::import_cmd(&file, out, force)
        }
        Command::Edit {
            path,
            listen,
            no_browser,
            font_dirs,
            bundled_fonts,
        } => edit::run(edit::Args {
            path,
            listen,
            no_browser,
            fonts: gongkai::fonts::FontOptions {
                font_dirs,
                bundled_only: bundled_fonts,
            },
        }),
        Command::Schema => {
            let formats = gongkai::format::builtin().unwrap_or_default();
            out(
                serde_json::to_string_pretty(&gongkai::schema::schema(&formats))
                    .unwrap_or_default(),
            );
            0
        }
        Command::Fonts {
            style,
            font_dirs,
            bundled_fonts,
        } => fonts_cmd(
            &style,
            &gongkai::fonts::FontOptions {
                font_dirs,
                bundled_only: bundled_fonts,
            },
        ),
    }
}

pub(crate) fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        say(d.render());
    }
}

fn check(files: &[PathBuf], previous: Option<&Path>, format: CheckFormat) -> i32 {
    let mut worst = 0;
    let mut all = Vec::new();
    for f in files {
        let out = gongkai::check_file(f, previous);
        match format {
            CheckFormat::Text => {
                print_diags(&out.diagnostics);
                let errors = out.diagnostics.iter().filter(|d| d.is_error()).count();
                let warnings = out.diagnostics.len() - errors;
                match (out.exit_code, warnings) {
                    (0, 0) => sayln!("{}：检查通过", f.display()),
                    (0, w) => sayln!("{}：检查通过，有 {w} 条警告请核对", f.display()),
                    (1, _) => sayln!("{}：未通过检查，{errors} 个错误、{warnings} 条警告；改正后再运行 gongkai check", f.display()),
                    _ => sayln!("{}：无法检查，请按上面的提示改正文件", f.display()),
                }
            }
            CheckFormat::Json => all.push(serde_json::json!({
                "file": f.display().to_string(),
                "exit_code": out.exit_code,
                "diagnostics": out.diagnostics,
            })),
        }
        worst = worst.max(out.exit_code);
    }
    if let CheckFormat::Json = format {
        outln!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    }
    worst
}

pub(crate) fn load_style(name: &str) -> Result<gongkai::style::Style, i32> {
    gongkai::style::Style::builtin(name).ok_or_else(|| {
        say(format!(
            "错误：没有“{name}”这个版式\n  提示：可用的版式：{}",
            gongkai::style::ids().join("、")
        ));
        2
    })
}

fn fonts_cmd(style: &str, fopts: &gongkai::fonts::FontOptions) -> i32 {
    let style = match load_style(style) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match gongkai::fonts::FontSet::load(&style, fopts) {
        Ok(f) => {
            print_diags(f.warnings());
            outln!("版式：{}（{}）", style.id, style.name);
            let mut fallback = Vec::new();
            for (role, family, source) in f.describe() {
                let label = match role.as_str() {
                    "title" => "标题",
                    "heading1" => "一级标题（一、）",
                    "heading2" => "二级标题（（一））",
                    "heading3" => "三级标题（1.）",
                    "heading4" => "四级标题（（1））",
                    "body" => "正文",
                    "table" => "表格",
                    "page_number" => "页码",
                    "signature" => "落款",
                    other => other,
                };
                let (shown, bundled) = match source.strip_prefix("bundled:") {
                    Some(file) => (format!("内置字体 {file}"), true),
                    None => (source.clone(), false),
                };
                outln!("  {label}\t{family}\t{shown}");
                if bundled {
                    fallback.push(label.to_string());
                }
            }
            if !fallback.is_empty() {
                outln!(
                    "以下文字未找到公文字体，使用内置开源字体代替：{}",
                    fallback.join("、")
                );
                outln!("（安装仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312、宋体后即自动使用；也可用 --font-dir 指定字体文件夹）");
            }
            0
        }
        Err(d) => {
            print_diags(&d);
            2
        }
    }
}

fn new_cmd(
    organ: Option<String>,
    year: i32,
    from: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
) -> i32 {
    // last year's report: its YAML, or the PDF or DOCX it was published as
    let published = |p: &Path| {
        let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
        if matches!(ext.as_deref(), Some("pdf" | "docx")) {
            gongkai::readback::load_published(p)
        } else {
            gongkai::load(p)
        }
    };
    let previous = match from.map(published) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(d)) => {
            print_diags(&d);
            return 2;
        }
    };
    let organ = match organ.or_else(|| previous.as_ref().map(|p| p.report.organ.value.clone())) {
        Some(o) => o,
        None => {
            sayln!("错误：请用 --organ 指定机关名称\n  提示：例如 gongkai new --organ 海原县李旺镇人民政府 --year {year}");
            return 2;
        }
    };
    let Some(format) = gongkai::format::for_year(year) else {
        sayln!("错误：没有适用于 {year} 年度的报告格式\n  提示：国家格式自 2019 年度起适用");
        return 2;
    };
    // a name made from data is one file name in the current folder, whatever the organ says
    let out = out.unwrap_or_else(|| {
        let name = gongkai::render::file_name_component(&organ);
        PathBuf::from(format!("{name}-{year}.yaml"))
    });
    if let Some(from) = from {
        if let Err(d) = gongkai::render::plan_over(&out, &[from.to_path_buf()]) {
            print_diags(&d);
            return 2;
        }
    }
    if out.exists() && !force {
        sayln!(
            "{}: 错误：文件已存在，没有覆盖\n  提示：换一个文件名（-o），或加 --force 覆盖",
            out.display()
        );
        return 2;
    }
    let text = gongkai::template::template(
        &format,
        &gongkai::template::TemplateInput {
            organ: &organ,
            year,
            previous: previous.as_ref(),
            schema_ref: "gongkai.schema.json",
        },
    );
    match gongkai::render::write_atomic(&out, text.as_bytes()) {
        Ok(()) => {
            sayln!(
                "已生成 {}（{} 年版国家格式）。填写后运行：gongkai check {}",
                out.display(),
                format.id,
                out.display()
            );
            0
        }
        Err(d) => {
            print_diags(&d);
            2
        }
    }
}
