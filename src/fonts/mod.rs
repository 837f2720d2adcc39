//! `fonts`: for each type role of a style, the face that serves it — an office font installed on
//! the machine, or the bundled subset compiled into the binary. Loaded once per run.
//!
//! Only this module parses font files (ttf-parser). It does not lay anything out; the typesetter asks
//! it for glyph ids and advances, the PDF writer for the raw bytes of each face.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Role;
use crate::style::Style;

/// The bundled faces: `bundled:` key in a style, file name, family name, bytes.
const BUNDLED: &[(&str, &str, &str, &[u8])] = &[
    (
        "serif",
        "GongkaiSerif-Regular.ttf",
        "Gongkai Serif",
        include_bytes!("../../fonts/GongkaiSerif-Regular.ttf"),
    ),
    (
        "serif-bold",
        "GongkaiSerif-Bold.ttf",
        "Gongkai Serif Bold",
        include_bytes!("../../fonts/GongkaiSerif-Bold.ttf"),
    ),
    (
        "sans",
        "GongkaiSans-Medium.ttf",
        "Gongkai Sans",
        include_bytes!("../../fonts/GongkaiSans-Medium.ttf"),
    ),
    (
        "kai",
        "GongkaiKai-Regular.ttf",
        "Gongkai Kai",
        include_bytes!("../../fonts/GongkaiKai-Regular.ttf"),
    ),
];

/// The bundled face every role falls back to last for a character its own faces lack (digits,
/// punctuation an office font may miss): the serif covers GB 2312 + 通用规范汉字表 + ASCII.
const LAST_RESORT: &str = "serif";

/// Where to look for fonts.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// `--font-dir`: folders searched before the system's.
    pub font_dirs: Vec<PathBuf>,
    /// `--bundled-fonts`: use only the bundled faces (reproducible output).
    pub bundled_only: bool,
}

impl FontOptions {
    /// Only the bundled faces, wherever the program runs (`--bundled-fonts`; tests, benches, fuzzing).
    pub fn bundled() -> Self {
        FontOptions {
            font_dirs: Vec::new(),
            bundled_only: true,
        }
    }
}

/// Index of a loaded face inside its [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaceId(pub usize);

/// One loaded face: its bytes (compiled in, or a memory-mapped file kept for the whole run) and its
/// parsed tables.
pub struct Face {
    /// Family name as found (`仿宋_GB2312`, `Gongkai Serif`).
    pub family: String,
    /// `bundled:<file>` or the file path.
    pub source: String,
    /// Index of the face inside a collection (.ttc), else 0.
    pub index: u32,
    data: &'static [u8],
    parsed: ttf_parser::Face<'static>,
    /// Characters looked up before, each in the slot its code point picks ([`Face::glyph`]).
    looked_up: Box<[AtomicU64]>,
}

/// Slots of [`Face`]'s lookup cache: a report uses a few hundred different characters, each
/// looked up many times, and a lookup in a CJK font's character map walks its segments each time.
const LOOKUP_SLOTS: usize = 1024;
/// A filled slot: this bit, the character (bits 32–52), the glyph id (bits 16–31, 0 if the face
/// lacks it) and its advance in font units (bits 0–15).
const LOOKED_UP: u64 = 1 << 63;

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("family", &self.family)
            .field("source", &self.source)
            .field("index", &self.index)
            .finish()
    }
}

impl Face {
    fn parse(family: String, source: String, data: &'static [u8], index: u32) -> Option<Face> {
        let parsed = ttf_parser::Face::parse(data, index).ok()?;
        Some(Face {
            family,
            source,
            index,
            data,
            parsed,
            looked_up: (0..LOOKUP_SLOTS).map(|_| AtomicU64::new(0)).collect(),
        })
    }

    /// The whole font file (a collection for .ttc; see [`Face::index`]).
    pub fn data(&self) -> &'static [u8] {
        self.data
    }

    /// The PostScript name (name id 6), if the face has a readable one.
    pub fn postscript_name(&self) -> Option<String> {
        self.parsed
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
    }

    /// Advance of a glyph id, in em.
    pub fn advance(&self, gid: u16) -> f64 {
        let upem = f64::from(self.parsed.units_per_em().max(1));
        f64::from(
            self.parsed
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        ) / upem
    }

    /// Glyph id and advance (in em) of a character, if the face has it.
    pub fn glyph(&self, ch: char) -> Option<(u16, f64)> {
        let slot = &self.looked_up[ch as usize % LOOKUP_SLOTS];
        let seen = slot.load(Relaxed);
        let found = if seen & LOOKED_UP != 0 && (seen >> 32) as u32 & 0x1f_ffff == ch as u32 {
            seen
        } else {
            let gid = self.parsed.glyph_index(ch).map_or(0, |g| g.0);
            let units = match gid {
                0 => 0,
                g => self
                    .parsed
                    .glyph_hor_advance(ttf_parser::GlyphId(g))
                    .unwrap_or(0),
            };
            let found = LOOKED_UP | u64::from(ch) << 32 | u64::from(gid) << 16 | u64::from(units);
            slot.store(found, Relaxed);
            found
        };
        let gid = (found >> 16) as u16;
        if gid == 0 {
            return None;
        }
        let upem = f64::from(self.parsed.units_per_em().max(1));
        Some((gid, f64::from(found as u16) / upem))
    }
}

/// The faces serving one role, in fallback order, and what the first one is.
#[derive(Debug, Clone)]
struct RoleFaces {
    chain: Vec<FaceId>,
}

/// The faces for every role of one style. Cheap to share between threads (`Send + Sync`).
#[derive(Debug)]
pub struct FontSet {
    faces: Vec<Face>,
    roles: BTreeMap<Role, RoleFaces>,
    /// What went wrong on the way without stopping the run (a `--font-dir` that is missing, a
    /// file, or holds no readable font; an installed face that would not load): one each.
    warnings: Diagnostics,
}

/// A glyph found for a character: which face, its id, its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphHit {
    /// The face drawing it.
    pub face: FaceId,
    /// Glyph id in that face.
    pub gid: u16,
    /// Advance width in em.
    pub advance: f64,
}

/// An installed font file's face, found while scanning folders.
struct Candidate {
    path: PathBuf,
    index: u32,
    families: Vec<String>,
}

impl FontSet {
    /// Finds and loads the faces for every role of `style`.
    pub fn load(style: &Style, opts: &FontOptions) -> Result<FontSet, Diagnostics> {
        let mut diags = Vec::new();
        let candidates = if opts.bundled_only {
            Vec::new()
        } else {
            let mut found = Vec::new();
            let mut seen = BTreeSet::new();
            for d in &opts.font_dirs {
                let before = found.len();
                let mut problem = None;
                scan(d, &mut seen, &mut found, &mut problem);
                if let Some(why) = problem.filter(|_| found.len() == before) {
                    diags.push(
                        Diagnostic::warning("font-dir", format!("字体文件夹不可用：{why}"))
                            .in_file(Some(d))
                            .with_hint(
                                "请检查 --font-dir 指定的文件夹；本次改用系统字体和内置字体",
                            ),
                    );
                }
            }
            for d in system_dirs() {
                scan(&d, &mut seen, &mut found, &mut None);
            }
            found
        };
        let mut set = FontSet {
            faces: Vec::new(),
            roles: BTreeMap::new(),
            warnings: Vec::new(),
        };
        for role in Role::ALL {
            let rs = style.role(role);
            let mut chain = Vec::new();
            // The first wanted family that is installed, searched in the order the style lists them.
            let found = rs.families.iter().find_map(|fam| {
                candidates
                    .iter()
                    .find(|c| c.families.iter().any(|f| same_family(f, fam)))
                    .map(|c| (fam, c))
            });
            if let Some((fam, c)) = found {
                match set.installed(fam, c) {
                    Some(id) => chain.push(id),
                    None => {
                        let w = Diagnostic::warning("fonts", "无法读取字体文件，改用内置字体")
                            .in_file(Some(&c.path));
                        if !diags.iter().any(|d| d.file == w.file) {
                            diags.push(w);
                        }
                    }
                }
            }
            match set.bundled(&rs.bundled) {
                Some(id) => {
                    if !chain.contains(&id) {
                        chain.push(id);
                    }
                }
                None => diags.push(
                    Diagnostic::error(
                        "fonts",
                        format!(
                            "样式 {} 中角色 {} 的内置字体“{}”不存在",
                            style.id,
                            role.key(),
                            rs.bundled
                        ),
                    )
                    .with_hint("bundled 只能是 serif、serif-bold、sans、kai 之一"),
                ),
            }
            if let Some(id) = set.bundled(LAST_RESORT) {
                if !chain.contains(&id) {
                    chain.push(id);
                }
            }
            set.roles.insert(role, RoleFaces { chain });
        }
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        set.warnings = diags;
        Ok(set)
    }

    /// Loads an installed face once (memory-mapped, kept for the whole run).
    fn installed(&mut self, family: &str, c: &Candidate) -> Option<FaceId> {
        let source = c.path.display().to_string();
        if let Some(i) = self
            .faces
            .iter()
            .position(|f| f.source == source && f.index == c.index)
        {
            return Some(FaceId(i));
        }
        let map = map_file(&c.path).ok()?;
        let data: &'static [u8] = Box::leak(Box::new(map));
        let face = Face::parse(family.to_string(), source, data, c.index)?;
        self.faces.push(face);
        Some(FaceId(self.faces.len() - 1))
    }

    /// Loads a bundled face once.
    fn bundled(&mut self, key: &str) -> Option<FaceId> {
        let (_, file, family, data) = BUNDLED.iter().find(|(k, ..)| *k == key)?;
        let source = format!("bundled:{file}");
        if let Some(i) = self.faces.iter().position(|f| f.source == source) {
            return Some(FaceId(i));
        }
        let face = Face::parse((*family).to_string(), source, data, 0)?;
        self.faces.push(face);
        Some(FaceId(self.faces.len() - 1))
    }

    /// What went wrong while finding fonts without stopping the run, each said once: print them.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Every loaded face, indexed by [`FaceId`].
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// One face.
    pub fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0]
    }

    /// The glyph for `ch` in `role`: from the role's face, else a fallback face; `None` if no face
    /// of the role can draw it.
    pub fn glyph(&self, role: Role, ch: char) -> Option<GlyphHit> {
        let chain = &self.roles.get(&role)?.chain;
        chain.iter().find_map(|&id| {
            self.faces[id.0].glyph(ch).map(|(gid, advance)| GlyphHit {
                face: id,
                gid,
                advance,
            })
        })
    }

    /// The primary face of a role.
    pub fn primary(&self, role: Role) -> FaceId {
        self.roles[&role].chain[0]
    }

    /// For `gongkai fonts`: (role, family, source) of each role's primary face.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        self.roles
            .iter()
            .map(|(r, rf)| {
                let f = &self.faces[rf.chain[0].0];
                (r.key().to_string(), f.family.clone(), f.source.clone())
            })
            .collect()
    }
}

/// Family names compare without case and without spaces (`SimHei` = `simhei`, `Fang Song` = `FangSong`).
fn same_family(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    norm(a) == norm(b)
}

/// The system font folders of Linux, Windows and macOS, and the user's own.
///
/// Windows: the system folder under `%WINDIR%` (where 仿宋 simfang.ttf, 楷体 simkai.ttf, 黑体
/// simhei.ttf and 宋体 simsun.ttc are on every PC) and the per-user folder under `%LOCALAPPDATA%`
/// (fonts installed "for this user only").
fn system_dirs() -> Vec<PathBuf> {
    let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = ["/usr/share/fonts", "/usr/local/share/fonts"]
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let windows = env("WINDIR").or_else(|| env("SystemRoot"));
    dirs.push(windows.map_or_else(|| PathBuf::from("C:\\Windows\\Fonts"), |w| w.join("Fonts")));
    if let Some(local) = env("LOCALAPPDATA") {
        dirs.push(local.join("Microsoft").join("Windows").join("Fonts"));
    }
    dirs.extend(["/Library/Fonts", "/System/Library/Fonts"].map(PathBuf::from));
    if let Some(home) = env("HOME").or_else(|| env("USERPROFILE")) {
        for d in [".fonts", ".local/share/fonts", "Library/Fonts"] {
            dirs.push(home.join(d));
        }
    }
    dirs
}

/// Maps a font file read-only for as long as the map lives.
///
/// The one `unsafe` of the library: a map is unsound if the file is changed while mapped, and a
/// font file changing under a running render is outside what we guard against (as in every
/// program that maps fonts). Reading instead would copy office fonts of 10–20 MB (SimSun) into
/// memory, and the scan would read every font of the system to learn its family names.
#[allow(unsafe_code)]
fn map_file(path: &Path) -> std::io::Result<memmap2::Mmap> {
    let file = std::fs::File::open(path)?;
    // SAFETY: read-only map of a file we do not write; see above.
    unsafe { memmap2::Mmap::map(&file) }
}

/// Folders deeper than this below a font folder are not searched (font folders are shallow; a
/// deep tree is a mistake, or a loop of links).
const MAX_DEPTH: usize = 6;

/// Adds every face of every .ttf/.otf/.ttc under `dir` (each real folder and file once, whatever
/// links lead to it: `seen` holds their canonical paths) to `out`, with its family names (all
/// languages). `problem` gets why `dir` gave no font, if it gave none.
fn scan(
    dir: &Path,
    seen: &mut BTreeSet<PathBuf>,
    out: &mut Vec<Candidate>,
    problem: &mut Option<String>,
) {
    let mut files = Vec::new();
    match std::fs::metadata(dir) {
        Err(e) => {
            *problem = Some(format!("无法打开（{}）", crate::diag::io_reason(&e)));
            return;
        }
        Ok(m) if !m.is_dir() => {
            *problem = Some("这是一个文件，不是文件夹".into());
            return;
        }
        // a folder named twice (or below another one) is searched once, and is no problem
        Ok(_) if std::fs::canonicalize(dir).is_ok_and(|real| seen.contains(&real)) => return,
        Ok(_) => collect_files(dir, 0, seen, &mut files),
    }
    if files.is_empty() {
        *problem = Some("其中没有字体文件（.ttf、.otf、.ttc）".into());
        return;
    }
    let before = out.len();
    for path in files {
        let Ok(map) = map_file(&path) else {
            continue;
        };
        let n = ttf_parser::fonts_in_collection(&map).unwrap_or(1);
        for index in 0..n {
            let Ok(face) = ttf_parser::Face::parse(&map, index) else {
                continue;
            };
            let mut families = Vec::new();
            for name in face.names() {
                if matches!(
                    name.name_id,
                    ttf_parser::name_id::FAMILY
                        | ttf_parser::name_id::TYPOGRAPHIC_FAMILY
                        | ttf_parser::name_id::FULL_NAME
                ) {
                    if let Some(s) = name.to_string() {
                        if !families.contains(&s) {
                            families.push(s);
                        }
                    }
                }
            }
            out.push(Candidate {
                path: path.clone(),
                index,
                families,
            });
        }
    }
    if out.len() == before {
        *problem = Some("其中的字体文件都无法读取（已损坏或不是字体）".into());
    }
}

/// The font files under `dir`, sorted, visiting each real folder and file once (`seen`).
fn collect_files(dir: &Path, depth: usize, seen: &mut BTreeSet<PathBuf>, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_files(&p, depth + 1, seen, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc"))
        {
            if let Ok(real) = std::fs::canonicalize(&p) {
                if seen.insert(real) {
                    out.push(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> FontSet {
        FontSet::load(&Style::builtin("gbt9704").unwrap(), &FontOptions::bundled()).unwrap()
    }

    #[test]
    fn cached_lookups_match_the_character_map() {
        let fs = bundled();
        let face = fs.face(fs.primary(Role::Body));
        let direct = |ch: char| {
            let g = face.parsed.glyph_index(ch).filter(|g| g.0 != 0)?;
            Some((g.0, face.advance(g.0)))
        };
        // 一 U+4E00 and 刀 U+5200 share a slot, as do A and U+0441; each asked twice, in turns, so
        // every answer after the first comes from the slot or replaces the other character there
        let chars = [
            '一',
            '刀',
            'A',
            '\u{441}',
            '\u{10FFFF}',
            '。',
            '一',
            '刀',
            'A',
            '\u{441}',
        ];
        for ch in chars.into_iter().chain(chars) {
            assert_eq!(face.glyph(ch), direct(ch), "{ch:?}");
        }
        assert!(face.glyph('一').is_some() && face.glyph('\u{10FFFF}').is_none());
    }

    #[test]
    fn bundled_faces_by_role() {
        let fs = bundled();
        let d = fs.describe();
        let fam = |k: &str| d.iter().find(|(r, ..)| r == k).unwrap().1.clone();
        assert_eq!(fam("body"), "Gongkai Serif");
        assert_eq!(fam("title"), "Gongkai Serif Bold");
        assert_eq!(fam("heading1"), "Gongkai Sans");
        assert_eq!(fam("heading2"), "Gongkai Kai");
        // each distinct face is loaded once
        assert_eq!(fs.faces().len(), 4);
    }

    #[test]
    fn glyphs_and_fallback() {
        let fs = bundled();
        let g = fs.glyph(Role::Body, '国').unwrap();
        assert!((g.advance - 1.0).abs() < 1e-9);
        // U+00B7 is not in the Kai subset's 1-em set but the chain still finds a face for '·'
        assert!(fs.glyph(Role::Heading2, '·').is_some());
        // a character no bundled face has: no silent tofu
        assert!(fs.glyph(Role::Body, '\u{1F600}').is_none());
        assert!(fs.glyph(Role::Body, '𠀀').is_none());
    }

    #[test]
    fn font_dir_family_is_preferred() {
        // a --font-dir holding a face whose family the style asks for wins over the bundled face
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kai.ttf"),
            include_bytes!("../../fonts/GongkaiKai-Regular.ttf"),
        )
        .unwrap();
        let mut style = Style::builtin("gbt9704").unwrap();
        style
            .roles
            .get_mut("body")
            .unwrap()
            .families
            .insert(0, "Gongkai Kai".into());
        let fs = FontSet::load(
            &style,
            &FontOptions {
                font_dirs: vec![dir.path().into()],
                bundled_only: false,
            },
        )
        .unwrap();
        let body = fs
            .describe()
            .into_iter()
            .find(|(r, ..)| r == "body")
            .unwrap();
        assert_eq!(body.1, "Gongkai Kai");
        assert!(body.2.ends_with("kai.ttf"), "{body:?}");
        // the role keeps a fallback chain: the bundled serif still serves characters Kai lacks
        assert!(fs.roles[&Role::Body].chain.len() >= 2);
        // bundled_only ignores the folder
        let fs = FontSet::load(
            &style,
            &FontOptions {
                font_dirs: vec![dir.path().into()],
                bundled_only: true,
            },
        )
        .unwrap();
        assert_eq!(
            fs.describe()
                .into_iter()
                .find(|(r, ..)| r == "body")
                .unwrap()
                .1,
            "Gongkai Serif"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_scan_visits_each_real_folder_and_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let fonts = dir.path().join("fonts");
        std::fs::create_dir_all(fonts.join("sub")).unwrap();
        std::fs::write(fonts.join("sub/a.ttf"), b"x").unwrap();
        for i in 0..8 {
            std::os::unix::fs::symlink(&fonts, fonts.join(format!("loop{i}"))).unwrap();
        }
        std::os::unix::fs::symlink(fonts.join("sub/a.ttf"), fonts.join("b.ttf")).unwrap();
        let mut files = Vec::new();
        collect_files(&fonts, 0, &mut BTreeSet::new(), &mut files);
        assert_eq!(files.len(), 1, "{files:?}");
    }

    #[test]
    fn send_sync() {
        fn check<T: Send + Sync>() {}
        check::<FontSet>();
    }
}
