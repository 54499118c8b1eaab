"""Recognising the counties and towns of one city in plan text, with the division list.

Plans write places in short forms (大悟 for 大悟县, 郧阳 for 郧阳区, 白羊田 for 白羊田镇)
and sometimes in old names (郧县, renamed 郧阳区 in 2014), so each official name is
indexed under its short form and known old names too. Only the plan's own city is
searched, which keeps two-character short forms from matching places elsewhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from registry.geo.divisions import Division, DivisionList, load_divisions
from registry.extract.area import infer_area, infer_title, short_form

# Old names still written in plans -> the official name today.
FORMER_NAMES = {"郧县": "郧阳区"}
# Short forms that are ordinary words more often than places.
_NOT_PLACES = {"城区", "新区", "开发", "高新", "经济", "工业", "中心", "城关", "新城", "东城", "西城", "南城", "北城", "通道",
               # short forms that the plans write as ordinary words far more often than as the place: 资源 (资源县),
               # 新建 (新建区), 合作 (合作市), 港口 (港口区), 振兴 (乡村振兴, 振兴区), 金沙 (金沙江, 金沙县) …
               "资源", "新建", "合作", "新兴", "港口", "新平", "振兴", "新和", "大新", "平和", "金沙"}


# A short form that begins the name of a plain, basin or river reach is part of that name, not the division
# ("江汉平原" is no 江汉区, "黄河流域" no 黄河县, "澜沧江上游" no 澜沧拉祜族自治县; "荆州江陵" stays 荆州).
_REGION_AFTER = re.compile(r"[江河]?(?:上游|中游|下游|干流|河段)|平原|流域|盆地|沿线|沿岸|沙漠|山脉|山区|丘陵|谷地|岗地|湖区")


@dataclass(frozen=True)
class Place:
    name: str  # as written in the text
    division: Division
    start: int
    end: int


class PlaceIndex:
    """The plan area's cities, counties and towns, found in text longest name first.

    For a province plan (a large area) towns are found by their full names only: a two-character
    short form there is more often an ordinary word (农林 for 农林街道) than the town.
    """

    def __init__(self, city: Division, divisions: DivisionList):
        self.city = city
        self.divisions = divisions
        self.names: dict[str, Division] = {}
        large_area = city.level <= 1  # a province, or the whole country
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
        return [Place(m.group(0), self.names[m.group(0)], m.start(), m.end()) for m in self._pattern.finditer(text)
                if m.group(0) == self.names[m.group(0)].name or not _REGION_AFTER.match(text, m.end())]

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
    """The province, city or county a document is about: the one its title names, else its issuer, else
    the one it names most often (registry/extract/area.py); None when it names none."""
    return infer_area(infer_title(text), text, divisions or load_divisions())
