"""A plan's documents.csv row from its text: title, area (province, city or county), issuer,
document number, date, and whether it is a consultation draft.

The area is the division the title names (津市市碳达峰实施方案 -> 津市市, 430781, under 常德市),
resolved in the official division list; a name shared by several divisions (there are many
城关镇, a few 新华区) is settled by the province or city also named in the text. Without a place
in the title, the division named most often in the text's first part is taken.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from registry.divisions import Division, DivisionList, load_divisions
from registry.intake.pdftext import NotAPlan

STATUS_WORDS = {"draft": "consultation draft", "in-force": "in force"}
_PLAN_WORDS = r"(?:实施方案|行动方案|工作方案|方案|规划|实施意见|行动计划)"
_TITLE_IN_NOTICE = re.compile(r"(?:印发|征求|公开|发布)[^《\n]{0,12}《(?P<title>[^》\n]{4,60})》")
_TITLE_LINE = re.compile(r"^[^\n。；，]{2,50}" + _PLAN_WORDS + r"(?:[（(][^）)\n]{2,12}[）)])?$", re.M)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*\d{1,4}\s*号")
_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?")
_CN_DATE = re.compile(r"(?P<y>[二〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?:(?P<d>[一二三四五六七八九十]{1,3})日)?")
_ISSUER = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:人民政府办公厅|人民政府办公室|人民政府|发展和改革委员会|发展改革委|"
                     r"碳达峰碳中和工作领导小组办公室|碳达峰碳中和工作领导小组|生态环境局|能源局)")
_DRAFT = re.compile(r"征求意见稿|征求意见|送审稿|草案")
# Division names that are also ordinary words of the plans (全市城区, 矿区, 新区).
_COMMON_WORDS = {"城区", "郊区", "矿区", "新区", "市区", "开发区"}
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass(frozen=True)
class Area:
    division: Division
    province: Division | None
    prefecture: Division | None  # the city above a county (empty for a city or province plan)


def _cn_number(text: str) -> int:
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def infer_title(text: str, hint: str = "") -> str:
    head = text[:3000]
    for candidate in (hint, head):
        notice = _TITLE_IN_NOTICE.search(candidate)
        if notice and re.search(_PLAN_WORDS, notice.group("title")):
            return notice.group("title").strip()
    line = _TITLE_LINE.search(head)
    return line.group(0).strip() if line else ""


def _names_in(text: str, divisions: DivisionList, levels=(1, 2, 3)) -> list[tuple[int, str]]:
    """(position, name) of division names in text, longest match at each position."""
    found = []
    for match in re.finditer(r"[\u4e00-\u9fff]{2,12}?(?:自治州|自治县|自治区|地区|盟|旗|省|市|县|区)", text):
        word = match.group(0)
        for start in range(len(word) - 1):  # "关于印发大悟县…" -> 大悟县
            name = word[start:]
            if name not in _COMMON_WORDS and any(d.level in levels for d in divisions.by_name.get(name, ())):
                found.append((match.start() + start, name))
                break
    return found


def _short_names_in(title: str, divisions: DivisionList) -> list[tuple[int, str]]:
    """Cities and counties the title names by their short form: 国家碳达峰试点（襄阳）实施方案 -> 襄阳市."""
    found = []
    for match in re.finditer(r"[（(]([\u4e00-\u9fff]{2,6})[）)]|^([\u4e00-\u9fff]{2,3})(?=碳达峰)", title):
        short = match.group(1) or match.group(2)
        for suffix in ("市", "县", "区", "自治州", "地区", "盟"):
            if any(d.level in (2, 3) for d in divisions.by_name.get(short + suffix, ())):
                found.append((match.start(), short + suffix))
                break
    return found


def _pick(name: str, text: str, divisions: DivisionList) -> Division:
    options = [d for d in divisions.by_name[name] if d.level in (1, 2, 3)]
    if len(options) == 1:
        return options[0]

    def support(division: Division) -> int:  # the province or city also named in the text
        return sum(text.count(a.name) for a in divisions.ancestors(division))
    return max(options, key=lambda d: (support(d), -d.level))


def infer_area(title: str, text: str, divisions: DivisionList | None = None) -> Division | None:
    divisions = divisions or load_divisions()
    in_title = _names_in(re.sub(r"《[^》]*》", "", title) or title, divisions) or _names_in(title, divisions) \
        or _short_names_in(title, divisions)
    if in_title:
        # The most specific division the title names: 湖北省大悟县… is about 大悟县.
        picked = [_pick(name, text, divisions) for _, name in in_title]
        return max(picked, key=lambda d: d.level)
    counts = Counter(name for _, name in _names_in(text[:20000], divisions))
    if not counts:
        return None
    top = _pick(counts.most_common(1)[0][0], text, divisions)
    # A county's plan names its prefecture's plans and goals almost as often as itself (临湘: 岳阳市
    # 30, 临湘市 27); a city's plan names one of its counties far less often than itself.
    for name, n in counts.most_common():
        division = _pick(name, text, divisions)
        if division.level == top.level + 1 and division.parent_code == top.code and n >= 0.8 * counts[top.name]:
            return division
    return top


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
        own = [name for name in found if area_name and name.startswith(area_name)]
        if own:
            return own[0]
    return ""


def infer_metadata(text: str, title_hint: str = "", area_code: str | None = None, title: str | None = None,
                   status: str | None = None) -> dict:
    """documents.csv fields (all but doc_id and file); NotAPlan when the area cannot be told."""
    divisions = load_divisions()
    title = title or infer_title(text, title_hint)
    if not title:
        raise NotAPlan("has no title (no line naming its 方案 or 规划 on the first page); pass --title")
    if area_code:
        division = divisions.by_code.get(area_code.strip())
        if division is None or division.level not in (1, 2, 3):
            raise NotAPlan(f"--area-code {area_code!r} is not a province, city or county code of the division list")
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
