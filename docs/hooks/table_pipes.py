"""MkDocs hook: `\\|` in a table cell's code is a pipe, as GitHub shows it.

GitHub's Markdown needs a pipe inside a table cell escaped even in code (`csv\\|json`) and shows it
as `|`; Python-Markdown keeps the backslash inside code. The pages are read in both places, so the
Markdown stays GitHub's and the site's HTML drops the backslash.
"""
from __future__ import annotations

import re

CODE_IN_CELL = re.compile(r"(<td[^>]*>.*?</td>)", re.DOTALL)


def on_page_content(html: str, page, config, files) -> str:
    return CODE_IN_CELL.sub(lambda cell: re.sub(r"(<code>[^<]*</code>)",
                                                lambda code: code.group(1).replace("\\|", "|"), cell.group(1)), html)
