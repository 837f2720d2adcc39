//! `gongkai edit`, keystroke to screen (issue 20's speed note): in headless Chromium, a number cell
//! of 表三 of the 2021 sample is typed into one key at a time; for each key the page measures with
//! `performance.now()` the time from the keystroke to the updated findings and preview painted
//! (the next frame after both answers are applied), and the server reports its share
//! (check: draft → findings; preview: draft → YAML → resolve → compose → layout → SVG).
//! Prints p50 / p95 / max of each. Needs `chromium` and `chromedriver` (benches/edit.sh).
//! Usage: cargo bench --bench edit [-- KEYS]   (default 100 keys)

#[path = "../tests/edit_web_support/mod.rs"]
mod support;

use fantoccini::Locator;
use support::*;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

#[tokio::main]
async fn main() {
    let keys: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100);
    let dir = folder_with(&["qinghe-2021.yaml"]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = browser(&driver, downloads.path()).await;
    c.goto(&format!("{}#/r/qinghe-2021.yaml", ed.url))
        .await
        .unwrap();
    let gen = || async {
        c.execute("return Number(document.body.dataset.gen)", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    };
    let idle = |after: u64| {
        let c = &c;
        async move {
            wait_for("the update", || async {
                let busy = c
                    .execute("return document.body.dataset.busy", vec![])
                    .await
                    .ok();
                let g = c
                    .execute("return Number(document.body.dataset.gen)", vec![])
                    .await
                    .ok()
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0);
                busy.as_ref().and_then(|v| v.as_str()) == Some("0") && g > after
            })
            .await
        }
    };
    idle(0).await;
    let cell = c
        .find(Locator::Css(
            "input[data-section='applications'][data-row='new'][data-col='0']",
        ))
        .await
        .unwrap();
    cell.click().await.unwrap();
    c.execute(
        "const i = document.activeElement; i.setSelectionRange(i.value.length, i.value.length)",
        vec![],
    )
    .await
    .unwrap();
    for k in 0..keys {
        let g = gen().await;
        // "21" → "2" → "21" …: every other state breaks 表三's totals
        let key = if k % 2 == 0 { "\u{E003}" } else { "1" };
        cell.send_keys(key).await.unwrap();
        idle(g).await;
    }
    let t = c
        .execute("return window.gongkai.timings", vec![])
        .await
        .unwrap();
    let t: Vec<serde_json::Value> = serde_json::from_value(t).unwrap();
    let col = |k: &str| -> Vec<f64> { t.iter().filter_map(|x| x[k].as_f64()).collect() };
    let (mut total, mut check, mut preview) = (col("total"), col("check"), col("preview"));
    let (mut applied, mut check_shown, mut preview_shown) =
        (col("applied"), col("checkShown"), col("previewShown"));
    let mut server: Vec<f64> = check.iter().zip(&preview).map(|(a, b)| a.max(*b)).collect();
    println!(
        "gongkai edit, 2021 sample, {} keystrokes in a 表三 cell (headless Chromium)",
        t.len()
    );
    for (name, v) in [
        ("keystroke → findings and preview on screen", &mut total),
        (
            "keystroke → both answers in the page (before painting)",
            &mut applied,
        ),
        (
            "keystroke → findings shown (check answered and applied)",
            &mut check_shown,
        ),
        (
            "keystroke → preview pages replaced (answered and applied)",
            &mut preview_shown,
        ),
        ("server: check (draft → findings)", &mut check),
        ("server: preview (draft → layout → SVG)", &mut preview),
        (
            "server share (the slower of the two, run side by side)",
            &mut server,
        ),
    ] {
        println!(
            "  {name}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            pct(v, 0.5),
            pct(v, 0.95),
            pct(v, 1.0)
        );
    }
    c.close().await.unwrap();
}
