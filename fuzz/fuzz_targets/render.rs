//! Fuzz target: any bytes → load + compose + typeset + PDF + DOCX (fonts loaded once). Must never panic.
#![no_main]

use std::sync::OnceLock;

use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (Style, FontSet) {
    static S: OnceLock<(Style, FontSet)> = OnceLock::new();
    S.get_or_init(|| {
        let style = Style::builtin("gbt9704").expect("style");
        let fonts = FontSet::load(&style, &FontOptions::bundled()).expect("bundled fonts");
        (style, fonts)
    })
}

fuzz_target!(|data: &[u8]| {
    let (style, fonts) = setup();
    let Ok(rep) = gongkai::report::load_bytes(data, None) else { return };
    let Ok(res) = gongkai::check::resolve(rep) else { return };
    let doc = gongkai::compose::compose(&res);
    if let Ok(pages) = gongkai::typeset::typeset(&doc, style, fonts) {
        let _ = gongkai::backend::pdf::write(&pages, fonts, &gongkai::backend::pdf::PdfMeta::default());
    }
    let _ = gongkai::backend::docx::write(&doc, style, &Default::default(), &Default::default());
});
