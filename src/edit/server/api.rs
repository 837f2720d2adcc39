//! The page and the JSON API: folder, open, check, preview, save, new report.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};

use super::files::{self, Refused, REPORT_EXTS};
use super::{App, Call, Reply};
use crate::check::Resolved;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::edit::{self, Draft};

/// The page (one document; the script draws the folder and report views).
const INDEX_HTML: &str = include_str!("../web/index.html");
/// The page's script, written for this project, no libraries.
const APP_JS: &str = include_str!("../web/app.js");
/// The page's style sheet.
const APP_CSS: &str = include_str!("../web/app.css");

/// An answer that is not 200: a status, a Chinese message, and the diagnostics behind it.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub body: Value,
}

impl ApiError {
    /// A message (and hint) with a status.
    pub fn new(status: u16, message: &str, hint: Option<&str>) -> ApiError {
        ApiError {
            status,
            body: json!({ "message": message, "hint": hint }),
        }
    }

    /// Diagnostics that stopped the work (422): the first error is the message.
    pub fn diags(message: &str, diags: &Diagnostics) -> ApiError {
        ApiError {
            status: 422,
            body: json!({ "message": message, "diagnostics": diags_json(diags) }),
        }
    }

    /// A panic in a handler (500): the request is lost, the server goes on.
    pub fn internal() -> ApiError {
        ApiError::new(
            500,
            "处理时出现内部错误",
            Some("请保存后重新启动 gongkai edit"),
        )
    }

    /// The answer: the status and the JSON body.
    pub fn into_reply(self) -> Reply {
        Reply::with_json(self.status, &self.body)
    }
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> ApiError {
        let status = match r {
            Refused::Missing => 404,
            _ => 403,
        };
        ApiError::new(status, r.message(), None)
    }
}

/// Diagnostics as the page shows them: severity, message, hint, and where in which file.
pub(crate) fn diags_json(diags: &[Diagnostic]) -> Value {
    Value::Array(
        diags
            .iter()
            .map(|d| {
                json!({
                    "severity": match d.severity { Severity::Error => "error", _ => "warning" },
                    "code": d.code,
                    "message": d.message,
                    "hint": d.hint,
                    "text": d.render(),
                })
            })
            .collect(),
    )
}

/// Milliseconds since `t0`, to a tenth (the page reports the server's share of its timings).
pub(crate) fn ms(t0: Instant) -> f64 {
    (t0.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

fn asset(kind: &'static str, text: &'static str) -> Result<Reply, ApiError> {
    Ok(Reply::new(200, kind, text.as_bytes().to_vec()))
}

/// `GET /`: the page.
pub(crate) fn page(_: &App, _: &Call) -> Result<Reply, ApiError> {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

/// `GET /app.js`.
pub(crate) fn script(_: &App, _: &Call) -> Result<Reply, ApiError> {
    asset("text/javascript; charset=utf-8", APP_JS)
}

/// `GET /app.css`.
pub(crate) fn stylesheet(_: &App, _: &Call) -> Result<Reply, ApiError> {
    asset("text/css; charset=utf-8", APP_CSS)
}

/// Last year's report of the same organ in the folder, if there is one.
pub(crate) fn previous_of(
    app: &App,
    organ: &str,
    year: i32,
    except: Option<&str>,
) -> Option<(String, Arc<Resolved>)> {
    let mut index = app.index.lock().unwrap_or_else(|e| e.into_inner());
    index.find(&app.root, organ, year.checked_sub(1)?, except)
}

/// `GET /api/folder`: every report of the folder with organ, year, format and status.
pub(crate) fn folder(app: &App, _: &Call) -> Result<Reply, ApiError> {
    let reports: Vec<Value> = files::report_names(&app.root)
        .into_iter()
        .map(|name| folder_entry(app, &name))
        .collect();
    let folder = app.root.display().to_string();
    Ok(Reply::json(
        &json!({ "folder": folder, "reports": reports }),
    ))
}

/// One report of the folder view.
fn folder_entry(app: &App, name: &str) -> Value {
    let path = app.root.join(name);
    let res = match crate::load(&path) {
        Ok(r) => r,
        Err(d) => {
            return json!({ "file": name, "organ": null, "year": null, "format": null,
                "errors": d.iter().filter(|x| x.is_error()).count(), "warnings": 0,
                "readable": false, "status": "无法读取", "message": d.first().map(|x| x.message.clone()) })
        }
    };
    let organ = res.report.organ.value.clone();
    let year = res.report.year.value;
    let previous = previous_of(app, &organ, year, Some(name)).map(|(n, _)| app.root.join(n));
    let out = crate::check_file(&path, previous.as_deref());
    let errors = out.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = out.diagnostics.len() - errors;
    let status = match (out.exit_code, errors, warnings) {
        (2, _, _) => "无法读取".to_string(),
        (_, 0, 0) => "通过".to_string(),
        (_, 0, w) => format!("{w} 条警告"),
        (_, e, 0) => format!("{e} 个错误"),
        (_, e, w) => format!("{e} 个错误、{w} 条警告"),
    };
    json!({ "file": name, "organ": organ, "year": year,
        "format": format!("{} 年版", res.format.id), "errors": errors, "warnings": warnings,
        "readable": true, "status": status })
}

/// `GET /api/open?file=`: the report's draft, form, findings and fingerprint.
pub(crate) fn open(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let file = call.file()?;
    let path = files::existing(&app.root, &file, REPORT_EXTS)?;
    let bytes =
        crate::render::read_input(&path).map_err(|d| ApiError::diags("无法读取这个文件", &d))?;
    let fingerprint = files::fingerprint(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            422,
            "文件不是 UTF-8 编码的文本",
            Some("请用记事本“另存为”UTF-8 编码后再打开"),
        )
    })?;
    let draft = edit::draft_from_yaml(&text, Some(&path))
        .map_err(|d| ApiError::diags("这份报告有无法读取的内容，请先用文本编辑器改正", &d))?;
    let form = edit::form(&draft).map_err(|d| ApiError::diags("无法显示这份报告", &d))?;
    let previous = previous_of(app, &draft.organ, draft.year, Some(&file));
    let findings = edit::check_draft(&draft, previous.as_ref().map(|(_, r)| r.as_ref()));
    Ok(Reply::json(&json!({
        "file": file, "draft": draft, "form": form, "findings": findings,
        "fingerprint": fingerprint, "previous": previous.map(|(n, _)| n),
    })))
}

/// A draft from the page, with the file it belongs to.
#[derive(Deserialize)]
pub(crate) struct DraftBody {
    /// The file name (for last year's report: the file itself is not its own last year).
    #[serde(default)]
    pub file: Option<String>,
    /// The draft.
    pub draft: Draft,
}

/// `POST /api/check`: the draft's findings, and the 总计 the program computes for empty cells.
pub(crate) fn check(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let body: DraftBody = call.json()?;
    let t0 = Instant::now();
    let d = &body.draft;
    let previous = previous_of(app, &d.organ, d.year, body.file.as_deref());
    let findings = edit::check_draft(d, previous.as_ref().map(|(_, r)| r.as_ref()));
    let computed = super::render::computed_totals(d);
    Ok(Reply::json(
        &json!({ "findings": findings, "computed": computed, "ms": ms(t0) }),
    ))
}

/// `POST /api/preview`'s body.
#[derive(Deserialize)]
pub(crate) struct PreviewBody {
    /// The file name (which report's last preview to draw on).
    #[serde(default)]
    pub file: Option<String>,
    /// The draft.
    pub draft: Draft,
    /// The fingerprints of the pages the page shows: those pages are not sent again.
    #[serde(default)]
    pub have: Vec<String>,
}

/// `POST /api/preview`: the pages as they will print, one SVG each (`null` for a page the page
/// already shows), their fingerprints, and each page's lines.
pub(crate) fn preview(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let body: PreviewBody = call.json()?;
    let t0 = Instant::now();
    let key = body.file.as_deref().unwrap_or("");
    let p = super::render::preview(app, key, &body.draft, &body.have)?;
    Ok(Reply::json(&json!({
        "pages": p.svgs, "fingerprints": p.fingerprints, "lines": p.lines, "ms": ms(t0),
    })))
}

/// `POST /api/save`'s body.
#[derive(Deserialize)]
pub(crate) struct SaveBody {
    /// The file opened.
    pub file: String,
    /// The draft to write.
    pub draft: Draft,
    /// The fingerprint of the file as the page last read it (or, to overwrite after a conflict,
    /// of the version on disk the clerk has seen).
    pub fingerprint: String,
    /// Keep both: write the draft to a new file beside it instead.
    #[serde(default)]
    pub copy: bool,
}

/// `POST /api/save`: the draft → YAML, written atomically over the file only if the file still
/// holds what the page opened; otherwise 409 with both versions, nothing written. With `copy`, a
/// new file whose name did not exist.
pub(crate) fn save(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let body: SaveBody = call.json()?;
    let yaml = edit::draft_to_yaml(&body.draft)
        .map_err(|d| ApiError::diags("无法保存：报告中有无法写入的内容", &d))?;
    let bytes = yaml.into_bytes();
    let fp = files::fingerprint(&bytes);
    let write = |path: &std::path::Path| {
        crate::render::write_atomic(path, &bytes).map_err(|d| ApiError::diags("保存失败", &d))
    };
    if body.copy {
        let (name, path) = files::reserve_copy(&app.root, &body.file)?;
        if let Err(e) = write(&path) {
            // the name reserved (an empty file) is given back
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        return Ok(Reply::json(&json!({ "file": name, "fingerprint": fp })));
    }
    let _held = app.saving.lock().unwrap_or_else(|e| e.into_inner());
    let disk = match files::existing(&app.root, &body.file, REPORT_EXTS) {
        Ok(path) => Some((path.clone(), std::fs::read(&path).ok())),
        Err(Refused::Missing) => None,
        Err(r) => return Err(r.into()),
    };
    let on_disk = disk.as_ref().and_then(|(_, b)| b.as_deref());
    if on_disk.map(files::fingerprint).as_deref() != Some(body.fingerprint.as_str()) {
        let theirs = on_disk.map(
            |b| json!({ "yaml": String::from_utf8_lossy(b), "fingerprint": files::fingerprint(b) }),
        );
        return Err(ApiError {
            status: 409,
            body: json!({
                "message": if on_disk.is_some() { "这份报告在打开之后被其他程序或其他人改过了，没有保存" }
                           else { "这份报告在打开之后被移走或删除了，没有保存" },
                "hint": "请选择：重新载入（放弃本页的修改）、另存为副本（两份都保留）或覆盖（用本页的内容替换）",
                "disk": theirs,
                "mine": { "yaml": String::from_utf8_lossy(&bytes) },
            }),
        });
    }
    let Some((path, _)) = disk else {
        return Err(Refused::Missing.into());
    };
    write(&path)?;
    Ok(Reply::json(
        &json!({ "file": body.file, "fingerprint": fp }),
    ))
}

/// `POST /api/new`'s body.
#[derive(Deserialize)]
pub(crate) struct NewBody {
    /// 机关名称.
    pub organ: String,
    /// 报告年度.
    pub year: i32,
    /// Last year's report in the folder, to carry over (as `gongkai new --from`).
    #[serde(default)]
    pub from: Option<String>,
}

/// `POST /api/new`: a new report `机关-年度.yaml` in the folder (never over an existing file).
pub(crate) fn new_report(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let body: NewBody = call.json()?;
    let organ = body.organ.trim();
    if organ.is_empty() {
        return Err(ApiError::new(422, "请填写机关名称", None));
    }
    let from = match body.from.as_deref().filter(|f| !f.is_empty()) {
        Some(f) => Some(files::existing(&app.root, f, REPORT_EXTS)?),
        None => None,
    };
    let year = body.year;
    let previous = match from.as_deref().map(crate::load) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(d)) => return Err(ApiError::diags("无法读取上一年度的报告", &d)),
    };
    let draft = edit::new_draft(organ, year, previous.as_ref())
        .map_err(|d| ApiError::diags("无法生成新报告", &d))?;
    let yaml = edit::draft_to_yaml(&draft).map_err(|d| ApiError::diags("无法生成新报告", &d))?;
    let name = format!("{}-{year}.yaml", crate::render::file_name_component(organ));
    let Some(path) = files::reserve(&app.root, &name, REPORT_EXTS)? else {
        return Err(ApiError::new(
            409,
            &format!("文件夹中已有“{name}”，没有覆盖"),
            Some("请在文件夹列表中打开它，或换一个机关名称、年度"),
        ));
    };
    if let Err(d) = crate::render::write_atomic(&path, yaml.as_bytes()) {
        let _ = std::fs::remove_file(&path);
        return Err(ApiError::diags("无法写入新报告", &d));
    }
    Ok(Reply::json(&json!({ "file": name })))
}
