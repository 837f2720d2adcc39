//! Files on disk: reading an input safely, planning which files a run writes, and writing them.
//!
//! - An input is read only if it is a regular file, and never more than a report can be
//!   ([`read_input`]).
//! - Before anything is rendered, the run's outputs are planned ([`plan`]): two reports that would
//!   write the same file, or an output that would replace an input, stop the run.
//! - Each output is written to a temporary file beside it, locked while it is written, synced to
//!   disk and renamed into place; a report's files are renamed under one lock of their folder, so
//!   the PDF and DOCX on disk always come from the same input ([`write_outputs`]).
//! - Temporary files a killed run left behind are removed when no process holds their lock and
//!   they are older than [`STALE_AFTER`] ([`clean_stale_temps`]): no process ids, which mean
//!   nothing to another computer writing to the same shared folder.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diag::{io_reason, Diagnostic, Diagnostics};
use crate::report::MAX_INPUT_BYTES;
use crate::Formats;

/// The SOURCE_DATE_EPOCH environment variable, when set to a number.
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Reads an input file (a report, last year's report): a regular file, of which at most
/// [`MAX_INPUT_BYTES`] + 1 bytes are read (so that a larger file is refused as too large).
///
/// A folder, a device (`/dev/zero`), a pipe or a socket is refused by its type before anything is
/// read; a pipe is opened without waiting for a writer.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Diagnostics> {
    let fail = |msg: String, hint: &str| {
        vec![Diagnostic::error("io", msg)
            .in_file(Some(path))
            .with_hint(hint)]
    };
    let cannot_read = |e: std::io::Error| {
        fail(
            format!("无法读取文件（{}）", io_reason(&e)),
            "请检查文件路径是否正确",
        )
    };
    let not_a_file = |m: &std::fs::Metadata| {
        let msg = if m.is_dir() {
            "这是一个文件夹，不是报告文件"
        } else {
            "这不是普通文件（而是设备、管道等），不能作为报告读取"
        };
        fail(msg.to_string(), "请指定报告的 YAML 文件")
    };
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    // Should the file have become a pipe since, opening it does not wait for a writer.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    Ok(bytes)
}

/// Where one report's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The report file.
    pub input: PathBuf,
    /// Its PDF, when one is made.
    pub pdf: Option<PathBuf>,
    /// Its DOCX, when one is made.
    pub docx: Option<PathBuf>,
}

impl Targets {
    /// The files, PDF first.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.pdf.iter().chain(&self.docx)
    }
}

/// Plans a run's outputs: for each input, `<out>/<stem><suffix>.pdf` and `.docx` (those
/// `formats` asks for; `<out>` is the input's folder when none is given).
///
/// An input named twice is rendered once. Refused, before anything is rendered: two inputs whose
/// outputs would be the same file (names compared without case, as Windows does), and an output
/// that is an input or last year's report (`others`), compared by canonical path and, on Unix, by
/// device and inode.
pub fn plan(
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    formats: Formats,
    suffix: &str,
    others: &[PathBuf],
) -> Result<Vec<Targets>, Diagnostics> {
    let mut plans: Vec<Targets> = Vec::new();
    let mut seen_inputs = Vec::new();
    for input in inputs {
        let id = FileId::of(input);
        if id.is_some() && seen_inputs.contains(&id) {
            continue;
        }
        seen_inputs.push(id);
        let stem = input
            .file_stem()
            .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
        let dir = match out_dir {
            Some(d) => d.to_path_buf(),
            None => input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let file = |ext: &str| dir.join(format!("{stem}{suffix}.{ext}"));
        plans.push(Targets {
            input: input.clone(),
            pdf: formats.pdf().then(|| file("pdf")),
            docx: formats.docx().then(|| file("docx")),
        });
    }
    let mut diags = Vec::new();
    // one file, two reports
    let mut by_target: BTreeMap<String, &Targets> = BTreeMap::new();
    for t in &plans {
        for f in t.files() {
            let key = comparable(f);
            match by_target.get(&key) {
                Some(first) if first.input != t.input => diags.push(
                    Diagnostic::error(
                        "collision",
                        format!(
                            "“{}”和“{}”都会生成这个文件，后一份会覆盖前一份",
                            first.input.display(),
                            t.input.display()
                        ),
                    )
                    .in_file(Some(f))
                    .with_hint("请把其中一份改名，或分两次生成到不同的文件夹（-o）"),
                ),
                Some(_) => {}
                None => {
                    by_target.insert(key, t);
                }
            }
        }
    }
    // an output onto an input
    let ins: Vec<(&PathBuf, Option<FileId>)> = inputs
        .iter()
        .chain(others)
        .map(|p| (p, FileId::of(p)))
        .collect();
    for t in &plans {
        for f in t.files() {
            let out = FileId::of_target(f);
            if let Some((input, _)) = ins.iter().find(|(_, id)| id.is_some() && *id == out) {
                diags.push(overwrite_input(f, input));
            }
        }
    }
    if diags.is_empty() {
        Ok(plans)
    } else {
        Err(diags)
    }
}

/// Refuses to write `target` if it is one of `inputs` (see [`plan`]).
pub fn plan_over(target: &Path, inputs: &[PathBuf]) -> Result<(), Diagnostics> {
    let out = FileId::of_target(target);
    match inputs
        .iter()
        .find(|i| out.is_some() && FileId::of(i) == out)
    {
        Some(input) => Err(vec![overwrite_input(target, input)]),
        None => Ok(()),
    }
}

/// The error of an output that would replace an input.
fn overwrite_input(target: &Path, input: &Path) -> Diagnostic {
    Diagnostic::error(
        "overwrite-input",
        format!("输出文件就是输入文件“{}”，生成会覆盖它", input.display()),
    )
    .in_file(Some(target))
    .with_hint("请给输出换一个名字，或用 -o 指定另一个输出文件夹")
}

/// Longest file name [`file_name_component`] makes, in characters: 60 Chinese characters are 180
/// bytes in UTF-8, leaving room for "-2024.yaml" within the 255 bytes most file systems allow.
const MAX_NAME_CHARS: usize = 60;

/// `text` (an organ's name, say) as one safe file name: no folder separators, no control
/// characters, invisible characters or characters Windows forbids (`<>:"/\|?*`), no leading dots or spaces, no
/// trailing dots or spaces, no device name of Windows (`CON`, `NUL`, …), at most
/// 60 characters (`MAX_NAME_CHARS`); "报告" when nothing is left.
pub fn file_name_component(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c) && !"/\\<>:\"|?*".contains(c))
        .take(MAX_NAME_CHARS)
        .collect();
    let name = kept
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    const DEVICES: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    if name.is_empty() {
        "报告".to_string()
    } else if DEVICES.iter().any(|d| d.eq_ignore_ascii_case(name)) {
        format!("_{name}")
    } else {
        name.to_string()
    }
}

/// Characters that change how a name reads without being seen: bidi controls (U+202E turns the
/// rest of the name around), zero-width characters, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// A path as compared for collisions: its folder made canonical when it exists, the whole
/// lowercased (Windows and macOS compare file names without case).
fn comparable(p: &Path) -> String {
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = p.file_name().unwrap_or_default();
    dir.join(name).to_string_lossy().to_lowercase()
}

/// What makes two paths the same file: its canonical path and, on Unix, its device and inode
/// (which also catch hard links).
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileId {
    /// (device, inode) of an existing file.
    #[cfg(unix)]
    Inode(u64, u64),
    /// The canonical path.
    Path(PathBuf),
}

impl FileId {
    /// The identity of an existing file.
    fn of(p: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(p) {
                return Some(FileId::Inode(m.dev(), m.ino()));
            }
        }
        std::fs::canonicalize(p).ok().map(FileId::Path)
    }

    /// The identity of a file to be written: the existing file's, else its canonical folder
    /// joined with its name.
    fn of_target(p: &Path) -> Option<FileId> {
        if let Some(id) = FileId::of(p) {
            return Some(id);
        }
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).ok()?;
        Some(FileId::Path(dir.join(p.file_name()?)))
    }
}

/// Writes a report's files (`pdf` to `targets.pdf`, `docx` to `targets.docx`): each to a locked
/// temporary file in its folder, synced to disk; then all renamed into place while this process
/// holds the folder's lock file (`.gongkai.lock`), so that a run writing the same names at the same
/// time leaves either its pair or ours, never one file of each. Nothing is renamed unless every
/// file reached its temporary copy. Returns the files written.
pub fn write_outputs(
    targets: &Targets,
    pdf: Option<&[u8]>,
    docx: Option<&[u8]>,
) -> Result<Vec<PathBuf>, Diagnostics> {
    let files: Vec<(&PathBuf, &[u8])> = [(&targets.pdf, pdf), (&targets.docx, docx)]
        .into_iter()
        .filter_map(|(p, b)| Some((p.as_ref()?, b?)))
        .collect();
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        // a failure deletes the copies made so far (dropped)
        staged.push((path, stage(path, bytes)?));
    }
    let Some((first, _)) = staged.first() else {
        return Ok(Vec::new());
    };
    let _lock = FolderLock::take(first)?;
    let mut written = Vec::with_capacity(staged.len());
    for (path, tmp) in staged {
        commit(path, tmp)?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Writes `bytes` to `path` through a locked temporary file in the same folder, `fsync` and a
/// rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostics> {
    commit(path, stage(path, bytes)?)
}

fn io_fail(path: &Path, what: &str, e: &std::io::Error) -> Diagnostics {
    vec![Diagnostic::error("io", format!("无法{what}（{}）", io_reason(e)))
        .in_file(Some(path))
        .with_hint("请检查输出文件夹是否存在、是否有写入权限，以及文件是否正被其他程序（如 WPS、Word）打开")]
}

/// The folder a file is written in.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to a temporary file beside `path`, locked (see [`clean_stale_temps`]) and synced
/// to disk; deleted if dropped.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Diagnostics> {
    let fail = |what: &str, e: std::io::Error| io_fail(path, what, &e);
    if path.is_dir() {
        return Err(vec![Diagnostic::error("io", "输出路径是一个文件夹")
            .in_file(Some(path))
            .with_hint("请换一个输出文件夹，或删去同名文件夹")]);
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // Temporary files are private (0600) by default; the report is an ordinary document others
    // may read: made as any new file is (0666 less the umask), with no call to change it after.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(folder_of(path))
        .map_err(|e| fail("在输出文件夹中创建文件", e))?;
    // Held until the file is renamed and closed. A file system without locks (some network
    // shares) still gets the file: a temporary file is then only removed once it is old.
    let _ = tmp.as_file().try_lock();
    tmp.write_all(bytes).map_err(|e| fail("写入文件", e))?;
    tmp.as_file().sync_all().map_err(|e| fail("写入文件", e))?;
    Ok(tmp)
}

/// Renames a staged temporary file into place (and closes it, which releases its lock).
fn commit(path: &Path, tmp: tempfile::NamedTempFile) -> Result<(), Diagnostics> {
    tmp.persist(path)
        .map_err(|e| io_fail(path, "保存文件", &e.error))?;
    Ok(())
}

/// The exclusive lock of a folder's `.gongkai.lock` file, held while a report's files are renamed
/// into place; released when dropped. The file stays (deleting a lock file races with a process
/// about to lock it).
struct FolderLock(Option<File>);

impl FolderLock {
    /// Waits for the lock of the folder `file` is in. A file system without locks gets none.
    fn take(file: &Path) -> Result<FolderLock, Diagnostics> {
        let path = folder_of(file).join(LOCK_FILE);
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_fail(&path, "在输出文件夹中创建文件", &e))?;
        Ok(FolderLock(f.lock().is_ok().then_some(f)))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = f.unlock();
        }
    }
}

/// The lock file of an output folder.
const LOCK_FILE: &str = ".gongkai.lock";

/// Prefix of the temporary files written before the rename: `.gongkai-<random>.tmp`.
const TEMP_PREFIX: &str = ".gongkai-";

/// Suffix of the temporary files.
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file no process holds is removed once it is this old: a file is locked a moment
/// after it is made (and on a file system without locks, never), so a young unlocked one may be
/// live. A report's file is written in well under a second.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Removes the temporary files that killed runs left in `dir`: those no process holds locked and
/// that are older than [`STALE_AFTER`]. A live run's files (on this computer or another one
/// writing to the same shared folder) are locked and stay.
pub fn clean_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with(TEMP_PREFIX) || !name.ends_with(TEMP_SUFFIX) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if !old {
            continue;
        }
        let path = e.path();
        let Ok(f) = std::fs::OpenOptions::new().write(true).open(&path) else {
            continue;
        };
        // held by nobody: removed while we hold it, so no run can take it up meanwhile
        if f.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_from_data_is_one_safe_file_name() {
        let n = file_name_component;
        assert_eq!(n("青石县人民政府"), "青石县人民政府");
        assert_eq!(n("../../X"), "X");
        assert_eq!(n("/abs/X"), "absX");
        assert_eq!(n("..\\..\\X"), "X");
        assert_eq!(n("a\u{0}b\nc\u{202e}d\u{200b}"), "abcd");
        assert_eq!(n(" .hidden. "), "hidden");
        assert_eq!(n("..."), "报告");
        assert_eq!(n("nul"), "_nul");
        assert_eq!(n(&"局".repeat(500)).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn a_temporary_file_is_locked_while_it_waits_for_its_rename() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = stage(&dir.path().join("r.pdf"), b"%PDF").unwrap();
        let other = File::open(tmp.path()).unwrap();
        assert!(other.try_lock().is_err(), "a staged file is locked");
        drop(tmp);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
