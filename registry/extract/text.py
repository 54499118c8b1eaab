"""Repairs of the plan texts that keep a map from every cleaned character back to the raw file.

The plans come from PDFs and web pages: page furniture ("— 15 —", a site notice pasted
into the middle of a sentence), line breaks inside words and numbers, Markdown bold
markers inside numbers (`**368** 万\\n千瓦`) and OCR misreadings (郟阳区 for 郧阳区).
Every repair here either deletes characters or swaps characters one for one, so each
cleaned character still has exactly one raw offset and provenance stays exact.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

# Characters the OCR of these plans confuses with the right ones, swapped everywhere.
OCR_CHARACTER_FIXES = {"郟": "郧"}

# Names a plan writes where it means its own place: the Jinshi draft says 天津市 (Tianjin,
# a province-level city) where it means 津市市. Keyed by the plan's own county-level name,
# because the same words in another plan could be right.
MISREADINGS_BY_PLACE = {"津市市": {"天津市": "津市市"}}

_PAGE_FURNITURE = re.compile(r"^[ \t\u3000]*[—-]+[ \t\u3000]*\d+[ \t\u3000]*[—-]+[ \t\u3000]*$", re.M)
_SITE_NOTICE = re.compile(r"本文内容来自网络[^！!\n]{0,60}[！!]")
_BOLD = re.compile(r"\*\*")
_SENTENCE_END = set("。；！？!?;")
# A new line that starts like this opens a new item, so the break before it is kept.
_ITEM_START = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|专栏|\d+[．.、]\s*(?!\d)|——)"
)
# The lookbehind lets only the first blank of a run start a match: a long run with no newline
# is scanned once, not once per blank (issue 15).
_LINE_BREAK = re.compile(r"(?<![ \t\u3000])[ \t\u3000]*+\n[\s\u3000]*+")
_INNER_SPACE = re.compile(r"[ \t\u3000]+")
# A line with two or more tabs between its words is a table row pasted from a spreadsheet or a
# PDF table ("1\t某某风电项目\t某某镇\t10万千瓦"): its tabs separate cells, like commas.
_TABLE_ROW = re.compile(r"^[^\t\n]*\S\t+\S[^\t\n]*\t+\S.*$", re.M)


@dataclass
class CleanText:
    """Cleaned text plus, for each of its characters, the offset of that character in the raw text."""

    text: str
    raw_offsets: array  # of int, 4 bytes a character rather than a list's ~36 (a 20 MB plan)
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw [start, end) that covers cleaned [start, end)."""
        if end <= start:
            raise ValueError("empty span")
        return self.raw_offsets[start], self.raw_offsets[end - 1] + 1


def _delete(text: str, offsets: array, spans: list[tuple[int, int]]) -> tuple[str, array]:
    keep_text, keep_offsets, position = [], array("i"), 0
    for start, end in sorted(spans):
        if start < position:
            start = position
        keep_text.append(text[position:start])
        keep_offsets.extend(offsets[position:start])
        position = max(position, end)
    keep_text.append(text[position:])
    keep_offsets.extend(offsets[position:])
    return "".join(keep_text), keep_offsets


def _swap(text: str, old: str, new: str) -> str:
    assert len(old) == len(new), "a swap must keep the length so the offset map stays valid"
    return text.replace(old, new)


def _line_breaks_inside_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _LINE_BREAK.finditer(text):
        # The text before the break with its trailing blanks dropped, looked at locally: the walk back
        # crosses only blanks since the previous break and the line before, so the whole pass is linear.
        last = match.start()
        while last > 0 and text[last - 1].isspace():
            last -= 1
        after = text[match.end():match.end() + 12]
        if not last or not after:
            continue
        if text[last - 1] in _SENTENCE_END or _ITEM_START.match(after):
            continue
        if "\t" in text[text.rfind("\n", 0, last) + 1:last] or "\t" in text[match.end():text.find("\n", match.end())]:
            continue  # a table row is a line of its own
        last_line = text[text.rfind("\n", 0, last) + 1:last].strip()
        if _ITEM_START.match(last_line) and len(last_line) <= 30 and text[last - 1] not in "，、":
            continue  # a short heading line: its own paragraph
        spans.append((match.start(), match.end()))
    return spans


def _spaces_not_between_latin(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _INNER_SPACE.finditer(text):
        left = text[match.start() - 1] if match.start() else ""
        right = text[match.end()] if match.end() < len(text) else ""
        if left.isascii() and left.isalpha() and right.isascii() and right.isalpha():
            continue
        spans.append((match.start(), match.end()))
    return spans


def _table_cells_as_clauses(text: str) -> str:
    """Swap the tabs of table rows for commas, one for one (the offsets stay valid)."""
    if "\t" not in text:
        return text
    return _TABLE_ROW.sub(lambda row: re.sub(r"\t+", lambda tabs: "，" * len(tabs.group(0)), row.group(0)), text)


def clean_text(raw: str, own_place: str | None = None) -> CleanText:
    """Repair a plan's raw text; `own_place` (e.g. 津市市) selects its known misreadings."""
    # A carriage return (Windows or old Mac line ends) becomes a newline, one for one: "\r\n" then reads
    # as a blank line, which the line-break repair treats like one break.
    text, offsets = raw.replace("\r", "\n"), array("i", range(len(raw)))
    for old, new in OCR_CHARACTER_FIXES.items():
        text = _swap(text, old, new)
    for old, new in MISREADINGS_BY_PLACE.get(own_place or "", {}).items():
        text = _swap(text, old, new)
    furniture = [m.span() for pattern in (_PAGE_FURNITURE, _SITE_NOTICE, _BOLD) for m in pattern.finditer(text)]
    text, offsets = _delete(text, offsets, furniture)
    text, offsets = _delete(text, offsets, _line_breaks_inside_sentences(text))
    text = _table_cells_as_clauses(text)
    text, offsets = _delete(text, offsets, _spaces_not_between_latin(text))
    return CleanText(text, offsets, len(raw))


def fix_heading(heading: str, own_place: str | None = None) -> str:
    """The same character fixes, for a section heading taken from the raw text."""
    for old, new in OCR_CHARACTER_FIXES.items():
        heading = heading.replace(old, new)
    for old, new in MISREADINGS_BY_PLACE.get(own_place or "", {}).items():
        heading = heading.replace(old, new)
    return heading
