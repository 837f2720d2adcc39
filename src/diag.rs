//! Diagnostics as data: every finding of every stage, located in the file it came from.
//!
//! Nothing here prints: `main` renders diagnostics once, with [`Diagnostic::render`].

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The report may be published, but a person should look.
    Warning,
    /// The report must not be published as it is.
    Error,
}

impl Severity {
    /// The Chinese word printed before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }
}

/// A place in a source file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    /// 1-based line; 0 when unknown.
    pub line: u32,
    /// 1-based column in characters; 0 when unknown.
    pub col: u32,
}

impl Pos {
    /// A known position.
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
    /// Whether the position is known.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// One finding: severity, where, what, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the finding is about (the report, or the previous year's report).
    pub file: Option<PathBuf>,
    /// Where in that file.
    pub pos: Pos,
    /// Stable rule or error code (`R3`, `yaml`, `unknown-key`, …).
    pub code: String,
    /// The fact, in Chinese, naming tables, rows and columns as printed.
    pub message: String,
    /// What to do about it, in Chinese (may be empty).
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error with a code and a message.
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            pos: Pos::default(),
            code: code.to_string(),
            message: message.into(),
            hint: None,
        }
    }
    /// A warning with a code and a message.
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }
    /// Sets the position.
    pub fn at(mut self, pos: Pos) -> Self {
        self.pos = pos;
        self
    }
    /// Sets the file.
    pub fn in_file(mut self, file: Option<&Path>) -> Self {
        if self.file.is_none() {
            self.file = file.map(Path::to_path_buf);
        }
        self
    }
    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// `file:line:col: 错误：message` followed by an indented `提示：` line when there is a hint.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(f) = &self.file {
            out.push_str(&f.display().to_string());
            if self.pos.is_known() {
                out.push_str(&format!(":{}:{}", self.pos.line, self.pos.col));
            }
            out.push_str(": ");
        }
        out.push_str(self.severity.label());
        out.push('：');
        out.push_str(&escape_invisible(&self.message));
        if let Some(h) = &self.hint {
            out.push_str("\n  提示：");
            out.push_str(&escape_invisible(h));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// A list of findings; the `Err` side of every fallible stage.
pub type Diagnostics = Vec<Diagnostic>;

/// Whether any finding is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Whether `c` prints as nothing: a control character other than tab and line breaks, or a format
/// character (zero-width space, bidi controls, soft hyphen, BOM…).
pub fn is_invisible(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory};
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    matches!(
        get_general_category(c),
        GeneralCategory::Control | GeneralCategory::Format
    )
}

/// `s` with every invisible character written as `<U+XXXX>`, for messages and the terminal (a raw
/// U+202E would reverse the rest of the line).
pub fn escape_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_invisible(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if c != '\n' && is_invisible(c) {
                    format!("<U+{:04X}>", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// An I/O error's reason in Chinese.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件不存在".into(),
        PermissionDenied => "没有权限".into(),
        IsADirectory => "这是一个文件夹".into(),
        AlreadyExists => "已存在".into(),
        StorageFull => "磁盘已满".into(),
        ReadOnlyFilesystem => "只读的文件系统".into(),
        NotADirectory => "路径中有一部分不是文件夹".into(),
        _ => e.to_string(),
    }
}
