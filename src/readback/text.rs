//! Comparing printed text with the format's labels: normalised characters and an in-order
//! similarity that tolerates line breaks, merged neighbours and producers' punctuation.

/// The characters of `s` as compared: no spaces, half-width brackets and punctuation as the
/// format writes them, and `1、` written as `1.`.
pub fn norm(s: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '(' => '（',
            ')' => '）',
            ',' => '，',
            ':' => '：',
            ';' => '；',
            '．' => '.',
            '"' => '“',
            c if c.is_whitespace() => continue,
            c => c,
        };
        let c = if c == '、' && out.last().is_some_and(|p| p.is_ascii_digit()) {
            '.'
        } else {
            c
        };
        out.push(c);
    }
    out
}

/// How much of `label` appears in `text`, in order (longest common subsequence ÷ label length).
pub fn lcs_ratio(label: &[char], text: &[char]) -> f64 {
    if label.is_empty() {
        return 0.0;
    }
    let mut prev = vec![0u16; text.len() + 1];
    let mut cur = vec![0u16; text.len() + 1];
    for &a in label {
        for (j, &b) in text.iter().enumerate() {
            cur[j + 1] = if a == b {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    f64::from(prev[text.len()]) / label.len() as f64
}

/// Whether `line` is the heading `heading` (`二、主动公开政府信息情况`), as a producer may print it.
pub fn is_heading(line: &[char], heading: &[char]) -> bool {
    let Some(sep) = heading.iter().position(|&c| c == '、') else {
        return false;
    };
    line.starts_with(&heading[..=sep])
        && line.len() <= heading.len() + 8
        && lcs_ratio(heading, line) >= 0.8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_broken_over_lines_with_a_merged_neighbour_still_matches() {
        let label = norm("5.要求行政机关确认或重新出具已获取信息");
        let text = norm("（五）不 5.要求行政机关确认或重新出 予处理 具已获取信息");
        assert!(lcs_ratio(&label, &text) > 0.99);
        assert!(lcs_ratio(&norm("2.重复申请"), &text) < 0.6);
    }

    #[test]
    fn wps_numbering_with_a_comma_reads_as_the_formats() {
        assert_eq!(norm("1、申请人"), norm("1.申请人"));
        assert!(is_heading(
            &norm("三、收到和处理政府信息公开申请情况"),
            &norm("三、收到和处理政府信息公开申请情况")
        ));
        assert!(!is_heading(
            &norm("四、结转下年度继续办理1030000"),
            &norm("四、政府信息公开行政复议、行政诉讼情况")
        ));
    }
}
