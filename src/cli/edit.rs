//! `gongkai edit`: start the editor's server on the folder (or the report's folder), print the
//! address, open the browser, answer until Ctrl+C.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use gongkai::edit::server::{Config, Editor};

use super::print_diags;

/// What the user asked `edit` for.
#[derive(Debug)]
pub struct Args {
    /// A report file or a folder; none → the current folder.
    pub path: Option<PathBuf>,
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--no-browser`.
    pub no_browser: bool,
    /// `--font-dir`, `--bundled-fonts`.
    pub fonts: gongkai::fonts::FontOptions,
}

/// Runs `edit`; returns the exit code (only when the server could not start or stopped).
pub fn run(a: Args) -> i32 {
    let path = a.path.unwrap_or_else(|| PathBuf::from("."));
    let (folder, open) = if path.is_file() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string);
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (folder, name)
    } else {
        (path, None)
    };
    let config = Config {
        folder,
        open,
        listen: a.listen,
        fonts: a.fonts,
    };
    let editor = match Editor::bind(&config) {
        Ok(e) => e,
        Err(d) => {
            print_diags(&d);
            return 2;
        }
    };
    print_diags(editor.font_warnings());
    let url = editor.started.url.clone();
    outln!("{url}");
    sayln!(
        "gongkai edit：已在上面的地址打开报告编辑页面（{}）。",
        config.folder.display()
    );
    if a.listen.is_some() {
        sayln!("  注意：其他电脑也可访问此地址；地址中的访问口令只显示这一次，请只告诉需要填写报告的人。");
    }
    sayln!("  浏览器没有自动打开时，请把地址复制到浏览器中；用完后按 Ctrl+C 或关闭本窗口结束。");
    if !a.no_browser && open::that_detached(&url).is_err() {
        sayln!("  没能自动打开浏览器，请手动打开上面的地址。");
    }
    match editor.serve() {
        Ok(()) => 0,
        Err(d) => {
            print_diags(&d);
            2
        }
    }
}

/// Started with no arguments on Windows (a double-click in Explorer, which starts the program in
/// its own folder): the editor on that folder, its console window the server's. When the editor
/// cannot start, the guide, waiting for Enter so that the window stays open to be read.
pub fn double_click() -> i32 {
    sayln!(
        "gongkai：在浏览器中填写本文件夹中的报告。命令行用法见“使用说明.txt”或 gongkai --help。"
    );
    let code = run(Args {
        path: None,
        listen: None,
        no_browser: false,
        fonts: gongkai::fonts::FontOptions::default(),
    });
    super::guide(true);
    code
}
