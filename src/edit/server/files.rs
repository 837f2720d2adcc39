//! The files the editor may touch: only files directly in the opened folder, named by the page with
//! a plain file name, checked against the folder after every link is followed.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::check::Resolved;

/// Report files.
pub const REPORT_EXTS: &[&str] = &["yaml", "yml"];

/// Files the editor generates and offers to download.
pub const OUTPUT_EXTS: &[&str] = &["pdf", "docx"];

/// Why a name given by the page was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not one plain file name with an allowed extension (a path, `..`, absolute, empty).
    BadName,
    /// No such file in the folder.
    Missing,
    /// The name leads out of the folder (a link to elsewhere) or is not a regular file.
    Outside,
}

impl Refused {
    /// The Chinese sentence the page shows.
    pub fn message(&self) -> &'static str {
        match self {
            Refused::BadName => "文件名不对：只能打开本文件夹中的报告文件",
            Refused::Missing => "文件夹中没有这个文件（可能已被改名或删除）",
            Refused::Outside => "这个文件不在打开的文件夹中，不能读写",
        }
    }
}

/// `name` as one plain file name with one of `exts`: no folder part, no `..`, not absolute.
fn plain_name<'a>(name: &'a str, exts: &[&str]) -> Result<&'a Path, Refused> {
    let p = Path::new(name);
    let mut parts = p.components();
    let one = matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(_)), None)
    );
    let ext_ok = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)));
    if !one || !ext_ok || name.contains(['/', '\\', ':', '\0']) || name.starts_with('.') {
        return Err(Refused::BadName);
    }
    Ok(p)
}

/// An existing file of the folder `root` (canonical) named `name`: its canonical path, which must
/// lie directly in `root` (a link to a file elsewhere is refused) and be a regular file.
pub fn existing(root: &Path, name: &str, exts: &[&str]) -> Result<PathBuf, Refused> {
    let p = plain_name(name, exts)?;
    let real = match std::fs::canonicalize(root.join(p)) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(_) => return Err(Refused::Outside),
    };
    if real.parent() != Some(root) || !real.is_file() {
        return Err(Refused::Outside);
    }
    Ok(real)
}

/// A file of the folder that does not exist yet, reserved by creating it empty (so no other
/// program or request takes the name meanwhile); the caller then writes it atomically.
pub fn reserve(root: &Path, name: &str, exts: &[&str]) -> Result<Option<PathBuf>, Refused> {
    let p = plain_name(name, exts)?;
    let path = root.join(p);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(_) => Ok(Some(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(_) => Err(Refused::Outside),
    }
}

/// A name for a copy of `name` that is free in `root`, reserved: `名-副本.yaml`, `名-副本2.yaml`, …
pub fn reserve_copy(root: &Path, name: &str) -> Result<(String, PathBuf), Refused> {
    let p = plain_name(name, REPORT_EXTS)?;
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("报告");
    let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("yaml");
    for n in 1..1000 {
        let suffix = if n == 1 { String::new() } else { n.to_string() };
        let candidate = format!("{stem}-副本{suffix}.{ext}");
        if let Some(path) = reserve(root, &candidate, REPORT_EXTS)? {
            return Ok((candidate, path));
        }
    }
    Err(Refused::BadName)
}

/// The fingerprint of a file's bytes (SHA-256, hex): the page sends back the one it opened, and a
/// file is saved over only while the disk still holds those bytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The report files directly in `root`, by name, sorted.
pub fn report_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| existing(root, n, REPORT_EXTS).is_ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// What the folder's reports are (organ and year), remembered by file state, so that last year's
/// report is found on every keystroke without reading the folder's files again.
#[derive(Default)]
pub struct Index {
    entries: BTreeMap<String, Entry>,
}

/// One file: its state when read, and what it held.
struct Entry {
    state: (Option<SystemTime>, u64),
    report: Option<Arc<Resolved>>,
}

impl Index {
    /// Re-reads the files of `root` that changed since last time; forgets those gone.
    fn refresh(&mut self, root: &Path) {
        let names = report_names(root);
        self.entries.retain(|n, _| names.contains(n));
        for n in names {
            let path = root.join(&n);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let state = (meta.modified().ok(), meta.len());
            if self.entries.get(&n).is_some_and(|e| e.state == state) {
                continue;
            }
            let report = crate::load(&path).ok().map(Arc::new);
            self.entries.insert(n, Entry { state, report });
        }
    }

    /// The report of `organ` for `year` in the folder (not the file `except`), if exactly known.
    pub fn find(
        &mut self,
        root: &Path,
        organ: &str,
        year: i32,
        except: Option<&str>,
    ) -> Option<(String, Arc<Resolved>)> {
        self.refresh(root);
        self.entries.iter().find_map(|(n, e)| {
            let r = e.report.as_ref()?;
            let hit = Some(n.as_str()) != except
                && r.report.organ.value.trim() == organ.trim()
                && r.report.year.value == year;
            hit.then(|| (n.clone(), r.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_report_names_are_taken() {
        for bad in [
            "../x.yaml",
            "/etc/passwd",
            "a/b.yaml",
            "a\\b.yaml",
            "..",
            "",
            ".hidden.yaml",
            "x.txt",
            "c:x.yaml",
        ] {
            assert_eq!(plain_name(bad, REPORT_EXTS), Err(Refused::BadName), "{bad}");
        }
        assert!(plain_name("青禾县-2021.yaml", REPORT_EXTS).is_ok());
        assert!(plain_name("x.YML", REPORT_EXTS).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_folder_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.yaml");
        std::fs::write(&secret, "organ: x\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::os::unix::fs::symlink(&secret, root.join("link.yaml")).unwrap();
        std::fs::write(root.join("own.yaml"), "organ: y\n").unwrap();
        assert_eq!(
            existing(&root, "link.yaml", REPORT_EXTS),
            Err(Refused::Outside)
        );
        assert_eq!(
            existing(&root, "none.yaml", REPORT_EXTS),
            Err(Refused::Missing)
        );
        assert!(existing(&root, "own.yaml", REPORT_EXTS).is_ok());
        assert_eq!(report_names(&root), vec!["own.yaml".to_string()]);
    }

    #[test]
    fn a_copy_never_takes_an_existing_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(root.join("r-副本.yaml"), "keep").unwrap();
        let (name, path) = reserve_copy(&root, "r.yaml").unwrap();
        assert_eq!(name, "r-副本2.yaml");
        assert!(path.exists());
        assert_eq!(std::fs::read(root.join("r-副本.yaml")).unwrap(), b"keep");
    }
}
