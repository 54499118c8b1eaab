"""A row's `location_method` (registry/geo/geocode.py, registry/geo/seats.py) in words, in the request's language.

    describe("county:site-not-in-geonames-or-sizhi;seat-geonames-named-like-county")
    -> "The site named is in neither GeoNames nor sizhi. Placed at the county's seat: …"

The method is `[level:]step;step;…`, a step being a code with an optional `(detail)`. Each code
has a sentence pair; the detail (a place's name, a count) fills its `%(detail)s`. A code not
listed here is shown as written, so a new geocoder step is never hidden.
"""
from __future__ import annotations

import re

from registry.rows.labels import PRECISION_LABELS
from webmap.i18n import current_lang, pick

# The level prefix: what the point stands for.
LEVELS = {
    "site": ("Located at the site.", "定位到场址。"),
    "town": ("Located at the town.", "定位到乡镇。"),
    "county": ("Located at the county.", "定位到县（市、区）。"),
    "city": ("Located at the city.", "定位到市。"),
    "line": ("Drawn as a line.", "绘制为线。"),
    "unlocated": ("Not located.", "未定位。"),
}

# code -> (English, Chinese); %(detail)s is the step's parenthesised detail.
STEPS = {
    "names-no-city-or-county": ("The plan names no city or county for it.", "规划未写明其所在市县。"),
    "names-no-province-city-or-county": ("The plan names no province, city or county for it.",
                                         "规划未写明其所在省、市、县。"),
    "city-not-in-gazetteer": ("The city %(detail)s is not in the offline gazetteer.", "离线地名库中没有城市“%(detail)s”。"),
    "city-not-in-province": ("The city %(detail)s is not in the plan's province.", "城市“%(detail)s”不在规划所属省份内。"),
    "city-not-in-plan-province": ("The city %(detail)s is not in the plan's province.",
                                  "城市“%(detail)s”不在规划所属省份内。"),
    "county-not-in-province": ("The county %(detail)s is not in the plan's province.",
                               "县“%(detail)s”不在规划所属省份内。"),
    "site-not-in-geonames-or-sizhi": ("The site named is in neither GeoNames nor sizhi.",
                                      "所写场址在 GeoNames 和 sizhi 中均未找到。"),
    "town-not-in-geonames-or-sizhi": ("The town named is in neither GeoNames nor sizhi.",
                                      "所写乡镇在 GeoNames 和 sizhi 中均未找到。"),
    "seat-geonames-named-like-county": ("Placed at the county's seat: the GeoNames place named like the county.",
                                        "置于县驻地：GeoNames 中与县同名的地点。"),
    "seat-geonames-named-like-city": ("Placed at the city's seat: the GeoNames place named like the city.",
                                      "置于市驻地：GeoNames 中与市同名的地点。"),
    "seat-geonames-named-like-its-city": ("Placed at the seat: the GeoNames place named like its city.",
                                          "置于驻地：GeoNames 中与所属市同名的地点。"),
    "seat-geonames-chengguan-town": ("Placed at the seat: the county's 城关 town in GeoNames.",
                                     "置于驻地：GeoNames 中该县的城关镇。"),
    "seat-geonames-largest-populated-place": ("Placed at the seat: the largest populated place in GeoNames.",
                                              "置于驻地：GeoNames 中人口最多的地点。"),
    "seat-geonames-largest-populated-place-in-urban-districts": (
        "Placed at the seat: the largest populated place of the urban districts in GeoNames.",
        "置于驻地：GeoNames 中市辖区内人口最多的地点。"),
    "seat-central-of-N-subdistricts": ("Placed at the seat: the centre of its %(detail)s subdistricts.",
                                       "置于驻地：其 %(detail)s 个街道的中心。"),
    "polygon-representative-point": ("No seat is known: placed at a point inside the area's outline.",
                                     "驻地未知：置于行政区轮廓内的一点。"),
    "sizhi-extent-centre-in-county": ("Placed at the centre of the town's extent (sizhi), inside its county.",
                                      "置于乡镇范围（sizhi）的中心，位于所属县内。"),
    "geonames-in-county-polygon": ("Placed at the GeoNames point of that name inside the county.",
                                   "置于县域内 GeoNames 的同名地点。"),
    "geonames": ("Placed at the GeoNames point of that name.", "置于 GeoNames 的同名地点。"),
    "endpoints": ("Drawn between its named ends (%(detail)s).", "连接所写两端（%(detail)s）绘制。"),
    "endpoints+via": ("Drawn through its named ends and stops (%(detail)s).", "经所写端点与途经点（%(detail)s）绘制。"),
    "via-not-located": ("A place it passes, %(detail)s, was not found.", "途经地点“%(detail)s”未找到。"),
    "line-not-drawn": ("The line is not drawn (%(detail)s).", "未绘制线路（%(detail)s）。"),
    "place-not-resolved": ("The place named was not found.", "所写地点未找到。"),
}
# Details that are codes themselves (line-not-drawn's reasons).
DETAILS = {
    "no-ends-named": ("no ends named", "未写明两端"),
    "ends-at-one-point": ("both ends at one point", "两端位于同一点"),
    "no-seat-known": ("", ""),
}
_STEP = re.compile(r"^(?P<code>[a-z+-]+?)(?:\((?P<detail>.*)\))?$")
_NUMBERED = re.compile(r"^seat-central-of-(\d+)-subdistricts$")
_END_MISSING = "end-not-located:"


def _detail(detail: str) -> str:
    if detail in DETAILS:
        return pick(DETAILS[detail], "location_detail")
    ends = detail.split("/")
    if all(end in PRECISION_LABELS for end in ends):  # a line's ends: the level each was found at
        return "/".join(pick(PRECISION_LABELS[end], "precision") for end in ends)
    if detail.startswith(_END_MISSING):
        return pick(("end not found: %(detail)s", "端点未找到：%(detail)s"), "location_detail") % {
            "detail": detail[len(_END_MISSING):]}
    return detail


def _step(step: str) -> str:
    numbered = _NUMBERED.match(step)
    if numbered:
        return pick(STEPS["seat-central-of-N-subdistricts"], "location_step") % {"detail": numbered.group(1)}
    match = _STEP.match(step)
    code, detail = (match.group("code"), match.group("detail") or "") if match else (step, "")
    if code not in STEPS:
        return step
    sentence = pick(STEPS[code], "location_step")
    return sentence % {"detail": _detail(detail)} if "%(detail)s" in STEPS[code][0] else sentence


def describe(method: str | None) -> str:
    """The method in sentences; empty for an empty method."""
    if not method:
        return ""
    level, _, rest = method.partition(":") if re.match(r"^[a-z]+:", method) else ("", "", method)
    sentences = [pick(LEVELS[level], "location_level")] if level in LEVELS else []
    sentences += [_step(step) for step in rest.split(";") if step]
    return ("" if current_lang() == "zh" else " ").join(sentences)
