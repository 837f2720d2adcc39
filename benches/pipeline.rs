//! Stage timings (issue 7): load + check, compose, typeset, PDF write, SVG write, DOCX write — for the 李旺镇
//! sample and for a generated ~20-page report whose tables cross pages; the typesetting of a paragraph
//! of 300 000 digits with no break opportunity (issue 15 item 6). Fonts are loaded once, as in a
//! batch run.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::fonts::{FontOptions, FontSet};
use gongkai::style::Style;

/// The sample with enough extra paragraphs for ~20 pages; the tables then start mid-page and cross pages.
fn long_report() -> String {
    let s = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qinghe-2021.yaml"),
    )
    .unwrap();
    let extra: String = (0..120)
        .map(|i| format!("  - 第{i}项工作：围绕国土空间规划、征地信息、矿业权出让等重点领域，扎实推进决策、执行、管理、服务、结果公开，全年主动公开政府信息412条。\n"))
        .collect();
    s.replace(
        "  - heading: （二）依申请公开\n",
        &format!("{extra}  - heading: （二）依申请公开\n"),
    )
}

fn bench(c: &mut Criterion) {
    let style = Style::builtin("gbt9704").unwrap();
    let fonts = FontSet::load(&style, &FontOptions::bundled()).unwrap();
    let liwang = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/liwang-2020.yaml"),
    )
    .unwrap();
    let liwang_text = liwang.clone();
    for (name, text) in [("liwang", liwang), ("long20", long_report())] {
        let mut g = c.benchmark_group(name);
        g.sample_size(20);
        g.bench_function("load+check", |b| {
            b.iter(|| {
                let rep = gongkai::report::load_str(black_box(&text), None).unwrap();
                let res = gongkai::check::resolve(rep).unwrap();
                black_box(gongkai::check::run(&res, None));
            })
        });
        let res = gongkai::check::resolve(gongkai::report::load_str(&text, None).unwrap()).unwrap();
        g.bench_function("compose", |b| {
            b.iter(|| black_box(gongkai::compose::compose(black_box(&res))))
        });
        let doc = gongkai::compose::compose(&res);
        g.bench_function("typeset", |b| {
            b.iter(|| {
                black_box(gongkai::typeset::typeset(black_box(&doc), &style, &fonts).unwrap())
            })
        });
        let pages = gongkai::typeset::typeset(&doc, &style, &fonts).unwrap();
        let meta = gongkai::backend::pdf::PdfMeta::default();
        g.bench_function("pdf", |b| {
            b.iter(|| {
                black_box(gongkai::backend::pdf::write(black_box(&pages), &fonts, &meta).unwrap())
            })
        });
        // the editor's preview: every page as SVG (issue 20)
        g.bench_function("svg", |b| {
            b.iter(|| black_box(gongkai::backend::svg::write(black_box(&pages), &fonts)))
        });
        g.bench_function("docx", |b| {
            b.iter(|| {
                black_box(
                    gongkai::backend::docx::write(
                        black_box(&doc),
                        &style,
                        &Default::default(),
                        &Default::default(),
                    )
                    .unwrap(),
                )
            })
        });
        g.finish();
    }
    // issue 15 item 6: a paragraph with no break opportunity (300 000 digits) is broken in linear
    // time; it was quadratic (100 000 digits 8 s, 300 000 86 s)
    let mut doc = gongkai::compose::compose(
        &gongkai::check::resolve(gongkai::report::load_str(&liwang_text, None).unwrap()).unwrap(),
    );
    let digits: String = (0..300_000)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    doc.blocks.insert(
        1,
        gongkai::doc::Block::Paragraph {
            runs: vec![gongkai::doc::Run {
                role: gongkai::doc::Role::Body,
                text: digits,
            }],
            origin: gongkai::doc::Origin {
                place: "300k".into(),
                line: 0,
            },
        },
    );
    let mut g = c.benchmark_group("nobreak300k");
    g.sample_size(10);
    g.bench_function("typeset", |b| {
        b.iter(|| black_box(gongkai::typeset::typeset(black_box(&doc), &style, &fonts).unwrap()))
    });
    g.finish();
    c.bench_function("fonts/load-bundled", |b| {
        b.iter(|| black_box(FontSet::load(&style, &FontOptions::bundled()).unwrap()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
