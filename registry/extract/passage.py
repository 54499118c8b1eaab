"""A passage of a plan that a reviewer picks, turned into a candidate project row by the extractor's own parsers.

    PlanText.of(raw, document)            the plan read once: cleaned text, its places, its sections
    passage_row(raw, start, end, document) -> dict   a projects.csv-shaped row for raw[start:end]

Offsets are Python str indices (code points) into the raw plan text, plans/<doc_id>.txt, as every
row's source_start/source_end. The passage is trimmed of blanks and punctuation at its ends, and
the row's span is the trimmed one. The fields come from the parsers the extractor uses: the type
from the name's type words (else from the clause's shared head, "瑞金二期、…等已核准清洁煤电项目"),
capacity and voltage (units.py), the stage from the verbs that govern the passage (rows.py), the
target year, the county and town the name gives (places.py) and the section (documents.py). A
reviewer corrects what they got wrong before accepting the row.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from registry.geo.divisions import Division, load_divisions
from registry.rows.documents import section_at, split_sections
from registry.extract.places import PlaceIndex, prefecture_of
from registry.extract.rows import GRID_TYPES, candidate_row, stage_of_mention
from registry.extract.rules import keyword_type
from registry.extract.text import CleanText, clean_text, fix_heading
from registry.extract.units import find_capacity, find_voltage
from registry.extract.vocab import LEAD_RE, TARGET_YEAR_RE
from registry.rows.schema import LINE_TYPES, PROJECT_COLUMNS

# A passage longer than this is not a project's name nor the clause that names one.
MAX_PASSAGE = 300
SENTENCE_END = "。；！？!?;\n"
CLAUSE_BREAK = "，,"
_TRIM = " \t\r\n\u3000，。；：、,.;:！？!?…—-·"
_WINDOW = 200  # how far around a passage its verbs, capacity and year are looked for (as the extractor)
# The capacity a clause states right after the passage: "…项目（10万千瓦）", "…项目，装机规模10万千瓦".
_CAPACITY_LEAD = re.compile(r"\s*(?:[（(]|[，,]?\s*(?:总装机|装机容量|装机规模|建设规模|总规模|装机|规模)(?:容量|规模)?"
                            r"(?:为|约|达到|达|共|合计)?|[，,])\s*(?=\d)")


class PassageError(ValueError):
    """The passage cannot be a project row; str() is one sentence saying why."""


@dataclass
class PlanText:
    """One plan read for passages: its raw and cleaned text, the places of its area, its sections."""

    raw: str
    clean: CleanText
    places: PlaceIndex
    own: Division
    city: str  # the prefecture-level city (the province for a province plan)
    own_county: str
    doc_id: str
    sections: list

    @classmethod
    def of(cls, raw: str, document: dict) -> PlanText:
        divisions = load_divisions()
        own = divisions.by_code.get((document.get("city_code") or "").strip())
        if own is None:
            raise PassageError(f"the plan's area code {document.get('city_code')!r} is not in the division list")
        own_county = own.name if own.level == 3 else ""
        return cls(raw, clean_text(raw, own_county or own.name), PlaceIndex(own, divisions), own,
                   prefecture_of(own, divisions).name, own_county, document.get("doc_id", ""), split_sections(raw))

    def to_clean(self, raw_offset: int) -> int:
        """The first cleaned character at or after a raw offset (the raw offsets of the cleaned text only grow)."""
        return bisect_left(self.clean.raw_offsets, raw_offset)

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The cleaned sentence around cleaned [start, end), at most _WINDOW characters either side."""
        text = self.clean.text
        low = max(0, start - _WINDOW)
        sentence_start = max([text.rfind(c, low, start) for c in SENTENCE_END] + [low - 1]) + 1
        ends = [at for c in SENTENCE_END if (at := text.find(c, end, end + _WINDOW)) != -1]
        return sentence_start, min(ends, default=min(len(text), end + _WINDOW))


def trim_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without blanks and separating punctuation at either end."""
    while start < end and raw[start] in _TRIM:
        start += 1
    while end > start and raw[end - 1] in _TRIM:
        end -= 1
    return start, end


def check_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """The trimmed span, or PassageError when it is outside the text, empty or too long."""
    if end <= start:
        raise PassageError(f"passage {start}:{end} ends before it starts; give START:END with END after START")
    if not 0 <= start < end <= len(raw):
        raise PassageError(f"passage {start}:{end} is outside the plan's text, which has {len(raw)} characters "
                           f"(offsets 0 to {len(raw)})")
    trimmed = trim_span(raw, start, end)
    if trimmed[0] == trimmed[1]:
        raise PassageError(f"passage {start}:{end} is only blanks and punctuation")
    if trimmed[1] - trimmed[0] > MAX_PASSAGE:
        raise PassageError(f"passage {start}:{end} is {trimmed[1] - trimmed[0]} characters long; select the project's "
                           f"name or the clause that names it (at most {MAX_PASSAGE})")
    return trimmed


def _clause_start(text: str, sentence_start: int, start: int) -> int:
    return max([text.rfind(c, sentence_start, start) for c in CLAUSE_BREAK] + [sentence_start - 1]) + 1


def _clause_end(text: str, end: int, sentence_end: int) -> int:
    return min([at for c in CLAUSE_BREAK if (at := text.find(c, end, sentence_end)) != -1] + [sentence_end])


def _stage(text: str, sentence_start: int, clause_start: int, start: int, clause_end: int) -> str:
    """The stage the verbs governing the passage give; a clause with no verb borrows the one before (as rows.py)."""
    before = text[max(clause_start, start - _WINDOW):start]
    governing = text[max(clause_start, start - _WINDOW):clause_end]
    stage = stage_of_mention(governing, before)
    if stage or LEAD_RE.search(before) or clause_start <= sentence_start:
        return stage
    previous = text[_clause_start(text, sentence_start, clause_start - 1):clause_start]
    return stage_of_mention(previous + governing, previous + before)


def _capacity(name: str, after: str):
    found = find_capacity(name)
    if found:
        return found
    lead = _CAPACITY_LEAD.match(after)
    if lead is None:
        return None
    found = find_capacity(after[lead.end():lead.end() + 20])
    return found if found and found[2][0] == 0 else None


def _places(plan: PlanText, name: str, type_: str) -> tuple[str, str]:
    """County and town the passage names; a line runs between places, so it gets no town (as rows.py)."""
    county = town = ""
    for place in plan.places.find(name):
        division = place.division
        if division.level == 4 and type_ not in LINE_TYPES:
            town = town or division.name
            parent = plan.places.county_of(division)
            county = county or (parent.name if parent else "")
        elif division.level == 3:
            county = county or division.name
    return county or plan.own_county, town


def _city(plan: PlanText, name: str, before: str, after: str) -> str:
    """A city or county plan's own city; in a province plan, the city of the first place the passage
    names, else of the place named nearest before it in its clause, else after it."""
    if plan.own.level > 1:
        return plan.city
    nearby = [p for p in plan.places.find(before)[::-1] + plan.places.find(after) if p.division.level >= 2]
    for place in plan.places.find(name) + nearby:
        city = plan.places.city_of(place.division)
        if city is not None:
            return city.name
    return plan.city


def passage_row(raw: str, start: int, end: int, document: dict, plan: PlanText | None = None) -> dict:
    """A candidate project row for the passage raw[start:end] of a plan (its documents.csv row).

    `plan` is PlanText.of(raw, document), passed when several passages of one plan are read."""
    plan = plan or PlanText.of(raw, document)
    start, end = check_span(raw, start, end)
    text = plan.clean.text
    cs, ce = plan.to_clean(start), plan.to_clean(end)
    if cs >= ce:
        raise PassageError(f"passage {start}:{end} is page furniture (a page number or a running header), "
                           "not the plan's words")
    name = text[cs:ce].strip(_TRIM)
    sentence_start, sentence_end = plan.sentence_bounds(cs, ce)
    clause_start = _clause_start(text, sentence_start, cs)
    clause_end = _clause_end(text, ce, sentence_end)
    before, after = text[clause_start:cs], text[ce:clause_end]
    found = keyword_type(name) or keyword_type(after) or keyword_type(before)
    type_, subtype = found if found else ("other", "")
    capacity = _capacity(name, text[ce:sentence_end])
    voltage = find_voltage(name) if type_ in GRID_TYPES else None
    county, town = _places(plan, name, type_)
    year = TARGET_YEAR_RE.search(text, ce, sentence_end)
    section = section_at(plan.sections, start)
    row = dict.fromkeys(PROJECT_COLUMNS, "")
    row.update(candidate_row(
        name, (type_, subtype), capacity, voltage, _stage(text, sentence_start, clause_start, cs, clause_end), year,
        _city(plan, name, before, after), county, town, plan.doc_id or document.get("doc_id", ""),
        fix_heading(section.heading, plan.own_county) if section else "", start, end))
    return row
