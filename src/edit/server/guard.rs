//! Who may talk to the editor: the access token, the Host header, same-origin requests.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::Shared;

/// A fresh access token: 128 random bits from the operating system, as 32 hex digits.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The Host header values a browser sends to a server on the loopback interface at `port`.
pub fn loopback_hosts(port: u16) -> Vec<String> {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect()
}

/// What [`percent_encode`] leaves as it is: RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` percent-encoded for a URL (RFC 3986: everything but the unreserved characters).
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Equal, comparing every byte (the time taken does not tell how much of a guess was right).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a request carries: `?token=` in the URL, or the cookie.
fn token_of<'a>(req: &'a Request, cookie: &str) -> (Option<&'a str>, Option<&'a str>) {
    let query = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
    let cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == cookie).then_some(v)
        });
    (query, cookie)
}

/// A refusal: status and a Chinese sentence (plain text; the page shows it).
fn refuse(status: StatusCode, message: &str) -> Response {
    let mut r = (status, message.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Whether a request that changes something comes from the page itself: not from another site
/// (`Sec-Fetch-Site`, `Origin`), and with a JSON body (which a form on another site cannot send
/// without asking first, and this server never answers that question).
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    // a header given twice is not trusted either way
    for name in ["sec-fetch-site", "origin", "content-type", "host"] {
        if headers.get_all(name).iter().count() > 1 {
            return false;
        }
    }
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    if let Some(origin) = get("origin") {
        if origin != format!("http://{host}") {
            return false;
        }
    }
    get("content-type").is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// Every request passes here: the Host header (with the default address: only this server's
/// names, so a web page cannot reach it through a name of its own that points at 127.0.0.1), the
/// token, and for anything but GET the same-origin check. The first visit with the token in the URL
/// gets it as a cookie (HttpOnly, SameSite=Strict) for the page's later requests.
pub(crate) async fn guard(State(app): State<Shared>, req: Request<Body>, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !app.hosts.is_empty() && !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
        return refuse(StatusCode::FORBIDDEN, "拒绝访问：地址不是本程序的地址");
    }
    let (query, cookie) = token_of(&req, &app.cookie);
    let by_cookie = cookie.is_some_and(|t| same(t.as_bytes(), app.token.as_bytes()));
    let by_query = query.is_some_and(|t| same(t.as_bytes(), app.token.as_bytes()));
    if !by_cookie && !by_query {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "需要访问口令：请打开 gongkai edit 显示的完整地址（含 ?token=…）",
        );
    }
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD);
    if changes && !same_origin(req.headers(), &host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "拒绝访问：修改文件的请求只接受来自本页面的",
        );
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if by_query && !by_cookie {
        let c = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            app.cookie, app.token
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.insert(header::SET_COOKIE, v);
        }
    }
    // the token is in the address: never sent on to another site
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn names_are_percent_encoded() {
        assert_eq!(
            percent_encode("青禾-2021.yaml"),
            "%E9%9D%92%E7%A6%BE-2021.yaml"
        );
        assert_eq!(percent_encode("a b/&"), "a%20b%2F%26");
    }

    #[test]
    fn a_request_from_another_site_is_not_same_origin() {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        assert!(same_origin(&h, "127.0.0.1:5"));
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:5"));
        assert!(same_origin(&h, "127.0.0.1:5"));
        h.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h, "127.0.0.1:5"));
        h.remove("origin");
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, "127.0.0.1:5"));
        h.remove("sec-fetch-site");
        h.append("origin", HeaderValue::from_static("http://127.0.0.1:5"));
        h.append("origin", HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h, "127.0.0.1:5"));
        h.remove("origin");
        h.insert("content-type", HeaderValue::from_static("text/plain"));
        assert!(!same_origin(&h, "127.0.0.1:5"));
    }
}
