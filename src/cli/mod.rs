//! Command-line arguments (clap) and one handler per subcommand; all work is done by the library.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use clap::{Parser, Subcommand, ValueEnum};

use gongkai::diag::Diagnostic;
use gongkai::render::{self, Outputs, RenderOptions};

const EXIT_HELP: &str = "退出码：0 成功（可有警告）；1 报告未通过检查（勾稽关系等）；2 输入无法读取或有误、用法错误、写文件失败";

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
        /// 生成哪种文件
        #[arg(long = "to", value_enum, default_value_t = To::All)]
        to: To,
        /// 版式：gbt9704（报送、上网，默认）或 notice-board（公开栏张贴）
        #[arg(long, default_value = "gbt9704", value_name = "NAME")]
        style: String,
        /// 检查有错误时仍然生成（并提示）
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
        /// 同时处理的份数（默认：CPU 核数）
        #[arg(short = 'j', long = "jobs", value_name = "N")]
        jobs: Option<usize>,
    },
    /// 生成一份待填写的报告模板 / a new report to fill in
    New {
        /// 机关名称
        #[arg(long)]
        organ: Option<String>,
        /// 报告年度
        #[arg(long)]
        year: i32,
        /// 上一年度的报告：带入机关名称、导语、上年结转等数字
        #[arg(long, value_name = "LAST.yaml")]
        from: Option<PathBuf>,
        /// 输出文件（默认：机关名称-年度.yaml）
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

impl From<To> for Outputs {
    fn from(t: To) -> Outputs {
        match t {
            To::Pdf => Outputs::Pdf,
            To::Docx => Outputs::Docx,
            To::All => Outputs::All,
        }
    }
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
        } => {
            let fopts = gongkai::fonts::FontOptions {
                font_dirs,
                bundled_only: bundled_fonts,
            };
            let opts = RenderOptions {
                out_dir: out,
                outputs: to.into(),
                force,
                previous,
                docx: gongkai::backend::docx::DocxOptions {
                    bundled_font_names: matches!(docx_fonts, DocxFonts::Bundled),
                    epoch: None,
                },
                epoch: render::source_date_epoch(),
                alone: false,
            };
            render_cmd(&inputs, &style, &fopts, &opts, jobs)
        }
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
        Command::Schema => {
            let formats = gongkai::format::builtin().unwrap_or_default();
            println!(
                "{}",
                serde_json::to_string_pretty(&gongkai::schema::schema(&formats))
                    .unwrap_or_default()
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

fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", d.render());
    }
}

fn check(files: &[PathBuf], previous: Option<&Path>, format: CheckFormat) -> i32 {
    if files.len() > 1 {
        // each file's memory is reused for the next
        crate::bump::stop();
    }
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
                    (0, 0) => eprintln!("{}：检查通过", f.display()),
                    (0, w) => eprintln!("{}：检查通过，有 {w} 条警告请核对", f.display()),
                    (1, _) => eprintln!("{}：未通过检查，{errors} 个错误、{warnings} 条警告；改正后再运行 gongkai check", f.display()),
                    _ => eprintln!("{}：无法检查，请按上面的提示改正文件", f.display()),
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
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
    }
    worst
}

fn load_style(name: &str) -> Result<gongkai::style::Style, i32> {
    gongkai::style::Style::builtin(name).ok_or_else(|| {
        eprintln!(
            "错误：没有“{name}”这个版式\n  提示：可用的版式：{}",
            gongkai::style::ids().join("、")
        );
        2
    })
}

/// Expands folders into the report files they hold (`*.yaml`, `*.yml`, sorted).
fn collect_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(i)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            v.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
            v.sort();
            out.extend(v);
        } else {
            out.push(i.clone());
        }
    }
    out
}

fn render_cmd(
    inputs: &[PathBuf],
    style: &str,
    fopts: &gongkai::fonts::FontOptions,
    opts: &RenderOptions,
    jobs: Option<usize>,
) -> i32 {
    let style = match load_style(style) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if let Some(dir) = &opts.out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!(
                "{}: 错误：无法创建输出文件夹（{}）\n  提示：请换一个有写入权限的文件夹",
                dir.display(),
                gongkai::diag::io_reason(&e)
            );
            return 2;
        }
    }
    let files = collect_inputs(inputs);
    if files.is_empty() {
        eprintln!(
            "错误：没有找到报告文件（.yaml）\n  提示：请指定报告文件，或包含报告文件的文件夹"
        );
        return 2;
    }
    // A run killed earlier (power cut, SIGKILL) may have left temporary files: remove them.
    let mut dirs: Vec<PathBuf> = match &opts.out_dir {
        Some(d) => vec![d.clone()],
        None => files
            .iter()
            .map(|f| {
                f.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            })
            .collect(),
    };
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        render::clean_stale_temps(d);
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or_else(cpus))
        // this thread takes part in `join`s (no idle thread and no hand-over at the start)
        .use_current_thread()
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("错误：无法启动并行处理（{e}）");
            return 2;
        }
    };
    // the fonts, or their errors printed (exit code 2)
    let load_fonts = || gongkai::fonts::FontSet::load(&style, fopts).map_err(|d| print_diags(&d));
    let results: Vec<(&PathBuf, Result<render::Rendered, render::RenderError>)> =
        if let [file] = files.as_slice() {
            // One report: its fonts load while it is read, checked and composed, and each output
            // is written to its temporary file as soon as it is made.
            let opts = RenderOptions {
                alone: true,
                ..opts.clone()
            };
            let (composed, fonts) =
                pool.install(|| rayon::join(|| render::compose_file(file, &opts), load_fonts));
            let Ok(fonts) = fonts else { return 2 };
            let r = composed.and_then(|c| {
                pool.install(|| {
                    render::write_prepared(render::prepare_composed(c, &style, &fonts, &opts)?)
                })
            });
            vec![(file, r)]
        } else {
            // Fonts are loaded once for the whole run and shared by every report, and the
            // reports' memory is reused from one to the next.
            crate::bump::stop();
            let Ok(fonts) = load_fonts() else { return 2 };
            render_batch(&files, &style, &fonts, opts, &pool)
        };
    let mut worst = 0;
    let mut written = 0;
    let mut failed = Vec::new();
    for (f, r) in results {
        match r {
            Ok(r) => {
                print_diags(&r.diagnostics);
                if opts.force && gongkai::diag::has_errors(&r.diagnostics) {
                    eprintln!(
                        "{}：有错误，已按 --force 仍然生成，请改正后重新生成",
                        f.display()
                    );
                }
                for w in &r.written {
                    eprintln!("已生成 {}", w.display());
                }
                written += 1;
            }
            Err(e) => {
                print_diags(&e.diagnostics);
                let reason = e
                    .diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .map_or_else(String::new, |d| d.message.clone());
                failed.push((f.clone(), reason));
                worst = worst.max(e.exit_code);
            }
        }
    }
    if files.len() > 1 || !failed.is_empty() {
        eprintln!(
            "共 {} 份：{} 份已生成，{} 份失败",
            files.len(),
            written,
            failed.len()
        );
        for (f, why) in &failed {
            eprintln!("  失败：{}（{}）", f.display(), why);
        }
    }
    worst
}

/// How many reports a batch writes before it flushes them to disk and renames them into place.
const FLUSH_EVERY: usize = 16;

/// Renders and writes several reports on the pool's threads.
fn render_batch<'f>(
    files: &'f [PathBuf],
    style: &gongkai::style::Style,
    fonts: &gongkai::fonts::FontSet,
    opts: &RenderOptions,
    pool: &rayon::ThreadPool,
) -> Vec<(&'f PathBuf, Result<render::Rendered, render::RenderError>)> {
    use rayon::prelude::*;
    use std::io::IsTerminal;

    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    // `-j N` is N threads in all: each renders a report and writes it to its temporary files;
    // the thread that finds FLUSH_EVERY reports written flushes them to disk together (one
    // `syncfs`: a file's `fsync` each costs a journal commit) and renames them into place, and the
    // last ones are flushed at the end.
    let slots: Vec<Mutex<Option<Result<render::Rendered, render::RenderError>>>> =
        files.iter().map(|_| Mutex::new(None)).collect();
    let done = |i: usize, r: Result<render::Rendered, render::RenderError>| {
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(r);
        }
    };
    let commit = |group: Vec<(usize, render::StagedReport)>| {
        let (ids, staged): (Vec<usize>, Vec<_>) = group.into_iter().unzip();
        for (i, r) in ids.into_iter().zip(render::commit_group(staged)) {
            done(i, r);
        }
    };
    let written: Mutex<Vec<(usize, render::StagedReport)>> = Mutex::new(Vec::new());
    pool.install(|| {
        files.par_iter().enumerate().for_each(|(i, f)| {
            match render::prepare_file(f, style, fonts, opts) {
                Ok(p) => {
                    let staged = render::stage_report(p);
                    let mut w = written.lock().unwrap_or_else(PoisonError::into_inner);
                    w.push((i, staged));
                    let full = (w.len() >= FLUSH_EVERY).then(|| std::mem::take(&mut *w));
                    drop(w);
                    if let Some(group) = full {
                        commit(group);
                    }
                }
                Err(e) => done(i, Err(e)),
            }
            bar.set_message(
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            bar.inc(1);
        });
    });
    commit(written.into_inner().unwrap_or_else(PoisonError::into_inner));
    let results = files
        .iter()
        .zip(slots)
        .map(|(f, slot)| {
            let r = slot.into_inner().ok().flatten().unwrap_or_else(|| {
                Err(render::RenderError {
                    diagnostics: vec![gongkai::diag::Diagnostic::error("io", "没有生成")],
                    exit_code: 2,
                })
            });
            (f, r)
        })
        .collect();
    bar.finish_and_clear();
    results
}

fn fonts_cmd(style: &str, fopts: &gongkai::fonts::FontOptions) -> i32 {
    let style = match load_style(style) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match gongkai::fonts::FontSet::load(&style, fopts) {
        Ok(f) => {
            println!("版式：{}（{}）", style.id, style.name);
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
                println!("  {label}\t{family}\t{shown}");
                if bundled {
                    fallback.push(label.to_string());
                }
            }
            if !fallback.is_empty() {
                println!(
                    "以下文字未找到公文字体，使用内置开源字体代替：{}",
                    fallback.join("、")
                );
                println!("（安装仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312、宋体后即自动使用；也可用 --font-dir 指定字体文件夹）");
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
    let previous = match from.map(gongkai::load) {
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
            eprintln!("错误：请用 --organ 指定机关名称\n  提示：例如 gongkai new --organ 海原县李旺镇人民政府 --year {year}");
            return 2;
        }
    };
    let Some(format) = gongkai::format::for_year(year) else {
        eprintln!("错误：没有适用于 {year} 年度的报告格式\n  提示：国家格式自 2019 年度起适用");
        return 2;
    };
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{organ}-{year}.yaml")));
    if out.exists() && !force {
        eprintln!(
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
            eprintln!(
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

/// The CPUs this process may run on. rayon's default (`available_parallelism`) also reads the
/// cgroup's CPU quota from /proc and /sys: ~20 system calls on files that took 0.4 ms here, a
/// twentieth of a report; a CPU quota on an office PC is rare, and `-j` sets the count anyway.
#[cfg(target_os = "linux")]
fn cpus() -> usize {
    // SAFETY: `set` is a zeroed cpu_set_t, written by the call and read only if it succeeded.
    let n = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) == 0 {
            libc::CPU_COUNT(&set)
        } else {
            0
        }
    };
    match usize::try_from(n) {
        Ok(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

#[cfg(not(target_os = "linux"))]
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
