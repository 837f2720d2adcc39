//! `gongkai edit`: a local web server for filling in reports in the browser.
//!
//! The page (HTML, CSS and a dependency-free script written for this project, embedded in the
//! binary) edits a [`Draft`](crate::edit::Draft); the server turns it into findings
//! ([`check_draft`](crate::edit::check_draft)), a preview (the typeset pages as SVG, from the same
//! layout as the PDF) and, on 保存, the report's YAML, written atomically and only over the version
//! the page opened. 生成 PDF 和 Word and 公开栏版 run what `gongkai render` runs.
//!
//! Security (`guard`): every request needs the random access token (in the URL the program prints,
//! then a cookie); the Host header must name this server (no DNS rebinding); every request that
//! changes something must come from the page itself (Origin, `Sec-Fetch-Site`, a JSON body); request
//! bodies are bounded ([`MAX_BODY`]); only files directly in the opened folder are read or written
//! ([`files`]); nothing runs a shell.
//!
//! The HTTP plumbing is [`oxhttp`] with plain threads: the editor is a local server for one clerk
//! and a handful of requests a second, so it needs no async runtime. Each connection has a thread
//! of its own (at most [`MAX_CONNECTIONS`]) that does the work of its requests (load, check,
//! preview, render); a panic answers 500. oxhttp caps the request head (8 KB of headers, refused
//! with 400), waits at most [`TIMEOUT`] for each read or write, and goes on accepting after an
//! accept fails (out of file handles, say).

mod api;
pub mod files;
pub(crate) mod guard;
mod render;

use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use oxhttp::model::header::CONNECTION;
use oxhttp::model::{Body, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use oxhttp::{ListeningServer, Server};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::fonts::{FontOptions, FontSet};
use crate::style::Style;
use api::ApiError;

/// The largest request body the server reads (a report's draft is a few tens of KB; the largest
/// report file `gongkai` reads is [`crate::report::MAX_INPUT_BYTES`], but nobody types that much).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Connections answered at once, each by a thread of its own (a 生成 that takes a second leaves
/// the others to answer keystrokes; a browser opens six). Further connections wait to be
/// accepted, so the program never runs out of threads or file handles however many are opened.
/// A refused request's connection is closed at once; a program on the same computer that holds
/// this many connections open can still make the editor wait (up to [`TIMEOUT`] per idle one).
pub const MAX_CONNECTIONS: usize = 64;

/// The longest wait for a client between two reads (or writes) of a connection; then it is
/// closed. A clerk's page that is open but idle holds no thread longer than this.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The longest body left unread (refused, or over [`MAX_BODY`]) that is still read to its end
/// and discarded, so the connection serves the page's next request and the browser is not cut
/// off while it sends (it would show a broken connection instead of the answer). A longer body,
/// or one of unknown length, is not read: its connection is closed after the answer.
const MAX_DRAINED: u64 = 16 * MAX_BODY as u64;

/// Attempts at a free port: one is found, then bound by the server, and another program may
/// take it in between.
const PORT_ATTEMPTS: usize = 5;

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

    /// `status` with a body of type `kind`, no further headers.
    pub fn new(status: u16, kind: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            kind,
            body,
            headers: Vec::new(),
        }
    }

    /// `status` with a JSON body.
    pub fn with_json(status: u16, value: &Value) -> Reply {
        Reply::new(status, "application/json", value.to_string().into_bytes())
    }

    /// `status` with a Chinese sentence as plain text.
    pub fn text(status: u16, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }
}

/// A handler: the work of one route, run in the thread that took the request.
type Handler = fn(&App, &Call) -> Result<Reply, ApiError>;

/// Loads the fonts and starts the server on its address; `serve` then waits while it answers
/// requests, until the process ends.
pub struct Editor {
    server: ListeningServer,
    app: Arc<App>,
    /// Where it listens and what to open.
    pub started: Started,
}

impl Editor {
    /// Checks the folder, loads the fonts and starts the server (127.0.0.1 on a free port unless
    /// `--listen`), which answers requests from then on.
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
        let token = guard::new_token().map_err(|e| {
            vec![Diagnostic::error(
                "edit",
                format!("无法生成访问口令（{e}）"),
            )]
        })?;
        let mut app = Arc::new(App {
            root,
            token,
            // set for the address below ([`App::place`])
            cookie: String::new(),
            hosts: Vec::new(),
            style,
            fonts,
            notice: OnceLock::new(),
            font_options: config.fonts.clone(),
            index: Mutex::new(files::Index::default()),
            saving: Mutex::new(()),
            previews: Mutex::new(render::Previews::default()),
        });
        let wanted = config
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let (addr, server) = start(&mut app, wanted, config.listen.is_some()).map_err(|e| {
            vec![Diagnostic::error(
                "edit",
                format!("无法在 {wanted} 上监听（{}）", crate::diag::io_reason(&e)),
            )
            .with_hint("请换一个地址或端口（--listen 127.0.0.1:8080），或不加 --listen 自动选择")]
        })?;
        let mut url = format!("http://{addr}/?token={}", app.token);
        if let Some(f) = &config.open {
            url.push_str("#/r/");
            url.push_str(&guard::percent_encode(f));
        }
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

    /// Waits while the server answers requests, until the process ends (or the server's listening
    /// thread fails: then its error is returned).
    pub fn serve(self) -> Result<(), Diagnostics> {
        let e = match self.server.join() {
            Ok(()) => "停止监听".to_string(),
            Err(e) => e.to_string(),
        };
        Err(vec![Diagnostic::error("edit", format!("服务中断（{e}）"))])
    }
}

impl App {
    /// What depends on the port: the cookie's name and, unless `--listen` was given (`any_host`),
    /// the Host header values taken.
    fn place(&mut self, addr: SocketAddr, any_host: bool) {
        self.cookie = format!("gongkai_{}", addr.port());
        self.hosts = match any_host {
            true => Vec::new(),
            false => guard::loopback_hosts(addr.port()),
        };
    }
}

/// Starts the server on `wanted`; port 0 is a free port of its IP address, found by binding a
/// listener there and asking its port, then given to the server (which binds it again itself: it
/// takes an address, not a listener). Another program may take the port in between: then another
/// free port is tried, up to [`PORT_ATTEMPTS`] times. The address bound and the running server.
fn start(
    app: &mut Arc<App>,
    wanted: SocketAddr,
    any_host: bool,
) -> std::io::Result<(SocketAddr, ListeningServer)> {
    let mut attempt = 1;
    loop {
        let addr = match wanted.port() {
            0 => SocketAddr::new(wanted.ip(), free_port(wanted.ip())?),
            _ => wanted,
        };
        // nobody else holds the app before the server starts, nor after it failed to
        Arc::get_mut(app)
            .ok_or_else(|| std::io::Error::other("服务的状态仍被占用"))?
            .place(addr, any_host);
        let shared = Arc::clone(app);
        let started = Server::new(move |req| respond(&shared, req))
            .bind(addr)
            .with_global_timeout(TIMEOUT)
            .with_max_concurrent_connections(MAX_CONNECTIONS)
            .spawn();
        match started {
            Ok(server) => return Ok((addr, server)),
            Err(e) if wanted.port() == 0 && e.kind() == ErrorKind::AddrInUse => {
                if attempt == PORT_ATTEMPTS {
                    return Err(e);
                }
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A port of `ip` that is free now.
fn free_port(ip: IpAddr) -> std::io::Result<u16> {
    Ok(TcpListener::bind((ip, 0))?.local_addr()?.port())
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
    let takes = if method == Method::GET || method == Method::HEAD {
        reads
    } else {
        method == Method::POST && !reads
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
fn read_body(req: &mut Request<Body>) -> Result<Vec<u8>, ApiError> {
    let too_long = || {
        ApiError::new(
            413,
            "请求的内容太大，没有读取",
            Some("一份报告的内容不会这么多；请检查是否粘贴了其他内容"),
        )
    };
    if req.body().len().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    let read = (&mut *req.body_mut())
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        // what is left of it will not come either
        close_after(req);
        return Err(ApiError::new(400, "请求的内容没有读完整", None));
    }
    if body.len() > MAX_BODY {
        return Err(too_long());
    }
    Ok(body)
}

/// Leaves the rest of the request's body unread and closes the connection after the answer.
/// oxhttp reads a body's unread rest once the answer is made, before sending it, and keeps the
/// connection unless the request says `Connection: close` (both as its `Server` does it in 0.3).
fn close_after(req: &mut Request<Body>) {
    *req.body_mut() = Body::empty();
    req.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
}

/// One request, as oxhttp hands it over: the answer ([`answer`]; a panic there answers 500), with
/// the body's unread rest left to be read only when it is short enough ([`MAX_DRAINED`]).
fn respond(app: &App, req: &mut Request<Body>) -> Response<Body> {
    let reply = catch_unwind(AssertUnwindSafe(|| answer(app, req)))
        .unwrap_or_else(|_| Reply::text(500, "处理时出现内部错误"));
    if req.body().len().is_none_or(|n| n > MAX_DRAINED) {
        close_after(req);
    }
    let head = req.method() == Method::HEAD;
    let mut res = Response::new(Body::from(if head { Vec::new() } else { reply.body }));
    *res.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // the length is always known: oxhttp sends it as Content-Length, never chunked
    let headers = std::iter::once(("Content-Type", reply.kind.to_string())).chain(reply.headers);
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            res.headers_mut().append(name, value);
        }
    }
    res
}

/// The answer to one request: the guard, the route, the body, the handler (a panic in it answers
/// 500), and the guard's headers.
fn answer(app: &App, req: &mut Request<Body>) -> Reply {
    match guard::check(app, req) {
        // a refused client keeps no connection (a page elsewhere must not hold the editor's
        // connection slots open with requests it cannot make)
        Err(refused) => {
            close_after(req);
            guard::stamp(app, false, refused)
        }
        Ok(set_cookie) => {
            let reply = match route(req.method(), req.uri().path()) {
                Err(status) => Reply::text(status, ""),
                Ok(handler) => {
                    let query = query_pairs(req.uri().query().unwrap_or(""));
                    let body = match req.method() == Method::POST {
                        true => read_body(req),
                        false => Ok(Vec::new()),
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
    }
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
        assert!(route(&Method::GET, "/api/folder").is_ok());
        assert!(route(&Method::HEAD, "/").is_ok());
        assert!(route(&Method::POST, "/api/save").is_ok());
        assert_eq!(route(&Method::GET, "/api/save").err(), Some(405));
        assert_eq!(route(&Method::POST, "/api/folder").err(), Some(405));
        assert_eq!(route(&Method::PUT, "/api/save").err(), Some(405));
        assert_eq!(route(&Method::GET, "/api/nothing").err(), Some(404));
        assert_eq!(route(&Method::GET, "/app.js/../x").err(), Some(404));
    }
}
