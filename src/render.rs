//! `render`: one report file → checked, composed, and written as PDF and/or DOCX, atomically.
//!
//! Files are written to a temporary file in the target folder and renamed into place, so a failed
//! or killed render never leaves a partial PDF/DOCX behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::backend::{docx, pdf};
use crate::check;
use crate::diag::{has_errors, io_reason, Diagnostic, Diagnostics};
use crate::fonts::FontSet;
use crate::style::Style;

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outputs {
    /// PDF only.
    Pdf,
    /// DOCX only.
    Docx,
    /// Both (default).
    #[default]
    All,
}

/// Options for rendering one report.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Output folder; none → beside the input.
    pub out_dir: Option<PathBuf>,
    /// Which files.
    pub outputs: Outputs,
    /// Render even when the check finds errors.
    pub force: bool,
    /// Last year's report, for the cross-year rules.
    pub previous: Option<PathBuf>,
    /// DOCX options.
    pub docx: docx::DocxOptions,
    /// SOURCE_DATE_EPOCH, when set.
    pub epoch: Option<i64>,
    /// The report has the machine to itself (one report): each output's temporary file is
    /// written as soon as it is made, and the PDF's biggest font subset is made on a thread of
    /// its own while the pages are laid out. A batch keeps to its pool, where every thread has
    /// a report and writes it once it is made (`stage_report`).
    pub alone: bool,
}

/// What a render produced.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Warnings (and, with `--force`, the errors rendered past).
    pub diagnostics: Diagnostics,
}

/// A failed render: the diagnostics and the exit code they imply (1 check errors, 2 anything else).
#[derive(Debug)]
pub struct RenderError {
    /// What went wrong.
    pub diagnostics: Diagnostics,
    /// 1 when the report failed its checks, 2 otherwise.
    pub exit_code: i32,
}

impl From<Diagnostics> for RenderError {
    fn from(diagnostics: Diagnostics) -> Self {
        RenderError {
            diagnostics,
            exit_code: 2,
        }
    }
}

/// The SOURCE_DATE_EPOCH environment variable, when set to a number.
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// A report rendered in memory, not yet written: the files (path, bytes) and the diagnostics.
#[derive(Debug)]
pub struct Prepared {
    files: Vec<(PathBuf, Output)>,
    diagnostics: Diagnostics,
}

/// Renders one report file with already loaded fonts.
pub fn render_file(
    input: &Path,
    style: &Style,
    fonts: &FontSet,
    opts: &RenderOptions,
) -> Result<Rendered, RenderError> {
    write_prepared(prepare_file(input, style, fonts, opts)?)
}

/// A report loaded, checked and composed: what its outputs are made from (no fonts needed yet, so
/// one report's fonts can load while this is made).
#[derive(Debug)]
pub struct Composed {
    input: PathBuf,
    doc: crate::doc::Document,
    diagnostics: Diagnostics,
}

/// Loads, checks and composes one report file (and last year's, for the cross-year rules).
pub fn compose_file(input: &Path, opts: &RenderOptions) -> Result<Composed, RenderError> {
    let res = crate::load(input)?;
    let prev = match &opts.previous {
        Some(p) => Some(crate::load(p)?),
        None => None,
    };
    let diagnostics = check::run(&res, prev.as_ref());
    if has_errors(&diagnostics) && !opts.force {
        return Err(RenderError {
            diagnostics,
            exit_code: 1,
        });
    }
    Ok(Composed {
        input: input.to_path_buf(),
        doc: crate::compose::compose(&res),
        diagnostics,
    })
}

/// Renders one report file into memory ([`write_prepared`] writes it): a batch hands the writing
/// (`fsync`, rename) to other threads and goes on with the next report.
pub fn prepare_file(
    input: &Path,
    style: &Style,
    fonts: &FontSet,
    opts: &RenderOptions,
) -> Result<Prepared, RenderError> {
    prepare_composed(compose_file(input, opts)?, style, fonts, opts)
}

/// Typesets a composed report and makes its outputs (see [`prepare_file`]).
pub fn prepare_composed(
    c: Composed,
    style: &Style,
    fonts: &FontSet,
    opts: &RenderOptions,
) -> Result<Prepared, RenderError> {
    let Composed {
        input,
        doc,
        diagnostics,
    } = c;
    let input = input.as_path();
    let in_input = |d: Diagnostics| -> RenderError {
        d.into_iter()
            .map(|x| x.in_file(Some(input)))
            .collect::<Diagnostics>()
            .into()
    };
    let stem = input
        .file_stem()
        .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
    let dir = match &opts.out_dir {
        Some(d) => d.clone(),
        None => input
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    };
    let pdf_path = dir.join(format!("{stem}.pdf"));
    let docx_path = dir.join(format!("{stem}.docx"));
    // Every output is made before any is renamed into place: nothing is written unless all of
    // them succeed. The DOCX follows the PDF's line breaks, so the layout is made for either
    // output (and every character is checked against the fonts for both). Then the PDF and the
    // DOCX are made at the same time when the pool has a thread free (one report on two cores); a
    // PDF error is still the one reported when both fail.
    std::thread::scope(|s| {
        // One report: the PDF's biggest font subset is made on a thread of its own meanwhile, from
        // the glyphs its pages can use (see `pdf::FontsAhead`); the scope waits for it on every
        // path.
        let ahead = (opts.alone && opts.outputs != Outputs::Docx).then(|| {
            pdf::FontsAhead::start(
                s,
                || crate::typeset::glyphs_needed(&doc, style, fonts),
                fonts,
            )
        });
        let layout = crate::typeset::layout(&doc, style, fonts).map_err(in_input)?;
        // Written to its temporary file as soon as it is made: on a thread of its own while the
        // other output is still being made (`fsync` waits ~1 ms on the disk, which the pool's
        // threads spend on the other output meanwhile), on this thread if it is the last (a
        // thread takes 0.1–0.4 ms to start).
        let outputs = if opts.outputs == Outputs::All { 2 } else { 1 };
        let made = std::sync::atomic::AtomicUsize::new(0);
        let out = |path: &Path, bytes: Vec<u8>| -> Result<Output, RenderError> {
            if !opts.alone {
                return Ok(Output::Bytes(bytes));
            }
            let last = made.fetch_add(1, std::sync::atomic::Ordering::AcqRel) + 1 == outputs;
            if last {
                return Ok(Output::Staged(stage(path, &bytes)));
            }
            let target = path.to_path_buf();
            match std::thread::Builder::new().spawn(move || stage(&target, &bytes)) {
                Ok(h) => Ok(Output::Staging(h)),
                Err(e) => Err(io_fail(path, "写入文件", &e).into()),
            }
        };
        let make_pdf = || -> Result<Output, RenderError> {
            let meta = pdf::PdfMeta {
                title: doc.title.clone(),
                author: doc.author.clone(),
                epoch: opts.epoch,
            };
            out(
                &pdf_path,
                pdf::write_ahead(&layout.pages, fonts, &meta, ahead)?,
            )
        };
        let make_docx = || -> Result<Output, RenderError> {
            let mut dopts = opts.docx.clone();
            dopts.epoch = dopts.epoch.or(opts.epoch);
            out(
                &docx_path,
                docx::write(&doc, style, &layout.docx_geometry(), &dopts)?,
            )
        };
        let (pdf_out, docx_out) = rayon::join(
            || (opts.outputs != Outputs::Docx).then(make_pdf).transpose(),
            || (opts.outputs != Outputs::Pdf).then(make_docx).transpose(),
        );
        match (pdf_out, docx_out) {
            (Ok(pdf), Ok(docx)) => {
                let files = [(pdf_path, pdf), (docx_path, docx)]
                    .into_iter()
                    .filter_map(|(p, o)| o.map(|o| (p, o)))
                    .collect();
                Ok(Prepared { files, diagnostics })
            }
            // the other output's temporary file is deleted before the error is reported
            (Err(e), Ok(Some(o))) | (Ok(Some(o)), Err(e)) => {
                o.discard();
                Err(e)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    })
}

/// One output of a report: in memory, or already in its temporary file beside the target.
#[derive(Debug)]
pub enum Output {
    /// The file's bytes, not written yet.
    Bytes(Vec<u8>),
    /// Being written and synced to a temporary file in the target folder; renamed into place last.
    Staging(std::thread::JoinHandle<Result<tempfile::NamedTempFile, Diagnostics>>),
    /// Written and synced to a temporary file in the target folder (or why it could not be).
    Staged(Result<tempfile::NamedTempFile, Diagnostics>),
}

impl Output {
    /// Drops the output; a temporary file being written is waited for, then deleted.
    fn discard(self) {
        if let Output::Staging(h) = self {
            let _ = h.join();
        }
    }
}

/// Writes the files of a rendered report, each atomically; none if one of the targets is a folder.
pub fn write_prepared(p: Prepared) -> Result<Rendered, RenderError> {
    let (staged, diagnostics) = stage_prepared(p, true)?;
    commit_staged(staged, diagnostics)
}

/// A report's files written to their temporary copies, not yet flushed to disk nor renamed into
/// place ([`commit_group`] does both for several reports at once).
#[derive(Debug)]
pub struct StagedReport(Result<Staged, RenderError>);

/// Writes a rendered report's files to their temporary copies (flushed later, by
/// [`commit_group`]; off Linux each is synced now). A report whose file cannot be written fails
/// alone.
pub fn stage_report(p: Prepared) -> StagedReport {
    StagedReport(stage_prepared(p, !cfg!(target_os = "linux")))
}

/// Flushes the staged reports' files to disk and renames them into place: one flush of each file
/// system they are on (`syncfs`; a file's `fsync` each costs a journal commit, and a batch's 200
/// fsyncs kept two rendering threads waiting on the disk), then the renames.
pub fn commit_group(group: Vec<StagedReport>) -> Vec<Result<Rendered, RenderError>> {
    let mut flushed = Vec::new();
    let mut failed: Option<Diagnostics> = None;
    for StagedReport(r) in &group {
        for (path, tmp) in r.iter().flat_map(|(files, _)| files) {
            let dev = file_system(tmp.as_file());
            if !flushed.contains(&dev) {
                flushed.push(dev);
                if let Err(e) = sync_file_system(tmp.as_file()) {
                    failed.get_or_insert(io_fail(path, "写入文件", &e));
                }
            }
        }
    }
    group
        .into_iter()
        .map(|StagedReport(r)| {
            let (files, diagnostics) = r?;
            match &failed {
                Some(d) => Err(d.clone().into()),
                None => commit_staged(files, diagnostics),
            }
        })
        .collect()
}

/// The file system a file is on (its device), to flush each once.
fn file_system(f: &std::fs::File) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        f.metadata().map_or(0, |m| m.dev())
    }
    #[cfg(not(unix))]
    {
        let _ = f;
        0
    }
}

/// Flushes the file system `f` is on to disk (Linux `syncfs`); elsewhere nothing is left to
/// flush (every file was synced when staged there).
fn sync_file_system(f: &std::fs::File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `f` is an open file for the duration of the call.
        if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = f;
        Ok(())
    }
}

/// A report's files in their temporary copies (synced with `sync`), and its diagnostics.
type Staged = (Vec<(PathBuf, tempfile::NamedTempFile)>, Diagnostics);

/// Brings every file of a report to its temporary copy; none if one fails.
fn stage_prepared(p: Prepared, sync: bool) -> Result<Staged, RenderError> {
    let Prepared { files, diagnostics } = p;
    // Every file reaches its temporary copy first (`stage` refuses a target that is a folder, and
    // the copies made so far are deleted when dropped), then all are renamed into place.
    // Every staging thread is waited for before any error is returned: none may still be
    // writing a temporary file when the process ends.
    let mut staged = Vec::with_capacity(files.len());
    let mut failed = None;
    for (path, o) in files {
        let tmp = match o {
            Output::Bytes(b) if failed.is_none() => stage_synced(&path, &b, sync),
            Output::Bytes(_) => continue,
            Output::Staged(t) => t,
            Output::Staging(h) => h.join().unwrap_or_else(|_| {
                Err(io_fail(
                    &path,
                    "写入文件",
                    &std::io::Error::other("写入线程意外中止"),
                ))
            }),
        };
        match tmp {
            Ok(t) => staged.push((path, t)),
            Err(d) => {
                failed.get_or_insert(d);
            }
        }
    }
    if let Some(d) = failed {
        return Err(d.into());
    }
    Ok((staged, diagnostics))
}

/// Renames a report's temporary copies into place.
fn commit_staged(
    staged: Vec<(PathBuf, tempfile::NamedTempFile)>,
    diagnostics: Diagnostics,
) -> Result<Rendered, RenderError> {
    let written = staged.iter().map(|(p, _)| p.clone()).collect();
    let commit_one = |(path, tmp): (PathBuf, tempfile::NamedTempFile)| commit(&path, tmp);
    // Inside a thread pool, the two renames run side by side: each waits on the file system
    // (~0.5 ms here when it replaces an older file).
    match <[_; 2]>::try_from(staged) {
        Ok([a, b]) if rayon::current_thread_index().is_some() => {
            let (ra, rb) = rayon::join(|| commit_one(a), || commit_one(b));
            ra?;
            rb?;
        }
        Ok(two) => two.into_iter().try_for_each(commit_one)?,
        Err(other) => other.into_iter().try_for_each(commit_one)?,
    }
    Ok(Rendered {
        written,
        diagnostics,
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostics> {
    commit(path, stage(path, bytes)?)
}

fn io_fail(path: &Path, what: &str, e: &std::io::Error) -> Diagnostics {
    vec![Diagnostic::error("io", format!("无法{what}（{}）", io_reason(e)))
        .in_file(Some(path))
        .with_hint("请检查输出文件夹是否存在、是否有写入权限，以及文件是否正被其他程序（如 WPS、Word）打开")]
}

/// Writes `bytes` to a temporary file beside `path` and syncs it to disk (deleted if dropped).
pub fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Diagnostics> {
    stage_synced(path, bytes, true)
}

/// [`stage`], syncing the file only with `sync` (a batch flushes its file system at once).
fn stage_synced(
    path: &Path,
    bytes: &[u8],
    sync: bool,
) -> Result<tempfile::NamedTempFile, Diagnostics> {
    let fail = |what: &str, e: std::io::Error| io_fail(path, what, &e);
    if path.is_dir() {
        return Err(vec![Diagnostic::error("io", "输出路径是一个文件夹")
            .in_file(Some(path))
            .with_hint("请换一个输出文件夹，或删去同名文件夹")]);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Temporary files are private (0600) by default; the report is an ordinary document others
    // may read: made as any new file is (0666 less the umask), with no call to change it after.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| fail("在输出文件夹中创建文件", e))?;
    tmp.write_all(bytes).map_err(|e| fail("写入文件", e))?;
    if sync {
        tmp.as_file().sync_all().map_err(|e| fail("写入文件", e))?;
    }
    Ok(tmp)
}

/// Renames a staged temporary file into place.
pub fn commit(path: &Path, tmp: tempfile::NamedTempFile) -> Result<(), Diagnostics> {
    tmp.persist(path)
        .map_err(|e| io_fail(path, "保存文件", &e.error))?;
    Ok(())
}

/// Prefix of the temporary files written before the rename; `.gongkai-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".gongkai-";

/// Removes temporary files that a killed earlier run left in `dir` (their process no longer exists).
pub fn clean_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        if !name.ends_with(".tmp") {
            continue;
        }
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        let alive = match pid {
            Some(p) if p == std::process::id() => true,
            Some(p) if cfg!(target_os = "linux") => Path::new(&format!("/proc/{p}")).exists(),
            // Elsewhere: only files older than an hour are surely abandoned.
            _ => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age.as_secs() < 3600),
        };
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
