"""Turning mentions into projects.csv rows: type, capacity, voltage, stage, places, provenance."""
from __future__ import annotations

import re
from dataclasses import dataclass

from registry.rows.documents import section_at, split_sections
from registry.extract.places import PlaceIndex
from registry.extract.places import short_form as short_form_of
from registry.extract.rules import Mention, keyword_type
from registry.extract.text import CleanText, fix_heading
from registry.extract.units import find_capacity, find_voltage
from registry.extract.vocab import LEAD_RE, STAGE_RULES, TARGET_YEAR_RE
from registry.rows.schema import LINE_TYPES

GRID_TYPES = {"substation", "transmission", "grid"}
_PHASE = re.compile(r"([一二三四五六七八九十])期")
# How far around a name its verbs, 建设 and target year are looked for. A clause of a plan is
# shorter; the bound keeps a sentence of thousands of names linear (issue 15).
_WINDOW = 200
# "…光伏发电项目（二期）建设，总装机20万千瓦": the capacity of a name that gives none, later in its sentence.
# "…电站（10万千瓦）", "…项目，10万千瓦，", a table row "…项目，某某镇，10万千瓦": the capacity alone in a bracket
# or in a clause of its own right after the name, at most one short clause (a place) between.
_NUMBER_START = r"(?=\d|[一二两三四五六七八九十])"  # 20万千瓦 or 二十万千瓦
_CAPACITY_CELL = re.compile(r"[（(]\s*" + _NUMBER_START + r"|(?:[，,][^，,。；（）]{1,10})?[，,]\s*(?=(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千点]+)"
                            r"\s*(?:亿千瓦|万千瓦|MWp?|兆瓦|GW|千瓦|kWp?)\s*(?:[，,。；]|$))")
_CAPACITY_AFTER = re.compile(r"(?:总装机|装机容量|装机规模|建设规模|总规模|装机)(?:容量|规模)?(?:为|约|达到|达|共|合计)?\s*"
                             + _NUMBER_START)


@dataclass
class PlanContext:
    """What every row of one plan shares."""

    doc_id: str
    id_prefix: str
    city: str  # prefecture-level city
    own_county: str  # the plan's county-level unit for county-level plans, else ""
    places: PlaceIndex
    clean: CleanText
    raw: str


def stage_of(text: str) -> str:
    for stage, pattern in STAGE_RULES:
        if pattern.search(text):
            return stage
    return ""


def _governing_clause(text: str, mention: Mention) -> str:
    """The clause that governs a mention: from the clause start to the clause end after the name.

    An enumeration "推进A、B、C建设" shares its verb and its 建设 among all items, so the
    window runs to the next comma (or the sentence end), not just past the name.
    """
    end = min(mention.sentence_end, mention.end + _WINDOW)
    for mark in "，,":
        at = text.find(mark, mention.end, end)
        if at != -1:
            end = at
    start = max(mention.clause_start, mention.start - _WINDOW)
    if mention.end - mention.start <= _WINDOW:
        return text[start:end]
    # An item of a long list spans to the words all items share ("甲、乙、…等燃煤机组替代"): its own start
    # and the list's end are read, not every item in between (a list of N items stays linear).
    return text[start:mention.start + _WINDOW] + text[mention.end:end]


def stage_of_mention(governing: str, before: str) -> str:
    """stage_of the governing clause; a 推进 that directly governs the name (no 建设) is still construction."""
    stage = stage_of(governing)
    if not stage and re.search(r"推进(?!.*(?:支持|争取|谋划|探索))", before):
        return "construction"
    return stage


def _stage(text: str, mention: Mention, governing: str) -> str:
    """Stage of a mention; a clause with no verb of its own ("重点推进A，B、C项目") borrows the previous clause's."""
    before = text[max(mention.clause_start, mention.start - _WINDOW):mention.start]
    stage = stage_of_mention(governing, before)
    if stage or LEAD_RE.search(before) or mention.clause_start == 0:
        return stage
    sentence_start = max(mention.sentence_start, mention.clause_start - 1 - _WINDOW)
    previous_start = max([text.rfind(c, sentence_start, mention.clause_start - 1) for c in "，,"]
                         + [sentence_start - 1]) + 1
    if previous_start >= mention.clause_start:
        return stage
    previous = text[previous_start:mention.clause_start]
    return stage_of_mention(previous + governing, previous + before)


def _places(name: str, ctx: PlanContext, type_: str) -> tuple[str, str]:
    """County and town the name ties the project to; a line runs between places, so it gets no town."""
    county = town = ""
    for place in ctx.places.find(name):
        division = place.division
        if division.level == 4 and type_ in LINE_TYPES:
            continue  # a line's place names are its ends (卧龙－编钟－仙女山), not where it lies
        if division.level == 4:
            town = town or division.name
            parent = ctx.places.county_of(division)
            county = county or (parent.name if parent else "")
        elif division.level == 3:
            county = county or division.name
    if type_ in LINE_TYPES:
        town = ""
    return county or ctx.own_county, town


def _city(name: str, ctx: PlanContext, mention: Mention) -> str:
    """The prefecture-level city of a row. A city or county plan has one; in a province plan it is
    the city of the first place the name gives, else of the place named nearest before it in its
    clause, else after it; the province when the clause names none. A national plan's row names the
    province its clause names, else the country (全国)."""
    if ctx.places.city.level > 1:
        return ctx.city
    text = ctx.clean.text
    window_start = max(mention.clause_start, mention.start - _WINDOW)
    # an item of a list takes no place from its neighbours ("沧州市甲、太行山沿线乙…": 乙 is not in 沧州市)
    window_start = max(window_start, text.rfind("、", window_start, mention.start) + 1)
    clause_end = min(mention.sentence_end, mention.end + _WINDOW)
    mark = text.find("、", mention.end, clause_end)
    clause_end = mark if mark != -1 else clause_end
    comma = text.find("，", mention.end, clause_end)
    before = [p for p in ctx.places.find(text[window_start:mention.start]) if p.division.level >= 2]
    after = [p for p in ctx.places.find(text[mention.end:comma if comma != -1 else clause_end])
             if p.division.level >= 2]
    places = ctx.places.find(name) + before[::-1] + after
    for place in places:
        city = ctx.places.city_of(place.division)
        if city is not None:
            return city.name
    if ctx.places.city.level == 0:
        return next((p.division.name for p in places if p.division.level == 1), ctx.city)
    return ctx.city


def _section(ctx: PlanContext, raw_offset: int, sections) -> str:
    section = section_at(sections, raw_offset)
    return fix_heading(section.heading, ctx.own_county) if section else ""


def _capacity_after(text: str, mention: Mention, next_start: int) -> tuple[float, str, tuple[int, int]] | None:
    """A capacity the sentence states after the name and before the next project it names."""
    window = text[mention.end:min(mention.sentence_end, next_start, mention.end + _WINDOW)]
    lead = _CAPACITY_AFTER.search(window) or _CAPACITY_CELL.match(window)
    if lead is None:
        return None
    found = find_capacity(window[lead.end():lead.end() + 20])
    return found if found and found[2][0] == 0 else None


def candidate_row(name: str, kind: tuple[str, str], capacity, voltage, stage: str, year, city: str, county: str,
                  town: str, source_doc: str, source_section: str, start: int, end: int) -> dict:
    """A candidate's projects.csv fields from what the parsers found: `capacity` and `voltage` as
    find_capacity/find_voltage give them and `year` a TARGET_YEAR_RE match, each None where none was
    found. The extractor's mentions (build_rows) and a reviewer's passages (passage.py) both end here."""
    phase = _PHASE.search(name)
    return {
        "name": name,
        "type": kind[0],
        "subtype": kind[1],
        "capacity_mw": capacity[0] if capacity else None,
        "capacity_text": capacity[1] if capacity else "",
        "voltage_kv": voltage[0] if voltage else None,
        "stage": stage,
        "phase": phase.group(0) if phase else "",
        "target_year": int(year.group(1)) if year else None,
        "city": city,
        "county": county,
        "town": town,
        "site": "",
        "source_doc": source_doc,
        "source_section": source_section,
        "source_start": start,
        "source_end": end,
    }


def build_rows(mentions: list[Mention], ctx: PlanContext) -> list[dict]:
    text = ctx.clean.text
    sections = split_sections(ctx.raw)
    rows = []
    starts = [m.start for m in mentions]
    for index, mention in enumerate(mentions):
        name = mention.name
        found = mention.listed_kind or keyword_type(name)
        type_, subtype = found if found else (mention.context_type or "other", "")
        later = [s for s in starts[index + 1:index + 2] if s >= mention.end]
        capacity = find_capacity(name) or _capacity_after(text, mention, later[0] if later else len(text))
        voltage = find_voltage(name) if type_ in GRID_TYPES else None
        county, town = _places(name, ctx, type_)
        governing = _governing_clause(text, mention)
        after = text[mention.end:min(mention.sentence_end, mention.end + _WINDOW)]
        year = TARGET_YEAR_RE.search(after)
        start, end = ctx.clean.raw_span(mention.start, mention.end)
        rows.append(candidate_row(
            name, (type_, subtype), capacity, voltage, _stage(text, mention, governing), year,
            _city(name, ctx, mention), county, town, ctx.doc_id, _section(ctx, start, sections), start, end))
    return rows


def _dedupe_key(name: str, places) -> str:
    for place in sorted(places.find(name), key=lambda p: -p.start):  # 老河口市 and 老河口 are one place
        name = name[:place.start] + short_form_of(place.division.name) + name[place.end:]
    key = re.sub(r"[（()）“”\"\s]|国家级?|省级", "", name).replace("清洁能源基地", "新能源基地")  # one base, two words
    return re.sub(r"(建设)?(项目|工程)$", "", key)


_GRAM = 4  # keys shorter than this never merge


def _phase_of(name: str) -> str:
    phase = _PHASE.search(name)
    return phase.group(0) if phase else ""


def dedupe(rows: list[dict], places) -> list[dict]:
    """One row per project: a later mention of the same name (or a shorter/longer form of it) is dropped;
    a name with another phase (海口气电 and 海口气电二期) is another project.

    Two keys of one type are twins when one contains the other. Instead of comparing every pair
    (issue 15: 4,000 names took 55 s), kept keys are indexed by their 4-character grams: a kept key
    that contains the new one holds all of the new key's grams, so the new key's rarest gram lists
    every candidate; a kept key inside the new one is one of the new key's substrings, looked up
    by length.
    """
    kept: list[dict] = []
    keys: list[str] = []
    by_gram: dict[tuple[str, str], list[int]] = {}
    by_key: dict[tuple[str, str], int] = {}
    lengths: set[int] = set()
    def index(at: int, key: str, type_: str) -> None:
        keys[at] = key
        if len(key) >= _GRAM:
            for gram in {key[i:i + _GRAM] for i in range(len(key) - _GRAM + 1)}:
                by_gram.setdefault((type_, gram), []).append(at)
            by_key.setdefault((type_, key), at)
            lengths.add(len(key))

    for row in sorted(rows, key=lambda r: r["source_start"]):
        key, type_ = _dedupe_key(row["name"], places), row["type"]
        twins: set[int] = set()
        if len(key) >= _GRAM:
            grams = {key[i:i + _GRAM] for i in range(len(key) - _GRAM + 1)}
            rarest = min((by_gram.get((type_, g), ()) for g in grams), key=len)
            twins.update(i for i in rarest if key in keys[i])
            for length in lengths:
                if length <= len(key):
                    twins.update(by_key[(type_, key[at:at + length])] for at in range(len(key) - length + 1)
                                 if (type_, key[at:at + length]) in by_key)
        if not twins:
            kept.append(row)
            keys.append(key)
            index(len(kept) - 1, key, type_)
            continue
        twins = {i for i in twins if _phase_of(kept[i]["name"]) == _phase_of(row["name"])}  # 海口气电 ≠ 海口气电二期
        if not twins:
            kept.append(row)
            keys.append(key)
            index(len(kept) - 1, key, type_)
            continue
        twin = min(twins)
        if kept[twin]["capacity_mw"] is None and row["capacity_mw"] is not None:
            kept[twin] = row  # the row with the capacity stands for the project from now on
            index(twin, key, type_)
    return kept


def number_rows(rows: list[dict], prefix: str) -> list[dict]:
    rows = sorted(rows, key=lambda r: (r["source_start"], r["name"]))
    for i, row in enumerate(rows, 1):
        row["id"] = f"{prefix}-{i:03d}"
    return rows
