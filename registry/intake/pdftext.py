"""Plan text out of a PDF, with what PDF layout breaks put back together.

A PDF has lines, not paragraphs: Chinese has no spaces, so a wrapped line is joined to the next
with nothing between (a number or a word cut by the wrap, "30万千\\n瓦", is whole again). Lines
are joined when the previous one runs to the right margin and the next is not indented (a
paragraph's first line is indented two characters in these documents). Running headers and
footers (the same line at the top or bottom of most pages) and page numbers ("— 15 —", "-3-",
"第 3 页") are dropped.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path
from typing import Callable

PAGE_NUMBER = re.compile(r"^[\s\-—–－_·]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[\s\-—–－_·]*$")
SENTENCE_END = tuple("。；！？：!?;:”」）)")
HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|专栏\s*\d|\d+[.．、](?!\d)|附件)")


class NotAPlan(ValueError):
    """The source cannot be a plan (no text, not Chinese, not a known format, no place)."""


def _cell_text(cell: str | None) -> str:
    # A cell's wrapped lines are one phrase: joined as the paragraphs are.
    lines = [line.strip() for line in (cell or "").splitlines() if line.strip()]
    text = ""
    for line in lines:
        text = _join(text, line) if text else line
    return text


def _page_lines(page) -> list[dict]:
    """The page's text lines, top to bottom; a ruled table (a 专栏 of projects) is one item whose
    rows become tab-separated lines, as a Word table's do, instead of its cells' broken lines."""
    tables = [(table.bbox, table.extract()) for table in page.find_tables()]
    items = []
    for (x0, top, x1, bottom), rows in tables:
        text_rows = ["\t".join(_cell_text(cell) for cell in row) for row in rows]
        items.append({"text": "\n\n".join(r for r in text_rows if r.strip("\t")), "x0": x0, "x1": x1, "top": top,
                      "size": 10.0, "table": True})
    for line in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = line["text"].strip()
        middle = (line["top"] + line["bottom"]) / 2
        inside = any(x0 - 1 <= line["x0"] and line["x1"] <= x1 + 1 and top <= middle <= bottom
                     for (x0, top, x1, bottom), _ in tables)
        if text and not inside:
            items.append({"text": text, "x0": line["x0"], "x1": line["x1"], "top": line["top"],
                          "size": (line["bottom"] - line["top"]) or 10.0})
    return sorted(items, key=lambda item: item["top"])


def _furniture_key(line: dict) -> tuple[str, int]:
    # Text with its page numbers masked, and where on the page it sits: a running header is the
    # same text at the same height on every page, unlike a title that happens to repeat it.
    return re.sub(r"\d+", "#", line["text"]), round(line["top"] / 6)


def _furniture(pages: list[list[dict]]) -> set[tuple[str, int]]:
    """Lines that repeat at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        counts.update({_furniture_key(line) for line in lines[:2] + lines[-2:]})
    return {key for key, n in counts.items() if n >= max(2, len(pages) * 0.5)}


def _join(previous: str, following: str) -> str:
    # Latin words wrapped across lines keep one space; Chinese and numbers join directly.
    if previous[-1:].isascii() and previous[-1:].isalpha() and following[:1].isascii() and following[:1].isalpha():
        return previous + " " + following
    return previous + following


def reflow(pages: list[list[dict]]) -> str:
    """Paragraphs from positioned lines: wraps joined, furniture and page numbers dropped."""
    furniture = _furniture(pages)
    body = []
    for lines in pages:
        edge = {id(line) for line in lines[:2] + lines[-2:]}  # furniture sits at the page's top or bottom
        body.append([line for line in lines if not PAGE_NUMBER.match(line["text"])
                     and not (id(line) in edge and _furniture_key(line) in furniture)])
    every = [line for lines in body for line in lines]
    text_lines = [line for line in every if not line.get("table")]
    if not every:
        return ""
    left = min((line["x0"] for line in text_lines), default=0)
    right = max((line["x1"] for line in text_lines), default=0)
    paragraphs: list[str] = []
    open_paragraph, previous = False, None
    for line in every:
        if line.get("table"):
            paragraphs.append(line["text"])
            open_paragraph, previous = False, None
            continue
        char = line["size"]
        indented = line["x0"] > left + 1.2 * char
        centred = indented and abs((line["x0"] - left) - (right - line["x1"])) < char
        # A centred title wrapped onto a second centred line of the same size is one title.
        title_goes_on = (centred and previous is not None and previous["centred"] and abs(previous["size"] - char) < 1
                         and not previous["text"].endswith(SENTENCE_END))
        starts_new = (indented and not title_goes_on) or HEADING_START.match(line["text"]) is not None
        if (open_paragraph or title_goes_on) and not starts_new and paragraphs:
            paragraphs[-1] = _join(paragraphs[-1], line["text"])
        else:
            paragraphs.append(line["text"])
        # The line runs on if it reaches the right margin and does not end a sentence.
        open_paragraph = line["x1"] >= right - 1.5 * char and not line["text"].endswith(SENTENCE_END)
        previous = {**line, "centred": centred}
    return "\n\n".join(paragraphs) + "\n"


def pdf_text(path: Path, check_pages: Callable[[int], None] | None = None) -> str:
    """The reflowed text of a PDF; `check_pages(count)` may refuse it (NotAPlan) before any page is laid out."""
    import pdfplumber

    # pdfminer logs a warning per glyph for fonts without a FontBBox (Chromium's CJK subsets).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(path) as pdf:
            if check_pages is not None:
                check_pages(len(pdf.pages))  # the page tree only: each page's content is read by _page_lines
            pages = []
            for page in pdf.pages:
                pages.append(_page_lines(page))
                page.close()  # drop its layout and objects: a long PDF kept every page's in memory
    except NotAPlan:
        raise
    except Exception as exc:  # a damaged PDF fails in many ways inside pdfminer; all mean "unreadable"
        raise NotAPlan(f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    text = reflow(pages)
    if not text.strip():
        raise NotAPlan("the PDF has no text layer (a scanned image?); OCR it first")
    return text
