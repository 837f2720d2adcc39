//! Who may talk to the editor: the access token, the Host header, same-origin requests.

use oxhttp::model::{Body, HeaderMap, Method, Request};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{App, Reply};

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

/// Every value of the header `name` (lower case), in order; a value that is not visible ASCII
/// reads as empty.
fn values<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
}

/// The token a request carries: `?token=` in the URL, or the cookie.
fn token_of<'a>(req: &'a Request<Body>, cookie: &str) -> (Option<&'a str>, Option<&'a str>) {
    let query = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
    let cookie = values(req.headers(), "cookie")
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == cookie).then_some(v)
        });
    (query, cookie)
}

/// Whether a request that changes something comes from the page itself: not from another site
/// (`Sec-Fetch-Site`, `Origin`), and with a JSON body (which a form on another site cannot send
/// without asking first, and this server never answers that question).
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    // a header given twice is not trusted either way
    for name in ["sec-fetch-site", "origin", "content-type", "host"] {
        if values(headers, name).count() > 1 {
            return false;
        }
    }
    let get = |name: &'static str| values(headers, name).next();
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

/// Every request passes here first: the Host header (with the default address: only this
/// server's names, so a web page cannot reach it through a name of its own that points at
/// 127.0.0.1), the token, and for anything but GET the same-origin check. `Ok(true)`: the token
/// came in the URL only, and the answer sets the cookie ([`stamp`]); `Err`: the refusal.
pub(crate) fn check(app: &App, req: &Request<Body>) -> Result<bool, Reply> {
    let host = values(req.headers(), "host").next().unwrap_or("");
    if !app.hosts.is_empty() && !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(Reply::text(403, "拒绝访问：地址不是本程序的地址"));
    }
    let (query, cookie) = token_of(req, &app.cookie);
    let by_cookie = cookie.is_some_and(|t| same(t.as_bytes(), app.token.as_bytes()));
    let by_query = query.is_some_and(|t| same(t.as_bytes(), app.token.as_bytes()));
    if !by_cookie && !by_query {
        return Err(Reply::text(
            401,
            "需要访问口令：请打开 gongkai edit 显示的完整地址（含 ?token=…）",
        ));
    }
    let changes = req.method() != Method::GET && req.method() != Method::HEAD;
    if changes && !same_origin(req.headers(), host) {
        return Err(Reply::text(
            403,
            "拒绝访问：修改文件的请求只接受来自本页面的",
        ));
    }
    Ok(by_query && !by_cookie)
}

/// The headers of every answer: the token as a cookie (HttpOnly, SameSite=Strict) for the page's
/// later requests when it came in the URL (`set_cookie`), and what keeps the page to itself.
pub(crate) fn stamp(app: &App, set_cookie: bool, mut reply: Reply) -> Reply {
    let h = &mut reply.headers;
    if set_cookie {
        h.push((
            "Set-Cookie",
            format!(
                "{}={}; Path=/; HttpOnly; SameSite=Strict",
                app.cookie, app.token
            ),
        ));
    }
    // the token is in the address: never sent on to another site
    h.push(("Referrer-Policy", "no-referrer".into()));
    h.push(("X-Content-Type-Options", "nosniff".into()));
    h.push(("Cache-Control", "no-store".into()));
    h.push((
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            .into(),
    ));
    h.push(("X-Frame-Options", "DENY".into()));
    reply
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
        let h = |pairs: &[(&str, &str)]| -> HeaderMap {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                let name = oxhttp::model::HeaderName::try_from(*k).unwrap();
                map.append(name, v.parse().unwrap());
            }
            map
        };
        let json = ("Content-Type", "application/json");
        let here = ("Origin", "http://127.0.0.1:5");
        assert!(same_origin(&h(&[json]), "127.0.0.1:5"));
        assert!(same_origin(&h(&[json, here]), "127.0.0.1:5"));
        let evil = ("Origin", "http://evil.example");
        assert!(!same_origin(&h(&[json, evil]), "127.0.0.1:5"));
        let cross = ("Sec-Fetch-Site", "cross-site");
        assert!(!same_origin(&h(&[json, cross]), "127.0.0.1:5"));
        assert!(!same_origin(&h(&[json, here, evil]), "127.0.0.1:5"));
        assert!(!same_origin(
            &h(&[("content-type", "text/plain")]),
            "127.0.0.1:5"
        ));
        assert!(!same_origin(&h(&[here]), "127.0.0.1:5"));
    }
}
