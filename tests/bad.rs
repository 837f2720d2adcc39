//! Hostile and mistaken inputs (issue 6): each gives its exit code and a Chinese message naming the
//! place; never a panic (exit 101), never a file left behind when it fails.
//!
//! Static cases live in `tests/bad/*.yaml` with `# exit:` and `# message:` headers; cases that are
//! binary, huge or about paths are generated here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap()
}

fn render_into(input: &Path, out: &Path) -> Output {
    gongkai(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--bundled-fonts",
    ])
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    // the output folder's lock file is no output
    v.retain(|p: &PathBuf| !p.ends_with(".gongkai.lock"));
    v.sort();
    v
}

/// Runs one case and returns a failure description, if any.
fn expect(name: &str, input: &Path, exit: i32, messages: &[&str]) -> Option<String> {
    let out = tempfile::tempdir().unwrap();
    let o = render_into(input, out.path());
    let code = o.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&o.stderr);
    let mut problems = Vec::new();
    if code == 101 || err.contains("panicked") {
        problems.push("panicked".to_string());
    }
    if code != exit {
        problems.push(format!("exit {code}, want {exit}"));
    }
    for m in messages {
        if !err.contains(m) {
            problems.push(format!("message lacks “{m}”"));
        }
    }
    let left = files_in(out.path());
    if exit != 0 && !left.is_empty() {
        problems.push(format!("files left behind: {left:?}"));
    }
    if exit == 0 {
        let stem = input.file_stem().unwrap().to_string_lossy();
        for ext in ["pdf", "docx"] {
            if !out.path().join(format!("{stem}.{ext}")).exists() {
                problems.push(format!("{stem}.{ext} not written"));
            }
        }
        if left.iter().any(|p| p.to_string_lossy().ends_with(".tmp")) {
            problems.push("temporary file left".into());
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!("{name}: {}\n{err}", problems.join("; ")))
    }
}

fn header(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&format!("# {key}: ")).map(str::to_string))
        .collect()
}

#[test]
fn static_bad_inputs() {
    let mut failures = Vec::new();
    let mut n = 0;
    for f in files_in(&root().join("tests/bad")) {
        if f.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&f).unwrap();
        let exit: i32 = header(&text, "exit")[0].parse().unwrap();
        let msgs = header(&text, "message");
        let msgs: Vec<&str> = msgs.iter().map(String::as_str).collect();
        failures.extend(expect(
            &f.file_name().unwrap().to_string_lossy(),
            &f,
            exit,
            &msgs,
        ));
    }
    assert!(n >= 29, "only {n} static cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn sample() -> String {
    std::fs::read_to_string(root().join("samples/liwang-2020.yaml")).unwrap()
}

#[test]
fn generated_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut failures = Vec::new();
    let mut case = |name: &str, bytes: &[u8], exit: i32, msgs: &[&str]| {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        failures.extend(expect(name, &p, exit, msgs));
    };
    // A 50 MB file is refused before parsing.
    let mut big = sample().into_bytes();
    big.extend(std::iter::repeat_n(b'#', 50 * 1024 * 1024));
    case("big.yaml", &big, 2, &["文件过大"]);
    // Invalid UTF-8 (a GBK-encoded file), with its line.
    let mut gbk = b"organ: x\nyear: 2020\nlead: ".to_vec();
    gbk.extend([0xC0, 0xEE, 0xCD, 0xFA]);
    case("gbk.yaml", &gbk, 2, &["不是 UTF-8", ":3:"]);
    // A UTF-8 BOM and CRLF line endings work.
    let crlf = format!("\u{feff}{}", sample().replace('\n', "\r\n"));
    case("bom-crlf.yaml", crlf.as_bytes(), 0, &[]);
    // One paragraph of 1 MB renders, paginated.
    let para = "我镇严格按照县委、县政府的总体部署推进政务公开工作，".repeat(1024 * 1024 / 78 + 1);
    let long = sample().replace(
        "  - 全年回应公众关注热点或重大舆情数0次。",
        &format!("  - {para}"),
    );
    case("long-paragraph.yaml", long.as_bytes(), 0, &[]);
    // 500 paragraphs render.
    let many: String = (0..500)
        .map(|i| {
            format!("  - 第{i}段：全年回应公众关注热点或重大舆情数0次，政务公开工作有序推进。\n")
        })
        .collect();
    let many = sample().replace("  - 全年回应公众关注热点或重大舆情数0次。\n", &many);
    case("many-paragraphs.yaml", many.as_bytes(), 0, &[]);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn paths_that_are_wrong() {
    let dir = tempfile::tempdir().unwrap();
    // A missing file.
    let o = gongkai(&["check", "no-such-report.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("文件不存在"));
    // A folder given to check.
    let o = gongkai(&["check", "samples"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("文件夹"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // An output folder that cannot be created.
    let o = gongkai(&[
        "render",
        "samples/liwang-2020.yaml",
        "-o",
        "/proc/gongkai-out",
        "--bundled-fonts",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法创建输出文件夹"));
    // An output path that exists as a folder: nothing written, not even the other file (made,
    // and for one report already staged, before the folder is found).
    for target in ["liwang-2020.pdf", "liwang-2020.docx"] {
        std::fs::create_dir(dir.path().join(target)).unwrap();
        let o = gongkai(&[
            "render",
            "samples/liwang-2020.yaml",
            "-o",
            dir.path().to_str().unwrap(),
            "--bundled-fonts",
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("输出路径是一个文件夹"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(files_in(dir.path()), vec![dir.path().join(target)]);
        std::fs::remove_dir(dir.path().join(target)).unwrap();
    }
}

#[test]
fn in_a_batch_a_report_that_cannot_be_written_fails_alone() {
    // a batch flushes and renames the reports written so far together: one report's blocked
    // target must not take the others down, nor leave temporary files
    let input = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::copy(
            root().join("samples/qinghe-2021.yaml"),
            input.path().join(format!("{name}.yaml")),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(out.path().join("b.docx")).unwrap();
    let o = gongkai(&[
        "render",
        input.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--bundled-fonts",
        "-j",
        "2",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("输出路径是一个文件夹"), "{err}");
    let names: Vec<String> = files_in(out.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["a.docx", "a.pdf", "b.docx", "c.docx", "c.pdf"],
        "{err}"
    );
}
