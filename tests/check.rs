//! `gongkai check` as a user runs it: every sample passes; every fixture under `tests/suite/check/`
//! yields exactly the diagnostics written in its `expected/*.txt` and the exit code in its header.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn header(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix(&format!("# {key}: ")).map(str::to_string))
}

#[test]
fn samples_pass() {
    for s in ["samples/liwang-2020.yaml", "samples/qinghe-2021.yaml"] {
        let out = bin().args(["check", s]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{s}: {err}");
        assert!(err.contains("检查通过"), "{s}: {err}");
    }
}

#[test]
fn carried_over_sample_passes_r5() {
    // qinghe-2021 carries over a 2020 report whose 结转 matches; the 2019-format liwang sample has all
    // zeros, so R5 against it must fail exactly on the two carried columns.
    let out = bin()
        .args([
            "check",
            "samples/qinghe-2021.yaml",
            "--previous",
            "samples/liwang-2020.yaml",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("错误：表三“二、上年结转政府信息公开申请数量”行“自然人”列为 2，但上年报告“四、结转下年度继续办理”为 0"), "{err}");
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/check");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p.to_string_lossy().ends_with("-previous.yaml")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn each_fixture_yields_exactly_its_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let fx = fixtures();
    assert!(fx.len() >= 13, "fixtures missing: {fx:?}");
    for f in fx {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let mut cmd = bin();
        cmd.args(["check", &rel]);
        if let Some(p) = header(&f, "previous") {
            cmd.args(["--previous", &format!("tests/suite/check/{p}")]);
        }
        let out = cmd.output().unwrap();
        let code = out.status.code();
        let want_code: i32 = header(&f, "exit")
            .expect("fixture has # exit:")
            .parse()
            .unwrap();
        let got = String::from_utf8_lossy(&out.stderr).into_owned();
        let exp_path = f.with_extension("expected");
        if std::env::var_os("UPDATE").is_some() || !exp_path.exists() {
            std::fs::write(&exp_path, &got).unwrap();
            if std::env::var_os("UPDATE").is_none() {
                failures.push(format!(
                    "{rel}: wrote a new reference {}, review it",
                    exp_path.display()
                ));
            }
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap();
        if code != Some(want_code) {
            failures.push(format!("{rel}: exit {code:?}, want {want_code}\n{got}"));
        }
        if got != want {
            failures.push(format!(
                "{rel}: diagnostics differ\n--- want\n{want}--- got\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
