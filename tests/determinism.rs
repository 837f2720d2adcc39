//! Same input, same bytes (issue 6): from two working directories, with 1 and 2 threads; dates only
//! from SOURCE_DATE_EPOCH. And a render killed with SIGKILL leaves no partial output, and no stray
//! temporary file after the next run once it is old (see `render::STALE_AFTER`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn render(cwd: &Path, inputs: &[PathBuf], out: &Path, extra: &[&str]) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.current_dir(cwd).arg("render");
    c.args(inputs);
    c.args(["-o", out.to_str().unwrap(), "--bundled-fonts"])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH");
    let o = c.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn same_bytes_from_two_directories_and_thread_counts() {
    let samples = vec![
        root().join("samples/liwang-2020.yaml"),
        root().join("samples/qinghe-2021.yaml"),
    ];
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    render(root(), &samples, a.path(), &["-j", "1"]);
    render(Path::new("/"), &samples, b.path(), &["-j", "2"]);
    for s in ["liwang-2020", "qinghe-2021"] {
        for ext in ["pdf", "docx"] {
            let x = std::fs::read(a.path().join(format!("{s}.{ext}"))).unwrap();
            let y = std::fs::read(b.path().join(format!("{s}.{ext}"))).unwrap();
            assert!(x == y, "{s}.{ext} differs between runs");
        }
    }
}

#[test]
fn source_date_epoch_sets_the_dates() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .current_dir(root())
        .args([
            "render",
            "samples/qinghe-2021.yaml",
            "-o",
            out.path().to_str().unwrap(),
            "--bundled-fonts",
        ])
        .env("SOURCE_DATE_EPOCH", "1642636800") // 2022-01-20T00:00:00Z
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pdf = std::fs::read(out.path().join("qinghe-2021.pdf")).unwrap();
    assert!(
        String::from_utf8_lossy(&pdf).contains("20220120"),
        "PDF creation date from SOURCE_DATE_EPOCH"
    );
    let docx = std::fs::read(out.path().join("qinghe-2021.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
        .unwrap();
    assert!(core.contains("2022-01-20T00:00:00Z"), "{core}");
}

#[test]
fn sigkill_mid_render_leaves_nothing_partial() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Enough work that the kill lands mid-way: 40 long reports.
    let sample = std::fs::read_to_string(root().join("samples/liwang-2020.yaml")).unwrap();
    let long: String = (0..150).map(|i| format!("  - 第{i}段：我镇严格按照县委、县政府关于政府信息与政务公开工作的总体部署推进工作。\n")).collect();
    let text = sample.replace("  - 全年回应公众关注热点或重大舆情数0次。\n", &long);
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for i in 0..40 {
        std::fs::write(inputs.join(format!("r{i:02}.yaml")), &text).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "render",
            inputs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--bundled-fonts",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as the first output (or temporary file) appears.
    let start = std::time::Instant::now();
    while std::fs::read_dir(&out).unwrap().next().is_none() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    // Every file with a final name is complete: PDFs end with %%EOF, DOCX are readable zips.
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".pdf") {
            let b = std::fs::read(&p).unwrap();
            assert!(
                b.windows(5).rev().take(64).any(|w| w == b"%%EOF"),
                "{name} is partial"
            );
        } else if name.ends_with(".docx") {
            zip::ZipArchive::new(std::fs::File::open(&p).unwrap())
                .unwrap_or_else(|e| panic!("{name} is partial: {e}"));
        } else {
            assert!(
                (name.starts_with(".gongkai-") && name.ends_with(".tmp"))
                    || name == ".gongkai.lock",
                "unexpected file {name}"
            );
            // what the killed run left, made old: no process holds it any more
            if name.ends_with(".tmp") {
                let f = std::fs::File::options().write(true).open(&p).unwrap();
                f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
                    .unwrap();
            }
        }
    }
    // The next run completes and removes what the killed one left (unlocked, and old).
    let one = dir.path().join("one");
    std::fs::create_dir(&one).unwrap();
    std::fs::copy(inputs.join("r00.yaml"), one.join("r00.yaml")).unwrap();
    render(root(), &[one.join("r00.yaml")], &out, &[]);
    let stray: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "stray temporary files: {stray:?}");
}
