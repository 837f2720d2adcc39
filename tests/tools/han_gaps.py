"""Prints, as JSON, the gaps between neighbouring Han characters on each body line of a PDF.

A line is the characters sharing a baseline outside tables (as in text_lines.py); a gap is the
distance in pt from one Han character's advance box to the next one's, for pairs of body-size
(15-16.5 pt) Han characters standing side by side. A word processor justifying a line spreads
one extra space evenly, so the gaps of a line are all alike; a line holding text set with
different character spacings (the old DOCX's per-line spacing after an edit) is not. Output:
[{"page": 1, "text": "...", "gaps": [-0.25, ...]}, ...]. Used by tests/docx.rs.
"""
import json
import sys

import pdfplumber


def han(c):
    return "\u3400" <= c <= "\u9fff"


def body(c):
    return 15 <= c["size"] <= 16.5


def page_lines(page):
    # tables: where vertical rules run (rows share their rules' ends)
    spans = sorted(
        (e["top"], e["bottom"])
        for e in page.edges
        if e["orientation"] == "v" and e["bottom"] - e["top"] > 3
    )
    boxes = []
    for top, bottom in spans:
        if boxes and top <= boxes[-1][1] + 0.5:
            boxes[-1] = (boxes[-1][0], max(boxes[-1][1], bottom))
        else:
            boxes.append((top, bottom))
    rows = {}
    for c in page.chars:
        if not c["text"].strip():
            continue
        mid = (c["top"] + c["bottom"]) / 2
        if any(a - 1 <= mid <= b + 1 for a, b in boxes):
            continue
        base = round(c["matrix"][5])
        key = next((k for k in rows if abs(k - base) <= 2), base)
        rows.setdefault(key, []).append(c)
    out = []
    for k in sorted(rows, reverse=True):
        cs = sorted(rows[k], key=lambda c: c["x0"])
        gaps = [
            round(b["x0"] - a["x1"], 2)
            for a, b in zip(cs, cs[1:])
            if han(a["text"]) and han(b["text"]) and body(a) and body(b)
        ]
        out.append({"text": "".join(c["text"] for c in cs), "gaps": gaps})
    return out


with pdfplumber.open(sys.argv[1]) as pdf:
    lines = []
    for n, p in enumerate(pdf.pages, 1):
        for ln in page_lines(p):
            lines.append({"page": n, **ln})
    print(json.dumps(lines, ensure_ascii=False))
