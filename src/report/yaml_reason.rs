//! The YAML parser's messages in Chinese.

/// Common YAML parser messages, explained in Chinese: (what the parser says, lower case; the
/// explanation; whether the parser's own words help and follow in brackets).
const YAML_REASONS: &[(&str, &str, bool)] = &[
    (
        "duplicatekeypolicy",
        "同一层中有重复的键（同一项写了两次）",
        false,
    ),
    ("duplicate", "同一层中有重复的键（同一项写了两次）", false),
    ("tabs", "YAML 不能用制表符 Tab 缩进，请改用空格", false),
    (
        "did not find expected ',' or '}'",
        "花括号 { } 没有成对，或两项之间缺少逗号",
        false,
    ),
    (
        "did not find expected ',' or ']'",
        "方括号 [ ] 没有成对，或两项之间缺少逗号",
        false,
    ),
    ("unclosed bracket", "括号没有成对（缺少“]”或“}”）", false),
    ("unclosed quote", "引号没有成对（缺少结尾的引号）", false),
    (
        "mapping values are not allowed",
        "这里不能有冒号：冒号后要加空格，文字中含英文冒号时请给整段文字加引号",
        false,
    ),
    (
        "simple key expected",
        "这一行像是“键: 值”，却找不到英文冒号（冒号写成了中文“：”，或缺少冒号）",
        false,
    ),
    (
        "comment intercepting",
        "多行文字中间出现了“ #”：YAML 把它当作注释，文字被截断",
        false,
    ),
    (
        "did not find expected key",
        "缩进不一致：同一层的项应对齐",
        false,
    ),
    (
        "did not find expected '-'",
        "缩进不一致：列表的各项应以“- ”对齐",
        false,
    ),
    (
        "cannot start any token",
        "出现了不能作为开头的字符（例如制表符 Tab，请改用空格缩进）",
        false,
    ),
    (
        "unexpected character",
        "出现了这里不能有的字符（如多余的引号、括号或制表符 Tab）",
        false,
    ),
    (
        "unexpected end of stream",
        "文件意外结束：引号或括号没有成对",
        false,
    ),
    (
        "found unknown escape character",
        "双引号内有无效的反斜杠转义，请改用单引号或去掉反斜杠",
        false,
    ),
    (
        "non-finite float",
        "数字写法无效（.inf、.nan 之类不是数字）",
        false,
    ),
    (
        "budget",
        "文件结构过于庞大或含有大量别名引用，拒绝读取",
        false,
    ),
    ("alias", "别名（*）引用过多或无效，拒绝读取", false),
    ("recursion", "嵌套层次过深，拒绝读取", false),
    ("depth", "嵌套层次过深，拒绝读取", false),
];

/// The parser's message in Chinese, and a hint.
pub fn yaml_reason(msg: &str) -> (String, String) {
    let first = msg.lines().next().unwrap_or(msg).trim();
    // serde-saphyr adds "line X column Y" to the text; the position is printed separately.
    let mut cleaned = match first.find(": ") {
        Some(i) if first[..i].starts_with("line ") => first[i + 2..].to_string(),
        _ => first.to_string(),
    };
    if let Some(i) = cleaned.find(" at line ") {
        cleaned.truncate(i);
    }
    let hint =
        "请检查该行及上一行的缩进、冒号（英文“:”且后加空格）和引号、括号是否成对".to_string();
    let lower = cleaned.to_lowercase();
    if let Some(rest) = cleaned.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return (
            format!("同一层中有重复的键“{key}”（同一项写了两次）"),
            "删去其中一项，或把其中一项改成正确的键名".to_string(),
        );
    }
    match YAML_REASONS.iter().find(|(k, _, _)| lower.contains(k)) {
        Some((_, zh, true)) => (format!("{zh}（{cleaned}）"), hint),
        Some((_, zh, false)) => (zh.to_string(), hint),
        None => (
            format!("无法读取这一处（YAML 解析器的说明：{cleaned}）"),
            hint,
        ),
    }
}
