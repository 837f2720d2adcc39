//! The long report of the layout tests: a sample with 36 more paragraphs of varied length before
//! 三、, so that 表三 starts low on a page and crosses pages (~10 pages from the 2021 sample).

use gongkai::doc::{Block, Document, Origin, Role, Run};

/// Inserts the 36 paragraphs before the heading 三、 of `doc`.
pub fn lengthen(doc: &mut Document) {
    let at = doc
        .blocks
        .iter()
        .position(
            |b| matches!(b, Block::Heading { level: 1, text, .. } if text.starts_with("三、")),
        )
        .expect("section 三");
    let base = "全年通过县政府门户网站、局政务公开专栏和政务新媒体主动公开政府信息412条，其中规范性文件3件、行政许可结果356条。国土空间规划、征地信息、矿业权出让等重点领域信息做到应公开尽公开（第";
    for i in 0..36 {
        let text = format!(
            "{base}{}段），“征地信息公开”栏目全年更新{}次……",
            i + 1,
            10 + i * 7
        );
        let text: String = text.chars().take(40 + (i * 13) % 90).collect::<String>() + "。";
        doc.blocks.insert(
            at,
            Block::Paragraph {
                runs: vec![Run {
                    role: Role::Body,
                    text,
                }],
                origin: Origin {
                    place: format!("长报告第 {i} 段"),
                    line: 0,
                },
            },
        );
    }
}
