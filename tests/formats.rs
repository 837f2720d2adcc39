//! The format files reproduce the national tables exactly: every label, header and span of
//! `tests/fixtures/national-tables.json` (a copy of the spec's machine-readable tables: the labels of
//! the national formats, verbatim, with their merges) is checked against the resolved grids.

use gongkai::format::{self, CellContent, CellRole, Entry, Format};
use serde_json::Value;

/// (text, colspan, rowspan, role) of the cells that start in grid row `r`.
fn row_cells(f: &Format, table: &str, r: usize) -> Vec<(String, usize, usize, CellRole)> {
    let t = f.table(table).unwrap();
    t.grid[r]
        .iter()
        .filter_map(|e| match e {
            Entry::Cell(c) => Some((
                match &c.content {
                    CellContent::Text(s) => s.clone(),
                    CellContent::Value(r, c) => format!("{r}.{c}"),
                },
                c.colspan,
                c.rowspan,
                c.role,
            )),
            Entry::Merged { .. } => None,
        })
        .collect()
}

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/national-tables.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("the national tables fixture"))
        .unwrap()
}

fn header_matches(f: &Format, table: &str, spec_rows: &Value) {
    for (r, row) in spec_rows.as_array().unwrap().iter().enumerate() {
        let want: Vec<(String, usize, usize)> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["text"].as_str().unwrap().to_string(),
                    c.get("colspan").and_then(Value::as_u64).unwrap_or(1) as usize,
                    c.get("rowspan").and_then(Value::as_u64).unwrap_or(1) as usize,
                )
            })
            .collect();
        let got: Vec<_> = row_cells(f, table, r)
            .into_iter()
            .map(|(t, c, rs, role)| {
                assert_eq!(role, CellRole::Header, "{} {table} header row {r}", f.id);
                (t, c, rs)
            })
            .collect();
        assert_eq!(
            got,
            want,
            "format {} table {table} header row {}",
            f.id,
            r + 1
        );
    }
}

#[test]
fn every_builtin_format_loads_and_is_registered() {
    let all = format::builtin().expect("formats load");
    let ids: Vec<_> = all.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["2019", "2021"]);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/layouts/formats");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["2019.yaml", "2021.yaml"],
        "every format file is embedded in format::BUILTIN"
    );
    for (_, text) in format::BUILTIN {
        assert!(
            text.ends_with('\n') && !text.lines().any(|l| l.ends_with(' ')),
            "format files end with a newline, no trailing spaces"
        );
    }
    assert_eq!(format::for_year(2020).unwrap().id, "2019");
    assert_eq!(format::for_year(2021).unwrap().id, "2021");
    assert_eq!(format::for_year(2026).unwrap().id, "2021");
}

#[test]
fn sections_match_spec() {
    let spec = spec();
    for f in format::builtin().unwrap() {
        let want: Vec<&str> = spec[&f.id]["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let got: Vec<&str> = f.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(got, want, "format {}", f.id);
    }
}

#[test]
fn table2_blocks_match_spec() {
    let spec = spec();
    for f in format::builtin().unwrap() {
        let t = f.table("proactive").unwrap();
        assert_eq!(
            t.def.grid_columns,
            spec[&f.id]["table2_one_table_grid_columns"]
                .as_u64()
                .unwrap() as usize
        );
        let mut r = 0;
        for block in spec[&f.id]["table2_blocks"].as_array().unwrap() {
            let cap = row_cells(&f, "proactive", r);
            assert_eq!(
                cap,
                vec![(
                    block["caption"].as_str().unwrap().to_string(),
                    4,
                    1,
                    CellRole::Caption
                )],
                "{} caption",
                f.id
            );
            let head: Vec<String> = row_cells(&f, "proactive", r + 1)
                .into_iter()
                .map(|c| c.0)
                .collect();
            let want_head: Vec<String> = block["header"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(head, want_head, "{} header of {}", f.id, block["caption"]);
            // Value cells fill the 3 value columns: one spanning 3 (2021 single-value blocks), or 2 + 1.
            let head_spans: usize = row_cells(&f, "proactive", r + 1).iter().map(|c| c.1).sum();
            assert_eq!(head_spans, 4);
            if let Some(vc) = block.get("value_colspan") {
                assert_eq!(
                    row_cells(&f, "proactive", r + 1)[1].1,
                    vc.as_u64().unwrap() as usize
                );
            }
            for (k, label) in block["rows"].as_array().unwrap().iter().enumerate() {
                let cells = row_cells(&f, "proactive", r + 2 + k);
                assert_eq!(cells[0].0, label.as_str().unwrap(), "{} row label", f.id);
                assert_eq!(
                    cells.iter().map(|c| c.1).sum::<usize>(),
                    4,
                    "{} row {label} spans the width",
                    f.id
                );
                assert!(cells[1..].iter().all(|c| c.3 == CellRole::Value));
            }
            r += 2 + block["rows"].as_array().unwrap().len();
        }
        assert_eq!(r, t.grid.len(), "{}: no extra rows in 表二", f.id);
    }
}

#[test]
fn table3_matches_spec() {
    let spec = spec();
    for f in format::builtin().unwrap() {
        let s = &spec[&f.id]["table3"];
        let t = f.table("applications").unwrap();
        assert_eq!(
            t.def.grid_columns,
            s["grid_columns"].as_u64().unwrap() as usize
        );
        header_matches(&f, "applications", &s["header_rows"]);
        let cols: Vec<&str> = s["data_columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            t.def
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            cols
        );
        let rows = &s["rows"];
        let label = |r: usize| {
            row_cells(&f, "applications", r)
                .into_iter()
                .filter(|c| c.3 != CellRole::Value)
                .collect::<Vec<_>>()
        };
        let values = |r: usize| {
            row_cells(&f, "applications", r)
                .into_iter()
                .filter(|c| c.3 == CellRole::Value)
                .count()
        };
        assert_eq!(
            label(3),
            vec![(
                rows["一"].as_str().unwrap().to_string(),
                3,
                1,
                CellRole::Label
            )]
        );
        assert_eq!(
            label(4),
            vec![(
                rows["二"].as_str().unwrap().to_string(),
                3,
                1,
                CellRole::Label
            )]
        );
        let three = &rows["三"];
        let mut r = 5;
        let first = label(r);
        assert_eq!(
            (first[0].0.as_str(), first[0].2),
            (
                three["label"].as_str().unwrap(),
                three["rowspan"].as_u64().unwrap() as usize
            )
        );
        for (gi, g) in three["groups"].as_array().unwrap().iter().enumerate() {
            let mut cells = label(r);
            if gi == 0 {
                cells.remove(0);
            }
            let gl = g["label"].as_str().unwrap();
            match g["items"].as_array() {
                None => {
                    assert_eq!(
                        cells,
                        vec![(gl.to_string(), 2, 1, CellRole::Label)],
                        "{} {gl}",
                        f.id
                    );
                    assert_eq!(values(r), 7);
                    r += 1;
                }
                Some(items) => {
                    assert_eq!(
                        cells[0],
                        (gl.to_string(), 1, items.len(), CellRole::Label),
                        "{} {gl}",
                        f.id
                    );
                    assert_eq!(cells[1].0, items[0].as_str().unwrap());
                    for (k, it) in items.iter().enumerate() {
                        let c = label(r + k);
                        assert_eq!(c.last().unwrap().0, it.as_str().unwrap(), "{} item", f.id);
                        assert_eq!(values(r + k), 7);
                    }
                    r += items.len();
                }
            }
        }
        assert_eq!(r - 5, three["rowspan"].as_u64().unwrap() as usize);
        assert_eq!(
            label(r),
            vec![(
                rows["四"].as_str().unwrap().to_string(),
                3,
                1,
                CellRole::Label
            )]
        );
        assert_eq!(r + 1, t.grid.len());
        // The note lives in the top-left header cell, verbatim.
        assert_eq!(
            row_cells(&f, "applications", 0)[0].0,
            s["note_cell"].as_str().unwrap()
        );
    }
}

#[test]
fn table4_matches_spec() {
    let spec = spec();
    for f in format::builtin().unwrap() {
        let s = &spec[&f.id]["table4"];
        let t = f.table("review").unwrap();
        assert_eq!(
            t.def.grid_columns,
            s["grid_columns"].as_u64().unwrap() as usize
        );
        header_matches(&f, "review", &s["header_rows"]);
        assert_eq!(t.grid.len(), 3 + s["data_rows"].as_u64().unwrap() as usize);
        assert_eq!(row_cells(&f, "review", 3).len(), 15);
        assert!(row_cells(&f, "review", 3)
            .iter()
            .all(|c| c.3 == CellRole::Value && c.1 == 1));
    }
}
