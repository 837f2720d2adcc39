//! Helpers for the tests (and the benchmark) of `gongkai edit`: the editor started as a user starts
//! it (the binary, on a folder copied from the repository's samples), plain HTTP requests, and
//! Chromium driven through chromedriver.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository's sample reports.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// A temporary folder holding copies of the named samples.
pub fn folder_with(samples: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for s in samples {
        std::fs::copy(sample(s), dir.path().join(s)).expect("copy sample");
    }
    dir
}

/// A running `gongkai edit`, stopped when dropped.
pub struct Editor {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The access token.
    pub token: String,
    /// The URL it printed.
    pub url: String,
}

impl Editor {
    /// `gongkai edit --no-browser --bundled-fonts FOLDER` (and `extra` arguments); waits for the
    /// address it prints.
    pub fn start(folder: &Path, extra: &[&str]) -> Editor {
        Editor::start_with_prefix(&[], folder, extra)
    }

    /// As [`Editor::start`], run through the command `prefix` (e.g. `prlimit --nofile=…`).
    pub fn start_with_prefix(prefix: &[&str], folder: &Path, extra: &[&str]) -> Editor {
        let bin = env!("CARGO_BIN_EXE_gongkai");
        let mut command = match prefix.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = command
            .args(["edit", "--no-browser", "--bundled-fonts"])
            .args(extra)
            .arg(folder)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gongkai edit");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address");
        let url = line.trim().to_string();
        assert!(url.starts_with("http://"), "gongkai edit printed {url:?}");
        let (base, rest) = url.split_at(url[7..].find('/').map(|i| i + 7).expect("a path"));
        let token = rest
            .split(['?', '&', '#'])
            .find_map(|kv| kv.strip_prefix("token="))
            .expect("a token in the URL")
            .to_string();
        Editor {
            child,
            base: base.to_string(),
            token,
            url,
        }
    }

    /// `base` + `path` with the token.
    pub fn at(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}token={}", self.base, self.token)
    }

    /// The `Host` header a browser sends to it.
    pub fn host(&self) -> &str {
        &self.base[7..]
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that reports every status instead of failing on 4xx.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Status and body of a GET.
pub fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().expect("GET");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

/// Status and body of a GET, as bytes.
pub fn get_bytes(url: &str) -> (u16, Vec<u8>) {
    let mut r = agent().get(url).call().expect("GET");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_vec().unwrap_or_default())
}

/// Status and body (JSON) of a POST as the page sends it (same origin, JSON).
pub fn post(ed: &Editor, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    post_with(ed, path, &body.to_string(), &[])
}

/// A POST with extra headers and a raw body.
pub fn post_with(
    ed: &Editor,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let origin = format!("http://{}", ed.host());
    let given = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut req = agent().post(&ed.at(path));
    if !given("Content-Type") {
        req = req.header("Content-Type", "application/json");
    }
    if !given("Origin") {
        req = req.header("Origin", &origin);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut r = req.send(body).expect("POST");
    let status = r.status().as_u16();
    let text = r
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// The status line's code of a POST whose body is `len` bytes, sent whole while the answer is read
/// (the server may answer, and close, before it has read it all).
pub fn post_large(ed: &Editor, path: &str, len: usize) -> u16 {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(ed.host()).expect("connect");
    let head = format!(
        "POST {path}?token={} HTTP/1.1\r\nHost: {}\r\nOrigin: http://{}\r\n\
         Content-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        ed.token,
        ed.host(),
        ed.host()
    );
    let mut writer = conn.try_clone().expect("clone");
    let sending = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        let chunk = vec![b' '; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(chunk.len());
            if writer.write_all(&chunk[..n]).is_err() {
                break;
            }
            left -= n;
        }
    });
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    let _ = sending.join();
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `GET /api/open?file=`.
pub fn open(ed: &Editor, file: &str) -> serde_json::Value {
    let (status, body) = get(&ed.at(&format!("/api/open?file={}", enc(file))));
    assert_eq!(status, 200, "open {file}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// A file name for a URL query.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The text lines of each page of a PDF, as its text layer gives them.
pub fn pdf_lines(pdf: &[u8]) -> Vec<Vec<String>> {
    let text = gongkai::readback::pdf::read(pdf).expect("the PDF reads back");
    (0..text.pages.len())
        .map(|i| {
            gongkai::readback::lines::lines(i, &text.pages[i])
                .iter()
                .map(|l| l.text())
                .collect()
        })
        .collect()
}

/// Text without any white space (lines compared across the preview and the PDF's text layer).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Driver {
    /// Starts `chromedriver` (from PATH) and waits until it answers.
    pub fn start() -> Driver {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) must be installed");
        let url = format!("http://127.0.0.1:{port}");
        let until = Instant::now() + Duration::from_secs(20);
        while get_ok(&format!("{url}/status")).is_none() {
            assert!(Instant::now() < until, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, url }
    }
}

fn get_ok(url: &str) -> Option<()> {
    let r = agent().get(url).call().ok()?;
    (r.status().as_u16() == 200).then_some(())
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session, downloads going to `downloads`.
pub async fn browser(driver: &Driver, downloads: &Path) -> fantoccini::Client {
    let binary = std::env::var("GONGKAI_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": binary,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1500,1000", "--lang=zh-CN"],
            "prefs": {
                "download.default_directory": downloads.to_string_lossy(),
                "download.prompt_for_download": false,
            },
        }
    });
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session through chromedriver")
}

/// Waits until `cond` holds (polling), or panics with `what` after 20 s.
pub async fn wait_for<F, Fut>(what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = Instant::now() + Duration::from_secs(20);
    while !cond().await {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
