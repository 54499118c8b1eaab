"""A plan's documents.csv row from its text: title, area (province, city or county), issuer,
document number, date, and whether it is a consultation draft.

The title and the area are read by registry/extract/area.py, the same reading `registry extract`
uses: the division the title names (津市市碳达峰实施方案 -> 津市市, 430781, under 常德市;
中共绵阳市委关于…的决定 -> 绵阳市), else the issuer on the first lines, else the division the text
names most often.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

from registry.geo.divisions import Division, DivisionList, load_divisions
from registry.extract.area import infer_area, infer_title
from registry.intake.pdftext import NotAPlan

STATUS_WORDS = {"draft": "consultation draft", "in-force": "in force"}
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*\d{1,4}\s*号")
_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?")
_CN_DATE = re.compile(r"(?P<y>[二〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?:(?P<d>[一二三四五六七八九十]{1,3})日)?")
_ISSUER = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:人民政府办公厅|人民政府办公室|人民政府|发展和改革委员会|发展改革委|[市县区州]委|"
                     r"碳达峰碳中和工作领导小组办公室|碳达峰碳中和工作领导小组|生态环境局|能源局)")
_DRAFT = re.compile(r"征求意见稿|征求意见|送审稿|草案")


@dataclass(frozen=True)
class Area:
    division: Division
    province: Division | None
    prefecture: Division | None  # the city above a county (empty for a city or province plan)


def _cn_number(text: str) -> int:
    """二〇二四 -> 2024, 十二 -> 12 (a date written in Chinese numerals)."""
    return int(cn2an.cn2an(text, "smart"))


def area_of(division: Division, divisions: DivisionList | None = None) -> Area:
    divisions = divisions or load_divisions()
    chain = divisions.ancestors(division)
    province = division if division.level == 1 else next((d for d in chain if d.level == 1), None)
    prefecture = next((d for d in chain if d.level == 2), None) if division.level == 3 else None
    return Area(division, province, prefecture)


def infer_date(text: str) -> str:
    """The signing date (the last date of the plan's first page or its end), as ISO text."""
    head, tail = text[:1500], text[-600:]
    for part in (tail, head):
        for pattern, number in ((_DATE, int), (_CN_DATE, _cn_number)):
            found = list(pattern.finditer(part))
            if found:
                match = found[-1]
                year, month = number(match.group("y")), number(match.group("m"))
                if not 1 <= month <= 12:
                    continue
                day = number(match.group("d")) if match.group("d") else None
                return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return ""


def own_doc_number(text: str) -> str:
    """The plan's own number (襄政发〔2024〕5号), not one it cites: 《湖北省碳达峰实施方案》（鄂政发〔2022〕22号）."""
    for match in _DOC_NUMBER.finditer(text[:1500]):
        if text[max(0, match.start() - 1):match.start()] not in ("（", "(", "》"):
            return re.sub(r"\s+", "", match.group(0))
    return ""


def infer_issuer(text: str, area_name: str) -> str:
    # The number says who issued it: X政发 the government, X政办发 its general office.
    number = own_doc_number(text)
    if area_name and re.search(r"政办[发函]", number):
        return f"{area_name}人民政府办公室"
    if area_name and re.search(r"政[发函]", number):
        return f"{area_name}人民政府"
    head, tail = text[:1500], text[-600:]
    for part in (head, tail):
        found = [m.group(0) for m in _ISSUER.finditer(part)]
        own = [name for name in found if area_name and name.removeprefix("中共").startswith(area_name)]
        if own:
            return own[0]
    return ""


def infer_metadata(text: str, title_hint: str = "", area_code: str | None = None, title: str | None = None,
                   status: str | None = None) -> dict:
    """documents.csv fields (all but doc_id and file); NotAPlan when the area cannot be told."""
    divisions = load_divisions()
    title = title or infer_title(text, title_hint)
    if not title:
        raise NotAPlan("has no title (no line naming its 方案, 规划, 意见 or 决定 on the first page); pass --title")
    if area_code:
        division = divisions.by_code.get(area_code.strip())
        if division is None or division.level not in (0, 1, 2, 3):
            raise NotAPlan(f"--area-code {area_code!r} is not a province, city or county code of the division list "
                           "(or 100000 for a national plan)")
    else:
        division = infer_area(title, text, divisions)
        if division is None:
            raise NotAPlan("names no province, city or county; pass --area-code (e.g. 421156 for 大悟县)")
    area = area_of(division, divisions)
    number = own_doc_number(text)
    draft = status == "draft" if status else bool(_DRAFT.search(title) or _DRAFT.search(text[:300]))
    if draft and not _DRAFT.search(title):
        title += "（征求意见稿）"  # as the draft's own title page says; 《》 in a notice leave it out
    return {
        "title": title,
        "city": division.name,
        "city_code": division.code,
        "parent_city": area.prefecture.name if area.prefecture else "",
        "province": area.province.name if area.province else "",
        "issuer": infer_issuer(text, division.name),
        "doc_number": number,
        "published": infer_date(text),
        "status": STATUS_WORDS["draft" if draft else "in-force"],
    }
