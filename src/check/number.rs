//! Table values: exact decimal numbers, parsed per the cell's kind (spec R8).

use crate::format::ValueKind;
use crate::report::node::{Node, Scalar, Value};

/// Fixed-point scale: values are stored in 1/10,000 units, exact for counts and for amounts to four decimals.
const SCALE: i128 = 10_000;

/// An exact number from a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Number {
    /// The value × 10,000.
    scaled: i128,
    /// Decimals to print (0 for counts).
    decimals: u8,
}

impl Number {
    /// A whole number.
    pub fn int(v: i128) -> Number {
        Number {
            scaled: v * SCALE,
            decimals: 0,
        }
    }
    /// Whether the number is zero.
    pub fn is_zero(self) -> bool {
        self.scaled == 0
    }
    /// The whole part (exact for counts).
    pub fn whole(self) -> i128 {
        self.scaled / SCALE
    }
    /// The value as f64 (approximate; for reports only).
    pub fn as_f64(self) -> f64 {
        self.scaled as f64 / SCALE as f64
    }
    /// `a + b`, keeping the larger number of decimals.
    pub fn plus(self, o: Number) -> Number {
        Number {
            scaled: self.scaled.saturating_add(o.scaled),
            decimals: self.decimals.max(o.decimals),
        }
    }
    /// `-a`.
    pub fn negated(self) -> Number {
        Number {
            scaled: -self.scaled,
            decimals: self.decimals,
        }
    }
    /// The number as printed in the table: `12`, `-3`, `96171.6`.
    pub fn display(self) -> String {
        let neg = self.scaled < 0;
        let a = self.scaled.unsigned_abs();
        let whole = a / SCALE as u128;
        let frac = a % SCALE as u128;
        let mut s = if neg {
            format!("-{whole}")
        } else {
            whole.to_string()
        };
        if self.decimals > 0 {
            let f = format!("{frac:04}");
            s.push('.');
            s.push_str(&f[..self.decimals as usize]);
        }
        s
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// Why a cell's value is not acceptable, in Chinese (the caller adds the cell's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Left empty.
    Empty,
    /// Not a number at all.
    NotANumber(String),
    /// A fraction where a whole number belongs.
    Fraction(String),
    /// Negative where only 本年增/减 may be.
    Negative(String),
    /// Too many decimals for an amount.
    TooPrecise(String),
    /// Beyond any plausible count.
    TooLarge(String),
}

impl ParseError {
    /// The message tail and a hint.
    pub fn describe(&self, kind: ValueKind) -> (String, String) {
        let what = match kind {
            ValueKind::Count => "应填写不小于 0 的整数",
            ValueKind::Signed => "应填写整数（减少用负数，如 -3）",
            ValueKind::Amount => "应填写金额（数字，可带小数）",
        };
        match self {
            ParseError::Empty => (format!("未填写（{what}）"), "没有发生的事项请填 0".into()),
            ParseError::NotANumber(s) => (
                format!("填的是 {s}，{what}"),
                "请用阿拉伯数字填写，如 12；不要写汉字数字或单位".into(),
            ),
            ParseError::Fraction(s) => {
                (format!("填的是 {s}，{what}"), "件数、次数不能有小数".into())
            }
            ParseError::Negative(s) => (
                format!("填的是 {s}，{what}"),
                "只有“本年增/减”一列可以填负数".into(),
            ),
            ParseError::TooPrecise(s) => (
                format!("填的是 {s}，小数位数过多"),
                "金额最多保留四位小数".into(),
            ),
            ParseError::TooLarge(s) => (
                format!("填的是 {s}，数值大得不合理"),
                "请核对是否多写了数字".into(),
            ),
        }
    }
}

/// The largest whole part accepted: far above any real count, far below overflow.
const MAX_WHOLE: i128 = 1_000_000_000_000_000_000;

/// Parses a cell value written in YAML according to the column's kind.
pub fn parse(node: &Node, kind: ValueKind) -> Result<Number, ParseError> {
    let text = match &node.value {
        Value::Scalar(Scalar::Null) => return Err(ParseError::Empty),
        Value::Scalar(Scalar::Int(i)) => i.to_string(),
        Value::Scalar(Scalar::Float(f)) => {
            if !f.is_finite() {
                return Err(ParseError::NotANumber(f.to_string()));
            }
            format!("{f}")
        }
        Value::Scalar(Scalar::Str(s)) => normalise(s),
        Value::Scalar(Scalar::Bool(b)) => return Err(ParseError::NotANumber(b.to_string())),
        Value::Seq(_) | Value::Map(_) => {
            return Err(ParseError::NotANumber(node.kind_name().to_string()))
        }
    };
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let shown = || match &node.value {
        Value::Scalar(Scalar::Str(s)) => format!("“{s}”"),
        _ => text.clone(),
    };
    let (neg, digits) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(ParseError::NotANumber(shown()));
    }
    let frac_trim = frac.trim_end_matches('0');
    if kind != ValueKind::Amount && !frac_trim.is_empty() {
        return Err(ParseError::Fraction(shown()));
    }
    if frac_trim.len() > 4 {
        return Err(ParseError::TooPrecise(shown()));
    }
    if whole.trim_start_matches('0').len() > 18 {
        return Err(ParseError::TooLarge(shown()));
    }
    let w: i128 = whole.parse().map_err(|_| ParseError::NotANumber(shown()))?;
    if w > MAX_WHOLE {
        return Err(ParseError::TooLarge(shown()));
    }
    let f: i128 = format!("{frac_trim:0<4}").parse().unwrap_or(0);
    let mut scaled = w * SCALE + f;
    if neg && scaled != 0 {
        if kind != ValueKind::Signed {
            return Err(ParseError::Negative(shown()));
        }
        scaled = -scaled;
    }
    let decimals = if kind == ValueKind::Amount {
        frac.len().min(4) as u8
    } else {
        0
    };
    Ok(Number { scaled, decimals })
}

/// Full-width digits and signs to ASCII; thousands separators and spaces removed.
fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '－' | '−' => Some('-'),
            '＋' => Some('+'),
            '．' => Some('.'),
            ',' | '，' | ' ' | '\u{3000}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    fn n(v: Value) -> Node {
        Node {
            value: v,
            pos: Pos::default(),
        }
    }

    #[test]
    fn counts_and_amounts() {
        assert_eq!(
            parse(&n(Value::Scalar(Scalar::Int(12))), ValueKind::Count)
                .unwrap()
                .display(),
            "12"
        );
        assert_eq!(
            parse(
                &n(Value::Scalar(Scalar::Str("１２".into()))),
                ValueKind::Count
            )
            .unwrap()
            .display(),
            "12"
        );
        assert_eq!(
            parse(&n(Value::Scalar(Scalar::Float(96171.6))), ValueKind::Amount)
                .unwrap()
                .display(),
            "96171.6"
        );
        assert_eq!(
            parse(
                &n(Value::Scalar(Scalar::Str("9116.36".into()))),
                ValueKind::Amount
            )
            .unwrap()
            .display(),
            "9116.36"
        );
        assert_eq!(
            parse(&n(Value::Scalar(Scalar::Int(-15))), ValueKind::Signed)
                .unwrap()
                .display(),
            "-15"
        );
        assert!(matches!(
            parse(&n(Value::Scalar(Scalar::Int(-1))), ValueKind::Count),
            Err(ParseError::Negative(_))
        ));
        assert!(matches!(
            parse(&n(Value::Scalar(Scalar::Float(1.5))), ValueKind::Count),
            Err(ParseError::Fraction(_))
        ));
        assert!(matches!(
            parse(
                &n(Value::Scalar(Scalar::Str("十二".into()))),
                ValueKind::Count
            ),
            Err(ParseError::NotANumber(_))
        ));
        assert!(matches!(
            parse(&n(Value::Scalar(Scalar::Null)), ValueKind::Count),
            Err(ParseError::Empty)
        ));
        let a = parse(
            &n(Value::Scalar(Scalar::Str("0.5".into()))),
            ValueKind::Amount,
        )
        .unwrap();
        let b = parse(
            &n(Value::Scalar(Scalar::Str("0.25".into()))),
            ValueKind::Amount,
        )
        .unwrap();
        assert_eq!(a.plus(b).display(), "0.75");
    }
}
