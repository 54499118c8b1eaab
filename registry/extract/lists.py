"""Enumerations in a project name: "A、B、C等SUFFIX", "A和B SUFFIX", places listed before a generic
name, the area a clause names before its verb. Each item becomes one project (rules.py decides which).
"""
from __future__ import annotations

import re
from bisect import bisect_left

from registry.extract.kinds import POWER_IMPORT, VOLTAGE_LINE, VOLTAGE_STATION, first_keyword_position, keyword_type
from registry.extract.places import PlaceIndex
from registry.extract.units import number_value
from registry.extract.vocab import HEAD_RE, LEAD_RE, NOT_PROJECTS, TYPE_RULES

# Words between 等 and the shared head that qualify the items rather than name them.
_QUALIFIERS = r"已核准|已备案|已批复|已纳规|在建|拟建|新建|续建|已建成|现有|重点|大型|规划"
# Words right after 等 that close an enumeration of places or qualify it: 等地, 等乡镇, 等已核准.
_AREA_WORDS = re.compile(r"^(?:地区|地方|地|区域|乡镇|县市区|企业|的|" + _QUALIFIERS + ")+")
_JOINERS = re.compile(r"以及|和|及|与")
# What closes an enumeration before its shared words: 等, or a count of its items ("甲、乙和丙三大海域风电").
_LIST_CLOSE = re.compile(r"等|(?:[两二三四五六七八九十]+|(?<!\d)\d{1,2})(?:大|个|座|处|片|条|县|市|区|地)(?=[\u4e00-\u9fff])")
_MAX_ITEM_LENGTH = 30
_MAX_PAIRED = 5  # "普光" of "普光和元坝气田": a place or a field, not a phrase
_DIVISION_ITEM = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:市|县|州|盟|旗)$")  # a division's full name: 白山市
_PLACE_NOUN = re.compile(r"产业园区|工业园区|开发区|工业园|产业园|园区|新区|港区|片区|矿区")

_MAX_CONJUNCT = 40  # the words either side of a 和 that can belong to one name
_MAX_LISTED_PLACES = 60  # more places in one run than any plan lists; bounds the walk back per name
_MAX_SUBJECT_WINDOW = 40  # "支持十堰经济技术开发区打造…": the subject is a short phrase just before the verb


def _one_system(left: str, right: str) -> bool:
    """"甲回收网络体系和乙收转运体系建设项目": a left side that is a system (体系, 网络, 系统) with no
    head of its own, of the same kind as the right side, is one more part of the project the shared
    head names, not a project of its own; a facility on the left ("甲处理中心和乙利用项目") still is.

    Only the words next to the 和 are read (a name is at most a few dozen characters), so a phrase
    with many 和 stays linear.
    """
    left, right = left[-_MAX_CONJUNCT:], right[:_MAX_CONJUNCT]
    if not left.endswith(("体系", "网络", "系统")) or HEAD_RE.search(left[-6:]) or VOLTAGE_STATION.search(left):
        return False
    left_type, right_type = keyword_type(left), keyword_type(right)
    return left_type is not None and left_type == right_type


def conjuncts(phrase: str) -> list[tuple[str, int]]:
    """Split "A和B" / "A及B" when both sides are long enough to be names of their own.

    Whether the text right of a 和 carries a type keyword is read off the last occurrence of each
    keyword, found once, so a phrase with many 和 stays linear.
    """
    joins = list(re.finditer(r"[和及](?!以)", phrase))
    if not joins:
        return [(phrase, 0)]
    enumeration_marks = [i for i, c in enumerate(phrase) if c == "、"]
    last_forbidden = max((m.start() for m in NOT_PROJECTS.finditer(phrase)), default=-1)
    last_typed = max([phrase.rfind(k) for _, _, keywords in TYPE_RULES for k in keywords]
                     + [at for at in range(len(phrase)) if VOLTAGE_LINE.match(phrase, at)]
                     + [m.start() for m in POWER_IMPORT.finditer(phrase)])
    station = VOLTAGE_STATION.search(phrase)
    if station:
        last_typed = max(last_typed, station.start())
    pieces, at = [], 0
    for match in joins:
        right_at = match.end()
        mark = bisect_left(enumeration_marks, at)
        if mark < len(enumeration_marks) and enumeration_marks[mark] < match.start() or phrase.startswith("等", right_at):
            continue  # "泽东化工、华邦保和等…": the 和 is inside an enumerated name
        typed = right_at <= last_typed and right_at > last_forbidden
        if typed and _one_system(phrase[at:match.start()], phrase[right_at:]):
            continue
        if match.start() - at >= 6 and len(phrase) - right_at >= 6 and typed:
            pieces.append((phrase[at:match.start()], at))
            at = right_at
    pieces.append((phrase[at:], at))
    return pieces


def _enumerated_parts(phrase: str) -> list[tuple[str, int]]:
    """The items of "A、B、C…" as (text, position); before a 等 or a count ("三大"), "A、B和C等" and "A及B等"
    list items too."""
    close = _LIST_CLOSE.search(phrase)
    stop = close.start() if close else -1
    parts, at = [], 0
    # not "5、6号机组"; a comma only stands inside a phrase whose items are grouped by comma (rules.py)
    separators = [m for m in re.finditer(r"(?<![\d一二三四五六七八九十])、|、(?![\d一二三四五六七八九十])|，", phrase)]
    if stop > 0:
        # "甲和乙、丙等": a joiner before the list's last 、 is inside an item; "华邦保和等": a name
        last_mark = phrase.rfind("、", 0, stop)
        separators += [m for m in _JOINERS.finditer(phrase, max(0, last_mark), stop)
                       if m.end() < stop and m.start() > 0 and phrase[m.start() - 1] != "、"]
    else:
        separators += [m for m in _JOINERS.finditer(phrase) if _short_pair(phrase, m.start(), m.end())]
    separators.sort(key=lambda m: m.start())
    inside = _inside_brackets(phrase) if "（" in phrase or "(" in phrase else None
    for match in separators:
        if match.start() < at or (inside and inside[match.start()]):
            continue  # "长沙（浏阳、宁乡）国家再制造产业示范基地": a bracket's list belongs to its item
        parts.append((phrase[at:match.start()], at))
        at = match.end()
    parts.append((phrase[at:], at))
    if len(parts) == 1 and close and close.group(0) != "等":
        # "粤东粤西两个…基地", "日临莱泰两大…基地": two-character names run together, as many as the count says
        count = number_value(re.match(r"[两二三四五六七八九十]+|\d+", close.group(0)).group(0))
        if count and count >= 2 and stop == 2 * count:
            parts = [(phrase[i:i + 2], i) for i in range(0, stop, 2)]
            parts[-1] = (phrase[stop - 2:], stop - 2)
    return parts


def _short_pair(phrase: str, join: int, right: int) -> bool:
    """"威远和泸州区块…干线", "普光和元坝气田": a short bare item (a place, a field) joined by 和/及 to one with a noun."""
    left = phrase[phrase.rfind("、", max(0, join - _MAX_PAIRED - 1), join) + 1:join]
    if join - _MAX_PAIRED - 1 > 0 and "、" not in phrase[join - _MAX_PAIRED - 1:join]:
        return False  # more than a short item before the 和
    if not (2 <= len(left) <= _MAX_PAIRED and keyword_type(left) is None and re.fullmatch(r"[\u4e00-\u9fff]+", left)):
        return False
    noun_at = first_keyword_position(phrase[right:right + _MAX_CONJUNCT])
    # the noun follows the right name; a division's full name ("白山市和蛟河甲石材产业园区…基地") may pair with a longer one
    return 1 < noun_at <= 6 or (noun_at > 1 and _DIVISION_ITEM.match(left) is not None)


def _paired_nouns(phrase: str, parts: list[tuple[str, int]]) -> dict[int, str]:
    """"川东北普光和元坝气田", "威远和泸州区块页岩气集输干线": a short bare item joined by 和/及 to an item with a
    noun of its own shares that noun (from its first type word on). Index of the item -> the noun it takes."""
    paired = {}
    for i in range(len(parts) - 1):
        (part, _), (following, at) = parts[i], parts[i + 1]
        if not 2 <= len(part) <= _MAX_PAIRED or phrase[at - 1:at] not in ("和", "及") or keyword_type(part):
            continue
        following = _LIST_CLOSE.split(following, 1)[0]
        cut = first_keyword_position(following)
        if _DIVISION_ITEM.match(part):  # the right item's place ends at its park or zone; the noun after it is shared
            ends = [m.end() for m in _PLACE_NOUN.finditer(following, 0, max(cut, 0))]
            cut = ends[-1] if ends else cut
        if 0 < cut < len(following) and not HEAD_RE.search(part):
            paired[i] = following[cut:]
    return paired


def _inside_brackets(phrase: str) -> list[bool]:
    """For each character, whether it stands inside brackets."""
    depth, inside = 0, []
    for c in phrase:
        if c in "）)":
            depth = max(0, depth - 1)
        inside.append(depth > 0)
        if c in "（(":
            depth += 1
    return inside


def _own_noun(item: str) -> bool:
    """An item that ends in its own type word ("东山热电", "新河气电二期"), so the shared head is not added."""
    item = re.sub(r"[一二三四五六七八九十]期$|[（(][一二三四五六七八九十]期[）)]$", "", item)
    return len(item) >= 4 and any(item.endswith(k) for _, _, keywords in TYPE_RULES for k in keywords
                                  if len(k) >= 2 and k not in ("回收", "再生", "综合利用"))


def split_items(phrase: str, offset: int, separate: bool) -> list[tuple[str, int, int]]:
    """Items of an enumeration "A、B、C等SUFFIX" or "A、B SUFFIX" as (name, start, end).

    `separate`: the enumeration is followed by 等项目, so its items are whole names.
    """
    parts = _enumerated_parts(phrase)
    head = HEAD_RE.search(phrase[-8:])
    head_word = head.group(0) if head else ""
    if len(parts) == 1:
        if "等" in phrase and keyword_type(phrase[:phrase.index("等")]):
            own = phrase[:phrase.index("等")]
            return [(own + ("" if HEAD_RE.search(own[-6:]) else head_word), offset, offset + len(phrase))]
        if "等" in phrase:  # "宣化店镇等地农光互补光伏电站": 等地 says "and other places", it names nothing
            own, rest = phrase[:phrase.index("等")], phrase[phrase.index("等") + 1:]
            suffix = _AREA_WORDS.sub("", rest)
            if own and HEAD_RE.search(suffix):  # "山西-京津唐等通道": one item and its head
                return [(own + suffix, offset, offset + len(phrase))]
        return [(phrase, offset, offset + len(phrase))]
    paired = _paired_nouns(phrase, parts)
    if separate or any(len(p) > _MAX_ITEM_LENGTH or not p for p, _ in parts[:-1]):
        return [(p + paired.get(i, ""), offset + at, offset + at + len(p)) for i, (p, at) in enumerate(parts)]
    last, last_at = parts[-1]
    close = _LIST_CLOSE.search(last)
    if close:
        own, suffix = last[:close.start()], last[close.end():]
        suffix = _AREA_WORDS.sub("", suffix) if close.group(0) == "等" else suffix
    else:
        cut = first_keyword_position(last)
        if cut <= 0:
            return [(p, offset + at, offset + at + len(p)) for p, at in parts]
        own, suffix = last[:cut], last[cut:]
    suffix = re.sub(r"等(?=项目|工程)", "", suffix)
    items = []
    for i, (part, at) in enumerate(parts[:-1] + [(own, last_at)]):
        # a short suffix with no type word ("项目", "工程") adds nothing; one that has one ("水电站", "核电") names the kind
        standalone = ((len(suffix) <= 3 and keyword_type(suffix) is None) or HEAD_RE.search(part[-6:]) is not None
                      or VOLTAGE_STATION.search(part) is not None or _own_noun(part))
        if standalone:
            name = part + paired.get(i, "")
        else:  # a division paired with a longer item takes the noun after that item's place, not the list's suffix
            name = part + (paired[i] if i in paired and _DIVISION_ITEM.match(part) else suffix)
        end = offset + (at + len(part) if standalone else len(phrase))
        items.append((name, offset + at, end))
    return items


def places_listed_before(sentence: str, found: list, starts: list[int], floor: int, limit: int) -> list[tuple[str, int]]:
    """The last run "P1、P2、P3等" of place names in sentence[floor:limit], as (place, position).

    `found` is the sentence's places (not the city itself) in order and `starts` their starts: the
    run is walked back from the last place before `limit`, at most _MAX_LISTED_PLACES of them.
    """
    i = bisect_left(starts, limit) - 1
    while i >= 0 and found[i].end > limit:
        i -= 1
    lowest = max(bisect_left(starts, floor), i - 4 * _MAX_LISTED_PLACES)
    best: list = []
    while i >= lowest and not best:
        run = [found[i]]
        while (i - 1 >= lowest and len(run) < _MAX_LISTED_PLACES
               and sentence[found[i - 1].end:run[-1].start] == "、"):
            i -= 1
            run.append(found[i])
        i -= 1
        if len(run) >= 2:
            best = run[::-1]
    return [(p.name, p.start) for p in best]


def after_description(sentence: str, start: int, head_start: int, places: PlaceIndex) -> int:
    """Where a name starts when the words before its head are a description ending in 的 that holds a 、
    ("已完成前期论证、具备开工条件的水电项目"): after the 的, so the description's parts are no items of a list.
    A list of places before 的 ("宜昌、襄阳的风电项目") and a list closed by 等 before the description stay."""
    described = sentence.rfind("的", start, head_start)
    if described < 0 or "、" not in sentence[start:described] or "等" in sentence[start:described]:
        return start
    last_item = sentence[sentence.rfind("、", start, described) + 1:described]
    return start if places.find(last_item) else described + 1


def subject_before(sentence: str, clause_start: int, name_start: int, places: PlaceIndex) -> tuple[str, int]:
    """The area a clause names before its verb ("支持十堰经济技术开发区打造氢能产业园")."""
    lead = None
    for match in LEAD_RE.finditer(sentence, max(clause_start, name_start - _MAX_SUBJECT_WINDOW), name_start):
        lead = match
    if lead is None or lead.end() != name_start or lead.start() - clause_start > _MAX_SUBJECT_WINDOW:
        return "", 0
    subject = re.sub(r"^(?:支持|鼓励|推动|引导|依托|在|以|由)+", "", sentence[clause_start:lead.start()])
    subject = re.sub(r"(?:先行|率先|优先|积极|加快|重点)$", "", subject)  # "支持晋北地区先行建设…"
    subject = re.sub(r"等(?:地区|地方|地|区域|乡镇)$", "", subject)  # "在宣化店镇等地建设…"
    if "、" in subject or LEAD_RE.search(subject):
        return "", 0
    if 2 <= len(subject) <= 12 and (places.find(subject) or re.search(r"(?:新区|开发区|园区|工业园|县|市|区)$", subject)):
        return subject, lead.start() - len(subject)
    return "", 0

