"""Turning mentions into projects.csv rows: type, capacity, voltage, stage, places, provenance."""
from __future__ import annotations

import re
from dataclasses import dataclass

from registry.documents import section_at, split_sections
from registry.extract.places import PlaceIndex
from registry.extract.places import short_form as short_form_of
from registry.extract.rules import Mention, keyword_type
from registry.extract.text import CleanText, fix_heading
from registry.extract.units import find_capacity, find_voltage
from registry.extract.vocab import LEAD_RE, STAGE_RULES, TARGET_YEAR_RE
from registry.schema import LINE_TYPES

GRID_TYPES = {"substation", "transmission", "grid"}
_PHASE = re.compile(r"([一二三四五六七八九十])期")


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
    end = mention.sentence_end
    for mark in "，,":
        at = text.find(mark, mention.end, end)
        if at != -1:
            end = at
    return text[mention.clause_start:end]


def stage_of_mention(governing: str, before: str) -> str:
    """stage_of the governing clause; a 推进 that directly governs the name (no 建设) is still construction."""
    stage = stage_of(governing)
    if not stage and re.search(r"推进(?!.*(?:支持|争取|谋划|探索))", before):
        return "construction"
    return stage


def _stage(text: str, mention: Mention, governing: str) -> str:
    """Stage of a mention; a clause with no verb of its own ("重点推进A，B、C项目") borrows the previous clause's."""
    before = text[mention.clause_start:mention.start]
    stage = stage_of_mention(governing, before)
    if stage or LEAD_RE.search(before) or mention.clause_start == 0:
        return stage
    sentence_start = max(text.rfind(c, 0, mention.clause_start - 1) for c in "。；！？\n：:") + 1
    previous_start = max([text.rfind(c, 0, mention.clause_start - 1) for c in "，,"] + [sentence_start - 1]) + 1
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


def _section(ctx: PlanContext, raw_offset: int, sections) -> str:
    section = section_at(sections, raw_offset)
    return fix_heading(section.heading, ctx.own_county) if section else ""


def build_rows(mentions: list[Mention], ctx: PlanContext) -> list[dict]:
    text = ctx.clean.text
    sections = split_sections(ctx.raw)
    rows = []
    for mention in mentions:
        name = mention.name
        found = keyword_type(name)
        type_, subtype = found if found else (mention.context_type or "other", "")
        capacity = find_capacity(name)
        voltage = find_voltage(name) if type_ in GRID_TYPES else None
        county, town = _places(name, ctx, type_)
        governing = _governing_clause(text, mention)
        after = text[mention.end:mention.sentence_end]
        year = TARGET_YEAR_RE.search(after)
        phase = _PHASE.search(name)
        start, end = ctx.clean.raw_span(mention.start, mention.end)
        rows.append({
            "name": name,
            "type": type_,
            "subtype": subtype,
            "capacity_mw": capacity[0] if capacity else None,
            "capacity_text": capacity[1] if capacity else "",
            "voltage_kv": voltage[0] if voltage else None,
            "stage": _stage(text, mention, governing),
            "phase": phase.group(0) if phase else "",
            "target_year": int(year.group(1)) if year else None,
            "city": ctx.city,
            "county": county,
            "town": town,
            "site": "",
            "source_doc": ctx.doc_id,
            "source_section": _section(ctx, start, sections),
            "source_start": start,
            "source_end": end,
        })
    return rows


def _dedupe_key(name: str, places) -> str:
    for place in sorted(places.find(name), key=lambda p: -p.start):  # 老河口市 and 老河口 are one place
        name = name[:place.start] + short_form_of(place.division.name) + name[place.end:]
    key = re.sub(r"[（()）“”\"\s]|国家级?|省级", "", name)
    return re.sub(r"(建设)?(项目|工程)$", "", key)


def dedupe(rows: list[dict], places) -> list[dict]:
    """One row per project: a later mention of the same name (or a shorter/longer form of it) is dropped."""
    kept: list[dict] = []
    for row in sorted(rows, key=lambda r: r["source_start"]):
        key = _dedupe_key(row["name"], places)
        twin = next((k for k in kept if k["type"] == row["type"] and
                     (key in _dedupe_key(k["name"], places) or _dedupe_key(k["name"], places) in key) and
                     min(len(key), len(_dedupe_key(k["name"], places))) >= 4), None)
        if twin is None:
            kept.append(row)
        elif twin["capacity_mw"] is None and row["capacity_mw"] is not None:
            kept[kept.index(twin)] = row
    return kept


def number_rows(rows: list[dict], prefix: str) -> list[dict]:
    rows = sorted(rows, key=lambda r: (r["source_start"], r["name"]))
    for i, row in enumerate(rows, 1):
        row["id"] = f"{prefix}-{i:03d}"
    return rows
