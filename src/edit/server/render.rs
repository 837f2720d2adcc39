//! The preview (the typeset pages as SVG), the computed 总计, 生成 PDF 和 Word / 公开栏版 and the
//! download of what they made.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};

use super::api::{ms, ApiError};
use super::files::{self, OUTPUT_EXTS, REPORT_EXTS};
use super::guard::percent_encode;
use super::{App, Call, Reply};
use crate::backend::svg;
use crate::edit::{self, Draft};
use crate::fonts::FontSet;
use crate::style::Style;
use crate::typeset::Page;
use crate::Formats;

/// The file-name suffix of the notice-board copy, as `gongkai render --style notice-board` names it.
const NOTICE_BOARD_SUFFIX: &str = "-公开栏";

/// One page of a preview: the typeset page, its SVG and the SVG's fingerprint.
pub(crate) struct Drawn {
    page: Page,
    svg: String,
    fingerprint: String,
}

/// The last preview of each report, so that an edit draws again only the pages it changed.
#[derive(Default)]
pub(crate) struct Previews(BTreeMap<String, Vec<Drawn>>);

/// Reports whose last preview is kept.
const KEPT_PREVIEWS: usize = 8;

/// A preview: each page's SVG (`None` where the page already has the one with that fingerprint),
/// each page's fingerprint and its lines of text.
pub(crate) struct Preview {
    pub svgs: Vec<Option<String>>,
    pub fingerprints: Vec<String>,
    pub lines: Vec<Vec<String>>,
}

fn quick_fingerprint(svg: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    svg.hash(&mut h);
    format!("{:016x}-{}", h.finish(), svg.len())
}

/// The pages of a draft as they will print (one SVG each) and each page's lines of text: the same
/// steps as the PDF (resolve → compose → layout) with the same fonts. Only pages that differ from
/// the report's last preview are drawn again, and only pages the page does not hold (`have`: the
/// fingerprints it shows) are sent.
pub(crate) fn preview(
    app: &App,
    key: &str,
    d: &Draft,
    have: &[String],
) -> Result<Preview, ApiError> {
    let res = edit::resolve_draft(d)
        .map_err(|x| ApiError::diags("预览暂时无法显示：报告中有无法读取的内容", &x))?;
    let doc = crate::compose::compose(&res);
    let layout = crate::typeset::layout(&doc, &app.style, &app.fonts)
        .map_err(|x| ApiError::diags("预览暂时无法显示", &x))?;
    let last = app
        .previews
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .0
        .remove(key)
        .unwrap_or_default();
    let mut last = last.into_iter().map(Some).collect::<Vec<_>>();
    let changed: Vec<usize> = (0..layout.pages.len())
        .filter(|&i| {
            last.get(i).and_then(Option::as_ref).map(|x| &x.page) != Some(&layout.pages[i])
        })
        .collect();
    let fresh_pages: Vec<Page> = changed.iter().map(|&i| layout.pages[i].clone()).collect();
    let mut fresh = svg::write(&fresh_pages, &app.fonts).into_iter();
    let mut drawn = Vec::with_capacity(layout.pages.len());
    for (i, page) in layout.pages.into_iter().enumerate() {
        let d = match last.get_mut(i).and_then(Option::take) {
            Some(old) if !changed.contains(&i) => old,
            _ => {
                let svg = fresh.next().unwrap_or_default();
                Drawn {
                    fingerprint: quick_fingerprint(&svg),
                    svg,
                    page,
                }
            }
        };
        drawn.push(d);
    }
    let out = Preview {
        svgs: drawn
            .iter()
            .enumerate()
            .map(|(i, d)| (have.get(i) != Some(&d.fingerprint)).then(|| d.svg.clone()))
            .collect(),
        fingerprints: drawn.iter().map(|d| d.fingerprint.clone()).collect(),
        lines: drawn.iter().map(|d| svg::page_lines(&d.page)).collect(),
    };
    let mut kept = app.previews.lock().unwrap_or_else(|e| e.into_inner());
    if kept.0.len() >= KEPT_PREVIEWS {
        kept.0.clear();
    }
    kept.0.insert(key.to_string(), drawn);
    Ok(out)
}

/// The 总计 the program computes for the cells the draft leaves empty: section → row → index in
/// the row's values → the number as printed.
pub(crate) fn computed_totals(d: &Draft) -> Value {
    let Ok(res) = edit::resolve_draft(d) else {
        return json!({});
    };
    let mut out: BTreeMap<&str, BTreeMap<&str, BTreeMap<usize, String>>> = BTreeMap::new();
    for s in &res.format.sections {
        let Some(table) = s
            .table
            .as_deref()
            .and_then(|t| res.format.tables.iter().find(|x| x.def.id == t))
        else {
            continue;
        };
        for row in &table.def.rows {
            // the row's values in printed order: the grid's value cells of that row, in grid order
            let columns = table.values.iter().filter(|v| v.row == row.id);
            for (i, v) in columns.enumerate() {
                let Some(cell) = res.value(&table.def.id, &row.id, &v.column) else {
                    continue;
                };
                if cell.computed {
                    out.entry(&s.id)
                        .or_default()
                        .entry(&row.id)
                        .or_default()
                        .insert(i, cell.number.to_string());
                }
            }
        }
    }
    json!(out)
}

/// `POST /api/render`'s body.
#[derive(Deserialize)]
pub(crate) struct RenderBody {
    /// The report file (as saved).
    pub file: String,
    /// `gbt9704` (生成 PDF 和 Word) or `notice-board` (公开栏版, a PDF).
    #[serde(default)]
    pub style: Option<String>,
}

/// The notice-board style and its fonts, loaded the first time 公开栏版 is asked for.
fn notice_board(app: &App) -> Result<(&Style, &FontSet), ApiError> {
    let loaded = app.notice.get_or_init(|| {
        let style = Style::builtin("notice-board").ok_or_else(|| {
            vec![crate::diag::Diagnostic::error(
                "edit",
                "内置版式 notice-board 缺失",
            )]
        })?;
        let fonts = FontSet::load(&style, &app.font_options)?;
        Ok((style, fonts))
    });
    match loaded {
        Ok((s, f)) => Ok((s, f)),
        Err(d) => Err(ApiError::diags("无法载入公开栏版的字体", d)),
    }
}

/// `POST /api/render`: what `gongkai render` (or `--style notice-board`) makes of the saved file,
/// written beside it; a report that fails its checks makes nothing, and the page shows why.
pub(crate) fn render(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let body: RenderBody = call.json()?;
    let t0 = Instant::now();
    let path = files::existing(&app.root, &body.file, REPORT_EXTS)?;
    let notice = match body.style.as_deref().unwrap_or("gbt9704") {
        "gbt9704" => false,
        "notice-board" => true,
        _ => return Err(ApiError::new(422, "没有这个版式", None)),
    };
    let (style, fonts, formats, suffix) = if notice {
        let (s, f) = notice_board(app)?;
        (s, f, Formats::Pdf, NOTICE_BOARD_SUFFIX)
    } else {
        (&app.style, &app.fonts, Formats::All, "")
    };
    let loaded = crate::load(&path).map_err(|d| ApiError::diags("无法读取这份报告", &d))?;
    let previous = super::api::previous_of(
        app,
        &loaded.report.organ.value,
        loaded.report.year.value,
        Some(&body.file),
    );
    let others: Vec<_> = previous.iter().map(|(n, _)| app.root.join(n)).collect();
    let plan = crate::render::plan(std::slice::from_ref(&path), None, formats, suffix, &others)
        .map_err(|d| ApiError::diags("没有生成文件", &d))?;
    let Some(targets) = plan.first() else {
        return Err(ApiError::new(500, "没有生成文件", None));
    };
    let docx = crate::backend::docx::DocxOptions::default();
    let opts = crate::Options {
        style,
        fonts,
        previous: previous.as_ref().map(|(_, r)| r.as_ref()),
        formats,
        force: false,
        docx: &docx,
        epoch: crate::render::source_date_epoch(),
    };
    let made = crate::build(&path, &opts).map_err(|f| {
        ApiError::diags(
            "报告未通过检查，没有生成文件；请按提示改正后再生成",
            &f.diagnostics,
        )
    })?;
    let written = crate::render::write_outputs(targets, made.pdf.as_deref(), made.docx.as_deref())
        .map_err(|d| ApiError::diags("写入文件失败", &d))?;
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .collect();
    Ok(Reply::json(&json!({
        "files": names,
        "warnings": super::api::diags_json(&made.diagnostics),
        "ms": ms(t0),
    })))
}

/// `GET /api/download?file=`: a PDF or DOCX of the folder, as a download.
pub(crate) fn download(app: &App, call: &Call) -> Result<Reply, ApiError> {
    let file = call.file()?;
    let path = files::existing(&app.root, &file, OUTPUT_EXTS)?;
    let bytes = std::fs::read(path).map_err(|_| ApiError::new(404, "无法读取这个文件", None))?;
    let kind = if file.to_ascii_lowercase().ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    };
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&file));
    let mut reply = Reply::new(200, kind, bytes);
    reply.headers.push(("Content-Disposition", disposition));
    Ok(reply)
}
