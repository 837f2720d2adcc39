//! Consistency rules (勾稽关系) as data: `left = right`, each side a signed sum of cells.
//!
//! A rule may repeat over columns or rows (`for_each`), and may refer to last year's report
//! (`previous:` terms). Rules whose left side is one cell and that say `computes: true` also fill in
//! that cell when the report leaves it out (总计 cells).

use serde::Deserialize;

use super::Table;
use crate::diag::Severity;

/// A rule as written in a format file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// `R1`…`R7` (spec §2.1).
    pub id: String,
    /// What the rule says, in Chinese.
    pub what: String,
    /// Error or warning.
    pub severity: RuleSeverity,
    /// The table its cells belong to.
    pub table: String,
    /// Repeat over these columns or rows (`$column`, `$row` in the terms).
    #[serde(default)]
    pub for_each: Option<ForEach>,
    /// Left side: terms `row.column`, `-row.column`, `previous:row.column`.
    pub left: Vec<String>,
    /// Right side.
    pub right: Vec<String>,
    /// The cell a message points at (default: the first left term).
    #[serde(default)]
    pub at: Option<String>,
    /// Whether a missing single left cell is computed from the right side.
    #[serde(default)]
    pub computes: bool,
    /// Message template: `{row}`, `{column}` (of `at`), `{left}`, `{right}`, and `{row_id}` for any row id's value in this column.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The instances over the rule's table, made once (see [`Rule::shared_instances`]).
    #[serde(skip)]
    instances: std::sync::OnceLock<std::sync::Arc<Vec<RuleInstance>>>,
}

/// Rule severity as written.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    /// An error.
    Error,
    /// A warning.
    Warning,
}

impl From<RuleSeverity> for Severity {
    fn from(s: RuleSeverity) -> Severity {
        match s {
            RuleSeverity::Error => Severity::Error,
            RuleSeverity::Warning => Severity::Warning,
        }
    }
}

/// What a rule repeats over.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForEach {
    /// Column ids, substituted for `$column`.
    pub column: Option<Vec<String>>,
    /// Row ids (or `all`), substituted for `$row`.
    pub row: Option<RowSet>,
}

/// A set of rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RowSet {
    /// `all` — every logical row of the table.
    All(String),
    /// The listed rows.
    List(Vec<String>),
}

/// One cell reference with a sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Subtracted instead of added.
    pub negative: bool,
    /// From last year's report.
    pub previous: bool,
    /// Row id.
    pub row: String,
    /// Column id.
    pub column: String,
}

/// A rule with its `for_each` substituted: concrete terms.
#[derive(Debug, Clone)]
pub struct RuleInstance {
    /// Left side.
    pub left: Vec<Term>,
    /// Right side.
    pub right: Vec<Term>,
    /// The cell messages point at.
    pub at: Term,
}

impl Term {
    fn parse(s: &str) -> Result<Term, String> {
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (previous, s) = match s.strip_prefix("previous:") {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (row, column) = s
            .split_once('.')
            .ok_or_else(|| format!("term {s} must be row.column"))?;
        Ok(Term {
            negative,
            previous,
            row: row.to_string(),
            column: column.to_string(),
        })
    }
}

impl Rule {
    /// Every concrete instance of the rule over `table`.
    pub fn instances(&self, table: &Table) -> Result<Vec<RuleInstance>, String> {
        let mut subs: Vec<(Option<String>, Option<String>)> = Vec::new();
        match &self.for_each {
            None => subs.push((None, None)),
            Some(fe) => {
                let rows: Option<Vec<String>> = match &fe.row {
                    None => None,
                    Some(RowSet::All(s)) if s == "all" => {
                        Some(table.def.rows.iter().map(|r| r.id.clone()).collect())
                    }
                    Some(RowSet::All(s)) => {
                        return Err(format!(
                            "rule {}: for_each.row must be `all` or a list, not {s}",
                            self.id
                        ))
                    }
                    Some(RowSet::List(l)) => Some(l.clone()),
                };
                match (rows, &fe.column) {
                    (Some(rows), None) => subs.extend(rows.into_iter().map(|r| (Some(r), None))),
                    (None, Some(cols)) => subs.extend(cols.iter().map(|c| (None, Some(c.clone())))),
                    (Some(rows), Some(cols)) => {
                        for r in &rows {
                            subs.extend(cols.iter().map(|c| (Some(r.clone()), Some(c.clone()))));
                        }
                    }
                    (None, None) => subs.push((None, None)),
                }
            }
        }
        let subst = |s: &str, row: &Option<String>, col: &Option<String>| {
            let mut s = s.to_string();
            if let Some(r) = row {
                s = s.replace("$row", r);
            }
            if let Some(c) = col {
                s = s.replace("$column", c);
            }
            Term::parse(&s).map_err(|e| format!("rule {}: {e}", self.id))
        };
        subs.iter()
            .map(|(r, c)| {
                let left = self
                    .left
                    .iter()
                    .map(|t| subst(t, r, c))
                    .collect::<Result<Vec<_>, _>>()?;
                let right = self
                    .right
                    .iter()
                    .map(|t| subst(t, r, c))
                    .collect::<Result<Vec<_>, _>>()?;
                let at = match &self.at {
                    Some(a) => subst(a, r, c)?,
                    None => left
                        .first()
                        .cloned()
                        .ok_or_else(|| format!("rule {}: empty left side", self.id))?,
                };
                Ok(RuleInstance { left, right, at })
            })
            .collect()
    }

    /// The instances over the rule's own table (`table` must be it), made once and shared by every
    /// clone of the format: a report's check asks for them several times, and making them (term
    /// strings substituted and parsed) took ~3 M instructions per report. Empty if the rule is
    /// malformed (the built-in formats are validated when loaded).
    pub fn shared_instances(&self, table: &Table) -> std::sync::Arc<Vec<RuleInstance>> {
        self.instances
            .get_or_init(|| std::sync::Arc::new(self.instances(table).unwrap_or_default()))
            .clone()
    }

    /// Keeps the instances [`Rule::instances`] made over the rule's table for
    /// [`Rule::shared_instances`].
    pub(super) fn keep_instances(&self, instances: Vec<RuleInstance>) {
        let _ = self.instances.set(std::sync::Arc::new(instances));
    }

    /// Whether any term reads last year's report.
    pub fn is_cross_year(&self) -> bool {
        self.left
            .iter()
            .chain(&self.right)
            .any(|t| t.contains("previous:"))
    }
}
