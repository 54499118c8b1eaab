"""Plan text out of a web page or a Word file.

A government page wraps the plan in navigation, breadcrumbs, share buttons and footers. The
plan is the block that holds most of the page's Chinese text: starting at <body>, go down into
the child that holds most (70 %+) of its parent's Chinese characters, and stop where the text
is spread over several children (the plan's paragraphs). Block elements become paragraphs.
"""
from __future__ import annotations

import re
from pathlib import Path

from registry.intake.pdftext import NotAPlan

CJK = re.compile(r"[\u4e00-\u9fff]")
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
         "button", "select", "template")
_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr",
           "table", "blockquote", "pre", "ul", "ol", "dd", "dt", "center", "br", "hr"}


def _cjk(element) -> int:
    return len(CJK.findall(element.text_content()))


def _main_block(body):
    node = body
    while True:
        total = _cjk(node)
        children = [(child, _cjk(child)) for child in node if isinstance(child.tag, str)]
        best = max(children, key=lambda pair: pair[1], default=None)
        if best is None or total == 0 or best[1] < 0.7 * total or best[0].tag in ("p", "table"):
            return node
        node = best[0]


def _text_of(block) -> str:
    parts: list[str] = []

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        block_level = tag in _BLOCKS
        if block_level:
            parts.append("\n")
        if element.text and tag:
            parts.append(element.text)
        for child in element:
            walk(child)
        if tag in ("td", "th"):
            parts.append("\t")
        if block_level:
            parts.append("\n")
        if element.tail:
            parts.append(element.tail)

    walk(block)
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n\n".join(line for line in lines if line) + "\n"


def html_title(data: bytes) -> str:
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(data)
    except Exception:
        return ""
    titles = tree.xpath("//title")
    return titles[0].text_content().strip() if titles else ""


def html_text(data: bytes) -> str:
    import lxml.html
    from lxml.etree import ParserError

    try:
        tree = lxml.html.document_fromstring(data)
    except (ParserError, ValueError) as exc:
        raise NotAPlan(f"cannot read the web page ({exc})") from None
    for element in tree.xpath("|".join(f"//{tag}" for tag in _DROP)):
        element.drop_tree()
    body = tree.find("body")
    return _text_of(_main_block(body if body is not None else tree))


def docx_text(path: Path) -> str:
    """Paragraphs and table rows (a 专栏 of projects is often a table) in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike for a damaged file
        raise NotAPlan(f"cannot read the Word file ({type(exc).__name__}: {exc})") from None
    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append(item.text.strip())
        elif isinstance(item, Table):
            for row in item.rows:
                cells = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    text = cell.text.strip()
                    if not cells or cells[-1] != text:
                        cells.append(text)
                lines.append("\t".join(cells))
    return "\n\n".join(line for line in lines if line) + "\n"
