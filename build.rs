//! Converts the built-in format files (`layouts/formats/*.yaml`) to JSON at build time: the YAML stays
//! the one source, and the program reads the JSON with serde_json, which takes ~1 M instructions
//! for both formats where serde-saphyr took ~18 M (every run pays it, one report or a hundred).
//! `format::tests` checks that both give the same formats.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    println!("cargo:rerun-if-changed=layouts/formats");
    let dir = std::fs::read_dir("layouts/formats").expect("layouts/formats");
    let mut ids: Vec<String> = dir
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".yaml")?.to_string())
        })
        .collect();
    ids.sort();
    for id in ids {
        let src = format!("layouts/formats/{id}.yaml");
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{src}: {e}"));
        std::fs::write(out.join(format!("format-{id}.json")), json)
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
    println!("cargo:rerun-if-changed=build.rs");
}
