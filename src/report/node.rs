//! A located YAML tree: every scalar, sequence and mapping with its line:column.
//!
//! The report is read into this tree first (through serde-saphyr, which also guards against alias
//! bombs and duplicate keys), so that every later message can point at the exact value.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::Pos;

/// A YAML scalar as written: its text and what YAML made of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// Text.
    Str(String),
}

impl Scalar {
    /// The scalar as it would be shown back to the user.
    pub fn display(&self) -> String {
        match self {
            Scalar::Null => "空值".to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Str(s) => format!("“{s}”"),
        }
    }
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

/// A node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts in the file.
    pub pos: Pos,
    /// The bytes of the source it was read from (where an alias points: the anchored value).
    pub span: Span,
}

/// A node's bytes in the source text: start and length (both 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Length in bytes.
    pub len: u32,
}

impl Node {
    /// A node with no known span (for values made by the program).
    pub fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            span: Span::default(),
        }
    }
    /// The text of the node as written in `source` (quotes and all), when known.
    pub fn raw<'a>(&self, source: &'a str) -> Option<&'a str> {
        if self.span.len == 0 {
            return None;
        }
        let start = self.span.start as usize;
        source.get(start..start + self.span.len as usize)
    }
}

/// A mapping key and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Where the key stands.
    pub pos: Pos,
}

impl Node {
    /// What kind of node this is, in Chinese, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(Scalar::Null) => "空值",
            Value::Scalar(Scalar::Str(_)) => "文字",
            Value::Scalar(_) => "数值",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值表",
        }
    }
}

fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    Pos::new(loc.line() as u32, loc.column() as u32)
}

struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor).map(RawValue)
    }
}

struct RawKey(String);

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(RawVisitor)? {
            Value::Scalar(Scalar::Str(s)) => Ok(RawKey(s)),
            Value::Scalar(Scalar::Int(i)) => Ok(RawKey(i.to_string())),
            Value::Scalar(Scalar::Float(f)) => Ok(RawKey(f.to_string())),
            Value::Scalar(Scalar::Bool(b)) => Ok(RawKey(b.to_string())),
            Value::Scalar(Scalar::Null) => Ok(RawKey(String::new())),
            _ => Err(de::Error::custom("a mapping key must be a plain scalar")),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<RawValue>::deserialize(d)?;
        let span = s.defined.span();
        let span = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => Span {
                start: u32::try_from(start).unwrap_or(0),
                len: u32::try_from(len).unwrap_or(0),
            },
            _ => Span::default(),
        };
        Ok(Node {
            value: s.value.0,
            pos: pos_of(&s.referenced),
            span,
        })
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Int(v as i128)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Int(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Int(v as i128)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v)
            .map(|v| Value::Scalar(Scalar::Int(v)))
            .map_err(|_| E::custom("number too large"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Str(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Str(v)))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Null))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Scalar(Scalar::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(k) = map.next_key::<Spanned<RawKey>>()? {
            let v = map.next_value::<Node>()?;
            items.push((
                Key {
                    name: k.value.0,
                    pos: pos_of(&k.referenced),
                },
                v,
            ));
        }
        Ok(Value::Map(items))
    }
}

/// Parses YAML text into a located tree, with budgets against alias bombs and huge documents.
pub fn parse(text: &str) -> Result<Node, (Pos, String)> {
    // The default budget (1M events, 250k nodes, depth 64, 64 MiB of scalars) and alias limits
    // already refuse a billion-laughs document quickly; duplicate keys are errors by default.
    let opts = serde_saphyr::Options::default();
    match serde_saphyr::from_str_with_options::<Node>(text, opts) {
        Ok(n) => Ok(n),
        Err(e) => {
            let pos = e.location().map(|l| pos_of(&l)).unwrap_or_default();
            let msg = e.without_snippet().to_string();
            Err((pos, msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_scalar_as_written() {
        let src = "a: 1.50\nb:\n  - |\n    x # y\n  - plain text # c\n  - \"q\"\nc: [1,038, 2]\nd: >\n  f\n";
        let root = parse(src).unwrap();
        let Value::Map(m) = &root.value else { panic!() };
        let raws: Vec<String> = m
            .iter()
            .flat_map(|(_, v)| match &v.value {
                Value::Seq(items) => items.iter().map(|i| format!("{:?}", i.raw(src))).collect(),
                _ => vec![format!("{:?}", v.raw(src))],
            })
            .collect();
        // numbers as written (1.50, 038), quotes kept, a block from its first line of content
        assert_eq!(
            raws,
            [
                "Some(\"1.50\")",
                "Some(\"x # y\\n  \")",
                "Some(\"plain text\")",
                "Some(\"\\\"q\\\"\")",
                "Some(\"1\")",
                "Some(\"038\")",
                "Some(\"2\")",
                "Some(\"f\\n\")",
            ]
        );
    }
}
