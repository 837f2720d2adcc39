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

from text_lines import line_chars  # the same lines, from the script beside this one


def han(c):
    return "\u3400" <= c <= "\u9fff"


def body(c):
    return 15 <= c["size"] <= 16.5


def page_lines(page):
    out = []
    for cs in line_chars(page):
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
