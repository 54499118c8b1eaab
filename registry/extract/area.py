"""Which province, city or county a document is about, read from its title and text.

One reading for `registry extract` (a plan without a documents.csv row) and `registry add-plan`
(registry/intake/metadata.py). Documents of every genre name their area the same few ways:

- the title: 津市市碳达峰实施方案, 国家碳达峰试点（襄阳）实施方案, 湖北省…行动方案,
  中共绵阳市委关于…的决定, 某市人民政府关于印发《…》的通知 (the place of the most specific
  division the title names wins: 湖北省大悟县… is about 大悟县);
- the issuer, on the first lines above a title that names no place (中共某省委 某省人民政府
  关于…的实施意见, a notice headed 某市人民政府);
- failing both, the division the text names most often, by full name or, for a prefecture-level
  city, by its short form (a news page that says 绵阳 fourteen times is about 绵阳市).

A name shared by several divisions (there are many 城关镇, a few 新华区) is settled by the
province or city also named in the text.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from registry.geo.divisions import Division, DivisionList, load_divisions

# Words that close a document's title: plans of every kind, decisions, opinions, notices.
PLAN_WORDS = r"(?:实施方案|行动方案|工作方案|方案|规划|实施意见|行动计划|意见|决定)"
_TITLE_IN_NOTICE = re.compile(r"(?:印发|征求|公开|发布)[^《\n]{0,12}《(?P<title>[^》\n]{4,60})》"
                              r"|^[^\n《》〈〉]{0,20}关于印发(?P<bare>[^《》〈〉\n]{4,60}?)的通知\s*$", re.M)  # the notice's own line
_TITLE_LINE = re.compile(r"^[^\n。；，]{2,60}" + PLAN_WORDS + r"(?:[（(][^）)\n]{2,12}[）)])?$", re.M)
# The part of a title or heading line that issues it: 中共绵阳市委, 某某县人民政府, 某省发展改革委.
_ISSUER_NAME = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:委员会|人民政府|市委|县委|区委|省委|州委|盟委|旗委|政府|人大常委会)")
# Division names that are also ordinary words of the plans (全市城区, 矿区, 新区).
_COMMON_WORDS = {"城区", "郊区", "矿区", "新区", "市区", "开发区"}
_NAME_RUN = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:自治州|自治县|自治区|地区|盟|旗|省|市|县|区)")
_HEAD_LINES = 8  # issuer and title sit on the first lines of a document
_SUFFIXES = ("特区", "街道", "地区", "自治县", "县", "区", "市", "镇", "乡")
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,4}族)+自治(?:县|州|旗)$")  # 长阳土家族自治县 -> 长阳
_COUNT_SPAN = 20_000  # how much of the text is counted when neither title nor issuer names a place


def short_form(name: str) -> str:
    """The name a plan writes for a division: 大悟 for 大悟县, 郧阳 for 郧阳区, 长阳 for 长阳土家族自治县."""
    autonomous = _AUTONOMOUS.match(name)
    if autonomous:
        return autonomous.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def infer_title(text: str, hint: str = "") -> str:
    """The document's title: the 《…》 a notice issues (in the hint, e.g. a web page's <title>, or the
    text's first part), else the first line that ends like a title (…实施方案, …的决定, …的实施意见)."""
    head = text[:3000]
    for candidate in (hint, head):
        notice = _TITLE_IN_NOTICE.search(candidate)
        title = notice and (notice.group("title") or notice.group("bare"))
        if title and re.search(PLAN_WORDS, title):
            return title.strip()
    line = _TITLE_LINE.search(head)
    return line.group(0).strip() if line else ""


def names_in(text: str, divisions: DivisionList, levels=(1, 2, 3)) -> list[tuple[int, str]]:
    """(position, name) of full division names in text, longest match at each position."""
    found = []
    for match in _NAME_RUN.finditer(text):
        word = match.group(0)
        for start in range(len(word) - 1):  # "关于印发大悟县…", "中共绵阳市委" -> 大悟县, 绵阳市
            name = word[start:]
            if name not in _COMMON_WORDS and any(d.level in levels for d in divisions.by_name.get(name, ())):
                found.append((match.start() + start, name))
                break
    return found


def short_names_in(title: str, divisions: DivisionList) -> list[tuple[int, str]]:
    """Cities and counties the title names by their short form: 国家碳达峰试点（襄阳）实施方案 -> 襄阳市."""
    found = []
    for match in re.finditer(r"[（(]([\u4e00-\u9fff]{2,6})[）)]|^([\u4e00-\u9fff]{2,3})(?=碳达峰)", title):
        short = match.group(1) or match.group(2)
        for suffix in ("市", "县", "区", "自治州", "地区", "盟"):
            if any(d.level in (2, 3) for d in divisions.by_name.get(short + suffix, ())):
                found.append((match.start(), short + suffix))
                break
    return found


def pick(name: str, text: str, divisions: DivisionList) -> Division:
    """The division a name means: the only one, else the one whose province or city the text names most."""
    options = [d for d in divisions.by_name[name] if d.level in (1, 2, 3)]
    if len(options) == 1:
        return options[0]

    def support(division: Division) -> int:
        return sum(text.count(a.name) for a in divisions.ancestors(division))
    return max(options, key=lambda d: (support(d), -d.level))


def _most_specific(found: list[tuple[int, str]], text: str, divisions: DivisionList) -> Division | None:
    picked = [pick(name, text, divisions) for _, name in found]
    return max(picked, key=lambda d: d.level) if picked else None


def _issuer_area(text: str, divisions: DivisionList) -> Division | None:
    """The division that issues the document, from its first lines (中共某市委, 某县人民政府)."""
    lines = [line.strip() for line in text[:600].splitlines() if line.strip()][:_HEAD_LINES]
    found = [hit for line in lines for m in _ISSUER_NAME.finditer(line) for hit in names_in(m.group(0), divisions)]
    return _most_specific(found, text, divisions)


@lru_cache(maxsize=1)
def _city_short_forms(divisions: DivisionList) -> tuple[re.Pattern | None, dict[str, str]]:
    """A pattern of the short forms of prefecture-level cities (绵阳 for 绵阳市) and what each stands for."""
    cities = [d for d in divisions.by_code.values() if d.level == 2]
    shared = Counter(short_form(d.name) for d in cities)
    forms = {}
    for division in cities:
        short = short_form(division.name)
        if short != division.name and len(short) >= 2 and short not in _COMMON_WORDS and shared[short] == 1:
            forms[short] = division.name
    pattern = re.compile("|".join(sorted(map(re.escape, forms), key=len, reverse=True))) if forms else None
    return pattern, forms


def _counted_area(text: str, divisions: DivisionList) -> Division | None:
    """The division the text names most often; a county over its own city when nearly as often."""
    part = text[:_COUNT_SPAN]
    counts = Counter(name for _, name in names_in(part, divisions))
    pattern, forms = _city_short_forms(divisions)
    if pattern is not None:
        for match in pattern.finditer(part):
            full = forms[match.group(0)]
            if not part.startswith(full, match.start()):  # 绵阳市 is counted once, as its full name
                counts[full] += 1
    if not counts:
        return None
    top = pick(counts.most_common(1)[0][0], text, divisions)
    # A county's plan names its prefecture's plans and goals almost as often as itself (临湘: 岳阳市
    # 30, 临湘市 27); a city's plan names one of its counties far less often than itself.
    for name, n in counts.most_common():
        division = pick(name, text, divisions)
        if division.level == top.level + 1 and division.parent_code == top.code and n >= 0.8 * counts[top.name]:
            return division
    return top


def infer_area(title: str, text: str, divisions: DivisionList | None = None) -> Division | None:
    """The province, city or county a document is about (see the module's docstring), or None;
    `title` as infer_title reads it (or as documents.csv gives it)."""
    divisions = divisions or load_divisions()
    in_title = names_in(re.sub(r"《[^》]*》", "", title) or title, divisions) or names_in(title, divisions) \
        or short_names_in(title, divisions)
    return (_most_specific(in_title, text, divisions) or _issuer_area(text, divisions)
            or _counted_area(text, divisions))
