"""The cities' own sections of a province plan: where a generic name is that city's project.

    "…实施市州有序达峰行动。…海东市。全面推动…转型，打造千亿级零碳产业园。…海西州。…"
    "（十）海东市⏎推进大型水电站抽水蓄能工程建设。…"

A sentence that is nothing but a prefecture-level city's name (海东市, 海西州, 海西, with its numbering) opens
that city's section. A section opened inside a paragraph ends with the paragraph; one opened by a heading line
ends at the next heading (a short line without a full stop) or the next city's name. Inside a section, a
name that is a kind only because it names no place ("千亿级零碳产业园", "大型水电站抽水蓄能工程") names the
section's city's project (rules.py): the review records it as the city's.

One pass over the plan's sentences: linear.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from registry.extract.places import PlaceIndex

_NUMBERING = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?)?\s*")
_CITY_WORDS = ("", "市", "州", "盟", "地区")
_MAX_MARKER = 16  # 海西蒙古族藏族自治州 and its numbering
_MAX_HEADING = 30  # a heading line is short and has no full stop


def section_marker(sentence: str, places: PlaceIndex) -> str | None:
    """The city's name as the plan writes it (without 市) when the sentence is nothing but a prefecture's name."""
    if len(sentence) > _MAX_MARKER:
        return None
    words = _NUMBERING.sub("", sentence).strip()
    found = places.find(words)
    if len(found) != 1 or found[0].start != 0 or found[0].division.level != 2 or found[0].division == places.city:
        return None
    if words[found[0].end:] not in _CITY_WORDS:
        return None
    return words[:-1] if words.endswith("市") else words


class CitySections:
    """The sections of the plan's text that belong to one city: `at(offset)` is that city's name, or None."""

    def __init__(self, text: str, spans: list[tuple[int, int]], places: PlaceIndex):
        self.starts: list[int] = []
        self.ranges: list[tuple[int, int, str]] = []
        if places.city.level > 1:
            return  # a city's or a county's own plan has no sections of other cities
        current: tuple[int, str, bool] | None = None  # (start, city, opened by a heading)
        for start, end in spans:
            marker = section_marker(text[start:end], places)
            new_line = start == 0 or text[start - 1] == "\n"
            if current is not None and (marker or (new_line and self._closes(text, start, end, current[2]))):
                self._add(current[0], start, current[1])
                current = None
            if marker:
                current = (end, marker, text[end:end + 1] in ("\n", ""))
        if current is not None:
            self._add(current[0], len(text), current[1])

    @staticmethod
    def _closes(text: str, start: int, end: int, by_heading: bool) -> bool:
        """A paragraph's section ends with it; a heading's at the next heading line."""
        if not by_heading:
            return True
        line_end = text.find("\n", start)
        line = text[start:line_end if line_end != -1 else len(text)]
        return len(line) <= _MAX_HEADING and "。" not in line

    def _add(self, start: int, end: int, city: str) -> None:
        self.starts.append(start)
        self.ranges.append((start, end, city))

    def at(self, offset: int) -> str | None:
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return None
        start, end, city = self.ranges[i]
        return city if start <= offset < end else None
