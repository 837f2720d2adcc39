//! Writes a report's DOCX: `cargo run --example docx -- REPORT.yaml OUT.docx [--bundled] [--style ID]`.
//!
//! Tables take the PDF layout's columns and rows (`Layout::docx_geometry`); `--bundled` lays out
//! with the bundled fonts and writes their names into the DOCX (what LibreOffice needs to render
//! it on a machine with only the bundled fonts installed).

use std::path::Path;
use std::process::ExitCode;

use gongkai::backend::docx::{write, DocxOptions};
use gongkai::fonts::{FontOptions, FontSet};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        eprintln!("usage: docx REPORT.yaml OUT.docx [--bundled] [--style ID]");
        return ExitCode::from(2);
    };
    let bundled = args.iter().any(|a| a == "--bundled");
    let style_id = args
        .iter()
        .position(|a| a == "--style")
        .and_then(|i| args.get(i + 1))
        .map_or("gbt9704", String::as_str);
    let Some(style) = gongkai::style::Style::builtin(style_id) else {
        eprintln!("unknown style {style_id}");
        return ExitCode::from(2);
    };
    let res = match gongkai::load(Path::new(input)) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("{d:?}");
            return ExitCode::from(2);
        }
    };
    let doc = gongkai::compose::compose(&res);
    let opts = DocxOptions {
        bundled_font_names: bundled,
        epoch: gongkai::render::source_date_epoch(),
    };
    let fopts = if bundled {
        FontOptions::bundled()
    } else {
        FontOptions::default()
    };
    let layout = match FontSet::load(&style, &fopts)
        .map_err(|e| format!("{e:?}"))
        .and_then(|f| gongkai::typeset::layout(&doc, &style, &f).map_err(|d| format!("{d:?}")))
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match write(&doc, &style, &layout.docx_geometry(), &opts) {
        Ok(bytes) => {
            if let Err(e) = std::fs::write(output, bytes) {
                eprintln!("{output}: {e}");
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d:?}");
            ExitCode::from(2)
        }
    }
}
