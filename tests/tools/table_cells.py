"""Prints, as JSON, the text of every table cell on each page of a PDF, page by page.

A cell's text is read with pdfplumber's table finder (ruled cells; a merged cell is one cell) and
its line breaks and spaces dropped, so "三、本\\n年度办\\n理结果" reads "三、本年度办理结果"; empty
cells are left out. Used by tests/docx.rs to see which labels LibreOffice shows on a page a table
continues on.
"""
import json
import sys

import pdfplumber


def page_cells(page):
    out = []
    for table in page.extract_tables():
        for row in table:
            for cell in row:
                text = "".join((cell or "").split())
                if text:
                    out.append(text)
    return out


with pdfplumber.open(sys.argv[1]) as pdf:
    print(json.dumps([page_cells(p) for p in pdf.pages], ensure_ascii=False))
