//! `gongkai edit` in a real browser: headless Chromium through chromedriver (WebDriver), one test
//! per scenario of the issue. External group: needs the Debian packages `chromium` and
//! `chromium-driver` (installed by `.ci/run`).

use std::path::Path;
use std::time::Duration;

use fantoccini::{Client, Locator};

use super::edit_web_support::*;

const SAMPLE: &str = "qinghe-2021.yaml";

/// The editor on a folder, a browser on its page (`#/r/FILE` when `file` is given), waiting until
/// the page is drawn and idle.
async fn open_page(ed: &Editor, driver: &Driver, downloads: &Path, file: Option<&str>) -> Client {
    let c = browser(driver, downloads).await;
    let url = match file {
        Some(f) => format!("{}#/r/{}", ed.url, enc(f)),
        None => ed.url.clone(),
    };
    c.goto(&url).await.expect("open the page");
    if file.is_some() {
        wait_for("the preview", || async {
            c.find_all(Locator::Css("#pages .page svg"))
                .await
                .is_ok_and(|v| !v.is_empty())
        })
        .await;
        idle(&c, 0).await;
    } else {
        c.wait()
            .for_element(Locator::Css("#reports"))
            .await
            .expect("the folder view");
    }
    c
}

/// The page's count of finished updates.
async fn gen(c: &Client) -> u64 {
    c.execute("return Number(document.body.dataset.gen)", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

/// Waits until the page finished an update after `after` and has nothing pending.
async fn idle(c: &Client, after: u64) {
    wait_for("the check and preview", || async {
        let busy = c
            .execute("return document.body.dataset.busy", vec![])
            .await
            .ok();
        busy.as_ref().and_then(|v| v.as_str()) == Some("0") && gen(c).await > after
    })
    .await;
}

/// Replaces the value of the input (or text area) found by `css`, as typed.
async fn type_into(c: &Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.expect(css);
    e.click().await.expect("focus");
    // Ctrl+A, release, then the new text
    e.send_keys(&format!("\u{E009}a\u{E000}{text}"))
        .await
        .expect("type");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .expect(css)
        .text()
        .await
        .unwrap_or_default()
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.map_or(0, |v| v.len())
}

/// Clicks a button and waits for the status line to say `done` (or the dialog to open).
async fn click_and_wait(c: &Client, button: &str, done: &str) {
    c.find(Locator::Css(button))
        .await
        .expect(button)
        .click()
        .await
        .expect("click");
    wait_for(done, || async {
        text_of(c, "#status").await.contains(done)
            || c.execute("return document.getElementById('dialog').open", vec![])
                .await
                .is_ok_and(|v| v == serde_json::Value::Bool(true))
    })
    .await;
}

/// Saves a screenshot into `GONGKAI_SCREENSHOT_DIR` when set (docs/edit-pictures.sh sets it).
async fn screenshot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("GONGKAI_SCREENSHOT_DIR") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(Path::new(&dir).join(name), png).expect("write the screenshot");
    }
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_opens_the_2021_sample() {
    let dir = folder_with(&[SAMPLE, "liwang-2020.yaml"]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), None).await;
    assert!(text_of(&c, "#reports").await.contains("青禾县自然资源局"));
    assert!(text_of(&c, "tr[data-file='qinghe-2021.yaml'] td.status")
        .await
        .contains("通过"));
    screenshot(&c, "edit-folder.png").await;
    c.find(Locator::Css("tr[data-file='qinghe-2021.yaml'] a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("the report view", || async {
        count(&c, "#pages .page svg").await > 0
    })
    .await;
    idle(&c, 0).await;
    assert_eq!(text_of(&c, "#organ-title").await, "青禾县自然资源局");
    assert_eq!(text_of(&c, "#summary").await, "检查通过");
    // the whole findings panel says only that (no stray words beside it)
    assert_eq!(text_of(&c, "#findings").await.trim(), "检查通过");
    // 表三 drawn from the format: its labels as printed, an input per number cell
    let t3 = text_of(&c, "table[data-table='applications']").await;
    for label in [
        "自然人",
        "商业企业",
        "一、本年新收政府信息公开申请数量",
        "（七）总计",
    ] {
        assert!(t3.contains(label), "表三 shows {label}");
    }
    let new0 = c
        .find(Locator::Css(
            "input[data-section='applications'][data-row='new'][data-col='0']",
        ))
        .await
        .unwrap();
    assert_eq!(new0.prop("value").await.unwrap().as_deref(), Some("21"));
    // a 总计 the file leaves out: shown as the program computes it
    let granted_total = c
        .find(Locator::Css(
            "input[data-section='applications'][data-row='granted'][data-col='6']",
        ))
        .await
        .unwrap();
    assert_eq!(
        granted_total.prop("value").await.unwrap().as_deref(),
        Some("")
    );
    assert_eq!(
        granted_total.attr("placeholder").await.unwrap().as_deref(),
        Some("12")
    );
    assert!(count(&c, "textarea.para[data-section='overview']").await >= 5);
    assert!(count(&c, "[data-section='overview'] .block.heading").await >= 5);
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_a_broken_total_is_marked_then_clean_again() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    let cell = "input[data-section='applications'][data-row='new'][data-col='0']";
    let g = gen(&c).await;
    type_into(&c, cell, "22").await;
    idle(&c, g).await;
    // the row's cells are outlined, the message beside the table names row and column as printed
    let marked = count(&c, "td.err[data-target^='t:applications:new:']").await;
    assert!(marked >= 1, "a cell of the row is marked");
    // beside the cell being typed in: its message
    let beside = text_of(&c, "#bubble").await;
    assert!(
        beside.contains("本年新收"),
        "the message below the cell: {beside}"
    );
    let notes = text_of(&c, "[data-notes='applications']").await;
    assert!(
        notes.contains("本年新收"),
        "the message names the row: {notes}"
    );
    let summary = text_of(&c, "#summary").await;
    assert!(summary.contains("个错误"), "{summary}");
    c.execute(
        "document.querySelector(\"section[data-section='applications']\").scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "edit-report.png").await;
    // the list is clickable: it brings the cell into focus
    c.execute(
        "document.querySelector('#findings li.error').scrollIntoView({block: 'center'})",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css("#findings li.error"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let focused = c
        .execute("return document.activeElement.dataset.row || ''", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "new");
    let g = gen(&c).await;
    type_into(&c, cell, "21").await;
    idle(&c, g).await;
    assert_eq!(count(&c, ".err").await, 0);
    assert_eq!(text_of(&c, "#summary").await, "检查通过");
    assert_eq!(text_of(&c, "#findings").await.trim(), "检查通过");
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_hash_and_colon_are_kept_to_the_pdf() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    let typed = "本局按照#3号文件：公开时限为20个工作日 # 不是注释 key: 不是键";
    let g = gen(&c).await;
    type_into(
        &c,
        "textarea.para[data-section='overview'][data-block='0']",
        typed,
    )
    .await;
    idle(&c, g).await;
    click_and_wait(&c, "#save", "已保存").await;
    let path = dir.path().join(SAMPLE);
    assert_eq!(gongkai::check_file(&path, None).exit_code, 0);
    let saved = gongkai::load(&path).unwrap();
    let first = format!("{:?}", saved.text("overview")[0]);
    assert!(
        first.contains(typed),
        "the YAML keeps the text exactly: {first}"
    );
    click_and_wait(&c, "#render", "已生成").await;
    let pdf = std::fs::read(dir.path().join("qinghe-2021.pdf")).unwrap();
    let text: String = pdf_lines(&pdf).concat().concat();
    assert!(
        squeeze(&text).contains(&squeeze(typed)),
        "the PDF's text holds it"
    );
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_a_conflict_is_reported_and_nothing_is_lost() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    let g = gen(&c).await;
    type_into(
        &c,
        "textarea.para[data-section='problems'][data-block='0']",
        "本页的修改。",
    )
    .await;
    idle(&c, g).await;
    let path = dir.path().join(SAMPLE);
    let theirs = std::fs::read_to_string(&path).unwrap() + "# 同事在别处的修改\n";
    std::fs::write(&path, &theirs).unwrap();
    click_and_wait(&c, "#save", "已保存").await;
    assert!(text_of(&c, "#dialog").await.contains("改过"));
    assert!(text_of(&c, "#disk-version")
        .await
        .contains("同事在别处的修改"));
    assert!(text_of(&c, "#my-version").await.contains("本页的修改。"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "not overwritten"
    );
    c.find(Locator::Css("#copy"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let copy = dir.path().join("qinghe-2021-副本.yaml");
    wait_for("the copy", || async { copy.exists() }).await;
    wait_for("the copy opened", || async {
        c.current_url().await.is_ok_and(|u| {
            u.fragment()
                .is_some_and(|f| f.contains("%E5%89%AF%E6%9C%AC"))
        })
    })
    .await;
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("本页的修改。"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs, "both kept");
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_preview_pages_and_first_line_match_the_pdf() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    let shown = c
        .execute(
            "return [...document.querySelectorAll('#pages .page')].map(p => JSON.parse(p.dataset.lines))",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<Vec<String>> = serde_json::from_value(shown).unwrap();
    let labels = count(&c, "#pages svg[role='img'][aria-label]").await;
    assert_eq!(labels, shown.len());
    click_and_wait(&c, "#render", "已生成").await;
    let pdf = pdf_lines(&std::fs::read(dir.path().join("qinghe-2021.pdf")).unwrap());
    assert_eq!(shown.len(), pdf.len(), "page count");
    assert_eq!(squeeze(&shown[0][0]), squeeze(&pdf[0][0]), "first line");
    assert_eq!(
        squeeze(shown.last().unwrap().last().unwrap()),
        squeeze(pdf.last().unwrap().last().unwrap())
    );
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_downloads_the_pdf_and_the_docx() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    click_and_wait(&c, "#render", "已生成").await;
    let links = c
        .find_all(Locator::Css("#status a.download"))
        .await
        .unwrap();
    assert_eq!(links.len(), 2);
    for l in links {
        l.click().await.unwrap();
    }
    for name in ["qinghe-2021.pdf", "qinghe-2021.docx"] {
        let got = downloads.path().join(name);
        wait_for(name, || async { got.exists() }).await;
        let want = std::fs::read(dir.path().join(name)).unwrap();
        wait_for("the whole file", || async {
            std::fs::read(&got).is_ok_and(|b| b == want)
        })
        .await;
    }
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_shows_a_script_organ_as_text() {
    let dir = folder_with(&[]);
    let evil = "<script>alert(1)</script>";
    let text = std::fs::read_to_string(sample(SAMPLE))
        .unwrap()
        .replace("organ: 青禾县自然资源局", &format!("organ: \"{evil}\""));
    std::fs::write(dir.path().join("xss.yaml"), text).unwrap();
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), None).await;
    assert_eq!(text_of(&c, "tr[data-file='xss.yaml'] td.organ").await, evil);
    c.goto(&format!("{}#/r/xss.yaml", ed.url)).await.unwrap();
    wait_for("the report view", || async {
        count(&c, "#pages .page svg").await > 0
    })
    .await;
    assert_eq!(text_of(&c, "#organ-title").await, evil);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(c.get_alert_text().await.is_err(), "no script ran");
    let scripts = c
        .execute("return document.querySelectorAll('script').length", vec![])
        .await
        .unwrap();
    assert_eq!(scripts, 1, "only the page's own script");
    c.close().await.unwrap();
}

#[tokio::test]
#[ignore = "external: needs chromium and chromedriver"]
async fn browser_enter_starts_a_new_paragraph() {
    let dir = folder_with(&[SAMPLE]);
    let ed = Editor::start(dir.path(), &[]);
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let c = open_page(&ed, &driver, downloads.path(), Some(SAMPLE)).await;
    let boxes = "textarea.para[data-section='problems']:not(.runin)";
    let before = count(&c, boxes).await;
    let first = c
        .find(Locator::Css(&format!("{boxes}[data-block='0']")))
        .await
        .unwrap();
    first.click().await.unwrap();
    c.execute(
        "const t = document.activeElement; t.setSelectionRange(t.value.length, t.value.length)",
        vec![],
    )
    .await
    .unwrap();
    let g = gen(&c).await;
    // Enter, then the new paragraph's text, typed into the box the page moved to
    first.send_keys("\u{E007}").await.unwrap();
    c.active_element()
        .await
        .unwrap()
        .send_keys("另起的一段。")
        .await
        .unwrap();
    idle(&c, g).await;
    assert_eq!(count(&c, boxes).await, before + 1);
    let second = c
        .find(Locator::Css(&format!("{boxes}[data-block='1']")))
        .await
        .unwrap();
    assert_eq!(
        second.prop("value").await.unwrap().as_deref(),
        Some("另起的一段。")
    );
    click_and_wait(&c, "#save", "已保存").await;
    let saved = gongkai::load(&dir.path().join(SAMPLE)).unwrap();
    let blocks = format!("{:?}", saved.text("problems"));
    assert!(blocks.contains("另起的一段。"), "{blocks}");
    assert_eq!(
        saved.text("problems").len(),
        gongkai::load(&sample(SAMPLE))
            .unwrap()
            .text("problems")
            .len()
            + 1
    );
    c.close().await.unwrap();
}
