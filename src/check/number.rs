//! Table values: exact decimal numbers, parsed per the cell's kind (spec R8).

use crate::format::ValueKind;
use crate::report::node::{Node, Scalar, Value};

/// Decimals an amount may have: 6 (万元 to the 分).
const DECIMALS: usize = 6;
/// Fixed-point scale: values are stored in millionths, exact for counts and for amounts to six decimals.
const SCALE: i128 = 1_000_000;

/// An exact number from a table cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Number {
    /// The value × 1,000,000.
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
    /// The number as printed in the table: `12`, `-3`, `96171.6`, `73802895.90`.
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
            let f = format!("{frac:0width$}", width = DECIMALS);
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
    /// Negative where the column has no decrease.
    Negative(String),
    /// Too many decimals for an amount.
    TooPrecise(String),
    /// Beyond any plausible count.
    TooLarge(String),
    /// Commas or spaces between digits that are not thousands groups (`12,85`, `2 1`).
    BadGrouping(String),
    /// An amount in 元 where the column is in 万元.
    WrongUnit(String),
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
                "这一栏不能填负数；请核对是否多写了“-”".into(),
            ),
            ParseError::TooPrecise(s) => (
                format!("填的是 {s}，小数位数过多"),
                "金额最多保留六位小数（以万元计，六位小数即精确到分）".into(),
            ),
            ParseError::TooLarge(s) => (
                format!("填的是 {s}，数值大得不合理"),
                "请核对是否多写了数字".into(),
            ),
            ParseError::BadGrouping(s) => (
                format!("填的是 {s}，数字中间的逗号或空格不是千位分隔"),
                "千位分隔符只能每三位一个（如 1,285）；小数点用“.”；否则请去掉逗号和空格".into(),
            ),
            ParseError::WrongUnit(s) => (
                format!("填的是 {s}，但这一栏以万元为单位"),
                "请换算成万元填写（1 万元 = 10000 元），不写单位".into(),
            ),
        }
    }
}

/// The largest whole part accepted: far above any real count, far below overflow.
const MAX_WHOLE: i128 = 1_000_000_000_000_000_000;

/// A cell's value: the number, and the unit written after it when the column names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// The number.
    pub number: Number,
    /// `元` or `万元` as written after an amount (printed after it).
    pub unit: Option<&'static str>,
}

/// Parses a cell value according to its column: `raw` is the value as written in the YAML source
/// (numbers are read from it, never through a float), `unit` the column's unit (`万元`) if it has one.
pub fn parse(
    node: &Node,
    raw: Option<&str>,
    kind: ValueKind,
    unit: Option<&str>,
) -> Result<Parsed, ParseError> {
    let text = match &node.value {
        Value::Scalar(Scalar::Null) => return Err(ParseError::Empty),
        Value::Scalar(Scalar::Int(i)) => {
            raw.map_or_else(|| i.to_string(), |r| r.trim().to_string())
        }
        Value::Scalar(Scalar::Float(f)) => {
            if !f.is_finite() {
                return Err(ParseError::NotANumber(
                    raw.map_or_else(|| f.to_string(), |r| r.trim().to_string()),
                ));
            }
            raw.map_or_else(|| format!("{f}"), |r| r.trim().to_string())
        }
        Value::Scalar(Scalar::Str(s)) => s.clone(),
        Value::Scalar(Scalar::Bool(b)) => return Err(ParseError::NotANumber(b.to_string())),
        Value::Seq(_) | Value::Map(_) => {
            return Err(ParseError::NotANumber(node.kind_name().to_string()))
        }
    };
    let shown = || match &node.value {
        Value::Scalar(Scalar::Str(s)) => format!("“{s}”"),
        _ => text.clone(),
    };
    let norm = normalise(&text);
    if norm.is_empty() {
        return Err(ParseError::Empty);
    }
    let (norm, written_unit) = match kind {
        ValueKind::Amount => match norm.strip_suffix("万元") {
            Some(n) => (n.trim_end().to_string(), Some("万元")),
            None => match norm.strip_suffix('元') {
                Some(n) => (n.trim_end().to_string(), Some("元")),
                None => (norm, None),
            },
        },
        _ => (norm, None),
    };
    let (neg, digits) = match norm.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, norm.strip_prefix('+').unwrap_or(&norm)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = ungroup(whole).map_err(|()| ParseError::BadGrouping(shown()))?;
    if frac.contains([',', ' ']) {
        return Err(ParseError::BadGrouping(shown()));
    }
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (digits.contains('.') && frac.is_empty())
    {
        return Err(ParseError::NotANumber(shown()));
    }
    // the column's unit is in its header: the same unit after the number is dropped, 元 in a
    // 万元 column is refused (it would print 10 000 times too large)
    let unit_shown = match (unit, written_unit) {
        (Some(u), Some(w)) if u == w => None,
        (Some(_), Some(_)) => return Err(ParseError::WrongUnit(shown())),
        (_, w) => w,
    };
    let frac_trim = frac.trim_end_matches('0');
    if kind != ValueKind::Amount && !frac_trim.is_empty() {
        return Err(ParseError::Fraction(shown()));
    }
    let max_decimals = if unit.or(written_unit) == Some("元") {
        2
    } else {
        DECIMALS
    };
    if frac.len() > max_decimals {
        return Err(ParseError::TooPrecise(shown()));
    }
    if whole.trim_start_matches('0').len() > 18 {
        return Err(ParseError::TooLarge(shown()));
    }
    let w: i128 = whole.parse().map_err(|_| ParseError::NotANumber(shown()))?;
    if w > MAX_WHOLE {
        return Err(ParseError::TooLarge(shown()));
    }
    let f: i128 = format!("{frac:0<width$}", width = DECIMALS)
        .parse()
        .unwrap_or(0);
    let mut scaled = w * SCALE + f;
    if neg && scaled != 0 {
        if kind != ValueKind::Signed {
            return Err(ParseError::Negative(shown()));
        }
        scaled = -scaled;
    }
    // an amount keeps the decimals as written (73802895.90); a count prints none
    let decimals = if kind == ValueKind::Amount {
        frac.len() as u8
    } else {
        0
    };
    Ok(Parsed {
        number: Number { scaled, decimals },
        unit: unit_shown,
    })
}

/// The digits of a whole part written with thousands separators (`1,285`) or none; `Err` for commas
/// or spaces anywhere else (`12,85`, `2 1`).
fn ungroup(whole: &str) -> Result<String, ()> {
    if !whole.contains([',', ' ']) {
        return Ok(whole.to_string());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let valid = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(groups.concat())
    } else {
        Err(())
    }
}

/// Full-width digits, signs and separators to ASCII; surrounding spaces trimmed.
fn normalise(s: &str) -> String {
    s.trim_matches([' ', '\u{3000}', '\t'])
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '−' => '-',
            '＋' => '+',
            '．' => '.',
            '，' => ',',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    fn p(v: Value, raw: Option<&str>, kind: ValueKind) -> Result<String, ParseError> {
        parse(&Node::new(v, Pos::default()), raw, kind, None).map(|p| p.number.display())
    }
    fn s(x: &str, kind: ValueKind) -> Result<String, ParseError> {
        p(Value::Scalar(Scalar::Str(x.into())), None, kind)
    }

    #[test]
    fn counts_and_amounts() {
        use ValueKind::*;
        assert_eq!(
            p(Value::Scalar(Scalar::Int(12)), None, Count).unwrap(),
            "12"
        );
        assert_eq!(s("１２", Count).unwrap(), "12");
        assert_eq!(
            p(
                Value::Scalar(Scalar::Float(96171.6)),
                Some("96171.6"),
                Amount
            )
            .unwrap(),
            "96171.6"
        );
        assert_eq!(s("9116.36", Amount).unwrap(), "9116.36");
        assert_eq!(
            p(Value::Scalar(Scalar::Int(-15)), None, Signed).unwrap(),
            "-15"
        );
        assert!(matches!(
            p(Value::Scalar(Scalar::Int(-1)), None, Count),
            Err(ParseError::Negative(_))
        ));
        assert!(matches!(
            p(Value::Scalar(Scalar::Float(1.5)), Some("1.5"), Count),
            Err(ParseError::Fraction(_))
        ));
        assert!(matches!(s("十二", Count), Err(ParseError::NotANumber(_))));
        assert!(matches!(
            p(Value::Scalar(Scalar::Null), None, Count),
            Err(ParseError::Empty)
        ));
        let a = parse(
            &Node::new(Value::Scalar(Scalar::Str("0.5".into())), Pos::default()),
            None,
            Amount,
            None,
        )
        .unwrap();
        let b = parse(
            &Node::new(Value::Scalar(Scalar::Str("0.25".into())), Pos::default()),
            None,
            Amount,
            None,
        )
        .unwrap();
        assert_eq!(a.number.plus(b.number).display(), "0.75");
    }

    #[test]
    fn amounts_keep_their_digits_as_written() {
        use ValueKind::Amount;
        // through f64 this would print 73802895.9
        assert_eq!(
            p(
                Value::Scalar(Scalar::Float(73802895.9)),
                Some("73802895.90"),
                Amount
            )
            .unwrap(),
            "73802895.90"
        );
        assert_eq!(s("24252.311082", Amount).unwrap(), "24252.311082");
        assert!(matches!(
            s("1.1234567", Amount),
            Err(ParseError::TooPrecise(_))
        ));
        let n = Node::new(
            Value::Scalar(Scalar::Str("251000元".into())),
            Pos::default(),
        );
        let got = parse(&n, None, Amount, None).unwrap();
        assert_eq!(
            (got.number.display(), got.unit),
            ("251000".into(), Some("元"))
        );
        assert!(matches!(
            parse(&n, None, Amount, Some("万元")),
            Err(ParseError::WrongUnit(_))
        ));
    }

    #[test]
    fn thousands_only_in_valid_groups() {
        use ValueKind::*;
        assert_eq!(s("1,285", Count).unwrap(), "1285");
        assert_eq!(s("1,234,567.5", Amount).unwrap(), "1234567.5");
        for bad in ["12,85", "2 1", "1,2345", ",123", "1.2,5", "1,28.5"] {
            assert!(
                matches!(
                    s(bad, Amount),
                    Err(ParseError::BadGrouping(_) | ParseError::NotANumber(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(s("12,85", Count), Err(ParseError::BadGrouping(_))));
        assert!(matches!(s("2 1", Count), Err(ParseError::BadGrouping(_))));
    }
}
