//! Converts the built-in format and style files (`layouts/formats/*.yaml`, `layouts/styles/*.yaml`)
//! to JSON at build time: the YAML stays the one source, and the program reads the JSON with
//! serde_json, which takes ~1 M instructions for both formats where serde-saphyr took ~18 M, and
//! 0.1 M for a style where it took 1.2 M (every run pays it, one report or a hundred).
//! `format::tests` and `style::tests` check that both give the same formats and styles.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    convert(&out, "layouts/formats", "format");
    convert(&out, "layouts/styles", "style");
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes `<prefix>-<id>.json` into `out` for every `<id>.yaml` in `dir`.
fn convert(out: &std::path::Path, dir: &str, prefix: &str) {
    println!("cargo:rerun-if-changed={dir}");
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let mut ids: Vec<String> = entries
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".yaml")?.to_string())
        })
        .collect();
    ids.sort();
    for id in ids {
        let src = format!("{dir}/{id}.yaml");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{src}: {e}"));
        std::fs::write(out.join(format!("{prefix}-{id}.json")), json)
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
}
