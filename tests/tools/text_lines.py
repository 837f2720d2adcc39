"""Prints, as JSON, the text lines of each page of a PDF that lie outside tables.

A line is the characters sharing a baseline (from the text matrix, so faces with different
descents stay on one line), read left to right with spaces dropped (LibreOffice inserts none but
spaces digits apart). Characters inside the bounding box of a page's ruled lines are table text
and left out. Used by tests/docx.rs to compare LibreOffice's PDF of the DOCX with gongkai's PDF.
"""
import json
import sys

import pdfplumber


def line_chars(page):
    """The characters of each line outside tables, top to bottom, each line left to right."""
    # a table is where vertical rules run: merge their spans (rows share their rules' ends)
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
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows, reverse=True)]


def page_lines(page):
    return ["".join(c["text"] for c in cs) for cs in line_chars(page)]


if __name__ == "__main__":
    with pdfplumber.open(sys.argv[1]) as pdf:
        print(json.dumps([page_lines(p) for p in pdf.pages], ensure_ascii=False))
