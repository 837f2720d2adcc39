//! Glyphs → printed lines → runs: what a reader sees as one line, and the pieces of it that a
//! wide gap or a table rule separates (a table row's cells are separate runs).

use super::pdf::{Glyph, PdfPage, Pt};

/// A piece of a line: glyphs with no wide gap and no rule between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Its text, without spaces.
    pub text: String,
    /// Left edge.
    pub x0: Pt,
    /// Right edge.
    pub x1: Pt,
    /// Baseline.
    pub y: Pt,
    /// The largest font size in it.
    pub size: Pt,
    /// The glyphs' indices in the page's `glyphs`.
    pub glyphs: Vec<usize>,
}

impl Run {
    /// Horizontal centre.
    pub fn cx(&self) -> Pt {
        (self.x0 + self.x1) / 2.0
    }
}

/// The glyphs of one page that share a baseline, split into runs, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 0-based page index.
    pub page: usize,
    /// Baseline (the first glyph's).
    pub y: Pt,
    /// The largest font size on the line.
    pub size: Pt,
    /// The runs, left to right.
    pub runs: Vec<Run>,
}

impl Line {
    /// The whole line's text without spaces.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
    /// Left edge of the first run.
    pub fn x0(&self) -> Pt {
        self.runs.first().map_or(0.0, |r| r.x0)
    }
    /// Right edge of the last run.
    pub fn x1(&self) -> Pt {
        self.runs.last().map_or(0.0, |r| r.x1)
    }
}

/// A gap wider than this many ems ends a run.
const RUN_GAP_EM: f64 = 0.9;

/// Every line of a page, top to bottom.
pub fn lines(page_index: usize, page: &PdfPage) -> Vec<Line> {
    let g = &page.glyphs;
    let mut order: Vec<usize> = (0..g.len()).collect();
    order.sort_by(|&a, &b| g[a].y.total_cmp(&g[b].y).then(g[a].x.total_cmp(&g[b].x)));
    // baselines within a third of an em are one line
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match groups.last_mut() {
            Some(grp) if (g[i].y - g[grp[0]].y).abs() <= 0.35 * g[i].size.max(g[grp[0]].size) => {
                grp.push(i)
            }
            _ => groups.push(vec![i]),
        }
    }
    let vertical: Vec<_> = page
        .rules
        .iter()
        .filter(|r| r.y1 - r.y0 > r.x1 - r.x0)
        .collect();
    groups
        .into_iter()
        .map(|mut grp| {
            grp.sort_by(|&a, &b| g[a].x.total_cmp(&g[b].x));
            let y = g[grp[0]].y;
            let mut runs: Vec<Run> = Vec::new();
            for i in grp {
                let gl: &Glyph = &g[i];
                let split = runs.last().is_none_or(|r| {
                    let gap = gl.x - r.x1;
                    gap > RUN_GAP_EM * gl.size.max(r.size)
                        || vertical.iter().any(|v| {
                            let vx = (v.x0 + v.x1) / 2.0;
                            vx > r.x1 - 0.5 && vx < gl.x + 0.5 && v.y0 < gl.y && v.y1 > gl.top()
                        })
                });
                if split {
                    runs.push(Run {
                        text: String::new(),
                        x0: gl.x,
                        x1: gl.right(),
                        y: gl.y,
                        size: gl.size,
                        glyphs: Vec::new(),
                    });
                }
                if let Some(r) = runs.last_mut() {
                    r.text
                        .extend(gl.text.chars().filter(|c| !c.is_whitespace()));
                    r.x1 = r.x1.max(gl.right());
                    r.size = r.size.max(gl.size);
                    r.glyphs.push(i);
                }
            }
            Line {
                page: page_index,
                y,
                size: runs.iter().map(|r| r.size).fold(0.0, f64::max),
                runs,
            }
        })
        .collect()
}

/// Whether a line's text is a page number (`— 3 —`, `-3-`, `3`, `第3页`).
pub fn is_page_number(text: &str) -> bool {
    let t = text.trim_matches(|c: char| {
        matches!(c, '-' | '—' | '–' | '－' | '‒' | '―') || c.is_whitespace()
    });
    let t = t
        .strip_prefix('第')
        .and_then(|t| t.strip_suffix('页'))
        .unwrap_or(t);
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}
