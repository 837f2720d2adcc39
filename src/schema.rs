//! `schema`: the JSON Schema of the report YAML, built from the format data (so editors complete
//! and check every section, table row and column of both national formats).

use serde_json::{json, Map, Value};

use crate::format::{Format, ValueKind};

/// The JSON Schema (draft 2020-12) for report files of any built-in format.
pub fn schema(formats: &[Format]) -> Value {
    let text = json!({"type": "string", "minLength": 1});
    let paragraphs = json!({
        "description": "段落列表：每项是一段文字，或 {heading: 小标题, text: 小标题后的正文}",
        "anyOf": [
            {"type": "string"},
            {"type": "null"},
            {"type": "array", "items": {"anyOf": [
                {"type": ["string", "number"]},
                {"type": "null"},
                {"type": "object", "additionalProperties": false, "required": ["heading"], "properties": {
                    "heading": {"type": "string", "description": "小标题，带编号：（一）…、1.…、（1）…"},
                    "text": {"type": "string", "description": "与小标题同段的正文"},
                    "level": {"type": "integer", "minimum": 2, "maximum": 4, "description": "层级：（一）为 2，1. 为 3，（1）为 4"}
                }}
            ]}}
        ]
    });
    let mut props = Map::new();
    props.insert(
        "organ".into(),
        json!({"description": "机关名称", "type": "string", "minLength": 1}),
    );
    props.insert(
        "year".into(),
        json!({"description": "报告年度", "type": "integer", "minimum": 2008, "maximum": 2100}),
    );
    props.insert("format".into(), json!({"description": "国家格式（通常不填，按年度自动选择）", "type": ["string", "integer"], "enum": formats.iter().map(|f| json!(f.id)).chain(formats.iter().filter_map(|f| f.id.parse::<i64>().ok().map(|n| json!(n)))).collect::<Vec<_>>()}));
    props.insert(
        "title".into(),
        json!({"description": "标题（通常不填，由机关名称和年度生成）", "type": "string"}),
    );
    props.insert("lead".into(), json!({"description": "导语段落", "anyOf": [text, {"type": "array", "items": {"type": "string"}}]}));
    props.insert("kind".into(), json!({"description": "发布机关类别，定公布期限（条例第四十九条）：部门、乡镇 1月31日前，政府（本级人民政府的年度报告）3月31日前；不写则按机关名称判断", "type": "string", "enum": crate::check::period_kinds()}));
    props.insert("signature".into(), json!({"description": "落款", "type": "object", "additionalProperties": false, "required": ["date"], "properties": {
        "organ": {"type": "string", "description": "署名"},
        "date": {"type": "string", "description": "成文日期，如 2021-01-20"}
    }}));
    for f in formats {
        for s in &f.sections {
            let entry = match &s.table {
                None => {
                    let mut p = paragraphs.clone();
                    p["description"] = json!(format!(
                        "{}：{}",
                        s.heading,
                        s.what.as_deref().unwrap_or("")
                    ));
                    p
                }
                Some(tid) => {
                    let t = f.table(tid).expect("validated format");
                    let mut rows = props
                        .get(&s.id)
                        .and_then(|v| v["properties"].as_object().cloned())
                        .unwrap_or_default();
                    for r in &t.def.rows {
                        let cols = t.row_columns(&r.id);
                        // what `check` reads (check/number.rs): digits, thousands only in groups of
                        // three, amounts to six decimals with 元/万元 after them; blank allowed
                        let blank = json!({"type": "null", "description": "留空：印成空白，合计时按 0 计（检查时提示）"});
                        let whole = "(?:[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+|[0-9０-９]+)";
                        let cell = |k: ValueKind| match k {
                            ValueKind::Count => {
                                json!({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": format!("^{whole}$")}, blank.clone()]})
                            }
                            ValueKind::Signed => {
                                json!({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": format!("^[-+－＋]?{whole}$")}, blank.clone()]})
                            }
                            ValueKind::Amount => {
                                json!({"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": format!("^{whole}(?:[.．][0-9０-９]{{1,6}})?\\s*(?:万元|元)?$")}, blank.clone()]})
                            }
                        };
                        // A row present in several formats (表二 rows) accepts the columns of each.
                        let prev = rows.get(&r.id).cloned();
                        let mut colprops = prev
                            .as_ref()
                            .and_then(|p| p["anyOf"][0]["properties"].as_object().cloned())
                            .unwrap_or_default();
                        for c in &cols {
                            let mut v = cell(c.kind);
                            v["description"] = json!(c.name);
                            colprops.insert(c.id.clone(), v);
                        }
                        let n = cols.len();
                        let prev_min = prev
                            .as_ref()
                            .and_then(|p| p["anyOf"][1]["minItems"].as_u64())
                            .unwrap_or(u64::MAX) as usize;
                        let prev_max = prev
                            .as_ref()
                            .and_then(|p| p["anyOf"][1]["maxItems"].as_u64())
                            .unwrap_or(0) as usize;
                        let mut alts = vec![
                            json!({"type": "object", "additionalProperties": false, "properties": colprops}),
                            json!({"type": "array", "minItems": n.saturating_sub(1).max(1).min(prev_min), "maxItems": n.max(prev_max), "items": {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]}}),
                        ];
                        if n == 1
                            || prev
                                .as_ref()
                                .is_some_and(|p| p["anyOf"].as_array().is_some_and(|a| a.len() > 2))
                        {
                            alts.push(cell(cols[0].kind));
                        }
                        let desc = format!(
                            "{}：{}（{}）",
                            t.def.name,
                            r.name,
                            cols.iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join(" / ")
                        );
                        rows.insert(r.id.clone(), json!({"description": desc, "anyOf": alts}));
                    }
                    json!({"description": format!("{}（{}）", s.heading, t.def.name), "type": "object", "additionalProperties": false, "properties": rows})
                }
            };
            props.insert(s.id.clone(), entry);
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "政府信息公开工作年度报告（gongkai）",
        "type": "object",
        "required": ["organ", "year"],
        "additionalProperties": false,
        "properties": props
    })
}
