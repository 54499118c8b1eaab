"""Recognising the counties and towns of one city in plan text, with the division list.

Plans write places in short forms (大悟 for 大悟县, 郧阳 for 郧阳区, 白羊田 for 白羊田镇)
and sometimes in old names (郧县, renamed 郧阳区 in 2014), so each official name is
indexed under its short form and known old names too. Only the plan's own city is
searched, which keeps two-character short forms from matching places elsewhere.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from registry.divisions import Division, DivisionList, load_divisions

# Old names still written in plans -> the official name today.
FORMER_NAMES = {"郧县": "郧阳区"}
_SUFFIXES = ("特区", "街道", "地区", "自治县", "县", "区", "市", "镇", "乡")
# Short forms that are ordinary words more often than places.
_NOT_PLACES = {"城区", "新区", "开发", "高新", "经济", "工业", "中心", "城关", "新城", "东城", "西城", "南城", "北城", "通道"}


@dataclass(frozen=True)
class Place:
    name: str  # as written in the text
    division: Division
    start: int
    end: int


_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,4}族)+自治(?:县|州|旗)$")  # 长阳土家族自治县 -> 长阳


def short_form(name: str) -> str:
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        return autonomous.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class PlaceIndex:
    """The plan area's cities, counties and towns, found in text longest name first.

    For a province plan (a large area) towns are found by their full names only: a two-character
    short form there is more often an ordinary word (农林 for 农林街道) than the town.
    """

    def __init__(self, city: Division, divisions: DivisionList):
        self.city = city
        self.divisions = divisions
        self.names: dict[str, Division] = {}
        large_area = city.level == 1
        below = [d for d in divisions.descendants(city.code) if d.level in (2, 3, 4)]
        for division in sorted(below, key=lambda d: d.level, reverse=True):  # cities, then counties win ties
            short = short_form(division.name)
            for name in {division.name} if large_area and division.level == 4 else {division.name, short}:
                if len(name) >= 2 and name not in _NOT_PLACES:
                    self.names[name] = division
        for old, new in FORMER_NAMES.items():
            target = next((d for d in below if d.name == new), None)
            if target:
                self.names[old] = target
        self.names[city.name] = city
        self.names[short_form(city.name)] = city  # 荆州 is 荆州市 in its own plan, not 荆州区
        alternatives = sorted(self.names, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def find(self, text: str) -> list[Place]:
        if self._pattern is None:
            return []
        return [Place(m.group(0), self.names[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)]

    def city_of(self, division: Division) -> Division | None:
        """The prefecture-level city a place lies in (itself for a city)."""
        if division.level == 2:
            return division
        return next((d for d in self.divisions.ancestors(division) if d.level == 2), None)

    def county_of(self, division: Division) -> Division | None:
        if division.level == 3:
            return division
        if division.level == 4:
            return self.divisions.parent(division)
        return None


def prefecture_of(division: Division, divisions: DivisionList) -> Division:
    """The prefecture-level city a division belongs to (itself when it is one)."""
    if division.level == 2:
        return division
    return next((d for d in divisions.ancestors(division) if d.level == 2), division)


def infer_place(text: str, divisions: DivisionList | None = None) -> Division | None:
    """The province, city or county a plan is about: the one its title names, else the one named most often."""
    divisions = divisions or load_divisions()
    head = text[:400]
    title = re.search(r"([\u4e00-\u9fff]{2,8}?(?:省|自治区|市|县|区))(?:碳达峰|人民政府|能源|“十四五”|十四五)", head)
    if title:
        for name in (title.group(1), short_form(title.group(1))):
            for division in divisions.by_name.get(name, []):
                if division.level in (1, 2, 3):
                    return division
    counts: Counter[str] = Counter()
    for name in set(re.findall(r"[\u4e00-\u9fff]{1,6}?[市县]", text)):
        if any(d.level in (2, 3) for d in divisions.by_name.get(name, [])):
            counts[name] = text.count(name)
    for name, _ in counts.most_common():
        return next(d for d in divisions.by_name[name] if d.level in (2, 3))
    for name in set(re.findall(r"[\u4e00-\u9fff]{1,6}?(?:省|自治区)", text)):
        found = [d for d in divisions.by_name.get(name, []) if d.level == 1]
        if found:
            return found[0]
    return None
