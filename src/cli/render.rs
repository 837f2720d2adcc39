//! `gongkai render`: plan the files, load what every report shares, build the reports side by side
//! (one report per thread), write each, and sum up.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use gongkai::render::{self, Targets};
use gongkai::{Failure, Formats};

use super::print_diags;

/// Most reports rendered at the same time, whatever `-j` says: each holds its pages and files in
/// memory (a few MB), and a thread per report beyond the CPUs only waits.
pub const MAX_JOBS: usize = 32;

/// The file-name suffix of the notice-board style (公开栏张贴): its files stand beside the
/// official copy's instead of replacing them.
const NOTICE_BOARD_SUFFIX: &str = "-公开栏";

/// What the user asked `render` for.
#[derive(Debug)]
pub struct Args {
    /// Report files and folders of reports.
    pub inputs: Vec<PathBuf>,
    /// `-o`: the output folder.
    pub out: Option<PathBuf>,
    /// `--to`, when given.
    pub formats: Option<Formats>,
    /// `--style`.
    pub style: String,
    /// `--force`.
    pub force: bool,
    /// `--previous`.
    pub previous: Option<PathBuf>,
    /// `--font-dir`, `--bundled-fonts`.
    pub fonts: gongkai::fonts::FontOptions,
    /// `--docx-fonts`.
    pub docx: gongkai::backend::docx::DocxOptions,
    /// `-j`.
    pub jobs: Option<usize>,
}

/// Runs `render`; returns the exit code.
pub fn run(a: &Args) -> i32 {
    let Ok(style) = super::load_style(&a.style) else {
        return 2;
    };
    // the notice-board copy is a PDF to print, named apart from the official copy
    let (formats, suffix) = match style.id.as_str() {
        "notice-board" => (a.formats.unwrap_or(Formats::Pdf), NOTICE_BOARD_SUFFIX),
        _ => (a.formats.unwrap_or_default(), ""),
    };
    if let Some(dir) = &a.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            sayln!(
                "{}: 错误：无法创建输出文件夹（{}）\n  提示：请换一个有写入权限的文件夹",
                dir.display(),
                gongkai::diag::io_reason(&e)
            );
            return 2;
        }
    }
    let files = collect_inputs(&a.inputs);
    if files.is_empty() {
        sayln!("错误：没有找到报告文件（.yaml）\n  提示：请指定报告文件，或包含报告文件的文件夹");
        return 2;
    }
    // every file the run writes, known before any is made
    let others: Vec<PathBuf> = a.previous.iter().cloned().collect();
    let plan = match render::plan(&files, a.out.as_deref(), formats, suffix, &others) {
        Ok(p) => p,
        Err(d) => {
            print_diags(&d);
            sayln!("没有生成任何文件");
            return 2;
        }
    };
    // what every report shares: last year's report, the fonts
    let previous = match a.previous.as_deref().map(gongkai::load) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(d)) => {
            print_diags(&d);
            return 2;
        }
    };
    let fonts = match gongkai::fonts::FontSet::load(&style, &a.fonts) {
        Ok(f) => f,
        Err(d) => {
            print_diags(&d);
            return 2;
        }
    };
    print_diags(fonts.warnings());
    // temporary files killed runs left
    let mut dirs: Vec<&Path> = plan
        .iter()
        .flat_map(Targets::files)
        .filter_map(|f| f.parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        render::clean_stale_temps(if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        });
    }
    let opts = gongkai::Options {
        style: &style,
        fonts: &fonts,
        previous: previous.as_ref(),
        formats,
        force: a.force,
        docx: &a.docx,
        epoch: render::source_date_epoch(),
    };
    let jobs = a
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(plan.len())
        .clamp(1, MAX_JOBS);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(p) => p,
        Err(e) => {
            sayln!("错误：无法启动并行处理（{e}）");
            return 2;
        }
    };
    let bar = progress_bar(plan.len());
    let results: Vec<Result<Done, Failure>> = pool.install(|| {
        plan.par_iter()
            .map(|t| {
                let r = build_and_write(t, &opts);
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    summarise(&plan, results)
}

/// A report written: its files, its diagnostics, whether it failed its checks (`--force`).
struct Done {
    written: Vec<PathBuf>,
    diagnostics: gongkai::diag::Diagnostics,
    forced: bool,
}

/// One report: built, then written.
fn build_and_write(t: &Targets, opts: &gongkai::Options) -> Result<Done, Failure> {
    let made = gongkai::build(&t.input, opts)?;
    let written = render::write_outputs(t, made.pdf.as_deref(), made.docx.as_deref())?;
    Ok(Done {
        written,
        diagnostics: made.diagnostics,
        forced: made.forced,
    })
}

/// Prints each report's diagnostics and files, and the summary; returns the exit code.
fn summarise(plan: &[Targets], results: Vec<Result<Done, Failure>>) -> i32 {
    let mut worst = 0;
    let (mut written, mut forced) = (0, 0);
    let mut failed = Vec::new();
    for (t, r) in plan.iter().zip(results) {
        match r {
            Ok(d) => {
                print_diags(&d.diagnostics);
                if d.forced {
                    sayln!(
                        "{}：未通过检查，已按 --force 仍然生成（PDF 每页标有“{}”），请改正后重新生成",
                        t.input.display(),
                        gongkai::FORCED_MARK
                    );
                    forced += 1;
                    worst = worst.max(1);
                } else {
                    written += 1;
                }
                for w in &d.written {
                    sayln!("已生成 {}", w.display());
                }
            }
            Err(e) => {
                print_diags(&e.diagnostics);
                let reason = e
                    .diagnostics
                    .iter()
                    .find(|d| d.is_error())
                    .map_or_else(String::new, |d| d.message.clone());
                failed.push((&t.input, reason));
                worst = worst.max(e.exit_code);
            }
        }
    }
    if plan.len() > 1 || !failed.is_empty() || forced > 0 {
        let forced = match forced {
            0 => String::new(),
            n => format!("{n} 份已强制生成（未通过检查），"),
        };
        sayln!(
            "共 {} 份：{written} 份已生成，{forced}{} 份失败",
            plan.len(),
            failed.len()
        );
        for (f, why) in &failed {
            sayln!("  失败：{}（{}）", f.display(), why);
        }
    }
    worst
}

/// A progress bar on a terminal, for a batch; hidden otherwise.
fn progress_bar(n: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if n < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(n as u64);
    b.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
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
