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

//!
//! The HTTP plumbing is [`tiny_http`] with plain threads: the editor is a local server for one
//! clerk and a handful of requests a second, so it needs no async runtime. [`WORKERS`] threads take
//! the requests in turn and do their work (load, check, preview, render) in the same thread; a
//! panic answers 500 and the thread goes on.

mod api;
pub mod files;
pub(crate) mod guard;
mod render;

use std::io::{Cursor, Read};
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::Value;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FontOptions, FontSet};
use crate::style::Style;
use api::ApiError;

/// The largest request body the server reads (a report's draft is a few tens of KB; the largest
/// report file `gongkai` reads is [`crate::report::MAX_INPUT_BYTES`], but nobody types that much).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Threads answering requests: a 生成 that takes a second leaves the others to answer keystrokes.
pub const WORKERS: usize = 4;

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
    pub saving: Mutex<()>,
    /// The last preview of each report open.
    pub previews: Mutex<render::Previews>,
}

/// A request as a handler sees it: the query's parameters (decoded) and the body.
pub(crate) struct Call {
    /// `name=value` pairs of the query string, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The request body (at most [`MAX_BODY`] bytes; empty for a GET).
    pub body: Vec<u8>,
}

impl Call {
    /// The one `file=` of the query (none, or two, is a bad request).
    pub fn file(&self) -> Result<String, ApiError> {
        let mut files = self.query.iter().filter(|(k, _)| k == "file");
        match (files.next(), files.next()) {
            (Some((_, f)), None) => Ok(f.clone()),
            _ => Err(ApiError::new(
                400,
                "请求的地址不完整：需要一个文件名（file=）",
                None,
            )),
        }
    }

    /// The body as JSON of type `T`: 400 if it is not JSON, 422 if it is JSON of another shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            let (status, what) = if e.is_data() {
                (422, "请求的内容缺少或多出了字段")
            } else {
                (400, "请求的内容不是有效的 JSON")
            };
            ApiError::new(status, &format!("{what}（{e}）"), None)
        })
    }
}

/// An answer: status, content type, body and any further headers.
pub(crate) struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub kind: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// Further headers (name, value).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(value: &Value) -> Reply {
        Reply::with_json(200, value)
    }

    /// `status` with a JSON body.
    pub fn with_json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            kind: "application/json",
            body: value.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    /// `status` with a Chinese sentence as plain text.
    pub fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            kind: "text/plain; charset=utf-8",
            body: text.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }
}

/// A handler: the work of one route, run in the thread that took the request.
type Handler = fn(&App, &Call) -> Result<Reply, ApiError>;

/// Binds the address, loads the fonts and prepares the server; `serve` then answers requests
/// until the process ends.
pub struct Editor {
    server: Server,
    app: App,
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
        let addr = config
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = TcpListener::bind(addr).and_then(|l| Ok((l.local_addr()?, l)));
        let (addr, listener) = listener.map_err(|e| {
            vec![Diagnostic::error(
                "edit",
                format!("无法在 {addr} 上监听（{}）", crate::diag::io_reason(&e)),
            )
            .with_hint("请换一个地址或端口（--listen 127.0.0.1:8080），或不加 --listen 自动选择")]
        })?;
        let server = Server::from_listener(listener, None)
            .map_err(|e| vec![Diagnostic::error("edit", format!("无法启动服务（{e}）"))])?;
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
        let app = App {
            root,
            cookie: format!("gongkai_{}", addr.port()),
            token,
            hosts,
            style,
            fonts,
            notice: OnceLock::new(),
            font_options: config.fonts.clone(),
            index: Mutex::new(files::Index::default()),
            saving: Mutex::new(()),
            previews: Mutex::new(render::Previews::default()),
        };
        Ok(Editor {
            server,
            app,
            started: Started { addr, url },
        })
    }

    /// The fonts' warnings (fonts not found, bundled faces used instead).
    pub fn font_warnings(&self) -> &[Diagnostic] {
        self.app.fonts.warnings()
    }

    /// Answers requests until the process ends (or the listener fails: then every thread stops
    /// and the error is returned).
    pub fn serve(self) -> Result<(), Diagnostics> {
        let (server, app) = (&self.server, &self.app);
        let failed: OnceLock<String> = OnceLock::new();
        std::thread::scope(|s| {
            for _ in 0..WORKERS {
                s.spawn(|| loop {
                    match server.recv() {
                        // a panic the handler's own guard did not catch (in writing the answer)
                        // costs that request only
                        Ok(req) => {
                            let _ = catch_unwind(AssertUnwindSafe(|| answer(app, req)));
                        }
                        Err(e) => {
                            // the first to fail holds the listener's error; it wakes the next
                            let _ = failed.set(e.to_string());
                            server.unblock();
                            return;
                        }
                    }
                });
            }
        });
        let e = failed.into_inner().unwrap_or_default();
        Err(vec![Diagnostic::error("edit", format!("服务中断（{e}）"))])
    }
}

/// The routes: the page and its assets, and the JSON API under `/api/`. `Err` is the status for a
/// path that is not there (404) or a method it does not take (405).
fn route(method: &Method, path: &str) -> Result<Handler, u16> {
    let (reads, handler): (bool, Handler) = match path {
        "/" => (true, api::page),
        "/app.js" => (true, api::script),
        "/app.css" => (true, api::stylesheet),
        "/api/folder" => (true, api::folder),
        "/api/open" => (true, api::open),
        "/api/check" => (false, api::check),
        "/api/preview" => (false, api::preview),
        "/api/save" => (false, api::save),
        "/api/new" => (false, api::new_report),
        "/api/render" => (false, render::render),
        "/api/download" => (true, render::download),
        _ => return Err(404),
    };
    let takes = match method {
        Method::Get | Method::Head => reads,
        Method::Post => !reads,
        _ => false,
    };
    if takes {
        Ok(handler)
    } else {
        Err(405)
    }
}

/// The query string's `name=value` pairs, each side percent-decoded (`+` is a space, as in a
/// form); a name without `=` has an empty value.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The body of a request, at most [`MAX_BODY`] bytes: 413 (unread) when it says or turns out to be
/// longer, 400 when it breaks off.
fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let too_long = || {
        ApiError::new(
            413,
            "请求的内容太大，没有读取",
            Some("一份报告的内容不会这么多；请检查是否粘贴了其他内容"),
        )
    };
    if req.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    req.as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|_| ApiError::new(400, "请求的内容没有读完整", None))?;
    if body.len() > MAX_BODY {
        return Err(too_long());
    }
    Ok(body)
}

/// One request: the guard, the route, the body, the handler (a panic in it answers 500), and the
/// answer with the guard's headers.
fn answer(app: &App, mut req: Request) {
    let reply = match guard::check(app, &req) {
        Err(refused) => guard::stamp(app, false, refused),
        Ok(set_cookie) => {
            let (path, query) = req.url().split_once('?').unwrap_or((req.url(), ""));
            let reply = match route(req.method(), path) {
                Err(status) => Reply::text(status, ""),
                Ok(handler) => {
                    let query = query_pairs(query);
                    let body = match req.method() {
                        Method::Post => read_body(&mut req),
                        _ => Ok(Vec::new()),
                    };
                    let done = body.and_then(|body| {
                        let call = Call { query, body };
                        catch_unwind(AssertUnwindSafe(|| handler(app, &call)))
                            .unwrap_or_else(|_| Err(ApiError::internal()))
                    });
                    done.unwrap_or_else(ApiError::into_reply)
                }
            };
            guard::stamp(app, set_cookie, reply)
        }
    };
    let headers: Vec<Header> = std::iter::once(("Content-Type", reply.kind.to_string()))
        .chain(reply.headers)
        .filter_map(|(name, value)| Header::from_bytes(name, value).ok())
        .collect();
    if req.body_length().is_some_and(|n| n > MAX_DECLARED) {
        answer_and_keep(req, reply.status, headers, &reply.body);
        return;
    }
    let length = reply.body.len();
    let res = Response::new(
        StatusCode(reply.status),
        headers,
        Cursor::new(reply.body),
        Some(length),
        None,
    )
    // the length is always known: sent as Content-Length, never chunked
    .with_chunked_threshold(usize::MAX);
    // the clerk's browser went away: nothing to tell anyone
    let _ = req.respond(res);
}

/// The longest body a request may declare and be dropped as usual. tiny_http 0.12 drops the
/// unread rest of a body by reading it into one buffer of the declared size (`EqualReader`'s
/// `Drop`), so a request declaring a terabyte would end the program when that allocation fails,
/// whatever the answer. A browser never declares more than it sends, and the page's drafts are
/// tens of KB.
const MAX_DECLARED: usize = 16 * MAX_BODY;

/// Answers a request that declared a body over [`MAX_DECLARED`], then never drops it: its
/// connection stays open until the program ends (the only way past tiny_http's buffer). The
/// answer goes out through `upgrade`, which writes the status and headers (and `Connection:
/// upgrade`, harmless without a 101) and hands over the connection, on which the body follows.
fn answer_and_keep(req: Request, status: u16, mut headers: Vec<Header>, body: &[u8]) {
    use std::io::Write;
    headers.extend(Header::from_bytes("Content-Length", body.len().to_string()).ok());
    let head = Response::new(StatusCode(status), headers, std::io::empty(), Some(0), None);
    let mut connection = req.upgrade("gongkai", head);
    let _ = connection.write_all(body).and_then(|()| connection.flush());
    std::mem::forget(connection);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_percent_decoded() {
        let q = query_pairs("file=%E9%9D%92%E7%A6%BE-2021.yaml&token=ab&x+y=a%2Bb+c&flag&&");
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(
            pairs,
            [
                ("file", "青禾-2021.yaml"),
                ("token", "ab"),
                ("x y", "a+b c"),
                ("flag", "")
            ]
        );
    }

    #[test]
    fn one_file_name_is_asked_for() {
        let call = |q: &str| Call {
            query: query_pairs(q),
            body: Vec::new(),
        };
        assert_eq!(call("file=a.pdf").file().unwrap(), "a.pdf");
        assert_eq!(call("").file().unwrap_err().status, 400);
        assert_eq!(
            call("file=a.pdf&file=b.pdf").file().unwrap_err().status,
            400
        );
    }

    #[test]
    fn a_body_of_the_wrong_shape_is_told_from_one_that_is_not_json() {
        #[derive(serde::Deserialize, Debug)]
        struct Body {
            #[allow(dead_code)]
            file: String,
        }
        let call = |b: &str| Call {
            query: Vec::new(),
            body: b.as_bytes().to_vec(),
        };
        assert!(call(r#"{"file": "a.yaml"}"#).json::<Body>().is_ok());
        assert_eq!(call("{}").json::<Body>().unwrap_err().status, 422);
        assert_eq!(call("   ").json::<Body>().unwrap_err().status, 400);
        assert_eq!(call("{\"file\":").json::<Body>().unwrap_err().status, 400);
    }

    #[test]
    fn routes_take_their_methods_only() {
        assert!(route(&Method::Get, "/api/folder").is_ok());
        assert!(route(&Method::Head, "/").is_ok());
        assert!(route(&Method::Post, "/api/save").is_ok());
        assert_eq!(route(&Method::Get, "/api/save").err(), Some(405));
        assert_eq!(route(&Method::Post, "/api/folder").err(), Some(405));
        assert_eq!(route(&Method::Put, "/api/save").err(), Some(405));
        assert_eq!(route(&Method::Get, "/api/nothing").err(), Some(404));
        assert_eq!(route(&Method::Get, "/app.js/../x").err(), Some(404));
    }
}
