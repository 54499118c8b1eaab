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
        if best is None or total == 0 or best[1] < 0.7 * total or best[0].tag == "p":
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


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def decode_html(data: bytes, content_type: str = "") -> str:
    """A page's text: the HTTP header's charset, else the page's <meta>, else UTF-8, else GB18030.

    Many government sites still serve GB2312/GBK, declared only in a <meta> or only in the header.
    GB2312 and GBK are read as GB18030, their superset (pages labelled gb2312 often use GBK characters).
    """
    declared = re.search(r"charset=([A-Za-z0-9_-]+)", content_type or "")
    meta = _META_CHARSET.search(data[:4096])
    names = ([declared.group(1)] if declared else []) + ([meta.group(1).decode("ascii")] if meta else [])
    for name in [*names, "utf-8", "gb18030"]:
        name = "gb18030" if name.lower().replace("-", "") in ("gb2312", "gbk", "gb18030") else name
        try:
            return _XML_DECLARATION.sub("", data.decode(name))
        except (LookupError, UnicodeDecodeError):
            continue
    raise NotAPlan("the web page is neither UTF-8 nor GB18030 and declares no charset Python knows")


def _parse(text: str):
    import lxml.html
    from lxml.etree import ParserError

    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise NotAPlan(f"cannot read the web page ({exc})") from None


def html_title(text: str) -> str:
    titles = _parse(text).xpath("//title")
    return titles[0].text_content().strip() if titles else ""


def html_text(text: str) -> str:
    tree = _parse(text)
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
