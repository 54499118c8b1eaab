"""A kind of facility a plan places at several named places: one project per place.

    "在皖北平原、皖西南地区建设集中连片风电"              -> 皖北平原集中连片风电, 皖西南地区集中连片风电
    "推动毕节、六盘水等煤炭资源富集地区建设合理规模煤电"    -> 毕节煤电, 六盘水煤电
    "在珠三角等负荷中心合理规划布局调峰气电"               -> 珠三角调峰气电
    "以渤中、半岛南、半岛北三大片区为重点，打造海上风电基地" -> 渤中海上风电基地, …
    "推动甲江上游、乙江中游等已纳入规划的水电项目开工建设"  -> 甲江上游水电项目, 乙江中游水电项目

The kind comes after a verb that builds (建设, 布局, 打造 …) and names no project of its own (a category:
"集中连片风电", "调峰气电"); the places come before the verb, after an opening word (在, 推动, 支持, 以 …),
listed with 、/和/及/以及 and closed by 等 (and some words on what the places are: 等地, 等负荷中心) or a
count (三大片区), or by the verb itself. The kind may also come before the verb, after the list's 等 and a
description ending in 的 ("等已纳入规划、符合要求的水电项目开工建设"): the description's own verbs (纳入, 符合)
would otherwise cut the name, and its 、 would split the list. Each place is short, of no kind of its own, not a sector, and
names something (a division or a proper name: 皖北平原, 武宿机场航站楼). The rows' spans are the places'.

Each clause is read a bounded number of times (its verbs, the words before each): linear in the plan.
"""
from __future__ import annotations

import re

from registry.extract.kinds import is_specific, keyword_type
from registry.extract.places import PlaceIndex
from registry.extract.vocab import GENERIC_STARTS, HEAD_RE, LEAD_RE

_VERB = re.compile(r"合理规划布局|规划布局|建设|建成|布局|打造|开展|创建|发展|推进|推广")
_OPENER = re.compile(r"重点在|在|推动|支持|鼓励|以(?!及|上|下|来|后|前|内|外)|推进")
_CLOSE = re.compile(r"等|[两二三四五六七八九十]+(?:大|个|座|处)")
_SEPARATOR = re.compile(r"以及|、|和|及")
# Where the kind's words end: "煤电作为基础性安全保障电源", "调峰气电，…".
_KIND_STOP = re.compile(r"作为|用于|以|，|,|。|；|的(?!$)")
_KIND_QUALIFIER = re.compile(r"^(?:合理规模|适度规模|一定规模的?|一批|若干)")
_SECTOR_END = re.compile(r"(?:行业|领域|产业|企业|方面|环节|技术|设备|材料|产品|能源|资源|城市|乡村|农村)$")
_PRIORITY = re.compile(r"为重点$")
# What a place that is no division looks like: a plain, region, basin, river, island, district, station, or a
# province's one-character name with a direction, a river's reach ("金沙江上游", "皖北平原", "渤中", "半岛南", "武宿机场航站楼", "洋浦经济开发区").
_GEOGRAPHIC = re.compile(r"(?:平原|地区|盆地|片区|流域|上游|中游|下游|河段|干流|沿线|江|河|湖|山|岛|湾|港|区|县|市|州|盟|旗|镇|乡|站|楼|场|三角|[东西南北中])$"
                         r"|^[\u4e00-\u9fff][东西南北中]{1,2}")
_MAX_CLAUSE = 120  # a clause longer than this is read from its last _MAX_CLAUSE characters
_MAX_ITEM = 10
_MAX_KIND = 20
_MAX_DESCRIPTION = 12  # "等煤炭资源富集地区", "等重大公共基础设施"
# "等已纳入规划、符合生态保护要求的水电项目开工建设": places, a description of them ending in 的, the kind, and a verb
# that builds closing the clause. Without the 的 the list rules of lists.py read it ("等已核准水电项目").
_MAX_DESCRIBED = 24
_DESCRIBED_KIND_THEN_VERB = re.compile(rf"等(?:[^等的，,]{{1,{_MAX_DESCRIBED}}}的)(?P<kind>[\u4e00-\u9fff]{{2,{_MAX_KIND}}}?)"
                                       r"(?:开工建设|加快建设|有序建设|建设|开发)$")


def spread_items(sentence: str, places: PlaceIndex, clause_breaks: list[int]) -> list[tuple[str, int, int]]:
    """(name, start, end) of each place a facility kind is spread over, in sentence offsets."""
    bounds = [-1, *clause_breaks, len(sentence)]
    found: list[tuple[str, int, int]] = []
    for low, high in zip(bounds, bounds[1:]):
        low = max(low + 1, high - _MAX_CLAUSE)
        clause = sentence[low:high]
        if _PRIORITY.search(clause) and high < len(sentence):
            # "以甲、乙三大片区为重点，打造…基地": the places in this clause, the kind in the next
            following = sentence[high + 1:min(len(sentence), high + 1 + _MAX_CLAUSE)]
            verb = _VERB.search(following, 0, 8)  # "打造…", "加快打造…"
            kind = _kind(following[verb.end():], places) if verb else None
            if kind:
                found += _items(clause[:-len("为重点")], low, kind, places)
            continue
        described = _DESCRIBED_KIND_THEN_VERB.search(clause)
        if described:
            kind = _kind(described.group("kind"), places)
            if kind:
                found += _items(clause[:described.start() + 1], low, kind, places)
                continue
        for verb in _VERB.finditer(clause):
            kind = _kind(clause[verb.end():], places)
            if kind:
                found += _items(clause[:verb.start()], low, kind, places)
                break
    return found


def _kind(after: str, places: PlaceIndex) -> str | None:
    """The facility kind after a verb, when it is a category with a type: "集中连片风电", "调峰气电"."""
    stop = _KIND_STOP.search(after)
    kind = after[:stop.start()] if stop else after
    kind = _KIND_QUALIFIER.sub("", kind)
    kind = re.sub(r"(?:项目)?建设$", "", kind)
    if not 2 <= len(kind) <= _MAX_KIND or "、" in kind or "和" in kind or keyword_type(kind) is None:
        return None
    if is_specific(kind, places) or LEAD_RE.search(kind):
        return None  # a named project, or more verbs: not a kind placed at the places before
    return kind


def _items(before: str, offset: int, kind: str, places: PlaceIndex) -> list[tuple[str, int, int]]:
    """The places listed in the words before the verb, each with the kind: (name, start, end)."""
    opener = None
    for opener in _OPENER.finditer(before):
        pass
    if opener is None:
        return []
    listed, at = before[opener.end():], offset + opener.end()
    close = _CLOSE.search(listed)
    closed = close is not None
    if close:
        if len(listed) - close.end() > _MAX_DESCRIPTION:
            return []
        listed = listed[:close.start()]
    pieces, position = [], 0
    for separator in _SEPARATOR.finditer(listed):
        pieces.append((listed[position:separator.start()], position))
        position = separator.end()
    pieces.append((listed[position:], position))
    if len(pieces) < 2 and not closed:
        return []
    items = []
    for piece, position in pieces:
        if not _is_place_item(piece, places):
            return []
        items.append((piece + kind, at + position, at + position + len(piece)))
    return items


def _is_place_item(item: str, places: PlaceIndex) -> bool:
    """A place or a proper name: short, of no kind of its own, no sector, no verb."""
    if not 2 <= len(item) <= _MAX_ITEM or item.startswith(GENERIC_STARTS) or keyword_type(item) is not None:
        return False
    if _SECTOR_END.search(item) or LEAD_RE.search(item) or HEAD_RE.search(item) or re.search(r"[^\u4e00-\u9fff]", item):
        return False
    return bool(places.find(item)) or (_GEOGRAPHIC.search(item) is not None and is_specific(item, places))
