//! Filling a text page that would end short: its last paragraphs set one line looser each (clreq
//! §3.5 推出), and when that is not enough, the page before set looser so its last lines come over.

use super::{inline, Flow, PageBuild, Slot, EPS_WIDTH, MAX_LOOSEN_CHARS};

impl Flow<'_> {
    /// Sets paragraphs of the text page before `page` one line looser each, so that its last lines
    /// move to the top of `page`; the page before stays full and never ends with a heading.
    pub(super) fn spill_into(&mut self, page: &mut PageBuild) {
        let lines = self.cfg.lines;
        let Some(mut prev) = self.pages.pop() else {
            return;
        };
        if !prev.has_table && !prev.has_title && prev.row == lines {
            let target = lines + (lines - page.row);
            self.loosen(&mut prev, target);
            let mut g = prev.row - lines;
            // a heading goes with what follows it
            while g > 0 && g < prev.slots.len() {
                let b = prev.slots[prev.slots.len() - g - 1].block;
                if self.texts[b].paragraph || self.is_signature_part(b) {
                    break;
                }
                g += 1;
            }
            if g > 0 && page.row + g <= lines {
                let moved = prev.slots.split_off(prev.slots.len() - g);
                prev.row = prev.slots.last().map_or(0, |s| s.row + 1);
                for s in page.slots.iter_mut() {
                    s.row += g;
                }
                let head = moved
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| Slot { row: i, ..s });
                page.slots.splice(0..0, head);
                page.row += g;
            }
        }
        self.pages.push(prev);
    }

    /// Fills a short text page up to `target` rows by setting its last paragraphs one line looser
    /// each (the one that began on an earlier page only in its lines on this page).
    pub(super) fn loosen(&mut self, page: &mut PageBuild, target: usize) {
        let mut tried = Vec::new();
        while page.row < target {
            // the last paragraph ending on this page that was not tried yet
            let cand = page.slots.iter().rev().map(|s| s.block).find(|&b| {
                let n = self.texts[b].lines.len();
                self.texts[b].paragraph
                    && !tried.contains(&b)
                    && page.slots.iter().any(|s| s.block == b && s.line + 1 == n)
            });
            let Some(b) = cand else { break };
            tried.push(b);
            // its lines on this page: a paragraph begun on an earlier page is set again from its
            // first line here (unindented), the lines before stay as they are
            let s0 = page
                .slots
                .iter()
                .find(|s| s.block == b)
                .map_or(0, |s| s.line);
            let tb = &self.texts[b];
            let n = tb.lines.len();
            let k = n - s0;
            let start = if s0 == 0 { 0 } else { tb.lines[s0].items.start };
            let tail;
            let sh = if start == 0 {
                &tb.sh
            } else {
                tail = tb.sh.tail(start);
                &tail
            };
            let indent = if s0 == 0 { tb.indent } else { 0.0 };
            let mut found = None;
            'search: for r in 1..=MAX_LOOSEN_CHARS {
                for j in 1..=k {
                    let m = tb.measure;
                    let cut = r as f64 * self.cfg.char_pitch;
                    let ranges = inline::line_ranges(
                        sh,
                        &|i| if i + j >= k { m - cut } else { m },
                        indent,
                        true,
                    );
                    if ranges.len() != k + 1 {
                        continue;
                    }
                    // broken at the shorter measure, each line is set (justified) across the full
                    // one; none may be left short by the stretch cap
                    let set = inline::set_lines(sh, ranges, &|_| m, indent, tb.align);
                    if set[..k].iter().all(|l| l.offset + l.width >= m - EPS_WIDTH) {
                        found = Some(set);
                        break 'search;
                    }
                }
            }
            let Some(set) = found else { continue };
            let tb = &mut self.texts[b];
            tb.lines.truncate(s0);
            tb.lines.extend(set.into_iter().map(|mut l| {
                l.items = l.items.start + start..l.items.end + start;
                l
            }));
            let first_row = page
                .slots
                .iter()
                .find(|s| s.block == b)
                .map_or(0, |s| s.row);
            let last_row = first_row + k - 1;
            for s in page.slots.iter_mut() {
                if s.row > last_row {
                    s.row += 1;
                }
            }
            let at = page
                .slots
                .iter()
                .position(|s| s.block == b && s.line + 1 == n)
                .map_or(page.slots.len(), |p| p + 1);
            page.slots.insert(
                at,
                Slot {
                    block: b,
                    line: n,
                    row: last_row + 1,
                },
            );
            page.row += 1;
        }
    }
}
