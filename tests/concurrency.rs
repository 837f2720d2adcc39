//! Processes of the built binary racing on one output folder (issue 15, items 4 and 5): a live
//! temporary file is never deleted by another run, whatever its name says; the PDF and DOCX of a
//! name always come from the same input; a killed run leaves no partial file. Every loop is
//! bounded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gongkai(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.args(args)
        .arg("--bundled-fonts")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Waits for a child, killing it after `deadline` (a hang) and failing.
fn finish(mut child: Child, deadline: Duration) -> (i32, String) {
    let mut se = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).ok();
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
            panic!("a render still running after {deadline:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code().unwrap_or(-1), err.join().unwrap())
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Two sources of the same `n` file names (`r0.yaml` …), each report of `a/` for one organ and of
/// `b/` for another, and what each renders to on its own (the output is deterministic).
struct Sources {
    dirs: [PathBuf; 2],
    /// (source, name) → [PDF, DOCX] bytes.
    refs: BTreeMap<(usize, String), [Vec<u8>; 2]>,
}

impl Sources {
    /// Which source `bytes` is the whole `ext` file (0 PDF, 1 DOCX) of `name` from, if any.
    fn source_of(&self, name: &str, ext: usize, bytes: &[u8]) -> Option<usize> {
        (0..2).find(|k| self.refs[&(*k, name.to_string())][ext] == bytes)
    }
}

fn sources(dir: &Path, n: usize) -> Sources {
    let sample = std::fs::read_to_string(root().join("samples/qinghe-2021.yaml")).unwrap();
    let dirs = [dir.join("a"), dir.join("b")];
    let mut refs = BTreeMap::new();
    for (k, d) in dirs.iter().enumerate() {
        std::fs::create_dir_all(d).unwrap();
        for i in 0..n {
            let organ = format!("青禾县第{k}{i}局");
            std::fs::write(
                d.join(format!("r{i}.yaml")),
                sample.replace("青禾县自然资源局", &organ),
            )
            .unwrap();
        }
        let out = dir.join(format!("ref{k}"));
        let (code, err) = finish(
            gongkai(&["render", s(d), "-o", s(&out)]).spawn().unwrap(),
            Duration::from_secs(300),
        );
        assert_eq!(code, 0, "{err}");
        for i in 0..n {
            let name = format!("r{i}");
            let read = |ext: &str| std::fs::read(out.join(format!("{name}.{ext}"))).unwrap();
            let pair = [read("pdf"), read("docx")];
            refs.insert((k, name), pair);
        }
    }
    Sources { dirs, refs }
}

/// Every PDF/DOCX pair in `out` is one source's pair, whole; returns how many pairs were seen.
fn assert_pairs_whole(src: &Sources, out: &Path, n: usize) -> usize {
    let mut pairs = 0;
    for i in 0..n {
        let name = format!("r{i}");
        let pdf = std::fs::read(out.join(format!("{name}.pdf"))).ok();
        let docx = std::fs::read(out.join(format!("{name}.docx"))).ok();
        let (Some(pdf), Some(docx)) = (pdf, docx) else {
            continue;
        };
        let p = src.source_of(&name, 0, &pdf);
        let d = src.source_of(&name, 1, &docx);
        assert!(p.is_some(), "{name}.pdf is whole and one source's");
        assert!(d.is_some(), "{name}.docx is whole and one source's");
        assert_eq!(p, d, "{name}.pdf and {name}.docx come from one input");
        pairs += 1;
    }
    pairs
}

fn temporaries(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn runs_racing_on_one_folder_leave_whole_pairs_and_no_temporary_file() {
    const N: usize = 6;
    const ROUNDS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let src = sources(dir.path(), N);
    let out = dir.path().join("out");
    let mut seen = 0;
    for _ in 0..ROUNDS {
        // four runs at once: two of each source, every report's name in both
        let children: Vec<Child> = (0..4)
            .map(|k| {
                gongkai(&["render", s(&src.dirs[k % 2]), "-o", s(&out), "-j", "2"])
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let (code, err) = finish(c, Duration::from_secs(300));
            assert_eq!(code, 0, "no run fails because of another: {err}");
        }
        seen += assert_pairs_whole(&src, &out, N);
        assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    }
    assert_eq!(seen, N * ROUNDS);
}

#[test]
fn a_live_temporary_file_is_kept_whatever_its_name_and_age_a_dead_old_one_goes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let make = |name: &str, old: bool, locked: bool| {
        let p = out.join(name);
        let f = std::fs::File::create(&p).unwrap();
        if old {
            f.set_modified(hour_ago).unwrap();
        }
        if locked {
            f.lock().unwrap();
        }
        f
    };
    // another computer's run (its process id means nothing here), writing now and for long
    let _live = make(".gongkai-999999-a.tmp", false, true);
    let _live_long = make(".gongkai-1-b.tmp", true, true);
    // a run killed an hour ago, and one that has just made its file and not locked it yet
    drop(make(".gongkai-c.tmp", true, false));
    drop(make(".gongkai-d.tmp", false, false));
    let r = dir.path().join("r.yaml");
    std::fs::copy(root().join("samples/qinghe-2021.yaml"), &r).unwrap();
    let (code, err) = finish(
        gongkai(&["render", s(&r), "-o", s(&out), "--to", "pdf"])
            .spawn()
            .unwrap(),
        Duration::from_secs(120),
    );
    assert_eq!(code, 0, "{err}");
    let mut left = temporaries(&out);
    left.sort();
    assert_eq!(
        left,
        [
            ".gongkai-1-b.tmp",
            ".gongkai-999999-a.tmp",
            ".gongkai-d.tmp"
        ],
        "only the dead old one is removed"
    );
}

#[test]
fn runs_killed_at_any_moment_leave_only_whole_files() {
    const N: usize = 6;
    const ROUNDS: u64 = 8;
    let dir = tempfile::tempdir().unwrap();
    let src = sources(dir.path(), N);
    let out = dir.path().join("out");
    for round in 0..ROUNDS {
        let victim = gongkai(&["render", s(&src.dirs[(round % 2) as usize]), "-o", s(&out)])
            .spawn()
            .unwrap();
        let other = gongkai(&[
            "render",
            s(&src.dirs[1 - (round % 2) as usize]),
            "-o",
            s(&out),
        ])
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(40 * round));
        let mut victim = victim;
        victim.kill().ok();
        victim.wait().unwrap();
        let (code, err) = finish(other, Duration::from_secs(300));
        assert_eq!(code, 0, "{err}");
        // every file with a final name is one source's whole file
        for i in 0..N {
            for (e, ext) in ["pdf", "docx"].into_iter().enumerate() {
                let name = format!("r{i}");
                if let Ok(b) = std::fs::read(out.join(format!("{name}.{ext}"))) {
                    assert!(
                        src.source_of(&name, e, &b).is_some(),
                        "{name}.{ext} is partial or mixed"
                    );
                }
            }
        }
    }
    // the killed runs' temporary files are left until they are old; the last run finished whole
    let (code, err) = finish(
        gongkai(&["render", s(&src.dirs[0]), "-o", s(&out)])
            .spawn()
            .unwrap(),
        Duration::from_secs(300),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(assert_pairs_whole(&src, &out, N), N);
}
