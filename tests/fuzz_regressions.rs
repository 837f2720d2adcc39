//! Every input the fuzzers ever crashed on (`fuzz/regressions/`) goes through both pipelines without
//! a panic: load + check, and load + compose + typeset + PDF + DOCX.

use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;

#[test]
fn saved_fuzz_inputs_do_not_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let style = Style::builtin("gbt9704").unwrap();
    let fonts = FontSet::load(&style, &FontOptions::bundled()).ok();
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        n += 1;
        let Ok(rep) = gongkai::report::load_bytes(&data, None) else {
            continue;
        };
        let Ok(res) = gongkai::check::resolve(rep) else {
            continue;
        };
        let _ = gongkai::check::run(&res, None);
        let doc = gongkai::compose::compose(&res);
        if let Some(fonts) = &fonts {
            if let Ok(pages) = gongkai::typeset::typeset(&doc, &style, fonts) {
                let _ = gongkai::backend::pdf::write(&pages, fonts, &Default::default());
            }
        }
        let _ =
            gongkai::backend::docx::write(&doc, &style, &Default::default(), &Default::default());
    }
    assert!(n > 0);
}
