//! Renders a report YAML to PDF with the bundled fonts: `cargo run --example render_pdf -- IN.yaml OUT.pdf`.
use gongkai::backend::pdf;
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let res = gongkai::load(std::path::Path::new(&args[1])).unwrap_or_else(|d| panic!("{d:?}"));
    let doc = gongkai::compose::compose(&res);
    let style = Style::builtin("gbt9704").expect("style");
    let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap_or_else(|d| panic!("{d:?}"));
    let pages = gongkai::typeset::typeset(&doc, &style, &fonts).unwrap_or_else(|d| panic!("{d:?}"));
    let meta = pdf::PdfMeta {
        title: doc.title.clone(),
        author: doc.author.clone(),
        epoch: None,
    };
    let bytes = pdf::write(&pages, &fonts, &meta).unwrap_or_else(|d| panic!("{d:?}"));
    std::fs::write(&args[2], bytes).expect("write");
}
