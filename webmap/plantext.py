"""A plan's text as a reader sees it: paragraphs and headings, markdown markers gone, spans still marked.

registry.store.targets.text_segments cuts the raw text at every project and target span and joins the
lines a PDF wrapped, keeping a "\\n" where a paragraph ends. Here those segments are grouped into
blocks, one per paragraph, and a block that reads as a heading (一、…, （一）…, 1. …, 第一章…, 专栏…,
short and without a full stop) becomes one. The `**` of a plan converted from markdown is dropped
from the shown text only: the cuts were made on the raw text, so every span link and anchor still
covers the same characters of the plan.
"""
from __future__ import annotations

import re

_EMPHASIS = re.compile(r"\*\*|__")
_NUMERALS = "一二三四五六七八九十百零〇"
# (pattern, tag): the plan's own numbering says how deep a heading is.
_HEADINGS = ((re.compile(rf"第[{_NUMERALS}\d]+[章篇部]"), "h3"),
             (re.compile(rf"[{_NUMERALS}]+、"), "h3"),
             (re.compile(rf"第[{_NUMERALS}\d]+节"), "h4"),
             (re.compile(rf"[（(][{_NUMERALS}]+[）)]"), "h4"),
             (re.compile(r"(?:\d+[．.、](?!\d)|[（(]\d+[）)])"), "h5"),
             (re.compile(r"专栏\s*\d*"), "h5"))
HEADING_MAX = 40  # characters; a longer block is a paragraph that starts with a number


def without_emphasis(text: str) -> str:
    """The text as shown: a markdown plan's `**` and `__` dropped (offsets are taken before, on the raw text)."""
    return _EMPHASIS.sub("", text)


def heading_tag(text: str) -> str | None:
    """h3/h4/h5 for a heading line, None for a paragraph."""
    line = text.strip()
    if not line or len(line) > HEADING_MAX or line[-1] in "。；;":
        return None
    for pattern, tag in _HEADINGS:
        marker = pattern.match(line)
        if marker and not re.search("[。；]", line[marker.end():]):
            return tag
    return None


def blocks(segments: list[dict]) -> list[dict]:
    """[{tag: 'p'|'h3'|'h4'|'h5', pieces: [segment, …]}] from text_segments' segments, in order."""
    result: list[dict] = [{"pieces": []}]
    waiting_anchors: list[str] = []
    for segment in segments:
        parts = without_emphasis(segment["text"]).split("\n")
        for index, part in enumerate(parts):
            if index:
                result.append({"pieces": []})
            anchors = waiting_anchors + (segment["anchors"] if index == 0 else [])
            if not part:
                # An empty piece holds no text: its anchors wait for the next piece that has some.
                waiting_anchors = anchors
                continue
            waiting_anchors = []
            result[-1]["pieces"].append({**segment, "text": part, "anchors": anchors})
    if waiting_anchors:
        result[-1]["pieces"].append({"text": "", "projects": [], "targets": [], "anchors": waiting_anchors})
    shown = []
    for block in result:
        text = "".join(p["text"] for p in block["pieces"])
        if not text.strip() and not any(p["anchors"] for p in block["pieces"]):
            continue
        shown.append({"tag": heading_tag(text) or "p", "pieces": block["pieces"]})
    return shown
