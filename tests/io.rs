//! The path from input files to files on disk, as an attacker or a careless clerk meets it
//! (issue 15, items 1–3, 7–9, 12; issue 16, items 11 and 13): no file lost or written outside
//! the folder given, no hang on a device or a pipe, every problem said once in Chinese.
//!
//! Each test runs the built binary with a deadline: a run past it is killed and the test fails
//! (a hang, not a slow run: the deadlines are far above a render's time).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> String {
    std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).unwrap()
}

/// Runs the binary in `cwd`; kills it after `deadline` (a hang) and fails.
fn run_in(cwd: &Path, args: &[&str], deadline: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .current_dir(cwd)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // read both pipes on their own threads: a full pipe must not stall the child
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("gongkai {args:?} still running after {deadline:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
    (
        status.code().unwrap_or(-1),
        text(out.join().unwrap()),
        text(err.join().unwrap()),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_in(root(), args, Duration::from_secs(120))
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---- issue 15 item 1: batch name collisions ---------------------------------------------------

#[test]
fn two_reports_with_one_name_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["x", "y"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let organ = format!("青禾县{sub}局");
        std::fs::write(
            dir.path().join(sub).join("r.yaml"),
            sample().replace("青禾县自然资源局", &organ),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("x/other.yaml"), sample()).unwrap();
    let out = dir.path().join("out");
    let (x, y) = (dir.path().join("x/r.yaml"), dir.path().join("y/r.yaml"));
    let other = dir.path().join("x/other.yaml");
    let (code, _, err) = run(&[
        "render",
        s(&other),
        s(&x),
        s(&y),
        "-o",
        s(&out),
        "--bundled-fonts",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(s(&x)) && err.contains(s(&y)), "{err}");
    assert!(err.contains("r.pdf"), "{err}");
    assert!(
        names(&out).iter().all(|n| n.starts_with('.')),
        "nothing rendered, not even the report without a twin: {:?}",
        names(&out)
    );
    // r.yaml and r.yml beside each other: the same outputs
    std::fs::copy(&x, dir.path().join("x/r.yml")).unwrap();
    let (code, _, err) = run(&["render", s(&dir.path().join("x")), "--bundled-fonts"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r.yaml") && err.contains("r.yml"), "{err}");
    assert!(!dir.path().join("x/r.pdf").exists());
}

#[test]
fn one_report_named_twice_is_rendered_once() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.yaml");
    std::fs::write(&r, sample()).unwrap();
    let dotted = dir.path().join(".").join("r.yaml");
    let (code, _, err) = run(&[
        "render",
        s(&r),
        s(&dotted),
        "--bundled-fonts",
        "--to",
        "pdf",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("r.pdf").exists());
}

// ---- issue 15 item 2: an output onto an input --------------------------------------------------

#[test]
fn an_input_is_never_replaced_by_its_own_output() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["report.docx", "report.pdf"] {
        let input = dir.path().join(name);
        std::fs::write(&input, sample()).unwrap();
        let (code, _, err) = run(&["render", s(&input), "--bundled-fonts"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains("输入文件") && err.contains(name), "{err}");
        assert_eq!(
            std::fs::read_to_string(&input).unwrap(),
            sample(),
            "{name} unchanged"
        );
        std::fs::remove_file(&input).unwrap();
    }
    // nor last year's report
    let last = dir.path().join("r.pdf");
    std::fs::write(&last, sample().replace("year: 2021", "year: 2020")).unwrap();
    let r = dir.path().join("r.yaml");
    std::fs::write(&r, sample()).unwrap();
    let before = std::fs::read(&last).unwrap();
    let (code, _, err) = run(&["render", s(&r), "--previous", s(&last), "--bundled-fonts"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(&last).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn an_input_reached_through_a_hard_link_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.yaml");
    std::fs::write(&input, sample()).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::hard_link(&input, dir.path().join("out/a.pdf")).unwrap();
    let (code, _, err) = run(&[
        "render",
        s(&input),
        "-o",
        s(&dir.path().join("out")),
        "--bundled-fonts",
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), sample());
}

// ---- issue 15 item 3: `new`'s default file name ------------------------------------------------

#[test]
fn new_writes_its_default_file_in_the_current_folder_whatever_the_organ_says() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("a/b");
    std::fs::create_dir_all(&cwd).unwrap();
    let abs = dir.path().join("abs");
    std::fs::create_dir(&abs).unwrap();
    let abs_organ = format!("{}/X", abs.display());
    for organ in ["../../X", abs_organ.as_str(), ".hidden\u{7}/\u{202e}X"] {
        let (code, _, err) = run_in(
            &cwd,
            &["new", "--organ", organ, "--year", "2022"],
            Duration::from_secs(60),
        );
        assert_eq!(code, 0, "{organ}: {err}");
    }
    assert!(names(dir.path()).iter().all(|n| n == "a" || n == "abs"));
    assert!(names(&abs).is_empty(), "{:?}", names(&abs));
    let made = names(&cwd);
    assert!(made.contains(&"X-2022.yaml".to_string()), "{made:?}");
    assert!(made.contains(&"hiddenX-2022.yaml".to_string()), "{made:?}");
    assert!(made
        .iter()
        .any(|n| n.ends_with("X-2022.yaml") && n.contains("abs")));
    assert!(made.iter().all(|n| !n.starts_with('.')), "{made:?}");
    // a very long name is cut
    let long = "局".repeat(300);
    let (code, _, err) = run_in(
        &cwd,
        &["new", "--organ", &long, "--year", "2022"],
        Duration::from_secs(60),
    );
    assert_eq!(code, 0, "{err}");
    assert!(names(&cwd)
        .iter()
        .any(|n| n.len() < 255 && n.starts_with("局局")));
}

#[test]
fn new_from_last_year_never_writes_over_last_year() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("last.yaml");
    std::fs::write(&last, sample()).unwrap();
    let (code, _, err) = run(&[
        "new",
        "--from",
        s(&last),
        "--year",
        "2022",
        "-o",
        s(&last),
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&last).unwrap(), sample());
}

// ---- issue 15 item 7: devices and pipes as inputs ----------------------------------------------

#[cfg(unix)]
#[test]
fn devices_are_refused_by_their_type_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("r.yaml");
    std::fs::write(&good, sample()).unwrap();
    let quick = Duration::from_secs(60);
    for dev in ["/dev/zero", "/dev/urandom"] {
        let (code, _, err) = run_in(root(), &["check", dev], quick);
        assert_eq!(code, 2, "{dev}: {err}");
        assert!(err.contains("不是普通文件"), "{err}");
        let (code, _, err) = run_in(root(), &["check", s(&good), "--previous", dev], quick);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("不是普通文件"), "{err}");
        let (code, _, err) = run_in(
            dir.path(),
            &["new", "--from", dev, "--year", "2022", "--organ", "x"],
            quick,
        );
        assert_eq!(code, 2, "{err}");
    }
}

/// Makes a FIFO (named pipe) at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path that outlives the call.
    #[allow(unsafe_code)]
    let r = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(r, 0, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_pipe_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("r.yaml");
    mkfifo(&fifo);
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, sample()).unwrap();
    let quick = Duration::from_secs(60);
    let (code, _, err) = run_in(root(), &["check", s(&fifo)], quick);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不是普通文件"), "{err}");
    let (code, _, err) = run_in(
        root(),
        &[
            "render",
            s(&good),
            "--previous",
            s(&fifo),
            "--bundled-fonts",
        ],
        quick,
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_in(
        dir.path(),
        &["new", "--from", s(&fifo), "--year", "2022"],
        quick,
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_in(root(), &["render", s(&fifo), "--bundled-fonts"], quick);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_file_larger_than_any_report_is_refused_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(64 * 1024 * 1024).unwrap(); // sparse: no disk used
    let (code, _, err) = run(&["check", s(&big)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("文件过大"), "{err}");
}

// ---- issue 15 item 8: `-j` ---------------------------------------------------------------------

#[test]
fn jobs_are_capped_and_help_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.yaml");
    std::fs::write(&r, sample()).unwrap();
    let (code, _, err) = run_in(
        root(),
        &[
            "render",
            s(&r),
            "-j",
            "100000",
            "--bundled-fonts",
            "--to",
            "pdf",
        ],
        Duration::from_secs(120),
    );
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("r.pdf").exists());
    let (code, _, err) = run(&["render", s(&r), "-j", "0"]);
    assert_eq!(code, 2, "{err}");
    let (_, help, _) = run(&["render", "--help"]);
    assert!(
        help.contains("不超过报告份数") && help.contains("最多 32"),
        "{help}"
    );
}

// ---- issue 15 item 9: the font scan -----------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_font_scan_walks_each_folder_once_through_links_that_loop() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = dir.path().join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    std::fs::copy(
        root().join("fonts/GongkaiKai-Regular.ttf"),
        fonts.join("kai.ttf"),
    )
    .unwrap();
    // twelve links to the folder itself: 12^7 paths within the depth limit if links were followed
    for i in 0..12 {
        std::os::unix::fs::symlink(&fonts, fonts.join(format!("loop{i}"))).unwrap();
    }
    let (code, out, err) = run_in(
        root(),
        &["fonts", "--font-dir", s(&fonts)],
        Duration::from_secs(60),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("正文"), "{out}");
    // the font itself is no problem: the folder is not reported
    assert!(!err.contains(s(&fonts)), "{err}");
}

// ---- issue 15 item 12: `--font-dir` problems ---------------------------------------------------

#[test]
fn font_dir_problems_are_said_once_naming_the_folder_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("broken.ttf"), b"not a font at all").unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for i in 0..2 {
        std::fs::write(inputs.join(format!("r{i}.yaml")), sample()).unwrap();
    }
    let (code, _, err) = run(&[
        "render",
        s(&inputs),
        "--to",
        "pdf",
        "--font-dir",
        s(&missing),
        "--font-dir",
        s(&file),
        "--font-dir",
        s(&corrupt),
        "--font-dir",
        s(&empty),
    ]);
    assert_eq!(code, 0, "{err}");
    for (path, why) in [
        (&missing, "无法打开"),
        (&file, "不是文件夹"),
        (&corrupt, "无法读取"),
        (&empty, "没有字体文件"),
    ] {
        let lines: Vec<&str> = err.lines().filter(|l| l.contains(s(path))).collect();
        assert_eq!(
            lines.len(),
            1,
            "{} once, in a batch of two: {err}",
            path.display()
        );
        assert!(lines[0].contains(why), "{}", lines[0]);
    }
}

// ---- issue 15 item 13: usage errors in Chinese; a closed pipe ----------------------------------

#[test]
fn usage_errors_are_in_chinese() {
    for (args, want) in [
        (
            &["render", "--bogus", "a.yaml"][..],
            "不认识的参数“--bogus”",
        ),
        (&["rendr"][..], "没有“rendr”这个命令"),
        (&["render", "--to", "xml", "a.yaml"][..], "可用的值"),
        (&["new", "--year", "abc"][..], "应是一个年份"),
        (&["render"][..], "缺少必需的参数"),
        (&["check", "--format"][..], "缺少值"),
    ] {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.contains("用法："), "{args:?}: {err}");
        for english in [
            "error:",
            "Usage:",
            "unexpected argument",
            "For more information",
        ] {
            assert!(!err.contains(english), "{args:?}: {err}");
        }
    }
    let (code, _, err) = run(&["rendr"]);
    assert_eq!(code, 2);
    assert!(err.contains("render"), "a suggestion: {err}");
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("schema")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "exit normally: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

// ---- issue 16 item 11: `--force` is visible ------------------------------------------------------

/// The text of every page of a PDF, through its ToUnicode maps.
fn pdf_page_texts(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| doc.extract_text(&[*p]).unwrap_or_default())
        .collect()
}

#[test]
fn a_forced_render_exits_1_is_counted_apart_and_marks_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        root().join("tests/bad/rule-error.yaml"),
        inputs.join("bad.yaml"),
    )
    .unwrap();
    std::fs::write(inputs.join("good.yaml"), sample()).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "render",
        s(&inputs),
        "-o",
        s(&out),
        "--bundled-fonts",
        "--force",
        "--to",
        "pdf",
    ]);
    assert_eq!(code, 1, "the check failed: {err}");
    assert!(err.contains("共 2 份：1 份已生成，1 份已强制生成"), "{err}");
    let bad = pdf_page_texts(&out.join("bad.pdf"));
    assert!(bad.len() > 1);
    for (i, t) in bad.iter().enumerate() {
        assert!(t.contains("未通过检查"), "page {}: {t}", i + 1);
    }
    for t in pdf_page_texts(&out.join("good.pdf")) {
        assert!(!t.contains("未通过检查"), "{t}");
    }
}

// ---- issue 16 item 13: the notice-board copy beside the official one -------------------------------

#[test]
fn the_notice_board_copy_has_its_own_name_and_no_docx_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.yaml");
    std::fs::write(&r, sample()).unwrap();
    let (code, _, err) = run(&["render", s(&r), "--bundled-fonts"]);
    assert_eq!(code, 0, "{err}");
    let official = std::fs::read(dir.path().join("r.pdf")).unwrap();
    let (code, _, err) = run(&[
        "render",
        s(&r),
        "--bundled-fonts",
        "--style",
        "notice-board",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("r.pdf")).unwrap(),
        official,
        "the official copy stays"
    );
    assert!(dir.path().join("r-公开栏.pdf").exists());
    assert!(!dir.path().join("r-公开栏.docx").exists());
    let (code, _, err) = run(&[
        "render",
        s(&r),
        "--bundled-fonts",
        "--style",
        "notice-board",
        "--to",
        "all",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("r-公开栏.docx").exists());
}
