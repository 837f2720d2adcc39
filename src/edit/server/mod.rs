//! `gongkai edit`: a local web server for filling in reports in the browser.
//!
//! The page (HTML, CSS and a dependency-free script written for this project, embedded in the
//! binary) edits a [`Draft`](crate::edit::Draft); the server turns it into findings
//! ([`check_draft`](crate::edit::check_draft)), a preview (the typeset pages as SVG, from the same
//! layout as the PDF) and, on 保存, the report's YAML, written atomically and only over the version
//! the page opened. 生成 PDF 和 Word and 公开栏版 run what `gongkai render` runs.
//!
//! Security ([`guard`]): every request needs the random access token (in the URL the program prints,
//! then a cookie); the Host header must name this server (no DNS rebinding); every request that
//! changes something must come from the page itself (Origin, `Sec-Fetch-Site`, a JSON body); request
//! bodies are bounded ([`MAX_BODY`]); only files directly in the opened folder are read or written
//! ([`files`]); nothing runs a shell.

mod api;
pub mod files;
pub(crate) mod guard;
mod render;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FontOptions, FontSet};
use crate::style::Style;

/// The largest request body the server reads (a report's draft is a few tens of KB; the largest
/// report file `gongkai` reads is [`crate::report::MAX_INPUT_BYTES`], but nobody types that much).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// What `gongkai edit` was asked for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder whose reports are edited.
    pub folder: PathBuf,
    /// A report to open at once (a file name in `folder`).
    pub open: Option<String>,
    /// Where to listen; `None` → 127.0.0.1 on a free port.
    pub listen: Option<SocketAddr>,
    /// The fonts (`--font-dir`, `--bundled-fonts`), as `render` takes them.
    pub fonts: FontOptions,
}

/// A running editor: its address and the URL to open (with the token).
#[derive(Debug, Clone)]
pub struct Started {
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// The URL the clerk opens: address, access token and the report to open, if any.
    pub url: String,
}

/// What every request shares: the folder, the token, the fonts loaded once at start-up.
pub(crate) struct App {
    /// The opened folder, canonical.
    pub root: PathBuf,
    /// The access token.
    pub token: String,
    /// The cookie that carries the token after the first visit (named after the port, so two
    /// editors on one computer do not take each other's).
    pub cookie: String,
    /// Host header values that name this server; empty → any (with `--listen`: the token guards).
    pub hosts: Vec<String>,
    /// The official style and its fonts, for previews and 生成 PDF 和 Word.
    pub style: Style,
    /// The fonts of [`App::style`].
    pub fonts: FontSet,
    /// The notice-board style and its fonts, loaded on first use (公开栏版).
    pub notice: OnceLock<Result<(Style, FontSet), Diagnostics>>,
    /// The font options, for the notice-board fonts.
    pub font_options: FontOptions,
    /// Reports of the folder by organ and year (for last year's report), by file state.
    pub index: Mutex<files::Index>,
    /// Held while a report file is compared with the page's version and replaced.
    pub saving: tokio::sync::Mutex<()>,
    /// The last preview of each report open.
    pub previews: Mutex<render::Previews>,
}

/// Shared state of the handlers.
pub(crate) type Shared = Arc<App>;

/// Binds the address, loads the fonts and prepares the server; `serve` then answers requests
/// until the process ends.
pub struct Editor {
    listener: tokio::net::TcpListener,
    app: Shared,
    runtime: tokio::runtime::Runtime,
    /// Where it listens and what to open.
    pub started: Started,
}

impl Editor {
    /// Binds (127.0.0.1 on a free port unless `--listen`), checks the folder, loads the fonts.
    pub fn bind(config: &Config) -> Result<Editor, Diagnostics> {
        let root = std::fs::canonicalize(&config.folder)
            .ok()
            .filter(|p| p.is_dir())
            .ok_or_else(|| {
                vec![Diagnostic::error("edit", "找不到这个文件夹")
                    .in_file(Some(&config.folder))
                    .with_hint("请指定存放报告的文件夹，或其中的一份报告（.yaml）")]
            })?;
        // temporary files a killed run left (as `render` does)
        crate::render::clean_stale_temps(&root);
        let style = Style::builtin("gbt9704")
            .ok_or_else(|| vec![Diagnostic::error("edit", "内置版式 gbt9704 缺失")])?;
        let fonts = FontSet::load(&style, &config.fonts)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_io()
            .build()
            .map_err(|e| vec![Diagnostic::error("edit", format!("无法启动服务（{e}）"))])?;
        let addr = config
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .and_then(|l| Ok((l.local_addr()?, l)));
        let (addr, listener) = listener.map_err(|e| {
            vec![Diagnostic::error(
                "edit",
                format!("无法在 {addr} 上监听（{}）", crate::diag::io_reason(&e)),
            )
            .with_hint("请换一个地址或端口（--listen 127.0.0.1:8080），或不加 --listen 自动选择")]
        })?;
        let token = guard::new_token().map_err(|e| {
            vec![Diagnostic::error(
                "edit",
                format!("无法生成访问口令（{e}）"),
            )]
        })?;
        let hosts = match config.listen {
            Some(_) => Vec::new(),
            None => guard::loopback_hosts(addr.port()),
        };
        let mut url = format!("http://{addr}/?token={token}");
        if let Some(f) = &config.open {
            url.push_str("#/r/");
            url.push_str(&guard::percent_encode(f));
        }
        let app = Arc::new(App {
            root,
            cookie: format!("gongkai_{}", addr.port()),
            token,
            hosts,
            style,
            fonts,
            notice: OnceLock::new(),
            font_options: config.fonts.clone(),
            index: Mutex::new(files::Index::default()),
            saving: tokio::sync::Mutex::new(()),
            previews: Mutex::new(render::Previews::default()),
        });
        Ok(Editor {
            listener,
            app,
            runtime,
            started: Started { addr, url },
        })
    }

    /// The fonts' warnings (fonts not found, bundled faces used instead).
    pub fn font_warnings(&self) -> &[Diagnostic] {
        self.app.fonts.warnings()
    }

    /// Answers requests until the process ends (or the listener fails).
    pub fn serve(self) -> Result<(), Diagnostics> {
        let router = router(self.app);
        self.runtime
            .block_on(async move { axum::serve(self.listener, router).await })
            .map_err(|e| vec![Diagnostic::error("edit", format!("服务中断（{e}）"))])
    }
}

/// The routes: the page and its assets, and the JSON API under `/api/`.
fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route("/app.js", get(api::script))
        .route("/app.css", get(api::stylesheet))
        .route("/api/folder", get(api::folder))
        .route("/api/open", get(api::open))
        .route("/api/check", post(api::check))
        .route("/api/preview", post(api::preview))
        .route("/api/save", post(api::save))
        .route("/api/new", post(api::new_report))
        .route("/api/render", post(render::render))
        .route("/api/download", get(render::download))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}
